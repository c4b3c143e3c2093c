// SPDX-License-Identifier: GPL-2.0
/* IPv4 output built in place (see ip4_tx.h). */
#include <errno.h>
#include <string.h>

#include "eth.h"
#include "ip4.h"
#include "ip4_tx.h"
#include "priv.h"

#define CSE_IP4_TX_HDRS		(CSE_ETH_HLEN + CSE_IP4_HLEN)

int cse_ip4_path(struct cse_stack *st, struct cse_ip4_path *p,
		 uint32_t daddr, uint8_t proto, uint8_t ttl,
		 struct cse_sock *owner)
{
	int err = cse_ip4_next_hop(st, daddr, &p->o.hop);

	if (err)
		return err;
	p->o.daddr = daddr;
	p->o.proto = proto;
	p->o.ttl = ttl;
	p->o.owner = owner;
	p->o.bcast = cse_ip4_is_bcast(st, daddr);
	if (p->o.bcast) {
		memcpy(p->mac, cse_eth_bcast, CSE_ETH_ALEN);
		p->direct = true;
	} else {
		p->direct = cse_neigh_resolved(st, p->o.hop, p->mac);
	}
	return 0;
}

int cse_ip4_tx_begin(struct cse_stack *st, const struct cse_ip4_path *p,
		     struct cse_ip4_tx *tx, uint32_t l4len)
{
	bool fits = l4len + CSE_IP4_HLEN <= st->mtu;
	int err;

	if (!fits && (p->o.proto == IPPROTO_TCP ||
		      st->cfg.link.ops->no_fragments))
		return -EMSGSIZE;
	tx->l4len = l4len;
	tx->tos = 0;
	tx->pb = NULL;
	tx->frame = NULL;
	if (fits && p->direct) {
		err = cse_eth_tx_get(st, CSE_IP4_TX_HDRS + l4len, &tx->frame);
		tx->l4 = tx->frame + CSE_IP4_TX_HDRS;
		return err;
	}
	tx->pb = cse_pbuf_alloc(&st->mem, CSE_PBUF_HEADROOM, l4len);
	if (!tx->pb) {
		st->stats.mem_drop++;
		return -ENOBUFS;
	}
	tx->l4 = cse_pbuf_data(tx->pb);
	return 0;
}

int cse_ip4_tx_commit(struct cse_stack *st, const struct cse_ip4_path *p,
		      struct cse_ip4_tx *tx)
{
	struct cse_ip4_out o = p->o;

	if (tx->pb) {
		tx->pb->tos = tx->tos;
		return cse_ip4_output(st, tx->pb, o.daddr, o.proto, o.ttl,
				      o.owner);
	}
	o.tos = tx->tos;
	o.id = st->ip_id++;
	cse_ip4_hdr(st, tx->frame + CSE_ETH_HLEN, &o,
		    (uint16_t)(CSE_IP4_HLEN + tx->l4len), cse_ip4_df(&o));
	return cse_eth_tx_commit(st, tx->frame, CSE_IP4_TX_HDRS + tx->l4len,
				 p->mac, CSE_ETH_P_IP);
}
