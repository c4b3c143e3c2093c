// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7323: window scaling and timestamps, agreed in the handshake or not
 * used at all (2.2, 3.2: an option counts only if both SYNs carried it;
 * so is SACK-permitted, RFC 2018 2),
 * PAWS (5) and RTT measurement from the echoed timestamp (4.1).
 *
 * Our TSval clock ticks in milliseconds, as Linux's does, from a
 * per-connection offset (RFC 7323 5.4 and 7.1: the value must not reveal
 * the host's clock nor link connections together).
 */
#include "priv.h"
#include "siphash.h"
#include "tcp.h"
#include "wire.h"

/* RFC 7323 5.5: a TS.Recent idle this long no longer protects. */
#define CSE_PAWS_IDLE_NS	(24ULL * 24 * 3600 * CSE_NSEC_PER_SEC)

/*
 * The shift for the largest window this socket may ever offer, as Linux
 * chooses it: from SO_RCVBUF if the application fixed it, else from the
 * autotuning limit, and never more than 14 (RFC 7323 2.3).
 */
uint8_t cse_tcp_choose_wscale(const struct cse_tcp_sock *tp)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;
	uint32_t space = tp->sk.rcvbuf;
	uint8_t shift = 0;

	if (!tp->sk.rcvbuf_locked && c->tcp_rmem_max > space)
		space = c->tcp_rmem_max;
	space /= 2;			/* the ring is half of SO_RCVBUF */
	while ((space >> shift) > 65535 && shift < 14)
		shift++;
	return shift;
}

uint32_t cse_tcp_ts_offset(struct cse_stack *st, uint32_t laddr,
			   uint16_t lport, uint32_t raddr, uint16_t rport)
{
	uint8_t id[13];

	cse_put32(id, laddr);
	cse_put32(id + 4, raddr);
	cse_put16(id + 8, lport);
	cse_put16(id + 10, rport);
	id[12] = 'T';			/* not the ISN's hash input */
	return (uint32_t)cse_siphash(st->isn_key, id, sizeof(id));
}

void cse_tcp_opts_offer(struct cse_tcp_sock *tp,
			const struct cse_tcp_opts *peer)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;

	/* To a SYN, offer only what it offered (RFC 7323 1.3). */
	tp->wscale_ok = c->tcp_window_scaling && (!peer || peer->has_wscale);
	tp->ts_on = c->tcp_timestamps && (!peer || peer->has_ts);
	tp->sack_ok = c->tcp_sack && (!peer || peer->sack_ok);
	tp->wscale_offer = tp->wscale_ok ? cse_tcp_choose_wscale(tp) : 0;
	tp->rcv_wscale = 0;
	tp->snd_wscale = 0;
	tp->ts_off = cse_tcp_ts_offset(tp->sk.st, tp->sk.laddr, tp->sk.lport,
				       tp->sk.raddr, tp->sk.rport);
}

void cse_tcp_opts_agree(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	if (tp->wscale_ok && seg->opt.has_wscale) {
		tp->snd_wscale = seg->opt.wscale;
		tp->rcv_wscale = tp->wscale_offer;
	} else {
		tp->wscale_ok = false;
		tp->snd_wscale = 0;
		tp->rcv_wscale = 0;
	}
	tp->sack_ok = tp->sack_ok && seg->opt.sack_ok;
	if (tp->ts_on && seg->opt.has_ts) {
		tp->ts_recent = seg->opt.tsval;
		tp->ts_recent_stamp = cse_now(tp->sk.st);
		/* Every segment now carries 12 bytes of options. */
		if (tp->mss > 64 + CSE_TCP_TS_LEN)
			tp->mss -= CSE_TCP_TS_LEN;
	} else {
		tp->ts_on = false;
	}
}

uint32_t cse_tcp_ts_now(const struct cse_tcp_sock *tp)
{
	return (uint32_t)(cse_now(tp->sk.st) / CSE_NSEC_PER_MSEC) +
	       tp->ts_off;
}

bool cse_tcp_paws_reject(const struct cse_tcp_sock *tp,
			 const struct cse_tcp_seg *seg)
{
	if (!tp->ts_on || !seg->opt.has_ts || (seg->flags & CSE_TCP_RST))
		return false;
	if (!cse_seq_lt(seg->opt.tsval, tp->ts_recent))
		return false;
	return cse_now(tp->sk.st) - tp->ts_recent_stamp < CSE_PAWS_IDLE_NS;
}

void cse_tcp_ts_update(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	if (!tp->ts_on || !seg->opt.has_ts ||
	    !cse_seq_leq(seg->seq, tp->last_ack_sent))
		return;
	/* Older values pass only when TS.Recent went stale (5.5). */
	if (cse_seq_lt(seg->opt.tsval, tp->ts_recent) &&
	    cse_now(tp->sk.st) - tp->ts_recent_stamp < CSE_PAWS_IDLE_NS)
		return;
	tp->ts_recent = seg->opt.tsval;
	tp->ts_recent_stamp = cse_now(tp->sk.st);
}

/*
 * The echo tells when the segment that moved the peer's left edge was
 * sent, retransmission or not, so unlike Karn's timing it also measures
 * after a loss. A sample under one tick counts as 1 us, as Linux's.
 */
bool cse_tcp_ts_rtt(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	uint32_t ticks;

	if (!tp->ts_on || !seg->opt.has_ts || !seg->opt.tsecr)
		return false;
	ticks = cse_tcp_ts_now(tp) - seg->opt.tsecr;
	if ((int32_t)ticks < 0 || ticks > 3600 * 1000)
		return false;		/* not an echo of ours */
	cse_tcp_rtt_sample(tp, ticks ? ticks * CSE_NSEC_PER_MSEC : 1000);
	return true;
}
