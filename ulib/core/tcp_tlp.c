// SPDX-License-Identifier: GPL-2.0
/*
 * The tail loss probe (RFC 8985 7). When the ACKs stop with data in
 * flight and no recovery under way, a probe goes out after PTO, about
 * two round trips, instead of waiting for the retransmission timeout: a
 * new segment if the windows allow one, else the last segment again. Its
 * ACK either shows the tail arrived (a D-SACK of a resent probe: nothing
 * was lost), or brings the SACKs from which RACK finds the losses, or,
 * if the probe itself repaired the only loss, acknowledges everything;
 * then the congestion window is cut as for any loss (7.4).
 */
#include "priv.h"
#include "tcp.h"

/* RFC 8985 7.2: WCDelAckT, the peer's worst delayed ACK. */
#define CSE_TCP_TLP_DELACK	(200 * CSE_NSEC_PER_MSEC)
/* Linux's floor of the PTO. */
#define CSE_TCP_TLP_MIN		(10 * CSE_NSEC_PER_MSEC)

static void cse_tcp_tlp_fire(struct cse_timer *t, uint64_t now);

void cse_tcp_tlp_timers_init(struct cse_tcp_sock *tp)
{
	cse_timer_init(&tp->tlp_timer, cse_tcp_tlp_fire);
}

static bool cse_tcp_tlp_state(const struct cse_tcp_sock *tp)
{
	return tp->state == CSE_TCP_ESTABLISHED ||
	       tp->state == CSE_TCP_CLOSE_WAIT ||
	       tp->state == CSE_TCP_FIN_WAIT_1 ||
	       tp->state == CSE_TCP_CLOSING || tp->state == CSE_TCP_LAST_ACK;
}

/* RFC 8985 7.2: (re)start the PTO after a send or an ACK. */
void cse_tcp_tlp_arm(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;
	uint64_t now = cse_now(st), pto;

	if (!cse_tcp_rack_active(tp) || tp->in_recovery || !tp->srtt ||
	    tp->snd_una == tp->snd_max || tp->tlp_out ||
	    !cse_tcp_tlp_state(tp) || !tp->snd_wnd) {
		cse_timer_del(&tp->tlp_timer);
		return;
	}
	pto = 2 * tp->srtt;
	if (tp->snd_max - tp->snd_una <= tp->mss)
		pto += CSE_TCP_TLP_DELACK;
	if (pto < CSE_TCP_TLP_MIN)
		pto = CSE_TCP_TLP_MIN;
	/*
	 * Never after the retransmission timer (7.2): as Linux, the probe
	 * then goes just before it and the timer restarts after it.
	 */
	if (cse_timer_pending(&tp->rtx_timer) &&
	    now + pto >= tp->rtx_timer.expires) {
		if (tp->rtx_timer.expires <= now + 1) {
			cse_timer_del(&tp->tlp_timer);
			return;
		}
		pto = tp->rtx_timer.expires - now - 1;
	}
	cse_timer_mod(&st->timers, &tp->tlp_timer, now + pto);
}

/* RFC 8985 7.3: send the probe. */
static void cse_tcp_tlp_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   tlp_timer);
	uint32_t room = tp->snd_una + tp->snd_wnd - tp->snd_nxt;
	uint32_t nxt = tp->snd_nxt, seq, len;
	unsigned int i;

	(void)now;
	if (!cse_tcp_rack_active(tp) || tp->in_recovery || tp->tlp_out ||
	    tp->snd_una == tp->snd_max || !tp->rs_n || !cse_tcp_tlp_state(tp))
		return;
	tp->tlp_rtx = false;
	if (tp->snd_nxt != tp->snd_max || (int32_t)room <= 0 ||
	    !cse_tcp_send_new(tp, room < tp->mss ? room : tp->mss)) {
		/* The last segment again. */
		i = (tp->rs_head + tp->rs_n - 1) % CSE_TCP_RS_MAX;
		seq = tp->rs[i].seq;
		if (cse_seq_lt(seq, tp->snd_una))
			seq = tp->snd_una;
		len = tp->rs[i].end - seq;
		if (!cse_tcp_retransmit_range(tp, seq, len))
			return;
		tp->tlp_rtx = true;
		nxt = seq;
	}
	tp->sk.st->stats.tcp_tlp_probes++;
	tp->tlp_out = true;
	tp->tlp_seq = nxt;
	tp->tlp_high = tp->snd_max;
	cse_tcp_rearm_rtx(tp);
}

/* RFC 8985 7.4: did the probe's episode end, and did it repair a loss? */
void cse_tcp_tlp_ack(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg,
		     bool dsack)
{
	if (!tp->tlp_out || cse_seq_lt(seg->ack, tp->tlp_high))
		return;
	tp->tlp_out = false;
	/* A D-SACK, or no progress: both copies arrived, nothing lost. */
	if (!tp->tlp_rtx || dsack || !cse_seq_lt(tp->snd_una, seg->ack) ||
	    tp->in_recovery)
		return;
	/* The resent probe filled the tail: a loss all the same. */
	tp->sk.st->stats.tcp_tlp_recovered++;
	cse_tcp_cc_cut(tp);
}
