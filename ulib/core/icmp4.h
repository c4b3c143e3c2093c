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
#define CSE_ICMP_EXC_FRAGTIME	1	/* time exceeded: reassembly */

#define CSE_ICMP_HLEN		8
/* RFC 1812 4.3.2.3: the error quotes as much as fits in 576 bytes. */
#define CSE_ICMP_QUOTE_MAX	(576 - CSE_IP4_HLEN - CSE_ICMP_HLEN)

/* Token bucket for ICMP errors, in nanoseconds of credit. */
struct cse_icmp_limit {
	uint64_t credit;
	uint64_t last;
};

void cse_icmp4_input(struct cse_stack *st, const struct cse_ip4_rx *rx);
/* Send destination unreachable @code about @rx, if rules and rate allow. */
void cse_icmp4_send_unreach(struct cse_stack *st, const struct cse_ip4_rx *rx,
			    uint8_t code);
/*
 * Send error @type/@code about @rx (its header and the start of its
 * payload, contiguous from rx->hdr), if rules and rate allow.
 */
void cse_icmp4_send_error(struct cse_stack *st, const struct cse_ip4_rx *rx,
			  uint8_t type, uint8_t code);

#endif /* CSE_CORE_ICMP4_H */
