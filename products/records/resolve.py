"""Resolving the names officers type into units, product sets, producer types and rule versions.

Everything is matched on the folded form (``ocop_portal.text.fold``: no accents, lower case) with the unit's kind
("xã", "phường", "huyện"…) optional, or on the official code. Near misses get a suggestion from difflib. Legacy
districts and communes (before 1/7/2025) are carried to the current commune through ``UnitMapping``. The lookups
are loaded once per import into dictionaries, so 20,000 rows cost a handful of queries.
"""

import difflib
import functools
import re
from collections import defaultdict

from django.utils.translation import gettext as _

from districts.models import AdminUnit, Level, Structure, UnitMapping
from evaluations import rules
from evaluations.models import RuleVersion
from ocop_portal.text import fold as _fold
from products.models import ProducerType, ProductSet, Taxonomy

# Names repeat thousands of times in a file (provinces, communes, types): fold each once.
fold = functools.lru_cache(maxsize=200_000)(_fold)

UNIT_PREFIXES = re.compile(r"^(thanh pho|tinh|tp\.?|xa|phuong|dac khu|thi tran|tt\.?|huyen|quan|thi xa|tx\.?)\s+")
PRODUCER_TYPE_ALIASES = {
    "htx": ProducerType.COOPERATIVE,
    "hop tac xa": ProducerType.COOPERATIVE,
    "tht": ProducerType.COOPERATIVE_GROUP,
    "to hop tac": ProducerType.COOPERATIVE_GROUP,
    "doanh nghiep": ProducerType.ENTERPRISE,
    "cong ty": ProducerType.ENTERPRISE,
    "dn": ProducerType.ENTERPRISE,
    "trang trai": ProducerType.FARM,
    "ho san xuat": ProducerType.HOUSEHOLD,
    "ho kinh doanh": ProducerType.HOUSEHOLD,
    "ho gia dinh": ProducerType.HOUSEHOLD,
    "hkd": ProducerType.HOUSEHOLD,
    "hoi": ProducerType.ASSOCIATION,
    "hiep hoi": ProducerType.FEDERATION,
    "trung tam dieu hanh": ProducerType.OPERATING_CENTRE,
}
LEVEL_ALIASES = {
    "tinh": "province", "cap tinh": "province", "province": "province", "thanh pho": "province",
    "trung uong": "central", "cap trung uong": "central", "central": "central", "tw": "central",
    "huyen": "district", "cap huyen": "district", "district": "district",
}  # fmt: skip


UNIT_KIND = re.compile(r"^(thành phố|tỉnh|xã|phường|đặc khu|thị trấn|huyện|quận|thị xã)\s+")


def _exact(name: str) -> str:
    return " ".join(name.casefold().split())


def _new_index():
    return {"code": {}, "exact": defaultdict(list), "name": defaultdict(list), "display": {}}


def _index_name(index, pk, code, name):
    index["code"][code] = pk
    for key, store in ((_exact(name), "exact"), (_exact(UNIT_KIND.sub("", _exact(name))), "exact"),
                       (fold(name), "name"), (bare(name), "name")):  # fmt: skip
        if pk not in index[store][key]:
            index[store][key].append(pk)
    index["display"][bare(name)] = name


class Unresolved(Exception):
    """A value that matches nothing; the message (Vietnamese) says what was looked for and suggests a near miss."""


@functools.lru_cache(maxsize=200_000)
def bare(name: str) -> str:
    """Folded name without the unit's kind: "Xã Phú Nghĩa" -> "phu nghia"."""
    return UNIT_PREFIXES.sub("", fold(name))


def suggest(text: str, names: dict[str, str]) -> str:
    """' — có phải 'Phú Nghĩa'?' for the closest name (names: bare form -> display name), or ''."""
    close = difflib.get_close_matches(bare(text), list(names), n=1, cutoff=0.75)
    if not close:
        return ""
    return _(" — có phải “%(name)s”?") % {"name": names[close[0]]}


class Resolver:
    def __init__(self):
        self._units = None
        self._legacy = None
        self._sets = None
        self._rule_versions = None

    # -- units ---------------------------------------------------------------------------------------------------
    def _load_units(self):
        provinces, by_province_code = {}, {}
        communes = defaultdict(_new_index)
        legacy_provinces = {}
        rows = AdminUnit.objects.filter(
            structure=Structure.CURRENT, level__in=[Level.PROVINCE, Level.COMMUNE]
        ).values_list("id", "level", "code", "name", "parent_id")
        names, codes = {}, {}
        for pk, level, code, name, parent_id in rows:
            names[pk], codes[pk] = name, code
            if level == Level.PROVINCE:
                by_province_code[code] = pk
                provinces[bare(name)] = pk
                provinces[fold(name)] = pk
            else:
                _index_name(communes[parent_id], pk, code, name)
        for name, successor in AdminUnit.objects.filter(
            structure=Structure.LEGACY, level=Level.PROVINCE, successor_province__isnull=False
        ).values_list("name", "successor_province_id"):
            legacy_provinces.setdefault(bare(name), successor)
        self._units = {
            "provinces": provinces,
            "province_codes": by_province_code,
            "legacy_provinces": legacy_provinces,
            "communes": communes,
            "names": names,
            "codes": codes,
            "province_display": {bare(names[pk]): names[pk] for pk in by_province_code.values()},
        }

    def _load_legacy(self):
        districts = defaultdict(_new_index)
        legacy_communes = defaultdict(_new_index)
        names = {}
        for pk, level, code, name, parent_id, successor in AdminUnit.objects.filter(
            structure=Structure.LEGACY, level__in=[Level.DISTRICT, Level.COMMUNE]
        ).values_list("id", "level", "code", "name", "parent_id", "successor_province_id"):
            names[pk] = name
            _index_name(districts[successor] if level == Level.DISTRICT else legacy_communes[parent_id], pk, code, name)
        successors = defaultdict(list)
        for legacy_id, current_id in UnitMapping.objects.filter(
            legacy__level__in=[Level.DISTRICT, Level.COMMUNE]
        ).values_list("legacy_id", "current_id"):
            successors[legacy_id].append(current_id)
        self._legacy = {"districts": districts, "communes": legacy_communes, "names": names, "successors": successors}

    @property
    def units(self):
        if self._units is None:
            self._load_units()
        return self._units

    @property
    def legacy(self):
        if self._legacy is None:
            self._load_legacy()
        return self._legacy

    def unit_name(self, pk) -> str:
        return self.units["names"].get(pk) or self.legacy["names"].get(pk, "")

    def province(self, text: str) -> int:
        units = self.units
        if text.isdigit() and text.zfill(2) in units["province_codes"]:
            return units["province_codes"][text.zfill(2)]
        key = fold(text)
        found = units["provinces"].get(key) or units["provinces"].get(bare(text))
        if found:
            return found
        # An old province name (before 1/7/2025) stands for the province that took it over.
        found = units["legacy_provinces"].get(bare(text))
        if found:
            return found
        raise Unresolved(
            _("không tìm thấy tỉnh “%(value)s”") % {"value": text} + suggest(text, units["province_display"])
        )

    @staticmethod
    def _find(index, text):
        """Ids matching ``text``: by code, else the exact name (accents count), else folded, else without the kind."""
        if text.isdigit():
            pk = index["code"].get(text.zfill(5)) or index["code"].get(text.zfill(3))
            return [pk] if pk else []
        exact = _exact(text)
        for key in (exact, _exact(UNIT_KIND.sub("", exact))):
            if key in index["exact"]:
                return index["exact"][key]
        return index["name"].get(fold(text)) or index["name"].get(bare(text)) or []

    def legacy_district(self, text: str, province_id: int) -> int:
        index = self.legacy["districts"].get(province_id)
        found = self._find(index, text) if index else []
        if len(found) == 1:
            return found[0]
        province = self.units["names"][province_id]
        if found:
            raise Unresolved(_("có nhiều huyện cũ tên “%(value)s” trong tỉnh %(province)s") % {
                "value": text, "province": province})  # fmt: skip
        raise Unresolved(
            _("không tìm thấy huyện cũ “%(value)s” trong tỉnh %(province)s") % {"value": text, "province": province}
            + suggest(text, index["display"] if index else {})
        )

    def commune(self, text: str, province_id: int, district_id: int | None) -> tuple[int, int | None]:
        """(current commune, legacy district) for the commune cell, falling back on the legacy structure."""
        province = self.units["names"][province_id]
        index = self.units["communes"].get(province_id)
        if text:
            found = self._find(index, text) if index else []
            if len(found) == 1:
                return found[0], district_id
            if len(found) > 1:
                names = ", ".join(f"{self.units['names'][pk]} ({self.units['codes'][pk]})" for pk in found)
                raise Unresolved(_("có nhiều xã/phường tên “%(value)s” trong tỉnh %(province)s: %(names)s — ghi tên đủ dấu hoặc mã xã") % {
                    "value": text, "province": province, "names": names})  # fmt: skip
            # An old commune (before 1/7/2025) under the given old district: carried to its current successor.
            names = dict(index["display"]) if index else {}
            if district_id is not None:
                old_index = self.legacy["communes"].get(district_id)
                old = self._find(old_index, text) if old_index else []
                if len(old) == 1:
                    return self._successor(old[0], province_id, text, by_name=True), district_id
                names.update(old_index["display"] if old_index else {})  # suggest old names of the district too
            raise Unresolved(
                _("không tìm thấy “%(value)s” trong tỉnh %(province)s") % {"value": text, "province": province}
                + suggest(text, names)
            )
        if district_id is None:
            raise Unresolved(_("cần ghi xã/phường (hoặc huyện cũ)"))
        return self._successor(district_id, province_id, self.legacy["names"][district_id]), district_id

    def _successor(self, legacy_id: int, province_id: int, text: str, by_name: bool = False) -> int:
        communes = self.units["communes"].get(province_id, {"code": {}})
        in_province = set(communes["code"].values())
        successors = sorted(pk for pk in self.legacy["successors"].get(legacy_id, []) if pk in in_province)
        if len(successors) == 1:
            return successors[0]
        # An old commune split or merged keeps its name in one successor; an old district's namesake is no guide.
        same_name = [pk for pk in successors if by_name and bare(self.units["names"][pk]) == bare(text)]
        if len(same_name) == 1:
            return same_name[0]
        if not successors:
            raise Unresolved(_("“%(value)s” (cũ) không có xã/phường kế thừa trong tỉnh") % {"value": text})
        names = ", ".join(self.units["names"][pk] for pk in successors[:5])
        more = "…" if len(successors) > 5 else ""
        raise Unresolved(
            _("“%(value)s” (cũ) nay thuộc nhiều xã/phường (%(names)s%(more)s) — ghi xã/phường hiện hành")
            % {"value": text, "names": names, "more": more}
        )

    # -- product sets, producer types, levels, rule versions -----------------------------------------------------
    def product_set(self, text: str) -> int:
        if self._sets is None:
            sets = list(ProductSet.objects.filter(taxonomy=Taxonomy.QD26_2026).values_list("id", "number", "name"))
            self._sets = {
                "number": {n: pk for pk, n, _name in sets},
                "name": {fold(name): pk for pk, _n, name in sets},
                "display": {fold(name): f"{n}. {name}" for _pk, n, name in sets},
            }
        head = text.split(".", 1)[0].strip()
        if head.isdigit():
            pk = self._sets["number"].get(int(head))
            if pk:
                return pk
            raise Unresolved(_("bộ sản phẩm số %(value)s không có (1–26)") % {"value": head})
        pk = self._sets["name"].get(fold(text))
        if pk:
            return pk
        close = difflib.get_close_matches(fold(text), list(self._sets["display"]), n=1, cutoff=0.6)
        hint = _(" — có phải “%(name)s”?") % {"name": self._sets["display"][close[0]]} if close else ""
        raise Unresolved(_("không tìm thấy bộ sản phẩm “%(value)s”") % {"value": text} + hint)

    @staticmethod
    def producer_type(text: str) -> str:
        key = fold(text)
        for value, label in ProducerType.choices:
            if key in (value, fold(str(label))):
                return value
        if key in PRODUCER_TYPE_ALIASES:
            return PRODUCER_TYPE_ALIASES[key]
        for alias, value in sorted(PRODUCER_TYPE_ALIASES.items(), key=lambda item: -len(item[0])):
            if key.startswith(alias + " ") or key.startswith(alias):
                return value
        labels = ", ".join(str(label) for _value, label in ProducerType.choices)
        raise Unresolved(_("loại hình “%(value)s” không rõ (%(labels)s)") % {"value": text, "labels": labels})

    @staticmethod
    def issuing_level(text: str) -> str:
        level = LEVEL_ALIASES.get(fold(text))
        if level is None:
            raise Unresolved(_("cấp “%(value)s” không rõ (Tỉnh, Trung ương, Huyện)") % {"value": text})
        return level

    def rule_version(self, text: str, day) -> int:
        if self._rule_versions is None:
            self._rule_versions = dict(RuleVersion.objects.values_list("code", "id"))
        if not text:
            try:
                code = rules.rule_version_for_date(day).code
            except LookupError:
                raise Unresolved(_("không có quy định OCOP nào áp dụng ngày %(day)s") % {
                    "day": day.strftime("%d/%m/%Y")}) from None  # fmt: skip
        else:
            code = text.strip().upper()
            if code not in self._rule_versions:
                digits = re.sub(r"\D", "", text)
                code = {"1048": "QD1048_2019", "148": "QD148_2023", "1489": "QD148_1489_2025",
                        "1481489": "QD148_1489_2025", "262026": "QD26_2026", "26": "QD26_2026"}.get(digits, code)  # fmt: skip
        if code not in self._rule_versions:
            raise Unresolved(_("quy định “%(value)s” không rõ (%(codes)s)") % {
                "value": text, "codes": ", ".join(self._rule_versions)})  # fmt: skip
        return self._rule_versions[code]

    def rule_version_code(self, pk) -> str:
        return {v: k for k, v in self._rule_versions.items()}[pk]
