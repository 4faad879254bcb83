from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.db.models.signals import post_migrate


class QuotesConfig(AppConfig):
    default = True  # this module also holds the admin's config
    name = "quotes"
    verbose_name = "Quotes and stances"

    def ready(self):
        from quotes.permissions import role_groups_sync

        # Keep the role groups in step with the policy after every migrate (and test-database flush).
        post_migrate.connect(role_groups_sync, sender=self, dispatch_uid="quotes.role_groups_sync")


class NewsdeskAdminConfig(admin_apps.AdminConfig):
    """The Django admin, on a site that asks the policy who may enter (quotes.admin_site)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "quotes.admin_site.NewsdeskAdminSite"
