// SPDX-License-Identifier: GPL-2.0
/*
 * The stack's share of the host's routes: for each prefix, the route the
 * host would choose, when it leaves through the served device. On-link
 * routes go in before routes via gateways, since the stack takes a gateway
 * only on a subnet it reaches. The served subnet is the stack's own and
 * is never touched here.
 */
#include <arpa/inet.h>
#include <errno.h>

#include "../core/stack.h"
#include "rtview.h"

/* Is @r the first best route of its prefix, as the kernel picks it? */
static bool cse_rtview_first_best(const struct cse_netcfg *net,
				  unsigned int i)
{
	const struct cse_netcfg_route *r = &net->route[i];
	unsigned int j;

	for (j = 0; j < net->n_routes; j++) {
		const struct cse_netcfg_route *x = &net->route[j];

		if (j == i || x->dst.s_addr != r->dst.s_addr ||
		    x->plen != r->plen)
			continue;
		if (x->metric < r->metric || (x->metric == r->metric && j < i))
			return false;
	}
	return true;
}

static bool cse_rtview_is_subnet(const struct cse_netcfg *net,
				 const struct cse_netcfg_route *r)
{
	return r->plen == net->prefix_len &&
	       r->dst.s_addr == cse_netcfg_subnet(net).s_addr;
}

/* Which of the host's routes the stack should carry, in @want. */
static void cse_rtview_wanted(const struct cse_rtview *v, bool *want)
{
	const struct cse_netcfg *net = v->net;
	unsigned int i;

	for (i = 0; i < net->n_routes; i++)
		want[i] = !v->gone && net->route[i].oif == net->ifindex &&
			  !cse_rtview_is_subnet(net, &net->route[i]) &&
			  cse_rtview_first_best(net, i);
}

static int cse_rtview_held(const struct cse_rtview *v,
			   const struct cse_netcfg_route *r)
{
	unsigned int k;

	for (k = 0; k < v->n_in_stack; k++)
		if (v->in_stack[k].dst.s_addr == r->dst.s_addr &&
		    v->in_stack[k].plen == r->plen &&
		    v->in_stack[k].gw.s_addr == r->gw.s_addr)
			return (int)k;
	return -1;
}

/* Take back from the stack what the host no longer routes so. */
static void cse_rtview_drop_stale(struct cse_rtview *v, const bool *want)
{
	bool keep[CSE_RTVIEW_MAX_STACK] = { false };
	unsigned int k, i;
	int h;

	for (i = 0; i < v->net->n_routes; i++) {
		h = want[i] ? cse_rtview_held(v, &v->net->route[i]) : -1;
		if (h >= 0)
			keep[h] = true;
	}
	for (k = v->n_in_stack; k-- > 0;) {
		if (keep[k])
			continue;
		cse_route_del(v->st, v->in_stack[k].dst, v->in_stack[k].plen);
		v->in_stack[k] = v->in_stack[--v->n_in_stack];
		keep[k] = keep[v->n_in_stack];
	}
}

static void cse_rtview_add(struct cse_rtview *v, struct cse_netcfg_route *r)
{
	int err;

	if (cse_rtview_held(v, r) >= 0) {
		r->usable = true;
		return;
	}
	if (v->n_in_stack == CSE_RTVIEW_MAX_STACK) {
		v->unusable++;
		return;
	}
	err = cse_route_add(v->st, r->dst, r->plen, r->gw);
	if (err) {
		v->unusable++;
		return;
	}
	v->in_stack[v->n_in_stack++] = (struct cse_rtview_hop){
		.dst = r->dst, .gw = r->gw, .plen = r->plen,
	};
	r->usable = true;
}

void cse_rtview_sync(struct cse_rtview *v)
{
	struct cse_netcfg *net = v->net;
	bool want[CSE_NETCFG_MAX_ROUTES];
	unsigned int i, pass;

	cse_rtview_wanted(v, want);
	cse_rtview_drop_stale(v, want);
	v->unusable = 0;
	for (i = 0; i < net->n_routes; i++)
		net->route[i].usable = !v->gone &&
			cse_rtview_is_subnet(net, &net->route[i]) &&
			net->route[i].oif == net->ifindex;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < net->n_routes; i++)
			if (want[i] && !net->route[i].gw.s_addr == !pass)
				cse_rtview_add(v, &net->route[i]);
	/* The default gateway, as cse_netcfg_load() sets it. */
	net->gateway.s_addr = 0;
	for (i = 0; i < v->n_in_stack; i++)
		if (!v->in_stack[i].plen)
			net->gateway = v->in_stack[i].gw;
}

/*
 * Can a change to route @r alter what the stack carries? Only if it goes
 * through the device or shares its prefix with a route that does (which
 * it may now shadow or uncover).
 */
bool cse_rtview_touches(const struct cse_rtview *v,
			const struct cse_netcfg_route *r)
{
	const struct cse_netcfg *net = v->net;
	unsigned int i;

	if (r->oif == net->ifindex)
		return true;
	for (i = 0; i < net->n_routes; i++)
		if (net->route[i].oif == net->ifindex &&
		    net->route[i].dst.s_addr == r->dst.s_addr &&
		    net->route[i].plen == r->plen)
			return true;
	return false;
}

void cse_rtview_init(struct cse_rtview *v, struct cse_netcfg *net,
		     struct cse_stack *st)
{
	*v = (struct cse_rtview){ .net = net, .st = st, .clk_tck = 100 };
	/* cse_stack_create() put the default route in from net->gateway. */
	if (net->gateway.s_addr)
		v->in_stack[v->n_in_stack++] = (struct cse_rtview_hop){
			.gw = net->gateway,
		};
}
