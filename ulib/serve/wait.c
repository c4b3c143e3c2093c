// SPDX-License-Identifier: GPL-2.0
/*
 * Blocking: a call that must wait sleeps in the kernel, on its socket file
 * (CSE_SOCK_IOC_WAIT), with the instance lock dropped. The module restarts
 * or interrupts that sleep on a signal exactly as it would the kernel's own
 * socket call, so EINTR and SA_RESTART behave as without the library.
 */
#include <errno.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>

#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "serve.h"

int64_t cse_deadline(int64_t timeo_ns)
{
	return timeo_ns < 0 ? -1 : (int64_t)cse_inst_now_ns() + timeo_ns;
}

/*
 * CSE_BUSY_POLL_US: before sleeping, run the stack on the rings ourselves
 * for up to that long, as the kernel's busy polling spins on a device
 * queue: a reply that arrives within it is taken without waking the
 * progress thread and without the sleep and wake-up system calls. Called
 * and returning with the lock held; true when @events came.
 */
static bool cse_busy_poll(struct cse_usock *u, unsigned int events,
			  int64_t deadline_ns)
{
	uint64_t until = cse_inst_now_ns() +
			 (uint64_t)cse_inst.busy_poll_us * 1000;
	unsigned int want = events | EPOLLERR | EPOLLHUP;

	if (!cse_inst.busy_poll_us)
		return false;
	u->users++;
	for (;;) {
		uint64_t now = cse_inst_now_ns();

		if (cse_ring_link_pending(&cse_inst.link) ||
		    cse_stack_next_timer(cse_inst.st) <= now)
			cse_inst_service();
		if (u->released || !u->sk || (cse_poll(u->sk) & want))
			break;
		if (now >= until || (deadline_ns >= 0 &&
				     (int64_t)now >= deadline_ns))
			break;
		/* Let other threads have the stack between looks. */
		cse_inst_unlock();
		sched_yield();
		cse_inst_lock();
	}
	u->users--;
	return u->sk && (cse_poll(u->sk) & want);
}

/*
 * With CSE_FEAT_WAIT_RINGS the sleep also ends when frames or events
 * arrive, and then this thread, not the progress thread, runs the stack
 * on them: the frame that completes our wait wakes us directly, one
 * wake-up instead of two (uapi/linux/cse.h, "Waiting threads that run the
 * rings"). The promise made to the module: whatever ended the sleep, look
 * at the rings once we hold the lock again.
 */
static unsigned int cse_wait_flags(void)
{
	return cse_inst.dev.hello.features & CSE_FEAT_WAIT_RINGS ?
	       CSE_SOCK_WAIT_RINGS : 0;
}

int cse_wait(int fd, struct cse_usock *u, unsigned int events,
	     int64_t deadline_ns)
{
	struct cse_sock_wait w = { .events = events, .timeout_ns = -1,
				   .flags = cse_wait_flags() };
	int r;

	cse_inst.waits++;
	if (cse_busy_poll(u, events, deadline_ns)) {
		cse_inst.busy_hits++;
		return 0;
	}
	cse_inst.sleeps++;

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
	if (w.flags && cse_ring_link_pending(&cse_inst.link))
		cse_inst_service();
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
	u->wait_revents = w.revents;
	if (r)
		return r;
	/* Woken for the rings: the caller looks at its socket again. */
	return w.revents || w.woke ? 0 : -EAGAIN;
}
