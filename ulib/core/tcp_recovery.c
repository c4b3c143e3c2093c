// SPDX-License-Identifier: GPL-2.0
/*
 * Fast retransmit and NewReno fast recovery (RFC 5681 3.2, RFC 6582).
 * The congestion control module decides the windows' new sizes when a
 * loss is seen (cc->on_dupacks); this file decides what to resend and how
 * the window is inflated and deflated while the losses of one window are
 * repaired, one hole per partial ACK.
 */
#include "priv.h"
#include "tcp.h"

static uint32_t cse_tcp_flight(const struct cse_tcp_sock *tp)
{
	return tp->snd_max - tp->snd_una;
}

/* RFC 6582 3.2 step 2-3: enter fast retransmit and recovery. */
static void cse_tcp_enter_recovery(struct cse_tcp_sock *tp)
{
	tp->cc->on_dupacks(tp);
	tp->cwnd += 3 * (uint32_t)tp->mss;	/* the three that left */
	tp->recover = tp->snd_max;
	tp->in_recovery = true;
	cse_tcp_fast_retransmit(tp);
}

void cse_tcp_dupack(struct cse_tcp_sock *tp, uint32_t ack)
{
	tp->dupacks++;
	if (tp->in_recovery) {
		/* Step 4: each one means a segment left the network. */
		tp->cwnd += tp->mss;
		return;
	}
	/* Step 1: not again for losses of a window already repaired. */
	if (tp->dupacks == 3 && cse_seq_lt(tp->recover, ack))
		cse_tcp_enter_recovery(tp);
}

void cse_tcp_recovery_ack(struct cse_tcp_sock *tp, uint32_t acked)
{
	uint32_t flight = cse_tcp_flight(tp);

	if (!cse_seq_lt(tp->snd_una, tp->recover)) {
		/* Step 5, full ACK: back to the halved window. */
		tp->cwnd = tp->ssthresh < flight + tp->mss ? tp->ssthresh :
			   flight + tp->mss;
		tp->in_recovery = false;
		return;
	}
	/*
	 * Partial ACK: the next hole is at snd_una; deflate by what was
	 * acknowledged, keeping one segment for the retransmission.
	 */
	cse_tcp_fast_retransmit(tp);
	tp->cwnd = tp->cwnd > acked ? tp->cwnd - acked : tp->mss;
	if (acked >= tp->mss)
		tp->cwnd += tp->mss;
}

void cse_tcp_recovery_timeout(struct cse_tcp_sock *tp)
{
	/*
	 * RFC 6582 4: duplicate ACKs of what the timeout resends must not
	 * start another fast retransmit.
	 */
	tp->in_recovery = false;
	tp->recover = tp->snd_max;
	tp->dupacks = 0;
}
