"""The web page in a real browser: headless Chromium driven by Playwright.

Needs the Debian package ``chromium`` (``apt-get install chromium``; ``.ci/run``
installs it). Playwright's own browser download is never used. Set
``SEARCHIDX_SCREENSHOTS=FOLDER`` to keep the screenshots this takes. The
README's (``docs/serve-*.png``) are the same views of ``searchidx serve`` over
an index of ``index_data/`` copied to ``/tmp/articles``.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from searchidx import Index
from searchidx.serve import make_server

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None:
    pytest.skip(
        "browser tests need Chromium: apt-get install chromium, then make test",
        allow_module_level=True,
    )
sync_api = pytest.importorskip("playwright.sync_api")

# This machine may have no network: keep Chromium from reaching for it.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(bundled_index):
    index = Index.open(bundled_index)
    server = make_server(index, "127.0.0.1", 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.port}"
    server.shutdown()
    server.server_close()
    index.close()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport=DESKTOP, locale="ar")
    yield context.new_page()
    context.close()


def search(page, base_url: str, query: str) -> None:
    page.goto(base_url + "/")
    page.get_by_role("searchbox").fill(query)
    page.get_by_role("searchbox").press("Enter")
    page.wait_for_load_state()


def test_typing_a_query_shows_highlighted_results(page, base_url):
    search(page, base_url, "الخلايا النائمه")
    expect = sync_api.expect
    expect(page.locator(".summary")).to_have_text("1–3 من 3 فقرات مطابقة")
    first = page.locator("ol.hits li").first
    expect(first.locator("mark")).to_have_text(["الخلايا", "النائمة"])
    expect(first.locator(".where")).to_have_text("baghouz-liberation-anniversary.txt ¶4")
    assert page.evaluate("document.documentElement.dir") == "rtl"


def test_paging_to_the_second_page_and_back(page, base_url):
    expect = sync_api.expect
    search(page, base_url, "سوريا")
    expect(page.locator("ol.hits li")).to_have_count(10)
    page.get_by_role("link", name="التالي").click()
    expect(page.locator(".summary")).to_have_text("11–12 من 12 فقرة مطابقة")
    expect(page.locator("ol.hits li")).to_have_count(2)
    expect(page.get_by_role("searchbox")).to_have_value("سوريا")
    page.get_by_role("link", name="السابق").click()
    expect(page.locator(".summary")).to_have_text("1–10 من 12 فقرة مطابقة")


def test_opening_a_document_scrolls_to_the_highlighted_paragraph(page, base_url):
    expect = sync_api.expect
    search(page, base_url, "الصهاريج")
    hit = page.locator("ol.hits li").first
    expect(hit.locator(".where")).to_contain_text("rainwater-harvesting-report.docx")
    snippet = hit.locator(".snippet").inner_text().strip("…")
    hit.locator("a.title").click()
    highlighted = page.locator("article p.hit")
    expect(highlighted).to_have_count(1)
    expect(highlighted).to_be_in_viewport()
    assert snippet[:30] in highlighted.inner_text()
    expect(highlighted.locator("mark")).to_have_text(["الصهاريج"])
    assert page.locator("article p").count() > 5
    background = highlighted.evaluate("p => getComputedStyle(p).backgroundColor")
    assert background not in ("rgba(0, 0, 0, 0)", "transparent")


def test_results_follow_typing(page, base_url):
    page.goto(base_url + "/")
    page.get_by_role("searchbox").press_sequentially("الصهاريج", delay=30)
    sync_api.expect(page.locator("ol.hits li mark").first).to_have_text("الصهاريج")
    assert page.url.startswith(base_url + "/?q=")
    assert "doc=" not in page.url  # the empty document box adds nothing to the address
    sync_api.expect(page).to_have_title("الصهاريج – searchidx")


def test_the_page_works_without_javascript(browser, base_url):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    search(page, base_url, "مسئول")
    sync_api.expect(page.locator("ol.hits li mark").first).to_have_text("مسؤول")
    context.close()


def test_the_page_fits_a_phone(browser, base_url):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    search(page, base_url, "الخلايا النائمه")
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0
    box = page.get_by_role("searchbox").bounding_box()
    assert box["width"] >= PHONE["width"] * 0.5
    context.close()


def test_indexed_markup_never_runs(page, base_url, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    search(page, base_url, '<img src=x onerror="alert(1)">')
    page.wait_for_timeout(200)
    assert dialogs == []
    sync_api.expect(page.get_by_role("searchbox")).to_have_value('<img src=x onerror="alert(1)">')


def test_screenshots_at_desktop_and_phone_widths(browser, base_url, tmp_path):
    folder = Path(os.environ.get("SEARCHIDX_SCREENSHOTS") or tmp_path)
    for name, viewport, scale in (("desktop", DESKTOP, 1), ("phone", PHONE, 2)):
        context = browser.new_context(viewport=viewport, device_scale_factor=scale)
        page = context.new_page()
        search(page, base_url, "الخلايا النائمه")
        path = folder / f"serve-{name}.png"
        page.screenshot(path=str(path))
        context.close()
        assert path.stat().st_size > 10_000
