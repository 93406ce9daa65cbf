"""Search text for English and Chinese: words for alphabetic text, character bigrams for CJK.

The same tokens go into SQLite FTS5 and PostgreSQL full text, so both databases answer alike.
"""
from __future__ import annotations

import re

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[^\W{_CJK}_]+(?:['’][^\W{_CJK}_]+)?")
_IS_CJK = re.compile(rf"[{_CJK}]")


def _bigrams(run: str) -> list[str]:
    if len(run) == 1:
        return [run]
    return [run[i:i + 2] for i in range(len(run) - 1)]


def index_tokens(text: str) -> str:
    """Tokens to index: lower-cased words, and every pair of adjacent CJK characters."""
    tokens: list[str] = []
    for run in _RUN.findall(text.lower()):
        tokens.extend(_bigrams(run) if _IS_CJK.match(run) else [run.replace("’", "'")])
    return " ".join(tokens)


def query_terms(query: str) -> list[tuple[str, list[str]]]:
    """Split a search into terms: ("word", [w]) for prefix words, ("phrase", bigrams) for CJK runs."""
    terms: list[tuple[str, list[str]]] = []
    for run in _RUN.findall(query.lower())[:12]:
        if _IS_CJK.match(run):
            terms.append(("phrase", _bigrams(run)))
        else:
            terms.append(("word", [run.replace("’", "'").replace("'", "")]))
    return terms


def fts5_query(terms: list[tuple[str, list[str]]]) -> str:
    """An FTS5 MATCH expression requiring every term."""
    parts = []
    for kind, tokens in terms:
        quoted = " ".join(tokens).replace('"', '""')
        parts.append(f'"{quoted}"*' if kind == "word" else f'"{quoted}"')
    return " AND ".join(parts)


def tsquery(terms: list[tuple[str, list[str]]]) -> str:
    """A PostgreSQL to_tsquery('simple', ...) expression requiring every term."""
    parts = []
    for kind, tokens in terms:
        safe = [re.sub(r"[^\w]", "", token) for token in tokens]
        safe = [token for token in safe if token]
        if not safe:
            continue
        parts.append(f"{safe[0]}:*" if kind == "word" else "(" + " <-> ".join(safe) + ")")
    return " & ".join(parts)
