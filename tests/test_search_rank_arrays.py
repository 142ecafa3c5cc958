"""Array search against Whoosh's matchers: the same totals, top hits and scores.

Whoosh is the reference. Every query is answered both ways on the same reader
and must agree: equal totals, equal top 10 (an order may differ only between
hits whose scores are equal to 1e-9), scores within 1e-9. This guards the
array search against any change in Whoosh's scoring or in the expansion.
"""

import random
import re
from pathlib import Path

import numpy as np
import pytest
from whoosh import query

from searchidx import Index
from searchidx.arabic import (
    NAME_OF_GOD,
    PROCLITICS,
    fold_term,
    is_function_form,
    is_vocalized,
    iter_words,
    light_stems,
    written_letters,
)
from searchidx.errors import QueryError
from searchidx.search import array_positions, array_segments, rank_arrays, rank_whoosh
from searchidx.search.plan import (
    EXACT_BONUS,
    MARKS_BONUS,
    STEM_BONUS,
    QueryPlan,
    ReaderVocabulary,
    _Planner,
    build_plan,
)
from searchidx.search.query import parse_query
from searchidx.search.rank_arrays import ArraySearcher
from searchidx.search.written import WrittenTest

from .conftest import (
    EXACT_FOUND,
    HADITH,
    INDEX_DATA,
    INDO_PAK_SAYINGS,
    LIGATURE_SAYINGS,
    LIGATURES,
    LOANWORD_NEWS,
    NAME_OF_GOD_SAYINGS,
    PRAYER_SAYINGS,
    TYPESET_VERSES,
    build_index,
    write_corpus,
)

LIMIT = 10
# Fatha, damma, kasra, sukun, shadda.
_VOWELS = ("\u064e", "\u064f", "\u0650", "\u0652", "\u0651")
TOLERANCE = 1e-9


def both_ways(index: Index, text: str, match_any: bool = False, marks: str = "rank"):
    """(array answer, Whoosh answer) for one query; each is (docnums, scores, total).

    Each path plans the query with its own vocabulary (the side files' or
    Whoosh's term files), and the plans must be equal.
    """
    reader = index._whoosh.reader()
    try:
        arrays = ArraySearcher.open(index.path, reader)
        assert arrays is not None, "a segment has no side file"
        parsed = parse_query(text, index._whoosh.schema, match_any)
        plan = build_plan(parsed, ReaderVocabulary(reader), marks)
        assert build_plan(parsed, arrays.vocabulary(reader), marks) == plan
        return answers(index, reader, arrays, plan)
    finally:
        reader.close()


def answers(index, reader, arrays, plan):
    ours = arrays.rank(plan, LIMIT)
    theirs = rank_whoosh.rank(index._whoosh, reader, plan, LIMIT)
    return ours, theirs


def assert_same(ours, theirs, label):
    our_docs, our_scores, our_total = ours
    their_docs, their_scores, their_total = theirs
    assert our_total == their_total, label
    assert len(our_docs) == len(their_docs), label
    for rank, (ours_score, theirs_score) in enumerate(zip(our_scores, their_scores, strict=True)):
        assert abs(ours_score - theirs_score) <= TOLERANCE, (label, rank)
    for rank, (our_doc, their_doc) in enumerate(zip(our_docs, their_docs, strict=True)):
        if our_doc != their_doc:
            # Only hits of equal score may trade places.
            tied = [s for d, s in zip(their_docs, their_scores, strict=True) if d == our_doc]
            assert tied and abs(tied[0] - their_scores[rank]) <= TOLERANCE, (label, rank)


def corpus_words(folder) -> list[list[str]]:
    """The words of each paragraph of the text files under ``folder``, in order."""
    paragraphs = []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".txt", ".md", ".jsonl", ".csv"):
            continue
        for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
            words = [word.text for word in iter_words(block)]
            if len(words) >= 3:
                paragraphs.append(words)
    return paragraphs


def draw_queries(paragraphs, docs, count: int, seed: int) -> list[tuple[str, bool]]:
    """``count`` queries of every shape the query language has, as (text, match any)."""
    rng = random.Random(seed)
    vocabulary = [word for words in paragraphs for word in words]

    def word():
        return rng.choice(vocabulary)

    def vocalized(word):
        """The word with its own diacritics, or some drawn at random on its letters."""
        if is_vocalized(word):
            return word
        return "".join(
            char + (rng.choice(_VOWELS) if char.isalpha() and rng.random() < 0.6 else "")
            for char in word
        )

    def run_of(length):
        words = rng.choice(paragraphs)
        start = rng.randrange(len(words) - length + 1)
        return " ".join(words[start : start + length])

    def near(count):
        """«"w1 w2"~N»: ``count`` words of a paragraph, up to 12 apart, in any order,
        sometimes a word twice, within a distance N from 1 to 50."""
        words = rng.choice(paragraphs)
        chosen = [rng.choice(words[:13])]
        for _ in range(count - 1):
            chosen.append(rng.choice(words) if rng.random() < 0.2 else rng.choice(words[:13]))
        if rng.random() < 0.15:
            chosen.append(chosen[0])
        rng.shuffle(chosen)
        return f'"{" ".join(chosen)}"~{rng.choice([2, 3, 4, 5, 8, 10, 20, 50])}'

    shapes = [
        lambda: word(),
        lambda: f"{word()} {word()}",
        lambda: run_of(2),
        lambda: f"{word()} OR {word()}",
        lambda: f"{word()} NOT {word()}",
        lambda: f'"{run_of(2)}"',
        lambda: f'"{run_of(3)}"',
        lambda: f'"{word()} {word()}"',
        lambda: f"{word()[:3]}*",
        lambda: f"{word()[:4]}* {word()}",
        lambda: f"({word()} OR {word()}) NOT {word()}",
        lambda: f"NOT {word()}",
        lambda: f"{word()} AND ({word()} OR NOT {word()})",
        lambda: f"NOT {word()} NOT {word()}",
        lambda: f'"{run_of(2)}" OR {word()}',
        lambda: f"doc:{rng.choice(docs)} {word()}",
        lambda: f"doc:{rng.choice(docs)}",
        lambda: f"{word()} NOT doc:{rng.choice(docs)}",
        lambda: f"title:{word()}",
        lambda: near(2),
        lambda: near(3),
        lambda: f'"{word()} {word()}"~{rng.randint(2, 50)}',
        lambda: f"{near(2)} NOT {word()}",
        lambda: f"{near(rng.choice([2, 3]))} OR {word()}",
        lambda: f"{word()} NOT {near(2)}",
        lambda: f"doc:{rng.choice(docs)} {near(2)}",
        lambda: f"={word()}",
        lambda: f"={word()} {word()}",
        lambda: f"={word()} OR ={word()}",
        lambda: f"{word()} NOT ={word()}",
        lambda: f'"={run_of(2)}"',
        lambda: '"{} ={} {}"'.format(*run_of(3).split(" ")),
        lambda: f"(={word()} OR {word()}) -{word()}",
        lambda: vocalized(word()),
        lambda: f"{vocalized(word())} {word()}",
        lambda: '"{} {}"'.format(*map(vocalized, run_of(2).split(" "))),
        lambda: '"{} {} {}"'.format(word(), *map(vocalized, run_of(2).split(" "))),
        lambda: f"{vocalized(word())} OR ={vocalized(word())}",
        lambda: f"{word()} -{vocalized(word())}",
        lambda: f'"={vocalized(run_of(2))}"',
        lambda: '"=' + near(2)[1:],
        lambda: '"{} {}"~{}'.format(*map(vocalized, run_of(2).split(" ")), rng.randint(2, 10)),
        # A fuzzy word: AND MAYBE its own forms' constant score, nested too.
        lambda: f"{word()}~",
        lambda: f"{word()}~2",
        lambda: f"{word()}~ {word()}",
        lambda: f"{word()}~ OR {word()}~",
        lambda: f"{word()} -{word()}~",
    ]
    queries = []
    while len(queries) < count:
        shape = rng.randrange(len(shapes) + 1)
        if shape == len(shapes):
            queries.append((f"{word()} {word()} {word()}", True))
        else:
            queries.append((shapes[shape](), False))
    return queries


def check_queries(index: Index, queries) -> int:
    """Compare every query both ways, a query with diacritics in both modes of marks;
    return how many were compared (not refused)."""
    compared = 0
    for text, match_any in queries:
        for marks in ("rank", "strict") if is_vocalized(text) else ("rank",):
            try:
                ours, theirs = both_ways(index, text, match_any, marks)
            except QueryError:
                continue  # refused before either path runs (a too short prefix, say)
            assert_same(ours, theirs, (text, match_any, marks))
            compared += 1
    return compared


def assert_answered_alike(
    index_path: Path, found: list[str], others: list[str], vocalized: int, planned: list[str]
) -> None:
    """Every query of ``found`` (which must find something) and ``others`` answered
    alike both ways, the ``vocalized`` ones in both modes of marks, and the forms of
    each of the ``planned`` terms planned in batches as one by one."""
    queries = found + others
    with Index.open(index_path) as index:
        assert check_queries(index, [(query, False) for query in queries]) == (
            len(queries) + vocalized
        )
        for query in found:
            assert both_ways(index, query)[0][2] > 0, query
        reader = index._whoosh.reader()
        try:
            batched = ArraySearcher.open(index.path, reader).vocabulary(reader)
            for term in planned:
                expected = reference_forms(ReaderVocabulary(reader), term)
                assert list(_Planner(batched)._word_forms("terms", term).items()) == list(
                    expected.items()
                ), term
        finally:
            reader.close()


def test_vocalized_and_strict_queries_agree_with_whoosh(hadith_index):
    """Words typed with diacritics, ranked (AND MAYBE a constant score) and strict (the
    written forms), alone, in phrases, with OR, NOT and «=»: answered by array search."""
    rng = random.Random(13)
    paragraphs = [[word.text for word in iter_words(hadith)] for hadith in HADITH]
    shapes = [
        lambda words, at: words[at],
        lambda words, at: f"{words[at]} {rng.choice(rng.choice(paragraphs))}",
        lambda words, at: f'"{words[at]} {words[at + 1]}"',
        lambda words, at: f"{words[at]} OR {rng.choice(rng.choice(paragraphs))}",
        lambda words, at: f"{words[at + 1]} -{rng.choice(rng.choice(paragraphs))}",
        lambda words, at: f"={words[at]}",
        lambda words, at: f'"={words[at]} {words[at + 1]}"',
        # The optional parts (written forms) are read only where the required ones match.
        lambda words, at: f'"{words[at]} {words[at + 1]}"~3',
        lambda words, at: f"{words[at]} {words[at + 1]} {rng.choice(rng.choice(paragraphs))}",
        lambda words, at: f"{words[at]} {written_letters(words[at + 1])} -{words[0]}",
    ]
    # A word no text writes with compatible marks: strict, it matches nothing.
    nowhere = ["مِلْك", '"مِلْكٌ مُوَكَّلٌ"', "فَقَالَ -مِلْك", "فَقَالَ OR مِلْك", "=مِلْك"]
    drawn = []
    for _ in range(120):
        words = rng.choice(paragraphs)
        drawn.append(rng.choice(shapes)(words, rng.randrange(len(words) - 1)))
    compared = 0
    with Index.open(hadith_index) as index:
        for text in nowhere + drawn:
            for marks in ("rank", "strict"):
                ours, theirs = both_ways(index, text, marks=marks)
                assert_same(ours, theirs, (text, marks))
                compared += ours[2] > 0
    assert compared > 150


@pytest.mark.slow
def test_bundled_corpus_agrees_with_whoosh(bundled_index):
    paragraphs = corpus_words(INDEX_DATA)
    docs = sorted(path.name for path in INDEX_DATA.iterdir())
    with Index.open(bundled_index) as index:
        assert check_queries(index, draw_queries(paragraphs, docs, 300, seed=1)) >= 250


def test_a_vocabulary_kept_between_searches_plans_as_a_fresh_one(bundled_index):
    """The side files' vocabulary remembers stems and indexed words from query to
    query; every plan still equals the one planned from Whoosh's term files afresh."""
    paragraphs = corpus_words(INDEX_DATA)
    docs = sorted(path.name for path in INDEX_DATA.iterdir())
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            arrays = ArraySearcher.open(index.path, reader)
            kept = arrays.vocabulary(reader)
            assert arrays.vocabulary(reader) is kept
            planned = 0
            for text, match_any in draw_queries(paragraphs, docs, 300, seed=3):
                try:
                    parsed = parse_query(text, index._whoosh.schema, match_any)
                    fresh = build_plan(parsed, ReaderVocabulary(reader))
                except QueryError:
                    continue
                assert build_plan(parsed, kept) == fresh, text
                planned += 1
            assert planned >= 250
        finally:
            reader.close()


def reference_forms(vocabulary, term: str) -> dict[str, float]:
    """A word's forms and their bonuses found one lookup at a time: each clitic +
    stem expanded alone, each word's stems asking the vocabulary word by word."""

    def stems_of(word):
        return light_stems(word, lambda other: vocabulary.contains("terms", other))

    forms = {term: EXACT_BONUS}
    stems = stems_of(term)
    if stems == (term,) and term.isascii():
        return forms
    function_form = is_function_form(term)
    for stem in stems:
        if stem == NAME_OF_GOD:
            # Its forms are no clitic + stem («لله», «تالله»): every word ending so.
            candidates = [
                word for word in vocabulary.expand_prefix("terms", "") if word.endswith("لله")
            ]
        else:
            candidates = [
                candidate
                for clitic in PROCLITICS
                for candidate in vocabulary.expand_prefix("terms", clitic + stem)
            ]
        for candidate in candidates:
            if candidate in forms or is_function_form(candidate) != function_form:
                continue
            candidate_stems = stems_of(candidate)
            if not set(stems).isdisjoint(candidate_stems):
                forms[candidate] = STEM_BONUS if candidate_stems[0] == stems[0] else 0.0
    return forms


def test_word_forms_found_in_batches_are_those_found_one_by_one(bundled_index):
    """Planning expands all of a word's prefixes at once and finds its candidates'
    stems in rounds of lookups of many words: the forms, their order and their
    bonuses are those of one lookup at a time in Whoosh's term files."""
    rng = random.Random(5)
    words = sorted({fold_term(word) for words in corpus_words(INDEX_DATA) for word in words})
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            batched = ArraySearcher.open(index.path, reader).vocabulary(reader)
            one_by_one = ReaderVocabulary(reader)
            for term in ["وزير", "الكتاب", "كتابا", "بسوريا", "مدرستها", *rng.sample(words, 300)]:
                # A fresh planner each time: nothing remembered from an earlier word.
                planner = _Planner(ReaderVocabulary(reader))
                expected = reference_forms(one_by_one, term)
                assert list(planner._word_forms("terms", term).items()) == list(expected.items())
                assert list(_Planner(batched)._word_forms("terms", term).items()) == list(
                    expected.items()
                ), term
        finally:
            reader.close()


_SHORT_WORDS = [
    "و قال و الله",
    "وزير في الوزارة",
    "ال الكتاب",
    "اي آية فاقرأ الآية وآية آيتها",
    "أي كتاب ايهم",
    "ف فيه فف",
]


def test_short_words_plan_to_the_forms_found_one_by_one_without_looking_at_others(tmp_path):
    """A one- or two-letter word is no other word's stem (but «اي», of «آية»):
    planning it expands no prefix, and finds what one lookup at a time finds."""
    folder = write_corpus(tmp_path / "docs", {"a.txt": "\n\n".join(_SHORT_WORDS)})
    with Index.create(tmp_path / "index") as index:
        index.update([folder])
        reader = index._whoosh.reader()
        try:
            terms = [term.decode("utf-8") for term in reader.lexicon("terms")]
            for term in [term for term in terms if len(term) <= 3]:
                counting = _CountingVocabulary(reader)
                forms = _Planner(counting)._word_forms("terms", term)
                assert list(forms.items()) == list(
                    reference_forms(ReaderVocabulary(reader), term).items()
                ), term
                if len(term) < 3 and term != "اي":
                    assert forms == {term: EXACT_BONUS}
                    assert not counting.expanded, term
        finally:
            reader.close()
        assert _found(index, "و") == [1]
        assert _found(index, "ف") == [6]
        # «اي» is also the stem of «آية», «الآية», «وآية» and «آيتها».
        assert _found(index, "اي") == [4, 5]
        assert _found(index, "ايه") == [4, 5]


def _found(index, text: str) -> list[int]:
    return sorted(hit.paragraph for hit in index.search(text).hits)


class _CountingVocabulary(ReaderVocabulary):
    """Whoosh's term files, noting every word looked up."""

    def __init__(self, reader) -> None:
        super().__init__(reader)
        self.looked_up: list[str] = []
        self.expanded: list[str] = []
        self.expansions = 0

    def expand_prefixes(self, fieldname: str, prefixes: list[str]) -> list[list[str]]:
        self.expanded += prefixes
        self.expansions += 1
        return super().expand_prefixes(fieldname, prefixes)

    def contains_many(self, fieldname: str, terms: list[str]) -> list[bool]:
        self.looked_up += terms
        return super().contains_many(fieldname, terms)


@pytest.fixture(scope="module")
def families_index(tmp_path_factory):
    """The forms of a few words, with clitics and suffixes."""
    extra = ["وزير الوزير والوزير بالوزير للوزير وزيرا وزيره الوزراء", "سوريا بسوريا لسوريا وسوريا"]
    paragraphs = [" ".join(family) for family in FAMILIES] + extra
    folder = write_corpus(
        tmp_path_factory.mktemp("families") / "docs", {"a.txt": "\n\n".join(paragraphs)}
    )
    with Index.create(folder.parent / "index") as index:
        index.update([folder])
    return folder.parent / "index"


@pytest.mark.parametrize("term", ["وزير", "والوزير", "بسوريا", "الكتاب"])
def test_words_under_a_words_prefixes_are_answered_from_their_expansion(families_index, term):
    """Stemming a word's candidates asks whether words are indexed; those under
    one of the prefixes expanded for it («الوزير» under «ال» + «وزير») are answered
    from the expansion, and the forms are those of one lookup at a time."""
    with Index.open(families_index) as index:
        reader = index._whoosh.reader()
        try:
            counting = _CountingVocabulary(reader)
            planner = _Planner(counting)
            planner._find_stems([term])
            stems = planner._stems[term]
            before = len(counting.looked_up)
            forms = planner._word_forms("terms", term)
            assert list(forms.items()) == list(
                reference_forms(ReaderVocabulary(reader), term).items()
            )
            prefixes = tuple(clitic + stem for stem in stems for clitic in PROCLITICS)
            asked = counting.looked_up[before:]
            assert not [word for word in asked if word.startswith(prefixes)]
            # Asked about all the same, and answered as the term files answer.
            answered = {
                word: indexed
                for word, indexed in planner._attested.items()
                if word.startswith(prefixes) and word not in counting.looked_up
            }
            assert answered
            assert answered == {word: ("terms", word) in reader for word in answered}
        finally:
            reader.close()


# News with clitic forms, Uthmani Quran and Urdu letters; then a second file.
_NEWS = {
    "news.txt": "استقبل الوزير السفير في دمشق\n\nوصل وزير الخارجية إلى بسوريا أمس\n\n"
    "المساعدات لسوريا والعراق\n\nذَٰلِكَ ٱلْكِتَـٰبُ لَا رَيْبَ فِيهِ\n\n"
    "اپنے أہلہ کے ساتھ گیا\n\nقرأ الكتاب مع أهله"
}
_MORE_NEWS = {"more.txt": "رحب وزير الخارجية بالوفد في سوريا\n\nللوزير كلمة عن سورياً"}
# Queries of several words, each with its words as typed.
_TOGETHER = [
    ("وزير سوريا", ["وزير", "سوريا"]),
    ('"وزير الخارجية"', ["وزير", "الخارجية"]),
    ("وزير -سوريا", ["وزير", "سوريا"]),
    ("ٱلْكِتَـٰبُ OR أہلہ", ["ٱلْكِتَـٰبُ", "أہلہ"]),
    ("زرقاوات الكتاب", ["زرقاوات", "الكتاب"]),
    ("سوريا~ وزير", ["سوريا", "وزير"]),
    ('"سوريا وزير"~3', ["سوريا", "وزير"]),
]


def _places(index: Index, text: str) -> list[tuple[str, int]]:
    return sorted((hit.doc, hit.paragraph) for hit in index.search(text, limit=50).hits)


def _assert_planned_together_as_alone(index: Index) -> None:
    """Each query's words planned together (one expansion of every clitic + stem
    of them all) have the forms, order and bonuses each word has alone, found one
    lookup at a time in Whoosh's term files; the side files plan them alike."""
    reader = index._whoosh.reader()
    try:
        for text, words in _TOGETHER:
            parsed = parse_query(text, index._whoosh.schema)
            counting = _CountingVocabulary(reader)
            arrays = ArraySearcher.open(index.path, reader).vocabulary(reader)
            assert build_plan(parsed, arrays) == build_plan(parsed, counting), text
            assert counting.expansions == 1, text
            for word in map(fold_term, words):
                expected = list(reference_forms(ReaderVocabulary(reader), word).items())
                # The forms the query's plan found, remembered by each vocabulary.
                assert list(_Planner(counting)._word_forms("terms", word).items()) == expected
                assert list(_Planner(arrays)._word_forms("terms", word).items()) == expected
            assert counting.expansions == 1, text
    finally:
        reader.close()


def test_the_words_of_a_query_are_planned_together_as_each_alone(tmp_path):
    """«وزير» finds «الوزير», «سوريا» finds «بسوريا» and «لسوريا», an Urdu-letter
    word its Arabic spelling, a word no paragraph holds nothing; the words of one
    query are planned together, to the forms each has alone, before and after an
    update brings new forms («للوزير», «سورياً») in a second segment."""
    folder = write_corpus(tmp_path / "docs", _NEWS)
    with Index.create(tmp_path / "index") as index:
        index.update([folder])
        assert _places(index, "وزير") == [("news.txt", 1), ("news.txt", 2)]
        assert _places(index, "سوريا") == [("news.txt", 2), ("news.txt", 3)]
        assert _places(index, "وزير سوريا") == [("news.txt", 2)]
        assert _places(index, "وزير -سوريا") == [("news.txt", 1)]
        assert _places(index, "أہلہ") == [("news.txt", 5), ("news.txt", 6)]
        # Either reading of the mushaf's word: «الكتب» or «الكتاب».
        assert _places(index, "ٱلْكِتَـٰبُ") == [("news.txt", 4), ("news.txt", 6)]
        assert _places(index, "زرقاوات") == _places(index, "زرقاوات الكتاب") == []
        _assert_planned_together_as_alone(index)
        write_corpus(folder, _MORE_NEWS)
        index.update([folder])
        assert index.info().segments == 2
        assert _places(index, "وزير سوريا") == [
            ("more.txt", 1),
            ("more.txt", 2),
            ("news.txt", 2),
        ]
        assert _places(index, '"وزير الخارجية"') == [("more.txt", 1), ("news.txt", 2)]
        _assert_planned_together_as_alone(index)


EXACT_QUERIES = [
    *EXACT_FOUND,
    "=علي بن",
    "=الكتاب على",
    "=على OR =مسئول",
    "الكتاب -=الكتاب",
    "NOT =الكتاب",
    '"=علي بن ابي طالب"',
    '"وضع =الكتاب على"',
    '"قرأت =كتاب"',
    '"=الكتاب =على"',
    "(=على OR =علي) -طالب",
]


def test_exact_words_are_answered_by_the_arrays_as_by_whoosh(exact_index):
    """``=`` words alone, with others, in phrases, with OR and after NOT: the arrays
    answer them themselves (no Unsupported) and agree with Whoosh."""
    with Index.open(exact_index) as index:
        for text in EXACT_QUERIES:
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
            assert ours[2] == index.search(text).total, text
        for text, paragraphs in EXACT_FOUND.items():
            assert both_ways(index, text)[0][2] == len(paragraphs), text


@pytest.mark.slow
def test_phrase_of_stem_forms_agrees_with_whoosh(bundled_index):
    """Phrases whose words have several forms: a Sequence of ORs of terms."""
    paragraphs = corpus_words(INDEX_DATA)
    rng = random.Random(2)
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        arrays = ArraySearcher.open(index.path, reader)
        for _ in range(60):
            words = rng.choice(paragraphs)
            start = rng.randrange(len(words) - 1)
            plans = [
                build_plan(parse_query(word, index._whoosh.schema), ReaderVocabulary(reader))
                for word in words[start : start + 2]
            ]
            groups = [plan.query for plan in plans]
            if any(type(group) not in (query.Or, query.Term) for group in groups):
                continue
            bonuses = {}
            for plan in plans:
                for term, bonus in plan.bonuses.items():
                    bonuses[term] = max(bonus, bonuses.get(term, 0.0))
            phrase = QueryPlan(
                query.Sequence(groups), bonuses, frozenset(), frozenset(), (), excludes=False
            )
            ours, theirs = answers(index, reader, arrays, phrase)
            assert_same(ours, theirs, groups)
        reader.close()


@pytest.mark.slow
def test_proximity_agrees_with_whoosh(bundled_index):
    """«"w1 w2"~N» and «"w1 w2 w3"~N»: words of one paragraph 1 to 12 positions apart,
    in any order, sometimes a word twice, within N from 1 to 50: the arrays follow
    Whoosh's tree of spans, so a third word inside the span of the other two is 0
    positions from it and does not join."""
    paragraphs = [words for words in corpus_words(INDEX_DATA) if len(words) > 13]
    rng = random.Random(11)
    found = 0
    with Index.open(bundled_index) as index:
        for _ in range(200):
            words = rng.choice(paragraphs)
            start, apart = rng.randrange(len(words) - 12), rng.randint(1, 12)
            chosen = [words[start], words[start + apart]]
            if rng.random() < 0.5:
                chosen.insert(1, words[start + apart // 2])
            rng.shuffle(chosen)
            if rng.random() < 0.15:
                chosen.append(chosen[0])
            text = f'"{" ".join(chosen)}"~{rng.choice([1, 2, 3, 5, 8, 10, 20, 50])}'
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
            found += ours[2] > 0
    assert 40 <= found <= 180  # near enough and too far both occur


# How postings are read, forced one way then the other: positions as one slice
# per term, and candidates looked up in each posting list; or positions run by run
# (from where each posting's are kept to start) and every posting list read whole.
READINGS = {
    "slices and lookups": {
        "array_positions._ONE_RUN": 1,
        "array_positions._LONG_FORMS": 0,
        "array_positions._SPARSE": 0,
    },
    "runs and whole lists": {
        "array_positions._ONE_RUN": 10**9,
        "array_positions._LONG_FORMS": 10**9,
    },
}


@pytest.fixture(params=READINGS)
def postings_read(request, monkeypatch) -> None:
    """Postings read one of the :data:`READINGS` ways, for the test's length."""
    for name, value in READINGS[request.param].items():
        monkeypatch.setattr(f"searchidx.search.{name}", value)


def test_each_way_of_reading_postings_agrees_with_whoosh(
    bundled_index, hadith_index, postings_read
):
    """Phrases, ANDs, proximity and words typed with diacritics find and score the
    same whichever way the postings and positions are read."""
    rng = random.Random(17)
    paragraphs = [words for words in corpus_words(INDEX_DATA) if len(words) > 6]
    drawn = []
    for _ in range(40):
        words = rng.choice(paragraphs)
        at = rng.randrange(len(words) - 3)
        drawn += [f'"{words[at]} {words[at + 1]}"', f'"{words[at]} {words[at + 3]}"~4']
        drawn += [f'"{words[at]} {words[at + 1]} {words[at + 2]}"', f"{words[at]} {words[at + 2]}"]
    drawn += ['"في من"~3', '"قال في"~8', '"من من"~2', '"على في من"~6', "في من على"]
    with Index.open(bundled_index) as index:
        for text in drawn:
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
    with Index.open(hadith_index) as index:
        for text in ('"سُبْحَانَ اللَّهِ"', '"عِلْمٌ" عِنْدَ', '"مِنْ نَفْسٍ"~3', "=مِنْ", "مَا مِنْ"):
            for marks in ("rank", "strict"):
                ours, theirs = both_ways(index, text, marks=marks)
                assert_same(ours, theirs, (text, marks))


def test_a_word_near_itself_needs_two_occurrences_within_n(tmp_path):
    """«"عن عن"~N»: two occurrences of the word at most N apart, never one occurrence
    with itself; answered as Whoosh answers it, alone and with a third word."""
    isnads = {
        "a.txt": "حدثنا مالك عن نافع عن ابن عمر\n\n"
        "روى عن الزهري في كتابه الكبير المشهور عن أبيه\n\n"
        "قال نافع عن ابن عمر",
    }
    write_corpus(tmp_path / "docs", isnads)
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "docs"])
        for slop, paragraphs in ((1, []), (2, [1]), (5, [1]), (6, [1, 2]), (50, [1, 2])):
            found = index.search(f'"عن عن"~{slop}')
            assert sorted(hit.paragraph for hit in found) == paragraphs, slop
        for text in ('"عن عن"~2', '"عن عن"~6', '"عن نافع عن"~2', '"عن ابن عن"~3', '"عن عن ابن"~8'):
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)


def test_proximity_one_finds_two_words_side_by_side_in_either_order(tmp_path):
    """«"w1 w2"~1» is the two words next to each other, in any order (the phrase
    «"w1 w2"» keeps its order), in their forms and clitic forms, in titles, both ways alike."""
    texts = {
        "news.md": "# أخبار سوريا\n\nعاد اللاجئون إلى بلدهم",
        "a.txt": "الزيتون شجرة مباركة\n\n"
        "كتب الكاتب كتاباً عن الكتابة\n\n"
        "وأكد وزيرُ الخارجية أن الأزمة كبيرة\n\n"
        "شجرة التين غير شجرة الزيتون",
    }
    write_corpus(tmp_path / "docs", texts)
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "docs"])
        for text, paragraphs in (
            ('"شجرة الزيتون"~1', [1, 4]),
            ('"شجرة الزيتون"', [4]),
            ('"الكاتب كتب"~1', [2]),
            ('"الخارجية الوزير"~1', [3]),
            ('"الخارجية الوزير"', []),
            ('"=الخارجية وزير"~1', [3]),
            ('"التين الزيتون"~1', []),
        ):
            found = index.search(text)
            assert sorted(hit.paragraph for hit in found) == paragraphs, text
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
        # In a title too: «title:"w2 w1"~1» finds the title «w1 w2» as ~2 does.
        in_titles = index.search('title:"سوريا أخبار"~1')
        assert sorted(hit.paragraph for hit in in_titles) == [1, 2]
        assert index.search('title:"سوريا أخبار"').total == 0
        side_by_side = index.search('"شجرة الزيتون"~1')
        assert [side_by_side.hits[0].text[a:b] for a, b in side_by_side.hits[0].matches] == [
            "الزيتون",
            "شجرة",
        ]


# Words to fill a paragraph past 255 positions, none a form of «قال» or «الله».
_FILLER = (
    "كان الناس في ذلك الزمان يخرجون إلى الأسواق ويشترون الطعام والثياب ثم يرجعون "
    "إلى بيوتهم قبل المغرب ويجلسون مع أهلهم "
)


@pytest.fixture(scope="module")
def sayings_index(tmp_path_factory):
    """Paragraphs where «قال» and «الله» are 2, 5 and 10 apart, in either order, 4
    apart across position 255 in clitic forms, and near in a file deleted since;
    «عن» in many paragraphs that lack «نافع»; «الكتاب» and «كتاب», forms of one word."""
    root = tmp_path_factory.mktemp("sayings")
    sayings = [
        "قال رسول الله صلى الله عليه وسلم",
        "الله أكبر كبيرا والحمد كثيرا قال",
        "قال أبو هريرة رضي عنه في حديثه الطويل ثم ذكر الله",
        " ".join((_FILLER * 14).split()[:254]) + " وقال في ذلك الزمان والله",
        "حدثنا مالك عن نافع عن ابن عمر",
        "قرأت الكتاب ثم كتاب آخر",
        "هذا الكتاب مفيد وفي الكتاب علم",
    ]
    narrators = ["الزهري", "مالك", "سفيان", "شعبة", "الأوزاعي", "الليث", "معمر"]
    files = {
        "sayings.txt": "\n\n".join(sayings) + "\n",
        "isnad.txt": "\n\n".join(f"روى عن {name} في كتابه" for name in narrators) + "\n",
        "removed.txt": "قال الله تعالى في كتابه\n",
    }
    write_corpus(root / "docs", files)
    with Index.create(root / "index") as index:
        index.update([root / "docs"])
        (root / "docs" / "removed.txt").unlink()
        index.update([root / "docs"])
    return root / "index"


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        ('"قال الله"~5', [1, 2, 4]),
        ('"الله قال"~5', [1, 2, 4]),  # either order
        ('"قال الله"~4', [1, 4]),  # ¶2 has them 5 apart
        ('"والله وقال"~4', [1, 4]),  # forms of each other; ¶4's at positions 254, 258
        ('"نافع عن"~2', [5]),  # «عن» mostly in paragraphs without «نافع»
        ('"عن نافع"~2', [5]),
        ('"الكتاب كتاب"~2', [6]),  # never one occurrence with itself; ¶7's are 3 apart
        ('"كتاب الكتاب"~10', [6, 7]),
        ('"قال رسول الله"~3', [1]),
    ],
)
@pytest.mark.parametrize("array_search", [True, False])
def test_proximity_of_two_words_finds_the_paragraphs_where_they_are_near(
    sayings_index, text, paragraphs, array_search
):
    with Index.open(sayings_index) as index:
        index.array_search = array_search
        found = index.search(text)
        assert sorted(hit.paragraph for hit in found) == paragraphs
        assert {hit.doc for hit in found} <= {"sayings.txt"}  # never the deleted file
        ours, theirs = both_ways(index, text)
        assert_same(ours, theirs, text)


@pytest.mark.parametrize("array_search", [True, False])
def test_a_word_of_several_forms_finds_each_form_once_and_none_deleted(sayings_index, array_search):
    """«كتاب» is «كتاب», «الكتاب» (twice in ¶7) and «كتابه» here, scored together;
    «كتابه» is also in a file deleted since."""
    with Index.open(sayings_index) as index:
        index.array_search = array_search
        found = index.search("كتاب", limit=20)
        either = index.search("كتاب نافع", match_any=True, limit=20)
        for text, match_any in (("كتاب", False), ("كتاب نافع", True), ("كتاب NOT الكتاب", False)):
            ours, theirs = both_ways(index, text, match_any)
            assert_same(ours, theirs, text)
    isnad = [("isnad.txt", paragraph) for paragraph in range(1, 8)]
    assert sorted((hit.doc, hit.paragraph) for hit in found) == [
        *isnad,
        ("sayings.txt", 6),
        ("sayings.txt", 7),
    ]
    assert sorted((hit.doc, hit.paragraph) for hit in either) == [
        *isnad,
        ("sayings.txt", 5),
        ("sayings.txt", 6),
        ("sayings.txt", 7),
    ]


# A corpus of common, rare and many-form words: what phrases and ANDs narrow
# from their rarest word. Words of a family share a stem, so each expands to all.

COMMON = ["في", "من", "على", "قال"]
FAMILIES = [
    ["كتاب", "الكتاب", "والكتاب", "بالكتاب", "للكتاب", "فالكتاب", "كتابه", "كتابها", "وكتابه"],
    ["العلم", "علم", "والعلم", "بالعلم", "للعلم", "فالعلم", "علمه", "علمها"],
    ["المدرسة", "مدرسة", "والمدرسة", "بالمدرسة", "للمدرسة", "مدرستها", "مدرسته"],
]


def mixed_files(rng, rare, names) -> dict[str, str]:
    files = {}
    for name in names:
        paragraphs = []
        for _ in range(rng.randint(3, 10)):
            words = []
            for _ in range(rng.randint(4, 50)):
                draw = rng.random()
                if draw < 0.35:
                    words.append(rng.choice(COMMON))
                elif draw < 0.85:
                    words.append(rng.choice(rng.choice(FAMILIES)))
                else:
                    words.append(rng.choice(rare))
            paragraphs.append(" ".join(words))
        files[name] = "\n\n".join(paragraphs) + "\n"
    return files


@pytest.mark.slow
def test_phrases_and_ands_of_common_rare_and_many_form_words_agree_with_whoosh(tmp_path):
    """Phrases of two and three words with many forms each, a rare word next to a very
    common one, and ANDs of a common and a rare word, over segments and deletions."""
    rng = random.Random(5)
    bundled = sorted({word for words in corpus_words(INDEX_DATA) for word in words})
    rare = rng.sample([word for word in bundled if len(word) > 4], 150)
    docs = tmp_path / "docs"
    names = [f"part{number:02d}.txt" for number in range(12)]
    write_corpus(docs, mixed_files(rng, rare, names[:8]))
    with Index.create(tmp_path / "index") as index:
        index.update([docs])
        write_corpus(docs, mixed_files(rng, rare, names[8:]))
        (docs / names[0]).unlink()  # deleted documents, still counted by Whoosh
        index.update([docs])
        assert index.info().segments > 1
        paragraphs = corpus_words(docs)
        runs = [words[start : start + 3] for words in paragraphs for start in range(len(words) - 2)]
        rare_runs = [run for run in runs if set(run[:2]) & set(rare) and set(run[:2]) & set(COMMON)]
        family_words = {word for family in FAMILIES for word in family}
        family_runs = [run for run in runs if set(run) <= family_words]
        queries = []
        for chosen in (rng.sample(rare_runs, 15), rng.sample(family_runs, 15)):
            for run in chosen:
                queries += [f'"{run[0]} {run[1]}"', f'"{" ".join(run)}"']
        for word in COMMON:
            queries += [f"{word} {rng.choice(rare)}", f"{rng.choice(rare)} {word}"]
            queries += [f'"{word} {rng.choice(rng.choice(FAMILIES))}"', f"{word} الكتاب"]
            queries += [f"{word} العلم {rng.choice(rare)}", f"الكتاب {word} المدرسة"]
        found = 0
        for text in queries:
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
            found += ours[2] > 0
        # The runs are copied from paragraphs: their phrases find them.
        assert found >= 60
        reader = index._whoosh.reader()
        try:
            plan = build_plan(parse_query("الكتاب", index._whoosh.schema), ReaderVocabulary(reader))
        finally:
            reader.close()
        assert len(plan.bonuses) >= 8  # the phrases' words had many forms
        assert_same_vocabulary(index)


# A generated corpus: paragraphs of words drawn from the bundled corpus, so
# words share stems and clitics, in files that are added, changed and deleted.

FILES = 24


def generated_files(rng, vocabulary, names) -> dict[str, str]:
    files = {}
    for name in names:
        paragraphs = []
        for _ in range(rng.randint(2, 12)):
            # Some paragraphs are long, so that positions pass 255.
            length = rng.randint(300, 600) if rng.random() < 0.1 else rng.randint(3, 40)
            words = [rng.choice(vocabulary) for _ in range(length)]
            if rng.random() < 0.3:
                words += words[:3]  # a repeated run, for phrases found twice
            paragraphs.append(" ".join(words))
        files[name] = "\n\n".join(paragraphs) + "\n"
    return files


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    root = tmp_path_factory.mktemp("generated")
    rng = random.Random(7)
    vocabulary = sorted({word for words in corpus_words(INDEX_DATA) for word in words})[::3]
    # Vocalized words too, several ways for one word, so that diacritics and «=» choose.
    vocabulary += sorted({word.text for hadith in HADITH for word in iter_words(hadith)})
    vocabulary += ["ﷺ", "ﷻ"] * 2  # word ligatures, for proximities holding one
    names = [f"part{number:02d}.txt" for number in range(FILES)]
    write_corpus(root / "docs", generated_files(rng, vocabulary, names))
    return root, rng, vocabulary, names


@pytest.mark.slow
def test_generated_corpus_agrees_through_updates_and_merges(generated):
    root, rng, vocabulary, names = generated
    docs = root / "docs"
    with Index.create(root / "index") as index:
        index.update([docs])
        for round_number in range(4):
            changed = rng.sample(names, 4)
            write_corpus(docs, generated_files(rng, vocabulary, changed))
            for name in rng.sample([n for n in names if n not in changed], 2):
                (docs / name).unlink(missing_ok=True)
            added = [f"new{round_number}-{n}.txt" for n in range(3)]
            write_corpus(docs, generated_files(rng, vocabulary, added))
            index.update([docs])
            if round_number == 1:
                rewrite_side_files(index)
            if round_number == 2:
                merge_segments(index)
            paragraphs = corpus_words(docs)
            present = sorted(path.name for path in docs.iterdir())
            queries = draw_queries(paragraphs, present, 70, seed=round_number)
            assert check_queries(index, queries) >= 55
            ligatures = ligature_proximities(paragraphs, 20, seed=round_number)
            assert check_queries(index, ligatures) >= 20
            assert sum(both_ways(index, text)[0][2] > 0 for text, _ in ligatures) >= 5
            assert_same_vocabulary(index)
        info = index.info()
        assert info.side_files == info.segments


def ligature_proximities(paragraphs, count: int, seed: int) -> list[tuple[str, bool]]:
    """``count`` proximities holding a word ligature, one word of the window, with
    one or two words of a paragraph that holds it (up to 6 words before or after
    it), in any order, within 1 to 8: sometimes a word with «=», the ligature
    with «=», or a second ligature."""
    rng = random.Random(seed)
    # The ligatures' first words and their numbers of words, as corpus_words gives
    # them (a ligature's words).
    written = {"صلى": ("ﷺ", 4), "جل": ("ﷻ", 2)}
    places = [
        (words, at, *written[word])
        for words in paragraphs
        for at, word in enumerate(words)
        if word in written
    ]
    queries = []
    for _ in range(count):
        words, at, ligature, size = rng.choice(places)
        around = words[max(0, at - 6) : at] + words[at + size : at + size + 6]
        chosen = [ligature, *rng.sample(around, min(len(around), rng.choice([1, 1, 2])))]
        if rng.random() < 0.15:
            chosen.append(rng.choice("ﷺﷻ"))
        if rng.random() < 0.25:
            number = rng.randrange(len(chosen))
            chosen[number] = "=" + chosen[number]
        rng.shuffle(chosen)
        queries.append((f'"{" ".join(chosen)}"~{rng.choice([1, 2, 3, 5, 8])}', False))
    return queries


def assert_same_vocabulary(index: Index) -> None:
    """The side files know the terms Whoosh's term files know, with the same document
    frequencies (deleted documents counted), and none it does not."""
    reader = index._whoosh.reader()
    try:
        ours = ArraySearcher.open(index.path, reader).vocabulary(reader)
        theirs = ReaderVocabulary(reader)
        terms = [(field, term.decode("utf-8")) for field, term in reader.all_terms()]
        absent = [("terms", "كتابكم"), ("terms", "zz"), ("title", "ليس"), ("doc", "none.txt")]
        assert {field for field, _ in terms} >= {"terms", "title", "doc", "kind"}
        for field, term in terms + absent:
            assert ours.contains(field, term) == theirs.contains(field, term), term
            assert ours.doc_frequency(field, term) == theirs.doc_frequency(field, term), term
        # Many words looked up, and many prefixes expanded, at once.
        for field in ("terms", "title", "doc"):
            asked = [term for name, term in terms + absent if name == field]
            assert ours.contains_many(field, asked) == theirs.contains_many(field, asked)
            prefixes = sorted({term[:length] for term in asked for length in (1, 2, 5)})
            assert ours.expand_prefixes(field, prefixes) == theirs.expand_prefixes(field, prefixes)
    finally:
        reader.close()


def rewrite_side_files(index: Index) -> None:
    """Write the side files again, now that their segments have deleted documents
    (whose postings Whoosh no longer returns, but still counts)."""
    for path in index.path.glob("*.sidx"):
        path.unlink()
    index.update()
    assert index.info().side_files == index.info().segments


def merge_segments(index: Index) -> None:
    """Merge every segment into one (dropping deleted documents), then let an update
    write the merged segment's side file; the old segments' side files go with them."""
    writer = index._whoosh.writer()
    writer.commit(optimize=True)
    assert ArraySearcher.open(index.path, index._whoosh.reader()) is None
    index.update()
    assert len(list(index.path.glob("*.sidx"))) == index.info().segments == 1


def files_by_source(reader) -> list[set[int]]:
    """The live paragraphs of each file, as the ``source`` field's postings say."""
    records = set(reader.postings("kind", "file").all_ids())
    files = []
    for term in reader.lexicon("source"):
        ids = reader.postings("source", term).all_ids()
        files.append({i for i in ids if i not in records and not reader.is_deleted(i)})
    return [ids for ids in files if ids]


def test_file_numbers_group_the_paragraphs_of_each_file_and_no_others(bundled_index):
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            numbers = ArraySearcher.open(index.path, reader).file_numbers()
            expected = files_by_source(reader)
        finally:
            reader.close()
    grouped: dict[int, set[int]] = {}
    for docnum, number in enumerate(numbers.tolist()):
        if number >= 0:
            grouped.setdefault(number, set()).add(docnum)
    assert len(expected) > 5
    assert sorted(map(sorted, grouped.values())) == sorted(map(sorted, expected))


def test_file_numbers_refuse_a_doc_id_that_two_roots_share(tmp_path):
    """«notes.txt» of two folders: their relative paths cannot tell them apart."""
    for city, text in (("aleppo", "سوق المدينة في حلب."), ("damascus", "سوق الحميدية.")):
        write_corpus(tmp_path / city, {"notes.txt": text, f"{city}.txt": "مدينة قديمة"})
    with Index.create(tmp_path / "ix") as index:
        index.update([tmp_path / "aleppo"])
        reader = index._whoosh.reader()
        assert ArraySearcher.open(index.path, reader).file_numbers() is not None
        reader.close()
        index.update([tmp_path / "aleppo", tmp_path / "damascus"])
        reader = index._whoosh.reader()
        assert ArraySearcher.open(index.path, reader).file_numbers() is None
        reader.close()


# Compatible diacritics found beyond the best-scoring paragraphs: «الْعَلَمَ» (a flag)
# in a hundred paragraphs, shorter ones first, and «الْعِلْمِ» (knowledge) in three
# as long as the thirty-second; «بِالْعِلْمِ» always written as «عِلْم» asks, in a
# long paragraph, «وَالْعَلَمِ» never; «عِلْمُهُ» and «عَلَمُهُ», both ways. Two files,
# indexed one after the other: two segments.

FILLER = ["ذهب", "الرجل", "إلى", "السوق", "واشترى", "خبزا", "وماء", "ثم", "رجع", "بيته", "مسرورا"]


def filler(count: int) -> str:
    return " ".join(FILLER[number % len(FILLER)] for number in range(count))


FLAGS = {"flags.txt": "\n\n".join(f"رَفَعَ الْجُنْدُ الْعَلَمَ {filler(n)}" for n in range(100))}
KNOWLEDGE = {
    "knowledge.txt": "\n\n".join(
        [f"طَلَبُ الْعِلْمِ فَرِيضَةٌ {filler(30)}" for _ in range(3)]
        + [
            f"مَنْ سَلَكَ طَرِيقًا يَلْتَمِسُ فِيهِ بِالْعِلْمِ {filler(2000)}",
            "نَشَرَ الْجُنْدُ الرَّايَةَ وَالْعَلَمِ",
            "عَلَمُهُ أَحْمَرُ وَالْعَلَمِ أَخْضَرُ",
            f"زَادَهُ اللَّهُ عِلْمُهُ {filler(2000)}",
        ]
    )
}


@pytest.fixture(scope="module")
def tiers_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("tiers")
    with Index.create(root / "index") as index:
        for files in (FLAGS, KNOWLEDGE):
            write_corpus(root / "docs", files)
            index.update([root / "docs"])
        assert index.info().segments == 2
    return root / "index"


def ranked_both_ways(index: Index, text: str, limit: int, marks: str = "rank"):
    reader = index._whoosh.reader()
    try:
        arrays = ArraySearcher.open(index.path, reader)
        plan = build_plan(parse_query(text, index._whoosh.schema), ReaderVocabulary(reader), marks)
        ours = arrays.rank(plan, limit)
        return ours, rank_whoosh.rank(index._whoosh, reader, plan, limit)
    finally:
        reader.close()


def assert_ranked_alike(index: Index, queries: list[str], limits: tuple[int, ...]) -> None:
    """Each query ranked both ways, ranked and strict, at each limit: the same hits in
    the same order."""
    for text in queries:
        for marks in ("rank", "strict"):
            for limit in limits:
                ours, theirs = ranked_both_ways(index, text, limit, marks)
                assert_same(ours, theirs, (text, marks, limit))
                assert ours[0] == theirs[0], (text, marks, limit)


def test_compatible_marks_are_looked_for_until_no_paragraph_left_can_reach_the_top(
    tiers_index, monkeypatch
):
    """The three paragraphs of «الْعِلْمِ» rank first though thirty flags score better:
    the written forms are read in the 16 best paragraphs, then the 64 best, not all 107;
    pages follow on."""
    checked = []
    bonused = ArraySearcher._bonused

    def counting(self, run, found, firsts, chosen, scores, bonuses):
        checked.append(len(chosen))
        return bonused(self, run, found, firsts, chosen, scores, bonuses)

    monkeypatch.setattr(ArraySearcher, "_bonused", counting)
    with Index.open(tiers_index) as index:
        found = index.search("عِلْم", limit=2)
        assert found.total == 107
        assert [(hit.doc, hit.paragraph) for hit in found] == [
            ("knowledge.txt", 1),
            ("knowledge.txt", 2),
        ]
        assert all(hit.score > MARKS_BONUS for hit in found)
        # 64 and the paragraphs tied with the last of them.
        assert len(checked) == 2 and checked[0] == 16 and 64 <= checked[1] < found.total
        pages = [index.search("عِلْم", limit=2, offset=at).hits for at in (0, 2)]
        whole = index.search("عِلْم", limit=4).hits
        assert [h.to_dict() for h in pages[0] + pages[1]] == [h.to_dict() for h in whole]
        assert [hit.paragraph for hit in whole][2:] == [3, 4]


def test_bonuses_beyond_the_best_paragraphs_agree_with_whoosh(tiers_index):
    queries = [
        "عِلْم",
        "الْعَلَم",
        "عِلْم فَرِيضَةٌ",
        "عِلْم الجند",
        '"طَلَبُ الْعِلْمِ"',
        '"الْجُنْدُ الْعَلَمَ"',
        "عِلْم -السوق",
        "عِلْمِي OR عَلَم",
    ]
    with Index.open(tiers_index) as index:
        assert_ranked_alike(index, queries, (1, 2, 3, 10, 50, 200))


def forms_tested(monkeypatch) -> list[str]:
    """The written forms the array search tests from now on (each test of each one)."""
    tested = []
    passes = array_segments._passes

    def recording(test, written):
        tested.append(written)
        return passes(test, written)

    monkeypatch.setattr(array_segments, "_passes", recording)
    return tested


def test_a_vocalized_word_judges_only_the_forms_written_where_it_looks(tiers_index, monkeypatch):
    """«عِلْم» looks for compatible marks in the best-scoring paragraphs only: the
    forms written only in the two long paragraphs it never reaches («بِالْعِلْمِ»,
    «عِلْمُهُ») are never tested, and asked again it tests nothing anew; a term
    whose every form was judged so («فَرِيضَةٌ», written one way) is known to pass
    whole. Every time the same paragraphs rank first, as Whoosh ranks them."""
    tested = forms_tested(monkeypatch)
    with Index.open(tiers_index) as index:
        first = index.search("عِلْم", limit=2)
        assert [(hit.doc, hit.paragraph) for hit in first] == [
            ("knowledge.txt", 1),
            ("knowledge.txt", 2),
        ]
        assert first.total == 107 and all(hit.score > MARKS_BONUS for hit in first)
        assert "الْعِلْمِ" in tested and "الْعَلَمَ" in tested and "عَلَمُهُ" in tested
        assert "بِالْعِلْمِ" not in tested and "عِلْمُهُ" not in tested
        tested.clear()
        again = index.search("عِلْم", limit=2)
        assert tested == []  # the forms read were judged the first time, and kept
        assert [hit.to_dict() for hit in again] == [hit.to_dict() for hit in first]
        both = index.search("عِلْم فَرِيضَةٌ", limit=3)
        assert [hit.paragraph for hit in both] == [1, 2, 3]
        assert all(hit.score > 2 * MARKS_BONUS for hit in both)
        test = WrittenTest(marks="فَرِيضَةٌ")
        segment = index._array_searcher().segments[1]  # knowledge.txt's
        assert segment.known_passing(test, segment.ordinal("terms", "فريضه".encode())) is True
        strict = index.search("عِلْم", marks="strict", limit=20)
        assert sorted(hit.paragraph for hit in strict) == [1, 2, 3, 4, 7]
    assert_ranked_alike_afresh(tiers_index, ["عِلْم", "عِلْمُهُ", "عِلْم فَرِيضَةٌ"], (1, 2, 10))


def assert_ranked_alike_afresh(index_path, queries: list[str], limits: tuple[int, ...]) -> None:
    """:func:`assert_ranked_alike` on an index opened anew: nothing judged yet."""
    with Index.open(index_path) as index:
        assert_ranked_alike(index, queries, limits)


def test_strict_finds_the_compatible_forms_however_low_they_score(tiers_index):
    """Strict «عِلْم»: «الْعِلْمِ», «بِالْعِلْمِ» and «عِلْمُهُ», not «عَلَمُهُ» nor any
    «الْعَلَمَ» or «وَالْعَلَمِ» (a form never written as asked), each word marked
    only where written so."""
    with Index.open(tiers_index) as index:
        found = index.search("عِلْم", marks="strict", limit=20)
        assert sorted(hit.paragraph for hit in found) == [1, 2, 3, 4, 7]
        assert {hit.doc for hit in found} == {"knowledge.txt"} and found.total == 5
        marked = {hit.paragraph: [hit.text[a:b] for a, b in hit.matches] for hit in found}
        assert marked[4] == ["بِالْعِلْمِ"] and marked[7] == ["عِلْمُهُ"]
        # «عُلِمَ» (it was known): no form is ever written so.
        assert not index.search("عُلِمَ", marks="strict").total
        assert index.search("عُلِمَ").total == 107
        assert index.search('"الْجُنْدُ الْعَلَمَ"', marks="strict").total == 100
        assert index.search('"الْجُنْدُ الْعِلْمَ"', marks="strict").total == 0


def test_bonuses_where_every_paragraph_scores_the_same(tmp_path):
    """A hundred «الْعَلَمَ» and one «الْعِلْمَ», all as long: no paragraph scores
    better than another, so all are checked, and the compatible one comes first."""
    texts = ["رَفَعَ الْجُنْدُ الْعَلَمَ"] * 100 + ["طَلَبَ الْجُنْدُ الْعِلْمَ"]
    write_corpus(tmp_path / "docs", {"a.txt": "\n\n".join(texts)})
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "docs"])
        found = index.search("عِلْم", limit=2)
        assert found.total == 101 and [hit.paragraph for hit in found] == [101, 1]
        assert found.hits[0].score > MARKS_BONUS > found.hits[1].score
        for limit in (1, 2, 10):
            ours, theirs = ranked_both_ways(index, "عِلْم", limit)
            assert_same(ours, theirs, limit)
            assert ours[0] == theirs[0]


# «طَلَبُ الْعِلْمِ» (seeking knowledge) written as a vocalized phrase asks: in
# longer paragraphs, in clitic forms («وَطَلَبُ», «بِالْعِلْمِ», «عِلْمِهِ»), past
# position 255, and in a file deleted since; «الْعَلَمِ» (the flag) and «طَلَبَ»
# in shorter paragraphs, which score better but are written otherwise. Two
# files, indexed one after the other: two segments.
SEEKING = [
    "طَلَبُ الْعَلَمِ",
    "قَالَ النَّاسُ إِنَّ طَلَبُ الْعِلْمِ فَرِيضَةٌ عَلَى كُلِّ مُسْلِمٍ",
    "طَلَبُ بِالْعِلْمِ",
    "وَطَلَبُ الْعِلْمِ نُورٌ",
    "طَلَبُ عِلْمِهِ",
    f"{filler(300)} طَلَبُ الْعِلْمِ",
    "طَلَبَ الْعِلْمَ",
]


def two_segments(root, first: dict, second: dict):
    """An index in ``root`` of the files ``first``, then of ``second`` with ``first``'s
    «removed.txt» deleted: two segments, the first with a deleted file."""
    with Index.create(root / "index") as index:
        write_corpus(root / "docs", first)
        index.update([root / "docs"])
        (root / "docs" / "removed.txt").unlink()
        write_corpus(root / "docs", second)
        index.update([root / "docs"])
        info = index.info()
        assert info.segments == 2 and info.deleted
    return root / "index"


@pytest.fixture(scope="module")
def seeking_index(tmp_path_factory):
    first = {"first.txt": "\n\n".join(SEEKING), "removed.txt": "طَلَبُ الْعِلْمِ"}
    second = {"second.txt": "طَلَبُ الْعِلْمِ عِبَادَةٌ"}
    return two_segments(tmp_path_factory.mktemp("seeking"), first, second)


def test_a_vocalized_phrase_ranks_the_paragraphs_written_so_first(seeking_index, monkeypatch):
    """The paragraphs where «طَلَبُ الْعِلْمِ» is written with compatible marks come
    first, clitic forms and the phrase past position 255 among them, never the
    deleted file's; the written forms are read among the phrase's own matches,
    no posting list read twice. Strict, only they match."""
    read = []
    phrase_postings = rank_arrays._phrase_postings

    def counting(*arguments):
        read.append(arguments[0])
        return phrase_postings(*arguments)

    monkeypatch.setattr(rank_arrays, "_phrase_postings", counting)
    compatible = {("second.txt", 1), ("first.txt", 2), ("first.txt", 3), ("first.txt", 4)}
    compatible |= {("first.txt", 5), ("first.txt", 6)}
    with Index.open(seeking_index) as index:
        found = index.search('"طَلَبُ الْعِلْمِ"', limit=20)
        assert len(read) == 2  # one phrase per segment, none for the bonus
        places = [(hit.doc, hit.paragraph) for hit in found]
        assert places[0] == ("second.txt", 1)
        assert set(places[:6]) == compatible
        assert places[6:] == [("first.txt", 1), ("first.txt", 7)]
        assert all(hit.score > MARKS_BONUS for hit in found.hits[:6])
        assert all(hit.score < MARKS_BONUS for hit in found.hits[6:])
        marked = {
            (hit.doc, hit.paragraph): [hit.text[a:b] for a, b in hit.matches] for hit in found
        }
        assert marked["first.txt", 4] == ["وَطَلَبُ", "الْعِلْمِ"]
        assert marked["first.txt", 6][-2:] == ["طَلَبُ", "الْعِلْمِ"]
        strict = index.search('"طَلَبُ الْعِلْمِ"', marks="strict", limit=20)
        assert {(hit.doc, hit.paragraph) for hit in strict} == compatible
        assert strict.total == 6


def test_vocalized_phrases_agree_with_whoosh_whichever_way_postings_are_read(
    seeking_index, postings_read
):
    """Phrases whose every word, some words or no word is written as asked (a
    term written one way only passes or fails whole), ranked and strict, at
    every depth of the bonus rounds."""
    queries = [
        '"طَلَبُ الْعِلْمِ"',
        '"طَلَبُ الْعِلْمِ عِبَادَةٌ"',  # «عِبَادَةٌ» is written so only
        '"الْعِلْمِ عُبَادَةٌ"',  # ... and never so
        '"طَلَبَ الْعَلَمِ"',
        '"إِنَّ طَلَبُ الْعِلْمِ"',
        '"طلب الْعِلْمِ"',
        '"طَلَبُ الْعِلْمِ" OR فَرِيضَةٌ',
        '"طَلَبُ الْعِلْمِ" -نُورٌ',
    ]
    with Index.open(seeking_index) as index:
        assert_ranked_alike(index, queries, (1, 2, 3, 10))
        assert index.search('"الْعِلْمِ عُبَادَةٌ"', marks="strict").total == 0
        assert index.search('"طَلَبُ الْعِلْمِ عِبَادَةٌ"').hits[0].score > MARKS_BONUS


# «طَلَبُ الْعِلْمِ» asked as a phrase where its words are written as asked but not
# where the phrase is: a phrase written otherwise with the asked words elsewhere in
# the paragraph, reversed (1); the asked words apart (2); the phrase twice, each
# time one word written as asked (second.txt); and written as asked, in clitic forms
# (3) and plainly (4), and in a file deleted since; others, so that the two files
# stay two segments.
SCATTERED = {
    "first.txt": "\n\n".join(
        [
            "طَلَبَ الْعَلَمِ ثُمَّ الْعِلْمِ طَلَبُ",
            "طَلَبُ النَّاسِ الْعِلْمِ",
            "وَطَلَبُ بِالْعِلْمِ",
            "طَلَبُ الْعِلْمِ",
            "قَالَ النَّاسُ خَيْرًا",
            "إِنَّ مَعَ الْعُسْرِ يُسْرًا",
            "الْعِلْمُ نُورٌ",
        ]
    ),
    "removed.txt": "طَلَبُ الْعِلْمِ",
}


@pytest.fixture(scope="module")
def scattered_index(tmp_path_factory):
    second = {"second.txt": "قَالُوا طَلَبَ الْعِلْمِ وَطَلَبُ الْعَلَمِ"}
    return two_segments(tmp_path_factory.mktemp("scattered"), SCATTERED, second)


def test_a_vocalized_phrase_counts_its_words_written_as_asked_where_it_matches_only(
    scattered_index,
):
    """The bonus of «طَلَبُ الْعِلْمِ» goes to the paragraphs where the phrase itself is
    written with compatible marks (clitic forms too), not to those where the words so
    written are elsewhere, apart or reversed, or each in another of the phrase's
    matches; a paragraph with the words apart is no match; the deleted file never."""
    with Index.open(scattered_index) as index:
        found = index.search('"طَلَبُ الْعِلْمِ"', limit=20)
        places = [(hit.doc, hit.paragraph) for hit in found]
        assert set(places[:2]) == {("first.txt", 3), ("first.txt", 4)}
        assert set(places[2:]) == {("first.txt", 1), ("second.txt", 1)}
        assert found.total == 4
        assert all(hit.score > MARKS_BONUS for hit in found.hits[:2])
        assert all(hit.score < MARKS_BONUS for hit in found.hits[2:])
        strict = index.search('"طَلَبُ الْعِلْمِ"', marks="strict", limit=20)
        assert {(hit.doc, hit.paragraph) for hit in strict} == {("first.txt", 3), ("first.txt", 4)}
        # Unquoted, each word's bonus counts wherever it is written as asked.
        words = index.search("طَلَبُ الْعِلْمِ", limit=20)
        assert words.total == 5 and ("removed.txt", 1) not in [(h.doc, h.paragraph) for h in words]
        assert all(hit.score > 2 * MARKS_BONUS for hit in words)
        assert_ranked_alike(index, ['"طَلَبُ الْعِلْمِ"', "طَلَبُ الْعِلْمِ", '"الْعِلْمِ طَلَبُ"'], (1, 2, 10))


def test_a_vocalized_phrase_judges_only_the_forms_written_where_it_matches(
    scattered_index, monkeypatch
):
    """«طَلَبُ الْعِلْمِ» tests the written forms of its words where the phrase
    matches only: «الْعِلْمُ» (a paragraph without the phrase) is never tested,
    «الْعَلَمِ» (the flag, where «وَطَلَبُ الْعَلَمِ» matches) is. The bonus goes to the
    paragraphs written as asked, clitics too, the first time as the next; words
    apart or reversed and the deleted file are not matches."""
    tested = forms_tested(monkeypatch)
    with Index.open(scattered_index) as index:
        first = index.search('"طَلَبُ الْعِلْمِ"', limit=20)
        assert "الْعَلَمِ" in tested and "الْعِلْمُ" not in tested
        places = [(hit.doc, hit.paragraph) for hit in first]
        assert set(places[:2]) == {("first.txt", 3), ("first.txt", 4)}
        assert set(places[2:]) == {("first.txt", 1), ("second.txt", 1)}
        assert all(hit.score > MARKS_BONUS for hit in first.hits[:2])
        assert all(hit.score < MARKS_BONUS for hit in first.hits[2:])
        for _ in range(2):
            again = index.search('"طَلَبُ الْعِلْمِ"', limit=20)
            assert [hit.to_dict() for hit in again] == [hit.to_dict() for hit in first]
    assert_ranked_alike_afresh(
        scattered_index, ['"طَلَبُ الْعِلْمِ"', '"وَطَلَبُ بِالْعِلْمِ"', '"طَلَبَ الْعَلَمِ"'], (1, 2, 10)
    )


def test_side_files_expand_and_look_up_many_words_as_the_term_files(bundled_index):
    """Prefixes of one letter (hundreds of words, decoded at once), of five (more
    than the 8 bytes the side files sort by) and absent, and every word with its
    misspellings looked up at once (words sharing their first 8 bytes read together)."""
    with Index.open(bundled_index) as index:
        index.search("كتاب")  # opens the reader and its side files
        reader = index._reader
        ours = ArraySearcher.open(index.path, reader).vocabulary(reader)
        theirs = ReaderVocabulary(reader)
        words = list(theirs.expand_prefix("terms", ""))
        prefixes = [*sorted({word[:length] for word in words for length in (1, 5)}), "ڤو", "zz"]
        expanded = ours.expand_prefixes("terms", prefixes)
        assert expanded == theirs.expand_prefixes("terms", prefixes)
        assert max(map(len, expanded)) > 300
        long_ones = [
            found for prefix, found in zip(prefixes, expanded, strict=True) if len(prefix) == 5
        ]
        assert sum(len(found) > 1 for found in long_ones) > 20
        asked = words + [word[:-1] + "ڤ" for word in words] + [word + "ه" for word in words]
        assert ours.contains_many("terms", asked) == theirs.contains_many("terms", asked)
        assert sum(ours.contains_many("terms", asked)) >= len(words)


# «بن» twice 2 and 7 apart; «قال» and «الله» 1 and 4 apart, as clitic forms and
# vocalized, 3 apart across position 255 and 2 apart past position 3,000 in long
# paragraphs (one holds at most 20,000 characters); «قال» twice; a file deleted
# since, its paragraph between the others. Two files indexed one after the
# other: two segments.
NARRATORS = {
    "isnad.txt": "\n\n".join(
        [
            "حدثنا محمد بن علي بن الحسين عن أبيه",
            "عن عمر بن الخطاب أنه خطب الناس فذكر سعد بن أبي وقاص",
            "قال اللهُ تعالى في كتابه العزيز",
            "وقال رجل من القوم والله ما رأيت مثله",
            "قال أبو هريرة قال له",
        ]
    )
    + "\n",
    "removed.txt": "قال الله تعالى عن ابن بن عمر\n",
}
LONG = {"long.txt": f"{filler(254)} قال في ذلك والله\n\n{filler(3000)} الله ربنا قال\n"}


@pytest.fixture(scope="module")
def narrators_index(tmp_path_factory):
    return two_segments(tmp_path_factory.mktemp("narrators"), NARRATORS, LONG)


NEAR_NARRATORS = [
    ('"بن بن"~3', [("isnad.txt", 1)]),  # never one «بن» with itself
    ('"بن بن"~7', [("isnad.txt", 1), ("isnad.txt", 2)]),
    ('"بن عن"~2', [("isnad.txt", 1), ("isnad.txt", 2)]),  # «عن» after, then before
    ('"عن حدثنا"~5', []),  # 6 apart
    ('"عن حدثنا"~6', [("isnad.txt", 1)]),
    ('"وقال الله"~3', [("isnad.txt", 3), ("long.txt", 1), ("long.txt", 2)]),
    ('"الله قال"~2', [("isnad.txt", 3), ("long.txt", 2)]),
    ('"قال الله"~4', [("isnad.txt", 3), ("isnad.txt", 4), ("long.txt", 1), ("long.txt", 2)]),
    ('"قال وقال"~3', [("isnad.txt", 5)]),  # words sharing forms: two occurrences
    ('"قال وقال"~2', []),
    # Typed with diacritics or exact: the bonus (or the test) looks at the near ones.
    ('"قَالَ اللَّهُ"~3', [("isnad.txt", 3), ("long.txt", 1), ("long.txt", 2)]),
    ('"=قال الله"~3', [("isnad.txt", 3), ("long.txt", 1), ("long.txt", 2)]),
]


@pytest.mark.parametrize(("text", "found"), NEAR_NARRATORS)
@pytest.mark.parametrize("array_search", [True, False])
def test_proximity_finds_words_near_in_any_segment_form_and_position(
    narrators_index, text, found, array_search
):
    with Index.open(narrators_index) as index:
        index.array_search = array_search
        hits = index.search(text, limit=20)
        assert sorted((hit.doc, hit.paragraph) for hit in hits) == found
        ours, theirs = both_ways(index, text)
        assert_same(ours, theirs, text)


def test_proximity_answers_alike_from_the_words_kept_and_after_an_update(tmp_path):
    """The commonest words' occurrences, kept from search to search, answer as read
    afresh, in any order of the searches; after an update that adds a paragraph with
    the words near and deletes the file of the others, the new reader reads them
    anew: the new paragraph is found, the deleted ones never."""
    root = tmp_path / "narrators"
    index_path = two_segments(root, NARRATORS, LONG)

    def places(hits):
        return sorted((hit.doc, hit.paragraph) for hit in hits)

    with Index.open(index_path) as index:
        for text, found in NEAR_NARRATORS + NEAR_NARRATORS[::-1]:
            assert places(index.search(text, limit=20)) == found, text
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
        kept = index._array_searcher().kept_keys
        assert kept.size > 0  # the words were read whole and kept
        write_corpus(root / "docs", {"more.txt": "روى سعيد بن المسيب عن أبي هريرة\n"})
        (root / "docs" / "isnad.txt").unlink()
        index.update([root / "docs"])
        assert places(index.search('"بن عن"~2', limit=20)) == [("more.txt", 1)]
        assert places(index.search('"بن بن"~7', limit=20)) == []
        assert places(index.search('"الله قال"~2', limit=20)) == [("long.txt", 2)]
        assert index._array_searcher().kept_keys is not kept
        for text in ('"بن عن"~2', '"عن بن"~5', '"الله قال"~2'):
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)


# «قال» in every paragraph of the first file, «عن» 1 to 8 places after it; «رجل»
# rare: 3 places from «قال» (found by ~3), 4 places (by ~4 only), 1 place in a
# file deleted since, and 3 places from «وقال» (a clitic form) in the second file.
GAPS = ["ذهب", "إلى", "السوق", "ثم", "رجع", "إلى", "بيته"]
SAYINGS = {
    "sayings.txt": "\n\n".join(
        [f"قال {' '.join(GAPS[:gap])} عن أبيه" for gap in range(8)] * 2
        + ["قال ذهب إلى رجل من القوم", "رجل ذهب إلى السوق قال"]
    ),
    "removed.txt": "قال رجل عن أبيه\n",
}
LATER = {"later.txt": "ثم رجع رجل إلى بيته وقال عن أبيه\n"}
NEAR_SAYINGS = [
    ('"قال عن"~3', [("later.txt", 1)] + [("sayings.txt", n) for n in (1, 2, 3, 9, 10, 11)]),
    ('"رجل قال"~3', [("later.txt", 1), ("sayings.txt", 17)]),
    ('"قال رجل"~4', [("later.txt", 1), ("sayings.txt", 17), ("sayings.txt", 18)]),
    ('"عن قال"~3', [("later.txt", 1)] + [("sayings.txt", n) for n in (1, 2, 3, 9, 10, 11)]),
    ('"رجل قال"~2', []),
]


def test_proximity_takes_a_common_word_kept_for_a_rare_one_and_both_kept_alone(
    tmp_path, monkeypatch
):
    """A common word read whole once (beside a word as common) is taken from what
    was kept when a rare word narrows it down (no position read again), and two
    words kept are compared without marking the documents holding both, their
    postings' scores kept too: the same paragraphs, scores and order as a fresh
    reader finds, at the window's edges (3 apart for ~3, 4 apart only for ~4), a
    clitic form, never the deleted file's."""
    index_path = two_segments(tmp_path, SAYINGS, LATER)
    calls = {"_positions": 0, "_holding_every": 0}

    def counting(module, name):
        original = getattr(module, name)

        def counted(*args):
            calls[name] += 1
            return original(*args)

        monkeypatch.setattr(module, name, counted)

    counting(array_positions, "_positions")
    counting(rank_arrays, "_holding_every")

    def ranked(index, text):
        return [(hit.doc, hit.paragraph, hit.score) for hit in index.search(text, limit=30)]

    afresh = {}
    for text, found in NEAR_SAYINGS:
        with Index.open(index_path) as fresh:
            afresh[text] = ranked(fresh, text)
            assert sorted(hit[:2] for hit in afresh[text]) == found, text
    with Index.open(index_path) as index:
        for text, _ in NEAR_SAYINGS + NEAR_SAYINGS:
            before = dict(calls)
            assert ranked(index, text) == afresh[text], text
            if text == '"رجل قال"~3':  # «قال» kept by the search before
                assert calls["_positions"] == before["_positions"]
            if text == '"عن قال"~3':  # both kept
                assert calls["_holding_every"] == before["_holding_every"]
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
        assert index._array_searcher().kept_scores.size > 0
    assert calls["_positions"] and calls["_holding_every"]  # read afresh by fresh readers


def test_a_common_words_scores_kept_per_paragraph_rank_as_its_postings(tmp_path, monkeypatch):
    """A word in many paragraphs has its scores kept added up per paragraph, its
    bonus for the spelling typed in them: near words ranked from them (a word near
    itself, clitic forms, the window's edges, a deleted file) and an OR of words
    (``--any``) give the same paragraphs, scores to the last bit and order as
    their postings read and added up each search, searched again from what was
    kept, and as Whoosh; after an update, what the new reader finds."""
    later = {"later.txt": LATER["later.txt"] + "\nرأى رجل رجلا في السوق\n"}
    index_path = two_segments(tmp_path, SAYINGS, later)
    both_later = [("later.txt", 1), ("later.txt", 2)]
    either = [
        # «رجل» and «بيته» in 6 paragraphs, both in later.txt's first only; the
        # deleted file's «قال رجل عن أبيه» never.
        ("رجل بيته", [*both_later, *[("sayings.txt", n) for n in (8, 16, 17, 18)]]),
        ("قال رجل", [*both_later, *[("sayings.txt", n) for n in range(1, 19)]]),
        # «وقال» finds «قال» too, as «قال» finds «وقال».
        ("وقال عن", [("later.txt", 1)] + [("sayings.txt", n) for n in range(1, 19)]),
    ]
    # «رجل» near itself: «رجل رجلا», side by side (a stem form).
    near = [*NEAR_SAYINGS, ('"رجل رجل"~1', [("later.txt", 2)]), ('"عن عن"~9', [])]

    def ranked(index, text, match_any=False):
        hits = index.search(text, limit=30, match_any=match_any)
        return [(hit.doc, hit.paragraph, hit.score) for hit in hits]

    def search_all(index):
        found = {text: ranked(index, text) for text, _ in near}
        found |= {text: ranked(index, text, True) for text, _ in either}
        return found

    with Index.open(index_path) as index:
        first = search_all(index)
        kept = index._array_searcher().kept_scores._arrays
        assert any(key[2] and key[2][0] == "per document" for key in kept)
        assert any(key[2] == "holding" for key in kept)  # the paragraphs holding it
        assert search_all(index) == first  # from the sums and masks kept
        for text, found in near:
            assert sorted(hit[:2] for hit in first[text]) == found, text
            assert_same(*both_ways(index, text), text)
        for text, found in either:
            assert sorted(hit[:2] for hit in first[text]) == found, text
            assert_same(*both_ways(index, text, match_any=True), text)
        assert first["رجل بيته"][0][:2] == ("later.txt", 1)  # both words
        # After an update the new reader sums anew: the new paragraph is found, the
        # deleted file's never.
        kept = index._array_searcher().kept_scores
        write_corpus(tmp_path / "docs", {"more.txt": "رجل في بيته\n"})
        (tmp_path / "docs" / "later.txt").unlink()
        index.update([tmp_path / "docs"])
        hits = index.search("رجل بيته", limit=30, match_any=True)
        assert index._array_searcher().kept_scores is not kept
        assert sorted((hit.doc, hit.paragraph) for hit in hits) == [("more.txt", 1)] + [
            ("sayings.txt", n) for n in (8, 16, 17, 18)
        ]
        assert next(iter(hits)).doc == "more.txt"  # both words
        assert_same(*both_ways(index, "رجل بيته", match_any=True), "after the update")
    index_path = two_segments(tmp_path / "again", SAYINGS, later)
    # Every word as rare: its postings read, chosen and added up each search.
    monkeypatch.setattr(rank_arrays, "_SUMS_KEPT", 0)
    with Index.open(index_path) as index:
        assert search_all(index) == first
        assert not index._array_searcher().kept_scores._arrays or all(
            key[2] is None for key in index._array_searcher().kept_scores._arrays
        )


@pytest.mark.parametrize("documents", [10_000, 40])
def test_scores_of_a_document_are_added_in_their_order(documents):
    """An OR's scores per document, few matches among many documents (sorted) and
    many (masked): each document once, in order, its scores added one after the
    other as Whoosh adds them, bit for bit, however many forms it holds."""
    import numpy as np

    from searchidx.search.rank_arrays import _summed

    rng = np.random.default_rng(3)
    # A word's forms' postings: each form's documents sorted, the forms one after the
    # other, many of them in the same few documents.
    pool = rng.choice(documents, 40, replace=False)
    forms = [np.sort(rng.choice(pool, rng.integers(1, 30), replace=False)) for _ in range(40)]
    ids = np.concatenate(forms).astype(np.int64)
    scores = rng.random(len(ids)) * 10.0 ** rng.integers(-3, 5, len(ids))
    expected: dict[int, float] = {}
    for docnum, score in zip(ids.tolist(), scores.tolist(), strict=True):
        expected[docnum] = expected.get(docnum, 0.0) + score
    assert max(np.bincount(ids)) > 8  # more than pairwise addition adds one by one
    found = _summed(ids, scores, documents)
    assert found.ids.tolist() == sorted(expected)
    assert found.scores.tolist() == [expected[docnum] for docnum in sorted(expected)]
    assert _summed(ids[:0], scores[:0], documents).ids.tolist() == []


def test_words_sharing_a_key_are_answered_when_fewer_are_kept(bundled_index, monkeypatch):
    """Each segment keeps the terms sharing a key (their first 8 bytes) that it read;
    keeping few (the kept ones dropped each time the bound is passed), every word
    is still found or not and every prefix expanded as in Whoosh's term files, the
    empty prefix to every word."""
    monkeypatch.setattr(array_segments, "_SHARED_LIMIT", 20)
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            ours = ArraySearcher.open(index.path, reader).vocabulary(reader)
            theirs = ReaderVocabulary(reader)
            words = list(theirs.expand_prefix("terms", ""))
            # «بالكتاب», «والكتابة» …: words sharing their first four letters.
            asked = [clitic + word for word in words[::7] for clitic in ("", "بال", "وال", "ل")]
            for _ in range(2):  # then again, from what is kept
                assert ours.contains_many("terms", asked) == theirs.contains_many("terms", asked)
                prefixes = ["", *sorted({word[:5] for word in asked})]
                expanded = ours.expand_prefixes("terms", prefixes)
                assert expanded == theirs.expand_prefixes("terms", prefixes)
            assert expanded[0] == words
            segment = ArraySearcher.open(index.path, reader).segments[0]
            segment.ordinals("terms", [word.encode("utf-8") for word in asked])
            assert 0 < segment._spans_kept <= 20 + max(map(len, segment._spans.values()))
        finally:
            reader.close()


def test_terms_looked_up_when_the_cache_is_full_are_still_answered(bundled_index, monkeypatch):
    """A long-running process looks up more terms one by one than it keeps (the
    cache is emptied to remember new ones): each is still answered, and a batch
    mixing terms it remembers with new and absent ones is answered as one by one."""
    monkeypatch.setattr(array_segments, "_ORDINAL_CACHE_LIMIT", 50)
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            segment = ArraySearcher.open(index.path, reader).segments[0]
            terms = [term for _, term in zip(range(80), reader.lexicon("terms"), strict=False)]
            assert len(terms) == 80
            expected = [segment.ordinal("terms", term) for term in terms]
            assert sorted(expected) == expected and -1 not in expected
            segment._ordinals.clear()
            assert segment.ordinals("terms", terms[:40]) == expected[:40]
            mixed = [*terms[:10], "ززز".encode(), *terms[40:70]]
            assert segment.ordinals("terms", mixed) == [*expected[:10], -1, *expected[40:70]]
        finally:
            reader.close()


@pytest.mark.parametrize("alone", [1, 10**9])
def test_where_each_postings_positions_start_is_kept_as_terms_are_asked_for(
    narrators_index, monkeypatch, alone
):
    """Each posting's first position, asked for in batches of terms in any order,
    terms asked again and others new among them, in both segments (one with a
    deleted file, one with paragraphs past positions 255 and 3,000), is its term's
    first position plus the frequencies of the term's earlier postings, added up
    term by term or for many terms at once; and reads the positions of the
    paragraph's words."""
    monkeypatch.setattr(array_segments, "_FILLED_ALONE", alone)
    rng = np.random.default_rng(11)
    with Index.open(narrators_index) as index:
        reader = index._whoosh.reader()
        try:
            for segment in ArraySearcher.open(index.path, reader).segments:
                side = segment.side
                pointers = side["terms.pointers"].astype(np.int64)
                freqs = side["terms.freqs"].astype(np.int64)
                expected = np.empty(len(freqs), dtype=np.int64)
                for term in range(len(pointers) - 1):
                    start, end = pointers[term], pointers[term + 1]
                    running = np.cumsum(freqs[start:end]) - freqs[start:end]
                    expected[start:end] = side["terms.position_pointers"][term] + running
                asked = rng.permutation(len(pointers) - 1)
                for batch in [asked[:3], asked[:8], asked[2:20], asked]:
                    postings = np.concatenate(
                        [np.arange(pointers[t], pointers[t + 1]) for t in batch]
                    )
                    postings = rng.permutation(postings)
                    terms = np.searchsorted(pointers, postings, "right") - 1
                    found = segment.posting_firsts(postings, terms)
                    assert found.dtype == np.int64
                    assert np.array_equal(found, expected[postings])
                # Where «والله» is, the word read there is «والله».
                ordinal = segment.ordinal("terms", "والله".encode())
                postings = np.arange(pointers[ordinal], pointers[ordinal + 1])
                firsts = segment.posting_firsts(postings, np.array([ordinal]))
                for posting, first in zip(postings.tolist(), firsts.tolist(), strict=True):
                    position = int(side.gather_run("terms.positions", first, 1)[0])
                    words = reader.stored_fields(int(side["terms.docs"][posting]) + segment.offset)
                    assert re.findall(r"\w+", words["text"])[position] == "والله"
        finally:
            reader.close()


def test_two_vocalized_words_rank_the_paragraphs_written_so_first(seeking_index):
    """«طَلَبُ الْعِلْمِ» unquoted: every paragraph with both words, in two segments and
    clitic forms («وَطَلَبُ», «بِالْعِلْمِ», «عِلْمِهِ»), never the deleted file's; those
    where both are written with compatible marks first, then «طَلَبُ الْعَلَمِ»
    (the flag: one word written so), as Whoosh ranks them."""
    compatible = {("second.txt", 1), ("first.txt", 2), ("first.txt", 3), ("first.txt", 4)}
    compatible |= {("first.txt", 5), ("first.txt", 6)}
    with Index.open(seeking_index) as index:
        found = index.search("طَلَبُ الْعِلْمِ", limit=20)
        assert found.total == 8
        places = [(hit.doc, hit.paragraph) for hit in found]
        assert set(places[:6]) == compatible and ("removed.txt", 1) not in places
        assert all(hit.score > 2 * MARKS_BONUS for hit in found.hits[:6])
        assert MARKS_BONUS < found.hits[6].score < 2 * MARKS_BONUS
        assert places[6] == ("first.txt", 1)
        marked = {
            (hit.doc, hit.paragraph): [hit.text[a:b] for a, b in hit.matches] for hit in found
        }
        assert marked["first.txt", 4] == ["وَطَلَبُ", "الْعِلْمِ"]
        assert marked["first.txt", 5] == ["طَلَبُ", "عِلْمِهِ"]
        strict = index.search("طَلَبُ الْعِلْمِ", marks="strict", limit=20)
        assert {(hit.doc, hit.paragraph) for hit in strict} == compatible


def test_vocalized_words_agree_with_whoosh_whichever_way_postings_are_read(
    seeking_index, hadith_index, postings_read
):
    """Words typed with diacritics, alone and two or three together, a word written
    so everywhere («عِبَادَةٌ»), nowhere («عُبَادَةٌ») or both ways, ranked and
    strict, at every depth of the bonus rounds."""
    queries = [
        "طَلَبُ الْعِلْمِ",
        "الْعِلْمِ طَلَبُ",
        "طَلَبُ الْعِلْمِ عِبَادَةٌ",
        "الْعِلْمِ عُبَادَةٌ",
        "طَلَبَ الْعَلَمِ",
        "طلب الْعِلْمِ",
        "طَلَبُ الْعِلْمِ -نُورٌ",
    ]
    with Index.open(seeking_index) as index:
        assert_ranked_alike(index, queries, (1, 2, 3, 10))
    with Index.open(hadith_index) as index:
        assert_ranked_alike(index, ["حَدَّثَنَا عَبْدُ", "قَالَ رَسُولُ اللَّهِ", "عَنْ أَبِي"], (1, 10))


def test_postings_looked_up_for_long_terms_and_read_for_short_are_those_read(
    bundled_index, monkeypatch
):
    """A word's forms' postings in three paragraphs: «في» and «من» (many postings)
    looked up in them, «وفي» and «ومن» read and kept by the mask, come out as every
    form read whole and kept: form by form, each form's in document order."""
    monkeypatch.setattr(array_positions, "_SPARSE", 4)
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            (segment,) = ArraySearcher.open(index.path, reader).segments
            ordinals = np.array(
                [
                    segment.ordinal("terms", form.encode("utf-8"))
                    for form in ("وفي", "في", "ومن", "من")
                ]
            )
            assert (ordinals >= 0).all()
            docs = segment.side["terms.docs"]
            (start, end), (other, _) = (segment.postings("terms", o) for o in ordinals[1::-1])
            present = np.unique([docs[start], docs[end - 1], docs[other]]).astype(np.int64)
            sizes = np.diff([segment.postings("terms", o) for o in ordinals]).ravel()
            long = sizes > array_positions._SPARSE * len(present)
            assert long.tolist() == [False, True, False, True]
            candidates = np.zeros(segment.size, dtype=bool)
            candidates[present] = True
            looked_up = array_positions._postings_in(segment, ordinals, candidates, present)
            read = array_positions._postings_in(segment, ordinals, candidates, None)
            assert set(looked_up[1].tolist()) >= {0, 1}  # «وفي» in one of them, «في» in all
            for ours, whole in zip(looked_up, read, strict=True):
                assert np.array_equal(ours, whole)
        finally:
            reader.close()


def test_an_and_narrowed_from_its_rarest_word_scores_as_whoosh(sayings_index):
    """«عن نافع»: «نافع» in one paragraph, «عن» in eight (one in a file deleted since);
    «قال الله»: words about as common, in clitic forms («وقال», «والله»)."""
    with Index.open(sayings_index) as index:
        assert [hit.paragraph for hit in index.search("عن نافع")] == [5]
        assert sorted(hit.paragraph for hit in index.search("قال الله")) == [1, 2, 3, 4]
        for text in ("عن نافع", "نافع عن", "قال الله", "كتاب عن", "عن كتاب قال"):
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)


# «قَالَ» doubled, as isnads repeat it: a phrase of a word twice, in the first
# paragraph written with the marks asked, in one tripled, in a clitic form, past
# position 255, not in a row in the fourth; a file deleted since; two segments.
SAYING = {
    "sayings.txt": "\n\n".join(
        [
            "قَالَ قَالَ أَبُو هُرَيْرَةَ",
            "قال قال قال أبو بكر",
            "وقال قال أبو سعيد",
            "قال أبو قال قال",
            f"{filler(300)} قال قال أبو ذر",
        ]
    ),
    "removed.txt": "قال قال أبو موسى",
}


@pytest.fixture(scope="module")
def saying_index(tmp_path_factory):
    later = {"later.txt": "ثم قال قال أبو أيوب"}
    return two_segments(tmp_path_factory.mktemp("saying"), SAYING, later)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ('"قال قال"', [1, 2, 3, 4, 5, "later"]),
        ('"قال قال أبو"', [1, 2, 3, 5, "later"]),
        ('"قَالَ قَالَ أَبُو"', [1, 2, 3, 5, "later"]),
        ('"قال قال قال"', [2]),
        ('"أبو قال قال"', [4]),
    ],
)
def test_phrases_of_a_word_twice_find_it_in_a_row(saying_index, monkeypatch, text, found):
    """The word given twice has its positions read once per segment."""
    read = []
    positions = rank_arrays._positions

    def counting(segment, index, ordinal, *rest):
        read.append((segment, ordinal[0]))
        return positions(segment, index, ordinal, *rest)

    monkeypatch.setattr(rank_arrays, "_positions", counting)
    with Index.open(saying_index) as index:
        hits = index.search(text, limit=20)
        assert len(read) == len(set(read)) == 2 * len(set(text.strip('"').split()))
        places = {"later" if hit.doc == "later.txt" else hit.paragraph for hit in hits}
        assert places == set(found) and hits.total == len(found)
        assert all(hit.doc != "removed.txt" for hit in hits)
        assert_ranked_alike(index, [text], (1, 3, 10))


def test_written_verdicts_term_numbers_and_idfs_kept_in_little_room_answer_alike(
    hadith_index, monkeypatch
):
    """With room for 3 written verdicts, term numbers and idfs, vocalized, strict and
    «=» searches answer as with the usual room, search after search, and never keep
    more than the bounds allow (fewer than twice the room, plus one, for verdicts)."""
    queries = [
        ("عِلْم", "rank"),
        ("عِلْم", "strict"),
        ("الْعَلَمَ", "strict"),
        ("=العلم", "rank"),
        ('"عِلْمٌ" OR عُلِمَ', "strict"),
        ("=علم OR الساعة", "rank"),
        ("مَا مِنْكُمْ", "strict"),
    ]
    with Index.open(hadith_index) as index:
        expected = [index.search(text, marks=marks).to_dict() for text, marks in queries]
    assert [answer["total"] for answer in expected[:3]] == [6, 3, 2]
    monkeypatch.setattr(array_segments, "_ORDINAL_CACHE_LIMIT", 3)
    monkeypatch.setattr(rank_arrays, "_IDF_KEPT", 3)
    array_segments._VERDICTS.clear()
    with Index.open(hadith_index) as index:
        for _ in range(3):
            for (text, marks), answer in zip(queries, expected, strict=True):
                assert index.search(text, marks=marks).to_dict() == answer, text
                assert 0 < len(array_segments._VERDICTS) <= 7
                searcher = index._array_searcher()
                assert all(len(idf) <= 4 for idf in searcher._idf.values())
                for segment in searcher.segments:
                    assert len(segment._verdicts) <= 7
                    assert len(segment._some_verdicts) <= 7


def test_words_whose_forms_are_in_one_segment_each_rank_as_whoosh_ranks(tmp_path):
    """«الْكِتَاب» written «الكتاب» in the first file only and «بكتابه» in the second
    only (planning finds each form in one segment; ranking looks up the forms it does
    not know in every segment at once): the paragraphs are found, with «رسالة»
    beside them, never the deleted file's, and as Whoosh ranks them, each time the
    index is opened."""
    first = {
        "first.txt": "\n\n".join(["قرأ الطالب الكتاب ثم كتب رسالة"] + [filler(9)] * 8),
        "removed.txt": "قرأ الكتاب رسالة",
    }
    second = {"second.txt": "جاء الرجل بكتابه وقرأ رسالة\n\nرسالة بلا كتاب آخر"}
    index_path = two_segments(tmp_path, first, second)
    for _ in range(2):
        with Index.open(index_path) as index:
            found = index.search("الْكِتَاب رسالة", limit=10)
            assert sorted((hit.doc, hit.paragraph) for hit in found) == [
                ("first.txt", 1),
                ("second.txt", 1),
                ("second.txt", 2),
            ]
            for text in ("الْكِتَاب رسالة", "كتاب رسالة", '"بكتابه وقرأ"', "الكتاب"):
                ours, theirs = both_ways(index, text)
                assert_same(ours, theirs, text)


def test_a_segment_learns_many_term_numbers_at_once_and_keeps_them(bundled_index):
    """The terms a search ranks are looked up in each segment at once and kept:
    «الباغوز», «سوريا» and an absent word as :meth:`ordinal` finds each."""
    with Index.open(bundled_index) as index:
        reader = index._whoosh.reader()
        try:
            segment = ArraySearcher.open(index.path, reader).segments[0]
            terms = ["الباغوز".encode(), "سوريا".encode(), "زرقاوات".encode()]
            segment.ordinals("terms", terms, keep=True)
            learnt = {term: segment._ordinals["terms"][term] for term in terms}
            segment._ordinals.clear()
            assert learnt == {term: segment.ordinal("terms", term) for term in terms}
            assert learnt[terms[0]] >= 0 and learnt[terms[2]] == -1
            # Planning's thousands of words, nearly all absent, are answered, not kept.
            segment._ordinals.clear()
            assert segment.ordinals("terms", terms) == [learnt[term] for term in terms]
            assert not segment._ordinals.get("terms")
        finally:
            reader.close()


def test_ligatures_are_answered_by_the_arrays_as_by_whoosh(tmp_path):
    """«ﷺ» as its four words: words, phrases across it, «=», strict marks and
    proximity read the same positions both ways."""
    index_path = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", LIGATURES))
    queries = [
        "صلى",
        "وسلم",
        "ﷺ",
        "ﷻ",
        "الله",
        '"صلى الله عليه وسلم"',
        '"رسول الله ﷺ"',
        '"رسول الله صلى الله عليه وسلم"',
        '"وسلم قال"',
        '"جل جلاله"',
        '"الله جل"',
        '"رسول انما"~6',
        '"النبي ﷺ"~5',  # two words of the window: «ﷺ» is the phrase of its words
        '"ﷺ قال"~3',
        "=قال",
        '"النبي ﷺ =علم"',
        "عَلِمَ",
        '"وسلم عَلِمَ"',
        "صلى -عَلِمَ",
        "وصلى OR جلاله",
        '"ﷺ ﷻ"~40',  # no paragraph holds both
        '"عَلِمَ ﷺ"~1 -الكتاب',
    ]
    # A ligature, one word of a proximity: each finds some paragraph.
    near = [
        '"قال ﷺ"~1',
        '"الله ﷺ"~2',  # a word that is one of the ligature's too
        '"ﷻ الله"~2',
        '"رسول ﷺ انما"~4',  # three items, nested as Whoosh nests them
        '"قال =ﷺ"~1',
        '"=النبي ﷺ"~1',
        '"عَلِمَ ﷺ"~1',
    ]
    with Index.open(index_path) as index:
        compared = check_queries(index, [(query, False) for query in queries + near])
        compared += check_queries(index, [(query, True) for query in queries[:6]])
        for query in queries[:4] + near:
            assert both_ways(index, query)[0][2] > 0, query
    # Five vocalized ones are compared twice (ranked and strict).
    assert compared == len(queries) + len(near) + 5 + 6


def test_the_name_of_god_and_indo_pak_salat_are_answered_by_the_arrays_as_by_whoosh(tmp_path):
    """«الله» and its forms («لله», «بالله», «تالله» …), and «الصلاة» in Indo-Pak
    spelling, alone, in phrases and proximities, with NOT, «=» and diacritics:
    the same forms planned in batches as one by one, the same answers both ways."""
    files = {
        "hadith.txt": "\n\n".join(NAME_OF_GOD_SAYINGS) + "\n",
        "indopak.txt": "\n\n".join(INDO_PAK_SAYINGS) + "\n",
    }
    index_path = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    forms = ["الله", "لله", "بالله", "فوالله", "تالله", "الصلاة", "الزكاة", "=الصلوۃ"]
    phrases = ['"الحمد لله"', '"أعوذ بالله"', '"ولا قوة الا بالله"', '"الله الحمد"~3']
    phrases += ['"واقام الصلاة"', '"الصلاة الزكاة"~3']
    others = ["اللهم", "له", "بالله -الله", "الحمد -لله", "=لله", "لِلَّهِ", "بِاللّٰہِ"]
    others += ["قوة", "الصلاة -الزكاة", "الصَّلَاةَ"]
    planned = ["الله", "لله", "بالله", "والله", "اللهم", "له", "الصلاه", "صلاوه"]
    # The three vocalized queries are compared twice (ranked and strict).
    assert_answered_alike(index_path, forms + phrases, others, 3, planned)


def test_typeset_quran_loanwords_and_salat_with_a_pronoun_are_answered_as_by_whoosh(tmp_path):
    """Quran text with hair spaces inside words and the hamza of ئ below a ى,
    loanwords with their clitics, and «صلاته» read as «صلاة» + «ه»: alone, in
    phrases and proximities, with NOT, «=» and diacritics, the same answers both
    ways, and the same forms planned in batches as one by one."""
    files = {
        "quran.txt": "\n\n".join(TYPESET_VERSES) + "\n",
        "hadith.txt": "\n\n".join(PRAYER_SAYINGS) + "\n",
        "news.txt": "\n\n".join(LOANWORD_NEWS) + "\n",
    }
    index_path = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    forms = ["أولئك", "الملائكة", "إسرائيل", "الثمرات", "السماوات", "سوآتهما", "=الثمرت"]
    forms += ["پسته", "الچاي", "گمرك", "ڤيروس", "صلاته", "صلاتي", "الصلاة", "صلاة", "صلوات"]
    phrases = ['"من الثمرات رزقا"', '"لهما سوآتهما"', '"اذكروا إسرائيل"~2', '"الپسته والچاي"']
    phrases += ['"قضى صلاته"', '"الصلاة الزكاة"~3']
    others = ["الصلاة -صلاته", "صلاته -صلاتي", "فيروس", "ٱلثَّمَرَٰتِ", "صَلَاتِهِ"]
    planned = ["صلاته", "صلاتي", "الصلاه", "صلوات", "پسته", "الچاي", "اسراءيل"]
    # The two vocalized queries are compared twice (ranked and strict).
    assert_answered_alike(index_path, forms + phrases, others, 2, planned)


def test_a_ligature_in_a_proximity_is_answered_by_the_arrays_as_by_whoosh(tmp_path):
    """«"قال ﷺ"~3»: «قال» and the phrase of the ligature's words, near in either
    order, found and scored alike both ways, written or spelled out."""
    files = write_corpus(tmp_path / "docs", LIGATURE_SAYINGS)
    with Index.open(build_index(tmp_path / "ix", files)) as index:
        for text, paragraphs in (
            ('"قال ﷺ"~3', [1, 2, 3, 4, 5, 6]),
            ('"ﷺ قال"~3', [1, 2, 3, 4, 5, 6]),
            ('"قال ﷺ"~1', [2, 4, 5, 6]),
            ('"ﷻ الله"~2', [7, 8]),
        ):
            ours, theirs = both_ways(index, text)
            assert_same(ours, theirs, text)
            found = sorted(hit.paragraph for hit in index.search(text, limit=20))
            assert found == paragraphs, text


def test_a_phrase_is_one_item_of_a_proximity_in_both_cores(tmp_path):
    """A proximity whose item is an ordered Sequence (the phrase of a word ligature's
    words) measures the window from where the phrase stands, its first word to its
    last, in either order: the arrays join its spans as Whoosh's nested spans do."""
    paragraphs = [
        "قال رسول الله صلى الله عليه وسلم في الحديث",  # 1: «قال» 3 before the phrase
        "صلى الله عليه وسلم قال في الحديث",  # 2: right after it
        "وقال النبي صلى الله عليه وسلم",  # 3: a form, 2 before
        "صلى الله عليه قال وسلم ثم صلى",  # 4: inside the words, not the phrase
    ]
    files = {"sayings.txt": "\n\n".join(paragraphs) + "\n"}
    index_path = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    said = query.Or([query.Term("terms", "قال"), query.Term("terms", "وقال")])
    eulogy = query.Sequence([query.Term("terms", word) for word in ("صلي", "الله", "عليه", "وسلم")])
    with Index.open(index_path) as index:
        reader = index._whoosh.reader()
        try:
            arrays = ArraySearcher.open(index.path, reader)
            in_it = query.Term("terms", "في")
            for slop, paragraphs_found in ((1, [2]), (2, [2, 3]), (3, [1, 2, 3]), (20, [1, 2, 3])):
                for items in ([said, eulogy], [eulogy, said], [said, eulogy, in_it]):
                    near = query.Sequence(items, slop=slop, ordered=False)
                    plan = QueryPlan(near, {}, frozenset(), frozenset(), (), excludes=False)
                    ours, theirs = answers(index, reader, arrays, plan)
                    assert_same(ours, theirs, (slop, len(items)))
                    found = sorted(reader.stored_fields(doc)["paragraph"] for doc in ours[0])
                    if len(items) == 2:
                        assert found == paragraphs_found, (slop, items)
                    else:
                        # Nested as Whoosh nests them: the phrase and «في» (right after
                        # it in 1, 2 apart in 2), then «قال» 3 before that span (1) or
                        # inside it (2: 0 apart, never near).
                        assert found == ([1] if slop >= 3 else []), slop
        finally:
            reader.close()
