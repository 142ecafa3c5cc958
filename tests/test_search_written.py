"""Words restricted by how they are written: the tests, and a restricted term's
matches and scores in both cores (the forward index and Whoosh's stored text)."""

import pytest
from whoosh import query

from searchidx import Index
from searchidx.search import rank_whoosh
from searchidx.search.plan import QueryPlan
from searchidx.search.rank_arrays import ArraySearcher
from searchidx.search.written import WrittenTerm, WrittenTest

from .conftest import build_index, write_corpus

# Six words each: the same field length, so scores differ only by term frequency.
PARAGRAPHS = [
    "جاء علي ثم جلس على الكرسي",  # «علي» folded twice, written «علي» once
    "جاء علي ثم جلس في الكرسي",  # once
    "جاء علي ثم جلس علي الكرسي",  # twice
    "جاء عَلِيٌّ ثم جلس على الكرسي",  # once, with marks
    "وضع الكتاب على الطاولة ثم خرج",  # never
]


@pytest.mark.parametrize(
    ("test", "written", "accepted"),
    [
        (WrittenTest(letters="علي"), "علي", True),
        (WrittenTest(letters="علي"), "عَلِيٌّ", True),  # marks aside
        (WrittenTest(letters="علي"), "على", False),
        (WrittenTest(letters="مسؤول"), "مسئول", False),
        (WrittenTest(marks="عِلْم"), "عِلْمٌ", True),
        (WrittenTest(marks="عِلْم"), "علم", True),  # unvocalized allows any marks
        (WrittenTest(marks="عِلْم"), "عَلَمٌ", False),
        (WrittenTest(letters="العلم", marks="عِلْم"), "العِلْمُ", True),
        (WrittenTest(letters="العلم", marks="عِلْم"), "عِلْمٌ", False),  # letters differ
        (WrittenTest(letters="العلم", marks="عِلْم"), "العَلَمُ", False),  # marks differ
    ],
)
def test_a_written_test_asks_for_letters_marks_or_both(test, written, accepted):
    assert test.accepts(written) is accepted


def test_restricted_terms_are_equal_only_with_the_same_test():
    exact = WrittenTerm("terms", "علي", WrittenTest(letters="علي"))
    assert exact == WrittenTerm("terms", "علي", WrittenTest(letters="علي"))
    assert hash(exact) == hash(WrittenTerm("terms", "علي", WrittenTest(letters="علي")))
    assert exact != WrittenTerm("terms", "علي", WrittenTest(letters="على"))
    assert exact != query.Term("terms", "علي")


@pytest.fixture(scope="module")
def restricted_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("written")
    docs = write_corpus(root / "docs", {"a.txt": "\n\n".join(PARAGRAPHS) + "\n"})
    return build_index(root / "index", docs)


def ranked(index, q):
    """{paragraph number: score} of ``q`` by the array core and by Whoosh's matchers."""
    plan = QueryPlan(q, {}, frozenset(), frozenset(), (), excludes=False)
    with index._whoosh.reader() as reader:
        arrays = ArraySearcher.open(index.path, reader)
        found = [arrays.rank(plan, 10), rank_whoosh.rank(index._whoosh, reader, plan, 10)]
        return [
            {
                reader.stored_fields(doc)["paragraph"]: score
                for doc, score in zip(docs, scores, strict=True)
            }
            for docs, scores, _ in found
        ]


def test_a_restricted_term_counts_only_its_accepted_occurrences(restricted_index):
    with Index.open(restricted_index) as index:
        plain, _ = ranked(index, query.Term("terms", "علي"))
        for scores in ranked(index, WrittenTerm("terms", "علي", WrittenTest(letters="علي"))):
            assert set(scores) == {1, 2, 3, 4}  # not the paragraph with «على» alone
            # Paragraph 1 holds the folded term twice but «علي» once: it scores as
            # paragraph 2, which holds it once, below paragraph 3, which writes it twice.
            assert scores[1] == pytest.approx(plain[2], abs=1e-12)
            assert scores[3] == pytest.approx(plain[3], abs=1e-12) and scores[3] > scores[1]
            assert scores[4] == pytest.approx(scores[2], abs=1e-12)


def test_a_phrase_sees_only_the_accepted_positions(restricted_index):
    phrase = query.Sequence(
        [WrittenTerm("terms", "علي", WrittenTest(letters="على")), query.Term("terms", "الكرسي")]
    )
    with Index.open(restricted_index) as index:
        for scores in ranked(index, phrase):
            assert set(scores) == {1, 4}  # «على الكرسي»; not «علي الكرسي» (paragraph 3)
