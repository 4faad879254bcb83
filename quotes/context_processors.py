"""What every template may ask the policy: `{% if can.ingest %}`, `{{ role }}`."""
from django.core.exceptions import ImproperlyConfigured

from quotes import permissions


class Abilities:
    """`can.<ability>` in templates; a misspelt ability fails loudly instead of hiding a link.

    Each ability is asked of the policy once per rendering: an article page asks `can.set_stance`
    and `can.correct` for every quote, and each answer walks the role predicates."""

    def __init__(self, user):
        self.user = user
        self._answers: dict[str, bool] = {}

    def __getitem__(self, ability: str) -> bool:
        if ability not in self._answers:
            try:
                self._answers[ability] = permissions.can(self.user, ability)
            except KeyError as error:  # the template engine would swallow a KeyError
                raise ImproperlyConfigured(str(error)) from error
        return self._answers[ability]


def policy(request) -> dict:
    user = getattr(request, "user", None)
    return {"can": Abilities(user), "role": permissions.role_of(user) if user else ""}
