"""An accepted offer starts exactly one internship, atomically with the answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kakehashi.audit.models import AuditEntry
from kakehashi.internships.models import Internship
from kakehashi.internships.selectors import internship_list_for
from kakehashi.internships.services import internship_create_for_offer
from kakehashi.offers.services import offer_accept, offer_decline
from kakehashi.organisations.enums import OrganisationType


def test_accepting_an_offer_creates_the_internship_from_project_and_profile(
    world, published, before_deadline
):
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)

    internship = Internship.objects.get()
    profile = world.candidate.candidate_profile
    project = world.project
    assert (
        internship.offer_id,
        internship.intern_id,
        internship.project_id,
        internship.program_id,
        internship.direction,
        internship.level,
        internship.home_organisation_id,
        internship.host_id,
        internship.region,
        internship.start_date,
        internship.end_date,
        internship.working_language,
        internship.status,
    ) == (
        published.offer.pk,
        world.candidate.pk,
        project.pk,
        world.call.program_id,
        profile.direction,
        profile.level,
        profile.home_organisation_id,
        project.host_id,
        project.region,
        project.start_date,
        project.end_date,
        project.working_language,
        "planned",
    )
    entry = AuditEntry.objects.get(verb="internship.created")
    assert (entry.actor, entry.target, entry.data["project"]) == (
        world.candidate,
        f"internship {internship.pk}",
        "eeg-decoding",
    )


def test_declining_creates_no_internship(world, published, before_deadline):
    offer_decline(offer=published.offer, candidate=world.candidate, now=before_deadline)

    assert not Internship.objects.exists()


def test_creation_is_idempotent(world, published, before_deadline):
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)

    again = internship_create_for_offer(offer=published.offer)

    assert Internship.objects.get().pk == again.pk
    assert AuditEntry.objects.filter(verb="internship.created").count() == 1


def test_a_company_host_is_the_partner(world, published, before_deadline):
    world.host.type = OrganisationType.COMPANY
    world.host.save()

    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)

    assert Internship.objects.get().partner_id == world.host.pk


def test_a_refused_internship_rolls_the_acceptance_back(world, published, before_deadline):
    project = world.project
    project.end_date = project.start_date.replace(year=project.start_date.year - 1)
    project.save(update_fields=["end_date"])

    with pytest.raises(ValidationError, match="The internship ends before it starts"):
        offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)

    published.offer.refresh_from_db()
    assert published.offer.status == "pending"
    assert not Internship.objects.exists()
    assert not AuditEntry.objects.filter(verb="offer.accepted").exists()


def test_internships_of_a_person(world, published, before_deadline):
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    internship = Internship.objects.get()

    assert list(internship_list_for(world.candidate)) == [internship]
    assert list(internship_list_for(world.supervisor)) == [internship]
    assert list(internship_list_for(world.other_supervisor)) == []
