import json
from collections.abc import Iterable
from typing import Any

from django import template
from django.core.paginator import Page
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from initiatives.full_text import highlighted
from initiatives.markdown import render_markdown
from initiatives.pictures import Bar, Cartogram, bar_chart, cartogram
from themes.models import Theme

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the element.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def markdown(text: str) -> SafeString:
    return render_markdown(text)


@register.filter
def highlight_snippet(snippet: str) -> SafeString:
    return highlighted(snippet)


@register.filter
def json_ld(data: dict[str, Any]) -> SafeString:
    """Structured data in a ``<script type="application/ld+json">`` element.

    ``json_script`` cannot set that type. The element is data, not script, so
    a Content Security Policy without inline scripts still allows it.
    """
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_ESCAPES)),  # noqa: S308 (escaped above)
    )


@register.simple_tag
def elided_page_range(page: Page) -> list[int | str]:
    """Page numbers around the current one, with an ellipsis for the rest."""
    return list(
        page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    )


@register.simple_tag
def area_cartogram(areas: Iterable[Any], theme: Theme | None = None) -> Cartogram:
    """The cartogram of police areas annotated with ``initiative_count`` (under
    one theme, if given), for ``includes/cartogram.html``."""
    return cartogram(list(areas), theme=theme)


@register.simple_tag
def theme_bar_chart(themes: Iterable[Any]) -> list[Bar]:
    """One bar per theme annotated with ``initiative_count``, for
    ``includes/theme_bars.html``."""
    return bar_chart(list(themes))
