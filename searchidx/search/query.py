"""Parsing the query language into a Whoosh query, and checking a search's arguments.

Words must all match (or any of them), "phrases" match in order, ``OR``,
``AND``, ``NOT`` (or a leading ``-``) and parentheses combine, ``word*`` is a
prefix, ``word~`` a fuzzy word, ``=word`` the word as written (an
:class:`ExactWord`, also inside phrases), ``doc:`` and ``title:`` filter;
there are no boosts (``word^2`` is refused). The parsed query holds folded
words, and ``=`` words as the query wrote them; :mod:`.plan` expands them
against the index's vocabulary.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Iterator
from typing import TYPE_CHECKING

from whoosh import qparser, query
from whoosh.qparser.common import attach

from ..arabic import (
    FORMAT_CONTROLS,
    WORD,
    WORD_LIGATURES,
    fold_term,
    is_vocalized,
    position_words,
)
from ..errors import QueryError

if TYPE_CHECKING:
    from whoosh.fields import Schema

MAX_QUERY_CHARS = 1000
# What the diacritics of a query word do: rank the words written with compatible
# marks first, or keep only them (see :func:`searchidx.arabic.marks_compatible`).
MARKS = ("rank", "strict")
MIN_PREFIX_CHARS = 2
# «word~»: at least this many letters.
MIN_FUZZY_CHARS = 3
# «~» after a space or a bracket or at the start, or twice over.
_STRAY_TILDE = re.compile(r"(?:^|(?<=[\s()]))~|~[0-9]*~")
# «"…"*», «"…"~3?»: a phrase (quotes blanked), its distance if any, then a
# wildcard, which Whoosh would apply to the phrase's words run together.
_PHRASE_WILDCARD = re.compile(r'(?<!doc:)"[^"]*"(?:~[^\s()*?"]*)?[*?]')
# What lies between spaces, brackets and quotes: a word with what is pasted to it.
_BARE_PIECE = re.compile(r'[^\s()"]+')
# «الكتاب الجديد»~3: words in the quotation marks of Arabic (or typeset) text,
# which are punctuation, so that the ~ would fall on the last word alone.
_TYPESET_QUOTED = re.compile(r"[«»“”„]([^«»“”„\"]+)[«»“”„]~(\d*)")
# «"…"~0»: a distance, out of range.
_ZERO_SLOP = re.compile(r'"([^"]*)"~0+(?![0-9])')
# A phrase or a word, then «~» and what follows it up to a space or «)».
_TILDE_TAIL = re.compile(r'("[^"]*"|[^\s(~"]+)(~[^\s)]*)')
# «word~» and «word~2» as typed, after the word.
_DISTANCE = re.compile(r"~[0-9]*")
# «"word~"»: inside quotes «~» is no operator, and the analyzer would drop it.
_TILDE_IN_PHRASE = re.compile(r"\w[^\s~]*~\d*")
# «"word*"»: nor is «*», and the phrase would look for the word without it.
_PREFIX_IN_PHRASE = re.compile(r"\w[^\s*]*\*")
# The widest «"w1 w2"~N»: a paragraph is rarely longer than a few hundred words.
MAX_SLOP = 1000
_FILTER_FIELDS = frozenset({"doc", "title"})
_SEARCHABLE_FIELDS = _FILTER_FIELDS | {"terms"}
# Control characters become spaces, invisible ones go (a table: no pattern to compile).
_CLEANED = str.maketrans(
    {**dict.fromkeys([*map(chr, range(0x20)), "\x7f"], " "), **dict.fromkeys(FORMAT_CONTROLS)}
)
# «doc:» or «title:» with nothing after the colon (or only «""»): Whoosh would search
# for the word, or for nothing.
_EMPTY_FILTER = re.compile(r'(?:^|(?<=[\s(-]))(doc|title):(?:"")?(?=[\s)]|$)')
_OPERATORS_WRITTEN = frozenset({"AND", "OR", "NOT"})
# The query's pieces, for where its operators stand: brackets, and what lies between spaces.
_PIECES = re.compile(r"[()]|[^\s()]+")
_WILDCARD_OR_TILDE = re.compile("[*?~]")
_NO_WORDS = "the query has no words to search for"
_UNCLOSED_QUOTE = 'a quote («"») is not closed: close it, or remove it to search for the words'
# «=word» at the start of a word, also right after a bracket (not inside a
# word, nor in «doc:a=b.txt»).
_AT_WORD_START = r"(?:^|(?<=[\s()\-]))"
# Words written against each other, as «2024م»: «=2024م» is the phrase of both exact.
_GLUED_WORDS = rf"(?:{WORD.pattern})+"
_NOT_IN_TITLES = "= finds words of the text, not of titles: write ={word} without title:"
# «word^2», «"…"^2», «(…)^2», a stray «^2»: a boost, as other engines write it;
# Whoosh's parser would read the «^» as punctuation and search for the number.
_BOOST_NUMBER = r"[0-9\u0660-\u0669\u06f0-\u06f9]"
_BOOST = re.compile(rf"(?<=[^\s(^])\^(?:{_BOOST_NUMBER}|\.)*|\^{_BOOST_NUMBER}+")


@functools.cache
def _exact_word() -> re.Pattern:
    """«=word»: an «=» at the start of a word, then the word (or words written
    against each other).

    Compiled on first use, as only a query with an «=» needs it: it holds
    :data:`~searchidx.arabic.WORD`, 2 ms of a one-shot search."""
    return re.compile(rf"{_AT_WORD_START}=(?P<text>{_GLUED_WORDS})")


@functools.cache
def _stray_exact() -> tuple[tuple[re.Pattern, str], ...]:
    """Misplaced «=», each with how to write it: with the query's own words where
    the pattern finds them (``phrase``, ``word``, or the ``before`` it), else
    with «علي» (see :func:`_exact_advice`).

    Compiled on first use, as only a query with an «=» needs them (2 ms of a
    one-shot search)."""
    return (
        (
            # Before an opening quote: what comes before it holds whole quotes only.
            re.compile(rf'^(?:[^"]|"[^"]*")*?{_AT_WORD_START}="(?P<phrase>[^"]*)"'),
            '= goes inside the quotes, right before a word: "={phrase}"',
        ),
        (
            re.compile(rf"{_AT_WORD_START}=(?:doc:|title:(?P<word>{_GLUED_WORDS})?)"),
            "= goes right before a word of the text, not before doc: or title: (={word})",
        ),
        (
            # «= word», «==word», «=(word …)», or «word =» with no word after it.
            re.compile(
                rf"(?:(?P<before>{_GLUED_WORDS})\s+)?(?:{_AT_WORD_START}|(?<=\"))"
                rf"=(?!{WORD.pattern})[\s=(]*(?P<word>{_GLUED_WORDS})?"
            ),
            "= goes right before a word, with no space: ={word}",
        ),
        (re.compile(rf"title:=(?P<word>{_GLUED_WORDS})?"), _NOT_IN_TITLES),
        (
            re.compile(rf"{_AT_WORD_START}=(?P<word>{_GLUED_WORDS})[*?~]"),
            "=word is one exact word: it takes no * or ~ "
            "(write ={word}, or {word}~ for its near spellings, {word}* for a prefix)",
        ),
    )


def _exact_advice(advice: str, stray: re.Match) -> str:
    """``advice`` on a misplaced «=» with the words ``stray`` found around it, or
    «علي» where it found none («= الكتاب»: «=الكتاب»; «=»: «=علي»)."""
    found = stray.groupdict()
    word = found.get("word") or found.get("before") or "علي"
    phrase = " ".join((found.get("phrase") or "").split()) or "علي بن ابي طالب"
    return advice.format(word=word, phrase=phrase)


def parse_query(text: str, schema: Schema, match_any: bool = False) -> query.Query:
    """Parse the query language into a Whoosh query over folded terms.

    Words must all match (``match_any``: any of them), "phrases" match in
    order, ``OR``, ``AND``, ``NOT`` (or a leading ``-``) and parentheses
    combine, ``word*`` is a prefix, ``=word`` the word as written, ``doc:`` and
    ``title:`` filter. With
    ``match_any`` only the words become alternatives: ``NOT`` still excludes
    and ``doc:``/``title:`` still filter; ``doc:news`` and ``doc:news/`` also take
    the documents in the folder ``news``. Stem forms are added later, by
    :func:`~searchidx.search.plan.build_plan`, because they depend on the
    index's vocabulary.

    >>> from searchidx.index.store import make_schema
    >>> parse_query("السلام -عليكم", make_schema())
    And([Term('terms', 'السلام'), Not(Term('terms', 'عليكم'))])
    """
    # Invisible characters (bidi marks copied with right-to-left text) are never part
    # of a term, and must not hide an operator: «\u200f=علي» is «=علي».
    cleaned = unicodedata.normalize("NFC", text).translate(_CLEANED).strip()
    if not cleaned:
        raise QueryError("the query is empty; give the words to search for")
    if cleaned.count('"') % 2:
        # Searching the words after it as words would quietly drop the phrase,
        # and every check after this one would misread what the quotes hold.
        raise QueryError(_UNCLOSED_QUOTE)
    if len(cleaned) > MAX_QUERY_CHARS:
        raise QueryError(f"the query is longer than {MAX_QUERY_CHARS} characters; shorten it")
    if "=" in cleaned:
        for pattern, advice in _stray_exact():
            if stray := pattern.search(cleaned):
                raise QueryError(_exact_advice(advice, stray))
    if not any(char.isalnum() for char in cleaned):
        raise QueryError(_NO_WORDS)
    empty_filter = _EMPTY_FILTER.search(cleaned)
    if empty_filter:
        name = empty_filter.group(1)
        raise QueryError(
            f"{name}: needs a value right after the colon, e.g. "
            + ("doc:news/a.txt" if name == "doc" else "title:الباغوز")
        )
    # What the quotes hold blanked once, for the checks of what is outside them.
    blanked = _blank_quotes(cleaned)
    _check_doc_names(blanked)
    _check_tildes(cleaned, blanked)
    _check_brackets(blanked)
    _check_operators(blanked)
    _check_boosts(cleaned, blanked)
    _check_ligature_wildcards(blanked)
    group = _AnyWordGroup if match_any else qparser.AndGroup
    # Whoosh's default plugins less single quotes, ranges, boosts and «*:*», with
    # searchidx's phrases, wildcards and operators: named here rather than
    # removed from the defaults, whose patterns would be compiled for nothing.
    plugins = [
        _FIELDS,
        qparser.GroupPlugin(),
        _PHRASES,
        _EXACT_WORDS,
        _WILDCARDS,
        _FUZZY_WORDS,
        _OPERATORS,
    ]
    parser = qparser.QueryParser("terms", schema, plugins=plugins, group=group)
    try:
        parsed = parser.parse(cleaned, normalize=False)
        # Before normalizing, which drops repeated words: «عِلْم OR عَلَم» are two.
        _keep_marks(parsed, cleaned)
        parsed = parsed.normalize()
    except QueryError:
        raise
    except Exception as error:  # Whoosh raises assorted errors on odd input
        raise QueryError(
            f"cannot understand the query ({error}); check quotes and brackets"
        ) from None
    if isinstance(parsed, type(query.NullQuery)):
        raise QueryError(_NO_WORDS)
    _check_fields(parsed, cleaned)
    return _with_doc_folders(parsed)


def _check_doc_names(blanked: str) -> None:
    """Refuse a ``doc:`` name that holds a «~» or a bracket outside quotes: Whoosh
    would cut it there («doc:~/notes.txt» is «doc:~» and the words «notes txt»),
    and a name copied from the results («~/archive/notes.txt», «تقرير (نهائي).txt»)
    is to be quoted."""
    for piece in blanked.split():
        at = piece.find("doc:")
        if at < 0 or piece[:at].strip("(-"):
            continue
        name = piece[at + len("doc:") :].rstrip(")")
        if name.startswith('"'):
            continue  # quoted: the name as written
        marks = [char for char in "~()" if char in name]
        if marks:
            minus = "-" if "-" in piece[:at] else ""
            raise QueryError(
                f'a doc: name holding «{marks[0]}» goes in quotes: {minus}doc:"{name}"'
            )


def _check_brackets(blanked: str) -> None:
    """Refuse a bracket that is not closed, or a closing one that none opened:
    Whoosh would close it at the end, or drop it, and «(سوريا OR العراق داعش»
    would quietly be «سوريا OR (العراق داعش)». Inside quotes brackets are
    part of the text (a ``doc:`` name's are brackets: Whoosh ends it there)."""
    depth = 0
    for char in blanked:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise QueryError("a bracket «)» closes none that was opened: remove it or open one")
    if depth:
        raise QueryError("a bracket «(» is not closed: close it, or remove it")


def _check_operators(blanked: str) -> None:
    """Refuse an ``AND``, ``OR`` or ``NOT`` without the words it joins: at either
    end, beside a bracket or beside another operator («(سوريا OR)», «سوريا OR OR
    العراق»), where Whoosh would search for the English word or drop it."""
    pieces = _PIECES.findall(blanked)
    for at, piece in enumerate(pieces):
        if piece not in _OPERATORS_WRITTEN:
            continue
        before = pieces[at - 1] if at else "("
        after = pieces[at + 1] if at + 1 < len(pieces) else ")"
        alone = after in {")", "AND", "OR"}
        if piece != "NOT" and before in {"(", *_OPERATORS_WRITTEN}:
            alone = True
        if alone:
            needs = "a word after it" if piece == "NOT" else "a word on each side"
            raise QueryError(f"{piece} needs {needs}; write it in quotes to search for the word")


def _check_boosts(text: str, blanked: str) -> None:
    """Refuse a boost («سوريا^2»): the query language has none, and quietly
    searching for «2» as well would be worse than saying so. Inside quotes, and
    in a ``doc:`` name, a «^» is part of the text."""
    boosts = [
        boost
        for piece in re.finditer(r"\S+", blanked)
        if not piece[0].lstrip("(-").startswith("doc:")
        for boost in _BOOST.finditer(blanked, piece.start(), piece.end())
    ]
    if boosts:
        written = boosts[0][0]
        for boost in reversed(boosts):
            text = text[: boost.start()] + text[boost.end() :]
        instead = " ".join(text.split())
        if not any(char.isalnum() for char in instead):
            raise QueryError(
                f"the query language has no boosts ({written}); give the words to search for"
            )
        raise QueryError(f"the query language has no boosts ({written}); write {instead}")


def _blank_quotes(text: str) -> str:
    """``text`` with what is inside its quotes blanked, keeping the offsets."""
    return re.sub(r'"[^"]*"', lambda quoted: '"' + "x" * (len(quoted[0]) - 2) + '"', text)


def _check_ligature_wildcards(blanked: str) -> None:
    """Refuse ``*``, ``?`` or ``~`` on a word ligature («ﷺ*», «ﷺ~»): the index
    holds it as the words it stands for, and they apply to one word, so Whoosh
    would quietly find nothing. Inside quotes they are punctuation."""
    for piece in blanked.split():
        if piece.startswith("doc:") or not _WILDCARD_OR_TILDE.search(piece):
            continue
        for word in WORD.findall(piece):
            words = WORD_LIGATURES.get(word)
            if words:
                raise QueryError(
                    f"'{piece}': «{word}» is {len(words)} words ({' '.join(words)}), "
                    "and * ? ~ apply to one word; write them apart, or the ligature alone"
                )


def _check_tildes(text: str, blanked: str) -> None:
    """Refuse a ``~`` that is not right after a word or a phrase, or whose distance
    is not a whole number in range (Whoosh would read «word~1.5» as «word~1» and «.5»),
    and a wildcard after a phrase or with a ``~``."""
    # Quoted text (a file name in «doc:"…"») may hold any «~»: blanked, keeping offsets.
    _check_wildcard_tails(text, blanked)
    for typeset in _TYPESET_QUOTED.finditer(blanked):
        if len(typeset.group(1).split()) > 1:  # one word in them is a fuzzy word: «الباغوس»~
            distance = int(typeset.group(2) or 0) or 5
            raise QueryError(
                f'write the phrase in straight quotes: "{typeset.group(1).strip()}"~{distance}'
            )
    zero = _ZERO_SLOP.search(text)
    if zero:
        _check_slop(0, zero.group(1).split())
    if _STRAY_TILDE.search(text):
        raise QueryError(
            '~ goes right after a word (word~ or word~2) or a quoted phrase ("w1 w2"~5)'
        )
    for tail in _TILDE_TAIL.finditer(blanked):
        written = text[tail.start() : tail.end()]
        head = text[tail.start(1) : tail.end(1)]
        # Punctuation after it is no part of it («الباغوس~»، «"…"~5،»).
        distance = re.sub(r"\W+$", "", tail.group(2)) or "~"
        if re.fullmatch(r"~\d+", distance) and not distance.isascii():
            # «~٢» from an Arabic keyboard: say how to write it, like the operators, in Latin.
            latin = f"{head}~{int(distance[1:])}"
            raise QueryError(f"'{written}': write the distance in Latin digits: {latin}")
        phrase = head.startswith('"')
        if re.fullmatch("~0+[1-9][0-9]*", distance):
            # «~01»: Whoosh reads no distance there, and searches for the digits as words.
            if phrase:
                _check_slop(int(distance[1:]), head[1:-1].split())
            if phrase or int(distance[1:]) in (1, 2):
                raise QueryError(
                    f"'{written}': write the distance without leading zeros: "
                    f"{head}~{int(distance[1:])}"
                )
        if phrase:
            if not re.fullmatch("~[0-9]+", distance):
                raise QueryError(
                    f"'{written}': the distance after a phrase's ~ is a whole number of "
                    f"positions, 1 to {MAX_SLOP}: write e.g. {head}~5"
                )
        elif not re.fullmatch("~[0-9]?", distance):
            raise QueryError(f"'{written}': the distance after ~ is 1 or 2 (word~ or word~2)")


def _check_wildcard_tails(text: str, blanked: str) -> None:
    """Refuse ``*`` or ``?`` after a phrase («"…"*», «"…"~3*»), which Whoosh would
    apply to its words run together, and on a word with a ``~`` («الوزير~1*»,
    «مستمر*~»), of which Whoosh would quietly keep one."""
    phrase = _PHRASE_WILDCARD.search(blanked)
    if phrase:
        written = text[phrase.start() : phrase.end()]
        raise QueryError(
            f"'{written}': * and ? apply to one word, not to a phrase; write {written.rstrip('*?')}"
        )
    for piece in _BARE_PIECE.findall(blanked):
        if piece.startswith("doc:") or "~" not in piece or not {"*", "?"} & set(piece):
            continue
        pattern = _DISTANCE.sub("", piece)
        letters = pattern.rstrip("*?")
        # A wildcard inside the word («ال*زير~») leaves no fuzzy word to suggest.
        fuzzy = "" if {"*", "?"} & set(letters) else f"{letters}{_DISTANCE.search(piece)[0]} or "
        raise QueryError(
            f"'{piece}': a word takes ~ or a wildcard, not both; write {fuzzy}{pattern}"
        )


class _Typed:
    """Equality that counts the diacritics a word or phrase was typed with
    (``typed``): «عِلْم» and «عَلَم», one folded term, are two query words."""

    typed: str | tuple[str, ...]

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and self.typed == getattr(other, "typed", None)

    def __hash__(self) -> int:
        return super().__hash__() ^ hash(self.typed)


class VocalizedTerm(_Typed, query.Term):
    """A word of the text typed with diacritics (:func:`typed_word`)."""


class VocalizedPhrase(_Typed, query.Phrase):
    """A phrase with a word typed with diacritics (:func:`typed_word`)."""

    typed: tuple[str, ...]

    def normalize(self) -> query.Query:
        # Whoosh builds a new phrase, or a term of a one-word phrase: keep the marks.
        normal = super().normalize()
        if isinstance(normal, query.Phrase):
            normal.typed = self.typed
        elif type(normal) is query.Term and self.typed[0]:
            normal.__class__, normal.typed = VocalizedTerm, self.typed[0]
        return normal


def _keep_marks(q: query.Query, text: str) -> None:
    """Keep on each word the query wrote with diacritics the word as typed
    (:func:`typed_word`), which the parsed term, folded, has lost; the parser's
    own node becomes a :class:`VocalizedTerm` or :class:`VocalizedPhrase`."""
    if type(q) is query.Term and q.fieldname == "terms" and q.startchar is not None:
        typed = text[q.startchar : q.endchar]
        if is_vocalized(typed):
            q.__class__, q.typed = VocalizedTerm, typed
    elif type(q) is query.Phrase and q.fieldname == "terms" and q.char_ranges:
        words = ("" if start is None else text[start:end] for start, end in q.char_ranges)
        typed = tuple(word if is_vocalized(word) else "" for word in words)
        if any(typed):
            q.__class__, q.typed = VocalizedPhrase, typed
    for child in q.children():
        _keep_marks(child, text)


def typed_word(q: query.Query) -> str | tuple[str, ...] | None:
    """A word of the ``terms`` field as the query typed it, where it has diacritics
    (for a phrase, one per word, ``""`` for a word without them); else None.

    >>> from searchidx.index.store import make_schema
    >>> typed_word(parse_query("عِلْم", make_schema())), typed_word(parse_query("علم", make_schema()))
    ('عِلْم', None)
    """
    return getattr(q, "typed", None)


def _with_doc_folders(q: query.Query) -> query.Query:
    """Let ``doc:NAME`` match the document NAME and the documents under the folder NAME/."""
    if isinstance(q, query.Term) and q.fieldname == "doc":
        folder = query.Prefix("doc", q.text.rstrip("/") + "/", boost=q.boost)
        return folder if q.text.endswith("/") else query.Or([q, folder])
    if isinstance(q, query.Sequence):
        return q  # a phrase's words; Whoosh's apply() would drop its slop
    return q.apply(_with_doc_folders)


class ExactWord(query.Term):
    """``=word``: the word as written, apart from marks and what cannot be seen.
    ``text`` is the word as the query wrote it; planning turns it into its
    folded terms restricted to the occurrences written with its letters
    (:func:`~searchidx.arabic.written_letters`)."""


class _ExactWordPlugin(qparser.TaggingPlugin):
    """``=word`` at the start of a word: an :class:`ExactWord`."""

    def __init__(self) -> None:
        pass  # Whoosh's would compile the pattern: see match()

    @property
    def expr(self) -> re.Pattern:
        return _exact_word()

    def match(self, parser: qparser.QueryParser, text: str, pos: int):
        # Only an «=» starts one: a query without it never compiles the pattern.
        return super().match(parser, text, pos) if text.startswith("=", pos) else None

    class ExactNode(qparser.syntax.TextNode):
        def query(self, parser: qparser.QueryParser) -> query.Query | None:
            words = [
                ExactWord("terms", word, boost=self.boost) for word in position_words(self.text)
            ]
            words = [word for word in words if fold_term(word.text)]
            if not words:
                return None  # a tatweel alone, which no text holds as a word either
            return attach(words[0] if len(words) == 1 else query.Sequence(words), self)

    nodetype = ExactNode


def _located(term: query.Term, phrase: qparser.syntax.TextNode, token) -> query.Term:
    """``term`` with the offsets of its word in the query, as Whoosh gives a word's."""
    term.startchar = phrase.textstartchar + token.startchar
    term.endchar = phrase.textstartchar + token.endchar
    return term


def _written_words(words: list[query.Term], written: list[int]) -> list[query.Query]:
    """A proximity's ``words`` (each written at the offset ``written``), the words
    of one written word as one: a word ligature, which the index holds as the words
    it stands for at positions of their own, is the phrase of its words, and the
    window is measured from where that phrase stands, as from any written word
    («"قال ﷺ"~1» finds «قال ﷺ» and «ﷺ قال» alike)."""
    grouped = (
        [word for word, _ in group]
        for _, group in itertools.groupby(
            zip(words, written, strict=True), key=lambda pair: pair[1]
        )
    )
    return [group[0] if len(group) == 1 else query.Sequence(group) for group in grouped]


class _PhrasePlugin(qparser.PhrasePlugin):
    """Quoted phrases, whose words may be ``=`` words: ``"=علي بن ابي طالب"``."""

    class PhraseNode(qparser.PhrasePlugin.PhraseNode):
        near = False  # a distance was written after the quotes: «"w1 w2"~1»

        def query(self, parser: qparser.QueryParser) -> query.Query:
            fuzzy = _TILDE_IN_PHRASE.search(self.text)
            if fuzzy and self.fieldname != "doc":
                raise QueryError(
                    f"~ does not work inside quotes: write {fuzzy.group(0)} without them, "
                    'or put the distance after the closing quote ("w1 w2"~5)'
                )
            prefix = _PREFIX_IN_PHRASE.search(self.text)
            if prefix and self.fieldname != "doc":
                raise QueryError(
                    f"* does not work inside quotes: a phrase's words are matched whole; "
                    f"write {prefix.group(0)} without them"
                )
            if self.fieldname != "doc":
                # The words as typed, not as folded: «"الخلايا النائمة"~5», not «الناءمه».
                _check_slop(self.slop, self.text.split())
            exact_words = list(_exact_word().finditer(self.text)) if "=" in self.text else []
            if exact_words and self.fieldname == "title":
                raise QueryError(_NOT_IN_TITLES.format(word=exact_words[0]["text"]))
            exact = {
                start
                for match in exact_words
                for start in range(match.start("text"), match.end("text"))
            }
            # «"w1 w2"~1» is the words side by side in either order; Whoosh parses
            # it to the slop of the phrase «"w1 w2"», whose words keep their order.
            side_by_side = self.near and self.slop == 1
            # A word ligature is one word of a proximity (see _written_words).
            ligature = self.near and not WORD_LIGATURES.keys().isdisjoint(self.text)
            fieldname = self.fieldname or parser.fieldname
            of_words = fieldname in (parser.fieldname, "title")  # «doc:"a =b.txt"» names a file
            if not (of_words and (exact or side_by_side or ligature)):
                return super().query(parser)
            # The words as the field's analyzer finds them, so that the words
            # around an «=» word are folded as in any phrase; an «=» word as
            # typed (of a ligature, the word it stands for).
            tokens = parser.schema[fieldname].tokenize(
                self.text, mode="query", chars=True, keeporiginal=True
            )
            words, written = [], []
            for token in tokens:
                words.append(
                    ExactWord("terms", token.original)
                    if token.startchar in exact
                    else _located(query.Term(fieldname, token.text), self, token)
                )
                written.append(token.startchar)
            if self.near:
                words = _written_words(words, written)
            if len(words) <= 1:
                return attach(words[0], self) if words else super().query(parser)
            ordered = self.slop == 1 and not side_by_side
            phrase = query.Sequence(words, slop=self.slop, ordered=ordered)
            return attach(phrase.with_boost(self.boost), self)

    class PhraseTagger(qparser.PhrasePlugin.PhraseTagger):
        def create(self, parser: qparser.QueryParser, match: re.Match) -> qparser.syntax.SyntaxNode:
            found = super().create(parser, match)
            node = _PhrasePlugin.PhraseNode(found.text, found.textstartchar, found.slop)
            node.degrade = found.degrade
            node.near = match.group("slop") is not None
            return node


class _AsciiWildcardPlugin(qparser.WildcardPlugin):
    """Only ``*`` and ``?`` are wildcards: Whoosh also counts the Arabic question
    mark, which ends questions («ما هو الإسلام؟») and must stay punctuation."""

    qmarks = "?"
    expr = r"(?P<text>[*?])"


class _FuzzyWordPlugin(qparser.FuzzyTermPlugin):
    """``word~`` and ``word~2``, whose word is what it would be without the ``~``:
    punctuation around it is no part of it («الباغوس»~), and a word the analyzer
    makes nothing of («ـ~», a kashida alone) is no word."""

    class FuzzyTermNode(qparser.FuzzyTermPlugin.FuzzyTermNode):
        def query(self, parser: qparser.QueryParser) -> query.Query | None:
            # Whoosh keeps the text before «~» whole, as no tokenizer cuts it.
            words = WORD.findall(self.text)
            if not words:
                return None
            if len(words) == 1:
                self.text = words[0]
            # Whoosh's own sets the distance on the word's query even when there is none.
            fuzzy = qparser.syntax.TextNode.query(self, parser)
            if fuzzy is not None:
                fuzzy.maxdist, fuzzy.prefixlength = self.maxdist, self.prefixlength
            return fuzzy


# A minus at the start of a word excludes it, as NOT does, also right after a
# bracket («(سوريا)-داعش»); inside a word («2019-2020») or alone between
# spaces it is not an operator.
# A minus that a dash closes later («-ﷺ-», «-صلی اللہ علیہ وسلم-», as Indo-Pak hadith
# set the eulogy apart) is punctuation pasted with the text, not NOT.
_LEADING_MINUS = qparser.OperatorsPlugin.OpTagger(
    r"(^|(?<=[\s()]))-(?=[^\s\-])(?![^-]*?[^\s\-]-(?:[\s)]|$))",
    qparser.syntax.NotGroup,
    qparser.syntax.PrefixOperator,
)


# A field name starts a word: «قَالَت:» pasted from a hadith is a word and its colon,
# where Whoosh's «\w+:» took the «ت» after the marks (which \w leaves out) for a field.
_FIELDS = qparser.FieldsPlugin(r"(?<![^\s(\-+\"])(?P<text>\w+|[*]):")
_WILDCARDS = _AsciiWildcardPlugin()
_FUZZY_WORDS = _FuzzyWordPlugin()
_EXACT_WORDS = _ExactWordPlugin()
_PHRASES = _PhrasePlugin()
# Operators stand between spaces, or beside a bracket: «سوريا OR(العراق)» is an OR.
_OPERATORS = qparser.OperatorsPlugin(
    ops=[(_LEADING_MINUS, 0)],
    And=r"(?<=[\s)])AND(?=[\s(])",
    Or=r"(?<=[\s)])OR(?=[\s(])",
    Not=r"(^|(?<=[\s()]))NOT(?=[\s(])",
)


class _AnyWordGroup(qparser.syntax.GroupNode):
    """Words side by side of which any may match (``match_any``), while the
    restrictions among them (``NOT``, ``-word``, ``doc:``, ``title:``) still
    apply to every hit."""

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


def _check_fields(q: query.Query, text: str) -> None:
    for leaf in _leaves(q):
        if isinstance(leaf, query.Every):
            raise QueryError("a bare * would match everything; put some letters before it")
        if isinstance(leaf, ExactWord):
            continue
        fieldname = getattr(leaf, "fieldname", None)
        if fieldname is not None and fieldname not in _SEARCHABLE_FIELDS:
            raise QueryError(f"unknown field '{fieldname}:'; use doc: or title:")
        if isinstance(leaf, query.FuzzyTerm):
            # As typed («عل~», not the folded «عل~1»), for this and later messages.
            distance = _DISTANCE.match(text, leaf.endchar)
            written = leaf.written = text[leaf.startchar : leaf.endchar] + distance.group(0)
            if leaf.maxdist not in (1, 2):
                raise QueryError(f"'{written}': the distance after ~ is 1 or 2")
            if len(leaf.text) < MIN_FUZZY_CHARS:
                raise QueryError(f"'{written}' needs a word of at least {MIN_FUZZY_CHARS} letters")
            _check_one_word(written, leaf.text)
        if isinstance(leaf, (query.Prefix, query.Wildcard)) and fieldname != "doc":
            suffix = "*" if isinstance(leaf, query.Prefix) else ""
            _check_one_word(_as_typed(text, leaf.text + suffix), leaf.text)
        if isinstance(leaf, (query.Prefix, query.Wildcard)):
            head = re.split(r"[*?]", leaf.text, maxsplit=1)[0]
            if len(head) < MIN_PREFIX_CHARS:
                raise QueryError(
                    f"'{leaf.text}' needs at least {MIN_PREFIX_CHARS} letters before * or ?"
                )


def _as_typed(text: str, lowered: str) -> str:
    """``lowered`` as ``text`` writes it: Whoosh lowercases a wildcard word
    («COVID-19*» is «covid-19*»)."""
    typed = re.search(re.escape(lowered), text, re.IGNORECASE)
    return typed.group() if typed else lowered


def _check_one_word(written: str, term: str) -> None:
    """Refuse ``*``, ``?`` or ``~`` on what the index holds as several words
    («عام20*», «2024م~»): Whoosh applies them to the text as typed, which no
    indexed word is, and would quietly find nothing."""
    words = WORD.findall(term.replace("*", "").replace("?", ""))
    if len(words) < 2:
        return
    matches = list(WORD.finditer(written))
    apart = written
    for before, after in reversed(list(itertools.pairwise(matches))):
        if before.end() == after.start():
            apart = apart[: after.start()] + " " + apart[after.start() :]
    # Words parted by punctuation (a pasted address, «COVID-19*») cannot be written
    # apart, nor words whose part that would take the * ? ~ is too short for it
    # («2024م~»: «م~»). Without its * and ~ the text is the phrase of its words; a ?
    # is punctuation only in quotes, where a * or ~ is refused.
    as_written = _DISTANCE.sub("", written).replace("*", "")
    if apart != written and all(map(_long_enough, apart.split())):
        advice = f"; write them apart: {apart}"
    elif "?" in as_written:
        advice = f'; put it in quotes to find it as written: "{as_written}"'
    else:
        advice = f"; write {as_written} to find it as written"
    raise QueryError(
        f"'{written}' is {len(words)} words ({' '.join(words)}), and * ? ~ apply to one word"
        + advice
    )


def _long_enough(word: str) -> bool:
    """Whether ``word`` has the letters its ``~`` (:data:`MIN_FUZZY_CHARS`) or its
    wildcard (:data:`MIN_PREFIX_CHARS` before it) needs."""
    if "~" in word and len("".join(WORD.findall(word))) < MIN_FUZZY_CHARS:
        return False
    head = re.split(r"[*?]", word, maxsplit=1)[0]
    return head == word or len(head) >= MIN_PREFIX_CHARS


def _check_slop(slop: int, words: list[str]) -> None:
    if not 1 <= slop <= MAX_SLOP:
        raise QueryError(
            f'"…"~{slop}: the words may be 1 to {MAX_SLOP} positions apart; '
            f'write e.g. "{" ".join(words)}"~5'
        )


def has_not(q: query.Query) -> bool:
    """Whether ``q`` has a NOT, which lets file records and deleted documents through."""
    return isinstance(q, query.Not) or any(has_not(child) for child in q.children())


def _leaves(q: query.Query):
    if q.is_leaf():
        yield q
    else:
        for child in q.children():
            yield from _leaves(child)


def positive_words(q: query.Query, exact: bool = False) -> Iterator[str]:
    """The folded words a query looks for, leaving out those after NOT; with
    ``exact``, those of its ``=`` words instead."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, ExactWord):
        if exact:
            yield fold_term(q.text)
    elif not exact and isinstance(q, query.Term) and q.fieldname == "terms":
        yield q.text
    elif not exact and isinstance(q, query.Phrase) and q.fieldname == "terms":
        yield from q.words
    for child in q.children():
        yield from positive_words(child, exact)


def check_arguments(text: object, limit: object, offset: object) -> None:
    """Refuse a query that is not a str, a ``limit`` below 1 and a negative ``offset``."""
    if not isinstance(text, str):
        raise QueryError(f"the query must be a str, not {type(text).__name__}")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise QueryError(f"limit must be a whole number, 1 or more, not {limit!r}")
    check_count("offset", offset)


def check_marks(marks: object) -> None:
    """Refuse a ``marks`` that is not one of :data:`MARKS`."""
    if marks not in MARKS:
        choices = " or ".join(repr(choice) for choice in MARKS)
        raise QueryError(f"marks must be {choices}, not {marks!r}")


def check_count(name: str, value: object) -> None:
    """Refuse a ``value`` of the argument ``name`` that is not a whole number, 0 or more."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise QueryError(f"{name} must be a whole number, 0 or more, not {value!r}")
