"""The command line: output shapes, messages and exit codes."""

import contextlib
import gc
import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest

from searchidx.cli import cli, main

from .conftest import (
    ARABIC,
    INDEX_VARIABLE,
    NOTES,
    SALAM_WITHOUT_ALAYKUM,
    SEED_ARTICLE,
    SUBPROCESS_TIMEOUT,
    TRACEBACK_VARIABLE,
    VOCALIZED_SENTENCE,
    assert_suggested,
    cli_command,
    cli_env,
    paragraph_count,
    run_cli,
    search,
    stderr_lines,
    write_corpus,
)


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
        ["search", "سوريا", "--offset", "-1"],
        ["search", "سوريا", "--context", "-1"],
        ["no-such-command"],
        ["index", "/no/such/folder"],
    ],
)
def test_usage_errors_exit_2(run, args):
    result = run(*args)
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    # One line that names the command's help.
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("searchidx: error: ")
    assert "--help'" in result.stderr


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


def test_a_query_echoed_back_shows_its_control_characters_as_escapes(run, greetings_index):
    # «\x1b[2J» would clear the terminal the line is printed on.
    result = run("search", "بطريق\x1b[2J", "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout == "no paragraph matches «بطريق\\x1b[2J»\n"
    # A right-to-left override would turn the rest of the line around.
    result = run("search", "\u202eبطريق", "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout == "no paragraph matches «\\u202eبطريق»\n"


def test_a_file_name_with_a_newline_keeps_each_hit_on_one_line(run, tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "رسالة\nثانية.txt").write_text("وصلتني رسالتك فشكرا لك.\n", "utf-8")
    (docs / "رسالة أولى.txt").write_text("قرأت رسالتك الأولى مرتين.\n", "utf-8")
    (docs / "صورة\nمعطوبة.txt").write_bytes(b"\x00\x01\x02")
    index_dir = str(tmp_path / "ix")
    indexed = run("index", str(docs), "--index", index_dir)
    assert f"searchidx: skipped {docs}/صورة\\nمعطوبة.txt: binary data" in indexed.stderr
    listed = run("info", "--files", "--index", index_dir).stdout
    assert f"{docs}/رسالة\\nثانية.txt " in listed
    monkeypatch.chdir(tmp_path)
    plain = run("search", "فشكرا", "--index", index_dir, "--format", "plain")
    assert plain.stdout.splitlines() == [
        "1\tdocs/رسالة\\nثانية.txt ¶1\tوصلتني رسالتك [فشكرا] لك.",
        "1 of 1 matching paragraphs",
    ]
    files = run("search", "رسالتك", "--files", "--index", index_dir, "--format", "plain")
    lines = files.stdout.splitlines()
    assert len(lines) == 3 and lines[-1] == "2 of 2 matching files (2 paragraphs)"
    assert sorted(line.rsplit("\t", 1)[1] for line in lines[:2]) == [
        "docs/رسالة أولى.txt",
        "docs/رسالة\\nثانية.txt",
    ]
    # The machine formats keep the name as it is.
    hit = json.loads(run("search", "فشكرا", "--index", index_dir, "--format", "json").stdout)
    assert hit["hits"][0]["doc"] == "رسالة\nثانية.txt"


def test_control_characters_in_a_document_reach_the_terminal_as_escapes(run, tmp_path, monkeypatch):
    # «\x1b[2J» clears the screen it is printed on; a right-to-left override left
    # open by a snippet's cut would turn the rest of the line around.
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "news.txt").write_text(
        "عاد الهدوء إلى المدينة.\n\nأعلن \x1b[2Jالوزير\tافتتاح \u202eالمستشفى الجديد.\n\n"
        "وحضر الافتتاح \x1b]0;title\x07عدد من السكان.\n",
        "utf-8",
    )
    index_dir = str(tmp_path / "ix")
    assert run("index", str(docs), "--index", index_dir).exit_code == 0
    monkeypatch.setenv("COLUMNS", "300")  # a table's lines not wrapped
    for fmt in ("plain", "table"):
        shown = run(
            "search",
            "المستشفى",
            "-C",
            "1",
            "--color",
            "always",
            "--format",
            fmt,
            "--index",
            index_dir,
        ).stdout
        assert "\x1b[2J" not in shown and "\x1b]0;" not in shown and "\u202e" not in shown
        assert "\\x1b[2Jالوزير" in shown and "افتتاح \\u202e" in shown
        assert "\\x1b]0;title\\x07عدد" in shown  # the context paragraph after the hit
    plain = run("search", "=افتتاح", "--format", "plain", "--index", index_dir).stdout
    # A tab between words stays a tab, as in a table row of a page.
    assert plain.splitlines()[0].endswith("أعلن \\x1b[2Jالوزير\t[افتتاح] \\u202eالمستشفى الجديد.")
    # JSON keeps the text as the file holds it.
    found = json.loads(run("search", "=افتتاح", "--format", "json", "--index", index_dir).stdout)
    assert "\x1b[2Jالوزير\tافتتاح \u202eالمستشفى" in found["hits"][0]["text"]


def test_missing_index_says_what_to_do(run, tmp_path):
    result = run("search", "سوريا", "--index", str(tmp_path / "nothing-here"))
    assert result.exit_code == 1
    assert "run `searchidx index PATH` first" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_index_location_falls_back_to_environment(run, tmp_path, monkeypatch):
    monkeypatch.setenv(INDEX_VARIABLE, str(tmp_path / "from-env"))
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


@pytest.mark.slow
def test_python_dash_m_runs_the_cli():
    result = run_cli("analyze", "مُسْلِمٍ", "--format", "json")
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
    assert forgot.stderr.startswith(f"forgot {roots['hama']}: 2 files dropped")
    info = json.loads(run("info", "--index", index_dir, "--format", "json").stdout)
    assert (info["roots"], info["documents"]) == ([str(roots["aleppo"])], 2)
    unknown = run("forget", str(tmp_path / "nowhere"), "--index", index_dir)
    assert unknown.exit_code == 2
    assert f"is not a root of the index at {index_dir}; its roots: {roots['aleppo']}" in (
        unknown.stderr
    )


def test_no_index_where_none_can_be_made_says_why_rather_than_to_index_there(run, tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("ملاحظات", encoding="utf-8")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone")
    for index_dir, why in [
        (a_file / "index", f"{a_file} is a file, not a folder"),
        (tmp_path / "dangling", f"{tmp_path / 'dangling'} is a broken symbolic link"),
    ]:
        for command in (["search", "سوريا"], ["info"]):
            result = run(*command, "--index", str(index_dir))
            assert result.exit_code == 1
            assert stderr_lines(result) == [f"searchidx: error: no index at {index_dir}: {why}"]
    assert a_file.read_text(encoding="utf-8") == "ملاحظات"
    assert not (tmp_path / "gone").exists()


def test_forgetting_a_root_inside_another_keeps_its_files_and_says_where(
    run, tmp_path, monkeypatch
):
    archive = tmp_path / "archive"
    (archive / "hadith").mkdir(parents=True)
    (archive / "poem.txt").write_text("قصيدة في مدح العلم والعلماء.\n", encoding="utf-8")
    (archive / "hadith" / "bukhari.txt").write_text(
        "طلب العلم فريضة على كل مسلم.\n", encoding="utf-8"
    )
    (archive / "hadith" / "muslim.txt").write_text("العلم نور.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert run("index", "archive/hadith", "--index", "ix").exit_code == 0
    assert run("index", "archive", "--index", "ix").exit_code == 0

    forgot = run("forget", "archive/hadith", "--index", "ix")
    assert forgot.exit_code == 0
    assert re.fullmatch(
        r"forgot archive/hadith; 2 files stay indexed under archive in \d+\.\d\d s\n",
        forgot.stderr,
    )
    found = json.loads(run("search", "العلم", "--index", "ix", "--format", "json").stdout)
    assert sorted(hit["doc"] for hit in found["hits"]) == [
        "hadith/bukhari.txt",
        "hadith/muslim.txt",
        "poem.txt",
    ]
    assert {hit["root"] for hit in found["hits"]} == {str(archive)}
    refreshed = run("index", "--index", "ix")
    assert refreshed.stderr.startswith("index is up to date: 3 files unchanged")

    assert run("index", "archive/hadith", "--index", "ix2").exit_code == 0
    assert run("index", "archive", "--index", "ix2").exit_code == 0
    forgot = run("forget", "archive", "--index", "ix2")
    assert forgot.stderr.startswith(
        "forgot archive: 1 file dropped; 2 files stay indexed under archive/hadith in "
    )
    assert run("search", "قصيدة", "--index", "ix2").stdout == "no paragraph matches «قصيدة»\n"
    assert (
        run("search", "طلب", "--index", "ix2", "--format", "json").stdout.count(
            '"doc": "bukhari.txt"'
        )
        == 1
    )

    # The other way round: the inner folder named after the outer one becomes a root.
    assert run("index", "archive", "--index", "ix3").exit_code == 0
    named = run("index", "archive/hadith", "--index", "ix3")
    assert re.fullmatch(
        r"index is up to date: 2 files unchanged, 0 skipped; 2 files now under the root "
        r"archive/hadith \(\d+\.\d\d s\)\n",
        named.stderr,
    )
    forgot = run("forget", "archive", "--index", "ix3")
    assert forgot.stderr.startswith("forgot archive: 1 file dropped; 2 files stay indexed under")


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


def hits_of(result):
    assert result.exit_code == 0, result.stderr
    return [(hit["doc"], hit["paragraph"]) for hit in json.loads(result.stdout)["hits"]]


@pytest.mark.parametrize("query", ["السلام NOT عليكم", "السلام -عليكم"])
def test_any_keeps_not_and_a_leading_minus_excludes(run, greetings_index, query):
    for extra in ([], ["--any"]):
        result = run("search", query, *extra, "--index", str(greetings_index), "--format", "json")
        assert sorted(hits_of(result)) == SALAM_WITHOUT_ALAYKUM, extra


def test_any_keeps_the_doc_filter(run, greetings_index):
    query = "doc:news/politics.txt السلام"
    result = run("search", query, "--any", "--index", str(greetings_index), "--format", "json")
    assert hits_of(result) == [("news/politics.txt", 2), ("news/politics.txt", 3)]


@pytest.mark.parametrize("query", ["؟!", "،", "...", "- «»"])
def test_punctuation_only_query_is_a_usage_error(run, greetings_index, query):
    result = run("search", query, "--index", str(greetings_index))
    assert result.exit_code == 2
    assert result.stderr == "searchidx: error: the query has no words to search for\n"
    assert result.stdout == ""


def test_query_may_start_with_a_minus(run, greetings_index):
    where = ["--index", str(greetings_index), "--format", "json"]
    for args in (
        ["-عليكم السلام", *where],
        ["--any", *where, "-عليكم السلام"],
        [*where, "--", "-عليكم السلام"],
    ):
        result = run("search", *args)
        assert sorted(hits_of(result)) == SALAM_WITHOUT_ALAYKUM, args
    typo = run("search", "السلام", "--limt", "3", "--index", str(greetings_index))
    assert typo.exit_code == 2
    assert "No such option '--limt'" in typo.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["--index", "{ix}", "--format", "json", "search", "الرئيس"],
        ["search", "الرئيس", "--index", "{ix}", "--format", "json"],
        ["--format", "plain", "--index", "{missing}", "search", "الرئيس", "--index", "{ix}",
         "--format", "json"],
    ],
)  # fmt: skip
def test_index_and_format_before_or_after_the_command(run, greetings_index, tmp_path, args):
    """The option typed last wins; SEARCHIDX_INDEX (set by `run`) is only the fallback."""
    places = {"{ix}": str(greetings_index), "{missing}": str(tmp_path / "missing")}
    result = run(*[places.get(arg, arg) for arg in args])
    assert hits_of(result) == [("news/politics.txt", 2)]


def test_format_before_the_command_is_checked_against_the_command(run, greetings_index):
    result = run("--format", "plain", "info", "--index", str(greetings_index))
    assert result.exit_code == 2
    assert "'plain' is not one of 'table', 'json' for info" in result.stderr
    tokens = run("--format", "json", "analyze", "السلامُ")
    assert json.loads(tokens.stdout)["tokens"][0]["term"] == "السلام"


def test_a_bare_searchidx_shows_the_help_not_an_error(run):
    result = run()
    assert result.exit_code == 2
    assert result.stderr.startswith("Usage: searchidx [OPTIONS] COMMAND")
    assert "searchidx: error" not in result.stderr
    assert "search   Find the paragraphs that match QUERY" in result.stderr


def test_help_says_where_shared_options_go(run):
    result = run("--help")
    assert "--traceback, --index and --format may come before or after the command" in (
        result.stdout
    )
    for command in ("search", "info", "index", "analyze"):
        assert "--traceback" in run(command, "--help").stdout
    search_help = " ".join(run("search", "--help").stdout.split())
    assert "داعش -سوريا داعش without سوريا" in search_help
    assert "With --any only the words are alternatives: NOT, -word, doc: and title:" in (
        search_help
    )


def test_hidden_files_are_counted_and_included_with_hidden(run, tmp_path):
    notes = str(write_corpus(tmp_path, NOTES) / "notes")
    index_dir = str(tmp_path / "ix")
    result = run("index", notes, "--index", index_dir)
    assert result.exit_code == 0
    assert result.stderr.splitlines()[0] == (
        "searchidx: not indexed, hidden: 2 files or folders (names starting with .); "
        "--hidden includes them"
    )
    assert ", 0 skipped, 2 hidden in " in result.stderr.splitlines()[-1]
    assert hits_of(run("search", "حلب", "--index", index_dir, "--format", "json")) == [
        ("visit.txt", 1)
    ]
    result = run("index", notes, "--hidden", "--index", index_dir)
    assert "indexed 2 files (2 new, 0 changed)" in result.stderr
    found = hits_of(run("search", "حلب", "--index", index_dir, "--format", "json"))
    assert sorted(found) == [(".drafts/plan.md", 2), (".secret.txt", 1), ("visit.txt", 1)]
    # Remembered: a refresh keeps them, and `info` shows how the root is read.
    result = run("index", "--index", index_dir)
    assert "index is up to date: 3 files unchanged, 0 skipped" in result.stderr
    assert f"roots       {notes}  (--hidden)" in run("info", "--index", index_dir).stdout
    result = run("index", notes, "--max-file-size", "1M", "--index", index_dir)
    dropped, hidden = result.stderr.splitlines()[:2]
    assert dropped == (
        "searchidx: note: dropped from the index, left out by its root's options: "
        f"{notes}/.secret.txt, {notes}/.drafts/plan.md"
    )
    assert hidden.startswith("searchidx: not indexed, hidden: 2 files")
    assert f"roots       {notes}  (--max-file-size 1M)" in run("info", "--index", index_dir).stdout


@pytest.mark.parametrize(
    ("size", "indexed"), [("4096", 2), ("4K", 2), ("4 KB", 2), ("0.5k", 1), ("1M", 2)]
)
def test_max_file_size_takes_human_sizes(run, tmp_path, size, indexed):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    (notes / "long.txt").write_text("حلب الشهباء. " * 100, encoding="utf-8")  # 2,300 bytes
    result = run("index", str(notes), "--max-file-size", size, "--index", str(tmp_path / "ix"))
    assert result.exit_code == 0, result.stderr
    assert f"indexed {indexed} file{'s' if indexed > 1 else ''} (" in result.stderr
    assert ("1 too large" in result.stderr) == (indexed == 1)


@pytest.mark.parametrize(
    ("size", "message"),
    [
        ("64X", "'64X' is not a size; write bytes, or a number with K, M or G"),
        ("M", "'M' is not a size"),
        ("-1", "'-1' is not a size"),
        ("1.5.2K", "'1.5.2K' is not a size"),
        ("0", "'0' is less than one byte; no file could be read"),
    ],
)
def test_bad_max_file_size_is_a_usage_error(run, tmp_path, size, message):
    result = run("index", str(SEED_ARTICLE), "--max-file-size", size, "--index", str(tmp_path))
    assert result.exit_code == 2
    assert f"Invalid value for '--max-file-size': {message}" in result.stderr
    assert not (tmp_path / "searchidx.json").exists()


def test_index_help_says_what_is_left_out(run):
    help_text = " ".join(run("index", "--help").stdout.split())
    assert "Hidden files and folders (names starting with a dot) are left out unless --hidden" in (
        help_text
    )
    assert "files over --max-file-size are skipped; the summary counts both" in help_text
    assert "[default: 64M]" in help_text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("-doc:letters.txt السلام", [("news/politics.txt", 2), ("news/politics.txt", 3)]),
        ("-title:رسائل السلام", [("news/politics.txt", 2), ("news/politics.txt", 3)]),
        ("-covid السلام", [("letters.txt", 2), ("news/politics.txt", 2), ("news/politics.txt", 3)]),
    ],
)
def test_query_may_start_with_a_minus_and_a_latin_letter(run, greetings_index, query, expected):
    result = run("search", query, "--index", str(greetings_index), "--format", "json", "-n5")
    assert result.exit_code == 0, result.stderr
    assert sorted(hits_of(result)) == expected


@pytest.mark.parametrize(
    ("written", "said"),
    [
        # As the results show a path: from the current folder.
        ("docs/news/politics.txt", "doc:news/politics.txt"),
        ("docs/news", "doc:news/"),
        ("./docs/letters.txt", "doc:letters.txt"),
    ],
)
def test_a_doc_filter_written_as_a_path_finds_nothing_and_says_the_name_to_write(
    run, monkeypatch, greetings_index, written, said
):
    monkeypatch.chdir(greetings_index.parent)
    result = run("search", f"doc:{written} السلام", "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout.startswith("no paragraph matches")
    root = greetings_index.parent / "docs"
    assert stderr_lines(result) == [
        f"searchidx: doc: takes a file's name under its indexed folder ({root}): {said}"
    ]
    written_as_said = run("search", f"{said} السلام", "--index", str(greetings_index))
    assert written_as_said.stdout.splitlines()[-1].endswith("matching paragraphs")
    assert not stderr_lines(written_as_said)


def test_a_doc_filter_quoted_or_from_home_gets_the_name_to_write(run, monkeypatch, greetings_index):
    monkeypatch.setenv("HOME", str(greetings_index.parent))
    monkeypatch.chdir("/")
    root = greetings_index.parent / "docs"
    for written in ('"~/docs/news/politics.txt"', f'"{root}/news/politics.txt"'):
        result = run("search", f"doc:{written} السلام", "--index", str(greetings_index))
        assert stderr_lines(result) == [
            f"searchidx: doc: takes a file's name under its indexed folder ({root}): "
            "doc:news/politics.txt"
        ]


def test_a_doc_filter_naming_the_indexed_folder_says_to_leave_it_out(
    run, monkeypatch, greetings_index
):
    monkeypatch.chdir(greetings_index.parent)
    result = run("search", "doc:docs السلام", "--index", str(greetings_index))
    assert stderr_lines(result) == ["searchidx: docs is an indexed folder: search it without doc:"]
    # A name under the folder that names nothing is not taken for a path.
    absent = run("search", "doc:news/none.txt السلام", "--index", str(greetings_index))
    assert absent.stdout.startswith("no paragraph matches")
    assert stderr_lines(absent) == ["searchidx: no indexed document is named news/none.txt"]


@pytest.mark.parametrize(
    ("query", "note"),
    [
        ("في doc:nonexistent.txt", "no indexed document is named nonexistent.txt"),
        ("السلام doc:letters", "no indexed document is named letters; letters.txt is"),
        ("السلام doc:Letters.TXT", "no indexed document is named Letters.TXT; letters.txt is"),
        ("السلام doc:politics", "no indexed document is named politics; news/politics.txt is"),
        ("السلام doc:News/", "no indexed folder is named News/; news/ is"),
        ('السلام doc:"رسائل قديمة.txt"', "no indexed document is named رسائل قديمة.txt"),
    ],
)
def test_a_doc_filter_that_names_no_document_says_so_and_names_a_close_one(
    run, greetings_index, query, note
):
    """«doc:letters» for letters.txt found nothing and said nothing, exit 0."""
    result = run("search", query, "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout.startswith("no paragraph matches")
    assert stderr_lines(result) == [f"searchidx: {note}"]


def test_a_doc_filter_that_names_a_document_gets_no_note(run, greetings_index):
    for query in ("الصبر doc:news/politics.txt", "الصبر doc:news", "السلام doc:letters.txt"):
        result = run("search", query, "--index", str(greetings_index))
        assert result.exit_code == 0 and not stderr_lines(result), query


def test_analyze_text_may_start_with_a_minus(run):
    result = run("analyze", "-عليكم السلام", "--format", "json")
    assert [token["term"] for token in json.loads(result.stdout)["tokens"]] == ["عليكم", "السلام"]


def test_several_words_without_quotes_say_to_quote_them(run, greetings_index):
    result = run("search", "السلام", "عليكم", "--index", str(greetings_index))
    assert result.exit_code == 2
    assert "put a query of several words in quotes" in result.stderr


@pytest.mark.parametrize(
    "query",
    ["doc:", "title:", "السلام doc:", "(title:) السلام", 'doc:"" السلام', 'title:"" السلام'],
)
def test_empty_filter_is_a_usage_error(run, greetings_index, query):
    result = run("search", query, "--index", str(greetings_index))
    assert result.exit_code == 2
    assert "needs a value right after the colon" in result.stderr


def test_traceback_keeps_the_exit_code(run, greetings_index):
    result = run("search", "سوريا OR", "--traceback", "--index", str(greetings_index))
    assert result.exit_code == 2
    assert "Traceback" in result.stderr and "QueryError" in result.stderr


def test_jsonl_of_no_hits_prints_nothing(run, greetings_index):
    result = run("search", "كلمةغائبة", "--format", "jsonl", "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_format_given_to_index_is_refused_before_or_after(run, tmp_path):
    before = run("--format", "json", "index", str(SEED_ARTICLE), "--index", str(tmp_path / "a"))
    after = run("index", str(SEED_ARTICLE), "--index", str(tmp_path / "b"), "--format", "json")
    assert before.exit_code == after.exit_code == 2
    assert "--format is for search, info and analyze" in before.stderr
    assert not (tmp_path / "a").exists()


@pytest.mark.parametrize("command", [["forget", str(SEED_ARTICLE)], ["serve", "--port", "0"]])
def test_format_given_to_forget_or_serve_is_refused(run, seed_index, command):
    """They print no results: a --format before them is a usage error, not ignored."""
    result = run("--format", "json", *command, "--index", str(seed_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"searchidx: error: {command[0]} has no output to format; "
        f"--format is for search, info and analyze (see 'searchidx {command[0]} --help')"
    ]
    assert search(seed_index, "الباغوز").total == 6


def test_offset_and_context_in_json_plain_and_table(run, greetings_index):
    where = ("--index", str(greetings_index))
    first = json.loads(run("search", "السلام", *where, "--format", "json", "--limit", "1").stdout)
    second = run("search", "السلام", *where, "--format", "json", "--offset", "1", "-C", "1")
    payload = json.loads(second.stdout)
    assert payload["total"] == first["total"] == 3
    assert payload["hits"][0]["rank"] == 2
    assert payload["hits"][0]["doc"] != first["hits"][0]["doc"] or (
        payload["hits"][0]["paragraph"] != first["hits"][0]["paragraph"]
    )
    around = {row["paragraph"] for hit in payload["hits"] for row in hit["before"] + hit["after"]}
    assert around and all(isinstance(number, int) for number in around)
    plain = run("search", "رسالتك", *where, "--format", "plain", "--context", "1").stdout
    lines = plain.splitlines()
    assert lines[0] == "  \t  ¶1\tرسائل"
    assert lines[1].startswith("1\t") and "[رسالتك]" in lines[1]
    assert lines[2] == "  \t  ¶3\tعليكم بالصبر فإن الفرج قريب."
    table = run("search", "رسالتك", *where, "--format", "table", "-C", "1", "--color", "always")
    assert "\x1b[2mعليكم بالصبر فإن الفرج قريب.\x1b[0m" in table.stdout


def test_a_later_page_says_which_ranks_it_shows(run, greetings_index):
    where = ("search", "السلام", "--index", str(greetings_index))
    for fmt in ("plain", "table"):
        assert run(*where, "--format", fmt).stdout.splitlines()[-1] == "3 of 3 matching paragraphs"
        second = run(*where, "--format", fmt, "--offset", "1", "--limit", "1").stdout
        assert second.splitlines()[-1] == "2–2 of 3 matching paragraphs"
        last = run(*where, "--format", fmt, "--offset", "1").stdout
        assert last.splitlines()[-1] == "2–3 of 3 matching paragraphs"
    files = run(*where, "--files", "--format", "plain", "--offset", "1").stdout.splitlines()
    assert files[0].startswith("2\t") and files[-1] == "2–2 of 2 matching files (3 paragraphs)"


def test_hits_with_context_are_set_apart_from_each_other(run, greetings_index):
    """Each hit's paragraphs together: «--» between them in plain output, as grep -C
    prints, and a rule in the table; without context, neither."""
    where = ("search", "السلام", "--index", str(greetings_index))
    plain = run(*where, "--format", "plain", "-C", "1").stdout.splitlines()
    groups = "\n".join(plain[:-1]).split("\n--\n")
    assert len(groups) == 3
    assert all(sum(line[:1].isdigit() for line in group.splitlines()) == 1 for group in groups)
    table = run(*where, "--format", "table", "-C", "1").stdout.splitlines()
    rules = [line for line in table if line.startswith("---")]
    assert len(rules) == 1 + 2  # under the header, then between the three hits
    assert "--" not in run(*where, "--format", "plain").stdout.splitlines()


def test_a_hit_without_context_is_set_apart_from_the_one_before(run, tmp_path):
    """A one-paragraph file's hit after a hit shown with the paragraph after it:
    that paragraph must not read as the next hit's."""
    docs = write_corpus(tmp_path / "docs", {
        "letter.txt": "الصبر ثم الصبر ثم الصبر\n\nعليكم بالحلم فإن الفرج قريب",
        "note.txt": "الصبر مفتاح الفرج، وهو عند أهل الحكمة من أعظم الخصال وأجملها",
    })  # fmt: skip
    where = ("--index", str(tmp_path / "ix"))
    assert run("index", str(docs), *where).exit_code == 0
    plain = run("search", "الصبر", *where, "--format", "plain", "-C", "1").stdout.splitlines()
    assert plain[0].startswith("1\t") and plain[0].endswith(
        "letter.txt ¶1\t[الصبر] ثم [الصبر] ثم [الصبر]"
    )
    assert plain[1:3] == ["  \t  ¶2\tعليكم بالحلم فإن الفرج قريب", "--"]
    assert plain[3].startswith("2\t") and "note.txt ¶1\t[الصبر] مفتاح الفرج" in plain[3]
    assert plain[4:] == ["2 of 2 matching paragraphs"]
    table = run("search", "الصبر", *where, "--format", "table", "-C", "1").stdout.splitlines()
    assert len([line for line in table if line.startswith("---")]) == 1 + 1


SERMON = {
    "sermon.txt": "\n\n".join([
        "بسم الله الرحمن الرحيم، والحمد لله رب العالمين",
        "إن الصبر مفتاح الفرج، وبه تنال الأمور العظيمة",
        "وقد قال الحكماء إن العجلة من الشيطان والتأني من الرحمن",
        "فعليكم بالصبر في الشدائد والرخاء",
        "والسلام عليكم ورحمة الله وبركاته",
    ])
}  # fmt: skip


@pytest.mark.parametrize("fmt", ["plain", "table"])
def test_context_of_neighbouring_hits_is_shown_once(run, tmp_path, fmt):
    """Two hits two paragraphs apart: the paragraph between them is shown once, as
    grep -C shows a line once, and neither hit is repeated as the other's context."""
    docs = write_corpus(tmp_path / "docs", SERMON)
    where = ("--index", str(tmp_path / "ix"))
    assert run("index", str(docs), *where).exit_code == 0
    shown = run("search", "الصبر", *where, "--format", fmt, "-C", "1").stdout
    assert shown.count("وقد قال الحكماء") == 1
    assert shown.count("مفتاح الفرج") == shown.count("في الشدائد") == 1
    assert shown.count("بسم الله") == shown.count("والسلام عليكم") == 1
    if fmt == "plain":
        lines = shown.splitlines()
        numbers = [re.search(r"¶(\d)", line)[1] for line in lines[:-1] if "¶" in line]
        # Each hit's paragraphs in order; the two hits' together or set apart by «--».
        assert numbers in (list("12345"), list("34512"))
        assert ("--" in lines) == (numbers[0] == "3")


def test_context_of_records_without_titles_is_each_records_own(run, tmp_path):
    """Records number their paragraphs from 1 and, untitled, share the file's name:
    one record's ¶2 is not another's, and each hit keeps its own context."""
    records = [
        {"id": "r1", "text": "الصبر مفتاح الفرج\n\nوالعجلة من الشيطان"},
        {"id": "r2", "text": "قال الحكيم كلاما\n\nعليكم بالصبر في الشدائد"},
    ]
    lines = "\n".join(json.dumps(record, ensure_ascii=False) for record in records)
    docs = write_corpus(tmp_path / "docs", {"sayings.jsonl": lines})
    where = ("--index", str(tmp_path / "ix"))
    assert run("index", str(docs), *where).exit_code == 0
    plain = run("search", "الصبر", *where, "--format", "plain", "-C", "1").stdout
    assert plain.count("والعجلة من الشيطان") == plain.count("قال الحكيم كلاما") == 1


def test_json_keeps_each_hits_own_context(run, tmp_path):
    docs = write_corpus(tmp_path / "docs", SERMON)
    where = ("--index", str(tmp_path / "ix"))
    assert run("index", str(docs), *where).exit_code == 0
    found = json.loads(run("search", "الصبر", *where, "--format", "json", "-C", "1").stdout)
    context = {hit["paragraph"]: (hit["before"], hit["after"]) for hit in found["hits"]}
    assert [row["paragraph"] for row in context[2][1]] == [3]
    assert [row["paragraph"] for row in context[4][0]] == [3]


@pytest.mark.parametrize("fmt", ["table", "plain", "json", "jsonl"])
def test_files_lists_each_matching_file_once_in_every_format(run, greetings_index, fmt):
    result = run("search", "السلام", "--files", "--index", str(greetings_index), "--format", fmt)
    assert result.exit_code == 0
    if fmt == "json":
        payload = json.loads(result.stdout)
        assert payload["total"] == 2 and payload["paragraphs"] == 3
        assert {(f["doc"], f["hits"]) for f in payload["files"]} == {
            ("news/politics.txt", 2),
            ("letters.txt", 1),
        }
    elif fmt == "jsonl":
        rows = [json.loads(line) for line in result.stdout.splitlines()]
        assert [row["rank"] for row in rows] == [1, 2]
    else:
        lines = result.stdout.splitlines()
        assert sum("politics.txt" in line for line in lines) == 1
        assert sum("letters.txt" in line for line in lines) == 1
        assert lines[-1] == "2 of 2 matching files (3 paragraphs)"


def test_files_summary_says_one_paragraph_in_the_singular(run, greetings_index):
    result = run("search", "الصبر", "--files", "--index", str(greetings_index), "--format", "plain")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "1 of 1 matching files (1 paragraph)"


NEWS_RECORDS = {
    "news.jsonl": "\n".join(
        json.dumps({"id": key, "title": title, "text": text}, ensure_ascii=False)
        for key, title, text in [
            ("a1", "عودة اللاجئين", "عاد اللاجئون إلى سوريا بعد سنوات من الحرب"),
            ("a2", "أسواق النفط", "ارتفعت أسعار النفط\n\nوتأثرت سوريا بارتفاع الأسعار"),
            ("a3", "الطقس", "هطلت الأمطار على دمشق وحلب"),
        ]
    ),
    "poll.csv": "id,title,text\n1,استطلاع,يرى أهل سوريا أن الأسعار مرتفعة\n2,رأي,الطقس معتدل\n",
    "letter.txt": "رسالة من دمشق\n\nالسلام عليكم، هذه رسالة عن سوريا",
}


@pytest.mark.parametrize("fmt", ["table", "plain", "json", "jsonl"])
def test_files_names_a_file_of_records_by_its_name_and_record_count(run, tmp_path, fmt):
    """A file of records is listed as the file it is, with how many records it
    holds, not under the title of one of its records."""
    docs = write_corpus(tmp_path / "docs", NEWS_RECORDS)
    where = ("--index", str(tmp_path / "ix"))
    assert run("index", str(docs), *where).exit_code == 0
    shown = run("search", "سوريا", "--files", *where, "--format", fmt).stdout
    assert "عودة اللاجئين" not in shown and "أسواق النفط" not in shown
    assert "استطلاع" not in shown
    if fmt in ("json", "jsonl"):
        rows = json.loads(shown)["files"] if fmt == "json" else map(json.loads, shown.splitlines())
        found = {row["doc"]: (row["title"], row["hits"], row.get("records")) for row in rows}
        assert found == {
            "news.jsonl": ("news.jsonl", 2, 3),
            "poll.csv": ("poll.csv", 1, 2),
            "letter.txt": ("رسالة من دمشق", 1, None),
        }
    else:
        lines = shown.splitlines()
        assert sum(line.endswith("news.jsonl (3 records)") for line in lines) == 1
        assert sum(line.endswith("poll.csv (2 records)") for line in lines) == 1
        assert sum(line.endswith("letter.txt") for line in lines) == 1


def test_files_refuses_context(run, greetings_index):
    result = run("search", "السلام", "--files", "-C", "1", "--index", str(greetings_index))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--files" in result.stderr


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("ضد~", "'ضد~' needs a word of at least 3 letters"),
        ("~3", "~ goes right after a word"),
        ("الباغوز~3", "the distance after ~ is 1 or 2"),
        ('"الحرب مستمرة"~0', "the words may be 1 to 1000 positions apart"),
        # Not an empty result with exit 0.
        ("الباغوس~1.5", "'الباغوس~1.5': the distance after ~ is 1 or 2"),
        ('"الباغوس~"', "~ does not work inside quotes: write الباغوس~ without them"),
    ],
)
def test_bad_fuzzy_or_proximity_exits_2_with_one_line(run, seed_index, query, message):
    result = run("search", query, "--index", str(seed_index), "--format", "json")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_misplaced_equals_sign_exits_2_with_one_line_saying_how_to_write_it(run, exact_index):
    advice = "searchidx: error: = goes right before a word, with no space: =علي\n"
    for query in ("=", "= علي", "==علي", "=(علي OR على)", "علي ="):
        result = run("search", query, "--index", str(exact_index))
        assert (result.exit_code, result.stderr, result.stdout) == (2, advice, ""), query
    field = run("search", "=title:المكتبة", "--index", str(exact_index), "--format", "json")
    assert field.exit_code == 2 and field.stderr.count("\n") == 1
    assert "not before doc: or title:" in field.stderr


def test_exact_word_in_json_and_plain(run, exact_index):
    where = ("--index", str(exact_index))
    payload = json.loads(run("search", "=على", *where, "--format", "json").stdout)
    assert payload["total"] == 1
    [hit] = payload["hits"]
    assert [hit["text"][start:end] for start, end in hit["matches"]] == ["على"]
    assert hit["snippet"] == "وضع الكتاب [على] الطاولة ثم خرج مسرعا."
    plain = run("search", '"=علي بن ابي طالب"', *where, "--format", "plain")
    assert plain.exit_code == 0
    assert "[علي] [بن] [أبي] [طالب]" in plain.stdout


def test_exact_word_survives_invisible_marks(run, exact_index):
    """A bidi mark copied before «=» or «-» changes nothing."""

    def paragraphs(query):
        result = run("search", query, "--index", str(exact_index), "--format", "json")
        assert result.exit_code == 0, result.stderr
        return sorted(hit["paragraph"] for hit in json.loads(result.stdout)["hits"])

    for query in ("=على", "\u200f=على", "\u200e=على", "\ufeff=على"):
        assert paragraphs(query) == [2], query
    assert paragraphs("قال \u200f-علي") == paragraphs("قال -علي") == [4]


def test_fuzzy_and_proximity_in_json(run, seed_index):
    fuzzy = run("search", "الباغوس~", "--index", str(seed_index), "--format", "json")
    payload = json.loads(fuzzy.stdout)
    assert payload["total"] == 6
    assert all("[الباغوز]" in hit["snippet"] for hit in payload["hits"])
    near = run("search", '"مستمرة الحرب"~2', "--index", str(seed_index), "--format", "json")
    assert json.loads(near.stdout)["total"] >= 1


def test_did_you_mean_is_one_stderr_line_in_table_and_plain_and_a_list_in_json(run, seed_index):
    assert_suggested(run, seed_index, "الباغوس", "الباغوز", 6)


def test_did_you_mean_comes_with_files_and_json_lines(run, seed_index):
    """Wherever results are shown: --files in every format, and JSON Lines' last line."""
    where = ("--index", str(seed_index))
    for fmt in ("table", "plain"):
        result = run("search", "الباغوس", "--files", *where, "--format", fmt)
        assert result.exit_code == 0
        assert result.stderr == "did you mean: «الباغوز» (6 paragraphs)?\n"
    suggested = [{"query": "الباغوز", "total": 6}]
    files = json.loads(run("search", "الباغوس", "--files", *where, "--format", "json").stdout)
    assert files["total"] == 0 and files["suggestions"] == suggested
    for options in ((), ("--files",)):
        lines = run("search", "الباغوس", *options, *where, "--format", "jsonl").stdout
        assert [json.loads(line) for line in lines.splitlines()] == [{"suggestions": suggested}]
    # A word found often enough gets no suggestion line: only its records.
    found = run("search", "الباغوز", "--files", *where, "--format", "jsonl").stdout.splitlines()
    assert found and all("rank" in json.loads(line) for line in found)


def test_an_offset_past_the_last_hit_says_so(run, greetings_index):
    result = run("search", "السلام", "--offset", "50", "--index", str(greetings_index))
    assert result.exit_code == 0
    assert result.stdout.strip() == "3 paragraphs match «السلام», all before this --offset"
    # Files too: they match, none is on this page.
    files = run("search", "السلام", "--files", "--offset", "5", "--index", str(greetings_index))
    assert files.exit_code == 0
    assert files.stdout.strip() == "2 files match «السلام», all before this --offset"


def test_unknown_encoding_name_is_a_usage_error(run, library):
    """A misspelt --encoding is a mistake in the command, not a reason to skip every file."""
    folder, index_dir = library
    (folder / "more.txt").write_text(ARABIC, encoding="utf-8")
    result = run("index", str(folder), "--index", str(index_dir), "--encoding", "klingon")
    assert result.exit_code == 2
    assert "klingon" in result.stderr
    assert "skipped" not in result.stderr
    assert "Traceback" not in result.output
    assert paragraph_count(run, index_dir) == 3


@pytest.mark.parametrize("where", [0, 1, 4])
def test_traceback_flag_shows_the_traceback_and_keeps_the_exit_code(run, tmp_path, where):
    """--traceback is for bug reports: the traceback, not the one-line summary,
    wherever it is typed; the exit code stays the error's."""
    args = ["search", "سوريا", "--index", str(tmp_path / "nothing-here")]
    args.insert(where, "--traceback")
    shown = run(*args)
    assert shown.exit_code == 1
    assert "Traceback" in shown.stderr and "IndexNotFound" in shown.stderr
    assert run(*[arg for arg in args if arg != "--traceback"]).exit_code == 1


@pytest.mark.slow
@pytest.mark.parametrize("how", ["flag", "flag after the command", "environment"])
def test_traceback_on_request_in_a_real_process(tmp_path, how):
    missing = str(tmp_path / "nothing-here")
    args = ["search", "سوريا", "--index", missing]
    env = {}
    if how == "flag":
        args.insert(0, "--traceback")
    elif how == "flag after the command":
        args.append("--traceback")
    else:
        env[TRACEBACK_VARIABLE] = "1"
    result = run_cli(*args, env=env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "IndexNotFound" in result.stderr


@pytest.mark.slow
def test_no_traceback_without_asking(tmp_path):
    result = run_cli("search", "سوريا", "--index", str(tmp_path / "nothing-here"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("searchidx: error: no index at")


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["search", "الباغوز", "--format", "json"],
        ["search", "الباغوز", "--files", "--format", "plain"],
        ["analyze", "الخلايا النائمة", "--format", "jsonl"],
        ["--help"],
    ],
)
def test_output_whose_reader_went_away_ends_quietly(seed_index, args):
    """`searchidx search … | head -1`: exit 0 and nothing on stderr, not click's exit 1."""
    process = subprocess.Popen(
        cli_command(*args, *(["--index", str(seed_index)] if args[0] == "search" else [])),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
    )
    process.stdout.close()  # before the command writes: its first write breaks the pipe
    stderr = process.stderr.read().decode("utf-8")
    assert process.wait(timeout=SUBPROCESS_TIMEOUT) == 0
    assert stderr == ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize(
    "args",
    [
        ["search", "الباغوز", "--format", "json"],
        ["search", "الخلايا النائمة", "--files"],
        ["info", "--files"],
    ],
)
def test_output_to_a_full_disk_is_one_line(seed_index, args):
    """`searchidx search … > results.json` on a full disk: exit 1, one line, no traceback."""
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            cli_command(*args, "--index", str(seed_index)),
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            timeout=SUBPROCESS_TIMEOUT,
            check=False,
        )
    assert result.returncode == 1
    assert result.stderr == (
        "searchidx: error: cannot write the output: No space left on device; "
        "free some space or send it elsewhere\n"
    )


# Runs the command as the `searchidx` script does, with a Ctrl-C (a KeyboardInterrupt)
# arriving while click is being imported, as it would in a command's first ~100 ms.
_INTERRUPTED_WHILE_IMPORTING = """
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "click":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupt())
from searchidx.__main__ import run
sys.argv[0] = "searchidx"
run()
"""


@pytest.mark.slow
def test_ctrl_c_while_the_command_starts_is_one_line_and_exit_130():
    interrupted = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED_WHILE_IMPORTING, "info"],
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert interrupted.returncode == 130
    assert interrupted.stderr == (
        "searchidx: interrupted; the index keeps its last completed update\n"
    )


@pytest.mark.parametrize(
    ("command", "said"),
    [
        ("search", "searchidx: interrupted"),
        ("index", "searchidx: interrupted; the index keeps its last completed update"),
    ],
)
def test_ctrl_c_says_what_it_stopped(run, monkeypatch, corpus, small_index, command, said):
    """A search has no update to keep; an indexing run keeps its last completed one.
    Into a pipe that line is all: no blank line before it."""

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("searchidx.index.facade.Index.search", interrupted)
    monkeypatch.setattr("searchidx.index.facade.Index.update", interrupted)
    argument = "سوريا" if command == "search" else str(corpus)
    result = run(command, argument, "--index", str(small_index))
    assert result.exit_code == 130
    assert result.stderr == said + "\n"


# Runs the command as `searchidx` does, with a Ctrl-C in the middle of its work: an
# indexing run after its progress bar showed one file, a search at once.
_INTERRUPTED_MIDWAY = """
import sys
from searchidx.index.facade import Index
def interrupted(self, *args, **kwargs):
    if len(args) > 2 and args[2] is not None:  # update's progress callback
        args[2](1, 3, "hadith.txt")
    raise KeyboardInterrupt
Index.update = Index.search = interrupted
from searchidx.cli import run
sys.argv[0] = "searchidx"
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "ending"),
    [
        # The bar ends its own line (and shows the cursor again): no blank line after it.
        (
            "index",
            "\x1b[?25h\r\nsearchidx: interrupted; the index keeps its last completed update\r\n",
        ),
        # No bar: the line the terminal echoed «^C» on is ended first.
        ("search", "\r\nsearchidx: interrupted\r\n"),
    ],
)
def test_ctrl_c_on_a_terminal_ends_the_line_it_interrupted(small_index, corpus, command, ending):
    controller, terminal = pty.openpty()
    argument = str(corpus) if command == "index" else "سوريا"
    with subprocess.Popen(
        [sys.executable, "-c", _INTERRUPTED_MIDWAY, command, argument, "--index", str(small_index)],
        stdout=subprocess.DEVNULL,
        stderr=terminal,
        env=cli_env(),
    ) as process:
        os.close(terminal)
        shown = b""
        with contextlib.suppress(OSError):  # the terminal closed: the process is gone
            while chunk := os.read(controller, 4096):
                shown += chunk
        assert process.wait(timeout=SUBPROCESS_TIMEOUT) == 130
    os.close(controller)
    text = shown.decode("utf-8")
    assert text.endswith(ending), text
    if command == "search":
        assert text == ending
    assert "Traceback" not in text


# Runs the command as `searchidx` does, with an exit handler that says whether
# Python's teardown ran.
_WITH_EXIT_HANDLER = """
import atexit, sys
atexit.register(lambda: print("teardown", file=sys.stderr))
from searchidx.cli import run
sys.argv[0] = "searchidx"
run()
"""


def _update_then_search(script: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess, ...]:
    """``script`` run with the arguments of an update of a new index, then of a
    search of it (which must find «السلام» in a.txt), then of a search of no index."""
    docs = write_corpus(tmp_path / "docs", {"a.txt": "السلام عليكم ورحمة الله\n"})
    index = str(tmp_path / "index")

    def command(*args):
        return subprocess.run(
            [sys.executable, "-c", script, *args],
            capture_output=True,
            text=True,
            env=cli_env(),
            timeout=SUBPROCESS_TIMEOUT,
        )

    updated = command("index", str(docs), "--index", index)
    assert updated.returncode == 0, updated.stderr
    found = command("search", "السلام", "--index", index, "--format", "jsonl")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["doc"] == "a.txt"  # written out in full before the exit
    missing = command("search", "السلام", "--index", str(tmp_path / "none"))
    return updated, found, missing


@pytest.mark.slow
def test_a_search_ends_without_teardown_and_an_update_ends_the_usual_way(tmp_path):
    updated, found, missing = _update_then_search(_WITH_EXIT_HANDLER, tmp_path)
    assert updated.stderr.splitlines()[-1] == "teardown"
    assert "teardown" not in found.stderr
    assert missing.returncode == 1
    assert missing.stderr.startswith("searchidx: error: no index at")
    assert "teardown" not in missing.stderr


# Runs the command as `searchidx` does, saying on stderr whether Python's cyclic
# garbage collector was on while the index was searched or updated.
_WITH_COLLECTOR_REPORT = """
import gc, sys
from searchidx.index import Index

def reporting(method):
    def run(*args, **kwargs):
        print(f"{method.__name__}: collector {'on' if gc.isenabled() else 'off'}", file=sys.stderr)
        return method(*args, **kwargs)
    return run

Index.search = reporting(Index.search)
Index.update = reporting(Index.update)
sys.argv[0] = "searchidx"
from searchidx.__main__ import run
run()
"""


@pytest.mark.slow
def test_a_search_runs_without_the_cyclic_collector_and_an_update_with_it(tmp_path):
    updated, found, missing = _update_then_search(_WITH_COLLECTOR_REPORT, tmp_path)
    assert "update: collector on" in updated.stderr.splitlines()
    assert found.stderr.splitlines() == ["search: collector off"]
    assert missing.returncode == 1
    # The library, and main() as tests call it, leave the collector as they found it.
    index = str(tmp_path / "index")
    assert main(["search", "السلام", "--index", index, "--format", "jsonl"]) == 0
    assert gc.isenabled()


# Runs the command as `searchidx` does, saying on stderr how many threads OpenBLAS
# (loaded with numpy by the search) was allowed when the index was searched.
_WITH_BLAS_REPORT = """
import os, sys
from searchidx.index import Index
search = Index.search

def reporting(*args, **kwargs):
    print("OpenBLAS threads:", os.environ.get("OPENBLAS_NUM_THREADS"), file=sys.stderr)
    return search(*args, **kwargs)

Index.search = reporting
sys.argv[0] = "searchidx"
from searchidx.__main__ import run
run()
"""


@pytest.mark.slow
@pytest.mark.parametrize(("configured", "used"), [(None, "1"), ("3", "3")])
def test_a_search_starts_one_blas_thread_unless_the_user_set_a_number(
    greetings_index, configured, used
):
    env = cli_env()
    env.pop("OPENBLAS_NUM_THREADS", None)
    if configured:
        env["OPENBLAS_NUM_THREADS"] = configured
    search = ["search", "السلام", "--index", str(greetings_index), "--format", "jsonl"]
    found = subprocess.run(
        [sys.executable, "-c", _WITH_BLAS_REPORT, *search],
        capture_output=True,
        text=True,
        env=env,
        timeout=SUBPROCESS_TIMEOUT,
    )
    assert found.returncode == 0, found.stderr
    assert found.stderr.splitlines() == [f"OpenBLAS threads: {used}"]
    assert json.loads(found.stdout.splitlines()[0])["doc"] == "news/politics.txt"


def test_a_fault_of_searchidx_is_one_line_not_a_changed_index(run, greetings_index, monkeypatch):
    # A search that fails the same way twice on an index no writer touched is not
    # "the index changed, search again": the error itself, one line, exit 1.
    from searchidx.search import run as search_run

    def broken(*args, **kwargs):
        raise AttributeError("'NoneType' object has no attribute 'maxdist'")

    monkeypatch.setattr(search_run, "run_search", broken)
    result = run("search", "سوريا", "--index", str(greetings_index))
    assert result.exit_code == 1
    assert stderr_lines(result) == [
        "searchidx: unexpected error (AttributeError: 'NoneType' object has no attribute "
        "'maxdist'); run again with --traceback to see where, and report it"
    ]
    assert (
        "Traceback" in run("search", "سوريا", "--traceback", "--index", str(greetings_index)).stderr
    )


def test_a_refused_first_index_leaves_no_empty_index_behind(run, tmp_path):
    """Refused for a symbolic link, the first run left an empty index, and a later
    bare `searchidx index` said it «holds no folders yet»."""
    archive = write_corpus(tmp_path, {"archive/hadith/a.txt": "حدثنا مالك عن نافع.\n"}) / "archive"
    (archive / "link").symlink_to(archive / "hadith")
    index_dir = tmp_path / "ix"
    result = run("index", str(archive / "link"), str(archive), "--index", str(index_dir))
    assert result.exit_code == 2
    assert "through a symbolic link: they would be indexed twice" in result.stderr
    assert not index_dir.exists()
    index_dir.mkdir()  # an empty folder of the user's stays, empty
    result = run("index", str(archive / "link"), str(archive), "--index", str(index_dir))
    assert result.exit_code == 2 and list(index_dir.iterdir()) == []


@pytest.mark.parametrize("option", ["--text-field", "--id-field", "--title-field", "--include"])
def test_an_empty_field_or_pattern_is_a_usage_error(run, tmp_path, option):
    """Empty, it named nothing, yet as an option given it replaced the options the
    index remembered for the folder (its --hidden went)."""
    notes = write_corpus(tmp_path, {"notes/a.txt": "زرت المكتبة.\n"}) / "notes"
    result = run("index", str(notes), option, "", "--index", str(tmp_path / "ix"))
    assert result.exit_code == 2
    assert f"Invalid value for '{option}': empty; name one, or leave the option out" in (
        result.stderr
    )
    assert not (tmp_path / "ix").exists()
