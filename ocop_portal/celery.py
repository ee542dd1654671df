"""Celery application. Tasks are thin: they load by id and call a service.

The beat schedule lives in settings (``CELERY_BEAT_SCHEDULE``): the daily certificate job at ``OCOP_DAILY_JOB_HOUR``
(02:00 by default) in ``CELERY_TIMEZONE`` (Asia/Ho_Chi_Minh). Run ``celery -A ocop_portal worker`` and
``celery -A ocop_portal beat``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ocop_portal.settings")

app = Celery("ocop_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
