// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: every open file pins cse.ko, the instances' and the
 * socket files'; rmmod is refused while any of them exists and succeeds once
 * the last one is closed, also after a process was killed in the middle of
 * traffic or while it slept on its socket files. The tests that unload
 * reload the module from the path in $CSE_KO.
 */
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cse_net.h"

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int load_module(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static void require_module(struct __test_metadata *_metadata)
{
	if (cse_module_refs() < 0)
		SKIP(return, "cse.ko is not loaded");
}

TEST(each_open_file_pins_the_module)
{
	long before;
	int a, b;

	require_module(_metadata);
	before = cse_module_refs();
	a = cse_open();
	b = cse_open();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(before + 2, cse_module_refs());
	close(a);
	EXPECT_EQ(before + 1, cse_module_refs());
	close(b);
	EXPECT_EQ(before, cse_module_refs());
}

TEST(rmmod_refused_while_an_instance_exists)
{
	int fd;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	fd = cse_open_ready(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, delete_module("cse"));
	EXPECT_EQ(0, access("/sys/module/cse", F_OK));
	close(fd);
}

/* An instance held only by a dead process's inherited fd is gone with it. */
TEST(instance_released_when_holder_exits)
{
	long before;
	int st;
	pid_t pid;

	require_module(_metadata);
	before = cse_module_refs();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (cse_open_ready(NULL) < 0)
			_exit(1);
		_exit(0);	/* exit without closing */
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(before, cse_module_refs());
}

/*
 * A process killed with SIGKILL while frames stream in and out of its rings
 * leaves nothing behind: its ports are free again and rmmod succeeds.
 */
TEST(kill_9_under_traffic_then_rmmod)
{
	const char *ko = getenv("CSE_KO");
	int ready[2], port = t_port(0), st;
	struct t_net net;
	pid_t victim, flood;
	char c;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set CSE_KO to the module's path to reload it");
	ASSERT_EQ(0, t_net_up(&net));
	ASSERT_EQ(0, pipe(ready));
	victim = fork();
	ASSERT_LE(0, victim);
	if (!victim) {
		struct cse_attach r;
		struct cse_port p;
		struct t_ring tx;
		uint8_t *area;
		int fd = t_open_attached(net.ifindex, &r);

		if (fd < 0)
			_exit(1);
		area = t_map(fd, &r);
		t_port_req(&p, IPPROTO_UDP, port);
		if (!area || t_reserve(fd, &p) <= 0 || write(ready[1], "r", 1) != 1)
			_exit(2);
		/* keep the TX path busy with (rejected) frames; never consume RX */
		t_ring(&tx, area, &r.tx);
		for (;;) {
			struct cse_desc *d = t_ring_entry(&tx, *tx.producer);

			d->addr = r.tx_frames;
			d->len = 60;
			d->flags = 0;
			__atomic_store_n(tx.producer, *tx.producer + 1,
					 __ATOMIC_RELEASE);
			ioctl(fd, CSE_IOC_TX_KICK, 0);
		}
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	flood = t_in_peer(&net);
	ASSERT_LE(0, flood);
	if (!flood) {
		for (;;)
			t_peer_udp(&net, 0, port, "flood", 5);
	}
	usleep(500000);
	kill(victim, SIGKILL);
	ASSERT_EQ(victim, waitpid(victim, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	kill(flood, SIGKILL);
	waitpid(flood, &st, 0);
	/* the port is free again, and so is the module */
	EXPECT_EQ(0, t_kernel_bind(SOCK_DGRAM, port));
	t_net_down(&net);
	ASSERT_EQ(0, delete_module("cse"));
	ASSERT_EQ(0, load_module(ko));
}

/* Open an instance with socket files and a port held by a socket of ours. */
static int open_with_sockets(const struct t_net *net, struct cse_attach *r,
			     int *sfd, int *udp)
{
	struct sockaddr_in sin = t_sin(net, 1, 0);
	struct cse_socket s;
	struct cse_port p;
	int fd;

	t_attach_req(r, net->ifindex);
	r->sock_entries = 4;
	fd = t_open_want(r, CSE_FEATURES_ALL);
	if (fd < 0)
		return -1;
	*udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (*udp < 0 || bind(*udp, (struct sockaddr *)&sin, sizeof(sin)))
		return -1;
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = *udp;
	if (t_reserve(fd, &p) <= 0)
		return -1;
	memset(&s, 0, sizeof(s));
	s.backing_fd = *udp;
	s.flags = CSE_SOCKET_POLL_BACKING;
	if (ioctl(fd, CSE_IOC_SOCKET, &s))
		return -1;
	*sfd = s.fd;
	return fd;
}

/*
 * Socket files pin the module after their instance is gone; once the last
 * is closed, rmmod succeeds.
 */
TEST(socket_files_pin_the_module_then_rmmod)
{
	const char *ko = getenv("CSE_KO");
	int fd, sfd, udp;
	struct cse_attach r;
	struct t_net net;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set CSE_KO to the module's path to reload it");
	ASSERT_EQ(0, t_net_up(&net));
	fd = open_with_sockets(&net, &r, &sfd, &udp);
	ASSERT_LE(0, fd);
	close(udp);
	close(fd);
	EXPECT_EQ(-EWOULDBLOCK, delete_module("cse"));
	close(sfd);
	t_net_down(&net);
	ASSERT_EQ(0, delete_module("cse"));
	ASSERT_EQ(0, load_module(ko));
}

/*
 * A process killed while one of its threads sleeps in CSE_SOCK_IOC_WAIT and
 * its socket files sit in an epoll set leaves nothing behind.
 */
static void *wait_forever(void *arg)
{
	struct cse_sock_wait w;

	memset(&w, 0, sizeof(w));
	w.events = EPOLLIN;
	w.timeout_ns = -1;
	ioctl(*(int *)arg, CSE_SOCK_IOC_WAIT, &w);
	return NULL;
}

TEST(kill_9_with_socket_files_then_rmmod)
{
	const char *ko = getenv("CSE_KO");
	int ready[2], st;
	struct t_net net;
	pid_t victim;
	char c;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set CSE_KO to the module's path to reload it");
	ASSERT_EQ(0, t_net_up(&net));
	ASSERT_EQ(0, pipe(ready));
	victim = fork();
	ASSERT_LE(0, victim);
	if (!victim) {
		struct epoll_event ee = { .events = EPOLLIN | EPOLLET };
		int fd, sfd, udp, ep;
		struct cse_attach r;
		pthread_t t;

		fd = open_with_sockets(&net, &r, &sfd, &udp);
		ep = epoll_create1(0);
		if (fd < 0 || ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, sfd, &ee) ||
		    !t_map(fd, &r) || pthread_create(&t, NULL, wait_forever, &sfd))
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(2);
		epoll_wait(ep, &ee, 1, -1);
		_exit(3);
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	usleep(200000);
	kill(victim, SIGKILL);
	ASSERT_EQ(victim, waitpid(victim, &st, 0));
	EXPECT_TRUE(WIFSIGNALED(st));
	t_net_down(&net);
	ASSERT_EQ(0, delete_module("cse"));
	ASSERT_EQ(0, load_module(ko));
}

TEST(rmmod_after_last_close_then_reload)
{
	const char *ko = getenv("CSE_KO");
	int fd;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set CSE_KO to the module's path to reload it");
	fd = cse_open_ready(NULL);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, delete_module("cse"));
	EXPECT_NE(0, access("/sys/module/cse", F_OK));
	EXPECT_NE(0, access(CSE_DEV, F_OK));
	ASSERT_EQ(0, load_module(ko));
	fd = cse_open_ready(NULL);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
