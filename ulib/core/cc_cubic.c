// SPDX-License-Identifier: GPL-2.0
/*
 * CUBIC congestion control (RFC 9438), Linux's default. After a
 * congestion event the window follows W_cubic(t) = C (t - K)^3 + W_max
 * (4.2): concave up to the old maximum W_max, flat around it, convex
 * beyond. Below it, the Reno-friendly estimate W_est (4.3) keeps CUBIC
 * at least as fast as Reno on short-RTT paths. Slow start is Reno's
 * (no HyStart). C = 0.4, beta = 0.7, fast convergence on (4.7).
 *
 * Windows are in bytes, as everywhere in tcp_*.c; the formulas' segments
 * become bytes by multiplying with the MSS. Doubles hold the cubic term:
 * plain arithmetic, so no libm; the cube root is Newton's.
 */
#include "priv.h"
#include "tcp.h"

#define CSE_CUBIC_C		0.4
#define CSE_CUBIC_BETA		0.7
/* RFC 9438 4.3: alpha_cubic = 3 (1 - beta) / (1 + beta). */
#define CSE_CUBIC_ALPHA		(3.0 * (1.0 - CSE_CUBIC_BETA) / \
				 (1.0 + CSE_CUBIC_BETA))

struct cse_cubic {
	double w_max;			/* bytes, before the last reduction */
	double w_est;			/* the Reno-friendly window, bytes */
	double k;			/* seconds to regain w_max */
	uint64_t epoch;			/* start of this avoidance epoch */
};

#define CSE_CC_PRIV_SIZE	sizeof(((struct cse_tcp_sock *)0)->cc_priv)
_Static_assert(sizeof(struct cse_cubic) <= CSE_CC_PRIV_SIZE,
	       "CUBIC state must fit cc_priv");

static struct cse_cubic *cse_cubic(struct cse_tcp_sock *tp)
{
	return (struct cse_cubic *)tp->cc_priv;
}

static double cse_cbrt(double a)
{
	double x = a > 1 ? a / 3 : 1;
	int i;

	if (a <= 0)
		return 0;
	for (i = 0; i < 100; i++) {
		double n = (2 * x + a / (x * x)) / 3;

		if (n >= x * (1 - 1e-12) && n <= x * (1 + 1e-12))
			return n;
		x = n;
	}
	return x;
}

static void cse_cubic_init(struct cse_tcp_sock *tp)
{
	*cse_cubic(tp) = (struct cse_cubic){ 0 };
	tp->cwnd = 10 * (uint32_t)tp->mss;
	tp->ssthresh = UINT32_MAX;
}

/* RFC 9438 4.2: a new epoch starts with the first ACK after an event. */
static void cse_cubic_epoch(struct cse_tcp_sock *tp, struct cse_cubic *c,
			    uint64_t now)
{
	c->epoch = now;
	c->w_est = tp->cwnd;
	if (c->w_max > tp->cwnd) {
		c->k = cse_cbrt((c->w_max - tp->cwnd) / tp->mss /
				CSE_CUBIC_C);
	} else {
		c->k = 0;
		c->w_max = tp->cwnd;
	}
}

static void cse_cubic_set(struct cse_tcp_sock *tp, double w)
{
	tp->cwnd = w > UINT32_MAX / 2 ? UINT32_MAX / 2 : (uint32_t)w;
}

static void cse_cubic_on_ack(struct cse_tcp_sock *tp, uint32_t acked)
{
	struct cse_cubic *c = cse_cubic(tp);
	uint64_t now = cse_now(tp->sk.st);
	double t, target, w;

	acked = cse_tcp_slow_start(tp, acked);	/* as Reno */
	if (!acked)
		return;
	if (!c->epoch)
		cse_cubic_epoch(tp, c, now);
	/* 4.2: aim at W_cubic one RTT ahead, within [cwnd, 1.5 cwnd]. */
	t = (double)(now - c->epoch + tp->srtt) / 1e9 - c->k;
	target = c->w_max + CSE_CUBIC_C * t * t * t * tp->mss;
	if (target < tp->cwnd)
		target = tp->cwnd;
	if (target > 1.5 * tp->cwnd)
		target = 1.5 * tp->cwnd;
	/* 4.3: W_est grows by alpha segments per window acknowledged. */
	c->w_est += CSE_CUBIC_ALPHA * tp->mss * acked / tp->cwnd;
	if (target < c->w_est)
		w = c->w_est;			/* Reno-friendly region */
	else
		w = tp->cwnd + (target - tp->cwnd) * acked / tp->cwnd;
	cse_cubic_set(tp, w > tp->cwnd ? w : tp->cwnd);
}

/*
 * 4.6, 4.7: remember W_max (lower with fast convergence), and ssthresh
 * beta of cwnd, as Linux's cubictcp_recalc_ssthresh() (the RFC allows
 * cwnd for the flight; cwnd only grew while it was used, cc.c).
 */
static void cse_cubic_on_loss(struct cse_tcp_sock *tp)
{
	struct cse_cubic *c = cse_cubic(tp);
	double ss;

	if (tp->cwnd < c->w_max)
		c->w_max = tp->cwnd * (1.0 + CSE_CUBIC_BETA) / 2;
	else
		c->w_max = tp->cwnd;
	c->epoch = 0;
	ss = tp->cwnd * CSE_CUBIC_BETA + 0.5;	/* rounded, not cut */
	tp->ssthresh = ss > 2.0 * tp->mss ? (uint32_t)ss : 2u * tp->mss;
}

/*
 * 4.8: after a timeout the window starts again from one segment in slow
 * start; the curve of the old epoch is forgotten (Linux's bictcp_reset()
 * on TCP_CA_Loss), so the next loss sets W_max afresh.
 */
static void cse_cubic_on_timeout(struct cse_tcp_sock *tp)
{
	*cse_cubic(tp) = (struct cse_cubic){ 0 };
}

const struct cse_tcp_cc_ops cse_tcp_cubic = {
	.name = "cubic",
	.init = cse_cubic_init,
	.on_ack = cse_cubic_on_ack,
	.on_loss = cse_cubic_on_loss,
	.on_timeout = cse_cubic_on_timeout,
};
