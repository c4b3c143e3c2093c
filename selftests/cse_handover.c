// SPDX-License-Identifier: GPL-2.0
/*
 * Handing a TCP connection over (ABI 1.5, CSE_FEAT_HANDOVER): a taker
 * instance asks for the connection of another instance's socket file with
 * CSE_IOC_SOCK_ADOPT, the owner is told (CSE_EV_SOCK_HANDOVER,
 * CSE_SLOT_HANDOVER) and answers with CSE_IOC_SOCK_HANDOVER, which moves
 * the connection's steering, port hold and reset tracking. Topology:
 * cse_net.h; the peer's segments come from a raw socket in its namespace.
 */
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>

#include "kselftest_harness.h"
#include "cse_net.h"
#include "cse_rxring.h"

#define WANT	(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD | CSE_FEAT_SHARED_PORTS | \
		 CSE_FEAT_HANDOVER)
#define SLOTS	16

/* An instance with socket slots and its EV ring. */
struct ho_inst {
	struct t_inst in;
	struct t_ring ev;
	struct cse_sock_slot *slots;
};

static int ho_open(struct ho_inst *h, const struct t_net *t, __u64 want)
{
	t_attach_req(&h->in.att, t->ifindex);
	h->in.att.sock_entries = SLOTS;
	h->in.att.rx_entries = 256;
	if (t_inst_open_want(&h->in, t, want))
		return -1;
	t_ring(&h->ev, h->in.area, &h->in.att.ev);
	h->slots = (struct cse_sock_slot *)(h->in.area + h->in.att.socks);
	return 0;
}

static uint32_t kflags(const struct ho_inst *h, uint32_t slot)
{
	return __atomic_load_n(&h->slots[slot].kflags, __ATOMIC_ACQUIRE);
}

/* CSE_IOC_SOCKET on @slot: the socket file, or -errno. */
static int sock_new(struct ho_inst *h, uint32_t slot)
{
	struct cse_socket s;

	memset(&s, 0, sizeof(s));
	s.slot = slot;
	s.backing_fd = -1;
	return ioctl(h->in.fd, CSE_IOC_SOCKET, &s) ? -errno : s.fd;
}

/*
 * Wait up to @ms for a CSE_EV_SOCK_HANDOVER (other events are consumed and
 * skipped): 1 with its slot and request id, 0 when none came.
 */
static int wait_handover_event(struct ho_inst *h, int ms, uint32_t *slot,
			       uint32_t *request)
{
	for (;;) {
		while (t_ring_avail(&h->ev)) {
			const struct cse_event *e =
				t_ring_entry(&h->ev, *h->ev.consumer);
			int hit = e->type == CSE_EV_SOCK_HANDOVER;

			if (hit) {
				*slot = e->value;
				*request = e->value2;
			}
			t_ring_release(&h->ev, 1);
			if (hit)
				return 1;
		}
		if (ms <= 0)
			return 0;
		usleep(10000);
		ms -= 10;
	}
}

/* Handover events waiting in the ring, consumed. */
static int count_handover_events(struct ho_inst *h)
{
	uint32_t slot, request;
	int n = 0;

	while (wait_handover_event(h, 0, &slot, &request))
		n++;
	return n;
}

static void adopt_req(struct cse_adopt *a, int fd, void *buf, uint32_t len,
		      uint32_t timeout_ms)
{
	memset(a, 0, sizeof(*a));
	a->fd = fd;
	a->buf = (uintptr_t)buf;
	a->buf_len = len;
	a->timeout_ms = timeout_ms;
}

static int adopt(int fd, struct cse_adopt *a)
{
	return ioctl(fd, CSE_IOC_SOCK_ADOPT, a) ? -errno : 0;
}

/* The owner's answer. */
struct answer {
	struct ho_inst *owner;
	uint32_t slot;
	uint32_t request;	/* 0: the one from the event */
	bool by_scan;		/* find it by CSE_SLOT_HANDOVER, answer 0 */
	int status;
	const void *blob;
	uint32_t blob_len;
	in_addr_t laddr, raddr;
	uint16_t lport, rport;	/* host order */
	int delay_ms;
	/* results */
	int got_event;
	uint32_t ev_slot, ev_request;
	uint32_t flags_seen;
	int ret;
};

static int handover(int fd, const struct answer *an, uint32_t slot,
		    uint32_t request)
{
	struct cse_handover h;

	memset(&h, 0, sizeof(h));
	h.slot = slot;
	h.request = request;
	h.status = an->status;
	if (!an->status) {
		h.blob = (uintptr_t)an->blob;
		h.blob_len = an->blob_len;
		h.laddr = an->laddr;
		h.raddr = an->raddr;
		h.lport = htons(an->lport);
		h.rport = htons(an->rport);
	}
	return ioctl(fd, CSE_IOC_SOCK_HANDOVER, &h) ? -errno : 0;
}

static void answer_scan(struct answer *an)
{
	struct ho_inst *o = an->owner;
	int ms;

	for (ms = 0; ms < 3000; ms += 10) {
		an->flags_seen = kflags(o, an->slot);
		if (an->flags_seen & CSE_SLOT_HANDOVER)
			break;
		usleep(10000);
	}
	an->got_event = !!(an->flags_seen & CSE_SLOT_HANDOVER);
	an->ret = handover(o->in.fd, an, an->slot, 0);
}

static void *answer_thread(void *arg)
{
	struct answer *an = arg;
	struct ho_inst *o = an->owner;

	if (an->by_scan) {
		answer_scan(an);
		return NULL;
	}
	an->got_event = wait_handover_event(o, 3000, &an->ev_slot,
					    &an->ev_request);
	an->flags_seen = kflags(o, an->ev_slot);
	if (an->delay_ms)
		usleep(an->delay_ms * 1000);
	an->ret = handover(o->in.fd, an, an->ev_slot,
			   an->request ? an->request : an->ev_request);
	return NULL;
}

FIXTURE(ho) {
	struct t_net net;
	struct ho_inst owner, taker;
	int sfd;		/* the owner's socket file, slot 0 */
	int lport, rport;	/* the connection's ports (host order) */
	int filter;		/* the owner's connected filter for it */
	int ready;
};

/* The owner's connected filter for lport <- peer:rport (module-made). */
static int owner_conn_filter(FIXTURE_DATA(ho) *self)
{
	struct cse_port p;

	t_port_req(&p, IPPROTO_TCP, self->lport);
	p.flags = CSE_PORT_CONNECTED;
	p.remote_addr = t_addr(&self->net, 2);
	p.remote_port = htons(self->rport);
	return t_reserve(self->owner.in.fd, &p);
}

FIXTURE_SETUP(ho)
{
	self->owner.in.fd = self->taker.in.fd = self->sfd = -1;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	ASSERT_EQ(0, ho_open(&self->owner, &self->net, WANT));
	ASSERT_EQ(0, ho_open(&self->taker, &self->net, WANT));
	self->sfd = sock_new(&self->owner, 0);
	ASSERT_LE(0, self->sfd);
	self->lport = t_port(1);
	self->rport = t_port(2);
	self->filter = owner_conn_filter(self);
	ASSERT_LT(0, self->filter);
	self->ready = 1;
}

FIXTURE_TEARDOWN(ho)
{
	if (self->sfd >= 0)
		close(self->sfd);
	t_inst_close(&self->owner.in);
	t_inst_close(&self->taker.in);
	t_net_down(&self->net);
}

#define HO_READY() do {			\
	if (!self->ready)		\
		return;			\
} while (0)

/* An answer for the fixture's connection. */
static void answer_init(FIXTURE_DATA(ho) *self, struct answer *an,
			const void *blob, uint32_t len)
{
	memset(an, 0, sizeof(*an));
	an->owner = &self->owner;
	an->blob = blob;
	an->blob_len = len;
	an->laddr = t_addr(&self->net, 1);
	an->raddr = t_addr(&self->net, 2);
	an->lport = self->lport;
	an->rport = self->rport;
}

/* From the peer: one TCP ACK from @sport to @dport (no connection there). */
static int raw_segment(const struct t_net *t, int sport, int dport)
{
	return t_peer_tcp_segment(t, sport, dport, 0x10);
}

/* Segments for @dport the instance got within @ms (released). */
static int got(struct ho_inst *h, int dport, int want, int ms)
{
	wait_rx(&h->in, want, ms);
	usleep(50000);
	return drain(&h->in, IPPROTO_TCP, dport, NULL);
}

/* Run ADOPT on the taker while a thread answers as the owner. */
static int adopt_answered(FIXTURE_DATA(ho) *self, struct answer *an,
			  struct cse_adopt *a)
{
	pthread_t th;
	int ret;

	if (pthread_create(&th, NULL, answer_thread, an))
		return -1000;
	ret = adopt(self->taker.in.fd, a);
	pthread_join(th, NULL);
	return ret;
}

TEST(feature_bit_and_minor)
{
	struct cse_hello h;
	int fd;

	memset(&h, 0, sizeof(h));
	if (access(CSE_DEV, F_OK))
		SKIP(return, CSE_DEV " missing: is cse.ko loaded?");
	EXPECT_EQ(5, CSE_ABI_MINOR);
	EXPECT_EQ(0x40ULL, CSE_FEAT_HANDOVER);
	EXPECT_NE(0ULL, CSE_FEATURES_ALL & CSE_FEAT_HANDOVER);
	EXPECT_EQ(10, CSE_EV_SOCK_HANDOVER);
	EXPECT_EQ(64, (int)sizeof(struct cse_adopt));
	EXPECT_EQ(56, (int)sizeof(struct cse_handover));
	fd = cse_open_want(CSE_FEAT_HANDOVER, &h);
	ASSERT_LE(0, fd);
	EXPECT_EQ(5U, h.minor);
	EXPECT_NE(0ULL, h.supported & CSE_FEAT_HANDOVER);
	EXPECT_EQ(CSE_FEAT_HANDOVER, h.features);
	close(fd);
}

TEST_F(ho, adopt_checks_its_arguments)
{
	struct cse_adopt a;
	int p[2], own, plain;
	char buf[16];

	HO_READY();
	ASSERT_EQ(0, pipe(p));
	adopt_req(&a, p[0], buf, sizeof(buf), 100);
	EXPECT_EQ(-ENOTSOCK, adopt(self->taker.in.fd, &a));
	adopt_req(&a, p[0], buf, sizeof(buf), 100);
	close(p[0]);
	close(p[1]);
	EXPECT_EQ(-EBADF, adopt(self->taker.in.fd, &a));
	/* the caller's own instance's socket file */
	own = sock_new(&self->taker, 1);
	ASSERT_LE(0, own);
	adopt_req(&a, own, buf, sizeof(buf), 100);
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	close(own);
	/* flags, pad, reserved and every (k) field must be 0 */
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.flags = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.__pad = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.blob_len = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.laddr = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.rport = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	a.filter = 1;
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	/* no request was posted by any of these */
	EXPECT_EQ(0, count_handover_events(&self->owner));
	EXPECT_EQ(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	/* an instance without the feature, and one not attached */
	plain = cse_open_want(CSE_FEAT_SOCKETS, NULL);
	ASSERT_LE(0, plain);
	adopt_req(&a, self->sfd, buf, sizeof(buf), 100);
	EXPECT_EQ(-EBADFD, adopt(plain, &a));
	close(plain);
	plain = cse_open_want(WANT, NULL);
	ASSERT_LE(0, plain);
	EXPECT_EQ(-EBADFD, adopt(plain, &a));
	close(plain);
	/* the wrong size is a malformed call */
	EXPECT_EQ(-EINVAL, cse_ioctl(self->taker.in.fd,
				     _IOWR(CSE_IOC_MAGIC, 0x0c, __u64), &a));
}

TEST_F(ho, handover_checks_its_arguments)
{
	struct answer an;
	char blob[8] = "blob";

	HO_READY();
	answer_init(self, &an, blob, sizeof(blob));
	EXPECT_EQ(-ENOENT, handover(self->owner.in.fd, &an, 0, 0));
	EXPECT_EQ(-ENOENT, handover(self->owner.in.fd, &an, 0, 12345));
	EXPECT_EQ(-EINVAL, handover(self->owner.in.fd, &an, SLOTS, 0));
	an.status = 1;
	EXPECT_EQ(-EINVAL, handover(self->owner.in.fd, &an, 0, 0));
	an.status = -5000;
	EXPECT_EQ(-EINVAL, handover(self->owner.in.fd, &an, 0, 0));
	an.status = 0;
	an.lport = 0;
	EXPECT_EQ(-EINVAL, handover(self->owner.in.fd, &an, 0, 0));
	an.lport = self->lport;
	an.blob_len = CSE_MAX_HANDOVER_BLOB + 1;
	EXPECT_EQ(-EMSGSIZE, handover(self->owner.in.fd, &an, 0, 0));
}

TEST_F(ho, timeout_withdraws_the_request)
{
	struct cse_adopt a;
	struct answer an;
	uint32_t slot = 99, request = 0;
	char buf[16];
	long t0;

	HO_READY();
	adopt_req(&a, self->sfd, buf, sizeof(buf), 300);
	t0 = time(NULL);
	EXPECT_EQ(-ETIMEDOUT, adopt(self->taker.in.fd, &a));
	EXPECT_GE(2, time(NULL) - t0);
	ASSERT_EQ(1, wait_handover_event(&self->owner, 0, &slot, &request));
	EXPECT_EQ(0U, slot);
	EXPECT_NE(0U, request);
	EXPECT_EQ(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	/* an answer now finds the taker gone: nothing moves */
	answer_init(self, &an, buf, 4);
	EXPECT_EQ(-ECANCELED, handover(self->owner.in.fd, &an, 0, request));
	EXPECT_EQ(-ENOENT, handover(self->owner.in.fd, &an, 0, 0));
	EXPECT_EQ(0, t_release(self->owner.in.fd, self->filter));
}

TEST_F(ho, refusal_errno_reaches_the_taker)
{
	struct cse_adopt a;
	struct answer an;
	char buf[16];

	HO_READY();
	answer_init(self, &an, NULL, 0);
	an.status = -EPERM;
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	EXPECT_EQ(-EPERM, adopt_answered(self, &an, &a));
	EXPECT_EQ(1, an.got_event);
	EXPECT_EQ(0, an.ret);
	EXPECT_EQ(0U, an.ev_slot);
	EXPECT_NE(0U, an.flags_seen & CSE_SLOT_HANDOVER);
	EXPECT_EQ(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	/* refused: the connection is still the owner's */
	EXPECT_EQ(0, t_release(self->owner.in.fd, self->filter));
	EXPECT_EQ(0ULL, t_stats(self->owner.in.fd).handovers_out);
}

TEST_F(ho, emsgsize_then_retry_with_a_bigger_buffer)
{
	char blob[100], buf[128];
	struct cse_adopt a;
	struct answer an;

	HO_READY();
	for (int i = 0; i < (int)sizeof(blob); i++)
		blob[i] = i * 7;
	answer_init(self, &an, blob, sizeof(blob));
	adopt_req(&a, self->sfd, buf, 10, 3000);
	EXPECT_EQ(-EMSGSIZE, adopt_answered(self, &an, &a));
	EXPECT_EQ(0, an.ret);
	EXPECT_EQ(100U, a.blob_len);
	/* a retry that does not zero the (k) field is refused */
	a.buf_len = sizeof(buf);
	EXPECT_EQ(-EINVAL, adopt(self->taker.in.fd, &a));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	EXPECT_EQ(0, adopt(self->taker.in.fd, &a));
	EXPECT_EQ(100U, a.blob_len);
	EXPECT_EQ(0, memcmp(blob, buf, sizeof(blob)));
	EXPECT_EQ(t_addr(&self->net, 1), a.laddr);
	EXPECT_EQ(t_addr(&self->net, 2), a.raddr);
	EXPECT_EQ(htons(self->lport), a.lport);
	EXPECT_EQ(htons(self->rport), a.rport);
	EXPECT_NE(0U, a.filter);
	/* one request, one event */
	EXPECT_EQ(0, count_handover_events(&self->owner));
	EXPECT_EQ(0, t_release(self->taker.in.fd, a.filter));
}

TEST_F(ho, frames_follow_the_connection_and_the_counters_count)
{
	struct cse_adopt a;
	struct answer an;
	char buf[16];

	HO_READY();
	ASSERT_EQ(0, raw_segment(&self->net, self->rport, self->lport));
	EXPECT_EQ(1, got(&self->owner, self->lport, 1, 2000));
	EXPECT_EQ(0, got(&self->taker, self->lport, 1, 50));

	answer_init(self, &an, "state", 5);
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	ASSERT_EQ(0, adopt_answered(self, &an, &a));
	EXPECT_EQ(0, an.ret);
	EXPECT_EQ(5U, a.blob_len);
	EXPECT_EQ(0, memcmp(buf, "state", 5));

	ASSERT_EQ(0, raw_segment(&self->net, self->rport, self->lport));
	EXPECT_EQ(1, got(&self->taker, self->lport, 1, 2000));
	EXPECT_EQ(0, got(&self->owner, self->lport, 1, 50));

	EXPECT_EQ(1ULL, t_stats(self->owner.in.fd).handovers_out);
	EXPECT_EQ(0ULL, t_stats(self->owner.in.fd).handovers_in);
	EXPECT_EQ(1ULL, t_stats(self->taker.in.fd).handovers_in);
	EXPECT_EQ(0ULL, t_stats(self->taker.in.fd).handovers_out);
	/* the owner's filter moved: the taker releases it by its new id */
	EXPECT_EQ(-ENOENT, t_release(self->owner.in.fd, self->filter));
	EXPECT_EQ(0, t_release(self->taker.in.fd, a.filter));
	EXPECT_EQ(-ENOENT, t_release(self->taker.in.fd, a.filter));
	/* and with it the port: a kernel socket may bind it again */
	EXPECT_EQ(0, t_kernel_bind(SOCK_STREAM, self->lport));
	ASSERT_EQ(0, raw_segment(&self->net, self->rport, self->lport));
	EXPECT_EQ(0, got(&self->taker, self->lport, 1, 300));
	EXPECT_EQ(0, got(&self->owner, self->lport, 1, 50));
}

TEST_F(ho, a_listener_connection_gets_a_pin_of_its_own)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ls, lport = t_port(5), other = t_port(6);
	struct cse_adopt a;
	struct answer an;
	struct cse_port p;
	char buf[16];

	HO_READY();
	sin.sin_port = htons(lport);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, ls);
	ASSERT_EQ(0, bind(ls, (struct sockaddr *)&sin, sizeof(sin)));
	ASSERT_EQ(0, listen(ls, 4));
	t_port_req(&p, IPPROTO_TCP, 0);
	p.flags = CSE_PORT_SOCKET;
	p.fd = ls;
	ASSERT_LT(0, t_reserve(self->owner.in.fd, &p));

	answer_init(self, &an, "x", 1);
	an.lport = lport;
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	ASSERT_EQ(0, adopt_answered(self, &an, &a));
	EXPECT_EQ(0, an.ret);
	EXPECT_EQ(htons(lport), a.lport);

	/* the connection's segments go to the taker, the others' stay */
	ASSERT_EQ(0, raw_segment(&self->net, self->rport, lport));
	EXPECT_EQ(1, got(&self->taker, lport, 1, 2000));
	EXPECT_EQ(0, got(&self->owner, lport, 1, 50));
	ASSERT_EQ(0, raw_segment(&self->net, other, lport));
	EXPECT_EQ(1, got(&self->owner, lport, 1, 2000));
	EXPECT_EQ(0, got(&self->taker, lport, 1, 50));
	/* the pin holds the listening socket: closing ours changes nothing */
	close(ls);
	ASSERT_EQ(0, raw_segment(&self->net, self->rport, lport));
	EXPECT_EQ(1, got(&self->taker, lport, 1, 2000));
	EXPECT_EQ(0, t_release(self->taker.in.fd, a.filter));
}

TEST_F(ho, a_tuple_the_owner_does_not_steer_is_not_moved)
{
	struct cse_adopt a;
	struct answer an;
	char buf[16];

	HO_READY();
	answer_init(self, &an, "x", 1);
	an.rport = self->rport + 1;
	adopt_req(&a, self->sfd, buf, sizeof(buf), 500);
	EXPECT_EQ(-ETIMEDOUT, adopt_answered(self, &an, &a));
	EXPECT_EQ(-ENOENT, an.ret);
}

TEST_F(ho, answer_zero_finds_the_request_by_slot)
{
	struct cse_adopt a;
	struct answer an;
	char buf[16];

	HO_READY();
	answer_init(self, &an, "zero", 4);
	an.by_scan = true;
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	EXPECT_EQ(0, adopt_answered(self, &an, &a));
	EXPECT_EQ(1, an.got_event);
	EXPECT_EQ(0, an.ret);
	EXPECT_EQ(0, memcmp(buf, "zero", 4));
	EXPECT_EQ(0, t_release(self->taker.in.fd, a.filter));
}

/* Close the owner once its request shows. */
static void *close_owner_thread(void *arg)
{
	struct ho_inst *o = arg;
	uint32_t slot, request;

	wait_handover_event(o, 3000, &slot, &request);
	t_inst_close(&o->in);
	return NULL;
}

TEST_F(ho, owner_death_fails_a_waiting_taker)
{
	struct cse_adopt a;
	pthread_t th;
	char buf[16];

	HO_READY();
	adopt_req(&a, self->sfd, buf, sizeof(buf), 5000);
	ASSERT_EQ(0, pthread_create(&th, NULL, close_owner_thread,
				    &self->owner));
	EXPECT_EQ(-ECONNREFUSED, adopt(self->taker.in.fd, &a));
	pthread_join(th, NULL);
	/* and a dead owner refuses at once */
	adopt_req(&a, self->sfd, buf, sizeof(buf), 5000);
	EXPECT_EQ(-ECONNREFUSED, adopt(self->taker.in.fd, &a));
}

TEST_F(ho, taker_death_cancels)
{
	uint32_t slot, request;
	struct answer an;
	int status;
	pid_t pid;

	HO_READY();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct ho_inst t2;
		struct cse_adopt a;
		char buf[16];

		if (ho_open(&t2, &self->net, WANT))
			_exit(2);
		adopt_req(&a, self->sfd, buf, sizeof(buf), 10000);
		adopt(t2.in.fd, &a);
		_exit(1);
	}
	ASSERT_EQ(1, wait_handover_event(&self->owner, 5000, &slot, &request));
	EXPECT_NE(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	/* the request went with its taker: nothing moves */
	EXPECT_EQ(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	answer_init(self, &an, "x", 1);
	EXPECT_EQ(-ECANCELED, handover(self->owner.in.fd, &an, 0, request));
	EXPECT_EQ(0, t_release(self->owner.in.fd, self->filter));
}

/* The owner's SYN from its port to the peer's, through its TX ring. */
static int owner_syn(FIXTURE_DATA(ho) *self)
{
	struct t_inst *in = &self->owner.in;
	uint8_t *f = t_tx_buf(in, 0), *th = f + 34;
	uint32_t n = t_build_ip(f, &self->net, in->att.mac, IPPROTO_TCP, 20);

	memset(th, 0, 20);
	th[0] = self->lport >> 8;
	th[1] = self->lport & 0xff;
	th[2] = self->rport >> 8;
	th[3] = self->rport & 0xff;
	th[6] = 0x13;		/* seq 5000 */
	th[7] = 0x88;
	th[12] = 5 << 4;
	th[13] = 0x02;		/* SYN */
	th[14] = th[15] = 0xff;
	t_fix_checksums(f);
	t_tx_publish(in, &n, 1);
	return t_kick(in->fd);
}

/*
 * In a child: let go of the fixture's instances, whose files its copies of
 * the descriptors and mappings would keep alive.
 */
static void drop_instances(FIXTURE_DATA(ho) *self)
{
	t_inst_close(&self->owner.in);
	t_inst_close(&self->taker.in);
	close(self->sfd);
}

/* A listener on @port in the peer's namespace for @ms: its pid. */
static pid_t peer_listen(FIXTURE_DATA(ho) *self, int port, int ms)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int ready, ls;
	pid_t pid = t_in_peer_sync(&self->net, &ready);

	if (pid)
		return pid;
	drop_instances(self);
	sin.sin_port = htons(port);
	ls = socket(AF_INET, SOCK_STREAM, 0);
	if (bind(ls, (struct sockaddr *)&sin, sizeof(sin)) || listen(ls, 4) ||
	    write(ready, "r", 1) != 1)
		_exit(1);
	usleep(ms * 1000);
	_exit(0);
}

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Is @seg a RST from 10.77.X.1:@sport to @dport? */
static int is_rst(const struct t_net *t, const uint8_t *seg, ssize_t len,
		  int sport, int dport)
{
	const struct iphdr *ip = (const void *)seg;
	const uint8_t *th = seg + ip->ihl * 4;

	return len >= ip->ihl * 4 + 20 && ip->saddr == t_addr(t, 1) &&
	       (th[0] << 8 | th[1]) == sport && (th[2] << 8 | th[3]) == dport &&
	       (th[13] & 0x04);
}

/*
 * Watch, in the peer's namespace, for a RST from 10.77.X.1:@sport to
 * @dport for @ms: its pid once it watches; it exits with 0 when one came.
 */
static pid_t peer_rst_watch(FIXTURE_DATA(ho) *self, int sport, int dport,
			    int ms)
{
	struct timeval tv = { .tv_usec = 50000 };
	const struct t_net *t = &self->net;
	uint8_t buf[2048];
	long long end;
	int ready, s;
	pid_t pid = t_in_peer_sync(t, &ready);
	ssize_t n;

	if (pid)
		return pid;
	drop_instances(self);
	s = socket(AF_INET, SOCK_RAW, IPPROTO_TCP);
	if (s < 0 || setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    write(ready, "r", 1) != 1)
		_exit(2);
	for (end = now_ms() + ms; now_ms() < end;) {
		n = recv(s, buf, sizeof(buf), 0);
		if (n > 0 && is_rst(t, buf, n, sport, dport))
			_exit(0);
	}
	_exit(1);
}

TEST_F(ho, reset_at_death_moves_with_the_connection)
{
	struct cse_adopt a;
	struct answer an;
	pid_t lis, w;
	char buf[16];

	HO_READY();
	lis = peer_listen(self, self->rport, 10000);
	ASSERT_LT(0, lis);
	/* the owner opens the connection: the module tracks it */
	ASSERT_EQ(1, owner_syn(self));
	usleep(100000);
	answer_init(self, &an, "x", 1);
	adopt_req(&a, self->sfd, buf, sizeof(buf), 3000);
	ASSERT_EQ(0, adopt_answered(self, &an, &a));
	/* the owner's death resets nothing: the flow is not its own any more */
	w = peer_rst_watch(self, self->lport, self->rport, 700);
	ASSERT_LT(0, w);
	t_inst_close(&self->owner.in);
	EXPECT_EQ(1, t_wait(w));
	/* the taker's does */
	w = peer_rst_watch(self, self->lport, self->rport, 3000);
	ASSERT_LT(0, w);
	t_inst_close(&self->taker.in);
	EXPECT_EQ(0, t_wait(w));
	kill(lis, SIGKILL);
	t_wait(lis);
}

static void on_alarm(int sig)
{
}

/* SIGALRM after @ms, without SA_RESTART. */
static void alarm_in(int ms)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value.tv_usec = ms * 1000 };

	sigaction(SIGALRM, &sa, NULL);
	setitimer(ITIMER_REAL, &it, NULL);
}

TEST_F(ho, eintr_leaves_the_request_for_a_retry_to_join)
{
	uint32_t slot, request;
	struct cse_adopt a;
	struct answer an;
	char buf[16];

	HO_READY();
	adopt_req(&a, self->sfd, buf, sizeof(buf), 5000);
	alarm_in(200);
	EXPECT_EQ(-EINTR, adopt(self->taker.in.fd, &a));
	ASSERT_EQ(1, wait_handover_event(&self->owner, 0, &slot, &request));
	EXPECT_NE(0U, kflags(&self->owner, 0) & CSE_SLOT_HANDOVER);
	/* a retry joins the same request: no second event */
	adopt_req(&a, self->sfd, buf, sizeof(buf), 5000);
	alarm_in(200);
	EXPECT_EQ(-EINTR, adopt(self->taker.in.fd, &a));
	EXPECT_EQ(0, count_handover_events(&self->owner));
	/* the taker still waits: the answer moves the connection */
	answer_init(self, &an, "late", 4);
	EXPECT_EQ(0, handover(self->owner.in.fd, &an, slot, request));
	adopt_req(&a, self->sfd, buf, sizeof(buf), 5000);
	EXPECT_EQ(0, adopt(self->taker.in.fd, &a));
	EXPECT_EQ(0, memcmp(buf, "late", 4));
	EXPECT_EQ(0, t_release(self->taker.in.fd, a.filter));
}

/* A taker's CSE_IOC_SOCK_ADOPT in a thread. */
struct taker_call {
	int fd;
	struct cse_adopt a;
	char buf[16];
	int ret;
};

static void *taker_thread(void *arg)
{
	struct taker_call *tc = arg;

	tc->ret = adopt(tc->fd, &tc->a);
	return NULL;
}

TEST_F(ho, a_second_taker_finds_the_slot_busy)
{
	uint32_t slot, request;
	struct taker_call tc;
	struct cse_adopt b;
	struct ho_inst t2;
	struct answer an;
	pthread_t th;
	char buf[16];

	HO_READY();
	ASSERT_EQ(0, ho_open(&t2, &self->net, WANT));
	tc.fd = self->taker.in.fd;
	adopt_req(&tc.a, self->sfd, tc.buf, sizeof(tc.buf), 5000);
	ASSERT_EQ(0, pthread_create(&th, NULL, taker_thread, &tc));
	ASSERT_EQ(1, wait_handover_event(&self->owner, 3000, &slot, &request));
	adopt_req(&b, self->sfd, buf, sizeof(buf), 5000);
	EXPECT_EQ(-EBUSY, adopt(t2.in.fd, &b));
	answer_init(self, &an, NULL, 0);
	an.status = -ENOENT;
	EXPECT_EQ(0, handover(self->owner.in.fd, &an, slot, request));
	pthread_join(th, NULL);
	EXPECT_EQ(-ENOENT, tc.ret);
	t_inst_close(&t2.in);
}

TEST_HARNESS_MAIN
