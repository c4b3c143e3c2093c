// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: CSE_IOC_TX_KICK drains the TX ring in the caller's context. Each
 * frame is copied out of the shared area into a fresh skb first and only that
 * private copy is validated and sent, so user space cannot change a frame
 * between the check and the send. The rules (uapi/linux/cse.h, "Transmit")
 * make an instance able to send only what its opener could send with its
 * own sockets on the device: its own addresses, its own ports.
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/sched/signal.h>
#include <linux/skbuff.h>
#include <net/ip.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* Entries sent between two completions (consumer index updates). */
#define CSE_TX_BATCH	64

/* Is @addr one of the device's IPv4 addresses? Under RCU. */
static bool cse_tx_dev_addr(struct net_device *dev, __be32 addr)
{
	struct in_device *in_dev = __in_dev_get_rcu(dev);
	const struct in_ifaddr *ifa;

	if (!in_dev)
		return false;
	in_dev_for_each_ifa_rcu(ifa, in_dev) {
		if (ifa->ifa_local == addr)
			return true;
	}
	return false;
}

static bool cse_tx_arp_ok(struct cse_inst *inst, struct net_device *dev,
			  const struct sk_buff *skb)
{
	const struct cse_arp *arp = (const void *)(skb->data + ETH_HLEN);

	if (skb->len < ETH_HLEN + sizeof(*arp))
		return false;
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return false;
	if (arp->hdr.ar_op != htons(ARPOP_REQUEST) &&
	    arp->hdr.ar_op != htons(ARPOP_REPLY))
		return false;
	/* The claimed address speaks with the device's MAC or its own. */
	if (cse_ident_is(inst, arp->spa))
		return ether_addr_equal(arp->sha, dev->dev_addr) ||
		       cse_ident_mac(inst, arp->sha);
	return ether_addr_equal(arp->sha, dev->dev_addr) &&
	       cse_tx_dev_addr(dev, arp->spa);
}

/*
 * An ICMP error may only answer a datagram of one of the instance's flows,
 * and only towards that datagram's sender.
 */
static bool cse_tx_icmp_ok(struct cse_inst *inst, const struct iphdr *iph,
			   unsigned int tot)
{
	unsigned int ihl = iph->ihl * 4;
	const u8 *icmp = (const u8 *)iph + ihl;
	const struct iphdr *in = (const void *)(icmp + 8);
	const __be16 *ports;

	if (tot < ihl + 8 + sizeof(*in) + 4 || !cse_icmp_is_error(icmp[0]))
		return false;
	if (in->version != 4 || in->ihl < 5 || tot < ihl + 8 + in->ihl * 4 + 4)
		return false;
	if (in->protocol != IPPROTO_TCP && in->protocol != IPPROTO_UDP)
		return false;
	if (in->daddr != iph->saddr || in->saddr != iph->daddr)
		return false;
	/* The quoted datagram went from the remote to the instance. */
	ports = (const __be16 *)((const u8 *)in + in->ihl * 4);
	return cse_steer_owns(inst, in->protocol, in->daddr, ports[1],
			      in->saddr, ports[0]);
}

static bool cse_tx_ip_ok(struct cse_inst *inst, struct net_device *dev,
			 const struct sk_buff *skb)
{
	const struct iphdr *iph = (const void *)(skb->data + ETH_HLEN);
	unsigned int room = skb->len - ETH_HLEN, ihl, tot, l4min;
	const __be16 *ports;

	if (room < sizeof(*iph))
		return false;
	ihl = iph->ihl * 4;
	tot = ntohs(iph->tot_len);
	if (iph->version != 4 || ihl < sizeof(*iph) || tot > room || tot < ihl)
		return false;
	/* A claimed address is the instance's whole: any protocol, port. */
	if (cse_ident_is(inst, iph->saddr))
		return true;
	if (ip_is_fragment(iph) || !cse_tx_dev_addr(dev, iph->saddr))
		return false;
	if (iph->protocol == IPPROTO_ICMP)
		return cse_tx_icmp_ok(inst, iph, tot);
	if (iph->protocol == IPPROTO_TCP)
		l4min = 20;
	else if (iph->protocol == IPPROTO_UDP)
		l4min = 8;
	else
		return false;
	if (tot < ihl + l4min)
		return false;
	ports = (const __be16 *)((const u8 *)iph + ihl);
	return cse_steer_owns(inst, iph->protocol, iph->saddr, ports[0],
			      iph->daddr, ports[1]);
}

/*
 * The frame rules, on the module's private copy. Under RCU. The RSTs of a
 * dying instance pass them too (reset.c).
 */
bool cse_tx_frame_ok(struct cse_inst *inst, struct net_device *dev,
		     const struct sk_buff *skb)
{
	const struct ethhdr *eth = (const void *)skb->data;

	if (skb->len > ETH_HLEN + READ_ONCE(dev->mtu))
		return false;
	if (!ether_addr_equal(eth->h_source, dev->dev_addr) &&
	    !cse_ident_mac(inst, eth->h_source))
		return false;
	if (eth->h_proto == htons(ETH_P_IP))
		return cse_tx_ip_ok(inst, dev, skb);
	if (eth->h_proto == htons(ETH_P_ARP))
		return cse_tx_arp_ok(inst, dev, skb);
	return false;
}

/*
 * Where the entry's frame lies in the area, checked against the module's own
 * geometry; NULL when it is outside the TX region or crosses a slot.
 */
static const void *cse_tx_locate(const struct cse_area *area,
				 const struct cse_desc *d)
{
	u64 region = (u64)(area->tx.mask + 1) * area->frame_size;
	u64 off;

	if (d->flags || d->len < ETH_HLEN || d->len > area->frame_size)
		return NULL;
	if (d->addr < area->tx_frames || d->addr - area->tx_frames >= region)
		return NULL;
	off = d->addr - area->tx_frames;
	if ((off & (area->frame_size - 1)) + d->len > area->frame_size)
		return NULL;
	return area->mem + d->addr;
}

/* Copy, check and send one entry; it is consumed whatever happens. */
static void cse_tx_one(struct cse_inst *inst, struct net_device *dev,
		       const struct cse_desc *d)
{
	const void *frame = cse_tx_locate(inst->area, d);
	struct sk_buff *skb;
	bool ok;
	int rc;

	if (!frame)
		goto reject;
	skb = alloc_skb(LL_RESERVED_SPACE(dev) + d->len, GFP_KERNEL);
	if (!skb) {
		atomic64_inc(&inst->stats.tx_errors);
		return;
	}
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	skb_put_data(skb, frame, d->len);

	rcu_read_lock();
	ok = cse_tx_frame_ok(inst, dev, skb);
	rcu_read_unlock();
	if (!ok) {
		kfree_skb(skb);
		goto reject;
	}
	skb->dev = dev;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb->protocol = eth_hdr(skb)->h_proto;
	if (skb->protocol == htons(ETH_P_IP))
		cse_flow_tx(inst, skb);
	rc = dev_queue_xmit(skb);
	/* net_xmit_eval() evaluates its argument twice: never the call. */
	if (net_xmit_eval(rc)) {
		atomic64_inc(&inst->stats.tx_errors);
		return;
	}
	atomic64_inc(&inst->stats.tx_frames);
	atomic64_add(d->len, &inst->stats.tx_bytes);
	return;
reject:
	atomic64_inc(&inst->stats.tx_rejected);
}

/*
 * Entries user space published and the module has not consumed; 0 when the
 * producer index is corrupt (counted).
 */
static u32 cse_tx_avail(struct cse_inst *inst, struct cse_ring *ring)
{
	/* A: pairs with user space's store-release of the producer index. */
	u32 prod = smp_load_acquire(ring->producer);
	u32 avail = prod - ring->cons;

	if (avail > ring->mask + 1) {
		atomic64_inc(&inst->stats.ring_errors);
		return 0;
	}
	return avail;
}

/* Drain until the ring is empty; returns the entries consumed. */
static long cse_tx_drain(struct cse_inst *inst, struct net_device *dev)
{
	struct cse_ring *ring = &inst->area->tx;
	long done = 0;
	u32 avail;

	WRITE_ONCE(*ring->flags, 0);
	for (;;) {
		avail = cse_tx_avail(inst, ring);
		if (!avail) {
			WRITE_ONCE(*ring->flags, CSE_RING_NEED_WAKEUP);
			/* C: flag before recheck; pairs with the producer's. */
			smp_mb();
			avail = cse_tx_avail(inst, ring);
			if (!avail)
				break;
			WRITE_ONCE(*ring->flags, 0);
		}
		if (signal_pending(current))
			break;
		while (avail--) {
			const struct cse_desc *u = ring->desc +
				(size_t)(ring->cons & ring->mask) * ring->entry_size;
			struct cse_desc d;

			/* Read once: only this copy is checked and used. */
			d.addr = READ_ONCE(u->addr);
			d.len = READ_ONCE(u->len);
			d.flags = READ_ONCE(u->flags);
			cse_tx_one(inst, dev, &d);
			ring->cons++;
			/* Complete in steps, so that buffers come back early. */
			if (!(++done % CSE_TX_BATCH) || !avail) {
				/* B: pairs with user space's load-acquire. */
				smp_store_release(ring->consumer, ring->cons);
				cond_resched();
			}
		}
	}
	WRITE_ONCE(*ring->flags, CSE_RING_NEED_WAKEUP);
	return done;
}

long cse_ioctl_tx_kick(struct cse_inst *inst, void __user *uarg)
{
	struct net_device *dev;
	long ret;

	if (uarg)
		return -EINVAL;
	/* Pairs with the release in cse_ioctl_attach(). */
	if (!smp_load_acquire(&inst->poll_area))
		return -EBADFD;

	rcu_read_lock();
	dev = rcu_dereference(inst->dev);
	if (dev)
		dev_hold(dev);
	rcu_read_unlock();
	if (!dev)
		return -ENODEV;

	if (mutex_lock_interruptible(&inst->tx_lock)) {
		ret = -EINTR;
		goto out;
	}
	ret = cse_tx_drain(inst, dev);
	mutex_unlock(&inst->tx_lock);
	if (!ret && signal_pending(current))
		ret = -EINTR;
out:
	dev_put(dev);
	return ret;
}
