"""Text: which encoding a file is read in (decided by evidence in its bytes), how it is
split into paragraphs, and the size limits. Whatever the bytes, the user gets the words or
one line naming the file and what to do."""

import ast
import codecs
import json
import random
import re
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import searchidx.text
from searchidx import Index, ReaderOptions
from searchidx.errors import DocumentError
from searchidx.text import codec_name, collapse_spaces, decode_text, implausible

from .conftest import (
    ARABIC,
    INDEX_DATA,
    NOTES,
    assert_earlier_found,
    assert_reindex_keeps_count,
    docs_of,
    found_paragraphs,
    lines_about,
    paragraph_count,
    stderr_lines,
    write_corpus,
)

README = INDEX_DATA.parent / "README.md"
TEXTS_PER_DIRECTION = 400
SHORTEST, LONGEST = 5, 1_000_000
ARABIC_LETTER = re.compile("[\u0621-\u064a]")
PACKAGE = Path(searchidx.__file__).parent


def real_arabic_texts() -> list[str]:
    """The Arabic of the bundled texts and the README, paragraph by paragraph."""
    sources = [README, *(path for path in INDEX_DATA.iterdir() if path.suffix != ".docx")]
    paragraphs = []
    for path in sources:
        if path.suffix == ".epub":
            continue
        for block in path.read_text(encoding="utf-8").split("\n\n"):
            if len(ARABIC_LETTER.findall(block)) > len(block) / 3:
                paragraphs.append(block.strip())
    return paragraphs


def texts_of_many_lengths(rng: random.Random) -> list[str]:
    """TEXTS_PER_DIRECTION texts of real Arabic, log-uniformly from 5 bytes to 1 MB."""
    paragraphs = real_arabic_texts()
    pool = []
    while sum(map(len, pool)) < LONGEST:
        pool.extend(rng.sample(paragraphs, len(paragraphs)))
    whole = "\n\n".join(pool).encode("utf-8")
    texts = []
    while len(texts) < TEXTS_PER_DIRECTION:
        size = int(SHORTEST * (LONGEST / SHORTEST) ** rng.random())
        start = rng.randrange(len(whole) - size)
        # Cut at byte offsets, dropping the halves of letters cut at either end.
        text = whole[start : start + size + 3].decode("utf-8", errors="ignore")
        if len(text.encode("utf-8")) >= SHORTEST and ARABIC_LETTER.search(text):
            texts.append(text)
    return texts


def damage(data: bytes, rng: random.Random) -> bytes:
    """Overwrite or insert 1 to 5 random non-ASCII bytes at random places."""
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 5)):
        position = rng.randrange(len(damaged) + 1)
        byte = rng.randrange(0x80, 0x100)
        if rng.random() < 0.5 and position < len(damaged):
            damaged[position] = byte
        else:
            damaged.insert(position, byte)
    return bytes(damaged)


def reading(data: bytes) -> str:
    """Which reading decode_text made of ``data``."""
    try:
        decoded = decode_text(data)
    except DocumentError:
        return "refused"
    readings = {
        "utf-8": data.decode("utf-8", errors="replace"),
        "cp1256": data.decode("cp1256", errors="replace"),
    }
    return decoded.encoding if decoded.text == readings.get(decoded.encoding) else "other"


@pytest.mark.slow
def test_damaged_utf8_arabic_is_never_read_as_windows_1256_and_windows_1256_always_is():
    rng = random.Random(1256)
    texts = texts_of_many_lengths(rng)
    lengths = [len(text.encode("utf-8")) for text in texts]
    assert min(lengths) <= 8 and max(lengths) >= 800_000

    damaged_utf8 = {"utf-8": 0, "cp1256": 0, "refused": 0, "other": 0}
    legacy = {"utf-8": 0, "cp1256": 0, "refused": 0, "other": 0}
    refused_lengths = []
    for text in texts:
        data = damage(text.encode("utf-8"), rng)
        outcome = reading(data)
        damaged_utf8[outcome] += 1
        refused_lengths += [len(data)] if outcome == "refused" else []
        encoded = text.encode("cp1256", errors="replace")
        outcome = reading(encoded)
        # Text that is ASCII in Windows-1256 reads the same in UTF-8.
        legacy["cp1256" if outcome == "utf-8" and encoded.isascii() else outcome] += 1
    print(f"damaged UTF-8 read as {damaged_utf8}; Windows-1256 read as {legacy}")
    # A text of a few bytes that is half damage is refused: too little of it decodes to
    # call it UTF-8. Every text of a hundred bytes or more is damaged UTF-8.
    assert damaged_utf8["utf-8"] + damaged_utf8["refused"] == len(texts)
    assert max(refused_lengths, default=0) < 100
    assert legacy["cp1256"] == len(texts)


def test_a_short_file_with_three_damaged_bytes_stays_utf8_with_a_warning():
    data = "عنوان\n\nهذا نص عربي".encode() + b"\xff\xfe\xc3" + " ثم يستمر النص.".encode()
    text, encoding, warnings = decode_text(data)
    assert encoding == "utf-8"
    assert text.startswith("عنوان\n\nهذا نص عربي") and text.endswith(" ثم يستمر النص.")
    assert warnings == ["3 undecodable byte sequence(s) replaced with \ufffd"]


def test_another_code_page_with_a_chance_utf8_character_is_refused_not_read_as_damage():
    """In Windows-1251 «С»» is the bytes of a valid UTF-8 character: one such chance is
    no evidence of UTF-8 against 57 undecodable sequences."""
    russian = "Новости\n\nОб этом сообщило агентство «ТАСС». Погода в Москве будет тёплой.\n"
    data = russian.encode("cp1251")
    with pytest.raises(DocumentError, match="use --encoding to name the encoding"):
        decode_text(data)
    assert decode_text(data, "cp1251") == (russian, "cp1251", [])


MOSTLY_ENGLISH = "The Ministry of Health (وزارة الصحة) opened a hospital.\n\n" + (
    "It will take patients from the whole province of Aleppo from next month on.\n\n" * 12
)


@pytest.mark.parametrize(
    ("data", "encoding", "doubt"),
    [
        ("مرحبا بكم في سوريا".encode(), "latin-1", "control or unassigned characters"),
        ("مرحبا بكم في سوريا".encode(), "cp1256", "non-ASCII characters from other scripts"),
        # A few Arabic words amid English: too few to make up 1% of the text.
        (MOSTLY_ENGLISH.encode(), "latin-1", r"(?<!\d)2 control or unassigned characters"),
    ],
)
def test_a_forced_decoding_that_yields_implausible_text_is_refused(data, encoding, doubt):
    with pytest.raises(DocumentError, match=f"decoded as {encoding} the text has .*{doubt}"):
        decode_text(data, encoding)


def test_a_forced_decoding_of_real_text_is_kept():
    text = Path(INDEX_DATA / "baghouz-liberation-anniversary.txt").read_text(encoding="utf-8")
    assert implausible(text) == ""
    legacy = text.encode("cp1256", errors="replace")
    assert decode_text(legacy, "CP1256") == (legacy.decode("cp1256"), "cp1256", [])


def test_utf16_without_a_byte_order_mark_is_recognised_or_named():
    arabic = "مرحبا بكم في سوريا.\nعاد اللاجئون إلى ديارهم.\n"
    assert decode_text(arabic.encode("utf-16-le")) == (arabic, "utf-16-le", [])
    assert decode_text(arabic.encode("utf-16-be")) == (arabic, "utf-16-be", [])
    chinese_and_latin = "你好世界 hello 这是中文 text 还有更多文字 and more 汉字\n" * 3
    with pytest.raises(DocumentError, match="try --encoding utf-16-le"):
        decode_text(chinese_and_latin.encode("utf-16-le"))


# Arabic letters and harakat, digits, ASCII words and punctuation: none of them is a byte
# 80-BF in Windows-1256, so no two of them spell a UTF-8 character by accident.
LEGACY_SAFE_ARABIC = [
    char
    for char in map(chr, range(0x0621, 0x0653))
    if char.encode("cp1256", errors="ignore") >= b"\xc0"
]
ARABIC_WORDS = st.text(st.sampled_from(LEGACY_SAFE_ARABIC), min_size=2, max_size=12)
OTHER_WORDS = st.text(st.sampled_from("abcxyz0123456789.,:!()-"), min_size=1, max_size=8)
LINES = st.lists(
    st.lists(st.one_of(ARABIC_WORDS, OTHER_WORDS), min_size=1, max_size=12).map(" ".join),
    min_size=1,
    max_size=8,
)
WHOLE_FILE_ENCODINGS = {
    "utf-8": "utf-8",
    "utf-8-sig": "utf-8-sig",
    "utf-16": "utf-16",
    "utf-32": "utf-32",
    "cp1256": "cp1256",
}


@settings(max_examples=300)
@given(
    LINES,
    st.sampled_from(["\n", "\r\n", "\n\n"]),
    st.sampled_from(list(WHOLE_FILE_ENCODINGS)),
)
def test_arabic_wholly_in_one_encoding_decodes_to_itself_and_never_as_mixed(
    lines, line_end, encoding
):
    text = line_end.join(lines)
    if not any(ARABIC_LETTER.search(line) for line in lines):
        text += " سوريا"
    data = text.encode(encoding)
    assert decode_text(data) == (text, WHOLE_FILE_ENCODINGS[encoding], [])
    assert decode_text(data, encoding) == (text, codec_name(encoding), [])


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
    assert found_paragraphs(run, index_dir, "سوريا") == [("encoded.txt", 1)]
    assert found_paragraphs(run, index_dir, "الإعمار") == [("encoded.txt", 2)]
    payload = json.loads(
        run("search", "بيروت", "--index", str(index_dir), "--format", "json").stdout
    )
    assert payload["hits"][0]["text"] == "وصل الوفد الدولي إلى بيروت أمس لبحث إعادة الإعمار."
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder)


def test_utf8_with_a_byte_order_mark_is_read_on_past_added_lines_or_a_damaged_byte():
    """Notepad's UTF-8 starts with the mark; a line added in Windows-1256, or one
    damaged byte, made the whole file unreadable where, without the mark, it is read."""
    added = "ارتفع سعر الخبز في الأسواق".encode("cp1256")
    mixed = decode_text(codecs.BOM_UTF8 + "عاد الخبز إلى سعره".encode() + b"\n" + added)
    assert (mixed.text, mixed.encoding) == (
        "عاد الخبز إلى سعره\nارتفع سعر الخبز في الأسواق",
        "utf-8+cp1256",
    )
    damaged = decode_text(codecs.BOM_UTF8 + ARABIC.encode() + b"\xff")
    assert damaged.text == ARABIC + "\ufffd"
    assert damaged.warnings == ["1 undecodable byte sequence(s) replaced with \ufffd"]
    # A UTF-16 mark before what is not UTF-16 is still refused.
    with pytest.raises(DocumentError, match="starts with a utf-16 byte order mark"):
        decode_text(codecs.BOM_UTF16_LE + b"\x00\xd8")


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
    assert found_paragraphs(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]

    forced = run("index", str(folder), "--index", str(index_dir), "--encoding", "cp1256")
    assert forced.exit_code == 0
    assert lines_about(forced, "skipped", path) == []
    assert found_paragraphs(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    # Forced on everything, cp1256 would turn the UTF-8 file into mojibake: reported instead.
    rebuilt = run(
        "index", "--rebuild", str(folder), "--index", str(index_dir), "--encoding", "cp1256"
    )
    [line] = lines_about(rebuilt, "skipped", folder / "earlier.txt")
    assert "decoded as cp1256 the text has" in line and "other scripts" in line
    assert found_paragraphs(run, index_dir, "سوريا") == [("mostly-english.txt", 1)]


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
    assert len(found_paragraphs(run, index_dir, "سوريا")) == 20
    assert ("damaged.txt", 40) in found_paragraphs(run, index_dir, "الإعمار")
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 40
    assert_reindex_keeps_count(run, index_dir, folder)


BREAD_NEWS = [
    "أسعار الخبز",
    "ارتفعت أسعار الخبز في دمشق للمرة الثالثة هذا العام، وقال أصحاب الأفران إن كلفة "
    "الطحين والمازوت تضاعفت.",
    "وطالبت جمعية حماية المستهلك الحكومة بدعم الرغيف وتوزيع الطحين على الأفران.",
]
BREAD_ADDED = (
    "وفي حلب عاد الخبز إلى الأسواق بعد انقطاع دام أسبوعاً، وقالت البلدية إن الأفران ستعمل ليلاً."
)


def paragraphs_in(paragraphs: list[str], encoding: str, line_end: str = "\n") -> bytes:
    return "".join(p + line_end + line_end for p in paragraphs).encode(encoding)


MIXED_FILES = {
    # A Windows-1256 file that an editor saving UTF-8 added a paragraph to.
    "Windows-1256, then a UTF-8 paragraph": (
        paragraphs_in(BREAD_NEWS, "cp1256") + paragraphs_in([BREAD_ADDED], "utf-8"),
        "1 line(s) read as UTF-8, 3 as Windows-1256",
    ),
    "UTF-8, then a Windows-1256 paragraph": (
        paragraphs_in(BREAD_NEWS, "utf-8") + paragraphs_in([BREAD_ADDED], "cp1256"),
        "3 line(s) read as UTF-8, 1 as Windows-1256",
    ),
    "CRLF line ends, the added paragraph after no blank line": (
        paragraphs_in(BREAD_NEWS, "cp1256", "\r\n")[:-2] + paragraphs_in([BREAD_ADDED], "utf-8"),
        "1 line(s) read as UTF-8, 3 as Windows-1256",
    ),
}


@pytest.mark.parametrize("layout", list(MIXED_FILES))
def test_a_file_of_two_encodings_keeps_every_paragraph_findable(run, library, layout):
    """Each paragraph is read in its own encoding: the old ones are found by their words as
    before, the added one by its own, and a warning says the file mixes two encodings."""
    folder, index_dir = library
    path = folder / "bread.txt"
    data, counts = MIXED_FILES[layout]
    path.write_bytes(data)
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    assert lines_about(result, "warning", path) == [
        f"searchidx: warning: {path}: mixes two encodings: {counts}"
    ]
    added = 3 if layout.startswith("CRLF") else 4
    assert sorted(found_paragraphs(run, index_dir, "الخبز")) == [
        ("bread.txt", 1),
        ("bread.txt", 2),
        ("bread.txt", added),
    ]
    assert found_paragraphs(run, index_dir, "المستهلك") == [("bread.txt", 3)]
    assert found_paragraphs(run, index_dir, "البلدية") == [("bread.txt", added)]
    hits = json.loads(
        run("search", "الأفران", "--index", str(index_dir), "--format", "json").stdout
    )["hits"]
    assert "\ufffd" not in "".join(hit["text"] for hit in hits)
    lines = {line for hit in hits for line in hit["text"].splitlines()}
    assert lines == {*BREAD_NEWS[1:], BREAD_ADDED}
    listing = json.loads(
        run("info", "--files", "--format", "json", "--index", str(index_dir)).stdout
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in listing["files"]}
    assert decodings == {"earlier.txt": "utf-8", "bread.txt": "utf-8+cp1256"}
    assert_earlier_found(run, index_dir)
    assert_reindex_keeps_count(run, index_dir, folder)


def test_a_windows_1256_line_amid_utf8_lines_is_read_as_windows_1256(run, library):
    """One line pasted from an old file into a UTF-8 paragraph keeps its words; a damaged
    byte elsewhere is still replaced and counted."""
    folder, index_dir = library
    path = folder / "queues.txt"
    witnesses = "وقال شهود إن الطوابير امتدت أمام المخابز منذ الفجر."
    path.write_bytes(
        "أزمة الخبز\n\nازدحم الناس في حلب صباح اليوم،\n".encode()
        + witnesses.encode("cp1256")
        + "\nولم تصل شاحنات الطحين.\n\nوعاد الهدوء في المساء".encode()
        + b"\xff.\n"
    )
    result = run("index", str(folder), "--index", str(index_dir))
    assert result.exit_code == 0
    assert lines_about(result, "warning", path) == [
        f"searchidx: warning: {path}: mixes two encodings: 4 line(s) read as UTF-8, "
        "1 as Windows-1256",
        f"searchidx: warning: {path}: 1 undecodable byte sequence(s) replaced with \ufffd",
    ]
    assert found_paragraphs(run, index_dir, "الطوابير") == [("queues.txt", 2)]
    assert found_paragraphs(run, index_dir, "شاحنات") == [("queues.txt", 2)]
    assert found_paragraphs(run, index_dir, "الهدوء") == [("queues.txt", 3)]
    [hit] = json.loads(
        run("search", "المخابز", "--index", str(index_dir), "--format", "json").stdout
    )["hits"]
    assert hit["text"].splitlines()[1] == witnesses


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
    assert found_paragraphs(run, index_dir, "Bahnhof") == [("german.txt", 2)]


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
    assert found_paragraphs(run, index_dir, "سوريا") == [("good.txt", 1)]
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
    assert found_paragraphs(run, index_dir, "سوريا") == [("small.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + 2
    assert_reindex_keeps_count(run, index_dir, folder, "--max-file-size", "4K")
    # Remembered: named again without a limit, the folder keeps 4K; with another, it reads it.
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    assert ("dump.txt", 1) not in found_paragraphs(run, index_dir, "سوريا")
    result = run("index", str(folder), "--index", str(index_dir), "--max-file-size", "64M")
    assert result.exit_code == 0
    assert ("dump.txt", 1) in found_paragraphs(run, index_dir, "سوريا")


@pytest.mark.slow
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
    [(doc, last)] = found_paragraphs(run, index_dir, "كلمةالختام")
    assert doc == "runaway.txt" and last > 1
    assert found_paragraphs(run, index_dir, "سوريا63") == [("runaway.txt", 1)]
    hit = json.loads(
        run("search", "كلمةالختام", "--index", str(index_dir), "--format", "json").stdout
    )["hits"][0]
    assert len(hit["text"]) <= searchidx.text.MAX_PARAGRAPH_CHARS
    assert_earlier_found(run, index_dir)
    assert paragraph_count(run, index_dir) == 3 + last
    assert_reindex_keeps_count(run, index_dir, folder)


def test_utf16_without_a_byte_order_mark_is_read_or_named(run, library):
    folder, index_dir = library
    (folder / "utf16.txt").write_bytes(ARABIC.encode("utf-16-le"))
    (folder / "chinese.txt").write_bytes(("汉字 text 中文 and more 文字\n" * 4).encode("utf-16-le"))
    result = run("index", str(folder), "--index", str(index_dir))
    assert found_paragraphs(run, index_dir, "اللاجئون") == [("utf16.txt", 1)]
    [line] = lines_about(result, "skipped", folder / "chinese.txt")
    assert line.endswith("try --encoding utf-16-le (or utf-16-be)")


def test_files_over_max_file_bytes_are_reported_not_read(tmp_path):
    notes = write_corpus(tmp_path, NOTES) / "notes"
    (notes / "long.txt").write_text("حلب الشهباء. " * 100, encoding="utf-8")  # 2,300 bytes
    with Index.create(tmp_path / "ix") as index:
        report = index.update(notes, options=ReaderOptions(max_file_bytes=1000))
        [note] = report.too_large
        assert (note.path, note.message) == (
            str(notes / "long.txt"),
            "larger than the 1000 bytes limit (2.2 KB)",
        )
        assert report.skipped == []
        assert docs_of(index, "الشهباء") == []
        assert index.update(notes).nothing_changed  # the limit is remembered
        assert index.update(notes, options=ReaderOptions()).added == 1
        assert docs_of(index, "الشهباء") == ["long.txt"]


def test_collapse_spaces_puts_a_heading_on_one_line_and_keeps_its_letters():
    heading = "\n  البابُ\tالأوّل:\u00a0\r\n في  نخلةِ الـمـدينة\u200c \n"
    assert collapse_spaces(heading) == "البابُ الأوّل: في نخلةِ الـمـدينة\u200c"


def package_imports(module: Path) -> set[str]:
    """The searchidx modules ``module`` imports, named from the package: ``readers.base``."""
    folder = module.parent.relative_to(PACKAGE).parts
    names = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = ".".join(folder[: len(folder) + 1 - node.level])
            if node.module:
                names.add(f"{base}.{node.module}".lstrip("."))
            else:  # from .. import documents
                names.update(f"{base}.{alias.name}".lstrip(".") for alias in node.names)
    return names


def test_text_and_the_readers_never_import_upwards():
    """text imports only errors; a reader imports text, errors and other readers'
    modules, never documents nor the registry that imports it."""
    assert package_imports(PACKAGE / "text.py") == {"errors"}
    readers = [path for path in (PACKAGE / "readers").glob("*.py") if path.stem != "__init__"]
    allowed = {"errors", "text", *(f"readers.{path.stem}" for path in readers)}
    for reader in readers:
        assert package_imports(reader) <= allowed, reader.name
