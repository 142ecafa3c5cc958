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
* per document the field length, as Whoosh's one-byte code (Whoosh keeps
  lengths so, and its search reads them decoded: a table of 256 gives them back).

The arrays of the fields only filters search (``title``, ``doc``, ``kind``) are
kept as runs where that takes fewer bytes: documents as runs of consecutive
numbers (a file's paragraphs are numbered in a row and share its title),
frequencies and lengths as runs of one value. Such coded arrays, and the field
lengths, are decoded whole the first time they are read (at 100,000 paragraphs,
about 2 ms for a segment's titles, 0.3–0.5 ms for its lengths), and kept.

And a forward index of the words as written (``written.*``), for ``=word`` and
vocalized query words, laid out term by term as ``terms.positions`` is. Per term
of ``terms``, its distinct written forms (:func:`searchidx.arabic.written_form`),
the most used first, separated by newlines, in one byte a character where every
character is ASCII or an Arabic, Persian or Urdu letter or mark, else in UTF-8
after a zero byte, after a header byte that gives the bits of its numbers and
whether it has exceptions; the terms' chunks are compressed (zlib) 16 terms at
a time (``written.blocks``, ``written.block_pointers``). Parallel to the term's
positions, ``written.numbers`` holds the number of the word's written form among
the term's forms in as many bits (0, 1, 2, 4, 8, 16 or 32) as take the fewest
bytes with the exceptions, each term's from a byte boundary (where each 16
terms' numbers start is ``written.number_blocks``; a term's, past the
occurrences times bits of the terms before it). A number too large for its
term's bits is an exception: the largest number of the bits stands for it (with
no bits, every occurrence may be one) and it is kept in a sparse table
(``written.exceptions_at``, the occurrence's number in ``terms.positions``, and
``written.exceptions``). A term written one way has no bits; a common word
written mostly one way has few. Testing a query word's occurrences is then a
slice of its own positions and a test of its own forms. It is built from the
stored text with the tokenizer of the ``terms`` field, whose positions number
the words; a deleted document keeps its stored text, and its words, until a merge.

File layout: 8 magic bytes, an 8-byte little-endian header length, a JSON
header (format version, segment id, document count, field lengths, the coded
arrays with their coding and type, and each array's dtype, offset and length),
then the arrays, each 8-byte aligned. The
file is memory-mapped when read, so opening it costs a header parse.
"""

from __future__ import annotations

import json
import mmap
import os
import re
import zlib
from array import array
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from whoosh.index import Index as WhooshIndex
    from whoosh.reading import IndexReader, SegmentReader

SIDE_FILE_VERSION = 4
SUFFIX = ".sidx"
MAGIC = b"SIDXARR\n"
# The written forms of a term are stored one byte a character when every character
# is ASCII or one of these (Arabic letters and marks, the Persian and Urdu letters,
# the Quranic signs), as 0x80 + its place here; else as UTF-8 after a zero byte.
_ONE_BYTE_CHARACTERS = "".join(
    [chr(code) for code in range(0x0621, 0x0660)]
    + [chr(code) for code in (0x0670, 0x0671, 0x067E, 0x0686, 0x0698, 0x06A9, 0x06AF, 0x06BA)]
    + [chr(code) for code in (0x06BE, 0x06C0, 0x06C1, 0x06C3, 0x06CC, 0x06D2, 0x06D3, 0x06D5)]
    + [chr(code) for code in range(0x06D6, 0x06EE)]
)
_ONE_BYTE_TO = str.maketrans(
    {character: chr(0x80 + place) for place, character in enumerate(_ONE_BYTE_CHARACTERS)}
)
_ONE_BYTE_BACK = str.maketrans(
    {chr(0x80 + place): character for place, character in enumerate(_ONE_BYTE_CHARACTERS)}
)
# A pattern, compiled by re on first use: only writing a side file needs it.
_NOT_ONE_BYTE = f"[^\\0-\\x7f{_ONE_BYTE_CHARACTERS}]"
_UTF8 = b"\0"
# Positions of the forward index built at a time (the memory it takes grows with them).
_BLOCK = 1 << 18
# The bits a term's written-form numbers may take, and what an exception costs: its
# place (4 bytes) and its number (1).
_WIDTHS = (0, 1, 2, 4, 8, 16, 32)
_EXCEPTION_BYTES = 5
# The forward index keeps each this many terms' forms compressed together.
_TERMS_A_BLOCK = 16
# A term's chunk of forms starts with this byte + 2 * its width's place in _WIDTHS,
# + 1 where it has exceptions: bytes no form holds (they are word characters).
_HEADER = 0x10
_HEADERS = re.compile(b"([\x10-\x1f])")
# The blocks of forms decoded, kept per side file up to this many.
_BLOCKS_KEPT = 4096
# How an array may be coded (the header's "coded" names it): runs of consecutive
# numbers, runs of one value (for the arrays of the fields only filters search),
# Whoosh's one-byte field lengths. Each is decoded whole when first read.
_RUNS, _REPEATS, _LENGTH_CODES = "runs", "repeats", "length codes"
_FILTER_FIELDS = ("title", "doc", "kind")
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
    arrays.update(_written_arrays(segment_reader, doc_count, arrays))
    arrays, coded = _coded_arrays(arrays)
    header = {
        "version": SIDE_FILE_VERSION,
        "segment": segment_id,
        "doc_count_all": doc_count,
        "field_lengths": field_lengths,
        "coded": coded,
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


def _written_arrays(reader, doc_count: int, arrays: dict) -> dict:
    """The forward index of written forms (see the module's docstring):
    ``written.blocks`` and ``written.block_pointers`` (each 16 terms' forms),
    ``written.numbers`` and ``written.number_blocks`` (each 16 terms' packed
    numbers), ``written.exceptions_at`` and ``written.exceptions``, from the
    stored text and the ``terms`` field's postings in ``arrays``."""
    import numpy as np

    from .arabic import position_words, written_form

    numbers: dict[str, int] = {}  # a word as the text has it -> its written form's number
    table: dict[str, int] = {"": 0}  # a written form -> its number; "" past the last word
    ids = array("q", [0])  # first the form "", read where a position has no word
    starts = array("q")
    for docnum in range(doc_count):
        text = reader.stored_fields(docnum).get("text") or ""
        starts.append(len(ids))
        for word in position_words(text):
            number = numbers.get(word)
            if number is None:
                number = numbers[word] = table.setdefault(written_form(word), len(table))
            ids.append(number)
    starts.append(len(ids))
    words = _WrittenWords(
        np.array(ids, dtype=np.int32), np.array(starts, dtype=np.int64), list(table), arrays
    )
    chunks: list[bytes] = []
    nothing = np.zeros(0, dtype=np.int64)  # a segment may have no terms
    sizes, packed, exceptions_at, exceptions = [nothing], [], [nothing], [nothing]
    # Term by term in blocks of about _BLOCK positions, to bound the memory used.
    positions = words.position_pointers
    first = 0
    while first < len(positions) - 1:
        reach = int(np.searchsorted(positions, positions[first] + _BLOCK, "right")) - 1
        last = min(max(first + 1, reach), len(positions) - 1)
        block = words.block(first, last)
        chunks += block.chunks
        sizes.append(block.sizes)
        packed.append(block.packed)
        exceptions_at.append(block.exceptions_at)
        exceptions.append(block.exceptions)
        first = last
    packed.append(np.zeros(1, dtype=np.uint8))  # a term written one way reads one byte past
    blocks, block_pointers = bytearray(), array("q", [0])
    for start in range(0, len(chunks), _TERMS_A_BLOCK):
        blocks += zlib.compress(b"".join(chunks[start : start + _TERMS_A_BLOCK]), 9)
        block_pointers.append(len(blocks))
    number_starts = np.concatenate([[0], np.cumsum(np.concatenate(sizes))])
    return {
        "written.blocks": np.frombuffer(bytes(blocks), dtype=np.uint8),
        "written.block_pointers": _smallest(block_pointers),
        "written.numbers": np.concatenate(packed),
        "written.number_blocks": _smallest(array("q", number_starts[::_TERMS_A_BLOCK].tolist())),
        # In a type that holds every occurrence's number, so that one is looked up in it
        # without converting it.
        "written.exceptions_at": np.concatenate(exceptions_at).astype(
            np.uint32 if len(words.positions) < 2**32 else np.uint64
        ),
        "written.exceptions": _smallest(array("q", np.concatenate(exceptions).tolist())),
    }


class _WrittenBlock(NamedTuple):
    """Some terms' part of the forward index: each one's chunk of forms (its header
    byte first), the bytes each has in ``written.numbers`` and these bytes, and its
    exceptions (where in ``terms.positions``, and their numbers)."""

    chunks: list[bytes]
    sizes: Any
    packed: Any
    exceptions_at: Any
    exceptions: Any


class _WrittenWords:
    """The written form of each word of a segment's documents, numbered in ``forms``
    (``ids``, each document's from ``starts``), with the ``terms`` field's postings."""

    def __init__(self, ids, starts, forms: list[str], arrays: dict) -> None:
        import numpy as np

        self.ids, self.starts, self.forms = ids, starts, forms
        self.pointers = arrays["terms.pointers"].astype(np.int64)
        self.position_pointers = arrays["terms.position_pointers"].astype(np.int64)
        self.positions = _restored(arrays, "terms.positions")
        self.arrays = arrays

    def block(self, first: int, last: int) -> _WrittenBlock:
        """The forward index of the terms ``first`` to ``last - 1``."""
        import numpy as np

        postings = slice(self.pointers[first], self.pointers[last])
        freqs = self.arrays["terms.freqs"][postings].astype(np.int64)
        docs = np.repeat(self.arrays["terms.docs"][postings].astype(np.int64), freqs)
        occurrences = slice(self.position_pointers[first], self.position_pointers[last])
        # A position past the document's last word (no word there) reads the form "".
        at = self.starts[docs] + self.positions[occurrences]
        at[at >= self.starts[docs + 1]] = 0
        terms = last - first
        counts = np.diff(self.position_pointers[first : last + 1])
        term_of = np.repeat(np.arange(terms), counts)
        # Each (term, form) pair once, term by term; then each term's pairs the most
        # used first (ties in the order of the forms' numbers): a position's number is
        # its pair's place among its term's pairs in that order.
        pairs, pair_of = np.unique((term_of << 32) | self.ids[at], return_inverse=True)
        pair_of = pair_of.reshape(-1)
        firsts = np.searchsorted(pairs >> 32, np.arange(terms + 1))
        pair_term = pairs >> 32
        uses = np.bincount(pair_of, minlength=len(pairs))
        ranked = np.lexsort((np.arange(len(pairs)), -uses, pair_term))
        rank = np.empty(len(pairs), dtype=np.int64)
        rank[ranked] = np.arange(len(pairs)) - firsts[pair_term[ranked]]
        local = rank[pair_of]
        widths, escapes = _chosen_widths(local, term_of, counts, np.diff(firsts))
        escape_of = escapes[term_of]
        excepted = (escape_of >= 0) & (local >= np.maximum(escape_of, 1))
        stored = np.where(excepted, escape_of, local)
        form_ids = (pairs[ranked] & 0xFFFFFFFF).tolist()
        chunks = [
            bytes([_HEADER + 2 * _WIDTHS.index(width) + (escape >= 0)])
            + _encoded("\n".join(self.forms[number] for number in form_ids[start:end]))
            for start, end, width, escape in zip(
                firsts[:-1].tolist(),
                firsts[1:].tolist(),
                widths.tolist(),
                escapes.tolist(),
                strict=True,
            )
        ]
        # Each number at its place in its term's bytes, each term's from a byte boundary.
        sizes = (counts * widths + 7) // 8
        width_of = widths[term_of]
        bits = (np.arange(len(local)) - np.repeat(np.cumsum(counts) - counts, counts)) * width_of
        byte = np.repeat(np.cumsum(sizes) - sizes, counts) + (bits >> 3)
        # Numbers narrower than a byte share bytes without overlapping: their sum is their OR.
        narrow = (width_of > 0) & (width_of < 8)
        packed = np.bincount(
            byte[narrow], weights=stored[narrow] << (bits[narrow] & 7), minlength=int(sizes.sum())
        ).astype(np.uint8)
        for shift in range(0, 32, 8):  # wider ones byte by byte, the lowest first
            wide = width_of > max(shift, 7)
            packed[byte[wide] + shift // 8] = (stored[wide] >> shift) & 0xFF
        where = np.flatnonzero(excepted)
        return _WrittenBlock(
            chunks, sizes, packed, where + self.position_pointers[first], local[where]
        )


def _chosen_widths(local, term_of, counts, form_counts):
    """Per term, the bits of its stored numbers and the number that stands for an
    exception (-1 for none): the width that takes the fewest bytes, exceptions
    counted at :data:`_EXCEPTION_BYTES` each. Terms have ``counts`` occurrences
    whose numbers are ``local`` (the most used form 0), and ``form_counts`` forms."""
    import numpy as np

    terms = len(counts)
    best = np.full(terms, np.iinfo(np.int64).max)
    widths = np.zeros(terms, dtype=np.int64)
    escapes = np.full(terms, -1, dtype=np.int64)
    for width in _WIDTHS:
        # The largest number of the width stands for an exception (with no bits, every
        # number); numbers from it on (from 1 on) are exceptions.
        whole = form_counts <= (1 << width)  # every number fits: no exceptions
        excepted = np.bincount(term_of[local >= max((1 << width) - 1, 1)], minlength=terms)
        cost = (counts * width + 7) // 8 + np.where(whole, 0, excepted * _EXCEPTION_BYTES)
        better = cost < best
        best[better], widths[better] = cost[better], width
        escapes[better] = np.where(whole, -1, (1 << width) - 1)[better]
    return widths, escapes


def _restored(arrays: dict, name: str):
    """The array ``name`` of ``arrays`` as int64, its high bytes (if any) put back."""
    import numpy as np

    values = arrays[name].astype(np.int64)
    if f"{name}_high_at" in arrays:
        at = arrays[f"{name}_high_at"].astype(np.int64)
        values[at] += arrays[f"{name}_high"].astype(np.int64) << 8
    return values


def _encoded(forms: str) -> bytes:
    """A term's forms (newline-separated) as ``written.forms`` holds them."""
    if re.search(_NOT_ONE_BYTE, forms):
        return _UTF8 + forms.encode("utf-8")
    return forms.translate(_ONE_BYTE_TO).encode("latin-1")


def _decoded(chunk: bytes) -> str:
    if chunk.startswith(_UTF8):
        return chunk[len(_UTF8) :].decode("utf-8")
    return chunk.decode("latin-1").translate(_ONE_BYTE_BACK)


def _coded_arrays(arrays: dict) -> tuple[dict, dict]:
    """``arrays`` with the field lengths and the filter fields' arrays coded where
    that takes fewer bytes, and the coded ones' coding and type (the header's
    ``coded``): each coded array is stored as its parts, ``<name>.<part>``."""
    result, coded = {}, {}
    for name, values in arrays.items():
        field, _, part = name.partition(".")
        codings = [_LENGTH_CODES] if part == "lengths" else []
        if field in _FILTER_FIELDS:
            codings += {"docs": [_RUNS], "freqs": [_REPEATS], "lengths": [_REPEATS]}.get(part, [])
        best, chosen = {name: values}, None
        for coding in codings:
            parts = _CODERS[coding](values)
            if parts is not None and _bytes(parts) < _bytes(best):
                best, chosen = {f"{name}.{key}": found for key, found in parts.items()}, coding
        result.update(best)
        if chosen:
            coded[name] = [chosen, values.dtype.str]
    return result, coded


def _bytes(arrays: dict) -> int:
    return sum(values.nbytes for values in arrays.values())


def _runs(values) -> dict:
    """Runs of consecutive numbers (a filter's documents): each run's first and length."""
    firsts, lengths = _run_bounds(values, 1)
    return {
        "run_firsts": _smallest(array("q", values[firsts].tolist())),
        "run_lengths": _smallest(array("q", lengths.tolist())),
    }


def _repeats(values) -> dict:
    """Runs of one value repeated (a filter's frequencies and lengths): each run's
    value and length."""
    firsts, lengths = _run_bounds(values, 0)
    return {"run_values": values[firsts], "run_lengths": _smallest(array("q", lengths.tolist()))}


def _run_bounds(values, step: int) -> tuple:
    """Where each run of ``values`` rising by ``step`` from one to the next (1:
    consecutive numbers, 0: one value repeated) starts, and its length."""
    import numpy as np

    # The value before the first is one no run of unsigned values continues.
    firsts = np.flatnonzero(np.diff(values.astype(np.int64), prepend=-1 - step) != step)
    return firsts, np.diff(firsts, append=len(values))


def _length_codes(values) -> dict | None:
    """Field lengths as Whoosh keeps them, one byte each (its search reads them
    decoded, so they take its values): None where one is not such a value."""
    import numpy as np
    from whoosh.util.numeric import length_to_byte

    codes = np.array([length_to_byte(length) for length in values.tolist()], dtype=np.uint8)
    if not np.array_equal(_length_table()[codes], values):
        return None
    return {"codes": codes}


def _length_codes_decoded(arrays: dict, name: str, dtype: str):
    return _length_table()[arrays[f"{name}.codes"]].astype(dtype)


@cache
def _length_table():
    """Each of Whoosh's one-byte length codes' length."""
    import numpy as np
    from whoosh.util.numeric import byte_to_length

    return np.array([byte_to_length(code) for code in range(256)], dtype=np.int64)


_CODERS = {_RUNS: _runs, _REPEATS: _repeats, _LENGTH_CODES: _length_codes}


def _runs_decoded(arrays: dict, name: str, dtype: str):
    import numpy as np

    firsts = arrays[f"{name}.run_firsts"].astype(np.int64)
    return range_numbers(firsts, arrays[f"{name}.run_lengths"]).astype(dtype)


def _repeats_decoded(arrays: dict, name: str, dtype: str):
    import numpy as np

    return np.repeat(arrays[f"{name}.run_values"], arrays[f"{name}.run_lengths"]).astype(dtype)


_DECODERS = {_RUNS: _runs_decoded, _REPEATS: _repeats_decoded, _LENGTH_CODES: _length_codes_decoded}


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
        self._coded = header["coded"]
        self._blocks: dict[int, _DecodedBlock] = {}

    def __getitem__(self, name: str) -> Any:
        try:
            return self._arrays[name]
        except KeyError:
            return self._decoded(name)

    def __contains__(self, name: str) -> bool:
        return name in self._arrays or name in self._coded

    def taken(self, name: str, numbers: Any) -> Any:
        """``self[name][numbers]``: the values at ``numbers``. Field lengths kept as
        length codes are decoded there only, not whole (a one-shot search reads the
        lengths of the documents it found, ten or so of a segment's 50,000)."""
        if name not in self._arrays and self._coded[name][0] == _LENGTH_CODES:
            return _length_table()[self._arrays[f"{name}.codes"][numbers]].astype(
                self._coded[name][1]
            )
        return self[name][numbers]

    def _decoded(self, name: str) -> Any:
        """The coded array ``name``, decoded whole and kept: it is read again as is."""
        coding, dtype = self._coded[name]
        self._arrays[name] = _DECODERS[coding](self._arrays, name, dtype)
        return self._arrays[name]

    def gather_run(self, name: str, start: int, count: int) -> Any:
        """``name``'s ``count`` values from ``start`` on, as int64, with their high bytes
        restored: :meth:`gather_runs` of one run, read as a slice."""
        import numpy as np

        values = self._arrays[name][start : start + count].astype(np.int64)
        if f"{name}_high_at" not in self._arrays or not count:
            return values
        wide = self._arrays[f"{name}_high_at"]
        top = _largest(wide)
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

    def gather_runs(self, name: str, starts: Any, counts: Any, index: Any = None) -> Any:
        """``name``'s values in the runs ``starts[i] .. starts[i] + counts[i] - 1``, one
        run after another, as int64, with their high bytes restored; ``index``, where
        given, the runs' numbers (:func:`range_numbers`)."""
        import numpy as np

        if index is None:
            index = range_numbers(starts, counts)
        values = self._arrays[name][index].astype(np.int64)
        if f"{name}_high_at" not in self._arrays or not len(index):
            return values
        # The few wide values are found run by run, not value by value; in the table's
        # own type, so that searchsorted does not convert the whole table.
        wide = self._arrays[f"{name}_high_at"]
        top = _largest(wide)
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

    def term_forms(self, ordinal: int) -> list[str]:
        """The written forms of the ``terms`` field's term ``ordinal``, in the order
        :meth:`written_numbers` numbers them ("" where a position has no word)."""
        block = self._written_block(ordinal // _TERMS_A_BLOCK)
        return _decoded(block.chunks[ordinal % _TERMS_A_BLOCK]).split("\n")

    def written_numbers(self, terms: Any, term_of: Any, occurrences: Any) -> Any:
        """For each of ``occurrences`` (numbers into ``terms.positions``) of the terms
        ``terms[term_of]`` of the ``terms`` field (``term_of`` may be None where
        ``terms`` has one), the number of the word's written form among its term's
        forms (:meth:`term_forms`), as int64."""
        import numpy as np

        layouts = [self._written_layout(term) for term in terms.tolist()]
        firsts = self._arrays["terms.position_pointers"][terms].astype(np.int64)
        largest = max(width for width, _, _ in layouts)
        if len(layouts) == 1:
            # One term (most often): its layout as numbers, not gathered per occurrence.
            (width, start, escape), first = layouts[0], int(firsts[0])
            if not width:
                numbers = np.zeros(len(occurrences), dtype=np.int64)
            else:
                bits = (occurrences - first) * width
                byte = (bits >> 3) + start
                numbers = self._packed_numbers(byte, bits & 7, width, largest)
            excepted = np.flatnonzero(numbers == escape) if escape >= 0 else ()
        else:
            widths, starts, escapes = (
                np.array(column, dtype=np.int64)[term_of] for column in zip(*layouts, strict=True)
            )
            bits = (occurrences - firsts[term_of]) * widths
            numbers = self._packed_numbers(starts + (bits >> 3), bits & 7, widths, largest)
            excepted = np.flatnonzero(numbers == escapes)
        if len(excepted):
            table = self._arrays["written.exceptions_at"]
            wanted = occurrences[excepted].astype(table.dtype)
            at = np.minimum(table.searchsorted(wanted), len(table) - 1)
            found = table[at] == wanted  # a term without bits: only its exceptions
            numbers[excepted[found]] = self._arrays["written.exceptions"][at[found]]
        return numbers

    def _packed_numbers(self, byte: Any, offset: Any, widths: Any, largest: int) -> Any:
        """The numbers of ``widths`` bits (one width, or one per number) that start at
        bit ``offset`` of the byte ``byte`` of ``written.numbers``, ``largest`` the
        largest width; a number of 8 bits or more starts at a byte's first bit."""
        import numpy as np

        packed = self._arrays["written.numbers"]
        masks = np.where(widths >= 8, 0xFF, (1 << widths) - 1)
        numbers = (packed[byte].astype(np.int64) >> offset) & masks
        for shift in range(8, largest, 8):
            wide = widths > shift
            if wide is True:
                numbers |= packed[byte + shift // 8].astype(np.int64) << shift
            elif wide is not False and wide.any():
                numbers[wide] |= packed[byte[wide] + shift // 8].astype(np.int64) << shift
        return numbers

    def term_written_numbers(self, ordinal: int) -> Any:
        """:meth:`written_numbers` of every occurrence of the term ``ordinal``, in order."""
        import numpy as np

        positions = self._arrays["terms.position_pointers"]
        first, last = int(positions[ordinal]), int(positions[ordinal + 1])
        count = last - first
        width, start, escape = self._written_layout(ordinal)
        packed = self._arrays["written.numbers"][start : start + (count * width + 7) // 8]
        if not width:
            numbers = np.zeros(count, dtype=np.int64)
        elif width >= 8:
            numbers = packed.view(f"<u{width // 8}")[:count].astype(np.int64)
        else:
            shifts = np.arange(0, 8, width, dtype=np.uint8)
            numbers = ((packed[:, None] >> shifts) & ((1 << width) - 1)).reshape(-1)[:count]
            numbers = numbers.astype(np.int64)
        if escape >= 0:
            table = self._arrays["written.exceptions_at"]
            bounds = np.array([first, last], dtype=table.dtype)
            low, high = table.searchsorted(bounds).tolist()
            exceptions = self._arrays["written.exceptions"][low:high]
            numbers[table[low:high].astype(np.int64) - first] = exceptions
        return numbers

    def _written_layout(self, ordinal: int) -> tuple[int, int, int]:
        """The term's bits per number, where its numbers start in ``written.numbers``
        and the number that stands for an exception (-1 for none)."""
        block = self._written_block(ordinal // _TERMS_A_BLOCK)
        at = ordinal % _TERMS_A_BLOCK
        return block.widths[at], block.starts[at], block.escapes[at]

    def _written_block(self, number: int) -> _DecodedBlock:
        """The forward index's block ``number`` (:data:`_TERMS_A_BLOCK` terms), decoded
        once and kept, as long as :data:`_BLOCKS_KEPT` allows."""
        found = self._blocks.get(number)
        if found is None:
            pointers = self._arrays["written.block_pointers"]
            start, end = int(pointers[number]), int(pointers[number + 1])
            pieces = _HEADERS.split(zlib.decompress(self._arrays["written.blocks"][start:end]))
            headers = [header[0] - _HEADER for header in pieces[1::2]]
            widths = [_WIDTHS[header // 2] for header in headers]
            escapes = [
                (1 << width) - 1 if header % 2 else -1
                for width, header in zip(widths, headers, strict=True)
            ]
            first = number * _TERMS_A_BLOCK
            ends = self._arrays["terms.position_pointers"][first : first + len(widths) + 1]
            counts = [end - start for start, end in pairwise(ends.tolist())]
            starts = [int(self._arrays["written.number_blocks"][number])]
            for count, width in zip(counts, widths, strict=True):
                starts.append(starts[-1] + (count * width + 7) // 8)
            # Tuples of bytes and ints, which the garbage collector stops walking.
            found = _DecodedBlock(tuple(pieces[2::2]), tuple(widths), tuple(starts), tuple(escapes))
            if len(self._blocks) >= _BLOCKS_KEPT:
                self._blocks.clear()
            self._blocks[number] = found
        return found


class _DecodedBlock(NamedTuple):
    """A block of the forward index: each term's chunk of forms, its bits per number,
    where its numbers start and the number standing for an exception (-1: none)."""

    chunks: tuple[bytes, ...]
    widths: tuple[int, ...]
    starts: tuple[int, ...]
    escapes: tuple[int, ...]


def ranges(starts: Any, lengths: Any) -> tuple[Any, Any]:
    """The numbers ``start .. start + length - 1`` of every range, one range after
    another, and the range each came from (int64 arrays)."""
    import numpy as np

    return range_numbers(starts, lengths), np.repeat(np.arange(len(starts)), lengths)


def range_numbers(starts: Any, lengths: Any) -> Any:
    """The numbers of :func:`ranges` without the range each came from."""
    import numpy as np

    ends = np.cumsum(lengths, dtype=np.int64)
    total = int(ends[-1]) if len(ends) else 0
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(total)


def distinct(values: Any) -> Any:
    """The distinct values of an array, in order: ``np.unique(values)``, by a sort.

    ``np.unique`` asks whether its argument is a masked array, which imports
    ``numpy.ma`` (10 ms, a twentieth of a one-shot search); a sort is also
    faster than its hash table on the arrays of a search.
    """
    import numpy as np

    ordered = np.sort(values, axis=None)
    first = np.empty(len(ordered), dtype=bool)
    first[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    return ordered[first]


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


def _largest(values: Any) -> int:
    """The largest value an array of unsigned integers' type holds (``np.iinfo``
    costs microseconds a call)."""
    return (1 << (8 * values.itemsize)) - 1


def _itemsize(dtype: str) -> int:
    import numpy as np

    return np.dtype(dtype).itemsize
