from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the whole library (every table, history included) to one file: "
        "a pg_dump archive on PostgreSQL, a database copy on SQLite."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the backup (default: backups/practice-library-<time>).",
        )

    def handle(self, *args, **options) -> None:
        try:
            path = backup(options["output"])
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up the library to {path}"))
