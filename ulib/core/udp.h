/* SPDX-License-Identifier: GPL-2.0 */
/* UDP (RFC 768) over the socket layer. */
#ifndef CSE_CORE_UDP_H
#define CSE_CORE_UDP_H

#include "ip4.h"
#include "port.h"
#include "sock.h"

#define CSE_UDP_HLEN		8

extern const struct cse_proto_ops cse_udp_ops;

void cse_udp_input(struct cse_stack *st, const struct cse_ip4_rx *rx);
void cse_udp_err(struct cse_stack *st, const struct cse_ip4_err *e);

#endif /* CSE_CORE_UDP_H */
