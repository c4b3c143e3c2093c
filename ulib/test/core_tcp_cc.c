// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control behind its ops table: TCP_CONGESTION as Linux has it
 * (CUBIC the default, Reno by name, ENOENT for an unknown one), and
 * CUBIC's window curve (RFC 9438) driven directly on a fake clock, and
 * the window during SACK recovery (RFC 6937) driven ACK by ACK.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"

#include <netinet/tcp.h>

T_STACK_FIXTURE(cc)

static struct cse_sock *t_tcp(FIXTURE_DATA(cc) *self)
{
	struct cse_sock *s;

	return cse_socket(self->e.st, SOCK_STREAM, 0, &s) ? NULL : s;
}

TEST_F(cc, cubic_is_the_default_and_reno_can_be_chosen)
{
	struct cse_sock *s = t_tcp(self);
	char name[CSE_TCP_CA_NAME_MAX];
	socklen_t len = sizeof(name);

	ASSERT_NE(NULL, s);
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name,
				    &len));
	ASSERT_EQ(sizeof(name), len);
	ASSERT_STREQ("cubic", name);
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION, "reno",
				    4));
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, name,
				    &len));
	ASSERT_STREQ("reno", name);
	ASSERT_EQ(&cse_tcp_reno, cse_tcp_sk(s)->cc);
}

TEST_F(cc, unknown_algorithm_is_enoent_and_changes_nothing)
{
	struct cse_sock *s = t_tcp(self);

	ASSERT_NE(NULL, s);
	ASSERT_EQ(-ENOENT, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION,
					  "bbr", 3));
	/* The length counts, not a NUL: "renoX" cut to 4 is not "reno". */
	ASSERT_EQ(-ENOENT, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION,
					  "cubicle", 7));
	ASSERT_EQ(0, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION,
				    "renoX", 4));
	ASSERT_EQ(-EINVAL, cse_setsockopt(s, IPPROTO_TCP, TCP_CONGESTION,
					  "reno", 0));
	ASSERT_EQ(&cse_tcp_reno, cse_tcp_sk(s)->cc);
}

TEST_F(cc, udp_socket_has_no_tcp_congestion)
{
	struct cse_sock *u;

	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &u));
	ASSERT_EQ(-ENOPROTOOPT, cse_setsockopt(u, IPPROTO_TCP,
					       TCP_CONGESTION, "reno", 4));
}

TEST_F(cc, accepted_connection_inherits_the_listeners_choice)
{
	struct cse_sock *l, *c;
	uint32_t iss;

	t_env_fini(&self->e);
	t_env_config(&self->e);
	ASSERT_EQ(0, t_tcp_env_start(&self->e));
	l = t_tcp_listener(&self->e, 80);
	ASSERT_NE(NULL, l);
	ASSERT_EQ(0, cse_setsockopt(l, IPPROTO_TCP, TCP_CONGESTION, "reno",
				    4));
	c = t_tcp_accepted(&self->e, l, 80, &iss);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(&cse_tcp_reno, cse_tcp_sk(c)->cc);
}

/* A CUBIC control block with 1000-byte segments, 100 ms RTT. */
static struct cse_tcp_sock *t_cubic(FIXTURE_DATA(cc) *self)
{
	struct cse_sock *s = t_tcp(self);
	struct cse_tcp_sock *tp;

	if (!s)
		return NULL;
	tp = cse_tcp_sk(s);
	tp->mss = 1000;
	tp->srtt = 100 * CSE_NSEC_PER_MSEC;
	tp->cc->init(tp);
	return tp;
}

/* A loss with @flight bytes out, at window @cwnd; cwnd cut at once. */
static void t_loss(struct cse_tcp_sock *tp, uint32_t cwnd, uint32_t flight)
{
	tp->cwnd = cwnd;
	tp->snd_una = 1;
	tp->snd_max = 1 + flight;
	cse_tcp_cc_cut(tp);
	tp->snd_max = tp->snd_una;
}

/* A whole window acknowledged per RTT, for @rtts round trips. */
static void t_rtts(FIXTURE_DATA(cc) *self, struct cse_tcp_sock *tp,
		   unsigned int rtts)
{
	while (rtts--) {
		self->e.clock.now += 100 * CSE_NSEC_PER_MSEC;
		tp->cc->on_ack(tp, tp->cwnd);
	}
}

TEST_F(cc, cubic_reduces_to_seven_tenths_of_the_window)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	ASSERT_EQ(10000u, tp->cwnd);
	tp->cc->on_ack(tp, 1000);		/* slow start as Reno */
	ASSERT_EQ(11000u, tp->cwnd);
	/* Of cwnd, not of the flight, as Linux's (cwnd grew only in use). */
	t_loss(tp, 20000, 12000);
	ASSERT_EQ(14000u, tp->ssthresh);	/* beta 0.7 (4.6) */
	ASSERT_EQ(14000u, tp->cwnd);
	/* A first timeout takes 0.7 again, leaves one segment (4.8). */
	tp->retries = 1;
	cse_tcp_timeout_cwnd(tp);
	ASSERT_EQ(9800u, tp->ssthresh);
	ASSERT_EQ(1000u, tp->cwnd);
	/* Back to back: ssthresh stays, or it would become two segments. */
	tp->retries = 2;
	cse_tcp_timeout_cwnd(tp);
	ASSERT_EQ(9800u, tp->ssthresh);
	ASSERT_EQ(1000u, tp->cwnd);
}

/* RFC 3465, Linux's tcp_slow_start(): by bytes, up to ssthresh. */
TEST_F(cc, slow_start_counts_bytes_and_stops_at_ssthresh)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	tp->cc->on_ack(tp, 2000);		/* a delayed ACK: two MSS */
	ASSERT_EQ(12000u, tp->cwnd);
	tp->ssthresh = 13000;
	tp->cc->on_ack(tp, 4000);		/* 1000 to ssthresh, rest CA */
	ASSERT_LE(13000u, tp->cwnd);
	ASSERT_GT(13500u, tp->cwnd);
	tp->cc = cse_tcp_cc_find("reno");
	tp->cwnd = 10000;
	tp->ssthresh = 10000;
	tp->cc->on_ack(tp, 2000);		/* CA by bytes: 1000 * 2000 / 10000 */
	ASSERT_EQ(10200u, tp->cwnd);
}

/*
 * RFC 9438 4.2: from 0.7 W_max the window climbs back concave, reaches
 * W_max after K = cbrt(W_max (1 - beta) / C) (9.09 s for 1000 segments),
 * then probes beyond it convex.
 */
TEST_F(cc, cubic_window_follows_the_cubic_curve_around_w_max)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	t_loss(tp, 1000000, 1000000);
	ASSERT_EQ(700000u, tp->cwnd);
	t_rtts(self, tp, 45);			/* K / 2 */
	ASSERT_LT(940000u, tp->cwnd);		/* W_cubic: about 962 000 */
	ASSERT_GT(980000u, tp->cwnd);
	t_rtts(self, tp, 46);			/* K */
	ASSERT_LT(990000u, tp->cwnd);
	ASSERT_GT(1010000u, tp->cwnd);
	t_rtts(self, tp, 91);			/* 2 K: W_max + 300 segments */
	ASSERT_LT(1250000u, tp->cwnd);
}

/* 4.7: a loss below the last W_max lowers W_max further (releases). */
TEST_F(cc, cubic_fast_convergence_lowers_w_max)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	t_loss(tp, 1000000, 1000000);
	t_loss(tp, 800000, 800000);		/* before regaining W_max */
	ASSERT_EQ(560000u, tp->cwnd);
	/*
	 * W_max is 0.85 * 800 000 = 680 000, so K = cbrt(300) = 6.7 s and
	 * the window is back near 680 000 then; with W_max at 800 000 it
	 * would be near 798 000.
	 */
	t_rtts(self, tp, 67);
	ASSERT_LT(670000u, tp->cwnd);
	ASSERT_GT(700000u, tp->cwnd);
}

/* 4.3: with a small W_max the Reno-friendly estimate leads. */
TEST_F(cc, cubic_is_at_least_as_fast_as_reno_on_small_windows)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	t_loss(tp, 20000, 20000);
	t_rtts(self, tp, 20);
	/* W_est: 14 000 + 20 * 0.53 segments, about 24 600. */
	ASSERT_LE(24000u, tp->cwnd);
}

/*
 * RFC 6937: twenty segments out (prior cwnd 20), the first lost, ssthresh
 * 10; the peer SACKs the rest one per ACK. PRR lets one segment go per
 * two ACKs from the start, so the flight comes down to ssthresh evenly;
 * cwnd cut to ssthresh at once (RFC 6675 alone) would send nothing for
 * the first half of the round trip and then one per ACK. Segments "sent"
 * here extend the flight as sack_send's would.
 */
TEST_F(cc, prr_sends_in_proportion_while_pipe_is_above_ssthresh)
{
	struct cse_sock *s = t_tcp(self);
	struct cse_tcp_sock *tp;
	unsigned int k, sent = 0, sent_first_half = 0;

	ASSERT_NE(NULL, s);
	tp = cse_tcp_sk(s);
	tp->mss = 1000;
	tp->sack_ok = true;
	tp->in_recovery = true;
	tp->snd_una = 1;
	tp->snd_max = tp->snd_nxt = 1 + 20000;
	tp->prior_cwnd = 20000;
	tp->ssthresh = 10000;
	tp->high_rxt = 1 + 1000;	/* the lost one resent on entry */
	tp->prr_out = 1000;
	tp->prr_delivered = 0;
	for (k = 3; k < 20; k++) {
		tp->sb[0][0] = 1 + 1000;
		tp->sb[0][1] = 1 + 1000 * (k + 1);
		tp->sb_n = 1;
		tp->delivered = 1000;
		cse_tcp_prr_ack(tp, false);
		while (cse_tcp_sb_pipe(tp) + tp->mss <= tp->cwnd) {
			tp->snd_max += 1000;
			tp->snd_nxt = tp->snd_max;
			tp->prr_out += 1000;
			sent++;
		}
		if (k < 11)
			sent_first_half = sent;
	}
	/*
	 * 8 ACKs while pipe was above ssthresh: 4 segments, half of what
	 * they delivered: the retransmission and 3 new ones.
	 */
	ASSERT_EQ(3u, sent_first_half);
	/* 17 delivered: the flight ends at ssthresh, no runts, no burst. */
	ASSERT_EQ(10000u, cse_tcp_sb_pipe(tp));
	ASSERT_GE(9u, sent);
}

TEST_HARNESS_MAIN
