"""Rendering results as a table, plain text, JSON or JSON Lines.

One renderer serves every command. Machine formats (``json``, ``jsonl``) keep
Arabic as Arabic (``ensure_ascii=False``) and never contain colour codes;
``table`` highlights in bold colour only when asked to (on a terminal), and
``plain`` marks highlighted words as ``[word]``.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from tabulate import tabulate

from .search import SearchResults, render_snippet

FORMATS = ("table", "plain", "json", "jsonl")
_BOLD_RED = ("\x1b[1;31m", "\x1b[0m")
_PLAIN_MARKS = ("[", "]")


def _json(value, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def render_tokens(tokens, fmt: str) -> str:
    rows = [asdict(token) for token in tokens]
    if fmt == "json":
        return _json({"tokens": rows}, indent=2)
    if fmt == "jsonl":
        return "\n".join(_json(row) for row in rows)
    for row in rows:
        row["stems"] = " ".join(row["stems"])
    return tabulate(rows, headers="keys", tablefmt="simple")


def render_results(results: SearchResults, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return _json(results.to_dict(), indent=2)
    if fmt == "jsonl":
        return "\n".join(_json(hit.to_dict()) for hit in results.hits)
    if not results.hits:
        return f"no paragraph matches «{results.query}»"
    marks = _BOLD_RED if color and fmt == "table" else _PLAIN_MARKS
    rows = [
        {
            "#": hit.rank,
            "score": f"{hit.score:.2f}",
            "where": _where(hit),
            "snippet": render_snippet(hit.text, hit.window, hit.matches, *marks),
        }
        for hit in results.hits
    ]
    summary = f"{len(results.hits)} of {results.total} matching paragraphs"
    if fmt == "plain":
        lines = [f"{row['#']}\t{row['where']}\t{row['snippet']}" for row in rows]
        return "\n".join([*lines, summary])
    table = tabulate(rows, headers="keys", tablefmt="simple", maxcolwidths=[None, None, 40, 80])
    return f"{table}\n{summary}"


def _where(hit) -> str:
    where = f"{hit.doc} ¶{hit.paragraph}"
    if hit.locator:
        where += f" ({hit.locator})"
    return where


def render_info(info, fmt: str) -> str:
    values = asdict(info)
    if fmt == "json":
        return _json(values, indent=2)
    values["roots"] = "\n".join(values["roots"])
    return tabulate(values.items(), tablefmt="plain")
