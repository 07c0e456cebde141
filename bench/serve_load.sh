#!/usr/bin/env bash
# Load test of `ess-site serve` on loopback: wrk -t2 -c64 -d20s against a page, while 200 idle
# slow connections (sending a request one byte at a time, never finishing) are held open.
# Prints wrk's figures (requests/s, latency percentiles, errors), the server's memory before
# and after, and checks that it still answers. Installs wrk (Debian) if missing.
#
# Usage: bench/serve_load.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
secs="${1:-20}"
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release --quiet
work="$(mktemp -d)"
cp -r site.toml content "$work/"
./target/release/ess-site -s "$work" serve --port 0 --now 2026-11-23 > "$work/serve.out" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q http "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url="$(grep -o 'http://[^ ]*' "$work/serve.out")"
port="${url##*:}"; port="${port%/}"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "server: $url   memory at start: $(rss)"

# 200 idle slow connections, held for the whole test.
python3 - "$port" "$secs" <<'PY' &
import socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
conns = []
for _ in range(200):
    s = socket.create_connection(("127.0.0.1", port))
    s.send(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    conns.append(s)
end = time.time() + secs + 5
while time.time() < end:
    for s in conns:
        try:
            s.send(b"X")
        except OSError:
            pass
    time.sleep(1)
PY
slow=$!
sleep 1
wrk -t2 -c64 -d"${secs}s" --latency "${url}acteurs/up-sceaux/"
echo "memory after load: $(rss)"
code="$(curl -s -o /dev/null -w '%{http_code}' "${url}")"
echo "still serving: HTTP $code"
kill $slow 2>/dev/null || true
test "$code" = 200
