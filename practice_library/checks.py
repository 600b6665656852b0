"""System checks that `manage.py check --deploy` runs for a production site."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[Warning]:
    """Several processes must share one cache, or they disagree."""
    if settings.SHARED_CACHE:
        return []
    return [
        Warning(
            "REDIS_URL is not set, so every process keeps a cache of its own.",
            hint=(
                "Set REDIS_URL whenever more than one process serves the site "
                "(gunicorn with several workers included): without it each "
                "process counts rate limits alone and sees another's changes "
                f"only after {settings.CONTENT_VERSION_SECONDS} seconds."
            ),
            id="practice_library.W001",
        )
    ]


@register(Tags.security, deploy=True)
def admin_address(app_configs, **kwargs) -> list[Warning]:
    """The admin at the default address is the first place robots try."""
    if settings.ADMIN_URL != "admin/":
        return []
    return [
        Warning(
            "The admin is at the default address, /admin/.",
            hint=(
                "Set DJANGO_ADMIN_URL to an address that cannot be guessed "
                "(e.g. curation-7x2k/): robots that try passwords look for "
                "/admin/ first."
            ),
            id="practice_library.W002",
        )
    ]
