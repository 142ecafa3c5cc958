"""What merging away deleted paragraphs costs and saves: ``python -m benchmarks.compaction``.

On the benchmark corpus (see ``corpus.py``), written as text files, an index
is built, then two rounds of edits change whole files (each changed file's
paragraphs are deleted and indexed again):

1. 20 % of the files change: below the share that makes searchidx rewrite a
   segment (``MERGE_DELETED_SHARE``), so the deleted paragraphs stay on disk.
2. Another 10 % change, on two copies of the index: one updated as searchidx
   does, which rewrites the segments now more than a quarter deleted, one with
   that rewriting turned off. Last, the second copy is optimized (everything
   merged into one segment).

After each step: the update's seconds, the index's size, deleted entries and
segments, and the median time of the same speed queries (top 10, snippets).
A table goes to stdout, the figures as JSON to ``benchmarks/results/``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from tabulate import tabulate

import searchidx.index.writer
from searchidx import Index

from .corpus import load_corpus, write_corpus_files
from .peers import directory_size
from .queries import speed_queries

RESULTS = Path(__file__).parent / "results"
QUERIES_PER_KIND = 30


def change_files(paths: list[Path], round_name: str) -> None:
    """Append a sentence to each file, so that all its paragraphs are indexed anew."""
    for path in paths:
        with path.open("a", encoding="utf-8") as stream:
            stream.write(f"\nزيادة في المراجعة {round_name}.\n")


def median_query_ms(index_path: Path, queries: list) -> float:
    with Index.open(index_path) as index:
        for query in queries[:5]:  # warm the reader and the caches
            index.search(query.text)
        seconds = []
        for query in queries:
            started = time.perf_counter()
            index.search(query.text)
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds) * 1000


def state(index_path: Path, queries: list, update_seconds: float | None) -> dict:
    with Index.open(index_path) as index:
        info = index.info()
    return {
        "update_seconds": update_seconds,
        "size_bytes": directory_size(index_path),
        "paragraphs": info.paragraphs,
        "deleted": info.deleted,
        "segments": info.segments,
        "query_median_ms": median_query_ms(index_path, queries),
    }


def timed_update(index_path: Path, corpus: Path, **options) -> float:
    started = time.perf_counter()
    with Index.open(index_path) as index:
        index.update([corpus], **options)
    return time.perf_counter() - started


def run(size: str, workspace: Path) -> dict:
    paragraphs = load_corpus(size)
    queries = speed_queries(paragraphs, per_kind=QUERIES_PER_KIND)
    corpus = workspace / "corpus"
    files = write_corpus_files(paragraphs, corpus)
    built = workspace / "built"
    print(f"building an index of {len(paragraphs):,} paragraphs", file=sys.stderr)
    started = time.perf_counter()
    with Index.create(built) as index:
        index.update([corpus])
    steps = {"built": state(built, queries, time.perf_counter() - started)}

    first, second = files[0::5], files[1::10]  # 20 % of the files, then another 10 %
    change_files(first, "الأولى")
    steps["20 % changed"] = state(built, queries, timed_update(built, corpus))

    no_merge = workspace / "no-merge"
    shutil.copytree(built, no_merge)
    change_files(second, "الثانية")
    steps["+10 % changed, deleted merged"] = state(built, queries, timed_update(built, corpus))
    share = searchidx.index.writer.MERGE_DELETED_SHARE
    searchidx.index.writer.MERGE_DELETED_SHARE = 2.0  # never: Whoosh's own merging only
    try:
        seconds = timed_update(no_merge, corpus)
    finally:
        searchidx.index.writer.MERGE_DELETED_SHARE = share
    steps["+10 % changed, deleted kept"] = state(no_merge, queries, seconds)
    steps["then --optimize"] = state(
        no_merge, queries, timed_update(no_merge, corpus, optimize=True)
    )
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "paragraphs": len(paragraphs),
        "files": len(files),
        "queries": len(queries),
        "merge_deleted_share": share,
        "steps": steps,
    }


def table(result: dict) -> str:
    rows = [
        {
            "step": name,
            "update": "" if step["update_seconds"] is None else f"{step['update_seconds']:.1f} s",
            "index": f"{step['size_bytes'] / 2**20:.0f} MB",
            "deleted": f"{step['deleted']:,}",
            "segments": step["segments"],
            "query median": f"{step['query_median_ms']:.1f} ms",
        }
        for name, step in result["steps"].items()
    ]
    return tabulate(rows, headers="keys", tablefmt="github")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.compaction", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=["small", "large"], default="large")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="searchidx-compaction-") as workspace:
        result = run(args.size, Path(workspace))
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"compaction-{args.size}-{result['date'].replace(':', '')}.json"
    out.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(table(result))
    print(f"figures in {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
