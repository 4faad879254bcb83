"""The API corrects through the same services and policy as the pages."""
import pytest

from quotes.models import SpeakerAlias
from tests.factories import QuoteFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_broker(monkeypatch):
    from quotes import tasks

    monkeypatch.setattr(tasks.article_classify, "delay_on_commit", lambda article_id: None)


def test_an_admin_reassigns_and_rejects_through_the_api(client_as):
    client = client_as("admin")
    quote = QuoteFactory(speaker_mention="Flynn")
    holt = SpeakerFactory(name="Dana Holt", slug="dana-holt")
    response = client.post(f"/api/v1/quotes/{quote.pk}/reassign/", {"speaker": "dana-holt", "reason": "caption"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["speaker"] == "dana-holt"
    assert not SpeakerAlias.objects.filter(normalized="flynn").exists()
    assert client.post(f"/api/v1/quotes/{quote.pk}/reject/", {}, content_type="application/json").status_code == 200
    assert client.get(f"/api/v1/quotes/{quote.pk}/").status_code == 404  # hidden from the API
    assert client.post(f"/api/v1/quotes/{quote.pk}/restore/", {}, content_type="application/json").status_code == 200
    quote.refresh_from_db()
    assert quote.speaker == holt and not quote.is_rejected
    assert quote.history.latest().history_user == client.user


@pytest.mark.parametrize("role", ["anonymous", None, "editor", "analyst"])
def test_others_may_not_correct_through_the_api(client, client_as, role):
    if role != "anonymous":
        client = client_as(role)
    quote = QuoteFactory()
    SpeakerFactory(slug="dana-holt")
    for action, data in (("reassign", {"speaker": "dana-holt"}), ("reject", {}), ("restore", {})):
        response = client.post(f"/api/v1/quotes/{quote.pk}/{action}/", data, content_type="application/json")
        assert response.status_code in (401, 403)
    quote.refresh_from_db()
    assert not quote.is_rejected and quote.corrected_fields == []


def test_a_refused_correction_is_a_400_with_the_reason_and_changes_nothing(client_as):
    client = client_as("admin")
    quote = QuoteFactory(speaker_mention="she")
    before = quote.speaker_id
    SpeakerFactory(name="Dana Holt", slug="dana-holt")
    response = client.post(f"/api/v1/quotes/{quote.pk}/reassign/", {"speaker": "dana-holt", "make_alias": True},
                           content_type="application/json")
    assert response.status_code == 400 and "is not a name" in response.json()["detail"][0]
    quote.refresh_from_db()
    assert quote.speaker_id == before and quote.corrected_fields == []
