"""The analyzer: whole words with offsets into the original, their folded terms and stems,
and the Whoosh analyzers built on them."""

import pickle
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from searchidx import arabic
from searchidx.analysis import ANALYZER, analyze, term_analyzer
from searchidx.arabic import LETTER_FATES, fold_readings, fold_term, light_stem

from .conftest import VOCALIZED_SENTENCE


def terms(text):
    return [token.term for token in analyze(text)]


def test_vocalized_sentence_gives_nine_whole_words_with_marks():
    tokens = analyze(VOCALIZED_SENTENCE)
    assert [t.text for t in tokens] == [
        "أكَّدَ",
        "أحمدُ",
        "ناصر",
        "قائدُ",
        "القواتِ",
        "المعركةُ",
        "مستمرةٌ",
        "الرَّحْمَـٰنِ",
        "٢٠١٩",
    ]
    assert [t.term for t in tokens] == [
        "اكد",
        "احمد",
        "ناصر",
        "قاءد",
        "القوات",
        "المعركه",
        "مستمره",
        "الرحمن",
        "2019",
    ]
    for token in tokens:
        assert VOCALIZED_SENTENCE[token.start : token.end] == token.text


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("كَتَبَ", "كتب"),  # harakat
        ("مُحَمَّدٌ", "محمد"),  # shadda and tanwin
        ("الرَّحْمَـٰنِ", "الرحمن"),  # dagger alef and tatweel
        ("ٱلْحَمْدُ", "الحمد"),  # alef wasla and sukun
        ("ذَٰلِكَ", "ذلك"),  # dagger alef inside the word
        ("عَلَيْهِۚ", "عليه"),  # Quranic pause mark
        ("داعـــش", "داعش"),  # tatweel
        ("أحمد", "احمد"),  # alef with hamza above
        ("إسلام", "اسلام"),  # alef with hamza below
        ("آمن", "امن"),  # alef madda
        ("مستشفى", "مستشفي"),  # alef maksura
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("مسؤول", "مسءول"),  # hamza on waw
        ("مسئول", "مسءول"),  # hamza on yeh, same word
        ("کتاب", "كتاب"),  # Persian keheh
        ("علی", "علي"),  # Persian yeh
        ("رحمۃ", "رحمه"),  # Urdu teh marbuta goal
        ("اللہ", "الله"),  # Urdu heh goal
        ("١٤٤٥", "1445"),  # Arabic-Indic digits
        ("۱۴۰۲", "1402"),  # Persian digits
        ("ﻻ", "لا"),  # presentation form ligature
        ("ﺍﻟﺴﻼﻡ", "السلام"),  # presentation forms copied from a PDF
        ("سو\u200fريا", "سوريا"),  # right-to-left mark inside a word
        ("سو\u200dريا", "سوريا"),  # zero-width joiner inside a word
        ("Damascus", "damascus"),  # Latin case
    ],
)
def test_folding_makes_spelling_variation_invisible(variant, plain):
    assert terms(variant) == terms(plain)
    assert len(terms(variant)) == 1


def test_nfd_and_nfc_spellings_give_one_term():
    word = "أؤمن بإيمانٍ"
    assert terms(unicodedata.normalize("NFD", word)) == terms(unicodedata.normalize("NFC", word))


def test_combining_marks_stay_inside_the_word():
    # \w alone would cut «أكّد» after the shadda.
    tokens = analyze("أكّد")
    assert [(t.text, t.start, t.end) for t in tokens] == [("أكّد", 0, 4)]


def test_bidi_controls_and_punctuation_separate_words_but_never_join_terms():
    text = "\u200fسوريا\u200f،«العراق»؛ لبنان؟"
    assert terms(text) == ["سوريا", "العراق", "لبنان"]
    for token in analyze(text):
        assert "\u200f" not in token.text


def test_wildcard_text_passes_through_the_filters():
    analyzer = term_analyzer()
    assert [t.text for t in analyzer("الخلاي*", tokenize=False, mode="query")] == ["الخلاي*"]
    assert [t.text for t in term_analyzer()("مستم?ة", tokenize=False)] == ["مستم?ه"]


def test_whoosh_analyzers_fold_offsets_into_the_original():
    text = "قالَ أحمدُ"
    tokens = [(t.text, t.startchar, t.endchar) for t in term_analyzer()(text, chars=True)]
    assert tokens == [("قال", 0, 4), ("احمد", 5, 10)]
    assert text[5:10] == "أحمدُ"


def test_analyzers_survive_pickling():
    # Whoosh pickles the analyzers into the index schema.
    for analyzer in (term_analyzer(),):
        clone = pickle.loads(pickle.dumps(analyzer))
        assert [t.text for t in clone("والكتابُ")] == [t.text for t in analyzer("والكتابُ")]


# Property tests

# Not the dagger alef U+0670: it may stand for an alef (Uthmani «ٱلْكِتَـٰبُ»).
HARAKAT = [chr(c) for c in range(0x064B, 0x0653)] + ["\u0640"]


arabic_words = st.text(
    alphabet=st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهويءأإآؤئةى")), min_size=1, max_size=10
)


mixed_text = st.text(
    alphabet=st.sampled_from(
        list("ابتسكلمنهويةىأإآؤئ ٠١٢abc،؛؟.«»\n") + HARAKAT + ["\u200f", "\u200c", "ﻻ", "ﷺ"]
    ),
    max_size=60,
)


@given(mixed_text)
def test_offsets_slice_the_original(text):
    for token in analyze(text):
        assert text[token.start : token.end] == token.text
        assert token.term


@given(mixed_text)
def test_the_index_and_the_side_files_number_the_words_alike(text):
    # The side files read a position's written word from position_words.
    words = arabic.position_words(text)
    for token in term_analyzer()(text, positions=True):
        assert token.text in fold_readings(words[token.pos])


@given(mixed_text)
def test_folding_is_idempotent(text):
    for token in analyze(text):
        assert fold_term(token.term) == token.term
        assert light_stem(token.stem) == token.stem or len(token.stem) >= 3


@settings(max_examples=300)
@given(arabic_words, st.lists(st.tuples(st.integers(0, 20), st.sampled_from(HARAKAT)), max_size=5))
@example("ءأ", [(0, "\u064b"), (0, "\u064b")])  # tanween on a leading hamza before «أ»
@example("ءأ", [(0, "\u0651")])  # a shadda there, or a tatweel
@example("ءأ", [(0, "\u0640")])
@example("ءءءءءا", [(4, "\u064e")])  # «ءَا»: Uthmani «آ», skipped
def test_inserting_harakat_or_tatweel_changes_nothing(word, insertions):
    vocalized = word
    for position, mark in insertions:
        # A mark attaches to the letter before it, so never lead with one.
        index = 1 + position % len(vocalized)
        if mark == "\u0652" and vocalized[index - 1] == "ا":
            # An alef never bears a sukun; the KFGQPC Quran text writes its sign
            # of a silent alef that way, and the analyzer reads it so.
            continue
        if mark == "\u064e" and vocalized[index - 1] == "ء" and vocalized[index:][:1] == "ا":
            # «ءَا» after a letter is the Uthmani spelling of «آ» («قُرْءَانٌ» = «قرآن»):
            # the fatha is what tells it from a hamza before a tanween alef («جزءا»).
            continue
        vocalized = vocalized[:index] + mark + vocalized[index:]
    plain, marked = analyze(word), analyze(vocalized)
    assert [(t.term, t.stem) for t in marked] == [(t.term, t.stem) for t in plain]
    assert [t.text for t in marked] == [vocalized]


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("عام 2024م", [("عام", "عام"), ("2024", "2024"), ("م", "م")]),
        ("عام2024", [("عام", "عام"), ("2024", "2024")]),
        ("1445هـ", [("1445", "1445"), ("هـ", "ه")]),
        ("٢٠٢٤م", [("٢٠٢٤", "2024"), ("م", "م")]),
        ("العَدَدُ3", [("العَدَدُ", "العدد"), ("3", "3")]),
        ("ق3", [("ق", "ق"), ("3", "3")]),
        ("بالـGPS", [("بالـ", "بال"), ("GPS", "gps")]),
        # Digits with Latin letters stay one word, as their writers mean them.
        ("H1N1 MP3 COVID-19", [("H1N1", "h1n1"), ("MP3", "mp3"), ("COVID", "covid"), ("19", "19")]),
    ],
)
def test_digits_and_arabic_letters_are_separate_words(text, words):
    tokens = analyze(text)
    assert [(t.text, t.term) for t in tokens] == words
    assert [text[t.start : t.end] for t in tokens] == [word for word, _ in words]


ARABIC_BLOCKS = [
    (0x0600, 0x06FF),
    (0x0750, 0x077F),
    (0x0870, 0x08FF),
    (0xFB50, 0xFDFF),
    (0xFE70, 0xFEFF),
]


def observed_fate(code):
    char = chr(code)
    tokens = analyze("ب" + char + "ب")
    if [t.text for t in tokens] == ["ب", char, "ب"] and tokens[1].term.isdigit():
        return "digit"  # a word of its own: digits are never part of an Arabic word
    words = arabic.WORD_LIGATURES.get(char, ())
    if [t.term for t in tokens] == ["ب", *map(fold_term, words), "ب"] and tokens[1].text == char:
        return "ligature"
    if len(tokens) != 1 or tokens[0].text != "ب" + char + "ب":
        return "separator"
    middle = tokens[0].term[1:-1]
    if not middle:
        return "dropped"
    if middle == char:
        return "kept"
    if code >= 0xFB50 and unicodedata.normalize("NFKC", char) != char:
        return "presentation"
    return "folded"


def test_every_letter_of_the_arabic_blocks_has_the_fate_the_table_documents():
    documented = {
        code: fate for first, last, fate in LETTER_FATES for code in range(first, last + 1)
    }
    for first, last in ARABIC_BLOCKS:
        for code in range(first, last + 1):
            if unicodedata.category(chr(code)) == "Cn":
                continue
            assert documented.get(code) == observed_fate(code), f"U+{code:04X}"


def test_ha_before_a_pronoun_is_also_read_as_its_own_word():
    # T 3:66 «هَـٰٓأَنتُمْ هَـٰٓؤُلَآءِ حَـٰجَجْتُمْ» = «ها أنتم هؤلاء حاججتم».
    words = analyze("هَـٰٓأَنتُمْ هَـٰٓؤُلَآءِ")
    assert {"ها", "انتم"} <= set(fold_readings(words[0].text))
    assert fold_readings(words[1].text) == ("هءلاء", "هاءلاء")  # one word, not «ها» + «ؤلاء»


def test_pyarabic_normalize_hamza_case_differs_by_design():
    # pyarabic turns «سئل أحد الأئمة» into «سءل ءحد الءءمة»; searchidx folds
    # the seated hamzas alike but reads a hamza on alef as alef.
    assert [t.term for t in analyze("سئل أحد الأئمة")] == ["سءل", "احد", "الاءمه"]


def test_pyarabic_tokenize_case_without_punctuation_tokens():
    # pyarabic keeps «:» and «.» as tokens; a search term is a word.
    assert [t.text for t in analyze("العربية: لغة جميلة.")] == ["العربية", "لغة", "جميلة"]


def test_tanween_mark_leaves_no_preposition_reading():
    (marked,) = analyze("كتاباً")
    assert marked.stems == ("كتاب", "كتابا")
    (bare,) = analyze("بسوريا")  # no mark: the ب may be a preposition
    assert "سوريا" in bare.stems


# Word ligatures: «ﷺ» is four words, «ﷻ» two, «ﷲ» one


def test_a_word_ligature_is_its_words_at_consecutive_positions_with_its_offsets():
    text = "قال رسول اللهﷺ: أنا"
    tokens = term_analyzer()(text, positions=True, chars=True)
    assert [(t.text, t.pos, text[t.startchar : t.endchar]) for t in tokens] == [
        ("قال", 0, "قال"),
        ("رسول", 1, "رسول"),
        ("الله", 2, "الله"),
        ("صلي", 3, "ﷺ"),
        ("الله", 4, "ﷺ"),
        ("عليه", 5, "ﷺ"),
        ("وسلم", 6, "ﷺ"),
        ("انا", 7, "أنا"),
    ]


def test_analyze_shows_each_word_of_a_ligature_against_the_ligature():
    assert [(t.text, t.start, t.term) for t in analyze("ﷻقال ﷲ ﷴ")] == [
        ("ﷻ", 0, "جل"),
        ("ﷻ", 0, "جلاله"),
        ("قال", 1, "قال"),
        ("ﷲ", 5, "الله"),  # one-word ligatures stay one word
        ("ﷴ", 7, "محمد"),
    ]


def test_the_analyzer_is_renamed_when_its_terms_change():
    # An index records the analyzer's name and is refused under another one: terms
    # made otherwise under the same name would open and quietly miss words («ﷺ»,
    # one term before arabic-fold-6, found none of its four words). When this
    # sample's terms change, rename ANALYZER and update both here.
    sample = "قال النبي ﷺ عام2024م: صَلّٰی الصَّلوٰۃِ أُو۟لَـٰۤى\u0655\u0650كَ ٱلثَّمَرَ\u200aٰ\u2060تِ"
    assert (ANALYZER, [token.term for token in analyze(sample)]) == (
        "arabic-fold-8",
        [
            "قال",
            "النبي",
            "صلي",
            "الله",
            "عليه",
            "وسلم",
            "عام",
            "2024",
            "م",
            "صلي",
            "الصلاه",
            "اولءك",
            "الثمرت",
        ],
    )
