"""The triage page, driven in Debian's Chromium (headless) like a person would use it."""

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from service.app import create_app
from service.settings import Settings
from tests.conftest import ROOT, live_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Chromium is missing: `make test` installs it"
)
SCREENSHOTS = ROOT / "reports" / "screenshots"
RED_FLAG = (
    "My back has been agony for three days. Since this morning I can't feel the toilet paper "
    "when I wipe and I wet myself without noticing."
)
SCIATICA = (
    "Sharp shooting pain from my lower back through my right buttock and down the back of my "
    "leg to my calf, with pins and needles in my toes. Worse when I sit or sneeze."
)


@pytest.fixture(scope="module")
def base_url(shipped_model: Path) -> Iterator[str]:
    with live_server(create_app(Settings(model_dir=shipped_model))) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser, base_url: str):
    context = browser.new_context(viewport={"width": 1000, "height": 1100})
    page = context.new_page()
    page.goto(base_url + "/")
    yield page
    context.close()


def submit(page, text: str) -> None:
    page.get_by_label("Describe the symptoms").fill(text)
    page.get_by_role("button", name="Check symptoms").click()


def test_a_red_flag_shows_the_emergency_banner_with_evidence_highlighted(page) -> None:
    submit(page, RED_FLAG)
    banner = page.locator("#banner")
    sync_api.expect(banner).to_have_class("banner emergency")
    sync_api.expect(page.locator("#banner-title")).to_have_text("Seek immediate medical help")
    marks = page.locator("#evidence mark")
    sync_api.expect(marks.first).to_be_visible()
    highlighted = " ".join(marks.all_text_contents()).lower()
    assert "toilet paper" in highlighted and "wet myself" in highlighted
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "emergency.png"), full_page=True)


def test_a_sign_found_by_the_detector_says_so(page) -> None:
    submit(
        page,
        "back pain for a week, and now going to the toilet feels completely different, like "
        "the feeling is switched off",
    )
    sync_api.expect(page.locator("#banner")).to_have_class("banner emergency")
    sync_api.expect(page.locator("#flags li").first).to_contain_text("learned sign detector")


def test_a_sciatica_description_ranks_sciatica_first(page) -> None:
    submit(page, SCIATICA)
    first = page.locator("#bars li").first
    sync_api.expect(first).to_have_attribute("data-label", "sciatica")
    sync_api.expect(page.locator("#version")).to_contain_text("not a diagnosis")
    page.screenshot(path=str(SCREENSHOTS / "sciatica.png"), full_page=True)


def test_an_empty_box_gets_a_helpful_message(page) -> None:
    submit(page, "   ")
    sync_api.expect(page.locator("#form-error")).to_contain_text("describe the symptoms first")
    assert page.locator("#result").is_hidden()


def test_text_that_is_not_about_back_pain_reads_as_out_of_scope(page) -> None:
    submit(page, "What time does the pharmacy open on Sunday?")
    sync_api.expect(page.locator("#banner-title")).to_have_text(
        "This does not look like lower back or leg pain"
    )


def test_the_page_is_usable_at_phone_width(browser, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/")
    submit(page, SCIATICA)
    sync_api.expect(page.locator("#bars li").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    page.screenshot(path=str(SCREENSHOTS / "phone.png"), full_page=True)
    context.close()
