/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SipHash-2-4 (Aumasson and Bernstein), the keyed hash behind TCP initial
 * sequence numbers (RFC 6528): unpredictable without the key.
 */
#ifndef CSE_CORE_SIPHASH_H
#define CSE_CORE_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t cse_siphash(const uint64_t key[2], const void *data, size_t len);

#endif /* CSE_CORE_SIPHASH_H */
