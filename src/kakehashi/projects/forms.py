from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core.enums import Country, Language
from kakehashi.organisations.regions import REGIONS
from kakehashi.people.models import User
from kakehashi.programs.selectors import call_list, call_list_visible
from kakehashi.projects.selectors import project_hosts_for
from kakehashi.projects.services import DESCRIPTION
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


#: The texts of a project that may be written again in another language.
_TEXTS = ("title", "summary", "description")


class ProjectForm(forms.Form):
    """A project as its supervisor writes it in the browser: the same values the API
    takes, checked by the same services (`project_create`, `project_update`).

    Translations are one title/summary/description per language, side by side; the
    language the project is written in has none. Research fields arrive as CRDC codes
    (checkboxes filled by the field search); supervisors by e-mail address."""

    call = forms.ChoiceField(label=_("Call"))
    host = forms.ChoiceField(
        label=_("Host organisation"),
        # The host picker's status line (how many organisations match the search).
        widget=forms.Select(attrs={"aria-describedby": "host-found"}),
    )
    key = forms.SlugField(
        label=_("Key"),
        required=False,
        max_length=80,
        help_text=_("The end of the project's address; made from the title when left blank."),
    )
    language = forms.ChoiceField(
        label=_("Language you write in"), choices=Language.choices, initial="en"
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 10}))
    fields = forms.MultipleChoiceField(label=_("Research fields"), required=False)
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_("Separated by commas."),
    )
    working_language = forms.ChoiceField(label=_("Working language"), choices=Language.choices)
    city = forms.CharField(label=_("City"), required=False, max_length=120)
    region = forms.ChoiceField(label=_("Region"))
    start_date = forms.DateField(
        label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end_date = forms.DateField(
        label=_("End"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=32767, initial=1)
    academic = forms.EmailField(
        label=_("Academic supervisor (e-mail)"),
        required=False,
        help_text=_("Someone other than you is invited and listed once they accept."),
    )
    industry = forms.EmailField(
        label=_("Industry supervisor (e-mail)"),
        required=False,
        help_text=_("Someone other than you is invited and listed once they accept."),
    )

    def __init__(self, *args, user, project=None, lang: str = "en", **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.project = user, project
        for language in Language.values:
            for name in _TEXTS:
                widget = (
                    forms.TextInput()
                    if name == "title"
                    else forms.Textarea(attrs={"rows": 3 if name == "summary" else 10})
                )
                field = forms.CharField(required=False, widget=widget, label=_label(name))
                field.widget.attrs["lang"] = language
                self.fields[f"{name}_{language}"] = field
        self.fields["call"].choices = [
            (c.slug, c.name) for c in call_list_visible(user=user).exclude(status="closed")
        ]
        self.fields["host"].choices = [
            (str(o.pk), o.display_name) for o in project_hosts_for(user=user)
        ]
        self.fields["region"].choices = [
            (code, r.get(lang) or r["en"]) for code, r in REGIONS.items()
        ]
        codes = set(self.data.getlist("fields")) if self.is_bound else set()
        if project is not None:
            codes |= {f.code for f in project.fields.all()}
            for name in ("call", "host", "key"):
                # Fixed at creation (the API's patch has them not either).
                self.fields[name].required = False
                self.fields[name].disabled = True
        self.fields["fields"].choices = [
            (f.code, f.title) for f in ResearchField.objects.filter(code__in=codes).order_by("code")
        ]

    def translation_rows(self) -> list[dict]:
        """Per language: its three bound fields, for the side-by-side template."""
        return [
            {
                "code": code,
                "label": label,
                "fields": [self[f"{name}_{code}"] for name in _TEXTS],
            }
            for code, label in Language.choices
        ]

    def clean_skills(self) -> list[str]:
        return [s.strip() for s in self.cleaned_data.get("skills", "").split(",") if s.strip()]

    def clean(self):
        data = super().clean()
        people = {}
        for role in ("academic", "industry"):
            email = data.get(role)
            if email:
                person = User.objects.filter(email__iexact=email, is_active=True).first()
                if person is None:
                    self.add_error(role, _("No one at Kakehashi has this e-mail address."))
                else:
                    people[role] = person
        if (
            people.get("academic") is not None
            and people.get("industry") is not None
            and people["academic"].pk == people["industry"].pk
        ):
            self.add_error("industry", _("Name two different people."))
        if not people and not self.has_error("academic") and not self.has_error("industry"):
            self.add_error("academic", _("Name at least one supervisor."))
        self.supervisor_people = people
        return data

    def translations(self) -> dict:
        """``{language: {title?, summary?, description?}}`` of the texts given, without the
        project's own language."""
        out = {}
        for code in Language.values:
            if code == self.cleaned_data.get("language"):
                continue
            entry = {
                name: self.cleaned_data[f"{name}_{code}"].strip()
                for name in _TEXTS
                if self.cleaned_data.get(f"{name}_{code}", "").strip()
            }
            if entry:
                out[code] = entry
        return out

    def values(self) -> dict:
        """What the services take, from the cleaned data."""
        data = self.cleaned_data
        # The research fields are the views' to pass; the translations come from the
        # per-language text fields.
        values = {
            name: data[name] for name in DESCRIPTION if name not in ("fields", "translations")
        }
        values["translations"] = self.translations()
        return values

    def supervisors(self) -> list[tuple]:
        """``[(user, role)]``, the academic supervisor first."""
        return [
            (self.supervisor_people[role], role)
            for role in ("academic", "industry")
            if role in self.supervisor_people
        ]


def _label(name: str) -> str:
    return {"title": _("Title"), "summary": _("Summary"), "description": _("Description")}[name]


def project_form_initial(project) -> dict:
    """The edit form's values from a stored project (invited supervisors included)."""
    initial = {
        "call": project.call.slug,
        "host": str(project.host_id),
        "key": project.key,
        "language": project.language,
        "title": project.title,
        "summary": project.summary,
        "description": project.description,
        "fields": [f.code for f in project.fields.all()],
        "skills": ", ".join(project.skills),
        "working_language": project.working_language,
        "city": project.city,
        "region": project.region,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "capacity": project.capacity,
    }
    translations = project.translations if isinstance(project.translations, dict) else {}
    for code, entry in translations.items():
        for name, text in (entry or {}).items():
            initial[f"{name}_{code}"] = text
    people = [(s.person, s.role) for s in project.supervisions.all()]
    people += [(i.person, i.role) for i in project.invitations.select_related("person")]
    for person, role in people:
        initial.setdefault(str(role), person.email)
    return initial
