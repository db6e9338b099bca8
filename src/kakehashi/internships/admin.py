"""The Django admin of internships: officers edit agreement templates there; agreements,
approvals and research-security records change through their services only (audited),
and the admin shows them."""

from django.contrib import admin

from kakehashi.core.admin import ReadOnlyAdmin, ReadOnlyTabularInline, StackedInline
from kakehashi.internships.models import (
    Agreement,
    AgreementTemplate,
    Amendment,
    Approval,
    Attestation,
    ExportScreening,
    Internship,
    IPOption,
    SecurityList,
    SecurityListEntry,
    SecurityReview,
    TemplateSection,
)


@admin.register(Internship)
class InternshipAdmin(admin.ModelAdmin):
    list_display = ("id", "intern", "host", "start_date", "end_date", "status")
    list_filter = ("status", "direction", "program")
    raw_id_fields = ("offer", "intern", "project", "home_supervisor")
    autocomplete_fields = ()


class TemplateSectionInline(StackedInline):
    model = TemplateSection


class IPOptionInline(StackedInline):
    model = IPOption


@admin.register(AgreementTemplate)
class AgreementTemplateAdmin(admin.ModelAdmin):
    """Officers edit a program's template here: its sections and intellectual-property
    options, each in English, French and Japanese (docs/internships.md)."""

    list_display = ("program", "version", "is_active", "reviewed_on", "invented")
    list_filter = ("program", "is_active")
    inlines = [TemplateSectionInline, IPOptionInline]


@admin.register(Agreement)
class AgreementAdmin(ReadOnlyAdmin):
    list_display = ("id", "internship", "status", "version", "in_force_at")
    list_filter = ("status",)


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "number", "kind", "status", "approved_at")
    list_filter = ("kind", "status")


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdmin):
    list_display = ("agreement", "amendment", "party", "person", "version", "approved_at")
    list_filter = ("party",)


class SecurityListEntryInline(ReadOnlyTabularInline):
    model = SecurityListEntry
    readonly_fields = ("code", "name_en", "name_fr", "name_ja", "aliases", "country")


@admin.register(SecurityList)
class SecurityListAdmin(ReadOnlyAdmin):
    """Lists are imported from files on the research-security page (a new version
    each time); the admin shows them."""

    list_display = ("kind", "version", "published_on", "source", "invented", "created_at")
    list_filter = ("kind",)
    inlines = [SecurityListEntryInline]


@admin.register(SecurityReview)
class SecurityReviewAdmin(ReadOnlyAdmin):
    list_display = ("internship", "sensitivity", "area", "decided_at")


@admin.register(Attestation)
class AttestationAdmin(ReadOnlyAdmin):
    list_display = ("internship", "person", "organisations", "attested_at")


@admin.register(ExportScreening)
class ExportScreeningAdmin(ReadOnlyAdmin):
    list_display = ("internship", "outcome", "screened_on", "recorded_by")
