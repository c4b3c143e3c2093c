// SPDX-License-Identifier: GPL-2.0
/*
 * The limits the module enforces on each instance, settable as module
 * parameters (at insmod or later through /sys/module/cse/parameters/) and
 * announced to user space by the handshake. A change affects handshakes that
 * come after it; instances keep the limits they were told.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "cse.h"

#define CSE_FRAME_SIZE_MIN	2048U

/* A bounded unsigned parameter; @pow2 also demands a power of two. */
struct cse_uint_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
	bool pow2;
};

static int cse_param_set(const char *val, const struct kernel_param *kp)
{
	struct cse_uint_param *p = kp->arg;
	unsigned int n;
	int err;

	err = kstrtouint(val, 0, &n);
	if (err)
		return err;
	if (n < p->min || n > p->max || (p->pow2 && !is_power_of_2(n)))
		return -EINVAL;
	WRITE_ONCE(p->val, n);
	return 0;
}

static int cse_param_get(char *buf, const struct kernel_param *kp)
{
	const struct cse_uint_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(p->val));
}

static const struct kernel_param_ops cse_uint_param_ops = {
	.set = cse_param_set,
	.get = cse_param_get,
};

static struct cse_uint_param max_ring_entries = {
	.val = 4096, .min = 64, .max = 1U << 20, .pow2 = true,
};
module_param_cb(max_ring_entries, &cse_uint_param_ops, &max_ring_entries, 0644);
MODULE_PARM_DESC(max_ring_entries,
		 "Largest ring of an instance, in entries (power of two, 64..1048576; default 4096)");

static struct cse_uint_param max_frame_size = {
	.val = 16384, .min = CSE_FRAME_SIZE_MIN, .max = 65536, .pow2 = true,
};
module_param_cb(max_frame_size, &cse_uint_param_ops, &max_frame_size, 0644);
MODULE_PARM_DESC(max_frame_size,
		 "Largest frame buffer, in bytes (power of two, 2048..65536; default 16384)");

static struct cse_uint_param max_mem_mb = {
	.val = 64, .min = 1, .max = 4096,
};
module_param_cb(max_mem_mb, &cse_uint_param_ops, &max_mem_mb, 0644);
MODULE_PARM_DESC(max_mem_mb,
		 "Most MiB of rings and frame buffers per instance (1..4096; default 64)");

/*
 * TCP flows tracked per instance so that its death resets them (flow.c);
 * each costs about 64 bytes. 0 turns tracking off.
 */
static struct cse_uint_param max_tcp_flows = {
	.val = 16384, .min = 0, .max = 1U << 20,
};
module_param_cb(max_tcp_flows, &cse_uint_param_ops, &max_tcp_flows, 0644);
MODULE_PARM_DESC(max_tcp_flows,
		 "Most TCP flows per instance reset when it dies (0..1048576; default 16384)");

void cse_limits_get(struct cse_limits *limits)
{
	limits->max_ring_entries = READ_ONCE(max_ring_entries.val);
	limits->min_frame_size = CSE_FRAME_SIZE_MIN;
	limits->max_frame_size = READ_ONCE(max_frame_size.val);
	limits->max_mem = (u64)READ_ONCE(max_mem_mb.val) << 20;
	limits->max_tcp_flows = READ_ONCE(max_tcp_flows.val);
}
