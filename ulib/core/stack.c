// SPDX-License-Identifier: GPL-2.0
/*
 * Instance lifecycle and the entry points that drive it: frames in, time
 * passing. Everything else is reached from here.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "priv.h"
#include "sock.h"
#include "tcp.h"

void cse_stack_config_defaults(struct cse_stack_config *cfg)
{
	*cfg = (struct cse_stack_config){
		.mem_limit = 16u << 20,
		.ttl = 64,
		/* Linux: gc_thresh3 is 1024; an application needs far fewer. */
		.arp_max_entries = 256,
		/* Linux's unres_qlen_bytes (SK_WMEM_MAX). */
		.arp_queue_bytes = 212992,
		.arp_probes = 3,
		.arp_retrans_ns = 1 * CSE_NSEC_PER_SEC,
		.arp_reachable_ns = 30 * CSE_NSEC_PER_SEC,
		.arp_stale_ns = 60 * CSE_NSEC_PER_SEC,
		.arp_delay_ns = 5 * CSE_NSEC_PER_SEC,
		.icmp_rate_ns = 1 * CSE_NSEC_PER_SEC,
		.icmp_burst = 6,
		.rmem_default = 212992,
		.rmem_max = 212992,
		.wmem_default = 212992,
		.wmem_max = 212992,
		/* Linux's ipfrag_high_thresh and ipfrag_time. */
		.ipfrag_high_thresh = 4u << 20,
		.ipfrag_time_ns = 30 * CSE_NSEC_PER_SEC,
		.tcp_rmem_default = 131072,
		.tcp_wmem_default = 16384,
		.tcp_rmem_max = 6291456,
		.tcp_wmem_max = 4194304,
		.tcp_window_scaling = 1,
		.tcp_timestamps = 1,
		.tcp_sack = 1,
		.tcp_syncookies = 1,
		.tcp_ecn = 2,
		.tcp_recovery = 1,
		.tcp_syn_retries = 6,
		.tcp_synack_retries = 5,
		.tcp_retries2 = 15,
		.tcp_max_syn_backlog = 128,
		.somaxconn = 4096,
		.tcp_rto_min_ns = 200 * CSE_NSEC_PER_MSEC,
		.tcp_rto_max_ns = 120 * CSE_NSEC_PER_SEC,
		.tcp_rto_init_ns = 1 * CSE_NSEC_PER_SEC,
		.tcp_time_wait_ns = 60 * CSE_NSEC_PER_SEC,
		.tcp_fin_timeout_ns = 60 * CSE_NSEC_PER_SEC,
		.tcp_invalid_ratelimit_ns = 500 * CSE_NSEC_PER_MSEC,
		/* Linux's TCP_DELACK_MIN; RFC 1122 allows up to 500 ms. */
		.tcp_delack_ns = 40 * CSE_NSEC_PER_MSEC,
	};
}

static int cse_config_check(const struct cse_stack_config *c)
{
	uint32_t mask = cse_prefix_mask(c->prefix_len);
	uint32_t gw = ntohl(c->gateway.s_addr);

	if (!c->link.ops || !c->link.ops->xmit || !c->link.ops->recv ||
	    !c->link.ops->mtu || !c->link.ops->mac || !c->clock.now_ns ||
	    !c->link.ops->tx_get != !c->link.ops->tx_commit)
		return -EINVAL;
	if (c->prefix_len > 32 || !c->mem_limit || !c->ttl || c->ttl > 255 ||
	    !c->arp_max_entries || !c->arp_probes || !c->icmp_burst ||
	    !c->rmem_max || !c->wmem_max || !c->tcp_max_syn_backlog ||
	    !c->tcp_rto_min_ns || c->tcp_rto_min_ns > c->tcp_rto_max_ns)
		return -EINVAL;
	if (gw && (gw & mask) != (ntohl(c->addr.s_addr) & mask))
		return -EINVAL;
	return 0;
}

static int cse_stack_routes(struct cse_stack *st)
{
	int err = 0;

	if (st->addr && st->cfg.prefix_len)
		err = cse_route_insert(&st->routes, st->addr & st->mask,
				       st->cfg.prefix_len, 0);
	if (!err && st->cfg.gateway.s_addr)
		err = cse_route_insert(&st->routes, 0, 0,
				       ntohl(st->cfg.gateway.s_addr));
	return err;
}

int cse_stack_create(const struct cse_stack_config *cfg,
		     struct cse_stack **out)
{
	struct cse_stack *st;
	int err = cse_config_check(cfg);

	if (err)
		return err;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	st->cfg = *cfg;
	st->addr = ntohl(cfg->addr.s_addr);
	st->mask = cse_prefix_mask(cfg->prefix_len);
	st->mtu = cfg->link.ops->mtu(cfg->link.priv);
	/* RFC 1122 3.3.3: every host must take 576-byte datagrams. */
	if (st->mtu < 576 || st->mtu > 65535) {
		free(st);
		return -EINVAL;
	}
	cfg->link.ops->mac(cfg->link.priv, st->mac);
	st->mem.limit = cfg->mem_limit;
	cse_timers_init(&st->timers, cse_now(st));
	cse_rng_seed(&st->rng, cfg->seed);
	st->ip_id = (uint16_t)cse_rng_next(&st->rng);
	cse_neigh_init(&st->neigh);
	cse_defrag_init(&st->defrag);
	cse_ports_init(&st->udp);
	cse_ports_init(&st->tcp);
	st->isn_key[0] = (uint64_t)cse_rng_next(&st->rng) << 32 |
			 cse_rng_next(&st->rng);
	st->isn_key[1] = (uint64_t)cse_rng_next(&st->rng) << 32 |
			 cse_rng_next(&st->rng);
	cse_list_init(&st->socks);
	st->icmp_limit.credit = cfg->icmp_rate_ns * cfg->icmp_burst;
	st->icmp_limit.last = cse_now(st);
	st->rxcap = st->mtu + CSE_ETH_HLEN;
	st->rxbuf = malloc(st->rxcap);
	st->txbuf = malloc(st->rxcap);
	err = st->rxbuf && st->txbuf ? cse_stack_routes(st) : -ENOMEM;
	if (err) {
		free(st->rxbuf);
		free(st->txbuf);
		free(st);
		return err;
	}
	*out = st;
	return 0;
}

void cse_stack_destroy(struct cse_stack *st)
{
	if (!st)
		return;
	/* One at a time: freeing a listener frees its children too. */
	while (!cse_list_empty(&st->socks))
		cse_sock_free(cse_container_of(st->socks.next,
					       struct cse_sock, node));
	cse_tcp_hold_free(st);
	cse_neigh_flush(st);
	cse_defrag_flush(st);
	free(st->rxbuf);
	free(st->txbuf);
	free(st);
}

unsigned int cse_stack_unfinished(const struct cse_stack *st)
{
	const struct cse_list *pos;
	unsigned int n = 0;

	for (pos = st->socks.next; pos != &st->socks; pos = pos->next) {
		const struct cse_sock *s = cse_container_of(pos,
					struct cse_sock, node);

		if (s->ops == &cse_tcp_ops && cse_tcp_unfinished(s))
			n++;
	}
	/* Datagrams sent just before exit() may still wait for ARP. */
	return n + cse_neigh_waiting(st);
}

void cse_stack_input(struct cse_stack *st, const void *frame, size_t len)
{
	st->stats.eth_rx++;
	/* Longer than any frame the link can carry: a broken link. */
	if (len > (size_t)st->mtu + CSE_ETH_HLEN) {
		st->stats.eth_too_long++;
		return;
	}
	cse_eth_input(st, frame, (unsigned int)len);
}

unsigned int cse_stack_run_timers(struct cse_stack *st)
{
	return cse_timers_run(&st->timers, cse_now(st));
}

int cse_stack_poll(struct cse_stack *st, unsigned int budget)
{
	const struct cse_link *l = &st->cfg.link;
	unsigned int n;

	for (n = 0; n < budget; n++) {
		int len = l->ops->recv(l->priv, st->rxbuf, st->rxcap);

		if (len == -EMSGSIZE)
			continue;	/* the link dropped a giant */
		if (len <= 0)
			break;
		cse_stack_input(st, st->rxbuf, len);
	}
	cse_stack_run_timers(st);
	return n;
}

uint64_t cse_stack_next_timer(const struct cse_stack *st)
{
	return cse_timers_next(&st->timers);
}

int cse_route_add(struct cse_stack *st, struct in_addr dst,
		  unsigned int prefix_len, struct in_addr gw)
{
	uint32_t g = ntohl(gw.s_addr), hop;

	if (g && (cse_route_lookup(&st->routes, g, &hop) || hop != g))
		return -ENETUNREACH;
	return cse_route_insert(&st->routes, ntohl(dst.s_addr), prefix_len,
				g);
}

int cse_route_del(struct cse_stack *st, struct in_addr dst,
		  unsigned int prefix_len)
{
	return cse_route_remove(&st->routes, ntohl(dst.s_addr), prefix_len);
}

const struct cse_stats *cse_stack_stats(const struct cse_stack *st)
{
	return &st->stats;
}

size_t cse_stack_mem_used(const struct cse_stack *st)
{
	return st->mem.used;
}
