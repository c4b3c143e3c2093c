#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/death.sh: death under load. A server under libcse.so holds
# 100 connections from kernel clients in the peer namespace; it is killed
# with SIGKILL. cse.ko must reset every connection the dead instance had
# (Documentation/security.rst, "When an instance dies"): each client sees
# ECONNRESET within 2 s instead of hanging, the port can be listened on
# again at once, and the module holds nothing of the dead process.
#
# Prints TAP lines; exits non-zero when a case failed. Run in the VM with
# cse.ko loaded (selftests/e2e/run).
. "$(dirname "$(readlink -f "$0")")/lib.bash"

PORT=9100
CONNS=100

t() { # DESCRIPTION COMMAND...: one TAP line
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n death: $what"
	else
		echo "not ok $n death: $what"
		failed=1
	fi
}

# The server: accepts N connections, answers each one's "hi" with "ok",
# then holds them all until it is killed.
server_prog='
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
ls = socket.socket()
ls.bind(("0.0.0.0", port))
ls.listen(128)
conns = []
while len(conns) < n:
    c, _ = ls.accept()
    if c.recv(2) == b"hi":
        c.sendall(b"ok")
    conns.append(c)
print("accepted", len(conns), flush=True)
while True:
    time.sleep(60)
'

# The clients: N connections, each answered; "ready" once all are; from a
# byte on the FIFO GO on, who sees a reset within LIMIT seconds, and when.
clients_prog='
import select, socket, sys, time
host, port, n, go, limit = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
socks = []
for i in range(n):
    s = socket.create_connection((host, port), timeout=20)
    s.sendall(b"hi")
    socks.append(s)
for s in socks:
    if s.recv(2) != b"ok":
        sys.exit("a connection was not answered")
print("ready", flush=True)
open(go).read(1)
t0 = time.monotonic()
pending = {s.fileno(): s for s in socks}
resets = eofs = other = 0
slowest = 0.0
while pending:
    left = limit - (time.monotonic() - t0)
    if left <= 0:
        break
    ready, _, _ = select.select(list(pending), [], [], left)
    for fd in ready:
        s = pending.pop(fd)
        try:
            if s.recv(16):
                other += 1
            else:
                eofs += 1
        except ConnectionResetError:
            resets += 1
            slowest = max(slowest, time.monotonic() - t0)
        except OSError:
            other += 1
print("resets=%d eofs=%d other=%d hung=%d slowest_ms=%d" %
      (resets, eofs, other, len(pending), slowest * 1000), flush=True)
'

# until SECONDS CMD...: CMD succeeds within SECONDS.
until_ok() {
	for _ in $(seq $(($1 * 10))); do
		"${@:2}" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

listening() {
	ss -Htln "sport = :$PORT" | grep -q .
}

# A kernel socket (no library) can listen on the port: it is free.
port_free() {
	/usr/bin/python3 -c '
import socket, sys
s = socket.socket()
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1)
' "$PORT"
}

if ! setup; then
	echo "not ok 1 death: cannot set up the veth pair and namespace"
	exit 1
fi
mkfifo "$W/go"
refs=$(cat /sys/module/cse/refcnt)
t0=$SECONDS

(exec env LD_PRELOAD="$LIB" CSE_IFNAME="$A" /usr/bin/python3 -c "$server_prog" \
	"$PORT" "$CONNS" >"$W/server" 2>"$W/server.err") &
srv=$!
until_ok 20 listening
ip netns exec "$NS" timeout 60 /usr/bin/python3 -c "$clients_prog" \
	"$LOCAL" "$PORT" "$CONNS" "$W/go" 2 >"$W/clients" 2>&1 &
cl=$!
until_ok 30 grep -q '^ready' "$W/clients"
t "$CONNS kernel clients connected to a server under the library" \
	grep -q "^accepted $CONNS" "$W/server"

echo g >"$W/go"
kill -9 $srv
wait $srv 2>/dev/null
t "the server's port can be listened on at once after kill -9" port_free
wait $cl
res=$(grep '^resets=' "$W/clients")
echo "# clients: ${res:-$(tr '\n' ' ' <"$W/clients")}"
t "every client saw ECONNRESET within 2 s, none hung" \
	test "${res% slowest_ms=*}" = "resets=$CONNS eofs=0 other=0 hung=0"
t "the dead server holds no module reference" \
	until_ok 5 test "$(cat /sys/module/cse/refcnt)" = "$refs"
[ -s "$W/server.err" ] && sed 's/^/# server: /' "$W/server.err" | tail -5
echo "# $((SECONDS - t0)) s"
exit $failed
