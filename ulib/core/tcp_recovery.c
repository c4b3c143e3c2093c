// SPDX-License-Identifier: GPL-2.0
/*
 * Fast retransmit and fast recovery: NewReno (RFC 5681 3.2, RFC 6582)
 * when the peer does not SACK, RFC 6675 when it does. The congestion
 * control module decides the windows' new sizes when a loss is seen
 * (cc->on_dupacks); this file decides what to resend. NewReno inflates
 * and deflates the window and repairs one hole per partial ACK; with
 * SACK, cwnd stays at ssthresh and "pipe" (tcp_sb.c) counts what is in
 * the network, so every hole the scoreboard shows lost is resent as soon
 * as the window allows, several in one round trip.
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
	tp->recover = tp->snd_max;
	tp->in_recovery = true;
	if (tp->sack_ok) {
		/* RFC 6675 5 step (4.2), then step (C) for the rest. */
		tp->high_rxt = tp->snd_una + cse_tcp_fast_retransmit(tp);
		cse_tcp_sack_send(tp);
		return;
	}
	tp->cwnd += 3 * (uint32_t)tp->mss;	/* the three that left */
	cse_tcp_fast_retransmit(tp);
}

/* RFC 8985: RACK marked a loss; recovery resends what it marked. */
void cse_tcp_rack_recover(struct cse_tcp_sock *tp)
{
	uint32_t seq, len;

	if (tp->in_recovery)
		return;
	tp->cc->on_dupacks(tp);
	tp->recover = tp->snd_max;
	tp->in_recovery = true;
	tp->high_rxt = tp->snd_una;
	/* As RFC 6675 step (4.2): the first loss goes whatever pipe says. */
	if (cse_tcp_rack_next_lost(tp, &seq, &len)) {
		len = cse_tcp_retransmit_range(tp, seq, len);
		if (len)
			tp->high_rxt = seq + len;
	}
	cse_tcp_sack_send(tp);
}

/*
 * RFC 6675 5 step (C), with pipe and the lost segments from RACK's send
 * map when it follows the flight, else from the scoreboard.
 */
void cse_tcp_sack_send(struct cse_tcp_sock *tp)
{
	bool rack = cse_tcp_rack_active(tp);
	uint32_t pipe = rack ? cse_tcp_rack_pipe(tp) : cse_tcp_sb_pipe(tp);
	uint32_t seq, len;

	while (pipe + tp->mss <= tp->cwnd) {
		uint32_t room = tp->snd_una + tp->snd_wnd - tp->snd_nxt;
		uint32_t nxt = tp->snd_nxt;

		if (rack ? cse_tcp_rack_next_lost(tp, &seq, &len) :
		    cse_tcp_sb_next_lost(tp, &seq, &len)) {
			len = cse_tcp_retransmit_range(tp, seq, len);
			if (!len)
				break;
			tp->high_rxt = seq + len;
			pipe += len;
			continue;
		}
		/* Rule 2: new data, as far as the peer's window allows. */
		if ((int32_t)room <= 0 || !cse_tcp_send_new(tp, room < tp->mss ?
							    room : tp->mss))
			break;
		pipe += tp->snd_nxt - nxt;
	}
}

void cse_tcp_dupack(struct cse_tcp_sock *tp, uint32_t ack)
{
	tp->dupacks++;
	if (tp->in_recovery) {
		/* Step 4: each one means a segment left the network. */
		if (!tp->sack_ok)
			tp->cwnd += tp->mss;
		return;
	}
	/* RFC 8985: RACK, not the count of duplicates, finds losses. */
	if (cse_tcp_rack_active(tp))
		return;
	/*
	 * Step 1: not again for losses of a window already repaired. With
	 * SACK, RFC 6675 5: also as soon as the board shows snd_una lost.
	 */
	if ((tp->dupacks == 3 ||
	     (tp->sack_ok && cse_tcp_sb_lost(tp, tp->snd_una))) &&
	    cse_seq_lt(tp->recover, ack))
		cse_tcp_enter_recovery(tp);
}

void cse_tcp_recovery_ack(struct cse_tcp_sock *tp, uint32_t acked)
{
	uint32_t flight = cse_tcp_flight(tp);

	if (tp->rto_recovery)		/* slow start after a timeout */
		tp->cc->on_ack(tp, acked);
	if (!cse_seq_lt(tp->snd_una, tp->recover)) {
		/* Step 5, full ACK: back to the halved window. */
		if (!tp->rto_recovery)
			tp->cwnd = tp->ssthresh < flight + tp->mss ?
				   tp->ssthresh : flight + tp->mss;
		tp->in_recovery = false;
		tp->rto_recovery = false;
		cse_tcp_rack_recovery_done(tp);
		return;
	}
	if (tp->sack_ok)	/* RFC 6675: pipe will say what to send */
		return;
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
	tp->rto_recovery = false;
	tp->recover = tp->snd_max;
	tp->dupacks = 0;
	tp->tlp_out = false;
	/* RFC 2018 8: the peer may have dropped what it SACKed. */
	cse_tcp_sb_clear(tp);
	if (cse_tcp_rack_active(tp)) {
		/*
		 * RFC 8985 6.3, as Linux's loss state: all not SACKed is
		 * lost and is resent from the map as the window opens;
		 * RACK keeps finding losses among those resends.
		 */
		cse_tcp_rack_timeout(tp);
		tp->in_recovery = true;
		tp->rto_recovery = true;
	}
}
