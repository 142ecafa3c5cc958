"""The entry points of a search: a query in, ranked hits with snippets out.

One query goes: :func:`~.query.parse_query` (the query language), then
:func:`~.plan.build_plan` against the index's vocabulary (the Whoosh reader's
term files, or the side files), then a ranking core (the numpy one of
:mod:`.rank_arrays` where every segment has a side file and it knows every
node of the plan, else Whoosh's matchers in :mod:`.rank_whoosh`), then
:mod:`.highlight` on each hit's stored text.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

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
    if suggest and total < SUGGEST_BELOW:
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
        results.suggestions = suggestions(
            vocabulary, parsed, text, total, search_once, unvocalized=marks == "strict"
        )
    return results


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
    plan = build_plan(parsed, _vocabulary(reader, arrays), marks)
    # Every match is ranked: a file's count needs all its paragraphs.
    everything = max(reader.doc_count_all(), 1)
    docnums, scores, total = _rank(whoosh_index, reader, plan, everything, arrays)
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
