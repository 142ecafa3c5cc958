"""Highlighting: which words of a hit are marked, and where its snippet is cut."""

import itertools
import json
import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from searchidx import Index, arabic
from searchidx.errors import QueryError
from searchidx.search import highlight
from searchidx.search.highlight import _snap_start, html_snippet
from searchidx.search.plan import QueryPlan

from .conftest import LIGATURE_SAYINGS, LIGATURES, build_index, highlighted, search, write_corpus


def test_unvocalized_query_finds_vocalized_paragraph_and_highlights_marks(small_index):
    results = search(small_index, "طلب العلم فريضة")
    hit = results.hits[0]
    assert hit.doc == "hadith.txt" and hit.paragraph == 2
    assert highlighted(hit) == ["طَلَبُ", "العِلْمِ", "فَرِيضَةٌ"]


def test_prefix_query_highlights_expanded_words(small_index):
    # «والمخطوطات» starts with و, so only the stem field's prefix finds it.
    results = search(small_index, "المخطو*")
    assert [(hit.doc, hit.paragraph) for hit in results] == [("news/library.md", 2)]
    assert highlighted(results.hits[0]) == ["والمخطوطات"]


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


def test_html_snippet_escapes_the_text_and_marks_the_words():
    text = "<b>قال الوزير</b> & مضى"
    start = text.index("الوزير")
    snippet = html_snippet(text, (0, len(text)), [(start, start + len("الوزير"))])
    assert snippet == "&lt;b&gt;قال <mark>الوزير</mark>&lt;/b&gt; &amp; مضى"


def test_snippet_of_a_long_paragraph_shows_the_stretch_with_most_query_words(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # «الجامع» alone many times, and once next to «الأموي»: the snippet is there.
    alone = "وصلى الناس في الجامع صلاة الجمعة. " * 20
    filler = "وتحدث المشاركون عن تاريخ المدينة وأسواقها القديمة. " * 6
    visit = "ثم زار الوفد الجامع الأموي في دمشق. "
    (docs / "long.txt").write_text(alone + filler + visit + filler + alone, encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        hit = index.search("الجامع الأموي").hits[0]
    assert "[الجامع] [الأموي]" in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert highlighted(hit).count("الجامع") == 41 and len(hit.matches) == 42


def test_snippet_keeps_every_word_of_the_stretch_it_was_chosen_for(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    # «الجامع» and «الأموي» about 220 characters apart: the context shown before
    # «الجامع» must not push «الأموي» out of the snippet.
    before = "وتحدث المشاركون عن تاريخ المدينة وأسواقها القديمة. " * 6
    between = "وهو أقدم المساجد وأكبرها وفيه أروقة واسعة ومآذن عالية " + (
        "وهو من أقدم المساجد وأكبرها وفيه أروقة واسعة ومآذن عالية " * 3
    )
    (docs / "long.txt").write_text(
        before + "زار الوفد الجامع " + between + "الأموي. " + before, encoding="utf-8"
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        hit = index.search("الجامع الأموي").hits[0]
    assert "[الجامع]" in hit.snippet and "[الأموي]" in hit.snippet
    assert len(hit.snippet) <= 260


def _window_by_counting(text, matches, size=highlight.SNIPPET_CHARS):
    """The snippet window as found by counting each stretch's distinct words, for
    every query (what snippet_window does when a hit has two words or more)."""
    if len(text) <= size:
        return (0, len(text))
    terms = [arabic.fold_term(text[start:end]) for start, end in matches]
    best_start, best_end, best_count = 0, 0, 0
    for at, (anchor, _) in enumerate(matches):
        covered = [
            terms[other] for other in range(at, len(matches)) if matches[other][1] <= anchor + size
        ]
        if len(set(covered)) > best_count:
            best_start, best_end, best_count = (
                anchor,
                matches[at + len(covered) - 1][1],
                len(set(covered)),
            )
    start = _snap_start(text, max(0, best_start - size // 4), best_start)
    end = highlight._snap_end(text, min(len(text), start + size))
    if end < best_end:
        lead = max(0, size - (best_end - best_start))
        start = _snap_start(text, max(0, best_start - lead), best_start)
        end = highlight._snap_end(text, min(len(text), start + size), best_end)
    return (start, end)


# A hit's words: «الله» written three ways, other words, and a «word» longer than
# a snippet (a run of letters with no space), which no window can hold.
_SNIPPET_WORDS = ["الله", "اللَّهُ", "اللہ", "قال", "حدثنا", "عن", "ب" * 300]


@given(st.lists(st.sampled_from(_SNIPPET_WORDS), min_size=1, max_size=120), st.data())
def test_snippet_window_of_one_word_is_the_window_counting_finds(words, data):
    # One word asked, however often the hit holds it: snippet_window takes the
    # first window that holds it; counting distinct words in every stretch says
    # the same. Two words asked go through the counting itself.
    text = ". ".join(" ".join(words[at : at + 7]) for at in range(0, len(words), 7))
    spans = list(zip(*arabic.position_spans(text)[1:], strict=True))
    asked = data.draw(st.sampled_from([{"الله"}, {"الله", "قال"}, {"ب" * 300}]))
    matches = [(start, end) for start, end in spans if arabic.fold_term(text[start:end]) in asked]
    assert highlight.snippet_window(text, matches) == _window_by_counting(text, matches)


def test_snippet_start_is_the_first_sentence_start_after_the_lead_in():
    # Sentence ends of several marks and spaces («؟!  »), one running across each
    # place a snippet's lead-in may start: the snippet starts where a scan of the
    # whole paragraph from its first letter says the next sentence starts.
    text = (
        "هل زار الوفد المدينة؟!  \n  نعم، زارها أمس. وتجول في أسواقها القديمة...  "
        "ثم عاد إلى الفندق؛ وفي الصباح سافر.\n\nوقال رئيس الوفد إن الزيارة كانت مثمرة!"
    )

    def first_sentence_start(start, anchor):
        ends = [m.end() for m in re.finditer(r"[.!?؟۔؛\n]+\s*", text[:anchor])]
        return next((end for end in ends if end >= start), None)

    for anchor in range(1, len(text) + 1, 5):
        for start in range(1, anchor + 1):
            expected = first_sentence_start(start, anchor)
            if expected is None:
                space = text.find(" ", start, anchor)
                expected = space + 1 if space != -1 else start
            assert _snap_start(text, start, anchor) == expected, (start, anchor)


# Words of every kind the highlighter folds: Uthmani and Indo-Pak spelling,
# clitics, tatweel, presentation forms, a bidi mark inside a word, a hamza mark
# written apart from its alef, and the vocative written together with a name.
VARIED_SPELLING = {
    "quran.txt": "ذَٰلِكَ ٱلْكِتَـٰبُ لَا رَيْبَ ۛ فِيهِ ۛ هُدًى لِّلْمُتَّقِينَ\n\n"
    "يَـٰمَرْيَمُ ٱقْنُتِى لِرَبِّكِ وَٱسْجُدِى\n\n"
    "قُلِ ٱللَّهُ يَبْدَؤُا۟ ٱلْخَلْقَ ثُمَّ يُعِيدُهُۥ\n",
    "indopak.txt": "قَالَ رَسُوْلُ اللّٰہِ صَلَّی اللّٰہُ عَلَیْہِ وَسَلَّمَ: اِقْرَؤُا الْکِتَابَ\n\n"
    "عَنْ ا\u0654بِی ہُرَیْرَۃَ قَالَ صَلّٰی بِنَا فِی الْمَسْجِدِ وَمَعَہُ کِتَابُہُ\n",
    "news.txt": "قرأ الطلاب الكـتـاب وكتابهم، ثم كتبوا عن \ufedf\ufe8e الكتب "
    "وعن كت\u200fاب مريم. يا مريم، هذا الكتاب لكِ.\n",
}


@pytest.fixture(scope="module")
def varied_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("varied")
    return build_index(root / "ix", write_corpus(root / "docs", VARIED_SPELLING))


def _fold_unabridged(word: str) -> tuple[str, ...]:
    if word.isascii():
        return (word.lower(),)
    return arabic._fold(unicodedata.normalize("NFKC", word.translate(arabic._BEFORE_NFKC)))


@pytest.mark.parametrize(
    ("query", "marks", "word"),
    [
        ("الكتاب", "rank", "ٱلْكِتَـٰبُ"),
        ("كتاب", "rank", "وكتابهم"),
        ("=الكتاب", "rank", "الكتاب"),
        ("الْكِتَابُ", "strict", "ٱلْكِتَـٰبُ"),
        ("كتا*", "rank", "الكـتـاب"),
        ("كتاب~", "rank", "کِتَابُہُ"),
        ("مريم", "rank", "يَـٰمَرْيَمُ"),
        ("يا مريم", "rank", "يَـٰمَرْيَمُ"),
        ("الله", "rank", "اللّٰہِ"),
        ("صلى", "rank", "صَلّٰی"),
        ("أبي هريرة", "rank", "ا\u0654بِی"),
        ("يبدأ", "rank", "يَبْدَؤُا۟"),
        ("لا", "rank", "\ufedf\ufe8e"),
        ("كتاب", "rank", "كت\u200fاب"),
    ],
)
def test_highlighted_words_are_those_of_the_unabridged_folding(
    varied_index, monkeypatch, query, marks, word
):
    results = search(varied_index, query, marks=marks)
    assert word in [w for hit in results.hits for w in highlighted(hit)]
    # Each word folded alone, every reading, as the highlighter did before it
    # looked kept terms up in one pass and folded plain words the short way.
    monkeypatch.setattr(highlight, "fold_words", lambda words: [None] * len(words))
    monkeypatch.setattr(highlight, "fold_readings", _fold_unabridged)
    unabridged = search(varied_index, query, marks=marks)
    assert [hit.to_dict() for hit in results.hits] == [hit.to_dict() for hit in unabridged.hits]


PHRASES = {
    "library.txt": "قرأتُ الكتابَ الجديدَ في المكتبة، ثم أعدتُ الكتابَ القديمَ إلى الرفّ "
    "الجديدِ.\n\n"
    "قال رسولُ الله صلى الله عليه وسلم: إنما الأعمال بالنيات، والله أعلم.\n"
}


@pytest.fixture(scope="module")
def phrases_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("phrases")
    return build_index(root / "ix", write_corpus(root / "docs", PHRASES))


def test_a_phrase_marks_its_words_where_they_stand_together(phrases_index):
    # Not the «الكتاب» of «الكتاب القديم», nor the «الجديد» of «الرف الجديد».
    (hit,) = search(phrases_index, '"الكتاب الجديد"').hits
    assert highlighted(hit) == ["الكتابَ", "الجديدَ"]
    assert hit.snippet.startswith("قرأتُ [الكتابَ] [الجديدَ] في المكتبة")
    (hit,) = search(phrases_index, '"رسول الله"').hits
    assert highlighted(hit) == ["رسولُ", "الله"]  # not «الله عليه», nor «والله»


def test_a_phrase_of_exact_or_vocalized_words_marks_them_where_it_stands(phrases_index):
    # «=» and strict diacritics test the written form; the phrase still says where.
    (hit,) = search(phrases_index, '"=الكتاب الجديد"').hits
    assert highlighted(hit) == ["الكتابَ", "الجديدَ"]
    (hit,) = search(phrases_index, '"الكتابَ الجديدَ"', marks="strict").hits
    assert highlighted(hit) == ["الكتابَ", "الجديدَ"]
    (hit,) = search(phrases_index, "=ﷺ").hits  # not the «الله» of «رسول الله»
    assert highlighted(hit) == ["صلى", "الله", "عليه", "وسلم"]


def test_a_word_asked_alone_too_is_marked_wherever_it_is(phrases_index):
    (hit,) = search(phrases_index, 'الله "رسول الله"').hits
    assert highlighted(hit) == ["رسولُ", "الله", "الله", "والله"]
    (hit,) = search(phrases_index, 'الكتاب "الرف الجديد"').hits
    assert highlighted(hit) == ["الكتابَ", "الكتابَ", "الرفّ", "الجديدِ"]


def test_words_near_each_other_are_marked_where_they_are_that_near(phrases_index):
    # «الكتابَ القديمَ إلى الرفّ الجديدِ»: that «الكتاب» and «الجديد» are 4 apart.
    for query in ('"الكتاب الجديد"~3', '"الجديد الكتاب"~3', '"=الكتاب الجديد"~2'):
        (hit,) = search(phrases_index, query).hits
        assert highlighted(hit) == ["الكتابَ", "الجديدَ"], query
        assert hit.snippet.startswith("قرأتُ [الكتابَ] [الجديدَ] في"), query
    (hit,) = search(phrases_index, '"الكتاب الجديد"~4').hits
    assert highlighted(hit) == ["الكتابَ", "الجديدَ", "الكتابَ", "الجديدِ"]
    (hit,) = search(phrases_index, 'الكتاب "الكتاب الجديد"~3').hits  # asked alone too
    assert highlighted(hit) == ["الكتابَ", "الجديدَ", "الكتابَ"]


def test_three_words_near_each_other_are_marked_as_a_chain(phrases_index):
    # «قال رسولُ الله صلى الله عليه وسلم: إنما الأعمال بالنيات، والله أعلم»: «ﷺ» is
    # one word of the chain, where its words stand together (not the «الله» of
    # «رسول الله»), and «الله» the one right after «ﷺ», not «والله» further on.
    (hit,) = search(phrases_index, '"قال ﷺ إنما"~3').hits
    assert highlighted(hit) == ["قال", "صلى", "الله", "عليه", "وسلم", "إنما"]
    (hit,) = search(phrases_index, '"رسول الأعمال"~7').hits  # 7 apart
    assert highlighted(hit) == ["رسولُ", "الأعمال"]


def test_a_word_of_a_chain_is_marked_only_with_the_chain_it_is_in(tmp_path):
    # «ولا سلام بعد الوزير» has «سلام» and «الوزير» near, but no «المنطقة» near
    # them (the last is 6 words back): neither is marked, not one of the two alone.
    text = (
        "الأمن في المنطقة مهم، قال الوزير إن الأمن والسلام في المنطقة واجب، "
        "وأما المنطقة البعيدة فلا أمن فيها ولا سلام بعد الوزير."
    )
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", {"a.txt": text}))
    for query in ('"الوزير السلام المنطقة"~3', '"الوزير السلام المنطقة"~4'):
        (hit,) = search(index, query).hits
        assert highlighted(hit) == ["المنطقة", "الوزير", "والسلام", "المنطقة"], query
    (hit,) = search(index, '"الأمن المنطقة الوزير"~3').hits  # not «أمن» of «فلا أمن»
    assert highlighted(hit) == ["الأمن", "المنطقة", "الوزير", "الأمن", "المنطقة"]


def test_words_each_near_some_of_the_others_are_not_a_chain(tmp_path):
    # «المنطقة الوزير» at the end is 5 words from «السلام», each within twice the
    # slop of it: near it as a whole, but no chain of words 1 to 3 apart.
    text = "قال الوزير إن السلام في المنطقة قريب، زار المنطقة الوزير نفسه."
    index = build_index(tmp_path / "ix", write_corpus(tmp_path / "docs", {"a.txt": text}))
    (hit,) = search(index, '"الوزير السلام المنطقة"~3').hits
    assert highlighted(hit) == ["الوزير", "السلام", "المنطقة"]


@given(
    st.lists(
        st.tuples(
            st.lists(st.integers(0, 40), min_size=1, max_size=6), st.sampled_from([0, 0, 1, 3])
        ),
        min_size=3,
        max_size=4,
    ),
    st.integers(1, 6),
)
def test_chained_spans_are_those_of_some_chain(items, slop):
    # Every choice of one span of each item (a word one place long, a ligature as
    # long as its words), tried: the chains of items 1 to ``slop`` apart, from
    # the last place of one to the first of the next, as a reader checks them.
    at = [sorted({(start, start + length) for start in starts}) for starts, length in items]
    expected = set()
    for chosen in itertools.product(*at):
        ordered = sorted(chosen)
        if all(0 < after[0] - before[1] <= slop for before, after in itertools.pairwise(ordered)):
            expected.update(chosen)
    assert highlight._chained(at, slop) == expected


def test_words_not_shown_together_are_marked_wherever_they_are():
    # The index found the phrase at positions the text's words do not show side by
    # side: marking nothing would leave the hit unexplained.
    phrase = ((frozenset({"الكتاب"}), None), (frozenset({"الجديد"}), None))
    plan = QueryPlan(None, {}, frozenset(), frozenset(), (), excludes=False, phrases=(phrase,))
    text = "الجديد من الكتب: الكتاب"
    spans = highlight.Highlighter(plan).matched_words(text)
    assert [text[start:end] for start, end in spans] == ["الجديد", "الكتاب"]
    items = tuple((word,) for word in phrase)
    near = QueryPlan(None, {}, frozenset(), frozenset(), (), excludes=False, near=((items, 1),))
    spans = highlight.Highlighter(near).matched_words(text)  # 3 apart, not 1
    assert [text[start:end] for start, end in spans] == ["الجديد", "الكتاب"]


# Word ligatures: «ﷺ» is found and marked for the words it stands for


@pytest.fixture(scope="module")
def ligatures_index(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("ligatures") / "docs", LIGATURES)
    return build_index(folder.parent / "index", folder)


def found(index_path, query, **options) -> list[int]:
    return sorted(hit.paragraph for hit in search(index_path, query, limit=50, **options))


@pytest.mark.parametrize(
    ("query", "paragraphs"),
    [
        ("صلى", [1, 2, 3, 4, 5, 7, 8, 9]),  # 5: «وصلى»
        ("وسلم", [1, 2, 3, 4, 7, 8, 9]),
        ('"صلى الله عليه وسلم"', [1, 2, 3, 4, 7, 8]),
        ('"رسول الله صلى الله عليه وسلم"', [1, 2, 4]),
        ("ﷺ", [1, 2, 3, 4, 7, 8]),  # typed, it is the phrase of its words
        ('"رسول الله ﷺ"', [1, 2, 4]),
        ('"وسلم قال"', [3, 4]),  # a phrase across the ligature's end
        ('"جل جلاله"', [6]),
        ('"الله جل"', [6]),
        ("ﷻ", [6]),
        ("محمد", [5]),  # a one-word ligature is its word
    ],
)
def test_a_word_ligature_is_found_by_its_words_and_phrases(ligatures_index, query, paragraphs):
    assert found(ligatures_index, query) == paragraphs


def test_letters_written_against_a_ligature_are_a_word_of_their_own(ligatures_index):
    # «اللهﷺقال»: «الله» and «قال» are found, «ﷲ» is «الله».
    assert {4, 5} <= set(found(ligatures_index, "الله"))
    assert 4 in found(ligatures_index, '"الله صلى"')
    assert 4 in found(ligatures_index, "=قال")


def test_the_ligature_is_marked_for_each_of_its_words_and_for_the_phrase(ligatures_index):
    # A phrase is marked where it stands: not the «الله» of «رسول الله».
    for query in ("صلى", "عليه", '"صلى الله عليه وسلم"', "ﷺ"):
        [hit] = [hit for hit in search(ligatures_index, query) if hit.paragraph == 1]
        assert highlighted(hit) == ["ﷺ"], query
    [hit] = [hit for hit in search(ligatures_index, '"صلى الله عليه وسلم"') if hit.paragraph == 2]
    assert highlighted(hit) == ["صلى", "الله", "عليه", "وسلم"]
    [hit] = [hit for hit in search(ligatures_index, '"رسول الله ﷺ"') if hit.paragraph == 4]
    assert highlighted(hit) == ["رسول", "الله", "ﷺ"]
    [hit] = [hit for hit in search(ligatures_index, "جلاله") if hit.paragraph == 6]
    assert highlighted(hit) == ["ﷻ"]


def test_json_matches_slice_the_ligature(run, ligatures_index):
    result = run("search", "وسلم", "--index", str(ligatures_index), "--format", "json")
    assert result.exit_code == 0, result.stderr
    hits = {hit["paragraph"]: hit for hit in json.loads(result.stdout)["hits"]}
    text = hits[3]["text"]
    assert [text[start:end] for start, end in hits[3]["matches"]] == ["ﷺ"]


def test_the_words_after_a_ligature_are_read_at_their_own_positions(ligatures_index):
    # The side files' written forms: the word right after «ﷺ» is the fifth after «النبي».
    assert found(ligatures_index, "عَلِمَ", marks="strict") == [7]
    assert found(ligatures_index, "عُلِّمَ", marks="strict") == [8]
    assert found(ligatures_index, '"وسلم عَلِمَ"', marks="strict") == [7]
    assert found(ligatures_index, '"النبي ﷺ =علم"') == [7, 8]


def test_proximity_counts_the_words_of_a_ligature(ligatures_index):
    # «رسول الله ﷺ: إنما»: «إنما» is six words after «رسول».
    assert 1 not in found(ligatures_index, '"رسول انما"~4')
    assert 1 in found(ligatures_index, '"رسول انما"~6')


@pytest.fixture(scope="module")
def sayings_index(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("sayings") / "docs", LIGATURE_SAYINGS)
    return build_index(folder.parent / "index", folder)


@pytest.mark.parametrize(
    ("query", "paragraphs"),
    [
        # From «ﷺ» (or its words spelled out) to «قال», in either order.
        ('"قال ﷺ"~3', [1, 2, 3, 4, 5, 6]),
        ('"ﷺ قال"~3', [1, 2, 3, 4, 5, 6]),
        ('"قال ﷺ"~2', [2, 3, 4, 5, 6]),
        ('"قال ﷺ"~1', [2, 4, 5, 6]),  # side by side, not «قال رسول الله ﷺ»
        ('"=قال ﷺ"~1', [2, 4, 5]),  # not «وقال»
        ('"قال =ﷺ"~1', [2, 4, 5, 6]),  # its letters are its words'
        ('"ﷻ الله"~2', [7, 8]),
        ('"الله ﷻ"~3', [7, 8, 9]),
        ('"ﷺ"~3', [1, 2, 3, 4, 5, 6]),  # alone: the phrase of its words
        ('"قال ﷺ"', [5]),  # a phrase: its words in order, right after «قال»
    ],
)
def test_a_ligature_is_one_word_of_a_proximity(sayings_index, query, paragraphs):
    assert found(sayings_index, query) == paragraphs


def test_a_ligature_in_a_proximity_is_marked_where_its_words_stand(sayings_index):
    # «قال رسول الله ﷺ»: not the «الله» of «رسول الله».
    marked = {hit.paragraph: highlighted(hit) for hit in search(sayings_index, '"قال ﷺ"~3')}
    assert marked[1] == ["قال", "ﷺ"]
    assert marked[3] == ["قال", "صلى", "الله", "عليه", "وسلم"]
    assert marked[6] == ["ﷺ", "وقال"]
    (hit,) = [hit for hit in search(sayings_index, '"ﷻ الله"~2') if hit.paragraph == 7]
    assert highlighted(hit) == ["الله", "ﷻ"]  # «قال الله ﷻ»


def test_a_ligature_in_a_proximity_with_exact_and_vocalized_words(ligatures_index):
    # 7 «عن النبي ﷺ عَلِمَ ما في الكتاب», 8 the same with «عُلِّمَ».
    assert found(ligatures_index, '"عَلِمَ ﷺ"~1', marks="strict") == [7]
    ranked = search(ligatures_index, '"عَلِمَ ﷺ"~1', limit=50)
    assert [hit.paragraph for hit in ranked] == [7, 8]  # compatible marks first
    assert found(ligatures_index, '"نبي ﷺ"~1') == [3, 7, 8]  # «النبي -ﷺ-» too
    assert found(ligatures_index, '"=نبي ﷺ"~1') == []  # each is «النبي» as written
    assert found(ligatures_index, '"=النبي ﷺ"~1') == [3, 7, 8]
    assert found(ligatures_index, '"قال =ﷺ"~1') == [3, 4]  # «-ﷺ- قال», «اللهﷺقال»


def test_an_exact_ligature_is_the_exact_phrase_of_its_words(ligatures_index):
    # Its letters are those of its words: 2 spells them out.
    assert found(ligatures_index, "=ﷺ") == [1, 2, 3, 4, 7, 8]
    assert found(ligatures_index, '"=ﷺ قال"') == [3, 4]
    assert found(ligatures_index, '"=اللهﷺ"') == [1, 2, 4]
    assert found(ligatures_index, '"=وسلم قال"') == [3, 4]


@pytest.mark.parametrize("query", ["ﷺ*", "ﷺ~", "اللهﷺ*", "صل?ﷺ"])
def test_a_wildcard_or_tilde_on_a_ligature_is_refused(ligatures_index, query):
    with pytest.raises(QueryError) as raised:
        search(ligatures_index, query)
    assert str(raised.value) == (
        f"'{query}': «ﷺ» is 4 words (صلى الله عليه وسلم), and * ? ~ apply to one word; "
        "write them apart, or the ligature alone"
    )


def test_a_long_paragraph_is_highlighted_alike_search_after_search(tmp_path, monkeypatch):
    # Long texts' words are kept from search to search (KeptWords): a kept text
    # must give the marks a fresh reading does, whatever the next query asks.
    kept = highlight.KeptWords(longest=2000, limit=5000)
    monkeypatch.setattr(highlight, "_KEPT_WORDS", kept)
    long = "قال رسول الله ﷺ: «إنما الأعمال بالنيات». ورواه البخاري ومسلم عن عمر بن الخطاب. " * 40
    short = "حدثنا عبد الله بن يوسف قال أخبرنا مالك عن نافع."
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "long.txt").write_text(f"{long}\n\n{short}\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        for query, words in [
            ("الأعمال", {"الأعمال"}),
            ("عمر", {"عمر"}),
            ('"البخاري عمر"~6', {"البخاري", "عمر"}),
        ]:
            for _ in range(2):  # read, then taken from what was kept
                hit = index.search(query).hits[0]
                assert hit.paragraph == 1 and set(highlighted(hit)) == words, query
                assert len(hit.matches) == 40 * len(words)
        assert list(kept._texts) == [long.strip()]  # the short paragraph is not kept
        assert set(highlighted(index.search("مالك").hits[0])) == {"مالك"}
    words, starts, ends = arabic.position_spans(long)
    assert kept.words(long) == (words, starts, ends, frozenset(words))
    kept.words(long.replace("عمر", "علي") + "؟")  # past the limit: the texts kept are let go
    assert len(kept._texts) == 1 and kept._characters <= kept.limit
