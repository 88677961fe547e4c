"""The browser fixtures live in tests/browser.py, loaded once for the whole run by tests/conftest.py."""
