"""The import itself: read, validate, plan against the database, then write everything in one transaction.

Keys (ADR 0010): a certificate by its number; a product by its OCOP code, else through its certificate, else by
producer + name + product set; a producer by type + registration number, else by name + commune; a decision by
authority + number. Each row's outcome is planned first (created / updated / unchanged), so a dry run reports
exactly what an import would do, and re-importing the same file writes nothing. Writes are bulk (a few queries per
thousand rows); expiry dates come from ``evaluations.rules.certificate_expiry`` (36 months), never from the sheet,
and each product's certificate chain is relinked as ``record_certificate`` does.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evaluations.models import AuditEntry, Certificate, Decision, DecisionItem
from evaluations.rules import certificate_expiry
from ocop_portal.text import vn_slugify
from products.models import Producer, Product

from .reader import ReadError, read_file
from .resolve import Resolver, fold
from .validate import RowResult, validate

BATCH = 2000
UPDATE_BATCH = 200  # bulk_update writes UPDATE … CASE, whose cost grows with the square of the batch
CHANGE_REASON = "Nhập từ tệp"

__all__ = ["ImportReport", "ReadError", "import_records"]


@dataclass
class ImportReport:
    filename: str
    rows: list[RowResult] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)  # "producer.created", "certificate.updated", "rows.unchanged"…
    written: bool = False
    failure: str = ""  # set when the write failed and was rolled back
    dry_run: bool = False

    @property
    def errors(self) -> list[RowResult]:
        return [row for row in self.rows if not row.ok]

    @property
    def valid(self) -> list[RowResult]:
        return [row for row in self.rows if row.ok]

    def summary(self) -> str:
        c = self.counts
        return _(
            "%(rows)s dòng: %(created)s tạo mới, %(updated)s cập nhật, %(unchanged)s không đổi, %(bad)s dòng lỗi"
        ) % {
            "rows": len(self.rows),
            "created": c["rows.created"],
            "updated": c["rows.updated"],
            "unchanged": c["rows.unchanged"],
            "bad": len(self.errors),
        }


def import_records(
    data: bytes,
    filename: str,
    *,
    actor=None,
    dry_run: bool = False,
    valid_rows_only: bool = False,
    allowed_provinces=None,
) -> ImportReport:
    """Validate the file and, unless ``dry_run`` or any row is bad (and not ``valid_rows_only``), write it.

    Raises ``ReadError`` when the file cannot be read at all.
    """
    sheet = read_file(data, filename)
    report = ImportReport(filename=filename, dry_run=dry_run)
    resolver = Resolver()
    report.rows = validate(sheet, resolver, allowed_provinces=allowed_provinces)
    plan = Plan(report)
    plan.build()
    if dry_run or not report.valid or (report.errors and not valid_rows_only):
        return report
    try:
        with transaction.atomic():
            plan.write(actor)
    except IntegrityError as exc:
        # A conflict the plan could not foresee (e.g. a registration number already held by another producer):
        # the transaction is rolled back whole and the officer is told.
        report.failure = _("Không ghi được, cơ sở dữ liệu không thay đổi: %(error)s") % {
            "error": str(exc).split("\n")[0]
        }
        return report
    report.written = True
    return report


class Plan:
    def __init__(self, report: ImportReport):
        self.report = report
        self.producers: dict[tuple, dict] = {}  # key -> {"obj": Producer, "new": bool, "changed": set}
        self.products: dict[object, dict] = {}
        self.decisions: dict[tuple, dict] = {}
        self.certificates: dict[str, dict] = {}
        self.new_product_alias: dict[tuple, tuple] = {}
        self.code_holders: dict[str, object] = {}

    # -- planning --------------------------------------------------------------------------------------------------
    def _load(self, rows):
        numbers = [r.clean["certificate_number"] for r in rows]
        self.existing_certs = {
            c.number: c
            for c in Certificate.objects.filter(number__in=numbers).select_related("decision").only(
                "id", "number", "product_id", "stars", "issued_on", "rule_version_id", "issuing_authority",
                "issuing_level", "decision_id", "decision__number", "decision__round_id", "expires_on",
            )
        }  # fmt: skip
        codes = [r.clean["product_code"] for r in rows if r.clean["product_code"]]
        products = {p.pk: p for p in Product.objects.filter(code__in=codes)}
        cert_products = {c.product_id for c in self.existing_certs.values()} - set(products)
        products.update({p.pk: p for p in Product.objects.filter(pk__in=cert_products)})
        regs = {r.clean["registration_number"] for r in rows if r.clean["registration_number"]}
        names = {fold(r.clean["producer_name"]) for r in rows if not r.clean["registration_number"]}
        producers = {p.pk: p for p in Producer.objects.filter(registration_number__in=regs)}
        producers.update({p.pk: p for p in Producer.objects.filter(registration_number="", search_name__in=names)})
        owner_ids = {p.producer_id for p in products.values()} - set(producers)
        producers.update({p.pk: p for p in Producer.objects.filter(pk__in=owner_ids)})
        self.producer_by_id = producers
        self.producer_index = {}
        for p in producers.values():
            self.producer_index[self._producer_key(p.producer_type, p.registration_number, p.name, p.commune_id)] = p
        # Products already owned by these producers, for matching by producer + name + product set.
        products.update(
            {p.pk: p for p in Product.objects.filter(producer_id__in=list(producers)).exclude(pk__in=list(products))}
        )
        self.product_by_id = products
        self.product_by_code = {p.code: p for p in products.values() if p.code}
        self.product_by_name = {(p.producer_id, fold(p.name), p.product_set_id): p for p in products.values()}
        decision_numbers = {r.clean["decision_number"] for r in rows if r.clean["decision_number"]}
        self.existing_decisions = {
            (d.authority, d.number): d for d in Decision.objects.filter(number__in=decision_numbers)
        }

    @staticmethod
    def _producer_key(ptype, reg, name, commune_id):
        return ("reg", ptype, reg) if reg else ("name", fold(name), commune_id)

    def build(self):
        rows = [r for r in self.report.rows if r.ok]
        if not rows:
            return
        self._load(rows)
        # Oldest first, so a product's fields end up as in its newest certificate's row.
        for row in sorted(rows, key=lambda r: (r.clean["issued_on"], r.number)):
            self._plan_row(row)
        for row in self.report.rows:
            if row.ok:
                self.report.counts[f"rows.{row.outcome}"] += 1
        for kind, entries in (("producer", self.producers), ("product", self.products),
                              ("decision", self.decisions), ("certificate", self.certificates)):  # fmt: skip
            for entry in entries.values():
                if entry.get("rows") and any(r.ok for r in entry["rows"]):
                    if entry["new"]:
                        self.report.counts[f"{kind}.created"] += 1
                    elif entry["changed"]:
                        self.report.counts[f"{kind}.updated"] += 1

    def _entry(self, store, key, obj, new, row):
        entry = store.get(key)
        if entry is None:
            entry = store[key] = {"obj": obj, "new": new, "changed": set(), "before": {}, "rows": []}
        entry["rows"].append(row)
        return entry

    @staticmethod
    def _set(entry, **values):
        obj = entry["obj"]
        for name, value in values.items():
            if getattr(obj, name) != value:
                if not entry["new"]:
                    entry["before"].setdefault(name, _jsonable(getattr(obj, name)))
                    entry["changed"].add(name)
                setattr(obj, name, value)

    def _plan_row(self, row: RowResult):
        c = row.clean
        cert = self.existing_certs.get(c["certificate_number"])
        product = self.product_by_code.get(c["product_code"]) if c["product_code"] else None
        if cert is not None and product is not None and cert.product_id != product.pk:
            row.error("product_code", _("giấy chứng nhận %(number)s thuộc sản phẩm khác (mã %(code)s)") % {
                "number": cert.number, "code": self.product_by_id[cert.product_id].code or "—"})  # fmt: skip
            return
        if cert is not None:
            product = self.product_by_id[cert.product_id]
            workflow = cert.decision_id and cert.decision.round_id
            sheet = (c["stars"], c["issued_on"], c["rule_version"], c["authority"], c["issuing_level"])
            held = (cert.stars, cert.issued_on, cert.rule_version_id, cert.issuing_authority, cert.issuing_level)
            if workflow and sheet != held:
                row.error(
                    "certificate_number", _("giấy chứng nhận này do quy trình đánh giá cấp; không sửa bằng tệp nhập")
                )
                return
        dkey = (c["authority"], c["decision_number"])
        planned = self.decisions.get(dkey)
        if c["decision_number"] and planned and planned["new"] and planned["obj"].issued_on != c["issued_on"]:
            row.error("decision_date", _("quyết định %(value)s ở dòng %(row)s có ngày khác") % {
                "value": c["decision_number"], "row": planned["rows"][0].number})  # fmt: skip
            return
        if product is not None and c["product_code"] is None and product.code:
            c["product_code"] = product.code  # an empty cell keeps the code already issued

        # Producer: the product's own producer when the row still names it, else by key.
        key = self._producer_key(c["producer_type"], c["registration_number"], c["producer_name"], c["commune"])
        producer = None
        if product is not None:
            owner = self.product_by_id.get(product.pk) and self.producer_by_id.get(product.producer_id)
            if (
                owner is not None
                and fold(owner.name) == fold(c["producer_name"])
                and owner.registration_number in ("", c["registration_number"])
            ):
                producer = owner
                key = ("id", owner.pk)
        if key in self.producers:
            p_entry = self._entry(self.producers, key, None, False, row)
        else:
            producer = producer or self.producer_index.get(key)
            if producer is None:
                producer = Producer(name=c["producer_name"], producer_type=c["producer_type"],
                                    registration_number=c["registration_number"], commune_id=c["commune"],
                                    legacy_district_id=c["legacy_district"])  # fmt: skip
                p_entry = self._entry(self.producers, key, producer, True, row)
            else:
                p_entry = self._entry(self.producers, key, producer, False, row)
        producer = p_entry["obj"]
        self._set(p_entry, name=c["producer_name"], producer_type=c["producer_type"])
        if c["registration_number"]:
            self._set(p_entry, registration_number=c["registration_number"])

        # Product.
        if product is None and not p_entry["new"]:
            product = self.product_by_name.get((producer.pk, fold(c["product_name"]), c["product_set"]))
        if product is not None:
            pkey = product.pk
        elif c["product_code"]:
            pkey = ("code", c["product_code"])
        else:
            pkey = ("new", key, fold(c["product_name"]), c["product_set"])
            pkey = self.new_product_alias.get(pkey, pkey)
        if c["product_code"] and self.code_holders.setdefault(c["product_code"], pkey) != pkey:
            row.error("product_code", _("mã “%(value)s” đã thuộc sản phẩm khác") % {"value": c["product_code"]})
            self._forget(row)
            return
        if pkey in self.products:
            entry = self._entry(self.products, pkey, None, False, row)
        elif product is not None:
            entry = self._entry(self.products, pkey, product, False, row)
        else:
            entry = self._entry(self.products, pkey, Product(), True, row)
        entry["producer_entry"] = p_entry
        values = dict(name=c["product_name"], product_set_id=c["product_set"], commune_id=c["commune"],
                      legacy_district_id=c["legacy_district"], province_id=c["province"], code=c["product_code"])  # fmt: skip
        if not p_entry["new"]:
            values["producer_id"] = producer.pk
        self._set(entry, **values)
        if isinstance(pkey, tuple):
            self.new_product_alias[("new", key, fold(c["product_name"]), c["product_set"])] = pkey

        # Decision.
        d_entry = None
        if c["decision_number"]:
            if cert is not None and cert.decision_id and cert.decision.number == c["decision_number"]:
                d_entry = self._entry(self.decisions, ("id", cert.decision_id), cert.decision, False, row)
            else:
                dkey = (c["authority"], c["decision_number"])
                existing = self.existing_decisions.get(dkey)
                if existing is not None:
                    d_entry = self._entry(self.decisions, dkey, existing, False, row)
                elif dkey in self.decisions:
                    d_entry = self._entry(self.decisions, dkey, None, True, row)
                else:
                    d_entry = self._entry(self.decisions, dkey, Decision(
                        number=c["decision_number"], issued_on=c["issued_on"], authority=c["authority"],
                        level=c["issuing_level"], unit_id=c["province"], rule_version_id=c["rule_version"],
                        status=Decision.Status.ISSUED), True, row)  # fmt: skip

        # Certificate.
        values = dict(stars=c["stars"], issued_on=c["issued_on"], rule_version_id=c["rule_version"],
                      issuing_authority=c["authority"], issuing_level=c["issuing_level"])  # fmt: skip
        if cert is None:
            entry_c = self._entry(
                self.certificates,
                c["certificate_number"],
                Certificate(number=c["certificate_number"], is_current=False),
                True,
                row,
            )
        else:
            entry_c = self._entry(self.certificates, c["certificate_number"], cert, False, row)
        entry_c["product_entry"] = entry
        entry_c["decision_entry"] = d_entry
        if d_entry is None:
            values["decision_id"] = None
        elif not d_entry["new"]:
            values["decision_id"] = d_entry["obj"].pk
        self._set(entry_c, **values)
        if cert is not None and d_entry is not None and d_entry["new"]:
            entry_c["changed"].add("decision")

        if entry_c["new"] or entry["new"]:
            row.outcome = "created"
        elif entry_c["changed"] or entry["changed"] or p_entry["changed"]:
            row.outcome = "updated"
        else:
            row.outcome = "unchanged"

    def _forget(self, row):
        """Take a row found bad half-way out of the entries it joined (its producer entry at most)."""
        for store in (self.producers, self.products, self.decisions, self.certificates):
            for key, entry in list(store.items()):
                if row in entry["rows"]:
                    entry["rows"].remove(row)
                    if not entry["rows"] and entry["new"]:
                        del store[key]

    # -- writing ---------------------------------------------------------------------------------------------------
    def write(self, actor):
        now = timezone.now()
        user = actor if getattr(actor, "is_authenticated", False) else None
        audit = []

        def live(store):
            return [e for e in store.values() if e["rows"]]

        new_producers = [e for e in live(self.producers) if e["new"]]
        for e in new_producers:
            p = e["obj"]
            p.search_name, p.slug = fold(p.name), vn_slugify(p.name)[:250]
        created = bulk_create_with_history([e["obj"] for e in new_producers], Producer, batch_size=BATCH,
                                           default_user=user, default_change_reason=CHANGE_REASON)  # fmt: skip
        for e, obj in zip(new_producers, created, strict=True):
            e["obj"] = obj
        changed_producers = [e for e in live(self.producers) if not e["new"] and e["changed"]]
        for e in changed_producers:
            e["obj"].search_name, e["obj"].updated_at = fold(e["obj"].name), now
        if changed_producers:
            bulk_update_with_history([e["obj"] for e in changed_producers], Producer,
                                     ["name", "search_name", "producer_type", "registration_number", "updated_at"],
                                     batch_size=UPDATE_BATCH, default_user=user, default_change_reason=CHANGE_REASON)  # fmt: skip

        products = live(self.products)
        for e in products:
            p, owner = e["obj"], e["producer_entry"]["obj"]
            if p.producer_id != owner.pk:
                if not e["new"]:
                    e["before"].setdefault("producer_id", p.producer_id)
                    e["changed"].add("producer_id")
                p.producer_id = owner.pk
            if e["new"] or e["changed"]:
                p.search_name = fold(f"{p.name} {owner.name}")
                p.updated_at = now
            if e["new"]:
                p.slug = vn_slugify(p.name)[:250]
        new_products = [e for e in products if e["new"]]
        created = bulk_create_with_history([e["obj"] for e in new_products], Product, batch_size=BATCH,
                                           default_user=user, default_change_reason=CHANGE_REASON)  # fmt: skip
        for e, obj in zip(new_products, created, strict=True):
            e["obj"] = obj
        changed_products = [e for e in products if not e["new"] and e["changed"]]
        if changed_products:
            bulk_update_with_history([e["obj"] for e in changed_products], Product,
                                     ["name", "search_name", "product_set", "commune", "legacy_district", "province",
                                      "code", "producer", "updated_at"],
                                     batch_size=UPDATE_BATCH, default_user=user, default_change_reason=CHANGE_REASON)  # fmt: skip

        new_decisions = [e for e in live(self.decisions) if e["new"]]
        for e in new_decisions:
            e["obj"].issued_at = now
        Decision.objects.bulk_create([e["obj"] for e in new_decisions], batch_size=BATCH)

        certificates = live(self.certificates)
        for e in certificates:
            cert = e["obj"]
            cert.product_id = e["product_entry"]["obj"].pk
            if e["decision_entry"] is not None:
                cert.decision_id = e["decision_entry"]["obj"].pk
            cert.expires_on = certificate_expiry(cert.issued_on)
            cert.updated_at = now
        new_certs = [e["obj"] for e in certificates if e["new"]]
        # A new product with one certificate needs no relinking: it is current from the start.
        per_product = Counter(c.product_id for c in new_certs)
        fresh = {e["obj"].pk for e in products if e["new"]}
        for cert in new_certs:
            cert.is_current = cert.product_id in fresh and per_product[cert.product_id] == 1
        Certificate.objects.bulk_create(new_certs, batch_size=BATCH)
        changed_certs = [e for e in certificates if not e["new"] and e["changed"]]
        if changed_certs:
            Certificate.objects.bulk_update(
                [e["obj"] for e in changed_certs],
                ["stars", "issued_on", "expires_on", "rule_version", "issuing_authority", "issuing_level", "decision",
                 "updated_at"],
                batch_size=UPDATE_BATCH,
            )  # fmt: skip
        DecisionItem.objects.bulk_create(
            [DecisionItem(decision_id=c.decision_id, product_id=c.product_id, stars=c.stars) for c in new_certs
             if c.decision_id],
            batch_size=BATCH, ignore_conflicts=True,
        )  # fmt: skip
        touched = {c.product_id for c in new_certs if not c.is_current} | {e["obj"].product_id for e in changed_certs}
        relink_chains(touched, now, touch=touched - fresh)

        note = _("Nhập từ tệp %(name)s") % {"name": self.report.filename}
        for kind, store in (("producer", self.producers), ("product", self.products),
                            ("decision", self.decisions), ("certificate", self.certificates)):  # fmt: skip
            for e in live(store):
                if not (e["new"] or e["changed"]):
                    continue
                obj = e["obj"]
                after = _snapshot(obj, None if e["new"] else e["changed"])
                audit.append(AuditEntry(
                    actor=user, action=f"{kind}.{'imported' if e['new'] else 'import_updated'}",
                    target_type=ContentType.objects.get_for_model(type(obj)), target_id=str(obj.pk),
                    target_repr=str(obj)[:250], unit_id=e["rows"][0].clean["province"],
                    before=e["before"] or None, after=after, note=note,
                ))  # fmt: skip
        AuditEntry.objects.bulk_create(audit, batch_size=BATCH)


SNAPSHOT_FIELDS = {
    Producer: ("name", "producer_type", "registration_number", "commune_id"),
    Product: ("name", "code", "product_set_id", "commune_id", "legacy_district_id", "producer_id"),
    Decision: ("number", "issued_on", "authority", "level", "rule_version_id"),
    Certificate: ("number", "stars", "issued_on", "expires_on", "rule_version_id", "issuing_authority",
                  "issuing_level", "decision_id", "product_id"),
}  # fmt: skip


def _jsonable(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def _snapshot(obj, fields=None) -> dict:
    names = SNAPSHOT_FIELDS[type(obj)]
    if fields:
        wanted = {f if f.endswith("_id") or f in names else f + "_id" for f in fields} | set(fields)
        names = [n for n in names if n in wanted] or names
    return {n: _jsonable(getattr(obj, n)) for n in names}


def relink_chains(product_ids, now=None, touch=None) -> None:
    """``record_certificate``'s chain rule, set-based: each certificate points to the next issued, newest current."""
    if not product_ids:
        return
    now = now or timezone.now()
    product_ids = list(product_ids)
    chains = defaultdict(list)
    for start in range(0, len(product_ids), 10000):
        for pk, product_id, is_current, replaced_by in (
            Certificate.objects.filter(product_id__in=product_ids[start : start + 10000])
            .order_by("product_id", "issued_on", "pk")
            .values_list("pk", "product_id", "is_current", "replaced_by_id")
        ):
            chains[product_id].append((pk, is_current, replaced_by))
    clear, changes = [], []
    for chain in chains.values():
        newest = chain[-1][0]
        for index, (pk, is_current, replaced_by) in enumerate(chain):
            want_next = chain[index + 1][0] if index + 1 < len(chain) else None
            want_current = pk == newest
            if is_current and not want_current:
                clear.append(pk)
            if is_current != want_current or replaced_by != want_next:
                changes.append(Certificate(pk=pk, is_current=want_current, replaced_by_id=want_next))
    # Clear first: the partial unique index allows one current certificate per product at any moment.
    for start in range(0, len(clear), 10000):
        Certificate.objects.filter(pk__in=clear[start : start + 10000]).update(is_current=False)
    current = [c.pk for c in changes if c.is_current]
    for start in range(0, len(current), 10000):
        Certificate.objects.filter(pk__in=current[start : start + 10000]).update(is_current=True)
    # Small batches: an UPDATE … CASE grows with the square of its batch.
    linked = [c for c in changes if c.replaced_by_id is not None]
    Certificate.objects.bulk_update(linked, ["replaced_by"], batch_size=200)
    unlinked = [c.pk for c in changes if c.replaced_by_id is None]
    Certificate.objects.filter(pk__in=unlinked, replaced_by__isnull=False).update(replaced_by=None)
    touch = list(product_ids if touch is None else touch)
    for start in range(0, len(touch), 10000):
        Product.objects.filter(pk__in=touch[start : start + 10000]).update(updated_at=now)
