/* SPDX-License-Identifier: GPL-2.0 */
/* Ethernet II framing and the ARP protocol on it. */
#ifndef CSE_CORE_ETH_H
#define CSE_CORE_ETH_H

#include <stdint.h>

#include "link.h"
#include "pbuf.h"

#define CSE_ETH_P_IP	0x0800
#define CSE_ETH_P_ARP	0x0806

extern const uint8_t cse_eth_bcast[CSE_ETH_ALEN];

struct cse_stack;

void cse_eth_input(struct cse_stack *st, const uint8_t *frame,
		   unsigned int len);
/* Prepend the Ethernet header and hand @pb to the link. Consumes @pb. */
int cse_eth_output(struct cse_stack *st, struct cse_pbuf *pb,
		   const uint8_t dst[CSE_ETH_ALEN], uint16_t type);

/*
 * Build a frame in place: a buffer for @len bytes (the link's own, or the
 * stack's when the link only has xmit) whose bytes past the Ethernet
 * header the caller fills, then the header and the send. A failure is
 * counted in eth_tx_err, as a refused xmit is.
 */
int cse_eth_tx_get(struct cse_stack *st, size_t len, uint8_t **frame);
int cse_eth_tx_commit(struct cse_stack *st, uint8_t *frame, size_t len,
		      const uint8_t dst[CSE_ETH_ALEN], uint16_t type);

/* arp.c */
void cse_arp_input(struct cse_stack *st, const uint8_t *pkt,
		   unsigned int len);
/* Ask who has @tip; @dst is the broadcast or, to probe, the known MAC. */
int cse_arp_request(struct cse_stack *st, uint32_t tip,
		    const uint8_t dst[CSE_ETH_ALEN]);

#endif /* CSE_CORE_ETH_H */
