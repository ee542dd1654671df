"""Passwords that are public knowledge never open a session under production settings.

The demo data set gives every demo account one published password (README). A database copied from a trial
installation into production would keep those accounts: under production settings (``OCOP_DEMO_DATA_ALLOWED`` off)
the login refuses that password whatever the stored hash says, and nobody can choose it as a new password.
"""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

DEMO_PASSWORD = "ocop-demo-2026"
PUBLISHED_PASSWORDS = frozenset({DEMO_PASSWORD})


class PortalModelBackend(ModelBackend):
    """Django's model backend, refusing the published demo password outside trial runs."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if password in PUBLISHED_PASSWORDS and not settings.OCOP_DEMO_DATA_ALLOWED:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


class PublishedPasswordValidator:
    """Refuse the demo password (it is printed in the README) as anyone's chosen password."""

    def validate(self, password, user=None):
        if password in PUBLISHED_PASSWORDS:
            raise ValidationError(
                _("Mật khẩu này là mật khẩu mẫu công khai, không được dùng."), code="password_published"
            )

    def get_help_text(self):
        return _("Mật khẩu không được là mật khẩu mẫu công khai của dữ liệu thử.")
