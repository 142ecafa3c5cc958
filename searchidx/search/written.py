"""Words restricted by how they are written: ``=word`` and words typed with diacritics.

The index holds folded words only. A query word that cares how a word is
written becomes, per folded term ``F`` it matches, a :class:`WrittenTerm`: the
occurrences of ``F`` whose word, as written at that position of the paragraph,
passes a :class:`WrittenTest`. Its score is ``F``'s BM25F with the term
frequency counting only those occurrences (the idf and the field lengths are
``F``'s); a paragraph with none does not match, and phrases see only those
positions.

Two cores answer it: the array core reads each position's written form from the
side files' forward index (``array_positions.py``); Whoosh's matchers, the reference
and the fallback, re-read the paragraph's stored text (:class:`WrittenMatcher`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from whoosh import matching, query
from whoosh.query.spans import Span

from ..arabic import marks_compatible, position_words, written_form, written_letters

if TYPE_CHECKING:
    from collections.abc import Iterator

    from whoosh.scoring import BaseScorer
    from whoosh.searching import SearchContext, Searcher


@dataclass(frozen=True)
class WrittenTest:
    """Which written forms (:func:`~searchidx.arabic.written_form`) of a word pass.

    ``letters``: the letters must be these, marks, tatweel and controls aside
    (``=word``); ``marks``: a vocalized query word whose diacritics must allow
    the word's (:func:`~searchidx.arabic.marks_compatible`). None asks nothing.

    >>> WrittenTest(letters="علي").accepts("عَلِيٌّ"), WrittenTest(letters="علي").accepts("على")
    (True, False)
    >>> WrittenTest(marks="عِلْم").accepts("عِلْمٌ"), WrittenTest(marks="عِلْم").accepts("عَلَمٌ")
    (True, False)
    """

    letters: str | None = None
    marks: str | None = None

    def accepts(self, written: str) -> bool:
        if self.letters is not None and written_letters(written) != self.letters:
            return False
        return self.marks is None or marks_compatible(self.marks, written)


class WrittenTerm(query.Term):
    """The occurrences of the folded term ``text`` of ``fieldname`` whose word as
    written passes ``test``; scored as the term, on those occurrences only."""

    def __init__(self, fieldname: str, text: str, test: WrittenTest, boost: float = 1.0) -> None:
        super().__init__(fieldname, text, boost=boost)
        self.test = test

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.test == getattr(other, "test", None)

    def __hash__(self) -> int:
        return hash((super().__hash__(), self.test))

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}({self.fieldname!r}, {self.text!r}, {self.test!r})"

    def matcher(self, searcher: Searcher, context: SearchContext | None = None) -> matching.Matcher:
        child = super().matcher(searcher, context)
        if not child.is_active():
            return child
        # The term's scorer, made as Whoosh makes it for the postings (a child that
        # filters out deletions does not expose its own).
        weighting = searcher.weighting if context is None else context.weighting
        btext = searcher.schema[self.fieldname].to_bytes(self.text)
        # No weighting (a constant-score query's children): nothing is scored.
        scorer = weighting and weighting.scorer(searcher, self.fieldname, btext)
        return WrittenMatcher(child, searcher, self.test, scorer)


class WrittenMatcher(matching.WrappingMatcher):
    """A term's matcher keeping only the occurrences whose word as written passes a
    test: each candidate paragraph's stored text is split into words again (the
    positions of the ``terms`` field are the words' numbers) and the words at the
    term's positions are tested. Documents with no such occurrence are skipped."""

    def __init__(
        self,
        child: matching.Matcher,
        searcher: Searcher,
        test: WrittenTest,
        scorer: BaseScorer | None,
    ) -> None:
        super().__init__(child)
        self.searcher = searcher
        self.test = test
        self.scorer = scorer
        self._positions: list[int] = []
        self._settle()

    def copy(self) -> matching.Matcher:
        return WrittenMatcher(self.child.copy(), self.searcher, self.test, self.scorer)

    def replace(self, minquality: float = 0) -> matching.Matcher:
        return self if self.is_active() else matching.NullMatcher()

    def reset(self) -> None:
        self.child.reset()
        self._settle()

    def _settle(self) -> None:
        """Move to the first document, from the current one, with an accepted occurrence."""
        while self.child.is_active():
            self._positions = self._accepted()
            if self._positions:
                return
            self.child.next()
        self._positions = []

    def _accepted(self) -> list[int]:
        text = self.searcher.stored_fields(self.child.id()).get("text") or ""
        words = position_words(text)  # as the side files number them
        test = self.test
        return [
            position
            for position in self.child.value_as("positions")
            if position < len(words) and test.accepts(written_form(words[position]))
        ]

    def all_ids(self) -> Iterator[int]:
        while self.is_active():
            yield self.id()
            self.next()

    def next(self) -> bool:
        self.child.next()
        self._settle()
        return False

    def skip_to(self, id: int) -> bool:
        self.child.skip_to(id)
        self._settle()
        return False

    def supports_block_quality(self) -> bool:
        return False

    def weight(self) -> float:
        return float(len(self._positions))

    def value_as(self, astype: str) -> list[int] | int:
        if astype == "positions":
            return list(self._positions)
        if astype in ("frequency", "weight"):
            return len(self._positions)
        raise ValueError(f"{astype} is not available for a restricted term")

    def supports(self, astype: str) -> bool:
        return astype in ("positions", "frequency", "weight")

    def spans(self) -> list[Span]:
        return [Span(position) for position in self._positions]

    def score(self) -> float:
        return self.scorer.score(self)
