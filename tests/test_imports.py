"""Imports run one way: every module imports on its own, leaves import nothing
of ours above them, and the command line starts without Whoosh.

Each check runs in a fresh interpreter: an import cycle, or a heavy import that
another module happened to load first, shows only there.
"""

import ast
import functools
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import searchidx

# Every check starts a fresh interpreter.
pytestmark = pytest.mark.slow

# Only searching, indexing and analysing need these; `searchidx --help` must not
# wait for them.
HEAVY = {"whoosh", "numpy", "pyarabic"}
# Leaves of the package: they import nothing of ours but the errors, and no Whoosh.
LEAVES = ("searchidx.errors", "searchidx.arabic", "searchidx.text")
MODULES = sorted(module.name for module in pkgutil.walk_packages(searchidx.__path__, "searchidx."))


@functools.cache
def loaded_after_import(module: str) -> frozenset[str]:
    """Every module in ``sys.modules`` after importing ``module`` in a fresh interpreter."""
    script = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return frozenset(json.loads(done.stdout))


def ours(loaded: frozenset[str]) -> set[str]:
    return {name for name in loaded if name.partition(".")[0] == "searchidx"}


def packages(loaded: frozenset[str]) -> set[str]:
    return {name.partition(".")[0] for name in loaded}


def test_the_walk_finds_the_modules_of_the_package():
    # A walk of the wrong path would find nothing, and every test below would pass.
    assert {"searchidx.analysis", "searchidx.arabic", "searchidx.cli", "searchidx.errors"} <= set(
        MODULES
    )
    assert any(name.startswith("searchidx.readers.") for name in MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports_alone_and_only_the_cli_loads_click(module):
    loaded = loaded_after_import(module)
    assert module in loaded
    if module != "searchidx.cli":
        assert "searchidx.cli" not in loaded
        assert "click" not in packages(loaded)


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_nothing_of_ours_but_the_errors_and_no_whoosh(leaf):
    if leaf not in MODULES:
        pytest.skip(f"{leaf} is not a module of this version")
    loaded = loaded_after_import(leaf)
    assert ours(loaded) <= {"searchidx", "searchidx.errors", leaf}
    assert not packages(loaded) & {"whoosh", "numpy", "click"}


def test_the_analyzer_imports_only_the_arabic_rules_of_ours():
    loaded = loaded_after_import("searchidx.analysis")
    assert ours(loaded) <= {
        "searchidx",
        "searchidx.errors",
        "searchidx.arabic",
        "searchidx.analysis",
    }


def test_importing_the_cli_loads_no_whoosh_numpy_or_pyarabic():
    assert not packages(loaded_after_import("searchidx.cli")) & HEAVY


def test_searchidx_help_loads_no_whoosh_numpy_or_pyarabic():
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "searchidx", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Usage: searchidx [OPTIONS] COMMAND [ARGS]...")
    # -X importtime writes «import time: self | cumulative | name» for each import.
    imported = {
        line.rpartition("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    assert "click" in packages(frozenset(imported))
    assert not packages(frozenset(imported)) & HEAVY


def imported_by(*command: str) -> tuple[subprocess.CompletedProcess, set[str]]:
    """Run ``python -X importtime COMMAND...``; its result and every module it imported."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", *command], capture_output=True, text=True, timeout=120
    )
    # -X importtime writes «import time: self | cumulative | name» for each import.
    imported = {
        line.rpartition("|")[2].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:")
    }
    return done, imported


# What a search never needs: the readers of every format and the update machinery
# (indexing), the table renderer and its width tables, the web page's HTML escaping,
# tracebacks, Whoosh's ranking (the side files rank) and English morphology,
# numpy's masked arrays.
NOT_FOR_A_SEARCH = {
    "bidi",
    "html",
    "multiprocessing",
    "numpy.ma",
    "searchidx.documents",
    "searchidx.index.plan",
    "searchidx.index.report",
    "searchidx.index.writer",
    "searchidx.readers",
    "searchidx.search.rank_whoosh",
    "shlex",
    "tabulate",
    "tempfile",
    "traceback",
    "wcwidth",
    "whoosh.lang.morph_en",
    "whoosh.scoring",
    "zipfile",
}


@pytest.mark.parametrize("fmt", ["json", "jsonl", "plain"])
def test_a_search_loads_nothing_of_indexing_or_tables(greetings_index, fmt):
    done, imported = imported_by(
        "-m", "searchidx", "search", "السلام", "--index", str(greetings_index), "--format", fmt
    )
    assert done.returncode == 0, done.stderr
    assert "عليكم" in done.stdout  # it searched: «السلام عليكم» was found
    # ...with the side files: what is left out is not left out by a different path.
    assert "searchidx.search.rank_arrays" in imported
    assert imported & NOT_FOR_A_SEARCH == set()


def test_a_table_search_loads_the_table_renderer(greetings_index):
    # The same check seeing them when they are used: the names above are spelled right.
    done, imported = imported_by(
        "-m", "searchidx", "search", "السلام", "--index", str(greetings_index), "--format", "table"
    )
    assert done.returncode == 0, done.stderr
    assert {"tabulate", "wcwidth"} <= imported
    # tabulate 0.10 reads its own version through importlib.metadata, which
    # imports email, socket and zipfile: the pin in pyproject.toml keeps them out.
    assert "importlib.metadata" not in imported


def test_every_commands_help_loads_no_whoosh_numpy_or_pyarabic():
    script = """
import contextlib, io, json, sys
from searchidx.cli import cli, main
shown, codes = io.StringIO(), []
with contextlib.redirect_stdout(shown):
    for name in sorted(cli.commands):
        codes.append(main([name, "--help"]))
print(json.dumps({"codes": codes, "help": shown.getvalue(), "modules": sorted(sys.modules)}))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result["codes"]) == {0}
    for name in ("analyze", "forget", "index", "info", "search", "serve"):
        assert f"Usage: searchidx {name} [OPTIONS]" in result["help"]
    assert not packages(frozenset(result["modules"])) & HEAVY


def imports_of(module: str) -> set[str]:
    """The modules of ours that ``module`` imports when it runs (at the top or in a
    function; not those under ``if TYPE_CHECKING``), and the packages they are in."""
    spec = pkgutil.resolve_name(module).__spec__
    tree = ast.parse(Path(spec.origin).read_text(encoding="utf-8"))
    package = module if spec.submodule_search_locations else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            found |= {f"{base}.{alias.name}" for alias in node.names} | {base}
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
    modules = {name for name in found if name in MODULES or name == "searchidx"}
    # Importing a.b.c runs the packages a.b and a first.
    with_packages = {name.rsplit(".", depth)[0] for name in modules for depth in range(3)}
    return {name for name in with_packages if name in MODULES} - {module, package}


def test_no_module_imports_one_that_imports_it_back():
    graph = {module: imports_of(module) for module in MODULES}
    assert "searchidx.index.facade" in graph["searchidx.cli"] | graph["searchidx.index"]

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, ()):
            if name == goal or (
                name not in seen and not seen.add(name) and reaches(name, goal, seen)
            ):
                return True
        return False

    cycles = sorted(module for module in MODULES if reaches(module, module, set()))
    assert cycles == []


VARIATIONS = """
import json, sys
{before}
from whoosh import query
module = sys.modules["whoosh.lang.morph_en"]
loaded_with_query = "__file__" in vars(module)
from whoosh.lang.morph_en import variations
import whoosh.lang.morph_en as morph_en
print(json.dumps([loaded_with_query, sorted(variations("rendering")), len(morph_en.rules)]))
"""


def variations_after(before: str) -> list:
    script = VARIATIONS.format(before=before)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_whoosh_english_morphology_loads_on_first_use_and_works_as_before():
    loaded, words, rules = variations_after("import searchidx.search.plan")
    assert not loaded  # importing Whoosh's queries after searchidx's left it out
    assert "render" in words
    assert [loaded, words, rules] == [False, *variations_after("")[1:]]


def test_the_index_package_gives_its_report_types_on_first_use():
    script = """
import json, sys
import searchidx.index as index
loaded = "searchidx.index.report" in sys.modules
from searchidx.index import FileNote, IndexInfo, IndexReport
from searchidx.index.report import IndexReport as reported
try:
    index.IndexSummary
    missing = ""
except AttributeError as error:
    missing = str(error)
print(json.dumps([loaded, IndexReport is reported, FileNote.__name__, IndexInfo.__name__, missing]))
"""
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == [
        False,
        True,
        "FileNote",
        "IndexInfo",
        "module 'searchidx.index' has no attribute 'IndexSummary'",
    ]


# Records every pattern compiled through re's functions (Whoosh's included), runs a
# search as the command does, and prints the patterns.
_PATTERNS_OF_A_SEARCH = """
import contextlib, io, json, re, sys
patterns = set()
for name in ("compile", "search", "match", "fullmatch", "sub", "subn", "split", "finditer"):
    def spy(pattern, *args, _function=getattr(re, name), **kwargs):
        patterns.add(getattr(pattern, "pattern", pattern))
        return _function(pattern, *args, **kwargs)
    setattr(re, name, spy)
from searchidx.cli import main
with contextlib.redirect_stdout(io.StringIO()) as shown:
    code = main(["search", "السلام", "--index", sys.argv[1], "--format", "json"])
print(json.dumps({"code": code, "shown": shown.getvalue(), "patterns": sorted(map(str, patterns))}))
"""


def test_a_search_compiles_no_pattern_of_indexing_or_of_syntax_it_turns_off(greetings_index):
    from whoosh import qparser

    from searchidx import output, sidefiles
    from searchidx.index import folders

    done = subprocess.run(
        [sys.executable, "-c", _PATTERNS_OF_A_SEARCH, str(greetings_index)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["code"] == 0
    assert "عليكم" in result["shown"]  # it searched: «السلام عليكم» was found
    compiled = set(result["patterns"])
    assert qparser.FuzzyTermPlugin.expr.pattern in compiled  # the spy sees Whoosh's...
    # ...but not those of the query syntax searchidx leaves out (single quotes,
    # boosts, «*:*»), of index folders, of writing side files, or of --bidi.
    unused = {
        qparser.SingleQuotePlugin.expr,
        qparser.BoostPlugin.expr,
        qparser.EveryPlugin.expr,
        folders._INDEX_FILE,
        folders._WRITER_TEMP_FILE,
        sidefiles._NOT_ONE_BYTE,
        output._MARKS_BEFORE_LETTER,
    }
    assert compiled & unused == set()
