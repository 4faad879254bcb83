"""Template side of the policy: `{% if user|can:"correct" %}` shows only what the user may do."""
from django import template

from quotes import permissions

register = template.Library()


@register.filter
def can(user, ability: str) -> bool:
    return permissions.can(user, ability)


@register.simple_tag
def flag_kinds():
    """(value, label) of each kind of flag, for the flag form."""
    from quotes.models import QuoteFlag

    return QuoteFlag.Kind.choices
