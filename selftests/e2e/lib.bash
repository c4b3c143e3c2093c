#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/lib.bash: what the end-to-end scripts share, sourced by them.
# The library serves one end of a veth pair; the other end is in a network
# namespace where the kernel's own TCP/IP is the peer. Cases report TAP
# lines through report(); the script exits with $failed.
set -u
set -m	# background jobs keep SIGINT (not ignored as without job control)

SRC=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
LIB=$SRC/ulib/libcse.so
MB=${CSE_E2E_MB:-100}
NS=csee2e$$
A=cse-e2e-a
B=cse-e2e-b
LOCAL=10.98.0.1
PEER=10.98.0.2
W=$(mktemp -d /var/tmp/cse-e2e.XXXXXX)
T=${CSE_E2E_T:-120}		# seconds any one program may take
n=0
failed=0

cleanup_net() {
	ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null
	ip link del "$A" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
}

cleanup() {
	jobs -p | xargs -r kill 2>/dev/null
	cleanup_net
	rm -rf "$W"
}
trap cleanup EXIT

setup() {
	ip link set lo up
	ip netns add "$NS" 2>/dev/null
	ip netns list | grep -qw "$NS" &&
	ip link add "$A" type veth peer name "$B" &&
	ip link set "$B" netns "$NS" &&
	ip addr add "$LOCAL/24" dev "$A" &&
	ip link set "$A" up &&
	ip -n "$NS" addr add "$PEER/24" dev "$B" &&
	ip -n "$NS" link set "$B" up &&
	ip -n "$NS" link set lo up
}

# peer CMD...: run CMD on the kernel's stack in the peer namespace.
peer() {
	ip netns exec "$NS" "$@"
}

# cse LOG CMD...: run CMD under the library, its stderr (counters) in LOG.
cse() {
	local log=$1
	shift
	env LD_PRELOAD="$LIB" CSE_IFNAME="$A" CSE_STATS=1 "$@" 2>>"$log"
}

# served LOG PROTO: the library's counters in LOG show PROTO traffic.
served() {
	grep -q "counters:.* $2_rx=[1-9]" "$1" && grep -q "counters:.* $2_tx=[1-9]" "$1"
}

same() {
	[ "$(sha256sum <"$1" | cut -d' ' -f1)" = "$SUM" ]
}

# wait_tcp CHECK ARGS...: until CHECK (listening, bound_udp) succeeds.
wait_tcp() {
	local i
	for i in $(seq 100); do
		"$@" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

report() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n $2"
	else
		echo "not ok $n $2"
		failed=1
		[ -s "$W/log" ] && sed 's/^/# /' "$W/log" | tail -20
	fi
	: >"$W/log"
}

listening() { # [peer] PORT
	if [ "$1" = peer ]; then
		peer ss -Htln "sport = :$2" | grep -q .
	else
		ss -Htln "sport = :$1" | grep -q .
	fi
}

# bound_udp [peer] PORT: a UDP socket is bound there (a receiver is up;
# sending earlier would earn a port unreachable).
bound_udp() {
	if [ "$1" = peer ]; then
		peer ss -Huln "sport = :$2" | grep -q .
	else
		ss -Huln "sport = :$1" | grep -q .
	fi
}

# served_fd PGREP_ARGS...: the newest process pgrep finds has a cse socket
# file open (a server that runs on and never reports counters).
served_fd() {
	ls -l /proc/"$(pgrep -n "$@")"/fd 2>/dev/null | grep -q 'cse-socket'
}
