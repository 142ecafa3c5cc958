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
from collections import Counter
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from . import rank_whoosh
from .highlight import PLAIN_MARKS, Highlighter, render_snippet, snippet_window
from .plan import QueryPlan, ReaderVocabulary, Vocabulary, build_plan
from .query import check_arguments, check_count, check_marks, parse_query
from .results import FileHit, FileResults, Hit, SearchResults
from .suggest import SUGGEST_BELOW, suggestions

if TYPE_CHECKING:
    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader

    from .rank_arrays import ArraySearcher

# Each reader's map of paragraphs to files (see _files_of); a reader never changes.
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
        run_search,
        whoosh_index,
        reader,
        limit=1,
        match_any=match_any,
        arrays=arrays,
        suggest=False,
        marks=marks,
    )
    return suggestions(vocabulary, parsed, text, total, search_once, unvocalized=marks == "strict")


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
    check_arguments(text, limit, offset)
    check_marks(marks)
    parsed = parse_query(text, reader.schema, match_any)
    vocabulary = _vocabulary(reader, arrays)
    plan = build_plan(parsed, vocabulary, marks)
    # Every match is ranked: a file's count needs all its paragraphs.
    everything = max(reader.doc_count_all(), 1)
    docnums, scores, total = _rank(whoosh_index, reader, plan, everything, arrays)
    # Each hit's file, then per file its count and its first hit (its best: best
    # first), built by dict and Counter in C: a common word has tens of thousands.
    paths = list(map(_files_of(reader).__getitem__, docnums))
    counts = Counter(paths)
    first = dict(zip(reversed(paths), range(len(paths) - 1, -1, -1), strict=True))
    page = sorted(first.items(), key=itemgetter(1))[offset : offset + limit]
    # Only the page's files read a stored paragraph, for their root, id and title.
    hits = []
    for rank, (path, at) in enumerate(page, offset + 1):
        stored = reader.stored_fields(docnums[at])
        hits.append(
            FileHit(
                rank=rank,
                score=round(scores[at], 4),
                path=path,
                root=stored.get("root", ""),
                doc=stored.get("doc", ""),
                title=stored.get("title", ""),
                hits=counts[path],
            )
        )
    corrected = _suggestions(
        whoosh_index, reader, vocabulary, parsed, text, total, match_any, arrays, marks
    )
    return FileResults(
        query=text, total=len(counts), paragraphs=total, files=hits, suggestions=corrected
    )


def _files_of(reader: IndexReader) -> dict[int, str]:
    """Each paragraph's file (the path in its ``source`` field), read once per reader
    from the field's postings: reading every matching paragraph's stored fields
    instead costs a decompression each, seconds for a common word."""
    return _files(reader)[0]


def _files(reader: IndexReader) -> tuple[dict[int, str], dict[str, list[int]]]:
    """Each paragraph's file, and each file's paragraphs (document numbers in order,
    deleted ones included), as the ``source`` field's postings say."""
    found = _FILES.get(reader)
    if found is None:
        file_of: dict[int, str] = {}
        paragraphs_of: dict[str, list[int]] = {}
        records = set()
        if ("kind", "file") in reader:
            records = set(reader.postings("kind", "file").all_ids())
        for term in reader.lexicon("source"):
            path = term.decode("utf-8")
            ids = reader.postings("source", term).all_ids()
            paragraphs_of[path] = [docnum for docnum in ids if docnum not in records]
            file_of.update(dict.fromkeys(paragraphs_of[path], path))
        found = _FILES[reader] = (file_of, paragraphs_of)
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
    """The ``context`` paragraphs before and after a hit's, in the same file."""
    paragraph = stored.get("paragraph", 0)
    ids = _files(reader)[1].get(stored.get("source", ""), [])
    at = bisect_left(ids, docnum)
    # A file's paragraphs are mostly written in order: its neighbours are read
    # outwards from the hit's id, past deleted documents. Where they are not all
    # there (the file's end, or a run of its paragraphs written elsewhere), the
    # whole file is read.
    before = _walk(reader, ids[at - 1 :: -1] if at else [], paragraph, -min(context, paragraph - 1))
    after = _walk(reader, ids[at + 1 :], paragraph, context)
    if before is None or after is None:
        live = [i for i in ids if i != docnum and not reader.is_deleted(i)]
        before = _walk(reader, live, paragraph, -context, whole=True)
        after = _walk(reader, live, paragraph, context, whole=True)
    return (
        [{"paragraph": n, "text": before[n]} for n in sorted(before)],
        [{"paragraph": n, "text": after[n]} for n in sorted(after)],
    )


def _walk(reader: IndexReader, docnums, paragraph: int, context: int, whole: bool = False):
    """The texts of paragraphs ``paragraph + 1 .. + context`` (``context`` < 0: before
    it) among ``docnums``, by number. Not ``whole``: the next ones along
    ``docnums`` (deleted ones skipped), or None if they are not those paragraphs."""
    step = 1 if context > 0 else -1
    found = {}
    for docnum in docnums:
        if len(found) == abs(context) and not whole:
            break
        if not whole and reader.is_deleted(docnum):
            continue
        fields = reader.stored_fields(docnum)
        number = fields.get("paragraph", 0)
        if 0 < (number - paragraph) * step <= abs(context) and "text" in fields:
            found[number] = fields["text"]
        elif not whole:
            return None
    if not whole and len(found) < abs(context):
        return None
    return found
