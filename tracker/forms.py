"""The form renderer: every field of every page form renders through one template."""

from django.forms.renderers import TemplatesSetting


class PopwatchFormRenderer(TemplatesSetting):
    # templates/components/field.html: label, help, errors and a 44 px target for each control.
    field_template_name = "components/field.html"
