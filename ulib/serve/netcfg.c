// SPDX-License-Identifier: GPL-2.0
/* The served device's configuration, from getifaddrs() and /proc/net/route. */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <string.h>

#include "netcfg.h"

static uint32_t cse_mask(unsigned int prefix_len)
{
	return prefix_len ? htonl(~0U << (32 - prefix_len)) : 0;
}

/*
 * /proc/net/route: "Iface Destination Gateway Flags ..." in hex, network
 * byte order. Finds the default route's device (when @want is empty) and
 * the default gateway through @want.
 */
static int cse_netcfg_default_route(char *want, size_t want_len,
				    struct in_addr *gw)
{
	FILE *f = fopen("/proc/net/route", "re");
	char line[256], dev[IF_NAMESIZE];
	unsigned int dst, via, flags;
	int found = -ENOENT;

	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %x %x %x", dev, &dst, &via, &flags) != 4)
			continue;
		if (dst || !(flags & 0x1))	/* RTF_UP */
			continue;
		if (!*want)
			snprintf(want, want_len, "%s", dev);
		if (!strcmp(want, dev)) {
			gw->s_addr = via;
			found = 0;
			break;
		}
	}
	fclose(f);
	return found;
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

int cse_netcfg_load(struct cse_netcfg *cfg, const char *ifname, char *why,
		    size_t why_len)
{
	int err;

	memset(cfg, 0, sizeof(*cfg));
	if (ifname && *ifname)
		snprintf(cfg->ifname, sizeof(cfg->ifname), "%s", ifname);
	err = cse_netcfg_default_route(cfg->ifname, sizeof(cfg->ifname),
				       &cfg->gateway);
	if (err && !*cfg->ifname) {
		snprintf(why, why_len, "no device given (CSE_IFNAME) and no default route");
		return err;
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
	/* A gateway must be on the subnet (a route via another is not ours). */
	if ((cfg->gateway.s_addr ^ cfg->addr.s_addr) & cse_mask(cfg->prefix_len))
		cfg->gateway.s_addr = 0;
	return 0;
}

struct in_addr cse_netcfg_subnet(const struct cse_netcfg *cfg)
{
	return (struct in_addr){ .s_addr = cfg->addr.s_addr &
					   cse_mask(cfg->prefix_len) };
}

bool cse_netcfg_is_local(const struct cse_netcfg *cfg, struct in_addr a)
{
	unsigned int i;

	if ((ntohl(a.s_addr) >> 24) == 127 || !a.s_addr)
		return true;
	for (i = 0; i < cfg->n_local; i++)
		if (cfg->local[i].s_addr == a.s_addr)
			return true;
	return false;
}

bool cse_netcfg_serves_dst(const struct cse_netcfg *cfg, struct in_addr dst)
{
	uint32_t mask = cse_mask(cfg->prefix_len);
	uint32_t h = ntohl(dst.s_addr);

	if (cse_netcfg_is_local(cfg, dst) || h >= 0xe0000000U)
		return false;	/* local, multicast, limited broadcast */
	if (!((dst.s_addr ^ cfg->addr.s_addr) & mask))
		/* On the subnet: all but its broadcast address. */
		return (dst.s_addr | mask) != 0xffffffffU;
	return cfg->gateway.s_addr != 0;
}

bool cse_netcfg_serves_laddr(const struct cse_netcfg *cfg,
			     struct in_addr laddr)
{
	return !laddr.s_addr || laddr.s_addr == cfg->addr.s_addr;
}
