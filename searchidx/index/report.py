"""What indexing reports: a run's :class:`IndexReport` and the index's :class:`IndexInfo`."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    # Symbolic links to files met in a folder, not followed: each file is indexed
    # where it lies.
    links: list[str] = field(default_factory=list)
    # Roots that vanished (deleted or moved) and were dropped, with a note each.
    forgotten: list[FileNote] = field(default_factory=list)
    # Indexed files still there that this run's options leave out (hidden, of a
    # type no longer included): dropped from the index.
    left_out: list[str] = field(default_factory=list)
    # A forget's files that another root also holds, by that root: they stay indexed;
    # an update's unchanged files now under a root named inside theirs, by that root.
    kept: dict[str, int] = field(default_factory=dict)
    # Segments given a side file: new ones, and those whose side file was
    # missing or of an older format (then the only write of a run with no change).
    side_files_written: int = 0
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
    # Segments whose side file is there but unusable: of an older format, or damaged.
    outdated_side_files: int = 0
    # How each root is read where not as by default (``ReaderOptions.remembered()``):
    # what a refresh without options reads it with.
    root_options: dict[str, dict[str, object]] = field(default_factory=dict)
