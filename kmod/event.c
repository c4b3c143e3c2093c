// SPDX-License-Identifier: GPL-2.0
/*
 * The EV ring: the module tells an instance about what happened outside its
 * application. The last free entry is kept for a CSE_EV_OVERFLOW record, so
 * a full ring is always visible to user space, and what could not be written
 * is counted: no event is lost silently.
 */
#include <linux/eventfd.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

static void cse_event_write(struct cse_ring *ring, u32 type, u32 ifindex,
			    u32 value, u32 value2, u64 seq)
{
	struct cse_event *ev = cse_ring_prod_entry(ring);

	WRITE_ONCE(ev->type, type);
	WRITE_ONCE(ev->ifindex, ifindex);
	WRITE_ONCE(ev->value, value);
	WRITE_ONCE(ev->value2, value2);
	WRITE_ONCE(ev->seq, seq);
	WRITE_ONCE(ev->reserved, 0);
	cse_ring_prod_submit(ring);
}

/* Post an event to an attached instance; any context but hard irq. */
void cse_event_post(struct cse_inst *inst, u32 type, u32 ifindex,
		    u32 value, u32 value2)
{
	struct cse_ring *ring = &inst->area->ev;
	u32 free;

	spin_lock_bh(&inst->ev_lock);
	inst->ev_seq++;
	free = cse_ring_prod_free(ring, inst);
	if (free >= 2) {
		cse_event_write(ring, type, ifindex, value, value2,
				inst->ev_seq);
		atomic64_inc(&inst->stats.ev_events);
	} else {
		if (free == 1)
			cse_event_write(ring, CSE_EV_OVERFLOW, ifindex, 0, 0,
					inst->ev_seq);
		atomic64_inc(&inst->stats.ev_dropped);
	}
	spin_unlock_bh(&inst->ev_lock);
	cse_inst_wake(inst);
}

/*
 * CSE_IOC_SET_EVENTFD. The old context is put only after a grace period:
 * cse_inst_wake() may be signalling it from the RX softirq.
 */
long cse_ioctl_set_eventfd(struct cse_inst *inst, void __user *uarg)
{
	struct eventfd_ctx *ctx = NULL, *old;
	struct cse_eventfd e;

	if (copy_from_user(&e, uarg, sizeof(e)))
		return -EFAULT;
	if ((e.flags & ~CSE_EVENTFD_RINGS) || e.reserved[0] || e.reserved[1] ||
	    e.fd < -1)
		return -EINVAL;
	if ((e.flags & CSE_EVENTFD_RINGS) &&
	    !(inst->features & CSE_FEAT_WAIT_RINGS))
		return -EINVAL;
	if (e.fd >= 0) {
		ctx = eventfd_ctx_fdget(e.fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	}
	mutex_lock(&inst->lock);
	if (e.flags & CSE_EVENTFD_RINGS)
		old = rcu_replace_pointer(inst->ring_evfd, ctx,
					  lockdep_is_held(&inst->lock));
	else
		old = rcu_replace_pointer(inst->evfd, ctx,
					  lockdep_is_held(&inst->lock));
	mutex_unlock(&inst->lock);
	if (old) {
		synchronize_rcu();
		eventfd_ctx_put(old);
	}
	return 0;
}

/* At release, once no RX hook or notifier can reach the instance. */
void cse_event_release(struct cse_inst *inst)
{
	struct eventfd_ctx *ctx = rcu_dereference_protected(inst->evfd, true);

	if (ctx)
		eventfd_ctx_put(ctx);
	ctx = rcu_dereference_protected(inst->ring_evfd, true);
	if (ctx)
		eventfd_ctx_put(ctx);
}
