"""searchidx writes into and removes only its own index folders."""

import os
import re
from pathlib import Path

import pytest

from searchidx import Index
from searchidx.errors import IndexExists, UnsafeFolder
from searchidx.index import rebuild_index
from searchidx.index.folders import (
    check_index_folder,
    is_index_folder,
    remove_index_folder,
    remove_leftovers,
)

from .conftest import (
    INDEX_VARIABLE,
    damage_marker,
    make_newer,
    make_newer_analyzer,
    run_cli,
    write_corpus,
)

PACKAGE = Path(__file__).resolve().parent.parent / "searchidx"
THESIS = {
    "chapter1.txt": "الفصل الأول: مقدمة البحث في تاريخ الخط العربي.\n",
    "notes/sources.md": "# المصادر\n\nابن مقلة والخط المنسوب.\n",
    "data.bin": "\x00\x01 بيانات",
}


def snapshot(folder: Path) -> dict:
    """Every entry under ``folder`` with its bytes (None for folders): the folder as it is."""
    entries = {}
    for current, folders, files in os.walk(folder):
        for name in folders:
            entries[os.path.relpath(os.path.join(current, name), folder)] = None
        for name in files:
            path = os.path.join(current, name)
            entries[os.path.relpath(path, folder)] = Path(path).read_bytes()
    return entries


@pytest.fixture
def thesis(tmp_path) -> Path:
    return write_corpus(tmp_path / "thesis", THESIS)


@pytest.mark.slow
@pytest.mark.parametrize("rebuild", [[], ["--rebuild"]])
def test_index_into_a_users_folder_is_refused_and_leaves_it_byte_for_byte(
    tmp_path, thesis, corpus, rebuild
):
    before = snapshot(thesis)
    result = run_cli("index", *rebuild, "--index", str(thesis), str(corpus))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert f"{thesis} already holds files and is not a searchidx index" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(thesis) == before


@pytest.mark.slow
def test_index_environment_variable_pointing_at_a_users_folder_is_refused(thesis, corpus):
    before = snapshot(thesis)
    result = run_cli("index", str(corpus), env={INDEX_VARIABLE: str(thesis)})
    assert result.returncode == 1
    assert "not a searchidx index" in result.stderr
    assert snapshot(thesis) == before


@pytest.mark.slow
def test_indexing_a_folder_into_itself_then_rebuilding_loses_nothing(tmp_path, thesis):
    victim = tmp_path / "victim"
    write_corpus(victim, {"رسالة.txt": "رسالة إلى صديق قديم في حلب.\n"})
    result = run_cli("index", "--index", str(victim), str(victim))
    assert result.returncode == 1 and "not a searchidx index" in result.stderr
    assert (victim / "رسالة.txt").read_text(encoding="utf-8") == "رسالة إلى صديق قديم في حلب.\n"

    # An empty folder may become an index; a file the user later puts in it
    # stops any rebuild from removing the folder.
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run_cli("index", "--index", str(empty), str(thesis)).returncode == 0
    assert run_cli("index", "--rebuild", "--index", str(empty), str(thesis)).returncode == 0
    (empty / "mine.txt").write_text("ملاحظة شخصية\n", encoding="utf-8")
    before = snapshot(empty)
    result = run_cli("index", "--rebuild", "--index", str(empty), str(thesis))
    assert result.returncode == 1
    assert "holds mine.txt, which is not a searchidx index file" in result.stderr
    assert snapshot(empty) == before


def test_rebuild_never_touches_sibling_folders_named_like_its_own(tmp_path, corpus):
    index_path = tmp_path / "thesis-index"
    siblings = [tmp_path / "thesis-index.rebuild", tmp_path / "thesis-index.old"]
    for sibling in siblings:
        write_corpus(sibling, THESIS)
    before = [snapshot(sibling) for sibling in siblings]
    with Index.create(index_path) as index:
        index.update([corpus])
        index.rebuild()
        index.update([corpus])
        assert index.search("المخطوطات").hits[0].doc == "news/library.md"
    assert [snapshot(sibling) for sibling in siblings] == before
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["docs", "thesis-index", "thesis-index.rebuild", "thesis-index.old"]
    )


@pytest.mark.parametrize("mode", [0o755, 0o750])
def test_rebuild_keeps_the_access_the_index_folder_was_given(tmp_path, corpus, mode):
    index_path = tmp_path / "news-index"
    with Index.create(index_path) as index:
        index.update([corpus])
    index_path.chmod(mode)
    with Index.open(index_path) as index:
        index.rebuild()
        assert index.search("المخطوطات").hits[0].doc == "news/library.md"
    assert index_path.stat().st_mode & 0o777 == mode


@pytest.mark.slow
@pytest.mark.parametrize("folder_exists", [False, True])
def test_a_rebuild_with_no_index_and_no_path_makes_nothing(tmp_path, folder_exists):
    """Without PATH a rebuild reads the index's own folders: where there is no index,
    it is refused (exit 2) and leaves no empty index behind for later runs to trip on."""
    index_path = tmp_path / "news-index"
    if folder_exists:
        index_path.mkdir()
    result = run_cli("index", "--rebuild", "--index", str(index_path))
    assert result.returncode == 2
    assert result.stderr == (
        f"searchidx: error: there is no index at {index_path} yet; name the folders or "
        f"files to index: `searchidx index --index {index_path} PATH`\n"
    )
    if folder_exists:
        assert os.listdir(index_path) == []
    else:
        assert not index_path.exists()


def test_create_refuses_an_existing_index_unless_told_it_may_exist(small_index):
    with pytest.raises(IndexExists, match=r"already an index at .*; open it with Index\.open"):
        Index.create(small_index)
    with Index.create(small_index, exist_ok=True) as index:
        assert index.info().documents == 3


def test_create_refuses_a_file_and_a_users_folder(tmp_path, thesis):
    a_file = tmp_path / "file.txt"
    a_file.write_text("نص", encoding="utf-8")
    with pytest.raises(UnsafeFolder, match="is a file, not a folder"):
        Index.create(a_file)
    with pytest.raises(UnsafeFolder, match="not a searchidx index"):
        Index.create(thesis)
    assert a_file.read_text(encoding="utf-8") == "نص"


def test_a_rebuild_without_folders_refuses_a_users_folder_for_what_it_is(thesis):
    """Not «there is no index yet; name the folders»: naming them is refused too."""
    before = sorted(str(path) for path in thesis.rglob("*"))
    with pytest.raises(UnsafeFolder, match="already holds files and is not a searchidx index"):
        rebuild_index(thesis)
    assert sorted(str(path) for path in thesis.rglob("*")) == before


def test_no_index_is_made_under_a_broken_link_or_a_file(run, tmp_path, corpus):
    """mkdir of «broken/sub» met the link as a folder that exists, and tried again
    without end (RecursionError); a file on the way failed only after advice to index."""
    (tmp_path / "broken").symlink_to(tmp_path / "gone")
    a_file = tmp_path / "notes.txt"
    a_file.write_text("ملاحظات", encoding="utf-8")
    for index_dir, why in [
        (tmp_path / "broken" / "sub", f"{tmp_path / 'broken'} is a broken symbolic link"),
        (a_file / "sub", f"{a_file} is a file, not a folder"),
    ]:
        said = (
            f"cannot create the index folder {index_dir}: {why}; "
            "choose another folder for the index"
        )
        with pytest.raises(UnsafeFolder) as refused:
            Index.create(index_dir)
        assert str(refused.value) == said
        for command in (["index", str(corpus)], ["index"], ["index", "--rebuild", str(corpus)]):
            result = run_cli(*command, "--index", str(index_dir))
            assert (result.returncode, result.stderr) == (1, f"searchidx: error: {said}\n")
    assert not (tmp_path / "gone").exists()
    assert a_file.read_text(encoding="utf-8") == "ملاحظات"


def test_removal_refuses_any_folder_that_is_not_only_an_index(tmp_path, small_index, thesis):
    with pytest.raises(UnsafeFolder, match="does not carry searchidx's marker"):
        remove_index_folder(thesis)
    (small_index / "sub").mkdir()
    with pytest.raises(UnsafeFolder, match="holds sub"):
        remove_index_folder(small_index)
    (small_index / "sub").rmdir()
    link = tmp_path / "link"
    link.symlink_to(small_index)
    with pytest.raises(UnsafeFolder, match="is a symbolic link; give the index folder itself"):
        remove_index_folder(link)
    check_index_folder(small_index)
    remove_index_folder(small_index)
    assert not small_index.exists()


def test_leftovers_of_an_interrupted_rebuild_are_removed_but_not_a_users_lookalike(
    tmp_path, small_index
):
    leftover = tmp_path / ".index.rebuild-abc123"
    with Index.create(leftover) as index:
        index.update([tmp_path / "docs"])
    lookalike = write_corpus(tmp_path / ".index.rebuild-mine", THESIS)
    before = snapshot(lookalike)
    remove_leftovers(small_index)
    assert not leftover.exists()
    assert snapshot(lookalike) == before
    assert is_index_folder(small_index)


def test_no_code_but_the_folders_module_removes_or_renames_anything():
    # Every removal, rename and swap goes through searchidx/index/folders.py,
    # which checks the marker first; nothing else in the package may call them.
    forbidden = re.compile(
        r"rmtree|\.unlink\(|os\.remove\(|\.rmdir\(|os\.replace\(|os\.rename\(|\.rename\(|"
        r"renameat|removedirs|shutil\.move|shutil\.copy"
    )
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in sorted(PACKAGE.rglob("*.py"))
        if path.relative_to(PACKAGE) != Path("index", "folders.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if forbidden.search(line)
    ]
    assert offenders == []


def test_an_old_index_folder_is_still_recognised_as_searchidx_s(small_index):
    # The marker is the metadata file every index has carried since format 1.
    meta = (small_index / "searchidx.json").read_text(encoding="utf-8")
    assert '"format"' in meta and '"analyzer"' in meta
    assert is_index_folder(small_index)


@pytest.mark.slow
@pytest.mark.parametrize("include", [[], ["--include", "*"]])
def test_the_index_never_indexes_itself_or_another_index(tmp_path, include):
    work = write_corpus(tmp_path / "work", THESIS)
    other = tmp_path / "work" / "old-index"
    with Index.create(other) as index:
        index.update([work / "chapter1.txt"])
    for _ in range(2):
        result = run_cli("index", ".", "--index", "./idx", *include, cwd=work)
        assert result.returncode == 0, result.stderr
        for name in ("idx/", "old-index", "searchidx.json", ".toc", ".lock", "unknown type: 1 ."):
            assert name not in result.stderr.replace("1 .bin", "")
    with Index.open(work / "idx") as index:
        docs = sorted(record.doc for record in index.file_records().values())
    assert docs == ["chapter1.txt", "notes/sources.md"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["searchidx.md", "MAIN_README.txt", "searchidx.json.bak", "_MAIN_notes.toc"]
)
def test_rebuild_refuses_at_once_a_users_file_named_like_an_index_file(small_index, corpus, name):
    (small_index / name).write_text("ملاحظاتي الخاصة", encoding="utf-8")
    result = run_cli("index", "--rebuild", str(corpus), "--index", str(small_index))
    assert result.returncode == 1
    assert f"holds {name}, which is not a searchidx index file" in result.stderr
    assert (small_index / name).read_text(encoding="utf-8") == "ملاحظاتي الخاصة"
    # Refused before building: no copy of the index is left beside it.
    assert [p.name for p in small_index.parent.iterdir() if ".rebuild-" in p.name] == []


def test_a_rebuild_killed_in_the_parallel_writer_leaves_nothing_the_next_one_keeps(
    tmp_path, small_index, corpus
):
    leftover = tmp_path / ".index.rebuild-killed1"
    with Index.create(leftover) as index:
        index.update([corpus])
    work = leftover / "MAIN.tmp"
    work.mkdir()
    (work / ("a" * 28 + ".doclist")).write_bytes(b"\x80\x02")
    remove_leftovers(small_index)
    assert not leftover.exists()


@pytest.mark.slow
def test_a_first_run_that_indexes_nothing_leaves_no_index(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    result = run_cli("index", str(notes), "--index", str(notes))
    assert result.returncode == 1 and "nothing indexed" in result.stderr
    assert list(notes.iterdir()) == []  # the user's folder is kept, empty as it was
    fresh = tmp_path / "fresh"
    assert run_cli("index", str(notes), "--index", str(fresh)).returncode == 1
    assert not fresh.exists()
    (notes / "mine.txt").write_text("نص مهم عن حلب.", encoding="utf-8")
    assert run_cli("index", str(notes), "--index", str(fresh)).returncode == 0


@pytest.mark.slow
def test_an_empty_index_option_is_a_usage_error(tmp_path, corpus):
    result = run_cli("index", str(corpus), "--index", "")
    assert result.returncode == 2
    assert "an empty value names no folder" in result.stderr


def test_a_folder_that_cannot_be_created_or_written_into_is_one_line_with_what_to_do(
    tmp_path, monkeypatch
):
    a_file = tmp_path / "الملاحظات.txt"
    a_file.write_text("نص", encoding="utf-8")
    with pytest.raises(UnsafeFolder) as refused:
        Index.create(a_file / "ix")
    assert str(refused.value) == (
        f"cannot create the index folder {a_file / 'ix'}: {a_file} is a file, not a folder; "
        "choose another folder for the index"
    )
    assert a_file.read_text(encoding="utf-8") == "نص"

    # Root may write anywhere, so the lock file refuses as a read-only folder would.
    def denied(self, blocking=False):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("whoosh.util.filelock.FcntlLock.acquire", denied)
    empty = tmp_path / "read-only"
    empty.mkdir()
    with pytest.raises(UnsafeFolder) as refused:
        Index.create(empty)
    assert str(refused.value) == (
        f"cannot write into the index folder {empty}: Permission denied; "
        "make it writable or choose another folder for the index"
    )
    assert os.listdir(empty) == []


READING = [["search", "حلب"], ["info"], ["forget", "{corpus}"], ["serve"]]
WRITING = [
    ["index"],
    ["index", "--rebuild"],
    ["index", "{corpus}"],
    ["index", "--rebuild", "{corpus}"],
]


@pytest.mark.parametrize("spoil", [make_newer, make_newer_analyzer, damage_marker])
@pytest.mark.parametrize("command", READING + WRITING, ids=" ".join)
def test_an_index_this_version_cannot_read_is_refused_by_every_command_and_left_as_it_is(
    run, monkeypatch, small_index, corpus, spoil, command
):
    """A newer index is not rebuilt (that would downgrade it) nor an unreadable marker
    taken for a folder of other files: each says so, and what to do, in one line."""
    monkeypatch.setattr("searchidx.serve.make_server", _no_server)
    said = spoil(small_index)
    before = snapshot(small_index)
    result = run(*[arg.format(corpus=corpus) for arg in command], "--index", str(small_index))
    assert (result.exit_code, result.stderr) == (1, f"searchidx: error: {said}\n")
    assert snapshot(small_index) == before


@pytest.mark.parametrize("command", READING + WRITING, ids=" ".join)
def test_an_index_option_naming_a_file_or_a_users_folder_is_one_line_and_exit_1(
    run, monkeypatch, tmp_path, thesis, corpus, command
):
    """Not click's «Directory … is a file» (exit 2); and a bare `index` on a folder of
    the user's says it is not an index, not «no index yet: name PATHs»."""
    monkeypatch.setattr("searchidx.serve.make_server", _no_server)
    a_file = tmp_path / "ملاحظات.txt"
    a_file.write_text("نص مهم عن حلب.\n", encoding="utf-8")
    writes = command[0] == "index"
    expected = {
        a_file: f"{a_file} is a file, not a folder; give a folder for the index"
        if writes
        else f"{a_file} is a file, not an index folder; name the folder of an index",
        thesis: f"{thesis} already holds files and is not a searchidx index; searchidx "
        "writes its index only into a new or empty folder: choose another index folder"
        if writes
        else f"{thesis} holds files and is not a searchidx index; name the folder of an index",
    }
    thesis_before = snapshot(thesis)
    for target, said in expected.items():
        args = [arg.format(corpus=corpus) for arg in command]
        result = run(*args, "--index", str(target))
        assert (result.exit_code, result.stderr) == (1, f"searchidx: error: {said}\n")
    assert a_file.read_text(encoding="utf-8") == "نص مهم عن حلب.\n"
    assert snapshot(thesis) == thesis_before


def _no_server(*args, **kwargs):
    raise AssertionError("serve started on a folder it should have refused")
