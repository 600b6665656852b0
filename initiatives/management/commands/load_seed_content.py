from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from initiatives.content_files import ContentError
from initiatives.services.seed import load_seed_content


class Command(BaseCommand):
    help = (
        "Load the library's content files (initiatives/content/): the 43 police "
        "areas with their governance, themes, target groups, organisations, "
        "sources, briefings and initiatives. Every record is checked first; "
        "any problem is reported and nothing is written. Safe to run again: "
        "unchanged records are left alone, and rows a curator has edited or "
        "deleted are never overwritten or created again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--only",
            action="append",
            default=[],
            metavar="FILE",
            help="Load only the records of this file (relative to "
            "initiatives/content/, e.g. regions/north.yaml) and what they "
            "need; repeatable. Every file is still checked.",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = load_seed_content(only=options["only"])
        except ContentError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(str(report)))
        # The whole-library downloads follow the content at once, rather than
        # after the delay of a build after changes.
        call_command("build_downloads", if_stale=True, stdout=self.stdout)
