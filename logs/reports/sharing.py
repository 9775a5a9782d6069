"""Share links: a read-only report of one person over a range of days, for someone without an
account (a doctor), until the link expires or its owner revokes it.

A link's token is ``secrets.token_urlsafe(32)`` (256 random bits) and only its SHA-256 is
stored, so the database never holds a working link: the link is shown once, when it is made.
An expired, revoked or wrong token is a 404, alike. Guessing is throttled per client address:
each wrong token counts, a right one does not, so opening a link again and again never
locks its reader out; past the limit every token answers 429, the right one too, so the
answer tells a guesser nothing.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

from django.core.cache import cache
from django.http import Http404
from django.utils import timezone

from logs.accounts import client_address
from logs.models import ShareLink

from .data import days_to_report, report_for

TOKEN_BYTES = 32
EXPIRES_IN_DAYS = (1, 30)  # the shortest and the longest a link may live (api.md)
WRONG_TOKENS_ALLOWED = 20  # per client address ...
WRONG_TOKENS_WINDOW = timedelta(hours=1)  # ... in this window


class TooManyWrongTokens(Exception):
    """This client address tried too many wrong tokens lately."""


@dataclass(frozen=True)
class NewShareLink:
    link: ShareLink
    token: str  # shown once: only its hash is stored


def create_share_link(*, person, created_by, expires_in_days, start=None, end=None):
    """A new link to ``person``'s report from ``start`` to ``end`` (dates in the creator's time zone;
    by default from the first logged day to today), that expires ``expires_in_days`` days from now.

    The caller has checked that ``created_by`` owns ``person`` and that the numbers are in range.
    """
    start, end = days_to_report(person, time_zone=_zone_of(created_by), start=start, end=end)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ShareLink.objects.create(
        person=person,
        created_by=created_by,
        token_hash=hash_of(token),
        start=start,
        end=end,
        expires_at=timezone.now() + timedelta(days=expires_in_days),
    )
    return NewShareLink(link, token)


def revoke_share_link(*, link):
    """Revoke ``link`` from now on; revoking it again changes nothing."""
    ShareLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def share_links_of(person):
    """Every link made for ``person``, newest first, revoked and expired ones too."""
    return ShareLink.objects.filter(person=person).order_by("-created_at", "-id")


def share_link_of(person, link_id):
    """``person``'s link ``link_id``, or Http404 (another person's link is not there for them)."""
    link = share_links_of(person).filter(pk=link_id).first()
    if link is None:
        raise Http404("No share link with this id.")
    return link


def resolve(request, token):
    """The live link whose token is ``token``, marked as opened now, or Http404 (wrong, expired or revoked).

    Raises TooManyWrongTokens, for any token, once this client has tried too many wrong ones.
    """
    key = _wrong_tokens_key(request)
    if cache.get(key, 0) >= WRONG_TOKENS_ALLOWED:
        raise TooManyWrongTokens
    now = timezone.now()
    link = (
        ShareLink.objects.filter(token_hash=hash_of(token), revoked_at__isnull=True, expires_at__gt=now)
        .select_related("person", "created_by")
        .first()
    )
    if link is None:
        _count_wrong_token(key)
        raise Http404("No share link with this token.")
    ShareLink.objects.filter(pk=link.pk).update(last_opened_at=now)
    return link


def report_of(link):
    """The report a link shows: its days, read in its creator's time zone."""
    return report_for(link.person, start=link.start, end=link.end, time_zone=_zone_of(link.created_by))


def hash_of(token):
    return hashlib.sha256(token.encode()).hexdigest()


def is_live(link, now=None):
    return link.revoked_at is None and link.expires_at > (now or timezone.now())


def _zone_of(user):
    return ZoneInfo(user.timezone)


def _wrong_tokens_key(request):
    return f"share-links:wrong-tokens:{client_address(request)}"


def _count_wrong_token(key):
    # add() starts the window only for the first wrong token; incr() then counts atomically.
    cache.add(key, 0, timeout=int(WRONG_TOKENS_WINDOW.total_seconds()))
    try:
        cache.incr(key)
    except ValueError:  # the window ended between the two calls
        cache.add(key, 1, timeout=int(WRONG_TOKENS_WINDOW.total_seconds()))
