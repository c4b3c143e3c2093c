/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 packets built in place: the transport writes its header and
 * payload straight into the link's transmit buffer, behind room left for
 * the IPv4 and Ethernet headers, so the payload is copied once, from the
 * socket's buffer. When that cannot be (the next hop's MAC is unknown and
 * the packet must wait for ARP, or it needs fragments), the same bytes go
 * into a pbuf and cse_ip4_output(); the transport cannot tell.
 */
#ifndef CSE_CORE_IP4_TX_H
#define CSE_CORE_IP4_TX_H

#include <stdbool.h>
#include <stdint.h>

#include "ip4_frag.h"
#include "link.h"

/* Where a run of packets to one destination goes: looked up once. */
struct cse_ip4_path {
	struct cse_ip4_out o;		/* all but the ID and the TOS */
	uint8_t mac[CSE_ETH_ALEN];	/* of the next hop, when @direct */
	bool direct;
};

/* One packet being built. */
struct cse_ip4_tx {
	uint8_t *frame;			/* the link's buffer, or NULL: */
	struct cse_pbuf *pb;		/* the slow way */
	uint8_t *l4;			/* where the transport writes */
	uint32_t l4len;
	uint8_t tos;			/* the caller may set it */
};

/* Route @daddr: 0, -EADDRNOTAVAIL without an address, -ENETUNREACH. */
int cse_ip4_path(struct cse_stack *st, struct cse_ip4_path *p,
		 uint32_t daddr, uint8_t proto, uint8_t ttl,
		 struct cse_sock *owner);
/*
 * Room for @l4len bytes of transport header and payload at tx->l4.
 * -EMSGSIZE for TCP over the MTU (and for anything over it when the
 * link refuses fragments), -ENOBUFS when the link or memory is full.
 */
int cse_ip4_tx_begin(struct cse_stack *st, const struct cse_ip4_path *p,
		     struct cse_ip4_tx *tx, uint32_t l4len);
/* Add the IPv4 (and Ethernet) header and send. What ip4_output returns. */
int cse_ip4_tx_commit(struct cse_stack *st, const struct cse_ip4_path *p,
		      struct cse_ip4_tx *tx);

#endif /* CSE_CORE_IP4_TX_H */
