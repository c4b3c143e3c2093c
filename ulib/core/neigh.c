// SPDX-License-Identifier: GPL-2.0
/*
 * Neighbour cache. Each entry has one timer whose meaning follows its
 * state: the next retransmission while INCOMPLETE or PROBE, the end of
 * reachability while REACHABLE, the first probe while DELAY, garbage
 * collection while STALE; a PERMANENT entry has none. The table holds at
 * most arp_max_entries; a new entry evicts the least recently used
 * resolved one, never one that is still resolving nor a PERMANENT one (as
 * Linux's garbage collection spares them).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "eth.h"
#include "priv.h"
#include "sock.h"

static void cse_neigh_timer(struct cse_timer *t, uint64_t now);

void cse_neigh_init(struct cse_neigh_table *t)
{
	cse_list_init(&t->entries);
	t->count = 0;
}

static struct cse_neigh *cse_neigh_entry(struct cse_list *pos)
{
	return cse_container_of(pos, struct cse_neigh, node);
}

struct cse_neigh *cse_neigh_find(struct cse_stack *st, uint32_t ip)
{
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, &st->neigh.entries)
		if (cse_neigh_entry(pos)->ip == ip)
			return cse_neigh_entry(pos);
	return NULL;
}

unsigned int cse_neigh_count(const struct cse_stack *st)
{
	return st->neigh.count;
}

static void cse_neigh_free(struct cse_neigh *n)
{
	struct cse_stack *st = n->st;

	cse_timer_del(&n->timer);
	cse_list_del(&n->node);
	cse_pbq_purge(&st->mem, &n->queue);
	st->neigh.count--;
	cse_mem_uncharge(&st->mem, sizeof(*n));
	free(n);
}

void cse_neigh_flush(struct cse_stack *st)
{
	while (!cse_list_empty(&st->neigh.entries))
		cse_neigh_free(cse_neigh_entry(st->neigh.entries.next));
}

/* Least recently used entry that is not resolving, or NULL. */
static struct cse_neigh *cse_neigh_victim(struct cse_stack *st)
{
	struct cse_neigh *victim = NULL;
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, &st->neigh.entries) {
		struct cse_neigh *n = cse_neigh_entry(pos);

		if (n->state != CSE_NUD_INCOMPLETE &&
		    n->state != CSE_NUD_PERMANENT &&
		    (!victim || n->used < victim->used))
			victim = n;
	}
	return victim;
}

static struct cse_neigh *cse_neigh_create(struct cse_stack *st, uint32_t ip)
{
	struct cse_neigh *n;

	if (st->neigh.count >= st->cfg.arp_max_entries) {
		n = cse_neigh_victim(st);
		if (!n) {
			st->stats.arp_table_full++;
			return NULL;
		}
		cse_neigh_free(n);
	}
	if (cse_mem_charge(&st->mem, sizeof(*n))) {
		st->stats.mem_drop++;
		return NULL;
	}
	n = calloc(1, sizeof(*n));
	if (!n) {
		cse_mem_uncharge(&st->mem, sizeof(*n));
		return NULL;
	}
	n->st = st;
	n->ip = ip;
	n->used = cse_now(st);
	cse_timer_init(&n->timer, cse_neigh_timer);
	cse_pbq_init(&n->queue);
	cse_list_add_after(&st->neigh.entries, &n->node);
	st->neigh.count++;
	return n;
}

static void cse_neigh_set_state(struct cse_neigh *n,
				enum cse_neigh_state state, uint64_t now)
{
	const struct cse_stack_config *c = &n->st->cfg;
	uint64_t when;

	n->state = state;
	switch (state) {
	case CSE_NUD_INCOMPLETE:
	case CSE_NUD_PROBE:
		n->probes = 1;
		cse_arp_request(n->st, n->ip, state == CSE_NUD_PROBE ?
				n->mac : cse_eth_bcast);
		when = now + c->arp_retrans_ns;
		break;
	case CSE_NUD_REACHABLE:
		when = now + c->arp_reachable_ns;
		break;
	case CSE_NUD_DELAY:
		when = now + c->arp_delay_ns;
		break;
	case CSE_NUD_PERMANENT:
		cse_timer_del(&n->timer);
		return;
	default:
		when = (n->used > now ? n->used : now) + c->arp_stale_ns;
		break;
	}
	cse_timer_mod(&n->st->timers, &n->timer, when);
}

/*
 * Resolution gave up: tell the senders of what was waiting (RFC 1122 2.3.2.2
 * says to report, Linux sends itself host unreachable) and forget it.
 */
static void cse_neigh_fail(struct cse_neigh *n)
{
	struct cse_stack *st = n->st;
	struct cse_pbuf *pb;

	st->stats.arp_failed++;
	while ((pb = cse_pbq_pop(&n->queue))) {
		if (pb->owner)
			cse_sock_unreachable(pb->owner, EHOSTUNREACH);
		cse_pbuf_free(&st->mem, pb);
	}
	cse_neigh_free(n);
}

static void cse_neigh_timer(struct cse_timer *t, uint64_t now)
{
	struct cse_neigh *n = cse_container_of(t, struct cse_neigh, timer);
	const struct cse_stack_config *c = &n->st->cfg;

	switch (n->state) {
	case CSE_NUD_INCOMPLETE:
	case CSE_NUD_PROBE:
		if (n->probes >= c->arp_probes) {
			cse_neigh_fail(n);
			return;
		}
		n->probes++;
		cse_arp_request(n->st, n->ip, n->state == CSE_NUD_PROBE ?
				n->mac : cse_eth_bcast);
		cse_timer_mod(&n->st->timers, t, now + c->arp_retrans_ns);
		break;
	case CSE_NUD_REACHABLE:
		cse_neigh_set_state(n, CSE_NUD_STALE, now);
		break;
	case CSE_NUD_DELAY:
		cse_neigh_set_state(n, CSE_NUD_PROBE, now);
		break;
	case CSE_NUD_STALE:
		if (now - n->used >= c->arp_stale_ns)
			cse_neigh_free(n);
		else
			cse_neigh_set_state(n, CSE_NUD_STALE, now);
		break;
	case CSE_NUD_PERMANENT:		/* never armed */
		break;
	}
}

static int cse_neigh_enqueue(struct cse_neigh *n, struct cse_pbuf *pb)
{
	struct cse_stack *st = n->st;

	if (pb->truesize > st->cfg.arp_queue_bytes) {
		st->stats.arp_queue_drop++;
		cse_pbuf_free(&st->mem, pb);
		return -ENOBUFS;
	}
	/* Like Linux, the oldest packets make room for the newest. */
	while (n->queue.bytes + pb->truesize > st->cfg.arp_queue_bytes) {
		st->stats.arp_queue_drop++;
		cse_pbuf_free(&st->mem, cse_pbq_pop(&n->queue));
	}
	cse_pbq_push(&n->queue, pb);
	return 0;
}

/* A packet goes through resolved entry @n now. */
static void cse_neigh_use(struct cse_neigh *n, uint64_t now)
{
	n->used = now;
	/* As Linux: give the upper layer a chance to confirm before probing. */
	if (n->state == CSE_NUD_STALE)
		cse_neigh_set_state(n, CSE_NUD_DELAY, now);
}

bool cse_neigh_resolved(struct cse_stack *st, uint32_t ip,
			uint8_t mac[CSE_ETH_ALEN])
{
	struct cse_neigh *n = cse_neigh_find(st, ip);

	if (!n || n->state == CSE_NUD_INCOMPLETE)
		return false;
	cse_neigh_use(n, cse_now(st));
	memcpy(mac, n->mac, CSE_ETH_ALEN);
	return true;
}

int cse_neigh_output(struct cse_stack *st, uint32_t ip, struct cse_pbuf *pb)
{
	struct cse_neigh *n = cse_neigh_find(st, ip);
	uint64_t now = cse_now(st);

	if (!n) {
		n = cse_neigh_create(st, ip);
		if (!n) {
			cse_pbuf_free(&st->mem, pb);
			return -ENOBUFS;
		}
		cse_neigh_set_state(n, CSE_NUD_INCOMPLETE, now);
	}
	if (n->state == CSE_NUD_INCOMPLETE)
		return cse_neigh_enqueue(n, pb);
	cse_neigh_use(n, now);
	return cse_eth_output(st, pb, n->mac, CSE_ETH_P_IP);
}

static void cse_neigh_release_queue(struct cse_neigh *n)
{
	struct cse_pbuf *pb;

	while ((pb = cse_pbq_pop(&n->queue)))
		cse_eth_output(n->st, pb, n->mac, CSE_ETH_P_IP);
}

void cse_neigh_learn(struct cse_stack *st, uint32_t ip,
		     const uint8_t mac[CSE_ETH_ALEN], bool confirmed,
		     bool create)
{
	struct cse_neigh *n = cse_neigh_find(st, ip);
	uint64_t now = cse_now(st);
	bool same;

	if (!n && create) {
		n = cse_neigh_create(st, ip);
		if (n)		/* nothing cached yet */
			n->state = CSE_NUD_INCOMPLETE;
	}
	/* As Linux: only the administrator changes a static entry. */
	if (!n || n->state == CSE_NUD_PERMANENT)
		return;
	same = n->state != CSE_NUD_INCOMPLETE &&
	       !memcmp(n->mac, mac, CSE_ETH_ALEN);
	if (confirmed || !same)
		n->seeded = false;	/* the stack's own knowledge now */
	memcpy(n->mac, mac, CSE_ETH_ALEN);
	if (confirmed)
		cse_neigh_set_state(n, CSE_NUD_REACHABLE, now);
	else if (!same)
		cse_neigh_set_state(n, CSE_NUD_STALE, now);
	/*
	 * Otherwise, as Linux: hearsay with an unchanged address neither
	 * demotes a REACHABLE entry nor stops a DELAY or PROBE.
	 */
	cse_neigh_release_queue(n);
}

void cse_neigh_forget_owner(struct cse_stack *st, struct cse_sock *s)
{
	struct cse_list *pos, *tmp;
	struct cse_pbuf *pb;

	cse_list_for_each_safe(pos, tmp, &st->neigh.entries)
		for (pb = cse_neigh_entry(pos)->queue.head; pb; pb = pb->next)
			if (pb->owner == s)
				pb->owner = NULL;
}

unsigned int cse_neigh_waiting(const struct cse_stack *st)
{
	const struct cse_list *pos;
	unsigned int n = 0;

	for (pos = st->neigh.entries.next; pos != &st->neigh.entries;
	     pos = pos->next)
		n += cse_container_of(pos, struct cse_neigh, node)->queue.count;
	return n;
}

static bool cse_neigh_seed_valid(struct cse_stack *st, uint32_t ip,
				 const uint8_t mac[CSE_ETH_ALEN],
				 enum cse_neigh_host_state hs)
{
	static const uint8_t zero[CSE_ETH_ALEN];

	if (!ip || ip == st->addr || (ip & 0xf0000000) >= 0xe0000000 ||
	    cse_ip4_is_bcast(st, ip))
		return false;
	if ((mac[0] & 1) || !memcmp(mac, zero, CSE_ETH_ALEN))
		return false;
	return hs == CSE_NEIGH_HOST_REACHABLE || hs == CSE_NEIGH_HOST_STALE ||
	       hs == CSE_NEIGH_HOST_PERMANENT;
}

/*
 * The host's REACHABLE entry, confirmed @age_ns ago, lasts here for the
 * rest of our reachable time; past it, it is STALE, as the host's own
 * would be by now. True when the entry took the host's word.
 */
static bool cse_neigh_seed_reachable(struct cse_neigh *n, bool same,
				     uint64_t age_ns, uint64_t now)
{
	uint64_t life = n->st->cfg.arp_reachable_ns;
	uint64_t until = now + life - age_ns;

	if (age_ns >= life) {
		if (same && n->state != CSE_NUD_PERMANENT)
			return false;	/* hearsay: ours stands */
		cse_neigh_set_state(n, CSE_NUD_STALE, now);
		return true;
	}
	/* Never shorten what the stack confirmed itself. */
	if (same && n->state == CSE_NUD_REACHABLE &&
	    n->timer.expires >= until)
		return false;
	n->state = CSE_NUD_REACHABLE;
	cse_timer_mod(&n->st->timers, &n->timer, until);
	return true;
}

int cse_neigh_seed(struct cse_stack *st, struct in_addr addr,
		   const uint8_t mac[CSE_ETH_ALEN],
		   enum cse_neigh_host_state hs, uint64_t age_ns)
{
	uint32_t ip = ntohl(addr.s_addr);
	struct cse_neigh *n;
	uint64_t now = cse_now(st);
	bool same, took = true;

	if (!cse_neigh_seed_valid(st, ip, mac, hs))
		return -EINVAL;
	n = cse_neigh_find(st, ip);
	if (!n) {
		n = cse_neigh_create(st, ip);
		if (!n)
			return -ENOBUFS;
		n->state = CSE_NUD_INCOMPLETE;	/* nothing cached yet */
	}
	same = n->state != CSE_NUD_INCOMPLETE &&
	       !memcmp(n->mac, mac, CSE_ETH_ALEN);
	memcpy(n->mac, mac, CSE_ETH_ALEN);
	if (hs == CSE_NEIGH_HOST_PERMANENT)
		cse_neigh_set_state(n, CSE_NUD_PERMANENT, now);
	else if (hs == CSE_NEIGH_HOST_REACHABLE)
		took = cse_neigh_seed_reachable(n, same, age_ns, now);
	else if (!same || n->state == CSE_NUD_PERMANENT)
		cse_neigh_set_state(n, CSE_NUD_STALE, now);
	else
		took = false;	/* STALE on a known address: hearsay */
	if (took)
		n->seeded = true;
	cse_neigh_release_queue(n);
	return 0;
}
int cse_neigh_unseed(struct cse_stack *st, struct in_addr addr)
{
	struct cse_neigh *n = cse_neigh_find(st, ntohl(addr.s_addr));

	if (!n)
		return -ESRCH;
	if (n->state == CSE_NUD_INCOMPLETE ||
	    (n->state == CSE_NUD_REACHABLE && !n->seeded))
		return -EBUSY;
	cse_neigh_free(n);
	return 0;
}

void cse_neigh_unseed_permanent(struct cse_stack *st)
{
	struct cse_list *pos, *tmp;

	cse_list_for_each_safe(pos, tmp, &st->neigh.entries)
		if (cse_neigh_entry(pos)->state == CSE_NUD_PERMANENT)
			cse_neigh_free(cse_neigh_entry(pos));
}
