/* SPDX-License-Identifier: GPL-2.0 */
/* The IPv4 routing table: longest prefix match over a small fixed array. */
#ifndef CSE_CORE_ROUTE_H
#define CSE_CORE_ROUTE_H

#include <stdint.h>

#define CSE_ROUTE_MAX	16

struct cse_route {
	uint32_t dst;		/* host byte order, host bits clear */
	uint32_t mask;
	uint32_t gw;		/* 0: on-link */
	unsigned int plen;
};

struct cse_route_table {
	struct cse_route r[CSE_ROUTE_MAX];
	unsigned int count;
};

struct cse_stack;

/* Callers reject prefixes over 32; clamping keeps the shift defined. */
static inline uint32_t cse_prefix_mask(unsigned int plen)
{
	if (plen > 32)
		plen = 32;
	return plen ? ~0u << (32 - plen) : 0;
}

int cse_route_insert(struct cse_route_table *t, uint32_t dst,
		     unsigned int plen, uint32_t gw);
int cse_route_remove(struct cse_route_table *t, uint32_t dst,
		     unsigned int plen);
/* Next hop for @daddr in @nexthop; -ENETUNREACH when no route matches. */
int cse_route_lookup(const struct cse_route_table *t, uint32_t daddr,
		     uint32_t *nexthop);

#endif /* CSE_CORE_ROUTE_H */
