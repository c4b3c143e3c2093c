// SPDX-License-Identifier: GPL-2.0
/*
 * Shared ports (ABI 1.3): instances that adopt one listening socket share
 * its port, and every segment still reaches exactly one of them: a pinned
 * (connected) filter first, a SYN to an accepting filter by a hash of its
 * 4-tuple, everything else to the oldest filter. Topology: cse_net.h; the
 * peer's segments are its kernel's SYNs (connect()) and, for what a
 * kernel client would not send unprompted, a raw socket's.
 */
#include <netinet/tcp.h>

#include "kselftest_harness.h"
#include "cse_net.h"
#include "cse_rxring.h"

#define WANT	(CSE_FEAT_PORT_FD | CSE_FEAT_SHARED_PORTS)

FIXTURE(shared) {
	struct t_net net;
	struct t_inst a, b;
	int ls;			/* the listening socket both adopt */
	int port;
	int ready;
};

FIXTURE_SETUP(shared)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };

	self->a.fd = self->b.fd = self->ls = -1;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, inst_open_want(&self->a, &self->net, 256, WANT));
	ASSERT_EQ(0, inst_open_want(&self->b, &self->net, 256, WANT));
	self->port = t_port(40);
	sin.sin_port = htons(self->port);
	self->ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, self->ls);
	ASSERT_EQ(0, bind(self->ls, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(self->ls, 16));
	self->ready = 1;
}

FIXTURE_TEARDOWN(shared)
{
	t_inst_close(&self->a);
	t_inst_close(&self->b);
	if (self->ls >= 0)
		close(self->ls);
	t_net_down(&self->net);
}

#define SHARED_READY() do {		\
	if (!self->ready)		\
		return;			\
} while (0)

/* Adopt @sock in @fd's instance with @flags; returns the reply's flags. */
static int adopt(int fd, int sock, __u32 flags, struct cse_port *p)
{
	t_port_req(p, IPPROTO_TCP, 0);
	p->flags = CSE_PORT_SOCKET | flags;
	p->fd = sock;
	return t_reserve(fd, p) > 0 ? (int)(p->flags & CSE_PORT_SHARED) : -1;
}

/* Pin the flow from the peer's @rport to @fd's instance. */
static int pin(FIXTURE_DATA(shared) *self, int fd, int rport)
{
	struct cse_port p;

	t_port_req(&p, IPPROTO_TCP, 0);
	p.flags = CSE_PORT_SOCKET | CSE_PORT_CONNECTED;
	p.fd = self->ls;
	p.remote_addr = t_addr(&self->net, 2);
	p.remote_port = htons(rport);
	return t_reserve(fd, &p);
}

static int set_accepting(int fd, uint32_t id, bool on)
{
	struct cse_port p = {
		.id = id,
		.flags = on ? CSE_PORT_ACCEPTING : 0,
	};

	return ioctl(fd, CSE_IOC_PORT_ACCEPT, &p) ? -errno : 0;
}

/* From the peer: one TCP segment with @flags to the shared port. */
static int raw_segment(FIXTURE_DATA(shared) *self, int sport, uint8_t flags)
{
	return t_peer_tcp_segment(&self->net, sport, self->port, flags);
}

/* @n connection attempts (SYNs) from the peer's kernel, all at once. */
static int peer_syns(FIXTURE_DATA(shared) *self, int n)
{
	struct sockaddr_in sin = t_sin(&self->net, 1, self->port);
	pid_t pid = t_in_peer(&self->net);

	if (pid)
		return pid < 0 ? -1 : t_wait(pid);
	for (int i = 0; i < n; i++) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		connect(s, (struct sockaddr *)&sin, sizeof(sin));
	}
	usleep(200000);
	_exit(0);
}

/*
 * Segments for the shared port the instance got, waiting up to @ms for
 * @want ring entries (ARP requests are copied to every instance: only the
 * port's segments count). Released.
 */
static int got(FIXTURE_DATA(shared) *self, struct t_inst *in, int want, int ms)
{
	wait_rx(in, want, ms);
	usleep(100000);
	return drain(in, IPPROTO_TCP, self->port, NULL);
}

TEST_F(shared, only_a_later_instance_is_told_it_shares)
{
	struct cse_port p, q, r;

	SHARED_READY();
	EXPECT_EQ(0, adopt(self->a.fd, self->ls, 0, &p));
	/* a second filter of its own shares with nobody else */
	EXPECT_EQ(0, adopt(self->a.fd, self->ls, 0, &r));
	EXPECT_EQ((int)CSE_PORT_SHARED, adopt(self->b.fd, self->ls, 0, &q));
	EXPECT_EQ(htons(self->port), q.local_port);
}

TEST_F(shared, syns_go_to_the_oldest_while_nobody_accepts)
{
	struct cse_port p, q;

	SHARED_READY();
	ASSERT_EQ(0, adopt(self->a.fd, self->ls, 0, &p));
	ASSERT_EQ((int)CSE_PORT_SHARED, adopt(self->b.fd, self->ls, 0, &q));
	ASSERT_EQ(0, peer_syns(self, 6));
	EXPECT_EQ(6, got(self, &self->a, 6, 2000));
	EXPECT_EQ(0, got(self, &self->b, 1, 100));
}

TEST_F(shared, syns_go_only_to_accepting_filters_spread_by_flow)
{
	struct cse_port p, q;
	int na, nb;

	SHARED_READY();
	ASSERT_EQ(0, adopt(self->a.fd, self->ls, 0, &p));
	ASSERT_EQ((int)CSE_PORT_SHARED,
		  adopt(self->b.fd, self->ls, CSE_PORT_ACCEPTING, &q));
	ASSERT_EQ(0, peer_syns(self, 8));
	EXPECT_EQ(8, got(self, &self->b, 8, 2000));
	EXPECT_EQ(0, got(self, &self->a, 1, 100));
	/* both accept: 40 connections land on both (2^-39 to fail) */
	ASSERT_EQ(0, set_accepting(self->a.fd, p.id, true));
	ASSERT_EQ(0, peer_syns(self, 40));
	na = got(self, &self->a, 1, 2000);
	nb = got(self, &self->b, 1, 2000);
	EXPECT_EQ(40, na + nb);
	EXPECT_LT(0, na);
	EXPECT_LT(0, nb);
	/* and back: only a again */
	ASSERT_EQ(0, set_accepting(self->b.fd, q.id, false));
	ASSERT_EQ(0, peer_syns(self, 8));
	EXPECT_EQ(8, got(self, &self->a, 8, 2000));
	EXPECT_EQ(0, got(self, &self->b, 1, 100));
}

TEST_F(shared, one_connections_syns_stay_on_one_filter)
{
	struct cse_port p, q;
	int sport = t_port(41);
	int na, nb;

	SHARED_READY();
	ASSERT_EQ(0, adopt(self->a.fd, self->ls, CSE_PORT_ACCEPTING, &p));
	ASSERT_EQ((int)CSE_PORT_SHARED,
		  adopt(self->b.fd, self->ls, CSE_PORT_ACCEPTING, &q));
	/* the same 4-tuple ten times: all on whichever filter won it */
	for (int i = 0; i < 10; i++)
		ASSERT_EQ(0, raw_segment(self, sport, TH_SYN));
	na = got(self, &self->a, 1, 1000);
	nb = got(self, &self->b, 1, 1000);
	EXPECT_TRUE((na == 10 && !nb) || (nb == 10 && !na));
}

TEST_F(shared, other_segments_go_to_the_oldest_unless_pinned)
{
	struct cse_port p, q;
	int x = t_port(42), y = t_port(43);

	SHARED_READY();
	ASSERT_EQ(0, adopt(self->a.fd, self->ls, 0, &p));
	ASSERT_EQ((int)CSE_PORT_SHARED,
		  adopt(self->b.fd, self->ls, CSE_PORT_ACCEPTING, &q));
	ASSERT_EQ(0, raw_segment(self, x, TH_ACK));
	EXPECT_EQ(1, got(self, &self->a, 1, 2000));
	EXPECT_EQ(0, got(self, &self->b, 1, 100));
	/* a pin wins for every segment of its flow, a SYN too */
	ASSERT_LT(0, pin(self, self->b.fd, x));
	ASSERT_EQ(0, set_accepting(self->b.fd, q.id, false));
	ASSERT_EQ(0, set_accepting(self->a.fd, p.id, true));
	ASSERT_EQ(0, raw_segment(self, x, TH_ACK));
	ASSERT_EQ(0, raw_segment(self, x, TH_SYN));
	ASSERT_EQ(0, raw_segment(self, y, TH_ACK | TH_PUSH));
	EXPECT_EQ(2, got(self, &self->b, 2, 2000));
	EXPECT_EQ(1, got(self, &self->a, 1, 2000));
	/* the oldest goes: the next one gets the unpinned rest */
	t_inst_close(&self->a);
	ASSERT_EQ(0, raw_segment(self, y, TH_ACK));
	EXPECT_EQ(1, got(self, &self->b, 1, 2000));
}

TEST_F(shared, accepting_flag_bad_requests)
{
	struct cse_port p, u;
	int s, fd;

	SHARED_READY();
	/* only TCP listening filters accept */
	t_port_req(&u, IPPROTO_UDP, 0);
	u.flags = CSE_PORT_ACCEPTING;
	EXPECT_EQ(-EINVAL, t_reserve(self->a.fd, &u));
	t_port_req(&u, IPPROTO_TCP, 0);
	u.flags = CSE_PORT_ACCEPTING | CSE_PORT_CONNECTED;
	u.remote_addr = t_addr(&self->net, 2);
	u.remote_port = htons(80);
	EXPECT_EQ(-EINVAL, t_reserve(self->a.fd, &u));
	/* CSE_PORT_SHARED is the module's to write */
	t_port_req(&u, IPPROTO_TCP, 0);
	u.flags = CSE_PORT_SHARED;
	EXPECT_EQ(-EINVAL, t_reserve(self->a.fd, &u));
	ASSERT_EQ(0, adopt(self->a.fd, self->ls, 0, &p));
	EXPECT_EQ(-ENOENT, set_accepting(self->a.fd, p.id + 100, true));
	EXPECT_EQ(-ENOENT, set_accepting(self->b.fd, p.id, true));
	memset(&u, 0, sizeof(u));
	u.id = p.id;
	u.flags = CSE_PORT_ACCEPTING | CSE_PORT_SOCKET;
	EXPECT_EQ(-1, ioctl(self->a.fd, CSE_IOC_PORT_ACCEPT, &u));
	EXPECT_EQ(EINVAL, errno);
	u.flags = CSE_PORT_ACCEPTING;
	u.local_port = htons(1);
	EXPECT_EQ(-1, ioctl(self->a.fd, CSE_IOC_PORT_ACCEPT, &u));
	EXPECT_EQ(EINVAL, errno);
	/* a UDP filter and a pin cannot accept */
	t_port_req(&u, IPPROTO_UDP, 0);
	ASSERT_LT(0, t_reserve(self->a.fd, &u));
	EXPECT_EQ(-EINVAL, set_accepting(self->a.fd, u.id, true));
	s = pin(self, self->a.fd, 7);
	ASSERT_LT(0, s);
	EXPECT_EQ(-EINVAL, set_accepting(self->a.fd, (uint32_t)s, true));
	/* not negotiated: the flag is unknown and the ioctl refused */
	fd = cse_open_want(CSE_FEAT_PORT_FD, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, CSE_IOC_PORT_ACCEPT, &u));
	EXPECT_EQ(EBADFD, errno);
	close(fd);
}

TEST_HARNESS_MAIN
