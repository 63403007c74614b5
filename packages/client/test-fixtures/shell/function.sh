# Sourced by bootstrap.sh (_HANDLER=function.handler): `handler` gets the event JSON as $1, prints
# the response on stdout and logs on stderr; a non-zero status fails the invocation.
handler() {
  case "$1" in
    *'"fail"'*)
      echo "about to fail" >&2
      echo "something went \"wrong\"" >&2
      return 3
      ;;
  esac
  echo "log line from the function" >&2
  printf '{"echo":%s,"requestId":"%s","trace":"%s"}\n' "$1" "$REQUEST_ID" "$_X_AMZN_TRACE_ID"
}
