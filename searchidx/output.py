"""Everything the commands print: results as a table, plain text, JSON or JSON Lines,
and the reports of indexing and forgetting.

One renderer serves every command. Machine formats (``json``, ``jsonl``) keep
Arabic as Arabic (``ensure_ascii=False``) and never contain colour codes;
``table`` highlights in bold colour only when asked to (on a terminal), and
``plain`` marks highlighted words as ``[word]``. The reports of ``index`` and
``forget`` are lines for stderr, where progress and diagnostics go.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from .arabic import WORD
from .search.highlight import (
    ANSI_MARKS,
    NO_MARKS,
    PLAIN_MARKS,
    SNIPPET_CHARS,
    render_snippet,
)
from .text import RECORD_SUFFIXES, collapse_spaces

if TYPE_CHECKING:
    from .analysis import Token
    from .index import FileRecord, IndexInfo, IndexReport
    from .search.results import FileHit, FileResults, Hit, SearchResults

_DIM = ("\x1b[2m", "\x1b[0m")
_CONTEXT_INDENT = "  "
# Between one hit with its context and the next, in plain output (as grep -C prints).
_GROUP_SEPARATOR = "--"
_COLUMN_GAP = "  "  # between the columns of tabulate's "simple" table
_MIN_WHERE = 12
_MIN_SNIPPET = 20
# Arabic diacritics, which in display order must still follow their letter.
_ARABIC_MARKS = "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"
# A pattern, compiled by re on first use: only --bidi needs it.
_MARKS_BEFORE_LETTER = f"([{_ARABIC_MARKS}]+)([^{_ARABIC_MARKS}])"


def _json(value: object, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent)


def render_tokens(tokens: Iterable[Token], fmt: str) -> str:
    rows = [asdict(token) for token in tokens]
    if fmt == "json":
        return _json({"tokens": rows}, indent=2)
    if fmt == "jsonl":
        return "\n".join(_json(row) for row in rows)
    for row in rows:
        row["stems"] = " ".join(row["stems"])
    from tabulate import tabulate  # only for tables: JSON output does without

    return tabulate(rows, headers="keys", tablefmt="simple")


def render_results(
    results: SearchResults,
    fmt: str,
    color: bool = False,
    width: int = 80,
    bidi: bool = False,
) -> str:
    """Render search results; ``width``, ``color`` and ``bidi`` shape the table only."""
    if fmt == "json":
        return _json(results.to_dict(), indent=2)
    if fmt == "jsonl":
        return _json_lines([hit.to_dict() for hit in results.hits], results.suggestions)
    if not results.hits:
        message = _nothing_shown(results.total, "paragraph", results.query)
        return _visual(message) if bidi and fmt == "table" else message
    summary = f"{_shown(results.hits)} of {results.total} matching paragraphs"
    if fmt == "plain":
        lines = []
        for group in _groups(results.hits):
            if group.set_apart:
                lines.append(_GROUP_SEPARATOR)
            hit = group.hit
            lines += [f"{_CONTEXT_INDENT}\t{where}\t{text}" for where, text in group.before]
            lines.append(f"{hit.rank}\t{_where(hit)}\t{_snippet(hit, PLAIN_MARKS)}")
            lines += [f"{_CONTEXT_INDENT}\t{where}\t{text}" for where, text in group.after]
        return "\n".join([*lines, summary])
    return f"{_results_table(results.hits, width, color, bidi)}\n{summary}"


def _shown(page: list) -> str:
    """How many of the ranked ``page`` are shown: «10», or past an offset the ranks
    «11–20», as a second page reads."""
    first, last = page[0].rank, page[-1].rank
    return str(len(page)) if first == 1 else f"{first}–{last}"


def _json_lines(records: list[dict[str, object]], suggestions: list[dict[str, object]]) -> str:
    """One record a line, then the corrected queries, if any, as a last line of their
    own, ``{"suggestions": [...]}``: a record without ``rank``."""
    if suggestions:
        records = [*records, {"suggestions": suggestions}]
    return "\n".join(_json(record) for record in records)


# Control characters in a query echoed back, a file name or a paragraph, shown as
# escapes: a terminal would act on them (an escape sequence in a document can
# clear the screen or set the window title), a newline would split a hit's line
# in two and a pipe would drop them; a bidi override or isolate would reorder
# the rest of the line.
_CONTROLS = r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
# A paragraph keeps its tabs (cells of a table row) and line ends (made spaces).
_TEXT_CONTROLS = r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffc]"
# Where a coloured table's matched words start and end while its snippet is
# wrapped: a character the text never holds (escaped there, with the controls),
# taking no column, made colour once the lines are cut. The words coloured are
# then the ones the other formats mark, where they are: a phrase's words where
# the phrase stands, not every copy of them.
_COLOUR_MARK = "\ufffc"


def _escaped(text: str, controls: str = _CONTROLS) -> str:
    """``text`` with its control characters as escapes: «new\\nline.txt»."""
    return re.sub(controls, lambda control: ascii(control[0])[1:-1], text)


def _nothing_shown(total: int, noun: str, query: str) -> str:
    """Why a page has no rows: nothing matches, or everything is before its offset."""
    query = _escaped(query)
    if not total:
        return f"no {noun} matches «{query}»"
    verb = "matches" if total == 1 else "match"
    return f"{_count(total, noun)} {verb} «{query}», all before this --offset"


def render_suggestions(suggestions: list[dict[str, object]]) -> str:
    """One line of corrected queries: «did you mean: «الباغوز» (6 paragraphs)?»."""
    shown = ", ".join(
        f"«{row['query']}» ({row['total']} paragraph{'' if row['total'] == 1 else 's'})"
        for row in suggestions
    )
    return f"did you mean: {shown}?"


def render_slow_search_note(index_path: str) -> str:
    """The line after a search of an index with a segment lacking a usable side file."""
    return (
        "searchidx: note: this index's search side files are missing or of an older "
        f"format, so searches are slower; {_rewrite_side_files(index_path)} rewrites them"
    )


def _rewrite_side_files(index_path: str) -> str:
    """The command that writes an index's missing or outdated side files."""
    import shlex  # only here: most output names no command

    return f"`searchidx index --index {shlex.quote(index_path)}`"


def render_file_results(results: FileResults, fmt: str, bidi: bool = False) -> str:
    """Render the files of a search, one per line or row: hits, best score, where."""
    if fmt == "json":
        return _json(results.to_dict(), indent=2)
    if fmt == "jsonl":
        return _json_lines([found.to_dict() for found in results.files], results.suggestions)
    if not results.files:
        message = _nothing_shown(results.total, "file", results.query)
        return _visual(message) if bidi and fmt == "table" else message
    paragraphs = _count(results.paragraphs, "paragraph")
    summary = f"{_shown(results.files)} of {results.total} matching files ({paragraphs})"
    wheres = [_file_where(found) for found in results.files]
    if fmt == "plain":
        lines = [
            f"{found.rank}\t{found.hits}\t{found.score:.2f}\t{where}"
            for found, where in zip(results.files, wheres, strict=True)
        ]
        return "\n".join([*lines, summary])
    from tabulate import tabulate

    rows = [
        [found.rank, found.hits, f"{found.score:.2f}", _visual(where) if bidi else where]
        for found, where in zip(results.files, wheres, strict=True)
    ]
    table = tabulate(
        rows,
        headers=["#", "hits", "score", "file"],
        tablefmt="simple",
        disable_numparse=True,
        colalign=("right", "right", "right", "left"),
    )
    return f"{table}\n{summary}"


def _file_where(found: FileHit) -> str:
    """«news/a.txt», or for a file of records «news.jsonl (3 records)»."""
    where = _escaped(_shown_path(found.path) if found.path else found.doc)
    if found.records is not None:
        where += f" ({_count(found.records, 'record')})"
    return where


def _results_table(hits, width: int, color: bool, bidi: bool) -> str:
    """The hits as a table that fits ``width`` columns, snippets wrapped at word ends."""
    from tabulate import SEPARATING_LINE, tabulate

    scores = [f"{hit.score:.2f}" for hit in hits]
    wheres = [_where(hit) for hit in hits]
    # tabulate makes a column at least two wider than its header.
    fixed = max(len("#") + 2, len(str(hits[-1].rank)))
    fixed += max(len("score") + 2, *(len(score) for score in scores))
    fixed += 3 * len(_COLUMN_GAP)
    where_width = min(
        max(len("where") + 2, *(_display_width(where) for where in wheres)),
        max(_MIN_WHERE, (width - fixed) * 2 // 5),
    )
    where_cells = [_wrap(where, where_width) for where in wheres]
    # Names cut at a / - _ or . may leave the column narrower than allowed.
    where_width = max(
        len("where") + 2, *(_display_width(line) for cell in where_cells for line in cell)
    )
    snippet_width = max(_MIN_SNIPPET, width - fixed - where_width)
    rows = []
    for group, score, where_lines in zip(_groups(hits), scores, where_cells, strict=True):
        hit = group.hit
        marks = PLAIN_MARKS if not color else NO_MARKS if bidi else (_COLOUR_MARK,) * 2
        lines = _wrap(_snippet(hit, marks), snippet_width)
        if bidi:
            lines = [_visual(line) for line in lines]
            where_lines = [_visual(line) for line in where_lines]
        if color and bidi:
            # Display order moves the marks of a word beside a word of the other
            # direction: its words are found again by their text.
            words = {hit.text[start:end] for start, end in hit.matches}
            lines = [_highlight(line, words) for line in lines]
        elif color:
            lines = _coloured(lines)
        if group.set_apart:
            rows.append(SEPARATING_LINE)
        rows += _context_rows(group.before, snippet_width, color, bidi)
        rows.append([hit.rank, score, "\n".join(where_lines), "\n".join(lines)])
        rows += _context_rows(group.after, snippet_width, color, bidi)
    table = tabulate(
        rows,
        headers=["#", "score", "where", "snippet"],
        tablefmt="simple",
        disable_numparse=True,
        colalign=("right", "right", "left", "right" if bidi else "left"),
    )
    return "\n".join(line.rstrip() for line in table.splitlines())


@dataclass
class _Group:
    """A hit as the text formats show it: with the paragraphs around it that are
    shown there, ``(where, text)`` each, and whether a line (a rule in the table,
    ``--`` in plain output) goes before it."""

    hit: Hit
    before: list[tuple[str, str]]
    after: list[tuple[str, str]]
    set_apart: bool
    # The last paragraph shown, as :func:`_key` names it.
    last: tuple[str, str, int]


def _groups(hits: list[Hit]) -> list[_Group]:
    """The hits with their context, each paragraph shown once, as ``grep -C`` does:
    a hit's context stops short of a paragraph that is another hit of the page
    or was shown already, so each shows the paragraphs between it and the next
    shown one. A line sets groups apart where either shows context, unless a
    group goes on where the one before ended (the next paragraph of its document)."""
    shown = {_key(hit, hit.paragraph) for hit in hits}
    groups: list[_Group] = []
    for hit in hits:
        before = _unshown(hit, (hit.before or [])[::-1], shown)[::-1]
        after = _unshown(hit, hit.after or [], shown)
        first = _key(hit, before[0]["paragraph"] if before else hit.paragraph)
        last = _key(hit, after[-1]["paragraph"] if after else hit.paragraph)
        set_apart = False
        if groups:
            previous = groups[-1]
            path, record, paragraph = previous.last
            joined = first == (path, record, paragraph + 1)
            context = previous.before or previous.after or before or after
            set_apart = bool(context) and not joined
        groups.append(_Group(hit, _context(before), _context(after), set_apart, last))
    return groups


def _key(hit: Hit, paragraph: int) -> tuple[str, str, int]:
    """A paragraph of a hit's document: in a file of records, of its record,
    which its locator names (records without a title share the file's name)."""
    record = hit.locator if PurePath(hit.path or hit.doc).suffix.lower() in RECORD_SUFFIXES else ""
    return (hit.path or hit.doc, record, paragraph)


def _unshown(hit: Hit, rows: list[dict[str, object]], shown: set) -> list[dict[str, object]]:
    """The context ``rows`` (nearest the hit first) up to the first shown one,
    which are then shown."""
    kept = []
    for row in rows:
        key = _key(hit, int(row["paragraph"]))
        if key in shown:
            break
        shown.add(key)
        kept.append(row)
    return kept


def _context(rows: list[dict[str, object]]) -> list[tuple[str, str]]:
    """``(where, text)`` of context paragraphs, each cut to a snippet's length at a word end."""
    shown = []
    for row in rows:
        text = _escaped(collapse_spaces(str(row["text"])))
        if len(text) > SNIPPET_CHARS:
            cut = text.rfind(" ", 0, SNIPPET_CHARS)
            text = text[: cut if cut > 0 else SNIPPET_CHARS] + "…"
        shown.append((f"{_CONTEXT_INDENT}¶{row['paragraph']}", text))
    return shown


def _context_rows(
    context: list[tuple[str, str]], width: int, color: bool, bidi: bool
) -> list[list[str]]:
    """Table rows for the paragraphs around a hit: indented, and dimmed in colour."""
    rows = []
    for where, text in context:
        lines = _wrap(text, width)
        if bidi:
            lines = [_visual(line) for line in lines]
        if color:
            lines = [f"{_DIM[0]}{line}{_DIM[1]}" for line in lines]
        rows.append(["", "", where, "\n".join(lines)])
    return rows


def _snippet(hit, marks: tuple[str, str]) -> str:
    # The text between the marks is escaped, not the marks: colour is added after
    # (see _coloured and _highlight).
    return render_snippet(
        hit.text, hit.window, hit.matches, marks, lambda text: _escaped(text, _TEXT_CONTROLS)
    )


def _wrap(text: str, width: int) -> list[str]:
    """Cut ``text`` into lines of at most ``width`` terminal columns, at spaces
    where it can (a word longer than a line is cut inside)."""
    lines: list[str] = []
    line, line_width = "", 0
    for word in text.split():
        word_width = _display_width(word)
        # Widths add up (a space is one column): each word is measured once.
        candidate_width = line_width + 1 + word_width if line else word_width
        if candidate_width <= width:
            line = f"{line} {word}" if line else word
            line_width = candidate_width
            continue
        if line:
            lines.append(line)
        while word_width > width:
            cut = _fit(word, width)
            lines.append(word[:cut])
            word = word[cut:]
            word_width = _display_width(word)
        line, line_width = word, word_width
    return [*lines, line] if line else lines


def _fit(word: str, width: int) -> int:
    """How many characters of ``word`` fill ``width`` columns (at least one),
    ending after a / - _ or . when one is in the second half."""
    end = len(word)
    while end > 1 and _display_width(word[:end]) > width:
        end -= 1
    separator = max(word.rfind(char, 0, end) for char in "/-_.") + 1
    return separator if separator > end // 2 else end


def _display_width(text: str) -> int:
    # Only tables measure widths: JSON and plain output do without wcwidth's tables.
    from wcwidth import wcwidth

    # Harakat take no column, CJK takes two; unprintable characters count one.
    return sum(
        max(wcwidth(char), 0) if unicodedata.combining(char) else max(wcwidth(char), 1)
        for char in text
        if char != _COLOUR_MARK
    )


def _visual(line: str) -> str:
    """A line in display order, for terminals that do not lay out right-to-left text."""
    # python-bidi's pure-Python algorithm mirrors brackets (rule L4); its
    # faster get_display does not, and would show «(word)» as «)word(».
    from bidi.algorithm import get_display

    # Reversed, a vowel mark would come before its letter and sit on the wrong one.
    return re.sub(_MARKS_BEFORE_LETTER, r"\2\1", get_display(line))


def _coloured(lines: list[str]) -> list[str]:
    """The lines of a snippet with what lies between each two :data:`_COLOUR_MARK`
    (the first opening, the next closing, across lines) in colour."""
    start, end = ANSI_MARKS
    coloured, inside = [], False
    for line in lines:
        parts = line.split(_COLOUR_MARK)
        shown = [start if inside else "", parts[0]]
        for part in parts[1:]:
            inside = not inside
            shown += [start if inside else end, part]
        coloured.append("".join([*shown, end if inside else ""]))
    return coloured


def _highlight(line: str, words: set[str]) -> str:
    """Colour every occurrence of the matched ``words`` in ``line`` (in display
    order) that is a word of its own as the tokenizer finds words: «ﷺ» of «اللهﷺ»
    and «2024» of «عام2024م» are, as in the other formats; «الله» of «عبدالله» is
    not."""
    if not words:
        return line
    forms = {_visual(word) for word in words}
    start, end = ANSI_MARKS
    return WORD.sub(lambda word: f"{start}{word[0]}{end}" if word[0] in forms else word[0], line)


def _where(hit: Hit) -> str:
    where = f"{_escaped(_shown_path(hit.path) if hit.path else hit.doc)} ¶{hit.paragraph}"
    if hit.locator:
        where += f" ({hit.locator})"
    return where


def _shown_path(path: str) -> str:
    """A file's path as a user types it: relative to the current folder when
    inside it, else from ``~`` when inside the home folder, else absolute."""
    for base, shown in ((Path.cwd(), ""), (Path.home(), "~/")):
        try:
            return shown + Path(path).relative_to(base).as_posix()
        except ValueError:
            continue
    return path


def render_info(info: IndexInfo, fmt: str, files: list[FileRecord] | None = None) -> str:
    """The index's figures, and with ``files`` (file records) one row per file."""
    values = asdict(info)
    rows = [
        {"path": record.path, "encoding": record.encoding, "paragraphs": record.paragraphs}
        for record in files or []
    ]
    if fmt == "json":
        return _json({**values, "files": rows} if files is not None else values, indent=2)
    for row in rows:
        row["path"] = _escaped(row["path"])
    values["roots"] = "\n".join(
        f"{root}  ({_flags(info.root_options[root])})" if root in info.root_options else root
        for root in info.roots
    )
    values["side_files"] = _side_files(info)
    del values["outdated_side_files"], values["root_options"]
    from tabulate import tabulate

    summary = tabulate(values.items(), tablefmt="plain")
    if files is None:
        return summary
    return f"{summary}\n\n{tabulate(rows, headers='keys', tablefmt='simple')}"


def _flags(given: dict) -> str:
    """How a root is read, as the options of `searchidx index` that say so:
    ``--hidden --include '*.log'``."""
    import shlex  # only for `info`

    flags = []
    for name, value in given.items():
        flag = "--max-file-size" if name == "max_file_bytes" else "--" + name.replace("_", "-")
        if value is True:
            flags.append(flag)
        elif name == "max_file_bytes":
            flags.append(f"{flag} {_size_flag(value)}")
        else:
            flags.extend(f"{flag} {shlex.quote(item)}" for item in _as_list(value))
    return " ".join(flags)


def _size_flag(size: int) -> str:
    """A size as `--max-file-size` reads it, as people write it where that is
    exact (64M, 1.5G), else in bytes."""
    for unit, letter in ((2**40, "T"), (2**30, "G"), (2**20, "M"), (2**10, "K")):
        if size >= unit and size * 10 % unit == 0:
            return f"{size / unit:g}{letter}"
    return str(size)


def _as_list(value) -> list:
    return value if isinstance(value, list) else [value]


def _side_files(info: IndexInfo) -> str:
    """«3», or which segments lack a usable side file and what to do about it."""
    if info.side_files == info.segments:
        return str(info.side_files)
    lacking = []
    if info.outdated_side_files:
        lacking.append(f"{info.outdated_side_files} of an older format or damaged")
    if info.segments - info.side_files - info.outdated_side_files:
        lacking.append(f"{info.segments - info.side_files - info.outdated_side_files} missing")
    return (
        f"{info.side_files} of {info.segments} segments ({', '.join(lacking)}): searches "
        f"are slower until {_rewrite_side_files(info.path)} rewrites them"
    )


def render_index_notes(report: IndexReport) -> str:
    """What an index run left out or noticed, one ``searchidx: ...`` line each:
    unreadable files, roots that are gone, warnings, files of unknown type, too
    large or hidden. Empty when there is nothing to say."""
    lines = [
        f"searchidx: skipped {_escaped(skipped.path)}: {skipped.message}"
        for skipped in report.skipped
    ]
    lines += [f"searchidx: note: {_escaped(root.path)} {root.message}" for root in report.forgotten]
    lines += [
        f"searchidx: warning: {_escaped(warning.path)}: {warning.message}"
        for warning in report.warnings
    ]
    if report.ignored:
        kinds = ", ".join(f"{count} {suffix}" for suffix, count in sorted(report.ignored.items()))
        lines.append(
            f"searchidx: not indexed, unknown type: {kinds}; --include GLOB reads them as text"
        )
    lines += [
        f"searchidx: not indexed: {_escaped(large.path)}: {large.message}; "
        "--max-file-size SIZE raises the limit"
        for large in report.too_large
    ]
    if report.left_out:
        shown = ", ".join(_escaped(path) for path in report.left_out[:3])
        more = f" and {len(report.left_out) - 3} more" if len(report.left_out) > 3 else ""
        lines.append(
            "searchidx: note: dropped from the index, left out by its root's options: "
            f"{shown}{more}"
        )
    if report.links:
        links = _count(len(report.links), "symbolic link", "symbolic links")
        lines.append(
            f"searchidx: not indexed, {links} to files: a file is indexed where it lies; "
            "name the file a link points to, to index it"
        )
    if report.hidden:
        hidden = _count(len(report.hidden), "file or folder", "files or folders")
        lines.append(
            f"searchidx: not indexed, hidden: {hidden} (names starting with .); "
            "--hidden includes them"
        )
    return "\n".join(lines)


def render_nothing_indexed(report: IndexReport, kept: Path | None = None) -> str:
    """Why an index run found nothing to index; ``kept``: the index a rebuild left as it was."""
    unchanged = f"; the index at {kept} is as it was" if kept else ""
    return (
        f"nothing indexed: no readable documents found ({_left_out(report)}){unchanged}; "
        "`searchidx index --help` lists the formats searchidx reads"
    )


def render_index_summary(report: IndexReport, optimized: bool, rebuilt: bool) -> str:
    """The last lines of an index run: what changed, or that nothing did, and how long it took."""
    lines = ["index optimized: one segment, no deleted entries"] if optimized else []
    # Files now under a root named inside theirs («archive/hadith» after «archive»).
    moved = "".join(
        f"; {_count(count, 'file')} now under the root {_shown_path(root)}"
        for root, count in report.kept.items()
    )
    if report.nothing_changed and not rebuilt:
        # Side files an older version left, or lost, are the only thing written
        # then (an optimized index's one segment gets its side file as a matter of course).
        rewritten = (
            f"; search side files rewritten for {_count(report.side_files_written, 'segment')}"
            if report.side_files_written and not optimized and not report.kept
            else ""
        )
        lines.append(
            f"index is up to date: {_count(report.unchanged, 'file')} unchanged, "
            f"{_left_out(report)}{moved}{rewritten} ({report.seconds:.2f} s)"
        )
    else:
        lines.append(
            f"indexed {_count(report.files, 'file')} "
            f"({report.added} new, {report.changed} changed), "
            f"{_count(report.paragraphs, 'paragraph')}; {report.removed} removed, "
            f"{report.unchanged} unchanged, {_left_out(report)}{moved} in {report.seconds:.2f} s"
        )
    return "\n".join(lines)


def render_forget_report(path: str, report: IndexReport) -> str:
    """«forgot ~/old: 3 files dropped in 0.12 s»; with files another root holds,
    «forgot archive/hadith; 2 files stay indexed under archive in 0.02 s» (they
    may be a root's inside it: «…: 2 under archive/hadith/bukhari, 1 under archive»)."""
    seconds = f"in {report.seconds:.2f} s"
    dropped = f"{_count(report.removed, 'file')} dropped"
    if not report.kept:
        return f"forgot {path}: {dropped} {seconds}"
    if not report.removed:
        return f"forgot {path}; {_kept(report.kept)} {seconds}"
    return f"forgot {path}: {dropped}; {_kept(report.kept)} {seconds}"


def _kept(kept: dict[str, int]) -> str:
    """«2 files stay indexed under archive», «3 files stay indexed: 2 under a, 1 under b»."""
    total = sum(kept.values())
    stay = f"{_count(total, 'file')} {'stays' if total == 1 else 'stay'} indexed"
    if len(kept) == 1:
        return f"{stay} under {_shown_path(next(iter(kept)))}"
    return f"{stay}: " + ", ".join(f"{n} under {_shown_path(root)}" for root, n in kept.items())


def _left_out(report: IndexReport) -> str:
    """«2 skipped, 1 too large, 3 hidden»: the files an index run did not index."""
    left_out = f"{len(report.skipped)} skipped"
    if report.too_large:
        left_out += f", {len(report.too_large)} too large"
    if report.hidden:
        left_out += f", {len(report.hidden)} hidden"
    if report.links:
        left_out += f", {_count(len(report.links), 'symbolic link')}"
    return left_out


def _count(number: int, noun: str, plural: str = "") -> str:
    """«1 file», «2 files»."""
    return f"{number} {noun}" if number == 1 else f"{number} {plural or noun + 's'}"
