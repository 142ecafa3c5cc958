"""Index folders: how searchidx tells its own folders from a user's, and the
only code that removes, swaps or writes the marker of one.

An index folder carries searchidx's marker, ``searchidx.json`` (a JSON object
with the index's format and analyzer), beside Whoosh's files, and nothing
else: no subfolders, no files of other names. searchidx writes only into a
folder that is new, empty or an index folder, and removes a folder only with
:func:`remove_index_folder`, which checks that, entry by entry, first. Any
doubt is an :class:`~searchidx.errors.UnsafeFolder` error, and the folder is
left as it was.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import re
import stat
import sys
from pathlib import Path

from ..errors import IncompatibleIndex, IndexCorrupt, UnsafeFolder

MARKER = "searchidx.json"
# The format of index this version writes; 2: paragraphs store their file's path
# and root, titles have positions. The marker holds it, and a marker of a newer
# one is refused here, before anything is read or written.
FORMAT_VERSION = 2
LOCK_FILE = "searchidx.lock"
# Every file an index folder may hold, by its exact shape, so that a file of a
# user's is never taken for one: searchidx's own (the marker, its temporary
# copy, the update lock), Whoosh's (the files of a segment, named by its
# 16-character id; tables of contents and the temporary copy a failed write of
# one leaves, named by the time; its write lock) and the side file of a
# segment (sidefiles.py) with its temporary copy. Patterns, not compiled ones: a
# search never looks at them, and re compiles each on its first use.
_INDEX_FILE = (
    r"searchidx\.json(\.tmp)?|searchidx\.lock|MAIN_WRITELOCK|_MAIN_[0-9]+\.toc(\.[0-9.e+-]+)?"
    r"|MAIN_[0-9a-z]{16}(\.(trm|pst|vps|seg)|\._[a-z0-9_]+\.col|\.sidx(\.tmp)?)"
)
# Whoosh's parallel writer keeps its work in this subfolder; a writer killed
# mid-run leaves it behind, with job lists and sort runs of random names.
_WRITER_TEMP_FOLDER = "MAIN.tmp"
_WRITER_TEMP_FILE = r"[0-9a-z]{28}\.(doclist|run)|" + _INDEX_FILE
# A rebuild is built in a hidden sibling folder with this infix and a random
# suffix, so its name can never be a folder the user already has.
REBUILD_INFIX = ".rebuild-"


def lies_under(path: str, folder: Path | str) -> bool:
    """Whether ``path`` is ``folder`` or lies somewhere inside it (as strings: no
    file is looked at)."""
    return path == str(folder) or path.startswith(str(folder).rstrip(os.sep) + os.sep)


def is_index_folder(path: Path) -> bool:
    """Whether ``path`` is a folder that carries searchidx's marker, also one that
    :func:`read_marker` refuses: the folder is an index all the same, not documents."""
    try:
        return read_marker(path) is not None
    except (IndexCorrupt, IncompatibleIndex):
        return True


def check_index_target(path: Path) -> bool:
    """Whether an index is at ``path``, refusing (untouched) what searchidx may not
    write an index at: a file, a folder of other files, an index whose marker it
    cannot read or of a newer format. False means a new or empty folder."""
    if path.is_symlink() and not path.exists():
        raise UnsafeFolder(f"{path} is a broken symbolic link; give a folder for the index")
    if path.exists() and not path.is_dir():
        raise UnsafeFolder(f"{path} is a file, not a folder; give a folder for the index")
    if read_marker(path) is not None:
        return True
    blocked = "" if path.exists() else unmakeable(path)
    if blocked:
        raise UnsafeFolder(
            f"cannot create the index folder {path}: {blocked}; choose another folder for the index"
        )
    if path.is_dir():
        entries = sorted(entry.name for entry in os.scandir(path))
        # Only the lock of another process creating an index here at this moment.
        if entries and entries != [LOCK_FILE]:
            raise UnsafeFolder(
                f"{path} already holds files and is not a searchidx index; searchidx writes "
                "its index only into a new or empty folder: choose another index folder"
            )
    return False


def unmakeable(path: Path) -> str:
    """Why no folder can be made at ``path`` (a broken symbolic link there or on the
    way, a file on the way), or "" where nothing stands in the way."""
    for at in (path, *path.parents):
        if at.is_symlink() and not at.exists():
            return f"{at} is a broken symbolic link"
        if at.exists():
            return "" if at.is_dir() or at == path else f"{at} is a file, not a folder"
    return ""


def prepare_index_folder(path: Path) -> bool:
    """Make sure searchidx may write an index at ``path``; return whether one is there.

    A missing folder is created; an empty one is used; anything else
    :func:`check_index_target` refuses is left untouched.
    """
    if check_index_target(path):
        return True
    if path.is_dir():
        return False
    try:
        path.mkdir(parents=True)
    except FileExistsError:
        return prepare_index_folder(path)  # made meanwhile by another process
    except OSError as error:
        raise UnsafeFolder(
            f"cannot create the index folder {path}: {error.strerror}; "
            "choose another folder for the index"
        ) from None
    return False


def write_marker(path: Path, meta: dict) -> None:
    """Write the marker (the index's metadata) at once, never half."""
    temporary = path / (MARKER + ".tmp")
    try:
        temporary.write_text(json.dumps(meta, indent=2), encoding="utf-8")
        os.replace(temporary, path / MARKER)
    except OSError:
        # A full disk: leave no half-written copy in the folder.
        temporary.unlink(missing_ok=True)
        raise


def put_index_file(temporary: Path, final: Path) -> None:
    """Move a file written aside into its place in an index folder, at once.

    Both names must be index files of one index folder; anything else is refused.
    """
    folder = final.parent
    names_ok = all(re.fullmatch(_INDEX_FILE, name) for name in (temporary.name, final.name))
    if temporary.parent != folder or not names_ok or not is_index_folder(folder):
        raise UnsafeFolder(f"{final} is not a file of a searchidx index; left it as it is")
    os.replace(temporary, final)


def read_marker(path: Path) -> dict | None:
    """The marker's metadata, or None when ``path`` carries none (no ``searchidx.json``,
    or one of the user's that is no marker).

    A marker that cannot be read raises :class:`IndexCorrupt`, and one of a newer
    format :class:`IncompatibleIndex`: searchidx cannot tell the first is its own,
    and would throw the second away by rebuilding it, so it writes into neither.
    """
    marker = path / MARKER
    try:
        meta = json.loads(marker.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except (OSError, ValueError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not JSON"
        raise IndexCorrupt(
            f"{marker} is unreadable ({reason}); if {path} is an index searchidx made, "
            "remove the folder and index again"
        ) from None
    if not isinstance(meta, dict) or "format" not in meta or "analyzer" not in meta:
        return None
    made_in = meta["format"]
    if isinstance(made_in, int) and made_in > FORMAT_VERSION:
        raise IncompatibleIndex(
            f"the index at {path} was made by a newer searchidx "
            f"({meta.get('version', '?')}, format {made_in}); upgrade searchidx to read it"
        )
    if _newer_analyzer(meta["analyzer"]):
        raise IncompatibleIndex(
            f"the index at {path} was made by a newer searchidx "
            f"({meta.get('version', '?')}, analyzer {meta['analyzer']}); upgrade searchidx "
            "to read it"
        )
    return meta


def _newer_analyzer(name: object) -> bool:
    """Whether ``name`` is a later analyzer of this one's line («arabic-fold-9» for
    «arabic-fold-8»): an index of the same format whose words this version would
    read otherwise, and throw away by rebuilding it."""
    from ..analysis import ANALYZER  # only for an index found: the analyzer's imports

    ours, _, generation = ANALYZER.rpartition("-")
    theirs, _, made_by = str(name).rpartition("-")
    return theirs == ours and made_by.isdecimal() and int(made_by) > int(generation)


def check_index_folder(path: Path) -> None:
    """Raise :class:`UnsafeFolder` unless ``path`` holds a searchidx index and nothing else."""
    if path.is_symlink():
        raise UnsafeFolder(
            f"{path} is a symbolic link; give the index folder itself "
            f"({path.resolve()}) to rebuild or remove it"
        )
    if not path.is_dir():
        raise UnsafeFolder(f"{path} is not a folder searchidx made; left it as it is")
    if read_marker(path) is None:
        raise UnsafeFolder(f"{path} does not carry searchidx's marker ({MARKER}); left it as it is")
    for entry in os.scandir(path):
        if not (_is_index_file(entry) or _is_writer_temp_folder(entry)):
            raise UnsafeFolder(
                f"{path} holds {entry.name}, which is not a searchidx index file; "
                "left the folder as it is: move your file out of it"
            )


def remove_index_folder(path: Path, keep_folder: bool = False) -> None:
    """Remove an index folder, after :func:`check_index_folder` says it holds only an
    index; with ``keep_folder``, only the index's files (the folder was the user's)."""
    check_index_folder(path)
    for entry in os.scandir(path):
        if entry.is_dir(follow_symlinks=False):
            for temporary in os.scandir(entry.path):
                os.unlink(temporary.path)
            os.rmdir(entry.path)
        else:
            os.unlink(entry.path)
    if not keep_folder:
        # rmdir, not a recursive removal: whatever appeared meanwhile stays, and so does the folder.
        os.rmdir(path)


def remove_leftovers(path: Path) -> None:
    """Remove what failed or interrupted rebuilds of the index at ``path`` left beside it."""
    prefix = "." + path.name + REBUILD_INFIX
    for entry in os.scandir(path.parent):
        if not entry.name.startswith(prefix) or entry.is_symlink() or not entry.is_dir():
            continue
        leftover = Path(entry.path)
        if is_index_folder(leftover):
            # A marked folder that holds more than an index, or a marker this
            # version cannot read, is the user's to sort out.
            with contextlib.suppress(UnsafeFolder, IndexCorrupt, IncompatibleIndex):
                remove_index_folder(leftover)
        elif all(map(_is_index_file, os.scandir(leftover))):
            # Stopped before its marker was written: its lock, at most a temporary marker.
            for inner in os.scandir(leftover):
                os.unlink(inner.path)
            leftover.rmdir()


def new_rebuild_folder(path: Path) -> Path:
    """A new, empty, uniquely named sibling of ``path`` to build a fresh index in."""
    import tempfile  # only here: a search does without it

    try:
        return Path(tempfile.mkdtemp(prefix="." + path.name + REBUILD_INFIX, dir=path.parent))
    except OSError as error:
        raise UnsafeFolder(
            f"cannot create a folder beside {path} to rebuild in: {error.strerror}"
        ) from None


def swap_index_folders(fresh: Path, target: Path) -> None:
    """Put the index at ``fresh`` in place of the one at ``target``, then remove the old one.

    Both must be index folders. On Linux the two are exchanged in one step, so
    a reader opening ``target`` finds the old index or the new, never none.
    """
    check_index_folder(fresh)
    check_index_folder(target)
    # A new folder is private to its owner; the index keeps the access it was given
    # (a group or a web server that reads it).
    os.chmod(fresh, stat.S_IMODE(os.stat(target).st_mode))
    if not _exchange(fresh, target):
        import tempfile

        aside = Path(tempfile.mkdtemp(prefix="." + target.name + REBUILD_INFIX, dir=target.parent))
        # Renaming onto an empty folder replaces it; the old index is then at `aside`.
        os.replace(target, aside)
        os.replace(fresh, target)
        fresh = aside
    remove_index_folder(fresh)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two folders atomically where the system can; return whether it did."""
    if not sys.platform.startswith("linux"):
        return False
    # Looked up here, not on import: only a rebuild swaps folders.
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return result == 0


def _is_index_file(entry: os.DirEntry) -> bool:
    return entry.is_file(follow_symlinks=False) and bool(re.fullmatch(_INDEX_FILE, entry.name))


def _is_writer_temp_folder(entry: os.DirEntry) -> bool:
    """Whoosh's work folder of an interrupted parallel writer, holding only its own files."""
    if entry.name != _WRITER_TEMP_FOLDER or not entry.is_dir(follow_symlinks=False):
        return False
    return all(
        inner.is_file(follow_symlinks=False) and re.fullmatch(_WRITER_TEMP_FILE, inner.name)
        for inner in os.scandir(entry.path)
    )
