// SPDX-License-Identifier: GPL-2.0
/*
 * stack_bench: the user-mode stack's side of `make bench-stack`.
 *
 *   stack_bench mem-bulk SECONDS [BYTES]   two instances, one process,
 *   stack_bench mem-rr SECONDS [COUNT]     over the in-memory link
 *   stack_bench mem-lossy SECONDS [SEEDS]  the same, 20 ms RTT and 1% loss
 *                                          each way, simulated time
 *   stack_bench timers IDLE [STEPS]        the timer wheel: 100 busy
 *                                          connections' timers beside IDLE
 *                                          idle connections' keepalives
 *   stack_bench tap-upload|tap-download|tap-rr TAP ADDR/PREFIX GATEWAY \
 *               SERVER PORT SECONDS        the stack on TAP device TAP,
 *                                          against kern_bench's server
 *
 * The in-memory runs stop after SECONDS or once BYTES (or COUNT
 * transactions) are done, whichever comes first. Under
 * `valgrind --tool=callgrind --instr-atstart=no` only the workload is
 * measured (set-up and the handshake are not). Each run prints one line
 * "RESULT key=value ..." (bench_proto.h); tools/bench/stack-bench makes
 * the table.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <valgrind/callgrind.h>

#include "core/rand.h"
#include "core/socket.h"
#include "core/stack.h"
#include "core/timer.h"
#include "link/mem.h"
#include "link/tap.h"

#include "bench_proto.h"

static uint8_t buf[BP_CHUNK], rbuf[BP_CHUNK];

static void die(const char *what, int err)
{
	fprintf(stderr, "stack_bench: %s: %s\n", what, strerror(-err));
	exit(1);
}

static uint64_t clock_ns(void *priv)
{
	(void)priv;
	return bp_now_ns();
}

/* mem-lossy: simulated time, moved on by the run itself. */
static uint64_t sim_now;

static uint64_t sim_ns(void *priv)
{
	(void)priv;
	return sim_now;
}

static void nodelay(struct cse_sock *s)
{
	int one = 1;

	cse_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static struct sockaddr_in sin_of(uint32_t addr, uint16_t port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	sin.sin_addr.s_addr = htonl(addr);
	sin.sin_port = htons(port);
	return sin;
}

#define SA(p)	((const struct sockaddr *)(p))

/* --- two instances over the in-memory link --- */

struct pair {
	struct cse_memlink *l;
	struct cse_stack *st[2];
	struct cse_sock *c, *s;		/* client on st[0], server st[1] */
};

static void pair_poll(struct pair *p)
{
	cse_stack_poll(p->st[1], 256);
	cse_stack_poll(p->st[0], 256);
}

/* Poll both; in simulated time, jump to the next frame or timer. */
static void pair_step(struct pair *p, const struct cse_memlink_impair *imp)
{
	uint64_t next = cse_memlink_next(p->l), t;

	pair_poll(p);
	if (!imp)
		return;
	t = cse_stack_next_timer(p->st[0]);
	if (t < next)
		next = t;
	t = cse_stack_next_timer(p->st[1]);
	if (t < next)
		next = t;
	if (next > sim_now && next != UINT64_MAX)
		sim_now = next;
}

/* @imp NULL: the real clock, a perfect wire; else simulated time. */
static void pair_make(struct pair *p, const struct cse_memlink_impair *imp,
		      uint64_t seed)
{
	struct cse_clock clock = { imp ? sim_ns : clock_ns, NULL };
	struct cse_memlink_config lc = {
		.clock = clock,
		.mtu = 1500,
		.max_frames = 16384,
		.mac = { { 2, 0xcb, 0, 0, 0, 1 }, { 2, 0xcb, 0, 0, 0, 2 } },
		.seed = seed,
	};
	struct sockaddr_in any = sin_of(0, 5001);
	struct sockaddr_in dst = sin_of(0x0a000002, 5001);
	struct cse_sock *l;
	int i, err;

	if (imp)
		lc.impair = *imp;
	err = cse_memlink_create(&lc, &p->l);
	if (err)
		die("memlink", err);
	for (i = 0; i < 2; i++) {
		struct cse_stack_config sc;

		cse_stack_config_defaults(&sc);
		sc.link = cse_memlink_end(p->l, i);
		sc.clock = clock;
		sc.addr.s_addr = htonl(0x0a000001 + i);
		sc.prefix_len = 24;
		sc.seed = seed * 100 + i;
		sc.mem_limit = 64u << 20;
		err = cse_stack_create(&sc, &p->st[i]);
		if (err)
			die("stack", err);
	}
	err = cse_socket(p->st[1], SOCK_STREAM, 0, &l);
	if (!err)
		err = cse_bind(l, SA(&any), sizeof(any));
	if (!err)
		err = cse_listen(l, 4);
	if (!err)
		err = cse_socket(p->st[0], SOCK_STREAM, 0, &p->c);
	if (err)
		die("listen", err);
	cse_connect(p->c, SA(&dst), sizeof(dst));
	for (i = 0; i < 100000 && cse_accept(l, &p->s, NULL, NULL); i++)
		pair_step(p, imp);
	if (i == 100000)
		die("accept", -ETIMEDOUT);
	cse_close(l);
}

static void pair_free(struct pair *p)
{
	cse_stack_destroy(p->st[0]);
	cse_stack_destroy(p->st[1]);
	cse_memlink_destroy(p->l);
}

static void mem_bulk(double secs, uint64_t max)
{
	uint64_t t0, end, sent = 0, got = 0, segs0, segs1;
	struct pair p;
	ssize_t n;

	pair_make(&p, NULL, 1);
	segs0 = cse_stack_stats(p.st[0])->tcp_tx;
	segs1 = cse_stack_stats(p.st[1])->tcp_tx;
	CALLGRIND_START_INSTRUMENTATION;
	t0 = bp_now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	while ((!max || got < max) && bp_now_ns() < end) {
		size_t want = max && max - sent < sizeof(buf) ? max - sent :
			      sizeof(buf);

		while (want && (n = cse_sendto(p.c, buf, want, 0, NULL, 0)) >
		       0) {
			sent += n;
			want = max && max - sent < sizeof(buf) ? max - sent :
			       sizeof(buf);
		}
		cse_stack_poll(p.st[1], 256);
		while ((n = cse_recvfrom(p.s, rbuf, sizeof(rbuf), 0, NULL,
					 NULL, NULL)) > 0)
			got += n;
		cse_stack_poll(p.st[0], 256);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("RESULT bytes=%llu ns=%llu segs=%llu acks=%llu\n",
	       (unsigned long long)got,
	       (unsigned long long)(bp_now_ns() - t0),
	       (unsigned long long)(cse_stack_stats(p.st[0])->tcp_tx - segs0),
	       (unsigned long long)(cse_stack_stats(p.st[1])->tcp_tx - segs1));
	pair_free(&p);
}

/*
 * The impaired path of the VM rows, between two instances in simulated
 * time: 10 ms each way (20 ms RTT) and 1% loss each way, an upload for
 * SECONDS of simulated time, averaged over a few seeds. Deterministic, so
 * congestion control and recovery can be compared change by change
 * without the VM's noise; the VM rows say how the stack does against the
 * kernel's receiver.
 */
static void mem_lossy(double secs, unsigned int seeds)
{
	const struct cse_memlink_impair imp = {
		.delay_ns = 10000000, .drop_ppm = 10000,
	};
	uint64_t got = 0, ns = 0, segs = 0, rtx = 0, rto = 0, rec = 0;
	uint64_t drops = 0;
	unsigned int seed;

	for (seed = 1; seed <= seeds; seed++) {
		const struct cse_stats *x;
		struct pair p;
		uint64_t t0, end;
		ssize_t n;

		sim_now = 1000000000ull;
		pair_make(&p, &imp, seed);
		x = cse_stack_stats(p.st[0]);
		segs -= x->tcp_tx;
		rtx -= x->tcp_retransmits;
		rto -= x->tcp_rto;
		rec -= x->tcp_recoveries;
		t0 = sim_now;
		end = t0 + (uint64_t)(secs * 1e9);
		while (sim_now < end) {
			while (cse_sendto(p.c, buf, sizeof(buf), 0, NULL, 0) >
			       0)
				;
			pair_step(&p, &imp);
			while ((n = cse_recvfrom(p.s, rbuf, sizeof(rbuf), 0,
						 NULL, NULL, NULL)) > 0)
				got += n;
		}
		ns += sim_now - t0;
		segs += x->tcp_tx;
		rtx += x->tcp_retransmits;
		rto += x->tcp_rto;
		rec += x->tcp_recoveries;
		drops += cse_memlink_stats(p.l, 0)->dropped;
		pair_free(&p);
	}
	printf("RESULT bytes=%llu ns=%llu segs=%llu retrans=%llu rto=%llu "
	       "recoveries=%llu dropped=%llu\n", (unsigned long long)got,
	       (unsigned long long)ns, (unsigned long long)segs,
	       (unsigned long long)rtx, (unsigned long long)rto,
	       (unsigned long long)rec, (unsigned long long)drops);
}

/* Move @len bytes from @from to @to, polling both instances. */
static void pair_move(struct pair *p, struct cse_sock *from,
		      struct cse_sock *to, size_t len)
{
	size_t got = 0;
	ssize_t n;

	if (cse_sendto(from, buf, len, 0, NULL, 0) != (ssize_t)len)
		die("rr send", -EAGAIN);
	while (got < len) {
		pair_poll(p);
		n = cse_recvfrom(to, rbuf, len - got, 0, NULL, NULL, NULL);
		if (n > 0)
			got += n;
	}
}

static void mem_rr(double secs, uint64_t max)
{
	uint64_t t0, end, count, segs;
	struct pair p;

	pair_make(&p, NULL, 1);
	nodelay(p.c);
	nodelay(p.s);
	segs = cse_stack_stats(p.st[0])->tcp_tx +
	       cse_stack_stats(p.st[1])->tcp_tx;
	CALLGRIND_START_INSTRUMENTATION;
	t0 = bp_now_ns();
	end = t0 + (uint64_t)(secs * 1e9);
	for (count = 0; (!max || count < max) && bp_now_ns() < end; count++) {
		pair_move(&p, p.c, p.s, BP_RR_SIZE);
		pair_move(&p, p.s, p.c, BP_RR_SIZE);
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	segs = cse_stack_stats(p.st[0])->tcp_tx +
	       cse_stack_stats(p.st[1])->tcp_tx - segs;
	printf("RESULT transactions=%llu ns=%llu segs=%llu\n",
	       (unsigned long long)count,
	       (unsigned long long)(bp_now_ns() - t0),
	       (unsigned long long)segs);
	pair_free(&p);
}

/* --- the timer wheel with many connections' timers --- */

/* What a TCP connection keeps armed: retransmission, delayed ACK, keepalive. */
struct bconn {
	struct cse_timer rtx, delack, keepalive;
};

static uint64_t timer_fired;

static void timer_fn(struct cse_timer *t, uint64_t now)
{
	(void)t;
	(void)now;
	timer_fired++;
}

#define BUSY_CONNS	100

/*
 * Every 100 us of fake time, 32 of the busy connections get an ACK (their
 * retransmission timer pushed 200 ms out, a delayed ACK armed 40 ms out
 * unless one is pending), then the wheel runs and is asked for its next
 * expiry, as the library's loop does. The idle connections' keepalives
 * (2 h) only wait: what they cost is the difference @idle makes.
 */
static void timers_bench(unsigned int idle, unsigned int steps)
{
	struct bconn *c = calloc(BUSY_CONNS + idle, sizeof(*c));
	uint64_t now = 1000000000ull, t0, ops = 0;
	struct cse_timers *ts = malloc(sizeof(*ts));
	struct cse_rng rng;
	unsigned int i, s;

	if (!c || !ts)
		die("timers", -ENOMEM);
	cse_rng_seed(&rng, 1);
	cse_timers_init(ts, now);
	for (i = 0; i < BUSY_CONNS + idle; i++) {
		cse_timer_init(&c[i].rtx, timer_fn);
		cse_timer_init(&c[i].delack, timer_fn);
		cse_timer_init(&c[i].keepalive, timer_fn);
		cse_timer_mod(ts, &c[i].keepalive,
			      now + 7200000000000ull + i * 1000000ull);
	}
	CALLGRIND_START_INSTRUMENTATION;
	t0 = bp_now_ns();
	for (s = 0; s < steps; s++) {
		now += 100000;
		for (i = 0; i < 32; i++) {
			struct bconn *b = &c[cse_rng_below(&rng, BUSY_CONNS)];

			cse_timer_mod(ts, &b->rtx, now + 200000000ull);
			if (!cse_timer_pending(&b->delack))
				cse_timer_mod(ts, &b->delack, now + 40000000ull);
			ops += 2;
		}
		cse_timers_run(ts, now);
		cse_timers_next(ts);
		ops += 2;
	}
	CALLGRIND_STOP_INSTRUMENTATION;
	printf("RESULT timers=%u ops=%llu fired=%llu ns=%llu\n",
	       (BUSY_CONNS + idle) * 3, (unsigned long long)ops,
	       (unsigned long long)timer_fired,
	       (unsigned long long)(bp_now_ns() - t0));
	free(ts);
	free(c);
}

/* --- the stack on a TAP device against the kernel --- */

struct tapenv {
	struct cse_tap *tap;
	struct cse_stack *st;
	struct cse_sock *s;
	uint64_t trace_next;		/* STACK_BENCH_TRACE: next sample */
};

/*
 * With STACK_BENCH_TRACE set, a line of the connection's TCP_INFO on
 * stderr every 200 ms, to compare with `ss -ti` of the kernel's sender.
 */
static void tap_trace(struct tapenv *e)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	uint64_t now = bp_now_ns();

	if (!e->trace_next || now < e->trace_next)
		return;
	e->trace_next = now + 200000000ull;
	if (cse_getsockopt(e->s, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return;
	fprintf(stderr, "TRACE %llu cwnd %u ssthresh %u rtt %u rttvar %u unacked %u ca %u retrans %u\n",
		(unsigned long long)(now / 1000000), ti.tcpi_snd_cwnd,
		ti.tcpi_snd_ssthresh, ti.tcpi_rtt, ti.tcpi_rttvar,
		ti.tcpi_unacked, ti.tcpi_ca_state, ti.tcpi_total_retrans);
}

/* Run the stack; sleep on the TAP fd for up to the next timer if @idle. */
static void tap_run(struct tapenv *e, int idle)
{
	struct pollfd pfd = { .fd = cse_tap_fd(e->tap), .events = POLLIN };
	uint64_t next = cse_stack_next_timer(e->st), now = bp_now_ns();
	int ms = 5;

	tap_trace(e);
	if (cse_stack_poll(e->st, 256) > 0 || !idle)
		return;
	if (next <= now)
		ms = 0;
	else if (next - now < 5000000)
		ms = (int)((next - now + 999999) / 1000000);
	poll(&pfd, 1, ms);
	cse_stack_poll(e->st, 256);
}

static uint32_t ip_of(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "stack_bench: bad address %s\n", s);
		exit(2);
	}
	return ntohl(a.s_addr);
}

static void tap_make(struct tapenv *e, const char *tap, const char *addr,
		     const char *gw, const char *server, const char *port)
{
	static const uint8_t mac[6] = { 2, 0xcb, 0, 0, 0, 0x10 };
	char a[32], *slash;
	struct cse_stack_config sc;
	struct sockaddr_in dst;
	int err = cse_tap_open(tap, mac, &e->tap);
	uint64_t end;

	if (err)
		die("tap", err);
	snprintf(a, sizeof(a), "%s", addr);
	slash = strchr(a, '/');
	if (!slash) {
		fprintf(stderr, "stack_bench: want ADDR/PREFIX, not %s\n", a);
		exit(2);
	}
	*slash = 0;
	cse_stack_config_defaults(&sc);
	sc.link = cse_tap_link(e->tap);
	sc.clock = (struct cse_clock){ clock_ns, NULL };
	sc.addr.s_addr = htonl(ip_of(a));
	sc.prefix_len = (unsigned int)atoi(slash + 1);
	sc.gateway.s_addr = htonl(ip_of(gw));
	sc.seed = (uint64_t)bp_now_ns();
	sc.mem_limit = 64u << 20;
	err = cse_stack_create(&sc, &e->st);
	if (!err)
		err = cse_socket(e->st, SOCK_STREAM, 0, &e->s);
	if (err)
		die("stack", err);
	dst = sin_of(ip_of(server), (uint16_t)atoi(port));
	err = cse_connect(e->s, SA(&dst), sizeof(dst));
	if (err && err != -EINPROGRESS)
		die("connect", err);
	end = bp_now_ns() + 10000000000ull;
	while (!(cse_poll(e->s) & (CSE_POLLOUT | CSE_POLLERR)) &&
	       bp_now_ns() < end)
		tap_run(e, 1);
	if (!(cse_poll(e->s) & CSE_POLLOUT) || (cse_poll(e->s) & CSE_POLLERR))
		die("connect", -ECONNREFUSED);
}

/* Write all of @p, running the stack meanwhile. */
static void tap_write(struct tapenv *e, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = cse_sendto(e->s, p, len, 0, NULL, 0);

		if (n < 0 && n != -EAGAIN)
			die("send", (int)n);
		if (n > 0) {
			p += n;
			len -= n;
		}
		tap_run(e, n <= 0);
	}
}

/* Read exactly @len bytes, or up to EOF when @p is NULL (returns count). */
static uint64_t tap_read(struct tapenv *e, uint8_t *p, size_t len)
{
	uint64_t got = 0;

	for (;;) {
		ssize_t n = cse_recvfrom(e->s, p ? p + got : rbuf,
					 p ? len - got : sizeof(rbuf), 0, NULL,
					 NULL, NULL);

		if (n == 0 || (n < 0 && n != -EAGAIN))
			return got;
		if (n > 0)
			got += n;
		if (p && got == len)
			return got;
		tap_run(e, n <= 0);
	}
}

static int tap_bench(const char *what, char **argv)
{
	const struct cse_stats *x;
	uint64_t t0, end, count = 0;
	double secs = atof(argv[5]);
	struct tapenv e;
	uint8_t hdr[8];

	tap_make(&e, argv[0], argv[1], argv[2], argv[3], argv[4]);
	t0 = bp_now_ns();
	e.trace_next = getenv("STACK_BENCH_TRACE") ? t0 : 0;
	end = t0 + (uint64_t)(secs * 1e9);
	if (!strcmp(what, "tap-upload")) {
		hdr[0] = BP_UPLOAD;
		tap_write(&e, hdr, 1);
		while (bp_now_ns() < end)
			tap_write(&e, buf, sizeof(buf));
		cse_shutdown(e.s, SHUT_WR);
		if (tap_read(&e, hdr, 8) != 8)
			die("upload count", -EPIPE);
		count = bp_get64(hdr);
		x = cse_stack_stats(e.st);
		printf("RESULT bytes=%llu ns=%llu segs=%llu retrans=%llu "
		       "rto=%llu recoveries=%llu\n", (unsigned long long)count,
		       (unsigned long long)(bp_now_ns() - t0),
		       (unsigned long long)x->tcp_tx,
		       (unsigned long long)x->tcp_retransmits,
		       (unsigned long long)x->tcp_rto,
		       (unsigned long long)x->tcp_recoveries);
	} else if (!strcmp(what, "tap-download")) {
		uint32_t ms = (uint32_t)(secs * 1000);

		hdr[0] = BP_DOWNLOAD;
		hdr[1] = ms >> 24;
		hdr[2] = ms >> 16;
		hdr[3] = ms >> 8;
		hdr[4] = ms;
		tap_write(&e, hdr, 5);
		count = tap_read(&e, NULL, 0);
		printf("RESULT bytes=%llu ns=%llu\n", (unsigned long long)count,
		       (unsigned long long)(bp_now_ns() - t0));
	} else if (!strcmp(what, "tap-rr")) {
		hdr[0] = BP_RR;
		tap_write(&e, hdr, 1);
		nodelay(e.s);
		for (; bp_now_ns() < end; count++) {
			tap_write(&e, buf, BP_RR_SIZE);
			if (tap_read(&e, rbuf, BP_RR_SIZE) != BP_RR_SIZE)
				die("rr", -EPIPE);
		}
		printf("RESULT transactions=%llu ns=%llu\n",
		       (unsigned long long)count,
		       (unsigned long long)(bp_now_ns() - t0));
	} else {
		return 2;
	}
	/* Close properly: the kernel's server goes on to the next client. */
	cse_close(e.s);
	end = bp_now_ns() + 2000000000ull;
	while (cse_stack_unfinished(e.st) && bp_now_ns() < end)
		tap_run(&e, 1);
	cse_stack_destroy(e.st);
	cse_tap_close(e.tap);
	return 0;
}

static int usage(void)
{
	fprintf(stderr,
		"usage: stack_bench mem-bulk SECONDS [BYTES]\n"
		"       stack_bench mem-rr SECONDS [COUNT]\n"
		"       stack_bench mem-lossy SECONDS [SEEDS]\n"
		"       stack_bench timers IDLE [STEPS]\n"
		"       stack_bench tap-upload|tap-download|tap-rr TAP ADDR/PREFIX GATEWAY SERVER PORT SECONDS\n");
	return 2;
}

int main(int argc, char **argv)
{
	if (argc < 3)
		return usage();
	if (!strcmp(argv[1], "mem-bulk"))
		mem_bulk(atof(argv[2]), argc > 3 ? strtoull(argv[3], NULL, 0) :
						   0);
	else if (!strcmp(argv[1], "mem-rr"))
		mem_rr(atof(argv[2]), argc > 3 ? strtoull(argv[3], NULL, 0) :
						 0);
	else if (!strcmp(argv[1], "mem-lossy"))
		mem_lossy(atof(argv[2]), argc > 3 ?
			  (unsigned int)strtoul(argv[3], NULL, 0) : 4);
	else if (!strcmp(argv[1], "timers"))
		timers_bench((unsigned int)strtoul(argv[2], NULL, 0),
			     argc > 3 ? (unsigned int)strtoul(argv[3], NULL, 0) :
				        100000);
	else if (!strncmp(argv[1], "tap-", 4) && argc == 8)
		return tap_bench(argv[1], argv + 2) == 2 ? usage() : 0;
	else
		return usage();
	return 0;
}
