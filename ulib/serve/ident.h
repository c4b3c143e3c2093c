/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An address of the application's own (CSE_ADDR=A/PLEN, CSE_MAC=MAC): the
 * instance claims it from cse.ko after attaching (CSE_IOC_ADDR_CLAIM) and
 * the stack uses it, and the MAC, as its own instead of the device's.
 * The whole address is the application's, so its sockets need no port of
 * the host's: their kernel sockets are bound to the claimed address
 * (IP_FREEBIND) and only keep the kernel's bind rules between the
 * application's own sockets; cse.ko gets no port reservations.
 *
 * An application that asked for an identity never runs on the host's
 * address instead: when the claim (or anything before it) fails, one line
 * says why on stderr and every IPv4 socket() fails with the claim's errno.
 */
#ifndef CSE_SERVE_IDENT_H
#define CSE_SERVE_IDENT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "netcfg.h"

struct cse_ident {
	bool wanted;			/* CSE_ADDR was given */
	bool active;			/* claimed: the instance's address */
	bool has_mac;			/* CSE_MAC was given */
	int err;			/* the failure's errno; socket() fails */
	struct in_addr addr;
	unsigned int prefix_len;
	uint8_t mac[6];
	char spec[64];			/* CSE_ADDR as given, for messages */
};

extern struct cse_ident cse_ident;

/*
 * Read CSE_ADDR and CSE_MAC (at start, with the other settings; the
 * syntax is ulib/dev/addr.c's). Returns 0, or -EINVAL with one line in
 * @why when they cannot be parsed.
 */
int cse_ident_settings(char *why, size_t why_len);

/*
 * After the attach: claim the address on device descriptor @fd and make it
 * the stack's in @cfg (the device's own stays one of the host's). Returns
 * 0 (also when no identity was asked for), or -errno with one line in
 * @why.
 */
int cse_ident_claim(int fd, struct cse_netcfg *cfg, char *why, size_t why_len);

/* Start-up failed with @err: fail closed if an identity was asked for. */
void cse_ident_fail(int err);

/* The errno socket(AF_INET) must fail with (fail closed), or 0. */
int cse_ident_refused(int domain);

/*
 * The local address a kernel socket of the application is really bound
 * to: with an identity, INADDR_ANY and the claimed address both mean the
 * claimed one (IP_FREEBIND set on @fd, as no device has it). Returns
 * whether @sin was rewritten.
 */
bool cse_ident_bind_addr(int fd, struct sockaddr_in *sin);

#endif /* CSE_SERVE_IDENT_H */
