// SPDX-License-Identifier: GPL-2.0
/*
 * cse_bench: frames per second through cse.ko's rings beside a plain
 * AF_PACKET socket (one frame per recvfrom()/sendto()) and a TPACKET_V3
 * mmap ring, on the same veth pair in the same run, for 60-byte (64 on the
 * wire with the FCS) and 1514-byte frames. It prints a table; it never
 * passes or fails.
 *
 *   tools/vm/run -- build/bench/cse_bench [-d SECONDS]
 *
 * RX: the peer's namespace blasts prebuilt UDP frames at an owned port
 * through an AF_PACKET socket (sendmmsg(), batches of 64); each receiver
 * counts what it gets in the window. TX: each sender pushes valid UDP frames
 * from an owned port to the peer as fast as it can; cse batches a full TX
 * ring per CSE_IOC_TX_KICK. The topology is the selftests' (cse_net.h).
 */
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "cse_net.h"

static double duration = 2.0;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* A UDP frame of @len bytes (Ethernet header included), checksums right. */
static void build_frame(uint8_t *f, uint32_t len, const uint8_t *dst,
			const uint8_t *src, in_addr_t saddr, in_addr_t daddr,
			int sport, int dport)
{
	struct iphdr *ip = (void *)(f + 14);
	uint8_t *u = f + 34, pseudo[12];
	uint32_t l4 = len - 34, sum;
	uint16_t c;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;
	ip->version = 4;
	ip->ihl = 5;
	ip->ttl = 64;
	ip->protocol = IPPROTO_UDP;
	ip->tot_len = htons(len - 14);
	ip->saddr = saddr;
	ip->daddr = daddr;
	ip->check = htons(~csum_fold32(csum_add(0, ip, 20)) & 0xffff);
	u[0] = sport >> 8;
	u[1] = sport & 0xff;
	u[2] = dport >> 8;
	u[3] = dport & 0xff;
	u[4] = l4 >> 8;
	u[5] = l4 & 0xff;
	memcpy(pseudo, &ip->saddr, 8);
	pseudo[8] = 0;
	pseudo[9] = IPPROTO_UDP;
	pseudo[10] = l4 >> 8;
	pseudo[11] = l4 & 0xff;
	sum = csum_add(csum_add(0, pseudo, 12), u, l4);
	c = ~csum_fold32(sum);
	u[6] = c >> 8;
	u[7] = c & 0xff;
}

static int packet_socket(const char *ifname)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = if_nametoindex(ifname),
	};
	int s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));

	if (s < 0)
		die("AF_PACKET socket");
	if (bind(s, (struct sockaddr *)&sll, sizeof(sll)))
		die("AF_PACKET bind");
	return s;
}

/* Give packet socket @s a TPACKET_V3 ring (@which: RX or TX) and map it. */
static uint8_t *tpacket_v3_ring(int s, int which,
				const struct tpacket_req3 *req)
{
	int v = TPACKET_V3;
	void *ring;

	if (setsockopt(s, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) ||
	    setsockopt(s, SOL_PACKET, which, req, sizeof(*req)))
		die(which == PACKET_RX_RING ? "TPACKET_V3 RX ring" :
					      "TPACKET_V3 TX ring");
	ring = mmap(NULL, req->tp_block_size * req->tp_block_nr,
		    PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
	if (ring == MAP_FAILED)
		die("TPACKET_V3 mmap");
	return ring;
}

/* The peer blasts frames of @len at our port until killed. */
static pid_t start_blaster(const struct t_net *t, const uint8_t *our_mac,
			   int port, uint32_t len)
{
	static uint8_t frame[2048];
	struct mmsghdr msg[64];
	struct iovec iov;
	pid_t pid = t_in_peer(t);
	int s;

	if (pid)
		return pid;
	s = packet_socket(t->b);
	build_frame(frame, len, our_mac, t->peer_mac, t_addr(t, 2),
		    t_addr(t, 1), 9, port);
	iov.iov_base = frame;
	iov.iov_len = len;
	memset(msg, 0, sizeof(msg));
	for (int i = 0; i < 64; i++) {
		msg[i].msg_hdr.msg_iov = &iov;
		msg[i].msg_hdr.msg_iovlen = 1;
	}
	for (;;)
		sendmmsg(s, msg, 64, 0);
}

static void stop(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* RX with recvfrom(), one frame per call. */
static double rx_packet(const struct t_net *t, uint32_t len)
{
	struct timeval tv = { .tv_usec = 100000 };
	uint8_t buf[2048];
	long n = 0;
	double end;
	int s = packet_socket(t->a);

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	end = now() + duration;
	while (now() < end)
		n += recvfrom(s, buf, sizeof(buf), 0, NULL, NULL) == (ssize_t)len;
	close(s);
	return n / duration;
}

/* RX through a TPACKET_V3 ring: blocks of frames, one poll() per block. */
static double rx_tpacket3(const struct t_net *t, uint32_t len)
{
	struct tpacket_req3 req = {
		.tp_block_size = 1 << 20,
		.tp_block_nr = 16,
		.tp_frame_size = 2048,
		.tp_frame_nr = (1 << 20) / 2048 * 16,
		.tp_retire_blk_tov = 10,
	};
	int s = packet_socket(t->a);
	unsigned int blk = 0;
	struct pollfd pfd = { .fd = s, .events = POLLIN };
	uint8_t *ring;
	double end;
	long n = 0;

	ring = tpacket_v3_ring(s, PACKET_RX_RING, &req);
	end = now() + duration;
	while (now() < end) {
		struct tpacket_block_desc *b =
			(void *)(ring + blk * req.tp_block_size);
		struct tpacket3_hdr *h;

		if (!(__atomic_load_n(&b->hdr.bh1.block_status, __ATOMIC_ACQUIRE) &
		      TP_STATUS_USER)) {
			poll(&pfd, 1, 100);
			continue;
		}
		h = (void *)((uint8_t *)b + b->hdr.bh1.offset_to_first_pkt);
		for (uint32_t i = 0; i < b->hdr.bh1.num_pkts; i++) {
			n += h->tp_snaplen == len;
			h = (void *)((uint8_t *)h + h->tp_next_offset);
		}
		__atomic_store_n(&b->hdr.bh1.block_status, TP_STATUS_KERNEL,
				 __ATOMIC_RELEASE);
		blk = (blk + 1) % req.tp_block_nr;
	}
	munmap(ring, req.tp_block_size * req.tp_block_nr);
	close(s);
	return n / duration;
}

struct cse {
	int fd;
	struct cse_attach att;
	uint8_t *area;
	struct t_ring rx;
	struct t_ring tx;
};

static void cse_up(struct cse *c, const struct t_net *t, int port)
{
	struct cse_port p;

	c->fd = cse_open_ready(NULL);
	if (c->fd < 0)
		die("open " CSE_DEV);
	t_attach_req(&c->att, t->ifindex);
	c->att.rx_entries = 4096;
	c->att.tx_entries = 1024;
	if (ioctl(c->fd, CSE_IOC_ATTACH, &c->att))
		die("CSE_IOC_ATTACH");
	c->area = t_map(c->fd, &c->att);
	if (!c->area)
		die("mmap");
	t_ring(&c->rx, c->area, &c->att.rx);
	t_ring(&c->tx, c->area, &c->att.tx);
	t_port_req(&p, IPPROTO_UDP, port);
	if (t_reserve(c->fd, &p) <= 0)
		die("CSE_IOC_PORT_RESERVE");
}

static void cse_down(struct cse *c)
{
	munmap(c->area, c->att.mmap_size);
	close(c->fd);
}

/* RX through the cse ring: take everything there is, sleep in poll(). */
static double rx_cse(struct cse *c, uint32_t len)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	double end = now() + duration;
	long n = 0;

	while (now() < end) {
		uint32_t avail = t_ring_avail(&c->rx), cons = *c->rx.consumer;

		if (!avail) {
			poll(&pfd, 1, 100);
			continue;
		}
		for (uint32_t i = 0; i < avail; i++) {
			const struct cse_desc *d = t_ring_entry(&c->rx, cons + i);

			n += d->len == len;
		}
		t_ring_release(&c->rx, avail);
	}
	return n / duration;
}

/* TX with sendto(), one frame per call. */
static double tx_packet(const struct t_net *t, const uint8_t *frame,
			uint32_t len)
{
	double end = now() + duration;
	int s = packet_socket(t->a);
	long n = 0;

	while (now() < end)
		n += send(s, frame, len, 0) == (ssize_t)len;
	close(s);
	return n / duration;
}

/* TX through a TPACKET_V3 ring: fill every free frame, one send() each. */
static double tx_tpacket3(const struct t_net *t, const uint8_t *frame,
			  uint32_t len)
{
	struct tpacket_req3 req = {
		.tp_block_size = 1 << 20,
		.tp_block_nr = 4,
		.tp_frame_size = 2048,
		.tp_frame_nr = (1 << 20) / 2048 * 4,
	};
	int s = packet_socket(t->a);
	uint32_t off = TPACKET3_HDRLEN - sizeof(struct sockaddr_ll);
	long n = 0, queued;
	double end;
	uint8_t *ring;

	ring = tpacket_v3_ring(s, PACKET_TX_RING, &req);
	end = now() + duration;
	while (now() < end) {
		queued = 0;
		for (uint32_t i = 0; i < req.tp_frame_nr; i++) {
			struct tpacket3_hdr *h = (void *)(ring + i * 2048);

			if (__atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE) !=
			    TP_STATUS_AVAILABLE)
				continue;
			memcpy((uint8_t *)h + off, frame, len);
			h->tp_len = len;
			h->tp_next_offset = 0;
			__atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST,
					 __ATOMIC_RELEASE);
			queued++;
		}
		if (send(s, NULL, 0, 0) >= 0)
			n += queued;
	}
	munmap(ring, req.tp_block_size * req.tp_block_nr);
	close(s);
	return n / duration;
}

/* TX through the cse ring: publish a full ring, one kick. */
static double tx_cse(struct cse *c, const uint8_t *frame, uint32_t len)
{
	uint32_t entries = c->att.tx.entries;
	double end = now() + duration;
	long n = 0, k;

	for (uint32_t i = 0; i < entries; i++)
		memcpy(c->area + c->att.tx_frames + (uint64_t)i * c->att.frame_size,
		       frame, len);
	while (now() < end) {
		uint32_t prod = *c->tx.producer;
		uint32_t cons = __atomic_load_n(c->tx.consumer, __ATOMIC_ACQUIRE);
		uint32_t room = entries - (prod - cons);

		for (uint32_t i = 0; i < room; i++) {
			struct cse_desc *d = t_ring_entry(&c->tx, prod + i);

			d->addr = c->att.tx_frames +
				  (uint64_t)((prod + i) & c->tx.mask) * c->att.frame_size;
			d->len = len;
			d->flags = 0;
		}
		__atomic_store_n(c->tx.producer, prod + room, __ATOMIC_RELEASE);
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (*c->tx.flags & CSE_RING_NEED_WAKEUP) {
			k = ioctl(c->fd, CSE_IOC_TX_KICK, 0);
			if (k > 0)
				n += k;
		}
	}
	if (t_stats(c->fd).tx_rejected)
		fprintf(stderr, "cse_bench: the module rejected frames!\n");
	return n / duration;
}

static void row(const char *method, const char *dir, uint32_t len,
		double rate, double base)
{
	printf("%-12s %-3s %5u %12.0f %8.2fx\n", method, dir, len, rate,
	       base > 0 ? rate / base : 0);
}

int main(int argc, char **argv)
{
	static const uint32_t lens[] = { 60, 1514 };
	int opt, port;
	struct t_net net;
	struct cse c;

	while ((opt = getopt(argc, argv, "d:")) != -1) {
		if (opt != 'd') {
			fprintf(stderr, "usage: %s [-d SECONDS]\n", argv[0]);
			return 2;
		}
		duration = atof(optarg);
	}
	if (t_net_up(&net))
		die("veth topology");
	port = t_port(0);
	cse_up(&c, &net, port);
	printf("cse_bench: veth %s <-> %s, %.1f s per measurement\n", net.a,
	       net.b, duration);
	printf("%-12s %-3s %5s %12s %9s\n", "method", "dir", "bytes",
	       "frames/s", "vs plain");
	for (unsigned int i = 0; i < 2; i++) {
		uint32_t len = lens[i];
		uint8_t frame[2048];
		double base;
		pid_t b;

		/* RX: the receiver under test is the only one open */
		b = start_blaster(&net, c.att.mac, port, len);
		base = rx_packet(&net, len);
		row("AF_PACKET", "rx", len, base, base);
		row("TPACKET_V3", "rx", len, rx_tpacket3(&net, len), base);
		row("cse rings", "rx", len, rx_cse(&c, len), base);
		stop(b);

		build_frame(frame, len, net.peer_mac, c.att.mac, t_addr(&net, 1),
			    t_addr(&net, 2), port, 9);
		base = tx_packet(&net, frame, len);
		row("AF_PACKET", "tx", len, base, base);
		row("TPACKET_V3", "tx", len, tx_tpacket3(&net, frame, len), base);
		row("cse rings", "tx", len, tx_cse(&c, frame, len), base);
	}
	cse_down(&c);
	t_net_down(&net);
	return 0;
}
