"""Serializer fields that take JSON's own types, as the OpenAPI schema states them.

DRF converts what it can: "7" and 7.0 pass for the integer 7, 1 and "yes" for true,
the number 7 for the text "7". The schema promises integers, booleans and strings,
so a value of another type is refused with the field's own message (a 400), never
converted behind the client's back. (The web forms post text and convert it there.)
"""

from django.db import models
from rest_framework import serializers


class IntegerField(serializers.IntegerField):
    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class BooleanField(serializers.BooleanField):
    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class CharField(serializers.CharField):
    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class ModelSerializer(serializers.ModelSerializer):
    """A ModelSerializer whose fields made from the model are strict too."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.BooleanField: BooleanField,
        models.CharField: CharField,
        models.TextField: CharField,
        models.IntegerField: IntegerField,
        models.SmallIntegerField: IntegerField,
        models.PositiveIntegerField: IntegerField,
        models.PositiveSmallIntegerField: IntegerField,
        models.BigIntegerField: IntegerField,
    }
