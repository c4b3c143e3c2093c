// SPDX-License-Identifier: GPL-2.0
/*
 * The out-of-order queue: segments beyond a hole wait here, sorted by
 * sequence number, until the hole is filled (RFC 9293 3.10.7.4, seventh
 * check: "segments with higher beginning sequence numbers SHOULD be held
 * for later processing"). Only what lies in the receive window is kept,
 * and the queue's true size stays under SO_RCVBUF as in Linux, so a peer
 * cannot make it grow without bound.
 */
#include <string.h>

#include "priv.h"
#include "tcp.h"

bool cse_tcp_ooo_covered(const struct cse_tcp_sock *tp, uint32_t seq,
			 uint32_t len)
{
	const struct cse_pbuf *pb;

	for (pb = tp->ooo.head; pb; pb = pb->next)
		if (cse_seq_leq(pb->tcp_seq, seq) &&
		    cse_seq_leq(seq + len, pb->tcp_seq + pb->len))
			return true;
	return false;
}

static void cse_tcp_ooo_insert(struct cse_pbq *q, struct cse_pbuf *pb)
{
	struct cse_pbuf **pp = &q->head;

	while (*pp && cse_seq_leq((*pp)->tcp_seq, pb->tcp_seq))
		pp = &(*pp)->next;
	pb->next = *pp;
	*pp = pb;
	if (!pb->next)
		q->tail = pb;
	q->count++;
	q->bytes += pb->truesize;
}

bool cse_tcp_ooo_add(struct cse_tcp_sock *tp, const struct cse_tcp_seg *seg)
{
	struct cse_stack *st = tp->sk.st;
	uint32_t wnd = cse_ring_space(&tp->rcvbuf);
	uint32_t off = seg->seq - tp->rcv_nxt, len = seg->len;
	bool fin = seg->flags & CSE_TCP_FIN;
	struct cse_pbuf *pb;

	if (off >= wnd)
		return false;
	if (len > wnd - off) {		/* keep only what fits the window */
		len = wnd - off;
		fin = false;
	}
	if (cse_tcp_ooo_covered(tp, seg->seq, len) ||
	    tp->ooo.bytes + sizeof(*pb) + len > tp->sk.rcvbuf)
		return false;
	pb = cse_pbuf_alloc(&st->mem, 0, len);
	if (!pb) {
		st->stats.mem_drop++;
		return false;
	}
	memcpy(cse_pbuf_data(pb), seg->data, len);
	pb->tcp_seq = seg->seq;
	pb->tcp_fin = fin;
	cse_tcp_ooo_insert(&tp->ooo, pb);
	return true;
}

bool cse_tcp_ooo_drain(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;
	struct cse_pbuf *pb;
	bool fin = false;

	while ((pb = tp->ooo.head) && cse_seq_leq(pb->tcp_seq, tp->rcv_nxt)) {
		uint32_t skip = tp->rcv_nxt - pb->tcp_seq;

		cse_pbq_pop(&tp->ooo);
		if (skip < pb->len) {
			uint32_t n = cse_ring_write(&tp->rcvbuf,
						    cse_pbuf_data(pb) + skip,
						    pb->len - skip);

			tp->rcv_nxt += n;
			fin = pb->tcp_fin && n == pb->len - skip;
		} else if (skip == pb->len) {
			fin = pb->tcp_fin;
		}
		cse_pbuf_free(&st->mem, pb);
		if (fin)
			break;
	}
	return fin;
}
