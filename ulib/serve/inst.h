/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The process's instance: the device handle, the shared area and its ring
 * link, the stack that runs on it, and the lock that serialises the stack.
 *
 * Locking: one mutex, cse_inst.lock, guards the stack, the socket objects,
 * the slot allocator and the descriptor table's contents. Application
 * threads take it for the length of one stack call, never while they sleep;
 * the progress thread takes it to run the stack when frames, events or
 * timers are due. cse_inst_unlock() is where the work of a call leaves the
 * process: it sends what the call queued, publishes readiness and wakes the
 * kernel-side sleepers of the sockets whose readiness changed.
 */
#ifndef CSE_SERVE_INST_H
#define CSE_SERVE_INST_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/stack.h"
#include "../dev/area.h"
#include "../dev/dev.h"
#include "../link/ring.h"
#include "netcfg.h"
#include "rtmirror.h"

struct cse_usock;

/* The library's own descriptors sit at or above this, out of the way. */
#define CSE_FD_FLOOR	900

struct cse_inst {
	pthread_mutex_t lock;
	bool active;			/* sockets may be served */
	bool lazy;			/* a forked child: cse_inst_restart() */
	bool exited;			/* cse_inst_exit() ran */
	pid_t pid;			/* the process that owns it */
	struct cse_dev dev;
	struct cse_area area;
	struct cse_ring_link link;
	struct cse_stack *st;
	struct cse_netcfg net;
	struct cse_rtmirror mirror;	/* keeps @net and the stack current */

	/* Socket slots: which usock has each, and the free ones. */
	uint32_t nslots;
	struct cse_usock **by_slot;
	uint32_t *free_slots;
	uint32_t nfree;

	/* Slots with news for their sleepers during this lock hold. */
	uint32_t *changed;
	uint32_t nchanged;

	/* Ports nobody uses any more, released after the next flush. */
	struct cse_uport *dead_ports;

	/* The progress thread. */
	pthread_t progress;
	int nudge_fd;			/* eventfd: recompute your deadline */
	uint64_t progress_deadline;	/* when it wakes by itself (atomic) */
	unsigned int busy_poll_us;	/* CSE_BUSY_POLL_US */
	unsigned int linger_ms;		/* CSE_EXIT_LINGER_MS */
	bool report;			/* CSE_STATS=1 */
	unsigned int max_sockets;	/* CSE_MAX_SOCKETS */
	unsigned int mem_mb;		/* CSE_MEM_MB */
	char dev_path[256];		/* CSE_DEVICE */
	/* What blocking calls did (CSE_STATS=1 reports them). Locked. */
	uint64_t waits;			/* a call had to wait */
	uint64_t busy_hits;		/* ...and busy polling ended it */
	uint64_t sleeps;		/* ...or it slept in the kernel */
};

extern struct cse_inst cse_inst;

/*
 * Bring the instance up: device, handshake, attach, stack, progress
 * thread. On failure returns -errno with one line in @why; the process is
 * then served by the kernel.
 */
int cse_inst_start(char *why, size_t why_len);
/*
 * At exit() (@patient) or _exit(): close the application's sockets and
 * let them drain, once. _exit() gives up on a lock it cannot have within
 * CSE_EXIT_LOCK_WAIT_MS.
 */
#define CSE_EXIT_LOCK_WAIT_MS	100
void cse_inst_exit(bool patient);
/*
 * In a child after fork(): the instance is the parent's. Drop the child's
 * references to it (descriptors, mapping, slot arrays); its stack stays
 * in memory as the fork copied it, never run again.
 */
void cse_inst_abandon(void);
/* The child's own instance (fork.c makes it at the first need); locked. */
int cse_inst_restart(void);
/* fork.c: register the fork handlers, once. */
void cse_fork_init(void);

void cse_inst_lock(void);
/* Flush, publish, wake, then unlock (see the locking note above). */
void cse_inst_unlock(void);

/* Run the stack on what is waiting (frames, events, timers); locked. */
void cse_inst_service(void);

/* Slots: take a free one (-ENFILE when none is left) and give it back. */
int cse_inst_slot_get(uint32_t *slot);
void cse_inst_slot_put(uint32_t slot);

/*
 * Publish @mask for @slot. Its sleepers are woken at unlock when the mask
 * gained a bit, or when it is the same mask again (the stack says so on
 * each arrival of data), as Linux wakes them; never when it only lost
 * bits, which nobody waits for. Locked.
 */
void cse_inst_publish(uint32_t slot, unsigned int mask);

uint64_t cse_inst_now_ns(void);

/* Move @fd, a descriptor of the library's own, out of the application's
 * way (at or above CSE_FD_FLOOR, close-on-exec); the descriptor to use. */
int cse_inst_hide_fd(int fd);

#endif /* CSE_SERVE_INST_H */
