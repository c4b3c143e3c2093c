// SPDX-License-Identifier: GPL-2.0
/*
 * Receive buffer autotuning, in the manner of Linux's dynamic right-sizing:
 * once per receiver RTT, if the application read more than half the ring
 * in that time, the sender is being held back by our window, so the ring
 * grows to twice what was read. It never passes tcp_rmem_max, what the
 * agreed window scale can advertise, nor the instance's memory bound
 * (the ring is charged to it; a failed charge keeps the old ring). An
 * application that set SO_RCVBUF keeps exactly what it asked for.
 *
 * The RTT comes from timestamps: a data segment's TSecr echoes the TSval
 * of the ACK that let it be sent. Without timestamps the sender's srtt
 * stands in, when this side sends data too; else nothing grows.
 */
#include "priv.h"
#include "tcp.h"

void cse_tcp_rcv_rtt_sample(struct cse_tcp_sock *tp,
			    const struct cse_tcp_seg *seg)
{
	uint32_t ticks;
	uint64_t rtt;

	if (!tp->ts_on || !seg->opt.has_ts || !seg->opt.tsecr || !seg->len)
		return;
	ticks = cse_tcp_ts_now(tp) - seg->opt.tsecr;
	if ((int32_t)ticks < 0 || ticks > 3600 * 1000)
		return;
	rtt = (ticks ? ticks : 1) * CSE_NSEC_PER_MSEC;
	/* Smoothed as srtt is (RFC 6298's 1/8), the first sample as is. */
	tp->rcv_rtt = tp->rcv_rtt ? tp->rcv_rtt - tp->rcv_rtt / 8 + rtt / 8 :
		      rtt;
}

/* The largest ring the window field and the limits allow. */
static uint32_t cse_tcp_rcvbuf_max(const struct cse_tcp_sock *tp)
{
	uint32_t max = tp->sk.st->cfg.tcp_rmem_max / 2;
	uint32_t wmax = 65535u << tp->rcv_wscale;

	return max < wmax ? max : wmax;
}

/*
 * Send-buffer autotuning, as Linux's tcp_sndbuf_expand(): unless SO_SNDBUF
 * was set, the buffer holds two congestion windows (one in flight, one
 * being written), up to tcp_wmem_max. It only grows after a write found it
 * full, so an idle or slow writer costs nothing.
 */
void cse_tcp_sndbuf_tune(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;
	uint32_t max = st->cfg.tcp_wmem_max / 2, want;

	if (tp->sk.sndbuf_locked || !tp->sndbuf.buf)
		return;
	want = tp->cwnd > max / 2 ? max : 2 * tp->cwnd;
	if (!tp->sndbuf_limited || want <= tp->sndbuf.cap)
		return;
	tp->sndbuf_limited = false;
	if (!cse_ring_resize(&st->mem, &tp->sndbuf, want))
		tp->sk.sndbuf = 2 * want;	/* SO_SNDBUF reports it */
}

void cse_tcp_rcvbuf_tune(struct cse_tcp_sock *tp, uint32_t n)
{
	struct cse_stack *st = tp->sk.st;
	uint64_t now = cse_now(st), rtt = tp->rcv_rtt ? tp->rcv_rtt : tp->srtt;
	uint32_t want, max;

	tp->rcvq_copied += n;
	if (tp->sk.rcvbuf_locked || !rtt || now - tp->rcvq_start < rtt)
		return;
	want = tp->rcvq_copied > UINT32_MAX / 2 ? UINT32_MAX :
	       2 * tp->rcvq_copied;
	tp->rcvq_start = now;
	tp->rcvq_copied = 0;
	max = cse_tcp_rcvbuf_max(tp);
	if (want > max)
		want = max;
	if (want <= tp->rcvbuf.cap ||
	    cse_ring_resize(&st->mem, &tp->rcvbuf, want))
		return;
	tp->sk.rcvbuf = 2 * want;	/* SO_RCVBUF reports the growth */
}
