"""``manage.py maintenance on|off|status``: the maintenance switch (operations.maintenance),
for work on the service other than a restore, which turns it on and off by itself."""

from django.core.management.base import BaseCommand

from operations import maintenance


class Command(BaseCommand):
    help = "Turn the maintenance switch on (every page answers 503) or off, or say whether it is."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("state", choices=["on", "off", "status"])
        parser.add_argument("--reason", default="maintenance", help="Kept with the switch.")

    def handle(self, *args, state, reason, **options):
        if state == "on":
            maintenance.switch_on(reason)
        elif state == "off":
            maintenance.switch_off()
        why = maintenance.reason()
        if why is None:
            self.stdout.write(f"Maintenance switch off ({maintenance.flag()} absent).")
        else:
            self.stdout.write(f"Maintenance switch on since {why} ({maintenance.flag()}).")
