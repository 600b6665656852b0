from django.core.management.base import BaseCommand

from initiatives.demo_data import remove_demo_data


class Command(BaseCommand):
    help = "Delete every demo initiative and demo organisation; curated content stays."

    def handle(self, *args, **options) -> None:
        initiatives, organisations = remove_demo_data()
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {initiatives} demo initiatives and "
                f"{organisations} demo organisations."
            )
        )
