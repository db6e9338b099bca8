"""Pages after the match: a candidate's results and offers, a supervisor's interns."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kakehashi.core.cache import CSRF_SLOT, csrf_filled, person_fragment
from kakehashi.core.permissions import permission_required
from kakehashi.core.views import missing_is_404, render_page_or_fragment
from kakehashi.matching.forms import SecondRoundForm
from kakehashi.matching.selectors import published_run
from kakehashi.matching.views import runs_context, start_run_from_form
from kakehashi.offers.enums import OfferStatus
from kakehashi.offers.models import Offer
from kakehashi.offers.selectors import (
    interns_for_supervisor,
    offer_get_for_candidate,
    results_for_candidate,
)
from kakehashi.offers.services import offer_accept, offer_decline, offers_lapse, round_two_start
from kakehashi.programs.views import call_or_404


def _own_offer_or_404(request, pk: int) -> Offer:
    # An answer (POST) records the lapse of what has expired first, so a late answer
    # meets a lapsed offer; a read (GET) only shows it lapsed.
    if request.method == "POST":
        offers_lapse(candidate=request.user)
    with missing_is_404(Offer):
        return offer_get_for_candidate(candidate=request.user, pk=pk)


def _offer(request, pk: int) -> Offer:
    # Answering is the candidate's own act: the permission decides, not visibility.
    return Offer.objects.get(pk=pk)


def _after_answer(request, offer: Offer, *, error: str = "", success: str = ""):
    """htmx: the offer's box, with the refusal inline; otherwise back to My result."""
    if request.htmx and not request.htmx.boosted:
        context = {"offer": offer, "call": offer.run.call, "error": error, "done": success}
        return render(request, "offers/_offer.html", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect(reverse("offers:mine") + f"#offer-{offer.pk}")


@permission_required("offers.view_own_results")
def results_mine(request):
    """My result in every call with a published match: placement or reasons, and offers."""

    def render_body() -> tuple[str, dt.datetime | None]:
        calls = results_for_candidate(candidate=request.user)
        pending = [
            r.offer.deadline
            for group in calls
            for r in group.rounds
            if r.offer and r.offer.status == OfferStatus.PENDING
        ]
        context = {"calls": calls, "csrf_token": CSRF_SLOT}
        return render_to_string("offers/_mine_body.html", context), min(pending, default=None)

    # Runs, offers (the activity version), calls and projects (the data version), kept
    # per candidate until the first pending offer's deadline (shown lapsed from then on).
    body = person_fragment(request, "offers:mine", render_body)
    return render(request, "offers/mine.html", {"body_html": mark_safe(csrf_filled(request, body))})


def _answer(request, offer, service, success: str):
    """Answer `offer` with `service`; `success` names the project as %(project)s."""
    try:
        service(offer=offer, candidate=request.user)
    except ValidationError as exc:
        return _after_answer(request, offer, error=" ".join(exc.messages))
    return _after_answer(
        request, offer, success=success % {"project": offer.project.translated("title")}
    )


@require_POST
@permission_required("offers.respond_offer", obj=_offer)
def offer_accept_view(request, pk: int):
    offer = _own_offer_or_404(request, pk)
    return _answer(request, offer, offer_accept, _("You accepted the offer for “%(project)s”."))


@require_http_methods(["GET", "POST"])
@permission_required("offers.respond_offer", obj=_offer)
def offer_decline_view(request, pk: int):
    """GET asks for confirmation (a page, or the offer's box with htmx); POST declines."""
    offer = _own_offer_or_404(request, pk)
    if request.method == "GET":
        context = {"offer": offer, "call": offer.run.call}
        return render_page_or_fragment(
            request, "offers/decline.html", "offers/_decline_confirm.html", context
        )
    return _answer(request, offer, offer_decline, _("You declined the offer for “%(project)s”."))


@permission_required("offers.view_own_interns")
def interns_mine(request):
    """My interns: per project I supervise in a call with a published match."""

    def render_body() -> tuple[str, dt.datetime | None]:
        entries = interns_for_supervisor(supervisor=request.user)
        pending = [o.deadline for e in entries for o in e.offers if o.status == OfferStatus.PENDING]
        html = render_to_string("offers/_interns_body.html", {"entries": entries})
        return html, min(pending, default=None)

    # Kept per supervisor as the results page: until the first pending offer's deadline.
    body = person_fragment(request, "offers:interns", render_body)
    return render(request, "offers/interns.html", {"body_html": mark_safe(body)})


# ------------------------------------------------------------------ round two (officers)


@require_POST
@permission_required("matching.add_matchrun")
def second_round_view(request, slug: str):
    """Start round two from the published run of round one."""
    call = call_or_404(request.user, slug)
    form = SecondRoundForm(request.POST)
    base = published_run(call=call, round=1)
    if base is None:
        messages.error(request, _("Round two starts from the published run of round one."))
        return redirect("matching:runs", slug=call.slug)
    started = start_run_from_form(
        request,
        form,
        lambda data: round_two_start(
            call=call,
            base_run=base,
            user=request.user,
            mode=data["mode"],
            seed=data["seed"],
            label=data["label"],
        ),
        _("Round two has started."),
    )
    if started is not None:
        return started
    return render(request, "matching/runs.html", runs_context(call, second_form=form))
