#!/usr/bin/env python3
"""Generate a benchmark corpus: N seed files in the exact seed format, deterministic per seed.

``bench/make_corpus.py N OUT_DIR [--seed S]`` writes ``OUT_DIR/NNNNNN_<hex>.txt``. Each file is
a URL line (real outlets' URL patterns, with and without a date, several sections each), a score
line and a comment-count line (long-tailed), then a body of 3-40 paragraphs sampled and
recombined from the real scraped bodies in ``../shared/corpus/real/``. About one in five carries a
photo gallery ("In pictures: T", "N show all In pictures: T", "k/N caption Credit"), some carry
an embed line ("Title, by name") and page furniture ("Read more", "Advertisement", ...).

Benchmark tooling only: the app never imports this, and the real bodies are never shipped.
No Qt imports.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from desktop.data.seed import decode_seed

REPO = Path(__file__).resolve().parent.parent
REAL_CORPUS = REPO.parent / "shared" / "corpus" / "real"

MIN_PARAGRAPHS = 3
MAX_PARAGRAPHS = 40
GALLERY_SHARE = 0.2
MIN_GALLERY = 5
MAX_GALLERY = 40
EMBED_SHARE = 0.12
FURNITURE_SHARE = 0.25
WRITER_THREADS = 4
WRITE_BATCH = 2000

# (host, scheme, sections, path pattern). Patterns use {sec} {slug} {y} {m} {d} {mon} and
# {idK} (K random digits); patterns without {y} carry no date, as on the real sites.
OUTLETS: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("www.independent.co.uk", "http",
     ("news/world/middle-east", "news/uk/politics", "news/business", "sport/football",
      "arts-entertainment/films", "life-style/health-and-families"),
     "{sec}/{slug}-a{id7}.html"),
    ("www.theguardian.com", "https",
     ("world", "politics", "uk-news", "business", "technology", "commentisfree", "sport"),
     "{sec}/{y}/{mon}/{d}/{slug}"),
    # BBC News URLs carry no slug at all: section and id only ("news/world-europe-37801234").
    ("www.bbc.co.uk", "http",
     ("world-europe", "uk-politics", "business", "technology", "world-middle-east", "health"),
     "news/{sec}-{id8}"),
    ("www.nytimes.com", "https",
     ("world/middleeast", "us/politics", "business/dealbook", "technology", "opinion",
      "sports/baseball"),
     "{y}/{m}/{d}/{sec}/{slug}.html"),
    ("www.washingtonpost.com", "https",
     ("news/politics", "world", "business", "local", "opinions"),
     "{sec}/{y}/{m}/{d}/{slug}/"),
    ("edition.cnn.com", "http",
     ("politics", "world", "us", "health", "travel"),
     "{y}/{m}/{d}/{sec}/{slug}/index.html"),
    ("www.telegraph.co.uk", "http",
     ("news/world", "news/politics", "business", "sport/football", "travel/destinations"),
     "{sec}/{y}/{m}/{d}/{slug}/"),
    ("www.dailymail.co.uk", "http",
     ("news", "sciencetech", "tvshowbiz", "health", "femail"),
     "{sec}/article-{id7}/{slug}.html"),
    ("www.npr.org", "http",
     ("sections/thetwo-way", "sections/health-shots", "sections/alltechconsidered",
      "sections/money"),
     "{sec}/{y}/{m}/{d}/{id9}/{slug}"),
    ("www.foxnews.com", "http",
     ("politics", "world", "us", "entertainment", "health"),
     "{sec}/{y}/{m}/{d}/{slug}.html"),
    ("www.usatoday.com", "https",
     ("story/news/politics", "story/sports/nfl", "story/money", "story/tech"),
     "{sec}/{y}/{m}/{d}/{slug}/{id8}/"),
    ("www.aljazeera.com", "http",
     ("news", "indepth/features", "news/middleeast"),
     "{sec}/{y}/{m}/{slug}-{id15}.html"),
    ("www.theatlantic.com", "https",
     ("politics/archive", "international/archive", "technology/archive", "health/archive"),
     "{sec}/{y}/{m}/{slug}/{id6}/"),
    ("www.vox.com", "http",
     ("policy-and-politics", "world", "science-and-health", "culture"),
     "{sec}/{y}/{m}/{d}/{id8}/{slug}"),
    ("www.cbc.ca", "http",
     ("news/canada", "news/world", "news/politics", "news/business"),
     "{sec}/{slug}-1.{id7}"),
    ("www.latimes.com", "http",
     ("nation", "world", "local/lanow", "business", "entertainment/movies"),
     "{sec}/la-na-{slug}-{y}{m}{d}-story.html"),
    ("www.economist.com", "https",
     ("news/britain", "news/united-states", "news/finance-and-economics", "news/international"),
     "{sec}/{id8}-{slug}"),
)
# A long tail of outlet sizes, as in a real archive: the first outlets dominate.
OUTLET_WEIGHTS = tuple(1.0 / (rank + 1) ** 0.8 for rank in range(len(OUTLETS)))
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

CREDITS = ("Reuters", "Getty", "Getty Images", "AP", "AFP", "EPA", "PA", "Rex", "AFP/Getty",
           "Shutterstock", "Bloomberg", "Alamy")
FURNITURE = ("Read more", "Advertisement", "Share this article", "Continue reading the main story",
             "Image copyright Getty Images", "Follow", "Related Topics", "Share this with")
EMBED_AUTHORS = ("admin", "Newsdesk", "Video team", "Sarah Jones", "Tom Peck", "Staff reporter")

_ID_FIELD = re.compile(r"\{id(\d+)\}")
_WORD = re.compile(r"[A-Za-z0-9]+")


@dataclass(frozen=True)
class Pool:
    """Pre-split material from the real bodies: paragraphs and caption-length sentences."""

    paragraphs: tuple[str, ...]
    captions: tuple[str, ...]


def load_pool(corpus_dir: Path = REAL_CORPUS) -> Pool:
    """Split every real body into paragraph candidates (one per line, at least 12 words)."""
    paragraphs: dict[str, None] = {}
    for path in sorted(corpus_dir.glob("*.txt")):
        for line in decode_seed(path.read_bytes(), str(path)).split("\n"):
            text = " ".join(line.split())
            if len(text.split()) >= 12 and not re.match(r"\d+/\d+ ", text):
                paragraphs[text] = None
    if not paragraphs:
        raise SystemExit(f"make_corpus: no paragraphs found in {corpus_dir} (is it there?)")
    captions = tuple(_caption_from(p) for p in paragraphs)
    return Pool(tuple(paragraphs), captions)


def _caption_from(paragraph: str) -> str:
    words = paragraph.split()[:24]
    return " ".join(words).rstrip(".,;:!?")


def _digits(rng: random.Random, k: int) -> str:
    return str(rng.randrange(10 ** (k - 1), 10**k))


def _slug(rng: random.Random, first_paragraph: str) -> str:
    words = [w.lower() for w in _WORD.findall(first_paragraph)]
    size = rng.randint(5, 11)
    start = rng.randrange(max(1, len(words) - size))
    return "-".join(words[start : start + size]) or "article"


def make_url(rng: random.Random, first_paragraph: str) -> str:
    """A URL in one real outlet's pattern, with a slug taken from the body's first paragraph."""
    host, scheme, sections, pattern = rng.choices(OUTLETS, weights=OUTLET_WEIGHTS)[0]
    year, month, day = rng.randint(2014, 2018), rng.randint(1, 12), rng.randint(1, 28)
    path = _ID_FIELD.sub(lambda m: _digits(rng, int(m.group(1))), pattern)
    path = path.format(
        sec=rng.choice(sections), slug=_slug(rng, first_paragraph), y=year,
        m=f"{month:02d}", d=f"{day:02d}", mon=MONTHS[month - 1],
    )
    return f"{scheme}://{host}/{path}"


def _url_key(url: str) -> str:
    """What any sensible URL normaliser keeps: no scheme, no www., no trailing slash, lower case."""
    rest = url.split("://", 1)[1].lower()
    return rest.removeprefix("www.").rstrip("/")


def _gallery(rng: random.Random, pool: Pool) -> list[str]:
    total = rng.randint(MIN_GALLERY, MAX_GALLERY)
    title = " ".join(rng.choice(pool.captions).split()[: rng.randint(2, 5)])
    lines = [f"In pictures: {title}"] if rng.random() < 0.8 else []
    lines.append(f"{total} show all In pictures: {title}")
    for k in range(1, total + 1):
        credit = "" if rng.random() < 0.08 else " " + rng.choice(CREDITS)
        lines.append(f"{k}/{total} {rng.choice(pool.captions)}{credit}")
    return lines


def _embed(rng: random.Random, pool: Pool) -> str:
    words = rng.choice(pool.captions).split()[: rng.randint(3, 8)]
    title = " ".join(words).rstrip(".,;:!?")
    return f"{title}, by {rng.choice(EMBED_AUTHORS)}"


def _paragraph_count(rng: random.Random) -> int:
    return max(MIN_PARAGRAPHS, min(MAX_PARAGRAPHS, int(rng.lognormvariate(2.3, 0.55))))


def make_seed(rng: random.Random, pool: Pool) -> tuple[str, str]:
    """One seed's URL and full text (URL, score, comments, body)."""
    paragraphs = rng.sample(pool.paragraphs, _paragraph_count(rng))
    body: list[str] = list(paragraphs)
    if rng.random() < GALLERY_SHARE:
        at = rng.randint(1, len(body))
        body[at:at] = _gallery(rng, pool)
    if rng.random() < EMBED_SHARE:
        body.insert(rng.randint(1, len(body)), _embed(rng, pool))
    if rng.random() < FURNITURE_SHARE:
        for _ in range(rng.randint(1, 3)):
            body.insert(rng.randint(1, len(body)), rng.choice(FURNITURE))
    score = int(rng.paretovariate(1.1)) - 1 if rng.random() < 0.5 else int(
        rng.lognormvariate(3.0, 1.7))
    comments = int(score * rng.lognormvariate(-1.6, 1.0))
    url = make_url(rng, paragraphs[0])
    return url, f"{url}\n{score}\n{comments}\n" + "\n\n".join(body) + "\n"


def generate(n: int, seed: int, pool: Pool) -> Iterator[tuple[str, str]]:
    """Yield ``(file name, text)`` for n seeds with unique URLs; same (n, seed), same files."""
    rng = random.Random(seed)
    seen: set[str] = set()
    for i in range(n):
        url, text = make_seed(rng, pool)
        while _url_key(url) in seen:
            url, text = make_seed(rng, pool)
        seen.add(_url_key(url))
        yield f"{i:06d}_{rng.getrandbits(64):016x}.txt", text


def _write_file(path: str, data: bytes) -> int:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    return len(data)


def write_corpus(n: int, out_dir: Path, seed: int = 0) -> int:
    """Write the corpus into out_dir (created); return the bytes written.

    Files are written by a few threads (file creation is system-call bound and releases the
    GIL) in batches, so memory stays small at 100,000 files.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    pool = load_pool()
    total = 0
    batch: list[tuple[str, bytes]] = []
    with ThreadPoolExecutor(WRITER_THREADS) as writers:
        for name, text in generate(n, seed, pool):
            batch.append((os.path.join(out_dir, name), text.encode("utf-8")))
            if len(batch) == WRITE_BATCH:
                total += sum(writers.map(_write_file, *zip(*batch, strict=True)))
                batch.clear()
        if batch:
            total += sum(writers.map(_write_file, *zip(*batch, strict=True)))
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of seed files")
    parser.add_argument("out_dir", type=Path, help="folder to write them into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    if args.n < 1:
        parser.error("N must be at least 1")
    started = time.perf_counter()
    try:
        size = write_corpus(args.n, args.out_dir, args.seed)
    except OSError as exc:
        print(f"make_corpus: cannot write {args.out_dir}: {exc.strerror} "
              "(choose a writable folder)", file=sys.stderr)
        return 2
    took = time.perf_counter() - started
    print(f"wrote {args.n} seeds ({size / 1e6:.1f} MB) to {args.out_dir} in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
