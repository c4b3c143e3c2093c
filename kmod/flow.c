// SPDX-License-Identifier: GPL-2.0
/*
 * TCP flow tracking: for each TCP flow an instance has open, what the module
 * needs to reset it when the instance dies (reset.c), so that its peers learn
 * at once instead of hanging until their own timeouts.
 *
 * What is tracked comes from frames the module itself handled: those the
 * instance transmitted, after tx.c validated them (so only flows from ports
 * the instance owns), and those steer.c gave it. A flow is tracked from a
 * SYN or SYN-ACK the instance sends, and forgotten when it ends: a RST either
 * way, or both FINs acknowledged. At most max_tcp_flows flows per instance
 * (limits.c); the ones beyond are not reset, and each SYN that could not
 * start one is counted (tcp_untracked).
 *
 * Locking: one spinlock per instance guards its table. TX takes it once per
 * TCP frame it sends; TX of one instance is serialised already (tx_lock), so
 * the lock only meets RX of the same instance, and RX takes it only for
 * segments that can end a flow: RST, FIN, and ACKs while a FIN of the
 * instance waits for one (@closing, read without the lock: a stale zero only
 * leaves the flow to be reset at death, a stale non-zero costs a lookup).
 * Most lookups write the entry (sequence numbers, next hop), so RCU would
 * not spare the writers anything; a short critical section with BH off in
 * TX (RX runs in softirq) is the whole cost.
 */
#include <linux/etherdevice.h>
#include <linux/jhash.h>
#include <linux/ip.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/tcp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "cse.h"

#define CSE_FLOW_BUCKETS	1024

/* The TCP segment of a frame, its addresses as on the wire. */
struct cse_seg {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	u32 seq;
	u32 ack_seq;
	u32 end;	/* seq after the segment: data, SYN and FIN count */
	bool syn, fin, rst, ack;
};

int cse_flows_init(struct cse_inst *inst)
{
	struct cse_flows *fl = &inst->flows;

	spin_lock_init(&fl->lock);
	fl->seed = get_random_u32();
	fl->table = kvcalloc(CSE_FLOW_BUCKETS, sizeof(*fl->table),
			     GFP_KERNEL_ACCOUNT);
	return fl->table ? 0 : -ENOMEM;
}

/* With the instance; reset.c took every flow before, at its death. */
void cse_flows_destroy(struct cse_inst *inst)
{
	HLIST_HEAD(left);
	struct cse_tcp_flow *f;
	struct hlist_node *tmp;

	if (!inst->flows.table)
		return;
	cse_flows_take(inst, &left);
	hlist_for_each_entry_safe(f, tmp, &left, node)
		kfree(f);
	kvfree(inst->flows.table);
}

/*
 * Parse the TCP segment whose IPv4 header is at the skb's network header.
 * A GSO frame's length is that of the skb; other frames' that of their IP
 * header (Ethernet may have padded them).
 */
static bool cse_seg_parse(const struct sk_buff *skb, struct cse_seg *s)
{
	int off = skb_network_offset(skb);
	const struct iphdr *iph;
	const struct tcphdr *th;
	struct tcphdr _th;
	struct iphdr _iph;
	u32 ihl, tot;

	iph = skb_header_pointer(skb, off, sizeof(_iph), &_iph);
	if (!iph || iph->version != 4 || iph->protocol != IPPROTO_TCP ||
	    iph->ihl < 5 || ip_is_fragment(iph))
		return false;
	ihl = iph->ihl * 4;
	tot = skb_is_gso(skb) ? skb->len - off : ntohs(iph->tot_len);
	if (tot > skb->len - off)
		return false;
	th = skb_header_pointer(skb, off + ihl, sizeof(_th), &_th);
	if (!th || th->doff < 5 || tot < ihl + th->doff * 4)
		return false;
	s->saddr = iph->saddr;
	s->daddr = iph->daddr;
	s->sport = th->source;
	s->dport = th->dest;
	s->seq = ntohl(th->seq);
	s->ack_seq = ntohl(th->ack_seq);
	s->syn = th->syn;
	s->fin = th->fin;
	s->rst = th->rst;
	s->ack = th->ack;
	s->end = s->seq + (tot - ihl - th->doff * 4) + s->syn + s->fin;
	return true;
}

static struct hlist_head *cse_flow_bucket(struct cse_flows *fl, __be32 laddr,
					  __be32 raddr, __be16 lport,
					  __be16 rport)
{
	u32 ports = (u32)ntohs(lport) << 16 | ntohs(rport);
	u32 h = jhash_3words((__force u32)laddr, (__force u32)raddr, ports,
			     fl->seed);

	return &fl->table[h & (CSE_FLOW_BUCKETS - 1)];
}

/* Under fl->lock. */
static struct cse_tcp_flow *cse_flow_find(struct cse_flows *fl, __be32 laddr,
					  __be32 raddr, __be16 lport,
					  __be16 rport)
{
	struct hlist_head *b = cse_flow_bucket(fl, laddr, raddr, lport, rport);
	struct cse_tcp_flow *f;

	hlist_for_each_entry(f, b, node) {
		if (f->laddr == laddr && f->raddr == raddr &&
		    f->lport == lport && f->rport == rport)
			return f;
	}
	return NULL;
}

static bool cse_flow_waits_fin_ack(const struct cse_tcp_flow *f)
{
	return (f->flags & (CSE_FLOW_FIN_OUT | CSE_FLOW_FIN_OUT_ACKED)) ==
	       CSE_FLOW_FIN_OUT;
}

/* Under fl->lock: out of the table. */
static void cse_flow_unlink(struct cse_flows *fl, struct cse_tcp_flow *f)
{
	if (cse_flow_waits_fin_ack(f))
		WRITE_ONCE(fl->closing, fl->closing - 1);
	hlist_del(&f->node);
	fl->count--;
}

/* Under fl->lock: into the table, its addresses set. */
static void cse_flow_link(struct cse_flows *fl, struct cse_tcp_flow *f)
{
	hlist_add_head(&f->node, cse_flow_bucket(fl, f->laddr, f->raddr,
						 f->lport, f->rport));
	fl->count++;
	if (cse_flow_waits_fin_ack(f))
		WRITE_ONCE(fl->closing, fl->closing + 1);
}

/* Under fl->lock: the flow ended. */
static void cse_flow_forget(struct cse_flows *fl, struct cse_tcp_flow *f)
{
	cse_flow_unlink(fl, f);
	kfree(f);
}

/* Under fl->lock: forget the flow once both FINs were acknowledged. */
static void cse_flow_maybe_done(struct cse_flows *fl, struct cse_tcp_flow *f)
{
	const u8 done = CSE_FLOW_FIN_OUT_ACKED | CSE_FLOW_FIN_IN_ACKED;

	if ((f->flags & done) == done)
		cse_flow_forget(fl, f);
}

/*
 * A SYN the peer would drop (bad checksum) must not take a place in the
 * table: only SYNs are checked, they are small and one per flow. The
 * frame is the module's private, linear copy.
 */
static bool cse_flow_syn_ok(const struct sk_buff *skb, const struct cse_seg *s)
{
	const struct iphdr *iph = ip_hdr(skb);
	u32 len = ntohs(iph->tot_len) - iph->ihl * 4;
	const void *th = (const u8 *)iph + iph->ihl * 4;

	return !csum_tcpudp_magic(s->saddr, s->daddr, len, IPPROTO_TCP,
				  csum_partial(th, len, 0));
}

/* Under fl->lock: insert @f for @s, or count it when the table is full. */
static bool cse_flow_add(struct cse_inst *inst, struct cse_tcp_flow *f,
			 const struct cse_seg *s)
{
	struct cse_flows *fl = &inst->flows;

	if (fl->count >= inst->limits.max_tcp_flows) {
		atomic64_inc(&inst->stats.tcp_untracked);
		return false;
	}
	f->laddr = s->saddr;
	f->raddr = s->daddr;
	f->lport = s->sport;
	f->rport = s->dport;
	f->snd_nxt = s->end;
	cse_flow_link(fl, f);
	return true;
}

/* Under fl->lock: what a segment the instance sent says about its flow. */
static void cse_flow_sent(struct cse_flows *fl, struct cse_tcp_flow *f,
			  const struct cse_seg *s, const u8 *mac)
{
	if (s->rst) {
		cse_flow_forget(fl, f);
		return;
	}
	if (after(s->end, f->snd_nxt))
		f->snd_nxt = s->end;
	if (s->ack && (!(f->flags & CSE_FLOW_ACKED) ||
		       after(s->ack_seq, f->ack))) {
		f->ack = s->ack_seq;
		f->flags |= CSE_FLOW_ACKED;
	}
	ether_addr_copy(f->mac, mac);
	if (s->fin && !(f->flags & CSE_FLOW_FIN_OUT_ACKED)) {
		if (!(f->flags & CSE_FLOW_FIN_OUT))
			WRITE_ONCE(fl->closing, fl->closing + 1);
		f->flags |= CSE_FLOW_FIN_OUT;
		f->fin_out = s->end;
	}
	if ((f->flags & CSE_FLOW_FIN_IN) && s->ack &&
	    !before(s->ack_seq, f->fin_in)) {
		f->flags |= CSE_FLOW_FIN_IN_ACKED;
		cse_flow_maybe_done(fl, f);
	}
}

/*
 * A frame the instance transmits, validated (tx.c), its network header set.
 * Process context.
 */
void cse_flow_tx(struct cse_inst *inst, const struct sk_buff *skb)
{
	struct cse_flows *fl = &inst->flows;
	struct cse_tcp_flow *f, *new = NULL;
	struct cse_seg s;

	if (!cse_seg_parse(skb, &s))
		return;
	/* A flow begins with the instance's SYN or SYN-ACK. */
	if (s.syn && !s.rst && !s.fin && cse_flow_syn_ok(skb, &s)) {
		new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
		if (!new)
			atomic64_inc(&inst->stats.tcp_untracked);
	}
	spin_lock_bh(&fl->lock);
	f = cse_flow_find(fl, s.saddr, s.daddr, s.sport, s.dport);
	if (!f && new && cse_flow_add(inst, new, &s)) {
		f = new;
		new = NULL;
	}
	if (f)
		cse_flow_sent(fl, f, &s, eth_hdr(skb)->h_dest);
	spin_unlock_bh(&fl->lock);
	kfree(new);
}

/*
 * Does a RST from the peer end the flow? It must answer the instance's SYN
 * or lie at or after what the instance acknowledged: an old one does not.
 * The instance's own stack judges RSTs exactly; wrongly forgetting a flow
 * would only cost its reset at death.
 */
static bool cse_flow_rst_ok(const struct cse_tcp_flow *f,
			    const struct cse_seg *s)
{
	if (!(f->flags & CSE_FLOW_ACKED))
		return s->ack && s->ack_seq == f->snd_nxt;
	return !before(s->seq, f->ack);
}

/* Under fl->lock: what a segment from the peer says about the flow. */
static void cse_flow_received(struct cse_flows *fl, struct cse_tcp_flow *f,
			      const struct cse_seg *s)
{
	if (s->rst) {
		if (cse_flow_rst_ok(f, s))
			cse_flow_forget(fl, f);
		return;
	}
	if (s->fin) {
		f->flags |= CSE_FLOW_FIN_IN;
		f->fin_in = s->end;
	}
	if (cse_flow_waits_fin_ack(f) && s->ack &&
	    !before(s->ack_seq, f->fin_out)) {
		f->flags |= CSE_FLOW_FIN_OUT_ACKED;
		WRITE_ONCE(fl->closing, fl->closing - 1);
		cse_flow_maybe_done(fl, f);
	}
}

/* A frame steered to the instance (rx.c). Softirq. */
void cse_flow_rx(struct cse_inst *inst, const struct sk_buff *skb)
{
	struct cse_flows *fl = &inst->flows;
	struct cse_tcp_flow *f;
	struct cse_seg s;

	if (!cse_seg_parse(skb, &s))
		return;
	if (!s.rst && !s.fin && !(s.ack && READ_ONCE(fl->closing)))
		return;
	spin_lock(&fl->lock);
	f = cse_flow_find(fl, s.daddr, s.saddr, s.dport, s.sport);
	if (f)
		cse_flow_received(fl, f, &s);
	spin_unlock(&fl->lock);
}

/*
 * The connection of this tuple moves from @from to @to (handmove.c): so
 * does its tracking, and with it the reset at death. A flow @to cannot
 * track (it has max_tcp_flows) is counted in its tcp_untracked.
 */
void cse_flow_move(struct cse_inst *from, struct cse_inst *to, __be32 laddr,
		   __be32 raddr, __be16 lport, __be16 rport)
{
	struct cse_flows *fl = &from->flows;
	struct cse_tcp_flow *f;
	bool full;

	spin_lock_bh(&fl->lock);
	f = cse_flow_find(fl, laddr, raddr, lport, rport);
	if (f)
		cse_flow_unlink(fl, f);
	spin_unlock_bh(&fl->lock);
	if (!f)
		return;
	fl = &to->flows;
	spin_lock_bh(&fl->lock);
	full = fl->count >= to->limits.max_tcp_flows ||
	       cse_flow_find(fl, laddr, raddr, lport, rport);
	if (!full)
		cse_flow_link(fl, f);
	spin_unlock_bh(&fl->lock);
	if (full) {
		atomic64_inc(&to->stats.tcp_untracked);
		kfree(f);
	}
}

/* Move every flow to @out, leaving the table empty. */
void cse_flows_take(struct cse_inst *inst, struct hlist_head *out)
{
	struct cse_flows *fl = &inst->flows;
	struct cse_tcp_flow *f;
	struct hlist_node *tmp;
	u32 i;

	spin_lock_bh(&fl->lock);
	for (i = 0; i < CSE_FLOW_BUCKETS; i++) {
		hlist_for_each_entry_safe(f, tmp, &fl->table[i], node) {
			hlist_del(&f->node);
			hlist_add_head(&f->node, out);
		}
	}
	fl->count = 0;
	WRITE_ONCE(fl->closing, 0);
	spin_unlock_bh(&fl->lock);
}
