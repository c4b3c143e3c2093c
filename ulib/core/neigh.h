/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The neighbour (ARP) cache: IPv4 next hop -> MAC, with Linux's states
 * reduced to INCOMPLETE, REACHABLE, STALE, DELAY, PROBE and PERMANENT (an
 * entry the host's table holds as static or NOARP), one timer per entry, a bound on entries and a byte bound on each entry's queue of
 * packets awaiting resolution.
 */
#ifndef CSE_CORE_NEIGH_H
#define CSE_CORE_NEIGH_H

#include <stdbool.h>
#include <stdint.h>

#include "link.h"
#include "pbuf.h"
#include "timer.h"
#include "util.h"

struct cse_stack;
struct cse_sock;

enum cse_neigh_state {
	CSE_NUD_INCOMPLETE,	/* resolving; packets wait in @queue */
	CSE_NUD_REACHABLE,	/* confirmed within arp_reachable_ns */
	CSE_NUD_STALE,		/* usable, unconfirmed */
	CSE_NUD_DELAY,		/* used while stale: probe unless confirmed */
	CSE_NUD_PROBE,		/* unicast probes */
	CSE_NUD_PERMANENT,	/* the host's static entry: no timer, no ARP */
};

struct cse_neigh {
	struct cse_list node;
	struct cse_stack *st;
	uint32_t ip;			/* host byte order */
	uint8_t mac[CSE_ETH_ALEN];
	enum cse_neigh_state state;
	bool seeded;			/* its state is the host's word */
	unsigned int probes;		/* requests sent in this round */
	uint64_t used;			/* last packet sent through it */
	struct cse_timer timer;
	struct cse_pbq queue;
};

struct cse_neigh_table {
	struct cse_list entries;	/* most recently created first */
	unsigned int count;
};

void cse_neigh_init(struct cse_neigh_table *t);
void cse_neigh_flush(struct cse_stack *st);

/*
 * Send @pb (an IPv4 packet) to next hop @ip: at once if its MAC is known,
 * else queued while ARP resolves. Consumes @pb. Returns 0 or -ENOBUFS.
 */
int cse_neigh_output(struct cse_stack *st, uint32_t ip, struct cse_pbuf *pb);

/*
 * The MAC of next hop @ip in @mac, when known (the entry counts as used,
 * as by cse_neigh_output()); false when a packet would have to wait for
 * resolution, or start it: then cse_neigh_output() is the way.
 */
bool cse_neigh_resolved(struct cse_stack *st, uint32_t ip,
			uint8_t mac[CSE_ETH_ALEN]);

/*
 * What ARP learnt: @ip is at @mac. @confirmed for a reply to us, else the
 * entry is at most STALE. @create allows a new entry (a request for us);
 * otherwise only an existing one is updated.
 */
void cse_neigh_learn(struct cse_stack *st, uint32_t ip,
		     const uint8_t mac[CSE_ETH_ALEN], bool confirmed,
		     bool create);

/* Packets waiting for their next hop's address (still to leave). */
unsigned int cse_neigh_waiting(const struct cse_stack *st);

/* A socket is going away: its queued packets no longer have an owner. */
void cse_neigh_forget_owner(struct cse_stack *st, struct cse_sock *s);

/* For tests and tools. */
struct cse_neigh *cse_neigh_find(struct cse_stack *st, uint32_t ip);
unsigned int cse_neigh_count(const struct cse_stack *st);

#endif /* CSE_CORE_NEIGH_H */
