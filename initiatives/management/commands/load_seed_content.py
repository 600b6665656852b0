from django.core.management.base import BaseCommand

from initiatives.services.seed import load_seed_content


class Command(BaseCommand):
    help = (
        "Load the curated starting content: the 43 police areas with their "
        "governance, the themes, target groups, and the December 2015 spotlight "
        "briefing with its initiatives. Safe to run again: only missing rows "
        "are created."
    )

    def handle(self, *args, **options) -> None:
        report = load_seed_content()
        self.stdout.write(self.style.SUCCESS(str(report)))
