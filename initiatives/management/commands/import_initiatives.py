from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from initiatives.imports import import_initiatives, read_dataset


class Command(BaseCommand):
    help = (
        "Import initiatives from a CSV or XLSX file as drafts (origin 'import'). "
        "Nothing is written unless every row is valid; --dry-run shows what "
        "would happen. Rows are counted from the first row under the header. "
        "Start from initiatives/sample_data/initiatives-import-sample.csv."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and report; write nothing.",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Import rows with the same title and police area as an existing "
            "entry or an earlier row (refused otherwise).",
        )

    def handle(self, *args, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            dataset = read_dataset(path)
        except ValueError as error:
            raise CommandError(str(error)) from None
        except Exception as error:  # tablib raises many kinds on unreadable files
            raise CommandError(f"Cannot read {path.name}: {error}") from None
        report = import_initiatives(
            dataset,
            dry_run=options["dry_run"],
            allow_duplicates=options["allow_duplicates"],
            file_name=path.name,
        )
        for line in report.outcomes():
            self.stdout.write(line)
        for line in report.duplicates:
            self.stdout.write(self.style.WARNING(f"{line} (imported anyway)"))
        for line in report.problems():
            self.stderr.write(line)
        if not report.ok:
            raise CommandError(report.summary())
        self.stdout.write(self.style.SUCCESS(report.summary()))
