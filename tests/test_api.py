"""The public API: what ``import searchidx`` offers, its types, and how it is called."""

import importlib
import inspect
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import searchidx
from searchidx import (
    DocumentError,
    Index,
    IndexNotFound,
    NothingToIndex,
    QueryError,
    ReaderOptions,
    SearchidxError,
)

from . import api_example
from .conftest import GREETINGS, write_corpus

ROOT = Path(__file__).resolve().parent.parent


def test_errors_are_importable_from_the_package():
    for name in ("SearchidxError", "QueryError", "IndexNotFound", "IndexLocked"):
        assert name in searchidx.__all__
        assert issubclass(getattr(searchidx, name), SearchidxError)
    # A malformed query or an out-of-range argument is a bad value, too.
    assert issubclass(QueryError, ValueError)


@pytest.fixture
def greetings(tmp_path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return write_corpus(tmp_path / "greetings", GREETINGS)


@pytest.mark.parametrize("as_given", [str, Path, lambda path: [path]])
def test_update_takes_one_path_as_str_or_pathlike_or_a_list(tmp_path, greetings, as_given):
    with Index.create(tmp_path / "ix") as index:
        report = index.update(as_given("greetings"))
        assert (report.added, report.paragraphs) == (2, 7)
        assert index.search("الصبر").hits[0].doc == "letters.txt"
        rebuilt = index.rebuild(as_given(greetings))
        assert rebuilt.added == 2


def test_update_of_a_missing_path_names_it(tmp_path):
    # A usage error, as the command's own check of PATHS gives; not a skipped file.
    with Index.create(tmp_path / "ix") as index, pytest.raises(NothingToIndex) as raised:
        index.update("no-such-folder")
    assert str(raised.value) == "no-such-folder: no such file or folder"
    assert raised.value.exit_code == 2 and not isinstance(raised.value, DocumentError)
    with Index.create(tmp_path / "ix", exist_ok=True) as index:
        with pytest.raises(NothingToIndex, match=r"^an empty path names no file or folder$"):
            index.update("")
        assert index.info().documents == 0


def test_the_example_program_runs(tmp_path, greetings):
    index_dir = tmp_path / "ix"
    report = api_example.build(index_dir, "greetings")
    assert report.files == 2
    assert api_example.find(index_dir, "السلام -عليكم", match_any=True) == [
        ("news/politics.txt", 2),
        ("letters.txt", 2),
    ]
    assert api_example.highlighted(index_dir, "السلام عليكم") == ["السلام", "عليكم"]
    assert api_example.explain(index_dir, "؟!") == "bad query: the query has no words to search for"
    assert api_example.explain(tmp_path / "none", "السلام").startswith("no index: ")
    assert json.loads(api_example.as_json(index_dir, "الصبر"))["total"] == 1
    assert api_example.summary(index_dir) == (2, 7)
    assert api_example.terms("السلامُ عليكمْ") == ["السلام", "عليكم"]


def test_a_closed_index_says_so_instead_of_answering(tmp_path, greetings):
    """After close() (or its with block), every call raises one line, nothing is written."""
    with Index.create(tmp_path / "ix") as index:
        index.update("greetings")
        assert index.search("الصبر").total == 1
    calls = {
        "search": lambda: index.search("الصبر"),
        "search_files": lambda: index.search_files("السلام"),
        "info": index.info,
        "file_records": index.file_records,
        "document": lambda: index.document(str(greetings / "letters.txt")),
        "update": lambda: index.update("greetings"),
        "forget": lambda: index.forget("greetings"),
        "rebuild": index.rebuild,
        "generation": lambda: index.generation,
    }
    for name, call in calls.items():
        with pytest.raises(SearchidxError) as raised:
            call()
        assert str(raised.value) == (
            f"the index at {tmp_path / 'ix'} is closed; open it again with Index.open"
        ), name
    with Index.open(tmp_path / "ix") as reopened:
        assert reopened.search("الصبر").hits[0].doc == "letters.txt"
        assert reopened.info().documents == 2


def test_open_of_a_missing_index_raises_index_not_found(tmp_path):
    with pytest.raises(IndexNotFound, match="run `searchidx index PATH` first"):
        Index.open(tmp_path / "none")


def _public_functions():
    """Every public function and method of searchidx, with its qualified name."""
    for module_info in pkgutil.walk_packages(searchidx.__path__, "searchidx."):
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if name.startswith("_") or getattr(value, "__module__", None) != module.__name__:
                continue
            if inspect.isfunction(value):
                yield f"{module.__name__}.{name}", value
            elif inspect.isclass(value):
                for attribute, member in vars(value).items():
                    function = member.fget if isinstance(member, property) else member
                    function = getattr(function, "__func__", function)
                    # Written in this module, not generated by @dataclass.
                    own = getattr(function, "__code__", None) and (
                        function.__code__.co_filename == module.__file__
                    )
                    dunder = attribute.startswith("__") and attribute.endswith("__")
                    if inspect.isfunction(function) and own and (dunder or attribute[0] != "_"):
                        yield f"{module.__name__}.{name}.{attribute}", function


def test_every_public_function_and_method_has_type_hints():
    untyped = []
    for name, function in _public_functions():
        signature = inspect.signature(function)
        params = [p for p in signature.parameters.values() if p.name not in ("self", "cls")]
        if signature.return_annotation is inspect.Signature.empty or any(
            p.annotation is inspect.Parameter.empty for p in params
        ):
            untyped.append(name)
    assert untyped == []
    assert (ROOT / "searchidx" / "py.typed").exists()


@pytest.mark.slow
def test_a_program_using_the_api_passes_mypy_strict():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", "pyproject.toml", "tests/api_example.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_reader_options_keep_their_order_for_programs_that_pass_them_by_position():
    assert ReaderOptions("cp1256", "body") == ReaderOptions(encoding="cp1256", text_field="body")
