# pocbot in a container. One image, three roles (the Procfile's):
#   docker build -t pocbot .
#   docker run --env-file .env pocbot pocbot migrate              # release: once per deploy
#   docker run --env-file .env -p 3000:3000 pocbot                # web: serve --no-clock
#   docker run --env-file .env --no-healthcheck pocbot pocbot clock   # the one clock
# WEB_CONCURRENCY=N runs N web processes in the web container (PostgreSQL only).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Installed as a package (code and migrations in site-packages); the sources do not stay.
COPY pyproject.toml README.md /src/
COPY bot /src/bot
COPY handlers /src/handlers
COPY scheduler /src/scheduler
COPY storage /src/storage
RUN pip install /src && rm -rf /src

# Not root. Its home is the working directory: the default SQLite file lands there.
RUN useradd --create-home --uid 10001 --user-group pocbot
USER pocbot
WORKDIR /home/pocbot

ENV PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]
CMD ["pocbot", "serve", "--no-clock"]
