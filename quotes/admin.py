"""Admin: corrections go through the services, so they are locked and recorded in history."""
from django.contrib import admin, messages
from simple_history.admin import SimpleHistoryAdmin

from quotes import services
from quotes.models import Article, Quote, QuoteFlag, Speaker, SpeakerAlias, Stance, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}


class SpeakerAliasInline(admin.TabularInline):
    model = SpeakerAlias
    extra = 0
    fields = ["alias"]


@admin.register(Speaker)
class SpeakerAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "organisation", "country", "is_person"]
    search_fields = ["name", "aliases__alias", "role"]
    list_filter = ["is_person", "country"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]
    actions = ["merge_into_first"]

    def save_formset(self, request, form, formset, change):
        for alias in formset.save(commit=False):
            services.speaker_alias_add(speaker=alias.speaker, alias=alias.alias)
        for alias in formset.deleted_objects:
            alias.delete()

    @admin.action(description="Merge the selected speakers into the first one (oldest)")
    def merge_into_first(self, request, queryset):
        speakers = list(queryset.order_by("created_at", "pk"))
        if len(speakers) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return
        target = speakers[0]
        for source in speakers[1:]:
            services.speaker_merge(source=source, target=target, by=request.user)
        self.message_user(request, f"Merged {len(speakers) - 1} speaker(s) into {target.name}.")


@admin.register(SpeakerAlias)
class SpeakerAliasAdmin(admin.ModelAdmin):
    list_display = ["alias", "speaker"]
    search_fields = ["alias", "speaker__name"]
    autocomplete_fields = ["speaker"]


class StanceInline(admin.TabularInline):
    model = Stance
    extra = 0
    fields = ["topic", "label", "source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    readonly_fields = ["topic", "source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    can_delete = False


@admin.register(Quote)
class QuoteAdmin(SimpleHistoryAdmin):
    list_display = ["short_text", "speaker", "speaker_mention", "is_direct", "attribution_confidence", "article"]
    list_filter = ["is_direct", "article__outlet"]
    search_fields = ["text", "speaker__name", "speaker_mention"]
    autocomplete_fields = ["speaker"]
    readonly_fields = ["article", "text", "start", "end", "is_direct", "cue", "speaker_mention",
                       "attribution_confidence", "corrected_fields"]
    inlines = [StanceInline]

    @admin.display(description="Quote")
    def short_text(self, obj: Quote) -> str:
        return obj.text[:80]

    def save_model(self, request, obj, form, change):
        if change and "speaker" in form.changed_data:
            services.quote_reassign(quote=obj, speaker=obj.speaker, by=request.user, reason="corrected in admin")
        else:
            super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for stance in formset.save(commit=False):
            services.stance_label(stance_record=stance, label=stance.label, by=request.user,
                                  reason="labelled in admin")


@admin.register(Stance)
class StanceAdmin(SimpleHistoryAdmin):
    list_display = ["quote", "topic", "label", "source", "model_label", "model_version"]
    list_filter = ["topic", "label", "source"]
    readonly_fields = ["quote", "topic", "source", "model_label", "score_favor", "score_against",
                       "score_none", "model_version"]

    def save_model(self, request, obj, form, change):
        if "label" in form.changed_data:
            services.stance_label(stance_record=obj, label=obj.label, by=request.user, reason="labelled in admin")


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "outlet", "published_at", "status", "extractor_version", "created_at"]
    list_filter = ["status", "outlet"]
    search_fields = ["title", "url", "body"]
    readonly_fields = ["content_hash", "status", "error", "extractor_version", "processed_at"]
    actions = ["reprocess"]

    @admin.action(description="Process the selected articles again")
    def reprocess(self, request, queryset):
        for article in queryset:
            services.article_retry(article=article)
        self.message_user(request, f"{queryset.count()} article(s) queued for processing.")


@admin.register(QuoteFlag)
class QuoteFlagAdmin(admin.ModelAdmin):
    """Editors' flags; resolving goes through the service, so the policy and the record hold."""

    list_display = ["quote", "kind", "by", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["quote__text", "note"]
    list_select_related = ["quote__speaker", "by", "resolved_by"]
    readonly_fields = ["quote", "kind", "note", "by", "created_at", "resolved_at", "resolved_by", "resolution"]
    actions = ["resolve"]

    def has_add_permission(self, request):
        return False  # editors flag on the article page or in the review queue

    @admin.action(description="Resolve the selected flags")
    def resolve(self, request, queryset):
        flags = list(queryset.filter(resolved_at=None))
        for flag in flags:
            services.flag_resolve(flag=flag, by=request.user, resolution="resolved in admin")
        self.message_user(request, f"Resolved {len(flags)} flag(s).")
