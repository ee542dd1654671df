from django.contrib import admin

from .models import (
    AdvisoryFinding,
    AuditEntry,
    Certificate,
    CertificateJobRun,
    CertificateNotice,
    Criterion,
    CriterionOption,
    Decision,
    DecisionItem,
    Dossier,
    DossierAttachment,
    DossierRevision,
    EvaluationResult,
    LocalAssessment,
    MemberChoice,
    MemberScoreSheet,
    OfficerNotice,
    Revocation,
    Round,
    RuleVersion,
    ScoreSheet,
    SelfAssessment,
    SheetHeading,
    SheetPart,
)


@admin.register(RuleVersion)
class RuleVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "decision_number", "effective_from", "effective_to", "has_district_level"]
    search_fields = ["code", "decision_number", "title"]


class SheetPartInline(admin.TabularInline):
    model = SheetPart
    extra = 0


@admin.register(ScoreSheet)
class ScoreSheetAdmin(admin.ModelAdmin):
    list_display = ["product_set", "rule_version", "total_points"]
    list_filter = ["rule_version"]
    search_fields = ["title", "product_set__name"]
    list_select_related = ["product_set", "rule_version"]
    inlines = [SheetPartInline]


@admin.register(SheetPart)
class SheetPartAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "points", "sheet"]
    list_filter = ["sheet__rule_version", "code"]
    search_fields = ["name"]


@admin.register(SheetHeading)
class SheetHeadingAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "points", "part"]
    search_fields = ["name"]


class CriterionOptionInline(admin.TabularInline):
    model = CriterionOption
    extra = 0


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "points", "sheet"]
    list_filter = ["sheet__rule_version", "sheet__product_set"]
    search_fields = ["number", "text"]
    list_select_related = ["sheet__product_set", "sheet__rule_version"]
    inlines = [CriterionOptionInline]


@admin.register(CriterionOption)
class CriterionOptionAdmin(admin.ModelAdmin):
    list_display = ["criterion", "key", "points", "min_stars", "eliminates"]
    list_filter = ["min_stars", "eliminates"]
    search_fields = ["text"]
    list_select_related = ["criterion"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "unit", "year", "intake_deadline", "decision_deadline", "status"]
    list_filter = ["level", "status", "year", "rule_version"]
    search_fields = ["name", "unit__name"]
    autocomplete_fields = ["unit", "council"]
    list_select_related = ["unit"]


class DossierAttachmentInline(admin.TabularInline):
    model = DossierAttachment
    fields = ["kind", "original_name", "size", "uploaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class SelfAssessmentInline(admin.TabularInline):
    model = SelfAssessment
    extra = 0


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["product", "kind", "status", "intake_unit", "round", "submitted_at"]
    list_filter = ["status", "kind", "rule_version"]
    search_fields = ["product__name", "product__producer__name", "product__code"]
    autocomplete_fields = ["product", "intake_unit", "round", "previous_certificate"]
    list_select_related = ["product", "intake_unit", "round"]
    inlines = [SelfAssessmentInline, DossierAttachmentInline]


@admin.register(DossierAttachment)
class DossierAttachmentAdmin(admin.ModelAdmin):
    list_display = ["original_name", "dossier", "kind", "size", "uploaded_at"]
    list_filter = ["kind"]
    search_fields = ["original_name", "dossier__product__name"]
    list_select_related = ["dossier__product"]
    readonly_fields = ["sha256", "size", "content_type"]


@admin.register(DossierRevision)
class DossierRevisionAdmin(admin.ModelAdmin):
    list_display = ["dossier", "revision", "created_at"]
    search_fields = ["dossier__product__name"]
    readonly_fields = ["dossier", "revision", "snapshot"]


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ["dossier", "criterion", "points"]
    search_fields = ["dossier__product__name"]


@admin.register(LocalAssessment)
class LocalAssessmentAdmin(admin.ModelAdmin):
    list_display = ["dossier", "officer", "assessed_on"]
    search_fields = ["dossier__product__name"]


@admin.register(AdvisoryFinding)
class AdvisoryFindingAdmin(admin.ModelAdmin):
    list_display = ["dossier", "author", "requests_lab_test", "created_at"]
    list_filter = ["requests_lab_test"]
    search_fields = ["text", "dossier__product__name"]


class ReadOnlyAdminMixin:
    """Scores are never overwritten (a re-score is a new attempt through the workflow): view only."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class MemberChoiceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MemberChoice
    extra = 0


@admin.register(MemberScoreSheet)
class MemberScoreSheetAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "member", "round", "attempt", "status", "total"]
    list_filter = ["status", "round"]
    search_fields = ["dossier__product__name", "member__username"]
    list_select_related = ["dossier__product", "member", "round"]
    inlines = [MemberChoiceInline]


@admin.register(EvaluationResult)
class EvaluationResultAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["dossier", "round", "attempt", "mean_score", "stars", "outcome", "forwarded", "is_final"]
    list_filter = ["outcome", "stars", "forwarded", "is_final"]
    search_fields = ["dossier__product__name"]
    list_select_related = ["dossier__product", "round"]


class DecisionItemInline(admin.TabularInline):
    model = DecisionItem
    autocomplete_fields = ["product"]
    extra = 0


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["number", "issued_on", "authority", "level", "status"]
    list_filter = ["level", "status", "rule_version"]
    search_fields = ["number", "authority", "signer"]
    date_hierarchy = "issued_on"
    inlines = [DecisionItemInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "product", "stars", "issued_on", "expires_on", "rule_version"]
    list_filter = ["stars", "rule_version", "issuing_level"]
    search_fields = ["number", "product__name", "product__code"]
    autocomplete_fields = ["product", "decision", "replaced_by"]
    list_select_related = ["product", "rule_version"]
    date_hierarchy = "expires_on"
    readonly_fields = ["expires_on"]


@admin.register(Revocation)
class RevocationAdmin(admin.ModelAdmin):
    list_display = ["certificate", "ground", "revoked_on", "decision_number", "authority"]
    list_filter = ["ground"]
    search_fields = ["certificate__number", "decision_number"]
    autocomplete_fields = ["certificate"]


@admin.register(CertificateNotice)
class CertificateNoticeAdmin(admin.ModelAdmin):
    list_display = ["certificate", "step", "due_on", "producer_notified_at", "officer_notified_at"]
    list_filter = ["step", "producer_skipped", "officer_skipped"]
    search_fields = ["certificate__number"]
    list_select_related = ["certificate"]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit trail cannot be edited or deleted, even by a superuser."""

    list_display = ["at", "actor", "action", "target_repr", "unit"]
    list_filter = ["action", "target_type"]
    search_fields = ["target_repr", "action", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "unit"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CertificateJobRun)
class CertificateJobRunAdmin(admin.ModelAdmin):
    """What each daily certificate job run recorded and sent (read-only: the job writes it)."""

    list_display = ["run_on", "outcome", "started_at", "finished_at", "producer_emails", "officer_emails"]
    list_filter = ["outcome"]
    date_hierarchy = "run_on"
    readonly_fields = [f.name for f in CertificateJobRun._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OfficerNotice)
class OfficerNoticeAdmin(admin.ModelAdmin):
    list_display = ["notice", "officer", "sent_at"]
    list_select_related = ["notice", "officer"]
    search_fields = ["notice__certificate__number", "officer__username"]
    raw_id_fields = ["notice", "officer"]
