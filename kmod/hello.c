// SPDX-License-Identifier: GPL-2.0
/*
 * The versioned handshake (CSE_IOC_HELLO) and the instance description
 * (CSE_IOC_GET_INFO). The negotiation rules are FUSE INIT's: one major spoken,
 * minor negotiated down, unknown feature bits silently not granted. They are
 * written down in uapi/linux/cse.h.
 */
#include <linux/pid_namespace.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/*
 * Every feature this build implements; grows with the minor. Spelt out
 * rather than CSE_FEATURES_ALL, so that a bit added to the header is not
 * announced before the code behind it exists.
 */
#define CSE_FEATURES_SUPPORTED	(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD | \
				 CSE_FEAT_SHARED_PORTS | CSE_FEAT_SOCK_INFO | \
				 CSE_FEAT_ADDR | CSE_FEAT_WAIT_RINGS | \
				 CSE_FEAT_HANDOVER)

/*
 * Only @major, @minor and @want are inputs; everything after them is written
 * by the module or reserved, so it must arrive zeroed (see "Rules" in the
 * uapi header).
 */
static bool cse_hello_valid(const struct cse_hello *h)
{
	size_t off = offsetof(struct cse_hello, features);

	return !memchr_inv((const u8 *)h + off, 0, sizeof(*h) - off);
}

static void cse_hello_answer(struct cse_inst *inst, struct cse_hello *h)
{
	struct cse_limits *limits = &inst->limits;

	/* Only binding once the handshake succeeds (inst->ready). */
	cse_limits_get(limits);
	h->major = CSE_ABI_MAJOR;
	h->minor = min_t(u32, h->minor, CSE_ABI_MINOR);
	h->supported = CSE_FEATURES_SUPPORTED;
	h->features = h->want & CSE_FEATURES_SUPPORTED;
	h->instance_id = inst->id;
	h->max_ring_entries = limits->max_ring_entries;
	h->min_frame_size = limits->min_frame_size;
	h->max_frame_size = limits->max_frame_size;
	h->max_mem = limits->max_mem;
}

long cse_ioctl_hello(struct cse_inst *inst, void __user *uarg)
{
	struct cse_hello h;
	long ret;

	if (copy_from_user(&h, uarg, sizeof(h)))
		return -EFAULT;
	if (!cse_hello_valid(&h))
		return -EINVAL;

	if (h.major != CSE_ABI_MAJOR) {
		/* Tell the caller what we speak so it can explain the refusal. */
		h.major = CSE_ABI_MAJOR;
		h.minor = CSE_ABI_MINOR;
		if (copy_to_user(uarg, &h, sizeof(h)))
			return -EFAULT;
		return -EPROTONOSUPPORT;
	}

	mutex_lock(&inst->lock);
	if (inst->ready) {
		ret = -EALREADY;
		goto out;
	}
	cse_hello_answer(inst, &h);
	if (copy_to_user(uarg, &h, sizeof(h))) {
		/* Not done: the caller never learnt the outcome, let it retry. */
		ret = -EFAULT;
		goto out;
	}
	inst->minor = h.minor;
	inst->features = h.features;
	/* Pairs with the acquire in cse_dev_ioctl(). */
	smp_store_release(&inst->ready, true);
	ret = 0;
out:
	mutex_unlock(&inst->lock);
	return ret;
}

long cse_ioctl_get_info(struct cse_inst *inst, void __user *uarg)
{
	struct cse_info info;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;
	if (memchr_inv(&info, 0, sizeof(info)))
		return -EINVAL;

	info.instance_id = inst->id;
	info.major = CSE_ABI_MAJOR;
	info.minor = inst->minor;
	info.owner_pid = pid_nr_ns(inst->owner, task_active_pid_ns(current));
	info.features = inst->features;
	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}
