FROM python:3.11-slim
WORKDIR /app
RUN pip install --no-cache-dir uv
COPY pyproject.toml setup.py uv.lock README.md ./
COPY bot ./bot
COPY migrations ./migrations
COPY alembic.ini manifest.yml ./
RUN uv sync --frozen --no-dev && useradd --system bot && chown -R bot /app
ENV PATH="/app/.venv/bin:$PATH"
USER bot
EXPOSE 3000
CMD ["hiring-bot", "serve"]
