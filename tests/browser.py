"""A real Chromium (Debian's package) driven by Playwright against the live test server.

One browser for the whole run, shared by every folder's browser tests (tests/conftest.py
loads this module as a plugin): Playwright's sync API keeps an event loop in the main
thread, and a second one started beside it is refused.
"""

import os

import pytest
from playwright.sync_api import sync_playwright

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are
# still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
