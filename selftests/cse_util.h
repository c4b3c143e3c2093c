/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the cse.ko selftests. */
#ifndef CSE_SELFTEST_UTIL_H
#define CSE_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/cse.h>

#define CSE_DEV "/dev/" CSE_DEVICE_NAME

static inline int cse_open(void)
{
	return open(CSE_DEV, O_RDWR | O_CLOEXEC);
}

static inline void cse_hello_req(struct cse_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->major = CSE_ABI_MAJOR;
	h->minor = CSE_ABI_MINOR;
}

/* Open and handshake asking for features @want; returns the fd or -errno. */
static inline int cse_open_want(__u64 want, struct cse_hello *reply)
{
	struct cse_hello h;
	int fd, err;

	fd = cse_open();
	if (fd < 0)
		return -errno;
	cse_hello_req(&h);
	h.want = want;
	if (ioctl(fd, CSE_IOC_HELLO, &h)) {
		err = errno;
		close(fd);
		return -err;
	}
	if (reply)
		*reply = h;
	return fd;
}

/* Open and handshake (no features); returns the fd or -errno. */
static inline int cse_open_ready(struct cse_hello *reply)
{
	return cse_open_want(0, reply);
}

/* ioctl() returning -errno, so ASSERT_EQ(-EINVAL, ...) reads naturally. */
static inline int cse_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/* The number a sysfs file holds (decimal, or octal/hex with a prefix), or -1. */
static inline long long cse_sysfs_num(const char *path)
{
	long long v = -1;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	if (fscanf(f, "%lli", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

/* A module parameter as an unsigned number, or -1. */
static inline long long cse_param(const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/module/cse/parameters/%s", name);
	return cse_sysfs_num(path);
}

/* References held on cse.ko (one per open instance), or -1. */
static inline long cse_module_refs(void)
{
	return cse_sysfs_num("/sys/module/cse/refcnt");
}

#endif /* CSE_SELFTEST_UTIL_H */
