// SPDX-License-Identifier: GPL-2.0
/*
 * Sleeping on socket files and waking them: the need-wakeup protocol of the
 * socket slots (uapi/linux/cse.h, "Socket files"; the barrier pairing is in
 * Documentation/userspace-api/rings.rst).
 *
 * User space publishes a socket's readiness in its slot's mask and asks for
 * a wake-up (CSE_IOC_SOCK_WAKE) only when the module has set
 * CSE_SLOT_SLEEPING in the slot's kflags, so that a readiness change nobody
 * waits for costs no system call. Who sets and clears the flag:
 *
 *  - a poller (poll, select, epoll, CSE_SOCK_IOC_WAIT) first adds itself to
 *    the slot's wait queue (under its lock), then sets the flag, issues a
 *    full barrier and only then reads the mask (pair S);
 *  - user space stores the mask, issues a full barrier and then reads the
 *    flag (pair S, its side); if set, it calls CSE_IOC_SOCK_WAKE;
 *  - CSE_IOC_SOCK_WAKE, under the queue's lock, wakes the queue and clears
 *    the flag if the queue is then empty.
 *
 * Why no wake-up is lost: the barriers make it a store-buffer pattern, so
 * either the poller reads the new mask (and does not sleep), or user space
 * reads the flag as set by this poller or by a later store. In the second
 * case the wake's locked section comes after the poller's: the poller set
 * the flag after it left its own locked section, and user space read it
 * before it asked for the wake. So the wake finds the poller in the queue.
 * The only later store that clears the flag is such a wake, made under
 * the lock when the queue was empty: after the poller had left it, i.e.
 * after it was woken or gave up. Nor can a clear undo the set of a poller
 * that waits: that poller sets the flag while it is queued, and the clear
 * happens only when nobody is. (A poller that only looks, poll() with a
 * zero timeout, sets the flag without being queued: at worst that costs
 * user space one needless CSE_IOC_SOCK_WAKE, which clears it.)
 *
 * Every other module write of kflags (CSE_IOC_SOCKET clears it, the release
 * sets CSE_SLOT_RELEASED) happens under the queue's lock too, and no poller
 * can exist then (the file is not yet, or no longer, reachable), so no
 * update of the shared word is lost. User space may write anything into it;
 * the module never acts on what it reads there.
 */
#include <linux/hrtimer.h>
#include <linux/ktime.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* The readiness bits a slot's mask may carry (struct cse_sock_slot). */
#define CSE_SLOT_EPOLL	(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | \
			 EPOLLHUP | EPOLLRDNORM | EPOLLRDBAND | \
			 EPOLLWRNORM | EPOLLWRBAND | EPOLLRDHUP)

/* Copied to the stack; longer wake lists are allocated. */
#define CSE_WAKE_ONSTACK	16

static __poll_t cse_slot_mask(const struct cse_sock *s)
{
	return (__force __poll_t)READ_ONCE(s->slot->mask) & CSE_SLOT_EPOLL;
}

/*
 * The readiness of a socket file for its poll method, once the caller has
 * queued itself on the slot's wait queue: the mask user space published,
 * or EPOLLERR | EPOLLHUP once the instance is dead.
 */
__poll_t cse_sock_readiness(struct cse_sock *s)
{
	u32 *kflags = &s->slot->kflags;

	WRITE_ONCE(*kflags, READ_ONCE(*kflags) | CSE_SLOT_SLEEPING);
	/* S: flag before mask; pairs with user space's mask-then-flag. */
	smp_mb();
	/* Written before the death's wake-up took the queue's lock. */
	if (READ_ONCE(s->inst->dead))
		return EPOLLERR | EPOLLHUP;
	return cse_slot_mask(s);
}

/* Under the slot's wait queue lock: see the head of this file. */
void cse_slot_kflags_locked(struct cse_sock *s, u32 set, u32 clear)
{
	u32 *kflags = &s->slot->kflags;

	lockdep_assert_held(&s->wq.lock);
	WRITE_ONCE(*kflags, (READ_ONCE(*kflags) & ~clear) | set);
}

/* The mask of one slot changed: wake its sleepers, drop the flag if none. */
static void cse_sock_wake_one(struct cse_sock *s)
{
	unsigned long flags;
	__poll_t mask;

	/* A hint: a slot released meanwhile only gets a wake-up for nobody. */
	if (!READ_ONCE(s->file))
		return;
	mask = cse_slot_mask(s);
	spin_lock_irqsave(&s->wq.lock, flags);
	wake_up_locked_poll(&s->wq, mask);
	/*
	 * Pollers' entries stay queued until they stop polling (epoll's for
	 * as long as the file is in the set): the flag stays with them.
	 */
	if (list_empty(&s->wq.head))
		cse_slot_kflags_locked(s, 0, CSE_SLOT_SLEEPING);
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

/* The instance died: whoever sleeps on a socket file must see it hung up. */
void cse_sock_wake_dead(struct cse_sock *s)
{
	wake_up_interruptible_poll(&s->wq, EPOLLERR | EPOLLHUP);
}

static int cse_sock_wake_check(const struct cse_sock_wake *w)
{
	if (w->flags || w->reserved[0] || w->reserved[1])
		return -EINVAL;
	if (!w->count || w->count > CSE_MAX_SOCK_WAKE)
		return -EINVAL;
	return 0;
}

/*
 * CSE_IOC_SOCK_WAKE. Every index is checked before any slot is woken, so
 * a bad list changes nothing.
 */
long cse_ioctl_sock_wake(struct cse_inst *inst, void __user *uarg)
{
	u32 onstack[CSE_WAKE_ONSTACK], *idx = onstack;
	struct cse_sock_wake w;
	struct cse_area *area;
	void __user *uslots;
	long ret;
	u32 i;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	ret = cse_sock_wake_check(&w);
	if (ret)
		return ret;
	/* Pairs with the release in cse_ioctl_attach(). */
	area = smp_load_acquire(&inst->poll_area);
	if (!area || !area->sock_entries)
		return -EBADFD;

	uslots = u64_to_user_ptr(w.slots);
	if (w.count > CSE_WAKE_ONSTACK) {
		idx = memdup_user(uslots, w.count * sizeof(*idx));
		if (IS_ERR(idx))
			return PTR_ERR(idx);
	} else if (copy_from_user(idx, uslots, w.count * sizeof(*idx))) {
		return -EFAULT;
	}
	ret = -EINVAL;
	for (i = 0; i < w.count; i++) {
		if (idx[i] >= area->sock_entries)
			goto out;
	}
	for (i = 0; i < w.count; i++) {
		u32 n = array_index_nospec(idx[i], area->sock_entries);

		cse_sock_wake_one(&area->socks[n]);
	}
	ret = 0;
out:
	if (idx != onstack)
		kfree(idx);
	return ret;
}

/*
 * Sleep until a queue the poll table is on was woken, or @expires (none:
 * NULL) passes. poll_schedule_timeout() of fs/select.c, which is not
 * exported: 0 when the time is up, else -EINTR.
 */
static int cse_sock_sleep(struct poll_wqueues *pwq, ktime_t *expires)
{
	int rc = -EINTR;

	set_current_state(TASK_INTERRUPTIBLE);
	if (!pwq->triggered)
		rc = schedule_hrtimeout_range(expires, current->timer_slack_ns,
					      HRTIMER_MODE_ABS);
	__set_current_state(TASK_RUNNING);
	/*
	 * Pairs with the write barrier of the wake-up function (pollwake()),
	 * and keeps the next readiness check after the reset.
	 */
	smp_store_mb(pwq->triggered, 0);
	return rc;
}

static int cse_sock_wait_check(const struct cse_sock *s,
			       const struct cse_sock_wait *w)
{
	if (w->flags & ~CSE_SOCK_WAIT_FLAGS_ALL)
		return -EINVAL;
	if (w->revents || w->woke || w->reserved)
		return -EINVAL;
	if (w->timeout_ns < -1)
		return -EINVAL;
	if (w->flags & CSE_SOCK_WAIT_RINGS) {
		if (!(s->inst->features & CSE_FEAT_WAIT_RINGS))
			return -EINVAL;
		/* The promise to consume the rings is the opener's to give. */
		if (task_tgid(current) != s->inst->owner)
			return -EPERM;
	}
	return 0;
}

/*
 * A CSE_SOCK_WAIT_RINGS waiter on the instance's ring_wq: woken like a
 * poll table entry (fs/select.c pollwake()), but exclusively, so that one
 * frame wakes one waiter.
 */
struct cse_ring_waiter {
	wait_queue_entry_t entry;
	struct cse_inst *inst;
};

static int cse_ring_waiter_wake(wait_queue_entry_t *wait, unsigned int mode,
				int sync, void *key)
{
	struct poll_wqueues *pwq = wait->private;
	DECLARE_WAITQUEUE(task, pwq->polling_task);

	/* Pairs with smp_store_mb() in cse_sock_sleep(), as pollwake(). */
	smp_wmb();
	pwq->triggered = 1;
	return default_wake_function(&task, mode, sync, key);
}

static void cse_ring_waiter_add(struct cse_ring_waiter *rw,
				struct cse_inst *inst, struct poll_wqueues *pwq)
{
	rw->inst = inst;
	init_waitqueue_func_entry(&rw->entry, cse_ring_waiter_wake);
	rw->entry.private = pwq;
	add_wait_queue_exclusive(&inst->ring_wq, &rw->entry);
	atomic_inc(&inst->ring_waiters);
	/* W: counted before the rings are read; pairs with cse_inst_wake(). */
	smp_mb__after_atomic();
}

/*
 * Uncounted before the ioctl returns, behind a full barrier: user space
 * reads the rings after it, so a frame whose wake-up still came to us
 * is seen there (uapi/linux/cse.h, "Waiting threads that run the rings").
 */
static void cse_ring_waiter_del(struct cse_ring_waiter *rw)
{
	remove_wait_queue(&rw->inst->ring_wq, &rw->entry);
	atomic_dec(&rw->inst->ring_waiters);
	/* W: uncounted before user space reads the rings. */
	smp_mb__after_atomic();
}

/*
 * Wait as poll() waits on this one file, with the kernel's own poll table
 * (poll_initwait()): it queues on the slot's wait queue and, with
 * CSE_SOCKET_POLL_BACKING, on the backing socket's, and any wake-up on
 * either makes the readiness be looked at again. With CSE_SOCK_WAIT_RINGS
 * it also waits for the instance's rings. Returns the readiness found
 * (0: the time passed, or the rings came first: @w->woke) or an error.
 */
static long cse_sock_wait(struct file *file, struct cse_sock_wait *w,
			  __poll_t want, __poll_t *found)
{
	struct cse_sock *s = file->private_data;
	bool rings = w->flags & CSE_SOCK_WAIT_RINGS;
	s64 timeout_ns = w->timeout_ns;
	struct cse_ring_waiter rw;
	struct poll_wqueues table;
	ktime_t expires, *to = NULL;
	bool timed_out = false;
	__poll_t mask;
	long ret = 0;

	if (timeout_ns > 0) {
		expires = ktime_add_safe(ktime_get(), ns_to_ktime(timeout_ns));
		to = &expires;
	}
	poll_initwait(&table);
	if (!timeout_ns)
		table.pt._qproc = NULL;	/* a look, not a wait */
	if (rings)
		cse_ring_waiter_add(&rw, s->inst, &table);
	for (;;) {
		mask = vfs_poll(file, &table.pt) & want;
		/* Queued once: later rounds only look. */
		table.pt._qproc = NULL;
		if (rings && cse_inst_rings_pending(s->inst))
			w->woke = CSE_SOCK_WOKE_RINGS;
		if (mask || w->woke || !timeout_ns || timed_out)
			break;
		if (table.error) {
			ret = table.error;
			break;
		}
		if (signal_pending(current)) {
			/* As the kernel's own sockets: restart only untimed. */
			ret = timeout_ns < 0 ? -ERESTARTSYS : -EINTR;
			break;
		}
		/* At the deadline look once more, as poll() does. */
		if (!cse_sock_sleep(&table, to))
			timed_out = true;
	}
	if (rings)
		cse_ring_waiter_del(&rw);
	poll_freewait(&table);
	*found = mask;
	return ret;
}

/* CSE_SOCK_IOC_WAIT, on a socket file. */
long cse_sock_ioctl_wait(struct file *file, void __user *uarg)
{
	struct cse_sock_wait w;
	__poll_t want, found;
	long ret;

	if (copy_from_user(&w, uarg, sizeof(w)))
		return -EFAULT;
	ret = cse_sock_wait_check(file->private_data, &w);
	if (ret)
		return ret;
	want = (__force __poll_t)w.events | EPOLLERR | EPOLLHUP;
	ret = cse_sock_wait(file, &w, want, &found);
	if (ret)
		return ret;
	w.revents = (__force u32)found;
	if (copy_to_user(uarg, &w, sizeof(w)))
		return -EFAULT;
	return 0;
}
