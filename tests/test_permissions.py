"""The one policy: each role holds exactly its abilities; anonymous and inactive users hold none."""
import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.core.exceptions import PermissionDenied

from quotes import permissions
from tests.factories import UserFactory

EDITOR_ABILITIES = {"read", "ingest", "retry", "set_stance", "flag_quote"}
ANALYST_ABILITIES = EDITOR_ABILITIES | {"export", "manage_tokens", "manage_topics"}
ADMIN_ABILITIES = set(permissions.ABILITIES)


def _user_in(group_name):
    user = UserFactory()
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    return user


@pytest.mark.django_db
@pytest.mark.parametrize(
    "group_name, abilities",
    [(permissions.EDITOR, EDITOR_ABILITIES), (permissions.ANALYST, ANALYST_ABILITIES),
     (permissions.ADMIN, ADMIN_ABILITIES)],
)
def test_each_role_holds_exactly_its_abilities(group_name, abilities):
    user = _user_in(group_name)
    held = {ability for ability in permissions.ABILITIES if permissions.can(user, ability)}
    assert held == abilities


@pytest.mark.django_db
def test_anonymous_inactive_and_groupless_users_hold_nothing():
    inactive = _user_in(permissions.ADMIN)
    inactive.is_active = False
    inactive.save()
    for user in (AnonymousUser(), None, inactive, UserFactory()):
        assert not any(permissions.can(user, ability) for ability in permissions.ABILITIES)


@pytest.mark.django_db
def test_require_raises_a_readable_error_and_unknown_abilities_are_refused():
    editor = _user_in(permissions.EDITOR)
    permissions.require(editor, "set_stance")
    with pytest.raises(PermissionDenied, match="may not merge speakers"):
        permissions.require(editor, "merge_speakers")
    with pytest.raises(KeyError):
        permissions.can(editor, "fly")


@pytest.mark.django_db
def test_ability_required_sends_anonymous_to_login_and_refuses_other_roles(rf):
    from django.http import HttpResponse

    @permissions.ability_required("export")
    def view(request):
        return HttpResponse("ok")

    request = rf.get("/somewhere/?x=1")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302 and "/somewhere/" in response["Location"]
    request.user = _user_in(permissions.EDITOR)
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = _user_in(permissions.ANALYST)
    assert view(request).status_code == 200
