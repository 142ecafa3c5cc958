"""Building, updating and rebuilding the index."""

import json
import os
import subprocess
import sys

import pytest

from searchidx import Index, ReaderOptions
from searchidx.errors import IncompatibleIndex, IndexNotFound, NotARoot, NothingToIndex
from searchidx.index.store import META_FILE

from .conftest import NOTES, SMALL_CORPUS, write_corpus


def paragraphs_of(index, doc):
    return sorted(hit.paragraph for hit in index.search(f"doc:{doc} NOT zzzz", limit=100))


def count(index, query):
    return index.search(query, limit=1000).total


def test_every_paragraph_is_indexed_with_title_and_doc(small_index):
    with Index.open(small_index) as index:
        info = index.info()
        assert (info.documents, info.paragraphs) == (3, 10)
        hit = index.search("حنبل").hits[0]
    assert (hit.doc, hit.paragraph, hit.title) == ("hadith.txt", 3, "بابُ العِلْمِ")
    assert hit.text == SMALL_CORPUS["hadith.txt"].split("\n\n")[2].strip()


def test_second_update_changes_nothing(small_index, corpus):
    with Index.open(small_index) as index:
        before = index.info()
        report = index.update([corpus])
        assert report.nothing_changed
        assert report.unchanged == 3
        assert index.info().paragraphs == before.paragraphs
        assert index.info().updated == before.updated


def test_update_adds_changes_and_removes_exactly_what_changed(small_index, corpus):
    (corpus / "news" / "syria.txt").write_text(
        "أخبار سوريا\n\nوصل الوفد الدولي إلى دمشق.\n", encoding="utf-8"
    )
    (corpus / "hadith.txt").unlink()
    (corpus / "new.txt").write_text("افتتح متحف الفن الإسلامي في الدوحة.\n", encoding="utf-8")
    with Index.open(small_index) as index:
        report = index.update([corpus])
        assert (report.added, report.changed, report.removed, report.unchanged) == (1, 1, 1, 1)
        assert count(index, "اللاجئون") == 0  # the old text of syria.txt is gone
        assert count(index, "دمشق") == 1
        assert count(index, "العلم") == 0  # hadith.txt is gone
        assert count(index, "الدوحة") == 1
        assert count(index, "المكتبة") == 3  # library.md untouched
        assert index.info().paragraphs == 2 + 1 + 3


def test_touched_but_identical_file_is_not_reindexed(small_index, corpus):
    path = corpus / "hadith.txt"
    os.utime(path, (1, 1))
    with Index.open(small_index) as index:
        report = index.update([corpus])
    assert report.nothing_changed and report.unchanged == 3


def test_update_without_paths_refreshes_indexed_folders(small_index, corpus):
    (corpus / "extra.txt").write_text("مدينة حلب القديمة\n", encoding="utf-8")
    with Index.open(small_index) as index:
        report = index.update()
        assert report.added == 1
        assert count(index, "حلب") == 1


def test_update_of_one_folder_leaves_the_others(tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("نهر النيل\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([corpus, other])
        (other / "a.txt").unlink()
        index.update([corpus])  # other/ not mentioned: its file stays
        assert count(index, "النيل") == 1
        index.update([other])
        assert count(index, "النيل") == 0


def test_rebuild_starts_from_empty(small_index, corpus, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("جبال الأطلس\n", encoding="utf-8")
    with Index.open(small_index) as index:
        report = index.rebuild([elsewhere])
        assert report.added == 1
        assert index.info().documents == 1
        assert count(index, "الأطلس") == 1
        assert count(index, "المكتبة") == 0
    assert sorted(os.listdir(tmp_path)) == ["docs", "elsewhere", "index"]


def test_open_missing_index(tmp_path):
    with pytest.raises(IndexNotFound, match="run `searchidx index PATH` first"):
        Index.open(tmp_path / "none")


def test_incompatible_index_says_how_to_rebuild_and_that_command_works(small_index, corpus):
    meta_path = small_index / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["format"] = 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IncompatibleIndex, match="--rebuild") as refused:
        Index.open(small_index)
    command = str(refused.value).split("`")[1].replace("PATH", str(corpus)).split()
    assert command[:4] == ["searchidx", "index", "--rebuild", "--index"]
    rebuilt = subprocess.run(
        [sys.executable, "-m", "searchidx", *command[1:]], capture_output=True, text=True
    )
    assert rebuilt.returncode == 0, rebuilt.stderr
    with Index.open(small_index) as index:
        assert index.search("حنبل").hits[0].path == str(corpus / "hadith.txt")


def test_info_reports_sizes_dates_and_roots(small_index, corpus):
    with Index.open(small_index) as index:
        info = index.info()
    assert info.size_bytes > 0
    assert info.created <= info.updated
    assert info.roots == [str(corpus)]
    assert info.version


def test_large_update_uses_parallel_writer_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("searchidx.index.writer.PARALLEL_MIN_BYTES", 1)
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(40):
        paragraphs = [f"الفقرة رقم {number}-{i} عن مدينة دمشق وأسواقها." for i in range(25)]
        (docs / f"{number:02}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        report = index.update([docs])
        assert report.paragraphs == 1000
        assert index.info().paragraphs == 1000
        assert count(index, "دمشق") == 1000


@pytest.mark.parametrize(
    ("word", "doc", "locator"),
    [
        ("الطغراء", "calligraphy-exhibition.html", "§ "),
        ("الفسيلة", "palm-planting-guide.md", "§ اختيار الفسيلة"),
        ("الصهاريج", "rainwater-harvesting-report.docx", "§ الصهاريج القديمة"),
        ("زنجبار", "zanzibar-voyage.epub", "chapter 1: الإبحار من مسقط"),
        ("عرقوب", "arabic-proverbs.jsonl", "record p01"),
        ("مراغة", "historic-observatories.csv", "record 1"),
        ("الباغوز", "baghouz-liberation-anniversary.txt", ""),
    ],
)
def test_bundled_corpus_indexes_every_format_with_locators(bundled_index, word, doc, locator):
    with Index.open(bundled_index) as index:
        hits = index.search(word).hits
    assert hits, word
    assert {hit.doc for hit in hits} == {doc}
    assert hits[0].locator.startswith(locator)
    assert all(hit.text[start:end] for hit in hits for start, end in hit.matches)


def test_unknown_types_are_noted_and_include_reads_them_as_text(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "server.log").write_text("انقطع الاتصال بالخادم\n", encoding="utf-8")
    (docs / "picture.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    with Index.create(tmp_path / "ix") as index:
        report = index.update([docs])
        assert report.ignored == {".log": 1, ".png": 1}
        assert count(index, "الخادم") == 0
        report = index.update([docs], options=ReaderOptions(include=("*.log",)))
        assert report.added == 1
        assert count(index, "الخادم") == 1


def docs_of(index, query):
    return sorted(hit.doc for hit in index.search(query))


def test_hidden_files_and_folders_are_counted_and_read_on_request(tmp_path):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    with Index.create(tmp_path / "ix") as index:
        report = index.update(notes)
        # The folder and the note; .profile is of no format searchidx reads.
        assert sorted(report.hidden) == [str(notes / ".drafts"), str(notes / ".secret.txt")]
        assert docs_of(index, "حلب") == ["visit.txt"]
        report = index.update(notes, options=ReaderOptions(hidden=True))
        assert (report.added, report.hidden, report.ignored) == (2, [], {"(none)": 1})
        assert docs_of(index, "حلب") == [".drafts/plan.md", ".secret.txt", "visit.txt"]
        # Each run's options decide which files belong: without hidden they go again.
        assert index.update(notes).removed == 2
        assert docs_of(index, "حلب") == ["visit.txt"]


def test_a_hidden_file_or_folder_named_as_a_root_is_indexed(tmp_path):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    with Index.create(tmp_path / "ix") as index:
        index.update([notes / ".secret.txt", notes / ".drafts"])
        assert docs_of(index, "حلب") == [".secret.txt", "plan.md"]


def test_files_over_max_file_bytes_are_reported_not_read(tmp_path):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    (notes / "long.txt").write_text("حلب الشهباء. " * 100, encoding="utf-8")  # 2,300 bytes
    with Index.create(tmp_path / "ix") as index:
        report = index.update(notes, options=ReaderOptions(max_file_bytes=1000))
        [note] = report.too_large
        assert (note.path, note.message) == (
            str(notes / "long.txt"),
            "larger than the 1000 bytes limit (2.2 KB)",
        )
        assert report.skipped == []
        assert docs_of(index, "الشهباء") == []
        assert index.update(notes).added == 1
        assert docs_of(index, "الشهباء") == ["long.txt"]


def test_one_index_object_sees_its_own_updates_and_rebuilds(small_index, corpus, tmp_path):
    with Index.open(small_index) as index:
        assert count(index, "حلب") == 0
        (corpus / "aleppo.txt").write_text("قلعة حلب\n", encoding="utf-8")
        index.update([corpus])
        assert count(index, "حلب") == 1
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "a.txt").write_text("قلعة حلب الشهباء\n", encoding="utf-8")
        index.rebuild([elsewhere])
        assert [hit.doc for hit in index.search("حلب")] == ["a.txt"]


def test_long_lived_index_sees_a_rebuild_and_an_update_by_another_process(
    small_index, corpus, tmp_path
):
    other = tmp_path / "other"
    other.mkdir()
    (other / "nile.txt").write_text("يفيض نهر النيل كل صيف.\n", encoding="utf-8")
    with Index.open(small_index) as index:
        assert count(index, "اللاجئون") == 1
        rebuilt = subprocess.run(
            [sys.executable, "-m", "searchidx", "index", "--rebuild", str(other)],
            env={**os.environ, "SEARCHIDX_INDEX": str(small_index)},
            capture_output=True,
            text=True,
        )
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert count(index, "اللاجئون") == 0
        assert count(index, "النيل") == 1
        assert index.info().roots == [str(other)]
        (other / "delta.txt").write_text("دلتا النيل خصبة.\n", encoding="utf-8")
        with Index.open(small_index) as writer:
            writer.update()
        assert count(index, "النيل") == 2
        assert index.info().documents == 2


def write_chapters(folder, count):
    folder.mkdir(exist_ok=True)
    for number in range(count):
        paragraphs = [
            f"الفصل {number}: قال الراوي في الفقرة {line} إن القافلة وصلت إلى دمشق."
            for line in range(30)
        ]
        (folder / f"chapter{number:02d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")


def test_deleted_paragraphs_are_merged_away_past_the_threshold_and_on_request(tmp_path):
    books = tmp_path / "books"
    write_chapters(books, 10)
    with Index.create(tmp_path / "ix") as index:
        index.update([books])
        # One chapter of ten changed: 10 % of the segment deleted, kept for now.
        (books / "chapter00.txt").write_text("فصل قصير عن حلب.\n", encoding="utf-8")
        index.update([books])
        info = index.info()
        assert info.deleted == 31  # 30 paragraphs and the file record
        # Three more: past a quarter of the first segment, which is rewritten.
        for number in (1, 2, 3):
            (books / f"chapter{number:02d}.txt").write_text("فصل قصير عن حمص.\n", encoding="utf-8")
        index.update([books])
        assert index.info().deleted == 0
        assert count(index, "حمص") == 3 and count(index, "حلب") == 1
        assert count(index, "القافلة") == 6 * 30
        (books / "chapter09.txt").write_text("فصل عن بغداد.\n", encoding="utf-8")
        index.update([books])
        assert index.info().deleted > 0
        index.update(optimize=True)
        info = index.info()
    assert (info.deleted, info.segments, info.paragraphs) == (0, 1, 5 * 30 + 5)


def test_vanished_root_is_dropped_on_refresh_and_a_root_can_be_forgotten(tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "nile.txt").write_text("يفيض نهر النيل كل صيف.\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(NothingToIndex, match="holds no folders yet"):
            index.update()
        index.update([corpus, other])
        assert index.info().roots == sorted([str(corpus), str(other)])
        (other / "nile.txt").unlink()
        other.rmdir()
        report = index.update()
        assert [(note.path, note.message) for note in report.forgotten] == [
            (str(other), "no longer exists; dropped its 1 file")
        ]
        assert count(index, "النيل") == 0 and index.info().roots == [str(corpus)]
        with pytest.raises(NotARoot, match="its roots: " + str(corpus)):
            index.forget(corpus / "news")
        assert index.forget(corpus).removed == 3
        assert (index.info().documents, index.info().roots) == (0, [])
