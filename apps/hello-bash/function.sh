# hello-bash's handler, sourced once by the runtime. `handler` gets the event JSON as $1; what it
# prints on stdout is the response, stderr goes to the log, a non-zero status is a function error
# whose message is its last stderr line.

# The event's "name" (a JSON string without escapes), or "world".
event_name() {
  name="$(printf '%s' "$1" | sed -n 's/.*"name"[[:space:]]*:[[:space:]]*"\([^"\\]*\)".*/\1/p')"
  printf '%s' "${name:-world}"
}

handler() {
  name="$(event_name "$1")"
  case "$name" in
    *[!A-Za-z0-9\ _.-]*)
      echo "name may hold letters, digits, spaces, '_', '.' and '-' only, got: $name" >&2
      return 1
      ;;
  esac
  echo "greeting $name (request $REQUEST_ID)" >&2
  printf '{"message":"Hello, %s!","kernel":"%s","requestId":"%s"}' "$name" "$(uname -sr)" "$REQUEST_ID"
}
