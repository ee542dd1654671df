"""Vietnamese text helpers shared by every app."""

from django.utils.text import slugify
from unidecode import unidecode


def fold(text: str) -> str:
    """Lower-case, accent-free form used for search on both SQLite and PostgreSQL ("Đông Anh" -> "dong anh")."""
    return " ".join(unidecode(text or "").lower().split())


def vn_slugify(text: str) -> str:
    """Slug that keeps Đ/đ as d (Django's slugify alone drops it)."""
    return slugify(unidecode(text or ""))
