"""The entry points of a search: a query in, ranked hits with snippets out.

One query goes: :func:`~.query.parse_query` (the query language), then
:func:`~.plan.build_plan` against the index's vocabulary (the Whoosh reader's
term files, or the side files), then a ranking core (the numpy one of
:mod:`.rank_arrays` where every segment has a side file and it knows every
node of the plan, else Whoosh's matchers in :mod:`.rank_whoosh`), then
:mod:`.highlight` on each hit's stored text.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from functools import partial
from itertools import pairwise
from pathlib import PurePath
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ..arabic import fold_terms, position_words
from ..text import RECORD_SUFFIXES
from .highlight import PLAIN_MARKS, Highlighter, render_snippet, snippet_window
from .plan import QueryPlan, ReaderVocabulary, Vocabulary, build_plan
from .query import check_arguments, check_count, check_marks, parse_query
from .results import FileHit, FileResults, Hit, SearchResults
from .suggest import SUGGEST_BELOW, suggestions

if TYPE_CHECKING:
    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader

    from .rank_arrays import ArraySearcher

# Each reader's files (see _ReaderFiles); a reader never changes.
_FILES: WeakKeyDictionary = WeakKeyDictionary()


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
    marks: str = "rank",
) -> SearchResults:
    """Search with an open Whoosh reader; see :meth:`searchidx.Index.search`.

    With ``arrays`` (an :class:`~searchidx.search.rank_arrays.ArraySearcher`
    over the same reader) the query is answered from the side files, and by
    Whoosh's matchers when it has a node the array search does not know.
    """
    check_arguments(text, limit, offset)
    check_count("context", context)
    check_marks(marks)
    parsed = parse_query(text, reader.schema, match_any)  # the index's would reread its TOC
    vocabulary = _vocabulary(reader, arrays)
    plan = build_plan(parsed, vocabulary, marks)
    docnums, scores, total = _rank(whoosh_index, reader, plan, offset + limit, arrays)
    highlighter = Highlighter(plan)
    hits = []
    for rank, (docnum, score) in enumerate(
        zip(docnums[offset:], scores[offset:], strict=True), offset + 1
    ):
        stored = reader.stored_fields(docnum)
        hit = _make_hit(rank, score, stored, highlighter)
        if context:
            hit.before, hit.after = _neighbours(reader, docnum, stored, context)
        hits.append(hit)
    results = SearchResults(query=text, total=total, hits=hits)
    if suggest:
        results.suggestions = _suggestions(
            whoosh_index, reader, vocabulary, parsed, text, total, match_any, arrays, marks
        )
    return results


def _suggestions(
    whoosh_index, reader, vocabulary, parsed, text, total, match_any, arrays, marks
) -> list[dict[str, object]]:
    """Corrected queries when ``text`` finds fewer than ``SUGGEST_BELOW`` paragraphs."""
    if total >= SUGGEST_BELOW:
        return []
    search_once = partial(
        _corrected,
        whoosh_index,
        reader,
        vocabulary,
        match_any=match_any,
        arrays=arrays,
        marks=marks,
    )
    return suggestions(vocabulary, parsed, text, total, search_once, unvocalized=marks == "strict")


def _corrected(
    whoosh_index, reader, vocabulary, text, match_any, arrays, marks
) -> tuple[int, Callable[[str], str | None]]:
    """What a corrected query finds: its total, and how its best hit writes a
    folded word among the words the query matched there (None if it does not).

    No hit is made: a suggestion shows one word of the best hit, and needs
    neither its snippet nor the rest of its highlighted words.
    """
    plan = build_plan(parse_query(text, reader.schema, match_any), vocabulary, marks)
    docnums, _, total = _rank(whoosh_index, reader, plan, 1, arrays)
    spellings: dict[str, str] = {}

    def spelling(term: str) -> str | None:
        if not docnums:
            return None
        # The corrected word is a plain word of the query: the plan highlights
        # its own spelling, so every word of the hit folded to it is marked.
        if not spellings:
            # Each folded word's first spelling, found once for the suggestion's
            # words (asked about twice a suggestion): the hit's words folded at once,
            # then laid in a dict from the last to the first, so the first stays.
            words = position_words(reader.stored_fields(docnums[0])["text"])
            terms = fold_terms(words)
            spellings.update(zip(reversed(terms), reversed(words), strict=True))
        return spellings.get(term)

    return total, spelling


def run_file_search(
    whoosh_index: WhooshIndex,
    reader: IndexReader,
    text: str,
    limit: int = 10,
    match_any: bool = False,
    arrays: ArraySearcher | None = None,
    offset: int = 0,
    marks: str = "rank",
) -> FileResults:
    """The files with matching paragraphs; see :meth:`searchidx.Index.search_files`."""
    from .rank_arrays import top_groups

    check_arguments(text, limit, offset)
    check_marks(marks)
    parsed = parse_query(text, reader.schema, match_any)
    vocabulary = _vocabulary(reader, arrays)
    plan = build_plan(parsed, vocabulary, marks)
    # Every match counts: a file's count needs all its paragraphs.
    ids, scores = _matches(whoosh_index, reader, plan, arrays)
    numbers = arrays.file_numbers() if arrays is not None else None
    if numbers is None:
        numbers = _files(reader).numbers(reader)
    page, total_files = top_groups(ids, scores, numbers, offset + limit)
    # Only the page's files read a stored paragraph, for their root, id and title.
    hits = []
    for rank, (_, docnum, score, count) in enumerate(page[offset:], offset + 1):
        stored = reader.stored_fields(docnum)
        path = stored.get("source", "")
        title, records = stored.get("title", ""), None
        if PurePath(path).suffix.lower() in RECORD_SUFFIXES:
            # Each record has a title of its own; the file has its name.
            title = PurePath(path).name
            records = _files(reader).record(reader, path).get("records") or None
        hits.append(
            FileHit(
                rank=rank,
                score=round(score, 4),
                path=path,
                root=stored.get("root", ""),
                doc=stored.get("doc", ""),
                title=title,
                hits=count,
                records=records,
            )
        )
    corrected = _suggestions(
        whoosh_index, reader, vocabulary, parsed, text, len(ids), match_any, arrays, marks
    )
    return FileResults(
        query=text, total=total_files, paragraphs=len(ids), files=hits, suggestions=corrected
    )


def _matches(whoosh_index, reader, plan: QueryPlan, arrays: ArraySearcher | None):
    """Every match of the plan: docnums and scores, as numpy arrays."""
    import numpy as np

    if arrays is not None:
        from .rank_arrays import Unsupported

        try:
            return arrays.matches(plan)
        except Unsupported:
            pass
    from . import rank_whoosh  # only here: the side files answer most searches

    everything = max(reader.doc_count_all(), 1)
    docnums, scores, _ = rank_whoosh.rank(whoosh_index, reader, plan, everything)
    return np.array(docnums, dtype=np.int64), np.array(scores, dtype=np.float64)


class _ReaderFiles:
    """The files of one reader's paragraphs, from the ``source`` field's postings
    (where each paragraph, and its file's record, has its file's path): reading
    the paragraphs' stored fields instead costs a decompression each.

    A search per file reads every file's, once, where the side files cannot tell
    files apart (see :meth:`~.rank_arrays.ArraySearcher.file_numbers`); a hit's
    context its own file's, where its neighbours are not next to it.
    """

    def __init__(self) -> None:
        self._records: set[int] | None = None
        self._live_paragraphs: dict[str, list[int]] = {}
        self._finders: dict[str, _ParagraphFinder] = {}
        self._numbers = None

    def find(self, reader: IndexReader, number: int, hit: dict) -> int | None:
        """The docnum of paragraph ``number`` of ``hit``'s file (and record), or None."""
        path = hit.get("source", "")
        live = self._live(reader, path)
        # Its paragraphs are numbered from 1: none past their count.
        if number > len(live):
            return None
        finder = self._finders.get(path)
        if finder is None:
            finder = self._finders[path] = _ParagraphFinder(reader, live)
        return finder.find(reader, number, hit)

    def _live(self, reader: IndexReader, path: str) -> list[int]:
        """The docnums of the file's live paragraphs."""
        found = self._live_paragraphs.get(path)
        if found is None:
            term = path.encode("utf-8")
            ids = reader.postings("source", term).all_ids() if ("source", term) in reader else ()
            records = self._file_records(reader)
            found = [i for i in ids if i not in records and not reader.is_deleted(i)]
            self._live_paragraphs[path] = found
        return found

    def record(self, reader: IndexReader, path: str) -> dict:
        """The file's record, as indexing stored it (:class:`~searchidx.index.store.FileRecord`'s
        fields), or ``{}``; indexing writes it before the file's paragraphs, so it comes first."""
        term = path.encode("utf-8")
        if ("source", term) in reader:
            records = self._file_records(reader)
            for docnum in reader.postings("source", term).all_ids():
                if docnum in records and not reader.is_deleted(docnum):
                    return reader.stored_fields(docnum).get("record", {})
        return {}

    def numbers(self, reader: IndexReader):
        """Each document's file as a number, -1 for file records, as a numpy array.
        Deleted paragraphs keep theirs: searches skip them."""
        if self._numbers is None:
            from .rank_arrays import group_numbers

            records = self._file_records(reader)
            paragraphs = (
                [i for i in reader.postings("source", term).all_ids() if i not in records]
                for term in reader.lexicon("source")
            )
            self._numbers = group_numbers(paragraphs, reader.doc_count_all())
        return self._numbers

    def _file_records(self, reader: IndexReader) -> set[int]:
        if self._records is None:
            self._records = set()
            if ("kind", "file") in reader:
                self._records = set(reader.postings("kind", "file").all_ids())
        return self._records


def _files(reader: IndexReader) -> _ReaderFiles:
    found = _FILES.get(reader)
    if found is None:
        found = _FILES[reader] = _ReaderFiles()
    return found


def _vocabulary(reader: IndexReader, arrays: ArraySearcher | None) -> Vocabulary:
    return arrays.vocabulary(reader) if arrays else ReaderVocabulary(reader)


def _rank(whoosh_index, reader, plan: QueryPlan, limit: int, arrays: ArraySearcher | None):
    """The plan's best ``limit`` ``(docnums, scores)`` and its total.

    Ties are broken by document number in both cores, so pages follow on.
    """
    if arrays is not None:
        from .rank_arrays import Unsupported  # only here: numpy is not needed without arrays

        try:
            return arrays.rank(plan, limit)
        except Unsupported:
            pass
    from . import rank_whoosh  # only here: the side files answer most searches

    return rank_whoosh.rank(whoosh_index, reader, plan, limit)


def _make_hit(rank: int, score: float, stored: dict, highlighter: Highlighter) -> Hit:
    text = stored["text"]
    matches = highlighter.matched_words(text)
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
        snippet=render_snippet(text, window, matches, PLAIN_MARKS),
        matches=matches,
        window=window,
    )


def _neighbours(
    reader: IndexReader, docnum: int, stored: dict, context: int
) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The ``context`` paragraphs before and after a hit's, in the same file (and,
    in a file of records, the same record)."""
    before = _beside(reader, docnum, stored, -min(context, stored.get("paragraph", 0) - 1))
    return before[::-1], _beside(reader, docnum, stored, context)


def _beside(reader: IndexReader, docnum: int, hit: dict, count: int) -> list[dict[str, object]]:
    """The paragraphs numbered ``hit``'s + 1 .. + ``count`` (``count`` < 0: - 1 ..
    + ``count``) of its file, nearest first, up to the first missing one.

    A file's paragraphs are written one after the other, so each is read first
    where it should be, next along the docnums; only where it is not is it
    looked for among the file's own: at the end of the file or of a record (a
    file of records numbers each record's paragraphs from 1), or where a file
    indexed in parallel was cut in batches, each process writing its batches
    into its own segment.
    """
    step = 1 if count > 0 else -1
    size = reader.doc_count_all()
    found = []
    for number in range(
        hit.get("paragraph", 0) + step, hit.get("paragraph", 0) + count + step, step
    ):
        docnum += step
        fields = {}
        if 0 <= docnum < size and not reader.is_deleted(docnum):
            fields = reader.stored_fields(docnum)
        if not _continues(fields, number, hit):
            docnum = _files(reader).find(reader, number, hit)
            if docnum is None:
                break
            fields = reader.stored_fields(docnum)
        found.append({"paragraph": number, "text": fields.get("text", "")})
    return found


def _continues(fields: dict, number: int, hit: dict) -> bool:
    """Whether ``fields`` are paragraph ``number`` of the file (and title) of ``hit``."""
    return (
        fields.get("paragraph") == number
        and fields.get("source") == hit.get("source")
        and fields.get("title") == hit.get("title")
    )


class _ParagraphFinder:
    """Where a file's paragraphs are among its live docnums (``ids``, ascending).

    They come in runs: paragraphs numbered one after the other at consecutive
    places (the batches of a file indexed in parallel; the records of a file of
    records, each numbering its paragraphs from 1, told apart by locator). The
    runs are found by bisection: a stretch whose first and last numbers differ
    by its length is taken for one run, any other is halved. So a paragraph is
    found reading a few dozen of the file's paragraphs, not all of them; each
    one found is checked, and only if none checks are all of them read.
    """

    def __init__(self, reader: IndexReader, ids: list[int]) -> None:
        self._ids = ids
        self._keys: dict[int, tuple[int, str, str]] = {}
        self._runs: list[tuple[int, int, int]] = []
        self._places: dict[tuple, int] | None = None  # all of them, once read
        # Bisected segment by segment: in each, the file's paragraphs are in the
        # order they were written, so a stretch whose ends differ by its length is
        # one run; where segments were merged, a wrong guess is caught by find().
        starts = [bisect_left(ids, offset) for _, offset in reader.leaf_readers()[1:]]
        for low, high in pairwise([0, *starts, len(ids)]):
            if low < high:
                self._bisect(reader, low, high - 1)
        # In a file of one document, paragraph 1 starts one run only.
        self._records = sum(first == 1 for _, first, _ in self._runs) > 1

    def find(self, reader: IndexReader, number: int, hit: dict) -> int | None:
        """The docnum of the file's paragraph ``number`` (in ``hit``'s record, in a
        file of records), or None if there is none."""
        for start, first, length in self._runs:
            if first <= number < first + length and self._is(
                reader, start + number - first, number, hit
            ):
                return self._ids[start + number - first]
        if self._places is None:
            self._places = {}
            for place in range(len(self._ids)):
                self._places.setdefault(self._record_key(*self._key(reader, place)), place)
        place = self._places.get(
            self._record_key(number, hit.get("title", ""), hit.get("locator", ""))
        )
        return None if place is None else self._ids[place]

    def _is(self, reader: IndexReader, place: int, number: int, hit: dict) -> bool:
        return self._record_key(*self._key(reader, place)) == self._record_key(
            number, hit.get("title", ""), hit.get("locator", "")
        )

    def _record_key(self, number: int, title: str, locator: str) -> tuple:
        """What tells a paragraph from the file's others: its number and title, and
        in a file of records its locator too."""
        return (number, title, locator if self._records else "")

    def _bisect(self, reader: IndexReader, low: int, high: int) -> None:
        first, last = self._key(reader, low)[0], self._key(reader, high)[0]
        if last - first == high - low:
            self._runs.append((low, first, high - low + 1))
        elif high - low == 1:
            self._runs += [(low, first, 1), (high, last, 1)]
        else:
            middle = (low + high) // 2
            self._bisect(reader, low, middle)
            self._bisect(reader, middle + 1, high)

    def _key(self, reader: IndexReader, place: int) -> tuple[int, str, str]:
        key = self._keys.get(place)
        if key is None:
            fields = reader.stored_fields(self._ids[place])
            key = (fields.get("paragraph", 0), fields.get("title", ""), fields.get("locator", ""))
            self._keys[place] = key
        return key
