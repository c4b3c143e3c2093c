// SPDX-License-Identifier: GPL-2.0
/*
 * Receive: a netfilter hook on the attached device's ingress
 * (NFPROTO_NETDEV, NF_NETDEV_INGRESS; Documentation/userspace-api/rings.rst
 * says why this hook) copies the frames steer.c gives to the instance into
 * its RX ring. Frames the instance takes are consumed: the kernel's stack
 * never sees them. ARP is copied and goes on to the kernel as well.
 *
 * Frames reach us as the device delivered them: a GSO or GRO super-frame is
 * cut back into wire-sized frames, and a checksum left to offload
 * (CHECKSUM_PARTIAL, as veth passes on what the peer's stack sent) is
 * completed in the copy, so user space always sees frames as on the wire.
 */
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/skbuff.h>
#include <net/checksum.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* Finish an offloaded checksum in the copied frame; false if malformed. */
static bool cse_rx_csum(const struct sk_buff *skb, u8 *frame, u32 hdr,
			u32 len)
{
	u32 start, where;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return true;
	start = hdr + skb_checksum_start_offset(skb);
	where = start + skb->csum_offset;
	if (start >= len || where + sizeof(__sum16) > len)
		return false;
	/* The field holds the pseudo-header sum: fold the rest into it. */
	*(__sum16 *)(frame + where) = csum_fold(csum_partial(frame + start,
							     len - start, 0));
	return true;
}

/*
 * Copy one wire-sized frame into the next RX slot (under rx_lock); returns
 * its length, 0 when it was dropped.
 */
static u32 cse_rx_copy(struct cse_inst *inst, const struct sk_buff *skb)
{
	struct cse_area *area = inst->area;
	struct cse_ring *ring = &area->rx;
	u32 hdr = skb->data - skb_mac_header(skb);
	u32 len = hdr + skb->len;
	struct cse_desc *desc;
	u64 addr;
	u8 *frame;

	if (hdr != ETH_HLEN && hdr != 0)
		return 0;
	if (len > area->frame_size || len < ETH_HLEN)
		return 0;
	if (!cse_ring_prod_free(ring, inst))
		return 0;
	addr = area->rx_frames + (u64)(ring->prod & ring->mask) *
				 area->frame_size;
	frame = area->mem + addr;
	memcpy(frame, skb_mac_header(skb), hdr);
	if (skb_copy_bits(skb, 0, frame + hdr, skb->len))
		return 0;
	if (!cse_rx_csum(skb, frame, hdr, len))
		return 0;
	desc = cse_ring_prod_entry(ring);
	WRITE_ONCE(desc->addr, addr);
	WRITE_ONCE(desc->len, len);
	WRITE_ONCE(desc->flags, 0);
	cse_ring_prod_submit(ring);
	return len;
}

/*
 * Did this frame make the RX ring non-empty? Only then can a reader be
 * asleep waiting for it: one that found the ring empty (it read the
 * producer index after a full barrier, cse_dev_poll()) is seen here, since
 * this side reads the consumer index after a full barrier too. Waking only
 * then spares a wake-up per frame under load; readers that sleep drain the
 * ring first (uapi/linux/cse.h, "Receive").
 */
static bool cse_rx_was_empty(const struct cse_ring *ring)
{
	/* D: pairs with the barrier in cse_dev_poll(). */
	smp_mb();
	return ring->prod - READ_ONCE(*ring->consumer) == 1;
}

static void cse_rx_one(struct cse_inst *inst, const struct sk_buff *skb)
{
	bool wake = false;
	u32 len;

	spin_lock(&inst->rx_lock);
	len = cse_rx_copy(inst, skb);
	if (len)
		wake = cse_rx_was_empty(&inst->area->rx);
	spin_unlock(&inst->rx_lock);
	if (len) {
		atomic64_inc(&inst->stats.rx_frames);
		atomic64_add(len, &inst->stats.rx_bytes);
	} else {
		atomic64_inc(&inst->stats.rx_dropped);
	}
	if (wake)
		cse_inst_wake(inst);
}

/*
 * A super-frame: segment it as the wire would have carried it. Only frames
 * whose checksum state lets the GSO code segment them without complaint.
 * Returns true when @skb itself was consumed: fraglist segmentation hands
 * back the original skb as the first segment.
 */
static bool cse_rx_gso(struct cse_inst *inst, struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;
	bool own;

	if (skb->ip_summed != CHECKSUM_PARTIAL &&
	    skb->ip_summed != CHECKSUM_UNNECESSARY)
		goto drop;
	__skb_push(skb, skb->data - skb_mac_header(skb));
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		goto drop;
	own = segs == skb;
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		cse_rx_one(inst, seg);
		consume_skb(seg);
	}
	return own;
drop:
	atomic64_inc(&inst->stats.rx_dropped);
	return false;
}

static unsigned int cse_rx_hook(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct cse_inst *inst = priv;

	/*
	 * A dead instance's ring has no reader: until its ports are gone,
	 * what arrives is the kernel's, which answers a challenge ACK to the
	 * RSTs of reset.c with the RST the peer needs. Such an ACK sees the
	 * flag: it was set before the RST went out, and the frames' way
	 * through the devices' queues orders the two.
	 */
	if (READ_ONCE(inst->dead))
		return NF_ACCEPT;
	switch (cse_steer(inst, skb)) {
	case CSE_COPY:
		if (!skb_is_gso(skb))
			cse_rx_one(inst, skb);
		return NF_ACCEPT;
	case CSE_TAKE:
		cse_flow_rx(inst, skb);
		if (!skb_is_gso(skb))
			cse_rx_one(inst, skb);
		else if (cse_rx_gso(inst, skb))
			return NF_STOLEN;
		consume_skb(skb);
		return NF_STOLEN;
	default:
		return NF_ACCEPT;
	}
}

/* Under RTNL, at attach: start receiving. */
int cse_rx_start(struct cse_inst *inst, struct net_device *dev)
{
	struct nf_hook_ops *ops = &inst->rx_ops;

	ops->hook = cse_rx_hook;
	ops->priv = inst;
	ops->pf = NFPROTO_NETDEV;
	ops->hooknum = NF_NETDEV_INGRESS;
	ops->priority = 0;
	ops->dev = dev;
	return nf_register_net_hook(dev_net(dev), ops);
}

/*
 * Under RTNL, at detach. The hook may still run on other CPUs until a grace
 * period has passed: the instance waits for one before freeing its area.
 */
void cse_rx_stop(struct cse_inst *inst, struct net_device *dev)
{
	nf_unregister_net_hook(dev_net(dev), &inst->rx_ops);
}
