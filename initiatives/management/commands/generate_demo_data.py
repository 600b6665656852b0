import argparse

from django.core.management.base import BaseCommand, CommandError

from initiatives.demo_data import SeedContentMissing, generate_demo_data


def _not_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError(f"{number} is negative; give 0 or more")
    return number


class Command(BaseCommand):
    help = (
        "Add N synthetic initiatives for demos and benchmarks. They are marked "
        "as demo data (slug 'demo-', title 'Demo:') and removed with "
        "remove_demo_data. Needs the seed content (load_seed_content) first."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--initiatives",
            type=_not_negative,
            default=1000,
            metavar="N",
            help="How many initiatives to create (default 1000).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=1,
            help="Random seed: the same seed gives the same rows (default 1).",
        )

    def handle(self, *args, **options) -> None:
        try:
            report = generate_demo_data(options["initiatives"], seed=options["seed"])
        except SeedContentMissing as error:
            raise CommandError(str(error)) from None
        self.stdout.write(self.style.SUCCESS(str(report)))
