"""Print a user's API token (created on first use), for scripts: `Authorization: Token KEY`."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from rest_framework.authtoken.models import Token

from quotes.permissions import can


class Command(BaseCommand):
    help = "Print the API token of USER, creating it if needed; only users who may manage tokens get one."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--rotate", action="store_true", help="replace the user's token with a new one")

    def handle(self, *args, username, rotate, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        if not can(user, "manage_tokens"):
            raise CommandError(f"{username} may not have an API token (analysts and admins may).")
        if rotate:
            Token.objects.filter(user=user).delete()
        token, _ = Token.objects.get_or_create(user=user)
        self.stdout.write(token.key)
