/* SPDX-License-Identifier: GPL-2.0 */
/* ICMP: echo, sending rate-limited errors, turning errors into errno. */
#ifndef CSE_CORE_ICMP4_H
#define CSE_CORE_ICMP4_H

#include <stdint.h>

#include "ip4.h"

#define CSE_ICMP_ECHOREPLY	0
#define CSE_ICMP_UNREACH	3
#define CSE_ICMP_ECHO		8
#define CSE_ICMP_TIMXCEED	11

#define CSE_ICMP_UNREACH_PROTO	2
#define CSE_ICMP_UNREACH_PORT	3
#define CSE_ICMP_FRAG_NEEDED	4

/* Token bucket for ICMP errors, in nanoseconds of credit. */
struct cse_icmp_limit {
	uint64_t credit;
	uint64_t last;
};

void cse_icmp4_input(struct cse_stack *st, const struct cse_ip4_rx *rx);
/* Send destination unreachable @code about @rx, if rules and rate allow. */
void cse_icmp4_send_unreach(struct cse_stack *st, const struct cse_ip4_rx *rx,
			    uint8_t code);

#endif /* CSE_CORE_ICMP4_H */
