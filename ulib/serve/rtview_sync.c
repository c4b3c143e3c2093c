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

/* Should the stack carry route @i? */
static bool cse_rtview_wanted(const struct cse_rtview *v, unsigned int i)
{
	const struct cse_netcfg_route *r = &v->net->route[i];

	return !v->gone && r->oif == v->net->ifindex &&
	       !cse_rtview_is_subnet(v->net, r) &&
	       cse_rtview_first_best(v->net, i);
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
static void cse_rtview_drop_stale(struct cse_rtview *v)
{
	unsigned int k = 0, i;

	while (k < v->n_in_stack) {
		struct cse_rtview_hop *h = &v->in_stack[k];
		bool keep = false;

		for (i = 0; i < v->net->n_routes && !keep; i++)
			keep = cse_rtview_wanted(v, i) &&
			       cse_rtview_held(v, &v->net->route[i]) == (int)k;
		if (keep) {
			k++;
			continue;
		}
		cse_route_del(v->st, h->dst, h->plen);
		*h = v->in_stack[--v->n_in_stack];
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
	unsigned int i, pass;

	cse_rtview_drop_stale(v);
	v->unusable = 0;
	for (i = 0; i < net->n_routes; i++)
		net->route[i].usable = !v->gone &&
			cse_rtview_is_subnet(net, &net->route[i]) &&
			net->route[i].oif == net->ifindex;
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < net->n_routes; i++)
			if (!net->route[i].gw.s_addr == !pass &&
			    cse_rtview_wanted(v, i))
				cse_rtview_add(v, &net->route[i]);
	/* The default gateway, as cse_netcfg_load() sets it. */
	net->gateway.s_addr = 0;
	for (i = 0; i < v->n_in_stack; i++)
		if (!v->in_stack[i].plen)
			net->gateway = v->in_stack[i].gw;
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
