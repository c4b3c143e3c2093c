// SPDX-License-Identifier: GPL-2.0
/* CSE_IOC_GET_STATS: the counters of an instance. */
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

long cse_ioctl_get_stats(struct cse_inst *inst, void __user *uarg)
{
	const struct cse_counters *c = &inst->stats;
	struct cse_stats st;

	if (copy_from_user(&st, uarg, sizeof(st)))
		return -EFAULT;
	if (memchr_inv(&st, 0, sizeof(st)))
		return -EINVAL;

	st.rx_frames = atomic64_read(&c->rx_frames);
	st.rx_bytes = atomic64_read(&c->rx_bytes);
	st.rx_dropped = atomic64_read(&c->rx_dropped);
	st.tx_frames = atomic64_read(&c->tx_frames);
	st.tx_bytes = atomic64_read(&c->tx_bytes);
	st.tx_rejected = atomic64_read(&c->tx_rejected);
	st.tx_errors = atomic64_read(&c->tx_errors);
	st.ev_events = atomic64_read(&c->ev_events);
	st.ev_dropped = atomic64_read(&c->ev_dropped);
	st.ring_errors = atomic64_read(&c->ring_errors);
	st.tcp_untracked = atomic64_read(&c->tcp_untracked);
	st.addr_blocked = atomic64_read(&c->addr_blocked);
	st.handovers_out = atomic64_read(&c->handovers_out);
	st.handovers_in = atomic64_read(&c->handovers_in);
	if (copy_to_user(uarg, &st, sizeof(st)))
		return -EFAULT;
	return 0;
}
