// SPDX-License-Identifier: GPL-2.0
/*
 * The owner's half of moving a connection (handover.h): how big its blob
 * is, the blob (tcp_blob.h), and forgetting the connection once the
 * blob is on its way.
 */
#include <errno.h>
#include <string.h>

#include "handover.h"
#include "priv.h"
#include "tcp.h"
#include "tcp_blob.h"

/* May @tp move? 0, or why not. */
static int cse_tcp_export_check(const struct cse_sock *s)
{
	const struct cse_tcp_sock *tp = (const struct cse_tcp_sock *)s;

	if (s->ops == &cse_tcp_moved_ops)
		return -CSE_TCP_MOVED_ERR;
	if (s->ops != &cse_tcp_ops)
		return -ENOTCONN;
	/* An orphan or an unaccepted child has no application to follow. */
	if (tp->orphan || tp->parent)
		return -ENOTCONN;
	switch (tp->state) {
	case CSE_TCP_ESTABLISHED:
	case CSE_TCP_FIN_WAIT_1:
	case CSE_TCP_FIN_WAIT_2:
	case CSE_TCP_CLOSE_WAIT:
	case CSE_TCP_CLOSING:
	case CSE_TCP_LAST_ACK:
		return 0;
	default:
		return -ENOTCONN;
	}
}

/* Is the out-of-order queue carried? Bounded, and never after a FIN. */
static bool cse_tcp_export_ooo(const struct cse_tcp_sock *tp)
{
	return !tp->fin_rcvd && tp->ooo.count <= CSE_TCP_BLOB_OOO_MAX;
}

static size_t cse_tcp_ooo_size(const struct cse_tcp_sock *tp)
{
	const struct cse_pbuf *pb;
	size_t n = 0;

	if (!cse_tcp_export_ooo(tp))
		return 0;
	for (pb = tp->ooo.head; pb; pb = pb->next)
		n += sizeof(struct cse_tcp_blob_ooo) + pb->len;
	return n;
}

ssize_t cse_tcp_export_size(struct cse_sock *sk)
{
	const struct cse_tcp_sock *tp = cse_tcp_sk(sk);
	int err = cse_tcp_export_check(sk);

	if (err)
		return err;
	return (ssize_t)(sizeof(struct cse_tcp_blob) + tp->sndbuf.len +
			 tp->rcvbuf.len + cse_tcp_ooo_size(tp));
}

static uint32_t cse_tcp_export_flags(const struct cse_tcp_sock *tp)
{
	const struct cse_sock *s = &tp->sk;
	const struct {
		bool on;
		uint32_t flag;
	} map[] = {
		{ tp->wscale_ok, CSE_TCP_BLOB_WSCALE },
		{ tp->ts_on, CSE_TCP_BLOB_TS },
		{ tp->sack_ok, CSE_TCP_BLOB_SACK },
		{ tp->ecn_ok, CSE_TCP_BLOB_ECN },
		{ tp->ecn_ok && tp->ece_pending, CSE_TCP_BLOB_ECE },
		{ tp->ecn_ok && tp->cwr_pending, CSE_TCP_BLOB_CWR },
		{ tp->fin_queued, CSE_TCP_BLOB_FIN_QUEUED },
		{ tp->fin_rcvd, CSE_TCP_BLOB_FIN_RCVD },
		{ s->nodelay, CSE_TCP_BLOB_NODELAY },
		{ s->keepalive, CSE_TCP_BLOB_KEEPALIVE },
		{ s->linger_on, CSE_TCP_BLOB_LINGER },
		{ s->rcvbuf_locked, CSE_TCP_BLOB_RCVBUF_SET },
		{ s->sndbuf_locked, CSE_TCP_BLOB_SNDBUF_SET },
		{ s->ttl_set, CSE_TCP_BLOB_TTL_SET },
		{ s->reuseaddr, CSE_TCP_BLOB_REUSEADDR },
		{ s->broadcast, CSE_TCP_BLOB_BROADCAST },
	};
	uint32_t flags = 0;
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(map); i++)
		if (map[i].on)
			flags |= map[i].flag;
	return flags;
}

static uint64_t cse_age(uint64_t now, uint64_t then)
{
	return then && then < now ? now - then : 0;
}

/* The connection's sequence space, windows and options. */
static void cse_tcp_export_conn(const struct cse_tcp_sock *tp,
				struct cse_tcp_blob *b)
{
	b->state = (uint8_t)tp->state;
	b->snd_wscale = tp->snd_wscale;
	b->rcv_wscale = tp->rcv_wscale;
	b->wscale_offer = tp->wscale_offer;
	b->mss = tp->mss;
	b->iss = tp->iss;
	b->snd_una = tp->snd_una;
	b->snd_nxt = tp->snd_nxt;
	b->snd_max = tp->snd_max;
	b->snd_wnd = tp->snd_wnd;
	b->snd_wl1 = tp->snd_wl1;
	b->snd_wl2 = tp->snd_wl2;
	b->max_snd_wnd = tp->max_snd_wnd;
	b->snd_buf_seq = tp->snd_buf_seq;
	b->irs = tp->irs;
	b->rcv_nxt = tp->rcv_nxt;
	b->rcv_adv = tp->rcv_adv;
	b->last_ack_sent = tp->last_ack_sent;
	b->ts_now = tp->ts_on ? cse_tcp_ts_now(tp) : 0;
	b->ts_recent = tp->ts_on ? tp->ts_recent : 0;
	b->ecn_recover = tp->ecn_recover;
	b->cwnd = tp->cwnd;
	b->ssthresh = tp->ssthresh;
	b->total_retrans = tp->total_retrans;
	b->srtt = tp->srtt;
	b->rttvar = tp->rttvar;
	b->rto = tp->rto;
	b->min_rtt = tp->rack.min_rtt;
	strncpy(b->cc_name, tp->cc->name, sizeof(b->cc_name) - 1);
}

/* The socket's side: tuple, options, errors, buffer sizes. */
static void cse_tcp_export_sock(const struct cse_tcp_sock *tp,
				struct cse_tcp_blob *b)
{
	const struct cse_sock *s = &tp->sk;

	b->laddr = s->laddr;
	b->raddr = s->raddr;
	b->lport = s->lport;
	b->rport = s->rport;
	b->shutdown = s->shutdown;
	b->ttl = s->ttl_set ? s->ttl : 0;
	b->rcvbuf = s->rcvbuf;
	b->sndbuf = s->sndbuf;
	b->rcv_cap = tp->rcvbuf.cap;
	b->snd_cap = tp->sndbuf.cap;
	b->linger_sec = s->linger_sec;
	b->keep_idle = s->keep_idle;
	b->keep_intvl = s->keep_intvl;
	b->keep_cnt = s->keep_cnt;
	b->err = s->err;
	b->soft_err = tp->soft_err;
	b->snd_len = tp->sndbuf.len;
	b->rcv_len = tp->rcvbuf.len;
}

/* The out-of-order queue's records and bytes at @p; returns the end. */
static uint8_t *cse_tcp_export_ooo_q(const struct cse_tcp_sock *tp,
				     struct cse_tcp_blob *b, uint8_t *p)
{
	const struct cse_pbuf *pb;

	if (!cse_tcp_export_ooo(tp))
		return p;
	for (pb = tp->ooo.head; pb; pb = pb->next) {
		struct cse_tcp_blob_ooo r = {
			.seq = pb->tcp_seq, .len = pb->len,
			.flags = pb->tcp_fin ? CSE_TCP_BLOB_OOO_FIN : 0,
		};

		memcpy(p, &r, sizeof(r));
		memcpy(p + sizeof(r), cse_pbuf_data(pb), pb->len);
		p += sizeof(r) + pb->len;
		b->ooo_n++;
		b->ooo_bytes += pb->len;
	}
	return p;
}

ssize_t cse_tcp_export(struct cse_sock *sk, void *buf, size_t len)
{
	const struct cse_tcp_sock *tp = cse_tcp_sk(sk);
	ssize_t need = cse_tcp_export_size(sk);
	uint64_t now = cse_now(sk->st);
	struct cse_tcp_blob b = {
		.magic = CSE_TCP_BLOB_MAGIC,
		.version = CSE_TCP_BLOB_VERSION,
		.hdr_len = sizeof(b),
	};
	uint8_t *p = (uint8_t *)buf + sizeof(b);

	if (need < 0)
		return need;
	if (len < (size_t)need)
		return -ENOBUFS;
	b.total_len = (uint32_t)need;
	b.flags = cse_tcp_export_flags(tp);
	b.ts_recent_age = tp->ts_on ? cse_age(now, tp->ts_recent_stamp) : 0;
	b.last_rx_age = cse_age(now, tp->last_rx);
	cse_tcp_export_conn(tp, &b);
	cse_tcp_export_sock(tp, &b);
	cse_ring_peek(&tp->sndbuf, 0, p, tp->sndbuf.len);
	p += tp->sndbuf.len;
	cse_ring_peek(&tp->rcvbuf, 0, p, tp->rcvbuf.len);
	p += tp->rcvbuf.len;
	cse_tcp_export_ooo_q(tp, &b, p);
	memcpy(buf, &b, sizeof(b));
	return need;
}

void cse_tcp_export_commit(struct cse_sock *sk)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(sk);
	struct cse_stack *st = sk->st;

	if (cse_tcp_export_check(sk))
		return;
	cse_tcp_stop_timers(tp);
	cse_ring_free(&st->mem, &tp->sndbuf);
	cse_ring_free(&st->mem, &tp->rcvbuf);
	cse_pbq_purge(&st->mem, &tp->ooo);
	cse_list_del(&sk->hash);
	/*
	 * Until the flow reaches the taker, its segments may still come
	 * here: dropped silently, never answered with an RST. A full
	 * table only costs that protection.
	 */
	cse_tcp_hold_add(st, sk->laddr, sk->lport, sk->raddr, sk->rport,
			 CSE_TCP_HOLD_MOVED, true);
	tp->state = CSE_TCP_CLOSED;
	sk->ops = &cse_tcp_moved_ops;
	sk->err = 0;
	cse_sock_changed(sk);
}
