"""Settings of the load-test server: the production settings (``DEBUG=0`` and the rest from the environment), with
two differences that plain HTTP on the loopback address needs: the collected static files in the run's scratch
folder instead of the checkout's ``staticfiles/``, and cookies without the Secure flag (locust's HTTP client, like
any browser, does not send Secure cookies over plain HTTP; in production the TLS proxy is in front)."""

import os
from pathlib import Path

from ocop_portal.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["LOAD_STATIC_ROOT"])
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
