"""Change planning: what an update adds, re-reads, changes and deletes, and nothing else."""

import json
import subprocess
from pathlib import Path

from .conftest import (
    ARABIC,
    assert_earlier_found,
    cli_command,
    cli_env,
    found_paragraphs,
    lines_about,
)

LATIN1_NOTE = (
    "Minutes of the meeting held in the library on Monday. The committee agreed to buy "
    "new shelves for the manuscripts room and to open the reading hall on Saturdays. "
    "The next meeting will be held at the café near the old gate.\n"
)


def test_decodings_are_recorded_and_a_forced_encoding_rereads_only_what_differs(run, library):
    """Each file's decoding is recorded; --encoding re-reads the files recorded otherwise,
    stores the plausible readings and reports the implausible ones, keeping what they had."""
    folder, index_dir = library
    (folder / "legacy.txt").write_bytes(ARABIC.encode("cp1256"))
    (folder / "note.txt").write_bytes(LATIN1_NOTE.encode("latin-1"))
    first = run("index", str(folder), "--index", str(index_dir))
    assert first.exit_code == 0
    assert len(lines_about(first, "warning", folder / "note.txt")) == 1  # one damaged byte

    listing = subprocess.run(
        cli_command("info", "--files", "--format", "json", "--index", str(index_dir)),
        capture_output=True,
        text=True,
        env=cli_env(),
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in json.loads(listing.stdout)["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "utf-8"}
    table = run("info", "--files", "--index", str(index_dir)).stdout
    assert [str(folder / "legacy.txt"), "cp1256", "2"] in [
        line.split() for line in table.splitlines()
    ]

    forced = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert forced.exit_code == 0
    [earlier] = lines_about(forced, "skipped", folder / "earlier.txt")
    assert "decoded as latin-1 the text has" in earlier and "control" in earlier
    assert earlier.endswith("kept as indexed before (utf-8)")
    [legacy] = lines_about(forced, "skipped", folder / "legacy.txt")
    assert "accented Latin ones" in legacy and legacy.endswith("(cp1256)")
    assert lines_about(forced, "skipped", folder / "note.txt") == []
    assert found_paragraphs(run, index_dir, "café") == [("note.txt", 1)]
    assert_earlier_found(run, index_dir)
    assert found_paragraphs(run, index_dir, "اللاجئون") == [("legacy.txt", 1)]
    listing = json.loads(
        run("info", "--files", "--format", "json", "--index", str(index_dir)).stdout
    )
    decodings = {Path(f["path"]).name: f["encoding"] for f in listing["files"]}
    assert decodings == {"earlier.txt": "utf-8", "legacy.txt": "cp1256", "note.txt": "iso8859-1"}

    # The files kept in their own decoding are tried again and reported again; note.txt is not.
    again = run("index", str(folder), "--index", str(index_dir), "--encoding", "latin-1")
    assert "index is up to date: 3 files unchanged, 2 skipped" in again.stderr
