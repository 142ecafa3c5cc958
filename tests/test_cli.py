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
    assert set(tokens[0]) == {"text", "start", "end", "term", "stem"}
    for token in tokens:
        assert VOCALIZED_SENTENCE[token["start"] : token["end"]] == token["text"]
    assert tokens[0]["term"] == "اكد"
    assert tokens[-2]["term"] == "الرحمن"
    assert tokens[-1]["term"] == "2019"
    assert "\\u" not in result.stdout  # Arabic stays Arabic


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


def test_a_bare_index_on_a_new_index_says_how_to_name_a_folder_and_creates_nothing(run, tmp_path):
    index_dir = tmp_path / "ix"
    result = run("index", "--index", str(index_dir))
    assert result.exit_code == 2
    assert result.stderr == (
        f"searchidx: error: there is no index at {index_dir} yet; name the folders or files "
        "to index: `searchidx index PATH`\n"
    )
    assert not index_dir.exists()


def test_roots_are_listed_refreshed_dropped_when_gone_and_forgotten(run, tmp_path):
    roots = {}
    for city, text in (("aleppo", "قلعة حلب"), ("homs", "ساعة حمص"), ("hama", "نواعير حماة")):
        roots[city] = tmp_path / city
        roots[city].mkdir()
        (roots[city] / "a.txt").write_text(text + "\n", encoding="utf-8")
        (roots[city] / "b.txt").write_text(text + " القديمة\n", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    assert (
        run("index", *(str(root) for root in roots.values()), "--index", index_dir).exit_code == 0
    )
    info = json.loads(run("info", "--index", index_dir, "--format", "json").stdout)
    assert info["roots"] == sorted(str(root) for root in roots.values())
    table = run("info", "--index", index_dir).stdout
    assert all(str(root) in table for root in roots.values())

    roots["homs"].rename(tmp_path / "homs-moved")
    refreshed = run("index", "--index", index_dir)
    assert refreshed.exit_code == 0
    notes = [line for line in refreshed.stderr.splitlines() if "note" in line]
    assert notes == [f"searchidx: note: {roots['homs']} no longer exists; dropped its 2 files"]
    assert run("search", "ساعة", "--index", index_dir).stdout == "no paragraph matches «ساعة»\n"

    forgot = run("forget", str(roots["hama"]), "--index", index_dir)
    assert forgot.exit_code == 0
    assert forgot.stderr.startswith(f"forgot {roots['hama']}: 2 file(s) dropped")
    info = json.loads(run("info", "--index", index_dir, "--format", "json").stdout)
    assert (info["roots"], info["documents"]) == ([str(roots["aleppo"])], 2)
    unknown = run("forget", str(tmp_path / "nowhere"), "--index", index_dir)
    assert unknown.exit_code == 2
    assert f"is not a root of the index at {index_dir}; its roots: {roots['aleppo']}" in (
        unknown.stderr
    )


def test_info_shows_deleted_entries_and_optimize_merges_them(run, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(8):
        (docs / f"{number}.txt").write_text(f"خبر رقم {number} عن سوريا.\n", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    assert run("index", str(docs), "--index", index_dir).exit_code == 0
    (docs / "0.txt").write_text("خبر جديد عن حلب.\n", encoding="utf-8")
    assert run("index", "--index", index_dir).exit_code == 0
    info = json.loads(run("info", "--index", index_dir, "--format", "json").stdout)
    assert (info["deleted"], info["segments"]) == (2, 2)
    assert "deleted     2" in run("info", "--index", index_dir).stdout
    optimized = run("index", "--optimize", "--index", index_dir)
    assert optimized.exit_code == 0, optimized.stderr
    info = json.loads(run("info", "--index", index_dir, "--format", "json").stdout)
    assert (info["deleted"], info["segments"], info["paragraphs"]) == (0, 1, 8)


def test_hits_show_the_path_of_their_file_in_every_format(run, tmp_path, monkeypatch):
    for city, text in (("aleppo", "سوق المدينة في حلب."), ("damascus", "سوق الحميدية في دمشق.")):
        (tmp_path / city).mkdir()
        (tmp_path / city / "notes.txt").write_text(text + "\n", encoding="utf-8")
    index_dir = str(tmp_path / "ix")
    run("index", str(tmp_path / "aleppo"), str(tmp_path / "damascus"), "--index", index_dir)
    monkeypatch.chdir(tmp_path)
    hits = json.loads(run("search", "سوق", "--index", index_dir, "--format", "json").stdout)["hits"]
    assert {(hit["root"], hit["path"]) for hit in hits} == {
        (str(tmp_path / city), str(tmp_path / city / "notes.txt"))
        for city in ("aleppo", "damascus")
    }
    plain = run("search", "سوق", "--index", index_dir, "--format", "plain").stdout
    wheres = sorted(line.split("\t")[1] for line in plain.splitlines()[:2])
    assert wheres == ["aleppo/notes.txt ¶1", "damascus/notes.txt ¶1"]
    table = run("search", "حلب", "--index", index_dir, "--format", "table").stdout
    assert "aleppo/notes.txt ¶1" in table
