"""Ranking and results: order, totals, paging, context and the list of files."""

import pytest

from searchidx import Index
from searchidx.errors import QueryError

from .conftest import highlighted, search


@pytest.mark.parametrize("limit", [0, -1, None, 2.5, "5", True])
def test_limit_out_of_range_is_said_in_the_api_terms(greetings_index, limit):
    with pytest.raises(QueryError, match=r"^limit must be at least 1, not ") as raised:
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


def test_context_reads_past_deleted_versions_and_ids_out_of_order(tmp_path, monkeypatch):
    """Every paragraph within two of each hit, whatever the ids between them: an
    earlier version of the file (deleted documents), or ids out of paragraph order
    (then the whole file is read); a paragraph without words counts as one."""
    from searchidx.search import run

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
        files = run._files
        monkeypatch.setattr(run, "_files", lambda reader: (files(reader)[0], {
            path: ids[::-1] for path, ids in files(reader)[1].items()
        }))  # fmt: skip
        shuffled = index.search("سطر", limit=20, context=2).hits
        assert [(h.before, h.after) for h in shuffled] == [(h.before, h.after) for h in hits]
