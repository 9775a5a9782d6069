# One image for the web server, the Celery worker and beat (docker-compose.yml
# picks the command). Settings come from the environment: see README.md.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POPWATCH_VAR_DIR=/app/var \
    PORT=8000

WORKDIR /app

# The PDF doctor report (WeasyPrint) lays text out with Pango and HarfBuzz; DejaVu and Droid Sans
# Fallback (Chinese, Japanese, Korean) draw it. The same packages as bin/setup's.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-droid-fallback \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes do not reinstall them.
COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# Static files are collected at build time with the production storage (DEBUG off,
# hashed and compressed). DEBUG off demands a strong SECRET_KEY to load the
# settings: this throwaway one exists only for this step and is not in the image's
# environment; the running containers must be given their own.
RUN DEBUG=false \
    SECRET_KEY=build-time-only-collectstatic-key-not-used-at-run-time-0123456789 \
    python manage.py collectstatic --noinput -v0

# Run as an unprivileged user; var/ holds beat's schedule file.
RUN useradd --system --no-create-home --home-dir /app --shell /usr/sbin/nologin popwatch \
    && chown -R popwatch /app/var
USER popwatch

EXPOSE 8000
# gunicorn binds 0.0.0.0:$PORT when PORT is set; WEB_CONCURRENCY sets its worker count.
# A request may take 120 s, not gunicorn's default 30: a 500-event offline sync took up
# to 25 s on 2 busy cores, and one cut short is rolled back whole, so the phone sending it
# again would only be cut short again. A proxy in front must wait at least as long.
ENV GUNICORN_CMD_ARGS="--timeout 120 --graceful-timeout 30"
CMD ["gunicorn", "tracker.wsgi", "--access-logfile", "-"]
