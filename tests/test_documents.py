"""Decoding: which encoding a file is read in, decided by evidence in its bytes."""

import ast
import random
import re
from pathlib import Path

import pytest

import searchidx
from searchidx.errors import DocumentError
from searchidx.text import collapse_spaces, decode_text, implausible

from .conftest import INDEX_DATA

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


def test_damaged_utf8_arabic_is_never_read_as_windows_1256_and_windows_1256_always_is():
    rng = random.Random(1256)
    texts = texts_of_many_lengths(rng)
    lengths = [len(text.encode("utf-8")) for text in texts]
    assert min(lengths) <= 8 and max(lengths) >= 800_000

    damaged_utf8 = {"utf-8": 0, "cp1256": 0, "refused": 0, "other": 0}
    legacy = {"utf-8": 0, "cp1256": 0, "refused": 0, "other": 0}
    for text in texts:
        data = damage(text.encode("utf-8"), rng)
        damaged_utf8[reading(data)] += 1
        encoded = text.encode("cp1256", errors="replace")
        outcome = reading(encoded)
        # Text that is ASCII in Windows-1256 reads the same in UTF-8.
        legacy["cp1256" if outcome == "utf-8" and encoded.isascii() else outcome] += 1
    print(f"damaged UTF-8 read as {damaged_utf8}; Windows-1256 read as {legacy}")
    assert damaged_utf8["utf-8"] == len(texts)
    assert legacy["cp1256"] == len(texts)


def test_a_short_file_with_three_damaged_bytes_stays_utf8_with_a_warning():
    data = "عنوان\n\nهذا نص عربي".encode() + b"\xff\xfe\xc3" + " ثم يستمر النص.".encode()
    text, encoding, warnings = decode_text(data)
    assert encoding == "utf-8"
    assert text.startswith("عنوان\n\nهذا نص عربي") and text.endswith(" ثم يستمر النص.")
    assert warnings == ["3 undecodable byte sequence(s) replaced with \ufffd"]


@pytest.mark.parametrize(
    ("data", "encoding", "doubt"),
    [
        ("مرحبا بكم في سوريا".encode(), "latin-1", "control or unassigned characters"),
        ("مرحبا بكم في سوريا".encode(), "cp1256", "non-ASCII characters from other scripts"),
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
