"""The index's analyzer: Whoosh's tokenizer and filter over the Arabic rules.

The pipeline follows Whoosh's own design: a tokenizer finds words and their
character offsets in the original text, then a filter rewrites only the
token's text::

    ArabicTokenizer() | FoldFilter()     # the index's "terms" and "title" fields

* :class:`ArabicTokenizer` yields whole words with their marks (the words of
  :func:`searchidx.arabic.iter_words`); ``startchar``/``endchar`` slice the
  original word, which is what the highlighter marks. A word ligature yields
  the words it stands for at consecutive positions, each slicing the ligature:
  «ﷺ» is «صلى», «الله», «عليه», «وسلم».
* :class:`FoldFilter` replaces the word with its folded terms
  (:func:`searchidx.arabic.fold_readings`): both readings of an ambiguous
  Uthmani word when indexing, the first in a query. It leaves ``*`` and ``?``
  alone, because Whoosh runs it on wildcard query text.

Light stems are not indexed: they are compared at query time (``search/plan.py``).
The stored text is never touched: only tokens are folded. Whoosh pickles the
analyzer into the index, so these classes keep their names and module path.

:func:`analyze` shows what the rules make of a text, word by word, as
``searchidx analyze`` does.

Example::

    >>> [(t.text, t.term, t.stem) for t in analyze("والكُتُبُ")]
    [('والكُتُبُ', 'والكتب', 'كتب')]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from whoosh.analysis import Analyzer, Filter, Tokenizer
from whoosh.analysis.acore import Token as WhooshToken

from .arabic import WORD, WORD_LIGATURES, fold_readings, iter_words, light_stems, marks_evidence

# The name of the terms this analyzer makes, kept in each index's meta file: an
# index whose terms were made otherwise is refused (rebuild it). A change to the
# words or terms of a text (here or in :mod:`searchidx.arabic`) changes the name.
ANALYZER = "arabic-fold-8"


@dataclass(frozen=True)
class Token:
    """One word of the analysed text, as ``searchidx analyze`` shows it: its
    (first) folded term, primary stem, and the stems of every reading. ``text``
    is ``TEXT[start:end]``: each word of a ligature shows the ligature."""

    text: str
    start: int
    end: int
    term: str
    stem: str
    stems: tuple[str, ...]


class ArabicTokenizer(Tokenizer):
    """Whoosh tokenizer yielding whole words with their combining marks."""

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[WhooshToken]:
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Whoosh asks for the whole string as one token for wildcard text.
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        pos = start_pos
        for match in WORD.finditer(value):
            written = match.group()
            # A word ligature («ﷺ») is its words at consecutive positions, each
            # with the ligature's offsets, so that the highlighter marks it.
            for word in WORD_LIGATURES.get(written, (written,)):
                token.text = word
                token.boost = 1.0
                token.stopped = False
                if keeporiginal:
                    token.original = word
                if positions:
                    token.pos = pos
                    pos += 1
                if chars:
                    token.startchar = start_char + match.start()
                    token.endchar = start_char + match.end()
                yield token


class FoldFilter(Filter):
    """Replace each token's text with its folded terms (:func:`fold_readings`).

    A word with two readings gives two tokens at one position when indexing,
    and its first reading in a query. Tokens that fold to nothing are dropped.
    """

    def __call__(self, tokens: Iterable[WhooshToken]) -> Iterator[WhooshToken]:
        for token in tokens:
            readings = fold_readings(token.text)
            if token.mode == "query":
                readings = readings[:1]
            for reading in readings:
                if reading:
                    token.text = reading
                    yield token


def term_analyzer() -> Analyzer:
    """The analyzer of the folded-term field."""
    return ArabicTokenizer() | FoldFilter()


def analyze(text: str) -> list[Token]:
    """Split ``text`` into words with offsets, folded terms and light stems.

    >>> [t.term for t in analyze("أكَّدَ أحمدُ")]
    ['اكد', 'احمد']
    """
    tokens = []
    for word, start, end in iter_words(text):
        readings = fold_readings(word)
        if readings[0]:
            # Every reading's stems: «ٱلْكِتَـٰبُ» is «الكتب» or «الكتاب».
            stems = tuple(
                dict.fromkeys(
                    stem
                    for term in readings
                    for stem in light_stems(term, marks_evidence(word, term))
                )
            )
            tokens.append(Token(text[start:end], start, end, readings[0], stems[0], stems))
    return tokens
