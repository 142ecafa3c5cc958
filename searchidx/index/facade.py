"""The index: a Whoosh index on disk with one document per paragraph.

:class:`Index` is what callers use: open or create, search, update, rebuild,
forget. What an index is on disk lives in ``store.py`` (schema, metadata,
lock), which files an update reads in ``plan.py``, how it writes them in
``writer.py``; ``folders.py`` is the only code that removes or swaps a folder.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from whoosh import index as whoosh_index
from whoosh.reading import CorruptIndexError

from ..errors import (
    CannotWrite,
    IncompatibleIndex,
    IndexChanged,
    IndexCorrupt,
    IndexExists,
    IndexNotFound,
    NotARoot,
    NothingToIndex,
    SearchidxError,
)
from ..sidefiles import missing_side_files, segment_readers, side_file_path
from ..text import RECORD_SUFFIXES
from .folders import (
    check_index_folder,
    check_index_target,
    lies_under,
    new_rebuild_folder,
    prepare_index_folder,
    read_marker,
    remove_leftovers,
    swap_index_folders,
)
from .store import (
    DAMAGE,
    FileRecord,
    IndexMeta,
    corrupt,
    create_store,
    has_index,
    open_store,
    rebuild_command,
    remember_options,
    remembered_options,
    touch_meta,
    writing,
)

# A search loads none of the writing side: the readers of every format, the
# update plan, the writer (with Whoosh's multiprocessing writer) and the reports
# are imported by the methods that write or report, and a one-off
# `searchidx search` starts faster.
if TYPE_CHECKING:
    from ..documents import Document
    from ..readers.base import ReaderOptions
    from ..search.rank_arrays import ArraySearcher
    from ..search.results import FileResults, SearchResults
    from .plan import PathArg, Paths
    from .report import FileNote, IndexInfo, IndexReport
    from .writer import ProgressCallback


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
        self._side_files_seen = ()  # what _side_files_state gave when _arrays was opened
        self._closed = False
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
        if prepare_index_folder(path) and has_index(path) and not exist_ok:
            raise IndexExists(
                f"there is already an index at {path}; open it with Index.open, "
                "or create it with exist_ok=True"
            )
        with writing(path):
            # Another process may have created it while this one waited.
            if not has_index(path):
                create_store(path)
        return cls.open(path)

    @classmethod
    def open(cls, path: PathArg) -> Index:
        """Open an existing index; raise :class:`IndexNotFound` if there is none."""
        path = Path(path)
        whoosh, meta = open_store(path)
        return cls(path, whoosh, meta)

    def close(self) -> None:
        """Let go of the index's files; every later call raises :class:`SearchidxError`."""
        self._drop_reader()
        self._whoosh.close()
        self._closed = True

    def _check_open(self) -> None:
        # Whoosh's index reads on after its close(): searches would quietly go on.
        if self._closed:
            raise SearchidxError(
                f"the index at {self.path} is closed; open it again with Index.open"
            )

    def _drop_reader(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None
            self._arrays = None

    def __enter__(self) -> Index:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Reading

    def file_records(self) -> dict[str, FileRecord]:
        """Every indexed file, by absolute path."""
        self._check_open()
        try:
            with self._whoosh.searcher() as searcher:
                return {
                    fields["record"]["path"]: FileRecord.stored(fields["record"])
                    for fields in searcher.documents(kind="file")
                }
        except DAMAGE as error:
            raise corrupt(self.path, error) from None

    def info(self) -> IndexInfo:
        from .report import IndexInfo

        self._follow_writers()
        records = self.file_records()
        size = sum(entry.stat().st_size for entry in self.path.iterdir() if entry.is_file())
        with self._whoosh.reader() as reader:
            deleted = reader.doc_count_all() - reader.doc_count()
            segments = len(reader.leaf_readers())
        missing = missing_side_files(self.path, self._whoosh)
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
            side_files=segments - len(missing),
            outdated_side_files=sum(side_file_path(self.path, s).exists() for s in missing),
            root_options=(read_marker(self.path) or self._meta).get("roots", {}),
        )

    def search(
        self,
        query: str,
        limit: int = 10,
        match_any: bool = False,
        offset: int = 0,
        context: int = 0,
        marks: Literal["rank", "strict"] = "rank",
    ) -> SearchResults:
        """Search paragraphs: the best ``limit`` hits, and how many matched in all.

        All words must match, or any of them with ``match_any``; see the query
        language in :func:`searchidx.search.query.parse_query`. ``offset`` skips that
        many of the best hits (pages follow on: offset 0 limit 5 then offset 5
        limit 5 are limit 10); ``context`` adds to each hit up to that many
        paragraphs of its file before and after it. A query word typed with
        diacritics («عِلْم») matches every spelling, paragraphs whose word has
        compatible diacritics first (``marks="rank"``), or only those
        (``marks="strict"``: «عِلْمٌ», «علم», not «عَلَمٌ»); see
        :func:`searchidx.arabic.marks_compatible`. A malformed query, a
        ``limit`` below 1, a negative ``offset`` or ``context`` or another
        ``marks`` raises :class:`searchidx.QueryError`.

        Each search sees the latest committed index, also after another
        process updated or rebuilt it.
        """
        from ..search.run import run_search

        return self._searching(
            run_search,
            query,
            limit=limit,
            match_any=match_any,
            offset=offset,
            context=context,
            marks=marks,
        )

    def search_files(
        self,
        query: str,
        limit: int = 10,
        match_any: bool = False,
        offset: int = 0,
        marks: Literal["rank", "strict"] = "rank",
    ) -> FileResults:
        """The files with paragraphs matching ``query``, like ``rg -c``: each once,
        with its count of matching paragraphs and its best paragraph's score,
        best first. ``total`` counts the files and ``paragraphs`` the paragraphs;
        ``limit`` and ``offset`` page through the files as :meth:`search` does
        through paragraphs, and ``marks`` chooses what diacritics do as there.
        When fewer than 3 paragraphs match, ``suggestions`` holds corrected
        queries, as :meth:`search`'s results do.
        """
        from ..search.run import run_file_search

        return self._searching(
            run_file_search, query, limit=limit, match_any=match_any, offset=offset, marks=marks
        )

    def _searching(self, run, query: str, **options):
        """``run`` on the latest committed index, once more afresh if it changed meanwhile."""
        arrays, retried_on = None, None
        for attempt in range(2):
            try:
                self._follow_writers()
                arrays = self._array_searcher() if self.array_search else None
                return run(self._whoosh, self._reader, query, arrays=arrays, **options)
            except SearchidxError:
                raise
            except Exception as error:  # Whoosh fails in assorted ways when files change under it
                if attempt and isinstance(error, CorruptIndexError):
                    raise corrupt(self.path, error) from None
                if attempt and arrays is not None and self._whoosh_answers(run, query, options):
                    # Twice the same failure, which Whoosh's matchers do not share: a side
                    # file damaged in place (its header intact), not a writer's change.
                    raise corrupt(self.path, error) from None
                if attempt and self._version() == retried_on:
                    # No writer touched the index while it failed again: damage, or a
                    # fault of searchidx's own, which "search again" would hide.
                    if isinstance(error, DAMAGE):
                        raise corrupt(self.path, error) from None
                    raise
                if attempt:
                    raise IndexChanged(
                        f"the index at {self.path} changed while it was being read "
                        f"({type(error).__name__}); search again"
                    ) from None
                # A writer committed or swapped the folder during this search: once more, afresh.
                self._reopen()
                retried_on = self._version()

    def _version(self) -> tuple:
        """What a writer changes: the build (a rebuild) and the generation (a commit)."""
        marker = read_marker(self.path) or {}
        return (marker.get("build"), self._whoosh.latest_generation())

    def _whoosh_answers(self, run, query: str, options: dict) -> bool:
        """Whether ``run`` succeeds on Whoosh's matchers alone, without the side files."""
        try:
            run(self._whoosh, self._reader, query, arrays=None, **options)
        except Exception:  # any failure of Whoosh's own: the side files are not to blame
            return False
        return True

    def _follow_writers(self) -> None:
        """Reopen after a rebuild (a new build id), take a new reader after a commit."""
        self._check_open()
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
        self._closed = False

    @property
    def searches_side_files(self) -> bool:
        """Whether searches run on the side files' arrays: every segment has a usable
        side file. If not, they run on Whoosh's matchers (the same results, slower)
        until ``searchidx index`` (:meth:`update`) rewrites the missing ones."""
        self._follow_writers()
        return self._array_searcher() is not None or not segment_readers(self._reader)

    def _array_searcher(self) -> ArraySearcher | None:
        """The array searcher over the current reader, or None while a segment lacks a side file."""
        from ..search.rank_arrays import ArraySearcher

        if self._arrays is False and self._side_files_state() != self._side_files_seen:
            # `searchidx index` rewrote outdated side files, which commits nothing: try them.
            self._arrays = None
        if self._arrays is None:
            self._side_files_seen = self._side_files_state()
            self._arrays = ArraySearcher.open(self.path, self._reader) or False
        return self._arrays or None

    def _side_files_state(self) -> tuple[tuple[int, int] | None, ...]:
        """The side files of the reader's segments as the file system has them
        (inode and time, changed by a rewrite's rename), or None for a missing one."""
        state = []
        for leaf, _ in segment_readers(self._reader):
            try:
                found = side_file_path(self.path, leaf.segment().segment_id()).stat()
            except OSError:
                state.append(None)
            else:
                state.append((found.st_ino, found.st_mtime_ns))
        return tuple(state)

    @property
    def generation(self) -> int:
        """A number that changes whenever an update is committed to the index."""
        self._check_open()
        return self._whoosh.latest_generation()

    def document(self, path: str) -> Document | None:
        """The indexed file at ``path`` (absolute, as indexed) with its paragraphs in
        file order, read from the index; None if the index holds no such file."""
        from ..documents import Document, Paragraph

        record = self.file_records().get(path)
        if record is None:
            return None
        with self._whoosh.searcher() as searcher:
            stored = [
                fields for fields in searcher.documents(source=path) if "record" not in fields
            ]
        paragraphs = [
            Paragraph(
                fields["paragraph"],
                fields["text"],
                fields.get("locator", ""),
                fields.get("title", ""),
            )
            for fields in stored
        ]
        title = stored[0].get("title", "") if stored else ""
        if Path(path).suffix.lower() in RECORD_SUFFIXES:
            title = Path(path).name  # each record has a title of its own; the file has its name
        return Document(Path(path), record.doc, title, paragraphs)

    # Writing

    def update(
        self,
        paths: Paths | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
        optimize: bool = False,
        encoding: str | None = None,
    ) -> IndexReport:
        """Bring the index up to date with ``paths``: a file or folder, or a list of them.

        New files are added, changed ones re-indexed, files deleted from under
        ``paths`` dropped. Without ``paths``, the roots (folders and files)
        already indexed are refreshed, and a root that no longer exists is
        dropped with a note in the report. Nothing is written when nothing
        changed. ``options`` set the record fields of JSON and CSV files, extra
        file patterns, hidden files and the largest file, for the roots of this
        run, and the index remembers them for each: without ``options``, each
        root is read as it was last (by default, a root new to the index); a
        root's files of records are read again when their fields change.
        ``encoding`` (or ``options.encoding``) reads this run's text files in that
        encoding instead of detecting it, and is not remembered. Files already
        indexed are otherwise kept as they are; :meth:`rebuild` re-reads everything.
        ``optimize`` merges the whole index into one segment, dropping every
        deleted paragraph (see ``_commit`` in ``writer.py``). Files a root's
        ``include``, ``hidden`` and ``max_file_bytes`` leave out are dropped from
        the index, and counted in the report (``ignored``, ``hidden``, ``too_large``).
        """
        from ..readers.base import check_encoding
        from .plan import (
            drop_vanished,
            note_emptied_roots,
            note_roots_not_made,
            plan_changes,
            reading_options,
            resolve_roots,
            roots_after,
        )
        from .report import IndexReport
        from .writer import WriteRun, write_changes, write_side_files

        self._check_open()
        if encoding:
            check_encoding(encoding)
        started = time.perf_counter()
        with writing(self.path):
            remove_leftovers(self.path)
            records = self.file_records()
            report = IndexReport()
            roots, vanished = resolve_roots(self.path, paths, records)
            # As on disk, not as opened: another process may have updated it since.
            meta = read_marker(self.path) or self._meta
            remembered = remembered_options(meta)
            named, reading = reading_options(roots, records, remembered, options, encoding)
            plan = plan_changes(reading, records, report)
            drop_vanished(plan, vanished, records, report)
            after = roots_after(plan, records)
            note_emptied_roots(after, vanished, records, report)
            note_roots_not_made(named, after, records, report)
            options_changed = remember_options(meta, named, after)
            writes = bool(plan.work or plan.removed or plan.moved or optimize)
            if writes:
                run = WriteRun(records, report, progress)
                write_changes(self._whoosh, self.path, plan, run, optimize)
            if writes or options_changed:
                touch_meta(self.path, meta)
                self._meta = meta
            write_side_files(self.path, self._whoosh, report)
        report.seconds = time.perf_counter() - started
        return report

    def rebuild(
        self,
        paths: Paths | None = None,
        options: ReaderOptions | None = None,
        progress: ProgressCallback | None = None,
        encoding: str | None = None,
    ) -> IndexReport:
        """Index ``paths`` (default: the indexed folders) from empty, keeping
        the old index until the new one is complete, and keeping it when nothing
        could be indexed; see :func:`rebuild_index`."""
        from .plan import known_roots

        self._check_open()
        if not paths:
            paths = known_roots(self.file_records())
        self.close()
        try:
            return rebuild_index(self.path, paths, options, progress, encoding)
        finally:
            self._reopen()

    def forget(self, root: PathArg) -> IndexReport:
        """Drop a root (a folder or file given to :meth:`update`) and every file
        under it that no other root holds.

        A file that another root holds stays searchable under the innermost such
        root, with that root's ``doc`` (forgetting ``archive/hadith`` while
        ``archive`` is a root keeps ``archive/hadith/a.txt`` as ``hadith/a.txt``);
        ``report.kept`` counts those files by that root. Its paragraphs are written
        again as the index holds them, in the same commit as the drops.
        """
        from .plan import known_roots, plan_forget, roots_after
        from .report import IndexReport
        from .writer import WriteRun, write_changes, write_side_files

        self._check_open()
        started = time.perf_counter()
        key = Path(os.path.abspath(root))
        with writing(self.path):
            records = self.file_records()
            roots = known_roots(records)
            if str(key) not in roots:
                listed = ", ".join(roots) or "none"
                raise NotARoot(
                    f"{root} is not a root of the index at {self.path}; its roots: {listed}"
                )
            report = IndexReport()
            plan = plan_forget(key, records, report)
            write_changes(self._whoosh, self.path, plan, WriteRun(records, report))
            meta = read_marker(self.path) or self._meta
            remember_options(meta, {}, roots_after(plan, records))
            touch_meta(self.path, meta)
            self._meta = meta
            write_side_files(self.path, self._whoosh, report)
        report.seconds = time.perf_counter() - started
        return report


def rebuild_index(
    path: PathArg,
    paths: Paths | None = None,
    options: ReaderOptions | None = None,
    progress: ProgressCallback | None = None,
    encoding: str | None = None,
) -> IndexReport:
    """Index ``paths`` from empty into a new folder beside ``path``, then swap it in.

    The old index stays searchable until the new one is complete; it need not
    be readable by this version (that is how an index of an older format is
    rebuilt). Without ``paths``, the folders the old index holds are rebuilt.
    Where nothing could be indexed (``report.nothing_changed``), or the build
    fails or is interrupted, the old index is kept as it was and the new
    folder removed; a failure to write raises :class:`CannotWrite` naming the
    index at ``path``, not the folder beside it.
    """
    from .plan import named_rebuild

    path = Path(path)
    if not paths and not check_index_target(path):
        # Refused before a folder is made: a refused command leaves no empty index;
        # a folder of other files is refused for what it is.
        raise NothingToIndex(
            f"there is no index at {path} yet; name the folders or files to index: "
            f"`searchidx index --index {path} PATH`"
        )
    if not prepare_index_folder(path):
        with Index.create(path, exist_ok=True) as index:
            return index.update(paths, options, progress, encoding=encoding)
    # Refuse before the work, not after it: the old index is swapped out at the end.
    check_index_folder(path)
    # Hold the old index's lock so no other writer updates it meanwhile.
    with writing(path):
        records = _records_of_index_at(path)
        if paths:
            paths, gone = named_rebuild(paths, records)
        else:
            paths, gone = _roots_to_rebuild(path, records)
        remove_leftovers(path)
        fresh_path = new_rebuild_folder(path)
        try:
            with Index.create(fresh_path) as fresh:
                _carry_options(path, fresh_path, paths)
                report = fresh.update(paths, options, progress, encoding=encoding)
            report.forgotten[:0] = gone
            if not report.nothing_changed:
                swap_index_folders(fresh_path, path)
        except CannotWrite as error:
            raise CannotWrite(
                f"cannot rebuild the index at {path}: {error.reason}; free some space (or "
                "make the folder writable) and run the command again: the index is as it was",
                error.reason,
            ) from None
        finally:
            # The new folder, unless it took the old one's place: searchidx's own.
            remove_leftovers(path)
    for note in report.warnings:
        if note.path == str(fresh_path):  # the side files' warning: where the index now is
            note.path = str(path)
    return report


def _carry_options(old: Path, fresh: Path, paths: Paths) -> None:
    """Give the index at ``fresh`` what the one at ``old`` remembers of how each root
    under ``paths`` was read: a rebuild reads them so, where it is given no options."""
    from .plan import path_list

    named = [os.path.abspath(path) for path in path_list(paths)]
    remembered = {
        root: given
        for root, given in (read_marker(old) or {}).get("roots", {}).items()
        if any(lies_under(root, folder) for folder in named)
    }
    if remembered:
        meta = read_marker(fresh) or {}
        meta["roots"] = remembered
        touch_meta(fresh, meta)


def _records_of_index_at(path: Path) -> dict[str, FileRecord]:
    """The file records of the index at ``path``, as any analyzer left them (an index
    of an earlier one is rebuilt from its own folders); none if it cannot be read."""
    try:
        with Index(path, *open_store(path, any_analyzer=True)) as old:
            return old.file_records()
    except (IncompatibleIndex, IndexCorrupt, IndexNotFound):
        return {}


def _roots_to_rebuild(
    path: Path, records: dict[str, FileRecord]
) -> tuple[list[str], list[FileNote]]:
    """The roots of the index at ``path`` that still exist, to rebuild it from them,
    and a note on each that does not (a folder moved, a disk not mounted): its
    files are dropped, as a refresh drops them, and the rebuild says so."""
    from .plan import known_roots, vanished_note

    roots, gone = [], []
    for root in known_roots(records):
        if Path(root).exists():
            roots.append(root)
        else:
            gone.append(vanished_note(root, records))
    if not roots:
        raise NothingToIndex(
            f"found no folders to rebuild the index at {path} from; name them: "
            f"{rebuild_command(path)}"
        )
    return roots, gone
