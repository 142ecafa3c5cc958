"""Change planning: which files an update reads again and which records it drops.

A file is read again when its size or mtime changed and its content hash
differs from the one recorded, or when a forced encoding differs from the one
it was decoded with; the rest count as unchanged and are not touched.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat as stat_module
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..documents import find_files, is_indexable, too_large
from ..errors import NothingToIndex
from ..readers.base import ReaderOptions
from ..text import RECORD_SUFFIXES, codec_name
from .folders import is_index_folder, lies_under
from .report import FileNote, IndexReport
from .store import FileRecord

PathArg = str | os.PathLike[str]
# What update() and rebuild() index: one file or folder, or several.
Paths = PathArg | Iterable[PathArg]


@dataclass(frozen=True)
class FileToRead:
    """A new or changed file to read and index."""

    path: Path
    # The folder or file given to update() that it was found under.
    root: Path
    # Its path relative to the root's folder: the ``doc`` of its hits.
    doc_id: str
    stat: os.stat_result
    sha256: str
    # How to read it: its root's options.
    options: ReaderOptions


@dataclass(frozen=True)
class FileToMove:
    """An indexed file to be put under another root (that of a forgotten root's
    file which another root holds, or a root named inside its own): its paragraphs
    are written again as the index has them, under that root and its ``doc``."""

    path: str
    root: Path
    doc_id: str


@dataclass
class Plan:
    """What an update writes: files to (re)read, indexed files to drop or move."""

    work: list[FileToRead] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved: list[FileToMove] = field(default_factory=list)
    bytes_to_read: int = 0


def resolve_roots(
    index_path: Path, paths: Paths | None, records: dict[str, FileRecord]
) -> tuple[list[Path], list[Path]]:
    """The roots to index, and the indexed roots that vanished (only when refreshing)."""
    if paths is not None:
        paths = path_list(paths)
        if not paths:
            raise NothingToIndex("no files or folders were given to index")
        for path in paths:
            if not path:
                raise NothingToIndex("an empty path names no file or folder")
            if not os.path.exists(path):
                raise NothingToIndex(f"{path}: no such file or folder")
        roots = [Path(os.path.abspath(path)) for path in paths]
        _refuse_linked_overlap(roots, known_roots(records))
        return roots, []
    known = [Path(root) for root in known_roots(records)]
    if not known:
        raise NothingToIndex(
            f"the index at {index_path} holds no folders yet; name the folders or files "
            f"to index: `searchidx index --index {index_path} PATH`"
        )
    return [root for root in known if root.exists()], [root for root in known if not root.exists()]


def path_list(paths: Paths) -> list[str]:
    """``paths``, one or several, as a list of strings as given."""
    if isinstance(paths, (str, bytes, os.PathLike)):
        paths = [paths]
    return [os.fsdecode(path) for path in paths]


def named_rebuild(paths: Paths, records: dict[str, FileRecord]) -> tuple[list[str], list[FileNote]]:
    """What a rebuild of the named ``paths`` indexes: those, and the roots of the old
    index (``records``) inside them, which stay roots with their own options; and a
    note on each other root of the old index, whose files the rebuild drops (a root
    no longer named went without a word, as if it had never been one)."""
    named = path_list(paths)
    folders = [os.path.abspath(path) for path in named]
    inside = _roots_inside(folders, records)
    dropped: dict[str, int] = {}
    for key, record in records.items():
        if not any(lies_under(key, folder) for folder in folders):
            dropped[record.root] = dropped.get(record.root, 0) + 1
    notes = [
        FileNote(root, f"not named in the rebuild; dropped its {_files(count)}")
        if os.path.exists(root)
        else vanished_note(root, records)
        for root, count in sorted(dropped.items())
    ]
    # A root inside them that was deleted is said gone, as a refresh says it.
    notes += [vanished_note(root, records) for root in inside if not os.path.exists(root)]
    return named + [root for root in inside if os.path.exists(root)], notes


def reading_options(
    roots: list[Path],
    records: dict[str, FileRecord],
    remembered: dict[str, ReaderOptions],
    options: ReaderOptions | None,
    encoding: str | None,
) -> tuple[dict[str, ReaderOptions], dict[Path, ReaderOptions]]:
    """How an update reads: the roots named (or refreshed) with ``options``, else as
    ``remembered`` (by default, a root new to the index), as the index is to remember
    them; and every root walked, those and the indexed roots inside them (each with
    its own options, as a refresh walks them), with ``encoding`` for this run."""
    named = {root: options or remembered.get(str(root)) or ReaderOptions() for root in roots}
    inside = [
        Path(root)
        for root in _roots_inside(list(map(str, roots)), records)
        if os.path.exists(root)  # one deleted: its files go with the folder walked
    ]
    reading = named | {root: remembered.get(str(root)) or ReaderOptions() for root in inside}
    if encoding:
        reading = {root: replace(read, encoding=encoding) for root, read in reading.items()}
    return {str(root): read for root, read in named.items()}, reading


def _roots_inside(folders: list[str], records: dict[str, FileRecord]) -> list[str]:
    """The indexed roots inside ``folders`` (absolute paths) and not among them."""
    return [
        root
        for root in known_roots(records)
        if root not in folders and any(lies_under(root, folder) for folder in folders)
    ]


def _refuse_linked_overlap(roots: list[Path], known: list[str]) -> None:
    """Refuse a root that reaches, through a symbolic link, files another root holds
    (``archive/link`` to ``archive/hadith`` beside ``archive``): files are known by
    the path they were found at, and a walk does not follow links to folders, so the
    same file would be indexed, and found, twice. Roots nested in plain sight
    (``archive/hadith`` beside ``archive``) are planned once by :func:`plan_changes`."""
    others = {str(root) for root in roots} | set(known)
    real = {path: os.path.realpath(path) for path in others}
    for root in map(str, roots):
        for other in sorted(others - {root}):
            # The one's files lie in the other's folder, where its walk finds them
            # at other paths (a link on the way).
            if not any(
                lies_under(real[inner], real[outer]) and not walked_to(inner, outer)
                for inner, outer in ((root, other), (other, root))
            ):
                continue
            shared = max(real[root], real[other], key=len)
            forget = f", or `searchidx forget {other}` first" if other in known else ""
            raise NothingToIndex(
                f"{root} reaches files that {other} holds ({shared}) through a symbolic "
                f"link: they would be indexed twice; name each folder by one path{forget}"
            )


def plan_changes(
    reading: dict[Path, ReaderOptions], records: dict[str, FileRecord], report: IndexReport
) -> Plan:
    """Decide which files to (re)read and which records to drop, by size, mtime and
    hash, under each root of ``reading`` as its options say. A file of records (JSON,
    CSV) read with other fields than its root's now is read again."""

    plan = Plan()
    seen: set[str] = set()
    walked: set[str] = set()
    walked_out: set[str] = set()  # dropped by a root walked before: said once
    outer_kept: dict[tuple[Path, str], bool] = {}
    # A file under two roots (archive/hadith and archive) is planned once, under the
    # inner one: read twice, it was indexed twice and found twice.
    for root in sorted(reading, key=lambda root: len(root.parts), reverse=True):
        options = reading[root]
        forced = codec_name(options.encoding) if options.encoding else ""
        base = root if root.is_dir() else root.parent
        if root.is_dir() and is_index_folder(root):
            report.skipped.append(FileNote(str(root), "a searchidx index folder, not documents"))
            continue
        hidden: list[Path] = []
        links: list[Path] = []
        # A folder that is a root of its own is walked as such, with its own options;
        # this root's walk leaves it whole, its hidden files too.
        inner = {other for other in reading if other != root and lies_under(str(other), root)}

        def skipped(folder: Path, inner: set[Path] = inner) -> bool:
            return folder in inner or is_index_folder(folder)

        for path in find_files(root, options.hidden, hidden, skipped, links):
            if str(path) in walked:
                continue
            walked.add(str(path))
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
            read_otherwise = bool(old and old.encoding and forced and old.encoding != forced)
            # Records read with other fields: their text, ids or titles may differ.
            if old and path.suffix.lower() in RECORD_SUFFIXES:
                read_otherwise |= tuple(old.fields) != options.fields()
            untouched = old and old.size == stat.st_size and old.mtime == stat.st_mtime
            digest = None if untouched else _file_digest(path)
            if old and (untouched or digest == old.sha256) and not read_otherwise:
                report.unchanged += 1
                if _takes_over(root, old.root, records, outer_kept):
                    # A folder inside the file's root, named now: a root of its own,
                    # as named roots are, the file kept as indexed under it.
                    plan.moved.append(FileToMove(key, root, path.relative_to(base).as_posix()))
                    report.kept[str(root)] = report.kept.get(str(root), 0) + 1
                continue
            digest = digest or _file_digest(path)
            doc_id = path.relative_to(base).as_posix()
            plan.work.append(FileToRead(path, root, doc_id, stat, digest, options))
            plan.bytes_to_read += stat.st_size
        report.hidden += [
            str(path) for path in hidden if path.is_dir() or is_indexable(path, options)
        ]
        report.links += [str(link) for link in links if link not in reading]  # a root: read
        gone = [key for key in records_under(root, records) if key not in seen]
        plan.removed.extend(gone)
        report.left_out += [key for key in gone if key not in walked_out and os.path.exists(key)]
        walked_out.update(gone)
    # An inner root's file that it leaves out is under the outer root too: dropped
    # once; a link under both, said once.
    plan.removed = list(dict.fromkeys(plan.removed))
    report.links = list(dict.fromkeys(report.links))
    return plan


def _takes_over(root: Path, recorded: str, records, known: dict) -> bool:
    """Whether ``root``, named now inside the root a file was ``recorded`` under,
    takes the file over: only where that root keeps a file of its own, since a root
    is known by its files, and one left without would be forgotten with its folder
    («only» holding just «only/inner»: files added to «only» later never indexed)."""
    if recorded == str(root) or not lies_under(str(root), recorded):
        return False
    if (root, recorded) not in known:
        known[root, recorded] = any(
            not lies_under(key, root) for key in records_under(recorded, records)
        )
    return known[root, recorded]


def drop_vanished(
    plan: Plan, vanished: list[Path], records: dict[str, FileRecord], report: IndexReport
) -> None:
    """Plan to drop the files of roots that no longer exist, with a note for each root."""
    for root in vanished:
        plan.removed.extend(records_under(root, records))
        report.forgotten.append(vanished_note(root, records))
    plan.removed = list(dict.fromkeys(plan.removed))  # a vanished root inside a walked one


def roots_after(plan: Plan, records: dict[str, FileRecord]) -> set[str]:
    """The roots the index will have once ``plan`` is written: a root is known by its files."""
    removed = set(plan.removed)
    moved = {move.path: str(move.root) for move in plan.moved}
    after = {moved.get(key, record.root) for key, record in records.items() if key not in removed}
    return after | {str(item.root) for item in plan.work}


def note_emptied_roots(
    after: set[str], vanished: list[Path], records: dict[str, FileRecord], report: IndexReport
) -> None:
    """A note on each root that held files and holds none ``after`` the update (the
    options given left every file out, or its files were deleted): it would end
    without a word. A vanished root has its own note."""
    gone = set(map(str, vanished))
    report.forgotten += [
        FileNote(root, "holds no file to index now; no longer a root")
        if os.path.exists(root)
        else vanished_note(root, records)
        for root in known_roots(records)
        if root not in after and root not in gone
    ]


def vanished_note(root: Path | str, records: dict[str, FileRecord]) -> FileNote:
    """The note on a root that no longer exists, whose indexed files are dropped
    (its own: a root inside it has its note)."""
    count = sum(record.root == str(root) for record in records.values())
    return FileNote(str(root), f"no longer exists; dropped its {_files(count)}")


def plan_forget(root: Path, records: dict[str, FileRecord], report: IndexReport) -> Plan:
    """What forgetting ``root`` writes: its files that no other root holds are
    dropped; a file another root holds stays, moved under the innermost such root
    if it was recorded under ``root`` (an update records a file once, under the
    root that first found it), counted in ``report.kept`` by the root it stays under.
    """
    others = [Path(other) for other in known_roots(records) if other != str(root)]
    plan = Plan()
    for key in records_under(root, records):
        holders = [other for other in others if lies_under(key, other) and walked_to(key, other)]
        if not holders:
            plan.removed.append(key)
            continue
        holder = Path(records[key].root)
        if holder not in holders:
            holder = max(holders, key=lambda other: len(other.parts))
            plan.moved.append(FileToMove(key, holder, Path(key).relative_to(holder).as_posix()))
        report.kept[str(holder)] = report.kept.get(str(holder), 0) + 1
    return plan


def walked_to(path: str, root: Path | str) -> bool:
    """Whether a walk of ``root`` finds ``path`` at that path: it lies inside, with
    no symbolic link on the way, as a walk follows none."""
    inside = os.path.relpath(path, root)
    at = os.path.normpath(os.path.join(os.path.realpath(root), inside))
    return lies_under(path, root) and os.path.realpath(path) == at


def note_roots_not_made(
    named: dict[str, ReaderOptions],
    after: set[str],
    records: dict[str, FileRecord],
    report: IndexReport,
) -> None:
    """A note on each folder named that did not become a root: its files are all
    another root's, which holds none besides (a root is known by its files, so that
    one would be lost); the options given for it are not kept."""
    for root in named:
        if root in after or not os.path.exists(root):
            continue
        holders = {records[key].root for key in records_under(root, records)} & after
        if holders - {root}:
            report.forgotten.append(
                FileNote(
                    root,
                    f"stays inside the root {', '.join(sorted(holders))}, whose files are all "
                    "in it: not a root of its own, and no options are kept for it",
                )
            )


def known_roots(records: dict[str, FileRecord]) -> list[str]:
    return sorted({record.root for record in records.values()})


def records_under(root: Path | str, records: dict[str, FileRecord]) -> list[str]:
    """The indexed files found under ``root``: the root itself, or files in its folder."""
    return [key for key in records if lies_under(key, root)]


def _files(count: int) -> str:
    return f"{count} file" if count == 1 else f"{count} files"


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
