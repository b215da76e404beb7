"""End to end in a real browser: Debian's chromium driven by Playwright, the app served by uvicorn on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import serve_on_loopback
from tests.web.support import ADMIN, PASSWORD, SCRIPT_NAME, Site

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent: apt-get install -y chromium "
                                                    "(scripts/ci-services.sh does it)"),
]

sync_api = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def base_url(site: Site) -> Iterator[str]:
    """The seeded site served by uvicorn on loopback."""
    with serve_on_loopback(site.app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """One chromium for the module."""
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A fresh page (its own cookies) that fails the test on any JavaScript dialog or page error."""
    context = browser.new_context(viewport={"width": 1366, "height": 850}, base_url=base_url)  # type: ignore[attr-defined]
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert dialogs == [], f"a script ran: {dialogs}"
    assert errors == [], f"JavaScript errors: {errors}"


def _sign_in(page: object, email: str) -> None:
    page.goto("/signin")  # type: ignore[attr-defined]
    page.fill("input[name=email]", email)  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]


def _figure(page: object, name: str) -> str:
    page.goto("/dashboard")  # type: ignore[attr-defined]
    text: str = page.inner_text(f"[data-figure={name}]")  # type: ignore[attr-defined]
    return text.strip()


def test_sign_in_takes_an_admin_to_the_inbox(page: object, base_url: str) -> None:
    page.goto("/inbox")  # type: ignore[attr-defined]
    assert "/signin" in page.url  # type: ignore[attr-defined]
    page.fill("input[name=email]", ADMIN)  # type: ignore[attr-defined]
    page.fill("input[name=password]", "not-the-password")  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    assert page.is_visible("text=do not match")  # type: ignore[attr-defined]
    page.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    page.click("button[type=submit]")  # type: ignore[attr-defined]
    page.wait_for_url(f"{base_url}/inbox")  # type: ignore[attr-defined]
    assert page.locator("table.leads tbody tr").count() > 10  # type: ignore[attr-defined]
    # Filtering and search go through HTMX without a page load.
    page.fill("input[name=q]", "mallory")  # type: ignore[attr-defined]
    page.wait_for_function("document.querySelectorAll('table.leads tbody tr').length === 1")  # type: ignore[attr-defined]
    assert "q=mallory" in page.url  # type: ignore[attr-defined]


def test_a_script_in_a_lead_name_is_shown_as_text(page: object, site: Site) -> None:
    _sign_in(page, ADMIN)
    page.goto("/inbox")  # type: ignore[attr-defined]
    assert page.locator("a.lead-name", has_text=SCRIPT_NAME).count() == 1  # type: ignore[attr-defined]
    page.goto(f"/leads/{site.leads['xss-1']}")  # type: ignore[attr-defined]
    assert page.inner_text("h1") == SCRIPT_NAME  # type: ignore[attr-defined]
    assert page.locator("script:not([src])").count() == 0  # type: ignore[attr-defined]
    # The page fixture fails the test if alert() ran.


def test_review_verdicts_change_the_dashboards_accuracy(page: object) -> None:
    _sign_in(page, ADMIN)
    assert _figure(page, "accuracy") == "—"  # nothing reviewed yet

    page.goto("/review")  # type: ignore[attr-defined]
    first = page.locator("article.review-card").first  # type: ignore[attr-defined]
    first.locator("button", has_text="Accept as decided").click()
    page.wait_for_selector("text=Accepted — thanks.")  # type: ignore[attr-defined]
    assert _figure(page, "accuracy") == "100%"

    page.goto("/review")  # type: ignore[attr-defined]
    card = page.locator("article.review-card").first  # type: ignore[attr-defined]
    select = card.locator("select[data-field=type]")
    current = select.input_value()
    select.select_option("support" if current != "support" else "sales")
    card.locator("form.correct", has=page.locator("select[data-field=type]")).locator("button").click()  # type: ignore[attr-defined]
    page.wait_for_selector("text=Corrected type — thanks.")  # type: ignore[attr-defined]
    assert _figure(page, "accuracy") == "50%"


def test_claim_records_the_first_response_time(page: object, site: Site) -> None:
    _sign_in(page, site.rep)
    assert _figure(page, "median_first_response") == "—"  # nobody has touched a lead yet
    page.goto("/my")  # type: ignore[attr-defined]
    page.locator("a.lead-name").first.click()  # type: ignore[attr-defined]
    page.wait_for_load_state("networkidle")  # type: ignore[attr-defined]
    assert page.is_visible("text=not yet")  # type: ignore[attr-defined]
    page.click("button:has-text('Claim')")  # type: ignore[attr-defined]
    page.wait_for_selector("button:has-text('Claimed by you')")  # type: ignore[attr-defined]
    assert not page.is_visible("text=not yet")  # type: ignore[attr-defined]
    assert page.locator(".tl-touch", has_text="Claimed").count() == 1  # type: ignore[attr-defined]
    assert _figure(page, "median_first_response") != "—"
