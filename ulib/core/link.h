/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the stack core needs from the outside world: a link that moves
 * Ethernet frames, and a clock. Both are handed in as function pointers so
 * the core makes no OS call and can run on a fake link and a fake clock.
 */
#ifndef CSE_CORE_LINK_H
#define CSE_CORE_LINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CSE_ETH_ALEN		6
#define CSE_ETH_HLEN		14

struct cse_link_ops {
	/*
	 * Send one complete Ethernet frame (no FCS). The link copies what it
	 * needs before returning. Returns 0, or -errno (-ENOBUFS when the
	 * link is full: the stack drops the frame and counts it, as a
	 * qdisc would).
	 */
	int (*xmit)(void *priv, const void *frame, size_t len);
	/*
	 * Optional, both or neither: send without a copy. tx_get lends the
	 * link's own buffer for one frame of up to @len bytes (a ring slot,
	 * a frame of the wire) in *@frame; the stack writes the frame there
	 * and hands it back with tx_commit and its final length. One buffer
	 * is lent at a time, and a second tx_get before the commit lends the
	 * same one again. tx_get returns 0, -ENOBUFS when the link is full,
	 * -EMSGSIZE over the MTU; tx_commit returns what xmit would. Links
	 * without them get the frame through xmit from a buffer of the
	 * stack (one copy more).
	 */
	int (*tx_get)(void *priv, size_t len, void **frame);
	int (*tx_commit)(void *priv, void *frame, size_t len);
	/*
	 * Take one received frame into @buf. Returns its length, 0 when none
	 * is waiting, or -errno. A frame longer than @cap is dropped by the
	 * link and reported as -EMSGSIZE.
	 */
	int (*recv)(void *priv, void *buf, size_t cap);
	/* IP MTU of the link (1500 for Ethernet). */
	unsigned int (*mtu)(void *priv);
	/* The link's own hardware address. */
	void (*mac)(void *priv, uint8_t mac[CSE_ETH_ALEN]);
	/*
	 * Set when the far side refuses IPv4 fragments (cse.ko's ABI 1.0
	 * drops them on transmit and never delivers them): a UDP or ICMP
	 * datagram over the MTU then fails with -EMSGSIZE, so the caller can
	 * send it another way, instead of leaving in fragments.
	 */
	bool no_fragments;
};

struct cse_link {
	const struct cse_link_ops *ops;
	void *priv;
};

/* Monotonic time in nanoseconds; never goes backwards. */
struct cse_clock {
	uint64_t (*now_ns)(void *priv);
	void *priv;
};

#define CSE_NSEC_PER_MSEC	1000000ULL
#define CSE_NSEC_PER_SEC	1000000000ULL

#endif /* CSE_CORE_LINK_H */
