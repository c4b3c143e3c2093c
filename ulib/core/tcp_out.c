// SPDX-License-Identifier: GPL-2.0
/*
 * TCP output: every segment is built by cse_tcp_emit() from a small
 * description, so data, control segments and stateless resets share one
 * path. cse_tcp_output() sends what the windows allow.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "csum.h"
#include "ip4_tx.h"
#include "priv.h"
#include "tcp.h"
#include "wire.h"

/*
 * What a run of outgoing segments is: a control segment, or @len bytes
 * of data that cse_tcp_emit() cuts into pieces of @mss in one pass, all
 * sharing one header but for the sequence number, and PSH and FIN, which
 * only the last piece carries.
 */
struct cse_tcp_out {
	uint32_t raddr;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	struct cse_tcp_opts opt;	/* what options to write */
	const struct cse_ring *data;	/* payload source, or NULL */
	uint32_t data_off, len;
	uint32_t mss;			/* largest piece; 0: @len in one */
	uint8_t ttl;
	struct cse_tcp_sock *tp;	/* the connection, or NULL */
	struct cse_sock *owner;
};

/* The header every piece of @o starts from; returns its length. */
static unsigned int cse_tcp_hdr(const struct cse_tcp_out *o, uint8_t *h)
{
	unsigned int olen = cse_tcp_write_opts(h + CSE_TCP_HLEN, &o->opt);
	unsigned int hlen = CSE_TCP_HLEN + olen;

	cse_put16(h, o->sport);
	cse_put16(h + 2, o->dport);
	cse_put32(h + 8, (o->flags & CSE_TCP_ACK) ? o->ack : 0);
	h[12] = (uint8_t)(hlen / 4) << 4;
	cse_put16(h + 14, o->wnd);
	cse_put32(h + 16, 0);		/* checksum, urgent pointer */
	return hlen;
}

/*
 * Per piece of a connection's run: its ECN marks (RFC 3168 6.1), and the
 * RACK send map (RFC 8985) learns when it left.
 */
static uint8_t cse_tcp_piece(struct cse_tcp_sock *tp, uint32_t seq,
			     uint32_t n, uint8_t flags, uint8_t *tos)
{
	if (!(flags & (CSE_TCP_SYN | CSE_TCP_RST)) &&
	    (n || (flags & CSE_TCP_FIN)))
		cse_tcp_rack_sent(tp, seq, seq + n + !!(flags & CSE_TCP_FIN));
	return flags | cse_tcp_ecn_flags(tp, flags, seq, n, tos);
}

/* Build and send one piece: @n bytes at @seq into the link's buffer. */
static int cse_tcp_emit_piece(struct cse_stack *st, const struct cse_tcp_out *o,
			      const struct cse_ip4_path *path,
			      const uint8_t *hdr, unsigned int hlen,
			      uint32_t seq, uint32_t n, uint8_t flags)
{
	struct cse_ip4_tx tx;
	uint32_t sum;
	uint8_t *h;
	int err = cse_ip4_tx_begin(st, path, &tx, hlen + n);

	if (err)
		return err;
	h = tx.l4;
	memcpy(h, hdr, hlen);
	if (o->tp)
		flags = cse_tcp_piece(o->tp, seq, n, flags, &tx.tos);
	cse_put32(h + 4, seq);
	h[13] = flags;
	if (n)	/* the payload's one copy, from the send buffer */
		cse_ring_peek(o->data, o->data_off + (seq - o->seq), h + hlen,
			      n);
	sum = cse_csum_pseudo(st->addr, o->raddr, IPPROTO_TCP, hlen + n);
	cse_put16(h + 16, cse_csum_fold(cse_csum_add(sum, h, hlen + n)));
	st->stats.tcp_tx++;
	return cse_ip4_tx_commit(st, path, &tx);
}

/*
 * Send the run @o. Route and neighbour are looked up once for all its
 * pieces. A piece the link refuses is lost as on a full qdisc, and the
 * rest still go; the first error is returned.
 */
static int cse_tcp_emit(struct cse_stack *st, const struct cse_tcp_out *o)
{
	uint8_t hdr[CSE_TCP_HLEN + CSE_TCP_OPT_MAX];
	unsigned int hlen = cse_tcp_hdr(o, hdr);
	uint32_t seq = o->seq, left = o->len;
	struct cse_ip4_path path;
	int err = cse_ip4_path(st, &path, o->raddr, IPPROTO_TCP, o->ttl,
			       o->owner), first = 0;

	if (err)
		return err;
	do {
		uint32_t n = o->mss && left > o->mss ? o->mss : left;
		uint8_t flags = o->flags;

		if (n < left)
			flags &= (uint8_t)~(CSE_TCP_PSH | CSE_TCP_FIN);
		err = cse_tcp_emit_piece(st, o, &path, hdr, hlen, seq, n,
					 flags);
		if (!first)
			first = err;
		seq += n;
		left -= n;
	} while (left);
	return first;
}

/*
 * The receive window to advertise: free buffer, never shrinking what was
 * already offered (RFC 9293 3.8.6.2.2), at most what the window field
 * can say with the agreed scale (RFC 7323 2.3).
 */
uint32_t cse_tcp_rcv_wnd(const struct cse_tcp_sock *tp)
{
	uint32_t space = tp->rcvbuf.buf ? cse_ring_space(&tp->rcvbuf) :
			 tp->sk.rcvbuf / 2;
	uint32_t offered = tp->rcv_adv - tp->rcv_nxt;

	if (cse_seq_lt(tp->rcv_adv, tp->rcv_nxt))
		offered = 0;
	if (space < offered)
		space = offered;
	if (space > 65535u << tp->rcv_wscale)
		space = 65535u << tp->rcv_wscale;
	return space;
}

/*
 * The window field of a segment with @flags. Scaling rounds down, so the
 * edge we already promised stays where it was (RFC 7323 2.4) instead of
 * appearing to move back.
 */
static uint16_t cse_tcp_wnd_field(struct cse_tcp_sock *tp, uint8_t flags)
{
	uint32_t wnd = cse_tcp_rcv_wnd(tp), field;

	if (flags & CSE_TCP_SYN)	/* never scaled (RFC 7323 2.2) */
		field = wnd > 65535 ? 65535 : wnd;
	else
		field = wnd >> tp->rcv_wscale;
	wnd = field << ((flags & CSE_TCP_SYN) ? 0 : tp->rcv_wscale);
	if (cse_seq_lt(tp->rcv_adv, tp->rcv_nxt + wnd))
		tp->rcv_adv = tp->rcv_nxt + wnd;
	return (uint16_t)field;
}

/* The options a segment of @tp with @flags and @len bytes carries. */
static void cse_tcp_conn_opts(struct cse_tcp_sock *tp, uint8_t flags,
			      uint32_t len, struct cse_tcp_opts *o)
{
	if (flags & CSE_TCP_RST)
		return;
	if (flags & CSE_TCP_SYN) {
		o->mss = (uint16_t)(tp->sk.st->mtu - 40);
		o->has_wscale = tp->wscale_ok;
		o->wscale = tp->wscale_offer;
		o->sack_ok = tp->sack_ok;
	}
	if (tp->ts_on) {
		o->has_ts = true;
		o->tsval = cse_tcp_ts_now(tp);
		o->tsecr = tp->ts_recent;
	}
	if (!len && !(flags & CSE_TCP_SYN))
		o->nsacks = (uint8_t)cse_tcp_sack_blocks(tp, o->sack,
				CSE_TCP_MAX_SACKS - tp->ts_on);
}

/*
 * Send @len bytes of this connection from sequence @seq, in as many
 * segments as the MSS makes of them.
 */
static int cse_tcp_xmit(struct cse_tcp_sock *tp, uint32_t seq, uint32_t len,
			uint8_t flags)
{
	struct cse_sock *s = &tp->sk;
	struct cse_tcp_out o = {
		.raddr = s->raddr, .sport = s->lport, .dport = s->rport,
		.seq = seq, .ack = tp->rcv_nxt, .flags = flags,
		.data = &tp->sndbuf, .data_off = seq - tp->snd_buf_seq,
		.len = len, .mss = tp->mss, .ttl = cse_sock_ttl(s), .tp = tp,
		.owner = s,
	};

	cse_tcp_conn_opts(tp, flags, len, &o.opt);
	if (!(flags & CSE_TCP_RST))
		o.wnd = cse_tcp_wnd_field(tp, flags);
	if (flags & CSE_TCP_ACK) {	/* whatever waited is acknowledged */
		tp->last_ack_sent = tp->rcv_nxt;
		tp->rcv_unacked = 0;
		cse_timer_del(&tp->delack_timer);
	}
	return cse_tcp_emit(s->st, &o);
}

int cse_tcp_send_syn(struct cse_tcp_sock *tp)
{
	uint8_t flags = CSE_TCP_SYN;
	int err;

	if (tp->state == CSE_TCP_SYN_RECEIVED)
		flags |= CSE_TCP_ACK;
	err = cse_tcp_xmit(tp, tp->iss, 0, flags);
	tp->snd_nxt = tp->iss + 1;
	if (cse_seq_lt(tp->snd_max, tp->snd_nxt))
		tp->snd_max = tp->snd_nxt;
	cse_tcp_rearm_rtx(tp);
	/* A lost first SYN is not an error the caller must see. */
	return err == -ENOBUFS || err == -ENETUNREACH ? err : 0;
}

/*
 * Control segments carry the RFC's SND.NXT, which is our snd_max: after a
 * timeout snd_nxt goes back to resend, but the peer may have everything
 * up to snd_max, and a lower sequence number would make it drop the
 * segment as old, ACK field and all.
 */
void cse_tcp_send_ack(struct cse_tcp_sock *tp)
{
	cse_tcp_xmit(tp, tp->snd_max, 0, CSE_TCP_ACK);
}

/* RFC 1122 4.2.3.6: an old sequence number, so the peer must answer. */
void cse_tcp_send_keepalive(struct cse_tcp_sock *tp)
{
	cse_tcp_xmit(tp, tp->snd_una - 1, 0, CSE_TCP_ACK);
}

void cse_tcp_send_rst(struct cse_tcp_sock *tp)
{
	tp->sk.st->stats.tcp_rst_tx++;
	cse_tcp_xmit(tp, tp->snd_max, 0, CSE_TCP_RST | CSE_TCP_ACK);
}

/* RFC 9293 3.10.7.1: the reset for a segment no connection wants. */
void cse_tcp_reply_rst(struct cse_stack *st, const struct cse_tcp_seg *seg)
{
	struct cse_tcp_out o = {
		.raddr = seg->saddr, .sport = seg->dport, .dport = seg->sport,
		.ttl = (uint8_t)st->cfg.ttl,
	};

	if (seg->flags & CSE_TCP_RST)
		return;
	if (seg->flags & CSE_TCP_ACK) {
		o.seq = seg->ack;
		o.flags = CSE_TCP_RST;
	} else {
		o.ack = seg->seq + seg->len + !!(seg->flags & CSE_TCP_SYN) +
			!!(seg->flags & CSE_TCP_FIN);
		o.flags = CSE_TCP_RST | CSE_TCP_ACK;
	}
	st->stats.tcp_rst_tx++;
	cse_tcp_emit(st, &o);
}

void cse_tcp_reply_synack(struct cse_stack *st, const struct cse_tcp_seg *seg,
			  uint32_t iss, uint16_t wnd,
			  const struct cse_tcp_opts *opt)
{
	struct cse_tcp_out o = {
		.raddr = seg->saddr, .sport = seg->dport, .dport = seg->sport,
		.seq = iss, .ack = seg->seq + 1,
		.flags = CSE_TCP_SYN | CSE_TCP_ACK, .wnd = wnd, .opt = *opt,
		.ttl = (uint8_t)st->cfg.ttl,
	};

	cse_tcp_emit(st, &o);
}

static uint32_t cse_tcp_data_end(const struct cse_tcp_sock *tp)
{
	return tp->snd_buf_seq + tp->sndbuf.len;
}

/*
 * Send from snd_nxt what @room and Nagle allow, in at most @max_segs
 * segments: their lengths are worked out first, then the whole run goes
 * to cse_tcp_xmit(), which cuts it into segments in one pass over the
 * send buffer. False if nothing went.
 */
static bool cse_tcp_send_run(struct cse_tcp_sock *tp, uint32_t room,
			     unsigned int max_segs, bool probe)
{
	uint32_t end = cse_tcp_data_end(tp), seq = tp->snd_nxt, len = 0;
	bool busy = tp->snd_una != tp->snd_nxt;
	uint8_t flags = CSE_TCP_ACK;
	unsigned int segs;

	for (segs = 0; segs < max_segs && cse_seq_lt(seq, end); segs++) {
		uint32_t n = end - seq;

		/*
		 * Nagle (RFC 9293 3.7.4): one small segment in flight at
		 * most, unless TCP_NODELAY or the FIN follows it.
		 */
		if (n < tp->mss && busy && !tp->sk.nodelay && !tp->fin_queued)
			break;
		if (n > tp->mss)
			n = tp->mss;
		/*
		 * Sender SWS avoidance (RFC 9293 3.8.6.2.1): a window that
		 * has less room than the segment does not cut it short,
		 * unless the room is half the largest window the peer ever
		 * offered. cwnd counts bytes, so without this its last
		 * fraction of an MSS would go as a runt every round trip.
		 * A window probe goes whatever its size.
		 */
		if (n > room - len) {
			if (!probe && room - len < tp->max_snd_wnd / 2)
				break;
			n = room - len;
		}
		if (!n)
			break;
		len += n;
		seq += n;
		busy = true;
	}
	if (len && seq == end)
		flags |= CSE_TCP_PSH;
	/* All data out: the FIN, once, needs no window. */
	if (tp->fin_queued && seq == end && (len || tp->snd_nxt == end))
		flags |= CSE_TCP_FIN;
	if (!len && !(flags & CSE_TCP_FIN))
		return false;
	if (!tp->rtt_pending && tp->snd_nxt == tp->snd_max) {
		tp->rtt_pending = true;		/* Karn: new data only */
		tp->rtt_seq = tp->snd_nxt;
		tp->rtt_start = cse_now(tp->sk.st);
	}
	cse_tcp_xmit(tp, tp->snd_nxt, len, flags);
	tp->snd_nxt += len + !!(flags & CSE_TCP_FIN);
	if (cse_seq_lt(tp->snd_max, tp->snd_nxt))
		tp->snd_max = tp->snd_nxt;
	return true;
}

static bool cse_tcp_can_send(const struct cse_tcp_sock *tp)
{
	switch (tp->state) {
	case CSE_TCP_ESTABLISHED:
	case CSE_TCP_CLOSE_WAIT:
	case CSE_TCP_FIN_WAIT_1:
	case CSE_TCP_CLOSING:
	case CSE_TCP_LAST_ACK:
		return true;
	default:
		return false;
	}
}

/* Send new segments while the flight stays within both windows. */
static void cse_tcp_send_window(struct cse_tcp_sock *tp)
{
	uint32_t wnd = tp->snd_wnd < tp->cwnd ? tp->snd_wnd : tp->cwnd;
	uint32_t flight = tp->snd_nxt - tp->snd_una;

	cse_tcp_send_run(tp, wnd > flight ? wnd - flight : 0, UINT_MAX,
			 false);
}

void cse_tcp_output(struct cse_tcp_sock *tp)
{
	uint32_t max = tp->snd_max;

	if (!cse_tcp_can_send(tp))
		return;
	/* In SACK recovery pipe, not the flight, says what may go. */
	if (tp->in_recovery && tp->sack_ok)
		cse_tcp_sack_send(tp);
	else
		cse_tcp_send_window(tp);
	cse_tcp_cwnd_validate(tp, cse_seq_lt(tp->snd_nxt,
					     cse_tcp_data_end(tp)));
	/*
	 * Unacknowledged data, or data the peer's zero window holds back:
	 * either way the timer must run (retransmit or persist).
	 */
	if (!cse_timer_pending(&tp->rtx_timer) &&
	    (tp->snd_una != tp->snd_max ||
	     cse_seq_lt(tp->snd_nxt, cse_tcp_data_end(tp))))
		cse_tcp_rearm_rtx(tp);
	/* RFC 8985 7.2: the PTO restarts when new data goes. */
	if (tp->snd_max != max || !cse_timer_pending(&tp->tlp_timer))
		cse_tcp_tlp_arm(tp);
}

/* The retransmission timer fired: go back to snd_una (RFC 9293 3.8.1). */
void cse_tcp_retransmit(struct cse_tcp_sock *tp)
{
	if (tp->rto_recovery && cse_tcp_rack_active(tp)) {
		/* RFC 8985 6.3: resend what is lost, from the send map. */
		uint64_t n = tp->sk.st->stats.tcp_retransmits;

		tp->rtt_pending = false;
		cse_tcp_sack_send(tp);
		if (n == tp->sk.st->stats.tcp_retransmits)
			cse_tcp_fast_retransmit(tp);
		return;
	}
	tp->sk.st->stats.tcp_retransmits++;
	tp->total_retrans++;
	tp->rtt_pending = false;		/* Karn's rule */
	if (tp->state == CSE_TCP_SYN_SENT ||
	    tp->state == CSE_TCP_SYN_RECEIVED) {
		cse_tcp_send_syn(tp);
		return;
	}
	tp->snd_nxt = tp->snd_una;
	cse_tcp_send_run(tp, tp->mss, 1, true);
}

/*
 * Nothing in flight but the peer's window is zero: probe it with one new
 * byte (RFC 9293 3.8.6.1); its ACK carries the window.
 */
/*
 * The persist timer: what of a segment the peer's window takes, as
 * Linux's tcp_write_wakeup(), or one byte into a shut window.
 */
void cse_tcp_probe_window(struct cse_tcp_sock *tp)
{
	uint32_t room = tp->snd_una + tp->snd_wnd - tp->snd_nxt;

	if ((int32_t)room <= 0)
		room = 1;
	cse_tcp_send_run(tp, room < tp->mss ? room : tp->mss, 1, true);
}

uint32_t cse_tcp_retransmit_range(struct cse_tcp_sock *tp, uint32_t seq,
				  uint32_t max)
{
	uint32_t end = cse_tcp_data_end(tp), n = 0;
	uint8_t flags = CSE_TCP_ACK;

	if (cse_seq_lt(seq, end))
		n = end - seq < max ? end - seq : max;
	if (tp->fin_queued && seq + n == end)
		flags |= CSE_TCP_FIN;
	else if (!n)
		return 0;
	tp->sk.st->stats.tcp_retransmits++;
	tp->total_retrans++;
	tp->rtt_pending = false;
	cse_tcp_xmit(tp, seq, n, flags);
	return n + !!(flags & CSE_TCP_FIN);
}

/* Three duplicate ACKs: resend the first unacknowledged segment only. */
uint32_t cse_tcp_fast_retransmit(struct cse_tcp_sock *tp)
{
	return cse_tcp_retransmit_range(tp, tp->snd_una, tp->mss);
}

bool cse_tcp_send_new(struct cse_tcp_sock *tp, uint32_t room)
{
	return cse_tcp_send_run(tp, room, 1, false);
}
