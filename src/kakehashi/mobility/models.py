"""Rule packs (data, versioned, with sources) and each internship's mobility plan: the
route derived from a pack, its steps with owners and deadlines, documents against a step,
insurance coverage, travel and emergency contacts.

Step documents live under MEDIA_ROOT like the documents app's files, which no URL serves:
they are read only through the views that check permission.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from kakehashi.core.fields import actor_field
from kakehashi.core.models import TimestampedModel
from kakehashi.mobility.enums import CoverageKind, StepOwner, StepStatus


class RulePack(TimestampedModel):
    """The rules of one destination country, one version: routes and steps as data
    (``data``, read by ``engine.derive``), the official pages they come from, when they
    were last reviewed and by whom. A plan keeps the version it was derived from."""

    country = models.CharField(_("destination country"), max_length=2)
    version = models.PositiveIntegerField(_("version"))
    title = models.JSONField(_("title"), help_text=_("One text per language: en, fr, ja."))
    disclaimer = models.JSONField(
        _("disclaimer"),
        help_text=_("That this is information, not immigration advice; en, fr, ja."),
    )
    sources = models.JSONField(
        _("sources"), help_text=_("The official pages: a list of {key, title, url}.")
    )
    last_reviewed = models.DateField(_("last reviewed"))
    reviewed_by = models.CharField(_("reviewed by"), max_length=200, blank=True)
    data = models.JSONField(_("routes and steps"))
    source_file = models.CharField(_("imported from"), max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256 of the imported file"), max_length=64, blank=True)

    class Meta:
        ordering = ["country", "-version"]
        verbose_name = _("rule pack")
        verbose_name_plural = _("rule packs")
        constraints = [
            models.UniqueConstraint(fields=["country", "version"], name="one_pack_per_version")
        ]

    def __str__(self) -> str:
        return f"{self.country} v{self.version}"

    def as_pack(self) -> dict:
        """The pack as ``engine`` reads it (the admin's edits of sources and review
        date included)."""
        return {
            **self.data,
            "country": self.country,
            "version": self.version,
            "title": self.title,
            "disclaimer": self.disclaimer,
            "sources": self.sources,
            "last_reviewed": self.last_reviewed,
        }


class MobilityPlan(TimestampedModel):
    """One internship's move across the border: the facts the route was derived from
    (nationality copied from the intern's profile when the internship started), the
    pack version, the route, and travel."""

    internship = models.OneToOneField(
        "internships.Internship",
        on_delete=models.CASCADE,
        related_name="mobility_plan",
        verbose_name=_("internship"),
    )
    nationality = CountryField(_("nationality"), blank=True)
    region = models.CharField(_("destination region"), max_length=6)
    days = models.PositiveIntegerField(_("length in days"))
    paid = models.BooleanField(
        _("paid in the host country"),
        help_text=_("Paid by the host or the partner in the host country."),
    )
    level = models.CharField(_("academic level"), max_length=16)
    rule_pack = models.ForeignKey(
        RulePack,
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("rule pack"),
        null=True,
        blank=True,
    )
    route_key = models.CharField(_("route"), max_length=60, blank=True)
    route_reason = models.CharField(_("why no route"), max_length=40, blank=True)
    derived_at = models.DateTimeField(_("derived"))
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    timezone = models.CharField(
        _("time zone of the destination"),
        max_length=64,
        help_text=_("Arrival and departure are shown in it."),
    )
    travel_notes = models.TextField(_("travel notes"), blank=True, max_length=2000)
    checked_in_at = models.DateTimeField(_("checked in on arrival"), null=True, blank=True)

    class Meta:
        ordering = ["internship__start_date", "id"]
        verbose_name = _("mobility plan")
        verbose_name_plural = _("mobility plans")

    def __str__(self) -> str:
        return f"{self.internship} · {self.route_key or '—'}"

    @property
    def route(self) -> dict | None:
        if not (self.rule_pack and self.route_key):
            return None
        return next((r for r in self.rule_pack.data["routes"] if r["key"] == self.route_key), None)


def step_document_path(instance, filename: str) -> str:
    # A random name: the original one (kept in `filename`) says nothing about the path.
    return f"mobility/{instance.step.plan_id}/{uuid.uuid4().hex}.pdf"


class PlanStep(TimestampedModel):
    """One step of a plan: copied from the pack (title in three languages, owner), its
    deadline worked back from the start in the business days of its place."""

    plan = models.ForeignKey(
        MobilityPlan, on_delete=models.CASCADE, related_name="steps", verbose_name=_("plan")
    )
    key = models.CharField(_("key"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.JSONField(_("title"))
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    owner = models.CharField(_("owner"), max_length=8, choices=StepOwner.choices)
    place = models.CharField(
        _("calendar"), max_length=6, help_text=_("Whose business days count: ISO 3166.")
    )
    due_date = models.DateField(_("deadline"), null=True, blank=True)
    due_rule = models.JSONField(
        _("deadline rule"),
        default=dict,
        blank=True,
        help_text=_("From the pack: business days before the start, or days after it."),
    )
    risk_date = models.DateField(
        _("at risk from"),
        null=True,
        blank=True,
        help_text=_("Not done by then, the internship is at risk."),
    )
    documents_expected = models.BooleanField(_("documents expected"), default=False)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=StepStatus.choices, default=StepStatus.OPEN
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = actor_field(_("done by"))
    reminded_on = models.DateField(_("last reminded"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="one_step_per_key")]

    def __str__(self) -> str:
        return f"{self.plan_id} · {self.key}"


class StepDocument(TimestampedModel):
    """A PDF uploaded against a step (a Certificate of Eligibility, an offer number)."""

    step = models.ForeignKey(
        PlanStep, on_delete=models.CASCADE, related_name="documents", verbose_name=_("step")
    )
    file = models.FileField(_("file"), upload_to=step_document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = actor_field(_("uploaded by"), blank=False)

    class Meta:
        ordering = ["step", "id"]
        verbose_name = _("step document")
        verbose_name_plural = _("step documents")

    def __str__(self) -> str:
        return self.filename


class InsuranceCoverage(TimestampedModel):
    """A period an insurance covers; together they must cover the whole stay."""

    plan = models.ForeignKey(
        MobilityPlan,
        on_delete=models.CASCADE,
        related_name="coverages",
        verbose_name=_("plan"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=CoverageKind.choices)
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100, blank=True)
    start_date = models.DateField(_("covered from"))
    end_date = models.DateField(_("covered until"))

    class Meta:
        ordering = ["plan", "start_date", "id"]
        verbose_name = _("insurance coverage")
        verbose_name_plural = _("insurance coverages")

    def __str__(self) -> str:
        return f"{self.insurer} {self.start_date}–{self.end_date}"


class EmergencyContact(TimestampedModel):
    plan = models.ForeignKey(
        MobilityPlan,
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("plan"),
    )
    name = models.CharField(_("name"), max_length=200)
    relation = models.CharField(_("relation"), max_length=100, blank=True)
    phone = models.CharField(_("telephone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)

    class Meta:
        ordering = ["plan", "id"]
        verbose_name = _("emergency contact")
        verbose_name_plural = _("emergency contacts")

    def __str__(self) -> str:
        return self.name
