"""Search: parsing queries, ranking paragraphs and cutting highlighted snippets.

A query word matches a paragraph when its folded term matches exactly or when
the paragraph has a word sharing one of its light stems: the query word is
expanded at query time into the indexed words that share a stem
(:func:`expand_query`), and "phrases" match those forms at consecutive
positions. Ranking is BM25F over the folded-term field plus a bonus per
matched word larger than any BM25F score, so for one query word its own
(folded) spelling ranks first, then forms sharing its primary stem, then forms
reached only through another reading of the word («وزير» finds «الوزير» before
«الزير»).

Snippets are cut from the stored original text at query time: the paragraph
is re-analysed (cheap: folding and stemming are cached per word), the words
that matched are located by offset, and the window with the most distinct
matched words is widened to sentence or word boundaries.
"""

from __future__ import annotations

import fnmatch
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from whoosh import qparser, query, scoring
from whoosh.qparser.common import attach

from .analysis import (
    PROCLITICS,
    fold_readings,
    fold_term,
    is_function_form,
    light_stems,
    strip_article,
    word_matches,
)
from .errors import QueryError

if TYPE_CHECKING:
    from whoosh.fields import Schema
    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader
    from whoosh.searching import Searcher

    from .arraysearch import ArraySearcher

MAX_QUERY_CHARS = 1000
# A prefix or wildcard that expands to more words than this is refused: it
# would stall the search and rarely means what the user wanted.
MAX_EXPANSIONS = 2000
MIN_PREFIX_CHARS = 2
# «word~»: at least this many letters, the first two (after an article) as
# written, and at most this many indexed words reached.
MIN_FUZZY_CHARS = 3
FUZZY_FIXED_CHARS = 2
MAX_FUZZY_EXPANSIONS = 500
# «~» after a space or at the start, twice over, or «"…"~» without a distance of 1 or more.
_STRAY_TILDE = re.compile(r'(?:^|(?<=[\s(]))~|"~(?![1-9])|~[0-9]*~')
# A search with fewer matching paragraphs gets "did you mean" suggestions.
SUGGEST_BELOW = 3
# The widest «"w1 w2"~N»: a paragraph is rarely longer than a few hundred words.
MAX_SLOP = 1000
SNIPPET_CHARS = 240
# Ranking tiers of one query word (see Expansion). Bonuses add up over the
# forms a paragraph holds, so each tier's is larger than any BM25F score and
# than the sum of the lower tier's over the forms of one word in a paragraph.
EXACT_BONUS = 10_000.0
STEM_BONUS = 100.0
_FILTER_FIELDS = frozenset({"doc", "title"})
_SEARCHABLE_FIELDS = _FILTER_FIELDS | {"terms"}
# Fields of folded words, whose query words match all their forms.
_WORD_FIELDS = frozenset({"terms", "title"})
_SENTENCE_END = re.compile(r"[.!?؟۔؛\n]+\s*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# «doc:» or «title:» with nothing after the colon; Whoosh would search for the word.
_EMPTY_FILTER = re.compile(r"(?:^|(?<=[\s(-]))(doc|title):(?=[\s)]|$)")
_DANGLING_OPERATOR = re.compile(r"^\s*(AND|OR)\b|\b(AND|OR|NOT)\s*$")
ELLIPSIS = "…"
_NO_WORDS = "the query has no words to search for"


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
    """One file with matching paragraphs: how many, and the best paragraph's score."""

    rank: int
    score: float
    path: str
    root: str
    doc: str
    title: str
    hits: int

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass
class FileResults:
    """The files of one query's hits, best first; ``total`` files and ``paragraphs`` in all."""

    query: str
    total: int
    paragraphs: int
    files: list[FileHit]

    def __iter__(self) -> Iterator[FileHit]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def to_dict(self) -> dict[str, object]:
        return {
            "query": self.query,
            "total": self.total,
            "paragraphs": self.paragraphs,
            "files": [f.to_dict() for f in self.files],
        }


class _BonusScorer(scoring.BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, bonus: float, qf=1):
        self.bonus = bonus  # before the parent's __init__, which scores the best case
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)

    def _score(self, weight, length):
        return super()._score(weight, length) + self.bonus


class TermBonus(scoring.BM25F):
    """BM25F plus a fixed bonus per matched term, from a map of folded term to bonus.

    The bonuses make the ranking tiers of :attr:`Expansion.bonuses`; they
    apply to the ``terms`` field only, and a term not in the map scores plain
    BM25F.
    """

    def __init__(self, bonus: dict[str, float]) -> None:
        super().__init__()
        # Whoosh hands scorers the term as UTF-8 bytes.
        self.bonus = {term.encode("utf-8"): value for term, value in bonus.items() if value}

    def scorer(
        self, searcher: Searcher, fieldname: str, text: bytes, qf: int = 1
    ) -> scoring.BaseScorer:
        if fieldname == "terms" and text in self.bonus:
            bonus = self.bonus[text]
            return _BonusScorer(searcher, fieldname, text, self.B, self.K1, bonus, qf=qf)
        return super().scorer(searcher, fieldname, text, qf=qf)


def parse_query(text: str, schema: Schema, match_any: bool = False) -> query.Query:
    """Parse the query language into a Whoosh query over folded terms.

    Words must all match (``match_any``: any of them), "phrases" match in
    order, ``OR``, ``AND``, ``NOT`` (or a leading ``-``) and parentheses
    combine, ``word*`` is a prefix, ``doc:`` and ``title:`` filter. With
    ``match_any`` only the words become alternatives: ``NOT`` still excludes
    and ``doc:``/``title:`` still filter; ``doc:news`` and ``doc:news/`` also take
    the documents in the folder ``news``. Stem forms are added later, by
    :func:`expand_query`, because they depend on the index's vocabulary.

    >>> from searchidx.index.store import make_schema
    >>> parse_query("السلام -عليكم", make_schema())
    And([Term('terms', 'السلام'), Not(Term('terms', 'عليكم'))])
    """
    cleaned = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if not cleaned:
        raise QueryError("the query is empty; give the words to search for")
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if not any(char.isalnum() for char in cleaned):
        raise QueryError(_NO_WORDS)
    empty_filter = _EMPTY_FILTER.search(cleaned)
    if empty_filter:
        name = empty_filter.group(1)
        raise QueryError(
            f"{name}: needs a value right after the colon, e.g. "
            + ("doc:news/a.txt" if name == "doc" else "title:الباغوز")
        )
    if _STRAY_TILDE.search(cleaned):
        raise QueryError(
            '~ goes right after a word (word~ or word~2) or a quoted phrase ("w1 w2"~5)'
        )
    dangling = _DANGLING_OPERATOR.search(cleaned)
    if dangling:
        operator = dangling.group(1) or dangling.group(2)
        needs = "a word after it" if operator == "NOT" else "a word on each side"
        raise QueryError(f"{operator} needs {needs}; write it in quotes to search for the word")
    group = _AnyWordGroup if match_any else qparser.AndGroup
    parser = qparser.QueryParser("terms", schema, group=group)
    for plugin in (
        qparser.SingleQuotePlugin,
        qparser.RangePlugin,
        qparser.BoostPlugin,
        qparser.EveryPlugin,
        qparser.WildcardPlugin,
    ):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(_WILDCARDS)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.replace_plugin(_OPERATORS)
    try:
        parsed = parser.parse(cleaned)
    except Exception as error:  # Whoosh raises assorted errors on odd input
        raise QueryError(
            f"cannot understand the query ({error}); check quotes and brackets"
        ) from None
    parsed = parsed.normalize()
    if isinstance(parsed, type(query.NullQuery)):
        raise QueryError(_NO_WORDS)
    _check_fields(parsed)
    return _with_doc_folders(parsed)


def _with_doc_folders(q: query.Query) -> query.Query:
    """Let ``doc:NAME`` match the document NAME and the documents under the folder NAME/."""
    if isinstance(q, query.Term) and q.fieldname == "doc":
        folder = query.Prefix("doc", q.text.rstrip("/") + "/", boost=q.boost)
        return folder if q.text.endswith("/") else query.Or([q, folder])
    return q.apply(_with_doc_folders)


class _AsciiWildcardPlugin(qparser.WildcardPlugin):
    """Only ``*`` and ``?`` are wildcards: Whoosh also counts the Arabic question
    mark, which ends questions («ما هو الإسلام؟») and must stay punctuation."""

    qmarks = "?"
    expr = r"(?P<text>[*?])"


# A minus at the start of a word excludes it, as NOT does; inside a word
# («2019-2020») or alone between spaces it is not an operator.
_LEADING_MINUS = qparser.OperatorsPlugin.OpTagger(
    r"(^|(?<=[\s(]))-(?=[^\s\-])", qparser.syntax.NotGroup, qparser.syntax.PrefixOperator
)


_WILDCARDS = _AsciiWildcardPlugin()
_OPERATORS = qparser.OperatorsPlugin(ops=[(_LEADING_MINUS, 0)])


class _AnyWordGroup(qparser.syntax.GroupNode):
    """Words side by side of which any may match (``match_any``), while the
    restrictions among them (``NOT``, ``-word``, ``doc:``, ``title:``) still
    apply to every hit."""

    # What a word the analyzer splits in parts («2019-2020») becomes: all parts.
    qclass = query.And

    def query(self, parser: qparser.QueryParser) -> query.Query:
        built = (node.query(parser) for node in self.nodes)
        subqueries = [sub for sub in built if sub is not None]
        restrictions = [sub for sub in subqueries if _restricts(sub)]
        words = [sub for sub in subqueries if not _restricts(sub)]
        if len(words) > 1:
            restrictions.insert(0, query.Or(words))
        elif words:
            restrictions.insert(0, words[0])
        return attach(query.And(restrictions, boost=self.boost), self)


def _restricts(q: query.Query) -> bool:
    if isinstance(q, query.Not):
        return True
    fields = {getattr(leaf, "fieldname", None) for leaf in _leaves(q)}
    return bool(fields) and fields <= _FILTER_FIELDS


def _check_fields(q: query.Query) -> None:
    for leaf in _leaves(q):
        if isinstance(leaf, query.Every):
            raise QueryError("a bare * would match everything; put some letters before it")
        fieldname = getattr(leaf, "fieldname", None)
        if fieldname is not None and fieldname not in _SEARCHABLE_FIELDS:
            raise QueryError(f"unknown field '{fieldname}:'; use doc: or title:")
        if isinstance(leaf, query.FuzzyTerm):
            written = f"{leaf.text}~{leaf.maxdist}"
            if leaf.maxdist not in (1, 2):
                raise QueryError(f"'{written}': the distance after ~ is 1 or 2")
            if len(leaf.text) < MIN_FUZZY_CHARS:
                raise QueryError(f"'{written}' needs a word of at least {MIN_FUZZY_CHARS} letters")
        if isinstance(leaf, query.Phrase) and not 1 <= leaf.slop <= MAX_SLOP:
            raise QueryError(
                f'"…"~{leaf.slop}: the words may be 1 to {MAX_SLOP} positions apart; '
                f'write e.g. "{" ".join(leaf.words)}"~5'
            )
        if isinstance(leaf, (query.Prefix, query.Wildcard)):
            head = re.split(r"[*?]", leaf.text, maxsplit=1)[0]
            if len(head) < MIN_PREFIX_CHARS:
                raise QueryError(
                    f"'{leaf.text}' needs at least {MIN_PREFIX_CHARS} letters before * or ?"
                )


def _exact_top_collector(limit: int, q: query.Query, reader):
    """A collector that scores every match, so the top hits and the total are exact.

    Whoosh's default skips blocks and drops sub-queries (here: the stem forms)
    once they cannot reach the top hits; on this index that saves little time,
    and it makes the count of matches too low and, with BM25's block bounds,
    can even miss a top hit.
    """
    from whoosh import collectors

    collector = collectors.TopCollector(limit, usequality=False, replace=0)
    if _has_not(q):
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


def _has_not(q: query.Query) -> bool:
    return isinstance(q, query.Not) or any(_has_not(child) for child in q.children())


def _leaves(q: query.Query):
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


@dataclass
class Expansion:
    """A parsed query with each word expanded to the indexed words it matches.

    ``query`` is a tree of Whoosh's own query classes (Term, Or, And, Not,
    AndNot, Sequence …); ``bonuses`` maps each folded term of the ``terms``
    field to the bonus added to its BM25F score, which sets the ranking tiers
    of one query word: its own spelling (:data:`EXACT_BONUS`), then forms
    sharing its primary stem (:data:`STEM_BONUS`), then forms reached only
    through another reading (no bonus). ``highlight`` and ``patterns`` say
    which words of a hit are marked.
    """

    query: query.Query
    bonuses: dict[str, float]
    highlight: set[str]
    patterns: list[str]
    # Whether each word as written is matched, across the hits of one search.
    _word_matches: dict[str, bool] = field(default_factory=dict, repr=False)

    def matched_words(self, text: str) -> list[tuple[int, int]]:
        """The ``(start, end)`` of every word of ``text`` the query asked for."""
        known = self._word_matches
        matches = word_matches(text)
        words = list(map(re.Match.group, matches))
        for word in set(words).difference(known):
            # An Uthmani word is matched by any of its readings.
            known[word] = any(self.is_match(term) for term in fold_readings(word))
        return [match.span() for match, word in zip(matches, words, strict=True) if known[word]]

    def is_match(self, term: str) -> bool:
        """Whether a word of a hit is one the query asked for (and so is highlighted)."""
        if term in self.highlight:
            return True
        return any(fnmatch.fnmatchcase(term, pattern) for pattern in self.patterns)


def expand_query(q: query.Query, reader: IndexReader) -> Expansion:
    """Expand every word of a parsed query against the index's vocabulary."""
    expander = _Expander(reader)
    expanded = expander.expand(q)
    return Expansion(expanded, expander.bonuses, expander.highlight, expander.patterns)


class _Expander:
    """Turns each query word into the indexed words that share a stem with it.

    Stems are matched here, at query time, rather than indexed in a field of
    their own: the index then holds one posting list per word instead of two,
    which halves indexing time. A word's forms differ only by clitics in front
    (و ف ب ل ك ال …) and suffixes behind, so they are found by scanning the
    vocabulary from each clitic + stem and keeping the words whose stems agree.
    The vocabulary also decides between readings: «الوزير» in the index shows
    that the و of «وزير» is a letter (see :func:`~searchidx.analysis.light_stems`).
    """

    def __init__(self, reader):
        self.reader = reader
        self.bonuses: dict[str, float] = {}
        self.highlight: set[str] = set()
        self.patterns: list[str] = []
        self._attested: dict[str, bool] = {}
        self._stems: dict[str, tuple[str, ...]] = {}
        # Inside NOT: a word excludes only its own spelling and its primary
        # stem's forms, never words reached through another reading of it
        # («-زار» must not exclude «وزارة» as «و» + «زار»).
        self._excluding = False

    def expand(self, q: query.Query) -> query.Query:
        if isinstance(q, query.Not):
            return q.apply(self._quietly)
        if isinstance(q, query.Term) and q.fieldname in _WORD_FIELDS:
            return self._any_of(q.fieldname, self._word_forms(q.fieldname, q.text), q.boost)
        if isinstance(q, query.Phrase) and q.fieldname in _WORD_FIELDS:
            # Each word of the phrase matches its forms, at consecutive positions.
            words = [
                self._any_of(q.fieldname, self._word_forms(q.fieldname, word), q.boost)
                for word in q.words
            ]
            if len(words) == 1:
                return words[0]
            # «"w1 w2"~N»: the words within N positions of each other, in any order.
            ordered = q.slop == 1
            return query.Sequence(words, slop=q.slop, ordered=ordered, boost=q.boost)
        if isinstance(q, query.FuzzyTerm) and q.fieldname in _WORD_FIELDS:
            return self._any_of(q.fieldname, self._fuzzy_forms(q), q.boost)
        if isinstance(q, query.Prefix) and q.fieldname in _WORD_FIELDS:
            return self._any_of(q.fieldname, self._prefix_forms(q.fieldname, q.text), q.boost)
        if isinstance(q, query.Prefix) and q.fieldname == "doc":
            # A folder of documents: the documents' ids, so both cores can answer.
            docs = [btext.decode("utf-8") for btext in self.reader.expand_prefix("doc", q.text)]
            return query.Or([query.Term("doc", doc, boost=q.boost) for doc in docs])
        if isinstance(q, query.Wildcard) and q.fieldname == "terms":
            self._count(q.text, ((term, 0.0) for term in q.expanded_terms(self.reader)))
            self.patterns.append(q.text)
        return q.apply(self.expand)

    def _quietly(self, q: query.Query) -> query.Query:
        """Expand without highlighting and without the looser readings: words
        after NOT are not in the hits."""
        saved = (set(self.highlight), list(self.patterns), self._excluding)
        self._excluding = True
        expanded = self.expand(q)
        self.highlight, self.patterns, self._excluding = saved
        return expanded

    def _any_of(self, fieldname: str, forms: dict[str, float], boost: float) -> query.Query:
        if self._excluding:
            forms = {form: bonus for form, bonus in forms.items() if bonus >= STEM_BONUS}
        self.highlight.update(forms)
        if fieldname == "terms":
            for form, bonus in forms.items():
                self.bonuses[form] = max(bonus, self.bonuses.get(form, 0.0))
        if not forms:
            return query.NullQuery
        terms = [query.Term(fieldname, form, boost=boost) for form in forms]
        return terms[0] if len(terms) == 1 else query.Or(terms)

    def _word_forms(self, fieldname: str, term: str) -> dict[str, float]:
        """The indexed words ``term`` matches, each with the bonus of its tier."""
        forms = {term: EXACT_BONUS}
        stems = self._light_stems(term)
        if stems == (term,) and term.isascii():
            return forms
        primary, readings = stems[0], set(stems)
        function_form = is_function_form(term)
        for stem in stems:
            for clitic in PROCLITICS:
                for btext in self.reader.expand_prefix(fieldname, clitic + stem):
                    candidate = btext.decode("utf-8")
                    if candidate in forms or is_function_form(candidate) != function_form:
                        continue
                    candidate_stems = self._light_stems(candidate)
                    if readings.isdisjoint(candidate_stems):
                        continue
                    forms[candidate] = STEM_BONUS if candidate_stems[0] == primary else 0.0
        return forms

    def _light_stems(self, term: str) -> tuple[str, ...]:
        stems = self._stems.get(term)
        if stems is None:
            stems = self._stems[term] = light_stems(term, self._is_attested)
        return stems

    def _is_attested(self, word: str) -> bool:
        found = self._attested.get(word)
        if found is None:
            found = self._attested[word] = ("terms", word) in self.reader
        return found

    def _fuzzy_forms(self, q: query.FuzzyTerm) -> dict[str, float]:
        """The indexed words within ``q.maxdist`` edits of ``q.text``: the word
        itself first, then one edit away, then two."""
        term, distance = q.text, q.maxdist
        fixed = term[: len(term) - len(strip_article(term, MIN_FUZZY_CHARS)) + FUZZY_FIXED_CHARS]
        forms: dict[str, float] = {}
        for btext in self.reader.expand_prefix(q.fieldname, fixed):
            candidate = btext.decode("utf-8")
            if abs(len(candidate) - len(term)) > distance:
                continue
            edits = edit_distance(term, candidate, distance)
            if edits <= distance:
                forms[candidate] = (EXACT_BONUS, STEM_BONUS, 0.0)[edits]
                if len(forms) > MAX_FUZZY_EXPANSIONS:
                    raise QueryError(
                        f"'{term}~{distance}' matches more than {MAX_FUZZY_EXPANSIONS} words; "
                        "use ~1 or a longer word"
                    )
        return forms

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
            (btext.decode("utf-8"), bonus)
            for bonus, head, clitics in tiers
            for clitic in clitics
            for btext in self.reader.expand_prefix(fieldname, clitic + head)
        )
        return self._count(prefix + "*", found)

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


def edit_distance(first: str, second: str, bound: int) -> int:
    """Levenshtein distance between two words, or ``bound + 1`` once it exceeds ``bound``."""
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, 1):
        current = [row]
        for column, other in enumerate(second, 1):
            current.append(
                min(
                    previous[column] + 1,
                    current[column - 1] + 1,
                    previous[column - 1] + (char != other),
                )
            )
        if min(current) > bound:
            return bound + 1
        previous = current
    return min(previous[-1], bound + 1)


def run_search(
    whoosh_index: WhooshIndex,
    reader: IndexReader,
    text: str,
    limit: int = 10,
    match_any: bool = False,
    arrays: ArraySearcher | None = None,
    offset: int = 0,
    context: int = 0,
    suggest: bool = True,
) -> SearchResults:
    """Search with an open Whoosh reader; see :meth:`searchidx.Index.search`.

    With ``arrays`` (an :class:`~searchidx.arraysearch.ArraySearcher` over the
    same reader) the query is answered from the side files, and by Whoosh's
    matchers when it has a node the array search does not know.
    """
    _check_arguments(text, limit, offset)
    _check_count("context", context)
    expansion, (docnums, scores, total) = _rank(
        whoosh_index, reader, text, offset + limit, match_any, arrays
    )
    hits = []
    for rank, (docnum, score) in enumerate(
        zip(docnums[offset:], scores[offset:], strict=True), offset + 1
    ):
        stored = reader.stored_fields(docnum)
        hit = _make_hit(rank, score, stored, expansion)
        if context:
            hit.before, hit.after = _neighbours(reader, docnum, stored, context)
        hits.append(hit)
    results = SearchResults(query=text, total=total, hits=hits)
    if suggest and total < SUGGEST_BELOW:
        results.suggestions = _suggestions(whoosh_index, reader, text, match_any, arrays, total)
    return results


def _suggestions(whoosh_index, reader, text: str, match_any: bool, arrays, total: int):
    """Queries with rare words replaced by near indexed words, that find more."""
    from .suggest import MAX_CORRECTIONS, corrections

    vocabulary = arrays.vocabulary(reader) if arrays else reader
    words = {
        term
        for term in _positive_words(parse_query(text, reader.schema, match_any))
        if vocabulary.doc_frequency("terms", term) < SUGGEST_BELOW
    }
    per_word = {term: corrections(vocabulary, term) for term in sorted(words)}
    # Each word on its own, nearest and most frequent first; then all at once.
    fixes = [
        {term: word}
        for _, _, term, word in sorted(
            (cost, -paragraphs, term, word)
            for term, found in per_word.items()
            for cost, paragraphs, word in found
        )
    ]
    if len(per_word) > 1 and all(per_word.values()):
        fixes.insert(0, {term: found[0][2] for term, found in per_word.items()})
    suggestions: list[dict[str, object]] = []
    for fix in fixes:
        found = run_search(
            whoosh_index, reader, _replace_words(text, fix), 1, match_any, arrays, suggest=False
        )
        if found.total <= total:
            continue
        # The words as the texts spell them, not their folded forms.
        spelled = {term: _spelling(found.hits, word) for term, word in fix.items()}
        shown = _replace_words(text, spelled)
        if all(shown != other["query"] for other in suggestions):
            suggestions.append({"query": shown, "total": found.total})
        if len(suggestions) == MAX_CORRECTIONS:
            break
    return suggestions


def _positive_words(q: query.Query) -> Iterator[str]:
    """The folded words a query looks for, leaving out those after NOT."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.Term) and q.fieldname == "terms":
        yield q.text
    elif isinstance(q, query.Phrase) and q.fieldname == "terms":
        yield from q.words
    for child in q.children():
        yield from _positive_words(child)


def _replace_words(text: str, replacements: dict[str, str]) -> str:
    """``text`` with every word that folds to a key of ``replacements`` replaced."""
    for match in reversed(word_matches(text)):
        replacement = replacements.get(fold_term(match.group()))
        if replacement is not None:
            text = text[: match.start()] + replacement + text[match.end() :]
    return text


def _spelling(hits: list[Hit], term: str) -> str:
    """How the first hit spells the word folded to ``term``, without diacritics."""
    for hit in hits:
        for start, end in hit.matches:
            word = hit.text[start:end]
            if fold_term(word) == term:
                return "".join(c for c in word if not unicodedata.combining(c) and c != "\u0640")
    return term


def run_file_search(
    whoosh_index: WhooshIndex,
    reader: IndexReader,
    text: str,
    limit: int = 10,
    match_any: bool = False,
    arrays: ArraySearcher | None = None,
    offset: int = 0,
) -> FileResults:
    """The files with matching paragraphs; see :meth:`searchidx.Index.search_files`."""
    _check_arguments(text, limit, offset)
    # Every match is ranked: a file's count needs all its paragraphs.
    everything = max(reader.doc_count_all(), 1)
    _, (docnums, scores, total) = _rank(whoosh_index, reader, text, everything, match_any, arrays)
    files: dict[tuple[str, str], FileHit] = {}
    for docnum, score in zip(docnums, scores, strict=True):
        stored = reader.stored_fields(docnum)
        key = (stored.get("source", ""), stored.get("doc", ""))
        found = files.get(key)
        if found is None:
            # Best first, so a file's first paragraph seen has its best score.
            found = files[key] = FileHit(
                rank=len(files) + 1,
                score=round(score, 4),
                path=key[0],
                root=stored.get("root", ""),
                doc=key[1],
                title=stored.get("title", ""),
                hits=0,
            )
        found.hits += 1
    ranked = list(files.values())
    return FileResults(
        query=text, total=len(ranked), paragraphs=total, files=ranked[offset : offset + limit]
    )


def _rank(whoosh_index, reader, text: str, limit: int, match_any: bool, arrays):
    """The expanded query and its best ``limit`` ``(docnums, scores)`` and total."""
    parsed = parse_query(text, reader.schema, match_any)  # the index's would reread its TOC
    expansion = expand_query(parsed, arrays.vocabulary(reader) if arrays else reader)
    weighting = TermBonus(expansion.bonuses)
    # Ties are broken by document number in both cores, so pages follow on.
    ranked = _array_search(arrays, expansion.query, weighting, limit)
    if ranked is None:
        ranked = _whoosh_search(whoosh_index, reader, expansion.query, weighting, limit)
    return expansion, ranked


def _check_arguments(text: object, limit: object, offset: object) -> None:
    if not isinstance(text, str):
        raise QueryError(f"the query must be a str, not {type(text).__name__}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit!r}")
    _check_count("offset", offset)


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QueryError(f"{name} must be a whole number, 0 or more, not {value!r}")


def _neighbours(
    reader: IndexReader, docnum: int, stored: dict, context: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The ``context`` paragraphs before and after a hit's, in the same file."""
    paragraph, doc = stored.get("paragraph", 0), stored.get("doc", "")
    wanted = set(range(max(paragraph - context, 1), paragraph + context + 1)) - {paragraph}
    ids = list(reader.postings("doc", doc).all_ids()) if ("doc", doc) in reader else []
    # A file's paragraphs are written in order, so its neighbours are usually
    # the next ids; the whole file is read only when they are not.
    at = ids.index(docnum) if docnum in ids else 0
    near = ids[max(at - context, 0) : at + context + 1]
    found = _paragraphs(reader, near, stored.get("source"), wanted)
    if set(found) != wanted:
        found = _paragraphs(reader, ids, stored.get("source"), wanted)
    rows = [{"paragraph": number, "text": found[number]} for number in sorted(found)]
    return (
        [row for row in rows if row["paragraph"] < paragraph],
        [row for row in rows if row["paragraph"] > paragraph],
    )


def _paragraphs(reader: IndexReader, docnums, source, wanted: set[int]) -> dict[int, str]:
    found = {}
    for docnum in docnums:
        if reader.is_deleted(docnum):
            continue
        fields = reader.stored_fields(docnum)
        number = fields.get("paragraph")
        if fields.get("source") == source and number in wanted and "text" in fields:
            found[number] = fields["text"]
    return found


def _array_search(arrays, expanded: query.Query, weighting, limit: int):
    if arrays is None:
        return None
    from .arraysearch import Unsupported

    try:
        return arrays.search(expanded, weighting, limit, exclude_files=_has_not(expanded))
    except Unsupported:
        return None


def _whoosh_search(whoosh_index, reader, expanded: query.Query, weighting, limit: int):
    """The top ``(docnums, scores)`` and the total, by Whoosh's own matchers."""
    from whoosh.searching import Searcher  # only here: the array search needs neither

    # The weighting must be known when the searcher is made: it is handed to
    # one sub-searcher per index segment.
    with Searcher(
        reader, weighting=weighting, fromindex=whoosh_index, closereader=False
    ) as searcher:
        collector = _exact_top_collector(limit, expanded, reader)
        searcher.search_with_collector(expanded, collector)
        results = collector.results()
        return [r.docnum for r in results], [r.score for r in results], collector.count()


def _make_hit(rank: int, score: float, stored: dict, expansion: Expansion) -> Hit:
    text = stored["text"]
    matches = expansion.matched_words(text)
    window = snippet_window(text, matches)
    return Hit(
        rank=rank,
        score=round(score, 4),
        path=stored.get("source", ""),
        root=stored.get("root", ""),
        doc=stored.get("doc", ""),
        title=stored.get("title", ""),
        paragraph=stored.get("paragraph", 0),
        locator=stored.get("locator", ""),
        text=text,
        snippet=render_snippet(text, window, matches, "[", "]"),
        matches=matches,
        window=window,
    )


def snippet_window(
    text: str, matches: list[tuple[int, int]], size: int = SNIPPET_CHARS
) -> tuple[int, int]:
    """The ``(start, end)`` of the snippet: the stretch of ``text`` with the most
    matched words, widened to sentence boundaries where they are near, else to words.
    """
    if len(text) <= size:
        return (0, len(text))
    best_start, best_count = 0, 0
    for anchor, _ in matches:
        covered = {
            fold_term(text[start:end])
            for start, end in matches
            if anchor <= start and end <= anchor + size
        }
        if len(covered) > best_count:
            best_start, best_count = anchor, len(covered)
    start = _snap_start(text, max(0, best_start - size // 4), best_start)
    end = _snap_end(text, min(len(text), start + size))
    return (start, end)


def _snap_start(text: str, start: int, anchor: int) -> int:
    if start == 0:
        return 0
    sentence_starts = [m.end() for m in _SENTENCE_END.finditer(text, 0, anchor) if m.end() >= start]
    if sentence_starts:
        return sentence_starts[0]
    space = text.find(" ", start, anchor)
    return space + 1 if space != -1 else start


def _snap_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    window_floor = end - SNIPPET_CHARS // 4
    sentence_ends = [m.start() + 1 for m in _SENTENCE_END.finditer(text, window_floor, end)]
    if sentence_ends:
        return sentence_ends[-1]
    space = text.rfind(" ", window_floor, end)
    return space if space != -1 else end


def render_snippet(
    text: str,
    window: tuple[int, int],
    matches: list[tuple[int, int]],
    open_mark: str,
    close_mark: str,
) -> str:
    """The snippet of ``text`` in ``window`` with matched words between markers."""
    start, end = window
    parts = [ELLIPSIS] if start > 0 else []
    position = start
    for match_start, match_end in matches:
        if match_start < start or match_end > end:
            continue
        parts += [text[position:match_start], open_mark, text[match_start:match_end], close_mark]
        position = match_end
    parts.append(text[position:end])
    if end < len(text):
        parts.append(ELLIPSIS)
    return "".join(parts).replace("\n", " ").strip()
