from django.apps import AppConfig


class PracticeLibraryConfig(AppConfig):
    """The project's plumbing, installed for its system checks."""

    name = "practice_library"
    verbose_name = "Practice library plumbing"

    def ready(self) -> None:
        from practice_library import checks  # noqa: F401  (registers the checks)
