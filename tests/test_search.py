"""Search: what is found, in which order, and which words are highlighted."""

import pytest

from searchidx import Index
from searchidx.errors import QueryError


def search(index_path, query, **options):
    with Index.open(index_path) as index:
        return index.search(query, **options)


def highlighted(hit):
    return [hit.text[start:end] for start, end in hit.matches]


def test_sleeper_cells_with_heh_for_teh_marbuta(seed_index):
    results = search(seed_index, "الخلايا النائمه")
    assert results.total == 3
    assert [hit.paragraph for hit in results] == [4, 5, 9]
    assert highlighted(results.hits[0]) == ["الخلايا", "النائمة"]
    # ¶9 has «خلاياه» (its cells): a stem match, ranked below the exact ones.
    assert highlighted(results.hits[2]) == ["خلاياه", "النائمة"]


def test_unvocalized_query_finds_vocalized_paragraph_and_highlights_marks(small_index):
    results = search(small_index, "طلب العلم فريضة")
    hit = results.hits[0]
    assert hit.doc == "hadith.txt" and hit.paragraph == 2
    assert highlighted(hit) == ["طَلَبُ", "العِلْمِ", "فَرِيضَةٌ"]


def test_vocalized_query_finds_unvocalized_paragraph(small_index):
    results = search(small_index, "المَكْتَبَةُ الوَطَنِيَّةُ")
    assert {(hit.doc, hit.paragraph) for hit in results} == {
        ("news/library.md", 1),
        ("news/library.md", 2),
    }


def test_hamza_seat_variants_find_each_other(small_index):
    hit = search(small_index, "مسؤول").hits[0]
    assert highlighted(hit) == ["مسئول"]


def test_stem_finds_clitic_form_but_exact_spelling_ranks_first(small_index):
    results = search(small_index, "سوريا")
    assert [(hit.doc, hit.paragraph) for hit in results][:2] == [
        ("news/syria.txt", 1),
        ("news/syria.txt", 2),
    ]
    assert highlighted(results.hits[-1]) == ["بسوريا"]
    assert results.hits[-1].score < results.hits[1].score


def test_exact_match_outranks_stem_match_even_when_stem_match_is_denser(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "المكتبات المكتبات المكتبات في المدينة.\n\n"
        "زرت المكتبة القديمة في المدينة الكبيرة مع أصدقائي يوم الجمعة الماضي بعد الظهر.\n",
        encoding="utf-8",
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        results = index.search("المكتبة")
    assert [hit.paragraph for hit in results] == [2, 1]


def test_phrase_matches_words_in_order_only(small_index):
    assert [h.paragraph for h in search(small_index, '"المكتبة الوطنية"')] == [1, 2]
    assert search(small_index, '"الوطنية المكتبة"').total == 0


def test_or_not_and_grouping(small_index):
    either = search(small_index, "اللاجئون OR المخطوطات")
    assert {hit.doc for hit in either} == {"news/syria.txt", "news/library.md"}
    without = search(small_index, "المكتبة NOT المخطوطات")
    assert [hit.paragraph for hit in without] == [1, 3]
    grouped = search(small_index, "(اللاجئون OR الوفد) سوريا")
    assert sorted(hit.paragraph for hit in grouped) == [2, 3]


def test_all_words_by_default_any_on_request(small_index):
    assert search(small_index, "اللاجئون المخطوطات").total == 0
    assert search(small_index, "اللاجئون المخطوطات", match_any=True).total == 2


def found(results):
    return [(hit.doc, hit.paragraph) for hit in results]


SALAM_WITHOUT_ALAYKUM = [("letters.txt", 2), ("news/politics.txt", 2)]


@pytest.mark.parametrize("match_any", [False, True])
@pytest.mark.parametrize("query", ["السلام NOT عليكم", "السلام -عليكم"])
def test_not_and_leading_minus_exclude_also_with_any(greetings_index, query, match_any):
    results = search(greetings_index, query, match_any=match_any)
    assert sorted(found(results)) == SALAM_WITHOUT_ALAYKUM
    assert all("عليكم" not in hit.text for hit in results)


def test_any_keeps_doc_and_title_filters(greetings_index):
    results = search(greetings_index, "doc:news/politics.txt السلام", match_any=True)
    assert found(results) == [("news/politics.txt", 2), ("news/politics.txt", 3)]
    either = search(greetings_index, "الرئيس الصبر title:رسائل", match_any=True)
    assert found(either) == [("letters.txt", 3)]


def test_any_makes_only_the_words_alternatives(greetings_index):
    results = search(greetings_index, "الرئيس الصبر -عليكم", match_any=True)
    assert found(results) == [("news/politics.txt", 2)]
    grouped = search(greetings_index, "(الرئيس الوزير) doc:news/politics.txt", match_any=True)
    assert sorted(found(grouped)) == [("news/politics.txt", 2), ("news/politics.txt", 3)]
    excluded = search(greetings_index, "(الرئيس الوزير) -التحية", match_any=True)
    assert found(excluded) == [("news/politics.txt", 2)]


def test_leading_minus_excludes_a_phrase_and_a_document(greetings_index):
    assert sorted(found(search(greetings_index, 'السلام -"السلام عليكم"'))) == (
        SALAM_WITHOUT_ALAYKUM
    )
    assert found(search(greetings_index, "السلام -doc:news/politics.txt")) == [("letters.txt", 2)]


def test_hyphen_inside_a_number_or_word_is_not_a_minus(greetings_index):
    hit = search(greetings_index, "2019-2020").hits[0]
    assert (hit.doc, hit.paragraph) == ("news/politics.txt", 4)
    assert highlighted(hit) == ["2019", "2020"]
    # A dash between spaces is punctuation: both words must match.
    assert found(search(greetings_index, "السلام - الرئيس")) == [("news/politics.txt", 2)]


def test_arabic_question_mark_is_punctuation_not_a_wildcard(greetings_index):
    results = search(greetings_index, "ما السلام؟")
    assert results.total == 0  # «ما» is in no paragraph: the question mark changed nothing
    asked = search(greetings_index, "السلام؟")
    assert found(asked) == found(search(greetings_index, "السلام"))
    assert highlighted(asked.hits[0]) == ["السلامَ"]


@pytest.mark.parametrize("query", ["؟!", "،", "...", "?!", "«»", "- -", "؟"])
@pytest.mark.parametrize("match_any", [False, True])
def test_punctuation_only_queries_have_no_words(greetings_index, query, match_any):
    with pytest.raises(QueryError, match=r"^the query has no words to search for$"):
        search(greetings_index, query, match_any=match_any)


@pytest.mark.parametrize("limit", [0, -1, None, 2.5, "5", True])
def test_limit_out_of_range_is_said_in_the_api_terms(greetings_index, limit):
    with pytest.raises(QueryError, match=r"^limit must be at least 1, not ") as raised:
        search(greetings_index, "السلام", limit=limit)
    assert isinstance(raised.value, ValueError)


def test_prefix_query_highlights_expanded_words(small_index):
    # «والمخطوطات» starts with و, so only the stem field's prefix finds it.
    results = search(small_index, "المخطو*")
    assert [(hit.doc, hit.paragraph) for hit in results] == [("news/library.md", 2)]
    assert highlighted(results.hits[0]) == ["والمخطوطات"]


def test_doc_and_title_filters(small_index):
    assert {hit.doc for hit in search(small_index, "قال doc:news/syria.txt")} == {"news/syria.txt"}
    titled = search(small_index, "title:المكتبة قاعة")
    assert [(hit.doc, hit.paragraph) for hit in titled] == [("news/library.md", 2)]
    assert titled.hits[0].title == "المكتبة الوطنية"


def test_latin_and_arabic_mixed(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "mixed.txt").write_text(
        "أعلنت شركة Google عن خدمة جديدة.\n\nوقالت Apple إنها ستنافس.\n", encoding="utf-8"
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        hit = index.search("google شركة").hits[0]
    assert highlighted(hit) == ["شركة", "Google"]


def test_limit_and_total(seed_index):
    results = search(seed_index, "داعش", limit=2)
    assert len(results.hits) == 2
    assert results.total > 2
    assert [hit.rank for hit in results] == [1, 2]


def test_snippet_is_cut_at_sentence_or_word_boundaries(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    filler = "وتحدث المشاركون عن تاريخ المدينة وأسواقها القديمة. " * 12
    (docs / "long.txt").write_text(
        filler + "وفي الختام زار الوفد الجامع الأموي الكبير. " + filler, encoding="utf-8"
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        hit = index.search("الأموي").hits[0]
    assert "[الأموي]" in hit.snippet
    assert hit.snippet.startswith("…")
    start, end = hit.window
    assert hit.text[start:end].split()[0] in hit.text.split()
    assert len(hit.snippet) <= 260


@pytest.mark.parametrize(
    "query",
    ["", "   ", "*", "OR", "سوريا AND", "NOT", "kind:file", "س*", "x" * 1001],
)
def test_malformed_queries_raise_query_error(small_index, query):
    with pytest.raises(QueryError):
        search(small_index, query)


def test_total_counts_stem_matches_beyond_the_limit(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # Later paragraphs are shorter and so score higher, which lets Whoosh's
    # default collector drop the stem forms once its top ten are full.
    exact = [f"زار الوفد سوريا{' مرة أخرى' * (30 - n)}." for n in range(30)]
    by_stem = [f"وصل الوفد بسوريا في اليوم {n}." for n in range(10)]
    (docs / "a.txt").write_text("\n\n".join(exact + by_stem), encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        results = index.search("سوريا", limit=10)
    assert results.total == 40
    assert all(highlighted(hit) == ["سوريا"] for hit in results)


def test_hits_from_two_roots_with_the_same_file_name_say_which_file(tmp_path):
    for city, text in (
        ("aleppo", "سوق المدينة في حلب القديمة."),
        ("damascus", "سوق الحميدية في دمشق."),
    ):
        (tmp_path / city).mkdir()
        (tmp_path / city / "notes.txt").write_text(text + "\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([tmp_path / "aleppo", tmp_path / "damascus"])
        hits = index.search("سوق").hits
    assert [hit.doc for hit in hits] == ["notes.txt", "notes.txt"]
    assert sorted((hit.root, hit.path) for hit in hits) == [
        (str(tmp_path / "aleppo"), str(tmp_path / "aleppo" / "notes.txt")),
        (str(tmp_path / "damascus"), str(tmp_path / "damascus" / "notes.txt")),
    ]


@pytest.mark.parametrize(
    ("query", "docs"),
    [
        ("doc:news/ NOT zzzz", ["news/library.md", "news/syria.txt"]),
        ("doc:news NOT zzzz", ["news/library.md", "news/syria.txt"]),
        ("doc:news/syria.txt NOT zzzz", ["news/syria.txt"]),
        ("المدارس doc:news/", ["news/syria.txt"]),
        ("العلم doc:news/", []),
    ],
)
def test_doc_filter_takes_a_folder(small_index, query, docs):
    found = sorted({hit.doc for hit in search(small_index, query, limit=100)})
    assert found == docs
