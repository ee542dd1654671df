"""Forms of the evaluation workflow, in plain Vietnamese for officers (English through i18n).

Score sheets and self-assessments have one row per criterion of the product's sheet: those are read from the POST
data by the helpers at the bottom (``read_sheet_choices``, ``read_self_assessment``) rather than by a Form class.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from districts.models import AdminUnit, Council, CouncilLevel, Level
from products.models import TOURISM_ONLY_PRODUCER_TYPES, Producer, ProducerType, Product, ProductSet

from .models import (
    AttachmentKind,
    DossierKind,
    LocalAssessment,
    RevocationGround,
    RuleVersion,
)
from .rules import NOT_APPLICABLE
from .uploads import ACCEPT_ATTRIBUTE, ALLOWED_LABEL, max_bytes


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class OfficerForm(forms.Form):
    """Bootstrap classes on every widget so templates stay simple."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


def style(form):
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)) and not isinstance(
            widget, forms.CheckboxSelectMultiple
        ):
            widget.attrs.setdefault("class", "form-select")
        elif isinstance(widget, (forms.RadioSelect, forms.CheckboxSelectMultiple)):
            widget.attrs.setdefault("class", "form-check-input")
        else:
            widget.attrs.setdefault("class", "form-control")
    return form


class OfficerModelForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# -- producers and products --------------------------------------------------------------------------------------
class ProducerForm(OfficerModelForm):
    class Meta:
        model = Producer
        fields = [
            "name",
            "producer_type",
            "registration_number",
            "tax_code",
            "representative_name",
            "representative_gender",
            "representative_title",
            "commune",
            "address",
            "phone",
            "email",
            "founded_year",
        ]
        help_texts = {
            "name": _("Tên đầy đủ như trên giấy đăng ký kinh doanh, ví dụ “HTX Nông nghiệp Tam Hưng”."),
            "registration_number": _("Số giấy chứng nhận đăng ký kinh doanh / đăng ký HTX (nếu có)."),
            "producer_type": _("Hội, hiệp hội, trung tâm điều hành chỉ dành cho bộ 26 (dịch vụ du lịch)."),
        }

    def __init__(self, *args, communes=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes if communes is not None else AdminUnit.objects.none()
        self.fields["commune"].empty_label = None
        self.fields["representative_name"].required = True


class ProductForm(OfficerModelForm):
    class Meta:
        model = Product
        fields = ["name", "product_set", "description", "traceability_code"]
        help_texts = {
            "name": _("Tên thương mại của sản phẩm, ví dụ “Gạo Bắc thơm số 7 Tam Hưng”."),
            "product_set": _("Bộ sản phẩm theo Phụ lục I QĐ 26/2026 — quyết định phiếu chấm điểm được dùng."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product_set"].queryset = ProductSet.objects.filter(taxonomy="QD26_2026").order_by("number")


def check_producer_type(producer_type, product_set) -> None:
    if producer_type in TOURISM_ONLY_PRODUCER_TYPES and product_set is not None and product_set.number != 26:
        raise forms.ValidationError(
            _("Loại hình “%(t)s” chỉ đăng ký được bộ 26 (dịch vụ du lịch cộng đồng, sinh thái, điểm du lịch).")
            % {"t": ProducerType(producer_type).label}
        )


class ExistingProducerForm(OfficerForm):
    producer = forms.ModelChoiceField(
        label=_("Chủ thể đã có trong hệ thống"),
        queryset=Producer.objects.none(),
        required=False,
        empty_label=_("— Thêm chủ thể mới (điền bên dưới) —"),
    )

    def __init__(self, *args, producers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["producer"].queryset = producers if producers is not None else Producer.objects.none()


# -- dossier -----------------------------------------------------------------------------------------------------
class DossierStartForm(OfficerForm):
    product = forms.ModelChoiceField(
        label=_("Sản phẩm"),
        queryset=Product.objects.none(),
        help_text=_("Chỉ hiện sản phẩm của chủ thể trên địa bàn của bạn. Chưa có? Bấm “Thêm chủ thể, sản phẩm”."),
    )
    kind = forms.ChoiceField(
        label=_("Lần đăng ký đánh giá"),
        choices=DossierKind.choices,
        widget=forms.RadioSelect,
        initial=DossierKind.FIRST,
        help_text=_("Nâng hạng: sản phẩm đã có sao, muốn đạt hạng cao hơn. Đánh giá lại: giấy chứng nhận sắp hết hạn."),
    )
    rule_version = forms.ModelChoiceField(
        label=_("Quy định áp dụng"),
        queryset=RuleVersion.objects.none(),
        empty_label=None,
        help_text=_("Hồ sơ cũ của cấp huyện được nhập theo quy định đang áp dụng khi đó (QĐ 148 hoặc QĐ 1048)."),
    )

    def __init__(self, *args, products=None, versions=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].queryset = products if products is not None else Product.objects.none()
        self.fields["product"].label_from_instance = lambda p: f"{p.name} — {p.producer.name}"
        self.fields["rule_version"].queryset = versions if versions is not None else RuleVersion.objects.none()
        if versions is not None and versions.count() == 1:
            self.fields["rule_version"].widget = forms.HiddenInput()
            self.fields["rule_version"].initial = versions.first()
        self.fields["kind"].widget.attrs["class"] = "form-check-input"


class RegistrationForm(OfficerForm):
    """Mẫu 01 — Phiếu đăng ký đánh giá, phân hạng sản phẩm OCOP."""

    representative_name = forms.CharField(label=_("Họ tên người đại diện pháp lý"), max_length=120)
    representative_title = forms.CharField(label=_("Chức vụ"), max_length=80, required=False)
    address = forms.CharField(label=_("Địa chỉ liên hệ"), max_length=300)
    phone = forms.CharField(label=_("Điện thoại"), max_length=30)
    email = forms.EmailField(label=_("Thư điện tử"), required=False)
    product_description = forms.CharField(
        label=_("Mô tả sản phẩm, quy cách"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Quy cách đóng gói, khối lượng, thành phần chính…"),
    )
    standard = forms.CharField(label=_("Tiêu chuẩn công bố"), max_length=200, required=False)
    sample_count = forms.IntegerField(
        label=_("Số sản phẩm mẫu đã nhận"),
        min_value=0,
        max_value=50,
        initial=0,
        help_text=_("Chủ thể nộp 05 sản phẩm mẫu kèm hồ sơ (trừ bộ 26 — dịch vụ du lịch)."),
    )
    samples_received_on = forms.DateField(label=_("Ngày nhận mẫu"), required=False, widget=DateInput())
    change_summary = forms.CharField(
        label=_("Nội dung thay đổi / cập nhật"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "Nâng hạng: những thay đổi so với sản phẩm đã được công nhận. Đánh giá lại: nội dung mới về nguyên liệu, "
            "công nghệ, bao bì, nhãn, thị trường, sản lượng, doanh thu sau thời gian được công nhận."
        ),
    )


class SelfReportForm(OfficerForm):
    """Mẫu 02 — phần I (đánh dấu), II và IV."""

    business_registration = forms.BooleanField(label=_("Có giấy đăng ký kinh doanh"), required=False)
    quality_declared = forms.BooleanField(label=_("Đã công bố chất lượng sản phẩm theo quy định"), required=False)
    food_safety_certificate = forms.BooleanField(
        label=_("Có giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm"), required=False
    )
    production_conditions = forms.BooleanField(
        label=_("Có giấy chứng nhận đủ điều kiện sản xuất (với sản phẩm bắt buộc)"), required=False
    )
    ip_registered = forms.BooleanField(
        label=_("Đã có đăng ký sở hữu trí tuệ (nhãn hiệu, chỉ dẫn địa lý…)"), required=False
    )
    history = forms.CharField(
        label=_("Lịch sử hình thành của chủ thể"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    organisation = forms.CharField(label=_("Cơ cấu tổ chức"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    business_results = forms.CharField(
        label=_("Kết quả thực hiện phương án sản xuất kinh doanh (phần II)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Vùng nguyên liệu, công nghệ, thay đổi về chất lượng, thị trường, doanh thu, lợi nhuận."),
    )
    business_plan = forms.CharField(
        label=_("Kế hoạch sản xuất, kinh doanh (phần IV)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class PaperSelfScoreForm(OfficerForm):
    self_score = forms.DecimalField(
        label=_("Tổng điểm tự đánh giá"),
        min_value=0,
        max_value=100,
        decimal_places=2,
        help_text=_("Bộ tiêu chí của quy định này chưa được số hoá: nhập tổng điểm trên báo cáo tự đánh giá giấy."),
    )


class AttachmentForm(OfficerForm):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=AttachmentKind.choices)
    file = forms.FileField(
        label=_("Tệp"),
        help_text=_("Định dạng %(allowed)s, tối đa %(mb)s MB mỗi tệp. Tệp được lưu riêng, chỉ người có quyền xem được.")
        % {"allowed": ALLOWED_LABEL, "mb": max_bytes() // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    criterion = forms.TypedChoiceField(
        label=_("Minh chứng cho tiêu chí (không bắt buộc)"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", _("— Không gắn với tiêu chí —"))] + [
            (c["id"], f"{c['number']} {c['text'][:80]}") for c in criteria
        ]


class LocalAssessmentForm(OfficerModelForm):
    """Mẫu 03 — Báo cáo đánh giá một số nội dung của hồ sơ (UBND cấp xã)."""

    class Meta:
        model = LocalAssessment
        fields = [
            "components_complete",
            "local_raw_material",
            "local_labour",
            "idea_origin",
            "local_identity",
            "conclusion",
            "proposal_number",
            "assessed_on",
        ]
        labels = {
            "components_complete": _("Đã kiểm tra: thành phần hồ sơ đầy đủ theo Điều 6"),
            "local_raw_material": _("1. Về sử dụng nguyên liệu địa phương"),
            "local_labour": _("2. Về sử dụng lao động địa phương"),
            "idea_origin": _("3. Nguồn gốc ý tưởng sản phẩm"),
            "local_identity": _("4. Bản sắc / trí tuệ địa phương"),
            "conclusion": _("Kết luận, đề nghị"),
            "proposal_number": _("Số văn bản đề nghị cấp trên đánh giá"),
        }
        help_texts = {
            "local_raw_material": _(
                "Mô tả của chủ thể và đánh giá tình hình sử dụng nguyên liệu thực tế trên địa bàn."
            ),
            "local_labour": _("Mô tả của chủ thể và đánh giá thực tế về lao động địa phương."),
            "idea_origin": _("Sản phẩm truyền thống hay sản phẩm mới, dựa trên thực tế của địa phương."),
            "local_identity": _(
                "Giá trị văn hoá, tri thức bản địa (giống, nguyên liệu, điều kiện sản xuất), kinh nghiệm và phương "
                "thức sản xuất đặc trưng tạo nên sự khác biệt."
            ),
        }
        widgets = {
            "local_raw_material": forms.Textarea(attrs={"rows": 3}),
            "local_labour": forms.Textarea(attrs={"rows": 3}),
            "idea_origin": forms.Textarea(attrs={"rows": 2}),
            "local_identity": forms.Textarea(attrs={"rows": 3}),
            "conclusion": forms.Textarea(attrs={"rows": 2}),
            "assessed_on": DateInput(),
        }


class ReasonForm(OfficerForm):
    reason = forms.CharField(
        label=_("Lý do"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Ghi rõ để người nhận biết cần làm gì."),
    )


# -- rounds ------------------------------------------------------------------------------------------------------
class RoundForm(OfficerForm):
    council = forms.ModelChoiceField(
        label=_("Hội đồng đánh giá"),
        queryset=Council.objects.none(),
        empty_label=None,
        help_text=_("Cấp và đơn vị của đợt theo hội đồng được chọn."),
    )
    rule_version = forms.ModelChoiceField(
        label=_("Quy định áp dụng"),
        queryset=RuleVersion.objects.order_by("-effective_from"),
        empty_label=None,
        help_text=_("Đợt hiện hành theo QĐ 26/2026; các đợt cũ của huyện theo QĐ 148."),
    )
    name = forms.CharField(label=_("Tên đợt"), max_length=200, help_text=_("Ví dụ “Đợt 2 năm 2026”."))
    year = forms.IntegerField(label=_("Năm"), min_value=2018, max_value=2100)
    intake_deadline = forms.DateField(
        label=_("Hạn nhận hồ sơ"),
        widget=DateInput(),
        help_text=_("Cấp tỉnh: hồ sơ xã đề nghị trước 30/4 (đợt 1) hoặc 30/10 (đợt 2)."),
    )
    decision_deadline = forms.DateField(
        label=_("Hạn ra quyết định"),
        widget=DateInput(),
        help_text=_("Cấp tỉnh: trước 30/6 (đợt 1) hoặc 30/12 (đợt 2); trung ương: trước 30/9 hoặc 30/3."),
    )

    def __init__(self, *args, councils=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = councils if councils is not None else Council.objects.none()
        today = timezone.localdate()
        self.fields["year"].initial = today.year
        first_half = today.month <= 4
        self.fields["intake_deadline"].initial = datetime.date(today.year, 4 if first_half else 10, 30)
        self.fields["decision_deadline"].initial = datetime.date(today.year, 6 if first_half else 12, 30)

    def clean(self):
        data = super().clean()
        intake, decision = data.get("intake_deadline"), data.get("decision_deadline")
        if intake and decision and decision < intake:
            self.add_error("decision_deadline", _("Hạn ra quyết định phải sau hạn nhận hồ sơ."))
        council, version = data.get("council"), data.get("rule_version")
        if council and version and council.level == CouncilLevel.DISTRICT and not version.has_district_level:
            self.add_error(
                "rule_version", _("Hội đồng cấp huyện chỉ dùng cho quy định cũ có cấp huyện (QĐ 148, 1048).")
            )
        return data


class AssignForm(OfficerForm):
    dossiers = forms.ModelMultipleChoiceField(
        label=_("Hồ sơ đã chuyển lên, chờ xếp đợt"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, dossiers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dossiers"].queryset = dossiers
        self.fields["dossiers"].label_from_instance = lambda d: (
            f"{d.product.name} — {d.product.producer.name} ({_('bộ')} {d.product.product_set.number})"
        )


# -- scoring -----------------------------------------------------------------------------------------------------
MINIMA_CHOICES = [
    (5, _("Đạt mức tối thiểu của hạng 5 sao")),
    (4, _("Đạt mức tối thiểu của hạng 4 sao")),
    (3, _("Đạt mức tối thiểu của hạng 3 sao")),
    (2, _("Chưa đạt mức tối thiểu của hạng 3 sao")),
]


class PaperScoreForm(OfficerForm):
    """For rule versions whose sheets are not digitised: the totals of the member's signed paper sheet."""

    part_a = forms.DecimalField(
        label=_("Phần A — Sản phẩm và sức mạnh cộng đồng"), min_value=0, decimal_places=2, required=False
    )
    part_b = forms.DecimalField(label=_("Phần B — Khả năng tiếp thị"), min_value=0, decimal_places=2, required=False)
    part_c = forms.DecimalField(label=_("Phần C — Chất lượng sản phẩm"), min_value=0, decimal_places=2, required=False)
    minima_level = forms.TypedChoiceField(
        label=_("Các tiêu chí bắt buộc (dấu ***)"),
        choices=[("", _("— Chọn —"))] + MINIMA_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Mức cao nhất mà sản phẩm đạt đủ mọi tiêu chí tối thiểu trên phiếu giấy của bạn."),
    )
    eliminated = forms.BooleanField(label=_("Hồ sơ thuộc trường hợp bị loại"), required=False)

    def __init__(self, *args, rule_version=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule_version is not None:
            for code, field in (("a", "part_a"), ("b", "part_b"), ("c", "part_c")):
                limit = getattr(rule_version, f"part_{code}_points")
                self.fields[field].max_value = limit
                self.fields[field].help_text = _("Tối đa %(n)s điểm.") % {"n": limit}
                self.fields[field].widget.attrs.update({"max": limit, "step": "0.25"})
                self.fields[field].validators.append(MaxValueValidator(limit))


class FinaliseForm(OfficerForm):
    discussed = forms.BooleanField(
        label=_("Hội đồng đã thảo luận lại về chênh lệch điểm và thống nhất giữ kết quả"), required=False
    )


class FindingForm(OfficerForm):
    text = forms.CharField(
        label=_("Ý kiến, đề xuất của tổ tư vấn"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("Ví dụ: đề xuất bổ sung hồ sơ, kết quả khảo sát thực tế tại cơ sở."),
    )
    requests_lab_test = forms.BooleanField(label=_("Đề nghị bổ sung kết quả kiểm nghiệm chất lượng"), required=False)


# -- decisions and revocations -----------------------------------------------------------------------------------
class DecisionForm(OfficerForm):
    number = forms.CharField(label=_("Số quyết định"), max_length=60, help_text=_("Ví dụ “1234/QĐ-UBND”."))
    issued_on = forms.DateField(
        label=_("Ngày ban hành"),
        widget=DateInput(),
        help_text=_("Giấy chứng nhận có giá trị 36 tháng kể từ ngày này."),
    )
    signer = forms.CharField(label=_("Người ký"), max_length=120, help_text=_("Họ tên người ký quyết định."))
    authority = forms.CharField(label=_("Cơ quan ban hành"), max_length=200)
    results = forms.TypedMultipleChoiceField(
        label=_("Sản phẩm được công nhận"), coerce=int, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, results=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.result_rows = list(results)
        self.fields["results"].choices = [(r.pk, str(r.pk)) for r in self.result_rows]
        self.fields["issued_on"].initial = timezone.localdate()


class RevocationForm(OfficerForm):
    ground = forms.ChoiceField(
        label=_("Căn cứ thu hồi (Điều 8 khoản 1)"), choices=RevocationGround.choices, widget=forms.RadioSelect
    )
    concluded_on = forms.DateField(
        label=_("Ngày có kết luận của cơ quan có thẩm quyền"),
        widget=DateInput(),
        required=False,
        help_text=_("Quyết định thu hồi ban hành trong 15 ngày kể từ ngày này (Điều 8 khoản 4)."),
    )
    revoked_on = forms.DateField(label=_("Ngày thu hồi"), widget=DateInput())
    decision_number = forms.CharField(label=_("Số quyết định thu hồi"), max_length=60)
    authority = forms.CharField(label=_("Cơ quan thu hồi"), max_length=200)
    signer = forms.CharField(label=_("Người ký"), max_length=120, required=False)
    reason = forms.CharField(label=_("Lý do chi tiết"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    producer_notified_on = forms.DateField(
        label=_("Ngày gửi quyết định cho chủ thể (bằng văn bản)"),
        widget=DateInput(),
        required=False,
        help_text=_("Nếu chủ thể có thư điện tử, hệ thống gửi thông báo và ghi ngày gửi."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ground"].widget.attrs["class"] = "form-check-input"
        self.fields["revoked_on"].initial = timezone.localdate()

    def clean(self):
        data = super().clean()
        if data.get("concluded_on") and data.get("revoked_on") and data["concluded_on"] > data["revoked_on"]:
            self.add_error("concluded_on", _("Ngày có kết luận phải trước hoặc bằng ngày thu hồi."))
        return data


# -- per-criterion rows read from POST ---------------------------------------------------------------------------
def read_sheet_choices(post, sheet: dict) -> dict:
    """Score sheet POST → {criterion id: (option id | NOT_APPLICABLE | None, comment)}."""
    result = {}
    for criterion_id in sheet["criteria_by_id"]:
        value = post.get(f"c{criterion_id}", "")
        if value not in ("", NOT_APPLICABLE):
            try:
                value = int(value)
            except ValueError:
                value = ""
        result[criterion_id] = (value or None, post.get(f"comment{criterion_id}", "")[:4000])
    return result


def read_self_assessment(post, sheet: dict) -> dict:
    """Self-assessment POST → {criterion id: (option id | None, evidence)}."""
    result = {}
    for criterion_id in sheet["criteria_by_id"]:
        value = post.get(f"s{criterion_id}", "")
        try:
            option_id = int(value) if value else None
        except ValueError:
            option_id = None
        result[criterion_id] = (option_id, post.get(f"evidence{criterion_id}", "").strip()[:4000])
    return result


def communes_of(unit: AdminUnit):
    """Current communes an officer of ``unit`` may place a producer in."""
    if unit.level == Level.COMMUNE:
        return AdminUnit.objects.filter(pk=unit.pk)
    return unit.successors.filter(level=Level.COMMUNE).order_by("name")
