"""Parsing queries: operators, filters, punctuation, and malformed queries. Whatever a
user types, the answer is hits or one line saying what is wrong."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx import Index
from searchidx.errors import QueryError

from .conftest import (
    EXACT_FOUND,
    SMALL_CORPUS,
    assert_clean_outcome,
    build_index,
    doc_paragraphs,
    highlighted,
    index_in_each_core,
    search,
    stderr_lines,
    write_corpus,
)

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


@pytest.mark.parametrize("query", ODD_QUERIES, ids=lambda query: repr(query[:20]))
def test_odd_query_is_an_error_line_or_a_result(run, small_index, query):
    """Whatever a user types, the answer is hits or one line saying what is wrong."""
    result = run("search", query, "--index", str(small_index), "--format", "json")
    assert_clean_outcome(result)


def test_control_characters_do_not_hide_the_word(run, small_index):
    result = run("search", "\x00\x07سوريا", "--index", str(small_index), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert "news/syria.txt" in {hit["doc"] for hit in json.loads(result.stdout)["hits"]}


@pytest.mark.parametrize(
    "query",
    [
        '"الوطنية المكتبة',
        'المكتبة الوطنية"',
        '"المكتبة الوطنية" "قاعة',
        '"=المكتبة الوطنية',
        # Reported before what the quote would have hidden: a ~ inside it, a misplaced «=».
        '"المكتبة الوطنية~3',
        '"المكتبة =',
        'doc:"',
    ],
)
def test_a_quote_never_closed_is_a_usage_error(run, small_index, query):
    """Searching the words after it as words would drop the phrase unseen: «"الوطنية
    المكتبة» would find «المكتبة الوطنية», which the phrase does not."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        'searchidx: error: a quote («"») is not closed: close it, or remove it to search '
        "for the words"
    ]
    with pytest.raises(QueryError, match="is not closed"):
        search(small_index, query)
    # Either way out of it searches: the phrase, or its words.
    assert search(small_index, '"الوطنية المكتبة"').total == 0
    assert doc_paragraphs(search(small_index, "الوطنية المكتبة")) == [
        ("news/library.md", 1),
        ("news/library.md", 2),
    ]


@pytest.mark.parametrize(
    ("query", "said"),
    [
        (
            "doc:~/news/library.md المكتبة",
            'a doc: name holding «~» goes in quotes: doc:"~/news/library.md"',
        ),
        (
            "doc:تقرير(نهائي).txt المكتبة",
            'a doc: name holding «(» goes in quotes: doc:"تقرير(نهائي).txt"',
        ),
        ("(المكتبة doc:news/a~1.md)", 'a doc: name holding «~» goes in quotes: doc:"news/a~1.md"'),
        ("المكتبة -doc:~/a.md", 'a doc: name holding «~» goes in quotes: -doc:"~/a.md"'),
    ],
)
def test_a_doc_name_that_whoosh_would_cut_is_to_be_quoted(run, small_index, query, said):
    """Whoosh ends a name at «~» or a bracket: «doc:~/news/library.md» would be the
    document «~» and the words «news library md»."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"searchidx: error: {said}"]
    # Quoted, as the advice writes it, the name is taken whole.
    quoted = run("search", 'doc:"news/library.md" المكتبة', "--index", str(small_index))
    assert quoted.exit_code == 0
    assert doc_paragraphs(search(small_index, "(المكتبة doc:news/library.md)"))


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("(المكتبة OR الجامعة الوطنية", "a bracket «(» is not closed: close it, or remove it"),
        ("المكتبة الوطنية)", "a bracket «)» closes none that was opened: remove it or open one"),
        (")المكتبة( الوطنية", "a bracket «)» closes none that was opened: remove it or open one"),
        ("((المكتبة) الوطنية", "a bracket «(» is not closed: close it, or remove it"),
    ],
)
def test_a_bracket_not_closed_is_a_usage_error(run, small_index, query, said):
    """Whoosh would close it at the end: «(المكتبة OR الجامعة الوطنية» would be
    «المكتبة OR (الجامعة الوطنية)», which finds what the user did not ask for."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [f"searchidx: error: {said}"]
    # Inside quotes a bracket is text; closed, the group searches.
    expected = doc_paragraphs(search(small_index, "المكتبة الوطنية"))
    assert expected
    assert doc_paragraphs(search(small_index, '"(المكتبة" الوطنية')) == expected
    assert doc_paragraphs(search(small_index, "(المكتبة OR الجامعة) الوطنية")) == expected


@pytest.mark.parametrize("query", ["AND", "NOT", "OR", "*", "", LONG_QUERY])
def test_queries_that_cannot_mean_anything_are_usage_errors(run, small_index, query):
    """Lone operators, a bare *, nothing, or a pasted page: exit 2 and one line."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    [line] = stderr_lines(result)
    assert line.startswith("searchidx: error: ")


# Words of SMALL_CORPUS (some vocalized, some only sharing a stem), then query syntax.
FUZZ_WORDS = """
    سوريا بسوريا السوري العِلْمِ العلم مُسْلِمٍ مسلمون المكتبة مكتبات الوطنية وقال حنبل
    الطعام اللاجئون مسئول مسؤول أبوابها سور* المكت* news syria.txt hadith.txt 2019 ٢٠١٩
""".split()  # noqa: SIM905  (one word per token reads better than a list of quoted words)


FUZZ_SYNTAX = """
    AND OR NOT and or not doc: title: doc:hadith.txt title:المكتبة * ? " ( ) : ^ ~ [ ] { }
    TO - + ' \\ / ، ؟ « » ـ = == =مسؤول =العِلْمِ
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
    with Index.open(build_index(folder.parent / "index", folder)) as index:
        yield index


@pytest.mark.slow
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


def test_phrase_matches_words_in_order_only(small_index):
    assert [h.paragraph for h in search(small_index, '"المكتبة الوطنية"')] == [1, 2]
    assert search(small_index, '"الوطنية المكتبة"').total == 0


def test_or_not_and_grouping(small_index):
    either = search(small_index, "اللاجئون OR المخطوطات")
    assert {hit.doc for hit in either} == {"news/syria.txt", "news/library.md"}
    without = search(small_index, "المكتبة NOT المخطوطات")
    assert [hit.paragraph for hit in without] == [1, 3]
    grouped = search(small_index, "(اللاجئون OR الوفد) سوريا")
    assert sorted(hit.paragraph for hit in grouped) == [2, 3]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("اللاجئون OR OR المخطوطات", "OR needs a word on each side"),
        ("اللاجئون OR AND المخطوطات", "OR needs a word on each side"),
        ("اللاجئون AND AND المخطوطات", "AND needs a word on each side"),
        ("(اللاجئون OR) المخطوطات", "OR needs a word on each side"),
        ("(OR اللاجئون) المخطوطات", "OR needs a word on each side"),
        ("المكتبة (NOT) المخطوطات", "NOT needs a word after it"),
        ("المكتبة NOT AND المخطوطات", "NOT needs a word after it"),
    ],
)
def test_operator_without_its_words_is_a_usage_error(run, small_index, query, message):
    """An operator beside a bracket or another operator would be searched for as
    the English word (or dropped, turning OR into AND): one line, exit 2."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"searchidx: error: {message}; write it in quotes to search for the word"
    ]


@pytest.mark.parametrize(
    ("query", "written", "instead"),
    [
        ("اللاجئون^2", "^2", "اللاجئون"),
        ('"المخطوطات النادرة"^3 المكتبة', "^3", '"المخطوطات النادرة" المكتبة'),
        ("(اللاجئون OR المخطوطات)^2", "^2", "(اللاجئون OR المخطوطات)"),
        ("اللاجئون^٢ المكتبة^1.5", "^٢", "اللاجئون المكتبة"),
        ("اللاجئون ^2", "^2", "اللاجئون"),
    ],
)
def test_boost_is_a_usage_error(run, small_index, query, written, instead):
    """Other engines' «word^2» would search for «2» as a word too: one line, exit 2,
    with the query to write instead."""
    result = run("search", query, "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        f"searchidx: error: the query language has no boosts ({written}); write {instead}"
    ]


def test_boost_without_words_says_to_give_words(run, small_index):
    result = run("search", "^2", "--index", str(small_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        "searchidx: error: the query language has no boosts (^2); give the words to search for"
    ]


def test_caret_inside_quotes_or_alone_is_punctuation(small_index):
    """Only a «^» right after a word, phrase or bracket is read as a boost."""
    alone = search(small_index, "اللاجئون ^ المخطوطات", match_any=True)
    assert {hit.doc for hit in alone} == {"news/syria.txt", "news/library.md"}
    quoted = search(small_index, '"اللاجئون^"')
    assert {hit.doc for hit in quoted} == {"news/syria.txt"}


def test_operators_beside_brackets_still_combine(small_index):
    either = search(small_index, "(اللاجئون)OR(المخطوطات)")
    assert {hit.doc for hit in either} == {"news/syria.txt", "news/library.md"}
    without = search(small_index, "المكتبة NOT(المخطوطات)")
    assert [hit.paragraph for hit in without] == [1, 3]
    # A minus right after a bracket excludes, as it does after a space.
    for query in ("(المكتبة)-المخطوطات", "(المكتبة)-(المخطوطات)"):
        assert [hit.paragraph for hit in search(small_index, query)] == [1, 3]
    # In quotes an operator is a word, wherever it stands.
    assert search(small_index, '"سوريا OR" اللاجئون').total == 0


def test_all_words_by_default_any_on_request(small_index):
    assert search(small_index, "اللاجئون المخطوطات").total == 0
    assert search(small_index, "اللاجئون المخطوطات", match_any=True).total == 2


def test_any_keeps_doc_and_title_filters(greetings_index):
    results = search(greetings_index, "doc:news/politics.txt السلام", match_any=True)
    assert doc_paragraphs(results) == [("news/politics.txt", 2), ("news/politics.txt", 3)]
    either = search(greetings_index, "الرئيس الصبر title:رسائل", match_any=True)
    assert doc_paragraphs(either) == [("letters.txt", 3)]


def test_any_makes_only_the_words_alternatives(greetings_index):
    results = search(greetings_index, "الرئيس الصبر -عليكم", match_any=True)
    assert doc_paragraphs(results) == [("news/politics.txt", 2)]
    grouped = search(greetings_index, "(الرئيس الوزير) doc:news/politics.txt", match_any=True)
    assert sorted(doc_paragraphs(grouped)) == [("news/politics.txt", 2), ("news/politics.txt", 3)]
    excluded = search(greetings_index, "(الرئيس الوزير) -التحية", match_any=True)
    assert doc_paragraphs(excluded) == [("news/politics.txt", 2)]


def test_hyphen_inside_a_number_or_word_is_not_a_minus(greetings_index):
    hit = search(greetings_index, "2019-2020").hits[0]
    assert (hit.doc, hit.paragraph) == ("news/politics.txt", 4)
    assert highlighted(hit) == ["2019", "2020"]
    # A dash between spaces is punctuation: both words must match.
    assert doc_paragraphs(search(greetings_index, "السلام - الرئيس")) == [("news/politics.txt", 2)]


# Numbers written against Arabic words, as news text writes dates, sizes and numbers.
GLUED_NUMBERS = {
    "dates.txt": "\n\n".join(
        [
            "أقيم المعرض عام 2024م في دمشق.",
            "توفي الشيخ سنة 1445هـ في المدينة.",
            "ولد الشاعر عام2024 في حلب.",
            "صدر القرار في ٢٠٢٤م بعد نقاش طويل.",
            "تبعد القرية 5كم عن المدينة كما ورد في العدد3 من المجلة.",
            "انتشر فيروس COVID-19 وسلالة H1N1 وتبادل الناس ملفات MP3.",
            "في عام 2024 وقعت أحداث كثيرة.",
            "نشر الخبر على الرابط example.com/news?id=77 أمس.",
        ]
    )
}


@pytest.fixture(scope="module", params=[True, False], ids=["arrays", "whoosh"])
def glued_numbers(request, tmp_path_factory):
    yield from index_in_each_core(request, tmp_path_factory, GLUED_NUMBERS)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # The number alone finds it against a word, before or after, in either digits.
        ("2024", {1: ["2024"], 3: ["2024"], 4: ["٢٠٢٤"], 7: ["2024"]}),
        ("1445", {2: ["1445"]}),
        ("5", {5: ["5"]}),
        ("3", {5: ["3"]}),
        # The word alone, without the number glued to it.
        ("العدد", {5: ["العدد"]}),
        ("كم", {5: ["كم"]}),
        # The glued form is the phrase of its parts: «2024م» and «٢٠٢٤م», not «عام 2024».
        ("2024م", {1: ["2024", "م"], 4: ["٢٠٢٤", "م"]}),
        ("٢٠٢٤م", {1: ["2024", "م"], 4: ["٢٠٢٤", "م"]}),
        ("=2024م", {1: ["2024", "م"], 4: ["٢٠٢٤", "م"]}),
        ('"=2024م"', {1: ["2024", "م"], 4: ["٢٠٢٤", "م"]}),
        ('"عام 2024"', {1: ["عام", "2024"], 3: ["عام", "2024"], 7: ["عام", "2024"]}),
        ("عام2024", {1: ["عام", "2024"], 3: ["عام", "2024"], 7: ["عام", "2024"]}),
        ("2024 -م", {3: ["2024"], 7: ["2024"]}),
        # Latin words with digits stay whole; a hyphen still parts them.
        ("H1N1", {6: ["H1N1"]}),
        ("MP3", {6: ["MP3"]}),
        ("COVID-19", {6: ["COVID", "19"]}),
        ("19", {6: ["19"]}),
    ],
)
def test_a_number_written_against_a_word_is_a_word_of_its_own(glued_numbers, query, found):
    results = glued_numbers.search(query, limit=20)
    assert {hit.paragraph: highlighted(hit) for hit in results} == found
    assert results.total == len(found)


@pytest.mark.parametrize(
    ("query", "message", "instead", "found"),
    [
        ("عام20*", "'عام20*' is 2 words (عام 20), and * ? ~ apply to one word; "
         "write them apart: عام 20*", "عام 20*", [1, 3, 7]),
        ("الع?د3", "'الع?د3' is 2 words (العد 3), and * ? ~ apply to one word; "
         "write them apart: الع?د 3", "الع?د 3", [5]),
        # Apart, «م~» would be too short for a ~.
        ("2024م~", "'2024م~' is 2 words (2024 م), and * ? ~ apply to one word; "
         "write 2024م to find it as written", "2024م", [1, 4]),
        # Words parted by punctuation: in quotes a * or ~ is refused too, so the advice
        # is the text without them, the phrase of its words.
        ("COVID-19*", "'COVID-19*' is 2 words (covid 19), and * ? ~ apply to one word; "
         "write COVID-19 to find it as written", "COVID-19", [6]),
        ("COVID-19~", "'COVID-19~' is 2 words (covid 19), and * ? ~ apply to one word; "
         "write COVID-19 to find it as written", "COVID-19", [6]),
        # A ? is punctuation in quotes only.
        ("example.com/news?id=77", "'example.com/news?id=77' is 4 words "
         "(example com newsid 77), and * ? ~ apply to one word; "
         'put it in quotes to find it as written: "example.com/news?id=77"',
         '"example.com/news?id=77"', [8]),
    ],
)  # fmt: skip
def test_wildcard_or_fuzzy_on_words_written_together_says_what_to_write(
    glued_numbers, query, message, instead, found
):
    """The index holds «عام2024» as «عام» and «2024»: «عام20*» would find nothing.
    The query the message gives is accepted, and finds the words."""
    with pytest.raises(QueryError) as raised:
        glued_numbers.search(query)
    assert str(raised.value) == message
    assert sorted(hit.paragraph for hit in glued_numbers.search(instead)) == found


def test_arabic_question_mark_is_punctuation_not_a_wildcard(greetings_index):
    results = search(greetings_index, "ما السلام؟")
    assert results.total == 0  # «ما» is in no paragraph: the question mark changed nothing
    asked = search(greetings_index, "السلام؟")
    assert doc_paragraphs(asked) == doc_paragraphs(search(greetings_index, "السلام"))
    assert highlighted(asked.hits[0]) == ["السلامَ"]


@pytest.mark.parametrize("query", ["؟!", "،", "...", "?!", "«»", "- -", "؟"])
@pytest.mark.parametrize("match_any", [False, True])
def test_punctuation_only_queries_have_no_words(greetings_index, query, match_any):
    with pytest.raises(QueryError, match=r"^the query has no words to search for$"):
        search(greetings_index, query, match_any=match_any)


def test_doc_and_title_filters(small_index):
    assert {hit.doc for hit in search(small_index, "قال doc:news/syria.txt")} == {"news/syria.txt"}
    titled = search(small_index, "title:المكتبة قاعة")
    assert [(hit.doc, hit.paragraph) for hit in titled] == [("news/library.md", 2)]
    assert titled.hits[0].title == "المكتبة الوطنية"


@pytest.mark.parametrize(
    "query",
    ["", "   ", "*", "OR", "سوريا AND", "NOT", "kind:file", "س*", "x" * 1001],
)
def test_malformed_queries_raise_query_error(small_index, query):
    with pytest.raises(QueryError):
        search(small_index, query)


@pytest.mark.parametrize(
    ("query", "docs"),
    [
        ("doc:news/ NOT zzzz", ["news/library.md", "news/syria.txt"]),
        ("doc:news NOT zzzz", ["news/library.md", "news/syria.txt"]),
        ("doc:news/syria.txt NOT zzzz", ["news/syria.txt"]),
        ("المدارس doc:news/", ["news/syria.txt"]),
        ("العلم doc:news/", []),
    ],
)
def test_doc_filter_takes_a_folder(small_index, query, docs):
    found = sorted({hit.doc for hit in search(small_index, query, limit=100)})
    assert found == docs


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"offset": -1}, "offset must be a whole number, 0 or more, not -1"),
        ({"context": "2"}, "context must be a whole number, 0 or more, not '2'"),
    ],
)
def test_bad_offset_or_context_is_a_query_error(small_index, options, message):
    with pytest.raises(QueryError, match=message):
        search(small_index, "سوريا", **options)


def test_files_with_a_bad_offset_is_a_query_error(small_index):
    with Index.open(small_index) as index, pytest.raises(QueryError, match="offset"):
        index.search_files("سوريا", offset=-2)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # Echoed as typed: «ضد~», not «ضد~1».
        ("ضد~", "^'ضد~' needs a word of at least 3 letters$"),
        ("ضد~2", "^'ضد~2' needs a word of at least 3 letters$"),
        ("الاحتلال~3", "'الاحتلال~3': the distance after ~ is 1 or 2"),
        ("~3", "~ goes right after a word"),
        (
            '"السلام عليكم"~0',
            'the words may be 1 to 1000 positions apart; write e.g. "السلام عليكم"~5',
        ),
        ("سوريا~~", "~ goes right after a word"),
        # After a bracket: Whoosh searched for «2», or failed as if the index had changed.
        ("(الباغوز تحرير)~2", "~ goes right after a word"),
        ("(الباغوز)~", "~ goes right after a word"),
        ("الباغوس)~2", "~ goes right after a word"),
        ('("تحرير الباغوز")~3', "~ goes right after a word"),
        ("سوريا~2~", "~ goes right after a word"),
        ('"السلام عليكم"~5000', "the words may be 1 to 1000 positions apart"),
        # The example repeats the words as typed, not folded («النائمه»).
        ('"الخلايا النائمة"~1001', 'write e.g. "الخلايا النائمة"~5$'),
        ('"=الخلايا النائمة"~1001', 'write e.g. "=الخلايا النائمة"~5$'),
        ('"عِلْمٌ نافع"~2000', 'write e.g. "عِلْمٌ نافع"~5$'),
        # Whoosh would read «~1» and search for «.5» (or «0») besides.
        ("الباغوس~1.5", "'الباغوس~1.5': the distance after ~ is 1 or 2"),
        ("الباغوس~12", "'الباغوس~12': the distance after ~ is 1 or 2"),
        ("الباغوس~١", "^'الباغوس~١': write the distance in Latin digits: الباغوس~1$"),
        ('"الخلايا النائمة"~٥', 'write the distance in Latin digits: "الخلايا النائمة"~5$'),
        ("الباغوس~۲", "write the distance in Latin digits: الباغوس~2$"),  # Persian
        ('"السلام عليكم"~1.5', "phrase's ~ is a whole number of positions, 1 to 1000"),
        # Inside quotes «~» is no operator: the analyzer would drop it unseen.
        ('"الباغوس~"', "~ does not work inside quotes: write الباغوس~ without them"),
        # The fuzzy word as typed, its distance too.
        ('"السلام عليكم~2"', "~ does not work inside quotes: write عليكم~2 without them"),
        ('"عِلْمٌ~2 نافع"', "~ does not work inside quotes: write عِلْمٌ~2 without them"),
    ],
)
def test_bad_fuzzy_or_proximity_is_a_query_error(seed_index, query, message):
    with pytest.raises(QueryError, match=message):
        search(seed_index, query)


def refused(run, index_path, query: str) -> str:
    """The one line ``search`` prints for ``query``, with exit 2 (after
    «searchidx: error: »), which the API's QueryError says too."""
    result = run("search", query, "--index", str(index_path))
    assert result.exit_code == 2, result.stdout
    [line] = stderr_lines(result)
    with pytest.raises(QueryError) as raised:
        search(index_path, query)
    assert line == f"searchidx: error: {raised.value}"
    return str(raised.value)


# «تحرير الباغوز» side by side; «تحريرها» 4 words after «الباغوز» (¶16) too.
NEAR_TAHRIR = [1, 3, 7, 8, 15]
AROUND_TAHRIR = [1, 3, 7, 8, 15, 16]


@pytest.mark.parametrize(
    ("query", "message", "instead", "found"),
    [
        ('"تحرير الباغوز"~01', "write the distance without leading zeros: "
         '"تحرير الباغوز"~1', '"تحرير الباغوز"~1', NEAR_TAHRIR),
        ('"تحرير الباغوز"~003', "write the distance without leading zeros: "
         '"تحرير الباغوز"~3', '"تحرير الباغوز"~3', NEAR_TAHRIR),
        ("الباغوس~01", "write the distance without leading zeros: الباغوس~1", "الباغوس~1",
         AROUND_TAHRIR),
        # Past the widest window, the range is what is wrong.
        ('"تحرير الباغوز"~01001', '"…"~1001: the words may be 1 to 1000 positions apart; '
         'write e.g. "تحرير الباغوز"~5', '"تحرير الباغوز"~5', AROUND_TAHRIR),
        ("الباغوس~03", "'الباغوس~03': the distance after ~ is 1 or 2 (word~ or word~2)",
         "الباغوس~2", AROUND_TAHRIR),
    ],
)  # fmt: skip
def test_a_distance_with_leading_zeros_is_a_usage_error(
    run, seed_index, query, message, instead, found
):
    """Whoosh took no distance from «"…"~01»: it searched the phrase and the digits
    «0» and «1» as words, and found nothing. The query the message gives finds
    «تحرير الباغوز»."""
    assert refused(run, seed_index, query).endswith(message)
    assert sorted(hit.paragraph for hit in search(seed_index, instead)) == found


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # Whoosh read these as a prefix of the phrase's words run together, «تحريرالباغوز*».
        ('"تحرير الباغوز"~3*', "'\"تحرير الباغوز\"~3*': * and ? apply to one word, not to "
         'a phrase; write "تحرير الباغوز"~3'),
        ('"تحرير الباغوز"~3?', "'\"تحرير الباغوز\"~3?': * and ? apply to one word, not to "
         'a phrase; write "تحرير الباغوز"~3'),
        ('"تحرير الباغوز"*', "'\"تحرير الباغوز\"*': * and ? apply to one word, not to "
         'a phrase; write "تحرير الباغوز"'),
        # Whoosh kept the prefix or the wildcard and dropped the ~ unseen.
        ("الباغوز~1*", "'الباغوز~1*': a word takes ~ or a wildcard, not both; "
         "write الباغوز~1 or الباغوز*"),
        ("الباغوس~2?", "'الباغوس~2?': a word takes ~ or a wildcard, not both; "
         "write الباغوس~2 or الباغوس?"),
        ("الباغو*~", "'الباغو*~': a word takes ~ or a wildcard, not both; "
         "write الباغو~ or الباغو*"),
        ("مستمر?~2", "'مستمر?~2': a word takes ~ or a wildcard, not both; "
         "write مستمر~2 or مستمر?"),
        ("(تحرير الب*غوز~)", "'الب*غوز~': a word takes ~ or a wildcard, not both; "
         "write الب*غوز"),
    ],
)  # fmt: skip
def test_a_wildcard_after_a_phrase_or_with_a_tilde_is_a_usage_error(
    run, seed_index, query, message
):
    assert refused(run, seed_index, query) == message


def test_what_the_message_on_a_wildcard_with_a_tilde_says_finds_the_word(seed_index):
    for query in ("الباغوز~1", "الباغوز*", "الباغو~", "الباغو*"):
        assert sorted(hit.paragraph for hit in search(seed_index, query)) == AROUND_TAHRIR
    assert search(seed_index, "مستمر~2").total == search(seed_index, "مستمرة").total == 2


@pytest.mark.parametrize("distance", ["-3", "abc", "", "،", "1.5"])
def test_a_phrase_distance_that_is_no_whole_number_says_what_it_is(run, seed_index, distance):
    """Not «~ goes right after a word … or a quoted phrase»: it is after one."""
    query = f'"تحرير الباغوز"~{distance}'
    assert refused(run, seed_index, query) == (
        f"'{query}': the distance after a phrase's ~ is a whole number of positions, "
        '1 to 1000: write e.g. "تحرير الباغوز"~5'
    )


@pytest.mark.parametrize(
    ("query", "instead"),
    [
        ("«الخلايا النائمة»~3", '"الخلايا النائمة"~3'),
        ("“الخلايا النائمة”~5", '"الخلايا النائمة"~5'),  # as the article quotes
        ("»الخلايا النائمة«~٣", '"الخلايا النائمة"~3'),  # typed the other way round
        ("«الخلايا النائمة»~", '"الخلايا النائمة"~5'),
        ("«الباغوز»~ «الخلايا النائمة»~2", '"الخلايا النائمة"~2'),  # after a fuzzy word
    ],
)
def test_a_phrase_in_arabic_quotation_marks_with_a_distance_points_to_straight_quotes(
    run, seed_index, query, instead
):
    """«» are punctuation: the ~ fell on «النائمة» alone, and «~3» was no fuzzy distance."""
    assert refused(run, seed_index, query) == f"write the phrase in straight quotes: {instead}"
    assert sorted(hit.paragraph for hit in search(seed_index, instead)) == [4, 5, 9]


def test_arabic_quotation_marks_without_a_distance_are_punctuation(seed_index):
    for query in ("«الخلايا النائمة»", "“الخلايا النائمة”", "«الخلايا» «النائمة»"):
        assert sorted(hit.paragraph for hit in search(seed_index, query)) == [4, 5, 9]


def test_a_tatweel_with_a_tilde_is_no_word(seed_index):
    """«ـ~» (a kashida alone) is no word, as «ـ» is: not a parser's internal error."""
    with pytest.raises(QueryError, match=r"^the query has no words to search for$"):
        search(seed_index, "ـــ~2")
    assert doc_paragraphs(search(seed_index, "ـ~ الباغوز")) == doc_paragraphs(
        search(seed_index, "الباغوز")
    )


def test_punctuation_around_a_fuzzy_word_is_no_part_of_it(seed_index):
    """A word pasted with its quotation marks or comma («الباغوس»~) is the word,
    as it is without the ~, not a longer word with letters «» and ،."""
    found = doc_paragraphs(search(seed_index, "الباغوس~"))
    assert len(found) == 6
    for query in ("«الباغوس»~", "الباغوس،~", "(«الباغوس»~)", "'الباغوس'~"):
        assert doc_paragraphs(search(seed_index, query)) == found
    with pytest.raises(QueryError, match=r"^'«عل»~' needs a word of at least 3 letters$"):
        search(seed_index, "«عل»~")


def test_punctuation_after_a_distance_is_no_part_of_it(seed_index):
    """A pasted «الباغوس~،» is the fuzzy word, not a malformed distance."""
    assert search(seed_index, "الباغوس~،").total == search(seed_index, "الباغوس~").total == 6
    assert search(seed_index, "الباغوس~2.").total == search(seed_index, "الباغوس~2").total
    assert search(seed_index, '"تحرير الباغوز"~3،').total >= 1


@pytest.mark.parametrize(
    ("query", "word"),
    [('"الخلايا النا*"', "النا*"), ('"الخلا* النائمة"~3', "الخلا*"), ('title:"ذكرى تحر*"', "تحر*")],
)
def test_prefix_inside_quotes_is_a_query_error(run, seed_index, query, word):
    """The phrase would look for «النا» whole and find nothing, with no word why."""
    result = run("search", query, "--index", str(seed_index))
    assert result.exit_code == 2
    assert stderr_lines(result) == [
        "searchidx: error: * does not work inside quotes: a phrase's words are "
        f"matched whole; write {word} without them"
    ]
    # Outside the quotes the prefix finds «الخلايا النائمة».
    assert search(seed_index, "الخلايا النا*").total == 3


def test_tilde_in_a_quoted_file_name_is_no_operator(seed_index):
    """«doc:"…"» names a file, and file names may hold a ~ (backups, short names)."""
    assert search(seed_index, 'doc:"notes~1.txt" الباغوز').total == 0


# «=word»: the word as written, marks and invisible characters aside.


def found(index_path, query, **options) -> list[int]:
    return sorted(hit.paragraph for hit in search(index_path, query, limit=50, **options))


@pytest.mark.parametrize("array_search", [True, False])
def test_exact_word_finds_the_quranic_spelling_with_a_madd_sign(tmp_path, array_search):
    """The mushaf lengthens the alef of «ٱلسَّمَآءِ» and «ٱلضَّآلِّينَ» with a maddah:
    «=السماء» and «=الضالين» find them, while «=وآمن» still tells «وآمن» from «وامن»."""
    docs = write_corpus(tmp_path / "docs", {
        "sura.txt": "\n\n".join([
            "سورة البقرة",
            "وَأَنزَلَ مِنَ ٱلسَّمَآءِ مَآءً فَأَخْرَجَ بِهِۦ مِنَ ٱلثَّمَرَٰتِ رِزْقًا لَّكُمْ",
            "صَرَطَ ٱلَّذِينَ أَنْعَمْتَ عَلَيْهِمْ غَيْرِ ٱلْمَغْضُوبِ عَلَيْهِمْ وَلَا ٱلضَّآلِّينَ",
            "السماء صافية والماء عذب، وآمن الناس وامن الطريق.",
        ]),
    })  # fmt: skip
    with Index.open(build_index(tmp_path / "ix", docs)) as index:
        index.array_search = array_search
        sky = index.search("=السماء")
        water = index.search('"=السماء ماء"')
        astray = index.search("=الضالين")
        believed = index.search("=وآمن")
        safe = index.search("=وامن")
    assert sorted(hit.paragraph for hit in sky) == [2, 4]
    assert [highlighted(hit) for hit in sky if hit.paragraph == 2] == [["ٱلسَّمَآءِ"]]
    assert [hit.paragraph for hit in water] == [2]
    assert [highlighted(hit) for hit in astray] == [["ٱلضَّآلِّينَ"]]
    assert [highlighted(hit) for hit in believed] == [["وآمن"]]
    assert [highlighted(hit) for hit in safe] == [["وامن"]]


@pytest.mark.parametrize(("query", "paragraphs"), EXACT_FOUND.items())
def test_exact_word_finds_only_its_own_spelling(exact_index, query, paragraphs):
    results = search(exact_index, query, limit=50)
    assert sorted(hit.paragraph for hit in results) == paragraphs
    assert results.total == len(paragraphs)


def test_without_equals_the_same_words_match_every_spelling(exact_index):
    """What «=» takes away: folded letters, hamza seats, the article and clitics."""
    assert found(exact_index, "علي") == [1, 2, 3]
    assert found(exact_index, "مسؤول") == [4, 5]
    assert found(exact_index, "الكتاب") == [2, 6, 7, 8]


def test_exact_word_ignores_the_marks_of_the_query_and_invisible_characters(exact_index):
    assert found(exact_index, "=عَلِيّ") == [1, 3]
    assert found(exact_index, "=\ufe8d\ufedf\ufedc\ufe98\ufe8e\ufe8f") == [2, 7, 8]
    assert found(exact_index, "=الكتـاب") == [2, 7, 8]


def test_exact_word_highlights_only_the_exact_occurrences(exact_index):
    [hit] = search(exact_index, "=الكتاب هذا").hits
    assert highlighted(hit) == [
        "هذا",
        "الكتــاب",
        "\ufe8d\ufedf\ufedc\ufe98\ufe8e\ufe8f",
        "الكت\u200dاب",
    ]
    [hit] = search(exact_index, "=علي بن").hits
    assert highlighted(hit) == ["علي", "بن"]
    [hit] = search(exact_index, "=على").hits
    assert highlighted(hit) == ["على"]
    assert highlighted(search(exact_index, "=2019").hits[0]) == ["٢٠١٩", "2019"]


def test_exact_word_in_a_phrase(exact_index):
    assert found(exact_index, '"=علي بن ابي طالب"') == [1]
    assert found(exact_index, '"=على بن ابي طالب"') == []
    assert found(exact_index, '"علي =بن ابي طالب"') == [1]
    assert found(exact_index, '"وضع =الكتاب"') == [2]
    assert found(exact_index, '"قرأت =الكتاب"') == []
    assert found(exact_index, '"قرأت =كتاب التاريخ"') == [6]
    [hit] = search(exact_index, '"=الكتاب على"').hits
    assert highlighted(hit) == ["الكتاب", "على"]


def test_only_a_query_with_an_equals_sign_compiles_the_exact_word_pattern(exact_index):
    # The pattern holds every letter class of a word: a one-shot search
    # without «=» does not pay for it, and one with «=» still finds its word.
    from searchidx.search import query

    query._exact_word.cache_clear()
    assert found(exact_index, '"علي بن ابي طالب" OR الكتاب*') == [1, 2, 6, 7, 8]
    assert query._exact_word.cache_info().currsize == 0
    assert found(exact_index, "=على") == [2]
    assert query._exact_word.cache_info().currsize == 1


def test_exact_word_with_or_not_and_any(exact_index):
    assert found(exact_index, "=على OR =مسئول") == [2, 5]
    assert found(exact_index, "الكتاب -=الكتاب") == [6]
    assert found(exact_index, "الكتاب NOT =الكتاب") == [6]
    assert found(exact_index, "علي NOT =على") == [1, 3]
    assert found(exact_index, "=مسؤول =مسئول", match_any=True) == [4, 5]
    assert found(exact_index, "(=على OR =علي) -طالب") == [2, 3]
    # Right after a bracket, as after a space: «(قال)=على» does not find «قال علي».
    assert found(exact_index, "(قال)=على") == []
    assert found(exact_index, "(وضع)=على") == [2]


def test_exact_word_through_the_api_lists_files_and_pages(exact_index):
    with Index.open(exact_index) as index:
        files = index.search_files("=مسئول")
        assert [(hit.doc, hit.hits) for hit in files.files] == [("exact.txt", 1)]
        first, rest = index.search("=الكتاب", limit=1), index.search("=الكتاب", offset=1)
        assert [hit.paragraph for hit in first.hits + rest.hits] == [
            hit.paragraph for hit in index.search("=الكتاب").hits
        ]
        assert first.total == rest.total == 3


def test_equals_sign_inside_a_file_name_still_filters_by_document(tmp_path):
    folder = write_corpus(tmp_path / "docs", {"a=b.txt": "زرنا حلب.", "=c.txt": "زرنا حمص."})
    index_path = build_index(tmp_path / "index", folder)
    assert doc_paragraphs(search(index_path, "doc:a=b.txt")) == [("a=b.txt", 1)]
    assert doc_paragraphs(search(index_path, "doc:=c.txt زرنا")) == [("=c.txt", 1)]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("=", "= goes right before a word, with no space: =علي"),
        ("= علي", "= goes right before a word, with no space: =علي"),
        ("==علي", "= goes right before a word, with no space: =علي"),
        ("علي =", "= goes right before a word, with no space: =علي"),
        ("=(علي OR على)", "= goes right before a word, with no space: =علي"),
        ('"= علي بن"', "= goes right before a word, with no space: =علي"),
        ('="علي بن"', '= goes inside the quotes, right before a word: "=علي بن"'),
        ('=""', '= goes inside the quotes, right before a word: "=علي بن ابي طالب"'),
        # The word the query wrote, not «علي»; inside quotes, no advice to go inside them.
        ("= الكتاب", "= goes right before a word, with no space: =الكتاب"),
        ("==الكتاب", "= goes right before a word, with no space: =الكتاب"),
        ('"الكتاب ="', "= goes right before a word, with no space: =الكتاب"),
        ('"= مسؤول الملف"', "= goes right before a word, with no space: =مسؤول"),
        ('"قال" ="مسؤول الملف"', '= goes inside the quotes, right before a word: "=مسؤول الملف"'),
        ("=title:المكتبة", "= goes right before a word of the text, not before doc: or title: "
         "(=المكتبة)"),
        ("=doc:a.txt", "= goes right before a word of the text, not before doc: or title: "
         "(=علي)"),
        ("title:=المكتبة", "= finds words of the text, not of titles: write =المكتبة without "
         "title:"),
        ('title:"=المكتبة الوطنية"', "= finds words of the text, not of titles: write =المكتبة "
         "without title:"),
        ("=علي*", "=word is one exact word: it takes no * or ~ (write =علي, or علي~ for its "
         "near spellings, علي* for a prefix)"),
        ("=الله~", "=word is one exact word: it takes no * or ~ (write =الله, or الله~ for its "
         "near spellings, الله* for a prefix)"),
        ("=ـــ", "the query has no words to search for"),
    ],
)  # fmt: skip
def test_misplaced_equals_sign_is_a_query_error_saying_how_to_write_it(
    run, exact_index, query, message
):
    assert refused(run, exact_index, query) == message


def test_a_pasted_sentence_with_a_colon_or_dashed_eulogy_finds_its_paragraph(tmp_path):
    """Hadith text as users copy it: a colon right after a vocalized word
    («قَالَت:») is punctuation, not a field (Whoosh's «\\w+:» took the «ت» after
    the marks for one), and «-ﷺ-», the eulogy set apart by dashes in Indo-Pak
    books, is the eulogy, not NOT."""
    docs = write_corpus(tmp_path / "docs", {
        "a.txt": "قَالَت: أَيُّ الْمُسْلِمِينَ خَيْرٌ مِنْ أَبِي سَلَمَةَ؟\n\n"
        "قَالَ رَسُولُ اللّٰہِ -ﷺ- : إِنَّمَا الْأَعْمَالُ بِالنِّیَّاتِ\n\n"
        "قال رسول الله في خطبته",
    })  # fmt: skip
    build_index(tmp_path / "ix", docs)
    pasted = search(tmp_path / "ix", "قَالَت: أَيُّ الْمُسْلِمِينَ خَيْرٌ")
    assert [hit.paragraph for hit in pasted] == [1]
    assert highlighted(pasted.hits[0])[0] == "قَالَت"
    eulogy = search(tmp_path / "ix", "رسول الله -ﷺ-")
    assert [hit.paragraph for hit in eulogy] == [2]
    spelled = search(tmp_path / "ix", "رسول -صلى الله عليه وسلم-")
    assert [hit.paragraph for hit in spelled] == [2]
    # A minus no dash closes still excludes.
    assert [hit.paragraph for hit in search(tmp_path / "ix", "رسول -ﷺ")] == [3]
