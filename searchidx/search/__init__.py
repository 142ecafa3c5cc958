"""Search: parsing a query, planning it against the index's vocabulary, ranking
paragraphs and cutting highlighted snippets.

``query`` parses the query language; ``plan`` expands each word into the
indexed words it matches and fixes their ranking tiers, once per query, in a
:class:`~.plan.QueryPlan`; ``rank_arrays`` (numpy, over the side files) or
``rank_whoosh`` (Whoosh's matchers) rank the plan; ``highlight`` marks the
matched words of each hit and cuts its snippet; ``suggest`` offers corrected
queries; ``run`` ties them together. Results are the dataclasses of ``results``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .run import run_file_search, run_search

__all__ = ["run_file_search", "run_search"]


def __getattr__(name: str) -> Any:
    # Imported on first use, so that the results and the snippet formatters can
    # be imported without the parser and the ranking cores.
    if name not in __all__:
        raise AttributeError(f"module 'searchidx.search' has no attribute {name!r}")
    return getattr(importlib.import_module(".run", __name__), name)
