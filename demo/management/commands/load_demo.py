"""manage.py load_demo: Sorsele kommun's Verksamhetsplan Omsorg 2023 and the joint plan of
Dorotea kommun and Region Västerbotten, with demo users."""

from django.core.management.base import BaseCommand

from demo.loader import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (seed 002: Sorsele kommun, Verksamhetsplan Omsorg 2023; seed 003: "
        "the joint plan of Dorotea kommun and Region Västerbotten) and demo users per role. "
        "Safe to run again: existing objects are left as they are."
    )

    def handle(self, *args, **options) -> None:
        load_demo(stdout=self.stdout, joint_plan=True)
