"""Template context every page gets."""

from alerts.rules import DISCLAIMER


def popwatch(request):
    return {"DISCLAIMER": DISCLAIMER}
