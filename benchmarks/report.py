"""The tables and the Markdown of a benchmark run, from its results (the JSON written).

:func:`text_report` is what ``python -m benchmarks`` prints: per corpus size
the engines, latency by query kind, recall by variant, whole-process searches,
targets and refused queries, and searchidx's latency by feature of the query
language; then the indexing speed by format and the Uthmani recall.
:func:`markdown_report` is the headline figures for the README. Nothing here
measures.
"""

from __future__ import annotations

from tabulate import tabulate

from . import formats, uthmani
from .corpus import LARGE_SIZE
from .features import BASELINE, MAX_RATIO
from .measure import REFERENCE, ratio
from .queries import KINDS

# How the Markdown report names the engines.
LABELS = {
    "searchidx": "searchidx",
    "searchidx-whoosh": "searchidx, Whoosh's matchers (no side files, no diacritics)",
    "sqlite-fts5": "SQLite FTS5",
    "sqlite-fts5-folded": "SQLite FTS5 + searchidx's folding",
    "whoosh": "Whoosh, StandardAnalyzer",
}


def text_report(results: dict) -> str:
    """Every table of a run: the machine, each corpus size, formats, Uthmani recall."""
    parts = [machine_report(results["machine"])]
    parts += [corpus_report(size, result) for size, result in results["corpora"].items()]
    parts += [
        f"== {size} corpus: {result['paragraphs']:,} paragraphs; searchidx built in "
        f"{result['build']['seconds']:.0f} s, {REFERENCE} in "
        f"{result['reference_build']['seconds']:.0f} s ==\n\n" + features_report(result["features"])
        for size, result in results.get("features", {}).items()
    ]
    if "formats" in results:
        parts.append(formats_report(results["formats"]))
    if "uthmani" in results:
        parts.append(
            "== Uthmani script: standard-spelling queries, verse in the top 10 ==\n"
            + uthmani.report(results["uthmani"])
        )
    return "\n\n".join(parts)


# Corpus sizes


def corpus_table(result: dict) -> str:
    """Engines as rows: build time (wall and CPU), size, memory, latency, ratios, recall."""
    rows = []
    for name, figures in result["engines"].items():
        build_figures, latency = figures["build"], figures["latency"]
        rows.append(
            [
                name,
                build_figures["seconds"],
                build_figures["cpu_seconds"],
                build_figures["paragraphs_per_second"],
                figures["ratios"]["build"],
                build_figures["size_bytes"] / 2**20,
                build_figures["peak_rss_bytes"] / 2**20,
                latency["median_ms"],
                latency["p95_ms"],
                figures["ratios"]["median"],
                figures["ratios"]["p95"],
                figures["quality"]["recall"],
            ]
        )
    headers = [
        "engine", "build s", "CPU s", "paragraphs/s", "build ×", "size MB", "peak MB",
        "median ms", "p95 ms", "median ×", "p95 ×", "recall",
    ]  # fmt: skip
    floatfmt = ["", ".1f", ".1f", ",.0f", ".2f", ".1f", ".0f", ".2f", ".2f", ".2f", ".2f", ".3f"]
    return tabulate(rows, headers, floatfmt=floatfmt)


def kind_table(result: dict) -> str:
    """Latency by query kind: searchidx's two paths beside the reference, with ratios."""
    engines = ["searchidx", "searchidx-whoosh", REFERENCE]
    by_kind = {name: result["engines"][name]["latency"]["by_kind"] for name in engines}
    rows = []
    for kind in KINDS:
        for statistic in ("median_ms", "p95_ms"):
            reference = by_kind[REFERENCE][kind][statistic]
            row = [kind, statistic.removesuffix("_ms")]
            for name in engines:
                value = by_kind[name][kind][statistic]
                row += [value, ratio(value, reference)]
            rows.append(row)
    headers = ["query kind", "ms"]
    for name in engines:
        headers += [name, "×"]
    return tabulate(rows, headers, floatfmt=".2f")


def quality_table(result: dict) -> str:
    """Mean recall per spelling variant (rows) and engine (columns)."""
    engines = result["engines"]
    first = next(iter(engines.values()))["quality"]
    rows = [
        [f"{variant} ({counts['count']})"]
        + [engines[name]["quality"]["by_variant"][variant]["recall"] for name in engines]
        for variant, counts in first["by_variant"].items()
    ]
    rows.append(["all"] + [engines[name]["quality"]["recall"] for name in engines])
    return tabulate(rows, ["variant (queries)", *engines], floatfmt=".3f")


def cli_table(result: dict) -> str:
    """Median seconds of one whole-process search per command."""
    rows = [
        [name, timing["median_s"], timing["peak_rss_bytes"] / 2**20, len(timing["runs"])]
        for name, timing in result["cli"].items()
    ]
    headers = ["one search as a process", "median s", "peak MB", "runs"]
    return tabulate(rows, headers, floatfmt=(".3f", ".3f", ".0f", ".0f"))


def targets_table(result: dict) -> str:
    """searchidx's targets with what was measured and PASS or MISS."""
    rows = [
        [
            target["target"],
            f"{format_value(target['measured'])} {target['unit']}",
            f"≤ {target['limit']:g} {target['unit']}",
            target["verdict"],
        ]
        for target in result["targets"]
    ]
    return tabulate(rows, ["target", "measured", "limit", "verdict"])


def format_value(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def errors_report(result: dict) -> str:
    """The queries an engine refused, one line each, or a line saying there were none."""
    lines = []
    for name, figures in result["engines"].items():
        for error in figures["latency"]["errors"] + figures["quality"]["errors"]:
            lines.append(f"{name}: {error['query']!r}: {error['error']}")
    return "\n".join(lines) or "no engine refused a query"


def corpus_report(size: str, result: dict) -> str:
    """Every table of one corpus size."""
    ratios_to = f"ratios (×) are to {REFERENCE}"
    return "\n\n".join(
        [
            f"== {size} corpus: {result['paragraphs']:,} paragraphs, "
            f"{result['corpus_bytes'] / 2**20:.1f} MB of text; {ratios_to} ==",
            corpus_table(result),
            kind_table(result),
            quality_table(result),
            cli_table(result) + f"\nsearchidx / {REFERENCE}: {result['cli_ratio']:.2f}×",
            f"Targets (set for {LARGE_SIZE:,} paragraphs):\n" + targets_table(result),
            "Refused queries:\n" + errors_report(result),
            *([features_report(result["features"])] if "features" in result else []),
        ]
    )


# Features of the query language


def features_table(features: dict, tablefmt: str = "simple") -> str:
    """Each feature's median and p95 and their ratios to the word query of the same run;
    where FTS5 was asked the same, its median and p95 and searchidx's ratios to them."""
    with_fts5 = any(REFERENCE in figures for figures in features["by_kind"].values())
    rows = []
    for kind, figures in features["by_kind"].items():
        row = [kind, figures["count"]] + [
            format_value(figures[key])
            for key in ("median_ms", "p95_ms", "median_ratio", "p95_ratio")
        ]
        row.append(figures["verdict"])
        if with_fts5:
            fts5 = figures.get(REFERENCE, {})
            row += [
                format_value(fts5.get("median_ms")),
                format_value(fts5.get("p95_ms")),
                format_value(figures.get(f"median_{REFERENCE}_ratio")),
                format_value(figures.get(f"p95_{REFERENCE}_ratio")),
            ]
        rows.append(row)
    headers = [
        "feature", "queries", "median ms", "p95 ms", f"median × {BASELINE}", f"p95 × {BASELINE}",
        f"≤ {MAX_RATIO:g}× {BASELINE}",
    ]  # fmt: skip
    if with_fts5:
        headers += ["FTS5 median ms", "FTS5 p95 ms", "median × FTS5", "p95 × FTS5"]
    return tabulate(rows, headers, tablefmt=tablefmt, disable_numparse=True)


def features_report(features: dict) -> str:
    """The features table, with the queries searchidx refused."""
    refused = [
        f"{error['kind']}: {error['query']!r}: {error['error']}" for error in features["errors"]
    ]
    return (
        f"searchidx by feature of the query language (× is to the plain {BASELINE} query "
        f"of the same run; FTS5 is {REFERENCE} asked the same where it can; see "
        "benchmarks/features.py):\n"
        + features_table(features)
        + "\nRefused: "
        + ("; ".join(refused) or "none")
    )


def machine_report(info: dict) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores; Python {info['python']} on {info['platform']}; "
        f"Whoosh {info['whoosh']}, SQLite {info['sqlite']}; searchidx {info['searchidx']} "
        f"({info['searchidx_commit']}); {info['date']}"
    )


def markdown_report(results: dict) -> str:
    """The headline figures as Markdown, for the README's Performance section."""
    parts = [f"Measured with `make bench` on {machine_report(results['machine'])}."]
    for result in results["corpora"].values():
        cli = result["cli"]
        parts += [
            f"**{result['paragraphs']:,} paragraphs** ({result['corpus_bytes'] / 2**20:.0f} MB "
            f"of hadith text); (×) is the ratio to {LABELS[REFERENCE]}:",
            markdown_table(result),
            f"One search as a whole process (`searchidx search --format json`): "
            f"{cli['searchidx']['median_s']:.2f} s; a Python script doing the same with "
            f"{LABELS[REFERENCE]}: {cli[REFERENCE]['median_s']:.2f} s.",
        ]
    if results["corpora"]:
        parts.append(
            "Recall is the share of the paragraphs holding a word that come back in the top "
            "10 when the word is typed without diacritics, with another alef, ه for ة, ى for ي "
            "or the reverse, ئ for ؤ, or Arabic for Urdu letter forms; and that are found at "
            "all when it is typed with a clitic added or removed, without the article before "
            "its own و or hamza-alef, without a tanween alef, or as the singular of a nisba "
            "plural (see `benchmarks/queries.py`)."
        )
    for size, result in {**results["corpora"], **results.get("features", {})}.items():
        if "features" in result:
            parts.append(
                f"**The query language's features** on the {result['paragraphs']:,}-paragraph "
                f"corpus, top 10 with snippets ({size}); (×) is the ratio to the plain "
                f"{BASELINE} query of the same run:\n\n"
                + features_table(result["features"], "github")
            )
    if "formats" in results:
        parts.append(formats_markdown(results["formats"]))
    return "\n\n".join(parts)


def markdown_table(result: dict) -> str:
    """One corpus size's engines as rows of a GitHub Markdown table."""
    rows = []
    for name, figures in result["engines"].items():
        build_figures, latency, ratios = figures["build"], figures["latency"], figures["ratios"]
        rows.append(
            [
                LABELS[name],
                f"{build_figures['seconds']:,.1f} s ({ratios['build']:.1f}×)",
                f"{build_figures['size_bytes'] / 2**20:,.0f} MB",
                f"{build_figures['peak_rss_bytes'] / 2**20:,.0f} MB",
                f"{latency['median_ms']:.1f} ms ({ratios['median']:.1f}×)",
                f"{latency['p95_ms']:.1f} ms ({ratios['p95']:.1f}×)",
                f"{figures['quality']['recall']:.2f}",
            ]
        )
    headers = ["", "indexing", "index", "peak memory", "query median", "query p95", "recall"]
    return tabulate(rows, headers, tablefmt="github", disable_numparse=True)


# Indexing speed by format


def formats_table(result: dict) -> str:
    """Formats as rows: files, sizes, paragraphs, median seconds, speed, ratio to .txt, verdict."""
    rows = [
        [
            suffix,
            figures["files"],
            figures["file_bytes"] / 2**20,
            figures["text_bytes"] / 2**20,
            figures["expected_paragraphs"],
            figures["seconds"],
            figures["cpu_seconds"],
            figures["seconds_per_text_mb"],
            figures["ratio"],
            figures["verdict"],
            figures["check"],
        ]
        for suffix, figures in result["formats"].items()
    ]
    reference = formats.REFERENCE
    headers = [
        "format", "files", "file MB", "text MB", "paragraphs", "index s", "CPU s",
        "s per text MB", f"× {reference}", f"≤ {formats.MAX_RATIO:g}× {reference}", "check",
    ]  # fmt: skip
    return tabulate(rows, headers, floatfmt=".2f", intfmt=",")


def formats_report(result: dict) -> str:
    """The title line and table of the indexing speed by format."""
    return (
        f"== indexing speed by format: {result['paragraphs']:,} paragraphs, "
        f"{result['text_bytes'] / 2**20:.2f} MB of text, {result['per_file']} a file, "
        f"one process; median of {result['runs']} runs; paragraphs include headings ==\n\n"
        + formats_table(result)
    )


def formats_markdown(result: dict) -> str:
    """The indexing speed by format as a short paragraph and GitHub Markdown table."""
    rows = [
        [
            f"`{suffix}`",
            f"{figures['file_bytes'] / 2**20:.1f} MB",
            f"{figures['seconds']:.2f} s",
            f"{figures['seconds_per_text_mb']:.2f} s",
            f"{figures['ratio']:.2f}×",
        ]
        for suffix, figures in result["formats"].items()
    ]
    headers = ["format", "on disk", "indexing", "per MB of text", f"× {formats.REFERENCE}"]
    problems = [
        f"`{suffix}`: {figures['check']}"
        for suffix, figures in result["formats"].items()
        if figures["check"] != "ok"
    ]
    return (
        f"**Indexing speed by format**: the same {result['paragraphs']:,} paragraphs "
        f"({result['text_bytes'] / 2**20:.1f} MB of text) in {result['per_file']}-paragraph "
        f"files of each format, indexed in one process (median of {result['runs']} runs):\n\n"
        + tabulate(rows, headers, tablefmt="github", disable_numparse=True)
        + ("\n\nNot as written: " + "; ".join(problems) + "." if problems else "")
    )
