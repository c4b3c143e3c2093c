// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4 fragmentation and reassembly: pieces in any order, duplicates,
 * RFC 5722 overlaps, the 30 s timeout and its ICMP, the byte bound, the
 * 65535-byte limit; fragments the stack sends; and datagrams over the MTU
 * between two instances across the impaired in-memory link.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "link/mem.h"

#define T_MF		0x2000
#define T_ID		0x4242

T_STACK_FIXTURE(frag)

static uint8_t t_pat(unsigned int i, uint8_t salt)
{
	return (uint8_t)(i * 2654435761u >> 11) ^ salt;
}

/*
 * The whole IPv4 packet of a UDP datagram from the peer to our port 7
 * with @n bytes of patterned payload and IP ID @id; returns its length.
 */
static unsigned int t_whole(uint8_t *ip, unsigned int n, uint16_t id,
			    uint8_t salt)
{
	static uint8_t data[65536];
	unsigned int i, len;

	for (i = 0; i < n; i++)
		data[i] = t_pat(i, salt);
	len = t_ip(ip, T_PEER_IP, T_OUR_IP, IPPROTO_UDP, 8 + n);
	cse_put16(ip + 4, id);
	t_ip_fix(ip);
	return len + t_udp(ip + len, T_PEER_IP, T_OUR_IP, 1234, 7, data, n);
}

/*
 * Inject bytes [@off, @off + @len) of the payload of @ip (a whole packet
 * from t_whole) as one fragment, MF as @mf says.
 */
static void t_frag(struct t_env *e, const uint8_t *ip, unsigned int off,
		   unsigned int len, bool mf)
{
	static uint8_t f[14 + 20 + 1480];
	uint8_t *h = f + 14;

	t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	memcpy(h, ip, 20);
	cse_put16(h + 2, 20 + len);
	cse_put16(h + 6, (off >> 3) | (mf ? T_MF : 0));
	t_ip_fix(h);
	memcpy(h + 20, ip + 20 + off, len);
	cse_stack_input(e->st, f, 14 + 20 + len);
}

/* Fragments of @whole (payload @plen bytes) in pieces of @step bytes. */
static unsigned int t_pieces(unsigned int plen, unsigned int step)
{
	return (plen + step - 1) / step;
}

static void t_piece(struct t_env *e, const uint8_t *whole, unsigned int plen,
		    unsigned int step, unsigned int i)
{
	unsigned int off = i * step;
	unsigned int len = plen - off < step ? plen - off : step;

	t_frag(e, whole, off, len, off + len < plen);
}

/* Receive one datagram on @s and check it is @n bytes of the pattern. */
static bool t_got(struct cse_sock *s, unsigned int n, uint8_t salt)
{
	static uint8_t buf[65536];
	unsigned int i;
	ssize_t k = cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL);

	if (k != (ssize_t)n)
		return false;
	for (i = 0; i < n; i++)
		if (buf[i] != t_pat(i, salt))
			return false;
	return true;
}

static const struct cse_stats *t_st(struct t_env *e)
{
	return cse_stack_stats(e->st);
}

TEST_F(frag, in_order_fragments_make_the_datagram)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t w[65536];
	unsigned int plen = t_whole(w, 3000, T_ID, 1) - 20, i;
	size_t base;

	base = cse_stack_mem_used(self->e.st);
	for (i = 0; i < t_pieces(plen, 1480); i++) {
		ASSERT_EQ(-EAGAIN, cse_recvfrom(s, w + 40000, 16, 0, NULL,
						NULL, NULL));
		t_piece(&self->e, w, plen, 1480, i);
	}
	ASSERT_EQ(3u, t_st(&self->e)->ip_frag_rx);
	ASSERT_EQ(1u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_EQ(1u, t_st(&self->e)->udp_rx);
	ASSERT_TRUE(t_got(s, 3000, 1));
	/* Nothing of the queue is left behind. */
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

TEST_F(frag, fragments_in_any_order_make_the_datagram)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t w[65536];
	unsigned int plen = t_whole(w, 5000, T_ID, 2) - 20;
	unsigned int n = t_pieces(plen, 64), order[128], i;
	struct cse_rng r;

	/* Last first, then the rest shuffled. */
	for (i = 0; i < n; i++)
		order[i] = n - 1 - i;
	cse_rng_seed(&r, 5);
	for (i = n - 1; i > 1; i--) {
		unsigned int j = 1 + cse_rng_below(&r, i), t = order[i];

		order[i] = order[j];
		order[j] = t;
	}
	for (i = 0; i < n; i++)
		t_piece(&self->e, w, plen, 64, order[i]);
	ASSERT_EQ(n, t_st(&self->e)->ip_frag_rx);
	ASSERT_EQ(1u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_TRUE(t_got(s, 5000, 2));
}

TEST_F(frag, two_datagrams_interleaved_are_kept_apart)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t a[65536], b[65536];
	unsigned int pa = t_whole(a, 2000, 1, 3) - 20;
	unsigned int pb = t_whole(b, 2000, 2, 4) - 20;

	t_piece(&self->e, a, pa, 1480, 1);
	t_piece(&self->e, b, pb, 1480, 0);
	t_piece(&self->e, a, pa, 1480, 0);
	t_piece(&self->e, b, pb, 1480, 1);
	ASSERT_EQ(2u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_TRUE(t_got(s, 2000, 3));
	ASSERT_TRUE(t_got(s, 2000, 4));
}

TEST_F(frag, duplicates_are_dropped_and_the_datagram_kept)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t w[65536];
	unsigned int plen = t_whole(w, 3000, T_ID, 5) - 20;

	t_piece(&self->e, w, plen, 1000, 0);
	t_piece(&self->e, w, plen, 1000, 0);
	t_piece(&self->e, w, plen, 1000, 1);
	/* Inside what is held, across two pieces: still a duplicate. */
	t_frag(&self->e, w, 504, 800, true);
	t_piece(&self->e, w, plen, 1000, 1);
	ASSERT_EQ(3u, t_st(&self->e)->ip_frag_dup);
	ASSERT_EQ(0u, t_st(&self->e)->ip_frag_overlap);
	t_piece(&self->e, w, plen, 1000, 3);
	t_piece(&self->e, w, plen, 1000, 2);
	ASSERT_EQ(1u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_EQ(1u, t_st(&self->e)->udp_rx);
	ASSERT_TRUE(t_got(s, 3000, 5));
}

/* One overlap each: what is held, then the piece that overlaps it. */
static const struct {
	const char *what;
	unsigned int off[2], len[2];
} t_overlaps[] = {
	{ "starts inside, ends past", { 0, 1000 }, { 1008, 600 } },
	{ "starts before, ends inside", { 800, 0 }, { 800, 808 } },
	{ "covers it", { 400, 0 }, { 400, 1480 } },
	{ "one byte over the end", { 0, 1472 }, { 1480, 16 } },
};

TEST_F(frag, any_overlap_drops_the_whole_datagram)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t w[65536];
	size_t base;
	unsigned int i, plen;

	base = cse_stack_mem_used(self->e.st);
	for (i = 0; i < CSE_ARRAY_SIZE(t_overlaps); i++) {
		plen = t_whole(w, 3000, (uint16_t)(100 + i), 6) - 20;
		t_frag(&self->e, w, t_overlaps[i].off[0], t_overlaps[i].len[0],
		       true);
		t_frag(&self->e, w, t_overlaps[i].off[1], t_overlaps[i].len[1],
		       true);
		if (t_st(&self->e)->ip_frag_overlap != i + 1)
			TH_LOG("not an overlap: %s", t_overlaps[i].what);
		ASSERT_EQ(i + 1, t_st(&self->e)->ip_frag_overlap);
		/* Everything held for it is gone at once. */
		ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
	}
	/* The rest of a datagram that was dropped never completes it. */
	plen = t_whole(w, 3000, 100, 6) - 20;
	t_piece(&self->e, w, plen, 1480, 1);
	t_piece(&self->e, w, plen, 1480, 2);
	ASSERT_EQ(0u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_EQ(-EAGAIN, cse_recvfrom(s, w, 16, 0, NULL, NULL, NULL));
}

TEST_F(frag, ends_that_disagree_drop_the_datagram)
{
	static uint8_t w[65536];
	size_t base;

	t_udp_sock(&self->e, 7);
	base = cse_stack_mem_used(self->e.st);
	t_whole(w, 3000, 1, 7);
	/* Two last fragments with different ends. */
	t_frag(&self->e, w, 0, 1480, true);
	t_frag(&self->e, w, 2000, 800, false);
	t_frag(&self->e, w, 2000, 808, false);
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_bad);
	/* Data beyond a known end. */
	cse_put16(w + 4, 2);
	t_frag(&self->e, w, 2000, 200, false);
	t_frag(&self->e, w, 2200, 200, true);
	ASSERT_EQ(2u, t_st(&self->e)->ip_frag_bad);
	/* A non-last fragment of fewer than 8 bytes holds nothing. */
	cse_put16(w + 4, 3);
	t_frag(&self->e, w, 0, 5, true);
	ASSERT_EQ(3u, t_st(&self->e)->ip_frag_bad);
	ASSERT_EQ(0u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

TEST_F(frag, non_last_fragment_is_cut_to_a_multiple_of_eight)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	static uint8_t w[65536];
	unsigned int plen = t_whole(w, 1000, T_ID, 8) - 20;

	/* 13 bytes with MF: bytes 8..12 are not kept, the next has them. */
	t_frag(&self->e, w, 0, 13, true);
	t_frag(&self->e, w, 8, plen - 8, false);
	ASSERT_EQ(0u, t_st(&self->e)->ip_frag_overlap);
	ASSERT_EQ(1u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_TRUE(t_got(s, 1000, 8));
}

TEST_F(frag, fragment_past_65535_bytes_is_oversize_and_kills_the_queue)
{
	static uint8_t f[14 + 20 + 100];
	static uint8_t w[65536];
	size_t base;
	uint8_t *h = f + 14;

	t_udp_sock(&self->e, 7);
	base = cse_stack_mem_used(self->e.st);
	t_whole(w, 1000, T_ID, 9);
	t_frag(&self->e, w, 0, 1000, true);
	ASSERT_LT(base, cse_stack_mem_used(self->e.st));
	/* Offset 65472 with 100 bytes: 20 + 65572 > 65535. */
	t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	memcpy(h, w, 20);
	memset(h + 20, 0xab, 100);
	cse_put16(h + 2, 20 + 100);
	cse_put16(h + 6, 65472 >> 3);
	t_ip_fix(h);
	cse_stack_input(self->e.st, f, sizeof(f));
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_oversize);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
	/* Alone, too: nothing is held for it. */
	cse_put16(h + 4, T_ID + 1);
	t_ip_fix(h);
	cse_stack_input(self->e.st, f, sizeof(f));
	ASSERT_EQ(2u, t_st(&self->e)->ip_frag_oversize);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

TEST_F(frag, options_of_fragment_zero_can_make_the_total_too_big)
{
	static uint8_t f[14 + 60 + 1440];
	static uint8_t w[65536];
	unsigned int plen = t_whole(w, 65492, T_ID, 9) - 20, off, n;
	uint8_t *h = f + 14;
	size_t base;

	t_udp_sock(&self->e, 7);
	base = cse_stack_mem_used(self->e.st);
	/* Fragment 0 with 40 bytes of options (no-ops): a 60-byte header. */
	t_eth(f, t_our_mac, t_peer_mac, 0x0800);
	memcpy(h, w, 20);
	h[0] = 0x4f;
	memset(h + 20, 1, 40);
	memcpy(h + 60, w + 20, 1440);
	cse_put16(h + 2, 60 + 1440);
	cse_put16(h + 6, T_MF);
	t_ip_fix(h);
	cse_stack_input(self->e.st, f, sizeof(f));
	/* The rest fit with their own 20-byte headers: 20 + 65500. */
	for (off = 1440; off < plen; off += n) {
		n = plen - off < 1480 ? plen - off : 1480;
		t_frag(&self->e, w, off, n, off + n < plen);
	}
	/* But 60 + 65500 is over: dropped when it would be whole. */
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_oversize);
	ASSERT_EQ(0u, t_st(&self->e)->ip_reasm_ok);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

TEST_F(frag, timeout_sends_time_exceeded_when_fragment_zero_came)
{
	static uint8_t w[65536];
	size_t base;
	const uint8_t *o, *m;
	unsigned int len;

	t_udp_sock(&self->e, 7);
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	base = cse_stack_mem_used(self->e.st);
	t_whole(w, 3000, T_ID, 10);
	t_frag(&self->e, w, 0, 1480, true);
	t_advance(&self->e, 29 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(0u, t_st(&self->e)->ip_frag_timeout);
	ASSERT_EQ(0u, t_pending(&self->e));
	/* A fragment that arrives later does not extend the 30 s. */
	t_frag(&self->e, w, 1480, 1480, true);
	t_advance(&self->e, 1 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_timeout);
	ASSERT_EQ(1u, t_st(&self->e)->icmp_timxceed_tx);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
	o = t_next(&self->e, &len);
	ASSERT_NE(NULL, o);
	ASSERT_EQ(0, memcmp(o, t_peer_mac, 6));
	ASSERT_EQ(IPPROTO_ICMP, t_ip_hdr(o)[9]);
	ASSERT_EQ(T_PEER_IP, cse_get32(t_ip_hdr(o) + 16));
	m = t_l4(o);
	ASSERT_EQ(11, m[0]);		/* time exceeded */
	ASSERT_EQ(1, m[1]);		/* fragment reassembly */
	ASSERT_EQ(0, cse_csum(m, len - 14 - 20));
	/* It quotes fragment 0: its header, then the UDP ports. */
	ASSERT_EQ(T_ID, cse_get16(m + 8 + 4));
	ASSERT_EQ(T_MF, cse_get16(m + 8 + 6));
	ASSERT_EQ(1234, cse_get16(m + 8 + 20));
	ASSERT_EQ(7, cse_get16(m + 8 + 22));
}

TEST_F(frag, timeout_without_fragment_zero_sends_nothing)
{
	static uint8_t w[65536];
	size_t base;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	base = cse_stack_mem_used(self->e.st);
	t_whole(w, 3000, T_ID, 11);
	t_frag(&self->e, w, 1480, 1480, true);
	t_advance(&self->e, 30 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_timeout);
	ASSERT_EQ(0u, t_st(&self->e)->icmp_timxceed_tx);
	ASSERT_EQ(0u, t_pending(&self->e));
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

/* Fragment 0 of @n different datagrams, 1480 bytes each. */
static void t_flood(struct t_env *e, unsigned int n, size_t *peak,
		    size_t base)
{
	static uint8_t w[65536];
	unsigned int i;

	t_whole(w, 3000, 0, 12);
	for (i = 0; i < n; i++) {
		cse_put16(w + 4, (uint16_t)i);
		t_frag(e, w, 0, 1480, true);
		if (cse_stack_mem_used(e->st) - base > *peak)
			*peak = cse_stack_mem_used(e->st) - base;
	}
}

TEST_F(frag, held_fragments_stay_under_ipfrag_high_thresh)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	const struct cse_stats *st = t_st(&self->e);
	size_t base, peak = 0;
	uint8_t f[128];

	ASSERT_EQ(4u << 20, self->e.cfg.ipfrag_high_thresh);
	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	base = cse_stack_mem_used(self->e.st);
	t_flood(&self->e, 4000, &peak, base);
	TH_LOG("%lu fragments held in %zu bytes, %lu dropped",
	       st->ip_frag_rx - st->ip_frag_mem, peak, st->ip_frag_mem);
	ASSERT_LT(0u, st->ip_frag_mem);
	ASSERT_GE(4u << 20, peak);
	ASSERT_LT(3u << 20, peak);
	/* Unfragmented traffic still flows. */
	cse_stack_input(self->e.st, f, t_udp_frame(f, T_PEER_IP, T_OUR_IP,
						   1234, 7, "hi", 2));
	ASSERT_EQ(2, cse_recvfrom(s, f, sizeof(f), 0, NULL, NULL, NULL));
	/* Time frees it all. */
	t_advance(&self->e, 30 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(st->ip_frag_rx - st->ip_frag_mem, st->ip_frag_timeout);
	ASSERT_EQ(base, cse_stack_mem_used(self->e.st));
}

TEST(held_fragments_stay_under_the_instance_bound)
{
	struct t_env *e = calloc(1, sizeof(*e));
	size_t base, peak = 0;

	t_env_config(e);
	e->cfg.mem_limit = 256 << 10;
	ASSERT_EQ(0, t_env_start(e));
	t_learn(e, T_PEER_IP, t_peer_mac);
	base = cse_stack_mem_used(e->st);
	t_flood(e, 1000, &peak, base);
	ASSERT_GE(256u << 10, base + peak);
	ASSERT_LT(0u, cse_stack_stats(e->st)->ip_frag_mem +
		      cse_stack_stats(e->st)->mem_drop);
	t_advance(e, 30 * CSE_NSEC_PER_SEC);
	ASSERT_EQ(base, cse_stack_mem_used(e->st));
	t_env_fini(e);
	free(e);
}

TEST(ipfrag_high_thresh_zero_turns_reassembly_off)
{
	struct t_env *e = calloc(1, sizeof(*e));
	size_t base, peak = 0;

	t_env_config(e);
	e->cfg.ipfrag_high_thresh = 0;
	ASSERT_EQ(0, t_env_start(e));
	base = cse_stack_mem_used(e->st);
	t_flood(e, 3, &peak, base);
	ASSERT_EQ(0u, peak);
	ASSERT_EQ(3u, cse_stack_stats(e->st)->ip_frag_mem);
	t_env_fini(e);
	free(e);
}

/* --- sending --- */

static uint16_t t_sent_id;

/*
 * Check the frames sent since the last t_next() are the fragments of one
 * UDP datagram of @n bytes of the pattern (its ID in t_sent_id); returns
 * how many.
 */
static int t_check_sent(struct t_env *e, unsigned int n, uint8_t salt)
{
	static uint8_t dg[65536];
	unsigned int len, got = 0, frames = 0, i, off;
	const uint8_t *o, *ip;
	uint16_t id = 0, fo;
	uint32_t sum;

	while ((o = t_next(e, &len))) {
		ip = t_ip_hdr(o);
		fo = cse_get16(ip + 6);
		off = (fo & 0x1fff) * 8;
		if (cse_csum(ip, 20) || ip[9] != IPPROTO_UDP ||
		    cse_get16(ip + 2) != len - 14 || (fo & 0x4000))
			return -1;
		if (!frames)
			id = cse_get16(ip + 4);
		if (cse_get16(ip + 4) != id || off != got ||
		    len - 14 > 1500)
			return -1;
		/* All but the last fill the MTU to a multiple of 8. */
		if ((fo & T_MF) && len - 14 - 20 != 1480)
			return -1;
		memcpy(dg + got, ip + 20, len - 14 - 20);
		got += len - 14 - 20;
		frames++;
		if (!(fo & T_MF))
			break;
	}
	if (got != 8 + n || cse_get16(dg + 4) != 8 + n)
		return -1;
	t_sent_id = id;
	sum = cse_csum_pseudo(T_OUR_IP, T_PEER_IP, IPPROTO_UDP, 8 + n);
	if (cse_csum_fold(cse_csum_add(sum, dg, 8 + n)))
		return -1;
	for (i = 0; i < n; i++)
		if (dg[8 + i] != t_pat(i, salt))
			return -1;
	return (int)frames;
}

static ssize_t t_send_pat(struct cse_sock *s, unsigned int n, uint8_t salt)
{
	static uint8_t buf[65536];
	unsigned int i;

	for (i = 0; i < n; i++)
		buf[i] = t_pat(i, salt);
	return t_send(s, T_PEER_IP, 9, buf, n);
}

TEST_F(frag, datagram_over_the_mtu_leaves_in_fragments_without_df)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	uint16_t id;

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(3000, t_send_pat(s, 3000, 13));
	ASSERT_EQ(3, t_check_sent(&self->e, 3000, 13));
	id = t_sent_id;
	ASSERT_EQ(1u, t_st(&self->e)->ip_frag_ok);
	ASSERT_EQ(3u, t_st(&self->e)->ip_frag_tx);
	/* The largest UDP datagram: 45 fragments. */
	ASSERT_EQ(65507, t_send_pat(s, 65507, 14));
	ASSERT_EQ(45, t_check_sent(&self->e, 65507, 14));
	ASSERT_EQ(-EMSGSIZE, t_send_pat(s, 65508, 14));
	/* Each datagram has an ID of its own. */
	ASSERT_EQ(2000, t_send_pat(s, 2000, 15));
	ASSERT_EQ(2, t_check_sent(&self->e, 2000, 15));
	ASSERT_NE(id, t_sent_id);
}

static const struct cse_link_ops t_nofrag_ops = {
	.xmit = t_cap_xmit,
	.recv = t_cap_recv,
	.mtu = t_cap_mtu,
	.mac = t_cap_mac,
	.no_fragments = true,
};

TEST(link_that_refuses_fragments_gets_emsgsize_instead)
{
	struct t_env *e = calloc(1, sizeof(*e));
	struct cse_sock *s;

	t_env_config(e);
	e->cfg.link.ops = &t_nofrag_ops;
	ASSERT_EQ(0, t_env_start(e));
	s = t_udp_sock(e, 7);
	t_learn(e, T_PEER_IP, t_peer_mac);
	ASSERT_EQ(1472, t_send_pat(s, 1472, 18));
	ASSERT_EQ(-EMSGSIZE, t_send_pat(s, 1473, 18));
	ASSERT_EQ(1u, t_pending(e));
	ASSERT_EQ(0u, cse_stack_stats(e->st)->ip_frag_tx);
	t_env_fini(e);
	free(e);
}

TEST_F(frag, fragments_wait_for_arp_together)
{
	struct cse_sock *s = t_udp_sock(&self->e, 7);
	const uint8_t *o;
	unsigned int len;
	uint8_t f[64];

	ASSERT_EQ(4000, t_send_pat(s, 4000, 16));
	o = t_next(&self->e, &len);
	ASSERT_EQ(0x0806, t_ethertype(o));	/* who has the peer? */
	ASSERT_EQ(0u, t_pending(&self->e));
	len = t_eth(f, t_our_mac, t_peer_mac, 0x0806);
	len += t_arp(f + len, 2, t_peer_mac, T_PEER_IP, t_our_mac, T_OUR_IP);
	cse_stack_input(self->e.st, f, len);
	ASSERT_EQ(3, t_check_sent(&self->e, 4000, 16));
}

TEST_F(frag, large_echo_request_is_reassembled_and_answered_in_fragments)
{
	static uint8_t w[65536];
	unsigned int i, plen = 4000, len, got = 0;
	const uint8_t *o;
	static uint8_t back[65536];

	t_learn(&self->e, T_PEER_IP, t_peer_mac);
	t_ip(w, T_PEER_IP, T_OUR_IP, IPPROTO_ICMP, plen);
	w[20] = 8;
	for (i = 4; i < plen; i++)
		w[20 + i] = t_pat(i, 17);
	cse_put16(w + 22, cse_csum(w + 20, plen));
	for (i = 0; i < t_pieces(plen, 1480); i++)
		t_piece(&self->e, w, plen, 1480, i);
	ASSERT_EQ(1u, t_st(&self->e)->icmp_echo_tx);
	while ((o = t_next(&self->e, &len))) {
		const uint8_t *ip = t_ip_hdr(o);

		ASSERT_EQ(IPPROTO_ICMP, ip[9]);
		ASSERT_EQ(got, (cse_get16(ip + 6) & 0x1fff) * 8u);
		ASSERT_EQ(0, cse_get16(ip + 6) & 0x4000);
		memcpy(back + got, ip + 20, len - 34);
		got += len - 34;
	}
	ASSERT_EQ(plen, got);
	ASSERT_EQ(0, back[0]);			/* echo reply */
	ASSERT_EQ(0, cse_csum(back, plen));
	ASSERT_EQ(0, memcmp(back + 4, w + 24, plen - 4));
}

/* --- two instances over the impaired in-memory link --- */

struct t_net {
	struct t_clock clock;
	struct cse_memlink *l;
	struct cse_stack *st[2];
	struct cse_sock *s[2];
};

static int t_net_make(struct t_net *n, const struct cse_memlink_impair *imp,
		      uint64_t seed)
{
	struct cse_memlink_config c = {
		.clock = { t_clock_now, &n->clock },
		.mtu = 1500,
		.max_frames = 4096,
		.mac = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } },
		.impair = *imp,
		.seed = seed,
	};
	unsigned int i;
	int err;

	n->clock.now = CSE_NSEC_PER_SEC;
	err = cse_memlink_create(&c, &n->l);
	for (i = 0; !err && i < 2; i++) {
		struct cse_stack_config sc;
		struct sockaddr_in sin = t_sin(0, 7);

		cse_stack_config_defaults(&sc);
		sc.link = cse_memlink_end(n->l, i);
		sc.clock = (struct cse_clock){ t_clock_now, &n->clock };
		sc.addr.s_addr = htonl(T_OUR_IP + i);
		sc.prefix_len = 24;
		sc.seed = seed * 2 + i;
		sc.rmem_default = 4u << 20;
		err = cse_stack_create(&sc, &n->st[i]) ||
		      cse_socket(n->st[i], SOCK_DGRAM, 0, &n->s[i]) ||
		      cse_bind(n->s[i], T_SA(&sin), sizeof(sin));
	}
	return err;
}

static void t_net_free(struct t_net *n)
{
	cse_stack_destroy(n->st[0]);
	cse_stack_destroy(n->st[1]);
	cse_memlink_destroy(n->l);
}

/* Let time pass to @until, delivering frames and running timers. */
static void t_net_run(struct t_net *n, uint64_t until)
{
	for (;;) {
		uint64_t next = cse_memlink_next(n->l);
		unsigned int i;

		for (i = 0; i < 2; i++) {
			uint64_t t = cse_stack_next_timer(n->st[i]);

			next = t < next ? t : next;
		}
		if (next > until)
			break;
		if (next > n->clock.now)
			n->clock.now = next;
		for (i = 0; i < 2; i++)
			cse_stack_poll(n->st[i], 64);
	}
	n->clock.now = until;
}

/* A datagram of the exchange: its number, then the pattern. */
static unsigned int t_dg_len(unsigned int k)
{
	return 1473 + (k * 7919u) % (65507 - 1473);
}

static void t_dg_fill(uint8_t *buf, unsigned int k, uint8_t salt)
{
	unsigned int i, n = t_dg_len(k);

	for (i = 0; i < n; i++)
		buf[i] = t_pat(i + k, salt);
	cse_put32(buf, k);
}

/* What arrived at @s: whole datagrams of the exchange, marked in @seen. */
static bool t_dg_take(struct cse_sock *s, uint8_t salt, bool *seen,
		      unsigned int count)
{
	static uint8_t buf[65536], want[65536];
	ssize_t k;

	while ((k = cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL,
				 NULL)) > 0) {
		uint32_t no = cse_get32(buf);

		if (no >= count || (unsigned int)k != t_dg_len(no))
			return false;
		t_dg_fill(want, no, salt);
		if (memcmp(buf, want, k))
			return false;
		seen[no] = true;
	}
	return true;
}

/*
 * @count datagrams over the MTU each way at once, then 31 s for every
 * queue to finish; returns how many arrived whole in each direction.
 */
static bool t_exchange(struct t_net *n, unsigned int count,
		       unsigned int got[2])
{
	static uint8_t buf[65536];
	static bool seen[2][64];
	unsigned int k, i;
	bool ok = true;

	memset(seen, 0, sizeof(seen));
	for (k = 0; k < count; k++) {
		for (i = 0; i < 2; i++) {
			struct sockaddr_in to = t_sin(T_OUR_IP + !i, 7);

			t_dg_fill(buf, k, (uint8_t)i);
			if (cse_sendto(n->s[i], buf, t_dg_len(k), 0,
				       T_SA(&to), sizeof(to)) !=
			    (ssize_t)t_dg_len(k))
				return false;
		}
		t_net_run(n, n->clock.now + 2 * CSE_NSEC_PER_MSEC);
		for (i = 0; i < 2; i++)
			ok &= t_dg_take(n->s[!i], (uint8_t)i, seen[i], count);
	}
	t_net_run(n, n->clock.now + 31 * CSE_NSEC_PER_SEC);
	for (i = 0; i < 2; i++) {
		ok &= t_dg_take(n->s[!i], (uint8_t)i, seen[i], count);
		got[i] = 0;
		for (k = 0; k < count; k++)
			got[i] += seen[i][k];
	}
	return ok;
}

TEST(datagrams_over_the_mtu_cross_a_reordering_duplicating_link)
{
	struct cse_memlink_impair imp = {
		.dup_ppm = 50000, .reorder_ppm = 200000,
		.delay_ns = CSE_NSEC_PER_MSEC,
		.reorder_ns = 3 * CSE_NSEC_PER_MSEC,
	};
	const struct cse_memlink_stats *ls;
	unsigned int got[2], i;
	struct t_net n;

	ASSERT_EQ(0, t_net_make(&n, &imp, 11));
	ASSERT_TRUE(t_exchange(&n, 40, got));
	ls = cse_memlink_stats(n.l, 0);
	TH_LOG("0->1: %lu frames, %lu reordered, %lu duplicated; %lu dropped",
	       ls->sent, ls->reordered, ls->duplicated,
	       cse_stack_stats(n.st[1])->ip_frag_dup);
	ASSERT_EQ(40u, got[0]);
	ASSERT_EQ(40u, got[1]);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0u, cse_stack_stats(n.st[i])->ip_frag_overlap);
		ASSERT_EQ(0u, cse_stack_stats(n.st[i])->ip_frag_bad);
	}
	ASSERT_LT(0u, cse_stack_stats(n.st[1])->ip_frag_dup);
	t_net_free(&n);
}

TEST(datagrams_over_the_mtu_on_a_lossy_link_arrive_whole_or_not_at_all)
{
	struct cse_memlink_impair imp = {
		.drop_ppm = 20000, .reorder_ppm = 50000,
		.delay_ns = CSE_NSEC_PER_MSEC,
		.reorder_ns = 3 * CSE_NSEC_PER_MSEC,
	};
	unsigned int got[2], i;
	struct t_net n;

	ASSERT_EQ(0, t_net_make(&n, &imp, 12));
	ASSERT_TRUE(t_exchange(&n, 40, got));
	TH_LOG("arrived whole: %u and %u of 40; %lu and %lu timed out",
	       got[0], got[1], cse_stack_stats(n.st[1])->ip_frag_timeout,
	       cse_stack_stats(n.st[0])->ip_frag_timeout);
	for (i = 0; i < 2; i++) {
		ASSERT_LT(0u, got[i]);
		ASSERT_GT(40u, got[i]);
		ASSERT_LT(0u, cse_stack_stats(n.st[!i])->ip_frag_timeout);
		/* Every incomplete queue has been let go. */
		ASSERT_EQ(0u, n.st[i]->defrag.queues);
		ASSERT_EQ(0u, n.st[i]->defrag.mem);
	}
	t_net_free(&n);
}

TEST_HARNESS_MAIN
