"""Query parsing: what the user types becomes a safe FTS5 query, never a syntax error."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop.data.search import MAX_TERMS, highlight_terms, to_fts_query

ODD_INPUTS = [
    '"', '""', '"""', "AND", "OR", "NOT", "NEAR", "NEAR(a b)", "a AND", "AND b", "*", "**",
    "(", ")", "()", "-", "-flood", "^flood", "flood:", "title:flood", "{title}: flood", "+",
    "", " ", "\t\n", "🙂", "🙂 flood", "a" * 10_000, " ".join(["word"] * 5_000),
    "x" * 10_000 + "*", '"unclosed phrase', 'flood"', "a'b", "\x00", "\u200b", "ｆｌｏｏｄ",
    "flood OR rain", "NEAR/3", "flood*rain", "\ue000", "'", "%", "_", "\\",
]


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    """A tiny FTS5 table with the archive's tokenizer."""
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE VIRTUAL TABLE t USING fts5(body, "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    conn.executemany(
        "INSERT INTO t (rowid, body) VALUES (?, ?)",
        [
            (1, "The new front was opened near Mosul"),
            (2, "A front that is new: the river flooded the town"),
            (3, "Isis fighters left the café"),
            (4, "AND OR NOT NEAR are words here too"),
        ],
    )
    return conn


def _match(conn: sqlite3.Connection, text: str) -> list[int]:
    query = to_fts_query(text)
    if query is None:
        return []
    rows = conn.execute("SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid", [query])
    return [r[0] for r in rows]


def test_words_are_quoted_and_anded() -> None:
    assert to_fts_query("new front") == '"new" "front"'


def test_quoted_phrase_stays_one_phrase() -> None:
    assert to_fts_query('"new front" mosul') == '"new front" "mosul"'


def test_trailing_star_makes_a_prefix() -> None:
    assert to_fts_query("isi*") == '"isi"*'


def test_unclosed_quote_runs_to_the_end() -> None:
    assert to_fts_query('mosul "new front') == '"mosul" "new front"'


def test_nothing_searchable_gives_none() -> None:
    for text in ["", "   ", '"', "*", "(", "🙂", "- + ^"]:
        assert to_fts_query(text) is None, text


def test_repeated_words_are_searched_once() -> None:
    assert to_fts_query("flood flood Flood") == '"flood" "Flood"'


def test_terms_are_capped() -> None:
    query = to_fts_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 10)))
    assert query is not None
    assert query.count('"') == 2 * MAX_TERMS


def test_words_are_anded_in_the_index(fts: sqlite3.Connection) -> None:
    assert _match(fts, "new front") == [1, 2]
    assert _match(fts, "front river") == [2]


def test_phrase_matches_words_in_order(fts: sqlite3.Connection) -> None:
    assert _match(fts, '"new front"') == [1]


def test_prefix_matches_word_starts(fts: sqlite3.Connection) -> None:
    assert _match(fts, "moss*") == []
    assert _match(fts, "mos*") == [1]


def test_operators_are_searched_as_words(fts: sqlite3.Connection) -> None:
    assert _match(fts, "NEAR") == [1, 4]
    assert _match(fts, "AND OR") == [4]
    assert _match(fts, "NOT front") == []


def test_diacritics_and_stems_match(fts: sqlite3.Connection) -> None:
    assert _match(fts, "cafe") == [3]
    assert _match(fts, "flood") == [2]


@pytest.mark.parametrize("text", ODD_INPUTS, ids=range(len(ODD_INPUTS)))
def test_odd_input_never_raises(fts: sqlite3.Connection, text: str) -> None:
    _match(fts, text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_a_valid_query(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    conn.execute("CREATE VIRTUAL TABLE t USING fts5(body)")
    query = to_fts_query(text)
    if query is not None:
        conn.execute("SELECT rowid FROM t WHERE t MATCH ?", [query]).fetchall()


def test_highlight_terms_drop_quotes_and_stars() -> None:
    assert highlight_terms('"new front" isi* ( AND') == ("new front", "isi", "AND")


def test_highlight_terms_of_nothing_is_empty() -> None:
    assert highlight_terms('" * (') == ()
