from django.http import Http404
from django.shortcuts import render

from kakehashi.core.views import role_required
from kakehashi.people.rules import is_officer
from kakehashi.programs.models import Call
from kakehashi.programs.selectors import call_list, call_overview


@role_required(is_officer)
def call_list_view(request):
    return render(request, "programs/calls.html", {"calls": call_list()})


@role_required(is_officer)
def call_detail(request, slug: str):
    """Counts of a call and its phases, deadlines in the call's zone and the viewer's."""
    try:
        call = call_list().get(slug=slug)
    except Call.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "programs/call_detail.html",
        {"call": call, "overview": call_overview(call=call), "phases": call.phases.all()},
    )
