// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family "cse": what tools (csectl) see of the
 * instances, their filters, counters and sockets (socktab.c), and the "events" multicast group
 * that announces changes to them. The contract is in uapi/linux/cse.h,
 * "Generic netlink"; this file only reads instances, it never changes one.
 *
 * Lookups take a reference on an instance (inst.c keeps them by id), so an
 * instance closed meanwhile stays valid until the reply is built; dumps keep
 * no reference between their parts, only ids as cursors. The family runs
 * its operations in parallel: what they read of an instance is either set
 * once and published with release semantics (the handshake, the area),
 * counters and flags read once, or walked under the instance's lock (its
 * filters).
 *
 * Who sees what (cse_genl_visible()): the instances the caller opened, in
 * its own network namespace, and with CAP_NET_ADMIN over an instance's
 * namespace, that instance too. Notifications go to the instance's
 * namespace, to listeners that needed CAP_NET_ADMIN there to join.
 */
#include <linux/cred.h>
#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/string.h>
#include <linux/uidgid.h>
#include <linux/user_namespace.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/sock.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

static struct genl_family cse_genl_family;

enum cse_genl_mcgrp {
	CSE_MCGRP_EVENTS,
};

/*
 * Only CAP_NET_ADMIN may join the events group: notifications are not
 * filtered by listener. A kernel that cannot restrict who joins a group
 * (GENL_MCAST_CAP_NET_ADMIN came with Linux 6.7 and its stable backports;
 * Debian's 6.1 has it) gets no events group rather than one that shows
 * every user's instances to anyone.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
static const struct genl_multicast_group cse_genl_mcgrps[] = {
	[CSE_MCGRP_EVENTS] = {
		.name = CSE_GENL_MCGRP_EVENTS,
		.flags = GENL_MCAST_CAP_NET_ADMIN,
	},
};

#define CSE_GENL_N_MCGRPS	ARRAY_SIZE(cse_genl_mcgrps)
#else
#define cse_genl_mcgrps		NULL
#define CSE_GENL_N_MCGRPS	0
#endif

/* Requests hold at most an instance id and a process id, neither 0. */
static const struct nla_policy cse_genl_policy[CSE_A_INST_PID + 1] = {
	[CSE_A_INST_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CSE_A_INST_PID] = NLA_POLICY_MIN(NLA_U32, 1),
};

/**
 * struct cse_genl_who - the caller, as visibility and replies need it
 * @net:    the caller's network namespace (its socket's).
 * @pidns:  the pid namespace pids are reported in.
 * @userns: the user namespace uids are reported in.
 * @euid:   the effective uid of the task making the call.
 * @file:   the netlink socket's file, whose opener is the other caller;
 *          NULL for a kernel socket, which sees nothing.
 * @cap_ns: the user namespace of the last capability check, or NULL.
 * @cap_task: its verdict for the task,
 * @cap_file: and for the socket's opener: instances mostly share one.
 */
struct cse_genl_who {
	struct net *net;
	struct pid_namespace *pidns;
	struct user_namespace *userns;
	kuid_t euid;
	const struct file *file;
	struct user_namespace *cap_ns;
	bool cap_task;
	bool cap_file;
};

static void cse_genl_who_init(struct cse_genl_who *who,
			      const struct sk_buff *skb, struct net *net)
{
	const struct sock *sk = NETLINK_CB(skb).sk;

	memset(who, 0, sizeof(*who));
	who->net = net;
	who->pidns = task_active_pid_ns(current);
	who->userns = current_user_ns();
	who->euid = current_euid();
	if (sk && sk->sk_socket)
		who->file = sk->sk_socket->file;
}

/*
 * Both callers, the task and the socket's opener, must each see the
 * instance: as its owner (opened with their effective uid, in the socket's
 * network namespace) or with CAP_NET_ADMIN over the instance's namespace.
 * A socket handed to another process so shows it no more than either of
 * them may see, as netlink_ns_capable() has it for capabilities.
 */
static bool cse_genl_visible(struct cse_genl_who *who,
			     const struct cse_inst *inst)
{
	struct user_namespace *ns = inst->net->user_ns;
	kuid_t owner = inst->cred->euid;
	bool here = net_eq(inst->net, who->net);

	if (!who->file)
		return false;
	if (who->cap_ns != ns) {
		who->cap_task = ns_capable_noaudit(ns, CAP_NET_ADMIN);
		who->cap_file = file_ns_capable(who->file, ns, CAP_NET_ADMIN);
		who->cap_ns = ns;
	}
	return ((here && uid_eq(owner, who->euid)) || who->cap_task) &&
	       ((here && uid_eq(owner, who->file->f_cred->euid)) ||
		who->cap_file);
}

/* The opener's pid in @ns while it lives there, else 0. */
static u32 cse_genl_pid(const struct cse_inst *inst, struct pid_namespace *ns)
{
	if (!pid_has_task(inst->owner, PIDTYPE_TGID))
		return 0;
	return pid_nr_ns(inst->owner, ns);
}

static u8 cse_genl_state(const struct cse_inst *inst)
{
	if (READ_ONCE(inst->dead))
		return CSE_INST_DEAD;
	if (READ_ONCE(inst->gone))
		return CSE_INST_DETACHED;
	/* Only the states matter here: no need to order later reads. */
	if (READ_ONCE(inst->poll_area))
		return CSE_INST_ATTACHED;
	if (READ_ONCE(inst->ready))
		return CSE_INST_HANDSHAKEN;
	return CSE_INST_OPEN;
}

/* Who the instance is: id, opener, namespace, as seen from @who. */
static int cse_genl_put_owner(struct sk_buff *skb, const struct cse_inst *inst,
			      struct pid_namespace *pidns,
			      struct user_namespace *userns)
{
	char comm[TASK_COMM_LEN];
	struct task_struct *task;

	task = get_pid_task(inst->owner, PIDTYPE_TGID);
	if (task) {
		get_task_comm(comm, task);
		put_task_struct(task);
	} else {
		strscpy(comm, inst->comm, sizeof(comm));
	}
	if (nla_put_u32(skb, CSE_A_INST_PID, cse_genl_pid(inst, pidns)) ||
	    nla_put_string(skb, CSE_A_INST_COMM, comm) ||
	    nla_put_u32(skb, CSE_A_INST_UID,
			from_kuid_munged(userns, inst->cred->euid)) ||
	    nla_put_u32(skb, CSE_A_INST_NETNS_INO, inst->net->ns.inum))
		return -EMSGSIZE;
	return 0;
}

/* The device, by index always, by name while it is attached. */
static int cse_genl_put_dev(struct sk_buff *skb, struct cse_inst *inst)
{
	int ifindex = READ_ONCE(inst->ifindex);
	char name[IFNAMSIZ] = "";
	struct net_device *dev;
	bool attached;

	if (!ifindex)
		return 0;
	rcu_read_lock();
	dev = rcu_dereference(inst->dev);
	attached = dev;
	if (attached)
		strscpy(name, dev->name, sizeof(name));
	rcu_read_unlock();
	if (nla_put_u32(skb, CSE_A_INST_IFINDEX, ifindex) ||
	    (attached && nla_put_string(skb, CSE_A_INST_IFNAME, name)))
		return -EMSGSIZE;
	return 0;
}

/* The shared area's geometry, once attached. */
static int cse_genl_put_area(struct sk_buff *skb, struct cse_inst *inst)
{
	/* Pairs with the release in cse_ioctl_attach(). */
	const struct cse_area *area = smp_load_acquire(&inst->poll_area);

	if (!area)
		return 0;
	if (nla_put_u32(skb, CSE_A_INST_RX_ENTRIES, area->rx.mask + 1) ||
	    nla_put_u32(skb, CSE_A_INST_TX_ENTRIES, area->tx.mask + 1) ||
	    nla_put_u32(skb, CSE_A_INST_EV_ENTRIES, area->ev.mask + 1) ||
	    nla_put_u32(skb, CSE_A_INST_FRAME_SIZE, area->frame_size) ||
	    nla_put_u64_64bit(skb, CSE_A_INST_MMAP_SIZE, area->size,
			      CSE_A_PAD) ||
	    nla_put_u32(skb, CSE_A_INST_SOCK_ENTRIES, area->sock_entries) ||
	    nla_put_u32(skb, CSE_A_INST_SOCKS_USED, READ_ONCE(inst->nr_socks)) ||
	    nla_put_u8(skb, CSE_A_INST_SOCK_TABLE, !!area->sock_info))
		return -EMSGSIZE;
	return 0;
}

/* The address the instance claimed, while it holds it. */
static int cse_genl_put_ident(struct sk_buff *skb, struct cse_inst *inst)
{
	u8 mac[ETH_ALEN], plen;
	bool claimed, has_mac;
	__be32 addr;

	rcu_read_lock();
	claimed = cse_ident_get(inst, &addr, &plen, mac, &has_mac);
	rcu_read_unlock();
	if (!claimed)
		return 0;
	if (nla_put_in_addr(skb, CSE_A_INST_ADDR, addr) ||
	    nla_put_u8(skb, CSE_A_INST_ADDR_PLEN, plen) ||
	    (has_mac && nla_put(skb, CSE_A_INST_ADDR_MAC, ETH_ALEN, mac)))
		return -EMSGSIZE;
	return 0;
}

/* CSE_CMD_GET_INSTANCE: everything about one instance. */
static int cse_genl_fill_inst(struct sk_buff *skb, struct cse_inst *inst,
			      const struct cse_genl_who *who)
{
	int nsid;

	if (cse_genl_put_owner(skb, inst, who->pidns, who->userns) ||
	    nla_put_u8(skb, CSE_A_INST_STATE, cse_genl_state(inst)) ||
	    nla_put_u32(skb, CSE_A_INST_FILTERS, READ_ONCE(inst->nr_filters)))
		return -EMSGSIZE;
	if (!net_eq(who->net, inst->net)) {
		nsid = peernet2id(who->net, inst->net);
		if (nsid >= 0 && nla_put_s32(skb, CSE_A_INST_NETNS_ID, nsid))
			return -EMSGSIZE;
	}
	/* Pairs with the release in cse_ioctl_hello(). */
	if (smp_load_acquire(&inst->ready) &&
	    (nla_put_u32(skb, CSE_A_INST_MINOR, inst->minor) ||
	     nla_put_u64_64bit(skb, CSE_A_INST_FEATURES, inst->features,
			       CSE_A_PAD)))
		return -EMSGSIZE;
	if (cse_genl_put_dev(skb, inst) || cse_genl_put_area(skb, inst) ||
	    cse_genl_put_ident(skb, inst))
		return -EMSGSIZE;
	return 0;
}

/* CSE_A_FILTER: one filter. */
static int cse_genl_put_filter(struct sk_buff *skb, const struct cse_filter *f)
{
	struct nlattr *nest;
	u32 flags = 0;

	if (f->raddr)
		flags |= CSE_PORT_CONNECTED;
	if (f->file)
		flags |= CSE_PORT_SOCKET;
	nest = nla_nest_start(skb, CSE_A_FILTER);
	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CSE_FILTER_A_ID, f->id) ||
	    nla_put_u8(skb, CSE_FILTER_A_PROTO, f->proto) ||
	    nla_put_u32(skb, CSE_FILTER_A_FLAGS, flags) ||
	    nla_put_in_addr(skb, CSE_FILTER_A_LOCAL_ADDR, f->laddr) ||
	    nla_put_be16(skb, CSE_FILTER_A_LOCAL_PORT, f->lport) ||
	    (f->raddr &&
	     (nla_put_in_addr(skb, CSE_FILTER_A_REMOTE_ADDR, f->raddr) ||
	      nla_put_be16(skb, CSE_FILTER_A_REMOTE_PORT, f->rport))) ||
	    nla_put_u8(skb, CSE_FILTER_A_ACTIVE, cse_filter_held(f))) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* Where each CSE_STATS_A_* counter is in struct cse_counters. */
#define CSE_COUNTER(f)	offsetof(struct cse_counters, f)
static const size_t cse_genl_counters[CSE_STATS_A_MAX + 1] = {
	[CSE_STATS_A_RX_FRAMES] = CSE_COUNTER(rx_frames),
	[CSE_STATS_A_RX_BYTES] = CSE_COUNTER(rx_bytes),
	[CSE_STATS_A_RX_DROPPED] = CSE_COUNTER(rx_dropped),
	[CSE_STATS_A_TX_FRAMES] = CSE_COUNTER(tx_frames),
	[CSE_STATS_A_TX_BYTES] = CSE_COUNTER(tx_bytes),
	[CSE_STATS_A_TX_REJECTED] = CSE_COUNTER(tx_rejected),
	[CSE_STATS_A_TX_ERRORS] = CSE_COUNTER(tx_errors),
	[CSE_STATS_A_EV_EVENTS] = CSE_COUNTER(ev_events),
	[CSE_STATS_A_EV_DROPPED] = CSE_COUNTER(ev_dropped),
	[CSE_STATS_A_RING_ERRORS] = CSE_COUNTER(ring_errors),
	[CSE_STATS_A_ADDR_BLOCKED] = CSE_COUNTER(addr_blocked),
	[CSE_STATS_A_HANDOVERS_OUT] = CSE_COUNTER(handovers_out),
	[CSE_STATS_A_HANDOVERS_IN] = CSE_COUNTER(handovers_in),
};

/* CSE_A_STATS: the counters, as CSE_IOC_GET_STATS reports them. */
static int cse_genl_fill_stats(struct sk_buff *skb, struct cse_inst *inst)
{
	const u8 *base = (const u8 *)&inst->stats;
	const atomic64_t *c;
	struct nlattr *nest;
	int attr;

	nest = nla_nest_start(skb, CSE_A_STATS);
	if (!nest)
		return -EMSGSIZE;
	for (attr = CSE_STATS_A_RX_FRAMES; attr <= CSE_STATS_A_MAX; attr++) {
		c = (const atomic64_t *)(base + cse_genl_counters[attr]);
		if (nla_put_u64_64bit(skb, attr, atomic64_read(c),
				      CSE_STATS_A_PAD)) {
			nla_nest_cancel(skb, nest);
			return -EMSGSIZE;
		}
	}
	nla_nest_end(skb, nest);
	return 0;
}

/*
 * One message about @inst: header, CSE_A_INST_ID and what @cmd
 * (CSE_CMD_GET_INSTANCE or CSE_CMD_GET_STATS) reports.
 */
static int cse_genl_msg(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd, struct cse_inst *inst,
			const struct cse_genl_who *who)
{
	void *hdr;
	int err;

	hdr = genlmsg_put(skb, portid, seq, &cse_genl_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	err = nla_put_u32(skb, CSE_A_INST_ID, inst->id);
	if (!err && cmd == CSE_CMD_GET_STATS)
		err = cse_genl_fill_stats(skb, inst);
	else if (!err)
		err = cse_genl_fill_inst(skb, inst, who);
	if (err) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The instance a request names (CSE_A_INST_ID), with a reference: ENOENT
 * when no live instance has that id, EPERM when the caller may not see it.
 */
static struct cse_inst *cse_genl_lookup(struct cse_genl_who *who, u32 id,
					struct netlink_ext_ack *extack)
{
	struct cse_inst *inst = cse_inst_find(id);

	if (!inst) {
		NL_SET_ERR_MSG(extack, "No instance has this id");
		return ERR_PTR(-ENOENT);
	}
	if (!cse_genl_visible(who, inst)) {
		cse_inst_put(inst);
		NL_SET_ERR_MSG(extack, "The instance is not the caller's to see");
		return ERR_PTR(-EPERM);
	}
	return inst;
}

/* CSE_CMD_GET_INSTANCE and CSE_CMD_GET_STATS without NLM_F_DUMP. */
static int cse_genl_get(struct sk_buff *skb, struct genl_info *info)
{
	struct cse_genl_who who;
	struct cse_inst *inst;
	struct sk_buff *msg;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, CSE_A_INST_ID))
		return -EINVAL;
	if (info->attrs[CSE_A_INST_PID]) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[CSE_A_INST_PID],
				    "A process id selects in dumps only");
		return -EINVAL;
	}
	cse_genl_who_init(&who, skb, genl_info_net(info));
	inst = cse_genl_lookup(&who, nla_get_u32(info->attrs[CSE_A_INST_ID]),
			       info->extack);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg) {
		cse_inst_put(inst);
		return -ENOMEM;
	}
	err = cse_genl_msg(msg, info->snd_portid, info->snd_seq, 0,
			   info->genlhdr->cmd, inst, &who);
	cse_inst_put(inst);
	if (err) {
		nlmsg_free(msg);
		return err;
	}
	return genlmsg_reply(msg, info);
}

/**
 * struct cse_genl_dump - a dump's cursor and selection, in cb->ctx
 * @next:   instances with a smaller id are done.
 * @sub:    of instance @next, the filters up to this id are done
 *          (CSE_CMD_GET_FILTERS), or the slots below this one
 *          (CSE_CMD_GET_SOCKETS).
 * @id:     only this instance, or 0.
 * @pid:    only the instances of this process (caller's pid namespace),
 *          or 0.
 */
struct cse_genl_dump {
	u32 next;
	u32 sub;
	u32 id;
	u32 pid;
};

static struct cse_genl_dump *cse_genl_dump_ctx(struct netlink_callback *cb)
{
	BUILD_BUG_ON(sizeof(struct cse_genl_dump) > sizeof(cb->ctx));
	return (struct cse_genl_dump *)cb->ctx;
}

static void cse_genl_dump_who(struct cse_genl_who *who,
			      struct netlink_callback *cb)
{
	cse_genl_who_init(who, cb->skb, sock_net(cb->skb->sk));
}

/* The selection; an instance asked for by id must exist and be visible. */
static int cse_genl_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = genl_dumpit_info(cb)->attrs;
	struct cse_genl_dump *d = cse_genl_dump_ctx(cb);
	struct cse_genl_who who;
	struct cse_inst *inst;

	memset(d, 0, sizeof(*d));
	d->next = 1;
	if (attrs[CSE_A_INST_PID])
		d->pid = nla_get_u32(attrs[CSE_A_INST_PID]);
	if (!attrs[CSE_A_INST_ID])
		return 0;
	d->id = nla_get_u32(attrs[CSE_A_INST_ID]);
	d->next = d->id;
	cse_genl_dump_who(&who, cb);
	inst = cse_genl_lookup(&who, d->id, cb->extack);
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	cse_inst_put(inst);
	return 0;
}

static bool cse_genl_dump_wants(const struct cse_genl_dump *d,
				struct cse_genl_who *who,
				const struct cse_inst *inst)
{
	if (d->pid && cse_genl_pid(inst, who->pidns) != d->pid)
		return false;
	return cse_genl_visible(who, inst);
}

/*
 * The next instance the dump shows, with a reference, its id in the cursor;
 * NULL at the end.
 */
static struct cse_inst *cse_genl_dump_next(struct cse_genl_dump *d,
					   struct cse_genl_who *who)
{
	struct cse_inst *inst;
	u32 id;

	for (;;) {
		if (!d->next || (d->id && d->next > d->id))
			return NULL;
		id = d->next;
		inst = cse_inst_find_next(&id);
		if (!inst || (d->id && id != d->id)) {
			if (inst)
				cse_inst_put(inst);
			d->next = 0;	/* done */
			return NULL;
		}
		if (id != d->next) {
			d->next = id;
			d->sub = 0;
		}
		if (cse_genl_dump_wants(d, who, inst))
			return inst;
		cse_inst_put(inst);
		d->next = id + 1;
		d->sub = 0;
	}
}

/* The instance at the cursor is done: on to the next id. */
static void cse_genl_dump_done(struct cse_genl_dump *d, struct cse_inst *inst)
{
	d->next = inst->id + 1;
	d->sub = 0;
	cse_inst_put(inst);
}

/* A part of a dump ends: how much it holds, or why not even one message. */
static int cse_genl_dump_end(struct sk_buff *skb, int err)
{
	if (err && !skb->len)
		return err;
	return skb->len;
}

/* One message per instance: CSE_CMD_GET_INSTANCE, CSE_CMD_GET_STATS. */
static int cse_genl_dump_each(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cse_genl_dump *d = cse_genl_dump_ctx(cb);
	u8 cmd = genl_dumpit_info(cb)->op.cmd;
	struct cse_genl_who who;
	struct cse_inst *inst;
	int err = 0;

	cse_genl_dump_who(&who, cb);
	while ((inst = cse_genl_dump_next(d, &who))) {
		err = cse_genl_msg(skb, NETLINK_CB(cb->skb).portid,
				   cb->nlh->nlmsg_seq, NLM_F_MULTI, cmd, inst,
				   &who);
		if (err) {
			cse_inst_put(inst);
			break;
		}
		cse_genl_dump_done(d, inst);
	}
	return cse_genl_dump_end(skb, err);
}

/* The filters of one instance after the cursor, one message each. */
static int cse_genl_dump_inst_filters(struct sk_buff *skb,
				      struct netlink_callback *cb,
				      struct cse_genl_dump *d,
				      struct cse_inst *inst)
{
	struct cse_filter *f;
	void *hdr;
	int err = 0;

	mutex_lock(&inst->lock);
	list_for_each_entry(f, &inst->filters, node) {
		/* Ids only grow, and filters are added at the tail. */
		if (f->id <= d->sub)
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &cse_genl_family,
				  NLM_F_MULTI, CSE_CMD_GET_FILTERS);
		if (!hdr) {
			err = -EMSGSIZE;
			break;
		}
		if (nla_put_u32(skb, CSE_A_INST_ID, inst->id) ||
		    cse_genl_put_filter(skb, f)) {
			genlmsg_cancel(skb, hdr);
			err = -EMSGSIZE;
			break;
		}
		genlmsg_end(skb, hdr);
		d->sub = f->id;
	}
	mutex_unlock(&inst->lock);
	return err;
}

/* The sockets of one instance's table from the cursor's slot on. */
static int cse_genl_dump_inst_socks(struct sk_buff *skb,
				    struct netlink_callback *cb,
				    struct cse_genl_dump *d,
				    struct cse_inst *inst)
{
	/* Pairs with the release in cse_ioctl_attach(). */
	const struct cse_area *area = smp_load_acquire(&inst->poll_area);
	struct cse_sock_info rec;
	void *hdr;

	for (; area && d->sub < area->sock_entries; d->sub++) {
		if (!cse_socktab_read(area, d->sub, &rec))
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &cse_genl_family,
				  NLM_F_MULTI, CSE_CMD_GET_SOCKETS);
		if (!hdr)
			return -EMSGSIZE;
		if (nla_put_u32(skb, CSE_A_INST_ID, inst->id) ||
		    cse_socktab_put(skb, d->sub, &rec)) {
			genlmsg_cancel(skb, hdr);
			return -EMSGSIZE;
		}
		genlmsg_end(skb, hdr);
	}
	return 0;
}

/*
 * One instance's part of a per-instance dump (filters, sockets); on
 * EMSGSIZE the cursor stays for the next part.
 */
typedef int (*cse_genl_inst_part)(struct sk_buff *skb,
				  struct netlink_callback *cb,
				  struct cse_genl_dump *d,
				  struct cse_inst *inst);

static int cse_genl_dump_parts(struct sk_buff *skb,
			       struct netlink_callback *cb,
			       cse_genl_inst_part part)
{
	struct cse_genl_dump *d = cse_genl_dump_ctx(cb);
	struct cse_genl_who who;
	struct cse_inst *inst;
	int err = 0;

	cse_genl_dump_who(&who, cb);
	while ((inst = cse_genl_dump_next(d, &who))) {
		err = part(skb, cb, d, inst);
		if (err) {
			cse_inst_put(inst);
			break;
		}
		cse_genl_dump_done(d, inst);
	}
	return cse_genl_dump_end(skb, err);
}

static int cse_genl_dump_filters(struct sk_buff *skb,
				 struct netlink_callback *cb)
{
	return cse_genl_dump_parts(skb, cb, cse_genl_dump_inst_filters);
}

static int cse_genl_dump_socks(struct sk_buff *skb,
			       struct netlink_callback *cb)
{
	return cse_genl_dump_parts(skb, cb, cse_genl_dump_inst_socks);
}

static const struct genl_ops cse_genl_ops[] = {
	{
		.cmd = CSE_CMD_GET_INSTANCE,
		.doit = cse_genl_get,
		.start = cse_genl_dump_start,
		.dumpit = cse_genl_dump_each,
		.policy = cse_genl_policy,
		.maxattr = ARRAY_SIZE(cse_genl_policy) - 1,
	},
	{
		.cmd = CSE_CMD_GET_FILTERS,
		.start = cse_genl_dump_start,
		.dumpit = cse_genl_dump_filters,
		.policy = cse_genl_policy,
		.maxattr = ARRAY_SIZE(cse_genl_policy) - 1,
	},
	{
		.cmd = CSE_CMD_GET_STATS,
		.doit = cse_genl_get,
		.start = cse_genl_dump_start,
		.dumpit = cse_genl_dump_each,
		.policy = cse_genl_policy,
		.maxattr = ARRAY_SIZE(cse_genl_policy) - 1,
	},
	{
		.cmd = CSE_CMD_GET_SOCKETS,
		.start = cse_genl_dump_start,
		.dumpit = cse_genl_dump_socks,
		.policy = cse_genl_policy,
		.maxattr = ARRAY_SIZE(cse_genl_policy) - 1,
	},
};

/*
 * resv_start_op 0: every command validates strictly, reserved header
 * fields included. Operations run in parallel (they lock what they walk).
 */
static struct genl_family cse_genl_family __ro_after_init = {
	.name = CSE_GENL_NAME,
	.version = CSE_GENL_VERSION,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = cse_genl_ops,
	.n_ops = ARRAY_SIZE(cse_genl_ops),
	.mcgrps = cse_genl_mcgrps,
	.n_mcgrps = CSE_GENL_N_MCGRPS,
};

/*
 * Notifications. Each is built only when someone listens in the instance's
 * namespace, in process context (the device's notifiers run under RTNL,
 * the rest in ioctls and file releases), and sent to that namespace.
 */
static struct sk_buff *cse_genl_notify_start(struct cse_inst *inst, u8 cmd,
					     void **hdr)
{
	struct sk_buff *skb;

	if (!CSE_GENL_N_MCGRPS ||
	    !genl_has_listeners(&cse_genl_family, inst->net, CSE_MCGRP_EVENTS))
		return NULL;
	skb = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!skb)
		return NULL;
	*hdr = genlmsg_put(skb, 0, 0, &cse_genl_family, 0, cmd);
	if (!*hdr || nla_put_u32(skb, CSE_A_INST_ID, inst->id)) {
		nlmsg_free(skb);
		return NULL;
	}
	return skb;
}

/* Send what cse_genl_notify_start() began, unless filling it failed. */
static void cse_genl_notify(struct cse_inst *inst, struct sk_buff *skb,
			    void *hdr, int err)
{
	if (err) {
		nlmsg_free(skb);
		return;
	}
	genlmsg_end(skb, hdr);
	genlmsg_multicast_netns(&cse_genl_family, inst->net, skb, 0,
				CSE_MCGRP_EVENTS, GFP_KERNEL);
}

/* Created, in the opener's context: pid and uid as the opener sees them. */
void cse_genl_inst_new(struct cse_inst *inst)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, CSE_CMD_INST_NEW, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr,
				cse_genl_put_owner(skb, inst,
						   ns_of_pid(inst->owner),
						   inst->cred->user_ns));
}

void cse_genl_inst_del(struct cse_inst *inst)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, CSE_CMD_INST_DEL, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr, 0);
}

/* Under RTNL: the device's name is stable. */
void cse_genl_attach(struct cse_inst *inst, struct net_device *dev)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, CSE_CMD_INST_ATTACH, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr,
				nla_put_u32(skb, CSE_A_INST_IFINDEX,
					    dev->ifindex) ||
				nla_put_string(skb, CSE_A_INST_IFNAME,
					       dev->name));
}

void cse_genl_detach(struct cse_inst *inst, int ifindex)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, CSE_CMD_INST_DETACH, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr,
				nla_put_u32(skb, CSE_A_INST_IFINDEX, ifindex));
}

void cse_genl_filter(struct cse_inst *inst, const struct cse_filter *f,
		     bool added)
{
	u8 cmd = added ? CSE_CMD_FILTER_NEW : CSE_CMD_FILTER_DEL;
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, cmd, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr, cse_genl_put_filter(skb, f));
}

static int cse_genl_put_event(struct sk_buff *skb, u32 type, u32 ifindex,
			      u32 value, u32 value2)
{
	struct nlattr *nest = nla_nest_start(skb, CSE_A_EVENT);

	if (!nest)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CSE_EVENT_A_TYPE, type) ||
	    nla_put_u32(skb, CSE_EVENT_A_IFINDEX, ifindex) ||
	    nla_put_u32(skb, CSE_EVENT_A_VALUE, value) ||
	    nla_put_u32(skb, CSE_EVENT_A_VALUE2, value2)) {
		nla_nest_cancel(skb, nest);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	return 0;
}

void cse_genl_dev_event(struct cse_inst *inst, u32 type, u32 ifindex,
			u32 value, u32 value2)
{
	struct sk_buff *skb;
	void *hdr;

	skb = cse_genl_notify_start(inst, CSE_CMD_DEV_EVENT, &hdr);
	if (skb)
		cse_genl_notify(inst, skb, hdr,
				cse_genl_put_event(skb, type, ifindex, value,
						   value2));
}

int cse_genl_init(void)
{
	return genl_register_family(&cse_genl_family);
}

void cse_genl_uninit(void)
{
	genl_unregister_family(&cse_genl_family);
}
