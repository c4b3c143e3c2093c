/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the stack benchmark's clients and its kernel server say to each
 * other over one TCP connection: the client's first byte names the
 * workload.
 *
 *   'U'  upload: the client sends until its time is up, then shuts down
 *        its side; the server answers with the byte count (8 bytes, big
 *        endian) and closes.
 *   'D'  download: 4 more bytes (big endian) give milliseconds; the server
 *        sends that long, then closes.
 *   'R'  request/response: 64-byte requests, each answered with 64 bytes,
 *        until the client closes.
 *
 * Every program prints its result as one line "RESULT key=value ...",
 * which tools/bench/stack-bench reads.
 */
#ifndef CSE_BENCH_PROTO_H
#define CSE_BENCH_PROTO_H

#include <stdint.h>
#include <time.h>

#define BP_UPLOAD	'U'
#define BP_DOWNLOAD	'D'
#define BP_RR		'R'
#define BP_RR_SIZE	64
#define BP_CHUNK	65536

static inline uint64_t bp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline void bp_put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static inline uint64_t bp_get64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

#endif /* CSE_BENCH_PROTO_H */
