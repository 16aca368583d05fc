"""Playwright fixtures shared by every browser test.

Use them with pytest-django's `live_server`::

    @pytest.mark.browser
    def test_something(live_server, browser_page, site_shell):
        browser_page.goto(live_server.url + "/")
        assert axe_check(browser_page) == []

`browser_page` is a fresh context (cookies, storage) per test: a 390x844 phone
viewport, locale zh-CN, time zone Asia/Shanghai. Pass other context options
with `@pytest.mark.browser_context(viewport=..., locale="en-GB")`.

Debian's chromium (/usr/bin/chromium; `make browser` installs it) is used, not
Playwright's downloaded browsers, so nothing is fetched at test time.
"""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
PHONE_VIEWPORT = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser/ is a browser test."""
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser_context(**options): options for the browser_page context"
    )


@pytest.fixture(scope="module")
def _playwright():
    """Playwright for one test module.

    Its sync API keeps an event loop in the main thread while it runs, which
    makes Django's async-safety guard refuse the (synchronous) ORM calls of
    fixtures and tests; DJANGO_ALLOW_ASYNC_UNSAFE is set only meanwhile, and
    Playwright stops after the module, so other tests keep the guard and
    subprocesses don't inherit the flag.
    """
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            yield p
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="module")
def browser(_playwright):
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        pytest.fail(
            f"{CHROMIUM} is missing: run `make browser` (installs Debian's chromium)."
        )
    b = _playwright.chromium.launch(
        executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"),
        headless=True,
        args=CHROMIUM_ARGS,
    )
    yield b
    b.close()


@pytest.fixture
def browser_context(browser, request):
    options = {
        "viewport": PHONE_VIEWPORT,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }
    marker = request.node.get_closest_marker("browser_context")
    if marker:
        options.update(marker.kwargs)
    context = browser.new_context(**options)
    context.set_default_timeout(15_000)
    yield context
    context.close()


@pytest.fixture
def browser_page(browser_context):
    """A fresh page in a fresh context: no cookies carried between tests."""
    page = browser_context.new_page()
    yield page
    page.close()


def axe_check(page, *, impacts=SERIOUS, context=None) -> list[dict]:
    """Run axe-core on the current page; return its serious/critical violations.

    Each item is axe's violation dict (id, impact, help, nodes...). An empty
    list means the page passed. Use `format_violations` in assert messages.
    """
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    return [v for v in results.response["violations"] if v.get("impact") in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        targets = ", ".join(str(n.get("target")) for n in v.get("nodes", [])[:5])
        lines.append(f"[{v.get('impact')}] {v.get('id')}: {v.get('help')} -> {targets}")
    return "\n".join(lines)


@pytest.fixture(name="axe_check")
def axe_check_fixture():
    """The `axe_check(page)` helper as a fixture, for tests that prefer injection."""
    return axe_check
