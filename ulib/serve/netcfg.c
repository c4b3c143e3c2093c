// SPDX-License-Identifier: GPL-2.0
/* The served device's configuration, from getifaddrs() and /proc/net/route. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "netcfg.h"

/*
 * /proc/net/route: "Iface Destination Gateway Flags RefCnt Use Metric
 * Mask ..." in hex, network byte order: the host's main table. Every route
 * goes into @cfg; the first default route's device names the served one
 * when none is given.
 */
static int cse_netcfg_routes(struct cse_netcfg *cfg)
{
	FILE *f = fopen("/proc/net/route", "re");
	unsigned int dst, via, flags, metric, mask;
	char line[256], dev[IF_NAMESIZE];
	struct cse_netcfg_route r;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %x %x %x %*d %*d %u %x", dev, &dst, &via,
			   &flags, &metric, &mask) != 6 || !(flags & 0x1))
			continue;	/* the header, or not RTF_UP */
		if (!dst && !mask && !*cfg->ifname)
			snprintf(cfg->ifname, sizeof(cfg->ifname), "%s", dev);
		r = (struct cse_netcfg_route){
			.dst.s_addr = dst, .gw.s_addr = via,
			.plen = __builtin_popcount(mask), .metric = metric,
			/* RTF_REJECT: unreachable, the kernel's to refuse. */
			.oif = flags & 0x200 ? 0 : if_nametoindex(dev),
		};
		cse_netcfg_route_set(cfg, &r, false);
	}
	fclose(f);
	return 0;
}

static int cse_netcfg_addrs(struct cse_netcfg *cfg)
{
	struct ifaddrs *ifa, *i;
	int found = -EADDRNOTAVAIL;

	if (getifaddrs(&ifa))
		return -errno;
	for (i = ifa; i; i = i->ifa_next) {
		const struct sockaddr_in *a = (void *)i->ifa_addr;
		const struct sockaddr_in *m = (void *)i->ifa_netmask;

		if (!a || a->sin_family != AF_INET)
			continue;
		if (cfg->n_local < CSE_NETCFG_MAX_LOCAL)
			cfg->local[cfg->n_local++] = a->sin_addr;
		if (found && !strcmp(i->ifa_name, cfg->ifname)) {
			cfg->addr = a->sin_addr;
			cfg->prefix_len = m ? __builtin_popcount(m->sin_addr.s_addr) : 32;
			found = 0;
		}
	}
	freeifaddrs(ifa);
	return found;
}

/*
 * The default route through the device is the stack's gateway when it is
 * on the served subnet (one via another is not ours to reach).
 */
static void cse_netcfg_gateway(struct cse_netcfg *cfg)
{
	struct cse_netcfg_route *r = (struct cse_netcfg_route *)
		cse_netcfg_route_lookup(cfg, (struct in_addr){ 0 });

	cfg->gateway.s_addr = 0;
	if (!r || r->plen || r->oif != cfg->ifindex || !r->gw.s_addr ||
	    ((r->gw.s_addr ^ cfg->addr.s_addr) & cse_netcfg_mask(cfg->prefix_len)))
		return;
	cfg->gateway = r->gw;
	r->usable = true;
}

int cse_netcfg_load(struct cse_netcfg *cfg, const char *ifname, char *why,
		    size_t why_len)
{
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (ifname && *ifname)
		snprintf(cfg->ifname, sizeof(cfg->ifname), "%s", ifname);
	err = cse_netcfg_routes(cfg);
	if (!*cfg->ifname) {
		snprintf(why, why_len, "no device given (CSE_IFNAME) and no default route");
		return err ? err : -ENOENT;
	}
	cfg->ifindex = if_nametoindex(cfg->ifname);
	if (!cfg->ifindex) {
		err = -errno;
		snprintf(why, why_len, "device %s: %s", cfg->ifname,
			 strerror(errno));
		return err;
	}
	err = cse_netcfg_addrs(cfg);
	if (err) {
		snprintf(why, why_len, "device %s has no IPv4 address",
			 cfg->ifname);
		return err;
	}
	cse_netcfg_gateway(cfg);
	return 0;
}

int cse_netcfg_fix_addr(struct cse_netcfg *cfg, struct in_addr addr,
			unsigned int prefix_len)
{
	uint32_t h = ntohl(addr.s_addr);

	if (prefix_len > 32 || !h || h >= 0xe0000000U ||
	    (prefix_len < 31 && (addr.s_addr | cse_netcfg_mask(prefix_len)) ==
	     0xffffffffU))
		return -EINVAL;
	cfg->addr = addr;
	cfg->prefix_len = prefix_len;
	cfg->addr_fixed = true;
	cse_netcfg_gateway(cfg);
	return 0;
}

struct in_addr cse_netcfg_subnet(const struct cse_netcfg *cfg)
{
	return (struct in_addr){ .s_addr = cfg->addr.s_addr &
					   cse_netcfg_mask(cfg->prefix_len) };
}

bool cse_netcfg_is_local(const struct cse_netcfg *cfg, struct in_addr a)
{
	unsigned int i;

	/* The served address is ours whether the host has it or not. */
	if ((ntohl(a.s_addr) >> 24) == 127 || !a.s_addr ||
	    a.s_addr == cfg->addr.s_addr)
		return true;
	for (i = 0; i < cfg->n_local; i++)
		if (cfg->local[i].s_addr == a.s_addr)
			return true;
	return false;
}

bool cse_netcfg_serves_dst(const struct cse_netcfg *cfg, struct in_addr dst)
{
	uint32_t mask = cse_netcfg_mask(cfg->prefix_len);
	uint32_t h = ntohl(dst.s_addr);
	const struct cse_netcfg_route *r;

	if (cse_netcfg_is_local(cfg, dst) || h >= 0xe0000000U)
		return false;	/* local, multicast, limited broadcast */
	if (!((dst.s_addr ^ cfg->addr.s_addr) & mask))
		/* On the subnet: all but its broadcast address. */
		return (dst.s_addr | mask) != 0xffffffffU;
	r = cse_netcfg_route_lookup(cfg, dst);
	return r && r->oif == cfg->ifindex && r->usable;
}

bool cse_netcfg_serves_laddr(const struct cse_netcfg *cfg,
			     struct in_addr laddr)
{
	return !laddr.s_addr || laddr.s_addr == cfg->addr.s_addr;
}
