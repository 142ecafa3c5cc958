"""The index: a Whoosh index on disk with one document per paragraph.

Schema (one Whoosh document per paragraph, plus one record per file):

* ``terms``: folded words with positions, for words and "phrases"; stem
  matches are found at query time among these words (see ``search.py``), so
  there is no second posting list per word to write;
* ``text``: the paragraph exactly as the file holds it (stored, not indexed);
  snippets and match offsets are computed from it at query time;
* ``doc``, ``title``, ``paragraph``, ``locator``: where the paragraph is
  (``title`` is folded like ``terms``, with positions for title phrases);
* ``source``: the file's absolute path, shared by its paragraphs and its file
  record, so one delete removes a file's whole contribution;
* file records (``kind`` = ``file``) hold content hash, size and mtime, so
  updating re-reads only files that changed. They live inside the Whoosh index
  and so commit atomically with the paragraphs they describe.

``searchidx.json`` beside Whoosh's files records the format version, the
analyzer and timestamps; an index from another version is refused with a
message that says how to rebuild.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import shutil
import signal
import stat as stat_module
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter
from whoosh.util.filelock import try_for
from whoosh.writing import LockError

from . import __version__
from .analysis import term_analyzer
from .documents import Document, find_files, is_indexable, read_documents
from .errors import (
    DocumentError,
    IncompatibleIndex,
    IndexCorrupt,
    IndexLocked,
    IndexNotFound,
    SearchidxError,
)
from .readers import ReaderOptions

FORMAT_VERSION = 2
ANALYZER = "arabic-fold-2"
META_FILE = "searchidx.json"
# Held for a whole update (reading the file records, planning, writing), so a
# second writer plans against what the first committed and indexes nothing twice.
LOCK_FILE = "searchidx.lock"
ENV_INDEX = "SEARCHIDX_INDEX"
# How long a second writer waits for the first before giving up.
LOCK_TIMEOUT_SECONDS = 10.0
# Below this much new text, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
WRITER_PROCESSES = 2


def default_index_dir() -> Path:
    """Where the index lives: ``$SEARCHIDX_INDEX``, else ``$XDG_DATA_HOME/searchidx/index``."""
    configured = os.environ.get(ENV_INDEX)
    if configured:
        return Path(configured)
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "searchidx" / "index"


def bundled_corpus() -> Path:
    """The sample corpus shipped with searchidx (``index_data/``)."""
    packaged = Path(__file__).with_name("index_data")
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "index_data"


def make_schema() -> Schema:
    return Schema(
        terms=TEXT(analyzer=term_analyzer(), phrase=True),
        title=TEXT(analyzer=term_analyzer(), phrase=True, stored=True),
        text=STORED(),
        doc=ID(stored=True),
        paragraph=STORED(),
        locator=STORED(),
        source=ID(),
        kind=ID(),
        record=STORED(),
    )


@dataclass
class FileRecord:
    """What the index knows of one file, to tell whether it changed."""

    path: str
    root: str
    doc: str
    sha256: str
    size: int
    mtime: float
    paragraphs: int


@dataclass
class FileNote:
    """A file and what happened to it: why it was skipped, or a warning."""

    path: str
    message: str


@dataclass
class IndexReport:
    """What one indexing run did."""

    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    paragraphs: int = 0
    skipped: list[FileNote] = field(default_factory=list)
    warnings: list[FileNote] = field(default_factory=list)
    # Files of formats searchidx does not read, by suffix: {".pdf": 3}.
    ignored: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def files(self) -> int:
        return self.added + self.changed

    @property
    def nothing_changed(self) -> bool:
        return not (self.added or self.changed or self.removed)


@dataclass
class IndexInfo:
    """What ``searchidx info`` shows: counts, size on disk, dates, versions, roots."""

    path: str
    documents: int
    paragraphs: int
    size_bytes: int
    created: str
    updated: str
    version: str
    format: int
    analyzer: str
    roots: list[str]


ProgressCallback = Callable[[int, int, str], None]


class Index:
    """A searchidx index on disk.

    >>> with Index.create("/tmp/idx") as index:       # doctest: +SKIP
    ...     index.update(["index_data"])
    ...     hits = index.search("الخلايا النائمة")
    """

    def __init__(self, path: Path, whoosh: whoosh_index.Index, meta: dict):
        self.path = path
        self._whoosh = whoosh
        self._meta = meta
        self._reader = None  # kept between searches, reopened after a commit

    # Opening and creating

    @classmethod
    def create(cls, path: str | os.PathLike) -> Index:
        """Create an empty index at ``path``, or open the one already there."""
        path = Path(path)
        if not _has_index(path):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise IndexNotFound(f"cannot create an index at {path}: {error.strerror}") from None
            with _writing(path):
                # Another process may have created it while this one waited.
                if not _has_index(path):
                    whoosh_index.create_in(str(path), make_schema())
                    _write_meta(path, _new_meta())
        return cls.open(path)

    @classmethod
    def open(cls, path: str | os.PathLike) -> Index:
        """Open an existing index; raise :class:`IndexNotFound` if there is none."""
        path = Path(path)
        if not _has_index(path):
            raise IndexNotFound(f"no index at {path}; run `searchidx index PATH` first")
        meta = _read_meta(path)
        if meta.get("format") != FORMAT_VERSION or meta.get("analyzer") != ANALYZER:
            raise IncompatibleIndex(
                f"the index at {path} was built by searchidx {meta.get('version', '?')} "
                f"(format {meta.get('format', '?')}); rebuild it with "
                f"`searchidx index --rebuild --index {path} PATH`"
            )
        try:
            whoosh = whoosh_index.open_dir(str(path))
        except (AttributeError, ImportError, ModuleNotFoundError) as error:
            raise IncompatibleIndex(
                f"the index at {path} cannot be loaded ({error}); rebuild it with "
                f"`searchidx index --rebuild --index {path} PATH`"
            ) from None
        except (OSError, EOFError, ValueError, whoosh_index.IndexError) as error:
            raise IndexCorrupt(
                f"the index at {path} cannot be read ({error}); rebuild it with "
                f"`searchidx index --rebuild --index {path} PATH`"
            ) from None
        return cls(path, whoosh, meta)

    def close(self) -> None:
        self._drop_reader()
        self._whoosh.close()

    def _drop_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # Reading

    def file_records(self) -> dict[str, FileRecord]:
        """Every indexed file, by absolute path."""
        with self._whoosh.searcher() as searcher:
            return {
                fields["record"]["path"]: FileRecord(**fields["record"])
                for fields in searcher.documents(kind="file")
            }

    def info(self) -> IndexInfo:
        records = self.file_records()
        size = sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())
        return IndexInfo(
            path=str(self.path),
            documents=len(records),
            paragraphs=sum(record.paragraphs for record in records.values()),
            size_bytes=size,
            created=self._meta["created"],
            updated=self._meta["updated"],
            version=self._meta["version"],
            format=self._meta["format"],
            analyzer=self._meta["analyzer"],
            roots=sorted({record.root for record in records.values()}),
        )

    def search(self, query: str, limit: int = 10, match_any: bool = False):
        """Search paragraphs; return :class:`searchidx.search.SearchResults`."""
        from .search import run_search

        if self._reader is None or self._reader.generation() != self._whoosh.latest_generation():
            self._drop_reader()
            self._reader = self._whoosh.reader()
        return run_search(self._whoosh, self._reader, query, limit=limit, match_any=match_any)

    # Writing

    def update(
        self,
        paths: Sequence[str | os.PathLike] | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Bring the index up to date with ``paths`` (files or folders).

        New files are added, changed ones re-indexed, files deleted from under
        ``paths`` dropped. Without ``paths``, the folders already indexed are
        refreshed. Nothing is written when nothing changed. ``options`` set the
        encoding, the record fields of JSON and CSV files, and extra file
        patterns, for the files this run reads: new, changed or earlier skipped
        ones. Files already indexed are kept as they are; :meth:`rebuild`
        re-reads everything.
        """
        options = options or ReaderOptions()
        started = time.perf_counter()
        with _writing(self.path):
            # What an interrupted rebuild left behind.
            shutil.rmtree(self._rebuild_path(), ignore_errors=True)
            records = self.file_records()
            roots = _resolve_roots(paths, records)
            report = IndexReport()
            plan = _plan(roots, records, options, report)
            if plan.work or plan.removed:
                parallel = plan.bytes_to_read >= PARALLEL_MIN_BYTES
                writer = self._writer(parallel)
                with writer, _worker_processes(writer):
                    self._write(writer, plan, records, options, progress, report)
                self._touch_meta()
        report.seconds = time.perf_counter() - started
        return report

    def rebuild(
        self,
        paths: Sequence[str | os.PathLike] | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Index ``paths`` from empty, keeping the old index until the new one is complete."""
        fresh_path = self._rebuild_path()
        # Hold the old index's lock so no other writer updates it meanwhile.
        with _writing(self.path):
            roots = _resolve_roots(paths, self.file_records())
            shutil.rmtree(fresh_path, ignore_errors=True)
            with Index.create(fresh_path) as fresh:
                report = fresh.update([str(root) for root in roots], options, progress)
            self.close()
            _swap_dirs(fresh_path, self.path)
        reopened = Index.open(self.path)
        self._whoosh, self._meta = reopened._whoosh, reopened._meta
        return report

    def _rebuild_path(self) -> Path:
        return self.path.with_name(self.path.name + ".rebuild")

    def _writer(self, parallel: bool):
        # Segments stay separate files: Whoosh reads a compound segment file by
        # copying its parts into memory, which cost a one-shot search 0.06 s and
        # 130 MB at 100,000 paragraphs.
        settings = {"limitmb": 96, "compound": False}
        try:
            if parallel and _CAN_TIE_WORKERS and (os.cpu_count() or 1) > 1:
                # Two workers: each holds up to limitmb of postings in memory.
                return self._whoosh.writer(
                    procs=WRITER_PROCESSES,
                    multisegment=True,
                    subargs=settings,
                    timeout=LOCK_TIMEOUT_SECONDS,
                    **settings,
                )
            return self._whoosh.writer(timeout=LOCK_TIMEOUT_SECONDS, **settings)
        except LockError:
            raise _locked(self.path) from None

    def _write(self, writer, plan, records, options, progress, report) -> None:
        for path in plan.removed:
            writer.delete_by_term("source", path)
            report.removed += 1
        total = len(plan.work)
        for done, (path, root, doc_id, stat, digest) in enumerate(plan.work, 1):
            if progress:
                progress(done, total, doc_id)
            old = records.get(str(path))
            try:
                documents = read_documents(path, doc_id, options)
            except DocumentError as error:
                report.skipped.append(FileNote(str(path), str(error)))
                if old:
                    writer.delete_by_term("source", str(path))
                    report.removed += 1
                continue
            for document in documents:
                report.warnings.extend(FileNote(str(path), text) for text in document.warnings)
            if old:
                writer.delete_by_term("source", str(path))
                report.changed += 1
            else:
                report.added += 1
            record = FileRecord(
                path=str(path),
                root=str(root),
                doc=doc_id,
                sha256=digest,
                size=stat.st_size,
                mtime=stat.st_mtime,
                paragraphs=sum(len(document.paragraphs) for document in documents),
            )
            _add_file(writer, documents, record)
            report.paragraphs += record.paragraphs

    def _touch_meta(self) -> None:
        self._meta["updated"] = _now()
        self._meta["version"] = __version__
        _write_meta(self.path, self._meta)


def _add_file(writer, documents: list[Document], record: FileRecord) -> None:
    source = record.path
    writer.add_document(kind="file", source=source, record=record.__dict__)
    for document in documents:
        _add_paragraphs(writer, document, source)


def _add_paragraphs(writer, document: Document, source: str) -> None:
    for paragraph in document.paragraphs:
        writer.add_document(
            source=source,
            doc=document.doc_id,
            title=document.title,
            paragraph=paragraph.number,
            locator=paragraph.locator,
            text=paragraph.text,
            terms=paragraph.text,
        )


@dataclass
class _Plan:
    work: list = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    bytes_to_read: int = 0


def _plan(
    roots: list[Path], records: dict[str, FileRecord], options: ReaderOptions, report: IndexReport
) -> _Plan:
    """Decide which files to (re)read and which records to drop, by size, mtime and hash."""
    plan = _Plan()
    seen: set[str] = set()
    for root in roots:
        base = root if root.is_dir() else root.parent
        for path in find_files(root):
            if root.is_dir() and not is_indexable(path, options):
                suffix = path.suffix.lower() or "(none)"
                report.ignored[suffix] = report.ignored.get(suffix, 0) + 1
                continue
            key = str(path)
            seen.add(key)
            try:
                stat = path.stat()
                if not stat_module.S_ISREG(stat.st_mode):
                    raise IsADirectoryError(0, "not a regular file")
            except OSError as error:
                report.skipped.append(FileNote(key, _os_reason(error, path)))
                if key in records:
                    plan.removed.append(key)
                continue
            old = records.get(key)
            if old and old.size == stat.st_size and old.mtime == stat.st_mtime:
                report.unchanged += 1
                continue
            digest = _file_digest(path)
            if old and digest == old.sha256:
                report.unchanged += 1
                continue
            doc_id = path.relative_to(base).as_posix()
            plan.work.append((path, root, doc_id, stat, digest))
            plan.bytes_to_read += stat.st_size
        for key in records:
            under_root = key == str(root) or key.startswith(str(root).rstrip(os.sep) + os.sep)
            if under_root and key not in seen:
                plan.removed.append(key)
    return plan


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as stream:
            for block in iter(lambda: stream.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""  # read_document reports why the file cannot be read
    return digest.hexdigest()


def _os_reason(error: OSError, path: Path) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop"
    if path.is_symlink() and not path.exists():
        return "broken symbolic link"
    return error.strerror or str(error)


def _resolve_roots(
    paths: Iterable[str | os.PathLike] | None, records: dict[str, FileRecord]
) -> list[Path]:
    if not paths:
        known = sorted({record.root for record in records.values()})
        paths = known or [bundled_corpus()]
    roots = []
    for path in paths:
        root = Path(os.path.abspath(path))
        if not root.exists():
            raise DocumentError(f"{path}: no such file or folder")
        roots.append(root)
    return roots


def _has_index(path: Path) -> bool:
    return path.is_dir() and (path / META_FILE).exists() and whoosh_index.exists_in(str(path))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_meta() -> dict:
    now = _now()
    return {
        "format": FORMAT_VERSION,
        "analyzer": ANALYZER,
        "version": __version__,
        "created": now,
        "updated": now,
    }


def _read_meta(path: Path) -> dict:
    try:
        return json.loads((path / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise IndexCorrupt(f"cannot read {path / META_FILE}: {error}") from None


def _write_meta(path: Path, meta: dict) -> None:
    temporary = path / (META_FILE + ".tmp")
    temporary.write_text(json.dumps(meta, indent=2), encoding="utf-8")
    os.replace(temporary, path / META_FILE)


# Whoosh's multiprocess writer forks worker processes. Left alone, a Ctrl-C
# prints a traceback from each of them, and a parent killed with SIGKILL leaves
# them waiting forever, holding the index's lock. So while indexing in
# parallel, every forked worker ignores SIGINT (the parent cancels) and is
# killed when its parent dies; that needs Linux's prctl, so elsewhere
# searchidx indexes in one process.
_PR_SET_PDEATHSIG = 1
try:
    _LIBC = ctypes.CDLL(None, use_errno=True)
    _CAN_TIE_WORKERS = sys.platform.startswith("linux") and hasattr(_LIBC, "prctl")
except OSError:
    _CAN_TIE_WORKERS = False
_forking_workers = False


def _tie_forked_worker_to_parent() -> None:
    if _forking_workers:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


if _CAN_TIE_WORKERS:
    os.register_at_fork(after_in_child=_tie_forked_worker_to_parent)


@contextmanager
def _worker_processes(writer):
    """Tie the worker processes a parallel writer forks to this process's life."""
    global _forking_workers
    parallel = isinstance(writer, MpWriter)
    _forking_workers = parallel
    try:
        yield
    except BaseException:
        if parallel:
            # Whoosh's cancel() cannot reach its workers, and the feeder threads
            # of its queues would keep the interpreter waiting at exit.
            for task in writer.tasks:
                task.terminate()
            writer.jobqueue.cancel_join_thread()
            writer.resultqueue.cancel_join_thread()
        raise
    finally:
        _forking_workers = False


@contextmanager
def _writing(path: Path):
    """Hold the index's update lock, waiting up to LOCK_TIMEOUT_SECONDS for it."""
    lock = FileStorage(str(path)).lock(LOCK_FILE)
    if not try_for(lock.acquire, timeout=LOCK_TIMEOUT_SECONDS, delay=0.2):
        raise _locked(path)
    try:
        yield
    finally:
        lock.release()


def _locked(path: Path) -> SearchidxError:
    return IndexLocked(
        f"another searchidx process is writing to {path}; wait for it to finish and run again"
    )


def _swap_dirs(fresh: Path, target: Path) -> None:
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(fresh, target)
    shutil.rmtree(old, ignore_errors=True)
