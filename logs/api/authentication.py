"""DRF authentication that also shows times in the user's own time zone (api.md)."""

import zoneinfo

from django.utils import timezone
from drf_spectacular import authentication as drf_spectacular_authentication
from rest_framework import authentication


class InUserTimezone:
    """Once a user is known, render and parse naive times in their time zone.

    tracker.middleware.reset_timezone deactivates it again for the next request.
    """

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is not None:
            timezone.activate(zoneinfo.ZoneInfo(result[0].timezone))
        return result


class TokenAuthentication(InUserTimezone, authentication.TokenAuthentication):
    pass


class SessionAuthentication(InUserTimezone, authentication.SessionAuthentication):
    pass


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """Documents the session authentication above as drf-spectacular documents DRF's own."""

    target_class = SessionAuthentication
