"""Ranking in numpy over the segments' side files: a query plan evaluated array-wise.

It returns what Whoosh's matchers return for the same plan (see
``rank_whoosh.py``): the same matches, the same BM25F scores plus each term's
bonus, the same top hits with ties broken by document number. Whoosh's
statistics are reproduced as Whoosh computes them: ``idf = log(N / (df + 1)) + 1``
with N and df counting deleted documents and file records, the average field
length as the field's total length over N, field lengths as Whoosh's one-byte
encoding returns them, 1.0 for a document matched through NOT, and a phrase
scored as the sum of its words' scores.

Each node of the query tree becomes, per segment, the sorted document numbers
it matches and their scores: a term is a slice of its posting list (a word's
forms are read and scored together), OR sums
scores (``np.bincount``), AND intersects, NOT is kept as the complement of its
matches until an AND removes them or an OR needs them whole; AND MAYBE adds
its second part's scores where it matches too, and a constant-score node gives
each of its matches its one score. A phrase, and an AND of words, starts from
the word (all its forms) with the fewest postings: its documents are a mask
that the other words' postings are filtered by, before any position is read or
any score computed. Phrases are then checked on the documents left, by
intersecting the keys of where the phrase would start, ``document << shift |
position - k``, of each k-th word, the positions of each next word read only
in the documents where the words so far are in place.
Proximity (``"w1 w2"~N``, any order) is the AND of its words, kept where
their positions join as Whoosh's tree of ``SpanNear`` spans joins them; a word
ligature in it is one item, the phrase of its words, whose spans run from its
first word to its last.

A node evaluated for a parent that looks at some documents only (the optional
part of AND MAYBE, which adds a score where the required part matches) is
given them as a mask, ``within``, and reads nothing of the other documents.
A query of words typed with diacritics adds a constant bonus to the paragraphs
where they are written with compatible ones (a fuzzy word, to those holding
one of its forms): only the required part is scored
everywhere, and the bonus is looked for in its best-scoring paragraphs, more of
them until no paragraph left could reach the top hits
(:meth:`ArraySearcher._with_bonuses`); the total is the required part's. A
word's bonus reads its forms' postings in those paragraphs and the written
forms of their occurrences only (:func:`_written_in`). A phrase's matches are
kept for its bonus, which tests the written forms of the occurrences the phrase
read, in the paragraphs looked at, and reads no posting again.

A word restricted by how it is written (:class:`~.written.WrittenTerm`: ``=word``,
vocalized words) keeps only its accepted occurrences: its term frequency is
their number per document, and phrases see only them.

A node it does not know (or a boost) raises :class:`Unsupported`
before any work is done, and the caller uses Whoosh's matchers instead.

The side files are read through ``array_segments.py`` (terms, postings, the
verdicts on written forms) and ``array_positions.py`` (the postings a phrase
needs, positions, written forms, proximity's spans).
"""

from __future__ import annotations

from itertools import pairwise
from math import log
from typing import TYPE_CHECKING

import numpy as np
from whoosh import query

from ..sidefiles import FIELDS, distinct
from .array_positions import (
    KeptArrays,
    _accepted_occurrences,
    _common_keys,
    _holding_every,
    _key_spans,
    _moved,
    _near_docs,
    _near_layout,
    _near_pair,
    _near_tree,
    _phrase_postings,
    _positions,
    _postings_in,
    _restricted,
    _start_keys,
    _start_layout,
    _unit_keys,
    _word_occurrences,
    _word_postings,
)
from .array_segments import ArraySegments, _mask, _Segment
from .plan import BM25_B, BM25_K1, _unit_words
from .written import WrittenTerm

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from .plan import QueryPlan

_SCORED_FIELDS = {name for name, (_, has_lengths, _) in FIELDS.items() if has_lengths}
_NULL_QUERY = type(query.NullQuery)
# An AND of words is narrowed from its rarest word when another has this many times
# its postings; between words about as common, scoring each whole list costs less.
_NARROWING = 4
# Bonuses (see ArraySearcher._with_bonuses) are first looked for in this many
# best-scoring documents per hit asked for.
_TIER_FIRST = 8
# A term (or word) with postings in at least one document in this many has the
# length part of its scores taken from the whole segment's, worked out once.
_NORMS_KEPT = 8
# The idf of up to this many terms of each field is kept from search to search.
_IDF_KEPT = 100_000
# A word with postings in at least one document in this many has its scores kept
# added up per document (a float per document of the segment, at most this many
# times one per posting): for proximity and for an OR of words.
_SUMS_KEPT = 4
# The bytes of the scores of words scored whole kept from search to search
# (ArraySearcher.kept_scores): 8 a posting, or 8 a document of the segment
# (_SUMS_KEPT); a common word's a few hundred kilobytes per segment.
_SCORES_KEPT = 32 * 2**20


class Unsupported(Exception):
    """The query has a node array search does not evaluate."""


class _Matches:
    """Sorted document numbers of one segment and their scores."""

    __slots__ = ("ids", "scores")

    def __init__(self, ids: np.ndarray, scores: np.ndarray):
        self.ids = ids
        self.scores = scores


class _Complement:
    """Every live document except ``excluded``'s, each scoring 1.0 (Whoosh's NOT)."""

    __slots__ = ("excluded",)

    def __init__(self, excluded: _Matches):
        self.excluded = excluded


_EMPTY = _Matches(np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float64))


class ArraySearcher(ArraySegments):
    """Searches the segments of one Whoosh reader through their side files."""

    _file_numbers: np.ndarray | bool | None = None

    def __init__(self, segments: list[_Segment], doc_count_all: int) -> None:
        super().__init__(segments, doc_count_all)
        # Each term's idf: a reader's statistics never change, and a search's words
        # often come back in the next search. By field: dicts of bytes and floats,
        # which the garbage collector does not walk.
        self._idf: dict[str, dict[bytes, float]] = {}
        self._norms: dict[tuple[_Segment, str], np.ndarray] = {}
        # Proximity's keys of the commonest words, which come back search after search,
        # and the scores of their postings (summed per document too) and the masks of
        # the documents holding them.
        self.kept_keys = KeptArrays()
        self.kept_scores = KeptArrays(_SCORES_KEPT)

    def length_norms(
        self, segment: _Segment, fieldname: str, avgfl: float, B: float, K1: float
    ) -> np.ndarray:
        """:meth:`_Run.length_norms` of every document of ``segment``, kept."""
        key = (segment, fieldname)
        found = self._norms.get(key)
        if found is None:
            fl = segment.side[f"{fieldname}.lengths"].astype(np.float64)
            found = self._norms[key] = K1 * ((1 - B) + B * fl / avgfl)
        return found

    def idf(self, fieldname: str, term: bytes) -> float:
        """Whoosh's idf of the term: ``log(N / (df + 1)) + 1``, deleted documents counted."""
        kept = self._idf.setdefault(fieldname, {})
        found = kept.get(term)
        if found is None:
            if len(kept) > _IDF_KEPT:
                kept.clear()
            df = self.doc_frequency(fieldname, term)
            found = kept[term] = log(self.doc_count_all / (df + 1)) + 1
        return found

    def look_up(self, terms: tuple[bytes, ...]) -> None:
        """Have every segment know the number of each of ``terms`` (of the ``terms``
        field) whose idf is not kept yet: one ``searchsorted`` per segment for all
        of them, rather than one per term and segment when each idf is worked out."""
        kept = self._idf.get("terms", {})
        new = [term for term in terms if term not in kept]
        if len(new) > 1:
            for segment in self.segments:
                segment.ordinals("terms", new, keep=True)

    def rank(self, plan: QueryPlan, limit: int) -> tuple[list[int], list[float], int]:
        """The top ``limit`` (docnums, scores) and the total, or raise :class:`Unsupported`."""
        ids, scores, total = self._matched(plan, limit)
        top = _top(ids, scores, limit)
        return ids[top].tolist(), scores[top].tolist(), total

    def file_numbers(self) -> np.ndarray | None:
        """Each document's file as a number, -1 for a file record (which has no
        ``doc`` id), from the side files' postings of the ``doc`` field: the file's
        path relative to its root. None where two live files share their ``doc``
        id (files of two roots): then it does not tell them apart."""
        if self._file_numbers is None:
            numbers = np.full(self.doc_count_all, -1, dtype=np.int32)
            known: dict[bytes, int] = {}
            files, used = 0, []
            for segment in self.segments:
                side, offset = segment.side, segment.offset
                blob = side["doc.blob"].tobytes()
                ids = [
                    known.setdefault(blob[a:b], len(known))
                    for a, b in pairwise(side["doc.offsets"].tolist())
                ]
                docs = side["doc.docs"].astype(np.int64)
                ours = np.repeat(np.array(ids, dtype=np.int32), np.diff(side["doc.pointers"]))
                numbers[docs + offset] = ours
                records = _term_docs(segment, "kind", b"file")
                if segment.live is not None:
                    records = records[segment.live[records]]
                    ours = ours[segment.live[docs]]
                files += len(records)
                used.append(ours)
            shared = files != len(distinct(np.concatenate(used))) if used else False
            self._file_numbers = False if shared else numbers
        return self._file_numbers if self._file_numbers is not False else None

    def matches(self, plan: QueryPlan) -> tuple[np.ndarray, np.ndarray]:
        """Every match's docnum (ascending) and score, or raise :class:`Unsupported`."""
        ids, scores, _ = self._matched(plan, None)
        return ids, scores

    def _matched(self, plan: QueryPlan, limit: int | None):
        """``(docnums, scores, total)``: the matches, all of them or (with ``limit``)
        enough for the top ``limit``, and how many there are."""
        q = plan.query
        _check(q)
        required, bonuses = _split_bonuses(q)
        run = _Run(self, plan.bonuses, keep_phrases=bool(bonuses))
        found = []
        for segment in self.segments:
            matches = _materialize(run.evaluate(required, segment), segment)
            if plan.excludes:
                matches = _without(matches, run.term(segment, "kind", "file"), segment.size)
            found.append(matches)
        offsets = [segment.offset for segment in self.segments]
        ids = np.concatenate([matches.ids + at for matches, at in zip(found, offsets, strict=True)])
        scores = np.concatenate([matches.scores for matches in found])
        total = len(ids)
        if bonuses:
            ids, scores = self._with_bonuses(run, found, ids, scores, bonuses, limit)
        return ids, scores, total

    def _with_bonuses(self, run, found: list, ids, scores, bonuses: list, limit: int | None):
        """Of the documents ``ids`` (all segments' ``found`` laid end to end) with
        their ``scores``, enough for the top ``limit`` (without it, all) with each
        of ``bonuses`` (constant-score queries) added where it matches too, and
        their totals.

        The bonuses are looked for in the best-scoring documents first
        (:data:`_TIER_FIRST` per hit asked for, four times as many each round),
        until the ``limit``-th best total among them is above what any document
        left could reach, its score plus every bonus: a word typed with
        diacritics reads the written forms in the paragraphs that can reach the
        top, not in every paragraph where it occurs. Every document scoring as
        the last one checked is checked with it, so ties fall as they would."""
        firsts = np.cumsum([0] + [len(matches.ids) for matches in found])
        checked = len(ids) if limit is None else limit * _TIER_FIRST
        while checked < len(ids):
            threshold = np.partition(scores, len(ids) - checked)[len(ids) - checked]
            taken = scores >= threshold
            if taken.all():
                break  # every document scores as the last one checked
            chosen = np.flatnonzero(taken)
            total = self._bonused(run, found, firsts, chosen, scores[chosen], bonuses)
            reachable = scores[~taken].max()
            for q in bonuses:
                reachable = reachable + q.score
            top = _top(ids[chosen], total, limit)
            if total[top[-1]] > reachable:
                return ids[chosen], total
            checked *= 4
        everything = np.arange(len(ids))
        return ids, self._bonused(run, found, firsts, everything, scores, bonuses)

    def _bonused(self, run, found: list, firsts, chosen, scores, bonuses: list) -> np.ndarray:
        """``scores`` (of the documents ``chosen``) plus each of ``bonuses`` where it
        matches, added as :func:`_plus` adds them (0.0 where it does not)."""
        for q in bonuses:
            matched = self._matching(run, q, found, firsts, chosen)
            scores = scores + np.where(matched, q.score, 0.0)
        return scores

    def _matching(self, run, q, found: list, firsts, chosen) -> np.ndarray:
        """A mask of ``chosen`` (numbers into the segments' ``found`` laid end to end,
        sorted) of the documents that ``q`` matches too."""
        matched = np.zeros(len(chosen), dtype=bool)
        bounds = np.searchsorted(chosen, firsts)
        for number, segment in enumerate(self.segments):
            low, high = int(bounds[number]), int(bounds[number + 1])
            if low == high:
                continue
            docs = found[number].ids[chosen[low:high] - firsts[number]]
            if type(q) is query.ConstantScoreQuery and _is_restricted_word(q.child):
                matched[low:high] = _written_in(segment, _forms(q.child), docs)
                continue
            inside = _mask(docs, segment.size)
            matches = _materialize(run.evaluate(q, segment, inside), segment)
            matched[low:high] = _among(docs, matches.ids, segment.size)
        return matched


def _split_bonuses(q: query.Query) -> tuple[query.Query, list]:
    """``(required, bonuses)``: what ``q`` matches and the constant scores it adds
    where more matches too (the paragraphs where words typed with diacritics are
    written with compatible ones), as :meth:`_Run.evaluate` adds them; ``(q, [])``
    where ``q`` is not of that shape."""
    kind = type(q)
    if kind is query.AndMaybe:
        required, optional = q.a, [q.b]
    elif kind is query.And and any(type(child) is query.AndMaybe for child in q.subqueries):
        parts = q.subqueries
        required = query.And([c.a if type(c) is query.AndMaybe else c for c in parts])
        optional = [child.b for child in parts if type(child) is query.AndMaybe]
    else:
        return q, []
    constant = all(type(part) is query.ConstantScoreQuery and part.score >= 0 for part in optional)
    return (required, optional) if constant else (q, [])


def _check(q: query.Query) -> None:
    """Raise :class:`Unsupported` unless every node of ``q`` is one array search knows."""
    kind = type(q)
    if kind is _NULL_QUERY:
        return
    if getattr(q, "boost", 1.0) != 1.0:
        raise Unsupported("boost")
    if kind is query.Term:
        if q.fieldname not in FIELDS or not isinstance(q.text, str):
            raise Unsupported("field")
    elif kind is WrittenTerm:
        _check_words([q])
    elif kind is query.Or:
        if q.minmatch or q.scale:
            raise Unsupported("minmatch")
        words = q.subqueries
        if _is_word_forms(words) and all(
            word.boost == 1.0 and isinstance(word.text, str) for word in words
        ):
            return  # a word's forms: each passes as a term of its own would
    elif kind is query.Phrase:
        if q.fieldname != "terms" or q.slop != 1:
            raise Unsupported("phrase")
    elif kind is query.Sequence:
        if q.ordered and q.slop != 1:
            raise Unsupported("sequence")
        for child in q.subqueries:
            if type(child) is query.Sequence and child.ordered and not q.ordered:
                continue  # a word ligature of a proximity: the phrase of its words
            if type(child) is query.Or:
                _check_words(child.subqueries)
            else:
                _check_words([child])
    elif kind not in (query.And, query.Not, query.AndNot, query.AndMaybe, query.ConstantScoreQuery):
        raise Unsupported(kind.__name__)
    for child in q.children():
        _check(child)


def _check_words(words) -> None:
    if not _is_word_forms(words):
        raise Unsupported("sequence word")


class _Run:
    """One query's evaluation: the bonuses and the global statistics it needs."""

    def __init__(
        self, searcher: ArraySearcher, bonuses: Mapping[str, float], keep_phrases: bool = False
    ):
        self.searcher = searcher
        # With ``keep_phrases``, each phrase's matches found in a whole segment, by
        # segment and words: the bonus of the same phrase written with compatible
        # marks is then looked for among them (see :meth:`sequence`).
        self.phrases: dict | None = {} if keep_phrases else None
        self.B, self.K1 = BM25_B, BM25_K1
        # Keyed by UTF-8 bytes, as the side files hold terms.
        self.bonus = {term.encode("utf-8"): value for term, value in bonuses.items() if value}
        self._weights: dict = {}
        self._avgfl: dict = {}

    def evaluate(self, q, segment: _Segment, within: np.ndarray | None = None):
        """The matches of ``q`` in ``segment``. With ``within`` (a mask of documents),
        they are exact on the documents of ``within`` only: the caller uses no other,
        so the words' postings elsewhere need not be read, scored or positioned."""
        kind = type(q)
        if kind is _NULL_QUERY:
            return _EMPTY
        if kind is query.Term:
            return self.term(segment, q.fieldname, q.text, within)
        if kind is query.Not:
            return _Complement(_materialize(self.evaluate(q.query, segment, within), segment))
        if kind is query.AndNot:
            positive = _materialize(self.evaluate(q.a, segment, within), segment)
            negative = _materialize(self.evaluate(q.b, segment, within), segment)
            return _without(positive, negative, segment.size)
        if kind is query.AndMaybe:
            required = _materialize(self.evaluate(q.a, segment, within), segment)
            return self.maybe(segment, required, [q.b])
        if kind is query.ConstantScoreQuery:
            found = None
            if (shape := _sequence_shape(q.child)) is not None:
                # Only its documents count: their scores are not computed.
                found = self.sequence(segment, *shape, within, scored=False)
            if found is None:
                found = _materialize(self.evaluate(q.child, segment, within), segment)
            return _Matches(found.ids, np.full(len(found.ids), q.score))
        if (shape := _sequence_shape(q)) is not None:
            return self.sequence(segment, *shape, within)
        if kind is query.Sequence and not q.ordered:
            return self.proximity(segment, q, within)
        if kind is query.And and any(type(child) is query.AndMaybe for child in q.subqueries):
            # Words typed with diacritics: what every word requires first, then the
            # optional parts (their written forms, read position by position) only
            # in the documents that all the required parts match.
            required = [
                child.a if type(child) is query.AndMaybe else child for child in q.subqueries
            ]
            found = _materialize(self.evaluate(query.And(required), segment, within), segment)
            optional = [child.b for child in q.subqueries if type(child) is query.AndMaybe]
            return self.maybe(segment, found, optional)
        if kind is query.And and q.subqueries and all(map(_is_word, q.subqueries)):
            # Words only (a query of several words): intersected before any is scored,
            # when one is much rarer than another.
            groups = [_forms(child) for child in q.subqueries]
            found = self.sequence(segment, groups, False, within)
            if found is not None:
                return found
        if kind is query.Or and _is_word(q):
            return self.word(segment, q.subqueries, within)
        if kind is query.Or and within is None and all(map(_is_plain_word, q.subqueries)):
            found = self.any_word(segment, [_forms(child) for child in q.subqueries])
            if found is not None:
                return found
        children = [self.evaluate(child, segment, within) for child in q.subqueries]
        if not children:
            return _EMPTY
        if kind is query.Or:
            return _union([_materialize(child, segment) for child in children], segment.size)
        return _intersection(children, segment)

    def word(self, segment: _Segment, forms: list, within=None) -> _Matches:
        """The OR of a word's ``forms`` (terms of the ``terms`` field): their postings
        read as slices and scored at once (:meth:`postings_scores`), in ``within``
        where given: :meth:`term` and :func:`_union` without a call per form (the
        few more operations per posting cost less than a call per form, also where
        one form has tens of thousands of postings)."""
        terms = [word.text.encode("utf-8") for word in forms]
        numbers = segment.ordinals("terms", terms, keep=True)
        terms = [(number, term) for number, term in zip(numbers, terms, strict=True) if number >= 0]
        if not terms:
            return _EMPTY
        if len(terms) == 1:
            return self.term(segment, "terms", terms[0][1].decode("utf-8"), within)
        side = segment.side
        bounds = [segment.postings("terms", ordinal) for ordinal, _ in terms]
        docs = np.concatenate([side["terms.docs"][start:end] for start, end in bounds])
        tf = np.concatenate([side["terms.freqs"][start:end] for start, end in bounds])
        form = np.repeat(np.arange(len(terms)), [end - start for start, end in bounds])
        if within is not None:
            chosen = within[docs].nonzero()[0]
            docs, tf, form = docs[chosen], tf[chosen], form[chosen]
        return self.postings_scores(segment, None, form, docs, tf, terms)

    def any_word(self, segment: _Segment, words: list) -> _Matches | None:
        """The OR of ``words`` (each a list of the ``terms`` field's terms, its forms)
        in the whole segment, as :meth:`word` and :func:`_union` score it: each
        word's postings scored at once and added up per document straight into the
        segment's documents (a common word's sums kept, :meth:`word_sums`), then
        word to word, each document's in the same order. None where the words'
        postings are too few for arrays of the segment's documents to cost less
        than adding up each word's and then their union."""
        found = []
        for forms in words:
            texts = [word.text.encode("utf-8") for word in forms]
            numbers = segment.ordinals("terms", texts, keep=True)
            terms = [(n, text) for n, text in zip(numbers, texts, strict=True) if n >= 0]
            if terms:
                found.append(terms)
        if not found:
            return _EMPTY
        ordinals, sizes = _ordinals_and_sizes(segment, found)
        if sum(sizes) * _SUMS_KEPT < segment.size:
            return None
        present = np.zeros(segment.size, dtype=bool)
        total = None
        for number, terms, size in zip(ordinals, found, sizes, strict=True):
            if size * _SUMS_KEPT >= segment.size:
                # As near_word() keeps a common word's: of the deleted documents too.
                summed = self.word_sums(segment, number, terms)
                present |= self.holding(segment, [number])
            else:
                form, docs, tf = _word_postings(segment, number)
                ids, each = self.each_posting(segment, None, form, docs, tf, terms)
                present[ids] = True
                summed = np.bincount(ids, each, segment.size)  # as _summed() adds them
            # As _union() adds the words' up, in turn.
            total = summed if total is None else total + summed
        if segment.live is not None:
            present &= segment.live
        ids = present.nonzero()[0]
        return _Matches(ids, total[ids])

    def maybe(self, segment: _Segment, required: _Matches, optional: list) -> _Matches:
        """``required`` with the scores of each ``optional`` query added where it matches
        too (AND MAYBE), each evaluated in ``required``'s documents only."""
        if not len(required.ids):
            return required
        inside = _mask(required.ids, segment.size)
        for q in optional:
            found = _materialize(self.evaluate(q, segment, inside), segment)
            required = _plus(required, found, segment)
        return required

    def term(self, segment: _Segment, fieldname: str, text: str, within=None) -> _Matches:
        """The term's live documents and scores (of those in ``within``, where given)."""
        term = text.encode("utf-8")
        ordinal = segment.ordinal(fieldname, term)
        if ordinal < 0:
            return _EMPTY
        side = segment.side
        start, end = segment.postings(fieldname, ordinal)
        ids = side[f"{fieldname}.docs"][start:end].astype(np.int64)
        # Taken by number: a mask of scattered documents costs more to apply.
        chosen = slice(None) if within is None else np.flatnonzero(within[ids])
        ids = ids[chosen]
        if fieldname in _SCORED_FIELDS:
            tf = side[f"{fieldname}.freqs"][start:end][chosen].astype(np.float64)
            idf, K1 = self.searcher.idf(fieldname, term), self.K1
            # Whoosh's bm25(), operation for operation, so the floats agree.
            scores = idf * ((tf * (K1 + 1)) / (tf + self.length_norms(segment, fieldname, ids)))
            bonus = self.bonus.get(term) if fieldname == "terms" else None
            if bonus:
                scores = scores + bonus
        else:
            # Whoosh scores an unscored field's match by the term's largest weight: 1.0.
            scores = np.ones(len(ids), dtype=np.float64)
        if segment.live is not None:
            alive = segment.live[ids]
            ids, scores = ids[alive], scores[alive]
        return _Matches(ids, scores)

    def weights(self, terms) -> tuple[np.ndarray, np.ndarray]:
        """The idf and the bonus of each of ``terms`` (``(ordinal, term)`` pairs) of the
        ``terms`` field, as arrays: kept for the next segment, where a word most
        often has the same terms."""
        key = tuple(term for _, term in terms)
        found = self._weights.get(key)
        if found is None:
            self.searcher.look_up(key)
            idf = np.array([self.searcher.idf("terms", term) for term in key])
            found = self._weights[key] = (idf, np.array([self.bonus.get(t, 0.0) for t in key]))
        return found

    def length_norms(self, segment: _Segment, fieldname: str, ids: np.ndarray) -> np.ndarray:
        """``K1 * ((1 - B) + B * fl / avgfl)`` of the documents ``ids``: the part of
        Whoosh's bm25() that depends on the document's field length alone, computed
        as it computes it. For many documents, taken from the segment's, worked out
        once for the reader (:meth:`ArraySearcher.length_norms`)."""
        B, K1 = self.B, self.K1
        if len(ids) * _NORMS_KEPT < segment.size:
            fl = segment.side.taken(f"{fieldname}.lengths", ids).astype(np.float64)
            return K1 * ((1 - B) + B * fl / self.avgfl(fieldname))
        return self.searcher.length_norms(segment, fieldname, self.avgfl(fieldname), B, K1)[ids]

    def avgfl(self, fieldname: str) -> float:
        if fieldname not in self._avgfl:
            total = sum(s.side.field_lengths[fieldname] for s in self.searcher.segments)
            self._avgfl[fieldname] = total / (self.searcher.doc_count_all or 1) or 1
        return self._avgfl[fieldname]

    def sequence(
        self,
        segment: _Segment,
        groups: list[list],
        adjacent: bool = True,
        within=None,
        scored: bool = True,
    ):
        """Documents where a word of each group follows one of the previous group (or,
        not ``adjacent``, is anywhere), scored as the AND of the groups (each group's
        words are an OR, of terms or of :class:`~.written.WrittenTerm` of one test),
        in ``within`` (a mask) where given; not ``scored``, each scores 0. Not
        ``adjacent``, None when no group has :data:`_NARROWING` times fewer
        postings than another and none is restricted: then scoring whole posting
        lists is cheaper.

        A phrase of plain words evaluated in a whole segment is kept where the run
        keeps phrases; the same phrase restricted by written tests, unscored (its
        bonus), is then found among the kept matches (:func:`_written_as_asked`)."""
        tests = [getattr(group[0], "test", None) for group in groups]
        if adjacent and self.phrases is not None and len(groups) > 1:
            words = tuple(tuple(word.text for word in group) for group in groups)
            kept = self.phrases.get((segment, words))
            if kept is not None and not scored and any(tests):
                return _written_as_asked(segment, kept, tests, within)
            keeping = within is None and scored and not any(tests)
        else:
            keeping = False
        forms = [self.word_terms(segment, group) for group in groups]
        if not all(forms):
            return _EMPTY
        ordinals, sizes = _ordinals_and_sizes(segment, forms)
        similar = max(sizes) < _NARROWING * min(sizes)
        if len(groups) > 1 and not adjacent and similar and within is None and not any(tests):
            return None
        postings = _phrase_postings(segment, ordinals, sizes, within)
        if postings is None:
            return _EMPTY
        if not adjacent and scored and len(groups) > 1 and not any(tests):
            # Every group is in each document left: each group's scores are added up
            # straight into them (one bincount per group), then group to group, as
            # an AND adds them.
            ids = _unscored(segment, _mask(postings[0][2], segment.size).nonzero()[0]).ids
            scores = np.zeros(len(ids))
            for (index, form, docs), terms in zip(postings, forms, strict=True):
                docs, each = self.each_posting(segment, index, form, docs, None, terms)
                scores = scores + np.bincount(ids.searchsorted(docs), each, len(ids))
            return _Matches(ids, scores)
        if not adjacent or len(groups) == 1:
            # Each group's postings, restricted ones to their accepted occurrences.
            parts = []
            for (index, form, docs), ordinal, test, terms in zip(
                postings, ordinals, tests, forms, strict=True
            ):
                tf = None
                if test is not None:
                    index, form, docs, tf, _ = _restricted(
                        segment, index, form, docs, ordinal, test, positions=False
                    )
                if scored:
                    parts.append(self.postings_scores(segment, index, form, docs, tf, terms))
                else:
                    parts.append(_unscored(segment, np.flatnonzero(_mask(docs, segment.size))))
            return _intersection(parts, segment)
        # Word by word, the one with the fewest postings first: the positions (and
        # written forms) of each next word are read only where the words so far are
        # in place.
        layout = _start_layout(segment, len(groups))
        shift = layout[0]
        keys = None
        groups_found: list = [None] * len(groups)
        read: list = [None] * len(groups)
        given: dict = {}  # each word's terms and test: where it was read
        for distance in np.argsort([len(index) for index, _, _ in postings], kind="stable"):
            distance = int(distance)
            ordinal, test, tf = ordinals[distance], tests[distance], None
            earlier = given.setdefault((ordinal.tobytes(), test), distance)
            if earlier != distance:
                # A word given again («قال قال»): the occurrences read for it, each
                # one's start key moved by the distance between the two.
                group_keys, owner, numbers = read[earlier]
                group_keys = _moved(group_keys, earlier - distance)
                groups_found[distance] = groups_found[earlier]
                read[distance] = (group_keys, owner, numbers)
                keys = _common_keys(keys, group_keys)
                if not len(keys):
                    return _EMPTY
                continue
            index, form, docs = postings[distance]
            if keys is not None:
                alive = _mask(keys >> shift, segment.size)[docs]
                index, form, docs = index[alive], form[alive], docs[alive]
            numbers = None
            if keeping:
                # Each occurrence's number too, where the bonus tests its written form.
                positions, owner, numbers = _positions(segment, index, ordinal[form], True)
            elif test is None:
                positions, owner = _positions(segment, index, ordinal[form])
            else:
                index, form, docs, tf, (positions, owner) = _restricted(
                    segment, index, form, docs, ordinal, test
                )
            group_keys = _start_keys(docs[owner], positions, distance, layout)
            groups_found[distance] = (index, form, docs, tf)
            read[distance] = (group_keys, owner, numbers)
            keys = group_keys if keys is None else _common_keys(keys, group_keys)
            if not len(keys):
                return _EMPTY
        if keeping:
            self.phrases[segment, words] = (keys, layout, groups_found, read, ordinals)
        found = _mask(keys >> shift, segment.size)
        if not scored:
            return _unscored(segment, found.nonzero()[0])
        return self.scores_in(segment, found, list(zip(groups_found, forms, strict=True)))

    def proximity(self, segment: _Segment, q: query.Sequence, within=None) -> _Matches:
        """Documents where the words of ``q`` are within ``q.slop`` positions of each
        other in any order, scored as the AND of the words (as Whoosh scores it).

        The documents having every word are found from their postings, narrowed
        from the rarest word (:func:`_phrase_postings`) where one is much rarer
        (else marked, :func:`_holding_every`), and positions are read
        only there (:func:`_word_occurrences`), a word given twice once; then
        Whoosh's tree of ``SpanNear`` matches is followed: the first half of the
        words against the second half, each half the same way down to single
        words, and a pair of spans joins when 1 to ``slop`` positions separate
        them (spans that overlap are 0 apart, so never join). Only the documents
        of the last join are needed, not its spans: :func:`_near_docs`, or for two
        words :func:`_near_pair`, whose documents alone are scored
        (:meth:`scores_in`; a word in most of them by :meth:`near_word`).

        An item of ``q`` may be a word ligature, the phrase of its words (an
        ordered Sequence): its words are read and scored as the others are, and
        its spans are where they stand side by side (:func:`_unit_keys`), from
        its first word to its last."""
        items = [_unit_words(child) for child in q.subqueries]
        every = [word for item in items for word in item]
        keys = [_word_key(word) for word in every]
        distinct = list(dict.fromkeys(keys))  # each word once, in order
        forms = [_forms(every[keys.index(key)]) for key in distinct]
        terms = [self.word_terms(segment, word) for word in forms]
        if not all(terms):
            return _EMPTY
        ordinals, sizes = _ordinals_and_sizes(segment, terms)
        tests = [getattr(word[0], "test", None) for word in forms]
        kept = self.searcher.kept_keys
        if max(sizes) < _NARROWING * min(sizes) and not any(tests):
            # Words about as common: their documents marked cost less than choosing
            # postings, which each word reads where it needs them. Where every
            # word's keys are kept, the documents they are near in hold them all.
            postings = [None] * len(distinct)
            if within is None and all(kept.get(segment, found) is not None for found in ordinals):
                candidates = None
            else:
                candidates = self.holding(segment, ordinals)
                if within is not None:
                    candidates = candidates & within
                if not candidates.any():
                    return _EMPTY
        else:
            postings = _phrase_postings(segment, ordinals, sizes, within)
            if postings is None:
                return _EMPTY
            candidates = _mask(postings[0][2], segment.size)
        read = [
            _word_occurrences(segment, *word, candidates, kept)
            for word in zip(ordinals, tests, postings, strict=True)
        ]
        words = [read[distinct.index(key)] for key in keys]
        shift = _near_layout(segment)[0]
        placed, taken = [], 0  # each item's keys: a ligature's, where its last word is
        for item in items:
            found = words[taken : taken + len(item)]
            placed.append(found[0] if len(item) == 1 else _unit_keys(found))
            taken += len(item)
        if len(items) == 2:
            if len(words) == 2:
                near = _near_pair(*words, q.slop, shift, segment.size)
            else:
                spans = [_item_spans(*pair, shift) for pair in zip(placed, items, strict=True)]
                near = _mask(_near_docs(*spans, q.slop), segment.size)
            if candidates is not None:
                near &= candidates  # keys read whole are of other documents too
            if not near.any():
                return _EMPTY
            groups = []
            for number in (distinct.index(key) for key in keys):
                if tests[number] is None and (
                    postings[number] is None
                    or len(postings[number][0]) * _NARROWING > sizes[number]
                ):
                    # A word not narrowed (most of its postings in the candidates):
                    # its postings read whole, as slices, cost less than chosen, and
                    # their scores are kept for the next search.
                    groups.append(self.near_word(segment, ordinals[number], terms[number], near))
                    continue
                if (
                    postings[number] is None
                    or len(postings[number][0]) * _NARROWING > sizes[number]
                ):
                    # Restricted: scored as a word in the near documents.
                    child = every[keys.index(distinct[number])]
                    groups.append(_materialize(self.evaluate(child, segment, near), segment))
                    continue
                (index, form, docs), tf = postings[number], None
                if tests[number] is not None:
                    # Only the near documents' occurrences have their written forms read.
                    inside = np.flatnonzero(near[docs])
                    index, form, docs, tf, _ = _restricted(
                        segment, index[inside], form[inside], docs[inside],
                        ordinals[number], tests[number], positions=False,
                    )  # fmt: skip
                groups.append(((index, form, docs, tf), terms[number]))
            return self.scores_in(segment, near, groups)
        # Scored as the AND of every word, as Whoosh adds up a ligature's words too.
        matches = _materialize(self.evaluate(query.And(every), segment, within), segment)
        if not len(matches.ids):
            return _EMPTY
        # Only the documents holding every word can hold them near each other: the
        # spans of the others would be joined for nothing, in every step of the tree.
        holding = _mask(matches.ids, segment.size)
        # A word given twice keeps one spans object: _near_docs knows it by identity
        # (a ligature's spans are longer, and never one).
        spans = {
            id(found): _item_spans(found[holding[found >> shift]], item, shift)
            for found, item in zip(placed, items, strict=True)
        }
        spans = [spans[id(found)] for found in placed]
        half = len(spans) // 2
        first, second = _near_tree(spans[:half], q.slop), _near_tree(spans[half:], q.slop)
        near = _near_docs(first, second, q.slop)
        keep = _among(matches.ids, near, segment.size)
        return _Matches(matches.ids[keep], matches.scores[keep])

    def near_word(self, segment: _Segment, ordinals, terms: list, near) -> _Matches:
        """The live documents of the mask ``near`` (each holding the word of the
        terms ``ordinals``, ``(ordinal, term)`` pairs ``terms``) scored as the word:
        :meth:`each_posting` of its postings there, from the scores of all its
        postings worked out once for the reader (kept in
        :attr:`ArraySearcher.kept_scores`), its bonuses added.

        A word in at least one document in :data:`_SUMS_KEPT` has its scores
        kept added up per document, its bonuses in them (a float per document of
        the segment, at most that many times one per posting): its near
        documents' are then taken, none of its postings read again. A document's
        scores are added in the same order either way, so they sum alike."""
        live = near if segment.live is None else near & segment.live
        ids = live.nonzero()[0]
        if _postings_count(segment, ordinals) * _SUMS_KEPT >= segment.size:
            return _Matches(ids, self.word_sums(segment, ordinals, terms)[ids])
        form, docs, tf = _word_postings(segment, ordinals)
        idf, bonus = self.weights(terms)
        kept = self.searcher.kept_scores
        every = kept.get(segment, ordinals)
        if every is None:
            every = self.word_scores(segment, form, docs, tf, idf)
            kept.put(segment, ordinals, every)
        chosen = np.flatnonzero(near[docs])
        docs, each = docs[chosen].astype(np.int64), every[chosen]
        if bonus.any():
            each = each + bonus[form[chosen]]
        if segment.live is not None:
            alive = segment.live[docs]
            docs, each = docs[alive], each[alive]
        return _Matches(ids, np.bincount(docs, each, segment.size)[ids])

    def word_sums(self, segment: _Segment, ordinals, terms: list) -> np.ndarray:
        """The scores of the postings of the word of the terms ``ordinals``
        (``(ordinal, term)`` pairs ``terms``) added up per document of the
        segment, deleted ones too, its bonuses in them, kept in
        :attr:`ArraySearcher.kept_scores`. Each document's are added in the order
        of its postings, as :func:`_summed` adds them."""
        idf, bonus = self.weights(terms)
        also = ("per document", bonus.tobytes())
        kept = self.searcher.kept_scores
        summed = kept.get(segment, ordinals, also)
        if summed is None:
            form, docs, tf = _word_postings(segment, ordinals)
            each = self.word_scores(segment, form, docs, tf, idf)
            if bonus.any():
                each = each + bonus[form]
            summed = np.bincount(docs, each, segment.size)
            kept.put(segment, ordinals, summed, also)
        return summed

    def holding(self, segment: _Segment, ordinals: list) -> np.ndarray:
        """A mask of the documents (deleted ones too) holding a term of each of the
        words ``ordinals`` (each word's terms), not to be changed: a word in at
        least one document in :data:`_SUMS_KEPT` has its mask kept (in
        :attr:`ArraySearcher.kept_scores`), as its scores are, for proximity and
        ``--any`` to take again."""
        holding = None
        for terms in ordinals:
            found = None
            common = _postings_count(segment, terms) * _SUMS_KEPT >= segment.size
            if common:
                found = self.searcher.kept_scores.get(segment, terms, "holding")
            if found is None:
                found = _holding_every(segment, [terms])
                if common:
                    self.searcher.kept_scores.put(segment, terms, found, "holding")
            holding = found if holding is None else holding & found
        return holding

    def word_scores(self, segment: _Segment, form, docs, tf, idf) -> np.ndarray:
        """The score of each of a word's postings (``form``, ``docs`` and ``tf``, its
        terms' ``idf``), its bonus not added: as :meth:`each_posting` computes it."""
        K1, tf = self.K1, tf.astype(np.float64)
        norms = self.searcher.length_norms(segment, "terms", self.avgfl("terms"), self.B, K1)
        return idf[form] * ((tf * (K1 + 1)) / (tf + norms[docs]))

    def word_terms(self, segment: _Segment, forms: list) -> list:
        """The ``(ordinal, term)`` of each of a word's ``forms`` in ``segment`` (a
        restricted word's none of whose written forms pass left out)."""
        test = getattr(forms[0], "test", None)
        found = [word.text.encode("utf-8") for word in forms]
        numbers = segment.ordinals("terms", found, keep=True)
        return [
            (ordinal, term)
            for ordinal, term in zip(numbers, found, strict=True)
            if ordinal >= 0 and (test is None or segment.passing(test, ordinal) is not False)
        ]

    def scores_in(self, segment: _Segment, found: np.ndarray, groups: list) -> _Matches:
        """The live documents of the mask ``found``, each holding every one of
        ``groups``, scored as their AND: each group's ``((index, form, docs, tf),
        terms)``, its postings (in ``found`` and elsewhere; ``tf`` None or their
        frequencies, counting the accepted occurrences of restricted terms, and
        ``index`` then unused) and ``(ordinal, term)``
        pairs, or its :class:`_Matches` in ``found``. Each group's scores are added
        up in the documents (one place per document), then group to group, as an
        AND adds them."""
        live = found if segment.live is None else found & segment.live
        ids = live.nonzero()[0]
        # Each group's scores per live document: in each one's place in ``ids``,
        # searched where they are few, else in the segment's, then taken.
        few = len(ids) * 8 < segment.size
        scores = np.zeros(len(ids))
        for group in groups:
            if isinstance(group, _Matches) and np.array_equal(group.ids, ids):
                # Scored in every live document of ``found`` (near_word's are).
                scores = scores + group.scores
                continue
            if isinstance(group, _Matches):  # a group scored in some of ``found``
                part = np.zeros(len(ids) if few else segment.size)
                part[ids.searchsorted(group.ids) if few else group.ids] = group.scores
                scores = scores + (part if few else part[ids])
                continue
            (index, form, docs, tf), terms = group
            chosen = np.flatnonzero(found[docs])
            index, tf = (index[chosen], None) if tf is None else (None, tf[chosen])
            docs, each = self.each_posting(segment, index, form[chosen], docs[chosen], tf, terms)
            if few:
                scores = scores + np.bincount(ids.searchsorted(docs), each, len(ids))
            else:
                scores = scores + np.bincount(docs, each, segment.size)[ids]
        return _Matches(ids, scores)

    def postings_scores(self, segment: _Segment, index, form, docs, tf, terms) -> _Matches:
        """The OR of ``terms`` (``(ordinal, term)`` pairs) scored on their postings
        ``index`` (numbers into the flat arrays, form by form, each form's in document
        order), ``form`` and ``docs`` saying whose each is and where: :meth:`term` for
        many terms at once. ``tf``, where given, are the postings' frequencies
        counting only the accepted occurrences of restricted terms."""
        return _summed(*self.each_posting(segment, index, form, docs, tf, terms), segment.size)

    def each_posting(self, segment: _Segment, index, form, docs, tf, terms) -> tuple:
        """The live postings' documents and scores, one per posting: :meth:`postings_scores`
        before the scores of a document are added up."""
        side = segment.side
        ids = docs.astype(np.int64)
        tf = side["terms.freqs"][index] if tf is None else tf
        if segment.live is not None:
            alive = segment.live[ids]
            ids, form, tf = ids[alive], form[alive], tf[alive]
        tf = tf.astype(np.float64)
        idf, bonus = self.weights(terms)
        idf, bonus, K1 = idf[form], bonus[form], self.K1
        # As term() computes each one; adding a zero bonus changes no score.
        scores = idf * ((tf * (K1 + 1)) / (tf + self.length_norms(segment, "terms", ids))) + bonus
        return ids, scores


def _item_spans(keys: np.ndarray, item: list, shift: int) -> tuple:
    """The spans of an item of a proximity (``item`` its words) from its keys
    (:func:`_near_layout`): a word's one position long (:func:`_key_spans`), a
    ligature's from its first word to its last, whose keys they are."""
    spans, ends = _key_spans(keys, shift)
    return (spans, ends) if len(item) == 1 else (spans - (len(item) - 1), ends)


def _word_key(q: query.Query) -> tuple:
    """What tells a word of a proximity apart: its forms' texts and written test."""
    return tuple((word.text, getattr(word, "test", None)) for word in _forms(q))


def _ordinals_and_sizes(segment: _Segment, words: list) -> tuple[list, list]:
    """Each word's term ordinals (from its ``(ordinal, term)`` pairs, as
    :meth:`_Run.word_terms` gives them), as an array, and its number of postings."""
    ordinals = [np.array([ordinal for ordinal, _ in found], dtype=np.int64) for found in words]
    return ordinals, [_postings_count(segment, found) for found in ordinals]


def _postings_count(segment: _Segment, ordinals: np.ndarray) -> int:
    """The number of postings of the terms ``ordinals``."""
    pointers = segment.side["terms.pointers"]
    return np.sum(pointers[ordinals + 1] - pointers[ordinals].astype(np.int64))


def _sequence_shape(q: query.Query) -> tuple[list[list], bool] | None:
    """``(groups, adjacent)`` for :meth:`_Run.sequence` where ``q`` is one of its
    shapes (a phrase, an ordered sequence, a restricted word), else None."""
    kind = type(q)
    if kind is WrittenTerm or (kind is query.Or and _is_restricted_word(q)):
        # A word's forms restricted alike: their postings and positions at once.
        return [_forms(q)], False
    if kind is query.Phrase:
        return [[query.Term("terms", word)] for word in q.words], True
    if kind is query.Sequence and q.ordered:
        return [_forms(child) for child in q.subqueries], True
    return None


def _written_as_asked(segment: _Segment, kept: tuple, tests: list, within) -> _Matches:
    """The documents (in ``within``, where given) where a phrase whose matches were
    kept (:meth:`_Run.sequence`) matches with each word of a written test passing
    it, each scoring 0: the occurrences the phrase read where it matches have their
    written forms tested; no posting or position is read again.

    ``kept`` is the phrase's start keys (:func:`_start_keys`), sorted, and their
    layout, and per word its ``(index, form, docs, tf)`` postings read (see
    :func:`_phrase_postings`), the start keys of their occurrences, the posting
    each is of and its number in ``terms.positions`` (:func:`_positions`), and its
    terms."""
    keys, layout, words, read, ordinals = kept
    shift = layout[0]
    if within is not None:
        keys = keys[within[keys >> shift]]
    for test, (_, form, _, _), (word_keys, owner, numbers), ordinal in zip(
        tests, words, read, ordinals, strict=True
    ):
        if test is None or not len(keys):
            continue
        # The word's occurrences where the phrase matches: their start keys are keys',
        # each key's one (a position holds one term); searched for among those in
        # the documents of the keys only (a mask costs less than searching all).
        at = _mask(keys >> shift, segment.size)[word_keys >> shift].nonzero()[0]
        place = keys.searchsorted(word_keys[at])
        np.minimum(place, len(keys) - 1, out=place)
        matched = keys[place] == word_keys[at]
        at, place = at[matched], place[matched]
        terms = ordinal[form[owner[at]]]  # a few of the word's many forms
        found = distinct(terms)
        # Terms known to be written only ways that pass (or fail) need no written
        # form read; the others have their occurrences' forms judged.
        verdicts = {segment.known_passing(test, term) for term in found.tolist()}
        if verdicts == {True}:
            continue
        if verdicts == {False}:
            return _EMPTY
        term_of = None if len(found) == 1 else found.searchsorted(terms)
        accepted = segment.accepted(test, found, term_of, numbers[at])
        kept_keys = np.zeros(len(keys), dtype=bool)
        kept_keys[place[accepted]] = True
        keys = keys[kept_keys]
    return _unscored(segment, _mask(keys >> shift, segment.size).nonzero()[0])


def _written_in(segment: _Segment, forms: list, docs: np.ndarray) -> np.ndarray:
    """A mask of ``docs`` (live documents of ``segment``, sorted) where a word's ``forms``
    (:class:`~.written.WrittenTerm` of one test) occur written as the test accepts:
    what :meth:`_Run.evaluate` finds of the word there, in fewer calls. Only the
    terms with postings in ``docs`` have their written forms judged (a word has
    dozens of terms, a few of them in the paragraphs looked at); a term whose
    written forms all pass needs only its postings, and only the occurrences of
    terms written both ways (or not all judged yet) have their written forms read."""
    test = forms[0].test
    ordinals = segment.ordinals("terms", [word.text.encode("utf-8") for word in forms], keep=True)
    ordinals = np.array([o for o in ordinals if o >= 0], dtype=np.int64)
    if not len(ordinals) or not len(docs):
        return np.zeros(len(docs), dtype=bool)
    index, form, found = _postings_in(segment, ordinals, _mask(docs, segment.size), docs)
    # Each term found: 1 where all its written forms pass, 0 where none, -1 where
    # some do or where that is not known yet (then its occurrences' forms are judged).
    judged = np.zeros(len(ordinals), dtype=np.int8)
    for number in distinct(form).tolist():
        verdict = segment.known_passing(test, int(ordinals[number]))
        judged[number] = -1 if verdict is None else verdict
    verdicts = judged[form]
    kept, chosen = verdicts > 0, verdicts < 0
    if chosen.any():
        # Each posting of a term written both ways counts if one of its occurrences passes.
        accepted, owner = _accepted_occurrences(
            segment, test, index[chosen], ordinals[form[chosen]]
        )
        kept[chosen.nonzero()[0][owner[accepted]]] = True
    return _among(docs, found[kept], segment.size)


def _term_docs(segment: _Segment, fieldname: str, term: bytes) -> np.ndarray:
    """The documents of a term's postings in ``segment``, deleted ones included."""
    ordinal = segment.ordinal(fieldname, term)
    if ordinal < 0:
        return np.empty(0, dtype=np.int64)
    start, end = segment.postings(fieldname, ordinal)
    return segment.side[f"{fieldname}.docs"][start:end].astype(np.int64)


def _unscored(segment: _Segment, ids: np.ndarray) -> _Matches:
    """The live documents of ``ids`` (sorted), each scoring 0."""
    ids = ids.astype(np.int64)
    if segment.live is not None:
        ids = ids[segment.live[ids]]
    return _Matches(ids, np.zeros(len(ids), dtype=np.float64))


def _is_word(q: query.Query) -> bool:
    """Whether ``q`` is a term of the ``terms`` field or an OR of such terms (a word's
    forms), all plain or all restricted by one written test."""
    return _is_word_forms(_forms(q))


def _is_word_forms(words) -> bool:
    if not words or type(words[0]) not in (query.Term, WrittenTerm):
        return False
    kind, test = type(words[0]), getattr(words[0], "test", None)
    # A word's forms share one test: compared as the same object first, not hashed.
    return all(
        type(word) is kind
        and word.fieldname == "terms"
        and (kind is query.Term or word.test is test or word.test == test)
        for word in words
    )


def _is_plain_word(q: query.Query) -> bool:
    """Whether ``q`` is a word of plain terms of the ``terms`` field (:func:`_is_word`)."""
    return _is_word(q) and type(_forms(q)[0]) is query.Term


def _is_restricted_word(q: query.Query) -> bool:
    forms = _forms(q)
    return bool(forms) and type(forms[0]) is WrittenTerm and _is_word_forms(forms)


def _forms(q: query.Query) -> list:
    """The terms of a word: ``q`` itself or the terms of its OR."""
    return list(q.subqueries) if type(q) is query.Or else [q]


def _among(ids: np.ndarray, others: np.ndarray, size: int) -> np.ndarray:
    """A mask of the document numbers ``ids`` found in ``others`` (numbers below ``size``):
    a scatter and a gather, cheaper than searching sorted arrays."""
    return _mask(others, size)[ids]


def _materialize(result, segment: _Segment) -> _Matches:
    if isinstance(result, _Matches):
        return result
    everything = segment.universe()
    ids = everything[~_among(everything, result.excluded.ids, segment.size)]
    return _Matches(ids, np.ones(len(ids), dtype=np.float64))


def _plus(matches: _Matches, optional: _Matches, segment: _Segment) -> _Matches:
    """``matches`` with the scores of ``optional`` added where it matches too (AND MAYBE)."""
    if not len(optional.ids):
        return matches
    extra = np.zeros(segment.size, dtype=np.float64)
    extra[optional.ids] = optional.scores
    return _Matches(matches.ids, matches.scores + extra[matches.ids])


def _without(matches: _Matches, excluded: _Matches, size: int) -> _Matches:
    keep = ~_among(matches.ids, excluded.ids, size)
    return _Matches(matches.ids[keep], matches.scores[keep])


def _union(parts: list[_Matches], size: int) -> _Matches:
    parts = [part for part in parts if len(part.ids)]
    if not parts:
        return _EMPTY
    if len(parts) == 1:
        return parts[0]
    ids = np.concatenate([part.ids for part in parts])
    scores = np.concatenate([part.scores for part in parts])
    return _summed(ids, scores, size)


def _summed(ids: np.ndarray, scores: np.ndarray, size: int) -> _Matches:
    """Each document of ``ids`` once, sorted, with its ``scores`` added in their order."""
    if len(ids) * 8 < size:
        # A stable sort keeps each document's scores in their order, and bincount
        # adds them in that order (np.unique does more; add.reduceat adds pairwise).
        order = np.argsort(ids, kind="stable")
        ids = ids[order]
        first = np.empty(len(ids), dtype=bool)
        first[:1] = True
        np.not_equal(ids[1:], ids[:-1], out=first[1:])
        return _Matches(ids[first], np.bincount(np.cumsum(first) - 1, weights=scores[order]))
    # A mask finds the documents cheaper than counting their postings.
    present = np.zeros(size, dtype=bool)
    present[ids] = True
    present = np.flatnonzero(present)
    return _Matches(present, np.bincount(ids, weights=scores, minlength=size)[present])


def _intersection(children: list, segment: _Segment) -> _Matches:
    positive = [child for child in children if isinstance(child, _Matches)]
    negative = [child.excluded for child in children if isinstance(child, _Complement)]
    if positive:
        positive.sort(key=lambda part: len(part.ids))
        result = positive[0]
        for other in positive[1:]:
            if not len(result.ids):
                break
            scores = np.zeros(segment.size, dtype=np.float64)
            present = np.zeros(segment.size, dtype=bool)
            scores[other.ids] = other.scores
            present[other.ids] = True
            found = present[result.ids]
            ids = result.ids[found]
            result = _Matches(ids, result.scores[found] + scores[ids])
    else:
        ids = segment.universe()
        result = _Matches(ids, np.zeros(len(ids), dtype=np.float64))
    for excluded in negative:
        result = _without(result, excluded, segment.size)
        result = _Matches(result.ids, result.scores + 1.0)
    return result


def _top(ids: np.ndarray, scores: np.ndarray, limit: int) -> np.ndarray:
    """Indexes of the ``limit`` best scores, best first, ties by lower document number."""
    candidates = np.arange(len(ids))
    if len(ids) > limit:
        threshold = np.partition(scores, len(scores) - limit)[len(scores) - limit]
        candidates = np.flatnonzero(scores >= threshold)
    order = np.lexsort((ids[candidates], -scores[candidates]))
    return candidates[order[:limit]]


def top_groups(
    ids: np.ndarray, scores: np.ndarray, group_of: np.ndarray, limit: int
) -> tuple[list[tuple[int, int, float, int]], int]:
    """The ``limit`` best groups of the matches ``ids`` (``group_of[docnum]`` is a
    document's group, >= 0), in the order of their first hit among the matches
    ranked best first (ties by lower docnum): each ``(group, docnum, score,
    matches)`` of its best match, and the number of groups."""
    groups = group_of[ids]
    counts = np.bincount(groups)
    best = np.full(len(counts), -np.inf)
    np.maximum.at(best, groups, scores)
    # Each group's first hit is its best score's lowest docnum.
    is_best = scores == best[groups]
    first = np.full(len(counts), np.iinfo(np.int64).max)
    np.minimum.at(first, groups[is_best], ids[is_best])
    present = np.flatnonzero(counts)
    chosen = present[_top(first[present], best[present], limit)]
    columns = (chosen, first[chosen], best[chosen], counts[chosen])
    return list(zip(*(column.tolist() for column in columns), strict=True)), len(present)


def group_numbers(groups: Iterable[list[int]], size: int) -> np.ndarray:
    """Each of ``size`` documents' group number: its place in ``groups`` (lists of
    docnums), or -1."""
    numbers = np.full(size, -1, dtype=np.int32)
    for number, ids in enumerate(groups):
        numbers[ids] = number
    return numbers
