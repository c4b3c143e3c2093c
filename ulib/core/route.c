// SPDX-License-Identifier: GPL-2.0
/*
 * A handful of routes per instance (connected subnet, default gateway,
 * whatever the control plane mirrors), so a linear longest-prefix scan is
 * both the simplest and the fastest structure.
 */
#include <errno.h>
#include <stddef.h>

#include "route.h"

static int cse_route_find(const struct cse_route_table *t, uint32_t dst,
			  unsigned int plen)
{
	unsigned int i;

	for (i = 0; i < t->count; i++)
		if (t->r[i].dst == dst && t->r[i].plen == plen)
			return (int)i;
	return -1;
}

int cse_route_insert(struct cse_route_table *t, uint32_t dst,
		     unsigned int plen, uint32_t gw)
{
	uint32_t mask = cse_prefix_mask(plen);

	if (plen > 32 || (dst & ~mask))
		return -EINVAL;
	if (cse_route_find(t, dst, plen) >= 0)
		return -EEXIST;
	if (t->count == CSE_ROUTE_MAX)
		return -ENOSPC;
	t->r[t->count++] = (struct cse_route){
		.dst = dst, .mask = mask, .gw = gw, .plen = plen,
	};
	return 0;
}

int cse_route_remove(struct cse_route_table *t, uint32_t dst,
		     unsigned int plen)
{
	int i = plen > 32 ? -1 : cse_route_find(t, dst, plen);

	if (i < 0)
		return -ESRCH;
	t->r[i] = t->r[--t->count];
	return 0;
}

int cse_route_lookup(const struct cse_route_table *t, uint32_t daddr,
		     uint32_t *nexthop)
{
	const struct cse_route *best = NULL;
	unsigned int i;

	for (i = 0; i < t->count; i++) {
		const struct cse_route *r = &t->r[i];

		if ((daddr & r->mask) == r->dst &&
		    (!best || r->plen > best->plen))
			best = r;
	}
	if (!best)
		return -ENETUNREACH;
	*nexthop = best->gw ? best->gw : daddr;
	return 0;
}
