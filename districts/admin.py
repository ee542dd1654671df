from django.contrib import admin

from .models import AdminUnit, Council, CouncilMembership, RoleAssignment, UnitMapping, UnitTarget


class UnitMappingInline(admin.TabularInline):
    model = UnitMapping
    fk_name = "legacy"
    autocomplete_fields = ["current"]
    extra = 0


class UnitTargetInline(admin.TabularInline):
    model = UnitTarget
    extra = 0


@admin.register(AdminUnit)
class AdminUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "structure", "parent"]
    list_filter = ["structure", "level"]
    search_fields = ["code", "name", "search_name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "successor_province"]
    readonly_fields = ["search_name"]
    inlines = [UnitMappingInline, UnitTargetInline]


@admin.register(UnitMapping)
class UnitMappingAdmin(admin.ModelAdmin):
    list_display = ["legacy", "current"]
    search_fields = ["legacy__name", "current__name", "legacy__code", "current__code"]
    autocomplete_fields = ["legacy", "current"]
    list_select_related = ["legacy", "current"]


class CouncilMembershipInline(admin.TabularInline):
    model = CouncilMembership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "unit", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
    inlines = [CouncilMembershipInline]


@admin.register(CouncilMembership)
class CouncilMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "council", "role", "is_active"]
    list_filter = ["role", "is_active", "council__level"]
    search_fields = ["user__username", "user__last_name", "council__name"]
    autocomplete_fields = ["user", "council"]
    list_select_related = ["user", "council"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "unit", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__username", "user__last_name", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    list_select_related = ["user", "unit"]


@admin.register(UnitTarget)
class UnitTargetAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "min_stars", "target_count", "description"]
    list_filter = ["year", "min_stars"]
    search_fields = ["unit__name", "description"]
    autocomplete_fields = ["unit"]
    list_select_related = ["unit"]
