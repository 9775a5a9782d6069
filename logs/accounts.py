"""django-allauth's hooks: a web sign-up creates the user as auth/register/ does."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.forms import LoginForm as AllauthLoginForm

from . import services


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


class LoginForm(AllauthLoginForm):
    """allauth's log-in form, its first box labelled with what it takes (allauth says "Login")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Username or e-mail"
