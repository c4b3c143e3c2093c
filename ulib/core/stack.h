/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The public face of one stack instance: configure it, feed it frames and
 * time, read its counters. Instances share nothing, so one process may hold
 * several. The socket API is in socket.h.
 *
 * Threading: an instance is not thread-safe; the caller serialises every
 * call on one instance (the library's per-instance thread does).
 */
#ifndef CSE_CORE_STACK_H
#define CSE_CORE_STACK_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "link.h"
#include "stats.h"

struct cse_stack;

struct cse_stack_config {
	struct cse_link link;
	struct cse_clock clock;
	struct in_addr addr;		/* our address; network byte order */
	unsigned int prefix_len;	/* of the connected subnet */
	struct in_addr gateway;		/* default route; 0 for none */
	uint64_t seed;			/* ephemeral ports, IP IDs */
	size_t mem_limit;		/* bytes of buffers and sockets */

	unsigned int ttl;		/* default IPv4 TTL */
	unsigned int arp_max_entries;	/* neighbour cache bound */
	size_t arp_queue_bytes;		/* per unresolved neighbour */
	unsigned int arp_probes;	/* requests before giving up */
	uint64_t arp_retrans_ns;	/* between requests */
	uint64_t arp_reachable_ns;	/* REACHABLE lasts this long */
	uint64_t arp_stale_ns;		/* an unused STALE entry goes */
	uint64_t arp_delay_ns;		/* used STALE entry: wait, probe */
	uint64_t icmp_rate_ns;		/* one ICMP error per this... */
	unsigned int icmp_burst;	/* ...with bursts up to this */
	unsigned int rmem_default;	/* SO_RCVBUF of a new socket */
	unsigned int rmem_max;		/* cap on SO_RCVBUF requests */
	unsigned int wmem_default;
	unsigned int wmem_max;
	size_t ipfrag_high_thresh;	/* bytes reassembly may hold; 0: none */
	uint64_t ipfrag_time_ns;	/* a datagram's time to be whole */

	unsigned int tcp_rmem_default;	/* SO_RCVBUF of a TCP socket */
	unsigned int tcp_wmem_default;	/* SO_SNDBUF of a TCP socket */
	unsigned int tcp_rmem_max;	/* receive autotuning's limit */
	unsigned int tcp_wmem_max;	/* send autotuning's limit */
	unsigned int tcp_window_scaling; /* offer RFC 7323 window scaling */
	unsigned int tcp_timestamps;	/* offer RFC 7323 timestamps */
	unsigned int tcp_sack;		/* offer RFC 2018 SACK */
	unsigned int tcp_syncookies;	/* cookies when the SYN queue fills */
	unsigned int tcp_ecn;		/* Linux's: 1 ask, 2 accept only */
	unsigned int tcp_recovery;	/* Linux's: 1 RACK-TLP (RFC 8985) */
	unsigned int tcp_syn_retries;	/* SYN retransmissions */
	unsigned int tcp_synack_retries;
	unsigned int tcp_retries2;	/* before an established one fails */
	unsigned int tcp_max_syn_backlog; /* half-open per listener */
	unsigned int somaxconn;		/* cap on listen()'s backlog */
	uint64_t tcp_rto_min_ns;
	uint64_t tcp_rto_max_ns;
	uint64_t tcp_rto_init_ns;
	uint64_t tcp_time_wait_ns;	/* 2 MSL */
	uint64_t tcp_fin_timeout_ns;	/* orphaned FIN-WAIT-2 */
	uint64_t tcp_invalid_ratelimit_ns; /* between challenge ACKs */
	uint64_t tcp_delack_ns;		/* longest an ACK is delayed */
};

/* Fill @cfg with Linux's defaults; the caller then sets link, clock, addr. */
void cse_stack_config_defaults(struct cse_stack_config *cfg);

/*
 * Returns 0 and the instance in @out, -EINVAL for an unusable config
 * (no link or clock, prefix over 32, gateway outside the subnet, zero
 * limits), -ENOMEM.
 */
int cse_stack_create(const struct cse_stack_config *cfg,
		     struct cse_stack **out);
/* Closes every socket and frees everything the instance holds. */
void cse_stack_destroy(struct cse_stack *st);

/*
 * Take up to @budget frames from the link, then run due timers. Returns
 * the number of frames processed.
 */
int cse_stack_poll(struct cse_stack *st, unsigned int budget);
/* Process one received frame given directly (a ring backend's slot). */
void cse_stack_input(struct cse_stack *st, const void *frame, size_t len);
/* Run timers due now; returns how many fired. */
unsigned int cse_stack_run_timers(struct cse_stack *st);
/* When the next timer is due (clock nanoseconds), or UINT64_MAX. */
uint64_t cse_stack_next_timer(const struct cse_stack *st);

/*
 * How many TCP connections still have data or a FIN the peer has not
 * acknowledged (TIME_WAIT and FIN_WAIT_2 do not count: nothing of ours is
 * in flight), plus packets still waiting for ARP. A process that exits
 * waits for this to reach 0, as the kernel keeps an orphaned socket
 * sending after its owner is gone.
 */
unsigned int cse_stack_unfinished(const struct cse_stack *st);

/*
 * The link's MTU changed (a ring backend's MTU event): frames of up to
 * @mtu bytes of IP from now on. Connections whose segments no longer fit
 * shrink their MSS and send again, as after an RFC 1191 message; a larger
 * MTU serves new connections. -EINVAL outside 576..65535, -ENOMEM.
 */
int cse_stack_set_mtu(struct cse_stack *st, unsigned int mtu);

/* Broadcast a gratuitous ARP for our address (after bring-up or a move). */
int cse_stack_announce(struct cse_stack *st);

/*
 * Routes: @dst/@prefix_len via @gw (0 for on-link). -EINVAL for host bits
 * set or a bad prefix, -ENETUNREACH for a gateway not on a connected
 * subnet, -EEXIST, -ENOSPC when the table is full; del gives -ESRCH.
 */
int cse_route_add(struct cse_stack *st, struct in_addr dst,
		  unsigned int prefix_len, struct in_addr gw);
int cse_route_del(struct cse_stack *st, struct in_addr dst,
		  unsigned int prefix_len);

/*
 * Neighbours the host's own table knows (the library mirrors it), so that
 * a first packet to them leaves without an ARP request. The state maps
 * Linux's NUD states: REACHABLE was confirmed @age_ns ago and stays so
 * for what is left of arp_reachable_ns (then STALE, as in Linux);
 * STALE, DELAY and PROBE are STALE here (usable, our own machine probes
 * when it is used); PERMANENT and NOARP are never resolved or aged.
 */
enum cse_neigh_host_state {
	CSE_NEIGH_HOST_REACHABLE,
	CSE_NEIGH_HOST_STALE,
	CSE_NEIGH_HOST_PERMANENT,
};

/*
 * Seed @ip at @mac. An entry the stack has confirmed itself with the same
 * address keeps its state (hearsay never demotes, as in Linux); a new
 * address replaces the old one. Packets waiting for @ip leave. -EINVAL
 * for our own, a broadcast or multicast address, a group or zero MAC or
 * an unknown @hs; -ENOBUFS when no entry can be made.
 */
int cse_neigh_seed(struct cse_stack *st, struct in_addr ip,
		   const uint8_t mac[6], enum cse_neigh_host_state hs,
		   uint64_t age_ns);
/*
 * The host's entry for @ip failed or was deleted: drop ours unless the
 * stack knows better (REACHABLE by its own confirmation, or resolving with
 * packets waiting): 0 dropped, -EBUSY kept, -ESRCH none.
 */
int cse_neigh_unseed(struct cse_stack *st, struct in_addr ip);
/* Before the host's table is read again in full: drop PERMANENT entries. */
void cse_neigh_unseed_permanent(struct cse_stack *st);

const struct cse_stats *cse_stack_stats(const struct cse_stack *st);
/* Bytes currently charged to the instance's memory bound. */
size_t cse_stack_mem_used(const struct cse_stack *st);

#endif /* CSE_CORE_STACK_H */
