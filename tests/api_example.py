"""A small program written against searchidx's public API, as a user would.

``test_api.py`` runs it, and type-checks it with ``mypy --strict`` (with no
value of an unknown type allowed), so an API that loses its types fails CI.
"""

from __future__ import annotations

import json
from pathlib import Path

from searchidx import (
    Hit,
    Index,
    IndexInfo,
    IndexNotFound,
    IndexReport,
    QueryError,
    ReaderOptions,
    SearchidxError,
    SearchResults,
    Token,
    analyze,
)


def build(index_dir: Path, folder: str) -> IndexReport:
    """Index one folder, given as a plain string."""
    with Index.create(index_dir) as index:
        return index.update(folder, options=ReaderOptions(include=("*.log",)))


def find(index_dir: Path, query: str, match_any: bool = False) -> list[tuple[str, int]]:
    """Where the query is found: (document, paragraph), best first."""
    with Index.open(index_dir) as index:
        results: SearchResults = index.search(query, limit=5, match_any=match_any)
    hits: list[Hit] = list(results)
    return [(hit.doc, hit.paragraph) for hit in hits]


def highlighted(index_dir: Path, query: str) -> list[str]:
    """The words highlighted in the best hit."""
    with Index.open(index_dir) as index:
        hit = index.search(query, limit=1).hits[0]
    return [hit.text[start:end] for start, end in hit.matches]


def explain(index_dir: Path, query: str) -> str:
    """The answer a user sees: the error's message, or how many paragraphs matched."""
    try:
        with Index.open(index_dir) as index:
            results = index.search(query)
    except QueryError as error:
        return f"bad query: {error}"
    except IndexNotFound as error:
        return f"no index: {error}"
    except SearchidxError as error:
        return f"failed: {error}"
    return f"{results.total} paragraphs"


def as_json(index_dir: Path, query: str) -> str:
    with Index.open(index_dir) as index:
        return json.dumps(index.search(query).to_dict(), ensure_ascii=False)


def summary(index_dir: Path) -> tuple[int, int]:
    with Index.open(index_dir) as index:
        info: IndexInfo = index.info()
    return info.documents, info.paragraphs


def terms(text: str) -> list[str]:
    tokens: list[Token] = analyze(text)
    return [token.term for token in tokens]
