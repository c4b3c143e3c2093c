// SPDX-License-Identifier: GPL-2.0
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

/* "A.B.C.D/PLEN", PLEN 1..32, nothing more. */
static int cse_addr_parse(const char *s, struct cse_addr *req)
{
	char buf[INET_ADDRSTRLEN + 4], *slash, *end;
	struct in_addr a;
	unsigned long n;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (!slash || slash[1] < '0' || slash[1] > '9')
		return -EINVAL;
	*slash = 0;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	n = strtoul(slash + 1, &end, 10);
	if (*end || n < 1 || n > 32)
		return -EINVAL;
	req->addr = a.s_addr;
	req->prefix_len = (__u8)n;
	return 0;
}

static int cse_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Six pairs of hex digits separated by colons. */
static int cse_mac_parse(const char *s, __u8 mac[6])
{
	int hi, lo;

	if (strlen(s) != 17)
		return -EINVAL;
	for (int i = 0; i < 6; i++, s += 3) {
		hi = cse_hex(s[0]);
		lo = cse_hex(s[1]);
		if (hi < 0 || lo < 0 || (i < 5 && s[2] != ':'))
			return -EINVAL;
		mac[i] = (__u8)(hi << 4 | lo);
	}
	return 0;
}

int cse_addr_request(struct cse_addr *req, const char *addr, const char *mac,
		     char *why, size_t why_len)
{
	memset(req, 0, sizeof(*req));
	if (!addr || cse_addr_parse(addr, req)) {
		snprintf(why, why_len, "CSE_ADDR=%s: not an IPv4 address/prefix length",
			 addr ? addr : "");
		return -EINVAL;
	}
	if (!mac || !*mac)
		return 0;
	if (cse_mac_parse(mac, req->mac)) {
		snprintf(why, why_len, "CSE_MAC=%s: not a MAC (xx:xx:xx:xx:xx:xx)",
			 mac);
		return -EINVAL;
	}
	req->flags = CSE_ADDR_MAC;
	return 0;
}
