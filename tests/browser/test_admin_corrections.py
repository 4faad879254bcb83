"""An admin corrects attributions on the article page in Chromium, then reads them in History."""
import pytest
from django.conf import settings
from django.test import Client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from quotes.models import Quote, SpeakerAlias
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Envoys met on Tuesday.\n“It was a useful meeting,” Holt said.\n“We reject it,” Flynn said."


def _log_in(browser, live_server, user) -> None:
    """A session made by Django's test client, handed to the browser as its cookie (works with or
    without the newsroom login page)."""
    client = Client()
    client.force_login(user)
    browser.get(f"{live_server.url}/static/css/newsdesk.css")  # on the site's origin, to set its cookie
    browser.delete_all_cookies()
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    browser.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": session, "path": "/"})


def test_admin_reassigns_and_rejects_on_the_article_page_then_sees_both_in_history(browser, live_server):
    article = ArticleFactory(title="Envoys meet", body=BODY)
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    first, second = BODY.index("“It"), BODY.index("“We")
    useful = QuoteFactory(article=article, speaker=holt, start=first, end=BODY.index("”", first) + 1,
                          speaker_mention="Holt")
    reject_it = QuoteFactory(article=article, speaker=SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov"),
                             start=second, end=BODY.index("”", second) + 1, speaker_mention="Flynn")
    _log_in(browser, live_server, UserFactory(role="admin"))
    wait = WebDriverWait(browser, 10)

    browser.get(live_server.url + article.get_absolute_url())
    card = browser.find_element(By.ID, f"quote-{reject_it.pk}")
    card.find_element(By.CSS_SELECTOR, "details.correction summary").click()
    form = card.find_element(By.CSS_SELECTOR, "form.reassign-form")
    form.find_element(By.NAME, "speaker").send_keys("Dana")
    # The autocomplete (htmx) offers the known speaker.
    wait.until(lambda _: "dana-holt" in [
        option.get_attribute("value")
        for option in browser.find_elements(By.CSS_SELECTOR, f"#speakers-{reject_it.pk} option")
    ])
    speaker_input = form.find_element(By.NAME, "speaker")
    speaker_input.clear()
    speaker_input.send_keys("dana-holt")
    form.find_element(By.NAME, "reason").send_keys("Holt said both")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#article-workspace .messages"), "attributed to Dana Holt"))
    assert "Dana Holt" in browser.find_element(By.CSS_SELECTOR, f"#quote-{reject_it.pk} .quote-speaker").text
    assert browser.current_url == live_server.url + article.get_absolute_url()  # swapped in place

    card = browser.find_element(By.ID, f"quote-{useful.pk}")
    card.find_element(By.CSS_SELECTOR, "details.correction summary").click()
    reject = card.find_element(By.CSS_SELECTOR, "form.reject-form")
    reject.find_element(By.NAME, "reason").send_keys("a pleasantry")
    reject.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, f"rejected-{useful.pk}")))
    assert not browser.find_elements(By.ID, f"quote-{useful.pk}")

    reject_it.refresh_from_db()
    assert reject_it.speaker == holt and Quote.objects.get(pk=useful.pk).is_rejected
    assert not SpeakerAlias.objects.filter(normalized="flynn").exists()

    browser.get(f"{live_server.url}/speakers/dana-holt/history/")
    rows = [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#history tbody tr")]
    reassigned = next(row for row in rows if f"Quote #{reject_it.pk}" in row)
    rejected = next(row for row in rows if f"Quote #{useful.pk}" in row)
    assert "Ivan Petrov" in reassigned and "Holt said both" in reassigned and "admin-user" in reassigned
    assert "is rejected" in rejected and "a pleasantry" in rejected and "admin-user" in rejected


def test_admin_adds_a_quote_by_selecting_its_text(browser, live_server):
    article = ArticleFactory(title="Envoys meet", body=BODY)
    SpeakerFactory(name="Dana Holt", slug="dana-holt")
    _log_in(browser, live_server, UserFactory(role="admin"))
    browser.get(live_server.url + article.get_absolute_url())
    # Select "met on Tuesday" in the body as a reader would with the mouse.
    browser.execute_script("""
        const run = document.querySelector('.article-body [data-offset="0"]');
        const range = document.createRange();
        range.setStart(run.firstChild, 7);
        range.setEnd(run.firstChild, 21);
        const selection = window.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
        document.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
    """)
    form = browser.find_element(By.ID, "add-quote")
    assert form.find_element(By.CSS_SELECTOR, "[data-selected-text]").text == "met on Tuesday"
    assert (form.find_element(By.NAME, "start").get_attribute("value"),
            form.find_element(By.NAME, "end").get_attribute("value")) == ("7", "21")
    form.find_element(By.NAME, "speaker").send_keys("dana-holt")
    form.find_element(By.NAME, "is_direct").click()
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#article-workspace .messages"), "was added for Dana Holt"))
    added = Quote.objects.get(article=article)
    assert (added.text, added.is_direct, added.origin) == ("met on Tuesday", False, Quote.Origin.HUMAN)
    assert browser.find_element(By.ID, f"mark-{added.pk}").text == "met on Tuesday"
