"""Arabic spelling rules for search: words, folded terms, readings and light stems.

Pure functions and tables over strings, with no Whoosh in sight (like
``whoosh.lang``); :mod:`searchidx.analysis` builds the index's analyzer on them.

* :func:`iter_words` finds whole words: Arabic
  letters, or digits and other letters, together with the combining marks,
  tatweel and invisible joiners inside them, and the hair spaces some Quran
  text sets before a dagger alef («إِسۡرَ\u200aٰ\u2060ۤءِیلَ»). Python's ``\\w``
  does not match combining marks, so a plain ``\\w+`` cuts «أكّد» in two. A
  number written against Arabic letters is a word of its own: «عام2024م» is
  «عام», «2024», «م». Offsets slice the original word, marks included, which
  is what lets the highlighter mark «أَحْمَدُ» for «احمد». A word ligature is
  the words it stands for, each at a position of its own: «ﷺ» is «صلى الله
  عليه وسلم».
* :func:`fold_term` makes spelling variation invisible: it removes diacritics,
  Quranic marks, tatweel and format controls, unifies alef forms, ى/ي, ة/ه,
  hamza seats and Persian letter forms, turns Arabic-Indic digits into ASCII
  and lower-cases Latin. Presentation forms and decomposed letters are
  normalised first (NFKC). :data:`LETTER_FATES` says what becomes of every
  letter of the Arabic blocks.
* :func:`fold_readings` gives every term of a word whose Uthmani (Quranic)
  spelling has two readings: «ٱلْكِتَـٰبُ» is «الكتب» or «الكتاب».
* :func:`written_form` keeps a word as written, less what cannot be seen
  (presentation forms, tatweel, invisible controls; digits become ASCII), for
  ``=word`` and vocalized query words (the side files hold each word's).
* :func:`light_stems` strips clitics and suffixes from a folded term, never
  leaving fewer than three letters and never producing one of the
  :data:`FUNCTION_WORDS`, so «بالكتاب» and «الكتاب» share a stem while «الله»
  does not become «له» (and «بالله», «لله» are «الله» with a clitic). Where
  the letters are ambiguous («وزير»: «و» + «زير» or a word of its own) every
  reading's stem is given, and an index can say which it holds
  (:func:`evidence_words`).

An index holds the terms these rules made: a change that makes other terms
renames :data:`searchidx.analysis.ANALYZER`, so that older indexes are rebuilt.

Example::

    >>> fold_term("أكَّدَ"), light_stems("والكتب")
    ('اكد', ('كتب',))
"""

from __future__ import annotations

import functools
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate
from typing import NamedTuple

from pyarabic import araby

# Combining marks that may sit inside a word: Arabic harakat, small high marks,
# dagger alef, Quranic annotations, Arabic Extended-A marks, and the generic
# combining blocks that NFD Latin or Arabic produces.
_ARABIC_MARK_RANGES = (
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u0898-\u089f\u08ca-\u08ff"
)
_MARK_RANGES = (
    f"\u0300-\u036f\u0483-\u0489\u0591-\u05c7{_ARABIC_MARK_RANGES}"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
)
# Invisible characters: soft hyphen, bidi marks and embeddings, zero-width
# joiners and the byte order mark. Never part of a term; allowed only between
# letters of a word.
FORMAT_CONTROLS = "".join(
    chr(code)
    for first, last in ((0xAD, 0xAD), (0x61C, 0x61C), (0x200B, 0x200F), (0x202A, 0x202E),
                        (0x2060, 0x2069), (0xFEFF, 0xFEFF))
    for code in range(first, last + 1)
)  # fmt: skip

# The characters whose compatibility form (NFKC) is several words parted by
# spaces, and those words; no other character of Unicode is (a test checks).
# Each word takes a position of its own, with the ligature's offsets.
WORD_LIGATURES = {
    "\ufdfa": ("صلى", "الله", "عليه", "وسلم"),  # ﷺ
    "\ufdfb": ("جل", "جلاله"),  # ﷻ
}
# They as a character class, one alternative of :data:`WORD`.
_LIGATURE = f"[{''.join(WORD_LIGATURES)}]"

# The Arabic blocks: Arabic, Supplement, Extended-B and -A, Presentation Forms-A
# (without the word ligatures) and -B.
_ARABIC_BLOCKS = (
    (0x0600, 0x06FF), (0x0750, 0x077F), (0x0870, 0x08FF), (0xFB50, 0xFDF9), (0xFDFC, 0xFDFF),
    (0xFE70, 0xFEFF),
)  # fmt: skip


def _letter_class(blocks: tuple[tuple[int, int], ...]) -> str:
    """A character class of the word characters in ``blocks`` that are not digits
    (what ``[^\\W\\d_]`` takes there), written as ranges of code points.

    The class is listed rather than written as ``[^\\W\\d_…]`` less the other
    blocks: compiling that complement walked some 60,000 code points, a few
    milliseconds of every command's start, for each pattern that holds it.
    """
    letters = [
        code
        for first, last in blocks
        for code in range(first, last + 1)
        if chr(code).isalnum() and not chr(code).isdecimal()
    ]
    ranges = []
    for code in letters:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in ranges) + "]"


# Letters of the Arabic script: word characters of the Arabic blocks that are
# not digits. Everything else a word holds (digits, Arabic-Indic ones too, and
# the letters of other scripts) is the other kind.
_ARABIC_LETTER = _letter_class(_ARABIC_BLOCKS)
_OTHER_WORD_CHAR = (
    r"[^\W_\u0600-\u065f\u066a-\u06ef\u06fa-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff"
    r"\ufe70-\ufeff]"
)
# The two kinds of letters, marks and controls are disjoint classes, so nothing
# one repetition took could help another match: possessive repetitions (Python
# 3.11 on) never give back, and find the same words with less backtracking.
_ONCE = "+" if sys.version_info >= (3, 11) else ""


_CONTROLS_JOIN = f"[{FORMAT_CONTROLS}]+{_ONCE}"
# Spaces of typesetting (U+2000–U+200A, U+202F, U+205F). Quran text after Tanzil's
# sets a hair space and a word joiner around a dagger alef after a letter that
# does not join, to stand it on the line: «إِسۡرَ\u200aٰ\u2060ۤءِیلَ» (إسرائيل),
# «سَوۡءَ\u200aٰ\u2060\u200aتِهِمَا» (سوءاتهما). Such a space before an Arabic mark, or
# after a word joiner, is inside the word. An ordinary or no-break space before a
# mark still ends one: the mark is a stray one of the next word («عَبْدَانَ َخْبَرَنَا»,
# 1,760 times in 100,000 hadiths).
_TYPESET_SPACES = "\u2000-\u200a\u202f\u205f"
_ARABIC_JOIN = (
    rf"(?:{_CONTROLS_JOIN}(?:(?<=\u2060)[{_TYPESET_SPACES}])?"
    rf"|[{_TYPESET_SPACES}](?=[{_ARABIC_MARK_RANGES}]))"
)


def _run_of(char: str, join: str = _CONTROLS_JOIN) -> str:
    """A run of ``char`` with the marks on each, which invisible controls (or
    ``join``) may join: ``char`` then chars and marks, then, only where a join
    comes between, more of them after each join. ``char`` is a class; an explicit
    one (not negated) makes the first repetition one scan of one class, which is
    most of the time spent finding a text's words, and lets a join be followed
    by a mark as by a letter («ٰ\u2060ۤ»)."""
    if char.startswith("[^"):
        letters = rf"(?:{char}|[{_MARK_RANGES}])*{_ONCE}"  # no class holds both
        return rf"{char}{letters}(?:{join}{char}{letters})*{_ONCE}"
    letters = f"[{char[1:-1]}{_MARK_RANGES}]"
    return rf"{char}{letters}*{_ONCE}(?:{join}{letters}+{_ONCE})*{_ONCE}"


# One word (the tokenizer's and the highlighter's idea of a word): Arabic letters
# with their marks, or digits and other letters («2024», «H1N1», «MP3», «٢٠٢٤»),
# never both: Arabic writes numbers against words («عام2024م», «1445هـ», «5كم»,
# «العدد3»), and «2024» must find them as it finds «عام 2024 م».
#
# A word ligature, one character for several words, is a word of its own, even
# against letters («اللهﷺ» is «الله» and «ﷺ»; _ARABIC_LETTER leaves it out): it
# stands for the words of WORD_LIGATURES, which :func:`iter_words` gives in its place.
#
# The one group is the whole word, so that one split gives a text's words and
# what comes between them (:func:`position_spans`), and ``findall`` the words:
# a second pattern for the split cost as long to compile (3 ms of each search
# command's start).
WORD = re.compile(
    rf"({_run_of(_ARABIC_LETTER, _ARABIC_JOIN)}|{_LIGATURE}|{_run_of(_OTHER_WORD_CHAR)})"
)

_QURANIC_SIGNS = "".join(chr(c) for c in range(0x06D6, 0x06EE))
_EXTENDED_MARKS = "".join(
    chr(c)
    for c in (
        0x0887,
        0x088E,
        0x0890,
        0x0891,
        0x08C9,
        *range(0x0898, 0x08A0),
        *range(0x08CA, 0x0900),
    )
)
_DELETED = (
    "".join(araby.DIACRITICS)
    + "".join(araby.TASHKEEL)
    + araby.SMALL_ALEF
    + araby.TATWEEL
    + "".join(chr(c) for c in range(0x0653, 0x0660))
    + _QURANIC_SIGNS
    + _EXTENDED_MARKS
    + "\u0884"  # tatweel with overstruck waw: a small waw on a tatweel
    + FORMAT_CONTROLS
    + " "  # NFKC turns isolated presentation-form harakat into space + mark
)

# Letters folded into the letter readers take them for. See LETTER_FATES for
# every letter of the Arabic blocks.
_FOLDS = {
    araby.ALEF_MADDA: araby.ALEF,
    araby.ALEF_HAMZA_ABOVE: araby.ALEF,
    araby.ALEF_HAMZA_BELOW: araby.ALEF,
    araby.ALEF_WASLA: araby.ALEF,
    "\u0672": araby.ALEF,  # alef with wavy hamza above
    "\u0673": araby.ALEF,  # alef with wavy hamza below
    "\u08ad": araby.ALEF,  # low alef
    araby.ALEF_MAKSURA: araby.YEH,
    araby.TEH_MARBUTA: araby.HEH,
    # Hamza seats vary in real text («مسؤول», «مسئول»): keep only the hamza.
    araby.WAW_HAMZA: araby.HAMZA,
    araby.YEH_HAMZA: araby.HAMZA,
    "\u0674": araby.HAMZA,  # high hamza
    "\u0883": araby.HAMZA,  # tatweel with overstruck hamza
    "\u06d3": araby.HAMZA,  # yeh barree with hamza above, as ئ
    # Persian and Urdu letter forms found in Arabic text.
    "\u06a9": araby.KAF,  # keheh
    "\u06aa": araby.KAF,  # swash kaf
    "\u06cc": araby.YEH,  # farsi yeh
    "\u06d2": araby.YEH,  # yeh barree
    "\u0620": araby.YEH,  # kashmiri yeh
    "\u063d": araby.YEH,  # farsi yeh with inverted v
    "\u063e": araby.YEH,  # farsi yeh with two dots above
    "\u063f": araby.YEH,  # farsi yeh with three dots above
    "\u0886": araby.YEH,  # thin yeh
    "\u0885": araby.YEH,  # tatweel with two dots below: a yeh on a tatweel
    "\u06e7": araby.YEH,  # small high yeh: Uthmani «إبراهيم», «النبيين»
    "\u06c1": araby.HEH,  # heh goal
    "\u06c2": araby.HEH,  # heh goal with hamza above
    "\u06c0": araby.HEH,  # heh with yeh above: «كتابۀ» is «كتابه»
    "\u06be": araby.HEH,  # heh doachashmee
    "\u06d5": araby.HEH,  # ae
    "\u06c3": araby.HEH,  # teh marbuta goal
    # Dotless and archaic forms of Arabic letters.
    "\u066e": araby.BEH,  # dotless beh
    "\u066f": araby.QAF,  # dotless qaf (Maghribi final qaf)
    "\u06a1": araby.FEH,  # dotless feh
    "\u06ba": araby.NOON,  # noon ghunna
    "\u08bb": araby.FEH,  # African feh
    "\u08bc": araby.QAF,  # African qaf
    "\u08bd": araby.NOON,  # African noon
    "\u08b1": araby.WAW,  # straight waw
    **dict.fromkeys([chr(c) for c in range(0x0870, 0x0883)], araby.ALEF),  # alef with marks
}
for _digits in (araby.NUMBERS_EAST, araby.NUMBERS_PERS):
    _FOLDS.update(zip(_digits, araby.NUMBERS_WEST, strict=True))
# NFKC splits these into a letter and a high hamza; fold them whole first.
_BEFORE_NFKC = str.maketrans({"\u0675": araby.ALEF, "\u0676": araby.HAMZA, "\u0678": araby.HAMZA})

_FOLD_TABLE = str.maketrans({**dict.fromkeys(_DELETED), **_FOLDS})

# The fate of every assigned code point of the Arabic blocks (Arabic,
# Supplement, Extended-A and -B, presentation forms) in a term:
#   kept          a letter of its own, matched as it is
#   folded        replaced by the letter readers take it for (see _FOLDS)
#   dropped       removed: marks, tatweel, invisible controls
#   digit         replaced by the ASCII digit; digits are words of their own (WORD)
#   separator     punctuation or a sign: ends the word
#   presentation  NFKC turns it into the letters above, which then fare as listed
#   ligature      a word ligature: a word of its own, the words NFKC makes (WORD_LIGATURES)
# Letters of Persian, Urdu, Pashto, Sindhi, Kurdish and African orthographies
# that stand for sounds of their own (پ چ ژ گ ڤ ۆ …) are kept: folding them
# would join different words.
LETTER_FATES = (
    (0x0600, 0x060F, "separator"),  # number signs, Afghani sign, comma, poetic signs
    (0x0610, 0x061A, "dropped"),  # honorific signs and small Quranic marks
    (0x061B, 0x061B, "separator"),  # semicolon
    (0x061C, 0x061C, "dropped"),  # Arabic letter mark (bidi control)
    (0x061D, 0x061F, "separator"),  # end of text mark, triple dot, question mark
    (0x0620, 0x0620, "folded"),  # Kashmiri yeh → ي
    (0x0621, 0x0621, "kept"),  # hamza
    (0x0622, 0x0626, "folded"),  # آ أ إ → ا; ؤ ئ → ء
    (0x0627, 0x0628, "kept"),  # ا ب
    (0x0629, 0x0629, "folded"),  # ة → ه
    (0x062A, 0x063C, "kept"),  # ت … غ, and keheh with dots (ػ ؼ)
    (0x063D, 0x063F, "folded"),  # farsi yeh with marks → ي
    (0x0640, 0x0640, "dropped"),  # tatweel
    (0x0641, 0x0648, "kept"),  # ف … و
    (0x0649, 0x0649, "folded"),  # ى → ي
    (0x064A, 0x064A, "kept"),  # ي
    (0x064B, 0x065F, "dropped"),  # harakat, shadda, sukun, madda and hamza marks
    (0x0660, 0x0669, "digit"),  # Arabic-Indic digits
    (0x066A, 0x066D, "separator"),  # percent, decimal and thousands separators, star
    (0x066E, 0x066F, "folded"),  # dotless beh → ب, dotless qaf → ق
    (0x0670, 0x0670, "dropped"),  # dagger alef, after the Uthmani rules (_UTHMANI_RULES)
    (0x0671, 0x0678, "folded"),  # alef wasla and hamza alefs → ا; high hamza → ء
    (0x0679, 0x06A0, "kept"),  # letters of other languages: ٹ پ چ ڈ ڑ ژ …
    (0x06A1, 0x06A1, "folded"),  # dotless feh → ف
    (0x06A2, 0x06A8, "kept"),  # ڤ and other feh and qaf forms
    (0x06A9, 0x06AA, "folded"),  # keheh, swash kaf → ك
    (0x06AB, 0x06B9, "kept"),  # گ and other kaf, gaf, lam and noon forms
    (0x06BA, 0x06BA, "folded"),  # noon ghunna → ن
    (0x06BB, 0x06BD, "kept"),  # other noon forms
    (0x06BE, 0x06BE, "folded"),  # heh doachashmee → ه
    (0x06BF, 0x06BF, "kept"),  # tcheh with dot above
    (0x06C0, 0x06C3, "folded"),  # ۀ ہ ۂ → ه, ۃ → ه
    (0x06C4, 0x06CB, "kept"),  # waw forms for vowels (ۆ ۇ ۈ ۋ …)
    (0x06CC, 0x06CC, "folded"),  # farsi yeh → ي
    (0x06CD, 0x06D1, "kept"),  # Pashto and Uyghur yeh forms
    (0x06D2, 0x06D3, "folded"),  # yeh barree → ي, with hamza → ء
    (0x06D4, 0x06D4, "separator"),  # Urdu full stop
    (0x06D5, 0x06D5, "folded"),  # ae → ه
    (0x06D6, 0x06DC, "dropped"),  # Quranic pause and small high marks
    (0x06DD, 0x06DE, "separator"),  # end of ayah, rub el hizb
    # Small zeros, small meem, madda, small waw and yeh; a small waw after و or a
    # hamza is a waw (_UTHMANI_RULES).
    (0x06DF, 0x06E6, "dropped"),
    (0x06E7, 0x06E7, "folded"),  # small high yeh → ي (Uthmani «إبراهيم»)
    (0x06E8, 0x06E8, "dropped"),  # small high noon
    (0x06E9, 0x06E9, "separator"),  # place of sajdah
    (0x06EA, 0x06ED, "dropped"),  # Quranic stops, small low meem
    (0x06EE, 0x06EF, "kept"),  # dal and reh with inverted v
    (0x06F0, 0x06F9, "digit"),  # Persian digits
    (0x06FA, 0x06FC, "kept"),  # sheen, dad, ghain with dot below
    (0x06FD, 0x06FE, "separator"),  # Sindhi signs
    (0x06FF, 0x06FF, "kept"),  # heh with inverted v
    (0x0750, 0x077F, "kept"),  # Arabic Supplement: letters of African and Asian languages
    (0x0870, 0x0883, "folded"),  # alef with attached marks → ا; tatweel with hamza → ء
    (0x0884, 0x0884, "dropped"),  # tatweel with overstruck waw (a small waw)
    (0x0885, 0x0886, "folded"),  # tatweel with two dots below, thin yeh → ي
    (0x0887, 0x0887, "dropped"),  # baseline round dot
    (0x0888, 0x0888, "separator"),  # raised round dot
    (0x0889, 0x088D, "kept"),  # noon, hah, tah, keheh forms
    (0x088E, 0x088E, "dropped"),  # vertical tail
    (0x0890, 0x0891, "separator"),  # pound and piastre marks above numbers
    (0x0898, 0x089F, "dropped"),  # Quranic word marks and maddas
    (0x08A0, 0x08AC, "kept"),  # Extended-A letters
    (0x08AD, 0x08AD, "folded"),  # low alef → ا
    (0x08AE, 0x08B0, "kept"),
    (0x08B1, 0x08B1, "folded"),  # straight waw → و
    (0x08B2, 0x08BA, "kept"),
    (0x08BB, 0x08BD, "folded"),  # African feh, qaf, noon → ف ق ن
    (0x08BE, 0x08C8, "kept"),
    (0x08C9, 0x08FF, "dropped"),  # small farsi yeh, Quranic marks, KFGQPC open tanween
    (0xFB50, 0xFBB1, "presentation"),
    (0xFBB2, 0xFBC2, "separator"),  # symbols (dots, rings) used alone
    (0xFBD3, 0xFC5D, "presentation"),
    (0xFC5E, 0xFC63, "dropped"),  # shadda ligatures
    (0xFC64, 0xFCF1, "presentation"),
    (0xFCF2, 0xFCF4, "dropped"),  # shadda ligatures
    (0xFCF5, 0xFD3D, "presentation"),
    (0xFD3E, 0xFD4F, "separator"),  # ornate parentheses and signs
    (0xFD50, 0xFD8F, "presentation"),
    (0xFD92, 0xFDC7, "presentation"),
    (0xFDCF, 0xFDCF, "separator"),  # salaamuhu alaynaa
    (0xFDF0, 0xFDF9, "presentation"),  # one-word ligatures: ﷲ ﷴ …
    (0xFDFA, 0xFDFB, "ligature"),  # ﷺ ﷻ
    (0xFDFC, 0xFDFF, "separator"),  # rial sign and word signs
    (0xFE70, 0xFE72, "dropped"),  # isolated harakat
    (0xFE73, 0xFE73, "kept"),  # tail fragment
    (0xFE74, 0xFE74, "dropped"),
    (0xFE76, 0xFE7F, "dropped"),
    (0xFE80, 0xFEFC, "presentation"),
    (0xFEFF, 0xFEFF, "dropped"),  # byte order mark
)

# Uthmani (Quranic) spelling writes some letters as marks. Before the marks go,
# these rules turn them into the letters of standard spelling (see
# :func:`fold_readings`). The marks are first dropped, except the dagger alef
# U+0670, the hamza above U+0654 and the tatweel that may carry it.
_UTHMANI_SIGNS = frozenset("\u0670\u0654\u0655\u06e7\u0621\u0671\u06e5")
# Tanween stays until the rules have run: a hamza with tanween before an alef
# is not «آ» («شَيْـًٔا», KFGQPC «جُزۡءًا»).
_TANWEEN = "\u064b\u064c\u064d\u08f0\u08f1\u08f2"
_UTHMANI_SKELETON = str.maketrans(
    dict.fromkeys(
        ch for ch in _DELETED if ch not in "\u0670\u0654\u0655\u0651\u0640\u06e7\u06e5" + _TANWEEN
    )
)
_UTHMANI_RULES = (
    # Hamza above a tatweel or a dotless yeh is a seated hamza: «شَيْـًٔا» = «شيئا».
    (re.compile(f"[\u0640\u0649]([{_TANWEEN}]?)\u0654"), "\u0621\\1"),
    # A hamza before an alef with hamza is written «أأ»: «ءَأَنتُمْ» = «أأنتم»
    # (the skeleton keeps tanween, shadda and tatweel, which do not change that).
    (re.compile(f"^([\u0648\u0641]?)\u0621(?=[{_TANWEEN}\u0651\u0640]*\u0623)"), "\\1\u0627"),
    # A hamza with a dagger alef is «آ»: «قُرْءَٰنًا» = «قرآنا».
    (re.compile("(?<=[^\\W\u0627]|\u0651)\u0621\u0670"), araby.ALEF),
    # A small waw after و or a hamza is the second waw of standard spelling:
    # «ٱلْغَاوُۥنَ» = «الغاوون», «دَاوُۥدَ» = «داوود», «ٱلْمَوْءُۥدَةُ» = «الموءودة»;
    # after a pronoun («بِهِۦ») it is dropped with the other marks.
    (re.compile("(?<=[\u0648\u0621])\u06e5"), araby.WAW),
    # و with a dagger alef before ة is an alef: «ٱلصَّلَوٰةَ» = «الصلاة», and so
    # before the ۃ of Indo-Pak spelling: «الصَّلوٰۃِ»;
    (re.compile("\u0648\u0670(?=[\u0629\u06c3])"), araby.ALEF),
    # elsewhere it is ambiguous like any dagger alef: «ٱلسَّمَـٰوَٰتِ» is
    # «السماوات» or «السموات».
    # ى with a dagger alef ends «عَلَىٰ» = «على», but is an alef inside a
    # word: «ٱلتَّوْرَىٰةَ» = «التوراة».
    (re.compile("\u0649\u0670$"), araby.ALEF_MAKSURA),
    (re.compile("\u0649\u0670"), araby.ALEF),
    # In Indo-Pak spelling a dagger alef before a final Farsi yeh is the long a
    # of a final ى: «صَلّٰی» = «صلى» (not «صلاي», whose stem is that of «الصلاة»),
    # «مُوْسٰی» = «موسى». (Tanzil and KFGQPC write «ـٰى» for «اي»: «وَإِيَّـٰىَ» = «وإياي».)
    (re.compile("\u0670(?=\u06cc$)"), ""),
    # Nor is a dagger alef on the lam of «الله» an alef: «اللّٰہِ», «لِلّٰہِ», «اللّٰہُمَّ»
    # (not «اللاه», whose stem «لاه» is that of «ولاة»).
    (
        re.compile("\u0644\u0644(\u0651?)\u0670(?=[\u0647\u06c1](?:\u0645\u0651?)?$)"),
        "\u0644\u0644\\1",
    ),
    # Hamza below a waw or yeh, dotless or not, is a seated hamza too (KFGQPC
    # «ٱللُّؤۡلُوِٕ» = «اللؤلؤ», «ٱمۡرِيࣲٕ» = «امرئ»; text after Tanzil's that sets
    # the hamza of ئ under a ى: «أُو۟لَـٰۤىِٕكَ» = «أولئك»).
    (re.compile(f"[\u0648\u064a\u0649]([{_TANWEEN}]?)\u0655"), "\u0621\\1"),
    # Wasla, lam and shadda write the article and a lam: «وَبِٱلَّيْلِ» = «وبالليل»;
    # but «ٱلَّذِى», «ٱلَّتِى» have one lam in standard spelling too.
    (
        re.compile("^([\u0648\u0641\u0628\u0643]{0,2}\u0671\u0644)\u0651(?![\u0630\u062a])"),
        "\\1\u0644",
    ),
)
# A word that starts with ي and a dagger alef is the vocative «يا» written
# together with the next word: «يَـٰمَرْيَمُ» = «يا مريم»; so is «ها» before a
# pronoun with hamza: «هَـٰٓأَنتُمْ» = «ها أنتم» (but «هَـٰٓؤُلَآءِ» is one word).
_VOCATIVE = re.compile("^(?:\u064a|\u0647(?=\u0640?\u0670\u0623))\u0640?\u0670(?=..)")
# «ءا» at the start, after clitics, stands for «آ» («ءَايَـٰتِنَا» = «آياتنا»,
# «وَءَاتُوا۟» = «وآتوا»); standard spelling never starts a word so.
_INITIAL_HAMZA_ALEF = re.compile(
    "^([\u0648\u0641\u0628\u0644\u0643]{0,2}(?:\u0627?\u0644)?)\u0621\u0627"
)
# Marks found only in Quranic text; inside such a word, or where a hamza with
# fatha is followed by alef, «ءا» after a letter is also «آ»: «ٱلْقُرْءَانُ»,
# «قُرْءَانًا» = «القرآن», «قرآنا».
_QURANIC_ONLY = frozenset("\u0671\u06e1\u06df\u06e0\u06e5\u06e6")
_INNER_HAMZA = re.compile("(?<=[^\\W\u0627\u0648\u064a])[\u0640]?\u0621(?=[^\\W\u0627])")
# After a yeh the hamza sits on a yeh: «ٱلسَّيِّـَٔاتُ» = «السيئات», not «آ».
_INNER_HAMZA_ALEF = re.compile(
    "(?:(?<=[^\\W\u0627\u064a])|(?<=[^\\W\u0627\u064a]\u0651))\u0621\u0627"
)
# A hamza with fatha before an alef, on the line or on a tatweel («مَـَٔابٍ» = «مآب»).
_HAMZA_FATHA_ALEF = re.compile("(?:\u0621\u064e|\u064e\u0654|\u0654\u064e)\u0627")
# Letters marked silent (Tanzil U+06DF; the KFGQPC text marks an alef with
# U+0652, which never sits on an alef as a sukun) where standard spelling
# writes something else. Applied to the word before anything else.
_SILENT_LETTERS = (
    # After a dagger alef, «ؤا۟» at the end is the hamza of «اء»: «جَزَٰٓؤُا۟» =
    # «جزاء», «ٱلْعُلَمَـٰٓؤُا۟» = «العلماء».
    (re.compile("\u0670\u0653?\u0624[\u064f\u064c\u08f1]?\u0627[\u06df\u0652]$"), "\u0627\u0621"),
    # Elsewhere a final silent alef after a waw with hamza is the alef seat of
    # the hamza: «يَبْدَؤُا۟» = «يبدأ», «نَبَؤٌا۟» = «نبأ»; a tanween fath alef
    # («لُؤْلُؤًا») is not silent.
    (re.compile("\u0624[\u064f\u064c\u08f1]?\u0627[\u06df\u0652]$"), "\u0623"),
    # «وٰا۟» at the end is an alef: «ٱلرِّبَوٰا۟» = «الربا».
    (re.compile("\u0648\u0670\u0627[\u06df\u0652]$"), araby.ALEF),
    # A silent alef before a yeh, and a silent yeh, are not written:
    # «لِشَا۟ىْءٍ» = «لشيء», «تَا۟يْـَٔسُوا۟» = «تيأسوا», «بِأَيْي۟دٍ» = «بأيد»,
    # «وَمَلَإِي۟هِۦ» = «وملئه». (A KFGQPC U+0652 on a yeh may be a sukun.)
    (re.compile("\u0627[\u06df\u0652](?=[\u0649\u064a])|\u064a\u06df"), ""),
)
_SILENT_SIGNS = frozenset("\u06df\u0652")
# Indo-Pak spelling also writes the dagger alef before the و, which then carries
# no vowel: «الصَّلٰوۃِ», «الزَّکٰوۃَ», «الْحَیٰوۃُ» are «الصلاة», «الزكاة», «الحياة».
# A و with a vowel is a letter, the dagger alef an alef before it («ٱلْعَدَٰوَةَ» =
# «العداوة»), and so may be one whose vowel is not written: such a word has both
# readings, the silent و's first.
_SILENT_WAW = re.compile("\u0670\u0648(?=[\u0629\u06c3])")

# Words of Arabic-script letters are stemmed, loanwords with letters of their own
# (پ چ ژ گ ڤ) too: «والچاي», «الپسته» are «و» + «ال» + «چاي», «ال» + «پسته».
# Digits, Latin and wildcard patterns are not.
_STEMMED_WORD = re.compile(f"{_ARABIC_LETTER}+")

# Words a stem must never turn into, and words never stemmed themselves:
# prepositions, pronouns, particles and the name of God, in folded spelling.
FUNCTION_WORDS = frozenset(
    """
    من في علي الي عن مع عند لدي منذ حتي بين دون نحو حول ضد خلال قبل بعد فوق تحت
    امام وراء عبر لكن بل او ام ثم اذا اذ ان انه انها لان كان كانت يكون تكون ليس
    لم لن لا ما لما هل قد كل بعض غير سوي هو هي هم هن هما انا نحن انت انتم
    هذا هذه ذلك تلك هءلاء اولءك الذي التي الذين اللذان اللتان اللاتي
    له لها لهم لهن لك لكم لنا لي به بها بهم بك بكم بنا بي منه منها منهم منك منكم
    منا مني فيه فيها فيهم فيك فيكم فينا عليه عليها عليهم عليك عليكم علينا
    اليه اليها اليهم اليك اليكم الينا عنه عنها عنهم عنك عنكم عنا معه معها معهم
    الله اللهم
    """.split()  # noqa: SIM905  (one word per token reads better than a list of quoted words)
)

# The name of God takes clitics in front and no suffix: «والله», «فوالله», «بالله»,
# «تالله» (an oath), and the preposition ل, before which Arabic drops the article's
# alef and one of its lams: «لله», «ولله» are ل + «الله», as «للكتاب» is ل + «الكتاب».
# Each of these forms is «الله» with its clitics, which the rules would miss
# («بال» + «له», «لل» + «ه»): they are listed, and «اللهم» is a word of its own.
NAME_OF_GOD = "الله"
_NAME_OF_GOD_FORMS = frozenset(
    conjunction + form
    for conjunction in ("", "و", "ف")
    for form in ("لله", *(particle + NAME_OF_GOD for particle in ("", "و", "ب", "ت", "ك")))
)

# Suffixes in folded spelling (ة is already ه), longest first within a group.
_PRONOUN_SUFFIXES = ("كما", "هما", "هم", "هن", "ها", "كم", "كن", "نا")
_NUMBER_SUFFIXES = ("يه", "ات", "ون", "ين", "ه", "ي")
# The pronouns of one letter, read as such only after a ت written for ة: «رسالتك».
_ONE_LETTER_PRONOUNS = ("ته", "تك", "تي")
# After a plural or feminine ending, a ي left over is the nisba ending:
# «الأمريكيين» → «امريكي» → «امريك», the stem of «أمريكي».
_NISBA_BEFORE = ("ات", "ون", "ين", "ه")
# ان ends duals («الكتابان») but also names and nouns («لبنان», «سليمان»,
# «بيان»): the stem without it is only ever the second reading.
_DUAL_SUFFIX = "ان"
# Every letter a light stem may lose behind it (see :func:`stems_filter`): those of
# the suffixes (the nisba ي is among them) and a tanween alef.
_SUFFIX_LETTERS = "".join(
    sorted(set("".join((*_PRONOUN_SUFFIXES, *_NUMBER_SUFFIXES, _DUAL_SUFFIX, "ا"))))
)
# Everything a light stem may lose behind it, as _suffix_readings takes it off:
# a nisba ي, a number ending, a dual ending and a pronoun, each optional, or a ت
# written for ة (after a nisba ي) before a pronoun (of one letter too: «رسالتك»), or
# a tanween alef after a nisba ي.
_SUFFIXES = re.compile(
    f"(?:(?:ي?(?:{'|'.join(_NUMBER_SUFFIXES)})?(?:{_DUAL_SUFFIX})?|ي?ت)"
    f"(?:{'|'.join(_PRONOUN_SUFFIXES)})?|ي?ت[هكي]|ي?ا)"
)
# Article with the conjunctions and prepositions that may precede it.
_ARTICLE_PREFIXES = (
    "وبال",
    "وكال",
    "فبال",
    "فكال",
    "وال",
    "فال",
    "بال",
    "كال",
    "ولل",
    "فلل",
    "لل",
    "ال",
)
_CONJUNCTION_PREFIXES = ("و",)
# A bare preposition is stripped only from longer words: «بسوريا» but not «بنات».
_PREPOSITION_PREFIXES = ("فب", "فل", "فك", "ب", "ل", "ك")
_MIN_STEM = 3
# Everything a light stem may have lost in front, the empty string first.
PROCLITICS = (
    "",
    *_ARTICLE_PREFIXES,
    *_CONJUNCTION_PREFIXES,
    "وب",
    "ول",
    "وك",
    *_PREPOSITION_PREFIXES,
)
# A word seen after one of these in the index is a noun whose first and last
# letters are its own: «الوزير» shows that the و of «وزير» is not «and»,
# «لبريطانيا» that the ب of «بريطانيا» is not «with», «بسوريا» that the
# final alef of «سوريا» is not a tanween alef. A bare conjunction proves
# nothing («وبسوريا» is «و» + «بسوريا»), so it is not among them.
_ARTICLES = ("ال", "بال", "لل", "وال")
_EVIDENCE_PROCLITICS = (*_ARTICLES, "ب", "ل", "ك")
# The one stem shorter than _MIN_STEM that words other than itself have (see
# stem_prefixes): «ايه» loses its ة after an alef.
_SHORT_STEM = "اي"

WordTest = Callable[[str], bool]

# Folding and stemming are pure and a text repeats its words: each distinct
# word is worked out once. The answers are kept in plain dicts of strings, each
# emptied when it holds this many: bounded, because a long-running server sees
# new words, and never walked by the garbage collector (a dict holding only
# strings is not tracked, where an lru_cache is walked entry by entry in every
# full collection, a pause of tens of milliseconds inside some search).
_CACHE_SIZE = 500_000
# The answers of several strings are kept joined by this character.
_APART = "\n"


def _keep(kept: dict[str, str], word: str, answer: str) -> None:
    if len(kept) >= _CACHE_SIZE:
        kept.clear()
    kept[word] = answer


def _kept_text(function: Callable[[str], str]) -> Callable[[str], str]:
    """``function`` of a word, its answers kept (see :data:`_CACHE_SIZE`)."""
    kept: dict[str, str] = {}

    @functools.wraps(function)
    def cached(word: str) -> str:
        found = kept.get(word)
        if found is None:
            found = function(word)
            _keep(kept, word, found)
        return found

    cached.kept = (kept,)  # type: ignore[attr-defined]  # to measure or empty them
    return cached


def _kept_texts(function: Callable[[str], tuple[str, ...]]) -> Callable[[str], tuple[str, ...]]:
    """``function`` of a word giving strings, its answers kept (see
    :data:`_CACHE_SIZE`): a string alone, several joined by :data:`_APART`."""
    alone: dict[str, str] = {}
    several: dict[str, str] = {}

    @functools.wraps(function)
    def cached(word: str) -> tuple[str, ...]:
        found = alone.get(word)
        if found is not None:
            return (found,)
        joined = several.get(word)
        if joined is not None:
            return tuple(joined.split(_APART))
        answer = function(word)
        if len(answer) == 1:
            _keep(alone, word, answer[0])
        elif len(answer) > 1 and not any(_APART in text for text in answer):
            _keep(several, word, _APART.join(answer))
        return answer

    cached.kept = (alone, several)  # type: ignore[attr-defined]  # to measure or empty them
    return cached


# A plain word: letters, digits, harakat and tatweel, and no alef with a sukun
# (:data:`_SILENT_LETTERS`). None of :func:`_fold`'s rules applies to it, and it
# is its own NFKC form but for the order of marks that folding drops, so its one
# term is :func:`_fold_letters`'. Hamza on the line, hamza marks, the dagger
# alef, the maddah and the Quranic signs make a word not plain.
_PLAIN_WORD = re.compile(
    "[0-9A-Za-z\u0620\u0622-\u063f\u0640-\u064a\u064b-\u0652\u0660-\u0669\u066e\u066f"
    "\u0672-\u0674\u0679-\u06d3\u06d5\u06ee\u06ef\u06f0-\u06fc\u06ff]+"
)
_SILENT_ALEF = "\u0627\u0652"
# :data:`_FOLD_TABLE` for the characters of a plain word, indexed by code point:
# ``str.translate`` reads a tuple about twice as fast as a dict.
_PLAIN_FOLD_TABLE = tuple(_FOLD_TABLE.get(code, code) for code in range(0x0700))


def _is_plain(word: str) -> bool:
    return _PLAIN_WORD.fullmatch(word) is not None and _SILENT_ALEF not in word


def fold_term(word: str) -> str:
    """Fold one word to its search term: «أكَّدَ» → «اكد», «٢٠١٩» → «2019»."""
    return fold_readings(word)[0]


@_kept_texts
def fold_readings(word: str) -> tuple[str, ...]:
    """Every search term of one word: one, or two where Uthmani spelling is ambiguous.

    A dagger alef stands for an alef in «ٱلْكِتَـٰبُ» («الكتاب») but not in
    «هَـٰذَا» («هذا»): such a word is indexed under both readings, the one
    without the alef first.

    >>> fold_readings("ٱلْكِتَـٰبُ")
    ('الكتب', 'الكتاب')
    """
    if word.isascii():
        return (word.lower(),)
    if not _is_plain(word):
        # Often plain once normalized: «أ» written as «ا» and a hamza mark is «أ».
        word = unicodedata.normalize("NFKC", word.translate(_BEFORE_NFKC))
        if not _is_plain(word):
            return _fold(word)
    return (_fold_letters(word, _PLAIN_FOLD_TABLE),)


def fold_words(words: list[str]) -> list[str | None]:
    """:func:`fold_term` of each of ``words`` that has one search term, ``None`` for
    a word with several (:func:`fold_readings`); words seen before cost one lookup.

    >>> fold_words(["قَالَ", "ٱلْكِتَـٰبُ"])
    ['قال', None]
    """
    alone, several = fold_readings.kept  # type: ignore[attr-defined]
    terms = list(map(alone.get, words))
    if None not in terms:
        return terms
    for word in [word for word, term in zip(words, terms, strict=True) if term is None]:
        if word not in several:
            fold_readings(word)
    # Folding a word may have emptied the kept answers: such a word's term is None
    # again, and its reader folds it anew.
    return list(map(alone.get, words))


def fold_terms(words: list[str]) -> list[str]:
    """:func:`fold_term` of each of ``words``, all at once (:func:`fold_words`), a
    word of several readings given its first.

    >>> fold_terms(["قَالَ", "ٱلْكِتَـٰبُ"])
    ['قال', 'الكتب']
    """
    terms = fold_words(words)
    if None not in terms:
        return terms
    return [
        fold_term(word) if term is None else term for word, term in zip(words, terms, strict=True)
    ]


def _fold(text: str) -> tuple[str, ...]:
    if not _SILENT_SIGNS.isdisjoint(text):
        for pattern, replacement in _SILENT_LETTERS:
            text = pattern.sub(replacement, text)
    if _UTHMANI_SIGNS.isdisjoint(text):
        return (_fold_letters(text),)
    if _SILENT_WAW.search(text):
        # «الصَّلٰوۃِ» is «الصلاة», or «الصلاوة» were its و a letter.
        silent = _fold(_SILENT_WAW.sub(araby.ALEF, text))
        letter = _fold(_SILENT_WAW.sub(araby.ALEF + araby.WAW, text))
        return tuple(dict.fromkeys((*silent, *letter)))
    skeleton = text.translate(_UTHMANI_SKELETON)
    for pattern, replacement in _UTHMANI_RULES:
        skeleton = pattern.sub(replacement, skeleton)
    if not _QURANIC_ONLY.isdisjoint(text) or _HAMZA_FATHA_ALEF.search(text):
        skeleton = _INNER_HAMZA_ALEF.sub(araby.ALEF, skeleton)
    return _dagger_readings(skeleton)


def _dagger_readings(skeleton: str) -> tuple[str, ...]:
    without = _fold_letters(skeleton)
    # A hamza between letters is written on the line in Uthmani spelling where
    # standard spelling seats it on an alef, which folds to ا: «يَسْـَٔلُونَ» =
    # «يسألون», «أَرَءَيْتُم» = «أرأيتم».
    seated = _fold_letters(_INNER_HAMZA.sub(araby.ALEF, skeleton))
    if araby.SMALL_ALEF not in skeleton:
        return tuple(dict.fromkeys((without, seated)))
    readings = (
        without,
        _fold_letters(skeleton.replace(araby.SMALL_ALEF, araby.ALEF)),
        seated,
    )
    vocative = _VOCATIVE.match(skeleton)
    if vocative:
        # Also indexed as its two words, so «يا مريم» finds it.
        readings += (skeleton[0] + "\u0627", *_dagger_readings(skeleton[vocative.end() :]))
    return tuple(dict.fromkeys(readings))


def _fold_letters(text: str, table: dict | tuple = _FOLD_TABLE) -> str:
    term = text.translate(table).lower()
    if "\u0621\u0627" in term:
        term = _INITIAL_HAMZA_ALEF.sub("\\1\u0627", term)
    return term


def light_stem(term: str) -> str:
    """Light stem of a folded term: «والكتاب» → «كتاب», «مشروبات» → «مشروب».

    Only Arabic letters are stemmed; words with digits or Latin letters, and
    wildcard patterns, come back unchanged.
    """
    return light_stems(term)[0]


def light_stems(term: str, is_attested: WordTest | None = None) -> tuple[str, ...]:
    """Every reading's stem of a folded term, the likeliest (the primary stem) first.

    Where a light stemmer cannot tell which reading is right, the word gets
    every stem. A bare و, ب, ل or ك may be a clitic («وسافر», «بسوريا») or the
    word's first letter («وزير», «بريطانيا»); «العاب» may be «ال» + «عاب» or
    «ألعاب»; a final alef may be a tanween alef («صباحا») or a letter
    («سوريا»); ان may end a dual or a name («لبنان»); a ت before a pronoun
    may be a written ة («مدرستها»).

    ``is_attested`` tells whether a word occurs in the index: then a word that
    also occurs after the article or a preposition (see :func:`evidence_words`)
    keeps its first and last letters in its primary stem, so «وزير» stems to
    «وزير» where «الوزير» is indexed. Without it the clitic reading comes first.

    >>> light_stems("وزير")
    ('زير', 'وزير')
    >>> light_stems("وزير", {"الوزير"}.__contains__)
    ('وزير', 'زير')
    """
    if is_attested is not None:
        return _strip_affixes(term, is_attested)
    return _stems_without_index(term)


@_kept_texts
def _stems_without_index(term: str) -> tuple[str, ...]:
    return _strip_affixes(term, _nothing_attested)


def evidence_words(word: str) -> tuple[str, ...]:
    """Words whose presence in a text shows that ``word``'s letters are all its own.

    A noun is written after the article or a preposition; a word that starts
    with a clitic, or ends with a tanween alef, never is. «العاب» is tested
    with «الالعاب» and «لالعاب», not «بالعاب», which is «ب» + «العاب» or
    «بال» + «عاب».

    >>> evidence_words("وزير")
    ('الوزير', 'بالوزير', 'للوزير', 'والوزير', 'بوزير', 'لوزير', 'كوزير')
    """
    proclitics = _EVIDENCE_PROCLITICS
    if word.startswith("ال"):
        proclitics = tuple(p for p in proclitics if p not in ("ب", "ك"))
    return tuple(proclitic + word for proclitic in proclitics)


def is_function_form(term: str) -> bool:
    """Whether a folded term is a function word, alone or after و or ف: «ان», «وان»,
    «فعليه», or a form of the name of God: «بالله», «لله». Such a word is never
    another word's stem form («وأن» is not «ألوان»).
    """
    return (
        term in FUNCTION_WORDS
        or term in _NAME_OF_GOD_FORMS
        or (term[:1] in ("و", "ف") and term[1:] in FUNCTION_WORDS)
    )


def stem_prefixes(stem: str) -> tuple[str, ...]:
    """What every word other than ``stem`` whose :func:`light_stems` may include
    ``stem`` starts with: a proclitic (:data:`PROCLITICS`) and the stem; for
    «الله», one of its forms («بالله», «لله», «تالله» …: :data:`_NAME_OF_GOD_FORMS`).

    A stem is shorter than three letters only as a short word's own stem, except
    «اي», which «ايه» («آية»), «الايه», «ايهها» … reach by losing the ة after an
    alef (:func:`_strip_number`). Any other short stem is no other word's: a
    search for «و» or «في» matches only that word, and planning need not look
    through the thousands of words starting with it.

    >>> stem_prefixes("كتاب")[:3]
    ('كتاب', 'وبالكتاب', 'وكالكتاب')
    >>> stem_prefixes("اي")[:2], stem_prefixes("في")
    (('اي', 'وبالاي'), ())
    """
    if len(stem) < _MIN_STEM and stem != _SHORT_STEM:
        return ()
    if stem == NAME_OF_GOD:
        return tuple(sorted(_NAME_OF_GOD_FORMS))
    return tuple(clitic + stem for clitic in PROCLITICS)


def stems_filter(stems: Iterable[str]) -> Callable[[str], bool]:
    """A quick test of a folded term, true where one of ``stems`` may be among its
    :func:`light_stems` whatever the index holds; it never rejects a true stem.

    A stem is the term's letters less clitics in front and suffixes behind, in
    the order :func:`light_stems` takes them off (a nisba ي, a number or dual
    ending, a pronoun, a tanween alef), its last letter ه where the term has ت
    before a pronoun («مدرستها» → «مدرسه»). The forms of «الله» end in «لله»
    («بالله», «لله»). Words whose letters after a stem are no such suffixes are
    most of those sharing its first letters: «ايام» and «اياكم» start with «اي»
    as «ايات» does, «اهلك» with «اهل» as «اهلكم» does.

    >>> may_be = stems_filter(["كتاب", "مدرسه", "اي"])
    >>> [bool(may_be(term)) for term in ("والكتابين", "مدرستها", "والكتب", "ايات", "ايام")]
    [True, True, False, True, False]
    """
    # A test made for each query word: comparing ends is cheaper than compiling a pattern.
    endings = tuple(ending for stem in stems for ending in _stem_endings(stem))

    def may_share_stem(term: str) -> bool:
        end = len(term)
        while not (term.endswith(endings, 0, end) and _SUFFIXES.fullmatch(term, end)):
            if not end or term[end - 1] not in _SUFFIX_LETTERS:
                return False
            end -= 1
        return True

    return may_share_stem


def _stem_endings(stem: str) -> tuple[str, ...]:
    """How a word one of whose stems is ``stem`` ends before its suffixes (see
    :func:`stems_filter`): in the stem, or with a ت for its final ه; a form of
    «الله» in «لله»."""
    if stem == NAME_OF_GOD:
        return (NAME_OF_GOD[1:],)  # «لله» is ل + «الله»
    if stem.endswith("ه"):
        return (stem, stem[:-1] + "ت")
    return (stem,)


def _nothing_attested(word: str) -> bool:
    return False


def _letters_are_own(word: str, is_attested: WordTest) -> bool:
    return any(is_attested(evidence) for evidence in evidence_words(word))


def strip_article(term: str, min_left: int = _MIN_STEM) -> str:
    """Remove the article with its clitics, or else the conjunction و: «والكتاب» → «كتاب»."""
    stem = _strip_prefix(term, _ARTICLE_PREFIXES, min_left)
    if stem is term:
        stem = _strip_prefix(term, _CONJUNCTION_PREFIXES, min_left)
    return stem


def _strip_affixes(term: str, is_attested: WordTest) -> tuple[str, ...]:
    if term in _NAME_OF_GOD_FORMS:
        return (NAME_OF_GOD,)
    if term in FUNCTION_WORDS or not _STEMMED_WORD.fullmatch(term):
        return (term,)
    if term[0] in "وف" and len(term) > _MIN_STEM and term[1:] in FUNCTION_WORDS:
        # A conjunction before a function word: «والذين», «وعليكم».
        return (term[1:],)
    stems = []
    for head, may_have_preposition in _prefix_readings(term, is_attested):
        for candidate, preposition_allowed in _suffix_readings(
            head, may_have_preposition, is_attested
        ):
            if candidate in FUNCTION_WORDS:
                # «بعدكم» is «بعد» + «كم»: keep the suffix rather than become «بعد»,
                # and do not read its ب as a preposition either.
                stems.append(head)
                continue
            shorter = candidate
            if preposition_allowed:
                shorter = _strip_prefix(candidate, _PREPOSITION_PREFIXES, _MIN_STEM + 1)
            if shorter is candidate or shorter in FUNCTION_WORDS:
                stems.append(candidate)
            elif _letters_are_own(head, is_attested):
                stems += [candidate, shorter]
            else:
                stems += [shorter, candidate]
    return tuple(dict.fromkeys(stems))


def _prefix_readings(term: str, is_attested: WordTest) -> list[tuple[str, bool]]:
    """The word without its leading clitics, one entry per reading, likeliest first;
    each says whether a preposition may still be in front."""
    article = _matching_prefix(term, _ARTICLE_PREFIXES, _MIN_STEM)
    if article:
        # «ألعاب» folds to «العاب»: the ال may be the word's own hamza-alef and
        # lam; «للبنان» is «لل» + «بنان» or «ل» + «لبنان». Both are rare, so that
        # reading is taken only where the index shows it.
        own = term[len(article) - (2 if article.endswith("ال") else 1) :]
        if _attested_elsewhere(own, term, is_attested, alone=not article.endswith("ال")):
            return [(own, False), (term[len(article) :], False)]
        return [(term[len(article) :], False)]
    if _matching_prefix(term, _CONJUNCTION_PREFIXES, _MIN_STEM):
        readings = [(term[1:], True), (term, False)]
        if _letters_are_own(term, is_attested):
            readings.reverse()
        return readings
    if len(term) > _MIN_STEM and term[0] in "بلك" and term[1] == "ا":
        # A hamza-alef word after a preposition: «بألم» is «ب» + «ألم», and
        # «بآياتنا» is «ب» + «آياتنا», though only three letters are left.
        return [(term, True), (term[1:], False)]
    return [(term, True)]


def _suffix_readings(
    head: str, may_have_preposition: bool, is_attested: WordTest
) -> list[tuple[str, bool]]:
    """``head`` without its suffixes, one entry per reading, likeliest first; each
    says whether a preposition may still be in front."""
    bare = _strip_suffix(head, _PRONOUN_SUFFIXES)
    readings = [(_strip_number(bare), may_have_preposition)]
    if bare is head and head.endswith(_ONE_LETTER_PRONOUNS):
        bare = head[:-1]  # «رسالتك», «حكومته», «مدرستي»: ة + a one-letter pronoun
        if _teh_is_own(bare, is_attested) or (
            head[-1] == "ي" and not _feminine_attested(bare[:-1] + "ه", head, is_attested)
        ):
            # «بوقته» is «ب» + «وقت» + «ه» where «الوقت» is indexed, not «بوقة» + «ه»;
            # «بيروتي», «الكويتي»: a nisba ي unless the index shows the ة.
            bare = head
    if (
        bare is not head
        and bare.endswith("ت")
        and len(bare) >= 4
        and (
            not bare.endswith("ات")
            or any(is_attested(article + bare[:-1] + "ه") for article in _ARTICLES)
        )
    ):
        # ة is written ت before a pronoun: «مدرستها» is «مدرسة» + «ها». After an
        # alef it mostly ends a plural («سياراتها», «صلواتهم»), and is a ة only
        # where the index has the word with ة after the article: «الصلاة» shows
        # that «صلاته», «صلاتي» are «صلاة» + a pronoun, «الحياة» «حياتهم». The word
        # itself, no preposition taken off: «الفاه» says nothing of «كفاتها» (كفأتها).
        readings.append((_strip_number(bare[:-1] + "ه"), may_have_preposition))
    if bare.endswith(_DUAL_SUFFIX) and len(bare) - len(_DUAL_SUFFIX) >= _MIN_STEM:
        readings.append((_strip_number(bare[: -len(_DUAL_SUFFIX)]), may_have_preposition))
    if bare is head and head.endswith("ا") and len(head) > _MIN_STEM:
        readings = _tanween_readings(head, readings, may_have_preposition, is_attested)
    return list(dict.fromkeys(readings))


def _tanween_readings(
    word: str, readings: list[tuple[str, bool]], may_have_preposition: bool, is_attested: WordTest
) -> list[tuple[str, bool]]:
    """The readings of a word ending in alef, which may be a tanween alef.

    Tanween fath is written with an alef, mostly without the mark: «صباحا»,
    «كتابا», «يوميا». A noun with a tanween alef never follows a preposition
    or the article, while nouns that keep their alef do: «بسوريا», «الدنيا».
    """
    tanween = (_strip_nisba(word[:-1]), False)
    if is_attested is _nothing_attested:
        # Without an index to ask, «كتابا» may also be «ك» + «تابا».
        return [tanween, *readings]
    # Unless the index shows the word's letters are its own («بسوريا»,
    # «لبريطانيا»), no preposition is read in front of a possible tanween
    # alef: «كتابا» is not «ك» + «تابا».
    without_preposition = [(stem, False) for stem, _ in readings]
    if _alef_is_own(word, may_have_preposition, is_attested):
        return readings
    if any(
        _attested_elsewhere(bare, word, is_attested, alone=True) for bare in (word[:-1], tanween[0])
    ):
        # «صباح» or «الصباح» is indexed, or «يوم» for «يوميا».
        return [tanween, *without_preposition]
    if _letters_are_own(word, is_attested):
        return [*readings, tanween]
    return [*without_preposition, tanween]


def _alef_is_own(word: str, may_have_preposition: bool, is_attested: WordTest) -> bool:
    # Not after a bare ل: an emphatic lam may stand before a tanween alef
    # («لأجرا»), and «لدينا» is «لدى» + «نا», not «ل» + «دينا».
    if any(is_attested(evidence) for evidence in evidence_words(word) if evidence[0] != "ل"):
        return True
    if not may_have_preposition or word[0] not in "بكل":
        return False
    if word[0] == "ل":
        return _lam_is_preposition(word, is_attested)
    # «بسوريا»: «سوريا» occurs alone or after another clitic.
    return _attested_elsewhere(word[1:], word, is_attested, alone=True)


def _lam_is_preposition(word: str, is_attested: WordTest) -> bool:
    """Whether the ل of a word ending in alef is a clitic before a word whose alef
    is its own: «لسوريا» where «بسوريا» is indexed, or where «سوريا» is and no
    shorter word whose tanween form it could be. That is «أجر» for «أجرا»
    («لأجرا», an emphatic lam), but for a word ending in يا its root and not the
    nisba: «روس», not «الروسي», would make «روسيا» a tanween form."""
    rest = word[1:]
    if len(rest) <= _MIN_STEM or (word.endswith("وا") and word[:-2] in FUNCTION_WORDS):
        # «ليسوا» is «ليس» + «وا», not «ل» + «يسوا».
        return False
    if is_attested("ب" + rest) or is_attested("ك" + rest):
        return True
    # The nisba «روسي» beside «روسيا» proves nothing: a name's nisba is as common.
    shorter = rest[:-2] if rest.endswith("يا") else rest[:-1]
    return is_attested(rest) and not _attested_elsewhere(shorter, word, is_attested, alone=True)


def _attested_elsewhere(word: str, seen: str, is_attested: WordTest, alone: bool = False) -> bool:
    """Whether the index has ``word`` after the article or a preposition (or,
    with ``alone``, by itself) in some other form than ``seen``."""
    if alone and is_attested(word):
        return True
    return any(is_attested(evidence) for evidence in evidence_words(word) if evidence != seen)


def _teh_is_own(word: str, is_attested: WordTest) -> bool:
    """Whether the index has ``word``, which ends in ت, after the article, with a
    preposition in front of it or not («بوقت»: «الوقت»): a ة is never written ت
    there, so the ت is the word's own («التوقيت», «السكوت»)."""
    bare = _strip_prefix(word, _PREPOSITION_PREFIXES, _MIN_STEM)
    return any(is_attested(article + form) for form in {word, bare} for article in _ARTICLES)


def _feminine_attested(word: str, seen: str, is_attested: WordTest) -> bool:
    """Whether the index has ``word``, a ة word, by itself or after the article or
    a preposition, with a preposition in front of it or not («برسالتي»)."""
    bare = _strip_prefix(word, _PREPOSITION_PREFIXES, _MIN_STEM)
    return any(_attested_elsewhere(form, seen, is_attested, alone=True) for form in {word, bare})


def _strip_number(word: str) -> str:
    if word.endswith("ايه"):
        # «ولاية», «رواية»: the ي after an alef is the word's own, only ة goes.
        return word[:-1]
    stem = _strip_suffix(word, _NUMBER_SUFFIXES)
    if stem is not word and word[len(stem) :] in _NISBA_BEFORE:
        stem = _strip_nisba(stem)
    return stem


def _strip_nisba(word: str) -> str:
    # «ولاية», «نهاية»: a ي after an alef is the word's own.
    if word.endswith("ي") and len(word) > _MIN_STEM and word[-2] != "ا":
        return word[:-1]
    return word


def _matching_prefix(word: str, prefixes: tuple[str, ...], min_left: int) -> str:
    if not word.startswith(prefixes):
        return ""  # most words: one test for all
    for prefix in prefixes:
        if word.startswith(prefix) and len(word) - len(prefix) >= min_left:
            return prefix
    return ""


def _strip_prefix(word: str, prefixes: tuple[str, ...], min_left: int) -> str:
    prefix = _matching_prefix(word, prefixes, min_left)
    return word[len(prefix) :] if prefix else word


def _strip_suffix(word: str, suffixes: tuple[str, ...]) -> str:
    if not word.endswith(suffixes):
        return word  # most words: one test for all
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


# What a written form leaves out: tatweel, invisible controls, and the spaces NFKC
# puts before isolated presentation-form marks; other digits become ASCII ones.
_WRITTEN_TABLE = str.maketrans(
    {
        **dict.fromkeys(araby.TATWEEL + FORMAT_CONTROLS + " "),
        **dict(zip(araby.NUMBERS_EAST + araby.NUMBERS_PERS, araby.NUMBERS_WEST * 2, strict=True)),
    }
)
# Patterns only ``=word`` needs (:func:`written_letters`, :func:`exact_terms`) stay
# text, which ``re`` compiles on first use and keeps: a search without «=» never pays.
_MARKS = f"[{_MARK_RANGES}]"


@_kept_text
def written_form(word: str) -> str:
    """One word as written, less what cannot be seen: presentation forms become
    letters (NFKC), tatweel and invisible controls go, digits become ASCII;
    letters are kept as they are and marks too, in canonical order.

    >>> written_form("الكـتـاب"), written_form("مسؤول"), written_form("٢٠١٩")
    ('الكتاب', 'مسؤول', '2019')
    >>> written_form("\\ufedf\\ufe8e") == "لا"  # presentation forms of lam and alef
    True
    """
    if word.isascii():
        return word
    return unicodedata.normalize(
        "NFC", unicodedata.normalize("NFKC", word).translate(_WRITTEN_TABLE)
    )


# A maddah on an alef before a hamza («ٱلسَّمَآءِ», «جَآءَ») or a doubled letter
# («ٱلضَّآلِّينَ»): in Quranic text the sign to lengthen a plain alef, not the
# letter «آ» (standard spelling never writes «آء»: «السماء», «جاء», «الضالين»).
_HAMZAS = "".join(araby.HAMZAT)
_MADD_SIGN = (
    f"{araby.ALEF_MADDA}(?=[{_MARK_RANGES}]*(?:[{_HAMZAS}]|\\w[{_MARK_RANGES}]*{araby.SHADDA}))"
)


@_kept_text
def written_letters(word: str) -> str:
    """A word's written form without its marks: what ``=word`` compares. The alef
    wasla of Quranic text is an alef with a reading mark, and counts as one; so
    does an alef carrying the Quranic sign of a long vowel (:data:`_MADD_SIGN`).

    >>> written_letters("عَلِيٌّ"), written_letters("عَلَى"), written_letters("ٱللَّهِ")
    ('علي', 'على', 'الله')
    >>> written_letters("ٱلسَّمَآءِ"), written_letters("ٱلضَّآلِّينَ"), written_letters("آمن")
    ('السماء', 'الضالين', 'آمن')
    """
    written = re.sub(_MADD_SIGN, araby.ALEF, written_form(word))
    return re.sub(_MARKS, "", written).replace(araby.ALEF_WASLA, araby.ALEF)


# Letters Uthmani spelling writes where standard spelling, and so the index
# (:data:`_UTHMANI_RULES`), has an alef: a و before ة or ۃ («ٱلصَّلَوٰةَ», «الصَّلوٰۃِ»),
# a ى inside a word («ٱلتَّوْرَىٰةَ»), a hamza before an alef after a letter («ٱلْقُرْءَانُ»).
_UTHMANI_ALEF_LETTERS = (
    "\u0648(?=[\u0629\u06c3])|\u0649(?=.)|(?<=[^\\W\u0627\u0648\u064a])\u0621(?=\u0627)"
)


def exact_terms(word: str) -> tuple[str, ...]:
    """The search terms of the words whose letters are ``word``'s
    (:func:`written_letters`): its own readings, and where its letters are
    Uthmani spelling, the terms the index folded them to.

    >>> exact_terms("الصلوة"), exact_terms("التورىة"), exact_terms("عَلِيّ")
    (('الصلوه', 'الصلاه'), ('التوريه', 'التوراه'), ('علي',))
    """
    standard = re.sub(
        _UTHMANI_ALEF_LETTERS,
        lambda letter: "" if letter[0] == araby.HAMZA else araby.ALEF,
        written_letters(word),
    )
    terms = (*fold_readings(word), *fold_readings(standard))
    return tuple(dict.fromkeys(term for term in terms if term))


class Word(NamedTuple):
    """One word of a text, at one position of the index: ``text`` is the word as
    written, or one of the words a ligature stands for (:data:`WORD_LIGATURES`);
    ``start`` and ``end`` slice what is written (the ligature)."""

    text: str
    start: int
    end: int


def iter_words(text: str) -> Iterator[Word]:
    """Yield every word of ``text``, marks included, in the order of its positions.

    >>> [tuple(word) for word in iter_words("قال ﷺ")]
    [('قال', 0, 3), ('صلى', 4, 5), ('الله', 4, 5), ('عليه', 4, 5), ('وسلم', 4, 5)]
    """
    for match in WORD.finditer(text):
        start, end = match.span()
        written = match.group()
        for word in WORD_LIGATURES.get(written, (written,)):
            yield Word(word, start, end)


def position_words(text: str) -> list[str]:
    """The words of ``text`` by position (:func:`iter_words`'s ``text``), as the
    index numbers them.

    >>> position_words("اللهﷻ")
    ['الله', 'جل', 'جلاله']
    """
    words = WORD.findall(text)
    if not has_ligature(text):
        return words  # nearly every text: no ligature to expand
    return [word for written in words for word in WORD_LIGATURES.get(written, (written,))]


def position_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """:func:`position_words` of ``text``, and where what each is written as starts
    and ends (a ligature's words share its offsets). One split of the text gives
    them all as strings and numbers, none an object the garbage collector walks:
    a long paragraph's ten thousand matches made it collect over and over.

    >>> position_spans("قال: ﷻ")
    (['قال', 'جل', 'جلاله'], [0, 5, 5], [3, 6, 6])
    """
    parts = WORD.split(text)  # between, word, between, ..., between
    bounds = list(accumulate(map(len, parts)))
    words, starts, ends = parts[1::2], bounds[:-1:2], bounds[1::2]
    if not has_ligature(text):
        return words, starts, ends  # nearly every text: no ligature to expand
    each = [WORD_LIGATURES.get(written, (written,)) for written in words]
    return (
        [word for words in each for word in words],
        [start for words, start in zip(each, starts, strict=True) for _ in words],
        [end for words, end in zip(each, ends, strict=True) for _ in words],
    )


def has_ligature(text: str) -> bool:
    """Whether ``text`` holds a word ligature (:data:`WORD_LIGATURES`)."""
    # ``in`` looks for one character many times faster than a pattern's search.
    return any(ligature in text for ligature in WORD_LIGATURES)


def marks_evidence(word: str, term: str) -> WordTest | None:
    """What the marks of ``word`` (folded to ``term``) show about its letters, as
    the ``is_attested`` of :func:`light_stems`: a tanween fath («كتاباً») shows
    that its final alef is a tanween alef, as an index would by holding «كتاب»,
    so no preposition is read in front of it. ``None`` where they show nothing."""
    if araby.FATHATAN not in word:
        return None
    return lambda bare: term.endswith(bare + araby.ALEF)


# The marks a vocalized query word is compared by (see :func:`marks_compatible`),
# as the vowel each stands for: a tanween is its short vowel (the article or a
# case ending tells them apart, not the word), a dagger alef a long fatha; the
# KFGQPC text writes sukun and open tanween with marks of its own.
_VOWEL_MARKS = {
    araby.FATHA: araby.FATHA,
    araby.DAMMA: araby.DAMMA,
    araby.KASRA: araby.KASRA,
    araby.FATHATAN: araby.FATHA,
    araby.DAMMATAN: araby.DAMMA,
    araby.KASRATAN: araby.KASRA,
    araby.SUKUN: araby.SUKUN,
    araby.SMALL_ALEF: araby.FATHA,
    "\u06e1": araby.SUKUN,
    "\u08f0": araby.FATHA,
    "\u08f1": araby.DAMMA,
    "\u08f2": araby.KASRA,
}
_TANWEENS = frozenset(araby.TANWIN) | frozenset("\u08f0\u08f1\u08f2")
_TANWEEN_FATH = frozenset((araby.FATHATAN, "\u08f0"))


def is_vocalized(word: str) -> bool:
    """Whether a word carries a mark :func:`marks_compatible` compares: a vowel,
    tanween, sukun, shadda or dagger alef.

    >>> is_vocalized("عِلْم"), is_vocalized("علم"), is_vocalized("علـم")
    (True, False, False)
    """
    return any(vowel or shadda for vowel, shadda, _ in _vocalization(word)[1])


def marks_compatible(query_word: str, text_word: str) -> bool:
    """Whether the diacritics of ``query_word`` allow ``text_word``: «عِلْم» allows
    «عِلْمٌ», «الْعِلْمِ» and «علم» but not «عَلَمٌ» (a flag) or «عُلِمَ».

    The two words' letters are folded one by one and aligned on the longest run
    of letters they share, so clitics and endings on either side («بالعِلْم»,
    «عِلْمِي») are not compared; where they share no letter the text word is
    allowed. On each aligned pair of letters that both carry marks, the vowels
    (fatha, damma, kasra or sukun; a tanween counts as its vowel, a dagger alef
    as a fatha) must be the same where both are written, and both or neither
    carry a shadda: «عَلَم» does not allow «عَلَّمَ», while «مُحَمَّد» allows
    «محمّد», whose vowel is not written. A letter without marks, in either word,
    allows anything, and so does a letter's shadda beside a lone tanween, which
    writers add to unvocalized words («حقاً» for «حَقًّا»). The tanween fath of
    «كتاباً» counts on the letter before the alef, where «كتابًا» writes it.
    Hamza seats and the madda are letters (أ إ آ ؤ ئ fold like ا ء), compared by
    neither marks nor folding.

    >>> marks_compatible("عِلْم", "بِالْعِلْمِ"), marks_compatible("عِلْم", "عَلَمٌ")
    (True, False)
    >>> marks_compatible("عَلَم", "عَلَّمَ"), marks_compatible("مُحَمَّد", "محمّد")
    (False, True)
    """
    query_letters, query_marks = _vocalization(query_word)
    text_letters, text_marks = _vocalization(text_word)
    if not any(vowel or shadda for vowel, shadda, _ in text_marks):
        return True  # an unvocalized word: every letter allows anything
    first, other, size = longest_common_run(query_letters, text_letters)
    return all(_marks_agree(query_marks[first + at], text_marks[other + at]) for at in range(size))


def longest_common_run(first: str, second: str) -> tuple[int, int, int]:
    """``(i, j, size)`` of the longest run of ``first[i:i + size]`` found in ``second``
    at ``j``, the one earliest in ``first`` then in ``second`` where several are
    as long (as ``difflib.SequenceMatcher.find_longest_match`` finds it, without
    its set-up); ``(0, 0, 0)`` where they share no letter.

    >>> longest_common_run("علم", "بالعلم"), longest_common_run("علم", "كتب")
    ((0, 3, 3), (0, 0, 0))
    """
    for size in range(min(len(first), len(second)), 0, -1):
        for start in range(len(first) - size + 1):
            found = second.find(first[start : start + size])
            if found >= 0:
                return start, found, size
    return 0, 0, 0


def _marks_agree(query_marks: _LetterMarks, text_marks: _LetterMarks) -> bool:
    query_vowel, query_shadda, query_tanween = query_marks
    text_vowel, text_shadda, text_tanween = text_marks
    if not (query_vowel or query_shadda) or not (text_vowel or text_shadda):
        return True
    lone_tanween = (query_tanween and not query_shadda) or (text_tanween and not text_shadda)
    if query_shadda != text_shadda and not lone_tanween:
        return False
    return not query_vowel or not text_vowel or query_vowel == text_vowel


# A letter's vowel ("" where none is written), shadda, and whether the vowel is a tanween.
_LetterMarks = tuple[str, bool, bool]


# The words whose vocalization is kept: a query's words are compared again and
# again, a text's words about once per query word (the verdicts are kept by
# their callers), and few are kept, as the garbage collector walks them all.
_VOCALIZATIONS_KEPT = 4096


@functools.lru_cache(maxsize=_VOCALIZATIONS_KEPT)
def _vocalization(word: str) -> tuple[str, tuple[_LetterMarks, ...]]:
    """A word's letters, each folded alone, and each letter's marks.

    >>> _vocalization("بِالْعِلْمِ")[0]
    'بالعلم'
    """
    letters: list[str] = []
    marks: list[list] = []
    tanween_fath = False
    for char in unicodedata.normalize("NFKC", word.translate(_BEFORE_NFKC)):
        if char in _VOWEL_MARKS or char == araby.SHADDA:
            if not letters:
                continue
            if char == araby.SHADDA:
                marks[-1][1] = True
            elif not marks[-1][0]:
                marks[-1][0], marks[-1][2] = _VOWEL_MARKS[char], char in _TANWEENS
                tanween_fath = char in _TANWEEN_FATH
            continue
        folded = "" if unicodedata.combining(char) else char.translate(_FOLD_TABLE).lower()
        if folded:
            letters.append(folded)
            marks.append(["", False, False])
            tanween_fath = False
    if tanween_fath and len(letters) > 1 and letters[-1] == araby.ALEF and not marks[-2][0]:
        # «كتاباً»: the tanween of the letter before its alef.
        marks[-2][0], marks[-2][2] = marks[-1][0], True
        marks[-1][0], marks[-1][2] = "", False
    return "".join(letters), tuple(map(tuple, marks))
