"""Benchmark searchidx against its peers on the hadith corpora: ``make bench``.

For each corpus size (see ``corpus.py``) searchidx and each peer (see
``peers.py``) build an index of the paragraphs, written as text files, and
answer the same speed and quality queries (see ``measure.py``). After the
corpus sizes, searchidx's indexing speed per megabyte of text is measured for
each document format it reads, against plain ``.txt`` (see ``formats.py``);
and last, how many verses of the Quran in Uthmani script three-word
standard-spelling queries find in their top 10 (see ``uthmani.py``). On each
corpus size, searchidx also answers queries of every feature of its query
language (fuzzy words, proximity, prefixes, did you mean, paging, context,
results per file, ``--any``, NOT), each timed against the plain word query of
the same run, and with FTS5 where it has the same operation (see
``features.py``); ``--only features`` measures these alone, building only
searchidx's index and the folded FTS5 one.

Ratios are to SQLite FTS5 given searchidx's folding ("sqlite-fts5-folded"),
the plainest way to get the same matching, and are the figures to compare
across machines. What differs between the engines, by their nature: searchidx
indexes a large corpus with two worker processes, the peers in one
process (CPU seconds are reported beside wall time, and peak memory counts the
workers); the ``python -c`` script pays for importing the whole searchidx
package to fold its query, and cuts its snippet with FTS5's ``snippet()``
from the folded text rather than from the original. Tables go to stdout (see
``report.py``), progress to stderr, every measurement to a JSON file::

    python -m benchmarks --size small --queries 90
    python -m benchmarks --only features --size large
    python -m benchmarks --only formats
    python -m benchmarks --only uthmani
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from datetime import datetime
from pathlib import Path

from . import uthmani
from .formats import bench_formats
from .measure import bench_corpus, bench_features, machine, progress
from .report import markdown_report, text_report

RESULTS = Path(__file__).parent / "results"
# Verses queried for the Uthmani recall in a full run (all 6,236: uthmani.py).
UTHMANI_VERSES = 1000


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=["small", "large", "both"], default="both")
    parser.add_argument("--queries", type=int, default=300, help="speed queries (default 300)")
    parser.add_argument(
        "--feature-queries",
        type=int,
        default=200,
        help="queries of each feature of the query language (default 200; 0: none)",
    )
    parser.add_argument(
        "--only",
        choices=["corpora", "features", "formats", "uthmani"],
        help="run only the engines on the corpus sizes (--size), only searchidx's "
        "features of the query language on them, only the indexing speed by format (on "
        "the small corpus's first paragraphs, whatever --size says), or only the recall "
        "of standard-spelling queries on Uthmani Quran text (see uthmani.py)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / f"bench-{datetime.now():%Y-%m-%d}.json",
        help="the JSON file of results (default benchmarks/results/bench-DATE.json)",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark, write the JSON, print the tables and the Markdown."""
    started = time.perf_counter()
    arguments = parse_arguments(argv)
    if arguments.only in ("formats", "uthmani"):
        sizes = []
    else:
        sizes = ["small", "large"] if arguments.size == "both" else [arguments.size]
    measure_formats = arguments.only in (None, "formats")
    measure_uthmani = arguments.only in (None, "uthmani")
    results = {
        "machine": machine(),
        "options": {
            "sizes": sizes,
            "queries": arguments.queries,
            "feature_queries": arguments.feature_queries,
            "formats": measure_formats,
        },
        "corpora": {},
        "features": {},
    }
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"searchidx-bench-{size}-") as workspace:
            if arguments.only == "features":
                results["features"][size] = bench_features(
                    size, arguments.feature_queries, Path(workspace)
                )
            else:
                results["corpora"][size] = bench_corpus(
                    size, arguments.queries, arguments.feature_queries, Path(workspace)
                )
    if measure_formats:
        with tempfile.TemporaryDirectory(prefix="searchidx-bench-formats-") as workspace:
            results["formats"] = bench_formats(Path(workspace), progress)
    if measure_uthmani:
        results["uthmani"] = uthmani.measure(UTHMANI_VERSES, progress)
    results["wall_seconds"] = time.perf_counter() - started
    results["load_average_after"] = os.getloadavg()
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(json.dumps(results, ensure_ascii=False, indent=1), "utf-8")
    print(text_report(results))
    print(f"\nwall time {results['wall_seconds']:.0f} s; results in {arguments.output}")
    print("\n-- Markdown for the README --\n\n" + markdown_report(results))


if __name__ == "__main__":
    main()
