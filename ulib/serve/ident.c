// SPDX-License-Identifier: GPL-2.0
/* An address of the application's own: CSE_ADDR and CSE_MAC (ident.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "../dev/addr.h"

#include "ident.h"
#include "real.h"

struct cse_ident cse_ident;

int cse_ident_settings(char *why, size_t why_len)
{
	const char *addr = getenv("CSE_ADDR"), *mac = getenv("CSE_MAC");
	struct cse_addr req;

	memset(&cse_ident, 0, sizeof(cse_ident));
	if (!(addr && *addr) && !(mac && *mac))
		return 0;
	/* From here on, failing means failing closed (ident.h). */
	cse_ident.wanted = true;
	snprintf(cse_ident.spec, sizeof(cse_ident.spec), "%s",
		 addr ? addr : "");
	if (!addr || !*addr) {
		snprintf(why, why_len, "CSE_MAC needs CSE_ADDR");
		return -EINVAL;
	}
	if (cse_addr_request(&req, addr, mac, why, why_len))
		return -EINVAL;
	cse_ident.addr.s_addr = req.addr;
	cse_ident.prefix_len = req.prefix_len;
	cse_ident.has_mac = req.flags & CSE_ADDR_MAC;
	memcpy(cse_ident.mac, req.mac, sizeof(cse_ident.mac));
	return 0;
}

/*
 * The stack's configuration: the claimed address instead of the device's,
 * fixed for the rtnetlink mirror too; the default gateway is the host's
 * only when it lies on the claimed subnet.
 */
static void cse_ident_apply(struct cse_netcfg *cfg)
{
	/* Checked when CSE_ADDR was read: it cannot be refused here. */
	cse_netcfg_fix_addr(cfg, cse_ident.addr, cse_ident.prefix_len);
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
