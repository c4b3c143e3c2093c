/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4 fragmentation (ip4_frag.c: a datagram over the MTU leaves in pieces)
 * and reassembly (ip4_defrag.c: pieces that arrive become a datagram again,
 * within a byte bound and a time limit, as Linux's ip_fragment.c).
 */
#ifndef CSE_CORE_IP4_FRAG_H
#define CSE_CORE_IP4_FRAG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ip4.h"
#include "pbuf.h"
#include "util.h"

struct cse_stack;

/* What every fragment of one outgoing datagram shares. */
struct cse_ip4_out {
	uint32_t daddr;
	uint32_t hop;			/* next hop */
	uint8_t proto;
	uint8_t ttl;
	uint8_t tos;
	bool bcast;			/* to the Ethernet broadcast */
	uint16_t id;
	struct cse_sock *owner;
};

/* Route @daddr: its next hop, -EADDRNOTAVAIL or -ENETUNREACH. */
int cse_ip4_next_hop(struct cse_stack *st, uint32_t daddr, uint32_t *hop);
/* The flags of an unfragmented packet: DF, but not on ICMP. */
uint16_t cse_ip4_df(const struct cse_ip4_out *o);
/* Write a 20-byte header for @len bytes of packet; @frag: flags, offset. */
void cse_ip4_hdr(const struct cse_stack *st, uint8_t *h,
		 const struct cse_ip4_out *o, uint16_t len, uint16_t frag);
/* Hand one finished IPv4 packet to ARP or Ethernet. Consumes @pb. */
int cse_ip4_xmit(struct cse_stack *st, struct cse_pbuf *pb,
		 const struct cse_ip4_out *o);

/*
 * Send @pb (the payload past the IP header) in fragments that fit the MTU,
 * all with the ID in @o. Consumes @pb. Returns 0 or the first error.
 */
int cse_ip4_fragment(struct cse_stack *st, struct cse_pbuf *pb,
		     const struct cse_ip4_out *o);

/* Reassembly queues, hashed by (source, destination, ID, protocol). */
#define CSE_DEFRAG_BUCKETS	256

struct cse_defrag {
	struct cse_list bucket[CSE_DEFRAG_BUCKETS];
	size_t mem;			/* held: ipfrag_high_thresh */
	unsigned int queues;
};

void cse_defrag_init(struct cse_defrag *d);
/* Free every queue (the instance is going). */
void cse_defrag_flush(struct cse_stack *st);
/*
 * A validated fragment for us (MF set or a non-zero offset). Once its
 * datagram is whole it is delivered to its protocol as if unfragmented.
 */
void cse_ip4_defrag(struct cse_stack *st, const struct cse_ip4_rx *rx);

#endif /* CSE_CORE_IP4_FRAG_H */
