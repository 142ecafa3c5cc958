"""Highlighting: which words of a hit are marked, and where its snippet is cut."""

import re

from searchidx import Index
from searchidx.search.highlight import _snap_start, html_snippet

from .conftest import highlighted, search


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
