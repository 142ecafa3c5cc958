"""Change planning: what an update adds, re-reads, changes and deletes, and nothing else."""

import json
import os
from pathlib import Path

import pytest

from searchidx import Index

from .conftest import (
    ARABIC,
    assert_earlier_found,
    found_paragraphs,
    lines_about,
    run_cli,
    total_found,
)

LATIN1_NOTE = (
    "Minutes of the meeting held in the library on Monday. The committee agreed to buy "
    "new shelves for the manuscripts room and to open the reading hall on Saturdays. "
    "The next meeting will be held at the café near the old gate.\n"
)


@pytest.mark.slow
def test_decodings_are_recorded_and_a_forced_encoding_rereads_only_what_differs(run, library):
    """Each file's decoding is recorded; --encoding re-reads the files recorded otherwise,
    stores the plausible readings and reports the implausible ones, keeping what they had."""
    folder, index_dir = library
    (folder / "legacy.txt").write_bytes(ARABIC.encode("cp1256"))
    (folder / "note.txt").write_bytes(LATIN1_NOTE.encode("latin-1"))
    first = run("index", str(folder), "--index", str(index_dir))
    assert first.exit_code == 0
    assert len(lines_about(first, "warning", folder / "note.txt")) == 1  # one damaged byte

    listing = run_cli("info", "--files", "--format", "json", "--index", str(index_dir))
    decodings = {Path(f["path"]).name: f["encoding"] for f in json.loads(listing.stdout)["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "utf-8"}
    table = run("info", "--files", "--index", str(index_dir)).stdout
    assert [str(folder / "legacy.txt"), "cp1256", "2"] in [
        line.split() for line in table.splitlines()
    ]

    forced = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert forced.exit_code == 0
    # Kept as it was, a file counts as unchanged, not skipped as well.
    assert "1 changed), 1 paragraph; 0 removed, 2 unchanged, 0 skipped" in forced.stderr
    [earlier] = lines_about(forced, "warning", folder / "earlier.txt")
    assert "decoded as latin-1 the text has" in earlier and "control" in earlier
    assert earlier.endswith("kept as indexed before (utf-8)")
    [legacy] = lines_about(forced, "warning", folder / "legacy.txt")
    assert "accented Latin ones" in legacy and legacy.endswith("(cp1256)")
    assert lines_about(forced, "skipped", folder / "note.txt") == []
    assert found_paragraphs(run, index_dir, "café") == [("note.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert found_paragraphs(run, index_dir, "اللاجئون") == [("legacy.txt", 1)]
    listing = json.loads(
        run("info", "--files", "--format", "json", "--index", str(index_dir)).stdout
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in listing["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "iso8859-1"}

    # The files kept in their own decoding are tried again and reported again; note.txt is not.
    again = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert "index is up to date: 3 files unchanged, 0 skipped" in again.stderr
    assert len(lines_about(again, "warning", folder / "earlier.txt")) == 1


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
        assert total_found(index, "اللاجئون") == 0  # the old text of syria.txt is gone
        assert total_found(index, "دمشق") == 1
        assert total_found(index, "العلم") == 0  # hadith.txt is gone
        assert total_found(index, "الدوحة") == 1
        assert total_found(index, "المكتبة") == 3  # library.md untouched
        assert index.info().paragraphs == 2 + 1 + 3


def test_touched_but_identical_file_is_not_reindexed(small_index, corpus):
    path = corpus / "hadith.txt"
    os.utime(path, (1, 1))
    with Index.open(small_index) as index:
        report = index.update([corpus])
    assert report.nothing_changed and report.unchanged == 3


def test_update_of_one_folder_leaves_the_others(tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.txt").write_text("نهر النيل\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([corpus, other])
        (other / "a.txt").unlink()
        index.update([corpus])  # other/ not mentioned: its file stays
        assert total_found(index, "النيل") == 1
        index.update([other])
        assert total_found(index, "النيل") == 0
