"""REST API: the same selectors, filters and services as the pages, as JSON (OpenAPI at /api/schema/)."""
from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from quotes import selectors, services
from quotes.filters import QuoteFilter
from quotes.models import Article, Quote, Speaker, Stance, Topic


class SpeakerSerializer(serializers.ModelSerializer):
    aliases = serializers.SlugRelatedField(many=True, read_only=True, slug_field="alias")

    class Meta:
        model = Speaker
        fields = ["slug", "name", "role", "organisation", "country", "is_person", "aliases"]


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

    class Meta:
        model = Article
        fields = ["id", "title", "url", "outlet", "published_at", "status", "error", "extractor_version",
                  "processed_at", "created_at", "body", "text"]
        read_only_fields = ["outlet", "status", "error", "extractor_version", "processed_at", "created_at", "body"]
        extra_kwargs = {"url": {"validators": []}}  # the service decides about known urls

    def create(self, validated_data):
        try:
            return services.article_ingest(
                text=validated_data["text"],
                title=validated_data.get("title"),
                url=validated_data.get("url"),
                published_at=validated_data.get("published_at"),
            )
        except services.IngestError as error:
            raise ValidationError({"text": [str(error)]}) from error


class ArticleViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Articles; POST ingests one (processed in the background), POST …/retry/ processes it again."""

    queryset = Article.objects.order_by("-created_at", "-pk")
    serializer_class = ArticleSerializer
    filterset_fields = ["status", "outlet"]

    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        article = self.get_object()
        services.article_retry(article=article)
        article.refresh_from_db()
        return Response(self.get_serializer(article).data, status=status.HTTP_202_ACCEPTED)


class QuoteViewSet(viewsets.ReadOnlyModelViewSet):
    """Quotes, filtered exactly like the Quotes page and its CSV export."""

    queryset = selectors.quote_queryset()
    serializer_class = QuoteSerializer
    filterset_class = QuoteFilter


class SpeakerViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Speaker.objects.prefetch_related("aliases").order_by("name")
    serializer_class = SpeakerSerializer
    lookup_field = "slug"


class TopicViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Topic.objects.order_by("name")
    serializer_class = TopicSerializer
    lookup_field = "slug"


class StanceViewSet(mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """PATCH {"label": …} sets a human stance label, which the model never overrides."""

    queryset = Stance.objects.select_related("topic")
    serializer_class = StanceSerializer
    http_method_names = ["patch"]

    def partial_update(self, request, pk=None):
        stance_record = get_object_or_404(self.get_queryset(), pk=pk)
        label = request.data.get("label") if isinstance(request.data, dict) else None
        if label not in Stance.Label.values:
            raise ValidationError({"label": [f"Choose one of {', '.join(Stance.Label.values)}."]})
        services.stance_label(stance_record=stance_record, label=label, by=request.user, reason="labelled via API")
        return Response(self.get_serializer(stance_record).data)
