"""The quote explorer: speaker autocomplete (bounded, prefix on names and aliases), the htmx region
that updates in place with a shareable URL, the same results on a full load, invalid values as a
clear 400 (page, region and API), never a 500 nor silently every quote."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quotes.models import SpeakerAlias
from tests.factories import ArticleFactory, QuoteFactory, SpeakerFactory, StanceFactory, TopicFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def analyst(client):
    client.force_login(UserFactory(role="analyst"))
    return client


@pytest.fixture
def newsroom():
    topic = TopicFactory()
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt", role="envoy")
    SpeakerAlias.objects.create(speaker=holt, alias="Holt", normalized="holt")
    petrov = SpeakerFactory(name="Ivan Petrov", slug="ivan-petrov")
    SpeakerAlias.objects.create(speaker=petrov, alias="the Kremlin envoy", normalized="the kremlin envoy")
    for number, (speaker, label) in enumerate([(holt, "favor"), (holt, "against"), (petrov, "against"),
                                               (holt, "favor")]):
        article = ArticleFactory(body=f"Intro.\n“Remark number {number},” they said.")
        quote = QuoteFactory(speaker=speaker, article=article)
        StanceFactory(quote=quote, topic=topic, label=label)
    return {"topic": topic, "holt": holt, "petrov": petrov}


def _suggest(client, text, **extra):
    return client.get(reverse("quotes:speaker_suggest"), {"speaker": text, **extra})


# --- Autocomplete -------------------------------------------------------------------


def test_suggestions_match_the_start_of_any_word_of_a_name_or_alias_most_quoted_first(analyst, newsroom):
    results = _suggest(analyst, "ho", format="json").json()["results"]
    assert [r["slug"] for r in results] == ["dana-holt"] and results[0]["quotes"] == 3
    assert [r["slug"] for r in _suggest(analyst, "Dana H", format="json").json()["results"]] == ["dana-holt"]
    # an alias's word ("kremlin"), case and accents aside
    assert [r["slug"] for r in _suggest(analyst, "KREM", format="json").json()["results"]] == ["ivan-petrov"]
    # a prefix, not a substring: "olt" is inside "Holt" but starts no word
    assert _suggest(analyst, "olt", format="json").json()["results"] == []


def test_suggestions_are_html_buttons_that_apply_the_filter_in_place(analyst, newsroom):
    html = _suggest(analyst, "hol").content.decode()
    assert 'hx-vals=\'{"speaker": "dana-holt"}\'' in html and 'hx-include="#quote-filters"' in html
    assert 'hx-push-url="true"' in html and "Dana Holt" in html and "3 quotes" in html
    assert "<html" not in html
    assert "No speaker’s name or alias starts with “zzz”" in _suggest(analyst, "zzz").content.decode()
    assert _suggest(analyst, "   ").content.decode().strip() == ""


def test_suggestions_are_bounded_and_cost_the_same_queries_at_any_size(analyst):
    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            results = _suggest(analyst, text, format="json").json()["results"]
        return len(captured), results

    SpeakerFactory(name="Maria Lopez 0")
    small, _ = queries("lopez")
    for number in range(1, 40):
        speaker = SpeakerFactory(name=f"Maria Lopez {number}")
        QuoteFactory.create_batch(number % 3, speaker=speaker)
    large, results = queries("lopez")
    assert len(results) == 10 and large == small
    assert results[0]["quotes"] == 2  # most quoted first


def test_suggestions_need_a_login(client):
    assert _suggest(client, "a").status_code == 302


def test_a_name_in_other_letters_is_found_by_its_name(analyst, newsroom):
    SpeakerFactory(name="Юрий Ушаков", slug="yurii-ushakov")
    # (SQLite folds the case of ASCII letters only: its LIKE needs the name's own case there.)
    typed = "уша" if connection.vendor == "postgresql" else "Уша"
    assert [r["slug"] for r in _suggest(analyst, typed, format="json").json()["results"]] == ["yurii-ushakov"]
    assert analyst.get("/quotes/", {"speaker": "Юрий Ушаков"}).status_code == 200


def test_a_long_or_odd_query_is_harmless(analyst, newsroom):
    for text in ["%", "_", "\\", "'; drop table", "ho" * 400, "日本"]:
        response = _suggest(analyst, text, format="json")
        assert response.status_code == 200 and response.json()["results"] == []


# --- The explorer -------------------------------------------------------------------


def _ids(html: str) -> list[str]:
    import re

    return re.findall(r"#quote-(\d+)", html)


def test_htmx_gets_the_explorer_region_and_a_clean_url_to_push(analyst, newsroom):
    params = {"speaker": "dana-holt", "stance": "favor", "q": "", "topic": "", "outlet": ""}
    response = analyst.get(reverse("quotes:quote_list"), params, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="explorer">') and "<html" not in html
    assert response["HX-Push-Url"] == "/quotes/?speaker=dana-holt&stance=favor"
    assert "HX-Request" in response["Vary"]
    assert len(_ids(html)) == 2 and "2 quotes by Dana Holt" in html
    # the export links carry the same filters
    assert 'href="/quotes/export.csv?speaker=dana-holt&amp;stance=favor"' in html
    # a full load of the pushed URL shows the same rows, in the whole page
    full = analyst.get("/quotes/?speaker=dana-holt&stance=favor")
    assert "<html" in full.content.decode() and _ids(full.content.decode()) == _ids(html)


def test_a_history_restore_gets_the_whole_page(analyst, newsroom):
    html = analyst.get("/quotes/?stance=favor", headers={**HTMX, "HX-History-Restore-Request": "true"}).content.decode()
    assert "<html" in html and "HX-Push-Url" not in analyst.get("/quotes/").headers


def test_pagination_links_keep_the_filters_and_update_in_place(analyst, newsroom, monkeypatch):
    from quotes import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    html = analyst.get("/quotes/", {"speaker": "dana-holt", "q": ""}, headers=HTMX).content.decode()
    assert 'hx-get="/quotes/?speaker=dana-holt&amp;page=2"' in html and "Page 1 of 2" in html


def test_a_typed_name_or_alias_works_without_javascript(analyst, newsroom):
    for typed in ("Dana Holt", "dana holt", "Holt"):
        response = analyst.get("/quotes/", {"speaker": typed})
        assert response.status_code == 200 and len(_ids(response.content.decode())) == 3, typed
    assert 'value="Holt"' in analyst.get("/quotes/", {"speaker": "Holt"}).content.decode()


def test_a_name_two_speakers_share_is_a_400_that_names_both(analyst, newsroom):
    other = SpeakerFactory(name="Sam Holt", slug="sam-holt")
    SpeakerAlias.objects.create(speaker=other, alias="Holt", normalized="holt")
    response = analyst.get("/quotes/", {"speaker": "Holt"}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Several speakers are called “Holt”" in html and "dana-holt" in html and "sam-holt" in html
    assert _ids(html) == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"speaker": "nobody-at-all"}, "No speaker is called “nobody-at-all”"),
        ({"stance": "maybe"}, "Stance “maybe”"),
        ({"min_confidence": "lots"}, "Minimum confidence “lots”"),
        ({"published_after": "2025-13-45"}, "Published from “2025-13-45”"),
        ({"topic": "no-such-topic"}, "Topic “no-such-topic”"),
        ({"sort": "random"}, "Sort “random”"),
        ({"is_direct": "perhaps", "stance": "favor"}, "Kind “perhaps”"),
    ],
)
def test_an_invalid_value_is_a_400_with_its_message_in_the_page_and_the_region(analyst, newsroom, params, message):
    for headers in ({}, HTMX):
        response = analyst.get("/quotes/", params, headers=headers)
        html = response.content.decode()
        assert response.status_code == 400, params
        assert 'id="filter-problems"' in html and message in html and 'role="alert"' in html
        assert _ids(html) == [] and "No quotes match" not in html  # never everything, never "no match"


def test_an_unknown_name_in_the_api_is_a_400_too(analyst, newsroom):
    response = analyst.get("/api/v1/quotes/", {"speaker": "Nobody Known"})
    assert response.status_code == 400 and "speaker" in response.json()
    assert analyst.get("/api/v1/quotes/", {"speaker": "Holt"}).status_code == 200


def test_empty_results_say_so(analyst, newsroom):
    html = analyst.get("/quotes/", {"speaker": "ivan-petrov", "stance": "favor"}, headers=HTMX).content.decode()
    assert "No quotes match these filters." in html and "0 quotes by Ivan Petrov" in html


def test_the_page_carries_htmx_and_swaps_a_400_in_place(analyst, newsroom):
    html = analyst.get("/quotes/").content.decode()
    assert "vendor/htmx/htmx.min.js" in html and '"code": "400", "swap": true' in html
    assert 'hx-get="/quotes/speakers/"' in html and 'class="explorer-auto"' in html
    speaker_input = html[html.index('name="speaker"'):html.index(">", html.index('name="speaker"'))]
    assert 'hx-push-url="false"' in speaker_input  # fetching suggestions never changes the address
    assert '<select name="speaker"' not in html


def test_the_region_costs_the_same_queries_with_more_rows_and_speakers(analyst, newsroom):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = analyst.get("/quotes/", {"speaker": "Dana Holt", "topic": newsroom["topic"].slug}, headers=HTMX)
        assert response.status_code == 200
        return len(captured)

    small = queries()
    for number in range(30):
        article = ArticleFactory(body=f"Later {number}.\n“A further remark {number},” they said.")
        quote = QuoteFactory(speaker=newsroom["holt"] if number % 2 else SpeakerFactory(), article=article)
        StanceFactory(quote=quote, topic=newsroom["topic"], label="favor")
    assert queries() == small
