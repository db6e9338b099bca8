"""The match engine's explanation codes as sentences in the reader's language.

The engine explains every choice a candidate ranked above the place obtained
(all of them when unplaced) with a reason code and, when a host's order
decided, two positions in that order: the candidate's own and the cut-off's
(the lowest-ranked candidate who holds a place there). When the host ranked
the two equally (ties mode: the tie was broken by the seeded lottery and the
stable improvement cycles), the positions are equal and the choice is
flagged ``tied_with_cutoff``; the sentence then says the place went to a
candidate ranked equally, not higher. A balanced exchange adds two reasons:
``balance`` (the host's side could not receive one more) and ``lower_priority``
(places went to candidates the candidate's own home put first; the positions
are in the home's order). Sentences are built
when they are read, so a page, an API answer and an e-mail each come out in
the active language. Other candidates are never named: positions suffice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from kakehashi.core.templatetags.kakehashi import in_lang
from kakehashi.matching.labels import HOST_REASONS


@dataclass(frozen=True)
class Choice:
    """One project the candidate preferred to what they obtained, and why not."""

    key: str
    rank: int
    reason: str
    cutoff_position: int | None = None
    your_position: int | None = None
    project: Any = None  # the Project row, when it still exists
    tied_with_cutoff: bool = False  # the host ranked the candidate equally with the cut-off

    @property
    def title(self) -> str:
        return self.project.translated("title") if self.project is not None else self.key

    @property
    def message(self) -> str:
        return choice_sentence(self)

    @property
    def message_html(self) -> str:
        """`message` for a page: the project's title tagged with its language (`lang`)."""
        return choice_sentence(self, html=True)


def choices_from(entry: dict | None, projects: dict[str, Any]) -> list[Choice]:
    """The `better_choices` of one student's explanation, with their Project rows."""
    choices = []
    for item in (entry or {}).get("better_choices", []):
        choices.append(
            Choice(
                key=item["project"],
                rank=item["rank"],
                reason=item["reason"],
                cutoff_position=item.get("cutoff_position") or None,
                your_position=item.get("your_position") or None,
                project=projects.get(item["project"]),
                tied_with_cutoff=bool(item.get("tied_with_cutoff")),
            )
        )
    return choices


def _tied(choice: Choice) -> bool:
    return bool(choice.tied_with_cutoff and choice.your_position and choice.cutoff_position)


def _positions(choice: Choice) -> str:
    if choice.reason == "lower_priority":
        if choice.your_position and choice.cutoff_position:
            return _(
                "In your home's order you were number %(yours)d; the last candidate of "
                "your home placed there was number %(cutoff)d."
            ) % {"yours": choice.your_position, "cutoff": choice.cutoff_position}
        return ""
    if choice.reason == "balance":
        return ""
    if _tied(choice):
        return _(
            "On the host's list you were number %(yours)d, tied with the last candidate "
            "admitted: the host ranked you equally. The tie was broken by the match's "
            "lottery, then by exchanges of places between candidates that no host's "
            "ranking forbids."
        ) % {"yours": choice.your_position}
    if choice.your_position and choice.cutoff_position:
        return _(
            "On the host's list you were number %(yours)d; the last candidate admitted "
            "was number %(cutoff)d."
        ) % {"yours": choice.your_position, "cutoff": choice.cutoff_position}
    if choice.your_position:
        return _("On the host's list you were number %(yours)d.") % {"yours": choice.your_position}
    return ""


#: Why a choice was not obtained when its host ranked the candidate equally with the cut-off.
_TIED_SENTENCES = {
    "project_full": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: its last place went to a candidate its "
        "host ranked equally with you."
    ),
    "supervisor_full": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: its supervisor's last place went to a "
        "candidate they ranked equally with you."
    ),
}

#: Why a choice was not obtained, by the engine's reason code.
_REASON_SENTENCES = {
    "not_ranked_by_host": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: the host did not rank you, so it could "
        "not offer you a place."
    ),
    "project_full": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: all its places went to candidates its "
        "host ranked higher than you."
    ),
    "supervisor_full": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: its supervisor's places went to "
        "candidates they ranked higher than you."
    ),
    "organisation_full": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: the host organisation's places went, in "
        "turn, to its supervisors' other candidates."
    ),
    "group_cap_reached": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: the places allowed for its group of host "
        "organisations were all taken."
    ),
    "blocking_pair": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: the policy of this match favours the "
        "number of placements, and gave this place to someone else although the host "
        "ranked you higher."
    ),
    "balance": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: this match keeps the exchange balanced, "
        "and the host's side could not receive one more intern without receiving more "
        "than it sends."
    ),
    "lower_priority": gettext_lazy(
        "Your choice %(rank)d, “%(project)s”: its places went to candidates of your "
        "own home whom your home put before you."
    ),
}


def choice_sentence(choice: Choice, *, html: bool = False) -> str:
    """Why the candidate did not obtain `choice`, in the active language; with `html`,
    escaped, the project's title in a `<span lang>` when not in the page's language."""
    params = {"project": choice.title, "rank": choice.rank}
    if html:
        params["project"] = in_lang(choice.project, "title") if choice.project else choice.key
    if choice.reason in ("project_full", "supervisor_full") and not choice.cutoff_position:
        # Round two: the places were held by round one's placements, nobody was outranked.
        text = _("Your choice %(rank)d, “%(project)s”: all its places were already taken.")
    elif choice.reason in _TIED_SENTENCES and _tied(choice):
        text = _TIED_SENTENCES[choice.reason]
    else:
        text = _REASON_SENTENCES.get(
            choice.reason, _("Your choice %(rank)d, “%(project)s”: not obtained.")
        )
    positions = _positions(choice) if choice.reason != "not_ranked_by_host" else ""
    if html:
        params["project"] = conditional_escape(params["project"])
        sentence = mark_safe(conditional_escape(text) % params)  # both parts escaped
        return format_html("{} {}", sentence, positions) if positions else sentence
    sentence = text % params
    return f"{sentence} {positions}".strip()


def outcome_sentence(*, placed: bool, rank: int | None, list_length: int, choices) -> str:
    """One line summing up a candidate's result in a round."""
    if placed:
        if rank == 1:
            return _("You obtained your first choice.")
        return ngettext(
            "You obtained your choice %(rank)d; the %(count)d choice you ranked higher is "
            "explained below.",
            "You obtained your choice %(rank)d; the %(count)d choices you ranked higher are "
            "explained below.",
            len(choices),
        ) % {"rank": rank, "count": len(choices)}
    if not list_length:
        return _("You were not placed: you ranked no project in this round.")
    if choices and all(c.reason == "not_ranked_by_host" for c in choices):
        return _("You were not placed: none of the hosts you ranked ranked you.")
    if any(c.reason not in HOST_REASONS or _tied(c) for c in choices):
        # A cap, the welfare policy or a tie decided: "outranked by the host" would be untrue.
        return _("You were not placed in any project on your list. The reason for each is below.")
    return _(
        "You were not placed: each project on your list was filled by candidates its host "
        "ranked higher, or its host did not rank you. The reasons are below."
    )
