// SPDX-License-Identifier: GPL-2.0
/*
 * The sum is kept wide and folded at the end; callers chain
 * cse_csum_add() over a pseudo-header and a payload. Odd-length pieces are
 * only ever the last one, so no byte swapping across pieces is needed.
 */
#include <string.h>

#include "csum.h"

static inline uint64_t cse_load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* @acc + @v with the carry out of bit 63 added back in (end around). */
static inline uint64_t cse_csum_add64(uint64_t acc, uint64_t v)
{
	acc += v;
	return acc + (acc < v);
}

/* Fold a sum of 64-bit words to 16 bits, end around carries. */
static inline uint16_t cse_csum_fold64(uint64_t s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

#if defined(__x86_64__) && !defined(CSE_CSUM_GENERIC)
/*
 * 64 bytes into @acc as one add-with-carry chain, the carry out of each
 * word going into the next and the last one back in (end around): the
 * instruction sequence of Linux's csum_partial(). Compilers do not chain
 * carries this way from C.
 */
static inline uint64_t cse_csum_64(uint64_t acc, const uint8_t *p)
{
	__asm__("addq 0(%[p]), %[a]\n\t"
		"adcq 8(%[p]), %[a]\n\t"
		"adcq 16(%[p]), %[a]\n\t"
		"adcq 24(%[p]), %[a]\n\t"
		"adcq 32(%[p]), %[a]\n\t"
		"adcq 40(%[p]), %[a]\n\t"
		"adcq 48(%[p]), %[a]\n\t"
		"adcq 56(%[p]), %[a]\n\t"
		"adcq $0, %[a]"
		: [a] "+r"(acc)
		: [p] "r"(p), "m"(*(const uint8_t (*)[64])p)
		: "cc");
	return acc;
}
#else
static inline uint64_t cse_csum_64(uint64_t acc, const uint8_t *p)
{
	unsigned int i;

	for (i = 0; i < 64; i += 8)
		acc = cse_csum_add64(acc, cse_load64(p + i));
	return acc;
}
#endif

/*
 * The words are summed as the machine loads them, 64 bits at a time. A
 * one's complement sum does not depend on byte order (RFC 1071 2(B)):
 * the folded sum of little-endian words is the byte swap of that of
 * big-endian ones, so nothing is swapped until the end.
 */
uint32_t cse_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0, tail = 0;
	uint16_t folded;

	for (; len >= 64; len -= 64, p += 64)
		acc = cse_csum_64(acc, p);
	for (; len >= 8; len -= 8, p += 8)
		acc = cse_csum_add64(acc, cse_load64(p));
	/* The last bytes, zero padded: an odd one is a word's first byte. */
	memcpy(&tail, p, len);
	acc = cse_csum_add64(acc, tail);
	folded = cse_csum_fold64(acc);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	folded = __builtin_bswap16(folded);
#endif
	acc = (uint64_t)sum + folded;
	return (uint32_t)((acc & 0xffffffff) + (acc >> 32));
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
