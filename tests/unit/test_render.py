"""render.py: seed text is escaped, blocks come out in order, options do what they say. No Qt."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop.data.article import (
    ArchivedArticle,
    Article,
    Block,
    Embed,
    Furniture,
    Gallery,
    GalleryItem,
    Paragraph,
)
from desktop.filenames import MAX_LENGTH, safe_filename
from desktop.render import (
    RenderOptions,
    format_date,
    gallery_heading,
    highlight,
    meta_line,
    render_article,
)
from desktop.typography import PALETTES

HOSTILE = (
    '<img src="file:///etc/passwd">',
    '<a href="file:///">click</a>',
    "<script>alert(1)</script>",
    '<img src="/dev/zero">',
)


def make_record(blocks: tuple[Block, ...], **fields: object) -> ArchivedArticle:
    values: dict[str, object] = {
        "url": "https://www.example.com/news/world/story-1",
        "normalized_url": "example.com/news/world/story-1",
        "domain": "example.com",
        "outlet": "The Example",
        "section": ("News", "World"),
        "date": "2016-10-29",
        "title": "Floods reach the city",
        "score": 154,
        "comments": 15,
        "blocks": blocks,
    }
    values.update(fields)
    return ArchivedArticle(id=7, article=Article(**values), versions=1,  # type: ignore[arg-type]
                           imported_at="2026-11-26T00:00:00")


class _Collector(HTMLParser):
    """Records every tag and attribute the HTML really contains, and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html_text: str) -> _Collector:
    collector = _Collector()
    collector.feed(html_text)
    collector.close()
    return collector


def body_text(html_text: str) -> str:
    """The visible text (style sheet excluded), whitespace collapsed."""
    visible = re.sub(r"<style>.*?</style>", "", html_text, flags=re.S)
    return " ".join("".join(parse(visible).text).split())


SAMPLE = make_record((
    Paragraph("First paragraph about the flood."),
    Gallery("Mosul offensive", 3, (
        GalleryItem(1, "Families gather near Qayyarah", None),
        GalleryItem(2, "A boy with his family", "Reuters"),
        GalleryItem(3, "A child eats a pomegranate", "Getty"),
    )),
    Paragraph("Second paragraph, after the gallery."),
    Embed("video", "Mosul battle: Civilians flee", "admin"),
    Furniture("Read more"),
    Paragraph("Third and last paragraph."),
))


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_markup_in_every_field_is_text_not_markup(hostile: str) -> None:
    record = make_record(
        (
            Paragraph(f"Body {hostile} end"),
            Gallery(hostile, 1, (GalleryItem(1, hostile, hostile),)),
            Embed("video", hostile, hostile, hostile),
            Furniture(hostile),
        ),
        title=hostile, outlet=hostile, url=f"https://example.com/{hostile}",
        section=(hostile,),
    )
    out = render_article(record, RenderOptions(show_furniture=True,
                                               highlight_terms=("img", "src", "href")))
    tags = parse(out).tags
    assert {t for t, _ in tags} <= {"html", "head", "meta", "style", "body", "h1", "h2", "p",
                                    "a", "span", "table", "tr", "td", "b"}
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a" and "href" in attrs]
    assert all(h is not None and h.startswith("broadsheet:") for h in hrefs)
    assert not any(tag == "img" for tag, _ in tags)
    # The markup is still there for the reader to see, literally, in the title and the body.
    assert body_text(out).count(hostile) >= 6


def test_source_url_is_shown_as_text_and_linked_only_through_broadsheet_source() -> None:
    out = render_article(make_record((), url='https://example.com/a?b=1&c="x"'))
    assert ('<a href="broadsheet:source">https://example.com/a?b=1&amp;c=&quot;x&quot;</a>'
            in out)


def test_blocks_render_in_article_order() -> None:
    text = body_text(render_article(SAMPLE))
    order = [
        "Floods reach the city",
        "The Example · News › World · 29 October 2016 · 154 points · 15 comments",
        "https://www.example.com/news/world/story-1",
        "First paragraph about the flood.",
        "In pictures: Mosul offensive",
        "1/3 Families gather near Qayyarah",
        "2/3 A boy with his family — Reuters",
        "3/3 A child eats a pomegranate — Getty",
        "Second paragraph, after the gallery.",
        "Video: Mosul battle: Civilians flee — by admin",
        "Third and last paragraph.",
    ]
    positions = [text.index(piece) for piece in order]
    assert positions == sorted(positions)


def test_a_video_shows_its_running_time() -> None:
    record = make_record((Embed("video", "Pete Williams: FBI found nothing new", None, "2:06"),))
    assert "Video: Pete Williams: FBI found nothing new (2:06)" in body_text(render_article(record))


def test_gallery_has_anchor_and_links_to_each_photo() -> None:
    record = make_record((
        Gallery("One", 1, (GalleryItem(1, "a", None),)),
        Gallery("Two", 2, (GalleryItem(1, "b", None), GalleryItem(2, "c", "AP"))),
    ))
    tags = parse(render_article(record)).tags
    names = [attrs["name"] for tag, attrs in tags if tag == "a" and "name" in attrs]
    hrefs = [attrs["href"] for tag, attrs in tags if tag == "a" and "href" in attrs]
    assert names == ["gallery-0", "gallery-1"]
    assert hrefs == ["broadsheet:source", "broadsheet:gallery/0/1",
                     "broadsheet:gallery/1/1", "broadsheet:gallery/1/2"]


def test_gallery_image_is_an_archive_resource_only() -> None:
    record = make_record((Gallery("G", 1, (GalleryItem(1, "cap", None, image_id=42),)),))
    tags = parse(render_article(record)).tags
    assert [attrs["src"] for tag, attrs in tags if tag == "img"] == ["archive:image/42"]


def test_furniture_is_hidden_by_default_and_shown_on_request() -> None:
    assert "Read more" not in body_text(render_article(SAMPLE))
    shown = render_article(SAMPLE, RenderOptions(show_furniture=True))
    assert '<p class="furniture">Read more</p>' in shown


def test_highlight_wraps_word_prefixes_case_insensitively() -> None:
    assert highlight("Flooded streets; the flood", ["flood"]) == (
        '<span class="hl">Flooded</span> streets; the <span class="hl">flood</span>'
    )


def test_highlight_does_not_match_inside_words_or_entities() -> None:
    assert highlight("A & B <amp> reflood", ["amp", "flood"]) == (
        'A &amp; B &lt;<span class="hl">amp</span>&gt; reflood'
    )


def test_highlight_ignores_empty_and_star_only_terms() -> None:
    assert highlight("<b>x</b>", ["", " ", "*"]) == "&lt;b&gt;x&lt;/b&gt;"


def test_highlight_matches_a_phrase_across_spacing() -> None:
    assert highlight("the Mosul  offensive began", ["mosul offensive"]) == (
        'the <span class="hl">Mosul  offensive</span> began'
    )


@given(text=st.text(), terms=st.lists(st.text(max_size=6), max_size=3))
def test_highlight_never_creates_markup(text: str, terms: list[str]) -> None:
    out = highlight(text, terms)
    collector = parse(out)
    assert {tag for tag, _ in collector.tags} <= {"span"}
    assert "".join(collector.text) == text


def test_meta_line_leaves_out_missing_parts_and_says_one_point() -> None:
    article = make_record((), section=(), date=None, score=1, comments=None).article
    assert meta_line(article) == "The Example · 1 point"


def test_format_date_keeps_what_it_cannot_read() -> None:
    assert format_date("2016-10-29") == "29 October 2016"
    assert format_date("2016-10") == "2016-10"


def test_gallery_heading_does_not_repeat_in_pictures() -> None:
    assert gallery_heading(Gallery("In pictures: Mosul", 0, ())) == "In pictures: Mosul"
    assert gallery_heading(Gallery(None, 0, ())) == "In pictures"


@pytest.mark.parametrize("theme", ["light", "dark", "print"])
def test_theme_sets_text_and_background_colours(theme: str) -> None:
    out = render_article(SAMPLE, RenderOptions(theme=theme))  # type: ignore[arg-type]
    palette = PALETTES[theme]
    assert f"color: {palette.text}; background-color: {palette.background};" in out
    assert f'<body bgcolor="{palette.background}">' in out


def test_print_theme_is_black_on_white() -> None:
    assert (PALETTES["print"].text, PALETTES["print"].background) == ("#000000", "#ffffff")


# --- file names proposed for exports (desktop/filenames.py) ---------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Mosul: the offensive / day 12?", "Mosul - the offensive - day 12.pdf"),
        ("../../etc/passwd", "etc - passwd.pdf"),
        ('a\\b<c>d|e"f*g', "a - b - c - d - e - f - g.pdf"),
        ("tab\there\x00nul\nline", "tab here nul line.pdf"),
        ("CON", "CON (article).pdf"),
        ("nul.txt", "nul.txt (article).pdf"),
        ("com1", "com1 (article).pdf"),
        ("Report.PDF", "Report.pdf"),
        ("  . . .  ", "article.pdf"),
        ("", "article.pdf"),
        ("Café crème", "Café crème.pdf"),
    ],
)
def test_safe_filename(title: str, expected: str) -> None:
    assert safe_filename(title) == expected


def test_safe_filename_cuts_long_titles_at_a_word() -> None:
    name = safe_filename("word " * 40)
    assert name == " ".join(["word"] * 19) + ".pdf"
    assert len(safe_filename("x" * 500)) == MAX_LENGTH


@given(st.text())
def test_safe_filename_is_always_one_valid_name(title: str) -> None:
    name = safe_filename(title)
    stem = name[:-4]
    assert name.endswith(".pdf") and 4 < len(name) <= MAX_LENGTH
    assert not set(name) & set('<>:"/\\|?*')
    assert all(ch.isprintable() for ch in name)
    assert stem == stem.strip(" .")
    assert stem.split(".")[0].strip().upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


# --- web links (PDF) -------------------------------------------------------------------------


def test_web_links_point_the_source_at_the_web_and_drop_app_links() -> None:
    out = render_article(SAMPLE, RenderOptions(web_links=True))
    hrefs = [attrs["href"] for tag, attrs in parse(out).tags if tag == "a" and "href" in attrs]
    assert hrefs == ["https://www.example.com/news/world/story-1"]


def test_web_link_is_percent_encoded_so_no_character_can_end_a_pdf_string() -> None:
    record = make_record((), url="https://example.com/a) /S /JavaScript (\\ é <x>")
    out = render_article(record, RenderOptions(web_links=True))
    hrefs = [attrs["href"] for tag, attrs in parse(out).tags if tag == "a" and "href" in attrs]
    assert hrefs == ["https://example.com/a%29%20/S%20/JavaScript%20%28%5C%20%C3%A9%20%3Cx%3E"]
    assert "https://example.com/a) /S /JavaScript (\\ é &lt;x&gt;" in out  # shown as text


@pytest.mark.parametrize("url", ["file:///etc/passwd", "javascript:alert(1)", "no-scheme"])
def test_web_links_leave_other_schemes_as_text_only(url: str) -> None:
    out = render_article(make_record((), url=url), RenderOptions(web_links=True))
    assert not [attrs for tag, attrs in parse(out).tags if tag == "a" and "href" in attrs]
    assert f'<p class="source">{html.escape(url)}</p>' in out


def test_gallery_with_images_is_a_grid_of_captioned_photos() -> None:
    items = tuple(GalleryItem(n, f"cap {n}", "AP", image_id=10 + n if n != 2 else None)
                  for n in range(1, 5))
    out = render_article(make_record((Gallery("G", 4, items),)))
    tags = parse(out).tags
    assert [attrs["src"] for tag, attrs in tags if tag == "img"] == [
        "archive:image/11", "archive:image/13", "archive:image/14"]
    assert [t for t, _ in tags].count("tr") == 2
    assert [t for t, _ in tags].count("td") == 6  # 3 per row, the last row padded
    text = body_text(out)
    positions = [text.index(f"{n}/4 cap {n} — AP") for n in range(1, 5)]
    assert positions == sorted(positions)


def test_gallery_without_images_is_a_caption_list() -> None:
    tags = [t for t, _ in parse(render_article(SAMPLE)).tags]
    assert (tags.count("table"), tags.count("td")) == (1, 1)  # only the embed box
    assert tags.count("p") >= 6
