from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.organisations.models import Organisation
from kakehashi.outcomes.enums import OutcomeKind, PatentOffice

#: A Crossref record of one work is a few kilobytes; refuse anything far larger.
RECORD_MAX_BYTES = 200_000


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutcomeKind.choices)
    title = forms.CharField(label=_("Title or short description"), max_length=300, required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations involved"),
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text=_(
            "Besides the internship's: the employer, the incubator, co-authors' or the "
            "contract's organisations."
        ),
    )
    doi = forms.CharField(label=_("DOI"), max_length=200, required=False)
    crossref_record = forms.CharField(
        label=_("Crossref record (JSON), pasted"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=RECORD_MAX_BYTES,
    )
    crossref_file = forms.FileField(label=_("or uploaded"), required=False)
    patent_office = forms.ChoiceField(
        label=_("Patent office"), choices=[("", "—"), *PatentOffice.choices], required=False
    )
    patent_number = forms.CharField(label=_("Patent number"), max_length=40, required=False)

    def clean(self):
        data = super().clean()
        upload = data.get("crossref_file")
        if upload:
            if upload.size > RECORD_MAX_BYTES:
                self.add_error(
                    "crossref_file",
                    _("A Crossref record is a few kilobytes: this file is too large."),
                )
            else:
                data["crossref_record"] = upload.read()
        return data
