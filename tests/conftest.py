"""Shared fixtures: small real-Arabic corpora and indexes built from them."""

from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import Index
from searchidx.cli import cli

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
