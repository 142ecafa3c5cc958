"""Shared fixtures: small real-Arabic corpora and indexes built from them."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import Index
from searchidx.cli import ENV_TRACEBACK, cli

INDEX_DATA = Path(__file__).resolve().parent.parent / "index_data"
SEED_ARTICLE = INDEX_DATA / "baghouz-liberation-anniversary.txt"

# A vocalized hadith-style paragraph, an unvocalized news paragraph, and
# paragraphs that match only by stem, so ranking and highlighting can be told apart.
SMALL_CORPUS = {
    "hadith.txt": (
        "بابُ العِلْمِ\n\n"
        "قالَ رَسُولُ اللَّهِ صَلَّى اللَّهُ عَلَيْهِ وَسَلَّمَ: «طَلَبُ العِلْمِ فَرِيضَةٌ عَلَى كُلِّ مُسْلِمٍ».\n\n"
        "وَقالَ أَحْمَدُ بْنُ حَنْبَلٍ: النّاسُ إِلى العِلْمِ أَحْوَجُ مِنْهُمْ إِلى الطَّعامِ والشَّرابِ.\n"
    ),
    "news/syria.txt": (
        "أخبار سوريا\n\n"
        "عاد اللاجئون إلى سوريا بعد سنوات من الحرب.\n\n"
        "وصل الوفد الدولي بسوريا أمس لبحث إعادة الإعمار.\n\n"
        "قال مسئول في وزارة التعليم إن المدارس ستفتح أبوابها.\n"
    ),
    "news/library.md": (
        "# المكتبة الوطنية\n\n"
        "افتتحت المكتبة الوطنية قاعة جديدة للكتب النادرة والمخطوطات.\n\n"
        "وقال مدير المكتبة إن الكتاب المطبوع ما زال يجذب القراء.\n"
    ),
}

# «السلام» with and without «عليكم», in two files, for NOT, -word and doc: under --any.
GREETINGS = {
    "news/politics.txt": "\n\n".join(
        [
            "السياسة",
            "قال الرئيس إن السلامَ خيارٌ استراتيجي للمنطقة.",
            "السلام عليكم ورحمة الله، بهذه التحية افتتح الوزير كلمته.",
            "ارتفعت الأسعار في موسم 2019-2020 بنسبة كبيرة.",
        ]
    ),
    "letters.txt": "\n\n".join(
        [
            "رسائل",
            "كتب إليه: السلام عليك يا صديقي، وصلتني رسالتك.",
            "عليكم بالصبر فإن الفرج قريب.",
        ]
    ),
}

# Visible notes, a hidden note, a hidden folder and a shell dot-file.
NOTES = {
    "notes/visit.txt": "زرنا حلب في الربيع.",
    "notes/.secret.txt": "ملاحظة سرية عن حلب.",
    "notes/.drafts/plan.md": "# خطة\n\nنعود إلى حلب في الخريف.",
    "notes/.profile": "export LANG=ar_SY.UTF-8",
}


def write_corpus(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "docs", SMALL_CORPUS)


def build_index(path: Path, source: Path) -> Path:
    with Index.create(path) as index:
        index.update([source])
    return path


@pytest.fixture
def small_index(tmp_path, corpus) -> Path:
    return build_index(tmp_path / "index", corpus)


@pytest.fixture(scope="session")
def greetings_index(tmp_path_factory) -> Path:
    folder = write_corpus(tmp_path_factory.mktemp("greetings") / "docs", GREETINGS)
    return build_index(folder.parent / "index", folder)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("seed") / "index", SEED_ARTICLE)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("bundled") / "index", INDEX_DATA)


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    monkeypatch.setenv("SEARCHIDX_INDEX", str(tmp_path / "default-index"))
    monkeypatch.delenv("SEARCHIDX_TRACEBACK", raising=False)
    runner = CliRunner()

    def invoke(*args):
        from searchidx.cli import main

        result = runner.invoke(_MainAdapter(main), list(args), catch_exceptions=False)
        return result

    return invoke


class _MainAdapter:
    """Lets CliRunner drive :func:`searchidx.cli.main`, which maps errors to exit codes."""

    def __init__(self, main):
        self._main = main
        self.name = "searchidx"

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        raise SystemExit(self._main(args))


__all__ = [
    "GREETINGS",
    "INDEX_DATA",
    "NOTES",
    "SEED_ARTICLE",
    "SMALL_CORPUS",
    "cli",
    "write_corpus",
]


VOCALIZED_SENTENCE = "أكَّدَ أحمدُ ناصر، قائدُ القواتِ: «المعركةُ مستمرةٌ»؟ الرَّحْمَـٰنِ ٢٠١٩"


EARLIER = (
    "أعلنت وزارة الصحة في دمشق عن افتتاح مستشفى جديد في ريف حلب.\n\n"
    "قال المتحدث باسم الحكومة إن ألف أسرة عادت إلى منازلها في حمص.\n\n"
    "ارتفعت أسعار القمح في الأسواق المحلية بنسبة عشرة بالمئة.\n"
)


ARABIC = (
    "عاد اللاجئون إلى سوريا بعد سنوات من الحرب.\n\n"
    "وصل الوفد الدولي إلى بيروت أمس لبحث إعادة الإعمار.\n"
)


SUBPROCESS_TIMEOUT = 120


def stderr_lines(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


def lines_about(result, kind: str, path: Path) -> list[str]:
    """The ``searchidx: skipped PATH: ...`` or ``searchidx: warning: PATH: ...`` lines."""
    prefix = f"searchidx: {kind} {path}:" if kind == "skipped" else f"searchidx: {kind}: {path}:"
    return [line for line in stderr_lines(result) if line.startswith(prefix)]


def found_paragraphs(run, index_dir, query: str) -> list[tuple[str, int]]:
    result = run("search", query, "--index", str(index_dir), "--format", "json", "-n", "100")
    assert result.exit_code == 0, result.stderr
    return [(hit["doc"], hit["paragraph"]) for hit in json.loads(result.stdout)["hits"]]


def paragraph_count(run, index_dir) -> int:
    result = run("info", "--index", str(index_dir), "--format", "json")
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)["paragraphs"]


def assert_earlier_found(run, index_dir) -> None:
    assert found_paragraphs(run, index_dir, "مستشفى") == [("earlier.txt", 1)]
    assert found_paragraphs(run, index_dir, "القمح") == [("earlier.txt", 3)]


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


def count_in(index_dir: Path) -> int:
    result = run_cli("info", "--index", str(index_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["paragraphs"]


def assert_clean_outcome(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        [line] = stderr_lines(result)
        assert line.startswith("searchidx: error: ")
    else:
        payload = json.loads(result.stdout)
        assert payload["total"] >= len(payload["hits"])


def search(index_path, query, **options):
    with Index.open(index_path) as index:
        return index.search(query, **options)


def highlighted(hit):
    return [hit.text[start:end] for start, end in hit.matches]


def doc_paragraphs(results):
    return [(hit.doc, hit.paragraph) for hit in results]


def total_found(index, query):
    return index.search(query, limit=1000).total


def docs_of(index, query):
    return sorted(hit.doc for hit in index.search(query))
