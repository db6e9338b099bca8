"""Forms of the internship pages; the services check every rule again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction
from kakehashi.internships.enums import (
    AmendmentKind,
    InternshipStatus,
    ScreeningOutcome,
    SecurityListKind,
    Sensitivity,
)


def _date(label):
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class AgreementForm(forms.Form):
    plan_intern = forms.CharField(
        label=_("Research plan (intern's language)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    plan_host = forms.CharField(
        label=_("Research plan (host's language)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    start_date = _date(_("Start"))
    end_date = _date(_("End"))
    ip_option = forms.ChoiceField(label=_("Intellectual property"), required=False)

    def __init__(self, *args, agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ip_option"].choices = [("", _("Not chosen yet"))] + [
            (o.key, o.shown("label")[0]) for o in agreement.template.ip_options.all()
        ]
        self.fields["start_date"].required = self.fields["end_date"].required = True
        self.fields["plan_intern"].widget.attrs["lang"] = agreement.plan_intern_language
        self.fields["plan_host"].widget.attrs["lang"] = agreement.plan_host_language


class PartiesForm(forms.Form):
    home_supervisor = forms.ChoiceField(label=_("Home supervisor"), required=False)
    partner_signatory = forms.ChoiceField(label=_("Partner's signatory"), required=False)

    def __init__(self, *args, home_choices=(), partner_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_supervisor"].choices = [("", "—"), *home_choices]
        self.fields["partner_signatory"].choices = [("", "—"), *partner_choices]


class AmendmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AmendmentKind.choices)
    start_date = _date(_("New start (new dates)"))
    end_date = _date(_("New end (extension, new dates)"))
    ended_on = _date(_("Last day (early end)"))
    reason = forms.CharField(
        label=_("Reason"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class SensitivityForm(forms.Form):
    sensitivity = forms.ChoiceField(
        label=_("Sensitive technology research area"),
        choices=[c for c in Sensitivity.choices if c[0]],
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(label=_("Area"), required=False)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "—")] + [
            (a.code, f"{a.code} {a.shown('name')[0]}") for a in areas
        ]


class ScreeningForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ScreeningOutcome.choices)
    screened_on = _date(_("Screened on"))
    reference = forms.CharField(label=_("Reference"), max_length=120, required=False)
    notes = forms.CharField(
        label=_("Notes"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screened_on"].required = True


class SecurityListImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("List"), choices=SecurityListKind.choices)
    file = forms.FileField(
        label=_("CSV file"), widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"})
    )
    source = forms.CharField(label=_("Source"), max_length=300)
    published_on = _date(_("Published on"))
    invented = forms.BooleanField(
        label=_("This is an invented sample, not the official list"), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["published_on"].required = True


class InternshipFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *InternshipStatus.choices]
    )
    program = forms.ChoiceField(label=_("Program"), required=False)
    direction = forms.ChoiceField(
        label=_("Direction"), required=False, choices=[("", _("Any")), *Direction.choices]
    )

    def __init__(self, *args, programs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].choices = [("", _("Any"))] + [(p.slug, p.name) for p in programs]
