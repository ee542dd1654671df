"""Request names of the load test (one per endpoint group): the locustfile labels requests with them, the CI smoke
test checks that each was exercised. Kept free of locust imports (locust patches the standard library)."""

PUBLIC = {
    "home": "public: home",
    "catalogue": "public: catalogue",
    "catalogue_filtered": "public: catalogue + filters",
    "catalogue_search": "public: catalogue search (no accents)",
    "product": "public: product page",
    "producer": "public: producer page",
    "verify": "public: verify (known number)",
    "verify_unknown": "public: verify (unknown number, 404 expected)",
    "statistics": "public: statistics",
    "api_list": "api: products list + filters",
    "api_search": "api: products search",
    "api_certificates": "api: certificates list",
    "static": "static: stylesheet",
}
OFFICER = {
    "login_form": "officer: login form",
    "login": "officer: log in (POST)",
    "officer_home": "officer: tasks home",
    "dossier_list": "officer: dossier list",
    "dossier": "officer: dossier page",
    "attention": "officer: certificates needing attention",
    "expiring": "officer: certificates expiring",
    "expiring_excel": "officer: expiring list, Excel export",
}
ALL = set(PUBLIC.values()) | set(OFFICER.values())
