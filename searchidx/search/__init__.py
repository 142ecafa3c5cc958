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

import functools
import sys
import types

# Whoosh's query package imports its English morphology for the ``Variations``
# query, which compiles two dozen large regular expressions (6 ms of CPU, 3 % of
# a one-shot search). searchidx never builds that query: the module is loaded
# on first use instead, by whoever uses it.
_MORPHOLOGY = "whoosh.lang.morph_en"


@functools.cache
def _load_morphology() -> types.ModuleType:
    """Whoosh's English morphology, loaded for real in place of its stand-in."""
    from importlib.machinery import PathFinder
    from importlib.util import module_from_spec

    import whoosh.lang

    spec = PathFinder.find_spec(_MORPHOLOGY, whoosh.lang.__path__)
    module = module_from_spec(spec)
    sys.modules[_MORPHOLOGY] = module
    whoosh.lang.morph_en = module
    spec.loader.exec_module(module)
    return module


def _defer_morphology() -> None:
    """Put a stand-in for Whoosh's English morphology in ``sys.modules``."""
    if _MORPHOLOGY in sys.modules:
        return
    import whoosh.lang

    def forward(name: str) -> object:
        # The import system asks a module for __path__ and the like: answering
        # must not load the real module.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(_load_morphology(), name)

    stand_in = types.ModuleType(_MORPHOLOGY)
    stand_in.variations = lambda word: _load_morphology().variations(word)
    stand_in.__getattr__ = forward
    sys.modules[_MORPHOLOGY] = stand_in
    whoosh.lang.morph_en = stand_in


_defer_morphology()
