"""Ranking by Whoosh's own matchers: BM25F plus the plan's bonuses, every match scored."""

from __future__ import annotations

from typing import TYPE_CHECKING

from whoosh import scoring

from .plan import BM25_B, BM25_K1

if TYPE_CHECKING:
    from collections.abc import Mapping

    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

    from .plan import QueryPlan


class _BonusScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, bonus: float, qf=1):
        self.bonus = bonus  # before the parent's __init__, which scores the best case
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)

    def _score(self, weight, length):
        return super()._score(weight, length) + self.bonus


class TermBonus(scoring.BM25F):
    """BM25F plus a fixed bonus per matched term, from a map of folded term to bonus.

    The bonuses make the ranking tiers of :attr:`QueryPlan.bonuses`; they
    apply to the ``terms`` field only, and a term not in the map scores plain
    BM25F.
    """

    def __init__(self, bonus: Mapping[str, float]) -> None:
        super().__init__(B=BM25_B, K1=BM25_K1)
        # Whoosh hands scorers the term as UTF-8 bytes.
        self.bonus = {term.encode("utf-8"): value for term, value in bonus.items() if value}

    def scorer(
        self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1
    ) -> scoring.BaseScorer:
        if fieldname == "terms" and text in self.bonus:
            bonus = self.bonus[text]
            return _BonusScorer(searcher, fieldname, text, self.B, self.K1, bonus, qf=qf)
        return super().scorer(searcher, fieldname, text, qf=qf)


def rank(
    whoosh_index: WhooshIndex, reader: IndexReader, plan: QueryPlan, limit: int
) -> tuple[list[int], list[float], int]:
    """The top ``limit`` ``(docnums, scores)`` and the total, by Whoosh's own matchers."""
    from whoosh.searching import Searcher  # only here: the array search needs neither

    # The weighting must be known when the searcher is made: it is handed to
    # one sub-searcher per index segment.
    weighting = TermBonus(plan.bonuses)
    with Searcher(
        reader, weighting=weighting, fromindex=whoosh_index, closereader=False
    ) as searcher:
        collector = _exact_top_collector(limit, plan, reader)
        searcher.search_with_collector(plan.query, collector)
        results = collector.results()
        return [r.docnum for r in results], [r.score for r in results], collector.count()


def _exact_top_collector(limit: int, plan: QueryPlan, reader):
    """A collector that scores every match, so the top hits and the total are exact.

    Whoosh's default skips blocks and drops sub-queries (here: the stem forms)
    once they cannot reach the top hits; on this index that saves little time,
    and it makes the count of matches too low and, with BM25's block bounds,
    can even miss a top hit.
    """
    from whoosh import collectors

    collector = collectors.TopCollector(limit, usequality=False, replace=0)
    if plan.excludes:
        collector = collectors.FilterCollector(collector, restrict=_unmatchable(reader))
    return collector


def _unmatchable(reader) -> set[int]:
    """File records and deleted documents, which NOT lets through.

    File records match no word, so they can only come in through NOT; and
    Whoosh's NOT matcher lets a deleted document through when it follows the
    last document that has the excluded word.
    """
    excluded = (
        set(reader.postings("kind", "file").all_ids()) if ("kind", "file") in reader else set()
    )
    for leaf, offset in reader.leaf_readers():
        excluded.update(offset + docnum for docnum in getattr(leaf, "deleted_docs_set", ()))
    return excluded
