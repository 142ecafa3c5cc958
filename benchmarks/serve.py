"""Start-up time of ``searchidx serve`` and the search page's latency on a bench corpus.

Builds the corpus's index in a temporary folder (or takes ``--index`` with
``--docs``, the folder of text files it was built from), then:

* start-up: from starting ``searchidx serve`` to the first answer of ``GET /``,
  and the first search after it (5 runs);
* latency: the speed queries of ``make bench`` (single words, word pairs and
  phrases, 50 of each) as ``GET /?q=``, its second page, and
  ``GET /api/search?q=``, against ``Index.search`` in one process, the floor.

Usage: ``python -m benchmarks.serve --size large`` (100,000 paragraphs).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from searchidx import Index

from .corpus import iter_corpus_files, load_corpus, write_corpus_files
from .queries import speed_queries

SEARCHIDX = [sys.executable, "-m", "searchidx"]
PORT = 8791
STARTS = 5


def get(target: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    connection.request("GET", target)
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response.status, body


def start_server(index: Path) -> tuple[subprocess.Popen, float]:
    """Start ``searchidx serve``; return it and the seconds until ``GET /`` answered."""
    started = time.perf_counter()
    command = [*SEARCHIDX, "serve", "--index", str(index), "--port", str(PORT)]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    while True:
        try:
            get("/")
            return server, time.perf_counter() - started
        except OSError:
            time.sleep(0.005)


def timed(targets: list[str]) -> list[float]:
    seconds = []
    for target in targets:
        started = time.perf_counter()
        status, body = get(target)
        seconds.append(time.perf_counter() - started)
        if status != 200:
            raise RuntimeError(f"{target}: {status} {body[:200]!r}")
    return seconds


def summary(name: str, seconds: list[float]) -> str:
    ordered = sorted(seconds)
    median = statistics.median(ordered) * 1000
    p95 = ordered[int(len(ordered) * 0.95)] * 1000
    return f"| {name} | {median:.1f} ms | {p95:.1f} ms |"


def measure(index: Path, docs: Path) -> None:
    queries = [query.text for query in speed_queries(list(iter_corpus_files(docs)), 50)]
    starts, firsts = [], []
    for _ in range(STARTS):
        server, seconds = start_server(index)
        starts.append(seconds)
        firsts.append(timed(["/?" + urlencode({"q": queries[0]})])[0])
        server.terminate()
        server.wait()
    print(f"start-up to the first page: median {statistics.median(starts):.2f} s of {starts}")
    print(f"first search after start-up: median {statistics.median(firsts):.2f} s")
    server, _ = start_server(index)
    try:
        timed(["/?" + urlencode({"q": queries[0]})])
        page = timed(["/?" + urlencode({"q": query}) for query in queries])
        second = timed(["/?" + urlencode({"q": query, "offset": 10}) for query in queries])
        api = timed(["/api/search?" + urlencode({"q": query}) for query in queries])
    finally:
        server.terminate()
        server.wait()
    with Index.open(index) as opened:
        opened.search(queries[0])
        direct = []
        for query in queries:
            started = time.perf_counter()
            opened.search(query, limit=10)
            direct.append(time.perf_counter() - started)
    print(f"{len(queries)} queries\n\n| request | median | p95 |\n|---|---|---|")
    print(summary("`Index.search` in one process", direct))
    print(summary("`GET /?q=` (the page)", page))
    print(summary("`GET /?q=&offset=10` (second page)", second))
    print(summary("`GET /api/search?q=`", api))
    ratio = statistics.median(page) / statistics.median(direct)
    print(f"\npage / Index.search (medians): {ratio:.2f}×")


def main() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--size", choices=["small", "large"], default="large")
    parser.add_argument("--index", type=Path, help="an index already built from --docs")
    parser.add_argument("--docs", type=Path, help="the corpus files --index was built from")
    arguments = parser.parse_args()
    if arguments.index and arguments.docs:
        measure(arguments.index, arguments.docs)
        return
    workspace = Path(tempfile.mkdtemp(prefix="searchidx-bench-serve-"))
    try:
        docs = workspace / "docs"
        write_corpus_files(load_corpus(arguments.size), docs)
        with Index.create(workspace / "index") as index:
            index.update([docs])
        measure(workspace / "index", docs)
    finally:
        shutil.rmtree(workspace)


if __name__ == "__main__":
    main()
