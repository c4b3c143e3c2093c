// SPDX-License-Identifier: GPL-2.0
/*
 * The ring link and the area checks on a fake area in plain memory, with
 * the test playing cse.ko: it lays the area out as the module does
 * (kmod/umem.c), produces RX frames and events, and its kick drains the
 * TX ring. What needs the real module is in selftests/e2e/ring_link.c.
 */
#include <stddef.h>

#include "kselftest_harness.h"
#define T_NO_SOCK_HELPERS
#include "t_stack.h"
#include "link/ring.h"

#define T_LINE		64
#define T_FS		2048u
#define T_SENT_MAX	64

/* The module's side: the area, its answer, and what its kicks sent. */
struct t_mod {
	struct cse_ring_link link;	/* first: kick() finds us from it */
	struct cse_area area;
	struct cse_attach geo;
	uint8_t *mem;
	uint32_t rx_prod, ev_prod, tx_cons;
	bool kick_drains;	/* false: a kick sends nothing */
	int kick_err;		/* a kick fails with this */
	unsigned int kicks;
	unsigned int sent;	/* frames the kicks took */
	uint32_t sent_len[T_SENT_MAX];
	uint8_t sent_frame[T_SENT_MAX][128];
};

static uint64_t t_ring_hdr(struct cse_ring_offsets *o, uint64_t pos)
{
	o->producer = pos;
	o->consumer = pos + T_LINE;
	o->flags = pos + 2 * T_LINE;
	return pos + 3 * T_LINE;
}

static uint64_t t_ring_desc(struct cse_ring_offsets *o, uint64_t pos,
			    uint32_t n, uint32_t size)
{
	o->desc = pos;
	o->entries = n;
	o->entry_size = size;
	return (pos + (uint64_t)n * size + T_LINE - 1) & ~(uint64_t)(T_LINE - 1);
}

/* The layout kmod/umem.c makes, with @socks slots at the end. */
static void t_layout(struct cse_attach *g, uint32_t rx, uint32_t tx,
		     uint32_t ev, uint32_t socks)
{
	uint64_t pos = 0;

	memset(g, 0, sizeof(*g));
	g->rx_entries = rx;
	g->tx_entries = tx;
	g->ev_entries = ev;
	g->frame_size = T_FS;
	g->sock_entries = socks;
	g->mtu = 1500;
	memcpy(g->mac, t_our_mac, 6);
	pos = t_ring_hdr(&g->rx, pos);
	pos = t_ring_hdr(&g->tx, pos);
	pos = t_ring_hdr(&g->ev, pos);
	pos = t_ring_desc(&g->rx, pos, rx, sizeof(struct cse_desc));
	pos = t_ring_desc(&g->tx, pos, tx, sizeof(struct cse_desc));
	pos = t_ring_desc(&g->ev, pos, ev, sizeof(struct cse_event));
	g->socks = socks ? pos : 0;
	pos += (uint64_t)socks * sizeof(struct cse_sock_slot);
	g->rx_frames = (pos + 4095) & ~4095ull;
	g->tx_frames = g->rx_frames + (uint64_t)rx * T_FS;
	g->mmap_size = g->tx_frames + (uint64_t)tx * T_FS;
}

static struct t_mod *t_mod_of(struct cse_ring_link *l)
{
	return (struct t_mod *)(void *)((char *)l - offsetof(struct t_mod, link));
}

static uint32_t *t_word(struct t_mod *m, uint64_t off)
{
	return (uint32_t *)(void *)(m->mem + off);
}

/* The module's kick: drain the TX ring as kmod/tx.c does. */
static int t_kick(struct cse_ring_link *l)
{
	struct t_mod *m = t_mod_of(l);
	uint32_t prod = __atomic_load_n(t_word(m, m->geo.tx.producer),
					__ATOMIC_ACQUIRE);
	const struct cse_desc *d;
	int n = 0;

	m->kicks++;
	if (m->kick_err)
		return m->kick_err;
	for (; m->kick_drains && m->tx_cons != prod; m->tx_cons++, n++) {
		d = (const void *)(m->mem + m->geo.tx.desc +
				   (m->tx_cons & (m->geo.tx_entries - 1)) *
				   sizeof(*d));
		if (m->sent < T_SENT_MAX && d->len <= 128) {
			memcpy(m->sent_frame[m->sent], m->mem + d->addr,
			       d->len);
			m->sent_len[m->sent] = d->len;
		}
		m->sent++;
	}
	__atomic_store_n(t_word(m, m->geo.tx.consumer), m->tx_cons,
			 __ATOMIC_RELEASE);
	return n;
}

static void t_set_need_wakeup(struct t_mod *m, bool on)
{
	*t_word(m, m->geo.tx.flags) = on ? CSE_RING_NEED_WAKEUP : 0;
}

/* A fresh module-side area of the given sizes, and a link on it. */
static int t_mod_make(struct t_mod *m, uint32_t rx, uint32_t tx, uint32_t ev)
{
	int err;

	memset(m, 0, sizeof(*m));
	t_layout(&m->geo, rx, tx, ev, 4);
	m->mem = aligned_alloc(4096, m->geo.mmap_size);
	if (!m->mem)
		return -ENOMEM;
	memset(m->mem, 0, m->geo.mmap_size);
	m->kick_drains = true;
	t_set_need_wakeup(m, true);
	err = cse_area_init(&m->area, -1, m->mem, &m->geo);
	if (!err)
		err = cse_ring_link_init(&m->link, &m->area);
	m->link.kick = t_kick;
	return err;
}

/* Put a frame in the RX ring as kmod/rx.c does. */
static void t_rx_put(struct t_mod *m, const void *frame, uint32_t len)
{
	uint32_t i = m->rx_prod & (m->geo.rx_entries - 1);
	struct cse_desc *d = (void *)(m->mem + m->geo.rx.desc + i * sizeof(*d));

	d->addr = m->geo.rx_frames + (uint64_t)i * T_FS;
	d->len = len;
	d->flags = 0;
	memcpy(m->mem + d->addr, frame, len);
	__atomic_store_n(t_word(m, m->geo.rx.producer), ++m->rx_prod,
			 __ATOMIC_RELEASE);
}

static void t_ev_put(struct t_mod *m, uint32_t type, uint32_t value)
{
	uint32_t i = m->ev_prod & (m->geo.ev_entries - 1);
	struct cse_event *e = (void *)(m->mem + m->geo.ev.desc + i * sizeof(*e));

	memset(e, 0, sizeof(*e));
	e->type = type;
	e->value = value;
	e->seq = m->ev_prod + 1;
	__atomic_store_n(t_word(m, m->geo.ev.producer), ++m->ev_prod,
			 __ATOMIC_RELEASE);
}

static uint32_t t_load(struct t_mod *m, uint64_t off)
{
	return __atomic_load_n(t_word(m, off), __ATOMIC_ACQUIRE);
}

FIXTURE(ring) {
	struct t_mod m;
	struct t_env e;
	struct cse_link link;
};

FIXTURE_SETUP(ring)
{
	ASSERT_EQ(0, t_mod_make(&self->m, 16, 8, 8));
	self->link = cse_ring_link_link(&self->m.link);
}

FIXTURE_TEARDOWN(ring)
{
	t_env_fini(&self->e);
	free(self->m.mem);
}

/* A stack instance at 10.0.0.1 on the ring link, the fake clock beside it. */
static int t_stack_on_ring(FIXTURE_DATA(ring) *self)
{
	t_env_config(&self->e);
	self->e.cfg.link = self->link;
	return t_env_start(&self->e);
}

static int t_send_frame(FIXTURE_DATA(ring) *self, uint8_t tag)
{
	uint8_t f[60] = { 0 };

	f[14] = tag;
	return self->link.ops->xmit(self->link.priv, f, sizeof(f));
}

TEST(area_init_takes_the_module_layout_and_its_slots)
{
	struct cse_attach g;
	struct cse_area a;
	uint8_t *mem;

	t_layout(&g, 16, 8, 8, 4);
	mem = calloc(1, g.mmap_size);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, cse_area_init(&a, 7, mem, &g));
	EXPECT_EQ(7, a.fd);
	EXPECT_EQ(15u, a.rx.mask);
	EXPECT_EQ((void *)(mem + g.tx.producer), (void *)a.tx.producer);
	EXPECT_EQ((void *)(mem + g.socks), (void *)cse_area_slot(&a, 0));
	EXPECT_EQ((void *)(mem + g.socks + 3 * sizeof(struct cse_sock_slot)),
		  (void *)cse_area_slot(&a, 3));
	EXPECT_EQ(NULL, cse_area_slot(&a, 4));
	free(mem);
}

TEST(area_init_refuses_an_answer_that_reaches_outside_the_mapping)
{
	struct cse_attach good, g;
	struct cse_area a;
	uint8_t *mem;

	t_layout(&good, 16, 8, 8, 4);
	mem = calloc(1, good.mmap_size);
	ASSERT_NE(NULL, mem);
#define T_BAD(stmt) do {						\
		g = good;						\
		stmt;							\
		EXPECT_EQ(-EPROTO, cse_area_init(&a, -1, mem, &g));	\
	} while (0)
	T_BAD(g.rx.producer = g.mmap_size);
	T_BAD(g.tx.consumer = ~0ull - 3);
	T_BAD(g.ev.flags = 2);
	T_BAD(g.rx.desc = g.mmap_size - 8);
	T_BAD(g.tx.entries = 1u << 31);
	T_BAD(g.ev.entries = 6);
	T_BAD(g.rx.entry_size = 8);
	T_BAD(g.frame_size = 3000);
	T_BAD(g.rx_frames = ~0ull - 4095);
	T_BAD(g.tx_frames = g.mmap_size - T_FS);
	T_BAD(g.socks = g.mmap_size - 8);
	T_BAD(g.sock_entries = 1u << 30);
	T_BAD(g.mmap_size = 0);
#undef T_BAD
	g = good;
	g.sock_entries = 0;
	g.socks = 0;
	ASSERT_EQ(0, cse_area_init(&a, -1, mem, &g));
	EXPECT_EQ(NULL, cse_area_slot(&a, 0));
	free(mem);
}

/* The layout with a socket table after the slots, as umem.c makes it. */
static void t_layout_table(struct cse_attach *g, uint32_t socks)
{
	t_layout(g, 16, 8, 8, socks);
	g->flags = CSE_ATTACH_SOCK_INFO;
	g->sock_info = (g->socks + (uint64_t)socks *
			sizeof(struct cse_sock_slot) + 63) & ~63ull;
	g->rx_frames = (g->sock_info + (uint64_t)socks *
			sizeof(struct cse_sock_info) + 4095) & ~4095ull;
	g->tx_frames = g->rx_frames + 16ull * T_FS;
	g->mmap_size = g->tx_frames + 8ull * T_FS;
}

TEST(area_init_takes_the_socket_table)
{
	struct cse_attach g, bad;
	struct cse_area a;
	uint8_t *mem;

	t_layout_table(&g, 4);
	mem = calloc(1, g.mmap_size);
	ASSERT_NE(NULL, mem);
	ASSERT_EQ(0, cse_area_init(&a, -1, mem, &g));
	EXPECT_EQ((void *)(mem + g.sock_info), (void *)cse_area_sock_info(&a, 0));
	EXPECT_EQ((void *)(mem + g.sock_info + 3 * 64),
		  (void *)cse_area_sock_info(&a, 3));
	EXPECT_EQ(NULL, cse_area_sock_info(&a, 4));
	/* A table that is misaligned, too long, or without slots: refused. */
	bad = g;
	bad.sock_info += 8;
	EXPECT_EQ(-EPROTO, cse_area_init(&a, -1, mem, &bad));
	bad = g;
	bad.sock_info = g.mmap_size - 64;
	EXPECT_EQ(-EPROTO, cse_area_init(&a, -1, mem, &bad));
	bad = g;
	bad.sock_info = ~0ull & ~63ull;
	EXPECT_EQ(-EPROTO, cse_area_init(&a, -1, mem, &bad));
	bad = g;
	bad.sock_entries = 0;
	bad.socks = 0;
	EXPECT_EQ(-EPROTO, cse_area_init(&a, -1, mem, &bad));
	/* No table: no records. */
	t_layout(&g, 16, 8, 8, 4);
	ASSERT_EQ(0, cse_area_init(&a, -1, mem, &g));
	EXPECT_EQ(NULL, cse_area_sock_info(&a, 0));
	free(mem);
}

/* The writer's sequence: even when done, two steps per write, mended. */
TEST(sock_info_write_under_the_sequence_lock)
{
	struct cse_sock_info rec, v;

	memset(&rec, 0, sizeof(rec));
	memset(&v, 0, sizeof(v));
	v.seq = 12345;		/* ignored */
	v.fd = 7;
	v.proto = IPPROTO_TCP;
	v.state = 1;
	v.rx_queue = 99;
	v.mss = 1448;
	cse_area_sock_info_write(&rec, &v);
	EXPECT_EQ(2u, rec.seq);
	EXPECT_EQ(7, rec.fd);
	EXPECT_EQ(99u, rec.rx_queue);
	EXPECT_EQ(1448u, rec.mss);
	cse_area_sock_info_write(&rec, &v);
	EXPECT_EQ(4u, rec.seq);
	/* Left odd by a writer that died: the next write ends even. */
	rec.seq = 9;
	v.rx_queue = 1;
	cse_area_sock_info_write(&rec, &v);
	EXPECT_EQ(0u, rec.seq & 1);
	EXPECT_LT(9u, rec.seq);
	EXPECT_EQ(1u, rec.rx_queue);
}

TEST_F(ring, link_reports_the_attach_answer_mtu_and_mac)
{
	uint8_t mac[6];

	EXPECT_EQ(1500u, self->link.ops->mtu(self->link.priv));
	self->link.ops->mac(self->link.priv, mac);
	EXPECT_EQ(0, memcmp(mac, t_our_mac, 6));
}

TEST_F(ring, xmit_publishes_at_once_and_flush_kicks_once_per_batch)
{
	struct t_mod *m = &self->m;
	const struct cse_desc *d;
	int i;

	for (i = 0; i < 5; i++)
		ASSERT_EQ(0, t_send_frame(self, i));
	/* Published, not kicked. */
	EXPECT_EQ(5u, t_load(m, m->geo.tx.producer));
	EXPECT_EQ(0u, m->kicks);
	d = (const void *)(m->mem + m->geo.tx.desc + 2 * sizeof(*d));
	EXPECT_EQ(m->geo.tx_frames + 2 * T_FS, d->addr);
	EXPECT_EQ(60u, d->len);
	EXPECT_EQ(0u, d->flags);
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	EXPECT_EQ(1u, m->kicks);
	ASSERT_EQ(5u, m->sent);
	for (i = 0; i < 5; i++)
		EXPECT_EQ(i, m->sent_frame[i][14]);
	/* Nothing left: no kick. */
	EXPECT_EQ(0, cse_ring_link_flush(&m->link));
	EXPECT_EQ(1u, m->link.stats.kicks);
	EXPECT_EQ(5u, m->link.stats.tx_frames);
}

TEST_F(ring, tx_get_lends_the_next_slot_and_commit_publishes_it)
{
	struct t_mod *m = &self->m;
	struct cse_link *l = &self->link;
	const struct cse_desc *d;
	uint8_t *slot;
	void *f, *again;

	ASSERT_EQ(0, t_send_frame(self, 9));
	ASSERT_EQ(-EMSGSIZE, l->ops->tx_get(l->priv, 14 + 1501, &f));
	ASSERT_EQ(0, l->ops->tx_get(l->priv, 60, &f));
	slot = m->mem + m->geo.tx_frames + 1 * T_FS;
	ASSERT_EQ((void *)slot, f);
	ASSERT_EQ(0, l->ops->tx_get(l->priv, 60, &again));
	ASSERT_EQ(f, again);
	/* Lent, not published. */
	EXPECT_EQ(1u, t_load(m, m->geo.tx.producer));
	memset(f, 0, 60);
	slot[14] = 10;
	EXPECT_EQ(-EINVAL, l->ops->tx_commit(l->priv, slot + T_FS, 60));
	EXPECT_EQ(-EINVAL, l->ops->tx_commit(l->priv, f, 14 + 1501));
	ASSERT_EQ(0, l->ops->tx_commit(l->priv, f, 60));
	EXPECT_EQ(2u, t_load(m, m->geo.tx.producer));
	d = (const void *)(m->mem + m->geo.tx.desc + 1 * sizeof(*d));
	EXPECT_EQ(m->geo.tx_frames + 1 * T_FS, d->addr);
	EXPECT_EQ(60u, d->len);
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	ASSERT_EQ(2u, m->sent);
	EXPECT_EQ(10, m->sent_frame[1][14]);
}

TEST_F(ring, flush_does_not_kick_while_the_module_drains)
{
	struct t_mod *m = &self->m;

	ASSERT_EQ(0, t_send_frame(self, 1));
	t_set_need_wakeup(m, false);
	EXPECT_EQ(0, cse_ring_link_flush(&m->link));
	EXPECT_EQ(0u, m->kicks);
	t_set_need_wakeup(m, true);
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	EXPECT_EQ(1u, m->sent);
}

TEST_F(ring, full_tx_ring_kicks_once_and_wraps_around)
{
	struct t_mod *m = &self->m;
	int i;

	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, t_send_frame(self, i));
	EXPECT_EQ(0u, m->kicks);
	/* The ninth finds the ring full: one kick makes room. */
	ASSERT_EQ(0, t_send_frame(self, 8));
	EXPECT_EQ(1u, m->kicks);
	EXPECT_EQ(8u, m->sent);
	for (i = 9; i < 20; i++)
		ASSERT_EQ(0, t_send_frame(self, i));
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	ASSERT_EQ(20u, m->sent);
	/* Slot reuse kept the order: the last frames are the last sent. */
	EXPECT_EQ(19, m->sent_frame[19][14]);
	EXPECT_EQ(3u, m->kicks);
}

TEST_F(ring, full_tx_ring_that_a_kick_cannot_drain_is_enobufs)
{
	struct t_mod *m = &self->m;
	int i;

	m->kick_drains = false;
	for (i = 0; i < 8; i++)
		ASSERT_EQ(0, t_send_frame(self, i));
	EXPECT_EQ(-ENOBUFS, t_send_frame(self, 8));
	EXPECT_EQ(1u, m->kicks);
	EXPECT_EQ(1u, m->link.stats.tx_full);
	m->kick_err = -ENODEV;
	EXPECT_EQ(-ENODEV, t_send_frame(self, 9));
	/* Gone: no more kicks at all. */
	EXPECT_EQ(-ENODEV, cse_ring_link_flush(&m->link));
	EXPECT_EQ(2u, m->kicks);
}

TEST_F(ring, oversized_frame_is_refused_without_touching_the_ring)
{
	static uint8_t big[T_FS];

	EXPECT_EQ(-EMSGSIZE, self->link.ops->xmit(self->link.priv, big,
						  14 + 1501));
	EXPECT_EQ(-EMSGSIZE, self->link.ops->xmit(self->link.priv, big, 10));
	EXPECT_EQ(0u, t_load(&self->m, self->m.geo.tx.producer));
}

TEST_F(ring, corrupt_tx_consumer_index_is_an_error_not_a_write)
{
	struct t_mod *m = &self->m;

	*t_word(m, m->geo.tx.consumer) = 1000;
	EXPECT_EQ(-EIO, t_send_frame(self, 1));
	EXPECT_EQ(0u, t_load(m, m->geo.tx.producer));
	EXPECT_EQ(1u, m->link.stats.ring_errors);
}

/* An ARP request for 10.0.0.1 from the peer, as the wire carries it. */
static unsigned int t_arp_request(uint8_t *f)
{
	unsigned int n = t_eth(f, t_bcast_mac, t_peer_mac, 0x0806);

	return n + t_arp(f + n, 1, t_peer_mac, T_PEER_IP, t_bcast_mac,
			 T_OUR_IP);
}

TEST_F(ring, rx_hands_slots_to_the_stack_and_releases_the_batch_once)
{
	struct t_mod *m = &self->m;
	struct sockaddr_in sin = t_sin(0, 9000);
	struct cse_sock *s;
	uint8_t f[128], buf[16];
	unsigned int n, i;

	ASSERT_EQ(0, t_stack_on_ring(self));
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &s));
	ASSERT_EQ(0, cse_bind(s, T_SA(&sin), sizeof(sin)));
	for (i = 0; i < 3; i++) {
		n = t_udp_frame(f, T_PEER_IP, T_OUR_IP, 5000, 9000, "abc", 3);
		f[14 + 28 + 2] = 'c' + i;	/* payload: "abc", "abd", ... */
		cse_put16(f + 14 + 26, 0);	/* no UDP checksum */
		t_rx_put(m, f, n);
	}
	EXPECT_TRUE(cse_ring_link_pending(&m->link));
	EXPECT_EQ(2u, cse_ring_link_rx(&m->link, self->e.st, 2));
	EXPECT_EQ(2u, t_load(m, m->geo.rx.consumer));
	EXPECT_EQ(1u, cse_ring_link_rx(&m->link, self->e.st, 64));
	EXPECT_EQ(3u, t_load(m, m->geo.rx.consumer));
	EXPECT_FALSE(cse_ring_link_pending(&m->link));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(3, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
					  NULL));
		EXPECT_EQ('c' + i, buf[2]);
	}
	cse_close(s);
}

TEST_F(ring, stack_answer_goes_out_through_the_tx_ring_on_flush)
{
	struct t_mod *m = &self->m;
	uint8_t f[64];

	ASSERT_EQ(0, t_stack_on_ring(self));
	t_rx_put(m, f, t_arp_request(f));
	EXPECT_EQ(1u, cse_ring_link_rx(&m->link, self->e.st, 64));
	EXPECT_EQ(1u, t_load(m, m->geo.tx.producer));
	EXPECT_EQ(0u, m->sent);
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	ASSERT_EQ(1u, m->sent);
	EXPECT_EQ(0x0806, t_ethertype(m->sent_frame[0]));
	EXPECT_EQ(2, t_arp_op(m->sent_frame[0]));
	EXPECT_EQ(T_PEER_IP, t_arp_tpa(m->sent_frame[0]));
}

/*
 * cse.ko drops fragments on transmit (ABI 1.0), so over this link a
 * datagram over the MTU is -EMSGSIZE, which sends the library to the
 * kernel socket, never fragments that would vanish.
 */
TEST_F(ring, datagram_over_the_mtu_is_emsgsize_not_fragments)
{
	struct t_mod *m = &self->m;
	struct sockaddr_in sin = t_sin(0, 9000);
	static char big[1473];
	struct cse_sock *s;
	uint8_t f[64];

	ASSERT_TRUE(self->link.ops->no_fragments);
	ASSERT_EQ(0, t_stack_on_ring(self));
	t_rx_put(m, f, t_arp_request(f));
	cse_ring_link_rx(&m->link, self->e.st, 64);
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &s));
	ASSERT_EQ(0, cse_bind(s, T_SA(&sin), sizeof(sin)));
	sin = t_sin(T_PEER_IP, 7);
	ASSERT_EQ(-EMSGSIZE, cse_sendto(s, big, sizeof(big), 0, T_SA(&sin),
					sizeof(sin)));
	ASSERT_EQ(0u, cse_stack_stats(self->e.st)->ip_frag_tx);
	cse_close(s);
}

TEST_F(ring, many_datagrams_leave_with_one_kick)
{
	struct t_mod *m = &self->m;
	struct sockaddr_in sin = t_sin(0, 9000);
	struct cse_sock *s;
	uint8_t f[64];
	int i;

	free(m->mem);
	ASSERT_EQ(0, t_mod_make(m, 16, 64, 8));
	self->link = cse_ring_link_link(&m->link);
	ASSERT_EQ(0, t_stack_on_ring(self));
	t_rx_put(m, f, t_arp_request(f));
	cse_ring_link_rx(&m->link, self->e.st, 64);
	ASSERT_EQ(0, cse_socket(self->e.st, SOCK_DGRAM, 0, &s));
	ASSERT_EQ(0, cse_bind(s, T_SA(&sin), sizeof(sin)));
	sin = t_sin(T_PEER_IP, 7);
	for (i = 0; i < 40; i++)
		ASSERT_EQ(4, cse_sendto(s, "ping", 4, 0, T_SA(&sin),
					sizeof(sin)));
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	EXPECT_EQ(41u, m->sent);	/* the ARP reply and 40 datagrams */
	EXPECT_EQ(1u, m->kicks);
	cse_close(s);
}

TEST_F(ring, corrupt_rx_producer_index_takes_nothing)
{
	struct t_mod *m = &self->m;

	ASSERT_EQ(0, t_stack_on_ring(self));
	*t_word(m, m->geo.rx.producer) = 17;	/* more than 16 in flight */
	EXPECT_FALSE(cse_ring_link_pending(&m->link));
	EXPECT_EQ(0u, cse_ring_link_rx(&m->link, self->e.st, 64));
	EXPECT_EQ(1u, m->link.stats.ring_errors);
	EXPECT_EQ(-EIO, self->link.ops->recv(self->link.priv, NULL, 0));
	EXPECT_EQ(0u, t_load(m, m->geo.rx.consumer));
}

TEST_F(ring, rx_descriptor_outside_its_slot_is_skipped_and_consumed)
{
	struct t_mod *m = &self->m;
	struct cse_desc *d = (void *)(m->mem + m->geo.rx.desc);
	uint8_t f[64];
	unsigned int n = t_arp_request(f);

	ASSERT_EQ(0, t_stack_on_ring(self));
	t_rx_put(m, f, n);
	d[0].addr = m->geo.mmap_size - 8;	/* outside: never read */
	t_rx_put(m, f, n);
	d[1].len = T_FS + 1;			/* longer than its slot */
	t_rx_put(m, f, n);			/* a good one */
	EXPECT_EQ(3u, cse_ring_link_rx(&m->link, self->e.st, 64));
	EXPECT_EQ(2u, m->link.stats.rx_bad);
	EXPECT_EQ(1u, m->link.stats.rx_frames);
	EXPECT_EQ(3u, t_load(m, m->geo.rx.consumer));
	EXPECT_EQ(1u, cse_stack_stats(self->e.st)->eth_rx);
}

TEST_F(ring, recv_copies_one_frame_and_refuses_a_short_buffer)
{
	struct t_mod *m = &self->m;
	uint8_t f[64], buf[64];
	unsigned int n = t_arp_request(f);

	t_rx_put(m, f, n);
	t_rx_put(m, f, n);
	EXPECT_EQ((int)n, self->link.ops->recv(self->link.priv, buf,
					       sizeof(buf)));
	EXPECT_EQ(0, memcmp(buf, f, n));
	EXPECT_EQ(1u, t_load(m, m->geo.rx.consumer));
	EXPECT_EQ(-EMSGSIZE, self->link.ops->recv(self->link.priv, buf, 10));
	EXPECT_EQ(2u, t_load(m, m->geo.rx.consumer));
	EXPECT_EQ(0, self->link.ops->recv(self->link.priv, buf, sizeof(buf)));
}

struct t_seen {
	unsigned int n;
	uint32_t type[16];
	uint64_t seq[16];
};

static void t_on_event(const struct cse_event *ev, void *arg)
{
	struct t_seen *s = arg;

	if (s->n < 16) {
		s->type[s->n] = ev->type;
		s->seq[s->n] = ev->seq;
	}
	s->n++;
}

TEST_F(ring, events_update_the_mtu_and_reach_the_callback)
{
	static uint8_t big[T_FS];
	struct t_mod *m = &self->m;
	struct t_seen seen = { 0 };

	t_ev_put(m, CSE_EV_MTU, 1400);
	t_ev_put(m, CSE_EV_CARRIER, 0);
	t_ev_put(m, CSE_EV_MTU, 9000);	/* more than a 2048-byte slot holds */
	EXPECT_TRUE(cse_ring_link_pending(&m->link));
	EXPECT_EQ(3u, cse_ring_link_events(&m->link, t_on_event, &seen));
	EXPECT_EQ(3u, seen.n);
	EXPECT_EQ((uint32_t)CSE_EV_CARRIER, seen.type[1]);
	EXPECT_EQ(3u, seen.seq[2]);
	EXPECT_EQ(T_FS - 14, self->link.ops->mtu(self->link.priv));
	EXPECT_EQ(3u, t_load(m, m->geo.ev.consumer));
	EXPECT_FALSE(cse_ring_link_pending(&m->link));
	t_ev_put(m, CSE_EV_MTU, 1280);
	EXPECT_EQ(1u, cse_ring_link_events(&m->link, NULL, NULL));
	EXPECT_EQ(1280u, self->link.ops->mtu(self->link.priv));
	/* Frames are held to the new MTU before the module sees them. */
	EXPECT_EQ(-EMSGSIZE, self->link.ops->xmit(self->link.priv, big,
						  14 + 1281));
	EXPECT_EQ(0, self->link.ops->xmit(self->link.priv, big, 14 + 1280));
}

TEST_F(ring, overflow_and_unregister_are_noted)
{
	struct t_mod *m = &self->m;
	struct t_seen seen = { 0 };

	t_ev_put(m, CSE_EV_OVERFLOW, 0);
	t_ev_put(m, CSE_EV_UNREGISTER, 0);
	EXPECT_EQ(2u, cse_ring_link_events(&m->link, t_on_event, &seen));
	EXPECT_EQ((uint32_t)CSE_EV_OVERFLOW, seen.type[0]);
	EXPECT_EQ(1u, m->link.stats.ev_overflows);
	EXPECT_TRUE(m->link.gone);
	ASSERT_EQ(0, t_send_frame(self, 1));
	EXPECT_EQ(-ENODEV, cse_ring_link_flush(&m->link));
	EXPECT_EQ(0u, m->kicks);
}

TEST_F(ring, corrupt_ev_producer_index_delivers_nothing)
{
	struct t_mod *m = &self->m;
	struct t_seen seen = { 0 };

	*t_word(m, m->geo.ev.producer) = 0xfffffff0u;
	EXPECT_EQ(0u, cse_ring_link_events(&m->link, t_on_event, &seen));
	EXPECT_EQ(0u, seen.n);
	EXPECT_EQ(1u, m->link.stats.ring_errors);
}

TEST_F(ring, indices_wrap_past_2_to_the_32)
{
	struct t_mod *m = &self->m;
	uint32_t start = 0xfffffffcu;
	uint8_t f[64], buf[64];
	unsigned int n = t_arp_request(f), i;

	/* An area whose indices are near the wrap, adopted by a new link. */
	*t_word(m, m->geo.rx.producer) = start;
	*t_word(m, m->geo.rx.consumer) = start;
	*t_word(m, m->geo.tx.producer) = start;
	*t_word(m, m->geo.tx.consumer) = start;
	m->rx_prod = start;
	m->tx_cons = start;
	ASSERT_EQ(0, cse_ring_link_init(&m->link, &m->area));
	m->link.kick = t_kick;
	for (i = 0; i < 8; i++) {
		t_rx_put(m, f, n);
		ASSERT_EQ((int)n, self->link.ops->recv(self->link.priv, buf,
						       sizeof(buf)));
		ASSERT_EQ(0, t_send_frame(self, i));
	}
	EXPECT_EQ(1, cse_ring_link_flush(&m->link));
	EXPECT_EQ(8u, m->sent);
	EXPECT_EQ(start + 8, t_load(m, m->geo.rx.consumer));
	EXPECT_EQ(0u, m->link.stats.ring_errors);
}

TEST_HARNESS_MAIN
