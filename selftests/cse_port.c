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
	p.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, t_reserve(self->fd, &p));
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

TEST_HARNESS_MAIN
