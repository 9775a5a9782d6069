"""The pages' forms: one per write, fields named as the API's (web.md).

Choices and limits come from ``vocab``, field checks from ``validators``: a form
accepts exactly what the API's serializer accepts. A view passes a form's
``cleaned_data`` to one service as keyword arguments.
"""

from django import forms

from . import validators, vocab


class PersonForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name")
    life_stage = forms.ChoiceField(
        choices=vocab.LifeStage.choices, widget=forms.RadioSelect, label="Life stage"
    )
    birth_date = forms.DateField(
        required=False, label="Birth date", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Helps the rules for young infants (fever under 90 days).",
    )
    sex = forms.ChoiceField(
        choices=vocab.Sex.choices, widget=forms.RadioSelect, initial=vocab.Sex.UNSPECIFIED, label="Sex"
    )
    risk_factors = forms.MultipleChoiceField(
        choices=vocab.RiskFactor.choices, widget=forms.CheckboxSelectMultiple, required=False,
        label="Hip (DDH) risk factors", validators=[validators.no_repeats],
    )
    hip_check_done = forms.BooleanField(required=False, label="A hip check (ultrasound or exam) was done")

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_birth_date(self):
        value = self.cleaned_data["birth_date"]
        validators.not_after_users_today(value, self.user)
        return value

