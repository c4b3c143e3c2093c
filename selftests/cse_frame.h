/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames a test writes into an instance's TX ring, and that instance: the
 * selftests that play the instance's stack by hand (cse_tx.c, cse_reset.c)
 * build Ethernet + IPv4 frames from 10.77.X.1 to the peer (cse_net.h).
 */
#ifndef CSE_SELFTEST_FRAME_H
#define CSE_SELFTEST_FRAME_H

#include <sys/time.h>

#include "cse_net.h"

/* An attached, mapped instance with its RX and TX rings. */
struct t_inst {
	int fd;
	struct cse_attach att;
	uint8_t *area;
	struct t_ring rx;
	struct t_ring tx;
};

/*
 * Open asking for features @want, attach with @att's sizes (ifindex filled
 * in here) and map.
 */
static inline int t_inst_open_want(struct t_inst *in, const struct t_net *t,
				   __u64 want)
{
	in->area = NULL;
	in->att.ifindex = t->ifindex;
	in->fd = t_open_want(&in->att, want);
	if (in->fd < 0)
		return -1;
	in->area = t_map(in->fd, &in->att);
	if (!in->area)
		return -1;
	t_ring(&in->rx, in->area, &in->att.rx);
	t_ring(&in->tx, in->area, &in->att.tx);
	return 0;
}

static inline int t_inst_open_with(struct t_inst *in, const struct t_net *t)
{
	return t_inst_open_want(in, t, 0);
}

/* The same with t_attach_req() sizes. */
static inline int t_inst_open(struct t_inst *in, const struct t_net *t)
{
	t_attach_req(&in->att, t->ifindex);
	return t_inst_open_with(in, t);
}

/* Unmap and close: the instance's file is released (its death). */
static inline void t_inst_close(struct t_inst *in)
{
	if (in->area)
		munmap(in->area, in->att.mmap_size);
	in->area = NULL;
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

/* Fill in the IPv4 header checksum and the TCP/UDP checksum of a frame. */
static inline void t_fix_checksums(uint8_t *f)
{
	struct iphdr *ip = (void *)(f + 14);
	uint32_t ihl = ip->ihl * 4, l4len = ntohs(ip->tot_len) - ihl, sum;
	uint8_t *l4 = f + 14 + ihl, pseudo[12];
	uint16_t c;
	int at = ip->protocol == IPPROTO_TCP ? 16 : 6;

	ip->check = 0;
	ip->check = htons(~csum_fold32(csum_add(0, ip, ihl)) & 0xffff);
	l4[at] = l4[at + 1] = 0;
	memcpy(pseudo, &ip->saddr, 8);
	pseudo[8] = 0;
	pseudo[9] = ip->protocol;
	pseudo[10] = l4len >> 8;
	pseudo[11] = l4len & 0xff;
	sum = csum_add(csum_add(0, pseudo, 12), l4, l4len);
	c = ~csum_fold32(sum);
	l4[at] = c >> 8;
	l4[at + 1] = c & 0xff;
}

/* Ethernet + IPv4 header for our address to the peer; the frame's length. */
static inline uint32_t t_build_ip(uint8_t *f, const struct t_net *t,
				  const uint8_t *src_mac, int proto,
				  uint32_t l4len)
{
	struct iphdr *ip = (void *)(f + 14);

	memcpy(f, t->peer_mac, 6);
	memcpy(f + 6, src_mac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	memset(ip, 0, sizeof(*ip));
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = proto;
	ip->tot_len = htons(20 + l4len);
	ip->saddr = t_addr(t, 1);
	ip->daddr = t_addr(t, 2);
	return 14 + 20 + l4len;
}

/* The buffer of the TX slot @i entries after the producer index. */
static inline uint8_t *t_tx_buf(struct t_inst *in, uint32_t i)
{
	uint32_t idx = *in->tx.producer + i;

	return in->area + in->att.tx_frames +
	       (uint64_t)(idx & in->tx.mask) * in->att.frame_size;
}

/* Publish n entries whose frames are in their own slots. */
static inline void t_tx_publish(struct t_inst *in, const uint32_t *lens,
				uint32_t n)
{
	uint32_t prod = *in->tx.producer;

	for (uint32_t i = 0; i < n; i++) {
		struct cse_desc *d = t_ring_entry(&in->tx, prod + i);

		d->addr = in->att.tx_frames +
			  (uint64_t)((prod + i) & in->tx.mask) * in->att.frame_size;
		d->len = lens[i];
		d->flags = 0;
	}
	__atomic_store_n(in->tx.producer, prod + n, __ATOMIC_RELEASE);
}

/* CSE_IOC_TX_KICK: the entries consumed, or -errno. */
static inline int t_kick(int fd)
{
	int ret = ioctl(fd, CSE_IOC_TX_KICK, 0);

	return ret < 0 ? -errno : ret;
}

/* A UDP datagram from our address to the peer; the frame's length. */
static inline uint32_t t_build_udp(uint8_t *f, const struct t_net *t,
				   const uint8_t *src_mac, int sport, int dport,
				   const char *payload)
{
	size_t n = strlen(payload);
	uint8_t *u = f + 34;
	uint32_t len = t_build_ip(f, t, src_mac, IPPROTO_UDP, 8 + n);

	u[0] = sport >> 8;
	u[1] = sport & 0xff;
	u[2] = dport >> 8;
	u[3] = dport & 0xff;
	u[4] = (8 + n) >> 8;
	u[5] = (8 + n) & 0xff;
	memcpy(u + 8, payload, n);
	t_fix_checksums(f);
	return len;
}

/*
 * A UDP receiver in the peer's namespace: returns its pid once it is bound.
 * It exits with the number of datagrams carrying @expect it got, waiting up
 * to ms after the last one.
 */
static inline pid_t t_peer_receiver(const struct t_net *t, int port,
				    const char *expect, int ms)
{
	int ready;
	pid_t pid = t_in_peer_sync(t, &ready);

	if (!pid) {
		struct sockaddr_in sin = {
			.sin_family = AF_INET,
			.sin_port = htons(port),
		};
		struct timeval tv = { .tv_sec = ms / 1000,
				      .tv_usec = ms % 1000 * 1000 };
		int s = socket(AF_INET, SOCK_DGRAM, 0), n = 0;
		char buf[2048];
		ssize_t r;

		if (bind(s, (struct sockaddr *)&sin, sizeof(sin)))
			_exit(255);
		setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
		if (write(ready, "r", 1) != 1)
			_exit(255);
		while ((r = recv(s, buf, sizeof(buf), 0)) >= 0)
			n += r == (ssize_t)strlen(expect) &&
			     !memcmp(buf, expect, r);
		_exit(n > 250 ? 250 : n);
	}
	return pid;
}

#endif /* CSE_SELFTEST_FRAME_H */
