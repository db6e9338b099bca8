from django import forms
from django.utils.translation import gettext_lazy as _

from kakehashi.core import limits


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label=_("Motivation statement (optional)"),
        required=False,
        max_length=limits.STATEMENT,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Why this project, and what you would bring to it."),
    )


def posted_order(data) -> list[int]:
    """The order a reorder widget posted: its `ids`, then one keyboard-free move.

    Without JavaScript each Up/Down/Add/Remove button submits the form with
    `action=<verb>:<id>`; the move is applied here and the result saved. With
    JavaScript the page moves items itself and only Save submits.
    """
    # A dict keeps the first occurrence of each id in order, in linear time.
    seen: dict[int, None] = {}
    for value in data.getlist("ids"):
        try:
            number = int(value)
        except (TypeError, ValueError):
            continue
        seen.setdefault(number, None)
    ids = list(seen)
    verb, _sep, target = data.get("action", "").partition(":")
    try:
        item = int(target)
    except ValueError:
        return ids
    if verb == "add" and item not in ids:
        ids.append(item)
    elif verb == "remove" and item in ids:
        ids.remove(item)
    elif verb in ("up", "down") and item in ids:
        i = ids.index(item)
        j = i - 1 if verb == "up" else i + 1
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
    return ids
