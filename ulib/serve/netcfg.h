/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which device the instance serves, its IPv4 configuration, and which
 * destinations its sockets reach through it. Read once at start-up from
 * the kernel (getifaddrs, /proc/net/route); the rtnetlink mirror that keeps
 * it current is a later step.
 */
#ifndef CSE_SERVE_NETCFG_H
#define CSE_SERVE_NETCFG_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSE_NETCFG_MAX_LOCAL	64

struct cse_netcfg {
	char ifname[IF_NAMESIZE];
	unsigned int ifindex;
	struct in_addr addr;		/* the device's first IPv4 address */
	unsigned int prefix_len;
	struct in_addr gateway;		/* default route via the device, or 0 */
	/* Every IPv4 address of the host: traffic to them stays local. */
	struct in_addr local[CSE_NETCFG_MAX_LOCAL];
	unsigned int n_local;
};

/*
 * Fill @cfg for device @ifname, or, when it is NULL or empty, for the
 * device of the default route. Returns 0, or -errno with one line saying
 * why in @why.
 */
int cse_netcfg_load(struct cse_netcfg *cfg, const char *ifname, char *why,
		    size_t why_len);

/* The served subnet's network address (@addr with the host bits clear). */
struct in_addr cse_netcfg_subnet(const struct cse_netcfg *cfg);

/* Is @a (network byte order) one of this host's addresses or loopback? */
bool cse_netcfg_is_local(const struct cse_netcfg *cfg, struct in_addr a);

/*
 * Does traffic to @dst leave through the served device, so that the user
 * stack can carry it? False for local, multicast and broadcast
 * destinations and for those routed elsewhere.
 */
bool cse_netcfg_serves_dst(const struct cse_netcfg *cfg, struct in_addr dst);

/* May a socket bound to @laddr be served (INADDR_ANY or the device's)? */
bool cse_netcfg_serves_laddr(const struct cse_netcfg *cfg,
			     struct in_addr laddr);

#endif /* CSE_SERVE_NETCFG_H */
