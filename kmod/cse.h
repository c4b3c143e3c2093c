/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cse.ko internals shared between its files. The user-visible contract is in
 * uapi/linux/cse.h; nothing here is ABI.
 */
#ifndef _CSE_H
#define _CSE_H

#include <linux/atomic.h>
#include <linux/if_arp.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/refcount.h>
#include <linux/sched.h>
#include <linux/wait.h>
#include <linux/spinlock.h>
#include <linux/types.h>

struct net;
struct cred;
struct pid;
struct cse_attach;
struct cse_ring_offsets;
struct cse_sock_slot;
struct cse_sock_info;
struct sk_buff;
struct eventfd_ctx;
struct file;
struct cse_ho_req;

/* limits.c: module parameters announced by the handshake */
struct cse_limits {
	u32 max_ring_entries;
	u32 min_frame_size;
	u32 max_frame_size;
	u64 max_mem;
	u32 max_tcp_flows;
};

/**
 * struct cse_ring - the module's view of one ring of the shared area
 * @producer:   producer index in the shared area.
 * @consumer:   consumer index in the shared area.
 * @flags:      flags word in the shared area.
 * @desc:       entry 0 in the shared area.
 * @mask:       entries - 1.
 * @entry_size: bytes per entry.
 * @prod:       the module's own copy of the producer index when the module
 *              produces, else the last validated value user space wrote.
 * @cons:       the same for the consumer index.
 *
 * The shared words are user-writable at any time: the module only ever
 * trusts @prod and @cons, and validates what it reads against them.
 */
struct cse_ring {
	u32 *producer;
	u32 *consumer;
	u32 *flags;
	void *desc;
	u32 mask;
	u32 entry_size;
	u32 prod;
	u32 cons;
};

/**
 * struct cse_sock - the module's side of one socket slot (sockfile.c)
 * @wq:      pollers and waiters of the slot's socket file. It outlives the
 *           file (it lives as long as the area), so CSE_IOC_SOCK_WAKE may
 *           wake it without holding the file.
 * @slot:    the slot in the shared area: user space writes its mask, the
 *           module its kflags (under @wq.lock, but for the
 *           CSE_SLOT_SLEEPING a poller sets; sockwake.c says why).
 * @inst:    the owner.
 * @file:    the slot's live socket file, or NULL when the slot is free.
 *           Written under inst->socks_lock; CSE_IOC_SOCK_WAKE reads it
 *           without, as a hint.
 * @backing: the kernel socket's file the socket file holds, or NULL.
 * @flags:   CSE_SOCKET_* of the live file.
 * @index:   the slot's number.
 * @ho:      the handover request waiting on the slot, or NULL (handover.c,
 *           under its lock).
 * @ho_cancelled: the id of the last request withdrawn while it waited on
 *           the slot (its taker timed out or went), so that an answer to
 *           it fails with ECANCELED rather than ENOENT.
 */
struct cse_sock {
	wait_queue_head_t wq;
	struct cse_sock_slot *slot;
	struct cse_inst *inst;
	struct file *file;
	struct file *backing;
	u32 flags;
	u32 index;
	struct cse_ho_req *ho;
	u32 ho_cancelled;
};

/**
 * struct cse_area - the shared area of an attached instance (umem.c)
 * @mem:        vmalloc_user() memory, mapped by user space.
 * @size:       bytes of @mem, page aligned.
 * @rx:         RX ring (module produces).
 * @tx:         TX ring (user space produces).
 * @ev:         EV ring (module produces).
 * @rx_frames:  offset of RX slot 0.
 * @tx_frames:  offset of the TX frame region.
 * @frame_size: bytes per slot.
 * @socks:      the module's side of the socket slots, NULL without any.
 * @sock_entries: number of socket slots, 0 for none.
 * @sock_info:  the socket table, @sock_entries records the library writes
 *              (socktab.c reads them), or NULL without one.
 */
struct cse_area {
	void *mem;
	size_t size;
	struct cse_ring rx;
	struct cse_ring tx;
	struct cse_ring ev;
	u64 rx_frames;
	u64 tx_frames;
	u32 frame_size;
	u32 *ring_sleepers;	/* user-written, CSE_FEAT_WAIT_RINGS */
	struct cse_sock *socks;
	u32 sock_entries;
	struct cse_sock_info *sock_info;
};

/*
 * struct cse_counters - what CSE_IOC_GET_STATS reports, field for field; the
 * meaning of each is in struct cse_stats (uapi/linux/cse.h).
 */
struct cse_counters {
	atomic64_t rx_frames;
	atomic64_t rx_bytes;
	atomic64_t rx_dropped;
	atomic64_t tx_frames;
	atomic64_t tx_bytes;
	atomic64_t tx_rejected;
	atomic64_t tx_errors;
	atomic64_t ev_events;
	atomic64_t ev_dropped;
	atomic64_t ring_errors;
	atomic64_t tcp_untracked;
	atomic64_t addr_blocked;
	atomic64_t handovers_out;
	atomic64_t handovers_in;
};

/* A TCP connection's 4-tuple, seen from the instance's side. */
struct cse_tuple {
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
};

/* Flags of struct cse_tcp_flow */
#define CSE_FLOW_ACKED		BIT(0)	/* @ack holds an ACK the instance sent */
#define CSE_FLOW_FIN_OUT	BIT(1)	/* the instance sent its FIN */
#define CSE_FLOW_FIN_OUT_ACKED	BIT(2)	/* ... and the peer acknowledged it */
#define CSE_FLOW_FIN_IN		BIT(3)	/* the peer sent its FIN */
#define CSE_FLOW_FIN_IN_ACKED	BIT(4)	/* ... and the instance acknowledged it */

/**
 * struct cse_tcp_flow - one TCP flow of an instance, seen from its side
 * @node:    entry in its bucket of struct cse_flows.
 * @laddr:   the instance's address.
 * @raddr:   the peer's.
 * @lport:   the instance's port.
 * @rport:   the peer's.
 * @snd_nxt: the sequence number after the last one the instance sent
 *           (SYN and FIN count), the highest seen.
 * @ack:     the highest acknowledgment number the instance sent.
 * @fin_out: the sequence number after the instance's FIN.
 * @fin_in:  the sequence number after the peer's FIN.
 * @flags:   CSE_FLOW_*.
 * @mac:     where the instance's last frame of the flow went (next hop).
 */
struct cse_tcp_flow {
	struct hlist_node node;
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u32 snd_nxt;
	u32 ack;
	u32 fin_out;
	u32 fin_in;
	u8 flags;
	u8 mac[ETH_ALEN];
};

/**
 * struct cse_flows - the TCP flows an instance has open (flow.c)
 * @lock:    guards everything below; taken by TX (process context, with
 *           BH off), RX (softirq) and the instance's death.
 * @table:   hash buckets of struct cse_tcp_flow, CSE_FLOW_BUCKETS of them.
 * @seed:    hash seed.
 * @count:   entries in @table.
 * @closing: entries whose own FIN still waits for the peer's ACK; RX looks
 *           at plain ACKs only while there are any (read locklessly).
 */
struct cse_flows {
	spinlock_t lock;	/* the table and its counts */
	struct hlist_head *table;
	u32 seed;
	u32 count;
	u32 closing;
};

/**
 * struct cse_filter - a reserved port and the flows it steers (port.c)
 * @node:   entry in the instance's list of filters (inst->lock).
 * @hnode:  entry in the steering table (steer.c; RCU readers).
 * @inst:   the owner.
 * @sock:   the kernel socket the module created to hold the port, or NULL
 *          when the caller's own socket holds it (CSE_PORT_SOCKET).
 * @file:   with CSE_PORT_SOCKET: the caller's socket's file (reference
 *          held), else NULL.
 * @sk:     the socket that holds the port (reference held until RX and TX
 *          readers are done): a filter matches only while it still does.
 * @rcu:    frees the filter after RX readers are done with it.
 * @id:     reported to user space; unique in the instance.
 * @laddr:  local address, 0 for any.
 * @raddr:  remote address of a connected filter, else 0.
 * @lport:  local port.
 * @rport:  remote port of a connected filter, else 0.
 * @proto:  IPPROTO_TCP or IPPROTO_UDP.
 * @accepting: CSE_PORT_ACCEPTING: takes new connections of a shared port
 *          (written under inst->lock, read by RX without it).
 * @age:    creation order among all filters: the oldest of a shared port
 *          gets what is not a new connection (steer.c).
 */
struct cse_filter {
	struct list_head node;
	struct hlist_node hnode;
	struct cse_inst *inst;
	struct socket *sock;
	struct file *file;
	struct sock *sk;
	struct rcu_head rcu;
	u32 id;
	__be32 laddr;
	__be32 raddr;
	__be16 lport;
	__be16 rport;
	u8 proto;
	bool accepting;
	u64 age;
};

/**
 * struct cse_ident - an address of an instance's own (ident.c)
 * @node:       entry in the table of claims (RTNL; RCU readers).
 * @rcu:        frees the claim after RX, TX and LOCAL_OUT readers.
 * @inst:       the claimer.
 * @dev:        its device, where @mac was added (the instance holds it).
 * @out_ops:    the LOCAL_OUT hook that keeps the host's sockets off @addr.
 * @addr:       the address.
 * @prefix_len: its subnet's prefix length, as the claim gave it.
 * @has_mac:    @mac is claimed (and is not the device's own).
 * @mac:        the claimed Ethernet address.
 */
struct cse_ident {
	struct hlist_node node;
	struct rcu_head rcu;
	struct cse_inst *inst;
	struct net_device *dev;
	struct nf_hook_ops out_ops;
	__be32 addr;
	u8 prefix_len;
	bool has_mac;
	u8 mac[ETH_ALEN];
};

/* An ARP payload for Ethernet and IPv4 (tx.c checks it, ident.c steers it). */
struct cse_arp {
	struct arphdr hdr;
	u8 sha[ETH_ALEN];
	__be32 spa;
	u8 tha[ETH_ALEN];
	__be32 tpa;
} __packed;

/**
 * struct cse_inst - one instance, created by each open() of /dev/cse
 * @refs:     one for the instance's own file, one per socket file: the
 *            instance (and its area) lives until the last of them goes.
 * @id:       unique among live instances; reported to user space.
 * @lock:     serialises state changes: handshake, attach, mmap.
 * @ready:    set, with release semantics, once the handshake succeeded;
 *            read locklessly by the ioctl dispatcher.
 * @minor:    negotiated ABI minor.
 * @features: granted feature bits.
 * @net:      network namespace of the opener (reference held).
 * @cred:     credentials of the opener (reference held).
 * @owner:    thread group of the opener (reference held).
 * @limits:   the limits the handshake announced; they bind this instance.
 * @area:     the shared area; set once by CSE_IOC_ATTACH under @lock, freed
 *            at release.
 * @poll_area: @area once the attach succeeded, for lockless readers.
 * @dev:      the attached device (reference held), NULL when not attached.
 *            Written under RTNL only; TX reads it under RCU.
 * @tx_lock:  serialises TX drains (the TX ring's consumer).
 * @dev_tracker: tracks the reference on @dev.
 * @node:     entry in the list of attached instances (RTNL).
 * @carrier:  the carrier state last reported to the instance (RTNL).
 * @evfd:     eventfd signalled with poll() wake-ups, or NULL (set under
 *            @lock, read under RCU).
 * @gone:     the attached device went away; data-path ioctls fail with
 *            ENODEV.
 * @rx_ops:   the ingress hook on @dev (rx.c).
 * @rx_lock:  serialises producers of the RX ring.
 * @wq:       poll() waiters.
 * @ev_lock:  serialises producers of the EV ring.
 * @ev_seq:   sequence number of the last event (under @ev_lock).
 * @filters:  the instance's filters (under @lock).
 * @nr_filters: how many.
 * @filter_id: id of the last filter created.
 * @stats:    counters.
 * @flows:    the TCP flows it has open, reset when it dies (flow.c).
 * @socks_lock: serialises creating and releasing socket files and the
 *            instance's death, so a slot is free exactly when user space
 *            can see that its file was released.
 * @dead:     the instance's own file was released; its socket files poll
 *            as hung up, and RX hands every frame to the kernel (rx.c).
 *            Written under @socks_lock.
 * @nr_socks: socket files that exist (under @socks_lock; read locklessly
 *            by genl.c).
 * @ifindex:  the device the instance attached to, kept after it went away;
 *            0 before the attach (written under RTNL).
 * @comm:     the opener's command name when it opened the device.
 * @file:     the instance's own file (not a reference: it is only used by
 *            ioctls on that file, which hold it).
 * @ident:    the address the instance claimed, or NULL (written under
 *            RTNL, read under RCU).
 * @handovers: the handover requests it made as a taker (handover.c, under
 *            its lock).
 */
struct cse_inst {
	refcount_t refs;
	u32 id;
	struct mutex lock;	/* handshake, attach, mmap */
	bool ready;
	u32 minor;
	u64 features;
	struct net *net;
	const struct cred *cred;
	struct pid *owner;
	struct cse_limits limits;
	struct cse_area *area;
	struct cse_area *poll_area;
	struct net_device __rcu *dev;
	netdevice_tracker dev_tracker;
	struct list_head node;
	bool gone;
	bool carrier;
	struct eventfd_ctx __rcu *evfd;
	struct eventfd_ctx __rcu *ring_evfd;	/* CSE_EVENTFD_RINGS */
	struct mutex tx_lock;	/* TX ring consumer */
	struct nf_hook_ops rx_ops;
	spinlock_t rx_lock;	/* RX ring producer */
	wait_queue_head_t wq;
	/* CSE_SOCK_WAIT_RINGS waiters (exclusive), counted in ring_waiters */
	wait_queue_head_t ring_wq;
	atomic_t ring_waiters;
	spinlock_t ev_lock;	/* EV ring producer */
	u64 ev_seq;
	struct list_head filters;
	u32 nr_filters;
	u32 filter_id;
	struct cse_counters stats;
	struct cse_flows flows;
	struct mutex socks_lock;	/* socket files of the slots */
	bool dead;
	u32 nr_socks;
	int ifindex;
	char comm[TASK_COMM_LEN];
	struct file *file;
	struct cse_ident __rcu *ident;
	struct list_head handovers;
};

void cse_limits_get(struct cse_limits *limits);

/* inst.c */
struct cse_inst *cse_inst_create(void);
struct cse_inst *cse_inst_find(u32 id);
struct cse_inst *cse_inst_find_next(u32 *id);
void cse_inst_close(struct cse_inst *inst);
void cse_inst_get(struct cse_inst *inst);
void cse_inst_put(struct cse_inst *inst);
void cse_inst_wake(struct cse_inst *inst);
void cse_inst_wake_all(struct cse_inst *inst);
bool cse_inst_rings_pending(struct cse_inst *inst);
__poll_t cse_inst_poll(struct cse_inst *inst);
void cse_inst_uninit(void);

/* hello.c */
long cse_ioctl_hello(struct cse_inst *inst, void __user *uarg);
long cse_ioctl_get_info(struct cse_inst *inst, void __user *uarg);

/* ring.c */
void cse_ring_init(struct cse_ring *ring, void *mem,
		   const struct cse_ring_offsets *off);
u32 cse_ring_prod_free(struct cse_ring *ring, struct cse_inst *inst);
void *cse_ring_prod_entry(struct cse_ring *ring);
void cse_ring_prod_submit(struct cse_ring *ring);

/* umem.c */
int cse_area_check(const struct cse_attach *req,
		   const struct cse_limits *limits, u64 features);
void cse_area_ring_sleepers(struct cse_area *area, struct cse_attach *req);
struct cse_area *cse_area_create(struct cse_attach *req,
				 const struct cse_limits *limits);
void cse_area_destroy(struct cse_area *area);
int cse_area_mmap(struct cse_area *area, struct vm_area_struct *vma);

/* event.c */
void cse_event_post(struct cse_inst *inst, u32 type, u32 ifindex,
		    u32 value, u32 value2);
long cse_ioctl_set_eventfd(struct cse_inst *inst, void __user *uarg);
void cse_event_release(struct cse_inst *inst);

/* netdev.c */
long cse_ioctl_attach(struct cse_inst *inst, void __user *uarg);
void cse_netdev_release(struct cse_inst *inst);
int cse_netdev_init(void);
void cse_netdev_uninit(void);

/* steer.c */
enum cse_verdict {
	CSE_PASS,	/* not the instance's: the kernel's */
	CSE_COPY,	/* the instance gets a copy, the kernel the frame */
	CSE_TAKE,	/* the instance's alone */
};

void cse_steer_add(struct cse_filter *f);
void cse_steer_del(struct cse_filter *f);
enum cse_verdict cse_steer(const struct cse_inst *inst, struct sk_buff *skb);
bool cse_steer_owns(const struct cse_inst *inst, u8 proto, __be32 saddr,
		    __be16 sport, __be32 daddr, __be16 dport);
bool cse_icmp_is_error(u8 type);
bool cse_filter_held(const struct cse_filter *f);
bool cse_steer_shared(const struct cse_filter *f);
void cse_steer_replace(struct cse_filter *old, struct cse_filter *new);
struct cse_filter *cse_steer_find_tcp(const struct cse_inst *inst,
				      __be32 laddr, __be16 lport,
				      __be32 raddr, __be16 rport);

/* ident.c */
long cse_ioctl_addr_claim(struct cse_inst *inst, void __user *uarg);
void cse_ident_release(struct cse_inst *inst);
bool cse_ident_is(const struct cse_inst *inst, __be32 addr);
bool cse_ident_mac(const struct cse_inst *inst, const u8 *mac);
enum cse_verdict cse_ident_arp(const struct cse_inst *inst,
			       struct sk_buff *skb);
bool cse_ident_ip(const struct cse_inst *inst, struct sk_buff *skb,
		  enum cse_verdict *v);
bool cse_ident_get(const struct cse_inst *inst, __be32 *addr, u8 *plen,
		   u8 *mac, bool *has_mac);
int cse_ident_init(void);
void cse_ident_uninit(void);

/* rx.c */
int cse_rx_start(struct cse_inst *inst, struct net_device *dev);
void cse_rx_stop(struct cse_inst *inst, struct net_device *dev);

/* tx.c */
long cse_ioctl_tx_kick(struct cse_inst *inst, void __user *uarg);
bool cse_tx_frame_ok(struct cse_inst *inst, struct net_device *dev,
		     const struct sk_buff *skb);

/* flow.c */
int cse_flows_init(struct cse_inst *inst);
void cse_flows_destroy(struct cse_inst *inst);
void cse_flow_tx(struct cse_inst *inst, const struct sk_buff *skb);
void cse_flow_rx(struct cse_inst *inst, const struct sk_buff *skb);
void cse_flows_take(struct cse_inst *inst, struct hlist_head *out);
void cse_flow_move(struct cse_inst *from, struct cse_inst *to, __be32 laddr,
		   __be32 raddr, __be16 lport, __be16 rport);

/* reset.c */
void cse_reset_flows(struct cse_inst *inst);

/* port.c */
long cse_ioctl_port_reserve(struct cse_inst *inst, void __user *uarg);
long cse_ioctl_port_release(struct cse_inst *inst, void __user *uarg);
long cse_ioctl_port_accept(struct cse_inst *inst, void __user *uarg);
void cse_port_release_all(struct cse_inst *inst);
struct cse_filter *cse_filter_alloc(struct cse_inst *inst);
void cse_filter_link(struct cse_inst *inst, struct cse_filter *f);
void cse_filter_unlink(struct cse_inst *inst, struct cse_filter *f);
void cse_filter_destroy(struct cse_filter *f);

/* handover.c */
long cse_ioctl_sock_adopt(struct cse_inst *inst, void __user *uarg);
long cse_ioctl_sock_handover(struct cse_inst *inst, void __user *uarg);
void cse_handover_release(struct cse_inst *inst);

/* handmove.c */
int cse_handmove(struct cse_inst *owner, struct cse_inst *taker,
		 const struct cse_tuple *t, u32 *id);

/* sockfile.c */
int cse_socks_create(struct cse_area *area, u64 socks, u32 entries);
void cse_socks_destroy(struct cse_area *area);
long cse_ioctl_socket(struct cse_inst *inst, void __user *uarg);
void cse_socks_kill(struct cse_inst *inst);
struct cse_sock *cse_sock_of(struct file *file);

/* sockwake.c */
__poll_t cse_sock_readiness(struct cse_sock *s);
void cse_slot_kflags_locked(struct cse_sock *s, u32 set, u32 clear);
void cse_sock_wake_dead(struct cse_sock *s);
long cse_ioctl_sock_wake(struct cse_inst *inst, void __user *uarg);
long cse_sock_ioctl_wait(struct file *file, void __user *uarg);

/* socktab.c */
bool cse_socktab_read(const struct cse_area *area, u32 slot,
		      struct cse_sock_info *out);
int cse_socktab_put(struct sk_buff *skb, u32 slot,
		    const struct cse_sock_info *rec);

/* stats.c */
long cse_ioctl_get_stats(struct cse_inst *inst, void __user *uarg);

/* genl.c: the generic netlink family and its notifications */
int cse_genl_init(void);
void cse_genl_uninit(void);
void cse_genl_inst_new(struct cse_inst *inst);
void cse_genl_inst_del(struct cse_inst *inst);
void cse_genl_attach(struct cse_inst *inst, struct net_device *dev);
void cse_genl_detach(struct cse_inst *inst, int ifindex);
void cse_genl_filter(struct cse_inst *inst, const struct cse_filter *f,
		     bool added);
void cse_genl_dev_event(struct cse_inst *inst, u32 type, u32 ifindex,
			u32 value, u32 value2);

/* dev.c */
int cse_dev_init(void);
void cse_dev_uninit(void);

#endif /* _CSE_H */
