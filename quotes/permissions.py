"""The one permission policy: who may do what in the newsroom.

Pages, the API, the admin, services and commands all ask here (`can` / `require`), so a rule
changes in one place. Roles are the groups Editor, Analyst and Admin; a superuser may do
everything. Anonymous users may do nothing (the login page and static files are not actions).
Management commands run as the operator: whoever may run `manage.py` on the server holds every
ability, and services take `by=None` for them.
"""
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

EDITOR = "Editor"
ANALYST = "Analyst"
ADMIN = "Admin"
ROLES = {"editor": EDITOR, "analyst": ANALYST, "admin": ADMIN}


@rules.predicate
def is_superuser(user) -> bool:
    return bool(getattr(user, "is_superuser", False) and user.is_active)


is_admin = is_superuser | rules.is_group_member(ADMIN)
is_analyst = is_admin | rules.is_group_member(ANALYST)
is_editor = is_analyst | rules.is_group_member(EDITOR)
is_staff_admin = is_admin & rules.is_staff

# Each ability is a verb of the newsroom; the predicate says which roles hold it.
POLICY = {
    # Editors: read everything, add articles, set stances, flag quotes.
    "read": is_editor,
    "ingest": is_editor,
    "retry": is_editor,
    "set_stance": is_editor,
    "flag_quote": is_editor,
    # Analysts: an editor's rights plus exports, API tokens and topics.
    "export": is_analyst,
    "manage_tokens": is_analyst,
    "manage_topics": is_analyst,
    # Admins: every correction, merges, users.
    "correct": is_admin,
    "merge_speakers": is_admin,
    "manage_users": is_admin,
    # The Django admin: Admins marked as staff (`create_user --role admin` does both).
    "use_admin": is_staff_admin,
}

ABILITIES = tuple(POLICY)

_policy = rules.RuleSet()
for _ability, _predicate in POLICY.items():
    _policy.add_rule(_ability, _predicate)


def can(user, ability: str, obj=None) -> bool:
    """Whether `user` holds `ability` (on `obj`, where the rule looks at one)."""
    if ability not in POLICY:
        raise KeyError(f"Unknown ability {ability!r}; known: {', '.join(ABILITIES)}.")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return _policy.test_rule(ability, user, obj)


def require(user, ability: str, obj=None) -> None:
    """Raise PermissionDenied, with a message a person can read, unless `user` holds `ability`."""
    if not can(user, ability, obj):
        who = getattr(user, "username", "") or "anonymous"
        raise PermissionDenied(f"{who} may not {ability.replace('_', ' ')}.")


def ability_required(ability: str):
    """View decorator: anonymous users go to the login page, users without `ability` get 403."""
    if ability not in POLICY:
        raise KeyError(f"Unknown ability {ability!r}.")

    def decorate(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, ability)
            return view(request, *args, **kwargs)

        guarded.required_ability = ability
        return guarded

    return decorate


class PolicyPermission(BasePermission):
    """Asks the policy: reading needs "read"; a write needs the ability its view names for the action.

    A view lists its writes in `abilities` ({action: ability}); a write it does not list is refused,
    so a new endpoint is closed until someone decides who may use it.
    """

    def has_permission(self, request, view) -> bool:
        declared = getattr(view, "abilities", {}).get(getattr(view, "action", None))
        ability = declared or ("read" if request.method in SAFE_METHODS else None)
        return ability is not None and can(request.user, ability)


def require_unless_operator(by, ability: str, obj=None) -> None:
    """What services call: `by=None` is the operator (a command or a task); anyone else needs `ability`."""
    if by is not None:
        require(by, ability, obj)


def role_grant(user, role: str) -> None:
    """Put the user in a role ("editor", "analyst", "admin"); Admins are made staff, for the admin."""
    from django.contrib.auth.models import Group

    group_name = ROLES[role]
    user.groups.add(Group.objects.get_or_create(name=group_name)[0])
    if group_name == ADMIN and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_group_names_cache", None)  # rules caches a user's groups


def role_of(user) -> str:
    """The name of the user's highest role, for the page header ("" when they hold none)."""
    if is_superuser.test(user):
        return "Superuser"
    return next((role for role in (ADMIN, ANALYST, EDITOR) if rules.is_group_member(role).test(user)), "")


# --- Role groups ------------------------------------------------------------------
# The Django model permissions that go with each ability, so the groups carry them too (the admin
# and anything else that reads Django permissions agree with the policy). "app.action_model".
_QUOTES_MODELS = ("article", "quote", "speaker", "speakeralias", "stance", "topic", "quoteflag", "speakermerge")
MODEL_PERMISSIONS = {
    "read": [f"quotes.view_{model}" for model in _QUOTES_MODELS],
    "ingest": ["quotes.add_article"],
    "retry": [],
    "set_stance": ["quotes.add_stance", "quotes.change_stance"],  # a label on a topic with no row yet adds one
    "flag_quote": ["quotes.add_quoteflag"],
    "export": [],
    "manage_tokens": [f"authtoken.{action}_tokenproxy" for action in ("add", "view", "delete")],
    "manage_topics": [f"quotes.{action}_topic" for action in ("add", "change", "delete")],
    "correct": [f"quotes.{action}_{model}" for action in ("add", "change", "delete")
                for model in ("article", "quote", "speaker", "speakeralias")]
    + ["quotes.change_quoteflag"],  # resolving a flag
    "merge_speakers": ["quotes.delete_speaker", "quotes.add_speakermerge", "quotes.change_speakermerge"],
    "manage_users": [f"auth.{action}_{model}" for action in ("add", "change", "delete", "view")
                     for model in ("user", "group")],
    "use_admin": ["admin.view_logentry"],
}


class _RoleMember:
    """A stand-in member of one role's group, to ask the predicates which abilities the role holds."""

    is_authenticated = is_active = True
    is_superuser = False

    def __init__(self, group_name: str):
        self.is_staff = group_name == ADMIN  # create_user makes Admins staff
        self._group_names_cache = {group_name}  # where rules looks first
        self.groups = self

    def values_list(self, *fields, flat=False):  # rules' fallback: user.groups.values_list("name")
        return sorted(self._group_names_cache)


def role_abilities(group_name: str) -> set[str]:
    """The abilities a member of the role's group holds."""
    member = _RoleMember(group_name)
    return {ability for ability, predicate in POLICY.items() if predicate.test(member)}


def role_groups_sync(*, apps=None, **_signal_kwargs) -> None:
    """Create the groups Editor, Analyst and Admin, each with exactly its abilities' model permissions.

    Run by the data migration 0004 and after every `migrate` (so a new model's permissions join the
    groups, and a flushed test database gets its groups back). Idempotent.
    """
    from django.apps import apps as global_apps
    from django.db.models import Q

    apps = apps or global_apps
    group_model, permission_model = apps.get_model("auth", "Group"), apps.get_model("auth", "Permission")
    for group_name in ROLES.values():
        codes = {code for ability in role_abilities(group_name) for code in MODEL_PERMISSIONS[ability]}
        wanted = Q(pk__in=[])
        for code in codes:
            app_label, codename = code.split(".")
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group, _ = group_model.objects.get_or_create(name=group_name)
        group.permissions.set(permission_model.objects.filter(wanted))
