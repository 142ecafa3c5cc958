"""The ``searchidx`` command: a thin layer over the library.

Data goes to stdout, progress and diagnostics to stderr. Exit codes: 0 success
(a search with no hits included, and output cut short by its reader: ``| head``),
1 runtime error, 2 usage error (bad option, malformed query), 130 interrupted.
Known errors print one line; set ``SEARCHIDX_TRACEBACK=1`` or pass
``--traceback`` to see the full trace.
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import click

from . import __version__
from .errors import SearchidxError
from .text import MAX_FILE_BYTES

ENV_TRACEBACK = "SEARCHIDX_TRACEBACK"
ENV_INDEX = "SEARCHIDX_INDEX"
FORMATS = ("table", "plain", "json", "jsonl")


@dataclass
class _Choices:
    """The options a user may type before or after the command: the last one wins."""

    traceback: bool = False
    index_dir: str | None = None
    fmt: str | None = None
    command: str | None = None
    # Whether the program started with the cyclic garbage collector off (see run()).
    collector_paused: bool = False
    # Whether a progress bar was drawn on stderr: it ends its own line, also on Ctrl-C.
    progress_shown: bool = False

    def wants_traceback(self) -> bool:
        configured = os.environ.get(ENV_TRACEBACK, "").strip().lower()
        return self.traceback or configured in ("1", "true", "yes", "on")

    def index_path(self) -> Path:
        """--index, else the folder in ``ENV_INDEX``, else ``$XDG_DATA_HOME/searchidx/index``."""
        configured = self.index_dir or os.environ.get(ENV_INDEX)
        if configured:
            return Path(configured)
        data_home = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
        return Path(data_home) / "searchidx" / "index"

    def output_format(self, allowed: Sequence[str], default: str | None = None) -> str:
        """The --format asked for, checked against what this command can show."""
        if self.fmt is None:
            return default or ("table" if sys.stdout.isatty() else "plain")
        if self.fmt not in allowed:
            ctx = click.get_current_context()
            shown = ", ".join(repr(name) for name in allowed)
            raise click.BadParameter(
                f"{self.fmt!r} is not one of {shown} for {ctx.info_name}",
                param_hint="'--format'",
            )
        return self.fmt


_pass_choices = click.make_pass_decorator(_Choices, ensure=True)


def _remember(ctx: click.Context, param: click.Parameter, value: object) -> None:
    if param.name == "index_dir" and value == "":
        raise click.BadParameter("an empty value names no folder; give the index folder")
    if value is not None and value is not False and param.name:
        setattr(ctx.ensure_object(_Choices), param.name, value)


def _shared_options(
    formats: Sequence[str] = (), format_default: str = "", index: bool = False
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """--traceback, and --format and --index where they apply: accepted on the
    group and on each command, so they may come before or after the command."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        if index:
            command = click.option(
                "--index",
                "index_dir",
                # A file given here is refused by searchidx, in its own words and exit code.
                type=click.Path(),
                expose_value=False,
                callback=_remember,
                help=f"Index folder [env {ENV_INDEX}; default ~/.local/share/searchidx/index].",
            )(command)
        if formats:
            command = click.option(
                "--format",
                "fmt",
                type=click.Choice(formats),
                expose_value=False,
                callback=_remember,
                help=f"Output format [default: {format_default}].",
            )(command)
        return click.option(
            "--traceback",
            is_flag=True,
            expose_value=False,
            callback=_remember,
            help=f"Show the full traceback of errors [env {ENV_TRACEBACK}=1].",
        )(command)

    return decorate


# A pattern, not a compiled one: only `index --max-file-size` reads a size, and
# re compiles it on its first use.
_SIZE = r"(?i)(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?"
_SIZE_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class _ByteSize(click.ParamType):
    """A size in bytes, written as people write it: 1048576, 500K, 64M, 1.5G (powers of 1024)."""

    name = "size"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        match = re.fullmatch(_SIZE, str(value).strip())
        if not match:
            self.fail(
                f"{value!r} is not a size; write bytes, or a number with K, M or G "
                "such as 500K, 64M or 1.5G",
                param,
                ctx,
            )
        size = int(float(match[1]) * _SIZE_UNITS[match[2].upper()])
        if size < 1:
            self.fail(f"{value!r} is less than one byte; no file could be read", param, ctx)
        return size


def _check_encoding(ctx, param, value):
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(
                f"unknown encoding '{value}'; for example cp1256, utf-16 or latin-1"
            ) from None
    return value


def _not_empty(ctx, param, value):
    """Refuse an empty field name or pattern: given, it would replace the options the
    index remembers for the roots named, while naming nothing."""
    if value == "" or (isinstance(value, tuple) and "" in value):
        raise click.BadParameter("empty; name one, or leave the option out")
    return value


class _QueryFirstCommand(click.Command):
    """A command whose text may start with a minus («-عليكم السلام», «-doc:a.txt x»).

    Click would take such an argument for an unknown option. An argument that
    starts with one minus and is not one of this command's options is moved
    behind ``--`` and read as the text.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options_here = [param for param in self.get_params(ctx) if isinstance(param, click.Option)]
        names = {name for param in options_here for name in param.opts + param.secondary_opts}
        takes_value = {name for param in options_here if not param.is_flag for name in param.opts}
        options: list[str] = []
        texts: list[str] = []
        for position, arg in enumerate(args):
            if arg == "--":
                options += args[position:]
                break
            is_value = position > 0 and args[position - 1] in takes_value
            if _is_text(arg, names, takes_value) and not is_value:
                texts.append(arg)
            else:
                options.append(arg)
        if texts and "--" not in options:
            options.append("--")
        return super().parse_args(ctx, options + texts)


def _is_text(arg: str, names: set[str], takes_value: set[str]) -> bool:
    """Whether an argument that looks like an option is really text to search for."""
    if not arg.startswith("-") or arg.startswith("--") or arg == "-":
        return False
    if arg in names:
        return False
    # «-n5» is -n with its value; «-news» is a word.
    return not (arg[:2] in takes_value and arg[2:].isdigit())


class _OutputClosed(Exception):
    """The reader of our output went away (``searchidx search … | head -1``)."""


class _Interrupted(Exception):
    """Ctrl-C, on its way past click's main, which would print a blank line before
    our one, also into a pipe."""


class _Group(click.Group):
    """The ``searchidx`` group: a broken pipe leaves it as :class:`_OutputClosed`,
    which click's main does not turn into exit code 1 as it does a BrokenPipeError,
    and a Ctrl-C as :class:`_Interrupted`."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _past_click():  # --help and --version print while parsing
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        with _past_click():
            return super().invoke(ctx)


@contextlib.contextmanager
def _past_click() -> Iterator[None]:
    try:
        yield
    except BrokenPipeError as error:
        raise _OutputClosed from error
    except KeyboardInterrupt as error:
        raise _Interrupted from error


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="searchidx")
@_shared_options(FORMATS, "per command", index=True)
def cli() -> None:
    """Arabic-aware full-text search over folders of documents.

    --traceback, --index and --format may come before or after the command.

    \b
    Example:
        searchidx index ~/articles
        searchidx search "الخلايا النائمة"
    """
    ctx = click.get_current_context()
    choices = ctx.ensure_object(_Choices)
    choices.command = ctx.invoked_subcommand
    if choices.collector_paused and choices.command not in _READ_ONLY_COMMANDS:
        # Updating, forgetting and serving run long enough to make cyclic garbage.
        gc.enable()


ANALYZE_FORMATS = ("table", "json", "jsonl")


@cli.command(cls=_QueryFirstCommand)
@click.argument("text")
@_shared_options(ANALYZE_FORMATS, "table")
@_pass_choices
def analyze(choices: _Choices, text: str) -> None:
    """Show how TEXT is split into words, folded and stemmed.

    One row per word: the original text with its offsets, the folded term
    that exact matches use, its primary light stem, and the stems of every
    reading (an ambiguous word such as «بريطانيا» has several). A search also
    asks the index which reading its words support.

    \b
    Example:
        searchidx analyze "أكَّدَ أحمدُ ناصر" --format json
    """
    from .analysis import analyze as analyze_text
    from .output import render_tokens

    fmt = choices.output_format(ANALYZE_FORMATS, "table")
    _echo(render_tokens(analyze_text(text), fmt))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@_shared_options(index=True)
@click.option("--rebuild", is_flag=True, help="Start from an empty index.")
@click.option(
    "--optimize", is_flag=True, help="Merge the index into one segment, dropping deleted entries."
)
@click.option(
    "--encoding",
    callback=_check_encoding,
    help="Read text files in this encoding instead of detecting it.",
)
@click.option(
    "--include",
    multiple=True,
    callback=_not_empty,
    metavar="GLOB",
    help="Also index files matching GLOB as plain text (repeatable), e.g. '*.log'.",
)
@click.option(
    "--text-field",
    callback=_not_empty,
    help="JSON/CSV field holding the text [default: detected].",
)
@click.option(
    "--id-field",
    callback=_not_empty,
    help="JSON/CSV field holding the record id [default: detected].",
)
@click.option(
    "--title-field",
    callback=_not_empty,
    help="JSON/CSV field holding the title [default: detected].",
)
@click.option(
    "--hidden", is_flag=True, help="Also index hidden files and folders (names starting with .)."
)
@click.option(
    "--max-file-size",
    type=_ByteSize(),
    default=f"{MAX_FILE_BYTES // 2**20}M",
    show_default=True,
    help="Skip files larger than this: bytes, or a number with K, M or G (500K, 1.5G).",
)
@_pass_choices
def index(
    choices: _Choices,
    paths: tuple[str, ...],
    rebuild: bool,
    optimize: bool,
    encoding: str | None,
    include: tuple[str, ...],
    text_field: str | None,
    id_field: str | None,
    title_field: str | None,
    hidden: bool,
    max_file_size: int,
) -> None:
    """Index or update the documents under PATHS (files or folders).

    New files are added, changed files re-indexed and deleted files dropped.
    Without PATHS, the roots (folders and files) already in the index are
    refreshed; a root that no longer exists is dropped with a note.

    Reads .txt, .md, .html/.htm, .docx, .epub, .pdf, .jsonl, .json and .csv;
    in JSON and CSV files every record is a document of its own. Hidden files
    and folders (names starting with a dot) are left out unless --hidden, and
    files over --max-file-size are skipped; the summary counts both. A file
    or folder named in PATHS is indexed even if hidden.

    \b
    Example:
        searchidx index ~/articles ~/books
        searchidx index --rebuild ~/articles
        searchidx index news.jsonl --text-field body --id-field url
        searchidx index ~/notes --hidden --max-file-size 200M
    """
    from .errors import IndexNotFound, NothingToIndex, OptionError
    from .index import Index, rebuild_index
    from .index.folders import check_index_target, is_index_folder, remove_index_folder
    from .output import render_index_notes, render_index_summary, render_nothing_indexed
    from .readers.base import ReaderOptions

    _refuse_format(choices)
    options = ReaderOptions(
        text_field=text_field,
        id_field=id_field,
        title_field=title_field,
        include=tuple(include),
        hidden=hidden,
        max_file_bytes=max_file_size,
    )
    if not _any_given(click.get_current_context(), _REMEMBERED_OPTIONS):
        options = None  # each root is read as the index remembers it
    index_path = choices.index_path()
    if not paths and not rebuild:
        # A refresh of a folder of the user's, or of an index this version cannot
        # read, is refused for what it is, not as «no index yet, name PATHs»
        # (rebuild_index checks for itself).
        check_index_target(index_path)
    folder_existed = index_path.exists()
    new_index = not is_index_folder(index_path)
    try:
        with _Progress(choices) as progress:
            if rebuild:
                report = rebuild_index(index_path, paths or None, options, progress, encoding)
            else:
                try:
                    # A refresh never creates an index: there would be nothing in it.
                    idx = (
                        Index.create(index_path, exist_ok=True) if paths else Index.open(index_path)
                    )
                except IndexNotFound:
                    raise NothingToIndex(
                        f"there is no index at {index_path} yet; name the folders or files to "
                        "index: `searchidx index PATH`"
                    ) from None
                with idx:
                    report = idx.update(
                        paths or None, options, progress, optimize=optimize, encoding=encoding
                    )
    except (NothingToIndex, OptionError):
        if new_index and is_index_folder(index_path):
            # Refused before anything was read: a refused command leaves no empty index.
            remove_index_folder(index_path, keep_folder=folder_existed)
        raise
    _echo(render_index_notes(report), err=True)
    if report.nothing_changed and not report.unchanged:
        if new_index:
            # An empty index would hide the folder's own files from later runs.
            remove_index_folder(index_path, keep_folder=folder_existed)
        raise SearchidxError(render_nothing_indexed(report, kept=None if new_index else index_path))
    click.echo(render_index_summary(report, optimized=optimize, rebuilt=rebuild), err=True)


# The options of `index` that say which files of a root belong and how to read
# its records: the index remembers them (not --encoding, which is for one run).
_REMEMBERED_OPTIONS = (
    "include",
    "text_field",
    "id_field",
    "title_field",
    "hidden",
    "max_file_size",
)


def _any_given(ctx: click.Context, names: tuple[str, ...]) -> bool:
    """Whether any of the options ``names`` was given, not left at its default."""
    return any(
        ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT for name in names
    )


def _refuse_format(choices: _Choices) -> None:
    """Refuse a --format given before a command that has no results to format."""
    if choices.fmt is not None:
        raise click.UsageError(
            f"{choices.command} has no output to format; --format is for search, info and analyze"
        )


class _Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self, choices: _Choices) -> None:
        self._choices = choices

    def __enter__(self):
        self._bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done, total, doc):
        if self._bar is None:
            self._bar = click.progressbar(length=total, label=f"{'indexing':<10}", file=sys.stderr)
            self._bar.__enter__()
            self._choices.progress_shown = True
        if done == total:
            # Every file is read; writing the index to disk can take a while yet.
            self._bar.label = "committing"  # as wide as the first label: the bar stays put
        self._bar.update(1)

    def __exit__(self, *exc_info):
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


@cli.command()
@click.argument("path", type=click.Path())
@_shared_options(index=True)
@_pass_choices
def forget(choices: _Choices, path: str) -> None:
    """Drop PATH, a folder or file that was indexed, and every document under it.

    `searchidx info` lists the roots that can be forgotten.

    \b
    Example:
        searchidx forget ~/old-articles
    """
    from .index import Index
    from .output import render_forget_report

    _refuse_format(choices)
    with Index.open(choices.index_path()) as idx:
        report = idx.forget(path)
    click.echo(render_forget_report(path, report), err=True)


@cli.command(cls=_QueryFirstCommand)
@click.argument("query")
@click.option(
    "--limit",
    "-n",
    default=10,
    show_default=True,
    type=click.IntRange(min=1),
    help="How many hits (with --files: files) to show.",
)
@click.option(
    "--offset",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Skip this many of the best hits (the next page: --offset 10 --limit 10).",
)
@click.option(
    "--context",
    "-C",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also show this many paragraphs of the file before and after each hit.",
)
@click.option(
    "--files",
    "by_file",
    is_flag=True,
    help="List each matching file once: its count of matching paragraphs and best score.",
)
@click.option(
    "--any",
    "match_any",
    is_flag=True,
    help="Match paragraphs with any of the words, not all; NOT and doc:/title: still apply.",
)
@click.option(
    "--marks",
    type=click.Choice(["rank", "strict"]),
    default="rank",
    show_default=True,
    help="What the diacritics of a query word do: rank its words with compatible "
    "diacritics first, or match only those (strict: عِلْم finds عِلْمٌ and علم, not عَلَمٌ).",
)
@_shared_options(FORMATS, "table on a terminal, plain when piped", index=True)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Highlight matched words in colour (auto: on a terminal, unless NO_COLOR or TERM=dumb).",
)
@click.option(
    "--bidi",
    is_flag=True,
    help="Reorder table lines for terminals that do not lay out right-to-left text.",
)
@_pass_choices
def search(
    choices: _Choices,
    query: str,
    limit: int,
    offset: int,
    context: int,
    by_file: bool,
    match_any: bool,
    marks: str,
    color: str,
    bidi: bool,
) -> None:
    """Find the paragraphs that match QUERY, best first.

    \b
    Query language:
        سوريا داعش           both words (any spelling, diacritics or not)
        "الخلايا النائمة"     the words in this order
        سوريا OR العراق       either word;  ( ) group
        داعش -سوريا          داعش without سوريا (also: داعش NOT سوريا)
        مستمر*               words starting with مستمر
        =علي                 this word as written (not «على»), diacritics aside
        الباغوس~  الباقوس~2    also words 1 (or 2) edits away («الباغوز»)
        "الوزير السلام"~7     the words at most 7 positions apart, any order
        عِلْم                  with diacritics: words written with compatible ones
                             first (--marks strict: only those)
        doc:news.txt  title:الباغوز   only that document / title

    With --any only the words are alternatives: NOT, -word, doc: and title:
    still apply. Punctuation is not searched for, and there are no boosts
    (word^2). A query that finds fewer than 3 paragraphs gets up to three
    corrections ("did you mean").

    The table fits the terminal's width. Most terminals lay out Arabic
    themselves and want logical order; --bidi is for those that do not.

    \b
    Example:
        searchidx search "الخلايا النائمه" --format json
        searchidx search "-عليكم السلام" --any
        searchidx search سوريا --bidi --color never
        searchidx search سوريا --offset 10 --context 1
        searchidx search سوريا --files
        searchidx search "عِلْم" --marks strict
    """
    from .index import Index
    from .output import (
        render_file_results,
        render_results,
        render_slow_search_note,
        render_suggestions,
    )
    from .search.doc_names import doc_filters

    fmt = choices.output_format(FORMATS)
    if by_file and context:
        raise click.UsageError("--context shows paragraphs; it does not go with --files")
    with Index.open(choices.index_path()) as idx:
        if by_file:
            found = idx.search_files(
                query, limit=limit, match_any=match_any, offset=offset, marks=marks
            )
            _echo(render_file_results(found, fmt, bidi=bidi))
        else:
            found = idx.search(
                query, limit=limit, match_any=match_any, offset=offset, context=context, marks=marks
            )
            width = shutil.get_terminal_size().columns
            use_color = _use_color(color)
            # click.echo would strip the colour codes on their way to a pipe.
            shown = render_results(found, fmt, color=use_color, width=width, bidi=bidi)
            _echo(shown, color=use_color)
        if not found.total and doc_filters(query):
            for note in _doc_name_notes(query, idx.file_records()):
                click.echo(note, err=True)
        if not idx.searches_side_files:
            click.echo(render_slow_search_note(str(idx.path)), err=True)
    # JSON and JSON Lines carry them; for people they go with the diagnostics.
    if found.suggestions and fmt in ("table", "plain"):
        click.echo(render_suggestions(found.suggestions), err=True)


def _doc_name_notes(query: str, records: dict) -> list[str]:
    """For each ``doc:`` value of ``query`` that names no indexed document or
    folder: the name to write instead where it is a path to an indexed file or
    folder as the command line names it (from here, or from /) rather than its
    name under its root, which ``doc:`` takes (the results show paths from the
    current folder, so they are what gets copied); else that it names nothing."""
    from .search.doc_names import doc_filters, unnamed_document_note

    names = {record.doc for record in records.values()}
    notes = []
    for value in doc_filters(query):
        note = _doc_path_note(value, records) or unnamed_document_note(value, names)
        if note:
            notes.append(f"searchidx: {note}")
    return notes


def _doc_path_note(value: str, records: dict) -> str | None:
    """The ``doc:`` name of ``value`` read as a path from here, if it is another."""
    from .index.folders import lies_under

    where = os.path.normpath(os.path.join(os.getcwd(), os.path.expanduser(value)))
    record = records.get(where)
    if record is not None:
        name = record.doc
    else:
        # A folder: named under the innermost root holding it, if one does.
        holding = [
            r
            for path, r in records.items()
            if lies_under(path, where) and lies_under(where, r.root)
        ]
        if not holding:
            return None  # no indexed file in it, or a folder holding roots
        record = max(holding, key=lambda r: len(r.root))
        if where == record.root:
            return f"{value} is an indexed folder: search it without doc:"
        name = Path(os.path.relpath(where, record.root)).as_posix() + "/"
    if name == value:
        return None
    if any(char.isspace() or char in '()~"' for char in name):
        name = f'"{name}"'  # as the query language takes such a name
    return f"doc: takes a file's name under its indexed folder ({record.root}): doc:{name}"


def _use_color(choice: str) -> bool:
    if choice != "auto":
        return choice == "always"
    # https://no-color.org: any non-empty NO_COLOR turns colour off.
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return sys.stdout.isatty()


INFO_FORMATS = ("table", "json")


@cli.command()
@_shared_options(INFO_FORMATS, "table", index=True)
@click.option("--files", is_flag=True, help="Also list every file: path, decoding, paragraphs.")
@_pass_choices
def info(choices: _Choices, files: bool) -> None:
    """Show what the index holds: documents, paragraphs, size, dates, version, roots.

    \b
    Example:
        searchidx info --format json
        searchidx info --files
    """
    from .index import Index
    from .output import render_info

    fmt = choices.output_format(INFO_FORMATS, "table")
    with Index.open(choices.index_path()) as idx:
        records = sorted(idx.file_records().values(), key=lambda r: r.path) if files else None
        _echo(render_info(idx.info(), fmt, records))


@cli.command()
@_shared_options(index=True)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    default=8700,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0: any free port).",
)
@_pass_choices
def serve(choices: _Choices, host: str, port: int) -> None:
    """Search the index from a web browser: a local page at http://HOST:PORT/.

    The page works without JavaScript and on a phone; /api/search answers
    with the JSON of `search --format json`. By default only this computer
    can connect. Ctrl-C stops the server (exit code 130).

    \b
    Example:
        searchidx serve
        searchidx serve --port 8800
    """
    from .index import Index
    from .serve import is_loopback, make_server

    _refuse_format(choices)
    with Index.open(choices.index_path()) as idx:
        server = make_server(idx, host, port, log=lambda line: click.echo(line, err=True))
        shown = f"[{host}]" if ":" in host else host
        if is_loopback(host):
            click.echo(f"serving {idx.path} at http://{shown}:{server.port}/", err=True)
            click.echo("only this computer can connect; Ctrl-C stops", err=True)
        else:
            # 0.0.0.0 and :: are every address: this computer reaches them at loopback.
            local = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(host, shown)
            click.echo(f"serving {idx.path} at http://{local}:{server.port}/", err=True)
            click.echo(
                f"searchidx: warning: --host {host} lets other computers on the network "
                "search this index; use --host 127.0.0.1 to keep it private",
                err=True,
            )
        # Ctrl-C ends it like any command: one line, exit code 130.
        try:
            server.serve_forever()
        finally:
            server.server_close()


def _echo(output: str, color: bool | None = None, err: bool = False) -> None:
    """Print a command's output; nothing at all when there is none (JSON Lines of no hits)."""
    if output:
        try:
            click.echo(output, color=color, err=err)
        except BrokenPipeError:
            raise  # the reader has all it wants (see _past_click)
        except OSError as error:
            # A full disk under `> results.json`: one line, not a traceback.
            raise SearchidxError(
                f"cannot write the output: {error.strerror or error}; "
                "free some space or send it elsewhere"
            ) from None


# Commands that write nothing but their output (see run()).
_READ_ONLY_COMMANDS = frozenset({"analyze", "info", "search"})


def run() -> NoReturn:
    """The ``searchidx`` program (and ``python -m searchidx``): :func:`main`, then exit.

    After a command that only reads, the process ends without Python's
    teardown: freeing the objects of every module a search imports (numpy's
    and Whoosh's above all) one by one took about a seventh of a one-shot
    search, and the system frees them at once. Commands that write end the
    usual way, so that nothing they write can lose a byte.

    The program starts with Python's cyclic garbage collector off
    (``searchidx.__main__``): importing numpy, Whoosh and click makes tens of
    thousands of objects and no garbage, and the collector went over them
    about 80 times, a tenth of a one-shot search's CPU time. A command that
    only reads keeps it off to its end, as short-lived tools do; one that
    writes or serves turns it back on before it starts.
    """
    choices = _Choices(collector_paused=not gc.isenabled())
    code = _run(None, choices)
    if choices.command not in _READ_ONLY_COMMANDS:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (| head), a closed stream
            stream.flush()
    os._exit(code)


# A bare `searchidx`: click 8.2+ raises this, with the help as its message;
# click 8.1 prints the help itself and exits.
_NO_COMMAND = getattr(click.exceptions, "NoArgsIsHelpError", ())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; turn known errors into one line and an exit code."""
    return _run(argv, _Choices())


def _run(argv: Sequence[str] | None, choices: _Choices) -> int:
    """:func:`main`, filling in ``choices``: :func:`run` reads which command ran."""
    # searchidx does no linear algebra, and OpenBLAS, loaded with numpy, would
    # start a thread per core: on a busy machine that slows every search's start.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        cli.main(args=argv, prog_name="searchidx", standalone_mode=False, obj=choices)
    except click.exceptions.Exit as done:
        return done.exit_code
    except _NO_COMMAND as bare:
        bare.show()  # the help, not an error line with the help inside it
        return bare.exit_code
    except click.UsageError as error:
        click.echo(f"searchidx: error: {_usage_message(error)}", err=True)
        return error.exit_code
    except click.ClickException as error:
        click.echo(f"searchidx: error: {error.format_message()}", err=True)
        return error.exit_code
    except (_Interrupted, click.exceptions.Abort, KeyboardInterrupt) as stopped:
        # The terminal echoed «^C» where the cursor was: end that line, unless a
        # progress bar ended it. Into a pipe the one line alone. (An Abort is
        # click's own Ctrl-C, its line ended by click.)
        if isinstance(stopped, _Interrupted) and sys.stderr.isatty() and not choices.progress_shown:
            click.echo(err=True)
        click.echo(f"searchidx: {_stopped(choices.command)}", err=True)
        return 130
    except SearchidxError as error:
        _report(f"error: {error}", choices)
        return error.exit_code
    except _OutputClosed:
        # Not an error (`| head` has all it wants): exit 0 quietly, as ripgrep does.
        _discard_output()
        return 0
    except Exception as error:  # a fault of searchidx's own: one line, and how to report it
        _report(
            f"unexpected error ({type(error).__name__}: {error}); "
            "run again with --traceback to see where, and report it",
            choices,
        )
        return 1
    return 0


def _report(message: str, choices: _Choices) -> None:
    """An error's one line on stderr, or its traceback when the user asked for it."""
    if choices.wants_traceback():
        import traceback  # only for bug reports: most runs never need it

        traceback.print_exc()
    else:
        click.echo(f"searchidx: {message}", err=True)


def _stopped(command: str | None) -> str:
    """What a Ctrl-C during ``command`` did: only a writing command has an update to keep."""
    if command == "serve":
        return "server stopped"
    if command in _READ_ONLY_COMMANDS:
        return "interrupted"
    return "interrupted; the index keeps its last completed update"


def _discard_output() -> None:
    """Point stdout and stderr at /dev/null, so that what is still buffered for the
    reader that went away makes no «Exception ignored» message at exit."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # not a file (CliRunner), closed
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, stream.fileno())
            os.close(devnull)


def _usage_message(error: click.UsageError) -> str:
    """Click's usage error as one line, with where to read more."""
    message = error.format_message()
    command = error.ctx.command_path if error.ctx else "searchidx"
    if error.ctx and error.ctx.info_name == "search" and "unexpected extra argument" in message:
        message += "; put a query of several words in quotes"
    return f"{message} (see '{command} --help')"
