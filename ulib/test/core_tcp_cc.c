// SPDX-License-Identifier: GPL-2.0
/*
 * Congestion control behind its ops table: TCP_CONGESTION as Linux has it
 * (CUBIC the default, Reno by name, ENOENT for an unknown one), and
 * CUBIC's window curve (RFC 9438) driven directly on a fake clock.
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

/* A loss with @flight bytes out, at window @cwnd. */
static void t_loss(struct cse_tcp_sock *tp, uint32_t cwnd, uint32_t flight)
{
	tp->cwnd = cwnd;
	tp->snd_una = 1;
	tp->snd_max = 1 + flight;
	tp->cc->on_dupacks(tp);
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

TEST_F(cc, cubic_reduces_to_seven_tenths_of_the_flight)
{
	struct cse_tcp_sock *tp = t_cubic(self);

	ASSERT_NE(NULL, tp);
	ASSERT_EQ(10000u, tp->cwnd);
	tp->cc->on_ack(tp, 1000);		/* slow start as Reno */
	ASSERT_EQ(11000u, tp->cwnd);
	t_loss(tp, 20000, 20000);
	ASSERT_EQ(14000u, tp->ssthresh);	/* beta 0.7 (4.6) */
	ASSERT_EQ(14000u, tp->cwnd);
	tp->snd_max = tp->snd_una + 10000;
	tp->cc->on_timeout(tp);
	ASSERT_EQ(7000u, tp->ssthresh);
	ASSERT_EQ(1000u, tp->cwnd);		/* 4.8 */
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

TEST_HARNESS_MAIN
