// SPDX-License-Identifier: GPL-2.0
/*
 * Handing a TCP connection over between instances (uapi/linux/cse.h,
 * "Handing a connection over"): the requests, CSE_IOC_SOCK_ADOPT of the
 * taker and CSE_IOC_SOCK_HANDOVER of the owner. What moves, and how, is
 * handmove.c.
 *
 * A request is its taker's: it sits in the taker's list from the first
 * CSE_IOC_SOCK_ADOPT until its answer is delivered, it times out or the
 * taker's instance goes, and it holds a reference on the socket file asked
 * for (so on the owner instance and its area). While unanswered it is also
 * the owner slot's (cse_sock.ho): one request per socket file at a time.
 * Threads that wait on it hold a reference each.
 *
 * One mutex guards every request and the slots' @ho. It comes before the
 * instances' locks (handmove.c); nothing that holds one of those takes it.
 * A blob is copied from and to user space outside it.
 */
#include <linux/file.h>
#include <linux/nospec.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

#define CSE_HO_TIMEOUT_MS	5000

/**
 * struct cse_ho_req - one handover request
 * @node:     entry in the taker's list (cse_ho_lock); empty once delivered
 *            or withdrawn.
 * @refs:     the list's and each waiter's.
 * @wq:       the taker's threads waiting for the answer.
 * @taker:    the asking instance (the request never outlives it).
 * @file:     the owner's socket file (reference held).
 * @s:        its slot.
 * @id:       as CSE_EV_SOCK_HANDOVER reported it.
 * @done:     answered (or failed); @status, and with 0 what follows, set.
 * @status:   0 or the errno the taker gets.
 * @blob:     the answer's blob (kvmalloc), @blob_len bytes.
 * @blob_len: its length.
 * @tuple:    the connection.
 * @filter:   the taker's filter for it.
 */
struct cse_ho_req {
	struct list_head node;
	refcount_t refs;
	wait_queue_head_t wq;
	struct cse_inst *taker;
	struct file *file;
	struct cse_sock *s;
	u32 id;
	bool done;
	int status;
	void *blob;
	u32 blob_len;
	struct cse_tuple tuple;
	u32 filter;
};

static DEFINE_MUTEX(cse_ho_lock);
static u32 cse_ho_last_id;

static void cse_ho_put(struct cse_ho_req *req)
{
	if (!refcount_dec_and_test(&req->refs))
		return;
	kvfree(req->blob);
	fput(req->file);
	kfree(req);
}

/* CSE_SLOT_HANDOVER of the owner's slot. */
static void cse_ho_slot_flag(struct cse_sock *s, bool set)
{
	unsigned long flags;

	spin_lock_irqsave(&s->wq.lock, flags);
	cse_slot_kflags_locked(s, set ? CSE_SLOT_HANDOVER : 0,
			       set ? 0 : CSE_SLOT_HANDOVER);
	spin_unlock_irqrestore(&s->wq.lock, flags);
}

/* The request stops waiting on the owner's slot (cse_ho_lock). */
static void cse_ho_unpost(struct cse_ho_req *req)
{
	req->s->ho = NULL;
	cse_ho_slot_flag(req->s, false);
}

/* Answered or failed: tell the taker's waiters (cse_ho_lock). */
static void cse_ho_finish(struct cse_ho_req *req, int status)
{
	cse_ho_unpost(req);
	req->status = status;
	WRITE_ONCE(req->done, true);
	wake_up_all(&req->wq);
}

/* The taker gave up or went (cse_ho_lock): an answer now is ECANCELED. */
static void cse_ho_withdraw(struct cse_ho_req *req)
{
	if (!req->done) {
		req->s->ho_cancelled = req->id;
		cse_ho_unpost(req);
	}
	list_del_init(&req->node);
	cse_ho_put(req);
}

/*
 * May @taker ask @owner for a connection? Both attached to the same device
 * of the same namespace, the owner able to answer.
 */
static int cse_ho_check_owner(struct cse_inst *taker, struct cse_inst *owner)
{
	if (owner == taker)
		return -EINVAL;
	if (READ_ONCE(taker->gone))
		return -ENODEV;
	/* Pairs with the release in cse_ioctl_attach(). */
	if (!smp_load_acquire(&owner->poll_area) || READ_ONCE(owner->gone))
		return -ENXIO;
	if (!net_eq(owner->net, taker->net) ||
	    READ_ONCE(owner->ifindex) != READ_ONCE(taker->ifindex))
		return -EINVAL;
	if (!(owner->features & CSE_FEAT_HANDOVER))
		return -EOPNOTSUPP;
	return 0;
}

/*
 * The taker's request for socket file @file: the one posted before (a
 * retry joins it), or a new one posted to the owner. With a reference for
 * the caller; an ERR_PTR on error.
 */
static struct cse_ho_req *cse_ho_get(struct cse_inst *taker,
				     struct file *file, struct cse_sock *s)
{
	struct cse_inst *owner = s->inst;
	struct cse_ho_req *req, *new;

	new = kzalloc(sizeof(*new), GFP_KERNEL_ACCOUNT);
	if (!new)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&cse_ho_lock);
	list_for_each_entry(req, &taker->handovers, node) {
		if (req->file == file) {
			refcount_inc(&req->refs);
			goto out;
		}
	}
	/* The owner's death sets @dead before it fails its requests. */
	req = ERR_PTR(-ECONNREFUSED);
	if (READ_ONCE(owner->dead))
		goto out;
	req = ERR_PTR(-EBUSY);
	if (s->ho)
		goto out;
	req = new;
	new = NULL;
	INIT_LIST_HEAD(&req->node);
	refcount_set(&req->refs, 2);
	init_waitqueue_head(&req->wq);
	req->taker = taker;
	req->file = get_file(file);
	req->s = s;
	if (!++cse_ho_last_id)
		cse_ho_last_id++;
	req->id = cse_ho_last_id;
	list_add_tail(&req->node, &taker->handovers);
	s->ho = req;
	cse_ho_slot_flag(s, true);
	cse_event_post(owner, CSE_EV_SOCK_HANDOVER, 0, s->index, req->id);
out:
	mutex_unlock(&cse_ho_lock);
	kfree(new);
	return req;
}

/*
 * The waiting is over for one call: the answer, a refusal, the timeout or
 * a signal. *@claimed: the caller delivers the answer (the request left
 * the taker's list and is its alone).
 */
static int cse_ho_outcome(struct cse_ho_req *req, long left,
			  struct cse_adopt *a, bool *claimed)
{
	int ret;

	*claimed = false;
	mutex_lock(&cse_ho_lock);
	if (list_empty(&req->node)) {
		ret = -EBUSY;	/* another thread of the taker took it */
	} else if (!req->done) {
		/* Interrupted, it stays posted for a retry to join. */
		ret = left < 0 ? -EINTR : -ETIMEDOUT;
		if (!left)
			cse_ho_withdraw(req);
	} else if (req->status) {
		ret = req->status;
		cse_ho_withdraw(req);
	} else if (a->buf_len < req->blob_len) {
		ret = -EMSGSIZE;
		a->blob_len = req->blob_len;
	} else {
		list_del_init(&req->node);
		*claimed = true;
		ret = 0;
	}
	mutex_unlock(&cse_ho_lock);
	return ret;
}

/*
 * Hand the answer to the taker. Should that fail (a bad buffer), the
 * request goes back to the taker's list for a retry: the connection is
 * the taker's already.
 */
static int cse_ho_deliver(struct cse_ho_req *req, struct cse_adopt *a,
			  void __user *uarg)
{
	a->blob_len = req->blob_len;
	a->laddr = req->tuple.laddr;
	a->raddr = req->tuple.raddr;
	a->lport = req->tuple.lport;
	a->rport = req->tuple.rport;
	a->filter = req->filter;
	if (!copy_to_user(u64_to_user_ptr(a->buf), req->blob, req->blob_len) &&
	    !copy_to_user(uarg, a, sizeof(*a))) {
		cse_ho_put(req);	/* the list's */
		return 0;
	}
	mutex_lock(&cse_ho_lock);
	list_add_tail(&req->node, &req->taker->handovers);
	mutex_unlock(&cse_ho_lock);
	return -EFAULT;
}

static bool cse_adopt_valid(const struct cse_adopt *a)
{
	return !a->flags && !a->__pad && !a->blob_len && !a->laddr &&
	       !a->raddr && !a->lport && !a->rport && !a->filter &&
	       !a->reserved[0] && !a->reserved[1];
}

/* CSE_IOC_SOCK_ADOPT, on the taker's instance. */
long cse_ioctl_sock_adopt(struct cse_inst *inst, void __user *uarg)
{
	struct cse_ho_req *req;
	struct cse_adopt a;
	struct file *file;
	struct cse_sock *s;
	unsigned long timeout;
	bool claimed;
	long left;
	int ret;

	if (copy_from_user(&a, uarg, sizeof(a)))
		return -EFAULT;
	if (!(inst->features & CSE_FEAT_HANDOVER) ||
	    /* Pairs with the release in cse_ioctl_attach(). */
	    !smp_load_acquire(&inst->poll_area))
		return -EBADFD;
	if (!cse_adopt_valid(&a))
		return -EINVAL;
	file = fget(a.fd);
	if (!file)
		return -EBADF;
	s = cse_sock_of(file);
	ret = s ? cse_ho_check_owner(inst, s->inst) : -ENOTSOCK;
	if (ret)
		goto out;
	req = cse_ho_get(inst, file, s);
	if (IS_ERR(req)) {
		ret = PTR_ERR(req);
		goto out;
	}
	timeout = msecs_to_jiffies(a.timeout_ms ? : CSE_HO_TIMEOUT_MS);
	left = wait_event_interruptible_timeout(req->wq, READ_ONCE(req->done),
						timeout);
	ret = cse_ho_outcome(req, left, &a, &claimed);
	if (claimed)
		ret = cse_ho_deliver(req, &a, uarg);
	else if (ret == -EMSGSIZE && copy_to_user(uarg, &a, sizeof(a)))
		ret = -EFAULT;
	cse_ho_put(req);
out:
	fput(file);
	return ret;
}

static int cse_handover_check(const struct cse_handover *h)
{
	const struct cse_tuple t = { h->laddr, h->raddr, h->lport, h->rport };

	if (h->__pad || h->reserved[0] || h->reserved[1])
		return -EINVAL;
	if (h->status) {
		if (h->status >= 0 || h->status < -MAX_ERRNO)
			return -EINVAL;
		if (h->blob || h->blob_len || memchr_inv(&t, 0, sizeof(t)))
			return -EINVAL;
		return 0;
	}
	if (!t.laddr || !t.raddr || !t.lport || !t.rport)
		return -EINVAL;
	return h->blob_len > CSE_MAX_HANDOVER_BLOB ? -EMSGSIZE : 0;
}

/* The answer's blob, copied in before any lock; NULL for a refusal. */
static void *cse_handover_blob(const struct cse_handover *h)
{
	void *blob;

	if (h->status)
		return NULL;
	blob = kvmalloc(max(h->blob_len, 1U), GFP_KERNEL_ACCOUNT);
	if (!blob)
		return ERR_PTR(-ENOMEM);
	if (copy_from_user(blob, u64_to_user_ptr(h->blob), h->blob_len)) {
		kvfree(blob);
		return ERR_PTR(-EFAULT);
	}
	return blob;
}

/* Move the connection for @req and keep the answer (cse_ho_lock). */
static int cse_handover_commit(struct cse_inst *owner, struct cse_ho_req *req,
			       const struct cse_handover *h, void *blob)
{
	const struct cse_tuple t = { h->laddr, h->raddr, h->lport, h->rport };
	int ret;

	ret = cse_handmove(owner, req->taker, &t, &req->filter);
	if (ret)
		return ret;
	req->tuple = t;
	req->blob = blob;
	req->blob_len = h->blob_len;
	atomic64_inc(&owner->stats.handovers_out);
	atomic64_inc(&req->taker->stats.handovers_in);
	return 0;
}

/* CSE_IOC_SOCK_HANDOVER, on the owner's instance. */
long cse_ioctl_sock_handover(struct cse_inst *inst, void __user *uarg)
{
	struct cse_handover h;
	struct cse_ho_req *req;
	struct cse_area *area;
	struct cse_sock *s;
	void *blob;
	int ret;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	/* Pairs with the release in cse_ioctl_attach(). */
	area = smp_load_acquire(&inst->poll_area);
	if (!(inst->features & CSE_FEAT_HANDOVER) || !area ||
	    !area->sock_entries)
		return -EBADFD;
	ret = cse_handover_check(&h);
	if (ret)
		return ret;
	if (h.slot >= area->sock_entries)
		return -EINVAL;
	s = &area->socks[array_index_nospec(h.slot, area->sock_entries)];
	blob = cse_handover_blob(&h);
	if (IS_ERR(blob))
		return PTR_ERR(blob);

	mutex_lock(&cse_ho_lock);
	req = s->ho;
	if (!req || (h.request && req->id != h.request)) {
		ret = h.request && h.request == s->ho_cancelled ? -ECANCELED :
								 -ENOENT;
		goto out;
	}
	if (!h.status) {
		ret = cse_handover_commit(inst, req, &h, blob);
		if (ret)
			goto out;
		blob = NULL;
	}
	cse_ho_finish(req, h.status);
out:
	mutex_unlock(&cse_ho_lock);
	kvfree(blob);
	return ret;
}

/*
 * The instance is dying (its socket files are dead already): as a taker,
 * its requests are withdrawn, so nothing moves to it any more; as an
 * owner, the requests waiting on its slots fail. Before its flows are
 * reset and its ports go.
 */
void cse_handover_release(struct cse_inst *inst)
{
	struct cse_area *area = inst->area;
	struct cse_ho_req *req, *tmp;
	u32 i;

	mutex_lock(&cse_ho_lock);
	list_for_each_entry_safe(req, tmp, &inst->handovers, node)
		cse_ho_withdraw(req);
	for (i = 0; area && i < area->sock_entries; i++) {
		req = area->socks[i].ho;
		if (req)
			cse_ho_finish(req, -ECONNREFUSED);
	}
	mutex_unlock(&cse_ho_lock);
}
