// SPDX-License-Identifier: GPL-2.0
/*
 * ARP for IPv4 over Ethernet (RFC 826), with Linux's learning rules: a
 * request addressed to us creates a STALE entry for its sender, a reply
 * confirms an existing entry, anything else (gratuitous ARP included) only
 * refreshes entries we already have (Linux's arp_accept=0).
 */
#include <errno.h>
#include <string.h>

#include "eth.h"
#include "priv.h"
#include "wire.h"

#define CSE_ARP_LEN		28
#define CSE_ARP_REQUEST		1
#define CSE_ARP_REPLY		2

/* Offsets in the ARP packet for Ethernet/IPv4. */
#define ARP_OP		6
#define ARP_SHA		8
#define ARP_SPA		14
#define ARP_THA		18
#define ARP_TPA		24

static int cse_arp_send(struct cse_stack *st, uint16_t op,
			const uint8_t dst[CSE_ETH_ALEN],
			const uint8_t tha[CSE_ETH_ALEN], uint32_t tip)
{
	struct cse_pbuf *pb = cse_pbuf_alloc(&st->mem, CSE_ETH_HLEN,
					     CSE_ARP_LEN);
	uint8_t *p;

	if (!pb) {
		st->stats.mem_drop++;
		return -ENOBUFS;
	}
	p = cse_pbuf_data(pb);
	cse_put16(p, 1);			/* Ethernet */
	cse_put16(p + 2, CSE_ETH_P_IP);
	p[4] = CSE_ETH_ALEN;
	p[5] = 4;
	cse_put16(p + ARP_OP, op);
	memcpy(p + ARP_SHA, st->mac, CSE_ETH_ALEN);
	cse_put32(p + ARP_SPA, st->addr);
	memcpy(p + ARP_THA, tha, CSE_ETH_ALEN);
	cse_put32(p + ARP_TPA, tip);
	if (op == CSE_ARP_REQUEST)
		st->stats.arp_requests_tx++;
	else
		st->stats.arp_replies_tx++;
	return cse_eth_output(st, pb, dst, CSE_ETH_P_ARP);
}

int cse_arp_request(struct cse_stack *st, uint32_t tip,
		    const uint8_t dst[CSE_ETH_ALEN])
{
	static const uint8_t zero[CSE_ETH_ALEN];

	return cse_arp_send(st, CSE_ARP_REQUEST, dst, zero, tip);
}

int cse_stack_announce(struct cse_stack *st)
{
	if (!st->addr)
		return -EADDRNOTAVAIL;
	/* A request for our own address, as Linux's arp_notify sends. */
	return cse_arp_request(st, st->addr, cse_eth_bcast);
}

/* Fixed fields of an Ethernet/IPv4 ARP packet; anything else is dropped. */
static bool cse_arp_valid(const uint8_t *p, unsigned int len)
{
	uint16_t op;

	if (len < CSE_ARP_LEN || cse_get16(p) != 1 ||
	    cse_get16(p + 2) != CSE_ETH_P_IP || p[4] != CSE_ETH_ALEN ||
	    p[5] != 4)
		return false;
	op = cse_get16(p + ARP_OP);
	/* A group address cannot be anyone's hardware address. */
	return (op == CSE_ARP_REQUEST || op == CSE_ARP_REPLY) &&
	       !(p[ARP_SHA] & 1);
}

void cse_arp_input(struct cse_stack *st, const uint8_t *p, unsigned int len)
{
	uint32_t sip, tip;
	bool for_us;
	uint16_t op;

	st->stats.arp_rx++;
	if (!cse_arp_valid(p, len)) {
		st->stats.arp_bad++;
		return;
	}
	op = cse_get16(p + ARP_OP);
	sip = cse_get32(p + ARP_SPA);
	tip = cse_get32(p + ARP_TPA);
	if (sip == st->addr && st->addr) {
		if (memcmp(p + ARP_SHA, st->mac, CSE_ETH_ALEN))
			st->stats.arp_conflict++;
		return;
	}
	/* 0.0.0.0 is a probe (RFC 5227): nothing to learn, nothing to say. */
	if (!sip || (sip & 0xf0000000) == 0xe0000000 ||
	    cse_ip4_is_bcast(st, sip))
		return;
	for_us = st->addr && tip == st->addr;
	cse_neigh_learn(st, sip, p + ARP_SHA, for_us && op == CSE_ARP_REPLY,
			for_us && op == CSE_ARP_REQUEST);
	if (for_us && op == CSE_ARP_REQUEST)
		cse_arp_send(st, CSE_ARP_REPLY, p + ARP_SHA, p + ARP_SHA, sip);
}
