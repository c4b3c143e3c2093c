// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: arbitrary frames, at arbitrary times, into one stack
 * instance that has bound, connected, listening and connecting sockets and
 * answers whatever reaches them. Crashes, sanitizer reports, leaks and a
 * broken memory bound are findings. Input format: fuzz_env.h.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz/fuzz_env.h"

static int fz_xmit(void *priv, const void *frame, size_t len)
{
	(void)priv;
	(void)frame;
	return len > 1514 + 4 ? -EMSGSIZE : 0;
}

static int fz_recv(void *priv, void *buf, size_t cap)
{
	(void)priv;
	(void)buf;
	(void)cap;
	return 0;	/* frames come through cse_stack_input() */
}

static unsigned int fz_mtu(void *priv)
{
	(void)priv;
	return 1500;
}

static void fz_mac(void *priv, uint8_t mac[CSE_ETH_ALEN])
{
	(void)priv;
	memcpy(mac, fz_our_mac, CSE_ETH_ALEN);
}

static const struct cse_link_ops fz_link_ops = {
	.xmit = fz_xmit,
	.recv = fz_recv,
	.mtu = fz_mtu,
	.mac = fz_mac,
};

/* The frame being fed; mutable so that its checksums can be fixed. */
static uint8_t fz_frame[65536];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t when;
	struct t_clock clock = { FZ_START_NS };
	struct cse_stack_config cfg;
	struct cse_stack *st;
	struct fz_socks socks;
	size_t off = 0, len;

	fz_config(&cfg, (struct cse_link){ &fz_link_ops, NULL }, &clock);
	if (cse_stack_create(&cfg, &st))
		abort();
	fz_open_all(st, &socks);

	while (size - off >= 6) {
		len = (size_t)data[off + 4] << 8 | data[off + 5];
		if (len > size - off - 6)
			break;
		when = cse_get32(data + off);
		memcpy(fz_frame, data + off + 6, len);
		if (!(when & FZ_RAW_CSUM))
			fz_fix_csums(fz_frame, len);
		t_clock_advance(st, &clock, (when & ~FZ_RAW_CSUM) * 1000ULL);
		cse_stack_input(st, fz_frame, len);
		off += 6 + len;
		fz_serve(&socks);
		if (cse_stack_mem_used(st) > cfg.mem_limit)
			abort();	/* the instance's bound did not hold */
	}
	/* Let every timer run out: retransmissions, TIME_WAIT, ARP. */
	t_clock_advance(st, &clock, 600 * CSE_NSEC_PER_SEC);
	fz_close_all(&socks);
	t_clock_advance(st, &clock, 600 * CSE_NSEC_PER_SEC);
	cse_stack_destroy(st);
	return 0;
}
