/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tuples whose segments are dropped silently instead of drawing an RST,
 * while a connection moves between stacks (handover.h): on the taker
 * before the import (an expectation, cse_tcp_expect()), on the owner
 * after the commit (the flow may still reach it for a moment). Each entry
 * lasts CSE_TCP_HOLD_NS of the stack's clock; the table is bounded.
 */
#ifndef CSE_CORE_TCP_HOLD_H
#define CSE_CORE_TCP_HOLD_H

#include <stdbool.h>
#include <stdint.h>

struct cse_stack;

#define CSE_TCP_HOLD_MAX	4096
#define CSE_TCP_HOLD_NS		(30ULL * 1000000000ULL)

enum cse_tcp_hold_kind {
	CSE_TCP_HOLD_EXPECT,		/* counted in tcp_expect_drop */
	CSE_TCP_HOLD_MOVED,		/* counted in tcp_moved_drop */
};

struct cse_tcp_hold_ent {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	uint8_t kind;			/* enum cse_tcp_hold_kind */
	uint64_t expires;
};

struct cse_tcp_holds {
	struct cse_tcp_hold_ent *ent;	/* unordered, grown on demand */
	unsigned int n, cap;
};

/*
 * Hold the tuple (host byte order) as @kind; an entry there already is
 * replaced when @replace, else -EEXIST. -ENOBUFS when the table is full.
 */
int cse_tcp_hold_add(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		     uint32_t raddr, uint16_t rport,
		     enum cse_tcp_hold_kind kind, bool replace);
void cse_tcp_hold_del(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		      uint32_t raddr, uint16_t rport);
/*
 * A segment for the tuple found no connection: if it is held, count it
 * and return true (the caller drops it without an RST).
 */
bool cse_tcp_hold_drop(struct cse_stack *st, uint32_t laddr, uint16_t lport,
		       uint32_t raddr, uint16_t rport);
void cse_tcp_hold_free(struct cse_stack *st);
/* Has a TCP connection (not a listener, not CLOSED) exactly this tuple? */
bool cse_tcp_tuple_used(struct cse_stack *st, uint32_t laddr, uint16_t lport,
			uint32_t raddr, uint16_t rport);

#endif /* CSE_CORE_TCP_HOLD_H */
