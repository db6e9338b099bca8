from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Direction
from kakehashi.organisations.models import Organisation
from kakehashi.outcomes.enums import OutcomeKind, PatentOffice
from kakehashi.outcomes.filters import OutcomeFilters
from kakehashi.research_fields.models import ResearchField

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


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("All")), *choices]


class OutcomeFilterForm(forms.Form):
    """The officers' outcome filters (all optional); values that pass become
    :class:`~kakehashi.outcomes.filters.OutcomeFilters`, as the API's query string does."""

    kind = forms.ChoiceField(label=_("Kind"), required=False)
    direction = forms.ChoiceField(label=_("Direction"), required=False)
    program = forms.CharField(label=_("Program (slug)"), required=False, max_length=50)
    call = forms.CharField(label=_("Cohort (call slug)"), required=False, max_length=50)
    #: The select offers divisions and groups; any CRDC code (a link's) filters too.
    field = forms.CharField(
        label=_("Research field"), required=False, max_length=16, widget=forms.Select
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _any(OutcomeKind.choices)
        self.fields["direction"].choices = _any(Direction.choices)
        self.fields["field"].widget.choices = _any(
            [
                (f.code, ("— " if f.level == 2 else "") + f"{f.code} {f.title}")
                for f in ResearchField.objects.filter(level__lte=2).order_by("code")
            ]
        )

    def filters(self) -> OutcomeFilters:
        """What the valid values keep (an invalid one filters nothing)."""
        if not self.is_bound:
            return OutcomeFilters()
        self.is_valid()
        return OutcomeFilters(**{k: v for k, v in self.cleaned_data.items() if v})
