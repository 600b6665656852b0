"""Curators' Markdown turned into HTML that is safe to put on a page.

Markdown lets curators write headings, lists and links; nh3 then removes
anything that could run in a reader's browser (script, style, event handlers,
javascript: links) whatever the Markdown or raw HTML contained.
"""

import markdown as markdown_library
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote",
    "code", "pre", "h2", "h3", "h4", "a", "abbr", "table", "thead", "tbody",
    "tr", "th", "td", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> SafeString:
    """Markdown to sanitised HTML; links get rel="nofollow noopener"."""
    html = markdown_library.markdown(text or "", extensions=["sane_lists"])
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)
