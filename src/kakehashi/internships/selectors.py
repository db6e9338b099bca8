"""Reads of internships."""

from django.db.models import Q, QuerySet

from kakehashi.internships.models import Internship


def internship_list_for(person) -> QuerySet[Internship]:
    """Internships a person takes part in: as intern, home supervisor, or supervisor of
    the host project. Officers see every internship through their own pages."""
    return (
        Internship.objects.filter(
            Q(intern_id=person.pk)
            | Q(home_supervisor_id=person.pk)
            | Q(project__supervisions__person_id=person.pk)
        )
        .distinct()
        .select_related("intern", "project", "program", "host", "home_organisation", "partner")
    )
