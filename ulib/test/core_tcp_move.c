// SPDX-License-Identifier: GPL-2.0
/*
 * Moving a TCP connection between two stacks (handover.h), as an
 * accept-then-fork server does: A accepts a connection from the peer B,
 * then A' (the forked child: the same address and MAC, on the same end
 * of the in-memory wire) takes it over. From the commit on, the wire's
 * end is A''s: A no longer reads it. B must see nothing worse than a
 * retransmission: no RST, every byte once, in order, both ways.
 */
#include "kselftest_harness.h"
#define T_NO_SOCK_HELPERS
#include "t_stack.h"
#include "t_stack_tcp.h"
#include "core/handover.h"
#include "link/mem.h"

#include <netinet/tcp.h>

#define T_A_IP		T_OUR_IP
#define T_B_IP		(T_OUR_IP + 1)
#define T_PORT		80

/* A, A' and B; @live is whichever of A and A' reads end 0 of the wire. */
struct t_trio {
	struct t_clock clock;
	struct cse_memlink *l;
	struct cse_stack *a, *a2, *b, *live;
	struct cse_sock *as, *bs;	/* the connection's two ends */
	uint16_t bport;
};

/* RFC 7323 and SACK switches of all three instances. */
struct t_opts {
	unsigned int sack, ts, ws;
};

static int t_trio_stack(struct t_trio *t, unsigned int end, uint32_t ip,
			uint64_t seed, const struct t_opts *o,
			struct cse_stack **out)
{
	struct cse_stack_config c;

	cse_stack_config_defaults(&c);
	c.link = cse_memlink_end(t->l, end);
	c.clock = (struct cse_clock){ t_clock_now, &t->clock };
	c.addr.s_addr = htonl(ip);
	c.prefix_len = 24;
	c.seed = seed;
	c.tcp_sack = o->sack;
	c.tcp_timestamps = o->ts;
	c.tcp_window_scaling = o->ws;
	return cse_stack_create(&c, out);
}

static int t_trio_make(struct t_trio *t, const struct t_opts *o)
{
	struct cse_memlink_config c = {
		.clock = { t_clock_now, &t->clock },
		.mtu = 1500,
		.max_frames = 4096,
		.mac = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } },
		.seed = 7,
	};

	memset(t, 0, sizeof(*t));
	t->clock.now = 5 * CSE_NSEC_PER_SEC;
	if (cse_memlink_create(&c, &t->l) ||
	    t_trio_stack(t, 0, T_A_IP, 11, o, &t->a) ||
	    t_trio_stack(t, 0, T_A_IP, 12, o, &t->a2) ||
	    t_trio_stack(t, 1, T_B_IP, 13, o, &t->b))
		return -1;
	t->live = t->a;
	return 0;
}

static void t_trio_free(struct t_trio *t)
{
	cse_stack_destroy(t->a);
	cse_stack_destroy(t->a2);
	cse_stack_destroy(t->b);
	cse_memlink_destroy(t->l);
}

/* To the next frame or timer, then let each instance at it. */
static void t_trio_step(struct t_trio *t)
{
	struct cse_stack *all[] = { t->a, t->a2, t->b };
	uint64_t next = cse_memlink_next(t->l);
	unsigned int i;

	for (i = 0; i < 3; i++) {
		uint64_t n = cse_stack_next_timer(all[i]);

		next = n < next ? n : next;
	}
	if (next != UINT64_MAX && next > t->clock.now)
		t->clock.now = next;
	for (i = 0; i < 3; i++) {
		if (all[i] == t->b || all[i] == t->live)
			cse_stack_poll(all[i], 64);
		else
			cse_stack_run_timers(all[i]);
	}
}

/* B connects to A's listener; A accepts. */
static int t_trio_connect(struct t_trio *t)
{
	struct sockaddr_in sin = t_sin(0, T_PORT), dst = t_sin(T_A_IP, T_PORT);
	struct sockaddr_in me;
	socklen_t len = sizeof(me);
	struct cse_sock *l;
	int i;

	if (cse_socket(t->a, SOCK_STREAM, 0, &l) ||
	    cse_bind(l, T_SA(&sin), sizeof(sin)) || cse_listen(l, 4) ||
	    cse_socket(t->b, SOCK_STREAM, 0, &t->bs) ||
	    cse_connect(t->bs, T_SA(&dst), sizeof(dst)) != -EINPROGRESS)
		return -1;
	for (i = 0; i < 1000 && cse_accept(l, &t->as, NULL, NULL); i++)
		t_trio_step(t);
	cse_close(l);
	if (i == 1000 || cse_getsockname(t->bs, T_SAW(&me), &len))
		return -1;
	t->bport = ntohs(me.sin_port);
	return 0;
}

/* The taker expects the flow; the wire's end becomes the taker's. */
static int t_trio_expect(struct t_trio *t)
{
	int err = cse_tcp_expect(t->a2, T_A_IP, T_PORT, T_B_IP, t->bport);

	t->live = t->a2;
	return err;
}

/* Export, commit, import: A's connection is A''s. */
static int t_trio_hand(struct t_trio *t)
{
	static uint8_t blob[1 << 21];
	struct cse_sock *old = t->as;
	ssize_t n = cse_tcp_export_size(old);
	int err;

	if (n < 0 || (size_t)n > sizeof(blob))
		return -1;
	if (cse_tcp_export(old, blob, sizeof(blob)) != n)
		return -1;
	cse_tcp_export_commit(old);
	err = cse_tcp_import(t->a2, blob, (size_t)n, &t->as);
	if (err)
		return err;
	t->live = t->a2;
	return cse_close(old);
}

static int t_trio_move(struct t_trio *t)
{
	return t_trio_expect(t) ? -1 : t_trio_hand(t);
}

/* Resets any of the three sent. */
static uint64_t t_trio_rsts(const struct t_trio *t)
{
	return cse_stack_stats(t->a)->tcp_rst_tx +
	       cse_stack_stats(t->a2)->tcp_rst_tx +
	       cse_stack_stats(t->b)->tcp_rst_tx;
}

/* One direction of a transfer, bytes numbered from 0. */
struct t_stream {
	uint64_t sent, got;
	uint8_t key;
	bool bad;
};

static uint8_t t_stream_byte(const struct t_stream *s, uint64_t i)
{
	return (uint8_t)((i * 131 + (i >> 9)) ^ s->key);
}

/* Offer up to @total, read what came; the sockets of the moment. */
static void t_stream_run(struct t_stream *s, struct cse_sock *from,
			 struct cse_sock *to, uint64_t total)
{
	uint8_t buf[8192];
	unsigned int i, n;
	ssize_t k;

	while (from && s->sent < total) {
		n = total - s->sent < sizeof(buf) ? (unsigned int)(total -
			s->sent) : sizeof(buf);
		for (i = 0; i < n; i++)
			buf[i] = t_stream_byte(s, s->sent + i);
		k = cse_sendto(from, buf, n, 0, NULL, 0);
		if (k <= 0)
			break;
		s->sent += (uint64_t)k;
	}
	while (to && (k = cse_recvfrom(to, buf, sizeof(buf), 0, NULL, NULL,
				       NULL)) > 0) {
		for (i = 0; i < (unsigned int)k; i++)
			s->bad |= buf[i] != t_stream_byte(s, s->got + i);
		s->got += (uint64_t)k;
	}
}

/*
 * Run both directions until each has @goal bytes through (of @total
 * offered) or @steps pass. Returns true if they got there intact.
 */
static bool t_trio_pump(struct t_trio *t, struct t_stream *ab,
			struct t_stream *ba, uint64_t total, uint64_t goal,
			unsigned int steps)
{
	while (steps--) {
		t_stream_run(ab, t->as, t->bs, total);
		t_stream_run(ba, t->bs, t->as, total);
		if (ab->got >= goal && ba->got >= goal)
			break;
		t_trio_step(t);
	}
	return !ab->bad && !ba->bad && ab->got >= goal && ba->got >= goal;
}

/* One direction alone, until @total arrived or too long passed. */
static void t_trio_one_way(struct t_trio *t, struct t_stream *f,
			   struct cse_sock *from, struct cse_sock *to,
			   uint64_t total)
{
	unsigned int steps;

	for (steps = 0; steps < 100000 && f->got < total; steps++) {
		t_stream_run(f, from, to, total);
		t_trio_step(t);
	}
}

/* Step until @s is in @state (or too long passed); its state then. */
static int t_trio_until(struct t_trio *t, struct cse_sock *s, int state)
{
	unsigned int steps;

	for (steps = 0; steps < 1000 && t_tcp_state(s) != state; steps++)
		t_trio_step(t);
	return t_tcp_state(s);
}

FIXTURE(move) {
	struct t_trio t;
};

FIXTURE_VARIANT(move) {
	struct t_opts o;
};

FIXTURE_VARIANT_ADD(move, all_options) {
	.o = { .sack = 1, .ts = 1, .ws = 1 },
};

FIXTURE_VARIANT_ADD(move, no_options) {
	.o = { .sack = 0, .ts = 0, .ws = 0 },
};

FIXTURE_VARIANT_ADD(move, timestamps_only) {
	.o = { .sack = 0, .ts = 1, .ws = 0 },
};

FIXTURE_VARIANT_ADD(move, sack_and_scaling) {
	.o = { .sack = 1, .ts = 0, .ws = 1 },
};

FIXTURE_SETUP(move)
{
	ASSERT_EQ(0, t_trio_make(&self->t, &variant->o));
	ASSERT_EQ(0, t_trio_connect(&self->t));
}

FIXTURE_TEARDOWN(move)
{
	t_trio_free(&self->t);
}

TEST_F(move, mid_transfer_both_ways_arrives_whole_without_rst)
{
	struct t_stream ab = { .key = 0x11 }, ba = { .key = 0x77 };
	const uint64_t total = 3u << 20;

	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, total, 1u << 20, 200000));
	ASSERT_GT(total, ab.got);		/* still under way */
	ASSERT_GT(total, ba.got);
	ASSERT_EQ(0, t_trio_move(&self->t));
	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, total, total, 400000));
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->t.bs));
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->t.as));
	/* The peer never saw a timestamp go back. */
	ASSERT_EQ(0u, cse_stack_stats(self->t.b)->tcp_paws_drop);
}

TEST_F(move, in_flight_and_unread_data_survive)
{
	struct t_stream ab = { .key = 0x21 }, ba = { .key = 0x42 };
	struct cse_tcp_sock *tp;
	int i;

	/* B's bytes wait unread at A; A's next bytes never reach B. */
	t_stream_run(&ba, self->t.bs, NULL, 3000);
	for (i = 0; i < 1000 && (!cse_tcp_sk(self->t.as)->rcvbuf.len ||
				 cse_memlink_next(self->t.l) != UINT64_MAX); i++)
		t_trio_step(&self->t);
	cse_memlink_drop_burst(self->t.l, 0, 1000);
	t_stream_run(&ab, self->t.as, NULL, 20000);
	cse_memlink_drop_burst(self->t.l, 0, 0);	/* only those */
	tp = cse_tcp_sk(self->t.as);
	ASSERT_NE(tp->snd_una, tp->snd_max);
	ASSERT_EQ(3000u, tp->rcvbuf.len);
	ASSERT_EQ(0, t_trio_move(&self->t));
	tp = cse_tcp_sk(self->t.as);
	ASSERT_NE(tp->snd_una, tp->snd_max);
	ASSERT_TRUE(!!(cse_poll(self->t.as) & CSE_POLLIN));
	for (i = 0; i < 100000 && (ab.got < 20000 || ba.got < 3000); i++) {
		t_stream_run(&ab, self->t.as, self->t.bs, 20000);
		t_stream_run(&ba, self->t.bs, self->t.as, 3000);
		t_trio_step(&self->t);
	}
	ASSERT_EQ(20000u, ab.got);
	ASSERT_EQ(3000u, ba.got);
	ASSERT_FALSE(ab.bad || ba.bad);
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
	ASSERT_LT(0u, cse_stack_stats(self->t.a2)->tcp_retransmits);
}

TEST_F(move, in_close_wait_the_taker_finishes_the_close)
{
	struct t_stream ab = { .key = 0x31 }, ba = { .key = 0x13 };
	char c;

	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, 50000, 50000, 100000));
	ASSERT_EQ(0, cse_shutdown(self->t.bs, SHUT_WR));
	ASSERT_EQ(CSE_TCP_CLOSE_WAIT, t_trio_until(&self->t, self->t.as,
						   CSE_TCP_CLOSE_WAIT));
	ASSERT_EQ(0, t_trio_move(&self->t));
	ASSERT_EQ(CSE_TCP_CLOSE_WAIT, t_tcp_state(self->t.as));
	ASSERT_EQ(0, cse_recvfrom(self->t.as, &c, 1, 0, NULL, NULL, NULL));
	t_trio_one_way(&self->t, &ab, self->t.as, self->t.bs, 150000);
	ASSERT_EQ(150000u, ab.got);
	ASSERT_FALSE(ab.bad);
	ASSERT_EQ(0, cse_close(self->t.as));
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_trio_until(&self->t, self->t.bs,
						  CSE_TCP_TIME_WAIT));
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
}

TEST_F(move, in_fin_wait_2_the_taker_reads_to_the_end)
{
	struct t_stream ab = { .key = 0x51 }, ba = { .key = 0x15 };
	char c;

	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, 50000, 50000, 100000));
	ASSERT_EQ(0, cse_shutdown(self->t.as, SHUT_WR));
	ASSERT_EQ(CSE_TCP_FIN_WAIT_2, t_trio_until(&self->t, self->t.as,
						   CSE_TCP_FIN_WAIT_2));
	ASSERT_EQ(0, t_trio_move(&self->t));
	ASSERT_EQ(CSE_TCP_FIN_WAIT_2, t_tcp_state(self->t.as));
	ASSERT_EQ(-EPIPE, cse_sendto(self->t.as, "x", 1, MSG_NOSIGNAL, NULL,
				     0));
	t_trio_one_way(&self->t, &ba, self->t.bs, self->t.as, 200000);
	ASSERT_EQ(200000u, ba.got);
	ASSERT_FALSE(ba.bad);
	ASSERT_EQ(0, cse_shutdown(self->t.bs, SHUT_WR));
	ASSERT_EQ(CSE_TCP_TIME_WAIT, t_trio_until(&self->t, self->t.as,
						  CSE_TCP_TIME_WAIT));
	ASSERT_EQ(0, cse_recvfrom(self->t.as, &c, 1, 0, NULL, NULL, NULL));
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
}

TEST_F(move, segments_before_the_import_are_dropped_then_resent)
{
	struct t_stream ab = { .key = 0x61 }, ba = { .key = 0x16 };
	const uint64_t total = 400000;
	int i;

	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, total, 100000, 100000));
	/* The kernel steers to the taker before the blob arrives. */
	ASSERT_EQ(0, t_trio_expect(&self->t));
	for (i = 0; i < 20; i++) {
		t_stream_run(&ba, self->t.bs, NULL, total);
		t_trio_step(&self->t);
	}
	ASSERT_LT(0u, cse_stack_stats(self->t.a2)->tcp_expect_drop);
	ASSERT_EQ(0u, cse_stack_stats(self->t.a2)->tcp_rst_tx);
	ASSERT_EQ(0, t_trio_hand(&self->t));
	ASSERT_TRUE(t_trio_pump(&self->t, &ab, &ba, total, total, 400000));
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
}

TEST_F(move, the_old_socket_fails_every_call_and_closes_quietly)
{
	static uint8_t blob[1 << 20];
	struct sockaddr_in sin = t_sin(T_A_IP, 9);
	socklen_t len = sizeof(sin);
	struct cse_sock *old = self->t.as, *c;
	uint64_t tx;
	ssize_t n;
	char b[4];
	int v = 1;

	n = cse_tcp_export(old, blob, sizeof(blob));
	ASSERT_LT(0, n);
	cse_tcp_export_commit(old);
	ASSERT_EQ(-EBADFD, cse_sendto(old, "x", 1, 0, NULL, 0));
	ASSERT_EQ(-EBADFD, cse_recvfrom(old, b, 4, 0, NULL, NULL, NULL));
	ASSERT_EQ(-EBADFD, cse_setsockopt(old, SOL_SOCKET, SO_KEEPALIVE, &v,
					  sizeof(v)));
	ASSERT_EQ(-EBADFD, cse_getsockopt(old, SOL_SOCKET, SO_ERROR, &v,
					  &len));
	ASSERT_EQ(-EBADFD, cse_shutdown(old, SHUT_WR));
	ASSERT_EQ(-EBADFD, cse_bind(old, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(-EBADFD, cse_connect(old, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(-EBADFD, cse_listen(old, 1));
	ASSERT_EQ(-EBADFD, cse_accept(old, &c, NULL, NULL));
	ASSERT_EQ(-EBADFD, cse_getsockname(old, T_SAW(&sin), &len));
	ASSERT_EQ(-EBADFD, cse_getpeername(old, T_SAW(&sin), &len));
	ASSERT_EQ(-EBADFD, cse_ioctl(old, 0x541B, &v));	/* FIONREAD */
	ASSERT_EQ(-EBADFD, cse_tcp_export_size(old));
	ASSERT_EQ(-EBADFD, cse_tcp_export(old, blob, sizeof(blob)));
	ASSERT_EQ((unsigned int)(CSE_POLLERR | CSE_POLLHUP), cse_poll(old));
	tx = cse_stack_stats(self->t.a)->eth_tx;
	ASSERT_EQ(0, cse_close(old));
	cse_stack_run_timers(self->t.a);
	ASSERT_EQ(tx, cse_stack_stats(self->t.a)->eth_tx);	/* no RST, no FIN */
	/* What still reaches the old owner is dropped, not reset. */
	t_stream_run(&(struct t_stream){ 0 }, self->t.bs, NULL, 1000);
	while (cse_memlink_next(self->t.l) != UINT64_MAX)
		t_trio_step(&self->t);
	ASSERT_LT(0u, cse_stack_stats(self->t.a)->tcp_moved_drop);
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
	self->t.as = NULL;
}

TEST_F(move, options_and_congestion_control_survive)
{
	int on = 1, idle = 77, ttl = 33, rcv = 100000, v;
	struct linger lg = { 1, 9 }, lg2;
	socklen_t len = sizeof(v);
	char cc[16] = "";
	struct cse_sock *s = self->t.as;

	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno",
				    4));
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &on,
				    sizeof(on)));
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &on,
				    sizeof(on)));
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &idle,
				    sizeof(idle)));
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_IP, IP_TTL, &ttl,
				    sizeof(ttl)));
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcv,
				    sizeof(rcv)));
	ASSERT_EQ(0, cse_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg,
				    sizeof(lg)));
	ASSERT_EQ(0, t_trio_move(&self->t));
	s = self->t.as;
	len = sizeof(cc);
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc,
				    &len));
	ASSERT_STREQ("reno", cc);
	len = sizeof(v);
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_NODELAY, &v, &len));
	ASSERT_EQ(1, v);
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_KEEPALIVE, &v, &len));
	ASSERT_EQ(1, v);
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_KEEPIDLE, &v, &len));
	ASSERT_EQ(77, v);
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_IP, IP_TTL, &v, &len));
	ASSERT_EQ(33, v);
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
	ASSERT_EQ(200000, v);
	len = sizeof(lg2);
	ASSERT_EQ(0, cse_getsockopt(s, SOL_SOCKET, SO_LINGER, &lg2, &len));
	ASSERT_EQ(1, lg2.l_onoff);
	ASSERT_EQ(9, lg2.l_linger);
	ASSERT_TRUE(cse_timer_pending(&cse_tcp_sk(s)->keep_timer));
}

TEST_F(move, keepalive_probes_come_from_the_taker)
{
	int on = 1, idle = 10;
	uint64_t end;

	ASSERT_EQ(0, cse_setsockopt(self->t.as, SOL_SOCKET, SO_KEEPALIVE, &on,
				    sizeof(on)));
	ASSERT_EQ(0, cse_setsockopt(self->t.as, IPPROTO_TCP, TCP_KEEPIDLE,
				    &idle, sizeof(idle)));
	ASSERT_EQ(0, t_trio_move(&self->t));
	end = self->t.clock.now + 35 * CSE_NSEC_PER_SEC;
	while (self->t.clock.now < end)
		t_trio_step(&self->t);
	/* Probes went and were answered: still established, no reset. */
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->t.as));
	ASSERT_EQ(0u, cse_tcp_sk(self->t.as)->keep_probes);
	ASSERT_EQ(0u, t_trio_rsts(&self->t));
}

TEST_F(move, import_refuses_a_tuple_already_taken)
{
	static uint8_t blob[1 << 20];
	struct cse_sock *s;
	ssize_t n = cse_tcp_export(self->t.as, blob, sizeof(blob));

	ASSERT_LT(0, n);
	ASSERT_EQ(-EADDRINUSE, cse_tcp_import(self->t.a, blob, (size_t)n,
					      &s));
	ASSERT_EQ(0, cse_tcp_import(self->t.a2, blob, (size_t)n, &s));
	ASSERT_EQ(-EADDRINUSE, cse_tcp_import(self->t.a2, blob, (size_t)n,
					      &s));
	ASSERT_EQ(-EADDRINUSE, cse_tcp_expect(self->t.a2, T_A_IP, T_PORT,
					      T_B_IP, self->t.bport));
}

TEST_F(move, export_refuses_what_is_not_a_connection)
{
	struct sockaddr_in sin = t_sin(0, 81);
	struct cse_sock *l, *u;
	uint8_t small[64];

	ASSERT_EQ(0, cse_socket(self->t.a, SOCK_STREAM, 0, &l));
	ASSERT_EQ(-ENOTCONN, cse_tcp_export_size(l));
	ASSERT_EQ(0, cse_bind(l, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_listen(l, 1));
	ASSERT_EQ(-ENOTCONN, cse_tcp_export_size(l));
	cse_tcp_export_commit(l);		/* no effect */
	ASSERT_EQ(CSE_TCP_LISTEN, t_tcp_state(l));
	ASSERT_EQ(0, cse_socket(self->t.a, SOCK_DGRAM, 0, &u));
	ASSERT_EQ(-ENOTCONN, cse_tcp_export_size(u));
	ASSERT_EQ(-ENOBUFS, cse_tcp_export(self->t.as, small, sizeof(small)));
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(self->t.as));
	cse_close(l);
	cse_close(u);
}

/* Expectations on one instance and a scripted peer. */
FIXTURE(expect) {
	struct t_env e;
};

FIXTURE_SETUP(expect)
{
	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
}

FIXTURE_TEARDOWN(expect)
{
	t_env_fini(&self->e);
}

static void t_expect_seg(struct t_env *e)
{
	t_tcp_in(e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 8080, .seq = 5000,
		.ack = 7000, .flags = T_ACK, .wnd = 1000, .data = "hi",
		.len = 2 });
}

TEST_F(expect, a_held_tuple_drops_silently_and_counts)
{
	struct cse_stack *st = self->e.st;

	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP,
				    T_PEER_PORT));
	t_expect_seg(&self->e);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(1u, cse_stack_stats(st)->tcp_expect_drop);
	cse_tcp_expect_cancel(st, T_OUR_IP, 8080, T_PEER_IP, T_PEER_PORT);
	t_expect_seg(&self->e);
	ASSERT_EQ(1u, t_pending(&self->e));		/* an RST now */
	ASSERT_EQ(1u, cse_stack_stats(st)->tcp_rst_tx);
}

TEST_F(expect, a_listener_on_the_port_does_not_take_held_segments)
{
	struct cse_stack *st = self->e.st;
	struct cse_sock *l = t_tcp_listener(&self->e, 8080);

	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP,
				    T_PEER_PORT));
	t_expect_seg(&self->e);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(1u, cse_stack_stats(st)->tcp_expect_drop);
}

TEST_F(expect, twice_is_eexist_and_bad_tuples_einval)
{
	struct cse_stack *st = self->e.st;

	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP, 1));
	ASSERT_EQ(-EEXIST, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP, 1));
	ASSERT_EQ(-EINVAL, cse_tcp_expect(st, T_OUR_IP, 0, T_PEER_IP, 1));
	ASSERT_EQ(-EINVAL, cse_tcp_expect(st, T_OUR_IP, 8080, 0, 1));
	cse_tcp_expect_cancel(st, T_OUR_IP, 8080, T_PEER_IP, 1);
	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP, 1));
}

TEST_F(expect, an_existing_connection_is_eaddrinuse)
{
	struct cse_sock *l = t_tcp_listener(&self->e, 80), *c;
	uint32_t iss;

	ASSERT_NE(NULL, l);
	c = t_tcp_accepted(&self->e, l, 80, &iss);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(-EADDRINUSE, cse_tcp_expect(self->e.st, T_OUR_IP, 80,
					      T_PEER_IP, T_PEER_PORT));
	/* The listener alone is no connection. */
	ASSERT_EQ(0, cse_tcp_expect(self->e.st, T_OUR_IP, 80, T_PEER_IP,
				    T_PEER_PORT + 1));
}

TEST_F(expect, the_table_is_bounded)
{
	unsigned int i;

	for (i = 0; i < CSE_TCP_HOLD_MAX; i++)
		ASSERT_EQ(0, cse_tcp_expect(self->e.st, T_OUR_IP, 8080,
					    T_PEER_IP, (uint16_t)(1 + i)));
	ASSERT_EQ(-ENOBUFS, cse_tcp_expect(self->e.st, T_OUR_IP, 8081,
					   T_PEER_IP, 1));
}

TEST_F(expect, an_expectation_expires_after_30_seconds)
{
	struct cse_stack *st = self->e.st;

	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP,
				    T_PEER_PORT));
	t_advance(&self->e, 29 * CSE_NSEC_PER_SEC);
	t_expect_seg(&self->e);
	ASSERT_EQ(0u, t_pending(&self->e));
	t_advance(&self->e, 2 * CSE_NSEC_PER_SEC);
	t_expect_seg(&self->e);
	ASSERT_EQ(1u, cse_stack_stats(st)->tcp_expect_drop);
	ASSERT_EQ(1u, cse_stack_stats(st)->tcp_rst_tx);
	/* Gone: expecting it again is no conflict. */
	ASSERT_EQ(0, cse_tcp_expect(st, T_OUR_IP, 8080, T_PEER_IP,
				    T_PEER_PORT));
}

TEST_HARNESS_MAIN
