"""The command line: output shapes, messages and exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from searchidx.cli import cli

from .conftest import SEED_ARTICLE

VOCALIZED_SENTENCE = "أكَّدَ أحمدُ ناصر، قائدُ القواتِ: «المعركةُ مستمرةٌ»؟ الرَّحْمَـٰنِ ٢٠١٩"


def test_analyze_json_shape_and_offsets(run):
    result = run("analyze", VOCALIZED_SENTENCE, "--format", "json")
    assert result.exit_code == 0
    tokens = json.loads(result.stdout)["tokens"]
    assert len(tokens) == 9
    assert set(tokens[0]) == {"text", "start", "end", "term", "stem", "stems"}
    for token in tokens:
        assert VOCALIZED_SENTENCE[token["start"] : token["end"]] == token["text"]
    assert tokens[0]["term"] == "اكد"
    assert tokens[-2]["term"] == "الرحمن"
    assert tokens[-1]["term"] == "2019"
    assert "\\u" not in result.stdout  # Arabic stays Arabic


def test_analyze_shows_every_reading_of_an_ambiguous_word(run):
    # «بريطانيا» may be «ب» + «ريطانيا»: both stems are shown, the primary one first.
    token = json.loads(run("analyze", "بريطانيا", "--format", "json").stdout)["tokens"][0]
    assert token["stem"] == token["stems"][0]
    assert {"بريطانيا", "ريطانيا"} <= set(token["stems"])
    table = run("analyze", "وزير").stdout
    assert "زير وزير" in table


def test_analyze_table_lists_every_word(run):
    result = run("analyze", "والكتابُ المفيد")
    assert result.exit_code == 0
    assert "والكتابُ" in result.stdout and "كتاب" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["analyze"],  # missing TEXT
        ["analyze", "نص", "--format", "xml"],
        ["search"],
        ["search", "سوريا", "--limit", "0"],
        ["no-such-command"],
        ["index", "/no/such/folder"],
    ],
)
def test_usage_errors_exit_2(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_index_then_search_then_info(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    result = run("index", str(SEED_ARTICLE), "--index", index_dir)
    assert result.exit_code == 0
    assert "18 paragraphs" in result.stderr
    assert result.stdout == ""

    result = run("search", "الخلايا النائمه", "--index", index_dir, "--format", "json")
    assert result.exit_code == 0
    payload = json.loads(result.stdout)
    assert set(payload) == {"query", "total", "hits"}
    first = payload["hits"][0]
    assert {"rank", "score", "doc", "title", "paragraph", "text", "snippet", "matches"} <= set(
        first
    )
    assert first["doc"] == SEED_ARTICLE.name
    highlighted = [first["text"][start:end] for start, end in first["matches"]]
    assert highlighted == ["الخلايا", "النائمة"]
    assert "[الخلايا] [النائمة]" in first["snippet"]

    result = run("info", "--index", index_dir, "--format", "json")
    assert result.exit_code == 0
    info = json.loads(result.stdout)
    assert info["documents"] == 1 and info["paragraphs"] == 18


def test_second_run_on_unchanged_files_says_so(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    run("index", str(SEED_ARTICLE), "--index", index_dir)
    result = run("index", str(SEED_ARTICLE), "--index", index_dir)
    assert result.exit_code == 0
    assert "up to date" in result.stderr


def test_plain_and_jsonl_formats(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    run("index", str(SEED_ARTICLE), "--index", index_dir)
    plain = run("search", "الباغوز", "--index", index_dir, "--format", "plain", "--limit", "2")
    assert plain.exit_code == 0
    assert "[الباغوز]" in plain.stdout
    assert "\x1b[" not in plain.stdout
    lines = run("search", "الباغوز", "--index", index_dir, "--format", "jsonl").stdout.splitlines()
    assert all(json.loads(line)["doc"] == SEED_ARTICLE.name for line in lines)
    assert len(lines) >= 3


def test_no_hits_is_success(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    run("index", str(SEED_ARTICLE), "--index", index_dir)
    result = run("search", "بطريق", "--index", index_dir, "--format", "json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"query": "بطريق", "total": 0, "hits": []}


def test_missing_index_says_what_to_do(run, tmp_path):
    result = run("search", "سوريا", "--index", str(tmp_path / "nothing-here"))
    assert result.exit_code == 1
    assert "run `searchidx index PATH` first" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_index_location_falls_back_to_environment(run, tmp_path, monkeypatch):
    monkeypatch.setenv("SEARCHIDX_INDEX", str(tmp_path / "from-env"))
    assert run("index", str(SEED_ARTICLE)).exit_code == 0
    assert (tmp_path / "from-env" / "searchidx.json").exists()
    assert run("search", "داعش").exit_code == 0


def test_malformed_query_is_a_usage_error(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    run("index", str(SEED_ARTICLE), "--index", index_dir)
    result = run("search", "*", "--index", index_dir)
    assert result.exit_code == 2
    assert result.stderr.startswith("searchidx: error:")


def test_every_command_has_help_with_an_example():
    for name, command in cli.commands.items():
        assert command.help and "Example:" in command.help, name


def test_python_dash_m_runs_the_cli():
    result = subprocess.run(
        [sys.executable, "-m", "searchidx", "analyze", "مُسْلِمٍ", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["tokens"][0]["term"] == "مسلم"


def test_every_command_and_option_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert f"searchidx {name}" in readme, name
        for param in command.params:
            for option in param.opts:
                if option.startswith("--") and option != "--help":
                    assert option in readme, f"{name} {option}"


def test_index_without_paths_starts_with_the_bundled_corpus_then_refreshes_it(run, tmp_path):
    index_dir = str(tmp_path / "ix")
    first = run("index", "--index", index_dir)
    assert first.exit_code == 0
    assert "indexed 8 files" in first.stderr
    again = run("index", "--index", index_dir)
    assert "up to date: 8 files unchanged" in again.stderr
    hit = json.loads(run("search", "زنجبار", "--index", index_dir, "--format", "json").stdout)
    assert hit["hits"][0]["doc"] == "zanzibar-voyage.epub"
