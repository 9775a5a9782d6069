"""The installed app: /manifest.webmanifest, /sw.js (scope /) and the offline page.

Both files are templates served from the root, so the worker's scope is the
whole site and it can name the (hashed, in production) static files it caches.
"""

import functools
import hashlib
import json

from django.conf import settings
from django.contrib.staticfiles import finders
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from logs import selectors

MAX_SHORTCUTS = 4
IGNORED = ["CVS", ".*", "*~"]  # collectstatic's default ignore patterns


def _is_precached(path):
    """The static files every page needs offline: the stylesheet, the scripts, the icons."""
    return path == "css/app.css" or (path.startswith("js/") and path.endswith(".js")) or (
        path.startswith("icons/") and path.endswith(".png")
    )


@functools.cache
def precached_static():
    """(path, content) of each pre-cached static file, found as collectstatic finds them.

    Read once per process: a deployment restarts the process with its new files.
    """
    found = {}
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore_patterns=IGNORED):
            path = path.replace("\\", "/")
            if _is_precached(path) and path not in found:  # the first finder wins, as in collectstatic
                with storage.open(path) as file:
                    found[path] = file.read()
    return sorted(found.items())


@functools.cache
def cache_version():
    """A short hash of the pre-cached files' names and contents: it changes when any of them does."""
    digest = hashlib.sha256()
    for path, content in precached_static():
        digest.update(path.encode() + b"\0" + hashlib.sha256(content).digest())
    return digest.hexdigest()[:12]


def forget_static():
    """Read the static files again on the next request (tests change them)."""
    precached_static.cache_clear()
    cache_version.cache_clear()


def _quick_log_shortcuts(user):
    """The people whose quick log the user may open (owner or editor), by name; none signed out."""
    if not user.is_authenticated:
        return []
    people = selectors.persons_visible_to(user).filter(role__in=selectors.WRITE_ROLES)
    return list(people.order_by("name", "pk")[:MAX_SHORTCUTS])


@require_safe
@cache_control(no_cache=True)
def manifest(request):
    return render(
        request,
        "pwa/manifest.webmanifest",
        {"people": _quick_log_shortcuts(request.user)},
        content_type="application/manifest+json",
    )


@require_safe
@cache_control(no_cache=True)
def service_worker(request):
    response = render(
        request,
        "pwa/sw.js",
        {
            "version": cache_version(),
            # JSON is JavaScript: the template writes these as they are.
            "precache_urls": json.dumps([*(static(path) for path, _ in precached_static()), reverse("offline")]),
            "static_prefix": json.dumps(settings.STATIC_URL),
        },
        content_type="application/javascript",
    )
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request):
    """What the worker shows for a page it has no copy of: offline, and what waits to sync."""
    return render(request, "pwa/offline.html")
