// SPDX-License-Identifier: GPL-2.0
/*
 * The taker's half of moving a connection (handover.h). The blob comes
 * from another process, so it is checked whole first, as the module
 * checks a ring: framing (-EBADMSG), then every field against the others
 * and against this stack (-EINVAL); only then is anything allocated.
 *
 * The connection restarts recovery from a clean state (tcp_blob.h says
 * what is not carried): no scoreboard, no RACK send map (it is marked
 * broken until the flight drains, so RACK stays out of it), no recovery
 * episode. Everything between snd_una and snd_max is still in the send
 * buffer, and the retransmission timer runs while any of it is out, so
 * what was lost is sent again by RTO, or by fast retransmit once the
 * peer's duplicate ACKs and SACKs come.
 */
#include <errno.h>
#include <string.h>

#include "handover.h"
#include "priv.h"
#include "tcp.h"
#include "tcp_blob.h"

#define CSE_TCP_MAX_WSCALE	14
#define CSE_TCP_BLOB_MAX_NS	(3600ULL * CSE_NSEC_PER_SEC)

/* The largest buffer a socket of @st may have; @rx: receive side. */
static uint32_t cse_tcp_buf_max(const struct cse_stack *st, bool rx)
{
	const struct cse_stack_config *c = &st->cfg;
	uint64_t m = rx ? c->tcp_rmem_max : c->tcp_wmem_max;
	uint64_t def = rx ? c->tcp_rmem_default : c->tcp_wmem_default;
	uint64_t sys = 2ULL * (rx ? c->rmem_max : c->wmem_max);

	if (m < def)
		m = def;
	if (m < sys)
		m = sys;
	return m > (1u << 30) ? 1u << 30 : (uint32_t)m;
}

/* Magic, version and the lengths of every section against @len. */
static int cse_tcp_blob_frame(const struct cse_tcp_blob *b, size_t len)
{
	uint64_t want;
	unsigned int i;

	if (b->magic != CSE_TCP_BLOB_MAGIC ||
	    b->version != CSE_TCP_BLOB_VERSION || b->hdr_len != sizeof(*b) ||
	    b->total_len != len)
		return -EBADMSG;
	want = (uint64_t)sizeof(*b) + b->snd_len + b->rcv_len +
	       (uint64_t)b->ooo_n * sizeof(struct cse_tcp_blob_ooo) +
	       b->ooo_bytes;
	if (want != len)
		return -EBADMSG;
	for (i = 0; i < CSE_ARRAY_SIZE(b->reserved); i++)
		if (b->reserved[i])
			return -EINVAL;
	if (b->flags & ~CSE_TCP_BLOB_FLAGS)
		return -EINVAL;
	return 0;
}

/* Which FIN flags each state has: [state] = { fin_queued, fin_rcvd }. */
static int cse_tcp_blob_state(const struct cse_tcp_blob *b)
{
	static const struct {
		bool ok, queued, rcvd;
	} fins[] = {
		[CSE_TCP_ESTABLISHED] = { true, false, false },
		[CSE_TCP_FIN_WAIT_1] = { true, true, false },
		[CSE_TCP_FIN_WAIT_2] = { true, true, false },
		[CSE_TCP_CLOSE_WAIT] = { true, false, true },
		[CSE_TCP_CLOSING] = { true, true, true },
		[CSE_TCP_LAST_ACK] = { true, true, true },
	};

	if (b->state >= CSE_ARRAY_SIZE(fins) || !fins[b->state].ok)
		return -EINVAL;
	if (fins[b->state].queued != !!(b->flags & CSE_TCP_BLOB_FIN_QUEUED) ||
	    fins[b->state].rcvd != !!(b->flags & CSE_TCP_BLOB_FIN_RCVD))
		return -EINVAL;
	if (b->shutdown & ~CSE_SHUTDOWN_MASK)
		return -EINVAL;
	/* ECE and CWR are ECN's; a moved flow has no data past a FIN. */
	if ((b->flags & (CSE_TCP_BLOB_ECE | CSE_TCP_BLOB_CWR)) &&
	    !(b->flags & CSE_TCP_BLOB_ECN))
		return -EINVAL;
	if (b->ooo_n && (b->flags & CSE_TCP_BLOB_FIN_RCVD))
		return -EINVAL;
	return 0;
}

/* The tuple: ours, and not another connection's. */
static int cse_tcp_blob_tuple(struct cse_stack *st,
			      const struct cse_tcp_blob *b)
{
	if (!b->lport || !b->rport || !b->raddr || b->raddr == st->addr)
		return -EINVAL;
	if (b->laddr != st->addr)
		return -EADDRNOTAVAIL;
	return 0;
}

/*
 * The send side: its buffer holds the bytes from snd_buf_seq, which is
 * snd_una unless our FIN is acknowledged (FIN-WAIT-2, buffer empty);
 * snd_una <= snd_nxt <= snd_max <= the end of data and FIN.
 */
static int cse_tcp_blob_send(const struct cse_stack *st,
			     const struct cse_tcp_blob *b)
{
	bool fin = b->flags & CSE_TCP_BLOB_FIN_QUEUED;
	uint32_t end = b->snd_buf_seq + b->snd_len + fin;
	bool fin_acked = fin && b->snd_una == end;
	uint32_t wmax = 65535u << b->snd_wscale;

	if (!b->snd_cap || b->snd_cap > cse_tcp_buf_max(st, false) ||
	    b->snd_len > b->snd_cap)
		return -EINVAL;
	if (b->snd_una != b->snd_buf_seq && !(fin_acked && !b->snd_len))
		return -EINVAL;
	if (fin_acked != (b->state == CSE_TCP_FIN_WAIT_2))
		return -EINVAL;
	if (b->snd_nxt - b->snd_una > b->snd_max - b->snd_una ||
	    b->snd_max - b->snd_una > end - b->snd_una ||
	    !cse_seq_lt(b->iss, b->snd_una))
		return -EINVAL;
	if (b->snd_wnd > wmax || b->max_snd_wnd > wmax)
		return -EINVAL;
	if (!b->cwnd || b->cwnd > (1u << 30) || !b->ssthresh)
		return -EINVAL;
	return 0;
}

/* The receive buffer's capacity: what was, or more to honour our offer. */
static uint64_t cse_tcp_blob_rcv_cap(const struct cse_tcp_blob *b)
{
	int32_t adv = (int32_t)(b->rcv_adv - b->rcv_nxt);
	uint64_t need = (uint64_t)b->rcv_len + (adv > 0 ? (uint32_t)adv : 0);

	return need > b->rcv_cap ? need : b->rcv_cap;
}

static int cse_tcp_blob_recv(const struct cse_stack *st,
			     const struct cse_tcp_blob *b)
{
	int32_t adv = (int32_t)(b->rcv_adv - b->rcv_nxt);

	if (!b->rcv_cap || b->rcv_len > b->rcv_cap ||
	    cse_tcp_blob_rcv_cap(b) > cse_tcp_buf_max(st, true))
		return -EINVAL;
	if (adv < -1 || adv > (int64_t)(65535u << b->rcv_wscale))
		return -EINVAL;
	if (!cse_seq_lt(b->irs, b->rcv_nxt) ||
	    !cse_seq_lt(b->irs, b->last_ack_sent) ||
	    !cse_seq_leq(b->last_ack_sent, b->rcv_nxt))
		return -EINVAL;
	return 0;
}

/*
 * The out-of-order records at @p: each ahead of rcv_nxt and inside the
 * buffer's room, sorted, a FIN only on the last one, which nothing
 * passes; their lengths add up to ooo_bytes (the frame was checked).
 */
static int cse_tcp_blob_ooo(const struct cse_tcp_blob *b, const uint8_t *p)
{
	uint32_t room = (uint32_t)(cse_tcp_blob_rcv_cap(b) - b->rcv_len);
	uint64_t left = b->ooo_bytes;
	uint32_t prev = 0, max_end = 0;
	unsigned int i;

	if (b->ooo_n > CSE_TCP_BLOB_OOO_MAX || b->ooo_bytes > room)
		return -EINVAL;
	for (i = 0; i < b->ooo_n; i++) {
		struct cse_tcp_blob_ooo r;
		uint32_t off;

		memcpy(&r, p, sizeof(r));
		off = r.seq - b->rcv_nxt;
		if (!r.len || r.len > left || r.reserved ||
		    (r.flags & ~CSE_TCP_BLOB_OOO_FIN) || !off || off >= room ||
		    r.len > room - off || (i && off < prev))
			return -EINVAL;
		if (r.flags & CSE_TCP_BLOB_OOO_FIN) {
			if (i != b->ooo_n - 1 || max_end > off + r.len)
				return -EINVAL;
		}
		if (max_end < off + r.len)
			max_end = off + r.len;
		prev = off;
		left -= r.len;
		p += sizeof(r) + r.len;
	}
	return left ? -EINVAL : 0;
}

static bool cse_in(int32_t v, int32_t lo, int32_t hi)
{
	return v >= lo && v <= hi;
}

/* Options, errors, RFC 7323, timers' inputs, the algorithm's name. */
static int cse_tcp_blob_opts(const struct cse_stack *st,
			     const struct cse_tcp_blob *b)
{
	uint32_t rmax = cse_tcp_buf_max(st, true);
	uint32_t wmax = cse_tcp_buf_max(st, false);

	if (!b->rcvbuf || b->rcvbuf / 2 > rmax || !b->sndbuf ||
	    b->sndbuf / 2 > wmax)
		return -EINVAL;
	if (!cse_in(b->linger_sec, 0, INT32_MAX) ||
	    !cse_in(b->keep_idle, 1, 32767) ||
	    !cse_in(b->keep_intvl, 1, 32767) || !cse_in(b->keep_cnt, 1, 127) ||
	    !cse_in(b->err, 0, 4095) || !cse_in(b->soft_err, 0, 4095))
		return -EINVAL;
	if ((b->flags & CSE_TCP_BLOB_TTL_SET) ? !b->ttl : b->ttl)
		return -EINVAL;
	if (b->snd_wscale > CSE_TCP_MAX_WSCALE ||
	    b->rcv_wscale > CSE_TCP_MAX_WSCALE ||
	    b->wscale_offer > CSE_TCP_MAX_WSCALE ||
	    (!(b->flags & CSE_TCP_BLOB_WSCALE) &&
	     (b->snd_wscale || b->rcv_wscale)))
		return -EINVAL;
	if (b->mss < 64 || b->mss > st->mtu - 40)
		return -EINVAL;
	if (b->srtt > CSE_TCP_BLOB_MAX_NS || b->rttvar > CSE_TCP_BLOB_MAX_NS ||
	    !b->rto || b->rto > CSE_TCP_BLOB_MAX_NS ||
	    b->min_rtt > CSE_TCP_BLOB_MAX_NS)
		return -EINVAL;
	if (!memchr(b->cc_name, 0, sizeof(b->cc_name)))
		return -EINVAL;
	return 0;
}

/* Everything, before anything is made. */
static int cse_tcp_blob_check(struct cse_stack *st, const void *blob,
			      size_t len, struct cse_tcp_blob *b)
{
	const uint8_t *p = blob;
	int err;

	if (!blob || len < sizeof(*b) || len > UINT32_MAX)
		return -EBADMSG;
	memcpy(b, blob, sizeof(*b));
	err = cse_tcp_blob_frame(b, len);
	if (!err)
		err = cse_tcp_blob_state(b);
	if (!err)
		err = cse_tcp_blob_opts(st, b);
	if (!err)
		err = cse_tcp_blob_send(st, b);
	if (!err)
		err = cse_tcp_blob_recv(st, b);
	if (!err)
		err = cse_tcp_blob_ooo(b, p + sizeof(*b) + b->snd_len +
				       b->rcv_len);
	if (!err)
		err = cse_tcp_blob_tuple(st, b);
	return err;
}

/* The buffers and the out-of-order queue, from the sections at @p. */
static int cse_tcp_import_bufs(struct cse_tcp_sock *tp,
			       const struct cse_tcp_blob *b, const uint8_t *p)
{
	struct cse_mem *m = &tp->sk.st->mem;
	unsigned int i;

	if (cse_ring_alloc(m, &tp->sndbuf, b->snd_cap) ||
	    cse_ring_alloc(m, &tp->rcvbuf, (uint32_t)cse_tcp_blob_rcv_cap(b)))
		return -ENOBUFS;
	cse_ring_write(&tp->sndbuf, p, b->snd_len);
	p += b->snd_len;
	cse_ring_write(&tp->rcvbuf, p, b->rcv_len);
	p += b->rcv_len;
	for (i = 0; i < b->ooo_n; i++) {
		struct cse_tcp_blob_ooo r;
		struct cse_pbuf *pb;

		memcpy(&r, p, sizeof(r));
		pb = cse_pbuf_alloc(m, 0, r.len);
		if (!pb)
			return -ENOBUFS;
		memcpy(cse_pbuf_data(pb), p + sizeof(r), r.len);
		pb->tcp_seq = r.seq;
		pb->tcp_fin = r.flags & CSE_TCP_BLOB_OOO_FIN;
		cse_pbq_push(&tp->ooo, pb);
		p += sizeof(r) + r.len;
	}
	return 0;
}

static void cse_tcp_import_sock(struct cse_sock *s,
				const struct cse_tcp_blob *b)
{
	uint32_t f = b->flags;

	s->laddr = b->laddr;
	s->raddr = b->raddr;
	s->rport = b->rport;
	s->shutdown = b->shutdown |
		      ((f & CSE_TCP_BLOB_FIN_RCVD) ? CSE_RCV_SHUTDOWN : 0);
	s->err = b->err;
	s->broadcast = f & CSE_TCP_BLOB_BROADCAST;
	s->reuseaddr = f & CSE_TCP_BLOB_REUSEADDR;
	s->ttl_set = f & CSE_TCP_BLOB_TTL_SET;
	s->ttl = b->ttl;
	s->linger_on = f & CSE_TCP_BLOB_LINGER;
	s->linger_sec = b->linger_sec;
	s->nodelay = f & CSE_TCP_BLOB_NODELAY;
	s->keepalive = f & CSE_TCP_BLOB_KEEPALIVE;
	s->keep_idle = b->keep_idle;
	s->keep_intvl = b->keep_intvl;
	s->keep_cnt = b->keep_cnt;
	s->rcvbuf = b->rcvbuf;
	s->sndbuf = b->sndbuf;
	s->rcvbuf_locked = f & CSE_TCP_BLOB_RCVBUF_SET;
	s->sndbuf_locked = f & CSE_TCP_BLOB_SNDBUF_SET;
}

static uint64_t cse_before(uint64_t now, uint64_t age)
{
	return age < now ? now - age : 1;
}

/* Sequence space, options, estimates; recovery from a clean state. */
static void cse_tcp_import_conn(struct cse_tcp_sock *tp,
				const struct cse_tcp_blob *b)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;
	const struct cse_tcp_cc_ops *cc = cse_tcp_cc_find(b->cc_name);
	uint64_t now = cse_now(tp->sk.st);
	uint32_t f = b->flags;

	tp->iss = b->iss;
	tp->snd_una = b->snd_una;
	tp->snd_nxt = b->snd_nxt;
	tp->snd_max = b->snd_max;
	tp->snd_wnd = b->snd_wnd;
	tp->snd_wl1 = b->snd_wl1;
	tp->snd_wl2 = b->snd_wl2;
	tp->max_snd_wnd = b->max_snd_wnd > b->snd_wnd ? b->max_snd_wnd :
			  b->snd_wnd;
	tp->snd_buf_seq = b->snd_buf_seq;
	tp->mss = b->mss;
	tp->irs = b->irs;
	tp->rcv_nxt = b->rcv_nxt;
	tp->rcv_adv = b->rcv_adv;
	tp->last_ack_sent = b->last_ack_sent;
	tp->wscale_ok = f & CSE_TCP_BLOB_WSCALE;
	tp->ts_on = f & CSE_TCP_BLOB_TS;
	tp->sack_ok = f & CSE_TCP_BLOB_SACK;
	tp->ecn_ok = f & CSE_TCP_BLOB_ECN;
	tp->ece_pending = f & CSE_TCP_BLOB_ECE;
	tp->cwr_pending = f & CSE_TCP_BLOB_CWR;
	tp->fin_queued = f & CSE_TCP_BLOB_FIN_QUEUED;
	tp->fin_rcvd = f & CSE_TCP_BLOB_FIN_RCVD;
	tp->wscale_offer = b->wscale_offer;
	tp->snd_wscale = b->snd_wscale;
	tp->rcv_wscale = b->rcv_wscale;
	/* Our TSvals go on from where the owner's were (RFC 7323 5.4). */
	tp->ts_off = b->ts_now - (uint32_t)(now / CSE_NSEC_PER_MSEC);
	tp->ts_recent = b->ts_recent;
	tp->ts_recent_stamp = cse_before(now, b->ts_recent_age);
	tp->ecn_recover = b->ecn_recover;
	tp->srtt = b->srtt;
	tp->rttvar = b->rttvar;
	tp->rto = b->rto < c->tcp_rto_min_ns ? c->tcp_rto_min_ns :
		  b->rto > c->tcp_rto_max_ns ? c->tcp_rto_max_ns : b->rto;
	tp->rack.min_rtt = b->min_rtt;
	tp->rs_broken = b->snd_una != b->snd_max;
	tp->high_rxt = b->snd_una;
	tp->recover = b->snd_una - 1;	/* fast retransmit may start */
	tp->total_retrans = b->total_retrans;
	tp->soft_err = b->soft_err;
	/* An unknown algorithm: the default, as a new socket gets. */
	tp->cc = cc ? cc : &cse_tcp_cubic;
	tp->cc->init(tp);
	tp->cwnd = b->cwnd;
	tp->ssthresh = b->ssthresh;
	tp->prior_cwnd = b->cwnd;
	tp->max_flight = b->snd_max - b->snd_una;
	tp->cwnd_usage_seq = b->snd_nxt;
	tp->last_rx = cse_before(now, b->last_rx_age);
	tp->rcvq_start = now;
}

/* Timers as the connection's state asks for them; readiness. */
static void cse_tcp_import_start(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;

	cse_tcp_output(tp);
	if (tp->snd_una != tp->snd_max && !cse_timer_pending(&tp->rtx_timer))
		cse_tcp_rearm_rtx(tp);
	cse_tcp_keepalive_reset(tp);
	if (tp->last_ack_sent != tp->rcv_nxt &&
	    !cse_timer_pending(&tp->delack_timer))
		cse_timer_mod(&st->timers, &tp->delack_timer,
			      cse_now(st) + st->cfg.tcp_delack_ns);
	if (tp->rcvbuf.len)
		cse_sock_data_ready(&tp->sk);
	else
		cse_sock_changed(&tp->sk);
}

int cse_tcp_import(struct cse_stack *st, const void *blob, size_t len,
		   struct cse_sock **skp)
{
	const uint8_t *p = blob;
	struct cse_tcp_blob b;
	struct cse_tcp_sock *tp;
	struct cse_sock *s;
	int err = cse_tcp_blob_check(st, blob, len, &b);

	if (err)
		return err;
	if (cse_tcp_tuple_used(st, b.laddr, b.lport, b.raddr, b.rport))
		return -EADDRINUSE;
	s = cse_sock_alloc(st, &cse_tcp_ops);
	if (!s)
		return -ENOBUFS;
	tp = cse_tcp_sk(s);
	if (cse_tcp_import_bufs(tp, &b, p + sizeof(b))) {
		cse_sock_free(s);
		return -ENOBUFS;
	}
	cse_tcp_import_sock(s, &b);
	cse_tcp_import_conn(tp, &b);
	tp->state = (enum cse_tcp_state)b.state;
	cse_port_hash(&st->tcp, s, b.lport);
	cse_tcp_hold_del(st, b.laddr, b.lport, b.raddr, b.rport);
	cse_tcp_import_start(tp);
	*skp = s;
	return 0;
}
