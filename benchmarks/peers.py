"""Peers: other ways to search the same paragraphs, measured in the same run as searchidx.

* :class:`SqliteFts5`: SQLite FTS5 on the text as published, with the
  ``unicode61 remove_diacritics 2`` tokenizer. It treats Arabic harakat as
  separators, so «حَدَّثَنَا» is indexed as the letters ح د ث ن ا.
* :class:`FoldedSqliteFts5`: SQLite FTS5 given text folded in Python by
  searchidx's :func:`~searchidx.analysis.analyze`, word by word, with the
  original text in an unindexed column for snippets.
* :class:`PlainWhoosh`: Whoosh with its ``StandardAnalyzer``, which cuts words
  at combining marks as FTS5 does and then drops one-letter pieces.

:class:`Searchidx` puts searchidx itself behind the same interface, and
:data:`ENGINES` lists it with the peers. :class:`SearchidxWhoosh` searches
the same index with Whoosh's matchers instead of the side files' arrays (the
reference the array search is tested against); it builds nothing of its own,
and answers each query without its diacritics (see its ``search``).

Each engine builds an index of its own in a folder from the text files that
:func:`~corpus.write_corpus_files` wrote (:meth:`build`; reading the files is
part of the build, as it is for ``searchidx index``), opens an existing one
(:meth:`open`) and returns the top hits as ``(paragraph index, snippet)``
pairs (:meth:`search`), matched words in ``[brackets]``. A query is words, all
required, and "quoted phrases". :func:`build_in_child` builds in a fresh
process to measure peak memory.

Run ``python -m benchmarks.peers`` for a smoke test on the small corpus.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, wait
from pathlib import Path

from whoosh import highlight
from whoosh.analysis import StandardAnalyzer
from whoosh.fields import STORED, TEXT, Schema
from whoosh.index import create_in, open_dir
from whoosh.qparser import QueryParser

from searchidx import Index, analyze

from .corpus import corpus_position, iter_corpus_files, load_corpus, write_corpus_files
from .queries import speed_queries, undiacritized

# How often the memory of a build and its worker processes is sampled.
MEMORY_SAMPLE_SECONDS = 0.05
# FTS5 snippets are counted in tokens; about 24 words is the length of Whoosh's
# default 200-character fragments of vocalized text.
SNIPPET_WORDS = 24

_QUERY_PARTS = re.compile(r'"([^"]*)"|(\S+)')
# Markers that FTS5 wraps around matched folded terms; they never occur in text.
_OPEN, _CLOSE = "\x02", "\x03"


def query_parts(query: str) -> list[str]:
    """The words and quoted phrases of a query.

    >>> query_parts('الصلاة "في وقتها"')
    ['الصلاة', 'في وقتها']
    """
    parts = (phrase or word for phrase, word in _QUERY_PARTS.findall(query))
    return [part for part in parts if part.strip()]


def fts5_match(parts: list[str]) -> str:
    """An FTS5 MATCH expression requiring every part, each as a quoted phrase."""
    return " ".join('"' + part.replace('"', '""') + '"' for part in parts)


def folded_text(text: str) -> str:
    """The folded terms of ``text`` joined by spaces: «أَحْمَدُ بْنُ» → «احمد بن»."""
    return " ".join(token.term for token in analyze(text))


def directory_size(folder: Path) -> int:
    """Bytes taken by the files under ``folder``."""
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())


class SqliteFts5:
    """SQLite FTS5 over the raw paragraphs, tokenizer ``unicode61 remove_diacritics 2``."""

    name = "sqlite-fts5"
    _create = (
        "CREATE VIRTUAL TABLE paragraphs USING fts5"
        "(text, tokenize = 'unicode61 remove_diacritics 2')"
    )
    _insert = "INSERT INTO paragraphs(rowid, text) VALUES (?, ?)"

    def __init__(self) -> None:
        self.db: sqlite3.Connection | None = None

    def build(self, corpus_folder: Path, workdir: Path) -> dict:
        """Index the corpus in the empty folder ``workdir``; see :func:`build_figures`."""
        start = time.perf_counter()
        db = sqlite3.connect(workdir / "fts5.db")
        with db:
            db.execute(self._create)
            # The rowid is the paragraph's index in the corpus.
            paragraphs = enumerate(iter_corpus_files(corpus_folder))
            db.executemany(self._insert, map(self._row, paragraphs))
            # Merge the segments of the bulk load into one, as after any bulk load.
            db.execute("INSERT INTO paragraphs(paragraphs) VALUES ('optimize')")
            (count,) = db.execute("SELECT count(*) FROM paragraphs").fetchone()
        db.close()
        return build_figures(start, workdir, count)

    def _row(self, numbered: tuple[int, str]) -> tuple[int | str, ...]:
        return numbered

    def open(self, workdir: Path) -> None:
        """Open the index built in ``workdir``."""
        self.db = sqlite3.connect(workdir / "fts5.db")

    def close(self) -> None:
        """Close the index."""
        self.db.close()

    def search(self, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for ``query`` by BM25, with snippets."""
        parts = query_parts(query)
        if not parts:
            return []
        rows = self.db.execute(
            "SELECT rowid, snippet(paragraphs, 0, '[', ']', '…', ?) FROM paragraphs"
            " WHERE paragraphs MATCH ? ORDER BY rank LIMIT ?",
            (SNIPPET_WORDS, fts5_match(parts), limit),
        )
        return rows.fetchall()


class FoldedSqliteFts5(SqliteFts5):
    """SQLite FTS5 over paragraphs folded by searchidx, the original kept for snippets.

    FTS5 can only cut snippets from the column it indexed, here the folded
    terms; the matched term positions are mapped back to the original words.
    """

    name = "sqlite-fts5-folded"
    _create = (
        "CREATE VIRTUAL TABLE paragraphs USING fts5"
        "(terms, text UNINDEXED, tokenize = 'unicode61 remove_diacritics 0')"
    )
    _insert = "INSERT INTO paragraphs(rowid, terms, text) VALUES (?, ?, ?)"

    def _row(self, numbered: tuple[int, str]) -> tuple[int | str, ...]:
        index, paragraph = numbered
        return index, folded_text(paragraph), paragraph

    def search(self, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for the folded ``query`` by BM25, with snippets."""
        parts = [folded for folded in map(folded_text, query_parts(query)) if folded]
        if not parts:
            return []
        return self.match(fts5_match(parts), limit)

    def match(self, expression: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for an FTS5 MATCH ``expression`` of folded
        terms by BM25, with snippets."""
        rows = self.db.execute(
            "SELECT rowid, text, highlight(paragraphs, 0, ?, ?) FROM paragraphs"
            " WHERE paragraphs MATCH ? ORDER BY rank LIMIT ?",
            (_OPEN, _CLOSE, expression, limit),
        )
        return [(index, original_snippet(text, marked)) for index, text, marked in rows]


def original_snippet(text: str, marked_terms: str) -> str:
    """A snippet of ``text`` marking the words whose folded terms FTS5 marked.

    ``marked_terms`` is the folded text of ``text`` as FTS5's ``highlight()``
    returns it: term ``i`` is word ``i`` of ``analyze(text)``.
    """
    matched = set()
    inside = False
    for position, term in enumerate(marked_terms.split(" ")):
        if inside or _OPEN in term:
            matched.add(position)
        if _OPEN in term or _CLOSE in term:
            inside = term.rfind(_OPEN) > term.rfind(_CLOSE)
    words = analyze(text)
    first = min(matched, default=0)
    start = max(0, first - SNIPPET_WORDS // 4)
    end = min(len(words), start + SNIPPET_WORDS)
    pieces = ["…" if start else ""]
    cursor = words[start].start
    for position in range(start, end):
        word = words[position]
        pieces.append(text[cursor : word.start])
        pieces.append(f"[{word.text}]" if position in matched else word.text)
        cursor = word.end
    pieces.append("…" if end < len(words) else "")
    return "".join(pieces)


class _BracketFormatter(highlight.Formatter):
    """Whoosh highlights as plain text with matched words in [brackets], like the others."""

    between = "…"

    def format_token(self, text, token, replace=False):
        return f"[{highlight.get_text(text, token, replace)}]"


class PlainWhoosh:
    """Whoosh with its StandardAnalyzer on a stored TEXT field, and its highlighter."""

    name = "whoosh"

    def __init__(self) -> None:
        self.searcher = None
        self.parser = None

    def build(self, corpus_folder: Path, workdir: Path) -> dict:
        """Index the corpus in the empty folder ``workdir``; see :func:`build_figures`."""
        schema = Schema(number=STORED, text=TEXT(analyzer=StandardAnalyzer(), stored=True))
        start = time.perf_counter()
        index = create_in(workdir, schema)
        with index.writer() as writer:
            for number, paragraph in enumerate(iter_corpus_files(corpus_folder)):
                writer.add_document(number=number, text=paragraph)
        count = index.doc_count()
        index.close()
        return build_figures(start, workdir, count)

    def open(self, workdir: Path) -> None:
        """Open the index built in ``workdir``."""
        index = open_dir(workdir)
        self.searcher = index.searcher()
        self.parser = QueryParser("text", index.schema)

    def close(self) -> None:
        """Close the index."""
        self.searcher.close()

    def search(self, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for ``query`` by BM25F, with highlighted fragments."""
        results = self.searcher.search(self.parser.parse(query), limit=limit)
        results.formatter = _BracketFormatter()
        return [(hit["number"], hit.highlights("text")) for hit in results]


class Searchidx:
    """searchidx itself, indexing the corpus files as ``searchidx index`` does."""

    name = "searchidx"

    def __init__(self) -> None:
        self.index: Index | None = None

    def build(self, corpus_folder: Path, workdir: Path) -> dict:
        """Index the corpus in the empty folder ``workdir``; see :func:`build_figures`."""
        start = time.perf_counter()
        with Index.create(workdir / "index") as index:
            report = index.update([corpus_folder])
        return build_figures(start, workdir, report.paragraphs)

    def open(self, workdir: Path) -> None:
        """Open the index built in ``workdir``."""
        self.index = Index.open(workdir / "index")

    def close(self) -> None:
        """Close the index."""
        self.index.close()

    def search(self, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for ``query``; raises ``searchidx.errors.QueryError``."""
        return [
            (corpus_position(hit.doc, hit.paragraph), hit.snippet)
            for hit in self.index.search(query, limit=limit)
        ]


class SearchidxWhoosh(Searchidx):
    """searchidx answering from Whoosh's matchers, on the index :class:`Searchidx` built."""

    name = "searchidx-whoosh"
    shares_index_of = Searchidx.name

    def open(self, workdir: Path) -> None:
        """Open the index built in ``workdir`` and turn the array search off."""
        super().open(workdir)
        self.index.array_search = False

    def search(self, query: str, limit: int = 10) -> list[tuple[int, str]]:
        """The best ``limit`` paragraphs for ``query`` typed without diacritics.

        With them, Whoosh's matchers verify every occurrence of a vocalized word
        against its paragraph's stored text (``search/written.py``): at 15,000
        paragraphs a median of 0.3 to 0.4 s and a p95 of 2.9 s per speed query,
        most of a run's time. Without them it is the word search that the arrays answer
        faster; quality queries are typed without diacritics already.
        """
        return super().search(undiacritized(query), limit)


def build_figures(start: float, workdir: Path, paragraphs: int) -> dict:
    """What a build that began at ``perf_counter()`` value ``start`` reports.

    ``seconds`` since then, ``size_bytes`` of ``workdir`` and the number of
    ``paragraphs`` the index holds.
    """
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "size_bytes": directory_size(workdir),
        # searchidx's side files, counted in size_bytes (0 for the peers).
        "side_file_bytes": sum(path.stat().st_size for path in workdir.rglob("*.sidx")),
        "paragraphs": paragraphs,
    }


PEERS = {peer.name: peer for peer in (SqliteFts5, FoldedSqliteFts5, PlainWhoosh)}
ENGINES = {Searchidx.name: Searchidx, SearchidxWhoosh.name: SearchidxWhoosh, **PEERS}


def build_in_child(engine_name: str, corpus_folder: Path, workdir: Path) -> dict:
    """Build an engine's index in a fresh process; return its figures and peak memory.

    Besides the figures of :func:`build_figures`, the result has
    ``cpu_seconds``, the CPU time of the build and the worker processes it
    starts (searchidx indexes a large corpus with two worker processes): unlike
    ``seconds``, it hardly changes when other jobs compete for the cores;
    ``peak_rss_bytes``, the peak memory of the process and its workers; and
    ``baseline_rss_bytes``, the process's peak before building (interpreter
    and imports): the difference is what building took.
    """
    # Each build gets a new process that reads its own RUSAGE_SELF peak, forked
    # from multiprocessing's small fork server. A process the benchmark forks or
    # spawns itself would start its peak at the benchmark's resident size: Linux
    # keeps the peak of the forked copy of the parent through exec (a spawned
    # child of a 500 MB parent reports 514 MB before doing anything).
    # RUSAGE_CHILDREN in the parent is no better: it is the largest peak of all
    # children so far.
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        # The pool's one process runs both calls.
        pid = pool.submit(os.getpid).result()
        build = pool.submit(_build, engine_name, corpus_folder, workdir)
        sampled_peak = 0
        while wait([build], timeout=MEMORY_SAMPLE_SECONDS).not_done:
            sampled_peak = max(sampled_peak, process_tree_memory(pid))
        figures = build.result()
    figures["peak_rss_bytes"] = max(figures["peak_rss_bytes"], sampled_peak)
    return figures


def _build(engine_name: str, corpus_folder: Path, workdir: Path) -> dict:
    # A fork server's children inherit its start method, and would have the
    # benchmark's fork server start their own workers. Start them as a fresh
    # interpreter does (the platform's default method), as children of this
    # process, so that they count in its CPU time and memory.
    multiprocessing.set_start_method(multiprocessing.get_all_start_methods()[0], force=True)
    baseline = _peak_rss_bytes()
    cpu_before = _cpu_seconds()
    engine = ENGINES[engine_name]()
    figures = engine.build(corpus_folder, workdir)
    return {
        **figures,
        "cpu_seconds": _cpu_seconds() - cpu_before,
        "peak_rss_bytes": _peak_rss_bytes(),
        "baseline_rss_bytes": baseline,
    }


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of its ended worker processes."""
    return sum(
        usage.ru_utime + usage.ru_stime
        for usage in map(resource.getrusage, (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    )


def _peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kibibytes, macOS bytes.
    return peak if sys.platform == "darwin" else peak * 1024


def process_tree_memory(pid: int) -> int:
    """Bytes of memory a process and its descendants use now, 0 where /proc cannot tell.

    The process counts with its resident size, each descendant with its
    private memory only: what forked workers share with their parent is
    already counted in the parent's.
    """
    try:
        resident = _proc_field(f"/proc/{pid}/status", "VmRSS:")
        return resident + sum(map(_private_memory, _descendants(pid)))
    except OSError:  # the process ended, or this is not Linux
        return 0


def _descendants(pid: int) -> list[int]:
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += map(int, (task / "children").read_text().split())
    return children + [grandchild for child in children for grandchild in _descendants(child)]


def _private_memory(pid: int) -> int:
    rollup = f"/proc/{pid}/smaps_rollup"
    return _proc_field(rollup, "Private_Clean:") + _proc_field(rollup, "Private_Dirty:")


def _proc_field(path: str, name: str) -> int:
    """A ``name: N kB`` line of a /proc file, in bytes."""
    with open(path) as lines:
        for line in lines:
            if line.startswith(name):
                return int(line.split()[1]) * 1024
    return 0


def main() -> None:
    """Smoke test: build the small corpus with every engine and time 20 queries."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.peers",
        description="Build the small corpus with every engine and time 20 queries.",
    )
    parser.parse_args()
    paragraphs = load_corpus("small")
    queries = speed_queries(paragraphs)[::15]
    print(f"{len(paragraphs)} paragraphs, {len(queries)} queries")
    with tempfile.TemporaryDirectory() as tmp:
        corpus_folder = Path(tmp, "corpus")
        write_corpus_files(paragraphs, corpus_folder)
        for name, engine_class in ENGINES.items():
            shared = getattr(engine_class, "shares_index_of", None)
            workdir = Path(tmp, shared or name)
            if not shared:
                workdir.mkdir()
                figures = build_in_child(name, corpus_folder, workdir)
            engine = engine_class()
            engine.open(workdir)
            timings, hits = [], 0
            for query in queries:
                start = time.perf_counter()
                hits += len(engine.search(query.text))
                timings.append(time.perf_counter() - start)
            sample = engine.search(queries[0].text, limit=1)
            engine.close()
            print(
                f"{name:20} build {figures['seconds']:6.2f} s"
                f"  size {figures['size_bytes'] / 2**20:6.1f} MB"
                f"  peak RSS {figures['peak_rss_bytes'] / 2**20:6.1f} MB"
                f" (before build {figures['baseline_rss_bytes'] / 2**20:.1f} MB)"
                f"  query median {statistics.median(timings) * 1000:6.2f} ms"
                f"  hits {hits}"
            )
            print(f"    {queries[0].text!r} → {sample[:1]}")


if __name__ == "__main__":
    main()
