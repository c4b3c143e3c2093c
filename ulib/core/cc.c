// SPDX-License-Identifier: GPL-2.0
/*
 * The congestion control algorithms a socket may choose by name with
 * TCP_CONGESTION, as Linux's: CUBIC (the default) and Reno (RFC 5681,
 * with NewReno or SACK recovery in tcp_recovery.c).
 */
#include <string.h>

#include "tcp.h"
#include "util.h"

static const struct cse_tcp_cc_ops *const cse_tcp_ccs[] = {
	&cse_tcp_cubic,
	&cse_tcp_reno,
};

const struct cse_tcp_cc_ops *cse_tcp_cc_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_tcp_ccs); i++)
		if (!strcmp(cse_tcp_ccs[i]->name, name))
			return cse_tcp_ccs[i];
	return NULL;
}
