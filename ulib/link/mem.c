// SPDX-License-Identifier: GPL-2.0
/*
 * Each direction is a queue of frames sorted by the time they become
 * receivable; a reordered frame is simply given a later time, so frames
 * sent after it overtake it.
 *
 * Every frame has room for the MTU, so a sender can build its frame in
 * one (tx_get) and the frame itself travels: received frames go back to
 * a small cache instead of to malloc.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "../core/rand.h"
#include "mem.h"

struct cse_memframe {
	struct cse_memframe *next;
	uint64_t due;
	unsigned int len;
	uint8_t data[];
};

/* Frames travelling towards one end. */
struct cse_memdir {
	struct cse_memframe *head;
	struct cse_memframe *tail;	/* last of the list, or NULL */
	unsigned int count;
	struct cse_memlink_stats stats;	/* of frames sent from the other end */
	unsigned int burst;		/* the next frames to lose */
};

struct cse_memend {
	struct cse_memlink *l;
	unsigned int idx;
	struct cse_memframe *lent;	/* by tx_get, not yet committed */
};

/* Frames kept for reuse: enough for a window's worth in flight. */
#define CSE_MEMLINK_CACHE	1024

struct cse_memlink {
	struct cse_memlink_config cfg;
	struct cse_rng rng;
	struct cse_memdir dir[2];	/* dir[i]: frames for end i */
	struct cse_memend end[2];
	struct cse_memframe *cache;	/* frames to reuse */
	unsigned int cached;
};

static struct cse_memframe *cse_memlink_frame(struct cse_memlink *l)
{
	struct cse_memframe *f = l->cache;

	if (!f)
		return malloc(sizeof(*f) + l->cfg.mtu + CSE_ETH_HLEN);
	l->cache = f->next;
	l->cached--;
	return f;
}

static void cse_memlink_unframe(struct cse_memlink *l, struct cse_memframe *f)
{
	if (l->cached >= CSE_MEMLINK_CACHE) {
		free(f);
		return;
	}
	f->next = l->cache;
	l->cache = f;
	l->cached++;
}

static void cse_memlink_free_list(struct cse_memframe *f)
{
	while (f) {
		struct cse_memframe *next = f->next;

		free(f);
		f = next;
	}
}

static bool cse_memlink_roll(struct cse_memlink *l, uint32_t ppm)
{
	return ppm && cse_rng_below(&l->rng, 1000000) < ppm;
}

static void cse_memlink_insert(struct cse_memdir *d, struct cse_memframe *f)
{
	struct cse_memframe **pp = &d->head;

	/* Most frames are due last: append without walking the queue. */
	if (d->tail && d->tail->due <= f->due)
		pp = &d->tail->next;
	while (*pp && (*pp)->due <= f->due)
		pp = &(*pp)->next;
	f->next = *pp;
	*pp = f;
	if (!f->next)
		d->tail = f;
	d->count++;
}

/* Queue frame @f towards @d, impaired as configured. Takes @f. */
static void cse_memlink_queue(struct cse_memlink *l, struct cse_memdir *d,
			      struct cse_memframe *f, unsigned int len)
{
	const struct cse_memlink_impair *imp = &l->cfg.impair;
	uint64_t now = l->cfg.clock.now_ns(l->cfg.clock.priv);

	if (d->count >= l->cfg.max_frames) {
		d->stats.overflow++;
		cse_memlink_unframe(l, f);
		return;
	}
	f->len = len;
	f->due = now + imp->delay_ns;
	if (cse_memlink_roll(l, imp->reorder_ppm)) {
		f->due += imp->reorder_ns;
		d->stats.reordered++;
	}
	if (len && cse_memlink_roll(l, imp->corrupt_ppm)) {
		f->data[cse_rng_below(&l->rng, len)] ^=
			1u << cse_rng_below(&l->rng, 8);
		d->stats.corrupted++;
	}
	cse_memlink_insert(d, f);
}

/* Put frame @f (@len bytes) on the wire from end @e. Takes @f. */
static void cse_memlink_send(struct cse_memend *e, struct cse_memframe *f,
			     unsigned int len)
{
	struct cse_memlink *l = e->l;
	struct cse_memdir *d = &l->dir[!e->idx];
	struct cse_memframe *dup = NULL;

	d->stats.sent++;
	if (d->burst || cse_memlink_roll(l, l->cfg.impair.drop_ppm)) {
		if (d->burst)
			d->burst--;
		d->stats.dropped++;
		cse_memlink_unframe(l, f);
		return;		/* lost on the wire, not refused */
	}
	/* The copy, if one is rolled, is of the frame before impairment. */
	if (l->cfg.impair.dup_ppm) {
		dup = cse_memlink_frame(l);
		if (dup)
			memcpy(dup->data, f->data, len);
	}
	cse_memlink_queue(l, d, f, len);
	if (cse_memlink_roll(l, l->cfg.impair.dup_ppm) && dup) {
		d->stats.duplicated++;
		cse_memlink_queue(l, d, dup, len);
	} else if (dup) {
		cse_memlink_unframe(l, dup);
	}
}

static int cse_memlink_xmit(void *priv, const void *frame, size_t len)
{
	struct cse_memend *e = priv;
	struct cse_memframe *f;

	if (len > e->l->cfg.mtu + CSE_ETH_HLEN)
		return -EMSGSIZE;
	f = cse_memlink_frame(e->l);
	if (!f) {	/* no memory: the frame is lost as on a full queue */
		e->l->dir[!e->idx].stats.overflow++;
		return 0;
	}
	memcpy(f->data, frame, len);
	cse_memlink_send(e, f, (unsigned int)len);
	return 0;
}

static int cse_memlink_tx_get(void *priv, size_t len, void **frame)
{
	struct cse_memend *e = priv;

	if (len > e->l->cfg.mtu + CSE_ETH_HLEN)
		return -EMSGSIZE;
	if (!e->lent)
		e->lent = cse_memlink_frame(e->l);
	if (!e->lent)
		return -ENOBUFS;
	*frame = e->lent->data;
	return 0;
}

static int cse_memlink_tx_commit(void *priv, void *frame, size_t len)
{
	struct cse_memend *e = priv;
	struct cse_memframe *f = e->lent;

	if (!f || frame != f->data || len > e->l->cfg.mtu + CSE_ETH_HLEN)
		return -EINVAL;
	e->lent = NULL;
	cse_memlink_send(e, f, (unsigned int)len);
	return 0;
}

static int cse_memlink_recv(void *priv, void *buf, size_t cap)
{
	struct cse_memend *e = priv;
	struct cse_memlink *l = e->l;
	struct cse_memdir *d = &l->dir[e->idx];
	struct cse_memframe *f = d->head;
	int len;

	if (!f || f->due > l->cfg.clock.now_ns(l->cfg.clock.priv))
		return 0;
	d->head = f->next;
	if (!d->head)
		d->tail = NULL;
	d->count--;
	len = f->len > cap ? -EMSGSIZE : (int)f->len;
	if (len > 0) {
		memcpy(buf, f->data, f->len);
		d->stats.delivered++;
	}
	cse_memlink_unframe(l, f);
	return len;
}

static unsigned int cse_memlink_mtu(void *priv)
{
	struct cse_memend *e = priv;

	return e->l->cfg.mtu;
}

static void cse_memlink_mac(void *priv, uint8_t mac[CSE_ETH_ALEN])
{
	struct cse_memend *e = priv;

	memcpy(mac, e->l->cfg.mac[e->idx], CSE_ETH_ALEN);
}

static const struct cse_link_ops cse_memlink_ops = {
	.xmit = cse_memlink_xmit,
	.tx_get = cse_memlink_tx_get,
	.tx_commit = cse_memlink_tx_commit,
	.recv = cse_memlink_recv,
	.mtu = cse_memlink_mtu,
	.mac = cse_memlink_mac,
};

int cse_memlink_create(const struct cse_memlink_config *cfg,
		       struct cse_memlink **out)
{
	struct cse_memlink *l;
	unsigned int i;

	if (!cfg->clock.now_ns || cfg->mtu < 68 || cfg->mtu > 65535 ||
	    !cfg->max_frames)
		return -EINVAL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	l->cfg = *cfg;
	cse_rng_seed(&l->rng, cfg->seed);
	for (i = 0; i < 2; i++)
		l->end[i] = (struct cse_memend){ .l = l, .idx = i };
	*out = l;
	return 0;
}

void cse_memlink_destroy(struct cse_memlink *l)
{
	unsigned int i;

	if (!l)
		return;
	for (i = 0; i < 2; i++) {
		cse_memlink_free_list(l->dir[i].head);
		free(l->end[i].lent);
	}
	cse_memlink_free_list(l->cache);
	free(l);
}

struct cse_link cse_memlink_end(struct cse_memlink *l, unsigned int end)
{
	return (struct cse_link){ .ops = &cse_memlink_ops,
				  .priv = &l->end[end & 1] };
}

uint64_t cse_memlink_next(const struct cse_memlink *l)
{
	uint64_t next = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < 2; i++)
		if (l->dir[i].head && l->dir[i].head->due < next)
			next = l->dir[i].head->due;
	return next;
}

const struct cse_memlink_stats *cse_memlink_stats(const struct cse_memlink *l,
						  unsigned int end)
{
	return &l->dir[!(end & 1)].stats;
}

void cse_memlink_drop_burst(struct cse_memlink *l, unsigned int end,
			    unsigned int n)
{
	l->dir[!end].burst = n;
}
