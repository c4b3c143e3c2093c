// SPDX-License-Identifier: GPL-2.0
/*
 * Death under load: when an instance dies (its file closed, or its process
 * killed with SIGKILL), cse.ko resets every TCP flow it had open, so the
 * kernel's TCP on the other end sees ECONNRESET at once instead of hanging
 * until its own timeouts, and the instance's ports are free at once.
 *
 * The test plays the instance's TCP by hand: it answers the SYNs of
 * clients in the peer's namespace with SYN-ACKs written into the TX ring
 * and acknowledges their data, or not, or sends data the client cannot
 * take in order yet (so that the RST lands in its window but not on its
 * rcv_nxt, and only the challenge-ACK round trip resets it). Topology:
 * cse_net.h.
 */
#include <linux/tcp.h>
#include <poll.h>
#include <signal.h>
#include <time.h>

#include "kselftest_harness.h"
#include "cse_frame.h"

#define RESET_MS	1000	/* how soon every peer must see its reset */
#define MAX_CONNS	128

#define TH_FIN	0x01
#define TH_SYN	0x02
#define TH_RST	0x04
#define TH_PSH	0x08
#define TH_ACK	0x10

/* How the instance treats a connection: by the client's port, modulo. */
enum mode {
	M_ACK,		/* acknowledges the client's data */
	M_NOACK,	/* leaves it unacknowledged */
	M_AHEAD,	/* acknowledges it, and sends a segment after a gap */
	M_COUNT
};

struct conn {
	uint16_t cport;
	uint32_t iss;
	uint32_t rcv_nxt;
	int ahead_sent;
};

/* The instance, playing a TCP server on @port. */
struct server {
	struct t_inst in;
	const struct t_net *net;
	int port;
	int modes;	/* 1: every connection M_ACK; M_COUNT: all modes */
	int n;
	struct conn c[MAX_CONNS];
};

/* What the clients saw once the instance died. */
struct result {
	int connected;	/* connections established (and settled) */
	int ahead;	/* of them, M_AHEAD ones */
	int resets;	/* ECONNRESET within RESET_MS */
	int fins;	/* an orderly end instead: wrong */
	int max_ms;	/* the slowest reset */
	long long challenge_acks;	/* the peer's TCPChallengeACK, added */
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

static uint16_t get16(const uint8_t *p)
{
	return p[0] << 8 | p[1];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* A TCP segment in TX slot @slot, @len bytes of data; the frame's length. */
static uint32_t build_tcp(struct t_inst *in, const struct t_net *t,
			  uint32_t slot, int sport, int dport, uint32_t seq,
			  uint32_t ack, uint8_t flags, uint32_t len)
{
	uint8_t *f = t_tx_buf(in, slot), *th = f + 34;
	uint32_t n = t_build_ip(f, t, in->att.mac, IPPROTO_TCP, 20 + len);

	memset(th, 0, 20);
	put16(th, sport);
	put16(th + 2, dport);
	put32(th + 4, seq);
	put32(th + 8, ack);
	th[12] = 5 << 4;
	th[13] = flags;
	put16(th + 14, 65535);
	memset(th + 20, 'd', len);
	t_fix_checksums(f);
	return n;
}

/* Send one segment from the server's port; the entries consumed. */
static int send_tcp(struct server *sv, int dport, uint32_t seq, uint32_t ack,
		    uint8_t flags, uint32_t len)
{
	uint32_t n = build_tcp(&sv->in, sv->net, 0, sv->port, dport, seq, ack,
			       flags, len);

	t_tx_publish(&sv->in, &n, 1);
	return t_kick(sv->in.fd);
}

static struct conn *find_conn(struct server *sv, uint16_t cport)
{
	for (int i = 0; i < sv->n; i++) {
		if (sv->c[i].cport == cport)
			return &sv->c[i];
	}
	return NULL;
}

/* A SYN: a new connection (or its retransmission), answered. */
static void serve_syn(struct server *sv, uint16_t cport, uint32_t seq)
{
	struct conn *c = find_conn(sv, cport);

	if (!c) {
		if (sv->n == MAX_CONNS)
			return;
		c = &sv->c[sv->n++];
		c->cport = cport;
		c->iss = 0x10000000u + (uint32_t)sv->n * 0x01000000u;
	}
	c->rcv_nxt = seq + 1;
	send_tcp(sv, cport, c->iss, c->rcv_nxt, TH_SYN | TH_ACK, 0);
}

/* Data: acknowledged as the connection's mode says. */
static void serve_data(struct server *sv, struct conn *c, uint32_t seq,
		       uint32_t len)
{
	int mode = c->cport % sv->modes;

	if (mode == M_NOACK || seq != c->rcv_nxt)
		return;
	c->rcv_nxt += len;
	send_tcp(sv, c->cport, c->iss + 1, c->rcv_nxt, TH_ACK, 0);
	if (mode == M_AHEAD && !c->ahead_sent) {
		/* 100 bytes "lost" before it: the client queues it */
		send_tcp(sv, c->cport, c->iss + 1 + 100, c->rcv_nxt,
			 TH_ACK | TH_PSH, 50);
		c->ahead_sent = 1;
	}
}

static void serve_frame(struct server *sv, const uint8_t *f, uint32_t len)
{
	const uint8_t *ip = f + 14, *th;
	uint32_t ihl, tot, hl;
	struct conn *c;

	if (len < 54 || f[12] != 0x08 || f[13] || ip[9] != IPPROTO_TCP)
		return;
	ihl = (ip[0] & 15) * 4;
	tot = get16(ip + 2);
	th = ip + ihl;
	hl = (th[12] >> 4) * 4;
	if (get16(th + 2) != sv->port || tot < ihl + hl)
		return;
	if (th[13] & TH_SYN) {
		serve_syn(sv, get16(th), get32(th + 4));
		return;
	}
	c = find_conn(sv, get16(th));
	if (c && tot > ihl + hl)
		serve_data(sv, c, get32(th + 4), tot - ihl - hl);
}

/* Serve until @ready_fd is readable; 0, or -1 after @ms. */
static int serve(struct server *sv, int ready_fd, int ms)
{
	struct pollfd p[2] = {
		{ .fd = sv->in.fd, .events = POLLIN },
		{ .fd = ready_fd, .events = POLLIN },
	};
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		poll(p, 2, 10);
		while (t_ring_avail(&sv->in.rx)) {
			const struct cse_desc *d =
				t_ring_entry(&sv->in.rx, *sv->in.rx.consumer);

			serve_frame(sv, sv->in.area + d->addr, d->len);
			t_ring_release(&sv->in.rx, 1);
		}
		if (p[1].revents & POLLIN)
			return 0;
	}
	return -1;
}

/* Open the instance and reserve the server's TCP port; 0 or -1. */
static int server_open(struct server *sv)
{
	struct cse_port p;

	t_attach_req(&sv->in.att, sv->net->ifindex);
	sv->in.att.rx_entries = 512;
	if (t_inst_open_with(&sv->in, sv->net))
		return -1;
	t_port_req(&p, IPPROTO_TCP, sv->port);
	return t_reserve(sv->in.fd, &p) > 0 ? 0 : -1;
}

/* Has the connection got as far as its mode lets it? */
static int settled(int s, int mode)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	if (mode == M_NOACK)
		return 1;
	memset(&ti, 0, sizeof(ti));
	if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return 0;
	return !ti.tcpi_unacked && (mode != M_AHEAD || ti.tcpi_rcv_ooopack);
}

/* Connect @n sockets to the server and send on each; the number connected. */
static int clients_connect(const struct server *sv, int *s, int *mode, int n)
{
	struct sockaddr_in sin = t_sin(sv->net, 1, sv->port);
	socklen_t len = sizeof(sin);
	long long end = now_ms() + 10000;
	int i, ok = 0, err;

	for (i = 0; i < n; i++) {
		s[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (s[i] < 0 || (connect(s[i], (struct sockaddr *)&sin,
					 sizeof(sin)) && errno != EINPROGRESS))
			return -1;
	}
	for (i = 0; i < n; i++) {
		struct pollfd p = { .fd = s[i], .events = POLLOUT };
		socklen_t el = sizeof(err);

		if (poll(&p, 1, end - now_ms()) != 1 ||
		    getsockopt(s[i], SOL_SOCKET, SO_ERROR, &err, &el) || err)
			return ok;
		if (getsockname(s[i], (struct sockaddr *)&sin, &len) ||
		    send(s[i], "hello", 5, 0) != 5)
			return ok;
		mode[i] = ntohs(sin.sin_port) % sv->modes;
		ok++;
	}
	for (i = 0; i < n && now_ms() < end;) {
		if (settled(s[i], mode[i]))
			i++;
		else
			usleep(10000);
	}
	return i == n ? n : -1;
}

/* From "go" on: who sees a reset, and how soon. */
static void clients_watch(int *s, int n, struct result *res)
{
	long long t0 = now_ms(), left;
	struct pollfd p[MAX_CONNS];
	int idx[MAX_CONNS], done[MAX_CONNS] = { 0 }, k, i;
	char buf[256];
	ssize_t r;

	while ((left = t0 + RESET_MS - now_ms()) > 0) {
		for (i = k = 0; i < n; i++) {
			if (done[i])
				continue;
			p[k].fd = s[i];
			p[k].events = POLLIN;
			idx[k++] = i;
		}
		if (!k || poll(p, k, left) <= 0)
			break;
		for (i = 0; i < k; i++) {
			if (!p[i].revents)
				continue;
			r = recv(p[i].fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (r < 0 && errno == EAGAIN)
				continue;
			done[idx[i]] = 1;
			if (r < 0 && errno == ECONNRESET) {
				res->resets++;
				if (now_ms() - t0 > res->max_ms)
					res->max_ms = now_ms() - t0;
			} else if (!r) {
				res->fins++;
			}
		}
	}
}

/*
 * @n kernel clients in the peer's namespace. Once all are connected and
 * settled they write to @ready; from the byte on @go they watch for
 * resets, then write a struct result to @out.
 */
static pid_t clients(struct server *sv, int n, int ready, int go, int out)
{
	struct result res = { 0 };
	int s[MAX_CONNS], mode[MAX_CONNS];
	pid_t pid = t_in_peer(sv->net);
	char c;

	if (pid)
		return pid;
	t_inst_close(&sv->in);	/* the instance is not the clients' to hold */
	res.connected = clients_connect(sv, s, mode, n);
	for (int i = 0; i < res.connected; i++)
		res.ahead += mode[i] == M_AHEAD;
	res.challenge_acks = -t_net_counter("netstat", "TcpExt",
					    "TCPChallengeACK");
	if (write(ready, "r", 1) != 1 || read(go, &c, 1) != 1)
		_exit(1);
	if (res.connected == n)
		clients_watch(s, n, &res);
	res.challenge_acks += t_net_counter("netstat", "TcpExt",
					    "TCPChallengeACK");
	if (write(out, &res, sizeof(res)) != sizeof(res))
		_exit(1);
	_exit(0);
}

/* What a death left behind, beside the clients' result. */
struct death {
	struct result res;
	struct cse_stats st;	/* the instance's, just before it died */
	int bind;		/* binding its port right after: 0 or -errno */
};

/*
 * The server in a child, killed with SIGKILL once the clients are settled.
 * Returns its pid once it is up; it writes its counters to @up then.
 */
static pid_t server_child(struct server *sv, int ready, int up)
{
	struct cse_stats st;
	pid_t pid = fork();

	if (pid)
		return pid;
	if (server_open(sv) || write(up, "u", 1) != 1 ||
	    serve(sv, ready, 20000))
		_exit(1);
	st = t_stats(sv->in.fd);
	if (write(up, &st, sizeof(st)) != sizeof(st))
		_exit(1);
	for (;;)
		pause();
}

/* Run @n clients against the server, then let it die: closed or killed. */
static int die_under_clients(struct server *sv, int n, int kill9,
			     struct death *d)
{
	int ready[2], go[2], out[2], up[2], ret = -1;
	pid_t srv = -1, cl;
	char c;

	if (pipe(ready) || pipe(go) || pipe(out) || pipe(up))
		return -1;
	if (kill9) {
		srv = server_child(sv, ready[0], up[1]);
		if (srv < 0 || read(up[0], &c, 1) != 1)
			goto out;
	} else if (server_open(sv)) {
		return -1;
	}
	cl = clients(sv, n, ready[1], go[0], out[1]);
	if (cl < 0)
		goto out;
	if (kill9) {
		if (read(up[0], &d->st, sizeof(d->st)) != sizeof(d->st))
			goto out;
	} else {
		if (serve(sv, ready[0], 20000))
			goto out;
		d->st = t_stats(sv->in.fd);
	}
	if (write(go[1], "g", 1) != 1)
		goto out;
	if (kill9) {
		kill(srv, SIGKILL);
		waitpid(srv, NULL, 0);
		srv = -1;
	} else {
		t_inst_close(&sv->in);
	}
	d->bind = t_kernel_bind(SOCK_STREAM, sv->port);
	if (read(out[0], &d->res, sizeof(d->res)) == sizeof(d->res) &&
	    !t_wait(cl))
		ret = 0;
out:
	if (srv > 0) {
		kill(srv, SIGKILL);
		waitpid(srv, NULL, 0);
	}
	return ret;
}

/* Set a module parameter; 0 or -1. */
static int set_param(const char *name, long long v)
{
	char path[128], buf[32];
	int fd, n, ok;

	snprintf(path, sizeof(path), "/sys/module/cse/parameters/%s", name);
	n = snprintf(buf, sizeof(buf), "%lld", v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, buf, n) == n;
	close(fd);
	return ok ? 0 : -1;
}

FIXTURE(reset) {
	struct t_net net;
	struct server sv;
	long long max_flows;	/* the parameter, restored at the end */
};

FIXTURE_SETUP(reset)
{
	memset(&self->sv, 0, sizeof(self->sv));
	self->sv.in.fd = -1;
	self->max_flows = -1;
	T_NEED_NET();
	self->max_flows = cse_param("max_tcp_flows");
	ASSERT_LE(0, self->max_flows);
	ASSERT_EQ(0, t_net_up(&self->net));
	self->sv.net = &self->net;
	self->sv.port = t_port(0);
	self->sv.modes = M_COUNT;
}

FIXTURE_TEARDOWN(reset)
{
	t_inst_close(&self->sv.in);
	if (self->max_flows >= 0)
		set_param("max_tcp_flows", self->max_flows);
	t_net_down(&self->net);
}

static void expect_all_reset(struct __test_metadata *_metadata,
			     const struct death *d, int n)
{
	EXPECT_EQ(n, d->res.connected);
	EXPECT_EQ(0ULL, d->st.tcp_untracked);
	EXPECT_EQ(n, d->res.resets);
	EXPECT_EQ(0, d->res.fins);
	EXPECT_GE(RESET_MS, d->res.max_ms);
	/* each M_AHEAD flow went through a challenge ACK */
	EXPECT_LT(0, d->res.ahead);
	EXPECT_LE(d->res.ahead, d->res.challenge_acks);
	EXPECT_EQ(0, d->bind);
	TH_LOG("%d resets, the slowest after %d ms; %lld challenge ACKs for %d flows ahead",
	       d->res.resets, d->res.max_ms, d->res.challenge_acks,
	       d->res.ahead);
}

/* close() of the instance resets 100 connections in every state. */
TEST_F(reset, close_resets_every_flow)
{
	struct death d = { 0 };

	ASSERT_EQ(0, die_under_clients(&self->sv, 100, 0, &d));
	expect_all_reset(_metadata, &d, 100);
}

/* So does SIGKILL of its process. */
TEST_F(reset, kill_9_resets_every_flow)
{
	struct death d = { 0 };

	ASSERT_EQ(0, die_under_clients(&self->sv, 100, 1, &d));
	expect_all_reset(_metadata, &d, 100);
}

/* Beyond max_tcp_flows flows are counted, not tracked, and not reset. */
TEST_F(reset, table_bound_holds)
{
	struct death d = { 0 };

	ASSERT_EQ(0, set_param("max_tcp_flows", 4));
	self->sv.modes = 1;
	ASSERT_EQ(0, die_under_clients(&self->sv, 6, 0, &d));
	EXPECT_EQ(6, d.res.connected);
	EXPECT_EQ(2ULL, d.st.tcp_untracked);
	EXPECT_EQ(4, d.res.resets);
	EXPECT_EQ(0, d.res.fins);
	EXPECT_EQ(0, d.bind);
}

/*
 * Kernel listeners in the peer's namespace on @port and @port + 1, for
 * @ms: SYNs to them are answered, never reset.
 */
static pid_t peer_listener(const struct t_net *t, int port, int ms)
{
	int ready;
	pid_t pid = t_in_peer_sync(t, &ready);

	if (pid)
		return pid;
	for (int i = 0; i < 2; i++) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(port + i),
		};
		int ls = socket(AF_INET, SOCK_STREAM, 0);

		if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(ls, 4))
			_exit(1);
	}
	if (write(ready, "r", 1) != 1)
		_exit(1);
	usleep(ms * 1000);
	_exit(0);
}

/*
 * The table has exactly one place left: a SYN to the peer's listener on
 * 7003 is tracked, one to 7004 after it is not (counted).
 */
static void expect_one_place(struct __test_metadata *_metadata,
			     struct server *sv)
{
	__u64 before = t_stats(sv->in.fd).tcp_untracked;

	EXPECT_EQ(1, send_tcp(sv, 7003, 9000, 0, TH_SYN, 0));
	EXPECT_EQ(before, t_stats(sv->in.fd).tcp_untracked);
	EXPECT_EQ(1, send_tcp(sv, 7004, 9100, 0, TH_SYN, 0));
	EXPECT_EQ(before + 1, t_stats(sv->in.fd).tcp_untracked);
}

/*
 * A SYN that validation refused, or that the peer drops (bad checksum),
 * takes no place in the table: with room for one flow, a good SYN after
 * them is tracked, and only the next is counted as untracked.
 */
TEST_F(reset, frames_not_believed_make_no_flow)
{
	struct server *sv = &self->sv;
	uint32_t lens[2];
	uint8_t *f;
	pid_t pid;

	ASSERT_EQ(0, set_param("max_tcp_flows", 1));
	ASSERT_EQ(0, server_open(sv));
	pid = peer_listener(&self->net, 7003, 1500);
	ASSERT_LT(0, pid);
	/* from a port the instance does not own: rejected */
	lens[0] = build_tcp(&sv->in, &self->net, 0, sv->port + 1, 7003, 1000,
			    0, TH_SYN, 0);
	/* from its port, with a TCP checksum the peer drops */
	lens[1] = build_tcp(&sv->in, &self->net, 1, sv->port, 7005, 2000, 0,
			    TH_SYN, 0);
	f = t_tx_buf(&sv->in, 1);
	f[50] ^= 0x5a;
	t_tx_publish(&sv->in, lens, 2);
	ASSERT_EQ(2, t_kick(sv->in.fd));
	EXPECT_EQ(1ULL, t_stats(sv->in.fd).tx_rejected);
	EXPECT_EQ(1ULL, t_stats(sv->in.fd).tx_frames);
	EXPECT_EQ(0ULL, t_stats(sv->in.fd).tcp_untracked);
	expect_one_place(_metadata, sv);
	EXPECT_EQ(0, t_wait(pid));
}

/* Wait for a RST from the peer in the RX ring; 1 when it came. */
static int wait_rst(struct server *sv, int ms)
{
	long long end = now_ms() + ms;
	int got = 0;

	while (!got && now_ms() < end) {
		while (t_ring_avail(&sv->in.rx)) {
			const struct cse_desc *d =
				t_ring_entry(&sv->in.rx, *sv->in.rx.consumer);
			const uint8_t *f = sv->in.area + d->addr;

			got |= d->len >= 54 && f[23] == IPPROTO_TCP &&
			       (f[47] & TH_RST);
			t_ring_release(&sv->in.rx, 1);
		}
		usleep(10000);
	}
	return got;
}

/*
 * A flow ends when either side resets it: the instance's own RST, or the
 * peer's answer to a SYN for a closed port. Neither keeps a place.
 */
TEST_F(reset, reset_flows_leave_the_table)
{
	struct server *sv = &self->sv;
	pid_t pid;

	ASSERT_EQ(0, set_param("max_tcp_flows", 1));
	ASSERT_EQ(0, server_open(sv));
	pid = peer_listener(&self->net, 7003, 1500);
	ASSERT_LT(0, pid);
	/* nobody listens on 7009: the peer's RST ends the flow */
	EXPECT_EQ(1, send_tcp(sv, 7009, 1000, 0, TH_SYN, 0));
	ASSERT_EQ(1, wait_rst(sv, 1000));
	EXPECT_EQ(1, send_tcp(sv, 7003, 2000, 0, TH_SYN, 0));
	EXPECT_EQ(0ULL, t_stats(sv->in.fd).tcp_untracked);
	/* the instance resets it itself: the place is free again */
	EXPECT_EQ(1, send_tcp(sv, 7003, 2001, 0, TH_RST, 0));
	expect_one_place(_metadata, sv);
	EXPECT_EQ(0, t_wait(pid));
}

/* A TCP segment to the server's port, as the test needs it. */
struct seg {
	uint16_t sport;
	uint8_t flags;
	uint32_t seq;
	uint32_t ack;
	uint32_t len;
};

/* The next TCP segment to the server's port within @ms; 1, or 0. */
static int next_seg(struct server *sv, struct seg *g, int ms)
{
	long long end = now_ms() + ms;

	while (now_ms() < end) {
		while (t_ring_avail(&sv->in.rx)) {
			const struct cse_desc *d =
				t_ring_entry(&sv->in.rx, *sv->in.rx.consumer);
			const uint8_t *f = sv->in.area + d->addr;
			const uint8_t *th = f + 34;
			int ours = d->len >= 54 && f[23] == IPPROTO_TCP &&
				   get16(th + 2) == sv->port;

			if (ours) {
				g->sport = get16(th);
				g->flags = th[13];
				g->seq = get32(th + 4);
				g->ack = get32(th + 8);
				g->len = get16(f + 16) - 20 - (th[12] >> 4) * 4;
			}
			t_ring_release(&sv->in.rx, 1);
			if (ours)
				return 1;
		}
		usleep(2000);
	}
	return 0;
}

/* Wait for a segment with all of @flags; 1 when it came. */
static int wait_seg(struct server *sv, struct seg *g, uint8_t flags)
{
	while (next_seg(sv, g, 2000)) {
		if ((g->flags & flags) == flags)
			return 1;
	}
	return 0;
}

/*
 * One kernel client in the peer's namespace: connects, half-closes first
 * when @first, reads to the end and closes.
 */
static pid_t fin_client(struct server *sv, int first)
{
	struct sockaddr_in sin = t_sin(sv->net, 1, sv->port);
	pid_t pid = t_in_peer(sv->net);
	int s;
	char c;

	if (pid)
		return pid;
	t_inst_close(&sv->in);
	s = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
		_exit(1);
	if (first && shutdown(s, SHUT_WR))
		_exit(2);
	if (read(s, &c, 1) != 0)
		_exit(3);
	close(s);
	_exit(0);
}

/*
 * A flow whose FINs were both acknowledged leaves the table, whoever closed
 * first: with room for one flow, a new one is tracked after it.
 */
static void fin_both_ways(struct __test_metadata *_metadata, struct server *sv,
			  int peer_first)
{
	const uint32_t iss = 5000;
	struct seg g;
	pid_t cl, ls;

	ASSERT_EQ(0, set_param("max_tcp_flows", 1));
	ASSERT_EQ(0, server_open(sv));
	ls = peer_listener(sv->net, 7003, 3000);
	ASSERT_LT(0, ls);
	cl = fin_client(sv, peer_first);
	ASSERT_LT(0, cl);
	ASSERT_EQ(1, wait_seg(sv, &g, TH_SYN));
	EXPECT_EQ(1, send_tcp(sv, g.sport, iss, g.seq + 1, TH_SYN | TH_ACK, 0));
	if (peer_first) {
		/* its FIN; ours, acknowledging it; its ACK of ours */
		ASSERT_EQ(1, wait_seg(sv, &g, TH_FIN));
		EXPECT_EQ(1, send_tcp(sv, g.sport, iss + 1, g.seq + 1,
				      TH_FIN | TH_ACK, 0));
		while (wait_seg(sv, &g, TH_ACK) && g.ack != iss + 2)
			;
		EXPECT_EQ(iss + 2, g.ack);
	} else {
		/* our FIN; its ACK (or FIN) of it, its FIN; ours acked */
		ASSERT_EQ(1, wait_seg(sv, &g, TH_ACK));
		EXPECT_EQ(1, send_tcp(sv, g.sport, iss + 1, g.seq,
				      TH_FIN | TH_ACK, 0));
		ASSERT_EQ(1, wait_seg(sv, &g, TH_FIN));
		EXPECT_EQ(iss + 2, g.ack);
		EXPECT_EQ(1, send_tcp(sv, g.sport, iss + 2, g.seq + 1,
				      TH_ACK, 0));
	}
	EXPECT_EQ(0, t_wait(cl));
	EXPECT_EQ(0ULL, t_stats(sv->in.fd).tcp_untracked);
	expect_one_place(_metadata, sv);
	EXPECT_EQ(0, t_wait(ls));
}

TEST_F(reset, flow_closed_by_the_peer_first_leaves_the_table)
{
	fin_both_ways(_metadata, &self->sv, 1);
}

TEST_F(reset, flow_closed_by_the_instance_first_leaves_the_table)
{
	fin_both_ways(_metadata, &self->sv, 0);
}

TEST_HARNESS_MAIN
