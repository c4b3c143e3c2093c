// SPDX-License-Identifier: GPL-2.0
/*
 * The blob of a moved connection comes from another process: every
 * corruption of a valid one is rejected with -EBADMSG or -EINVAL (and
 * leaves nothing allocated), or, if it still describes a connection,
 * yields a consistent one. The blob is taken from a connection on a
 * scripted wire with data unread, data unacknowledged and two segments
 * out of order, and imported into a second instance with the same
 * address.
 */
#include "kselftest_harness.h"
#include "t_stack.h"
#include "t_stack_tcp.h"
#include "core/handover.h"
#include "core/tcp_blob.h"

#include <netinet/tcp.h>
#include <stddef.h>

#define T_BLOB_MAX	65536

FIXTURE(blob) {
	struct t_env owner, taker;
	uint8_t blob[T_BLOB_MAX];
	size_t len;
	size_t mem;		/* the taker's memory before an import */
};

/* The peer's SYN with every option, so the blob carries them all. */
static struct cse_sock *t_blob_conn(struct t_env *e)
{
	struct cse_sock *l = t_tcp_listener(e, 80), *c;
	struct t_seg syn = {
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS,
		.flags = T_SYN, .wnd = 65535, .mss = 1460, .has_ws = true,
		.ws = 7, .has_ts = true, .tsval = 100, .has_sackok = true,
	}, out;

	if (!l)
		return NULL;
	t_tcp_in(e, &syn);
	if (t_tcp_out(e, &out) || out.flags != (T_SYN | T_ACK))
		return NULL;
	t_tcp_in(e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80, .seq = T_PEER_ISS + 1,
		.ack = out.seq + 1, .flags = T_ACK, .wnd = 1000,
		.has_ts = true, .tsval = 101, .tsecr = out.tsval });
	if (cse_accept(l, &c, NULL, NULL))
		return NULL;
	cse_close(l);
	return c;
}

/* Data @d at @off past the peer's first byte. */
static void t_blob_data(struct t_env *e, struct cse_sock *c, uint32_t off,
			const char *d)
{
	t_tcp_in(e, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80,
		.seq = T_PEER_ISS + 1 + off,
		.ack = cse_tcp_sk(c)->snd_una, .flags = T_ACK, .wnd = 1000,
		.has_ts = true, .tsval = 102, .data = d,
		.len = (unsigned int)strlen(d) });
}

FIXTURE_SETUP(blob)
{
	struct cse_sock *c;
	static char out[3000];
	ssize_t n;
	int v = 1;

	t_env_config(&self->owner);
	ASSERT_EQ(0, t_tcp_env_start(&self->owner));
	t_env_config(&self->taker);
	self->taker.cfg.seed = 99;
	ASSERT_EQ(0, t_tcp_env_start(&self->taker));
	c = t_blob_conn(&self->owner);
	ASSERT_NE(NULL, c);
	ASSERT_EQ(0, cse_setsockopt(c, SOL_SOCKET, SO_KEEPALIVE, &v,
				    sizeof(v)));
	t_blob_data(&self->owner, c, 0, "unread bytes");
	t_blob_data(&self->owner, c, 40, "later");
	t_blob_data(&self->owner, c, 60, "later still");
	memset(out, 'o', sizeof(out));
	ASSERT_EQ((ssize_t)sizeof(out), cse_sendto(c, out, sizeof(out), 0,
						   NULL, 0));
	ASSERT_EQ(2u, cse_tcp_sk(c)->ooo.count);
	n = cse_tcp_export(c, self->blob, sizeof(self->blob));
	ASSERT_LT(0, n);
	self->len = (size_t)n;
	self->mem = cse_stack_mem_used(self->taker.st);
}

FIXTURE_TEARDOWN(blob)
{
	t_env_fini(&self->owner);
	t_env_fini(&self->taker);
}

/* An imported socket holds together: what any state must satisfy. */
static bool t_blob_sane(struct cse_sock *s)
{
	struct cse_tcp_sock *tp = cse_tcp_sk(s);
	uint32_t end = tp->snd_buf_seq + tp->sndbuf.len + tp->fin_queued;

	return tp->state >= CSE_TCP_ESTABLISHED &&
	       tp->state <= CSE_TCP_LAST_ACK &&
	       tp->sndbuf.len <= tp->sndbuf.cap &&
	       tp->rcvbuf.len <= tp->rcvbuf.cap &&
	       tp->snd_nxt - tp->snd_una <= tp->snd_max - tp->snd_una &&
	       tp->snd_max - tp->snd_una <= end - tp->snd_una &&
	       tp->snd_wscale <= 14 && tp->rcv_wscale <= 14 && tp->cc &&
	       tp->mss >= 64;
}

/*
 * Import @len bytes of @b into the taker. A refusal must be one of the
 * blob's errors and leave the taker's memory as it was; an accepted blob
 * must give a sane socket, which then runs for a while and is closed,
 * on an instance made anew for the next attempt.
 */
static int t_blob_try(struct __test_metadata *_metadata,
		      FIXTURE_DATA(blob) *self, const void *b, size_t len)
{
	struct cse_sock *s = NULL;
	int err = cse_tcp_import(self->taker.st, b, len, &s);
	char buf[256];

	if (err) {
		EXPECT_TRUE(err == -EBADMSG || err == -EINVAL ||
			    err == -EADDRNOTAVAIL);
		EXPECT_EQ(self->mem, cse_stack_mem_used(self->taker.st));
		return err;
	}
	EXPECT_TRUE(t_blob_sane(s));
	cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL);
	t_advance(&self->taker, 3 * CSE_NSEC_PER_SEC);
	cse_close(s);
	t_env_fini(&self->taker);
	t_env_config(&self->taker);
	self->taker.cfg.seed = 99;
	EXPECT_EQ(0, t_tcp_env_start(&self->taker));
	self->mem = cse_stack_mem_used(self->taker.st);
	return 0;
}

TEST_F(blob, the_valid_blob_makes_the_same_connection)
{
	struct cse_sock *s;
	struct cse_tcp_sock *tp;
	char buf[64];

	ASSERT_EQ(0, cse_tcp_import(self->taker.st, self->blob, self->len,
				    &s));
	tp = cse_tcp_sk(s);
	ASSERT_EQ(CSE_TCP_ESTABLISHED, t_tcp_state(s));
	ASSERT_TRUE(tp->ts_on && tp->sack_ok && tp->wscale_ok);
	ASSERT_EQ(7, tp->snd_wscale);
	ASSERT_EQ(2u, tp->ooo.count);
	ASSERT_EQ(3000u, tp->sndbuf.len);
	ASSERT_TRUE(cse_timer_pending(&tp->rtx_timer));
	ASSERT_TRUE(cse_timer_pending(&tp->keep_timer));
	ASSERT_EQ(12, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(0, memcmp(buf, "unread bytes", 12));
	/* The first hole filled, the segment queued after it follows. */
	t_tcp_in(&self->taker, &(struct t_seg){
		.sport = T_PEER_PORT, .dport = 80,
		.seq = T_PEER_ISS + 1 + 12, .ack = tp->snd_una,
		.flags = T_ACK, .wnd = 1000, .has_ts = true, .tsval = 103,
		.data = "0123456789012345678901234567", .len = 28 });
	ASSERT_EQ(33, cse_recvfrom(s, buf, sizeof(buf), 0, NULL, NULL, NULL));
	ASSERT_EQ(0, memcmp(buf + 28, "later", 5));
	ASSERT_EQ(1u, tp->ooo.count);		/* beyond the next hole */
	ASSERT_EQ(0u, cse_stack_stats(self->taker.st)->tcp_paws_drop);
}

TEST_F(blob, the_tsval_goes_on_from_the_owners)
{
	struct cse_tcp_blob h;
	struct cse_sock *s;
	struct t_seg out;

	memcpy(&h, self->blob, sizeof(h));
	ASSERT_EQ(0, cse_tcp_import(self->taker.st, self->blob, self->len,
				    &s));
	self->taker.clock.now += 5 * CSE_NSEC_PER_SEC;
	t_skip_all(&self->taker);
	cse_tcp_send_ack(cse_tcp_sk(s));
	ASSERT_EQ(0, t_tcp_out(&self->taker, &out));
	ASSERT_TRUE(out.has_ts);
	ASSERT_EQ(h.ts_now + 5000, out.tsval);
	ASSERT_EQ(h.ts_recent, out.tsecr);
}

TEST_F(blob, every_truncation_is_rejected)
{
	size_t n;

	for (n = 0; n < self->len; n++) {
		int err = t_blob_try(_metadata, self, self->blob, n);

		ASSERT_TRUE(err == -EBADMSG || err == -EINVAL);
	}
	/* A longer buffer is no better. */
	ASSERT_EQ(-EBADMSG, t_blob_try(_metadata, self, self->blob,
				       self->len + 1));
	ASSERT_EQ(-EBADMSG, cse_tcp_import(self->taker.st, NULL, 0, NULL));
}

TEST_F(blob, every_byte_flipped_is_rejected_or_consistent)
{
	static const uint8_t masks[] = { 0x01, 0x80, 0xff };
	static uint8_t b[T_BLOB_MAX];
	unsigned int i, m, accepted = 0;

	for (i = 0; i < self->len; i++) {
		for (m = 0; m < sizeof(masks); m++) {
			memcpy(b, self->blob, self->len);
			b[i] ^= masks[m];
			accepted += !t_blob_try(_metadata, self, b,
						self->len);
		}
	}
	/* Data bytes and free fields flip harmlessly; most fields do not. */
	ASSERT_LT(0u, accepted);
	ASSERT_GT(3 * self->len, accepted);
}

/* One header field set to one bad value, and the error it must draw. */
struct t_bad {
	const char *what;
	size_t off, size;
	uint64_t val;
	int err;
};

#define T_F(field)	offsetof(struct cse_tcp_blob, field), \
			sizeof(((struct cse_tcp_blob *)0)->field)

static const struct t_bad t_bads[] = {
	{ "magic", T_F(magic), 0x12345678, -EBADMSG },
	{ "version", T_F(version), 2, -EBADMSG },
	{ "header length", T_F(hdr_len), 255, -EBADMSG },
	{ "total length", T_F(total_len), 0xffffffff, -EBADMSG },
	{ "send length", T_F(snd_len), 0xffffffff, -EBADMSG },
	{ "receive length", T_F(rcv_len), 0x80000000, -EBADMSG },
	{ "ooo count", T_F(ooo_n), 0xffffffff, -EBADMSG },
	{ "ooo bytes", T_F(ooo_bytes), 0xfffffff0, -EBADMSG },
	{ "unknown flag", T_F(flags), 0x10000 | 0x7, -EINVAL },
	{ "reserved", T_F(reserved[3]), 1, -EINVAL },
	{ "state LISTEN", T_F(state), CSE_TCP_LISTEN, -EINVAL },
	{ "state SYN_RECEIVED", T_F(state), CSE_TCP_SYN_RECEIVED, -EINVAL },
	{ "state TIME_WAIT", T_F(state), CSE_TCP_TIME_WAIT, -EINVAL },
	{ "state CLOSE_WAIT without a FIN", T_F(state), CSE_TCP_CLOSE_WAIT,
	  -EINVAL },
	{ "state out of range", T_F(state), 200, -EINVAL },
	{ "shutdown", T_F(shutdown), 4, -EINVAL },
	{ "send scale 15", T_F(snd_wscale), 15, -EINVAL },
	{ "receive scale 15", T_F(rcv_wscale), 15, -EINVAL },
	{ "offered scale 200", T_F(wscale_offer), 200, -EINVAL },
	{ "mss 0", T_F(mss), 0, -EINVAL },
	{ "mss 63", T_F(mss), 63, -EINVAL },
	{ "mss 65535", T_F(mss), 65535, -EINVAL },
	{ "snd_una behind the buffer", T_F(snd_una), 1, -EINVAL },
	{ "snd_nxt past the data", T_F(snd_nxt), 0x7fffffff, -EINVAL },
	{ "snd_max past the data", T_F(snd_max), 0x7fffffff, -EINVAL },
	{ "huge peer window", T_F(snd_wnd), 0xffffffff, -EINVAL },
	{ "cwnd 0", T_F(cwnd), 0, -EINVAL },
	{ "ssthresh 0", T_F(ssthresh), 0, -EINVAL },
	{ "rcv_nxt at irs", T_F(rcv_nxt), T_PEER_ISS, -EINVAL },
	{ "rcv_adv far ahead", T_F(rcv_adv), 0x7fffffff, -EINVAL },
	{ "last ACK ahead of rcv_nxt", T_F(last_ack_sent), 0x7fffffff,
	  -EINVAL },
	{ "receive buffer 0", T_F(rcv_cap), 0, -EINVAL },
	{ "receive buffer 2 GiB", T_F(rcv_cap), 0x80000000, -EINVAL },
	{ "send buffer 1 byte", T_F(snd_cap), 1, -EINVAL },
	{ "SO_RCVBUF 0", T_F(rcvbuf), 0, -EINVAL },
	{ "SO_SNDBUF 4 GiB", T_F(sndbuf), 0xffffffff, -EINVAL },
	{ "keepalive count 0", T_F(keep_cnt), 0, -EINVAL },
	{ "keepalive idle 40000", T_F(keep_idle), 40000, -EINVAL },
	{ "keepalive interval -1", T_F(keep_intvl), 0xffffffff, -EINVAL },
	{ "linger -1", T_F(linger_sec), 0xffffffff, -EINVAL },
	{ "error -1", T_F(err), 0xffffffff, -EINVAL },
	{ "soft error 5000", T_F(soft_err), 5000, -EINVAL },
	{ "TTL without the flag", T_F(ttl), 9, -EINVAL },
	{ "rto 0", T_F(rto), 0, -EINVAL },
	{ "rto a day", T_F(rto), 86400ULL * CSE_NSEC_PER_SEC, -EINVAL },
	{ "srtt a day", T_F(srtt), 86400ULL * CSE_NSEC_PER_SEC, -EINVAL },
	{ "the remote address is ours", T_F(raddr), T_OUR_IP, -EINVAL },
	{ "a local address not ours", T_F(laddr), 0x0a000009,
	  -EADDRNOTAVAIL },
	{ "no remote address", T_F(raddr), 0, -EINVAL },
	{ "no local port", T_F(lport), 0, -EINVAL },
	{ "no remote port", T_F(rport), 0, -EINVAL },
};

static void t_blob_set(uint8_t *b, size_t off, size_t size, uint64_t val)
{
	uint8_t v8 = (uint8_t)val;
	uint16_t v16 = (uint16_t)val;
	uint32_t v32 = (uint32_t)val;

	if (size == 1)
		memcpy(b + off, &v8, 1);
	else if (size == 2)
		memcpy(b + off, &v16, 2);
	else if (size == 4)
		memcpy(b + off, &v32, 4);
	else
		memcpy(b + off, &val, 8);
}

TEST_F(blob, each_bad_field_draws_its_error)
{
	static uint8_t b[T_BLOB_MAX];
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(t_bads); i++) {
		const struct t_bad *t = &t_bads[i];

		memcpy(b, self->blob, self->len);
		t_blob_set(b, t->off, t->size, t->val);
		if (t_blob_try(_metadata, self, b, self->len) != t->err)
			TH_LOG("%s: not %d", t->what, t->err);
		ASSERT_EQ(t->err, t_blob_try(_metadata, self, b, self->len));
	}
}

/* Flags that contradict the state or each other. */
TEST_F(blob, contradicting_flags_are_rejected)
{
	static const uint32_t adds[] = {
		CSE_TCP_BLOB_FIN_RCVD, CSE_TCP_BLOB_FIN_QUEUED,
		CSE_TCP_BLOB_ECE, CSE_TCP_BLOB_CWR,
	};
	static uint8_t b[T_BLOB_MAX];
	struct cse_tcp_blob h;
	unsigned int i;

	for (i = 0; i < CSE_ARRAY_SIZE(adds); i++) {
		memcpy(b, self->blob, self->len);
		memcpy(&h, b, sizeof(h));
		h.flags = (h.flags | adds[i]) & ~CSE_TCP_BLOB_ECN;
		memcpy(b, &h, sizeof(h));
		ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	}
	/* Scales without window scaling agreed. */
	memcpy(b, self->blob, self->len);
	memcpy(&h, b, sizeof(h));
	h.flags &= ~CSE_TCP_BLOB_WSCALE;
	memcpy(b, &h, sizeof(h));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* Our SYN not acknowledged: no synchronized state. */
	memcpy(&h, self->blob, sizeof(h));
	h.iss = h.snd_una;
	memcpy(b, &h, sizeof(h));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
}

/* The out-of-order records: order, bounds, FIN, reserved bits. */
TEST_F(blob, bad_out_of_order_records_are_rejected)
{
	static uint8_t b[T_BLOB_MAX];
	struct cse_tcp_blob h;
	struct cse_tcp_blob_ooo r[2];
	size_t at, at2;

	memcpy(&h, self->blob, sizeof(h));
	at = sizeof(h) + h.snd_len + h.rcv_len;
	memcpy(&r[0], self->blob + at, sizeof(r[0]));
	at2 = at + sizeof(r[0]) + r[0].len;
	memcpy(&r[1], self->blob + at2, sizeof(r[1]));

	/* Unsorted: the second starts before the first. */
	memcpy(b, self->blob, self->len);
	r[1].seq = r[0].seq - 1;
	memcpy(b + at2, &r[1], sizeof(r[1]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* At rcv_nxt: not out of order at all. */
	memcpy(b, self->blob, self->len);
	r[1].seq = h.rcv_nxt;
	memcpy(b + at, &r[1], 4);
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* Far outside the window. */
	memcpy(b, self->blob, self->len);
	r[1].seq = h.rcv_nxt + 0x40000000;
	memcpy(b + at2, &r[1], 4);
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* A FIN on the first, with the second past it. */
	memcpy(b, self->blob, self->len);
	r[0].flags = CSE_TCP_BLOB_OOO_FIN;
	memcpy(b + at, &r[0], sizeof(r[0]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* Unknown flags, reserved bits. */
	r[0].flags = 2;
	memcpy(b + at, &r[0], sizeof(r[0]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	r[0].flags = 0;
	r[0].reserved = 1;
	memcpy(b + at, &r[0], sizeof(r[0]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	/* Lengths that do not add up. */
	memcpy(b, self->blob, self->len);
	r[0].reserved = 0;
	r[0].len += 1;
	memcpy(b + at, &r[0], sizeof(r[0]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
	r[0].len = 0;
	memcpy(b + at, &r[0], sizeof(r[0]));
	ASSERT_EQ(-EINVAL, t_blob_try(_metadata, self, b, self->len));
}

TEST_F(blob, an_unknown_algorithm_falls_back_to_the_default)
{
	static uint8_t b[T_BLOB_MAX];
	struct cse_tcp_blob h;
	struct cse_sock *s;
	char cc[16] = "";
	socklen_t len = sizeof(cc);

	memcpy(b, self->blob, self->len);
	memcpy(&h, b, sizeof(h));
	strcpy(h.cc_name, "nosuch");
	memcpy(b, &h, sizeof(h));
	ASSERT_EQ(0, cse_tcp_import(self->taker.st, b, self->len, &s));
	ASSERT_EQ(0, cse_getsockopt(s, IPPROTO_TCP, TCP_CONGESTION, cc, &len));
	ASSERT_STREQ("cubic", cc);
	ASSERT_EQ(h.cwnd, cse_tcp_sk(s)->cwnd);
	/* Unterminated, it is no name at all. */
	cse_close(s);
	memset(h.cc_name, 'x', sizeof(h.cc_name));
	memcpy(b, &h, sizeof(h));
	ASSERT_EQ(-EINVAL, cse_tcp_import(self->taker.st, b, self->len, &s));
}

TEST_HARNESS_MAIN
