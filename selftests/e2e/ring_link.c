// SPDX-License-Identifier: GPL-2.0
/*
 * End to end over cse.ko: the library's stack on the ring link, attached
 * to one end of a veth pair, against the Linux kernel's own TCP/IP in the
 * peer namespace (e2e.h draws the wire). Runs in the VM, as root, with
 * cse.ko loaded; prints TAP.
 *
 * This process drives the stack the way the library's progress thread
 * does: poll() on the instance fd until frames, events or the next timer,
 * then events, RX in place, timers, the application's work, and one flush
 * (at most one TX kick) per turn. The kernel's side of every exchange runs
 * in a forked child inside the peer namespace and reports what it saw
 * through a pipe.
 */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include "core/socket.h"
#include "core/stack.h"
#include "dev/area.h"
#include "dev/dev.h"
#include "link/ring.h"
#include "e2e.h"

#define E2E_TCP_BYTES	(16ull << 20)
#define E2E_TCP_SECS	240
#define E2E_UDP_COUNT	200
#define E2E_UDP_SECS	60
#define E2E_KPORT_TCP	5201	/* kernel listener (peer netns) */
#define E2E_KPORT_UDP	5301	/* kernel UDP socket (peer netns) */
#define E2E_RX_BUDGET	512
#define E2E_BUF		65536

/* The instance: device, area, ring link and the stack on it. */
struct e2e_inst {
	struct e2e_net net;
	struct cse_dev dev;
	struct cse_area area;
	struct cse_ring_link link;
	struct cse_stack *st;
	uint32_t addr;		/* ours: 10.77.S.1, network order */
	uint32_t peer;		/* the kernel's: 10.77.S.2 */
};

static uint64_t e2e_clock(void *priv)
{
	(void)priv;
	return e2e_now_ns();
}

/* ------------------------------------------------------------------ */
/* Bring-up                                                           */
/* ------------------------------------------------------------------ */

static int e2e_attach(struct e2e_inst *in)
{
	struct cse_area_req req = {
		.ifindex = (unsigned int)in->net.ifindex,
		.rx_entries = 2048,
		.tx_entries = 1024,
		.ev_entries = 64,
		.frame_size = 2048,
		.sock_entries = 0,
	};
	char why[256];
	int err;

	err = cse_dev_open(&in->dev, "/dev/" CSE_DEVICE_NAME, 0, why,
			   sizeof(why));
	if (err) {
		e2e_diag("%s", why);
		return err;
	}
	err = cse_area_attach(in->dev.fd, &req, &in->area);
	if (err) {
		e2e_diag("attach: %s", strerror(-err));
		return err;
	}
	return cse_ring_link_init(&in->link, &in->area);
}

/* The stack at the device's address and MAC, on the ring link. */
static int e2e_stack(struct e2e_inst *in)
{
	struct cse_stack_config c;

	cse_stack_config_defaults(&c);
	c.link = cse_ring_link_link(&in->link);
	c.clock = (struct cse_clock){ e2e_clock, NULL };
	c.addr.s_addr = in->addr;
	c.prefix_len = 24;
	c.seed = e2e_now_ns() ^ (uint64_t)getpid();
	/* Room for a full receive window and send buffer. */
	c.mem_limit = 64u << 20;
	c.tcp_rmem_max = 2u << 20;
	return cse_stack_create(&c, &in->st);
}

static int e2e_up(struct e2e_inst *in)
{
	int err;

	memset(in, 0, sizeof(*in));
	in->dev.fd = -1;
	if (e2e_net_up(&in->net))
		return -1;
	in->addr = e2e_addr(&in->net, 1);
	in->peer = e2e_addr(&in->net, 2);
	err = e2e_attach(in);
	if (!err)
		err = e2e_stack(in);
	return err;
}

static void e2e_down(struct e2e_inst *in)
{
	cse_stack_destroy(in->st);
	cse_area_detach(&in->area);
	cse_dev_close(&in->dev);
	e2e_net_down(&in->net);
}

/*
 * Own a port through the module (CSE_IOC_PORT_RESERVE; it creates and
 * binds the socket that holds it). @remote_be/@rport for a connected
 * filter, else 0. Returns the port (host order) or -errno.
 */
static int e2e_reserve(struct e2e_inst *in, int proto, uint32_t remote_be,
		       uint16_t rport)
{
	struct cse_port p;

	memset(&p, 0, sizeof(p));
	p.proto = (uint8_t)proto;
	if (remote_be) {
		p.flags = CSE_PORT_CONNECTED;
		p.remote_addr = remote_be;
		p.remote_port = htons(rport);
	}
	if (ioctl(in->dev.fd, CSE_IOC_PORT_RESERVE, &p))
		return -errno;
	return ntohs(p.local_port);
}

/* A stack socket bound to our address and exactly @port. */
static struct cse_sock *e2e_sock(struct e2e_inst *in, int type, int port)
{
	struct sockaddr_in sin = e2e_sin(in->addr, (uint16_t)port);
	struct cse_sock *s;

	if (port < 0 || cse_socket(in->st, type, 0, &s))
		return NULL;
	if (cse_bind(s, (struct sockaddr *)&sin, sizeof(sin))) {
		cse_close(s);
		return NULL;
	}
	return s;
}

/* ------------------------------------------------------------------ */
/* Driving the stack                                                  */
/* ------------------------------------------------------------------ */

static void e2e_on_event(const struct cse_event *ev, void *arg)
{
	(void)arg;
	e2e_diag("event %u value %u (seq %llu)", ev->type, ev->value,
		 (unsigned long long)ev->seq);
}

/* Milliseconds until the stack's next timer, within [0, @cap]. */
static int e2e_wait_ms(const struct e2e_inst *in, int cap)
{
	uint64_t next = cse_stack_next_timer(in->st), now = e2e_now_ns();
	uint64_t ms;

	if (next <= now)
		return 0;
	ms = (next - now + 999999) / 1000000;
	return ms < (uint64_t)cap ? (int)ms : cap;
}

/*
 * Sleep until frames or events arrive or the stack's next timer is due,
 * then take in what arrived. The sleep is capped at 10 ms because the
 * tests have deadlines of their own (UDP retries, the child's report)
 * that their step checks once per turn.
 */
static void e2e_turn(struct e2e_inst *in)
{
	struct pollfd p = { .fd = in->dev.fd, .events = POLLIN };

	if (!cse_ring_link_pending(&in->link))
		poll(&p, 1, e2e_wait_ms(in, 10));
	cse_ring_link_events(&in->link, e2e_on_event, in);
	cse_ring_link_rx(&in->link, in->st, E2E_RX_BUDGET);
	cse_stack_run_timers(in->st);
}

/* The application's part of a turn: 1 done, 0 more to do, -1 failed. */
typedef int (*e2e_step_fn)(struct e2e_inst *in, void *ctx);

/* Turn until @step is done or fails, or @secs pass: 0 or -1. */
static int e2e_drive(struct e2e_inst *in, e2e_step_fn step, void *ctx,
		     unsigned int secs)
{
	uint64_t end = e2e_now_ns() + secs * 1000000000ull;
	int rc;

	for (;;) {
		e2e_turn(in);
		rc = step(in, ctx);
		if (cse_ring_link_flush(&in->link) < 0)
			return -1;
		if (rc)
			return rc > 0 ? 0 : -1;
		if (e2e_now_ns() > end) {
			e2e_diag("timed out after %us", secs);
			return -1;
		}
	}
}

/* ------------------------------------------------------------------ */
/* A TCP exchange: both ends send a known stream and hash what they get */
/* ------------------------------------------------------------------ */

/* One end's socket, as the exchange sees it: -errno or a count. */
struct e2e_io {
	ssize_t (*send)(void *h, const void *buf, size_t len);
	ssize_t (*recv)(void *h, void *buf, size_t len);
	int (*shut)(void *h);
	void *h;
};

struct e2e_xfer {
	uint64_t total;
	uint8_t tx_seed, rx_seed;
	uint64_t sent, got;
	uint64_t tx_hash, rx_hash;
	bool shut, eof;
	uint64_t buf_off;	/* stream offset of txbuf[0] */
	size_t buf_len;
	uint8_t txbuf[E2E_BUF];
	uint8_t rxbuf[E2E_BUF];
};

/* What one end reports: what it sent and what it received. */
struct e2e_report {
	uint64_t sent, got;
	uint64_t tx_hash, rx_hash;
};

static void e2e_xfer_init(struct e2e_xfer *x, uint64_t total, uint8_t tx_seed,
			  uint8_t rx_seed)
{
	memset(x, 0, sizeof(*x));
	x->total = total;
	x->tx_seed = tx_seed;
	x->rx_seed = rx_seed;
	x->tx_hash = E2E_HASH_INIT;
	x->rx_hash = E2E_HASH_INIT;
}

/* Send what the socket takes now; the stream ends with a shutdown. */
static int e2e_xfer_send(struct e2e_xfer *x, const struct e2e_io *io)
{
	ssize_t n;
	size_t at;

	while (x->sent < x->total) {
		if (x->sent == x->buf_off + x->buf_len) {
			x->buf_off = x->sent;
			x->buf_len = x->total - x->sent < E2E_BUF ?
				     x->total - x->sent : E2E_BUF;
			e2e_fill(x->txbuf, x->buf_len, x->buf_off, x->tx_seed);
		}
		at = x->sent - x->buf_off;
		n = io->send(io->h, x->txbuf + at, x->buf_len - at);
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return -1;
		x->tx_hash = e2e_hash(x->tx_hash, x->txbuf + at, (size_t)n);
		x->sent += (uint64_t)n;
	}
	if (!x->shut && io->shut(io->h))
		return -1;
	x->shut = true;
	return 0;
}

/* Take what arrived, to the end of the peer's stream. */
static int e2e_xfer_recv(struct e2e_xfer *x, const struct e2e_io *io)
{
	ssize_t n;

	while (!x->eof) {
		n = io->recv(io->h, x->rxbuf, sizeof(x->rxbuf));
		if (n == -EAGAIN)
			return 0;
		if (n < 0)
			return -1;
		if (n == 0)
			x->eof = true;
		x->rx_hash = e2e_hash(x->rx_hash, x->rxbuf, (size_t)n);
		x->got += (uint64_t)n;
	}
	return 0;
}

/* 1 when both directions are over, 0 for more, -1 on an error. */
static int e2e_xfer_pump(struct e2e_xfer *x, const struct e2e_io *io)
{
	if (e2e_xfer_send(x, io) || e2e_xfer_recv(x, io))
		return -1;
	return x->shut && x->eof;
}

static void e2e_xfer_report(const struct e2e_xfer *x, struct e2e_report *r)
{
	r->sent = x->sent;
	r->got = x->got;
	r->tx_hash = x->tx_hash;
	r->rx_hash = x->rx_hash;
}

/* --- the kernel's socket --- */

static ssize_t e2e_k_send(void *h, const void *buf, size_t len)
{
	ssize_t n = send(*(int *)h, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);

	return n < 0 ? -errno : n;
}

static ssize_t e2e_k_recv(void *h, void *buf, size_t len)
{
	ssize_t n = recv(*(int *)h, buf, len, MSG_DONTWAIT);

	return n < 0 ? -errno : n;
}

static int e2e_k_shut(void *h)
{
	return shutdown(*(int *)h, SHUT_WR) ? -errno : 0;
}

/* --- the stack's socket --- */

static ssize_t e2e_s_send(void *h, const void *buf, size_t len)
{
	return cse_sendto(h, buf, len, 0, NULL, 0);
}

static ssize_t e2e_s_recv(void *h, void *buf, size_t len)
{
	return cse_recvfrom(h, buf, len, 0, NULL, NULL, NULL);
}

static int e2e_s_shut(void *h)
{
	return cse_shutdown(h, SHUT_WR);
}

/* The kernel's end of an exchange on @fd; reports through @out. */
static int e2e_k_exchange(int fd, int out, uint64_t total)
{
	static struct e2e_xfer x;
	struct e2e_io io = { e2e_k_send, e2e_k_recv, e2e_k_shut, &fd };
	uint64_t end = e2e_now_ns() + E2E_TCP_SECS * 1000000000ull;
	struct e2e_report r;
	int rc = 0;

	e2e_xfer_init(&x, total, 0x5a, 0xa5);
	while (!rc && e2e_now_ns() < end) {
		struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };

		if (x.shut)
			p.events = POLLIN;
		poll(&p, 1, 100);
		rc = e2e_xfer_pump(&x, &io);
	}
	if (rc != 1)
		return -1;
	e2e_xfer_report(&x, &r);
	return write(out, &r, sizeof(r)) == sizeof(r) ? 0 : -1;
}

/* Wait up to @ms for @fd to have @events; true when it does. */
static bool e2e_wait_fd(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };

	return poll(&p, 1, ms) == 1 && (p.revents & events);
}

/* Child: a listener in the peer netns; 'R' on @out once it listens. */
static int e2e_k_server(struct e2e_inst *in, int unused, int out)
{
	struct sockaddr_in sin = e2e_sin(in->peer, E2E_KPORT_TCP);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), fd;

	(void)unused;
	if (l < 0 || bind(l, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(l, 4) || write(out, "R", 1) != 1)
		return -1;
	if (!e2e_wait_fd(l, POLLIN, 60000))
		return -1;
	fd = accept(l, NULL, NULL);
	return fd < 0 ? -1 : e2e_k_exchange(fd, out, E2E_TCP_BYTES);
}

/* Child: connect to the stack's listener on @port, then exchange. */
static int e2e_k_client(struct e2e_inst *in, int port, int out)
{
	struct sockaddr_in sin = e2e_sin(in->addr, (uint16_t)port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), err = 0;
	socklen_t len = sizeof(err);

	if (fd < 0 || !connect(fd, (struct sockaddr *)&sin, sizeof(sin)) ||
	    errno != EINPROGRESS || !e2e_wait_fd(fd, POLLOUT, 60000))
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) || err)
		return -1;
	return e2e_k_exchange(fd, out, E2E_TCP_BYTES);
}

/* --- the stack's end --- */

struct e2e_tcp {
	struct e2e_xfer x;
	struct cse_sock *l;	/* our listener, or NULL */
	struct cse_sock *s;	/* the connection */
	bool connected;
	int report_fd;		/* the child's pipe */
	bool reported;
	struct e2e_report theirs;
	uint64_t t0, t1;
};

/* The child's report, once it is in the pipe: 1, 0 not yet, -1 failed. */
static int e2e_take_report(struct e2e_tcp *t)
{
	ssize_t n;

	if (t->reported)
		return 1;
	if (!e2e_wait_fd(t->report_fd, POLLIN, 0))
		return 0;
	n = read(t->report_fd, &t->theirs, sizeof(t->theirs));
	if (n != sizeof(t->theirs))
		return -1;	/* the child gave up without a report */
	t->reported = true;
	return 1;
}

/* Connected yet? Accepts on our listener, or waits for connect(). */
static int e2e_tcp_connected(struct e2e_tcp *t)
{
	unsigned int mask;
	int err;

	if (t->l) {
		err = cse_accept(t->l, &t->s, NULL, NULL);
		if (err == -EAGAIN)
			return 0;
		return err ? -1 : 1;
	}
	mask = cse_poll(t->s);
	if (mask & (CSE_POLLERR | CSE_POLLHUP))
		return -1;
	return (mask & CSE_POLLOUT) ? 1 : 0;
}

static int e2e_tcp_step(struct e2e_inst *in, void *ctx)
{
	struct e2e_tcp *t = ctx;
	struct e2e_io io = { e2e_s_send, e2e_s_recv, e2e_s_shut, t->s };
	int rc;

	(void)in;
	if (!t->connected) {
		rc = e2e_tcp_connected(t);
		if (rc <= 0)
			return rc;
		t->connected = true;
		t->t0 = e2e_now_ns();
		io.h = t->s;
	}
	if (!t->t1) {
		rc = e2e_xfer_pump(&t->x, &io);
		if (rc < 0)
			return -1;
		if (rc)
			t->t1 = e2e_now_ns();
	}
	/* Keep driving until the kernel's end got everything too. */
	return t->t1 ? e2e_take_report(t) : 0;
}

/* Both ends saw what the other sent, byte for byte (by checksum). */
static bool e2e_tcp_verdict(const struct e2e_tcp *t, const char *what)
{
	const struct e2e_xfer *x = &t->x;
	double secs = (double)(t->t1 - t->t0) / 1e9;
	bool ok = x->sent == E2E_TCP_BYTES && x->got == E2E_TCP_BYTES &&
		  t->theirs.sent == E2E_TCP_BYTES &&
		  t->theirs.got == E2E_TCP_BYTES &&
		  x->tx_hash == t->theirs.rx_hash &&
		  x->rx_hash == t->theirs.tx_hash;

	e2e_diag("%s: stack sent %llu got %llu, kernel sent %llu got %llu; checksums %016llx/%016llx %016llx/%016llx",
		 what, (unsigned long long)x->sent,
		 (unsigned long long)x->got,
		 (unsigned long long)t->theirs.sent,
		 (unsigned long long)t->theirs.got,
		 (unsigned long long)x->tx_hash,
		 (unsigned long long)t->theirs.rx_hash,
		 (unsigned long long)x->rx_hash,
		 (unsigned long long)t->theirs.tx_hash);
	if (secs > 0)
		e2e_diag("%s: %.1f MiB each way in %.2f s: %.2f MiB/s per direction",
			 what, E2E_TCP_BYTES / 1048576.0, secs,
			 E2E_TCP_BYTES / 1048576.0 / secs);
	return ok;
}

/* The kernel's end of a test, run in a child: 0 when it passed. */
typedef int (*e2e_peer_fn)(struct e2e_inst *in, int arg, int out);

/* Fork the kernel's end (@fn) with a pipe back; its pid, or -1. */
static pid_t e2e_spawn(struct e2e_inst *in, e2e_peer_fn fn, int arg,
		       int *report_fd)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = e2e_fork_peer(&in->net);
	if (pid == 0) {
		close(p[0]);
		_exit(fn(in, arg, p[1]) ? 1 : 0);
	}
	close(p[1]);
	if (pid < 0)
		close(p[0]);
	else
		*report_fd = p[0];
	return pid;
}

/* Give up on a test before its exchange: the child and its pipe go. */
static bool e2e_abandon(pid_t pid, int report_fd)
{
	kill(pid, SIGKILL);
	e2e_reap(pid);
	close(report_fd);
	return false;
}

/* Drive an exchange whose stack end is set up in @t; true when it passed. */
static bool e2e_tcp_run(struct e2e_inst *in, struct e2e_tcp *t, pid_t pid,
			const char *what)
{
	int rc = e2e_drive(in, e2e_tcp_step, t, E2E_TCP_SECS + 30);
	bool ok;

	if (rc)
		e2e_diag("%s: stack end sent %llu got %llu, connected %d", what,
			 (unsigned long long)t->x.sent,
			 (unsigned long long)t->x.got, t->connected);
	if (rc)
		kill(pid, SIGKILL);
	ok = e2e_reap(pid) == 0 && !rc && e2e_tcp_verdict(t, what);
	close(t->report_fd);
	if (t->s)
		cse_close(t->s);
	if (t->l)
		cse_close(t->l);
	return ok;
}

/* The stack connects to a kernel listener in the peer namespace. */
static bool e2e_test_tcp_connect(struct e2e_inst *in, struct e2e_tcp *t)
{
	struct sockaddr_in dst = e2e_sin(in->peer, E2E_KPORT_TCP);
	int port, rc;
	char c;
	pid_t pid;

	memset(t, 0, sizeof(*t));
	e2e_xfer_init(&t->x, E2E_TCP_BYTES, 0xa5, 0x5a);
	pid = e2e_spawn(in, e2e_k_server, 0, &t->report_fd);
	if (pid < 0)
		return false;
	/* The listener must be up before our SYN leaves. */
	if (!e2e_wait_fd(t->report_fd, POLLIN, 30000) ||
	    read(t->report_fd, &c, 1) != 1)
		return e2e_abandon(pid, t->report_fd);
	port = e2e_reserve(in, IPPROTO_TCP, in->peer, E2E_KPORT_TCP);
	t->s = e2e_sock(in, SOCK_STREAM, port);
	rc = t->s ? cse_connect(t->s, (struct sockaddr *)&dst, sizeof(dst)) :
		    -1;
	if (rc != -EINPROGRESS) {
		e2e_diag("reserve %d, connect %d", port, rc);
		if (t->s)
			cse_close(t->s);
		return e2e_abandon(pid, t->report_fd);
	}
	return e2e_tcp_run(in, t, pid, "tcp stack->kernel listener");
}

/* A kernel client connects to a stack listener. */
static bool e2e_test_tcp_accept(struct e2e_inst *in, struct e2e_tcp *t)
{
	int port = e2e_reserve(in, IPPROTO_TCP, 0, 0);
	pid_t pid;

	memset(t, 0, sizeof(*t));
	e2e_xfer_init(&t->x, E2E_TCP_BYTES, 0xa5, 0x5a);
	t->l = e2e_sock(in, SOCK_STREAM, port);
	if (!t->l || cse_listen(t->l, 4)) {
		e2e_diag("reserve %d: no listener", port);
		if (t->l)
			cse_close(t->l);
		return false;
	}
	pid = e2e_spawn(in, e2e_k_client, port, &t->report_fd);
	if (pid < 0) {
		cse_close(t->l);
		return false;
	}
	return e2e_tcp_run(in, t, pid, "tcp kernel->stack listener");
}

/* ------------------------------------------------------------------ */
/* UDP: each side pings the other E2E_UDP_COUNT times, in lockstep     */
/* ------------------------------------------------------------------ */

/*
 * A datagram: type, sequence number, and a payload whose size and bytes
 * follow from both. 'P' kernel ping, 'p' its echo; 'Q' stack ping, 'q' its
 * echo; 'D' the stack is done.
 */
#define E2E_DGRAM_MAX	1400

static size_t e2e_dgram_len(uint32_t seq)
{
	return 8 + (100 + seq * 37) % (E2E_DGRAM_MAX - 8);
}

static size_t e2e_dgram(uint8_t *buf, char type, uint32_t seq)
{
	size_t len = e2e_dgram_len(seq);

	memset(buf, 0, 8);
	buf[0] = (uint8_t)type;
	memcpy(buf + 4, &seq, 4);
	e2e_fill(buf + 8, len - 8, (uint64_t)seq << 16, (uint8_t)seq);
	return len;
}

/* @buf is datagram @type with a correct payload; its seq in @seq. */
static bool e2e_dgram_ok(const uint8_t *buf, size_t len, char type,
			 uint32_t *seq)
{
	uint8_t want[E2E_DGRAM_MAX];

	if (len < 8 || buf[0] != (uint8_t)type)
		return false;
	memcpy(seq, buf + 4, 4);
	return len == e2e_dgram(want, type, *seq) && !memcmp(buf, want, len);
}

/* The kernel's side: ping the stack, echo its pings, until 'D'. */
struct e2e_kudp {
	int fd;
	struct sockaddr_in stack;
	uint32_t next;		/* our next ping */
	uint64_t sent_at;
	uint32_t echoed;	/* stack pings echoed */
	uint32_t bad;
	bool done;
};

static void e2e_kudp_ping(struct e2e_kudp *k)
{
	uint8_t buf[E2E_DGRAM_MAX];
	size_t len = e2e_dgram(buf, 'P', k->next);

	sendto(k->fd, buf, len, 0, (struct sockaddr *)&k->stack,
	       sizeof(k->stack));
	k->sent_at = e2e_now_ns();
}

static void e2e_kudp_input(struct e2e_kudp *k, uint8_t *buf, size_t len)
{
	uint32_t seq;

	if (e2e_dgram_ok(buf, len, 'p', &seq)) {
		if (seq == k->next && ++k->next < E2E_UDP_COUNT)
			e2e_kudp_ping(k);
	} else if (e2e_dgram_ok(buf, len, 'Q', &seq)) {
		buf[0] = 'q';
		sendto(k->fd, buf, len, 0, (struct sockaddr *)&k->stack,
		       sizeof(k->stack));
		k->echoed++;
	} else if (len == 1 && buf[0] == 'D') {
		k->done = true;
	} else {
		k->bad++;
	}
}

static int e2e_k_udp(struct e2e_inst *in, int port, int out)
{
	struct sockaddr_in me = e2e_sin(in->peer, E2E_KPORT_UDP);
	struct e2e_kudp k = { .stack = e2e_sin(in->addr, (uint16_t)port) };
	uint64_t end = e2e_now_ns() + E2E_UDP_SECS * 1000000000ull;
	uint8_t buf[E2E_DGRAM_MAX + 1];
	ssize_t n;

	k.fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (k.fd < 0 || bind(k.fd, (struct sockaddr *)&me, sizeof(me)))
		return -1;
	e2e_kudp_ping(&k);
	while (!(k.done && k.next >= E2E_UDP_COUNT) && e2e_now_ns() < end) {
		if (e2e_wait_fd(k.fd, POLLIN, 20)) {
			n = recv(k.fd, buf, sizeof(buf), MSG_DONTWAIT);
			if (n > 0)
				e2e_kudp_input(&k, buf, (size_t)n);
		}
		/* Lost on the way (a full ring): ask again. */
		if (k.next < E2E_UDP_COUNT &&
		    e2e_now_ns() - k.sent_at > 200000000ull)
			e2e_kudp_ping(&k);
	}
	n = write(out, &k.echoed, sizeof(k.echoed));
	return k.done && k.next >= E2E_UDP_COUNT && !k.bad ? 0 : -1;
}

/* The stack's side. */
struct e2e_udp {
	struct cse_sock *s;
	struct sockaddr_in kernel;
	uint32_t next;		/* our next ping */
	uint64_t sent_at;
	uint32_t echoed;	/* kernel pings echoed back */
	uint32_t bad;
	int report_fd;
	uint32_t kernel_echoed;	/* from the child's report */
	bool reported;
};

static void e2e_udp_send(struct e2e_udp *u, const uint8_t *buf, size_t len,
			 const struct sockaddr_in *to)
{
	cse_sendto(u->s, buf, len, 0, (const struct sockaddr *)to,
		   sizeof(*to));
}

static void e2e_udp_ping(struct e2e_udp *u)
{
	uint8_t buf[E2E_DGRAM_MAX];

	if (u->next < E2E_UDP_COUNT)
		e2e_udp_send(u, buf, e2e_dgram(buf, 'Q', u->next), &u->kernel);
	else
		e2e_udp_send(u, (const uint8_t *)"D", 1, &u->kernel);
	u->sent_at = e2e_now_ns();
}

static void e2e_udp_input(struct e2e_udp *u, uint8_t *buf, size_t len,
			  const struct sockaddr_in *from)
{
	uint32_t seq;

	if (e2e_dgram_ok(buf, len, 'P', &seq)) {
		buf[0] = 'p';
		e2e_udp_send(u, buf, len, from);
		u->echoed++;
	} else if (e2e_dgram_ok(buf, len, 'q', &seq)) {
		if (seq == u->next) {
			u->next++;
			e2e_udp_ping(u);
		}
	} else {
		u->bad++;
	}
}

/* The child's report: how many of our pings it echoed. */
static int e2e_udp_report(struct e2e_udp *u)
{
	if (u->reported)
		return 1;
	if (!e2e_wait_fd(u->report_fd, POLLIN, 0))
		return 0;
	if (read(u->report_fd, &u->kernel_echoed, sizeof(u->kernel_echoed)) !=
	    sizeof(u->kernel_echoed))
		return -1;
	u->reported = true;
	return 1;
}

static int e2e_udp_step(struct e2e_inst *in, void *ctx)
{
	struct e2e_udp *u = ctx;
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	uint8_t buf[E2E_DGRAM_MAX + 1];
	ssize_t n;

	(void)in;
	while ((n = cse_recvfrom(u->s, buf, sizeof(buf), 0,
				 (struct sockaddr *)&from, &flen, NULL)) > 0) {
		e2e_udp_input(u, buf, (size_t)n, &from);
		flen = sizeof(from);
	}
	/* Lost, or the first ARP still pending: ask again ('D' too). */
	if (e2e_now_ns() - u->sent_at > 200000000ull)
		e2e_udp_ping(u);
	return u->next >= E2E_UDP_COUNT ? e2e_udp_report(u) : 0;
}

static void e2e_test_udp(struct e2e_inst *in, struct e2e_tap *tap)
{
	struct e2e_udp u = {
		.kernel = e2e_sin(in->peer, E2E_KPORT_UDP),
		.report_fd = -1,
	};
	int port = e2e_reserve(in, IPPROTO_UDP, 0, 0), rc = -1;
	pid_t pid = -1;

	u.s = e2e_sock(in, SOCK_DGRAM, port);
	if (!u.s)
		e2e_diag("udp: reserve %d: no socket", port);
	else
		pid = e2e_spawn(in, e2e_k_udp, port, &u.report_fd);
	if (pid > 0)
		rc = e2e_drive(in, e2e_udp_step, &u, E2E_UDP_SECS + 10);
	if (rc && pid > 0)
		kill(pid, SIGKILL);
	rc = e2e_reap(pid) || rc;
	e2e_diag("udp: stack echoed %u kernel pings, kernel echoed %u of %u stack pings, %u bad",
		 u.echoed, u.kernel_echoed, u.next, u.bad);
	e2e_ok(tap, !rc && u.echoed >= E2E_UDP_COUNT && !u.bad,
	       "udp: %d kernel datagrams reach the stack and come back",
	       E2E_UDP_COUNT);
	e2e_ok(tap, !rc && u.kernel_echoed >= E2E_UDP_COUNT,
	       "udp: %d stack datagrams reach the kernel and come back",
	       E2E_UDP_COUNT);
	if (u.report_fd >= 0)
		close(u.report_fd);
	if (u.s)
		cse_close(u.s);
}

/* ------------------------------------------------------------------ */
/* The instance's counters                                            */
/* ------------------------------------------------------------------ */

static void e2e_test_stats(struct e2e_inst *in, struct e2e_tap *tap)
{
	const struct cse_ring_link_stats *ls = &in->link.stats;
	struct cse_dev_stats ks;
	bool got;

	memset(&ks, 0, sizeof(ks));
	got = !ioctl(in->dev.fd, CSE_IOC_GET_STATS, &ks);
	if (!got)
		e2e_diag("CSE_IOC_GET_STATS: %s", strerror(errno));
	e2e_diag("module: rx_frames %llu rx_dropped %llu tx_frames %llu tx_rejected %llu tx_errors %llu ring_errors %llu events %llu",
		 (unsigned long long)ks.rx_frames,
		 (unsigned long long)ks.rx_dropped,
		 (unsigned long long)ks.tx_frames,
		 (unsigned long long)ks.tx_rejected,
		 (unsigned long long)ks.tx_errors,
		 (unsigned long long)ks.ring_errors,
		 (unsigned long long)ks.ev_events);
	e2e_diag("link: tx_frames %llu kicks %llu (%.1f frames per kick) tx_full %llu rx_frames %llu rx_bad %llu ring_errors %llu",
		 (unsigned long long)ls->tx_frames,
		 (unsigned long long)ls->kicks,
		 ls->kicks ? (double)ls->tx_frames / (double)ls->kicks : 0.0,
		 (unsigned long long)ls->tx_full,
		 (unsigned long long)ls->rx_frames,
		 (unsigned long long)ls->rx_bad,
		 (unsigned long long)ls->ring_errors);
	e2e_ok(tap, got && ks.rx_frames > 0 && ks.tx_frames > 0 &&
	       ks.tx_frames + ks.tx_rejected + ks.tx_errors == ls->tx_frames,
	       "stats: the module moved every frame the link published");
	e2e_ok(tap, got && ls->kicks > 0 && ls->kicks < ks.tx_frames,
	       "stats: TX kicks were batched (%llu kicks for %llu frames)",
	       (unsigned long long)ls->kicks,
	       (unsigned long long)ks.tx_frames);
	e2e_ok(tap, got && !ks.tx_rejected && !ks.ring_errors &&
	       !ls->ring_errors && !ls->rx_bad,
	       "stats: no frame rejected, no ring error on either side");
}

/* ------------------------------------------------------------------ */
/* Events                                                             */
/* ------------------------------------------------------------------ */

#define E2E_NEW_MTU	1400

static int e2e_mtu_step(struct e2e_inst *in, void *ctx)
{
	(void)ctx;
	return in->link.mtu == E2E_NEW_MTU;
}

/*
 * An MTU change on the device arrives as CSE_EV_MTU and the link takes
 * it. Last: the stack keeps the MTU it was created with, so its full-size
 * frames would now be refused.
 */
static void e2e_test_mtu_event(struct e2e_inst *in, struct e2e_tap *tap)
{
	char text[64];
	bool ok;

	snprintf(text, sizeof(text), "link set %s mtu %d\n", in->net.a,
		 E2E_NEW_MTU);
	ok = !e2e_ip_batch(NULL, text) && !e2e_drive(in, e2e_mtu_step, NULL, 10);
	e2e_ok(tap, ok, "events: an MTU change of the device reaches the link (%u)",
	       in->link.mtu);
}

int main(void)
{
	static struct e2e_tcp tcp;
	struct e2e_tap tap = { 0 };
	struct e2e_inst in;
	int err;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n");
	if (access("/dev/" CSE_DEVICE_NAME, F_OK) || geteuid()) {
		printf("1..0 # SKIP needs root and cse.ko loaded (/dev/cse)\n");
		return E2E_SKIP;
	}
	printf("1..9\n");
	err = e2e_up(&in);
	e2e_ok(&tap, !err, "setup: veth pair, handshake, attach, stack on the ring link");
	if (err) {
		printf("Bail out! no instance to test\n");
		e2e_down(&in);
		return 1;
	}
	e2e_ok(&tap, e2e_test_tcp_connect(&in, &tcp),
	       "tcp: stack connects to a kernel listener, 16 MiB each way, checksums match");
	e2e_ok(&tap, e2e_test_tcp_accept(&in, &tcp),
	       "tcp: kernel client connects to a stack listener, 16 MiB each way, checksums match");
	e2e_test_udp(&in, &tap);
	e2e_test_stats(&in, &tap);
	e2e_test_mtu_event(&in, &tap);
	e2e_down(&in);
	return tap.failed ? 1 : 0;
}
