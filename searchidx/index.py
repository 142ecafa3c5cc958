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
  record, so one delete removes a file's whole contribution; stored, with the
  ``root`` (the folder or file given to ``update``) it was found under, so a
  hit says exactly which file it is from;
* file records (``kind`` = ``file``) hold content hash, size and mtime, so
  updating re-reads only files that changed. They live inside the Whoosh index
  and so commit atomically with the paragraphs they describe.

``searchidx.json`` beside Whoosh's files records the format version, the
analyzer and timestamps; an index from another version is refused with a
message that says how to rebuild. It is also the marker by which searchidx
knows its own folders (see ``folders.py``): it writes only into new, empty or
marked folders and removes only marked folders that hold nothing else.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import os
import signal
import stat as stat_module
import struct
import sys
import time
import uuid
import zlib
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter
from whoosh.reading import CorruptIndexError, SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import MERGE_SMALL, OPTIMIZE, LockError

from . import __version__
from .analysis import term_analyzer
from .documents import (
    Document,
    Paragraph,
    codec_name,
    find_files,
    is_indexable,
    read_documents,
    too_large,
)
from .errors import (
    DocumentError,
    IncompatibleIndex,
    IndexChanged,
    IndexCorrupt,
    IndexExists,
    IndexLocked,
    IndexNotFound,
    NotARoot,
    NothingToIndex,
    SearchidxError,
)
from .folders import (
    LOCK_FILE,
    MARKER,
    check_index_folder,
    is_index_folder,
    new_rebuild_folder,
    prepare_index_folder,
    read_marker,
    remove_leftovers,
    swap_index_folders,
    write_marker,
)
from .readers import ReaderOptions
from .sidefiles import missing_side_files, write_missing_side_files

if TYPE_CHECKING:
    from .search.rank_arrays import ArraySearcher
    from .search.results import FileResults, SearchResults

# 2: paragraphs store their file's path and root; titles have positions.
FORMAT_VERSION = 2
ANALYZER = "arabic-fold-3"
META_FILE = MARKER
ENV_INDEX = "SEARCHIDX_INDEX"
# How long a second writer waits for the first before giving up.
LOCK_TIMEOUT_SECONDS = 10.0
# Below this much new text, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# A segment is rewritten without its deleted entries once they are more than
# this share of it (see README, Indexing, for what that costs).
MERGE_DELETED_SHARE = 0.25
WRITER_PROCESSES = 2


def default_index_dir() -> Path:
    """Where the index lives: ``$SEARCHIDX_INDEX``, else ``$XDG_DATA_HOME/searchidx/index``."""
    configured = os.environ.get(ENV_INDEX)
    if configured:
        return Path(configured)
    data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(data_home) / "searchidx" / "index"


def make_schema() -> Schema:
    return Schema(
        terms=TEXT(analyzer=term_analyzer(), phrase=True),
        title=TEXT(analyzer=term_analyzer(), phrase=True, stored=True),
        text=STORED(),
        doc=ID(stored=True),
        paragraph=STORED(),
        locator=STORED(),
        source=ID(stored=True),
        root=STORED(),
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
    # How the file's text was decoded ("utf-8", "cp1256"...); "" for DOCX and EPUB.
    encoding: str = ""


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
    # Files over ReaderOptions.max_file_bytes, not read.
    too_large: list[FileNote] = field(default_factory=list)
    # Hidden files and folders left out (ReaderOptions.hidden): folders, and
    # files of a format searchidx reads.
    hidden: list[str] = field(default_factory=list)
    # Roots that vanished (deleted or moved) and were dropped, with a note each.
    forgotten: list[FileNote] = field(default_factory=list)
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
    # Paragraphs and file records deleted by updates but still on disk until
    # their segment is merged, and the number of segments.
    deleted: int
    segments: int
    # Searches run on arrays when every segment has its side file (see sidefiles.py).
    side_files: int


class IndexMeta(TypedDict):
    """What ``searchidx.json`` holds."""

    format: int
    analyzer: str
    version: str
    created: str
    updated: str
    # New with each rebuild: tells a reader that the folder holds another index.
    build: str


ProgressCallback = Callable[[int, int, str], None]
PathArg = str | os.PathLike[str]
# What update() and rebuild() index: one file or folder, or several.
Paths = PathArg | Iterable[PathArg]


class Index:
    """A searchidx index on disk.

    >>> with Index.create("/tmp/idx") as index:       # doctest: +SKIP
    ...     index.update(["index_data"])
    ...     hits = index.search("الخلايا النائمة")
    """

    def __init__(self, path: Path, whoosh: whoosh_index.Index, meta: IndexMeta) -> None:
        self.path = path
        self._whoosh = whoosh
        self._meta = meta
        self._reader = None  # kept between searches, reopened after a commit
        self._arrays = None  # the side files of the reader's segments, when all have one
        # False answers every search with Whoosh's matchers, the reference.
        self.array_search = True

    # Opening and creating

    @classmethod
    def create(cls, path: PathArg, exist_ok: bool = False) -> Index:
        """Create an empty index at ``path``: a new or empty folder.

        A folder holding anything else is refused with
        :class:`~searchidx.errors.UnsafeFolder` and left as it was; an index
        already there raises :class:`~searchidx.errors.IndexExists`, or is
        opened with ``exist_ok=True``.
        """
        path = Path(path)
        if prepare_index_folder(path) and _has_index(path) and not exist_ok:
            raise IndexExists(
                f"there is already an index at {path}; update it with "
                f"`searchidx index --index {path} PATH`"
            )
        with _writing(path):
            # Another process may have created it while this one waited.
            if not _has_index(path):
                # The marker first: from here on the folder is known to be searchidx's.
                write_marker(path, _new_meta())
                whoosh_index.create_in(str(path), make_schema())
        return cls.open(path)

    @classmethod
    def open(cls, path: PathArg) -> Index:
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
            self._arrays = None
            self._arrays = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Reading

    def file_records(self) -> dict[str, FileRecord]:
        """Every indexed file, by absolute path."""
        try:
            with self._whoosh.searcher() as searcher:
                return {
                    fields["record"]["path"]: FileRecord(**fields["record"])
                    for fields in searcher.documents(kind="file")
                }
        except _DAMAGE as error:
            raise _corrupt(self.path, error) from None

    def info(self) -> IndexInfo:
        self._follow_writers()
        records = self.file_records()
        size = sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())
        with self._whoosh.reader() as reader:
            deleted = reader.doc_count_all() - reader.doc_count()
            segments = len(reader.leaf_readers())
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
            deleted=deleted,
            segments=segments,
            side_files=segments - len(missing_side_files(self.path, self._whoosh)),
        )

    def search(
        self,
        query: str,
        limit: int = 10,
        match_any: bool = False,
        offset: int = 0,
        context: int = 0,
    ) -> SearchResults:
        """Search paragraphs: the best ``limit`` hits, and how many matched in all.

        All words must match, or any of them with ``match_any``; see the query
        language in :func:`searchidx.search.query.parse_query`. ``offset`` skips that
        many of the best hits (pages follow on: offset 0 limit 5 then offset 5
        limit 5 are limit 10); ``context`` adds to each hit up to that many
        paragraphs of its file before and after it. A malformed query, a
        ``limit`` below 1 or a negative ``offset`` or ``context`` raises
        :class:`searchidx.QueryError`.

        Each search sees the latest committed index, also after another
        process updated or rebuilt it.
        """
        from .search import run_search

        return self._searching(
            run_search, query, limit=limit, match_any=match_any, offset=offset, context=context
        )

    def search_files(
        self, query: str, limit: int = 10, match_any: bool = False, offset: int = 0
    ) -> FileResults:
        """The files with paragraphs matching ``query``, like ``rg -c``: each once,
        with its count of matching paragraphs and its best paragraph's score,
        best first. ``total`` counts the files and ``paragraphs`` the paragraphs;
        ``limit`` and ``offset`` page through the files as :meth:`search` does
        through paragraphs.
        """
        from .search import run_file_search

        return self._searching(
            run_file_search, query, limit=limit, match_any=match_any, offset=offset
        )

    def _searching(self, run, query: str, **options):
        """``run`` on the latest committed index, once more afresh if it changed meanwhile."""
        for attempt in range(2):
            try:
                self._follow_writers()
                arrays = self._array_searcher() if self.array_search else None
                return run(self._whoosh, self._reader, query, arrays=arrays, **options)
            except SearchidxError:
                raise
            except Exception as error:  # Whoosh fails in assorted ways when files change under it
                if attempt and isinstance(error, CorruptIndexError):
                    raise _corrupt(self.path, error) from None
                if attempt:
                    raise IndexChanged(
                        f"the index at {self.path} changed while it was being read "
                        f"({type(error).__name__}); search again"
                    ) from None
                # A writer committed or swapped the folder during this search: once more, afresh.
                self._reopen()

    def _follow_writers(self) -> None:
        """Reopen after a rebuild (a new build id), take a new reader after a commit."""
        marker = read_marker(self.path)
        if marker is not None and marker.get("build") != self._meta.get("build"):
            self._reopen()
        if self._reader is None or self._reader.generation() != self._whoosh.latest_generation():
            self._drop_reader()
            self._reader = self._whoosh.reader()

    def _reopen(self) -> None:
        self.close()
        reopened = Index.open(self.path)
        self._whoosh, self._meta = reopened._whoosh, reopened._meta

    def _array_searcher(self) -> ArraySearcher | None:
        """The array searcher over the current reader, or None while a segment lacks a side file."""
        from .search.rank_arrays import ArraySearcher

        if self._arrays is None:
            self._arrays = ArraySearcher.open(self.path, self._reader) or False
        return self._arrays or None

    @property
    def generation(self) -> int:
        """A number that changes whenever an update is committed to the index."""
        return self._whoosh.latest_generation()

    def document(self, path: str) -> Document | None:
        """The indexed file at ``path`` (absolute, as indexed) with its paragraphs in
        file order, read from the index; None if the index holds no such file."""
        record = self.file_records().get(path)
        if record is None:
            return None
        with self._whoosh.searcher() as searcher:
            stored = [
                fields for fields in searcher.documents(source=path) if "record" not in fields
            ]
        paragraphs = [
            Paragraph(fields["paragraph"], fields["text"], fields.get("locator", ""))
            for fields in stored
        ]
        title = stored[0].get("title", "") if stored else ""
        return Document(Path(path), record.doc, title, paragraphs)

    # Writing

    def update(
        self,
        paths: Paths | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
        optimize: bool = False,
    ) -> IndexReport:
        """Bring the index up to date with ``paths``: a file or folder, or a list of them.

        New files are added, changed ones re-indexed, files deleted from under
        ``paths`` dropped. Without ``paths``, the roots (folders and files)
        already indexed are refreshed, and a root that no longer exists is
        dropped with a note in the report. Nothing is written when nothing
        changed. ``options`` set the encoding, the record fields of JSON and
        CSV files, and extra file patterns, for the files this run reads: new,
        changed or earlier skipped ones. Files already indexed are kept as
        they are; :meth:`rebuild` re-reads everything. ``optimize`` merges the
        whole index into one segment, dropping every deleted paragraph (see
        :func:`_commit`). Which files belong is decided by this run's
        ``include``, ``hidden`` and ``max_file_bytes``: files they leave out are
        dropped from the index, and counted in the report (``ignored``,
        ``hidden``, ``too_large``).
        """
        from .readers import ReaderOptions

        options = options or ReaderOptions()
        started = time.perf_counter()
        with _writing(self.path):
            remove_leftovers(self.path)
            records = self.file_records()
            report = IndexReport()
            roots, vanished = _resolve_roots(self.path, paths, records)
            plan = _plan(roots, records, options, report)
            for root in vanished:
                dropped = _records_under(root, records)
                plan.removed.extend(dropped)
                report.forgotten.append(
                    FileNote(str(root), f"no longer exists; dropped its {_files(len(dropped))}")
                )
            if plan.work or plan.removed or optimize:
                parallel = plan.bytes_to_read >= PARALLEL_MIN_BYTES
                writer = self._writer(parallel)
                with _worker_processes(writer):
                    try:
                        self._write(writer, plan, records, options, progress, report)
                    except BaseException:
                        writer.cancel()
                        raise
                    _commit(writer, optimize)
                self._touch_meta()
            self._write_side_files(report)
        report.seconds = time.perf_counter() - started
        return report

    def rebuild(
        self,
        paths: Paths | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
    ) -> IndexReport:
        """Index ``paths`` (default: the indexed folders) from empty, keeping
        the old index until the new one is complete; see :func:`rebuild_index`."""
        if not paths:
            paths = _known_roots(self.file_records())
        self.close()
        try:
            return rebuild_index(self.path, paths, options, progress)
        finally:
            self._reopen()

    def forget(self, root: PathArg) -> IndexReport:
        """Drop a root (a folder or file given to :meth:`update`) and every file found under it."""
        started = time.perf_counter()
        key = Path(os.path.abspath(root))
        with _writing(self.path):
            records = self.file_records()
            roots = _known_roots(records)
            if str(key) not in roots:
                listed = ", ".join(roots) or "none"
                raise NotARoot(
                    f"{root} is not a root of the index at {self.path}; its roots: {listed}"
                )
            report = IndexReport()
            writer = self._writer(parallel=False)
            for path in _records_under(key, records):
                writer.delete_by_term("source", path)
                report.removed += 1
            _commit(writer)
            self._touch_meta()
            self._write_side_files(report)
        report.seconds = time.perf_counter() - started
        return report

    def _write_side_files(self, report: IndexReport) -> None:
        """Give every segment its side file (see sidefiles.py); call with the lock held."""
        try:
            write_missing_side_files(self.path, self._whoosh)
        except OSError as error:
            # The update is committed; without side files searches are slower, not wrong.
            reason = f"cannot write the search side files ({error.strerror or error})"
            report.warnings.append(FileNote(str(self.path), reason + "; searches will be slower"))

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
            self._write_file(writer, path, root, doc_id, stat, digest, records, options, report)
            if progress:
                progress(done, total, doc_id)

    def _write_file(self, writer, path, root, doc_id, stat, digest, records, options, report):
        old = records.get(str(path))
        try:
            documents = read_documents(path, doc_id, options)
        except DocumentError as error:
            if old and old.sha256 == digest:
                # Re-read only for another encoding, which failed: keep what was indexed.
                note = f"{error}; kept as indexed before ({old.encoding})"
                report.skipped.append(FileNote(str(path), note))
                report.unchanged += 1
                return
            report.skipped.append(FileNote(str(path), str(error)))
            if old:
                writer.delete_by_term("source", str(path))
                report.removed += 1
            return
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
            encoding=documents[0].encoding,
        )
        _add_file(writer, documents, record)
        report.paragraphs += record.paragraphs

    def _touch_meta(self) -> None:
        self._meta["updated"] = _now()
        self._meta["version"] = __version__
        write_marker(self.path, self._meta)


# What Whoosh raises on files it cannot read: damaged on disk, not a bug of ours.
_DAMAGE = (CorruptIndexError, EOFError, OSError, struct.error, zlib.error)


def _corrupt(path: Path, error: Exception) -> IndexCorrupt:
    return IndexCorrupt(
        f"the index at {path} is damaged ({type(error).__name__}); rebuild it with "
        f"`searchidx index --rebuild --index {path} PATH`"
    )


def _commit(writer, optimize: bool = False) -> None:
    """Commit a writer's work: the one place where an update becomes visible.

    Whoosh merges small segments; besides, each segment more than
    MERGE_DELETED_SHARE of whose entries are deleted is rewritten without
    them, so deleted paragraphs do not pile up; ``optimize`` merges everything.
    """
    writer.commit(mergetype=OPTIMIZE if optimize else _merge_worn_segments)


def _merge_worn_segments(writer, segments):
    """Whoosh's merge policy: rewrite the worn segments, then merge the small ones."""
    kept = []
    for segment in segments:
        if segment.deleted_count() > segment.doc_count_all() * MERGE_DELETED_SHARE:
            # Copies only the segment's live entries into the new segment.
            reader = SegmentReader(writer.storage, writer.schema, segment)
            writer.add_reader(reader)
            reader.close()
        else:
            kept.append(segment)
    return MERGE_SMALL(writer, kept)


def rebuild_index(
    path: PathArg,
    paths: Paths | None = None,
    options: ReaderOptions | None = None,
    progress: ProgressCallback | None = None,
) -> IndexReport:
    """Index ``paths`` from empty into a new folder beside ``path``, then swap it in.

    The old index stays searchable until the new one is complete; it need not
    be readable by this version (that is how an index of an older format is
    rebuilt). Without ``paths``, the folders the old index holds are rebuilt.
    """
    path = Path(path)
    if not prepare_index_folder(path):
        with Index.create(path, exist_ok=True) as index:
            return index.update(paths, options, progress)
    # Refuse before the work, not after it: the old index is swapped out at the end.
    check_index_folder(path)
    # Hold the old index's lock so no other writer updates it meanwhile.
    with _writing(path):
        paths = paths or _roots_of_index_at(path)
        remove_leftovers(path)
        fresh_path = new_rebuild_folder(path)
        try:
            with Index.create(fresh_path) as fresh:
                report = fresh.update(paths, options, progress)
            swap_index_folders(fresh_path, path)
        except BaseException:
            remove_leftovers(path)
            raise
    return report


def _roots_of_index_at(path: Path) -> list[str]:
    """The roots of the index at ``path`` that still exist, to rebuild it from them."""
    try:
        with Index.open(path) as old:
            roots = [root for root in _known_roots(old.file_records()) if Path(root).exists()]
    except (IncompatibleIndex, IndexCorrupt, IndexNotFound):
        roots = []
    if not roots:
        raise NothingToIndex(
            f"found no folders to rebuild the index at {path} from; name them: "
            f"`searchidx index --rebuild --index {path} PATH`"
        )
    return roots


def _known_roots(records: dict[str, FileRecord]) -> list[str]:
    return sorted({record.root for record in records.values()})


def _add_file(writer, documents: list[Document], record: FileRecord) -> None:
    source = record.path
    writer.add_document(kind="file", source=source, record=record.__dict__)
    for document in documents:
        _add_paragraphs(writer, document, record)


def _add_paragraphs(writer, document: Document, record: FileRecord) -> None:
    for paragraph in document.paragraphs:
        writer.add_document(
            source=record.path,
            root=record.root,
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
    forced = codec_name(options.encoding) if options.encoding else ""
    for root in roots:
        base = root if root.is_dir() else root.parent
        if root.is_dir() and is_index_folder(root):
            report.skipped.append(FileNote(str(root), "a searchidx index folder, not documents"))
            continue
        hidden: list[Path] = []
        for path in find_files(root, options.hidden, hidden):
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
            if stat.st_size > options.max_file_bytes:
                report.too_large.append(
                    FileNote(key, too_large(stat.st_size, options.max_file_bytes))
                )
                if key in records:
                    plan.removed.append(key)
                continue
            old = records.get(key)
            # A file decoded otherwise than a forced encoding says is read again.
            decoded_otherwise = bool(old and old.encoding and forced and old.encoding != forced)
            untouched = old and old.size == stat.st_size and old.mtime == stat.st_mtime
            if untouched and not decoded_otherwise:
                report.unchanged += 1
                continue
            digest = _file_digest(path)
            if old and digest == old.sha256 and not decoded_otherwise:
                report.unchanged += 1
                continue
            doc_id = path.relative_to(base).as_posix()
            plan.work.append((path, root, doc_id, stat, digest))
            plan.bytes_to_read += stat.st_size
        report.hidden += [
            str(path) for path in hidden if path.is_dir() or is_indexable(path, options)
        ]
        plan.removed.extend(key for key in _records_under(root, records) if key not in seen)
    return plan


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


def _records_under(root: Path, records: dict[str, FileRecord]) -> list[str]:
    """The indexed files found under ``root``: the root itself, or files in its folder."""
    folder = str(root).rstrip(os.sep) + os.sep
    return [key for key in records if key == str(root) or key.startswith(folder)]


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
    index_path: Path, paths: Paths | None, records: dict[str, FileRecord]
) -> tuple[list[Path], list[Path]]:
    """The roots to index, and the indexed roots that vanished (only when refreshing)."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    if paths is not None:
        paths = [os.fsdecode(path) for path in paths]
        if not paths:
            raise NothingToIndex("no files or folders were given to index")
        for path in paths:
            if not path:
                raise DocumentError("an empty path names no file or folder")
            if not os.path.exists(path):
                raise DocumentError(f"{path}: no such file or folder")
        return [Path(os.path.abspath(path)) for path in paths], []
    known = [Path(root) for root in _known_roots(records)]
    if not known:
        raise NothingToIndex(
            f"the index at {index_path} holds no folders yet; name the folders or files "
            f"to index: `searchidx index --index {index_path} PATH`"
        )
    return [root for root in known if root.exists()], [root for root in known if not root.exists()]


def _has_index(path: Path) -> bool:
    return read_marker(path) is not None and whoosh_index.exists_in(str(path))


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _new_meta() -> IndexMeta:
    now = _now()
    return {
        "format": FORMAT_VERSION,
        "analyzer": ANALYZER,
        "version": __version__,
        "created": now,
        "updated": now,
        # Tells a reader that the folder now holds another index (a rebuild).
        "build": uuid.uuid4().hex,
    }


def _read_meta(path: Path) -> IndexMeta:
    meta = read_marker(path)
    if meta is None:
        raise IndexCorrupt(f"cannot read {path / META_FILE}; rebuild the index")
    return cast(IndexMeta, meta)


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
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        lock = FileStorage(str(path)).lock(LOCK_FILE)
        if not try_for(lock.acquire, timeout=deadline - time.monotonic(), delay=0.2):
            raise _locked(path)
        if _holds_current_lock(lock, path):
            break
        # A rebuild swapped the folder while this process waited: the lock it
        # won belongs to the old index, so wait for the new one's.
        lock.release()
    try:
        yield
    finally:
        lock.release()


def _holds_current_lock(lock, path: Path) -> bool:
    try:
        return os.fstat(lock.fd).st_ino == os.stat(path / LOCK_FILE).st_ino
    except OSError:
        return False


def _locked(path: Path) -> SearchidxError:
    return IndexLocked(
        f"another searchidx process is writing to {path}; wait for it to finish and run again"
    )
