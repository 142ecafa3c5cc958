"""Ranking and results: order, totals, paging, context and the list of files."""

import json
from itertools import pairwise

import pytest

from searchidx import Index
from searchidx.errors import QueryError

from .conftest import build_index, highlighted, search, write_corpus


@pytest.mark.parametrize("limit", [0, -1, None, 2.5, "5", True])
def test_limit_out_of_range_is_said_in_the_api_terms(greetings_index, limit):
    expected = r"^limit must be a whole number, 1 or more, not "
    with pytest.raises(QueryError, match=expected) as raised:
        search(greetings_index, "السلام", limit=limit)
    assert isinstance(raised.value, ValueError)


def test_limit_and_total(seed_index):
    results = search(seed_index, "داعش", limit=2)
    assert len(results.hits) == 2
    assert results.total > 2
    assert [hit.rank for hit in results] == [1, 2]


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
        files = index.search_files("سوق")
        (tmp_path / "aleppo" / "notes.txt").unlink()
        index.update([tmp_path / "aleppo", tmp_path / "damascus"])
        left = index.search_files("سوق")
    assert [hit.doc for hit in hits] == ["notes.txt", "notes.txt"]
    assert sorted((hit.root, hit.path) for hit in hits) == [
        (str(tmp_path / "aleppo"), str(tmp_path / "aleppo" / "notes.txt")),
        (str(tmp_path / "damascus"), str(tmp_path / "damascus" / "notes.txt")),
    ]
    # Listed by file, they are two files of one paragraph each, until one is deleted.
    assert sorted((f.path, f.root, f.doc, f.hits) for f in files) == [
        (str(tmp_path / city / "notes.txt"), str(tmp_path / city), "notes.txt", 1)
        for city in ("aleppo", "damascus")
    ]
    assert [(f.path, f.rank) for f in left] == [(str(tmp_path / "damascus" / "notes.txt"), 1)]


@pytest.mark.parametrize("array_search", [True, False])
def test_pages_follow_on_from_each_other(bundled_index, array_search):
    with Index.open(bundled_index) as index:
        index.array_search = array_search
        whole = index.search("في", limit=10)
        pages = index.search("في", limit=5).hits + index.search("في", limit=5, offset=5).hits
    assert whole.total > 10
    key = [(hit.rank, hit.doc, hit.paragraph, hit.score) for hit in whole]
    assert [(hit.rank, hit.doc, hit.paragraph, hit.score) for hit in pages] == key


def test_offset_past_the_last_hit_keeps_the_total(small_index):
    results = search(small_index, "سوريا", offset=50)
    assert results.hits == [] and results.total == 3


def test_context_gives_the_paragraphs_around_a_hit_in_its_file(small_index):
    hit = search(small_index, "الإعمار", context=1).hits[0]
    assert (hit.doc, hit.paragraph) == ("news/syria.txt", 3)
    assert hit.before == [{"paragraph": 2, "text": "عاد اللاجئون إلى سوريا بعد سنوات من الحرب."}]
    assert hit.after == [
        {"paragraph": 4, "text": "قال مسئول في وزارة التعليم إن المدارس ستفتح أبوابها."}
    ]
    # The first paragraph of a file has nothing before it; no other file leaks in.
    first = search(small_index, "باب", context=2).hits[0]
    assert (first.doc, first.paragraph) == ("hadith.txt", 1)
    assert first.before == [] and [row["paragraph"] for row in first.after] == [2, 3]


def test_no_context_asked_leaves_it_out_of_json(small_index):
    assert "before" not in search(small_index, "سوريا").hits[0].to_dict()
    assert search(small_index, "سوريا", context=1).hits[0].to_dict()["before"] is not None


@pytest.mark.parametrize("array_search", [True, False])
def test_files_lists_each_file_once_with_its_count_and_best_score(small_index, array_search):
    with Index.open(small_index) as index:
        index.array_search = array_search
        paragraphs = index.search("سوريا", limit=50)
        found = index.search_files("سوريا")
    assert [(f.doc, f.hits, f.rank) for f in found] == [("news/syria.txt", 3, 1)]
    assert found.total == 1 and found.paragraphs == paragraphs.total == 3
    assert found.files[0].score == paragraphs.hits[0].score
    assert found.files[0].path.endswith("news/syria.txt")


def test_files_are_ranked_by_their_best_paragraph_and_paged(small_index):
    with Index.open(small_index) as index:
        paragraphs = index.search("قال", limit=50)
        found = index.search_files("قال")
        second = index.search_files("قال", limit=1, offset=1)
    best_first = list(dict.fromkeys(hit.doc for hit in paragraphs))
    assert [f.doc for f in found] == best_first
    assert set(best_first) == {"hadith.txt", "news/syria.txt", "news/library.md"}
    counts = {doc: sum(hit.doc == doc for hit in paragraphs) for doc in best_first}
    assert {f.doc: f.hits for f in found} == counts
    assert [(f.rank, f.doc) for f in second] == [(2, best_first[1])] and second.total == 3


def test_context_reads_past_deleted_versions(tmp_path):
    """Every paragraph within two of each hit, though an earlier version of the
    file (deleted documents) holds the same paragraph numbers; a paragraph
    without words counts as one."""
    lines = [f"سطر رقم {n} من الملف" if n != 4 else "—" for n in range(1, 10)]
    (tmp_path / "docs").mkdir()
    notes = tmp_path / "docs" / "notes.txt"
    notes.write_text("\n\n".join(lines[:6]) + "\n", encoding="utf-8")

    def expected(paragraph):
        rows = [{"paragraph": n, "text": lines[n - 1]} for n in range(1, 10)]
        return (
            [row for row in rows if 0 < paragraph - row["paragraph"] <= 2],
            [row for row in rows if 0 < row["paragraph"] - paragraph <= 2],
        )

    with Index.create(tmp_path / "ix") as index:
        index.update([tmp_path / "docs"])
        notes.write_text("\n\n".join(lines) + "\n", encoding="utf-8")
        index.update([tmp_path / "docs"])
        hits = index.search("سطر", limit=20, context=2).hits
        assert {hit.paragraph: (hit.before, hit.after) for hit in hits} == {
            n: expected(n) for n in (1, 2, 3, 5, 6, 7, 8, 9)
        }


# A long file cut in batches when indexed in parallel, and a short one after it.
LONG_LINES = [f"الفقرة {n} من كتاب الرحلة الطويل" for n in range(1, 351)]
SHORT_LINES = ["سطر أول من الرسالة القصيرة", "سطر ثان من الرسالة القصيرة", "سطر أخير"]
# Records without titles, of 90, 130 and 40 paragraphs: told apart by their ids only.
RECORD_LINES = [[f"حكمة {n} من السجل {r}" for n in range(1, size + 1)] for r, size in
                enumerate((90, 130, 40))]  # fmt: skip


@pytest.fixture(scope="module")
def parallel_index(tmp_path_factory):
    """An index written by two processes: each writes the batches of 100 documents
    it takes into its own segment, so the paragraphs of a long file are in runs
    out of order, and the short file's follow one of the long file's runs. Which
    process takes which batch varies: the index is built again (a few times at
    most) until both long files are out of order."""
    import searchidx.index.writer as writer

    folder = tmp_path_factory.mktemp("parallel")
    records = [
        {"id": f"r{n}", "text": "\n\n".join(RECORD_LINES[n])} for n in range(len(RECORD_LINES))
    ]
    docs = write_corpus(folder / "docs", {
        "long.txt": "\n\n".join(LONG_LINES) + "\n",
        "short.txt": "\n\n".join(SHORT_LINES) + "\n",
        "sayings.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n",
    })  # fmt: skip
    original, writer.PARALLEL_MIN_BYTES = writer.PARALLEL_MIN_BYTES, 1
    try:
        for attempt in range(8):
            index_path = build_index(folder / f"ix{attempt}", docs)
            with Index.open(index_path) as index:
                orders = [paragraph_order(index, doc) for doc in ("long.txt", "sayings.jsonl")]
            if all(order != sorted(order) for order in orders):
                return index_path
    finally:
        writer.PARALLEL_MIN_BYTES = original
    raise AssertionError("every parallel build wrote the long files in order")


def paragraph_order(index, doc):
    """The ``(locator, paragraph)`` of each paragraph of ``doc``, in docnum order."""
    reader = index._whoosh.reader()
    try:
        fields = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
    finally:
        reader.close()
    return [(f["locator"], f["paragraph"]) for f in fields if f.get("doc") == doc]


def file_cuts(numbers):
    """The paragraphs (numbered as ``numbers``, in docnum order) not followed by the
    next one: the ends of a file's runs, the last docnum's included (the batches
    taken by one process may end with the file's first paragraphs)."""
    return [n for n, m in pairwise([*numbers, None]) if m != n + 1]


def expected_context(lines, paragraph, context):
    rows = [{"paragraph": n, "text": text} for n, text in enumerate(lines, 1)]
    return (
        [row for row in rows if 0 < paragraph - row["paragraph"] <= context],
        [row for row in rows if 0 < row["paragraph"] - paragraph <= context],
    )


def test_context_follows_a_file_indexed_in_parallel_across_its_runs(parallel_index):
    with Index.open(parallel_index) as index:
        order = paragraph_order(index, "long.txt")
        hits = index.search("الرحلة", limit=400, context=2).hits
    assert sorted(order) == [("", n) for n in range(1, 351)] and order != sorted(order)
    assert len(hits) == 350
    for hit in hits:
        assert (hit.before, hit.after) == expected_context(LONG_LINES, hit.paragraph, 2), hit
    # The file's first and last paragraphs, and where its batches were cut.
    by_paragraph = {hit.paragraph: hit for hit in hits}
    assert by_paragraph[1].before == [] and len(by_paragraph[1].after) == 2
    assert len(by_paragraph[350].before) == 2 and by_paragraph[350].after == []
    cuts = file_cuts([n for _, n in order])
    assert cuts and all(len(by_paragraph[n].after) == 2 for n in cuts if n < 349)


def test_context_at_the_end_of_a_file_in_runs_reads_no_more_of_it(parallel_index, monkeypatch):
    with Index.open(parallel_index) as index:
        order = [n for _, n in paragraph_order(index, "long.txt")]
        cut = next(n for n in file_cuts(order) if n < 348)
        read = stored_reads(index, monkeypatch)
        # Past a cut, the next paragraph is found through the file's runs.
        at_cut = [h for h in index.search(str(cut), context=2).hits if h.doc == "long.txt"]
        assert [row["paragraph"] for row in at_cut[0].after] == [cut + 1, cut + 2]
        assert len(read) < 100  # of the file's 350
        read.clear()
        index.search("350")
        without_context = len(read)
        read.clear()
        last = index.search("350", context=2).hits
    assert [(hit.paragraph, hit.after) for hit in last] == [(350, [])]
    assert [row["paragraph"] for row in last[0].before] == [348, 349]
    # The two before it (where they are, or where the file's runs say they are)
    # and the document after it; not the rest of the file.
    assert len(read) - without_context <= 3


def test_context_stays_in_its_record_in_a_file_indexed_in_parallel(parallel_index):
    with Index.open(parallel_index) as index:
        order = paragraph_order(index, "sayings.jsonl")
        hits = index.search("حكمة", limit=400, context=2).hits
    assert len(hits) == 260 and order != sorted(order)
    for hit in hits:
        lines = RECORD_LINES[int(hit.locator.removeprefix("record r"))]
        assert (hit.before, hit.after) == expected_context(lines, hit.paragraph, 2), hit


def test_context_never_takes_a_paragraph_of_the_file_next_in_the_index(parallel_index):
    with Index.open(parallel_index) as index:
        short = index.search("الرسالة", limit=10, context=5).hits
        last = index.search("الرحلة", limit=400, context=3).hits
    # More context than the file has: its own paragraphs only, on each side.
    assert [(hit.paragraph, hit.before, hit.after) for hit in short] == [
        (n, *expected_context(SHORT_LINES, n, 5)) for n in (1, 2)
    ]
    assert [row["text"] for row in short[0].after] == SHORT_LINES[1:]
    for hit in last:
        assert all(row["text"] in LONG_LINES for row in hit.before + hit.after)


def test_context_stays_in_the_record_of_a_hit(tmp_path):
    """A file of records numbers each record's paragraphs from 1: the paragraphs
    after a record's last are not the next record's of the next numbers."""
    records = [
        {"id": "p1", "title": "", "text": "مواعيد عرقوب\n\nوعد أخاه ثمر نخلة\n\nفلما أرطبت جذها"},
        {
            "id": "p2",
            "title": "",
            "text": "سبق السيف العذل\n\nوالعذل هو اللوم\n\nفلاموه\n\nفقال\n\nانتهى",
        },
    ]
    write_corpus(tmp_path / "docs", {
        "proverbs.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    })  # fmt: skip
    build_index(tmp_path / "ix", tmp_path / "docs")
    hit = search(tmp_path / "ix", "أرطبت", context=2).hits[0]
    assert (hit.paragraph, hit.locator) == (3, "record p1")
    assert [row["text"] for row in hit.before] == ["مواعيد عرقوب", "وعد أخاه ثمر نخلة"]
    assert hit.after == []
    second = search(tmp_path / "ix", "العذل", context=1).hits
    assert [(h.locator, h.paragraph, h.before, h.after) for h in second] == [
        ("record p2", 1, [], [{"paragraph": 2, "text": "والعذل هو اللوم"}]),
        ("record p2", 2, [{"paragraph": 1, "text": "سبق السيف العذل"}],
         [{"paragraph": 3, "text": "فلاموه"}]),
    ]  # fmt: skip


def test_context_stays_in_the_record_of_a_hit_where_records_share_an_id(tmp_path):
    """Records with one id (a collection's name, say) are still separate records:
    the paragraph after the last record's only one is not the first record's second."""
    records = [
        {"id": "الأمثال", "text": "مواعيد عرقوب\n\nوعد أخاه ثمر نخلة"},
        {"id": "الأمثال", "text": "سبق السيف العذل\n\nوالعذل هو اللوم"},
        {"id": "الأمثال", "text": "رجع بخفي حنين"},
    ]
    write_corpus(tmp_path / "docs", {
        "proverbs.jsonl": "\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n"
    })  # fmt: skip
    build_index(tmp_path / "ix", tmp_path / "docs")
    last = search(tmp_path / "ix", "حنين", context=2).hits
    assert [(h.locator, h.paragraph, h.before, h.after) for h in last] == [
        ("record الأمثال, line 3", 1, [], [])
    ]
    second = search(tmp_path / "ix", "السيف", context=2).hits
    assert [(h.locator, h.after) for h in second] == [
        ("record الأمثال, line 2", [{"paragraph": 2, "text": "والعذل هو اللوم"}])
    ]


def stored_reads(index, monkeypatch) -> list[int]:
    """The docnums whose stored fields the index's searches read from now on."""
    index.search("الكتاب")  # opens the reader
    read: list[int] = []
    reader_type = type(index._reader)  # one segment's, or the one over all segments
    original = reader_type.stored_fields
    monkeypatch.setattr(
        reader_type, "stored_fields", lambda self, n: read.append(n) or original(self, n)
    )
    return read


def test_context_reads_only_the_paragraphs_it_shows_where_they_are_in_place(tmp_path, monkeypatch):
    """Neighbours written one after the other are read where they are: the hit, its
    neighbours and, past the file's last paragraph, the next document; never the
    rest of the file."""
    lines = [f"الفقرة {n} من الكتاب" for n in range(1, 31)]
    lines[14] += " وفيها النخيل"
    lines[29] += " وفيها المطر"
    docs = write_corpus(tmp_path / "docs", {
        "book.txt": "\n\n".join(lines), "letter.txt": "رسالة قصيرة",
    })  # fmt: skip
    build_index(tmp_path / "ix", docs)
    with Index.open(tmp_path / "ix") as index:
        read = stored_reads(index, monkeypatch)
        middle = index.search("النخيل", context=2).hits[0]
        middle_reads = set(read)
        read.clear()
        last = index.search("المطر", context=2).hits[0]
    assert (middle.paragraph, middle.before, middle.after) == (15, *expected_context(lines, 15, 2))
    assert len(middle_reads) == 5
    assert (last.paragraph, last.before, last.after) == (30, *expected_context(lines, 30, 2))
    assert len(set(read)) <= 4


def per_file(found):
    return [(f.rank, f.path, f.hits, f.score) for f in found], found.total, found.paragraphs


def files_from_paragraphs(index, query):
    """What search_files must say, worked out from every matching paragraph:
    files in the order of their first hit, each with its count and best score."""
    everything = index.search(query, limit=100_000)
    first = {}
    for hit in everything:
        first.setdefault(hit.path, hit.score)
    counts = {path: sum(hit.path == path for hit in everything) for path in first}
    rows = [
        (rank, path, counts[path], score) for rank, (path, score) in enumerate(first.items(), 1)
    ]
    return rows, len(first), everything.total


FILE_QUERIES = ["في", "من", "قال", "الله", "النخل", "مطر", "عرقوب", "في OR الخط",
                "الماء NOT في", "NOT في", '"إلى قومه"', "=الخط", "كتاب~", "حيث*",
                "بريد"]  # fmt: skip


def test_files_are_the_same_through_both_cores_and_from_the_paragraphs(bundled_index):
    with Index.open(bundled_index) as index:
        for query in FILE_QUERIES:
            arrays = per_file(index.search_files(query, limit=100))
            index.array_search = False
            whoosh = per_file(index.search_files(query, limit=100))
            index.array_search = True
            assert arrays == whoosh == files_from_paragraphs(index, query), query
            page = per_file(index.search_files(query, limit=2, offset=1))
            assert page[0] == arrays[0][1:3], query


def test_files_after_updates_count_no_deleted_paragraph(tmp_path):
    # Files left alone, so that the changed ones' deleted paragraphs stay in their
    # segment rather than be merged away.
    others = {f"other{n}.txt": "\n\n".join(["أشجار النخيل"] * 8) for n in range(5)}
    docs = write_corpus(tmp_path / "docs", {
        "a.txt": "المطر غزير في الشتاء\n\nوالمطر قليل في الصيف\n\nالمطر نعمة",
        "b.txt": "نزل المطر على المدينة",
        "c.txt": "المطر والثلج في الجبال\n\nالمطر",
    } | others)  # fmt: skip
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        # A changed file (its old paragraphs deleted), a removed file, a new file.
        (docs / "a.txt").write_text("توقف المطر\n\nأشرقت الشمس", encoding="utf-8")
        (docs / "b.txt").unlink()
        (docs / "d.txt").write_text("المطر\n\nالمطر الغزير\n\nمطر الربيع", encoding="utf-8")
        index.update([docs])
        assert index._whoosh.reader().has_deletions()
        found = index.search_files("المطر", limit=10)
        index.array_search = False
        whoosh = index.search_files("المطر", limit=10)
        index.array_search = True
        expected = files_from_paragraphs(index, "المطر")
    assert per_file(found) == per_file(whoosh) == expected
    assert sorted((f.doc, f.hits) for f in found) == [("a.txt", 1), ("c.txt", 2), ("d.txt", 3)]
    assert (found.total, found.paragraphs) == (3, 6)
