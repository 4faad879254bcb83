"""The review queue's keyboard in a real browser: j/k move, each label moves on to the next item,
and an emptied queue says so. (The whole workspace flow is in test_workspace_flow.py.)"""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from quotes import tasks
from quotes.models import Stance
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def uncertain_stances():
    topic = TopicFactory()
    body = "Envoys met.\n“It might help,” Dana Holt said.\n“We shall see,” Ivan Petrov said."
    article = ArticleFactory(title="Envoys meet", body=body)
    records = []
    for text, name, favor in (("“It might help,”", "Dana Holt", 0.41), ("“We shall see,”", "Ivan Petrov", 0.45)):
        start = body.index(text)
        quote = QuoteFactory(article=article, start=start, end=start + len(text), text=text,
                             speaker=SpeakerFactory(name=name))
        records.append(StanceFactory(quote=quote, topic=topic, label="favor", score_favor=favor,
                                     score_against=0.40, score_none=round(0.60 - favor, 2)))
    return records


def wait_done(browser, item_id):
    WebDriverWait(browser, 10).until(
        lambda driver: "done" in driver.find_element(By.ID, item_id).get_attribute("class")
    )
    return browser.find_element(By.ID, item_id)


def test_an_admin_labels_stances_from_the_review_queue_with_the_keyboard(
    browser, browser_as, live_server, uncertain_stances, monkeypatch
):
    scheduled = []
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda args, **kw: scheduled.append(args[0]))
    admin = browser_as("admin")
    browser.get(live_server.url + "/review/?kind=stance")
    assert "2 items need a person" in browser.find_element(By.ID, "review-size").text
    first, second = uncertain_stances  # Holt's is the closer call: it comes first
    items = browser.find_elements(By.CSS_SELECTOR, ".review-item")
    assert [item.get_attribute("id") for item in items] == [f"review-stance-{first.pk}", f"review-stance-{second.pk}"]
    assert "current" in items[0].get_attribute("class")

    keys = ActionChains(browser)
    keys.send_keys("j").perform()  # next, then back: the arrows and j/k move the selection
    assert "current" in browser.find_element(By.ID, f"review-stance-{second.pk}").get_attribute("class")
    keys.send_keys("k").perform()
    keys.send_keys("x").perform()  # against
    done = wait_done(browser, f"review-stance-{first.pk}")
    assert "set to against" in done.text
    # The next item is selected by itself: "o" labels Petrov's quote none.
    assert "current" in browser.find_element(By.ID, f"review-stance-{second.pk}").get_attribute("class")
    keys.send_keys("o").perform()
    wait_done(browser, f"review-stance-{second.pk}")

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.label, first.source) == ("against", Stance.Source.HUMAN)
    assert (second.label, second.source) == ("none", Stance.Source.HUMAN)
    assert first.history.latest().history_user == admin
    assert scheduled == [first.topic_id, second.topic_id]
    browser.refresh()
    assert "Nothing needs a person here" in browser.find_element(By.CSS_SELECTOR, ".empty").text
