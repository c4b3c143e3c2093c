/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's ABI header, for library code. Include this, never
 * <linux/cse.h> directly: the uapi's struct cse_stats (the instance's
 * counters, CSE_IOC_GET_STATS) and the stack core's struct cse_stats
 * (core/stats.h) share a name, and a file that drives both the device and
 * the stack needs both. Here the uapi's is renamed struct cse_dev_stats;
 * the ABI is unchanged (same layout, same ioctl number).
 */
#ifndef CSE_DEV_UAPI_H
#define CSE_DEV_UAPI_H

#define cse_stats cse_dev_stats
#include <linux/cse.h>
#undef cse_stats

/*
 * The ioctl number is a macro that names the struct where it is used, by
 * then the core's: spell it with the renamed struct, so its size (encoded
 * in the number) is the ABI's.
 */
#undef CSE_IOC_GET_STATS
#define CSE_IOC_GET_STATS \
	_IOWR(CSE_IOC_MAGIC, 0x03, struct cse_dev_stats)

_Static_assert(sizeof(struct cse_dev_stats) == 16 * sizeof(__u64),
	       "struct cse_stats of uapi/linux/cse.h changed size");

#endif /* CSE_DEV_UAPI_H */
