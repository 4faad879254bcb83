"""The one permission policy: who may do what in the newsroom.

Pages, the API, the admin, services and commands all ask here (`can` / `require`), so a rule
changes in one place. Roles are the groups Editor, Analyst and Admin; a superuser may do
everything. Anonymous users may do nothing (the login page and static files are not actions).
"""
from functools import wraps

import rules
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

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
