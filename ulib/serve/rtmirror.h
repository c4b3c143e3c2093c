/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rtnetlink mirror: one NETLINK_ROUTE socket, a descriptor of the
 * library's own (above CSE_FD_FLOOR, closed in a fork child), that reads
 * the host's IPv4 addresses, its main table's IPv4 routes and the served
 * device's neighbours at start-up, then follows RTNLGRP_IPV4_IFADDR,
 * RTNLGRP_IPV4_ROUTE and RTNLGRP_NEIGH. The progress thread polls it and
 * applies what arrives under the instance lock (rtview.c). When the
 * socket overflowed (ENOBUFS: notifications were lost), everything is
 * read again.
 */
#ifndef CSE_SERVE_RTMIRROR_H
#define CSE_SERVE_RTMIRROR_H

#include <stddef.h>
#include <stdint.h>

#include "rtview.h"

struct cse_rtmirror {
	int fd;			/* -1 when not running */
	int err;		/* why not: -errno from the start */
	uint32_t seq;		/* of the last dump request */
	bool intr;		/* a dump saw the tables change under it */
	char *buf;		/* one datagram */
	struct cse_rtview view;
};

/*
 * Open the socket, join the groups and read everything. @hide moves a
 * new descriptor out of the application's way. Returns 0 or -errno (the
 * instance then runs on what netcfg read at start).
 */
int cse_rtmirror_open(struct cse_rtmirror *m, struct cse_netcfg *net,
		      struct cse_stack *st, int (*hide)(int fd));

/* The progress thread saw the socket readable: apply what came. Locked. */
void cse_rtmirror_read(struct cse_rtmirror *m);

/* Read everything again (after lost notifications). Locked. */
int cse_rtmirror_resync(struct cse_rtmirror *m);

/* A fork child: the parent's socket and state are not its own. */
void cse_rtmirror_close(struct cse_rtmirror *m);

/* One line of what the mirror did, for CSE_STATS=1. */
int cse_rtmirror_report(const struct cse_rtmirror *m, char *line,
			size_t len);

#endif /* CSE_SERVE_RTMIRROR_H */
