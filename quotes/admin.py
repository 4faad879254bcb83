"""Admin: corrections go through the services, so they are locked and recorded in history.

Who may enter the admin, and what each may view, add, change or delete there, is the policy's
(quotes.permissions) decision, not Django's model permissions: every ModelAdmin takes PolicyAdmin.
"""
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from quotes import permissions, services
from quotes.models import Article, Quote, Speaker, SpeakerAlias, Stance, Topic


class PolicyAdmin:
    """Mixin for every ModelAdmin and inline: view, add, change and delete ask the policy.

    `abilities` names the ability each needs; an action mapped to None is open to nobody.
    """

    abilities = {"view": "read", "add": "correct", "change": "correct", "delete": "correct"}

    def _allows(self, request, action: str) -> bool:
        ability = self.abilities.get(action)
        return ability is not None and permissions.can(request.user, ability)

    def has_module_permission(self, request) -> bool:
        return self._allows(request, "view")

    def has_view_permission(self, request, obj=None) -> bool:
        return self._allows(request, "view")

    def has_add_permission(self, request, obj=None) -> bool:
        return self._allows(request, "add")

    def has_change_permission(self, request, obj=None) -> bool:
        return self._allows(request, "change")

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._allows(request, "delete")


def _only(ability: str) -> dict:
    return dict.fromkeys(("view", "add", "change", "delete"), ability)


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.unregister(TokenProxy)


@admin.register(User)
class UserAdmin(PolicyAdmin, auth_admin.UserAdmin):
    abilities = _only("manage_users")


@admin.register(Group)
class GroupAdmin(PolicyAdmin, auth_admin.GroupAdmin):
    abilities = _only("manage_users")


@admin.register(TokenProxy)
class ApiTokenAdmin(PolicyAdmin, TokenAdmin):
    abilities = {**_only("manage_tokens"), "change": None}  # a token is created or deleted, never edited


@admin.register(Topic)
class TopicAdmin(PolicyAdmin, admin.ModelAdmin):
    abilities = {"view": "read", "add": "manage_topics", "change": "manage_topics", "delete": "manage_topics"}
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}


class SpeakerAliasInline(PolicyAdmin, admin.TabularInline):
    model = SpeakerAlias
    extra = 0
    fields = ["alias"]


@admin.register(Speaker)
class SpeakerAdmin(PolicyAdmin, SimpleHistoryAdmin):
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

    def has_merge_speakers_permission(self, request) -> bool:
        return permissions.can(request.user, "merge_speakers")

    @admin.action(description="Merge the selected speakers into the first one (oldest)", permissions=["merge_speakers"])
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
class SpeakerAliasAdmin(PolicyAdmin, admin.ModelAdmin):
    list_display = ["alias", "speaker"]
    search_fields = ["alias", "speaker__name"]
    autocomplete_fields = ["speaker"]


class StanceInline(PolicyAdmin, admin.TabularInline):
    abilities = {"view": "read", "add": "set_stance", "change": "set_stance", "delete": None}
    model = Stance
    extra = 0
    fields = ["topic", "label", "source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    readonly_fields = ["topic", "source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    can_delete = False


@admin.register(Quote)
class QuoteAdmin(PolicyAdmin, SimpleHistoryAdmin):
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
class StanceAdmin(PolicyAdmin, SimpleHistoryAdmin):
    abilities = {"view": "read", "add": "set_stance", "change": "set_stance", "delete": None}
    list_display = ["quote", "topic", "label", "source", "model_label", "model_version"]
    list_filter = ["topic", "label", "source"]
    readonly_fields = ["quote", "topic", "source", "model_label", "score_favor", "score_against",
                       "score_none", "model_version"]

    def save_model(self, request, obj, form, change):
        if "label" in form.changed_data:
            services.stance_label(stance_record=obj, label=obj.label, by=request.user, reason="labelled in admin")


@admin.register(Article)
class ArticleAdmin(PolicyAdmin, admin.ModelAdmin):
    abilities = {"view": "read", "add": "ingest", "change": "correct", "delete": "correct"}
    list_display = ["__str__", "outlet", "published_at", "status", "extractor_version", "created_at"]
    list_filter = ["status", "outlet"]
    search_fields = ["title", "url", "body"]
    readonly_fields = ["content_hash", "status", "error", "extractor_version", "processed_at"]
    actions = ["reprocess"]

    def has_retry_permission(self, request) -> bool:
        return permissions.can(request.user, "retry")

    @admin.action(description="Process the selected articles again", permissions=["retry"])
    def reprocess(self, request, queryset):
        for article in queryset:
            services.article_retry(article=article, by=request.user)
        self.message_user(request, f"{queryset.count()} article(s) queued for processing.")
