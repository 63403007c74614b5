#!/usr/bin/env bash
# Installs the system tools lambkin's integration tests need, and nothing else.
#
# The tests drive lambkin with clients nobody here wrote: the AWS CLI, AWS's own Node runtime
# interface client (aws-lambda-ric, whose npm install compiles curl and aws-lambda-cpp from
# source with autotools + cmake, then a node-gyp addon) and a curl-based shell bootstrap.
# A tool that happens to be on a developer's machine must not hide a missing step in CI, so
# every test run calls this script first. It is idempotent and returns in milliseconds when
# everything is present; only when something is missing does it run `apt-get update` once and
# install the Debian packages that provide it.
#
# Usage: scripts/setup-system.sh [--check]   (--check: report what is missing, install nothing)
set -euo pipefail

check_only=0
case "${1:-}" in
  "") ;;
  --check) check_only=1 ;;
  *)
    echo "setup-system: unknown argument '$1'; allowed: --check" >&2
    exit 2
    ;;
esac

# Each need: "<what> <debian package> <kind>", kind = cmd (a command on PATH), header (curl.h),
# or aws (an AWS CLI that actually runs: a broken shim on PATH counts as missing).
needs=(
  "cmake cmake cmd"
  "autoconf autoconf cmd"
  "automake automake cmd"
  "libtoolize libtool cmd"
  "make make cmd"
  "g++ g++ cmd"
  "python3 python3 cmd"
  "curl curl cmd"
  "curl.h libcurl4-openssl-dev header"
  "aws awscli aws"
  "bwrap bubblewrap cmd"
)

have() {
  local what=$1 kind=$2
  case "$kind" in
    cmd) command -v "$what" >/dev/null 2>&1 ;;
    header)
      # Debian puts libcurl's headers under the multiarch triplet (libcurl4-openssl-dev) or
      # directly under /usr/include (older layouts, other distributions).
      [[ -f /usr/include/curl/curl.h ]] ||
        [[ -f /usr/include/x86_64-linux-gnu/curl/curl.h ]] ||
        [[ -f /usr/include/aarch64-linux-gnu/curl/curl.h ]]
      ;;
    # Whichever `aws` exists is fine (v1 from pip or v2): the tests only use `lambda invoke`
    # and friends, which both speak. Debian's is installed only when none works.
    aws) command -v aws >/dev/null 2>&1 && aws --version >/dev/null 2>&1 ;;
  esac
}

missing_what=()
missing_pkgs=()
check() {
  missing_what=()
  missing_pkgs=()
  local need what pkg kind
  for need in "${needs[@]}"; do
    read -r what pkg kind <<<"$need"
    if ! have "$what" "$kind"; then
      missing_what+=("$what")
      # Two needs may share a package; list each package once.
      if [[ " ${missing_pkgs[*]-} " != *" $pkg "* ]]; then missing_pkgs+=("$pkg"); fi
    fi
  done
}

check
if ((${#missing_what[@]} == 0)); then
  exit 0
fi

echo "setup-system: missing ${missing_what[*]} (Debian packages: ${missing_pkgs[*]})" >&2
if ((check_only)); then
  exit 1
fi
if [[ $(id -u) -ne 0 ]]; then
  echo "setup-system: not root, so not installing. Run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing_pkgs[*]}" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-system: no apt-get here; install the equivalents of: ${missing_pkgs[*]}" >&2
  exit 1
fi

# Two test runs may start at once; apt holds its own lock and would fail the second one, so
# serialise here and re-check after waiting (the first run may have installed everything).
exec 9>/tmp/lambkin-setup-system.lock
flock 9
check
if ((${#missing_what[@]} == 0)); then
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
# apt and dpkg are chatty; keep their output in a log and show it only when they fail.
log="${TMPDIR:-/tmp}/lambkin-setup-system.log"
if ! { apt-get update && apt-get install -y --no-install-recommends "${missing_pkgs[@]}"; } >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  echo "setup-system: apt-get failed; full log: $log" >&2
  exit 1
fi

before=("${missing_what[@]}")
check
if ((${#missing_what[@]} > 0)); then
  echo "setup-system: still missing after apt-get install: ${missing_what[*]}" >&2
  exit 1
fi
for what in "${before[@]}"; do
  for need in "${needs[@]}"; do
    read -r w pkg _ <<<"$need"
    if [[ $w == "$what" ]]; then echo "setup-system: installed $what (Debian package $pkg)"; fi
  done
done
