# Helpers shared by loadtests/bench.sh and loadtests/peers.sh (sourced, not run). Each script sets
# SCRIPT_NAME first, for the messages.

free_port() {
  if command -v python3 >/dev/null; then
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
  else
    local p
    while :; do
      p=$(( 20000 + RANDOM % 30000 ))
      (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
    done
  fi
}

wait_for() { # URL [header]: until it answers 2xx, at most 60 s
  local url="$1" header="${2:-}"
  for _ in $(seq 1 300); do
    if curl -fsS -o /dev/null ${header:+-H "$header"} "$url" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "${SCRIPT_NAME:-loadtests}: $url did not come up" >&2
  return 1
}
