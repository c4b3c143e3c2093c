#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/ident.sh: an application with a network identity of its
# own (CSE_ADDR, CSE_MAC; Documentation/admin-guide/library.rst). A Python
# server under libcse.so with CSE_ADDR=10.98.0.5/24, an address no device
# has, answers a kernel client in the peer namespace over TCP and answers
# its ping; the peer learns the claimed MAC for it and never hears of the
# host's own address. A second application asking for the same address
# fails clearly (one line, socket() fails with EADDRINUSE), and once the
# first is gone (SIGKILL) the address can be had again. csectl shows the
# claimed address; a malformed CSE_ADDR fails closed as well; a client
# under CSE_ADDR connects out from the claimed address.
#
# Prints TAP lines; exits non-zero when a case failed. Run in the VM with
# cse.ko loaded (selftests/e2e/run).
. "$(dirname "$(readlink -f "$0")")/lib.bash"

PY=/usr/bin/python3
PORT=9200
IDENT=10.98.0.5
MAC=02:00:5e:62:00:05

t() { # DESCRIPTION COMMAND...: one TAP line
	local what=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n ident: $what"
	else
		echo "not ok $n ident: $what"
		failed=1
		[ -s "$W/srv.err" ] && sed 's/^/# /' "$W/srv.err" | tail -5
	fi
}

# The server: says how it sees each connection (its own address, the
# peer's) to whoever connects and sends "hi".
server_prog='
import socket, sys
ls = socket.socket()
ls.bind(("0.0.0.0", int(sys.argv[1])))
ls.listen(8)
print("listening", flush=True)
while True:
    c, peer = ls.accept()
    if c.recv(2) == b"hi":
        c.sendall(("%s %s" % (c.getsockname()[0], peer[0])).encode())
    c.close()
'

# The client: what the server said, and whom it talked to.
client_prog='
import socket, sys
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=10)
s.sendall(b"hi")
print(s.recv(64).decode(), s.getpeername()[0])
'

# An ICMP echo to ARGV[1] from a raw socket; exit 0 when answered.
ping_prog='
import os, socket, struct, sys, time
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    return ~(s + (s >> 16)) & 0xffff
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
s.settimeout(5)
h = struct.pack("!BBHHH", 8, 0, 0, 0x77, 1) + b"cse-ident-ping!!"
h = h[:2] + struct.pack("!H", csum(h)) + h[4:]
s.sendto(h, (sys.argv[1], 0))
end = time.monotonic() + 5
while time.monotonic() < end:
    p, a = s.recvfrom(256)
    i = (p[0] & 15) * 4
    if a[0] == sys.argv[1] and p[i] == 0 and p[i + 4:i + 6] == b"\x00\x77":
        sys.exit(0)
sys.exit(1)
'

# An application that wants two sockets on one port: socket()'s errno,
# or "bound" and the second bind()'s errno (the kernel's rule holds
# between the application's own sockets).
socket_prog='
import socket, sys
try:
    s = socket.socket()
except OSError as e:
    sys.exit(print(e.errno))
s.bind(("0.0.0.0", int(sys.argv[1])))
s.listen(1)
try:
    socket.socket().bind((sys.argv[2], int(sys.argv[1])))
    print("bound twice")
except OSError as e:
    print("bound", e.errno)
'

# A server on the peer's kernel: prints the address its one client came
# from, and echoes what it sent.
peer_server_prog='
import socket, sys
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("0.0.0.0", int(sys.argv[1])))
ls.listen(1)
c, peer = ls.accept()
c.sendall(c.recv(16))
print(peer[0], flush=True)
'

setup || { echo "not ok 1 ident: setup"; exit 1; }

(exec env LD_PRELOAD="$LIB" CSE_IFNAME="$A" CSE_ADDR=$IDENT/24 CSE_MAC=$MAC \
	$PY -c "$server_prog" $PORT >"$W/srv.out" 2>"$W/srv.err") &
srv=$!
t "the server listens on its own address" wait_tcp listening $PORT
t "the server claimed it (no fallback line)" \
	test "$(grep -c 'libcse:' "$W/srv.err")" = 0

out=$(peer $PY -c "$client_prog" $IDENT $PORT 2>&1)
t "a kernel client reaches the server at $IDENT ($out)" \
	test "$out" = "$IDENT $PEER $IDENT"
t "the server answers ping at $IDENT" peer $PY -c "$ping_prog" $IDENT
t "the peer knows $IDENT at the claimed MAC" \
	bash -c "ip -n $NS neigh show $IDENT | grep -q 'lladdr $MAC'"
t "the peer never heard of the host's own address" \
	test -z "$(ip -n "$NS" neigh show "$LOCAL")"

shown=$("$SRC/build/tools/csectl" show "pid:$srv" 2>&1 | grep address)
t "csectl shows the address ($shown)" \
	test "$shown" = "  address   $IDENT/24, MAC $MAC (its own)"

second=$(CSE_ADDR=$IDENT/24 cse "$W/second.err" $PY -c "$socket_prog" $PORT \
	$IDENT)
t "a second application cannot have $IDENT: socket() fails ($second)" \
	test "$second" = 98
t "... and says why in one line" \
	test "$(grep -c 'CSE_ADDR=10.98.0.5/24: cannot claim the address' \
		"$W/second.err")" = 1

bad=$(CSE_ADDR=$IDENT cse "$W/bad.err" $PY -c "$socket_prog" $PORT $IDENT)
t "a malformed CSE_ADDR fails closed too: socket() fails ($bad)" \
	test "$bad" = 22
t "... and says why in one line" \
	test "$(grep -c "CSE_ADDR=$IDENT: not an IPv4 address/prefix length" \
		"$W/bad.err")" = 1

kill -9 "$srv"
wait "$srv" 2>/dev/null
third=$(CSE_ADDR=$IDENT/24 cse "$W/third.err" $PY -c "$socket_prog" $PORT \
	$IDENT)
t "once the first is gone the address is free again ($third)" \
	test "${third%% *}" = bound
t "two sockets of one application on one port: EADDRINUSE" \
	test "$third" = "bound 98"

peer timeout 30 $PY -c "$peer_server_prog" $((PORT + 1)) >"$W/peer.out" &
wait_tcp listening peer $((PORT + 1))
got=$(CSE_ADDR=$IDENT/24 cse "$W/out.err" $PY -c "$client_prog" $PEER \
	$((PORT + 1)) 2>&1)
wait
t "an outgoing connection leaves from $IDENT ($(cat "$W/peer.out"), $got)" \
	test "$(cat "$W/peer.out")" = "$IDENT"
exit $failed
