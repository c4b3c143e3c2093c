/* SPDX-License-Identifier: GPL-2.0 */
/* The instance: everything one stack owns. No globals anywhere in core/. */
#ifndef CSE_CORE_PRIV_H
#define CSE_CORE_PRIV_H

#include <stdint.h>

#include "icmp4.h"
#include "ip4_frag.h"
#include "neigh.h"
#include "pbuf.h"
#include "rand.h"
#include "route.h"
#include "stack.h"
#include "stats.h"
#include "tcp_hold.h"
#include "timer.h"
#include "udp.h"

struct cse_stack {
	struct cse_stack_config cfg;
	uint8_t mac[CSE_ETH_ALEN];
	uint32_t addr;			/* host byte order */
	uint32_t mask;
	unsigned int mtu;
	struct cse_mem mem;
	struct cse_timers timers;
	struct cse_rng rng;
	struct cse_stats stats;
	struct cse_neigh_table neigh;
	struct cse_route_table routes;
	struct cse_icmp_limit icmp_limit;
	struct cse_defrag defrag;	/* IPv4 reassembly queues */
	struct cse_port_table udp;
	struct cse_port_table tcp;
	struct cse_tcp_holds holds;	/* tuples moving (tcp_hold.c) */
	uint64_t isn_key[2];		/* RFC 6528 secret */
	struct cse_list socks;
	uint16_t ip_id;
	uint8_t *rxbuf;
	uint8_t *txbuf;			/* frames for links without tx_get */
	unsigned int rxcap;		/* of each of them */
};

static inline uint64_t cse_now(const struct cse_stack *st)
{
	return st->cfg.clock.now_ns(st->cfg.clock.priv);
}

#endif /* CSE_CORE_PRIV_H */
