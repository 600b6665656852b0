"""What every page's template needs from the library: whether the site holds
demo data, for the banner that says so."""

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from initiatives.selectors import demo_initiative_count, demo_shown
from practice_library.content_version import current_version
from practice_library.result_cache import cached, result_key


@dataclass(frozen=True)
class DemoData:
    count: int
    shown: bool


def _demo_data(request: HttpRequest) -> DemoData:
    # Counted once per content version, and only on pages that show it.
    key = result_key("demo-count", version=current_version()[0])
    asked = request.GET.get("include_demo")
    return DemoData(
        count=cached(key, demo_initiative_count),
        shown=demo_shown(None if asked not in ("true", "false") else asked == "true"),
    )


def demo_data(request: HttpRequest) -> dict[str, object]:
    return {"demo_data": SimpleLazyObject(lambda: _demo_data(request))}
