from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.matching.labels import MODE_LABELS
from kakehashi.programs.forms import (
    EXCHANGE_FIELDS,
    exchange_data,
    exchange_level_field,
    exchange_tolerance_field,
)
from kakehashi.programs.policy import ROUND_TWO_MODES, SEED_MAX, PolicyError, caps_from_lines

CALL_CAPS = "call"
CAP_CHOICES = [
    (CALL_CAPS, _("The call's caps")),
    ("", _("No caps")),
    ("region", _("Caps per region (province or prefecture of the host)")),
    ("sector", _("Caps per sector (type of the host organisation)")),
    ("direction", _("Caps per direction of travel")),
]


class PolicyForm(forms.Form):
    """A form that starts a run under a match policy: where its refusal goes."""

    def add_policy_error(self, exc: PolicyError) -> None:
        """Place a refused policy's errors: mode and seed on their fields, the caps'
        (those written here, or the call's) on the caps, the rest on the form."""
        own = {"mode", "seed", "caps", *EXCHANGE_FIELDS.values()} & set(self.fields)
        for name, errors in exc.fields.items():
            name = EXCHANGE_FIELDS.get(name, name)
            self.add_error(name if name in own else None, errors)
        for by_field in exc.caps.values():
            for errors in by_field.values():
                self.add_error("caps" if "caps" in own else None, errors)


class RunStartForm(PolicyForm):
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=list(MODE_LABELS.items()))
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=SEED_MAX,
        initial=0,
        help_text=_("Breaks ties in host rankings; the same seed gives the same result."),
    )
    exchange_level = exchange_level_field()
    exchange_tolerance = exchange_tolerance_field(initial=0)
    cap_by = forms.ChoiceField(label=_("Caps"), choices=CAP_CHOICES, required=False)
    caps = forms.CharField(
        label=_("Places per cap"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One cap a line: the values it counts, then its places, e.g. “JP-13 JP-14 = 3” "
            "(regions), “company incubator = 5” (sectors), “CA_JP = 20” (direction)."
        ),
    )

    def clean(self):
        data = super().clean()
        by = data.get("cap_by") or ""
        if by not in (CALL_CAPS, ""):
            # A convenience of this form: the lines become the policy's caps, checked
            # by its validator with the rest of the run's policy.
            try:
                data["caps"] = caps_from_lines(data.get("caps") or "", kind=by)
            except forms.ValidationError as exc:
                self.add_error("caps", exc)
            else:
                if not data["caps"]:
                    self.add_error("caps", _("Write at least one cap, or choose “No caps”."))
        return data

    def policy(self) -> dict:
        """The run's choices as policy data, laid over the call's policy by the service."""
        data = self.cleaned_data
        out = {"mode": data["mode"], "seed": data["seed"], **exchange_data(data)}
        by = data.get("cap_by") or ""
        if by == "":
            out["caps"] = []
        elif by != CALL_CAPS:
            out["caps"] = data["caps"]
        return out


class SecondRoundForm(PolicyForm):
    """Round two's choices. The runs page shows it beside RunStartForm, whose fields
    have the same names: its own ids keep each label on its own field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_round2_%s")
        super().__init__(*args, **kwargs)

    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    # Round two does not rebalance an exchange (docs/match/mechanisms.md, Rounds).
    mode = forms.ChoiceField(
        label=_("Mode"), choices=[(m, MODE_LABELS[m]) for m in ROUND_TWO_MODES]
    )
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=SEED_MAX, initial=0)
