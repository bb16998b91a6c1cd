"""`python manage.py backup`: one backup of the database into var/backups/ (or --dir,
HUB_BACKUP_DIR), keeping the newest --keep (HUB_BACKUP_KEEP, 14). docs/operations.md
"Backups"; the work is hub/backups.py."""

from django.core.management.base import BaseCommand, CommandError

from hub.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump, or SQLite's online backup) with retention."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=None, help="Directory (default var/backups/).")
        parser.add_argument("--keep", type=int, default=None, help="Backups to keep (14).")

    def handle(self, *args, dir=None, keep=None, **options):
        try:
            path = backup_create(directory=dir, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
