// SPDX-License-Identifier: GPL-2.0
/*
 * The CSE_IOC_HELLO handshake and the ioctl rules that every later ioctl
 * follows: fixed sizes, reserved fields, unknown flags and commands, bad
 * pointers, ordering.
 */
#include <pthread.h>
#include <stddef.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "cse_util.h"

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	self->fd = cse_open();
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, CSE_DEV " missing: is cse.ko loaded?");
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(dev, hello_succeeds_with_sane_reply)
{
	struct cse_hello h;

	cse_hello_req(&h);
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	EXPECT_EQ(CSE_ABI_MAJOR, (int)h.major);
	EXPECT_EQ(CSE_ABI_MINOR, (int)h.minor);
	EXPECT_EQ(5, (int)h.minor);
	EXPECT_NE(0U, h.instance_id);
	/*
	 * nothing wanted, nothing granted; 1.5 implements seven features
	 * (1.2 added the netlink family, no feature bit; 1.3 shared ports and
	 * the socket table; 1.4 an address of the instance's own and waits
	 * that run the rings; 1.5 handing a connection over)
	 */
	EXPECT_EQ(0ULL, h.features);
	EXPECT_EQ((__u64)(CSE_FEAT_SOCKETS | CSE_FEAT_PORT_FD |
			  CSE_FEAT_SHARED_PORTS | CSE_FEAT_SOCK_INFO |
			  CSE_FEAT_ADDR | CSE_FEAT_WAIT_RINGS |
			  CSE_FEAT_HANDOVER),
		  h.supported);
	EXPECT_EQ(0U, h.flags);
	EXPECT_EQ(0U, h.__pad);
	EXPECT_NE(0U, h.max_ring_entries);
	EXPECT_EQ(0U, h.max_ring_entries & (h.max_ring_entries - 1));
	EXPECT_LE(h.min_frame_size, h.max_frame_size);
	EXPECT_NE(0ULL, h.max_mem);
	for (int i = 0; i < 4; i++)
		EXPECT_EQ(0ULL, h.reserved[i]);
}

TEST_F(dev, hello_limits_are_the_module_parameters)
{
	struct cse_hello h;

	cse_hello_req(&h);
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	EXPECT_EQ(cse_param("max_ring_entries"), (long long)h.max_ring_entries);
	EXPECT_EQ(cse_param("max_frame_size"), (long long)h.max_frame_size);
	EXPECT_EQ(cse_param("max_mem_mb") << 20, (long long)h.max_mem);
}

TEST_F(dev, hello_negotiates_minor_down)
{
	struct cse_hello h;

	cse_hello_req(&h);
	h.minor = 99;
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	EXPECT_EQ(CSE_ABI_MINOR, (int)h.minor);
}

/* A 1.0 caller gets 1.0. */
TEST_F(dev, hello_minor_0_stays_0)
{
	struct cse_hello h;

	cse_hello_req(&h);
	h.minor = 0;
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	EXPECT_EQ(0, (int)h.minor);
}

/* Granted is wanted & supported, bit by bit. */
TEST_F(dev, features_granted_as_wanted)
{
	static const __u64 wants[] = {
		CSE_FEAT_SOCKETS, CSE_FEAT_PORT_FD, CSE_FEATURES_ALL,
		CSE_FEAT_PORT_FD | (1ULL << 40),
	};

	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		struct cse_info info;
		struct cse_hello h;
		int fd = cse_open();

		ASSERT_LE(0, fd);
		cse_hello_req(&h);
		h.want = wants[i];
		ASSERT_EQ(0, cse_ioctl(fd, CSE_IOC_HELLO, &h));
		EXPECT_EQ(wants[i] & CSE_FEATURES_ALL, h.features);
		EXPECT_EQ(wants[i], h.want);
		memset(&info, 0, sizeof(info));
		ASSERT_EQ(0, cse_ioctl(fd, CSE_IOC_GET_INFO, &info));
		EXPECT_EQ(h.features, info.features);
		close(fd);
	}
}

TEST_F(dev, unknown_feature_bits_not_granted)
{
	struct cse_hello h;

	cse_hello_req(&h);
	h.want = ~0ULL;
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	EXPECT_EQ(h.supported, h.features);
	EXPECT_EQ(0ULL, h.features & ~(__u64)CSE_FEATURES_ALL);
}

TEST_F(dev, hello_short_struct_einval)
{
	/* A valid request in a buffer, announced as 8 bytes shorter. */
	unsigned long cmd = _IOWR(CSE_IOC_MAGIC, 0x00,
				  char[sizeof(struct cse_hello) - 8]);
	struct cse_hello h;

	cse_hello_req(&h);
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, cmd, &h));
}

TEST_F(dev, hello_long_struct_einval)
{
	unsigned long cmd = _IOWR(CSE_IOC_MAGIC, 0x00,
				  char[sizeof(struct cse_hello) + 8]);
	struct {
		struct cse_hello h;
		__u64 tail;
	} buf = { .tail = 0 };

	cse_hello_req(&buf.h);
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, cmd, &buf));
}

TEST_F(dev, hello_wrong_direction_einval)
{
	struct cse_hello h;

	cse_hello_req(&h);
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd,
				     _IOW(CSE_IOC_MAGIC, 0x00, struct cse_hello),
				     &h));
}

/* Every byte the module writes, reserves or pads must arrive as zero. */
TEST_F(dev, hello_nonzero_output_or_reserved_byte_einval)
{
	size_t off;

	for (off = offsetof(struct cse_hello, features);
	     off < sizeof(struct cse_hello); off++) {
		struct cse_hello h;

		cse_hello_req(&h);
		((unsigned char *)&h)[off] = 0x01;
		EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_HELLO, &h)) {
			TH_LOG("byte %zu accepted", off);
		}
	}
	/* And nothing of that half-succeeded. */
	struct cse_hello h;

	cse_hello_req(&h);
	EXPECT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
}

TEST_F(dev, hello_unknown_flag_einval)
{
	static const __u32 flags[] = { 1, 2, 1U << 16, 1U << 31 };
	struct cse_hello h;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		cse_hello_req(&h);
		h.flags = flags[i];
		EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	}
}

TEST_F(dev, hello_major_mismatch_eprotonosupport)
{
	static const __u32 majors[] = { 0, CSE_ABI_MAJOR + 1, 0xffffffff };
	struct cse_hello h;

	for (size_t i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
		cse_hello_req(&h);
		h.major = majors[i];
		h.minor = 7;
		EXPECT_EQ(-EPROTONOSUPPORT,
			  cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
		/* The reply says what the module speaks. */
		EXPECT_EQ(CSE_ABI_MAJOR, (int)h.major);
		EXPECT_EQ(CSE_ABI_MINOR, (int)h.minor);
	}
	/* A refused handshake leaves the instance waiting for a good one. */
	cse_hello_req(&h);
	EXPECT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
}

TEST_F(dev, second_hello_ealready)
{
	struct cse_hello h, first;

	cse_hello_req(&h);
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	first = h;
	cse_hello_req(&h);
	EXPECT_EQ(-EALREADY, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));

	struct cse_info info = { 0 };

	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
	EXPECT_EQ(first.instance_id, info.instance_id);
}

TEST_F(dev, ioctl_before_hello_ebadfd)
{
	struct cse_info info = { 0 };

	EXPECT_EQ(-EBADFD, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
}

TEST_F(dev, unknown_ioctl_enotty)
{
	char buf[64] = { 0 };

	EXPECT_EQ(-ENOTTY, cse_ioctl(self->fd, _IOWR(CSE_IOC_MAGIC, 0x7f,
						      char[16]), buf));
	EXPECT_EQ(-ENOTTY, cse_ioctl(self->fd, _IO(CSE_IOC_MAGIC, 0xff), buf));
	/* Our numbers under another magic are somebody else's ioctls. */
	EXPECT_EQ(-ENOTTY, cse_ioctl(self->fd, _IOWR('X', 0x00,
						      struct cse_hello), buf));
	EXPECT_EQ(-ENOTTY, cse_ioctl(self->fd, 0, buf));
}

TEST_F(dev, bad_pointer_efault)
{
	void *unmapped;

	unmapped = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS,
			-1, 0);
	ASSERT_NE(MAP_FAILED, unmapped);
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_HELLO, NULL));
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_HELLO, unmapped));
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_HELLO,
				     (void *)0xffffffff81000000UL));
	munmap(unmapped, 4096);
}

/* A reply that cannot be written back must not complete the handshake. */
TEST_F(dev, hello_readonly_reply_efault_then_retry)
{
	struct cse_hello *h;

	h = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, h);
	cse_hello_req(h);
	ASSERT_EQ(0, mprotect(h, 4096, PROT_READ));
	EXPECT_EQ(-EFAULT, cse_ioctl(self->fd, CSE_IOC_HELLO, h));
	ASSERT_EQ(0, mprotect(h, 4096, PROT_READ | PROT_WRITE));
	EXPECT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, h));
	munmap(h, 4096);
}

TEST_F(dev, get_info_describes_instance)
{
	struct cse_info info;
	struct cse_hello h;

	cse_hello_req(&h);
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_HELLO, &h));
	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
	EXPECT_EQ(h.instance_id, info.instance_id);
	EXPECT_EQ(CSE_ABI_MAJOR, (int)info.major);
	EXPECT_EQ(h.minor, info.minor);
	EXPECT_EQ(getpid(), (pid_t)info.owner_pid);
	EXPECT_EQ(h.features, info.features);

	memset(&info, 0, sizeof(info));
	info.reserved[2] = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
	memset(&info, 0, sizeof(info));
	info.owner_pid = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_GET_INFO, &info));
}

struct race {
	int fd;
	int ret;
};

static void *hello_thread(void *arg)
{
	struct race *r = arg;
	struct cse_hello h;

	cse_hello_req(&h);
	r->ret = cse_ioctl(r->fd, CSE_IOC_HELLO, &h);
	return NULL;
}

/* Racing handshakes on one instance: exactly one wins. */
TEST_F(dev, concurrent_hellos_one_wins)
{
	enum { N = 8 };
	pthread_t t[N];
	struct race r[N];
	int wins = 0, i;

	for (i = 0; i < N; i++) {
		r[i] = (struct race){ .fd = self->fd };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, hello_thread, &r[i]));
	}
	for (i = 0; i < N; i++) {
		pthread_join(t[i], NULL);
		if (!r[i].ret)
			wins++;
		else
			EXPECT_EQ(-EALREADY, r[i].ret);
	}
	EXPECT_EQ(1, wins);
}

TEST_HARNESS_MAIN
