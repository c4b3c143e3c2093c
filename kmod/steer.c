// SPDX-License-Identifier: GPL-2.0
/*
 * Flow steering: which received frames belong to which instance.
 *
 * Filters (reserved ports, port.c) live in one hash table keyed by protocol
 * and local port; RX readers walk it under RCU, writers hold a spinlock. A
 * frame belongs to an instance when one of the instance's filters matches
 * it: an IPv4 TCP or UDP segment for the filter's port and address (and,
 * for a connected filter, from its remote), or an ICMP error about such a
 * flow. ARP frames are copied to every instance of the device and still go
 * to the kernel. An address an instance claimed (ident.c) is that
 * instance's whole: every frame for it, ARP included, goes to it alone.
 * Everything else is not ours and goes on untouched.
 *
 * A port may be held by filters of several instances at once: a forked
 * child's instance adopts the listening socket it inherited (CSE_PORT_SOCKET)
 * as each process of a prefork server accepts on one socket. Every segment
 * must still reach exactly one instance, the one that has the connection,
 * so the filters of a port are weighed together (cse_steer_pick(), the
 * rules are "Shared ports" in the uapi header): a connected filter wins;
 * a new connection goes to an accepting filter by a hash of its 4-tuple;
 * the rest go to the oldest filter.
 */
#include <linux/hashtable.h>
#include <linux/icmp.h>
#include <linux/if_ether.h>
#include <linux/if_vlan.h>
#include <linux/ip.h>
#include <linux/jhash.h>
#include <linux/net.h>
#include <linux/skbuff.h>
#include <linux/tcp.h>
#include <net/inet_sock.h>
#include <net/ip.h>
#include <net/route.h>

#include "cse.h"

#define CSE_STEER_BITS	10

static DEFINE_HASHTABLE(cse_steer_table, CSE_STEER_BITS);
static DEFINE_SPINLOCK(cse_steer_lock);
static atomic64_t cse_filter_age = ATOMIC64_INIT(0);
static u32 cse_steer_seed __read_mostly;

static u32 cse_steer_key(u8 proto, __be16 lport)
{
	return ((u32)proto << 16) | (__force u16)lport;
}

void cse_steer_add(struct cse_filter *f)
{
	/* Unguessable, so no peer can aim all its SYNs at one instance. */
	net_get_random_once(&cse_steer_seed, sizeof(cse_steer_seed));
	f->age = atomic64_inc_return(&cse_filter_age);
	spin_lock_bh(&cse_steer_lock);
	hash_add_rcu(cse_steer_table, &f->hnode,
		     cse_steer_key(f->proto, f->lport));
	spin_unlock_bh(&cse_steer_lock);
}

/* Readers may still see @f until a grace period has passed. */
void cse_steer_del(struct cse_filter *f)
{
	spin_lock_bh(&cse_steer_lock);
	hash_del_rcu(&f->hnode);
	spin_unlock_bh(&cse_steer_lock);
}

/*
 * @new takes @old's place at once (handmove.c): RX readers see one or the
 * other, never neither. @old may still be seen until a grace period.
 */
void cse_steer_replace(struct cse_filter *old, struct cse_filter *new)
{
	new->age = old->age;
	spin_lock_bh(&cse_steer_lock);
	hlist_replace_rcu(&old->hnode, &new->hnode);
	spin_unlock_bh(&cse_steer_lock);
}

/* The flow as seen from the instance: local is the destination of RX. */
struct cse_flow {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u8 proto;
};

/*
 * Does the filter's socket still hold the port where the filter says? The
 * module's own sockets always do; a caller's (CSE_PORT_SOCKET) stops when
 * it is closed or disconnected (the kernel sets inet_num to 0 when it gives
 * the port back) or connected from another local address. The port may
 * then be someone else's: the filter must not steer it any more.
 */
bool cse_filter_held(const struct cse_filter *f)
{
	const struct sock *sk = f->sk;

	return READ_ONCE(inet_sk(sk)->inet_num) == ntohs(f->lport) &&
	       READ_ONCE(sk->sk_rcv_saddr) == f->laddr;
}

static bool cse_filter_match(const struct cse_filter *f,
			     const struct cse_flow *fl)
{
	if (f->proto != fl->proto || f->lport != fl->lport)
		return false;
	if (f->laddr && f->laddr != fl->laddr)
		return false;
	if (f->raddr && (f->raddr != fl->raddr || f->rport != fl->rport))
		return false;
	return cse_filter_held(f);
}

/* Does one of the instance's filters match the flow? (RCU) */
static bool cse_steer_has(const struct cse_inst *inst,
			  const struct cse_flow *fl)
{
	struct cse_filter *f;

	hash_for_each_possible_rcu(cse_steer_table, f, hnode,
				   cse_steer_key(fl->proto, fl->lport)) {
		if (f->inst == inst && cse_filter_match(f, fl))
			return true;
	}
	return false;
}

/* Rendezvous hashing: a filter's weight for one new connection. */
static u32 cse_steer_weight(u32 flow_hash, const struct cse_filter *f)
{
	return jhash_3words(flow_hash, lower_32_bits(f->age),
			    upper_32_bits(f->age), cse_steer_seed);
}

/*
 * The filter that gets the flow among all instances' (RCU). @syn: the
 * segment opens a connection. Rendezvous hashing keeps a connection's
 * retransmitted SYNs on one filter, and moves only the connections of a
 * filter that comes or goes.
 */
static const struct cse_filter *cse_steer_pick(const struct cse_flow *fl,
					       bool syn)
{
	const struct cse_filter *f, *oldest = NULL, *best = NULL;
	u32 h = 0, w, best_w = 0;

	if (syn)
		h = jhash_3words((__force u32)fl->laddr, (__force u32)fl->raddr,
				 (u32)(__force u16)fl->lport << 16 |
				 (__force u16)fl->rport, cse_steer_seed);
	hash_for_each_possible_rcu(cse_steer_table, f, hnode,
				   cse_steer_key(fl->proto, fl->lport)) {
		if (!cse_filter_match(f, fl))
			continue;
		if (f->raddr)
			return f;
		if (!oldest || f->age < oldest->age)
			oldest = f;
		if (!syn || !READ_ONCE(f->accepting))
			continue;
		w = cse_steer_weight(h, f);
		if (!best || w > best_w) {
			best = f;
			best_w = w;
		}
	}
	return best ? best : oldest;
}

static bool cse_steer_lookup(const struct cse_inst *inst,
			     const struct cse_flow *fl, bool syn)
{
	const struct cse_filter *f = cse_steer_pick(fl, syn);

	return f && f->inst == inst;
}

/*
 * The filter of @inst that gets the segments (not SYNs) of a TCP flow, or
 * NULL when another instance's does or none matches. Stays valid while
 * the caller holds inst->lock, under which filters are removed.
 */
struct cse_filter *cse_steer_find_tcp(const struct cse_inst *inst,
				      __be32 laddr, __be16 lport,
				      __be32 raddr, __be16 rport)
{
	const struct cse_flow fl = {
		.proto = IPPROTO_TCP,
		.laddr = laddr,
		.lport = lport,
		.raddr = raddr,
		.rport = rport,
	};
	const struct cse_filter *f;

	rcu_read_lock();
	f = cse_steer_pick(&fl, false);
	if (f && f->inst != inst)
		f = NULL;
	rcu_read_unlock();
	return (struct cse_filter *)f;
}

/*
 * Does an older listening filter of another instance hold @f's port? Then
 * @f shares it and gets only the new connections it is given (uapi:
 * "Shared ports").
 */
bool cse_steer_shared(const struct cse_filter *f)
{
	const struct cse_filter *g;
	bool shared = false;

	if (f->raddr)
		return false;
	rcu_read_lock();
	hash_for_each_possible_rcu(cse_steer_table, g, hnode,
				   cse_steer_key(f->proto, f->lport)) {
		if (g == f || g->inst == f->inst || g->raddr ||
		    g->proto != f->proto || g->lport != f->lport)
			continue;
		if (g->laddr && f->laddr && g->laddr != f->laddr)
			continue;
		if (cse_filter_held(g)) {
			shared = true;
			break;
		}
	}
	rcu_read_unlock();
	return shared;
}

/* Does the instance own this flow, seen from its side? For TX validation. */
bool cse_steer_owns(const struct cse_inst *inst, u8 proto, __be32 saddr,
		    __be16 sport, __be32 daddr, __be16 dport)
{
	struct cse_flow fl = {
		.proto = proto,
		.laddr = saddr,
		.lport = sport,
		.raddr = daddr,
		.rport = dport,
	};
	bool owns;

	rcu_read_lock();
	owns = cse_steer_has(inst, &fl);
	rcu_read_unlock();
	return owns;
}

/*
 * The IPv4 header at @off of the skb's data, pulled into the linear part
 * with @extra bytes after it; NULL when it is not a sane, unfragmented
 * header.
 */
static const struct iphdr *cse_ip_header(struct sk_buff *skb, unsigned int off,
					 unsigned int extra)
{
	const struct iphdr *iph;

	if (!pskb_may_pull(skb, off + sizeof(*iph)))
		return NULL;
	iph = (const struct iphdr *)(skb->data + off);
	if (iph->version != 4 || iph->ihl < 5 || ip_is_fragment(iph))
		return NULL;
	if (!pskb_may_pull(skb, off + iph->ihl * 4 + extra))
		return NULL;
	return (const struct iphdr *)(skb->data + off);
}

/* Ports of a TCP or UDP header at @th: source first, then destination. */
static void cse_ports(const void *th, __be16 *src, __be16 *dst)
{
	const __be16 *ports = th;

	*src = ports[0];
	*dst = ports[1];
}

bool cse_icmp_is_error(u8 type)
{
	return type == ICMP_DEST_UNREACH || type == ICMP_TIME_EXCEEDED ||
	       type == ICMP_PARAMETERPROB || type == ICMP_SOURCE_QUENCH;
}

/*
 * An ICMP error quotes the offending datagram, which this host sent: its
 * source is the instance's side of the flow.
 */
static bool cse_steer_icmp(const struct cse_inst *inst, struct sk_buff *skb,
			   unsigned int off)
{
	const struct icmphdr *icmp;
	const struct iphdr *inner;
	struct cse_flow fl;

	if (!pskb_may_pull(skb, off + sizeof(*icmp)))
		return false;
	icmp = (const struct icmphdr *)(skb->data + off);
	if (!cse_icmp_is_error(icmp->type))
		return false;
	off += sizeof(*icmp);
	inner = cse_ip_header(skb, off, 4);
	if (!inner)
		return false;
	if (inner->protocol != IPPROTO_TCP && inner->protocol != IPPROTO_UDP)
		return false;
	fl.proto = inner->protocol;
	fl.laddr = inner->saddr;
	fl.raddr = inner->daddr;
	cse_ports((const u8 *)inner + inner->ihl * 4, &fl.lport, &fl.rport);
	return cse_steer_lookup(inst, &fl, false);
}

/*
 * A TCP segment that opens a connection: SYN without ACK. Only its flags
 * byte is needed; a header too short to hold it is not a SYN.
 */
static bool cse_steer_syn(struct sk_buff *skb, const struct iphdr *iph)
{
	unsigned int off = iph->ihl * 4;
	const struct tcphdr *th;

	if (iph->protocol != IPPROTO_TCP ||
	    !pskb_may_pull(skb, off + sizeof(*th)))
		return false;
	th = (const struct tcphdr *)(skb->data + off);
	return th->syn && !th->ack;
}

/* A frame for a local address of the instance's namespace, not forwarded. */
static bool cse_steer_local(struct net_device *dev, __be32 daddr)
{
	return inet_addr_type_dev_table(dev_net(dev), dev, daddr) == RTN_LOCAL;
}

/* Where a frame received on the instance's device goes. */
enum cse_verdict cse_steer(const struct cse_inst *inst, struct sk_buff *skb)
{
	const struct iphdr *iph;
	enum cse_verdict v;
	struct cse_flow fl;

	if (skb->protocol == htons(ETH_P_ARP))
		return cse_ident_arp(inst, skb);
	if (skb->protocol != htons(ETH_P_IP) || skb_vlan_tag_present(skb))
		return CSE_PASS;
	/* A claimed address is its claimer's whole (ident.c). */
	if (cse_ident_ip(inst, skb, &v))
		return v;
	if (skb->pkt_type != PACKET_HOST)
		return CSE_PASS;
	iph = cse_ip_header(skb, 0, 4);
	if (!iph || ntohs(iph->tot_len) > skb->len ||
	    ntohs(iph->tot_len) < iph->ihl * 4 + 4)
		return CSE_PASS;
	if (iph->protocol == IPPROTO_ICMP) {
		if (!cse_steer_icmp(inst, skb, iph->ihl * 4))
			return CSE_PASS;
	} else if (iph->protocol == IPPROTO_TCP ||
		   iph->protocol == IPPROTO_UDP) {
		fl.proto = iph->protocol;
		fl.laddr = iph->daddr;
		fl.raddr = iph->saddr;
		cse_ports(skb->data + iph->ihl * 4, &fl.rport, &fl.lport);
		if (!cse_steer_lookup(inst, &fl, cse_steer_syn(skb, iph)))
			return CSE_PASS;
	} else {
		return CSE_PASS;
	}
	/* Ours, if it is for this host and not passing through it. */
	iph = (const struct iphdr *)skb->data;	/* pulls may have moved it */
	return cse_steer_local(skb->dev, iph->daddr) ? CSE_TAKE : CSE_PASS;
}
