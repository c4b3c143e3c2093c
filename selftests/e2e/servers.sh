#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# selftests/e2e/servers.sh: the servers users move to a user-mode stack,
# unmodified Debian binaries under libcse.so, in the VM with cse.ko loaded:
# nginx (master and two workers: fork, a shared listening socket), redis
# (a background save forks during the load), memcached (threads), iperf3
# and sockperf, each with the kernel's stack as the peer; and the fork and
# exec rules of Documentation/admin-guide/library.rst, shown with Python;
# and servers that fork a child per connection (Python's ForkingMixIn,
# socat ...,fork), whose children take the connection over.
# Every case checks the data, the exit status, and that the user stack
# carried the traffic (CSE_STATS=1 counters, or the socket files in
# /proc/PID/fd of a server that runs on).
#
# Prints TAP lines; exits non-zero when a case failed. CSE_E2E_CASES runs a
# subset of the cases.
. "$(dirname "$(readlink -f "$0")")/lib.bash"

# nginx with its master process and two workers on one listening socket:
# every request must be answered whole, by the workers only (each worker's
# instance takes connections; the master, which never accepts, none), and
# the workers' stacks must have carried them.
case_nginx() {
	local ng=$W/nginx pids master
	mkdir -p "$ng/html" "$ng/tmp"
	head -c 100000 "$W/blob" >"$ng/html/small"
	cp "$W/blob" "$ng/html/blob"
	cat >"$ng/nginx.conf" <<-EOF
	user root;
	daemon off;
	master_process on;
	worker_processes 2;
	error_log $ng/error.log info;
	pid $ng/nginx.pid;
	events { worker_connections 512; }
	http {
		log_format bypid '\$pid \$status \$body_bytes_sent';
		access_log $ng/access.log bypid;
		client_body_temp_path $ng/tmp;
		proxy_temp_path $ng/tmp;
		fastcgi_temp_path $ng/tmp;
		uwsgi_temp_path $ng/tmp;
		scgi_temp_path $ng/tmp;
		server { listen $LOCAL:8090; root $ng/html; }
	}
	EOF
	cse "$W/log" timeout $T nginx -p "$ng" -c "$ng/nginx.conf" &
	local srv=$!
	wait_tcp listening 8090 || return 1
	master=$(cat "$ng/nginx.pid")
	peer timeout $T curl -sS -o "$W/got" "http://$LOCAL:8090/blob" &&
	same "$W/got" &&
	peer timeout 60 wrk -t 2 -c 10 -d 3 --timeout 20s \
		"http://$LOCAL:8090/small" >"$W/wrk" 2>&1
	local rc=$?
	kill -QUIT "$master"
	wait $srv || rc=1
	sed 's/^/# wrk: /' "$W/wrk" >>"$W/log"
	# Every request answered in full, none failed, both workers worked.
	pids=$(cut -d' ' -f1 "$ng/access.log" | sort -u | tr '\n' ' ')
	echo "# master $master, requests answered by: $pids" >>"$W/log"
	grep -q "requests in" "$W/wrk" && ! grep -q "Non-2xx" "$W/wrk" &&
	! grep "Socket errors" "$W/wrk" | grep -qv "connect 0, read 0, write 0, timeout 0" &&
	! awk '$2 != 200 { bad = 1 } END { exit !bad }' "$ng/access.log" &&
	[ "$(echo $pids | wc -w)" = 2 ] && ! echo " $pids " | grep -q " $master " &&
	[ "$(grep -c "counters:.* tcp_rx=[1-9]" "$ng/error.log")" -ge 2 ] || rc=1
	[ $rc = 0 ] || grep libcse "$ng/error.log" | sed 's/^/# nginx: /' >>"$W/log"
	return $rc
}

# redis-server under cse, loaded by redis-benchmark from the kernel side
# while a background save forks; then the values written are read back.
case_redis_server() {
	cse "$W/log" timeout $T redis-server --port 6379 --bind "$LOCAL" \
		--protected-mode no --save "" --dir "$W" --daemonize no \
		--logfile "$W/redis.log" &
	local srv=$!
	wait_tcp listening 6379 || return 1
	peer timeout 60 redis-benchmark -h "$LOCAL" -q -n 20000 -c 20 \
		-t set,get >"$W/bench" 2>&1 &
	local bench=$!
	sleep 1
	peer redis-cli -h "$LOCAL" bgsave >/dev/null
	wait $bench
	local rc=$?
	peer redis-cli -h "$LOCAL" set blobsum "$SUM" >/dev/null &&
	[ "$(peer redis-cli -h "$LOCAL" get blobsum)" = "$SUM" ] || rc=1
	# The background save must have ended well before the shutdown.
	local i
	for i in $(seq 50); do
		grep -q "Background saving terminated with success" \
			"$W/redis.log" && break
		sleep 0.1
	done
	grep -q "Background saving terminated with success" "$W/redis.log" ||
		rc=1
	peer redis-cli -h "$LOCAL" shutdown nosave >/dev/null 2>&1
	wait $srv || rc=1
	sed 's/^/# /' "$W/bench" | tr '\r' '\n' | grep "requests per second" >>"$W/log"
	grep -q "GET: .* requests per second" "$W/bench" && [ $rc = 0 ] &&
	served "$W/log" tcp
}

# redis-benchmark and redis-cli under cse against the kernel's redis.
case_redis_client() {
	peer timeout $T redis-server --port 6380 --bind "$PEER" \
		--protected-mode no --save "" --daemonize no \
		--logfile "$W/redis2.log" &
	local srv=$!
	wait_tcp listening peer 6380 || return 1
	cse "$W/log" timeout 60 redis-benchmark -h "$PEER" -p 6380 -q -n 20000 \
		-c 20 -t set,get >"$W/bench" 2>&1 &&
	cse "$W/log" redis-cli -h "$PEER" -p 6380 set blobsum "$SUM" >/dev/null &&
	[ "$(cse "$W/log" redis-cli -h "$PEER" -p 6380 get blobsum)" = "$SUM" ]
	local rc=$?
	peer redis-cli -h "$PEER" -p 6380 shutdown nosave >/dev/null 2>&1
	wait $srv
	grep -q "GET: .* requests per second" "$W/bench" && [ $rc = 0 ] &&
	served "$W/log" tcp
}

# A memcached client on the kernel's side: eight threads, each its own
# connection, store and read back values of many sizes; all must match.
memc_client='
import random, socket, sys, threading
host, port = sys.argv[1], int(sys.argv[2])
bad = []
def worker(n):
    rnd = random.Random(n)
    s = socket.create_connection((host, port))
    f = s.makefile("rb")
    for i in range(100):
        key = "k%d_%d" % (n, i)
        val = rnd.randbytes(rnd.choice([1, 100, 1400, 5000, 60000]))
        s.sendall(b"set %s 0 0 %d\r\n%s\r\n" % (key.encode(), len(val), val))
        if f.readline() != b"STORED\r\n":
            bad.append(key)
            return
        s.sendall(b"get %s\r\n" % key.encode())
        hdr = f.readline().split()
        got = f.read(int(hdr[3]) + 2)[:-2] if len(hdr) == 4 else None
        if got != val or f.readline() != b"END\r\n":
            bad.append(key)
            return
    s.close()
ts = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
[t.start() for t in ts]
[t.join() for t in ts]
print("bad" if bad else "ok", len(bad))
'

case_memcached() {
	cse "$W/log" memcached -u root -l "$LOCAL" -p 11211 -t 4 &
	local srv=$!
	wait_tcp listening 11211 || return 1
	peer timeout 60 /usr/bin/python3 -c "$memc_client" "$LOCAL" 11211 \
		>"$W/memc"
	local rc=$?
	served_fd -x memcached || { rc=1; echo "# not served" >>"$W/log"; }
	pkill -TERM -x memcached
	wait $srv
	sed 's/^/# client: /' "$W/memc" >>"$W/log"
	[ $rc = 0 ] && [ "$(cat "$W/memc")" = "ok 0" ]
}

# iperf3_tcp_ok JSON BYTES: the sender wrote BYTES, or one 128 KiB block
# more (iperf3 3.12 skips its -n check before the last write of a burst
# of ten, src/iperf_api.c iperf_send(), so when the limit is reached by
# the ninth write it writes once more, whatever the stack), and the
# receiver read most of them: iperf3 ends the test when the last byte is
# written, and the receiver stops reading then (on the kernel's stack too),
# so what was still in flight is not counted. (iperf3 checks no content:
# the other cases compare SHA-256 sums.)
iperf3_tcp_ok() {
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
e, n = j.get("end", {}), int(sys.argv[2])
sent = e.get("sum_sent", {}).get("bytes", 0)
got = e.get("sum_received", {}).get("bytes", 0)
print("# iperf3 TCP: sent", sent, "received", got, "of", n, j.get("error", ""))
sys.exit(not (sent in (n, n + (128 << 10)) and got >= n * 0.9))' "$1" "$2" >>"$W/log"
}

# iperf3_udp_ok JSON: datagrams arrived, under 1% of them lost.
iperf3_udp_ok() {
	/usr/bin/python3 -c 'import json, sys
j = json.load(open(sys.argv[1]))
s = j.get("end", {}).get("sum", {})
print("# iperf3 UDP: packets", s.get("packets"), "lost", s.get("lost_packets"),
      j.get("error", ""))
sys.exit(not (s.get("packets", 0) > 0 and s.get("lost_percent", 100) < 1.0))' \
		"$1" >>"$W/log"
}

# iperf3 TCP, 32 MiB each way, each end under cse in turn.
case_iperf3_tcp() {
	local n=$((32 << 20)) dir rc=0 port=5201 st
	cse "$W/log" timeout 60 iperf3 -s -1 -B "$LOCAL" -p $port >/dev/null &
	local srv=$!
	wait_tcp listening $port || return 1
	peer timeout 60 iperf3 -c "$LOCAL" -p $port -n $n -J >"$W/ip1"
	st=$?
	wait $srv || st=1
	iperf3_tcp_ok "$W/ip1" $n && [ $st = 0 ] || rc=1
	for dir in "" -R; do
		port=$((port + 1))
		peer timeout 60 iperf3 -s -1 -B "$PEER" -p $port >/dev/null &
		srv=$!
		wait_tcp listening peer $port || return 1
		cse "$W/log" timeout 60 iperf3 -c "$PEER" -p $port -n $n $dir \
			-J >"$W/ip2"
		st=$?
		wait $srv || st=1
		iperf3_tcp_ok "$W/ip2" $n && [ $st = 0 ] || rc=1
	done
	[ $rc = 0 ] && served "$W/log" tcp
}

# iperf3 UDP both ways from a client under cse, at a rate the VM carries.
case_iperf3_udp() {
	local dir rc=0 srv port=5210 st
	for dir in "" -R; do
		port=$((port + 1))
		peer timeout 60 iperf3 -s -1 -B "$PEER" -p $port >/dev/null &
		srv=$!
		wait_tcp listening peer $port || return 1
		cse "$W/log" timeout 60 iperf3 -u -b 5M -t 2 -c "$PEER" -p $port \
			$dir -J >"$W/ip3"
		st=$?
		wait $srv || st=1
		iperf3_udp_ok "$W/ip3" && [ $st = 0 ] || rc=1
	done
	[ $rc = 0 ] && grep -q "counters:.* udp_tx=[1-9]" "$W/log" &&
	grep -q "counters:.* udp_rx=[1-9]" "$W/log"
}

# sockperf: its server under cse, ping-pong and throughput from the kernel
# side, UDP and TCP; then the client under cse against a kernel server.
case_sockperf() {
	local proto rc=0 srv
	for proto in "" --tcp; do
		cse "$W/log" sockperf server $proto -i "$LOCAL" -p 11111 \
			>/dev/null 2>&1 &
		srv=$!
		if [ -n "$proto" ]; then
			wait_tcp listening 11111 || return 1
		else
			wait_tcp bound_udp 11111 || return 1
		fi
		peer timeout 30 sockperf ping-pong $proto -i "$LOCAL" -p 11111 \
			-t 2 >"$W/sp" 2>&1 && grep -q "Summary: Latency is" "$W/sp" &&
		peer timeout 30 sockperf throughput $proto -i "$LOCAL" \
			-p 11111 -t 2 >"$W/sp" 2>&1 &&
		grep -q "Summary: Message Rate is" "$W/sp" && served_fd -x sockperf ||
			rc=1
		pkill -INT -x sockperf
		wait $srv
	done
	peer sockperf server --tcp -i "$PEER" -p 11112 >/dev/null 2>&1 &
	srv=$!
	wait_tcp listening peer 11112 || return 1
	cse "$W/log" timeout 30 sockperf ping-pong --tcp -i "$PEER" -p 11112 \
		-t 2 >"$W/sp" 2>&1 && grep -q "Summary: Latency is" "$W/sp" || rc=1
	pkill -INT -x sockperf
	wait $srv
	[ $rc = 0 ] && served "$W/log" tcp
}

# A kernel-side echo server for the fork cases (one thread per client).
echo_server='
import socket, sys, threading
s = socket.create_server((sys.argv[1], int(sys.argv[2])))
def echo(c):
    while True:
        d = c.recv(65536)
        if not d:
            break
        c.sendall(d)
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=echo, args=(c,), daemon=True).start()
'

# The fork rules: a child that exits, one that leaves the parent's
# connection alone, one that closes its copy and one that only asks for
# its names change nothing for the parent; a child that sends or reads on
# a connection it inherited takes it over (the parent's descriptor then
# fails with EBADFD), and a new connection of the child's is served by an
# instance of its own; vfork + exec (subprocess) works.
# Python both fork and exec cases use: a call's errno name, or "ok".
py_err='
import errno
def err(f):
    try:
        f()
        return "ok"
    except OSError as e:
        return errno.errorcode[e.errno]
'

fork_prog=$py_err'
import os, socket, subprocess, sys
peer = (sys.argv[1], 9200)
def kind(fd):
    return os.readlink("/proc/self/fd/%d" % fd).split(":")[0]
def echo(s, n):
    msg = os.urandom(n)
    s.sendall(msg)
    got = b""
    while len(got) < n:
        got += s.recv(n - len(got))
    return got == msg
s = socket.create_connection(peer)
t = socket.create_connection(peer)	# the one the child takes over
out = [kind(s.fileno()), echo(s, 100000), echo(t, 1000)]
for mode in ("exit", "close", "names", "use"):
    pid = os.fork()
    if pid == 0:
        if mode == "close":
            s.close()
        elif mode == "names":
            if s.getpeername() != peer or s.getsockname()[1] == 0:
                os._exit(1)
        elif mode == "use":
            r = [err(lambda: t.send(b"x")), os.read(t.fileno(), 1),
                 kind(t.fileno()), echo(t, 200000)]
            c = socket.create_connection(peer)
            r += [kind(c.fileno()), echo(c, 50000)]
            os.write(1, (" ".join(map(str, r)) + "\n").encode())
            sys.exit(0)	# exits through the library: its counters
        os._exit(0)
    out.append(os.waitpid(pid, 0)[1] == 0 and echo(s, 100000))
out.append(err(lambda: t.send(b"y")))	# the child has it now
r = subprocess.run(["/bin/echo", "spawned"], capture_output=True, text=True)
out.append(r.stdout.strip())
out.append(echo(s, 100000))
print(" ".join(map(str, out)))
'

case_fork() {
	peer /usr/bin/python3 -c "$echo_server" "$PEER" 9200 &
	local srv=$!
	wait_tcp listening peer 9200 || return 1
	cse "$W/log" timeout 60 /usr/bin/python3 -c "$fork_prog" "$PEER" \
		>"$W/fork"
	local rc=$?
	kill $srv
	wait $srv 2>/dev/null
	sed 's/^/# /' "$W/fork" >>"$W/log"
	printf '%s\n' "ok b'x' anon_inode True anon_inode True" \
		"anon_inode True True True True True True EBADFD spawned True" |
		cmp -s - "$W/fork" &&
	[ $rc = 0 ] && [ "$(grep -c "counters:.* tcp_rx=[1-9]" "$W/log")" = 2 ]
}

# exec: a close-on-exec socket is gone in the new program; an inherited
# one is there but unusable (documented errors); the new program, itself
# preloaded, gets an instance of its own; without the library it runs on
# the kernel's stack.
exec_child=$py_err'
import os, socket, sys
fd = int(sys.argv[2])
r = [os.path.exists("/proc/self/fd/%d" % int(sys.argv[3])),
     err(lambda: os.read(fd, 1)),
     err(lambda: socket.socket(fileno=fd))]
c = socket.create_connection((sys.argv[1], 9201))
c.sendall(b"exec")
r += [c.recv(4) == b"exec",
      os.readlink("/proc/self/fd/%d" % c.fileno()).split(":")[0]]
print(" ".join(map(str, r)))
'

exec_parent='
import os, socket, subprocess, sys
peer = (sys.argv[1], 9201)
keep = socket.create_connection(peer)
gone = socket.create_connection(peer)
os.set_inheritable(keep.fileno(), True)
for env in (os.environ, {k: v for k, v in os.environ.items()
                         if k != "LD_PRELOAD"}):
    subprocess.run([sys.executable, "-c", sys.argv[2], sys.argv[1],
                    str(keep.fileno()), str(gone.fileno())],
                   pass_fds=(keep.fileno(),), env=env, check=True)
keep.sendall(b"ok")
print(keep.recv(2) == b"ok")
'

case_exec() {
	peer /usr/bin/python3 -c "$echo_server" "$PEER" 9201 &
	local srv=$!
	wait_tcp listening peer 9201 || return 1
	cse "$W/log" timeout 60 /usr/bin/python3 -c "$exec_parent" "$PEER" \
		"$exec_child" >"$W/exec"
	local rc=$?
	kill $srv
	wait $srv 2>/dev/null
	sed 's/^/# /' "$W/exec" >>"$W/log"
	printf '%s\n' "False EINVAL ENOTSOCK True anon_inode" \
		"False EINVAL ENOTSOCK True socket" True | cmp -s - "$W/exec" &&
	[ $rc = 0 ] && [ "$(grep -c "counters:.* tcp_rx=[1-9]" "$W/log")" = 2 ]
}

# A prefork server that only uses accept(): the parent listens and never
# accepts; three children accept on the socket they inherited. All forty
# connections are answered, by the children only.
prefork_prog='
import os, socket, sys
ls = socket.create_server((sys.argv[1], 9202))
kids = []
for n in range(3):
    pid = os.fork()
    if pid == 0:
        while True:
            c, _ = ls.accept()
            d = c.recv(100)
            c.sendall(b"%d %s" % (os.getpid(), d))
            c.close()
    kids.append(pid)
print(" ".join(map(str, kids)), flush=True)
os.wait()
'

prefork_client='
import socket, sys
pids = set()
for i in range(40):
    c = socket.create_connection((sys.argv[1], 9202), timeout=10)
    c.sendall(b"hello %d" % i)
    pid, d = c.recv(100).split(b" ", 1)
    assert d == b"hello %d" % i, d
    pids.add(int(pid))
print(" ".join(map(str, sorted(pids))))
'

case_prefork() {
	cse "$W/log" timeout 60 /usr/bin/python3 -c "$prefork_prog" "$LOCAL" \
		>"$W/kids" &
	local srv=$!
	wait_tcp listening 9202 || return 1
	peer timeout 60 /usr/bin/python3 -c "$prefork_client" "$LOCAL" \
		>"$W/pids"
	local rc=$? kids
	kids=$(head -1 "$W/kids")
	kill $kids
	wait $srv 2>/dev/null
	echo "# children: $kids; answered by: $(cat "$W/pids")" >>"$W/log"
	[ $rc = 0 ] && [ -s "$W/pids" ] &&
	for p in $(cat "$W/pids"); do
		echo " $kids " | grep -q " $p " || return 1
	done
}

# A server that accepts and forks a child per connection (Python's
# ForkingMixIn): each child takes the connection over from the parent's
# instance at its first call and answers from its own; twelve clients at
# once, every byte back, a clean end, each by another process.
forkserve_prog='
import hashlib, os, socket, socketserver, sys
class H(socketserver.BaseRequestHandler):
    def take(self, n):
        b = b""
        while len(b) < n:
            c = self.request.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return b
    def handle(self):
        data = self.take(int.from_bytes(self.take(8), "big"))
        self.request.sendall(b"%d %s\n" % (os.getpid(),
            hashlib.sha256(data).hexdigest().encode()) + data)
class S(socketserver.ForkingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
srv = S((sys.argv[1], 9203), H)
print(os.getpid(), flush=True)
srv.serve_forever()
'

forkserve_client='
import hashlib, os, socket, sys, threading
res = []
def one(i):
    data = os.urandom(50000 + 7919 * i)
    c = socket.create_connection((sys.argv[1], 9203), timeout=30)
    c.sendall(len(data).to_bytes(8, "big") + data)
    f = c.makefile("rb")
    pid, h = f.readline().split()
    ok = (h.decode() == hashlib.sha256(data).hexdigest() and
          f.read(len(data)) == data and f.read(1) == b"")
    res.append((ok, int(pid)))
ts = [threading.Thread(target=one, args=(i,)) for i in range(12)]
[t.start() for t in ts]
[t.join() for t in ts]
print(len(res), all(r[0] for r in res), len(set(r[1] for r in res)),
      " ".join(str(r[1]) for r in res))
'

case_forkserve() {
	cse "$W/log" timeout 90 /usr/bin/python3 -c "$forkserve_prog" \
		"$LOCAL" >"$W/srv" &
	local srv=$!
	wait_tcp listening 9203 || return 1
	peer timeout 60 /usr/bin/python3 -c "$forkserve_client" "$LOCAL" \
		>"$W/res"
	local rc=$? parent
	parent=$(head -1 "$W/srv")
	kill "$parent"
	wait $srv 2>/dev/null
	echo "# server $parent; answered: $(cat "$W/res")" >>"$W/log"
	[ $rc = 0 ] && [ "$(cut -d' ' -f1-3 "$W/res")" = "12 True 12" ] &&
		! grep -qw "$parent" <(cut -d' ' -f4- "$W/res")
}

# socat's fork option: the same, with a C program that relays between
# the connection it took over and a cat it spawned.
socat_client='
import os, socket, sys
ok = 0
for i in range(4):
    data = os.urandom(300000 + i)
    c = socket.create_connection((sys.argv[1], 9204), timeout=30)
    c.sendall(data)
    c.shutdown(socket.SHUT_WR)
    got = b""
    while True:
        b = c.recv(65536)
        if not b:
            break
        got += b
    ok += got == data
print(ok)
'

case_socat() {
	cse "$W/log" timeout 90 socat TCP-LISTEN:9204,fork,reuseaddr \
		EXEC:/bin/cat &
	local srv=$!
	wait_tcp listening 9204 || return 1
	peer timeout 60 /usr/bin/python3 -c "$socat_client" "$LOCAL" \
		>"$W/res"
	local rc=$?
	pkill -f "socat TCP-LISTEN:9204"
	wait $srv 2>/dev/null
	echo "# socat: $(cat "$W/res") of 4 echoed whole" >>"$W/log"
	[ $rc = 0 ] && [ "$(cat "$W/res")" = 4 ]
}

if ! setup; then
	echo "not ok 1 e2e servers: cannot set up the veth pair and namespace"
	exit 1
fi
MB=8
head -c "${MB}M" /dev/urandom >"$W/blob"
SUM=$(sha256sum <"$W/blob" | cut -d' ' -f1)
: >"$W/log"

for c in ${CSE_E2E_CASES:-nginx redis_server redis_client memcached \
	 iperf3_tcp iperf3_udp sockperf fork exec prefork forkserve \
	 socat}; do
	t0=$SECONDS
	"case_$c"
	report $? "servers: $c ($((SECONDS - t0)) s)"
	rm -f "$W/got"
done
exit $failed
