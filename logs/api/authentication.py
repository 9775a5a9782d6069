"""DRF authentication that also shows times in the user's own time zone (api.md)."""

import zoneinfo

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular import authentication as drf_spectacular_authentication
from rest_framework import authentication, exceptions

from logs import rows


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
    def authenticate_credentials(self, key):
        # DRF's, with the token and its user read in plain SQL (logs.rows): every API request asks.
        token = rows.token_with_user(key)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return token.user, token


class SessionAuthentication(InUserTimezone, authentication.SessionAuthentication):
    pass


class SessionScheme(drf_spectacular_authentication.SessionScheme):
    """Documents the session authentication above as drf-spectacular documents DRF's own."""

    target_class = SessionAuthentication
