"""django-allauth's hooks: a web sign-up creates the user as auth/register/ does, and one
count of failed log-ins per account and per client address, for the pages and the API."""

from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.forms import LoginForm as AllauthLoginForm
from django.core.exceptions import ValidationError
from rest_framework.throttling import BaseThrottle

from . import services


class TooManyLoginAttempts(Exception):
    """allauth's "login_failed" limit is reached for this account or this client address."""


def authenticate(request, *, username, password):
    """The active user a username (or e-mail) and password log in, or None, counting failures as the web log-in does."""
    try:
        user = get_adapter(request).authenticate(request, username=username, password=password)
    except ValidationError as error:  # allauth's only refusal before checking: too many failures
        raise TooManyLoginAttempts from error
    # allauth also answers an inactive user, for its "account inactive" page.
    return user if user is not None and user.is_active else None


def client_address(request):
    """The client's address as the API's throttles read it: REMOTE_ADDR, or behind
    settings.NUM_PROXIES proxies, the address the outermost one saw (X-Forwarded-For)."""
    return BaseThrottle().get_ident(request)


class AccountAdapter(DefaultAccountAdapter):
    def save_user(self, request, user, form, commit=True):
        if not commit:
            return super().save_user(request, user, form, commit=False)
        data = form.cleaned_data
        stored = services.register_user(
            username=data["username"], email=data["email"], password=data["password1"]
        )
        # allauth goes on with the instance it handed us: make it the stored user.
        user.__dict__.update(stored.__dict__)
        return user

    def get_client_ip(self, request):
        # One reading of the address for the pages and the API, set by NUM_PROXIES (allauth's
        # own, ALLAUTH_TRUSTED_PROXY_COUNT, fails with a 500 on a short X-Forwarded-For).
        return client_address(request)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys failed log-ins by the Host header (with its port) and the login:
        # any port passes ALLOWED_HOSTS, so each one would give a fresh count.
        return credentials.get("email", credentials.get("username", "")).lower()


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, its first box labelled with what it takes (allauth says "Login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
