"""Benchmark of the public catalogue over the national-scale data set: p50 / p95 and queries per request.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench python bench/public.py [SCENARIO …] [--requests N]

Scenarios: api-list, api-search, html-catalogue, product-page, verify-page (all by default). Each request goes
through the whole Django stack in-process (middleware, filters, serializers or templates, database) with a
persistent database connection as in production (CONN_MAX_AGE); HTTP parsing and the network are not included.
Requests vary (filters, search words, pages, products, certificate numbers) from a fixed seed, after a warm-up.
Make the data set first: ``python manage.py generate_scale_data --products 200000`` (see bench/README.md).
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")
os.environ.setdefault("DEBUG", "1")  # the trial settings: no HTTPS redirect for the in-process client
for scope in ("ANON", "USER", "EXPORT"):
    os.environ[f"API_THROTTLE_{scope}"] = "100000000/min"  # measure the work, not the throttle

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TARGETS = {"api-list": 50, "api-search": 50, "html-catalogue": 100, "product-page": 100, "verify-page": 100}
WORDS = ["gao thom", "mat ong", "che bup", "nuoc mam", "gom", "may tre dan", "lua", "banh chung", "mien dong",
         "ca phe", "Gạo thơm", "MẬT ONG", "cà phê", "Nước mắm", "ha noi", "bat trang", "dong anh", "ninh binh"]  # fmt: skip


def sample_data(rng):
    from districts.models import AdminUnit
    from evaluations.models import Certificate
    from products.selectors import listed_products

    provinces = list(AdminUnit.objects.current().provinces().values_list("code", flat=True))
    communes = list(AdminUnit.objects.current().filter(level="commune").values_list("code", flat=True))
    top = listed_products().order_by("-pk").values_list("pk", "slug")[:1]
    max_id = top[0][0] if top else 0
    products = []
    while len(products) < 400:
        pk = rng.randint(1, max_id)
        products += list(listed_products().filter(pk__gte=pk).order_by("pk").values_list("pk", "slug")[:1])
    numbers = list(Certificate.objects.order_by("?").values_list("number", flat=True)[:400])
    numbers += [f"KHONG-CO-{n}" for n in range(20)]  # unknown numbers answer 404
    return provinces, communes, products, numbers


def requests_for(scenario, rng, data):
    provinces, communes, products, numbers = data
    while True:
        if scenario == "api-list":
            params = rng.choice([{}, {"province": rng.choice(provinces)}, {"stars": rng.choice([3, 4, 5])},
                                 {"province": rng.choice(provinces), "stars_min": 4},
                                 {"status": rng.choice(["expiring", "in_rerating", "expired", "revoked"])},
                                 {"product_set": rng.randint(1, 26), "page_size": 100},
                                 {"producer_type": "cooperative", "page_size": rng.choice([20, 100])}])  # fmt: skip
            yield "/api/v1/products/", params
        elif scenario == "api-search":
            params = {"q": rng.choice(WORDS)}
            if rng.random() < 0.4:
                params["province"] = rng.choice(provinces)
            if rng.random() < 0.2:
                params["q"] = f"{rng.choice(WORDS)} {rng.randint(1, 199999)}"
            yield "/api/v1/products/", params
        elif scenario == "html-catalogue":
            params = rng.choice([{}, {"q": rng.choice(WORDS)}, {"province": rng.choice(provinces)},
                                 {"province": rng.choice(provinces), "stars": rng.choice([3, 4, 5]), "sort": "stars"},
                                 {"commune": rng.choice(communes)}, {"category": rng.choice(["I", "II", "IV"]),
                                                                     "sort": "newest"},
                                 {"status": "expiring", "sort": "expiry"}, {"page": rng.randint(2, 40)},
                                 {"q": rng.choice(WORDS), "page_size": 96}])  # fmt: skip
            yield "/san-pham/", params
        elif scenario == "product-page":
            pk, slug = rng.choice(products)
            yield f"/san-pham/{pk}/{slug}/", {}
        elif scenario == "verify-page":
            yield f"/verify/{rng.choice(numbers)}/", {}


def run(scenario, count, warmup, rng, data):
    client = Client()
    timings, queries, statuses, slowest = [], [], {}, []
    source = requests_for(scenario, rng, data)
    for index in range(warmup + count):
        path, params = next(source)
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path, params)
            elapsed = (time.perf_counter() - started) * 1000
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            raise SystemExit(f"{scenario}: {response.status_code} for {path} {params}")
        if index >= warmup:
            timings.append(elapsed)
            queries.append(len(captured.captured_queries))
            slowest.append((elapsed, path, params, [round(float(q["time"]) * 1000) for q in captured]))
    timings.sort()
    slowest.sort(key=lambda item: -item[0])
    return {
        "scenario": scenario,
        "requests": count,
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
        "queries_max": max(queries),
        "queries_mean": statistics.mean(queries),
        "statuses": statuses,
        "target": TARGETS[scenario],
        "slowest": slowest[:5],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenarios", nargs="*", help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=30)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--slowest", action="store_true", help="print the five slowest requests of each scenario")
    args = parser.parse_args()
    unknown = set(args.scenarios) - set(TARGETS)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}; choose from {', '.join(TARGETS)}")
    args.scenarios = args.scenarios or list(TARGETS)
    if connection.vendor != "postgresql":
        raise SystemExit("Benchmark needs the PostgreSQL scale data set (DATABASE_URL=postgres://…/ocop_bench)")
    from products.models import Product

    rng = random.Random(args.seed)
    data = sample_data(rng)
    print(f"Data set: {Product.objects.count():,} products; {args.requests} requests per scenario after "
          f"{args.warmup} warm-up; {os.cpu_count()} CPUs")  # fmt: skip
    print("| scenario | p50 ms | p95 ms | max ms | target p95 | queries/request (max, mean) | statuses |")
    print("|---|---:|---:|---:|---:|---|---|")
    failed = False
    for scenario in args.scenarios:
        r = run(scenario, args.requests, args.warmup, rng, data)
        ok = r["p95"] < r["target"] and r["queries_max"] <= 6
        failed |= not ok
        statuses = ", ".join(f"{k}: {v}" for k, v in sorted(r["statuses"].items()))
        print(f"| {scenario} | {r['p50']:.1f} | {r['p95']:.1f} | {r['max']:.1f} | < {r['target']} "
              f"{'✓' if r['p95'] < r['target'] else '✗'} | {r['queries_max']}, {r['queries_mean']:.1f} | {statuses} |")  # fmt: skip
        if args.slowest:
            for elapsed, path, params, sql in r["slowest"]:
                print(f"    {elapsed:7.1f} ms  {path} {params}  sql ms {sql}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
