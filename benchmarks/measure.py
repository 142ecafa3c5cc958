"""searchidx and its peers measured on one corpus size, as a JSON-ready dict.

For a corpus size (see ``corpus.py``) the paragraphs are written as text
files, and searchidx and each peer (see ``peers.py``) build an index of them
in a fresh process, reading the files as part of the build. Then, in this
process, every engine answers the same speed queries, top 10 with snippets,
the engines taking turns on each query so that load from other jobs on the
machine falls on all of them alike; and the same quality queries, scored by
recall (see ``queries.py``). Last, one search is timed as a whole
process: ``searchidx search --format json`` against a ``python -c`` script
that folds the query with searchidx's analyzer and asks the folded FTS5
index, and the ``sqlite3`` shell on the raw FTS5 index where it is installed.
Ratios are to :data:`REFERENCE`, and searchidx's figures are checked against
its targets. The tables of these figures are in ``report.py``.
"""

from __future__ import annotations

import compileall
import contextlib
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import whoosh

import searchidx
from searchidx import Index, QueryError

from .corpus import load_corpus, write_corpus_files
from .features import BASELINE, FEATURES, MAX_RATIO, feature_queries
from .peers import ENGINES, SNIPPET_WORDS, build_in_child, directory_size, fts5_match, query_parts
from .queries import (
    KINDS,
    MAX_DOCUMENT_FREQUENCY,
    STEM_VARIANTS,
    VARIANTS,
    quality_queries,
    recall,
    speed_queries,
)

# Ratios are to SQLite FTS5 given searchidx's folding, the plainest way to get
# the same matching, and are the figures to compare across machines.
REFERENCE = "sqlite-fts5-folded"
# Queries each engine answers, untimed, before the timed ones.
WARM_UP_QUERIES = 10
# Whole-process searches: this many runs of one query of each kind, per command.
CLI_RUNS = 7
# What a script using FTS5 and searchidx's folding runs for one search: fold
# the query's words and phrases as the index's text was folded (as
# peers.FoldedSqliteFts5 does), match, print the hits with FTS5's snippets of
# the folded text. Arguments: query, database, snippet length in words.
FOLDED_FTS5_SEARCH = r"""
import json, re, sqlite3, sys
from searchidx import analyze
query, database, words = sys.argv[1:]
pieces = (p or w for p, w in re.findall(r'"([^"]*)"|(\S+)', query))
parts = [" ".join(t.term for t in analyze(piece)) for piece in pieces]
match = " ".join('"' + part + '"' for part in parts if part)
rows = sqlite3.connect(database).execute(
    "SELECT rowid, text, snippet(paragraphs, 0, '[', ']', '…', ?) FROM paragraphs"
    " WHERE paragraphs MATCH ? ORDER BY rank LIMIT 10", (int(words), match))
hits = [dict(zip(("paragraph", "text", "snippet"), row)) for row in rows]
print(json.dumps({"query": query, "hits": hits}, ensure_ascii=False))
"""
# Runs a command with its output discarded; prints its seconds from start to
# exit and its own peak resident memory in bytes; exits with its exit code.
MEASURE_CHILD = r"""
import os, sys, time
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.execv(sys.argv[1], sys.argv[1:])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss * 1024)
sys.exit(os.waitstatus_to_exitcode(status))
"""
# Errors an engine may raise for a query it refuses; counted and listed, never hidden.
QUERY_ERRORS = (QueryError, sqlite3.Error)

_started = time.perf_counter()


def progress(message: str) -> None:
    """A progress line on stderr, with the minutes and seconds since the start."""
    minutes, seconds = divmod(int(time.perf_counter() - _started), 60)
    print(f"[{minutes:2d}:{seconds:02d}] {message}", file=sys.stderr, flush=True)


def bench_corpus(size: str, query_count: int, feature_count: int, workspace: Path) -> dict:
    """Every measurement on one corpus size, as a JSON-ready dict: ``query_count``
    speed queries, and ``feature_count`` queries of each feature (none if 0)."""
    progress(f"{size}: loading the corpus and drawing queries")
    paragraphs = load_corpus(size)
    speed = speed_queries(paragraphs, per_kind=max(1, query_count // len(KINDS)))
    quality = quality_queries(paragraphs)
    corpus_folder = workspace / "corpus"
    write_corpus_files(paragraphs, corpus_folder)
    result = {
        "paragraphs": len(paragraphs),
        "characters": sum(map(len, paragraphs)),
        "corpus_bytes": directory_size(corpus_folder),
        "engines": {},
    }
    for name, engine_class in ENGINES.items():
        shared = getattr(engine_class, "shares_index_of", None)
        figures = result["engines"][shared]["build"] if shared else None
        result["engines"][name] = {
            "build": figures or build(name, corpus_folder, workspace, len(paragraphs))
        }
    engines = open_engines(workspace)
    try:
        check_positions(engines["searchidx"], speed[:20], paragraphs)
        progress(f"{size}: {len(speed)} speed queries")
        for name, timings in measure_latency(engines, speed).items():
            result["engines"][name]["latency"] = timings
        progress(f"{size}: {len(quality)} quality queries")
        for name, scores in measure_quality(engines, quality).items():
            result["engines"][name]["quality"] = scores
        if feature_count:
            progress(f"{size}: the query language's features")
            index, fts5 = engines["searchidx"].index, engines[REFERENCE]
            result["features"] = measure_features(index, paragraphs, feature_count, fts5)
    finally:
        for engine in engines.values():
            engine.close()
    progress(f"{size}: whole-process searches")
    result["cli"] = measure_cli(cli_commands(workspace), cli_queries(result, speed))
    add_ratios(result)
    result["targets"] = check_targets(result)
    return result


def bench_features(size: str, feature_count: int, workspace: Path) -> dict:
    """The features of the query language on one corpus size (see ``features.py``):
    ``feature_count`` queries of each, searchidx beside :data:`REFERENCE` only, and
    the two builds' figures."""
    progress(f"{size}: loading the corpus")
    paragraphs = load_corpus(size)
    corpus_folder = workspace / "corpus"
    write_corpus_files(paragraphs, corpus_folder)
    result = {
        "paragraphs": len(paragraphs),
        "corpus_bytes": directory_size(corpus_folder),
        "build": build("searchidx", corpus_folder, workspace, len(paragraphs)),
        "reference_build": build(REFERENCE, corpus_folder, workspace, len(paragraphs)),
    }
    fts5 = ENGINES[REFERENCE]()
    fts5.open(workspace / REFERENCE)
    try:
        with Index.open(workspace / "searchidx" / "index") as index:
            progress(f"{size}: the query language's features")
            result["features"] = measure_features(index, paragraphs, feature_count, fts5)
    finally:
        fts5.close()
    return result


def measure_features(index: Index, paragraphs: list[str], per_kind: int, fts5=None) -> dict:
    """Each feature's median and p95 on ``index`` (built of ``paragraphs``) and their
    ratios to the plain word query's in the same run, with every run and refusal.

    With ``fts5`` (the :data:`REFERENCE` engine, open), the features FTS5 has are
    also asked of it, the two taking turns, and searchidx's ratios to it added.
    """
    with Index.open(index.path) as drawing:
        queries = feature_queries(paragraphs, per_kind, drawing)
    progress(f"  {len(queries)} queries of {len(FEATURES)} kinds, taking turns")
    for query in queries[:WARM_UP_QUERIES]:
        with contextlib.suppress(QueryError):  # counted in the timed run below
            query.run(index)
            if fts5 and query.fts5:
                fts5.match(query.fts5)
    runs, errors, fts5_runs = [], [], []
    for number, query in enumerate(queries):
        asked = fts5 and query.fts5
        if asked and number % 2:
            fts5_runs.append(timed_match(fts5, query))
        start = time.perf_counter()
        try:
            found = query.run(index)
        except QueryError as error:
            errors.append({"query": query.text, "kind": query.kind, "error": str(error)})
            continue
        seconds = time.perf_counter() - start
        runs.append(
            {"query": query.text, "kind": query.kind, "options": query.options,
             "files": query.files, "seconds": seconds, "total": found.total}
        )  # fmt: skip
        if asked and not number % 2:
            fts5_runs.append(timed_match(fts5, query))
    by_kind = {
        kind: summarize([run["seconds"] for run in runs if run["kind"] == kind])
        for kind in FEATURES
    }
    for kind, figures in by_kind.items():
        timings = [run["seconds"] for run in fts5_runs if run["kind"] == kind]
        if timings:
            figures[REFERENCE] = summarize(timings)
            for statistic in ("median", "p95"):
                reference = figures[REFERENCE][f"{statistic}_ms"]
                figures[f"{statistic}_{REFERENCE}_ratio"] = ratio(
                    figures[f"{statistic}_ms"], reference
                )
    baseline = by_kind[BASELINE]
    for figures in by_kind.values():
        figures["median_ratio"] = ratio(figures["median_ms"], baseline["median_ms"])
        figures["p95_ratio"] = ratio(figures["p95_ms"], baseline["p95_ms"])
        ratios = (figures["median_ratio"], figures["p95_ratio"])
        passed = None not in ratios and max(ratios) <= MAX_RATIO
        figures["verdict"] = "PASS" if passed else "MISS"
    return {"by_kind": by_kind, "errors": errors, "queries": runs, REFERENCE: fts5_runs}


def timed_match(engine, query) -> dict:
    """One FTS5 MATCH of a feature query, timed (``engine.match``)."""
    start = time.perf_counter()
    hits = engine.match(query.fts5)
    seconds = time.perf_counter() - start
    return {"query": query.fts5, "kind": query.kind, "seconds": seconds, "hits": len(hits)}


def build(name: str, corpus_folder: Path, workspace: Path, paragraphs: int) -> dict:
    """Build one engine's index in ``workspace/name`` in a fresh process; its figures.

    Fail unless the index holds the corpus's number of ``paragraphs``: the
    quality scores rely on every engine seeing the same paragraphs.
    """
    load_average = os.getloadavg()[0]
    progress(f"  building {name} (load average {load_average:.2f})")
    workdir = workspace / name
    workdir.mkdir()
    figures = build_in_child(name, corpus_folder, workdir)
    figures["load_average_before"] = load_average
    if figures["paragraphs"] != paragraphs:
        raise RuntimeError(f"{name} indexed {figures['paragraphs']} paragraphs, not {paragraphs}")
    figures["paragraphs_per_second"] = paragraphs / figures["seconds"]
    progress(f"  built {name} in {figures['seconds']:.1f} s, {figures['cpu_seconds']:.1f} s CPU")
    return figures


def open_engines(workspace: Path) -> dict:
    """Every engine, opened on the index it built in ``workspace``."""
    engines = {}
    for name, engine_class in ENGINES.items():
        engines[name] = engine_class()
        engines[name].open(workspace / getattr(engine_class, "shares_index_of", name))
    return engines


def check_positions(engine, queries: list, paragraphs: list[str]) -> None:
    """Fail unless each hit's snippet is in the paragraph its position names.

    Quality scores depend on mapping searchidx's (file, paragraph number) back
    to the corpus position; this catches a layout that drifted.
    """
    for query in queries:
        for position, snippet in engine.search(query.text):
            if bare_words(snippet) not in bare_words(paragraphs[position]):
                raise RuntimeError(f"hit for {query.text!r} is not paragraph {position}")


def bare_words(text: str) -> str:
    """Text without brackets and ellipses, its words one space apart, to compare snippets.

    >>> bare_words("…قال [النبي]\\nصلى…")
    'قال النبي صلى'
    """
    return " ".join(text.translate({ord("["): None, ord("]"): None, ord("…"): " "}).split())


def timed_search(engine, text: str) -> tuple[float, list[tuple[int, str]]]:
    """Seconds one search took and its hits."""
    start = time.perf_counter()
    hits = engine.search(text, limit=10)
    return time.perf_counter() - start, hits


def measure_latency(engines: dict, queries: list) -> dict:
    """Per engine: each query's seconds and hits, summaries overall and by kind, errors.

    Engines take turns on each query, in an order that rotates from query to query.
    """
    for engine in engines.values():
        for query in queries[:WARM_UP_QUERIES]:
            with contextlib.suppress(*QUERY_ERRORS):  # counted in the timed run below
                engine.search(query.text, limit=10)
    names = list(engines)
    runs = {name: [] for name in names}
    errors = {name: [] for name in names}
    for number, query in enumerate(queries):
        turn = number % len(names)
        for name in names[turn:] + names[:turn]:
            try:
                seconds, hits = timed_search(engines[name], query.text)
            except QUERY_ERRORS as error:
                errors[name].append({"query": query.text, "kind": query.kind, "error": str(error)})
                continue
            runs[name].append(
                {"query": query.text, "kind": query.kind, "seconds": seconds, "hits": len(hits)}
            )
    return {name: latency_summary(runs[name], errors[name]) for name in names}


def latency_summary(runs: list[dict], errors: list[dict]) -> dict:
    """Median and 95th percentile overall and per query kind, with the raw runs."""
    by_kind = {
        kind: summarize([run["seconds"] for run in runs if run["kind"] == kind]) for kind in KINDS
    }
    return {
        **summarize([run["seconds"] for run in runs]),
        "by_kind": by_kind,
        "errors": errors,
        "queries": runs,
    }


def summarize(seconds: list[float]) -> dict:
    """Count, median and 95th percentile (in milliseconds) of some timings."""
    if len(seconds) < 2:
        return {"count": len(seconds), "median_ms": None, "p95_ms": None}
    p95 = statistics.quantiles(seconds, n=20, method="inclusive")[18]
    return {
        "count": len(seconds),
        "median_ms": statistics.median(seconds) * 1000,
        "p95_ms": p95 * 1000,
    }


def measure_quality(engines: dict, queries: list) -> dict:
    """Per engine: each quality query's recall, and means overall and by variant."""
    scores = {}
    for name, engine in engines.items():
        rows = []
        for query in queries:
            row = {"query": query.text, "variant": query.variant, "word": query.word}
            try:
                # Stem variants count every paragraph found: ask for more than can be relevant.
                limit = 4 * MAX_DOCUMENT_FREQUENCY if query.variant in STEM_VARIANTS else 10
                positions = [position for position, _ in engine.search(query.text, limit=limit)]
            except QUERY_ERRORS as error:
                positions, row["error"] = [], str(error)
            row["relevant"] = len(query.relevant)
            row["recall"] = recall(positions, query)
            rows.append(row)
        scores[name] = quality_summary(rows)
    return scores


def quality_summary(rows: list[dict]) -> dict:
    """Mean recall overall and per variant (only variants with queries), with the rows."""
    by_variant = {}
    for variant in VARIANTS:
        recalls = [row["recall"] for row in rows if row["variant"] == variant]
        if recalls:
            by_variant[variant] = {"count": len(recalls), "recall": statistics.mean(recalls)}
    return {
        "recall": statistics.mean(row["recall"] for row in rows),
        "by_variant": by_variant,
        "errors": [row for row in rows if "error" in row],
        "queries": rows,
    }


def cli_commands(workspace: Path) -> dict[str, Callable[[str], list[str]]]:
    """The command line of one search, by engine, for a query."""
    searchidx_search = [sys.executable, "-m", "searchidx", "search"]
    searchidx_options = ["--index", str(workspace / "searchidx" / "index"), "--format", "json"]
    folded_fts5 = [sys.executable, "-c", FOLDED_FTS5_SEARCH]
    folded_db = str(workspace / REFERENCE / "fts5.db")
    commands = {
        "searchidx": lambda query: [*searchidx_search, query, *searchidx_options],
        REFERENCE: lambda query: [*folded_fts5, query, folded_db, str(SNIPPET_WORDS)],
    }
    sqlite_shell = shutil.which("sqlite3")
    if sqlite_shell:
        raw_db = str(workspace / "sqlite-fts5" / "fts5.db")
        commands["sqlite-fts5 (sqlite3 shell)"] = lambda query: [
            sqlite_shell, "-json", raw_db, raw_fts5_sql(query)
        ]  # fmt: skip
    return commands


def raw_fts5_sql(query: str) -> str:
    """The SQL that :class:`peers.SqliteFts5` runs for ``query``, with the query inlined."""
    match = fts5_match(query_parts(query)).replace("'", "''")
    return (
        f"SELECT rowid, snippet(paragraphs, 0, '[', ']', '…', {SNIPPET_WORDS}) FROM paragraphs"
        f" WHERE paragraphs MATCH '{match}' ORDER BY rank LIMIT 10;"
    )


def cli_queries(result: dict, queries: list) -> list[str]:
    """The first speed query of each kind that searchidx answered."""
    refused = {error["query"] for error in result["engines"]["searchidx"]["latency"]["errors"]}
    chosen = {}
    for query in queries:
        if query.text not in refused:
            chosen.setdefault(query.kind, query.text)
    return list(chosen.values())


def measure_cli(commands: dict[str, Callable[[str], list[str]]], queries: list[str]) -> dict:
    """Per command: the median seconds of a whole-process search, its peak memory, every run.

    Each command runs each query once untimed, then ``CLI_RUNS`` times, the
    commands taking turns. searchidx's modules are compiled first, as
    installing the package compiles them: under ``PYTHONDONTWRITEBYTECODE``
    the untimed runs cannot leave their bytecode behind, and every timed run
    would compile the package from source again.
    """
    compileall.compile_dir(Path(searchidx.__file__).parent, quiet=1)
    for make_command in commands.values():
        for query in queries:
            run_command(make_command(query))
    runs = {name: [] for name in commands}
    for _ in range(CLI_RUNS):
        for query in queries:
            for name, make_command in commands.items():
                seconds, peak = run_command(make_command(query))
                runs[name].append({"query": query, "seconds": seconds, "peak_rss_bytes": peak})
    return {
        name: {
            "median_s": statistics.median(run["seconds"] for run in timings),
            "peak_rss_bytes": max(run["peak_rss_bytes"] for run in timings),
            "runs": timings,
        }
        for name, timings in runs.items()
    }


def run_command(command: list[str]) -> tuple[float, int]:
    """Seconds a command took from start to exit and its peak resident memory in bytes;
    fail with its stderr if it failed.

    The command is started by a small Python process (:data:`MEASURE_CHILD`):
    Linux carries a forked process's peak memory through ``exec``, so a child
    of this large process would report at least this process's size.
    """
    completed = subprocess.run(
        [sys.executable, "-c", MEASURE_CHILD, *command], capture_output=True, text=True
    )
    if completed.returncode != 0:
        raise RuntimeError(f"{command[:3]} exited with {completed.returncode}: {completed.stderr}")
    seconds, peak = completed.stdout.split()
    return float(seconds), int(peak)


def add_ratios(result: dict) -> None:
    """Add each engine's ratios to the reference engine: build time, query median and p95."""
    reference = result["engines"][REFERENCE]
    for figures in result["engines"].values():
        figures["ratios"] = {
            "build": figures["build"]["seconds"] / reference["build"]["seconds"],
            "median": ratio(figures["latency"]["median_ms"], reference["latency"]["median_ms"]),
            "p95": ratio(figures["latency"]["p95_ms"], reference["latency"]["p95_ms"]),
        }
    result["cli_ratio"] = (
        result["cli"]["searchidx"]["median_s"] / result["cli"][REFERENCE]["median_s"]
    )


def ratio(value: float | None, reference: float | None) -> float | None:
    """``value / reference``, or None when either is unknown."""
    return None if value is None or reference is None else value / reference


def check_targets(result: dict) -> list[dict]:
    """searchidx's figures against its targets (set for 100,000 paragraphs), PASS or MISS."""
    figures = result["engines"]["searchidx"]
    build_figures = figures["build"]
    phrase = figures["latency"]["by_kind"]["phrase"]["median_ms"]
    reference_phrase = result["engines"][REFERENCE]["latency"]["by_kind"]["phrase"]["median_ms"]
    without_side_files = build_figures["size_bytes"] - build_figures["side_file_bytes"]
    measured = [
        ("query median", figures["ratios"]["median"], 0.5, f"× {REFERENCE}"),
        ("query p95", figures["ratios"]["p95"], 0.25, f"× {REFERENCE}"),
        ("phrase median", ratio(phrase, reference_phrase), 0.8, f"× {REFERENCE}"),
        ("indexing time", figures["ratios"]["build"], 3.0, f"× {REFERENCE}"),
        ("index size", build_figures["size_bytes"] / without_side_files, 1.2, "× no side files"),
        ("one CLI search", result["cli_ratio"], 1.3, f"× {REFERENCE} script"),
        ("CLI search peak memory", result["cli"]["searchidx"]["peak_rss_bytes"] / 2**20, 120, "MB"),
        ("indexing peak memory", build_figures["peak_rss_bytes"] / 2**20, 500.0, "MB"),
    ]
    return [
        {
            "target": target,
            "measured": value,
            "limit": limit,
            "unit": unit,
            "verdict": "PASS" if value is not None and value <= limit else "MISS",
        }
        for target, value, limit, unit in measured
    ]


def machine() -> dict:
    """The machine and software the benchmark ran on."""
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "whoosh": whoosh.versionstring(),
        "sqlite": sqlite3.sqlite_version,
        "searchidx": searchidx.__version__,
        "searchidx_commit": source_commit(),
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "load_average": os.getloadavg(),
    }


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, else what Python knows."""
    try:
        with open("/proc/cpuinfo") as lines:
            for line in lines:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def source_commit() -> str:
    """The git commit of the working tree measured, ``-dirty`` when it has changes."""
    command = ["git", "-C", str(Path(__file__).parent), "describe", "--always", "--dirty"]
    completed = subprocess.run(command, capture_output=True, text=True)
    return completed.stdout.strip() or "unknown"
