# Production image: gunicorn serves Django; the same image runs the Celery worker and beat.
FROM python:3.12-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# WeasyPrint needs Pango; Noto fonts carry Vietnamese diacritics for certificates.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
        fonts-noto-core fonts-dejavu-core curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install -r requirements.txt
COPY . .
RUN DEBUG=1 python manage.py compile_translations && DEBUG=1 python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 ocop && mkdir -p /data/media /data/private && chown -R ocop /data
USER ocop
EXPOSE 8000
CMD ["gunicorn", "ocop_portal.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--timeout", "60", "--access-logfile", "-"]
