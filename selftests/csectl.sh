#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# csectl (tools/csectl, csectl(8)) against live instances, in the VM: the
# test sets up instances with cse_holder (a veth pair, reserved ports,
# traffic from the peer) and checks that list, show, filters, stats and
# monitor report exactly that, in tables and in JSON (parsed with python3),
# and sockets lists what a program under libcse.so holds;
# then what an unprivileged user gets, unknown instances, and bad command
# lines for every command. Prints TAP; exit status 1 when a check failed,
# 4 (skip) without cse.ko, csectl or root.
set -u

here=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
SRC=$(cd "$here/.." && pwd)
C=${CSECTL:-$SRC/build/tools/csectl}
HOLDER=${CSE_HOLDER:-$SRC/build/selftests/cse_holder}
[ -x "$HOLDER" ] || HOLDER=$here/cse_holder
NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n csectl: $1"; }
not_ok() {
	n=$((n + 1)); failed=$((failed + 1))
	echo "not ok $n csectl: $1"
}
# t DESCRIPTION COMMAND...: one check.
t() {
	local what=$1
	shift
	if "$@"; then ok "$what"; else not_ok "$what"; fi
}
# show the output a failed check looked at
dump() { sed 's/^/#   /' <<<"$1"; }
skip() {
	echo "ok 1 csectl # SKIP $1"
	echo "1..1"
	exit 4
}

[ -c /dev/cse ] || skip "/dev/cse missing: is cse.ko loaded?"
[ -x "$C" ] || skip "$C missing: run make"
[ -x "$HOLDER" ] || skip "$HOLDER missing: run make"
[ "$(id -u)" = 0 ] || skip "needs root for the veth topology"

work=$(mktemp -d /tmp/csectl.XXXXXX)
tag=$$
a=csectl${tag}a b=csectl${tag}b ns=csectl-peer-$tag
net=10.79.$((tag % 250 + 1))
holders=()

cleanup() {
	local p
	for p in "${holders[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	printf 'link del %s\nnetns del %s\n' "$a" "$ns" | ip -force -batch - 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

ip -batch - <<EOF || skip "cannot build the veth topology"
netns add $ns
link add $a type veth peer name $b netns $ns
addr add $net.1/24 dev $a
link set $a up
EOF
ip -n "$ns" -batch - <<EOF
addr add $net.2/24 dev $b
link set $b up
EOF
ifindex=$(cat "/sys/class/net/$a/ifindex")

# hold NAME [cse_holder options]: start a holder; sets $pid and $id.
hold() {
	local name=$1 out=$work/$1.out i line
	shift
	"$HOLDER" -n "$name" "$@" >"$out" 2>&1 </dev/null &
	pid=$!
	holders+=("$pid")
	id=0
	for ((i = 0; i < 200; i++)); do
		line=
		[ -s "$out" ] && read -r line <"$out"
		[[ ${line:-} == "id "* ]] && { id=${line#id }; break; }
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[ "$id" != 0 ] || echo "# holder $name failed: $(cat "$out")"
}

# wait_for FILE PATTERN: until a line of FILE matches (bash) PATTERN, 5 s
# at most; without a process per look.
wait_for() {
	local i line
	for ((i = 0; i < 100; i++)); do
		if [ -e "$1" ]; then
			while IFS= read -r line; do
				[[ $line =~ $2 ]] && return 0
			done <"$1"
		fi
		sleep 0.05
	done
	return 1
}

# unhold PID: end a holder and wait for it.
unhold() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}

# py DESCRIPTION FILE EXPRESSION...: a check of JSON output, run later by
# one python3 for all of them (each python3 costs a second in the VM): FILE
# loaded as j, every EXPRESSION must hold.
checks=$work/checks
py() {
	local what=$1 file=$2
	shift 2
	printf '%s\t%s' "$what" "$file" >>"$checks"
	printf '\t%s' "$@" >>"$checks"
	printf '\n' >>"$checks"
}

# run_py: the deferred checks, as TAP lines numbered after ours.
run_py() {
	local out
	out=$(python3 - "$checks" "$n" <<'PY'
import json, sys
n = int(sys.argv[2])
for line in open(sys.argv[1]):
    what, file, *exprs = line.rstrip('\n').split('\t')
    n += 1
    try:
        if file.endswith('.jsonl'):
            j = [json.loads(l) for l in open(file)]
        else:
            j = json.load(open(file))
        bad = [e for e in exprs if not eval(e)]
    except Exception as e:
        bad = ['%s: %s' % (type(e).__name__, e)]
    print('%sok %d csectl: %s' % ('not ' if bad else '', n, what))
    for e in bad:
        print('#   failed:', e)
PY
)
	echo "$out"
	n=$((n + $(grep -c '^\(not \)\?ok ' <<<"$out")))
	failed=$((failed + $(grep -c '^not ok ' <<<"$out")))
}

P_TCP=$((30000 + tag % 1000 * 4)) P_UDP=$((P_TCP + 1)) P_CON=$((P_TCP + 2))

# The instances: a server (attached, four filters, a socket file) and an
# idle client (handshake only).
hold csectl-srv -i "$a" -s 8 -t "$P_TCP" -u "$P_UDP" -c "$P_CON:$net.2:53" -k
srv=$id srv_pid=$pid
hold csectl-idle
idle=$id idle_pid=$pid
t "the test's instances exist" test "$srv" != 0 -a "$idle" != 0

# Three datagrams from the peer's kernel to the server's UDP port (bash's
# /dev/udp: one process, where a program per datagram costs seconds).
ip netns exec "$ns" bash -c "for i in 1 2 3; do echo \"datagram \$i\" >/dev/udp/$net.1/$P_UDP; done"
for ((i = 0; i < 40; i++)); do
	[ "$("$C" --json stats "$srv" | grep -o '"rx_frames": [0-9]*' | grep -o '[0-9]*$')" -ge 3 ] 2>/dev/null && break
	sleep 0.05
done

# --- list
out=$("$C" list)
rc=$?
t "list: exit status 0" test $rc = 0
t "list: a header line" grep -q '^ *ID  *PID  *COMM  *USER  *STATE  *DEVICE' <<<"$out"
row=$(awk -v id="$srv" '$1 == id' <<<"$out")
t "list: the server's row (pid, name, user, state, device, rings, frame, sockets, filters)" \
	test "$(awk '{print $2, $3, $4, $5, $6, $7, $8, $9, $10}' <<<"$row")" = \
	"$srv_pid csectl-srv root attached $a 64/64/16 2048 1/8 4"
row=$(awk -v id="$idle" '$1 == id' <<<"$out")
t "list: the idle client's row" \
	test "$(awk '{print $2, $3, $5, $6, $7, $10}' <<<"$row")" = \
	"$idle_pid csectl-idle handshaken - - 0"
[ $failed = 0 ] || dump "$out"

"$C" list --json >"$work/list.json"
t "list --json: exit status 0" test $? = 0
t "list --json: python3 -m json.tool parses it" \
	python3 -m json.tool "$work/list.json" /dev/null
py "list --json: the server's fields" "$work/list.json" \
	"[i['id'] for i in j].count($srv) == 1" \
	"[i for i in j if i['id'] == $srv][0]['pid'] == $srv_pid" \
	"[i for i in j if i['id'] == $srv][0]['comm'] == 'csectl-srv'" \
	"[i for i in j if i['id'] == $srv][0]['state'] == 'attached'" \
	"[i for i in j if i['id'] == $srv][0]['ifindex'] == $ifindex" \
	"[i for i in j if i['id'] == $srv][0]['ifname'] == '$a'" \
	"[i for i in j if i['id'] == $srv][0]['rx_entries'] == 64" \
	"[i for i in j if i['id'] == $srv][0]['ev_entries'] == 16" \
	"[i for i in j if i['id'] == $srv][0]['sock_entries'] == 8" \
	"[i for i in j if i['id'] == $srv][0]['sockets_used'] == 1" \
	"[i for i in j if i['id'] == $srv][0]['nr_filters'] == 4" \
	"[i for i in j if i['id'] == $srv][0]['features'] == ['sockets', 'port-fd']" \
	"[i for i in j if i['id'] == $idle][0]['state'] == 'handshaken'" \
	"[i for i in j if i['id'] == $idle][0]['ifname'] is None"

# --- show
out=$("$C" show "$srv")
t "show ID: exit status 0" test $? = 0
t "show ID: the instance, its process and device" \
	test -n "$(grep -x "instance $srv" <<<"$out")" \
	-a -n "$(grep -x "  process   $srv_pid (csectl-srv), user root" <<<"$out")" \
	-a -n "$(grep -x "  device    $a (ifindex $ifindex)" <<<"$out")" \
	-a -n "$(grep -x "  sockets   1 of 8 slots in use" <<<"$out")"
t "show ID: its filters, one line each" \
	test "$(grep -cE "^ +[0-9]+  (tcp|udp) " <<<"$out")" = 4 \
	-a -n "$(grep -E " tcp +\*:$P_TCP +\*:\* +listening +module +active$" <<<"$out")" \
	-a -n "$(grep -E " udp +\*:$P_CON +$net.2:53 +connected +module +active$" <<<"$out")" \
	-a -n "$(grep -E " udp +\*:[0-9]+ +\*:\* +listening +caller +active$" <<<"$out")"
t "show ID: its counters saw the three datagrams" \
	test "$(awk '$1 == "rx_frames" {print ($2 >= 3)}' <<<"$out")" = 1
[ $failed = 0 ] || dump "$out"

"$C" show --json "$srv" >"$work/show.json"
py "show --json ID: filters and counters" "$work/show.json" \
	"j['id'] == $srv" \
	"len(j['filters']) == 4" \
	"j['filters'][0]['proto'] == 'tcp' and j['filters'][0]['local_port'] == $P_TCP" \
	"j['filters'][1]['proto'] == 'udp' and j['filters'][1]['local_port'] == $P_UDP" \
	"j['filters'][2]['connected'] and j['filters'][2]['remote_addr'] == '$net.2'" \
	"j['filters'][2]['remote_port'] == 53" \
	"j['filters'][3]['caller_socket'] and j['filters'][3]['active']" \
	"j['stats']['rx_frames'] >= 3" \
	"j['stats']['rx_bytes'] >= 3 * 50"

out=$("$C" show "pid:$idle_pid")
t "show pid:PID: the process's instance" \
	test -n "$(grep -x "instance $idle" <<<"$out")" \
	-a -n "$(grep -x "  state     handshaken" <<<"$out")"
"$C" --json show "pid:$idle_pid" >"$work/showpid.json"
py "show --json pid:PID: an array of its instances" "$work/showpid.json" \
	"len(j) == 1" "j[0]['id'] == $idle" "j[0]['filters'] == []"

# --- filters
out=$("$C" filters "$srv")
t "filters ID: a header and four filters" \
	test "$(grep -c . <<<"$out")" = 5 \
	-a -n "$(grep -E "^ *INSTANCE +FILTER +PROTO +LOCAL +REMOTE +KIND +HOLDER +STATE$" <<<"$out")" \
	-a "$(awk -v id="$srv" '$1 == id' <<<"$out" | grep -c .)" = 4
t "filters ID: the connected filter" \
	grep -qE "^ *$srv +3 +udp +\*:$P_CON +$net.2:53 +connected +module +active$" <<<"$out"
"$C" filters --json >"$work/filters.json"
py "filters --json: every instance's" "$work/filters.json" \
	"len([f for f in j if f['instance'] == $srv]) == 4" \
	"len([f for f in j if f['instance'] == $idle]) == 0" \
	"sorted(f['id'] for f in j if f['instance'] == $srv) == [1, 2, 3, 4]"
out=$("$C" filters "$idle")
t "filters ID without filters: the header only" test "$(grep -c . <<<"$out")" = 1

# --- stats
out=$("$C" stats "$srv")
t "stats ID: rx_frames and rx_bytes of the traffic" \
	test "$(awk -v id="$srv" '$1 == id {print ($2 >= 3 && $3 >= 150)}' <<<"$out")" = 1
"$C" stats --json "$srv" >"$work/stats.json"
py "stats --json ID: every counter" "$work/stats.json" \
	"len(j) == 1 and j[0]['instance'] == $srv" \
	"sorted(j[0]) == sorted(['instance', 'rx_frames', 'rx_bytes', 'rx_dropped', 'tx_frames', 'tx_bytes', 'tx_rejected', 'tx_errors', 'ev_events', 'ev_dropped', 'ring_errors', 'addr_blocked', 'handovers_out', 'handovers_in'])" \
	"j[0]['rx_frames'] >= 3"
"$C" stats --watch 0.2 --count 2 --json >"$work/watch.jsonl"
t "stats --watch --count 2 --json: two JSON lines" \
	test "$(grep -c . "$work/watch.jsonl")" = 2
py "stats --watch --json: JSON Lines of samples" "$work/watch.jsonl" \
	"len(j) == 2" "all(isinstance(s['time'], float) for s in j)" \
	"[x['instance'] for x in j[0]['stats']].count($srv) == 1"
out=$("$C" stats "$srv" -w 0.2 -n 2)
t "stats ID --watch: two timestamped tables with rates" \
	test "$(grep -c '^# [0-9][0-9]:' <<<"$out")" = 2 \
	-a "$(grep -c 'RX/S' <<<"$out")" = 2

# --- monitor: a whole instance life, as a table and as JSON Lines. The
# table's header says the group is joined; the JSON one prints nothing
# before an event, so instances come and go until it shows one.
"$C" monitor >"$work/mon.txt" 2>&1 &
mon=$!
"$C" monitor --json >"$work/mon.jsonl" 2>&1 &
monj=$!
wait_for "$work/mon.txt" '^TIME'
for ((i = 0; i < 50; i++)); do
	hold csectl-warm
	unhold "$pid"
	wait_for "$work/mon.jsonl" "\"event\": \"del\", \"instance\": $id}" && break
done
hold csectl-mon -i "$a" -u "$((P_TCP + 3))"
mon_id=$id
ip link set "$a" mtu 1400
unhold "$pid"
wait_for "$work/mon.txt" "^[0-9:.]+ +$mon_id +del"
wait_for "$work/mon.jsonl" "\"event\": \"del\", \"instance\": $mon_id}"
kill "$mon" "$monj"
wait "$mon"
t "monitor: SIGTERM ends it with status 0" test $? = 0
wait "$monj"
t "monitor --json: SIGTERM ends it with status 0" test $? = 0
out=$(awk -v id="$mon_id" '$2 == id {print $3}' "$work/mon.txt" | tr '\n' ' ')
t "monitor: new, attach, filter-new, link, filter-del, detach, del in order" \
	test "$out" = "new attach filter-new link filter-del detach del "
[ $failed = 0 ] || echo "# instance $mon_id: $out"
t "monitor: the details" \
	test -n "$(grep -E " $mon_id +new +pid [0-9]+ uid 0 comm csectl-mon$" "$work/mon.txt")" \
	-a -n "$(grep -E " $mon_id +attach +$a \(ifindex $ifindex\)$" "$work/mon.txt")" \
	-a -n "$(grep -E " $mon_id +filter-new +filter 1 udp \*:$((P_TCP + 3)) \*:\* listening$" "$work/mon.txt")" \
	-a -n "$(grep -E " $mon_id +link +mtu 1400 \(ifindex $ifindex\)$" "$work/mon.txt")"
[ $failed = 0 ] || dump "$(cat "$work/mon.txt")"
t "monitor --json: python3 -m json.tool --json-lines parses it" \
	python3 -m json.tool --json-lines "$work/mon.jsonl" /dev/null
py "monitor --json: the instance's events in order, with their fields" "$work/mon.jsonl" \
	"[e['event'] for e in j if e['instance'] == $mon_id] == ['new', 'attach', 'filter-new', 'link', 'filter-del', 'detach', 'del']" \
	"[e for e in j if e['instance'] == $mon_id][0]['comm'] == 'csectl-mon'" \
	"[e for e in j if e['instance'] == $mon_id][1]['ifname'] == '$a'" \
	"[e for e in j if e['instance'] == $mon_id][1]['ifindex'] == $ifindex" \
	"[e for e in j if e['instance'] == $mon_id][2]['filter']['proto'] == 'udp'" \
	"[e for e in j if e['instance'] == $mon_id][2]['filter']['local_port'] == $((P_TCP + 3))" \
	"[e for e in j if e['instance'] == $mon_id][3]['type'] == 'mtu'" \
	"[e for e in j if e['instance'] == $mon_id][3]['value'] == 1400" \
	"all(isinstance(e['time'], float) for e in j)"

# --- monitor --count: ends by itself
"$C" monitor --count 2 >"$work/count.txt" 2>&1 &
mon=$!
wait_for "$work/count.txt" '^TIME'
hold csectl-count
unhold "$pid"
for ((i = 0; i < 100; i++)); do
	kill -0 "$mon" 2>/dev/null || break
	sleep 0.05
done
kill "$mon" 2>/dev/null && echo "# monitor --count 2 was still running"
wait "$mon"
rc=$?
t "monitor --count 2: two events, then status 0" \
	test $rc = 0 -a "$(grep -cE '^[0-9]' "$work/count.txt")" = 2

# --- an unprivileged user
"${NOBODY[@]}" "$HOLDER" -n csectl-nobody >"$work/nobody.out" 2>&1 </dev/null &
holders+=("$!")
wait_for "$work/nobody.out" '^id '
nobody=$(sed -n 's/^id //p' "$work/nobody.out")
out=$("${NOBODY[@]}" "$C" list)
t "unprivileged list: only its own instance" \
	test "$(awk 'NR > 1 {print $1, $3, $4}' <<<"$out")" = "$nobody csectl-nobody nobody"
[ $failed = 0 ] || dump "$out"
out=$("$C" list)
t "root's list: the unprivileged instance too, as nobody's" \
	test "$(awk -v id="$nobody" '$1 == id {print $4}' <<<"$out")" = nobody
for cmd in show filters stats; do
	out=$("${NOBODY[@]}" "$C" "$cmd" "$srv" 2>&1)
	rc=$?
	t "unprivileged $cmd of root's instance: permission denied, status 1" \
		test $rc = 1 -a "$out" = "csectl: $cmd: instance $srv: permission denied (it is another user's; CAP_NET_ADMIN sees every instance)"
done
out=$("${NOBODY[@]}" "$C" monitor 2>&1)
rc=$?
t "unprivileged monitor: needs CAP_NET_ADMIN, status 1" \
	test $rc = 1 -a "$out" = 'csectl: monitor: permission denied: the "events" group needs CAP_NET_ADMIN'

# --- instances that do not exist
for cmd in show filters stats; do
	out=$("$C" "$cmd" 2147483647 2>&1)
	rc=$?
	t "$cmd of an unknown instance: status 1" \
		test $rc = 1 -a "$out" = "csectl: $cmd: no instance 2147483647"
done
out=$("$C" show "pid:$$" 2>&1)
rc=$?
t "show pid:PID of a process without instances: status 1" \
	test $rc = 1 -a "$out" = "csectl: show: process $$ has no instance (that you may see)"

# --- sockets: a program served by libcse.so, seen from outside. Its
# kernel-stack peer (in the peer namespace) accepts one connection, sends 5
# bytes at once and 7 more once told to; the program listens, connects,
# binds a UDP port, sends 3 bytes (an RTT sample), reads nothing, and
# accepts one connection once the test makes it.
P_LIS=$((40000 + tag % 1000 * 4)) P_U=$((P_LIS + 1)) P_PEER=$((P_LIS + 2))
cat >"$work/peer.py" <<'PY'
import os, socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(1)
print('listening', flush=True)
c, _ = s.accept()
c.sendall(b'hello')
while not os.path.exists(sys.argv[3]):
    time.sleep(0.05)
c.sendall(b' world!')
time.sleep(600)
PY
cat >"$work/app.py" <<'PY'
import socket, sys, time
peer, pport, lport, uport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
l = socket.socket()
l.bind(('0.0.0.0', lport))
l.listen(7)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(('0.0.0.0', uport))
c = socket.create_connection((peer, pport))
c.sendall(b'hey')
print('fds', l.fileno(), u.fileno(), c.fileno(), c.getsockname()[1], flush=True)
a, _ = l.accept()
print('accepted', a.fileno(), flush=True)
time.sleep(600)
PY
ip netns exec "$ns" python3 "$work/peer.py" "$net.2" "$P_PEER" "$work/go" \
	>"$work/peer.out" 2>&1 </dev/null &
holders+=("$!")
wait_for "$work/peer.out" '^listening'
py3=/usr/bin/python3
[ -x "$py3" ] || py3=python3
env LD_PRELOAD="$SRC/ulib/libcse.so" CSE_IFNAME="$a" "$py3" "$work/app.py" \
	"$net.2" "$P_PEER" "$P_LIS" "$P_U" >"$work/app.out" 2>&1 </dev/null &
app=$!
holders+=("$app")
wait_for "$work/app.out" '^fds '
read -r _ fd_l fd_u fd_c eph <"$work/app.out"
ip netns exec "$ns" bash -c "echo 'one datagram' >/dev/udp/$net.1/$P_U"
app_id=$("$C" --json show "pid:$app" | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])')
# sockets_rows ARGS: the table, once the UDP datagram and the 5 bytes are in
# and the 3 bytes acknowledged; 5 s at most.
sockets_rows() {
	local i out
	for ((i = 0; i < 100; i++)); do
		out=$("$C" sockets "$@" 2>&1)
		[ -n "$(awk '$1 == "udp" && $3 > 0' <<<"$out")" ] &&
			[ -n "$(awk '$2 == "ESTAB" && $3 == 5 && $8 != "-"' <<<"$out")" ] && break
		sleep 0.05
	done
	echo "$out"
}
out=$(sockets_rows "pid:$app")
echo "# csectl sockets pid:$app said:"
dump "$out"
t "sockets pid:PID: a header like ss's" \
	grep -qE '^NETID +STATE +RECV-Q +SEND-Q +LOCAL +PEER +RETRANS +RTT\(MS\) +CWND +FD$' <<<"$out"
t "sockets pid:PID: exactly the listener, the UDP socket and the connection" \
	test "$(awk 'NR > 1 {print $1, $2, $5, $6, $NF}' <<<"$out" | tr '\n' ';')" = \
	"tcp LISTEN 0.0.0.0:$P_LIS 0.0.0.0:* $fd_l;udp UNCONN 0.0.0.0:$P_U 0.0.0.0:* $fd_u;tcp ESTAB $net.1:$eph $net.2:$P_PEER $fd_c;"
t "sockets: the listener's queues are its accept queue and backlog" \
	test "$(awk '$2 == "LISTEN" {print $3, $4, $7}' <<<"$out")" = "0 7 0"
t "sockets: the connection holds the 5 unread bytes, nothing to send" \
	test "$(awk '$2 == "ESTAB" {print $3, $4, $7}' <<<"$out")" = "5 0 0" \
	-a -n "$(awk '$2 == "ESTAB" && $8 ~ /^[0-9.]+\/[0-9.]+$/ && $9 >= 1' <<<"$out")"
t "sockets: the UDP socket holds the datagram, no TCP columns" \
	test -n "$(awk '$1 == "udp" && $3 >= 13 && $4 == 0 && $7 == "-" && $8 == "-" && $9 == "-"' <<<"$out")"
[ $failed = 0 ] || dump "$out"
out2=$("$C" sockets "$app_id")
t "sockets ID: the same three" \
	test "$(awk 'NR > 1 {print $1, $2, $5}' <<<"$out2")" = "$(awk 'NR > 1 {print $1, $2, $5}' <<<"$out")"
# The 7 more bytes: the progress thread's refresh shows them, unasked.
touch "$work/go"
for ((i = 0; i < 100; i++)); do
	out=$("$C" sockets "$app_id")
	[ "$(awk '$2 == "ESTAB" {print $3}' <<<"$out")" = 12 ] && break
	sleep 0.05
done
t "sockets: the queue follows new data without the application's help" \
	test "$(awk '$2 == "ESTAB" {print $3}' <<<"$out")" = 12
"$C" --json sockets "$app_id" >"$work/socks.json"
t "sockets --json: exit status 0" test $? = 0
py "sockets --json: the three sockets, field for field" "$work/socks.json" \
	"len(j) == 3" \
	"all(s['instance'] == $app_id for s in j)" \
	"[(s['netid'], s['state'], s['fd']) for s in j] == [('tcp', 'LISTEN', $fd_l), ('udp', 'UNCONN', $fd_u), ('tcp', 'ESTAB', $fd_c)]" \
	"[(s['local_address'], s['local_port']) for s in j] == [('0.0.0.0', $P_LIS), ('0.0.0.0', $P_U), ('$net.1', $eph)]" \
	"[(s['peer_address'], s['peer_port']) for s in j] == [('0.0.0.0', 0), ('0.0.0.0', 0), ('$net.2', $P_PEER)]" \
	"(j[0]['recv_q'], j[0]['send_q'], j[2]['recv_q'], j[2]['send_q']) == (0, 7, 12, 0)" \
	"j[1]['recv_q'] >= 13 and j[1]['retransmits'] is None and j[1]['rtt_us'] is None" \
	"j[2]['retransmits'] == 0 and j[2]['rtt_us'] > 0 and j[2]['cwnd'] >= 1 and 0 < j[2]['mss'] <= 1460"
# A connection from the peer, accepted: a fourth row, with its descriptor.
ip netns exec "$ns" bash -c "exec 3<>/dev/tcp/$net.1/$P_LIS; sleep 600" \
	</dev/null >/dev/null 2>&1 &
holders+=("$!")
wait_for "$work/app.out" '^accepted '
fd_a=$(sed -n 's/^accepted //p' "$work/app.out")
for ((i = 0; i < 100; i++)); do
	out=$("$C" sockets "$app_id")
	[ "$(awk 'NR > 1' <<<"$out" | wc -l)" = 4 ] && break
	sleep 0.05
done
t "sockets: an accepted connection appears, on the listener's port" \
	test "$(awk -v p="$net.1:$P_LIS" -v q="$net.2:" \
		'$2 == "ESTAB" && $5 == p {print $3, $4, index($6, q), $NF}' <<<"$out")" = "0 0 1 $fd_a"
[ $failed = 0 ] || dump "$out"
out=$("$C" show "$app_id")
t "show: the program's instance publishes a socket table" \
	test -n "$(grep -x "  sockets   4 of [0-9]* slots in use, socket table" <<<"$out")"
out=$("${NOBODY[@]}" "$C" sockets "$app_id" 2>&1)
rc=$?
t "unprivileged sockets of root's program: permission denied, status 1" \
	test $rc = 1 -a "$out" = "csectl: sockets: instance $app_id: permission denied (it is another user's; CAP_NET_ADMIN sees every instance)"
# Each "WHAT|ARGS|the one line on stderr": status 1.
while IFS='|' read -r what args msg; do
	# shellcheck disable=SC2086
	out=$("$C" sockets $args 2>&1)
	rc=$?
	t "sockets $what: says so, status 1" test $rc = 1 -a "$out" = "$msg"
done <<EOF
of an instance without a socket table|$srv|csectl: sockets: instance $srv (csectl-srv, pid $srv_pid) has no socket table: its library does not publish one (it predates ABI 1.3)
of an instance not attached|$idle|csectl: sockets: instance $idle (csectl-idle, pid $idle_pid) has no socket table: it is not attached
of an unknown instance|2147483647|csectl: sockets: no instance 2147483647
pid:PID of a process without instances|pid:$$|csectl: sockets: process $$ has no instance (that you may see)
EOF
unhold "$app"

# --- bad command lines: status 2, the reason and a usage on stderr, nothing
# on stdout. Each case: "ARGS|what stderr says".
while IFS='|' read -r args msg; do
	[ -n "$args$msg" ] || continue
	[ "$args" = '<none>' ] && args=
	# shellcheck disable=SC2086
	"$C" $args >"$work/out" 2>"$work/err"
	rc=$?
	err=
	IFS= read -r -d '' err <"$work/err"
	if [ $rc = 2 ] && [ ! -s "$work/out" ] && [[ $err == *"$msg"* ]] &&
		[[ $err == *$'\n'"usage: "* ]]; then
		ok "bad command line '$args': status 2, usage"
	else
		not_ok "bad command line '$args': status 2, usage (got $rc)"
		dump "$(cat "$work/out" "$work/err")"
	fi
done <<'EOF'
<none>|no command given
bogus|unknown command 'bogus'
--bogus list|unknown option '--bogus'
list extra|list: unexpected argument 'extra'
list --bogus|list: unknown option '--bogus'
list --json=yes|list: option --json takes no value
list -w|list: unknown option '-w'
show|show: which instance? Give ID or pid:PID
show abc|show: 'abc' is not an instance id
show 0|show: '0' is not an instance id
show 2147483648|show: '2147483648' is not an instance id
show -1|show: unknown option '-1'
show pid:|show: 'pid:' is not pid:PID
show pid:0|show: 'pid:0' is not pid:PID
show pid:x|show: 'pid:x' is not pid:PID
show 1 2|show: one instance at most, not '2' too
show --count 1 1|show: unknown option '--count'
filters abc|filters: 'abc' is not an instance id
filters 1 2|filters: one instance at most
filters --watch|filters: unknown option '--watch'
stats abc|stats: 'abc' is not an instance id
stats 1 2|stats: one instance at most
stats --watch 0|stats: --watch takes seconds from 0.1 to 86400, not '0'
stats --watch 1x|stats: --watch takes seconds from 0.1 to 86400, not '1x'
stats --watch=0.01|stats: --watch takes seconds from 0.1 to 86400, not '0.01'
stats --watch=|stats: --watch takes seconds from 0.1 to 86400, not ''
stats --count 2|stats: --count needs --watch
stats --watch --count|stats: option --count needs a value
stats --watch --count 0|stats: --count takes a number from 1, not '0'
stats --watch -n x|stats: -n takes a number from 1, not 'x'
monitor 1|monitor: unexpected argument '1'
monitor --count|monitor: option --count needs a value
monitor --count 0|monitor: --count takes a number from 1, not '0'
monitor --count=abc|monitor: --count takes a number from 1, not 'abc'
monitor --watch|monitor: unknown option '--watch'
sockets|sockets: which instance? Give ID or pid:PID
sockets abc|sockets: 'abc' is not an instance id
sockets pid:0|sockets: 'pid:0' is not pid:PID
sockets 1 2|sockets: one instance at most
sockets --watch|sockets: unknown option '--watch'
EOF

out=$("$C" --help)
t "--help: the usage on stdout, status 0" test $? = 0 -a -n "$(grep '^usage: csectl' <<<"$out")"
out=$("$C" stats --help)
t "stats --help: status 0" test $? = 0 -a -n "$(grep '^usage: csectl' <<<"$out")"
out=$("$C" --version)
t "--version: the ABI it speaks" test "$out" = "csectl (cse) for ABI 1.5"

run_py
echo "1..$n"
[ $failed = 0 ]
