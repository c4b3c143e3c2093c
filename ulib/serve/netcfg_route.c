// SPDX-License-Identifier: GPL-2.0
/*
 * The host's IPv4 main table as the library knows it: filled from
 * /proc/net/route at start-up, then from rtnetlink (rtmirror.c). Route
 * selection is the kernel's for IPv4 unicast: the longest prefix, then the
 * lowest metric, then the route that came first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "netcfg.h"

static bool cse_route_same(const struct cse_netcfg_route *a,
			   const struct cse_netcfg_route *b)
{
	return a->dst.s_addr == b->dst.s_addr && a->plen == b->plen &&
	       a->metric == b->metric;
}

static int cse_route_find(const struct cse_netcfg *cfg,
			  const struct cse_netcfg_route *r, bool exact)
{
	unsigned int i;

	for (i = 0; i < cfg->n_routes; i++) {
		const struct cse_netcfg_route *x = &cfg->route[i];

		if (!cse_route_same(x, r))
			continue;
		if (exact && ((r->oif && r->oif != x->oif) ||
			      (r->gw.s_addr && r->gw.s_addr != x->gw.s_addr)))
			continue;
		return (int)i;
	}
	return -1;
}

int cse_netcfg_route_set(struct cse_netcfg *cfg,
			 const struct cse_netcfg_route *r, bool replace)
{
	int i;

	if (r->plen > 32 || (r->dst.s_addr & ~cse_netcfg_mask(r->plen)))
		return -EINVAL;
	i = cse_route_find(cfg, r, false);
	if (i >= 0) {
		if (replace)
			cfg->route[i] = *r;
		return 0;
	}
	if (cfg->n_routes == CSE_NETCFG_MAX_ROUTES)
		return -ENOSPC;
	cfg->route[cfg->n_routes++] = *r;
	return 0;
}

/* Order is kept: among equals the first one is the kernel's choice. */
int cse_netcfg_route_del(struct cse_netcfg *cfg,
			 const struct cse_netcfg_route *r)
{
	int i = cse_route_find(cfg, r, true);

	if (i < 0)
		return -ESRCH;
	memmove(&cfg->route[i], &cfg->route[i + 1],
		(cfg->n_routes - i - 1) * sizeof(cfg->route[0]));
	cfg->n_routes--;
	return 0;
}

const struct cse_netcfg_route *
cse_netcfg_route_lookup(const struct cse_netcfg *cfg, struct in_addr dst)
{
	const struct cse_netcfg_route *best = NULL;
	unsigned int i;

	for (i = 0; i < cfg->n_routes; i++) {
		const struct cse_netcfg_route *r = &cfg->route[i];

		if ((dst.s_addr & cse_netcfg_mask(r->plen)) != r->dst.s_addr)
			continue;
		if (!best || r->plen > best->plen ||
		    (r->plen == best->plen && r->metric < best->metric))
			best = r;
	}
	return best;
}

int cse_netcfg_local_add(struct cse_netcfg *cfg, struct in_addr a)
{
	unsigned int i;

	for (i = 0; i < cfg->n_local; i++)
		if (cfg->local[i].s_addr == a.s_addr)
			return 0;
	if (cfg->n_local == CSE_NETCFG_MAX_LOCAL)
		return -ENOSPC;
	cfg->local[cfg->n_local++] = a;
	return 0;
}

int cse_netcfg_local_del(struct cse_netcfg *cfg, struct in_addr a)
{
	unsigned int i;

	for (i = 0; i < cfg->n_local; i++)
		if (cfg->local[i].s_addr == a.s_addr) {
			cfg->local[i] = cfg->local[--cfg->n_local];
			return 0;
		}
	return -ESRCH;
}
