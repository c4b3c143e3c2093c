// SPDX-License-Identifier: GPL-2.0
/*
 * libcse.so preloaded into real programs on the host, where no usable cse
 * device exists: the program must behave exactly as without the library,
 * plus one line on stderr.
 */
#include <stdio.h>
#include <string.h>

#include "kselftest_harness.h"
#include "test/t_util.h"

#define FALLBACK "using the kernel's network stack"

/* Run @argv with libcse.so preloaded (when @preload) and CSE_DEVICE=@dev. */
static int t_run_preloaded(char *const argv[], const char *dev, int preload,
			   const char *extra_env, struct t_output *o)
{
	char env_pre[512], env_dev[512];
	char *envp[] = { "PATH=/usr/bin:/bin", env_pre, env_dev,
			 (char *)extra_env, NULL };

	snprintf(env_pre, sizeof(env_pre), "LD_PRELOAD=%s",
		 preload ? LIBCSE : "");
	snprintf(env_dev, sizeof(env_dev), "CSE_DEVICE=%s", dev);
	return t_run(argv, envp, o);
}

TEST(missing_device_one_line_same_output)
{
	char *argv[] = { "/bin/echo", "hello", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1, NULL, &o));
	ASSERT_EQ(0, o.status);
	ASSERT_STREQ("hello\n", o.out);
	ASSERT_EQ(1, t_count_lines(o.err));
	ASSERT_EQ(0, strncmp(o.err, "libcse: ", 8));
	ASSERT_NE(NULL, strstr(o.err, FALLBACK));
	ASSERT_NE(NULL, strstr(o.err, "No such file"));
}

TEST(not_a_cse_device_one_line)
{
	char *argv[] = { "/bin/true", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/dev/null", 1, NULL, &o));
	ASSERT_EQ(0, o.status);
	ASSERT_EQ(1, t_count_lines(o.err));
	ASSERT_NE(NULL, strstr(o.err, "not a cse device"));
	ASSERT_NE(NULL, strstr(o.err, FALLBACK));
}

TEST(exit_status_unchanged)
{
	char *argv[] = { "/bin/sh", "-c", "exit 7", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1, NULL, &o));
	ASSERT_EQ(7, o.status);
}

TEST(program_stderr_kept_after_our_line)
{
	char *argv[] = { "/bin/sh", "-c", "echo own-error >&2", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1, NULL, &o));
	ASSERT_EQ(2, t_count_lines(o.err));
	ASSERT_NE(NULL, strstr(o.err, FALLBACK "\nown-error\n"));
}

TEST(verbose_adds_nothing_on_fallback)
{
	char *argv[] = { "/bin/true", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1,
				     "CSE_VERBOSE=1", &o));
	ASSERT_EQ(1, t_count_lines(o.err));
}

/* The failed attempt must not leave a descriptor behind in the program. */
TEST(fallback_leaks_no_descriptor)
{
	char *argv[] = { "/bin/ls", "/proc/self/fd", NULL };
	struct t_output with, without;

	ASSERT_EQ(0, t_run_preloaded(argv, "/dev/null", 1, NULL, &with));
	ASSERT_EQ(0, t_run_preloaded(argv, "/dev/null", 0, NULL, &without));
	ASSERT_STREQ(without.out, with.out);
}

TEST(fallback_error_refuses_to_run)
{
	char *argv[] = { "/bin/echo", "hello", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1,
				     "CSE_FALLBACK=error", &o));
	ASSERT_EQ(1, o.status);
	ASSERT_STREQ("", o.out);
	ASSERT_EQ(1, t_count_lines(o.err));
	ASSERT_NE(NULL, strstr(o.err, "CSE_FALLBACK=error"));
	ASSERT_EQ(NULL, strstr(o.err, FALLBACK));
}

TEST(fallback_kernel_is_the_default)
{
	char *argv[] = { "/bin/echo", "hello", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1,
				     "CSE_FALLBACK=kernel", &o));
	ASSERT_EQ(0, o.status);
	ASSERT_STREQ("hello\n", o.out);
	ASSERT_NE(NULL, strstr(o.err, FALLBACK));
}

TEST(fallback_bad_value_named)
{
	char *argv[] = { "/bin/echo", "hello", NULL };
	struct t_output o;

	ASSERT_EQ(0, t_run_preloaded(argv, "/nonexistent/cse", 1,
				     "CSE_FALLBACK=sometimes", &o));
	ASSERT_EQ(1, o.status);
	ASSERT_STREQ("", o.out);
	ASSERT_EQ(1, t_count_lines(o.err));
	ASSERT_NE(NULL, strstr(o.err, "'sometimes'"));
}

TEST_HARNESS_MAIN
