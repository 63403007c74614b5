# The benchmark's function for lambkin's shell runtime (packages/client/bootstrap.sh): answers with
# its event, unchanged (bootstrap.sh posts what the handler prints).
handler() {
  printf '%s' "$1"
}
