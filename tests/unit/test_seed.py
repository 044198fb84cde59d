"""The seed parser: the sample seed's every value, decoding, header rules, blocks and rejections."""

from __future__ import annotations

import codecs
import itertools
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.data import seed as seed_module
from desktop.data.article import (
    ArchivedArticle,
    Article,
    Embed,
    Furniture,
    Gallery,
    GalleryItem,
    Paragraph,
    article_to_json,
)
from desktop.data.seed import (
    _CP1252_ERRORS,
    _TEXT_FIXES,
    MAX_SEED_BYTES,
    MISSING_COUNTS_WARNING,
    _fix_characters,
    _parse,
    _utf8_needs_no_fix,
    parse_seed,
    parse_seed_bytes,
    split_credit,
)
from desktop.errors import SeedError

ROOT = Path(__file__).resolve().parents[2]
SEED_FILE = ROOT / "seeds" / "000_6543f0fa9f46b287.txt"
TEST_SEEDS_DIR = ROOT / "tests" / "data" / "seeds"

SEED_URL = (
    "http://www.independent.co.uk/news/world/middle-east/mosul-offensive-latest-isis-escape-"
    "route-cut-off-new-front-launched-shiite-militia-hashed-al-shaabi-a7386276.html"
)
SEED_TITLE = (
    "Mosul offensive latest Isis escape route cut off new front launched shiite militia "
    "Hashed al-Shaabi"
)
HEADER = b"https://www.theguardian.com/world/2016/oct/29/test-story\n12\n3\n"


def parse(body: bytes, header: bytes = HEADER) -> Article:
    return parse_seed_bytes(header + body, "test.txt")


# --- the sample seed ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed():  # type: ignore[no-untyped-def]
    return parse_seed(SEED_FILE)


def test_seed_header_values(seed) -> None:  # type: ignore[no-untyped-def]
    assert seed.url == SEED_URL
    assert seed.normalized_url == SEED_URL.replace("http://www.", "https://")
    assert seed.domain == "independent.co.uk"
    assert seed.outlet == "The Independent"
    assert seed.section == ("News", "World", "Middle East")
    assert seed.date is None
    assert seed.score == 154
    assert seed.comments == 15
    assert seed.warnings == ()
    assert seed.source_file == str(SEED_FILE)


def test_seed_title_is_recovered_from_slug_and_body(seed) -> None:  # type: ignore[no-untyped-def]
    assert seed.title == SEED_TITLE


def test_seed_block_order(seed) -> None:  # type: ignore[no-untyped-def]
    kinds = [b.type for b in seed.blocks]
    assert kinds == ["paragraph"] * 6 + ["gallery"] + ["paragraph"] * 3 + ["embed"] + [
        "paragraph"
    ] * 3


def test_seed_paragraph_text_is_exact(seed) -> None:  # type: ignore[no-untyped-def]
    paragraphs = seed.paragraphs
    assert paragraphs[0].text.startswith("Forces from an Iranian-backed Shia paramilitary")
    assert paragraphs[3].text.startswith("\u201cThe operation aims to cut supplies")
    assert paragraphs[6].text.startswith("Hashed\u2019s commanders have said")
    assert paragraphs[-1].text.endswith("a potentially global ideological insurgency.")


def test_seed_gallery(seed) -> None:  # type: ignore[no-untyped-def]
    (gallery,) = seed.galleries
    assert gallery.title == "Mosul offensive"
    assert gallery.total == 28
    assert [item.n for item in gallery.items] == list(range(1, 29))
    credits = Counter(item.credit for item in gallery.items)
    assert credits == {"Getty": 18, "Reuters": 8, "AP": 1, None: 1}
    assert gallery.items[0].credit is None
    assert gallery.items[0].caption.endswith("are seen gathering in an area near Qayyarah")
    assert gallery.items[25] == GalleryItem(26, "Iraqi pro-government forces", "Reuters")
    assert gallery.items[7] == GalleryItem(
        8,
        "Women carry a boy over a wall as civilians flee their houses in the village of "
        "Tob Zawa, Iraq",
        "AP",
    )


def test_seed_embed(seed) -> None:  # type: ignore[no-untyped-def]
    (embed,) = [b for b in seed.blocks if isinstance(b, Embed)]
    assert embed == Embed("video", "Mosul battle: Civilians flee ahead of fighting", "admin")


# --- decoding -------------------------------------------------------------------------------


def texts(article) -> list[str]:  # type: ignore[no-untyped-def]
    return [b.text for b in article.blocks]


def test_crlf_cr_and_nel_line_ends_become_paragraph_breaks() -> None:
    body = "One.\r\n\r\nTwo.\rThree.\u0085Four.".encode()
    assert texts(parse(body)) == ["One.", "Two.", "Three.", "Four."]


def test_crlf_header_is_read() -> None:
    data = HEADER.replace(b"\n", b"\r\n") + b"Body text.\r\n"
    article = parse_seed_bytes(data, "crlf.txt")
    assert (article.score, article.comments, texts(article)) == (12, 3, ["Body text."])


def test_utf8_bom_is_stripped() -> None:
    article = parse_seed_bytes(codecs.BOM_UTF8 + HEADER + b"Body.", "bom.txt")
    assert article.url == "https://www.theguardian.com/world/2016/oct/29/test-story"
    assert texts(article) == ["Body."]


def test_cp1252_ellipsis_and_curly_quotes() -> None:
    article = parse(b"He said \x93wait\x94\x85 and left \x96 it\x92s over.")
    assert texts(article) == ["He said \u201cwait\u201d\u2026 and left \u2013 it\u2019s over."]


def test_cp1252_bytes_in_otherwise_utf8_text_are_both_read() -> None:
    article = parse("Café ".encode() + b"\x93quoted\x94")
    assert texts(article) == ["Café \u201cquoted\u201d"]


def test_bytes_undefined_in_cp1252_leave_no_replacement_or_c1_character() -> None:
    article = parse(b"a\x81b\x8dc\x8fd\x90e\x9df \x93g\x94")
    assert texts(article) == ["abcdef \u201cg\u201d"]


def test_c1_controls_in_utf8_text_are_read_as_cp1252() -> None:
    article = parse("it\u0092s \u0093fine\u0094".encode())
    assert texts(article) == ["it\u2019s \u201cfine\u201d"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec == "utf-16-le" else codecs.BOM_UTF16_BE
    text = HEADER.decode() + "Ünïcode \u201cbody\u201d.\r\n\r\nSecond."
    article = parse_seed_bytes(bom + text.encode(codec), "utf16.txt")
    assert article.score == 12
    assert texts(article) == ["Ünïcode \u201cbody\u201d.", "Second."]


def test_text_is_nfc_normalised() -> None:
    article = parse("Cafe\u0301 and re\u0301sume\u0301.".encode())
    assert texts(article) == ["Caf\u00e9 and r\u00e9sum\u00e9."]


def test_control_characters_are_dropped_and_spaces_collapsed() -> None:
    article = parse(b"Tab\there,  two\x07 spaces\x1b.\x0cNext.")
    assert texts(article) == ["Tab here, two spaces.", "Next."]


def test_every_character_decoding_fixes_is_unprintable() -> None:
    """decode_seed skips its search for them in a text that str.isprintable() passes."""
    assert not [ch for ch in _TEXT_FIXES if ch.isprintable()]


def test_the_byte_check_sees_every_character_decoding_fixes() -> None:
    """decode_seed skips _fix_characters for UTF-8 bytes _utf8_needs_no_fix passes."""
    assert _utf8_needs_no_fix("plain ’quoted’ text£\n".encode())
    for ch in _TEXT_FIXES:
        assert not _utf8_needs_no_fix(f"a{ch}b".encode()), repr(ch)
    # Bytes that are not UTF-8 are read as cp1252, which gives none of them.
    for byte in range(0x80, 0x100):
        assert not set(bytes([byte]).decode("utf-8", _CP1252_ERRORS)) & set(_TEXT_FIXES)


@given(st.binary(max_size=40) | st.text(max_size=20).map(str.encode))
def test_bytes_the_byte_check_passes_need_no_fixing(data: bytes) -> None:
    text = data.decode("utf-8", _CP1252_ERRORS)
    if _utf8_needs_no_fix(data):
        assert _fix_characters(text) == text


@pytest.mark.parametrize(
    "data",
    [
        HEADER + b"Body with a \x00 NUL byte.",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        codecs.BOM_UTF16_LE + (HEADER.decode() + "NUL \x00 inside.").encode("utf-16-le"),
    ],
)
def test_nul_bytes_mean_binary_and_are_rejected(data: bytes) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed_bytes(data, "bin.txt")
    assert info.value.reason == "the file is binary (it contains NUL bytes)"
    assert info.value.path == "bin.txt"


# --- header ---------------------------------------------------------------------------------


def test_missing_integers_give_a_warning_and_no_counts() -> None:
    data = b"https://www.bbc.co.uk/news/uk-politics-37797331\nFirst paragraph.\n\nSecond.\n"
    article = parse_seed_bytes(data, "nocounts.txt")
    assert article.score is None
    assert article.comments is None
    assert article.warnings == (MISSING_COUNTS_WARNING,)
    assert texts(article) == ["First paragraph.", "Second."]


def test_one_integer_is_not_a_header_and_stays_body_text() -> None:
    data = b"https://example.com/news/a-story\n42\nThe body.\n"
    article = parse_seed_bytes(data, "one.txt")
    assert (article.score, article.comments) == (None, None)
    assert texts(article) == ["42", "The body."]
    assert article.warnings == (MISSING_COUNTS_WARNING,)


@pytest.mark.parametrize(
    ("line2", "line3", "counts"),
    [
        (b"999999999999999999", b"0", (999999999999999999, 0)),
        (b"  7 ", b"\t8", (7, 8)),
        (b"1234567890123456789", b"5", (None, None)),
        (b"-5", b"3", (None, None)),
        (b"+5", b"3", (None, None)),
        ("\u0661\u0662".encode(), b"3", (None, None)),
        ("\uff11".encode(), b"3", (None, None)),
        (b"1e5", b"3", (None, None)),
        (b"", b"3", (None, None)),
    ],
)
def test_counts_are_ascii_digits_of_at_most_18(
    line2: bytes, line3: bytes, counts: tuple[int | None, int | None]
) -> None:
    data = b"https://example.com/a-story\n" + line2 + b"\n" + line3 + b"\nBody.\n"
    article = parse_seed_bytes(data, "counts.txt")
    assert (article.score, article.comments) == counts


@pytest.mark.parametrize(
    "first_line",
    [b"ftp://example.com/story", b"Just a paragraph.", b"www.example.com/story",
     b"javascript:alert(1)", b"https://", b"file:///etc/passwd", b"http://exa mple.com/x"],
)
def test_line_1_must_be_an_http_url(first_line: bytes) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed_bytes(first_line + b"\n1\n2\nBody.\n", "nourl.txt")
    assert info.value.reason == "line 1 is not an http(s) URL"
    assert str(info.value).startswith("nourl.txt: line 1 is not an http(s) URL")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\r\n\t\n", "the file is empty"),
        (b"https://example.com/a-story\n1\n2\n", "the file has no body text"),
        (b"https://example.com/a-story\n1\n2\n\n \n\n", "the file has no body text"),
        (b"https://example.com/a-story", "the file has no body text"),
        (b"https://example.com/a-story\n1\n2\nAdvertisement\n\nRead more\n",
         "the file has no body text"),
    ],
)
def test_empty_and_bodiless_seeds_are_rejected(data: bytes, reason: str) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed_bytes(data, "x.txt")
    assert info.value.reason == reason


def test_markup_in_the_body_is_kept_as_literal_text() -> None:
    body = b'See <img src="file:///etc/passwd"> and <a href="file:///">x</a> <b>bold</b>'
    assert texts(parse(body)) == [body.decode()]


# --- files ----------------------------------------------------------------------------------


def test_file_over_10_mb_is_rejected_without_being_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    big.write_bytes(HEADER + b"x" * (11 * 1024 * 1024))

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the file was opened")

    monkeypatch.setattr("desktop.data.seed.open", no_open, raising=False)
    with pytest.raises(SeedError) as info:
        parse_seed(big)
    assert info.value.reason == "the file is larger than 10 MB"
    assert info.value.path == str(big)


def test_bytes_over_10_mb_are_rejected() -> None:
    with pytest.raises(SeedError) as info:
        parse_seed_bytes(HEADER + b"x" * MAX_SEED_BYTES, "big.txt")
    assert info.value.reason == "the file is larger than 10 MB"


def test_seed_of_exactly_10_mb_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "limit.txt"
    path.write_bytes(HEADER + b"y" * (MAX_SEED_BYTES - len(HEADER)))
    assert parse_seed(path).word_count == 1


def test_missing_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(tmp_path / "missing.txt")
    assert info.value.reason == "the file cannot be read (No such file or directory)"


def test_a_folder_is_not_a_seed(tmp_path: Path) -> None:
    with pytest.raises(SeedError) as info:
        parse_seed(tmp_path)
    assert info.value.reason == "is not a file"


def test_unreadable_file_is_a_seed_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.txt"
    path.write_bytes(HEADER + b"Body.")

    def denied(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("desktop.data.seed.open", denied, raising=False)
    with pytest.raises(SeedError) as info:
        parse_seed(path)
    assert info.value.reason == "the file cannot be read (Permission denied)"


def test_source_file_is_the_path_given(tmp_path: Path) -> None:
    path = tmp_path / "s.txt"
    path.write_bytes(HEADER + b"Body.")
    assert parse_seed(path).source_file == str(path)
    assert parse_seed_bytes(HEADER + b"Body.", "given-name").source_file == "given-name"


# --- blocks ---------------------------------------------------------------------------------


def blocks(*lines: str):  # type: ignore[no-untyped-def]
    return parse("\n\n".join(lines).encode()).blocks


def test_gallery_with_heading_show_all_and_items() -> None:
    found = blocks(
        "Intro.",
        "In pictures: Storm Angus",
        "3 show all In pictures: Storm Angus",
        "1/3 Waves crash against the harbour wall PA",
        "2/3 A flooded road near Bath Getty Images",
        "3/3 A fallen tree AFP/Getty",
        "After.",
    )
    assert found == (
        Paragraph("Intro."),
        Gallery(
            "Storm Angus",
            3,
            (
                GalleryItem(1, "Waves crash against the harbour wall", "PA"),
                GalleryItem(2, "A flooded road near Bath", "Getty Images"),
                GalleryItem(3, "A fallen tree", "AFP/Getty"),
            ),
        ),
        Paragraph("After."),
    )


def test_gallery_without_in_pictures_line_takes_title_from_show_all() -> None:
    (gallery,) = blocks("2 show all In pictures: Floods", "1/2 One Reuters", "2/2 Two")
    assert gallery == Gallery(
        "Floods", 2, (GalleryItem(1, "One", "Reuters"), GalleryItem(2, "Two", None))
    )


def test_headerless_run_of_numbered_captions_is_a_gallery() -> None:
    found = blocks("Text.", "1/4 First photo EPA", "2/4 Second photo", "4/4 Last photo Rex")
    assert found[1] == Gallery(
        None,
        4,
        (
            GalleryItem(1, "First photo", "EPA"),
            GalleryItem(2, "Second photo", None),
            GalleryItem(4, "Last photo", "Rex"),
        ),
    )


def test_a_lone_fraction_line_is_prose_not_a_gallery() -> None:
    assert blocks("1/2 cup of flour, sifted.", "Mix well.") == (
        Paragraph("1/2 cup of flour, sifted."),
        Paragraph("Mix well."),
    )


def test_items_of_another_gallery_size_end_the_gallery() -> None:
    found = blocks("2 show all", "1/2 A", "2/2 B", "1/3 other", "2/3 run")
    assert [b.type for b in found] == ["gallery", "gallery"]
    assert (found[0].total, found[1].total) == (2, 3)


def test_show_all_of_zero_photos_is_not_a_gallery() -> None:
    assert blocks("0 show all", "Text.") == (Paragraph("0 show all"), Paragraph("Text."))


def test_in_pictures_line_without_a_gallery_is_furniture() -> None:
    assert blocks("In pictures: Storm Angus", "Text.") == (
        Furniture("In pictures: Storm Angus"),
        Paragraph("Text."),
    )


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        ("Iraqi pro-government forces Reuters", ("Iraqi pro-government forces", "Reuters")),
        ("A boy Getty Images", ("A boy", "Getty Images")),
        ("A boy Getty", ("A boy", "Getty")),
        ("Smoke rises AFP/Getty Images", ("Smoke rises", "AFP/Getty Images")),
        ("Rubble in Aleppo EPA", ("Rubble in Aleppo", "EPA")),
        ("Tob Zawa, Iraq AP", ("Tob Zawa, Iraq", "AP")),
        ("Fans PA", ("Fans", "PA")),
        ("A march Rex/Shutterstock", ("A march", "Rex/Shutterstock")),
        ("Bankers Bloomberg", ("Bankers", "Bloomberg")),
        ("Crowds in Cairo REUTERS", ("Crowds in Cairo", "REUTERS")),
        ("An area near Qayyarah", ("An area near Qayyarah", None)),
        ("A photo by Reutersfan", ("A photo by Reutersfan", None)),
        ("The APPLE store", ("The APPLE store", None)),
        ("Reuters", ("", "Reuters")),
    ],
)
def test_caption_credit_is_a_trailing_known_agency(
    caption: str, expected: tuple[str, str | None]
) -> None:
    assert split_credit(caption) == expected


@pytest.mark.parametrize(
    ("line", "embed"),
    [
        ("Mosul battle: Civilians flee ahead of fighting, by admin",
         Embed("video", "Mosul battle: Civilians flee ahead of fighting", "admin")),
        ("Storm Angus: drone footage, by Jane Smith", Embed("video", "Storm Angus: drone footage",
                                                            "Jane Smith")),
        ("It was, by all accounts, a quiet night", None),
        ("The law was passed, by a narrow margin", None),
        ("Watch the clip, by admin.", None),
        ("A far too long title " * 8 + ", by admin", None),
        ("He was chosen, by the committee", None),
    ],
)
def test_embed_is_a_short_title_by_name_line(line: str, embed: Embed | None) -> None:
    (block,) = blocks(line)
    assert block == (embed if embed is not None else Paragraph(line))


@pytest.mark.parametrize(
    ("line", "embed"),
    [
        ("Sanders booed after voicing support for Clinton 01:18",
         Embed("video", "Sanders booed after voicing support for Clinton", None, "01:18")),
        ("The power behind the 'power blazer' Play Video3:26",
         Embed("video", "The power behind the 'power blazer'", None, "3:26")),
        ("From Oil Baron to Top U.S. Diplomat: Who is Rex Tillerson? 1:58",
         Embed("video", "From Oil Baron to Top U.S. Diplomat: Who is Rex Tillerson?", None,
               "1:58")),
        ("The whole hearing, in one long take 1:02:45",
         Embed("video", "The whole hearing, in one long take", None, "1:02:45")),
        # Times of day and dates, verses, scores and prose are not videos.
        ("By Looking at Lyme Disease on Friday Dec 29 2017 04:24", None),
        ("The story was last updated at 10:45", None),
        ("The polls in Ohio close on Tuesday 7:30", None),
        ("John 3:16", None),
        ("He said the first train leaves at 6:45.", None),
        ("The score at half time was 2:1", None),
        ("Our correspondent explains what happens next 7:61", None),
        ("Play video of the speech on Facebook", None),
    ],
)
def test_a_video_title_with_its_running_time_is_an_embed(line: str, embed: Embed | None) -> None:
    (block,) = blocks(line)
    assert block == (embed if embed is not None else Paragraph(line))


def test_a_share_bar_is_furniture_and_the_title_after_it_the_video() -> None:
    """NBC writes a video's share bar, then its title with the running time."""
    bar = "PlayPete Williams: FBI found nothing new in review Facebook Twitter Google Plus Embed"
    found = blocks(
        "Officials spoke on Sunday.",
        bar,
        "Pete Williams: FBI found nothing new in review 2:06",
        "Trump's dispute of CIA 'troubling' 7:47",
        "The report followed.",
    )
    assert found == (
        Paragraph("Officials spoke on Sunday."),
        Furniture(bar),
        Embed("video", "Pete Williams: FBI found nothing new in review", None, "2:06"),
        Embed("video", "Trump's dispute of CIA 'troubling'", None, "7:47"),
        Paragraph("The report followed."),
    )


@pytest.mark.parametrize(
    "line",
    [
        "Read more", "Read more:", "READ MORE", "Continue reading the main story",
        "Advertisement", "ADVERTISEMENT", "Share this article", "Follow",
        "Image copyright Getty Images", "Image copyrightGETTY IMAGES", "Image caption",
        "Facebook Twitter Pinterest", "Play VIDEO", "Related: Trump picks his cabinet",
        "Read more: Trump’s vow to undo Obama rules", "Follow @someone",
        "You can follow Anthony on Twitter @awzurcher", "Continue reading →",
        "Photo by Joe Raedle/Getty Images", "(Scott Olson/Getty Images)", "3:02", "38 Photos",
        "16,738 16,738 Retweets 53,680 53,680 likes", "9:07 AM - 28 Dec 2016",
        "Featured Image via Getty Images/Drew Angerer", "SEE ALL COMMENTS",
        "RSS Feed for Judi McLeod", "Older articles by Judi McLeod", "Posted on by willyloman",
        "Publish Date October 7, 2016. Photo by Mark Makela for The New York Times", "/",
    ],
)
def test_furniture_lines_are_kept_as_furniture(line: str) -> None:
    assert blocks("Text.", line) == (Paragraph("Text."), Furniture(line))


@pytest.mark.parametrize(
    "line",
    [
        "Follow the money, he said.", "Read more books.", "Advertisement spending rose 5%.",
        "Image copyright law is complicated.", "The share of votes fell.",
        "Posted on the door by the landlord was a notice that the building would close.",
    ],
)
def test_prose_that_starts_like_furniture_stays_a_paragraph(line: str) -> None:
    assert blocks(line) == (Paragraph(line),)


@pytest.mark.parametrize(
    "line", ["ımage caption The scene", "Photo: Jane Doe/Reuterſ", "Sıgn up for our newsletter"]
)
def test_furniture_patterns_read_dotless_i_and_long_s_case_insensitively(line: str) -> None:
    """Lower-casing keeps "ı" and "ſ"; the patterns still take them for "i" and "s"."""
    assert blocks("Text.", line) == (Paragraph("Text."), Furniture(line))


def test_photo_credit_glued_to_a_caption_is_split_off_as_furniture() -> None:
    found = blocks("Tillerson at a meeting in Dallas.Image copyrightGETTY IMAGES")
    assert found == (
        Paragraph("Tillerson at a meeting in Dallas."),
        Furniture("Image copyrightGETTY IMAGES"),
    )


def test_lines_of_one_paragraph_chunk_are_separate_paragraphs() -> None:
    assert texts(parse(b"First line.\nSecond line.\n\nThird.")) == [
        "First line.",
        "Second line.",
        "Third.",
    ]


# --- title ----------------------------------------------------------------------------------


def title_of(url: str, *paragraphs: str) -> str:
    data = f"{url}\n1\n2\n" + "\n\n".join(paragraphs)
    return parse_seed_bytes(data.encode(), "t.txt").title


@pytest.mark.parametrize(
    "texts",
    [["abcd", "", "efgh"], ["abcdef", "ghijkl", "", "mn"], ["abcdefghij", "", "kl"],
     ["abcdefghijk"], ["abc", "defghij", ""], []],
)
def test_title_search_reads_the_texts_up_to_the_limit(
    monkeypatch: pytest.MonkeyPatch, texts: list[str]
) -> None:
    monkeypatch.setattr(seed_module, "_TITLE_TEXT_LIMIT", 10)
    kept: list[str] = []
    budget = 10
    for text in texts:  # the texts in full, the last one cut, none after the limit
        if budget <= 0:
            break
        kept.append(text[:budget])
        budget -= len(kept[-1])
    writings = seed_module._Writings(["a"], iter(texts))
    assert writings._text == "\n".join(kept)
    assert writings._starts == list(
        itertools.accumulate((len(t) + 1 for t in kept[:-1]), initial=0))


@pytest.mark.parametrize(
    "texts", [["ΟΔΟΣ", "Σ ΟΔΟΣ."], ["ΑΣ", "ΣΑ", "Σ"], ["İstanbul Σ", "ΑΣ\u0345Β"], ["", "Σ", ""]]
)
def test_title_search_lower_cases_the_texts_as_the_joined_text(texts: list[str]) -> None:
    # Each text is lower-cased on its own (and cached for furniture detection); a final
    # sigma is the only character whose lower case depends on its neighbours.
    writings = seed_module._Writings(["a"], iter(texts))
    assert writings._low == "\n".join(texts).lower()


def test_title_writes_runs_the_way_the_body_does() -> None:
    url = "https://example.com/news/militia-hashed-al-shaabi-joins-fight"
    body = "Troops of the Hashed al-Shaabi, a militia, joined the fight."
    assert title_of(url, body) == "Militia Hashed al-Shaabi joins fight"


def test_title_words_written_only_at_sentence_starts_stay_lower_case() -> None:
    url = "https://example.com/news/troops-advance-on-city"
    body = "Troops advance. Advance was slow. City officials said so: City hall agreed."
    assert title_of(url, body) == "Troops advance on city"


def test_title_uses_the_most_frequent_writing() -> None:
    url = "https://example.com/news/new-york-new-rules"
    body = "In New York the new rules apply, new rules that New York hates."
    assert title_of(url, body) == "New York new rules"


def test_title_rejoins_possessives_split_by_the_slug() -> None:
    url = "https://example.com/politics/trump-s-cabinet-is-wealthy"
    body = "Analysts say Donald Trump’s Cabinet is the wealthiest yet."
    assert title_of(url, body) == "Trump’s Cabinet is wealthy"


def test_title_is_a_first_paragraph_that_writes_the_slug_as_a_headline() -> None:
    url = "https://example.com/2017/10/is-vietnam-tilting-toward-china-3339283.html"
    body = ("Is Vietnam Tilting Toward China?", "Hanoi is rethinking its alliances.")
    assert title_of(url, *body) == "Is Vietnam Tilting Toward China?"
    # The reader shows it once, as the title: in the body it is furniture, kept.
    blocks = parse_seed_bytes(f"{url}\n1\n2\n{body[0]}\n\n{body[1]}".encode(), "t").blocks
    assert blocks == (Furniture(body[0]), Paragraph(body[1]))
    assert title_of(url, body[0]) == body[0]  # all the body has: it stays a paragraph
    # Only a paragraph with exactly the slug's words, near the top, is the headline.
    assert title_of(url, "Is Vietnam tilting toward China? Some say so.", body[1]) == (
        "Is Vietnam tilting toward China")
    later = ("One.", "Two.", "Three.", "Four.", "Five.", "Is Vietnam Tilting Toward China?")
    assert title_of(url, *later) == "Is Vietnam Tilting Toward China"


def test_a_web_address_in_the_body_is_not_how_the_title_is_written() -> None:
    url = "https://example.com/survival/2015/07/whos-posterity-are-they-talking-about-2577832"
    body = ("We must secure the blessings of liberty to our posterity.",
            "Source: https://example.org/2015/07/15/whos-posterity-are-they-talking-about/")
    assert title_of(url, *body) == "Whos posterity are they talking about"


def test_reuters_title_leaves_out_the_edition_codes() -> None:
    assert parse_seed(TEST_SEEDS_DIR / "reuters_no_counts.txt").title == "Trump Cabinet"


def test_title_run_takes_only_whole_words_the_body_writes() -> None:
    # The run goes on only over a whole word: not the "s" of "sx", nor the "i" that a
    # combining dot follows ("İstanbul" lower-cases to "i" and U+0307, which is not a letter).
    assert seed_module.recover_title(["trump", "s"], ["a Trump sx, a trump's"]) == "Trump's"
    assert seed_module.recover_title(
        ["trump", "i\u0307stanbul", "x"], ["a trump-i\u0307stanbul x"]
    ) == "Trump i\u0307stanbul x"


def test_title_restores_a_possessive_whose_apostrophe_the_slug_dropped() -> None:
    url = "https://example.com/2017/10/ben-cardin-trumps-new-syria-plan-is-illegal/"
    body = "Senator Ben Cardin said Trump’s new Syria plan is illegal, and Trump's aides disagree."
    assert title_of(url, body) == "Ben Cardin Trump’s new Syria plan is illegal"
    # The most frequent writing wins: here the verb.
    url = "https://example.com/2017/10/love-trumps-hate-rally"
    body = "The crowd chanted love trumps hate. Signs said love trumps hate. Trump’s aides left."
    assert title_of(url, body) == "Love trumps hate rally"


def test_title_words_the_body_never_writes_stay_lower_case() -> None:
    assert title_of("https://example.com/a/quiet-day-ahead-123456", "Nothing here.") == (
        "Quiet day ahead"
    )


def test_title_falls_back_to_the_first_words_of_the_body_without_a_slug() -> None:
    body = "One two three four five six seven eight nine ten eleven twelve thirteen."
    assert title_of("https://example.com/", body) == (
        "One two three four five six seven eight nine ten eleven twelve…"
    )
    assert title_of("https://example.com/index.html", "Short body.") == "Short body."


def test_a_section_and_id_slug_gives_the_fallback_title_not_the_section() -> None:
    url = "https://www.bbc.co.uk/news/world-us-canada-38305827"
    body = "World leaders met in Canada on Monday. The US sent its envoy."
    assert title_of(url, body) == "World leaders met in Canada on Monday."
    assert parse_seed(TEST_SEEDS_DIR / "bbc_trump_team.txt").title == (
        "As Donald Trump's 20 January inauguration draws closer, the president-elect's "
        "administration is…"
    )


def test_fallback_title_stops_at_a_sentence_end_not_an_abbreviation() -> None:
    body = "Mr. Smith met Dr. Jones at St. Paul's in the U.S. today. Then they left."
    assert title_of("https://example.com/", body) == (
        "Mr. Smith met Dr. Jones at St. Paul's in the U.S. today."
    )
    assert title_of("https://example.com/", "Fire! Crowds ran.") == "Fire!"


# --- the hand-made seeds in tests/data/seeds ------------------------------------------------

GOOD_SEEDS = {
    "bbc_trump_team.txt": ("BBC News", ("News", "World US Canada"), None, 1034, 287),
    "guardian_tillerson.txt": ("The Guardian", ("US News",), "2016-12-11", 2874, 611),
    "independent_gallery_utf16.txt": (
        "The Independent", ("News", "UK", "Home News"), None, 88, 12
    ),
    "markup_hostile.txt": ("example.org", (), "2016-11-02", 7, 1),
    "nytimes_billy_bush.txt": ("The New York Times", ("Opinion",), "2016-10-29", 512, 96),
    "reuters_no_counts.txt": ("Reuters", (), None, None, None),
}
BAD_SEEDS = {
    "binary_nul.txt": "the file is binary (it contains NUL bytes)",
    "empty.txt": "the file is empty",
    "no_body.txt": "the file has no body text",
    "not_a_url.txt": "line 1 is not an http(s) URL",
    "only_furniture.txt": "the file has no body text",
}


def test_good_test_seeds_are_exactly_these() -> None:
    assert sorted(p.name for p in TEST_SEEDS_DIR.glob("*.txt")) == sorted(GOOD_SEEDS)


@pytest.mark.parametrize("name", sorted(GOOD_SEEDS))
def test_good_test_seed(name: str) -> None:
    article = parse_seed(TEST_SEEDS_DIR / name)
    outlet, section, date, score, comments = GOOD_SEEDS[name]
    assert (article.outlet, article.section, article.date) == (outlet, section, date)
    assert (article.score, article.comments) == (score, comments)
    assert article.warnings == (() if score is not None else (MISSING_COUNTS_WARNING,))


def test_good_test_seeds_have_distinct_urls() -> None:
    keys = {parse_seed(TEST_SEEDS_DIR / n).normalized_url for n in GOOD_SEEDS}
    assert len(keys) == len(GOOD_SEEDS)


def test_cp1252_crlf_test_seed_decodes() -> None:
    article = parse_seed(TEST_SEEDS_DIR / "bbc_trump_team.txt")
    assert article.paragraphs[0].text.endswith(
        "starting to take shape… What does it tell us about what we can expect from the "
        "Trump presidency?"
    )
    assert "the so-called “king of bankruptcy”, Wilbur Ross" in article.paragraphs[1].text
    assert [b.type for b in article.blocks] == [
        "paragraph", "paragraph", "furniture", "paragraph", "furniture", "paragraph"
    ]


def test_utf16_test_seed_has_gallery_and_embed() -> None:
    article = parse_seed(TEST_SEEDS_DIR / "independent_gallery_utf16.txt")
    assert article.title == "Storm Angus flooding pictures"
    (gallery,) = article.galleries
    assert (gallery.title, gallery.total, [i.credit for i in gallery.items]) == (
        "Storm Angus", 3, ["PA", "Getty Images", None]
    )
    assert Embed("video", "Storm Angus: Drone footage of flooded fields", "admin") in (
        article.blocks
    )


def test_markup_test_seed_keeps_markup_as_text() -> None:
    article = parse_seed(TEST_SEEDS_DIR / "markup_hostile.txt")
    assert article.title == "Markup in a scraped body"
    assert texts(article) == [
        'The scraper kept this tag: <img src="file:///etc/passwd"> and it must stay text.',
        'A link <a href="file:///">x</a> and <b>bold</b> are not markup either.',
        "Ampersands & angle brackets < > are plain characters.",
    ]


def test_guardian_test_seed_title_and_key() -> None:
    article = parse_seed(TEST_SEEDS_DIR / "guardian_tillerson.txt")
    assert article.title == "Rex Tillerson director Bahamas US-Russian oil firm leak"
    assert article.normalized_url == (
        "https://theguardian.com/us-news/2016/dec/11/rex-tillerson-director-bahamas-us-russian-"
        "oil-firm-leak"
    )


@pytest.mark.parametrize("name", sorted(BAD_SEEDS))
def test_bad_test_seed_is_rejected_with_its_reason(name: str) -> None:
    path = TEST_SEEDS_DIR / "bad" / name
    with pytest.raises(SeedError) as info:
        parse_seed(path)
    assert (info.value.path, info.value.reason) == (str(path), BAD_SEEDS[name])


def test_bad_test_seeds_are_exactly_these() -> None:
    assert sorted(p.name for p in (TEST_SEEDS_DIR / "bad").iterdir()) == sorted(BAD_SEEDS)


# --- properties: any input gives an Article or a SeedError ------------------------------------

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)


def _article_or_seed_error(data: bytes) -> None:
    # _parse has no last-resort guard, so a bug in the parser fails this test.
    try:
        article = _parse(data, "prop.txt")
    except SeedError as exc:
        assert exc.reason
        assert exc.path == "prop.txt"
        return
    assert isinstance(article, Article)
    assert article.title
    json.dumps(article_to_json(ArchivedArticle(1, article, 1, "")))
    assert len(article.content_hash) == 64


@PROPERTY_SETTINGS
@given(st.binary(max_size=2000))
def test_arbitrary_bytes_give_an_article_or_a_seed_error(data: bytes) -> None:
    _article_or_seed_error(data)


@PROPERTY_SETTINGS
@given(st.text(max_size=2000))
def test_arbitrary_text_after_a_valid_header_gives_an_article_or_a_seed_error(
    body: str,
) -> None:
    _article_or_seed_error(HEADER + body.encode("utf-8", errors="surrogatepass"))


LINE_PARTS = st.sampled_from(
    ["1/3 ", "3 show all In pictures: ", "In pictures: ", ", by ", "Read more", "Reuters",
     "Image copyright", "\r\n", "\n\n", "\x85", "\x93", " ", "-", "’s", "Hashed", "al-Shaabi",
     ".", "A", "\u0301", "\ufeff"]
)


@PROPERTY_SETTINGS
@given(st.lists(st.one_of(LINE_PARTS, st.text(max_size=8)), max_size=60), st.text(max_size=30))
def test_seed_shaped_text_gives_an_article_or_a_seed_error(parts: list[str], slug: str) -> None:
    url = "https://www.independent.co.uk/news/" + slug.replace("\n", "-")
    data = (url + "\n5\n6\n" + "".join(parts)).encode("utf-8", errors="surrogatepass")
    _article_or_seed_error(data)


def test_a_first_line_too_long_for_a_url_is_rejected() -> None:
    url = b"https://example.com/" + b"a-b/" * 3000
    with pytest.raises(SeedError) as info:
        parse_seed_bytes(url + b"\n1\n2\nBody.", "long.txt")
    assert info.value.reason == "line 1 is too long for a URL (over 8192 characters)"


def test_title_of_a_very_long_slug_keeps_its_first_40_words() -> None:
    slug = "-".join(f"w{i}x" for i in range(100))
    title = title_of(f"https://example.com/news/{slug}", "Body.")
    assert title == "W0x " + " ".join(f"w{i}x" for i in range(1, 40))
