"""Every user journey in Debian's Chromium, each on a desktop (1280×900) and a phone (390×844, touch): the commune
officer, the province office, a council member, the chair and the secretary, and a public visitor. On the phone the
main menu is used through its toggler. Each step asserts what the user sees; screenshots land in screenshots/.

Each test builds its world once through the workflow helpers (tests/evaluations/workflow_helpers.py), then drives
only the pages the journey is about."""

import re

import pytest
from django.core.cache import caches
from playwright.sync_api import expect

from evaluations.models import Certificate, Dossier, EvaluationResult, MemberScoreSheet, Round
from evaluations.status import today
from products.models import ProducerType, Product
from tests.browser.journeys import (
    Shots,
    close_menu,
    login,
    logout,
    nav,
    no_sideways_scroll,
    province,
    said,
    scoring_round,
    set_passwords,
    switch_language,
    watch,
)
from tests.evaluations.workflow_helpers import (
    PDF_BYTES,
    file_dossier,
    make_product,
    options_for_total,
    review_and_forward,
    sheet_data_for,
    submit_sheet,
)
from tests.factories import product_set
from tests.public_fixtures import build_catalogue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_commune_officer_files_submits_forwards_and_returns(live_server, page, viewport, screenshot_dir, tmp_path):
    p = province("31", "Tỉnh Hành Trình", "ht")
    set_passwords(p.commune_officer)
    incomplete = file_dossier(p.commune_officer, make_product(p.commune, number=1, name="Mắm tôm Hành Trình"))
    shot = Shots(screenshot_dir, "officer", viewport)
    problems = watch(page)
    login(page, live_server.url, p.commune_officer)
    expect(page.get_by_role("heading", name="Hồ sơ chờ xem xét")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Mắm tôm Hành Trình"))).to_be_visible()
    shot(page, "home")

    # A new producer and product, then the dossier.
    page.get_by_role("link", name="+ Lập hồ sơ mới").click()
    page.get_by_role("link", name="+ Thêm chủ thể, sản phẩm").click()
    expect(page.get_by_role("heading", name="Thêm chủ thể và sản phẩm")).to_be_visible()
    page.fill("#id_producer-name", "HTX Nông nghiệp Hành Trình")
    page.select_option("#id_producer-producer_type", ProducerType.COOPERATIVE)
    page.fill("#id_producer-registration_number", "HT-0001")
    page.fill("#id_producer-representative_name", "Trần Văn Đường")
    page.select_option("#id_producer-commune", str(p.commune.pk))
    page.fill("#id_producer-address", "Thôn Bắc, xã Một")
    page.fill("#id_producer-phone", "0987654321")
    page.fill("#id_product-name", "Gạo tám thơm Hành Trình")
    page.select_option("#id_product-product_set", str(product_set(3).pk))
    page.fill("#id_product-description", "Gạo tám thơm trồng trên đồng xã Một")
    shot(page, "new-product")
    page.get_by_role("button", name="Lưu và lập hồ sơ").click()
    said(page, "Đã thêm sản phẩm “Gạo tám thơm Hành Trình”")
    product = Product.objects.get(name="Gạo tám thơm Hành Trình")
    expect(page.locator("#id_product")).to_have_value(str(product.pk))
    page.check("input[name=kind][value=first]")
    page.get_by_role("button", name="Tạo hồ sơ nháp").click()

    # Mẫu 01.
    expect(page).to_have_url(re.compile(r"/phieu-dang-ky/$"))
    page.fill("#id_representative_name", "Trần Văn Đường")
    page.fill("#id_address", "Thôn Bắc, xã Một")
    page.fill("#id_phone", "0987654321")
    page.fill("#id_sample_count", "5")
    shot(page, "registration")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Mẫu 02: the running total follows the choices.
    expect(page).to_have_url(re.compile(r"/tu-danh-gia/$"))
    selects = page.locator("select[data-score-input]")
    for index in range(selects.count()):
        select = selects.nth(index)
        values = select.locator("option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
        select.select_option(values[-1])
    expect(page.locator("[data-total-target]").first).to_have_text("100")
    if viewport == "phone":
        no_sideways_scroll(page, "self-assessment")
    shot(page, "self-assessment")
    page.get_by_role("button", name="Lưu và tiếp tục").click()

    # Attachments: the three required files, and a disguised file refused.
    expect(page).to_have_url(re.compile(r"/tai-lieu/$"))
    pdf = tmp_path / "giay-phep.pdf"
    pdf.write_bytes(PDF_BYTES)
    files = page.locator("main table tbody tr")
    for count, kind in enumerate(("licence", "lab_test", "label"), start=1):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(pdf))
        page.locator("main").get_by_role("button", name="Tải lên").click()
        expect(files).to_have_count(count)  # the page came back with the new file listed
        said(page, "Đã tải lên")
    for kind in ("Giấy phép, đăng ký kinh doanh", "Phiếu kết quả kiểm nghiệm", "Nhãn, mã truy xuất"):
        expect(files.filter(has_text=kind).first).to_contain_text("giay-phep.pdf")
    fake = tmp_path / "anh.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page.set_input_files("#id_file", str(fake))
    page.locator("main").get_by_role("button", name="Tải lên").click()
    expect(page.locator("main")).to_contain_text("không phải tệp PDF hợp lệ")
    if viewport == "phone":
        no_sideways_scroll(page, "files")
    shot(page, "files")

    # The checklist is complete: submit.
    page.get_by_role("link", name="Xong, về tổng quan").click()
    expect(page.locator(".check-item.missing")).to_have_count(0)
    shot(page, "checklist")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    said(page, "Đã nộp hồ sơ")
    expect(page.locator(".badge-dossier").first).to_have_text("Đã nộp, chờ xã / huyện xem xét")
    shot(page, "submitted")

    # The commune's review (Mẫu 03) and forwarding.
    page.get_by_role("link", name="Xem xét hồ sơ").click()
    expect(page.get_by_role("heading", name=re.compile("Mẫu 03"))).to_be_visible()
    page.check("#id_components_complete")
    for field in ("local_raw_material", "local_labour", "idea_origin", "local_identity"):
        page.fill(f"#id_{field}", "Đạt yêu cầu theo thực tế địa phương")
    shot(page, "review")
    page.locator("button[value=forward]").click()
    said(page, "Đã chuyển hồ sơ lên hội đồng cấp tỉnh")
    expect(page.locator(".badge-dossier").first).to_have_text("Đã chuyển hội đồng")
    assert Dossier.objects.get(product=product).status == "forwarded"

    # The other dossier goes back to the producer: a reason is required.
    nav(page, "Hồ sơ")
    table = page.locator("main")
    expect(table.get_by_text("Gạo tám thơm Hành Trình")).to_be_visible()
    table.get_by_role("link", name="Mắm tôm Hành Trình").click()
    page.get_by_role("link", name="Xem xét hồ sơ").click()
    page.get_by_role("button", name="Trả lại hồ sơ").click()
    said(page, "Hãy ghi rõ lý do trả lại")
    page.get_by_role("link", name="Xem xét hồ sơ").click()
    page.locator("textarea[name='return-reason']").fill("Thiếu phiếu kiểm nghiệm còn hạn; bổ sung nhãn mới")
    page.get_by_role("button", name="Trả lại hồ sơ").click()
    said(page, "Đã trả lại hồ sơ để bổ sung")
    expect(page.locator(".badge-dossier").first).to_have_text("Trả lại để bổ sung")
    shot(page, "returned")
    incomplete.refresh_from_db()
    assert incomplete.status == "returned"
    assert not problems, problems


def test_province_office_opens_a_round_and_assigns_dossiers(live_server, page, viewport, screenshot_dir):
    p = province("32", "Tỉnh Mở Đợt", "md")
    set_passwords(p.office)
    for number, name in ((1, "Chè shan tuyết Mở Đợt"), (2, "Mật ong bạc hà Mở Đợt")):
        review_and_forward(p.commune_officer, file_dossier(p.commune_officer, make_product(p.commune, number=number,
                                                                                           name=name)))  # fmt: skip
    shot = Shots(screenshot_dir, "office", viewport)
    problems = watch(page)
    login(page, live_server.url, p.office)
    card = page.locator(".todo-card", has_text="Hồ sơ chờ xếp đợt đánh giá")
    expect(card.locator(".display-6")).to_have_text("2")
    shot(page, "home")

    nav(page, "Đợt đánh giá")
    page.get_by_role("link", name="Mở đợt mới").first.click()
    expect(page.get_by_role("heading", name="Mở đợt đánh giá mới")).to_be_visible()
    page.select_option("#id_council", str(p.council.pk))
    page.fill("#id_name", "Đợt 2 năm 2026 Mở Đợt")
    page.fill("#id_year", "2026")
    page.fill("#id_intake_deadline", "2026-10-30")
    page.fill("#id_decision_deadline", "2026-12-30")
    shot(page, "new-round")
    page.get_by_role("button", name="Mở đợt").click()
    expect(page.get_by_role("heading", name="Đợt 2 năm 2026 Mở Đợt", level=1)).to_be_visible()
    expect(page.locator(".badge.round-open")).to_have_text("Đang nhận hồ sơ")
    expect(page.get_by_text("Chưa có hồ sơ nào trong đợt.")).to_be_visible()

    page.get_by_label("Chè shan tuyết Mở Đợt").check()
    page.get_by_label("Mật ong bạc hà Mở Đợt").check()
    shot(page, "assign")
    page.get_by_role("button", name="Xếp các hồ sơ đã chọn").click()
    rows = page.locator("table.round-table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Đang đánh giá")
    expect(rows.first).to_contain_text("0/5")
    page.get_by_role("button", name="Mở chấm điểm").click()
    expect(page.locator(".badge.round-scoring")).to_have_text("Đang chấm điểm")
    if viewport == "phone":
        no_sideways_scroll(page, "round")
    shot(page, "scoring")
    round_ = Round.objects.get(name="Đợt 2 năm 2026 Mở Đợt")
    assert round_.status == "scoring" and round_.dossiers.count() == 2
    assert not problems, problems


def test_council_member_scores_saves_submits_sees_others_and_recuses(live_server, page, viewport, screenshot_dir):
    p = province("33", "Tỉnh Chấm Điểm", "cd")
    member = p.members[0]
    set_passwords(member)
    round_, (scored, recused) = scoring_round(p, ["Bưởi đỏ Chấm Điểm", "Rượu men lá Chấm Điểm"])
    # Another member has already submitted: 70 points.
    sheet = sheet_data_for(scored.product)
    assert submit_sheet(p.members[1], round_, scored, options_for_total(sheet, 70)).status_code == 302
    result_url = f"{live_server.url}/can-bo/dot-danh-gia/{round_.pk}/ho-so/{scored.pk}/ket-qua/"
    shot = Shots(screenshot_dir, "member", viewport)
    problems = watch(page, result_url)
    login(page, live_server.url, member)
    todo = page.locator(".todo-card", has_text="Hồ sơ chờ bạn chấm điểm")
    expect(todo.get_by_role("link")).to_have_count(2)
    shot(page, "home")

    # The round: no result to see before having scored.
    nav(page, "Đợt đánh giá")
    page.get_by_role("link", name=round_.name).click()
    row = page.locator("table.round-table tbody tr", has_text="Bưởi đỏ Chấm Điểm")
    expect(row).to_contain_text("1/5")
    expect(row.get_by_role("link", name="Kết quả")).to_have_count(0)
    assert page.goto(result_url).status == 404  # the others' sheets stay hidden until one's own is in
    page.go_back()
    row.get_by_role("link", name="Chấm điểm", exact=True).click()
    expect(page.get_by_role("heading", name="Phiếu chấm điểm: Bưởi đỏ Chấm Điểm")).to_be_visible()

    # Fill the sheet: best option everywhere; the running total reaches 100.
    criteria = page.locator("[data-criterion]")
    count = criteria.count()
    assert count == len(sheet["criteria_by_id"])
    for index in range(count):
        radios = criteria.nth(index).locator("input[type=radio]")
        points = radios.evaluate_all("rs => rs.map(r => Number(r.dataset.points))")
        radios.nth(points.index(max(points))).check()
    expect(page.locator("[data-total-target]").first).to_have_text("100")
    expect(page.locator("[data-answered-target]").first).to_have_text(str(count))
    page.locator("textarea[name^=comment]").first.fill("Vùng trồng tập trung, có truy xuất nguồn gốc")
    if viewport == "phone":
        no_sideways_scroll(page, "score sheet")
        # Scrolled down, the sticky total stays in view without taking the screen.
        criteria.nth(count - 1).scroll_into_view_if_needed()
        bar = page.locator(".score-total").bounding_box()
        assert bar["y"] <= 1 and bar["height"] <= 0.15 * page.viewport_size["height"], bar
        page.screenshot(path=str(screenshot_dir / "journey-member-phone-sheet-scrolled.png"))
    shot(page, "sheet")
    page.get_by_role("button", name="Lưu nháp").click()
    said(page, "Đã lưu nháp")
    expect(page.locator("[data-total-target]").first).to_have_text("100")  # kept when the page comes back
    expect(page.locator("textarea[name^=comment]").first).to_have_value("Vùng trồng tập trung, có truy xuất nguồn gốc")
    assert MemberScoreSheet.objects.get(member=member, dossier=scored).status == "draft"
    page.get_by_role("button", name="Nộp phiếu").click()

    # After submitting: the result page with the other member's sheet.
    expect(page).to_have_url(re.compile(r"/ket-qua/$"))
    expect(page.get_by_role("heading", name="Kết quả đánh giá: Bưởi đỏ Chấm Điểm")).to_be_visible()
    sheets = page.locator("table", has_text="Thành viên").first.locator("tbody tr")
    expect(sheets.filter(has_text=p.members[1].get_full_name())).to_contain_text("70,00")
    expect(sheets.filter(has_text=member.get_full_name())).to_contain_text("100,00")
    expect(page.locator(".result-card .display-5")).to_have_text("85,00")
    if viewport == "phone":
        no_sideways_scroll(page, "result")
    shot(page, "result")

    # Recusal on the other dossier (conflict of interest), with a reason.
    nav(page, "Việc cần làm")
    page.locator(".todo-card").get_by_role("link", name=re.compile("Rượu men lá Chấm Điểm")).click()
    page.locator("textarea[name$=reason]").fill("Người thân làm việc tại cơ sở sản xuất")
    page.get_by_role("button", name="Xác nhận không tham gia").click()
    said(page, "Đã ghi nhận bạn không tham gia chấm hồ sơ này")
    row = page.locator("table.round-table tbody tr", has_text="Rượu men lá Chấm Điểm")
    expect(row).to_contain_text("không tham gia")
    shot(page, "recused")
    recusal = MemberScoreSheet.objects.get(member=member, dossier=recused)
    assert recusal.status == "recused" and "Người thân" in recusal.recusal_reason
    assert not problems, problems


def test_chair_finalises_and_secretary_issues_decision_and_certificate(
    live_server, page, viewport, screenshot_dir, tmp_path
):
    from evaluations.services import scoring

    p = province("34", "Tỉnh Quyết Định", "qd")
    set_passwords(p.chair, p.secretary)
    round_, (dossier,) = scoring_round(p, ["Rau má Quyết Định"])
    sheet = sheet_data_for(dossier.product)
    for member, total in zip(p.scorers, (80, 82, 79, 81, 83), strict=True):
        scoring.save_sheet(
            actor=member, dossier=dossier, round_=round_, sheet_data=sheet, submit=True,
            choices={cid: (oid, "") for cid, oid in options_for_total(sheet, total).items()},
        )  # fmt: skip
    shot = Shots(screenshot_dir, "decision", viewport)
    problems = watch(page)
    login(page, live_server.url, p.chair)
    waiting = page.locator(".todo-card", has_text="Kết quả chờ chủ tịch chốt")
    expect(waiting).to_contain_text("81,00")
    expect(waiting).to_contain_text("★★★★")
    waiting.get_by_role("link", name=re.compile("Rau má Quyết Định")).click()

    # The result: mean, stars and the checks the chair relies on.
    card = page.locator(".result-card")
    expect(card.locator(".display-5")).to_have_text("81,00")
    expect(card).to_contain_text("4 sao")
    expect(card).to_contain_text("tạm tính")
    flags = page.locator("ul.flags")
    expect(flags).to_contain_text("Túc số: 5/5")
    expect(flags).to_contain_text("Chênh lệch giữa các thành viên: 4 điểm")
    expect(flags.locator("li.warn")).to_have_count(0)
    if viewport == "phone":
        no_sideways_scroll(page, "result")
    shot(page, "result")
    page.get_by_role("button", name="Chốt kết quả").click()
    expect(page.locator(".result-card")).to_contain_text("đã chốt")
    assert EvaluationResult.objects.get(dossier=dossier).is_final
    logout(page)

    # The secretary drafts the decision, issues it and downloads the certificate.
    login(page, live_server.url, p.secretary)
    nav(page, "Quyết định")
    shot(page, "decisions")
    page.get_by_role("link", name="Dự thảo quyết định").click()
    expect(page.locator("main")).to_contain_text("Rau má Quyết Định")
    page.fill("#id_number", "77/QĐ-UBND")
    page.fill("#id_signer", "Phạm Văn Ký")
    shot(page, "draft")
    page.get_by_role("button", name="Lưu dự thảo").click()
    expect(page.locator("main")).to_contain_text("77/QĐ-UBND")
    page.get_by_role("button", name="Ban hành và cấp giấy chứng nhận").click()
    said(page, "Đã ban hành quyết định")
    certificate = Certificate.objects.get(product=dossier.product)
    main = page.locator("main")
    expect(main).to_contain_text(certificate.number)
    expect(main).to_contain_text("★★★★")
    if viewport == "phone":
        no_sideways_scroll(page, "decision")
    shot(page, "issued")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Tải bản in (PDF)").first.click()
    download = download_info.value
    assert download.suggested_filename == f"giay-chung-nhan-ocop-{certificate.number}.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    assert target.read_bytes().startswith(b"%PDF")
    assert certificate.stars == 4 and certificate.issued_on == today()  # the portal's (Vietnamese) calendar day
    assert not problems, problems


def test_public_visitor_searches_filters_verifies_and_switches_language(live_server, page, viewport, screenshot_dir):
    caches["default"].clear()
    build_catalogue()
    shot = Shots(screenshot_dir, "public", viewport)
    problems = watch(page, "/verify/GCN-KHONG-CO/")
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    shot(page, "home")

    # Search without accents finds the accented name.
    page.fill("#hero-q", "gom su")
    page.press("#hero-q", "Enter")
    expect(page).to_have_url(re.compile(r"/san-pham/\?q=gom"))
    results = page.locator("#results article")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Gốm sứ Bát Tràng")
    expect(results.first).to_contain_text("★★★★★")
    shot(page, "search")

    # Filters: on a phone they sit behind the "Bộ lọc" button.
    nav(page, "Sản phẩm OCOP")
    expect(results).to_have_count(5)
    if viewport == "phone":
        expect(page.locator("#stars-4")).to_be_hidden()
        page.get_by_role("button", name=re.compile("^Bộ lọc")).click()
    page.check("#stars-4")
    expect(page).to_have_url(re.compile(r"stars=4"))
    expect(results).to_have_count(2)
    expect(page.locator("#result-count")).to_contain_text("2 sản phẩm")
    if viewport == "phone":
        page.get_by_role("button", name=re.compile("^Bộ lọc")).click()
    page.select_option("#id_province", "37")
    expect(page).to_have_url(re.compile(r"province=37"))
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Cà phê rang xay Kim Sơn")
    shot(page, "filtered")

    # The product page and its certificate's verification page.
    results.first.get_by_role("link", name="Cà phê rang xay Kim Sơn").click()
    expect(page.get_by_role("heading", name="Cà phê rang xay Kim Sơn", level=1)).to_be_visible()
    expect(page.locator(".certificate-card .badge-status-valid").first).to_have_text("Còn hiệu lực")
    expect(page.locator(".certificate-card").first).to_contain_text("GCN-NEW-4")
    if viewport == "phone":
        no_sideways_scroll(page, "product")
    shot(page, "product")
    page.locator(".certificate-card a[href='/verify/GCN-NEW-4/']").first.click()
    expect(page.locator(".verify-headline")).to_contain_text("Còn hiệu lực")
    expect(page.locator("main")).to_contain_text("Cà phê rang xay Kim Sơn")
    shot(page, "verify")

    # An unknown number: a clear answer, not an error.
    page.fill("#verify-number", "GCN-KHONG-CO")
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("heading", name="Không tìm thấy giấy chứng nhận")).to_be_visible()
    expect(page.locator("main")).to_contain_text("GCN-KHONG-CO")
    shot(page, "verify-unknown")

    # Statistics, then the whole site in English.
    nav(page, "Thống kê")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Thống kê")
    expect(page.locator("#table-by-year")).to_be_visible()
    if viewport == "phone":
        no_sideways_scroll(page, "statistics")
    shot(page, "statistics")
    switch_language(page, "en")
    expect(page.get_by_role("heading", level=1)).to_contain_text("statistics")
    close_menu(page)
    nav(page, "OCOP products")
    expect(page.get_by_role("heading", name="OCOP product catalogue", level=1)).to_be_visible()
    expect(results).to_have_count(5)
    shot(page, "catalogue-en")
    assert not problems, problems
