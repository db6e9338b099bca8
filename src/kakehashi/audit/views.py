from django.core.paginator import Paginator
from django.shortcuts import render

from kakehashi.audit.filters import AuditFilters
from kakehashi.audit.forms import AuditFilterForm
from kakehashi.audit.selectors import audit_search
from kakehashi.core.permissions import permission_required

PAGE_SIZE = 50


@permission_required("audit.view_auditentry")
def audit_browse(request):
    """The whole audit record, newest first, filtered by scope, action and actor
    (officers). Read-only, like the record itself."""
    form = AuditFilterForm(request.GET or None)
    values = {}
    if form.is_bound and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}
    entries = audit_search(filters=AuditFilters(**values))
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "audit/browse.html", context)
