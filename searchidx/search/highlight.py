"""Highlighting: the words of a hit the query matched, the snippet around them,
and the marks around each matched word in every output.

Snippets are cut from the stored original text at query time: the paragraph
is re-analysed (cheap: folding and stemming are cached per word), the words
that matched are located by offset, and the window with the most distinct
matched words is widened to sentence or word boundaries.
"""

from __future__ import annotations

import fnmatch
import re
import threading
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable
from itertools import compress, groupby, repeat
from operator import is_
from typing import TYPE_CHECKING

from ..arabic import fold_readings, fold_terms, fold_words, position_spans, written_form

if TYPE_CHECKING:
    from .plan import QueryPlan

# The marks around a matched word, for every output: ``Hit.snippet`` and the
# plain format, a terminal's colours, the web page.
PLAIN_MARKS = ("[", "]")
ANSI_MARKS = ("\x1b[1;31m", "\x1b[0m")
HTML_MARKS = ("<mark>", "</mark>")
NO_MARKS = ("", "")
SNIPPET_CHARS = 240
_SENTENCE_MARKS = ".!?؟۔؛\n"
_SENTENCE_END = re.compile(f"[{_SENTENCE_MARKS}]+\\s*")
ELLIPSIS = "…"


class KeptWords:
    """The words of texts, their offsets (:func:`~searchidx.arabic.position_spans`)
    and their distinct words, kept for long texts: a long paragraph holds many
    words, so it is a hit of search after search (on the hadith corpus, 28
    paragraphs of 100,000 held a sixth of the words the features' searches
    highlighted), and finding its words is most of highlighting it. Texts of at
    least ``longest`` characters, up to ``limit`` characters in all, then emptied."""

    def __init__(self, longest: int = 5000, limit: int = 1_000_000) -> None:
        self.longest, self.limit = longest, limit
        self._texts: dict[str, tuple] = {}
        self._characters = 0
        self._lock = threading.Lock()  # the web server searches in threads

    def words(self, text: str) -> tuple[list[str], list[int], list[int], frozenset[str]]:
        """``text``'s words, where each starts and ends, and the distinct words."""
        found = self._texts.get(text) if len(text) >= self.longest else None
        if found is None:
            words, starts, ends = position_spans(text)
            found = (words, starts, ends, frozenset(words))
            if len(text) >= self.longest:
                with self._lock:
                    if self._characters + len(text) > self.limit:
                        self._texts.clear()
                        self._characters = 0
                    self._texts[text] = found
                    self._characters += len(text)
        return found


_KEPT_WORDS = KeptWords()


class Highlighter:
    """Finds the words of a hit that a plan asked for, remembering each word's
    answer across the hits of one search."""

    def __init__(self, plan: QueryPlan) -> None:
        self.highlight = plan.highlight
        self.patterns = plan.patterns
        # «=» words (and, strict, vocalized ones): folded term -> the tests a word
        # so folded must pass, one enough.
        self.restricted: dict[str, list] = {}
        for term, test in plan.restricted:
            self.restricted.setdefault(term, []).append(test)
        self._known: dict[str, bool] = {}
        self.phrases = plan.phrases
        self.near = plan.near
        # The phrases' and proximities' words, each its forms and written test.
        self._units = [
            *plan.phrases,
            *(tuple(word for item in items for word in item) for items, _ in plan.near),
        ]
        self._in_phrases = frozenset().union(
            *(forms for words in self._units for forms, _ in words)
        )
        # The words of hits that are a phrase's or proximity's words -> their terms,
        # and which words of which phrases and proximities they are.
        self._phrase_word: dict[str, tuple[str, ...]] = {}
        self._word_roles: dict[str, tuple[tuple[int, int], ...]] = {}

    def matched_words(self, text: str) -> list[tuple[int, int]]:
        """The ``(start, end)`` of every word of ``text`` the query asked for."""
        known = self._known
        words, starts, ends, distinct = _KEPT_WORDS.words(text)
        new = list(distinct.difference(known))
        if new:
            # Most words have one term, kept from earlier hits: they are looked up
            # and tested all at once.
            terms = fold_words(new)
            found = self.highlight.intersection(terms)
            known.update(zip(new, map(found.__contains__, terms), strict=True))
            if None in terms or self.restricted or self.patterns:
                for word, term in zip(new, terms, strict=True):
                    if term is None or term in self.restricted or self.patterns:
                        known[word] = self.is_asked(word)
            if self._in_phrases:
                self._learn_phrase_words(new, terms)
        asked = list(map(known.__getitem__, words))
        if self._in_phrases:
            self._ask_phrases(words, asked)
        # The words of a ligature share its span: it is marked once.
        return list(dict.fromkeys(zip(compress(starts, asked), compress(ends, asked), strict=True)))

    def _learn_phrase_words(self, words: list[str], terms: list[str | None]) -> None:
        """Note the readings of those of ``words`` (new to this search, ``terms``
        their :func:`fold_words`) that are a phrase's or proximity's words."""
        member = self._phrase_word
        found = self._in_phrases.intersection(terms)
        if found:
            asked = list(map(found.__contains__, terms))
            # Each word with its one term, as a 1-tuple (zip of one iterable).
            member.update(
                zip(compress(words, asked), zip(compress(terms, asked), strict=True), strict=True)
            )
        if None in terms:
            for word in compress(words, map(is_, terms, repeat(None))):
                readings = fold_readings(word)
                if not self._in_phrases.isdisjoint(readings):
                    member[word] = readings

    def _ask_phrases(self, words: list[str], asked: list[bool]) -> None:
        """Mark in ``asked`` the words of each phrase of the query where it stands in
        ``words``: its words one after another, as the index numbers positions (a
        word a position, a ligature its words), each written as its test asks;
        and the items of each proximity where they are near each other: an item
        1 to the slop positions from the other (three items or more: in a chain
        of one place of each, each 1 to the slop from the next), an item a word
        or a word ligature, which stands where the phrase of its words does and
        is measured from its ends. A phrase or proximity found nowhere in them
        (a hit it reached through positions the words do not show) has its
        words marked wherever they are."""
        places = list(compress(range(len(words)), map(self._phrase_word.get, words)))
        if not places:
            return
        # The places of each word of each phrase and proximity, in order: the places
        # of each word of the hit (a few distinct ones) given to the words it is.
        found = [[[] for _ in unit] for unit in self._units]
        by_word = sorted(places, key=words.__getitem__)  # stable: each word's in order
        for word, at in groupby(by_word, key=words.__getitem__):
            at = list(at)
            for unit, number in self._roles(word):
                found[unit][number].extend(at)
        for unit in found:
            for at in unit:
                at.sort()
        for phrase, at in zip(self.phrases, found[: len(self.phrases)], strict=True):
            starts = _phrase_starts(at)
            for start in starts:
                asked[start : start + len(phrase)] = [True] * len(phrase)
            if not starts:
                for place in set().union(*at):
                    asked[place] = True
        for (items, slop), at in zip(self.near, found[len(self.phrases) :], strict=True):
            # Each item's spans: a word's places, a ligature's where its words stand.
            spans, taken = [], 0
            for item in items:
                if len(item) == 1:
                    spans.append([(place, place) for place in at[taken]])
                else:
                    starts = sorted(_phrase_starts(at[taken : taken + len(item)]))
                    spans.append([(start, start + len(item) - 1) for start in starts])
                taken += len(item)
            if len(spans) == 2:  # most proximities: each item's spans near the other's
                first, second = spans
                marked = {span for span in first if _near(second, span, slop)}
                marked.update(span for span in second if _near(first, span, slop))
            else:
                marked = _chained(spans, slop)
            for start, end in marked:
                asked[start : end + 1] = [True] * (end + 1 - start)
            if not marked:
                for place in set().union(*at):
                    asked[place] = True

    def _roles(self, word: str) -> tuple[tuple[int, int], ...]:
        """``(unit, number)`` of each word of a phrase or proximity (the ``number``-th
        word of ``self._units[unit]``) that ``word`` of a hit is, as written."""
        roles = self._word_roles.get(word)
        if roles is None:
            readings = self._phrase_word[word]
            roles = self._word_roles[word] = tuple(
                (unit, number)
                for unit, unit_words in enumerate(self._units)
                for number, (forms, test) in enumerate(unit_words)
                if not forms.isdisjoint(readings)
                and (test is None or test.accepts(written_form(word)))
            )
        return roles

    def is_asked(self, word: str) -> bool:
        """Whether the query asked for ``word``: an Uthmani word by any of its readings."""
        readings = fold_readings(word)
        return (
            not self.highlight.isdisjoint(readings)
            or (
                not self.restricted.keys().isdisjoint(readings) and self.passes_test(word, readings)
            )
            or (bool(self.patterns) and self.matches_pattern(readings))
        )

    def passes_test(self, word: str, readings: tuple[str, ...]) -> bool:
        """Whether the word, as written, passes the test of a restricted query word
        of one of its folded readings."""
        tests = [test for term in readings for test in self.restricted.get(term, ())]
        return any(test.accepts(written_form(word)) for test in tests)

    def matches_pattern(self, terms: tuple[str, ...]) -> bool:
        """Whether any of the folded readings of a word of a hit fits a wildcard of the query."""
        return any(
            fnmatch.fnmatchcase(term, pattern) for pattern in self.patterns for term in terms
        )


def _phrase_starts(at: list[list[int]]) -> set[int]:
    """Where a phrase starts, of the places of each of its words (``at``): a place
    of its first word with each next word right after the one before."""
    return set(at[0]).intersection(
        *({place - number for place in spots} for number, spots in enumerate(at) if number)
    )


def _chained(at: list[list[tuple[int, int]]], slop: int) -> set[tuple[int, int]]:
    """The spans (first and last place), of the sorted spans of each item of a
    proximity (``at``), that are in a chain of them: one span of each item, each
    1 to ``slop`` from the next, from the one's last place to the other's first
    («ولا سلام بعد الوزير» far from any «المنطقة» is not, for three words)."""
    entries = [(*span, number) for number, spans in enumerate(at) for span in spans]
    everyone = (1 << len(at)) - 1
    before = _chain_ends(entries, slop)
    after = _chain_ends([(-end, -start, number) for start, end, number in entries], slop)
    return {
        (start, end)
        for (start, end, number), left, right in zip(entries, before, after, strict=True)
        if any(
            one | other == everyone and one & other == 1 << number
            for one in left
            for other in right
        )
    }


def _chain_ends(entries: list[tuple[int, int, int]], slop: int) -> list[set[int]]:
    """For each ``(first place, last place, item number)`` of ``entries``, the sets
    of items (bit masks) of the chains that end there, coming from smaller places."""
    ends: list[set[int] | None] = [None] * len(entries)
    by_start = sorted(range(len(entries)), key=entries.__getitem__)
    # Spans join a chain once they end before the next one starts, and leave it
    # once they end more than ``slop`` before: in the order of their ends.
    by_end = sorted(range(len(entries)), key=lambda number: entries[number][1])
    # How many spans 1 to ``slop`` places back end a chain of each set of items:
    # a window that slides, not a look back from each span (a slop of 1000).
    window: Counter[int] = Counter()
    joined = left = 0
    for number in by_start:
        start, _, item = entries[number]
        while joined < len(by_end) and entries[by_end[joined]][1] < start:
            window.update(ends[by_end[joined]])
            joined += 1
        while left < joined and start - entries[by_end[left]][1] > slop:
            window.subtract(ends[by_end[left]])
            left += 1
        bit = 1 << item
        ends[number] = {
            bit,
            *(chain | bit for chain, count in window.items() if count and not chain & bit),
        }
    return ends


def _near(spans: list[tuple[int, int]], span: tuple[int, int], reach: int) -> bool:
    """Whether one of the sorted ``spans`` (of one item, all as long) is 1 to
    ``reach`` places from ``span``: from the one's last place to the other's
    first (spans that overlap are 0 apart)."""
    start, end = span
    longest = spans[0][1] - spans[0][0] if spans else 0
    at = bisect_left(spans, (start - reach - longest,))
    while at < len(spans) and spans[at][0] <= end + reach:
        other_start, other_end = spans[at]
        if 0 < other_start - end <= reach or 0 < start - other_end <= reach:
            return True
        at += 1
    return False


def snippet_window(
    text: str, matches: list[tuple[int, int]], size: int = SNIPPET_CHARS
) -> tuple[int, int]:
    """The ``(start, end)`` of the snippet: the stretch of ``text`` with the most
    matched words, widened to sentence boundaries where they are near, else to words.
    """
    if len(text) <= size:
        return (0, len(text))
    terms = fold_terms([text[start:end] for start, end in matches])
    best_start, best_end, best_count = 0, 0, 0
    if len(set(terms)) == 1:
        # One word asked (a long paragraph may hold it hundreds of times): no
        # window holds more than one distinct word, so the first that holds one,
        # from the first match no longer than the window, is the one the search
        # below would keep.
        ends = [end for _, end in matches]
        for anchor, end in matches:
            if end - anchor <= size:
                best_start, best_end = anchor, ends[bisect_right(ends, anchor + size) - 1]
                break
        matches = []
    # Matches are in text order and do not overlap, so the ones a window from
    # each anchor covers run up to an end that only moves forward.
    counts: dict[str, int] = {}
    last = 0
    for at, (anchor, _) in enumerate(matches):
        last = max(last, at)  # a word longer than the window covers nothing
        while last < len(matches) and matches[last][1] <= anchor + size:
            counts[terms[last]] = counts.get(terms[last], 0) + 1
            last += 1
        if len(counts) > best_count:
            best_start, best_end, best_count = anchor, matches[last - 1][1], len(counts)
        if at < last:
            counts[terms[at]] -= 1
            if not counts[terms[at]]:
                del counts[terms[at]]
    start = _snap_start(text, max(0, best_start - size // 4), best_start)
    end = _snap_end(text, min(len(text), start + size))
    if end < best_end:
        # The context before the stretch pushed its last words out: keep less of it.
        lead = max(0, size - (best_end - best_start))
        start = _snap_start(text, max(0, best_start - lead), best_start)
        end = _snap_end(text, min(len(text), start + size), best_end)
    return (start, end)


def _snap_start(text: str, start: int, anchor: int) -> int:
    """``start`` moved on to the first sentence's or word's start before ``anchor``."""
    if start == 0:
        return 0
    # A sentence end is a run of marks and spaces: one running across ``start`` is
    # found whole from where the run begins, as a scan from the text's start finds
    # it, without scanning the text before it (long paragraphs' snippets are deep).
    scan = start
    while scan and (text[scan - 1] in _SENTENCE_MARKS or text[scan - 1].isspace()):
        scan -= 1
    for sentence_end in _SENTENCE_END.finditer(text, scan, anchor):
        if sentence_end.end() >= start:
            return sentence_end.end()
    space = text.find(" ", start, anchor)
    return space + 1 if space != -1 else start


def _snap_end(text: str, end: int, floor: int = 0) -> int:
    """``end`` moved back to a sentence's or word's end, but not before ``floor``."""
    if end >= len(text):
        return len(text)
    window_floor = max(end - SNIPPET_CHARS // 4, floor)
    sentence_ends = [m.start() + 1 for m in _SENTENCE_END.finditer(text, window_floor, end)]
    if sentence_ends:
        return sentence_ends[-1]
    space = text.rfind(" ", window_floor, end)
    return space if space != -1 else end


def render_snippet(
    text: str,
    window: tuple[int, int],
    matches: list[tuple[int, int]],
    marks: tuple[str, str] = PLAIN_MARKS,
    escape: Callable[[str], str] = str,
) -> str:
    """The snippet of ``text`` in ``window``, on one line, with matched words between
    ``marks``, the text between them passed through ``escape``.

    >>> render_snippet("قال الوزير", (0, 10), [(4, 10)])
    'قال [الوزير]'
    """
    return _snippet(text, window, matches, marks, escape)


def html_snippet(text: str, window: tuple[int, int], matches: list[tuple[int, int]]) -> str:
    """The snippet as HTML: the text escaped, matched words in ``<mark>``."""
    return _snippet(text, window, matches, HTML_MARKS, _escape)


def html_marked(text: str, matches: list[tuple[int, int]]) -> str:
    """All of ``text`` as HTML, matched words in ``<mark>``."""
    return _marked(text, (0, len(text)), matches, HTML_MARKS, _escape)


def _snippet(text, window, matches, marks, escape: Callable[[str], str]) -> str:
    start, end = window
    before = ELLIPSIS if start > 0 else ""
    after = ELLIPSIS if end < len(text) else ""
    marked = _marked(text, window, matches, marks, escape)
    return f"{before}{marked}{after}".replace("\n", " ").strip()


def _marked(text, window, matches, marks, escape: Callable[[str], str]) -> str:
    """``text`` in ``window``, escaped, with the matches inside it between ``marks``."""
    start, end = window
    parts = []
    position = start
    for match_start, match_end in matches:
        if match_start < start or match_end > end:
            continue
        parts += [escape(text[position:match_start]), marks[0]]
        parts += [escape(text[match_start:match_end]), marks[1]]
        position = match_end
    parts.append(escape(text[position:end]))
    return "".join(parts)


def _escape(text: str) -> str:
    from html import escape  # only the web page needs it: a CLI search does without

    return escape(text, quote=True)
