// SPDX-License-Identifier: GPL-2.0
/* Ethernet II: accept frames for us, dispatch by EtherType, frame output. */
#include <errno.h>
#include <string.h>

#include "eth.h"
#include "ip4.h"
#include "priv.h"
#include "wire.h"

const uint8_t cse_eth_bcast[CSE_ETH_ALEN] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff
};

typedef void (*cse_eth_handler)(struct cse_stack *st, const uint8_t *pkt,
				unsigned int len);

static const struct {
	uint16_t type;
	cse_eth_handler input;
} cse_eth_types[] = {
	{ CSE_ETH_P_IP, cse_ip4_input },
	{ CSE_ETH_P_ARP, cse_arp_input },
};

void cse_eth_input(struct cse_stack *st, const uint8_t *frame,
		   unsigned int len)
{
	unsigned int i;
	uint16_t type;

	if (len < CSE_ETH_HLEN) {
		st->stats.eth_short++;
		return;
	}
	/* Unicast for another host; multicast groups are not joined. */
	if (memcmp(frame, st->mac, CSE_ETH_ALEN) &&
	    memcmp(frame, cse_eth_bcast, CSE_ETH_ALEN)) {
		st->stats.eth_not_ours++;
		return;
	}
	type = cse_get16(frame + 12);
	for (i = 0; i < CSE_ARRAY_SIZE(cse_eth_types); i++) {
		if (cse_eth_types[i].type == type) {
			cse_eth_types[i].input(st, frame + CSE_ETH_HLEN,
					       len - CSE_ETH_HLEN);
			return;
		}
	}
	st->stats.eth_bad_type++;
}

static void cse_eth_hdr(const struct cse_stack *st, uint8_t *h,
			const uint8_t dst[CSE_ETH_ALEN], uint16_t type)
{
	memcpy(h, dst, CSE_ETH_ALEN);
	memcpy(h + CSE_ETH_ALEN, st->mac, CSE_ETH_ALEN);
	cse_put16(h + 12, type);
}

static int cse_eth_count(struct cse_stack *st, int err)
{
	if (err)
		st->stats.eth_tx_err++;
	else
		st->stats.eth_tx++;
	return err;
}

int cse_eth_output(struct cse_stack *st, struct cse_pbuf *pb,
		   const uint8_t dst[CSE_ETH_ALEN], uint16_t type)
{
	const struct cse_link *l = &st->cfg.link;
	uint8_t *h = cse_pbuf_push(pb, CSE_ETH_HLEN);
	int err = -ENOBUFS;

	if (h) {
		cse_eth_hdr(st, h, dst, type);
		err = l->ops->xmit(l->priv, h, pb->len);
	}
	cse_pbuf_free(&st->mem, pb);
	return cse_eth_count(st, err);
}

int cse_eth_tx_get(struct cse_stack *st, size_t len, uint8_t **frame)
{
	const struct cse_link *l = &st->cfg.link;
	void *f;
	int err;

	if (!l->ops->tx_get) {
		if (len > st->rxcap)
			return cse_eth_count(st, -EMSGSIZE);
		*frame = st->txbuf;
		return 0;
	}
	err = l->ops->tx_get(l->priv, len, &f);
	if (err)
		return cse_eth_count(st, err);
	*frame = f;
	return 0;
}

int cse_eth_tx_commit(struct cse_stack *st, uint8_t *frame, size_t len,
		      const uint8_t dst[CSE_ETH_ALEN], uint16_t type)
{
	const struct cse_link *l = &st->cfg.link;

	cse_eth_hdr(st, frame, dst, type);
	if (!l->ops->tx_commit)
		return cse_eth_count(st, l->ops->xmit(l->priv, frame, len));
	return cse_eth_count(st, l->ops->tx_commit(l->priv, frame, len));
}
