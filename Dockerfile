# pricewatch in a container: `pricewatch schedule` refreshes every source on its schedule
# and rebuilds the site after a change; the database and the site live on a volume.
#
#   docker build -t pricewatch .
#   docker volume create pricewatch
#   docker run --rm -v pricewatch:/var/lib/pricewatch pricewatch demo --no-site  # once: the shipped history
#   docker run -d --name pricewatch --restart unless-stopped -v pricewatch:/var/lib/pricewatch pricewatch
#   docker exec pricewatch pricewatch status --check  # a health check: exit 1 when failing or stale
#
# tests/test_deploy.py runs the entry point's command and checks these settings.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /tmp/pricewatch-src
COPY pyproject.toml setup.py README.md ./
COPY pricewatch ./pricewatch
COPY scraper ./scraper
COPY analysis ./analysis
COPY site ./site
COPY data ./data
RUN pip install . && cd / && rm -rf /tmp/pricewatch-src

# Not root: a system user whose home is the volume.
RUN useradd --system --uid 10001 --user-group --create-home --home-dir /var/lib/pricewatch pricewatch
USER pricewatch
WORKDIR /var/lib/pricewatch
ENV PRICEWATCH_DB=/var/lib/pricewatch/pricewatch.db \
    PRICEWATCH_SITE_DIR=/var/lib/pricewatch/public \
    XDG_CACHE_HOME=/var/lib/pricewatch/.cache
VOLUME ["/var/lib/pricewatch"]

# SIGTERM (docker stop) ends `schedule` cleanly: a refresh still fetching is abandoned, one
# storing finishes. Any other command runs instead of `schedule` when given:
# `docker run ... pricewatch status`.
STOPSIGNAL SIGTERM
ENTRYPOINT ["pricewatch"]
CMD ["schedule", "--out", "/var/lib/pricewatch/public"]
