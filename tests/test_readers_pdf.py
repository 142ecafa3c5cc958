"""The PDF reader, on PDFs from real producers (see tests/data/pdf/README.md)."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest

from searchidx import Index
from searchidx.cli import main
from searchidx.errors import DocumentError
from searchidx.readers import READERS
from searchidx.readers.base import ReaderOptions
from searchidx.readers.pdf import _logical_run, _tidy_spaces

PDFS = Path(__file__).resolve().parent / "data" / "pdf"
# The paragraphs of the page both producers printed, as the HTML source holds them.
SOURCE_PARAGRAPHS = [
    re.sub(r"<[^>]+>", "", paragraph)
    for paragraph in re.findall(
        r"<(?:h1|p)[^>]*>(.*?)</", (PDFS / "arabic-page.html").read_text(encoding="utf-8")
    )
]


def read_pdf(name: str):
    [result] = READERS[".pdf"]((PDFS / name).read_bytes(), ReaderOptions())
    return result


def one_line(text: str) -> str:
    return " ".join(text.split())


def test_chromium_print_reads_every_paragraph_in_logical_order():
    result = read_pdf("chromium-arabic.pdf")
    assert result.title == "الخط العربي"
    texts = [one_line(block.text) for block in result.blocks]
    # Chromium draws the hyphen of «Al-Qanun» as a run of its own, a space apart.
    assert [text.replace("Al - Qanun", "Al-Qanun") for text in texts] == SOURCE_PARAGRAPHS
    assert [block.locator for block in result.blocks] == ["page 1"] * 4 + ["page 2"]


def test_libreoffice_export_reads_the_paragraphs_in_logical_order():
    result = read_pdf("libreoffice-arabic.pdf")
    assert result.title == "الخط العربي"
    texts = [one_line(block.text) for block in result.blocks]
    # The heading's spaces are drawn in a fallback font, by position only: its
    # words run together (a known limit), the paragraphs are exact.
    assert texts[0] == "تاريخالخطالعربي"
    assert texts[1:] == SOURCE_PARAGRAPHS[1:]
    assert [block.locator for block in result.blocks] == ["page 1"] * 4 + ["page 2"]


def test_numbers_keep_their_digits_and_place_in_a_right_to_left_line():
    for name in ("chromium-arabic.pdf", "libreoffice-arabic.pdf"):
        text = " ".join(one_line(block.text) for block in read_pdf(name).blocks)
        assert "سنة 310 للهجرة" in text
        assert "أكثر من 1200 مخطوطة" in text
        assert text.endswith("صدر في 15 آذار 2024.")


def test_presentation_forms_become_letters_and_lam_alef_reads_lam_then_alef():
    text = "\n".join(block.text for block in read_pdf("chromium-arabic.pdf").blocks)
    assert not [char for char in text if "\ufb50" <= char <= "\ufeff"]
    assert "لا يزال" in text
    assert "الإسلامي" in text


def test_weasyprint_arabic_with_a_vowel_mark_is_read_on_every_rotated_page():
    for name, pages in (("habibi.pdf", 1), ("habibi-rotated.pdf", 4)):
        result = read_pdf(name)
        assert [block.locator for block in result.blocks] == [f"page {n + 1}" for n in range(pages)]
        for block in result.blocks:
            assert "حَبيبي" in block.text.split()
            assert "habibi" in block.text.split()


def test_a_run_stored_in_visual_order_is_put_back_in_logical_order():
    logical = "ﺗﺎرﻳﺦ اﻟﺨﻂ اﻟﻌﺮﺑﻲ ﺳﻨﺔ 310"  # presentation forms, as PDFs hold them
    drawn = logical[::-1].replace("013", "310")  # letters reversed, digits left to right
    assert _logical_run(drawn) == logical
    assert _logical_run(logical) == logical


def test_a_scan_without_text_is_refused_with_one_reason():
    with pytest.raises(DocumentError, match=r"^no text layer \(scanned\?\)$"):
        read_pdf("scanned.pdf")


def test_a_blank_page_with_a_text_layer_is_not_called_a_scan():
    with pytest.raises(DocumentError, match=r"^no text: the text layer holds only spaces$"):
        read_pdf("chromium-blank.pdf")


# The paragraphs of the bold and numbers page, as its HTML source holds them
# (the first four come again on page 2, in another font).
BOLD_NUMBERS_PARAGRAPHS = [
    re.sub(r"<[^>]+>", "", paragraph)
    for paragraph in re.findall(
        r"<(?:h1|p)[^>]*>(.*?)</p>|<h1>(.*?)</h1>",
        (PDFS / "arabic-bold-numbers.html").read_text(encoding="utf-8"),
    )
    for paragraph in paragraph
    if paragraph
]


def test_bold_text_split_into_many_runs_keeps_its_words_whole():
    texts = [block.text for block in read_pdf("chromium-bold-numbers.pdf").blocks]
    assert texts[:2] == ["تقرير المرصد الفلكي", "رصد المرصد الفلكي كوكبا جديدا"]


def test_arabic_indic_digits_and_hyphenated_numbers_read_as_written():
    texts = [block.text for block in read_pdf("chromium-bold-numbers.pdf").blocks]
    assert texts[2] == "رصدنا ١٠٣٧ نجما في عام ٢٠٢٤ حول الكواكب."
    for page in (texts[3], texts[5]):  # two fonts, two ways of placing the runs
        assert page == "رقم الهاتف: 0123-456-789 والمدى 10-20 بالمئة."


def test_punctuation_clings_to_its_word_and_quotes_to_what_they_quote():
    texts = [block.text for block in read_pdf("chromium-bold-numbers.pdf").blocks]
    assert texts[4] == 'نسبة النجاح 75% في "القانون المسعودي" للبيروني.'


def test_single_line_paragraphs_stay_apart():
    result = read_pdf("chromium-bold-numbers.pdf")
    assert [block.text for block in result.blocks] == BOLD_NUMBERS_PARAGRAPHS
    assert [block.locator for block in result.blocks] == ["page 1"] * 5 + ["page 2"] * 6


def test_bold_headings_are_found_by_phrase(tmp_path, capsys):
    shutil.copy(PDFS / "chromium-bold-numbers.pdf", tmp_path / "report.pdf")
    assert main(["index", str(tmp_path), "--index", str(tmp_path / ".index")]) == 0
    capsys.readouterr()
    index = str(tmp_path / ".index")
    assert main(["search", '"المرصد الفلكي"', "--index", index, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "تقرير المرصد الفلكي" in out and "١٠٣٧" not in out


@pytest.mark.parametrize(
    "data",
    [
        (PDFS / "chromium-arabic.pdf").read_bytes()[:5000],
        b"%PDF-1.7\n" + bytes(range(256)) * 20,
        b"not a pdf at all",
    ],
    ids=["truncated", "garbage", "text"],
)
def test_a_damaged_pdf_is_refused(data):
    with pytest.raises(DocumentError, match="not a valid PDF file"):
        READERS[".pdf"](data, ReaderOptions())


def test_a_password_protected_pdf_is_refused_and_an_open_one_is_read():
    from pypdf import PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter(clone_from=PDFS / "chromium-arabic.pdf")
        writer.encrypt(user_password, owner_password="owner", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return buffer.getvalue()

    with pytest.raises(DocumentError, match="encrypted with a password"):
        READERS[".pdf"](encrypted("secret"), ReaderOptions())
    # Encrypted only against editing: anyone may read it, and so do we.
    [result] = READERS[".pdf"](encrypted(""), ReaderOptions())
    assert one_line(result.blocks[-1].text) == SOURCE_PARAGRAPHS[-1]


@pytest.fixture
def pdf_index(tmp_path) -> Path:
    docs = shutil.copytree(PDFS, tmp_path / "pdfs", ignore=shutil.ignore_patterns("*.md", "*.html"))
    with Index.create(tmp_path / "index") as index:
        report = index.update([docs])
    assert sorted(Path(note.path).name for note in report.skipped) == [
        "chromium-blank.pdf",
        "scanned.pdf",
    ]
    return tmp_path / "index"


def test_search_finds_pdf_paragraphs_by_phrase_with_their_page(pdf_index):
    with Index.open(pdf_index) as index:
        hits = index.search('"سنه 310 للهجره"').hits
        assert sorted((hit.doc, hit.locator) for hit in hits) == [
            ("chromium-arabic.pdf", "page 1"),
            ("libreoffice-arabic.pdf", "page 1"),
        ]
        hits = index.search("الخلايا النائمه").hits
        assert {(hit.doc, hit.locator) for hit in hits} >= {
            ("chromium-arabic.pdf", "page 2"),
            ("libreoffice-arabic.pdf", "page 2"),
        }
        [hit] = index.search("حبيبي doc:habibi.pdf").hits
        assert [hit.text[start:end] for start, end in hit.matches] == ["حَبيبي", "حَبيبي"]


def test_indexing_a_scan_prints_one_skipped_line(tmp_path, capsys):
    shutil.copy(PDFS / "scanned.pdf", tmp_path / "scan.pdf")
    shutil.copy(PDFS / "habibi.pdf", tmp_path / "habibi.pdf")
    assert main(["index", str(tmp_path), "--index", str(tmp_path / ".index")]) == 0
    skipped = [
        line
        for line in capsys.readouterr().err.splitlines()
        if line.startswith("searchidx: skipped")
    ]
    assert skipped == [f"searchidx: skipped {tmp_path / 'scan.pdf'}: no text layer (scanned?)"]


@pytest.mark.parametrize(
    ("drawn", "written"),
    [
        ('في " القانون المسعودي " للبيروني .', 'في "القانون المسعودي" للبيروني.'),
        ('قال " نعم " و " لا " معا', 'قال "نعم" و "لا" معا'),
        ("رقم الهاتف : 0123", "رقم الهاتف: 0123"),
        ("بلغت النسبة 75 % ( تقريبا )", "بلغت النسبة 75% (تقريبا)"),
        # A quote whose pair is on another line never joins two words.
        ('انتهى " ثم قال', 'انتهى "ثم قال'),
        ('نهاية الاقتباس "', 'نهاية الاقتباس"'),
    ],
)
def test_spaces_drawn_beside_punctuation_go_where_they_were_typed(drawn, written):
    assert _tidy_spaces(drawn) == written
