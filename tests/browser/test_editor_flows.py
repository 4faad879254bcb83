"""What editors and analysts do in a real browser."""
import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from quotes.models import Article, Stance
from tests.browser.conftest import log_in
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article_with_quotes():
    topic = TopicFactory()
    body = "Envoys met on Tuesday.\n“It was a useful meeting,” Holt said.\n“We reject it,” Petrov said."
    article = ArticleFactory(title="Envoys meet", body=body)
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    petrov = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov")
    first = body.index("“It")
    second = body.index("“We")
    favor = StanceFactory(
        topic=topic, label=Stance.Label.FAVOR,
        quote=QuoteFactory(article=article, speaker=holt, start=first, end=body.index("”", first) + 1),
    )
    against = StanceFactory(
        topic=topic, label=Stance.Label.AGAINST,
        quote=QuoteFactory(article=article, speaker=petrov, start=second, end=body.index("”", second) + 1),
    )
    return article, favor.quote, against.quote


def test_a_visitor_logs_in_and_lands_on_the_page_they_asked_for(browser, live_server, article_with_quotes):
    article = article_with_quotes[0]
    browser.delete_all_cookies()
    browser.get(live_server.url + article.get_absolute_url())
    assert "/accounts/login/" in browser.current_url
    assert not browser.find_elements(By.CSS_SELECTOR, ".quote-mark")
    editor = UserFactory(role="editor")
    browser.find_element(By.NAME, "username").send_keys(editor.username)
    browser.find_element(By.NAME, "password").send_keys("wrong")
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    assert "didn't match" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
    log_in(browser, live_server.url, editor.username, next_path=article.get_absolute_url())
    assert browser.current_url == live_server.url + article.get_absolute_url()
    assert browser.find_element(By.ID, "current-user").text == f"{editor.username} Editor"
    browser.find_element(By.CSS_SELECTOR, "form.logout button").click()
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("/accounts/login/"))
    browser.get(live_server.url + article.get_absolute_url())
    assert "/accounts/login/" in browser.current_url


def test_editor_sees_highlighted_quotes_and_jumps_to_their_card(browser, browser_as, live_server, article_with_quotes):
    article, favor_quote, _ = article_with_quotes
    browser_as("editor")
    browser.get(live_server.url + article.get_absolute_url())
    marks = browser.find_elements(By.CSS_SELECTOR, ".article-body .quote-mark")
    assert [mark.text for mark in marks] == ["“It was a useful meeting,”", "“We reject it,”"]
    marks[0].click()
    assert browser.current_url.endswith(f"#quote-{favor_quote.pk}")
    card = browser.find_element(By.ID, f"quote-{favor_quote.pk}")
    assert "Dana Holt" in card.text
    assert card.find_element(By.CSS_SELECTOR, ".stance").text == "Favor"


def test_analyst_filters_quotes_by_stance(browser, browser_as, live_server, article_with_quotes):
    browser_as("analyst")
    browser.get(live_server.url + "/quotes/")
    # Choosing a stance applies it at once: htmx swaps the filters and results in place and pushes the
    # URL. Read the rows once the URL holds the filter and no request is in flight (again if a swap lands).
    Select(browser.find_element(By.NAME, "stance")).select_by_value("against")
    WebDriverWait(browser, 10).until(expected_conditions.url_contains("stance=against"))

    def settled_rows(driver):
        if driver.find_elements(By.CSS_SELECTOR, ".htmx-request"):
            return False
        return [row.text for row in driver.find_elements(By.CSS_SELECTOR, "#quote-table tbody tr")]

    rows = WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException,)).until(settled_rows)
    assert len(rows) == 1
    assert "Ivan Petrov" in rows[0]
    export = browser.find_element(By.ID, "export-csv").get_attribute("href")
    assert "stance=against" in export


def test_editor_is_told_why_an_empty_article_is_refused(browser, browser_as, live_server):
    browser_as("editor")
    browser.get(live_server.url + "/articles/new/")
    browser.find_element(By.NAME, "title").send_keys("Nothing here")
    browser.find_element(By.CSS_SELECTOR, "form.stacked button[type=submit]").click()
    alert = browser.find_element(By.CSS_SELECTOR, "[role=alert]")
    assert "Paste the article" in alert.text
    assert browser.find_element(By.NAME, "title").get_attribute("value") == "Nothing here"
    assert not Article.objects.exists()


def test_failed_article_can_be_retried_from_its_page(browser, browser_as, live_server, monkeypatch):
    browser_as("editor")
    from quotes import tasks

    queued = []
    monkeypatch.setattr(tasks.article_process, "delay", lambda article_id: queued.append(article_id))
    article = ArticleFactory(status=Article.Status.FAILED, error="ValueError: bad input")
    browser.get(live_server.url + article.get_absolute_url())
    shown = browser.find_element(By.ID, "processing-error").text
    assert "Processing failed" in shown and "ValueError" not in shown  # exception text is for admins
    browser.find_element(By.CSS_SELECTOR, "#processing-error button").click()
    assert "Processing starts again." in browser.find_element(By.CSS_SELECTOR, ".messages").text
    article.refresh_from_db()
    assert article.status in (Article.Status.PENDING, Article.Status.PROCESSING)
    assert queued == [article.pk]
