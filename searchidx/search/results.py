"""What a search returns: the hits (paragraphs) or the files, as dataclasses."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict, dataclass, field


@dataclass
class Hit:
    """One matching paragraph, as ``--format json`` shows it.

    ``path`` is the file's absolute path when it was indexed, ``root`` the
    folder (or file) that was indexed, ``doc`` the path relative to it.
    """

    rank: int
    score: float
    path: str
    root: str
    doc: str
    title: str
    paragraph: int
    locator: str
    text: str
    snippet: str
    matches: list[tuple[int, int]]
    window: tuple[int, int]
    # With ``context``: the paragraphs of the same document around the hit,
    # each ``{"paragraph", "text"}``; ``None`` when no context was asked for.
    before: list[dict[str, object]] | None = None
    after: list[dict[str, object]] | None = None

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        for name in ("before", "after"):
            if values[name] is None:
                del values[name]
        return values


@dataclass
class SearchResults:
    """The hits of one query, best first, and how many paragraphs matched in all."""

    query: str
    total: int
    hits: list[Hit]
    # When few paragraphs match: corrected queries, ``{"query", "total"}``, best first.
    suggestions: list[dict[str, object]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Hit]:
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def to_dict(self) -> dict[str, object]:
        values = {
            "query": self.query,
            "total": self.total,
            "hits": [h.to_dict() for h in self.hits],
        }
        if self.suggestions:
            values["suggestions"] = self.suggestions
        return values


@dataclass
class FileHit:
    """One file with matching paragraphs: how many, and the best paragraph's score.

    ``title`` is the document's title; a file of records (JSON Lines, JSON,
    CSV), whose records each have their own, has its file name there, and in
    ``records`` how many records it holds (``None`` for other files, and for
    files of records indexed before records were counted).
    """

    rank: int
    score: float
    path: str
    root: str
    doc: str
    title: str
    hits: int
    records: int | None = None

    def to_dict(self) -> dict[str, object]:
        values = asdict(self)
        if values["records"] is None:
            del values["records"]
        return values


@dataclass
class FileResults:
    """The files of one query's hits, best first; ``total`` files and ``paragraphs`` in all."""

    query: str
    total: int
    paragraphs: int
    files: list[FileHit]
    # When few paragraphs match: corrected queries, as in :class:`SearchResults`.
    suggestions: list[dict[str, object]] = field(default_factory=list)

    def __iter__(self) -> Iterator[FileHit]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def to_dict(self) -> dict[str, object]:
        values = {
            "query": self.query,
            "total": self.total,
            "paragraphs": self.paragraphs,
            "files": [f.to_dict() for f in self.files],
        }
        if self.suggestions:
            values["suggestions"] = self.suggestions
        return values
