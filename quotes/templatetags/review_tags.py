"""Template helpers for the review forms. (Asking the policy is `can.<ability>`, from quotes.context_processors.)"""
from django import template

register = template.Library()


@register.simple_tag
def flag_kinds():
    """(value, label) of each kind of flag, for the flag form."""
    from quotes.models import QuoteFlag

    return QuoteFlag.Kind.choices
