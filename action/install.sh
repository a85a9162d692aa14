#!/usr/bin/env bash
# How the srm-lint GitHub Action (action.yml) gets its srm-lint, as one script so it can be tested.
#
#   install.sh plan     decide: the release binary of the action's own version, or a build from
#                       the action's source. Outputs: method (release|source), version, target,
#                       archive (the release asset's file name; empty for source), reason.
#   install.sh release  download the planned archive and its .sha256 from the release, verify the
#                       SHA-256 before anything is extracted, install the binary. Output: bin.
#                       A binary already there (restored by actions/cache) that reports the
#                       version is kept as it is.
#   install.sh source   cargo install from the action's source (the cargo cache is the action's).
#                       Output: bin.
#
# The release binary is used only when the action is used at a version tag: github.action_ref
# `vX.Y.Z` equal to the version in the action's Cargo.toml, or a moving tag `vX` / `vX.Y` that is
# a prefix of it (the commit such a tag points at names its own version in Cargo.toml). A branch,
# a commit SHA, a local action (no ref) or a runner without a release asset builds from source.
#
# Inputs (environment):
#   ACTION_REF        github.action_ref
#   ACTION_REPOSITORY github.action_repository (default srm-lint/srm-lint): whose releases
#   GITHUB_ACTION_PATH the action's checkout (its Cargo.toml, and the source for `cargo install`)
#   RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP  as GitHub sets them
#   SRM_LINT_RELEASE_URL  where the assets are (default
#                     https://github.com/ACTION_REPOSITORY/releases/download/vVERSION); any URL
#                     curl reads, file:// included
#   PLAN_VERSION, PLAN_TARGET, PLAN_ARCHIVE  the plan's outputs, for `release`
set -euo pipefail

action_path="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
temp="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
# Windows runners: a POSIX path for the tools of Git Bash (tar reads `D:` as a remote host).
if command -v cygpath >/dev/null 2>&1; then temp="$(cygpath -u "$temp")"; fi

fail() {
  echo "::error title=srm-lint install::$1"
  exit 1
}

output() {
  echo "$1"
  if [ -n "${GITHUB_OUTPUT:-}" ]; then echo "$1" >>"$GITHUB_OUTPUT"; fi
}

exe_name() {
  if [ "${RUNNER_OS:-}" = Windows ]; then echo srm-lint.exe; else echo srm-lint; fi
}

# The release asset's target triple for this runner (as release.yml's matrix names it), or
# nothing when the release has no binary for it.
target_for() {
  case "$1/$2" in
    Linux/X64) echo x86_64-unknown-linux-musl ;;
    Linux/ARM64) echo aarch64-unknown-linux-musl ;;
    macOS/X64) echo x86_64-apple-darwin ;;
    macOS/ARM64) echo aarch64-apple-darwin ;;
    Windows/X64) echo x86_64-pc-windows-msvc ;;
    *) ;;
  esac
}

plan() {
  local version ref os arch target="" archive="" method=source reason
  version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$action_path/Cargo.toml" | head -n 1)"
  [ -n "$version" ] || fail "no version in $action_path/Cargo.toml"
  ref="${ACTION_REF:-}"
  os="${RUNNER_OS:-}"
  arch="${RUNNER_ARCH:-}"
  if [ -z "$ref" ]; then
    reason="the action has no ref (a local action); building srm-lint from source"
  elif ! [[ "$ref" =~ ^v[0-9]+(\.[0-9]+){0,2}(-[0-9A-Za-z.-]+)?$ ]]; then
    reason="the action ref $ref is not a version tag (a branch or a commit); building srm-lint from source"
  elif [ "$ref" != "v$version" ] && [[ "v$version" != "$ref".* ]]; then
    reason="the action ref $ref does not match the version in the action's Cargo.toml ($version); building srm-lint from source"
    echo "::warning title=srm-lint install::$reason"
  else
    target="$(target_for "$os" "$arch")"
    if [ -z "$target" ]; then
      reason="release $version has no srm-lint binary for $os $arch; building srm-lint from source"
    else
      method=release
      archive="srm-lint-$version-$target.tar.gz"
      [ "$os" = Windows ] && archive="srm-lint-$version-$target.zip"
      reason="the action is used at $ref: installing the release binary $archive"
    fi
  fi
  echo "srm-lint: $reason"
  output "method=$method"
  output "version=$version"
  output "target=$target"
  output "archive=$archive"
  output "reason=$reason"
}

sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  else
    shasum -a 256 "$1" | cut -d' ' -f1
  fi
}

fetch() {
  # --fail: an HTTP error is an error, not a saved error page. Transient failures are retried.
  curl --fail --silent --show-error --location --retry 5 --retry-delay 2 --retry-connrefused \
    --connect-timeout 30 --output "$2" "$1"
}

# Whether binary $1 runs and says it is version $2.
reports() {
  [ "$("$1" --version 2>/dev/null | tr -d '\r')" = "srm-lint $2" ]
}

release() {
  local version="${PLAN_VERSION:?}" target="${PLAN_TARGET:?}" archive="${PLAN_ARCHIVE:?}"
  local repo="${ACTION_REPOSITORY:-srm-lint/srm-lint}"
  local base="${SRM_LINT_RELEASE_URL:-https://github.com/$repo/releases/download/v$version}"
  local root="$temp/srm-lint-release" name="srm-lint-$version-$target"
  local bin
  bin="$root/bin/$(exe_name)"
  if [ -x "$bin" ] && reports "$bin" "$version"; then
    echo "srm-lint $version restored from the cache"
    output "bin=$bin"
    return
  fi
  # Global, not local: the EXIT trap runs after this function has returned.
  work="$(mktemp -d "$temp/srm-lint-download.XXXXXX")"
  trap 'rm -rf "$work"' EXIT
  base="${base%/}"
  echo "srm-lint: downloading $base/$archive"
  fetch "$base/$archive" "$work/$archive" || fail "could not download $base/$archive"
  fetch "$base/$archive.sha256" "$work/$archive.sha256" ||
    fail "could not download $base/$archive.sha256"
  local expected actual
  expected="$(cut -d' ' -f1 <"$work/$archive.sha256" | head -n 1 | tr 'A-F' 'a-f')"
  [[ "$expected" =~ ^[0-9a-f]{64}$ ]] || fail "$archive.sha256 does not hold a SHA-256 digest"
  actual="$(sha256_of "$work/$archive")"
  if [ "$actual" != "$expected" ]; then
    fail "SHA-256 mismatch for $archive: the release says $expected, the download is $actual; not installing it"
  fi
  echo "srm-lint: SHA-256 of $archive verified ($actual)"
  mkdir -p "$work/x"
  case "$archive" in
    *.zip)
      if command -v unzip >/dev/null 2>&1; then
        unzip -q "$work/$archive" -d "$work/x"
      else
        7z x -bd -y "-o$work/x" "$work/$archive" >/dev/null
      fi
      ;;
    *) tar -xzf "$work/$archive" -C "$work/x" ;;
  esac
  [ -f "$work/x/$name/$(exe_name)" ] || fail "$archive has no $name/$(exe_name)"
  rm -rf "$root"
  mkdir -p "$root/bin"
  cp "$work/x/$name/$(exe_name)" "$bin"
  chmod +x "$bin"
  reports "$bin" "$version" || fail "the installed srm-lint does not report version $version"
  echo "srm-lint: installed $("$bin" --version)"
  output "bin=$bin"
}

source_build() {
  local root="$temp/srm-lint" bin
  bin="$root/bin/$(exe_name)"
  if [ "${CACHE_HIT:-}" = true ] && [ -x "$bin" ]; then
    echo "srm-lint restored from the cache"
  else
    echo "srm-lint: building from source ($action_path)"
    cargo install --locked --force --features guard --path "$action_path" \
      --root "$root" --target-dir "$temp/srm-lint-target" --quiet
  fi
  [ -x "$bin" ] || fail "cargo install did not produce $bin"
  output "bin=$bin"
}

case "${1:-}" in
  plan) plan ;;
  release) release ;;
  source) source_build ;;
  *)
    echo "usage: install.sh plan|release|source" >&2
    exit 2
    ;;
esac
