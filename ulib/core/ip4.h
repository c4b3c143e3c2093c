/* SPDX-License-Identifier: GPL-2.0 */
/* IPv4 input (validation, dispatch) and output (header, route, neighbour). */
#ifndef CSE_CORE_IP4_H
#define CSE_CORE_IP4_H

#include <stdbool.h>
#include <stdint.h>

#include "pbuf.h"

#define CSE_IP4_HLEN		20
#define CSE_IP4_BCAST		0xffffffffu
#define CSE_IP4_MAXLEN		65535	/* total length field's limit */
/* The flags and fragment offset field (bytes 6-7). */
#define CSE_IP4_DF		0x4000
#define CSE_IP4_MF		0x2000
#define CSE_IP4_OFFSET		0x1fff	/* in units of 8 bytes */

struct cse_stack;

/* A validated received IPv4 packet, as protocol handlers see it. */
struct cse_ip4_rx {
	uint32_t saddr, daddr;		/* host byte order */
	uint8_t proto;
	bool bcast;			/* sent to a broadcast address */
	const uint8_t *hdr;		/* IPv4 header */
	unsigned int hlen;
	const uint8_t *data;		/* payload, trimmed to total length */
	unsigned int len;
};

/* An ICMP error about a packet we sent, handed to its protocol. */
struct cse_ip4_err {
	uint32_t saddr, daddr;		/* of the packet we sent */
	const uint8_t *l4;		/* its first bytes past the IP header */
	unsigned int l4len;		/* at least 8 */
	int err;			/* positive errno */
	bool fatal;			/* Linux's "hard" error */
	uint16_t mtu;			/* fragmentation needed: next hop's */
};

void cse_ip4_input(struct cse_stack *st, const uint8_t *pkt,
		   unsigned int len);
/* Hand a whole datagram (received or reassembled) to its protocol. */
void cse_ip4_deliver(struct cse_stack *st, const struct cse_ip4_rx *rx);

/*
 * Prepend an IPv4 header to @pb and send it to @daddr. Consumes @pb.
 * As Linux by default: TCP always sets DF and gets -EMSGSIZE over the
 * MTU; UDP sets DF when the datagram fits and is fragmented when it does
 * not (unless the link refuses fragments: -EMSGSIZE, as before there
 * was fragmentation); ICMP never sets DF (Linux's ICMP socket is
 * IP_PMTUDISC_DONT).
 * Returns 0, -ENETUNREACH, -EMSGSIZE, -EADDRNOTAVAIL without an address,
 * or -ENOBUFS.
 */
int cse_ip4_output(struct cse_stack *st, struct cse_pbuf *pb, uint32_t daddr,
		   uint8_t proto, uint8_t ttl, struct cse_sock *owner);

/* 255.255.255.255 or the directed broadcast of our subnet. */
bool cse_ip4_is_bcast(const struct cse_stack *st, uint32_t addr);

#endif /* CSE_CORE_IP4_H */

/* Hand an ICMP error to protocol @proto. Returns false if none takes it. */
bool cse_ip4_err_input(struct cse_stack *st, uint8_t proto,
		       const struct cse_ip4_err *e);
