// SPDX-License-Identifier: GPL-2.0
/*
 * An address of the instance's own (CSE_IOC_ADDR_CLAIM): one IPv4 address,
 * and optionally an Ethernet address, that no device of the namespace has
 * and that the claiming instance alone receives on and sends from
 * (uapi/linux/cse.h, "An address of its own").
 *
 * Claims live in one hash table keyed by address; RX (steer.c) and TX
 * (tx.c) read it under RCU, claims and releases change it under RTNL. RTNL
 * also orders a claim against the host adding the same address to a
 * device: the address validator below runs under it, so either the claim
 * sees the device's address or the device refuses the claimed one.
 *
 * The host's own sockets are kept off the address by a netfilter hook at
 * LOCAL_OUT, one per claim in the claim's namespace: nothing the host sends
 * from the address leaves. cse's own frames never pass LOCAL_OUT (tx.c
 * hands them to the device directly).
 */
#include <linux/capability.h>
#include <linux/etherdevice.h>
#include <linux/hashtable.h>
#include <linux/if_arp.h>
#include <linux/if_vlan.h>
#include <linux/inetdevice.h>
#include <linux/ip.h>
#include <linux/netfilter_ipv4.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/route.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

#define CSE_IDENT_BITS	6

/* Claims by address (RTNL for writers, RCU for readers). */
static DEFINE_HASHTABLE(cse_ident_table, CSE_IDENT_BITS);

/* The claim of @addr in @net, or NULL. Under RCU or RTNL. */
static struct cse_ident *cse_ident_find(const struct net *net, __be32 addr)
{
	struct cse_ident *id;

	hash_for_each_possible_rcu(cse_ident_table, id, node,
				   (__force u32)addr) {
		if (id->addr == addr && net_eq(id->inst->net, net))
			return id;
	}
	return NULL;
}

/* Does another claim on @dev hold @mac? Under RTNL. */
static bool cse_ident_mac_taken(const struct net_device *dev, const u8 *mac)
{
	struct cse_ident *id;
	int bkt;

	hash_for_each(cse_ident_table, bkt, id, node) {
		if (id->dev == dev && id->has_mac &&
		    ether_addr_equal(id->mac, mac))
			return true;
	}
	return false;
}

/* The instance's claim, if it has one and it is @addr. Under RCU. */
bool cse_ident_is(const struct cse_inst *inst, __be32 addr)
{
	const struct cse_ident *id = rcu_dereference(inst->ident);

	return id && id->addr == addr;
}

/* Is @mac the instance's claimed Ethernet address? Under RCU. */
bool cse_ident_mac(const struct cse_inst *inst, const u8 *mac)
{
	const struct cse_ident *id = rcu_dereference(inst->ident);

	return id && id->has_mac && ether_addr_equal(id->mac, mac);
}

/*
 * An ARP frame received on an instance's device: one for a claimed address
 * is the claimer's alone; the rest are copied to every instance, as before
 * there were claims. Under RCU (the RX hook).
 */
enum cse_verdict cse_ident_arp(const struct cse_inst *inst,
			       struct sk_buff *skb)
{
	const struct cse_arp *arp;
	const struct cse_ident *id;

	if (hash_empty(cse_ident_table) || skb_vlan_tag_present(skb) ||
	    !pskb_may_pull(skb, sizeof(*arp)))
		return CSE_COPY;
	arp = (const struct cse_arp *)skb->data;
	if (arp->hdr.ar_hrd != htons(ARPHRD_ETHER) ||
	    arp->hdr.ar_pro != htons(ETH_P_IP) ||
	    arp->hdr.ar_hln != ETH_ALEN || arp->hdr.ar_pln != 4)
		return CSE_COPY;
	id = cse_ident_find(dev_net(skb->dev), arp->tpa);
	if (!id)
		return CSE_COPY;
	return id->inst == inst ? CSE_TAKE : CSE_PASS;
}

/*
 * An IPv4 frame received on an instance's device: true when it is for a
 * claimed address, with the verdict in *@v (the claimer takes what was
 * sent to it, to the device's MAC or the claimed one). Under RCU.
 */
bool cse_ident_ip(const struct cse_inst *inst, struct sk_buff *skb,
		  enum cse_verdict *v)
{
	const struct cse_ident *id;
	const struct iphdr *iph;

	if (hash_empty(cse_ident_table) || skb_vlan_tag_present(skb) ||
	    !pskb_may_pull(skb, sizeof(*iph)))
		return false;
	iph = (const struct iphdr *)skb->data;
	if (iph->version != 4 || iph->ihl < 5)
		return false;
	id = cse_ident_find(dev_net(skb->dev), iph->daddr);
	if (!id)
		return false;
	*v = CSE_PASS;
	if (id->inst != inst)
		return true;
	if (skb->pkt_type == PACKET_HOST ||
	    (id->has_mac && ether_addr_equal(eth_hdr(skb)->h_dest, id->mac)))
		*v = CSE_TAKE;
	return true;
}

/* LOCAL_OUT: the host's own packets from a claimed address never leave. */
static unsigned int cse_ident_out(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct cse_ident *id = priv;

	if (ip_hdr(skb)->saddr != id->addr)
		return NF_ACCEPT;
	atomic64_inc(&id->inst->stats.addr_blocked);
	return NF_DROP;
}

/* A unicast address a host could have on a subnet of @plen bits. */
static bool cse_ident_addr_ok(__be32 addr, u8 plen)
{
	u32 a = ntohl(addr), host;

	if (plen < 1 || plen > 32)
		return false;
	if (!addr || ipv4_is_loopback(addr) ||
	    ipv4_is_multicast(addr) || ipv4_is_lbcast(addr) ||
	    (a & 0xf0000000) == 0xf0000000)
		return false;
	if (plen > 30)
		return true;
	host = a & (~0U >> plen);
	return host && host != ~0U >> plen;
}

/* Everything but the address itself: flags, MAC, padding, reserved. */
static bool cse_ident_req_ok(const struct cse_addr *req)
{
	bool mac = req->flags & CSE_ADDR_MAC;

	if (req->flags & ~CSE_ADDR_FLAGS_ALL || req->__pad ||
	    memchr_inv(req->reserved, 0, sizeof(req->reserved)))
		return false;
	if (!mac)
		return !memchr_inv(req->mac, 0, sizeof(req->mac));
	return is_valid_ether_addr(req->mac);
}

/*
 * Taking an address on a link is configuring one: CAP_NET_ADMIN over the
 * namespace, for whoever opened the instance (its file's credentials) and
 * for whoever asks now, so that neither a handed-over descriptor nor a
 * privileged helper lends the right to the other.
 */
static bool cse_ident_allowed(const struct cse_inst *inst)
{
	struct user_namespace *ns = inst->net->user_ns;

	return file_ns_capable(inst->file, ns, CAP_NET_ADMIN) &&
	       ns_capable(ns, CAP_NET_ADMIN);
}

static struct cse_ident *cse_ident_new(struct cse_inst *inst,
				       struct net_device *dev,
				       const struct cse_addr *req)
{
	struct cse_ident *id = kzalloc(sizeof(*id), GFP_KERNEL_ACCOUNT);

	if (!id)
		return NULL;
	id->inst = inst;
	id->dev = dev;
	id->addr = req->addr;
	id->prefix_len = req->prefix_len;
	/* The device's own MAC needs no filter entry of ours. */
	id->has_mac = req->flags & CSE_ADDR_MAC &&
		      !ether_addr_equal(req->mac, dev->dev_addr);
	if (id->has_mac)
		ether_addr_copy(id->mac, req->mac);
	id->out_ops.hook = cse_ident_out;
	id->out_ops.priv = id;
	id->out_ops.pf = NFPROTO_IPV4;
	id->out_ops.hooknum = NF_INET_LOCAL_OUT;
	id->out_ops.priority = NF_IP_PRI_FIRST;
	return id;
}

/* Under RTNL: is @req free to take on the instance's device? */
static int cse_ident_check(struct cse_inst *inst, struct net_device *dev,
			   const struct cse_addr *req)
{
	bool host;

	if (rtnl_dereference(inst->ident))
		return -EEXIST;
	rcu_read_lock();
	host = __ip_dev_find(inst->net, req->addr, false);
	rcu_read_unlock();
	if (host || cse_ident_find(inst->net, req->addr))
		return -EADDRINUSE;
	if (req->flags & CSE_ADDR_MAC && cse_ident_mac_taken(dev, req->mac))
		return -EADDRINUSE;
	return 0;
}

/* Under RTNL: check and install the claim. */
static int cse_ident_claim(struct cse_inst *inst, const struct cse_addr *req)
{
	struct net_device *dev = rtnl_dereference(inst->dev);
	struct cse_ident *id;
	int err;

	if (!dev)
		return -ENODEV;
	err = cse_ident_check(inst, dev, req);
	if (err)
		return err;
	id = cse_ident_new(inst, dev, req);
	if (!id)
		return -ENOMEM;
	if (id->has_mac) {
		err = dev_uc_add(dev, id->mac);
		if (err)
			goto err_free;
	}
	err = nf_register_net_hook(inst->net, &id->out_ops);
	if (err)
		goto err_uc;
	hash_add_rcu(cse_ident_table, &id->node, (__force u32)id->addr);
	rcu_assign_pointer(inst->ident, id);
	return 0;

err_uc:
	if (id->has_mac)
		dev_uc_del(dev, id->mac);
err_free:
	kfree(id);
	return err;
}

long cse_ioctl_addr_claim(struct cse_inst *inst, void __user *uarg)
{
	struct cse_addr req;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!(inst->features & CSE_FEAT_ADDR))
		return -EOPNOTSUPP;
	if (!cse_ident_req_ok(&req) ||
	    !cse_ident_addr_ok(req.addr, req.prefix_len))
		return -EINVAL;
	/* Pairs with the release in cse_ioctl_attach(). */
	if (!smp_load_acquire(&inst->poll_area))
		return -EBADFD;
	if (!cse_ident_allowed(inst))
		return -EPERM;
	rtnl_lock();
	ret = cse_ident_claim(inst, &req);
	rtnl_unlock();
	return ret;
}

/*
 * Under RTNL, when the instance lets go of its device (closed, or the
 * device went away): the address is free again at once. Readers that
 * still see the claim are done with it after a grace period.
 */
void cse_ident_release(struct cse_inst *inst)
{
	struct cse_ident *id = rtnl_dereference(inst->ident);

	if (!id)
		return;
	RCU_INIT_POINTER(inst->ident, NULL);
	hash_del_rcu(&id->node);
	nf_unregister_net_hook(inst->net, &id->out_ops);
	if (id->has_mac)
		dev_uc_del(id->dev, id->mac);
	kfree_rcu(id, rcu);
}

/* What the generic netlink family shows of the claim. Under RCU. */
bool cse_ident_get(const struct cse_inst *inst, __be32 *addr, u8 *plen,
		   u8 *mac, bool *has_mac)
{
	const struct cse_ident *id = rcu_dereference(inst->ident);

	if (!id)
		return false;
	*addr = id->addr;
	*plen = id->prefix_len;
	*has_mac = id->has_mac;
	if (id->has_mac)
		ether_addr_copy(mac, id->mac);
	return true;
}

/* The host may not take a claimed address (under RTNL, as claims). */
static int cse_ident_validate(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	const struct in_validator_info *ivi = ptr;

	if (event != NETDEV_UP ||
	    !cse_ident_find(dev_net(ivi->ivi_dev->dev), ivi->ivi_addr))
		return NOTIFY_DONE;
	NL_SET_ERR_MSG(ivi->extack, "the address is claimed by a cse instance");
	return notifier_from_errno(-EADDRINUSE);
}

static struct notifier_block cse_ident_nb = {
	.notifier_call = cse_ident_validate,
};

int cse_ident_init(void)
{
	return register_inetaddr_validator_notifier(&cse_ident_nb);
}

void cse_ident_uninit(void)
{
	unregister_inetaddr_validator_notifier(&cse_ident_nb);
}
