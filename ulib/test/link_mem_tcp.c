// SPDX-License-Identifier: GPL-2.0
/* TCP between two stack instances over the in-memory link. */
#include "kselftest_harness.h"
#define T_NO_SOCK_HELPERS
#include "t_stack.h"
#include "core/tcp.h"
#include "link/mem.h"

#define T_NS_MS		CSE_NSEC_PER_MSEC

struct t_net {
	struct t_clock clock;
	struct cse_memlink *l;
	struct cse_stack *st[2];
};

/* tcp_wmem_max of the instances t_net_make*() makes; 0: the default. */
static unsigned int t_wmem_max;
/* Their tcp_recovery (1: RACK-TLP, the default; 0: RFC 6675 alone). */
static unsigned int t_recovery = 1;

/* Two instances; @sack is their tcp_sack switch. */
static int t_net_make_sack(struct t_net *n,
			   const struct cse_memlink_impair *imp,
			   uint64_t seed, unsigned int sack)
{
	struct cse_memlink_config c = {
		.clock = { t_clock_now, &n->clock },
		.mtu = 1500,
		.max_frames = 4096,
		.mac = { { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } },
		.seed = seed,
	};
	unsigned int i;
	int err;

	if (imp)
		c.impair = *imp;
	n->clock.now = CSE_NSEC_PER_SEC;
	err = cse_memlink_create(&c, &n->l);
	for (i = 0; !err && i < 2; i++) {
		struct cse_stack_config sc;

		cse_stack_config_defaults(&sc);
		sc.link = cse_memlink_end(n->l, i);
		sc.clock = (struct cse_clock){ t_clock_now, &n->clock };
		sc.addr.s_addr = htonl(T_OUR_IP + i);
		sc.prefix_len = 24;
		sc.seed = seed * 2 + i;
		sc.tcp_sack = sack;
		sc.tcp_recovery = t_recovery;
		if (t_wmem_max)
			sc.tcp_wmem_max = t_wmem_max;
		err = cse_stack_create(&sc, &n->st[i]);
	}
	return err;
}

static int t_net_make(struct t_net *n, const struct cse_memlink_impair *imp,
		      uint64_t seed)
{
	return t_net_make_sack(n, imp, seed, 1);
}

static void t_net_free(struct t_net *n)
{
	cse_stack_destroy(n->st[0]);
	cse_stack_destroy(n->st[1]);
	cse_memlink_destroy(n->l);
}

/* Advance to the next event (frame due or timer) and process it. */
static void t_net_step(struct t_net *n)
{
	uint64_t next = cse_memlink_next(n->l);
	unsigned int i;

	for (i = 0; i < 2; i++) {
		uint64_t t = cse_stack_next_timer(n->st[i]);

		next = t < next ? t : next;
	}
	if (next != UINT64_MAX && next > n->clock.now)
		n->clock.now = next;
	for (i = 0; i < 2; i++)
		cse_stack_poll(n->st[i], 64);
}

/*
 * Connect instance 0 to a listener of instance 1; both ends out. The
 * client's SO_SNDBUF is @sndbuf, or the default for 0.
 */
static int t_net_connect_buf(struct t_net *n, struct cse_sock **cli,
			     struct cse_sock **srv, int sndbuf)
{
	struct sockaddr_in sin = t_sin(0, 80), dst = t_sin(T_OUR_IP + 1, 80);
	struct cse_sock *l;
	int i;

	if (cse_socket(n->st[1], SOCK_STREAM, 0, &l) ||
	    cse_bind(l, T_SA(&sin), sizeof(sin)) || cse_listen(l, 4) ||
	    cse_socket(n->st[0], SOCK_STREAM, 0, cli))
		return -1;
	if (sndbuf && cse_setsockopt(*cli, SOL_SOCKET, SO_SNDBUF, &sndbuf,
				     sizeof(sndbuf)))
		return -1;
	if (cse_connect(*cli, T_SA(&dst), sizeof(dst)) != -EINPROGRESS)
		return -1;
	for (i = 0; i < 10000; i++) {
		t_net_step(n);
		if (!cse_accept(l, srv, NULL, NULL))
			break;
	}
	cse_close(l);
	return i < 10000 ? 0 : -1;
}

static int t_net_connect(struct t_net *n, struct cse_sock **cli,
			 struct cse_sock **srv)
{
	return t_net_connect_buf(n, cli, srv, 0);
}

/* One direction of a transfer: a byte pattern keyed by @salt. */
struct t_flow {
	struct cse_sock *from, *to;
	uint64_t sent, got;
	uint8_t salt;
	bool bad;		/* a byte arrived wrong */
	/* The pattern from @stage_off on, made once per 64 KiB. */
	uint64_t stage_off;
	uint32_t stage_len;
	uint8_t stage[65536];
};

static uint8_t t_byte(const struct t_flow *f, uint64_t i)
{
	return (uint8_t)(i * 2654435761u >> 13) ^ f->salt;
}

/* Offer what the sender takes, check what the receiver has. */
static void t_flow_move(struct t_flow *f, uint64_t total)
{
	static uint8_t buf[16384];
	ssize_t k;
	uint64_t i;

	while (f->sent < total) {
		if (f->sent == f->stage_off + f->stage_len) {
			f->stage_off = f->sent;
			f->stage_len = total - f->sent < sizeof(f->stage) ?
				       total - f->sent : sizeof(f->stage);
			for (i = 0; i < f->stage_len; i++)
				f->stage[i] = t_byte(f, f->sent + i);
		}
		k = cse_sendto(f->from, f->stage + (f->sent - f->stage_off),
			       f->stage_off + f->stage_len - f->sent, 0, NULL,
			       0);
		if (k <= 0)
			break;
		f->sent += k;
	}
	while ((k = cse_recvfrom(f->to, buf, sizeof(buf), 0, NULL, NULL,
				 NULL)) > 0) {
		for (i = 0; i < (uint64_t)k; i++)
			f->bad |= buf[i] != t_byte(f, f->got + i);
		f->got += k;
	}
}

/*
 * Move @total bytes each way between @a and @b at once (or only from @a
 * when @b_too is false). Returns true when everything arrived intact.
 */
static bool t_transfer(struct t_net *n, struct cse_sock *a,
		       struct cse_sock *b, uint64_t total, bool b_too,
		       unsigned int max_steps)
{
	static struct t_flow f[2];
	unsigned int step;

	f[0] = (struct t_flow){ .from = a, .to = b, .salt = 0x00 };
	f[1] = (struct t_flow){ .from = b, .to = a, .salt = 0x5a };
	for (step = 0; step < max_steps; step++) {
		t_flow_move(&f[0], total);
		if (b_too)
			t_flow_move(&f[1], total);
		if (f[0].got == total && (!b_too || f[1].got == total))
			break;
		t_net_step(n);
	}
	return !f[0].bad && !f[1].bad && f[0].got == total &&
	       (!b_too || f[1].got == total);
}

TEST(connect_and_accept_between_two_instances)
{
	struct cse_sock *c, *s;
	struct t_net n;

	ASSERT_EQ(0, t_net_make(&n, NULL, 1));
	ASSERT_EQ(0, t_net_connect(&n, &c, &s));
	t_net_step(&n);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, (int)cse_tcp_sk(c)->state);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, (int)cse_tcp_sk(s)->state);
	t_net_free(&n);
}

TEST(one_mebibyte_each_way_over_a_clean_link)
{
	struct cse_sock *c, *s;
	struct t_net n;

	ASSERT_EQ(0, t_net_make(&n, NULL, 2));
	ASSERT_EQ(0, t_net_connect(&n, &c, &s));
	ASSERT_TRUE(t_transfer(&n, c, s, 1u << 20, false, 1000000));
	ASSERT_TRUE(t_transfer(&n, s, c, 1u << 20, false, 1000000));
	t_net_free(&n);
}

TEST(sixty_four_mebibytes_each_way_over_a_lossy_reordering_link)
{
	struct cse_memlink_impair imp = {
		/*
		 * The profile: 5% loss and reordering, 1%
		 * duplication, 0.1% corruption.
		 */
		.drop_ppm = 50000, .dup_ppm = 10000, .reorder_ppm = 50000,
		.corrupt_ppm = 1000, .delay_ns = T_NS_MS,
		.reorder_ns = 2 * T_NS_MS,
	};
	const struct cse_memlink_stats *ls;
	struct cse_sock *c, *s;
	struct t_net n;
	bool ok;

	ASSERT_EQ(0, t_net_make(&n, &imp, 3));
	ASSERT_EQ(0, t_net_connect(&n, &c, &s));
	ok = t_transfer(&n, c, s, 64u << 20, true, 20000000);
	ls = cse_memlink_stats(n.l, 0);
	TH_LOG("64 MiB each way: %lu+%lu retransmits, %.1f s simulated",
	       cse_stack_stats(n.st[0])->tcp_retransmits,
	       cse_stack_stats(n.st[1])->tcp_retransmits, n.clock.now / 1e9);
	TH_LOG("wire 0->1: %lu sent, %lu dropped, %lu reordered, %lu dup, %lu corrupted",
	       ls->sent, ls->dropped, ls->reordered, ls->duplicated,
	       ls->corrupted);
	ASSERT_TRUE(ok);
	t_net_free(&n);
}

#define T_BURST_RTT	(20 * T_NS_MS)

/*
 * A bulk transfer over a clean 20 ms RTT path loses a burst of @burst
 * consecutive segments once its window is open. Returns the round trips
 * from the burst until the cumulative ACK passes the last lost segment;
 * *@rtos gets the retransmission timeouts seen.
 */
static double t_burst_rtts(unsigned int sack, unsigned int burst,
			   uint64_t *rtos)
{
	struct cse_memlink_impair imp = { .delay_ns = T_BURST_RTT / 2 };
	static struct t_flow f;
	struct cse_sock *c, *s;
	struct cse_tcp_sock *tp;
	uint64_t t0 = 0, total = 8u << 20;
	uint32_t end = 0;
	double rtts = -1;
	struct t_net n;
	unsigned int step;

	if (t_net_make_sack(&n, &imp, 7, sack) ||
	    t_net_connect_buf(&n, &c, &s, 212992))
		return -1;
	tp = cse_tcp_sk(c);
	f = (struct t_flow){ .from = c, .to = s };
	for (step = 0; step < 2000000 && f.got < total; step++) {
		t_flow_move(&f, total);
		if (!t0 && f.got >= 2u << 20) {
			cse_memlink_drop_burst(n.l, 0, burst);
			t0 = n.clock.now;
			end = tp->snd_max + burst * tp->mss;
		}
		if (t0 && rtts < 0 && cse_seq_leq(end, tp->snd_una))
			rtts = (double)(n.clock.now - t0) / T_BURST_RTT;
		t_net_step(&n);
	}
	*rtos = cse_stack_stats(n.st[0])->tcp_rto;
	if (f.bad || f.got != total)
		rtts = -1;
	t_net_free(&n);
	return rtts;
}

/*
 * RFC 6675: the scoreboard shows every hole of the burst lost at once,
 * so all are resent in the round trip after the duplicate ACKs: the
 * repair takes a bounded number of round trips, not one per segment as
 * NewReno's (RFC 6582), and no timeout.
 */
TEST(burst_loss_is_repaired_in_bounded_round_trips_with_sack)
{
	uint64_t rtos, rtos_nr;
	double rtts = t_burst_rtts(1, 8, &rtos);
	double rtts_nr = t_burst_rtts(0, 8, &rtos_nr);

	TH_LOG("8 segments lost in a row: SACK %.2f RTTs (%lu RTOs), NewReno %.2f RTTs (%lu RTOs)",
	       rtts, rtos, rtts_nr, rtos_nr);
	ASSERT_LT(0, rtts);
	ASSERT_GE(3.0, rtts);
	ASSERT_EQ(0u, rtos);
	ASSERT_LT(rtts, rtts_nr);
}

static int t_sndbuf(struct cse_sock *s)
{
	socklen_t len = sizeof(int);
	int v = -1;

	cse_getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len);
	return v;
}

/*
 * A bulk sender over a 10 ms RTT path with the client's SO_SNDBUF left
 * alone (@sndbuf 0) or set; returns the client's SO_SNDBUF afterwards.
 */
static int t_bulk_sndbuf(int sndbuf, uint64_t total, int *before)
{
	struct cse_memlink_impair imp = { .delay_ns = 5 * T_NS_MS };
	static struct t_flow f;
	struct cse_sock *c, *s;
	struct t_net n;
	unsigned int step;
	int after;

	if (t_net_make(&n, &imp, 8) ||
	    t_net_connect_buf(&n, &c, &s, sndbuf))
		return -1;
	*before = t_sndbuf(c);
	f = (struct t_flow){ .from = c, .to = s };
	for (step = 0; step < 2000000 && f.got < total; step++) {
		t_flow_move(&f, total);
		t_net_step(&n);
	}
	after = f.bad || f.got != total ? -1 : t_sndbuf(c);
	t_net_free(&n);
	return after;
}

TEST(bulk_sender_send_buffer_grows_up_to_tcp_wmem_max)
{
	int before, after;

	t_wmem_max = 0;
	after = t_bulk_sndbuf(0, 16u << 20, &before);
	TH_LOG("SO_SNDBUF %d -> %d (tcp_wmem_max 4194304)", before, after);
	ASSERT_EQ(16384, before);
	ASSERT_LT(16384, after);
	ASSERT_GE(4194304, after);
	/* A lower limit is reached and kept. */
	t_wmem_max = 262144;
	after = t_bulk_sndbuf(0, 16u << 20, &before);
	t_wmem_max = 0;
	TH_LOG("SO_SNDBUF %d -> %d (tcp_wmem_max 262144)", before, after);
	ASSERT_EQ(262144, after);
}

TEST(send_buffer_set_by_the_application_does_not_grow)
{
	int before, after;

	t_wmem_max = 0;
	after = t_bulk_sndbuf(32768, 8u << 20, &before);
	ASSERT_EQ(65536, before);	/* Linux doubles what was asked */
	ASSERT_EQ(65536, after);
}

TEST(graceful_close_frees_both_ends)
{
	struct cse_sock *c, *s;
	struct t_net n;
	char buf[4];
	int i;

	ASSERT_EQ(0, t_net_make(&n, NULL, 4));
	ASSERT_EQ(0, t_net_connect(&n, &c, &s));
	cse_close(c);
	for (i = 0; i < 100; i++)
		t_net_step(&n);
	ASSERT_EQ(0, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	cse_close(s);
	for (i = 0; i < 1000 && (cse_stack_mem_used(n.st[0]) ||
				 cse_stack_mem_used(n.st[1])); i++)
		t_net_step(&n);
	ASSERT_EQ(0u, cse_stack_mem_used(n.st[0u]));
	ASSERT_EQ(0u, cse_stack_mem_used(n.st[1u]));
	t_net_free(&n);
}

TEST(thousand_connections_opened_and_closed_leave_nothing_behind)
{
	struct sockaddr_in sin = t_sin(0, 80), dst = t_sin(T_OUR_IP + 1, 80);
	struct cse_sock *l, *c, *s;
	struct t_net n;
	unsigned int i, k, done = 0;

	ASSERT_EQ(0, t_net_make(&n, NULL, 5));
	ASSERT_EQ(0, cse_socket(n.st[1], SOCK_STREAM, 0, &l));
	ASSERT_EQ(0, cse_bind(l, T_SA(&sin), sizeof(sin)));
	ASSERT_EQ(0, cse_listen(l, 16));
	for (i = 0; i < 1000; i++) {
		char buf[8];

		ASSERT_EQ(0, cse_socket(n.st[0], SOCK_STREAM, 0, &c));
		ASSERT_EQ(-EINPROGRESS, cse_connect(c, T_SA(&dst),
						     sizeof(dst)));
		for (k = 0; k < 100 && cse_accept(l, &s, NULL, NULL); k++)
			t_net_step(&n);
		ASSERT_LT(k, 100u);
		ASSERT_EQ(2, cse_sendto(c, "hi", 2, 0, NULL, 0));
		for (k = 0; k < 100 && cse_recvfrom(s, buf, 8, 0, NULL, NULL,
						    NULL) != 2; k++)
			t_net_step(&n);
		/* Alternate which side closes first. */
		cse_close(i & 1 ? s : c);
		cse_close(i & 1 ? c : s);
		done++;
	}
	cse_close(l);
	/* TIME-WAIT runs out; then nothing may be left. */
	for (k = 0; k < 100000 && (cse_stack_mem_used(n.st[0]) ||
				   cse_stack_mem_used(n.st[1])); k++)
		t_net_step(&n);
	ASSERT_EQ(1000u, done);
	ASSERT_EQ(0u, cse_stack_mem_used(n.st[0u]));
	ASSERT_EQ(0u, cse_stack_mem_used(n.st[1u]));
	t_net_free(&n);
}

/*
 * The benchmark's impaired path on the in-memory link: 20 ms of RTT and
 * 1% loss each way, a bulk upload of @total bytes. *@rtos gets the
 * sender's retransmission timeouts; returns the seconds it took.
 */
static double t_lossy_upload(unsigned int recovery, uint64_t seed,
			     uint64_t total, struct cse_stats *out)
{
	struct cse_memlink_impair imp = {
		.delay_ns = 10 * T_NS_MS, .drop_ppm = 10000,
	};
	struct cse_sock *c, *s;
	struct t_net n;
	uint64_t t0;
	bool ok;

	t_recovery = recovery;
	if (t_net_make(&n, &imp, seed) || t_net_connect(&n, &c, &s)) {
		t_recovery = 1;
		return -1;
	}
	t_recovery = 1;
	t0 = n.clock.now;
	ok = t_transfer(&n, c, s, total, false, 20000000);
	*out = *cse_stack_stats(n.st[0]);
	t0 = n.clock.now - t0;
	t_net_free(&n);
	return ok ? t0 / 1e9 : -1;
}

/*
 * RACK-TLP against RFC 6675 alone on that path: a lost retransmission
 * and a lost tail no longer wait for the retransmission timer, so the
 * same uploads see fewer timeouts.
 */
TEST(rack_tlp_needs_fewer_timeouts_on_a_lossy_path)
{
	uint64_t rto[2] = { 0, 0 }, rtx[2] = { 0, 0 };
	double secs[2] = { 0, 0 };
	struct cse_stats st;
	unsigned int r, seed;

	for (r = 0; r < 2; r++) {
		for (seed = 1; seed <= 4; seed++) {
			double t = t_lossy_upload(r, seed, 4u << 20, &st);

			ASSERT_LT(0, t);
			secs[r] += t;
			rto[r] += st.tcp_rto;
			rtx[r] += st.tcp_retransmits;
			if (r)
				TH_LOG("seed %u: RACK lost %lu, probes %lu, probe repairs %lu",
				       seed, st.tcp_rack_lost, st.tcp_tlp_probes,
				       st.tcp_tlp_recovered);
		}
	}
	TH_LOG("4 x 4 MiB, 20 ms RTT, 1%% loss each way: RFC 6675 %lu RTOs, %lu retransmits, %.1f s; RACK-TLP %lu RTOs, %lu retransmits, %.1f s",
	       rto[0], rtx[0], secs[0], rto[1], rtx[1], secs[1]);
	ASSERT_LT(rto[1], rto[0]);
}

/*
 * cwnd counts bytes and grows by fractions of a segment; a window with
 * less room than a segment must wait for a whole one (sender SWS
 * avoidance), not send its fraction as a runt each round trip, which a
 * lossy path then loses as often as a full segment. 4 MiB go in full
 * segments: one per MSS of data, plus retransmissions and the handshake.
 */
TEST(lossy_upload_sends_whole_segments)
{
	uint64_t total = 4u << 20, full = (total + 1447) / 1448;
	struct cse_stats st;
	unsigned int seed;

	for (seed = 1; seed <= 2; seed++) {
		ASSERT_LT(0, t_lossy_upload(1, seed, total, &st));
		TH_LOG("seed %u: %lu segments for %lu of data, %lu resent, %lu recoveries",
		       seed, st.tcp_tx, full, st.tcp_retransmits,
		       st.tcp_recoveries);
		ASSERT_GE(full + st.tcp_retransmits + 8, st.tcp_tx);
	}
}

TEST_HARNESS_MAIN
