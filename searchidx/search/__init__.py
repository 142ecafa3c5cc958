"""Search: parsing a query, planning it against the index's vocabulary, ranking
paragraphs and cutting highlighted snippets.

``query`` parses the query language; ``plan`` expands each word into the
indexed words it matches and fixes their ranking tiers, once per query, in a
:class:`~.plan.QueryPlan`; ``rank_arrays`` (numpy, over the side files, read
through ``array_segments`` and ``array_positions``) or ``rank_whoosh``
(Whoosh's matchers) rank the plan; ``highlight`` marks the
matched words of each hit and cuts its snippet; ``suggest`` offers corrected
queries; ``run`` ties them together (:func:`~.run.run_search`,
:func:`~.run.run_file_search`). Results are the dataclasses of ``results``.
"""
