/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The argument of CSE_IOC_ADDR_CLAIM from the values of CSE_ADDR
 * ("A.B.C.D/PLEN") and CSE_MAC ("xx:xx:xx:xx:xx:xx"). Only the syntax is
 * judged here; cse.ko judges the address itself. No OS calls: unit-tested.
 */
#ifndef CSE_DEV_ADDR_H
#define CSE_DEV_ADDR_H

#include <stddef.h>

#include "uapi.h"

/*
 * Fill @req from @addr and @mac (NULL or empty: no MAC). Returns 0, or
 * -EINVAL with one line (no newline) saying what is wrong in @why.
 */
int cse_addr_request(struct cse_addr *req, const char *addr, const char *mac,
		     char *why, size_t why_len);

#endif /* CSE_DEV_ADDR_H */
