// SPDX-License-Identifier: GPL-2.0
/*
 * Each direction is a queue of frames sorted by the time they become
 * receivable; a reordered frame is simply given a later time, so frames
 * sent after it overtake it.
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
};

struct cse_memlink {
	struct cse_memlink_config cfg;
	struct cse_rng rng;
	struct cse_memdir dir[2];	/* dir[i]: frames for end i */
	struct cse_memend end[2];
};

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

/* Queue one copy of a frame towards @d, impaired as configured. */
static void cse_memlink_queue(struct cse_memlink *l, struct cse_memdir *d,
			      const void *frame, unsigned int len)
{
	const struct cse_memlink_impair *imp = &l->cfg.impair;
	uint64_t now = l->cfg.clock.now_ns(l->cfg.clock.priv);
	struct cse_memframe *f;

	if (d->count >= l->cfg.max_frames) {
		d->stats.overflow++;
		return;
	}
	f = malloc(sizeof(*f) + len);
	if (!f) {
		d->stats.overflow++;
		return;
	}
	memcpy(f->data, frame, len);
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

static int cse_memlink_xmit(void *priv, const void *frame, size_t len)
{
	struct cse_memend *e = priv;
	struct cse_memlink *l = e->l;
	struct cse_memdir *d = &l->dir[!e->idx];

	if (len > l->cfg.mtu + CSE_ETH_HLEN)
		return -EMSGSIZE;
	d->stats.sent++;
	if (d->burst || cse_memlink_roll(l, l->cfg.impair.drop_ppm)) {
		if (d->burst)
			d->burst--;
		d->stats.dropped++;
		return 0;	/* lost on the wire, not refused */
	}
	cse_memlink_queue(l, d, frame, len);
	if (cse_memlink_roll(l, l->cfg.impair.dup_ppm)) {
		d->stats.duplicated++;
		cse_memlink_queue(l, d, frame, len);
	}
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
	free(f);
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
		while (l->dir[i].head) {
			struct cse_memframe *f = l->dir[i].head;

			l->dir[i].head = f->next;
			free(f);
		}
	}
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
