// SPDX-License-Identifier: GPL-2.0
/*
 * Port ownership: CSE_IOC_PORT_RESERVE and CSE_IOC_PORT_RELEASE hold ports
 * through real sockets of the opener, so the kernel's bind() rules apply.
 * Topology: cse_net.h.
 */
#include "kselftest_harness.h"
#include "cse_net.h"

FIXTURE(port) {
	struct t_net net;
	struct cse_attach att;
	int fd;
};

FIXTURE_SETUP(port)
{
	self->fd = -1;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	self->fd = t_open_attached(self->net.ifindex, &self->att);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(port)
{
	if (self->fd >= 0)
		close(self->fd);
	t_net_down(&self->net);
}

/* Bind socket @s to (any address, @port); 0 or -errno. */
static int t_bind_any(int s, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};

	return bind(s, (struct sockaddr *)&sin, sizeof(sin)) ? -errno : 0;
}

TEST_F(port, reserved_port_is_taken_for_the_kernel)
{
	struct cse_port p;
	int port = t_port(0);

	t_port_req(&p, IPPROTO_TCP, port);
	ASSERT_LT(0, t_reserve(self->fd, &p));
	EXPECT_EQ(htons(port), p.local_port);
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_STREAM, port));
	/* the other protocol's port of the same number is free */
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, port));
	t_port_req(&p, IPPROTO_UDP, port);
	ASSERT_LT(0, t_reserve(self->fd, &p));
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_DGRAM, port));
}

TEST_F(port, ids_are_unique_and_nonzero)
{
	struct cse_port p;
	int a, b;

	t_port_req(&p, IPPROTO_UDP, 0);
	a = t_reserve(self->fd, &p);
	t_port_req(&p, IPPROTO_UDP, 0);
	b = t_reserve(self->fd, &p);
	EXPECT_LT(0, a);
	EXPECT_LT(0, b);
	EXPECT_NE(a, b);
}

TEST_F(port, port_of_a_kernel_socket_eaddrinuse)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(t_port(1)),
	};
	struct cse_port p;
	int s = socket(AF_INET, SOCK_STREAM, 0);

	ASSERT_LE(0, s);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	t_port_req(&p, IPPROTO_TCP, t_port(1));
	EXPECT_EQ(-EADDRINUSE, t_reserve(self->fd, &p));
	close(s);
	EXPECT_LT(0, t_reserve(self->fd, &p));
}

TEST_F(port, port_of_another_instance_eaddrinuse)
{
	struct cse_port p;
	int other;

	other = t_open_attached(self->net.ifindex, NULL);
	ASSERT_LE(0, other);
	t_port_req(&p, IPPROTO_UDP, t_port(2));
	ASSERT_LT(0, t_reserve(other, &p));
	t_port_req(&p, IPPROTO_UDP, t_port(2));
	EXPECT_EQ(-EADDRINUSE, t_reserve(self->fd, &p));
	close(other);
	EXPECT_LT(0, t_reserve(self->fd, &p));
}

static void set_range(const char *range)
{
	FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "w");

	if (f) {
		fputs(range, f);
		fclose(f);
	}
}

TEST_F(port, ephemeral_port_from_ip_local_port_range)
{
	char old[64] = "";
	struct cse_port p;
	FILE *f;
	int n = 0;

	f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
	ASSERT_NE(NULL, f);
	ASSERT_NE(NULL, fgets(old, sizeof(old), f));
	fclose(f);
	set_range("45000 45003");
	for (int i = 0; i < 4; i++) {
		t_port_req(&p, IPPROTO_UDP, 0);
		if (t_reserve(self->fd, &p) <= 0)
			break;
		n++;
		EXPECT_LE(45000, ntohs(p.local_port));
		EXPECT_GE(45003, ntohs(p.local_port));
	}
	/* the range is exhausted: the kernel's error comes through */
	t_port_req(&p, IPPROTO_UDP, 0);
	EXPECT_EQ(-EADDRINUSE, t_reserve(self->fd, &p));
	set_range(old);
	EXPECT_EQ(4, n);
}

TEST_F(port, release_gives_the_port_back)
{
	struct cse_port p;
	int id;

	t_port_req(&p, IPPROTO_TCP, t_port(3));
	id = t_reserve(self->fd, &p);
	ASSERT_LT(0, id);
	EXPECT_EQ(0, t_release(self->fd, id));
	EXPECT_EQ(0, t_kernel_bind(SOCK_STREAM, t_port(3)));
	EXPECT_EQ(-ENOENT, t_release(self->fd, id));
	EXPECT_EQ(-ENOENT, t_release(self->fd, 0));
}

TEST_F(port, release_checks_its_fields)
{
	struct cse_port p;
	int id;

	t_port_req(&p, IPPROTO_TCP, t_port(4));
	id = t_reserve(self->fd, &p);
	ASSERT_LT(0, id);
	/* release reads only the id: the reserve request is not a release */
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_PORT_RELEASE, &p));
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_STREAM, t_port(4)));
}

TEST_F(port, close_gives_every_port_back)
{
	struct cse_port p;

	t_port_req(&p, IPPROTO_TCP, t_port(5));
	ASSERT_LT(0, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, t_port(5));
	ASSERT_LT(0, t_reserve(self->fd, &p));
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, t_kernel_bind(SOCK_STREAM, t_port(5)));
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, t_port(5)));
}

static int drop_to_nobody(void)
{
	return setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	       setresuid(65534, 65534, 65534) ? -1 : 0;
}

/* An unprivileged opener cannot own a privileged port: EACCES. */
TEST_F(port, privileged_port_needs_cap_net_bind_service)
{
	int st, ifindex = self->net.ifindex;
	struct cse_port p;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		int fd;

		if (drop_to_nobody())
			_exit(10);
		fd = t_open_attached(ifindex, NULL);
		if (fd < 0)
			_exit(11);
		t_port_req(&p, IPPROTO_TCP, 80);
		if (t_reserve(fd, &p) != -EACCES)
			_exit(12);
		t_port_req(&p, IPPROTO_TCP, 0);
		if (t_reserve(fd, &p) <= 0)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* root may */
	t_port_req(&p, IPPROTO_TCP, 80);
	EXPECT_LT(0, t_reserve(self->fd, &p));
}

/* Rights are the opener's, not those of whoever holds the descriptor. */
TEST_F(port, privileges_are_the_openers)
{
	int st, fd = self->fd;
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct cse_port p;

		if (drop_to_nobody())
			_exit(10);
		t_port_req(&p, IPPROTO_UDP, 81);
		_exit(t_reserve(fd, &p) > 0 ? 0 : 11);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_DGRAM, 81));
}

TEST_F(port, local_address_not_of_this_host_eaddrnotavail)
{
	struct cse_port p;

	t_port_req(&p, IPPROTO_TCP, t_port(6));
	p.local_addr = inet_addr("10.99.99.99");
	EXPECT_EQ(-EADDRNOTAVAIL, t_reserve(self->fd, &p));
	/* the device's own address is fine */
	t_port_req(&p, IPPROTO_TCP, t_port(6));
	p.local_addr = htonl(0x0a4d0001 | (self->net.subnet << 8));
	EXPECT_LT(0, t_reserve(self->fd, &p));
}

TEST_F(port, connected_filter)
{
	struct cse_port p;

	t_port_req(&p, IPPROTO_TCP, t_port(7));
	p.flags = CSE_PORT_CONNECTED;
	p.remote_addr = inet_addr("10.77.0.2");
	p.remote_port = htons(5555);
	EXPECT_LT(0, t_reserve(self->fd, &p));
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_STREAM, t_port(7)));
}

TEST_F(port, bad_requests_einval)
{
	struct cse_port p;
	int s;

	t_port_req(&p, IPPROTO_ICMP, 0);
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, 0, 0);
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	for (int bit = 1; bit < 32; bit++) {
		t_port_req(&p, IPPROTO_UDP, 0);
		p.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	}
	/* connected without remote, listening with one */
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_CONNECTED;
	p.remote_addr = inet_addr("10.77.0.2");
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.remote_port = htons(7);
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.id = 3;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.__pad[2] = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.reserved = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.__pad2 = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	/* @fd belongs to CSE_PORT_SOCKET only */
	t_port_req(&p, IPPROTO_UDP, 0);
	p.fd = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	/* CSE_PORT_SOCKET needs CSE_FEAT_PORT_FD, not granted here */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, t_bind_any(s, t_port(9)));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = s;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	close(s);
}

TEST_F(port, reserve_before_attach_ebadfd)
{
	struct cse_port p;
	int fd = cse_open_ready(NULL);

	ASSERT_LE(0, fd);
	t_port_req(&p, IPPROTO_UDP, 0);
	EXPECT_EQ(-EBADFD, t_reserve(fd, &p));
	close(fd);
	fd = cse_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, t_reserve(fd, &p));
	EXPECT_EQ(-EBADFD, t_release(fd, 1));
	close(fd);
}

/* After the device went away: no new ports, old ones can be given back. */
TEST_F(port, device_gone_enodev_but_release_works)
{
	struct cse_port p;
	int id;

	t_port_req(&p, IPPROTO_UDP, t_port(8));
	id = t_reserve(self->fd, &p);
	ASSERT_LT(0, id);
	ASSERT_EQ(0, t_sh("ip link del %s", self->net.a));
	t_port_req(&p, IPPROTO_UDP, 0);
	EXPECT_EQ(-ENODEV, t_reserve(self->fd, &p));
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_DGRAM, t_port(8)));
	EXPECT_EQ(0, t_release(self->fd, id));
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, t_port(8)));
}

TEST_F(port, at_most_cse_max_ports_enospc)
{
	struct cse_port p;
	int i;

	for (i = 0; i < CSE_MAX_PORTS; i++) {
		t_port_req(&p, IPPROTO_UDP, 0);
		if (t_reserve(self->fd, &p) <= 0)
			break;
	}
	EXPECT_EQ(CSE_MAX_PORTS, i);
	t_port_req(&p, IPPROTO_UDP, 0);
	EXPECT_EQ(-ENOSPC, t_reserve(self->fd, &p));
}

/*
 * CSE_PORT_SOCKET (CSE_FEAT_PORT_FD): the caller's own socket holds the
 * port. The fixture's instance has no features; these tests open one that
 * has, with its area mapped to see what is steered.
 */
FIXTURE(sport) {
	struct t_net net;
	struct cse_attach att;
	uint8_t *area;
	struct t_ring rx;
	int fd;
	int ready;
};

FIXTURE_SETUP(sport)
{
	self->fd = -1;
	self->area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	t_attach_req(&self->att, self->net.ifindex);
	self->fd = t_open_want(&self->att, CSE_FEAT_PORT_FD);
	ASSERT_LE(0, self->fd);
	self->area = t_map(self->fd, &self->att);
	ASSERT_NE(NULL, self->area);
	t_ring(&self->rx, self->area, &self->att.rx);
	self->ready = 1;
}

FIXTURE_TEARDOWN(sport)
{
	if (self->area)
		munmap(self->area, self->att.mmap_size);
	if (self->fd >= 0)
		close(self->fd);
	t_net_down(&self->net);
}

#define SPORT_READY() do {		\
	if (!self->ready)		\
		return;			\
} while (0)

/* Reserve with CSE_PORT_SOCKET; the filter id or -errno. */
static int reserve_fd(int fd, int sock, int proto, struct cse_port *p)
{
	t_port_req(p, proto, 0);
	p->flags = CSE_PORT_SOCKET;
	p->fd = sock;
	return t_reserve(fd, p);
}

/* A socket of @type bound to (@addr, @port), or -1. */
static int bound_socket(int type, in_addr_t addr, int port)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
		.sin_addr.s_addr = addr,
	};
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	return s;
}

/* Entries the RX ring gains within ms (released again). */
static uint32_t rx_count(FIXTURE_DATA(sport) *self, uint32_t want, int ms)
{
	uint32_t n;

	while ((n = t_ring_avail(&self->rx)) < want && ms > 0) {
		usleep(10000);
		ms -= 10;
	}
	t_ring_release(&self->rx, n);
	return n;
}

TEST_F(sport, bound_tcp_and_udp_sockets_hold_ports)
{
	struct cse_port p;
	int t, u, port = t_port(0);

	SPORT_READY();
	t = bound_socket(SOCK_STREAM, 0, port);
	u = bound_socket(SOCK_DGRAM, t_addr(&self->net, 1), port);
	ASSERT_LE(0, t);
	ASSERT_LE(0, u);
	EXPECT_LT(0, reserve_fd(self->fd, t, IPPROTO_TCP, &p));
	EXPECT_EQ(htons(port), p.local_port);
	EXPECT_EQ(0U, p.local_addr);
	EXPECT_EQ((uint32_t)CSE_PORT_SOCKET, p.flags);
	EXPECT_EQ(t, p.fd);
	EXPECT_LT(0, reserve_fd(self->fd, u, IPPROTO_UDP, &p));
	EXPECT_EQ(htons(port), p.local_port);
	EXPECT_EQ(t_addr(&self->net, 1), p.local_addr);
	close(t);
	close(u);
}

TEST_F(sport, ephemeral_and_connect_bound_ports)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	struct cse_port p;
	int s;

	SPORT_READY();
	s = bound_socket(SOCK_DGRAM, 0, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&sin, &len));
	EXPECT_LT(0, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	EXPECT_EQ(sin.sin_port, p.local_port);
	close(s);
	/* connect() gave it a port, and an address */
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	sin = t_sin(&self->net, 2, 9);
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&sin, &len));
	EXPECT_LT(0, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	EXPECT_EQ(sin.sin_port, p.local_port);
	EXPECT_EQ(t_addr(&self->net, 1), p.local_addr);
	close(s);
}

TEST_F(sport, bad_sockets)
{
	struct cse_port p;
	int s, pfd[2], sv[2];

	SPORT_READY();
	/* unbound */
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_TCP, &p));
	close(s);
	/* another protocol than @proto */
	s = bound_socket(SOCK_STREAM, 0, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	close(s);
	s = bound_socket(SOCK_DGRAM, 0, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_TCP, &p));
	close(s);
	/* a raw socket of protocol TCP has no port */
	s = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP);
	if (s >= 0) {
		EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_TCP, &p));
		close(s);
	}
	/* other families */
	s = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s >= 0) {
		struct sockaddr_in6 sin6 = { .sin6_family = AF_INET6 };

		ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin6, sizeof(sin6)));
		EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
		close(s);
	}
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv));
	EXPECT_EQ(-EINVAL, reserve_fd(self->fd, sv[0], IPPROTO_UDP, &p));
	close(sv[0]);
	close(sv[1]);
	/* not a socket, not open */
	ASSERT_EQ(0, pipe(pfd));
	EXPECT_EQ(-ENOTSOCK, reserve_fd(self->fd, pfd[0], IPPROTO_UDP, &p));
	EXPECT_EQ(-ENOTSOCK, reserve_fd(self->fd, self->fd, IPPROTO_UDP, &p));
	close(pfd[0]);
	close(pfd[1]);
	EXPECT_EQ(-EBADF, reserve_fd(self->fd, 9999, IPPROTO_UDP, &p));
	EXPECT_EQ(-EBADF, reserve_fd(self->fd, -1, IPPROTO_UDP, &p));
	/* the socket says where it is bound: the caller must not */
	s = bound_socket(SOCK_DGRAM, 0, 0);
	ASSERT_LE(0, s);
	reserve_fd(self->fd, s, IPPROTO_UDP, &p);
	p.id = 0;
	p.local_addr = 0;	/* the port alone */
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	reserve_fd(self->fd, s, IPPROTO_UDP, &p);
	p.id = 0;
	p.local_port = 0;	/* the address alone */
	p.local_addr = t_addr(&self->net, 1);
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = s;
	p.__pad2 = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
	close(s);
}

/* A socket of another network namespace than the instance's. */
TEST_F(sport, socket_of_another_netns_einval)
{
	struct cse_port p;
	int sv[2], s;
	pid_t pid;

	SPORT_READY();
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		s = bound_socket(SOCK_DGRAM, 0, 0);
		_exit(s < 0 || t_send_fd(sv[1], s) ? 1 : 0);
	}
	s = t_recv_fd(sv[0]);
	EXPECT_EQ(0, t_wait(pid));
	ASSERT_LE(0, s);
	EXPECT_EQ(-EINVAL, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	close(s);
	close(sv[0]);
	close(sv[1]);
}

TEST_F(sport, frames_for_the_port_are_steered)
{
	int port = t_port(1), s;
	struct cse_port p;
	char buf[16];

	SPORT_READY();
	s = bound_socket(SOCK_DGRAM, 0, port);
	ASSERT_LE(0, s);
	ASSERT_LT(0, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "hi", 2));
	EXPECT_EQ(1U, rx_count(self, 1, 2000));
	/* the instance took it: the kernel socket never saw it */
	EXPECT_EQ(-1, recv(s, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(EAGAIN, errno);
	close(s);
}

/* What does not come through the device still reaches the socket. */
TEST_F(sport, the_socket_still_serves_loopback)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	int port = t_port(2), lis, c, a;
	struct cse_port p;
	char buf[16];

	SPORT_READY();
	lis = bound_socket(SOCK_STREAM, 0, port);
	ASSERT_LE(0, lis);
	ASSERT_EQ(0, listen(lis, 4));
	ASSERT_LT(0, reserve_fd(self->fd, lis, IPPROTO_TCP, &p));
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, c);
	sin.sin_port = htons(port);
	ASSERT_EQ(0, connect(c, (struct sockaddr *)&sin, sizeof(sin)));
	a = accept(lis, NULL, NULL);
	ASSERT_LE(0, a);
	ASSERT_EQ(2, write(c, "lo", 2));
	EXPECT_EQ(2, read(a, buf, sizeof(buf)));
	/* a SYN from the peer through the device is the instance's */
	ASSERT_EQ(0, t_sh("ip netns exec %s timeout 1 bash -c "
			  "'exec 3<>/dev/tcp/10.77.%d.1/%d' 2>/dev/null; true",
			  self->net.ns, self->net.subnet, port));
	EXPECT_LE(1U, rx_count(self, 1, 2000));
	close(a);
	close(c);
	close(lis);
}

TEST_F(sport, port_stays_taken_while_the_filter_lives)
{
	int port = t_port(3), s, id;
	struct cse_port p;

	SPORT_READY();
	s = bound_socket(SOCK_DGRAM, 0, port);
	ASSERT_LE(0, s);
	id = reserve_fd(self->fd, s, IPPROTO_UDP, &p);
	ASSERT_LT(0, id);
	/* the caller's descriptor goes; the filter's reference holds it */
	close(s);
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_DGRAM, port));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "still", 5));
	EXPECT_EQ(1U, rx_count(self, 1, 2000));
	/* until the filter is released */
	EXPECT_EQ(0, t_release(self->fd, id));
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, port));
	/* and with the instance, too */
	s = bound_socket(SOCK_STREAM, 0, port);
	ASSERT_LE(0, s);
	ASSERT_LT(0, reserve_fd(self->fd, s, IPPROTO_TCP, &p));
	close(s);
	EXPECT_EQ(-EADDRINUSE, t_kernel_bind(SOCK_STREAM, port));
	munmap(self->area, self->att.mmap_size);
	self->area = NULL;
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, t_kernel_bind(SOCK_STREAM, port));
}

/*
 * A socket that gives its port up (disconnected after connect() had bound
 * it) no longer lets the filter steer: the port may be someone else's.
 */
TEST_F(sport, a_socket_that_gives_its_port_up_stops_steering)
{
	struct sockaddr_in sin = t_sin(&self->net, 2, 9);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(sin);
	struct cse_port p;
	int s, port;

	SPORT_READY();
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&sin, &len));
	port = ntohs(sin.sin_port);
	ASSERT_LT(0, reserve_fd(self->fd, s, IPPROTO_UDP, &p));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "1", 1));
	EXPECT_EQ(1U, rx_count(self, 1, 2000));
	ASSERT_EQ(0, connect(s, &unspec, sizeof(unspec)));
	/* the kernel gave the port back: another socket may take it */
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, port));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "2", 1));
	EXPECT_EQ(0U, rx_count(self, 1, 300));
	close(s);
}

TEST_HARNESS_MAIN
