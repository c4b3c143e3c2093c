// SPDX-License-Identifier: GPL-2.0
/* An address of the application's own: CSE_ADDR and CSE_MAC (ident.h). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../dev/uapi.h"

#include "ident.h"
#include "real.h"

struct cse_ident cse_ident;

int cse_ident_parse_addr(const char *s, struct in_addr *addr,
			 unsigned int *plen)
{
	char buf[32], *slash, *end;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = 0;
	if (inet_pton(AF_INET, buf, addr) != 1 || !slash[1])
		return -EINVAL;
	n = strtoul(slash + 1, &end, 10);
	if (*end || n < 1 || n > 32)
		return -EINVAL;
	*plen = (unsigned int)n;
	return 0;
}

int cse_ident_parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &tail) != 6 || strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

int cse_ident_settings(char *why, size_t why_len)
{
	const char *addr = getenv("CSE_ADDR"), *mac = getenv("CSE_MAC");

	memset(&cse_ident, 0, sizeof(cse_ident));
	if (mac && *mac && !(addr && *addr)) {
		cse_ident.wanted = true;
		snprintf(why, why_len, "CSE_MAC needs CSE_ADDR");
		return -EINVAL;
	}
	if (!addr || !*addr)
		return 0;
	cse_ident.wanted = true;
	snprintf(cse_ident.spec, sizeof(cse_ident.spec), "%s", addr);
	if (cse_ident_parse_addr(addr, &cse_ident.addr,
				 &cse_ident.prefix_len)) {
		snprintf(why, why_len, "CSE_ADDR=%s: not an IPv4 address/prefix length",
			 cse_ident.spec);
		return -EINVAL;
	}
	if (mac && *mac) {
		if (cse_ident_parse_mac(mac, cse_ident.mac)) {
			snprintf(why, why_len, "CSE_MAC=%s: not a MAC (xx:xx:xx:xx:xx:xx)",
				 mac);
			return -EINVAL;
		}
		cse_ident.has_mac = true;
	}
	return 0;
}

static uint32_t cse_ident_mask(unsigned int plen)
{
	return plen ? htonl(~0U << (32 - plen)) : 0;
}

/* The stack's configuration: the claimed address instead of the device's. */
static void cse_ident_apply(struct cse_netcfg *cfg)
{
	cfg->addr = cse_ident.addr;
	cfg->prefix_len = cse_ident.prefix_len;
	/* A gateway off the claimed subnet is not reachable from it. */
	if ((cfg->gateway.s_addr ^ cfg->addr.s_addr) &
	    cse_ident_mask(cfg->prefix_len))
		cfg->gateway.s_addr = 0;
}

int cse_ident_claim(int fd, struct cse_netcfg *cfg, char *why, size_t why_len)
{
	struct cse_addr req = {
		.addr = cse_ident.addr.s_addr,
		.prefix_len = (uint8_t)cse_ident.prefix_len,
	};

	if (!cse_ident.wanted)
		return 0;
	if (cse_ident.has_mac) {
		req.flags = CSE_ADDR_MAC;
		memcpy(req.mac, cse_ident.mac, sizeof(req.mac));
	}
	if (cse_real.ioctl(fd, CSE_IOC_ADDR_CLAIM, &req)) {
		int err = errno;

		snprintf(why, why_len, "CSE_ADDR=%s: cannot claim the address on %s: %s",
			 cse_ident.spec, cfg->ifname, strerror(err));
		return -err;
	}
	cse_ident.active = true;
	cse_ident_apply(cfg);
	return 0;
}

void cse_ident_fail(int err)
{
	if (cse_ident.wanted)
		cse_ident.err = err < 0 ? -err : err;
}

int cse_ident_refused(int domain)
{
	return domain == AF_INET ? cse_ident.err : 0;
}

bool cse_ident_bind_addr(int fd, struct sockaddr_in *sin)
{
	int one = 1;

	if (!cse_ident.active || sin->sin_family != AF_INET ||
	    (sin->sin_addr.s_addr != INADDR_ANY &&
	     sin->sin_addr.s_addr != cse_ident.addr.s_addr))
		return false;
	/* Only the kernel's bind rules are wanted of it: no device has it. */
	if (cse_real.setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)))
		return false;
	sin->sin_addr = cse_ident.addr;
	return true;
}
