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


def _held(user) -> set[str]:
    return {ability for ability in permissions.ABILITIES if permissions.can(user, ability)}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, abilities",
    [("editor", EDITOR_ABILITIES), ("analyst", ANALYST_ABILITIES), ("admin", ADMIN_ABILITIES)],
)
def test_each_role_holds_exactly_its_abilities(role, abilities):
    user = UserFactory(role=role)
    assert _held(user) == abilities
    assert permissions.role_abilities(permissions.ROLES[role]) == abilities


@pytest.mark.django_db
def test_the_admin_site_needs_an_admin_who_is_staff():
    assert _held(_user_in(permissions.ADMIN)) == ADMIN_ABILITIES - {"use_admin"}
    assert "use_admin" not in _held(UserFactory(role="editor", is_staff=True))
    assert "use_admin" in _held(UserFactory(is_superuser=True, is_staff=True))


@pytest.mark.django_db
def test_role_groups_carry_the_model_permissions_of_their_abilities():
    from django.contrib.auth.models import Permission

    assert set(permissions.MODEL_PERMISSIONS) == set(permissions.ABILITIES)
    listed = {code for codes in permissions.MODEL_PERMISSIONS.values() for code in codes}
    existing = {f"{p.content_type.app_label}.{p.codename}" for p in Permission.objects.select_related("content_type")}
    assert listed <= existing, f"no such permission: {sorted(listed - existing)}"
    for group_name in permissions.ROLES.values():
        group = Group.objects.get(name=group_name)  # made by migration 0004
        wanted = {code for ability in permissions.role_abilities(group_name)
                  for code in permissions.MODEL_PERMISSIONS[ability]}
        held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert held == wanted, group_name
    assert "quotes.change_stance" in wanted and "quotes.add_article" in wanted  # Admin's, and so Editor's


@pytest.mark.django_db
def test_role_groups_sync_repairs_a_group_and_is_idempotent():
    editors = Group.objects.get(name=permissions.EDITOR)
    editors.permissions.clear()
    permissions.role_groups_sync()
    permissions.role_groups_sync()
    assert editors.permissions.filter(codename="change_stance").exists()
    assert not editors.permissions.filter(codename="delete_speaker").exists()
    assert Group.objects.filter(name__in=permissions.ROLES.values()).count() == 3


@pytest.mark.django_db
def test_role_of_names_the_highest_role():
    assert [permissions.role_of(UserFactory(role=role)) for role in ("editor", "analyst", "admin")] == [
        "Editor", "Analyst", "Admin"]
    assert permissions.role_of(UserFactory()) == permissions.role_of(AnonymousUser()) == ""
    assert permissions.role_of(UserFactory(is_superuser=True)) == "Superuser"


@pytest.mark.django_db
def test_services_let_the_operator_through_and_refuse_people_without_the_ability():
    permissions.require_unless_operator(None, "merge_speakers")  # a command or a task
    permissions.require_unless_operator(UserFactory(role="admin"), "merge_speakers")
    for user in (AnonymousUser(), UserFactory(), UserFactory(role="analyst")):
        with pytest.raises(PermissionDenied):
            permissions.require_unless_operator(user, "merge_speakers")


def test_templates_asking_for_an_unknown_ability_fail_loudly():
    from django.core.exceptions import ImproperlyConfigured
    from django.template import Context, Template

    from quotes.context_processors import Abilities

    template = Template("{% if can.ingest %}yes{% endif %}")
    assert template.render(Context({"can": Abilities(AnonymousUser())})) == ""
    with pytest.raises(ImproperlyConfigured):
        Template("{% if can.injest %}yes{% endif %}").render(Context({"can": Abilities(AnonymousUser())}))


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
