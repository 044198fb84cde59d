"""The seed parser: the sample seed's every value, decoding, header rules, blocks and rejections."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from desktop.data.article import Embed, GalleryItem
from desktop.data.seed import (
    parse_seed,
    parse_seed_bytes,
)

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


def parse(body: bytes, header: bytes = HEADER) -> object:
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
