/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The socket table (uapi/linux/cse.h, "The socket table"): the library
 * describes each served socket in the record of its slot, so that tools
 * ("csectl sockets") can list the process's sockets through cse.ko without
 * asking the process. Records are rewritten when a socket is installed,
 * when its readiness (and so, mostly, its state) changes, and by the
 * progress thread every CSE_SOCKTAB_PERIOD_MS for what changed since
 * (queues, RTT). All calls need the instance lock; without a table (an
 * older module) they do nothing.
 */
#ifndef CSE_SERVE_SOCKTAB_H
#define CSE_SERVE_SOCKTAB_H

#include <stdbool.h>
#include <stdint.h>

struct cse_usock;

#define CSE_SOCKTAB_PERIOD_MS	100

/* @u, served now in its slot, gets its record. */
void cse_socktab_add(struct cse_usock *u);
/* @u's readiness changed: rewrite its record if its state did. */
void cse_socktab_changed(struct cse_usock *u);
/* Descriptor @fd now names (@named) or no longer names served @u. */
void cse_socktab_fd(struct cse_usock *u, int fd, bool named);
/* @slot's socket is gone: its record says so. */
void cse_socktab_remove(uint32_t slot);
/* A forked child: the parent's table is not the child's (fork.c). */
void cse_socktab_forget(void);
/*
 * The progress thread's turn: refresh what changed when the period is
 * over. Returns the earlier of @deadline and the next refresh.
 */
uint64_t cse_socktab_tick(uint64_t deadline);

#endif /* CSE_SERVE_SOCKTAB_H */
