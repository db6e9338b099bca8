import zoneinfo

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from kakehashi.core import limits
from kakehashi.core.enums import Language
from kakehashi.organisations.models import Organisation
from kakehashi.people.enums import AcademicLevel, AffiliationRole, LanguageLevel, NameOrder


class ProfileForm(forms.Form):
    given_name = forms.CharField(
        label=_("Given name (Latin script)"), required=False, max_length=150
    )
    family_name = forms.CharField(
        label=_("Family name (Latin script)"), required=False, max_length=150
    )
    family_name_kanji = forms.CharField(
        label=_("Family name in kanji"), required=False, max_length=150
    )
    given_name_kanji = forms.CharField(
        label=_("Given name in kanji"), required=False, max_length=150
    )
    family_name_kana = forms.CharField(
        label=_("Family name in kana"), required=False, max_length=150
    )
    given_name_kana = forms.CharField(label=_("Given name in kana"), required=False, max_length=150)
    name_order = forms.ChoiceField(
        label=_("Order of your name in Latin script"),
        required=False,
        choices=NameOrder.choices,
        help_text=_(
            "Japanese names: family name first in every language, unless you choose otherwise."
        ),
    )
    orcid = forms.CharField(
        label=_("ORCID iD"),
        required=False,
        max_length=60,
        help_text=_("For example 0000-0002-1825-0097."),
    )
    timezone = forms.ChoiceField(label=_("Time zone"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]


class CandidateProfileForm(forms.Form):
    level = forms.ChoiceField(label=_("Academic level"), choices=AcademicLevel.choices)
    nationality = forms.ChoiceField(
        label=_("Nationality"),
        required=False,
        choices=lambda: [("", "—"), *countries],
        help_text=_(
            "The country of the passport you will travel on: it decides the visa or "
            "permit of your internship."
        ),
    )
    research_interests = forms.CharField(
        label=_("Research interests"),
        required=False,
        max_length=limits.TEXT,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    interests_language = forms.ChoiceField(
        label=_("Language of the research interests"), choices=Language.choices
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        max_length=1000,
        help_text=_("Separate skills with commas."),
    )

    def clean_skills(self) -> list[str]:
        seen: list[str] = []
        for part in self.cleaned_data["skills"].replace("、", ",").split(","):
            skill = part.strip()
            if skill and skill not in seen:
                seen.append(skill)
        return seen


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", "—"), *Language.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"), required=False, choices=[("", "—"), *LanguageLevel.choices]
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("language")) != bool(data.get("level")):
            raise forms.ValidationError(_("Choose both a language and a level."))
        return data


class BaseLanguageFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        chosen = [
            f.cleaned_data["language"]
            for f in self.forms
            if f.cleaned_data.get("language") and not f.cleaned_data.get("DELETE")
        ]
        if len(chosen) != len(set(chosen)):
            raise forms.ValidationError(_("Give each language only once."))


LanguageFormSet = forms.formset_factory(
    LanguageForm, formset=BaseLanguageFormSet, extra=2, can_delete=True
)


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Type your password to confirm: the deletion cannot be undone."),
    )


class AffiliationRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name")
    )
    role = forms.ChoiceField(label=_("Role"), choices=AffiliationRole.choices)
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("For example Associate Professor."),
    )
