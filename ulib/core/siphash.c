// SPDX-License-Identifier: GPL-2.0
#include "siphash.h"

static inline uint64_t cse_rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

static void cse_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = cse_rotl(v[1], 13) ^ v[0];
	v[0] = cse_rotl(v[0], 32);
	v[2] += v[3];
	v[3] = cse_rotl(v[3], 16) ^ v[2];
	v[0] += v[3];
	v[3] = cse_rotl(v[3], 21) ^ v[0];
	v[2] += v[1];
	v[1] = cse_rotl(v[1], 17) ^ v[2];
	v[2] = cse_rotl(v[2], 32);
}

/* Little-endian load of up to 8 bytes. */
static uint64_t cse_load_le(const uint8_t *p, size_t n)
{
	uint64_t w = 0;

	while (n--)
		w = (w << 8) | p[n];
	return w;
}

static void cse_sip_absorb(uint64_t v[4], uint64_t m)
{
	v[3] ^= m;
	cse_sipround(v);
	cse_sipround(v);
	v[0] ^= m;
}

uint64_t cse_siphash(const uint64_t key[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t v[4] = {
		key[0] ^ 0x736f6d6570736575ULL, key[1] ^ 0x646f72616e646f6dULL,
		key[0] ^ 0x6c7967656e657261ULL, key[1] ^ 0x7465646279746573ULL,
	};
	size_t i;

	for (i = 0; i + 8 <= len; i += 8)
		cse_sip_absorb(v, cse_load_le(p + i, 8));
	cse_sip_absorb(v, cse_load_le(p + i, len - i) | (uint64_t)len << 56);
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		cse_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}
