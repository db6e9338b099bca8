"""Pages after the match: a candidate's results and offers, a supervisor's interns."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kakehashi.core.permissions import permission_required
from kakehashi.core.views import render_page_or_fragment
from kakehashi.matching.models import Offer
from kakehashi.offers.selectors import (
    interns_for_supervisor,
    offer_get_for_candidate,
    results_for_candidate,
)
from kakehashi.offers.services import offer_accept, offer_decline, offers_lapse


def _own_offer_or_404(request, pk: int) -> Offer:
    # Lapse first: an answer after the deadline meets a lapsed offer, never a stale one.
    offers_lapse(candidate=request.user)
    try:
        return offer_get_for_candidate(candidate=request.user, pk=pk)
    except Offer.DoesNotExist as exc:
        raise Http404 from exc


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
    offers_lapse(candidate=request.user)
    return render(
        request, "offers/mine.html", {"calls": results_for_candidate(candidate=request.user)}
    )


@require_POST
@permission_required("offers.respond_offer", obj=_offer)
def offer_accept_view(request, pk: int):
    offer = _own_offer_or_404(request, pk)
    try:
        offer_accept(offer=offer, candidate=request.user)
    except ValidationError as exc:
        return _after_answer(request, offer, error=" ".join(exc.messages))
    return _after_answer(
        request,
        offer,
        success=_("You accepted the offer for “%(project)s”.")
        % {"project": offer.project.translated("title")},
    )


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
    try:
        offer_decline(offer=offer, candidate=request.user)
    except ValidationError as exc:
        return _after_answer(request, offer, error=" ".join(exc.messages))
    return _after_answer(
        request,
        offer,
        success=_("You declined the offer for “%(project)s”.")
        % {"project": offer.project.translated("title")},
    )


@permission_required("offers.view_own_interns")
def interns_mine(request):
    """My interns: per project I supervise in a call with a published match."""
    offers_lapse(supervisor=request.user)
    return render(
        request, "offers/interns.html", {"entries": interns_for_supervisor(supervisor=request.user)}
    )
