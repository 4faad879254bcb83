"""Users holding a role of the permission policy (the groups may not exist yet: created here)."""
from django.contrib.auth.models import Group

from quotes.permissions import ROLES
from tests.factories import UserFactory


def user_with_role(role: str, username: str | None = None):
    """A user in the group of `role` ("editor", "analyst" or "admin")."""
    user = UserFactory(username=username or f"{role}-user")
    user.groups.add(Group.objects.get_or_create(name=ROLES[role])[0])
    return user
