// SPDX-License-Identifier: GPL-2.0
/*
 * Bringing the instance up, the lock discipline around stack calls, and
 * the progress thread that runs the stack while the application does not.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "../dev/uapi.h"

#include "../dev/hello.h"
#include "ident.h"
#include "inst.h"
#include "real.h"
#include "serve.h"
#include "sleep.h"
#include "socktab.h"
#include "usock.h"

#define CSE_RX_BUDGET		64	/* frames per ring pass */
#define CSE_RX_PASSES		8	/* passes before timers get a turn */
#define CSE_WAKE_BATCH		128	/* slots per CSE_IOC_SOCK_WAKE */
#define CSE_DEFAULT_SLOTS	4096
#define CSE_DEFAULT_MEM		(256U << 20)

struct cse_inst cse_inst = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.dev = { .fd = -1 },
	.nudge_fd = -1,
	.mirror = { .fd = -1 },
};

/* Which slots are on the changed list already. */
static uint8_t *cse_slot_pending;

/* In a forked child: the parent's instance is not ours to run. */
void cse_inst_abandon(void)
{
	cse_inst.active = false;
	cse_inst.st = NULL;		/* the parent's; never freed here */
	cse_area_detach(&cse_inst.area);
	cse_fd_set_private(cse_inst.dev.fd, false);
	cse_dev_close(&cse_inst.dev);
	cse_fd_set_private(cse_inst.nudge_fd, false);
	cse_real.close(cse_inst.nudge_fd);
	cse_inst.nudge_fd = -1;
	cse_sleep_abandon();
	cse_rtmirror_close(&cse_inst.mirror);
	free(cse_inst.by_slot);
	free(cse_inst.free_slots);
	free(cse_inst.changed);
	free(cse_slot_pending);
	cse_inst.by_slot = NULL;
	cse_inst.free_slots = NULL;
	cse_inst.changed = NULL;
	cse_slot_pending = NULL;
	cse_inst.nslots = cse_inst.nfree = cse_inst.nchanged = 0;
	cse_socktab_forget();
	cse_inst.dead_ports = NULL;	/* the parent gives them back */
	cse_inst.waits = cse_inst.busy_hits = cse_inst.sleeps = 0;
}

uint64_t cse_inst_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * CSE_NSEC_PER_SEC + ts.tv_nsec;
}

static uint64_t cse_inst_clock(void *priv)
{
	(void)priv;
	return cse_inst_now_ns();
}

void cse_inst_lock(void)
{
	pthread_mutex_lock(&cse_inst.lock);
}

static void cse_inst_wake(const uint32_t *slots, uint32_t n)
{
	struct cse_sock_wake w = {
		.slots = (uintptr_t)slots,
		.count = n,
	};

	if (n)
		cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_SOCK_WAKE, &w);
}

/*
 * The slots whose mask changed and that somebody sleeps on. The fence pairs
 * with the module's barrier between setting CSE_SLOT_SLEEPING and reading
 * the mask: either we see the flag here or the sleeper sees the new mask.
 */
static uint32_t cse_inst_collect_wakes(uint32_t *out, uint32_t max)
{
	uint32_t n = 0;

	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	while (cse_inst.nchanged && n < max) {
		uint32_t slot = cse_inst.changed[--cse_inst.nchanged];
		struct cse_sock_slot *ss = cse_area_slot(&cse_inst.area, slot);

		cse_slot_pending[slot] = 0;
		if (__atomic_load_n(&ss->kflags, __ATOMIC_RELAXED) &
		    CSE_SLOT_SLEEPING)
			out[n++] = slot;
	}
	return n;
}

static void cse_inst_nudge_progress(void)
{
	uint64_t next = cse_stack_next_timer(cse_inst.st), one = 1;

	if (next < __atomic_load_n(&cse_inst.progress_deadline,
				   __ATOMIC_RELAXED))
		if (cse_real.write(cse_inst.nudge_fd, &one, sizeof(one)) < 0)
			return;	/* already nudged: the counter is non-zero */
}

/* After the flush: their sockets' last frames were checked and sent. */
static void cse_inst_release_ports(void)
{
	struct cse_uport *p;

	while ((p = cse_inst.dead_ports)) {
		cse_inst.dead_ports = p->next_dead;
		cse_uport_release(p);
	}
}

void cse_inst_unlock(void)
{
	uint32_t wake[CSE_WAKE_BATCH], n;

	/* A forked child before its own instance: nothing to flush. */
	if (!cse_inst.st) {
		pthread_mutex_unlock(&cse_inst.lock);
		return;
	}
	cse_ring_link_flush(&cse_inst.link);
	cse_inst_release_ports();
	n = cse_inst_collect_wakes(wake, CSE_WAKE_BATCH);
	/* A flood of changes: wake the overflow under the lock, rarely. */
	while (cse_inst.nchanged) {
		cse_inst_wake(wake, n);
		n = cse_inst_collect_wakes(wake, CSE_WAKE_BATCH);
	}
	cse_inst_nudge_progress();
	pthread_mutex_unlock(&cse_inst.lock);
	cse_inst_wake(wake, n);
}

void cse_inst_publish(uint32_t slot, unsigned int mask)
{
	struct cse_sock_slot *ss = cse_area_slot(&cse_inst.area, slot);
	unsigned int old = __atomic_load_n(&ss->mask, __ATOMIC_RELAXED);

	__atomic_store_n(&ss->mask, mask, __ATOMIC_RELEASE);
	if (((mask & ~old) || mask == old) && !cse_slot_pending[slot]) {
		cse_slot_pending[slot] = 1;
		cse_inst.changed[cse_inst.nchanged++] = slot;
	}
}

int cse_inst_slot_get(uint32_t *slot)
{
	if (!cse_inst.nfree)
		return -ENFILE;
	*slot = cse_inst.free_slots[--cse_inst.nfree];
	return 0;
}

void cse_inst_slot_put(uint32_t slot)
{
	cse_inst.free_slots[cse_inst.nfree++] = slot;
}

/* After lost events: every slot whose file went, as its event would say. */
static void cse_inst_scan_released(void)
{
	uint32_t i;

	for (i = 0; i < cse_inst.nslots; i++) {
		struct cse_sock_slot *ss = cse_area_slot(&cse_inst.area, i);

		if (cse_inst.by_slot[i] &&
		    (__atomic_load_n(&ss->kflags, __ATOMIC_ACQUIRE) &
		     CSE_SLOT_RELEASED))
			cse_usock_released(i);
	}
}

/*
 * The device is gone: as the kernel flushes its routes, the stack loses
 * its own, so sends fail with ENETUNREACH and connections end with the
 * routing error when their retries run out; new sockets are the kernel's.
 * The mirror takes back every route it gave the stack and gives no more
 * (an index the kernel may give a new device is not ours).
 */
static void cse_inst_device_gone(void)
{
	cse_inst.active = false;
	cse_inst.mirror.view.gone = true;
	cse_rtview_sync(&cse_inst.mirror.view);
	cse_route_del(cse_inst.st, cse_netcfg_subnet(&cse_inst.net),
		      cse_inst.net.prefix_len);
}

static void cse_inst_event(const struct cse_event *ev, void *arg)
{
	(void)arg;
	switch (ev->type) {
	case CSE_EV_SOCK_RELEASED:
		cse_usock_released(ev->value);
		break;
	case CSE_EV_SOCK_HANDOVER:
		cse_handover_answer(ev->value, ev->value2);
		break;
	case CSE_EV_OVERFLOW:
		cse_inst_scan_released();
		cse_handover_scan();
		break;
	case CSE_EV_MTU:
		/* As after a path-MTU message: segments shrink to fit. */
		cse_stack_set_mtu(cse_inst.st, ev->value);
		break;
	case CSE_EV_UNREGISTER:
		cse_inst_device_gone();
		break;
	case CSE_EV_ADDR_DEL:
		/* Our address went: new sockets are the kernel's to refuse. */
		if (ev->value == cse_inst.net.addr.s_addr)
			cse_inst.active = false;
		break;
	default:
		/*
		 * Up, down, carrier, a new address: the kernel's sockets see
		 * nothing of them either; the ring link keeps its state.
		 */
		break;
	}
}

void cse_inst_service(void)
{
	unsigned int pass;

	cse_ring_link_events(&cse_inst.link, cse_inst_event, NULL);
	for (pass = 0; pass < CSE_RX_PASSES; pass++)
		if (cse_ring_link_rx(&cse_inst.link, cse_inst.st,
				     CSE_RX_BUDGET) < CSE_RX_BUDGET)
			break;
	cse_stack_run_timers(cse_inst.st);
}

static int cse_inst_timeout_ms(uint64_t deadline)
{
	uint64_t now = cse_inst_now_ns(), ms;

	if (deadline == UINT64_MAX)
		return -1;
	if (deadline <= now)
		return 0;
	ms = (deadline - now + CSE_NSEC_PER_MSEC - 1) / CSE_NSEC_PER_MSEC;
	return ms > 60000 ? 60000 : (int)ms;
}

static void *cse_inst_progress(void *arg)
{
	struct pollfd pfd[3] = {
		{ .fd = cse_inst.dev.fd, .events = POLLIN },
		{ .fd = cse_inst.nudge_fd, .events = POLLIN },
		/* Negative when the mirror is not running: poll skips it. */
		{ .fd = cse_inst.mirror.fd, .events = POLLIN },
	};
	uint64_t deadline, count;

	(void)arg;
	for (;;) {
		cse_inst_lock();
		/* Notifications (or an overflow, POLLERR) first: routes. */
		if (pfd[2].revents)
			cse_rtmirror_read(&cse_inst.mirror);
		cse_inst_service();
		deadline = cse_socktab_tick(cse_stack_next_timer(cse_inst.st));
		__atomic_store_n(&cse_inst.progress_deadline, deadline,
				 __ATOMIC_RELAXED);
		cse_inst_unlock();
		pfd[2].revents = 0;
		if (poll(pfd, 3, cse_inst_timeout_ms(deadline)) < 0 &&
		    errno != EINTR)
			return NULL;
		if (pfd[1].revents & POLLIN &&
		    cse_real.read(cse_inst.nudge_fd, &count, sizeof(count)) < 0)
			continue;
	}
	return NULL;
}

/* A descriptor of the library's own, out of the application's way. */
int cse_inst_hide_fd(int fd)
{
	int high = cse_real.fcntl(fd, F_DUPFD_CLOEXEC, CSE_FD_FLOOR);

	if (high < 0)
		return fd;
	cse_real.close(fd);
	return high;
}

static unsigned int cse_env_uint(const char *name, unsigned int dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long n;

	if (!v || !*v)
		return dflt;
	n = strtoul(v, &end, 0);
	return *end || n > UINT32_MAX ? dflt : (unsigned int)n;
}

static uint32_t cse_pow2_at_least(uint32_t n)
{
	uint32_t p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

static int cse_inst_attach(char *why, size_t why_len)
{
	const struct cse_hello *h = &cse_inst.dev.hello;
	struct cse_area_req req = {
		.ifindex = cse_inst.net.ifindex,
		.rx_entries = 1024,
		.tx_entries = 1024,
		.ev_entries = 256,
		.frame_size = 2048,
		.sock_entries = cse_pow2_at_least(cse_inst.max_sockets),
		.flags = h->features & CSE_FEAT_SOCK_INFO ?
			 CSE_ATTACH_SOCK_INFO : 0,
	};
	int err;

	if (req.rx_entries > h->max_ring_entries)
		req.rx_entries = req.tx_entries = h->max_ring_entries;
	if (req.frame_size < h->min_frame_size)
		req.frame_size = h->min_frame_size;
	if (req.sock_entries > CSE_MAX_SOCK_ENTRIES)
		req.sock_entries = CSE_MAX_SOCK_ENTRIES;
	err = cse_area_attach(cse_inst.dev.fd, &req, &cse_inst.area);
	if (err)
		snprintf(why, why_len, "cannot attach to %s: %s",
			 cse_inst.net.ifname, strerror(-err));
	return err;
}

static int cse_inst_slots_init(void)
{
	uint32_t n = cse_inst.area.geo.sock_entries, i;

	cse_inst.by_slot = calloc(n, sizeof(*cse_inst.by_slot));
	cse_inst.free_slots = calloc(n, sizeof(*cse_inst.free_slots));
	cse_inst.changed = calloc(n, sizeof(*cse_inst.changed));
	cse_slot_pending = calloc(n, 1);
	if (!cse_inst.by_slot || !cse_inst.free_slots || !cse_inst.changed ||
	    !cse_slot_pending)
		return -ENOMEM;
	cse_inst.nslots = n;
	/* Hand out low slots first: the table's hot part stays small. */
	for (i = 0; i < n; i++)
		cse_inst.free_slots[i] = n - 1 - i;
	cse_inst.nfree = n;
	return 0;
}

static int cse_inst_stack(void)
{
	struct cse_stack_config cfg;

	cse_stack_config_defaults(&cfg);
	cfg.link = cse_ring_link_link(&cse_inst.link);
	cfg.clock.now_ns = cse_inst_clock;
	cfg.addr = cse_inst.net.addr;
	cfg.prefix_len = cse_inst.net.prefix_len;
	cfg.gateway = cse_inst.net.gateway;
	cfg.mem_limit = (size_t)cse_inst.mem_mb << 20;
	if (getrandom(&cfg.seed, sizeof(cfg.seed), GRND_NONBLOCK) !=
	    sizeof(cfg.seed))
		cfg.seed = cse_inst_now_ns() ^ (uint64_t)getpid() << 32;
	return cse_stack_create(&cfg, &cse_inst.st);
}

static int cse_inst_start_progress(void)
{
	sigset_t all, old;
	int err;

	cse_inst.progress_deadline = UINT64_MAX;
	cse_inst.nudge_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (cse_inst.nudge_fd < 0)
		return -errno;
	cse_inst.nudge_fd = cse_inst_hide_fd(cse_inst.nudge_fd);
	cse_fd_set_private(cse_inst.nudge_fd, true);
	/* Signals are the application's threads' business, never ours. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	err = pthread_create(&cse_inst.progress, NULL, cse_inst_progress,
			     NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -err;
}

/*
 * The process is exiting (exit(), not a signal): close what the
 * application left open, as the kernel will close its descriptors, and
 * give the stack a bounded time to deliver what is still queued and to
 * have its FINs acknowledged: the kernel keeps orphaned sockets sending
 * after their process is gone, and the peer must not lose the tail.
 */
/* The module's counters of the instance (what crossed the rings). */
static void cse_inst_report_module(void)
{
	struct cse_dev_stats ds = { 0 };
	char line[512];
	int n;

	if (cse_real.ioctl(cse_inst.dev.fd, CSE_IOC_GET_STATS, &ds))
		return;
	n = snprintf(line, sizeof(line),
		     "libcse: pid %d instance %u: rx_frames=%llu rx_bytes=%llu rx_dropped=%llu tx_frames=%llu tx_bytes=%llu tx_rejected=%llu tx_errors=%llu events=%llu\n",
		     getpid(), cse_inst.dev.hello.instance_id,
		     (unsigned long long)ds.rx_frames,
		     (unsigned long long)ds.rx_bytes,
		     (unsigned long long)ds.rx_dropped,
		     (unsigned long long)ds.tx_frames,
		     (unsigned long long)ds.tx_bytes,
		     (unsigned long long)ds.tx_rejected,
		     (unsigned long long)ds.tx_errors,
		     (unsigned long long)ds.ev_events);
	if (n > 0 && cse_real.write(STDERR_FILENO, line, n) < 0)
		return;
	n = snprintf(line, sizeof(line),
		     "libcse: pid %d library: waits=%llu busy_poll_hits=%llu sleeps=%llu (CSE_BUSY_POLL_US=%u)\n",
		     getpid(), (unsigned long long)cse_inst.waits,
		     (unsigned long long)cse_inst.busy_hits,
		     (unsigned long long)cse_inst.sleeps, cse_inst.busy_poll_us);
	if (n > 0 && cse_real.write(STDERR_FILENO, line, n) < 0)
		return;
	n = snprintf(line, sizeof(line), "libcse: pid %d ", getpid());
	if (cse_inst.mirror.fd < 0)
		n += snprintf(line + n, sizeof(line) - n, "rtmirror: off");
	else
		n += cse_rtmirror_report(&cse_inst.mirror, line + n,
					 sizeof(line) - n);
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (cse_real.write(STDERR_FILENO, line, n) < 0)
		return;
}

/*
 * CSE_STATS=1: at exit, the stack's non-zero counters on stderr, one line,
 * so a user (and the tests) can see the stack carried the traffic.
 */
static void cse_inst_report(void)
{
	const struct cse_stats *s = cse_stack_stats(cse_inst.st);
	char line[4096];
	size_t n = 0;

	if (!cse_inst.report)
		return;
	n = snprintf(line, sizeof(line), "libcse: pid %d counters:", getpid());
#define CSE_STAT_SAY(name)						\
	if (s->name && n < sizeof(line))				\
		n += snprintf(line + n, sizeof(line) - n, " " #name "=%llu", \
			      (unsigned long long)s->name);
	CSE_STATS(CSE_STAT_SAY)
#undef CSE_STAT_SAY
	if (n >= sizeof(line) - 1)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (cse_real.write(STDERR_FILENO, line, n) < 0)
		return;
	cse_inst_report_module();
}

/*
 * The lock at exit: _exit() may come from a signal handler that
 * interrupted the holder, this very thread perhaps, so it waits a little
 * and then goes without.
 */
static bool cse_inst_exit_lock(bool patient)
{
	struct timespec until;

	if (patient) {
		cse_inst_lock();
		return true;
	}
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += CSE_EXIT_LOCK_WAIT_MS * CSE_NSEC_PER_MSEC;
	if (until.tv_nsec >= (long)CSE_NSEC_PER_SEC) {
		until.tv_sec++;
		until.tv_nsec -= CSE_NSEC_PER_SEC;
	}
	return !pthread_mutex_timedlock(&cse_inst.lock, &until);
}

void cse_inst_exit(bool patient)
{
	uint64_t until;
	uint32_t i;

	/* Not in a forked child: the instance is the parent's. */
	if (!cse_inst.st || getpid() != cse_inst.pid ||
	    !cse_inst_exit_lock(patient))
		return;
	if (cse_inst.exited) {
		cse_inst_unlock();
		return;
	}
	cse_inst.exited = true;
	cse_inst.active = false;
	for (i = 0; i < cse_inst.nslots; i++) {
		struct cse_usock *u = cse_inst.by_slot[i];

		if (u && u->sk) {
			cse_close(u->sk);
			u->sk = NULL;
			u->state = CSE_US_KERNEL;	/* nothing to serve now */
		}
	}
	until = cse_inst_now_ns() + cse_inst.linger_ms * CSE_NSEC_PER_MSEC;
	/* Nothing can leave through a device that is gone. */
	while (!cse_inst.link.gone && cse_stack_unfinished(cse_inst.st) &&
	       cse_inst_now_ns() < until) {
		cse_inst_unlock();
		nanosleep(&(struct timespec){ .tv_nsec = 1000000 }, NULL);
		cse_inst_lock();
	}
	cse_inst_report();
	cse_inst_unlock();
}

/*
 * The settings, read once at start: servers rebuild the environment of
 * their workers (nginx keeps only TZ), and the settings must hold in each
 * process, forked children's instances too.
 */
static void cse_inst_settings(void)
{
	const char *path = getenv("CSE_DEVICE");
	const char *stats = getenv("CSE_STATS");

	snprintf(cse_inst.dev_path, sizeof(cse_inst.dev_path), "%s",
		 path && *path ? path : "/dev/" CSE_DEVICE_NAME);
	cse_inst.max_sockets = cse_env_uint("CSE_MAX_SOCKETS",
					    CSE_DEFAULT_SLOTS);
	cse_inst.mem_mb = cse_env_uint("CSE_MEM_MB", CSE_DEFAULT_MEM >> 20);
	cse_inst.busy_poll_us = cse_env_uint("CSE_BUSY_POLL_US", 0);
	cse_inst.linger_ms = cse_env_uint("CSE_EXIT_LINGER_MS", 10000);
	cse_inst.report = stats && !strcmp(stats, "1");
}

/*
 * On an open device: check what it offers, attach, and start the stack and
 * its progress thread. On failure the device is closed again.
 */
static int cse_inst_build(char *why, size_t why_len)
{
	int err;

	if ((cse_inst.dev.hello.features & CSE_LIB_FEATURES) !=
	    CSE_LIB_FEATURES) {
		snprintf(why, why_len, "%s does not offer socket files (ABI %u.%u)",
			 cse_inst.dev_path, cse_inst.dev.hello.major,
			 cse_inst.dev.hello.minor);
		cse_dev_close(&cse_inst.dev);
		return -EOPNOTSUPP;
	}
	err = cse_inst_attach(why, why_len);
	if (err) {
		cse_dev_close(&cse_inst.dev);
		return err;
	}
	err = cse_ident_claim(cse_inst.dev.fd, &cse_inst.net, why, why_len);
	if (err) {
		cse_area_detach(&cse_inst.area);
		cse_dev_close(&cse_inst.dev);
		return err;
	}
	err = cse_ring_link_init(&cse_inst.link, &cse_inst.area);
	if (!err && cse_ident.has_mac)
		memcpy(cse_inst.link.mac, cse_ident.mac, sizeof(cse_ident.mac));
	if (!err)
		cse_fd_set_private(cse_inst.dev.fd, true);
	if (!err)
		err = cse_inst_slots_init();
	if (!err)
		err = cse_inst_stack();
	/* Without the mirror the instance runs on what netcfg read. */
	if (!err)
		cse_rtmirror_open(&cse_inst.mirror, &cse_inst.net, cse_inst.st,
				  cse_inst_hide_fd);
	if (!err)
		err = cse_inst_start_progress();
	/* Without it, sleepers in epoll_wait() are woken the slower way. */
	if (!err)
		cse_sleep_init();
	if (err) {
		snprintf(why, why_len, "cannot start the stack: %s",
			 strerror(-err));
		/* The area and the device go; the half-built rest is leaked
		 * (a few allocations), never used. */
		cse_rtmirror_close(&cse_inst.mirror);
		cse_area_detach(&cse_inst.area);
		cse_fd_set_private(cse_inst.dev.fd, false);
		cse_dev_close(&cse_inst.dev);
		return err;
	}
	cse_inst.active = true;
	return 0;
}

static int cse_inst_start_up(char *why, size_t why_len)
{
	int err;

	cse_real_init();
	cse_inst.pid = getpid();
	cse_inst_settings();
	err = cse_ident_settings(why, why_len);
	if (err)
		return err;
	/* The module first: its absence is what a user most needs to hear. */
	err = cse_dev_open(&cse_inst.dev, cse_inst.dev_path, CSE_FD_FLOOR,
			   why, why_len);
	if (err)
		return err;
	err = cse_netcfg_load(&cse_inst.net, getenv("CSE_IFNAME"), why,
			      why_len);
	if (!err)
		err = cse_fdtab_init();
	if (err) {
		cse_dev_close(&cse_inst.dev);
		return err;
	}
	err = cse_inst_build(why, why_len);
	if (err)
		return err;
	cse_fork_init();
	return 0;
}

int cse_inst_start(char *why, size_t why_len)
{
	int err = cse_inst_start_up(why, why_len);

	/* An application that asked for an identity never runs without. */
	if (err)
		cse_ident_fail(err);
	return err;
}

/*
 * A forked child's own instance, made at its first need (fork.c): a
 * child that never opens a socket (a background save) costs nothing.
 * Locked; the child runs one thread until the progress thread starts.
 */
int cse_inst_restart(void)
{
	char why[300], line[400];
	int err, n;

	cse_inst.lazy = false;
	err = cse_dev_open(&cse_inst.dev, cse_inst.dev_path, CSE_FD_FLOOR,
			   why, sizeof(why));
	if (!err)
		err = cse_inst_build(why, sizeof(why));
	if (!err)
		return 0;
	cse_ident_fail(err);
	/* As at start-up: one line, and the kernel serves the child. */
	n = snprintf(line, sizeof(line),
		     "libcse: pid %d: %s; using the kernel's network stack\n",
		     getpid(), why);
	if (n > 0 && cse_real.write(STDERR_FILENO, line,
				    (size_t)n < sizeof(line) ? (size_t)n :
				    sizeof(line) - 1) < 0)
		return err;
	return err;
}
