"""A file e-mail backend that takes its time per message, so a test can kill the worker in the middle of a run.

Used by tests/faults/test_worker_kill.py through ``EMAIL_BACKEND`` in the worker's environment; the delay comes from
``SLOW_MAIL_SECONDS``. The sleep comes before the message is written: what is in the file was handed to "SMTP".
"""

import os
import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(float(os.environ.get("SLOW_MAIL_SECONDS", "0.02")))
        return super().send_messages(email_messages)
