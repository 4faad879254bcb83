from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from quotes import api

router = DefaultRouter()
router.register("articles", api.ArticleViewSet)
router.register("quotes", api.QuoteViewSet)
router.register("speakers", api.SpeakerViewSet)
router.register("topics", api.TopicViewSet)
router.register("stances", api.StanceViewSet)

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("quotes.urls")),
]
