// SPDX-License-Identifier: GPL-2.0
/* The library's handshake logic: request, reply checks, messages. */
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "dev/hello.h"

/* A reply a correct module could give to @req. */
static void t_good_reply(const struct cse_hello *req, struct cse_hello *rep)
{
	*rep = *req;
	rep->instance_id = 7;
	rep->max_ring_entries = 4096;
	rep->min_frame_size = 2048;
	rep->max_frame_size = 16384;
	rep->max_mem = 64ULL << 20;
}

TEST(request_states_our_abi_and_nothing_else)
{
	struct cse_hello h, zero;

	memset(&h, 0xa5, sizeof(h));
	cse_hello_request(&h);
	ASSERT_EQ((__u32)CSE_ABI_MAJOR, h.major);
	ASSERT_EQ((__u32)CSE_ABI_MINOR, h.minor);
	ASSERT_EQ(CSE_LIB_FEATURES | CSE_LIB_FEATURES_OPT, h.want);
	/* Everything after @want must go to the module zeroed. */
	memset(&zero, 0, sizeof(zero));
	ASSERT_EQ(0, memcmp((char *)&h + offsetof(struct cse_hello, features),
			    (char *)&zero + offsetof(struct cse_hello, features),
			    sizeof(h) - offsetof(struct cse_hello, features)));
}

TEST(good_reply_accepted)
{
	struct cse_hello req, rep;

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	ASSERT_NULL(cse_hello_reply_problem(&req, &rep));
}

TEST(reply_with_higher_minor_rejected)
{
	struct cse_hello req, rep;

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	rep.minor = req.minor + 1;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));
}

TEST(reply_granting_unrequested_feature_rejected)
{
	struct cse_hello req, rep;

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	rep.supported = 1ULL << 63;
	rep.features = 1ULL << 63;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));
}

TEST(reply_with_bad_limits_rejected)
{
	struct cse_hello req, rep;

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	rep.max_ring_entries = 3000;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));

	t_good_reply(&req, &rep);
	rep.min_frame_size = 32768;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));

	t_good_reply(&req, &rep);
	rep.max_mem = 0;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));

	t_good_reply(&req, &rep);
	rep.instance_id = 0;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));
}

TEST(reply_with_reserved_bits_rejected)
{
	struct cse_hello req, rep;

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	rep.reserved[3] = 1;
	ASSERT_NE(NULL, cse_hello_reply_problem(&req, &rep));
}

TEST(major_mismatch_message_names_both_versions)
{
	struct cse_hello rep = { .major = CSE_ABI_MAJOR + 1, .minor = 4 };
	char buf[256], want[64];

	cse_hello_explain(buf, sizeof(buf), "/dev/cse", EPROTONOSUPPORT, &rep,
			  NULL);
	snprintf(want, sizeof(want), "ABI %u.4", CSE_ABI_MAJOR + 1);
	ASSERT_NE(NULL, strstr(buf, want));
	snprintf(want, sizeof(want), "library %u.%u", CSE_ABI_MAJOR,
		 CSE_ABI_MINOR);
	ASSERT_NE(NULL, strstr(buf, want));
}

TEST(missing_device_message_suggests_module)
{
	char buf[256];

	cse_hello_explain(buf, sizeof(buf), "/dev/cse", ENOENT, NULL, NULL);
	ASSERT_NE(NULL, strstr(buf, "/dev/cse"));
	ASSERT_NE(NULL, strstr(buf, "cse.ko"));
	ASSERT_NULL(strchr(buf, '\n'));
}

TEST(long_path_message_truncated_safely)
{
	char path[1000], buf[64];

	memset(path, 'x', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	cse_hello_explain(buf, sizeof(buf), path, EACCES, NULL, NULL);
	ASSERT_EQ(sizeof(buf) - 1, strlen(buf));
}

TEST(description_names_instance_and_limits)
{
	struct cse_hello req, rep;
	char buf[400];

	cse_hello_request(&req);
	t_good_reply(&req, &rep);
	cse_hello_describe(buf, sizeof(buf), "/dev/cse", &rep);
	ASSERT_NE(NULL, strstr(buf, "instance 7"));
	ASSERT_NE(NULL, strstr(buf, "4096 entries"));
	ASSERT_NE(NULL, strstr(buf, "2048..16384 bytes"));
	ASSERT_NE(NULL, strstr(buf, "64 MiB"));
}

TEST_HARNESS_MAIN
