"""Robustness: odd encodings, files that are not text, interrupted and concurrent runs,
malformed queries. Whatever goes wrong, the user gets one line naming the file or the
query and the reason, the right exit code, and an index that still holds every
paragraph of the last completed run, once.
"""

import codecs
import contextlib
import json
import os
import random
import re
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import searchidx.index.store
import searchidx.text
from searchidx import Index
from searchidx.cli import ENV_TRACEBACK
from searchidx.errors import QueryError

from .conftest import SMALL_CORPUS, write_corpus

EARLIER = (
    "أعلنت وزارة الصحة في دمشق عن افتتاح مستشفى جديد في ريف حلب.\n\n"
    "قال المتحدث باسم الحكومة إن ألف أسرة عادت إلى منازلها في حمص.\n\n"
    "ارتفعت أسعار القمح في الأسواق المحلية بنسبة عشرة بالمئة.\n"
)
ARABIC = (
    "عاد اللاجئون إلى سوريا بعد سنوات من الحرب.\n\n"
    "وصل الوفد الدولي إلى بيروت أمس لبحث إعادة الإعمار.\n"
)
TEMPLATES = (
    "أعلنت وزارة الصحة في دمشق في البيان {n} عن افتتاح مستشفى يضم {k} سريرا في ريف حلب.",
    "قال المتحدث باسم الحكومة إن {k} أسرة عادت إلى منازلها في حمص بحسب التقرير {n}.",
    "ارتفعت أسعار القمح في الأسواق المحلية بنسبة {k} بالمئة وفق النشرة رقم {n}.",
    "وصل وفد من الأمم المتحدة إلى بيروت لبحث خطة الإعمار {n} مع ممثلي {k} منظمة.",
    "شارك {k} طالبا في مسابقة القراءة الوطنية في مكتبة الإسكندرية ضمن الدورة {n}.",
)
# Enough text (over 4 MB) for the indexer to fork its parallel workers.
BIG_FILES, BIG_PARAGRAPHS = 200, 100
SUBPROCESS_TIMEOUT = 120


# Helpers


def write_news(folder: Path, files: int, paragraphs: int, first: int) -> int:
    """Write generated news paragraphs, each with its own number from ``first``; count them."""
    folder.mkdir(parents=True, exist_ok=True)
    for f in range(files):
        blocks = []
        for p in range(paragraphs):
            n, k = first + f * paragraphs + p, (7 * p + f) % 90 + 2
            blocks.append(
                TEMPLATES[(f + p) % 5].format(n=n, k=k)
                + " "
                + TEMPLATES[(f + p + 2) % 5].format(n=n, k=k + 1)
            )
        (folder / f"news{f:03d}.txt").write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
    return files * paragraphs


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def lines_about(result, kind: str, path: Path) -> list[str]:
    """The ``searchidx: skipped PATH: ...`` or ``searchidx: warning: PATH: ...`` lines."""
    prefix = f"searchidx: {kind} {path}:" if kind == "skipped" else f"searchidx: {kind}: {path}:"
    return [line for line in stderr_lines(result) if line.startswith(prefix)]


def found(run, index_dir, query: str) -> list[tuple[str, int]]:
    result = run("search", query, "--index", str(index_dir), "--format", "json", "-n", "100")
    assert result.exit_code == 0, result.stderr
    return [(hit["doc"], hit["paragraph"]) for hit in json.loads(result.stdout)["hits"]]


def paragraph_count(run, index_dir) -> int:
    result = run("info", "--index", str(index_dir), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["paragraphs"]


def assert_earlier_found(run, index_dir) -> None:
    assert found(run, index_dir, "مستشفى") == [("earlier.txt", 1)]
    assert found(run, index_dir, "القمح") == [("earlier.txt", 3)]


def assert_reindex_keeps_count(run, index_dir, folder: Path, *options: str) -> None:
    """Indexing the same files again, updating or rebuilding, neither adds nor loses any."""
    before = paragraph_count(run, index_dir)
    again = run("index", str(folder), "--index", str(index_dir), *options)
    assert again.exit_code == 0, again.stderr
    assert paragraph_count(run, index_dir) == before
    rebuilt = run("index", "--rebuild", str(folder), "--index", str(index_dir), *options)
    assert rebuilt.exit_code == 0, rebuilt.stderr
    assert paragraph_count(run, index_dir) == before


@pytest.fixture
def library(run, tmp_path) -> tuple[Path, Path]:
    """A folder whose ``earlier.txt`` is already indexed, and the index."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "earlier.txt").write_text(EARLIER, encoding="utf-8")
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    return folder, index_dir


def minimal_png() -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)  # 16x16, 8-bit RGB
    rows = (b"\x00" + b"\xff\x00\x00" * 16) * 16  # filter byte, then red pixels
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# Subprocesses: the real command, killed and interrupted like a user would


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "searchidx", *args]


def cli_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop(ENV_TRACEBACK, None)
    env.pop("SEARCHIDX_INDEX", None)
    return env


def run_cli(*args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        env=env or cli_env(),
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


@pytest.fixture
def start_cli():
    """Start ``searchidx`` in a process group of its own; leftovers are killed at teardown."""
    started = []

    def start(*args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            cli_command(*args),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=cli_env(),
            start_new_session=True,
            # Interruptible even when the tests run with SIGINT ignored (in the background).
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        started.append(process)
        return process

    yield start
    for process in started:
        with contextlib.suppress(ProcessLookupError):  # it and its workers are gone
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        process.stdout.close()
        process.stderr.close()


def wait_until_writing(process: subprocess.Popen, index_dir: Path, seconds: float = 1.5) -> None:
    """Return once the run has begun writing to ``index_dir`` and has run ``seconds``."""
    before = set(os.listdir(index_dir))
    started = time.monotonic()
    while time.monotonic() - started < 30:
        assert process.poll() is None, "the indexing run ended before it could be interrupted"
        if set(os.listdir(index_dir)) - before and time.monotonic() - started >= seconds:
            return
        time.sleep(0.05)
    pytest.fail("the indexing run wrote nothing to the index in 30 s")


def wait_for_group_to_end(pgid: int, seconds: float = 5) -> None:
    """Fail if processes of the group (parallel indexing workers) are still running."""
    deadline = time.monotonic() + seconds
    while True:
        running = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError):
                state, _, group = stat.read_text().rsplit(")", 1)[1].split()[:3]
                if int(group) == pgid and state != "Z":
                    running.append(int(stat.parent.name))
        if not running:
            return
        if time.monotonic() > deadline:
            pytest.fail(f"processes {running} of the interrupted run are still running")
        time.sleep(0.1)


def count_in(index_dir: Path) -> int:
    result = run_cli("info", "--index", str(index_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["paragraphs"]


def total_of(index_dir: Path, query: str) -> int:
    result = run_cli("search", query, "--index", str(index_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return json.loads(result.stdout)["total"]


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("big") / "news"
    write_news(folder, BIG_FILES, BIG_PARAGRAPHS, first=100_000)
    return folder


@pytest.fixture
def committed(tmp_path) -> tuple[Path, int]:
    """An index holding 15 paragraphs (numbers 900000-900014), committed."""
    folder = tmp_path / "earlier"
    count = write_news(folder, 3, 5, first=900_000)
    index_dir = tmp_path / "ix"
    assert run_cli("index", str(folder), "--index", str(index_dir)).returncode == 0
    return index_dir, count


# 1. Decoding


ENCODED = {
    "utf-8": ARABIC.encode("utf-8"),
    "utf-8 with BOM": codecs.BOM_UTF8 + ARABIC.encode("utf-8"),
    "utf-16-le with BOM": codecs.BOM_UTF16_LE + ARABIC.encode("utf-16-le"),
    "utf-16-be with BOM": codecs.BOM_UTF16_BE + ARABIC.encode("utf-16-be"),
    "utf-32 with BOM": ARABIC.encode("utf-32"),
    "windows-1256": ARABIC.encode("cp1256"),
}


@pytest.mark.parametrize("encoding", list(ENCODED))
def test_arabic_is_decoded_without_being_told_the_encoding(run, library, encoding):
    """Files saved by Notepad, Word or old Arabic Windows are found with the same words."""
    folder, index_dir = library
    (folder / "encoded.txt").write_bytes(ENCODED[encoding])
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    assert stderr_lines(result) == [stderr_lines(result)[-1]]  # only the summary
    assert found(run, index_dir, "سوريا") == [("encoded.txt", 1)]
    assert found(run, index_dir, "الإعمار") == [("encoded.txt", 2)]
    payload = json.loads(
        run("search", "بيروت", "--index", str(index_dir), "--format", "json").stdout
    )
    assert payload["hits"][0]["text"] == "وصل الوفد الدولي إلى بيروت أمس لبحث إعادة الإعمار."
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder)


MOSTLY_ENGLISH = (
    "The delegation met in Beirut on Monday to discuss the reconstruction plan, according "
    "to the statement issued by the ministry after the meeting. The word سوريا was quoted.\n\n"
    "Officials said the schools would reopen next month after the repairs were finished.\n"
)


def test_windows_1256_with_one_arabic_word_is_detected_and_can_be_forced(run, library):
    """A Windows-1256 file whose only non-ASCII word is Arabic reads as Windows-1256,
    without being told and with --encoding cp1256."""
    folder, index_dir = library
    path = folder / "mostly-english.txt"
    path.write_bytes(MOSTLY_ENGLISH.encode("cp1256"))

    guessed = run("index", str(folder), "--index", str(index_dir))
    assert guessed.exit_code == 0
    assert lines_about(guessed, "skipped", path) == []
    assert found(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]

    forced = run("index", str(folder), "--index", str(index_dir), "--encoding", "cp1256")
    assert forced.exit_code == 0
    assert lines_about(forced, "skipped", path) == []
    assert found(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    # Forced on everything, cp1256 would turn the UTF-8 file into mojibake: reported instead.
    rebuilt = run(
        "index", "--rebuild", str(folder), "--index", str(index_dir), "--encoding", "cp1256"
    )
    [line] = lines_about(rebuilt, "skipped", folder / "earlier.txt")
    assert "decoded as cp1256 the text has" in line and "other scripts" in line
    assert found(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]


def test_damaged_utf8_is_indexed_with_a_warning(run, library):
    """A few broken bytes cost a warning naming the file, not the file's words."""
    folder, index_dir = library
    path = folder / "damaged.txt"
    good = (ARABIC + "\n").encode("utf-8")
    path.write_bytes(good * 10 + b"\xff\xfe\xc3" + good * 10)
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    [warning] = lines_about(result, "warning", path)
    assert "replaced" in warning
    assert lines_about(result, "skipped", path) == []
    assert len(found(run, index_dir, "سوريا")) == 20
    assert ("damaged.txt", 40) in found(run, index_dir, "الإعمار")
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 40
    assert_reindex_keeps_count(run, index_dir, folder)


def test_latin1_text_is_skipped_with_advice_to_name_the_encoding(run, library):
    """Text in another code page is skipped, the message says --encoding, and that works."""
    folder, index_dir = library
    path = folder / "german.txt"
    path.write_bytes(
        ("Die Größe der Straße überrascht Bäcker und Müller. " * 8 + "\n\nBahnhof\n").encode(
            "latin-1"
        )
    )
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    [line] = lines_about(result, "skipped", path)
    assert "--encoding" in line
    assert "1 skipped" in stderr_lines(result)[-1]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3

    forced = run("index", str(path), "--index", str(index_dir), "--encoding", "latin-1")
    assert forced.exit_code == 0
    assert found(run, index_dir, "Bahnhof") == [("german.txt", 2)]


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


# 2. Files that are not text


def test_binary_empty_and_blank_files_are_skipped_one_line_each(run, library):
    """Images, random bytes, empty and blank files named .txt are skipped and named."""
    folder, index_dir = library
    bad = {
        "picture.txt": minimal_png(),
        "random.txt": random.Random(4).randbytes(4096),
        "empty.txt": b"",
        "blank.txt": b"  \n\n\t \r\n \xc2\xa0\n",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    (folder / "good.txt").write_text(ARABIC, encoding="utf-8")

    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    for name in bad:
        assert len(lines_about(result, "skipped", folder / name)) == 1, name
    assert "binary" in lines_about(result, "skipped", folder / "picture.txt")[0]
    assert "binary" in lines_about(result, "skipped", folder / "random.txt")[0]
    assert "empty" in lines_about(result, "skipped", folder / "empty.txt")[0]
    summary = stderr_lines(result)[-1]
    assert "4 skipped" in summary and "1 new" in summary
    assert "Traceback" not in result.output
    assert found(run, index_dir, "سوريا") == [("good.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder)


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
    assert found(run, index_dir, "سوريا") == [("notes.txt/inner.txt", 1)]
    assert paragraph_count(run, index_dir) == 3 + 2


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
    assert found(run, index_dir, "سوريا") == [("sub/inner.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder)


def test_file_over_the_size_limit_is_skipped(run, library):
    """A file over --max-file-size is not read, named with its size; the rest goes on."""
    folder, index_dir = library
    path = folder / "dump.txt"
    path.write_text(ARABIC * 100, encoding="utf-8")  # 17,000 bytes
    (folder / "small.txt").write_text(ARABIC, encoding="utf-8")
    result = run("index", str(folder), "--index", str(index_dir), "--max-file-size", "4K")
    assert result.exit_code == 0
    [line] = lines_about(result, "not indexed", path)
    assert line.endswith(
        ": larger than the 4 KB limit (16.6 KB); --max-file-size SIZE raises the limit"
    )
    assert ", 0 skipped, 1 too large in " in stderr_lines(result)[-1]
    assert found(run, index_dir, "سوريا") == [("small.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder, "--max-file-size", "4K")
    # The default limit, 64 MB, reads it; each run's limit decides.
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    assert ("dump.txt", 1) in found(run, index_dir, "سوريا")


def test_paragraph_of_megabytes_is_cut_and_reported(run, library):
    """Three megabytes without a blank line become many paragraphs, every word findable,
    and one warning names the file."""
    folder, index_dir = library
    words = ["عاد", "اللاجئون", "إلى", "سوريا", "بعد", "سنوات", "من", "الحرب", "ووصل", "دمشق"]
    text = " ".join(
        f"{words[i % len(words)]}{i}" if i % 7 == 0 else words[i % len(words)]
        for i in range(320_000)
    )
    path = folder / "runaway.txt"
    path.write_text(text + " كلمةالختام\n", encoding="utf-8")
    assert path.stat().st_size > 3 * 2**20

    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    assert len(lines_about(result, "warning", path)) == 1
    assert "Traceback" not in result.output
    [(doc, last)] = found(run, index_dir, "كلمةالختام")
    assert doc == "runaway.txt" and last > 1
    assert found(run, index_dir, "سوريا63") == [("runaway.txt", 1)]
    hit = json.loads(
        run("search", "كلمةالختام", "--index", str(index_dir), "--format", "json").stdout
    )["hits"][0]
    assert len(hit["text"]) <= searchidx.text.MAX_PARAGRAPH_CHARS
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + last
    assert_reindex_keeps_count(run, index_dir, folder)


# 3. Interruption


def test_sigkill_mid_run_keeps_last_commit_and_next_run_completes(committed, big_folder, start_cli):
    """kill -9 during a large run: earlier paragraphs are still found, and the next run
    indexes everything exactly once without any cleaning up by hand."""
    index_dir, earlier = committed
    process = start_cli("index", str(big_folder), "--index", str(index_dir))
    wait_until_writing(process, index_dir)
    process.send_signal(signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    process.wait(timeout=10)
    wait_for_group_to_end(process.pid)

    assert total_of(index_dir, "900007") == 1
    assert count_in(index_dir) == earlier

    again = run_cli("index", str(big_folder), "--index", str(index_dir))
    assert again.returncode == 0, again.stderr
    assert "Traceback" not in again.stderr
    big = BIG_FILES * BIG_PARAGRAPHS
    assert f"{big} paragraphs" in again.stderr
    assert count_in(index_dir) == earlier + big
    assert total_of(index_dir, "900007") == 1
    assert total_of(index_dir, "100000") == 1
    assert total_of(index_dir, str(100_000 + big - 1)) == 1


def test_ctrl_c_mid_run_exits_130_with_one_line(committed, big_folder, start_cli):
    """Ctrl-C (SIGINT to the whole process group): exit 130, one line, no traceback, the
    index as it was, and no lock left behind."""
    index_dir, earlier = committed
    process = start_cli("index", str(big_folder), "--index", str(index_dir))
    wait_until_writing(process, index_dir)
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    wait_for_group_to_end(process.pid)

    assert process.returncode == 130
    assert "Traceback" not in stderr and "Traceback" not in stdout
    [line] = [line for line in stderr.splitlines() if line.strip()]
    assert line.startswith("searchidx:") and "interrupted" in line
    assert total_of(index_dir, "900007") == 1
    assert count_in(index_dir) == earlier

    extra = index_dir.parent / "extra"
    added = write_news(extra, 2, 5, first=800_000)
    started = time.monotonic()
    after = run_cli("index", str(extra), "--index", str(index_dir))
    assert after.returncode == 0, after.stderr
    assert time.monotonic() - started < 8, "the next run waited for a lock nobody holds"
    assert count_in(index_dir) == earlier + added


# 4. Concurrency


def _two_writers(start_cli, index_dir: Path, first: Path, second: Path) -> list[bool]:
    """Start both runs at once; return whether each succeeded."""
    processes = [
        start_cli("index", str(folder), "--index", str(index_dir)) for folder in (first, second)
    ]
    succeeded = []
    for process in processes:
        _, stderr = process.communicate(timeout=SUBPROCESS_TIMEOUT)
        assert "Traceback" not in stderr
        assert process.returncode in (0, 1), stderr
        if process.returncode == 1:
            [line] = [line for line in stderr.splitlines() if line.strip()]
            assert line.startswith("searchidx: error:") and "another" in line
            assert "writing" in line
        succeeded.append(process.returncode == 0)
    return succeeded


def test_two_writers_on_one_index_neither_loses_nor_doubles(tmp_path, start_cli):
    """Two `searchidx index` at once into one index: each succeeds or says another process
    is writing; the index holds each successful folder's paragraphs exactly once."""
    index_dir = tmp_path / "ix"
    sizes = {
        tmp_path / "aleppo": write_news(tmp_path / "aleppo", 40, 50, first=200_000),
        tmp_path / "beirut": write_news(tmp_path / "beirut", 40, 50, first=300_000),
    }
    first, second = sizes
    ever = set()
    for _ in range(2):
        succeeded = _two_writers(start_cli, index_dir, first, second)
        ever |= {folder for folder, ok in zip(sizes, succeeded, strict=True) if ok}
        assert ever
        assert count_in(index_dir) == sum(sizes[folder] for folder in ever)
    if first in ever:
        assert total_of(index_dir, "201999") == 1
    if second in ever:
        assert total_of(index_dir, "300000") == 1


def test_writer_that_cannot_get_the_lock_says_so_in_one_line(
    committed, big_folder, start_cli, run, monkeypatch
):
    """A run that waits too long for another one exits 1 with one line, changing nothing."""
    index_dir, earlier = committed
    monkeypatch.setattr(searchidx.index.store, "LOCK_TIMEOUT_SECONDS", 0.5)
    writer = start_cli("index", str(big_folder), "--index", str(index_dir))
    wait_until_writing(writer, index_dir, seconds=0.2)
    extra = index_dir.parent / "extra"
    write_news(extra, 2, 5, first=800_000)
    result = run("index", str(extra), "--index", str(index_dir))
    assert writer.poll() is None, "the first run ended before the second one tried"
    assert result.exit_code == 1
    [line] = stderr_lines(result)
    assert line.startswith("searchidx: error: another") and "writing" in line
    os.killpg(writer.pid, signal.SIGINT)
    writer.communicate(timeout=30)
    assert count_in(index_dir) == earlier


def test_two_writers_on_the_same_folder_index_it_once(tmp_path, start_cli):
    """The same folder indexed twice at once into a new index: no paragraph twice."""
    index_dir = tmp_path / "ix"
    folder = tmp_path / "homs"
    size = write_news(folder, 40, 50, first=400_000)
    assert any(_two_writers(start_cli, index_dir, folder, folder))
    assert count_in(index_dir) == size
    assert total_of(index_dir, "400123") == 1


def test_searches_during_indexing_see_the_last_commit(committed, tmp_path, start_cli):
    """While a writer runs, searches succeed and see the last commit, never half a run."""
    index_dir, earlier = committed
    folder = tmp_path / "incoming"
    added = write_news(folder, 60, 100, first=500_000)
    hospital_before = total_of(index_dir, "مستشفى")
    writer = start_cli("index", str(folder), "--index", str(index_dir))
    seen = []
    while writer.poll() is None:
        result = run_cli("search", "مستشفى", "--index", str(index_dir), "--format", "json")
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        seen.append((json.loads(result.stdout)["total"], count_in(index_dir)))
    _, stderr = writer.communicate()
    assert writer.returncode == 0, stderr
    hospital_after = total_of(index_dir, "مستشفى")
    assert count_in(index_dir) == earlier + added
    assert hospital_after > hospital_before
    assert len(seen) >= 2
    assert {total for total, _ in seen} <= {hospital_before, hospital_after}
    assert {count for _, count in seen} <= {earlier, earlier + added}
    assert total_of(index_dir, "900007") == 1
    assert total_of(index_dir, "505999") == 1


READER_LOOP_SEARCHES = 1000
# Rebuilds the index from one corpus, then the other, and updates it in
# between, until the stop file appears; prints how many rounds it did.
REBUILDER = """
import sys
from pathlib import Path
from searchidx.index import Index, rebuild_index
index_dir, stop, *corpora = map(Path, sys.argv[1:])
rounds = 0
while not stop.exists():
    corpus = corpora[rounds % 2]
    rebuild_index(index_dir, [corpus])
    with (corpus / "news000.txt").open("a", encoding="utf-8") as grown:
        first_digit = 6 if corpus.name == "aleppo" else 7
        grown.write("\\n\\nأضيفت فقرة عن مستشفى ميداني رقم %d%05d.\\n" % (first_digit, rounds))
    with Index.open(index_dir) as index:
        index.update([corpus])
    rounds += 1
print(rounds)
"""


def test_long_lived_reader_during_rebuilds_sees_only_indexes_and_clean_errors(tmp_path):
    """A thousand searches by one API Index while another process rebuilds and updates
    the index in a loop: every search returns a whole index's hits or raises a
    SearchidxError; CLI searches meanwhile never print a traceback."""
    corpora = [tmp_path / "aleppo", tmp_path / "beirut"]
    write_news(corpora[0], 4, 20, first=600_000)
    write_news(corpora[1], 4, 20, first=700_000)
    index_dir, stop = tmp_path / "ix", tmp_path / "stop"
    with Index.create(index_dir) as index:
        index.update([corpora[0]])
    rebuilder = subprocess.Popen(
        [sys.executable, "-c", REBUILDER, str(index_dir), str(stop), *map(str, corpora)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    outcomes: dict[str, int] = {}
    try:
        with Index.open(index_dir) as reader:
            for number in range(READER_LOOP_SEARCHES):
                try:
                    hits = reader.search("مستشفى", limit=10).hits
                    # One index's hits: all from one corpus, never from both.
                    corpora_in_hits = {n[0] for hit in hits for n in re.findall(r"\d{6}", hit.text)}
                    assert len(corpora_in_hits) == 1
                    outcome = "hits"
                except searchidx.SearchidxError as error:
                    outcome = type(error).__name__
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                if number % 100 == 0:
                    result = run_cli("search", "مستشفى", "--index", str(index_dir))
                    assert "Traceback" not in result.stderr
                    assert result.returncode in (0, 1), result.stderr
    finally:
        stop.touch()
        rounds, errors = rebuilder.communicate(timeout=SUBPROCESS_TIMEOUT)
    assert rebuilder.returncode == 0, errors
    print(
        f"reader during rebuilds: {READER_LOOP_SEARCHES} searches, {rounds.strip()} "
        f"rebuild+update rounds, outcomes {outcomes}"
    )
    assert int(rounds) >= 2
    assert outcomes.get("hits", 0) >= READER_LOOP_SEARCHES * 0.95
    with Index.open(index_dir) as index:
        assert index.search("ميداني").total >= 1


# 5. Malformed queries


LONG_QUERY = ("سوريا دمشق " * 500)[:5000]
ODD_QUERIES = [
    '"سوريا',
    "(سوريا OR",
    "(سوريا",
    "سوريا)",
    "AND",
    "NOT",
    "OR",
    "AND OR NOT",
    "*",
    "?",
    "",
    "   ",
    LONG_QUERY,
    "\x00\x07سوريا",
    "doc:",
    "title:",
    ":::",
    "ًٌٍ",
    "ًٌٍ ّْ",
    '"',
    "()",
    'doc:"',
    "سوريا~2",
    "سوريا^",
    "[سوريا TO",
    "\u200f\u200e",
    "ـــ",
]


def assert_clean_outcome(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        [line] = stderr_lines(result)
        assert line.startswith("searchidx: error: ")
    else:
        payload = json.loads(result.stdout)
        assert payload["total"] >= len(payload["hits"])


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda query: repr(query[:20]))
def test_odd_query_is_an_error_line_or_a_result(run, small_index, query):
    """Whatever a user types, the answer is hits or one line saying what is wrong."""
    result = run("search", query, "--index", str(small_index), "--format", "json")
    assert_clean_outcome(result)


def test_unbalanced_quote_and_control_characters_still_find_the_word(run, small_index):
    """A forgotten closing quote or a stray control character does not hide the word."""
    for query in ('"سوريا', "\x00\x07سوريا"):
        result = run("search", query, "--index", str(small_index), "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert "news/syria.txt" in {hit["doc"] for hit in json.loads(result.stdout)["hits"]}


@pytest.mark.parametrize("query", ["AND", "NOT", "OR", "*", "", LONG_QUERY])
def test_queries_that_cannot_mean_anything_are_usage_errors(run, small_index, query):
    """Lone operators, a bare *, nothing, or a pasted page: exit 2 and one line."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith("searchidx: error: ")


def test_prefix_with_thousands_of_words_answers_quickly(run, tmp_path):
    """سو* over a vocabulary of 2,500 words starting with سو: refused in one line or
    answered, within a couple of seconds."""
    letters = "بتثجحخدذرزسشصضطظعغفقكلمن"
    rng = random.Random(7)
    words = set()
    while len(words) < 2500:
        words.add("سو" + "".join(rng.choice(letters) for _ in range(4)))
    folder = tmp_path / "vocab"
    folder.mkdir()
    ordered = sorted(words)
    (folder / "words.txt").write_text(
        "\n\n".join(" ".join(ordered[i : i + 50]) for i in range(0, len(ordered), 50)),
        encoding="utf-8",
    )
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    started = time.perf_counter()
    result = run("search", "سو*", "--index", str(index_dir), "--format", "json")
    assert time.perf_counter() - started < 5
    assert_clean_outcome(result)
    if result.exit_code == 2:
        assert "سو*" in result.stderr


# 6. Random queries


# Words of SMALL_CORPUS (some vocalized, some only sharing a stem), then query syntax.
FUZZ_WORDS = """
    سوريا بسوريا السوري العِلْمِ العلم مُسْلِمٍ مسلمون المكتبة مكتبات الوطنية وقال حنبل
    الطعام اللاجئون مسئول مسؤول أبوابها سور* المكت* news syria.txt hadith.txt 2019 ٢٠١٩
""".split()  # noqa: SIM905  (one word per token reads better than a list of quoted words)
FUZZ_SYNTAX = """
    AND OR NOT and or not doc: title: doc:hadith.txt title:المكتبة * ? " ( ) : ^ ~ [ ] { }
    TO - + ' \\ / ، ؟ « » ـ
""".split()  # noqa: SIM905
QUERY_PIECES = st.one_of(
    st.sampled_from(FUZZ_WORDS),
    st.sampled_from([*FUZZ_SYNTAX, " ", "  ", "\t", "\n", "\x00", "\x1b", "\u200f"]),
    st.text(
        alphabet=st.characters(
            codec="utf-8", categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf")
        ),
        max_size=4,
    ),
    st.text(alphabet="ابتثجحخدذرزسشصضطظعغفقكلمنهويءآأؤإئةىًٌٍَُِّْ", min_size=1, max_size=6),
)
QUERIES = st.lists(
    st.tuples(QUERY_PIECES, st.sampled_from([" ", " ", ""])).map("".join), max_size=10
).map("".join)


@pytest.fixture(scope="module")
def fuzz_index(tmp_path_factory):
    folder = write_corpus(tmp_path_factory.mktemp("fuzz") / "docs", SMALL_CORPUS)
    path = folder.parent / "index"
    with Index.create(path) as index:
        index.update([folder])
    with Index.open(path) as index:
        yield index


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(query=QUERIES, match_any=st.booleans())
def test_random_queries_raise_only_query_errors(fuzz_index, query, match_any):
    """Any string at all: results or a QueryError with a one-line message, nothing else."""
    try:
        results = fuzz_index.search(query, limit=5, match_any=match_any)
    except QueryError as error:
        assert str(error) and "\n" not in str(error)
        return
    assert len(results.hits) <= 5 and results.total >= len(results.hits)
    for hit in results.hits:
        assert all(0 <= start < end <= len(hit.text) for start, end in hit.matches)


# 7. Tracebacks on request


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


@pytest.mark.parametrize("how", ["flag", "flag after the command", "environment"])
def test_traceback_on_request_in_a_real_process(tmp_path, how):
    missing = str(tmp_path / "nothing-here")
    args = ["search", "سوريا", "--index", missing]
    env = cli_env()
    if how == "flag":
        args.insert(0, "--traceback")
    elif how == "flag after the command":
        args.append("--traceback")
    else:
        env[ENV_TRACEBACK] = "1"
    result = run_cli(*args, env=env)
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "IndexNotFound" in result.stderr


def test_no_traceback_without_asking(tmp_path):
    result = run_cli("search", "سوريا", "--index", str(tmp_path / "nothing-here"))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("searchidx: error: no index at")


LATIN1_NOTE = (
    "Minutes of the meeting held in the library on Monday. The committee agreed to buy "
    "new shelves for the manuscripts room and to open the reading hall on Saturdays. "
    "The next meeting will be held at the café near the old gate.\n"
)


def test_decodings_are_recorded_and_a_forced_encoding_rereads_only_what_differs(run, library):
    """Each file's decoding is recorded; --encoding re-reads the files recorded otherwise,
    stores the plausible readings and reports the implausible ones, keeping what they had."""
    folder, index_dir = library
    (folder / "legacy.txt").write_bytes(ARABIC.encode("cp1256"))
    (folder / "note.txt").write_bytes(LATIN1_NOTE.encode("latin-1"))
    first = run("index", str(folder), "--index", str(index_dir))
    assert first.exit_code == 0
    assert len(lines_about(first, "warning", folder / "note.txt")) == 1  # one damaged byte

    listing = subprocess.run(
        cli_command("info", "--files", "--format", "json", "--index", str(index_dir)),
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in json.loads(listing.stdout)["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "utf-8"}
    table = run("info", "--files", "--index", str(index_dir)).stdout
    assert [str(folder / "legacy.txt"), "cp1256", "2"] in [
        line.split() for line in table.splitlines()
    ]

    forced = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert forced.exit_code == 0
    [earlier] = lines_about(forced, "skipped", folder / "earlier.txt")
    assert "decoded as latin-1 the text has" in earlier and "control" in earlier
    assert earlier.endswith("kept as indexed before (utf-8)")
    [legacy] = lines_about(forced, "skipped", folder / "legacy.txt")
    assert "accented Latin ones" in legacy and legacy.endswith("(cp1256)")
    assert lines_about(forced, "skipped", folder / "note.txt") == []
    assert found(run, index_dir, "café") == [("note.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert found(run, index_dir, "اللاجئون") == [("legacy.txt", 1)]
    listing = json.loads(
        run("info", "--files", "--format", "json", "--index", str(index_dir)).stdout
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in listing["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "iso8859-1"}

    # The files kept in their own decoding are tried again and reported again; note.txt is not.
    again = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert "index is up to date: 3 files unchanged, 2 skipped" in again.stderr


def test_utf16_without_a_byte_order_mark_is_read_or_named(run, library):
    folder, index_dir = library
    (folder / "utf16.txt").write_bytes(ARABIC.encode("utf-16-le"))
    (folder / "chinese.txt").write_bytes(("汉字 text 中文 and more 文字\n" * 4).encode("utf-16-le"))
    result = run("index", str(folder), "--index", str(index_dir))
    assert found(run, index_dir, "اللاجئون") == [("utf16.txt", 1)]
    [line] = lines_about(result, "skipped", folder / "chinese.txt")
    assert line.endswith("try --encoding utf-16-le (or utf-16-be)")


def test_a_damaged_index_says_to_rebuild_and_rebuild_repairs_it(run, tmp_path):
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    index_dir = tmp_path / "ix"
    assert run("index", str(docs), "--index", str(index_dir)).exit_code == 0
    for damaged in index_dir.glob("MAIN_*"):
        if damaged.suffix in (".pst", ".sidx") or "_stored" in damaged.name:
            damaged.write_bytes(b"\x00garbage" * 12)
    for command in (["search", "سوريا"], ["info"]):
        result = run(*command, "--index", str(index_dir))
        assert result.exit_code == 1, command
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
        assert f"the index at {index_dir} is damaged" in result.stderr
        assert f"`searchidx index --rebuild --index {index_dir} PATH`" in result.stderr
    assert run("index", "--rebuild", str(docs), "--index", str(index_dir)).exit_code == 0
    found = run("search", "سوريا", "--index", str(index_dir), "--format", "json")
    assert json.loads(found.stdout)["total"] == 3
