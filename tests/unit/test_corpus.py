"""The 181 real scraped bodies in ``../shared/corpus/real``, each wrapped in a test header.

Every one parses; where the source was cp1252 no U+FFFD or C1 control is left; and no word of
the body is lost (furniture is kept as its own block, never deleted).
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest

from desktop.data.article import Article, Embed, Furniture, Gallery, Paragraph
from desktop.data.seed import parse_seed_bytes

CORPUS_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "real"
CORPUS = sorted(CORPUS_DIR.glob("*.txt"))
HEADER = b"https://www.theguardian.com/us-news/2016/dec/11/corpus-body-test\n100\n20\n"
C1_OR_REPLACEMENT = re.compile("[\u0080-\u009f\ufffd]")
SLUG_RUN = re.compile(r"[a-z]+-[a-z]+-[a-z]+")
TIMED_TITLE = re.compile(r"[^\W\d] \d{1,2}:\d\d$")
PLAY_BUTTON = re.compile(r"Play Video(?=\d{1,2}:\d\d\s*$)", re.MULTILINE)

pytestmark = pytest.mark.skipif(not CORPUS, reason=f"no corpus at {CORPUS_DIR}")


def is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def all_text(article: Article) -> list[str]:
    """Every piece of text the article holds, in block order."""
    out = [article.title]
    for block in article.blocks:
        if isinstance(block, Paragraph | Furniture):
            out.append(block.text)
        elif isinstance(block, Embed):
            out += [block.title, block.by or "", block.duration or ""]
        elif isinstance(block, Gallery):
            out.append(block.title or "")
            out += [f"{i.caption} {i.credit or ''}" for i in block.items]
    return out


def test_corpus_has_181_bodies() -> None:
    assert len(CORPUS) == 181


def test_corpus_has_cp1252_bodies_and_nel_bytes() -> None:
    """The corpus exercises what it is here for: cp1252 bodies, some with 0x85."""
    cp1252 = [p for p in CORPUS if not is_utf8(p.read_bytes())]
    assert len(cp1252) >= 100
    assert sum(b"\x85" in p.read_bytes() for p in cp1252) == 12


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_body_parses_and_keeps_every_word(path: Path) -> None:
    data = path.read_bytes()
    article = parse_seed_bytes(HEADER + data, str(path))
    assert article.paragraphs, "a real article body has at least one paragraph"
    assert (article.score, article.comments, article.warnings) == (100, 20, ())

    text = data.decode("utf-8") if is_utf8(data) else data.decode("cp1252")
    # A video player's button label between a video's title and its running time
    # ("Title  Play Video5:44") is dropped, like the ", by" of a "Title, by name" embed.
    text = PLAY_BUTTON.sub("", text)
    # Every non-space character, in order: nothing dropped, nothing added (a glued
    # "….Image copyright X" is split into a paragraph and furniture, hence no word compare).
    expected = "".join(unicodedata.normalize("NFC", text).split())
    assert "".join("".join(all_text(article)[1:]).split()) == expected

    if not is_utf8(data):
        bad = [t for t in all_text(article) if C1_OR_REPLACEMENT.search(t)]
        assert bad == []


def test_cp1252_ellipsis_byte_is_an_ellipsis_in_the_corpus() -> None:
    with_nel = [p for p in CORPUS if not is_utf8(p.read_bytes()) and b"\x85" in p.read_bytes()]
    for path in with_nel:
        article = parse_seed_bytes(HEADER + path.read_bytes(), str(path))
        assert "\u2026" in " ".join(all_text(article)), path.name


def test_known_corpus_body_reads_exactly() -> None:
    article = parse_seed_bytes(HEADER + (CORPUS_DIR / "hr_real_1000.txt").read_bytes(), "x")
    assert article.paragraphs[1].text == (
        "Tillerson \u2013 the chief executive of ExxonMobil \u2013 became a director of the oil "
        "company\u2019s Russian subsidiary, Exxon Neftegas, in 1998. His name \u2013 RW Tillerson "
        "\u2013 appears next to other officers who are based at Houston, Texas; Moscow; and "
        "Sakhalin, in Russia\u2019s far east."
    )
    assert "S\u00fcddeutsche Zeitung" in article.body_text
    assert Furniture("Facebook Twitter Pinterest") in article.blocks
    assert Furniture("Read more") in article.blocks


def test_video_titles_with_their_running_time_are_embeds() -> None:
    """The real bodies carry 30 video players' titles ("Title 2:25"): none is left as a
    paragraph, and a byline ending in a time of day is not taken for one."""
    videos: list[Embed] = []
    for path in CORPUS:
        article = parse_seed_bytes(HEADER + path.read_bytes(), str(path))
        videos += [b for b in article.blocks if isinstance(b, Embed) and b.duration]
        assert not [p.text for p in article.paragraphs if TIMED_TITLE.search(p.text)], path.name
    assert len(videos) == 30
    assert Embed("video", "Pete Williams: FBI found nothing new in review", None, "2:06") in videos
    assert Embed("video", "The power behind the 'power blazer'", None, "3:26") in videos
    lyme = parse_seed_bytes(HEADER + (CORPUS_DIR / "fnc_11001.txt").read_bytes(), "x")
    assert Paragraph("By Looking at Lyme Disease on Friday Dec 29 2017 04:24") in lyme.blocks


def test_titles_of_real_urls_read_as_headlines_not_slugs() -> None:
    """The FakeNewsCorpus bodies come with their real URL and title (``meta/``): a title made
    from the URL never keeps a slug's hyphens (from a web address in the body), and a
    headline the scrape kept as a paragraph is the title, as the page wrote it."""
    metas = sorted((CORPUS_DIR / "meta").glob("*.json"))
    assert len(metas) == 33
    exact, titles = [], []
    for meta_path in metas:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        body = (CORPUS_DIR / f"{meta_path.stem}.txt").read_bytes()
        title = parse_seed_bytes(f"{meta['url']}\n1\n2\n".encode() + body, meta_path.name).title
        assert not SLUG_RUN.search(title), (meta_path.name, title)
        titles.append(title)
        if title == meta["title"]:
            exact.append(title)
    assert "Who’s Posterity Are They Talking About?" in exact
    assert "Is Vietnam Tilting Toward China?" in exact
    assert len(exact) >= 3
    # A possessive whose apostrophe the slug dropped ("trumps") is written as the body does.
    assert "Ben Cardin Trump’s new Syria plan is illegal" in titles
