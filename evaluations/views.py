"""Officer pages of the evaluation workflow (mounted at ``/can-bo/``, namespace ``workflow``).

Thin views: look the object up through a scoped selector (404 when out of scope), check the action in
``permissions`` (404 too), call a service, render. Every write is a POST.
"""

from __future__ import annotations

import datetime
import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from districts.models import SCORING_ROLES, Council, CouncilLevel, CouncilRole, Role
from districts.selectors import active_roles, has_role, is_national

from . import audit, documents, permissions, rules, selectors
from .forms import (
    AssignForm,
    AttachmentForm,
    DecisionForm,
    DossierStartForm,
    ExistingProducerForm,
    FinaliseForm,
    FindingForm,
    LocalAssessmentForm,
    PaperScoreForm,
    PaperSelfScoreForm,
    ProducerForm,
    ProductForm,
    ReasonForm,
    RegistrationForm,
    RevocationForm,
    RoundForm,
    SelfReportForm,
    check_producer_type,
    communes_of,
    read_self_assessment,
    read_sheet_choices,
)
from .models import (
    AdvisoryFinding,
    Dossier,
    DossierKind,
    DossierRevision,
    DossierStatus,
    MemberScoreSheet,
    Round,
    RuleVersion,
)
from .services import decisions as decision_services
from .services import dossiers as dossier_services
from .services import review as review_services
from .services import revocations as revocation_services
from .services import rounds as round_services
from .services import scoring as scoring_services
from .services.errors import WorkflowError
from .status import Status, certificate_status
from .uploads import UploadRejected


def officer_required(view):
    """Logged in and holding a workflow role or a council seat; others get a 404 (nothing to see here)."""

    @login_required
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not permissions.is_officer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def found(obj):
    if obj is None:
        raise Http404
    return obj


def allowed(condition: bool) -> None:
    if not condition:
        raise Http404


def run(request, action, success: str) -> bool:
    """Call a service; show its refusal to the officer instead of failing."""
    try:
        action()
    except (WorkflowError, UploadRejected) as error:
        for message in getattr(error, "messages", None) or [str(error)]:
            messages.error(request, message)
        return False
    if success:
        messages.success(request, success)
    return True


# -- home --------------------------------------------------------------------------------------------------------
@officer_required
def home(request):
    user = request.user
    context = {
        "boxes": selectors.dashboard(user),
        "roles": active_roles(user),
        "memberships": permissions.memberships(user),
        "can_create": permissions.can_create_dossier(user),
        "can_open_round": permissions.can_open_round(user),
        "today": timezone.localdate(),
    }
    return render(request, "workflow/home.html", context)


# -- dossiers ----------------------------------------------------------------------------------------------------
@officer_required
def dossier_list(request):
    status = request.GET.get("status", "")
    if status not in DossierStatus.values:
        status = ""
    search = request.GET.get("q", "").strip()[:100]
    qs = selectors.dossier_list(request.user, status=status or None, search=search)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "workflow/dossier_list.html",
        {
            "page": page,
            "status": status,
            "q": search,
            "statuses": DossierStatus.choices,
            "can_create": permissions.can_create_dossier(request.user),
            "today": timezone.localdate(),
        },
    )


def _intake_scope(user):
    """Products and producers an officer may file dossiers for, and the communes to place new producers in."""
    from products.models import Producer, Product

    units = permissions.intake_units(user)
    product_q, producer_q = Q(pk__in=[]), Q(pk__in=[])
    communes = None
    for unit, role in units:
        if role == Role.COMMUNE_OFFICER:
            product_q |= Q(commune=unit)
            producer_q |= Q(commune=unit)
        else:
            product_q |= Q(legacy_district=unit)
            producer_q |= Q(legacy_district=unit)
        unit_communes = communes_of(unit)
        communes = unit_communes if communes is None else communes | unit_communes
    if is_national(user) and not units:
        product_q, producer_q = Q(), Q()
    products = Product.objects.filter(product_q).select_related("producer").order_by("name")
    producers = Producer.objects.filter(producer_q).order_by("name")
    return units, products, producers, communes


@officer_required
def product_new(request):
    user = request.user
    allowed(permissions.can_create_dossier(user))
    units, _products, producers, communes = _intake_scope(user)
    allowed(bool(units))
    from districts.models import AdminUnit

    communes = communes if communes is not None else AdminUnit.objects.none()
    data = request.POST if request.method == "POST" else None
    pick = ExistingProducerForm(data, producers=producers, prefix="pick")
    producer_form = ProducerForm(data, communes=communes, prefix="producer")
    product_form = ProductForm(data, prefix="product")
    if request.method == "POST" and pick.is_valid():
        existing = pick.cleaned_data["producer"]
        producer_ok = existing is not None or producer_form.is_valid()
        if producer_ok and product_form.is_valid():
            producer_type = existing.producer_type if existing else producer_form.cleaned_data["producer_type"]
            try:
                check_producer_type(producer_type, product_form.cleaned_data["product_set"])
            except Exception as error:  # forms.ValidationError
                product_form.add_error("product_set", error)
            else:
                legacy = next((unit for unit, role in units if role == Role.DISTRICT_OFFICER), None)
                producer = existing
                if producer is None:
                    producer = dossier_services.create_producer(
                        actor=user, data={**producer_form.cleaned_data, "legacy_district": legacy}
                    )
                product = dossier_services.create_product(
                    actor=user,
                    producer=producer,
                    data={
                        **product_form.cleaned_data,
                        "commune": producer.commune,
                        "legacy_district": producer.legacy_district,
                    },
                )
                messages.success(request, _("Đã thêm sản phẩm “%(p)s”. Tiếp theo: lập hồ sơ.") % {"p": product.name})
                return redirect(f"{reverse('workflow:dossier_new')}?product={product.pk}")
    if pick.is_bound and pick.is_valid() and pick.cleaned_data["producer"] is not None:
        producer_form = ProducerForm(None, communes=communes, prefix="producer")
    return render(
        request,
        "workflow/product_new.html",
        {"pick": pick, "producer_form": producer_form, "product_form": product_form},
    )


def _versions_for(user):
    roles = {role for _unit, role in permissions.intake_units(user)}
    if Role.DISTRICT_OFFICER in roles and Role.COMMUNE_OFFICER not in roles:
        return RuleVersion.objects.filter(has_district_level=True).order_by("-effective_from")
    current = dossier_services.default_rule_version()
    if is_national(user):
        return RuleVersion.objects.order_by("-effective_from")
    return RuleVersion.objects.filter(pk=current.pk)


@officer_required
def dossier_new(request):
    user = request.user
    allowed(permissions.can_create_dossier(user))
    _units, products, _producers, _communes = _intake_scope(user)
    versions = _versions_for(user)
    initial = {"product": request.GET.get("product"), "kind": request.GET.get("kind") or DossierKind.FIRST}
    form = DossierStartForm(request.POST or None, products=products, versions=versions, initial=initial)
    if request.method == "POST" and form.is_valid():
        created = {}

        def create():
            created["dossier"] = dossier_services.create_dossier(
                actor=user,
                product=form.cleaned_data["product"],
                kind=form.cleaned_data["kind"],
                rule_version=form.cleaned_data["rule_version"],
            )

        if run(request, create, _("Đã lập hồ sơ nháp. Hãy điền phiếu đăng ký (Mẫu 01).")):
            return redirect("workflow:dossier_edit", pk=created["dossier"].pk)
    return render(request, "workflow/dossier_new.html", {"form": form, "has_products": products.exists()})


def _dossier(request, pk):
    return found(selectors.dossier_detail(request.user, pk))


def _dossier_context(request, dossier, tab, **extra):
    user = request.user
    context = {
        "dossier": dossier,
        "tab": tab,
        "can_edit": permissions.can_edit_dossier(user, dossier),
        "can_review": permissions.can_review_dossier(user, dossier),
        "can_return_forwarded": permissions.can_return_forwarded(user, dossier),
        "today": timezone.localdate(),
    }
    context.update(extra)
    return context


@officer_required
def dossier_detail(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    sheet = selectors.sheet_for_dossier(dossier)
    checklist = selectors.dossier_checklist(dossier, sheet=sheet) if dossier.is_editable else []
    results = list(selectors.results_of(dossier))
    findings = []
    if dossier.round_id and (
        permissions.council_role(user, dossier.round.council_id) or permissions.can_manage_round(user, dossier.round)
    ):
        findings = list(AdvisoryFinding.objects.filter(dossier=dossier).select_related("author"))
    visible_results = [r for r in results if r.is_final or _may_see_result(user, r.round, dossier)]
    context = _dossier_context(
        request,
        dossier,
        "overview",
        checklist=checklist,
        ready=all(item.ok for item in checklist),
        results=visible_results,
        findings=findings,
        sheet=sheet,
        rerating_window=rules.rerating_window(dossier.previous_certificate.expires_on)
        if dossier.previous_certificate_id
        else None,
        return_form=ReasonForm(prefix="return"),
    )
    return render(request, "workflow/dossier_detail.html", context)


@officer_required
def dossier_edit(request, pk):
    dossier = _dossier(request, pk)
    allowed(permissions.can_edit_dossier(request.user, dossier))
    registration = dossier.registration or {}
    initial = {
        **{k: registration.get(k, "") for k in dossier_services.REGISTRATION_FIELDS},
        "sample_count": dossier.sample_count,
        "samples_received_on": dossier.samples_received_on,
        "change_summary": dossier.change_summary,
    }
    form = RegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        registration = {k: data[k] for k in dossier_services.REGISTRATION_FIELDS}
        ok = run(
            request,
            lambda: dossier_services.update_registration(
                actor=request.user,
                dossier=dossier,
                registration=registration,
                sample_count=data["sample_count"],
                samples_received_on=data["samples_received_on"],
                change_summary=data["change_summary"],
            ),
            _("Đã lưu phiếu đăng ký."),
        )
        if ok:
            return redirect("workflow:dossier_self", pk=dossier.pk)
    return render(request, "workflow/dossier_edit.html", _dossier_context(request, dossier, "registration", form=form))


@officer_required
def dossier_self(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    editable = permissions.can_edit_dossier(user, dossier)
    sheet = selectors.sheet_for_dossier(dossier)
    report = (dossier.registration or {}).get("self_report", {})
    report_form = SelfReportForm(request.POST if request.method == "POST" else None, initial=report, prefix="report")
    paper_form = None
    if sheet is None:
        paper_form = PaperSelfScoreForm(
            request.POST if request.method == "POST" else None,
            initial={"self_score": dossier.self_score},
            prefix="paper",
        )
    if request.method == "POST":
        allowed(editable)
        valid = report_form.is_valid() and (paper_form is None or paper_form.is_valid())
        if valid:
            entries = read_self_assessment(request.POST, sheet) if sheet else {}
            ok = run(
                request,
                lambda: dossier_services.save_self_assessment(
                    actor=user,
                    dossier=dossier,
                    sheet=sheet,
                    entries=entries,
                    report=report_form.cleaned_data,
                    self_score=paper_form.cleaned_data["self_score"] if paper_form else None,
                ),
                _("Đã lưu báo cáo tự đánh giá."),
            )
            if ok:
                return redirect(
                    "workflow:dossier_self" if request.POST.get("stay") else "workflow:dossier_files", pk=dossier.pk
                )
    rows = []
    if sheet is not None:
        saved = {s.criterion_id: s for s in dossier.self_assessments.all()}
        evidence_files = {}
        for attachment in selectors.attachments_of(dossier).filter(criterion__isnull=False):
            evidence_files.setdefault(attachment.criterion_id, []).append(attachment)
        for part in sheet["parts"]:
            rows.append(("part", part, None, None, None))
            for heading in part["headings"]:
                rows.append(("heading", heading, None, None, None))
                for criterion in heading["criteria"]:
                    rows.append(
                        (
                            "criterion",
                            criterion,
                            saved.get(criterion["id"]),
                            evidence_files.get(criterion["id"], []),
                            None,
                        )
                    )
    context = _dossier_context(
        request,
        dossier,
        "self",
        sheet=sheet,
        rows=rows,
        report_form=report_form,
        paper_form=paper_form,
        editable=editable,
    )
    return render(request, "workflow/dossier_self.html", context)


@officer_required
def dossier_files(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    editable = permissions.can_edit_dossier(user, dossier)
    sheet = selectors.sheet_for_dossier(dossier)
    criteria = list(sheet["criteria_by_id"].values()) if sheet else []
    form = AttachmentForm(
        request.POST or None,
        request.FILES or None,
        criteria=criteria,
        initial={"criterion": request.GET.get("criterion")},
    )
    if request.method == "POST":
        allowed(editable)
        if form.is_valid():
            criterion_id = form.cleaned_data["criterion"]
            if criterion_id and (sheet is None or criterion_id not in sheet["criteria_by_id"]):
                raise Http404
            uploaded = form.cleaned_data["file"]
            ok = run(
                request,
                lambda: dossier_services.add_attachment(
                    actor=user,
                    dossier=dossier,
                    kind=form.cleaned_data["kind"],
                    uploaded=uploaded,
                    criterion=_criterion(criterion_id),
                ),
                _("Đã tải lên “%(f)s”.") % {"f": uploaded.name},
            )
            if ok:
                return redirect("workflow:dossier_files", pk=dossier.pk)
    attachments = list(selectors.attachments_of(dossier, include_removed=True))
    context = _dossier_context(
        request,
        dossier,
        "files",
        form=form,
        attachments=[a for a in attachments if a.removed_at is None],
        removed=[a for a in attachments if a.removed_at is not None],
        editable=editable,
    )
    return render(request, "workflow/dossier_files.html", context)


def _criterion(criterion_id):
    from .models import Criterion

    return Criterion.objects.get(pk=criterion_id) if criterion_id else None


@officer_required
def file_download(request, pk, attachment_pk):
    dossier = _dossier(request, pk)
    attachment = found(dossier.attachments.filter(pk=attachment_pk).first())
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    response = FileResponse(
        handle, content_type=attachment.content_type, as_attachment=True, filename=attachment.original_name
    )
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
@require_POST
def file_remove(request, pk, attachment_pk):
    dossier = _dossier(request, pk)
    allowed(permissions.can_edit_dossier(request.user, dossier))
    attachment = found(dossier.attachments.filter(pk=attachment_pk, removed_at__isnull=True).first())
    run(
        request,
        lambda: dossier_services.remove_attachment(actor=request.user, attachment=attachment),
        _("Đã gỡ “%(f)s” khỏi hồ sơ (tệp vẫn được lưu trong lịch sử).") % {"f": attachment.original_name},
    )
    return redirect("workflow:dossier_files", pk=dossier.pk)


@officer_required
@require_POST
def dossier_submit(request, pk):
    dossier = _dossier(request, pk)
    allowed(permissions.can_edit_dossier(request.user, dossier))
    run(
        request,
        lambda: dossier_services.submit_dossier(actor=request.user, dossier=dossier),
        _("Đã nộp hồ sơ. Hồ sơ được khoá và chờ xem xét."),
    )
    return redirect("workflow:dossier_detail", pk=dossier.pk)


@officer_required
def dossier_review(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    allowed(permissions.can_review_dossier(user, dossier))
    assessment = getattr(dossier, "local_assessment", None)
    initial = {} if assessment else {"assessed_on": timezone.localdate()}
    form = LocalAssessmentForm(request.POST or None, instance=assessment, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {field: form.cleaned_data[field] for field in form.fields}
        saved = run(
            request,
            lambda: review_services.save_local_assessment(actor=user, dossier=dossier, data=data),
            _("Đã lưu báo cáo đánh giá (Mẫu 03)."),
        )
        if saved and request.POST.get("action") == "forward":
            level = review_services.first_scoring_level(dossier)
            if run(
                request,
                lambda: review_services.forward_dossier(actor=user, dossier=dossier),
                _("Đã chuyển hồ sơ lên hội đồng %(level)s.") % {"level": selectors.level_label(level)},
            ):
                return redirect("workflow:dossier_detail", pk=dossier.pk)
        elif saved:
            return redirect("workflow:dossier_review", pk=dossier.pk)
    context = _dossier_context(
        request,
        dossier,
        "review",
        form=form,
        return_form=ReasonForm(prefix="return"),
        next_level=selectors.level_label(review_services.first_scoring_level(dossier)),
    )
    return render(request, "workflow/dossier_review.html", context)


@officer_required
@require_POST
def dossier_return(request, pk):
    dossier = _dossier(request, pk)
    user = request.user
    allowed(permissions.can_review_dossier(user, dossier) or permissions.can_return_forwarded(user, dossier))
    form = ReasonForm(request.POST, prefix="return")
    if not form.is_valid():
        messages.error(request, _("Hãy ghi rõ lý do trả lại và nội dung cần bổ sung."))
        return redirect("workflow:dossier_detail", pk=dossier.pk)
    run(
        request,
        lambda: review_services.return_dossier(actor=user, dossier=dossier, reason=form.cleaned_data["reason"]),
        _("Đã trả lại hồ sơ để bổ sung; phiên bản đã nộp được lưu lại."),
    )
    return redirect("workflow:dossier_detail", pk=dossier.pk)


@officer_required
def dossier_history(request, pk):
    dossier = _dossier(request, pk)
    entries = list(audit.history_of(dossier))
    versions = list(DossierRevision.objects.filter(dossier=dossier).order_by("revision"))
    return render(
        request,
        "workflow/dossier_history.html",
        _dossier_context(request, dossier, "history", entries=entries, versions=versions),
    )


@officer_required
def dossier_version(request, pk, revision):
    dossier = _dossier(request, pk)
    version = found(DossierRevision.objects.filter(dossier=dossier, revision=revision).first())
    return render(
        request, "workflow/dossier_version.html", _dossier_context(request, dossier, "history", version=version)
    )


# -- rounds ------------------------------------------------------------------------------------------------------
@officer_required
def round_list(request):
    rounds = list(selectors.round_list(request.user))
    return render(
        request,
        "workflow/round_list.html",
        {
            "rounds": rounds,
            "can_open": permissions.can_open_round(request.user) and _manageable_councils(request.user).exists(),
        },
    )


def _manageable_councils(user):
    qs = Council.objects.filter(is_active=True).select_related("unit")
    if user.is_superuser or has_role(user, Role.ADMINISTRATOR):
        return qs
    q = Q(pk__in=[])
    if has_role(user, Role.CENTRAL_OFFICE):
        q |= Q(level=CouncilLevel.CENTRAL)
    for assignment in active_roles(user):
        if assignment.role == Role.PROVINCE_OFFICE:
            q |= Q(unit_id=assignment.unit_id) | Q(unit__successor_province_id=assignment.unit_id)
        elif assignment.role == Role.DISTRICT_OFFICER:
            q |= Q(unit_id=assignment.unit_id, level=CouncilLevel.DISTRICT)
    return qs.filter(q)


@officer_required
def round_new(request):
    user = request.user
    councils = _manageable_councils(user)
    allowed(councils.exists())
    form = RoundForm(request.POST or None, councils=councils)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        council = data["council"]
        created = {}

        def open_it():
            created["round"] = round_services.open_round(
                actor=user,
                name=data["name"],
                rule_version=data["rule_version"],
                level=council.level,
                unit=council.unit,
                council=council,
                year=data["year"],
                intake_deadline=data["intake_deadline"],
                decision_deadline=data["decision_deadline"],
            )

        if run(request, open_it, _("Đã mở đợt đánh giá.")):
            return redirect("workflow:round_detail", pk=created["round"].pk)
    return render(request, "workflow/round_new.html", {"form": form})


def _round(request, pk):
    return found(
        selectors.rounds_for(request.user).select_related("council", "unit", "rule_version").filter(pk=pk).first()
    )


@officer_required
def round_detail(request, pk):
    round_ = _round(request, pk)
    user = request.user
    manager = permissions.can_manage_round(user, round_)
    role = permissions.council_role(user, round_.council_id)
    dossiers = list(selectors.round_dossiers(round_))
    waiting = selectors.forwarded_waiting(round_) if manager and round_.status != Round.Status.CLOSED else None
    members = selectors.scoring_members(round_.council_id)
    mine = {}
    if role in SCORING_ROLES:
        mine = {
            (s.dossier_id): s for s in MemberScoreSheet.objects.filter(round=round_, member=user).order_by("attempt")
        }
    sees_all = user.is_superuser or manager or role == CouncilRole.SECRETARY or role == CouncilRole.CHAIR
    result_visible = {
        d.pk: sees_all
        or d.round_id != round_.pk
        or (
            role in SCORING_ROLES
            and d.pk in mine
            and mine[d.pk].attempt == d.scoring_attempt
            and mine[d.pk].status != MemberScoreSheet.Status.DRAFT
        )
        for d in dossiers
    }
    return render(
        request,
        "workflow/round_detail.html",
        {
            "round": round_,
            "dossiers": dossiers,
            "assign_form": AssignForm(dossiers=waiting) if waiting is not None else None,
            "waiting_count": waiting.count() if waiting is not None else 0,
            "manager": manager,
            "role": role,
            "scorer": role in SCORING_ROLES,
            "members": members,
            "mine": mine,
            "result_visible": result_visible,
        },
    )


@officer_required
@require_POST
def round_assign(request, pk):
    round_ = _round(request, pk)
    allowed(permissions.can_manage_round(request.user, round_))
    form = AssignForm(request.POST, dossiers=selectors.forwarded_waiting(round_))
    if form.is_valid():
        chosen = list(form.cleaned_data["dossiers"])
        run(
            request,
            lambda: round_services.assign_dossiers(actor=request.user, round_=round_, dossiers=chosen),
            _("Đã xếp %(n)s hồ sơ vào đợt.") % {"n": len(chosen)},
        )
    else:
        messages.error(request, _("Hãy chọn ít nhất một hồ sơ."))
    return redirect("workflow:round_detail", pk=round_.pk)


@officer_required
@require_POST
def round_status(request, pk):
    round_ = _round(request, pk)
    allowed(permissions.can_manage_round(request.user, round_))
    status = request.POST.get("status", "")
    if status not in Round.Status.values:
        raise Http404
    labels = {
        Round.Status.SCORING: _("Đã mở chấm điểm: các thành viên hội đồng có thể chấm."),
        Round.Status.OPEN: _("Đã tạm dừng chấm điểm."),
        Round.Status.CLOSED: _("Đã kết thúc đợt đánh giá."),
    }
    run(
        request,
        lambda: round_services.set_round_status(actor=request.user, round_=round_, status=status),
        labels[status],
    )
    return redirect("workflow:round_detail", pk=round_.pk)


def _round_dossier(request, round_pk, dossier_pk):
    round_ = _round(request, round_pk)
    dossier = found(
        selectors.dossiers_for(request.user)
        .filter(Q(round=round_) | Q(results__round=round_), pk=dossier_pk)
        .select_related(
            "product__producer", "product__product_set", "rule_version", "round", "intake_unit", "local_assessment"
        )
        .distinct()
        .first()
    )
    return round_, dossier


def _own_sheet(user, dossier, round_, attempt):
    return MemberScoreSheet.objects.filter(dossier=dossier, round=round_, member=user, attempt=attempt).first()


def _may_see_result(user, round_, dossier) -> bool:
    """Chair and secretary after quorum; a member once their own sheet of the attempt is in; managers once final."""
    if permissions.is_administrator(user):
        return True
    role = permissions.council_role(user, round_.council_id)
    if role in (CouncilRole.SECRETARY,) or permissions.can_manage_round(user, round_):
        return True
    if role in SCORING_ROLES:
        attempt = dossier.scoring_attempt if dossier.round_id == round_.pk else None
        if attempt is None:
            return True  # the dossier has left this round: its result is settled
        own = _own_sheet(user, dossier, round_, attempt)
        return own is not None and own.status != MemberScoreSheet.Status.DRAFT
    return False


@officer_required
def score(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    user = request.user
    allowed(permissions.scoring_role(user, round_) is not None)
    sheet = selectors.sheet_for_dossier(dossier, round_.rule_version_id)
    attempt = dossier.scoring_attempt
    own = _own_sheet(user, dossier, round_, attempt)
    can_edit = permissions.can_score(user, round_, dossier) and (
        own is None or own.status == MemberScoreSheet.Status.DRAFT
    )
    paper_form = None
    if request.method == "POST" and not can_edit:
        if own is not None and own.status != MemberScoreSheet.Status.DRAFT:
            messages.error(
                request,
                _("Phiếu lần chấm %(n)s đã nộp: điểm đã nộp không sửa được. Nếu cần, chủ tịch hội đồng mở chấm lại.")
                % {"n": attempt},
            )
        else:
            messages.error(request, _("Hồ sơ không còn mở để chấm điểm."))
        return redirect("workflow:score", round_pk=round_.pk, dossier_pk=dossier.pk)
    if request.method == "POST":
        submit = request.POST.get("action") == "submit"
        if sheet is not None:
            choices = read_sheet_choices(request.POST, sheet)
            # The draft is kept even when the submission is refused (e.g. a criterion left out).
            ok = run(
                request,
                lambda: scoring_services.save_sheet(
                    actor=user, dossier=dossier, round_=round_, sheet_data=sheet, choices=choices, submit=False
                ),
                "" if submit else _("Đã lưu nháp phiếu chấm."),
            )
            if ok and submit:
                ok = run(
                    request,
                    lambda: scoring_services.save_sheet(
                        actor=user, dossier=dossier, round_=round_, sheet_data=sheet, choices=choices, submit=True
                    ),
                    _("Đã nộp phiếu chấm. Cảm ơn!"),
                )
        else:
            paper_form = PaperScoreForm(request.POST, rule_version=round_.rule_version)
            ok = paper_form.is_valid() and run(
                request,
                lambda: scoring_services.save_sheet(
                    actor=user,
                    dossier=dossier,
                    round_=round_,
                    sheet_data=None,
                    paper=paper_form.cleaned_data,
                    submit=submit,
                ),
                _("Đã nộp phiếu chấm. Cảm ơn!") if submit else _("Đã lưu nháp phiếu chấm."),
            )
        if ok:
            if submit:
                return redirect("workflow:result", round_pk=round_.pk, dossier_pk=dossier.pk)
            return redirect("workflow:score", round_pk=round_.pk, dossier_pk=dossier.pk)
        own = _own_sheet(user, dossier, round_, attempt)
    # Pre-fill: this attempt's draft, else the member's sheet of the previous attempt (after a reopening).
    source = own
    if source is None and attempt > 1:
        source = _own_sheet(user, dossier, round_, attempt - 1)
    saved = {c.criterion_id: c for c in source.choices.all()} if source is not None else {}
    posted = read_sheet_choices(request.POST, sheet) if request.method == "POST" and sheet else {}
    rows = []
    if sheet is not None:
        for part in sheet["parts"]:
            rows.append(("part", part, None))
            for heading in part["headings"]:
                rows.append(("heading", heading, None))
                for criterion in heading["criteria"]:
                    choice = saved.get(criterion["id"])
                    value, comment = posted.get(criterion["id"], (None, None))
                    if value is None and choice is not None:
                        value = rules.NOT_APPLICABLE if choice.not_applicable else choice.option_id
                    if comment is None and choice is not None:
                        comment = choice.comment
                    rows.append(("criterion", criterion, {"value": value, "comment": comment or ""}))
    elif paper_form is None:
        initial = {}
        if source is not None:
            initial = {
                "part_a": source.part_a,
                "part_b": source.part_b,
                "part_c": source.part_c,
                "minima_level": source.minima_level,
                "eliminated": source.eliminated,
            }
        paper_form = PaperScoreForm(initial=initial, rule_version=round_.rule_version)
    self_scores = {s.criterion_id: s for s in dossier.self_assessments.select_related("option")} if sheet else {}
    findings = list(AdvisoryFinding.objects.filter(dossier=dossier).select_related("author"))
    return render(
        request,
        "workflow/score.html",
        {
            "round": round_,
            "dossier": dossier,
            "sheet": sheet,
            "rows": rows,
            "paper_form": paper_form,
            "own": own,
            "attempt": attempt,
            "can_edit": can_edit,
            "self_scores": self_scores,
            "findings": findings,
            "recuse_form": ReasonForm(prefix="recuse"),
            "finding_form": FindingForm() if permissions.can_add_finding(user, round_) else None,
            "na": rules.NOT_APPLICABLE,
            "local": getattr(dossier, "local_assessment", None),
        },
    )


@officer_required
@require_POST
def recuse(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    allowed(permissions.can_score(request.user, round_, dossier))
    form = ReasonForm(request.POST, prefix="recuse")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run(
        request,
        lambda: scoring_services.recuse(actor=request.user, dossier=dossier, round_=round_, reason=reason),
        _("Đã ghi nhận bạn không tham gia chấm hồ sơ này."),
    )
    return redirect("workflow:round_detail", pk=round_.pk)


@officer_required
@require_POST
def finding(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    allowed(permissions.can_add_finding(request.user, round_))
    form = FindingForm(request.POST)
    if form.is_valid():
        run(
            request,
            lambda: round_services.add_finding(
                actor=request.user,
                dossier=dossier,
                text=form.cleaned_data["text"],
                requests_lab_test=form.cleaned_data["requests_lab_test"],
            ),
            _("Đã ghi ý kiến của tổ tư vấn."),
        )
    else:
        messages.error(request, _("Hãy ghi nội dung ý kiến."))
    return redirect("workflow:round_dossier", round_pk=round_.pk, dossier_pk=dossier.pk)


@officer_required
def round_dossier(request, round_pk, dossier_pk):
    """The advisory group's and observers' view of a dossier in a round: files, Mẫu 03, findings."""
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    user = request.user
    allowed(permissions.council_role(user, round_.council_id) is not None or permissions.can_manage_round(user, round_))
    return render(
        request,
        "workflow/round_dossier.html",
        {
            "round": round_,
            "dossier": dossier,
            "attachments": list(selectors.attachments_of(dossier)),
            "findings": list(AdvisoryFinding.objects.filter(dossier=dossier).select_related("author")),
            "finding_form": FindingForm()
            if permissions.can_add_finding(user, round_) and dossier.status == DossierStatus.IN_ROUND
            else None,
            "local": getattr(dossier, "local_assessment", None),
            "scorer": permissions.scoring_role(user, round_) is not None,
        },
    )


@officer_required
def result(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    user = request.user
    allowed(_may_see_result(user, round_, dossier))
    in_round = dossier.round_id == round_.pk and dossier.status == DossierStatus.IN_ROUND
    attempt = int(request.GET.get("lan", 0) or 0) or None
    results = list(selectors.results_of(dossier).filter(round=round_))
    current = next((r for r in results if r.attempt == (attempt or dossier.scoring_attempt)), None)
    if current is None and results and not in_round:
        current = next((r for r in results if r.is_final), results[-1])
    shown_attempt = current.attempt if current else (attempt or dossier.scoring_attempt)
    sheet = selectors.sheet_for_dossier(dossier, round_.rule_version_id)
    members = selectors.scoring_members(round_.council_id)
    sheets = {
        s.member_id: s for s in selectors.member_sheets(dossier, round_, shown_attempt).prefetch_related("choices")
    }
    users = {m.user_id: m for m in members}
    extra_ids = [member_id for member_id in sheets if member_id not in users]
    rows = []
    for membership in members:
        rows.append(
            {"user": membership.user, "role": membership.get_role_display(), "sheet": sheets.get(membership.user_id)}
        )
    for member_id in extra_ids:
        rows.append(
            {"user": sheets[member_id].member, "role": _("Thành viên (đã rời hội đồng)"), "sheet": sheets[member_id]}
        )
    criteria_rows = []
    if sheet is not None and current is not None:
        by_member = {}
        for row in rows:
            s = row["sheet"]
            if s is not None and s.status == MemberScoreSheet.Status.SUBMITTED:
                by_member[s.member_id] = {c.criterion_id: c for c in s.choices.all()}
        spread = current.details.get("criterion_spread", {})
        consensus = current.details.get("consensus", {})
        failed = {n for numbers in current.details.get("failed_minima", {}).values() for n in numbers}
        for criterion in rules.iter_criteria(sheet):
            points = []
            for row in rows:
                s = row["sheet"]
                choice = by_member.get(s.member_id, {}).get(criterion["id"]) if s is not None else None
                if choice is None:
                    points.append(None)
                elif choice.not_applicable:
                    points.append("—")
                else:
                    points.append(sheet["options_by_id"][choice.option_id][1]["points"])
            low_high = spread.get(criterion["number"])
            criteria_rows.append(
                {
                    "criterion": criterion,
                    "points": points,
                    "low": low_high[0] if low_high else None,
                    "high": low_high[1] if low_high else None,
                    "differs": bool(low_high and low_high[0] != low_high[1]),
                    "consensus": consensus.get(criterion["number"]),
                    "failed": criterion["number"] in failed,
                }
            )
    chair = permissions.is_chair(user, round_)
    quorum = bool(current and current.details.get("quorum_met"))
    return render(
        request,
        "workflow/result.html",
        {
            "round": round_,
            "dossier": dossier,
            "result": current,
            "results": results,
            "rows": rows,
            "criteria_rows": criteria_rows,
            "sheet": sheet,
            "attempt": shown_attempt,
            "in_round": in_round,
            "quorum": quorum,
            "chair": chair,
            "can_finalise": chair
            and in_round
            and quorum
            and current is not None
            and current.attempt == dossier.scoring_attempt,
            "can_reopen": chair and in_round and current is not None and current.attempt == dossier.scoring_attempt,
            "finalise_form": FinaliseForm(),
            "reopen_form": ReasonForm(prefix="reopen"),
            "route": route_of(dossier, round_, current) if current else None,
        },
    )


def route_of(dossier, round_, result):
    """Where the result goes once final (as the service will route it)."""
    return scoring_services.route_for(dossier, round_, result)


@officer_required
@require_POST
def finalise(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    allowed(permissions.is_chair(request.user, round_))
    form = FinaliseForm(request.POST)
    discussed = form.is_valid() and form.cleaned_data["discussed"]
    run(
        request,
        lambda: scoring_services.finalise_result(
            actor=request.user, dossier=dossier, round_=round_, discussed=discussed
        ),
        _("Đã chốt kết quả đánh giá."),
    )
    return redirect("workflow:result", round_pk=round_.pk, dossier_pk=dossier.pk)


@officer_required
@require_POST
def reopen(request, round_pk, dossier_pk):
    round_, dossier = _round_dossier(request, round_pk, dossier_pk)
    allowed(permissions.is_chair(request.user, round_))
    form = ReasonForm(request.POST, prefix="reopen")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    run(
        request,
        lambda: scoring_services.reopen_scoring(actor=request.user, dossier=dossier, round_=round_, reason=reason),
        _("Đã mở chấm lại: các thành viên chấm lần mới, phiếu cũ vẫn được lưu."),
    )
    return redirect("workflow:result", round_pk=round_.pk, dossier_pk=dossier.pk)


# -- decisions ---------------------------------------------------------------------------------------------------
@officer_required
def decision_list(request):
    user = request.user
    decisions = list(selectors.decision_list(user))
    drafting = []
    for membership in permissions.memberships(user):
        if membership.role == CouncilRole.SECRETARY:
            drafting.append((membership.council, selectors.decidable_results(membership.council).count()))
    return render(request, "workflow/decision_list.html", {"decisions": decisions, "drafting": drafting})


def _secretary_council(request, council_pk):
    council = found(Council.objects.select_related("unit").filter(pk=council_pk).first())
    allowed(permissions.can_draft_decision(request.user, council.pk))
    return council


@officer_required
def decision_new(request, council_pk):
    council = _secretary_council(request, council_pk)
    results = list(selectors.decidable_results(council))
    initial = {"authority": decision_services.default_authority(council), "results": [r.pk for r in results]}
    form = DecisionForm(request.POST or None, results=results, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = {}

        def draft():
            created["decision"] = decision_services.draft_decision(
                actor=request.user,
                council=council,
                number=data["number"],
                issued_on=data["issued_on"],
                signer=data["signer"],
                authority=data["authority"],
                result_ids=data["results"],
            )

        if run(request, draft, _("Đã lưu dự thảo quyết định. Kiểm tra lại rồi bấm “Ban hành”.")):
            return redirect("workflow:decision_detail", pk=created["decision"].pk)
    return render(
        request, "workflow/decision_form.html", {"form": form, "council": council, "results": results, "decision": None}
    )


def _decision(request, pk):
    return found(selectors.decision_detail(request.user, pk))


@officer_required
def decision_detail(request, pk):
    decision = _decision(request, pk)
    return render(
        request,
        "workflow/decision_detail.html",
        {
            "decision": decision,
            "items": list(decision.items.all()),
            "certificates": list(decision.certificates.all()),
            "can_edit": permissions.can_edit_decision(request.user, decision),
            "entries": list(audit.history_of(decision)),
        },
    )


@officer_required
def decision_edit(request, pk):
    decision = _decision(request, pk)
    allowed(permissions.can_edit_decision(request.user, decision))
    council = decision.council
    in_draft = [
        item.result
        for item in decision.items.select_related("result__dossier__product__producer", "result__round")
        if item.result
    ]
    results = in_draft + [r for r in selectors.decidable_results(council) if r.pk not in {x.pk for x in in_draft}]
    initial = {
        "number": decision.number,
        "issued_on": decision.issued_on,
        "signer": decision.signer,
        "authority": decision.authority,
        "results": [r.pk for r in in_draft],
    }
    form = DecisionForm(request.POST or None, results=results, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run(
            request,
            lambda: decision_services.update_draft(
                actor=request.user,
                decision=decision,
                number=data["number"],
                issued_on=data["issued_on"],
                signer=data["signer"],
                authority=data["authority"],
                result_ids=data["results"],
            ),
            _("Đã lưu dự thảo."),
        ):
            return redirect("workflow:decision_detail", pk=decision.pk)
    return render(
        request,
        "workflow/decision_form.html",
        {"form": form, "council": council, "results": results, "decision": decision},
    )


@officer_required
@require_POST
def decision_issue(request, pk):
    decision = _decision(request, pk)
    allowed(permissions.can_edit_decision(request.user, decision))
    run(
        request,
        lambda: decision_services.issue_decision(actor=request.user, decision=decision),
        _("Đã ban hành quyết định và cấp giấy chứng nhận."),
    )
    return redirect("workflow:decision_detail", pk=decision.pk)


@officer_required
@require_POST
def decision_delete(request, pk):
    decision = _decision(request, pk)
    allowed(permissions.can_edit_decision(request.user, decision))
    if run(
        request, lambda: decision_services.delete_draft(actor=request.user, decision=decision), _("Đã xoá dự thảo.")
    ):
        return redirect("workflow:decision_list")
    return redirect("workflow:decision_detail", pk=decision.pk)


# -- certificates ------------------------------------------------------------------------------------------------
def _certificate(request, pk):
    return found(selectors.certificate_detail(request.user, pk))


@officer_required
def certificate_detail(request, pk):
    certificate = _certificate(request, pk)
    user = request.user
    today = timezone.localdate()
    status = certificate_status(certificate, on=today)
    opens, closes = rules.rerating_window(certificate.expires_on)
    revocation = (
        getattr(certificate, "revocation", None) if status == Status.REVOKED or _has_revocation(certificate) else None
    )
    follow_ups = list(
        Dossier.objects.filter(previous_certificate=certificate).select_related("product").order_by("-created_at")
    )
    return render(
        request,
        "workflow/certificate_detail.html",
        {
            "c": certificate,
            "status": status,
            "window": (opens, closes),
            "window_state": "before" if today < opens else ("open" if today <= closes else "late"),
            "revocation": revocation,
            "can_revoke": permissions.can_revoke(user, certificate) and status in Status.ACTIVE,
            "can_follow_up": permissions.can_file_follow_up(user, certificate) and status in Status.ACTIVE,
            "follow_ups": follow_ups,
            "verify_url": documents.verification_url(certificate.number),
            "entries": list(audit.history_of(certificate)),
            "extension_end": certificate.expires_on + datetime.timedelta(days=rules.LATE_RERATING_EXTENSION_DAYS),
        },
    )


def _has_revocation(certificate):
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return certificate.revocation is not None
    except ObjectDoesNotExist:
        return False


@officer_required
def certificate_pdf(request, pk):
    certificate = _certificate(request, pk)
    # Vietnamese (the legal document) unless the English reference translation is asked for with ?lang=en.
    language = "en" if request.GET.get("lang") == "en" else documents.OFFICIAL_LANGUAGE
    pdf = documents.certificate_pdf(certificate, language)
    response = HttpResponse(pdf, content_type="application/pdf")
    suffix = "" if language == documents.OFFICIAL_LANGUAGE else f"-{language}"
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-ocop-{certificate.number}{suffix}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


@officer_required
def revoke(request, pk):
    certificate = _certificate(request, pk)
    user = request.user
    allowed(permissions.can_revoke(user, certificate))
    initial = {"authority": revocation_services.authority_for(certificate)}
    form = RevocationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if run(
            request,
            lambda: revocation_services.revoke_certificate(actor=user, certificate=certificate, **data),
            _("Đã thu hồi giấy chứng nhận %(n)s.") % {"n": certificate.number},
        ):
            return redirect("workflow:certificate_detail", pk=certificate.pk)
    late = False
    if form.is_bound and form.is_valid():
        late = revocation_services.is_late(
            concluded_on=form.cleaned_data["concluded_on"], revoked_on=form.cleaned_data["revoked_on"]
        )
    return render(
        request,
        "workflow/revoke.html",
        {"c": certificate, "form": form, "late": late, "level": permissions.revoking_level(certificate.stars)},
    )
