"""Write the schemathesis configuration of `.ci/fuzz-api` for the demo just loaded.

Path and query parameters draw half of their values from what exists (call slugs and
ids, project, application, run and offer ids, ROR ids, …) so that the fuzzer reaches
past the 404 into the endpoints' own logic; the other half stays schema-generated.

Usage: DJANGO_SETTINGS_MODULE=kakehashi.settings python .ci/fuzz_config.py > schemathesis.toml
"""

from __future__ import annotations

import json
import sys

import django


def toml_list(values) -> str:
    return json.dumps(sorted(set(values), key=str), ensure_ascii=False)


def main() -> None:
    django.setup()
    # Django must be set up before the models are imported.
    from kakehashi.applications.models import Application
    from kakehashi.funding.models import Entry, FundingRule, Invoice, Payment
    from kakehashi.internships.models import Internship
    from kakehashi.jobs.models import Job
    from kakehashi.matching.models import MatchRun
    from kakehashi.offers.models import Offer
    from kakehashi.organisations.models import Organisation
    from kakehashi.people.models import ApiToken, User
    from kakehashi.programs.models import Call, Program
    from kakehashi.projects.models import Project
    from kakehashi.research_fields.models import ResearchField

    calls = list(Call.objects.values_list("pk", "slug"))
    # Runs, offers and jobs appear while the officer's pass runs: their first ids.
    later = range(1, 6)
    dictionaries = {
        "call_ref": [str(pk) for pk, _ in calls] + [slug for _, slug in calls],
        "call_id": [pk for pk, _ in calls],
        "call_slug": [slug for _, slug in calls],
        "program_slug": list(Program.objects.values_list("slug", flat=True)),
        "organisation_ref": [
            *map(str, Organisation.objects.values_list("pk", flat=True)[:10]),
            *Organisation.objects.exclude(ror_id=None).values_list("ror_id", flat=True)[:10],
        ],
        "project_id": list(Project.objects.values_list("pk", flat=True)),
        "application_id": list(Application.objects.values_list("pk", flat=True)),
        "person_id": list(User.objects.values_list("pk", flat=True)),
        "token_id": list(ApiToken.objects.values_list("pk", flat=True)),
        "field_code": list(ResearchField.objects.values_list("code", flat=True)[:20]),
        "run_id": [*MatchRun.objects.values_list("pk", flat=True), *later],
        "offer_id": [*Offer.objects.values_list("pk", flat=True), *later],
        "job_id": [*Job.objects.values_list("pk", flat=True), *later],
        # Funding: the demo's rules; internships and their ledger appear with acceptances.
        "rule_id": list(FundingRule.objects.values_list("pk", flat=True)),
        "internship_id": [*Internship.objects.values_list("pk", flat=True), *later],
        "invoice_id": [*Invoice.objects.values_list("pk", flat=True), *later],
        "payment_id": [*Payment.objects.values_list("pk", flat=True), *later],
        "entry_id": [*Entry.objects.values_list("pk", flat=True), *later],
    }
    bindings = {
        # parameter → dictionary, for every operation that has it
        "path.call_id": "call_id",
        "path.slug": "program_slug",
        "path.project_id": "project_id",
        "path.application_id": "application_id",
        "path.person_id": "person_id",
        "path.token_id": "token_id",
        "path.code": "field_code",
        "path.run_id": "run_id",
        "path.offer_id": "offer_id",
        "path.job_id": "job_id",
        "path.rule_id": "rule_id",
        "path.internship_id": "internship_id",
        "path.invoice_id": "invoice_id",
        "path.payment_id": "payment_id",
        "path.entry_id": "entry_id",
        "query.call": "call_slug",
        "query.program": "program_slug",
        "query.field": "field_code",
        "query.parent": "field_code",
    }
    # No cache between runs: the seed alone decides what is sent.
    out = ["[cache]", "enabled = false", ""]
    for name, values in dictionaries.items():
        if values:
            out += [f"[dictionaries.{name}]", f"values = {toml_list(values)}", ""]
    out.append("[parameters]")
    for parameter, name in bindings.items():
        if dictionaries[name]:
            out.append(f'"{parameter}" = {{ dictionary = "{name}", probability = 0.5 }}')
    out.append("")
    # {ref} is a call's or an organisation's, depending on the path.
    for regex, name in (
        ("^/api/v1/calls/", "call_ref"),
        ("^/api/v1/organisations/", "organisation_ref"),
    ):
        if dictionaries[name]:
            out += [
                "[[operations]]",
                f'include-path-regex = "{regex}"',
                f'parameters = {{ "path.ref" = {{ dictionary = "{name}", probability = 0.5 }} }}',
                "",
            ]
    sys.stdout.write("\n".join(out))


if __name__ == "__main__":
    main()
