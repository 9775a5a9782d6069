"""Share links over the API (api.md "Exports and sharing"): the owner makes, lists and revokes them.

An editor or a viewer is refused (403), a stranger finds nothing (404), as everywhere.
The link itself (its token) is in the answer to the POST only: it is not stored.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from logs import selectors
from logs.models import ShareLink
from logs.reports import sharing

from . import strict
from .filters import ExportQuery

PERSON_ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="A person's id.")


class ShareLinkCreateSerializer(ExportQuery):
    """``expires_in_days`` (1–30), and the days ``from`` and ``to`` as an export takes them."""

    def get_fields(self):
        days = {name: field for name, field in super().get_fields().items() if name in ("from", "to")}
        first, last = sharing.EXPIRES_IN_DAYS
        expires_in_days = strict.IntegerField(
            min_value=first, max_value=last,
            help_text=f"The link stops working this many days from now ({first}–{last}).",
        )
        return {"expires_in_days": expires_in_days, **days}


class ShareLinkSerializer(serializers.Serializer):
    """A link as its owner lists it (the link itself is never shown again).

    ("from" is a Python keyword, hence the fields are listed in get_fields.)
    """

    def get_fields(self):
        return {
            "id": serializers.IntegerField(read_only=True),
            "from": serializers.DateField(source="start", read_only=True, help_text="The report's first day."),
            "to": serializers.DateField(source="end", read_only=True, help_text="The report's last day."),
            "created_at": serializers.DateTimeField(read_only=True),
            "expires_at": serializers.DateTimeField(read_only=True),
            "last_opened_at": serializers.DateTimeField(
                read_only=True, allow_null=True, help_text="When someone last opened it; null: never."
            ),
            "revoked": serializers.SerializerMethodField(),
        }

    def get_revoked(self, link) -> bool:
        return link.revoked_at is not None


class NewShareLinkSerializer(ShareLinkSerializer):
    """The answer to making a link: the only time its ``url`` is shown."""

    def get_fields(self):
        fields = super().get_fields()
        return {"id": fields.pop("id"), "url": serializers.SerializerMethodField(), **fields}

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, link):
        return self.context["request"].build_absolute_uri(reverse("shared-report", args=[self.context["token"]]))


@extend_schema(parameters=[PERSON_ID])
class ShareLinkListView(GenericAPIView):
    serializer_class = ShareLinkSerializer
    queryset = ShareLink.objects.none()  # names the model for the schema; the links come from sharing

    @extend_schema(
        responses=ShareLinkSerializer(many=True), summary="List a person's share links, newest first (owner only)"
    )
    def get(self, request, id):
        person = selectors.person_for(request.user, id, action="own")
        page = self.paginate_queryset(sharing.share_links_of(person))
        return self.get_paginated_response(ShareLinkSerializer(page, many=True).data)

    @extend_schema(
        request=ShareLinkCreateSerializer,
        responses={201: NewShareLinkSerializer},
        summary="Make a read-only link to a person's report that expires (owner only)",
        description="The answer's `url` is the link: only its hash is stored, so it is shown this once.",
    )
    def post(self, request, id):
        person = selectors.person_for(request.user, id, action="own")
        asked = ShareLinkCreateSerializer(data=request.data, context={"request": request})
        asked.is_valid(raise_exception=True)
        new = sharing.create_share_link(
            person=person,
            created_by=request.user,
            expires_in_days=asked.validated_data["expires_in_days"],
            start=asked.validated_data.get("from"),
            end=asked.validated_data.get("to"),
        )
        answer = NewShareLinkSerializer(new.link, context={"request": request, "token": new.token})
        return Response(answer.data, status=status.HTTP_201_CREATED)


@extend_schema(
    parameters=[PERSON_ID, OpenApiParameter("link_id", int, OpenApiParameter.PATH, description="A share link's id.")]
)
class ShareLinkDetailView(GenericAPIView):
    serializer_class = ShareLinkSerializer
    queryset = ShareLink.objects.none()  # names the model for the schema

    @extend_schema(responses={204: None}, summary="Revoke a share link at once (owner only); again changes nothing")
    def delete(self, request, id, link_id):
        person = selectors.person_for(request.user, id, action="own")
        sharing.revoke_share_link(link=sharing.share_link_of(person, link_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
