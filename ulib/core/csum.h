/* SPDX-License-Identifier: GPL-2.0 */
/* The Internet checksum (RFC 1071) and the IPv4 pseudo-header. */
#ifndef CSE_CORE_CSUM_H
#define CSE_CORE_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's complement sum of @len bytes added to @sum, not folded. */
uint32_t cse_csum_add(uint32_t sum, const void *data, size_t len);

/* Fold a partial sum to 16 bits and complement it: the field value. */
uint16_t cse_csum_fold(uint32_t sum);

/* The checksum of @len bytes alone (IPv4 header, ICMP). */
uint16_t cse_csum(const void *data, size_t len);

/* Partial sum of the pseudo-header; addresses in host byte order. */
uint32_t cse_csum_pseudo(uint32_t saddr, uint32_t daddr, uint8_t proto,
			 uint16_t len);

#endif /* CSE_CORE_CSUM_H */
