"""A local web page for searching one index (``searchidx serve``).

The standard library's threading HTTP server is enough for one user on one
computer. The page is one template, one stylesheet and one small script
(``searchidx/web/``), rendered on the server, so it works without JavaScript.
Routes:

* ``GET /?q=...&doc=...&offset=N&marks=strict``: the search page, ten hits a page
  (``marks`` as ``--marks``);
* ``GET /api/search?q=...&limit=N&offset=N&marks=strict``: the JSON of
  ``searchidx search --format json`` (``marks`` as ``--marks``, ``rank`` by default);
  paging stops at the 1,000th hit (offset + limit at most 1,000);
* ``GET /doc?path=...&paragraph=N&locator=...&q=...&marks=strict``: one indexed
  document, that paragraph (of that record) highlighted and the query's words marked;
  ``path`` is a hit's ``path`` (absolute), or its document name if that names one file;
* ``GET /static/style.css``, and ``/static/search.js``, which searches as
  the user types by fetching the same page (the page works without it).

Each takes the parameters listed, no other; ``HEAD`` answers as ``GET`` without the body.

Safety: every piece of indexed text is HTML-escaped, and the page runs no
script but its own (Content-Security-Policy); a document is shown only if the
index holds it, and its text comes from the index, never from the disk; bad
parameters get 400 with a message, and no traceback reaches a page. On a
loopback address, requests must name a loopback host (or the address served),
so a web site cannot reach the index by pointing its own name at 127.0.0.1
(DNS rebinding).
"""

from __future__ import annotations

import errno
import html
import ipaddress
import json
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from string import Template
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from .errors import QueryError, SearchidxError
from .index import Index
from .search.doc_names import doc_filters, unnamed_document_note
from .search.highlight import html_marked, html_snippet

PAGE_SIZE = 10
MAX_LIMIT = 100
# Hits before the offset are ranked and given snippets too; deeper pages would be
# slow: paging stops at this hit (offset + limit at most this).
MAX_HITS = 1000
# A document page marks the query's words in at most this many paragraphs.
MAX_MARKED_PARAGRAPHS = 1000
# The document box suggests at most this many document names.
MAX_SUGGESTED_DOCUMENTS = 1000
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; script-src 'self'; connect-src 'self'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


@dataclass
class Response:
    status: int
    content_type: str
    body: bytes


class _HttpError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def is_loopback(host: str) -> bool:
    """Whether ``host`` is reachable from this computer only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class SearchSite:
    """The web page's answers to requests, apart from the HTTP server."""

    def __init__(self, index: Index) -> None:
        self.index = index
        # Whoosh's readers share file handles: one request reads the index at a time.
        self._lock = threading.Lock()
        self._documents_of: tuple[int | None, dict[str, str]] = (None, {})
        web = resources.files("searchidx") / "web"
        self._template = Template((web / "page.html").read_text(encoding="utf-8"))
        self._stylesheet = (web / "style.css").read_bytes()
        self._search_script = (web / "search.js").read_bytes()

    def respond(self, target: str) -> Response:
        """The response to ``GET target`` (a path with its query string)."""
        url = urlsplit(target)
        # Each page and the parameters it takes: any other is a mistake (a
        # misspelt «Limit», a «context» the page has not), answered with a 400
        # that names it rather than as if it had not been asked.
        routes = {
            "/": (self._search_page, ("q", "doc", "offset", "marks")),
            "/api/search": (self._api_search, ("q", "limit", "offset", "marks")),
            "/doc": (self._document_page, ("path", "paragraph", "locator", "q", "marks")),
            "/static/style.css": (self._style, ()),
            "/static/search.js": (self._script, ()),
        }
        params: dict[str, list[str]] = {}
        try:
            params = _parameters(url.query)
            if url.path not in routes:
                raise _HttpError(404, f"no page at {url.path}")
            page, takes = routes[url.path]
            unknown = sorted(set(params) - set(takes))
            if unknown:
                listed = ", ".join(takes) or "no parameters"
                raise _HttpError(400, f"{url.path} takes {listed}, not «{unknown[0]}»")
            return page(params)
        except QueryError as error:
            return self._error(url.path, params, 400, str(error))
        except _HttpError as error:
            return self._error(url.path, params, error.status, str(error))
        except SearchidxError as error:
            return self._error(url.path, params, 500, str(error))

    # Pages

    def _search_page(self, params) -> Response:
        query, doc, marks = _text(params, "q"), _text(params, "doc"), _marks(params)
        offset = _integer(params, "offset", 0, 0, MAX_HITS - 1)
        if not query.strip():
            return self._page("searchidx", params, "")
        results = self._search(query, doc, min(PAGE_SIZE, MAX_HITS - offset), offset, marks)
        if not results.hits and results.total:
            first_page = _search_params(query, doc, 0, marks)
            main = (
                f'<p class="summary">هذه الصفحة بعد آخر نتيجة من {_matching(results.total)}. '
                f'<a href="/?{_escape(urlencode(first_page))}">الصفحة الأولى</a></p>'
            )
            return self._page(f"{query} – searchidx", params, main)
        suggested = _suggestions_html(results.suggestions, doc, marks)
        if not results.hits:
            notes = "".join(
                f'<p class="note" dir="auto">{_escape(note)}</p>\n'
                for note in self._unnamed_document_notes(query, doc)
            )
            main = f'{notes}<p class="summary">لا فقرة تطابق «{_escape(query)}»</p>{suggested}'
            return self._page(f"{query} – searchidx", params, main)
        items = "\n".join(_hit_html(hit, hit.path, query, marks) for hit in results.hits)
        first, last = offset + 1, offset + len(results.hits)
        main = (
            f'<p class="summary">{first}–{last} من {_matching(results.total)}</p>{suggested}\n'
            f'<ol class="hits" start="{first}">\n{items}\n</ol>\n'
            f"{_paging(query, doc, offset, results.total, marks)}"
        )
        return self._page(f"{query} – searchidx", params, main)

    def _api_search(self, params) -> Response:
        query = _text(params, "q")
        limit = _integer(params, "limit", PAGE_SIZE, 1, MAX_LIMIT)
        offset = _integer(params, "offset", 0, 0, MAX_HITS - 1)
        if offset + limit > MAX_HITS:
            raise _HttpError(
                400, f"offset + limit must be at most {MAX_HITS}: paging stops at hit {MAX_HITS}"
            )
        results = self._search(query, "", limit, offset, _marks(params))
        return _json_response(200, results.to_dict())

    def _document_page(self, params) -> Response:
        path = _text(params, "path")
        if not path:
            raise _HttpError(400, "/doc needs path: a hit's path, or its doc name")
        number = _integer(params, "paragraph", 0, 0, 10**9)
        locator = _text(params, "locator")
        document = self._document(path)
        if number and not any(p.number == number for p in document.paragraphs):
            raise _HttpError(404, f"this document has no paragraph {number}")
        path = str(document.path)
        hit = next(
            (
                paragraph
                for paragraph in document.paragraphs
                if paragraph.number == number and (not locator or paragraph.locator == locator)
            ),
            None,
        )
        # In a file of records, the hit's record gives the heading, not the file's first.
        title = hit.title if hit is not None else document.title
        matches = self._matches_in(document, _text(params, "q"), _marks(params))
        paragraphs = "\n".join(
            _paragraph_html(
                position,
                paragraph,
                paragraph is hit,
                matches.get((paragraph.number, paragraph.locator), []),
            )
            for position, paragraph in enumerate(document.paragraphs, 1)
        )
        main = (
            f"<article>\n<h1>{_escape(title or document.doc_id)}</h1>\n"
            f'<p class="path" dir="ltr">{_escape(path)}</p>\n{paragraphs}\n</article>'
        )
        return self._page(f"{document.doc_id} – searchidx", params, main)

    def _document(self, path: str):
        """The document at ``path`` (absolute, as indexed), or the one file of that name."""
        with self._lock:
            document = self.index.document(path)
            if document is None:
                records = self.index.file_records().items()
                files = [file for file, record in records if record.doc == path]
                if len(files) > 1:
                    raise _HttpError(
                        400, f"{len(files)} files are named {path}; give the path of one (hit.path)"
                    )
                document = self.index.document(files[0]) if files else None
        if document is None:
            raise _HttpError(404, "this index holds no such document")
        return document

    def _matches_in(self, document, query: str, marks: str) -> dict[tuple[int, str], list]:
        """The matched words of ``query`` in each paragraph of ``document``, to mark them."""
        if not query.strip():
            return {}
        try:
            limit = min(len(document.paragraphs), MAX_MARKED_PARAGRAPHS)
            results = self._search(query, document.doc_id, limit, 0, marks)
        except QueryError:
            return {}
        return {
            (hit.paragraph, hit.locator): hit.matches
            for hit in results.hits
            if hit.path == str(document.path)
        }

    def _style(self, params) -> Response:
        return Response(200, "text/css; charset=utf-8", self._stylesheet)

    def _script(self, params) -> Response:
        return Response(200, "text/javascript; charset=utf-8", self._search_script)

    # Parts

    def _search(self, query: str, doc: str, limit: int, offset: int, marks: str):
        if not doc:
            with self._lock:
                return self.index.search(query, limit=limit, offset=offset, marks=marks)
        within = f"({query}) doc:{_quoted(doc)}"
        with self._lock:
            results = self.index.search(within, limit=limit, offset=offset, marks=marks)
        # A correction of the words alone, for the page's own query box and document box.
        head, tail = "(", f") doc:{_quoted(doc)}"
        results.suggestions = [
            {**row, "query": str(row["query"])[len(head) : -len(tail)]}
            for row in results.suggestions
            if str(row["query"]).startswith(head) and str(row["query"]).endswith(tail)
        ]
        return results

    def _unnamed_document_notes(self, query: str, doc: str) -> list[str]:
        """For a search that found nothing: a line for each name of the document
        box or a ``doc:`` of the query that names no indexed document or folder."""
        values = [*doc_filters(query), *([doc] if doc else [])]
        if not values:
            return []
        with self._lock:
            names = self._documents().keys()
        notes = (unnamed_document_note(value, names) for value in values)
        return [note for note in notes if note]

    def _documents(self) -> dict[str, str]:
        """Each document name and its file's path, as of the index's latest
        update; call with the lock held."""
        generation = self.index.generation
        if self._documents_of[0] != generation:
            paths: dict[str, str] = {}
            for path, record in sorted(self.index.file_records().items()):
                paths.setdefault(record.doc, path)
            self._documents_of = (generation, paths)
        return self._documents_of[1]

    def _page(self, title: str, params, main: str, status: int = 200) -> Response:
        with self._lock:
            docs = sorted(self._documents())
        options = "".join(
            f'<option value="{_escape(doc)}">' for doc in docs[:MAX_SUGGESTED_DOCUMENTS]
        )
        page = self._template.substitute(
            title=_escape(title),
            query=_escape(_text(params, "q", strict=False)),
            strict=" checked" if _text(params, "marks", strict=False) == "strict" else "",
            doc=_escape(_text(params, "doc", strict=False)),
            documents=options,
            main=main,
        )
        return Response(status, "text/html; charset=utf-8", page.encode("utf-8"))

    def _error(self, path: str, params, status: int, message: str) -> Response:
        if path.startswith("/api/"):
            return _json_response(status, {"error": message})
        main = f'<p class="error" dir="auto">{_escape(message)}</p>'
        return self._page("searchidx", params, main, status)


def _parameters(query: str) -> dict[str, list[str]]:
    """The parameters of a query string: a % that starts no escape, or escapes
    that are not UTF-8, are a bad request, not a search for what they garble."""
    if _BAD_ESCAPE.search(query):
        raise _HttpError(400, "the address holds a % that starts no escape (%XX); write a % as %25")
    try:
        return parse_qs(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise _HttpError(400, "the address's percent-escapes are not UTF-8 text") from None


def _text(params, name: str, strict: bool = True) -> str:
    values = params.get(name, [])
    if len(values) > 1 and strict:
        raise _HttpError(400, f"give {name} once, not {len(values)} times")
    return values[0] if values else ""


def _marks(params) -> str:
    """What the query's diacritics do (``--marks``): ``rank`` unless the page asks."""
    return _text(params, "marks") or "rank"


def _integer(params, name: str, default: int, low: int, high: int) -> int:
    text = _text(params, name).strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise _HttpError(400, f"{name} must be a whole number, not «{text}»") from None
    if not low <= value <= high:
        raise _HttpError(400, f"{name} must be between {low} and {high}")
    return value


def _matching(count: int) -> str:
    """«N matching paragraphs» after «من», the Arabic noun in the number it takes after N."""
    if count == 2:
        return "فقرتين مطابقتين"
    if 3 <= count % 100 <= 10:
        return f"{count} فقرات مطابقة"
    return f"{count} فقرة مطابقة"


def _quoted(doc: str) -> str:
    # A document name with spaces or quotes is one term only inside quotes.
    escaped = doc.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"' if any(char in doc for char in ' "()\\') else doc


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _hit_html(hit, path: str, query: str, marks: str) -> str:
    where = f"{hit.doc} ¶{hit.paragraph}" + (f" · {hit.locator}" if hit.locator else "")
    target = {"path": path, "paragraph": hit.paragraph, "q": query, **_marks_param(marks)}
    if hit.locator:
        target["locator"] = hit.locator
    link = f"/doc?{urlencode(target)}#hit"
    return (
        f'<li>\n<a class="title" href="{_escape(link)}">{_escape(hit.title or hit.doc)}</a>\n'
        f'<div class="where" dir="auto">{_escape(where)}</div>\n'
        f'<p class="snippet" dir="auto">{html_snippet(hit.text, hit.window, hit.matches)}</p>\n'
        f'<div class="path" dir="ltr">{_escape(path)}</div>\n</li>'
    )


def _paragraph_html(position: int, paragraph, is_hit: bool, matches) -> str:
    attributes = 'id="hit" class="hit"' if is_hit else f'id="p{position}"'
    locator = f"¶{paragraph.number}" + (f" · {paragraph.locator}" if paragraph.locator else "")
    return (
        f'<p {attributes} dir="auto"><span class="locator">{_escape(locator)}</span>'
        f"{html_marked(paragraph.text, matches)}</p>"
    )


def _suggestions_html(suggestions: list[dict[str, object]], doc: str, marks: str) -> str:
    """«did you mean» as links to the corrected searches; empty without suggestions."""
    if not suggestions:
        return ""
    links = "، ".join(
        f'<a href="/?{_escape(urlencode(_search_params(str(row["query"]), doc, 0, marks)))}">'
        f"«{_escape(str(row['query']))}»</a> ({_matching(row['total'])})"
        for row in suggestions
    )
    return f'\n<p class="suggestions">هل تقصد: {links}؟</p>'


def _search_params(query: str, doc: str, offset: int, marks: str) -> dict[str, object]:
    """The address parameters of a page of results, defaults left out."""
    return {
        "q": query,
        **({"doc": doc} if doc else {}),
        **({"offset": offset} if offset else {}),
        **_marks_param(marks),
    }


def _marks_param(marks: str) -> dict[str, str]:
    """``marks`` for a link's address, left out when it is the default."""
    return {} if marks == "rank" else {"marks": marks}


def _paging(query: str, doc: str, offset: int, total: int, marks: str) -> str:
    def link(to: int, label: str, rel: str) -> str:
        params = _search_params(query, doc, to, marks)
        return f'<a rel="{rel}" href="/?{_escape(urlencode(params))}">{label}</a>'

    previous = link(max(0, offset - PAGE_SIZE), "→ السابق", "prev") if offset else "<span></span>"
    following = offset + PAGE_SIZE
    more = following < total and following < MAX_HITS
    after = link(following, "التالي ←", "next") if more else "<span></span>"
    return f'<nav class="pages">{previous}{after}</nav>'


_BAD_ESCAPE = re.compile("%(?![0-9A-Fa-f]{2})")
_NOT_ENCODED = (
    "bad request: the address holds spaces or characters that are not percent-encoded; "
    "encode them (curl -G --data-urlencode 'q=...')\n"
)


def _json_response(status: int, value) -> Response:
    body = json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")
    return Response(status, "application/json; charset=utf-8", body)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "searchidx"
    # Requests too malformed to reach do_GET get one plain line too, not an HTML page.
    error_content_type = "text/plain; charset=utf-8"
    error_message_format = "%(message)s\n"

    def send_error(self, code, message=None, explain=None):
        # The standard message quotes the raw request line, mangled when it is not ASCII.
        if code == 400:
            message = _NOT_ENCODED.strip()
        super().send_error(code, message, None)

    def do_GET(self):
        self._answer(self._response(), with_body=True)

    def do_HEAD(self):
        # What GET would answer, its length included, without the body (curl -I).
        self._answer(self._response(), with_body=False)

    def _response(self) -> Response:
        if not self.server.allows_host(self.headers.get("Host", "")):
            return Response(421, "text/plain; charset=utf-8", b"unknown host name\n")
        if not self.path.isascii():
            return Response(400, "text/plain; charset=utf-8", _NOT_ENCODED.encode())
        try:
            return self.server.site.respond(self.path)
        # The server must outlive any one bad request; the page gets one line.
        except Exception as error:
            error_line = f"error: {_logged_target(self.path)}: {type(error).__name__}: {error}"
            self.server.log(_printable(error_line))
            return Response(500, "text/plain; charset=utf-8", b"internal error\n")

    def _answer(self, response: Response, with_body: bool) -> None:
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in _SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(response.body)

    def log_request(self, code="-", size="-"):
        # The target is made readable and cut; the method and version stay whole.
        method, _, rest = self.requestline.partition(" ")
        target, space, version = rest.rpartition(" ")
        if not version.startswith("HTTP/"):
            target, space, version = rest, "", ""
        line = f"{method} {_logged_target(target)}{space}{version}"
        self.log_message('"%s" %s %s', line, getattr(code, "value", code), size)

    def log_message(self, format, *args):
        self.server.log(_printable(f"{self.address_string()} {format % args}"))


# A longer request target is logged cut to this many characters.
LOGGED_TARGET_CHARS = 200
# Percent-escapes of bytes past ASCII: the UTF-8 of a letter, as browsers send Arabic.
_NON_ASCII_ESCAPES = re.compile("(?:%[89A-Fa-f][0-9A-Fa-f])+")


def _logged_target(target: str) -> str:
    """A request's target as the log shows it: its letters, not their escapes, and
    its start alone when it is long.

    The server reads the request line as Latin-1, so a letter sent unescaped is
    the Latin-1 of its UTF-8 bytes («q=ÙÙ»): it is read as UTF-8 again.
    Escapes of letters are decoded where they are UTF-8; escapes of ASCII stay,
    as «%26» would read as a «&» that parts parameters.

    >>> _logged_target("/?q=%D9%81%D9%8A%20%D8%A7")
    '/?q=في%20ا'
    """
    text = target.encode("latin-1").decode("utf-8", "backslashreplace")
    text = _NON_ASCII_ESCAPES.sub(_decoded, text)
    if len(text) > LOGGED_TARGET_CHARS:
        left_out = len(text) - LOGGED_TARGET_CHARS
        text = f"{text[:LOGGED_TARGET_CHARS]}… ({left_out:,} characters left out)"
    return text


def _decoded(escapes: re.Match) -> str:
    """The letters of a run of escapes; a byte that is no part of one stays escaped."""
    text = unquote(escapes[0], errors="surrogateescape")
    return "".join(f"%{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c for c in text)


def _printable(line: str) -> str:
    """``line`` with what a terminal would act on or hide (controls, direction marks)
    written as escapes: a request must not colour, move or reorder the log."""
    return "".join(
        char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
        for char in line
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: SearchSite, host: str, port: int, log: Callable[[str], None]):
        self.site = site
        self.log = log
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host.strip("[]"), port), _Handler)
        self.port = self.server_address[1]
        served = f"[{host.strip('[]')}]" if ":" in host else host
        loopback_names = ("localhost", "127.0.0.1", "[::1]", served.lower())
        self._hosts = {f"{name}:{self.port}" for name in loopback_names} | set(loopback_names)
        self._check_host = is_loopback(host)

    def allows_host(self, host: str) -> bool:
        return not self._check_host or host.lower() in self._hosts


def make_server(
    index: Index,
    host: str = "127.0.0.1",
    port: int = 8700,
    log: Callable[[str], None] | None = None,
) -> _Server:
    """A server for ``index`` at ``host:port`` (port 0: any free port; see ``.port``);
    run it with ``serve_forever()``. ``log`` receives one line per request."""
    try:
        return _Server(SearchSite(index), host, port, log or (lambda line: None))
    except OSError as error:
        raise SearchidxError(f"cannot listen on {host}:{port}: {_reason(error, port)}") from None


def _reason(error: OSError, port: int) -> str:
    if error.errno == errno.EADDRINUSE:
        return f"port {port} is in use; choose another with --port"
    if error.errno == errno.EACCES:
        return "permission denied; ports below 1024 need privileges, choose another with --port"
    return error.strerror or str(error)
