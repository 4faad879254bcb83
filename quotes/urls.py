from django.urls import path

from quotes import correction_views, topic_views, views

app_name = "quotes"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dashboard/counts/", views.dashboard_counts, name="dashboard_counts"),
    path("articles/", views.article_list, name="article_list"),
    path("articles/new/", views.article_create, name="article_create"),
    path("articles/<int:pk>/", views.article_detail, name="article_detail"),
    path("articles/<int:pk>/status/", views.article_status, name="article_status"),
    path("articles/<int:pk>/retry/", views.article_retry, name="article_retry"),
    path("stances/<int:pk>/label/", views.stance_label, name="stance_label"),
    path("speakers/", views.speaker_list, name="speaker_list"),
    # Corrections (before speakers/<slug>/, which would take "search" and "merge" for slugs)
    path("articles/<int:pk>/quotes/add/", correction_views.quote_add, name="quote_add"),
    path("quotes/<int:pk>/reassign/", correction_views.quote_reassign, name="quote_reassign"),
    path("quotes/<int:pk>/reject/", correction_views.quote_reject, name="quote_reject"),
    path("quotes/<int:pk>/restore/", correction_views.quote_restore, name="quote_restore"),
    path("quotes/<int:pk>/span/", correction_views.quote_respan, name="quote_respan"),
    path("quotes/<int:pk>/stance/", correction_views.quote_stance, name="quote_stance"),
    path("quotes/<int:pk>/history/", correction_views.quote_history, name="quote_history"),
    path("speakers/search/", correction_views.speaker_search, name="speaker_search"),
    path("speakers/merge/", correction_views.speaker_merge, name="speaker_merge"),
    path("merges/<int:pk>/undo/", correction_views.speaker_merge_undo, name="speaker_merge_undo"),
    path("speakers/<slug:slug>/history/", correction_views.speaker_history, name="speaker_history"),
    path("speakers/<slug:slug>/edit/", correction_views.speaker_update, name="speaker_update"),
    path("speakers/<slug:slug>/aliases/", correction_views.speaker_alias_add, name="speaker_alias_add"),
    path("aliases/<int:pk>/remove/", correction_views.speaker_alias_remove, name="speaker_alias_remove"),
    path("history/<str:kind>/<int:history_id>/revert/", correction_views.history_revert, name="history_revert"),
    path("speakers/<slug:slug>/", views.speaker_detail, name="speaker_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/new/", topic_views.topic_create, name="topic_create"),  # before topics/<slug>/
    path("topics/<slug:slug>/edit/", topic_views.topic_update, name="topic_update"),
    path("topics/<slug:slug>/active/", topic_views.topic_set_active, name="topic_set_active"),
    path("topics/<slug:slug>/progress/", topic_views.topic_progress, name="topic_progress"),
    path("topics/<slug:slug>/backfill/retry/", topic_views.topic_backfill_retry, name="topic_backfill_retry"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("quotes/", views.quote_list, name="quote_list"),
    path("quotes/speakers/", views.speaker_suggest, name="speaker_suggest"),
    path("quotes/export.csv", views.quote_export, name="quote_export"),
    path("quotes/export.json", views.quote_export_json, name="quote_export_json"),
    path("quotes/<int:pk>/flag/", views.quote_flag, name="quote_flag"),
    path("articles/<int:pk>/reviewed/", views.article_review, name="article_review"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/stances/<int:pk>/", views.review_stance, name="review_stance"),
    path("review/quotes/<int:pk>/accept/", views.review_accept, name="review_accept"),
    path("review/quotes/<int:pk>/reject/", views.review_reject, name="review_reject"),
    path("review/flags/<int:pk>/resolve/", views.flag_resolve, name="flag_resolve"),
]
