"""The role groups Editor, Analyst and Admin, with the Django model permissions their abilities need."""
from django.contrib.auth.management import create_permissions
from django.db import migrations


def create_role_groups(apps, schema_editor):
    from quotes.permissions import role_groups_sync

    # On a fresh database the permissions are only created after the last migration: make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    role_groups_sync(apps=apps)


def remove_role_groups(apps, schema_editor):
    from quotes.permissions import ROLES

    apps.get_model("auth", "Group").objects.filter(name__in=ROLES.values()).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("quotes", "0003_topic_stance_head"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("authtoken", "0004_alter_tokenproxy_options"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
