#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/rtmirror.sh: the library follows the host's routes,
# neighbours and addresses (ulib/serve/rtmirror.c), on the veth pair of
# lib.bash with cse.ko loaded:
#  - a neighbour the kernel already knows takes the first packet without
#    an ARP request (the library's counters show none);
#  - a route added while the program runs is followed: a subnet behind a
#    gateway in the peer namespace is reached, through the user stack,
#    only once the route exists;
#  - an address added on the device while the program runs is local (the
#    kernel carries the connection to it), and its removal is seen;
#  - notifications lost while the program was stopped (the socket
#    overflowed) make it read everything again, and it ends with the
#    host's table.
#
#   host (the library, the kernel)           namespace csee2eN (the kernel)
#   cse-e2e-a 10.98.0.1/24  <--- veth --->  cse-e2e-b 10.98.0.2/24
#   (+ 10.98.0.9/32 for a while)             lo 10.96.0.1/32, reached via
#   cse-e2e-d (dummy, the overflow case)        10.98.0.2 once routed
#
# Prints TAP lines; exits non-zero when a case failed.
. "$(dirname "$(readlink -f "$0")")/lib.bash"

FAR_NET=10.96.0.0/24
FAR=10.96.0.1
EXTRA=10.98.0.9

# until FILE exists (5 s at most)
await() {
	local i
	for i in $(seq 50); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# The library's line about the mirror, from LOG.
mirror_line() {
	grep "^libcse: .*rtmirror:" "$1" | tail -1
}

case_known_neighbour() {
	ip neigh flush dev "$A" 2>/dev/null
	# The kernel resolves the peer (any traffic of its own would do).
	echo x >"/dev/udp/$PEER/9"
	wait_tcp eval "ip neigh show $PEER dev $A | grep -q REACHABLE" ||
		return 1
	peer timeout 10 nc -u -l "$PEER" 9301 >"$W/ugot" &
	local srv=$!
	wait_tcp bound_udp peer 9301 || return 1
	cse "$W/log" timeout 10 /usr/bin/python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(b"known neighbour\n", (sys.argv[1], 9301))
' "$PEER" || return 1
	sleep 0.5
	kill $srv 2>/dev/null
	wait $srv 2>/dev/null
	echo "# $(mirror_line "$W/log")" >>"$W/log"
	grep -qx "known neighbour" "$W/ugot" &&
	grep -q "counters:.* udp_tx=[1-9]" "$W/log" &&
	! grep -q "arp_requests_tx=" "$W/log" &&
	mirror_line "$W/log" | grep -q "neigh_seeded=[1-9]"
}

# Tries FAR before the route exists (the kernel's to refuse), then, once
# told, after it was added (the user stack's, through the gateway).
route_prog='
import os, socket, sys, time
far, d = sys.argv[1], sys.argv[2]
def attempt():
    s = socket.socket()
    s.settimeout(3)
    try:
        s.connect((far, 9302))
        s.sendall(b"routed\n")
        s.close()
        return "ok"
    except OSError as e:
        return type(e).__name__
print("before:", attempt(), flush=True)
open(d + "/ready", "w").close()
for _ in range(100):
    if os.path.exists(d + "/go"):
        break
    time.sleep(0.05)
print("after:", attempt(), flush=True)
'

case_route_follow() {
	peer ip addr add "$FAR/32" dev lo || return 1
	peer timeout 20 nc -l "$FAR" 9302 >"$W/got" &
	local srv=$!
	wait_tcp listening peer 9302 || return 1
	rm -f "$W/ready" "$W/go"
	cse "$W/log" timeout 20 /usr/bin/python3 -c "$route_prog" "$FAR" "$W" \
		>"$W/out" &
	local app=$!
	await "$W/ready" && ip route add "$FAR_NET" via "$PEER" dev "$A"
	local rc=$?
	# The notification reaches the progress thread in well under this.
	sleep 0.5
	touch "$W/go"
	wait $app
	wait $srv
	ip route del "$FAR_NET" 2>/dev/null
	peer ip addr del "$FAR/32" dev lo
	sed 's/^/# /' "$W/out" >>"$W/log"
	echo "# $(mirror_line "$W/log")" >>"$W/log"
	[ $rc = 0 ] && ! grep -q "before: ok" "$W/out" &&
	grep -qx "after: ok" "$W/out" && grep -qx "routed" "$W/got" &&
	grep -q "counters:.* tcp_tx=[1-9]" "$W/log"
}

# Connects to EXTRA once told it is there, then waits to be told it went.
addr_prog='
import os, socket, sys, time
extra, d = sys.argv[1], sys.argv[2]
def wait_for(name):
    for _ in range(100):
        if os.path.exists(d + "/" + name):
            return
        time.sleep(0.05)
open(d + "/ready", "w").close()
wait_for("go")
s = socket.socket()
s.settimeout(3)
try:
    s.connect((extra, 9303))
    s.sendall(b"local\n")
    s.close()
    print("added: ok", flush=True)
except OSError as e:
    print("added:", type(e).__name__, flush=True)
open(d + "/done", "w").close()
wait_for("end")
'

case_addr_local() {
	rm -f "$W/ready" "$W/go" "$W/done" "$W/end"
	cse "$W/log" timeout 20 /usr/bin/python3 -c "$addr_prog" "$EXTRA" "$W" \
		>"$W/out" &
	local app=$!
	await "$W/ready" && ip addr add "$EXTRA/32" dev "$A" || return 1
	# The host's own listener: the connection never leaves the host.
	timeout 20 nc -l "$EXTRA" 9303 >"$W/got" &
	local srv=$!
	wait_tcp listening 9303
	sleep 0.5
	touch "$W/go"
	await "$W/done"
	ip addr del "$EXTRA/32" dev "$A"
	local want
	want=$(ip -4 -o addr show | wc -l)
	sleep 0.5
	touch "$W/end"
	wait $app
	wait $srv
	sed 's/^/# /' "$W/out" >>"$W/log"
	echo "# $(mirror_line "$W/log") (host addresses: $want)" >>"$W/log"
	grep -qx "added: ok" "$W/out" && grep -qx "local" "$W/got" &&
	mirror_line "$W/log" | grep -q " local=$want\$"
}

# Sleeps until told to end; its pid in DIR/pid.
sleeper_prog='
import os, sys, time
d = sys.argv[1]
open(d + "/pid", "w").write(str(os.getpid()))
while not os.path.exists(d + "/end"):
    time.sleep(0.05)
'

DUMMY=cse-e2e-d

case_overflow_resync() {
	rm -f "$W/pid" "$W/end"
	ip link add "$DUMMY" type dummy && ip link set "$DUMMY" up &&
	ip addr add 10.95.0.1/24 dev "$DUMMY" || return 1
	cse "$W/log" timeout 60 /usr/bin/python3 -c "$sleeper_prog" "$W" &
	local app=$!
	await "$W/pid" || return 1
	sleep 0.5	# past the start-up read
	# Stopped, it reads nothing: 2000 changes overflow its socket.
	kill -STOP "$(cat "$W/pid")"
	local i
	for i in $(seq 0 999); do
		echo "route add 10.200.$((i / 250)).$((i % 250))/32 dev $DUMMY"
	done >"$W/add"
	sed 's/ add / del /' "$W/add" >"$W/del"
	ip -batch "$W/add" && ip -batch "$W/del"
	local rc=$?
	kill -CONT "$(cat "$W/pid")"
	sleep 1
	local want
	want=$(ip -4 route show table main | wc -l)
	touch "$W/end"
	wait $app
	ip link del "$DUMMY"
	echo "# $(mirror_line "$W/log") (host routes: $want)" >>"$W/log"
	[ $rc = 0 ] && mirror_line "$W/log" | grep -q "resyncs=[1-9]" &&
	mirror_line "$W/log" | grep -q " routes=$want "
}

if ! setup; then
	echo "not ok 1 e2e rtmirror: cannot set up the veth pair and namespace"
	exit 1
fi
: >"$W/log"

for c in ${CSE_E2E_CASES:-known_neighbour route_follow addr_local \
	 overflow_resync}; do
	t0=$SECONDS
	"case_$c"
	report $? "rtmirror: $c ($((SECONDS - t0)) s)"
	rm -f "$W/got" "$W/ugot" "$W/out"
done
exit $failed
