"""Did you mean: the distance that makes Arabic typing slips cheap."""

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import Index
from searchidx.arabic import fold_term
from searchidx.search import array_segments
from searchidx.search.plan import ReaderVocabulary
from searchidx.search.suggest import (
    _CONFUSED_WITH,
    MAX_CORRECTIONS,
    MAX_COST,
    corrections,
    weighted_distance,
    weighted_distances,
)

from .conftest import (
    INDEX_DATA,
    assert_suggested,
    build_index,
    highlighted,
    search,
    write_corpus,
)
from .test_search_rank_arrays import corpus_words


@pytest.mark.parametrize(
    ("typed", "meant", "cost"),
    [
        ("تنضيم", "تنظيم", 0.5),  # ض for ظ
        ("داعص", "داعش", 1.0),  # ص for ش: not a known confusion
        ("مستمرره", "مستمره", 0.5),  # a doubled letter
        ("الخلاي", "الخلايا", 1.0),  # a dropped letter
        ("تنضيم", "تنضيم", 0.0),
    ],
)
def test_confusions_cost_half_an_edit(typed, meant, cost):
    assert weighted_distance(typed, meant) == cost


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("المحمكة", "المحكمة"), ("لامحكمة", "المحكمة"), ("الريئس", "الرئيس"), ("بيع", "بعي")],
)
def test_two_swapped_neighbours_cost_one_edit(typed, meant):
    assert weighted_distance(typed, meant) == 1.0


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("سوريا", "العراق"),
        ("المحمقة", "المحكمة"),  # a swap (م ك) and a confusion (ق for ك)
        ("الحموكة", "الحكومة"),  # م and ك trade places over و: no neighbours
    ],
)
def test_words_too_far_apart_stop_at_the_bound(typed, meant):
    assert weighted_distance(typed, meant) == MAX_COST + 1


def _full_table_distance(word: str, other: str, slips: bool) -> float:
    """The weighted distance from the whole edit table, a cell at a time."""

    def indels(letters: str) -> list[float]:
        return [
            0.5 if slips and char in (letters[at - 1 : at] + letters[at + 1 : at + 2]) else 1.0
            for at, char in enumerate(letters)
        ]

    drop, add = indels(word), indels(other)
    table = [[0.0] * (len(other) + 1) for _ in range(len(word) + 1)]
    for j in range(1, len(other) + 1):
        table[0][j] = table[0][j - 1] + add[j - 1]
    for i in range(1, len(word) + 1):
        table[i][0] = table[i - 1][0] + drop[i - 1]
        for j in range(1, len(other) + 1):
            a, b = word[i - 1], other[j - 1]
            change = 0.0 if a == b else 0.5 if slips and b in _CONFUSED_WITH.get(a, "") else 1.0
            table[i][j] = min(
                table[i - 1][j] + drop[i - 1],
                table[i][j - 1] + add[j - 1],
                table[i - 1][j - 1] + change,
            )
            swapped = i > 1 and j > 1 and a != b and (a, b) == (other[j - 2], word[i - 2])
            if slips and swapped:
                table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1.0)
    return table[-1][-1]


_LETTERS = "سصحهمكلا"


@st.composite
def _slips_of(draw, word: str) -> str:
    """``word`` after a few slips: letters swapped with a neighbour, dropped,
    doubled or changed."""
    for _ in range(draw(st.integers(0, 3))):
        at = draw(st.integers(0, len(word)))
        slip = draw(st.sampled_from(["swap", "drop", "double", "change"]))
        if slip == "swap" and at + 1 < len(word):
            word = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
        elif slip == "drop" and len(word) > 1:
            word = word[:at] + word[at + 1 :]
        elif slip == "double":
            word = word[:at] + word[at : at + 1] * 2 + word[at + 1 :]
        else:
            word = word[:at] + draw(st.sampled_from(_LETTERS)) + word[at + 1 :]
    return word


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=_LETTERS, min_size=1, max_size=7).flatmap(
        lambda word: st.tuples(st.just(word), st.lists(_slips_of(word), min_size=1, max_size=6))
    ),
    st.booleans(),
    st.sampled_from([1, 2]),
)
def test_distances_of_many_words_are_those_of_the_whole_edit_table(words, slips, bound):
    """Swaps, confusions and doubled letters, compared a row at a time over many
    words and stopped past the bound, cost what the whole table says."""
    word, others = words
    expected = [_full_table_distance(word, other, slips) for other in others]
    expected = [cost if cost <= bound else bound + 1 for cost in expected]
    assert weighted_distances(word, others, bound, slips) == expected


@pytest.mark.parametrize("array_search", [True, False])
def test_did_you_mean_corrects_misspelled_words_from_the_index(seed_index, array_search):
    with Index.open(seed_index) as index:
        index.array_search = array_search
        one = index.search("الباغوس")
        two = index.search("تنضيم داعص")
        found = index.search("الباغوز")
    assert one.total == 0 and one.suggestions == [{"query": "الباغوز", "total": found.total}]
    # ض/ظ is a cheap confusion; both words are corrected at once.
    assert two.suggestions[0]["query"] == "تنظيم داعش" and two.suggestions[0]["total"] > 0
    assert found.suggestions == [] and "suggestions" not in found.to_dict()


def test_did_you_mean_shows_the_texts_spelling_not_the_folded_term(small_index):
    # «مسؤل» drops a letter of «مسئول», indexed folded as «مسءول».
    results = search(small_index, "مسؤل")
    assert results.suggestions == [{"query": "مسئول", "total": 1}]
    phrase = search(small_index, '"الخلاية النائمة"')
    assert phrase.suggestions == []


def test_did_you_mean_spells_the_word_as_its_best_paragraph_writes_it(tmp_path):
    """The best paragraph writes «أَحْمَدُ» after «وأحمد», one of its stem forms:
    the suggestion shows its own spelling, without the diacritics, not the
    folded «احمد», the stem form, nor another paragraph's «احمد»."""
    docs = write_corpus(tmp_path / "docs", {
        "a.txt": "وأحمد قال أَحْمَدُ",
        "b.txt": "روى احمد بن حنبل عن شيوخه الكثيرين في المسند وغيره من كتبه",
    })  # fmt: skip
    build_index(tmp_path / "ix", docs)
    with Index.open(tmp_path / "ix") as index:
        assert index.search("احمد").hits[0].path.endswith("a.txt")
        results = index.search("اهمد")
        files = index.search_files("اهمد")
    assert results.total == 0
    assert results.suggestions == [{"query": "أحمد", "total": 2}]
    assert files.suggestions == results.suggestions


def test_did_you_mean_suggests_one_word_of_a_stem_not_each_of_its_forms(tmp_path):
    """«مسلم», «مسلمة» and «مسلما» find the same paragraphs: suggesting all three
    would say one thing three times."""
    docs = write_corpus(tmp_path / "docs", {
        "a.txt": "رواه مسلم في صحيحه\n\nامرأة مسلمة صالحة\n\nمات مسلما\n\nقال مسلم",
        "b.txt": "المسلمون إخوة\n\nرواه البخاري ومسلم",
    })  # fmt: skip
    build_index(tmp_path / "ix", docs)
    with Index.open(tmp_path / "ix") as index:
        results = index.search("مسلمم")
        near = {word for _, _, word in corrections(ReaderVocabulary(index._reader), "مسلمم")}
        meant = index.search("مسلم")
    assert {"مسلم", "مسلمه", "مسلما"} <= near
    assert results.suggestions == [{"query": "مسلم", "total": meant.total}]


def test_did_you_mean_leaves_a_word_that_finds_enough_in_its_forms_alone(tmp_path):
    """«علم» is spelled so in one paragraph, but its forms («العلم», «بالعلم») are
    in four: a query of it and «الوزير», which no paragraph holds together, is no
    misspelling, and «علي الوزير» is no correction of it; «الوزيز» still has one."""
    docs = write_corpus(tmp_path / "docs", {
        "hadith.txt": "عُلِمَ ذَلِكَ مِنْ قَوْلِهِ\n\nطَلَبُ الْعِلْمِ فَرِيضَةٌ\n\n"
        "الْعِلْمُ خَيْرٌ مِنَ الْمَالِ\n\nمَنْ عَمِلَ بِالْعِلْمِ",
        "news.txt": "زار علي الوزير المدرسة\n\nقال الوزير إن الحكومة مستعدة",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        correct = index.search("علم الوزير")
        slip = index.search("الوزيز المدرسة")
    assert correct.total == 0 and correct.suggestions == []
    assert slip.total == 0 and slip.suggestions == [{"query": "الوزير المدرسة", "total": 1}]


def test_did_you_mean_leaves_out_part_of_a_correction_that_finds_no_more(tmp_path):
    """With either word enough («--any», OR), correcting one of two slips finds what
    correcting both finds: «داعص تنظيم» would say «داعش تنظيم» again, less well.
    A part that keeps a word of the texts («عبر»: not a slip) stays."""
    docs = write_corpus(tmp_path / "docs", {
        "news.txt": "نقلت وكالة رويترز أن تنظيم داعش ما زال يشكل تهديدا\n\n"
        "قال الوزير إن الحرب طويلة\n\nعاد الوزير إلى دمشق عبر الحدود\n\nقال عبد الله",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        either = index.search("داعص تنضيم", match_any=True)
        joined = index.search("داعص OR تنضيم")
        grouped = index.search("(داعص OR تنضيم) الوزيز", match_any=True)
        kept = index.search("عبر OR تنضيم")
    assert either.suggestions == [{"query": "داعش تنظيم", "total": 1}]
    assert joined.suggestions == [{"query": "داعش OR تنظيم", "total": 1}]
    assert grouped.suggestions == [{"query": "(داعش OR تنظيم) الوزير", "total": 3}]
    assert {"query": "عبر OR تنظيم", "total": 2} in kept.suggestions


class _Words(ReaderVocabulary):
    """A vocabulary of folded words and how many paragraphs hold each."""

    def __init__(self, frequencies: dict[str, int]) -> None:
        self.frequencies = frequencies

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return self.frequencies.get(term, 0)

    def expand_prefix(self, fieldname: str, prefix: str):
        return iter(sorted(word for word in self.frequencies if word.startswith(prefix)))


def test_corrections_are_nearest_then_most_frequent():
    words = _Words({"تنظيم": 4, "تنظيف": 9, "تنظيمات": 30, "تنضيد": 2, "تنضير": 6, "منظم": 50})
    # ض for ظ costs half, م for د or ر a whole edit; «تنظيف» needs both (too far),
    # «تنظيمات» is two letters longer and «منظم» starts with another letter.
    assert corrections(words, "تنضيم") == [(0.5, 4, "تنظيم"), (1.0, 6, "تنضير"), (1.0, 2, "تنضيد")]


def test_corrections_count_two_swapped_neighbours_as_one_edit():
    words = _Words({"المحكمه": 10, "المحمله": 25, "المحكمات": 40, "لامحه": 3})
    # «المحمله» (ل for ك) is as near as «المحكمه» (م and ك swapped) and more frequent.
    assert corrections(words, "المحمكه") == [(1.0, 25, "المحمله"), (1.0, 10, "المحكمه")]
    # The first two letters swapped: the word meant starts with the second.
    assert corrections(words, "لامحكمه") == [(1.0, 10, "المحكمه")]


def test_corrections_allow_two_confusions_even_of_the_first_letter():
    words = _Words({"ظاهر": 12, "ضامر": 3, "طاهر": 7, "ظاهرة": 20})
    # «ضاحر»: ض for ظ and ح for ه, four letters of the word's set changed, a whole edit.
    assert corrections(words, "ضاحر") == [(1.0, 12, "ظاهر"), (1.0, 3, "ضامر")]
    # A doubled letter costs half: «ظاههر» is «ظاهر» with its ه typed twice.
    assert corrections(words, "ظاههر")[0] == (0.5, 12, "ظاهر")


def test_distances_of_words_of_many_lengths_at_once_are_each_words_own():
    others = ["تنظيم", "تنظيمات", "تنضيم", "تن", "تنظيمم", "covid", "تنظيم19"]
    together = weighted_distances("تنضيم", others)
    assert together == [weighted_distance("تنضيم", other) for other in others]
    assert together == [0.5, MAX_COST + 1, 0.0, MAX_COST + 1, 1.0, MAX_COST + 1, MAX_COST + 1]


# Words mixing letters of one and two bytes with digits («café19»), numbers written
# against Arabic words («كوفيد19»), and words of one letter more or less: the side
# files measure them in bytes, the suggestions in letters.
_MIXED = {
    "a.txt": "انتشر فيروس كوفيد19 في العالم\n\nنموذج gpt4 ونموذج كوفيد19 الجديد café19",
    "b.txt": "سلالة cafe19 من الفيروس\n\nلقاح كوفيد19 الاول\n\nمدرسة المدينة ومدرسه القرية",
    "c.txt": "فيروسات كثيرة وفيروس واحد\n\nمدارس المدينة\n\nطلاب المدرسة",
}


@pytest.fixture(scope="module")
def mixed_index(tmp_path_factory) -> Path:
    folder = write_corpus(tmp_path_factory.mktemp("mixed") / "docs", _MIXED)
    return build_index(folder.parent / "index", folder)


@pytest.mark.parametrize(
    ("typed", "meant", "total"),
    [("كوفيض19", "كوفيد19", 3), ("كوفد19", "كوفيد19", 3), ("فيروص", "فيروس", 3)],
)
def test_did_you_mean_corrects_words_with_digits_as_both_searches_do(
    mixed_index, typed, meant, total
):
    found = []
    for array_search in (True, False):
        with Index.open(mixed_index) as index:
            index.array_search = array_search
            found.append(index.search(typed).suggestions)
    assert found[0] == found[1]
    assert found[0][0] == {"query": meant, "total": total}


def test_side_files_find_the_near_words_the_term_files_find(mixed_index):
    with Index.open(mixed_index) as index:
        index.search("فيروس")  # opens the reader and its side files
        arrays = index._array_searcher()
        by_arrays = arrays.vocabulary(index._reader)
        by_reader = ReaderVocabulary(index._reader)
        for term in ("café19", "كوفيد", "فيروس", "مدرسه", "gpt4", "ال"):
            for prefix in {term[0], term[:2], "ك", "م"}:
                for most_changed, alike, most_foreign in [
                    (0, "", None),
                    (1, "", None),
                    (2, "", None),
                    (2, "ضظ", 1),
                    (2, "", 0),
                ]:
                    lengths = range(len(term) - 1, len(term) + 2)
                    arguments = ("terms", prefix, lengths, term, most_changed, alike, most_foreign)
                    expected = list(by_reader.near_terms(*arguments))
                    assert list(by_arrays.near_terms(*arguments)) == expected
        assert list(by_arrays.near_terms("terms", "c", range(5, 8), "café19", 2)) == [
            "cafe19",
            "café19",
        ]


def test_side_files_find_the_near_words_of_long_words_the_term_files_find(bundled_index):
    """Words of many distinct letters (the arrays compare eight letters at a time)."""
    words = {fold_term(word) for words in corpus_words(INDEX_DATA) for word in words}
    long_words = sorted(word for word in words if len(set(word)) > 8)
    assert len(long_words) >= 5
    with Index.open(bundled_index) as index:
        index.search("كتاب")  # opens the reader and its side files
        by_arrays = index._array_searcher().vocabulary(index._reader)
        by_reader = ReaderVocabulary(index._reader)
        found = 0
        for term in long_words:
            for most_changed in (2, 3, 4):
                lengths = range(len(term) - 3, len(term) + 3)
                arguments = ("terms", term[0], lengths, term, most_changed)
                expected = list(by_reader.near_terms(*arguments))
                assert list(by_arrays.near_terms(*arguments)) == expected, term
                found += len(expected)
        assert found >= 10


def test_near_words_are_the_same_from_kept_and_from_freshly_measured_terms(
    mixed_index, monkeypatch
):
    """The terms of a first letter are measured once and kept; dropping them
    when the cache is full measures them again, with the same near words."""
    arguments = ("terms", "ف", range(4, 7), "فيروص", 2)
    with Index.open(mixed_index) as index:
        index.search("فيروس")  # opens the reader and its side files
        by_arrays = index._array_searcher().vocabulary(index._reader)
        first = list(by_arrays.near_terms(*arguments))
        assert "فيروس" in first
        assert list(by_arrays.near_terms(*arguments)) == first
        monkeypatch.setattr(array_segments, "_NEAR_TERMS_LIMIT", 1)
        for prefix in ("ك", "ف"):  # each drops the other's terms
            assert list(by_arrays.near_terms(*arguments)) == first
            by_arrays.near_terms("terms", prefix, range(4, 7), "كوفيد", 2)
        assert index.search("فيروص").suggestions[0] == {"query": "فيروس", "total": 3}
        # No indexed word starts with «ڤ»; no «ڤ» in the words of «ف».
        assert list(by_arrays.near_terms("terms", "ڤ", range(4, 7), "ڤيروس", 2)) == []
        assert list(by_arrays.near_terms("terms", "ف", range(4, 7), "فڤروس", 1)) == ["فيروس"]


def test_near_words_count_repeated_letters_and_letters_foreign_to_the_word(mixed_index):
    with Index.open(mixed_index) as index:
        index.search("فيروس")  # opens the reader and its side files
        by_arrays = index._array_searcher().vocabulary(index._reader)
        for vocabulary in (by_arrays, ReaderVocabulary(index._reader)):
            # «فييييس» has «فيروس»'s ي once only: four of its letters unmatched.
            assert list(vocabulary.near_terms("terms", "ف", range(5, 7), "فييييس", 2)) == []
            # «مدرصه» (folded): «مدرسه» holds one letter foreign to it, س, none if
            # س is alike; «مدارس» two, ا and س.
            near = ("terms", "م", range(4, 7), "مدرصه", 2)
            assert list(vocabulary.near_terms(*near)) == ["مدارس", "مدرسه"]
            assert list(vocabulary.near_terms(*near, "", 0)) == []
            assert list(vocabulary.near_terms(*near, "", 1)) == ["مدرسه"]
            assert list(vocabulary.near_terms(*near, "س", 0)) == ["مدرسه"]
            assert list(vocabulary.near_terms(*near, "س", 1)) == ["مدارس", "مدرسه"]


@pytest.mark.parametrize("array_search", [True, False])
def test_corrections_are_the_nearest_of_every_word_of_their_first_letters(
    bundled_index, array_search
):
    """Misspellings of the bundled corpus' words (a confused, dropped, doubled or
    foreign letter, or two neighbours swapped): the near words' letter counts leave
    out no correction that comparing every indexed word of the same first letters
    and lengths finds, nor of its first two letters swapped and its length."""
    rng = random.Random(11)
    with Index.open(bundled_index) as index:
        index.array_search = array_search
        index.search("كتاب")  # opens the reader and its side files
        arrays = index._array_searcher() if array_search else None
        reader = index._reader
        vocabulary = arrays.vocabulary(reader) if arrays else ReaderVocabulary(reader)
        terms = [t for t in vocabulary.expand_prefix("terms", "") if len(t) >= 3 and t.isalpha()]
        corrected = 0
        for word in rng.sample(terms, 150):
            at = rng.randrange(len(word))
            slip = rng.choice(["ضظذزسصتطقكحه", "", word[at] * 2, "غ"])
            typed = word[:at] + (rng.choice(slip) if len(slip) > 2 else slip) + word[at + 1 :]
            if at + 1 < len(word) and rng.random() < 0.25:
                typed = word[:at] + word[at + 1] + word[at] + word[at + 2 :]
            firsts = sorted({typed[0]} | set(_CONFUSED_WITH.get(typed[0], "")))
            every = [
                candidate
                for first in firsts
                for candidate in vocabulary.expand_prefix("terms", first)
                if abs(len(candidate) - len(typed)) <= 1 and candidate != typed
            ]
            if typed[1] not in firsts:
                swapped = vocabulary.expand_prefix("terms", typed[1] + typed[0])
                every += [candidate for candidate in swapped if len(candidate) == len(typed)]
            nearest = sorted(
                (cost, -vocabulary.doc_frequency("terms", candidate), candidate)
                for candidate, cost in zip(every, weighted_distances(typed, every), strict=True)
                if cost <= MAX_COST
            )[:MAX_CORRECTIONS]
            expected = [(cost, -negative, candidate) for cost, negative, candidate in nearest]
            assert corrections(vocabulary, typed) == expected, typed
            corrected += bool(expected)
        assert corrected > 100


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    """«المحكمة» in three paragraphs, «الرئيس» in two."""
    root = tmp_path_factory.mktemp("news")
    docs = write_corpus(root / "docs", {
        "court.txt": "قضت المحكمة الإدارية العليا بإلغاء القرار\n\n"
        "أجلت المحكمة النظر في القضية إلى الشهر المقبل\n\n"
        "استمعت المحكمة إلى شهادة الشهود",
        "government.txt": "أعلنت الحكومة عن خطة جديدة لدعم المزارعين\n\n"
        "قال الرئيس إن الحكومة ستواصل الإصلاحات\n\n"
        "استقبل الرئيس وفد الحكومة الجزائرية\n\nطالبت النقابة الحكومة برفع الأجور",
    })  # fmt: skip
    return build_index(root / "ix", docs)


@pytest.mark.parametrize("array_search", [True, False])
@pytest.mark.parametrize(
    ("typed", "meant", "total"),
    [("المحمكة", "المحكمة", 3), ("لامحكمة", "المحكمة", 3), ("الريئس", "الرئيس", 2)],
)
def test_did_you_mean_corrects_two_swapped_neighbours(
    news_index, array_search, typed, meant, total
):
    """Two neighbouring letters typed the other way round, the first two too; the
    suggestion is spelled as the texts write it, hamza on its seat."""
    with Index.open(news_index) as index:
        index.array_search = array_search
        results = index.search(typed)
        files = index.search_files(typed)
    assert results.total == 0
    assert results.suggestions == [{"query": meant, "total": total}]
    assert files.suggestions == results.suggestions


def test_did_you_mean_for_swapped_letters_on_stderr_and_in_json(run, news_index):
    assert_suggested(run, news_index, "المحمكة", "المحكمة", 3)


@pytest.fixture(scope="module")
def responsible_index(tmp_path_factory):
    """«مسؤول» written with its hamza on a waw in two paragraphs, on a ya in one."""
    root = tmp_path_factory.mktemp("responsible")
    docs = write_corpus(root / "docs", {
        "a.txt": "الإمام مسؤول مسؤول عن رعيته\n\nوالرجل مسؤول عن أهله",
        "b.txt": "والخادم مسئول عن مال سيده",
    })  # fmt: skip
    return build_index(root / "ix", docs)


@pytest.mark.parametrize("array_search", [True, False])
@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("=مسؤل", "=مسؤول"),
        ("=مسؤولل", "=مسؤول"),
        ('"=مسؤل عن"', '"=مسؤول عن"'),
        ("=مسؤل -رعيته", "=مسؤول -رعيته"),
        ("=مسؤل عن", "=مسؤول عن"),
    ],
)
def test_did_you_mean_corrects_an_exact_word_and_counts_it_exactly(
    responsible_index, array_search, typed, meant
):
    """A misspelt «=word» gets the word as its best paragraph writes it, still
    after «=», with the total that query finds: the paragraphs with «مسؤول», not
    the one with «مسئول»."""
    with Index.open(responsible_index) as index:
        index.array_search = array_search
        results = index.search(typed)
        files = index.search_files(typed)
        exact = index.search(meant)
        loose = index.search(meant.replace("=", ""))
    assert results.total == 0
    assert 0 < exact.total < loose.total
    assert results.suggestions == [{"query": meant, "total": exact.total}]
    assert files.suggestions == results.suggestions


@pytest.mark.parametrize("array_search", [True, False])
def test_did_you_mean_gives_an_exact_word_as_the_texts_write_it(responsible_index, array_search):
    """«=مسئول» where the texts mostly write «مسؤول» is no misspelling but another
    seat of the hamza: the suggestion is the word as its best paragraph writes it."""
    with Index.open(responsible_index) as index:
        index.array_search = array_search
        quoted = index.search('"=مسئول عن رعيته"')
        alone = index.search("=مسئول")
    assert quoted.total == 0
    assert quoted.suggestions == [{"query": '"=مسؤول عن رعيته"', "total": 1}]
    assert alone.total == 1
    assert alone.suggestions == [{"query": "=مسؤول", "total": 2}]


def test_did_you_mean_gives_a_quranic_exact_word_as_it_is_compared(tmp_path):
    """The mushaf writes «ٱلْكِتَـٰبُ» with a dagger alef (a mark) and an alef wasla:
    «=الكتاب» finds nothing there, and the suggestion is the word as «=» compares
    it, «=الكتب», not «=ٱلكتب» with a wasla no keyboard types."""
    docs = write_corpus(tmp_path / "docs", {
        "baqara.txt": "سورة البقرة\n\nذَٰلِكَ ٱلْكِتَـٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى لِّلْمُتَّقِينَ",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        results = index.search("=الكتاب")
        suggested = index.search("=الكتب")
    assert results.total == 0
    assert results.suggestions == [{"query": "=الكتب", "total": 1}]
    assert [hit.paragraph for hit in suggested] == [2]
    assert highlighted(suggested.hits[0]) == ["ٱلْكِتَـٰبُ"]


def test_did_you_mean_leaves_a_quranic_word_found_under_its_other_reading_alone(tmp_path):
    """«ٱلْعَـٰلَمِينَ» is indexed as «العلمين» and «العالمين»: «العالمين» finds the
    verse, and «العلمين», which also reaches «علم» and «عَلَمًا» through its stem,
    is the same written word, not a correction of it; a real slip is corrected."""
    docs = write_corpus(tmp_path / "docs", {
        "fatiha.txt": "سورة الفاتحة\n\nٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَـٰلَمِينَ",
        "hadith.txt": "طَلَبُ الْعِلْمِ فَرِيضَةٌ\n\nرَفَعَ الْجَيْشُ عَلَمًا أَبْيَضَ\n\nعُلِمَ ذَلِكَ مِنْ قَوْلِهِ",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        found = index.search("العالمين")
        slip = index.search("العالمن")
    assert [(hit.doc, hit.paragraph) for hit in found] == [("fatiha.txt", 2)]
    assert found.suggestions == []
    assert slip.total == 0 and slip.suggestions == [{"query": "العالمين", "total": 1}]


def test_an_exact_word_finds_the_mushaf_letters_it_is_suggested_as(tmp_path):
    """Uthmani spelling writes a و, a ى or «ءا» where standard spelling has an
    alef: «=» compares the letters «الصلوة», «التورىة», «القرءان», which must
    find the words, as the suggestion for the standard «=الصلاة» says."""
    docs = write_corpus(tmp_path / "docs", {
        "quran.txt": "وَأَقِيمُوا۟ ٱلصَّلَوٰةَ وَءَاتُوا۟ ٱلزَّكَوٰةَ\n\n"
        "إِنَّآ أَنزَلْنَا ٱلتَّوْرَىٰةَ فِيهَا هُدًى وَنُورٌ\n\n"
        "شَهْرُ رَمَضَانَ ٱلَّذِىٓ أُنزِلَ فِيهِ ٱلْقُرْءَانُ",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        found = {word: index.search(f"={word}") for word in ("الصلوة", "التورىة", "القرءان")}
        standard = index.search("=الصلاة")
    assert [highlighted(hit) for hit in found["الصلوة"]] == [["ٱلصَّلَوٰةَ"]]
    assert [highlighted(hit) for hit in found["التورىة"]] == [["ٱلتَّوْرَىٰةَ"]]
    assert [highlighted(hit) for hit in found["القرءان"]] == [["ٱلْقُرْءَانُ"]]
    assert standard.total == 0
    assert standard.suggestions == [{"query": "=الصلوة", "total": 1}]


def test_did_you_mean_leaves_an_excluded_exact_word_alone(responsible_index):
    with Index.open(responsible_index) as index:
        results = index.search("الإمام -=مسؤل")
        excluded = index.search("سيده -=مسؤول")
    assert results.total == 1 and results.suggestions == []
    assert excluded.total == 1 and excluded.suggestions == []


def test_did_you_mean_for_an_exact_word_on_stderr_and_in_json(run, responsible_index):
    assert assert_suggested(run, responsible_index, "=مسؤل", "=مسؤول", 2)["total"] == 0


def test_did_you_mean_leaves_numbers_alone(tmp_path):
    """A number is what the user means: «2020» is no slip for «2024», nor «20» for «21»;
    a word beside a number is still corrected."""
    docs = write_corpus(tmp_path / "docs", {
        "news.txt": "امتدت الأزمة خلال الفترة 2019-2020 ثم انتهت\n\n"
        "وقعت الاتفاقية عام ٢٠٢٤م في القاهرة\n\nعام2024م كان عاما حافلا\n\n"
        "زار الوزير القاهرة سنة 2024\n\nشهد القرن 21 تحولات كبيرة",
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        found = index.search("2020")
        missing = index.search("20")
        slip = index.search("القاهره 2020")
        slip_word = index.search("الغاهرة 2024")
    assert found.total == 1 and found.suggestions == []
    assert missing.total == 0 and missing.suggestions == []
    assert slip.total == 0 and slip.suggestions == []
    assert slip_word.total == 0 and slip_word.suggestions[0]["query"] == "القاهرة 2024"


def test_did_you_mean_keeps_the_dagger_alef_that_makes_the_word(tmp_path):
    """«الزکوٰۃ» reads «الزكاة» by its dagger alef: a suggestion without it
    («الزکوۃ») would find nothing, and suggest the very query typed."""
    docs = write_corpus(tmp_path / "docs", {
        "a.txt": "أقيموا الصَّلٰوۃَ وآتوا الزَّکوٰۃَ\n\nحَافِظُوا عَلَى الصَّلوٰۃِ الْوُسْطَى",
    })  # fmt: skip
    build_index(tmp_path / "ix", docs)
    with Index.open(tmp_path / "ix") as index:
        results = index.search("الزكوة")
        assert results.total == 0
        assert results.suggestions == [{"query": "الزکوٰۃ", "total": 1}]
        assert index.search(results.suggestions[0]["query"]).total == 1
        typed = index.search("الصلوۃ")
        # As the texts write it, the dagger alef kept: it finds both paragraphs.
        assert typed.total == 0
        assert typed.suggestions[0] == {"query": "الصلوٰۃ", "total": 2}
        assert index.search("الصلوٰۃ").total == 2
    assert all(found["query"] != "الصلوۃ" for found in typed.suggestions)
