# Two entry points that work from a clean clone: `make demo` and `make test`.
# Both create .venv on first use and install driftguard into it (editable, with test tools);
# both install the Debian packages they need first (.ci/system-packages, when root).
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean compose-secrets

# The tests also run the Rego on OPA's own Go engine: opa-golib-python-bindings (a C shared
# library and ctypes) declares Python >= 3.14 yet runs on 3.11, so it is installed with
# --ignore-requires-python, which pyproject's test extra cannot express.
OPA_BINDINGS := opa-golib-python-bindings==0.4.4

$(BIN)/.installed: pyproject.toml Makefile
	sh .ci/system-packages
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test,demo]'
	$(BIN)/pip install --quiet --ignore-requires-python $(OPA_BINDINGS)
	touch $@

# A simulated ML account (local moto server) that drifted from its Terraform state: the
# scan prints the drift and the violations (exit 1 means "found some", as intended here),
# then writes the import blocks of its unmanaged instance and says where.
demo: $(BIN)/.installed
	$(BIN)/driftguard demo || [ $$? -eq 1 ]

test: $(BIN)/.installed
	sh .ci/system-packages --test
	$(BIN)/ruff check driftguard tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -n auto --maxprocesses 4

# The compose stack's secrets (configs/compose/docker-compose.yml, `secrets:`): each
# secrets/NAME.example copied to secrets/NAME unless NAME is there already (git and docker
# ignore them); then replace the placeholder in each with your own value.
COMPOSE_SECRETS ?= configs/compose/secrets

compose-secrets:
	@for example in $(COMPOSE_SECRETS)/*.example; do \
	  secret="$${example%.example}"; \
	  if [ -e "$$secret" ]; then echo "$$secret: kept (already there)"; \
	  else cp "$$example" "$$secret" && echo "$$secret: created, replace its placeholder"; fi; \
	done

lint: $(BIN)/.installed
	$(BIN)/ruff check driftguard tests bench
	$(BIN)/mypy

clean:
	rm -rf $(VENV)
