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
from dataclasses import dataclass

# More terms than anyone types; a longer query (a pasted page) keeps its first MAX_TERMS.
MAX_TERMS = 64

_TOKEN = re.compile(r'"([^"]*)"?|([^\s"]+)')


@dataclass(frozen=True)
class _Term:
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


def highlight_terms(text: str) -> tuple[str, ...]:
    """The words and phrases of a query as the reader should mark them (no quotes, no ``*``)."""
    return tuple(t.text for t in _terms(text))
