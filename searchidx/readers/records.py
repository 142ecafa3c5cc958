"""Record readers: JSON Lines, JSON and CSV files, one document per record.

A record's text field is split into paragraphs; its title field is the title;
its id field (else its line, row or position) names it: locator ``"record ID"``
(or ``"line 5"``, ``"row 5"``, ``"record 5"``; an id that several records of
the file share, with where each is: ``"record ID, line 5"``).
Fields are found by common names, case-insensitively (``text``, ``body``,
``نص``…; then names ending in ``_text`` and the like), unless
:class:`ReaderOptions` names them. A record without text is skipped and
counted; so is a malformed JSON line. A file with no text field is refused with
the fields it has, so that ``--text-field`` can name one.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Iterable

from ..errors import DocumentError
from ..text import collapse_spaces, decode_text, split_paragraphs
from .base import Block, ReaderOptions, ReadResult

TEXT_FIELDS = (
    "text", "body", "content", "article", "paragraph", "matn",
    "نص", "النص", "متن", "المتن", "محتوى", "المحتوى",
)  # fmt: skip
ID_FIELDS = ("id", "_id", "uuid", "key", "url", "معرف", "المعرف", "رقم", "الرقم")
TITLE_FIELDS = ("title", "headline", "name", "subject", "عنوان", "العنوان", "اسم", "الاسم")
_CSV_DELIMITERS = ",;\t"
# Error messages list at most this many field names.
_MAX_NAMED_FIELDS = 12

# (how the record is located when it has no id, its number, the record)
_Row = tuple[str, int, dict]
# Where a record is, beside an id it shares with others (a JSON array's "record 3"
# would read as another record's id).
_PLACE = {"line": "line", "row": "row", "record": "item"}


def read_jsonl(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read JSON Lines: one object per line; malformed lines are skipped with a warning."""
    text, encoding, warnings = decode_text(data, options.encoding)
    rows: list[_Row] = []
    bad_lines: list[str] = []
    # Not splitlines(): JSON strings may hold U+2028 and other line separators.
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except (ValueError, RecursionError) as error:
            bad_lines.append(f"line {number}: {_json_reason(error, in_line=True)}")
            continue
        if isinstance(record, dict):
            rows.append(("line", number, record))
        else:
            bad_lines.append(f"line {number}: not a JSON object")
    if bad_lines:
        if not rows:
            raise DocumentError(f"no JSON object on any line ({bad_lines[0]})")
        warnings.append(f"{len(bad_lines)} malformed line(s) skipped (first: {bad_lines[0]})")
    return _results(rows, options, warnings, encoding)


def read_json(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read JSON: an array of objects, an object holding one such array, or one object."""
    text, encoding, warnings = decode_text(data, options.encoding)
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise DocumentError(f"not valid JSON ({_json_reason(error)})") from None
    if isinstance(value, dict):
        arrays = [key for key, item in value.items() if _is_array_of_objects(item)]
        if len(arrays) > 1:
            raise DocumentError(f"several arrays of records ({_names(arrays)}); expected one")
        records = value[arrays[0]] if arrays else [value]
    elif _is_array_of_objects(value):
        records = value
    elif value == []:
        raise DocumentError("an empty array: no records")
    else:
        raise DocumentError("not an array of objects or an object")
    rows = [("record", number, item) for number, item in enumerate(records, 1)]
    objects = [row for row in rows if isinstance(row[2], dict)]
    if len(objects) < len(rows):
        warnings.append(f"{len(rows) - len(objects)} array item(s) that are not objects skipped")
    return _results(objects, options, warnings, encoding)


def read_csv(data: bytes, options: ReaderOptions) -> list[ReadResult]:
    """Read CSV with a header row; the delimiter (, ; or tab) is the header's most frequent."""
    text, encoding, warnings = decode_text(data, options.encoding)
    text = text.lstrip("\r\n")
    delimiter = max(_CSV_DELIMITERS, key=text.split("\n", 1)[0].count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    # The default limit (128 KB) is below an article's length; raise it for this file only.
    field_limit = csv.field_size_limit(options.max_file_bytes)
    try:
        if not reader.fieldnames:
            raise DocumentError("empty CSV file")
        reader.fieldnames = [name.strip() for name in reader.fieldnames]
        rows = [("row", number, record) for number, record in enumerate(reader, 1)]
    except csv.Error as error:
        raise DocumentError(f"malformed CSV after line {reader.line_num}: {error}") from None
    finally:
        csv.field_size_limit(field_limit)
    for _, _, record in rows:
        record.pop(None, None)  # cells beyond the header's columns
    return _results(rows, options, warnings, encoding)


def _results(
    rows: list[_Row], options: ReaderOptions, warnings: list[str], encoding: str
) -> list[ReadResult]:
    if not rows:
        # A header with no rows, or no line with an object: there are no fields to name.
        raise DocumentError("no records")
    fields = list(dict.fromkeys(key for _, _, record in rows for key in record))
    text_field = _pick_field(fields, options.text_field, TEXT_FIELDS, "text")
    if text_field is None:
        raise DocumentError(
            f"no text field among {_names(fields) or 'no fields'}; "
            "name the one to index with --text-field"
        )
    id_field = _pick_field(fields, options.id_field, ID_FIELDS, "id")
    title_field = _pick_field(fields, options.title_field, TITLE_FIELDS, "title")
    ids = [_scalar(record.get(id_field)) if id_field else "" for _, _, record in rows]
    shared = {record_id for record_id, count in Counter(ids).items() if count > 1 and record_id}
    results = []
    for (kind, number, record), record_id in zip(rows, ids, strict=True):
        paragraphs = split_paragraphs(_text_of(record.get(text_field)))
        if not paragraphs:
            continue
        locator = f"record {record_id}" if record_id else f"{kind} {number}"
        if record_id in shared:
            # Two hits, or a hit and its context, must not be taken for one record.
            locator += f", {_PLACE[kind]} {number}"
        title = _scalar(record.get(title_field)) if title_field else ""
        results.append(
            ReadResult(
                title=collapse_spaces(title),
                blocks=[Block(paragraph, locator) for paragraph in paragraphs],
            )
        )
    if not results:
        raise DocumentError(f"no record has text in field {text_field!r}")
    if len(results) < len(rows):
        warnings.append(f"{len(rows) - len(results)} record(s) without text skipped")
    results[0].warnings = warnings
    results[0].encoding = encoding
    return results


def _pick_field(
    fields: list[str], chosen: str | None, candidates: Iterable[str], role: str
) -> str | None:
    """The field ``chosen`` names, else the first of ``candidates`` present."""
    by_folded_name: dict[str, str] = {}
    for name in fields:
        by_folded_name.setdefault(name.casefold(), name)
    if chosen:
        if chosen in fields:
            return chosen
        if chosen.casefold() in by_folded_name:
            return by_folded_name[chosen.casefold()]
        raise DocumentError(f"no {role} field {chosen!r}; fields found: {_names(fields)}")
    for candidate in candidates:
        if candidate in by_folded_name:
            return by_folded_name[candidate]
    for candidate in candidates:
        for folded, name in by_folded_name.items():
            if folded.endswith(("_" + candidate, "-" + candidate)):
                return name
    return None


def _text_of(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return "\n\n".join(value)  # a list of paragraphs
    return ""


def _scalar(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return ""
    return str(value).strip()


def _is_array_of_objects(value) -> bool:
    return isinstance(value, list) and any(isinstance(item, dict) for item in value)


def _json_reason(error: Exception, in_line: bool = False) -> str:
    if isinstance(error, json.JSONDecodeError):
        where = "" if in_line else f"line {error.lineno} "
        return f"{error.msg}, {where}column {error.colno}"
    if isinstance(error, RecursionError):
        return "nested too deeply"
    return str(error)


def _names(fields: list[str]) -> str:
    shown = ", ".join(repr(name) for name in fields[:_MAX_NAMED_FIELDS])
    more = len(fields) - _MAX_NAMED_FIELDS
    return f"{shown} and {more} more" if more > 0 else shown
