"""Internships start from the offers' published world (tests/kakehashi/offers/conftest.py)."""

import datetime as dt
from types import SimpleNamespace

import pytest

from kakehashi.internships.enums import SecurityListKind
from kakehashi.internships.models import AgreementTemplate, Internship, IPOption, TemplateSection
from kakehashi.internships.security import security_list_import
from kakehashi.offers.services import offer_accept
from kakehashi.organisations.enums import OrganisationType
from kakehashi.people.models import Affiliation
from tests import factories
from tests.kakehashi.offers.conftest import (  # noqa: F401  (fixtures reused by name)
    DEADLINE,
    before_deadline,
    published,
    world,
)

ORGANISATIONS_CSV = (
    "name,aliases,country\nInvented Institute of Examples,IIE|Example Inst.,Nowhere\n"
)
AREAS_CSV = (
    "code,name_en,name_fr,name_ja\n"
    "Q1,Quantum sensing (invented),Capteurs quantiques (inventé),量子センシング（架空）\n"
)


def make_template(program) -> AgreementTemplate:
    template = AgreementTemplate.objects.create(
        program=program, version=1, source="Test", invented=True
    )
    TemplateSection.objects.create(
        template=template,
        order=1,
        title_en="Purpose",
        title_fr="Objet",
        title_ja="目的",
        body_en="This agreement sets out the internship.",
        body_fr="Cette entente encadre le stage.",
        body_ja="本契約は研修について定める。",
    )
    for order, key in enumerate(("host-owns", "shared"), start=1):
        IPOption.objects.create(
            template=template,
            key=key,
            order=order,
            label_en=f"Option {key}",
            label_fr=f"Option {key} (fr)",
            label_ja=f"選択肢 {key}",
            text_en=f"Terms of {key}.",
            text_fr=f"Conditions {key}.",
            text_ja=f"{key} の条件。",
        )
    return template


@pytest.fixture
def iw(world, published, before_deadline):  # noqa: F811  (the fixtures above)
    """The world's accepted internship with a template, every party named-able, and
    people for every role of the permission tests."""
    make_template(world.call.program)
    offer_accept(offer=published.offer, candidate=world.candidate, now=before_deadline)
    internship = Internship.objects.select_related("agreement").get()
    partner = factories.OrganisationFactory(
        name="Invented Robotics KK", type=OrganisationType.COMPANY
    )
    Internship.objects.filter(pk=internship.pk).update(partner=partner)
    home = internship.home_organisation
    home_supervisor = factories.UserFactory(
        username="homesup", given_name="Marie", family_name="Tremblay"
    )
    Affiliation.objects.create(person=home_supervisor, organisation=home, role="supervisor")
    signatory = factories.UserFactory(username="signatory", given_name="Rin", family_name="Kato")
    Affiliation.objects.create(person=signatory, organisation=partner, role="admin")
    org_admin = factories.UserFactory(username="hostadmin", given_name="Jun", family_name="Oda")
    Affiliation.objects.create(person=org_admin, organisation=world.host, role="admin")
    internship.refresh_from_db()
    return SimpleNamespace(
        internship=internship,
        agreement=internship.agreement,
        partner=partner,
        home_supervisor=home_supervisor,
        signatory=signatory,
        org_admin=org_admin,
        **vars(world),
    )


def complete_draft(iw):
    """Fill the draft and name the parties (as the officer and the intern would)."""
    from kakehashi.internships.services import agreement_parties_set, agreement_update

    agreement_update(
        agreement=iw.agreement,
        actor=iw.candidate,
        plan_intern="Decode EEG with transformers.",
        plan_host="脳波をトランスフォーマーで解読する。",
        ip_option="shared",
    )
    agreement_parties_set(
        agreement=iw.agreement, actor=iw.candidate, home_supervisor=iw.home_supervisor
    )
    agreement_parties_set(agreement=iw.agreement, actor=iw.officer, partner_signatory=iw.signatory)
    iw.agreement.refresh_from_db()
    iw.internship.refresh_from_db()


def clear_security(iw, *, sensitive=False):
    """Research security done: decision, (attestations), Japanese screening."""
    from kakehashi.internships.security import attest, screening_record, sensitivity_set

    if sensitive:
        security_list_import(
            kind=SecurityListKind.AREAS,
            data=AREAS_CSV,
            source="test",
            published_on=dt.date(2026, 1, 1),
            actor=iw.officer,
            invented=True,
        )
        security_list_import(
            kind=SecurityListKind.ORGANISATIONS,
            data=ORGANISATIONS_CSV,
            source="test",
            published_on=dt.date(2026, 1, 1),
            actor=iw.officer,
            invented=True,
        )
        sensitivity_set(
            internship=iw.internship, actor=iw.officer, sensitivity="sensitive", area_code="Q1"
        )
        for person in (iw.candidate, iw.supervisor, iw.home_supervisor):
            attest(internship=iw.internship, actor=person)
    else:
        sensitivity_set(internship=iw.internship, actor=iw.officer, sensitivity="not_sensitive")
    screening_record(
        internship=iw.internship,
        actor=iw.supervisor,
        outcome="cleared",
        screened_on=dt.date(2026, 12, 1),
    )


def approve_all(iw, *, but=()):
    from kakehashi.internships.services import agreement_approve

    for person, party in (
        (iw.candidate, "intern"),
        (iw.supervisor, "host_supervisor"),
        (iw.home_supervisor, "home_supervisor"),
        (iw.signatory, "partner_signatory"),
        (iw.officer, "officer"),
    ):
        if party not in but:
            agreement_approve(agreement=iw.agreement, actor=person, party=party)
    iw.agreement.refresh_from_db()
    iw.internship.refresh_from_db()
