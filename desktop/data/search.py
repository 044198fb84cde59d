"""What the user types into a search box, turned into a safe SQLite FTS5 query.

No Qt and no database access here: ``archive.py`` runs the query, the reader uses
``highlight_terms`` to mark matches. Every token is quoted before it reaches ``MATCH``, so
``"``, ``-``, ``(``, ``AND``, ``NEAR``, ``*`` and anything else are searched as text and no
input can cause an FTS5 syntax error (datasette's ``escape_fts`` does the same).

Syntax: words are ANDed; ``"quoted phrases"`` match in order (an unclosed quote runs to the
end); a trailing ``*`` makes a word a prefix (``isi*``).
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

# More terms than anyone types; a longer query (a pasted page) keeps its first MAX_TERMS.
MAX_TERMS = 64

_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')

# An article's outlet and every level of its section are also tokens in the search indexes'
# ``facets`` column, so a filtered search intersects lists of matches inside FTS5 (skipping
# through the longer one) instead of looking up the row of every match. A token is a
# private-use mark, a kind letter and a hash; it ends in digits, so the stemmer leaves it
# alone, and no word or prefix a user types starts with the mark. Filters always name the
# column, so seed text cannot pose as a facet.
FACETS_COLUMN = "facets"
_FACET_MARK = "\uf8ff"


class _Term(NamedTuple):
    """One search term: a word or phrase, and whether it is a prefix."""

    text: str
    prefix: bool = False


def _is_token_char(char: str) -> bool:
    """True for the characters FTS5's unicode61 tokenizer keeps (letters, numbers, private use)."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def _has_word(text: str) -> bool:
    return any(_is_token_char(c) for c in text)


def _terms(text: str) -> list[_Term]:
    """The distinct words and phrases of ``text`` that the index could match, in order."""
    terms: list[_Term] = []
    # FTS5 reads its query as a C string: a NUL would cut it short. Controls separate words.
    text = "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
    for match in _TOKEN.finditer(text):
        phrase, word = match.group(1), match.group(2)
        if phrase is not None:
            term = _Term(" ".join(phrase.split()))
        else:
            stripped = word.rstrip("*")
            term = _Term(stripped, prefix=stripped != word)
        if _has_word(term.text) and term not in terms:
            terms.append(term)
        if len(terms) == MAX_TERMS:
            break
    return terms


def _quote(term: _Term) -> str:
    quoted = '"' + term.text.replace('"', '""') + '"'
    return quoted + "*" if term.prefix else quoted


def to_fts_query(text: str) -> str | None:
    """The FTS5 ``MATCH`` expression for what the user typed, or None when nothing is searchable.

    >>> to_fts_query('mosul "new front" isi*')
    '"mosul" "new front" "isi"*'
    >>> to_fts_query('( AND "') is None
    True
    """
    terms = _terms(text)
    if not terms:
        return None
    return " ".join(_quote(t) for t in terms)


def has_prefix(match: str) -> bool:
    """Whether a ``to_fts_query`` expression holds a prefix term (``"isi"*``): no quoted
    word or phrase can contain ``"*``, since a quote inside one is doubled."""
    return '"*' in match


def highlight_terms(text: str) -> tuple[str, ...]:
    """The words and phrases of a query as the reader should mark them (no quotes, no ``*``)."""
    return tuple(t.text for t in _terms(text))


def _facet(kind: str, value: str) -> str:
    import hashlib  # here: the window's start makes no facet, and hashlib costs it 4 ms

    digest = hashlib.blake2b(value.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return f"{_FACET_MARK}{kind}{int.from_bytes(digest, 'big')}"


def _section_levels(section: str) -> list[str]:
    """``"News/UK Politics"`` -> ``["News", "News/UK Politics"]``; ``""`` -> ``[]``."""
    parts = section.split("/") if section else []
    return ["/".join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def facet_tokens(outlet: str, section: str) -> str:
    """The ``facets`` text of an article of ``outlet`` in ``section`` (a stored path,
    ``"News/UK Politics"``): one token for the outlet and one per level of the section."""
    levels = _section_levels(section)
    return " ".join([_facet("o", outlet), *(_facet("s", level) for level in levels)])


def facet_filter(outlet: str | None, section: str | None) -> str | None:
    """The FTS5 expression that keeps articles of ``outlet`` and of ``section`` or any section
    below it, or None when neither is given.

    >>> facet_filter(None, None) is None
    True
    """
    tokens = []
    if outlet is not None:
        tokens.append(_facet("o", outlet))
    if section:
        tokens.append(_facet("s", section))
    if not tokens:
        return None
    return " AND ".join(f'{FACETS_COLUMN} : "{token}"' for token in tokens)
