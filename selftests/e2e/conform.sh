#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/conform.sh: the socket API conformance program
# (selftests/e2e/conform.c) once on the kernel's stack and once under
# libcse.so, in this boot of the VM with cse.ko loaded; the two outputs
# must be the same, byte for byte. Each run gets a veth pair and a peer
# namespace of its own, built the same way, so that nothing one run left
# behind (TIME-WAIT sockets, neighbour entries) is seen by the other.
#
# Prints TAP: the diff, when there is one, as "# " lines; exits non-zero
# when a case failed.
set -u

SRC=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
LIB=$SRC/ulib/libcse.so
PROG=$SRC/build/ulib/e2e/conform
NS=csecf$$
A=cse-cf-a
B=cse-cf-b
LOCAL=10.97.0.1
PEER=10.97.0.2
W=$(mktemp -d /var/tmp/cse-conform.XXXXXX)
T=300				# seconds one run may take
n=0
failed=0

down() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip link del "$A" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

# CONFORM_KEEP=DIR keeps both outputs and the library's stderr there.
cleanup() {
	down
	[ -n "${CONFORM_KEEP:-}" ] && cp "$W"/*.out "$W"/*.err "$CONFORM_KEEP/"
	rm -rf "$W"
}
trap cleanup EXIT

# IPv6 stays off: its autoconfiguration would put frames on the wire.
up() {
	ip link set lo up &&
	ip netns add "$NS" &&
	ip link add "$A" type veth peer name "$B" &&
	ip link set "$B" netns "$NS" &&
	sysctl -qw "net.ipv6.conf.$A.disable_ipv6=1" &&
	ip netns exec "$NS" sysctl -qw "net.ipv6.conf.$B.disable_ipv6=1" &&
	ip addr add "$LOCAL/24" dev "$A" &&
	ip link set "$A" up &&
	ip -n "$NS" addr add "$PEER/24" dev "$B" &&
	ip -n "$NS" link set "$B" up &&
	ip -n "$NS" link set lo up
}

report() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n conform: $2"
	else
		echo "not ok $n conform: $2"
		failed=1
	fi
}

# run NAME [ENV...]: one run of the program, its stdout in $W/NAME.out.
run() {
	local name=$1
	shift
	down
	if ! up; then
		echo "# cannot set up the veth pair and namespace" >"$W/$name.out"
		return 1
	fi
	env "$@" timeout $T "$PROG" "$LOCAL" "$PEER" "$NS" \
		>"$W/$name.out" 2>"$W/$name.err"
}

if [ ! -x "$PROG" ]; then
	echo "not ok 1 conform: $PROG is not built (run make)"
	exit 1
fi
run kernel
rc=$?
report $rc "the kernel's run ($(grep -c . "$W/kernel.out") checks)"
[ $rc = 0 ] || sed 's/^/# /' "$W/kernel.err" | tail -20

run cse LD_PRELOAD="$LIB" CSE_IFNAME="$A" CSE_STATS=1
rc=$?
report $rc "the library's run"
[ $rc = 0 ] || sed 's/^/# /' "$W/cse.err" | tail -20

# The library must have carried the traffic, not handed it back: every
# socket the program expects to be served is a socket file ("not served"
# lines otherwise), and the counters show TCP and UDP.
grep -q "counters:.* tcp_rx=[1-9]" "$W/cse.err" &&
	grep -q "counters:.* udp_rx=[1-9]" "$W/cse.err" &&
	! grep -q "not served" "$W/cse.err"
rc=$?
report $rc "served by the library (socket files; TCP and UDP counters)"
[ $rc = 0 ] || sed 's/^/# /' "$W/cse.err" | tail -20

diff -u "$W/kernel.out" "$W/cse.out" >"$W/diff"
rc=$?
report $rc "identical"
[ $rc = 0 ] || sed 's/^/# /' "$W/diff"
exit $failed
