// SPDX-License-Identifier: GPL-2.0
/*
 * The sum is kept in 32 bits and folded at the end; callers chain
 * cse_csum_add() over a pseudo-header and a payload. Odd-length pieces are
 * only ever the last one, so no byte swapping across pieces is needed.
 */
#include <string.h>

#include "csum.h"

/* @acc + @v with the carry out of bit 63 added back in (end around). */
static inline uint64_t cse_csum_add64(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

uint32_t cse_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = sum, v;

	/*
	 * Eight bytes at a time, read as one big-endian number: as
	 * 2^16 = 1 (mod 0xffff), its one's complement sum is that of its
	 * four 16-bit words (RFC 1071 2(C), "parallel summation").
	 */
	for (; len >= 8; len -= 8, p += 8) {
		memcpy(&v, p, 8);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		v = __builtin_bswap64(v);
#endif
		acc = cse_csum_add64(acc, v);
	}
	for (; len > 1; len -= 2, p += 2)
		acc = cse_csum_add64(acc, (uint32_t)(p[0] << 8 | p[1]));
	if (len)
		acc = cse_csum_add64(acc, (uint32_t)p[0] << 8);
	acc = (acc & 0xffffffff) + (acc >> 32);
	acc = (acc & 0xffffffff) + (acc >> 32);
	return (uint32_t)acc;
}

uint16_t cse_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint16_t cse_csum(const void *data, size_t len)
{
	return cse_csum_fold(cse_csum_add(0, data, len));
}

uint32_t cse_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			 uint16_t len)
{
	uint64_t acc = (saddr >> 16) + (saddr & 0xffff) + (daddr >> 16) +
		       (daddr & 0xffff) + proto + len;

	return (uint32_t)((acc & 0xffffffff) + (acc >> 32));
}
