/* SPDX-License-Identifier: GPL-2.0 */
/* Opening /dev/cse and completing the handshake. */
#ifndef CSE_DEV_DEV_H
#define CSE_DEV_DEV_H

#include <stddef.h>
#include "uapi.h"

struct cse_dev {
	int fd;
	struct cse_hello hello;	/* the module's reply */
};

/*
 * Open @path and perform the handshake. On success returns 0 with @dev
 * filled in; the descriptor is close-on-exec and placed at or above
 * @fd_floor when the limit on open files allows, out of the application's
 * way. On failure returns a negative errno and writes one line saying why
 * into @why.
 */
int cse_dev_open(struct cse_dev *dev, const char *path, int fd_floor,
		 char *why, size_t why_len);

void cse_dev_close(struct cse_dev *dev);

#endif /* CSE_DEV_DEV_H */
