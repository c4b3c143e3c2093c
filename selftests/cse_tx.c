// SPDX-License-Identifier: GPL-2.0
/*
 * Transmit: CSE_IOC_TX_KICK sends what the TX ring holds, each frame
 * validated; spoofed or malformed frames are dropped, counted, and never
 * leave the device. Topology: cse_net.h.
 */
#include <netinet/tcp.h>
#include <netinet/udp.h>
#include <poll.h>

#include "kselftest_harness.h"
#include "cse_frame.h"

FIXTURE(tx) {
	struct t_net net;
	struct t_inst in;
	int port;	/* owned UDP port */
};

FIXTURE_SETUP(tx)
{
	struct cse_port p;

	self->in.fd = -1;
	self->in.area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, t_inst_open(&self->in, &self->net));
	self->port = t_port(0);
	t_port_req(&p, IPPROTO_UDP, self->port);
	ASSERT_LT(0, t_reserve(self->in.fd, &p));
}

FIXTURE_TEARDOWN(tx)
{
	t_inst_close(&self->in);
	t_net_down(&self->net);
}

static long long dev_stat(const struct t_net *t, const char *name)
{
	char path[128];

	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", t->a,
		 name);
	return cse_sysfs_num(path);
}

TEST_F(tx, valid_udp_frame_reaches_the_peer)
{
	pid_t pid = t_peer_receiver(&self->net, 7000, "tx!", 500);
	struct cse_stats st;
	uint32_t len;

	ASSERT_LT(0, pid);
	EXPECT_EQ(CSE_RING_NEED_WAKEUP, *self->in.tx.flags);
	len = t_build_udp(t_tx_buf(&self->in, 0), &self->net, self->in.att.mac,
			self->port, 7000, "tx!");
	t_tx_publish(&self->in, &len, 1);
	EXPECT_EQ(1, t_kick(self->in.fd));
	/* completed: the consumer passed the entry, the flag asks for kicks */
	EXPECT_EQ(*self->in.tx.producer,
		  __atomic_load_n(self->in.tx.consumer, __ATOMIC_ACQUIRE));
	EXPECT_EQ(CSE_RING_NEED_WAKEUP, *self->in.tx.flags);
	EXPECT_EQ(1, t_wait(pid));
	st = t_stats(self->in.fd);
	EXPECT_EQ(1ULL, st.tx_frames);
	EXPECT_EQ((unsigned long long)len, st.tx_bytes);
	EXPECT_EQ(0ULL, st.tx_rejected);
	/* nothing left: a kick now consumes nothing */
	EXPECT_EQ(0, t_kick(self->in.fd));
}

TEST_F(tx, one_kick_sends_a_batch)
{
	pid_t pid = t_peer_receiver(&self->net, 7000, "batch", 500);
	uint32_t lens[32];

	ASSERT_LT(0, pid);
	for (int i = 0; i < 32; i++)
		lens[i] = t_build_udp(t_tx_buf(&self->in, i), &self->net,
				    self->in.att.mac, self->port, 7000, "batch");
	t_tx_publish(&self->in, lens, 32);
	EXPECT_EQ(32, t_kick(self->in.fd));
	EXPECT_EQ(32, t_wait(pid));
	EXPECT_EQ(32ULL, t_stats(self->in.fd).tx_frames);
}

/* Ways to spoil a good frame; each must be refused. */
enum spoil {
	SP_SRC_MAC, SP_SRC_IP, SP_UNOWNED_PORT, SP_IPV6, SP_SHORT_IP,
	SP_TOT_LEN, SP_FRAGMENT, SP_ICMP, SP_IHL, SP_TOO_LONG, SP_RUNT,
	SP_OUTSIDE, SP_CROSSES_SLOT, SP_FLAGS, SP_RX_REGION, SP_MAX,
};

TEST_F(tx, spoofed_or_malformed_frames_are_dropped_and_counted)
{
	pid_t pid = t_peer_receiver(&self->net, 7000, "bad", 300);
	uint8_t bad_mac[6] = { 0x02, 0, 0, 0, 0, 0x99 };
	long long sent = dev_stat(&self->net, "tx_packets");
	struct cse_stats st;

	ASSERT_LT(0, pid);
	for (int sp = 0; sp < SP_MAX; sp++) {
		uint8_t *f = t_tx_buf(&self->in, 0);
		uint32_t prod = *self->in.tx.producer;
		struct cse_desc *d = t_ring_entry(&self->in.tx, prod);
		struct iphdr *ip = (void *)(f + 14);
		uint32_t len;

		len = t_build_udp(f, &self->net, sp == SP_SRC_MAC ? bad_mac :
			self->in.att.mac, sp == SP_UNOWNED_PORT ?
			self->port + 1 : self->port, 7000, "bad");
		switch (sp) {
		case SP_SRC_IP:
			ip->saddr = t_addr(&self->net, 99);
			t_fix_checksums(f);
			break;
		case SP_IPV6:
			f[12] = 0x86;
			f[13] = 0xdd;
			break;
		case SP_SHORT_IP:
			len = 14 + 12;
			break;
		case SP_TOT_LEN:
			ip->tot_len = htons(ntohs(ip->tot_len) + 1);
			t_fix_checksums(f);
			break;
		case SP_FRAGMENT:
			ip->frag_off = htons(0x2000);	/* more fragments */
			t_fix_checksums(f);
			break;
		case SP_ICMP:
			ip->protocol = IPPROTO_ICMP;
			break;
		case SP_IHL:
			ip->ihl = 4;
			break;
		case SP_TOO_LONG:
			len = 14 + 1501;	/* MTU 1500 */
			break;
		case SP_RUNT:
			len = 13;
			break;
		}
		d->addr = self->in.att.tx_frames +
			  (uint64_t)(prod & self->in.tx.mask) * self->in.att.frame_size;
		d->len = len;
		d->flags = 0;
		if (sp == SP_OUTSIDE)
			d->addr = self->in.att.mmap_size + 4096;
		if (sp == SP_CROSSES_SLOT)
			d->addr += self->in.att.frame_size - 20;
		if (sp == SP_FLAGS)
			d->flags = 1;
		if (sp == SP_RX_REGION)
			d->addr = self->in.att.rx_frames;
		__atomic_store_n(self->in.tx.producer, prod + 1, __ATOMIC_RELEASE);
		EXPECT_EQ(1, t_kick(self->in.fd));
		st = t_stats(self->in.fd);
		EXPECT_EQ((unsigned long long)sp + 1, st.tx_rejected) {
			TH_LOG("spoil %d was not rejected", sp);
		}
	}
	EXPECT_EQ(0ULL, st.tx_frames);
	/* nothing of it left the device */
	EXPECT_EQ(0, t_wait(pid));
	EXPECT_EQ(sent, dev_stat(&self->net, "tx_packets"));
}

TEST_F(tx, connected_filter_sends_only_to_its_remote)
{
	pid_t pid = t_peer_receiver(&self->net, 7001, "conn", 300);
	int port = t_port(1);
	struct cse_port p;
	uint32_t lens[2];

	ASSERT_LT(0, pid);
	t_port_req(&p, IPPROTO_UDP, port);
	p.flags = CSE_PORT_CONNECTED;
	p.remote_addr = t_addr(&self->net, 2);
	p.remote_port = htons(7001);
	ASSERT_LT(0, t_reserve(self->in.fd, &p));
	lens[0] = t_build_udp(t_tx_buf(&self->in, 0), &self->net, self->in.att.mac,
			    port, 7001, "conn");
	lens[1] = t_build_udp(t_tx_buf(&self->in, 1), &self->net, self->in.att.mac,
			    port, 7002, "conn");
	t_tx_publish(&self->in, lens, 2);
	EXPECT_EQ(2, t_kick(self->in.fd));
	EXPECT_EQ(1, t_wait(pid));
	EXPECT_EQ(1ULL, t_stats(self->in.fd).tx_frames);
	EXPECT_EQ(1ULL, t_stats(self->in.fd).tx_rejected);
}

/*
 * A port held by the caller's own socket (CSE_PORT_SOCKET) is validated as
 * one the module holds: frames from it go out while the socket holds the
 * port, also after the caller closed its descriptor; once the socket gave
 * the port up (disconnected after connect() had bound it), they are
 * refused.
 */
TEST_F(tx, port_held_by_the_callers_socket)
{
	struct sockaddr_in sin = t_sin(&self->net, 2, 7003);
	struct sockaddr unspec = { .sa_family = AF_UNSPEC };
	socklen_t len = sizeof(sin);
	struct cse_port p;
	struct t_inst in;
	uint32_t n;
	pid_t pid;
	int s, port;

	t_attach_req(&in.att, self->net.ifindex);
	in.fd = t_open_want(&in.att, CSE_FEAT_PORT_FD);
	ASSERT_LE(0, in.fd);
	in.area = t_map(in.fd, &in.att);
	ASSERT_NE(NULL, in.area);
	t_ring(&in.rx, in.area, &in.att.rx);
	t_ring(&in.tx, in.area, &in.att.tx);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, connect(s, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, getsockname(s, (struct sockaddr *)&sin, &len));
	port = ntohs(sin.sin_port);
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = s;
	ASSERT_LT(0, t_reserve(in.fd, &p));

	pid = t_peer_receiver(&self->net, 7003, "own", 300);
	ASSERT_LT(0, pid);
	n = t_build_udp(t_tx_buf(&in, 0), &self->net, in.att.mac, port, 7003, "own");
	t_tx_publish(&in, &n, 1);
	EXPECT_EQ(1, t_kick(in.fd));
	EXPECT_EQ(1, t_wait(pid));
	EXPECT_EQ(1ULL, t_stats(in.fd).tx_frames);

	/* the socket gives the port up: its frames are not ours any more */
	ASSERT_EQ(0, connect(s, &unspec, sizeof(unspec)));
	n = t_build_udp(t_tx_buf(&in, 0), &self->net, in.att.mac, port, 7003, "own");
	t_tx_publish(&in, &n, 1);
	EXPECT_EQ(1, t_kick(in.fd));
	EXPECT_EQ(1ULL, t_stats(in.fd).tx_frames);
	EXPECT_EQ(1ULL, t_stats(in.fd).tx_rejected);
	close(s);
	munmap(in.area, in.att.mmap_size);
	close(in.fd);
}

TEST_F(tx, port_held_by_a_closed_descriptor)
{
	int s, port = t_port(2);
	struct sockaddr_in sin = t_sin(&self->net, 1, port);
	struct cse_port p;
	struct t_inst in;
	uint32_t n;
	pid_t pid;

	t_attach_req(&in.att, self->net.ifindex);
	in.fd = t_open_want(&in.att, CSE_FEAT_PORT_FD);
	ASSERT_LE(0, in.fd);
	in.area = t_map(in.fd, &in.att);
	ASSERT_NE(NULL, in.area);
	t_ring(&in.rx, in.area, &in.att.rx);
	t_ring(&in.tx, in.area, &in.att.tx);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&sin, sizeof(sin)));
	t_port_req(&p, IPPROTO_UDP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = s;
	ASSERT_LT(0, t_reserve(in.fd, &p));
	EXPECT_EQ(t_addr(&self->net, 1), p.local_addr);
	close(s);

	pid = t_peer_receiver(&self->net, 7004, "held", 300);
	ASSERT_LT(0, pid);
	n = t_build_udp(t_tx_buf(&in, 0), &self->net, in.att.mac, port, 7004, "held");
	t_tx_publish(&in, &n, 1);
	EXPECT_EQ(1, t_kick(in.fd));
	EXPECT_EQ(1, t_wait(pid));
	EXPECT_EQ(1ULL, t_stats(in.fd).tx_frames);
	EXPECT_EQ(0ULL, t_stats(in.fd).tx_rejected);
	munmap(in.area, in.att.mmap_size);
	close(in.fd);
}

static uint32_t build_arp(uint8_t *f, const struct t_net *t,
			  const uint8_t *sha, in_addr_t spa)
{
	in_addr_t tpa = t_addr(t, 2);

	memset(f, 0xff, 6);
	memcpy(f + 6, sha, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	f[14] = 0;
	f[15] = 1;		/* Ethernet */
	f[16] = 0x08;
	f[17] = 0;		/* IPv4 */
	f[18] = 6;
	f[19] = 4;
	f[20] = 0;
	f[21] = 1;		/* request */
	memcpy(f + 22, sha, 6);
	memcpy(f + 28, &spa, 4);
	memset(f + 32, 0, 6);
	memcpy(f + 38, &tpa, 4);
	return 42;
}

/* ARP for our own address is sent and answered; for any other, refused. */
TEST_F(tx, arp_only_for_own_address)
{
	uint8_t bad_mac[6] = { 0x02, 0, 0, 0, 0, 0x98 };
	uint32_t lens[3];
	int replies = 0;

	lens[0] = build_arp(t_tx_buf(&self->in, 0), &self->net, self->in.att.mac,
			    t_addr(&self->net, 1));
	lens[1] = build_arp(t_tx_buf(&self->in, 1), &self->net, self->in.att.mac,
			    t_addr(&self->net, 77));
	lens[2] = build_arp(t_tx_buf(&self->in, 2), &self->net, bad_mac,
			    t_addr(&self->net, 1));
	memcpy(t_tx_buf(&self->in, 2) + 6, self->in.att.mac, 6);
	t_tx_publish(&self->in, lens, 3);
	EXPECT_EQ(3, t_kick(self->in.fd));
	EXPECT_EQ(1ULL, t_stats(self->in.fd).tx_frames);
	EXPECT_EQ(2ULL, t_stats(self->in.fd).tx_rejected);
	/* the peer's kernel answered: the reply is copied to us */
	for (int ms = 0; ms < 2000 && !replies; ms += 10) {
		while (t_ring_avail(&self->in.rx)) {
			const struct cse_desc *d =
				t_ring_entry(&self->in.rx, *self->in.rx.consumer);
			const uint8_t *f = self->in.area + d->addr;

			replies += f[12] == 0x08 && f[13] == 0x06 && f[21] == 2;
			t_ring_release(&self->in.rx, 1);
		}
		usleep(10000);
	}
	EXPECT_EQ(1, replies);
}

/* A TCP SYN from an owned port is answered, and the answer comes back. */
TEST_F(tx, tcp_syn_from_owned_port_gets_its_syn_ack)
{
	int ls, tport = t_port(2), got = 0;
	struct cse_port p;
	uint32_t len;
	uint8_t *f, *tcp;
	pid_t pid;
	int ready[2];
	char c;

	t_port_req(&p, IPPROTO_TCP, tport);
	ASSERT_LT(0, t_reserve(self->in.fd, &p));
	ASSERT_EQ(0, pipe(ready));
	pid = t_in_peer(&self->net);
	ASSERT_LE(0, pid);
	if (!pid) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(7003),
		};

		ls = socket(AF_INET, SOCK_STREAM, 0);
		if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) ||
		    listen(ls, 1) || write(ready[1], "r", 1) != 1)
			_exit(1);
		usleep(1000000);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	f = t_tx_buf(&self->in, 0);
	len = t_build_ip(f, &self->net, self->in.att.mac, IPPROTO_TCP, 20);
	tcp = f + 34;
	memset(tcp, 0, 20);
	tcp[0] = tport >> 8;
	tcp[1] = tport & 0xff;
	tcp[2] = 7003 >> 8;
	tcp[3] = 7003 & 0xff;
	tcp[7] = 100;		/* seq 100 */
	tcp[12] = 5 << 4;
	tcp[13] = 0x02;		/* SYN */
	tcp[14] = 0xff;		/* window */
	t_fix_checksums(f);
	t_tx_publish(&self->in, &len, 1);
	EXPECT_EQ(1, t_kick(self->in.fd));
	for (int ms = 0; ms < 2000 && !got; ms += 10) {
		while (t_ring_avail(&self->in.rx)) {
			const struct cse_desc *d =
				t_ring_entry(&self->in.rx, *self->in.rx.consumer);
			const uint8_t *r = self->in.area + d->addr;

			/* SYN-ACK acking 101, to our port */
			got += r[23] == IPPROTO_TCP && r[47] == 0x12 &&
			       (r[36] << 8 | r[37]) == tport && r[45] == 101;
			t_ring_release(&self->in.rx, 1);
		}
		usleep(10000);
	}
	EXPECT_EQ(1, got);
	EXPECT_EQ(0, t_wait(pid));
}

/* ICMP port unreachable quoting a datagram from the peer to @dport. */
static uint32_t build_icmp_error(uint8_t *f, const struct t_net *t,
				 const uint8_t *mac, int dport)
{
	uint32_t len = t_build_ip(f, t, mac, IPPROTO_ICMP, 8 + 28);
	uint8_t *icmp = f + 34;
	struct iphdr *in = (void *)(icmp + 8);
	uint16_t c;

	memset(icmp, 0, 36);
	icmp[0] = 3;
	icmp[1] = 3;
	in->version = 4;
	in->ihl = 5;
	in->tot_len = htons(28);
	in->ttl = 64;
	in->protocol = IPPROTO_UDP;
	in->saddr = t_addr(t, 2);
	in->daddr = t_addr(t, 1);
	icmp[28] = 7000 >> 8;
	icmp[29] = 7000 & 0xff;
	icmp[30] = dport >> 8;
	icmp[31] = dport & 0xff;
	c = ~csum_fold32(csum_add(0, icmp, 36));
	icmp[2] = c >> 8;
	icmp[3] = c & 0xff;
	((struct iphdr *)(f + 14))->check = 0;
	((struct iphdr *)(f + 14))->check =
		htons(~csum_fold32(csum_add(0, f + 14, 20)) & 0xffff);
	return len;
}

/* ICMP errors only about the instance's own flows. */
TEST_F(tx, icmp_error_only_about_owned_flows)
{
	long long sent = dev_stat(&self->net, "tx_packets");
	uint32_t lens[2];
	struct cse_stats st;

	lens[0] = build_icmp_error(t_tx_buf(&self->in, 0), &self->net,
				   self->in.att.mac, self->port);
	lens[1] = build_icmp_error(t_tx_buf(&self->in, 1), &self->net,
				   self->in.att.mac, self->port + 1);
	t_tx_publish(&self->in, lens, 2);
	EXPECT_EQ(2, t_kick(self->in.fd));
	st = t_stats(self->in.fd);
	EXPECT_EQ(1ULL, st.tx_frames);
	EXPECT_EQ(1ULL, st.tx_rejected);
	EXPECT_EQ(sent + 1, dev_stat(&self->net, "tx_packets"));
}

TEST_F(tx, kick_errors)
{
	int fd = cse_open_ready(NULL);

	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, t_kick(fd));
	close(fd);
	EXPECT_EQ(-EINVAL, (int)(ioctl(self->in.fd, CSE_IOC_TX_KICK, 1) ? -errno : 0));
	ASSERT_EQ(0, t_sh("ip link del %s", self->net.a));
	EXPECT_EQ(-ENODEV, t_kick(self->in.fd));
}

/* A producer index beyond the ring is refused and counted. */
TEST_F(tx, corrupt_producer_index_is_counted)
{
	long long sent = dev_stat(&self->net, "tx_packets");
	struct cse_stats st;
	uint32_t len;

	*self->in.tx.producer = *self->in.tx.consumer + 5000;
	EXPECT_EQ(0, t_kick(self->in.fd));
	st = t_stats(self->in.fd);
	EXPECT_LE(1ULL, st.ring_errors);
	EXPECT_EQ(0ULL, st.tx_frames + st.tx_rejected);
	EXPECT_EQ(sent, dev_stat(&self->net, "tx_packets"));
	/*
	 * Sane again, with a consumer index scribbled by user space: the
	 * module goes by its own copy and overwrites it.
	 */
	*self->in.tx.producer = 0;
	*self->in.tx.consumer = 77;
	len = t_build_udp(t_tx_buf(&self->in, 0), &self->net, self->in.att.mac,
			self->port, 7000, "again");
	t_tx_publish(&self->in, &len, 1);
	EXPECT_EQ(1, t_kick(self->in.fd));
	EXPECT_EQ(1U, *self->in.tx.consumer);
	EXPECT_EQ(1ULL, t_stats(self->in.fd).tx_frames);
}

TEST_F(tx, poll_writable_only_with_tx_room)
{
	struct pollfd pfd = { .fd = self->in.fd, .events = POLLOUT };

	EXPECT_EQ(1, poll(&pfd, 1, 0));
	/* fill the ring without kicking */
	__atomic_store_n(self->in.tx.producer,
			 *self->in.tx.consumer + self->in.att.tx.entries,
			 __ATOMIC_RELEASE);
	EXPECT_EQ(0, poll(&pfd, 1, 0));
}

TEST_HARNESS_MAIN
