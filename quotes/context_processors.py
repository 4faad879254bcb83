"""What every template may ask the policy: `{% if can.ingest %}`, `{{ role }}`."""
from django.core.exceptions import ImproperlyConfigured

from quotes import permissions


class Abilities:
    """`can.<ability>` in templates; a misspelt ability fails loudly instead of hiding a link."""

    def __init__(self, user):
        self.user = user

    def __getitem__(self, ability: str) -> bool:
        try:
            return permissions.can(self.user, ability)
        except KeyError as error:  # the template engine would swallow a KeyError
            raise ImproperlyConfigured(str(error)) from error


def policy(request) -> dict:
    user = getattr(request, "user", None)
    return {"can": Abilities(user), "role": permissions.role_of(user) if user else ""}
