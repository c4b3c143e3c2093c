// SPDX-License-Identifier: GPL-2.0
/*
 * Threads asleep in epoll_wait() run the rings (sleep.h). Without this a
 * reply to an event-driven server needs two wake-ups: the module wakes the
 * progress thread, which runs the stack and wakes the server's epoll set
 * with CSE_IOC_SOCK_WAKE. With it, while a thread sleeps on a set that
 * holds the rings eventfd, the module signals that eventfd instead, and
 * the woken thread runs the stack before epoll_wait() returns.
 *
 * The count in the area pairs with the module's read of it (W in
 * Documentation/userspace-api/cse-dev.rst): count, full barrier, look at
 * the rings, sleep; uncount, full barrier, look at the rings. Either the
 * module saw us counted and signalled the eventfd in our set, or we see
 * its entries ourselves.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>

#include "../dev/uapi.h"

#include "inst.h"
#include "real.h"
#include "sleep.h"
#include "usock.h"

static int cse_sleep_efd = -1;
static uint32_t *cse_sleepers;		/* in the area: the module reads it */
static uint64_t cse_sleep_tag;		/* the eventfd's epoll data */
static uint8_t *cse_sleep_marks;	/* per descriptor: a watched set */
static unsigned int cse_sleep_nmarks;

/* The area's word, where the module said, if it lies inside the area. */
static uint32_t *cse_sleep_word(void)
{
	uint64_t off = cse_inst.area.geo.ring_sleepers;

	if (!off || off % sizeof(uint32_t) ||
	    off + sizeof(uint32_t) > cse_inst.area.size)
		return NULL;
	return (uint32_t *)(cse_inst.area.mem + off);
}

static int cse_sleep_register(int efd)
{
	struct cse_eventfd e = { .fd = efd, .flags = CSE_EVENTFD_RINGS };

	return cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SET_EVENTFD, &e) ?
	       -errno : 0;
}

int cse_sleep_init(void)
{
	uint32_t *word = cse_sleep_word();
	int efd, err;

	if (!(cse_inst.dev.hello.features & CSE_FEAT_WAIT_RINGS) || !word)
		return 0;
	if (!cse_sleep_marks) {
		cse_sleep_nmarks = cse_fdtab_size();
		cse_sleep_marks = calloc(cse_sleep_nmarks, 1);
		if (!cse_sleep_marks)
			return -ENOMEM;
	}
	if (getrandom(&cse_sleep_tag, sizeof(cse_sleep_tag), GRND_NONBLOCK) !=
	    sizeof(cse_sleep_tag))
		cse_sleep_tag = cse_inst_now_ns() * 0x9e3779b97f4a7c15ULL;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -errno;
	efd = cse_inst_hide_fd(efd);
	err = cse_sleep_register(efd);
	if (err) {
		cse_real.close(efd);
		return err;
	}
	cse_fd_set_private(efd, true);
	cse_sleep_efd = efd;
	cse_sleepers = word;
	return 0;
}

void cse_sleep_abandon(void)
{
	/* The child's copies of the sets still hold the parent's eventfd:
	 * harmless, its events are stripped like ours would be. */
	if (cse_sleep_marks)
		memset(cse_sleep_marks, 0, cse_sleep_nmarks);
	cse_fd_set_private(cse_sleep_efd, false);
	if (cse_sleep_efd >= 0)
		cse_real.close(cse_sleep_efd);
	cse_sleep_efd = -1;
	cse_sleepers = NULL;
}

void cse_sleep_watch(int epfd)
{
	struct epoll_event ev = {
		/* One event per signal, one sleeping set woken per signal. */
		.events = EPOLLIN | EPOLLET | EPOLLEXCLUSIVE,
		.data.u64 = cse_sleep_tag,
	};

	if (cse_sleep_efd < 0 || epfd < 0 ||
	    (unsigned int)epfd >= cse_sleep_nmarks || cse_sleep_marks[epfd])
		return;
	if (!cse_real.epoll_ctl(epfd, EPOLL_CTL_ADD, cse_sleep_efd, &ev) ||
	    errno == EEXIST)
		__atomic_store_n(&cse_sleep_marks[epfd], 1, __ATOMIC_RELEASE);
}

void cse_sleep_forget(int fd)
{
	if (fd >= 0 && (unsigned int)fd < cse_sleep_nmarks)
		__atomic_store_n(&cse_sleep_marks[fd], 0, __ATOMIC_RELAXED);
}

bool cse_sleep_watched(int epfd)
{
	return epfd >= 0 && (unsigned int)epfd < cse_sleep_nmarks &&
	       __atomic_load_n(&cse_sleep_marks[epfd], __ATOMIC_ACQUIRE) &&
	       cse_sleepers;
}

/* Run the stack on what the rings hold, if anything. */
static void cse_sleep_run_rings(void)
{
	if (!cse_ring_link_pending(&cse_inst.link))
		return;
	cse_inst_lock();
	/* As the progress thread: also once the device is gone, so that
	 * what it left in the rings does not keep us from sleeping. */
	if (cse_inst.st)
		cse_inst_service();
	cse_inst_unlock();
}

static void cse_sleep_uncount(void *arg)
{
	(void)arg;
	__atomic_sub_fetch(cse_sleepers, 1, __ATOMIC_SEQ_CST);
	/* W: uncounted before the rings are read again. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

struct cse_sleep_call {
	int epfd;
	struct epoll_event *ev;
	int max;
	int timeout;
	const sigset_t *sigmask;
};

/*
 * epoll_pwait() is a cancellation point: a thread cancelled in it is
 * uncounted by the cleanup handler. (Apart, for the setjmp the handler
 * takes.)
 */
static int cse_sleep_call(const struct cse_sleep_call *c)
{
	int n;

	pthread_cleanup_push(cse_sleep_uncount, NULL);
	n = cse_real.epoll_pwait(c->epfd, c->ev, c->max, c->timeout,
				 c->sigmask);
	pthread_cleanup_pop(0);
	return n;
}

/* One counted sleep. */
static int cse_sleep_once(struct cse_sleep_call *c)
{
	int n;

	__atomic_add_fetch(cse_sleepers, 1, __ATOMIC_SEQ_CST);
	/* W: counted before the rings are read. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	/* Entries came first: only look, then run them. */
	if (cse_ring_link_pending(&cse_inst.link))
		c->timeout = 0;
	n = cse_sleep_call(c);
	cse_sleep_uncount(NULL);
	return n;
}

/* Drop the eventfd's events; the number left. */
static int cse_sleep_strip(struct epoll_event *ev, int n)
{
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (ev[i].data.u64 != cse_sleep_tag)
			ev[k++] = ev[i];
	return k;
}

/* Milliseconds left until @deadline (ns, -1: none), rounded up. */
static int cse_sleep_left_ms(int64_t deadline)
{
	int64_t left;

	if (deadline < 0)
		return -1;
	left = deadline - (int64_t)cse_inst_now_ns();
	if (left <= 0)
		return 0;
	return left / 1000000 >= INT32_MAX ? INT32_MAX :
	       (int)((left + 999999) / 1000000);
}

int cse_sleep_epoll(int epfd, struct epoll_event *ev, int max, int timeout,
		    const sigset_t *sigmask)
{
	int64_t deadline = timeout < 0 ? -1 :
			   (int64_t)cse_inst_now_ns() + timeout * 1000000LL;
	struct cse_sleep_call c = { epfd, ev, max, timeout, sigmask };
	int n, err;

	cse_sleep_run_rings();
	for (;;) {
		n = cse_sleep_once(&c);
		err = errno;
		/* Our promise: whatever woke us, the rings are looked at. */
		cse_sleep_run_rings();
		if (n < 0) {
			errno = err;
			return n;
		}
		n = cse_sleep_strip(ev, n);
		c.timeout = cse_sleep_left_ms(deadline);
		/* Only the eventfd: the run made our sockets ready, or not. */
		if (n || !c.timeout)
			return n;
	}
}
