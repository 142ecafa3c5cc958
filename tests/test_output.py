"""The terminal display: a table that fits, colour only where wanted, --bidi, progress, grammar.

The terminal tests run the real command under a pseudo-terminal of 80 columns,
as a user's shell would.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import re
import struct
import subprocess
import termios
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from wcwidth import wcswidth

from searchidx import Index
from searchidx.output import render_results

from .conftest import SMALL_CORPUS, cli_command, write_corpus

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def in_terminal(args: list[str], columns: int = 80, env: dict | None = None) -> tuple[int, str]:
    """Run ``searchidx ARGS`` with stdout and stderr on a terminal of ``columns``."""
    leader, follower = os.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        cli_command(*args),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**os.environ, **(env or {})},
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    return process.wait(), output.decode("utf-8").replace("\r\n", "\n")


def width(line: str) -> int:
    return wcswidth(ANSI.sub("", line))


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    for name in ("NO_COLOR", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")


@pytest.mark.slow
def test_table_fits_80_columns_and_wraps_snippets_at_word_ends(bundled_index):
    code, output = in_terminal(["search", "الخلايا النائمه", "--index", str(bundled_index)])
    assert code == 0
    lines = output.splitlines()
    assert max(width(line) for line in lines) <= 80
    assert max(width(line) for line in lines) >= 70  # and uses the width it has
    assert lines[0].split() == ["#", "score", "where", "snippet"]
    with Index.open(bundled_index) as index:
        hits = index.search("الخلايا النائمه").hits
    snippet_start = lines[1].rindex(" ") + 1
    # The first hit's snippet, read back from its wrapped lines, is the snippet.
    first = []
    for line in lines[2:]:
        if first and line[:5].strip():  # the next hit's rank
            break
        first.append(ANSI.sub("", line)[snippet_start:].strip())
    assert " ".join(first) == hits[0].snippet.replace("[", "").replace("]", "")


@pytest.mark.slow
def test_table_follows_a_wider_terminal(bundled_index):
    _, output = in_terminal(["search", "سوريا", "--index", str(bundled_index)], columns=140)
    widths = [width(line) for line in output.splitlines()]
    assert 110 < max(widths) <= 140


@pytest.mark.slow
def test_colour_on_a_terminal_only_unless_asked(bundled_index):
    query = ["search", "سوريا", "--index", str(bundled_index)]
    _, coloured = in_terminal(query)
    assert "\x1b[1;31mسوريا\x1b[0m" in coloured
    for env in ({"NO_COLOR": "1"}, {"TERM": "dumb"}):
        _, output = in_terminal(query, env=env)
        assert not ANSI.search(output) and "[سوريا]" in output
    _, output = in_terminal([*query, "--color", "never"])
    assert not ANSI.search(output)
    _, output = in_terminal([*query, "--color", "always"], env={"NO_COLOR": "1"})
    assert ANSI.search(output)


def test_colour_always_reaches_a_pipe_but_never_machine_formats(run, bundled_index):
    query = ["search", "سوريا", "--index", str(bundled_index), "--color", "always"]
    assert "\x1b[1;31m" in run(*query, "--format", "table").stdout
    for fmt in ("plain", "json", "jsonl"):
        assert "\x1b" not in run(*query, "--format", fmt).stdout


@pytest.mark.parametrize("bidi", [False, True])
def test_colour_marks_the_words_plain_output_brackets(tmp_path, bidi):
    from searchidx.output import _visual

    # Words the tokenizer parts with no space between: a ligature against a word,
    # digits against letters, a word after an escaped bidi embedding.
    texts = {
        "hadith.txt": "قال رسول اللهﷺ: إنما الأعمال بالنيات\n\nسمعت النبي ﷺ يقول ﷺﷺ مرتين\n",
        "news.txt": "في عام2024م وصل العدد3 إلى 5كم\n\n\u202bمرحبا بالعالم\u202c ثم السلام\n",
    }
    docs = write_corpus(tmp_path / "docs", texts)
    with Index.create(tmp_path / "index") as index:
        index.update([docs])
        for query in ("ﷺ", "2024", "كم", "3", "مرحبا", '"الله ﷺ"~5'):
            results = index.search(query)
            plain = render_results(results, "plain")
            table = render_results(results, "table", color=True, width=200, bidi=bidi)
            bracketed = re.findall(r"\[([^\]]+)\]", plain)
            coloured = re.findall(r"\x1b\[1;31m(.*?)\x1b\[0m", table)
            if bidi:
                bracketed = [_visual(word) for word in bracketed]
            assert bracketed and sorted(coloured) == sorted(bracketed), query
    assert "\x1b[1;31mﷺ\x1b[0m\x1b[1;31mﷺ\x1b[0m" in render_results(
        results, "table", color=True, width=200
    )


def test_colour_marks_a_phrase_and_near_words_where_they_stand(tmp_path):
    # As the plain output marks them: not the «الكتاب» of «الكتاب القديم» later on.
    long_word = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 2
    texts = {
        "library.txt": "قرأت الكتاب الجديد في المكتبة ثم أعدت الكتاب القديم إلى الرف\n\n"
        f"كلمة {long_word} طويلة\n"
    }
    docs = write_corpus(tmp_path / "docs", texts)
    with Index.create(tmp_path / "index") as index:
        index.update([docs])
        for query in ('"الكتاب الجديد"', '"الكتاب الجديد"~2', "الكتاب"):
            results = index.search(query)
            table = render_results(results, "table", color=True, width=200)
            coloured = re.findall(r"\x1b\[1;31m(.*?)\x1b\[0m", table)
            expected = re.findall(r"\[([^\]]+)\]", render_results(results, "plain"))
            assert coloured == expected, query
        assert coloured == ["الكتاب", "الكتاب"]  # a word asked alone: every copy
        # A word longer than the snippet's column, cut over lines: coloured in each.
        table = render_results(index.search(long_word), "table", color=True, width=70)
        parts = re.findall(r"\x1b\[1;31m(.*?)\x1b\[0m", table)
        assert len(parts) > 1 and "".join(parts) == long_word
        assert "\ufffc" not in table


def test_bidi_shows_each_line_in_display_order(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # hits show their path from here: a short one
    monkeypatch.setenv("COLUMNS", "120")  # wide enough for the sentence on one line
    Index.create(tmp_path / "index").update([write_corpus(tmp_path / "docs", SMALL_CORPUS)])
    query = ["search", "سوريا", "--index", str(tmp_path / "index"), "--color", "never"]
    result = run(*query, "--format", "table", "--bidi")
    logical = "عاد اللاجئون إلى [سوريا] بعد سنوات من الحرب."
    # Right to left, read from the left: reversed, and the brackets mirrored.
    visual = logical[::-1].translate(str.maketrans("[]", "]["))
    assert visual == ".برحلا نم تاونس دعب [ايروس] ىلإ نوئجاللا داع"
    assert visual in [line.strip()[-len(visual) :] for line in result.stdout.splitlines()]
    for fmt in ("plain", "json", "jsonl"):
        assert run(*query, "--format", fmt, "--bidi").stdout == run(*query, "--format", fmt).stdout


def test_bidi_keeps_vowel_marks_on_their_letters():
    from searchidx.output import _visual

    # In display order a mark must still follow the letter it belongs to.
    assert _visual("أنّ") == "نّأ"


@pytest.mark.slow
def test_bidi_colours_the_matched_words(bundled_index):
    _, output = in_terminal(["search", "الخلايا", "--index", str(bundled_index), "--bidi"])
    assert "\x1b[1;31mايالخلا\x1b[0m" in output


def test_a_long_name_is_cut_after_a_separator():
    from searchidx.search.results import Hit, SearchResults

    text = "افتتحت المكتبة الوطنية قاعة جديدة للكتب النادرة والمخطوطات."
    name = "archive/2024/national-library-news.txt"
    hit = Hit(1, 1.0, "", "", name, "", 2, "", text, text, [], (0, 60))
    table = render_results(SearchResults("المكتبة", 1, [hit]), "table", width=60)
    assert max(width(line) for line in table.splitlines()) <= 60
    assert "archive/2024/" in table.splitlines()[2]


@pytest.mark.parametrize("fmt", ["table", "plain"])
def test_a_page_past_the_last_hit_counts_what_matched(fmt):
    from searchidx.output import render_file_results
    from searchidx.search.results import FileResults, SearchResults

    assert render_results(SearchResults("الباغوز", 1, []), fmt) == (
        "1 paragraph matches «الباغوز», all before this --offset"
    )
    assert render_file_results(FileResults("الباغوز", 1, 3, []), fmt) == (
        "1 file matches «الباغوز», all before this --offset"
    )
    assert render_file_results(FileResults("الباغوز", 0, 0, []), fmt) == (
        "no file matches «الباغوز»"
    )


@pytest.mark.slow
def test_progress_shows_the_commit_after_the_last_file(tmp_path):
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    code, output = in_terminal(["index", str(docs), "--index", str(tmp_path / "index")])
    assert code == 0
    assert "committing" in output and "100%" in output
    assert "indexed 3 files (3 new, 0 changed), 10 paragraphs" in output


def test_one_file_is_one_file(run, tmp_path):
    docs = write_corpus(tmp_path / "docs", {"news.txt": "أخبار سوريا"})
    first = run("index", str(docs), "--index", str(tmp_path / "index"))
    assert "indexed 1 file (1 new, 0 changed), 1 paragraph;" in first.stderr
    again = run("index", str(docs), "--index", str(tmp_path / "index"))
    assert "index is up to date: 1 file unchanged" in again.stderr


def test_a_first_run_that_indexes_nothing_does_not_say_up_to_date(run, tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0")
    (docs / "empty.txt").write_text("")
    result = run("index", str(docs), "--index", str(tmp_path / "index"))
    assert result.exit_code == 1
    assert "up to date" not in result.stderr
    assert result.stderr.splitlines()[-1].startswith(
        "searchidx: error: nothing indexed: no readable documents found (1 skipped)"
    )


def test_render_results_wraps_to_the_width_it_is_given(bundled_index):
    with Index.open(bundled_index) as index:
        results = index.search("سوريا", limit=5)
    for columns in (60, 80, 100):
        table = render_results(results, "table", width=columns)
        assert max(width(line) for line in table.splitlines()) <= columns


def test_readme_shows_the_terminal_options():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    for option in ("--color", "--bidi", "NO_COLOR"):
        assert option in readme


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.text(alphabet="سوريااللاجئونَُِّ٠١٢abc…«»", min_size=1, max_size=12), max_size=30
    ),
    columns=st.integers(min_value=8, max_value=60),
)
def test_wrapping_keeps_every_word_and_the_width(words, columns):
    from searchidx.output import _display_width, _wrap

    text = " ".join(words)
    lines = _wrap(text, columns)
    assert all(_display_width(line) <= columns for line in lines)
    # Words that fit a line come back whole and in order; longer ones are cut.
    if all(_display_width(word) <= columns for word in words):
        assert " ".join(lines) == " ".join(text.split())
        # Each line is as full as it can be: the next line's first word did not fit.
        for line, following in itertools.pairwise(lines):
            assert _display_width(f"{line} {following.split()[0]}") > columns
    else:
        assert "".join(lines).replace(" ", "") == text.replace(" ", "")
