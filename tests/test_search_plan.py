"""Planning a query: which indexed forms each word expands to, the exact and stem tiers,
exclusions, prefixes, fuzzy words and proximity."""

import dataclasses
import random
import re
import time
from collections import Counter

import pytest
from whoosh import query

from searchidx import Index
from searchidx.arabic import strip_article
from searchidx.errors import QueryError
from searchidx.index.store import make_schema
from searchidx.search.plan import (
    EXACT_BONUS,
    FUZZY_FIXED_CHARS,
    MARKS_BONUS,
    MAX_FUZZY_EXPANSIONS,
    STEM_BONUS,
    ReaderVocabulary,
    build_plan,
)
from searchidx.search.query import MIN_FUZZY_CHARS, parse_query
from searchidx.search.written import WrittenTerm, WrittenTest

from .conftest import (
    INDO_PAK_SAYINGS,
    LOANWORD_NEWS,
    NAME_OF_GOD_SAYINGS,
    PRAYER_SAYINGS,
    SALAM_WITHOUT_ALAYKUM,
    TYPESET_VERSES,
    assert_clean_outcome,
    build_index,
    doc_paragraphs,
    highlighted,
    index_in_each_core,
    search,
    write_corpus,
)


@pytest.mark.slow
def test_prefix_with_thousands_of_words_answers_quickly(run, tmp_path):
    """سو* over a vocabulary of 2,500 words starting with سو: refused in one line or
    answered, within a couple of seconds."""
    letters = "بتثجحخدذرزسشصضطظعغفقكلمن"
    rng = random.Random(7)
    words = set()
    while len(words) < 2500:
        words.add("سو" + "".join(rng.choice(letters) for _ in range(4)))
    folder = tmp_path / "vocab"
    folder.mkdir()
    ordered = sorted(words)
    (folder / "words.txt").write_text(
        "\n\n".join(" ".join(ordered[i : i + 50]) for i in range(0, len(ordered), 50)),
        encoding="utf-8",
    )
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    started = time.perf_counter()
    result = run("search", "سو*", "--index", str(index_dir), "--format", "json")
    assert time.perf_counter() - started < 5
    assert_clean_outcome(result)
    if result.exit_code == 2:
        assert "سو*" in result.stderr


def test_sleeper_cells_with_heh_for_teh_marbuta(seed_index):
    results = search(seed_index, "الخلايا النائمه")
    assert results.total == 3
    assert [hit.paragraph for hit in results] == [4, 5, 9]
    assert highlighted(results.hits[0]) == ["الخلايا", "النائمة"]
    # ¶9 has «خلاياه» (its cells): a stem match, ranked below the exact ones.
    assert highlighted(results.hits[2]) == ["خلاياه", "النائمة"]


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


@pytest.mark.parametrize("match_any", [False, True])
@pytest.mark.parametrize("query", ["السلام NOT عليكم", "السلام -عليكم"])
def test_not_and_leading_minus_exclude_also_with_any(greetings_index, query, match_any):
    results = search(greetings_index, query, match_any=match_any)
    assert sorted(doc_paragraphs(results)) == SALAM_WITHOUT_ALAYKUM
    assert all("عليكم" not in hit.text for hit in results)


def test_leading_minus_excludes_a_phrase_and_a_document(greetings_index):
    assert sorted(doc_paragraphs(search(greetings_index, 'السلام -"السلام عليكم"'))) == (
        SALAM_WITHOUT_ALAYKUM
    )
    assert doc_paragraphs(search(greetings_index, "السلام -doc:news/politics.txt")) == [
        ("letters.txt", 2)
    ]


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


# Everyday news forms. Each paragraph is one line of a news file; the comment
# says which query it is there for.
NEWS = [
    "صرح وزير الخارجية اليوم بأن المفاوضات مستمرة منذ أسابيع طويلة مع الأطراف كلها.",  # 1
    "استقبل الوزير وفدا من رجال الأعمال.",  # 2 «وزير» by stem
    "ملأت الجدة الزير، ثم غطت الزير وجلست قرب الزير.",  # 3 «وزير» only as «و» + «زير»
    "أعلنت الوزارة عن خطة جديدة للتعليم.",  # 4
    "زار الرئيس المدينة القديمة وزار أسواقها.",  # 5 «وزارة» must not rank «زار» first
    "رفعت الشركة تقريرها للوزارة.",  # 6
    "سافر الطلاب إلى الخارج.",  # 7 «وسافر» finds «سافر»
    "تباع الألعاب في السوق، والألعاب رخيصة.",  # 8 «ألعاب»
    "عاب عليه الناس تأخره، وعاب عليه أصدقاؤه.",  # 9 «عاب» is not «ألعاب»
    "رسم الطفل بالألوان البيت.",  # 10 «ألوان»
    "سافر المنتخب لألمانيا أمس.",  # 11 «ألمانيا»
    "وصل القطار صباحاً إلى المحطة.",  # 12 tanween
    "أهدى المعلم كتاباً إلى كل طالب.",  # 13
    "قال المدير شكرا للحضور.",  # 14 tanween without the mark
    "تنشر الصحيفة تقريرا يومياً عن الطقس.",  # 15
    "تاب الرجل وتابا معا.",  # 16 «كتاباً» is not «ك» + «تابا»
    "انتقد المسؤولون الأمريكيون القرار.",  # 17 nisba
    "وصلت القوات الأمريكية إلى القاعدة.",  # 18
    "التقى الرئيس بالدبلوماسيين الأمريكيين.",  # 19
    "فاز المصريون بالمباراة وفرحت الجماهير المصرية.",  # 20
    "عاد السفير إلى لبنان بعد زيارة طويلة للعاصمة الفرنسية دامت أسبوعين كاملين.",  # 21
    "وصل الوفد للبنان.",  # 22
    "شربت اللبن، واللبن الطازج، ثم اللبن.",  # 23 «لبنان» only through «لبن» + «ان»
    "ذهب إلى الوزير الأمريكي لأجل الحدود.",  # 24
    "وتقول التقارير إن خلايا نائمة تعمل في المدينة منذ سنوات طويلة جدا وبلا توقف.",  # 25
    "فككت الشرطة الخلايا النائمة.",  # 26
    "نامت الخلايا ثم النائمة.",  # 27 words of the phrase, not in order
    "فتح الطالب الكتاب وقرأ.",  # 28 «الكتاب» shows that «كتابا» may be «كتاب» + tanween
]


@pytest.fixture(scope="module")
def news_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("news")
    summit = (
        "# اجتماع القمة العربية\n\nاتفق القادة على بيان ختامي.\n\n"
        "# اللقاء الثنائي\n\nناقش الطرفان التعاون.\n"
    )
    files = {"news.txt": "\n\n".join(NEWS) + "\n", "summit.md": summit}
    return build_index(root / "ix", write_corpus(root / "docs", files))


def news_paragraphs(index_path, query):
    return [hit.paragraph for hit in search(index_path, query, limit=50) if hit.doc == "news.txt"]


def test_initial_waw_of_the_word_ranks_its_forms_above_the_conjunction_reading(news_index):
    # Tiers: «وزير» itself, then «الوزير» (و is a letter: «الوزير» is indexed),
    # then «الزير» (water jar), reached only by reading و as «and», though denser.
    found = news_paragraphs(news_index, "وزير")
    assert found[:2] == [1, 2]
    assert found.index(3) > found.index(24) > found.index(1)


def test_waw_word_finds_its_cliticised_forms_and_ranks_the_false_root_last(news_index):
    found = news_paragraphs(news_index, "وزارة")
    assert set(found[:2]) == {4, 6}  # «الوزارة», «للوزارة»
    assert 5 not in found[:2]
    assert news_paragraphs(news_index, "وسافر") == [7, 11]
    assert {2, 24} <= set(news_paragraphs(news_index, "وزي*"))  # «الوزير» too


def test_hamza_alef_words_are_not_read_as_the_article(news_index):
    found = news_paragraphs(news_index, "ألعاب")
    assert found[0] == 8
    assert 9 not in found[:1]  # «عاب» (he blamed), denser, comes after if at all
    assert news_paragraphs(news_index, "ألوان") == [10]
    assert news_paragraphs(news_index, "ألمانيا") == [11]


@pytest.mark.parametrize(
    ("query", "paragraph", "word"),
    [
        ("صباح", 12, "صباحاً"),
        ("كتاب", 13, "كتاباً"),
        ("شكر", 14, "شكرا"),
        ("يومي", 15, "يومياً"),
    ],
)
def test_tanween_alef_is_not_part_of_the_word(news_index, query, paragraph, word):
    hits = {hit.paragraph: hit for hit in search(news_index, query) if hit.doc == "news.txt"}
    assert highlighted(hits[paragraph]) == [word]


def test_tanween_word_does_not_lose_its_first_letter_to_a_preposition(news_index):
    assert news_paragraphs(news_index, "كتاباً") == [13, 28]


@pytest.mark.parametrize(
    ("query", "paragraphs"),
    [("أمريكي", {17, 18, 19, 24}), ("مصري", {20}), ("الأمريكيون", {17, 18, 19, 24})],
)
def test_nisba_adjective_finds_its_plural_and_feminine_forms(news_index, query, paragraphs):
    assert set(news_paragraphs(news_index, query)) == paragraphs


def test_a_paragraph_with_several_stem_forms_stays_below_the_exact_spelling(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "قال سيدنا وسيدنا وسيدهم ولسيدكم كلاما.\n\n"
        "ثم جاءت سيدة من المدينة بعد أن طال انتظار الناس لها في السوق القديمة.\n",
        encoding="utf-8",
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        results = index.search("سيدة")
    assert [hit.paragraph for hit in results] == [2, 1]


def test_name_ending_in_an_ranks_above_a_shorter_word_it_contains(news_index):
    # «لبنان» itself, then «للبنان», then «اللبن» (milk) though it is denser.
    assert news_paragraphs(news_index, "لبنان") == [21, 22, 23]


def test_phrase_words_match_their_forms_in_order_exact_spelling_first(news_index):
    results = search(news_index, '"خلايا نائمة"')
    assert [hit.paragraph for hit in results] == [25, 26]
    assert highlighted(results.hits[1]) == ["الخلايا", "النائمة"]


def test_title_words_match_their_forms_and_title_phrases_work(news_index):
    titled = search(news_index, "title:قمة")
    assert {hit.title for hit in titled} == {"اجتماع القمة العربية"}
    assert {hit.doc for hit in search(news_index, 'title:"القمة العربية"')} == {"summit.md"}
    assert search(news_index, 'title:"العربية القمة"').total == 0


@pytest.mark.parametrize("title", ["title:صحيح", 'title:"صحيح البخاري"', "title:صحي*"])
def test_a_title_filter_marks_nothing_in_the_text(tmp_path, title):
    # The title matched, not the text's «صحيح»: only the text's own word is marked.
    files = {"bukhari.md": "# صحيح البخاري\n\nهذا حديث صحيح في العلم\n\nباب العلم والعمل\n"}
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    filtered = search(index, f"{title} العلم")
    assert [highlighted(hit) for hit in filtered] == [["العلم"], ["العلم"]]
    both = search(index, "صحيح العلم")
    assert [highlighted(hit) for hit in both] == [["صحيح", "العلم"]]


# Verses in Uthmani script, copied verbatim from the Tanzil Quran Text
# (Uthmani, version 1.1, Copyright (C) 2007-2026 Tanzil Project, https://tanzil.net,
# Creative Commons Attribution 3.0), one paragraph per verse.
UTHMANI_VERSES = [
    "ٱلْحَمْدُ لِلَّهِ رَبِّ ٱلْعَـٰلَمِينَ",  # 1 (1:2)
    "ٱلرَّحْمَـٰنِ ٱلرَّحِيمِ",  # 2 (1:3)
    "ذَٰلِكَ ٱلْكِتَـٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى لِّلْمُتَّقِينَ",  # 3 (2:2)
    "ٱلَّذِينَ يُؤْمِنُونَ بِٱلْغَيْبِ وَيُقِيمُونَ ٱلصَّلَوٰةَ وَمِمَّا رَزَقْنَـٰهُمْ يُنفِقُونَ",  # 4
    "أَلَآ إِنَّهُمْ هُمُ ٱلْمُفْسِدُونَ وَلَـٰكِن لَّا يَشْعُرُونَ",  # 5 (2:12)
    "وَٱلَّذِينَ كَفَرُوا۟ وَكَذَّبُوا۟ بِـَٔايَـٰتِنَآ أُو۟لَـٰٓئِكَ أَصْحَـٰبُ ٱلنَّارِ ۖ هُمْ فِيهَا خَـٰلِدُونَ",  # 6
    "وَأَقِيمُوا۟ ٱلصَّلَوٰةَ وَءَاتُوا۟ ٱلزَّكَوٰةَ وَٱرْكَعُوا۟ مَعَ ٱلرَّٰكِعِينَ",  # 7 (2:43)
    "وَٱتَّقُوا۟ يَوْمًا لَّا تَجْزِى نَفْسٌ عَن نَّفْسٍ شَيْـًٔا وَلَا يُقْبَلُ مِنْهَا شَفَـٰعَةٌ",  # 8
    "فَوَسْوَسَ إِلَيْهِ ٱلشَّيْطَـٰنُ قَالَ يَـٰٓـَٔادَمُ هَلْ أَدُلُّكَ عَلَىٰ شَجَرَةِ ٱلْخُلْدِ",  # 9
    "فَأَخْرَجَ بِهِۦ مِنَ ٱلثَّمَرَٰتِ رِزْقًا لَّكُمْ",  # 10 (from 2:22)
    "ءَأَنتُمْ تَخْلُقُونَهُۥٓ أَمْ نَحْنُ ٱلْخَـٰلِقُونَ",  # 11 (56:59)
    "وَٱلشُّعَرَآءُ يَتَّبِعُهُمُ ٱلْغَاوُۥنَ",  # 12 (26:224)
    "قُلِ ٱللَّهُ يَبْدَؤُا۟ ٱلْخَلْقَ ثُمَّ يُعِيدُهُۥ",  # 13 (from 10:34)
]


@pytest.fixture(scope="module")
def uthmani_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("uthmani")
    files = {"quran.txt": "\n\n".join(UTHMANI_VERSES) + "\n"}
    return build_index(root / "ix", write_corpus(root / "docs", files))


@pytest.mark.parametrize(
    ("query", "paragraphs", "word"),
    [
        ("العالمين", [1], "ٱلْعَـٰلَمِينَ"),  # dagger alef for a written alef
        ("الرحمن", [2], "ٱلرَّحْمَـٰنِ"),  # and where standard spelling has none
        ("ذلك الكتاب", [3], "ذَٰلِكَ"),
        ("الصلاة", [4, 7], "ٱلصَّلَوٰةَ"),  # و with dagger alef
        ("ولكن", [5], "وَلَـٰكِن"),
        ("بآياتنا", [6], "بِـَٔايَـٰتِنَآ"),  # hamza on tatweel, then ءا for آ
        ("أولئك", [6], "أُو۟لَـٰٓئِكَ"),
        ("وآتوا الزكاة", [7], "وَءَاتُوا۟"),
        ("شيئا", [8], "شَيْـًٔا"),
        ("الشيطان", [9], "ٱلشَّيْطَـٰنُ"),
        ("على", [9], "عَلَىٰ"),  # ى with dagger alef at the end
        ("به", [10], "بِهِۦ"),  # small waw
        ("الثمرات", [10], "ٱلثَّمَرَٰتِ"),
        ("أأنتم تخلقونه", [11], "ءَأَنتُمْ"),  # two hamzas at the start
        ("الغاوون", [12], "ٱلْغَاوُۥنَ"),  # small waw for a second waw
        ("يبدأ الخلق", [13], "يَبْدَؤُا۟"),  # a silent alef is the hamza's seat
    ],
)
def test_standard_spelling_finds_uthmani_script(uthmani_index, query, paragraphs, word):
    results = search(uthmani_index, query)
    assert sorted(hit.paragraph for hit in results.hits[: len(paragraphs)]) == paragraphs
    assert word in highlighted(results.hits[0])


def test_uthmani_readings_do_not_join_other_words(uthmani_index):
    assert search(uthmani_index, "الزكاة").total == 1  # not «ٱلصَّلَوٰةَ»
    assert search(uthmani_index, "شيا").total == 0  # the hamza on a tatweel is a letter
    assert search(uthmani_index, "الغاون").total == 0  # the small waw is a letter there
    assert search(uthmani_index, "يبدءا").total == 0
    assert [hit.paragraph for hit in search(uthmani_index, '"ذلك الكتاب"')] == [3]


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def name_of_god(request, tmp_path_factory):
    files = {"hadith.txt": "\n\n".join(NAME_OF_GOD_SAYINGS) + "\n"}
    yield from index_in_each_core(request, tmp_path_factory, files)


@pytest.mark.parametrize("query", ["الله", "لله", "بالله", "ﷲ"])
def test_the_name_of_god_finds_its_forms_with_their_clitics(name_of_god, query):
    """«الحمد لله», «أعوذ بالله», «فوالله», «تالله» are all «الله»'s, each marked
    where it stands; «اللهم», «له» and «إله» are other words. «لله» finds the
    forms of «الله» as «للكتاب» finds those of «الكتاب», its own spelling first."""
    results = name_of_god.search(query, limit=20)
    assert sorted(hit.paragraph for hit in results) == [1, 2, 3, 4, 5, 6, 7]
    marked = {hit.paragraph: highlighted(hit) for hit in results}
    assert marked[1] == ["لِلَّهِ"]
    assert marked[2] == ["بِاللَّهِ"]
    assert marked[3] == ["فَوَاللَّهِ"]
    assert marked[4] == ["تَاللَّهِ"]
    assert marked[5] == ["بِاللّٰہِ"]
    assert marked[6] == ["فَلِلّٰہِ"]
    assert marked[7] == ["اللَّهِ", "اللَّهُ"]
    if query == "لله":
        assert results.hits[0].paragraph == 1


def test_the_forms_of_the_name_of_god_are_no_other_words_forms(name_of_god):
    assert [hit.paragraph for hit in name_of_god.search("اللهم")] == [8]
    assert [hit.paragraph for hit in name_of_god.search("له")] == [9]
    assert [hit.paragraph for hit in name_of_god.search("إله")] == [10]
    assert name_of_god.search("بالله -الله").total == 0


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def indo_pak(request, tmp_path_factory):
    files = {"hadith.txt": "\n\n".join(INDO_PAK_SAYINGS) + "\n"}
    yield from index_in_each_core(request, tmp_path_factory, files)


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("الصلاة", {1: ["الصَّلوٰۃِ"], 2: ["الصَّلٰوۃِ"], 3: ["الصَّلَاةَ"]}),
        ("الزكاة", {2: ["الزَّکٰوۃِ"], 3: ["الزَّكَاةَ"]}),
        ("الحياة", {4: ["الْحَیٰوۃُ"]}),
        ("=الصلوۃ", {1: ["الصَّلوٰۃِ"], 2: ["الصَّلٰوۃِ"]}),  # the letters as written
        ("قوة", {5: ["قُوَّةٍ", "الْقُوَّةَ"]}),
        ("دعوة", {6: ["دَعْوَةَ"]}),
        ("العداوة", {7: ["ٱلْعَدَٰوَةَ"]}),
    ],
)
def test_standard_spelling_finds_indo_pak_spelling(indo_pak, query, marked):
    """«الصلاة» finds «الصَّلوٰۃِ» and «الصَّلٰوۃِ», its dagger alef and و an alef,
    and marks them; words whose «وة» is their own are found as before, and only."""
    results = indo_pak.search(query, limit=20)
    assert {hit.paragraph: highlighted(hit) for hit in results} == marked


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def spellings(request, tmp_path_factory):
    files = {
        "quran.txt": "\n\n".join(TYPESET_VERSES) + "\n",
        "hadith.txt": "\n\n".join(PRAYER_SAYINGS) + "\n",
        "news.txt": "\n\n".join(LOANWORD_NEWS) + "\n",
    }
    yield from index_in_each_core(request, tmp_path_factory, files)


def _marked(index, query) -> dict[tuple[str, int], list[str]]:
    return {(hit.doc, hit.paragraph): highlighted(hit) for hit in index.search(query, limit=20)}


@pytest.mark.parametrize(
    ("query", "paragraph", "marked"),
    [
        ("أولئك", 1, ["أُو۟لَـٰۤى\u0655\u0650كَ", "وَأُو۟لَـٰۤى\u0655\u0650كَ"]),
        ("الملائكة", 2, ["لِلۡمَلَـٰۤى\u0655\u0650كَةِ"]),
        ("إسرائيل", 3, ["إِسۡرَ\u200aٰ\u2060ۤءِیلَ"]),
        ("الثمرات", 4, ["ٱلثَّمَرَ\u200aٰ\u2060تِ"]),
        ('"من الثمرات رزقا"', 4, ["مِنَ", "ٱلثَّمَرَ\u200aٰ\u2060تِ", "رِزۡقࣰا"]),
        ("=الثمرت", 4, ["ٱلثَّمَرَ\u200aٰ\u2060تِ"]),  # its letters, the spaces aside
        ("السماوات", 5, ["سَمَـٰوَ\u200aٰ\u2060تࣲۚ"]),
        ('"لهما سوآتهما"', 6, ["لَهُمَا", "سَوۡءَ\u200aٰ\u2060\u200aتُهُمَا"]),
    ],
)
def test_standard_spelling_finds_typeset_quran_text(spellings, query, paragraph, marked):
    """The hamza of ئ below a ى is a seated hamza, and a hair space before a dagger
    alef (a word joiner after it) is inside the word: each word is found whole and
    marked whole, its marks and spaces as written."""
    assert _marked(spellings, query) == {("quran.txt", paragraph): marked}


@pytest.mark.parametrize(
    ("query", "marked"),
    [
        ("پسته", {1: ["الپسته"]}),
        ("الچاي", {1: ["والچاي"]}),
        ("گمرك", {2: ["الگمرک"]}),
        ("ڤيروس", {3: ["الڤيروس"]}),
        ("فيروس", {}),  # ڤ is a letter of its own
        ("چاي", {1: ["والچاي"]}),
        ("شاي", {4: ["الشاي"]}),
    ],
)
def test_loanwords_are_found_after_the_article_and_clitics(spellings, query, marked):
    assert _marked(spellings, query) == {("news.txt", n): words for n, words in marked.items()}


@pytest.mark.parametrize("query", ["صلاته", "صلاتي", "الصلاة", "صلاة"])
def test_teh_after_alef_before_a_pronoun_finds_the_teh_marbuta(spellings, query):
    """«صلاته» and «صلاتي» are «صلاة» with a pronoun (the index has «الصلاة»), and
    «الصلاة» finds them; «صلواتهم», a plural, is another word."""
    assert _marked(spellings, query) == {
        ("hadith.txt", 1): ["الصَّلاَةِ"],
        ("hadith.txt", 2): ["صَلاَةُ"],
        ("hadith.txt", 3): ["صَلاَتَهُ"],
        ("hadith.txt", 4): ["صَلاَتِي"],
    }
    assert set(_marked(spellings, "صلوات")) == {("hadith.txt", 5), ("quran.txt", 7)}


def _found(index, *queries) -> dict[str, list[tuple]]:
    """Each query's hits, by paragraph, with the words each highlights."""
    return {
        query: sorted((hit.paragraph, *highlighted(hit)) for hit in search(index, query))
        for query in queries
    }


def test_a_teh_marbuta_word_finds_it_before_a_one_letter_pronoun(tmp_path):
    """«رسالة» finds «رسالتك» and «برسالتي», «حكومة» «حكومته», «مدرسة» «مدرستي»
    (the index has «المدرسة»); «بيرو» (Peru) does not find «البيروتي»."""
    files = {
        "news.txt": "أعلنت حكومته خطة جديدة.\n\nوصلتني رسالتك أمس.\n\n"
        "زرت مدرستي القديمة.\n\nالمدرسة مغلقة اليوم.\n\nأكلنا في المطعم البيروتي.\n\n"
        "سافر الوفد إلى بيرو.\n\nكتبت برسالتي كل شيء.\n\nالحكومة اجتمعت.\n\n"
        "قرأ الرسالة بصوت عال.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    assert _found(index, "رسالة", "حكومة", "مدرسة", "بيرو") == {
        "رسالة": [(2, "رسالتك"), (7, "برسالتي"), (9, "الرسالة")],
        "حكومة": [(1, "حكومته"), (8, "الحكومة")],
        "مدرسة": [(3, "مدرستي"), (4, "المدرسة")],
        "بيرو": [(6, "بيرو")],
    }


def test_a_teh_of_the_word_itself_is_no_teh_marbuta(tmp_path):
    """Where the index has the word with its ت after the article («الوقت»,
    «البنت», «التوقيت»), the ت before a one-letter pronoun is its own: «بوقته»
    is «ب» + «وقت» + «ه», not «بوقة», so «بوق» (a horn) does not find it, nor
    «لبن» (milk) «لبنته» (to his daughter), nor «توق» (longing) «توقيته»."""
    files = {
        "news.txt": "ذهب بوقته كله في العمل.\n\nنفخ في البوق إيذانا بالبدء.\n\n"
        "أعطى لبنته هدية العيد.\n\nشرب الطفل اللبن.\n\n"
        "نقل عن توقيته للعملية أنه كان دقيقا.\n\nعبر الشاعر عن توقه إلى الوطن.\n\n"
        "ضاع الوقت في الانتظار.\n\nخرجت البنت إلى المدرسة.\n\nأعلن التوقيت الجديد.\n\n"
        "وصلتني رسالتك أمس.\n\nقرأ الرسالة.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    assert _found(index, "بوق", "لبن", "توق", "رسالة") == {
        "بوق": [(2, "البوق")],
        "لبن": [(4, "اللبن")],
        "توق": [(6, "توقه")],
        "رسالة": [(10, "رسالتك"), (11, "الرسالة")],
    }


def test_an_uthmani_query_word_finds_each_of_its_readings(tmp_path):
    """A word pasted from the mushaf is read as the index reads it: «ٱلْكِتَـٰبُ»
    is «الكتب» or «الكتاب», so it finds the book in standard spelling too, alone
    and in a phrase; «هَـٰذَا» is «هذا»; «الكاتب» is another word. The other
    reading is the word as written, not its stem forms: «صَلّٰی» (a dagger alef
    before its final ی) finds «صلى», not «الصلاة» through «صلاي»."""
    files = {
        "notes.txt": "هذا الكتاب مفيد للطلاب.\n\nقرأت الكتب كلها.\n\n"
        "ذلك الكتاب لا ريب فيه.\n\nالكاتب في مكتبه.\n\n"
        "صلى عليها الإمام.\n\nالصلاة عليها واجبة.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    results = search(index, "ٱلْكِتَـٰبُ")
    assert sorted(hit.paragraph for hit in results) == [1, 2, 3]
    assert {word for hit in results for word in highlighted(hit)} == {"الكتاب", "الكتب"}
    phrase = search(index, '"ذَٰلِكَ ٱلْكِتَـٰبُ"')
    assert [(hit.paragraph, highlighted(hit)) for hit in phrase] == [(3, ["ذلك", "الكتاب"])]
    assert [hit.paragraph for hit in search(index, "هَـٰذَا")] == [1]
    assert [hit.paragraph for hit in search(index, '"صَلّٰی عَلَیْہَا"')] == [5]


def test_an_uthmani_query_word_finds_the_forms_of_its_alef_reading(tmp_path):
    """Pasted from the mushaf, «ٱلْكِتَـٰبُ» finds what «الكتاب» finds in standard
    spelling: «كتاب», «بالكتاب»; «كِتَـٰبٌ» finds «الكتاب», «ٱلْعَـٰلَمِينَ» «للعالمين»."""
    files = {
        "notes.txt": "صدر كتاب جديد عن تاريخ المدينة.\n\nقرأ بالكتاب المقدس فصلا.\n\n"
        "وما أرسلناك إلا رحمة للعالمين.\n\nوأعد للكافرين عذابا مهينا.\n\n"
        "ذلك الكتاب لا ريب فيه.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    assert _found(index, "ٱلْكِتَـٰبُ", "كِتَـٰبٌ", "ٱلْعَـٰلَمِينَ", "ٱلْكَـٰفِرِينَ") == {
        "ٱلْكِتَـٰبُ": [(1, "كتاب"), (2, "بالكتاب"), (5, "الكتاب")],
        "كِتَـٰبٌ": [(1, "كتاب"), (2, "بالكتاب"), (5, "الكتاب")],
        "ٱلْعَـٰلَمِينَ": [(3, "للعالمين")],
        "ٱلْكَـٰفِرِينَ": [(4, "للكافرين")],
    }


def test_prayer_upon_the_prophet_in_indo_pak_spelling_is_no_prayer(tmp_path):
    """«صَلّٰی اللّٰہُ عَلَیْہِ وَسَلَّمَ» (hadith in Urdu letter forms) is «صلى»:
    «صلى» finds it, «الصلاة» does not."""
    files = {
        "hadith.txt": "قَالَ رَسُوْلُ اللّٰہِ صَلّٰی اللّٰہُ عَلَیْہِ وَسَلَّمَ: اَلدِّیْنُ النَّصِیْحَۃُ۔\n\n"
        "أقيمت الصلاة في المسجد.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    assert [hit.paragraph for hit in search(index, "الصلاة")] == [2]
    assert [hit.paragraph for hit in search(index, "صلى")] == [1]


def test_allah_in_indo_pak_spelling_is_no_governors(tmp_path):
    """«اللّٰہِ» (a dagger alef on its lam) is «الله»: «ولاة» (governors) does
    not find it, nor does it, pasted as a query, find «الولاة»."""
    files = {
        "hadith.txt": "قَالَ رَسُوْلُ اللّٰہِ صَلّٰی اللّٰہُ عَلَیْہِ وَسَلَّمَ: اَلدِّیْنُ النَّصِیْحَۃُ۔\n\n"
        "كتب عمر إلى الولاة أن يعدلوا بين الناس.\n\nوالله لا أفعل.\n"
    }
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", files))
    assert _found(index, "ولاة", "اللّٰہِ") == {
        "ولاة": [(2, "الولاة")],
        "اللّٰہِ": [(1, "اللّٰہِ", "اللّٰہُ"), (3, "والله")],
    }


# Sentences that each pair a word with a false look-alike.
TRIAL = [
    "أعلنت وزارة الصحة عن حملة تطعيم جديدة، وقالت الوزارة إنها مجانية.",  # 1 not «و» + «زار»
    "زار الطبيب قسم الصحة في المستشفى.",  # 2
    "تفاقمت الأزمة في السودان هذا العام.",  # 3 «السودان» is not «السود» + «ان»
    "مرت الأزمة كالأيام السود على المدينة.",  # 4
    "رسم الفنان المنظر بألوان زاهية.",  # 5 «ألوان»
    "اختار الفنان ألوان اللوحة وأن يرسم البحر.",  # 6
    "علم الجميع وأن الخبر صحيح.",  # 7 «وأن» is not a form of «ألوان»
    "قال وإن طال الزمن فسيعود.",  # 8
    "يشعر كثير من المرضى بألم مزمن.",  # 9 hamza-alef after ب
    "الألم شديد في الظهر.",  # 10
    "لم يحضر الطبيب اليوم.",  # 11 «لم» is not «ألم»
    "والذين كفروا بآياتنا أولئك أصحاب النار.",  # 12
    "تلا الإمام آيات من القرآن.",  # 13
    "وذكرهم بآيات الله.",  # 14
    "قال وزير الخارجية كلمة قصيرة.",  # 15 prefix «وزي*» as typed
    "اشترت الأسرة زيت الزيتون بعد زيارة السوق، ثم ملأت الزير.",  # 16 «و» + «زي*»
    "أهدى المعلم كتاباً إلى كل طالب.",  # 17 tanween
    "تاب الرجل وتابا معا.",  # 18
    "استقبل الوزير وفدا من التجار.",  # 19 «وزي*» after the article
]


@pytest.fixture(scope="module")
def trial_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("trial")
    files = {
        "trial.txt": "\n\n".join(TRIAL) + "\n",
        "summit.md": "# اجتماع القمة العربية\n\nاتفق القادة على بيان ختامي.\n",
    }
    return build_index(root / "ix", write_corpus(root / "docs", files))


def trial_paragraphs(index_path, query):
    hits = search(index_path, query, limit=50)
    return sorted(hit.paragraph for hit in hits if hit.doc == "trial.txt")


# «وصلتني» (I received) with what came: forms of «رسالة» of another stem reading
# («رسالتك»), the word itself, a phrase, the written «الكتاب» and other forms of
# «كتاب», and the look-alikes of TRIAL («وزارة» and «زار», «السودان» and «السود»).
RECEIVED = [
    "كتب إليه: السلام عليك يا صديقي، وصلتني رسالتك.",  # 1
    "وصلتني رسالة قصيرة من أخي.",  # 2
    "وصلتني رسائل الوزارة أمس.",  # 3
    "وصلتني دعوة من الوزير بعد أن زار المكتبة.",  # 4
    "وصلتني كتب جديدة، وقرأت الكتاب هناك.",  # 5
    "وصلتني بالكتاب الرسالة.",  # 6
    "وصلتني أخبار الأزمة في السودان.",  # 7
    "وصلتني صور الأيام السود.",  # 8
    "رسالة لم تصل بعد.",  # 9
]
EXCLUDED = [
    "رسالة",
    "رسالتك",
    '"السلام عليك"',
    "=الكتاب",
    "الكتاب",
    "كتا*",
    "رسالتك~",
    "زار",
    "السود",
]


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def received(request, tmp_path_factory):
    files = {"received.txt": "\n\n".join(RECEIVED) + "\n"}
    yield from index_in_each_core(request, tmp_path_factory, files)


def test_not_removes_every_paragraph_the_word_finds(received):
    assert sorted(hit.paragraph for hit in received.search("وصلتني -رسالة")) == [3, 4, 5, 7, 8]


@pytest.mark.parametrize("excluded", EXCLUDED)
@pytest.mark.parametrize("operator", ["-", "NOT "])
def test_a_query_without_a_word_is_its_hits_less_the_words(received, excluded, operator):
    def paragraphs(text):
        results = received.search(text, limit=50)
        assert results.total == len(results.hits)
        return {hit.paragraph for hit in results}

    found, removed = paragraphs("وصلتني"), paragraphs(excluded)
    assert removed & found, "the word finds some of the paragraphs"
    assert paragraphs(f"وصلتني {operator}{excluded}") == found - removed


def test_a_function_word_is_never_a_stem_form_of_another_word(trial_index):
    # «ألوان» stems to «وان», the letters of «وأن» (and that).
    assert trial_paragraphs(trial_index, "ألوان") == [5, 6]
    assert trial_paragraphs(trial_index, "وأن") == [6, 7, 8]  # «وإن» folds alike
    assert trial_paragraphs(trial_index, "ألوان -وأن") == [5]


def test_bundled_colours_do_not_find_and_that(bundled_index):
    for hit in search(bundled_index, "ألوان", limit=50):
        assert not {"وأن", "وإن"} & set(highlighted(hit)), hit.text


@pytest.mark.parametrize(
    ("query", "paragraphs", "word"),
    [
        ("ألم", [9, 10], "بألم"),
        ("آيات", [12, 13, 14], "بآيات"),
        ("آياتنا", [12, 13, 14], "بآياتنا"),
    ],
)
def test_hamza_alef_word_after_a_preposition_is_found(trial_index, query, paragraphs, word):
    assert trial_paragraphs(trial_index, query) == paragraphs
    assert any(word in highlighted(hit) for hit in search(trial_index, query))
    # «لم» (did not) shares letters with «ألم» but is not one of its forms.
    assert 11 not in trial_paragraphs(trial_index, query)


def test_prefix_ranks_words_that_start_with_it_first(trial_index):
    results = [hit for hit in search(trial_index, "وزي*") if hit.doc == "trial.txt"]
    assert [hit.paragraph for hit in results] == [15, 19, 16]
    assert highlighted(results[0]) == ["وزير"]
    assert highlighted(results[2]) == ["زيت", "الزيتون", "زيارة", "الزير"]
    # Excluded, the prefix drops every paragraph it finds, «و» + «زي*» too.
    assert trial_paragraphs(trial_index, "-وزي*") == [
        n for n in range(1, 20) if n not in (15, 16, 19)
    ]


def test_title_prefix_takes_the_article(trial_index):
    titled = search(trial_index, "title:قم*")
    assert {hit.title for hit in titled} == {"اجتماع القمة العربية"}
    assert search(trial_index, "title:قمح*").total == 0


def test_tanween_word_is_not_read_as_a_preposition_and_a_word(trial_index):
    # No «كتاب» or «الكتاب» in this index to show the alef is a tanween alef.
    assert trial_paragraphs(trial_index, "كتاباً") == [17]
    assert trial_paragraphs(trial_index, "تابا") == [18]


@pytest.mark.parametrize("array_search", [True, False])
def test_proximity_finds_words_within_n_positions_in_any_order(greetings_index, array_search):
    with Index.open(greetings_index) as index:
        index.array_search = array_search
        # «السلام عليكم ورحمة الله، بهذه التحية افتتح الوزير»: الوزير is 7 after السلام.
        near = index.search('"الوزير السلام"~7')
        too_far = index.search('"الوزير السلام"~6')
        reversed_pair = index.search('"عليكم السلام"~2')
    assert [(hit.doc, hit.paragraph) for hit in near] == [("news/politics.txt", 3)]
    assert highlighted(near.hits[0]) == ["السلام", "الوزير"]
    assert too_far.total == 0
    assert [(hit.doc, hit.paragraph) for hit in reversed_pair] == [("news/politics.txt", 3)]


def test_proximity_counts_clitic_forms(small_index):
    # «وصل الوفد الدولي بسوريا»: «سوريا» finds «بسوريا» within the window.
    results = search(small_index, '"سوريا الوفد"~3')
    assert [(hit.doc, hit.paragraph) for hit in results] == [("news/syria.txt", 3)]
    assert highlighted(results.hits[0]) == ["الوفد", "بسوريا"]


@pytest.mark.parametrize("array_search", [True, False])
def test_fuzzy_word_finds_a_misspelling_one_or_two_edits_away(seed_index, array_search):
    with Index.open(seed_index) as index:
        index.array_search = array_search
        one = index.search("الباغوس~")
        two = index.search("الباقوس~2")
        exact = index.search("الباغوس")
    assert exact.total == 0
    assert one.total == 6 and {highlighted(hit)[0] for hit in one} == {"الباغوز"}
    assert two.total == one.total
    assert search(seed_index, "الباقوس~").total == 0


@pytest.mark.parametrize("array_search", [True, False])
def test_fuzzy_word_finds_everything_the_word_finds(seed_index, array_search):
    """«سوريا~» keeps the word's stem forms («بسوريا») beside its misspellings."""
    with Index.open(seed_index) as index:
        index.array_search = array_search
        for word in ("سوريا", "الخلايا"):
            plain = index.search(word, limit=100)
            fuzzy = index.search(word + "~", limit=100)
            assert {(h.doc, h.paragraph) for h in plain} <= {(h.doc, h.paragraph) for h in fuzzy}
    marked = {word for hit in search(seed_index, "سوريا~", limit=100) for word in highlighted(hit)}
    assert "بسوريا" in marked


def test_fuzzy_ranks_the_word_as_written_first(seed_index):
    results = search(seed_index, "تنظيم~2", limit=50)
    assert "تنظيم" in highlighted(results.hits[0])
    # «تنفيذ» is two edits from «تنظيم» and is marked too.
    assert any("تنفيذ" in highlighted(hit) for hit in results)


# «علم~» over hadith clauses: the word, a stem form, a form of another reading, and
# near spellings only («عَلاَمَ», «عَلِمْتُ», «عَلَى»: one edit each).
FUZZY_TIERS = [
    "عَلاَمَ يَقْتُلُ أَحَدُكُمْ أَخَاهُ وَقَدْ عَلِمْتُ أَنَّهُ عَلَى الْحَقِّ",  # 1 near spellings
    "طَلَبُ الْعِلْمِ فَرِيضَةٌ عَلَى كُلِّ مُسْلِمٍ",  # 2 a stem form, and «عَلَى»
    "قَالَ عَلَّمْتُهُ الْقُرْآنَ",  # 3 a form of another reading
    "مَا لَهُمْ بِهِ مِنْ عِلْمٍ",  # 4 the word
]


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def fuzzy_tiers(request, tmp_path_factory):
    yield from index_in_each_core(request, tmp_path_factory, {"f.txt": "\n\n".join(FUZZY_TIERS)})


def test_fuzzy_word_ranks_its_own_forms_above_its_near_spellings(fuzzy_tiers):
    """The word as written, then its stem forms, then its other forms, then the
    paragraphs reached only through near spellings: three of them («عَلاَمَ»,
    «عَلِمْتُ», «عَلَى») outranked «الْعِلْمِ» when each added a stem form's bonus."""
    reader = fuzzy_tiers._whoosh.reader()
    try:
        plan = build_plan(parse_query("علم~", make_schema()), ReaderVocabulary(reader))
    finally:
        reader.close()
    assert dict(plan.bonuses) == {
        "علم": EXACT_BONUS,
        "علمته": 0.0,
        "العلم": STEM_BONUS,
        **dict.fromkeys(["علام", "علمت", "علي"], STEM_BONUS),
    }
    found = fuzzy_tiers.search("علم~")
    assert [(hit.paragraph, highlighted(hit)) for hit in found] == [
        (4, ["عِلْمٍ"]),
        (2, ["الْعِلْمِ", "عَلَى"]),
        (3, ["عَلَّمْتُهُ"]),
        (1, ["عَلاَمَ", "عَلِمْتُ", "عَلَى"]),
    ]
    # Without near spellings reached, the word ranks as it does without ~.
    assert [hit.score for hit in fuzzy_tiers.search("الحق~")] == [
        hit.score for hit in fuzzy_tiers.search("الحق")
    ]


def test_fuzzy_word_after_not_excludes(seed_index):
    every = search(seed_index, "داعش", limit=50)
    without = search(seed_index, "داعش -تنظيم~", limit=50)
    assert 0 < without.total < every.total
    # The word itself and «تنظيمه»-like forms one edit away are gone; «التنظيم» is two.
    assert all(re.search(r"(?<!\w)تنظيم\w?(?!\w)", hit.text) is None for hit in without)


class _Words(ReaderVocabulary):
    """A vocabulary of a few indexed words, without an index: what a plan needs of one
    (its lookups of many words at once are :class:`ReaderVocabulary`'s, one by one)."""

    def __init__(self, *words: str) -> None:
        self.words = sorted(words)

    def contains(self, fieldname: str, term: str) -> bool:
        return fieldname == "terms" and term in self.words

    def doc_frequency(self, fieldname: str, term: str) -> int:
        return int(self.contains(fieldname, term))

    def expand_prefix(self, fieldname: str, prefix: str):
        return (word for word in self.words if fieldname == "terms" and word.startswith(prefix))


def test_a_plan_ranks_the_word_then_its_stem_then_other_readings():
    vocabulary = _Words("وزير", "الوزير", "الزير", "وزارة", "كتاب")
    plan = build_plan(parse_query("وزير", make_schema()), vocabulary)
    assert dict(plan.bonuses) == {
        "وزير": EXACT_BONUS,
        "الوزير": STEM_BONUS,  # the same stem after the article
        "الزير": 0.0,  # «و» + «زير»: another reading only
    }
    assert plan.highlight == {"وزير", "الوزير", "الزير"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.highlight = frozenset()


class _CountingWords(_Words):
    """:class:`_Words` that counts the words it is asked about."""

    def __init__(self, *words: str) -> None:
        super().__init__(*words)
        self.asked = 0

    def contains(self, fieldname: str, term: str) -> bool:
        self.asked += 1
        return super().contains(fieldname, term)


def test_a_word_whose_stem_starts_thousands_of_words_plans_from_its_forms_only():
    """«وآله» stems to «اله» (after «و») or «وال» (its ه a pronoun): every word that
    starts with «وال» is a candidate, and those whose letters cannot give either
    stem («والدها», «والقلم») are dropped before their stems are looked up."""
    forms = ["واله", "اله", "الهه", "والاله", "الاله", "والهه", "لاله"]
    others = ["الهم", "والههم", "والد", "والده", "والدها"]
    letters = "بتثجحخدذرزسشصضطظعغفقلمن"
    rng = random.Random(3)
    words = set(forms + others)
    while len(words) < 2000:
        words.add("وال" + "".join(rng.choice(letters) for _ in range(rng.randint(2, 5))))
    vocabulary = _CountingWords(*words)
    plan = build_plan(parse_query("وآلہ", make_schema()), vocabulary)
    assert dict(plan.bonuses) == {
        "واله": EXACT_BONUS,
        **dict.fromkeys(["اله", "الهه", "والاله", "الاله", "والهه"], STEM_BONUS),
        "لاله": 0.0,  # «لال» + «ه» first, «ل» + «اله» second
    }
    assert vocabulary.asked < 200  # of about 10,000 before


def test_a_plan_highlights_no_word_after_not():
    plan = build_plan(parse_query("كتاب -الوزير", make_schema()), _Words("كتاب", "الوزير"))
    assert plan.highlight == {"كتاب"}
    assert plan.excludes


def test_a_plan_of_an_exact_word_restricts_its_folded_term_to_its_letters_in_the_top_tier():
    vocabulary = _Words("علي", "وعلي", "العلي")
    plan = build_plan(parse_query("=علي", make_schema()), vocabulary)
    letters = WrittenTest(letters="علي")
    assert plan.query == WrittenTerm("terms", "علي", letters)
    assert plan.query != WrittenTerm("terms", "علي", WrittenTest(letters="على"))
    assert dict(plan.bonuses) == {"علي": EXACT_BONUS}
    # Not «علي» whatever its spelling, which «على» is too: only words so written.
    assert plan.restricted == {("علي", letters)} and not plan.highlight
    only = build_plan(parse_query("=على", make_schema()), vocabulary)
    assert only.query == WrittenTerm("terms", "علي", WrittenTest(letters="على"))
    absent = build_plan(parse_query("=عثمان", make_schema()), vocabulary)
    assert absent.query is query.NullQuery and not absent.restricted


def test_a_plan_of_a_vocalized_exact_word_asks_for_its_letters_and_its_marks():
    vocabulary = _Words("علم")
    ranked = build_plan(parse_query("=عِلْم", make_schema()), vocabulary)
    letters = WrittenTest(letters="علم")
    both = WrittenTest(letters="علم", marks="عِلْم")
    assert ranked.query == query.AndMaybe(
        WrittenTerm("terms", "علم", letters),
        query.ConstantScoreQuery(WrittenTerm("terms", "علم", both), MARKS_BONUS),
    )
    strict = build_plan(parse_query("=عِلْم", make_schema()), vocabulary, "strict")
    assert strict.query == WrittenTerm("terms", "علم", both)
    assert strict.restricted == {("علم", both)}


def test_a_plan_of_a_phrase_with_an_exact_word_restricts_that_word_only():
    vocabulary = _Words("علي", "بن", "وبن")
    plan = build_plan(parse_query('"=على بن"', make_schema()), vocabulary)
    assert plan.query == query.Sequence(
        [WrittenTerm("terms", "علي", WrittenTest(letters="على")), query.Term("terms", "بن")]
    )
    assert (plan.query.slop, plan.query.ordered) == (1, True)
    absent = build_plan(parse_query('"=عثمان بن"', make_schema()), vocabulary)
    assert absent.query is query.NullQuery
    near = build_plan(parse_query('"=على بن"~3', make_schema()), vocabulary)
    assert (near.query.slop, near.query.ordered) == (3, False)


def test_a_plan_of_a_proximity_holds_a_ligature_as_the_phrase_of_its_words():
    # «"قال ﷺ"~3»: two words of the window, not five; as a phrase, «"قال ﷺ"» is five.
    eulogy = ("صلي", "الله", "عليه", "وسلم")
    vocabulary = _Words("قال", "وقال", *eulogy)
    plan = build_plan(parse_query('"قال ﷺ"~3', make_schema()), vocabulary)
    said = query.Or([query.Term("terms", "قال"), query.Term("terms", "وقال")])
    phrase = query.Sequence([query.Term("terms", word) for word in eulogy])
    assert plan.query == query.Sequence([said, phrase])
    assert (plan.query.slop, plan.query.ordered) == (3, False)
    assert (plan.query.subqueries[1].slop, plan.query.subqueries[1].ordered) == (1, True)
    # Highlighting reads two items, the second the ligature's four words.
    ((items, slop),) = plan.near
    assert [[sorted(forms) for forms, _ in item] for item in items] == [
        [["قال", "وقال"]],
        [[word] for word in eulogy],
    ]
    assert slop == 3
    phrase_of_five = build_plan(parse_query('"قال ﷺ"', make_schema()), vocabulary)
    assert [len(words) for words in phrase_of_five.phrases] == [5]
    assert not phrase_of_five.near


def _levenshtein(first: str, second: str) -> int:
    """The plain edit distance, computed in full: what a fuzzy word's reach is defined by."""
    previous = list(range(len(second) + 1))
    for row, char in enumerate(first, 1):
        current = [row]
        for column, other in enumerate(second, 1):
            substitute = previous[column - 1] + (char != other)
            current.append(min(previous[column] + 1, current[column - 1] + 1, substitute))
        previous = current
    return previous[-1]


def _fuzzy_by_definition(vocabulary, term: str, distance: int) -> dict[str, float] | str:
    """A fuzzy word's forms as defined: the word's own forms, then every indexed word
    sharing its fixed letters within ``distance`` edits, by tier; or "refused"."""
    fixed = term[: len(term) - len(strip_article(term, MIN_FUZZY_CHARS)) + FUZZY_FIXED_CHARS]
    forms = dict(build_plan(query.Term("terms", term), vocabulary).bonuses)
    near = {}
    for candidate in vocabulary.expand_prefix("terms", fixed):
        edits = _levenshtein(term, candidate)
        if edits <= distance:
            near[candidate] = (EXACT_BONUS, STEM_BONUS, 0.0)[edits]
    if len(near) > MAX_FUZZY_EXPANSIONS:
        return "refused"
    for candidate, bonus in near.items():
        forms.setdefault(candidate, bonus)
    return forms


@pytest.mark.parametrize("array_search", [True, False])
def test_fuzzy_words_reach_exactly_the_words_within_their_distance(bundled_index, array_search):
    """Over the bundled corpus' vocabulary: words with and without the article or a
    clitic, and the same with a typo, at one and two edits, find the same words in
    the same tiers and order as the edit distance computed over every word."""
    rng = random.Random(13)
    with Index.open(bundled_index) as index:
        index.array_search = array_search
        index.search("كتاب")  # opens the reader and its side files
        reader = index._reader
        arrays = index._array_searcher() if array_search else None
        vocabulary = arrays.vocabulary(reader) if arrays else ReaderVocabulary(reader)
        terms = [t for t in vocabulary.expand_prefix("terms", "") if len(t) >= 3 and t.isalpha()]
        clitics = [t for t in terms if t.startswith(("ال", "وال", "بال", "و", "ب", "ل", "ف"))]
        words = rng.sample(terms, 120) + rng.sample(clitics, 80)
        for word in list(words):
            at = rng.randrange(2, len(word))
            words.append(word[:at] + rng.choice("ضظذزسصتطقكحه") + word[at + 1 :])
            words.append(word[:at] + word[at + 1 :])
        outcomes = Counter()
        for word in words:
            if len(word) < MIN_FUZZY_CHARS:
                continue
            for distance in (1, 2):
                expected = _fuzzy_by_definition(vocabulary, word, distance)
                fuzzy = query.FuzzyTerm("terms", word, maxdist=distance)
                try:
                    found = list(build_plan(fuzzy, vocabulary).bonuses.items())
                except QueryError:
                    found = "refused"
                assert found == (expected if expected == "refused" else list(expected.items()))
                outcomes[expected == "refused" or len(expected) > 1] += 1
    # Most words reach others; a few short ones reach too many and are refused.
    assert outcomes[True] > 500


# A word ending in alef after ل: the preposition before a name (news), or the
# emphatic lam before a tanween alef (Quran, «إن لنا لأجرا»), told apart by the index.
LAM = [
    "زار الوزير سوريا أمس.",  # 1
    "قدمت المنظمة مساعدات لسوريا هذا العام.",  # 2
    "عاد الوفد من بسوريا.",  # 3
    "وقعت روسيا اتفاقا مع الصين، وقال المسؤول الروسي إنه مهم.",  # 4
    "أرسلت الحكومة وفدا لروسيا لبحث التعاون.",  # 5
    "سافر الطلاب إلى إيطاليا ثم فرنسا ثم أفريقيا.",  # 6
    "تصدّر الشركة النبيذ لإيطاليا والعطور لفرنسا والقمح لأفريقيا.",  # 7
    "قالوا إن لنا لأجرا إن كنا نحن الغالبين.",  # 8
    "وأعد لهم أجرا عظيما.",  # 9
    "ولهم أجر كريم.",  # 10
    "قال المدير إن لدينا خططا واضحة.",  # 11
    "نشرت الصحيفة مقالا عن الدين والدنيا.",  # 12
    "جاءوا ليتوبوا إلى الله.",  # 13
    "يتوبوا إلى ربهم.",  # 14
]


@pytest.fixture(scope="module")
def lam_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("lam")
    return build_index(root / "ix", write_corpus(root / "docs", {"lam.txt": "\n\n".join(LAM)}))


@pytest.mark.parametrize(
    ("query", "paragraphs", "word"),
    [
        ("سوريا", [1, 2, 3], "لسوريا"),  # «بسوريا» shows the alef is the name's own
        ("روسيا", [4, 5], "لروسيا"),  # «الروسي» beside it: no «روس» to make it a tanween form
        ("إيطاليا", [6, 7], "لإيطاليا"),
        ("فرنسا", [6, 7], "لفرنسا"),
        ("أفريقيا", [6, 7], "لأفريقيا"),
        ("يتوبوا", [13, 14], "ليتوبوا"),  # the ل of purpose before a verb
    ],
)
def test_a_name_ending_in_alef_finds_its_form_after_lam(lam_index, query, paragraphs, word):
    hits = search(lam_index, query)
    assert sorted(hit.paragraph for hit in hits) == paragraphs
    assert word in {form for hit in hits for form in highlighted(hit)}


@pytest.mark.parametrize(
    ("query", "paragraphs"),
    [
        ("أجرا", [8, 9, 10]),  # «لأجرا» is «أجر» + a tanween alef, as «أجرا» is
        ("أجر", [8, 9, 10]),
        ("دينا", [12]),  # «الدين»; «لدينا» is «لدى» + «نا», not «ل» + «دينا»
        ("لدينا", [11]),
    ],
)
def test_emphatic_lam_before_a_tanween_alef_stays_apart(lam_index, query, paragraphs):
    found = sorted(hit.paragraph for hit in search(lam_index, query))
    assert found == paragraphs
