"""The names a query's ``doc:`` filters give, and whether the index holds them.

``doc:`` takes a document's name under its indexed folder (``news/a.txt``) or
a folder's (``news``, ``news/``) as written, letter case and extension
included: ``doc:festival`` and ``doc:Festival.html`` find nothing where
``festival.html`` is indexed, and a search that finds nothing cannot tell a
name that names nothing from words that are not there. After such a search,
:func:`unnamed_document_note` says which name names nothing, and which indexed
names are that one but for letter case, extension or folder.
"""

from __future__ import annotations

import re
from collections.abc import Collection

# A doc: filter as the query writes it: after a space, a bracket or a leading minus.
_DOC_FILTER = re.compile(r'(?<![^\s(\-])doc:(?:"([^"]*)"|(\S+))')
# A note names at most this many close names, and counts the others.
MAX_CLOSE_NAMES = 3


def doc_filters(query: str) -> list[str]:
    """The ``doc:`` values of ``query``, as written inside their quotes.

    >>> doc_filters('السلام doc:news/a.txt (-doc:"تقرير (نهائي).txt")')
    ['news/a.txt', 'تقرير (نهائي).txt']
    """
    return [quoted or bare.rstrip(")") for quoted, bare in _DOC_FILTER.findall(query)]


def unnamed_document_note(value: str, names: Collection[str]) -> str | None:
    """A line saying that ``doc:value`` names none of the indexed documents
    ``names`` nor a folder of them, with the names close to it; None if it names one.

    >>> unnamed_document_note("festival", ["festival.html", "news/syria.txt"])
    'no indexed document is named festival; festival.html is'
    >>> unnamed_document_note("News", ["festival.html", "news/syria.txt"])
    'no indexed document is named News; news/ is'
    """
    if not value.endswith("/") and value in names:
        return None
    folders = _folders(names)
    if value.rstrip("/") + "/" in folders:
        return None
    kind = "folder" if value.endswith("/") else "document"
    note = f"no indexed {kind} is named {value}"
    wanted = _loose(value)
    # A name without a folder is also close to the same name in any folder.
    anywhere = "/" not in value.rstrip("/")
    close = []
    for name in (*names, *folders):
        loose = _loose(name)
        if loose == wanted or (anywhere and loose.rpartition("/")[2] == wanted):
            close.append(name)
    close.sort()
    if not close:
        return note
    shown = close[:MAX_CLOSE_NAMES]
    if len(close) > len(shown):
        shown.append(f"{len(close) - len(shown)} more")
    listed = shown[0] if len(shown) == 1 else f"{', '.join(shown[:-1])} and {shown[-1]}"
    return f"{note}; {listed} {'is' if len(close) == 1 else 'are'}"


def _folders(names: Collection[str]) -> set[str]:
    """Every folder holding one of ``names``, ending in ``/`` as ``doc:`` writes one."""
    folders = set()
    for name in names:
        end = name.rfind("/")
        while end > 0 and name[: end + 1] not in folders:
            folders.add(name[: end + 1])
            end = name.rfind("/", 0, end)
    return folders


def _loose(name: str) -> str:
    """``name`` as compared for closeness: its letter case and extension aside."""
    name = name.rstrip("/").casefold()
    stem, dot, extension = name.rpartition(".")
    return stem if dot and stem and not stem.endswith("/") and "/" not in extension else name
