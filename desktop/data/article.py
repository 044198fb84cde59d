"""The structured article: what the parser produces, the archive stores and the renderer shows.

No Qt imports. Frozen dataclasses only; the JSON shape of ``article_to_json`` is the CLI
contract of ``broadsheet show --json``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of body text."""

    text: str
    type: Literal["paragraph"] = field(default="paragraph", init=False)


@dataclass(frozen=True)
class GalleryItem:
    """One photo of a gallery: its number, caption and agency credit (None when there is none)."""

    n: int
    caption: str
    credit: str | None
    image_id: int | None = None


@dataclass(frozen=True)
class Gallery:
    """A photo gallery ("In pictures: T"): its title, announced size and captions in order."""

    title: str | None
    total: int
    items: tuple[GalleryItem, ...]
    type: Literal["gallery"] = field(default="gallery", init=False)


@dataclass(frozen=True)
class Embed:
    """An embedded item the scrape left only a title of ("Title, by name"); kind is e.g. "video"."""

    kind: str
    title: str
    by: str | None
    type: Literal["embed"] = field(default="embed", init=False)


@dataclass(frozen=True)
class Furniture:
    """Scraped page furniture ("Read more", "Advertisement"): kept, shown only on request."""

    text: str
    type: Literal["furniture"] = field(default="furniture", init=False)


Block: TypeAlias = Paragraph | Gallery | Embed | Furniture


@dataclass(frozen=True)
class Article:
    """An article as recovered from one seed file.

    ``url`` is the URL as the seed gives it; ``normalized_url`` is the archive's key.
    ``section`` is the path of section names (``("News", "World", "Middle East")``).
    ``date`` is ISO ``YYYY-MM-DD`` or None. ``warnings`` are non-fatal problems of the seed.
    """

    url: str
    normalized_url: str
    domain: str
    outlet: str
    section: tuple[str, ...]
    date: str | None
    title: str
    score: int | None
    comments: int | None
    blocks: tuple[Block, ...]
    source_file: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def paragraphs(self) -> tuple[Paragraph, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Paragraph))

    @property
    def galleries(self) -> tuple[Gallery, ...]:
        return tuple(b for b in self.blocks if isinstance(b, Gallery))

    @property
    def body_text(self) -> str:
        """The paragraphs' text, one per line pair: what search indexes as the body."""
        return "\n\n".join(p.text for p in self.paragraphs)

    @property
    def captions_text(self) -> str:
        """Every gallery caption and embed title, for the search index."""
        lines: list[str] = []
        for block in self.blocks:
            if isinstance(block, Gallery):
                if block.title:
                    lines.append(block.title)
                lines.extend(item.caption for item in block.items)
            elif isinstance(block, Embed):
                lines.append(block.title)
        return "\n".join(lines)

    @property
    def word_count(self) -> int:
        """Words in the paragraphs (what a reader reads), not in captions or furniture."""
        return sum(len(p.text.split()) for p in self.paragraphs)

    @property
    def section_path(self) -> str:
        """The section as one string, ``"News/World/Middle East"``; empty when there is none."""
        return "/".join(self.section)

    @property
    def content_hash(self) -> str:
        """SHA-256 of everything an import compares: title, score, comments and blocks."""
        payload = {
            "title": self.title,
            "score": self.score,
            "comments": self.comments,
            "blocks": blocks_to_json(self.blocks),
        }
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


def block_to_json(block: Block) -> dict[str, Any]:
    """One block in the ``show --json`` shape."""
    if isinstance(block, Paragraph):
        return {"type": "paragraph", "text": block.text}
    if isinstance(block, Gallery):
        return {
            "type": "gallery",
            "title": block.title,
            "total": block.total,
            "items": [
                {"n": i.n, "caption": i.caption, "credit": i.credit}
                | ({"image_id": i.image_id} if i.image_id is not None else {})
                for i in block.items
            ],
        }
    if isinstance(block, Embed):
        return {"type": "embed", "kind": block.kind, "title": block.title, "by": block.by}
    return {"type": "furniture", "text": block.text}


def blocks_to_json(blocks: tuple[Block, ...]) -> list[dict[str, Any]]:
    return [block_to_json(b) for b in blocks]


def block_from_json(data: dict[str, Any]) -> Block:
    """The inverse of ``block_to_json``; raises ValueError on an unknown block type."""
    kind = data.get("type")
    if kind == "paragraph":
        return Paragraph(str(data["text"]))
    if kind == "gallery":
        items = tuple(
            GalleryItem(int(i["n"]), str(i["caption"]), i.get("credit"), i.get("image_id"))
            for i in data["items"]
        )
        return Gallery(data.get("title"), int(data["total"]), items)
    if kind == "embed":
        return Embed(str(data["kind"]), str(data["title"]), data.get("by"))
    if kind == "furniture":
        return Furniture(str(data["text"]))
    raise ValueError(f"unknown block type {kind!r}")


def blocks_from_json(data: list[dict[str, Any]]) -> tuple[Block, ...]:
    return tuple(block_from_json(d) for d in data)


@dataclass(frozen=True)
class ArchivedArticle:
    """An article as the archive holds it: its stable id, how many versions it has had."""

    id: int
    article: Article
    versions: int
    imported_at: str


def article_to_json(record: ArchivedArticle) -> dict[str, Any]:
    """The ``broadsheet show --json`` object."""
    a = record.article
    return {
        "id": record.id,
        "url": a.url,
        "domain": a.domain,
        "outlet": a.outlet,
        "section": list(a.section),
        "date": a.date,
        "title": a.title,
        "score": a.score,
        "comments": a.comments,
        "word_count": a.word_count,
        "versions": record.versions,
        "blocks": blocks_to_json(a.blocks),
    }
