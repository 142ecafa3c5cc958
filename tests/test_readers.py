"""Readers: each format's example in index_data/ and the damaged files users will have."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from searchidx.analysis import analyze
from searchidx.errors import DocumentError
from searchidx.readers import READERS
from searchidx.readers.base import Block, ReaderOptions, ReadResult

INDEX_DATA = Path(__file__).resolve().parent.parent / "index_data"
EXAMPLES = {
    "calligraphy-exhibition.html": "الطغراء",
    "palm-planting-guide.md": "الفسيلة",
    "rainwater-harvesting-report.docx": "الصهاريج",
    "zanzibar-voyage.epub": "زنجبار",
    "arabic-proverbs.jsonl": "عرقوب",
    "historic-observatories.csv": "مراغة",
}
# What markup would leave behind if it leaked into a paragraph.
MARKUP_TRACES = ("<", ">", "**", "__", "](", "![", "`", "|", "&amp;", "&nbsp;")


def read(name: str) -> list[ReadResult]:
    path = INDEX_DATA / name
    return READERS[path.suffix](path.read_bytes(), ReaderOptions())


def read_bytes(suffix: str, data: bytes | str, **options) -> list[ReadResult]:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return READERS[suffix](data, ReaderOptions(**options))


def texts(result: ReadResult) -> list[str]:
    return [block.text for block in result.blocks]


def all_text(results: list[ReadResult]) -> str:
    return "\n".join(block.text for result in results for block in result.blocks)


def folded_terms(results: list[ReadResult]) -> set[str]:
    titles = "\n".join(result.title for result in results)
    return {token.term for token in analyze(all_text(results) + "\n" + titles)}


# The examples together


def test_readers_cover_the_documented_suffixes():
    assert sorted(READERS) == sorted([
        ".txt", ".text", ".html", ".htm", ".md", ".markdown", ".docx", ".epub", ".pdf",
        ".jsonl", ".json", ".csv",
    ])  # fmt: skip


def test_each_example_has_a_word_no_other_example_has():
    terms = {name: folded_terms(read(name)) for name in EXAMPLES}
    plain = (INDEX_DATA / "baghouz-liberation-anniversary.txt").read_text(encoding="utf-8")
    terms["baghouz-liberation-anniversary.txt"] = {token.term for token in analyze(plain)}
    for name, word in EXAMPLES.items():
        [term] = [token.term for token in analyze(word)]
        assert [other for other in terms if term in terms[other]] == [name]


@pytest.mark.parametrize("name", EXAMPLES)
def test_no_markup_reaches_the_paragraphs(name):
    text = all_text(read(name))
    assert not [trace for trace in MARKUP_TRACES if trace in text]


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_files_stay_small(name):
    assert (INDEX_DATA / name).stat().st_size < 20_000


@pytest.mark.slow
def test_importing_the_readers_does_not_import_the_parsers():
    code = (
        "import sys, searchidx.readers; "
        "print(sorted({'bs4', 'docx', 'markdown_it', 'lxml', 'pypdf', 'bidi'} & set(sys.modules)))"
    )
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert output.stdout.strip() == "[]", output.stderr


# HTML


def test_html_title_comes_from_the_title_element():
    [page] = read("calligraphy-exhibition.html")
    assert page.title == "معرض «حروف من نور» يحتفي بفن الطغراء | أخبار الثقافة"


def test_html_paragraphs_carry_the_heading_above_them():
    [page] = read("calligraphy-exhibition.html")
    assert (
        Block(
            "«الخط هندسة روحانية ظهرت بآلة جسمانية»، قول يُنسب إلى إقليدس ويتداوله الخطاطون.",
            "§ من الرَّقّ إلى الشاشة",
        )
        in page.blocks
    )
    assert Block("ورش للأطفال", "§ ورش للأطفال") in page.blocks


def test_html_article_header_is_content_but_the_page_header_is_not():
    [page] = read("calligraphy-exhibition.html")
    assert texts(page)[0] == "معرض «حروف من نور» يحتفي بفن الطغراء في الشارقة"
    assert texts(page)[1] == "الشارقة – قسم الثقافة، ١٢ نيسان/أبريل ٢٠٢٤"


def test_html_drops_scripts_navigation_hidden_elements_and_page_chrome():
    text = all_text(read("calligraphy-exhibition.html"))
    for invisible in (
        "مؤشرالتتبع",
        "dataLayer",
        "الرئيسية",
        "اتصل بنا",
        "إعلان",
        "الأكثر قراءة",
        "مهرجان الشعر",
        "جميع الحقوق",
        "font-family",
    ):
        assert invisible not in text


def test_html_whitespace_collapses_but_br_breaks_the_line():
    [page] = read("calligraphy-exhibition.html")
    assert "تعيد إلى الجيل الجديد علاقته بالحرف.\nوتستمر الورش حتى نهاية الشهر." in all_text([page])
    assert texts(page)[2].startswith("افتُتح مساء الأربعاء في الشارقة معرض «حروف من نور» للخط")
    assert "  " not in all_text([page])


def test_html_table_row_is_one_paragraph_with_tabbed_cells():
    [page] = read("calligraphy-exhibition.html")
    assert "طغراء السلطان محمود الثاني\tالديواني الجلي\t١٨٣٢" in texts(page)


def test_html_entities_are_decoded():
    [page] = read("calligraphy-exhibition.html")
    assert texts(page)[-1].endswith("تحتاج إلى حجز مسبق & بطاقة من المدرسة.")


def test_html_title_falls_back_to_the_first_h1():
    [page] = read_bytes(".html", "<body><h2>قسم</h2><h1>الخط الكوفي</h1><p>نص</p></body>")
    assert page.title == "الخط الكوفي"


def test_html_div_text_outside_child_blocks_is_a_paragraph_of_its_own():
    [page] = read_bytes(".html", "<div>مقدمة قصيرة<p>فقرة أولى</p>خاتمة</div>")
    assert texts(page) == ["مقدمة قصيرة", "فقرة أولى", "خاتمة"]


def test_html_pre_keeps_its_spacing():
    [page] = read_bytes(".html", "<pre>السطر  الأول\n    السطر الثاني</pre><p>بعده   نص</p>")
    assert texts(page) == ["السطر  الأول\n    السطر الثاني", "بعده نص"]


def test_html_landmark_roles_and_inline_hidden_styles_are_dropped():
    [page] = read_bytes(
        ".html",
        '<div role="navigation">قائمة</div><p style="display: none">مخفي</p>'
        '<p aria-hidden="true">زخرفة</p><p>ظاهر</p>',
    )
    assert texts(page) == ["ظاهر"]


@pytest.mark.slow
def test_html_deep_nesting_does_not_overflow_the_stack():
    [page] = read_bytes(".html", "<div>" * 20_000 + "عميق" + "</div>" * 20_000)
    assert texts(page) == ["عميق"]


def test_html_windows_1256_page_is_decoded():
    [page] = read_bytes(".html", "<p>الخط العربي فن أصيل</p>".encode("cp1256"))
    assert texts(page) == ["الخط العربي فن أصيل"]


def test_html_binary_garbage_is_refused():
    garbage = bytes(range(256)) * 8
    with pytest.raises(DocumentError, match="binary data"):
        read_bytes(".html", garbage)


def test_html_without_visible_text_is_refused():
    with pytest.raises(DocumentError, match="no visible text"):
        read_bytes(".html", "<html><head><title>فارغة</title><script>x()</script></head></html>")


# Markdown


def test_markdown_title_is_the_first_heading():
    [guide] = read("palm-planting-guide.md")
    assert guide.title == "دليل زراعة النخيل في الحديقة المنزلية"


def test_markdown_headings_are_paragraphs_and_locate_the_paragraphs_under_them():
    [guide] = read("palm-planting-guide.md")
    assert guide.blocks[0] == Block(
        "دليل زراعة النخيل في الحديقة المنزلية", "§ دليل زراعة النخيل في الحديقة المنزلية"
    )
    assert Block("اختيار الفسيلة", "§ اختيار الفسيلة") in guide.blocks
    assert Block("احفر حفرة عمقها متر وعرضها متر.", "§ الزراعة") in guide.blocks


def test_markdown_syntax_is_removed_and_its_text_kept():
    [guide] = read("palm-planting-guide.md")
    assert texts(guide)[1] == (
        "النخلة شجرة صبورة، لكنها لا تغفر الأخطاء في سنتها الأولى. يشرح هذا الدليل كيف تختار "
        "الفسيلة المناسبة وتزرعها وتسقيها حتى تثمر، بالاعتماد على تجارب مزارعين في واحة الأحساء."
    )
    assert "نصيحة: لا تشترِ فسيلةً قُطعت منذ أكثر من أسبوعين، فنسبة نجاحها تقل كثيراً." in (
        texts(guide)
    )
    assert "استخدم الري بالتنقيط إن أمكن، وافحص رطوبة التربة على عمق 30 سم قبل كل رية." in (
        texts(guide)
    )


def test_markdown_images_and_comments_are_not_text():
    text = all_text(read("palm-planting-guide.md"))
    assert "نخلة برحي في حديقة" not in text
    assert "ملاحظة للمحرر" not in text
    assert "example.org" not in text


def test_markdown_table_rows_are_paragraphs():
    [guide] = read("palm-planting-guide.md")
    assert Block("الصيف\tثلاث\t٤٠ لتراً", "§ الري") in guide.blocks


def test_markdown_front_matter_gives_the_title_and_is_not_text():
    page = '---\ntitle: "حصاد التمور"\ndate: 2024-09-01\n---\n\nفي **أيلول** يبدأ الصرام.\n'
    [guide] = read_bytes(".md", page)
    assert guide.title == "حصاد التمور"
    assert texts(guide) == ["في أيلول يبدأ الصرام."]


def test_markdown_thematic_break_is_not_mistaken_for_front_matter():
    [guide] = read_bytes(".md", "---\nتمهيد\n---\n\nمتن الدليل\n")
    assert guide.title == "تمهيد"
    assert texts(guide) == ["تمهيد", "متن الدليل"]


def test_markdown_inline_html_and_escapes():
    [guide] = read_bytes(".md", "الفسيلة <b>الأم</b> \\*ليست\\* `كود` <script>x()</script>\n")
    assert texts(guide) == ["الفسيلة الأم *ليست* كود"]


def test_markdown_binary_garbage_is_refused():
    with pytest.raises(DocumentError):
        read_bytes(".md", bytes(range(256)) * 8)


# DOCX


def test_docx_title_comes_from_the_document_properties():
    [report] = read("rainwater-harvesting-report.docx")
    assert report.title == "حصاد مياه الأمطار في وادي رم"


def test_docx_title_style_and_headings_are_paragraphs_and_locators():
    [report] = read("rainwater-harvesting-report.docx")
    assert report.blocks[0] == Block(
        "تقرير ميداني: حصاد مياه الأمطار في وادي رم",
        "§ تقرير ميداني: حصاد مياه الأمطار في وادي رم",
    )
    assert Block("الصهاريج القديمة", "§ الصهاريج القديمة") in report.blocks
    assert (
        Block(
            "تدريب الشباب المحليين على الصيانة، وإشراك المسئولين في البلدية في خطة سنوية.",
            "§ التوصيات",
        )
        in report.blocks
    )


def test_docx_runs_join_into_one_paragraph():
    [report] = read("rainwater-harvesting-report.docx")
    assert texts(report)[2] == (
        "يرصد هذا التقرير أساليب جمع مياه الأمطار في وادي رم جنوب الأردن، حيث لا يتجاوز معدل "
        "الهطول السنوي مئة ملّيمتر، ويعتمد السكان والرعاة على ما يُخزَّن في موسم الشتاء القصير."
    )


def test_docx_table_rows_are_paragraphs_and_merged_cells_count_once():
    [report] = read("rainwater-harvesting-report.docx")
    locator = "§ حالة المواقع التي زرناها"
    assert Block("صهريج خزعلي\t١٢٠ متراً مكعباً\tصالح للاستعمال", locator) in report.blocks
    assert Block("ملاحظة\tقيست السعة بالعين ولم تُمسح هندسياً", locator) in report.blocks


def make_docx(title: str = "") -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    document.add_paragraph("تمهيد بلا عنوان")
    document.add_heading("السدود الترابية", level=2)
    document.add_paragraph("تُبنى في الشعاب.")
    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def test_docx_style_based_on_a_heading_style_is_a_heading():
    import docx
    from docx.enum.style import WD_STYLE_TYPE

    document = docx.Document()
    chapter = document.styles.add_style("عنوان فصل", WD_STYLE_TYPE.PARAGRAPH)
    chapter.base_style = document.styles["Heading 1"]
    document.add_paragraph("الفصل الأول: الآبار", style=chapter)
    document.add_paragraph("حُفرت الآبار قديماً.")
    stream = io.BytesIO()
    document.save(stream)
    [report] = read_bytes(".docx", stream.getvalue())
    assert report.blocks[1] == Block("حُفرت الآبار قديماً.", "§ الفصل الأول: الآبار")


def test_docx_title_falls_back_to_the_first_heading():
    [report] = read_bytes(".docx", make_docx())
    assert report.title == "السدود الترابية"
    assert report.blocks == [
        Block("تمهيد بلا عنوان"),
        Block("السدود الترابية", "§ السدود الترابية"),
        Block("تُبنى في الشعاب.", "§ السدود الترابية"),
    ]


def replace_member(data: bytes, name: str, content: bytes | None) -> bytes:
    """A copy of a zip archive with member ``name`` replaced, or removed if ``content`` is None."""
    source = zipfile.ZipFile(io.BytesIO(data))
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as target:
        for member in source.infolist():
            if member.filename != name:
                target.writestr(member, source.read(member))
        if content is not None:
            target.writestr(name, content)
    return stream.getvalue()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda data: data[: len(data) // 2],
            r"not a valid \.docx file \(zip archive is damaged\)",
        ),
        (lambda data: b"PK\x03\x04" + bytes(200), r"not a valid \.docx file \(zip archive"),
        (lambda data: "مستند نصي".encode(), r"not a valid \.docx file \(zip archive is damaged\)"),
        (
            lambda data: replace_member(data, "word/document.xml", b"<w:document><w:body>"),
            r"not a valid \.docx file \(.+\)",
        ),
        (
            lambda data: replace_member(data, "word/document.xml", None),
            r"not a valid \.docx file \(a part is missing: .+\)",
        ),
    ],
    ids=["truncated", "zip-header-only", "plain-text", "broken-xml", "missing-document"],
)
def test_damaged_docx_is_refused_with_a_reason(damage, message):
    data = (INDEX_DATA / "rainwater-harvesting-report.docx").read_bytes()
    with pytest.raises(DocumentError, match=message):
        read_bytes(".docx", damage(data))


# EPUB


def test_epub_title_comes_from_the_book_metadata():
    [book] = read("zanzibar-voyage.epub")
    assert book.title == "رحلة إلى زنجبار"


def test_epub_chapters_in_reading_order_titled_from_the_table_of_contents():
    [book] = read("zanzibar-voyage.epub")
    assert list(dict.fromkeys(block.locator for block in book.blocks)) == [
        "chapter 1: الإبحار من مسقط",
        "chapter 2: عاصفة في المحيط",
        "chapter 3: أسواق زنجبار",
    ]
    assert book.blocks[0] == Block("الفصل الأول", "chapter 1: الإبحار من مسقط")
    assert (
        Block(
            "في السوق كان التجار يتكلمون السواحيلية والعربية معاً، ويزنون القرنفل والهيل وجوز "
            "الطيب بموازين نحاسية قديمة.",
            "chapter 3: أسواق زنجبار",
        )
        in book.blocks
    )


def test_epub_navigation_document_is_not_read_as_a_chapter():
    [book] = read("zanzibar-voyage.epub")
    assert "رحلة إلى زنجبار" not in texts(book)


CONTAINER = (
    '<?xml version="1.0"?><container version="1.0" '
    'xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles>'
    '<rootfile full-path="OEBPS/book.opf" media-type="application/oebps-package+xml"/>'
    "</rootfiles></container>"
)
EPUB2_PACKAGE = """<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>أخبار الموانئ</dc:title></metadata>
<manifest>
<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
<item id="one" href="text/one.html" media-type="application/xhtml+xml"/>
<item id="two" href="text/two%20b.html" media-type="application/xhtml+xml"/>
</manifest>
<spine toc="ncx"><itemref idref="one"/><itemref idref="two"/></spine>
</package>"""
NCX = """<?xml version="1.0" encoding="utf-8"?>
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1"><navMap>
<navPoint id="p1"><navLabel><text>ميناء صور</text></navLabel><content src="text/one.html#top"/>
</navPoint></navMap></ncx>"""


def make_epub(chapters: dict[str, str], package: str = EPUB2_PACKAGE, **extra: str) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("mimetype", "application/epub+zip")
        archive.writestr("META-INF/container.xml", CONTAINER)
        archive.writestr("OEBPS/book.opf", package)
        archive.writestr("OEBPS/toc.ncx", NCX)
        for name, body in {**chapters, **extra}.items():
            archive.writestr(name, body)
    return stream.getvalue()


EPUB2_CHAPTERS = {
    "OEBPS/text/one.html": "<html><body><h1>١</h1><p>تصل السفن إلى صور فجراً.</p></body></html>",
    "OEBPS/text/two b.html": "<html><body><h2>ميناء صلالة</h2><p>رطوبة عالية.</p></body></html>",
}


def test_epub2_titles_come_from_the_ncx_else_the_chapter_heading():
    [book] = read_bytes(".epub", make_epub(EPUB2_CHAPTERS))
    assert book.title == "أخبار الموانئ"
    assert book.blocks == [
        Block("١", "chapter 1: ميناء صور"),
        Block("تصل السفن إلى صور فجراً.", "chapter 1: ميناء صور"),
        Block("ميناء صلالة", "chapter 2: ميناء صلالة"),
        Block("رطوبة عالية.", "chapter 2: ميناء صلالة"),
    ]


def test_epub_chapter_that_cannot_be_decoded_is_skipped_with_a_warning():
    chapters = {**EPUB2_CHAPTERS, "OEBPS/text/one.html": bytes(range(256)) * 4}
    [book] = read_bytes(".epub", make_epub(chapters))
    assert texts(book) == ["ميناء صلالة", "رطوبة عالية."]
    assert book.blocks[0].locator == "chapter 1: ميناء صلالة"
    assert book.warnings == ["chapter OEBPS/text/one.html skipped: binary data, not text"]


def test_epub_with_encrypted_chapters_is_refused():
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData>'
        '<enc:CipherReference URI="OEBPS/text/one.html"/></enc:CipherData></enc:EncryptedData>'
        "</encryption>"
    )
    data = make_epub(EPUB2_CHAPTERS, **{"META-INF/encryption.xml": encryption})
    with pytest.raises(DocumentError, match=r"encrypted \(DRM-protected\)"):
        read_bytes(".epub", data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"PK\x05\x06" + bytes(18),
            r"not a valid \.epub file \(META-INF/container\.xml is missing\)",
        ),
        (
            (INDEX_DATA / "zanzibar-voyage.epub").read_bytes()[:-300],
            r"not a valid \.epub file \(zip archive is damaged\)",
        ),
        (make_epub({}, package="<package><manifest>"), r"not a valid \.epub file \(OEBPS/book"),
        (make_epub({}, package=EPUB2_PACKAGE), r"no text in any chapter"),
    ],
    ids=["empty-zip", "truncated", "broken-package-xml", "chapters-missing"],
)
def test_damaged_epub_is_refused_with_a_reason(data, message):
    with pytest.raises(DocumentError, match=message):
        read_bytes(".epub", data)


# JSON Lines, JSON, CSV


def test_jsonl_gives_one_document_per_record():
    records = read("arabic-proverbs.jsonl")
    assert [record.title for record in records][:3] == [
        "مواعيد عرقوب",
        "سبق السيف العذل",
        "رجع بخفي حنين",
    ]
    first = records[0]
    assert first.blocks[1] == Block(
        "ويقال لمن يماطل في الوفاء: «صارت مواعيده مواعيد عرقوب».", "record p01"
    )
    assert len(records) == 7
    assert all(len(record.blocks) == 2 for record in records)


def test_jsonl_malformed_line_is_skipped_and_the_others_kept():
    lines = [
        '{"id": 1, "text": "الصبر مفتاح الفرج"}',
        '{"id": 2, "text": "من جدّ وجد',
        "",
        '["ليس", "كائناً"]',
        '{"id": 3, "text": "ما كل ما يتمنى المرء يدركه"}',
    ]
    records = read_bytes(".jsonl", "\n".join(lines))
    assert [record.blocks for record in records] == [
        [Block("الصبر مفتاح الفرج", "record 1")],
        [Block("ما كل ما يتمنى المرء يدركه", "record 3")],
    ]
    assert records[0].warnings == [
        "2 malformed line(s) skipped (first: line 2: Unterminated string starting at, column 19)"
    ]


def test_jsonl_line_separator_inside_a_string_does_not_split_the_record():
    [record] = read_bytes(".jsonl", '{"text": "سطر\u2028وسطر"}\n')
    assert texts(record) == ["سطر\u2028وسطر"]


def test_jsonl_with_no_valid_line_is_refused():
    with pytest.raises(DocumentError, match=r"no JSON object on any line \(line 1: "):
        read_bytes(".jsonl", "ليس JSON\n{كذلك}\n")


def test_record_fields_are_found_by_common_names_in_any_case_or_language():
    lines = [
        {"_ID": "a1", "Headline": "  خبر   عاجل ", "BODY": "فقرة أولى\n\nفقرة ثانية"},
        {"المعرف": "b2", "العنوان": "خبر محلي", "النص": "افتتاح مكتبة"},
    ]
    first = read_bytes(".jsonl", json.dumps(lines[0], ensure_ascii=False))
    assert [(r.title, r.blocks) for r in first] == [
        ("خبر عاجل", [Block("فقرة أولى", "record a1"), Block("فقرة ثانية", "record a1")])
    ]
    second = read_bytes(".jsonl", json.dumps(lines[1], ensure_ascii=False))
    assert [(r.title, r.blocks) for r in second] == [
        ("خبر محلي", [Block("افتتاح مكتبة", "record b2")])
    ]


def test_record_fields_ending_in_a_common_name_are_found():
    line = {"hadith_key": "bukhari:1", "sunnah_url": "https://x", "arabic_text": "إنما الأعمال"}
    [record] = read_bytes(".jsonl", json.dumps(line, ensure_ascii=False))
    assert record.blocks == [Block("إنما الأعمال", "record bukhari:1")]


def test_record_fields_can_be_named_in_the_options():
    line = {"id": 9, "text": "ملخص", "matn": "المتن الكامل", "rawi": "أبو هريرة"}
    [record] = read_bytes(
        ".jsonl",
        json.dumps(line, ensure_ascii=False),
        text_field="MATN",
        id_field="rawi",
        title_field="text",
    )
    assert (record.title, record.blocks) == ("ملخص", [Block("المتن الكامل", "record أبو هريرة")])


def test_record_field_named_in_the_options_must_exist():
    with pytest.raises(DocumentError, match=r"no text field 'nass'; fields found: 'id', 'text'"):
        read_bytes(".jsonl", '{"id": 1, "text": "نص"}', text_field="nass")


def test_records_without_text_are_skipped_and_counted():
    lines = [
        '{"id": 1, "text": ""}',
        '{"id": 2}',
        '{"id": 3, "text": "يبقى"}',
        '{"id": 4, "text": {"ar": "ليس نصاً"}}',
    ]
    [record] = read_bytes(".jsonl", "\n".join(lines))
    assert record.blocks == [Block("يبقى", "record 3")]
    assert record.warnings == ["3 record(s) without text skipped"]


def test_records_without_an_id_are_located_by_line():
    [_, record] = read_bytes(".jsonl", '{"text": "أول"}\n\n{"text": "ثالث"}\n')
    assert record.blocks == [Block("ثالث", "line 3")]


def test_records_sharing_an_id_are_told_apart_by_where_they_are():
    lines = [
        {"id": "أمثال", "text": "الصبر مفتاح الفرج"},
        {"id": "حكم", "text": "العلم نور"},
        {"id": "أمثال", "text": "من جد وجد"},
    ]
    records = read_bytes(".jsonl", "\n".join(json.dumps(r, ensure_ascii=False) for r in lines))
    assert [r.blocks for r in records] == [
        [Block("الصبر مفتاح الفرج", "record أمثال, line 1")],
        [Block("العلم نور", "record حكم")],
        [Block("من جد وجد", "record أمثال, line 3")],
    ]
    array = read_bytes(".json", json.dumps([lines[0], lines[0]], ensure_ascii=False))
    assert [r.blocks[0].locator for r in array] == ["record أمثال, item 1", "record أمثال, item 2"]
    rows = read_bytes(".csv", "id,text\n7,الصبر مفتاح الفرج\n7,من جد وجد\n")
    assert [r.blocks[0].locator for r in rows] == ["record 7, row 1", "record 7, row 2"]


def test_record_text_may_be_a_list_of_paragraphs():
    [record] = read_bytes(".jsonl", '{"text": ["فقرة أولى", "فقرة ثانية"]}')
    assert texts(record) == ["فقرة أولى", "فقرة ثانية"]


def test_file_without_a_text_field_is_refused_naming_its_fields():
    with pytest.raises(
        DocumentError, match=r"no text field among 'id', 'kalima'; name the one .* --text-field"
    ):
        read_bytes(".jsonl", '{"id": 1, "kalima": "نص"}')


def test_json_array_of_records():
    data = [{"id": 1, "title": "أ", "text": "الأولى"}, {"id": 2, "title": "ب", "text": "الثانية"}]
    records = read_bytes(".json", json.dumps(data, ensure_ascii=False))
    assert [(r.title, r.blocks) for r in records] == [
        ("أ", [Block("الأولى", "record 1")]),
        ("ب", [Block("الثانية", "record 2")]),
    ]


def test_json_object_holding_one_array_of_records():
    data = {"source": "وكالة", "count": 2, "articles": [{"body": "خبر"}, {"body": "تقرير"}]}
    records = read_bytes(".json", json.dumps(data, ensure_ascii=False))
    assert [r.blocks for r in records] == [[Block("خبر", "record 1")], [Block("تقرير", "record 2")]]


def test_json_single_object_is_one_record():
    [record] = read_bytes(".json", '{"title": "مقال", "content": "متن المقال"}')
    assert (record.title, texts(record)) == ("مقال", ["متن المقال"])


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('[{"text": "ناقص"', r"not valid JSON \(Expecting ',' delimiter, line 1 column 17\)"),
        ('"نص فقط"', "not an array of objects or an object"),
        ('{"a": [{"text": "1"}], "b": [{"text": "2"}]}', r"several arrays of records \('a', 'b'\)"),
        ("[" * 100_000, r"not valid JSON \(nested too deeply\)"),
        ("[]", "^an empty array: no records$"),
    ],
    ids=["truncated", "string", "two-arrays", "deep", "empty-array"],
)
def test_malformed_json_is_refused(data, message):
    with pytest.raises(DocumentError, match=message):
        read_bytes(".json", data)


def test_csv_gives_one_document_per_row_with_arabic_column_names():
    records = read("historic-observatories.csv")
    assert len(records) == 6
    assert records[0].title == "مرصد مَراغة"
    assert records[0].blocks[0].locator == "record 1"
    assert texts(records[5])[0].endswith("وهي من أدق أرصاد عصره, كما يقول مؤرخو العلم.")


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_csv_delimiter_is_read_from_the_header(delimiter):
    data = delimiter.join(["title", "text"]) + "\r\n" + delimiter.join(["عنوان", "نص، مع فاصلة"])
    [record] = read_bytes(".csv", data)
    assert (record.title, record.blocks) == ("عنوان", [Block("نص، مع فاصلة", "row 1")])


@pytest.mark.parametrize(("suffix", "data"), [(".csv", "id,النص\n"), (".jsonl", "\n\n")])
def test_file_without_records_is_refused_as_such(suffix, data):
    """Not «no text field among no fields»: the header names the text column."""
    with pytest.raises(DocumentError, match=r"^no records$"):
        read_bytes(suffix, data)


def test_csv_field_longer_than_the_csv_module_default_is_read():
    long_text = "كلمة " * 40_000
    [record] = read_bytes(".csv", f'text\n"{long_text}"\n')
    # Longer than a paragraph may be: cut, not lost.
    assert " ".join(texts(record)) == long_text.strip()


def test_csv_without_a_text_column_is_refused_naming_its_columns():
    with pytest.raises(DocumentError, match=r"no text field among 'الرقم', 'المدينة'; name"):
        read_bytes(".csv", "الرقم,المدينة\n1,مراغة\n")


def test_csv_field_longer_than_a_file_may_be_is_refused_with_its_line():
    with pytest.raises(DocumentError, match=r"malformed CSV after line 2: field larger than"):
        read_bytes(".csv", "text\nقصير\n" + "طويل " * 300, max_file_bytes=1000)


# Damage of any kind gives a DocumentError or a reading, nothing else


@pytest.mark.parametrize("name", EXAMPLES)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_examples_give_results_or_document_error(name, data):
    original = (INDEX_DATA / name).read_bytes()
    damaged = bytearray(original)
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    damaged = damaged[: data.draw(st.integers(1, len(damaged)))]
    try:
        results = READERS[Path(name).suffix](bytes(damaged), ReaderOptions())
    except DocumentError:
        return
    assert all(isinstance(block.text, str) and block.text for r in results for block in r.blocks)
