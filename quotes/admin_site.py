"""The admin site: for staff Admins only (the policy's `use_admin`), with no login page of its own.

Its own module, because Django builds `admin.site` from it before quotes.admin registers anything.
"""
from django.contrib import admin
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme

from quotes import permissions


class NewsdeskAdminSite(admin.AdminSite):
    """The admin, for staff Admins only (`use_admin`). There is one login page, the newsroom's."""

    site_header = site_title = "Newsdesk admin"

    def has_permission(self, request) -> bool:
        return permissions.can(request.user, "use_admin")

    def login(self, request, extra_context=None):
        # Not exempt from the login middleware: anonymous users are sent to /accounts/login/ first.
        permissions.require(request.user, "use_admin")
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
            target = "admin:index"
        return redirect(target)
