from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.backups import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by backup_library into the configured database, "
        "which must be empty (create a new one first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("archive", type=Path, help="The backup file.")

    def handle(self, *args, **options) -> None:
        try:
            restore(options["archive"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored the library from {options['archive']}")
        )
