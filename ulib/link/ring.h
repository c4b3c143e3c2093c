/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The cse.ko rings as the stack's link: the product's data path.
 *
 * TX: the stack builds each frame in the next TX slot (tx_get, tx_commit;
 * xmit copies a finished frame there) and it is published at once, but
 * not kicked; cse_ring_link_flush() kicks once per batch, and
 * only when the module asks for it (CSE_RING_NEED_WAKEUP). RX:
 * cse_ring_link_rx() hands each RX slot to the stack in place and gives
 * the batch back with one consumer update; the generic recv op copies, for
 * code that only knows struct cse_link. Events: cse_ring_link_events().
 *
 * Everything the module wrote into the area (indices, descriptors, events)
 * is read once and checked: a value that would reach outside the area or
 * put more entries in flight than the ring holds is counted in
 * ring_errors and never followed.
 *
 * Not thread-safe: one thread drives a link, as it drives its stack.
 */
#ifndef CSE_LINK_RING_H
#define CSE_LINK_RING_H

#include <stdbool.h>
#include <stdint.h>

#include "../core/link.h"
#include "../dev/area.h"

struct cse_stack;

struct cse_ring_link_stats {
	uint64_t tx_frames;	/* frames published in the TX ring */
	uint64_t tx_full;	/* ring still full after a kick: -ENOBUFS */
	uint64_t kicks;		/* CSE_IOC_TX_KICK calls */
	uint64_t kick_errors;	/* kicks that failed */
	uint64_t rx_frames;	/* frames handed on (in place or copied) */
	uint64_t rx_bad;	/* RX descriptors outside their slot: skipped */
	uint64_t rx_too_long;	/* recv: longer than the caller's buffer */
	uint64_t events;	/* EV entries consumed */
	uint64_t ev_overflows;	/* CSE_EV_OVERFLOW records among them */
	uint64_t ring_errors;	/* a module-written index out of bounds */
};

struct cse_ring_link {
	struct cse_area *area;
	uint32_t tx_prod;	/* our own indices: the shared words are */
	uint32_t rx_cons;	/* only how we tell the module */
	uint32_t ev_cons;
	unsigned int mtu;	/* from the attach answer, CSE_EV_MTU */
	uint8_t mac[CSE_ETH_ALEN];
	bool gone;		/* CSE_EV_UNREGISTER or ENODEV: no kicks */
	/*
	 * Sends what the TX ring holds; returns entries consumed or -errno.
	 * cse_ring_link_init() sets CSE_IOC_TX_KICK on the area's fd; unit
	 * tests replace it to play the module.
	 */
	int (*kick)(struct cse_ring_link *l);
	struct cse_ring_link_stats stats;
};

/* 0, or -EINVAL for an area the link cannot use (frames under 14 bytes). */
int cse_ring_link_init(struct cse_ring_link *l, struct cse_area *a);

/* ops + priv for struct cse_stack_config. */
struct cse_link cse_ring_link_link(struct cse_ring_link *l);

/*
 * Have what xmit published sent: kick only if the TX ring holds unsent
 * entries and, after a full barrier, the module says nobody drains it.
 * Returns 1 if it kicked, 0 if no kick was needed, or -errno of the kick.
 */
int cse_ring_link_flush(struct cse_ring_link *l);

/*
 * Hand up to @budget RX frames to cse_stack_input() in place, then
 * release them all with one consumer update. Returns the entries taken
 * (bad descriptors included: they are consumed and counted).
 */
unsigned int cse_ring_link_rx(struct cse_ring_link *l, struct cse_stack *st,
			      unsigned int budget);

/*
 * Consume the EV ring: note MTU changes, overflows and the device going
 * away, then pass each event to @fn (may be NULL). Returns the count.
 */
unsigned int cse_ring_link_events(struct cse_ring_link *l,
				  void (*fn)(const struct cse_event *ev,
					     void *arg),
				  void *arg);

/* RX frames or events wait: worth calling rx/events before sleeping. */
bool cse_ring_link_pending(const struct cse_ring_link *l);

#endif /* CSE_LINK_RING_H */
