// SPDX-License-Identifier: GPL-2.0
/*
 * The hold table (tcp_hold.h): a small array searched linearly. It is
 * only looked at for a segment no connection took, and for the calls
 * that change it; expired entries go when a search meets them.
 */
#include <errno.h>
#include <stdlib.h>

#include "handover.h"
#include "priv.h"
#include "tcp.h"

static bool cse_tcp_hold_is(const struct cse_tcp_hold_ent *e, uint32_t laddr,
			    uint16_t lport, uint32_t raddr, uint16_t rport)
{
	return e->laddr == laddr && e->lport == lport && e->raddr == raddr &&
	       e->rport == rport;
}

static void cse_tcp_hold_remove(struct cse_stack *st, unsigned int i)
{
	struct cse_tcp_holds *h = &st->holds;

	h->ent[i] = h->ent[--h->n];
}

/* The live entry for the tuple, or NULL; drops expired ones on the way. */
static struct cse_tcp_hold_ent *cse_tcp_hold_find(struct cse_stack *st,
						  uint32_t laddr,
						  uint16_t lport,
						  uint32_t raddr,
						  uint16_t rport)
{
	struct cse_tcp_holds *h = &st->holds;
	uint64_t now = cse_now(st);
	unsigned int i = 0;

	while (i < h->n) {
		struct cse_tcp_hold_ent *e = &h->ent[i];

		if (e->expires <= now) {
			cse_tcp_hold_remove(st, i);
			continue;
		}
		if (cse_tcp_hold_is(e, laddr, lport, raddr, rport))
			return e;
		i++;
	}
	return NULL;
}

static int cse_tcp_hold_grow(struct cse_stack *st)
{
	struct cse_tcp_holds *h = &st->holds;
	unsigned int cap = h->cap ? h->cap * 2 : 16;
	struct cse_tcp_hold_ent *ent;

	if (h->n >= CSE_TCP_HOLD_MAX)
		return -ENOBUFS;
	if (cap > CSE_TCP_HOLD_MAX)
		cap = CSE_TCP_HOLD_MAX;
	if (cse_mem_charge(&st->mem, (cap - h->cap) * sizeof(*ent)))
		return -ENOBUFS;
	ent = realloc(h->ent, cap * sizeof(*ent));
	if (!ent) {
		cse_mem_uncharge(&st->mem, (cap - h->cap) * sizeof(*ent));
		return -ENOBUFS;
	}
	h->ent = ent;
	h->cap = cap;
	return 0;
}

int cse_tcp_hold_add(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		     uint32_t raddr, uint16_t rport,
		     enum cse_tcp_hold_kind kind, bool replace)
{
	struct cse_tcp_holds *h = &st->holds;
	struct cse_tcp_hold_ent *e = cse_tcp_hold_find(st, laddr, lport,
						       raddr, rport);
	int err;

	if (e && !replace)
		return -EEXIST;
	if (!e) {
		if (h->n == h->cap) {
			err = cse_tcp_hold_grow(st);
			if (err)
				return err;
		}
		e = &h->ent[h->n++];
	}
	*e = (struct cse_tcp_hold_ent){
		.laddr = laddr, .lport = lport, .raddr = raddr,
		.rport = rport, .kind = (uint8_t)kind,
		.expires = cse_now(st) + CSE_TCP_HOLD_NS,
	};
	return 0;
}

void cse_tcp_hold_del(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		      uint32_t raddr, uint16_t rport)
{
	struct cse_tcp_hold_ent *e = cse_tcp_hold_find(st, laddr, lport,
						       raddr, rport);

	if (e)
		cse_tcp_hold_remove(st, (unsigned int)(e - st->holds.ent));
}

bool cse_tcp_hold_drop(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		       uint32_t raddr, uint16_t rport)
{
	struct cse_tcp_hold_ent *e;

	if (!st->holds.n)
		return false;
	e = cse_tcp_hold_find(st, laddr, lport, raddr, rport);
	if (!e)
		return false;
	if (e->kind == CSE_TCP_HOLD_EXPECT)
		st->stats.tcp_expect_drop++;
	else
		st->stats.tcp_moved_drop++;
	return true;
}

void cse_tcp_hold_free(struct cse_stack *st)
{
	struct cse_tcp_holds *h = &st->holds;

	cse_mem_uncharge(&st->mem, h->cap * sizeof(*h->ent));
	free(h->ent);
	*h = (struct cse_tcp_holds){ 0 };
}

bool cse_tcp_tuple_used(struct cse_stack *st, uint32_t laddr, uint16_t lport,
			uint32_t raddr, uint16_t rport)
{
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, cse_port_bucket(&st->tcp, lport)) {
		struct cse_sock *s = cse_container_of(pos, struct cse_sock,
						      hash);

		if (s->lport == lport && s->laddr == laddr &&
		    s->raddr == raddr && s->rport == rport &&
		    cse_tcp_sk(s)->state != CSE_TCP_CLOSED)
			return true;
	}
	return false;
}

int cse_tcp_expect(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		   uint32_t raddr, uint16_t rport)
{
	struct cse_tcp_hold_ent *e;

	if (!laddr || !lport || !raddr || !rport)
		return -EINVAL;
	if (cse_tcp_tuple_used(st, laddr, lport, raddr, rport))
		return -EADDRINUSE;
	/* A connection that left and comes back: its MOVED entry goes. */
	e = cse_tcp_hold_find(st, laddr, lport, raddr, rport);
	return cse_tcp_hold_add(st, laddr, lport, raddr, rport,
				CSE_TCP_HOLD_EXPECT,
				e && e->kind == CSE_TCP_HOLD_MOVED);
}

void cse_tcp_expect_cancel(struct cse_stack *st, uint32_t laddr,
			   uint16_t lport, uint32_t raddr, uint16_t rport)
{
	struct cse_tcp_hold_ent *e = cse_tcp_hold_find(st, laddr, lport,
						       raddr, rport);

	if (e && e->kind == CSE_TCP_HOLD_EXPECT)
		cse_tcp_hold_remove(st, (unsigned int)(e - st->holds.ent));
}
