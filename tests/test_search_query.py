"""Parsing queries: operators, filters, punctuation, and malformed queries. Whatever a
user types, the answer is hits or one line saying what is wrong."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx import Index
from searchidx.errors import QueryError

from .conftest import SMALL_CORPUS, assert_clean_outcome, stderr_lines, write_corpus

LONG_QUERY = ("سوريا دمشق " * 500)[:5000]


ODD_QUERIES = [
    '"سوريا',
    "(سوريا OR",
    "(سوريا",
    "سوريا)",
    "AND",
    "NOT",
    "OR",
    "AND OR NOT",
    "*",
    "?",
    "",
    "   ",
    LONG_QUERY,
    "\x00\x07سوريا",
    "doc:",
    "title:",
    ":::",
    "ًٌٍ",
    "ًٌٍ ّْ",
    '"',
    "()",
    'doc:"',
    "سوريا~2",
    "سوريا^",
    "[سوريا TO",
    "\u200f\u200e",
    "ـــ",
]


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda query: repr(query[:20]))
def test_odd_query_is_an_error_line_or_a_result(run, small_index, query):
    """Whatever a user types, the answer is hits or one line saying what is wrong."""
    result = run("search", query, "--index", str(small_index), "--format", "json")
    assert_clean_outcome(result)


def test_unbalanced_quote_and_control_characters_still_find_the_word(run, small_index):
    """A forgotten closing quote or a stray control character does not hide the word."""
    for query in ('"سوريا', "\x00\x07سوريا"):
        result = run("search", query, "--index", str(small_index), "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert "news/syria.txt" in {hit["doc"] for hit in json.loads(result.stdout)["hits"]}


@pytest.mark.parametrize("query", ["AND", "NOT", "OR", "*", "", LONG_QUERY])
def test_queries_that_cannot_mean_anything_are_usage_errors(run, small_index, query):
    """Lone operators, a bare *, nothing, or a pasted page: exit 2 and one line."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith("searchidx: error: ")


# Words of SMALL_CORPUS (some vocalized, some only sharing a stem), then query syntax.
FUZZ_WORDS = """
    سوريا بسوريا السوري العِلْمِ العلم مُسْلِمٍ مسلمون المكتبة مكتبات الوطنية وقال حنبل
    الطعام اللاجئون مسئول مسؤول أبوابها سور* المكت* news syria.txt hadith.txt 2019 ٢٠١٩
""".split()  # noqa: SIM905  (one word per token reads better than a list of quoted words)


FUZZ_SYNTAX = """
    AND OR NOT and or not doc: title: doc:hadith.txt title:المكتبة * ? " ( ) : ^ ~ [ ] { }
    TO - + ' \\ / ، ؟ « » ـ
""".split()  # noqa: SIM905


QUERY_PIECES = st.one_of(
    st.sampled_from(FUZZ_WORDS),
    st.sampled_from([*FUZZ_SYNTAX, " ", "  ", "\t", "\n", "\x00", "\x1b", "\u200f"]),
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf")
        ),
        max_size=4,
    ),
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةىًٌٍَُِّْ", min_size=1, max_size=6),
)


QUERIES = st.lists(
    st.tuples(QUERY_PIECES, st.sampled_from([" ", " ", ""])).map("".join), max_size=10
).map("".join)


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("fuzz") / "docs", SMALL_CORPUS)
    path = folder.parent / "index"
    with Index.create(path) as index:
        index.update([folder])
    with Index.open(path) as index:
        yield index


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, match_any=st.booleans())
def test_random_queries_raise_only_query_errors(fuzz_index, query, match_any):
    """Any string at all: results or a QueryError with a one-line message, nothing else."""
    try:
        results = fuzz_index.search(query, limit=5, match_any=match_any)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert len(results.hits) <= 5 and results.total >= len(results.hits)
    for hit in results.hits:
        assert all(0 <= start < end <= len(hit.text) for start, end in hit.matches)
