# driftguard: `driftguard serve` by default; the CLI, the built-in policies and the example
# config inside. Build from the repository root:
#   docker build -t driftguard:0.1.0 .
# Two stages: wheels and installs happen in the first, the second only copies the
# installed files (no compiler, no wheel cache, no source tree).

FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY driftguard ./driftguard
COPY policies ./policies
# --prefix: the package, its dependencies and share/driftguard/policies under one tree
RUN pip install --no-cache-dir --no-compile --prefix=/install .

FROM python:3.11-slim
COPY --from=build /install /usr/local
COPY policies /opt/driftguard/policies
COPY configs/driftguard.yaml /opt/driftguard/configs/driftguard.yaml
COPY configs/examples /opt/driftguard/configs/examples
RUN useradd --system --uid 10001 --home-dir /var/lib/driftguard --create-home driftguard
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DRIFTGUARD_BUILTIN_POLICY_DIR=/opt/driftguard/policies \
    DRIFTGUARD_CONFIG=/opt/driftguard/configs/driftguard.yaml \
    DRIFTGUARD_SERVE__LISTEN=0.0.0.0:9717 \
    DRIFTGUARD_SERVE__HISTORY=/var/lib/driftguard/history.sqlite
USER 10001
WORKDIR /var/lib/driftguard
EXPOSE 9717
# No curl in the slim image: Python asks /healthz on the port serve listens on.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; port = os.environ['DRIFTGUARD_SERVE__LISTEN'].rsplit(':', 1)[1]; urllib.request.urlopen(f'http://127.0.0.1:{port}/healthz', timeout=4)"]
ENTRYPOINT ["driftguard"]
CMD ["serve"]
