"""Writing the index: interrupted runs, a second writer, the lock, searches during a run and
the parallel workers. Whatever happens, the index holds every paragraph of the last
completed run, once."""

import contextlib
import errno
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.structfile import StructFile
from whoosh.writing import PostingPool

import searchidx.index.store
from searchidx import CannotWrite, Index, UnsafeFolder

from .conftest import (
    SUBPROCESS_TIMEOUT,
    cli_command,
    cli_env,
    count_in,
    run_cli,
    stderr_lines,
    total_found,
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


@pytest.mark.slow
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


def assert_stopped_by_ctrl_c(process: subprocess.Popen) -> None:
    """Ctrl-C to the run's process group: exit 130, one line, no traceback, no process left."""
    os.killpg(process.pid, signal.SIGINT)
    stdout, stderr = process.communicate(timeout=30)
    wait_for_group_to_end(process.pid)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stdout
    # Into a pipe, no progress shown: the line alone, no blank line before it.
    assert stderr == "searchidx: interrupted; the index keeps its last completed update\n"


@pytest.mark.slow
def test_ctrl_c_mid_run_exits_130_with_one_line(committed, big_folder, start_cli):
    """Ctrl-C (SIGINT to the whole process group): exit 130, one line, no traceback, the
    index as it was, and no lock left behind."""
    index_dir, earlier = committed
    process = start_cli("index", str(big_folder), "--index", str(index_dir))
    wait_until_writing(process, index_dir)
    assert_stopped_by_ctrl_c(process)
    assert total_of(index_dir, "900007") == 1
    assert count_in(index_dir) == earlier

    extra = index_dir.parent / "extra"
    added = write_news(extra, 2, 5, first=800_000)
    started = time.monotonic()
    after = run_cli("index", str(extra), "--index", str(index_dir))
    assert after.returncode == 0, after.stderr
    assert time.monotonic() - started < 8, "the next run waited for a lock nobody holds"
    assert count_in(index_dir) == earlier + added


def rebuild_folders(index_dir: Path) -> list[str]:
    """The hidden folders beside ``index_dir`` that rebuilds build in."""
    return [name for name in os.listdir(index_dir.parent) if name.startswith(f".{index_dir.name}.")]


@pytest.mark.slow
def test_ctrl_c_mid_rebuild_keeps_the_index_and_removes_the_new_folder(
    committed, big_folder, start_cli
):
    index_dir, earlier = committed
    process = start_cli("index", "--rebuild", str(big_folder), "--index", str(index_dir))
    started = time.monotonic()
    while not rebuild_folders(index_dir) or time.monotonic() - started < 1.5:
        assert process.poll() is None, "the rebuild ended before it could be interrupted"
        assert time.monotonic() - started < 30, "the rebuild made no folder in 30 s"
        time.sleep(0.05)
    assert_stopped_by_ctrl_c(process)
    assert rebuild_folders(index_dir) == []
    assert count_in(index_dir) == earlier
    assert total_of(index_dir, "900007") == 1


# File size limits that stop a rebuild writing its marker, Whoosh's table of
# contents, and a segment's files: as a full disk would, at each step.
@pytest.mark.parametrize("limit", [0, 512, 4096, 64 * 1024])
def test_full_disk_during_a_rebuild_names_the_index_and_keeps_it(committed, tmp_path, limit):
    index_dir, earlier = committed
    news = tmp_path / "news"
    write_news(news, 4, 60, first=700_000)
    rebuilt = subprocess.run(
        cli_command("index", "--rebuild", str(news), "--index", str(index_dir)),
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=SUBPROCESS_TIMEOUT,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit)),
    )
    assert rebuilt.returncode == 1
    assert rebuilt.stderr == (
        f"searchidx: error: cannot rebuild the index at {index_dir}: File too large; free "
        "some space (or make the folder writable) and run the command again: the index is "
        "as it was\n"
    )
    assert rebuild_folders(index_dir) == []
    assert count_in(index_dir) == earlier
    assert total_of(index_dir, "900007") == 1


def test_a_new_index_on_a_full_disk_leaves_a_folder_the_next_run_uses(tmp_path):
    news = tmp_path / "news"
    write_news(news, 1, 5, first=600_000)
    index_dir = tmp_path / "ix"
    failed = subprocess.run(
        cli_command("index", str(news), "--index", str(index_dir)),
        capture_output=True,
        text=True,
        env=cli_env(),
        timeout=SUBPROCESS_TIMEOUT,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0)),
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith(
        f"searchidx: error: cannot write the index at {index_dir}: File too large; "
    )
    assert "Traceback" not in failed.stderr
    again = run_cli("index", str(news), "--index", str(index_dir))
    assert again.returncode == 0, again.stderr
    assert total_of(index_dir, "600003") == 1


def test_rebuild_with_nothing_to_index_keeps_the_index(committed, tmp_path):
    index_dir, earlier = committed
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    rebuilt = run_cli("index", "--rebuild", str(empty), "--index", str(index_dir))
    assert rebuilt.returncode == 1
    assert stderr_lines(rebuilt)[-1] == (
        "searchidx: error: nothing indexed: no readable documents found (0 skipped); "
        f"the index at {index_dir} is as it was; "
        "`searchidx index --help` lists the formats searchidx reads"
    )
    assert rebuild_folders(index_dir) == []
    assert count_in(index_dir) == earlier
    with Index.open(index_dir) as index:
        report = index.rebuild([empty])
        assert report.nothing_changed
        assert index.search("900007").total == 1
    assert rebuild_folders(index_dir) == []


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


@pytest.mark.slow
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


@pytest.mark.slow
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


@pytest.mark.slow
def test_two_writers_on_the_same_folder_index_it_once(tmp_path, start_cli):
    """The same folder indexed twice at once into a new index: no paragraph twice."""
    index_dir = tmp_path / "ix"
    folder = tmp_path / "homs"
    size = write_news(folder, 40, 50, first=400_000)
    assert any(_two_writers(start_cli, index_dir, folder, folder))
    assert count_in(index_dir) == size
    assert total_of(index_dir, "400123") == 1


@pytest.mark.slow
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


@pytest.mark.slow
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


def test_large_update_uses_parallel_writer_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr("searchidx.index.writer.PARALLEL_MIN_BYTES", 1)
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(40):
        paragraphs = [f"الفقرة رقم {number}-{i} عن مدينة دمشق وأسواقها." for i in range(25)]
        (docs / f"{number:02}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        report = index.update([docs])
        assert report.paragraphs == 1000
        assert index.info().paragraphs == 1000
        assert total_found(index, "دمشق") == 1000


def test_postings_spilled_in_many_runs_index_as_sorted_in_memory(tmp_path, monkeypatch):
    # A pool limit of a few kilobytes spills hundreds of runs (over the 128 Whoosh merges at
    # once, so runs are merged into runs too), each pickled in batches of 7 postings.
    docs = tmp_path / "docs"
    write_news(docs, files=10, paragraphs=30, first=1)
    queries = ("دمشق", "مستشفى", '"أسعار القمح"', "الإعمار 114", "منظمة NOT حلب")
    with Index.create(tmp_path / "memory") as index:
        index.update([docs])
        in_memory = [index.search(q, limit=20).to_dict() for q in queries]
    runs = []
    write_run = PostingPool._write_run
    monkeypatch.setattr(PostingPool, "_write_run", lambda *a: runs.append(write_run(*a)))
    monkeypatch.setattr("searchidx.index.writer.POOL_LIMIT_MB", 0.005)
    monkeypatch.setattr("searchidx.index.writer.RUN_BATCH", 7)
    with Index.create(tmp_path / "spilled") as index:
        index.update([docs])
        spilled = [index.search(q, limit=20).to_dict() for q in queries]
    assert len(runs) > 128
    assert [found["total"] for found in spilled] == [120, 120, 120, 1, 60]
    assert spilled == in_memory


def write_chapters(folder, count):
    folder.mkdir(exist_ok=True)
    for number in range(count):
        paragraphs = [
            f"الفصل {number}: قال الراوي في الفقرة {line} إن القافلة وصلت إلى دمشق."
            for line in range(30)
        ]
        (folder / f"chapter{number:02d}.txt").write_text("\n\n".join(paragraphs), encoding="utf-8")


def test_deleted_paragraphs_are_merged_away_past_the_threshold_and_on_request(tmp_path):
    books = tmp_path / "books"
    write_chapters(books, 10)
    with Index.create(tmp_path / "ix") as index:
        index.update([books])
        # One chapter of ten changed: 10 % of the segment deleted, kept for now.
        (books / "chapter00.txt").write_text("فصل قصير عن حلب.\n", encoding="utf-8")
        index.update([books])
        info = index.info()
        assert info.deleted == 31  # 30 paragraphs and the file record
        # Three more: past a quarter of the first segment, which is rewritten.
        for number in (1, 2, 3):
            (books / f"chapter{number:02d}.txt").write_text("فصل قصير عن حمص.\n", encoding="utf-8")
        index.update([books])
        assert index.info().deleted == 0
        assert total_found(index, "حمص") == 3 and total_found(index, "حلب") == 1
        assert total_found(index, "القافلة") == 6 * 30
        (books / "chapter09.txt").write_text("فصل عن بغداد.\n", encoding="utf-8")
        index.update([books])
        assert index.info().deleted > 0
        index.update(optimize=True)
        info = index.info()
    assert (info.deleted, info.segments, info.paragraphs) == (0, 1, 5 * 30 + 5)


def test_full_disk_mid_update_fails_in_one_line_and_keeps_the_last_update(tmp_path, monkeypatch):
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("زار الوزير مدينة الموصل والتقى بالمسؤولين.\n", "utf-8")
    index_dir = tmp_path / "ix"
    with Index.create(index_dir) as index:
        index.update(folder)
    (folder / "b.txt").write_text("أعلنت وزارة الصحة تسجيل ٢٠١٩ إصابة جديدة.\n", "utf-8")

    def no_space(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fills_up(self, *args, **kwargs):
        # The paragraphs' stored text is what fills the disk, as when it ran out of space
        # (or met a file size limit) while adding a document.
        write = no_space if str(self).endswith("_stored.col") else writes
        return write(self, *args, **kwargs)

    writes = StructFile.write
    committed_files = sorted(os.listdir(index_dir))
    with monkeypatch.context() as patched:
        # The write that failed fails again when cancelling flushes it.
        patched.setattr(StructFile, "write", fills_up)
        with Index.open(index_dir) as index, pytest.raises(UnsafeFolder) as raised:
            index.update(folder)
    # The unfinished segment's files would hold the space the message says to free.
    assert sorted(os.listdir(index_dir)) == committed_files
    assert str(raised.value) == (
        f"cannot write the index at {index_dir}: No space left on device; free some space "
        "(or make the folder writable) and run the command again: the index keeps its "
        "last completed update"
    )
    with Index.open(index_dir) as index:
        assert [hit.doc for hit in index.search("الموصل")] == ["a.txt"]
        assert index.search("الصحة").total == 0
        index.update(folder)  # the lock was let go, and space is back
        assert [hit.doc for hit in index.search("وزارة الصحة")] == ["b.txt"]


def test_a_writer_that_fails_to_open_lets_go_of_the_lock(tmp_path, monkeypatch):
    """A full disk as the writer creates its segment's files: one line, and a later
    update by the same process writes, rather than waiting for a lock it holds itself."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("زار الوزير مدينة الموصل والتقى بالمسؤولين.\n", "utf-8")
    index_dir = tmp_path / "ix"

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    with Index.create(index_dir) as index:
        with monkeypatch.context() as patched:
            patched.setattr(W3Codec, "per_document_writer", no_space)
            # Kept, as a caller that logs the error, or Python's prompt, keeps it.
            with pytest.raises(CannotWrite, match="No space left on device") as raised:
                index.update(folder)
        assert "\n" not in str(raised.value)
        started = time.monotonic()
        index.update(folder)
        assert time.monotonic() - started < 5, "the update waited for the failed writer's lock"
        assert [hit.doc for hit in index.search("الموصل")] == ["a.txt"]
