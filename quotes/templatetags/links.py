from django import template

from quotes.text import web_url as _web_url

register = template.Library()


@register.filter
def web_url(value: str) -> str:
    """The url if it is http(s), else "": a stored link never becomes `javascript:` on a page."""
    return _web_url(value)
