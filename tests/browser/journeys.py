"""Helpers of the user-journey browser tests: viewports, navigation through the (collapsible) main menu, logging in
through the login page, watching for script errors, screenshots."""

from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "Mat-khau-hanh-trinh-2026"
TIMEOUT = 20000  # generous: two cores shared by several test sessions


class Shots:
    """Numbered screenshots of each step in screenshots/ (ignored by git)."""

    def __init__(self, directory, journey, viewport):
        self.directory, self.journey, self.viewport, self.step = directory, journey, viewport, 0

    def __call__(self, page, name):
        self.step += 1
        page.screenshot(
            path=str(self.directory / f"journey-{self.journey}-{self.viewport}-{self.step:02d}-{name}.png"),
            full_page=True,
        )


def said(page, text):
    """The page shows a message (Django's messages are role=alert) containing ``text``."""
    expect(page.get_by_role("alert").filter(has_text=text)).to_be_visible()


def is_phone(page) -> bool:
    return page.viewport_size["width"] < 768


def open_menu(page):
    """On a phone the main menu is collapsed behind the toggler: open it the way a visitor does."""
    menu = page.locator("#nav")
    toggler = page.locator(".navbar-toggler")
    if is_phone(page):
        expect(toggler).to_be_visible()
        if toggler.get_attribute("aria-expanded") != "true":
            expect(menu).to_be_hidden()
            toggler.click()
        expect(menu).to_have_class(re.compile(r"\bshow\b"))  # the collapse animation has finished
    else:
        expect(toggler).to_be_hidden()
    expect(menu).to_be_visible()
    return menu


def nav(page, name):
    """Follow a link of the main menu by its visible name."""
    link = open_menu(page).get_by_role("link", name=name, exact=True)
    expect(link).to_be_visible()
    link.click()
    page.wait_for_load_state()


def switch_language(page, to="en"):
    open_menu(page).locator(f"button[name=language][value={to}]").click()
    expect(page.locator("html")).to_have_attribute("lang", to)


def login(page, base_url, account):
    """Through the public menu's login link and the login form, then to the officer's to-do page."""
    page.goto(base_url + "/")
    nav(page, "Đăng nhập cán bộ")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.fill("#id_username", account.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    nav(page, "Việc cần làm")
    expect(page.get_by_role("heading", name="Việc cần làm", level=1)).to_be_visible()
    name = account.get_full_name() or account.username
    expect(open_menu(page).get_by_text(name, exact=True)).to_be_visible()
    close_menu(page)


def close_menu(page):
    toggler = page.locator(".navbar-toggler")
    if is_phone(page) and toggler.get_attribute("aria-expanded") == "true":
        toggler.click()
        expect(page.locator("#nav")).to_be_hidden()


def logout(page):
    open_menu(page).get_by_role("button", name="Đăng xuất").click()
    expect(page.locator("#nav a[href='/accounts/login/']")).to_have_count(1)  # hidden in the collapsed menu


def set_passwords(*accounts):
    for account in accounts:
        account.set_password(PASSWORD)
        account.save(update_fields=["password"])


def watch(page, *expected_missing):
    """Script errors, CSP violations and failed requests; ``expected_missing``: parts of the addresses a journey
    visits on purpose that answer 4xx (an unknown certificate number, a page the user may not see yet)."""
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    # Failed loads are reported below with their address; everything else logged as an error is a problem.
    page.on(
        "console",
        lambda m: (
            problems.append(m.text) if m.type == "error" and not m.text.startswith("Failed to load resource") else None
        ),
    )
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}")
            if r.status >= 400 and not any(part in r.url for part in expected_missing)
            else None
        ),
    )
    return problems


def no_sideways_scroll(page, where):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"{where}: the page scrolls sideways by {overflow}px"


def province(code, name, prefix):
    """A province with communes, officers and a council (tests/evaluations/workflow_helpers.py), sheets loaded."""
    from django.core.cache import caches

    from evaluations.sheet_loader import load_files
    from tests.evaluations.workflow_helpers import Province
    from tests.public_fixtures import ensure_reference_data

    ensure_reference_data()  # transactional tests may start from a flushed database
    load_files()
    caches["default"].clear()
    return Province(code, name).build(prefix)


def scoring_round(p, names):
    """Dossiers filed, reviewed and forwarded by the commune, a round opened and scoring (all through the pages)."""
    from tests.evaluations.workflow_helpers import (
        assign_and_open,
        file_dossier,
        make_product,
        open_round,
        review_and_forward,
    )

    dossiers = []
    for number, name in enumerate(names, start=1):
        dossier = file_dossier(p.commune_officer, make_product(p.commune, number=number, name=name))
        review_and_forward(p.commune_officer, dossier)
        dossiers.append(dossier)
    round_ = open_round(p.office, p.council)
    assign_and_open(p.office, round_, dossiers)
    return round_, dossiers
