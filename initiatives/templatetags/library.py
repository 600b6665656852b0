from django import template
from django.utils.safestring import SafeString

from initiatives.markdown import render_markdown
from initiatives.search import highlighted

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def highlight_snippet(snippet: str) -> SafeString:
    return highlighted(snippet)
