// SPDX-License-Identifier: GPL-2.0
/*
 * Waiting threads that run the rings (ABI 1.4, CSE_FEAT_WAIT_RINGS): a
 * CSE_SOCK_IOC_WAIT with CSE_SOCK_WAIT_RINGS also ends when frames or
 * events arrive, and while such a waiter exists it alone is woken for them
 * (one of several, not the device's pollers, not the eventfd). Frames come
 * from the peer's kernel to a UDP port the instance reserved (cse_net.h).
 */
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>

#include "kselftest_harness.h"
#include "cse_net.h"

#define SLOTS	4

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

FIXTURE(rw) {
	struct t_net net;
	struct cse_attach att;
	uint8_t *area;
	struct cse_sock_slot *slots;
	struct t_ring rx, ev;
	int fd, sfd, efd, port;
	int ready;
};

/* CSE_SOCK_IOC_WAIT with @flags: 0 with *w filled in, or -errno. */
static int ring_wait(int sfd, uint32_t flags, int64_t timeout_ns,
		     struct cse_sock_wait *w)
{
	memset(w, 0, sizeof(*w));
	w->events = EPOLLIN;
	w->flags = flags;
	w->timeout_ns = timeout_ns;
	return ioctl(sfd, CSE_SOCK_IOC_WAIT, w) ? -errno : 0;
}

/* What the eventfd counted since the last look (0: not signalled). */
static uint64_t ev_count(int efd)
{
	uint64_t n = 0;

	if (read(efd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* One datagram from the peer to the reserved port; 0 when sent. */
static int peer_frame(FIXTURE_DATA(rw) *self)
{
	return t_peer_udp(&self->net, 0, self->port, "x", 1);
}

/* Wait up to @ms for @n RX entries; the count found. */
static uint32_t rx_wait(FIXTURE_DATA(rw) *self, uint32_t n, int ms)
{
	while (t_ring_avail(&self->rx) < n && ms > 0) {
		usleep(5000);
		ms -= 5;
	}
	return t_ring_avail(&self->rx);
}

/* Consume what both rings hold, as a waiter promises to. */
static void rings_drain(FIXTURE_DATA(rw) *self)
{
	t_ring_release(&self->rx, t_ring_avail(&self->rx));
	t_ring_release(&self->ev, t_ring_avail(&self->ev));
}

static int rw_open(FIXTURE_DATA(rw) *self, __u64 want)
{
	struct cse_socket s;
	struct cse_port p;
	struct cse_eventfd e;

	t_attach_req(&self->att, self->net.ifindex);
	self->att.sock_entries = SLOTS;
	self->fd = t_open_want(&self->att, want);
	if (self->fd < 0)
		return -1;
	self->area = t_map(self->fd, &self->att);
	if (!self->area)
		return -1;
	self->slots = (struct cse_sock_slot *)(self->area + self->att.socks);
	t_ring(&self->rx, self->area, &self->att.rx);
	t_ring(&self->ev, self->area, &self->att.ev);
	self->port = t_port(1);
	t_port_req(&p, IPPROTO_UDP, self->port);
	if (t_reserve(self->fd, &p) < 0)
		return -1;
	memset(&s, 0, sizeof(s));
	s.backing_fd = -1;
	if (ioctl(self->fd, CSE_IOC_SOCKET, &s))
		return -1;
	self->sfd = s.fd;
	self->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	memset(&e, 0, sizeof(e));
	e.fd = self->efd;
	return self->efd < 0 || ioctl(self->fd, CSE_IOC_SET_EVENTFD, &e) ?
	       -1 : 0;
}

FIXTURE_SETUP(rw)
{
	self->fd = self->sfd = self->efd = -1;
	self->area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, rw_open(self, CSE_FEATURES_ALL));
	self->ready = 1;
}

FIXTURE_TEARDOWN(rw)
{
	if (self->efd >= 0)
		close(self->efd);
	if (self->sfd >= 0)
		close(self->sfd);
	if (self->area)
		munmap(self->area, self->att.mmap_size);
	if (self->fd >= 0)
		close(self->fd);
	if (self->ready)
		t_net_down(&self->net);
}

#define RW_READY() do { if (!self->ready) SKIP(return, "no setup"); } while (0)

TEST_F(rw, feature_granted_by_hello)
{
	struct cse_info info;

	RW_READY();
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, CSE_IOC_GET_INFO, &info));
	EXPECT_NE(0, !!(info.features & CSE_FEAT_WAIT_RINGS));
}

TEST_F(rw, times_out_with_nothing)
{
	struct cse_sock_wait w;
	long t0 = now_ms();

	RW_READY();
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 50000000, &w));
	EXPECT_EQ(0U, w.revents);
	EXPECT_EQ(0U, w.woke);
	EXPECT_LE(40, now_ms() - t0);
}

TEST_F(rw, returns_at_once_when_the_rings_hold_entries)
{
	struct cse_sock_wait w;

	RW_READY();
	ASSERT_EQ(0, peer_frame(self));
	ASSERT_EQ(1U, rx_wait(self, 1, 2000));
	/* Nobody waited for the rings: the eventfd was signalled. */
	EXPECT_LE(1U, ev_count(self->efd));
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 0, &w));
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, w.woke);
	EXPECT_EQ(0U, w.revents);
	/* Without the flag the rings are none of the wait's business. */
	ASSERT_EQ(0, ring_wait(self->sfd, 0, 0, &w));
	EXPECT_EQ(0U, w.woke);
	rings_drain(self);
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 0, &w));
	EXPECT_EQ(0U, w.woke);
}

struct sender {
	FIXTURE_DATA(rw) *self;
	int delay_ms;
	int rc;
};

static void *send_later(void *arg)
{
	struct sender *s = arg;

	usleep(s->delay_ms * 1000);
	s->rc = peer_frame(s->self);
	return NULL;
}

TEST_F(rw, a_frame_wakes_the_waiter_and_not_the_eventfd)
{
	struct sender s = { .self = self, .delay_ms = 100 };
	struct cse_sock_wait w;
	struct pollfd pfd;
	pthread_t th;
	long t0;

	RW_READY();
	ASSERT_EQ(0, pthread_create(&th, NULL, send_later, &s));
	t0 = now_ms();
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 10000000000LL,
			       &w));
	EXPECT_GT(9000, now_ms() - t0);
	pthread_join(th, NULL);
	ASSERT_EQ(0, s.rc);
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, w.woke);
	EXPECT_EQ(0U, w.revents);
	EXPECT_EQ(1U, t_ring_avail(&self->rx));
	/* The wake-up was the waiter's alone. */
	EXPECT_EQ(0U, ev_count(self->efd));
	/* The device still polls readable: the entries are there. */
	pfd.fd = self->fd;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	rings_drain(self);
	/* No waiter any more: the next frame is the eventfd's again. */
	ASSERT_EQ(0, peer_frame(self));
	ASSERT_EQ(1U, rx_wait(self, 1, 2000));
	EXPECT_LE(1U, ev_count(self->efd));
}

TEST_F(rw, an_event_wakes_the_waiter)
{
	struct cse_sock_wait w;
	pid_t pid;

	RW_READY();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(100000);
		_exit(t_sh("ip link set dev %s mtu 1400", self->net.a) ? 1 : 0);
	}
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 10000000000LL,
			       &w));
	EXPECT_EQ(0, t_wait(pid));
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, w.woke);
	EXPECT_EQ(0U, ev_count(self->efd));
}

TEST_F(rw, readiness_is_still_reported)
{
	struct cse_sock_wait w;

	RW_READY();
	__atomic_store_n(&self->slots[0].mask, EPOLLIN, __ATOMIC_RELEASE);
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 1000000000,
			       &w));
	EXPECT_EQ((uint32_t)EPOLLIN, w.revents);
	EXPECT_EQ(0U, w.woke);
}

struct waiter {
	int sfd;
	bool keep;		/* leave the entries for the other waiter */
	int64_t timeout_ns;
	FIXTURE_DATA(rw) *self;
	struct cse_sock_wait w;
	long took_ms;
	int rc;
};

/* Wait for the rings; consume what woke us, as the promise says. */
static void *wait_rings(void *arg)
{
	struct waiter *wt = arg;
	long t0 = now_ms();

	wt->rc = ring_wait(wt->sfd, CSE_SOCK_WAIT_RINGS, wt->timeout_ns,
			   &wt->w);
	wt->took_ms = now_ms() - t0;
	if (wt->w.woke && !wt->keep)
		rings_drain(wt->self);
	return NULL;
}

TEST_F(rw, one_frame_wakes_one_of_two_waiters)
{
	struct waiter a = { .timeout_ns = 3000000000LL, .self = self };
	struct waiter b = a;
	struct waiter *first, *second;
	pthread_t ta, tb;
	long t0;

	RW_READY();
	a.sfd = self->sfd;
	b.sfd = dup(self->sfd);
	ASSERT_LE(0, b.sfd);
	ASSERT_EQ(0, pthread_create(&ta, NULL, wait_rings, &a));
	ASSERT_EQ(0, pthread_create(&tb, NULL, wait_rings, &b));
	usleep(200000);	/* both asleep */
	t0 = now_ms();
	ASSERT_EQ(0, peer_frame(self));
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	close(b.sfd);
	ASSERT_EQ(0, a.rc);
	ASSERT_EQ(0, b.rc);
	first = a.took_ms < b.took_ms ? &a : &b;
	second = first == &a ? &b : &a;
	/* One woke for the frame and consumed it ... */
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, first->w.woke);
	EXPECT_GT(2500, first->took_ms);
	/* ... the other slept on to its timeout and found nothing. */
	EXPECT_EQ(0U, second->w.woke);
	EXPECT_LE(2900, second->took_ms);
	EXPECT_LE(2500, now_ms() - t0);
	EXPECT_EQ(0U, ev_count(self->efd));
}

TEST_F(rw, only_the_opener_may_promise)
{
	struct cse_sock_wait w;
	pid_t pid;

	RW_READY();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		/* A child holds the files, but the instance is not its. */
		if (ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 0, &w) != -EPERM)
			_exit(1);
		_exit(ring_wait(self->sfd, 0, 0, &w) ? 2 : 0);
	}
	EXPECT_EQ(0, t_wait(pid));
}

TEST_F(rw, unknown_flags_and_output_fields_refused)
{
	struct cse_sock_wait w;

	RW_READY();
	memset(&w, 0, sizeof(w));
	w.flags = CSE_SOCK_WAIT_RINGS << 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->sfd, CSE_SOCK_IOC_WAIT, &w));
	memset(&w, 0, sizeof(w));
	w.flags = CSE_SOCK_WAIT_RINGS;
	w.woke = CSE_SOCK_WOKE_RINGS;	/* (k) */
	EXPECT_EQ(-EINVAL, cse_ioctl(self->sfd, CSE_SOCK_IOC_WAIT, &w));
}

/* CSE_IOC_SET_EVENTFD with @flags: 0 or -errno. */
static int set_efd(int fd, int efd, uint32_t flags)
{
	struct cse_eventfd e;

	memset(&e, 0, sizeof(e));
	e.fd = efd;
	e.flags = flags;
	return cse_ioctl(fd, CSE_IOC_SET_EVENTFD, &e);
}

static uint32_t *sleepers_word(FIXTURE_DATA(rw) *self)
{
	return (uint32_t *)(self->area + self->att.ring_sleepers);
}

TEST_F(rw, sleepers_get_frames_through_the_rings_eventfd)
{
	int refd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct sender s = { .self = self, .delay_ms = 100 };
	uint32_t *word = sleepers_word(self);
	struct cse_sock_wait w;
	pthread_t th;

	RW_READY();
	ASSERT_LE(0, refd);
	ASSERT_NE(0ULL, self->att.ring_sleepers);
	ASSERT_EQ(0, set_efd(self->fd, refd, CSE_EVENTFD_RINGS));
	/* Nobody counted asleep: the plain eventfd, as always. */
	ASSERT_EQ(0, peer_frame(self));
	ASSERT_EQ(1U, rx_wait(self, 1, 2000));
	EXPECT_LE(1U, ev_count(self->efd));
	EXPECT_EQ(0U, ev_count(refd));
	rings_drain(self);
	/* One counted: the rings eventfd alone. */
	__atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
	ASSERT_EQ(0, peer_frame(self));
	ASSERT_EQ(1U, rx_wait(self, 1, 2000));
	EXPECT_LE(1U, ev_count(refd));
	EXPECT_EQ(0U, ev_count(self->efd));
	rings_drain(self);
	/* An event too. */
	ASSERT_EQ(0, t_sh("ip link set dev %s mtu 1300", self->net.a));
	EXPECT_LE(1U, ev_count(refd));
	EXPECT_EQ(0U, ev_count(self->efd));
	rings_drain(self);
	/* A CSE_SOCK_WAIT_RINGS waiter comes before the sleepers. */
	ASSERT_EQ(0, pthread_create(&th, NULL, send_later, &s));
	ASSERT_EQ(0, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 10000000000LL,
			       &w));
	pthread_join(th, NULL);
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, w.woke);
	EXPECT_EQ(0U, ev_count(refd));
	/* Unset: a counted sleeper alone no longer diverts anything. */
	ASSERT_EQ(0, set_efd(self->fd, -1, CSE_EVENTFD_RINGS));
	rings_drain(self);
	ASSERT_EQ(0, peer_frame(self));
	ASSERT_EQ(1U, rx_wait(self, 1, 2000));
	EXPECT_LE(1U, ev_count(self->efd));
	__atomic_store_n(word, 0, __ATOMIC_SEQ_CST);
	close(refd);
}

TEST_F(rw, rings_eventfd_bad_requests)
{
	RW_READY();
	EXPECT_EQ(-EINVAL, set_efd(self->fd, self->efd, CSE_EVENTFD_RINGS << 1));
	EXPECT_EQ(-EBADF, set_efd(self->fd, 1000, CSE_EVENTFD_RINGS));
	EXPECT_EQ(-EINVAL, set_efd(self->fd, -2, CSE_EVENTFD_RINGS));
}

TEST_F(rw, needs_the_feature)
{
	struct cse_sock_wait w;

	RW_READY();
	close(self->efd);
	close(self->sfd);
	munmap(self->area, self->att.mmap_size);
	close(self->fd);
	self->area = NULL;
	self->efd = self->sfd = -1;
	ASSERT_EQ(0, rw_open(self, CSE_FEATURES_ALL & ~CSE_FEAT_WAIT_RINGS));
	EXPECT_EQ(-EINVAL, ring_wait(self->sfd, CSE_SOCK_WAIT_RINGS, 0, &w));
	EXPECT_EQ(0, ring_wait(self->sfd, 0, 0, &w));
	EXPECT_EQ(-EINVAL, set_efd(self->fd, self->efd, CSE_EVENTFD_RINGS));
	EXPECT_EQ(0ULL, self->att.ring_sleepers);
}

TEST_F(rw, device_gone_wakes_every_waiter)
{
	struct waiter a = { .timeout_ns = 20000000000LL, .self = self,
			    .keep = true };
	struct waiter b = a;
	pthread_t ta, tb;

	RW_READY();
	a.sfd = self->sfd;
	b.sfd = self->sfd;
	ASSERT_EQ(0, pthread_create(&ta, NULL, wait_rings, &a));
	ASSERT_EQ(0, pthread_create(&tb, NULL, wait_rings, &b));
	usleep(200000);
	ASSERT_EQ(0, t_sh("ip link del dev %s", self->net.a));
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	EXPECT_EQ(0, a.rc);
	EXPECT_EQ(0, b.rc);
	/* The unregister event is in the ring: both saw the rings. */
	EXPECT_EQ((uint32_t)CSE_SOCK_WOKE_RINGS, a.w.woke | b.w.woke);
	EXPECT_GT(15000, a.took_ms);
	EXPECT_GT(15000, b.took_ms);
}

TEST_HARNESS_MAIN
