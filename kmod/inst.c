// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: one per open file of /dev/cse. An instance pins the network
 * namespace, credentials and thread group of the process that opened it, so
 * everything it does later is judged against its opener, not against whoever
 * happens to hold the descriptor.
 */
#include <linux/cred.h>
#include <linux/eventfd.h>
#include <linux/idr.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "cse.h"

/* Ids start at 1 so that 0 can mean "no instance" in future structs. */
static DEFINE_IDA(cse_inst_ida);

struct cse_inst *cse_inst_create(void)
{
	struct cse_inst *inst;
	int id;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return ERR_PTR(-ENOMEM);

	id = ida_alloc_min(&cse_inst_ida, 1, GFP_KERNEL);
	if (id < 0) {
		kfree(inst);
		return ERR_PTR(id);
	}

	refcount_set(&inst->refs, 1);
	inst->id = id;
	mutex_init(&inst->lock);
	mutex_init(&inst->tx_lock);
	mutex_init(&inst->socks_lock);
	spin_lock_init(&inst->ev_lock);
	spin_lock_init(&inst->rx_lock);
	init_waitqueue_head(&inst->wq);
	INIT_LIST_HEAD(&inst->node);
	INIT_LIST_HEAD(&inst->filters);
	inst->net = get_net(current->nsproxy->net_ns);
	inst->cred = get_current_cred();
	inst->owner = get_pid(task_tgid(current));
	return inst;
}

/* A socket file takes a reference for as long as it exists. */
void cse_inst_get(struct cse_inst *inst)
{
	refcount_inc(&inst->refs);
}

/*
 * The last reference: nothing can reach the instance any more (its own
 * file and every socket file are gone, with their pollers), so its area
 * and what the opener pinned go now.
 */
void cse_inst_put(struct cse_inst *inst)
{
	if (!refcount_dec_and_test(&inst->refs))
		return;
	cse_area_destroy(inst->area);
	put_pid(inst->owner);
	put_cred(inst->cred);
	put_net(inst->net);
	mutex_destroy(&inst->socks_lock);
	mutex_destroy(&inst->tx_lock);
	mutex_destroy(&inst->lock);
	ida_free(&cse_inst_ida, inst->id);
	kfree(inst);
}

/*
 * The instance's own file was released: its last descriptor was closed and
 * its last mapping unmapped. Everything that acts on the network goes now,
 * as if no socket file existed: ports, filters, the RX hook, the device.
 * Socket files that outlive it keep only the area alive (their slots live
 * there) and poll as hung up; the last of them frees the instance.
 */
void cse_inst_close(struct cse_inst *inst)
{
	cse_socks_kill(inst);
	cse_port_release_all(inst);
	cse_netdev_release(inst);
	/*
	 * The RX hook, steering and wake-up readers are done with us after a
	 * grace period; an instance that never attached never had any. No
	 * socket file posts events any more (cse_socks_kill()), so the
	 * eventfd can go after it too.
	 */
	if (inst->area)
		synchronize_net();
	cse_event_release(inst);
	cse_inst_put(inst);
}

/* Something for poll() happened: frames or events arrived. */
void cse_inst_wake(struct cse_inst *inst)
{
	struct eventfd_ctx *ctx;

	if (wq_has_sleeper(&inst->wq))
		wake_up_interruptible_poll(&inst->wq, EPOLLIN | EPOLLRDNORM);
	rcu_read_lock();
	ctx = rcu_dereference(inst->evfd);
	if (ctx)
		eventfd_signal(ctx, 1);
	rcu_read_unlock();
}

/*
 * Readable when the RX or EV ring holds entries, writable when the TX ring
 * has room. The indices user space wrote are only compared here, never used:
 * a corrupt one can only make its own poll() wrong.
 */
__poll_t cse_inst_poll(struct cse_inst *inst)
{
	/* Pairs with the release in cse_ioctl_attach(). */
	struct cse_area *area = smp_load_acquire(&inst->poll_area);
	__poll_t mask = 0;

	if (!area)
		return 0;
	if (READ_ONCE(area->rx.prod) != READ_ONCE(*area->rx.consumer) ||
	    READ_ONCE(area->ev.prod) != READ_ONCE(*area->ev.consumer))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(*area->tx.producer) - READ_ONCE(area->tx.cons) <=
	    area->tx.mask)
		mask |= EPOLLOUT | EPOLLWRNORM;
	if (READ_ONCE(inst->gone))
		mask |= EPOLLHUP;
	return mask;
}

/* Called at module unload, when no instance can exist any more. */
void cse_inst_uninit(void)
{
	WARN_ON(!ida_is_empty(&cse_inst_ida));
	ida_destroy(&cse_inst_ida);
}
