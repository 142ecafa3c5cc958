"""Side files: each Whoosh segment's postings as flat arrays, for array search.

Whoosh stays the index of record. After each commit, every segment that lacks
one gets a side file ``<segment id>.sidx`` beside Whoosh's own files. Whoosh
names a segment's files ``<segment id>.<ext>`` and deletes every file so named
when the segment goes away (merged or emptied), so a side file goes with its
segment. A segment never changes after it is written, except that documents in
it get deleted; deletions are read from the live Whoosh reader at search time,
so a side file cannot go stale.

For each indexed field the file holds, as CSR-style arrays:

* the vocabulary: the terms' UTF-8 bytes in Whoosh's (byte) order, and their
  first 8 bytes as big-endian integers, to find a term or the terms with a
  prefix by ``searchsorted``;
* per term a pointer into the flat arrays of postings, and its document
  frequency as Whoosh counts it (deleted documents included) where that
  differs from the number of postings (documents deleted before the side
  file was written);
* per posting the document number and term frequency; for ``terms`` also a
  pointer per term into the flat array of word positions, kept as one byte
  each with the high bytes of the few positions past 255 in a sparse table
  (positions are small: most paragraphs are short);
* per document the field length, as Whoosh's one-byte encoding returns it.

And a forward index of the words as written (``written.*``), for ``=word`` and
vocalized query words: the table of the segment's distinct written forms
(:func:`searchidx.arabic.written_form`; UTF-8 blob and offsets), per document
where its words start, and per word, at its position in the ``terms`` field,
the number of its written form in the table (two bytes each while the table
has fewer than 65,536 forms, else four). It is built from the stored text with
the tokenizer of the ``terms`` field, whose positions number the words; a
deleted document keeps its stored text, and its words, until a merge.

File layout: 8 magic bytes, an 8-byte little-endian header length, a JSON
header (format version, segment id, document count, field lengths, and each
array's dtype, offset and length), then the arrays, each 8-byte aligned. The
file is memory-mapped when read, so opening it costs a header parse.
"""

from __future__ import annotations

import json
import mmap
import os
from array import array
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader, SegmentReader

SIDE_FILE_VERSION = 2
SUFFIX = ".sidx"
MAGIC = b"SIDXARR\n"
# Field name -> (has positions, has lengths, has frequencies).
FIELDS = {
    "terms": (True, True, True),
    "title": (False, True, True),
    "doc": (False, False, False),
    "kind": (False, False, False),
}


def side_file_path(index_dir: Path, segment_id: str) -> Path:
    return Path(index_dir) / (segment_id + SUFFIX)


def prefix_key(term: bytes, pad: bytes = b"\0") -> int:
    """The term's first 8 bytes as a big-endian integer, so keys sort as the terms do."""
    return int.from_bytes(term[:8].ljust(8, pad), "big")


def write_missing_side_files(index_dir: Path, whoosh_index: WhooshIndex) -> list[Path]:
    """Write a side file for every segment of the latest generation lacking one.

    Each is written under a temporary name (see :func:`write_side_file`);
    returns those names, for the caller to move into place. Segments are
    independent, so with more than one to write and more than one core they
    are written in parallel.
    """
    import multiprocessing

    missing = missing_side_files(index_dir, whoosh_index)
    can_fork = "fork" in multiprocessing.get_all_start_methods()
    if len(missing) > 1 and (os.cpu_count() or 1) > 1 and can_fork:
        from concurrent.futures import ProcessPoolExecutor

        # Forked workers reopen the index themselves; nothing is shared but the path.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
            return list(pool.map(_write_one, [str(index_dir)] * len(missing), missing))
    return [_write_one(str(index_dir), segment_id) for segment_id in missing]


def missing_side_files(index_dir: Path, whoosh_index: WhooshIndex) -> list[str]:
    """The ids of the latest generation's segments without a usable side file."""
    with whoosh_index.reader() as reader:
        return [
            leaf.segment().segment_id()
            for leaf, _ in segment_readers(reader)
            if load_side_file(index_dir, leaf.segment().segment_id(), leaf.doc_count_all()) is None
        ]


def _write_one(index_dir: str, segment_id: str) -> Path:
    from whoosh import index as whoosh_index

    with whoosh_index.open_dir(index_dir).reader() as reader:
        [leaf] = [
            leaf for leaf, _ in segment_readers(reader) if leaf.segment().segment_id() == segment_id
        ]
        return write_side_file(Path(index_dir), leaf)


def segment_readers(reader: IndexReader) -> list[tuple[SegmentReader, int]]:
    """The reader's segments with their document offsets; none for an empty index."""
    return [
        (leaf, offset)
        for leaf, offset in reader.leaf_readers()
        if getattr(leaf, "segment", lambda: None)() is not None
    ]


def write_side_file(index_dir: Path, segment_reader: SegmentReader) -> Path:
    """Write one segment's side file under a temporary name, ``<side file>.tmp``.

    Returns that name; the caller renames it to :func:`side_file_path` (an index
    folder's files are moved only by ``index/folders.py``).
    """
    import numpy as np

    segment_id = segment_reader.segment().segment_id()
    doc_count = segment_reader.doc_count_all()
    arrays: dict[str, np.ndarray] = {}
    field_lengths = {}
    for fieldname, (has_positions, has_lengths, has_freqs) in FIELDS.items():
        arrays.update(_field_arrays(segment_reader, fieldname, has_positions, has_freqs))
        if has_lengths:
            field_lengths[fieldname] = segment_reader.field_length(fieldname)
            arrays[f"{fieldname}.lengths"] = np.array(
                [segment_reader.doc_field_length(n, fieldname, 0) or 0 for n in range(doc_count)],
                dtype=np.uint32,
            )
    arrays.update(_written_arrays(segment_reader, doc_count))
    header = {
        "version": SIDE_FILE_VERSION,
        "segment": segment_id,
        "doc_count_all": doc_count,
        "field_lengths": field_lengths,
        "arrays": {},
    }
    offset = 0
    for name, values in arrays.items():
        header["arrays"][name] = [values.dtype.str, offset, int(values.size)]
        offset += _aligned(values.nbytes)
    header_bytes = json.dumps(header).encode("utf-8")
    data_start = _aligned(len(MAGIC) + 8 + len(header_bytes))
    path = side_file_path(index_dir, segment_id)
    temporary = path.with_name(path.name + ".tmp")
    with open(temporary, "wb") as stream:
        stream.write(MAGIC + len(header_bytes).to_bytes(8, "little") + header_bytes)
        stream.write(b"\0" * (data_start - stream.tell()))
        for values in arrays.values():
            stream.write(values.tobytes())
            stream.write(b"\0" * (_aligned(values.nbytes) - values.nbytes))
        stream.flush()
        os.fsync(stream.fileno())
    return temporary


def _aligned(size: int) -> int:
    return (size + 7) // 8 * 8


def _field_arrays(reader, fieldname: str, has_positions: bool, has_freqs: bool) -> dict:
    import numpy as np

    blob = bytearray()
    offsets = array("q", [0])
    doc_freqs = array("q")
    pointers = array("q", [0])
    docs = array("q")
    freqs = array("q")
    position_pointers = array("q", [0])
    positions = array("q")
    decoder = "positions" if has_positions else "weight"
    # iter_field gives each term with its statistics in one pass over the term file.
    for term, info in reader.iter_field(fieldname):
        blob += term
        offsets.append(len(blob))
        doc_freqs.append(info.doc_frequency())
        for docnum, value in reader.postings(fieldname, term).items_as(decoder):
            docs.append(docnum)
            if has_positions:
                positions.extend(value)
                freqs.append(len(value))
            elif has_freqs:
                freqs.append(int(value))
        pointers.append(len(docs))
        position_pointers.append(len(positions))
    terms = [bytes(blob[offsets[i] : offsets[i + 1]]) for i in range(len(offsets) - 1)]
    arrays = {
        "blob": np.frombuffer(bytes(blob), dtype=np.uint8),
        "offsets": _smallest(offsets),
        "prefix_keys": np.array([prefix_key(term) for term in terms], dtype=np.uint64),
        "pointers": _smallest(pointers),
        "docs": _smallest(docs),
    }
    doc_freqs = np.array(doc_freqs, dtype=np.int64)
    if np.any(doc_freqs != np.diff(arrays["pointers"].astype(np.int64))):
        arrays["doc_freqs"] = _smallest(array("q", doc_freqs.tolist()))
    if has_freqs:
        arrays["freqs"] = _smallest(freqs)
    if has_positions:
        arrays["position_pointers"] = _smallest(position_pointers)
        arrays.update(_low_bytes_and_high("positions", positions))
    return {f"{fieldname}.{name}": values for name, values in arrays.items()}


def _written_arrays(reader, doc_count: int) -> dict:
    """The forward index of written forms: ``written.blob`` and ``written.offsets``
    (the table), ``written.doc_starts`` and ``written.ids`` (see the module's
    docstring)."""
    import numpy as np

    from .arabic import WORD, written_form

    numbers: dict[str, int] = {}  # a word as the text has it -> its written form's number
    table: dict[str, int] = {}  # a written form -> its number
    ids = array("q")
    starts = array("q", [0])
    for docnum in range(doc_count):
        text = reader.stored_fields(docnum).get("text") or ""
        for word in WORD.findall(text):
            number = numbers.get(word)
            if number is None:
                number = numbers[word] = table.setdefault(written_form(word), len(table))
            ids.append(number)
        starts.append(len(ids))
    blob = "".join(table).encode("utf-8")
    offsets = array("q", [0])
    for form in table:
        offsets.append(offsets[-1] + len(form.encode("utf-8")))
    return {
        "written.blob": np.frombuffer(blob, dtype=np.uint8),
        "written.offsets": _smallest(offsets),
        "written.doc_starts": _smallest(starts),
        "written.ids": np.array(ids, dtype=np.uint16 if len(table) <= 1 << 16 else np.uint32),
    }


def _low_bytes_and_high(name: str, values: array) -> dict:
    """The values as one byte each, with the rest of those over 255 in a sparse table:
    ``name`` (low bytes), ``name_high_at`` (where) and ``name_high`` (value >> 8)."""
    import numpy as np

    full = _smallest(values)
    if full.dtype == np.uint8:
        return {name: full}
    wide = np.flatnonzero(full > 255)
    return {
        name: (full & 0xFF).astype(np.uint8),
        f"{name}_high_at": _smallest(array("q", wide.tolist())),
        f"{name}_high": (full[wide] >> 8).astype(
            np.uint8 if full.dtype == np.uint16 else full.dtype
        ),
    }


def _smallest(values: array):
    """The values as the narrowest unsigned integer array that holds them."""
    import numpy as np

    top = max(values, default=0)
    for dtype in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(dtype).max:
            return np.array(values, dtype=dtype)
    return np.array(values, dtype=np.uint64)


class SideFile:
    """One segment's side file, memory-mapped: its arrays by name and its header."""

    def __init__(self, path: Path, header: dict, buffer: mmap.mmap, data_start: int) -> None:
        import numpy as np

        self.path = path
        self.segment_id = header["segment"]
        self.doc_count_all = header["doc_count_all"]
        self.field_lengths = header["field_lengths"]
        self._arrays = {
            name: np.frombuffer(buffer, dtype=dtype, count=count, offset=data_start + offset)
            for name, (dtype, offset, count) in header["arrays"].items()
        }

    def __getitem__(self, name: str) -> Any:
        return self._arrays[name]

    def __contains__(self, name: str) -> bool:
        return name in self._arrays

    def gather_run(self, name: str, start: int, count: int) -> Any:
        """``name``'s ``count`` values from ``start`` on, as int64, with their high bytes
        restored: :meth:`gather_runs` of one run, read as a slice."""
        import numpy as np

        values = self._arrays[name][start : start + count].astype(np.int64)
        if f"{name}_high_at" not in self._arrays or not count:
            return values
        wide = self._arrays[f"{name}_high_at"]
        top = np.iinfo(wide.dtype).max
        if start > top:
            return values
        bounds = np.array([start, min(start + count - 1, top)], dtype=wide.dtype)
        low, high = (
            wide.searchsorted(bounds[:1]).item(),
            wide.searchsorted(bounds[1:], "right").item(),
        )
        at = wide[low:high].astype(np.int64) - start
        values[at] += self._arrays[f"{name}_high"][low:high].astype(np.int64) << 8
        return values

    def gather_runs(self, name: str, starts: Any, counts: Any) -> Any:
        """``name``'s values in the runs ``starts[i] .. starts[i] + counts[i] - 1``, one
        run after another, as int64, with their high bytes restored."""
        import numpy as np

        index, _ = ranges(starts, counts)
        values = self._arrays[name][index].astype(np.int64)
        if f"{name}_high_at" not in self._arrays or not len(index):
            return values
        # The few wide values are found run by run, not value by value; in the table's
        # own type, so that searchsorted does not convert the whole table.
        wide = self._arrays[f"{name}_high_at"]
        top = np.iinfo(wide.dtype).max
        lasts = starts + counts - 1
        offsets = np.cumsum(counts) - counts  # where each run begins in ``values``
        low = high = 0
        ordered = bool(np.all(starts[1:] > lasts[:-1]))
        if ordered and starts[0] <= top:
            first, last = np.array([starts[0], min(lasts[-1], top)], dtype=wide.dtype)
            low = wide.searchsorted(first).item()
            high = wide.searchsorted(last, "right").item()
        if ordered and high - low <= len(starts):
            # Runs in order, fewer wide values from the first to the last than runs:
            # each wide value is placed in its run, rather than each run searched.
            at = wide[low:high].astype(np.int64)
            run = starts.searchsorted(at, "right") - 1
            inside = at <= lasts[run]
            run, at = run[inside], at[inside]
            values[offsets[run] + at - starts[run]] += (
                self._arrays[f"{name}_high"][low:high][inside].astype(np.int64) << 8
            )
            return values
        low = wide.searchsorted(np.minimum(starts, top).astype(wide.dtype))
        high = wide.searchsorted(np.minimum(lasts, top).astype(wide.dtype), "right")
        found = np.where(starts > top, 0, np.maximum(high - low, 0))
        at, run = ranges(low, found)
        values[offsets[run] + (wide[at].astype(np.int64) - starts[run])] += (
            self._arrays[f"{name}_high"][at].astype(np.int64) << 8
        )
        return values


def ranges(starts: Any, lengths: Any) -> tuple[Any, Any]:
    """The numbers ``start .. start + length - 1`` of every range, one range after
    another, and the range each came from (int64 arrays)."""
    import numpy as np

    ends = np.cumsum(lengths, dtype=np.int64)
    total = int(ends[-1]) if len(ends) else 0
    which = np.repeat(np.arange(len(starts)), lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total), which


def load_side_file(index_dir: Path, segment_id: str, doc_count_all: int) -> SideFile | None:
    """The segment's side file, or None when it is missing, partial or not this segment's."""
    path = side_file_path(index_dir, segment_id)
    try:
        with open(path, "rb") as stream:
            buffer = mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):
        return None
    try:
        if buffer[: len(MAGIC)] != MAGIC:
            return None
        header_length = int.from_bytes(buffer[len(MAGIC) : len(MAGIC) + 8], "little")
        header_start = len(MAGIC) + 8
        header = json.loads(bytes(buffer[header_start : header_start + header_length]))
        if (
            header.get("version") != SIDE_FILE_VERSION
            or header.get("segment") != segment_id
            or header.get("doc_count_all") != doc_count_all
        ):
            return None
        data_start = _aligned(header_start + header_length)
        needed = max(
            (
                data_start + offset + _itemsize(dtype) * count
                for dtype, offset, count in header["arrays"].values()
            ),
            default=data_start,
        )
        if len(buffer) < needed:
            return None
        return SideFile(path, header, buffer, data_start)
    except (ValueError, KeyError, TypeError):
        return None


def _itemsize(dtype: str) -> int:
    import numpy as np

    return np.dtype(dtype).itemsize
