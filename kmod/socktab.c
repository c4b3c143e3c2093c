// SPDX-License-Identifier: GPL-2.0
/*
 * The socket table (uapi/linux/cse.h, "The socket table"): the library
 * describes each of its sockets in a record of the shared area, and
 * CSE_CMD_GET_SOCKETS (genl.c) reports those records to tools.
 *
 * The records are user-writable memory that may change at any moment, be
 * torn, or hold anything at all. So each is copied once into kernel memory
 * under its sequence lock, a bounded number of tries, and only that copy is
 * checked and reported: every value the module emits comes from the copy,
 * every one has a fixed size, and nothing in a record is used as an index,
 * length or pointer. A hostile library can only misdescribe its own
 * sockets (Documentation/security.rst).
 */
#include <linux/in.h>
#include <linux/string.h>
#include <net/netlink.h>
#include <net/tcp_states.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* The uapi promises records on 64-byte boundaries, one line each. */
static_assert(sizeof(struct cse_sock_info) == 64);

/* Copies of a record that keeps changing before it is left out. */
#define CSE_SOCKTAB_TRIES	4

/*
 * Copy @rec into @out while its writer leaves it alone: false when every
 * try found it being written or changed. The acquire pairs with the
 * writer's final release of an even @seq, the read barrier orders the copy
 * before the second look at @seq (the writer made it odd before writing).
 */
static bool cse_socktab_copy(const struct cse_sock_info *rec,
			     struct cse_sock_info *out)
{
	unsigned int try;
	u32 seq;

	for (try = 0; try < CSE_SOCKTAB_TRIES; try++) {
		/* Pairs with the writer's release of an even @seq. */
		seq = smp_load_acquire(&rec->seq);
		if (!(seq & 1)) {
			memcpy(out, rec, sizeof(*out));
			/* The copy before the second look at @seq. */
			smp_rmb();
			if (READ_ONCE(rec->seq) == seq)
				return true;
		}
		cpu_relax();
	}
	return false;
}

/* A state the protocol can be in, with Linux's numbering. */
static bool cse_socktab_sane(const struct cse_sock_info *r)
{
	switch (r->proto) {
	case IPPROTO_UDP:
		return r->state == TCP_ESTABLISHED || r->state == TCP_CLOSE;
	case IPPROTO_TCP:
		return r->state >= TCP_ESTABLISHED && r->state <= TCP_CLOSING;
	default:
		return false;
	}
}

/*
 * Record @slot of @area, copied into @out, when it describes a socket that
 * is worth reporting: the slot has a live socket file (a hint read without
 * the lock: the file may be going), the record holds a socket and its copy
 * is consistent and sane.
 */
bool cse_socktab_read(const struct cse_area *area, u32 slot,
		      struct cse_sock_info *out)
{
	if (!area->sock_info || slot >= area->sock_entries)
		return false;
	if (!READ_ONCE(area->socks[slot].file))
		return false;
	if (!cse_socktab_copy(&area->sock_info[slot], out))
		return false;
	return cse_socktab_sane(out);
}

static int cse_socktab_put_tcp(struct sk_buff *skb,
			       const struct cse_sock_info *r)
{
	if (nla_put_u32(skb, CSE_SOCK_A_RETRANSMITS, r->retransmits) ||
	    nla_put_u32(skb, CSE_SOCK_A_RTT_US, r->rtt_us) ||
	    nla_put_u32(skb, CSE_SOCK_A_RTTVAR_US, r->rttvar_us) ||
	    nla_put_u32(skb, CSE_SOCK_A_CWND, r->cwnd) ||
	    nla_put_u32(skb, CSE_SOCK_A_MSS, r->mss))
		return -EMSGSIZE;
	return 0;
}

/* CSE_A_SOCK: the checked copy @rec of slot @slot's record. */
int cse_socktab_put(struct sk_buff *skb, u32 slot,
		    const struct cse_sock_info *rec)
{
	struct nlattr *nest = nla_nest_start(skb, CSE_A_SOCK);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CSE_SOCK_A_SLOT, slot) ||
	    (rec->fd >= 0 && nla_put_s32(skb, CSE_SOCK_A_FD, rec->fd)) ||
	    nla_put_u8(skb, CSE_SOCK_A_PROTO, rec->proto) ||
	    nla_put_u8(skb, CSE_SOCK_A_STATE, rec->state) ||
	    nla_put_in_addr(skb, CSE_SOCK_A_LOCAL_ADDR, rec->local_addr) ||
	    nla_put_be16(skb, CSE_SOCK_A_LOCAL_PORT, rec->local_port) ||
	    nla_put_in_addr(skb, CSE_SOCK_A_REMOTE_ADDR, rec->remote_addr) ||
	    nla_put_be16(skb, CSE_SOCK_A_REMOTE_PORT, rec->remote_port) ||
	    nla_put_u32(skb, CSE_SOCK_A_RX_QUEUE, rec->rx_queue) ||
	    nla_put_u32(skb, CSE_SOCK_A_TX_QUEUE, rec->tx_queue) ||
	    (rec->proto == IPPROTO_TCP && cse_socktab_put_tcp(skb, rec))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}
