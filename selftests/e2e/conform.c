// SPDX-License-Identifier: GPL-2.0
/*
 * Socket API conformance: one line per check, "section.check: what was
 * observed" (return values, errno names, poll masks, bytes, order). The
 * program is plain (no library objects, no sanitizers): selftests/e2e/
 * conform.sh runs it once on the kernel's stack and once under
 * LD_PRELOAD=libcse.so, in one boot of the VM, and the two outputs must be
 * byte for byte the same. Nothing that legitimately differs between runs
 * is printed: ephemeral ports show as "eph", descriptors as "fd", times
 * only as "at least the timeout".
 *
 *   conform LOCAL PEER NETNS
 *
 * LOCAL is this namespace's address on the veth pair (the served device
 * under the library), PEER the far end's, inside network namespace NETNS.
 * The peer is this same program run again (--peer) inside NETNS, without
 * the library, on the kernel's stack: it opens, accepts, sends, reads,
 * shuts down and resets connections on request, one request at a time
 * over a unix socket, so that every exchange happens in a fixed order.
 *
 * Under the library, a socket that should be served but was left to the
 * kernel is named on stderr ("not served"). Checks where the library
 * knowingly differs from Linux (Documentation/stack.rst, "Known
 * deviations") run only with CONFORM_EXCLUDED=1.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/select.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Ports: ours (7xxx), the peer's listeners (8xxx), the peer's clients. */
#define PEER_PORT	8000		/* the peer's main listener */
#define PEER_CLOSED	8999		/* nobody listens there */
#define WAIT_MS		3000		/* for what must happen */
#define SETTLE_MS	150		/* then for the dust to settle */

static struct in_addr local_addr, peer_addr, unreach_addr;
static int ctl = -1;			/* to the peer */
static int nchecks;
/*
 * Checks where the library knowingly differs from Linux (each one says
 * why, and Documentation/stack.rst lists them under "Known deviations")
 * run only with CONFORM_EXCLUDED=1 in the environment.
 */
static bool excluded;
/* Under libcse.so: sockets that should be served are checked to be. */
static bool under_lib;

/* ------------------------------------------------------------------ */
/* The peer: requests and what it does for each                       */
/* ------------------------------------------------------------------ */

enum peer_op {
	P_LISTEN = 1,	/* port -> listener */
	P_ACCEPT,	/* h -> connection; port: the client's port */
	P_CONNECT,	/* to LOCAL:port from PEER:arg (0: any) */
	P_SEND,		/* data on h */
	P_SEND_LATER,	/* answer first, then after arg ms send data */
	P_RECV,		/* arg bytes (fewer at EOF or after a wait) */
	P_DRAIN,	/* read to EOF: bytes; err: 0 at EOF, else why */
	P_POLL,		/* POLLIN|POLLRDHUP within arg ms: revents */
	P_SHUT_WR,
	P_CLOSE,
	P_RESET,	/* close with SO_LINGER {1, 0}: an RST */
	P_UDP,		/* a UDP socket on PEER:port */
	P_UDP_RECV,	/* a datagram: data, port of its sender */
	P_UDP_SEND,	/* data to LOCAL:port */
	P_RCVBUF,	/* SO_RCVBUF = arg */
};

struct preq {
	int op, h, port, arg, len;
	char data[256];
};

struct prep {
	int r, err, port, len;
	char data[256];
};

static struct sockaddr_in sin_of(struct in_addr a, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr = a,
	};

	return sin;
}

static bool wait_in(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, ms) == 1;
}

static int p_listen(const struct preq *q)
{
	struct sockaddr_in a = sin_of(peer_addr, q->port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (void *)&a, sizeof(a)) || listen(fd, 32))
		return -errno;
	return fd;
}

static int p_accept(const struct preq *q, struct prep *p)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd;

	if (!wait_in(q->h, 5000))
		return -ETIMEDOUT;
	fd = accept(q->h, (void *)&a, &len);
	if (fd < 0)
		return -errno;
	p->port = ntohs(a.sin_port);
	return fd;
}

static int p_connect(const struct preq *q)
{
	struct sockaddr_in to = sin_of(local_addr, q->port);
	struct sockaddr_in from = sin_of(peer_addr, q->arg);
	struct timeval tv = { .tv_sec = 5 };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1, err;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if ((q->arg && bind(fd, (void *)&from, sizeof(from))) ||
	    connect(fd, (void *)&to, sizeof(to))) {
		err = errno;
		close(fd);
		return -err;
	}
	return fd;
}

static int p_recv(const struct preq *q, struct prep *p)
{
	int got = 0, want = q->arg, n;

	if (want > (int)sizeof(p->data))
		want = sizeof(p->data);
	while (got < want) {
		if (!wait_in(q->h, WAIT_MS))
			return got ? got : -ETIMEDOUT;
		n = recv(q->h, p->data + got, want - got, 0);
		if (n < 0)
			return got ? got : -errno;
		if (!n)
			break;
		got += n;
	}
	p->len = got;
	return got;
}

static int p_drain(const struct preq *q, struct prep *p)
{
	static char buf[65536];
	int total = 0, n;

	for (;;) {
		if (!wait_in(q->h, WAIT_MS)) {
			p->err = ETIMEDOUT;
			break;
		}
		n = recv(q->h, buf, sizeof(buf), 0);
		if (n <= 0) {
			p->err = n ? errno : 0;
			break;
		}
		total += n;
	}
	return total;
}

static int p_poll(const struct preq *q)
{
	struct pollfd pf = { .fd = q->h, .events = POLLIN | POLLRDHUP };

	return poll(&pf, 1, q->arg) < 0 ? -errno : pf.revents;
}

static int p_reset(const struct preq *q)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	setsockopt(q->h, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	return close(q->h) ? -errno : 0;
}

static int p_udp(const struct preq *q)
{
	struct sockaddr_in a = sin_of(peer_addr, q->port);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (bind(fd, (void *)&a, sizeof(a)))
		return -errno;
	return fd;
}

static int p_udp_recv(const struct preq *q, struct prep *p)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int n;

	if (!wait_in(q->h, WAIT_MS))
		return -ETIMEDOUT;
	n = recvfrom(q->h, p->data, sizeof(p->data), 0, (void *)&a, &len);
	if (n < 0)
		return -errno;
	p->len = n;
	p->port = ntohs(a.sin_port);
	return n;
}

static int p_udp_send(const struct preq *q)
{
	struct sockaddr_in to = sin_of(local_addr, q->port);

	return sendto(q->h, q->data, q->len, 0, (void *)&to, sizeof(to)) < 0 ?
	       -errno : q->len;
}

static int p_ret(int r)
{
	return r < 0 ? -errno : r;
}

static int peer_do(const struct preq *q, struct prep *p)
{
	switch (q->op) {
	case P_LISTEN:		return p_listen(q);
	case P_ACCEPT:		return p_accept(q, p);
	case P_CONNECT:		return p_connect(q);
	case P_SEND:
		return p_ret(send(q->h, q->data, q->len, MSG_NOSIGNAL));
	case P_RECV:		return p_recv(q, p);
	case P_DRAIN:		return p_drain(q, p);
	case P_POLL:		return p_poll(q);
	case P_SHUT_WR:		return p_ret(shutdown(q->h, SHUT_WR));
	case P_CLOSE:		return p_ret(close(q->h));
	case P_RESET:		return p_reset(q);
	case P_UDP:		return p_udp(q);
	case P_UDP_RECV:	return p_udp_recv(q, p);
	case P_UDP_SEND:	return p_udp_send(q);
	case P_RCVBUF:
		return p_ret(setsockopt(q->h, SOL_SOCKET, SO_RCVBUF, &q->arg,
					sizeof(q->arg)));
	}
	return -EINVAL;
}

static int peer_main(int fd)
{
	struct preq q;
	struct prep p;

	signal(SIGPIPE, SIG_IGN);
	while (read(fd, &q, sizeof(q)) == sizeof(q)) {
		memset(&p, 0, sizeof(p));
		if (q.op == P_SEND_LATER) {
			if (write(fd, &p, sizeof(p)) != sizeof(p))
				return 1;
			usleep(q.arg * 1000);
			send(q.h, q.data, q.len, MSG_NOSIGNAL);
			continue;
		}
		p.r = peer_do(&q, &p);
		if (write(fd, &p, sizeof(p)) != sizeof(p))
			return 1;
	}
	return 0;
}

/* One request to the peer, its answer. */
static struct prep peer(int op, int h, int port, int arg, const char *data)
{
	struct preq q = { .op = op, .h = h, .port = port, .arg = arg };
	struct prep p = { .r = -EIO };

	if (data) {
		q.len = strlen(data);
		memcpy(q.data, data, q.len);
	}
	if (write(ctl, &q, sizeof(q)) != sizeof(q) ||
	    read(ctl, &p, sizeof(p)) != sizeof(p))
		p.r = -EIO;
	return p;
}

static int peer_r(int op, int h, int port, int arg, const char *data)
{
	return peer(op, h, port, arg, data).r;
}

/* ------------------------------------------------------------------ */
/* Saying what was seen                                               */
/* ------------------------------------------------------------------ */

static void say(const char *name, const char *fmt, ...)
{
	va_list ap;

	printf("%s: ", name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	nchecks++;
}

/* A few rotating buffers, so one say() can format several values. */
static char *sbuf(void)
{
	static char bufs[16][512];
	static unsigned int i;

	return bufs[i++ % 16];
}

static const char *ename(int e)
{
	const char *n = strerrorname_np(e);

	return n ? n : "E?";
}

/* A system call's result: the value, or "-1 ENAME". */
static const char *res(long r, int e)
{
	char *b = sbuf();

	if (r < 0)
		snprintf(b, 512, "-1 %s", ename(e));
	else
		snprintf(b, 512, "%ld", r);
	return b;
}

/* The same for calls that return a descriptor, whose number may vary. */
static const char *fdres(long r, int e)
{
	return r < 0 ? res(r, e) : "fd";
}

#define R(expr) ({ errno = 0; long r_ = (long)(expr); res(r_, errno); })
#define FD(expr) ({ errno = 0; long r_ = (long)(expr); fdres(r_, errno); })

/* The peer's answer: a value, or the errno it reports as -err. */
static const char *pres(int r)
{
	return r < 0 ? res(-1, -r) : res(r, 0);
}

static const char *addr_name(struct in_addr a)
{
	if (a.s_addr == local_addr.s_addr)
		return "LOCAL";
	if (a.s_addr == peer_addr.s_addr)
		return "PEER";
	if (a.s_addr == unreach_addr.s_addr)
		return "UNREACH";
	if (a.s_addr == htonl(INADDR_LOOPBACK))
		return "LO";
	if (a.s_addr == htonl(INADDR_ANY))
		return "ANY";
	return inet_ntoa(a);
}

/* Our fixed ports are below 10000; the rest are ephemeral ones. */
static const char *sin_str(const struct sockaddr_in *s, socklen_t len)
{
	char *b = sbuf();
	int port = ntohs(s->sin_port);

	if (s->sin_family != AF_INET) {
		snprintf(b, 512, "family %d len %u", s->sin_family, len);
		return b;
	}
	if (port && port >= 10000)
		snprintf(b, 512, "%s:eph len %u", addr_name(s->sin_addr), len);
	else
		snprintf(b, 512, "%s:%d len %u", addr_name(s->sin_addr), port,
			 len);
	return b;
}

static const char *sockname(int fd, bool peer_side)
{
	struct sockaddr_in s;
	socklen_t len = sizeof(s);
	int r;

	memset(&s, 0, sizeof(s));
	errno = 0;
	r = peer_side ? getpeername(fd, (void *)&s, &len) :
			getsockname(fd, (void *)&s, &len);
	if (r)
		return res(r, errno);
	return sin_str(&s, len);
}

/* getsockname() into 6 bytes: what was copied, and the length said. */
static const char *short_name(int fd)
{
	struct sockaddr_in s;
	socklen_t len = 6;
	char *b;

	memset(&s, 0xee, sizeof(s));
	if (getsockname(fd, (void *)&s, &len))
		return res(-1, errno);
	b = sbuf();
	snprintf(b, 512, "family %d port %s addr 0x%08x len %u", s.sin_family,
		 ntohs(s.sin_port) >= 10000 ? "eph" : "fixed",
		 s.sin_addr.s_addr, len);
	return b;
}

static const char *data_str(const char *d, long n)
{
	char *b = sbuf();
	size_t o = 0;
	long i;

	if (n < 0)
		return "-";
	o += snprintf(b + o, 512 - o, "\"");
	for (i = 0; i < n && o < 400; i++)
		o += snprintf(b + o, 512 - o, d[i] >= 32 && d[i] < 127 ?
			      "%c" : "\\x%02x", (unsigned char)d[i]);
	snprintf(b + o, 512 - o, "\"");
	return b;
}

static const struct {
	unsigned int bit;
	const char *name;
} poll_bits[] = {
	{ POLLIN, "IN" }, { POLLPRI, "PRI" }, { POLLOUT, "OUT" },
	{ POLLERR, "ERR" }, { POLLHUP, "HUP" }, { POLLNVAL, "NVAL" },
	{ POLLRDNORM, "RDNORM" }, { POLLRDBAND, "RDBAND" },
	{ POLLWRNORM, "WRNORM" }, { POLLWRBAND, "WRBAND" },
	{ POLLRDHUP, "RDHUP" }, { EPOLLET, "ET" },
	{ EPOLLONESHOT, "ONESHOT" },
};

static const char *mask_str(unsigned int m)
{
	char *b = sbuf();
	size_t o = 0, i;

	if (!m)
		return "0";
	b[0] = 0;
	for (i = 0; i < sizeof(poll_bits) / sizeof(poll_bits[0]); i++)
		if (m & poll_bits[i].bit)
			o += snprintf(b + o, 512 - o, "%s%s", o ? "|" : "",
				      poll_bits[i].name);
	if (m & ~(unsigned int)(0x3fff | EPOLLET | EPOLLONESHOT))
		snprintf(b + o, 512 - o, "|0x%x", m);
	return b;
}

/* Every event a socket can report, so poll() shows the whole mask. */
#define POLL_ALL (POLLIN | POLLPRI | POLLOUT | POLLRDNORM | POLLRDBAND | \
		  POLLWRNORM | POLLWRBAND | POLLRDHUP)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* poll() once, with every event asked for: the revents, or "-1 E". */
static const char *poll_now(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLL_ALL };
	int r = poll(&p, 1, ms);

	if (r < 0)
		return res(r, errno);
	return mask_str(r ? p.revents : 0);
}

/*
 * Wait (up to WAIT_MS) until @fd reports one of @want, let what follows
 * it arrive too, then show the whole mask: what a state settled into.
 */
static const char *poll_settled(int fd, short want)
{
	struct pollfd p = { .fd = fd, .events = want };

	poll(&p, 1, WAIT_MS);
	sleep_ms(SETTLE_MS);
	return poll_now(fd, 0);
}

/* Until FIONREAD (or SIOCOUTQ) reaches @want; returns what it is then. */
static const char *ioctl_until(int fd, unsigned long req, int want)
{
	long until = now_ms() + WAIT_MS;
	int v = -1, r;

	for (;;) {
		errno = 0;
		r = ioctl(fd, req, &v);
		if (r < 0)
			return res(r, errno);
		if (v == want || now_ms() > until)
			return res(v, 0);
		sleep_ms(10);
	}
}

static const char *getint(int fd, int level, int name)
{
	int v = -12345;
	socklen_t len = sizeof(v);
	char *b;

	errno = 0;
	if (getsockopt(fd, level, name, &v, &len))
		return res(-1, errno);
	b = sbuf();
	snprintf(b, 512, "%d len %u", v, len);
	return b;
}

static int setint(int fd, int level, int name, int v)
{
	return setsockopt(fd, level, name, &v, sizeof(v));
}

#define SETINT(fd, l, n, v) R(setint(fd, l, n, v))

static const char *flags_str(int fd)
{
	char *b = sbuf();
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0)
		return res(fl, errno);
	snprintf(b, 512, "0x%x", fl);
	return b;
}

/* ------------------------------------------------------------------ */
/* Sockets and connections used by the checks                        */
/* ------------------------------------------------------------------ */

/*
 * Under the library, a socket it serves is a cse.ko socket file: one that
 * is not was left to the kernel, and its checks prove nothing. Said on
 * stderr (stdout must not differ); conform.sh fails on such a line.
 */
static void expect_served(int fd, const char *what)
{
	char path[64], link[64];
	ssize_t n;

	if (!under_lib)
		return;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0 || !memmem(link, n, "cse-socket", 10))
		fprintf(stderr, "conform: not served: %s\n", what);
}

static int tcp(void)
{
	return socket(AF_INET, SOCK_STREAM, 0);
}

static int bind_to(int fd, struct in_addr a, int port)
{
	struct sockaddr_in s = sin_of(a, port);

	return bind(fd, (void *)&s, sizeof(s));
}

static int connect_to(int fd, struct in_addr a, int port)
{
	struct sockaddr_in s = sin_of(a, port);

	return connect(fd, (void *)&s, sizeof(s));
}

/* A listener on @a:@port with SO_REUSEADDR (runs leave TIME-WAITs). */
static int listener(struct in_addr a, int port, int backlog)
{
	int fd = tcp();

	setint(fd, SOL_SOCKET, SO_REUSEADDR, 1);
	if (bind_to(fd, a, port) || listen(fd, backlog)) {
		close(fd);
		return -1;
	}
	return fd;
}

static int peer_listener = -1;

/* A connection of ours to the peer's listener: our fd and its handle. */
struct conn {
	int fd, ph;
};

static bool conn_open(struct conn *c, const char *section)
{
	c->fd = tcp();
	c->ph = -1;
	if (c->fd < 0 || connect_to(c->fd, peer_addr, PEER_PORT) ||
	    (c->ph = peer_r(P_ACCEPT, peer_listener, 0, 0, NULL)) < 0) {
		say(section, "cannot connect to the peer (%s)", ename(errno));
		if (c->fd >= 0)
			close(c->fd);
		return false;
	}
	expect_served(c->fd, section);
	return true;
}

/* The peer closes first: no TIME-WAIT on our side. */
static void conn_close(struct conn *c)
{
	if (c->ph >= 0)
		peer_r(P_CLOSE, c->ph, 0, 0, NULL);
	close(c->fd);
}

/* recv() of up to @len into a string: "n \"data\"" or "-1 E". */
static const char *recv_str(int fd, size_t len, int flags)
{
	char buf[512], *b;
	ssize_t n;

	errno = 0;
	n = recv(fd, buf, len, flags);
	if (n < 0)
		return res(n, errno);
	b = sbuf();
	snprintf(b, 512, "%zd %s", n, data_str(buf, n > (ssize_t)len ?
						   (ssize_t)len : n));
	return b;
}

static const char *peer_recv_str(int ph, int len)
{
	struct prep p = peer(P_RECV, ph, 0, len, NULL);
	char *b = sbuf();

	snprintf(b, 512, "%s %s", pres(p.r), data_str(p.data, p.len));
	return b;
}

static const char *peer_drain_str(int ph)
{
	struct prep p = peer(P_DRAIN, ph, 0, 0, NULL);
	char *b = sbuf();

	snprintf(b, 512, "%d bytes, then %s", p.r, p.err ? ename(p.err) :
		 "EOF");
	return b;
}

static volatile sig_atomic_t n_alrm, n_pipe;

static void on_alrm(int sig)
{
	(void)sig;
	n_alrm++;
}

static void on_pipe(int sig)
{
	(void)sig;
	n_pipe++;
}

static void alarm_in(int ms, bool restart)
{
	struct sigaction sa = { .sa_handler = on_alrm };
	struct itimerval it = { .it_value = { 0, ms * 1000 } };

	sa.sa_flags = restart ? SA_RESTART : 0;
	sigaction(SIGALRM, &sa, NULL);
	n_alrm = 0;
	setitimer(ITIMER_REAL, &it, NULL);
}

static const char *timeval_str(int fd, int name)
{
	struct timeval tv = { -1, -1 };
	socklen_t len = sizeof(tv);
	char *b;

	if (getsockopt(fd, SOL_SOCKET, name, &tv, &len))
		return res(-1, errno);
	b = sbuf();
	snprintf(b, 512, "{%ld, %ld} len %u", (long)tv.tv_sec,
		 (long)tv.tv_usec, len);
	return b;
}

static int set_timeo(int fd, int name, long usec)
{
	struct timeval tv = { usec / 1000000, usec % 1000000 };

	return setsockopt(fd, SOL_SOCKET, name, &tv, sizeof(tv));
}

/* ------------------------------------------------------------------ */
/* socket(), bind()                                                   */
/* ------------------------------------------------------------------ */

static void t_socket(void)
{
	int fd = tcp(), nb;

	say("socket.stream", "%s", fdres(fd, errno));
	say("socket.stream_proto_udp", "%s",
	    R(socket(AF_INET, SOCK_STREAM, IPPROTO_UDP)));
	say("socket.dgram_proto_tcp", "%s",
	    R(socket(AF_INET, SOCK_DGRAM, IPPROTO_TCP)));
	say("socket.getsockname", "%s", sockname(fd, false));
	say("socket.getpeername", "%s", sockname(fd, true));
	say("socket.so_type", "%s", getint(fd, SOL_SOCKET, SO_TYPE));
	say("socket.so_acceptconn", "%s", getint(fd, SOL_SOCKET, SO_ACCEPTCONN));
	say("socket.getfl", "%s", flags_str(fd));
	say("socket.poll_fresh", "%s", poll_now(fd, 0));
	close(fd);
	nb = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	say("socket.nonblock_getfl", "%s", flags_str(nb));
	say("socket.cloexec_getfd", "%s", R(fcntl(nb, F_GETFD)));
	close(nb);
}

static void t_bind(void)
{
	int a = tcp(), b = tcp(), u, u2;
	struct sockaddr_in s = sin_of(local_addr, 7002);

	say("bind.local", "%s", R(bind_to(a, local_addr, 7001)));
	say("bind.again", "%s", R(bind_to(a, local_addr, 7002)));
	say("bind.in_use", "%s", R(bind_to(b, local_addr, 7001)));
	say("bind.in_use_any", "%s", R(bind_to(b, (struct in_addr){ 0 }, 7001)));
	say("bind.not_local", "%s",
	    R(bind_to(b, (struct in_addr){ htonl(0xc0000201) }, 7003)));
	say("bind.short_len", "%s", R(bind(b, (void *)&s, 8)));
	say("bind.getsockname", "%s", sockname(a, false));
	close(a);
	close(b);
	u = socket(AF_INET, SOCK_DGRAM, 0);
	u2 = socket(AF_INET, SOCK_DGRAM, 0);
	say("bind.udp_local", "%s", R(bind_to(u, local_addr, 7004)));
	expect_served(u, "bind.udp_local");
	say("bind.udp_getsockname", "%s", sockname(u, false));
	say("bind.udp_again", "%s", R(bind_to(u, local_addr, 7005)));
	say("bind.udp_in_use", "%s", R(bind_to(u2, local_addr, 7004)));
	say("bind.udp_listen", "%s", R(listen(u, 5)));
	say("bind.udp_accept", "%s", R(accept(u, NULL, NULL)));
	say("bind.udp_shutdown_unconnected", "%s", R(shutdown(u, SHUT_RDWR)));
	close(u);
	close(u2);
}

/* ------------------------------------------------------------------ */
/* listen(), accept()                                                 */
/* ------------------------------------------------------------------ */

static void t_listen_errors(int l)
{
	int b = tcp(), v;

	say("listen.again", "%s", R(listen(l, 16)));
	say("listen.so_acceptconn", "%s", getint(l, SOL_SOCKET, SO_ACCEPTCONN));
	say("listen.bind_same_port", "%s", R(bind_to(b, local_addr, 7010)));
	say("listen.bind_again", "%s", R(bind_to(l, local_addr, 7011)));
	say("listen.getsockname", "%s", sockname(l, false));
	say("listen.getpeername", "%s", sockname(l, true));
	say("listen.connect", "%s", R(connect_to(l, peer_addr, PEER_PORT)));
	say("listen.recv", "%s", recv_str(l, 10, MSG_DONTWAIT));
	say("listen.send", "%s", R(send(l, "x", 1, MSG_NOSIGNAL)));
	say("listen.fionread", "%s", R(ioctl(l, FIONREAD, &v)));
	say("listen.accept_on_unlistened", "%s", R(accept(b, NULL, NULL)));
	say("listen.accept4_bad_flags", "%s", R(accept4(l, NULL, NULL, 0x40)));
	fcntl(l, F_SETFL, O_NONBLOCK);
	say("listen.accept_nonblock_empty", "%s", R(accept(l, NULL, NULL)));
	say("listen.poll_empty", "%s", poll_now(l, 0));
	fcntl(l, F_SETFL, 0);
	close(b);
}

static void t_accept_one(int l, const char *tag, int from, int flags)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char name[64];
	int ph = peer_r(P_CONNECT, -1, 7010, from, NULL), fd;

	snprintf(name, sizeof(name), "accept.%s_peer_connect", tag);
	say(name, "%s", ph < 0 ? pres(ph) : "fd");
	snprintf(name, sizeof(name), "accept.%s_poll", tag);
	say(name, "%s", poll_settled(l, POLLIN));
	memset(&a, 0, sizeof(a));
	errno = 0;
	fd = accept4(l, (void *)&a, &len, flags);
	snprintf(name, sizeof(name), "accept.%s", tag);
	say(name, "%s %s", fdres(fd, errno), fd < 0 ? "" : sin_str(&a, len));
	expect_served(fd, name);
	snprintf(name, sizeof(name), "accept.%s_getsockname", tag);
	say(name, "%s", sockname(fd, false));
	snprintf(name, sizeof(name), "accept.%s_getpeername", tag);
	say(name, "%s", sockname(fd, true));
	snprintf(name, sizeof(name), "accept.%s_getfl", tag);
	say(name, "%s", flags_str(fd));
	snprintf(name, sizeof(name), "accept.%s_getfd", tag);
	say(name, "%s", R(fcntl(fd, F_GETFD)));
	snprintf(name, sizeof(name), "accept.%s_accept_on_it", tag);
	say(name, "%s", R(accept(fd, NULL, NULL)));
	snprintf(name, sizeof(name), "accept.%s_poll_after", tag);
	say(name, "%s", poll_now(l, 0));
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	close(fd);
}

/* Pending connections when the listener closes are reset. */
static void t_listen_close_pending(void)
{
	int l = listener((struct in_addr){ 0 }, 7012, 8);
	int ph = peer_r(P_CONNECT, -1, 7012, 0, NULL);

	say("listen.pending_connect", "%s", ph < 0 ? pres(ph) : "fd");
	say("listen.pending_poll", "%s", poll_settled(l, POLLIN));
	say("listen.pending_close", "%s", R(close(l)));
	say("listen.pending_peer_sees", "%s", peer_drain_str(ph));
	peer_r(P_CLOSE, ph, 0, 0, NULL);
}

/* shutdown(SHUT_RD) of a listener stops it: accept() is then EINVAL. */
static void t_listen_shutdown(void)
{
	int l = listener((struct in_addr){ 0 }, 7013, 8);

	say("listen.shutdown_rd", "%s", R(shutdown(l, SHUT_RD)));
	say("listen.shutdown_acceptconn", "%s",
	    getint(l, SOL_SOCKET, SO_ACCEPTCONN));
	say("listen.shutdown_accept", "%s", R(accept(l, NULL, NULL)));
	say("listen.shutdown_poll", "%s", poll_now(l, 0));
	close(l);
}

static const char *accept_str(int l)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd;
	char *b;

	memset(&a, 0, sizeof(a));
	errno = 0;
	fd = accept(l, (void *)&a, &len);
	if (fd < 0)
		return res(fd, errno);
	close(fd);
	b = sbuf();
	snprintf(b, 512, "%s", sin_str(&a, len));
	return b;
}

/* Connections are accepted in the order they were made. */
static void t_accept_order(void)
{
	int l = listener((struct in_addr){ 0 }, 7014, 8), c, ph[3];

	ph[0] = peer_r(P_CONNECT, -1, 7014, 7811, NULL);
	ph[1] = peer_r(P_CONNECT, -1, 7014, 7812, NULL);
	sleep_ms(SETTLE_MS);
	say("listen.order_first", "%s", accept_str(l));
	say("listen.order_second", "%s", accept_str(l));
	say("listen.shutdown_wr", "%s", R(shutdown(l, SHUT_WR)));
	say("listen.shutdown_wr_acceptconn", "%s",
	    getint(l, SOL_SOCKET, SO_ACCEPTCONN));
	/*
	 * Excluded: a loopback client waits in the kernel's half of the
	 * listener, a peer in the stack's; the library takes the stack's
	 * first, not knowing which came first (stack.rst).
	 */
	if (excluded) {
		c = tcp();
		connect_to(c, (struct in_addr){ htonl(INADDR_LOOPBACK) }, 7014);
		ph[2] = peer_r(P_CONNECT, -1, 7014, 7813, NULL);
		sleep_ms(SETTLE_MS);
		say("listen.order_mixed_first", "%s", accept_str(l));
		say("listen.order_mixed_second", "%s", accept_str(l));
		close(c);
		peer_r(P_CLOSE, ph[2], 0, 0, NULL);
	}
	peer_r(P_CLOSE, ph[0], 0, 0, NULL);
	peer_r(P_CLOSE, ph[1], 0, 0, NULL);
	close(l);
}

static void t_listen(void)
{
	int l = tcp();

	setint(l, SOL_SOCKET, SO_REUSEADDR, 1);
	say("listen.bind_any", "%s", R(bind_to(l, (struct in_addr){ 0 }, 7010)));
	say("listen.listen", "%s", R(listen(l, 8)));
	expect_served(l, "listen.listen");
	t_listen_errors(l);
	t_accept_one(l, "plain", 7801, 0);
	t_accept_one(l, "nb_cloexec", 7802, SOCK_NONBLOCK | SOCK_CLOEXEC);
	close(l);
	t_listen_close_pending();
	t_listen_shutdown();
	t_accept_order();
}

/* ------------------------------------------------------------------ */
/* connect()                                                          */
/* ------------------------------------------------------------------ */

static void t_connect_blocking(void)
{
	int s = tcp(), ph;

	say("connect.blocking", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	expect_served(s, "connect.blocking");
	ph = peer_r(P_ACCEPT, peer_listener, 0, 0, NULL);
	say("connect.getsockname", "%s", sockname(s, false));
	say("connect.getpeername", "%s", sockname(s, true));
	say("connect.getsockname_short", "%s", short_name(s));
	say("connect.again", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	say("connect.so_error", "%s", getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.poll", "%s", poll_now(s, 0));
	say("connect.unspec", "%s", R(connect(s, (void *)&(struct sockaddr){
		.sa_family = AF_UNSPEC }, sizeof(struct sockaddr))));
	say("connect.unspec_peer_sees", "%s", peer_drain_str(ph));
	say("connect.unspec_getpeername", "%s", sockname(s, true));
	say("connect.unspec_poll", "%s", poll_now(s, 0));
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	close(s);
}

static void t_connect_refused(void)
{
	int s = tcp(), ph;
	struct sockaddr_in six = sin_of(peer_addr, PEER_PORT);

	six.sin_family = AF_INET6;
	say("connect.short_len", "%s", R(connect(s, (void *)&six, 4)));
	say("connect.bad_family", "%s", R(connect(s, (void *)&six, sizeof(six))));
	say("connect.refused", "%s", R(connect_to(s, peer_addr, PEER_CLOSED)));
	expect_served(s, "connect.refused");
	say("connect.refused_so_error", "%s", getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.refused_getpeername", "%s", sockname(s, true));
	say("connect.refused_poll", "%s", poll_now(s, 0));
	say("connect.after_refused", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	ph = peer_r(P_ACCEPT, peer_listener, 0, 0, NULL);
	say("connect.after_refused_accepted", "%s", ph < 0 ? pres(ph) : "fd");
	say("connect.after_refused_getpeername", "%s", sockname(s, true));
	if (ph >= 0)
		peer_r(P_CLOSE, ph, 0, 0, NULL);
	close(s);
}

static void t_connect_nonblock(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), ph;

	say("connect.nb", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	expect_served(s, "connect.nb");
	say("connect.nb_poll", "%s", poll_settled(s, POLLOUT));
	say("connect.nb_so_error", "%s", getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.nb_again", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	say("connect.nb_again2", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	ph = peer_r(P_ACCEPT, peer_listener, 0, 0, NULL);
	say("connect.nb_getpeername", "%s", sockname(s, true));
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	close(s);
}

static void t_connect_nonblock_refused(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	say("connect.nb_refused", "%s",
	    R(connect_to(s, peer_addr, PEER_CLOSED)));
	expect_served(s, "connect.nb_refused");
	say("connect.nb_refused_poll", "%s", poll_settled(s, POLLERR));
	say("connect.nb_refused_again", "%s",
	    R(connect_to(s, peer_addr, PEER_CLOSED)));
	say("connect.nb_refused_so_error", "%s",
	    getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.nb_refused_retry", "%s",
	    R(connect_to(s, peer_addr, PEER_CLOSED)));
	say("connect.nb_refused_retry_poll", "%s", poll_settled(s, POLLERR));
	say("connect.nb_refused_retry_so_error", "%s",
	    getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.nb_refused_after_so_error", "%s",
	    R(connect_to(s, peer_addr, PEER_CLOSED)));
	close(s);
}

/* A peer that never answers (no ARP reply): the SYN stays unanswered. */
static void t_connect_pending(void)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	long t0;

	say("connect.pending", "%s", R(connect_to(s, unreach_addr, 7020)));
	expect_served(s, "connect.pending");
	say("connect.pending_again", "%s", R(connect_to(s, unreach_addr, 7020)));
	say("connect.pending_other", "%s", R(connect_to(s, peer_addr, PEER_PORT)));
	say("connect.pending_poll", "%s", poll_now(s, 0));
	say("connect.pending_getpeername", "%s", sockname(s, true));
	say("connect.pending_so_error", "%s", getint(s, SOL_SOCKET, SO_ERROR));
	say("connect.pending_send", "%s", R(send(s, "x", 1, MSG_NOSIGNAL)));
	say("connect.pending_recv", "%s", recv_str(s, 10, 0));
	say("connect.pending_shutdown", "%s", R(shutdown(s, SHUT_WR)));
	close(s);
	s = tcp();
	set_timeo(s, SO_SNDTIMEO, 200000);
	t0 = now_ms();
	say("connect.sndtimeo", "%s", R(connect_to(s, unreach_addr, 7021)));
	expect_served(s, "connect.sndtimeo");
	say("connect.sndtimeo_waited", "%s", now_ms() - t0 >= 190 ? "yes" : "no");
	say("connect.sndtimeo_again", "%s", R(connect_to(s, unreach_addr, 7021)));
	close(s);
}

static void t_connect(void)
{
	t_connect_blocking();
	t_connect_refused();
	t_connect_nonblock();
	t_connect_nonblock_refused();
	t_connect_pending();
}

/* ------------------------------------------------------------------ */
/* Blocking modes and data                                            */
/* ------------------------------------------------------------------ */

static void t_nonblock(void)
{
	struct conn c;
	int on = 1, off = 0;
	char buf[8];

	if (!conn_open(&c, "nonblock.setup"))
		return;
	say("nonblock.getfl", "%s", flags_str(c.fd));
	say("nonblock.setfl", "%s", R(fcntl(c.fd, F_SETFL, O_NONBLOCK)));
	say("nonblock.getfl_after", "%s", flags_str(c.fd));
	say("nonblock.recv", "%s", recv_str(c.fd, 10, 0));
	say("nonblock.read", "%s", R(read(c.fd, buf, sizeof(buf))));
	fcntl(c.fd, F_SETFL, 0);
	say("nonblock.fionbio_on", "%s", R(ioctl(c.fd, FIONBIO, &on)));
	say("nonblock.fionbio_getfl", "%s", flags_str(c.fd));
	say("nonblock.fionbio_recv", "%s", recv_str(c.fd, 10, 0));
	say("nonblock.fionbio_off", "%s", R(ioctl(c.fd, FIONBIO, &off)));
	say("nonblock.fionbio_off_getfl", "%s", flags_str(c.fd));
	say("nonblock.dontwait", "%s", recv_str(c.fd, 10, MSG_DONTWAIT));
	say("nonblock.recv_len0", "%s", R(recv(c.fd, buf, 0, MSG_DONTWAIT)));
	say("nonblock.recv_oob", "%s", recv_str(c.fd, 10, MSG_OOB));
	say("nonblock.send_dontwait", "%s", R(send(c.fd, "nb", 2, MSG_DONTWAIT)));
	say("nonblock.peer_got", "%s", peer_recv_str(c.ph, 2));
	conn_close(&c);
}

static void t_data_basic(struct conn *c)
{
	say("data.send", "%s", R(send(c->fd, "hello", 5, 0)));
	say("data.peer_got", "%s", peer_recv_str(c->ph, 5));
	peer_r(P_SEND, c->ph, 0, 0, "world!");
	say("data.recv_blocking", "%s", recv_str(c->fd, 100, 0));
	peer_r(P_SEND, c->ph, 0, 0, "abcdef");
	say("data.peek", "%s", recv_str(c->fd, 3, MSG_PEEK));
	say("data.peek_fionread", "%s", ioctl_until(c->fd, FIONREAD, 6));
	say("data.after_peek", "%s", recv_str(c->fd, 100, 0));
	peer_r(P_SEND, c->ph, 0, 0, "123");
	peer_r(P_SEND_LATER, c->ph, 0, 200, "45678");
	say("data.waitall", "%s", recv_str(c->fd, 8, MSG_WAITALL));
	peer_r(P_SEND, c->ph, 0, 0, "part");
	set_timeo(c->fd, SO_RCVTIMEO, 200000);
	say("data.waitall_timeo", "%s", recv_str(c->fd, 10, MSG_WAITALL));
	set_timeo(c->fd, SO_RCVTIMEO, 0);
	peer_r(P_SEND, c->ph, 0, 0, "intr");
	alarm_in(200, true);
	say("data.waitall_signal", "%s", recv_str(c->fd, 10, MSG_WAITALL));
	say("data.waitall_signal_handled", "%d", n_alrm);
	say("data.write", "%s", R(write(c->fd, "w", 1)));
	say("data.write_peer_got", "%s", peer_recv_str(c->ph, 1));
	peer_r(P_SEND, c->ph, 0, 0, "r");
	say("data.read", "%s", ({ char b[4]; long n = read(c->fd, b, 4);
				  n < 0 ? res(n, errno) : data_str(b, n); }));
	say("data.sendto_connected", "%s", ({
		struct sockaddr_in to = sin_of(unreach_addr, 1);
		R(sendto(c->fd, "to", 2, 0, (void *)&to, sizeof(to))); }));
	say("data.sendto_peer_got", "%s", peer_recv_str(c->ph, 2));
}

static void t_data_vec(struct conn *c)
{
	char a[4], b[4], d[4];
	struct iovec in[3] = { { a, 4 }, { b, 4 }, { d, 4 } };
	struct iovec out[3] = { { "ab", 2 }, { "cde", 3 }, { "f", 1 } };
	ssize_t n;

	peer_r(P_SEND, c->ph, 0, 0, "0123456789");
	say("data.readv_fionread", "%s", ioctl_until(c->fd, FIONREAD, 10));
	errno = 0;
	n = readv(c->fd, in, 3);
	say("data.readv", "%s %s %s %s", res(n, errno), data_str(a, 4),
	    data_str(b, 4), data_str(d, n > 8 ? n - 8 : 0));
	say("data.writev", "%s", R(writev(c->fd, out, 3)));
	say("data.writev_peer_got", "%s", peer_recv_str(c->ph, 6));
}

static void t_data_msg(struct conn *c)
{
	char a[3], b[8];
	struct iovec out[2] = { { "msg", 3 }, { "hdr", 3 } };
	struct iovec in[2] = { { a, 3 }, { b, 8 } };
	struct sockaddr_in name;
	struct msghdr m = { .msg_iov = out, .msg_iovlen = 2 };
	ssize_t n;

	say("data.sendmsg", "%s", R(sendmsg(c->fd, &m, 0)));
	say("data.sendmsg_peer_got", "%s", peer_recv_str(c->ph, 6));
	peer_r(P_SEND, c->ph, 0, 0, "recvmsg");
	ioctl_until(c->fd, FIONREAD, 7);
	memset(&m, 0, sizeof(m));
	m.msg_iov = in;
	m.msg_iovlen = 2;
	m.msg_name = &name;
	m.msg_namelen = sizeof(name);
	m.msg_flags = -1;
	errno = 0;
	n = recvmsg(c->fd, &m, 0);
	say("data.recvmsg", "%s %s %s namelen %u flags 0x%x", res(n, errno),
	    data_str(a, 3), data_str(b, n > 3 ? n - 3 : 0), m.msg_namelen,
	    m.msg_flags);
	peer_r(P_SEND, c->ph, 0, 0, "trunc!");
	say("data.trunc_fionread", "%s", ioctl_until(c->fd, FIONREAD, 6));
	say("data.trunc", "%s", R(recv(c->fd, NULL, 3, MSG_TRUNC)));
	say("data.trunc_fionread_after", "%s", ioctl_until(c->fd, FIONREAD, 3));
	say("data.trunc_rest", "%s", recv_str(c->fd, 10, 0));
}

static void t_data_queues(struct conn *c)
{
	int v = -1;

	say("data.send_for_outq", "%s", R(send(c->fd, "outq!", 5, 0)));
	say("data.outq_peer_got", "%s", peer_recv_str(c->ph, 5));
	say("data.siocoutq", "%s", ioctl_until(c->fd, SIOCOUTQ, 0));
	say("data.siocoutqnsd", "%s", ioctl_until(c->fd, SIOCOUTQNSD, 0));
	say("data.fionread_empty", "%s", ({ long r = ioctl(c->fd, FIONREAD, &v);
					    r < 0 ? res(r, errno) : res(v, 0); }));
	say("data.siocatmark", "%s", ({ long r = ioctl(c->fd, SIOCATMARK, &v);
					r < 0 ? res(r, errno) : res(v, 0); }));
}

static void t_data(void)
{
	struct conn c;

	if (!conn_open(&c, "data.setup"))
		return;
	t_data_basic(&c);
	t_data_vec(&c);
	t_data_msg(&c);
	t_data_queues(&c);
	conn_close(&c);
}

/* ------------------------------------------------------------------ */
/* SO_RCVTIMEO, SO_SNDTIMEO                                           */
/* ------------------------------------------------------------------ */

static void t_rcvtimeo(struct conn *c)
{
	struct timeval tv = { 0, 1000000 };
	long t0;

	say("timeo.rcv_default", "%s", timeval_str(c->fd, SO_RCVTIMEO));
	say("timeo.rcv_set_odd", "%s", R(set_timeo(c->fd, SO_RCVTIMEO, 123456)));
	say("timeo.rcv_get_odd", "%s", timeval_str(c->fd, SO_RCVTIMEO));
	say("timeo.rcv_set_edom", "%s",
	    R(setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv))));
	say("timeo.rcv_set_short", "%s",
	    R(setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, 4)));
	say("timeo.rcv_set", "%s", R(set_timeo(c->fd, SO_RCVTIMEO, 200000)));
	say("timeo.rcv_get", "%s", timeval_str(c->fd, SO_RCVTIMEO));
	t0 = now_ms();
	say("timeo.rcv_recv", "%s", recv_str(c->fd, 10, 0));
	say("timeo.rcv_waited", "%s", now_ms() - t0 >= 190 ? "yes" : "no");
	say("timeo.rcv_clear", "%s", R(set_timeo(c->fd, SO_RCVTIMEO, 0)));
	say("timeo.rcv_get_cleared", "%s", timeval_str(c->fd, SO_RCVTIMEO));
}

/*
 * Fill the send queue of @fd until it takes nothing more, even after the
 * peer had time to take what it could: then a blocking send must wait.
 */
static bool fill_sndbuf(int fd)
{
	static char chunk[65536];
	int quiet = 0, i;

	for (i = 0; i < 200 && quiet < 2; i++) {
		ssize_t n = send(fd, chunk, sizeof(chunk), MSG_DONTWAIT);

		if (n > 0) {
			quiet = 0;
			continue;
		}
		if (errno != EAGAIN)
			return false;
		quiet++;
		sleep_ms(300);
	}
	return quiet >= 2;
}

static void t_sndtimeo(void)
{
	struct conn c;
	long t0;

	if (!conn_open(&c, "timeo.snd_setup"))
		return;
	say("timeo.snd_fill", "%s", fill_sndbuf(c.fd) ? "full" : "not full");
	say("timeo.snd_poll_full", "%s", poll_now(c.fd, 0));
	say("timeo.snd_set", "%s", R(set_timeo(c.fd, SO_SNDTIMEO, 200000)));
	say("timeo.snd_get", "%s", timeval_str(c.fd, SO_SNDTIMEO));
	t0 = now_ms();
	say("timeo.snd_send", "%s", R(send(c.fd, "x", 1, 0)));
	say("timeo.snd_waited", "%s", now_ms() - t0 >= 190 ? "yes" : "no");
	say("timeo.snd_dontwait", "%s", R(send(c.fd, "x", 1, MSG_DONTWAIT)));
	peer_r(P_RESET, c.ph, 0, 0, NULL);
	c.ph = -1;
	say("timeo.snd_after_reset", "%s", poll_settled(c.fd, POLLERR));
	conn_close(&c);
}

static void t_accept_timeo(void)
{
	int l = listener(local_addr, 7030, 4);
	long t0;

	set_timeo(l, SO_RCVTIMEO, 200000);
	t0 = now_ms();
	say("timeo.accept", "%s", R(accept(l, NULL, NULL)));
	say("timeo.accept_waited", "%s", now_ms() - t0 >= 190 ? "yes" : "no");
	close(l);
}

static void t_timeo(void)
{
	struct conn c;

	if (!conn_open(&c, "timeo.setup"))
		return;
	t_rcvtimeo(&c);
	conn_close(&c);
	t_sndtimeo();
	t_accept_timeo();
}

/* ------------------------------------------------------------------ */
/* Signals: EINTR, SA_RESTART, SIGPIPE                                */
/* ------------------------------------------------------------------ */

static void t_eintr(struct conn *c)
{
	alarm_in(100, false);
	say("signal.recv_eintr", "%s", recv_str(c->fd, 10, 0));
	say("signal.recv_eintr_handled", "%d", n_alrm);
	peer_r(P_SEND_LATER, c->ph, 0, 400, "late");
	alarm_in(100, true);
	say("signal.recv_restart", "%s", recv_str(c->fd, 10, 0));
	say("signal.recv_restart_handled", "%d", n_alrm);
	set_timeo(c->fd, SO_RCVTIMEO, 2000000);
	alarm_in(100, true);
	say("signal.recv_restart_timeo", "%s", recv_str(c->fd, 10, 0));
	say("signal.recv_restart_timeo_handled", "%d", n_alrm);
	set_timeo(c->fd, SO_RCVTIMEO, 0);
}

static void t_eintr_accept_connect(void)
{
	int l = listener(local_addr, 7031, 4), s;

	alarm_in(100, false);
	say("signal.accept_eintr", "%s", R(accept(l, NULL, NULL)));
	close(l);
	s = tcp();
	alarm_in(100, false);
	say("signal.connect_eintr", "%s", R(connect_to(s, unreach_addr, 7022)));
	expect_served(s, "signal.connect_eintr");
	say("signal.connect_eintr_again", "%s",
	    R(connect_to(s, unreach_addr, 7022)));
	close(s);
}

static void t_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = on_pipe };
	struct conn c;

	sigaction(SIGPIPE, &sa, NULL);
	if (!conn_open(&c, "signal.pipe_setup"))
		return;
	n_pipe = 0;
	peer_r(P_RESET, c.ph, 0, 0, NULL);
	c.ph = -1;
	say("signal.pipe_poll", "%s", poll_settled(c.fd, POLLERR));
	say("signal.pipe_send1", "%s", R(send(c.fd, "a", 1, 0)));
	say("signal.pipe_count1", "%d", n_pipe);
	say("signal.pipe_send2", "%s", R(send(c.fd, "a", 1, 0)));
	say("signal.pipe_count2", "%d", n_pipe);
	say("signal.pipe_nosignal", "%s", R(send(c.fd, "a", 1, MSG_NOSIGNAL)));
	say("signal.pipe_count3", "%d", n_pipe);
	say("signal.pipe_write", "%s", R(write(c.fd, "a", 1)));
	say("signal.pipe_count4", "%d", n_pipe);
	conn_close(&c);
	signal(SIGPIPE, SIG_DFL);
}

static void t_signal(void)
{
	struct conn c;

	if (!conn_open(&c, "signal.setup"))
		return;
	t_eintr(&c);
	conn_close(&c);
	t_eintr_accept_connect();
	t_sigpipe();
}

/* ------------------------------------------------------------------ */
/* EOF, RST, shutdown()                                               */
/* ------------------------------------------------------------------ */

static void t_eof(void)
{
	struct conn c;

	if (!conn_open(&c, "eof.setup"))
		return;
	peer_r(P_SEND, c.ph, 0, 0, "bye");
	peer_r(P_SHUT_WR, c.ph, 0, 0, NULL);
	say("eof.poll", "%s", poll_settled(c.fd, POLLRDHUP));
	say("eof.recv_data", "%s", recv_str(c.fd, 10, 0));
	say("eof.recv_eof", "%s", recv_str(c.fd, 10, 0));
	say("eof.recv_eof_again", "%s", recv_str(c.fd, 10, 0));
	say("eof.waitall_eof", "%s", recv_str(c.fd, 10, MSG_WAITALL));
	say("eof.send_half_closed", "%s", R(send(c.fd, "still", 5, 0)));
	say("eof.peer_got", "%s", peer_recv_str(c.ph, 5));
	peer_r(P_CLOSE, c.ph, 0, 0, NULL);
	c.ph = -1;
	say("eof.poll_peer_closed", "%s", poll_now(c.fd, 0));
	say("eof.send_peer_closed", "%s", R(send(c.fd, "x", 1, MSG_NOSIGNAL)));
	say("eof.poll_after_rst", "%s", poll_settled(c.fd, POLLERR));
	say("eof.recv_after_rst", "%s", recv_str(c.fd, 10, 0));
	say("eof.send_after_rst", "%s", R(send(c.fd, "x", 1, MSG_NOSIGNAL)));
	say("eof.so_error_after_rst", "%s", getint(c.fd, SOL_SOCKET, SO_ERROR));
	say("eof.send_after_rst2", "%s", R(send(c.fd, "x", 1, MSG_NOSIGNAL)));
	say("eof.shutdown_closed", "%s", R(shutdown(c.fd, SHUT_WR)));
	conn_close(&c);
}

static void t_rst(void)
{
	struct conn c;

	if (!conn_open(&c, "rst.setup"))
		return;
	peer_r(P_SEND, c.ph, 0, 0, "data");
	say("rst.fionread", "%s", ioctl_until(c.fd, FIONREAD, 4));
	peer_r(P_RESET, c.ph, 0, 0, NULL);
	c.ph = -1;
	say("rst.poll", "%s", poll_settled(c.fd, POLLERR));
	say("rst.getpeername", "%s", sockname(c.fd, true));
	say("rst.recv_data", "%s", recv_str(c.fd, 10, 0));
	say("rst.recv_error", "%s", recv_str(c.fd, 10, 0));
	say("rst.recv_after", "%s", recv_str(c.fd, 10, 0));
	say("rst.so_error", "%s", getint(c.fd, SOL_SOCKET, SO_ERROR));
	say("rst.poll_after", "%s", poll_now(c.fd, 0));
	say("rst.send", "%s", R(send(c.fd, "x", 1, MSG_NOSIGNAL)));
	say("rst.connect_again", "%s", R(connect_to(c.fd, peer_addr, PEER_PORT)));
	say("rst.shutdown", "%s", R(shutdown(c.fd, SHUT_RDWR)));
	conn_close(&c);
}

/* Closing with unread data, or with SO_LINGER {1, 0}, resets. */
static void t_rst_close(void)
{
	struct linger l = { 1, 0 };
	struct conn c;

	if (!conn_open(&c, "rst.close_setup"))
		return;
	peer_r(P_SEND, c.ph, 0, 0, "unread");
	ioctl_until(c.fd, FIONREAD, 6);
	say("rst.close_unread", "%s", R(close(c.fd)));
	say("rst.close_unread_peer_sees", "%s", peer_drain_str(c.ph));
	peer_r(P_CLOSE, c.ph, 0, 0, NULL);
	if (!conn_open(&c, "rst.linger_setup"))
		return;
	say("rst.linger0_set", "%s",
	    R(setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l))));
	say("rst.linger0_close", "%s", R(close(c.fd)));
	say("rst.linger0_peer_sees", "%s", peer_drain_str(c.ph));
	peer_r(P_CLOSE, c.ph, 0, 0, NULL);
}

static void t_shutdown_wr(void)
{
	struct conn c;

	if (!conn_open(&c, "shutdown.setup"))
		return;
	say("shutdown.bad_how", "%s", R(shutdown(c.fd, 7)));
	say("shutdown.send", "%s", R(send(c.fd, "half", 4, 0)));
	say("shutdown.wr", "%s", R(shutdown(c.fd, SHUT_WR)));
	say("shutdown.wr_again", "%s", R(shutdown(c.fd, SHUT_WR)));
	say("shutdown.wr_poll", "%s", poll_now(c.fd, 0));
	say("shutdown.wr_send", "%s", R(send(c.fd, "x", 1, MSG_NOSIGNAL)));
	say("shutdown.wr_peer_sees", "%s", peer_drain_str(c.ph));
	peer_r(P_SEND, c.ph, 0, 0, "reply");
	say("shutdown.wr_recv", "%s", recv_str(c.fd, 10, 0));
	say("shutdown.wr_peer_close", "%s", pres(peer_r(P_CLOSE, c.ph, 0, 0, NULL)));
	c.ph = -1;
	say("shutdown.wr_poll_closed", "%s", poll_settled(c.fd, POLLHUP));
	say("shutdown.wr_recv_eof", "%s", recv_str(c.fd, 10, 0));
	say("shutdown.wr_getpeername", "%s", sockname(c.fd, true));
	conn_close(&c);
}

static void t_shutdown_rd(void)
{
	struct conn c;

	if (!conn_open(&c, "shutdown.rd_setup"))
		return;
	peer_r(P_SEND, c.ph, 0, 0, "queued");
	ioctl_until(c.fd, FIONREAD, 6);
	say("shutdown.rd", "%s", R(shutdown(c.fd, SHUT_RD)));
	say("shutdown.rd_poll", "%s", poll_now(c.fd, 0));
	say("shutdown.rd_recv_queued", "%s", recv_str(c.fd, 10, 0));
	say("shutdown.rd_recv", "%s", recv_str(c.fd, 10, 0));
	say("shutdown.rd_send", "%s", R(send(c.fd, "rd", 2, 0)));
	say("shutdown.rd_peer_got", "%s", peer_recv_str(c.ph, 2));
	say("shutdown.rdwr", "%s", R(shutdown(c.fd, SHUT_RDWR)));
	say("shutdown.rdwr_poll", "%s", poll_now(c.fd, 0));
	say("shutdown.rdwr_peer_sees", "%s", peer_drain_str(c.ph));
	conn_close(&c);
}

/* ------------------------------------------------------------------ */
/* Descriptors: dup(), dup2(), close()                                */
/* ------------------------------------------------------------------ */

static void t_dup(void)
{
	struct conn c;
	int d, p[2], hi;

	if (!conn_open(&c, "dup.setup"))
		return;
	d = dup(c.fd);
	say("dup.dup", "%s", fdres(d, errno));
	say("dup.close_first", "%s", R(close(c.fd)));
	say("dup.send_on_dup", "%s", R(send(d, "dup", 3, 0)));
	say("dup.peer_got", "%s", peer_recv_str(c.ph, 3));
	say("dup.peer_no_eof", "%s", mask_str(peer_r(P_POLL, c.ph, 0, 300, NULL)));
	say("dup.getpeername", "%s", sockname(d, true));
	if (pipe(p))
		return;
	say("dup.dup2_over_pipe", "%s", R(dup2(d, p[0]) == p[0]));
	say("dup.close_dup", "%s", R(close(d)));
	say("dup.peer_no_eof2", "%s", mask_str(peer_r(P_POLL, c.ph, 0, 300, NULL)));
	hi = fcntl(p[0], F_DUPFD_CLOEXEC, 100);
	say("dup.f_dupfd_cloexec", "%s %s", R(hi >= 100), R(fcntl(hi, F_GETFD)));
	say("dup.close_dup2", "%s", R(close(p[0])));
	say("dup.send_on_dupfd", "%s", R(send(hi, "hi", 2, 0)));
	say("dup.peer_got2", "%s", peer_recv_str(c.ph, 2));
	say("dup.close_last", "%s", R(close(hi)));
	say("dup.peer_sees_fin", "%s", peer_drain_str(c.ph));
	say("dup.close_again", "%s", R(close(hi)));
	say("dup.send_closed", "%s", R(send(hi, "x", 1, MSG_NOSIGNAL)));
	say("dup.dup3_same", "%s", R(dup3(p[1], p[1], 0)));
	close(p[1]);
	peer_r(P_CLOSE, c.ph, 0, 0, NULL);
}

/* sendfile() to a socket, from an offset and from the file position. */
static void t_sendfile(void)
{
	int mfd = memfd_create("conform", 0);
	struct conn c;
	off_t off = 2;

	if (write(mfd, "sendfile-data", 13) != 13 ||
	    !conn_open(&c, "sendfile.setup"))
		return;
	say("sendfile.offset", "%s", R(sendfile(c.fd, mfd, &off, 6)));
	say("sendfile.offset_after", "%ld", (long)off);
	say("sendfile.offset_peer_got", "%s", peer_recv_str(c.ph, 6));
	lseek(mfd, 0, SEEK_SET);
	say("sendfile.position", "%s", R(sendfile(c.fd, mfd, NULL, 4)));
	say("sendfile.position_after", "%s", R(lseek(mfd, 0, SEEK_CUR)));
	say("sendfile.position_peer_got", "%s", peer_recv_str(c.ph, 4));
	conn_close(&c);
	close(mfd);
}

/* A child that closes its copy leaves the parent's connection alone. */
static void t_fork(void)
{
	struct conn c;
	pid_t pid;
	int st = -1;

	if (!conn_open(&c, "fork.setup"))
		return;
	fflush(stdout);
	pid = fork();
	if (!pid) {
		close(c.fd);
		exit(0);
	}
	waitpid(pid, &st, 0);
	say("fork.child_closed", "%d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	say("fork.parent_send", "%s", R(send(c.fd, "fork", 4, 0)));
	say("fork.peer_got", "%s", peer_recv_str(c.ph, 4));
	say("fork.peer_no_eof", "%s",
	    mask_str(peer_r(P_POLL, c.ph, 0, 300, NULL)));
	peer_r(P_SEND, c.ph, 0, 0, "back");
	say("fork.parent_recv", "%s", recv_str(c.fd, 10, 0));
	conn_close(&c);
}

/* The lowest free descriptor, as every call that makes one returns. */
static void t_lowest_fd(void)
{
	int l = listener(local_addr, 7032, 4), ph, a, hole, fd;

	hole = dup(0);
	fd = dup(0);
	close(hole);
	ph = peer_r(P_CONNECT, -1, 7032, 0, NULL);
	a = accept(l, NULL, NULL);
	say("dup.accept_lowest", "%s", R(a == hole));
	close(a);
	close(fd);
	close(l);
	peer_r(P_CLOSE, ph, 0, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* UDP                                                                */
/* ------------------------------------------------------------------ */

static const char *recvmsg_str(int fd, size_t len, int flags, socklen_t nlen)
{
	char buf[256], *b = sbuf();
	struct sockaddr_in from;
	struct iovec v = { buf, len };
	struct msghdr m = { .msg_name = &from, .msg_namelen = nlen,
			    .msg_iov = &v, .msg_iovlen = 1 };
	ssize_t n;

	memset(&from, 0, sizeof(from));
	errno = 0;
	n = recvmsg(fd, &m, flags);
	if (n < 0)
		return res(n, errno);
	snprintf(b, 512, "%zd %s from %s flags 0x%x", n,
		 data_str(buf, n < (ssize_t)len ? n : (ssize_t)len),
		 sin_str(&from, m.msg_namelen), m.msg_flags);
	return b;
}

static const char *peer_udp_str(int h, int ours)
{
	struct prep p = peer(P_UDP_RECV, h, 0, 0, NULL);
	char *b = sbuf();

	snprintf(b, 512, "%s %s from %s", pres(p.r), data_str(p.data, p.len),
		 p.port == ours ? "ours" : "another port");
	return b;
}

static int port_of(int fd)
{
	struct sockaddr_in s;
	socklen_t len = sizeof(s);

	return getsockname(fd, (void *)&s, &len) ? -1 : ntohs(s.sin_port);
}

static void t_udp_bound(int u, int ph)
{
	struct sockaddr_in to = sin_of(peer_addr, 7201);
	struct iovec v[2] = { { "two ", 4 }, { "parts", 5 } };
	struct msghdr m = { .msg_name = &to, .msg_namelen = sizeof(to),
			    .msg_iov = v, .msg_iovlen = 2 };

	say("udp.sendto", "%s", R(sendto(u, "ping", 4, 0, (void *)&to,
					 sizeof(to))));
	say("udp.peer_got", "%s", peer_udp_str(ph, 7101));
	say("udp.sendmsg_iov", "%s", R(sendmsg(u, &m, 0)));
	say("udp.peer_got_iov", "%s", peer_udp_str(ph, 7101));
	to.sin_port = 0;
	say("udp.sendto_port0", "%s", R(sendto(u, "x", 1, 0, (void *)&to,
					       sizeof(to))));
	say("udp.send_unconnected", "%s", R(send(u, "x", 1, 0)));
	say("udp.recv_empty", "%s", recv_str(u, 10, MSG_DONTWAIT));
	peer_r(P_UDP_SEND, ph, 7101, 0, "pong");
	say("udp.poll", "%s", poll_settled(u, POLLIN));
	say("udp.fionread", "%s", ioctl_until(u, FIONREAD, 4));
	say("udp.recvmsg", "%s", recvmsg_str(u, 64, 0, sizeof(to)));
	peer_r(P_UDP_SEND, ph, 7101, 0, "a-longer-datagram");
	say("udp.recvmsg_trunc", "%s", recvmsg_str(u, 5, 0, sizeof(to)));
	peer_r(P_UDP_SEND, ph, 7101, 0, "0123456789");
	say("udp.recv_flag_trunc", "%s", recvmsg_str(u, 3, MSG_TRUNC, sizeof(to)));
	peer_r(P_UDP_SEND, ph, 7101, 0, "short-name");
	say("udp.recvmsg_short_name", "%s", recvmsg_str(u, 64, 0, 4));
	peer_r(P_UDP_SEND, ph, 7101, 0, "peeked");
	say("udp.peek", "%s", recvmsg_str(u, 64, MSG_PEEK, sizeof(to)));
	say("udp.after_peek", "%s", recvmsg_str(u, 64, 0, sizeof(to)));
	say("udp.poll_empty", "%s", poll_now(u, 0));
}

static void t_udp_connected(int ph, int ph2)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0), ours;
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };

	say("udp.connect", "%s", R(connect_to(u, peer_addr, 7201)));
	expect_served(u, "udp.connect");
	say("udp.connect_getpeername", "%s", sockname(u, true));
	say("udp.connect_getsockname", "%s", sockname(u, false));
	ours = port_of(u);
	say("udp.connect_send", "%s", R(send(u, "conn", 4, 0)));
	say("udp.connect_peer_got", "%s", peer_udp_str(ph, ours));
	peer_r(P_UDP_SEND, ph2, ours, 0, "stranger");
	peer_r(P_UDP_SEND, ph, ours, 0, "friend");
	say("udp.connect_filters", "%s", ({ poll_settled(u, POLLIN);
		recvmsg_str(u, 64, MSG_DONTWAIT, 16); }));
	say("udp.connect_filters_next", "%s", recvmsg_str(u, 64, MSG_DONTWAIT, 16));
	say("udp.connect_shutdown", "%s", R(shutdown(u, SHUT_WR)));
	say("udp.connect_shutdown_poll", "%s", poll_now(u, 0));
	say("udp.connect_shutdown_send", "%s", R(send(u, "wr", 2, 0)));
	say("udp.connect_shutdown_peer_got", "%s", peer_udp_str(ph, ours));
	say("udp.connect_shutdown_rd", "%s", R(shutdown(u, SHUT_RD)));
	say("udp.connect_shutdown_rd_poll", "%s", poll_now(u, 0));
	say("udp.connect_shutdown_rd_recv", "%s", recv_str(u, 10, 0));
	say("udp.connect_shutdown_rd_recv_nb", "%s",
	    recv_str(u, 10, MSG_DONTWAIT));
	say("udp.disconnect", "%s", R(connect(u, &unspec, sizeof(unspec))));
	say("udp.disconnect_getpeername", "%s", sockname(u, true));
	say("udp.disconnect_getsockname", "%s", sockname(u, false));
	say("udp.disconnect_send", "%s", R(send(u, "x", 1, 0)));
	close(u);
}

/* A connected socket hears of the peer's ICMP port unreachable. */
static void t_udp_refused(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	say("udp.refused_connect", "%s", R(connect_to(u, peer_addr, 7299)));
	expect_served(u, "udp.refused_connect");
	say("udp.refused_send", "%s", R(send(u, "anyone?", 7, 0)));
	say("udp.refused_poll", "%s", poll_settled(u, POLLERR));
	say("udp.refused_recv", "%s", recv_str(u, 10, MSG_DONTWAIT));
	say("udp.refused_so_error", "%s", getint(u, SOL_SOCKET, SO_ERROR));
	say("udp.refused_send_again", "%s", R(send(u, "anyone?", 7, 0)));
	say("udp.refused_poll2", "%s", poll_settled(u, POLLERR));
	say("udp.refused_so_error2", "%s", getint(u, SOL_SOCKET, SO_ERROR));
	close(u);
}

static void t_udp(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);
	int ph = peer_r(P_UDP, -1, 7201, 0, NULL);
	int ph2 = peer_r(P_UDP, -1, 7202, 0, NULL);

	say("udp.bind", "%s", R(bind_to(u, local_addr, 7101)));
	expect_served(u, "udp.bind");
	say("udp.peer_sockets", "%s %s", ph < 0 ? pres(ph) : "fd",
	    ph2 < 0 ? pres(ph2) : "fd");
	t_udp_bound(u, ph);
	set_timeo(u, SO_RCVTIMEO, 100000);
	say("udp.rcvtimeo", "%s", recv_str(u, 10, 0));
	close(u);
	t_udp_connected(ph, ph2);
	t_udp_refused();
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	peer_r(P_CLOSE, ph2, 0, 0, NULL);
}

/* ------------------------------------------------------------------ */
/* Socket options                                                     */
/* ------------------------------------------------------------------ */

static const char *linger_str(int fd)
{
	struct linger l = { -1, -1 };
	socklen_t len = sizeof(l);
	char *b;

	if (getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len))
		return res(-1, errno);
	b = sbuf();
	snprintf(b, 512, "{%d, %d} len %u", l.l_onoff, l.l_linger, len);
	return b;
}

/* getsockopt() of an int into a @len-byte buffer: bytes and length. */
static const char *getint_short(int fd, int level, int name, socklen_t len)
{
	unsigned char v[4] = { 0xee, 0xee, 0xee, 0xee };
	char *b;

	if (getsockopt(fd, level, name, v, &len))
		return res(-1, errno);
	b = sbuf();
	snprintf(b, 512, "%02x%02x%02x%02x len %u", v[0], v[1], v[2], v[3],
		 len);
	return b;
}

/* Short buffers and values, which each level takes in its own way. */
static void opt_short(int fd, const char *tag)
{
	unsigned char ttl = 77;
	char n[96];

#define O(name) ({ snprintf(n, sizeof(n), "opt.%s." name, tag); n; })
	say(O("so_type_len2"), "%s", getint_short(fd, SOL_SOCKET, SO_TYPE, 2));
	say(O("so_protocol_len2"), "%s",
	    getint_short(fd, SOL_SOCKET, SO_PROTOCOL, 2));
	say(O("so_acceptconn_len1"), "%s",
	    getint_short(fd, SOL_SOCKET, SO_ACCEPTCONN, 1));
	say(O("so_rcvbuf_len0"), "%s", getint_short(fd, SOL_SOCKET, SO_RCVBUF, 0));
	say(O("ip_ttl_len2"), "%s", getint_short(fd, IPPROTO_IP, IP_TTL, 2));
	say(O("ip_ttl_set_1byte"), "%s",
	    R(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, 1)));
	say(O("ip_ttl_after_1byte"), "%s", getint(fd, IPPROTO_IP, IP_TTL));
	say(O("ip_ttl_set_len0"), "%s",
	    R(setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, 0)));
#undef O
}

static void opt_int(int fd, const char *tag, const char *opt, int level,
		    int name, int val)
{
	char n[96];

	/*
	 * Excluded: Linux sizes a connection's send buffer from its MSS and
	 * window (tcp_sndbuf_expand()), the library does not: stack.rst.
	 */
	snprintf(n, sizeof(n), "opt.%s.%s_get", tag, opt);
	if (strcmp(tag, "conn") || name != SO_SNDBUF || excluded)
		say(n, "%s", getint(fd, level, name));
	snprintf(n, sizeof(n), "opt.%s.%s_set_%d", tag, opt, val);
	say(n, "%s", SETINT(fd, level, name, val));
	snprintf(n, sizeof(n), "opt.%s.%s_get_after", tag, opt);
	say(n, "%s", getint(fd, level, name));
}

static void opt_common(int fd, const char *tag)
{
	struct linger on = { 1, 5 }, off = { 0, 7 };
	char n[96];

#define O(name) ({ snprintf(n, sizeof(n), "opt.%s." name, tag); n; })
	say(O("so_type"), "%s", getint(fd, SOL_SOCKET, SO_TYPE));
	say(O("so_domain"), "%s", getint(fd, SOL_SOCKET, SO_DOMAIN));
	say(O("so_protocol"), "%s", getint(fd, SOL_SOCKET, SO_PROTOCOL));
	say(O("so_acceptconn"), "%s", getint(fd, SOL_SOCKET, SO_ACCEPTCONN));
	say(O("so_error"), "%s", getint(fd, SOL_SOCKET, SO_ERROR));
	opt_int(fd, tag, "so_reuseaddr", SOL_SOCKET, SO_REUSEADDR, 1);
	opt_int(fd, tag, "so_keepalive", SOL_SOCKET, SO_KEEPALIVE, 1);
	opt_int(fd, tag, "so_broadcast", SOL_SOCKET, SO_BROADCAST, 1);
	say(O("so_linger_get"), "%s", linger_str(fd));
	say(O("so_linger_set_on"), "%s",
	    R(setsockopt(fd, SOL_SOCKET, SO_LINGER, &on, sizeof(on))));
	say(O("so_linger_get_on"), "%s", linger_str(fd));
	say(O("so_linger_set_off"), "%s",
	    R(setsockopt(fd, SOL_SOCKET, SO_LINGER, &off, sizeof(off))));
	say(O("so_linger_get_off"), "%s", linger_str(fd));
	say(O("so_linger_set_short"), "%s",
	    R(setsockopt(fd, SOL_SOCKET, SO_LINGER, &on, 4)));
	opt_int(fd, tag, "so_rcvbuf", SOL_SOCKET, SO_RCVBUF, 65536);
	opt_int(fd, tag, "so_sndbuf", SOL_SOCKET, SO_SNDBUF, 32768);
	say(O("so_rcvbuf_set_1"), "%s", SETINT(fd, SOL_SOCKET, SO_RCVBUF, 1));
	say(O("so_rcvbuf_get_min"), "%s", getint(fd, SOL_SOCKET, SO_RCVBUF));
	say(O("so_sndbuf_set_1"), "%s", SETINT(fd, SOL_SOCKET, SO_SNDBUF, 1));
	say(O("so_sndbuf_get_min"), "%s", getint(fd, SOL_SOCKET, SO_SNDBUF));
	say(O("so_keepalive_set_short"), "%s", R(setsockopt(fd, SOL_SOCKET,
		SO_KEEPALIVE, &(int){ 1 }, 2)));
	opt_int(fd, tag, "ip_ttl", IPPROTO_IP, IP_TTL, 32);
	say(O("ip_ttl_set_0"), "%s", SETINT(fd, IPPROTO_IP, IP_TTL, 0));
	say(O("ip_ttl_set_256"), "%s", SETINT(fd, IPPROTO_IP, IP_TTL, 256));
	say(O("ip_ttl_set_default"), "%s", SETINT(fd, IPPROTO_IP, IP_TTL, -1));
	say(O("ip_ttl_get_default"), "%s", getint(fd, IPPROTO_IP, IP_TTL));
	say(O("unknown_get"), "%s", getint(fd, SOL_SOCKET, 9999));
	say(O("unknown_set"), "%s", SETINT(fd, SOL_SOCKET, 9999, 1));
	say(O("unknown_ip_get"), "%s", getint(fd, IPPROTO_IP, 9999));
	say(O("unknown_tcp_set"), "%s", SETINT(fd, IPPROTO_TCP, 9999, 1));
	say(O("so_error_set"), "%s", SETINT(fd, SOL_SOCKET, SO_ERROR, 1));
	say(O("so_rcvtimeo"), "%s", timeval_str(fd, SO_RCVTIMEO));
	say(O("so_sndtimeo"), "%s", timeval_str(fd, SO_SNDTIMEO));
#undef O
	opt_short(fd, tag);
}

static void opt_tcp(int fd, const char *tag)
{
	char n[96];

	opt_int(fd, tag, "tcp_nodelay", IPPROTO_TCP, TCP_NODELAY, 1);
	opt_int(fd, tag, "tcp_keepidle", IPPROTO_TCP, TCP_KEEPIDLE, 30);
	opt_int(fd, tag, "tcp_keepintvl", IPPROTO_TCP, TCP_KEEPINTVL, 5);
	opt_int(fd, tag, "tcp_keepcnt", IPPROTO_TCP, TCP_KEEPCNT, 3);
	snprintf(n, sizeof(n), "opt.%s.tcp_keepidle_set_0", tag);
	say(n, "%s", SETINT(fd, IPPROTO_TCP, TCP_KEEPIDLE, 0));
	snprintf(n, sizeof(n), "opt.%s.tcp_keepcnt_set_128", tag);
	say(n, "%s", SETINT(fd, IPPROTO_TCP, TCP_KEEPCNT, 128));
	snprintf(n, sizeof(n), "opt.%s.udp_level_get", tag);
	say(n, "%s", getint(fd, IPPROTO_UDP, 1));
	snprintf(n, sizeof(n), "opt.%s.tcp_nodelay_set_short", tag);
	say(n, "%s", R(setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, 2)));
	snprintf(n, sizeof(n), "opt.%s.tcp_keepcnt_len2", tag);
	say(n, "%s", getint_short(fd, IPPROTO_TCP, TCP_KEEPCNT, 2));
}

static void t_opt_conn(void)
{
	struct conn c;

	if (!conn_open(&c, "opt.conn_setup"))
		return;
	say("opt.conn.so_rcvbuf_default", "%s",
	    getint(c.fd, SOL_SOCKET, SO_RCVBUF));
	opt_common(c.fd, "conn");
	opt_tcp(c.fd, "conn");
	conn_close(&c);
}

static void t_opt_listener(void)
{
	int l = listener((struct in_addr){ 0 }, 7040, 4);

	expect_served(l, "opt.listen");
	opt_common(l, "listen");
	opt_tcp(l, "listen");
	close(l);
}

static void t_opt_udp(void)
{
	int u = socket(AF_INET, SOCK_DGRAM, 0);

	say("opt.udp.bind", "%s", R(bind_to(u, local_addr, 7102)));
	expect_served(u, "opt.udp.bind");
	say("opt.udp.so_rcvbuf_default", "%s", getint(u, SOL_SOCKET, SO_RCVBUF));
	say("opt.udp.so_sndbuf_default", "%s", getint(u, SOL_SOCKET, SO_SNDBUF));
	opt_common(u, "udp");
	say("opt.udp.tcp_nodelay", "%s", getint(u, IPPROTO_TCP, TCP_NODELAY));
	say("opt.udp.tcp_nodelay_set", "%s",
	    SETINT(u, IPPROTO_TCP, TCP_NODELAY, 1));
	say("opt.udp.unknown_udp_get", "%s", getint(u, IPPROTO_UDP, 9999));
	close(u);
}

/* What an accepted socket inherits from its listener. */
static void t_opt_inherit(void)
{
	struct linger lg = { 1, 9 };
	int l = tcp(), ph, a;

	setint(l, SOL_SOCKET, SO_REUSEADDR, 1);
	setint(l, SOL_SOCKET, SO_KEEPALIVE, 1);
	setint(l, IPPROTO_TCP, TCP_NODELAY, 1);
	setint(l, IPPROTO_TCP, TCP_KEEPIDLE, 77);
	setint(l, IPPROTO_TCP, TCP_KEEPINTVL, 11);
	setint(l, IPPROTO_TCP, TCP_KEEPCNT, 4);
	setint(l, IPPROTO_IP, IP_TTL, 33);
	setint(l, SOL_SOCKET, SO_RCVBUF, 50000);
	setsockopt(l, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	set_timeo(l, SO_RCVTIMEO, 300000);
	set_timeo(l, SO_SNDTIMEO, 400000);
	bind_to(l, (struct in_addr){ 0 }, 7041);
	listen(l, 4);
	ph = peer_r(P_CONNECT, -1, 7041, 0, NULL);
	a = accept(l, NULL, NULL);
	say("opt.inherit.accept", "%s", fdres(a, errno));
	expect_served(a, "opt.inherit.accept");
	say("opt.inherit.so_reuseaddr", "%s", getint(a, SOL_SOCKET, SO_REUSEADDR));
	say("opt.inherit.so_keepalive", "%s", getint(a, SOL_SOCKET, SO_KEEPALIVE));
	say("opt.inherit.tcp_nodelay", "%s", getint(a, IPPROTO_TCP, TCP_NODELAY));
	say("opt.inherit.tcp_keepidle", "%s", getint(a, IPPROTO_TCP, TCP_KEEPIDLE));
	say("opt.inherit.tcp_keepintvl", "%s", getint(a, IPPROTO_TCP, TCP_KEEPINTVL));
	say("opt.inherit.tcp_keepcnt", "%s", getint(a, IPPROTO_TCP, TCP_KEEPCNT));
	say("opt.inherit.ip_ttl", "%s", getint(a, IPPROTO_IP, IP_TTL));
	say("opt.inherit.so_rcvbuf", "%s", getint(a, SOL_SOCKET, SO_RCVBUF));
	say("opt.inherit.so_linger", "%s", linger_str(a));
	say("opt.inherit.so_acceptconn", "%s", getint(a, SOL_SOCKET, SO_ACCEPTCONN));
	say("opt.inherit.so_rcvtimeo", "%s", timeval_str(a, SO_RCVTIMEO));
	say("opt.inherit.so_sndtimeo", "%s", timeval_str(a, SO_SNDTIMEO));
	say("opt.inherit.getfl", "%s", flags_str(a));
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	close(a);
	close(l);
}

static void t_opt(void)
{
	t_opt_conn();
	t_opt_listener();
	t_opt_udp();
	t_opt_inherit();
}

/* ------------------------------------------------------------------ */
/* Readiness: poll(), select(), epoll on mixed sets                   */
/* ------------------------------------------------------------------ */

/* A served socket among the kernel's other kinds of descriptor. */
struct mix {
	struct conn c;
	int pipe[2], ev, tm, un[2];
};

static const char *const mix_names[] = {
	"sock", "pipe_r", "pipe_w", "eventfd", "timerfd", "unix",
};

static int mix_fd(const struct mix *m, int i)
{
	const int fds[] = { m->c.fd, m->pipe[0], m->pipe[1], m->ev, m->tm,
			    m->un[0] };

	return fds[i];
}

#define NMIX 6

static bool mix_open(struct mix *m)
{
	if (!conn_open(&m->c, "ready.setup"))
		return false;
	if (pipe(m->pipe) ||
	    socketpair(AF_UNIX, SOCK_STREAM, 0, m->un))
		return false;
	m->ev = eventfd(0, 0);
	m->tm = timerfd_create(CLOCK_MONOTONIC, 0);
	return m->ev >= 0 && m->tm >= 0;
}

static void mix_close(struct mix *m)
{
	close(m->pipe[0]);
	close(m->pipe[1]);
	close(m->ev);
	close(m->tm);
	close(m->un[0]);
	close(m->un[1]);
	conn_close(&m->c);
}

/* poll() on the whole set: how many, and each one's revents. */
static void mix_poll(const struct mix *m, const char *name, short events,
		     int ms)
{
	struct pollfd p[NMIX];
	char line[512];
	size_t o;
	int i, r;

	for (i = 0; i < NMIX; i++)
		p[i] = (struct pollfd){ .fd = mix_fd(m, i), .events = events };
	errno = 0;
	r = poll(p, NMIX, ms);
	o = snprintf(line, sizeof(line), "%s", res(r, errno));
	for (i = 0; i < NMIX; i++)
		o += snprintf(line + o, sizeof(line) - o, " %s=%s",
			      mix_names[i], mask_str(p[i].revents));
	say(name, "%s", line);
}

static void mix_select(const struct mix *m, const char *name)
{
	fd_set rd, wr, ex;
	struct timeval tv = { 0, 0 };
	char line[512];
	size_t o;
	int i, r, fd;

	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_ZERO(&ex);
	for (i = 0; i < NMIX; i++) {
		FD_SET(mix_fd(m, i), &rd);
		FD_SET(mix_fd(m, i), &wr);
		FD_SET(mix_fd(m, i), &ex);
	}
	errno = 0;
	r = select(FD_SETSIZE, &rd, &wr, &ex, &tv);
	o = snprintf(line, sizeof(line), "%s", res(r, errno));
	for (i = 0; i < NMIX; i++) {
		fd = mix_fd(m, i);
		o += snprintf(line + o, sizeof(line) - o, " %s=%s%s%s",
			      mix_names[i], FD_ISSET(fd, &rd) ? "r" : "",
			      FD_ISSET(fd, &wr) ? "w" : "",
			      FD_ISSET(fd, &ex) ? "x" : "");
	}
	say(name, "%s", line);
}

static void mix_make_ready(struct mix *m)
{
	struct itimerspec its = { .it_value = { 0, 1000000 } };
	uint64_t one = 1;

	if (write(m->pipe[1], "p", 1) != 1 ||
	    write(m->ev, &one, sizeof(one)) != sizeof(one) ||
	    write(m->un[1], "u", 1) != 1)
		say("ready.setup_write", "failed");
	timerfd_settime(m->tm, 0, &its, NULL);
	sleep_ms(50);
}

static void t_poll_select(struct mix *m)
{
	mix_poll(m, "ready.poll_idle", POLL_ALL, 0);
	mix_select(m, "ready.select_idle");
	peer_r(P_SEND, m->c.ph, 0, 0, "rdy");
	mix_poll(m, "ready.poll_wait_sock", POLLIN, WAIT_MS);
	mix_make_ready(m);
	mix_poll(m, "ready.poll_all_ready", POLL_ALL, 0);
	mix_select(m, "ready.select_all_ready");
	say("ready.sock_recv", "%s", recv_str(m->c.fd, 10, 0));
	mix_poll(m, "ready.poll_sock_drained", POLLIN, 0);
}

/* epoll_wait() on @ep: how many, and the events by descriptor name. */
static const char *ep_wait(int ep, int ms)
{
	struct epoll_event ev[8];
	char *b = sbuf();
	size_t o;
	int r, i;

	errno = 0;
	r = epoll_wait(ep, ev, 8, ms);
	o = snprintf(b, 512, "%s", res(r, errno));
	for (i = 0; i < r; i++)
		o += snprintf(b + o, 512 - o, " %s=%s",
			      ev[i].data.u32 < NMIX ? mix_names[ev[i].data.u32] :
			      "inner", mask_str(ev[i].events));
	return b;
}

static int ep_add(int ep, int fd, unsigned int events, unsigned int id)
{
	struct epoll_event e = { .events = events, .data.u32 = id };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &e);
}

static void t_epoll_level(struct mix *m)
{
	int ep = epoll_create1(0), i;

	for (i = 0; i < NMIX; i++)
		ep_add(ep, mix_fd(m, i), EPOLLIN | EPOLLRDHUP, i);
	say("epoll.level_idle", "%s", ep_wait(ep, 0));
	peer_r(P_SEND, m->c.ph, 0, 0, "lvl");
	say("epoll.level_wait", "%s", ep_wait(ep, WAIT_MS));
	say("epoll.level_again", "%s", ep_wait(ep, 0));
	say("epoll.level_recv", "%s", recv_str(m->c.fd, 10, 0));
	say("epoll.level_drained", "%s", ep_wait(ep, 0));
	close(ep);
}

static void t_epoll_edge(struct mix *m)
{
	int ep = epoll_create1(0);

	say("epoll.edge_add", "%s",
	    R(ep_add(ep, m->c.fd, EPOLLIN | EPOLLOUT | EPOLLET, 0)));
	say("epoll.edge_first", "%s", ep_wait(ep, 0));
	say("epoll.edge_idle", "%s", ep_wait(ep, 0));
	peer_r(P_SEND, m->c.ph, 0, 0, "e1");
	say("epoll.edge_data", "%s", ep_wait(ep, WAIT_MS));
	say("epoll.edge_data_again", "%s", ep_wait(ep, 0));
	peer_r(P_SEND, m->c.ph, 0, 0, "e2");
	say("epoll.edge_more_data", "%s", ep_wait(ep, WAIT_MS));
	sleep_ms(SETTLE_MS);
	say("epoll.edge_recv", "%s", recv_str(m->c.fd, 10, 0));
	say("epoll.edge_after_recv", "%s", ep_wait(ep, 0));
	close(ep);
}

static void t_epoll_oneshot(struct mix *m)
{
	struct epoll_event e = { .events = EPOLLIN | EPOLLONESHOT };
	int ep = epoll_create1(0);

	ep_add(ep, m->c.fd, EPOLLIN | EPOLLONESHOT, 0);
	peer_r(P_SEND, m->c.ph, 0, 0, "one");
	say("epoll.oneshot_first", "%s", ep_wait(ep, WAIT_MS));
	say("epoll.oneshot_disarmed", "%s", ep_wait(ep, 0));
	say("epoll.oneshot_rearm", "%s",
	    R(epoll_ctl(ep, EPOLL_CTL_MOD, m->c.fd, &e)));
	say("epoll.oneshot_again", "%s", ep_wait(ep, 0));
	say("epoll.oneshot_recv", "%s", recv_str(m->c.fd, 10, 0));
	close(ep);
}

/* An epoll set inside another, and one socket in two sets. */
static void t_epoll_nested(struct mix *m)
{
	int inner = epoll_create1(0), outer = epoll_create1(0);
	int other = epoll_create1(0);

	ep_add(inner, m->c.fd, EPOLLIN, 0);
	ep_add(other, m->c.fd, EPOLLIN, 0);
	ep_add(outer, inner, EPOLLIN, 99);
	ep_add(outer, m->ev, EPOLLIN, 3);
	say("epoll.nested_idle", "%s", ep_wait(outer, 0));
	peer_r(P_SEND, m->c.ph, 0, 0, "nest");
	say("epoll.nested_outer", "%s", ep_wait(outer, WAIT_MS));
	say("epoll.nested_inner", "%s", ep_wait(inner, 0));
	say("epoll.nested_other_set", "%s", ep_wait(other, 0));
	say("epoll.nested_recv", "%s", recv_str(m->c.fd, 10, 0));
	say("epoll.nested_outer_after", "%s", ep_wait(outer, 0));
	close(inner);
	close(outer);
	close(other);
}

/* The peer half-closes, then resets: what epoll reports at each step. */
static void t_epoll_hup(void)
{
	struct mix m;
	int ep = epoll_create1(0);

	if (!conn_open(&m.c, "epoll.hup_setup"))
		return;
	ep_add(ep, m.c.fd, EPOLLIN | EPOLLRDHUP | EPOLLET, 0);
	say("epoll.hup_first", "%s", ep_wait(ep, 0));
	peer_r(P_SHUT_WR, m.c.ph, 0, 0, NULL);
	say("epoll.hup_rdhup", "%s", ep_wait(ep, WAIT_MS));
	peer_r(P_RESET, m.c.ph, 0, 0, NULL);
	m.c.ph = -1;
	say("epoll.hup_reset", "%s", ({ sleep_ms(SETTLE_MS);
		ep_wait(ep, WAIT_MS); }));
	say("epoll.hup_level_all", "%s", poll_now(m.c.fd, 0));
	close(ep);
	conn_close(&m.c);
}

static void t_ready(void)
{
	struct mix m;

	if (!mix_open(&m))
		return;
	t_poll_select(&m);
	/* The other kinds idle again, so that only the socket changes. */
	mix_close(&m);
	if (!mix_open(&m))
		return;
	t_epoll_level(&m);
	t_epoll_edge(&m);
	t_epoll_oneshot(&m);
	t_epoll_nested(&m);
	mix_close(&m);
	t_epoll_hup();
}

/* ------------------------------------------------------------------ */
/* A listener on INADDR_ANY, from the peer and from this host         */
/* ------------------------------------------------------------------ */

static void any_accept(int l, const char *tag, int ph_or_fd, bool local)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	char n[64], buf[32];
	int fd;

	snprintf(n, sizeof(n), "any.%s_poll", tag);
	say(n, "%s", poll_settled(l, POLLIN));
	memset(&a, 0, sizeof(a));
	errno = 0;
	fd = accept(l, (void *)&a, &len);
	snprintf(n, sizeof(n), "any.%s_accept", tag);
	say(n, "%s %s", fdres(fd, errno), sin_str(&a, len));
	if (!local)
		expect_served(fd, n);
	snprintf(n, sizeof(n), "any.%s_getsockname", tag);
	say(n, "%s", sockname(fd, false));
	snprintf(n, sizeof(n), "any.%s_send", tag);
	say(n, "%s", R(send(fd, tag, strlen(tag), 0)));
	snprintf(n, sizeof(n), "any.%s_client_got", tag);
	if (local) {
		wait_in(ph_or_fd, WAIT_MS);
		say(n, "%s", recv_str(ph_or_fd, sizeof(buf), 0));
		send(ph_or_fd, "back", 4, 0);
	} else {
		say(n, "%s", peer_recv_str(ph_or_fd, strlen(tag)));
		peer_r(P_SEND, ph_or_fd, 0, 0, "back");
	}
	snprintf(n, sizeof(n), "any.%s_recv", tag);
	say(n, "%s", recv_str(fd, 10, 0));
	close(fd);
}

static void any_local(int l, const char *tag, struct in_addr to)
{
	int c = tcp();
	char n[64];

	snprintf(n, sizeof(n), "any.%s_connect", tag);
	say(n, "%s", R(connect_to(c, to, 7050)));
	snprintf(n, sizeof(n), "any.%s_client_getpeername", tag);
	say(n, "%s", sockname(c, true));
	any_accept(l, tag, c, true);
	close(c);
}

static void t_any(void)
{
	int l = listener((struct in_addr){ 0 }, 7050, 8), ph;

	say("any.listen", "%s", fdres(l, errno));
	expect_served(l, "any.listen");
	ph = peer_r(P_CONNECT, -1, 7050, 7851, NULL);
	say("any.peer_connect", "%s", ph < 0 ? pres(ph) : "fd");
	any_accept(l, "peer", ph, false);
	peer_r(P_CLOSE, ph, 0, 0, NULL);
	any_local(l, "loopback", (struct in_addr){ htonl(INADDR_LOOPBACK) });
	any_local(l, "local_addr", local_addr);
	say("any.poll_idle", "%s", poll_now(l, 0));
	close(l);
}

/* ------------------------------------------------------------------ */
/* Start-up                                                           */
/* ------------------------------------------------------------------ */

/* The peer: this program in @ns, without the library (nor its env). */
static pid_t peer_start(const char *self, const char *ns, const char *la,
			const char *pa)
{
	char path[128], fdarg[16];
	int sp[2], fd;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp))
		return -1;
	fflush(stdout);
	pid = fork();
	if (pid)
		goto parent;
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	fd = open(path, O_RDONLY);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		_exit(99);
	unsetenv("LD_PRELOAD");
	dup2(sp[1], 3);
	snprintf(fdarg, sizeof(fdarg), "3");
	execl(self, self, "--peer", fdarg, la, pa, (char *)NULL);
	_exit(98);
parent:
	close(sp[1]);
	ctl = sp[0];
	return pid;
}

static int usage(void)
{
	fprintf(stderr, "usage: conform LOCAL PEER NETNS\n");
	return 2;
}

/* The sections, in the order they run (and print). */
static void (*const sections[])(void) = {
	t_socket, t_bind, t_listen, t_connect, t_nonblock, t_data, t_timeo,
	t_signal, t_eof, t_rst, t_rst_close, t_shutdown_wr, t_shutdown_rd,
	t_dup, t_lowest_fd, t_sendfile, t_fork, t_udp, t_opt, t_ready, t_any,
};

static bool env_is(const char *name, const char *has)
{
	const char *v = getenv(name);

	return v && strstr(v, has);
}

int main(int argc, char **argv)
{
	size_t i;
	pid_t pid;

	if (argc == 5 && !strcmp(argv[1], "--peer")) {
		inet_aton(argv[3], &local_addr);
		inet_aton(argv[4], &peer_addr);
		return peer_main(atoi(argv[2]));
	}
	if (argc != 4 || !inet_aton(argv[1], &local_addr) ||
	    !inet_aton(argv[2], &peer_addr))
		return usage();
	excluded = env_is("CONFORM_EXCLUDED", "1");
	under_lib = env_is("LD_PRELOAD", "libcse");
	/* On the subnet, never answering ARP: connects there stay pending. */
	unreach_addr.s_addr = htonl(ntohl(peer_addr.s_addr) + 1);
	pid = peer_start("/proc/self/exe", argv[3], argv[1], argv[2]);
	if (pid < 0)
		return 1;
	peer_listener = peer_r(P_LISTEN, -1, PEER_PORT, 0, NULL);
	if (peer_listener < 0) {
		say("setup", "the peer cannot listen: %s", pres(peer_listener));
		return 1;
	}
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		sections[i]();
	close(ctl);
	waitpid(pid, NULL, 0);
	fprintf(stderr, "conform: %d checks\n", nchecks);
	return 0;
}
