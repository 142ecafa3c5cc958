"""Finding documents: which files a folder yields, which are skipped and why, and which
reader reads each."""

import os
import subprocess

import pytest

from searchidx import Index, ReaderOptions

from .conftest import (
    ARABIC,
    EARLIER,
    NOTES,
    assert_earlier_found,
    assert_reindex_keeps_count,
    cli_command,
    cli_env,
    count_in,
    docs_of,
    found_paragraphs,
    lines_about,
    paragraph_count,
    stderr_lines,
    total_found,
    write_corpus,
)


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a file whatever its mode")
def test_unreadable_file_is_skipped(run, library):
    """A file the user may not read is skipped with the system's reason."""
    folder, index_dir = library
    path = folder / "secret.txt"
    path.write_text(ARABIC, encoding="utf-8")
    path.chmod(0)
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    [line] = lines_about(result, "skipped", path)
    assert "Permission denied" in line
    assert_earlier_found(run, index_dir)


def test_folder_named_like_a_text_file_is_walked_not_read(run, library):
    """A folder called notes.txt is a folder: its files are indexed, it is not read."""
    folder, index_dir = library
    (folder / "notes.txt").mkdir()
    (folder / "notes.txt" / "inner.txt").write_text(ARABIC, encoding="utf-8")
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    assert "Traceback" not in result.output
    assert found_paragraphs(run, index_dir, "سوريا") == [("notes.txt/inner.txt", 1)]
    assert paragraph_count(run, index_dir) == 3 + 2


@pytest.mark.slow
def test_fifo_and_device_links_do_not_hang_indexing(tmp_path):
    """A named pipe or a link to /dev/zero named .txt is skipped; indexing finishes."""
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "earlier.txt").write_text(EARLIER, encoding="utf-8")
    os.mkfifo(folder / "pipe.txt")
    (folder / "zeros.txt").symlink_to("/dev/zero")
    index_dir = tmp_path / "ix"
    try:
        result = subprocess.run(
            cli_command("index", str(folder), "--index", str(index_dir)),
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail("indexing a folder with a FIFO or /dev/zero link hung")
    assert result.returncode == 0, result.stderr
    for name in ("pipe.txt", "zeros.txt"):
        assert (
            sum(
                line.startswith(f"searchidx: skipped {folder / name}:")
                for line in result.stderr.splitlines()
            )
            == 1
        ), name
    assert "2 skipped" in result.stderr.splitlines()[-1]
    assert count_in(index_dir) == 3


def test_broken_links_and_link_loops_are_skipped(run, library):
    """Dangling links and links in a loop are named once; a folder link to its parent is
    not followed, so nothing is indexed twice."""
    folder, index_dir = library
    (folder / "gone.txt").symlink_to(folder / "deleted.txt")
    (folder / "ping.txt").symlink_to(folder / "pong.txt")
    (folder / "pong.txt").symlink_to(folder / "ping.txt")
    sub = folder / "sub"
    sub.mkdir()
    (sub / "inner.txt").write_text(ARABIC, encoding="utf-8")
    (sub / "parent").symlink_to("..")
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    for name in ("gone.txt", "ping.txt", "pong.txt"):
        assert len(lines_about(result, "skipped", folder / name)) == 1, name
    assert "3 skipped" in stderr_lines(result)[-1]
    assert found_paragraphs(run, index_dir, "سوريا") == [("sub/inner.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder)


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
        assert total_found(index, "الخادم") == 0
        report = index.update([docs], options=ReaderOptions(include=("*.log",)))
        assert report.added == 1
        assert total_found(index, "الخادم") == 1


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
        # Remembered: named again, or refreshed, the root keeps its hidden files;
        # named with other options, those decide which files belong.
        assert index.update(notes).nothing_changed and index.update().nothing_changed
        assert index.update(notes, options=ReaderOptions()).removed == 2
        assert docs_of(index, "حلب") == ["visit.txt"]


def test_a_hidden_file_or_folder_named_as_a_root_is_indexed(tmp_path):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    with Index.create(tmp_path / "ix") as index:
        index.update([notes / ".secret.txt", notes / ".drafts"])
        assert docs_of(index, "حلب") == [".secret.txt", "plan.md"]
