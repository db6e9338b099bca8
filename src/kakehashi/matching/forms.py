from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.matching.labels import MODE_LABELS
from kakehashi.matching.validators import SEED_MAX

CALL_CAPS = "call"
CAP_CHOICES = [
    (CALL_CAPS, _("The call's caps")),
    ("", _("No caps")),
    ("region", _("Caps per region (province or prefecture of the host)")),
    ("sector", _("Caps per sector (type of the host organisation)")),
    ("direction", _("Caps per direction of travel")),
]
_CAP_LINE = re.compile(r"^\s*([A-Za-z0-9_+\- ]+?)\s*[=:]\s*(\d+)\s*$")


class RunStartForm(forms.Form):
    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=list(MODE_LABELS.items()))
    seed = forms.IntegerField(
        label=_("Seed"),
        min_value=0,
        max_value=SEED_MAX,
        initial=0,
        help_text=_("Breaks ties in host rankings; the same seed gives the same result."),
    )
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

    def clean_caps(self) -> list[tuple[list[str], int]]:
        caps = []
        for line in re.split(r"[\n;]+", self.cleaned_data.get("caps") or ""):
            if not line.strip():
                continue
            match = _CAP_LINE.match(line)
            if match is None:
                raise forms.ValidationError(
                    _("“%(line)s” is not a cap; write “values = places”.") % {"line": line.strip()}
                )
            values = [v for v in re.split(r"[\s+,]+", match.group(1)) if v]
            caps.append((values, int(match.group(2))))
        return caps

    def clean(self):
        data = super().clean()
        if data.get("cap_by") not in (CALL_CAPS, "") and not data.get("caps"):
            self.add_error("caps", _("Write at least one cap, or choose “No caps”."))
        return data

    def policy(self) -> dict:
        """The run's choices, laid over the call's policy by the service."""
        data = self.cleaned_data
        out = {"mode": data["mode"], "seed": data["seed"]}
        by = data.get("cap_by") or ""
        if by == "":
            out["caps"] = []
        elif by != CALL_CAPS:
            out["caps"] = [
                {"label": "+".join(values), "kind": by, "values": values, "capacity": places}
                for values, places in data["caps"]
            ]
        return out


class SecondRoundForm(forms.Form):
    """Round two's choices. The runs page shows it beside RunStartForm, whose fields
    have the same names: its own ids keep each label on its own field."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_round2_%s")
        super().__init__(*args, **kwargs)

    label = forms.CharField(label=_("Label"), max_length=200, required=False)
    mode = forms.ChoiceField(label=_("Mode"), choices=list(MODE_LABELS.items()))
    seed = forms.IntegerField(label=_("Seed"), min_value=0, max_value=SEED_MAX, initial=0)
