from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Country, Language
from kakehashi.organisations.regions import REGIONS
from kakehashi.programs.selectors import call_list
from kakehashi.research_fields.models import ResearchField


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("Any")), *choices]


class ProjectFilterForm(forms.Form):
    """The search box and filters of the public project list (all optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    call = forms.ChoiceField(label=_("Call"), required=False)
    language = forms.ChoiceField(
        label=_("Language of the posting"), required=False, choices=_any(Language.choices)
    )
    working_language = forms.ChoiceField(
        label=_("Working language"), required=False, choices=_any(Language.choices)
    )
    country = forms.ChoiceField(
        label=_("Host country"), required=False, choices=_any(Country.choices)
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    field = forms.ChoiceField(label=_("Research field"), required=False)

    def __init__(self, *args, lang: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "q":
                # The live filter listens to these; see projects/list.html.
                field.widget.attrs["class"] = "live-filter"
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("Title, topic, skill, host…")}
        )
        self.fields["call"].choices = _any([(c.slug, c.name) for c in call_list()])
        self.fields["region"].choices = _any(
            [(code, r.get(lang) or r["en"]) for code, r in REGIONS.items()]
        )
        self.fields["field"].choices = _any(
            [
                (f.code, ("— " if f.level == 2 else "") + f.title)
                for f in ResearchField.objects.filter(level__lte=2).order_by("code")
            ]
        )
