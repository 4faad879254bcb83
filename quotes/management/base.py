"""Base for the commands that read files they are given."""
from django.core.management.base import BaseCommand, CommandError


class FileCommand(BaseCommand):
    """Missing, unreadable or malformed input ends in one clear error line, not a traceback."""

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except UnicodeDecodeError as error:
            raise CommandError(f"Input is not UTF-8 text ({error.reason} at byte {error.start}).") from error
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"{type(error).__name__}: {error}") from error
