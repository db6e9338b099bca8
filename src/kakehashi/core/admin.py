"""What the apps' admins share."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records that change through their services only (each change audited there):
    the admin shows them, and adds, changes and deletes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TabularInline(admin.TabularInline):
    """The rows of a record, edited under it. No empty rows are offered: one is added
    with the admin's "Add another" link."""

    extra = 0


class StackedInline(admin.StackedInline):
    """As `TabularInline`, each row a form of its own (for long texts)."""

    extra = 0


class ReadOnlyTabularInline(TabularInline):
    """The rows of such a record, shown under it: none added, changed or deleted."""

    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False
