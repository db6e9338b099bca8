"""The demo's internship part: an agreement template for each program, and sample
research-security lists. All INVENTED for demonstration, and labelled so: the
template is marked invented, the lists are imported as invented samples (no real
list of named research organisations is shipped; officers import the official one).

Idempotent: a program that has a template, or a list kind that has a version, is
left alone. Call it after every loader that creates programs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kakehashi.internships.models import AgreementTemplate, IPOption, TemplateSection
from kakehashi.internships.security import current_list, security_list_import
from kakehashi.programs.models import Program

DATA_DIR = Path(__file__).resolve().parent / "data"

SECTIONS = [
    (
        ("Parties and purpose", "Parties et objet", "当事者及び目的"),
        (
            "This agreement is between the intern, the host organisation, the home "
            "university and, where there is one, the industry partner. It sets out the "
            "research internship described below. (Invented example text.)",
            "La présente entente lie la personne stagiaire, l'organisation d'accueil, "
            "l'université d'attache et, le cas échéant, le partenaire industriel. Elle "
            "encadre le stage de recherche décrit ci-dessous. (Texte d'exemple inventé.)",
            "本契約は、研修生、受入機関、在籍大学及び（ある場合は）産業パートナーの間で締結"
            "され、以下に記す研究インターンシップについて定める。（架空の例文）",
        ),
    ),
    (
        ("Supervision", "Encadrement", "指導"),
        (
            "The host supervisor directs the research day to day; the home supervisor "
            "remains responsible for the intern's studies. (Invented example text.)",
            "La personne superviseure d'accueil dirige la recherche au quotidien ; la "
            "personne superviseure d'attache reste responsable des études. (Texte "
            "d'exemple inventé.)",
            "受入側指導者が日々の研究を指導し、在籍大学の指導教員は研修生の学業に引き続き"
            "責任を負う。（架空の例文）",
        ),
    ),
    (
        ("Changes and early end", "Modifications et fin anticipée", "変更及び早期終了"),
        (
            "Any change to the dates, including an early end, is an amendment that every "
            "party approves. (Invented example text.)",
            "Toute modification des dates, y compris une fin anticipée, est un avenant "
            "que chaque partie approuve. (Texte d'exemple inventé.)",
            "期間の変更（早期終了を含む）は、全当事者が承認する変更契約による。（架空の例文）",
        ),
    ),
]

IP_OPTIONS = [
    (
        "host-owns",
        (
            "Host owns; intern may publish after review",
            "L'organisation d'accueil est propriétaire ; publication après examen",
            "受入機関に帰属・審査後に公表可",
        ),
        (
            "Results belong to the host organisation. The intern may publish after a "
            "review of 30 days for confidential information. (Invented example text.)",
            "Les résultats appartiennent à l'organisation d'accueil. La personne "
            "stagiaire peut publier après un examen de 30 jours. (Texte d'exemple inventé.)",
            "成果は受入機関に帰属する。研修生は30日間の秘密情報審査の後に公表できる。（架空の例文）",
        ),
    ),
    (
        "joint",
        ("Jointly owned", "Copropriété", "共有"),
        (
            "Results are owned jointly by the host and the home university, each free to "
            "use them for research. (Invented example text.)",
            "Les résultats appartiennent conjointement à l'organisation d'accueil et à "
            "l'université d'attache. (Texte d'exemple inventé.)",
            "成果は受入機関と在籍大学の共有とし、各自研究目的で自由に利用できる。（架空の例文）",
        ),
    ),
]


def _template(program: Program) -> bool:
    if AgreementTemplate.objects.filter(program=program).exists():
        return False
    template = AgreementTemplate.objects.create(
        program=program,
        version=1,
        source="Invented example for the demo, not a real agreement",
        reviewed_on=dt.date(2026, 12, 1),
        invented=True,
    )
    for order, (titles, bodies) in enumerate(SECTIONS, start=1):
        TemplateSection.objects.create(
            template=template,
            order=order,
            **dict(zip(("title_en", "title_fr", "title_ja"), titles, strict=True)),
            **dict(zip(("body_en", "body_fr", "body_ja"), bodies, strict=True)),
        )
    for order, (key, labels, texts) in enumerate(IP_OPTIONS, start=1):
        IPOption.objects.create(
            template=template,
            key=key,
            order=order,
            **dict(zip(("label_en", "label_fr", "label_ja"), labels, strict=True)),
            **dict(zip(("text_en", "text_fr", "text_ja"), texts, strict=True)),
        )
    return True


def demo_internships(report) -> None:
    """Templates for every program without one; the invented sample lists."""
    for program in Program.objects.order_by("pk"):
        if _template(program):
            report.add("agreement templates")
    for kind, name in (
        ("areas", "research_security_areas_SAMPLE.csv"),
        ("organisations", "research_security_organisations_SAMPLE.csv"),
    ):
        if current_list(kind) is None:
            security_list_import(
                kind=kind,
                data=(DATA_DIR / name).read_bytes(),
                source="INVENTED SAMPLE for the demo, not the official list",
                published_on=dt.date(2026, 1, 15),
                actor=None,
                invented=True,
            )
            report.add("research-security lists")
