"""Walk every URL pattern of the project, as anonymous and as each role of another unit: nothing private leaks.

Unit A (province 81) holds the private objects: a draft dossier, a submitted one with a private attachment, a dossier
in A's round with member score sheets (draft and submitted, with comments), a non-recognised result in a draft
decision, and the round itself. It also holds one recognised, certified product, which is public.

Everything private is created after every table's id sequence has been moved past a round million (``private_from``,
above every id in use): any number in a URL at or above it names a private object of A, so a walked URL that carries one must be refused (404, 403, 405 or a
redirect to a login page) for every actor here. Every body, whatever its status, must be free of the private markers
(unique strings in the product names, score comments, the attachment's name and content, the round and decision).

The actors are the anonymous visitor, a user with no role, and each role of province B: commune officer, district
officer (a legacy district of B's area), province office, and the chair, a member, the secretary and the adviser of
B's council. National roles (central office, administrator) see every unit's dossiers by design (see
``evaluations/permissions.py``: ``is_national``; the per-action matrix is tests/evaluations/test_permissions_workflow_matrix.py):
the central office is walked too, with the one expectation that holds for it: no member's score sheet.
"""

from __future__ import annotations

import datetime
import io
import itertools
import re
import zipfile

import pytest
from django.apps import apps
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from drf_spectacular.generators import SchemaGenerator

from evaluations.models import (
    AdvisoryFinding,
    AttachmentKind,
    Decision,
    DecisionItem,
    Dossier,
    DossierAttachment,
    EvaluationResult,
    MemberChoice,
    MemberScoreSheet,
    Round,
    RuleVersion,
)
from evaluations.services.certificates import record_certificate
from tests.evaluations.workflow_helpers import (
    PDF_BYTES,
    Province,
    as_user,
    make_product,
    scoring_round,
    sheet_data_for,
    unit,
    user,
)
from tests.sheet_fixtures import loaded_sheets  # noqa: F401

pytestmark = pytest.mark.django_db


# Unique strings that only private objects carry. Searches below send only a prefix of them, so an echoed query
# cannot be mistaken for a leak.
MARKERS = {
    "draft product": "Zqxnhapbimat71",
    "submitted product": "Zqxdanopbimat72",
    "in-round product": "Zqxdangchambimat73",
    "non-recognised product": "Zqxkhongdatbimat74",
    "score comment (submitted)": "Zqxnhanxetnopbimat75",
    "score comment (draft)": "Zqxnhanxetnhapbimat76",
    "attachment name": "zqxtepbimat77",
    "attachment content": "Zqxnoidungtepbimat78",
    "round name": "Zqxdotbimat79",
    "draft decision": "Zqxquyetdinhbimat80",
    "advisory finding": "Zqxykienbimat81",
}
SEARCH_PREFIX = "Zqx"

REFUSED = {403, 404, 405}
LOGIN_PATHS = ("/accounts/login/", "/admin/login/")

# Patterns not walked, each with its reason. Everything else must be exercised or the test fails.
EXCLUDED_FROM_POST = {
    # Logging out would end the actor's session half-way through the walk; it changes nothing else.
    "accounts/logout/": "ends the session being tested",
    "admin/logout/": "ends the session being tested",
}

# Patterns no request can reach, so none is walked.
UNREACHABLE = {
    # The certificate lookup accepts any character but "/" (certificate numbers contain dots), so
    # "/api/v1/certificates/<number>.json/" is taken by the detail pattern before this format-suffix twin.
    "api/v1/certificates/(?P<number>[^/]+)\\.(?P<format>[a-z0-9]+)/?$": "shadowed by the certificate detail route",
}

HEAD_ACTORS = {"anonymous", "commune_b"}  # HEAD runs the same view as GET: two actors show it refuses alike
ACTORS = [
    "anonymous",
    "no_role",
    "commune_b",
    "district_b",
    "province_b",
    "chair_b",
    "member_b",
    "secretary_b",
    "adviser_b",
]


def _bump_sequences() -> int:
    """Move every table's id sequence to the next round million: objects created after this are recognisable by
    their ids (sequences are not rolled back, so the start is read from them rather than fixed)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(last_value), 0) FROM pg_sequences")
        start = (cursor.fetchone()[0] // 1_000_000 + 1) * 1_000_000
        for model in apps.get_models():
            pk = model._meta.pk
            if pk.get_internal_type() not in ("AutoField", "BigAutoField", "SmallAutoField"):
                continue
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, %s), GREATEST(%s, "
                f'(SELECT COALESCE(MAX("{pk.column}"), 0) + 1 FROM "{model._meta.db_table}")), false)',
                [model._meta.db_table, pk.column, start],
            )
    return start


@pytest.fixture
def world(loaded_sheets, settings):  # noqa: F811 - the imported fixture
    # Thousands of API requests from one address: throttling (tested elsewhere) would answer 429 instead of the view.
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min", "export": "100000/min"}
    }
    caches["throttle"].clear()
    if connection.vendor != "postgresql":
        pytest.fail("the URL walker needs PostgreSQL (make test uses it)")
    version = RuleVersion.objects.get(code="QD26_2026")
    # -- public, or belonging to B: ordinary ids ---------------------------------------------------------------------
    b = Province("82", "Tỉnh Kiểm B").build("wb")
    legacy_province = unit("legacy", "province", "84", "Tỉnh Cũ Kiểm")
    district = unit("legacy", "district", "840", "Huyện Cũ Kiểm", legacy_province)
    a_province = unit("current", "province", "81", "Tỉnh Kiểm A")
    a_commune = unit("current", "commune", "81001", "Xã Một Tỉnh Kiểm A", a_province)
    unit("current", "commune", "81002", "Xã Hai Tỉnh Kiểm A", a_province)
    issued = Decision.objects.create(
        number="9/QĐ-kiem",
        issued_on=datetime.date(2026, 6, 1),
        authority="UBND Tỉnh Kiểm A",
        level="province",
        unit=a_province,
        rule_version=version,
        status="issued",
    )
    public_product = make_product(a_commune, number=3, name="Gạo thơm công khai Kiểm A")
    certificate = record_certificate(
        product=public_product,
        number="81-2026-0099",
        stars=4,
        issued_on=datetime.date(2026, 6, 1),
        rule_version=version,
        issuing_authority="UBND Tỉnh Kiểm A",
        issuing_level="province",
        decision=issued,
    )
    actors = {
        "anonymous": None,
        "no_role": user("wb_khongvaitro"),
        "commune_b": b.commune_officer,
        "district_b": user("wb_huyen", role="district_officer", unit=district),
        "province_b": b.office,
        "chair_b": b.chair,
        "member_b": b.members[0],
        "secretary_b": b.secretary,
        "adviser_b": b.adviser,
    }
    # -- private objects of A: ids from PRIVATE_FROM on -------------------------------------------------------------
    private_from = _bump_sequences()
    a = Province("81", "Tỉnh Kiểm A").build("wa")  # units exist already; officers and council are new

    def dossier(status, marker, **extra):
        product = make_product(a.commune, number=1, name=f"Sản phẩm {MARKERS[marker]}")
        return Dossier.objects.create(
            product=product,
            rule_version=version,
            intake_unit=a.commune,
            status=status,
            registration={"representative_name": "An", "address": "Thôn", "phone": "09"},
            sample_count=5,
            **extra,
        )

    draft = dossier("draft", "draft product")
    submitted = dossier(
        "submitted", "submitted product", submitted_at=datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    )
    attachment = DossierAttachment(
        dossier=submitted,
        kind=AttachmentKind.LICENCE,
        original_name=f"{MARKERS['attachment name']}.pdf",
        content_type="application/pdf",
    )
    content = PDF_BYTES + f"% {MARKERS['attachment content']}\n".encode()
    attachment.size, attachment.sha256 = len(content), "0" * 64
    attachment.file.save(f"{MARKERS['attachment name']}.pdf", io.BytesIO(content), save=True)
    round_ = scoring_round(a, f"Đợt {MARKERS['round name']}", rule_version=version)
    in_round = dossier("in_round", "in-round product", round=round_, stage_level="province")
    sheet = sheet_data_for(in_round.product)
    criterion_id, criterion = next(iter(sheet["criteria_by_id"].items()))
    for member, status, marker in (
        (a.chair, "submitted", "score comment (submitted)"),
        (a.members[0], "draft", "score comment (draft)"),
    ):
        member_sheet = MemberScoreSheet.objects.create(
            dossier=in_round,
            round=round_,
            member=member,
            status=status,
            total=41 if status == "submitted" else None,
            submitted_at=datetime.datetime(2026, 11, 20, tzinfo=datetime.UTC) if status == "submitted" else None,
        )
        MemberChoice.objects.create(
            sheet=member_sheet,
            criterion_id=criterion_id,
            option_id=criterion["options"][0]["id"],
            comment=MARKERS[marker],
        )
    AdvisoryFinding.objects.create(dossier=in_round, author=a.adviser, text=MARKERS["advisory finding"])
    failed = dossier("scored", "non-recognised product", round=round_, stage_level="province")
    result = EvaluationResult.objects.create(
        dossier=failed, round=round_, mean_score=41, stars=None, outcome="not_recognised", is_final=True
    )
    decision = Decision.objects.create(
        number=f"{MARKERS['draft decision']}/QĐ",
        issued_on=datetime.date(2026, 12, 1),
        authority="UBND Tỉnh Kiểm A",
        level="province",
        unit=a.province,
        rule_version=version,
        council=a.council,
    )
    private_ids = {
        "draft": draft.pk,
        "submitted": submitted.pk,
        "in_round": in_round.pk,
        "failed": failed.pk,
        "attachment": attachment.pk,
        "round": round_.pk,
        "decision": decision.pk,
        "council": a.council.pk,
        "draft product": draft.product_id,
        "failed product": failed.product_id,
        "failed producer": failed.product.producer_id,
        "member sheet": MemberScoreSheet.objects.filter(dossier=in_round).first().pk,
        "result": result.pk,
    }
    assert all(v >= private_from for v in private_ids.values()), private_ids
    public_ids = {
        "product": public_product.pk,
        "producer": public_product.producer_id,
        "certificate": certificate.pk,
        "decision": issued.pk,
        "council": b.council.pk,
        "unit": a_province.pk,
    }
    assert all(v < private_from for v in public_ids.values()), public_ids
    return {
        "actors": actors,
        "private_from": private_from,
        "private": private_ids,
        "public": public_ids,
        "attachment_path": attachment.file.name,
        "certificate_number": certificate.number,
        "product_slug": public_product.slug,
        "units": {"tinh": "81", "xa": "81001", "huyen-cu": "840"},
        "a": a,
    }


# -- URL patterns ----------------------------------------------------------------------------------------------------
def leaf_patterns(resolver=None, prefix=()):
    """Every URLPattern with the chain of patterns leading to it."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        chain = (*prefix, entry.pattern)
        if isinstance(entry, URLResolver):
            yield from leaf_patterns(entry, chain)
        elif isinstance(entry, URLPattern):
            yield chain


def route_of(chain) -> str:
    """The route as ``ResolverMatch.route`` spells it (a nested regex loses its leading caret)."""
    parts = [str(p) for p in chain]
    return parts[0] + "".join(p.removeprefix("^") for p in parts[1:])


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
# A named or plain capturing group, with at most one level of nested groups inside.
REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>(?![?])(?:[^()\\]|\\.|\((?:[^()\\]|\\.)*\))*)\)")


def candidates(name: str | None, converter: str, world) -> list[str]:
    """Values to fill a path parameter with: the private objects' ids and the public ones'."""
    ints = [str(v) for v in (*world["private"].values(), *world["public"].values())]
    named = {
        "attachment_pk": [str(world["private"]["attachment"])],
        "revision": ["1"],
        "round_pk": [str(world["private"]["round"])],
        "dossier_pk": [str(world["private"][k]) for k in ("in_round", "failed", "draft", "submitted")],
        "council_pk": [str(world["private"]["council"]), str(world["public"]["council"])],
        "slug": [world["product_slug"], "x"],
        "kind": list(world["units"]),
        "code": list(world["units"].values()),
        "fmt": ["csv", "xlsx", "json"],
        "format": ["json", "api", ".json", ".api"],
        "number": [world["certificate_number"], "1"],
        "rule_version": ["QD26_2026"],
        "section": ["pages", "products", "producers", "units"],
        "path": [world["attachment_path"], world["attachment_path"].rsplit("/", 1)[-1]],
        "app_label": [a.label for a in apps.get_app_configs()],
        # The admin refuses every non-staff account the same way whatever the object: three ids are enough.
        "object_id": [
            str(world["private"]["draft"]),
            str(world["private"]["attachment"]),
            str(world["public"]["product"]),
        ],
        "content_type_id": ["1"],
        None: [str(world["private"]["draft"]), str(world["public"]["product"])],  # the admin history's plain groups
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "url": ["khong-co/"],  # the admin's catch-all: anything no other admin pattern takes
        "id": ints,
        "pk": ints,
        "code_or_pk": ints,
    }
    if name in named:
        return named[name]
    if converter == "int":
        return ints
    return ["1", *ints[:2]]


def fill(chain, world) -> list[str]:
    """All URLs of a pattern chain with its parameters filled from ``candidates``; only those that resolve back to
    the same pattern are kept."""
    pieces = []
    for pattern in chain:
        text = str(pattern)
        options = []
        if hasattr(pattern, "converters") and "<" in text and "(?P<" not in text:
            params = list(ROUTE_PARAM.finditer(text))
            per_param = []
            for m in params:
                converter = pattern.converters[m["name"]]
                values = candidates(m["name"], m["converter"] or "str", world)
                per_param.append([v for v in values if re.fullmatch(converter.regex, v)] or values)
            for values in itertools.product(*per_param):
                out, last = [], 0
                for m, value in zip(params, values, strict=True):
                    out.append(text[last : m.start()])
                    out.append(value)
                    last = m.end()
                out.append(text[last:])
                options.append("".join(out))
        else:
            groups = list(REGEX_GROUP.finditer(text))
            per_group = []
            for m in groups:
                body = re.compile(m["body"])
                values = [v for v in candidates(m["name"], "int", world) if body.fullmatch(v)]
                per_group.append(values or ["1"])
            for values in itertools.product(*per_group):
                out, last = [], 0
                for m, value in zip(groups, values, strict=True):
                    out.append(text[last : m.start()])
                    out.append(value)
                    last = m.end()
                out.append(text[last:])
                filled = "".join(out)
                filled = re.sub(r"^\^|\$$|\\Z$", "", filled).replace("\\.", ".").replace("/?", "/")
                options.append(filled)
        pieces.append(options)
    route = route_of(chain)
    urls = []
    for parts in itertools.product(*pieces):
        url = "/" + "".join(parts)
        try:
            match = resolve(url)
        except Resolver404:
            continue
        if match.route == route:
            urls.append(url)
    return sorted(set(urls))


# -- checking responses ----------------------------------------------------------------------------------------------
def body_of(response) -> bytes:
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data[:4] == b"PK\x03\x04":  # xlsx/docx/zip exports: look inside
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            data = b"".join(archive.read(name) for name in archive.namelist())
    return data


def leaks(data: bytes) -> list[str]:
    return [label for label, marker in MARKERS.items() if marker.encode() in data]


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and response["Location"].split("?")[0].endswith(LOGIN_PATHS)


def carries_private_id(url: str, world) -> bool:
    return any(int(n) >= world["private_from"] for n in re.findall(r"\d+", url))


def client_for(account) -> Client:
    return Client() if account is None else as_user(account)


def all_chains():
    return list(leaf_patterns())


def walked_patterns(world) -> dict[str, list[str]]:
    """Route → the filled URLs that resolve back to it, for every pattern of the project."""
    walked = {}
    for chain in all_chains():
        urls = fill(chain, world)
        if urls:
            walked[route_of(chain)] = urls
    return walked


# Searches over the public and officer lists, sending only a prefix of the markers.
SEARCH_URLS = [
    f"/san-pham/?q={SEARCH_PREFIX}",
    f"/api/v1/products/?q={SEARCH_PREFIX}",
    f"/api/v1/producers/?q={SEARCH_PREFIX}",
    f"/can-bo/ho-so/?q={SEARCH_PREFIX}",
    "/api/v1/officer/certificates/?days=3650",
]


def walk(client, name, urls, world, methods=("get",)) -> tuple[list[str], int]:
    """Request each URL; return the problems found (server errors, markers in a body, private objects served)."""
    problems, requests = [], 0
    for url in urls:
        for method in methods:
            response = getattr(client, method)(url)
            requests += 1
            code = response.status_code
            if code >= 500:
                problems.append(f"{name} {method.upper()} {url}: {code}")
                continue
            # A marker the URL itself carries (the media pattern is filled with the attachment's stored name) may
            # come back in a 404 page that repeats the address asked for: that is the visitor's own input.
            found = (
                [label for label in leaks(body_of(response)) if MARKERS[label] not in url] if method == "get" else []
            )
            if found:
                problems.append(f"{name} GET {url}: {code} shows {found}")
            if carries_private_id(url, world) and not (code in REFUSED or is_login_redirect(response)):
                problems.append(f"{name} {method.upper()} {url}: {code} (a private object of A)")
    return problems, requests


def test_every_pattern_is_walked_and_nothing_private_is_readable(world, capsys):
    chains = all_chains()
    walked = walked_patterns(world)
    not_walked = [route_of(c) for c in chains if route_of(c) not in walked and route_of(c) not in UNREACHABLE]
    assert not not_walked, f"patterns the walker could not fill: {not_walked}"
    # Every endpoint of the published API schema is among the walked patterns.
    schema_paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    missing = [p for p in schema_paths if resolve(re.sub(r"\{[^}]+\}", "1", p)).route not in walked]
    assert not missing and len(schema_paths) >= 14, missing
    urls = [url for route_urls in walked.values() for url in route_urls] + SEARCH_URLS
    problems, requests = [], 0
    for name in ACTORS:
        methods = ("get", "head") if name in HEAD_ACTORS else ("get",)
        found, count = walk(client_for(world["actors"][name]), name, urls, world, methods)
        problems += found
        requests += count
    with capsys.disabled():
        print(f"\nURL walker: {len(walked)} of {len(chains)} patterns ({len(UNREACHABLE)} unreachable), "
              f"{len(urls)} URLs, {len(ACTORS)} actors, {requests} GET/HEAD requests")  # fmt: skip
    assert not problems, "\n".join(problems[:80])
    # The walk did reach the officer area, the admin and the API (a sanity floor, far below the real count).
    assert len(walked) >= 300
    for route in ("can-bo/ho-so/<int:pk>/", "api/v1/", "admin/", "api/v1/officer/certificates/"):
        assert any(r.startswith(route) for r in walked), route


def test_the_walker_does_report_a_leak(world):
    """Walked the same way, A's own commune officer and A's chair trip the checks: they see A's private objects."""
    walked = walked_patterns(world)
    urls = [url for route, route_urls in walked.items() if route.startswith("can-bo/") for url in route_urls]
    problems, _count = walk(as_user(world["a"].commune_officer), "commune_a", urls, world)
    assert any("shows ['draft product'" in p for p in problems), problems[:5]
    assert any(f"/can-bo/ho-so/{world['private']['draft']}/: 200 (a private object of A)" in p for p in problems)
    problems, _count = walk(as_user(world["a"].chair), "chair_a", urls, world)
    assert any("score comment (submitted)" in p for p in problems), problems[:5]


def test_the_public_product_is_reachable_so_the_walker_can_tell(world):
    """The filled URLs do reach public objects: a visitor sees the certified product and its certificate."""
    client = Client()
    product = client.get(f"/san-pham/{world['public']['product']}/{world['product_slug']}/", follow=True)
    assert product.status_code == 200 and "Gạo thơm công khai Kiểm A" in product.content.decode()
    verify = client.get(f"/verify/{world['certificate_number']}/")
    assert verify.status_code == 200 and world["certificate_number"] in verify.content.decode()
    # And A's own commune officer does see the draft: the markers are real text on real pages.
    own = as_user(world["a"].commune_officer).get(f"/can-bo/ho-so/{world['private']['draft']}/")
    assert own.status_code == 200 and MARKERS["draft product"] in own.content.decode()


def fingerprint() -> list:
    """What the private objects look like in the database: any refused POST must leave it unchanged."""
    from evaluations.models import AuditEntry

    return [
        list(Dossier.objects.order_by("pk").values_list("pk", "status", "round_id", "return_reason")),
        list(MemberScoreSheet.objects.order_by("pk").values_list("pk", "status", "total", "updated_at")),
        list(MemberChoice.objects.order_by("pk").values_list("pk", "option_id", "comment")),
        list(EvaluationResult.objects.order_by("pk").values_list("pk", "outcome", "is_final", "computed_at")),
        list(Decision.objects.order_by("pk").values_list("pk", "status", "number")),
        list(DecisionItem.objects.order_by("pk").values_list("pk", "decision_id", "result_id")),
        list(Round.objects.order_by("pk").values_list("pk", "status", "name")),
        list(DossierAttachment.objects.order_by("pk").values_list("pk", "dossier_id", "original_name")),
        AuditEntry.objects.count(),
    ]


POST_BODY = {
    "action": "submit",
    "status": "scoring",
    "reason": "Thử",
    "return-reason": "Thử",
    "recusal_reason": "Thử",
    "text": "Thử",
    "confirm": "on",
    "number": "1/QĐ",
}


def test_state_changing_requests_of_other_units_are_refused_and_change_nothing(world, capsys):
    """POST to every officer, admin and API pattern that names a private object (and to the lists and creation
    pages of the officer area), as every actor: refused, and the private objects are as they were."""
    private = world["private"]
    body = POST_BODY | {"dossiers": [private["in_round"], private["submitted"]], "product": private["draft product"]}
    before = fingerprint()
    problems, requests, routes = [], 0, set()
    for chain in all_chains():
        route = route_of(chain)
        if route in EXCLUDED_FROM_POST:
            continue
        targets = [u for u in fill(chain, world) if carries_private_id(u, world)]
        if not targets:
            continue
        routes.add(route)
        for name in ACTORS:
            client = client_for(world["actors"][name])
            for url in targets:
                response = client.post(url, body)
                requests += 1
                if not (response.status_code in REFUSED or is_login_redirect(response)):
                    problems.append(f"{name} POST {url}: {response.status_code}")
    after = fingerprint()
    with capsys.disabled():
        print(f"\nURL walker (POST): {len(routes)} patterns naming private objects, {requests} requests")
    assert not problems, "\n".join(problems[:80])
    assert after == before
    assert len(routes) >= 40


def test_the_central_office_sees_forwarded_work_but_never_a_members_score_sheet(world):
    """National roles see every unit's dossiers by design (``permissions.is_national``), not the members' sheets:
    those belong to the council (chair, members who submitted, secretary) and the round's office."""
    walked = walked_patterns(world)
    urls = [url for route_urls in walked.values() for url in route_urls] + SEARCH_URLS
    central = user("wc_trunguong", role="central_office")
    client = as_user(central)
    sheet_markers = {"score comment (submitted)", "score comment (draft)"}
    problems = []
    for url in urls:
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"central GET {url}: {response.status_code}")
        elif found := sheet_markers & set(leaks(body_of(response))):
            problems.append(f"central GET {url}: {response.status_code} shows {sorted(found)}")
    assert not problems, "\n".join(problems[:40])
    # The walk did show the central office A's forwarded work (so the check above saw real pages).
    page = client.get(f"/can-bo/ho-so/{world['private']['in_round']}/")
    assert page.status_code == 200 and MARKERS["in-round product"] in page.content.decode()
