// SPDX-License-Identifier: GPL-2.0
/*
 * Receive and steering: frames that the peer's kernel stack sends reach
 * exactly the instance that owns their flow, as they were on the wire;
 * everything else still reaches the kernel. Topology: cse_net.h.
 */
#include <netinet/ip.h>
#include <netinet/ip_icmp.h>
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>
#include <sys/epoll.h>

#include "kselftest_harness.h"
#include "cse_frame.h"
#include "cse_rxring.h"

FIXTURE(rx) {
	struct t_net net;
	struct t_inst a;
	struct t_inst b;
};

FIXTURE_SETUP(rx)
{
	self->a.fd = self->b.fd = -1;
	self->a.area = self->b.area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, inst_open(&self->a, &self->net, 64));
}

FIXTURE_TEARDOWN(rx)
{
	t_inst_close(&self->a);
	t_inst_close(&self->b);
	t_net_down(&self->net);
}

TEST_F(rx, udp_to_an_owned_port_reaches_only_the_instance)
{
	int port = t_port(0);
	struct cse_stats st;
	struct frame f;
	uint32_t slot;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	ASSERT_EQ(0, t_peer_udp(&self->net, 4000, port, "hello", 5));
	ASSERT_EQ(1U, wait_rx(&self->a, 1, 2000));
	ASSERT_TRUE(next_frame(&self->a, &f));
	EXPECT_EQ(0x0800, f.ethertype);
	EXPECT_EQ(14U + 20 + 8 + 5, f.len);
	EXPECT_EQ(0, memcmp(f.data, self->a.att.mac, 6));
	ASSERT_NE(NULL, f.ip);
	EXPECT_EQ(IPPROTO_UDP, f.ip->protocol);
	EXPECT_EQ(t_addr(&self->net, 1), f.ip->daddr);
	EXPECT_EQ(t_addr(&self->net, 2), f.ip->saddr);
	EXPECT_EQ(4000, f.sport);
	EXPECT_EQ(port, f.dport);
	EXPECT_EQ(0, memcmp(f.data + 42, "hello", 5));
	EXPECT_TRUE(checksums_ok(f.data, f.len));
	/* the entry's own slot */
	slot = *self->a.rx.consumer & self->a.rx.mask;
	EXPECT_EQ(self->a.att.rx_frames + slot * self->a.att.frame_size, f.addr);
	t_ring_release(&self->a.rx, 1);
	st = t_stats(self->a.fd);
	EXPECT_EQ(1ULL, st.rx_frames);
	EXPECT_EQ(47ULL, st.rx_bytes);
	EXPECT_EQ(0ULL, st.rx_dropped);
	/* the kernel's stack never saw it: nothing on the port's socket */
	EXPECT_EQ(0, t_udp_rxq(port));
}

/* The kernel keeps its own traffic on the same device, TCP included. */
TEST_F(rx, unowned_traffic_reaches_the_kernel)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int port = t_port(1), us, ls, cs, other;
	char buf[8] = "";
	pid_t pid;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, t_port(2)));
	ASSERT_LT(0, reserve(&self->a, IPPROTO_TCP, t_port(2)));
	us = socket(AF_INET, SOCK_DGRAM, 0);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	ASSERT_LE(0, us);
	ASSERT_LE(0, ls);
	sin.sin_port = htons(port);
	ASSERT_EQ(0, bind(us, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(ls, 1));

	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "kern", 4));
	EXPECT_EQ(4, recv(us, buf, sizeof(buf), MSG_DONTWAIT));
	EXPECT_EQ(0, memcmp(buf, "kern", 4));

	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		int s = socket(AF_INET, SOCK_STREAM, 0);

		sin.sin_addr.s_addr = t_addr(&self->net, 1);
		if (connect(s, (struct sockaddr *)&sin, sizeof(sin)))
			_exit(1);
		if (send(s, "tcp!", 4, 0) != 4 || recv(s, buf, 4, MSG_WAITALL) != 4)
			_exit(2);
		_exit(memcmp(buf, "back", 4) ? 3 : 0);
	}
	cs = accept(ls, NULL, NULL);
	ASSERT_LE(0, cs);
	EXPECT_EQ(4, recv(cs, buf, 4, MSG_WAITALL));
	EXPECT_EQ(0, memcmp(buf, "tcp!", 4));
	EXPECT_EQ(4, send(cs, "back", 4, 0));
	EXPECT_EQ(0, t_wait(pid));
	close(cs);
	close(ls);
	close(us);
	/* none of it went to the instance */
	EXPECT_EQ(0, drain(&self->a, IPPROTO_UDP, port, &other));
	EXPECT_EQ(0, other);
}

TEST_F(rx, tcp_syn_to_an_owned_port_is_steered)
{
	long long rsts = t_snmp("Tcp", "OutRsts");
	int port = t_port(3);
	struct frame f;
	pid_t pid;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_TCP, port));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = t_sin(&self->net, 1, port);
		int s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

		connect(s, (struct sockaddr *)&sin, sizeof(sin));
		usleep(300000);
		_exit(0);
	}
	ASSERT_LE(1U, wait_rx(&self->a, 1, 2000));
	ASSERT_TRUE(next_frame(&self->a, &f));
	ASSERT_NE(NULL, f.ip);
	EXPECT_EQ(IPPROTO_TCP, f.ip->protocol);
	EXPECT_EQ(port, f.dport);
	/* a SYN, checksum complete even though veth offloaded it */
	EXPECT_EQ(0x02, f.data[14 + 20 + 13] & 0x17);
	EXPECT_TRUE(checksums_ok(f.data, f.len));
	t_ring_release(&self->a.rx, 1);
	EXPECT_EQ(0, t_wait(pid));
	/* the kernel did not answer with a reset: it never saw the SYN */
	EXPECT_EQ(rsts, t_snmp("Tcp", "OutRsts"));
}

TEST_F(rx, connected_filter_matches_only_its_remote)
{
	int port = t_port(4), other;
	struct cse_port p;

	t_port_req(&p, IPPROTO_UDP, port);
	p.flags = CSE_PORT_CONNECTED;
	p.remote_addr = t_addr(&self->net, 2);
	p.remote_port = htons(5000);
	ASSERT_LT(0, t_reserve(self->a.fd, &p));
	ASSERT_EQ(0, t_peer_udp(&self->net, 5000, port, "yes", 3));
	ASSERT_EQ(0, t_peer_udp(&self->net, 5001, port, "no", 2));
	ASSERT_EQ(1U, wait_rx(&self->a, 1, 2000));
	usleep(100000);
	EXPECT_EQ(1, drain(&self->a, IPPROTO_UDP, port, &other));
	EXPECT_EQ(0, other);
	/* the other remote's datagram went to the kernel (the port's socket) */
	EXPECT_LT(0, t_udp_rxq(port));
}

TEST_F(rx, two_instances_each_see_only_their_own_flows)
{
	int pa = t_port(5), pb = t_port(6), other;

	ASSERT_EQ(0, inst_open(&self->b, &self->net, 64));
	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, pa));
	ASSERT_LT(0, reserve(&self->b, IPPROTO_UDP, pb));
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(0, t_peer_udp(&self->net, 0, pa, "a", 1));
		ASSERT_EQ(0, t_peer_udp(&self->net, 0, pb, "bb", 2));
	}
	ASSERT_EQ(3U, wait_rx(&self->a, 3, 2000));
	ASSERT_EQ(3U, wait_rx(&self->b, 3, 2000));
	usleep(100000);
	EXPECT_EQ(3, drain(&self->a, IPPROTO_UDP, pa, &other));
	EXPECT_EQ(0, other);
	EXPECT_EQ(3, drain(&self->b, IPPROTO_UDP, pb, &other));
	EXPECT_EQ(0, other);
}

TEST_F(rx, arp_is_copied_and_still_reaches_the_kernel)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int port = t_port(7), us, arp = 0;
	char buf[4];
	struct frame f;

	ASSERT_EQ(0, inst_open(&self->b, &self->net, 64));
	us = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, us);
	sin.sin_port = htons(port);
	ASSERT_EQ(0, bind(us, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, t_sh("ip -n %s neigh del 10.77.%d.1 dev %s", self->net.ns,
			  self->net.subnet, self->net.b));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "arp", 3));
	/* the kernel answered the request: the datagram came through */
	usleep(200000);
	EXPECT_EQ(3, recv(us, buf, sizeof(buf), MSG_DONTWAIT));
	close(us);
	/* every instance of the device got the request */
	ASSERT_LE(1U, wait_rx(&self->a, 1, 2000));
	ASSERT_LE(1U, wait_rx(&self->b, 1, 2000));
	while (next_frame(&self->a, &f)) {
		arp += f.ethertype == 0x0806 && f.len >= 42;
		t_ring_release(&self->a.rx, 1);
	}
	EXPECT_LE(1, arp);
}

TEST_F(rx, full_ring_drops_and_counts)
{
	int port = t_port(8), other;
	struct cse_stats st;

	t_inst_close(&self->a);
	ASSERT_EQ(0, inst_open(&self->a, &self->net, 2));
	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	for (int i = 0; i < 6; i++)
		ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "x", 1));
	ASSERT_EQ(2U, wait_rx(&self->a, 2, 2000));
	usleep(100000);
	st = t_stats(self->a.fd);
	EXPECT_EQ(2ULL, st.rx_frames);
	EXPECT_EQ(4ULL, st.rx_dropped);
	EXPECT_EQ(2, drain(&self->a, IPPROTO_UDP, port, &other));
	/* room again: the next frame arrives */
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "y", 1));
	EXPECT_EQ(1U, wait_rx(&self->a, 1, 2000));
}

/*
 * A consumer index moved beyond the producer stops only its own instance,
 * is counted, and is forgiven once it is sane again.
 */
TEST_F(rx, corrupt_consumer_index_only_hurts_its_instance)
{
	int pa = t_port(9), pb = t_port(10), other;
	uint32_t good = *self->a.rx.consumer;
	struct cse_stats st;

	ASSERT_EQ(0, inst_open(&self->b, &self->net, 64));
	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, pa));
	ASSERT_LT(0, reserve(&self->b, IPPROTO_UDP, pb));
	*self->a.rx.consumer = good + 1000;
	*self->a.rx.producer = 0xdeadbeef;	/* never read back by the module */
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, pa, "a", 1));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, pb, "b", 1));
	ASSERT_EQ(1U, wait_rx(&self->b, 1, 2000));
	EXPECT_EQ(1, drain(&self->b, IPPROTO_UDP, pb, &other));
	st = t_stats(self->a.fd);
	EXPECT_EQ(0ULL, st.rx_frames);
	EXPECT_EQ(1ULL, st.rx_dropped);
	EXPECT_LE(1ULL, st.ring_errors);
	/* a sane index again: frames flow */
	*self->a.rx.producer = 0;
	*self->a.rx.consumer = good;
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, pa, "a", 1));
	ASSERT_EQ(1U, wait_rx(&self->a, 1, 2000));
	EXPECT_EQ(1, drain(&self->a, IPPROTO_UDP, pa, &other));
}

TEST_F(rx, poll_and_epoll_report_frames)
{
	struct pollfd pfd = { .fd = self->a.fd, .events = POLLIN | POLLOUT };
	struct epoll_event ev = { .events = EPOLLIN }, out;
	int port = t_port(11), ep, other;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(POLLOUT, pfd.revents);	/* TX room, nothing to read */
	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->a.fd, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "p", 1));
	/* epoll sleeps until the frame arrives */
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 2000));
	EXPECT_NE(0U, out.events & EPOLLIN);
	pfd.events = POLLIN;
	EXPECT_EQ(1, poll(&pfd, 1, 0));
	EXPECT_EQ(1, drain(&self->a, IPPROTO_UDP, port, &other));
	EXPECT_EQ(0, poll(&pfd, 1, 0));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	close(ep);
}

/*
 * Sleepers are woken when the ring becomes non-empty, not per frame: a
 * reader that drains and sleeps in poll() never sleeps on a non-empty ring,
 * however frames and reads interleave.
 */
TEST_F(rx, poll_never_sleeps_on_a_non_empty_ring)
{
	struct pollfd pfd = { .fd = self->a.fd, .events = POLLIN };
	int port = t_port(14), got = 0, lost = 0, r;
	struct cse_stats st;
	pid_t pid;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = t_sin(&self->net, 1, port);
		int s = socket(AF_INET, SOCK_DGRAM, 0);

		for (int i = 0; i < 2000; i++) {
			sendto(s, "w", 1, 0, (struct sockaddr *)&sin, sizeof(sin));
			if (i % 7 == 0)
				usleep(i % 3 ? 50 : 1000);
		}
		_exit(0);
	}
	for (;;) {
		r = poll(&pfd, 1, 1000);
		if (r == 0) {
			lost += t_ring_avail(&self->a.rx) != 0;
			if (waitpid(pid, NULL, WNOHANG) == pid)
				break;
			continue;
		}
		got += drain(&self->a, IPPROTO_UDP, port, NULL);
	}
	got += drain(&self->a, IPPROTO_UDP, port, NULL);
	EXPECT_EQ(0, lost);
	st = t_stats(self->a.fd);
	EXPECT_EQ((unsigned long long)got, st.rx_frames);
	EXPECT_EQ(2000ULL, st.rx_frames + st.rx_dropped);
}

/* An ICMP error quoting an owned flow belongs to the owner. */
TEST_F(rx, icmp_error_about_an_owned_flow_is_steered)
{
	int port = t_port(12);
	struct frame f;
	pid_t pid;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_addr.s_addr = t_addr(&self->net, 1),
		};
		uint8_t pkt[8 + 20 + 8] = { 3, 3 };	/* port unreachable */
		struct iphdr *in = (void *)(pkt + 8);
		uint16_t sum;
		int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

		in->version = 4;
		in->ihl = 5;
		in->tot_len = htons(28);
		in->ttl = 64;
		in->protocol = IPPROTO_UDP;
		in->saddr = t_addr(&self->net, 1);
		in->daddr = t_addr(&self->net, 2);
		pkt[28] = port >> 8;
		pkt[29] = port & 0xff;
		pkt[31] = 9;
		sum = ~csum_fold32(csum_add(0, pkt, sizeof(pkt)));
		pkt[2] = sum >> 8;
		pkt[3] = sum & 0xff;
		_exit(sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&sin,
			     sizeof(sin)) == sizeof(pkt) ? 0 : 1);
	}
	ASSERT_EQ(0, t_wait(pid));
	ASSERT_EQ(1U, wait_rx(&self->a, 1, 2000));
	ASSERT_TRUE(next_frame(&self->a, &f));
	ASSERT_NE(NULL, f.ip);
	EXPECT_EQ(IPPROTO_ICMP, f.ip->protocol);
	EXPECT_EQ(3, f.data[34]);
	t_ring_release(&self->a.rx, 1);
}

/* A UDP GSO super-datagram arrives cut into wire-sized frames. */
TEST_F(rx, gso_super_frame_arrives_as_wire_frames)
{
	int port = t_port(13), n = 0;
	struct frame f;
	pid_t pid;

	ASSERT_LT(0, reserve(&self->a, IPPROTO_UDP, port));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = t_sin(&self->net, 1, port);
		int gso = 500, s = socket(AF_INET, SOCK_DGRAM, 0);
		char buf[1500];

		memset(buf, 'g', sizeof(buf));
		if (setsockopt(s, SOL_UDP, UDP_SEGMENT, &gso, sizeof(gso)))
			_exit(1);
		_exit(sendto(s, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
			     sizeof(sin)) == sizeof(buf) ? 0 : 2);
	}
	ASSERT_EQ(0, t_wait(pid));
	ASSERT_EQ(3U, wait_rx(&self->a, 3, 2000));
	while (next_frame(&self->a, &f)) {
		EXPECT_EQ(14U + 20 + 8 + 500, f.len);
		EXPECT_TRUE(checksums_ok(f.data, f.len));
		n++;
		t_ring_release(&self->a.rx, 1);
	}
	EXPECT_EQ(3, n);
}

/* The data path needs no privilege: an unprivileged opener receives too. */
TEST_F(rx, unprivileged_opener_receives_its_flows)
{
	int ifindex = self->net.ifindex, ready[2], go[2], st;
	uint16_t port;
	pid_t pid;

	ASSERT_EQ(0, pipe(ready));
	ASSERT_EQ(0, pipe(go));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct t_inst in;
		struct cse_port p;
		char c;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
		    setresuid(65534, 65534, 65534))
			_exit(10);
		in.fd = cse_open_ready(NULL);
		t_attach_req(&in.att, ifindex);
		if (in.fd < 0 || ioctl(in.fd, CSE_IOC_ATTACH, &in.att))
			_exit(11);
		in.area = t_map(in.fd, &in.att);
		if (!in.area)
			_exit(12);
		t_ring(&in.rx, in.area, &in.att.rx);
		t_port_req(&p, IPPROTO_UDP, 0);	/* ephemeral */
		if (t_reserve(in.fd, &p) <= 0)
			_exit(13);
		port = ntohs(p.local_port);
		if (write(ready[1], &port, 2) != 2 || read(go[0], &c, 1) != 1)
			_exit(14);
		_exit(wait_rx(&in, 1, 2000) == 1 &&
		      drain(&in, IPPROTO_UDP, port, NULL) == 1 ? 0 : 15);
	}
	ASSERT_EQ(2, read(ready[0], &port, 2));
	ASSERT_EQ(0, t_peer_udp(&self->net, 0, port, "nobody", 6));
	ASSERT_EQ(1, write(go[1], "g", 1));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
