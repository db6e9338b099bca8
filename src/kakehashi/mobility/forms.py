from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from kakehashi.mobility.enums import CoverageKind


class DateInput(forms.DateInput):
    input_type = "date"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class StepDocumentForm(forms.Form):
    file = forms.FileField(label=_("PDF document"))


class CoverageForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CoverageKind.choices)
    insurer = forms.CharField(label=_("Insurer"), max_length=200)
    policy_number = forms.CharField(label=_("Policy number"), max_length=100, required=False)
    start_date = forms.DateField(label=_("Covered from"), widget=DateInput)
    end_date = forms.DateField(label=_("Covered until"), widget=DateInput)


class TravelForm(forms.Form):
    arrival_at = forms.DateTimeField(
        label=_("Arrival"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    departure_at = forms.DateTimeField(
        label=_("Departure"),
        required=False,
        widget=DateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M"],
    )
    notes = forms.CharField(
        label=_("Travel notes (flight, address on arrival)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    relation = forms.CharField(label=_("Relation"), max_length=100, required=False)
    phone = forms.CharField(label=_("Telephone"), max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)


class FactsForm(forms.Form):
    paid = forms.TypedChoiceField(
        label=_("Paid in the host country"),
        choices=[("true", _("Yes")), ("false", _("No"))],
        coerce=lambda value: value == "true",
    )
    nationality = forms.ChoiceField(
        label=_("Nationality"), required=False, choices=lambda: [("", "—"), *countries]
    )
