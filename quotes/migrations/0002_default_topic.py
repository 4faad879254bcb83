from django.db import migrations

DEFAULT_TOPIC = {
    "slug": "us-russia-ukraine-talks",
    "name": "U.S.–Russia talks on Ukraine",
    "description": "the U.S.–Russia talks on ending the war in Ukraine",
}


def create_default_topic(apps, schema_editor):
    Topic = apps.get_model("quotes", "Topic")
    Topic.objects.get_or_create(slug=DEFAULT_TOPIC["slug"], defaults=DEFAULT_TOPIC)


def remove_default_topic(apps, schema_editor):
    apps.get_model("quotes", "Topic").objects.filter(slug=DEFAULT_TOPIC["slug"]).delete()


class Migration(migrations.Migration):
    dependencies = [("quotes", "0001_initial")]

    operations = [migrations.RunPython(create_default_topic, remove_default_topic)]
