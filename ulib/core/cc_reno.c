// SPDX-License-Identifier: GPL-2.0
/*
 * Reno congestion control (RFC 5681): slow start below ssthresh, one
 * segment per round trip above it, halve on three duplicate ACKs, restart
 * from one segment on a timeout. The initial window is ten segments, as
 * Linux's (RFC 6928).
 */
#include "tcp.h"

static uint32_t cse_reno_flight(const struct cse_tcp_sock *tp)
{
	return tp->snd_max - tp->snd_una;
}

static void cse_reno_init(struct cse_tcp_sock *tp)
{
	tp->cwnd = 10 * (uint32_t)tp->mss;
	tp->ssthresh = UINT32_MAX;
}

static void cse_reno_on_ack(struct cse_tcp_sock *tp, uint32_t acked)
{
	uint32_t inc;

	if (tp->cwnd < tp->ssthresh)	/* slow start: RFC 5681 (2) */
		inc = acked < tp->mss ? acked : tp->mss;
	else				/* congestion avoidance: (3) */
		inc = (uint32_t)((uint64_t)tp->mss * tp->mss / tp->cwnd);
	if (tp->cwnd <= UINT32_MAX - (inc ? inc : 1))
		tp->cwnd += inc ? inc : 1;
}

/* RFC 5681 (4): half the flight, at least two segments. */
static void cse_reno_halve(struct cse_tcp_sock *tp)
{
	uint32_t half = cse_reno_flight(tp) / 2;

	tp->ssthresh = half > 2u * tp->mss ? half : 2u * tp->mss;
}

static void cse_reno_on_dupacks(struct cse_tcp_sock *tp)
{
	cse_reno_halve(tp);
	tp->cwnd = tp->ssthresh;
}

static void cse_reno_on_timeout(struct cse_tcp_sock *tp)
{
	cse_reno_halve(tp);
	tp->cwnd = tp->mss;		/* RFC 5681 (5): loss window */
}

const struct cse_tcp_cc_ops cse_tcp_reno = {
	.name = "reno",
	.init = cse_reno_init,
	.on_ack = cse_reno_on_ack,
	.on_dupacks = cse_reno_on_dupacks,
	.on_timeout = cse_reno_on_timeout,
};
