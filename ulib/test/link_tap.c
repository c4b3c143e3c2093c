// SPDX-License-Identifier: GPL-2.0
/*
 * The stack on a TAP device with the Linux kernel as its peer, each test
 * in a network namespace of its own:
 *
 *   kernel sockets -- csetap0 10.77.0.1/24  ~~ wire ~~  stack 10.77.0.2
 *
 * Skipped when namespaces or /dev/net/tun are not available.
 */
#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <net/if.h>
#include <time.h>

#include "kselftest_harness.h"
#define T_NO_SOCK_HELPERS
#include "t_stack.h"
#include "core/tcp.h"
#include "link/tap.h"

#define T_KERN_IP	0x0a4d0001u	/* 10.77.0.1, the kernel */
#define T_STACK_IP	0x0a4d0002u	/* 10.77.0.2, the stack */
#define T_WAIT_MS	3000

static const uint8_t t_stack_mac[6] = { 0x02, 0xcc, 0, 0, 0, 0x02 };

static uint64_t t_mono_ns(void *priv)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CSE_NSEC_PER_SEC + ts.tv_nsec;
}

FIXTURE(tap) {
	struct cse_tap *tap;
	struct cse_stack *st;
	struct cse_sock *s;
};

static int t_ifreq_addr(int fd, const char *name, unsigned long req,
			uint32_t addr)
{
	struct ifreq ifr = { 0 };
	struct sockaddr_in sin = t_sin(addr, 0);

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	return ioctl(fd, req, &ifr);
}

/* Take the kernel side of the wire down: the kernel peer vanishes. */
static int t_kernel_side_down(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;
	struct ifreq ifr = { 0 };

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	err = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!err) {
		ifr.ifr_flags &= ~IFF_UP;
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return err;
}

/* Give the kernel side 10.77.0.1/24 and bring it up. */
static int t_kernel_side_up(const char *name)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0), err;
	struct ifreq ifr = { 0 };

	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	err = t_ifreq_addr(fd, name, SIOCSIFADDR, T_KERN_IP) ||
	      t_ifreq_addr(fd, name, SIOCSIFNETMASK, 0xffffff00) ||
	      ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (!err) {
		ifr.ifr_flags |= IFF_UP;
		err = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	close(fd);
	return err;
}

/*
 * The instance on the TAP device, @syn_backlog its SYN queue bound, @ecn
 * its tcp_ecn.
 */
static int t_make_stack(FIXTURE_DATA(tap) *self, unsigned int syn_backlog,
			unsigned int ecn)
{
	struct cse_stack_config c;
	struct sockaddr_in sin = t_sin(0, 7);

	cse_stack_config_defaults(&c);
	c.tcp_max_syn_backlog = syn_backlog;
	c.tcp_ecn = ecn;
	c.link = cse_tap_link(self->tap);
	c.clock = (struct cse_clock){ t_mono_ns, NULL };
	c.addr.s_addr = htonl(T_STACK_IP);
	c.prefix_len = 24;
	/* A vanished peer must be given up on within the test's time. */
	c.tcp_retries2 = 4;
	c.tcp_rto_init_ns = 200 * CSE_NSEC_PER_MSEC;
	c.tcp_rto_max_ns = 500 * CSE_NSEC_PER_MSEC;
	if (cse_stack_create(&c, &self->st))
		return -1;
	if (cse_socket(self->st, SOCK_DGRAM, 0, &self->s) ||
	    cse_bind(self->s, T_SA(&sin), sizeof(sin)))
		return -1;
	return 0;
}

FIXTURE_SETUP(tap)
{
	if (unshare(CLONE_NEWNET))
		SKIP(return, "no network namespace: %s", strerror(errno));
	if (cse_tap_open("csetap0", t_stack_mac, &self->tap))
		SKIP(return, "no TAP device");
	ASSERT_EQ(0, t_kernel_side_up(cse_tap_name(self->tap)));
	ASSERT_EQ(0, t_make_stack(self, 128, 2));
}

/* The 6.1 harness runs the body even when setup skipped: leave at once. */
#define T_NEED_TAP()	do { if (!self->st) return; } while (0)

FIXTURE_TEARDOWN(tap)
{
	cse_stack_destroy(self->st);
	cse_tap_close(self->tap);
}

/*
 * Run the stack until @fd (a kernel socket, or -1) has @events, or the
 * stack socket @s (or NULL) has one of @smask, or T_WAIT_MS pass. Returns
 * true when the awaited thing happened.
 */
static bool t_pump(FIXTURE_DATA(tap) *self, int fd, short events,
		   struct cse_sock *s, unsigned int smask)
{
	uint64_t end = t_mono_ns(NULL) + T_WAIT_MS * CSE_NSEC_PER_MSEC;

	while (t_mono_ns(NULL) < end) {
		struct pollfd p[2] = {
			{ .fd = cse_tap_fd(self->tap), .events = POLLIN },
			{ .fd = fd, .events = events },
		};

		if (fd >= 0 && poll(&p[1], 1, 0) > 0)
			return true;
		if (s && (cse_poll(s) & smask))
			return true;
		poll(p, 2, 10);
		cse_stack_poll(self->st, 64);
	}
	return false;
}

static int t_kernel_udp(uint16_t port)
{
	struct sockaddr_in sin = t_sin(T_KERN_IP, port);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	if (fd >= 0 && bind(fd, T_SA(&sin), sizeof(sin))) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST_F(tap, kernel_datagram_reaches_the_stack_and_the_echo_returns)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 7), from;
	socklen_t flen = sizeof(from);
	int fd;
	char buf[64];
	ssize_t n;

	T_NEED_TAP();
	fd = t_kernel_udp(5555);
	ASSERT_LE(0, fd);
	ASSERT_EQ(5, sendto(fd, "hello", 5, 0, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, -1, 0, self->s, CSE_POLLIN));
	n = cse_recvfrom(self->s, buf, sizeof(buf), 0, T_SAW(&from), &flen,
			 NULL);
	ASSERT_EQ(5, n);
	ASSERT_EQ(htonl(T_KERN_IP), from.sin_addr.s_addr);
	ASSERT_EQ(htons(5555), from.sin_port);
	ASSERT_EQ(5, cse_sendto(self->s, buf, n, 0, T_SA(&from), flen));
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	ASSERT_EQ(5, recv(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, "hello", 5));
	close(fd);
}

TEST_F(tap, stack_resolves_the_kernel_and_sends_first)
{
	struct sockaddr_in to = t_sin(T_KERN_IP, 5556);
	int fd;
	char buf[16];

	T_NEED_TAP();
	fd = t_kernel_udp(5556);
	ASSERT_LE(0, fd);
	ASSERT_EQ(3, cse_sendto(self->s, "abc", 3, 0, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	ASSERT_EQ(3, recv(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(1u, cse_stack_stats(self->st)->arp_requests_tx);
	close(fd);
}

TEST_F(tap, kernel_ping_is_answered)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 0);
	uint8_t echo[16] = { 8, 0, 0, 0, 0x43, 0x53, 0, 1, 'c', 's', 'e' };
	uint8_t reply[128];
	int fd;
	const uint8_t *icmp;
	ssize_t n;

	T_NEED_TAP();
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (fd < 0)
		SKIP(return, "no raw socket: %s", strerror(errno));
	cse_put16(echo + 2, cse_csum(echo, sizeof(echo)));
	ASSERT_EQ((ssize_t)sizeof(echo),
		  sendto(fd, echo, sizeof(echo), 0, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	n = recv(fd, reply, sizeof(reply), 0);
	ASSERT_EQ((ssize_t)(20 + sizeof(echo)), n);
	icmp = reply + 20;
	ASSERT_EQ(0, icmp[0]);
	ASSERT_EQ(0, memcmp(icmp + 4, echo + 4, sizeof(echo) - 4));
	ASSERT_EQ(T_STACK_IP, cse_get32(reply + 12));
	close(fd);
}

/*
 * 8000 bytes each way: the kernel fragments its datagram (UDP does not set
 * DF on what does not fit), the stack reassembles it, then fragments its
 * echo, which the kernel must reassemble.
 */
TEST_F(tap, datagram_of_8000_bytes_crosses_whole_each_way_in_fragments)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 7), from;
	socklen_t flen = sizeof(from);
	static uint8_t out[8000], buf[16384];
	unsigned int i;
	int fd;

	T_NEED_TAP();
	for (i = 0; i < sizeof(out); i++)
		out[i] = (uint8_t)(i * 2654435761u >> 11);
	fd = t_kernel_udp(5560);
	ASSERT_LE(0, fd);
	ASSERT_EQ(8000, sendto(fd, out, sizeof(out), 0, T_SA(&to),
			       sizeof(to)));
	ASSERT_TRUE(t_pump(self, -1, 0, self->s, CSE_POLLIN));
	ASSERT_EQ(8000, cse_recvfrom(self->s, buf, sizeof(buf), 0,
				     T_SAW(&from), &flen, NULL));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(out)));
	ASSERT_EQ(1u, cse_stack_stats(self->st)->ip_reasm_ok);
	ASSERT_LE(6u, cse_stack_stats(self->st)->ip_frag_rx);
	for (i = 0; i < sizeof(out); i++)
		out[i] ^= 0xa5;
	ASSERT_EQ(8000, cse_sendto(self->s, out, sizeof(out), 0, T_SA(&from),
				   flen));
	ASSERT_EQ(1u, cse_stack_stats(self->st)->ip_frag_ok);
	ASSERT_EQ(6u, cse_stack_stats(self->st)->ip_frag_tx);
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	ASSERT_EQ(8000, recv(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(0, memcmp(buf, out, sizeof(out)));
	close(fd);
}

TEST_F(tap, kernel_ping_of_8000_bytes_is_answered_whole)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 0);
	static uint8_t echo[8000], reply[16384];
	unsigned int i;
	ssize_t n;
	int fd;

	T_NEED_TAP();
	fd = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK, IPPROTO_ICMP);
	if (fd < 0)
		SKIP(return, "no raw socket: %s", strerror(errno));
	echo[0] = 8;
	for (i = 4; i < sizeof(echo); i++)
		echo[i] = (uint8_t)(i * 40503u >> 7);
	cse_put16(echo + 2, cse_csum(echo, sizeof(echo)));
	ASSERT_EQ((ssize_t)sizeof(echo),
		  sendto(fd, echo, sizeof(echo), 0, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	n = recv(fd, reply, sizeof(reply), 0);
	ASSERT_EQ((ssize_t)(20 + sizeof(echo)), n);
	ASSERT_EQ(0, reply[20]);
	ASSERT_EQ(0, memcmp(reply + 24, echo + 4, sizeof(echo) - 4));
	ASSERT_EQ(6u, cse_stack_stats(self->st)->ip_frag_tx);
	close(fd);
}

TEST_F(tap, kernel_datagram_to_a_closed_port_is_refused)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 9);
	int fd;
	char buf[8];

	T_NEED_TAP();
	fd = t_kernel_udp(5557);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, connect(fd, T_SA(&to), sizeof(to)));
	ASSERT_EQ(1, send(fd, "x", 1, 0));
	ASSERT_TRUE(t_pump(self, fd, POLLERR, NULL, 0));
	ASSERT_EQ(-1, recv(fd, buf, sizeof(buf), 0));
	ASSERT_EQ(ECONNREFUSED, errno);
	close(fd);
}

TEST_F(tap, kernel_port_unreachable_refuses_the_connected_stack_socket)
{
	struct sockaddr_in to = t_sin(T_KERN_IP, 9);
	int err = 0;
	socklen_t len = sizeof(err);

	T_NEED_TAP();
	ASSERT_EQ(0, cse_connect(self->s, T_SA(&to), sizeof(to)));
	ASSERT_EQ(1, cse_sendto(self->s, "x", 1, 0, NULL, 0));
	ASSERT_TRUE(t_pump(self, -1, 0, self->s, CSE_POLLERR));
	ASSERT_EQ(0, cse_getsockopt(self->s, SOL_SOCKET, SO_ERROR, &err,
				    &len));
	ASSERT_EQ(ECONNREFUSED, err);
}

static int t_kernel_tcp_listener(uint16_t port)
{
	struct sockaddr_in sin = t_sin(T_KERN_IP, port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd >= 0 && (bind(fd, T_SA(&sin), sizeof(sin)) || listen(fd, 4))) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint8_t t_pattern(uint64_t i)
{
	return (uint8_t)(i * 2654435761u >> 11);
}

/*
 * Move @total bytes from the stack socket @s to kernel socket @fd and as
 * many back, checking every byte. Returns 0 when all arrived intact.
 */
static int t_exchange(FIXTURE_DATA(tap) *self, struct cse_sock *s, int fd,
		      uint64_t total)
{
	static uint8_t buf[65536];
	uint64_t s_sent = 0, k_got = 0, k_sent = 0, s_got = 0;
	uint64_t end = t_mono_ns(NULL) + 25 * CSE_NSEC_PER_SEC;

	while ((k_got < total || s_got < total) && t_mono_ns(NULL) < end) {
		struct pollfd p = { .fd = cse_tap_fd(self->tap),
				    .events = POLLIN };
		ssize_t n, i;

		while (s_sent < total) {
			size_t want = total - s_sent < 16384 ?
				      total - s_sent : 16384;

			for (i = 0; i < (ssize_t)want; i++)
				buf[i] = t_pattern(s_sent + i);
			n = cse_sendto(s, buf, want, 0, NULL, 0);
			if (n <= 0)
				break;
			s_sent += n;
		}
		while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
			for (i = 0; i < n; i++)
				if (buf[i] != t_pattern(k_got + i))
					return -1;
			k_got += n;
		}
		while (k_sent < total) {
			size_t want = total - k_sent < 16384 ?
				      total - k_sent : 16384;

			for (i = 0; i < (ssize_t)want; i++)
				buf[i] = t_pattern(k_sent + i) ^ 0x5a;
			n = send(fd, buf, want, MSG_DONTWAIT);
			if (n <= 0)
				break;
			k_sent += n;
		}
		while ((n = cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
					 NULL)) > 0) {
			for (i = 0; i < n; i++)
				if (buf[i] != (t_pattern(s_got + i) ^ 0x5a))
					return -2;
			s_got += n;
		}
		poll(&p, 1, 1);
		cse_stack_poll(self->st, 256);
	}
	return k_got == total && s_got == total ? 0 : -3;
}

/*
 * Connect a stack socket (in *@c) to a kernel listener on @port (its fd in
 * *@lfd); returns the kernel's accepted fd, or -1.
 */
static int t_connect_to_kernel(FIXTURE_DATA(tap) *self, uint16_t port,
			       struct cse_sock **c, int *lfd)
{
	struct sockaddr_in dst = t_sin(T_KERN_IP, port);
	int fd;

	*lfd = t_kernel_tcp_listener(port);
	if (*lfd < 0 || cse_socket(self->st, SOCK_STREAM, 0, c) ||
	    cse_connect(*c, T_SA(&dst), sizeof(dst)) != -EINPROGRESS ||
	    !t_pump(self, *lfd, POLLIN, NULL, 0))
		return -1;
	fd = accept4(*lfd, NULL, NULL, SOCK_NONBLOCK);
	if (fd >= 0 && !t_pump(self, -1, 0, *c, CSE_POLLOUT)) {
		close(fd);
		return -1;
	}
	return fd;
}

TEST_F(tap, stack_connects_to_a_kernel_listener_and_data_flows_both_ways)
{
	struct cse_sock *c;
	int lfd, fd;
	char buf[4];

	T_NEED_TAP();
	fd = t_connect_to_kernel(self, 8080, &c, &lfd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, (int)cse_tcp_sk(c)->state);
	ASSERT_EQ(0, t_exchange(self, c, fd, 100 << 20));
	/* Our close is an orderly end of file for the kernel. */
	cse_close(c);
	ASSERT_TRUE(t_pump(self, fd, POLLIN, NULL, 0));
	ASSERT_EQ(0, recv(fd, buf, sizeof(buf), 0));
	close(fd);
	close(lfd);
}

/* Set net.ipv4.@name in this test's namespace (the kernel's switches). */
static int t_sysctl(const char *name, const char *val)
{
	char path[128];
	int fd, ok;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok ? 0 : -1;
}

/* A kernel client connected to a stack listener on @port: its fd. */
static int t_kernel_connects(FIXTURE_DATA(tap) *self, uint16_t port,
			     struct cse_sock **l, struct cse_sock **c)
{
	struct sockaddr_in sin = t_sin(0, port), to = t_sin(T_STACK_IP, port);
	int fd;

	if (cse_socket(self->st, SOCK_STREAM, 0, l) ||
	    cse_bind(*l, T_SA(&sin), sizeof(sin)) || cse_listen(*l, 4))
		return -1;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -1;
	if (connect(fd, T_SA(&to), sizeof(to)) != -1 || errno != EINPROGRESS ||
	    !t_pump(self, -1, 0, *l, CSE_POLLIN) ||
	    cse_accept(*l, c, NULL, NULL) || !t_pump(self, fd, POLLOUT, NULL, 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * What RFC 7323 options both sides agreed on, as the stack and the
 * kernel (TCP_INFO) each see it: -1 when they disagree, else bit 0 for
 * window scaling (shifts matching crosswise), bit 1 for timestamps, bit 2
 * for SACK.
 */
static int t_agreed(struct cse_sock *c, int fd)
{
	const struct cse_tcp_sock *tp = cse_tcp_sk(c);
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	bool kws, kts, ksack;

	if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len))
		return -1;
	kws = ti.tcpi_options & TCPI_OPT_WSCALE;
	kts = ti.tcpi_options & TCPI_OPT_TIMESTAMPS;
	ksack = ti.tcpi_options & TCPI_OPT_SACK;
	if (kws != tp->wscale_ok || kts != tp->ts_on || ksack != tp->sack_ok)
		return -1;
	if (kws && (ti.tcpi_snd_wscale != tp->rcv_wscale ||
		    ti.tcpi_rcv_wscale != tp->snd_wscale))
		return -1;
	return kws | kts << 1 | ksack << 2;
}

/*
 * With the kernel's @sysctl set to "0": connect to it and accept from it,
 * check what was agreed (@want, as t_agreed()) and move 16 MiB each way;
 * with window scaling, autotuning must have grown our receive buffer.
 */
static void t_interop(FIXTURE_DATA(tap) *self,
		      struct __test_metadata *_metadata, const char *sysctl,
		      int want)
{
	struct cse_sock *c, *l;
	int lfd, fd;

	if (sysctl)
		ASSERT_EQ(0, t_sysctl(sysctl, "0"));
	fd = t_connect_to_kernel(self, 8090, &c, &lfd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(want, t_agreed(c, fd));
	ASSERT_EQ(0, t_exchange(self, c, fd, 16 << 20));
	cse_close(c);
	close(fd);
	close(lfd);
	fd = t_kernel_connects(self, 8091, &l, &c);
	ASSERT_LE(0, fd);
	ASSERT_EQ(want, t_agreed(c, fd));
	ASSERT_EQ(0, t_exchange(self, c, fd, 16 << 20));
	/* A reader that keeps up grew the window past 64 KiB, if it can. */
	if (want & 1)
		ASSERT_LT(65536u, cse_tcp_sk(c)->rcvbuf.cap);
	cse_close(c);
	cse_close(l);
	close(fd);
}

TEST_F(tap, kernel_defaults_agree_window_scaling_timestamps_and_sack)
{
	T_NEED_TAP();
	t_interop(self, _metadata, NULL, 7);
}

TEST_F(tap, kernel_without_window_scaling_still_agrees_timestamps)
{
	T_NEED_TAP();
	t_interop(self, _metadata, "tcp_window_scaling", 6);
}

TEST_F(tap, kernel_without_timestamps_still_agrees_window_scaling)
{
	T_NEED_TAP();
	t_interop(self, _metadata, "tcp_timestamps", 5);
}

TEST_F(tap, kernel_without_sack_still_agrees_the_rfc_7323_options)
{
	T_NEED_TAP();
	t_interop(self, _metadata, "tcp_sack", 3);
}

/*
 * A SYN to the stack from 10.77.0.3, a host that never answers ARP: the
 * half-open connection it makes stays in the listener's SYN queue.
 */
static void t_ghost_syn(FIXTURE_DATA(tap) *self, uint16_t dport)
{
	static const uint8_t ghost[6] = { 0x02, 0xcc, 0, 0, 0, 0x03 };
	uint8_t f[64], *t;
	unsigned int n = t_eth(f, t_stack_mac, ghost, 0x0800);

	n += t_ip(f + n, T_KERN_IP + 2, T_STACK_IP, IPPROTO_TCP, 20);
	t = f + n;
	memset(t, 0, 20);
	cse_put16(t, 40000);
	cse_put16(t + 2, dport);
	cse_put32(t + 4, 1);
	t[12] = 5 << 4;
	t[13] = CSE_TCP_SYN;
	cse_put16(t + 14, 1000);
	cse_put16(t + 16, cse_csum_fold(cse_csum_add(
		cse_csum_pseudo(T_KERN_IP + 2, T_STACK_IP, IPPROTO_TCP, 20),
		t, 20)));
	cse_stack_input(self->st, f, n + 20);
}

/*
 * The stack's SYN queue is full, so the kernel's SYN gets a cookie; the
 * kernel's ACK returns it, the connection comes up with the options the
 * kernel offered (carried in the timestamp) and 16 MiB go each way.
 */
TEST_F(tap, kernel_client_is_accepted_through_a_syn_cookie)
{
	struct sockaddr_in sin = t_sin(0, 8092), to = t_sin(T_STACK_IP, 8092);
	struct cse_sock *l, *c;
	int fd;

	T_NEED_TAP();
	cse_stack_destroy(self->st);
	self->st = NULL;
	ASSERT_EQ(0, t_make_stack(self, 1, 2));
	ASSERT_EQ(0, cse_socket(self->st, SOCK_STREAM, 0, &l));
	ASSERT_EQ(0, cse_bind(l, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_listen(l, 4));
	t_ghost_syn(self, 8092);
	ASSERT_EQ(1u, cse_tcp_sk(l)->syn_n);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_EQ(-1, connect(fd, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, -1, 0, l, CSE_POLLIN));
	ASSERT_EQ(0, cse_accept(l, &c, NULL, NULL));
	ASSERT_TRUE(t_pump(self, fd, POLLOUT, NULL, 0));
	ASSERT_EQ(1u, cse_stack_stats(self->st)->tcp_cookie_sent);
	ASSERT_EQ(1u, cse_stack_stats(self->st)->tcp_cookie_ok);
	ASSERT_EQ(7, t_agreed(c, fd));
	ASSERT_EQ(0, t_exchange(self, c, fd, 16 << 20));
	cse_close(c);
	cse_close(l);
	close(fd);
}

/* ECN agreed, as the stack and the kernel's TCP_INFO both see it. */
static bool t_ecn_agreed(struct cse_sock *c, int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return !getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) &&
	       (ti.tcpi_options & TCPI_OPT_ECN) && cse_tcp_sk(c)->ecn_ok;
}

/*
 * Both sides with tcp_ecn=1: ECN agreed whichever side connects, and 16
 * MiB each way with ECT(0) data through the kernel's stack.
 */
TEST_F(tap, ecn_is_agreed_with_the_kernel_both_ways)
{
	struct cse_sock *c, *l;
	int lfd, fd;

	T_NEED_TAP();
	ASSERT_EQ(0, t_sysctl("tcp_ecn", "1"));
	cse_stack_destroy(self->st);
	self->st = NULL;
	ASSERT_EQ(0, t_make_stack(self, 128, 1));
	fd = t_connect_to_kernel(self, 8093, &c, &lfd);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(t_ecn_agreed(c, fd));
	ASSERT_EQ(0, t_exchange(self, c, fd, 16 << 20));
	cse_close(c);
	close(fd);
	close(lfd);
	fd = t_kernel_connects(self, 8094, &l, &c);
	ASSERT_LE(0, fd);
	ASSERT_TRUE(t_ecn_agreed(c, fd));
	ASSERT_EQ(0, t_exchange(self, c, fd, 16 << 20));
	cse_close(c);
	cse_close(l);
	close(fd);
}

TEST_F(tap, kernel_client_is_accepted_by_a_stack_listener)
{
	struct sockaddr_in sin = t_sin(0, 8081), to = t_sin(T_STACK_IP, 8081);
	struct cse_sock *l, *c;
	int fd;

	T_NEED_TAP();
	ASSERT_EQ(0, cse_socket(self->st, SOCK_STREAM, 0, &l));
	ASSERT_EQ(0, cse_bind(l, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_listen(l, 4));
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_EQ(-1, connect(fd, T_SA(&to), sizeof(to)));
	ASSERT_EQ(EINPROGRESS, errno);
	ASSERT_TRUE(t_pump(self, -1, 0, l, CSE_POLLIN));
	ASSERT_EQ(0, cse_accept(l, &c, NULL, NULL));
	ASSERT_TRUE(t_pump(self, fd, POLLOUT, NULL, 0));
	ASSERT_EQ(0, t_exchange(self, c, fd, 100 << 20));
	/* SO_LINGER {1, 0}: the kernel sees a reset. */
	ASSERT_EQ(0, cse_setsockopt(c, SOL_SOCKET, SO_LINGER,
				    &(struct linger){ 1, 0 },
				    sizeof(struct linger)));
	cse_close(c);
	ASSERT_TRUE(t_pump(self, fd, POLLERR | POLLHUP, NULL, 0));
	ASSERT_EQ(-1, recv(fd, &sin, 1, 0));
	ASSERT_EQ(ECONNRESET, errno);
	close(fd);
}

TEST_F(tap, kernel_connect_to_a_closed_stack_port_is_refused)
{
	struct sockaddr_in to = t_sin(T_STACK_IP, 8082);
	int fd, err = 0;
	socklen_t len = sizeof(err);

	T_NEED_TAP();
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ASSERT_EQ(-1, connect(fd, T_SA(&to), sizeof(to)));
	ASSERT_TRUE(t_pump(self, fd, POLLOUT, NULL, 0));
	ASSERT_EQ(0, getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len));
	ASSERT_EQ(ECONNREFUSED, err);
	close(fd);
}

TEST_F(tap, stack_connect_to_a_closed_kernel_port_is_refused)
{
	struct sockaddr_in dst = t_sin(T_KERN_IP, 8083);
	struct cse_sock *c;
	char buf[4];

	T_NEED_TAP();
	ASSERT_EQ(0, cse_socket(self->st, SOCK_STREAM, 0, &c));
	ASSERT_EQ(-EINPROGRESS, cse_connect(c, T_SA(&dst), sizeof(dst)));
	ASSERT_TRUE(t_pump(self, -1, 0, c, CSE_POLLERR));
	ASSERT_EQ(-ECONNREFUSED, cse_recvfrom(c, buf, 4, 0, NULL, NULL,
					      NULL));
}

TEST_F(tap, kernel_peer_vanishing_mid_transfer_ends_in_etimedout)
{
	static char data[4096];
	struct cse_sock *c;
	int lfd, fd;
	char buf[4];

	T_NEED_TAP();
	fd = t_connect_to_kernel(self, 8084, &c, &lfd);
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, t_kernel_side_down(cse_tap_name(self->tap)));
	ASSERT_LT(0, cse_sendto(c, data, sizeof(data), 0, NULL, 0));
	ASSERT_TRUE(t_pump(self, -1, 0, c, CSE_POLLERR));
	ASSERT_EQ(-ETIMEDOUT, cse_recvfrom(c, buf, sizeof(buf), 0, NULL, NULL,
					   NULL));
	ASSERT_EQ(4u, cse_stack_stats(self->st)->tcp_retransmits);
	close(fd);
	close(lfd);
}

TEST_HARNESS_MAIN
