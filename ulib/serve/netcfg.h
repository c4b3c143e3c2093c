/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which device the instance serves, its IPv4 configuration, and which
 * destinations its sockets reach through it. Read at start-up from the
 * kernel (getifaddrs, /proc/net/route), then kept current by the rtnetlink
 * mirror (rtmirror.h): the host's local addresses and the routes of its
 * main table, so that route selection here is the host's own.
 *
 * The served address is the device's first IPv4 address unless a caller
 * fixed it (cse_netcfg_fix_addr: an identity of the application's own);
 * either way it stays what the stack was created with.
 */
#ifndef CSE_SERVE_NETCFG_H
#define CSE_SERVE_NETCFG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <arpa/inet.h>

#include "../core/route.h"

#define CSE_NETCFG_MAX_LOCAL	64
#define CSE_NETCFG_MAX_ROUTES	256

/*
 * One IPv4 route of the host's main table. @oif is 0 for a route that
 * leaves through no one device (blackhole, unreachable, multipath): such
 * destinations are the kernel's. @usable: the stack carries it too.
 */
struct cse_netcfg_route {
	struct in_addr dst;		/* host bits clear */
	struct in_addr gw;		/* 0: on-link */
	unsigned int plen;
	unsigned int oif;
	uint32_t metric;
	bool usable;
};

struct cse_netcfg {
	char ifname[IF_NAMESIZE];
	unsigned int ifindex;
	struct in_addr addr;		/* the device's first IPv4 address */
	unsigned int prefix_len;
	struct in_addr gateway;		/* default route via the device, or 0 */
	/* Every IPv4 address of the host: traffic to them stays local. */
	struct in_addr local[CSE_NETCFG_MAX_LOCAL];
	unsigned int n_local;
	bool addr_fixed;		/* @addr is the caller's choice */
	/* The host's main table: the first best, as the kernel chooses. */
	struct cse_netcfg_route route[CSE_NETCFG_MAX_ROUTES];
	unsigned int n_routes;
};

/*
 * Fill @cfg for device @ifname, or, when it is NULL or empty, for the
 * device of the default route. Returns 0, or -errno with one line saying
 * why in @why.
 */
int cse_netcfg_load(struct cse_netcfg *cfg, const char *ifname, char *why,
		    size_t why_len);

/*
 * Serve @addr/@prefix_len whatever the host's addresses (an identity of
 * the application's own, not configured on the host); the mirror never
 * replaces it. The gateway is kept only if it is on the new subnet.
 * -EINVAL for a prefix over 32 or a zero, multicast or broadcast address.
 */
int cse_netcfg_fix_addr(struct cse_netcfg *cfg, struct in_addr addr,
			unsigned int prefix_len);

/* The served subnet's network address (@addr with the host bits clear). */
struct in_addr cse_netcfg_subnet(const struct cse_netcfg *cfg);

/* Is @a (network byte order) one of this host's addresses or loopback? */
bool cse_netcfg_is_local(const struct cse_netcfg *cfg, struct in_addr a);

/*
 * Does traffic to @dst leave through the served device, so that the user
 * stack can carry it? False for local, multicast and broadcast
 * destinations. The served subnet is the stack's own; any other
 * destination follows the host's best route, served when that leaves
 * through the device and the stack carries it.
 */
bool cse_netcfg_serves_dst(const struct cse_netcfg *cfg, struct in_addr dst);

/*
 * The host's routes (netcfg_route.c). set adds @r, or replaces the route
 * of the same destination, prefix and metric when @replace (else the
 * first stays, as the kernel keeps it first): -EINVAL for a bad prefix or
 * host bits set, -ENOSPC when the table is full. del removes the route of
 * @r's destination, prefix and metric (and device and gateway when @r
 * gives them): -ESRCH when there is none. lookup: the best route for
 * @dst (longest prefix, then lowest metric), or NULL.
 */
int cse_netcfg_route_set(struct cse_netcfg *cfg,
			 const struct cse_netcfg_route *r, bool replace);
int cse_netcfg_route_del(struct cse_netcfg *cfg,
			 const struct cse_netcfg_route *r);
const struct cse_netcfg_route *
cse_netcfg_route_lookup(const struct cse_netcfg *cfg, struct in_addr dst);

/*
 * The host's addresses: add is idempotent (-ENOSPC when full), del gives
 * -ESRCH for an address not in the list.
 */
int cse_netcfg_local_add(struct cse_netcfg *cfg, struct in_addr a);
int cse_netcfg_local_del(struct cse_netcfg *cfg, struct in_addr a);

/* May a socket bound to @laddr be served (INADDR_ANY or the device's)? */
bool cse_netcfg_serves_laddr(const struct cse_netcfg *cfg,
			     struct in_addr laddr);

/* The mask of a prefix length in network byte order (the core's, swapped). */
static inline uint32_t cse_netcfg_mask(unsigned int prefix_len)
{
	return htonl(cse_prefix_mask(prefix_len));
}

#endif /* CSE_SERVE_NETCFG_H */
