"""An analyst creates a topic in Chromium and watches its progress reach done: a real celery
worker computes the stances in batches while htmx refreshes the panel, with no page reload."""
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from quotes.models import Stance, Topic
from tests.factories import ArticleFactory, QuoteFactory
from tests.integration.conftest import workers  # noqa: F401  (the real worker fixture)

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture
def quotes():
    return [QuoteFactory(article=ArticleFactory(body=f"Trade report {n}.\n“Tariffs are point {n} for us,” she said."))
            for n in range(12)]


def test_an_analyst_creates_a_topic_and_watches_its_progress_reach_done(
    workers, live_server, browser, browser_as, quotes  # noqa: F811
):
    workers.start(NEWSDESK_TOPIC_BACKFILL_BATCH_SIZE="2")
    browser_as("analyst")
    browser.get(f"{live_server.url}/topics/")
    browser.find_element(By.LINK_TEXT, "New topic").click()
    browser.find_element(By.NAME, "name").send_keys("Import tariffs")
    browser.find_element(By.NAME, "description").send_keys("raising tariffs on imports")
    browser.find_element(By.CSS_SELECTOR, "#topic-form button[type=submit]").click()
    panel = WebDriverWait(browser, 10).until(lambda b: b.find_element(By.ID, "topic-progress"))
    assert "/ 12 quotes" in panel.text
    browser.execute_script("window.stillThisPage = true")  # gone if the page reloaded
    # Read in one script: htmx may swap the panel between a find and a read.
    state = "return document.getElementById('topic-progress').dataset.state"
    WebDriverWait(browser, 240, poll_frequency=1).until(lambda b: b.execute_script(state) in ("done", "failed"))
    panel = browser.find_element(By.ID, "topic-progress")  # the finished panel no longer polls
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "topic-progress-done.png"))
    assert panel.get_attribute("data-state") == "done", panel.text
    assert "12 / 12 quotes" in panel.text.replace("\n", " ")
    assert browser.execute_script("return window.stillThisPage === true")
    topic = Topic.objects.get(name="Import tariffs")
    assert Stance.objects.filter(topic=topic).count() == len(quotes)
