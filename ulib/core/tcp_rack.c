// SPDX-License-Identifier: GPL-2.0
/*
 * RACK (RFC 8985 6): time-based loss detection. The send map keeps, for
 * each segment in flight, its sequence range, when it last left and
 * whether it was SACKed, deemed lost or resent. A segment is lost once a
 * segment sent after it was delivered and a reordering window has passed
 * since that delivery would have been due; a retransmission is a new
 * send, so a lost retransmission is found the same way, without waiting
 * for a timeout.
 *
 * The map is a ring of CSE_TCP_RS_MAX segments in sequence order. When
 * it cannot follow the flight (full, or a send it did not see), RACK
 * stands aside until the flight drains and RFC 6675's scoreboard rules
 * (tcp_sb.c) decide alone. SACK information comes from the scoreboard
 * after it took the ACK's blocks.
 */
#include "priv.h"
#include "tcp.h"

#define CSE_TCP_DUPTHRESH	3

static struct cse_tcp_rseg *cse_tcp_rs(struct cse_tcp_sock *tp,
				       unsigned int i)
{
	return &tp->rs[(tp->rs_head + i) % CSE_TCP_RS_MAX];
}

static const struct cse_tcp_rseg *cse_tcp_rs_c(const struct cse_tcp_sock *tp,
					       unsigned int i)
{
	return &tp->rs[(tp->rs_head + i) % CSE_TCP_RS_MAX];
}

void cse_tcp_rack_init(struct cse_tcp_sock *tp)
{
	tp->rs_head = tp->rs_n = 0;
	tp->rs_broken = false;
	tp->rack = (struct cse_tcp_rack){ .reo_mult = 1 };
	tp->tlp_out = false;
	tp->rto_recovery = false;
}

bool cse_tcp_rack_active(const struct cse_tcp_sock *tp)
{
	if (!tp->sack_ok || !(tp->sk.st->cfg.tcp_recovery & 1) ||
	    tp->rs_broken)
		return false;
	if (!tp->rs_n)
		return tp->snd_una == tp->snd_max;
	return !cse_seq_lt(tp->snd_una, cse_tcp_rs_c(tp, 0)->seq) &&
	       cse_tcp_rs_c(tp, tp->rs_n - 1)->end == tp->snd_max;
}

void cse_tcp_rack_sent(struct cse_tcp_sock *tp, uint32_t seq, uint32_t end)
{
	uint64_t now = cse_now(tp->sk.st);
	struct cse_tcp_rseg *e;
	unsigned int i;

	if (!cse_seq_lt(seq, end) || !tp->sack_ok ||
	    !(tp->sk.st->cfg.tcp_recovery & 1))
		return;
	if (!cse_seq_lt(seq, tp->snd_max)) {	/* new data */
		if (tp->rs_broken)
			return;
		if (tp->rs_n == CSE_TCP_RS_MAX ||
		    (tp->rs_n ? cse_tcp_rs(tp, tp->rs_n - 1)->end != seq :
		     seq != tp->snd_una)) {
			tp->rs_broken = true;
			return;
		}
		e = cse_tcp_rs(tp, tp->rs_n++);
		*e = (struct cse_tcp_rseg){ .seq = seq, .end = end,
					    .xmit = now };
		return;
	}
	for (i = 0; i < tp->rs_n; i++) {	/* a retransmission */
		e = cse_tcp_rs(tp, i);
		if (!cse_seq_lt(e->seq, end))
			break;
		if (!cse_seq_lt(seq, e->end))
			continue;
		e->xmit = now;
		e->flags |= CSE_TCP_RS_RTX | CSE_TCP_RS_EVER_RTX;
	}
}

void cse_tcp_rack_prune(struct cse_tcp_sock *tp)
{
	while (tp->rs_n && cse_seq_leq(cse_tcp_rs(tp, 0)->end, tp->snd_una)) {
		tp->rs_head = (tp->rs_head + 1) % CSE_TCP_RS_MAX;
		tp->rs_n--;
	}
	if (!tp->rs_n && tp->snd_una == tp->snd_max)
		tp->rs_broken = false;		/* drained: follow again */
}

/* RACK_sent_after (RFC 8985 6.2): was (t1, s1) sent after (t2, s2)? */
static bool cse_tcp_sent_after(uint64_t t1, uint32_t s1, uint64_t t2,
			       uint32_t s2)
{
	return t1 > t2 || (t1 == t2 && cse_seq_lt(s2, s1));
}

/* Is [@s, @e) inside one range of the scoreboard? */
static bool cse_tcp_sb_holds(const struct cse_tcp_sock *tp, uint32_t s,
			     uint32_t e)
{
	unsigned int i;

	for (i = 0; i < tp->sb_n; i++)
		if (cse_seq_leq(tp->sb[i][0], s) && cse_seq_leq(e, tp->sb[i][1]))
			return true;
	return false;
}

/* RFC 8985 6.2 steps 1-3: segment @e was delivered (ACKed or SACKed). */
static void cse_tcp_rack_deliver(struct cse_tcp_sock *tp,
				 const struct cse_tcp_rseg *e, uint64_t now)
{
	struct cse_tcp_rack *r = &tp->rack;
	uint64_t rtt = now - e->xmit;

	/* Step 2: an ACK of the original, not of the retransmission? */
	if ((e->flags & CSE_TCP_RS_EVER_RTX) && r->min_rtt && rtt < r->min_rtt)
		return;
	/* Step 3: delivered below the highest delivery, never resent. */
	if (!r->xmit)
		r->fack = e->end;
	else if (cse_seq_lt(e->end, r->fack) &&
		 !(e->flags & CSE_TCP_RS_EVER_RTX))
		r->reord = true;
	else if (cse_seq_lt(r->fack, e->end))
		r->fack = e->end;
	r->rtt = rtt;
	if (!r->min_rtt || rtt < r->min_rtt)
		r->min_rtt = rtt ? rtt : 1;
	if (!r->xmit ||
	    cse_tcp_sent_after(e->xmit, e->end, r->xmit, r->end)) {
		r->xmit = e->xmit;
		r->end = e->end;
	}
}

static unsigned int cse_tcp_rack_sacked(const struct cse_tcp_sock *tp)
{
	unsigned int i, n = 0;

	for (i = 0; i < tp->rs_n; i++)
		n += !!(cse_tcp_rs_c(tp, i)->flags & CSE_TCP_RS_SACKED);
	return n;
}

uint64_t cse_tcp_rack_reo_wnd(const struct cse_tcp_sock *tp)
{
	const struct cse_tcp_rack *r = &tp->rack;
	uint64_t w;

	if (!r->reord && (tp->in_recovery ||
			  cse_tcp_rack_sacked(tp) >= CSE_TCP_DUPTHRESH))
		return 0;
	w = r->min_rtt / 4 * (r->reo_mult ? r->reo_mult : 1);
	return tp->srtt && w > tp->srtt ? tp->srtt : w;
}

/* RFC 8985 6.2 step 5: mark what is lost; the wait for the rest. */
static uint64_t cse_tcp_rack_detect(struct cse_tcp_sock *tp, uint64_t now)
{
	uint64_t reo = cse_tcp_rack_reo_wnd(tp), wait = 0;
	struct cse_tcp_rack *r = &tp->rack;
	unsigned int i;

	if (!r->xmit)
		return 0;
	for (i = 0; i < tp->rs_n; i++) {
		struct cse_tcp_rseg *e = cse_tcp_rs(tp, i);
		uint64_t due;

		if ((e->flags & CSE_TCP_RS_SACKED) ||
		    (e->flags & (CSE_TCP_RS_LOST | CSE_TCP_RS_RTX)) ==
		    CSE_TCP_RS_LOST ||
		    !cse_tcp_sent_after(r->xmit, r->end, e->xmit, e->end))
			continue;
		due = e->xmit + r->rtt + reo;
		if (due <= now) {
			e->flags = (uint8_t)((e->flags | CSE_TCP_RS_LOST) &
					     ~CSE_TCP_RS_RTX);
			tp->sk.st->stats.tcp_rack_lost++;
		} else if (due - now > wait) {
			wait = due - now;
		}
	}
	return wait;
}

static void cse_tcp_rack_run(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;
	uint64_t now = cse_now(st), wait = cse_tcp_rack_detect(tp, now);

	if (wait)
		cse_timer_mod(&st->timers, &tp->reo_timer, now + wait);
	else
		cse_timer_del(&tp->reo_timer);
}

/* RFC 2883 4: a first block below the ACK or inside the second. */
static bool cse_tcp_is_dsack(const struct cse_tcp_seg *seg)
{
	const uint32_t (*b)[2] = seg->opt.sack;

	if (!seg->opt.nsacks)
		return false;
	if (cse_seq_leq(b[0][1], seg->ack))
		return true;
	return seg->opt.nsacks > 1 && cse_seq_leq(b[1][0], b[0][0]) &&
	       cse_seq_leq(b[0][1], b[1][1]);
}

void cse_tcp_rack_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	struct cse_tcp_rack *r = &tp->rack;
	uint64_t now = cse_now(tp->sk.st);
	bool dsack = cse_tcp_is_dsack(seg);
	unsigned int i;

	if (dsack) {
		tp->sk.st->stats.tcp_dsack_rx++;
		/* 6.2 step 4: once per round trip, widen the window. */
		if (!r->dsack_round_on ||
		    !cse_seq_lt(tp->snd_una, r->dsack_round)) {
			r->dsack_round_on = true;
			r->dsack_round = tp->snd_max;
			if (r->reo_mult < 255)
				r->reo_mult++;
			r->reo_persist = 16;
			r->reord = true;
		}
	}
	cse_tcp_tlp_ack(tp, seg, dsack);
	if (!cse_tcp_rack_active(tp))
		return;
	for (i = 0; i < tp->rs_n; i++) {
		struct cse_tcp_rseg *e = cse_tcp_rs(tp, i);

		if (e->flags & CSE_TCP_RS_SACKED)
			continue;
		if (cse_seq_leq(e->end, seg->ack)) {
			cse_tcp_rack_deliver(tp, e, now);
		} else if (cse_tcp_sb_holds(tp, e->seq, e->end)) {
			cse_tcp_rack_deliver(tp, e, now);
			e->flags |= CSE_TCP_RS_SACKED;
			e->flags &= (uint8_t)~(CSE_TCP_RS_LOST | CSE_TCP_RS_RTX);
		}
	}
	cse_tcp_rack_run(tp);
}

bool cse_tcp_rack_has_lost(const struct cse_tcp_sock *tp)
{
	unsigned int i;

	for (i = 0; i < tp->rs_n; i++)
		if ((cse_tcp_rs_c(tp, i)->flags &
		     (CSE_TCP_RS_LOST | CSE_TCP_RS_SACKED | CSE_TCP_RS_RTX)) ==
		    CSE_TCP_RS_LOST)
			return true;
	return false;
}

void cse_tcp_rack_timeout(struct cse_tcp_sock *tp)
{
	unsigned int i;

	for (i = 0; i < tp->rs_n; i++) {
		struct cse_tcp_rseg *e = cse_tcp_rs(tp, i);

		/* A second timeout: the peer may have dropped what it SACKed. */
		if (tp->retries > 1)
			e->flags &= (uint8_t)~CSE_TCP_RS_SACKED;
		if (!(e->flags & CSE_TCP_RS_SACKED))
			e->flags = (uint8_t)((e->flags | CSE_TCP_RS_LOST) &
					     ~CSE_TCP_RS_RTX);
	}
	cse_timer_del(&tp->reo_timer);
}

void cse_tcp_rack_recovery_done(struct cse_tcp_sock *tp)
{
	struct cse_tcp_rack *r = &tp->rack;

	if (r->reo_persist && !--r->reo_persist)
		r->reo_mult = 1;
}

/* Linux's tcp_packets_in_flight(): not SACKed nor lost, plus resends. */
uint32_t cse_tcp_rack_pipe(const struct cse_tcp_sock *tp)
{
	uint32_t pipe = 0;
	unsigned int i;

	for (i = 0; i < tp->rs_n; i++) {
		const struct cse_tcp_rseg *e = cse_tcp_rs_c(tp, i);
		uint32_t s = cse_seq_lt(e->seq, tp->snd_una) ? tp->snd_una :
			     e->seq;

		if (e->flags & CSE_TCP_RS_SACKED || !cse_seq_lt(s, e->end))
			continue;
		if (!(e->flags & CSE_TCP_RS_LOST))
			pipe += e->end - s;
		if (e->flags & CSE_TCP_RS_RTX)
			pipe += e->end - s;
	}
	return pipe;
}

bool cse_tcp_rack_next_lost(const struct cse_tcp_sock *tp, uint32_t *seq,
			    uint32_t *len)
{
	unsigned int i;

	for (i = 0; i < tp->rs_n; i++) {
		const struct cse_tcp_rseg *e = cse_tcp_rs_c(tp, i);
		uint32_t s = cse_seq_lt(e->seq, tp->snd_una) ? tp->snd_una :
			     e->seq;

		if ((e->flags & (CSE_TCP_RS_LOST | CSE_TCP_RS_SACKED |
				 CSE_TCP_RS_RTX)) != CSE_TCP_RS_LOST ||
		    !cse_seq_lt(s, e->end))
			continue;
		*seq = s;
		*len = e->end - s < tp->mss ? e->end - s : tp->mss;
		return true;
	}
	return false;
}

/* RFC 8985 6.3: the reordering window passed; look again. */
static void cse_tcp_reo_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   reo_timer);
	uint64_t wait;

	if (!cse_tcp_rack_active(tp))
		return;
	wait = cse_tcp_rack_detect(tp, now);
	if (wait)
		cse_timer_mod(&tp->sk.st->timers, t, now + wait);
	if (cse_tcp_rack_has_lost(tp))
		cse_tcp_rack_recover(tp);
	cse_tcp_output(tp);
}

void cse_tcp_rack_timers_init(struct cse_tcp_sock *tp)
{
	cse_timer_init(&tp->reo_timer, cse_tcp_reo_fire);
}
