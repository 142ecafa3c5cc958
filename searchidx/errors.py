"""The errors searchidx raises. Each message is one line that says what to do.

The CLI turns them into ``searchidx: error: MESSAGE`` on stderr and exits with
``exit_code``: 1 for runtime failures, 2 for bad usage (a malformed query).
"""


class SearchidxError(Exception):
    """Base class of every known failure."""

    exit_code = 1


class IndexNotFound(SearchidxError):
    """There is no index where one was expected."""


class IncompatibleIndex(SearchidxError):
    """The index was written by an older format version or analyzer (a rebuild
    reads it afresh), or by a newer format (only a newer searchidx reads it)."""


class IndexLocked(SearchidxError):
    """Another process is writing to the index."""


class IndexCorrupt(SearchidxError):
    """The index files cannot be read."""


class IndexChanged(SearchidxError):
    """Another process changed the index while it was being read, twice over."""


class IndexExists(SearchidxError):
    """An index was to be created where one already is."""


class UnsafeFolder(SearchidxError):
    """A folder is not searchidx's to write into or remove, or cannot be created or
    written into; it is left as it was."""


class CannotWrite(UnsafeFolder):
    """The index's folder cannot be written (a full disk, a file size limit, no
    permission); what the run wrote is cancelled. ``reason`` is the system's word
    for it («No space left on device»)."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


class DocumentError(SearchidxError):
    """A document cannot be read; indexing skips it and goes on."""


class NothingToIndex(SearchidxError):
    """Indexing was not told what to index, or was given a path that does not exist."""

    exit_code = 2


class OptionError(SearchidxError, ValueError):
    """An option of how to read files is out of range: an unknown encoding, a
    largest file of no bytes (the command line checks them as it reads them)."""

    exit_code = 2


class NotARoot(SearchidxError):
    """A path to forget is not one of the index's roots."""

    exit_code = 2


class QueryError(SearchidxError, ValueError):
    """The query cannot be understood, or a search argument is out of range."""

    exit_code = 2
