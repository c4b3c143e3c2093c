/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The steering tests' side of an instance (cse_frame.h): open one with a
 * given RX ring, wait for frames, take them apart, count and release them.
 */
#ifndef CSE_SELFTEST_RXRING_H
#define CSE_SELFTEST_RXRING_H

#include <netinet/ip.h>

#include "cse_frame.h"

/* Open with @rx_entries RX slots, asking for features @want, and map. */
static inline int inst_open_want(struct t_inst *in, const struct t_net *t,
				 int rx_entries, __u64 want)
{
	t_attach_req(&in->att, t->ifindex);
	in->att.rx_entries = rx_entries;
	return t_inst_open_want(in, t, want);
}

static inline int inst_open(struct t_inst *in, const struct t_net *t,
			    int rx_entries)
{
	return inst_open_want(in, t, rx_entries, 0);
}

static inline int reserve(struct t_inst *in, int proto, int port)
{
	struct cse_port p;

	t_port_req(&p, proto, port);
	return t_reserve(in->fd, &p);
}

/* Wait up to ms for the RX ring to hold at least n entries. */
static inline uint32_t wait_rx(struct t_inst *in, uint32_t n, int ms)
{
	while (t_ring_avail(&in->rx) < n && ms > 0) {
		usleep(10000);
		ms -= 10;
	}
	return t_ring_avail(&in->rx);
}

struct frame {
	const uint8_t *data;
	uint32_t len;
	uint64_t addr;
	uint16_t ethertype;
	const struct iphdr *ip;
	uint16_t sport, dport;
};

/* Take the next RX entry (the caller releases it); 0 when empty. */
static inline int next_frame(struct t_inst *in, struct frame *f)
{
	uint32_t idx = *in->rx.consumer;
	const struct cse_desc *d;

	if (!t_ring_avail(&in->rx))
		return 0;
	d = t_ring_entry(&in->rx, idx);
	memset(f, 0, sizeof(*f));
	f->addr = d->addr;
	f->len = d->len;
	f->data = in->area + d->addr;
	f->ethertype = f->data[12] << 8 | f->data[13];
	if (f->ethertype == 0x0800) {
		f->ip = (const void *)(f->data + 14);
		if (f->ip->protocol == IPPROTO_TCP ||
		    f->ip->protocol == IPPROTO_UDP) {
			const uint8_t *l4 = f->data + 14 + f->ip->ihl * 4;

			f->sport = l4[0] << 8 | l4[1];
			f->dport = l4[2] << 8 | l4[3];
		}
	}
	return 1;
}

/* Count and release every entry; those for (proto, dport) counted apart. */
static inline int drain(struct t_inst *in, int proto, int dport, int *other)
{
	struct frame f;
	int n = 0;

	if (other)
		*other = 0;
	while (next_frame(in, &f)) {
		if (f.ip && f.ip->protocol == proto && f.dport == dport)
			n++;
		else if (other)
			(*other)++;
		t_ring_release(&in->rx, 1);
	}
	return n;
}

#endif /* CSE_SELFTEST_RXRING_H */
