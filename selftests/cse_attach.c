// SPDX-License-Identifier: GPL-2.0
/*
 * CSE_IOC_ATTACH, the shared area and its mmap(), CSE_IOC_GET_STATS, and
 * what happens to an attached instance when its device goes away.
 * Topology: cse_net.h.
 */
#include <stddef.h>

#include "kselftest_harness.h"
#include "cse_net.h"

FIXTURE(att) {
	struct t_net net;
	struct cse_hello hello;
	int fd;
};

FIXTURE_SETUP(att)
{
	self->fd = -1;
	T_NEED_NET();
	ASSERT_EQ(0, t_net_up(&self->net));
	self->fd = cse_open_ready(&self->hello);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(att)
{
	if (self->fd >= 0)
		close(self->fd);
	t_net_down(&self->net);
}

static int attach(int fd, struct cse_attach *req)
{
	return cse_ioctl(fd, CSE_IOC_ATTACH, req);
}

/* Offsets of [off, off + len) lie in the area. */
static int inside(const struct cse_attach *r, uint64_t off, uint64_t len)
{
	return off <= r->mmap_size && len <= r->mmap_size - off;
}

static void check_ring(struct __test_metadata *_metadata,
		       const struct cse_attach *r,
		       const struct cse_ring_offsets *o, uint32_t entries,
		       uint32_t entry_size)
{
	EXPECT_EQ(entries, o->entries);
	EXPECT_EQ(entry_size, o->entry_size);
	EXPECT_TRUE(inside(r, o->producer, 4));
	EXPECT_TRUE(inside(r, o->consumer, 4));
	EXPECT_TRUE(inside(r, o->flags, 4));
	EXPECT_TRUE(inside(r, o->desc, (uint64_t)entries * entry_size));
	/* producer and consumer never share a cache line */
	EXPECT_LE(64ULL, o->consumer > o->producer ? o->consumer - o->producer :
						  o->producer - o->consumer);
	EXPECT_EQ(0ULL, o->producer % 4);
	EXPECT_EQ(0ULL, o->desc % 8);
	EXPECT_LE(o->desc + (uint64_t)entries * entry_size, r->rx_frames);
}

TEST_F(att, attach_reports_a_sane_layout)
{
	long page = sysconf(_SC_PAGESIZE);
	struct cse_attach r;
	unsigned int mac[6];
	int mtu = 0;
	FILE *f;
	char path[128];

	t_attach_req(&r, self->net.ifindex);
	r.rx_entries = 128;
	r.tx_entries = 32;
	r.ev_entries = 8;
	r.frame_size = 4096;
	ASSERT_EQ(0, attach(self->fd, &r));
	check_ring(_metadata, &r, &r.rx, 128, sizeof(struct cse_desc));
	check_ring(_metadata, &r, &r.tx, 32, sizeof(struct cse_desc));
	check_ring(_metadata, &r, &r.ev, 8, sizeof(struct cse_event));
	EXPECT_EQ(0ULL, r.mmap_size % page);
	EXPECT_EQ(0ULL, r.rx_frames % page);
	EXPECT_EQ(r.rx_frames + 128 * 4096, r.tx_frames);
	EXPECT_TRUE(inside(&r, r.tx_frames, 32 * 4096));
	EXPECT_GE(r.mmap_size, r.tx_frames + 32 * 4096);
	/* the descriptor arrays do not overlap each other */
	EXPECT_LE(r.rx.desc + 128 * sizeof(struct cse_desc), r.tx.desc);
	EXPECT_LE(r.tx.desc + 32 * sizeof(struct cse_desc), r.ev.desc);
	EXPECT_EQ(0U, r.flags);
	/* no socket slots asked for, none laid out */
	EXPECT_EQ(0U, r.sock_entries);
	EXPECT_EQ(0ULL, r.socks);
	EXPECT_EQ(0ULL, r.sock_info);
	/* CSE_FEAT_WAIT_RINGS not negotiated: no sleepers' word */
	EXPECT_EQ(0ULL, r.ring_sleepers);

	snprintf(path, sizeof(path), "/sys/class/net/%s/mtu", self->net.a);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &mtu));
	fclose(f);
	EXPECT_EQ(mtu, (int)r.mtu);
	snprintf(path, sizeof(path), "/sys/class/net/%s/address", self->net.a);
	f = fopen(path, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(6, fscanf(f, "%x:%x:%x:%x:%x:%x", &mac[0], &mac[1],
			    &mac[2], &mac[3], &mac[4], &mac[5]));
	fclose(f);
	for (int i = 0; i < 6; i++)
		EXPECT_EQ(mac[i], r.mac[i]);
}

TEST_F(att, attach_before_hello_ebadfd)
{
	struct cse_attach r;
	int fd = cse_open();

	ASSERT_LE(0, fd);
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(-EBADFD, attach(fd, &r));
	close(fd);
}

TEST_F(att, attach_twice_ebusy)
{
	struct cse_attach r;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(-EBUSY, attach(self->fd, &r));
}

TEST_F(att, attach_unknown_ifindex_enodev)
{
	struct cse_attach r;

	t_attach_req(&r, 0x7ffffff0);
	EXPECT_EQ(-ENODEV, attach(self->fd, &r));
	t_attach_req(&r, 0);
	EXPECT_EQ(-ENODEV, attach(self->fd, &r));
	/* a failed attach leaves the instance free to attach */
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(0, attach(self->fd, &r));
}

/* The peer end lives in another namespace: invisible to this instance. */
TEST_F(att, attach_device_of_another_netns_enodev)
{
	struct cse_attach r;
	int idx = 0;
	FILE *f;
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "ip netns exec %s cat /sys/class/net/%s/ifindex",
		 self->net.ns, self->net.b);
	f = popen(cmd, "r");
	ASSERT_NE(NULL, f);
	ASSERT_EQ(1, fscanf(f, "%d", &idx));
	pclose(f);
	ASSERT_LT(0, idx);
	ASSERT_EQ(0, if_indextoname(idx, (char[IF_NAMESIZE]){0}) != NULL);
	t_attach_req(&r, idx);
	EXPECT_EQ(-ENODEV, attach(self->fd, &r));
}

TEST_F(att, attach_loopback_eopnotsupp)
{
	struct cse_attach r;

	t_attach_req(&r, if_nametoindex("lo"));
	EXPECT_EQ(-EOPNOTSUPP, attach(self->fd, &r));
}

TEST_F(att, attach_bad_sizes_einval)
{
	uint32_t bad_ring[] = { 0, 1, 3, 65, self->hello.max_ring_entries * 2 };
	uint32_t bad_frame[] = { 0, self->hello.min_frame_size / 2,
				 self->hello.min_frame_size + 1,
				 self->hello.max_frame_size * 2 };
	struct cse_attach r;

	for (unsigned int i = 0; i < sizeof(bad_ring) / 4; i++) {
		t_attach_req(&r, self->net.ifindex);
		r.rx_entries = bad_ring[i];
		EXPECT_EQ(-EINVAL, attach(self->fd, &r));
		t_attach_req(&r, self->net.ifindex);
		r.tx_entries = bad_ring[i];
		EXPECT_EQ(-EINVAL, attach(self->fd, &r));
		t_attach_req(&r, self->net.ifindex);
		r.ev_entries = bad_ring[i];
		EXPECT_EQ(-EINVAL, attach(self->fd, &r));
	}
	for (unsigned int i = 0; i < sizeof(bad_frame) / 4; i++) {
		t_attach_req(&r, self->net.ifindex);
		r.frame_size = bad_frame[i];
		EXPECT_EQ(-EINVAL, attach(self->fd, &r));
	}
	/* the limits themselves are accepted */
	t_attach_req(&r, self->net.ifindex);
	r.rx_entries = 2;
	r.frame_size = self->hello.max_frame_size;
	EXPECT_EQ(0, attach(self->fd, &r));
}

TEST_F(att, attach_nonzero_reserved_or_output_field_einval)
{
	size_t from = offsetof(struct cse_attach, mmap_size);
	struct cse_attach r;

	for (size_t off = from; off < sizeof(r); off++) {
		t_attach_req(&r, self->net.ifindex);
		((uint8_t *)&r)[off] = 1;
		EXPECT_EQ(-EINVAL, attach(self->fd, &r)) {
			TH_LOG("byte %zu", off);
		}
	}
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(0, attach(self->fd, &r));
}

/*
 * Unknown flags, and CSE_ATTACH_SOCK_INFO here too: this instance was not
 * granted CSE_FEAT_SOCK_INFO and asks for no socket slots.
 */
TEST_F(att, attach_unknown_flag_einval)
{
	struct cse_attach r;

	for (int bit = 0; bit < 32; bit++) {
		t_attach_req(&r, self->net.ifindex);
		r.flags = 1U << bit;
		EXPECT_EQ(-EINVAL, attach(self->fd, &r));
	}
}

/* Rings and frames beyond max_mem: ENOBUFS, and nothing was attached. */
TEST_F(att, attach_beyond_max_mem_enobufs)
{
	struct cse_attach r;

	t_attach_req(&r, self->net.ifindex);
	r.rx_entries = self->hello.max_ring_entries;
	r.tx_entries = self->hello.max_ring_entries;
	r.frame_size = self->hello.max_frame_size;
	ASSERT_LT(self->hello.max_mem,
		  2ULL * r.rx_entries * r.frame_size) {
		TH_LOG("limits too large for this test");
	}
	EXPECT_EQ(-ENOBUFS, attach(self->fd, &r));
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(0, attach(self->fd, &r));
	EXPECT_GE(self->hello.max_mem, r.mmap_size);
}

TEST_F(att, attach_bad_pointer_efault)
{
	struct cse_attach r;

	EXPECT_EQ(-EFAULT, attach(self->fd, NULL));
	/* the instance is still free to attach */
	t_attach_req(&r, self->net.ifindex);
	EXPECT_EQ(0, attach(self->fd, &r));
}

TEST_F(att, mmap_before_attach_ebadfd)
{
	void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, self->fd, 0);

	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EBADFD, errno);
}

TEST_F(att, mmap_bad_offset_or_length_einval)
{
	long page = sysconf(_SC_PAGESIZE);
	struct cse_attach r;
	struct {
		size_t len;
		off_t off;
		int flags;
	} bad[4];
	void *p;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	bad[0].len = r.mmap_size - page, bad[0].off = page, bad[0].flags = MAP_SHARED;
	bad[1].len = r.mmap_size - page, bad[1].off = 0, bad[1].flags = MAP_SHARED;
	bad[2].len = r.mmap_size + page, bad[2].off = 0, bad[2].flags = MAP_SHARED;
	bad[3].len = r.mmap_size, bad[3].off = 0, bad[3].flags = MAP_PRIVATE;
	for (int i = 0; i < 4; i++) {
		p = mmap(NULL, bad[i].len, PROT_READ | PROT_WRITE, bad[i].flags,
			 self->fd, bad[i].off);
		EXPECT_EQ(MAP_FAILED, p) {
			TH_LOG("case %d mapped", i);
		}
		EXPECT_EQ(EINVAL, errno);
	}
	p = t_map(self->fd, &r);
	ASSERT_NE(NULL, p);
	munmap(p, r.mmap_size);
}

/* Two mappings show the same zeroed memory, and the rings start empty. */
TEST_F(att, mmap_is_shared_and_starts_empty)
{
	struct cse_attach r;
	struct t_ring rx, ev;
	uint8_t *a, *b;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	a = t_map(self->fd, &r);
	b = t_map(self->fd, &r);
	ASSERT_NE(NULL, a);
	ASSERT_NE(NULL, b);
	for (uint64_t i = 0; i < r.mmap_size; i += 512)
		ASSERT_EQ(0, a[i]);
	t_ring(&rx, a, &r.rx);
	t_ring(&ev, a, &r.ev);
	EXPECT_EQ(0U, t_ring_avail(&rx));
	EXPECT_EQ(0U, t_ring_avail(&ev));
	a[r.tx_frames + 7] = 0x5a;
	EXPECT_EQ(0x5a, b[r.tx_frames + 7]);
	munmap(a, r.mmap_size);
	munmap(b, r.mmap_size);
}

/*
 * The device went away: the last event says so (after the DOWN that its
 * deletion implies); returns how many events there were.
 */
static uint32_t expect_unregister_event(struct __test_metadata *_metadata,
					void *area, const struct cse_attach *r)
{
	struct cse_event *ev = NULL;
	struct t_ring ring;
	uint32_t n;

	t_ring(&ring, area, &r->ev);
	n = t_ring_avail(&ring);
	EXPECT_LE(1U, n);
	for (uint32_t i = 0; i < n; i++) {
		ev = t_ring_entry(&ring, *ring.consumer);
		EXPECT_EQ(i + 1ULL, ev->seq);
		EXPECT_EQ(r->ifindex, ev->ifindex);
		if (i + 1 < n)
			EXPECT_NE(CSE_EV_UNREGISTER, (int)ev->type);
		t_ring_release(&ring, 1);
	}
	if (ev)
		EXPECT_EQ(CSE_EV_UNREGISTER, (int)ev->type);
	EXPECT_EQ(0U, t_ring_avail(&ring));
	return n;
}

/*
 * Deleting the device detaches the instance: an event says so, the mapping
 * stays usable, the device's deletion is not held up, and the data path is
 * gone (ENODEV).
 */
TEST_F(att, device_deletion_detaches_with_event)
{
	struct cse_attach r;
	struct cse_stats st;
	void *area;
	uint32_t n;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	area = t_map(self->fd, &r);
	ASSERT_NE(NULL, area);

	ASSERT_EQ(0, t_sh("timeout 20 ip link del %s", self->net.a));
	n = expect_unregister_event(_metadata, area, &r);
	t_attach_req(&r, if_nametoindex("lo"));
	EXPECT_EQ(-ENODEV, attach(self->fd, &r));
	st = t_stats(self->fd);
	EXPECT_EQ((uint64_t)n, st.ev_events);
	EXPECT_EQ(0ULL, st.ev_dropped);
	munmap(area, r.mmap_size);
}

/* Moving the device to another namespace takes it away from the instance. */
TEST_F(att, device_moved_to_another_netns_detaches)
{
	struct cse_attach r;
	void *area;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	area = t_map(self->fd, &r);
	ASSERT_NE(NULL, area);
	ASSERT_EQ(0, t_sh("ip link set %s netns %s", self->net.a, self->net.ns));
	expect_unregister_event(_metadata, area, &r);
	munmap(area, r.mmap_size);
}

/* An instance closed while attached lets go of the device at once. */
TEST_F(att, close_releases_the_device)
{
	struct cse_attach r;
	void *area;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	area = t_map(self->fd, &r);
	ASSERT_NE(NULL, area);
	munmap(area, r.mmap_size);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(0, t_sh("timeout 20 ip link del %s", self->net.a));
}

/* The mapping keeps the instance (and its area) alive after close(). */
TEST_F(att, mapping_outlives_close)
{
	struct cse_attach r;
	uint8_t *area;

	t_attach_req(&r, self->net.ifindex);
	ASSERT_EQ(0, attach(self->fd, &r));
	area = t_map(self->fd, &r);
	ASSERT_NE(NULL, area);
	close(self->fd);
	self->fd = -1;
	area[r.mmap_size - 1] = 1;
	EXPECT_EQ(1, area[r.mmap_size - 1]);
	EXPECT_EQ(0, t_sh("timeout 20 ip link del %s", self->net.a));
	/* the last event says the device went away */
	expect_unregister_event(_metadata, area, &r);
	munmap(area, r.mmap_size);
}

/*
 * An instance opened in a namespace pins it, as a socket does: deleting the
 * namespace's name changes nothing until the instance is closed; then the
 * namespace goes, and its devices with it.
 */
TEST_F(att, namespace_deleted_under_an_instance)
{
	char ns[32], e[IFNAMSIZ], f[IFNAMSIZ];
	int sv[2], pid = getpid(), ms;
	pid_t child;
	char c;

	snprintf(ns, sizeof(ns), "cse-gone-%d", pid);
	snprintf(e, sizeof(e), "cse%de", pid);
	snprintf(f, sizeof(f), "cse%df", pid);
	ASSERT_EQ(0, t_sh("ip netns add %s && ip link add %s type veth peer name %s netns %s && "
			  "ip -n %s link set %s up", ns, e, f, ns, ns, f));
	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		struct cse_attach r;
		struct cse_port p;
		char path[64];
		int nsfd, fd;

		snprintf(path, sizeof(path), "/run/netns/%s", ns);
		nsfd = open(path, O_RDONLY);
		if (nsfd < 0 || setns(nsfd, CLONE_NEWNET))
			_exit(1);
		fd = t_open_attached(if_nametoindex(f), &r);
		t_port_req(&p, IPPROTO_UDP, 0);
		if (fd < 0 || t_reserve(fd, &p) <= 0)
			_exit(2);
		/* hold the instance until told, then close it */
		if (write(sv[1], "a", 1) != 1 || read(sv[1], &c, 1) != 1)
			_exit(3);
		if (t_stats(fd).ring_errors)
			_exit(4);
		close(fd);
		_exit(0);
	}
	ASSERT_EQ(1, read(sv[0], &c, 1));
	ASSERT_EQ(0, t_sh("ip netns del %s", ns));
	usleep(300000);
	/* still pinned: the pair lives on */
	EXPECT_NE(0U, if_nametoindex(e));
	ASSERT_EQ(1, write(sv[0], "c", 1));
	EXPECT_EQ(0, t_wait(child));
	/* closed: the namespace and its veth end go, taking ours along */
	for (ms = 0; ms < 10000 && if_nametoindex(e); ms += 50)
		usleep(50000);
	EXPECT_EQ(0U, if_nametoindex(e));
	t_sh("ip link del %s 2>/dev/null", e);
}

TEST_F(att, stats_start_at_zero_and_check_reserved)
{
	struct cse_stats st;
	int fd;

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, cse_ioctl(self->fd, CSE_IOC_GET_STATS, &st));
	for (size_t i = 0; i < sizeof(st) / 8; i++)
		EXPECT_EQ(0ULL, ((uint64_t *)&st)[i]);
	st.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, cse_ioctl(self->fd, CSE_IOC_GET_STATS, &st));
	fd = cse_open();
	ASSERT_LE(0, fd);
	memset(&st, 0, sizeof(st));
	EXPECT_EQ(-EBADFD, cse_ioctl(fd, CSE_IOC_GET_STATS, &st));
	close(fd);
}

TEST_HARNESS_MAIN
