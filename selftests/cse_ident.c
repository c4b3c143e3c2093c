// SPDX-License-Identifier: GPL-2.0
/*
 * An address of the instance's own (CSE_IOC_ADDR_CLAIM, ABI 1.4): the
 * claim and its refusals, RX of everything for the address (ARP included)
 * by the claimer alone, TX from it by the claimer alone (not by another
 * instance, not by the host's sockets), and the address free again when
 * the claimer goes. Topology: cse_net.h; the claimed address is
 * 10.77.X.5, which no device has.
 */
#include <linux/if_packet.h>
#include <netinet/ip_icmp.h>
#include <signal.h>
#include <sys/prctl.h>

#include "kselftest_harness.h"
#include "cse_nl.h"
#include "cse_rxring.h"

#define NOBODY		65534
#define CLAIMED		5	/* 10.77.X.5 */

static const uint8_t own_mac[6] = { 0x02, 0x5e, 0x1f, 0x00, 0x00, 0x05 };

FIXTURE(ident) {
	struct t_net net;
	struct t_inst a;	/* the claimer */
	struct t_inst b;	/* another instance on the same device */
};

FIXTURE_SETUP(ident)
{
	self->a.fd = self->b.fd = -1;
	self->a.area = self->b.area = NULL;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, inst_open_want(&self->a, &self->net, 256, CSE_FEAT_ADDR));
	ASSERT_EQ(0, inst_open_want(&self->b, &self->net, 256, CSE_FEAT_ADDR));
}

FIXTURE_TEARDOWN(ident)
{
	t_inst_close(&self->a);
	t_inst_close(&self->b);
	t_net_down(&self->net);
}

static struct cse_addr addr_req(const struct t_net *t, int host)
{
	struct cse_addr a;

	memset(&a, 0, sizeof(a));
	a.addr = t_addr(t, host);
	a.prefix_len = 24;
	return a;
}

static int claim(int fd, const struct t_net *t, int host)
{
	struct cse_addr a = addr_req(t, host);

	return cse_ioctl(fd, CSE_IOC_ADDR_CLAIM, &a);
}

static int claim_mac(int fd, const struct t_net *t, int host)
{
	struct cse_addr a = addr_req(t, host);

	a.flags = CSE_ADDR_MAC;
	memcpy(a.mac, own_mac, 6);
	return cse_ioctl(fd, CSE_IOC_ADDR_CLAIM, &a);
}

/* The peer reaches 10.77.X.@host at @mac without asking (no ARP). */
static int peer_neigh(const struct t_net *t, int host, const uint8_t *mac)
{
	return t_ip_batch(t->ns, "neigh replace 10.77.%d.%d dev %s lladdr %02x:%02x:%02x:%02x:%02x:%02x nud permanent\n",
			  t->subnet, host, t->b, mac[0], mac[1], mac[2],
			  mac[3], mac[4], mac[5]);
}

/* Frames in @in's RX ring to 10.77.X.@host of IP protocol @proto. */
static int count_to(struct t_inst *in, const struct t_net *t, int host,
		    int proto)
{
	struct frame f;
	int n = 0;

	while (next_frame(in, &f)) {
		if (f.ip && f.ip->daddr == t_addr(t, host) &&
		    f.ip->protocol == proto)
			n++;
		t_ring_release(&in->rx, 1);
	}
	return n;
}

/* ARP frames in @in's RX ring whose target is 10.77.X.@host. */
static int count_arp_to(struct t_inst *in, const struct t_net *t, int host)
{
	in_addr_t want = t_addr(t, host);
	struct frame f;
	int n = 0;

	while (next_frame(in, &f)) {
		if (f.ethertype == 0x0806 && f.len >= 42 &&
		    !memcmp(f.data + 38, &want, 4))
			n++;
		t_ring_release(&in->rx, 1);
	}
	return n;
}

/* From the peer: a UDP datagram to 10.77.X.@host:@port. */
static int peer_udp_to(const struct t_net *t, int host, int port)
{
	pid_t pid = t_in_peer(t);
	struct sockaddr_in sin;
	int s;

	if (pid)
		return t_wait(pid);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	sin = t_sin(t, host, port);
	_exit(sendto(s, "hi", 2, 0, (struct sockaddr *)&sin, sizeof(sin)) != 2);
}

/* From the peer: a TCP SYN to 10.77.X.@host:@port (nobody answers). */
static int peer_syn_to(const struct t_net *t, int host, int port)
{
	pid_t pid = t_in_peer(t);
	struct sockaddr_in sin;
	int s;

	if (pid)
		return t_wait(pid);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	sin = t_sin(t, host, port);
	if (!connect(s, (struct sockaddr *)&sin, sizeof(sin)) ||
	    errno != EINPROGRESS)
		_exit(1);
	usleep(100000);
	_exit(0);
}

/* From the peer: an ICMP echo request to 10.77.X.@host (raw socket). */
static int peer_ping(const struct t_net *t, int host)
{
	pid_t pid = t_in_peer(t);
	struct icmphdr h = { .type = ICMP_ECHO, .un.echo.id = htons(77) };
	struct sockaddr_in sin;
	int s;

	if (pid)
		return t_wait(pid);
	s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
	h.checksum = htons(~csum_fold32(csum_add(0, &h, sizeof(h))) & 0xffff);
	sin = t_sin(t, host, 0);
	_exit(sendto(s, &h, sizeof(h), 0, (struct sockaddr *)&sin,
		     sizeof(sin)) != sizeof(h));
}

/* A UDP frame from 10.77.X.@host (source MAC @mac) to the peer's @dport. */
static uint32_t udp_from(struct t_inst *in, const struct t_net *t, int i,
			 int host, const uint8_t *mac, int dport,
			 const char *payload)
{
	uint8_t *f = t_tx_buf(in, i);
	uint32_t len = t_build_udp(f, t, mac, 40000, dport, payload);
	struct iphdr *ip = (void *)(f + 14);

	ip->saddr = t_addr(t, host);
	t_fix_checksums(f);
	return len;
}

/* An ARP reply "10.77.X.@host is at @mac" to the peer. */
static uint32_t arp_reply(struct t_inst *in, const struct t_net *t, int i,
			  int host, const uint8_t *mac)
{
	static const uint8_t hdr[8] = { 0, 1, 8, 0, 6, 4, 0, 2 };
	uint8_t *f = t_tx_buf(in, i);
	in_addr_t spa = t_addr(t, host), tpa = t_addr(t, 2);

	memcpy(f, t->peer_mac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08;
	f[13] = 0x06;
	memcpy(f + 14, hdr, 8);
	memcpy(f + 22, mac, 6);
	memcpy(f + 28, &spa, 4);
	memcpy(f + 32, t->peer_mac, 6);
	memcpy(f + 38, &tpa, 4);
	return 42;
}

/* Publish one frame in @in's TX ring and kick. */
static void send1(struct t_inst *in, uint32_t len)
{
	t_tx_publish(in, &len, 1);
	t_kick(in->fd);
}

/* Drop to nobody for good (supplementary groups included); 0 or -1. */
static int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -1;
	return 0;
}

TEST_F(ident, claim_then_every_conflict)
{
	struct t_inst c;

	EXPECT_EQ(0, claim(self->a.fd, &self->net, CLAIMED));
	/* one claim per instance */
	EXPECT_EQ(-EEXIST, claim(self->a.fd, &self->net, CLAIMED + 1));
	/* another instance: not the same address, not a host's */
	EXPECT_EQ(-EADDRINUSE, claim(self->b.fd, &self->net, CLAIMED));
	EXPECT_EQ(-EADDRINUSE, claim(self->b.fd, &self->net, 1));
	/* nor a MAC another instance of the device claimed */
	EXPECT_EQ(0, claim_mac(self->b.fd, &self->net, CLAIMED + 1));
	ASSERT_EQ(0, inst_open_want(&c, &self->net, 64, CSE_FEAT_ADDR));
	EXPECT_EQ(-EADDRINUSE, claim_mac(c.fd, &self->net, CLAIMED + 2));
	EXPECT_EQ(0, claim(c.fd, &self->net, CLAIMED + 2));
	t_inst_close(&c);
	/* the host cannot take it either while it is claimed */
	EXPECT_NE(0, t_sh("ip addr add 10.77.%d.%d/32 dev %s 2>/dev/null",
			  self->net.subnet, CLAIMED, self->net.a));
	EXPECT_NE(0, t_sh("ip addr add 10.77.%d.%d/32 dev lo 2>/dev/null",
			  self->net.subnet, CLAIMED));
}

TEST_F(ident, every_bad_field_is_einval)
{
	struct cse_addr a;
	static const struct {
		int own;	/* the fixture's .5, else @addr */
		uint32_t addr;	/* host order */
		int plen;
	} bad[] = {
		{ 0, 0x00000000, 24 }, { 0, 0x7f000001, 8 },
		{ 0, 0x7f0a0b0c, 24 }, { 0, 0xe0000001, 24 },
		{ 0, 0xefffffff, 24 }, { 0, 0xffffffff, 24 },
		{ 0, 0xf0000001, 24 }, { 0, 0xfe010203, 8 },
		{ 1, 0, 0 }, { 1, 0, 33 }, { 1, 0, 255 },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		a = addr_req(&self->net, CLAIMED);
		if (!bad[i].own)
			a.addr = htonl(bad[i].addr);
		a.prefix_len = bad[i].plen;
		EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a)) {
			TH_LOG("bad case %zu", i);
		}
	}
	/* the subnet's network and broadcast addresses */
	EXPECT_EQ(-EINVAL, claim(self->a.fd, &self->net, 0));
	EXPECT_EQ(-EINVAL, claim(self->a.fd, &self->net, 255));
	a = addr_req(&self->net, CLAIMED);
	a.flags = 0x2;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	a = addr_req(&self->net, CLAIMED);
	a.__pad = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	for (int r = 0; r < 2; r++) {
		a = addr_req(&self->net, CLAIMED);
		a.reserved[r] = 1;
		EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	}
	/* a MAC without the flag; with it: zero, multicast */
	a = addr_req(&self->net, CLAIMED);
	memcpy(a.mac, own_mac, 6);
	EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	a = addr_req(&self->net, CLAIMED);
	a.flags = CSE_ADDR_MAC;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	memcpy(a.mac, own_mac, 6);
	a.mac[0] |= 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	/* a /32 and a /31 have no network or broadcast address */
	a = addr_req(&self->net, 255);
	a.prefix_len = 32;
	EXPECT_EQ(0, cse_ioctl(self->a.fd, CSE_IOC_ADDR_CLAIM, &a));
	a = addr_req(&self->net, 254);
	a.prefix_len = 31;
	EXPECT_EQ(0, cse_ioctl(self->b.fd, CSE_IOC_ADDR_CLAIM, &a));
}

TEST_F(ident, needs_the_feature_and_an_attached_instance)
{
	struct cse_addr a = addr_req(&self->net, CLAIMED);
	struct cse_hello h;
	struct t_inst c;
	int fd;

	ASSERT_EQ(0, inst_open_want(&c, &self->net, 64, 0));
	EXPECT_EQ(-EOPNOTSUPP, cse_ioctl(c.fd, CSE_IOC_ADDR_CLAIM, &a));
	t_inst_close(&c);
	fd = cse_open_want(CSE_FEAT_ADDR, &h);
	ASSERT_LE(0, fd);
	EXPECT_EQ(CSE_FEAT_ADDR, h.features & CSE_FEAT_ADDR);
	EXPECT_EQ(-EBADFD, cse_ioctl(fd, CSE_IOC_ADDR_CLAIM, &a));
	close(fd);
	fd = cse_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EBADFD, cse_ioctl(fd, CSE_IOC_ADDR_CLAIM, &a));
	/* the size is part of the number */
	EXPECT_EQ(-EINVAL, cse_ioctl(fd, _IOW(CSE_IOC_MAGIC, 0x0b, __u64), &a));
	close(fd);
}

TEST_F(ident, unprivileged_claim_is_eperm)
{
	pid_t pid = fork();

	ASSERT_LE(0, pid);
	if (!pid) {
		struct t_inst c;

		if (become_nobody())
			_exit(90);
		if (inst_open_want(&c, &self->net, 64, CSE_FEAT_ADDR))
			_exit(91);
		_exit(claim(c.fd, &self->net, CLAIMED) == -EPERM ? 0 : 92);
	}
	EXPECT_EQ(0, t_wait(pid));
	/* nothing was taken */
	EXPECT_EQ(0, claim(self->a.fd, &self->net, CLAIMED));
}

TEST_F(ident, everything_for_the_address_reaches_the_claimer_alone)
{
	struct cse_port p;

	/* b listens on every address for UDP 9000: not for a's address */
	t_port_req(&p, IPPROTO_UDP, 9000);
	ASSERT_LT(0, t_reserve(self->b.fd, &p));
	ASSERT_EQ(0, claim(self->a.fd, &self->net, CLAIMED));
	ASSERT_EQ(0, peer_neigh(&self->net, CLAIMED, self->a.att.mac));
	EXPECT_EQ(0, peer_udp_to(&self->net, CLAIMED, 9000));
	EXPECT_LE(1U, wait_rx(&self->a, 1, 2000));
	EXPECT_EQ(1, count_to(&self->a, &self->net, CLAIMED, IPPROTO_UDP));
	EXPECT_EQ(0, peer_syn_to(&self->net, CLAIMED, 4444));
	EXPECT_LE(1U, wait_rx(&self->a, 1, 2000));
	EXPECT_LE(1, count_to(&self->a, &self->net, CLAIMED, IPPROTO_TCP));
	EXPECT_EQ(0, peer_ping(&self->net, CLAIMED));
	EXPECT_LE(1U, wait_rx(&self->a, 1, 2000));
	EXPECT_EQ(1, count_to(&self->a, &self->net, CLAIMED, IPPROTO_ICMP));
	/* b saw none of it */
	EXPECT_EQ(0, count_to(&self->b, &self->net, CLAIMED, IPPROTO_UDP));
	/* and the host's own address is still the host's */
	EXPECT_EQ(0, peer_udp_to(&self->net, 1, 9000));
	EXPECT_LE(1U, wait_rx(&self->b, 1, 2000));
	EXPECT_EQ(1, count_to(&self->b, &self->net, 1, IPPROTO_UDP));
	EXPECT_EQ(0, count_to(&self->a, &self->net, 1, IPPROTO_UDP));
}

TEST_F(ident, arp_for_the_address_is_the_claimers_and_it_answers)
{
	char out[256];

	ASSERT_EQ(0, claim_mac(self->a.fd, &self->net, CLAIMED));
	/* the peer does not know the address: it asks */
	EXPECT_EQ(0, peer_udp_to(&self->net, CLAIMED, 9000));
	EXPECT_LE(1U, wait_rx(&self->a, 1, 2000));
	usleep(100000);
	EXPECT_LE(1, count_arp_to(&self->a, &self->net, CLAIMED));
	EXPECT_EQ(0, count_arp_to(&self->b, &self->net, CLAIMED));
	/* a answers with its own MAC; b may not speak for the address */
	send1(&self->b, arp_reply(&self->b, &self->net, 0, CLAIMED,
				  self->b.att.mac));
	EXPECT_EQ(1ULL, t_stats(self->b.fd).tx_rejected);
	send1(&self->a, arp_reply(&self->a, &self->net, 0, CLAIMED, own_mac));
	EXPECT_EQ(1ULL, t_stats(self->a.fd).tx_frames);
	EXPECT_EQ(0ULL, t_stats(self->a.fd).tx_rejected);
	/* the peer learnt it; the queued datagram now goes to that MAC */
	usleep(200000);
	snprintf(out, sizeof(out),
		 "ip -n %s neigh show 10.77.%d.%d | grep -q 02:5e:1f:00:00:05",
		 self->net.ns, self->net.subnet, CLAIMED);
	EXPECT_EQ(0, t_sh("%s", out));
	EXPECT_LE(1U, wait_rx(&self->a, 1, 2000));
	EXPECT_EQ(1, count_to(&self->a, &self->net, CLAIMED, IPPROTO_UDP));
}

TEST_F(ident, only_the_claimer_sends_from_the_address)
{
	uint8_t other_mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	pid_t pid = t_peer_receiver(&self->net, 7000, "own", 500);
	uint32_t len;

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, claim_mac(self->a.fd, &self->net, CLAIMED));
	/* the claimer: any port, the device's MAC or its own */
	send1(&self->a, udp_from(&self->a, &self->net, 0, CLAIMED,
				 self->a.att.mac, 7000, "own"));
	send1(&self->a, udp_from(&self->a, &self->net, 0, CLAIMED, own_mac,
				 7000, "own"));
	/* not with some other MAC */
	send1(&self->a, udp_from(&self->a, &self->net, 0, CLAIMED, other_mac,
				 7000, "own"));
	/* another instance: not from the address, whatever MAC */
	send1(&self->b, udp_from(&self->b, &self->net, 0, CLAIMED,
				 self->b.att.mac, 7000, "own"));
	send1(&self->b, udp_from(&self->b, &self->net, 0, CLAIMED, own_mac,
				 7000, "own"));
	EXPECT_EQ(2, t_wait(pid));
	EXPECT_EQ(2ULL, t_stats(self->a.fd).tx_frames);
	EXPECT_EQ(1ULL, t_stats(self->a.fd).tx_rejected);
	EXPECT_EQ(0ULL, t_stats(self->b.fd).tx_frames);
	EXPECT_EQ(2ULL, t_stats(self->b.fd).tx_rejected);
	/* any protocol: a GRE header from the address leaves too */
	len = t_build_ip(t_tx_buf(&self->a, 0), &self->net, self->a.att.mac,
			 47, 4);
	((struct iphdr *)(t_tx_buf(&self->a, 0) + 14))->saddr =
		t_addr(&self->net, CLAIMED);
	memset(t_tx_buf(&self->a, 0) + 34, 0, 4);
	send1(&self->a, len);
	EXPECT_EQ(3ULL, t_stats(self->a.fd).tx_frames);
}

static uint32_t inst_id(int fd)
{
	struct cse_info info;

	memset(&info, 0, sizeof(info));
	return ioctl(fd, CSE_IOC_GET_INFO, &info) ? 0 : info.instance_id;
}

/* The host's own sockets may not send from a claimed address. */
TEST_F(ident, host_sockets_are_dropped)
{
	pid_t pid = t_peer_receiver(&self->net, 7000, "host", 500);
	struct sockaddr_in from = t_sin(&self->net, CLAIMED, 0);
	struct sockaddr_in to = t_sin(&self->net, 2, 7000);
	uint8_t pkt[32];
	struct iphdr *ip = (void *)pkt;
	int one = 1, s, sent;
	struct t_rec r;
	struct nl nl;

	ASSERT_LT(0, pid);
	ASSERT_EQ(0, claim(self->a.fd, &self->net, CLAIMED));
	/*
	 * IP_FREEBIND binds, but routing wants a local source; with
	 * IP_TRANSPARENT it takes any, and LOCAL_OUT drops the datagram.
	 */
	s = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, setsockopt(s, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)));
	ASSERT_EQ(0, bind(s, (struct sockaddr *)&from, sizeof(from)));
	EXPECT_EQ(-1, sendto(s, "host", 4, 0, (struct sockaddr *)&to,
			     sizeof(to)));
	ASSERT_EQ(0, setsockopt(s, IPPROTO_IP, IP_TRANSPARENT, &one,
				sizeof(one)));
	sent = sendto(s, "host", 4, 0, (struct sockaddr *)&to, sizeof(to));
	EXPECT_EQ(-1, sent);
	EXPECT_EQ(EPERM, errno);
	close(s);
	/* a raw socket writing its own header */
	s = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	ASSERT_LE(0, s);
	memset(pkt, 0, sizeof(pkt));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(sizeof(pkt));
	ip->saddr = t_addr(&self->net, CLAIMED);
	ip->daddr = t_addr(&self->net, 2);
	pkt[20] = 0x9c;
	pkt[21] = 0x40;
	pkt[22] = 7000 >> 8;
	pkt[23] = 7000 & 0xff;
	pkt[25] = 12;
	memcpy(pkt + 28, "host", 4);
	EXPECT_EQ(-1, sendto(s, pkt, sizeof(pkt), 0, (struct sockaddr *)&to,
			     sizeof(to)));
	close(s);
	EXPECT_EQ(0, t_wait(pid));
	EXPECT_EQ(2ULL, t_stats(self->a.fd).addr_blocked);
	/* the family reports the same counter */
	if (!nl_open(&nl)) {
		EXPECT_EQ(1, t_ask(&nl, CSE_CMD_GET_STATS, 0,
				   inst_id(self->a.fd), 0, &r, 1));
		EXPECT_EQ(2ULL, r.stats.v[CSE_STATS_A_ADDR_BLOCKED]);
		nl_close(&nl);
	}
}

/* The generic netlink family shows the claim, and its counter. */
TEST_F(ident, netlink_shows_the_claim)
{
	uint32_t a = inst_id(self->a.fd), b = inst_id(self->b.fd);
	struct t_rec r;
	struct nl nl;
	int e = nl_open(&nl);

	ASSERT_EQ(0, e) TH_LOG("resolving \"cse\": %s", strerror(-e));
	ASSERT_EQ(0, claim_mac(self->a.fd, &self->net, CLAIMED));
	ASSERT_EQ(1, t_ask(&nl, CSE_CMD_GET_INSTANCE, 0, a, 0, &r, 1));
	EXPECT_TRUE(r.inst.has_addr);
	EXPECT_EQ(t_addr(&self->net, CLAIMED), r.inst.addr);
	EXPECT_TRUE(r.inst.has_plen);
	EXPECT_EQ(24, r.inst.plen);
	EXPECT_TRUE(r.inst.has_mac);
	EXPECT_EQ(0, memcmp(own_mac, r.inst.mac, 6));
	EXPECT_EQ((__u64)CSE_FEAT_ADDR, r.inst.features & CSE_FEAT_ADDR);
	/* without a MAC, and nothing for an instance without a claim */
	ASSERT_EQ(1, t_ask(&nl, CSE_CMD_GET_INSTANCE, 0, b, 0, &r, 1));
	EXPECT_FALSE(r.inst.has_addr);
	EXPECT_FALSE(r.inst.has_plen);
	ASSERT_EQ(0, claim(self->b.fd, &self->net, CLAIMED + 1));
	ASSERT_EQ(1, t_ask(&nl, CSE_CMD_GET_INSTANCE, 0, b, 0, &r, 1));
	EXPECT_EQ(t_addr(&self->net, CLAIMED + 1), r.inst.addr);
	EXPECT_FALSE(r.inst.has_mac);
	ASSERT_EQ(1, t_ask(&nl, CSE_CMD_GET_STATS, 0, a, 0, &r, 1));
	EXPECT_TRUE(r.stats.has);
	EXPECT_EQ(0ULL, r.stats.v[CSE_STATS_A_ADDR_BLOCKED]);
	/* gone with the instance */
	t_inst_close(&self->b);
	EXPECT_EQ(-ENOENT, t_ask(&nl, CSE_CMD_GET_INSTANCE, 0, b, 0, &r, 1));
	nl_close(&nl);
}

TEST_F(ident, released_on_close)
{
	ASSERT_EQ(0, claim_mac(self->a.fd, &self->net, CLAIMED));
	t_inst_close(&self->a);
	EXPECT_EQ(0, claim_mac(self->b.fd, &self->net, CLAIMED));
}

TEST_F(ident, released_when_the_device_goes)
{
	char name[IFNAMSIZ];
	struct t_inst c;
	int ifindex;

	snprintf(name, sizeof(name), "cse%de", getpid());
	ASSERT_EQ(0, t_sh("ip link add %s type veth peer name %sf", name, name));
	ifindex = if_nametoindex(name);
	ASSERT_NE(0, ifindex);
	t_attach_req(&c.att, ifindex);
	c.fd = t_open_want(&c.att, CSE_FEAT_ADDR);
	ASSERT_LE(0, c.fd);
	ASSERT_EQ(0, claim(c.fd, &self->net, CLAIMED));
	EXPECT_EQ(-EADDRINUSE, claim(self->a.fd, &self->net, CLAIMED));
	ASSERT_EQ(0, t_sh("ip link del %s", name));
	EXPECT_EQ(0, claim(self->a.fd, &self->net, CLAIMED));
	close(c.fd);
}

TEST_F(ident, released_when_the_claimer_is_killed)
{
	int ready[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct t_inst k;

		close(ready[0]);
		if (inst_open_want(&k, &self->net, 64, CSE_FEAT_ADDR) ||
		    claim_mac(k.fd, &self->net, CLAIMED))
			_exit(1);
		if (write(ready[1], "c", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	close(ready[1]);
	ASSERT_EQ(1, read(ready[0], &c, 1));
	close(ready[0]);
	EXPECT_EQ(-EADDRINUSE, claim(self->a.fd, &self->net, CLAIMED));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_EQ(0, claim_mac(self->a.fd, &self->net, CLAIMED));
	/* and the host may have it once nobody claims it */
	t_inst_close(&self->a);
	EXPECT_EQ(0, t_sh("ip addr add 10.77.%d.%d/32 dev %s",
			  self->net.subnet, CLAIMED, self->net.a));
}

TEST_HARNESS_MAIN
