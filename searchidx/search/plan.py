"""Planning a query: each word expanded to the indexed words it matches, and their ranking tiers.

A query word matches a paragraph when its folded term matches exactly or when
the paragraph has a word sharing one of its light stems: the query word is
expanded at query time into the indexed words that share a stem, and
"phrases" match those forms at consecutive positions. Ranking is BM25F over
the folded-term field plus a bonus per matched word larger than any BM25F
score, so for one query word its own (folded) spelling ranks first, then
forms sharing its primary stem, then forms reached only through another
reading of the word («وزير» finds «الوزير» before «الزير»). A fuzzy word's
paragraphs holding one of those forms rank above those reached only through
its near spellings (:data:`FORMS_BONUS`).

An ``=word`` matches no stem forms and no folded spelling: it becomes its folded
terms, each restricted (:class:`~.written.WrittenTerm`) to the occurrences
written with its letters (:func:`~searchidx.arabic.written_letters`), all in
the exact tier.

A query word typed with diacritics («عِلْم») matches the same forms, and
paragraphs where a form is written with compatible diacritics
(:func:`~searchidx.arabic.marks_compatible`) rank above all others
(:data:`MARKS_BONUS`), or, ``marks="strict"``, are the only ones matched: the
same forms, restricted to those occurrences.
"""

from __future__ import annotations

import fnmatch
import itertools
import re
import weakref
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol

from whoosh import query

from ..arabic import (
    PROCLITICS,
    exact_terms,
    fold_readings,
    is_function_form,
    is_vocalized,
    light_stems,
    stem_prefixes,
    stems_filter,
    strip_article,
    written_letters,
)
from ..errors import QueryError
from .query import (
    MIN_FUZZY_CHARS,
    MIN_PREFIX_CHARS,
    ExactWord,
    VocalizedTerm,
    has_not,
    typed_word,
)
from .suggest import weighted_distances
from .written import WrittenTerm, WrittenTest

if TYPE_CHECKING:
    from whoosh.reading import IndexReader

# A prefix or wildcard that expands to more words than this is refused: it
# would stall the search and rarely means what the user wanted.
MAX_EXPANSIONS = 2000
# «word~»: the first two letters (after an article) as written, and at most
# this many indexed words reached.
FUZZY_FIXED_CHARS = 2
MAX_FUZZY_EXPANSIONS = 500
# BM25F's parameters (Whoosh's defaults), which both ranking cores apply.
BM25_B = 0.75
BM25_K1 = 1.2
# Ranking tiers of one query word (see QueryPlan.bonuses). Bonuses add up over the
# forms a paragraph holds, so each tier's is larger than any BM25F score and
# than the sum of the lower tier's over the forms of one word in a paragraph.
EXACT_BONUS = 10_000.0
STEM_BONUS = 100.0
# A paragraph holding a vocalized query word with compatible diacritics, once
# whatever the forms it holds: above a word's own spelling and all its stem forms.
MARKS_BONUS = 1_000_000.0
# A paragraph holding a fuzzy word itself or one of its forms, once whatever the
# forms it holds: above the paragraphs reached only through its near spellings,
# each of which adds STEM_BONUS at one edit (so a few of them stay below it).
FORMS_BONUS = 1_000.0
# Fields of folded words, whose query words match all their forms.
_WORD_FIELDS = frozenset({"terms", "title"})
# The parsed words that match their stem forms (an ``=word`` matches its own).
_WORDS = (query.Term, VocalizedTerm)
# A word's stems, whether a word is indexed and a query word's forms depend only on
# the vocabulary, which never changes: a vocabulary kept between searches keeps them,
# up to this many words (about 150 bytes each, a query word's forms a few kilobytes;
# 300 searches of the bench's small corpus keep 16,500).
_MEMO_LIMIT = 100_000
_MEMOS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# A query word as planning sees it: its field, its forms with their bonuses, the
# test their written forms must pass (or None) and the word as typed with its
# diacritics (or ""); see _Planner._word.
_Word = tuple[str, dict[str, float], WrittenTest | None, str]
# A phrase's word, as highlighting reads it: its folded forms and the test its
# written form must pass (None: any).
PhraseWord = tuple[frozenset[str], WrittenTest | None]
# An item of a proximity, as highlighting reads it: a word, or the words of a word
# ligature (the phrase of its words, one item of the window).
NearItem = tuple[PhraseWord, ...]
# What planning remembers of one vocabulary (see _memo).
_Memo = tuple[dict[str, tuple[str, ...]], dict[str, bool], dict[tuple[str, str], dict[str, float]]]


class Vocabulary(Protocol):
    """The index's words, as planning a query and suggesting corrections need them.

    Terms are folded words as ``str``. A Whoosh reader's term files
    (:class:`ReaderVocabulary`) and the segments' side files
    (:class:`~searchidx.search.array_segments.ArrayVocabulary`) both provide one.
    """

    def contains(self, fieldname: str, term: str) -> bool:
        """Whether ``term`` is indexed in ``fieldname``."""
        ...

    def contains_many(self, fieldname: str, terms: list[str]) -> list[bool]:
        """Whether each of ``terms`` is indexed in ``fieldname``: one lookup for all."""
        ...

    def doc_frequency(self, fieldname: str, term: str) -> int:
        """How many documents hold ``term``, deleted ones included (as Whoosh counts)."""
        ...

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        """The indexed terms of ``fieldname`` that start with ``prefix``, in order."""
        ...

    def expand_prefixes(self, fieldname: str, prefixes: list[str]) -> list[list[str]]:
        """:meth:`expand_prefix` of each of ``prefixes``: one lookup for all."""
        ...

    def near_terms(
        self,
        fieldname: str,
        prefix: str,
        lengths: range,
        word: str,
        most_changed: int,
        alike: str = "",
        most_foreign: int | None = None,
    ) -> Iterator[str]:
        """The indexed terms of ``fieldname`` that start with ``prefix``, in
        order, whose length is in ``lengths`` and that differ from ``word`` by
        at most ``most_changed`` letters each way: each letter of the word
        matching one of the term's, at most that many of the term's letters are
        left unmatched, and at most that many of the word's (the bag distance:
        no term within that many edits is left out). With ``most_foreign``, at
        most that many distinct letters of the term are neither the word's nor
        in ``alike``."""
        ...


class ReaderVocabulary:
    """The vocabulary of an open Whoosh reader, read from its term files."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader

    def contains(self, fieldname: str, term: str) -> bool:
        return (fieldname, term) in self.reader

    def contains_many(self, fieldname: str, terms: list[str]) -> list[bool]:
        return [self.contains(fieldname, term) for term in terms]

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.reader.doc_frequency(fieldname, term)

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[str]:
        return (btext.decode("utf-8") for btext in self.reader.expand_prefix(fieldname, prefix))

    def expand_prefixes(self, fieldname: str, prefixes: list[str]) -> list[list[str]]:
        return [list(self.expand_prefix(fieldname, prefix)) for prefix in prefixes]

    def near_terms(
        self,
        fieldname: str,
        prefix: str,
        lengths: range,
        word: str,
        most_changed: int,
        alike: str = "",
        most_foreign: int | None = None,
    ) -> Iterator[str]:
        letters, familiar = Counter(word), set(word + alike)
        return (
            term
            for term in self.expand_prefix(fieldname, prefix)
            if len(term) in lengths
            and max(len(term), len(word)) - (Counter(term) & letters).total() <= most_changed
            and (most_foreign is None or len(set(term) - familiar) <= most_foreign)
        )


@dataclass(frozen=True)
class QueryPlan:
    """One query, planned once against the index's vocabulary: what ranking and
    highlighting need, whichever core ranks it.

    ``query`` is the parsed query with each word expanded to the indexed words
    it matches, a tree of Whoosh's own query classes (Term, Or, And, Not,
    AndNot, Sequence …, and :class:`~.written.WrittenTerm`). ``bonuses`` maps
    each term of the ``terms`` field to the bonus added to its BM25F score,
    which sets the ranking tiers of one query word: its own spelling
    (:data:`EXACT_BONUS`), then forms sharing its primary stem
    (:data:`STEM_BONUS`), then forms reached only through another reading (no
    bonus); an ``=word``'s terms are all in its own spelling's tier, a word
    typed with diacritics adds :data:`MARKS_BONUS` once to a paragraph where it
    is written with compatible ones, and a fuzzy word :data:`FORMS_BONUS` once
    to a paragraph holding one of its forms (its near spellings are terms of
    the primary stem's tier at one edit, of none at two). ``highlight`` (folded words),
    ``restricted`` (folded words with the test their written form must pass:
    ``=`` words and, strict, vocalized words) and ``patterns`` (wildcards) say
    which words of a hit are marked; words after NOT are in none. ``excludes``
    says the query has a NOT, which would let file records and deleted
    documents through. ``phrases`` holds each phrase's words (each word's
    folded forms and the test of its written form, or None), which are marked
    where they stand together, not in ``highlight`` or ``restricted``; ``near``
    each proximity's items (a word, or a word ligature's words, which stand
    together) and how many positions apart they may be, marked where they are
    that near each other.
    """

    query: query.Query
    bonuses: Mapping[str, float]
    highlight: frozenset[str]
    restricted: frozenset[tuple[str, WrittenTest]]
    patterns: tuple[str, ...]
    excludes: bool
    phrases: tuple[tuple[PhraseWord, ...], ...] = ()
    near: tuple[tuple[tuple[NearItem, ...], int], ...] = ()


def build_plan(parsed: query.Query, vocabulary: Vocabulary, marks: str = "rank") -> QueryPlan:
    """Plan a parsed query (:func:`~searchidx.search.query.parse_query`) against
    the index's vocabulary; ``marks`` says what the diacritics of a query word do
    (:data:`~searchidx.search.query.MARKS`)."""
    planner = _Planner(vocabulary, strict=marks == "strict")
    planner.find_forms(parsed)
    expanded = planner.expand(parsed)
    return QueryPlan(
        query=expanded,
        bonuses=MappingProxyType(planner.bonuses),
        highlight=frozenset(planner.highlight),
        restricted=frozenset(planner.restricted),
        patterns=tuple(planner.patterns),
        phrases=tuple(planner.phrases),
        near=tuple(planner.near),
        # Expanding keeps each NOT and adds none: the parsed query, a few nodes
        # where the expanded one has a node per form, tells.
        excludes=has_not(parsed),
    )


def _memo(vocabulary: Vocabulary) -> _Memo:
    """The stems of words, whether words are indexed and the forms of query words,
    as planning found them in ``vocabulary`` so far."""
    memo = _MEMOS.get(vocabulary)
    if memo is None or sum(map(len, memo)) > _MEMO_LIMIT:
        memo = _MEMOS[vocabulary] = ({}, {}, {})
    return memo


class _Planner:
    """Turns each query word into the indexed words that share a stem with it,
    gathering the plan's bonuses and highlighted words as it goes; it lives
    only while :func:`build_plan` runs.

    Stems are matched here, at query time, rather than indexed in a field of
    their own: the index then holds one posting list per word instead of two,
    which halves indexing time. A word's forms differ only by clitics in front
    (و ف ب ل ك ال …) and suffixes behind, so they are found by scanning the
    vocabulary from each clitic + stem and keeping the words whose stems agree.
    The vocabulary also decides between readings: «الوزير» in the index shows
    that the و of «وزير» is a letter (see :func:`~searchidx.arabic.light_stems`).
    """

    def __init__(self, vocabulary: Vocabulary, strict: bool = False) -> None:
        self.vocabulary = vocabulary
        self.strict = strict
        self.bonuses: dict[str, float] = {}
        self.highlight: set[str] = set()
        self.restricted: set[tuple[str, WrittenTest]] = set()
        self.patterns: list[str] = []
        self._stems, self._attested, self._forms = _memo(vocabulary)
        # Inside NOT a word excludes every form it finds (`A -B` is A less the
        # hits of B), without the ranking bonus of compatible diacritics.
        self._excluding = False
        self.phrases: list[tuple[PhraseWord, ...]] = []
        self.near: list[tuple[tuple[NearItem, ...], int]] = []
        # The words of the phrase being planned, as _any_of finds them (else None).
        self._phrase: list[PhraseWord] | None = None

    def expand(self, q: query.Query) -> query.Query:
        if isinstance(q, query.Not):
            return q.apply(self._quietly)
        if isinstance(q, ExactWord) or (type(q) in _WORDS and q.fieldname in _WORD_FIELDS):
            return self._words([[self._word(q)]], q)
        if isinstance(q, query.Phrase) and q.fieldname in _WORD_FIELDS:
            # Each word of the phrase matches its forms, at consecutive positions.
            typed = typed_word(q) or ("",) * len(q.words)
            words = [
                [(q.fieldname, self._typed_forms(q.fieldname, word, marks), None, marks)]
                for word, marks in zip(q.words, typed, strict=True)
            ]
            return self._words(words, q)
        if isinstance(q, query.Sequence):
            # A phrase with «=» words, or a proximity whose word ligature is the
            # phrase of its words: Whoosh's apply() would drop slop and order.
            items = [[self._word(word) for word in _unit_words(item)] for item in q.subqueries]
            return self._words(items, q)
        if isinstance(q, query.FuzzyTerm) and q.fieldname in _WORD_FIELDS:
            return self._fuzzy(q)
        if isinstance(q, query.Prefix) and q.fieldname in _WORD_FIELDS:
            forms = self._prefix_forms(q.fieldname, q.text)
            return self._any_of(q.fieldname, forms, q.boost, None)
        if isinstance(q, query.Prefix) and q.fieldname == "doc":
            # A folder of documents: the documents' ids, so both cores can answer.
            docs = self.vocabulary.expand_prefix("doc", q.text)
            return query.Or([query.Term("doc", doc, boost=q.boost) for doc in docs])
        if isinstance(q, query.Wildcard) and q.fieldname == "terms":
            self._count(q.text, ((term, 0.0) for term in self._wildcard_forms(q)))
            self.patterns.append(q.text)
        return q.apply(self.expand)

    def _quietly(self, q: query.Query) -> query.Query:
        """Expand without highlighting: words after NOT are not in the hits."""
        saved = (set(self.highlight), set(self.restricted), list(self.patterns), self._excluding)
        self._excluding = True
        expanded = self.expand(q)
        self.highlight, self.restricted, self.patterns, self._excluding = saved
        return expanded

    def _word(self, q: query.Term) -> _Word:
        """A word's field, the terms it matches there (each with the bonus of its
        tier), the test their written forms must pass (``=word``, else None) and
        the word as typed where it has diacritics (else ``""``)."""
        if isinstance(q, ExactWord):
            # Terms no paragraph holds are left out, so that a phrase with such a
            # word is planned as matching nothing.
            readings = exact_terms(q.text)
            forms = {term: EXACT_BONUS for term in readings if self._is_attested(term)}
            letters = WrittenTest(letters=written_letters(q.text))
            return "terms", forms, letters, q.text if is_vocalized(q.text) else ""
        typed = typed_word(q) or ""
        return q.fieldname, self._typed_forms(q.fieldname, q.text, typed), None, typed

    def _typed_forms(self, fieldname: str, term: str, typed: str) -> dict[str, float]:
        """The forms of a query word (:meth:`_word_forms`) of every reading of it as
        typed: the parser keeps an Uthmani word's first reading, and «ٱلْكِتَـٰبُ»
        is «الكتب» or «الكتاب», as the index reads it, so it finds «كتاب» and
        «بالكتاب» as «الكتاب» does."""
        forms = self._word_forms(fieldname, term)
        for reading in _other_readings(typed):
            for form, bonus in self._word_forms(fieldname, reading).items():
                forms[form] = max(bonus, forms.get(form, bonus))
        return forms

    def _words(self, items: list[list[_Word]], q: query.Query) -> query.Query:
        """A word, or a phrase's words (:meth:`_word`), at the positions ``q`` asks for:
        each item one word, or the words of a word ligature in a proximity (one
        item of the window, the phrase of its words).

        A word typed with diacritics matches, strict, only the occurrences of
        its terms written with compatible marks, each in its term's tier. Else it
        matches all its terms, and the paragraphs where every such word is
        written with compatible marks (at the same positions, in a phrase) get
        :data:`MARKS_BONUS`. After NOT a word excludes what it matches.
        """
        if sum(map(len, items)) < 2 or self._excluding or items[0][0][0] != "terms":
            return self._words_at(items, q)  # a title's phrase marks nothing in the text
        # Its words are marked where the phrase stands (or, a proximity's, where
        # they are near each other), not wherever they are.
        marked = self.highlight, self.restricted
        self.highlight, self.restricted, self._phrase = set(), set(), []
        try:
            return self._words_at(items, q)
        finally:
            if q.slop == 1 and (not isinstance(q, query.Sequence) or q.ordered):
                self.phrases.append(tuple(self._phrase))
            else:
                found = iter(self._phrase)
                near = tuple(tuple(itertools.islice(found, len(item))) for item in items)
                self.near.append((near, q.slop))
            (self.highlight, self.restricted), self._phrase = marked, None

    def _words_at(self, items: list[list[_Word]], q: query.Query) -> query.Query:
        def any_of(word: _Word) -> query.Query:
            fieldname, forms, test, _ = word
            return self._any_of(fieldname, forms, q.boost, test)

        def with_marks(word: _Word) -> _Word:
            fieldname, forms, test, typed = word
            return fieldname, forms, _with_marks(test, typed) if typed else test, typed

        def compatible_of(word: _Word) -> query.Query:
            fieldname, forms, test, _ = word
            return _one_of(fieldname, forms, test=test)

        if not any(typed for item in items for *_, typed in item):
            return _sequence(_each(items, any_of), q)
        marked = _each(items, with_marks)
        if self.strict:
            return _sequence(_each(marked, any_of), q)
        plain = _sequence(_each(items, any_of), q)
        if self._excluding:
            return plain
        compatible = _sequence(_each(marked, compatible_of), q)
        return query.AndMaybe(plain, query.ConstantScoreQuery(compatible, MARKS_BONUS))

    def _any_of(
        self, fieldname: str, forms: dict[str, float], boost: float, test: WrittenTest | None
    ) -> query.Query:
        if fieldname == "terms":  # not a title's words: the text shows none of them
            if test is None:
                self.highlight.update(forms)
            else:
                self.restricted.update((form, test) for form in forms)
        if self._phrase is not None:
            # _words_at asks once for each word of a phrase, in order.
            self._phrase.append((frozenset(forms), test))
        if fieldname == "terms":
            for form, bonus in forms.items():
                self.bonuses[form] = max(bonus, self.bonuses.get(form, 0.0))
        return _one_of(fieldname, forms, boost, test)

    def find_forms(self, q: query.Query) -> None:
        """Find the forms of every word of ``q`` that matches its stem forms, all
        words of a field at once (see :meth:`_find_forms`)."""
        words: dict[str, list[str]] = {}
        for fieldname, word in _stemmed_words(q):
            words.setdefault(fieldname, []).append(word)
        for fieldname, terms in words.items():
            self._find_forms(fieldname, terms)

    def _word_forms(self, fieldname: str, term: str) -> dict[str, float]:
        """The indexed words ``term`` matches, each with the bonus of its tier."""
        forms = self._forms.get((fieldname, term))
        if forms is None:
            self._find_forms(fieldname, [term])
            forms = self._forms[fieldname, term]
        return dict(forms)

    def _find_forms(self, fieldname: str, terms: list[str]) -> None:
        """Find the forms of each of ``terms`` not known yet: a term, and the
        indexed words that share one of its stems, each with the bonus of its tier.

        Every term's stems are found at once, then every clitic + stem of every
        term is expanded at once, then every candidate's stems are found at once:
        each step is one lookup in each segment for all the terms of a query,
        rather than one for each term.
        """
        terms = [term for term in dict.fromkeys(terms) if (fieldname, term) not in self._forms]
        self._find_stems(terms)
        words = []
        for term in terms:
            stems = self._stems[term]
            if stems == (term,) and term.isascii():
                prefixes = []
            else:
                prefixes = [prefix for stem in stems for prefix in stem_prefixes(stem)]
            if prefixes:
                words.append((term, stems, prefixes))
            else:
                # «و», «في»: a short word is no other word's stem
                self._forms[fieldname, term] = {term: EXACT_BONUS}
        if not words:
            return
        # Every clitic + stem expanded at once, every candidate's stems found at once,
        # of the candidates whose letters allow one of the readings: a short stem's
        # prefix («وال» of «واله») starts thousands of words, each costing lookups.
        prefixes = [prefix for *_, word_prefixes in words for prefix in word_prefixes]
        expansions = iter(self.vocabulary.expand_prefixes(fieldname, prefixes))
        found = []
        for term, stems, word_prefixes in words:
            expanded = [next(expansions) for _ in word_prefixes]
            may_share_stem = stems_filter(stems)
            function_form = is_function_form(term)
            candidates = [
                candidate
                for terms_of_prefix in expanded
                for candidate in terms_of_prefix
                if may_share_stem(candidate) and is_function_form(candidate) == function_form
            ]
            found.append((term, stems, expanded, candidates))
        # Stemming them asks whether words are indexed; those that start with one of
        # the prefixes are indexed if and only if they are among its words.
        at_hand = None
        if fieldname == "terms":
            indexed = {word for *_, expanded, _ in found for words in expanded for word in words}
            at_hand = (tuple(prefixes), indexed)
        self._find_stems(
            [candidate for *_, candidates in found for candidate in candidates], at_hand
        )
        for term, stems, _, candidates in found:
            self._forms[fieldname, term] = self._stem_forms(term, stems, candidates)

    def _stem_forms(
        self, term: str, stems: tuple[str, ...], candidates: list[str]
    ) -> dict[str, float]:
        """``term`` and those of ``candidates`` (whose stems are known) that share
        one of its ``stems``, each with the bonus of its tier."""
        forms = {term: EXACT_BONUS}
        primary, readings = stems[0], set(stems)
        for candidate in candidates:
            if candidate in forms:
                continue
            candidate_stems = self._stems[candidate]
            if readings.isdisjoint(candidate_stems):
                continue
            forms[candidate] = STEM_BONUS if candidate_stems[0] == primary else 0.0
        return forms

    def _find_stems(
        self, words: list[str], at_hand: tuple[tuple[str, ...], set[str]] | None = None
    ) -> None:
        """Find the stems of ``words`` that are not known yet.

        Which words :func:`~searchidx.arabic.light_stems` asks the vocabulary
        about depends on its answers, so the stems are found in rounds: each
        round takes every word's stems with the words not looked up yet taken
        as absent, then looks all of those up at once. A word whose stems asked
        only about words now known, absent where they were guessed absent, has
        its true stems; the others go round again. ``at_hand`` (prefixes, and
        every indexed word that starts with one of them) answers for the words
        starting with those prefixes without a lookup.
        """
        pending = [word for word in dict.fromkeys(words) if word not in self._stems]
        while pending:
            guessed = []
            for word in pending:
                guess = _Guess(self._attested, at_hand)
                guessed.append((word, light_stems(word, guess), guess.unknown))
            asked = list(dict.fromkeys(word for *_, unknown in guessed for word in unknown))
            if asked:
                found = self.vocabulary.contains_many("terms", asked)
                self._attested.update(zip(asked, found, strict=True))
            pending = []
            for word, stems, unknown in guessed:
                if any(self._attested[other] for other in unknown):
                    pending.append(word)
                else:
                    self._stems[word] = stems

    def _is_attested(self, word: str) -> bool:
        found = self._attested.get(word)
        if found is None:
            found = self._attested[word] = self.vocabulary.contains("terms", word)
        return found

    def _fuzzy(self, q: query.FuzzyTerm) -> query.Query:
        """A fuzzy word: its forms and its near spellings, each term with the bonus
        of its tier, and :data:`FORMS_BONUS` once to a paragraph holding one of its
        forms. Bonuses add up over the terms a paragraph holds: without it, three
        near spellings of «علم~» («عَلاَمَ», «عَلَی», «عَلِمْتُ») would outrank one
        stem form («الْعِلْمِ»)."""
        forms, near = self._fuzzy_forms(q)
        found = self._any_of(q.fieldname, {**forms, **near}, q.boost, None)
        if q.fieldname != "terms" or self._excluding or not near:
            return found
        # The word itself may be in no text; its other forms were found in the index.
        own = [form for form in forms if form != q.text or self._is_attested(form)]
        if not own:
            return found
        return query.AndMaybe(found, query.ConstantScoreQuery(_one_of("terms", own), FORMS_BONUS))

    def _fuzzy_forms(self, q: query.FuzzyTerm) -> tuple[dict[str, float], dict[str, float]]:
        """What the word itself matches (its spelling and stem forms, in their tiers),
        and its near spellings: the other indexed words within ``q.maxdist`` edits
        of ``q.text``, one edit away in the primary stem's tier, two in the last."""
        term, distance = q.text, q.maxdist
        fixed = term[: len(term) - len(strip_article(term, MIN_FUZZY_CHARS)) + FUZZY_FIXED_CHARS]
        forms = self._word_forms(q.fieldname, term)
        # Each edit adds at most one letter and removes at most one: the words
        # farther in letters are left out before any distance is computed.
        lengths = range(len(term) - distance, len(term) + distance + 1)
        candidates = list(self.vocabulary.near_terms(q.fieldname, fixed, lengths, term, distance))
        edits = weighted_distances(term, candidates, distance, slips=False)
        near = [(candidate, int(edit)) for candidate, edit in zip(candidates, edits, strict=True)]
        near = [(candidate, edit) for candidate, edit in near if edit <= distance]
        if len(near) > MAX_FUZZY_EXPANSIONS:
            raise QueryError(
                f"'{getattr(q, 'written', term)}' matches more than "
                f"{MAX_FUZZY_EXPANSIONS} words; use ~1 or a longer word"
            )
        near = {
            candidate: STEM_BONUS if edit == 1 else 0.0
            for candidate, edit in near
            if candidate not in forms
        }
        return forms, near

    def _prefix_forms(self, fieldname: str, prefix: str) -> dict[str, float]:
        """The indexed words a prefix matches, each with the bonus of its tier:
        words that start with the prefix as typed, then after a clitic
        («الوزير» for «وزي*»), then with its leading و or article read as a
        clitic («زيت» for «وزي*» as «و» + «زي*»)."""
        bare = strip_article(prefix, MIN_PREFIX_CHARS)
        tiers = (
            (EXACT_BONUS, prefix, ("",)),
            (STEM_BONUS, prefix, PROCLITICS[1:]),
            (0.0, bare, PROCLITICS),
        )
        found = (
            (candidate, bonus)
            for bonus, head, clitics in tiers
            for clitic in clitics
            for candidate in self.vocabulary.expand_prefix(fieldname, clitic + head)
        )
        return self._count(prefix + "*", found)

    def _wildcard_forms(self, q: query.Wildcard) -> Iterator[str]:
        """The indexed words a wildcard matches, found as Whoosh finds them: from
        the letters before the first wildcard character, then by the pattern."""
        pattern = re.compile(fnmatch.translate(q.text))
        head = re.split(r"[*?[]", q.text, maxsplit=1)[0]
        forms = self.vocabulary.expand_prefix(q.fieldname, head)
        return (form for form in forms if pattern.match(form))

    def _count(self, pattern: str, forms) -> dict[str, float]:
        """``forms`` (word, bonus) pairs as a dict, the first bonus of each word kept."""
        found: dict[str, float] = {}
        for form, bonus in forms:
            found.setdefault(form, bonus)
            if len(found) > MAX_EXPANSIONS:
                raise QueryError(
                    f"'{pattern}' matches more than {MAX_EXPANSIONS} words; "
                    "give more letters before *"
                )
        return found


class _Guess:
    """Whether a word is indexed, from what is known of the vocabulary: a word not
    looked up yet is taken as absent, and noted in ``unknown``; one under the
    prefixes ``at_hand`` (see :meth:`_Planner._find_stems`) is known at once."""

    def __init__(
        self, attested: dict[str, bool], at_hand: tuple[tuple[str, ...], set[str]] | None
    ) -> None:
        self.attested = attested
        self.at_hand = at_hand
        self.unknown: dict[str, None] = {}

    def __call__(self, word: str) -> bool:
        found = self.attested.get(word)
        if found is None:
            if self.at_hand is not None and word.startswith(self.at_hand[0]):
                found = self.attested[word] = word in self.at_hand[1]
                return found
            self.unknown[word] = None
            return False
        return found


def _with_marks(test: WrittenTest | None, typed: str) -> WrittenTest:
    """``test`` (or none) asking also for diacritics compatible with ``typed``'s."""
    return WrittenTest(letters=test.letters if test else None, marks=typed)


def _one_of(
    fieldname: str, terms, boost: float = 1.0, test: WrittenTest | None = None
) -> query.Query:
    """A query matching any of ``terms`` of ``fieldname`` (each restricted by
    ``test``, if given), or nothing without them."""
    if not terms:
        return query.NullQuery
    if test is None:
        found = [query.Term(fieldname, term, boost=boost) for term in terms]
    else:
        found = [WrittenTerm(fieldname, term, test, boost=boost) for term in terms]
    return found[0] if len(found) == 1 else query.Or(found)


def _stemmed_words(q: query.Query) -> Iterator[tuple[str, str]]:
    """The field and text of each word of ``q`` that matches its stem forms (see
    :meth:`_Planner.expand`): words and phrases' words of the word fields, and
    fuzzy words, with NOT or without; not ``=words``."""
    if isinstance(q, query.Phrase) and q.fieldname in _WORD_FIELDS:
        typed = typed_word(q) or ("",) * len(q.words)
        for word, marks in zip(q.words, typed, strict=True):
            for reading in (word, *_other_readings(marks)):
                yield q.fieldname, reading
    elif type(q) in (*_WORDS, query.FuzzyTerm) and q.fieldname in _WORD_FIELDS:
        for reading in (q.text, *_other_readings(typed_word(q) or "")):
            yield q.fieldname, reading
    for child in q.children():
        yield from _stemmed_words(child)


def _other_readings(typed: str) -> tuple[str, ...]:
    """The readings of a query word as typed after the first, which the parser
    kept: an Uthmani word's («ٱلْكِتَـٰبُ»: «الكتاب»), else none."""
    return tuple(reading for reading in fold_readings(typed)[1:] if reading) if typed else ()


def _each(items: list[list], change) -> list[list]:
    """``items`` (lists of words) with each word changed by ``change``, in order."""
    return [[change(word) for word in item] for item in items]


def _unit_words(q: query.Query) -> list[query.Query]:
    """The words of an item of a parsed phrase or proximity: a word, or a word
    ligature's (a phrase of its own in a proximity)."""
    return q.subqueries if isinstance(q, query.Sequence) else [q]


def _sequence(items: list[list[query.Query]], phrase: query.Query) -> query.Query:
    """The words of ``phrase`` (a parsed phrase or word) at the positions it asks
    for: each item a word, or the words of a word ligature in a proximity, side
    by side in their order, one item of the window."""
    words = [word for item in items for word in item]
    if len(words) == 1:
        return words[0]
    if any(word is query.NullQuery for word in words):
        return query.NullQuery  # a word with no terms: no phrase either
    joined = [
        item[0] if len(item) == 1 else query.Sequence(item, boost=phrase.boost) for item in items
    ]
    # «"w1 w2"~N»: the words within N positions of each other, in any order
    # (also at ~1, which the parser makes a Sequence, where a phrase is ordered).
    ordered = phrase.ordered if isinstance(phrase, query.Sequence) else phrase.slop == 1
    return query.Sequence(joined, slop=phrase.slop, ordered=ordered, boost=phrase.boost)
