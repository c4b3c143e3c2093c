// SPDX-License-Identifier: GPL-2.0
/*
 * Socket files (ABI 1.1, CSE_FEAT_SOCKETS): CSE_IOC_SOCKET, the slot table
 * in the shared area, poll/select/epoll on the files, the need-wakeup
 * protocol (CSE_SLOT_SLEEPING and CSE_IOC_SOCK_WAKE), CSE_SOCK_IOC_WAIT,
 * backing sockets, and the files' lifetime against dup, fork, SCM_RIGHTS,
 * the instance's death and rmmod. Topology: cse_net.h.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>

#include "kselftest_harness.h"
#include "cse_net.h"

#define SLOTS		16

/* Every readiness bit a slot's mask may carry. */
#define SLOT_BITS	(EPOLLIN | EPOLLPRI | EPOLLOUT | EPOLLERR | EPOLLHUP | \
			 EPOLLRDNORM | EPOLLRDBAND | EPOLLWRNORM | \
			 EPOLLWRBAND | EPOLLRDHUP)

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* CSE_IOC_SOCKET: the new descriptor, or -errno. */
static int sock_new(int fd, uint32_t slot, int backing, uint32_t flags)
{
	struct cse_socket s;

	memset(&s, 0, sizeof(s));
	s.slot = slot;
	s.backing_fd = backing;
	s.flags = flags;
	return ioctl(fd, CSE_IOC_SOCKET, &s) ? -errno : s.fd;
}

static int sock_wake(int fd, const uint32_t *slots, uint32_t n)
{
	struct cse_sock_wake w;

	memset(&w, 0, sizeof(w));
	w.slots = (uintptr_t)slots;
	w.count = n;
	return cse_ioctl(fd, CSE_IOC_SOCK_WAKE, &w);
}

/* CSE_SOCK_IOC_WAIT: 0 with *revents, or -errno. */
static int sock_wait(int sfd, uint32_t events, int64_t timeout_ns,
		     uint32_t *revents)
{
	struct cse_sock_wait w;

	memset(&w, 0, sizeof(w));
	w.events = events;
	w.timeout_ns = timeout_ns;
	if (ioctl(sfd, CSE_SOCK_IOC_WAIT, &w))
		return -errno;
	if (revents)
		*revents = w.revents;
	return 0;
}

static uint32_t kflags(const struct cse_sock_slot *slot)
{
	return __atomic_load_n(&slot->kflags, __ATOMIC_ACQUIRE);
}

/*
 * What the library does when a socket's readiness changes: store the mask,
 * full barrier, and wake only if someone sleeps. Returns 1 if it woke.
 */
static int publish(int fd, struct cse_sock_slot *slots, uint32_t slot,
		   uint32_t mask)
{
	__atomic_store_n(&slots[slot].mask, mask, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!(__atomic_load_n(&slots[slot].kflags, __ATOMIC_RELAXED) &
	      CSE_SLOT_SLEEPING))
		return 0;
	return sock_wake(fd, &slot, 1) ? -1 : 1;
}

FIXTURE(sf) {
	struct t_net net;
	struct cse_attach att;
	uint8_t *area;
	struct cse_sock_slot *slots;
	struct t_ring ev;
	int fd;
	int ready;	/* setup completed: SKIP() in a setup still runs tests */
};

/* Open an instance with socket slots into the fixture. */
static int sf_open(FIXTURE_DATA(sf) *self, uint32_t sock_entries)
{
	t_attach_req(&self->att, self->net.ifindex);
	self->att.sock_entries = sock_entries;
	self->fd = t_open_want(&self->att, CSE_FEATURES_ALL);
	if (self->fd < 0)
		return -1;
	self->area = t_map(self->fd, &self->att);
	if (!self->area)
		return -1;
	self->slots = (struct cse_sock_slot *)(self->area + self->att.socks);
	t_ring(&self->ev, self->area, &self->att.ev);
	return 0;
}

/* Close the instance: its descriptor and its mapping. */
static void sf_close(FIXTURE_DATA(sf) *self)
{
	if (self->area)
		munmap(self->area, self->att.mmap_size);
	if (self->fd >= 0)
		close(self->fd);
	self->area = NULL;
	self->slots = NULL;
	self->fd = -1;
}

FIXTURE_SETUP(sf)
{
	self->fd = -1;
	self->area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, sf_open(self, SLOTS));
	self->ready = 1;
}

FIXTURE_TEARDOWN(sf)
{
	sf_close(self);
	t_net_down(&self->net);
}

#define SF_READY() do {			\
	if (!self->ready)		\
		return;			\
} while (0)

/*
 * Consume events up to the first CSE_EV_SOCK_RELEASED; 1 and the event
 * if there was one.
 */
static int released_event(FIXTURE_DATA(sf) *self, struct cse_event *out)
{
	while (t_ring_avail(&self->ev)) {
		struct cse_event e = *(struct cse_event *)
			t_ring_entry(&self->ev, *self->ev.consumer);

		t_ring_release(&self->ev, 1);
		if (e.type == CSE_EV_SOCK_RELEASED) {
			*out = e;
			return 1;
		}
	}
	return 0;
}

/* The state letter of a thread of ours in /proc ('S': asleep), or 0. */
static char thread_state(pid_t tid)
{
	char path[64], buf[256], *p;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	p = fgets(buf, sizeof(buf), f);
	fclose(f);
	if (!p)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] && p[2] ? p[2] : 0;
}

/* A thread that blocks in one call on a file; see block_start(). */
enum { B_POLL, B_SELECT, B_EPOLL, B_WAIT };

struct blocked {
	pthread_t thread;
	pid_t tid;
	int kind;
	int fd;
	uint32_t events;
	int timeout_ms;
	int ret;		/* the call's result, or -errno */
	uint32_t revents;
	long ms;		/* how long the call took */
};

static void *blocker_main(void *arg)
{
	struct blocked *b = arg;
	struct epoll_event ee;
	struct pollfd pfd;
	struct timeval tv;
	fd_set rd;
	long t0;

	__atomic_store_n(&b->tid, syscall(SYS_gettid), __ATOMIC_RELEASE);
	t0 = now_ms();
	switch (b->kind) {
	case B_POLL:
		pfd.fd = b->fd;
		pfd.events = b->events;
		b->ret = poll(&pfd, 1, b->timeout_ms);
		b->revents = pfd.revents;
		break;
	case B_SELECT:
		FD_ZERO(&rd);
		FD_SET(b->fd, &rd);
		tv.tv_sec = b->timeout_ms / 1000;
		tv.tv_usec = b->timeout_ms % 1000 * 1000;
		b->ret = select(b->fd + 1, &rd, NULL, NULL, &tv);
		b->revents = FD_ISSET(b->fd, &rd) ? POLLIN : 0;
		break;
	case B_EPOLL:
		b->ret = epoll_wait(b->fd, &ee, 1, b->timeout_ms);
		b->revents = b->ret > 0 ? ee.events : 0;
		break;
	case B_WAIT:
		b->ret = sock_wait(b->fd, b->events,
				   b->timeout_ms < 0 ? -1 :
				   (int64_t)b->timeout_ms * 1000000,
				   &b->revents);
		break;
	}
	if (b->ret < 0 && b->kind != B_WAIT)
		b->ret = -errno;
	b->ms = now_ms() - t0;
	return NULL;
}

/*
 * Start a thread blocking in @kind on @fd and return once it sleeps there
 * (its state in /proc is 'S'); 0 or -1.
 */
static int block_start(struct blocked *b, int kind, int fd, uint32_t events,
		       int timeout_ms)
{
	memset(b, 0, sizeof(*b));
	b->kind = kind;
	b->fd = fd;
	b->events = events;
	b->timeout_ms = timeout_ms;
	if (pthread_create(&b->thread, NULL, blocker_main, b))
		return -1;
	for (int ms = 0; ms < 5000; ms += 5) {
		pid_t tid = __atomic_load_n(&b->tid, __ATOMIC_ACQUIRE);

		if (tid && thread_state(tid) == 'S') {
			usleep(20000);	/* past the last check, into the sleep */
			return 0;
		}
		usleep(5000);
	}
	return -1;
}

static void block_join(struct blocked *b)
{
	pthread_join(b->thread, NULL);
}

/* Descriptors, slots, busy slots and their reuse. */

TEST_F(sf, create_close_and_reuse_a_slot)
{
	char path[64], target[64] = "";
	int sfd, again;

	SF_READY();
	sfd = sock_new(self->fd, 3, -1, 0);
	ASSERT_LE(0, sfd);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", sfd);
	ASSERT_LT(0, readlink(path, target, sizeof(target) - 1));
	EXPECT_STREQ("anon_inode:[cse-socket]", target);
	EXPECT_EQ(O_RDWR, fcntl(sfd, F_GETFL) & O_ACCMODE);
	EXPECT_EQ(0, fcntl(sfd, F_GETFL) & O_NONBLOCK);
	EXPECT_EQ(0, fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0U, kflags(&self->slots[3]));
	/* the slot is taken until the file goes */
	EXPECT_EQ(-EBUSY, sock_new(self->fd, 3, -1, 0));
	again = sock_new(self->fd, 4, -1, 0);
	EXPECT_LE(0, again);
	close(again);
	close(sfd);
	EXPECT_EQ(CSE_SLOT_RELEASED, kflags(&self->slots[3]) & CSE_SLOT_RELEASED);
	/* free again; a new file clears the slot's flags */
	self->slots[3].kflags = 0xff00;
	sfd = sock_new(self->fd, 3, -1, 0);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(0U, kflags(&self->slots[3]));
	close(sfd);
}

TEST_F(sf, cloexec_and_nonblock_flags)
{
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, CSE_SOCKET_CLOEXEC);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(0, fcntl(sfd, F_GETFL) & O_NONBLOCK);
	close(sfd);
	sfd = sock_new(self->fd, 0, -1, CSE_SOCKET_NONBLOCK);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(0, fcntl(sfd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(O_NONBLOCK, fcntl(sfd, F_GETFL) & O_NONBLOCK);
	close(sfd);
}

TEST_F(sf, every_slot_has_its_own_file)
{
	int fds[SLOTS], i;

	SF_READY();
	for (i = 0; i < SLOTS; i++) {
		fds[i] = sock_new(self->fd, i, -1, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (i = 0; i < SLOTS; i++)
		EXPECT_EQ(-EBUSY, sock_new(self->fd, i, -1, 0));
	/* each file reads its own slot */
	self->slots[5].mask = EPOLLOUT;
	for (i = 0; i < SLOTS; i++) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLIN | POLLOUT };

		EXPECT_EQ(i == 5, poll(&pfd, 1, 0));
		EXPECT_EQ(i == 5 ? POLLOUT : 0, pfd.revents);
	}
	for (i = 0; i < SLOTS; i++)
		close(fds[i]);
}

TEST_F(sf, fdinfo_names_instance_and_slot)
{
	char path[64], buf[512];
	struct cse_info info;
	FILE *f;
	size_t n;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 7, -1, 0);
	ASSERT_LE(0, sfd);
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", sfd);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = 0;
	fclose(f);
	EXPECT_NE(NULL, strstr(buf, "cse-slot:\t7\n"));
	snprintf(path, sizeof(path), "cse-instance:\t%u\n", info.instance_id);
	EXPECT_NE(NULL, strstr(buf, path));
	close(sfd);
}

/* A socket file is no socket: read, write and socket calls fail. */
TEST_F(sf, not_a_socket_for_io)
{
	char c = 0;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	self->slots[0].mask = EPOLLIN | EPOLLOUT;
	EXPECT_EQ(-1, read(sfd, &c, 1));
	EXPECT_EQ(-1, write(sfd, &c, 1));
	EXPECT_EQ(-1, send(sfd, &c, 1, 0));
	EXPECT_EQ(ENOTSOCK, errno);
	close(sfd);
}

/* Readiness: what the slot's mask says, and only its defined bits. */

TEST_F(sf, poll_reads_the_published_mask)
{
	struct pollfd pfd;
	uint32_t rev = 0;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 2, -1, 0);
	ASSERT_LE(0, sfd);
	pfd.fd = sfd;
	pfd.events = POLLIN | POLLOUT | POLLPRI | POLLRDHUP;
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	self->slots[2].mask = EPOLLIN | EPOLLRDNORM;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLIN, pfd.revents);
	self->slots[2].mask = EPOLLOUT | EPOLLRDHUP;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT | POLLRDHUP, pfd.revents);
	/* ERR and HUP are reported whatever was asked for */
	self->slots[2].mask = EPOLLHUP | EPOLLERR;
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLHUP | POLLERR, pfd.revents);
	/* bits that are no readiness are ignored */
	self->slots[2].mask = ~0U;
	ASSERT_EQ(0, sock_wait(sfd, ~0U, 0, &rev));
	EXPECT_EQ((uint32_t)SLOT_BITS, rev);
	self->slots[2].mask = ~(uint32_t)SLOT_BITS;
	ASSERT_EQ(0, sock_wait(sfd, ~0U, 0, &rev));
	EXPECT_EQ(0U, rev);
	close(sfd);
}

TEST_F(sf, select_and_poll_with_other_files)
{
	struct pollfd pfd[2];
	struct timeval tv = { 0 };
	int sfd, p[2];
	fd_set rd, wr;

	SF_READY();
	sfd = sock_new(self->fd, 1, -1, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, pipe(p));
	self->slots[1].mask = EPOLLOUT | EPOLLWRNORM;
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(sfd, &rd);
	FD_SET(sfd, &wr);
	FD_SET(p[0], &rd);
	EXPECT_EQ(1, select((sfd > p[0] ? sfd : p[0]) + 1, &rd, &wr, NULL, &tv));
	EXPECT_TRUE(FD_ISSET(sfd, &wr));
	EXPECT_FALSE(FD_ISSET(sfd, &rd));
	EXPECT_FALSE(FD_ISSET(p[0], &rd));
	ASSERT_EQ(1, write(p[1], "x", 1));
	pfd[0] = (struct pollfd){ .fd = sfd, .events = POLLIN };
	pfd[1] = (struct pollfd){ .fd = p[0], .events = POLLIN };
	EXPECT_EQ(1, poll(pfd, 2, 0));
	EXPECT_EQ(0, pfd[0].revents);
	EXPECT_EQ(POLLIN, pfd[1].revents);
	close(p[0]);
	close(p[1]);
	close(sfd);
}

/* The need-wakeup flag: set by whoever sleeps, cleared when nobody does. */

TEST_F(sf, poll_sets_sleeping_and_wake_clears_it)
{
	struct cse_sock_slot *slot = &self->slots[0];
	struct pollfd pfd;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(0U, kflags(slot));
	pfd = (struct pollfd){ .fd = sfd, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 20));
	EXPECT_EQ(CSE_SLOT_SLEEPING, kflags(slot));
	/* nobody waits any more: a wake takes the flag away */
	EXPECT_EQ(1, publish(self->fd, self->slots, 0, EPOLLOUT));
	EXPECT_EQ(0U, kflags(slot));
	/* and with it the need for system calls */
	EXPECT_EQ(0, publish(self->fd, self->slots, 0, EPOLLIN));
	close(sfd);
}

TEST_F(sf, epoll_keeps_sleeping_set_while_registered)
{
	struct cse_sock_slot *slot = &self->slots[1];
	struct epoll_event ee = { .events = EPOLLIN };
	uint32_t one = 1;
	int sfd, ep;

	SF_READY();
	sfd = sock_new(self->fd, 1, -1, 0);
	ASSERT_LE(0, sfd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee));
	EXPECT_EQ(CSE_SLOT_SLEEPING, kflags(slot));
	/* epoll stays queued: a wake leaves the flag */
	EXPECT_EQ(0, sock_wake(self->fd, &one, 1));
	EXPECT_EQ(CSE_SLOT_SLEEPING, kflags(slot));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_DEL, sfd, NULL));
	EXPECT_EQ(0, sock_wake(self->fd, &one, 1));
	EXPECT_EQ(0U, kflags(slot));
	close(ep);
	close(sfd);
}

TEST_F(sf, wake_of_a_slot_without_file_is_skipped)
{
	uint32_t slots[] = { 9, 10, 9 };

	SF_READY();
	self->slots[9].kflags = CSE_SLOT_SLEEPING;
	EXPECT_EQ(0, sock_wake(self->fd, slots, 3));
	EXPECT_EQ(CSE_SLOT_SLEEPING, kflags(&self->slots[9]));
}

/*
 * Each blocking call on a socket file is woken by CSE_IOC_SOCK_WAKE. The
 * file, of slot 6, is left open for the caller to close.
 */
static void woken_by_wake(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sf) *self, int kind, int *file)
{
	struct cse_sock_slot *slot = &self->slots[6];
	struct epoll_event ee = { .events = EPOLLIN };
	int sfd, fd, ep = -1;
	struct blocked b;

	sfd = sock_new(self->fd, 6, -1, 0);
	ASSERT_LE(0, sfd);
	fd = sfd;
	if (kind == B_EPOLL) {
		ep = epoll_create1(EPOLL_CLOEXEC);
		ASSERT_LE(0, ep);
		ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee));
		fd = ep;
	}
	ASSERT_EQ(0, block_start(&b, kind, fd, POLLIN, 10000));
	EXPECT_EQ(CSE_SLOT_SLEEPING, kflags(slot) & CSE_SLOT_SLEEPING);
	/* the flag is set: the publisher must wake, and does */
	EXPECT_EQ(1, publish(self->fd, self->slots, 6, EPOLLIN));
	block_join(&b);
	EXPECT_EQ(kind == B_WAIT ? 0 : 1, b.ret);
	EXPECT_EQ((uint32_t)POLLIN, b.revents & POLLIN);
	EXPECT_GT(5000, b.ms);
	if (ep >= 0)
		close(ep);
	*file = sfd;
}

TEST_F(sf, poll_woken_by_sock_wake)
{
	int sfd = -1;

	SF_READY();
	woken_by_wake(_metadata, self, B_POLL, &sfd);
	/* its entry left the queue: the next wake clears the flag */
	EXPECT_EQ(1, publish(self->fd, self->slots, 6, 0));
	EXPECT_EQ(0U, kflags(&self->slots[6]));
	close(sfd);
}

TEST_F(sf, select_woken_by_sock_wake)
{
	int sfd = -1;

	SF_READY();
	woken_by_wake(_metadata, self, B_SELECT, &sfd);
	close(sfd);
}

TEST_F(sf, epoll_wait_woken_by_sock_wake)
{
	int sfd = -1;

	SF_READY();
	woken_by_wake(_metadata, self, B_EPOLL, &sfd);
	close(sfd);
}

TEST_F(sf, sock_ioc_wait_woken_by_sock_wake)
{
	int sfd = -1;

	SF_READY();
	woken_by_wake(_metadata, self, B_WAIT, &sfd);
	/* the waiter left the queue too */
	EXPECT_EQ(1, publish(self->fd, self->slots, 6, 0));
	EXPECT_EQ(0U, kflags(&self->slots[6]));
	close(sfd);
}

/* A readiness change without the wake is not seen until the timeout. */
TEST_F(sf, no_wake_no_wakeup)
{
	struct blocked b;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, block_start(&b, B_POLL, sfd, POLLIN, 600));
	self->slots[0].mask = EPOLLIN;
	block_join(&b);
	/* poll looks once more when its time is up */
	EXPECT_EQ(1, b.ret);
	EXPECT_LE(400, b.ms);
	close(sfd);
}

/*
 * No lost wake-up: a consumer sleeps until the slot is readable, takes the
 * readiness away and sleeps again; a producer republishes it the library's
 * way (wake only when the flag asks for it). A lost wake-up leaves the
 * consumer asleep until its 5 s timeout.
 */
struct pingpong {
	int sfd;
	int kind;
	struct cse_sock_slot *slot;
	int rounds;
	int lost;
};

static void *pingpong_consumer(void *arg)
{
	struct pingpong *pp = arg;
	struct pollfd pfd = { .fd = pp->sfd, .events = POLLIN };
	uint32_t rev = 0;
	int i, r;

	for (i = 0; i < pp->rounds; i++) {
		if (pp->kind == B_WAIT) {
			r = sock_wait(pp->sfd, EPOLLIN, 5000000000LL, &rev);
			r = r ? -1 : !!(rev & EPOLLIN);
		} else {
			r = poll(&pfd, 1, 5000);
		}
		if (r != 1) {
			pp->lost++;
			break;
		}
		__atomic_store_n(&pp->slot->mask, 0, __ATOMIC_RELEASE);
	}
	return NULL;
}

static void pingpong(struct __test_metadata *_metadata,
		     FIXTURE_DATA(sf) *self, int kind)
{
	struct pingpong pp = { .kind = kind, .rounds = 2000 };
	int i, wakes = 0, spins;
	pthread_t t;

	pp.sfd = sock_new(self->fd, 8, -1, 0);
	ASSERT_LE(0, pp.sfd);
	pp.slot = &self->slots[8];
	ASSERT_EQ(0, pthread_create(&t, NULL, pingpong_consumer, &pp));
	for (i = 0; i < pp.rounds && !__atomic_load_n(&pp.lost, __ATOMIC_RELAXED);
	     i++) {
		for (spins = 0; __atomic_load_n(&pp.slot->mask, __ATOMIC_ACQUIRE);
		     spins++) {
			if (spins > 1000)
				usleep(100);
			else
				sched_yield();
			if (__atomic_load_n(&pp.lost, __ATOMIC_RELAXED))
				break;
		}
		wakes += publish(self->fd, self->slots, 8, EPOLLIN) == 1;
	}
	pthread_join(t, NULL);
	EXPECT_EQ(0, pp.lost);
	TH_LOG("%d rounds, %d needed a wake", pp.rounds, wakes);
	close(pp.sfd);
}

TEST_F(sf, no_lost_wakeup_poll)
{
	SF_READY();
	pingpong(_metadata, self, B_POLL);
}

TEST_F(sf, no_lost_wakeup_sock_ioc_wait)
{
	SF_READY();
	pingpong(_metadata, self, B_WAIT);
}

/* epoll: level, edge, one-shot, nested, several sets. */

TEST_F(sf, epoll_level_triggered)
{
	struct epoll_event ee = { .events = EPOLLIN }, out;
	int sfd, ep;

	SF_READY();
	sfd = sock_new(self->fd, 2, -1, 0);
	ASSERT_LE(0, sfd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, publish(self->fd, self->slots, 2, EPOLLIN));
	/* reported for as long as it holds */
	for (int i = 0; i < 3; i++) {
		EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
		EXPECT_EQ((uint32_t)EPOLLIN, out.events);
	}
	EXPECT_EQ(1, publish(self->fd, self->slots, 2, EPOLLOUT));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	close(ep);
	close(sfd);
}

TEST_F(sf, epoll_edge_triggered_fires_once_per_change)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLOUT | EPOLLET }, out;
	int sfd, ep;

	SF_READY();
	sfd = sock_new(self->fd, 2, -1, 0);
	ASSERT_LE(0, sfd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(1, publish(self->fd, self->slots, 2, EPOLLIN));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ((uint32_t)EPOLLIN, out.events);
	/* once: still readable, but no new edge */
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	/* the next change is the next edge */
	EXPECT_EQ(1, publish(self->fd, self->slots, 2, EPOLLIN | EPOLLOUT));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ((uint32_t)(EPOLLIN | EPOLLOUT), out.events);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	close(ep);
	close(sfd);
}

TEST_F(sf, epoll_oneshot_until_rearmed)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLONESHOT }, out;
	int sfd, ep;

	SF_READY();
	sfd = sock_new(self->fd, 2, -1, 0);
	ASSERT_LE(0, sfd);
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee));
	EXPECT_EQ(1, publish(self->fd, self->slots, 2, EPOLLIN));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	/* disarmed: neither the level nor a new wake reports it */
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	publish(self->fd, self->slots, 2, EPOLLIN | EPOLLRDNORM);
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_MOD, sfd, &ee));
	EXPECT_EQ(1, epoll_wait(ep, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	close(ep);
	close(sfd);
}

TEST_F(sf, nested_epoll_woken)
{
	struct epoll_event ee = { .events = EPOLLIN }, out;
	int sfd, inner, outer;
	struct blocked b;

	SF_READY();
	sfd = sock_new(self->fd, 3, -1, 0);
	ASSERT_LE(0, sfd);
	inner = epoll_create1(EPOLL_CLOEXEC);
	outer = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, inner);
	ASSERT_LE(0, outer);
	ee.data.fd = sfd;
	ASSERT_EQ(0, epoll_ctl(inner, EPOLL_CTL_ADD, sfd, &ee));
	ee.data.fd = inner;
	ASSERT_EQ(0, epoll_ctl(outer, EPOLL_CTL_ADD, inner, &ee));
	ASSERT_EQ(0, block_start(&b, B_EPOLL, outer, 0, 10000));
	EXPECT_EQ(1, publish(self->fd, self->slots, 3, EPOLLIN));
	block_join(&b);
	EXPECT_EQ(1, b.ret);
	EXPECT_GT(5000, b.ms);
	ASSERT_EQ(1, epoll_wait(inner, &out, 1, 0));
	EXPECT_EQ(sfd, out.data.fd);
	close(outer);
	close(inner);
	close(sfd);
}

TEST_F(sf, one_file_in_two_epoll_sets)
{
	struct epoll_event ee = { .events = EPOLLIN | EPOLLET }, out;
	int sfd, ep1, ep2;
	struct blocked b;

	SF_READY();
	sfd = sock_new(self->fd, 4, -1, 0);
	ASSERT_LE(0, sfd);
	ep1 = epoll_create1(EPOLL_CLOEXEC);
	ep2 = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep1);
	ASSERT_LE(0, ep2);
	ASSERT_EQ(0, epoll_ctl(ep1, EPOLL_CTL_ADD, sfd, &ee));
	ee.events = EPOLLIN;
	ASSERT_EQ(0, epoll_ctl(ep2, EPOLL_CTL_ADD, sfd, &ee));
	ASSERT_EQ(0, block_start(&b, B_EPOLL, ep1, 0, 10000));
	EXPECT_EQ(1, publish(self->fd, self->slots, 4, EPOLLIN));
	block_join(&b);
	EXPECT_EQ(1, b.ret);
	EXPECT_EQ(1, epoll_wait(ep2, &out, 1, 0));
	/* each set by its own rules: edge once, level again */
	EXPECT_EQ(0, epoll_wait(ep1, &out, 1, 0));
	EXPECT_EQ(1, epoll_wait(ep2, &out, 1, 0));
	/* closing the file takes it out of both */
	close(sfd);
	EXPECT_EQ(0, epoll_wait(ep1, &out, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep2, &out, 1, 0));
	close(ep1);
	close(ep2);
}

/* CSE_SOCK_IOC_WAIT */

TEST_F(sf, wait_returns_at_once_when_ready)
{
	uint32_t rev = 0;
	long t0;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 5, -1, 0);
	ASSERT_LE(0, sfd);
	self->slots[5].mask = EPOLLIN | EPOLLOUT;
	t0 = now_ms();
	EXPECT_EQ(0, sock_wait(sfd, EPOLLIN, -1, &rev));
	EXPECT_EQ((uint32_t)EPOLLIN, rev);
	EXPECT_EQ(0, sock_wait(sfd, EPOLLOUT | EPOLLIN, 0, &rev));
	EXPECT_EQ((uint32_t)(EPOLLIN | EPOLLOUT), rev);
	/* ERR and HUP come whatever was asked for */
	self->slots[5].mask = EPOLLERR;
	EXPECT_EQ(0, sock_wait(sfd, EPOLLOUT, -1, &rev));
	EXPECT_EQ((uint32_t)EPOLLERR, rev);
	EXPECT_GT(2000, now_ms() - t0);
	close(sfd);
}

TEST_F(sf, wait_times_out_with_no_revents)
{
	uint32_t rev = 1;
	long t0;
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 5, -1, 0);
	ASSERT_LE(0, sfd);
	self->slots[5].mask = EPOLLOUT;
	t0 = now_ms();
	EXPECT_EQ(0, sock_wait(sfd, EPOLLIN, 200000000, &rev));
	EXPECT_EQ(0U, rev);
	EXPECT_LE(190, now_ms() - t0);
	/* a zero timeout only looks */
	rev = 1;
	t0 = now_ms();
	EXPECT_EQ(0, sock_wait(sfd, EPOLLIN, 0, &rev));
	EXPECT_EQ(0U, rev);
	EXPECT_GT(1000, now_ms() - t0);
	close(sfd);
}

static int sigs;

static void on_signal(int sig)
{
	__atomic_fetch_add(&sigs, 1, __ATOMIC_RELAXED);
}

static void set_handler(int flags)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
}

/* A signal while waiting: restarted or EINTR, as a socket's recv() is. */
static void wait_signalled(struct __test_metadata *_metadata,
			   FIXTURE_DATA(sf) *self, int sa_flags,
			   int timeout_ms, int expect)
{
	struct blocked b;
	int sfd;

	sfd = sock_new(self->fd, 11, -1, 0);
	ASSERT_LE(0, sfd);
	sigs = 0;
	set_handler(sa_flags);
	ASSERT_EQ(0, block_start(&b, B_WAIT, sfd, EPOLLIN, timeout_ms));
	pthread_kill(b.thread, SIGUSR1);
	if (!expect) {
		/* restarted: asleep again, until the readiness comes */
		usleep(100000);
		for (int ms = 0; ms < 2000 && thread_state(b.tid) != 'S'; ms += 10)
			usleep(10000);
		EXPECT_EQ('S', thread_state(b.tid));
		publish(self->fd, self->slots, 11, EPOLLIN);
	}
	block_join(&b);
	EXPECT_EQ(1, __atomic_load_n(&sigs, __ATOMIC_RELAXED));
	EXPECT_EQ(expect, b.ret);
	if (!expect)
		EXPECT_EQ((uint32_t)EPOLLIN, b.revents);
	EXPECT_GT(5000, b.ms);
	signal(SIGUSR1, SIG_DFL);
	close(sfd);
}

TEST_F(sf, wait_without_timeout_restarts_after_sa_restart_signal)
{
	SF_READY();
	wait_signalled(_metadata, self, SA_RESTART, -1, 0);
}

TEST_F(sf, wait_without_timeout_eintr_without_sa_restart)
{
	SF_READY();
	wait_signalled(_metadata, self, 0, -1, -EINTR);
}

TEST_F(sf, wait_with_timeout_eintr_even_with_sa_restart)
{
	SF_READY();
	wait_signalled(_metadata, self, SA_RESTART, 10000, -EINTR);
}

TEST_F(sf, wait_bad_arguments)
{
	struct cse_sock_wait w;
	int sfd, p[2];

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	memset(&w, 0, sizeof(w));
	w.flags = CSE_SOCK_WAIT_FLAGS_ALL + 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, &w));
	memset(&w, 0, sizeof(w));
	w.woke = 1;	/* (k) */
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, &w));
	memset(&w, 0, sizeof(w));
	w.reserved = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, &w));
	memset(&w, 0, sizeof(w));
	w.revents = EPOLLIN;	/* (k) */
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, &w));
	memset(&w, 0, sizeof(w));
	w.timeout_ns = -2;
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, &w));
	EXPECT_EQ(-EFAULT, cse_ioctl(sfd, CSE_SOCK_IOC_WAIT, NULL));
	/* another size: a malformed call; another number: not ours */
	memset(&w, 0, sizeof(w));
	EXPECT_EQ(-EINVAL, cse_ioctl(sfd, _IOWR(CSE_IOC_MAGIC, 0x40,
						 char[sizeof(w) + 8]), &w));
	EXPECT_EQ(-ENOTTY, cse_ioctl(sfd, _IOWR(CSE_IOC_MAGIC, 0x41,
						 struct cse_sock_wait), &w));
	/* the instance's ioctls are not the socket file's, nor the reverse */
	EXPECT_EQ(-ENOTTY, cse_ioctl(sfd, CSE_IOC_GET_INFO, &w));
	EXPECT_EQ(-ENOTTY, cse_ioctl(self->fd, CSE_SOCK_IOC_WAIT, &w));
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-ENOTTY, cse_ioctl(p[0], CSE_SOCK_IOC_WAIT, &w));
	close(p[0]);
	close(p[1]);
	close(sfd);
}

/* Backing sockets */

/* A TCP listener on 127.0.0.1; its port (host order) in *port. */
static int listener(int *port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t len = sizeof(sin);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)) ||
	    listen(s, 8) || getsockname(s, (struct sockaddr *)&sin, &len))
		return -1;
	*port = ntohs(sin.sin_port);
	return s;
}

/* Connect to 127.0.0.1:port; the connected socket or -errno. */
static int connect_local(int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), err;

	if (s < 0)
		return -errno;
	if (connect(s, (struct sockaddr *)&sin, sizeof(sin))) {
		err = -errno;
		close(s);
		return err;
	}
	return s;
}

static void backing_woken(struct __test_metadata *_metadata,
			  FIXTURE_DATA(sf) *self, int kind)
{
	struct pollfd pfd;
	int lis, port, sfd, c;
	struct blocked b;

	lis = listener(&port);
	ASSERT_LE(0, lis);
	sfd = sock_new(self->fd, 12, lis, CSE_SOCKET_POLL_BACKING);
	ASSERT_LE(0, sfd);
	pfd = (struct pollfd){ .fd = sfd, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	/* the slot's own readiness still counts */
	self->slots[12].mask = EPOLLOUT;
	pfd.events = POLLIN | POLLOUT;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);
	self->slots[12].mask = 0;
	/* asleep on the file; the kernel socket's readiness wakes it */
	ASSERT_EQ(0, block_start(&b, kind, sfd, POLLIN, 10000));
	c = connect_local(port);
	ASSERT_LE(0, c);
	block_join(&b);
	EXPECT_EQ(kind == B_WAIT ? 0 : 1, b.ret);
	EXPECT_EQ((uint32_t)POLLIN, b.revents & POLLIN);
	EXPECT_GT(5000, b.ms);
	close(c);
	close(sfd);
	close(lis);
}

TEST_F(sf, poll_backing_reports_the_kernel_socket)
{
	SF_READY();
	backing_woken(_metadata, self, B_POLL);
}

TEST_F(sf, wait_backing_woken_by_the_kernel_socket)
{
	SF_READY();
	backing_woken(_metadata, self, B_WAIT);
}

TEST_F(sf, backing_without_poll_backing_is_only_held)
{
	struct pollfd pfd;
	int lis, port, sfd, c;

	SF_READY();
	lis = listener(&port);
	ASSERT_LE(0, lis);
	sfd = sock_new(self->fd, 0, lis, 0);
	ASSERT_LE(0, sfd);
	c = connect_local(port);
	ASSERT_LE(0, c);
	pfd = (struct pollfd){ .fd = sfd, .events = POLLIN };
	EXPECT_EQ(0, poll(&pfd, 1, 100));
	close(c);
	/* the file holds the listener: it lives on after its descriptor */
	close(lis);
	c = connect_local(port);
	EXPECT_LE(0, c);
	close(c);
	/* and goes with the file */
	close(sfd);
	EXPECT_EQ(-ECONNREFUSED, connect_local(port));
}

/* Lifetime */

TEST_F(sf, dup_keeps_the_file_until_the_last_close)
{
	struct cse_event e;
	int sfd, d;

	SF_READY();
	sfd = sock_new(self->fd, 13, -1, 0);
	ASSERT_LE(0, sfd);
	d = dup(sfd);
	ASSERT_LE(0, d);
	close(sfd);
	EXPECT_EQ(0U, kflags(&self->slots[13]) & CSE_SLOT_RELEASED);
	EXPECT_EQ(0, released_event(self, &e));
	EXPECT_EQ(-EBUSY, sock_new(self->fd, 13, -1, 0));
	close(d);
	EXPECT_EQ(CSE_SLOT_RELEASED, kflags(&self->slots[13]));
	ASSERT_EQ(1, released_event(self, &e));
	EXPECT_EQ(13U, e.value);
	EXPECT_EQ(0U, e.ifindex);
	EXPECT_EQ(0U, e.value2);
	EXPECT_EQ(0ULL, e.reserved);
	EXPECT_LT(0ULL, e.seq);
	sfd = sock_new(self->fd, 13, -1, 0);
	EXPECT_LE(0, sfd);
	close(sfd);
}

TEST_F(sf, fork_shares_the_file)
{
	struct cse_event e;
	int sfd, go[2];
	pid_t pid;
	char c;

	SF_READY();
	sfd = sock_new(self->fd, 14, -1, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct pollfd pfd = { .fd = sfd, .events = POLLIN };

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		/* the parent's copy is gone; ours still reads the slot */
		_exit(poll(&pfd, 1, 0) == 1 && pfd.revents == POLLIN ? 0 : 2);
	}
	close(go[0]);
	close(sfd);
	usleep(50000);
	EXPECT_EQ(0, released_event(self, &e));
	EXPECT_EQ(-EBUSY, sock_new(self->fd, 14, -1, 0));
	self->slots[14].mask = EPOLLIN;
	ASSERT_EQ(1, write(go[1], "g", 1));
	EXPECT_EQ(0, t_wait(pid));
	/* the child's exit closed the last descriptor */
	ASSERT_EQ(1, released_event(self, &e));
	EXPECT_EQ(14U, e.value);
	close(go[1]);
}

TEST_F(sf, scm_rights_carries_the_file)
{
	struct cse_event e;
	struct pollfd pfd;
	int sfd, sv[2], got;

	SF_READY();
	sfd = sock_new(self->fd, 15, -1, 0);
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	ASSERT_EQ(0, t_send_fd(sv[0], sfd));
	/* in flight only: still alive */
	close(sfd);
	EXPECT_EQ(0, released_event(self, &e));
	got = t_recv_fd(sv[1]);
	ASSERT_LE(0, got);
	self->slots[15].mask = EPOLLOUT;
	pfd = (struct pollfd){ .fd = got, .events = POLLOUT };
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	close(got);
	ASSERT_EQ(1, released_event(self, &e));
	EXPECT_EQ(15U, e.value);
	close(sv[0]);
	close(sv[1]);
}

/* The EV ring may have dropped events: kflags still says what went. */
TEST_F(sf, released_flag_survives_a_full_event_ring)
{
	int fds[SLOTS], i;

	SF_READY();
	for (i = 0; i < SLOTS; i++) {
		fds[i] = sock_new(self->fd, i, -1, 0);
		ASSERT_LE(0, fds[i]);
	}
	/* the EV ring has 16 entries: 16 releases overflow it */
	for (i = 0; i < SLOTS; i++)
		close(fds[i]);
	EXPECT_LT(0ULL, t_stats(self->fd).ev_dropped);
	for (i = 0; i < SLOTS; i++)
		EXPECT_EQ(CSE_SLOT_RELEASED, kflags(&self->slots[i]));
}

/* The instance's death */

TEST_F(sf, closing_the_instance_hangs_its_socket_files_up)
{
	long refs = cse_module_refs();
	struct pollfd pfd;
	struct blocked b;
	uint32_t rev = 0;
	int sfd, sfd2;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	sfd2 = sock_new(self->fd, 1, -1, 0);
	ASSERT_LE(0, sfd);
	ASSERT_LE(0, sfd2);
	EXPECT_EQ(refs + 2, cse_module_refs());
	self->slots[0].mask = EPOLLOUT;
	ASSERT_EQ(0, block_start(&b, B_POLL, sfd2, POLLIN, 10000));
	/* the descriptor and the mapping: the instance's file goes */
	sf_close(self);
	/* a sleeper is woken to see it */
	block_join(&b);
	EXPECT_EQ(1, b.ret);
	EXPECT_EQ((uint32_t)(POLLERR | POLLHUP), b.revents);
	EXPECT_GT(5000, b.ms);
	pfd = (struct pollfd){ .fd = sfd, .events = POLLIN | POLLOUT };
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLERR | POLLHUP, pfd.revents);
	EXPECT_EQ(0, sock_wait(sfd, EPOLLIN, -1, &rev));
	EXPECT_EQ((uint32_t)(EPOLLERR | EPOLLHUP), rev);
	/* the files still hold the module; their close frees the instance */
	EXPECT_EQ(refs, cse_module_refs() - 1);
	close(sfd);
	close(sfd2);
	EXPECT_EQ(refs - 1, cse_module_refs());
}

TEST_F(sf, each_socket_file_pins_the_module)
{
	long refs = cse_module_refs();
	int sfd;

	SF_READY();
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(refs + 1, cse_module_refs());
	close(sfd);
	EXPECT_EQ(refs, cse_module_refs());
}

TEST_F(sf, rmmod_refused_while_a_socket_file_lives)
{
	int sfd;

	SF_READY();
	if (geteuid())
		SKIP(return, "needs root");
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	sf_close(self);
	/* no instance file is left, only the socket file */
	EXPECT_EQ(-1, syscall(SYS_delete_module, "cse", O_NONBLOCK));
	EXPECT_EQ(EWOULDBLOCK, errno);
	EXPECT_EQ(0, access("/sys/module/cse", F_OK));
	close(sfd);
}

/* Bad requests */

TEST_F(sf, socket_bad_requests)
{
	struct cse_socket s;
	int p[2], sfd;

	SF_READY();
	ASSERT_EQ(0, pipe(p));
	EXPECT_EQ(-EINVAL, sock_new(self->fd, SLOTS, -1, 0));
	EXPECT_EQ(-EINVAL, sock_new(self->fd, ~0U, -1, 0));
	for (int bit = 3; bit < 32; bit++)
		EXPECT_EQ(-EINVAL, sock_new(self->fd, 0, -1, 1U << bit));
	EXPECT_EQ(-EINVAL, sock_new(self->fd, 0, -1, CSE_SOCKET_POLL_BACKING));
	EXPECT_EQ(-EBADF, sock_new(self->fd, 0, 9999, 0));
	EXPECT_EQ(-EBADF, sock_new(self->fd, 0, -2, 0));
	EXPECT_EQ(-ENOTSOCK, sock_new(self->fd, 0, p[0], 0));
	EXPECT_EQ(-ENOTSOCK, sock_new(self->fd, 0, self->fd, 0));
	memset(&s, 0, sizeof(s));
	s.backing_fd = -1;
	s.fd = 3;	/* (k) */
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SOCKET, &s));
	s.fd = 0;
	s.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SOCKET, &s));
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_SOCKET, NULL));
	s.reserved[1] = 0;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, _IOWR(CSE_IOC_MAGIC, 0x08,
						      char[sizeof(s) - 8]), &s));
	/* a socket file is no backing socket */
	sfd = sock_new(self->fd, 0, -1, 0);
	ASSERT_LE(0, sfd);
	EXPECT_EQ(-ENOTSOCK, sock_new(self->fd, 1, sfd, 0));
	close(sfd);
	/* none of that took a slot */
	for (int i = 0; i < SLOTS; i++) {
		sfd = sock_new(self->fd, i, -1, 0);
		EXPECT_LE(0, sfd);
		close(sfd);
	}
	close(p[0]);
	close(p[1]);
}

TEST_F(sf, socket_out_of_descriptors_emfile)
{
	struct rlimit old, none;
	int sfd;

	SF_READY();
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	none = old;
	none.rlim_cur = 0;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &none));
	EXPECT_EQ(-EMFILE, sock_new(self->fd, 2, -1, 0));
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	/* the slot was not taken */
	sfd = sock_new(self->fd, 2, -1, 0);
	EXPECT_LE(0, sfd);
	close(sfd);
}

/* The instance must have been granted socket files and have slots. */
TEST_F(sf, socket_needs_the_feature_and_slots)
{
	struct cse_attach r;
	int fd;

	SF_READY();
	/* not granted: EOPNOTSUPP, attached or not */
	fd = cse_open_ready(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, sock_new(fd, 0, -1, 0));
	close(fd);
	t_attach_req(&r, self->net.ifindex);
	fd = t_open_with(&r);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EOPNOTSUPP, sock_new(fd, 0, -1, 0));
	close(fd);
	/* granted, but not attached, or attached without slots: EBADFD */
	fd = cse_open_want(CSE_FEAT_SOCKETS, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, sock_new(fd, 0, -1, 0));
	EXPECT_EQ(-EBADFD, sock_wake(fd, (uint32_t[]){ 0 }, 1));
	close(fd);
	t_attach_req(&r, self->net.ifindex);
	fd = t_open_want(&r, CSE_FEAT_SOCKETS);
	ASSERT_LE(0, fd);
	EXPECT_EQ(0U, r.sock_entries);
	EXPECT_EQ(0ULL, r.socks);
	EXPECT_EQ(-EBADFD, sock_new(fd, 0, -1, 0));
	EXPECT_EQ(-EBADFD, sock_wake(fd, (uint32_t[]){ 0 }, 1));
	close(fd);
	/* no handshake at all */
	fd = cse_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, sock_new(fd, 0, -1, 0));
	close(fd);
}

TEST_F(sf, sock_wake_bad_requests)
{
	uint32_t many[CSE_MAX_SOCK_WAKE + 1] = { 0 };
	struct cse_sock_wake w;
	int fds[4];

	SF_READY();
	EXPECT_EQ(-EINVAL, sock_wake(self->fd, many, 0));
	EXPECT_EQ(-EINVAL, sock_wake(self->fd, many, CSE_MAX_SOCK_WAKE + 1));
	EXPECT_EQ(0, sock_wake(self->fd, many, CSE_MAX_SOCK_WAKE));
	many[CSE_MAX_SOCK_WAKE - 1] = SLOTS;
	EXPECT_EQ(-EINVAL, sock_wake(self->fd, many, CSE_MAX_SOCK_WAKE));
	EXPECT_EQ(-EINVAL, sock_wake(self->fd, (uint32_t[]){ 1, ~0U }, 2));
	EXPECT_EQ(-EFAULT, sock_wake(self->fd, NULL, 1));
	EXPECT_EQ(-EFAULT, sock_wake(self->fd, NULL, 100));
	memset(&w, 0, sizeof(w));
	w.slots = (uintptr_t)many;
	w.count = 1;
	w.flags = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SOCK_WAKE, &w));
	w.flags = 0;
	w.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SOCK_WAKE, &w));
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_SOCK_WAKE, NULL));
	/* a long list of live and free slots, some twice */
	for (int i = 0; i < 4; i++) {
		fds[i] = sock_new(self->fd, i * 3, -1, 0);
		ASSERT_LE(0, fds[i]);
	}
	for (int i = 0; i < 100; i++)
		many[i] = i % SLOTS;
	EXPECT_EQ(0, sock_wake(self->fd, many, 100));
	for (int i = 0; i < 4; i++)
		close(fds[i]);
}

/* The slot table in the area */

TEST_F(sf, slot_table_lies_in_the_area)
{
	uint64_t end = self->att.socks +
		       (uint64_t)SLOTS * sizeof(struct cse_sock_slot);

	SF_READY();
	EXPECT_EQ((uint32_t)SLOTS, self->att.sock_entries);
	EXPECT_EQ(0ULL, self->att.socks % 64);
	EXPECT_LE(self->att.ev.desc + (uint64_t)self->att.ev.entries *
		  sizeof(struct cse_event), self->att.socks);
	EXPECT_LE(self->att.rx.desc + (uint64_t)self->att.rx.entries *
		  sizeof(struct cse_desc), self->att.socks);
	EXPECT_LE(self->att.tx.desc + (uint64_t)self->att.tx.entries *
		  sizeof(struct cse_desc), self->att.socks);
	EXPECT_LE(end, self->att.rx_frames);
	EXPECT_EQ(0U, self->att.__pad2);
	/* no socket table asked for, none laid out */
	EXPECT_EQ(0ULL, self->att.sock_info);
	/* the sleepers' word (CSE_FEAT_WAIT_RINGS): a word of the header */
	EXPECT_NE(0ULL, self->att.ring_sleepers);
	EXPECT_EQ(0ULL, self->att.ring_sleepers % sizeof(uint32_t));
	EXPECT_GT(self->att.rx.desc, self->att.ring_sleepers);
	/* zeroed */
	for (int i = 0; i < SLOTS; i++) {
		EXPECT_EQ(0U, self->slots[i].mask);
		EXPECT_EQ(0U, self->slots[i].kflags);
	}
}

TEST_F(sf, attach_sock_entries_checked)
{
	uint32_t bad[] = { 3, 6, 100, CSE_MAX_SOCK_ENTRIES + 1,
			   CSE_MAX_SOCK_ENTRIES * 2, ~0U };
	struct cse_attach r;
	int fd;

	SF_READY();
	for (unsigned int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fd = cse_open_want(CSE_FEATURES_ALL, NULL);
		ASSERT_LE(0, fd);
		t_attach_req(&r, self->net.ifindex);
		r.sock_entries = bad[i];
		EXPECT_EQ(-EINVAL, cse_ioctl(fd, CSE_IOC_ATTACH, &r)) {
			TH_LOG("sock_entries %u accepted", bad[i]);
		}
		close(fd);
	}
	/* without the feature even a good size is refused */
	fd = cse_open_want(CSE_FEAT_PORT_FD, NULL);
	ASSERT_LE(0, fd);
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = 16;
	EXPECT_EQ(-EINVAL, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
	close(fd);
	/* pad and (k) fields */
	fd = cse_open_want(CSE_FEATURES_ALL, NULL);
	ASSERT_LE(0, fd);
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = 16;
	r.__pad2 = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = 16;
	r.socks = 4096;
	EXPECT_EQ(-EINVAL, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
	/* the largest table, 1 and 2 are fine */
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = CSE_MAX_SOCK_ENTRIES;
	EXPECT_EQ(0, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
	EXPECT_LE(r.socks + (uint64_t)CSE_MAX_SOCK_ENTRIES *
		  sizeof(struct cse_sock_slot), r.rx_frames);
	close(fd);
	for (uint32_t n = 1; n <= 2; n++) {
		int sfd;

		fd = cse_open_want(CSE_FEATURES_ALL, NULL);
		ASSERT_LE(0, fd);
		t_attach_req(&r, self->net.ifindex);
		r.sock_entries = n;
		EXPECT_EQ(0, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
		sfd = sock_new(fd, n - 1, -1, 0);
		EXPECT_LE(0, sfd);
		EXPECT_EQ(-EINVAL, sock_new(fd, n, -1, 0));
		close(sfd);
		close(fd);
	}
}

static int set_param(const char *name, long long val)
{
	char path[128];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/module/cse/parameters/%s", name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	ok = fprintf(f, "%lld", val) > 0;
	return fclose(f) || !ok ? -1 : 0;
}

/*
 * The slot table counts against max_mem: with a 1 MiB limit, small rings
 * fit, and 65536 slots (1 MiB) no longer do.
 */
TEST_F(sf, slot_table_counts_against_max_mem)
{
	long long old = cse_param("max_mem_mb");
	struct cse_attach r;
	struct cse_hello h;
	int fd, err;

	SF_READY();
	if (geteuid())
		SKIP(return, "needs root to change max_mem_mb");
	ASSERT_LT(0, old);
	ASSERT_EQ(0, set_param("max_mem_mb", 1));
	fd = cse_open_want(CSE_FEATURES_ALL, &h);
	ASSERT_EQ(0, set_param("max_mem_mb", old));
	ASSERT_LE(0, fd);
	ASSERT_EQ(1ULL << 20, h.max_mem);
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = CSE_MAX_SOCK_ENTRIES;
	err = cse_ioctl(fd, CSE_IOC_ATTACH, &r);
	EXPECT_EQ(-ENOBUFS, err);
	t_attach_req(&r, self->net.ifindex);
	r.sock_entries = CSE_MAX_SOCK_ENTRIES / 8;
	EXPECT_EQ(0, cse_ioctl(fd, CSE_IOC_ATTACH, &r));
	EXPECT_GE(h.max_mem, r.mmap_size);
	close(fd);
}

TEST_HARNESS_MAIN
