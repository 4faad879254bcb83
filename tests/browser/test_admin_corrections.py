"""An admin adds a quote the extractor missed by selecting its words on the article page, in Chromium.
(Reassigning, rejecting and History are in test_workspace_flow.py.)"""
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from quotes.models import Quote
from tests.factories import ArticleFactory, SpeakerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "Envoys met on Tuesday.\n“It was a useful meeting,” Holt said.\n“We reject it,” Flynn said."


def test_admin_adds_a_quote_by_selecting_its_text(browser, browser_as, live_server):
    article = ArticleFactory(title="Envoys meet", body=BODY)
    SpeakerFactory(name="Dana Holt", slug="dana-holt")
    browser_as("admin")
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
