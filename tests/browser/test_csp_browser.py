"""Every page of every role satisfies the Content Security Policy, in Debian's chromium.

The browser crawls each role's pages (portal, staff, admin, API docs, the browsable
API, anonymous account pages) by following the links it is shown, and fails on any CSP
violation: a ``securitypolicyviolation`` event in the page, or chromium's console report.
Each page must also carry the policy header (a page without it would pass unseen).
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest

from suppliers.models import Registration, Supplier
from tests.delfor_builder import delfor, message
from tests.documents import asn, edifact
from tests.factories import SupplierFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile || "?"}:${e.lineNumber}`);
});
"""
# Pages that answer with a file, or act on a GET: not pages to look at.
SKIP = re.compile(r"(/raw$|/ack$|/download$|\.(csv|xlsx|pdf|edi|json|xsd)$|^/schemas/|^/api/schema/|/logout/|^/i18n/|^/static/|^/media/|/password_change/)")
MAX_PAGES = 150  # per role; pages differing only in ids and queries count once

START = {
    "": ["/accounts/login/", "/accounts/password_reset/", "/portal/register/", "/admin/login/", "/api/docs/"],
    "supplier": ["/portal/", "/portal/call-offs/", "/portal/interchanges/", "/portal/inbox/", "/portal/upload/", "/portal/channels/", "/api/docs/", "/api/v1/"],
    "newcomer": ["/portal/", "/portal/profile/", "/portal/profile/identifiers/", "/portal/profile/channel/", "/portal/profile/done/"],
    "buyer": ["/portal/", "/staff/search/?q=P1", "/staff/call-offs/new/", "/staff/onboarding/", "/staff/onboarding/registrations/", "/staff/onboarding/import/", "/admin/", "/api/docs/", "/api/v1/"],
    "hq": ["/portal/", "/staff/onboarding/", "/staff/overview/", "/admin/", "/api/v1/"],
    "admin": ["/portal/", "/staff/search/?q=P1", "/staff/onboarding/", "/staff/overview/", "/admin/", "/api/docs/", "/api/v1/"],
}


def _shape(path: str) -> str:
    """A page's shape: ids replaced, so /admin/hub/plant/3/change/ is visited once, not per plant."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", path)
    return re.sub(r"/\d+/", "/<id>/", path)


def crawl(page, base: str, start: list[str]) -> tuple[list[str], list[str]]:
    """Visit the pages reachable from ``start``; return (visited paths, problems found)."""
    problems: list[str] = []
    console: list[str] = []
    page.on("console", lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None)
    seen: set[str] = set()
    visited: list[str] = []
    queue = deque(start)
    while queue and len(visited) < MAX_PAGES:
        path = queue.popleft()
        shape = _shape(urlsplit(path).path)
        if shape in seen or SKIP.search(urlsplit(path).path):
            continue
        seen.add(shape)
        console.clear()
        try:
            response = page.goto(base + path, wait_until="load")
        except Exception as exc:  # a link that answers with a download
            if "Download is starting" in str(exc):
                continue
            raise
        if response is None:
            continue
        visited.append(path)
        if response.status >= 500:
            problems.append(f"{path}: answered {response.status}")
        if "text/html" in (response.headers.get("content-type") or ""):
            if "content-security-policy" not in response.headers:
                problems.append(f"{path}: no Content-Security-Policy header")
            if urlsplit(page.url).path.startswith("/api/docs/"):
                page.wait_for_selector(".swagger-ui .info", timeout=30_000)  # the UI has drawn the schema
        problems += [f"{path}: {v}" for v in page.evaluate("window.__csp || []")]
        problems += [f"{path}: console: {text}" for text in console]
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            href = urldefrag(href)[0]
            parts = urlsplit(href)
            if href.startswith(base) and parts.path:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return visited, problems


@pytest.fixture
def pages_world(world, receive_and_process):
    """Something on every page: call-offs and deliveries, a failed file, a registration, a newcomer."""
    users = world["users"]
    receive_and_process(delfor([message("1", "CSP-CO1"), message("2", "CSP-CO2", supplier="SUP00002", plant="PLANT02")]), users["admin"])
    segs = message("1", "BROKEN")
    segs[segs.index("QTY+1:100:PCE")] = "QTY+1:12,5x:PCE"
    receive_and_process(delfor([segs], sender="SUP00001", ref="ICR0002"), users["supplier"], channel="portal")
    receive_and_process(edifact([asn("CSP-DN1")], ref="ICR0003"), users["supplier"])  # the ASN pages and their labels
    Registration.objects.create(company="Neu GmbH", country="DE", contact_name="Ada", email="ada@neu.example", plant=world["plants"][0])
    newcomer = SupplierFactory(number="SUP00009", status=Supplier.Status.REGISTERED)
    UserFactory(username="newcomer", role="supplier", supplier=newcomer)
    return world


def test_the_csp_detector_catches_an_inline_script(browser, live_server):
    """The detector itself: a page with an inline script under the hub's policy is reported."""
    context = browser.new_context()
    context.add_init_script(COLLECT)
    page = context.new_page()
    page.route(
        f"{live_server.url}/evil/",
        lambda route: route.fulfill(
            status=200, content_type="text/html", headers={"Content-Security-Policy": "script-src 'self'"}, body="<p>x</p><script>document.title='ran'</script>"
        ),
    )
    _visited, problems = crawl(page, live_server.url, ["/evil/"])
    context.close()
    assert any("script-src" in p for p in problems), problems


@pytest.mark.timeout(900)
@pytest.mark.parametrize("role", list(START))
def test_every_page_of_every_role_satisfies_the_csp(role, browser, live_server, pages_world, page_for):
    if role:
        page = page_for(role)
        page.context.add_init_script(COLLECT)
    else:
        context = browser.new_context(locale="en-US")
        context.add_init_script(COLLECT)
        page = context.new_page()
    visited, problems = crawl(page, live_server.url, START[role])
    assert len(visited) >= len(START[role]), visited
    assert not problems, "\n".join(problems[:20])


def test_language_picker_and_funnel_bars_work_without_inline_code(pages_world, page_for, live_server):
    """What used to be inline (onchange, style="width") now comes from static/hub/hub.js."""
    page = page_for("admin")
    page.goto(f"{live_server.url}/staff/onboarding/")
    widths = page.eval_on_selector_all(".bar[data-width]", "els => els.map(e => [e.dataset.width, e.style.width])")
    assert widths and all(style == f"{float(width):g}%" for width, style in widths), widths
    assert any(width != "0" for width, _style in widths)
    page.select_option("select[name=language]", "de")
    page.wait_for_function("document.documentElement.lang === 'de'")
    assert page.url.endswith("/staff/onboarding/")
