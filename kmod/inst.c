// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: one per open file of /dev/cse. An instance pins the network
 * namespace, credentials and thread group of the process that opened it, so
 * everything it does later is judged against its opener, not against whoever
 * happens to hold the descriptor.
 */
#include <linux/cred.h>
#include <linux/eventfd.h>
#include <linux/xarray.h>
#include <linux/netdevice.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "cse.h"

/*
 * Every instance by id, from its creation to its last reference: what the
 * generic netlink family (genl.c) lists. Ids start at 1 so that 0 can mean
 * "no instance", and are handed out cyclically, so that a tool that names
 * an instance by id does not soon find another one under it.
 */
static DEFINE_XARRAY_ALLOC1(cse_insts);
static u32 cse_inst_next_id;

/* Reserve an id for @inst; it becomes visible with cse_inst_publish(). */
static int cse_inst_alloc_id(struct cse_inst *inst)
{
	int err;

	err = xa_alloc_cyclic(&cse_insts, &inst->id, NULL, XA_LIMIT(1, INT_MAX),
			      &cse_inst_next_id, GFP_KERNEL);
	return err < 0 ? err : 0;
}

struct cse_inst *cse_inst_create(void)
{
	struct cse_inst *inst;
	int err;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return ERR_PTR(-ENOMEM);

	err = cse_flows_init(inst);
	if (err)
		goto err_flows;
	err = cse_inst_alloc_id(inst);
	if (err)
		goto err_flows;

	refcount_set(&inst->refs, 1);
	mutex_init(&inst->lock);
	mutex_init(&inst->tx_lock);
	mutex_init(&inst->socks_lock);
	spin_lock_init(&inst->ev_lock);
	spin_lock_init(&inst->rx_lock);
	init_waitqueue_head(&inst->wq);
	init_waitqueue_head(&inst->ring_wq);
	atomic_set(&inst->ring_waiters, 0);
	INIT_LIST_HEAD(&inst->node);
	INIT_LIST_HEAD(&inst->filters);
	INIT_LIST_HEAD(&inst->handovers);
	inst->net = get_net(current->nsproxy->net_ns);
	inst->cred = get_current_cred();
	inst->owner = get_pid(task_tgid(current));
	get_task_comm(inst->comm, current);
	/* Fully made: lookups may find it from now on. */
	xa_store(&cse_insts, inst->id, inst, GFP_KERNEL);
	cse_genl_inst_new(inst);
	return inst;

err_flows:
	cse_flows_destroy(inst);
	kfree(inst);
	return ERR_PTR(err);
}

/*
 * A reference on the live instance with id @id, or NULL. The xarray's lock
 * keeps a found instance from being freed until its reference is taken; an
 * instance whose last reference went is not taken any more.
 */
struct cse_inst *cse_inst_find(u32 id)
{
	struct cse_inst *inst;

	xa_lock(&cse_insts);
	inst = xa_load(&cse_insts, id);
	if (inst && !refcount_inc_not_zero(&inst->refs))
		inst = NULL;
	xa_unlock(&cse_insts);
	return inst;
}

/*
 * A reference on the live instance with the smallest id at or above *@id,
 * and that id in *@id; NULL when there is none. Dumps walk the instances
 * with it, the id as their cursor.
 */
struct cse_inst *cse_inst_find_next(u32 *id)
{
	unsigned long index = *id;
	struct cse_inst *inst;

	xa_lock(&cse_insts);
	xa_for_each_start(&cse_insts, index, inst, *id) {
		if (refcount_inc_not_zero(&inst->refs)) {
			*id = index;
			break;
		}
	}
	xa_unlock(&cse_insts);
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
	xa_erase(&cse_insts, inst->id);
	cse_genl_inst_del(inst);
	cse_area_destroy(inst->area);
	cse_flows_destroy(inst);
	put_pid(inst->owner);
	put_cred(inst->cred);
	put_net(inst->net);
	mutex_destroy(&inst->socks_lock);
	mutex_destroy(&inst->tx_lock);
	mutex_destroy(&inst->lock);
	kfree(inst);
}

/*
 * The instance's own file was released: its last descriptor was closed and
 * its last mapping unmapped. Everything that acts on the network goes now,
 * as if no socket file existed: its handover requests end (handover.c),
 * its TCP flows are reset while it still owns
 * their ports (reset.c), then ports, filters, the RX hook, the device go.
 * Socket files that outlive it keep only the area alive (their slots live
 * there) and poll as hung up; the last of them frees the instance.
 */
void cse_inst_close(struct cse_inst *inst)
{
	cse_socks_kill(inst);
	cse_handover_release(inst);
	cse_reset_flows(inst);
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

/* Signal an eventfd of the instance; false when none is set. */
static bool cse_inst_signal(struct eventfd_ctx __rcu **slot)
{
	struct eventfd_ctx *ctx;

	rcu_read_lock();
	ctx = rcu_dereference(*slot);
	if (ctx)
		eventfd_signal(ctx, 1);
	rcu_read_unlock();
	return ctx;
}

/*
 * Threads asleep in a poll that the rings eventfd wakes, as user space
 * counts them in the area: signal it, and nobody else needs waking.
 */
static bool cse_inst_wake_sleeper(struct cse_inst *inst)
{
	/* Pairs with the release in cse_ioctl_attach(). */
	struct cse_area *area = smp_load_acquire(&inst->poll_area);

	if (!area || !area->ring_sleepers || !READ_ONCE(*area->ring_sleepers))
		return false;
	return cse_inst_signal(&inst->ring_evfd);
}

/* The device's pollers and the eventfd. */
static void cse_inst_wake_pollers(struct cse_inst *inst)
{
	if (wq_has_sleeper(&inst->wq))
		wake_up_interruptible_poll(&inst->wq, EPOLLIN | EPOLLRDNORM);
	cse_inst_signal(&inst->evfd);
}

/*
 * Something for poll() happened: frames or events arrived. A thread that
 * waits with CSE_SOCK_WAIT_RINGS consumes the rings when it returns, so
 * while there is one, one of them is woken and nobody else: the thread
 * that waits for the data runs the stack itself, one wake-up instead of
 * the device's poller's followed by its CSE_IOC_SOCK_WAKE (uapi/linux/cse.h,
 * "Waiting threads that run the rings"). The caller wrote the rings before.
 */
void cse_inst_wake(struct cse_inst *inst)
{
	/* W: ring entries before the count; pairs with cse_sock_wait(). */
	smp_mb();
	if (atomic_read(&inst->ring_waiters)) {
		wake_up_interruptible(&inst->ring_wq);
		return;
	}
	if (cse_inst_wake_sleeper(inst))
		return;
	cse_inst_wake_pollers(inst);
}

/* The device went: whoever waits for the instance must look at it. */
void cse_inst_wake_all(struct cse_inst *inst)
{
	wake_up_interruptible_all(&inst->ring_wq);
	cse_inst_signal(&inst->ring_evfd);
	cse_inst_wake_pollers(inst);
}

/* Entries in the RX or EV ring that user space has not consumed yet. */
static bool cse_area_rings_pending(const struct cse_area *area)
{
	return READ_ONCE(area->rx.prod) != READ_ONCE(*area->rx.consumer) ||
	       READ_ONCE(area->ev.prod) != READ_ONCE(*area->ev.consumer);
}

bool cse_inst_rings_pending(struct cse_inst *inst)
{
	/* Pairs with the release in cse_ioctl_attach(). */
	struct cse_area *area = smp_load_acquire(&inst->poll_area);

	return area && cse_area_rings_pending(area);
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
	if (cse_area_rings_pending(area))
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
	WARN_ON(!xa_empty(&cse_insts));
	xa_destroy(&cse_insts);
}
