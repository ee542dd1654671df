"""Mixed public and officer workload over the scale data (run by bench/load/run.sh, and reduced by the CI smoke test).

Reads the sample written by prepare.py from ``LOAD_SAMPLE`` (bench users, product pages, certificate numbers).
Nine visitors in ten are the public (catalogue, product and verification pages, statistics, the API); one in ten is an
officer who logs in through the login form and works the dossier and certificate lists.

The server runs production settings (bench/load/settings.py). Like the TLS proxy in front of it in production, every
request says ``X-Forwarded-Proto: https``, so the HTTPS redirect and HSTS stay on.
``LOAD_TOUR=1`` makes every simulated user run each of its tasks once before the weighted mix (the CI smoke test
uses it so that a short run exercises every request type).
"""

import json
import os
import random
import re
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, task
from names import OFFICER, PUBLIC

SAMPLE = json.loads(Path(os.environ["LOAD_SAMPLE"]).read_text())
TOUR = os.environ.get("LOAD_TOUR") == "1"
# What visitors type: folded (no accents) most of the time, as on a phone keyboard; sometimes with accents.
SEARCHES = ["mat ong", "nuoc mam", "gao thom", "che bup", "ca phe", "mien dong", "may tre dan", "Mật ong", "Cà phê"]
STARS = ["3", "4", "5"]
SORTS = ["newest", "stars", "name", "expiry"]
CATEGORIES = ["I", "II", "III", "IV", "V", "VI"]
DOSSIER_LINK = re.compile(r'href="(/can-bo/ho-so/\d+/)"')
STYLESHEET = re.compile(r'<link rel="stylesheet" href="(/static/[^"]+\.css)"')
_users = iter(range(10**9))


class PortalUser(HttpUser):
    abstract = True

    def on_start(self):
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.origin = "https://" + urlsplit(self.host).netloc
        self.begin()
        if TOUR:
            self.tour()

    def begin(self):
        """What a user does once on arrival (officers log in)."""

    def tour(self):
        seen = []
        for task_function in self.tasks:
            if task_function not in seen:
                seen.append(task_function)
                task_function(self)

    def get(self, path, name, expect=200, **kwargs):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False, **kwargs) as response:
            if response.status_code == expect:
                response.success()
            else:
                response.failure(f"HTTP {response.status_code} (expected {expect}) for {path}")
            return response


class PublicVisitor(PortalUser):
    weight = 9
    wait_time = between(1, 4)

    @task(10)
    def home(self):
        response = self.get("/", PUBLIC["home"])
        found = STYLESHEET.findall(response.text or "")
        self.stylesheets = found or getattr(self, "stylesheets", [])

    @task(8)
    def catalogue(self):
        self.get(f"/san-pham/?page={random.randint(1, 20)}", PUBLIC["catalogue"])

    @task(8)
    def catalogue_filtered(self):
        params = {"province": random.choice(SAMPLE["provinces"]), "stars": random.choice(STARS)}
        if random.random() < 0.5:
            params["category"] = random.choice(CATEGORIES)
        if random.random() < 0.3:
            params = {"commune": random.choice(SAMPLE["communes"])}
        params["sort"] = random.choice(SORTS)
        self.get("/san-pham/", PUBLIC["catalogue_filtered"], params=params)

    @task(8)
    def catalogue_search(self):
        params = {"q": random.choice(SEARCHES)}
        if random.random() < 0.3:
            params["province"] = random.choice(SAMPLE["provinces"])
        self.get("/san-pham/", PUBLIC["catalogue_search"], params=params)

    @task(15)
    def product(self):
        self.get(random.choice(SAMPLE["products"]), PUBLIC["product"])

    @task(4)
    def producer(self):
        self.get(random.choice(SAMPLE["producers"]), PUBLIC["producer"])

    @task(8)
    def verify(self):
        self.get(f"/verify/{random.choice(SAMPLE['certificates'])}/", PUBLIC["verify"])

    @task(2)
    def verify_unknown(self):
        # A mistyped or forged number: the "not found" page is the right answer.
        self.get(f"/verify/KHONG-CO-{random.randint(1, 10**9)}/", PUBLIC["verify_unknown"], expect=404)

    @task(3)
    def statistics(self):
        params = {"province": random.choice(SAMPLE["provinces"])} if random.random() < 0.5 else {}
        self.get("/thong-ke/", PUBLIC["statistics"], params=params)

    @task(5)
    def api_list(self):
        params = {"province": random.choice(SAMPLE["provinces"]), "stars_min": random.choice(STARS)}
        params["page"] = random.randint(1, 5)
        self.get("/api/v1/products/", PUBLIC["api_list"], params=params)

    @task(3)
    def api_search(self):
        self.get("/api/v1/products/", PUBLIC["api_search"], params={"q": random.choice(SEARCHES)})

    @task(2)
    def api_certificates(self):
        self.get("/api/v1/certificates/", PUBLIC["api_certificates"], params={"page": random.randint(1, 20)})

    @task(2)
    def static(self):
        # Most browsers cache the stylesheets; a share of visitors fetch them (whitenoise serves them).
        if not getattr(self, "stylesheets", None):
            self.home()
        self.get(random.choice(self.stylesheets), PUBLIC["static"])


class Officer(PortalUser):
    weight = 1
    wait_time = between(2, 6)

    def begin(self):
        users = SAMPLE["users"]
        self.account = users[next(_users) % len(users)]
        self.dossiers = []
        self.log_in()

    def log_in(self):
        form = self.get("/accounts/login/?next=/can-bo/", OFFICER["login_form"])
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text or "")
        if token is None:
            return
        data = {
            "csrfmiddlewaretoken": token.group(1),
            "username": self.account["username"],
            "password": SAMPLE["password"],
            "next": "/can-bo/",
        }
        headers = {"Referer": self.origin + "/accounts/login/", "Origin": self.origin}
        with self.client.post(
            "/accounts/login/", data, headers=headers, name=OFFICER["login"], catch_response=True, allow_redirects=False
        ) as response:
            if response.status_code == 302 and response.headers.get("Location") == "/can-bo/":
                response.success()
            else:
                response.failure(f"log-in of {self.account['username']} answered HTTP {response.status_code}")

    @task(3)
    def officer_home(self):
        self.get("/can-bo/", OFFICER["officer_home"])

    @task(6)
    def dossier_list(self):
        params = {"page": random.randint(1, 3)} if random.random() < 0.3 else {}
        response = self.get("/can-bo/ho-so/", OFFICER["dossier_list"], params=params)
        self.dossiers = DOSSIER_LINK.findall(response.text or "") or self.dossiers

    @task(6)
    def dossier(self):
        if not self.dossiers:
            self.dossier_list()
        if self.dossiers:
            self.get(random.choice(self.dossiers), OFFICER["dossier"])

    @task(4)
    def attention(self):
        self.get("/can-bo/giay-chung-nhan/", OFFICER["attention"])

    @task(3)
    def expiring(self):
        self.get("/can-bo/giay-chung-nhan/sap-het-han/", OFFICER["expiring"])

    @task(1)
    def expiring_excel(self):
        self.get("/can-bo/giay-chung-nhan/sap-het-han/excel/", OFFICER["expiring_excel"])
