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
