"""Officers edit rule packs here: sources, review date and reviewer, the routes and
steps (JSON, checked by ``engine.validate`` on save). Changes are audited by the admin's
log (``audit`` wraps it). A larger change is better shipped as a new version of the
YAML file and imported (docs/mobility.md)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from kakehashi.core.admin import TabularInline
from kakehashi.mobility import engine
from kakehashi.mobility.models import (
    EmergencyContact,
    InsuranceCoverage,
    MobilityPlan,
    PlanStep,
    RulePack,
)


class RulePackForm(forms.ModelForm):
    class Meta:
        model = RulePack
        fields = [
            "country",
            "version",
            "title",
            "disclaimer",
            "sources",
            "last_reviewed",
            "reviewed_by",
            "data",
        ]

    def clean(self):
        data = super().clean()
        if not self.errors:
            pack = {
                **(data.get("data") or {}),
                "country": data.get("country"),
                "version": data.get("version"),
                "title": data.get("title"),
                "disclaimer": data.get("disclaimer"),
                "sources": data.get("sources"),
                "last_reviewed": data.get("last_reviewed"),
            }
            try:
                engine.validate(pack)
            except (engine.PackError, KeyError, TypeError, AttributeError) as exc:
                raise forms.ValidationError(
                    _("The rule pack does not hold together: %(error)s") % {"error": exc}
                ) from exc
        return data


@admin.register(RulePack)
class RulePackAdmin(admin.ModelAdmin):
    form = RulePackForm
    list_display = ("country", "version", "last_reviewed", "reviewed_by", "source_file")
    list_filter = ("country",)
    readonly_fields = ("source_file", "sha256", "created_at", "updated_at")


class PlanStepInline(TabularInline):
    model = PlanStep
    fields = ("order", "key", "owner", "due_date", "risk_date", "status", "done_at")
    readonly_fields = ("key", "owner", "due_date", "risk_date", "done_at")


class CoverageInline(TabularInline):
    model = InsuranceCoverage


class ContactInline(TabularInline):
    model = EmergencyContact


@admin.register(MobilityPlan)
class MobilityPlanAdmin(admin.ModelAdmin):
    list_display = ("internship", "nationality", "region", "days", "paid", "route_key")
    list_filter = ("route_key", "region")
    raw_id_fields = ("internship",)
    readonly_fields = ("rule_pack", "route_key", "route_reason", "derived_at")
    inlines = [PlanStepInline, CoverageInline, ContactInline]
