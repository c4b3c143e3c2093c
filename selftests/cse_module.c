// SPDX-License-Identifier: GPL-2.0
/*
 * Module lifetime: every open file pins cse.ko; rmmod is refused while any
 * instance exists and succeeds once the last one is closed. The last test
 * unloads and reloads the module, from the path in $CSE_KO.
 */
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cse_util.h"

static long refcnt(void)
{
	long v = -1;
	FILE *f = fopen("/sys/module/cse/refcnt", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	fclose(f);
	return v;
}

static int delete_module(const char *name)
{
	return syscall(SYS_delete_module, name, O_NONBLOCK) ? -errno : 0;
}

static int load_module(const char *path)
{
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ret = syscall(SYS_finit_module, fd, "", 0) ? -errno : 0;
	close(fd);
	return ret;
}

static void require_module(struct __test_metadata *_metadata)
{
	if (refcnt() < 0)
		SKIP(return, "cse.ko is not loaded");
}

TEST(each_open_file_pins_the_module)
{
	long before;
	int a, b;

	require_module(_metadata);
	before = refcnt();
	a = cse_open();
	b = cse_open();
	ASSERT_LE(0, a);
	ASSERT_LE(0, b);
	EXPECT_EQ(before + 2, refcnt());
	close(a);
	EXPECT_EQ(before + 1, refcnt());
	close(b);
	EXPECT_EQ(before, refcnt());
}

TEST(rmmod_refused_while_an_instance_exists)
{
	int fd;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	fd = cse_open_ready(NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EWOULDBLOCK, delete_module("cse"));
	EXPECT_EQ(0, access("/sys/module/cse", F_OK));
	close(fd);
}

/* An instance held only by a dead process's inherited fd is gone with it. */
TEST(instance_released_when_holder_exits)
{
	long before;
	int st;
	pid_t pid;

	require_module(_metadata);
	before = refcnt();
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (cse_open_ready(NULL) < 0)
			_exit(1);
		_exit(0);	/* exit without closing */
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	EXPECT_EQ(before, refcnt());
}

TEST(rmmod_after_last_close_then_reload)
{
	const char *ko = getenv("CSE_KO");
	int fd;

	require_module(_metadata);
	if (geteuid())
		SKIP(return, "needs root");
	if (!ko || access(ko, R_OK))
		SKIP(return, "set CSE_KO to the module's path to reload it");
	fd = cse_open_ready(NULL);
	ASSERT_LE(0, fd);
	close(fd);
	ASSERT_EQ(0, delete_module("cse"));
	EXPECT_NE(0, access("/sys/module/cse", F_OK));
	EXPECT_NE(0, access(CSE_DEV, F_OK));
	ASSERT_EQ(0, load_module(ko));
	fd = cse_open_ready(NULL);
	EXPECT_LE(0, fd);
	close(fd);
}

TEST_HARNESS_MAIN
