// SPDX-License-Identifier: GPL-2.0
/*
 * When an instance dies (its file released: close, exit, kill -9), every
 * TCP flow it had open (flow.c) is reset towards the peer, so the peer's
 * calls fail with ECONNRESET at once instead of waiting for its own
 * timeouts. This runs before the instance's ports are given back.
 *
 * The RST is what the instance's own stack would have sent on abort, as the
 * kernel's tcp_send_active_reset() does: seq the next sequence number the
 * instance sent, ACK of the last acknowledgment it sent. A peer whose
 * rcv_nxt is exactly that resets at once; one whose rcv_nxt differs but
 * finds the RST in its window answers with a challenge ACK (RFC 5961). RX
 * hands every frame to the kernel from the instance's death on (rx.c), and
 * no socket of the kernel's has the flow, so the kernel's TCP answers that
 * ACK with a RST carrying exactly the sequence number the peer asked for:
 * the peer resets one round trip later.
 *
 * The frame goes out as the instance's frames went: built with its Ethernet
 * header to the next hop the flow's last frame went to, and sent with
 * dev_queue_xmit() on the instance's device. ip_local_out() would route it
 * by the kernel's tables, which may pick another device or none, and pass it
 * through the netfilter and conntrack of a stack that never saw the flow.
 * Before it goes it passes the same checks as a frame from the TX ring
 * (tx.c): the module sends only what the instance itself could have sent.
 */
#include <linux/etherdevice.h>
#include <linux/ip.h>
#include <linux/netdevice.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "cse.h"

#define CSE_RST_LEN	(ETH_HLEN + sizeof(struct iphdr) + sizeof(struct tcphdr))

static void cse_reset_ip(struct iphdr *iph, struct net_device *dev,
			 const struct cse_tcp_flow *f)
{
	iph->version = 4;
	iph->ihl = 5;
	iph->tot_len = htons(sizeof(*iph) + sizeof(struct tcphdr));
	iph->frag_off = htons(IP_DF);
	iph->ttl = READ_ONCE(dev_net(dev)->ipv4.sysctl_ip_default_ttl);
	iph->protocol = IPPROTO_TCP;
	iph->saddr = f->laddr;
	iph->daddr = f->raddr;
	ip_send_check(iph);
}

static void cse_reset_tcp(struct tcphdr *th, const struct cse_tcp_flow *f)
{
	th->source = f->lport;
	th->dest = f->rport;
	th->seq = htonl(f->snd_nxt);
	th->doff = sizeof(*th) / 4;
	th->rst = 1;
	/* A flow that never acknowledged anything is still in SYN-SENT. */
	if (f->flags & CSE_FLOW_ACKED) {
		th->ack = 1;
		th->ack_seq = htonl(f->ack);
	}
	th->check = tcp_v4_check(sizeof(*th), f->laddr, f->raddr,
				 csum_partial(th, sizeof(*th), 0));
}

/* The RST for @f as a frame on @dev, checksums complete. */
static struct sk_buff *cse_reset_build(struct net_device *dev,
				       const struct cse_tcp_flow *f)
{
	struct sk_buff *skb;
	struct ethhdr *eth;

	skb = alloc_skb(LL_RESERVED_SPACE(dev) + CSE_RST_LEN, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_reserve(skb, LL_RESERVED_SPACE(dev));
	eth = skb_put(skb, ETH_HLEN);
	ether_addr_copy(eth->h_dest, f->mac);
	ether_addr_copy(eth->h_source, dev->dev_addr);
	eth->h_proto = htons(ETH_P_IP);
	cse_reset_ip(skb_put_zero(skb, sizeof(struct iphdr)), dev, f);
	cse_reset_tcp(skb_put_zero(skb, sizeof(struct tcphdr)), f);
	skb->dev = dev;
	skb->protocol = htons(ETH_P_IP);
	skb->ip_summed = CHECKSUM_NONE;
	skb_reset_mac_header(skb);
	skb_set_network_header(skb, ETH_HLEN);
	skb_set_transport_header(skb, ETH_HLEN + sizeof(struct iphdr));
	return skb;
}

/*
 * Build, check and send the RST of one flow. Failures are counted as for
 * the TX ring, where a socket file that outlives the instance can still
 * show them (genl.c).
 */
static void cse_reset_one(struct cse_inst *inst, struct net_device *dev,
			  const struct cse_tcp_flow *f)
{
	struct sk_buff *skb = cse_reset_build(dev, f);
	bool ok;
	int rc;

	if (!skb) {
		atomic64_inc(&inst->stats.tx_errors);
		return;
	}
	rcu_read_lock();
	ok = cse_tx_frame_ok(inst, dev, skb);
	rcu_read_unlock();
	if (!ok) {
		kfree_skb(skb);
		atomic64_inc(&inst->stats.tx_rejected);
		return;
	}
	rc = dev_queue_xmit(skb);
	/* net_xmit_eval() evaluates its argument twice: never the call. */
	if (net_xmit_eval(rc))
		atomic64_inc(&inst->stats.tx_errors);
}

/*
 * At the instance's death, before its ports go: reset every flow it had
 * open and forget them. RX passes every frame to the kernel already (the
 * instance is dead), so a challenge ACK is not swallowed by its ring.
 * Without a device (it went away) there is nothing to send on.
 */
void cse_reset_flows(struct cse_inst *inst)
{
	struct net_device *dev;
	struct cse_tcp_flow *f;
	struct hlist_node *tmp;
	HLIST_HEAD(flows);

	cse_flows_take(inst, &flows);
	if (hlist_empty(&flows))
		return;
	rcu_read_lock();
	dev = rcu_dereference(inst->dev);
	if (dev)
		dev_hold(dev);
	rcu_read_unlock();
	hlist_for_each_entry_safe(f, tmp, &flows, node) {
		if (dev)
			cse_reset_one(inst, dev, f);
		kfree(f);
	}
	if (dev)
		dev_put(dev);
}
