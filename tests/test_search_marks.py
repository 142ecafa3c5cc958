"""Vocalized query words: every spelling found, compatible diacritics first, or only
them with ``marks="strict"``; in phrases, with OR and NOT, ``=word``, the CLI and JSON."""

import json

import pytest

from searchidx import Index, QueryError
from searchidx.index.store import make_schema
from searchidx.search.plan import MARKS_BONUS, ReaderVocabulary, build_plan
from searchidx.search.query import parse_query, typed_word

from .conftest import HADITH, highlighted, search


def paragraphs(results) -> list[int]:
    return [hit.paragraph for hit in results]


def found(index, query, **options) -> set[int]:
    return set(paragraphs(search(index, query, limit=100, **options)))


@pytest.mark.parametrize(
    ("query", "compatible", "others"),
    [
        ("عِلْم", {1, 2, 3}, {4, 5, 6}),  # knowledge; 3 is unvocalized
        ("عَلَم", {3, 4, 5}, {1, 2, 6}),  # a flag
        ("عُلِمَ", {3, 6}, {1, 2, 4, 5}),  # it was known
        ("مَلِك", {9, 14, 15}, {10, 11}),  # a king (15 has both)
        ("مَلَك", {10, 11, 15}, {9, 14}),  # an angel
        ("حُكْم", {16}, {12, 13}),  # «بِحُكْمِ» is not a form: ب before three letters
        ("حَكَم", {12, 13}, {16}),
        ("كُتُب", {7}, {8}),
        ("كَتَبَ", {8}, {7}),
    ],
)
def test_vocalized_word_ranks_compatible_words_first_and_strict_keeps_only_them(
    hadith_index, query, compatible, others
):
    ranked = search(hadith_index, query, limit=100)
    assert set(paragraphs(ranked)) == compatible | others  # every spelling
    assert set(paragraphs(ranked)[: len(compatible)]) == compatible
    assert found(hadith_index, query, marks="strict") == compatible


def test_unvocalized_query_is_unaffected(hadith_index):
    """The same hits, scores and plan in both modes, as before diacritics counted."""
    for query in ("علم", "ملك", '"بحكم الملك"', "العلم OR حكم -الساعة"):
        ranked = search(hadith_index, query, limit=100)
        strict = search(hadith_index, query, limit=100, marks="strict")
        assert ranked.total and ranked.to_dict() == strict.to_dict()
        assert all(hit.score < MARKS_BONUS for hit in ranked)
    with Index.open(hadith_index) as index:
        reader = index._whoosh.reader()
        try:
            vocabulary = ReaderVocabulary(reader)
            plans = [
                build_plan(parse_query("علم", index._whoosh.schema), vocabulary, marks)
                for marks in ("rank", "strict")
            ]
        finally:
            reader.close()
    assert plans[0] == plans[1]
    assert "WrittenTerm" not in repr(plans[0].query) and not plans[0].restricted


def test_compatible_words_rank_above_any_spelling_tier(hadith_index):
    """«الْعِلْمُ» written with compatible marks beats «عَلَمٌ», the query's own spelling."""
    ranked = search(hadith_index, "عِلْم", limit=100)
    scores = {hit.paragraph: hit.score for hit in ranked}
    assert min(scores[p] for p in (1, 2, 3)) > MARKS_BONUS > max(scores[p] for p in (4, 5, 6))


def test_strict_highlights_only_compatible_words(hadith_index):
    both = {h.paragraph: h for h in search(hadith_index, "مَلَك", marks="strict", limit=100)}[15]
    assert highlighted(both) == ["مَلَكٌ", "الْمَلَكُ"]
    ranked = {h.paragraph: h for h in search(hadith_index, "مَلَك", limit=100)}[15]
    assert highlighted(ranked) == ["الْمَلِكِ", "مَلَكٌ", "الْمَلَكُ"]


def test_phrase_with_a_vocalized_word(hadith_index):
    assert found(hadith_index, '"بِحُكْمِ الْمَلِكِ"', marks="strict") == {9}
    assert found(hadith_index, '"بحكم الْمَلَكِ"', marks="strict") == set()
    assert found(hadith_index, '"بحكم الْمَلَكِ"') == {9}  # every spelling, ranked
    ranked = search(hadith_index, '"بحكم الْمَلِك"').hits
    assert ranked[0].score > MARKS_BONUS


def test_or_and_not_with_vocalized_words(hadith_index):
    assert found(hadith_index, "عَلَم OR كُتُب", marks="strict") == {3, 4, 5, 7}
    # Strict, NOT excludes only the words its marks allow: «الْعِلْمُ» stays.
    assert found(hadith_index, "السَّاعَةِ -عَلَم", marks="strict") == {1}
    assert found(hadith_index, "السَّاعَةِ -عَلَم") == set()


def test_two_vocalizations_of_one_word_are_two_words(hadith_index):
    """«عِلْم» (knowledge) and «عَلَم» (a flag) fold to one term; joined by OR each
    keeps its own diacritics, in either order, as in phrases, and beside the bare
    word; joined by AND a paragraph needs both («العلم», unvocalized, allows both)."""
    for query in ("عِلْم OR عَلَم", "عَلَم OR عِلْم", '"عِلْم" OR "عَلَم"'):
        assert found(hadith_index, query, marks="strict") == {1, 2, 3, 4, 5}
        ranked = paragraphs(search(hadith_index, query, limit=100))
        assert set(ranked[:5]) == {1, 2, 3, 4, 5}
    for query in ("عِلْم OR علم", "علم OR عِلْم"):
        assert found(hadith_index, query, marks="strict") == {1, 2, 3, 4, 5, 6}
    assert found(hadith_index, "عِلْم عَلَم", marks="strict") == {3}


def test_strict_word_written_nowhere_with_its_marks_finds_nothing(hadith_index):
    """«مِلْك» (property): every «ملك» of the texts is vocalized otherwise."""
    assert found(hadith_index, "مِلْك") == {9, 10, 11, 14, 15}
    assert found(hadith_index, "مِلْك", marks="strict") == set()
    assert found(hadith_index, '"مَلَكٌ مُوَكَّلٌ"', marks="strict") == {15}
    assert found(hadith_index, '"مِلْكٌ مُوَكَّلٌ"', marks="strict") == set()
    assert found(hadith_index, "فَقَالَ -مِلْك", marks="strict") == {10, 11}
    assert found(hadith_index, "فَقَالَ OR مِلْك", marks="strict") == {10, 11}


def test_strict_search_that_finds_little_suggests_the_words_without_diacritics(run, hadith_index):
    assert search(hadith_index, "مِلْك", marks="strict").suggestions == [{"query": "ملك", "total": 5}]
    assert search(hadith_index, "مِلْك").suggestions == []  # found: every spelling
    result = run("search", "مِلْك", "--index", str(hadith_index), "--marks", "strict")
    assert result.exit_code == 0
    assert result.stderr.splitlines()[-1] == "did you mean: «ملك» (5 paragraphs)?"


def test_exact_word_then_its_marks(hadith_index):
    assert found(hadith_index, "=الْمَلِكِ", marks="strict") == {9, 14, 15}
    assert found(hadith_index, "=الْمَلِكِ") == {9, 10, 14, 15}
    assert set(paragraphs(search(hadith_index, "=الْمَلَكُ", limit=100))[:2]) == {10, 15}


def test_search_files_takes_marks(hadith_index):
    with Index.open(hadith_index) as index:
        ranked = index.search_files("مَلَك")
        strict = index.search_files("مَلَك", marks="strict")
    assert (ranked.paragraphs, strict.paragraphs) == (5, 3)


@pytest.mark.parametrize("marks", ["x", "", "STRICT", None, 1])
def test_bad_marks_raise_query_error(hadith_index, marks):
    with pytest.raises(QueryError, match="marks must be 'rank' or 'strict'"):
        search(hadith_index, "عِلْم", marks=marks)


def test_cli_marks_strict_in_json(run, hadith_index):
    result = run(
        "search", "عَلَم", "--index", str(hadith_index), "--marks", "strict", "--format", "json"
    )
    assert result.exit_code == 0, result.stderr
    hits = json.loads(result.stdout)["hits"]
    assert sorted(hit["paragraph"] for hit in hits) == [3, 4, 5]
    assert {hit["text"] for hit in hits} <= set(HADITH)


def test_cli_bad_marks_is_a_usage_error(run, hadith_index):
    result = run("search", "عِلْم", "--index", str(hadith_index), "--marks", "bad")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "searchidx: error: Invalid value for '--marks': 'bad' is not one of 'rank', 'strict'."
        " (see 'searchidx search --help')"
    ]


def test_parsing_keeps_the_words_as_typed_where_they_have_diacritics():
    schema = make_schema()
    assert typed_word(parse_query('"بِحُكْمِ الملك"', schema)) == ("بِحُكْمِ", "")
    assert typed_word(parse_query("الملك عِلْم", schema).subqueries[1]) == "عِلْم"
    assert typed_word(parse_query("علم", schema)) is None
