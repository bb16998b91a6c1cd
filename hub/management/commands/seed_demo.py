"""python manage.py seed_demo: the demo restaurant of CONTRACT section 9."""

from django.core.management.base import BaseCommand, CommandError

from hub.demo import DatabaseNotEmpty, seed_demo


class Command(BaseCommand):
    help = "Load the demo restaurant (fixed ids) into an empty database."

    def handle(self, *args, **options):
        try:
            result = seed_demo()
        except DatabaseNotEmpty as exc:
            raise CommandError(str(exc)) from exc
        if not result["loaded"]:
            self.stdout.write("The demo restaurant is already loaded; nothing to do.")
            return
        self.stdout.write(self.style.SUCCESS("Demo restaurant loaded."))
        self.stdout.write(f"Logins (password {result['password']}):")
        for username, role, outlet in result["logins"]:
            self.stdout.write(f"  {username:<10} {role:<8} outlet {outlet}")
