from django.urls import path

from quotes import views

app_name = "quotes"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article_retry"),
    path("stances/<int:pk>/label/", views.stance_label, name="stance_label"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/export.csv", views.quote_export, name="quote_export"),
]
