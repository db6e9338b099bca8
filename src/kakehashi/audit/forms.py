from django import forms
from django.utils.translation import gettext_lazy as _


class AuditFilterForm(forms.Form):
    """The audit page's filters (all optional), validated into ``AuditFilters``."""

    scope_type = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=100,
        help_text=_("app.model, e.g. programs.call, people.user, projects.project; none"),
    )
    scope_id = forms.IntegerField(label=_("Scope id"), required=False, min_value=1)
    verb = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=64,
        help_text=_("e.g. project.edited, or project. for every project action"),
    )
    actor = forms.CharField(label=_("By (username)"), required=False, max_length=150)
