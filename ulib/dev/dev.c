// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "dev.h"
#include "hello.h"

/* Move @fd to @floor or above, if the open-files limit leaves room. */
static int cse_fd_lift(int fd, int floor)
{
	struct rlimit rl;
	int high;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_cur <= (rlim_t)floor + 16)
		return fd;
	high = fcntl(fd, F_DUPFD_CLOEXEC, floor);
	if (high < 0)
		return fd;
	close(fd);
	return high;
}

int cse_dev_open(struct cse_dev *dev, const char *path, int fd_floor,
		 char *why, size_t why_len)
{
	struct cse_hello req, rep;
	const char *problem;
	int fd, err;

	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		cse_hello_explain(why, why_len, path, err, NULL, NULL);
		return -err;
	}

	cse_hello_request(&req);
	rep = req;
	if (ioctl(fd, CSE_IOC_HELLO, &rep)) {
		err = errno;
		cse_hello_explain(why, why_len, path, err, &rep, NULL);
		close(fd);
		return -err;
	}
	problem = cse_hello_reply_problem(&req, &rep);
	if (problem) {
		cse_hello_explain(why, why_len, path, EPROTO, &rep, problem);
		close(fd);
		return -EPROTO;
	}

	dev->fd = cse_fd_lift(fd, fd_floor);
	dev->hello = rep;
	return 0;
}

void cse_dev_close(struct cse_dev *dev)
{
	if (dev->fd >= 0)
		close(dev->fd);
	dev->fd = -1;
}
