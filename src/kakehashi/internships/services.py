"""Writes of internships: every change is audited in the call's record."""

from django.db import transaction

from kakehashi.audit.services import audit_record
from kakehashi.internships.models import Internship
from kakehashi.organisations.enums import OrganisationType
from kakehashi.people.enums import AffiliationRole
from kakehashi.people.models import Affiliation, CandidateProfile
from kakehashi.projects.enums import SupervisorRole
from kakehashi.projects.models import ProjectSupervisor

#: Organisation types that are themselves the industry partner when they host.
PARTNER_TYPES = (OrganisationType.COMPANY, OrganisationType.INCUBATOR)


def _partner_for(project):
    """The industry partner: the host when it is a company or an incubator, otherwise
    the organisation of the project's industry supervisor (their first affiliation with
    a company or incubator), otherwise none (an officer names it later)."""
    if project.host.type in PARTNER_TYPES:
        return project.host
    industry = (
        ProjectSupervisor.objects.filter(project=project, role=SupervisorRole.INDUSTRY)
        .order_by("order", "id")
        .values_list("person_id", flat=True)
    )
    affiliation = (
        Affiliation.objects.filter(
            person_id__in=list(industry), organisation__type__in=PARTNER_TYPES
        )
        .exclude(role=AffiliationRole.STUDENT)
        .select_related("organisation")
        .order_by("id")
        .first()
    )
    return affiliation.organisation if affiliation else None


def internship_create_for_offer(*, offer, actor=None) -> Internship:
    """The internship an accepted offer starts, once (a second call returns the first).

    Copies what the project and the intern's candidate profile say now: dates, place,
    working language, direction, level and home university.
    """
    with transaction.atomic():
        existing = Internship.objects.filter(offer_id=offer.pk).first()
        if existing is not None:
            return existing
        project = offer.project
        profile = (
            CandidateProfile.objects.filter(user_id=offer.candidate_id)
            .select_related("home_organisation")
            .first()
        )
        call = offer.run.call
        internship = Internship(
            offer=offer,
            intern_id=offer.candidate_id,
            project=project,
            program_id=call.program_id,
            direction=profile.direction if profile else call.program.directions[0],
            level=profile.level if profile else "",
            home_organisation=profile.home_organisation if profile else None,
            host=project.host,
            partner=_partner_for(project),
            region=project.region,
            city=project.city,
            start_date=project.start_date,
            end_date=project.end_date,
            working_language=project.working_language,
        )
        internship.full_clean(exclude=["level"] if not profile else None)
        internship.save()
        audit_record(
            scope=call,
            verb="internship.created",
            actor=actor,
            target=f"internship {internship.pk}",
            data={
                "offer": offer.pk,
                "intern": offer.candidate_id,
                "project": project.key,
                "host": project.host_id,
                "partner": internship.partner_id,
                "start": internship.start_date.isoformat(),
                "end": internship.end_date.isoformat(),
            },
        )
    return internship


def internship_on_offer_accepted(sender, *, offer, candidate, **kwargs) -> None:
    """Receiver of ``offers.signals.offer_accepted``: inside the answer's transaction."""
    internship_create_for_offer(offer=offer, actor=candidate)
