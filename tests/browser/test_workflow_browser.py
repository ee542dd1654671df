"""The workflow in a real browser (Debian's Chromium through Playwright, against the live server):
an officer enters and submits a dossier, a member scores it, a secretary issues the decision and downloads the
certificate PDF. Screenshots of each screen land in ``screenshots/`` for people to look at.
"""

import re

import pytest

from evaluations.models import Certificate, Dossier, EvaluationResult, MemberScoreSheet, RuleVersion
from tests.evaluations.workflow_helpers import (
    PDF_BYTES,
    Province,
    make_product,
    options_for_total,
    scoring_round,
    sheet_data_for,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
PASSWORD = "Mat-khau-canbo-2026"


@pytest.fixture
def world():
    from evaluations.sheet_loader import load_files
    from tests.public_fixtures import ensure_reference_data

    ensure_reference_data()  # transactional tests start from a flushed database
    load_files()
    p = Province("21", "Tỉnh Trình Duyệt").build("td")
    for account in (p.commune_officer, p.office, p.chair, *p.members, p.secretary):
        account.set_password(PASSWORD)
        account.save()
    return p


def login(page, live_server, account):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def watch(page):
    """Fail on CSP violations and script errors (strict policy: no inline scripts or styles)."""
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and "404" not in m.text else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    # Missing resources by URL (the browser asks for /favicon.ico on its own; the portal has none).
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
        ),
    )
    page.on("dialog", lambda d: d.accept())
    return problems


def test_officer_enters_and_submits_a_dossier(live_server, desktop_page, world, screenshot_dir, tmp_path):
    p = world
    product = make_product(p.commune, number=3, name="Gạo nếp cái hoa vàng Trình Duyệt")
    page = desktop_page
    problems = watch(page)
    login(page, live_server, p.commune_officer)
    page.goto(f"{live_server.url}/can-bo/ho-so/moi/")
    page.screenshot(path=str(screenshot_dir / "workflow-01-new-dossier.png"), full_page=True)
    page.select_option("#id_product", str(product.pk))
    page.check("input[name=kind][value=first]")
    page.click("text=Tạo hồ sơ nháp")
    # Mẫu 01
    page.wait_for_url(re.compile(r"/phieu-dang-ky/$"))
    page.fill("#id_representative_name", "Nguyễn Thị Lúa")
    page.fill("#id_address", "Thôn Đông, xã Một")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_sample_count", "5")
    page.screenshot(path=str(screenshot_dir / "workflow-02-registration.png"), full_page=True)
    page.click("text=Lưu và tiếp tục")
    # Mẫu 02: one option per criterion; the total updates as the officer chooses.
    page.wait_for_url(re.compile(r"/tu-danh-gia/$"))
    selects = page.locator("select[data-score-input]")
    for index in range(selects.count()):
        select = selects.nth(index)
        values = select.locator("option").evaluate_all("os => os.map(o => o.value).filter(Boolean)")
        select.select_option(values[-1])
    assert page.locator("[data-total-target]").first.inner_text() == "100"
    page.screenshot(path=str(screenshot_dir / "workflow-03-self-assessment.png"), full_page=True)
    page.click("text=Lưu và tiếp tục")
    # Files: licence, lab test, label.
    page.wait_for_url(re.compile(r"/tai-lieu/$"))
    pdf = tmp_path / "giay-to.pdf"
    pdf.write_bytes(PDF_BYTES)
    for kind in ("licence", "lab_test", "label"):
        page.select_option("#id_kind", kind)
        page.set_input_files("#id_file", str(pdf))
        page.click("main button:has-text('Tải lên')")
        page.wait_for_load_state()
        assert "Đã tải lên" in page.content()
    # A renamed file is refused with a clear message.
    fake = tmp_path / "anh.pdf"
    fake.write_bytes(b"<html>not a pdf</html>")
    page.set_input_files("#id_file", str(fake))
    page.click("main button:has-text('Tải lên')")
    assert "không phải tệp PDF hợp lệ" in page.content()
    page.screenshot(path=str(screenshot_dir / "workflow-04-files.png"), full_page=True)
    page.click("text=Xong, về tổng quan")
    page.screenshot(path=str(screenshot_dir / "workflow-05-checklist.png"), full_page=True)
    assert page.locator(".check-item.missing").count() == 0
    page.click("button:has-text('Nộp hồ sơ')")
    page.wait_for_load_state()
    assert "Đã nộp hồ sơ" in page.content() and "Hạn xem xét" in page.content()
    page.screenshot(path=str(screenshot_dir / "workflow-06-submitted.png"), full_page=True)
    dossier = Dossier.objects.get(product=product)
    assert dossier.status == "submitted" and dossier.attachments.count() == 3
    # The commune's review (Mẫu 03) and forwarding.
    page.click("text=Xem xét hồ sơ")
    page.check("#id_components_complete")
    for field in ("local_raw_material", "local_labour", "idea_origin", "local_identity"):
        page.fill(f"#id_{field}", "Đạt yêu cầu theo thực tế địa phương")
    page.screenshot(path=str(screenshot_dir / "workflow-07-review.png"), full_page=True)
    page.click("button[value=forward]")
    page.wait_for_load_state()
    assert "Đã chuyển hồ sơ lên hội đồng cấp tỉnh" in page.content()
    dossier.refresh_from_db()
    assert dossier.status == "forwarded"
    assert not problems, problems


def scoring_scene(p, product):
    version = RuleVersion.objects.get(code="QD26_2026")
    round_ = scoring_round(p, "Đợt 2 năm 2026", rule_version=version)
    dossier = Dossier.objects.create(
        product=product, rule_version=version, intake_unit=p.commune, status="in_round", round=round_
    )
    return round_, dossier


def test_member_scores_on_screen(live_server, desktop_page, phone_page, world, screenshot_dir):
    p = world
    product = make_product(p.commune, number=1, name="Bưởi Diễn Trình Duyệt")
    round_, dossier = scoring_scene(p, product)
    page = desktop_page
    problems = watch(page)
    login(page, live_server, p.members[0])
    page.goto(f"{live_server.url}/can-bo/")
    page.screenshot(path=str(screenshot_dir / "workflow-10-member-home.png"), full_page=True)
    page.click(f"text={product.name}")
    page.wait_for_url(re.compile(r"/cham-diem/$"))
    criteria = page.locator("[data-criterion]")
    count = criteria.count()
    assert count == len(sheet_data_for(product)["criteria_by_id"])
    # Choose the best option of every criterion: the running total climbs to 100.
    for index in range(count):
        radios = criteria.nth(index).locator("input[type=radio]:not([value='-'])")
        best = max(range(radios.count()), key=lambda i: int(radios.nth(i).get_attribute("data-points")))
        radios.nth(best).check()
    assert page.locator("[data-total-target]").first.inner_text() == "100"
    assert page.locator("[data-answered-target]").first.inner_text() == str(count)
    page.locator("textarea[name^=comment]").first.fill("Nguyên liệu 100% trong tỉnh, có hợp đồng")
    page.screenshot(path=str(screenshot_dir / "workflow-11-score-sheet.png"), full_page=True)
    page.click("button[value=save]")
    page.wait_for_load_state()
    assert "Đã lưu nháp" in page.content()
    assert MemberScoreSheet.objects.get(member=p.members[0]).status == "draft"
    page.click("button[value=submit]")
    page.wait_for_url(re.compile(r"/ket-qua/$"))
    sheet = MemberScoreSheet.objects.get(member=p.members[0])
    assert sheet.status == "submitted" and sheet.total == 100
    assert sheet.choices.filter(comment__contains="hợp đồng").exists()
    page.screenshot(path=str(screenshot_dir / "workflow-12-after-submit.png"), full_page=True)
    # On a phone the sheet stays readable: no horizontal scrolling.
    phone = phone_page
    login(phone, live_server, p.members[1])
    phone.goto(f"{live_server.url}/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/cham-diem/")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=str(screenshot_dir / "workflow-13-score-sheet-phone.png"), full_page=False)
    assert not problems, problems


def test_chair_finalises_and_secretary_issues_the_decision_and_downloads_the_certificate(
    live_server, desktop_page, world, screenshot_dir, tmp_path
):
    from evaluations.services import scoring

    p = world
    product = make_product(p.commune, number=1, name="Rau mầm Trình Duyệt")
    round_, dossier = scoring_scene(p, product)
    sheet = sheet_data_for(product)
    for member, total in zip(p.scorers, (80, 82, 79, 81, 83), strict=True):
        scoring.save_sheet(
            actor=member,
            dossier=dossier,
            round_=round_,
            sheet_data=sheet,
            choices={cid: (oid, "") for cid, oid in options_for_total(sheet, total).items()},
            submit=True,
        )
    page = desktop_page
    problems = watch(page)
    login(page, live_server, p.chair)
    page.goto(f"{live_server.url}/can-bo/dot-danh-gia/{round_.pk}/ho-so/{dossier.pk}/ket-qua/")
    assert "81,00" in page.content()
    page.screenshot(path=str(screenshot_dir / "workflow-20-result.png"), full_page=True)
    page.click("button:has-text('Chốt kết quả')")
    page.wait_for_load_state()
    assert EvaluationResult.objects.get(dossier=dossier).is_final
    page.context.clear_cookies()
    login(page, live_server, p.secretary)
    page.goto(f"{live_server.url}/can-bo/quyet-dinh/")
    page.screenshot(path=str(screenshot_dir / "workflow-21-decisions.png"), full_page=True)
    page.click("text=Dự thảo quyết định")
    page.fill("#id_number", "321/QĐ-UBND")
    page.fill("#id_signer", "Lê Văn Ký")
    page.screenshot(path=str(screenshot_dir / "workflow-22-decision-draft.png"), full_page=True)
    page.click("button:has-text('Lưu dự thảo')")
    page.wait_for_load_state()
    page.screenshot(path=str(screenshot_dir / "workflow-23-decision-to-issue.png"), full_page=True)
    page.click("button:has-text('Ban hành và cấp giấy chứng nhận')")
    page.wait_for_load_state()
    assert "Đã ban hành quyết định" in page.content()
    certificate = Certificate.objects.get(product=product)
    page.screenshot(path=str(screenshot_dir / "workflow-24-decision-issued.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("text=Tải bản in (PDF)")
    download = download_info.value
    target = tmp_path / download.suggested_filename
    download.save_as(str(target))
    assert download.suggested_filename == f"giay-chung-nhan-ocop-{certificate.number}.pdf"
    assert target.read_bytes().startswith(b"%PDF")
    (screenshot_dir / "workflow-25-certificate.pdf").write_bytes(target.read_bytes())
    assert not problems, problems
