"""The ``searchidx`` command: a thin layer over the library.

Data goes to stdout, progress and diagnostics to stderr. Exit codes: 0 success
(a search with no hits included), 1 runtime error, 2 usage error (bad option,
malformed query), 130 interrupted. Known errors print one line; set
``SEARCHIDX_TRACEBACK=1`` or pass ``--traceback`` to see the full trace.
"""

from __future__ import annotations

import codecs
import os
import sys

import click

from . import __version__
from .errors import SearchidxError

ENV_TRACEBACK = "SEARCHIDX_TRACEBACK"
_show_traceback = False  # set by --traceback for this run


def _wants_traceback() -> bool:
    configured = os.environ.get(ENV_TRACEBACK, "").strip().lower()
    return _show_traceback or configured in ("1", "true", "yes", "on")


def _check_encoding(ctx, param, value):
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise click.BadParameter(
                f"unknown encoding '{value}'; for example cp1256, utf-16 or latin-1"
            ) from None
    return value


def _index_option(command):
    return click.option(
        "--index",
        "index_dir",
        type=click.Path(file_okay=False),
        envvar="SEARCHIDX_INDEX",
        help="Index folder [env SEARCHIDX_INDEX; default ~/.local/share/searchidx/index].",
    )(command)


def _format_option(choices, default=None):
    def decorate(command):
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=default is not None,
            help="Output format."
            if default
            else "Output format [default: table on a terminal, plain when piped].",
        )(command)

    return decorate


def _default_format(fmt: str | None) -> str:
    if fmt:
        return fmt
    return "table" if sys.stdout.isatty() else "plain"


def _index_path(index_dir: str | None):
    from .index import default_index_dir

    return index_dir or default_index_dir()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="searchidx")
@click.option("--traceback", is_flag=True, help="Show the full traceback of errors.")
def cli(traceback):
    """Arabic-aware full-text search over folders of documents.

    \b
    Example:
        searchidx index ~/articles
        searchidx search "الخلايا النائمة"
    """
    global _show_traceback
    _show_traceback = traceback


@cli.command()
@click.argument("text")
@_format_option(["table", "json", "jsonl"], default="table")
def analyze(text, fmt):
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

    click.echo(render_tokens(analyze_text(text), fmt))


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True))
@_index_option
@click.option("--rebuild", is_flag=True, help="Start from an empty index.")
@click.option(
    "--encoding",
    callback=_check_encoding,
    help="Read text files in this encoding instead of detecting it.",
)
@click.option(
    "--include",
    multiple=True,
    metavar="GLOB",
    help="Also index files matching GLOB as plain text (repeatable), e.g. '*.log'.",
)
@click.option("--text-field", help="JSON/CSV field holding the text [default: detected].")
@click.option("--id-field", help="JSON/CSV field holding the record id [default: detected].")
@click.option("--title-field", help="JSON/CSV field holding the title [default: detected].")
def index(paths, index_dir, rebuild, encoding, include, text_field, id_field, title_field):
    """Index or update the documents under PATHS (files or folders).

    New files are added, changed files re-indexed and deleted files dropped.
    Without PATHS, the folders already in the index are refreshed (a new
    index starts with the bundled sample corpus).

    Reads .txt, .md, .html/.htm, .docx, .epub, .jsonl, .json and .csv; in
    JSON and CSV files every record is a document of its own.

    \b
    Example:
        searchidx index ~/articles ~/books
        searchidx index --rebuild ~/articles
        searchidx index news.jsonl --text-field body --id-field url
    """
    from .index import Index
    from .readers import ReaderOptions

    options = ReaderOptions(encoding, text_field, id_field, title_field, tuple(include))
    with Index.create(_index_path(index_dir)) as idx, _Progress() as progress:
        run = idx.rebuild if rebuild else idx.update
        report = run(paths or None, options=options, progress=progress)
    for skipped in report.skipped:
        click.echo(f"searchidx: skipped {skipped.path}: {skipped.message}", err=True)
    for warning in report.warnings:
        click.echo(f"searchidx: warning: {warning.path}: {warning.message}", err=True)
    if report.ignored:
        kinds = ", ".join(f"{count} {suffix}" for suffix, count in sorted(report.ignored.items()))
        click.echo(
            f"searchidx: not indexed, unknown type: {kinds}; --include GLOB reads them as text",
            err=True,
        )
    if report.nothing_changed and not rebuild:
        click.echo(
            f"index is up to date: {report.unchanged} files unchanged, "
            f"{len(report.skipped)} skipped ({report.seconds:.2f} s)",
            err=True,
        )
        return
    click.echo(
        f"indexed {report.files} files ({report.added} new, {report.changed} changed), "
        f"{report.paragraphs} paragraphs; {report.removed} removed, "
        f"{report.unchanged} unchanged, {len(report.skipped)} skipped "
        f"in {report.seconds:.2f} s",
        err=True,
    )


class _Progress:
    """A progress bar on stderr when it is a terminal; silent otherwise."""

    def __enter__(self):
        self._bar = None
        return self.update if sys.stderr.isatty() else None

    def update(self, done, total, label):
        if self._bar is None:
            self._bar = click.progressbar(length=total, label="indexing", file=sys.stderr)
            self._bar.__enter__()
        self._bar.update(1)

    def __exit__(self, *exc_info):
        if self._bar is not None:
            self._bar.__exit__(*exc_info)


@cli.command()
@click.argument("query")
@_index_option
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(min=1))
@click.option("--any", "match_any", is_flag=True, help="Match paragraphs with any word, not all.")
@_format_option(["table", "plain", "json", "jsonl"])
def search(query, index_dir, limit, match_any, fmt):
    """Find the paragraphs that match QUERY, best first.

    \b
    Query language:
        سوريا داعش           both words (any spelling, diacritics or not)
        "الخلايا النائمة"     the words in this order
        سوريا OR العراق       either word;  NOT excludes; ( ) group
        مستمر*               words starting with مستمر
        doc:news.txt  title:الباغوز   only that document / title

    \b
    Example:
        searchidx search "الخلايا النائمه" --format json
    """
    from .index import Index
    from .output import render_results

    fmt = _default_format(fmt)
    with Index.open(_index_path(index_dir)) as idx:
        results = idx.search(query, limit=limit, match_any=match_any)
    click.echo(render_results(results, fmt, color=sys.stdout.isatty()))


@cli.command()
@_index_option
@_format_option(["table", "json"], default="table")
def info(index_dir, fmt):
    """Show what the index holds: documents, paragraphs, size, dates, version.

    \b
    Example:
        searchidx info --format json
    """
    from .index import Index
    from .output import render_info

    with Index.open(_index_path(index_dir)) as idx:
        click.echo(render_info(idx.info(), fmt))


def main(argv=None) -> int:
    """Run the CLI; turn known errors into one line and an exit code."""
    global _show_traceback
    _show_traceback = False
    try:
        cli.main(args=argv, prog_name="searchidx", standalone_mode=False)
    except click.exceptions.Exit as done:
        return done.exit_code
    except click.ClickException as error:
        error.show()
        return error.exit_code
    except (click.exceptions.Abort, KeyboardInterrupt):
        # click turns Ctrl-C into Abort; both mean the user stopped us.
        click.echo("searchidx: interrupted; the index keeps its last completed update", err=True)
        return 130
    except SearchidxError as error:
        if _wants_traceback():
            raise
        click.echo(f"searchidx: error: {error}", err=True)
        return error.exit_code
    except BrokenPipeError:
        # The reader of our output went away (| head); that is not an error.
        sys.stderr.close()
        return 0
    return 0
