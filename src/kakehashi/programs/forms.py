"""Forms of the officers' program and call pages. They only parse what was typed;
every rule is checked by the services, whose errors come back next to the field."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits
from kakehashi.core.enums import Direction
from kakehashi.people.enums import AcademicLevel
from kakehashi.programs.enums import CallStatus
from kakehashi.programs.labels import EXCHANGE_LEVEL_LABELS, MODE_LABELS
from kakehashi.programs.models import Program
from kakehashi.programs.policy import CAP_KINDS, EXCHANGE_MODE, MATCH_MODES, Cap, PolicyError
from kakehashi.programs.validators import LANGUAGE_RULES

CAP_KIND_LABELS = {
    "region": _("Region or prefecture (ISO 3166-2)"),
    "sector": _("Sector (organisation type)"),
    "direction": _("Direction"),
}
LANGUAGE_RULE_LABELS = {"all": _("All of these"), "any": _("At least one of these")}


def timezone_names() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class ZoneInput(forms.TextInput):
    """A free-text zone with the page's shared list of zones as suggestions."""

    def __init__(self, attrs=None):
        super().__init__({"list": "timezones", "autocomplete": "off", **(attrs or {})})


def _split(text: str) -> list[str]:
    return [p.strip() for p in text.replace("、", ",").split(",") if p.strip()]


class ProgramForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=50, help_text=_("For example: bridge."))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200, required=False)
    directions = forms.MultipleChoiceField(
        label=_("Directions"),
        choices=Direction.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    eligible_levels = forms.MultipleChoiceField(
        label=_("Eligible levels"),
        choices=AcademicLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unit_weeks_min = forms.IntegerField(label=_("Shortest unit (weeks)"), min_value=1)
    unit_weeks_max = forms.IntegerField(label=_("Longest unit (weeks)"), min_value=1)
    max_units_per_person = forms.IntegerField(label=_("Units per person"), min_value=1)

    @staticmethod
    def initial_from(program: Program) -> dict:
        return {name: getattr(program, name) for name in ProgramForm.base_fields}


def exchange_level_field() -> forms.ChoiceField:
    """The balanced exchange's level, as the call form and the run form ask it."""
    return forms.ChoiceField(
        label=_("Balance"),
        choices=list(EXCHANGE_LEVEL_LABELS.items()),
        required=False,
        help_text=_("Balanced exchange only: what must import as many interns as it exports."),
    )


def exchange_tolerance_field(**kwargs) -> forms.IntegerField:
    """The balanced exchange's tolerance, as the call form and the run form ask it."""
    return forms.IntegerField(
        label=_("Tolerance"),
        min_value=0,
        required=False,
        help_text=_("Balanced exchange only: how far imports and exports may differ."),
        **kwargs,
    )


class CallForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none())
    slug = forms.SlugField(
        label=_("Slug"), max_length=50, help_text=_("In the call's address, e.g. summer-2027.")
    )
    name_en = forms.CharField(label=_("Name (English)"), max_length=200)
    name_fr = forms.CharField(label=_("Name (French)"), max_length=200, required=False)
    name_ja = forms.CharField(label=_("Name (Japanese)"), max_length=200, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=CallStatus.choices)
    timezone = forms.CharField(
        label=_("Time zone of the call"),
        max_length=64,
        widget=ZoneInput(),
        help_text=_("The zone its deadlines are set in, e.g. Asia/Tokyo."),
    )
    ranking_limit = forms.IntegerField(
        label=_("Ranking limit"), help_text=_("How many projects a candidate may rank (1–20).")
    )
    languages = forms.CharField(
        label=_("Minimum language levels"),
        required=False,
        max_length=200,
        help_text=_("Optional. For example: en B2, ja N3 (CEFR A1–C2, JLPT N5–N1, native)."),
    )
    languages_rule = forms.ChoiceField(
        label=_("Language levels required"),
        choices=[(r, LANGUAGE_RULE_LABELS[r]) for r in LANGUAGE_RULES],
    )
    mode = forms.ChoiceField(
        label=_("Match mode"), choices=[(m, MODE_LABELS[m]) for m in MATCH_MODES]
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        help_text=_("Breaks ties in host rankings; the same seed gives the same match."),
    )
    exchange_level = exchange_level_field()
    exchange_tolerance = exchange_tolerance_field()

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            # A call keeps its program: its projects and applications were made under it.
            del self.fields["program"]
        else:
            self.fields["program"].queryset = Program.objects.order_by("slug")

    def clean_languages(self) -> list[dict]:
        out = []
        for part in _split(self.cleaned_data["languages"]):
            bits = part.split()
            if len(bits) != 2:
                raise ValidationError(
                    _("Write each as a language code and a level, e.g. “en B2”: %(part)s.")
                    % {"part": part}
                )
            out.append({"language": bits[0].lower(), "level": bits[1]})
        return out

    #: The fields the form gives the call services as they are.
    CALL_FIELDS = ("slug", "name_en", "name_fr", "name_ja", "status", "timezone", "ranking_limit")

    def call_fields(self, caps: list[CapForm]) -> dict:
        """The call's fields for `call_create`/`call_update`, with its eligibility and
        its match policy as data (checked by the service), caps from the kept rows."""
        data = self.cleaned_data
        return {
            **{name: data[name] for name in self.CALL_FIELDS},
            "eligibility": {
                "languages": data["languages"],
                "languages_rule": data["languages_rule"],
            },
            "match_policy": {
                "mode": data["mode"],
                "seed": data["seed"],
                "caps": [f.as_cap() for f in caps],
                **exchange_data(data),
            },
        }

    @staticmethod
    def initial_from(call) -> dict:
        """What the form shows of `call`; an unsaved ``Call()`` gives a new call's defaults."""
        policy = call.policy
        rules = call.eligibility or {}
        return {
            "slug": call.slug,
            "name_en": call.name_en,
            "name_fr": call.name_fr,
            "name_ja": call.name_ja,
            "status": call.status,
            "timezone": call.timezone,
            "ranking_limit": call.ranking_limit,
            "languages": ", ".join(
                f"{w['language']} {w['level']}" for w in rules.get("languages", [])
            ),
            "languages_rule": rules.get("languages_rule", "all"),
            "mode": policy.mode,
            "seed": policy.seed,
            "exchange_level": policy.exchange.level if policy.exchange else "country",
            "exchange_tolerance": policy.exchange.tolerance if policy.exchange else 0,
        }


def exchange_data(data: dict) -> dict:
    """The policy's ``exchange`` from a form's `exchange_level` and `exchange_tolerance`:
    only in mode exchange (elsewhere the two fields are left unused)."""
    if data.get("mode") != EXCHANGE_MODE:
        return {}
    tolerance = data.get("exchange_tolerance")
    return {
        "exchange": {
            "level": data.get("exchange_level") or "country",
            "tolerance": 0 if tolerance is None else tolerance,
        }
    }


#: Where a policy's exchange errors go on a form.
EXCHANGE_FIELDS = {"exchange.level": "exchange_level", "exchange.tolerance": "exchange_tolerance"}


class CapForm(forms.Form):
    """One cap of the match policy; a row left empty is no cap."""

    label = forms.CharField(label=_("Label"), max_length=limits.LABEL, required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", "—"), *[(k, CAP_KIND_LABELS[k]) for k in CAP_KINDS]],
    )
    values = forms.CharField(
        label=_("Values"),
        max_length=2000,
        required=False,
        help_text=_("Comma-separated: JP-13, JP-27; company, incubator; CA_JP."),
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=0, required=False)
    reserves = forms.CharField(
        label=_("Reserves"),
        max_length=2000,
        required=False,
        help_text=_(
            "Optional. Places held for a value or an organisation (id or ROR id) that "
            "revert when unfilled: JP-13=2, 01pe1d703=1."
        ),
    )

    def clean_values(self) -> list[str]:
        return _split(self.cleaned_data["values"])

    def clean_reserves(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for part in _split(self.cleaned_data["reserves"]):
            key, sep, n = part.partition("=")
            if not sep or not key.strip() or not n.strip().isdecimal():
                raise ValidationError(
                    _("Write each reserve as key=places, e.g. JP-13=2: %(part)s.") % {"part": part}
                )
            out[key.strip()] = int(n)
        return out

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("label") or data.get("kind") or data.get("values"))

    def as_cap(self) -> dict:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "kind": data["kind"],
            "values": data["values"],
            "capacity": data["capacity"],
            "reserves": data["reserves"],
        }

    @staticmethod
    def initial_from(cap: Cap) -> dict:
        return {
            "label": cap.label,
            "kind": cap.kind,
            "values": ", ".join(cap.values),
            "capacity": cap.capacity,
            "reserves": ", ".join(f"{k}={n}" for k, n in cap.reserves),
        }


class BaseCapFormSet(forms.BaseFormSet):
    def kept(self) -> list[CapForm]:
        """The rows that are caps: neither removed nor left empty (once valid)."""
        return [f for f in self.forms if not f.cleaned_data.get("DELETE") and not f.is_blank()]

    def add_policy_error(self, exc: PolicyError, form: forms.Form, kept: list[CapForm]) -> None:
        """Place a refused policy's errors: mode and seed on `form`, each cap's on its
        row of `kept` (the rows the policy's caps were made from), the rest above the caps."""
        for name, errors in exc.fields.items():
            name = EXCHANGE_FIELDS.get(name, name)
            if name in form.fields:
                form.add_error(name, errors)
            else:
                self._non_form_errors = self.non_form_errors() + ValidationError(errors).messages
        for row, by_field in exc.caps.items():
            for name, errors in by_field.items():
                kept[row].add_error(name if name in kept[row].fields else None, errors)


CapFormSet = forms.formset_factory(
    CapForm, formset=BaseCapFormSet, extra=2, can_delete=True, max_num=50
)


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock time, kept naive: it is read in the phase's own zone by the
    service, not in the viewer's zone as Django's field would."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
        try:
            return dt.datetime.fromisoformat(str(value).strip()).replace(tzinfo=None)
        except ValueError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc

    def prepare_value(self, value):
        if isinstance(value, dt.datetime):
            return value.strftime("%Y-%m-%dT%H:%M:%S")
        return value


class PhaseForm(forms.Form):
    opens = LocalDateTimeField(label=_("Opens"))
    closes = LocalDateTimeField(label=_("Closes"))
    timezone = forms.CharField(label=_("Time zone"), max_length=64, widget=ZoneInput())

    @staticmethod
    def initial_from(phase) -> dict:
        return {
            "opens": phase.opens_local.replace(tzinfo=None),
            "closes": phase.closes_local.replace(tzinfo=None),
            "timezone": phase.timezone,
        }
