"""Who answers and who reads reports."""

import rules

from kakehashi.core.roles import is_officer


@rules.predicate
def is_signed_in(user) -> bool:
    return bool(getattr(user, "pk", None))


#: One's own due reports (the page lists none for people who owe none).
rules.add_perm("reports.view_own_reports", is_signed_in)
rules.add_perm("reports.change_own_report", is_signed_in)
#: Response rates, what is missing, the survey's results, the answers' export.
rules.add_perm("reports.view_report_results", is_officer)
