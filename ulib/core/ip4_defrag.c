// SPDX-License-Identifier: GPL-2.0
/*
 * Reassembly (RFC 791 3.2, RFC 815), with Linux's rules (ip_fragment.c,
 * inet_fragment.c):
 *
 * - fragments are grouped by (source, destination, ID, protocol); a queue
 *   lives ipfrag_time (30 s) from its first fragment. When it runs out
 *   with fragment 0 held, the sender hears ICMP time exceeded, code 1.
 * - what the queues hold (fragments and the queues themselves) is bounded
 *   by ipfrag_high_thresh (4 MiB) and charged to the instance's memory
 *   bound too; a fragment that does not fit is dropped.
 * - RFC 5722 (amended by erratum 3089), as Linux applies it to IPv4 since
 *   4.19: a fragment that overlaps what is held drops the whole datagram;
 *   one wholly inside what is held is a duplicate, dropped alone.
 * - ends must agree: one last fragment, nothing beyond it, no empty
 *   fragment; a datagram over 65535 bytes is dropped. Non-last fragments
 *   are cut to a multiple of 8 bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "csum.h"
#include "icmp4.h"
#include "ip4_frag.h"
#include "priv.h"
#include "siphash.h"
#include "wire.h"

#define CSE_FRAG_FIRST_IN	1	/* offset 0 is held */
#define CSE_FRAG_LAST_IN	2	/* the end is known */
#define CSE_IP4_HLEN_MAX	60

struct cse_fragq {
	struct cse_list hash;
	struct cse_timer timer;
	struct cse_stack *st;
	uint32_t saddr, daddr;
	uint16_t id;
	uint8_t proto;
	uint8_t flags;			/* CSE_FRAG_* */
	bool bcast;			/* sent to a broadcast address */
	uint32_t len;			/* payload length (final: LAST_IN) */
	uint32_t meat;			/* payload bytes held */
	struct cse_pbuf *frags;		/* by offset, none overlapping */
	unsigned int hlen;		/* fragment 0's header, kept */
	uint8_t hdr[CSE_IP4_HLEN_MAX];
};

enum cse_frag_fit { CSE_FRAG_NEW, CSE_FRAG_DUP, CSE_FRAG_OVERLAP };

void cse_defrag_init(struct cse_defrag *d)
{
	unsigned int i;

	for (i = 0; i < CSE_DEFRAG_BUCKETS; i++)
		cse_list_init(&d->bucket[i]);
	d->mem = 0;
	d->queues = 0;
}

/* Keyed, so a sender cannot aim every queue at one bucket. */
static struct cse_list *cse_fragq_bucket(struct cse_stack *st,
					 const struct cse_ip4_rx *rx,
					 uint16_t id)
{
	uint8_t key[12];

	cse_put32(key, rx->saddr);
	cse_put32(key + 4, rx->daddr);
	cse_put16(key + 8, id);
	key[10] = rx->proto;
	key[11] = 'F';			/* unlike an ISN's or a cookie's */
	return &st->defrag.bucket[cse_siphash(st->isn_key, key, sizeof(key)) %
				  CSE_DEFRAG_BUCKETS];
}

static struct cse_fragq *cse_fragq_find(struct cse_list *b,
					const struct cse_ip4_rx *rx,
					uint16_t id)
{
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, b) {
		struct cse_fragq *q = cse_container_of(pos, struct cse_fragq,
						       hash);

		if (q->id == id && q->saddr == rx->saddr &&
		    q->daddr == rx->daddr && q->proto == rx->proto)
			return q;
	}
	return NULL;
}

static void cse_fragq_free(struct cse_fragq *q)
{
	struct cse_stack *st = q->st;
	struct cse_pbuf *f;

	while ((f = q->frags)) {
		q->frags = f->next;
		st->defrag.mem -= f->truesize;
		cse_pbuf_free(&st->mem, f);
	}
	cse_timer_del(&q->timer);
	cse_list_del(&q->hash);
	st->defrag.mem -= sizeof(*q);
	st->defrag.queues--;
	cse_mem_uncharge(&st->mem, sizeof(*q));
	free(q);
}

/* Time is up: tell the sender if we hold its first fragment, and drop. */
static void cse_fragq_expire(struct cse_timer *t, uint64_t now)
{
	struct cse_fragq *q = cse_container_of(t, struct cse_fragq, timer);
	struct cse_stack *st = q->st;
	uint8_t quote[CSE_ICMP_QUOTE_MAX];
	struct cse_pbuf *f0 = q->frags;

	(void)now;
	st->stats.ip_frag_timeout++;
	if ((q->flags & CSE_FRAG_FIRST_IN) && f0 && !f0->frag_off) {
		struct cse_ip4_rx rx = {
			.saddr = q->saddr, .daddr = q->daddr,
			.proto = q->proto, .bcast = q->bcast,
			.hdr = quote, .hlen = q->hlen, .data = quote + q->hlen,
			.len = f0->len,
		};

		if (rx.len > sizeof(quote) - q->hlen)
			rx.len = sizeof(quote) - q->hlen;
		memcpy(quote, q->hdr, q->hlen);
		memcpy(quote + q->hlen, cse_pbuf_data(f0), rx.len);
		/* What the queue held is free before the error is made. */
		cse_fragq_free(q);
		cse_icmp4_send_error(st, &rx, CSE_ICMP_TIMXCEED,
				     CSE_ICMP_EXC_FRAGTIME);
		return;
	}
	cse_fragq_free(q);
}

static struct cse_fragq *cse_fragq_new(struct cse_stack *st,
				       struct cse_list *b,
				       const struct cse_ip4_rx *rx, uint16_t id)
{
	struct cse_fragq *q;

	if (cse_mem_charge(&st->mem, sizeof(*q)))
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q) {
		cse_mem_uncharge(&st->mem, sizeof(*q));
		return NULL;
	}
	q->st = st;
	q->saddr = rx->saddr;
	q->daddr = rx->daddr;
	q->id = id;
	q->proto = rx->proto;
	cse_list_add_tail(b, &q->hash);
	cse_timer_init(&q->timer, cse_fragq_expire);
	cse_timer_mod(&st->timers, &q->timer,
		      cse_now(st) + st->cfg.ipfrag_time_ns);
	st->defrag.mem += sizeof(*q);
	st->defrag.queues++;
	return q;
}

/*
 * Where [@off, @end) goes among the held fragments: before *@at, or a
 * duplicate (inside a run of touching fragments), or an overlap.
 */
static enum cse_frag_fit cse_fragq_fit(struct cse_fragq *q, uint32_t off,
				       uint32_t end, struct cse_pbuf ***at)
{
	struct cse_pbuf **pp = &q->frags;

	while (*pp) {
		struct cse_pbuf **next = &(*pp)->next;
		uint32_t rs = (*pp)->frag_off, re = rs + (*pp)->len;

		while (*next && (*next)->frag_off == re) {
			re += (*next)->len;
			next = &(*next)->next;
		}
		if (end <= rs)
			break;
		if (off >= re) {
			pp = next;
			continue;
		}
		return off >= rs && end <= re ? CSE_FRAG_DUP :
		       CSE_FRAG_OVERLAP;
	}
	*at = pp;
	return CSE_FRAG_NEW;
}

/* The ends this fragment states agree with what the queue knows. */
static bool cse_fragq_ends(struct cse_fragq *q, uint32_t off, uint32_t end,
			   bool mf)
{
	if (!mf) {
		if (end < q->len ||
		    ((q->flags & CSE_FRAG_LAST_IN) && end != q->len))
			return false;
		q->flags |= CSE_FRAG_LAST_IN;
		q->len = end;
	} else if (end > q->len) {
		if (q->flags & CSE_FRAG_LAST_IN)
			return false;
		q->len = end;
	}
	return end != off;
}

/* Every byte is held: rebuild the datagram, free the queue, deliver. */
static void cse_fragq_reasm(struct cse_stack *st, struct cse_fragq *q)
{
	uint32_t tot = q->hlen + q->len;
	struct cse_ip4_rx rx;
	struct cse_pbuf *pb, *f;
	uint8_t *p;

	if (tot > CSE_IP4_MAXLEN) {
		st->stats.ip_frag_oversize++;
		cse_fragq_free(q);
		return;
	}
	pb = cse_pbuf_alloc(&st->mem, 0, tot);
	if (!pb) {
		st->stats.mem_drop++;
		cse_fragq_free(q);
		return;
	}
	p = cse_pbuf_data(pb);
	memcpy(p, q->hdr, q->hlen);
	for (f = q->frags; f; f = f->next)
		memcpy(p + q->hlen + f->frag_off, cse_pbuf_data(f), f->len);
	cse_put16(p + 2, (uint16_t)tot);
	cse_put16(p + 6, 0);
	cse_put16(p + 10, 0);
	cse_put16(p + 10, cse_csum(p, q->hlen));
	rx = (struct cse_ip4_rx){
		.saddr = q->saddr, .daddr = q->daddr, .proto = q->proto,
		.bcast = q->bcast, .hdr = p, .hlen = q->hlen,
		.data = p + q->hlen, .len = q->len,
	};
	cse_fragq_free(q);
	st->stats.ip_reasm_ok++;
	cse_ip4_deliver(st, &rx);
	cse_pbuf_free(&st->mem, pb);
}

/* Room for @n more bytes under ipfrag_high_thresh? */
static bool cse_defrag_room(const struct cse_stack *st, size_t n)
{
	size_t max = st->cfg.ipfrag_high_thresh;

	return n <= max && st->defrag.mem <= max - n;
}

void cse_ip4_defrag(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	uint16_t fo = cse_get16(rx->hdr + 6), id = cse_get16(rx->hdr + 4);
	uint32_t off = (fo & CSE_IP4_OFFSET) * 8u, end = off + rx->len;
	bool mf = fo & CSE_IP4_MF;
	struct cse_list *b = cse_fragq_bucket(st, rx, id);
	struct cse_fragq *q = cse_fragq_find(b, rx, id);
	size_t need;
	struct cse_pbuf **at, *f;

	st->stats.ip_frag_rx++;
	if (rx->hlen + end > CSE_IP4_MAXLEN) {
		st->stats.ip_frag_oversize++;
		goto kill;
	}
	if (mf)
		end &= ~7u;
	need = sizeof(struct cse_pbuf) + (end > off ? end - off : 0) +
	       (q ? 0 : sizeof(*q));
	if (!cse_defrag_room(st, need)) {
		st->stats.ip_frag_mem++;
		return;
	}
	if (!q) {
		q = cse_fragq_new(st, b, rx, id);
		if (!q) {
			st->stats.ip_frag_mem++;
			return;
		}
	}
	if (!cse_fragq_ends(q, off, end, mf)) {
		st->stats.ip_frag_bad++;
		goto kill;
	}
	switch (cse_fragq_fit(q, off, end, &at)) {
	case CSE_FRAG_DUP:
		st->stats.ip_frag_dup++;
		return;
	case CSE_FRAG_OVERLAP:
		st->stats.ip_frag_overlap++;
		goto kill;
	case CSE_FRAG_NEW:
		break;
	}
	f = cse_pbuf_alloc(&st->mem, 0, end - off);
	if (!f) {
		st->stats.mem_drop++;
		if (!q->frags)
			cse_fragq_free(q);
		return;
	}
	memcpy(cse_pbuf_data(f), rx->data, end - off);
	f->frag_off = off;
	f->next = *at;
	*at = f;
	q->meat += end - off;
	st->defrag.mem += f->truesize;
	if (!off) {
		q->flags |= CSE_FRAG_FIRST_IN;
		q->hlen = rx->hlen;
		memcpy(q->hdr, rx->hdr, rx->hlen);
		q->bcast = rx->bcast;
	}
	if ((q->flags & CSE_FRAG_FIRST_IN) && (q->flags & CSE_FRAG_LAST_IN) &&
	    q->meat == q->len)
		cse_fragq_reasm(st, q);
	return;
kill:
	if (q)
		cse_fragq_free(q);
}

void cse_defrag_flush(struct cse_stack *st)
{
	unsigned int i;

	for (i = 0; i < CSE_DEFRAG_BUCKETS; i++)
		while (!cse_list_empty(&st->defrag.bucket[i]))
			cse_fragq_free(cse_container_of(
				st->defrag.bucket[i].next, struct cse_fragq,
				hash));
}
