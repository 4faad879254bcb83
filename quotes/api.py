"""REST API at /api/v1/: the same selectors, filters, services and policy as the pages, as JSON.

OpenAPI schema at /api/v1/schema/. Every request, reads included, needs a session (the browser,
CSRF enforced) or a token (`Authorization: Token KEY`, from `manage.py create_token USER`).
"""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from quotes import selectors, services
from quotes.filters import QuoteFilter
from quotes.models import Article, Quote, Speaker, Stance, Topic
from quotes.permissions import can

# What the API tells a non-admin about a failure; the exception text is for admins (and the log).
FAILURE_SUMMARY = "Processing failed; retry it, and if it fails again an admin can see why."


class SpeakerSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Speaker
        fields = ["slug", "name", "kind", "role", "organisation", "country", "is_person", "aliases", "article"]


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ["slug", "name", "description", "is_active", "stance_model_version"]


class StanceSerializer(serializers.ModelSerializer):
    topic = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    scores = serializers.SerializerMethodField()

    class Meta:
        model = Stance
        fields = ["id", "topic", "label", "source", "model_label", "scores", "relevance", "model_version"]
        read_only_fields = ["source", "model_label", "relevance", "model_version"]

    def get_scores(self, stance: Stance) -> dict[str, float]:
        return {"favor": stance.score_favor, "against": stance.score_against, "none": stance.score_none}


class QuoteSerializer(serializers.ModelSerializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    speaker_name = serializers.CharField(source="speaker.name", default=None, read_only=True)
    stances = StanceSerializer(many=True, read_only=True)

    class Meta:
        model = Quote
        fields = ["id", "article", "speaker", "speaker_name", "speaker_mention", "text", "start", "end",
                  "is_direct", "cue", "attribution_confidence", "corrected_fields", "stances"]


class ArticleSerializer(serializers.ModelSerializer):
    text = serializers.CharField(write_only=True, trim_whitespace=False)
    error = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at", "status", "error", "extractor_version",
                  "processed_at", "created_at", "body", "text"]
        read_only_fields = ["outlet", "status", "error", "extractor_version", "processed_at", "created_at", "body"]
        extra_kwargs = {"url": {"validators": []}}  # the service decides about known urls

    def create(self, validated_data):
        try:
            return services.article_ingest(
                by=self.context["request"].user,
                text=validated_data["text"],
                title=validated_data.get("title"),
                url=validated_data.get("url"),
                published_at=validated_data.get("published_at"),
            )
        except services.IngestError as error:
            raise ValidationError({"text": [str(error)]}) from error

    def get_error(self, article: Article) -> str:
        """A failure's exception text only for admins; our own notes (e.g. queued while the broker is down) for all."""
        if article.status != Article.Status.FAILED or can(self.context["request"].user, "use_admin"):
            return article.error
        return FAILURE_SUMMARY


class ArticleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Articles; POST ingests one (processed in the background), POST …/retry/ processes it again."""

    queryset = Article.objects.order_by("-created_at", "-pk")
    serializer_class = ArticleSerializer
    filterset_fields = ["status", "outlet"]
    abilities = {"create": "ingest", "retry": "retry"}

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None, **kwargs):  # kwargs: the format suffix (retry.json)
        article = self.get_object()
        services.article_retry(article=article, by=request.user)
        article.refresh_from_db()
        return Response(self.get_serializer(article).data, status=status.HTTP_202_ACCEPTED)


class ReassignSerializer(serializers.Serializer):
    speaker = serializers.SlugRelatedField(slug_field="slug", queryset=Speaker.objects.all(), allow_null=True)
    make_alias = serializers.BooleanField(default=False)
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class QuoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Quotes, filtered exactly like the Quotes page and its CSV export; admins correct them
    with POST …/reassign/, …/reject/ and …/restore/ (the same services as the pages)."""

    queryset = selectors.quote_queryset()
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter
    abilities = {"reassign": "correct", "reject": "correct", "restore": "correct"}

    def _correct(self, request, pk, service, serializer_class):
        quote = get_object_or_404(Quote.objects.select_related("article"), pk=pk)  # rejected ones too
        serializer = serializer_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            service(quote=quote, by=request.user, **serializer.validated_data)
        except services.CorrectionError as error:
            raise ValidationError({"detail": [str(error)]}) from error
        return Response(QuoteSerializer(selectors.quote_queryset().filter(pk=pk).first() or quote).data)

    @extend_schema(request=ReassignSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None, **kwargs):  # kwargs: the format suffix (reassign.json)
        return self._correct(request, pk, services.quote_reassign, ReassignSerializer)

    @extend_schema(request=ReasonSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None, **kwargs):
        return self._correct(request, pk, services.quote_reject, ReasonSerializer)

    @extend_schema(request=ReasonSerializer, responses=QuoteSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None, **kwargs):
        return self._correct(request, pk, services.quote_restore, ReasonSerializer)


class SpeakerViewSet(viewsets.ReadOnlyModelViewSet):
    """Speakers; `?kind=person` (organisation, group, description) lists one kind."""

    queryset = Speaker.objects.prefetch_related("aliases").order_by("name")
    serializer_class = SpeakerSerializer
    lookup_field = "slug"

    def get_queryset(self):
        queryset = super().get_queryset()
        kind = self.request.query_params.get("kind")
        if self.action == "list" and kind:
            if kind not in Speaker.Kind.values:
                raise ValidationError({"kind": [f"Choose one of {', '.join(Speaker.Kind.values)}."]})
            queryset = queryset.filter(kind=kind)
        return queryset


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.order_by("name")
    serializer_class = TopicSerializer
    lookup_field = "slug"


class StanceViewSet(mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """PATCH {"label": …} sets a human stance label, which the model never overrides."""

    queryset = Stance.objects.select_related("topic")
    serializer_class = StanceSerializer
    http_method_names = ["patch"]
    abilities = {"partial_update": "set_stance"}

    def partial_update(self, request, pk=None, **kwargs):
        stance_record = get_object_or_404(self.get_queryset(), pk=pk)
        label = request.data.get("label") if isinstance(request.data, dict) else None
        if label not in Stance.Label.values:
            raise ValidationError({"label": [f"Choose one of {', '.join(Stance.Label.values)}."]})
        services.stance_label(stance_record=stance_record, label=label, by=request.user, reason="labelled via API")
        return Response(self.get_serializer(stance_record).data)
