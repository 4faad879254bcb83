"""The quote explorer, the speaker page and the topic page in Chromium, as an analyst works: type the
start of a name, pick the suggestion, pick a stance — the results change in place (htmx, no reload)
and the address bar carries every filter; reloading that address shows the same rows; an invalid
value says what is wrong in place; the CSV and JSON downloads hold exactly the rows on screen; the
speaker page shows its stance-over-time chart and the topic page its ranking with a tie.
Screenshots go to test-artifacts/screenshots/."""
import csv
import io
import json
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from quotes.models import SpeakerAlias
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _screenshot(browser, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def newsroom():
    """Four speakers' quotes on one topic over six weeks; Dana Holt and Lea Marsh tie on net stance."""
    topic = TopicFactory()
    people = {}
    for name, role in [("Dana Holt", "U.S. envoy"), ("Lea Marsh", "EU spokesperson"), ("Ivan Petrov", "Kremlin aide"),
                       ("Holger Sand", "analyst")]:
        people[name] = SpeakerFactory(name=name, slug=name.lower().replace(" ", "-"), role=role)
        SpeakerAlias.objects.create(speaker=people[name], alias=name, normalized=name.lower())
    said = [("Dana Holt", "favor", 40), ("Dana Holt", "against", 33), ("Dana Holt", "favor", 26),
            ("Dana Holt", "against", 12), ("Dana Holt", "favor", 5), ("Lea Marsh", "favor", 30),
            ("Lea Marsh", "favor", 20), ("Lea Marsh", "against", 3), ("Ivan Petrov", "against", 25),
            ("Ivan Petrov", "against", 8), ("Ivan Petrov", "none", 2), ("Holger Sand", "none", 15)]
    now = timezone.now()
    for number, (name, label, days_ago) in enumerate(said):
        body = f"Briefing {number}.\n“On the talks, point {number} stands as it is,” {name} said."
        quote = QuoteFactory(speaker=people[name], article=ArticleFactory(
            body=body, title=f"Briefing {number}", outlet="wire.example", published_at=now - timedelta(days=days_ago)))
        StanceFactory(quote=quote, topic=topic, label=label)
    return topic


def _rows(browser) -> list[tuple[str, str]]:
    """(quote id, speaker) of each row on screen, read in one script (htmx may swap between reads)."""
    return browser.execute_script(
        "return [...document.querySelectorAll('#quote-table tbody tr')].map(row => ["
        "row.querySelector('a[href*=\"#quote-\"]').getAttribute('href').split('#quote-')[1],"
        "row.querySelector('td').innerText.trim()]);"
    )


def _download(browser, directory: Path, link_id: str, filename: str) -> str:
    before = set(directory.iterdir())
    browser.find_element(By.ID, link_id).click()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        done = [path for path in set(directory.iterdir()) - before
                if path.name.startswith(filename.split(".")[0]) and not path.name.endswith(".crdownload")]
        if done:
            return done[0].read_text(encoding="utf-8")
        time.sleep(0.2)
    raise AssertionError(f"{filename} was not downloaded")


def test_an_analyst_filters_by_speaker_and_stance_in_place_downloads_and_reads_the_charts(
    browser, browser_as, live_server, newsroom, tmp_path
):
    wait = WebDriverWait(browser, 10)
    browser.set_window_size(1280, 1000)
    browser_as("analyst")
    browser.get(f"{live_server.url}/quotes/")
    assert len(_rows(browser)) == 12
    browser.execute_script("window.stillThisPage = true;")  # gone if the page reloads

    # Autocomplete: the start of a word of a name; the most quoted first.
    browser.find_element(By.ID, "id_speaker").send_keys("hol")
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#speaker-suggestions button.suggestion")) == 2)
    assert browser.current_url == f"{live_server.url}/quotes/"  # suggestions are no state of the explorer
    names = [button.text for button in browser.find_elements(By.CSS_SELECTOR, "#speaker-suggestions button")]
    assert names[0].startswith("Dana Holt") and "5 quotes" in names[0] and names[1].startswith("Holger Sand")
    _screenshot(browser, "explorer-autocomplete")
    browser.find_element(By.CSS_SELECTOR, "#speaker-suggestions button[data-slug=dana-holt]").click()
    wait.until(lambda b: "speaker=dana-holt" in b.current_url)
    wait.until(lambda b: "by Dana Holt" in b.find_element(By.ID, "quote-count").text)
    rows = _rows(browser)
    assert len(rows) == 5 and {speaker.split("\n")[0].split(" U.S.")[0] for _, speaker in rows} == {"Dana Holt"}
    assert browser.find_element(By.ID, "id_speaker").get_attribute("value") == "dana-holt"

    # The stance: its change alone applies it, in place; the URL carries both filters, and nothing empty.
    Select(browser.find_element(By.NAME, "stance")).select_by_value("against")
    wait.until(lambda b: "stance=against" in b.current_url)
    wait.until(lambda b: len(_rows(b)) == 2)
    assert browser.execute_script("return window.stillThisPage === true;")  # swapped in, never reloaded
    assert browser.current_url == f"{live_server.url}/quotes/?speaker=dana-holt&stance=against"
    shown = _rows(browser)
    _screenshot(browser, "explorer")
    # Back and Forward step through the states (htmx's history), still without a reload.
    browser.back()
    wait.until(lambda b: b.current_url == f"{live_server.url}/quotes/?speaker=dana-holt" and len(_rows(b)) == 5)
    browser.forward()
    wait.until(lambda b: "stance=against" in b.current_url and _rows(b) == shown)
    assert browser.execute_script("return window.stillThisPage === true;")

    # The downloads hold exactly the rows on screen, in their order.
    browser.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    rows_csv = list(csv.DictReader(io.StringIO(_download(browser, tmp_path, "export-csv", "newsdesk-quotes.csv"))))
    assert [(row["quote_id"], row["speaker"], row["stance"]) for row in rows_csv] == [
        (quote_id, "Dana Holt", "against") for quote_id, _ in shown]
    lines = _download(browser, tmp_path, "export-json", "newsdesk-quotes.jsonl").splitlines()
    assert [(str(row["quote_id"]), row["stance"]) for row in map(json.loads, lines)] == [
        (quote_id, "against") for quote_id, _ in shown]

    # A full load of the shared address shows the same rows.
    browser.get(browser.current_url)
    assert _rows(browser) == shown
    assert not browser.execute_script("return window.stillThisPage === true;")

    # An unknown name typed and entered: the message in place (a 400 swapped in), no rows, never everything.
    # (A confidence over 1 never leaves the browser: the field's own limits stop it.)
    browser.execute_script("window.stillThisPage = true;")
    field = browser.find_element(By.ID, "id_speaker")
    field.clear()
    field.send_keys("Nobody Known", Keys.ENTER)
    problems = wait.until(lambda b: b.find_element(By.ID, "filter-problems"))
    assert "No speaker is called “Nobody Known”" in problems.text and _rows(browser) == []
    assert browser.execute_script("return window.stillThisPage === true;")
    assert "speaker=Nobody+Known" in browser.current_url

    # The speaker page: their stance over time, charted per week, with the table of its numbers.
    browser.get(f"{live_server.url}/speakers/dana-holt/")
    chart = browser.find_element(By.CSS_SELECTOR, "#stance-over-time svg.timeline-chart")
    assert chart.is_displayed() and "per week" in browser.find_element(By.ID, "stance-over-time").text
    assert len(chart.find_elements(By.CSS_SELECTOR, "a")) == 5  # five weeks with quotes, each a link
    browser.find_element(By.CSS_SELECTOR, "#stance-over-time details summary").click()
    table = browser.find_element(By.CSS_SELECTOR, "#stance-over-time table.timeline-table")
    cells = [row.find_elements(By.TAG_NAME, "td") for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert sum(int(row[1].text) for row in cells) == 3 and sum(int(row[2].text) for row in cells) == 2
    _screenshot(browser, "speaker")

    # The topic page: where they stand, a tie shown as a tie.
    browser.get(f"{live_server.url}{newsroom.get_absolute_url()}")
    ranks = {row.get_attribute("data-speaker"): row.find_element(By.TAG_NAME, "td").text
             for row in browser.find_elements(By.CSS_SELECTOR, "#topic-speakers tbody tr")}
    assert ranks == {"dana-holt": "=1", "lea-marsh": "=1", "holger-sand": "3", "ivan-petrov": "4"}
    assert browser.find_element(By.ID, "ranking-chart").is_displayed()
    _screenshot(browser, "topic")
    browser.find_element(By.CSS_SELECTOR, "tr[data-speaker=lea-marsh] a[href*='stance=favor']").click()
    wait.until(lambda b: "speaker=lea-marsh" in b.current_url)
    assert len(_rows(browser)) == 2
