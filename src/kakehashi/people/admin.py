from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from kakehashi.core.admin import TabularInline
from kakehashi.people.models import (
    NAME_FIELDS,
    Affiliation,
    ApiToken,
    CandidateProfile,
    LanguageSkill,
    User,
)


class LanguageInline(TabularInline):
    model = LanguageSkill


class AffiliationInline(TabularInline):
    model = Affiliation
    raw_id_fields = ["organisation"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "family_name", "given_name", "orcid", "is_officer", "is_reviewer"]
    search_fields = ["username", "family_name", "given_name", "family_name_kanji", "orcid"]
    inlines = [LanguageInline, AffiliationInline]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (
            _("Kakehashi"),
            {
                "fields": [
                    *NAME_FIELDS,
                    "orcid",
                    "timezone",
                    "preferred_language",
                    "is_officer",
                    "is_reviewer",
                ]
            },
        ),
    ]


@admin.register(CandidateProfile)
class CandidateProfileAdmin(admin.ModelAdmin):
    list_display = [
        "user",
        "level",
        "direction",
        "nationality",
        "home_organisation",
        "interests_language",
    ]
    raw_id_fields = ["user", "home_organisation"]
    filter_horizontal = ["fields"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["key_hash", "prefix"]
