"""The web page over HTTP: what a browser or a script gets back from `searchidx serve`."""

from __future__ import annotations

import html
import http.client
import json
import re
import signal
import socket
import subprocess
import threading
from urllib.parse import quote, urlencode

import pytest

from searchidx import Index
from searchidx.serve import MAX_HITS, SearchSite, _matching, _paging, is_loopback, make_server

from .conftest import SMALL_CORPUS, cli_command, write_corpus

HOSTILE = {
    "hostile.txt": (
        "تحذير\n\n"
        'فقرة عن سوريا فيها <script>alert("x")</script> وصورة <img src=x onerror="alert(1)">.\n\n'
        "سطر عادي بلا شيء غريب.\n"
    )
}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A server on a free port over an index of the small corpus and a hostile file."""
    root = tmp_path_factory.mktemp("serve")
    docs = write_corpus(root / "docs", {**SMALL_CORPUS, **HOSTILE})
    index = Index.create(root / "index")
    index.update([docs])
    server = make_server(index, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, docs
    server.shutdown()
    server.server_close()
    index.close()


def get(site, target: str, host: str | None = None) -> tuple[int, dict, str]:
    server, _ = site
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Host": host} if host else {}
    connection.request("GET", target, headers=headers)
    response = connection.getresponse()
    body = response.read().decode("utf-8")
    connection.close()
    return response.status, dict(response.getheaders()), body


def page(**params) -> str:
    return "/?" + urlencode(params)


def test_the_search_page_renders_results_without_javascript(site):
    status, headers, body = get(site, page(q="سوريا"))
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<html lang="ar" dir="rtl">' in body
    assert '<input type="search" name="q" value="سوريا"' in body
    assert re.findall(r"<script[^>]*>", body) == ['<script src="/static/search.js" defer>']
    assert re.search(r"1–\d+ من \d+ فقرات مطابقة", body)
    assert "عاد اللاجئون إلى <mark>سوريا</mark> بعد سنوات من الحرب." in body
    assert "وصل الوفد الدولي <mark>بسوريا</mark> أمس" in body
    _, docs = site
    assert f'<div class="path" dir="ltr">{docs / "news" / "syria.txt"}</div>' in body


def test_indexed_markup_is_shown_as_text(site):
    _, _, body = get(site, page(q="سوريا"))
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in body
    assert "<img" not in body and '<script>alert("x")' not in body
    status, _, document = get(site, "/doc?" + urlencode(hostile_document(site)))
    assert status == 200
    assert "&lt;script&gt;" in document and "<script>" not in document


def test_a_query_with_markup_is_escaped_in_the_box_and_the_message(site):
    status, _, body = get(site, page(q='"><script>alert(1)</script>'))
    assert status in (200, 400)
    assert "<script>alert(1)" not in body
    assert 'value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in body


def hostile_document(site) -> dict:
    _, docs = site
    return {"path": str(docs / "hostile.txt"), "paragraph": 2}


def test_the_document_page_shows_every_paragraph_and_marks_the_hit(site):
    _, docs = site
    status, _, body = get(
        site, "/doc?" + urlencode({"path": str(docs / "news" / "syria.txt"), "paragraph": 3})
    )
    assert status == 200
    paragraphs = re.findall(r"<p (id=\"[^\"]+\"[^>]*)>", body)
    assert len(paragraphs) == 4
    assert paragraphs[2].startswith('id="hit" class="hit"')
    hit = re.search(r'<p id="hit"[^>]*>(.*?)</p>', body)[1]
    assert "وصل الوفد الدولي بسوريا أمس لبحث إعادة الإعمار." in hit


def test_the_document_page_marks_the_query_words_in_every_paragraph(site):
    _, docs = site
    target = {"path": str(docs / "news" / "syria.txt"), "paragraph": 2, "q": "سوريا"}
    _, _, body = get(site, "/doc?" + urlencode(target))
    assert re.findall(r"<mark>([^<]+)</mark>", body) == ["سوريا", "سوريا", "بسوريا"]
    _, _, hostile = get(site, "/doc?" + urlencode({**hostile_document(site), "q": "سوريا"}))
    assert "<mark>سوريا</mark> فيها &lt;script&gt;" in hostile


def test_results_link_to_their_paragraph_in_the_document(site):
    _, _, body = get(site, page(q="الإعمار"))
    [link] = re.findall(r'<a class="title" href="([^"]+)"', body)
    status, _, document = get(site, link.replace("&amp;", "&").split("#")[0])
    assert status == 200
    hit = re.search(r'<p id="hit"[^>]*>(.*?)</p>', document)[1]
    assert "وصل الوفد الدولي بسوريا أمس لبحث إعادة <mark>الإعمار</mark>." in hit


@pytest.mark.parametrize(
    "path",
    ["/etc/passwd", "../../etc/passwd", "news/absent.txt"],
)
def test_only_documents_of_the_index_can_be_shown(site, path):
    status, _, body = get(site, "/doc?" + urlencode({"path": path}))
    assert status == 404
    assert "this index holds no such document" in body
    assert "root:" not in body


@pytest.mark.parametrize(
    "target", ["/doc", "/doc?path=", "/doc?paragraph=2&q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7"]
)
def test_a_document_page_without_a_path_is_a_bad_request_that_names_it(site, target):
    """It was «this index holds no such document», 404, as if a path had been given."""
    status, _, body = get(site, target)
    assert status == 400
    assert (
        '<p class="error" dir="auto">/doc needs path: a hit&#x27;s path, or its doc name</p>'
    ) in body


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (page(q="سوريا", foo=1, limit=5), "/ takes q, doc, offset, marks, not «foo»"),
        (page(q="سوريا", Doc="news/syria.txt"), "/ takes q, doc, offset, marks, not «Doc»"),
        (
            "/doc?" + urlencode({"path": "news/syria.txt", "paragraph": 2, "foo": 1}),
            "/doc takes path, paragraph, locator, q, marks, not «foo»",
        ),
        ("/static/style.css?v=2", "/static/style.css takes no parameters, not «v»"),
    ],
)
def test_every_page_names_a_parameter_it_does_not_take(site, target, message):
    """As /api/search does: the search page answered «limit=5» with ten hits."""
    status, _, body = get(site, target)
    assert status == 400
    assert f'<p class="error" dir="auto">{html.escape(message)}</p>' in body


def test_the_pages_take_the_parameters_their_own_links_and_form_send(site):
    _, _, body = get(site, page(q="الإعمار", doc="news/syria.txt", marks="strict", offset=0))
    [link] = re.findall(r'<a class="title" href="([^"]+)"', body)
    assert get(site, html.unescape(link).split("#")[0])[0] == 200
    assert get(site, "/static/search.js")[0] == 200


def test_api_search_is_the_json_of_the_command_with_paging(site):
    status, headers, body = get(site, "/api/search?" + urlencode({"q": "سوريا", "limit": 50}))
    assert status == 200 and headers["Content-Type"] == "application/json; charset=utf-8"
    everything = json.loads(body)
    assert set(everything) == {"query", "total", "hits"}
    assert everything["total"] == len(everything["hits"]) >= 3
    _, _, body = get(site, "/api/search?" + urlencode({"q": "سوريا", "limit": 2, "offset": 1}))
    second_page = json.loads(body)
    assert second_page["total"] == everything["total"]
    assert second_page["hits"] == everything["hits"][1:3]
    assert [hit["rank"] for hit in second_page["hits"]] == [2, 3]


def test_page_offers_the_corrections_as_links(site):
    """«المكطبة» finds nothing: the page links to «المكتبة», in the same document too."""
    _, _, body = get(site, page(q="المكطبة"))
    assert "لا فقرة تطابق «المكطبة»" in body
    [suggestions] = re.findall(r'<p class="suggestions">(.*?)</p>', body)
    assert suggestions.startswith("هل تقصد: ")
    assert f'<a href="{"/?" + urlencode({"q": "المكتبة"})}">«المكتبة»</a>' in suggestions
    _, _, within = get(site, page(q="المكطبة", doc="news/library.md"))
    [link] = re.findall(r'<p class="suggestions">هل تقصد: <a href="([^"]+)"', within)
    assert link == "/?" + urlencode({"q": "المكتبة", "doc": "news/library.md"}).replace(
        "&", "&amp;"
    )
    _, _, found = get(site, page(q="المكتبة"))
    assert 'class="suggestions"' not in found


@pytest.mark.parametrize("query", ["سوريا", "المكطبة"])  # the second gets a suggestion
def test_api_search_matches_the_command_line(site, run, query):
    server, _ = site
    index_path = server.site.index.path
    command = run("search", query, "--index", str(index_path), "--format", "json")
    _, _, body = get(site, "/api/search?" + urlencode({"q": query}))
    assert json.loads(body) == json.loads(command.stdout)
    assert ("suggestions" in json.loads(body)) == (query == "المكطبة")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("/api/search?q=" + quote("سوريا") + "&limit=abc", "limit must be a whole number"),
        ("/api/search?q=" + quote("سوريا") + "&limit=0", "limit must be between 1 and 100"),
        ("/api/search?q=" + quote("سوريا") + f"&offset={MAX_HITS}", "offset must be between"),
        (
            "/api/search?q=" + quote("سوريا") + f"&offset={MAX_HITS - 5}&limit=10",
            "offset + limit must be at most 1000: paging stops at hit 1000",
        ),
        ("/api/search?q=", "the query is empty"),
        ("/api/search?q=" + quote("سوريا OR"), "OR needs a word on each side"),
        ("/api/search?q=a&q=b", "give q once"),
        ("/api/search?q=" + quote("عِلْم") + "&marks=bad", "marks must be 'rank' or 'strict'"),
        (
            "/api/search?q=" + quote("سوريا") + "&context=1",
            "/api/search takes q, limit, offset, marks, not «context»",
        ),
        ("/api/search?q=" + quote("سوريا") + "&files=1&Limit=5", "not «Limit»"),
    ],
)
def test_bad_api_parameters_get_400_with_a_message(site, target, message):
    status, _, body = get(site, target)
    assert status == 400
    assert message in json.loads(body)["error"]
    assert "Traceback" not in body


@pytest.mark.parametrize("doc", [None, "news/library.md"])
def test_a_quote_not_closed_yet_gets_its_message_not_the_words(site, doc):
    """As a phrase is typed, the page says the quote is open, in the document box
    too, rather than showing the hits of its words; closed, it finds the phrase."""
    within = {"doc": doc} if doc else {}
    status, _, body = get(site, page(q='"المكتبة الوطنية', **within))
    assert status == 400
    assert (
        '<p class="error" dir="auto">a quote («&quot;») is not closed: close it, or remove it '
        "to search for the words</p>"
    ) in body
    status, _, body = get(site, page(q='"المكتبة الوطنية"', **within))
    assert status == 200 and "<mark>المكتبة</mark> <mark>الوطنية</mark>" in body


def test_api_search_takes_marks(site):
    """«عَلَم» (a flag) finds «العِلْمِ» (knowledge) by its letters, but not strict."""
    target = "/api/search?q=" + quote("عَلَم")
    ranked = json.loads(get(site, target)[2])
    strict = json.loads(get(site, target + "&marks=strict")[2])
    assert [hit["doc"] for hit in ranked["hits"]] == ["hadith.txt"] * 3
    assert (ranked["total"], strict["total"]) == (3, 0)


def test_the_page_keeps_strict_marks_in_its_form_and_links(site):
    _, _, ranked = get(site, page(q="عِلْم"))
    assert '<input type="checkbox" name="marks" value="strict">' in ranked
    status, _, strict = get(site, page(q="عِلْم", marks="strict"))
    assert status == 200
    assert '<input type="checkbox" name="marks" value="strict" checked>' in strict
    assert "<mark>العِلْمِ</mark>" in strict
    assert re.search(r'href="/doc\?[^"]*marks=strict', strict)
    _, _, flag = get(site, page(q="عَلَم", marks="strict"))
    assert "لا فقرة تطابق «عَلَم»" in flag
    # The document page marks only the words whose diacritics the query allows.
    document = {"path": "hadith.txt", "paragraph": 1, "q": "عَلَم"}
    assert "<mark>العِلْمِ</mark>" in get(site, "/doc?" + urlencode(document))[2]
    strict_document = get(site, "/doc?" + urlencode({**document, "marks": "strict"}))[2]
    assert "<mark>" not in strict_document


def test_bad_page_parameters_get_400_with_a_page(site):
    status, headers, body = get(site, page(q="سوريا", offset="-3"))
    assert status == 400 and headers["Content-Type"].startswith("text/html")
    assert '<p class="error" dir="auto">offset must be between 0 and 999</p>' in body


def test_unknown_pages_get_404(site):
    status, _, body = get(site, "/admin")
    assert status == 404 and "no page at /admin" in body


def test_paging_links_walk_through_the_results(site):
    server, _ = site
    with Index.open(server.site.index.path) as index:
        total = index.search("سوريا OR الكتاب OR العلم OR المكتبة OR قال", limit=1).total
    assert total > 10
    _, _, first = get(site, page(q="سوريا OR الكتاب OR العلم OR المكتبة OR قال"))
    assert 'rel="prev"' not in first
    [following] = re.findall(r'<a rel="next" href="([^"]+)"', first)
    _, _, second = get(site, following.replace("&amp;", "&"))
    assert f"11–{total} من {total} فقرة مطابقة" in second
    assert 'rel="prev"' in second and 'rel="next"' not in second


def test_the_document_filter_keeps_hits_of_one_document(site):
    _, _, body = get(site, page(q="سوريا", doc="news/syria.txt"))
    assert set(re.findall(r'<div class="where" dir="auto">([^ ]+) ¶', body)) == {"news/syria.txt"}
    assert '<option value="news/syria.txt">' in body


def test_a_foreign_host_name_is_refused(site):
    status, _, _ = get(site, page(q="سوريا"), host="attacker.example:80")
    assert status == 421
    assert get(site, page(q="سوريا"), host=f"localhost:{site[0].port}")[0] == 200


def test_responses_forbid_scripts_and_sniffing(site):
    _, headers, _ = get(site, "/")
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    status, headers, css = get(site, "/static/style.css")
    assert status == 200 and headers["Content-Type"] == "text/css; charset=utf-8"
    assert "mark" in css


def test_loopback_addresses():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.5")


@pytest.mark.slow
def test_serve_says_where_and_warns_off_loopback(tmp_path, corpus):
    Index.create(tmp_path / "index").update([corpus])

    def first_lines(*args) -> list[str]:
        process = subprocess.Popen(
            cli_command("serve", "--index", str(tmp_path / "index"), *args),
            stderr=subprocess.PIPE,
            text=True,
        )
        lines = [process.stderr.readline().strip() for _ in range(2)]
        process.terminate()
        process.wait(timeout=10)
        return lines

    lines = first_lines("--port", "0")
    assert re.fullmatch(r"serving .+ at http://127\.0\.0\.1:\d+/", lines[0])
    assert lines[1] == "only this computer can connect; Ctrl-C stops"
    lines = first_lines("--port", "0", "--host", "0.0.0.0")
    # Every address: the one to open on this computer is the loopback one.
    assert re.fullmatch(r"serving .+ at http://127\.0\.0\.1:\d+/", lines[0])
    assert lines[1].startswith("searchidx: warning: --host 0.0.0.0 lets other computers")


@pytest.mark.slow
def test_ctrl_c_stops_serve_with_exit_code_130_and_one_line(tmp_path, corpus):
    Index.create(tmp_path / "index").update([corpus])
    index = str(tmp_path / "index")
    process = subprocess.Popen(
        cli_command("serve", "--index", index, "--port", "0"),
        stderr=subprocess.PIPE,
        text=True,
        # Interruptible even when the tests run with SIGINT ignored (in the background).
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    for _ in range(2):
        process.stderr.readline()  # serving at …, only this computer …
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 130
    assert process.stderr.read().strip() == "searchidx: server stopped"


def test_a_busy_port_is_one_line(run, tmp_path, corpus):
    Index.create(tmp_path / "index").update([corpus])
    with Index.open(tmp_path / "index") as index:
        server = make_server(index, "127.0.0.1", 0)
        result = run("serve", "--index", str(tmp_path / "index"), "--port", str(server.port))
        server.server_close()
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"searchidx: error: cannot listen on 127.0.0.1:{server.port}: "
        f"port {server.port} is in use; choose another with --port"
    )


def test_the_page_sees_documents_indexed_after_it_started(tmp_path, corpus):
    index = Index.create(tmp_path / "index")
    index.update([corpus])
    site = SearchSite(index)
    assert '<option value="later.txt">' not in site.respond("/").body.decode()
    (corpus / "later.txt").write_text("خبر جديد عن سوريا", encoding="utf-8")
    with Index.open(tmp_path / "index") as other_process:
        other_process.update([corpus])
    body = site.respond("/?" + urlencode({"q": "جديد"})).body.decode()
    assert '<option value="later.txt">' in body
    assert f'<div class="path" dir="ltr">{corpus / "later.txt"}</div>' in body
    index.close()


def test_a_hit_links_to_its_document_by_path_or_by_a_name_that_names_one_file(site):
    _, _, body = get(site, "/api/search?" + urlencode({"q": "الإعمار"}))
    hit = json.loads(body)["hits"][0]
    by_path = get(site, "/doc?" + urlencode({"path": hit["path"], "paragraph": hit["paragraph"]}))
    by_name = get(site, "/doc?" + urlencode({"path": hit["doc"], "paragraph": hit["paragraph"]}))
    assert by_path[0] == by_name[0] == 200
    marked = re.search(r'<p id="hit"[^>]*>(.*?)</p>', by_name[2])[1]
    assert "وصل الوفد الدولي بسوريا أمس لبحث إعادة الإعمار." in marked
    assert by_path[2] == by_name[2]


def test_a_name_shared_by_two_files_asks_for_a_path(tmp_path):
    for root in ("one", "two"):
        write_corpus(tmp_path / root, {"تقرير.txt": f"تقرير الفريق {root} عن سوريا.\n"})
    with Index.create(tmp_path / "index") as index:
        index.update([tmp_path / "one", tmp_path / "two"])
        response = SearchSite(index).respond("/doc?" + urlencode({"path": "تقرير.txt"}))
    assert response.status == 400
    assert "2 files are named تقرير.txt; give the path of one (hit.path)" in response.body.decode()


def test_a_paragraph_the_document_lacks_is_404_with_a_message(site):
    _, _, body = get(site, "/api/search?" + urlencode({"q": "الإعمار"}))
    path = json.loads(body)["hits"][0]["path"]
    status, _, page_body = get(site, "/doc?" + urlencode({"path": path, "paragraph": 999}))
    assert status == 404
    assert '<p class="error" dir="auto">this document has no paragraph 999</p>' in page_body


def test_another_loopback_address_serves_requests_that_name_it(tmp_path, corpus):
    with Index.create(tmp_path / "index") as index:
        index.update([corpus])
        server = make_server(index, "127.0.0.2", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            for host, status in (
                (f"127.0.0.2:{server.port}", 200),
                ("127.0.0.2", 200),
                (f"localhost:{server.port}", 200),
                ("attacker.example", 421),
            ):
                connection = http.client.HTTPConnection("127.0.0.2", server.port, timeout=10)
                connection.request("GET", page(q="سوريا"), headers={"Host": host})
                assert connection.getresponse().status == status, host
                connection.close()
        finally:
            server.shutdown()
            server.server_close()


def test_paging_stops_at_the_thousandth_hit():
    def next_offset(offset: int, total: int) -> list[str]:
        links = _paging("سوريا", "", offset, total, "rank")
        return re.findall(r'rel="next" href="[^"]*offset=(\d+)', links)

    assert next_offset(980, 5000) == ["990"]
    assert next_offset(990, 5000) == []  # hits 991-1000 are the last page
    assert next_offset(10, 15) == []
    strict = _paging("عِلْم", "", 10, 50, "strict")
    assert re.findall(r'rel="(prev|next)" href="[^"]*marks=strict', strict) == ["prev", "next"]


def test_the_last_page_and_the_api_stop_at_the_thousandth_hit(site):
    last_page = {"q": "سوريا", "offset": 990, "limit": 10}
    assert get(site, "/api/search?" + urlencode(last_page))[0] == 200
    status, _, body = get(site, page(q="سوريا", offset=999))
    assert status == 200 and "بعد آخر نتيجة" in body


def test_an_offset_past_the_last_hit_says_so_and_links_to_the_first_page(site):
    status, _, body = get(site, page(q="سوريا", offset=500))
    assert status == 200
    summary = re.search(r'<p class="summary">(.*?)</p>', body)[1]
    assert summary.startswith("هذه الصفحة بعد آخر نتيجة من ")
    assert '<a href="/?q=%D8%B3%D9%88%D8%B1%D9%8A%D8%A7">الصفحة الأولى</a>' in summary
    assert "لا فقرة تطابق" not in body


@pytest.mark.parametrize(
    "request_line",
    ["GET /?q=سوريا HTTP/1.1", "GET /?q=سوريا الكتاب HTTP/1.1"],
    ids=["not-encoded", "with-a-space"],
)
def test_a_request_line_that_is_not_percent_encoded_gets_one_line(site, request_line):
    server, _ = site
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall(f"{request_line}\r\nHost: 127.0.0.1\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.decode("utf-8").partition("\r\n\r\n")
    assert head.startswith("HTTP/1.0 400 ")
    assert "Content-Type: text/plain; charset=utf-8" in head
    assert body == (
        "bad request: the address holds spaces or characters that are not percent-encoded; "
        "encode them (curl -G --data-urlencode 'q=...')\n"
    )


_NO_ESCAPE = "the address holds a % that starts no escape (%XX); write a % as %25"
_NOT_UTF8 = "the address's percent-escapes are not UTF-8 text"


@pytest.mark.parametrize(
    ("target", "error"),
    [
        ("/api/search?q=%ZZ", _NO_ESCAPE),
        ("/api/search?q=%D8%B3%D9", _NOT_UTF8),
        ("/api/search?q=%FF", _NOT_UTF8),
    ],
)
def test_a_malformed_percent_escape_is_a_bad_request(site, target, error):
    """«%ZZ» was searched as the text «%ZZ», half a letter («%D9») as «�»."""
    status, _, body = get(site, target)
    assert (status, json.loads(body)) == (400, {"error": error})
    status, _, page_body = get(site, target.replace("/api/search", "/"))
    assert status == 400 and html.escape(error) in page_body


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "1 فقرة مطابقة"),
        (2, "فقرتين مطابقتين"),
        (3, "3 فقرات مطابقة"),
        (10, "10 فقرات مطابقة"),
        (11, "11 فقرة مطابقة"),
        (100, "100 فقرة مطابقة"),
        (103, "103 فقرات مطابقة"),
    ],
)
def test_the_count_of_hits_takes_the_arabic_number_of_its_noun(count, words):
    assert _matching(count) == words


@pytest.mark.parametrize(
    ("doc", "note"),
    [
        ("news/Syria.txt", "no indexed document is named news/Syria.txt; news/syria.txt is"),
        ("syria", "no indexed document is named syria; news/syria.txt is"),
        ("News/", "no indexed folder is named News/; news/ is"),
        ("news/absent.txt", "no indexed document is named news/absent.txt"),
    ],
)
def test_a_document_box_that_names_no_document_says_so(site, doc, note):
    status, _, body = get(site, page(q="سوريا", doc=doc))
    assert status == 200
    assert (
        f'<p class="note" dir="auto">{note}</p>\n<p class="summary">لا فقرة تطابق «سوريا»</p>'
        in body
    )


def test_a_doc_filter_of_the_query_that_names_no_document_says_so(site):
    _, _, body = get(site, page(q="العلم doc:Hadith"))
    assert re.findall(r'<p class="note" dir="auto">(.*?)</p>', body) == [
        "no indexed document is named Hadith; hadith.txt is"
    ]
    # A document that is there, without the words: no note.
    _, _, there = get(site, page(q="العلم", doc="news/syria.txt"))
    assert "لا فقرة تطابق «العلم»" in there and 'class="note"' not in there


RECORDS = {
    "fatawa.jsonl": (
        '{"id": "q1", "title": "صلاة المسافر", "text": "ما حكم قصر الصلاة في السفر؟"}\n'
        '{"id": "q2", "title": "صيام المسافر", "text": "ما حكم الصيام في السفر الطويل؟"}\n'
    )
}


def test_a_record_opened_from_its_hit_is_headed_with_its_own_title(tmp_path):
    """The page of q2's hit was headed «صلاة المسافر», the file's first record's title."""
    with Index.create(tmp_path / "index") as index:
        index.update([write_corpus(tmp_path / "docs", RECORDS)])
        site = SearchSite(index)
        results = site.respond(page(q="الصيام")).body.decode()
        [link] = re.findall(r'<a class="title" href="([^"]+)"', results)
        document = site.respond(html.unescape(link).split("#")[0]).body.decode()
        whole_file = site.respond("/doc?path=fatawa.jsonl").body.decode()
    assert "locator=record+q2" in link
    assert re.findall(r"<h1>(.*?)</h1>", document) == ["صيام المسافر"]
    assert re.findall(r'<p id="hit"[^>]*>.*?</span>(.*?)</p>', document) == [
        "ما حكم <mark>الصيام</mark> في السفر الطويل؟"
    ]
    # Opened without a paragraph, the file is headed with its name.
    assert re.findall(r"<h1>(.*?)</h1>", whole_file) == ["fatawa.jsonl"]


@pytest.mark.parametrize("target", ["/", page(q="سوريا"), "/api/search?q=%D8%B3", "/doc?path="])
def test_head_answers_as_get_without_the_body(site, target):
    """curl -I got «501 Unsupported method ('HEAD')»."""
    server, _ = site
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("HEAD", target)
    head = connection.getresponse()
    assert head.read() == b""
    connection.close()
    status, headers, body = get(site, target)
    assert head.status == status
    assert head.getheader("Content-Type") == headers["Content-Type"]
    assert head.getheader("Content-Length") == str(len(body.encode("utf-8")))


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        (page(q="في سوريا"), "/?q=في+سوريا"),
        # An escaped & stays escaped: decoded, it would part the parameters.
        ("/?q=" + quote("سوريا&العراق"), "/?q=سوريا%26العراق"),
        # Half a letter stays escaped; a direction mark is written as an escape.
        ("/?q=%D8%B3%D9", "/?q=س%D9"),
        ("/?q=%E2%80%AE%D8%B3", "/?q=\\u202eس"),
        ("/?q=" + quote("ف" * 2500), "/?q=" + "ف" * 196 + "… (2,304 characters left out)"),
    ],
    ids=["letters", "ampersand", "half-a-letter", "direction-mark", "long"],
)
def test_the_log_shows_a_request_s_letters_and_the_start_of_a_long_one(
    site, monkeypatch, target, logged
):
    """The log showed «q=%D9%81%D9%8A…» whole, 5,000 characters on one line."""
    server, _ = site
    lines: list[str] = []
    monkeypatch.setattr(server, "log", lines.append)
    status, _, _ = get(site, target)
    assert lines == [f'127.0.0.1 "GET {logged} HTTP/1.1" {status} -']


def test_the_log_shows_an_unencoded_request_s_letters(site, monkeypatch):
    """It showed the Latin-1 reading of their UTF-8 bytes: «q=ÙÙ»."""
    server, _ = site
    lines: list[str] = []
    monkeypatch.setattr(server, "log", lines.append)
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as connection:
        connection.sendall("GET /?q=في HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        while connection.recv(65536):
            pass
    assert lines == ['127.0.0.1 "GET /?q=في HTTP/1.1" 400 -']
