"""Create a newsroom user in one role: editor, analyst or admin."""
import os
from getpass import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from quotes.permissions import ROLES, role_abilities, role_grant


class Command(BaseCommand):
    help = (
        "Create a user in one role (editor, analyst or admin; admins are also staff, for the admin). "
        "The password comes from --password, else NEWSDESK_PASSWORD, else a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, help=" | ".join(ROLES))
        parser.add_argument("--password", help="prefer NEWSDESK_PASSWORD or the prompt: argv is visible to others")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--if-missing", action="store_true", help="leave an existing user as it is instead of refusing"
        )

    def handle(self, *args, username, role, password, email, if_missing, **options):
        role = role.lower()
        group_name = ROLES.get(role)
        if group_name is None:
            raise CommandError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            if if_missing:
                self.stdout.write(f"{username} exists already; left unchanged.")
                return
            raise CommandError(f"The username {username!r} is taken.")
        user = users(username=username, email=email)
        password = password or os.environ.get("NEWSDESK_PASSWORD") or self._prompt()
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("The password was refused: " + " ".join(error.messages)) from error
        user.set_password(password)
        with transaction.atomic():
            user.save()
            role_grant(user, role)
        abilities = ", ".join(sorted(role_abilities(group_name)))
        self.stdout.write(f"Created {username} ({group_name}): may {abilities}.")

    def _prompt(self) -> str:
        try:
            password = getpass("Password: ")
            if password != getpass("Password (again): "):
                raise CommandError("The two passwords differ.")
        except EOFError as error:
            raise CommandError("No password: pass --password, set NEWSDESK_PASSWORD or run in a terminal.") from error
        return password
