"""Side files: written after each update, removed with their segment, and never
trusted when missing, cut short or another segment's: then Whoosh answers."""

import shutil
from array import array

import numpy as np

from searchidx import Index
from searchidx.search.rank_arrays import ArraySearcher
from searchidx.sidefiles import SUFFIX, SideFile, _low_bytes_and_high, load_side_file

from .conftest import SMALL_CORPUS, write_corpus


def side_files(index_path):
    return sorted(index_path.glob("*" + SUFFIX))


def hits(index, query):
    return [(hit.doc, hit.paragraph, hit.score) for hit in index.search(query)]


def uses_arrays(index) -> bool:
    with index._whoosh.reader() as reader:
        return ArraySearcher.open(index.path, reader) is not None


def test_every_segment_gets_a_side_file_and_info_says_so(small_index, run):
    assert len(side_files(small_index)) == 1
    with Index.open(small_index) as index:
        info = index.info()
        assert (info.segments, info.side_files) == (1, 1)
        assert uses_arrays(index)
    result = run("info", "--index", str(small_index))
    assert "side_files" in result.output


def test_side_files_of_merged_segments_are_removed_with_them(small_index, corpus):
    with Index.open(small_index) as index:
        (corpus / "aleppo.txt").write_text("قلعة حلب الشهباء\n", encoding="utf-8")
        index.update([corpus])
        assert len(side_files(small_index)) == index.info().segments == 2
        index._whoosh.writer().commit(optimize=True)
        index.update([corpus])  # nothing changed: writes only the merged segment's side file
        assert len(side_files(small_index)) == index.info().segments == 1
        assert [hit.doc for hit in index.search("حلب")] == ["aleppo.txt"]


def test_a_cut_short_side_file_is_ignored_and_rewritten(small_index, corpus):
    with Index.open(small_index) as index:
        expected = hits(index, "سوريا")
    [path] = side_files(small_index)
    cut = path.with_name("cut")
    cut.write_bytes(path.read_bytes()[:200])
    cut.replace(path)
    with Index.open(small_index) as index:
        assert not uses_arrays(index)
        assert index.info().side_files == 0
        assert hits(index, "سوريا") == expected  # answered by Whoosh
        index.update([corpus])
        assert uses_arrays(index)
        assert hits(index, "سوريا") == expected


def test_another_segments_side_file_is_not_used(tmp_path, corpus, small_index):
    other = tmp_path / "other"
    write_corpus(other, {"a.txt": SMALL_CORPUS["hadith.txt"]})
    with Index.create(tmp_path / "second") as second:
        second.update([other])
    [ours] = side_files(small_index)
    [theirs] = side_files(tmp_path / "second")
    shutil.copyfile(theirs, ours)
    segment_id = ours.name[: -len(SUFFIX)]
    assert load_side_file(small_index, segment_id, 1000) is None
    with Index.open(small_index) as index:
        assert not uses_arrays(index)
        assert index.search("سوريا").hits[0].doc == "news/syria.txt"


def test_an_index_without_side_files_is_searched_by_whoosh(small_index):
    for path in side_files(small_index):
        path.unlink()
    with Index.open(small_index) as index:
        assert not uses_arrays(index)
        assert index.search("العلم").hits[0].doc == "hadith.txt"


def test_deleted_paragraphs_never_come_back_through_not(tmp_path):
    # Whoosh's NOT lets through the deleted document right after the last
    # paragraph with the excluded word: here the deleted file's record.
    docs = write_corpus(
        tmp_path / "docs",
        {"a.txt": "عاد اللاجئون إلى سوريا\n\nقلعة حلب\n", "b.txt": "مدينة تدمر\n"},
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        (docs / "b.txt").unlink()
        index.update([docs])
        for array_search in (True, False):
            index.array_search = array_search
            results = index.search("NOT حلب")
            assert [hit.text for hit in results] == ["عاد اللاجئون إلى سوريا"]
            assert results.total == 1


def test_a_side_file_that_cannot_be_written_is_a_warning_not_a_failure(
    tmp_path, corpus, monkeypatch
):
    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("searchidx.index.writer.write_missing_side_files", disk_full)
    with Index.create(tmp_path / "ix") as index:
        report = index.update([corpus])
        assert report.added == 3
        [warning] = report.warnings
        assert "No space left on device" in warning.message
        assert not side_files(tmp_path / "ix")
        assert index.search("العلم").hits[0].doc == "hadith.txt"


def test_runs_of_positions_get_their_high_bytes_back():
    """Positions past 255 keep their high bytes in a sparse table whose type may be
    narrower than the runs' starts; every run reads back the positions stored."""
    rng = np.random.default_rng(4)
    stored = rng.integers(0, 256, 70_000)
    stored[rng.choice(60_000, 2_000, replace=False)] += 256 * rng.integers(1, 4, 2_000)
    stored[2**16 - 1] = 300  # the last wide value the table's type can place
    side = SideFile.__new__(SideFile)
    side._arrays = _low_bytes_and_high("positions", array("q", stored.tolist()))
    assert side["positions_high_at"].dtype == np.uint16  # starts pass its largest value
    starts = np.sort(rng.choice(69_990, 400, replace=False))
    counts = rng.integers(1, 10, 400)
    for order in (slice(None), slice(None, None, -1)):  # runs in any order
        runs = list(zip(starts[order], counts[order], strict=True))
        expected = np.concatenate([stored[start : start + count] for start, count in runs])
        found = side.gather_runs("positions", starts[order], counts[order])
        assert np.array_equal(found, expected)
