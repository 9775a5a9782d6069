"""Read a page as a browser and a screen reader would: its forms, their controls and buttons."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.test import Client


def signed_in(user, **kwargs):
    """A page client signed in as ``user`` (None: anonymous)."""
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def answered_as_allowed(answer, *, role, url, method, allowed):
    """Check a page's answer to ``role`` as the API would give it; True when the role may do it.

    Anonymous goes to the log-in page; an allowed role gets the page (or, after a POST,
    its redirect); any other answers ``allowed[role]`` (404 for a stranger, 403 for a viewer's write).
    """
    if role == "anonymous":
        assert (answer.status_code, answer["Location"]) == (302, f"/accounts/login/?next={url}")
        return False
    if allowed[role] == "ok":
        assert answer.status_code == (302 if method == "post" else 200)
        return True
    assert answer.status_code == allowed[role]
    return False


@dataclass
class Control:
    tag: str
    attrs: dict
    details_depth: int  # how many <details> it sits in: 0 = shown at once
    options: list = field(default_factory=list)  # (value, selected) of a <select>

    @property
    def name(self):
        return self.attrs.get("name")

    @property
    def type(self):
        return self.attrs.get("type", self.tag)

    @property
    def value(self):
        return self.attrs.get("value", "")

    @property
    def checked(self):
        return "checked" in self.attrs


@dataclass
class Form:
    attrs: dict
    controls: list = field(default_factory=list)
    buttons: list = field(default_factory=list)  # the visible text of each submit button

    def named(self, name):
        return [control for control in self.controls if control.name == name]

    def values(self, name):
        """Every value offered under ``name`` (radio and checkbox values, a select's options)."""
        offered = []
        for control in self.named(name):
            offered += [value for value, _ in control.options] if control.tag == "select" else [control.value]
        return offered

    def submitted(self):
        """What a browser posts when the form is submitted untouched (one value per name)."""
        data = {}
        for control in self.controls:
            if control.type in ("radio", "checkbox") and not control.checked:
                continue
            if control.tag == "select":
                chosen = [value for value, selected in control.options if selected]
                data[control.name] = chosen[0] if chosen else (control.options[0][0] if control.options else "")
            elif control.type not in ("submit", "button"):
                data[control.name] = control.value
        data.pop(None, None)
        return data


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms, self.labels_for, self.wrapped = [], set(), set()
        self._depth, self._labels_open, self._button, self._select, self._textarea = 0, 0, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(Form(attrs))
        elif tag == "details":
            self._depth += 1
        elif tag == "label":
            self._labels_open += 1
            if attrs.get("for"):
                self.labels_for.add(attrs["for"])
        elif tag in ("input", "select", "textarea") and self.forms:
            control = Control(tag, attrs, self._depth)
            self.forms[-1].controls.append(control)
            if self._labels_open and attrs.get("id"):
                self.wrapped.add(attrs["id"])
            self._select = control if tag == "select" else None
            self._textarea = control if tag == "textarea" else None
        elif tag == "option" and self._select is not None:
            self._select.options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "button" and self.forms and attrs.get("type", "submit") == "submit":
            self._button = []

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag == "details":
            self._depth -= 1
        elif tag == "label":
            self._labels_open -= 1
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "button" and self._button is not None:
            self.forms[-1].buttons.append(" ".join("".join(self._button).split()))
            self._button = None

    def handle_data(self, data):
        if self._button is not None:
            self._button.append(data)
        if self._textarea is not None:  # its text is its value (Django starts it with a newline)
            self._textarea.attrs["value"] = self._textarea.attrs.get("value", "") + data.removeprefix("\n")


def page_of(response):
    page = _Page()
    page.feed(response.content.decode())
    return page


def forms_of(response):
    return page_of(response).forms


def form_with(response, **attrs):
    """The one form whose attributes include ``attrs`` (data_person → data-person; True: present)."""
    wanted = {name.replace("_", "-"): value for name, value in attrs.items()}

    def fits(form):
        return all(k in form.attrs if v is True else form.attrs.get(k) == v for k, v in wanted.items())

    matches = [form for form in forms_of(response) if fits(form)]
    assert len(matches) == 1, f"{len(matches)} forms with {wanted}"
    return matches[0]


def unlabelled_controls(response):
    """Visible controls no <label> names (by ``for`` or by wrapping them)."""
    page = page_of(response)
    return [
        control.attrs.get("name")
        for form in page.forms
        for control in form.controls
        if control.type not in ("hidden", "submit", "button")
        and control.attrs.get("id") not in page.labels_for | page.wrapped
    ]
