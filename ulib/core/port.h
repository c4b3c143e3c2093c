/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Port tables: the sockets of one protocol hashed by local port, with
 * Linux's bind-conflict rule, ephemeral port choice and most-specific-match
 * lookup. UDP and TCP each have one.
 */
#ifndef CSE_CORE_PORT_H
#define CSE_CORE_PORT_H

#include <stdbool.h>
#include <stdint.h>

#include "rand.h"
#include "util.h"

#define CSE_PORT_HASH		64
#define CSE_EPHEMERAL_LOW	32768
#define CSE_EPHEMERAL_HIGH	60999

struct cse_sock;

struct cse_port_table {
	struct cse_list hash[CSE_PORT_HASH];
};

void cse_ports_init(struct cse_port_table *t);
struct cse_list *cse_port_bucket(struct cse_port_table *t, uint16_t port);
/* Would @self binding @laddr:@port clash with another socket? */
bool cse_port_used(struct cse_port_table *t, const struct cse_sock *self,
		   uint32_t laddr, uint16_t port);
void cse_port_hash(struct cse_port_table *t, struct cse_sock *s,
		   uint16_t port);
void cse_port_unhash(struct cse_sock *s);
/* Bind @s to a free ephemeral port; -EAGAIN when none is left. */
int cse_port_autobind(struct cse_port_table *t, struct cse_rng *rng,
		      struct cse_sock *s);
/*
 * -1 if @s cannot take a packet from raddr:rport to laddr:lport, else a
 * score: one point per bound field, as Linux's compute_score.
 */
int cse_port_score(const struct cse_sock *s, uint32_t laddr, uint16_t lport,
		   uint32_t raddr, uint16_t rport);
/* The best-scoring socket, or NULL. */
struct cse_sock *cse_port_lookup(struct cse_port_table *t, uint32_t laddr,
				 uint16_t lport, uint32_t raddr,
				 uint16_t rport);

#endif /* CSE_CORE_PORT_H */
