"""The issue's flow end to end in Chromium: an admin logs in through the login page, reassigns a
quote on the article page (reached from the review queue's "r"), rejects another, labels a stance
from the review queue with the keyboard, and reads every correction on the History pages."""
import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from quotes import tasks
from quotes.models import Quote, SpeakerAlias, Stance
from tests.factories import (
    PASSWORD,
    ArticleFactory,
    QuoteFactory,
    SpeakerFactory,
    StanceFactory,
    TopicFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = (
    "Envoys met on Tuesday.\n"
    "“We reject it,” Flynn said.\n"
    "“It was a useful meeting,” Holt said.\n"
    "“Sanctions stay until the guns fall silent,” Holt added."
)


def _span(text: str) -> dict:
    start = BODY.index(text)
    return {"start": start, "end": start + len(text), "text": text}


@pytest.fixture
def newsroom(monkeypatch):
    """Three quotes: one attributed with little confidence (the queue's), one that is no quote at
    all, and one whose stance the model is unsure of. Tasks are recorded, not run."""
    scheduled = []
    monkeypatch.setattr(tasks.article_classify, "delay_on_commit", lambda article_id: None)
    monkeypatch.setattr(tasks.topic_retrain, "apply_async_on_commit", lambda args, **kw: scheduled.append(args[0]))
    article = ArticleFactory(title="Envoys meet", body=BODY)
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    doubtful = QuoteFactory(article=article, **_span("“We reject it,”"), speaker_mention="Flynn",
                            speaker=SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov"), attribution_confidence=0.3)
    pleasantry = QuoteFactory(article=article, **_span("“It was a useful meeting,”"), speaker=holt,
                              speaker_mention="Holt")
    firm = QuoteFactory(article=article, **_span("“Sanctions stay until the guns fall silent,”"), speaker=holt,
                        speaker_mention="Holt")
    torn = StanceFactory(quote=firm, topic=TopicFactory(), label="favor", score_favor=0.40, score_against=0.38,
                         score_none=0.22)
    return {"article": article, "holt": holt, "doubtful": doubtful, "pleasantry": pleasantry, "torn": torn,
            "retrains": scheduled}


def _history_rows(browser, base_url: str, path: str) -> list[str]:
    browser.get(base_url + path)
    return [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#history tbody tr")]


def test_an_admin_logs_in_corrects_on_the_article_page_labels_in_the_queue_and_reads_history(
    browser, live_server, newsroom
):
    admin = UserFactory(role="admin", username="adam-admin")
    doubtful, pleasantry, torn = newsroom["doubtful"], newsroom["pleasantry"], newsroom["torn"]
    wait = WebDriverWait(browser, 10)
    keys = ActionChains(browser)
    browser.delete_all_cookies()

    # Every page needs a login: the queue sends the visitor to the newsroom's login page and back.
    browser.get(live_server.url + "/review/")
    assert browser.current_url.startswith(f"{live_server.url}/accounts/login/?next=/review/")
    browser.find_element(By.NAME, "username").send_keys(admin.username)
    browser.find_element(By.NAME, "password").send_keys(PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "#login-form button[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, "review-items")))
    assert browser.current_url == f"{live_server.url}/review/"
    assert "adam-admin" in browser.find_element(By.ID, "current-user").text

    # The doubtful attribution comes first; "r" opens its reassign form on the article page.
    item = browser.find_element(By.ID, f"review-low_confidence-{doubtful.pk}")
    assert "current" in item.get_attribute("class")
    keys.send_keys("r").perform()
    card = wait.until(expected_conditions.presence_of_element_located((By.ID, f"quote-{doubtful.pk}")))
    assert card.find_element(By.CSS_SELECTOR, "details.correction").get_attribute("open") is not None
    form = card.find_element(By.CSS_SELECTOR, "form.reassign-form")
    speaker_input = form.find_element(By.NAME, "speaker")
    speaker_input.send_keys("Dana")
    wait.until(lambda _: "dana-holt" in [  # the autocomplete (htmx) offers the known speaker
        option.get_attribute("value")
        for option in browser.find_elements(By.CSS_SELECTOR, f"#speakers-{doubtful.pk} option")
    ])
    speaker_input.clear()
    speaker_input.send_keys("dana-holt")
    form.find_element(By.NAME, "reason").send_keys("Holt said it, per the video")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.text_to_be_present_in_element(
        (By.CSS_SELECTOR, "#article-workspace .messages"), "attributed to Dana Holt"))
    assert "Dana Holt" in browser.find_element(By.CSS_SELECTOR, f"#quote-{doubtful.pk} .quote-speaker").text
    assert browser.current_url == live_server.url + newsroom["article"].get_absolute_url()  # swapped in place

    # Another quote is no quote at all: rejected on the same page, kept in its "Rejected" list.
    card = browser.find_element(By.ID, f"quote-{pleasantry.pk}")
    card.find_element(By.CSS_SELECTOR, "details.correction summary").click()
    reject = card.find_element(By.CSS_SELECTOR, "form.reject-form")
    reject.find_element(By.NAME, "reason").send_keys("a pleasantry")
    reject.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait.until(expected_conditions.presence_of_element_located((By.ID, f"rejected-{pleasantry.pk}")))
    assert not browser.find_elements(By.ID, f"quote-{pleasantry.pk}")

    # Back to the queue from the header: the corrected quote has left it; "x" labels the stance.
    browser.find_element(By.CSS_SELECTOR, "header nav a[href='/review/']").click()
    item = wait.until(expected_conditions.presence_of_element_located((By.ID, f"review-stance-{torn.pk}")))
    assert not browser.find_elements(By.ID, f"review-low_confidence-{doubtful.pk}")
    assert "current" in item.get_attribute("class")
    keys.send_keys("x").perform()
    wait.until(lambda driver: "done" in driver.find_element(By.ID, f"review-stance-{torn.pk}").get_attribute("class"))
    assert "set to against" in browser.find_element(By.ID, f"review-stance-{torn.pk}").text

    doubtful.refresh_from_db()
    torn.refresh_from_db()
    assert doubtful.speaker == newsroom["holt"] and Quote.objects.get(pk=pleasantry.pk).is_rejected
    assert not SpeakerAlias.objects.filter(normalized="flynn").exists()  # no alias unless asked
    assert (torn.label, torn.source, torn.model_label) == ("against", Stance.Source.HUMAN, "favor")
    assert newsroom["retrains"] == [torn.topic_id]

    # History: each quote's page, and the speaker's, name the change, its author and reason.
    reassigned = next(row for row in _history_rows(browser, live_server.url, f"/quotes/{doubtful.pk}/history/")
                      if "Holt said it" in row)
    assert "Ivan Petrov" in reassigned and "Dana Holt" in reassigned and "adam-admin" in reassigned
    rejected = next(row for row in _history_rows(browser, live_server.url, f"/quotes/{pleasantry.pk}/history/")
                    if "a pleasantry" in row)
    assert "is rejected" in rejected and "adam-admin" in rejected
    labelled = next(row for row in _history_rows(browser, live_server.url, f"/quotes/{torn.quote_id}/history/")
                    if "labelled in review" in row)
    assert "against" in labelled and "adam-admin" in labelled
    rows = _history_rows(browser, live_server.url, "/speakers/dana-holt/history/")
    assert any(f"Quote #{doubtful.pk}" in row and "Holt said it" in row for row in rows)
    assert any(f"Quote #{pleasantry.pk}" in row and "a pleasantry" in row for row in rows)
