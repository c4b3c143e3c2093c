#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/apps.sh: unmodified Debian programs under libcse.so, run in
# the VM with cse.ko loaded. The library serves one end of a veth pair; the
# other end is in a network namespace where the kernel's own TCP/IP is the
# peer. Every case checks the data (SHA-256 of what arrived), the programs'
# exit status, and that the user stack carried the traffic (the library's
# CSE_STATS=1 counters), not only that something exited 0.
#
# Prints TAP lines; exits non-zero when a case failed. CSE_E2E_MB sets the
# payload (default 100 MiB), CSE_E2E_CASES a subset of the cases.
. "$(dirname "$(readlink -f "$0")")/lib.bash"

case_curl_get() {
	peer /usr/bin/python3 -m http.server 8080 --bind "$PEER" --directory "$W" \
		>/dev/null 2>&1 &
	local srv=$!
	wait_tcp listening peer 8080 &&
	cse "$W/log" timeout $T curl -sS -o "$W/got" "http://$PEER:8080/blob" &&
	same "$W/got" && served "$W/log" tcp
	local rc=$?
	kill $srv; wait $srv 2>/dev/null
	return $rc
}

case_wget_get() {
	peer /usr/bin/python3 -m http.server 8081 --bind "$PEER" --directory "$W" \
		>/dev/null 2>&1 &
	local srv=$!
	wait_tcp listening peer 8081 &&
	cse "$W/log" timeout $T wget -q -O "$W/got" "http://$PEER:8081/blob" &&
	same "$W/got" && served "$W/log" tcp
	local rc=$?
	kill $srv; wait $srv 2>/dev/null
	return $rc
}

# The server busy-polls (CSE_BUSY_POLL_US): waits end on the rings.
case_http_server() {
	CSE_BUSY_POLL_US=200 cse "$W/log" timeout $T /usr/bin/python3 -m http.server 8082 \
		--directory "$W" >/dev/null &
	local srv=$!
	wait_tcp listening 8082 &&
	peer timeout ${CURL_T:-$T} curl -sS -o "$W/got" "http://$LOCAL:8082/blob" &&
	same "$W/got"
	local rc=$?
	# SIGINT, not TERM: Python exits through its handlers, so the
	# library's exit code runs and reports. timeout(1) has a process
	# group of its own, hence pkill rather than the job's group.
	pkill -INT -f "^/usr/bin/python3 -m http.server 8082"
	wait $srv 2>/dev/null
	[ $rc = 0 ] && served "$W/log" tcp &&
	grep -q "busy_poll_hits=[1-9].*CSE_BUSY_POLL_US=200" "$W/log"
}

case_socat_tcp_out() {
	peer timeout $T socat -u TCP-LISTEN:9001,reuseaddr CREATE:"$W/got" &
	local srv=$!
	wait_tcp listening peer 9001 &&
	cse "$W/log" timeout $T socat -u OPEN:"$W/blob" TCP:"$PEER":9001 &&
	wait $srv && same "$W/got" && served "$W/log" tcp
}

case_socat_tcp_in() {
	cse "$W/log" timeout $T socat -u TCP-LISTEN:9002,reuseaddr CREATE:"$W/got" &
	local srv=$!
	wait_tcp listening 9002 &&
	peer timeout $T socat -u OPEN:"$W/blob" TCP:"$LOCAL":9002 &&
	wait $srv && same "$W/got" && served "$W/log" tcp
}

case_nc_tcp_out() {
	peer timeout $T nc -l "$PEER" 9003 >"$W/got" &
	local srv=$!
	wait_tcp listening peer 9003 &&
	cse "$W/log" timeout $T nc -N "$PEER" 9003 <"$W/blob" &&
	wait $srv && same "$W/got" && served "$W/log" tcp
}

case_nc_tcp_in() {
	cse "$W/log" timeout $T nc -l 9004 >"$W/got" &
	local srv=$!
	wait_tcp listening 9004 &&
	peer timeout $T nc -N "$LOCAL" 9004 <"$W/blob" &&
	wait $srv && same "$W/got" && served "$W/log" tcp
}

# netcat over UDP: 20 lines, paced so that the sender's reads (each one a
# datagram) are small; the receiver listens for a fixed time, since UDP has
# no end, and must have every byte in order.
nc_lines() {
	local i
	for i in $(seq 20); do
		echo "netcat datagram $i"
		sleep 0.05
	done
}

case_nc_udp_out() {
	peer timeout 15 nc -u -l "$PEER" 9010 >"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp peer 9010 || return 1
	nc_lines | cse "$W/log" timeout 20 nc -u -q 1 "$PEER" 9010 || return 1
	wait $srv
	seq -f "netcat datagram %g" 20 | cmp -s - "$W/ugot" &&
	grep -q "counters:.* udp_tx=[1-9]" "$W/log"
}

case_nc_udp_in() {
	cse "$W/log" timeout 15 nc -u -l 9011 >"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp 9011 || return 1
	nc_lines | peer timeout 20 nc -u -q 1 "$LOCAL" 9011 || return 1
	# It never exits by itself (no counters at exit): look at its socket.
	served_fd -xf 'nc -u -l 9011'
	local served=$?
	wait $srv
	seq -f "netcat datagram %g" 20 | cmp -s - "$W/ugot" && [ $served = 0 ]
}

# UDP: 64 KiB of numbered lines in 1400-byte datagrams (one frame each);
# every one must arrive intact. With BIG=8192 they are larger than the MTU.
case_socat_udp_out() {
	peer timeout 30 socat -u -T 6 UDP-RECV:9005 CREATE:"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp peer 9005 || return 1
	cse "$W/log" timeout 20 socat -u -b "${BIG:-1400}" OPEN:"$W/lines" \
		UDP-SENDTO:"$PEER":9005 &&
	wait $srv && cmp -s "$W/lines" "$W/ugot" &&
	{ [ -n "${BIG:-}" ] || grep -q "counters:.* udp_tx=[1-9]" "$W/log"; }
}

# Datagrams over the MTU leave through the kernel socket that owns the
# port (the stack does not fragment): they must arrive whole both ways.
case_socat_udp_big() {
	BIG=8192 case_socat_udp_out >/dev/null
	local rc=$?
	[ $rc = 0 ] || { echo "# out failed" >>"$W/log"; return $rc; }
	: >"$W/log"
	rm -f "$W/ugot"
	cse "$W/log" timeout 30 socat -u -T 6 UDP-RECV:9007 CREATE:"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp 9007 || return 1
	peer timeout 20 socat -u -b 8192 OPEN:"$W/lines" UDP-SENDTO:"$LOCAL":9007 &&
	wait $srv && cmp -s "$W/lines" "$W/ugot"
}

case_socat_udp_in() {
	cse "$W/log" timeout 30 socat -u -T 6 UDP-RECV:9006 CREATE:"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp 9006 || return 1
	peer timeout 20 socat -u -b "${BIG:-1400}" OPEN:"$W/lines" \
		UDP-SENDTO:"$LOCAL":9006 &&
	wait $srv && cmp -s "$W/lines" "$W/ugot" &&
	grep -q "counters:.* udp_rx=[1-9]" "$W/log"
}

# A daemon-style program closes every descriptor it did not open: the
# library's own (device, eventfd) must survive, and its sockets still work.
case_close_all_fds() {
	peer /usr/bin/python3 -m http.server 8083 --bind "$PEER" --directory "$W" \
		>/dev/null 2>&1 &
	local srv=$!
	wait_tcp listening peer 8083 &&
	cse "$W/log" timeout $T /usr/bin/python3 -c '
import os, sys, urllib.request
for fd in range(3, 4096):
    try:
        os.close(fd)
    except OSError:
        pass
print(len(urllib.request.urlopen(sys.argv[1]).read()))
' "http://$PEER:8083/blob" >"$W/n" &&
	[ "$(cat "$W/n")" = $((MB << 20)) ] && served "$W/log" tcp
	local rc=$?
	kill $srv; wait $srv 2>/dev/null
	return $rc
}

# What the stack cannot serve falls back to the kernel cleanly: with one
# socket slot (CSE_MAX_SOCKETS=1) the second connection, and one with an
# option the stack lacks (SO_PRIORITY) set before connect(), are kernel
# sockets; all three downloads are whole. /proc/self/fd tells which is what.
fallback_prog='
import os, socket, sys
peer, size = sys.argv[1], int(sys.argv[2])
def fetch(prio):
    s = socket.socket()
    if prio:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_PRIORITY, 3)
    s.connect((peer, 8084))
    kind = os.readlink("/proc/self/fd/%d" % s.fileno()).split(":")[0]
    s.sendall(b"GET /blob HTTP/1.0\r\n\r\n")
    f = s.makefile("rb")
    while f.readline() not in (b"\r\n", b""):
        pass
    n = 0
    while True:
        d = f.read(1 << 16)
        if not d:
            break
        n += len(d)
    return s, "%s %s" % (kind, "whole" if n == size else n)
a, ka = fetch(False)
b, kb = fetch(False)
c, kc = fetch(True)
print(ka, kb, kc, sep="\n")
'

case_fallback() {
	peer /usr/bin/python3 -m http.server 8084 --bind "$PEER" --directory "$W" \
		>/dev/null 2>&1 &
	local srv=$!
	wait_tcp listening peer 8084 &&
	cse "$W/log" env CSE_MAX_SOCKETS=1 timeout $T /usr/bin/python3 -c \
		"$fallback_prog" "$PEER" $((MB << 20)) >"$W/kinds" &&
	printf '%s\n' "anon_inode whole" "socket whole" "socket whole" |
		cmp -s - "$W/kinds" && served "$W/log" tcp
	local rc=$?
	[ $rc = 0 ] || sed 's/^/# /' "$W/kinds" >>"$W/log"
	kill $srv; wait $srv 2>/dev/null
	return $rc
}

# The served device is deleted under a running program: what its sockets
# report afterwards must be what the kernel's report (the same program
# without the library first, on a fresh pair, as the reference). Ends the
# topology, so it runs last and rebuilds it for nothing after.
gone_prog='
import errno, socket, subprocess, sys, time
peer, dev = sys.argv[1], sys.argv[2]
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"before", (peer, 9999))
subprocess.run(["ip", "link", "del", dev], check=True)
time.sleep(1)
def attempt(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
print("udp send:", attempt(lambda: u.sendto(b"after", (peer, 9999))))
t = socket.socket()
t.settimeout(5)
print("tcp connect:", attempt(lambda: t.connect((peer, 80))))
'

case_device_gone() {
	/usr/bin/python3 -c "$gone_prog" "$PEER" "$A" >"$W/kernel" 2>&1
	cleanup_net
	setup || return 1
	cse "$W/log" timeout 30 /usr/bin/python3 -c "$gone_prog" "$PEER" "$A" \
		>"$W/cse" 2>>"$W/log"
	echo "# kernel: $(tr '\n' ' ' <"$W/kernel")" >>"$W/log"
	echo "# cse:    $(tr '\n' ' ' <"$W/cse")" >>"$W/log"
	grep -q "udp_tx=[1-9]" "$W/log" && cmp -s "$W/kernel" "$W/cse"
}

if ! setup; then
	echo "not ok 1 e2e apps: cannot set up the veth pair and namespace"
	exit 1
fi
head -c "${MB}M" /dev/urandom >"$W/blob"
SUM=$(sha256sum <"$W/blob" | cut -d' ' -f1)
seq -f "datagram line %06g" 1 3000 | head -c 65536 >"$W/lines"
: >"$W/log"

for c in ${CSE_E2E_CASES:-curl_get wget_get http_server socat_tcp_out \
	 socat_tcp_in nc_tcp_out nc_tcp_in socat_udp_out socat_udp_in \
	 socat_udp_big nc_udp_out nc_udp_in close_all_fds fallback \
	 device_gone}; do
	t0=$SECONDS
	"case_$c"
	report $? "apps: $c (${MB} MiB TCP or 64 KiB UDP, $((SECONDS - t0)) s)"
	rm -f "$W/got" "$W/ugot"
done
exit $failed
