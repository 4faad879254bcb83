"""Admin: every correction goes through the services, so it is checked by the policy, locked
against re-processing and recorded in history with who and why.

Who may enter the admin, and what each may view, add, change or delete there, is the policy's
(quotes.permissions) decision, not Django's model permissions: every ModelAdmin takes PolicyAdmin.
"""
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from rest_framework.authtoken.admin import TokenAdmin
from rest_framework.authtoken.models import TokenProxy
from simple_history.admin import SimpleHistoryAdmin

from quotes import permissions, services
from quotes.models import Article, Quote, QuoteFlag, Speaker, SpeakerAlias, SpeakerMerge, Stance, Topic, TopicBackfill


class PolicyAdmin:
    """Mixin for every ModelAdmin and inline: view, add, change and delete ask the policy.

    `abilities` names the ability each needs; an action mapped to None is open to nobody. An admin
    action declared with `permissions=["<ability>"]` asks the policy for that ability too.
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

    def __getattr__(self, name: str):
        # Django looks up `has_<permission>_permission` for an action's `permissions=[...]`.
        ability = name.removeprefix("has_").removesuffix("_permission")
        if name.startswith("has_") and name.endswith("_permission") and ability in permissions.POLICY:
            return lambda request: permissions.can(request.user, ability)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")


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
class TopicAdmin(PolicyAdmin, SimpleHistoryAdmin):
    """Read-only: topics are created, edited and (de)activated on their pages, through the services
    that record the change and compute the stances; deleting one would lose its human labels."""

    abilities = {"view": "read", "add": None, "change": None, "delete": None}
    list_display = ["name", "slug", "is_active", "created_at"]
    list_filter = ["is_active"]


@admin.register(TopicBackfill)
class TopicBackfillAdmin(PolicyAdmin, admin.ModelAdmin):
    """Read-only: a backfill is started, stopped and retried through its topic (the topic page)."""

    abilities = {"view": "read", "add": None, "change": None, "delete": None}
    list_display = ["topic", "state", "done", "total", "started_at", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["topic"]


class SpeakerAliasInline(PolicyAdmin, admin.TabularInline):
    model = SpeakerAlias
    extra = 0
    fields = ["alias"]


@admin.register(Speaker)
class SpeakerAdmin(PolicyAdmin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "role", "organisation", "country", "is_person", "article"]
    search_fields = ["name", "aliases__alias", "role"]
    list_filter = ["kind", "is_person", "country"]
    readonly_fields = ["article"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SpeakerAliasInline]
    actions = ["merge_selected"]

    def save_model(self, request, obj, form, change):
        if change:
            services.speaker_update(
                speaker=obj, name=obj.name, role=obj.role, organisation=obj.organisation, kind=obj.kind,
                by=request.user, reason="corrected in admin",
            )
        else:
            created = services.speaker_create(
                name=obj.name, role=obj.role, organisation=obj.organisation, is_person=obj.is_person,
                kind=obj.kind, by=request.user, reason="created in admin",
            )
            obj.pk, obj.slug = created.pk, created.slug

    def save_formset(self, request, form, formset, change):
        for alias in formset.save(commit=False):
            if alias.pk is None:
                services.speaker_alias_add(speaker=form.instance, alias=alias.alias, by=request.user)
        for alias in formset.deleted_objects:
            services.speaker_alias_remove(alias=alias, by=request.user, reason="removed in admin")

    @admin.action(
        description="Merge the selected speakers (choose the one to keep, preview, confirm)",
        permissions=["merge_speakers"],
    )
    def merge_selected(self, request, queryset):
        slugs = list(queryset.values_list("slug", flat=True))
        if len(slugs) < 2:
            self.message_user(request, "Select at least two speakers to merge.", messages.WARNING)
            return None
        return redirect(f"{reverse('quotes:speaker_merge')}?{urlencode({'speakers': slugs}, doseq=True)}")


@admin.register(SpeakerAlias)
class SpeakerAliasAdmin(PolicyAdmin, admin.ModelAdmin):
    list_display = ["alias", "speaker"]
    list_select_related = ["speaker"]
    search_fields = ["alias", "speaker__name"]
    autocomplete_fields = ["speaker"]

    def save_model(self, request, obj, form, change):
        if change:
            raise PermissionDenied("Remove the alias and add the new spelling instead.")
        services.speaker_alias_add(speaker=obj.speaker, alias=obj.alias, by=request.user, reason="added in admin")

    def delete_model(self, request, obj):
        services.speaker_alias_remove(alias=obj, by=request.user, reason="removed in admin")


@admin.register(SpeakerMerge)
class SpeakerMergeAdmin(PolicyAdmin, admin.ModelAdmin):
    """Merges are made and undone on the merge page and the speaker's History page."""

    # Read-only here; deleting one would lose what its undo restores.
    abilities = {"view": "read", "add": None, "change": None, "delete": None}

    list_display = ["__str__", "merged_by", "merged_at", "undone_by", "undone_at"]
    list_select_related = ["merged_by", "undone_by"]
    readonly_fields = ["source_name", "source_slug", "target", "target_name", "previous_rows", "merged_by",
                       "merged_at", "undone_by", "undone_at"]


class StanceInlineForm(forms.ModelForm):
    """The topic is chosen for a new stance row only; an existing row keeps its topic."""

    class Meta:
        model = Stance
        fields = ["topic", "label"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["topic"].disabled = True


class StanceInline(PolicyAdmin, admin.TabularInline):
    abilities = {"view": "read", "add": "set_stance", "change": "set_stance", "delete": None}
    model = Stance
    form = StanceInlineForm
    extra = 0
    fields = ["topic", "label", "source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    readonly_fields = ["source", "model_label", "score_favor", "score_against", "score_none", "model_version"]
    can_delete = False


class QuoteAddForm(forms.ModelForm):
    """Add a quote the extractor missed: its article, its span and who said it."""

    class Meta:
        model = Quote
        fields = ["article", "start", "end", "speaker", "is_direct"]

    def clean(self):
        cleaned = super().clean()
        article, start, end = cleaned.get("article"), cleaned.get("start"), cleaned.get("end")
        if article is not None and start is not None and end is not None:
            try:
                services.quote_span_check(article=article, start=start, end=end)
            except services.CorrectionError as error:
                raise forms.ValidationError(str(error)) from error
        return cleaned

    def validate_unique(self):
        pass  # the service checks the span (rejected and overlapping quotes included)


@admin.register(Quote)
class QuoteAdmin(PolicyAdmin, SimpleHistoryAdmin):
    # No delete: a deleted quote would come back with the next re-processing; reject it instead.
    abilities = {"view": "read", "add": "correct", "change": "correct", "delete": None}
    list_display = ["short_text", "speaker", "speaker_mention", "is_direct", "attribution_confidence", "is_rejected",
                    "article"]
    list_select_related = ["speaker", "article"]
    list_filter = ["is_rejected", "origin", "is_direct", "article__outlet"]
    search_fields = ["text", "speaker__name", "speaker_mention"]
    autocomplete_fields = ["speaker", "article"]
    readonly_fields = ["article", "text", "start", "end", "is_direct", "cue", "speaker_mention",
                       "attribution_confidence", "corrected_fields", "origin", "is_rejected"]
    inlines = [StanceInline]
    actions = ["reject", "restore"]

    @admin.display(description="Quote")
    def short_text(self, obj: Quote) -> str:
        return obj.text[:80]

    def get_queryset(self, request):
        # The list shows the article's title: leave its body (often long) in the database.
        return super().get_queryset(request).defer("article__body")

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = QuoteAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_fields(self, request, obj=None):
        return super().get_fields(request, obj) if obj else QuoteAddForm.Meta.fields

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def save_model(self, request, obj, form, change):
        if not change:
            added = services.quote_add(
                article=obj.article, start=obj.start, end=obj.end, speaker=obj.speaker, is_direct=obj.is_direct,
                by=request.user, reason="added in admin",
            )
            obj.pk = added.pk
        elif "speaker" in form.changed_data:
            services.quote_reassign(quote=obj, speaker=obj.speaker, by=request.user, reason="corrected in admin")

    def save_formset(self, request, form, formset, change):
        for stance in formset.save(commit=False):
            services.quote_stance_label(quote=form.instance, topic=stance.topic, label=stance.label, by=request.user,
                                        reason="labelled in admin")

    @admin.action(description="Reject the selected quotes (not a quote)", permissions=["correct"])
    def reject(self, request, queryset):
        for quote in queryset:
            services.quote_reject(quote=quote, by=request.user, reason="rejected in admin")
        self.message_user(request, f"{queryset.count()} quote(s) rejected; they stay restorable.")

    @admin.action(description="Restore the selected rejected quotes", permissions=["correct"])
    def restore(self, request, queryset):
        for quote in queryset:
            services.quote_restore(quote=quote, by=request.user, reason="restored in admin")
        self.message_user(request, f"{queryset.count()} quote(s) restored.")


@admin.register(Stance)
class StanceAdmin(PolicyAdmin, SimpleHistoryAdmin):
    # A stance is labelled on its quote (article page or the quote's admin), never added or deleted here.
    abilities = {"view": "read", "add": None, "change": "set_stance", "delete": None}
    list_display = ["quote", "topic", "label", "source", "model_label", "model_version"]
    list_select_related = ["quote__speaker", "topic"]
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

    @admin.action(description="Process the selected articles again", permissions=["retry"])
    def reprocess(self, request, queryset):
        for article in queryset:
            services.article_retry(article=article, by=request.user)
        self.message_user(request, f"{queryset.count()} article(s) queued for processing.")


@admin.register(QuoteFlag)
class QuoteFlagAdmin(PolicyAdmin, admin.ModelAdmin):
    """Editors' flags; resolving goes through the service, so the policy and the record hold."""

    # Editors flag on the article page or in the review queue, not here.
    abilities = {"view": "read", "add": None, "change": "correct", "delete": "correct"}

    list_display = ["quote", "kind", "by", "created_at", "resolved_at", "resolved_by"]
    list_filter = ["kind", ("resolved_at", admin.EmptyFieldListFilter)]
    search_fields = ["quote__text", "note"]
    list_select_related = ["quote__speaker", "by", "resolved_by"]
    readonly_fields = ["quote", "kind", "note", "by", "created_at", "resolved_at", "resolved_by", "resolution"]
    actions = ["resolve"]

    @admin.action(description="Resolve the selected flags", permissions=["correct"])
    def resolve(self, request, queryset):
        flags = list(queryset.filter(resolved_at=None))
        for flag in flags:
            services.flag_resolve(flag=flag, by=request.user, resolution="resolved in admin")
        self.message_user(request, f"Resolved {len(flags)} flag(s).")
