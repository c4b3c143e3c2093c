// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 (RFC 791, host requirements of RFC 1122 3.2.1). An endpoint, not a
 * router: packets not addressed to us are dropped, never forwarded.
 * Fragments go to reassembly (ip4_defrag.c); datagrams over the MTU that
 * may be fragmented leave in pieces (ip4_frag.c).
 */
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "eth.h"
#include "icmp4.h"
#include "ip4.h"
#include "ip4_frag.h"
#include "priv.h"
#include "tcp.h"
#include "udp.h"
#include "wire.h"

static const struct {
	uint8_t proto;
	void (*input)(struct cse_stack *st, const struct cse_ip4_rx *rx);
	void (*err)(struct cse_stack *st, const struct cse_ip4_err *e);
} cse_ip4_protos[] = {
	{ IPPROTO_ICMP, cse_icmp4_input, NULL },
	{ IPPROTO_UDP, cse_udp_input, cse_udp_err },
	{ IPPROTO_TCP, cse_tcp_input, cse_tcp_err },
};

bool cse_ip4_is_bcast(const struct cse_stack *st, uint32_t addr)
{
	if (addr == CSE_IP4_BCAST)
		return true;
	/* /31 and /32 subnets have no broadcast address (RFC 3021). */
	return st->addr && st->cfg.prefix_len && st->cfg.prefix_len < 31 &&
	       (addr & st->mask) == (st->addr & st->mask) &&
	       (addr & ~st->mask) == ~st->mask;
}

/* Options are not acted on, but a malformed list means a broken header. */
static bool cse_ip4_options_ok(const uint8_t *opt, unsigned int len)
{
	unsigned int i = 0;

	while (i < len) {
		if (opt[i] == 0)		/* end of list */
			return true;
		if (opt[i] == 1) {		/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= len || opt[i + 1] < 2 || opt[i + 1] > len - i)
			return false;
		i += opt[i + 1];
	}
	return true;
}

static bool cse_ip4_martian_src(const struct cse_stack *st, uint32_t a)
{
	return !a || (a >> 24) == 127 || (a & 0xf0000000) == 0xe0000000 ||
	       cse_ip4_is_bcast(st, a) || a == st->addr;
}

/* Validate the header; on failure count why and return false. */
static bool cse_ip4_parse(struct cse_stack *st, const uint8_t *p,
			  unsigned int len, struct cse_ip4_rx *rx)
{
	unsigned int hlen, tot;

	if (len < CSE_IP4_HLEN || p[0] >> 4 != 4)
		goto bad_hdr;
	hlen = (p[0] & 0xf) * 4;
	tot = cse_get16(p + 2);
	if (hlen < CSE_IP4_HLEN || hlen > len || tot < hlen || tot > len)
		goto bad_hdr;
	if (cse_csum(p, hlen)) {
		st->stats.ip_bad_csum++;
		return false;
	}
	if (!cse_ip4_options_ok(p + CSE_IP4_HLEN, hlen - CSE_IP4_HLEN))
		goto bad_hdr;
	*rx = (struct cse_ip4_rx){
		.saddr = cse_get32(p + 12), .daddr = cse_get32(p + 16),
		.proto = p[9], .hdr = p, .hlen = hlen,
		.data = p + hlen, .len = tot - hlen,
	};
	rx->bcast = cse_ip4_is_bcast(st, rx->daddr);
	if (!rx->bcast && (!st->addr || rx->daddr != st->addr)) {
		st->stats.ip_not_ours++;
		return false;
	}
	if (cse_ip4_martian_src(st, rx->saddr)) {
		st->stats.ip_martian++;
		return false;
	}
	return true;
bad_hdr:
	st->stats.ip_bad_hdr++;
	return false;
}

void cse_ip4_deliver(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_ip4_protos); i++) {
		if (cse_ip4_protos[i].proto == rx->proto) {
			cse_ip4_protos[i].input(st, rx);
			return;
		}
	}
	st->stats.ip_bad_proto++;
	cse_icmp4_send_unreach(st, rx, CSE_ICMP_UNREACH_PROTO);
}

void cse_ip4_input(struct cse_stack *st, const uint8_t *pkt,
		   unsigned int len)
{
	struct cse_ip4_rx rx;

	st->stats.ip_rx++;
	if (!cse_ip4_parse(st, pkt, len, &rx))
		return;
	if (cse_get16(rx.hdr + 6) & (CSE_IP4_MF | CSE_IP4_OFFSET))
		cse_ip4_defrag(st, &rx);
	else
		cse_ip4_deliver(st, &rx);
}

bool cse_ip4_err_input(struct cse_stack *st, uint8_t proto,
		       const struct cse_ip4_err *e)
{
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(cse_ip4_protos); i++) {
		if (cse_ip4_protos[i].proto == proto &&
		    cse_ip4_protos[i].err) {
			cse_ip4_protos[i].err(st, e);
			return true;
		}
	}
	return false;
}

int cse_ip4_next_hop(struct cse_stack *st, uint32_t daddr, uint32_t *hop)
{
	if (!st->addr)
		return -EADDRNOTAVAIL;
	*hop = daddr;
	if (cse_ip4_is_bcast(st, daddr))
		return 0;
	if (cse_route_lookup(&st->routes, daddr, hop)) {
		st->stats.ip_no_route++;
		return -ENETUNREACH;
	}
	return 0;
}

uint16_t cse_ip4_df(const struct cse_ip4_out *o)
{
	/* As Linux's IP_PMTUDISC_WANT, except on ICMP (see ip4.h). */
	return o->proto == IPPROTO_ICMP ? 0 : CSE_IP4_DF;
}

void cse_ip4_hdr(const struct cse_stack *st, uint8_t *h,
		 const struct cse_ip4_out *o, uint16_t len, uint16_t frag)
{
	memset(h, 0, CSE_IP4_HLEN);
	h[0] = 0x45;
	h[1] = o->tos;
	cse_put16(h + 2, len);
	cse_put16(h + 4, o->id);
	cse_put16(h + 6, frag);
	h[8] = o->ttl;
	h[9] = o->proto;
	cse_put32(h + 12, st->addr);
	cse_put32(h + 16, o->daddr);
	cse_put16(h + 10, cse_csum(h, CSE_IP4_HLEN));
}

int cse_ip4_xmit(struct cse_stack *st, struct cse_pbuf *pb,
		 const struct cse_ip4_out *o)
{
	pb->owner = o->owner;
	if (o->bcast)
		return cse_eth_output(st, pb, cse_eth_bcast, CSE_ETH_P_IP);
	return cse_neigh_output(st, o->hop, pb);
}

int cse_ip4_output(struct cse_stack *st, struct cse_pbuf *pb, uint32_t daddr,
		   uint8_t proto, uint8_t ttl, struct cse_sock *owner)
{
	struct cse_ip4_out o = {
		.daddr = daddr, .proto = proto, .ttl = ttl, .tos = pb->tos,
		.bcast = cse_ip4_is_bcast(st, daddr), .owner = owner,
	};
	bool fits = pb->len + CSE_IP4_HLEN <= st->mtu;
	uint8_t *h = NULL;
	int err = cse_ip4_next_hop(st, daddr, &o.hop);

	if (!err && !fits && (proto == IPPROTO_TCP ||
			      st->cfg.link.ops->no_fragments))
		err = -EMSGSIZE;
	if (!err && fits) {
		h = cse_pbuf_push(pb, CSE_IP4_HLEN);
		err = h ? 0 : -ENOBUFS;
	}
	if (err) {
		cse_pbuf_free(&st->mem, pb);
		return err;
	}
	o.id = st->ip_id++;
	if (!fits)
		return cse_ip4_fragment(st, pb, &o);
	cse_ip4_hdr(st, h, &o, (uint16_t)pb->len, cse_ip4_df(&o));
	return cse_ip4_xmit(st, pb, &o);
}
