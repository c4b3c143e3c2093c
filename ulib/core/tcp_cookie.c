// SPDX-License-Identifier: GPL-2.0
/*
 * SYN cookies (the defence RFC 4987 3.6 describes), used as Linux's
 * tcp_syncookies=1 uses them: only when a listener's SYN queue is full.
 * The SYN-ACK's ISN then carries all the connection needs, so nothing is
 * kept until the ACK brings it back:
 *
 *    31     27 26  24 23                                 0
 *   +---------+------+------------------------------------+
 *   |  tick   | MSS  |  SipHash(secret, addresses, ports,  |
 *   | (64 s)  | index|  peer ISN, tick), 24 bits           |
 *   +---------+------+------------------------------------+
 *
 * A cookie is good for 2 ticks after the one it was made in. With
 * timestamps, the TSval we send carries in its low 6 bits the peer's
 * window shift (15: none) and SACK-permitted; the ACK echoes it back, and
 * our own shift is chosen again the same way. Without timestamps the
 * connection goes without window scaling and SACK, as with Linux.
 */
#include "priv.h"
#include "siphash.h"
#include "tcp.h"
#include "wire.h"

#define CSE_COOKIE_TICK_NS	(64 * CSE_NSEC_PER_SEC)
#define CSE_COOKIE_MAX_AGE	2
#define CSE_COOKIE_TS_BITS	6
#define CSE_COOKIE_NO_WS	15
#define CSE_COOKIE_SACK		0x10

/* Linux's table: the common MSS values a 3-bit index can name. */
static const uint16_t cse_cookie_mss[] = { 536, 1300, 1440, 1460 };

static uint32_t cse_cookie_tick(const struct cse_stack *st)
{
	return (uint32_t)(cse_now(st) / CSE_COOKIE_TICK_NS) & 31;
}

static uint32_t cse_cookie_mac(struct cse_stack *st,
			       const struct cse_tcp_seg *seg, uint32_t pisn,
			       uint32_t tick)
{
	uint8_t id[21];

	cse_put32(id, seg->daddr);
	cse_put32(id + 4, seg->saddr);
	cse_put16(id + 8, seg->dport);
	cse_put16(id + 10, seg->sport);
	cse_put32(id + 12, pisn);
	cse_put32(id + 16, tick);
	id[20] = 'C';			/* not the ISN's nor TS's input */
	return (uint32_t)cse_siphash(st->isn_key, id, sizeof(id)) & 0xffffff;
}

static unsigned int cse_cookie_mss_index(const struct cse_stack *st,
					 const struct cse_tcp_seg *seg)
{
	uint32_t mss = seg->opt.mss ? seg->opt.mss : 536;
	unsigned int i = CSE_ARRAY_SIZE(cse_cookie_mss) - 1;

	if (mss > st->mtu - 40)
		mss = st->mtu - 40;
	while (i && cse_cookie_mss[i] > mss)
		i--;
	return i;
}

/* TSval, at or before now, whose low bits carry the peer's options. */
static void cse_cookie_ts(struct cse_tcp_sock *lp,
			  const struct cse_tcp_seg *seg, struct cse_tcp_opts *o)
{
	struct cse_stack *st = lp->sk.st;
	uint32_t ts = (uint32_t)(cse_now(st) / CSE_NSEC_PER_MSEC) +
		      cse_tcp_ts_offset(st, seg->daddr, seg->dport,
					seg->saddr, seg->sport);
	uint32_t bits = CSE_COOKIE_NO_WS, enc;

	if (st->cfg.tcp_window_scaling && seg->opt.has_wscale) {
		bits = seg->opt.wscale;
		o->has_wscale = true;
		o->wscale = cse_tcp_choose_wscale(lp);
	}
	if (st->cfg.tcp_sack && seg->opt.sack_ok) {
		bits |= CSE_COOKIE_SACK;
		o->sack_ok = true;
	}
	enc = (ts & ~((1u << CSE_COOKIE_TS_BITS) - 1)) | bits;
	if (cse_seq_lt(ts, enc))	/* never ahead of our clock */
		enc -= 1u << CSE_COOKIE_TS_BITS;
	o->has_ts = true;
	o->tsval = enc;
	o->tsecr = seg->opt.tsval;
}

void cse_tcp_cookie_send(struct cse_tcp_sock *lp, const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = lp->sk.st;
	uint32_t tick = cse_cookie_tick(st), idx = cse_cookie_mss_index(st, seg);
	uint32_t wnd = lp->sk.rcvbuf / 2;
	struct cse_tcp_opts o = { .mss = (uint16_t)(st->mtu - 40) };

	if (st->cfg.tcp_timestamps && seg->opt.has_ts)
		cse_cookie_ts(lp, seg, &o);
	cse_tcp_reply_synack(st, seg, tick << 27 | idx << 24 |
			     cse_cookie_mac(st, seg, seg->seq, tick),
			     (uint16_t)(wnd > 65535 ? 65535 : wnd), &o);
	lp->last_cookie = cse_now(st);
	st->stats.tcp_cookie_sent++;
}

/* Is the ACK's cookie ours, recent and intact? Its MSS index in *@idx. */
static bool cse_cookie_valid(struct cse_tcp_sock *lp,
			     const struct cse_tcp_seg *seg, unsigned int *idx)
{
	struct cse_stack *st = lp->sk.st;
	uint32_t iss = seg->ack - 1, tick = iss >> 27;

	/* As Linux: only a listener that sent cookies lately takes them. */
	if (!lp->last_cookie || cse_now(st) - lp->last_cookie >
	    (CSE_COOKIE_MAX_AGE + 1) * CSE_COOKIE_TICK_NS)
		return false;
	*idx = (iss >> 24) & 7;
	if (((cse_cookie_tick(st) - tick) & 31) > CSE_COOKIE_MAX_AGE ||
	    *idx >= CSE_ARRAY_SIZE(cse_cookie_mss))
		return false;
	return (iss & 0xffffff) == cse_cookie_mac(st, seg, seg->seq - 1, tick);
}

/* What the echoed TSval says the peer offered. */
static void cse_cookie_opts(struct cse_tcp_sock *tp,
			    const struct cse_tcp_seg *seg)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;
	uint32_t bits = seg->opt.tsecr;

	cse_tcp_opts_offer(tp, NULL);
	if (!c->tcp_timestamps || !seg->opt.has_ts) {
		tp->wscale_ok = false;
		tp->ts_on = false;
		tp->sack_ok = false;
		return;
	}
	tp->ts_recent = seg->opt.tsval;
	tp->ts_recent_stamp = cse_now(tp->sk.st);
	tp->mss -= CSE_TCP_TS_LEN;
	tp->sack_ok = tp->sack_ok && (bits & CSE_COOKIE_SACK);
	if ((bits & CSE_COOKIE_NO_WS) == CSE_COOKIE_NO_WS || !tp->wscale_ok) {
		tp->wscale_ok = false;
		return;
	}
	tp->snd_wscale = bits & CSE_COOKIE_NO_WS;
	tp->rcv_wscale = tp->wscale_offer;
}

struct cse_tcp_sock *cse_tcp_cookie_check(struct cse_tcp_sock *lp,
					  const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = lp->sk.st;
	struct cse_tcp_sock *tp;
	unsigned int idx;

	if (!cse_cookie_valid(lp, seg, &idx)) {
		if (lp->last_cookie)
			st->stats.tcp_cookie_bad++;
		return NULL;
	}
	if (lp->accept_n > lp->backlog)
		return NULL;
	tp = cse_tcp_child_new(lp, seg);
	if (!tp)
		return NULL;
	tp->irs = seg->seq - 1;
	tp->rcv_nxt = seg->seq;
	tp->rcv_adv = seg->seq;
	tp->iss = seg->ack - 1;
	tp->snd_una = tp->iss;
	tp->snd_nxt = seg->ack;
	tp->snd_max = seg->ack;
	tp->snd_buf_seq = seg->ack;
	tp->snd_wl1 = seg->seq;
	tp->snd_wl2 = tp->iss;
	tp->mss = cse_cookie_mss[idx];
	if (tp->mss > st->mtu - 40)
		tp->mss = (uint16_t)(st->mtu - 40);
	cse_cookie_opts(tp, seg);
	st->stats.tcp_cookie_ok++;
	return tp;
}
