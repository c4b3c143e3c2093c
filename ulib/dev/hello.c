// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hello.h"

void cse_hello_request(struct cse_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->major = CSE_ABI_MAJOR;
	h->minor = CSE_ABI_MINOR;
	h->want = CSE_LIB_FEATURES | CSE_LIB_FEATURES_OPT;
}

static int is_pow2(unsigned long long v)
{
	return v && !(v & (v - 1));
}

const char *cse_hello_reply_problem(const struct cse_hello *req,
				    const struct cse_hello *rep)
{
	unsigned int i;

	if (rep->major != req->major)
		return "the reply names another ABI major";
	if (rep->minor > req->minor)
		return "the negotiated minor is above the one asked for";
	if (rep->features & ~req->want)
		return "features were granted that were not asked for";
	if (rep->features & ~rep->supported)
		return "features were granted that the module does not support";
	if (!rep->instance_id)
		return "the instance id is 0";
	if (!is_pow2(rep->max_ring_entries))
		return "the ring limit is not a power of two";
	if (!rep->min_frame_size || rep->min_frame_size > rep->max_frame_size)
		return "the frame size limits are inconsistent";
	if (!rep->max_mem)
		return "the memory limit is 0";
	if (rep->flags || rep->__pad)
		return "flags or padding are not zero";
	for (i = 0; i < sizeof(rep->reserved) / sizeof(rep->reserved[0]); i++)
		if (rep->reserved[i])
			return "reserved fields are not zero";
	return NULL;
}

void cse_hello_explain(char *buf, size_t len, const char *path, int err,
		       const struct cse_hello *rep, const char *problem)
{
	if (problem)
		snprintf(buf, len, "%s: invalid handshake reply (%s)", path,
			 problem);
	else if (err == EPROTONOSUPPORT && rep)
		snprintf(buf, len,
			 "%s: the module speaks ABI %u.%u, this library %u.%u",
			 path, rep->major, rep->minor, CSE_ABI_MAJOR,
			 CSE_ABI_MINOR);
	else if (err == ENOENT || err == ENXIO || err == ENODEV)
		snprintf(buf, len, "%s: %s (is cse.ko loaded?)", path,
			 strerror(err));
	else if (err == ENOTTY || err == EINVAL)
		snprintf(buf, len, "%s: not a cse device (%s)", path,
			 strerror(err));
	else
		snprintf(buf, len, "%s: %s", path, strerror(err));
}

void cse_hello_describe(char *buf, size_t len, const char *path,
			const struct cse_hello *rep)
{
	snprintf(buf, len,
		 "instance %u on %s: ABI %u.%u, features %#llx of %#llx; limits: rings <= %u entries, frames %u..%u bytes, <= %llu MiB",
		 rep->instance_id, path, rep->major, rep->minor,
		 (unsigned long long)rep->features,
		 (unsigned long long)rep->supported, rep->max_ring_entries,
		 rep->min_frame_size, rep->max_frame_size,
		 (unsigned long long)(rep->max_mem >> 20));
}
