// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded fuzzer of cse.ko's own: random ioctls (known and unknown numbers,
 * sizes, directions, flags, reserved bytes, pointers), mmap() and munmap()
 * with random lengths and offsets, and random scribbles over the rings'
 * indices and entries and the socket slots, socket files created, polled,
 * waited on, woken, duplicated and closed (also after their instance), and
 * ports held by the fuzzer's own sockets, from several threads on several
 * instances while the peer floods the fuzzed ports with traffic. It passes when every call
 * returns (any result is fine), every instance is released at the end, and
 * the kernel logged nothing (tools/vm/suite checks dmesg).
 *
 *   CSE_FUZZ_SEED=n     seed (default 1): each thread's sequence of calls is
 *                       a function of it
 *   CSE_FUZZ_CALLS=n    calls in all threads together (default 20000)
 *   CSE_FUZZ_THREADS=n  threads (default 4)
 *
 * For example, a million calls with seed 7 in the VM:
 *   CSE_FUZZ_SEED=7 CSE_FUZZ_CALLS=1000000 tools/vm/run -- \
 *           build/selftests/cse_fuzz
 */
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>

#include "kselftest_harness.h"
#include "cse_net.h"

#define FZ_SLOTS	3
#define FZ_PORTS	16
#define FZ_SOCKS	8	/* socket files a thread keeps */
#define FZ_OPS		24

struct fz_slot {
	int fd;
	uint8_t *map;
	size_t len;
	struct cse_attach att;
	int attached;
};

struct fz {
	struct t_net net;
	uint64_t seed;
	long calls;
	int threads;
	int port_base;
	int efd;
	int udp;		/* a bound UDP socket: backing, held port */
	int fds[16][FZ_SLOTS];	/* every thread's fds, read racily */
	long ops[32];
	long attached;	/* successful attaches */
	long mapped;	/* areas mapped and scribbled over */
	long socks;	/* socket files made */
	long claims;	/* addresses claimed */
};

struct fz_thread {
	struct fz *fz;
	int id;
	uint64_t rng;
	struct fz_slot slot[FZ_SLOTS];
	int socks[FZ_SOCKS];	/* socket files, maybe of closed instances */
	uint8_t buf[512];
};

static uint64_t rnd(struct fz_thread *t)
{
	/* xorshift64* */
	t->rng ^= t->rng >> 12;
	t->rng ^= t->rng << 25;
	t->rng ^= t->rng >> 27;
	return t->rng * 0x2545F4914F6CDD1DULL;
}

static uint32_t pick(struct fz_thread *t, uint32_t n)
{
	return rnd(t) % n;
}

static void fill(struct fz_thread *t, void *p, size_t len)
{
	uint8_t *b = p;

	for (size_t i = 0; i < len; i++)
		b[i] = rnd(t);
}

/* A value that is often interesting: 0, 1, powers of two, limits, random. */
static uint32_t some_u32(struct fz_thread *t)
{
	switch (pick(t, 6)) {
	case 0:
		return 0;
	case 1:
		return 1U << pick(t, 32);
	case 2:
		return (1U << pick(t, 32)) - 1;
	case 3:
		return ~0U;
	default:
		return rnd(t);
	}
}

static int some_ifindex(struct fz_thread *t)
{
	switch (pick(t, 5)) {
	case 0:
		return 1;
	case 1:
		return some_u32(t);
	default:
		return t->fz->net.ifindex;
	}
}

static void fz_unmap(struct fz_slot *s)
{
	if (s->map)
		munmap(s->map, s->len);
	s->map = NULL;
}

static void fz_close(struct fz_thread *t, int i)
{
	struct fz_slot *s = &t->slot[i];

	fz_unmap(s);
	if (s->fd >= 0) {
		__atomic_store_n(&t->fz->fds[t->id][i], -1, __ATOMIC_RELAXED);
		close(s->fd);
	}
	s->fd = -1;
	s->attached = 0;
}

static void op_open(struct fz_thread *t, struct fz_slot *s, int i)
{
	if (s->fd >= 0)
		fz_close(t, i);
	s->fd = cse_open();
	__atomic_store_n(&t->fz->fds[t->id][i], s->fd, __ATOMIC_RELAXED);
}

static void op_hello(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_hello h;

	cse_hello_req(&h);
	h.want = pick(t, 4) ? CSE_FEATURES_ALL : 0;
	if (pick(t, 4) == 0)
		fill(t, &h, sizeof(h));
	else if (pick(t, 3) == 0)
		h.want = rnd(t);
	ioctl(s->fd, CSE_IOC_HELLO, &h);
}

static void op_attach(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_attach r;

	t_attach_req(&r, some_ifindex(t));
	r.rx_entries = 2U << pick(t, 8);
	r.tx_entries = 2U << pick(t, 8);
	r.ev_entries = 2U << pick(t, 6);
	r.frame_size = 2048U << pick(t, 2);
	r.sock_entries = pick(t, 4) ? 1U << pick(t, 7) : 0;
	switch (pick(t, 7)) {
	case 0:
		fill(t, &r, sizeof(r));
		break;
	case 1:
		r.rx_entries = some_u32(t);
		break;
	case 2:
		r.frame_size = some_u32(t);
		break;
	case 3:
		((uint8_t *)&r)[pick(t, sizeof(r))] ^= 1 << pick(t, 8);
		break;
	case 4:
		r.sock_entries = some_u32(t);
		break;
	}
	if (!ioctl(s->fd, CSE_IOC_ATTACH, &r)) {
		s->att = r;
		s->attached = 1;
		__atomic_fetch_add(&t->fz->attached, 1, __ATOMIC_RELAXED);
	}
}

static void op_mmap(struct fz_thread *t, struct fz_slot *s)
{
	size_t len = s->attached ? s->att.mmap_size : 4096;
	off_t off = 0;
	int flags = MAP_SHARED;
	void *p;

	switch (pick(t, 5)) {
	case 0:
		len = (size_t)pick(t, 64) * 4096;
		break;
	case 1:
		off = (off_t)pick(t, 16) * 4096;
		break;
	case 2:
		flags = MAP_PRIVATE;
		break;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags, s->fd, off);
	if (p == MAP_FAILED)
		return;
	if (s->map || !s->attached || len != s->att.mmap_size) {
		munmap(p, len);
		return;
	}
	s->map = p;
	s->len = len;
	__atomic_fetch_add(&t->fz->mapped, 1, __ATOMIC_RELAXED);
}

/* Garbage into the shared area: indices, entries, frames. */
static void op_scribble(struct fz_thread *t, struct fz_slot *s)
{
	const struct cse_ring_offsets *rings[3] = {
		&s->att.rx, &s->att.tx, &s->att.ev
	};
	const struct cse_ring_offsets *o = rings[pick(t, 3)];
	struct cse_desc *d;
	uint32_t *w;

	if (!s->map)
		return;
	if (s->att.sock_entries && !pick(t, 4)) {
		/* a socket slot: its mask, or the module's own flags */
		struct cse_sock_slot *sl = (struct cse_sock_slot *)
			(s->map + s->att.socks) + pick(t, s->att.sock_entries);

		if (pick(t, 3))
			sl->mask = pick(t, 2) ? 1U << pick(t, 14) : some_u32(t);
		else
			sl->kflags = some_u32(t);
		return;
	}
	switch (pick(t, 5)) {
	case 0:
		w = (uint32_t *)(s->map + o->producer);
		*w = pick(t, 2) ? *w + pick(t, 2 * o->entries) : some_u32(t);
		break;
	case 1:
		w = (uint32_t *)(s->map + o->consumer);
		*w = pick(t, 2) ? *w + pick(t, 2 * o->entries) : some_u32(t);
		break;
	case 2:
		*(uint32_t *)(s->map + o->flags) = some_u32(t);
		break;
	case 3:
		/* a TX entry: sometimes sane, sometimes not */
		d = (struct cse_desc *)(s->map + s->att.tx.desc) +
		    pick(t, s->att.tx.entries);
		d->addr = pick(t, 2) ? s->att.tx_frames +
			  (uint64_t)pick(t, s->att.tx.entries) * s->att.frame_size +
			  pick(t, 64) : rnd(t);
		d->len = pick(t, 2) ? pick(t, s->att.frame_size + 64) : some_u32(t);
		d->flags = pick(t, 4) ? 0 : some_u32(t);
		break;
	default:
		fill(t, s->map + s->att.tx_frames +
			(uint64_t)pick(t, s->att.tx.entries) * s->att.frame_size,
		     64);
		break;
	}
}

static void op_port(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_port p;

	if (pick(t, 3) == 0) {
		memset(&p, 0, sizeof(p));
		p.id = pick(t, 3) ? pick(t, 24) : some_u32(t);
		ioctl(s->fd, CSE_IOC_PORT_RELEASE, &p);
		return;
	}
	t_port_req(&p, pick(t, 2) ? IPPROTO_UDP : IPPROTO_TCP,
		   pick(t, 4) ? t->fz->port_base + pick(t, FZ_PORTS) : 0);
	switch (pick(t, 8)) {
	case 6:
	case 7:
		/* held by a socket of ours, or by some descriptor */
		p.flags = CSE_PORT_SOCKET | (pick(t, 4) ? 0 : CSE_PORT_CONNECTED);
		p.local_port = 0;
		p.fd = pick(t, 2) ? t->fz->udp : (int)pick(t, 64);
		if (p.flags & CSE_PORT_CONNECTED) {
			p.remote_addr = t_addr(&t->fz->net, 2);
			p.remote_port = htons(9000);
		}
		break;
	case 0:
		fill(t, &p, sizeof(p));
		break;
	case 1:
		p.flags = CSE_PORT_CONNECTED;
		p.remote_addr = t_addr(&t->fz->net, 2);
		p.remote_port = htons(pick(t, 4) + 9000);
		break;
	case 2:
		p.local_addr = t_addr(&t->fz->net, pick(t, 3));
		break;
	}
	ioctl(s->fd, CSE_IOC_PORT_RESERVE, &p);
}

/*
 * Claim an address of the instance's own: mostly a few addresses of the
 * subnet that instances race for, sometimes with a MAC, sometimes junk.
 */
static void op_addr(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_addr a;

	memset(&a, 0, sizeof(a));
	a.addr = t_addr(&t->fz->net, 3 + pick(t, 4));
	a.prefix_len = pick(t, 4) ? 24 : pick(t, 40);
	if (pick(t, 3) == 0) {
		a.flags = CSE_ADDR_MAC;
		a.mac[0] = pick(t, 4) ? 0x02 : pick(t, 256);
		a.mac[5] = pick(t, 4);
	}
	switch (pick(t, 6)) {
	case 0:
		fill(t, &a, sizeof(a));
		break;
	case 1:
		((uint8_t *)&a)[pick(t, sizeof(a))] ^= 1 << pick(t, 8);
		break;
	case 2:
		a.addr = (in_addr_t)some_u32(t);
		break;
	}
	if (!ioctl(s->fd, CSE_IOC_ADDR_CLAIM, &a))
		__atomic_fetch_add(&t->fz->claims, 1, __ATOMIC_RELAXED);
}

/* A descriptor worth passing as a backing socket. */
static int some_fd(struct fz_thread *t)
{
	switch (pick(t, 4)) {
	case 0:
		return -1;
	case 1:
		return t->fz->udp;
	case 2:
		return t->socks[pick(t, FZ_SOCKS)];
	default:
		return (int)some_u32(t);
	}
}

static void op_socket(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_socket req;
	int i = pick(t, FZ_SOCKS);

	/* socket files need an attached instance: often make one */
	if (!s->attached && pick(t, 2)) {
		op_hello(t, s);
		op_attach(t, s);
	}
	memset(&req, 0, sizeof(req));
	req.slot = pick(t, 8) ? pick(t, s->att.sock_entries + 2) : some_u32(t);
	req.backing_fd = some_fd(t);
	req.flags = pick(t, 8) ? pick(t, CSE_SOCKET_FLAGS_ALL + 1) : some_u32(t);
	if (!pick(t, 8))
		fill(t, &req, sizeof(req));
	if (ioctl(s->fd, CSE_IOC_SOCKET, &req))
		return;
	__atomic_fetch_add(&t->fz->socks, 1, __ATOMIC_RELAXED);
	if (t->socks[i] >= 0)
		close(t->socks[i]);
	t->socks[i] = req.fd;
}

static void op_sock_wake(struct fz_thread *t, struct fz_slot *s)
{
	uint32_t slots[64];
	struct cse_sock_wake w;

	for (unsigned int i = 0; i < 64; i++)
		slots[i] = pick(t, 8) ? pick(t, s->att.sock_entries + 1) :
			   some_u32(t);
	memset(&w, 0, sizeof(w));
	w.slots = (uintptr_t)slots;
	w.count = 1 + pick(t, 64);
	switch (pick(t, 8)) {
	case 0:
		fill(t, &w, sizeof(w));
		break;
	case 1:
		w.slots = pick(t, 2) ? 0 : rnd(t);
		break;
	case 2:
		w.count = some_u32(t);
		break;
	}
	ioctl(s->fd, CSE_IOC_SOCK_WAKE, &w);
}

/*
 * Ask for the connection of one of the thread's socket files (of this
 * instance, another, or a dead one), waiting a few milliseconds at most.
 */
static void op_adopt(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_adopt a;

	memset(&a, 0, sizeof(a));
	a.fd = pick(t, 8) ? t->socks[pick(t, FZ_SOCKS)] : (int)some_u32(t);
	a.buf = (uintptr_t)t->buf;
	a.buf_len = pick(t, 4) ? sizeof(t->buf) : pick(t, 16);
	if (!pick(t, 8))
		fill(t, &a, sizeof(a));
	else if (!pick(t, 8))
		((uint8_t *)&a)[pick(t, sizeof(a))] ^= 1 << pick(t, 8);
	a.timeout_ms = 1 + pick(t, 20);
	ioctl(s->fd, CSE_IOC_SOCK_ADOPT, &a);
}

/* Answer whatever request there may be, with junk now and then. */
static void op_handover(struct fz_thread *t, struct fz_slot *s)
{
	struct cse_handover h;

	memset(&h, 0, sizeof(h));
	h.slot = pick(t, 8) ? pick(t, s->att.sock_entries + 1) : some_u32(t);
	h.request = pick(t, 2) ? 0 : pick(t, 4) ? pick(t, 64) : some_u32(t);
	switch (pick(t, 4)) {
	case 0:
		h.status = -(int)pick(t, 200);
		break;
	case 1:
		h.status = (int)some_u32(t);
		break;
	default:
		h.blob = (uintptr_t)t->buf;
		h.blob_len = pick(t, 8) ? pick(t, sizeof(t->buf)) : some_u32(t);
		h.laddr = t_addr(&t->fz->net, 1);
		h.raddr = t_addr(&t->fz->net, 2);
		h.lport = htons(t->fz->port_base + pick(t, FZ_PORTS));
		h.rport = htons(pick(t, 4) + 9000);
		break;
	}
	if (!pick(t, 8))
		fill(t, &h, sizeof(h));
	if (h.blob_len > sizeof(t->buf) && h.blob_len <= CSE_MAX_HANDOVER_BLOB)
		h.blob = pick(t, 2) ? 0 : rnd(t);	/* EFAULT, never a read */
	ioctl(s->fd, CSE_IOC_SOCK_HANDOVER, &h);
}

/* On a socket file: poll, wait briefly, dup, close, or any ioctl. */
static void op_sock_file(struct fz_thread *t)
{
	int i = pick(t, FZ_SOCKS), fd = t->socks[i], d;
	struct cse_sock_wait w;
	struct pollfd pfd;

	if (fd < 0)
		return;
	switch (pick(t, 6)) {
	case 0:
		pfd.fd = fd;
		pfd.events = some_u32(t);
		poll(&pfd, 1, pick(t, 2));
		break;
	case 1:
		memset(&w, 0, sizeof(w));
		w.events = pick(t, 2) ? POLLIN : some_u32(t);
		w.timeout_ns = pick(t, 1000000);
		if (pick(t, 2))
			w.flags = CSE_SOCK_WAIT_RINGS;
		if (!pick(t, 8))
			fill(t, &w, sizeof(w));
		if (w.timeout_ns < 0 || w.timeout_ns > 1000000)
			w.timeout_ns = pick(t, 2) - 2;	/* EINVAL or 0 */
		ioctl(fd, CSE_SOCK_IOC_WAIT, &w);
		break;
	case 2:
		d = dup(fd);
		if (d >= 0)
			close(d);
		break;
	case 3:
		close(fd);
		t->socks[i] = -1;
		break;
	default:
		fill(t, t->buf, sizeof(t->buf));
		ioctl(fd, _IOC(pick(t, 4), CSE_IOC_MAGIC,
			       pick(t, 2) ? 0x40 : pick(t, 14), pick(t, 64)),
		      t->buf);
		break;
	}
}

/* Any ioctl number of our magic, any size and direction, any pointer. */
static void op_raw_ioctl(struct fz_thread *t, int fd)
{
	unsigned long cmd = _IOC(pick(t, 4), CSE_IOC_MAGIC, pick(t, 14),
				 pick(t, 3) ? pick(t, 300) : 0);
	void *arg;

	switch (pick(t, 4)) {
	case 0:
		arg = NULL;
		break;
	case 1:
		arg = (void *)(uintptr_t)(4096 * (1 + pick(t, 16)));
		break;
	default:
		fill(t, t->buf, sizeof(t->buf));
		if (pick(t, 2))
			memset(t->buf, 0, sizeof(t->buf));
		arg = t->buf;
		break;
	}
	if (_IOC_NR(cmd) == _IOC_NR(CSE_IOC_TX_KICK) && pick(t, 2))
		cmd = CSE_IOC_TX_KICK;
	ioctl(fd, cmd, arg);
}

static void fz_op(struct fz_thread *t)
{
	int i = pick(t, FZ_SLOTS), op = pick(t, FZ_OPS);
	struct fz_slot *s = &t->slot[i];
	struct cse_stats st;
	struct cse_eventfd e;
	struct pollfd pfd;
	int other;

	if (s->fd < 0 && op != 0)
		op = 0;
	switch (op) {
	case 0:
		op_open(t, s, i);
		break;
	case 1:
		if (!pick(t, 4))
			fz_close(t, i);
		else
			fz_unmap(s);
		break;
	case 2:
		op_hello(t, s);
		break;
	case 3:
		op_attach(t, s);
		break;
	case 4:
		op_mmap(t, s);
		break;
	case 5:
	case 6:
		op_scribble(t, s);
		break;
	case 7:
	case 8:
		ioctl(s->fd, CSE_IOC_TX_KICK, pick(t, 8) ? 0 : some_u32(t));
		break;
	case 9:
		op_port(t, s);
		break;
	case 10:
		memset(&st, 0, sizeof(st));
		if (!pick(t, 4))
			fill(t, &st, sizeof(st));
		ioctl(s->fd, CSE_IOC_GET_STATS, &st);
		break;
	case 11:
		memset(&e, 0, sizeof(e));
		e.fd = pick(t, 3) ? t->fz->efd : pick(t, 2) ? -1 : (int)some_u32(t);
		if (!pick(t, 5))
			fill(t, &e, sizeof(e));
		ioctl(s->fd, CSE_IOC_SET_EVENTFD, &e);
		break;
	case 12:
	case 13:
		op_raw_ioctl(t, s->fd);
		break;
	case 14:
		pfd.fd = s->fd;
		pfd.events = POLLIN | POLLOUT;
		poll(&pfd, 1, 0);
		break;
	case 16:
	case 19:
		op_socket(t, s);
		break;
	case 17:
		op_sock_wake(t, s);
		break;
	case 18:
		op_sock_file(t);
		break;
	case 21:
		op_addr(t, s);
		break;
	case 22:
		op_adopt(t, s);
		break;
	case 23:
		op_handover(t, s);
		break;
	default:
		/* another thread's instance, racing with it */
		other = __atomic_load_n(&t->fz->fds[pick(t, t->fz->threads)]
					[pick(t, FZ_SLOTS)], __ATOMIC_RELAXED);
		if (other >= 0)
			ioctl(other, pick(t, 2) ? CSE_IOC_TX_KICK :
			      CSE_IOC_GET_STATS, pick(t, 2) ? 0 : (long)t->buf);
		break;
	}
	__atomic_fetch_add(&t->fz->ops[op], 1, __ATOMIC_RELAXED);
}

static void *fz_thread_main(void *arg)
{
	struct fz_thread *t = arg;
	long n = t->fz->calls / t->fz->threads;

	for (int i = 0; i < FZ_SLOTS; i++)
		t->slot[i].fd = -1;
	for (int i = 0; i < FZ_SOCKS; i++)
		t->socks[i] = -1;
	for (long c = 0; c < n; c++)
		fz_op(t);
	for (int i = 0; i < FZ_SLOTS; i++)
		fz_close(t, i);
	for (int i = 0; i < FZ_SOCKS; i++) {
		if (t->socks[i] >= 0)
			close(t->socks[i]);
	}
	return NULL;
}

static long env_or(const char *name, long def)
{
	const char *v = getenv(name);

	return v && *v ? strtol(v, NULL, 0) : def;
}

/* The harness's 30 s default would cut long runs short. */
FIXTURE(fuzz) {
	int unused;
};

FIXTURE_SETUP(fuzz)
{
}

FIXTURE_TEARDOWN(fuzz)
{
}

TEST_F_TIMEOUT(fuzz, ioctls_mmap_and_rings, 24 * 3600)
{
	static struct fz fz;
	struct sockaddr_in sin;
	struct fz_thread *th;
	pthread_t tid[16];
	long refs, total = 0;
	pid_t flood;

	T_NEED_NET();
	fz.seed = env_or("CSE_FUZZ_SEED", 1);
	fz.calls = env_or("CSE_FUZZ_CALLS", 20000);
	fz.threads = env_or("CSE_FUZZ_THREADS", 4);
	ASSERT_LE(1, fz.threads);
	ASSERT_GE(16, fz.threads);
	ASSERT_EQ(0, t_net_up(&fz.net));
	fz.port_base = t_port(0);
	fz.efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, fz.efd);
	fz.udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ASSERT_LE(0, fz.udp);
	sin = t_sin(&fz.net, 1, fz.port_base + FZ_PORTS);
	ASSERT_EQ(0, bind(fz.udp, (struct sockaddr *)&sin, sizeof(sin)));
	memset(fz.fds, 0xff, sizeof(fz.fds));
	refs = cse_module_refs();
	TH_LOG("seed %llu, %ld calls, %d threads", (unsigned long long)fz.seed,
	       fz.calls, fz.threads);

	/* the peer's stack floods every fuzzed port meanwhile */
	flood = t_in_peer(&fz.net);
	ASSERT_LE(0, flood);
	if (!flood) {
		for (uint32_t i = 0;; i++)
			t_peer_udp(&fz.net, 0, fz.port_base + i % FZ_PORTS,
				   "fuzz", 4);
	}

	th = calloc(fz.threads, sizeof(*th));
	ASSERT_NE(NULL, th);
	for (int i = 0; i < fz.threads; i++) {
		th[i].fz = &fz;
		th[i].id = i;
		th[i].rng = (fz.seed + 1) * 0x9E3779B97F4A7C15ULL ^ (i + 1);
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, fz_thread_main, &th[i]));
	}
	for (int i = 0; i < fz.threads; i++)
		pthread_join(tid[i], NULL);
	kill(flood, SIGKILL);
	waitpid(flood, NULL, 0);
	for (int i = 0; i < 32; i++)
		total += fz.ops[i];
	TH_LOG("%ld calls made, %ld attaches, %ld areas mapped, %ld socket files, %ld addresses claimed",
	       total, fz.attached, fz.mapped, fz.socks, fz.claims);
	EXPECT_EQ(fz.calls / fz.threads * fz.threads, total);
	/* the fuzzer reached the data path, not only the argument checks */
	if (fz.calls >= 20000) {
		EXPECT_LT(10, fz.attached);
		EXPECT_LT(10, fz.mapped);
		EXPECT_LT(10, fz.socks);
		EXPECT_LT(10, fz.claims);
	}
	/* every instance was released: the module is as before */
	EXPECT_EQ(refs, cse_module_refs());
	close(fz.efd);
	close(fz.udp);
	free(th);
	t_net_down(&fz.net);
}

TEST_HARNESS_MAIN
