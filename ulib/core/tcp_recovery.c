// SPDX-License-Identifier: GPL-2.0
/*
 * Fast retransmit and fast recovery: NewReno (RFC 5681 3.2, RFC 6582)
 * when the peer does not SACK, RFC 6675 when it does. The congestion
 * control module decides ssthresh when a loss is seen (cc->on_loss);
 * this file decides cwnd during recovery and what to resend. NewReno
 * inflates and deflates the window and repairs one hole per partial ACK;
 * with SACK, "pipe" (tcp_sb.c, or RACK's map) counts what is in the
 * network and proportional rate reduction (RFC 6937) sets cwnd on each
 * ACK, so every hole the scoreboard shows lost is resent as soon as the
 * window allows, several in one round trip, while the flight comes down
 * to ssthresh evenly.
 */
#include "priv.h"
#include "tcp.h"

static uint32_t cse_tcp_flight(const struct cse_tcp_sock *tp)
{
	return tp->snd_max - tp->snd_una;
}

/*
 * RFC 6937 with SACK: ssthresh now, cwnd per ACK from what it delivered
 * (cse_tcp_prr_ack()). Until the first such ACK cwnd stays as it was, as
 * Linux's tcp_init_cwnd_reduction(): on the reordering timer, what RACK
 * marked goes at once, since the lost segments left pipe.
 */
static void cse_tcp_prr_start(struct cse_tcp_sock *tp)
{
	tp->sk.st->stats.tcp_recoveries++;
	tp->cc->on_loss(tp);
	tp->recover = tp->snd_max;
	tp->in_recovery = true;
	tp->prior_cwnd = tp->cwnd;
	tp->prr_delivered = 0;
	tp->prr_out = 0;
}

/* RFC 6582 3.2 step 2-3: enter fast retransmit and recovery. */
static void cse_tcp_enter_recovery(struct cse_tcp_sock *tp)
{
	if (tp->sack_ok) {
		/* RFC 6675 5 step (4.2); step (C) when the ACK is taken. */
		cse_tcp_prr_start(tp);
		tp->prr_out = cse_tcp_fast_retransmit(tp);
		tp->high_rxt = tp->snd_una + tp->prr_out;
		return;
	}
	tp->sk.st->stats.tcp_recoveries++;
	tp->cc->on_loss(tp);
	tp->recover = tp->snd_max;
	tp->in_recovery = true;
	tp->cwnd = tp->ssthresh + 3 * (uint32_t)tp->mss; /* the three that left */
	cse_tcp_fast_retransmit(tp);
}

/*
 * RFC 8985: RACK marked a loss; recovery resends what it marked, the
 * first loss whatever pipe says (as RFC 6675 step (4.2)), the rest as
 * cwnd allows when the caller sends.
 */
void cse_tcp_rack_recover(struct cse_tcp_sock *tp)
{
	uint32_t seq, len;

	if (tp->in_recovery)
		return;
	cse_tcp_prr_start(tp);
	tp->high_rxt = tp->snd_una;
	if (cse_tcp_rack_next_lost(tp, &seq, &len)) {
		len = cse_tcp_retransmit_range(tp, seq, len);
		if (len)
			tp->high_rxt = seq + len;
		tp->prr_out += len;
	}
}

/*
 * RFC 6937 3 (PRR-SSRB), as Linux's tcp_cwnd_reduction(): while pipe is
 * above ssthresh, send in proportion to what the ACKs deliver, so that
 * the flight comes down to ssthresh evenly over the round trip instead of
 * stopping dead; once pipe is below it, grow back toward ssthresh at most
 * one MSS faster than deliveries (slow start), so a burst of losses does
 * not leave the window empty. Windows in bytes.
 */
void cse_tcp_prr_ack(struct cse_tcp_sock *tp, bool una_moved)
{
	uint32_t pipe, limit;
	int64_t sndcnt;

	if (!tp->in_recovery || !tp->sack_ok || tp->rto_recovery ||
	    !tp->delivered || !tp->prior_cwnd)
		return;
	tp->prr_delivered += tp->delivered;
	pipe = cse_tcp_rack_active(tp) ? cse_tcp_rack_pipe(tp) :
	       cse_tcp_sb_pipe(tp);
	if (pipe > tp->ssthresh) {
		sndcnt = (int64_t)(((uint64_t)tp->ssthresh *
				    tp->prr_delivered + tp->prior_cwnd - 1) /
				   tp->prior_cwnd) - tp->prr_out;
	} else {
		limit = tp->prr_delivered > tp->prr_out ?
			tp->prr_delivered - tp->prr_out : 0;
		if (limit < tp->delivered)
			limit = tp->delivered;
		if (una_moved)
			limit += tp->mss;
		sndcnt = tp->ssthresh - pipe < limit ? tp->ssthresh - pipe :
			 limit;
	}
	if (sndcnt < 0)
		sndcnt = 0;
	tp->cwnd = pipe + (uint32_t)sndcnt;
}

/*
 * RFC 6675 5 step (C), with pipe and the lost segments from RACK's send
 * map when it follows the flight, else from the scoreboard. What goes
 * counts as PRR's prr_out.
 */
void cse_tcp_sack_send(struct cse_tcp_sock *tp)
{
	bool rack = cse_tcp_rack_active(tp);
	uint32_t pipe = rack ? cse_tcp_rack_pipe(tp) : cse_tcp_sb_pipe(tp);
	uint32_t seq, len, sent;

	while (pipe + tp->mss <= tp->cwnd) {
		uint32_t room = tp->snd_una + tp->snd_wnd - tp->snd_nxt;
		uint32_t nxt = tp->snd_nxt;

		if (rack ? cse_tcp_rack_next_lost(tp, &seq, &len) :
		    cse_tcp_sb_next_lost(tp, &seq, &len)) {
			len = cse_tcp_retransmit_range(tp, seq, len);
			if (!len)
				break;
			tp->high_rxt = seq + len;
			sent = len;
		} else {
			/* Rule 2: new data, as far as the peer's window allows. */
			if ((int32_t)room <= 0 ||
			    !cse_tcp_send_new(tp, room < tp->mss ? room :
					      tp->mss))
				break;
			sent = tp->snd_nxt - nxt;
		}
		pipe += sent;
		tp->prr_out += sent;
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

	if (tp->rto_recovery && cse_tcp_cwnd_limited(tp))
		tp->cc->on_ack(tp, acked);	/* slow start after a timeout */
	if (!cse_seq_lt(tp->snd_una, tp->recover)) {
		/*
		 * Step 5, full ACK: back to the reduced window; with SACK
		 * PRR brought the flight there, and cwnd is ssthresh, as
		 * Linux's tcp_end_cwnd_reduction().
		 */
		if (tp->sack_ok && !tp->rto_recovery)
			tp->cwnd = tp->ssthresh;
		else if (!tp->rto_recovery)
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
