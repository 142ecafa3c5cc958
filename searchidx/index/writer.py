"""Writing a plan into the index: reading files, forked workers, commit, side files.

Whoosh's multiprocess writer forks worker processes. Left alone, a Ctrl-C
prints a traceback from each of them, and a parent killed with SIGKILL leaves
them waiting forever, holding the index's lock. So while indexing in
parallel, every forked worker ignores SIGINT (the parent cancels) and is
killed when its parent dies; that needs Linux's prctl, so elsewhere
searchidx indexes in one process.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from itertools import islice
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.multiproc import MpWriter
from whoosh.reading import SegmentReader
from whoosh.util.filelock import try_for
from whoosh.writing import MERGE_SMALL, OPTIMIZE, PostingPool, SegmentWriter

from ..documents import Document, read_documents
from ..errors import DocumentError
from ..sidefiles import write_missing_side_files
from ..text import RECORD_SUFFIXES
from .folders import put_index_file
from .plan import FileToMove, FileToRead, Plan
from .report import FileNote, IndexReport
from .store import LOCK_TIMEOUT_SECONDS, FileRecord, cannot_write, locked

# Below this much new text, starting worker processes costs more than it saves.
PARALLEL_MIN_BYTES = 4 * 1024 * 1024
# A segment is rewritten without its deleted entries once they are more than
# this share of it (see README, Indexing, for what that costs).
MERGE_DELETED_SHARE = 0.25
WRITER_PROCESSES = 2
# Megabytes of postings Whoosh's pool sorts in memory before spilling a run to disk.
POOL_LIMIT_MB = 96
# Postings pickled together when Whoosh's pool spills a sorted run to disk.
RUN_BATCH = 4096

ProgressCallback = Callable[[int, int, str], None]


@dataclass
class WriteRun:
    """What writing a plan needs besides the plan itself."""

    # What the index held before this run, by path: tells a changed file from a new one.
    records: dict[str, FileRecord]
    report: IndexReport
    progress: ProgressCallback | None = None


def write_changes(
    whoosh: whoosh_index.Index, path: Path, plan: Plan, run: WriteRun, optimize: bool = False
) -> None:
    """Write ``plan`` and commit it, or cancel everything if anything fails or is interrupted."""
    writer = _open_writer(whoosh, path, parallel=plan.bytes_to_read >= PARALLEL_MIN_BYTES)
    try:
        with _worker_processes(writer):
            try:
                _write(writer, plan, run)
            except OSError as error:
                # A full disk or a file size limit: the write that failed fails the cancel too.
                with suppress(OSError):
                    writer.cancel()
                _close_unwritten(writer)
                raise cannot_write(path, error) from None
            except BaseException:
                writer.cancel()
                raise
            try:
                _commit(writer, optimize)
            except OSError as error:
                _close_unwritten(writer)
                raise cannot_write(path, error) from None
    except BaseException:
        # Once the workers have stopped: removing the files they were writing
        # under them made them fail with a traceback of their own.
        _remove_unfinished_segments(whoosh)
        raise


def _close_unwritten(writer: SegmentWriter) -> None:
    """Close the temporary file Whoosh's writer keeps a segment's stored fields and
    columns in, which a failed write leaves open: collected later, it would try to
    write its buffered bytes again and print the failure as an ignored exception
    (Python 3.13 does, after the one-line message)."""
    columns = getattr(getattr(writer, "perdocwriter", None), "_cols", None)
    temporary = getattr(columns, "_temp", None)
    if temporary is not None:
        with suppress(OSError, ValueError):
            temporary.close()  # closes the file even when flushing fails


def _remove_unfinished_segments(whoosh: whoosh_index.Index) -> None:
    """Delete the files of segments no committed table of contents lists: a cancelled
    writer leaves its segment's files, which on a full disk hold the space to free."""
    with suppress(OSError):
        whoosh_index.clean_files(
            whoosh.storage, whoosh.indexname, whoosh.latest_generation(), whoosh._segments()
        )


def write_side_files(path: Path, whoosh: whoosh_index.Index, report: IndexReport) -> None:
    """Give every segment its side file (see sidefiles.py); call with the lock held."""
    try:
        for temporary in write_missing_side_files(path, whoosh):
            put_index_file(temporary, temporary.with_suffix(""))
            report.side_files_written += 1
    except OSError as error:
        # The update is committed; without side files searches are slower, not wrong.
        reason = f"cannot write the search side files ({error.strerror or error})"
        report.warnings.append(FileNote(str(path), reason + "; searches will be slower"))


def _open_writer(whoosh: whoosh_index.Index, path: Path, parallel: bool):
    # Segments stay separate files: Whoosh reads a compound segment file by
    # copying its parts into memory, which cost a one-shot search 0.06 s and
    # 130 MB at 100,000 paragraphs.
    settings = {"limitmb": POOL_LIMIT_MB, "compound": False}
    # Whoosh's lock, taken here rather than by the writer: a writer that fails
    # while opening (a full disk) would hold it until it is garbage, and every
    # later update of this process would wait for it and give up.
    lock = whoosh.lock("WRITELOCK")
    try:
        acquired = try_for(lock.acquire, timeout=LOCK_TIMEOUT_SECONDS, delay=0.1)
    except OSError as error:  # a folder that became read-only
        raise cannot_write(path, error) from None
    if not acquired:
        raise locked(path)
    try:
        if parallel and _CAN_TIE_WORKERS and (os.cpu_count() or 1) > 1:
            # Two workers: each holds up to limitmb of postings in memory.
            writer = whoosh.writer(
                procs=WRITER_PROCESSES, multisegment=True, subargs=settings, _lk=False, **settings
            )
        else:
            writer = whoosh.writer(_lk=False, **settings)
    except BaseException as error:
        lock.release()
        if isinstance(error, OSError):
            raise cannot_write(path, error) from None
        raise
    writer.writelock = lock  # let go of when the writer commits or cancels
    return writer


def _write(writer, plan: Plan, run: WriteRun) -> None:
    for path in plan.removed:
        writer.delete_by_term("source", path)
        run.report.removed += 1
    if plan.moved:
        with writer.searcher() as searcher:  # one for every file moved
            for move in plan.moved:
                _move_file(writer, searcher, move, run.records[move.path])
    total = len(plan.work)
    for done, item in enumerate(plan.work, 1):
        _write_file(writer, item, run)
        if run.progress:
            run.progress(done, total, item.doc_id)


def _write_file(writer, item: FileToRead, run: WriteRun) -> None:
    key = str(item.path)
    old = run.records.get(key)
    report = run.report
    try:
        documents = read_documents(item.path, item.doc_id, item.options)
    except DocumentError as error:
        if old and old.sha256 == item.sha256:
            # Read again only for another encoding or other record fields, which
            # failed: the file stays as indexed, unchanged (not skipped as well).
            kept = f" ({old.encoding})" if old.encoding else ""
            report.warnings.append(FileNote(key, f"{error}; kept as indexed before{kept}"))
            report.unchanged += 1
            return
        if old:
            # Changed and unreadable: what the index held of it is not what it holds.
            writer.delete_by_term("source", key)
            report.removed += 1
            error = f"{error}; its earlier paragraphs are dropped from the index"
        report.skipped.append(FileNote(key, str(error)))
        return
    for document in documents:
        report.warnings.extend(FileNote(key, text) for text in document.warnings)
    if old:
        writer.delete_by_term("source", key)
        report.changed += 1
    else:
        report.added += 1
    of_records = item.path.suffix.lower() in RECORD_SUFFIXES
    record = FileRecord(
        path=key,
        root=str(item.root),
        doc=item.doc_id,
        sha256=item.sha256,
        size=item.stat.st_size,
        mtime=item.stat.st_mtime,
        paragraphs=sum(len(document.paragraphs) for document in documents),
        encoding=documents[0].encoding,
        records=len(documents) if of_records else 0,
        fields=item.options.fields() if of_records else (None, None, None),
    )
    _add_file(writer, documents, record)
    report.paragraphs += record.paragraphs


def _move_file(writer, searcher, move: FileToMove, old: FileRecord) -> None:
    """Write a file's paragraphs again under another root, from what the index
    stores (``searcher``, of the last commit): the file is not read, so it stays as
    indexed (its options, its content) and a later update sees whether it changed,
    as for any other file."""
    stored = [fields for fields in searcher.documents(source=move.path) if "record" not in fields]
    writer.delete_by_term("source", move.path)
    record = replace(old, root=str(move.root), doc=move.doc_id)
    writer.add_document(kind="file", source=record.path, record=record.__dict__)
    for fields in stored:
        fields.update(root=record.root, doc=record.doc, terms=fields["text"])
        writer.add_document(**fields)


def _add_file(writer, documents: list[Document], record: FileRecord) -> None:
    writer.add_document(kind="file", source=record.path, record=record.__dict__)
    for document in documents:
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
            for task in writer.tasks:
                task.join(timeout=10)  # gone at once: SIGTERM is not caught
            writer.jobqueue.cancel_join_thread()
            writer.resultqueue.cancel_join_thread()
        raise
    finally:
        _forking_workers = False


def _write_run_in_batches(pool: PostingPool, file, postings: Iterable) -> None:
    postings = iter(postings)  # a list, or a merge of runs (kept lazy: runs are large)
    try:
        while batch := list(islice(postings, RUN_BATCH)):
            pickle.dump(batch, file, pickle.HIGHEST_PROTOCOL)
    except BaseException:
        with suppress(OSError):
            file.close()  # a full disk: closed now, not flushed again when collected
        raise
    file.close()


def _read_run_in_batches(pool: PostingPool, path: str) -> Iterator:
    file = pool._open_run(path)
    try:
        while True:
            try:
                batch = pickle.load(file)
            except EOFError:
                return
            yield from batch
    finally:
        file.close()
        pool._remove_run(path)


# Whoosh's posting pool sorts postings in runs of limitmb, spilled to disk with
# one pickle call per posting: a quarter of an index build's CPU (17 s → 13 s for
# 10,000 paragraphs). Runs pickled in batches hold the same postings in the same
# order; both methods are replaced, in this process and the workers it forks.
PostingPool._write_run = _write_run_in_batches
PostingPool._read_run = _read_run_in_batches
