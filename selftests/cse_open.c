// SPDX-License-Identifier: GPL-2.0
/*
 * Instances and their descriptors: one instance per open(), shared by dup()
 * and fork(), many at once, usable by unprivileged users.
 */
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "cse_util.h"

static void require_device(struct __test_metadata *_metadata)
{
	if (access(CSE_DEV, F_OK))
		SKIP(return, CSE_DEV " missing: is cse.ko loaded?");
}

static __u32 instance_of(int fd)
{
	struct cse_info info = { 0 };

	if (ioctl(fd, CSE_IOC_GET_INFO, &info))
		return 0;
	return info.instance_id;
}

TEST(open_and_close)
{
	int fd;

	require_device(_metadata);
	fd = cse_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(0, close(fd));
}

TEST(each_open_is_a_new_instance)
{
	struct cse_hello a = { 0 }, b = { 0 };
	int fa, fb;

	require_device(_metadata);
	fa = cse_open_ready(&a);
	fb = cse_open_ready(&b);
	ASSERT_LE(0, fa);
	ASSERT_LE(0, fb);
	EXPECT_NE(a.instance_id, b.instance_id);
	close(fa);
	close(fb);
}

TEST(dup_shares_the_instance)
{
	struct cse_hello h = { 0 };
	int fd, fd2;

	require_device(_metadata);
	fd = cse_open_ready(&h);
	ASSERT_LE(0, fd);
	fd2 = dup(fd);
	ASSERT_LE(0, fd2);
	EXPECT_EQ(h.instance_id, instance_of(fd2));
	close(fd);
	/* The instance lives as long as any descriptor of it. */
	EXPECT_EQ(h.instance_id, instance_of(fd2));
	close(fd2);
}

TEST(thousand_instances_at_once)
{
	enum { N = 1000 };
	struct rlimit rl = { N + 64, N + 64 };
	static int fds[N];
	static __u32 ids[N];
	struct cse_hello h = { 0 };
	int i, j;

	require_device(_metadata);
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &rl));
	for (i = 0; i < N; i++) {
		fds[i] = cse_open_ready(&h);
		ASSERT_LE(0, fds[i]) TH_LOG("open %d: %s", i, strerror(-fds[i]));
		ids[i] = h.instance_id;
	}
	/* Ids are unique among live instances. */
	for (i = 0; i < N; i++)
		for (j = i + 1; j < N; j++)
			ASSERT_NE(ids[i], ids[j]);
	for (i = 0; i < N; i++)
		ASSERT_EQ(0, close(fds[i]));
}

TEST(fork_child_shares_parent_instance)
{
	struct cse_hello h = { 0 };
	int fd, st;
	pid_t pid;

	require_device(_metadata);
	fd = cse_open_ready(&h);
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct cse_info info = { 0 };
		struct cse_hello again;

		if (ioctl(fd, CSE_IOC_GET_INFO, &info))
			_exit(1);
		/* Same instance, still owned by the parent that opened it. */
		if (info.instance_id != h.instance_id ||
		    (pid_t)info.owner_pid != getppid())
			_exit(2);
		cse_hello_req(&again);
		if (!ioctl(fd, CSE_IOC_HELLO, &again) || errno != EALREADY)
			_exit(3);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	/* The child's close did not end the parent's instance. */
	EXPECT_EQ(h.instance_id, instance_of(fd));
	close(fd);
}

TEST(handshake_in_child_serves_parent)
{
	int fd, st;
	pid_t pid;

	require_device(_metadata);
	fd = cse_open();
	ASSERT_LE(0, fd);
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct cse_hello h;

		cse_hello_req(&h);
		_exit(ioctl(fd, CSE_IOC_HELLO, &h) ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_EQ(0, WEXITSTATUS(st));
	EXPECT_NE(0U, instance_of(fd));
	close(fd);
}

TEST(device_mode_is_the_module_parameter)
{
	struct stat st;

	require_device(_metadata);
	ASSERT_EQ(0, stat(CSE_DEV, &st));
	ASSERT_TRUE(S_ISCHR(st.st_mode));
	EXPECT_EQ(cse_param("dev_mode"), (long long)(st.st_mode & 07777));
}

/* With the default mode 0666, an unprivileged user may use the device. */
TEST(unprivileged_user_can_handshake)
{
	int st;
	pid_t pid;

	require_device(_metadata);
	if (geteuid())
		SKIP(return, "needs root to switch to an unprivileged user");
	if (cse_param("dev_mode") != 0666)
		SKIP(return, "dev_mode is not 0666");
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		if (setgid(65534) || setuid(65534))
			_exit(10);
		_exit(cse_open_ready(NULL) < 0 ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_HARNESS_MAIN
