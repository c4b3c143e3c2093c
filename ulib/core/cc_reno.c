// SPDX-License-Identifier: GPL-2.0
/*
 * Reno congestion control (RFC 5681): slow start below ssthresh, one
 * segment per round trip above it, half the window on a loss; the caller
 * restarts from one segment on a timeout. The initial window is ten segments, as
 * Linux's (RFC 6928).
 */
#include "tcp.h"

static void cse_reno_init(struct cse_tcp_sock *tp)
{
	tp->cwnd = 10 * (uint32_t)tp->mss;
	tp->ssthresh = UINT32_MAX;
}

/*
 * Slow start by the bytes acknowledged (RFC 3465; Linux's tcp_slow_start():
 * no limit L, up to ssthresh), the rest in congestion avoidance: one MSS
 * per window of bytes acknowledged (RFC 5681 (3), by bytes as Linux's
 * tcp_cong_avoid_ai(), so delayed ACKs do not halve it).
 */
static void cse_reno_on_ack(struct cse_tcp_sock *tp, uint32_t acked)
{
	uint32_t inc;

	acked = cse_tcp_slow_start(tp, acked);
	if (!acked)
		return;
	inc = (uint32_t)((uint64_t)tp->mss * acked / tp->cwnd);
	if (tp->cwnd <= UINT32_MAX - (inc ? inc : 1))
		tp->cwnd += inc ? inc : 1;
}

/* Half the window, at least two segments (Linux's tcp_reno_ssthresh()). */
static void cse_reno_on_loss(struct cse_tcp_sock *tp)
{
	uint32_t half = tp->cwnd / 2;

	tp->ssthresh = half > 2u * tp->mss ? half : 2u * tp->mss;
}

const struct cse_tcp_cc_ops cse_tcp_reno = {
	.name = "reno",
	.init = cse_reno_init,
	.on_ack = cse_reno_on_ack,
	.on_loss = cse_reno_on_loss,
};
