"""Vocalized query words: the written forms in the index whose diacritics they allow.

A query word typed with diacritics («عِلْم») still matches every spelling of
the word; its marks only choose, among the written forms the index holds for
each of the word's forms (the field of written forms, whose terms are a folded
term, :data:`~searchidx.arabic.WRITTEN_SEPARATOR` and the word as written),
those whose marks are compatible (:func:`~searchidx.arabic.marks_compatible`):
«عِلْمٌ», «الْعِلْمِ» and unvocalized «علم» but not «عَلَمٌ». Planning ranks
paragraphs holding one of them first, or, with ``marks="strict"``, keeps only
those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..arabic import WRITTEN_SEPARATOR, marks_compatible, split_written_term

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .plan import Vocabulary


def written_variants(vocabulary: Vocabulary, forms: Mapping[str, float]) -> dict[str, float]:
    """The terms of the field of written forms of every folded term of ``forms``,
    each with its folded term's bonus.

    >>> from searchidx.search.plan import ReaderVocabulary
    >>> class Terms(ReaderVocabulary):
    ...     def expand_prefix(self, fieldname, prefix):
    ...         return (t for t in ["علم\\x1f", "علم\\x1fعَلَمٌ"] if t.startswith(prefix))
    >>> written_variants(Terms(None), {"علم": 10.0})
    {'علم\\x1f': 10.0, 'علم\\x1fعَلَمٌ': 10.0}
    """
    return {
        term: bonus
        for form, bonus in forms.items()
        for term in vocabulary.expand_prefix("written", form + WRITTEN_SEPARATOR)
    }


def compatible_variants(word: str, variants: Mapping[str, float]) -> dict[str, float]:
    """The terms of ``variants`` (written forms) whose marks ``word``'s allow.

    >>> compatible_variants("عِلْم", {"علم\\x1f": 1.0, "علم\\x1fعَلَمٌ": 1.0, "علم\\x1fعِلْمٌ": 1.0})
    {'علم\\x1f': 1.0, 'علم\\x1fعِلْمٌ': 1.0}
    """
    return {
        term: bonus
        for term, bonus in variants.items()
        if marks_compatible(word, split_written_term(term)[1])
    }
