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
    path("quotes/<int:pk>/flag/", views.quote_flag, name="quote_flag"),
    path("articles/<int:pk>/reviewed/", views.article_review, name="article_review"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/stances/<int:pk>/", views.review_stance, name="review_stance"),
    path("review/quotes/<int:pk>/accept/", views.review_accept, name="review_accept"),
    path("review/flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
]
