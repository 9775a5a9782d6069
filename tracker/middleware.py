import zoneinfo

from django.utils import timezone


def reset_timezone(get_response):
    """Start and end every request in the server's time zone (a thread serves many users)."""

    def middleware(request):
        timezone.deactivate()
        try:
            return get_response(request)
        finally:
            timezone.deactivate()

    return middleware


def user_timezone(get_response):
    """Show and read the pages' times in the signed-in user's time zone.

    The API's authentication does the same for tokens (logs.api.authentication);
    reset_timezone, earlier in the chain, deactivates it after the request.
    """

    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(zoneinfo.ZoneInfo(user.timezone))
        return get_response(request)

    return middleware
