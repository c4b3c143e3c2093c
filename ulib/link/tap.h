/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A TAP device as the stack's link, for testing against the Linux kernel's
 * own TCP/IP on the host: the kernel sees the tap interface, the stack
 * is the host at the far end of its wire, with a MAC of its own.
 */
#ifndef CSE_LINK_TAP_H
#define CSE_LINK_TAP_H

#include <stdint.h>

#include "../core/link.h"

struct cse_tap;

/*
 * Create (or attach to) TAP interface @name ("" lets the kernel pick one)
 * with @mac as the stack's address. The fd is non-blocking. Returns 0 or
 * -errno from the kernel (-ENOENT without /dev/net/tun, -EPERM without
 * CAP_NET_ADMIN).
 */
int cse_tap_open(const char *name, const uint8_t mac[CSE_ETH_ALEN],
		 struct cse_tap **out);
void cse_tap_close(struct cse_tap *t);
struct cse_link cse_tap_link(struct cse_tap *t);
/* For poll(): readable when frames wait. */
int cse_tap_fd(const struct cse_tap *t);
/* The interface name the kernel gave. */
const char *cse_tap_name(const struct cse_tap *t);

#endif /* CSE_LINK_TAP_H */
