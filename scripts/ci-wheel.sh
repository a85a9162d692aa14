#!/usr/bin/env bash
# Builds the PyPI wheel with maturin (pyproject.toml: `bindings = "bin"`, feature `guard`) and
# smoke-tests it in a fresh venv: `pip install` of the wheel alone gives a working `srm-lint`
# (issue 22's acceptance). Called by .ci/run; runs on its own too.
#
# Needs only Python 3 and cargo: maturin comes from PyPI into target/ci-venv-wheel. A missing
# tool or a failed step fails the script; nothing is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-python3}
command -v "$python" >/dev/null 2>&1 || { echo "ci-wheel: $python is required" >&2; exit 1; }
command -v cargo >/dev/null 2>&1 || { echo "ci-wheel: cargo is required" >&2; exit 1; }

venv=target/ci-venv-wheel
if [ ! -x "$venv/bin/maturin" ] || [ ! -x "$venv/bin/pre-commit" ]; then
  echo "== installing maturin and pre-commit into $venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet 'maturin>=1.9,<2.0' pre-commit
fi
command -v git >/dev/null 2>&1 || { echo "ci-wheel: git is required" >&2; exit 1; }

echo "== maturin build --release (bindings = bin, features = guard)"
rm -rf target/wheels
start=$(date +%s)
# --compatibility linux: a plain linux tag needs no manylinux audit; CI's wheel is only installed
# here. The release workflow builds manylinux/musllinux wheels for PyPI (maturin-action).
"$venv/bin/maturin" build --release --out target/wheels --compatibility linux
echo "   built in $(( $(date +%s) - start )) s"

shopt -s nullglob
wheels=(target/wheels/*.whl)
if [ "${#wheels[@]}" -ne 1 ]; then
  echo "ci-wheel: expected one wheel in target/wheels, found ${#wheels[@]}" >&2
  exit 1
fi
wheel=${wheels[0]}
ls -l "$wheel"

# The wheel must hold the executable and the license; nothing else is needed at run time.
"$python" - "$wheel" <<'PY'
import sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
scripts = [n for n in names if ".data/scripts/" in n]
assert any(n.endswith("/srm-lint") or n.endswith("/srm-lint.exe") for n in scripts), names
assert any(n.endswith("LICENSE") for n in names), names
print("   wheel holds:", ", ".join(sorted(scripts)))
PY

echo "== smoke test: pip install the wheel into a fresh venv"
smoke=target/ci-venv-smoke
rm -rf "$smoke"
"$python" -m venv "$smoke"
"$smoke/bin/pip" install --quiet --no-index "$wheel"
bin="$smoke/bin/srm-lint"
[ -x "$bin" ] || { echo "ci-wheel: the wheel installed no $bin" >&2; exit 1; }

version=$("$bin" --version)
echo "   $version"
expected=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
case "$version" in
  *"$expected"*) ;;
  *) echo "ci-wheel: --version printed '$version', expected $expected" >&2; exit 1 ;;
esac

# The bundled examples have findings: exit 1, and the findings on stdout.
set +e
out=$("$bin" --format compact testdata/examples 2>&1)
code=$?
set -e
printf '%s\n' "$out" | head -n 5
echo "   ... $(printf '%s\n' "$out" | grep -c 'SRM-') finding lines, exit $code"
if [ "$code" -ne 1 ]; then
  echo "ci-wheel: srm-lint testdata/examples exited $code, expected 1 (findings)" >&2
  exit 1
fi
printf '%s\n' "$out" | grep -q 'SRM-' || { echo "ci-wheel: no findings printed" >&2; exit 1; }

# Guard is in the wheel: a build without the feature refuses --guard-rules with "built without
# Guard support" (exit 2); with it, the rule runs and the examples still have findings (exit 1).
set +e
gout=$("$bin" --format compact --guard-rules testdata/guard/rules/s3-versioning.guard testdata/examples 2>&1)
gcode=$?
set -e
if [ "$gcode" -ne 1 ] || printf '%s\n' "$gout" | grep -q 'without Guard support'; then
  printf '%s\n' "$gout" | tail -n 5 >&2
  echo "ci-wheel: the wheel lacks Guard support (--guard-rules exited $gcode)" >&2
  exit 1
fi
echo "   --guard-rules accepted (Guard built in)"
# The pre-commit route without Rust or Docker: a `repo: local` hook with `language: python` whose
# only dependency is the wheel (in a user's config: `srm-lint==X.Y.Z` from PyPI). A hook in this
# repository's .pre-commit-hooks.yaml cannot do that: pre-commit pip-installs the hook repository
# itself, which here means building the Rust crate (README, Install).
echo "== pre-commit: a local python hook that installs the wheel"
root=$PWD
wheel_abs="$root/$wheel"
# pre-commit keys its environments by the dependency string, which names the same path for every
# build: start from an empty home so the hook installs this build's wheel.
rm -rf target/pre-commit-home-wheel
hookrepo=$(mktemp -d)
trap 'rm -rf "$hookrepo"' EXIT
(
  cd "$hookrepo"
  g() { git -c user.name=t -c user.email=t@example.com -c commit.gpgsign=false "$@"; }
  g init -q
  cat > .pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: srm-lint
        name: srm-lint
        entry: srm-lint
        args: [--format, compact, --select, SRM-S3-004]
        language: python
        additional_dependencies: ["$wheel_abs"]
        files: \\.(tf|tf\\.json|tfvars|tfvars\\.json|ya?ml|json|template)$
        require_serial: true
YAML
  mkdir infra
  printf 'resource "aws_s3_bucket" "data" {}\n' > infra/main.tf
  g add -A
  export PRE_COMMIT_HOME="$root/target/pre-commit-home-wheel"
  set +e
  hook_out=$("$root/$venv/bin/pre-commit" run --all-files 2>&1)
  hook_code=$?
  set -e
  printf '%s\n' "$hook_out" | grep -F 'SRM-S3-004' | head -n 2
  if [ "$hook_code" -ne 1 ] || ! printf '%s\n' "$hook_out" | grep -qF 'infra/main.tf:1:1: medium SRM-S3-004 [unaddressed]'; then
    printf '%s\n' "$hook_out" >&2
    echo "ci-wheel: the python hook did not refuse the unversioned bucket (exit $hook_code)" >&2
    exit 1
  fi
  printf 'resource "aws_s3_bucket_versioning" "data" {\n  bucket = aws_s3_bucket.data.id\n  versioning_configuration {\n    status = "Enabled"\n  }\n}\n' > infra/versioning.tf
  g add -A
  "$root/$venv/bin/pre-commit" run --all-files > /dev/null || { echo "ci-wheel: the python hook refused a good module" >&2; exit 1; }
  echo "   refused the bad module (exit 1), passed the good one"
)
echo "== wheel OK"
