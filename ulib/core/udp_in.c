// SPDX-License-Identifier: GPL-2.0
/* UDP receive side: validate, find the socket(s), queue; ICMP errors. */
#include <string.h>

#include "csum.h"
#include "icmp4.h"
#include "priv.h"
#include "udp.h"
#include "wire.h"

static void cse_udp_queue(struct cse_sock *s, const struct cse_ip4_rx *rx,
			  const uint8_t *data, unsigned int len)
{
	struct cse_stack *st = s->st;
	struct cse_pbuf *pb;

	/*
	 * Linux admits a datagram while the queue is not over the bound,
	 * so one always fits and the overshoot is a single datagram.
	 */
	if (s->rmem > s->rcvbuf) {
		st->stats.udp_rcvbuf_drop++;
		return;
	}
	pb = cse_pbuf_alloc(&st->mem, 0, len);
	if (!pb) {
		st->stats.mem_drop++;
		return;
	}
	memcpy(cse_pbuf_data(pb), data, len);
	pb->peer_addr = rx->saddr;
	pb->peer_port = cse_get16(rx->data);
	s->rmem += pb->truesize;
	cse_pbq_push(&s->rxq, pb);
	st->stats.udp_rx++;
	cse_sock_data_ready(s);
}

/* A broadcast goes to every socket that matches it. */
static bool cse_udp_broadcast(struct cse_stack *st,
			      const struct cse_ip4_rx *rx, uint16_t sport,
			      uint16_t dport, unsigned int ulen)
{
	struct cse_list *pos, *tmp, *b = cse_port_bucket(&st->udp, dport);
	bool found = false;

	cse_list_for_each_safe(pos, tmp, b) {
		struct cse_sock *s = cse_container_of(pos, struct cse_sock,
						      hash);

		if (cse_port_score(s, rx->daddr, dport, rx->saddr, sport) < 0)
			continue;
		found = true;
		cse_udp_queue(s, rx, rx->data + CSE_UDP_HLEN,
			      ulen - CSE_UDP_HLEN);
	}
	return found;
}

static bool cse_udp_valid(struct cse_stack *st, const struct cse_ip4_rx *rx,
			  unsigned int *ulen)
{
	uint32_t sum;

	if (rx->len < CSE_UDP_HLEN) {
		st->stats.udp_bad++;
		return false;
	}
	*ulen = cse_get16(rx->data + 4);
	if (*ulen < CSE_UDP_HLEN || *ulen > rx->len) {
		st->stats.udp_bad++;
		return false;
	}
	if (!cse_get16(rx->data + 6))
		return true;		/* sender computed none (RFC 768) */
	sum = cse_csum_pseudo(rx->saddr, rx->daddr, IPPROTO_UDP, *ulen);
	if (cse_csum_fold(cse_csum_add(sum, rx->data, *ulen))) {
		st->stats.udp_bad_csum++;
		return false;
	}
	return true;
}

void cse_udp_input(struct cse_stack *st, const struct cse_ip4_rx *rx)
{
	uint16_t sport, dport;
	struct cse_sock *s;
	unsigned int ulen;

	if (!cse_udp_valid(st, rx, &ulen))
		return;
	sport = cse_get16(rx->data);
	dport = cse_get16(rx->data + 2);
	if (rx->bcast) {
		if (!cse_udp_broadcast(st, rx, sport, dport, ulen))
			st->stats.udp_no_port++;
		return;
	}
	s = cse_port_lookup(&st->udp, rx->daddr, dport, rx->saddr, sport);
	if (s) {
		cse_udp_queue(s, rx, rx->data + CSE_UDP_HLEN,
			      ulen - CSE_UDP_HLEN);
		return;
	}
	st->stats.udp_no_port++;
	cse_icmp4_send_unreach(st, rx, CSE_ICMP_UNREACH_PORT);
}

/*
 * Our datagram e->saddr:sport -> e->daddr:dport drew an ICMP error. As in
 * Linux without IP_RECVERR, only a connected socket hears of it, and only
 * of a hard error.
 */
void cse_udp_err(struct cse_stack *st, const struct cse_ip4_err *e)
{
	uint16_t sport = cse_get16(e->l4), dport = cse_get16(e->l4 + 2);
	struct cse_sock *s = cse_port_lookup(&st->udp, e->saddr, sport, e->daddr,
					    dport);

	if (s && s->raddr && e->fatal)
		cse_sock_set_error(s, e->err);
}
