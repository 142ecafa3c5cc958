"""What an index is on disk: its schema, its metadata file and its update lock.

Schema (one Whoosh document per paragraph, plus one record per file):

* ``terms``: folded words with positions, for words and "phrases"; stem
  matches are found at query time among these words (see ``search/plan.py``), so
  there is no second posting list per word to write;
* ``text``: the paragraph exactly as the file holds it (stored, not indexed);
  snippets and match offsets are computed from it at query time;
* ``doc``, ``title``, ``paragraph``, ``locator``: where the paragraph is
  (``title`` is folded like ``terms``, with positions for title phrases);
* ``source``: the file's absolute path, shared by its paragraphs and its file
  record, so one delete removes a file's whole contribution; stored, with the
  ``root`` (the folder or file given to ``update``) it was found under, so a
  hit says exactly which file it is from;
* file records (``kind`` = ``file``) hold content hash, size and mtime
  (:class:`FileRecord`), so updating re-reads only files that changed. They
  live inside the Whoosh index and so commit atomically with the paragraphs
  they describe.

``searchidx.json`` beside Whoosh's files records the format version, the
analyzer, timestamps and a build id; an index of an older format or analyzer
is refused with a message that says how to rebuild, one of a newer format
with one that says to upgrade (a rebuild would throw it away). It is also the
marker by which searchidx knows its own folders (see ``folders.py``).
"""

from __future__ import annotations

import os
import struct
import time
import uuid
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, cast

from whoosh import index as whoosh_index
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import CorruptIndexError
from whoosh.util.filelock import try_for

from .. import __version__
from ..analysis import ANALYZER, term_analyzer
from ..errors import (
    CannotWrite,
    IncompatibleIndex,
    IndexCorrupt,
    IndexLocked,
    IndexNotFound,
    OptionError,
)
from .folders import FORMAT_VERSION, LOCK_FILE, MARKER, read_marker, unmakeable, write_marker

if TYPE_CHECKING:
    from ..readers.base import ReaderOptions

META_FILE = MARKER
# How long a second writer waits for the first before giving up.
LOCK_TIMEOUT_SECONDS = 10.0
# What Whoosh raises on files it cannot read: damaged on disk, not a bug of ours.
DAMAGE = (CorruptIndexError, EOFError, OSError, struct.error, zlib.error)


def make_schema() -> Schema:
    # A query word the analyzer splits in parts («2024م», «عام2024», «2019-2020»)
    # is searched as the phrase of its parts, as they stand in the text.
    return Schema(
        terms=TEXT(analyzer=term_analyzer(), phrase=True, multitoken_query="phrase"),
        title=TEXT(analyzer=term_analyzer(), phrase=True, stored=True, multitoken_query="phrase"),
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
    # A file of records: how many records (with text) it holds; 0 for other files,
    # and in an index written before records were counted.
    records: int = 0
    # A file of records: the text, id and title fields it was read with (None:
    # detected); a root whose fields differ reads it again.
    fields: tuple[str | None, str | None, str | None] = (None, None, None)

    @classmethod
    def stored(cls, stored: dict) -> FileRecord:
        """The record as the index stores it, what a later version added left out:
        a field added keeps the index readable by the versions before it."""
        known = {field.name for field in fields(cls)}
        return cls(**{name: value for name, value in stored.items() if name in known})


class IndexMeta(TypedDict):
    """What ``searchidx.json`` holds."""

    format: int
    analyzer: str
    version: str
    created: str
    updated: str
    # New with each rebuild: tells a reader that the folder holds another index.
    build: str
    # How each root is read where not as by default (ReaderOptions.remembered()
    # by root): a refresh reads it so again. Missing in an index written before.
    roots: dict[str, dict[str, object]]


def create_store(path: Path) -> None:
    """Create an empty index in ``path``, a folder searchidx may write into."""
    try:
        # The marker first: from here on the folder is known to be searchidx's.
        write_marker(path, new_meta())
        whoosh_index.create_in(str(path), make_schema())
    except OSError as error:
        raise cannot_write(path, error) from None


def open_store(path: Path, any_analyzer: bool = False) -> tuple[whoosh_index.Index, IndexMeta]:
    """The Whoosh index at ``path`` and its metadata, if this version can read it
    (``any_analyzer``: also one whose words an earlier analyzer read, for its
    files' records).

    The marker and Whoosh's table of contents are each read once: asking
    :func:`has_index` first would open the Whoosh index twice.
    """
    meta = read_marker(path)
    if meta is None:
        raise _no_index(path)
    if meta.get("format") != FORMAT_VERSION:
        raise IncompatibleIndex(
            f"the index at {path} was built by searchidx {meta.get('version', '?')} "
            f"(format {meta.get('format', '?')}); rebuild it with {rebuild_command(path)}"
        )
    if meta.get("analyzer") != ANALYZER and not any_analyzer:
        # Same format, words read otherwise: the version may well be this one's.
        # An index that remembers its roots' options («roots») is rebuilt with them.
        options = (
            ""
            if "roots" in meta
            else ", adding the options it was built with (--include, --hidden, --id-field …)"
        )
        raise IncompatibleIndex(
            f"the index at {path} holds words as an earlier searchidx read them "
            f"({meta.get('analyzer', '?')}, now {ANALYZER}); "
            f"rebuild it from its own folders with "
            f"{rebuild_command(path, name_folders=False)}{options}"
        )
    try:
        return whoosh_index.open_dir(str(path)), cast(IndexMeta, meta)
    except whoosh_index.EmptyIndexError:
        raise not_found(path) from None
    except (AttributeError, ImportError, ModuleNotFoundError) as error:
        raise IncompatibleIndex(
            f"the index at {path} cannot be loaded ({error}); "
            f"rebuild it with {rebuild_command(path)}"
        ) from None
    except (OSError, EOFError, ValueError, whoosh_index.IndexError) as error:
        raise IndexCorrupt(
            f"the index at {path} cannot be read ({error}); rebuild it with {rebuild_command(path)}"
        ) from None


def _no_index(path: Path) -> IndexNotFound:
    """What is at ``path`` instead of an index. The advice names the folder, not an
    option: the same words serve ``Index.open`` and ``--index``."""
    try:
        if path.exists() and not path.is_dir():
            return IndexNotFound(
                f"{path} is a file, not an index folder; name the folder of an index"
            )
        holds_anything = path.is_dir() and any(path.iterdir())
    except OSError:
        holds_anything = False
    if holds_anything:
        # «Run `searchidx index` first» would be refused there: the folder is not ours.
        return IndexNotFound(
            f"{path} holds files and is not a searchidx index; name the folder of an index"
        )
    return not_found(path)


def not_found(path: Path) -> IndexNotFound:
    """No index at ``path``, with the advice that works there: indexing, unless no
    index can be made there (a broken symbolic link, a file on the way)."""
    blocked = unmakeable(path)
    if blocked:
        return IndexNotFound(f"no index at {path}: {blocked}")
    return IndexNotFound(f"no index at {path}; run `searchidx index PATH` first")


def rebuild_command(path: Path, name_folders: bool = True) -> str:
    """The command that rebuilds the index at ``path``, as error messages advise it;
    without ``name_folders`` for an index whose folders a rebuild reads itself."""
    folders = " PATH" if name_folders else ""
    return f"`searchidx index --rebuild --index {path}{folders}`"


def corrupt(path: Path, error: Exception) -> IndexCorrupt:
    return IndexCorrupt(
        f"the index at {path} is damaged ({type(error).__name__}); "
        f"rebuild it with {rebuild_command(path)}"
    )


def has_index(path: Path) -> bool:
    return read_marker(path) is not None and whoosh_index.exists_in(str(path))


def new_meta() -> IndexMeta:
    now = _now()
    return {
        "format": FORMAT_VERSION,
        "analyzer": ANALYZER,
        "version": __version__,
        "created": now,
        "updated": now,
        # Tells a reader that the folder now holds another index (a rebuild).
        "build": uuid.uuid4().hex,
        "roots": {},
    }


def touch_meta(path: Path, meta: IndexMeta) -> None:
    """Record in ``meta``, and on disk, that this version updated the index just now."""
    meta["updated"] = _now()
    meta["version"] = __version__
    try:
        write_marker(path, meta)
    except OSError as error:
        raise cannot_write(path, error) from None


def remembered_options(meta: IndexMeta) -> dict[str, ReaderOptions]:
    """How each root was last read, where not as by default, by root."""
    from ..readers.base import ReaderOptions  # the readers: only for indexing

    remembered = {}
    for root, given in meta.get("roots", {}).items():
        try:
            remembered[root] = ReaderOptions.from_remembered(given)
        except (OptionError, TypeError, AttributeError):
            continue  # a marker edited by hand: that root is read as by default
    return remembered


def remember_options(
    meta: IndexMeta, reading: dict[str, ReaderOptions], roots: Iterable[str]
) -> bool:
    """Record in ``meta`` how the roots of ``reading`` were read, keeping only the
    ``roots`` the index has (no options of a root gone, forgotten or never made);
    whether that changed anything."""
    before = meta.get("roots", {})
    given = {**before, **{root: options.remembered() for root, options in reading.items()}}
    meta["roots"] = {root: given[root] for root in sorted(roots) if given.get(root)}
    return meta["roots"] != before


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@contextmanager
def writing(path: Path) -> Iterator[None]:
    """Hold the index's update lock, waiting up to LOCK_TIMEOUT_SECONDS for it."""
    deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
    while True:
        lock = FileStorage(str(path)).lock(LOCK_FILE)
        try:
            acquired = try_for(lock.acquire, timeout=deadline - time.monotonic(), delay=0.2)
        except OSError as error:
            raise CannotWrite(
                f"cannot write into the index folder {path}: {error.strerror}; "
                "make it writable or choose another folder for the index",
                error.strerror or str(error),
            ) from None
        if not acquired:
            raise locked(path)
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


def cannot_write(path: Path, error: OSError) -> CannotWrite:
    """What a full disk, a file size limit or a folder without write permission
    makes of an update of the index at ``path``."""
    reason = error.strerror or str(error)
    return CannotWrite(
        f"cannot write the index at {path}: {reason}; free some space (or make the "
        "folder writable) and run the command again: the index keeps its last "
        "completed update",
        reason,
    )


def locked(path: Path) -> IndexLocked:
    return IndexLocked(
        f"another searchidx process is writing to {path}; wait for it to finish and run again"
    )
