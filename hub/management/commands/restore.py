"""`python manage.py restore FILE --yes`: replace the database's contents with a backup
(docs/operations.md "Backups"). Stop the hub's processes first; the work is hub/backups.py."""

from django.core.management.base import BaseCommand, CommandError

from hub.backups import BackupError, backup_restore, backups_list


class Command(BaseCommand):
    help = "Restore the database from a backup made by `backup` (everything is replaced)."

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="The backup; omitted: list the backups.")
        parser.add_argument("--yes", action="store_true", help="Really replace the database.")

    def handle(self, *args, file=None, yes=False, **options):
        if not file:
            for path in backups_list():
                self.stdout.write(str(path))
            return
        if not yes:
            raise CommandError("restore replaces every row of the database: add --yes")
        try:
            backup_restore(file)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {file}.")
