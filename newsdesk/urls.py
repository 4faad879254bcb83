from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from quotes import api

router = DefaultRouter()
router.register("articles", api.ArticleViewSet)
router.register("quotes", api.QuoteViewSet)
router.register("speakers", api.SpeakerViewSet)
router.register("topics", api.TopicViewSet)
router.register("stances", api.StanceViewSet)

FORM_METHODS = ["get", "head", "post"]  # Django's form views also take PUT as a POST
accounts = [
    # The one page open to anonymous users (Django's LoginView is marked login_not_required).
    path("login/", auth_views.LoginView.as_view(http_method_names=FORM_METHODS), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),  # POST only
    path("password/", auth_views.PasswordChangeView.as_view(http_method_names=FORM_METHODS), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]

urlpatterns = [
    path("accounts/", include(accounts)),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file (?script), as the CSP allows no inline script.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # The unversioned API is gone; its root points to v1 (after logging in, like every page).
    path(
        "api/",
        RedirectView.as_view(url="/api/v1/", permanent=True, http_method_names=["get", "head"]),
        name="api-unversioned",
    ),
    path("", include("quotes.urls")),
]

# The app's own error pages (templates/error.html), never Django's or an exception's text.
handler400 = "newsdesk.errors.bad_request"
handler403 = "newsdesk.errors.permission_denied"
handler404 = "newsdesk.errors.page_not_found"
handler500 = "newsdesk.errors.server_error"
