/* SPDX-License-Identifier: GPL-2.0 */
/* State of libcse.so inside one process. */
#ifndef CSE_PRELOAD_H
#define CSE_PRELOAD_H

struct cse_lib {
	int fallback;		/* 1: everything goes to the kernel */
};

extern struct cse_lib cse_lib;

#endif /* CSE_PRELOAD_H */
