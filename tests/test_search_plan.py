"""Planning a query: which indexed forms each word expands to, the exact and stem tiers,
exclusions, prefixes, fuzzy words and proximity."""

import random
import time

from .conftest import assert_clean_outcome


def test_prefix_with_thousands_of_words_answers_quickly(run, tmp_path):
    """سو* over a vocabulary of 2,500 words starting with سو: refused in one line or
    answered, within a couple of seconds."""
    letters = "بتثجحخدذرزسشصضطظعغفقكلمن"
    rng = random.Random(7)
    words = set()
    while len(words) < 2500:
        words.add("سو" + "".join(rng.choice(letters) for _ in range(4)))
    folder = tmp_path / "vocab"
    folder.mkdir()
    ordered = sorted(words)
    (folder / "words.txt").write_text(
        "\n\n".join(" ".join(ordered[i : i + 50]) for i in range(0, len(ordered), 50)),
        encoding="utf-8",
    )
    index_dir = tmp_path / "ix"
    assert run("index", str(folder), "--index", str(index_dir)).exit_code == 0
    started = time.perf_counter()
    result = run("search", "سو*", "--index", str(index_dir), "--format", "json")
    assert time.perf_counter() - started < 5
    assert_clean_outcome(result)
    if result.exit_code == 2:
        assert "سو*" in result.stderr
