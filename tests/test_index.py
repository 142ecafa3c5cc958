"""The Index: creating, opening, updating, rebuilding, forgetting roots, and what it reports."""

import json
import os
import re
import shutil

import pytest
import whoosh.index

from searchidx import Index, ReaderOptions
from searchidx.errors import (
    IncompatibleIndex,
    IndexChanged,
    IndexCorrupt,
    IndexNotFound,
    NotARoot,
    NothingToIndex,
    OptionError,
)
from searchidx.index import rebuild_index, store
from searchidx.index import writer as writer_module
from searchidx.index.store import META_FILE

from .conftest import (
    INDEX_DATA,
    INDEX_VARIABLE,
    SMALL_CORPUS,
    damage_marker,
    docs_of,
    make_newer,
    make_newer_analyzer,
    run_cli,
    total_found,
    write_corpus,
)


def test_every_paragraph_is_indexed_with_title_and_doc(small_index):
    with Index.open(small_index) as index:
        info = index.info()
        assert (info.documents, info.paragraphs) == (3, 10)
        hit = index.search("حنبل").hits[0]
    assert (hit.doc, hit.paragraph, hit.title) == ("hadith.txt", 3, "بابُ العِلْمِ")
    assert hit.text == SMALL_CORPUS["hadith.txt"].split("\n\n")[2].strip()


def test_update_without_paths_refreshes_indexed_folders(small_index, corpus):
    (corpus / "extra.txt").write_text("مدينة حلب القديمة\n", encoding="utf-8")
    with Index.open(small_index) as index:
        report = index.update()
        assert report.added == 1
        assert total_found(index, "حلب") == 1


def test_rebuild_starts_from_empty(small_index, corpus, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_text("جبال الأطلس\n", encoding="utf-8")
    with Index.open(small_index) as index:
        report = index.rebuild([elsewhere])
        assert report.added == 1
        assert index.info().documents == 1
        assert total_found(index, "الأطلس") == 1
        assert total_found(index, "المكتبة") == 0
    assert sorted(os.listdir(tmp_path)) == ["docs", "elsewhere", "index"]


def test_open_missing_index(tmp_path):
    with pytest.raises(IndexNotFound, match="run `searchidx index PATH` first"):
        Index.open(tmp_path / "none")


def test_a_folder_of_other_files_is_said_to_be_no_index(tmp_path):
    """Not «run `searchidx index` first», which would be refused there; and no
    --index, which a caller of Index.open has not got."""
    folder = write_corpus(tmp_path / "articles", {"a.txt": "السلام عليكم"})
    with pytest.raises(IndexNotFound) as raised:
        Index.open(folder)
    assert str(raised.value) == (
        f"{folder} holds files and is not a searchidx index; name the folder of an index"
    )
    assert sorted(os.listdir(folder)) == ["a.txt"]


def test_a_file_is_said_to_be_no_index_folder(tmp_path):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("السلام عليكم\n", encoding="utf-8")
    with pytest.raises(IndexNotFound) as raised:
        Index.open(a_file)
    assert str(raised.value) == (
        f"{a_file} is a file, not an index folder; name the folder of an index"
    )


@pytest.mark.parametrize(
    ("spoil", "error"),
    [
        (make_newer, IncompatibleIndex),
        (make_newer_analyzer, IncompatibleIndex),
        (damage_marker, IndexCorrupt),
    ],
)
def test_an_index_this_version_cannot_read_is_neither_opened_nor_written(
    small_index, corpus, spoil, error
):
    """A newer index is not rebuilt: that would put this version's format in place of
    the newer one. A damaged marker is not taken for a folder of other files, and
    nothing is written into it: the folder cannot be shown to be searchidx's."""
    said = spoil(small_index)
    before = {name: (small_index / name).read_bytes() for name in os.listdir(small_index)}
    for attempt in (
        lambda: Index.open(small_index),
        lambda: Index.create(small_index, exist_ok=True),
        lambda: rebuild_index(small_index, [corpus]),
        lambda: rebuild_index(small_index),
    ):
        with pytest.raises(error) as raised:
            attempt()
        assert str(raised.value) == said
    assert {name: (small_index / name).read_bytes() for name in os.listdir(small_index)} == before


def test_a_marked_folder_without_whoosh_files_is_no_index(small_index, tmp_path):
    # What an interrupted `searchidx index` leaves when it stops after the marker.
    marked = tmp_path / "marked"
    marked.mkdir()
    (marked / META_FILE).write_bytes((small_index / META_FILE).read_bytes())
    with pytest.raises(IndexNotFound, match="run `searchidx index PATH` first"):
        Index.open(marked)


def test_opening_reads_the_marker_and_whooshs_table_of_contents_once(small_index, monkeypatch):
    reads = []

    def counted(name, read):
        def wrapper(*args, **kwargs):
            reads.append(name)
            return read(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(store, "read_marker", counted("marker", store.read_marker))
    monkeypatch.setattr(whoosh.index.TOC, "read", counted("toc", whoosh.index.TOC.read))
    with Index.open(small_index) as index:
        assert sorted(reads) == ["marker", "toc"]
        assert index.search("حنبل").hits[0].doc == "hadith.txt"


def test_an_index_whose_words_were_read_otherwise_says_so(small_index):
    """An index of this format whose words an earlier analyzer read (a rule of
    folding changed) is refused with its analyzer's name, not «format 4»."""
    meta_path = small_index / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["analyzer"] = "arabic-fold-3"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IncompatibleIndex) as refused:
        Index.open(small_index)
    message = str(refused.value)
    assert "as an earlier searchidx read them (arabic-fold-3, now arabic-fold-" in message
    assert "(format" not in message
    # Its folders and their options are known still: a rebuild needs none named.
    assert message.endswith(f"with `searchidx index --rebuild --index {small_index}`")
    # An index from before options were remembered needs them named again.
    del meta["roots"]
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IncompatibleIndex, match="adding the options it was built with"):
        Index.open(small_index)
    rebuilt = rebuild_index(small_index)
    assert rebuilt.added == len(SMALL_CORPUS)
    with Index.open(small_index) as index:
        assert index.search("حنبل").hits[0].doc == "hadith.txt"


@pytest.mark.slow
def test_incompatible_index_says_how_to_rebuild_and_that_command_works(small_index, corpus):
    meta_path = small_index / META_FILE
    meta = json.loads(meta_path.read_text())
    meta["format"] = 1
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(IncompatibleIndex, match="--rebuild") as refused:
        Index.open(small_index)
    command = str(refused.value).split("`")[1].replace("PATH", str(corpus)).split()
    assert command[:4] == ["searchidx", "index", "--rebuild", "--index"]
    rebuilt = run_cli(*command[1:])
    assert rebuilt.returncode == 0, rebuilt.stderr
    with Index.open(small_index) as index:
        assert index.search("حنبل").hits[0].path == str(corpus / "hadith.txt")


def test_info_reports_sizes_dates_and_roots(small_index, corpus):
    with Index.open(small_index) as index:
        info = index.info()
    assert info.size_bytes > 0
    assert info.created <= info.updated
    assert info.roots == [str(corpus)]
    assert info.version


def test_one_index_object_sees_its_own_updates_and_rebuilds(small_index, corpus, tmp_path):
    with Index.open(small_index) as index:
        assert total_found(index, "حلب") == 0
        (corpus / "aleppo.txt").write_text("قلعة حلب\n", encoding="utf-8")
        index.update([corpus])
        assert total_found(index, "حلب") == 1
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        (elsewhere / "a.txt").write_text("قلعة حلب الشهباء\n", encoding="utf-8")
        index.rebuild([elsewhere])
        assert [hit.doc for hit in index.search("حلب")] == ["a.txt"]


@pytest.mark.slow
def test_long_lived_index_sees_a_rebuild_and_an_update_by_another_process(
    small_index, corpus, tmp_path
):
    other = tmp_path / "other"
    other.mkdir()
    (other / "nile.txt").write_text("يفيض نهر النيل كل صيف.\n", encoding="utf-8")
    with Index.open(small_index) as index:
        assert total_found(index, "اللاجئون") == 1
        rebuilt = run_cli("index", "--rebuild", str(other), env={INDEX_VARIABLE: str(small_index)})
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert total_found(index, "اللاجئون") == 0
        assert total_found(index, "النيل") == 1
        assert index.info().roots == [str(other)]
        (other / "delta.txt").write_text("دلتا النيل خصبة.\n", encoding="utf-8")
        with Index.open(small_index) as writer:
            writer.update()
        assert total_found(index, "النيل") == 2
        assert index.info().documents == 2


def test_vanished_root_is_dropped_on_refresh_and_a_root_can_be_forgotten(tmp_path, corpus):
    other = tmp_path / "other"
    other.mkdir()
    (other / "nile.txt").write_text("يفيض نهر النيل كل صيف.\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        with pytest.raises(NothingToIndex, match="holds no folders yet"):
            index.update()
        index.update([corpus, other])
        assert index.info().roots == sorted([str(corpus), str(other)])
        (other / "nile.txt").unlink()
        other.rmdir()
        report = index.update()
        assert [(note.path, note.message) for note in report.forgotten] == [
            (str(other), "no longer exists; dropped its 1 file")
        ]
        assert total_found(index, "النيل") == 0 and index.info().roots == [str(corpus)]
        with pytest.raises(NotARoot, match="its roots: " + str(corpus)):
            index.forget(corpus / "news")
        assert index.forget(corpus).removed == 3
        assert (index.info().documents, index.info().roots) == (0, [])


# A library within a library within a library: each folder a root of its own.
NESTED_LIBRARY = {
    "poem.txt": "قصيدة في مدح العلم والعلماء.\n",
    "hadith/muslim.txt": "من سلك طريقا يلتمس فيه علما سهل الله له طريقا إلى الجنة.\n",
    "hadith/bukhari/ilm.txt": "طلب العلم فريضة على كل مسلم.\n",
}


def roots_and_docs(index, query) -> list[tuple[str, str]]:
    return sorted((hit.root, hit.doc) for hit in index.search(query).hits)


def test_forgetting_an_inner_root_keeps_its_files_under_the_outer_root(tmp_path):
    """Indexed first, the inner root holds its files; forgotten, they stay
    searchable under the outer root, with its doc names, and are not read again."""
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update(hadith)
        assert index.update(archive).added == 1  # the poem: the hadiths are hadith's
        assert index.info().roots == [str(archive), str(hadith)]
        report = index.forget(hadith)
        assert (report.removed, report.kept) == (0, {str(archive): 2})
        assert index.info().roots == [str(archive)]
        assert roots_and_docs(index, "طلب") == [(str(archive), "hadith/bukhari/ilm.txt")]
        assert roots_and_docs(index, "الجنة") == [(str(archive), "hadith/muslim.txt")]
        assert total_found(index, "العلم") == 3
        assert index.update().nothing_changed


def test_forgetting_an_outer_root_keeps_the_files_of_a_root_inside_it(tmp_path):
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update(hadith)
        index.update(archive)
        report = index.forget(archive)
        assert (report.removed, report.kept) == (1, {str(hadith): 2})
        assert index.info().roots == [str(hadith)]
        assert total_found(index, "قصيدة") == 0
        assert roots_and_docs(index, "طلب") == [(str(hadith), "bukhari/ilm.txt")]
        assert roots_and_docs(index, "الجنة") == [(str(hadith), "muslim.txt")]


def test_a_folder_named_inside_a_root_becomes_a_root_its_unchanged_files_under_it(tmp_path):
    """Named after the outer one, with nothing changed, the inner folder was no root:
    forgetting the outer root then dropped the files the user had named."""
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update(archive)
        report = index.update(hadith)
        assert (report.added, report.changed, report.unchanged) == (0, 0, 2)
        assert report.kept == {str(hadith): 2}
        assert index.info().roots == [str(archive), str(hadith)]
        assert roots_and_docs(index, "طلب") == [(str(hadith), "bukhari/ilm.txt")]
        assert index.update(hadith).kept == {}  # named again: already its root
        assert index.update(archive).kept == {}  # the inner root keeps its files
        assert index.forget(archive).removed == 1
        assert roots_and_docs(index, "الجنة") == [(str(hadith), "muslim.txt")]


def test_a_folder_named_inside_a_root_of_no_other_files_leaves_them_to_it(tmp_path):
    """A root is known by its files: had «only/inner» taken its one file over,
    «only» would be no root, and a file added to it later never indexed."""
    only = write_corpus(tmp_path / "only", {"inner/sabr.txt": "الصبر مفتاح الفرج.\n"})
    with Index.create(tmp_path / "ix") as index:
        index.update(only)
        assert index.update(only / "inner").kept == {}
        assert index.info().roots == [str(only)]
        (only / "new.txt").write_text("العلم نور.\n", encoding="utf-8")
        assert index.update().added == 1
        assert roots_and_docs(index, "العلم") == [(str(only), "new.txt")]


def test_a_root_reaching_another_roots_files_through_a_symbolic_link_is_refused(tmp_path):
    """A walk does not follow links to folders and files are known by the path they
    were found at: «archive/link» beside «archive» indexed each hadith twice, and
    every search found it twice. Nested in plain sight, the same folder is a root."""
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    (archive / "link").symlink_to(archive / "hadith")
    (tmp_path / "alias").symlink_to(archive)
    with Index.create(tmp_path / "ix") as index:
        index.update(archive)
        for named, other in (
            (archive / "link", archive),
            (tmp_path / "alias", archive),
            (tmp_path / "alias" / "hadith" / "muslim.txt", archive),
        ):
            with pytest.raises(
                NothingToIndex,
                match=f"^{re.escape(str(named))} reaches files that {re.escape(str(other))} holds",
            ):
                index.update(named)
        assert roots_and_docs(index, "الجنة") == [(str(archive), "hadith/muslim.txt")]
        assert index.update(archive / "hadith").kept == {str(archive / "hadith"): 2}
    with Index.create(tmp_path / "ix2") as index:
        with pytest.raises(NothingToIndex, match=r"indexed twice; name each folder by one path$"):
            index.update([archive / "link", archive / "hadith"])
        assert index.info().roots == []
        index.update(archive / "link")  # alone, a link is a root as any folder is
        with pytest.raises(NothingToIndex, match=r"or `searchidx forget \S+/archive/link` first$"):
            index.update(archive)
        assert roots_and_docs(index, "الجنة") == [(str(archive / "link"), "muslim.txt")]


# Notes kept with a dot, a log read as text, and news as JSON Lines whose text is «body».
NOTES = {
    "diary.txt": "زرت المكتبة الوطنية اليوم.\n",
    ".private/plans.txt": "خطة لزيارة مدينة فاس في الربيع.\n",
    "server.log": "انقطع الاتصال بالخادم ليلا.\n",
    "news.jsonl": json.dumps(
        {"id": "n1", "title": "الطقس", "body": "أمطار غزيرة على الساحل."}, ensure_ascii=False
    )
    + "\n",
}


def test_a_refresh_reads_each_root_with_the_options_it_was_named_with(tmp_path):
    """A refresh with no options dropped the hidden notes and logs that the index was
    built with; now each root is read as it was named, until named with others."""
    notes = write_corpus(tmp_path / "notes", NOTES)
    logs = ReaderOptions(hidden=True, include=("*.log",))
    with Index.create(tmp_path / "ix") as index:
        assert index.update(notes, logs).added == 4
        (notes / ".private" / "more.txt").write_text("موعد السفر إلى فاس.\n", encoding="utf-8")
        report = index.update()  # a refresh, as a scheduled job runs it
        assert (report.added, report.removed, report.hidden) == (1, 0, [])
        assert total_found(index, "فاس") == 2 and total_found(index, "الخادم") == 1
        assert index.update(notes).nothing_changed  # named again without options: the same
        assert index.info().root_options == {str(notes): {"include": ["*.log"], "hidden": True}}
        # Named with other options: exactly those, remembered from then on.
        report = index.update(notes, ReaderOptions(include=("*.log",)))
        assert (report.removed, len(report.hidden)) == (2, 1)
        assert index.update().nothing_changed and total_found(index, "فاس") == 0
        assert index.info().root_options == {str(notes): {"include": ["*.log"]}}
        index.rebuild()  # a rebuild reads the root as remembered
        assert total_found(index, "الخادم") == 1 and total_found(index, "فاس") == 0
        index.forget(notes)
        assert index.info().root_options == {}


def test_a_folder_named_again_walks_the_roots_inside_it_with_their_own_options(tmp_path):
    """Named again without options, «archive» read «archive/hadith» with its own
    options: the inner root's hidden note went and its log came, and back at each
    refresh; the log dropped by both roots was counted twice."""
    archive = write_corpus(
        tmp_path / "archive",
        {
            "usul.txt": "رسالة في أصول الفقه.\n",
            "hadith/bukhari.txt": "حدثنا مالك عن نافع عن ابن عمر.\n",
            "hadith/notes.log": "سجل رواية الحديث.\n",
            "hadith/.isnad.txt": "ملاحظة مخفية عن الإسناد.\n",
        },
    )
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update(archive, ReaderOptions(include=("*.log",)))
        report = index.update(hadith, ReaderOptions(hidden=True))
        assert (report.added, report.removed, report.left_out) == (
            1,
            1,
            [str(hadith / "notes.log")],
        )
        for _ in range(2):
            report = index.update(archive)
            assert report.nothing_changed and report.hidden == []
            assert index.update().nothing_changed
        assert docs_of(index, "الإسناد OR رواية") == [".isnad.txt"]


def test_an_outer_root_reading_hidden_files_leaves_an_inner_roots_alone(tmp_path):
    """With «archive» read --hidden and «archive/hadith» not, the inner root's hidden
    files went in under «archive» and out again at every refresh."""
    archive = write_corpus(
        tmp_path / "archive",
        {
            "intro.txt": "مقدمة الكتاب.\n",
            ".hid/draft.txt": "مسودة الفصل الأول.\n",
            "hadith/bukhari.txt": "حدثنا مالك عن نافع.\n",
            "hadith/.muslim.txt": "حديث رواه المسلم.\n",
        },
    )
    with Index.create(tmp_path / "ix") as index:
        index.update(archive, ReaderOptions(hidden=True))
        report = index.update(archive / "hadith")
        assert report.left_out == [str(archive / "hadith" / ".muslim.txt")]
        for again in (None, archive):
            report = index.update(again)
            assert report.nothing_changed and report.hidden == [
                str(archive / "hadith" / ".muslim.txt")
            ]
        assert docs_of(index, "المسلم OR مسودة") == [".hid/draft.txt"]
        # A rebuild of the outer folder keeps the inner root, and each its options.
        index.rebuild(archive)
        assert index.info().roots == [str(archive), str(archive / "hadith")]
        assert docs_of(index, "المسلم OR مسودة") == [".hid/draft.txt"]


def test_a_rebuild_of_a_folder_whose_inner_root_was_deleted_says_it_is_gone(tmp_path):
    """The rebuild named the deleted inner root too, and stopped: «no such file or folder»."""
    archive = write_corpus(
        tmp_path / "archive", {"a.txt": "مقدمة الكتاب.\n", "hadith/b.txt": "حدثنا مالك.\n"}
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([archive, archive / "hadith"])
        shutil.rmtree(archive / "hadith")
        report = index.rebuild(archive)
        assert [(note.path, note.message) for note in report.forgotten] == [
            (str(archive / "hadith"), "no longer exists; dropped its 1 file")
        ]
        assert index.info().roots == [str(archive)] and total_found(index, "مقدمة") == 1


def test_a_root_left_with_no_file_says_so_and_keeps_no_options(tmp_path):
    library = write_corpus(
        tmp_path / "library",
        {
            "hadith/bukhari.txt": "حدثنا مالك عن نافع عن ابن عمر رضي الله عنهما.\n",
            "intro.txt": "مقدمة.\n",
        },
    )
    hadith = library / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update([hadith, library / "intro.txt"])
        report = index.update(hadith, ReaderOptions(max_file_bytes=40))
        assert [(note.path, note.message) for note in report.forgotten] == [
            (str(hadith), "holds no file to index now; no longer a root")
        ]
        info = index.info()
        assert (info.roots, info.root_options) == ([str(library / "intro.txt")], {})


# Sayings as JSON Lines: «body» the saying, «title» its heading.
SAYINGS = (
    json.dumps({"body": "العلم نور", "title": "حكمة"}, ensure_ascii=False)
    + "\n"
    + json.dumps({"body": "الجهل ظلام", "title": "حكمة ثانية"}, ensure_ascii=False)
    + "\n"
)


def test_records_moved_to_a_root_of_other_fields_are_read_again(tmp_path):
    """Taken over by an inner root, or left to the outer one by a forget, a JSON Lines
    file kept the text its old root's --text-field read, and refreshes said «up to date»."""
    archive = write_corpus(
        tmp_path / "archive", {"intro.txt": "مقدمة.\n", "sahih/sayings.jsonl": SAYINGS}
    )
    with Index.create(tmp_path / "ix") as index:
        index.update(archive, ReaderOptions(text_field="title"))
        assert total_found(index, "حكمة") == 2 and total_found(index, "العلم") == 0
        assert index.update(archive / "sahih").changed == 1  # read with detected fields
        assert total_found(index, "العلم") == 1 and total_found(index, "حكمة") == 0
        assert index.update().nothing_changed
        index.forget(archive / "sahih")
        assert index.update().changed == 1  # back under «archive», read with «title»
        assert total_found(index, "حكمة") == 2


def test_deleted_roots_inside_a_root_are_noted_once_each_with_their_own_files(tmp_path):
    archive = write_corpus(
        tmp_path / "archive",
        {
            "a.txt": "مقدمة.\n",
            "hadith/b.txt": "حدثنا مالك.\n",
            "hadith/sahih/s.txt": "باب العلم.\n",
        },
    )
    with Index.create(tmp_path / "ix") as index:
        index.update([archive / "hadith" / "sahih", archive / "hadith", archive])
        shutil.rmtree(archive / "hadith")
        report = index.update()
        assert report.skipped == [] and report.removed == 2
        assert sorted((note.path, note.message) for note in report.forgotten) == [
            (str(archive / "hadith"), "no longer exists; dropped its 1 file"),
            (str(archive / "hadith" / "sahih"), "no longer exists; dropped its 1 file"),
        ]


def test_forgetting_a_linked_root_drops_what_no_walk_reaches(tmp_path):
    """«archive/extlink», a link to a folder outside, was forgotten with «1 file stays
    indexed under archive», and the next refresh dropped it."""
    archive = write_corpus(tmp_path / "archive", {"a.txt": "مقدمة.\n"})
    outside = write_corpus(tmp_path / "outside", {"e.txt": "نص عن البحر.\n"})
    (archive / "extlink").symlink_to(outside)
    with Index.create(tmp_path / "ix") as index:
        index.update(archive)
        index.update(archive / "extlink")
        report = index.forget(archive / "extlink")
        assert (report.removed, report.kept) == (1, {})
        assert total_found(index, "البحر") == 0 and index.update().nothing_changed


def test_a_folder_named_that_does_not_become_a_root_says_so(tmp_path):
    only = write_corpus(tmp_path / "only", {"inner/x.txt": "النخلة شجرة مباركة.\n"})
    with Index.create(tmp_path / "ix") as index:
        index.update(only)
        [note] = index.update(only / "inner", ReaderOptions(hidden=True)).forgotten
        assert (note.path, note.message) == (
            str(only / "inner"),
            f"stays inside the root {only}, whose files are all in it: not a root of its own, "
            "and no options are kept for it",
        )
        assert index.info().root_options == {}


def test_a_rebuild_of_named_folders_says_which_roots_it_drops(tmp_path):
    notes = write_corpus(tmp_path / "notes", NOTES)
    other = write_corpus(tmp_path / "other", {"b.txt": "نص آخر عن مدينة فاس.\n"})
    with Index.create(tmp_path / "ix") as index:
        index.update(notes, ReaderOptions(hidden=True))
        index.update(other, ReaderOptions(include=("*.log",)))
        report = index.rebuild(notes)
        assert [(note.path, note.message) for note in report.forgotten] == [
            (str(other), "not named in the rebuild; dropped its 1 file")
        ]
        # Only the roots rebuilt keep their options: «other», named later, is read afresh.
        assert index.info().root_options == {str(notes): {"hidden": True}}


def test_links_to_files_inside_a_folder_are_not_followed(tmp_path):
    """A file link inside a root indexed the same text again at each link."""
    archive = write_corpus(tmp_path / "archive", {"b.txt": "رسالة في الفقه.\n"})
    (archive / "alias.txt").symlink_to("b.txt")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "flink.txt").symlink_to(archive / "b.txt")
    with Index.create(tmp_path / "ix") as index:
        assert index.update(archive).links == [str(archive / "alias.txt")]
        assert index.update(tmp_path / "data").links == [str(tmp_path / "data" / "flink.txt")]
        assert docs_of(index, "الفقه") == ["b.txt"]
        with pytest.raises(NothingToIndex, match="through a symbolic link"):
            index.update(archive / "alias.txt")  # named, the same file again: refused
        # A link to a file outside, named as a root, is read, and not counted as a
        # link left out when the folder holding it is walked.
        outside = write_corpus(tmp_path / "outside", {"ext.txt": "تفسير سورة الفاتحة.\n"})
        (archive / "ext.txt").symlink_to(outside / "ext.txt")
        index.update(archive / "ext.txt")
        assert docs_of(index, "الفاتحة") == ["ext.txt"]
        assert index.update().links == [str(archive / "alias.txt")]


def test_reader_options_are_checked_as_the_command_line_checks_them():
    assert ReaderOptions(include="*.log").include == ("*.log",)  # one pattern, not four
    assert ReaderOptions(include=["*.log"]).include == ("*.log",)
    for wrong in (
        {"max_file_bytes": 1.5},
        {"max_file_bytes": True},
        {"text_field": ""},
        {"include": ("",)},
        {"include": None},
        {"hidden": "no"},
    ):
        with pytest.raises(OptionError):
            ReaderOptions(**wrong)


def test_records_are_read_again_when_their_fields_change(tmp_path):
    """A JSON Lines file indexed with its text field detected, named again with
    --text-field title, was kept as it was: «up to date», its titles never searchable."""
    notes = write_corpus(tmp_path / "notes", NOTES)
    with Index.create(tmp_path / "ix") as index:
        index.update(notes)
        assert total_found(index, "أمطار") == 1
        report = index.update(notes, ReaderOptions(text_field="title"))
        assert (report.changed, report.unchanged) == (1, 1)
        assert total_found(index, "أمطار") == 0 and total_found(index, "الطقس") == 1
        assert index.update().nothing_changed  # the field is remembered


def test_an_indexed_file_that_turns_unreadable_is_dropped_and_said_so(tmp_path):
    """The line said only «zip archive is damaged»: that the index lost the book
    showed only as «1 removed» in the summary."""
    books = tmp_path / "books"
    books.mkdir()
    epub = books / "voyage.epub"
    shutil.copy(INDEX_DATA / "zanzibar-voyage.epub", epub)
    with Index.create(tmp_path / "ix") as index:
        index.update(books)
        assert total_found(index, "زنجبار") > 0
        epub.write_bytes(epub.read_bytes()[:500])  # cut short, as by a failed download
        report = index.update()
        [skipped] = report.skipped
        assert skipped.message == (
            "not a valid .epub file (zip archive is damaged); "
            "its earlier paragraphs are dropped from the index"
        )
        assert report.removed == 1 and total_found(index, "زنجبار") == 0


def test_a_forced_encoding_is_for_one_run_and_bad_options_are_refused(tmp_path):
    """Remembered, --encoding cp1256 made every later UTF-8 file unreadable."""
    folder = tmp_path / "camp"
    folder.mkdir()
    (folder / "old.txt").write_bytes("اللاجئون في المخيمات.\n".encode("cp1256"))
    with Index.create(tmp_path / "ix") as index:
        assert index.update(folder, encoding="cp1256").added == 1
        (folder / "new.txt").write_text("النازحون في الشمال.\n", encoding="utf-8")
        assert index.update().added == 1
        assert total_found(index, "النازحون") == total_found(index, "اللاجئون") == 1
        assert index.info().root_options == {}
        with pytest.raises(OptionError, match="unknown encoding 'cp-arabic'"):
            index.update(folder, encoding="cp-arabic")
        with pytest.raises(OptionError, match="max_file_bytes is 0"):
            ReaderOptions(max_file_bytes=0)
        with pytest.raises(ValueError, match="unknown encoding"):
            ReaderOptions(encoding="bogus")


def test_forgetting_roots_three_deep_keeps_files_under_the_innermost_root_left(tmp_path):
    library = write_corpus(tmp_path / "library", NESTED_LIBRARY)
    hadith, bukhari = library / "hadith", library / "hadith" / "bukhari"
    with Index.create(tmp_path / "ix") as index, Index.create(tmp_path / "ix2") as other:
        for root in (bukhari, hadith, library):
            index.update(root)
            other.update(root)
        assert index.info().roots == [str(library), str(hadith), str(bukhari)]
        # The middle root's own file goes to the outer root; the innermost keeps its own.
        report = index.forget(hadith)
        assert report.kept == {str(library): 1, str(bukhari): 1}
        assert roots_and_docs(index, "الجنة") == [(str(library), "hadith/muslim.txt")]
        assert roots_and_docs(index, "طلب") == [(str(bukhari), "ilm.txt")]
        # The outer root's files go with it, the moved one too; the innermost root stays.
        report = index.forget(library)
        assert (report.removed, report.kept) == (2, {str(bukhari): 1})
        assert total_found(index, "الجنة") == total_found(index, "قصيدة") == 0
        assert roots_and_docs(index, "طلب") == [(str(bukhari), "ilm.txt")]
        # The innermost root's file goes to the nearest root that holds it, not the outer one.
        assert other.forget(bukhari).kept == {str(hadith): 1}
        assert roots_and_docs(other, "طلب") == [(str(hadith), "bukhari/ilm.txt")]


def test_a_forget_interrupted_while_moving_files_leaves_the_index_as_it_was(tmp_path, monkeypatch):
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        index.update(hadith)
        index.update(archive)
        moved = []

        move_file = writer_module._move_file

        def interrupted_move(writer, searcher, move, old):
            if moved:
                raise KeyboardInterrupt
            move_file(writer, searcher, move, old)  # the first file written again
            moved.append(move.path)

        monkeypatch.setattr("searchidx.index.writer._move_file", interrupted_move)
        with pytest.raises(KeyboardInterrupt):
            index.forget(hadith)
    with Index.open(tmp_path / "ix") as index:
        assert index.info().roots == [str(archive), str(hadith)]
        assert roots_and_docs(index, "طلب") == [(str(hadith), "bukhari/ilm.txt")]
        assert total_found(index, "العلم") == 3


def test_a_rebuild_from_the_index_folders_says_which_root_is_gone(tmp_path, corpus):
    """A rebuild from the folders an index holds drops a root that no longer
    exists (moved, a disk not mounted) with the note a refresh gives, not quietly."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "nile.txt").write_text("يفيض نهر النيل كل صيف.\n", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index:
        index.update([corpus, other])
    other.rename(tmp_path / "moved")
    report = rebuild_index(tmp_path / "ix")
    assert [(note.path, note.message) for note in report.forgotten] == [
        (str(other), "no longer exists; dropped its 1 file")
    ]
    with Index.open(tmp_path / "ix") as index:
        assert index.info().roots == [str(corpus)] and total_found(index, "النيل") == 0


def test_a_side_file_damaged_in_place_says_to_rebuild_not_to_search_again(run, tmp_path):
    """A side file whose header is intact but whose words are garbage fails every
    search the same way: the message says to rebuild, as for any damage, and does."""
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    index_dir = tmp_path / "ix"
    assert run("index", str(docs), "--index", str(index_dir)).exit_code == 0
    (side_file,) = index_dir.glob("MAIN_*.sidx")
    data = bytearray(side_file.read_bytes())
    word = "سوري".encode()  # in the side file's vocabulary of folded words
    at = data.find(word)
    assert at > 0
    data[at : at + len(word)] = b"\xff" * len(word)
    side_file.write_bytes(bytes(data))
    _says_to_rebuild(run("search", "سوريا", "--index", str(index_dir)), index_dir)
    _rebuild_repairs(run, docs, index_dir)


def test_a_search_failing_as_writers_commit_says_to_search_again(tmp_path, monkeypatch):
    """Files changing under a search make it fail in assorted ways: it is tried once
    more afresh, and a second failure while a writer committed again says so."""
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    news = docs / "breaking.txt"
    news.write_text("خبر عاجل من دمشق", encoding="utf-8")
    with Index.create(tmp_path / "ix") as index, Index.open(tmp_path / "ix") as reader:
        index.update([docs])
        from searchidx.search import run as search_run

        def racing(*args, **kwargs):
            news.write_text(f"خبر عاجل من دمشق رقم {len(news.read_text())}", encoding="utf-8")
            index.update([docs])  # another writer commits while this search reads
            raise KeyError("a segment file went missing")

        monkeypatch.setattr(search_run, "run_search", racing)
        with pytest.raises(
            IndexChanged, match=r"changed while it was being read \(KeyError\); search again"
        ):
            reader.search("سوريا")


def test_a_search_failing_twice_on_an_unchanged_index_raises_its_error(tmp_path, monkeypatch):
    """The same failure again with no writer at work is not a change: the error itself."""
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    with Index.create(tmp_path / "ix") as index:
        index.update([docs])
        from searchidx.search import run as search_run

        calls = []

        def faulty(*args, **kwargs):
            calls.append(1)
            raise KeyError("a fault of the search code")

        monkeypatch.setattr(search_run, "run_search", faulty)
        with pytest.raises(KeyError, match="a fault of the search code"):
            index.search("سوريا")
        # Tried afresh once, then on Whoosh's matchers alone (is a side file to blame?).
        assert len(calls) == 3


def _says_to_rebuild(result, index_dir) -> None:
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert f"the index at {index_dir} is damaged" in result.stderr
    assert f"`searchidx index --rebuild --index {index_dir} PATH`" in result.stderr


def _rebuild_repairs(run, docs, index_dir) -> None:
    assert run("index", "--rebuild", str(docs), "--index", str(index_dir)).exit_code == 0
    found = run("search", "سوريا", "--index", str(index_dir), "--format", "json")
    assert json.loads(found.stdout)["total"] == 3


def test_a_damaged_index_says_to_rebuild_and_rebuild_repairs_it(run, tmp_path):
    docs = write_corpus(tmp_path / "docs", SMALL_CORPUS)
    index_dir = tmp_path / "ix"
    assert run("index", str(docs), "--index", str(index_dir)).exit_code == 0
    for damaged in index_dir.glob("MAIN_*"):
        if damaged.suffix in (".pst", ".sidx") or "_stored" in damaged.name:
            damaged.write_bytes(b"\x00garbage" * 12)
    for command in (["search", "سوريا"], ["info"]):
        _says_to_rebuild(run(*command, "--index", str(index_dir)), index_dir)
    _rebuild_repairs(run, docs, index_dir)


def test_a_file_record_with_a_field_a_later_version_added_still_loads(tmp_path):
    corpus = write_corpus(tmp_path / "docs", {"sham.txt": "دمشق أقدم عاصمة مأهولة."})
    with Index.create(tmp_path / "ix") as index:
        index.update([corpus])
        (stored,) = index.file_records().values()
    written = {**vars(stored), "pages": 3}  # a field this version does not know
    assert store.FileRecord.stored(written) == stored
    assert stored.path.endswith("sham.txt") and stored.paragraphs == 1


def test_a_file_under_two_roots_of_one_run_is_indexed_once(tmp_path):
    archive = write_corpus(tmp_path / "archive", NESTED_LIBRARY)
    hadith = archive / "hadith"
    with Index.create(tmp_path / "ix") as index:
        assert index.update([archive, hadith]).added == 3
        assert roots_and_docs(index, "الجنة") == [(str(hadith), "muslim.txt")]
        (hadith / "muslim.txt").write_text("من سلك طريقا إلى الجنة.\n", encoding="utf-8")
        assert index.update().changed == 1
        assert roots_and_docs(index, "الجنة") == [(str(hadith), "muslim.txt")]
