"""Every URL pattern, walked from the resolver: who may send which method to it.

GUARDS names, per URL name and method, the ability the policy requires. Each pattern is built
with sample objects and sent every method by an anonymous visitor and by a user of each role,
with CSRF checked as a browser would: those who hold the ability get through, everyone else is
refused (a redirect to the login page, 401 or 403), a method GUARDS does not list is refused or
405 for all, and unsafe methods without a CSRF token are refused. A URL that GUARDS does not
name fails the test, so a new page or endpoint cannot ship without someone deciding who may use it.
"""
import re
from fnmatch import fnmatchcase
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils.crypto import get_random_string
from rest_framework.authtoken.models import Token

from quotes import permissions, services
from quotes.models import QuoteFlag, TopicBackfill
from tests.factories import SpeakerFactory, StanceFactory, TopicFactory, UserFactory

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
PUBLIC = "anyone, anonymous included"  # the login page only
LOGGED_IN = "any logged-in user"
NOBODY = "nobody"
ROLES = (None, "editor", "analyst", "admin")  # None: a logged-in user with no role
READ = {"GET": "read"}

GUARDS = {
    "login": {"GET": PUBLIC, "POST": PUBLIC},
    "logout": {"POST": LOGGED_IN},
    "password_change": {"GET": LOGGED_IN, "POST": LOGGED_IN},
    "password_change_done": {"GET": LOGGED_IN},
    # Pages
    "quotes:dashboard": READ,
    "quotes:dashboard_counts": READ,
    "quotes:article_list": READ,
    "quotes:article_status": READ,
    "quotes:article_detail": READ,
    "quotes:article_create": {"GET": "ingest", "POST": "ingest"},
    "quotes:article_retry": {"POST": "retry"},
    "quotes:stance_label": {"POST": "set_stance"},
    "quotes:speaker_list": READ,
    "quotes:speaker_detail": READ,
    "quotes:topic_list": READ,
    "quotes:topic_detail": READ,
    "quotes:topic_create": {"GET": "manage_topics", "POST": "manage_topics"},
    "quotes:topic_update": {"GET": "manage_topics", "POST": "manage_topics"},
    "quotes:topic_set_active": {"POST": "manage_topics"},
    "quotes:topic_backfill_retry": {"POST": "manage_topics"},
    "quotes:topic_progress": READ,
    "quotes:quote_list": READ,
    "quotes:speaker_suggest": READ,
    "quotes:quote_export": {"GET": "export"},
    "quotes:quote_export_json": {"GET": "export"},
    # Corrections, History and merges
    "quotes:quote_add": {"POST": "correct"},
    "quotes:quote_reassign": {"POST": "correct"},
    "quotes:quote_reject": {"POST": "correct"},
    "quotes:quote_restore": {"POST": "correct"},
    "quotes:quote_respan": {"POST": "correct"},
    "quotes:quote_stance": {"POST": "set_stance"},
    "quotes:quote_history": READ,
    "quotes:speaker_search": READ,
    "quotes:speaker_history": READ,
    "quotes:speaker_update": {"POST": "correct"},
    "quotes:speaker_alias_add": {"POST": "correct"},
    "quotes:speaker_alias_remove": {"POST": "correct"},
    "quotes:history_revert": {"POST": "correct"},
    "quotes:speaker_merge": {"GET": "merge_speakers", "POST": "merge_speakers"},
    "quotes:speaker_merge_undo": {"POST": "merge_speakers"},
    # Review queue and flags
    "quotes:review_queue": {"GET": "set_stance"},
    "quotes:review_stance": {"POST": "set_stance"},
    "quotes:review_accept": {"POST": "correct"},
    "quotes:review_reject": {"POST": "correct"},
    "quotes:flag_resolve": {"POST": "correct"},
    "quotes:quote_flag": {"POST": "flag_quote"},
    "quotes:article_review": {"POST": "correct"},
    # API
    "api-unversioned": {"GET": LOGGED_IN},  # a redirect to /api/v1/
    "api-root": READ,
    "schema": READ,
    "api-docs": READ,
    "article-list": {"GET": "read", "POST": "ingest"},
    "article-detail": READ,
    "article-retry": {"POST": "retry"},
    "quote-list": READ,
    "quote-detail": READ,
    "speaker-list": READ,
    "speaker-detail": READ,
    "topic-list": READ,
    "topic-detail": READ,
    "stance-detail": {"PATCH": "set_stance"},
    "quote-reassign": {"POST": "correct"},
    "quote-reject": {"POST": "correct"},
    "quote-restore": {"POST": "correct"},
    # Admin: the site lets in staff Admins only; inside, PolicyAdmin maps each model's view, add,
    # change and delete to an ability. Admins hold them all except what is open to nobody. (The
    # admin answers PUT, PATCH and DELETE like GET; only POST changes anything there.)
    # Stances are labelled on their quote; quotes are rejected, never deleted (they would come back);
    # flags are raised on the article page; merges are made on the merge page and kept for undo.
    "admin:quotes_stance_add": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_stance_delete": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_quote_delete": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_quoteflag_add": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_speakermerge_add": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_speakermerge_delete": dict.fromkeys(METHODS, NOBODY),
    # Topics are managed on their pages (services compute their stances); deleting one loses labels.
    "admin:quotes_topic_add": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_topic_delete": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_topic_change": {**dict.fromkeys(METHODS, "use_admin"), "POST": NOBODY},  # view only
    "admin:quotes_topicbackfill_add": dict.fromkeys(METHODS, NOBODY),  # backfills run through their topic
    "admin:quotes_topicbackfill_delete": dict.fromkeys(METHODS, NOBODY),
    "admin:quotes_topicbackfill_change": {**dict.fromkeys(METHODS, "use_admin"), "POST": NOBODY},  # view only
    "admin:quotes_speakermerge_change": {**dict.fromkeys(METHODS, "use_admin"), "POST": NOBODY},  # view only
    "admin:authtoken_tokenproxy_change": {**dict.fromkeys(METHODS, "use_admin"), "POST": NOBODY},  # view only
    "admin:*": dict.fromkeys(METHODS, "use_admin"),
}
# What an allowed GET answers when it is not 2xx/3xx.
EXPECTED_GET = {"admin:logout": 405, "admin:admin/(?P<url>.*)$": 404}
QUERIES = {"admin:autocomplete": "?app_label=quotes&model_name=quote&field_name=speaker&term=a"}


def _url_patterns(patterns=None, prefix="", namespace=""):
    """(key, route, pattern) for every pattern; the key is the namespaced name, else the route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _url_patterns(pattern.url_patterns, route, inner)
        else:
            yield ":".join(filter(None, [namespace, pattern.name or route])), route, pattern


URLS = list(_url_patterns())


def _guard(key: str) -> dict:
    return next((guard for name, guard in GUARDS.items() if fnmatchcase(key, name)), None)


# Route words that name a sample other than their singular.
SAMPLE_NAMES = {"aliase": "speakeralias", "merge": "speakermerge", "flag": "quoteflag", "history": "quote"}


def _model_of(route: str) -> str:
    """Which sample object a route's ids name: the word before its first id (articles/<pk>/ an
    article, review/stances/<pk>/ a stance), admin/quotes/quote/… a quote."""
    parts = [part for part in route.replace("^", "").split("/") if part] or ["article"]
    if parts[0] == "admin":
        return parts[2] if len(parts) > 2 and parts[1] != "r" else "article"
    if parts[:2] == ["api", "v1"]:
        parts = parts[2:]
    named = [part for part in parts if not part.startswith(("<", "("))]
    before_id = next((parts[i - 1] for i, part in enumerate(parts) if i and part.startswith(("<", "("))), None)
    word = re.sub(r"\\\..*", "", before_id or (named[0] if named else "article")).removesuffix("s")
    return SAMPLE_NAMES.get(word, word)


def _path(key: str, route: str, samples: dict) -> str:
    obj = samples.get(_model_of(route), samples["article"])
    history = list(obj.history.order_by("history_id")[:1]) if hasattr(obj, "history") else []
    values = {
        "pk": obj.pk, "id": obj.pk, "object_id": obj.pk, "slug": getattr(obj, "slug", ""),
        "content_type_id": ContentType.objects.get_for_model(obj).pk,
        "format": "json", "app_label": "quotes", "url": "no-such-page/",
        "kind": obj._meta.model_name, "history_id": history[0].history_id if history else 0,
    }
    positional = iter([obj.pk, history[0].history_id if history else 0])
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(values[m.group(1)]), route)
    path = re.sub(
        r"<(?:(\w+):)?(\w+)>",
        lambda m: ".json" if m.group(1) == "drf_format_suffix" else str(values[m.group(2)]),
        path,
    )
    path = re.sub(r"\([^)]*\)", lambda m: str(next(positional)), path)
    path = "/" + path.replace("^", "").replace("$", "").replace("\\.", ".").replace("/?", "")
    return path + QUERIES.get(key, "")


@pytest.fixture
def samples(db):
    stance = StanceFactory(topic=TopicFactory())
    quote = stance.quote
    admin = UserFactory(role="admin")
    services.speaker_alias_add(speaker=quote.speaker, alias=quote.speaker.name, by=admin)
    services.topic_update(topic=stance.topic, name="Sample topic", by=admin)  # a change in its history
    someone = UserFactory()
    Token.objects.create(user=someone)
    merge = services.speaker_merge(source=SpeakerFactory(), target=quote.speaker, by=admin)
    flag = services.quote_flag(quote=quote, kind=QuoteFlag.Kind.WRONG_SPEAKER, by=UserFactory(role="editor"))
    return {
        "article": quote.article, "quote": quote, "stance": stance, "speaker": quote.speaker,
        "topic": stance.topic, "speakeralias": quote.speaker.aliases.get(), "user": someone,
        "tokenproxy": someone,  # the token admin names a token by its user's id
        "group": Group.objects.create(name="Sample group"),
        "speakermerge": merge, "quoteflag": flag,
        "topicbackfill": TopicBackfill.objects.create(topic=stance.topic),
    }


@pytest.fixture
def people(db):
    return {role: UserFactory(role=role) for role in ROLES}


def _client(user=None, *, csrf_token=True) -> Client:
    """A browser-like client: CSRF enforced; it carries a valid token unless told otherwise."""
    token = get_random_string(32)
    client = Client(enforce_csrf_checks=True, headers={"X-CSRFToken": token} if csrf_token else {})
    if csrf_token:
        client.cookies[settings.CSRF_COOKIE_NAME] = token
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, method: str, path: str):
    api = path.startswith("/api/")
    body = "{}" if api and method != "GET" else ""
    content_type = "application/json" if api else "application/x-www-form-urlencoded"
    return client.generic(method, path, body, content_type=content_type)


def _refused(response, key: str) -> bool:
    """401, 403, or sent to log in (with the page to come back to)."""
    if response.status_code in (401, 403):
        return True
    if response.status_code != 302:
        return False
    target = urlsplit(response["Location"])
    if key == "admin:logout" and target.path == reverse("admin:index"):
        return True  # Django's admin sends those who may not log out of it to its index, which refuses them
    return target.path in {reverse("login"), reverse("admin:login")} and "next=" in target.query


def _holds(user, requirement: str) -> bool:
    if requirement == PUBLIC:
        return True
    if requirement == LOGGED_IN:
        return user is not None
    return requirement != NOBODY and permissions.can(user, requirement)


def test_every_url_is_in_the_table():
    unlisted = sorted(key for key, _, _ in URLS if _guard(key) is None)
    assert not unlisted, f"URLs nobody decided on; add them to GUARDS: {unlisted}"
    abilities = {ability for guard in GUARDS.values() for ability in guard.values()}
    assert abilities <= {*permissions.ABILITIES, PUBLIC, LOGGED_IN, NOBODY}


def test_only_the_login_page_is_public():
    public = {key for key, _, _ in URLS if PUBLIC in _guard(key).values()}
    assert public == {"login"}


@pytest.mark.parametrize(("key", "route"), [(key, route) for key, route, _ in URLS], ids=[key for key, _, _ in URLS])
def test_each_url_lets_through_exactly_the_roles_that_hold_its_ability(key, route, samples, people):
    guard = _guard(key)
    path = _path(key, route, samples)
    resolved = resolve(urlsplit(path).path).route
    assert resolved == route.replace("/^", "/").removeprefix("^"), f"{path} does not resolve to {route}"
    problems = []
    for method in METHODS:
        requirement = guard.get(method)
        for role, user in [("anonymous", None), *people.items()]:
            response = _send(_client(user), method, path)
            allowed = requirement is not None and _holds(user, requirement)
            outcome = f"{method} {path} as {role}: {response.status_code}"
            if not allowed:
                if not (_refused(response, key) or (requirement is None and response.status_code == 405)):
                    problems.append(f"{outcome}, should be refused")
            elif _refused(response, key) or response.status_code >= 500:
                problems.append(f"{outcome}, should get through")
            elif method == "GET" and response.status_code >= 400 and response.status_code != EXPECTED_GET.get(key):
                problems.append(f"{outcome}, should be answered")
        holders = [user for user in [None, *people.values()] if requirement and _holds(user, requirement)]
        if holders and method != "GET":
            response = _send(_client(holders[0], csrf_token=False), method, path)
            if response.status_code != 403:
                problems.append(f"{method} {path} without a CSRF token: {response.status_code}, should be 403")
    assert not problems, "\n".join(problems)
