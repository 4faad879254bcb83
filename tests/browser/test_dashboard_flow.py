"""The dashboard and the article page in Chromium: log in, read the dashboard, open the seed article
while it is pending and watch its quotes arrive (the real extractor and stance model) coloured and
labelled by stance with a legend, without a reload; then the same pages at 400 px, every nav link
visible. Screenshots go to test-artifacts/screenshots/."""
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from quotes import services, tasks
from quotes.models import Article
from tests.browser.conftest import log_in
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
NAV_LINKS = ["Dashboard", "Articles", "Quotes", "Speakers", "Topics", "Review"]


def _screenshot(browser, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def newsroom(monkeypatch, seed_text):
    """The seed article, ingested and left pending (its tasks are run by the test, as the worker
    would: the stance step under the lease the extraction step hands it), beside a week of quotes
    on the active topic so the dashboard has numbers to show."""
    stance_runs = []
    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.article_classify, "apply_async_on_commit",
                        lambda args, kwargs, **options: stance_runs.append((args[0], kwargs["lease"])))
    topic = TopicFactory()
    speakers = [SpeakerFactory(name=name, slug=name.lower().replace(" ", "-")) for name in ("Dana Holt", "Ivan Petrov")]
    for day, labels in enumerate([["favor", "favor", "against"], ["against", "none"], ["against", "against"]]):
        body = " ".join(f"“Remark {i} on day {day},” an envoy said." for i in range(len(labels)))
        article = ArticleFactory(body=body, published_at=timezone.now() - timedelta(days=1 + 6 * day))
        for i, label in enumerate(labels):
            start = body.index(f"“Remark {i} ")
            StanceFactory(topic=topic, label=label, quote=QuoteFactory(
                article=article, speaker=speakers[i % 2], start=start, end=body.index("”", start) + 1))
    article = services.article_ingest(text=seed_text, published_at=timezone.now() - timedelta(hours=2))
    article.stance_runs = stance_runs
    return article


def _nav_links_fit(browser, width: int) -> list[str]:
    """The nav links that are displayed inside the viewport's width."""
    shown = []
    for link in browser.find_elements(By.CSS_SELECTOR, "header.topbar nav a"):
        box = browser.execute_script("const r = arguments[0].getBoundingClientRect(); return [r.left, r.right];", link)
        if link.is_displayed() and box[0] >= 0 and box[1] <= width:
            shown.append(link.text)
    return shown


def test_dashboard_and_the_seed_article_with_stance_highlights_at_desktop_and_400px(browser, live_server, newsroom):
    wait = WebDriverWait(browser, 10)
    browser.delete_all_cookies()
    editor = UserFactory(role="editor")
    browser.set_window_size(1280, 1000)
    log_in(browser, live_server.url, editor.username)  # lands on the dashboard, "/"

    assert browser.find_element(By.TAG_NAME, "h1").text == "Dashboard"
    counts = browser.find_element(By.ID, "dashboard-counts")
    assert "Pending 1" in counts.find_element(By.ID, "articles-by-status").text
    assert counts.find_element(By.ID, "quotes-this-week").text.startswith("3")  # yesterday's; none yet from the seed
    top = browser.find_elements(By.CSS_SELECTOR, "#top-speakers li a")
    assert [link.text for link in top] == ["Dana Holt", "Ivan Petrov"]
    assert browser.find_element(By.CSS_SELECTOR, "#topic-balances .weeks-chart").is_displayed()
    assert _nav_links_fit(browser, 1280) == NAV_LINKS
    tops = {link.location["y"] for link in browser.find_elements(By.CSS_SELECTOR, "header.topbar nav a")}
    assert len(tops) == 1  # one row at desktop width
    _screenshot(browser, "dashboard")

    # The seed article, pending: its status is polled (no meta refresh), then its quotes arrive.
    browser.get(live_server.url + newsroom.get_absolute_url())
    assert "Finding quotes" in browser.find_element(By.ID, "processing-notice").text
    assert not browser.find_elements(By.CSS_SELECTOR, "meta[http-equiv=refresh]")
    browser.execute_script("window.stillTheSamePage = true;")
    assert services.article_process(article=newsroom)
    ((article_id, lease),) = newsroom.stance_runs  # extraction handed the claim on to one stance run
    assert services.article_classify(article=Article.objects.get(pk=article_id), lease=lease)
    classified = ".article-body .quote-mark[data-stance]:not([data-stance=''])"
    marks = WebDriverWait(browser, 30).until(lambda driver: driver.find_elements(By.CSS_SELECTOR, classified))
    assert browser.execute_script("return window.stillTheSamePage === true;")  # swapped in, not reloaded
    assert not browser.find_elements(By.ID, "processing-notice")
    assert "Done" in browser.find_element(By.ID, "article-status").text
    quotes_total = Article.objects.get(pk=newsroom.pk).quotes.count()
    assert len(marks) == len(browser.find_elements(By.CSS_SELECTOR, ".article-body .quote-mark")) >= quotes_total - 2
    # Each highlight is coloured by its stance, and says it in words beside it.
    for mark in marks:
        stance = mark.get_attribute("data-stance")
        assert f"stance-{stance}" in mark.get_attribute("class")
        quote_id = mark.get_attribute("id").removeprefix("mark-")
        tag = browser.find_element(By.ID, f"mark-tag-{quote_id}")
        assert stance in tag.text.lower()  # (shown in capitals)
        colour = mark.value_of_css_property("border-bottom-color")
        assert colour != "rgba(0, 0, 0, 0)"
    assert len({mark.value_of_css_property("border-bottom-color") for mark in marks}) == len(
        {mark.get_attribute("data-stance") for mark in marks})  # one colour per stance
    legend = browser.find_element(By.ID, "stance-legend")
    assert all(word in legend.text.lower() for word in ("favor", "against", "none", "direct quote", "reported speech"))
    first_card = browser.find_element(By.CSS_SELECTOR, ".quote-card .explanation")
    assert "confidence" in first_card.text and ("Attributed" in first_card.text or "No speaker" in first_card.text)
    _screenshot(browser, "article")
    browser.get(live_server.url + "/articles/")
    _screenshot(browser, "articles")

    # 400 px wide: the top bar wraps, every nav link stays visible and the page does not scroll sideways.
    browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                            {"width": 400, "height": 900, "deviceScaleFactor": 1, "mobile": True})
    try:
        for name, path in [("dashboard", "/"), ("articles", "/articles/"), ("article", newsroom.get_absolute_url())]:
            browser.get(live_server.url + path)
            wait.until(expected_conditions.presence_of_element_located((By.ID, "current-user")))
            assert browser.execute_script("return window.innerWidth;") == 400
            assert _nav_links_fit(browser, 400) == NAV_LINKS, name
            assert browser.execute_script("return document.documentElement.scrollWidth;") <= 400, name
            _screenshot(browser, f"{name}-400px")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
        browser.set_window_size(1280, 900)
