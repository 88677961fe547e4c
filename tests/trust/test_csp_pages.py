"""The main pages under the strict Content-Security-Policy, in a real Chromium.

Served by uvicorn (tests/chat) so that the chat pages' WebSockets really connect. Every page
must load, run its scripts (htmx, the chat widget, the agent desk, the dashboard) and apply
its styles with no CSP violation and no console error.
"""

import pytest

from tests.chat.conftest import server, session_cookie, start_server  # noqa: F401
from tests.dashboard.conftest import history, maria, sam  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

# Chromium reports a violation on the console itself; this listener adds the directive and
# the blocked resource, so that a failure says what was refused.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


class Watched:
    """A browser page whose console errors, page errors and CSP headers are kept."""

    def __init__(self, page, server, user):  # noqa: F811  (server is a fixture name)
        self.page = page
        self.server = server
        self.errors = []
        self.policies = []
        page.add_init_script(REPORT_VIOLATIONS)
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("response", lambda r: r.status >= 400 and self.errors.append(f"{r.status} {r.url}"))
        if user is not None:
            cookie = session_cookie(user).split("=", 1)[1]
            page.context.add_cookies([{"name": "sessionid", "value": cookie, "url": server.http}])

    def visit(self, path):
        response = self.page.goto(f"{self.server.http}{path}")
        assert response.status == 200, (path, response.status)
        self.policies.append(response.headers.get("content-security-policy", ""))
        self.page.wait_for_load_state("networkidle")


def assert_strict(policies):
    assert policies
    for policy in policies:
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["script-src"] == "'self'"
        assert directives["style-src"] == "'self'"
        assert directives["default-src"] == "'self'"


def test_agent_pages_run_under_the_policy(page, server, alice, ticket):  # noqa: F811
    watched = Watched(page, server, alice)
    watched.visit("/")
    assert page.locator("a", has_text="Printer on fire").count() == 1
    watched.visit(f"/tickets/{ticket.id}/")
    # htmx works: the reply form posts in place and the answer appears without a reload.
    page.evaluate("window.stayed = true")
    page.fill("form.reply textarea[name=body]", "We are on our way")
    page.locator("form.reply button[type=submit]").click()
    page.locator("#conversation", has_text="We are on our way").wait_for()
    assert page.evaluate("window.stayed === true")  # swapped by htmx, not a new page
    watched.visit("/chat/")
    assert watched.errors == []
    assert_strict(watched.policies)


def test_manager_dashboard_charts_run_under_the_policy(page, server, history, maria):  # noqa: F811
    watched = Watched(page, server, maria)
    for path in ("/wfm/adherence/", "/reports/"):
        watched.visit(path)
    watched.visit("/dashboard/?from=2026-03-02&to=2026-03-03")
    assert page.locator("svg.chart rect.bar").count() == 4
    # The charts' stylesheet applies: bars are painted, not left in the default black.
    fill = page.locator("svg.chart rect.bar").first.evaluate("e => getComputedStyle(e).fill")
    assert fill not in ("", "rgb(0, 0, 0)")
    assert watched.errors == []
    assert_strict(watched.policies)


def test_customer_portal_and_chat_run_under_the_policy(page, server, carol, ticket):  # noqa: F811
    watched = Watched(page, server, carol)
    watched.visit("/")
    assert page.locator("a", has_text="Printer on fire").count() == 1
    watched.visit("/plan/")
    watched.visit("/account/tokens/")
    watched.visit("/chat/")
    # The widget's own stylesheet loaded, and its socket connected under connect-src 'self'.
    assert page.locator(".tierdesk-chat").evaluate("e => getComputedStyle(e).maxWidth") == "360px"
    page.fill(".tierdesk-chat textarea", "Is anyone there?")
    page.click(".tierdesk-chat button[type=submit]")
    page.locator(".tierdesk-chat .status", has_text="Waiting for an agent…").wait_for()
    assert watched.errors == []
    assert_strict(watched.policies)


def test_admin_and_api_docs_run_under_the_policy(page, server, dave, tiers):  # noqa: F811
    watched = Watched(page, server, dave)
    for path in ("/admin/", "/admin/tiers/tier/", f"/admin/tiers/tier/{tiers['VIP'].id}/change/"):
        watched.visit(path)
    watched.visit("/api/docs")
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert watched.errors == []
    assert_strict(watched.policies)


def test_signed_out_pages_run_under_the_policy(page, server, tiers):  # noqa: F811
    watched = Watched(page, server, None)
    watched.visit("/login/")
    watched.visit("/contact/")
    assert watched.errors == []
    assert_strict(watched.policies)


def test_an_inline_style_is_reported(page, server, tiers):  # noqa: F811
    """The watch itself works: markup with an inline style is refused and reported."""
    watched = Watched(page, server, None)
    watched.visit("/login/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    assert any("style-src" in e for e in watched.errors), watched.errors
