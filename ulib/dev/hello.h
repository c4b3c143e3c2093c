/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The library's side of the CSE_IOC_HELLO handshake: building the request,
 * checking the module's reply and putting the outcome into words. No OS calls
 * here, so all of it is unit-tested on the host.
 */
#ifndef CSE_DEV_HELLO_H
#define CSE_DEV_HELLO_H

#include <stddef.h>
#include "uapi.h"

/* Features this library needs; grows with the library's minor. */
#define CSE_LIB_FEATURES	(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD)
/*
 * Features it uses when granted and does without on an older module:
 * without shared ports a forked child's listeners stay the parent's
 * (Documentation/admin-guide/library.rst), without the socket table
 * csectl cannot list the sockets, without an address of its own CSE_ADDR
 * cannot be had (IPv4 sockets then fail, ulib/serve/ident.h), without ring
 * waits a blocked call is woken by the progress thread (two wake-ups per
 * frame instead of one), without handover a forked child's socket calls
 * on an inherited connection fail (ulib/serve/adopt.c).
 */
#define CSE_LIB_FEATURES_OPT	(CSE_FEAT_SHARED_PORTS | CSE_FEAT_SOCK_INFO | \
				 CSE_FEAT_ADDR | CSE_FEAT_WAIT_RINGS | \
				 CSE_FEAT_HANDOVER)

void cse_hello_request(struct cse_hello *h);

/*
 * Sanity of a successful reply to @req: a module that answers outside the
 * contract is treated like an incompatible one. Returns NULL when the reply
 * is fine, else what is wrong with it.
 */
const char *cse_hello_reply_problem(const struct cse_hello *req,
				    const struct cse_hello *rep);

/*
 * One line (no newline) saying why the device cannot be used: @err is the
 * positive errno of open() or of the ioctl, @rep the reply (for
 * EPROTONOSUPPORT) or NULL, @problem a cse_hello_reply_problem() result.
 */
void cse_hello_explain(char *buf, size_t len, const char *path, int err,
		       const struct cse_hello *rep, const char *problem);

/* One line (no newline) describing a negotiated handshake. */
void cse_hello_describe(char *buf, size_t len, const char *path,
			const struct cse_hello *rep);

#endif /* CSE_DEV_HELLO_H */
