/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Big-endian field access on packet bytes. Headers are read and written
 * through these instead of overlaid structs: frames arrive at any alignment
 * and a misaligned struct access is undefined behaviour.
 */
#ifndef CSE_CORE_WIRE_H
#define CSE_CORE_WIRE_H

#include <stdint.h>

static inline uint16_t cse_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t cse_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void cse_put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static inline void cse_put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

#endif /* CSE_CORE_WIRE_H */
