#!/bin/sh
# lambkin's shell runtime: a Lambda custom-runtime bootstrap in POSIX sh + curl, in the spirit of
# AWS's "build a custom runtime" tutorial. `_HANDLER=function.handler` sources
# "$LAMBDA_TASK_ROOT/function.sh" once, then for every invocation calls the shell function
# `handler` with the event JSON as "$1":
#   - what the function prints on stdout is the response (trailing newlines removed);
#   - what it prints on stderr goes to the log;
#   - a non-zero status fails the invocation; its last stderr line becomes errorMessage.
# During the call REQUEST_ID, DEADLINE_MS, FUNCTION_ARN and _X_AMZN_TRACE_ID describe the
# invocation. Works with dash, busybox sh and bash; needs curl.
set -eu

: "${AWS_LAMBDA_RUNTIME_API:?AWS_LAMBDA_RUNTIME_API is not set: run this under lambkin or AWS Lambda}"
: "${_HANDLER:?_HANDLER is not set: expected file.function, like function.handler}"
LAMBDA_TASK_ROOT="${LAMBDA_TASK_ROOT:-$PWD}"
API="http://$AWS_LAMBDA_RUNTIME_API/2018-06-01/runtime"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/lambkin-sh.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

# A string as a JSON string literal (backslashes, quotes, tabs, CRs escaped; other controls dropped).
json_string() {
  printf '"%s"' "$(printf '%s' "$1" | tr -d '\000-\010\012\013\014\016-\037' |
    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/	/\\t/g' -e "s/$(printf '\r')/\\\\r/g")"
}

# error_json TYPE MESSAGE → the error body the Runtime API expects.
error_json() {
  printf '{"errorType":%s,"errorMessage":%s}' "$(json_string "$1")" "$(json_string "$2")"
}

# post PATH FILE [ERROR_TYPE]: POST a file's bytes; fails when the Runtime API is gone.
post() {
  if [ -n "${3:-}" ]; then
    curl -sS -o /dev/null -X POST -H "Content-Type: application/json" \
      -H "Lambda-Runtime-Function-Error-Type: $3" --data-binary "@$2" "$API$1"
  else
    curl -sS -o /dev/null -X POST --data-binary "@$2" "$API$1"
  fi
}

init_error() {
  echo "$2" >&2
  error_json "$1" "$2" >"$WORK/init-error"
  post /init/error "$WORK/init-error" "$1" || true
  exit 1
}

# header NAME: a header of the last `next` reply (case-insensitive), without CR/LF.
header() {
  grep -i "^$1:" "$WORK/headers" | head -n 1 | cut -d: -f2- | sed -e 's/^[[:space:]]*//' | tr -d '\r\n'
}

case "$_HANDLER" in
  *..*) init_error Runtime.MalformedHandlerName "'$_HANDLER' is not a valid handler name: it may not contain '..'" ;;
  *.*) ;;
  *) init_error Runtime.MalformedHandlerName "Bad handler '$_HANDLER': expected file.function, like function.handler" ;;
esac
HANDLER_FILE="$LAMBDA_TASK_ROOT/${_HANDLER%.*}.sh"
HANDLER_FUNCTION="${_HANDLER##*.}"

[ -f "$HANDLER_FILE" ] || init_error Runtime.ImportModuleError "Error: Cannot find handler script '$HANDLER_FILE'"
# shellcheck disable=SC1090
. "$HANDLER_FILE"
command -v "$HANDLER_FUNCTION" >/dev/null 2>&1 ||
  init_error Runtime.HandlerNotFound "$_HANDLER is undefined or not exported: $HANDLER_FILE defines no function '$HANDLER_FUNCTION'"

while :; do
  # Long poll: blocks until an invocation exists. A failure here (connection refused: lambkin
  # stopped) ends the runtime instead of spinning.
  STATUS="$(curl -sS -D "$WORK/headers" -o "$WORK/event" -w '%{http_code}' "$API/invocation/next")" || exit 1
  [ "$STATUS" = 200 ] || { echo "lambkin-runtime: next answered $STATUS; exiting" >&2; exit 1; }

  REQUEST_ID="$(header Lambda-Runtime-Aws-Request-Id)"
  DEADLINE_MS="$(header Lambda-Runtime-Deadline-Ms)"
  FUNCTION_ARN="$(header Lambda-Runtime-Invoked-Function-Arn)"
  _X_AMZN_TRACE_ID="$(header Lambda-Runtime-Trace-Id)"
  export REQUEST_ID DEADLINE_MS FUNCTION_ARN _X_AMZN_TRACE_ID

  # A subshell, so that `exit` or `set -e` inside the function fails this invocation, not the runtime.
  if ("$HANDLER_FUNCTION" "$(cat "$WORK/event")") >"$WORK/out" 2>"$WORK/err"; then
    cat "$WORK/err" >&2
    printf '%s' "$(cat "$WORK/out")" >"$WORK/response"
    post "/invocation/$REQUEST_ID/response" "$WORK/response" || exit 1
  else
    CODE=$?
    cat "$WORK/err" >&2
    MESSAGE="$(grep -v '^[[:space:]]*$' "$WORK/err" | tail -n 1)" || true
    error_json "HandlerError" "${MESSAGE:-$HANDLER_FUNCTION exited with status $CODE}" >"$WORK/error"
    post "/invocation/$REQUEST_ID/error" "$WORK/error" HandlerError || exit 1
  fi
done
