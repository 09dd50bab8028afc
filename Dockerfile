# driftguard: a small image with the CLI, the built-in policies and the example config.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY driftguard ./driftguard
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 driftguard
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
COPY policies /opt/driftguard/policies
COPY configs /opt/driftguard/configs
ENV DRIFTGUARD_BUILTIN_POLICY_DIR=/opt/driftguard/policies \
    DRIFTGUARD_CONFIG=/opt/driftguard/configs/driftguard.yaml
USER driftguard
WORKDIR /home/driftguard
ENTRYPOINT ["driftguard"]
CMD ["check", "/opt/driftguard/configs/examples/ml-plan.json"]
