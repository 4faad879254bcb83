"""Issue 13: HTML with <script>, event attributes and javascript: links, uploaded as a page and
carried into a quote, its speaker and the title, runs nothing on the article page (Chromium)."""
import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from quotes import services
from quotes.models import Article
from tests.factories import QuoteFactory, SpeakerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PWN = "window.__pwned = (window.__pwned || 0) + 1"
PAGE = f"""<html><head><title>Talks &lt;script&gt;{PWN}&lt;/script&gt;</title>
<link rel="canonical" href="javascript:{PWN}"><meta property="og:url" content="javascript:{PWN}">
<script>{PWN}</script></head>
<body onload="{PWN}"><article>
<p onclick="{PWN}">“We will &lt;script&gt;{PWN}&lt;/script&gt; talk,” said <a href="javascript:{PWN}">the envoy</a>.</p>
<p>&lt;img src=x onerror="{PWN}"&gt; and &lt;svg onload="{PWN}"&gt; as words.</p>
<p><img src="x" onerror="{PWN}"><iframe src="javascript:{PWN}"></iframe></p>
</article></body></html>""".encode()


@pytest.fixture
def hostile_article(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_process, "delay_on_commit", lambda article_id: None)
    article = services.article_ingest_file(filename="hostile.html", data=PAGE)
    article.status = Article.Status.DONE
    article.save()
    speaker = SpeakerFactory(
        name=f"<img src=x onerror='{PWN}'>", slug="hostile-speaker", role=f"<script>{PWN}</script>"
    )
    QuoteFactory(article=article, speaker=speaker, speaker_mention=f"<b onmouseover='{PWN}'>he</b>", cue="said")
    return article


def test_no_script_from_the_input_runs_on_the_article_page(browser, browser_as, live_server, hostile_article):
    assert hostile_article.url == "" and "<script>" in hostile_article.body  # the page's links dropped, its text kept
    browser_as("admin")  # the richest page: correction forms, htmx and corrections.js loaded
    browser.get_log("browser")  # forget the login page's messages
    browser.get(live_server.url + hostile_article.get_absolute_url())
    body = browser.find_element(By.CSS_SELECTOR, ".article-body").text
    assert "<script>" in body and "onerror=" in body  # shown as the words they are
    quote = browser.find_element(By.CSS_SELECTOR, ".quote-card")
    quote.find_element(By.CSS_SELECTOR, "blockquote a").click()
    browser.execute_script("document.querySelectorAll('*').forEach(e => e.dispatchEvent(new MouseEvent('mouseover')))")
    assert browser.execute_script("return window.__pwned") is None
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018
    assert browser.find_elements(By.CSS_SELECTOR, "a[href^='javascript' i], iframe, img[src='x'], svg[onload]") == []
    # Our own scripts and styles comply with the Content-Security-Policy: nothing was blocked.
    log = browser.get_log("browser")
    violations = [entry["message"] for entry in log if "Content Security Policy" in entry["message"]]
    assert violations == []
    assert browser.execute_script("return typeof htmx") == "object"  # htmx loaded from our static files
