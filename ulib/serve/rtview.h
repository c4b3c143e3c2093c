/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the rtnetlink mirror does with each message: the host's addresses,
 * its main table's IPv4 routes and the served device's neighbours, applied
 * to the instance's configuration (netcfg) and its stack. No socket here:
 * rtmirror.c reads the messages, the unit tests build them.
 */
#ifndef CSE_SERVE_RTVIEW_H
#define CSE_SERVE_RTVIEW_H

#include <linux/netlink.h>
#include <stdint.h>

#include "netcfg.h"

struct cse_stack;

/* The stack's route table holds at most this many (core/route.h). */
#define CSE_RTVIEW_MAX_STACK	16

/* What the mirror did; CSE_STATS=1 prints them at exit. */
struct cse_rtview_stats {
	uint64_t msgs;		/* messages applied */
	uint64_t bad;		/* malformed, dropped */
	uint64_t ignored;	/* other families, devices, tables, kinds */
	uint64_t resyncs;	/* full re-reads after lost notifications */
	uint64_t neigh_seeded;	/* neighbours given to the stack */
	uint64_t neigh_dropped;	/* ...and taken back */
	uint64_t routes_full;	/* routes the host table had no room for */
};

struct cse_rtview_hop {
	struct in_addr dst, gw;
	unsigned int plen;
};

struct cse_rtview {
	struct cse_netcfg *net;
	struct cse_stack *st;
	bool gone;		/* the device went: no routes for the stack */
	bool reading;		/* a full re-read: sync once at its end */
	unsigned int clk_tck;	/* units of the kernel's neighbour ages */
	/* The routes the mirror gave the stack, to take back. */
	struct cse_rtview_hop in_stack[CSE_RTVIEW_MAX_STACK];
	unsigned int n_in_stack;
	unsigned int unusable;	/* device routes the stack cannot take */
	struct cse_rtview_stats stats;
};

/*
 * Start from what the stack was created with (the served subnet and the
 * default gateway of @net, if any).
 */
void cse_rtview_init(struct cse_rtview *v, struct cse_netcfg *net,
		     struct cse_stack *st);

/*
 * Apply one rtnetlink message (a dump's or a notification). Returns 0 when
 * applied, -ENOENT when it is not ours to apply (another family, device,
 * table or message type: counted ignored), -EINVAL when malformed
 * (counted bad, nothing applied).
 */
int cse_rtview_apply(struct cse_rtview *v, const struct nlmsghdr *nlh);

/*
 * Is the datagram of @len bytes at @buf a sequence of whole netlink
 * messages? libmnl 1.0.4's mnl_nlmsg_ok() compares lengths as signed
 * integers, so a length over 2^31 would pass it: such a datagram is
 * dropped whole (and counted bad) before libmnl walks it.
 */
bool cse_rtview_datagram_ok(struct cse_rtview *v, const void *buf,
			    size_t len);

/*
 * Before a full re-read: forget the host's routes and addresses (the
 * served address stays) and the static neighbours, which never age out by
 * themselves; the others age by the stack's own rules.
 */
void cse_rtview_forget(struct cse_rtview *v);

/*
 * Make the stack's routes what the host's table says through the device:
 * after a re-read, and when the device went (@v->gone).
 */
void cse_rtview_sync(struct cse_rtview *v);

/* Can a change to @r alter the stack's routes (else no sync is needed)? */
bool cse_rtview_touches(const struct cse_rtview *v,
			const struct cse_netcfg_route *r);

#endif /* CSE_SERVE_RTVIEW_H */
