"""Side files: written after each update, removed with their segment, and never
trusted when missing, cut short or another segment's: then Whoosh answers."""

import json
import shutil
import subprocess
import sys
from array import array
from pathlib import Path

import numpy as np
import pytest

from searchidx import Index
from searchidx.arabic import fold_readings, position_words, written_form
from searchidx.search.rank_arrays import ArraySearcher
from searchidx.sidefiles import (
    SIDE_FILE_VERSION,
    SUFFIX,
    SideFile,
    _coded_arrays,
    _low_bytes_and_high,
    distinct,
    load_side_file,
    segment_readers,
)

from .conftest import EXACT_FOUND, EXACT_WORDS, SMALL_CORPUS, write_corpus


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


def outdated_index(index_path: Path, docs: Path) -> Path:
    """An index of ``docs`` whose one side file is of the format before this one; its path."""
    with Index.create(index_path) as index:
        index.update([docs])
    [path] = side_files(index_path)
    current = f'"version": {SIDE_FILE_VERSION},'.encode()
    older = f'"version": {SIDE_FILE_VERSION - 1},'.encode()
    path.write_bytes(path.read_bytes().replace(current, older, 1))
    return path


def test_side_files_of_an_older_format_are_left_to_whoosh_and_rewritten_by_the_next_update(
    tmp_path,
):
    """An index built before the forward index of written forms: its searches,
    ``=`` words included, are Whoosh's until an update rewrites its side files."""
    docs = write_corpus(tmp_path / "docs", EXACT_WORDS)
    outdated_index(tmp_path / "ix", docs)
    with Index.open(tmp_path / "ix") as index:
        assert not uses_arrays(index) and index.info().side_files == 0
        for text, paragraphs in EXACT_FOUND.items():
            assert sorted(hit.paragraph for hit in index.search(text)) == paragraphs, text
        index.update([docs])  # nothing changed in the files: the side file only
        assert uses_arrays(index) and index.info().side_files == 1
        for text, paragraphs in EXACT_FOUND.items():
            assert sorted(hit.paragraph for hit in index.search(text)) == paragraphs, text


def test_a_long_lived_index_takes_up_side_files_rewritten_by_another_process(tmp_path, run):
    """`searchidx serve` keeps its Index open: once `searchidx index` has rewritten
    the outdated side files (which commits nothing), its searches use them."""
    outdated_index(tmp_path / "ix", write_corpus(tmp_path / "docs", EXACT_WORDS))
    with Index.open(tmp_path / "ix") as index:
        [(text, paragraphs)] = list(EXACT_FOUND.items())[:1]
        assert sorted(hit.paragraph for hit in index.search(text)) == paragraphs
        assert index._arrays is False  # Whoosh's matchers answered
        assert run("index", "--index", str(tmp_path / "ix")).exit_code == 0
        assert sorted(hit.paragraph for hit in index.search(text)) == paragraphs
        assert index._arrays, "the rewritten side files are not used"


def test_info_says_which_side_files_are_outdated_or_missing_and_what_to_do(tmp_path, run):
    """Not just a count: what is wrong, that searches are slower, and the command."""
    index_path = tmp_path / "ix"
    path = outdated_index(index_path, write_corpus(tmp_path / "docs", EXACT_WORDS))

    def side_files_row() -> str:
        result = run("info", "--index", str(index_path))
        assert result.exit_code == 0
        [row] = [line for line in result.output.splitlines() if line.startswith("side_files")]
        return row.removeprefix("side_files").strip()

    advice = f"searches are slower until `searchidx index --index {index_path}` rewrites them"
    assert side_files_row() == f"0 of 1 segments (1 of an older format or damaged): {advice}"
    shown = json.loads(run("info", "--index", str(index_path), "--format", "json").output)
    assert (shown["side_files"], shown["outdated_side_files"]) == (0, 1)
    path.unlink()
    assert side_files_row() == f"0 of 1 segments (1 missing): {advice}"
    rewritten = run("index", "--index", str(index_path))
    assert rewritten.exit_code == 0, rewritten.output
    # Not just «up to date»: the run wrote something, and says what.
    assert "; search side files rewritten for 1 segment (" in rewritten.output
    assert side_files_row() == "1"
    again = run("index", "--index", str(index_path))
    assert "index is up to date: 1 file unchanged, 0 skipped (" in again.output
    optimized = run("index", "--optimize", "--index", str(index_path))
    assert "index is up to date: 1 file unchanged, 0 skipped (" in optimized.output


def test_a_search_on_outdated_side_files_says_it_is_slower_and_what_to_do(tmp_path, run):
    """The same paragraphs on Whoosh's matchers, and one note on stderr until the rewrite."""
    index_path = tmp_path / "ix"
    outdated_index(index_path, write_corpus(tmp_path / "docs", EXACT_WORDS))
    note = (
        "searchidx: note: this index's search side files are missing or of an older format, "
        f"so searches are slower; `searchidx index --index {index_path}` rewrites them"
    )

    def search() -> tuple[list[int], str]:
        result = run("search", "=علي", "--index", str(index_path), "--format", "json")
        assert result.exit_code == 0, result.output
        paragraphs = [hit["paragraph"] for hit in json.loads(result.stdout)["hits"]]
        return sorted(paragraphs), result.stderr.strip()

    before, warned = search()
    assert warned == note
    assert run("index", "--index", str(index_path)).exit_code == 0
    assert search() == (before, "")
    assert before == sorted(EXACT_FOUND["=علي"])
    with Index.create(tmp_path / "empty"):
        pass  # no segment, so nothing is slower
    empty = run("search", "علي", "--index", str(tmp_path / "empty"))
    assert (empty.exit_code, empty.stderr) == (0, "")


# «كتب» written 7 ** 3 = 343 ways: past 256 forms, so each number takes 16 bits.
_MARK_CHOICES = ("", "\u064e", "\u064f", "\u0650", "\u0652", "\u064b", "\u064d")
MANY_FORMS = {
    "many.txt": "\n\n".join(
        f"{'ك' + a}{'ت' + b}{'ب' + c} في الكتاب"
        for a in _MARK_CHOICES
        for b in _MARK_CHOICES
        for c in _MARK_CHOICES
    )
    + "\n\nکتاب فارسی و café\n",  # letters outside U+0600-U+067F and Latin-1
}


# Words written mostly one way: «عِلْمٌ» 40 times and «عَلَمٌ» (a flag) once, so the
# term «علم» keeps no bits, its one rare form an exception; «قال» three ways 100
# times each and six rare ways once, so its numbers take 2 bits, the rare ones
# exceptions.
_RARE_MARKS = ("\u064b", "\u064c", "\u064d", "\u0651\u064e", "\u0651\u064f", "\u0651\u0650")
MOSTLY_ONE_WAY = {
    "flag.txt": "\n\n".join(["طلب عِلْمٌ نافع"] * 40 + ["رفع عَلَمٌ أخضر"]),
    "said.txt": "\n\n".join(
        [f"{word} الرجل" for word in ("قَالَ", "قَالُ", "قَالِ") for _ in range(100)]
        + [f"قَال{mark} الرجل" for mark in _RARE_MARKS]
    ),
}


@pytest.mark.parametrize("block", [1 << 18, 5])
def test_the_forward_index_holds_the_written_word_at_each_position_of_its_terms(
    tmp_path, monkeypatch, block
):
    """Every position of every folded term, after an update, gives the written form
    of the word at that position of the paragraph, whatever the number of forms and
    however many terms the forward index is built at a time."""
    monkeypatch.setattr("searchidx.sidefiles._BLOCK", block)
    corpus = {**EXACT_WORDS, **SMALL_CORPUS, **MANY_FORMS, **MOSTLY_ONE_WAY}
    docs = write_corpus(tmp_path / "docs", corpus)
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        (docs / "exact.txt").write_text("وصل عَلِيٌّ إلى المدينة.\n", encoding="utf-8")
        index.update([docs])
        with index._whoosh.reader() as reader:
            checked, forms, most, layouts = 0, set(), 0, set()
            for leaf, _ in segment_readers(reader):
                side = load_side_file(index.path, leaf.segment().segment_id(), leaf.doc_count_all())
                pointers, starts = side["terms.pointers"], side["terms.position_pointers"]
                each_term = []
                for ordinal, (term, _) in enumerate(leaf.iter_field("terms")):
                    folded = term.decode("utf-8")
                    table = side.term_forms(ordinal)
                    width, _, escape = side._written_layout(ordinal)
                    layouts.add((folded, width, escape))
                    most = max(most, len(table))
                    forms.update(table)
                    # The term's postings, deleted paragraphs' too (their text stays).
                    postings = slice(int(pointers[ordinal]), int(pointers[ordinal + 1]))
                    freqs = side["terms.freqs"][postings].astype(np.int64)
                    docnums = np.repeat(side["terms.docs"][postings], freqs).tolist()
                    first, count = np.array([starts[ordinal]], dtype=np.int64), freqs.sum()
                    positions = side.gather_runs("terms.positions", first, np.array([count]))
                    numbers = side.written_numbers(
                        np.array([ordinal]),
                        np.zeros(count, dtype=np.int64),
                        np.arange(first[0], first[0] + count),
                    )
                    assert np.array_equal(side.term_written_numbers(ordinal), numbers)
                    each_term.append((ordinal, np.arange(first[0], first[0] + count), numbers))
                    for docnum, position, number in zip(
                        docnums, positions.tolist(), numbers.tolist(), strict=True
                    ):
                        words = position_words(leaf.stored_fields(docnum)["text"])
                        written = table[number]
                        assert written == written_form(words[position]), (folded, written)
                        assert folded in fold_readings(written), (folded, written)
                        checked += 1
                # Many terms' occurrences read at once, in any order, as each term's.
                terms = np.array([ordinal for ordinal, _, _ in each_term])
                term_of = np.repeat(np.arange(len(terms)), [len(o) for _, o, _ in each_term])
                occurrences = np.concatenate([found for _, found, _ in each_term])
                expected = np.concatenate([numbers for _, _, numbers in each_term])
                shuffled = np.random.default_rng(5).permutation(len(occurrences))
                numbers = side.written_numbers(terms, term_of[shuffled], occurrences[shuffled])
                assert np.array_equal(numbers, expected[shuffled])
            assert checked > 1000 and most == 343
            assert {written_form("عَلِيٌّ"), "کتاب", "café"} <= forms
            # The written ways of coding a term's numbers all occur: none, bits alone,
            # bits with exceptions (the largest number stands for one), exceptions alone.
            assert {("علم", 0, 0), ("قال", 2, 3), ("كتب", 16, -1), ("نافع", 0, -1)} <= layouts


def test_a_form_kept_as_an_exception_is_found_and_told_apart(tmp_path):
    """A word's rare written form, kept apart from its common one, is found by the
    words whose diacritics allow it, and only by them, as Whoosh's path finds it."""
    docs = write_corpus(tmp_path / "docs", MOSTLY_ONE_WAY)
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        assert uses_arrays(index)
        for array_search in (True, False):
            index.array_search = array_search
            flag = index.search("عَلَم", marks="strict")
            assert [hit.text for hit in flag] == ["رفع عَلَمٌ أخضر"]
            knowledge = index.search("عِلْم", marks="strict", limit=100)
            assert knowledge.total == 40
            assert {hit.text for hit in knowledge} == {"طلب عِلْمٌ نافع"}
            # Two rare forms (exceptions) allow «قَالِّ»: its own and the lone tanween.
            rare = index.search("قَالِّ", marks="strict")
            assert {hit.text for hit in rare} == {
                f"قَال{marks} الرجل" for marks in ("\u064d", "\u0651\u0650")
            }
            assert rare.total == 2
            assert index.search("قَالَ", marks="strict").total == 100 + 1  # and «قَالً»


def test_a_segment_without_words_gets_a_side_file_that_searches(tmp_path):
    """A file of no words (a record of its own, no paragraph): its segment has no
    terms, and its side file is written, read and searched all the same."""
    docs = write_corpus(tmp_path / "docs", {"empty.txt": "... !!! ---\n"})
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        assert len(side_files(tmp_path / "ix")) == 1 and uses_arrays(index)
        with index._whoosh.reader() as reader:
            [(leaf, _)] = segment_readers(reader)
            side = load_side_file(index.path, leaf.segment().segment_id(), leaf.doc_count_all())
            assert len(side["terms.pointers"]) == 1  # no term
            assert not len(side["written.blocks"]) and not len(side["written.exceptions"])
        assert index.search("علم").total == 0
        write_corpus(docs, {"words.txt": "طلب العلم فريضة\n"})
        index.update([docs])
        assert uses_arrays(index)
        assert [hit.doc for hit in index.search("=العلم")] == ["words.txt"]


def test_coded_arrays_read_back_as_they_were_written():
    """The filter fields' arrays as runs, field lengths as Whoosh's one-byte codes,
    each kept only where it takes fewer bytes, read back whole and unchanged."""
    title_docs = np.array([*range(3, 2000), *range(2100, 5000), 7000], dtype=np.uint16)
    # Whoosh's lengths: exact up to its code's steps, the largest code 106,374 words.
    lengths = np.array([0, 1, 5, 12, 106_374] * 50, dtype=np.uint32)
    arrays = {
        "title.docs": title_docs,
        "title.freqs": np.array([1] * 4000 + [2] * 897 + [1], dtype=np.uint8),
        "title.lengths": np.repeat(np.array([4, 9, 0], dtype=np.uint32), [3000, 1000, 1000]),
        "terms.lengths": lengths,
        "terms.docs": title_docs,  # never coded: read as a slice on every search
        "kind.docs": np.array([5, 900, 4000], dtype=np.uint16),  # no runs to gain
        "doc.lengths": np.array([3, 1001], dtype=np.uint32),  # 1001: not a Whoosh length
    }
    stored, coded = _coded_arrays(dict(arrays))
    assert coded == {
        "title.docs": ["runs", "<u2"],
        "title.freqs": ["repeats", "|u1"],
        "title.lengths": ["repeats", "<u4"],
        "terms.lengths": ["length codes", "<u4"],
    }
    assert stored["terms.lengths.codes"].dtype == np.uint8
    assert {"terms.docs", "kind.docs", "doc.lengths"} <= set(stored)
    as_written = dict(stored)  # reading keeps what it decoded in ``stored``
    side = SideFile.__new__(SideFile)
    side._arrays, side._coded = stored, coded
    rng = np.random.default_rng(7)
    for name, values in arrays.items():
        assert name in side
        found = side[name]
        assert side[name] is found  # decoded once, then kept
        assert found.dtype == values.dtype and len(found) == len(values), name
        assert np.array_equal(np.asarray(found), values), name
        # Read as a search reads them: slices (a term's postings), the values at some
        # numbers (the lengths of the documents found), a mask.
        size = len(values)
        for start, stop in (
            (0, size),
            (0, 0),
            (size - 1, size),
            (1, 3),
            *rng.integers(0, size, (20, 2)),
        ):
            piece = found[start:stop]
            assert piece.dtype == values.dtype and np.array_equal(piece, values[start:stop])
        at = np.sort(rng.integers(0, size, 50))
        assert np.array_equal(found[at], values[at]), name
        # ...also taken before the whole array is decoded (the length codes are not).
        fresh = SideFile.__new__(SideFile)
        fresh._arrays, fresh._coded = dict(as_written), coded
        taken = fresh.taken(name, at)
        assert taken.dtype == values.dtype and np.array_equal(taken, values[at]), name
        assert (name in fresh._arrays) == (coded.get(name, [""])[0] != "length codes"), name
        mask = rng.random(size) < 0.5
        assert np.array_equal(found[mask], values[mask]), name


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
    # Many runs in order, fewer wide values among them than runs: each wide value is
    # placed in its run; also from past the table's largest start on.
    starts = np.arange(0, 69_990, 7)
    counts = rng.integers(1, 8, len(starts))
    for runs in (slice(None), slice(9_000, None), slice(2**16 // 7 + 1, None)):
        pairs = zip(starts[runs], counts[runs], strict=True)
        expected = np.concatenate([stored[start : start + count] for start, count in pairs])
        assert np.array_equal(side.gather_runs("positions", starts[runs], counts[runs]), expected)
    # One run read as a slice: the same values, across and past the table's largest.
    for start, count in ((0, 70_000), (1_000, 5_000), (2**16 - 50, 100), (2**16, 3_000)):
        found = side.gather_run("positions", start, count)
        assert np.array_equal(found, stored[start : start + count])


def test_distinct_gives_what_np_unique_gives():
    """Term ordinals of a word's forms, one per posting: each once, in order."""
    rng = np.random.default_rng(7)
    cases = [
        np.array([], dtype=np.int64),
        np.array([41], dtype=np.int64),
        np.array([7, 3, 7, 7, 1, 3], dtype=np.int64),
        np.arange(20, dtype=np.uint32)[::-1],
        rng.integers(-(2**40), 2**40, 5_000),
        rng.integers(0, 6, 100_000).astype(np.int32),
    ]
    for values in cases:
        before = values.copy()
        found = distinct(values)
        assert found.dtype == values.dtype
        assert np.array_equal(found, np.unique(values))
        assert np.array_equal(values, before)  # the caller's array is left as it was


def test_distinct_leaves_numpy_ma_unimported():
    # np.unique imports numpy.ma to ask whether its argument is masked: 10 ms of
    # every one-shot search with diacritics, which distinct is there to save.
    script = (
        "import sys, numpy as np; from searchidx.sidefiles import distinct; "
        "print(distinct(np.array([5, 2, 5, 9])).tolist(), 'numpy.ma' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[2,", "5,", "9]", "False"]
