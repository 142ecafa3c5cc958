"""What every reader shares: the options it reads with, what it returns, zip archives.

A reader is a function from a file's bytes and :class:`ReaderOptions` to a list
of :class:`ReadResult`, each holding a document's title and its :class:`Block` s.
"""

from __future__ import annotations

import codecs
import io
import operator
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from ..errors import DocumentError, OptionError
from ..text import MAX_FILE_BYTES, MAX_UNZIPPED_BYTES

# What reading a member of a damaged zip archive raises (RuntimeError: it is encrypted).
ZIP_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)


@dataclass(frozen=True)
class Block:
    """One paragraph as a reader found it: its visible text and where it is.

    The locator is ``"§ heading"`` (HTML, Markdown, DOCX), ``"chapter 2: title"``
    (EPUB), ``"record ID"``, ``"line 5"`` or ``"row 5"`` (JSON Lines, JSON, CSV).
    """

    text: str
    locator: str = ""


@dataclass
class ReadResult:
    """One document read from a file: its title ("" if none), blocks and warnings.

    Records of one file are told apart by their blocks' locators. Warnings about
    the whole file (skipped records, damaged lines) are on the file's first result.
    """

    title: str
    blocks: list[Block]
    warnings: list[str] = field(default_factory=list)
    # How the file's text was decoded (on its first result; "" for DOCX and EPUB).
    encoding: str = ""


@dataclass(frozen=True)
class ReaderOptions:
    """How to read: a forced text encoding, record fields for JSON and CSV files;
    and which files to read: of unknown type read as text (``include``),
    hidden ones, and up to what size.

    >>> ReaderOptions(encoding="cp1256", include=("*.log",)).max_file_bytes == MAX_FILE_BYTES
    True
    """

    encoding: str | None = None
    text_field: str | None = None
    id_field: str | None = None
    title_field: str | None = None
    # File-name patterns of other files to read as plain text («*.log»).
    include: tuple[str, ...] = ()
    # Also walk hidden files and folders (names starting with a dot).
    hidden: bool = False
    # Files larger than this many bytes are not read.
    max_file_bytes: int = MAX_FILE_BYTES

    def __post_init__(self) -> None:
        if isinstance(self.include, str):
            # One pattern given as it is typed: read letter by letter, «*» took every file.
            object.__setattr__(self, "include", (self.include,))
        include = self.include
        if not isinstance(include, (tuple, list)) or not all(
            isinstance(pattern, str) and pattern for pattern in include
        ):
            raise OptionError(f"include is {include!r}: give file-name patterns, such as '*.log'")
        object.__setattr__(self, "include", tuple(include))
        if self.encoding:
            check_encoding(self.encoding)
        size = self.max_file_bytes
        if isinstance(size, bool) or not hasattr(size, "__index__") or operator.index(size) < 1:
            raise OptionError(
                f"max_file_bytes is {size!r}: give a whole number of bytes, 1 or more"
            )
        object.__setattr__(self, "max_file_bytes", operator.index(size))
        if not isinstance(self.hidden, bool):
            raise OptionError(f"hidden is {self.hidden!r}: give True or False")
        for name in ("text_field", "id_field", "title_field"):
            if getattr(self, name) is not None and not (
                isinstance(getattr(self, name), str) and getattr(self, name)
            ):
                raise OptionError(f"{name} is {getattr(self, name)!r}: name a field, or give None")

    def fields(self) -> tuple[str | None, str | None, str | None]:
        """The record fields named: text, id and title (None: detected)."""
        return self.text_field, self.id_field, self.title_field

    def remembered(self) -> dict[str, object]:
        """What an index remembers of how a root was read, as JSON holds it: the
        options that differ from the defaults, but a forced encoding. That one is
        for the run it is given to: kept, it would misread each new file of another
        encoding (a UTF-8 file read as cp1256), where detection reads both.

        >>> ReaderOptions(encoding="cp1256", hidden=True, include=("*.log",)).remembered()
        {'include': ['*.log'], 'hidden': True}
        """
        default = ReaderOptions()
        return {
            name: list(value) if isinstance(value, tuple) else value
            for name, value in vars(self).items()
            if value != getattr(default, name) and name != "encoding"
        }

    @classmethod
    def from_remembered(cls, remembered: dict[str, object]) -> ReaderOptions:
        """The options :meth:`remembered` returned; names this version does not know
        are left out."""
        fields = cls.__dataclass_fields__
        known = {name: value for name, value in remembered.items() if name in fields}
        if "include" in known:
            known["include"] = tuple(known["include"])
        return cls(**known)


def check_encoding(encoding: str) -> None:
    """Refuse an encoding Python does not know, before any file is read with it."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise OptionError(
            f"unknown encoding '{encoding}'; for example cp1256, utf-16 or latin-1"
        ) from None


# A reader: a file's bytes and the options in, its documents out; raises
# DocumentError with a one-line reason for a file it cannot read.
Reader = Callable[[bytes, ReaderOptions], list[ReadResult]]


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open a zip-based document (``kind`` is ".docx" or ".epub"), refusing damaged ones."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentError(f"not a valid {kind} file (zip archive is damaged)") from None
    if sum(member.file_size for member in archive.infolist()) > MAX_UNZIPPED_BYTES:
        raise DocumentError(
            f"not read: the {kind} file would unpack to more than {MAX_UNZIPPED_BYTES // 2**20} MB"
        )
    return archive
