// SPDX-License-Identifier: GPL-2.0
/*
 * Events: what happens to the attached device outside the application
 * arrives in the EV ring (link, carrier, MTU, addresses), wakes poll() and
 * epoll, signals an eventfd, and a full ring says so. Topology: cse_net.h.
 */
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#include "kselftest_harness.h"
#include "cse_net.h"

FIXTURE(ev) {
	struct t_net net;
	struct cse_attach att;
	uint8_t *area;
	struct t_ring ev;
	int fd;
};

static int open_with_ev(FIXTURE_DATA(ev) *self, int ev_entries)
{
	t_attach_req(&self->att, self->net.ifindex);
	self->att.ev_entries = ev_entries;
	self->fd = t_open_with(&self->att);
	if (self->fd < 0)
		return -1;
	self->area = t_map(self->fd, &self->att);
	if (!self->area)
		return -1;
	t_ring(&self->ev, self->area, &self->att.ev);
	return 0;
}

FIXTURE_SETUP(ev)
{
	self->fd = -1;
	self->area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, open_with_ev(self, 64));
}

FIXTURE_TEARDOWN(ev)
{
	if (self->area)
		munmap(self->area, self->att.mmap_size);
	if (self->fd >= 0)
		close(self->fd);
	t_net_down(&self->net);
}

/*
 * Wait up to ms for an event of @type (and @value unless -1), consuming
 * every event before it; returns 1 if found.
 */
static int wait_event(FIXTURE_DATA(ev) *self, uint32_t type, long long value,
		      struct cse_event *out, int ms)
{
	for (; ms >= 0; ms -= 10) {
		while (t_ring_avail(&self->ev)) {
			struct cse_event e =
				*(struct cse_event *)t_ring_entry(&self->ev,
								  *self->ev.consumer);

			t_ring_release(&self->ev, 1);
			if (e.type == type &&
			    (value < 0 || e.value == (uint32_t)value)) {
				if (out)
					*out = e;
				return 1;
			}
		}
		usleep(10000);
	}
	return 0;
}

TEST_F(ev, link_down_and_up)
{
	struct cse_event e;

	ASSERT_EQ(0, t_sh("ip link set %s down", self->net.a));
	ASSERT_TRUE(wait_event(self, CSE_EV_DOWN, -1, &e, 2000));
	EXPECT_EQ((uint32_t)self->net.ifindex, e.ifindex);
	ASSERT_EQ(0, t_sh("ip link set %s up", self->net.a));
	ASSERT_TRUE(wait_event(self, CSE_EV_UP, -1, &e, 2000));
	EXPECT_EQ((uint32_t)self->net.ifindex, e.ifindex);
}

/* The peer going down takes our carrier away, and back. */
TEST_F(ev, carrier_off_and_on)
{
	ASSERT_EQ(0, t_sh("ip -n %s link set %s down", self->net.ns,
			  self->net.b));
	ASSERT_TRUE(wait_event(self, CSE_EV_CARRIER, 0, NULL, 3000));
	ASSERT_EQ(0, t_sh("ip -n %s link set %s up", self->net.ns,
			  self->net.b));
	ASSERT_TRUE(wait_event(self, CSE_EV_CARRIER, 1, NULL, 3000));
}

TEST_F(ev, mtu_change)
{
	struct cse_event e;

	ASSERT_EQ(0, t_sh("ip link set %s mtu 1400", self->net.a));
	ASSERT_TRUE(wait_event(self, CSE_EV_MTU, 1400, &e, 2000));
	EXPECT_EQ(0U, e.value2);
	EXPECT_EQ(0ULL, e.reserved);
}

TEST_F(ev, address_added_and_removed)
{
	struct cse_event e;
	in_addr_t a = htonl(0x0a4e0001 | self->net.subnet << 8);

	ASSERT_EQ(0, t_sh("ip addr add 10.78.%d.1/28 dev %s", self->net.subnet,
			  self->net.a));
	ASSERT_TRUE(wait_event(self, CSE_EV_ADDR_ADD, a, &e, 2000));
	EXPECT_EQ(28U, e.value2);
	ASSERT_EQ(0, t_sh("ip addr del 10.78.%d.1/28 dev %s", self->net.subnet,
			  self->net.a));
	ASSERT_TRUE(wait_event(self, CSE_EV_ADDR_DEL, a, &e, 2000));
	EXPECT_EQ(28U, e.value2);
}

/* Events of other devices are not ours. */
TEST_F(ev, other_devices_events_are_not_seen)
{
	ASSERT_EQ(0, t_sh("ip -n %s link set lo mtu 1300", self->net.ns));
	ASSERT_EQ(0, t_sh("ip link add cse%dx type dummy 2>/dev/null || true",
			  getpid()));
	ASSERT_EQ(0, t_sh("ip link del cse%dx 2>/dev/null || true", getpid()));
	usleep(100000);
	EXPECT_EQ(0U, t_ring_avail(&self->ev));
}

/*
 * A full ring: the last entry becomes an overflow record, the rest is
 * counted; sequence numbers show what was lost.
 */
TEST_F(ev, overflow_is_reported_never_silent)
{
	struct cse_event *e;
	struct cse_stats st;

	munmap(self->area, self->att.mmap_size);
	close(self->fd);
	ASSERT_EQ(0, open_with_ev(self, 2));
	for (int i = 0; i < 5; i++)
		ASSERT_EQ(0, t_sh("ip link set %s mtu %d", self->net.a,
				  1400 + i));
	ASSERT_EQ(2U, t_ring_avail(&self->ev));
	e = t_ring_entry(&self->ev, 0);
	EXPECT_EQ(CSE_EV_MTU, (int)e->type);
	EXPECT_EQ(1400U, e->value);
	EXPECT_EQ(1ULL, e->seq);
	e = t_ring_entry(&self->ev, 1);
	EXPECT_EQ(CSE_EV_OVERFLOW, (int)e->type);
	EXPECT_EQ(2ULL, e->seq);
	st = t_stats(self->fd);
	EXPECT_EQ(1ULL, st.ev_events);
	EXPECT_EQ(4ULL, st.ev_dropped);
	/* consumed: events flow again, numbered after the lost ones */
	t_ring_release(&self->ev, 2);
	ASSERT_EQ(0, t_sh("ip link set %s mtu 1500", self->net.a));
	ASSERT_EQ(1U, t_ring_avail(&self->ev));
	e = t_ring_entry(&self->ev, 2);
	EXPECT_EQ(CSE_EV_MTU, (int)e->type);
	EXPECT_EQ(6ULL, e->seq);
}

TEST_F(ev, epoll_wakes_on_an_event)
{
	struct epoll_event ee = { .events = EPOLLIN }, out;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	pid_t pid;

	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->fd, &ee));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		usleep(200000);
		_exit(t_sh("ip link set %s mtu 1280", self->net.a));
	}
	/* asleep in epoll_wait when the event comes */
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 3000));
	EXPECT_NE(0U, out.events & EPOLLIN);
	EXPECT_EQ(0, t_wait(pid));
	close(ep);
}

TEST_F(ev, device_gone_is_hangup)
{
	struct pollfd pfd = { .fd = self->fd, .events = POLLIN };

	EXPECT_EQ(0, poll(&pfd, 1, 0));
	ASSERT_EQ(0, t_sh("ip link del %s", self->net.a));
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLIN | POLLHUP, pfd.revents);
}

static int set_eventfd(int fd, int efd)
{
	struct cse_eventfd e;

	memset(&e, 0, sizeof(e));
	e.fd = efd;
	return cse_ioctl(fd, CSE_IOC_SET_EVENTFD, &e);
}

TEST_F(ev, eventfd_signalled_on_events_and_frames)
{
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK), port = t_port(0);
	struct cse_port p;
	uint64_t n = 0;

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, set_eventfd(self->fd, efd));
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	ASSERT_EQ(0, t_sh("ip link set %s mtu 1300", self->net.a));
	ASSERT_EQ(8, read(efd, &n, sizeof(n)));
	EXPECT_LE(1ULL, n);
	/* a frame for an owned port signals it too */
	t_port_req(&p, IPPROTO_UDP, port);
	ASSERT_LT(0, t_reserve(self->fd, &p));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "e", 1));
	usleep(200000);
	ASSERT_EQ(8, read(efd, &n, sizeof(n)));
	EXPECT_LE(1ULL, n);
	/* -1 stops it */
	ASSERT_EQ(0, set_eventfd(self->fd, -1));
	ASSERT_EQ(0, t_sh("ip link set %s mtu 1400", self->net.a));
	EXPECT_EQ(-1, read(efd, &n, sizeof(n)));
	close(efd);
}

TEST_F(ev, set_eventfd_errors)
{
	struct cse_eventfd e;
	int fd;

	EXPECT_EQ(-EBADF, set_eventfd(self->fd, 9999));
	EXPECT_EQ(-EINVAL, set_eventfd(self->fd, self->fd));	/* not an eventfd */
	EXPECT_EQ(-EINVAL, set_eventfd(self->fd, -2));
	memset(&e, 0, sizeof(e));
	e.fd = -1;
	e.flags = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SET_EVENTFD, &e));
	e.flags = 0;
	e.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_SET_EVENTFD, &e));
	fd = cse_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, set_eventfd(fd, -1));
	close(fd);
}

/* Closing with an eventfd set releases it (no leak, no warning). */
TEST_F(ev, close_with_eventfd_set)
{
	int efd = eventfd(0, EFD_CLOEXEC);

	ASSERT_LE(0, efd);
	ASSERT_EQ(0, set_eventfd(self->fd, efd));
	ASSERT_EQ(0, set_eventfd(self->fd, efd));	/* replaces itself */
	munmap(self->area, self->att.mmap_size);
	self->area = NULL;
	close(self->fd);
	self->fd = -1;
	close(efd);
}

TEST_HARNESS_MAIN
