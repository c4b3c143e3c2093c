// SPDX-License-Identifier: GPL-2.0
/*
 * The ring link: user space's side of the RX, TX and EV rings of an
 * attached instance (uapi/linux/cse.h, "Rings", "Transmit", "Events").
 * Ordering follows Documentation/userspace-api/rings.rst: the module's
 * index is loaded with acquire before its entries are read or ours are
 * overwritten, and ours is stored with release after the entries are
 * written or read. A side reads its own index from its private copy.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "../core/stack.h"
#include "ring.h"

/* A kick the module cut short for a signal is retried a few times. */
#define CSE_RING_KICK_TRIES	4

static int cse_ring_kick_ioctl(struct cse_ring_link *l)
{
	int i, n = -1;

	for (i = 0; i < CSE_RING_KICK_TRIES; i++) {
		n = ioctl(l->area->fd, CSE_IOC_TX_KICK, 0UL);
		if (n >= 0 || errno != EINTR)
			break;
	}
	return n < 0 ? -errno : n;
}

/* Kick through l->kick, counting; a vanished device is remembered. */
static int cse_ring_do_kick(struct cse_ring_link *l)
{
	int n;

	if (l->gone)
		return -ENODEV;
	l->stats.kicks++;
	n = l->kick(l);
	if (n < 0) {
		l->stats.kick_errors++;
		if (n == -ENODEV)
			l->gone = true;
	}
	return n;
}

/*
 * Entries in flight between @cons and the producer of @r, or -1 when the
 * producer index is out of bounds (it moved backwards or too far).
 */
static int64_t cse_ring_in_flight(const struct cse_area_ring *r, uint32_t prod,
				  uint32_t cons)
{
	uint32_t n = prod - cons;

	return n > r->mask + 1 ? -1 : (int64_t)n;
}

/*
 * Entries the module produced in @r past our consumer @cons: 0 or -EIO
 * (counted) when its producer index is corrupt.
 */
static int cse_ring_avail(struct cse_ring_link *l,
			  const struct cse_area_ring *r, uint32_t cons,
			  uint32_t *n)
{
	int64_t v = cse_ring_in_flight(r, cse_area_acquire(r->producer), cons);

	if (v < 0) {
		l->stats.ring_errors++;
		return -EIO;
	}
	*n = (uint32_t)v;
	return 0;
}

/* Free TX entries: 0 or -EIO (counted) for a corrupt consumer index. */
static int cse_ring_tx_free(struct cse_ring_link *l, uint32_t *free)
{
	const struct cse_area_ring *tx = &l->area->tx;
	int64_t used = cse_ring_in_flight(tx, l->tx_prod,
					  cse_area_acquire(tx->consumer));

	if (used < 0) {
		l->stats.ring_errors++;
		return -EIO;
	}
	*free = tx->mask + 1 - (uint32_t)used;
	return 0;
}

/*
 * Room for one more TX entry. A full ring is kicked once (the kick drains
 * it synchronously), then given up on: the stack drops the frame as a
 * full qdisc would, and TCP retransmits.
 */
static int cse_ring_tx_room(struct cse_ring_link *l)
{
	uint32_t free;
	int err = cse_ring_tx_free(l, &free);

	if (err || free)
		return err;
	err = cse_ring_do_kick(l);
	if (err < 0)
		return err;
	err = cse_ring_tx_free(l, &free);
	if (!err && !free) {
		l->stats.tx_full++;
		err = -ENOBUFS;
	}
	return err;
}

/* TX slot i belongs to entry i: freed together by the consumer. */
static uint64_t cse_ring_tx_slot(const struct cse_ring_link *l)
{
	const struct cse_area *a = l->area;

	return a->geo.tx_frames +
	       (uint64_t)(l->tx_prod & a->tx.mask) * a->geo.frame_size;
}

/* The next TX slot, to build a frame of up to @len bytes in place. */
static int cse_ring_tx_get(void *priv, size_t len, void **frame)
{
	struct cse_ring_link *l = priv;
	int err;

	/* The module would refuse it (longer than the device's MTU): say so. */
	if (len < CSE_ETH_HLEN || len > CSE_ETH_HLEN + l->mtu)
		return -EMSGSIZE;
	err = cse_ring_tx_room(l);
	if (err)
		return err;
	*frame = l->area->mem + cse_ring_tx_slot(l);
	return 0;
}

/* Publish the slot tx_get lent, now holding @len bytes of frame. */
static int cse_ring_tx_commit(void *priv, void *frame, size_t len)
{
	struct cse_ring_link *l = priv;
	struct cse_area *a = l->area;
	uint64_t off = cse_ring_tx_slot(l);
	struct cse_desc *d;

	if (frame != a->mem + off || len < CSE_ETH_HLEN ||
	    len > CSE_ETH_HLEN + l->mtu)
		return -EINVAL;
	d = cse_area_entry(&a->tx, l->tx_prod);
	d->addr = off;
	d->len = (uint32_t)len;
	d->flags = 0;
	/* P: entry and frame bytes before the producer index. */
	cse_area_release(a->tx.producer, ++l->tx_prod);
	l->stats.tx_frames++;
	return 0;
}

static int cse_ring_xmit(void *priv, const void *frame, size_t len)
{
	void *slot;
	int err = cse_ring_tx_get(priv, len, &slot);

	if (err)
		return err;
	memcpy(slot, frame, len);
	return cse_ring_tx_commit(priv, slot, len);
}

int cse_ring_link_flush(struct cse_ring_link *l)
{
	struct cse_area_ring *tx = &l->area->tx;
	int n;

	/* Everything consumed (the last kick drained it): nothing to send. */
	if (cse_area_acquire(tx->consumer) == l->tx_prod)
		return 0;
	/*
	 * Our producer store, then a full barrier, then the flag: either we
	 * see NEED_WAKEUP, or a draining kick sees our entries after it set
	 * the flag (its side of the pairing, kmod/tx.c).
	 */
	if (!(cse_area_flags_after_fence(tx) & CSE_RING_NEED_WAKEUP))
		return 0;
	n = cse_ring_do_kick(l);
	return n < 0 ? n : 1;
}

/*
 * RX entry @idx's frame and length; NULL (counted) unless the descriptor
 * names exactly the entry's own slot with a length that fits it, which
 * is all the module may write there ("Rings": RX slots are fixed).
 */
static const uint8_t *cse_ring_rx_frame(struct cse_ring_link *l, uint32_t idx,
					uint32_t *len)
{
	const struct cse_area *a = l->area;
	const struct cse_desc *d = cse_area_entry(&a->rx, idx);
	uint64_t slot = a->geo.rx_frames +
			(uint64_t)(idx & a->rx.mask) * a->geo.frame_size;
	/* Read once: only the values checked are used. */
	uint64_t addr = __atomic_load_n(&d->addr, __ATOMIC_RELAXED);
	uint32_t n = __atomic_load_n(&d->len, __ATOMIC_RELAXED);

	if (addr != slot || n > a->geo.frame_size) {
		l->stats.rx_bad++;
		return NULL;
	}
	*len = n;
	return a->mem + slot;
}

unsigned int cse_ring_link_rx(struct cse_ring_link *l, struct cse_stack *st,
			      unsigned int budget)
{
	const uint8_t *frame;
	uint32_t n, i, len;

	if (cse_ring_avail(l, &l->area->rx, l->rx_cons, &n))
		return 0;
	if (n > budget)
		n = budget;
	for (i = 0; i < n; i++) {
		frame = cse_ring_rx_frame(l, l->rx_cons + i, &len);
		if (!frame)
			continue;
		l->stats.rx_frames++;
		/* The stack copies what it keeps: the slot is only lent. */
		cse_stack_input(st, frame, len);
	}
	if (n) {
		l->rx_cons += n;
		/* C: the whole batch read before the module may refill it. */
		cse_area_release(l->area->rx.consumer, l->rx_cons);
	}
	return n;
}

static int cse_ring_recv(void *priv, void *buf, size_t cap)
{
	struct cse_ring_link *l = priv;
	const uint8_t *frame;
	uint32_t n, len = 0;

	if (cse_ring_avail(l, &l->area->rx, l->rx_cons, &n))
		return -EIO;
	if (!n)
		return 0;
	frame = cse_ring_rx_frame(l, l->rx_cons, &len);
	if (frame && len <= cap)
		memcpy(buf, frame, len);
	cse_area_release(l->area->rx.consumer, ++l->rx_cons);
	if (!frame)
		return -EIO;
	if (len > cap) {
		l->stats.rx_too_long++;
		return -EMSGSIZE;
	}
	l->stats.rx_frames++;
	return (int)len;
}

/* The IP MTU the link can carry: the device's, within one frame slot. */
static unsigned int cse_ring_fit_mtu(const struct cse_ring_link *l,
				     uint32_t dev_mtu)
{
	uint32_t room = l->area->geo.frame_size - CSE_ETH_HLEN;

	return dev_mtu < room ? dev_mtu : room;
}

/* What the link itself takes from an event before the caller sees it. */
static void cse_ring_note_event(struct cse_ring_link *l,
				const struct cse_event *ev)
{
	switch (ev->type) {
	case CSE_EV_OVERFLOW:
		l->stats.ev_overflows++;
		break;
	case CSE_EV_MTU:
		l->mtu = cse_ring_fit_mtu(l, ev->value);
		break;
	case CSE_EV_UNREGISTER:
		l->gone = true;
		break;
	}
}

unsigned int cse_ring_link_events(struct cse_ring_link *l,
				  void (*fn)(const struct cse_event *ev,
					     void *arg),
				  void *arg)
{
	struct cse_area_ring *r = &l->area->ev;
	struct cse_event ev;
	uint32_t n, i;

	if (cse_ring_avail(l, r, l->ev_cons, &n))
		return 0;
	for (i = 0; i < n; i++) {
		memcpy(&ev, cse_area_entry(r, l->ev_cons), sizeof(ev));
		/* Released before @fn runs: it has our copy, not the entry. */
		cse_area_release(r->consumer, ++l->ev_cons);
		l->stats.events++;
		cse_ring_note_event(l, &ev);
		if (fn)
			fn(&ev, arg);
	}
	return n;
}

/* Entries waiting in a module-produced ring; false for a corrupt index. */
static bool cse_ring_waiting(const struct cse_area_ring *r, uint32_t cons)
{
	return cse_ring_in_flight(r, cse_area_acquire(r->producer), cons) > 0;
}

bool cse_ring_link_pending(const struct cse_ring_link *l)
{
	return cse_ring_waiting(&l->area->rx, l->rx_cons) ||
	       cse_ring_waiting(&l->area->ev, l->ev_cons);
}

static unsigned int cse_ring_mtu(void *priv)
{
	return ((struct cse_ring_link *)priv)->mtu;
}

static void cse_ring_mac(void *priv, uint8_t mac[CSE_ETH_ALEN])
{
	memcpy(mac, ((struct cse_ring_link *)priv)->mac, CSE_ETH_ALEN);
}

static const struct cse_link_ops cse_ring_ops = {
	.xmit = cse_ring_xmit,
	.tx_get = cse_ring_tx_get,
	.tx_commit = cse_ring_tx_commit,
	.recv = cse_ring_recv,
	.mtu = cse_ring_mtu,
	.mac = cse_ring_mac,
	/* ABI 1.0: fragments are refused (uapi/linux/cse.h, "Transmit"). */
	.no_fragments = true,
};

int cse_ring_link_init(struct cse_ring_link *l, struct cse_area *a)
{
	if (!a->mem || a->geo.frame_size <= CSE_ETH_HLEN)
		return -EINVAL;
	memset(l, 0, sizeof(*l));
	l->area = a;
	/* Our own indices: 0 in a fresh area, where we left them otherwise. */
	l->tx_prod = __atomic_load_n(a->tx.producer, __ATOMIC_RELAXED);
	l->rx_cons = __atomic_load_n(a->rx.consumer, __ATOMIC_RELAXED);
	l->ev_cons = __atomic_load_n(a->ev.consumer, __ATOMIC_RELAXED);
	l->mtu = cse_ring_fit_mtu(l, a->geo.mtu);
	memcpy(l->mac, a->geo.mac, CSE_ETH_ALEN);
	l->kick = cse_ring_kick_ioctl;
	return 0;
}

struct cse_link cse_ring_link_link(struct cse_ring_link *l)
{
	return (struct cse_link){ .ops = &cse_ring_ops, .priv = l };
}
