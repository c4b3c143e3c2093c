// SPDX-License-Identifier: GPL-2.0
/*
 * TCP input, in the order of RFC 9293 3.10.7 (SEGMENT ARRIVES): validate,
 * find the connection, then per state. RST and SYN checks follow RFC 5961
 * (exact-match RST, challenge ACKs). Out-of-order data waits in the
 * reassembly queue (tcp_ooo.c) and draws a duplicate ACK.
 */
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "priv.h"
#include "tcp.h"
#include "wire.h"

/* Validate the header; on failure count why and return false. */
static bool cse_tcp_parse(struct cse_stack *st, const struct cse_ip4_rx *rx,
			  struct cse_tcp_seg *seg)
{
	const uint8_t *p = rx->data;
	unsigned int hlen;
	uint32_t sum;

	if (rx->len < CSE_TCP_HLEN || rx->bcast)
		goto bad;
	hlen = (p[12] >> 4) * 4;
	if (hlen < CSE_TCP_HLEN || hlen > rx->len)
		goto bad;
	sum = cse_csum_pseudo(rx->saddr, rx->daddr, IPPROTO_TCP, rx->len);
	if (cse_csum_fold(cse_csum_add(sum, p, rx->len))) {
		st->stats.tcp_bad_csum++;
		return false;
	}
	if (cse_tcp_parse_opts(p + CSE_TCP_HLEN, hlen - CSE_TCP_HLEN,
			       &seg->opt))
		goto bad;
	seg->saddr = rx->saddr;
	seg->daddr = rx->daddr;
	seg->sport = cse_get16(p);
	seg->dport = cse_get16(p + 2);
	seg->seq = cse_get32(p + 4);
	seg->ack = cse_get32(p + 8);
	seg->flags = p[13];
	seg->ce = (rx->hdr[1] & 3) == 3;	/* RFC 3168 5: CE */
	seg->wnd = cse_get16(p + 14);
	seg->data = p + hlen;
	seg->len = rx->len - hlen;
	return true;
bad:
	st->stats.tcp_bad++;
	return false;
}

/* The MSS we send with: the peer's option or 536, within our MTU. */
static uint16_t cse_tcp_send_mss(const struct cse_stack *st,
				 const struct cse_tcp_seg *seg)
{
	uint32_t mss = seg->opt.mss ? seg->opt.mss : 536;

	if (mss > st->mtu - 40)
		mss = st->mtu - 40;
	return (uint16_t)(mss < 64 ? 64 : mss);
}

static void cse_tcp_sync_input(struct cse_tcp_sock *tp,
			       const struct cse_tcp_seg *seg);

/*
 * An ACK to a listener: the end of a handshake that a SYN cookie
 * answered, which then completes as any other; else it gets an RST.
 */
static void cse_tcp_listen_ack(struct cse_tcp_sock *lp,
			       const struct cse_tcp_seg *seg)
{
	struct cse_tcp_sock *tp = NULL;
	struct cse_tcp_seg s;

	if (!(seg->flags & CSE_TCP_SYN))
		tp = cse_tcp_cookie_check(lp, seg);
	if (!tp) {
		cse_tcp_reply_rst(lp->sk.st, seg);
		return;
	}
	s = *seg;
	s.wnd <<= tp->snd_wscale;
	cse_tcp_sync_input(tp, &s);
}

static void cse_tcp_listen_input(struct cse_tcp_sock *lp,
				 const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = lp->sk.st;
	struct cse_tcp_sock *tp;

	if (seg->flags & CSE_TCP_RST)
		return;
	if (seg->flags & CSE_TCP_ACK) {
		cse_tcp_listen_ack(lp, seg);
		return;
	}
	if (!(seg->flags & CSE_TCP_SYN))
		return;
	tp = cse_tcp_child(lp, seg);
	if (!tp)
		return;
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;	/* nothing offered yet */
	tp->iss = cse_tcp_isn(st, tp->sk.laddr, tp->sk.lport, tp->sk.raddr,
			      tp->sk.rport);
	tp->snd_una = tp->iss;
	tp->snd_nxt = tp->iss;
	tp->snd_max = tp->iss;
	tp->snd_buf_seq = tp->iss + 1;
	tp->snd_wnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = tp->iss;
	tp->mss = cse_tcp_send_mss(st, seg);
	cse_tcp_opts_offer(tp, &seg->opt);
	cse_tcp_opts_agree(tp, seg);
	cse_tcp_ecn_offer(tp, seg);
	/* Data on the SYN is not kept: the peer sends it again. */
	cse_tcp_send_syn(tp);
}

/* Both sides' SYNs are acknowledged: the connection is up. */
static void cse_tcp_established(struct cse_tcp_sock *tp,
				const struct cse_tcp_seg *seg)
{
	tp->snd_una = seg->ack;
	if (cse_seq_lt(tp->snd_nxt, tp->snd_una))
		tp->snd_nxt = tp->snd_una;
	tp->snd_wnd = seg->wnd;
	tp->max_snd_wnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = seg->ack;
	tp->retries = 0;
	tp->rto = tp->sk.st->cfg.tcp_rto_init_ns;
	tp->recover = tp->iss;
	tp->ecn_recover = tp->iss;
	tp->quickacks = 16;		/* Linux's TCP_MAX_QUICKACKS */
	tp->cc->init(tp);
	cse_timer_del(&tp->rtx_timer);
	cse_tcp_set_state(tp, CSE_TCP_ESTABLISHED);
	tp->last_rx = cse_now(tp->sk.st);
	tp->rcvq_start = tp->last_rx;	/* autotuning measures from here */
	cse_tcp_keepalive_reset(tp);
}

static void cse_tcp_syn_sent_input(struct cse_tcp_sock *tp,
				   const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = tp->sk.st;
	bool ack = seg->flags & CSE_TCP_ACK;

	if (ack && (cse_seq_leq(seg->ack, tp->iss) ||
		    cse_seq_lt(tp->snd_max, seg->ack))) {
		cse_tcp_reply_rst(st, seg);
		return;
	}
	if (seg->flags & CSE_TCP_RST) {
		if (ack)
			cse_tcp_done(tp, ECONNREFUSED);
		return;
	}
	if (!(seg->flags & CSE_TCP_SYN))
		return;
	tp->irs = seg->seq;
	tp->rcv_nxt = seg->seq + 1;
	tp->rcv_adv = tp->rcv_nxt;	/* nothing offered yet */
	tp->mss = cse_tcp_send_mss(st, seg);
	cse_tcp_opts_agree(tp, seg);
	if (ack)
		cse_tcp_ecn_agree(tp, seg);
	else				/* simultaneous: as a SYN asks */
		tp->ecn_ok = tp->ecn_ok && (seg->flags & CSE_TCP_ECE) &&
			     (seg->flags & CSE_TCP_CWR);
	if (ack) {
		cse_tcp_established(tp, seg);
		cse_tcp_send_ack(tp);
		return;
	}
	/* Simultaneous open (RFC 9293 3.5, figure 7). */
	tp->snd_wnd = seg->wnd;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = tp->iss;
	cse_tcp_set_state(tp, CSE_TCP_SYN_RECEIVED);
	cse_tcp_send_syn(tp);
}

/* RFC 9293 3.10.7.4, first check: is any of the segment in the window? */
static bool cse_tcp_acceptable(const struct cse_tcp_sock *tp,
			       const struct cse_tcp_seg *seg)
{
	uint32_t wnd = cse_tcp_rcv_wnd(tp);
	uint32_t seglen = seg->len + !!(seg->flags & CSE_TCP_SYN) +
			  !!(seg->flags & CSE_TCP_FIN);
	uint32_t off = seg->seq - tp->rcv_nxt;

	/* A zero window still takes ACKs and RSTs at exactly rcv_nxt. */
	if (!wnd)
		return seg->seq == tp->rcv_nxt;
	if (off < wnd)
		return true;
	return seglen && seg->seq + seglen - 1 - tp->rcv_nxt < wnd;
}

/*
 * An ACK for a segment that failed validation: out of window, an RST or
 * SYN needing a challenge (RFC 5961). At most one per
 * tcp_invalid_ratelimit_ns per connection, as Linux, so that a blind
 * attacker cannot turn us into an ACK flood; but, also as Linux, never
 * held back for a data segment (a retransmission of what we have), whose
 * sender needs the ACK and is not in an ACK loop.
 */
static void cse_tcp_oow_ack(struct cse_tcp_sock *tp,
			    const struct cse_tcp_seg *seg, bool challenge)
{
	struct cse_stack *st = tp->sk.st;
	uint64_t now = cse_now(st);
	bool data = seg->len && !(seg->flags & CSE_TCP_SYN);

	if (!data && tp->last_oow_ack &&
	    now - tp->last_oow_ack < st->cfg.tcp_invalid_ratelimit_ns) {
		st->stats.tcp_oow_rate_limited++;
		return;
	}
	if (!data)
		tp->last_oow_ack = now;
	if (challenge)
		st->stats.tcp_challenge_ack++;
	cse_tcp_send_ack(tp);
}

static void cse_tcp_challenge_ack(struct cse_tcp_sock *tp,
				  const struct cse_tcp_seg *seg)
{
	cse_tcp_oow_ack(tp, seg, true);
}

/*
 * RFC 5961 3.2: only an exact RST resets; a merely in-window one gets a
 * challenge ACK. Returns true when @tp is gone.
 */
static bool cse_tcp_rst_input(struct cse_tcp_sock *tp,
			      const struct cse_tcp_seg *seg)
{
	static const int errs[] = {
		[CSE_TCP_SYN_RECEIVED] = ECONNREFUSED,
		[CSE_TCP_ESTABLISHED] = ECONNRESET,
		[CSE_TCP_FIN_WAIT_1] = ECONNRESET,
		[CSE_TCP_FIN_WAIT_2] = ECONNRESET,
		[CSE_TCP_CLOSE_WAIT] = EPIPE,
	};

	if (seg->seq != tp->rcv_nxt) {
		cse_tcp_challenge_ack(tp, seg);
		return false;
	}
	cse_tcp_done(tp, tp->state < CSE_ARRAY_SIZE(errs) ?
		     errs[tp->state] : 0);
	return true;
}

/* New data acknowledged: free it, sample the RTT, grow the window. */
static void cse_tcp_new_ack(struct cse_tcp_sock *tp,
			    const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = tp->sk.st;
	uint32_t ack = seg->ack, acked = ack - tp->snd_una;

	if (cse_seq_lt(tp->snd_buf_seq, ack)) {
		uint32_t n = ack - tp->snd_buf_seq;

		if (n > tp->sndbuf.len)
			n = tp->sndbuf.len;	/* the rest was our FIN */
		cse_ring_drop(&tp->sndbuf, n);
		tp->snd_buf_seq += n;
	}
	tp->snd_una = ack;
	if (cse_seq_lt(tp->snd_nxt, ack))
		tp->snd_nxt = ack;
	cse_tcp_sb_prune(tp);
	cse_tcp_rack_prune(tp);
	if (tp->rtt_pending && cse_seq_lt(tp->rtt_seq, ack)) {
		tp->rtt_pending = false;
		cse_tcp_rtt_sample(tp, cse_now(st) - tp->rtt_start);
	} else {
		cse_tcp_ts_rtt(tp, seg);
	}
	tp->retries = 0;
	tp->dupacks = 0;
	if (tp->in_recovery)
		cse_tcp_recovery_ack(tp, acked);
	else if (cse_tcp_cwnd_limited(tp))
		tp->cc->on_ack(tp, acked);
	cse_tcp_sndbuf_tune(tp);
	if (tp->snd_una == tp->snd_max)
		cse_timer_del(&tp->rtx_timer);
	else
		cse_tcp_rearm_rtx(tp);
	cse_tcp_tlp_arm(tp);
	cse_sock_changed(&tp->sk);
}

/*
 * RFC 6937's DeliveredData: what this ACK took off the flight, newly
 * acknowledged plus newly SACKed (SACKed bytes it now covers counted
 * once). @una and @sacked are from before the ACK.
 */
static void cse_tcp_delivered(struct cse_tcp_sock *tp, uint32_t una,
			      uint32_t sacked)
{
	int64_t d = (int64_t)(tp->snd_una - una);

	if (tp->sack_ok)
		d += (int64_t)cse_tcp_sb_sacked(tp) - sacked;
	tp->delivered = d > 0 ? (uint32_t)d : 0;
}

static bool cse_tcp_fin_acked(const struct cse_tcp_sock *tp)
{
	return tp->fin_queued &&
	       tp->snd_una == tp->snd_buf_seq + tp->sndbuf.len + 1;
}

/*
 * RFC 9293 3.10.7.4, fifth check. Returns true when @tp is gone or the
 * segment is finished with.
 */
static bool cse_tcp_ack_input(struct cse_tcp_sock *tp,
			      const struct cse_tcp_seg *seg)
{
	uint32_t ack = seg->ack, una, sacked;

	if (cse_seq_lt(tp->snd_max, ack)) {	/* acks what we never sent */
		cse_tcp_send_ack(tp);
		return true;
	}
	/* RFC 5961 5.2: older than any window could explain. */
	if (cse_seq_lt(ack, tp->snd_una - tp->max_snd_wnd)) {
		cse_tcp_challenge_ack(tp, seg);
		return true;
	}
	/*
	 * RFC 9293 3.8.6.1: a peer that answers window probes is alive;
	 * keep probing, however long its window stays shut.
	 */
	if (!seg->wnd && ack == tp->snd_una)
		tp->retries = 0;
	una = tp->snd_una;
	sacked = tp->sack_ok ? cse_tcp_sb_sacked(tp) : 0;
	if (tp->sack_ok) {
		cse_tcp_sb_update(tp, seg);
		cse_tcp_rack_ack(tp, seg);
	}
	if (cse_seq_lt(tp->snd_una, ack)) {
		cse_tcp_new_ack(tp, seg);
	} else if (ack == tp->snd_una && !seg->len &&
		   !(seg->flags & CSE_TCP_FIN) && tp->snd_una != tp->snd_max &&
		   seg->wnd == tp->snd_wnd) {
		cse_tcp_dupack(tp, ack);	/* RFC 5681's definition */
	}
	cse_tcp_delivered(tp, una, sacked);
	if (cse_tcp_rack_active(tp) && cse_tcp_rack_has_lost(tp))
		cse_tcp_rack_recover(tp);
	cse_tcp_prr_ack(tp, tp->snd_una != una);
	cse_tcp_ecn_ack(tp, seg);
	if (cse_seq_lt(tp->snd_wl1, seg->seq) ||
	    (tp->snd_wl1 == seg->seq && cse_seq_leq(tp->snd_wl2, ack))) {
		tp->snd_wnd = seg->wnd;
		tp->snd_wl1 = seg->seq;
		tp->snd_wl2 = ack;
		if (tp->max_snd_wnd < seg->wnd)
			tp->max_snd_wnd = seg->wnd;
	}
	if (!cse_tcp_fin_acked(tp))
		return false;
	switch (tp->state) {
	case CSE_TCP_FIN_WAIT_1:
		cse_tcp_set_state(tp, CSE_TCP_FIN_WAIT_2);
		if (tp->orphan)
			cse_tcp_arm_fin_timeout(tp);
		return false;
	case CSE_TCP_CLOSING:
		cse_tcp_enter_time_wait(tp);
		return true;
	case CSE_TCP_LAST_ACK:
		cse_tcp_done(tp, 0);
		return true;
	default:
		return false;
	}
}

/*
 * The handshake's last ACK on a SYN-RECEIVED connection. Returns true
 * when the segment is finished with (or @tp gone).
 */
static bool cse_tcp_syn_recv_ack(struct cse_tcp_sock *tp,
				 const struct cse_tcp_seg *seg)
{
	struct cse_tcp_sock *lp = tp->parent;

	if (!cse_seq_lt(tp->snd_una, seg->ack) ||
	    cse_seq_lt(tp->snd_max, seg->ack)) {
		cse_tcp_reply_rst(tp->sk.st, seg);
		return true;
	}
	/*
	 * Linux: a full accept queue ignores the ACK; the SYN-ACK will be
	 * sent again and the peer's ACK retried.
	 */
	if (lp && lp->accept_n > lp->backlog)
		return true;
	if (cse_tcp_alloc_buffers(tp)) {
		tp->sk.st->stats.mem_drop++;
		cse_tcp_send_rst(tp);
		cse_tcp_done(tp, ENOBUFS);
		return true;
	}
	cse_tcp_established(tp, seg);
	if (lp)
		cse_tcp_child_ready(tp);
	return false;
}

/* The peer's FIN is next in sequence: take it (eighth check). */
static void cse_tcp_take_fin(struct cse_tcp_sock *tp)
{
	tp->rcv_nxt++;
	tp->fin_rcvd = true;
	tp->sk.shutdown |= CSE_RCV_SHUTDOWN;
	switch (tp->state) {
	case CSE_TCP_SYN_RECEIVED:
	case CSE_TCP_ESTABLISHED:
		cse_tcp_set_state(tp, CSE_TCP_CLOSE_WAIT);
		break;
	case CSE_TCP_FIN_WAIT_1:
		if (cse_tcp_fin_acked(tp))
			cse_tcp_enter_time_wait(tp);
		else
			cse_tcp_set_state(tp, CSE_TCP_CLOSING);
		break;
	case CSE_TCP_FIN_WAIT_2:
		cse_tcp_enter_time_wait(tp);
		break;
	default:
		break;
	}
	cse_sock_changed(&tp->sk);
}

/* Segment data beyond a hole: keep it for later if it may be kept. */
static void cse_tcp_data_ahead(struct cse_tcp_sock *tp,
			       const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = tp->sk.st;

	if (cse_tcp_ooo_add(tp, seg)) {
		st->stats.tcp_ooo_queued++;
		tp->sack_last = seg->seq;
	} else if (cse_tcp_ooo_covered(tp, seg->seq, seg->len)) {
		cse_tcp_dsack_note(tp, seg->seq, seg->seq + seg->len);
	} else {
		st->stats.tcp_ooo_drop++;
	}
}

/*
 * Sixth and seventh checks: data to the buffer, in order. Returns what
 * the segment asks of our ACK; *@n gets the new bytes.
 */
static enum cse_tcp_ack cse_tcp_data_input(struct cse_tcp_sock *tp,
					   const struct cse_tcp_seg *seg,
					   uint32_t *n)
{
	uint32_t len = seg->len, skip;
	bool hole = tp->ooo.head;

	*n = 0;
	if (!len)
		return CSE_TCP_ACK_NONE;
	if (tp->state != CSE_TCP_ESTABLISHED &&
	    tp->state != CSE_TCP_FIN_WAIT_1 &&
	    tp->state != CSE_TCP_FIN_WAIT_2)
		return CSE_TCP_ACK_NONE;	/* after the FIN: nothing more */
	if (cse_seq_lt(tp->rcv_nxt, seg->seq)) {
		cse_tcp_data_ahead(tp, seg);
		return CSE_TCP_ACK_NOW;	/* a duplicate ACK tells the peer */
	}
	skip = tp->rcv_nxt - seg->seq;
	if (skip)			/* RFC 2883: say what came twice */
		cse_tcp_dsack_note(tp, seg->seq, seg->seq + (skip < len ?
							       skip : len));
	if (skip >= len)
		return CSE_TCP_ACK_NOW;	/* all old: re-acknowledge */
	*n = cse_ring_write(&tp->rcvbuf, seg->data + skip, len - skip);
	tp->rcv_nxt += *n;
	if (hole && cse_tcp_ooo_drain(tp))
		cse_tcp_take_fin(tp);
	if (*n)
		cse_sock_data_ready(&tp->sk);
	/* RFC 5681 4.2: a segment that fills a hole is ACKed at once. */
	return hole || *n < len - skip ? CSE_TCP_ACK_NOW : CSE_TCP_ACK_DELAY;
}

/* Eighth check: the segment's FIN, once everything before it arrived. */
static bool cse_tcp_fin_input(struct cse_tcp_sock *tp,
			      const struct cse_tcp_seg *seg)
{
	if (!(seg->flags & CSE_TCP_FIN) ||
	    seg->seq + seg->len != tp->rcv_nxt)
		return false;
	cse_tcp_take_fin(tp);
	return true;
}

/* RFC 9293 3.10.7.4: the synchronized states. */
static void cse_tcp_sync_input(struct cse_tcp_sock *tp,
			       const struct cse_tcp_seg *seg)
{
	enum cse_tcp_ack ack;
	uint32_t n;

	/* The peer did not hear our SYN-ACK and sent its SYN again. */
	if (tp->state == CSE_TCP_SYN_RECEIVED && seg->seq == tp->irs &&
	    (seg->flags & (CSE_TCP_SYN | CSE_TCP_ACK)) == CSE_TCP_SYN) {
		cse_tcp_send_syn(tp);
		return;
	}
	/*
	 * TIME-WAIT: the peer's FIN again, our ACK was lost; re-ACK and
	 * restart 2 MSL (RFC 9293 3.10.7.4, eighth check).
	 */
	if (tp->state == CSE_TCP_TIME_WAIT && (seg->flags & CSE_TCP_FIN) &&
	    seg->seq + seg->len + 1 == tp->rcv_nxt) {
		cse_tcp_send_ack(tp);
		cse_tcp_enter_time_wait(tp);
		return;
	}
	/* RFC 7323 5.3: PAWS comes before the sequence number check. */
	if (cse_tcp_paws_reject(tp, seg)) {
		tp->sk.st->stats.tcp_paws_drop++;
		cse_tcp_oow_ack(tp, seg, false);
		return;
	}
	if (!cse_tcp_acceptable(tp, seg)) {
		/* Old data, a retransmission we did not need (RFC 2883). */
		if (seg->len && cse_seq_leq(seg->seq + seg->len, tp->rcv_nxt))
			cse_tcp_dsack_note(tp, seg->seq, seg->seq + seg->len);
		if (!(seg->flags & CSE_TCP_RST))
			cse_tcp_oow_ack(tp, seg, false);
		return;
	}
	cse_tcp_ts_update(tp, seg);
	cse_tcp_rcv_rtt_sample(tp, seg);
	cse_tcp_ecn_input(tp, seg);
	/* The peer is alive: keepalive starts over. */
	tp->last_rx = cse_now(tp->sk.st);
	tp->keep_probes = 0;
	if (seg->flags & CSE_TCP_RST) {
		cse_tcp_rst_input(tp, seg);
		return;
	}
	if (seg->flags & CSE_TCP_SYN) {		/* RFC 5961 4.2 */
		cse_tcp_challenge_ack(tp, seg);
		return;
	}
	if (!(seg->flags & CSE_TCP_ACK))
		return;
	if (tp->state == CSE_TCP_SYN_RECEIVED && cse_tcp_syn_recv_ack(tp, seg))
		return;
	if (cse_tcp_ack_input(tp, seg))
		return;
	ack = cse_tcp_data_input(tp, seg, &n);
	if (cse_tcp_fin_input(tp, seg))
		ack = CSE_TCP_ACK_NOW;
	if (ack == CSE_TCP_ACK_NOW)
		cse_tcp_send_ack(tp);
	else if (ack == CSE_TCP_ACK_DELAY)
		cse_tcp_ack_later(tp, n);
	/* Data we send now carries the ACK, and cancels the delayed one. */
	cse_tcp_output(tp);
}

void cse_tcp_input(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	struct cse_tcp_seg seg;
	struct cse_tcp_sock *tp;
	struct cse_sock *s;

	if (!cse_tcp_parse(st, rx, &seg))
		return;
	st->stats.tcp_rx++;
	s = cse_port_lookup(&st->tcp, seg.daddr, seg.dport, seg.saddr,
			    seg.sport);
	tp = s ? cse_tcp_sk(s) : NULL;
	/* A connection moving between stacks (handover.h): no RST for it. */
	if ((!tp || tp->state == CSE_TCP_CLOSED || !s->raddr) &&
	    cse_tcp_hold_drop(st, seg.daddr, seg.dport, seg.saddr, seg.sport))
		return;
	if (!tp || tp->state == CSE_TCP_CLOSED) {
		cse_tcp_reply_rst(st, &seg);
		return;
	}
	/* RFC 7323 2.2: a SYN's window is never scaled. */
	if (!(seg.flags & CSE_TCP_SYN))
		seg.wnd <<= tp->snd_wscale;
	if (tp->state == CSE_TCP_LISTEN)
		cse_tcp_listen_input(tp, &seg);
	else if (tp->state == CSE_TCP_SYN_SENT)
		cse_tcp_syn_sent_input(tp, &seg);
	else
		cse_tcp_sync_input(tp, &seg);
}

/*
 * An error from below: ICMP, or ARP that never answered. As Linux's
 * tcp_v4_err: any error ends a connection still opening (connect() then
 * fails with it, e.g. EHOSTUNREACH); an established one only remembers
 * it, to give as the reason if it later times out.
 */
void cse_tcp_error(struct cse_tcp_sock *tp, int err)
{
	if (tp->state == CSE_TCP_SYN_SENT ||
	    tp->state == CSE_TCP_SYN_RECEIVED) {
		cse_tcp_done(tp, err);
		return;
	}
	if (tp->state != CSE_TCP_LISTEN && tp->state != CSE_TCP_CLOSED)
		tp->soft_err = err;
}

/* Linux's min_pmtu: no path is believed to be narrower. */
#define CSE_TCP_PMTU_MIN	552

/*
 * RFC 1191: the path is narrower than our segments. Shrink the MSS to
 * fit (a missing next-hop MTU, from an RFC 792 router, counts as the
 * floor) and send again from snd_una; this is not congestion, so the
 * windows stay. A larger MTU than ours changes nothing.
 */
void cse_tcp_pmtu(struct cse_tcp_sock *tp, uint32_t mtu)
{
	uint32_t mss;

	if (mtu < CSE_TCP_PMTU_MIN)
		mtu = CSE_TCP_PMTU_MIN;
	mss = mtu - 40 - (tp->ts_on ? CSE_TCP_TS_LEN : 0);
	if (mss >= tp->mss)
		return;
	tp->mss = (uint16_t)mss;
	tp->sk.st->stats.tcp_pmtu_shrink++;
	if (tp->state < CSE_TCP_ESTABLISHED)
		return;			/* the SYN carried no data */
	tp->snd_nxt = tp->snd_una;
	tp->rtt_pending = false;	/* Karn: what follows is resent */
	cse_tcp_output(tp);
}

/*
 * ICMP about a segment we sent. RFC 5927: believe it only if the quoted
 * sequence number is one we have in flight.
 */
void cse_tcp_err(struct cse_stack *st, const struct cse_ip4_err *e)
{
	struct cse_sock *s = cse_port_lookup(&st->tcp, e->saddr,
					     cse_get16(e->l4), e->daddr,
					     cse_get16(e->l4 + 2));
	struct cse_tcp_sock *tp = s ? cse_tcp_sk(s) : NULL;
	uint32_t seq = cse_get32(e->l4 + 4);

	if (!tp || !s->raddr || cse_seq_lt(seq, tp->snd_una) ||
	    !cse_seq_lt(seq, tp->snd_max))
		return;
	if (e->err == EMSGSIZE) {
		cse_tcp_pmtu(tp, e->mtu);
		return;
	}
	cse_tcp_error(tp, e->err);
}
