// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking: a call that must wait sleeps in the kernel, on its socket file
 * (CSE_SOCK_IOC_WAIT), with the instance lock dropped. The module restarts
 * or interrupts that sleep on a signal exactly as it would the kernel's own
 * socket call, so EINTR and SA_RESTART behave as without the library.
 */
#include <errno.h>
#include <sys/ioctl.h>

#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "serve.h"

int64_t cse_deadline(int64_t timeo_ns)
{
	return timeo_ns < 0 ? -1 : (int64_t)cse_inst_now_ns() + timeo_ns;
}

int cse_wait(int fd, struct cse_usock *u, unsigned int events,
	     int64_t deadline_ns)
{
	struct cse_sock_wait w = { .events = events, .timeout_ns = -1 };
	int r;

	if (deadline_ns >= 0) {
		int64_t now = (int64_t)cse_inst_now_ns();

		if (now >= deadline_ns)
			return -EAGAIN;
		w.timeout_ns = deadline_ns - now;
	}
	u->users++;
	cse_inst_unlock();
	r = cse_real.ioctl(fd, CSE_SOCK_IOC_WAIT, &w);
	if (r < 0)
		r = -errno;
	cse_inst_lock();
	/*
	 * Another thread closed the last descriptor while we slept: the
	 * socket is gone (freed here if we were its last user), as a kernel
	 * socket closed under a sleeping call reports EBADF afterwards.
	 */
	if (u->released || !u->sk) {	/* !sk: the process is exiting */
		cse_usock_put(u);
		return -EBADF;
	}
	u->users--;
	if (r)
		return r;
	return w.revents ? 0 : -EAGAIN;
}
