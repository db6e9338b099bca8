"""Officers edit agreement templates (sections, IP options, in three languages) in the
Django admin; agreements, approvals and research-security records are read-only there."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kakehashi.internships.models import AgreementTemplate
from tests import factories


@pytest.fixture
def admin_client(client):
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True, is_officer=True))
    return client


def _inline(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        data.update({f"{prefix}-{n}-{k}": v for k, v in row.items()})
    return data


@pytest.mark.django_db
def test_an_officer_adds_a_template_with_sections_and_ip_options(admin_client):
    program = factories.ProgramFactory()
    data = {
        "program": str(program.pk),
        "version": "1",
        "is_active": "on",
        "source": "Program office",
        "reviewed_on": "2026-12-01",
        **_inline(
            "sections",
            [
                {
                    "order": "1",
                    "title_en": "Purpose",
                    "title_fr": "Objet",
                    "title_ja": "目的",
                    "body_en": "Sets out the internship.",
                    "body_fr": "Encadre le stage.",
                    "body_ja": "研修について定める。",
                }
            ],
        ),
        **_inline(
            "ip_options",
            [
                {
                    "key": "joint",
                    "order": "1",
                    "label_en": "Jointly owned",
                    "label_fr": "Copropriété",
                    "label_ja": "共有",
                    "text_en": "Owned jointly.",
                    "text_fr": "En copropriété.",
                    "text_ja": "共有とする。",
                }
            ],
        ),
    }
    response = admin_client.post(reverse("admin:internships_agreementtemplate_add"), data)
    assert response.status_code == 302, response.content[:2000]
    template = AgreementTemplate.objects.get()
    assert [s.texts("title") for s in template.sections.all()] == [
        {"en": "Purpose", "fr": "Objet", "ja": "目的"}
    ]
    assert [o.snapshot() for o in template.ip_options.all()] == [
        {
            "key": "joint",
            "label": {"en": "Jointly owned", "fr": "Copropriété", "ja": "共有"},
            "text": {"en": "Owned jointly.", "fr": "En copropriété.", "ja": "共有とする。"},
        }
    ]


def test_agreements_are_read_only_in_the_admin(iw, admin_client):
    url = reverse("admin:internships_agreement_change", args=[iw.agreement.pk])
    response = admin_client.get(url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert admin_client.get(reverse("admin:internships_agreement_add")).status_code == 403
