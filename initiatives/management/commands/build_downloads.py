from django.core.management.base import BaseCommand

from initiatives.downloads import build_downloads, build_downloads_if_stale


class Command(BaseCommand):
    help = (
        "Build the whole-library downloads (/downloads/initiatives.csv and "
        "/downloads/initiatives.jsonl) from the published content, replacing "
        "the old files at once. Safe to run at any time, and again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Build only if the files are older than the content (and no "
            "other process is building them).",
        )

    def handle(self, *args, **options) -> None:
        manifest = build_downloads_if_stale() if options["if_stale"] else None
        if options["if_stale"] and manifest is None:
            self.stdout.write("The whole-library downloads are up to date.")
            return
        manifest = manifest or build_downloads()
        self.stdout.write(
            self.style.SUCCESS(
                f"Built the whole-library downloads: {manifest.rows} initiatives "
                f"(content version {manifest.version})."
            )
        )
