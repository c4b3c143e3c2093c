// SPDX-License-Identifier: GPL-2.0
/* CSE_ADDR and CSE_MAC into the argument of CSE_IOC_ADDR_CLAIM. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "kselftest_harness.h"
#include "dev/addr.h"

TEST(address_and_prefix)
{
	struct cse_addr req, zero;
	char why[128] = "";

	memset(&req, 0xa5, sizeof(req));
	ASSERT_EQ(0, cse_addr_request(&req, "10.0.0.5/24", NULL, why,
				      sizeof(why)));
	EXPECT_EQ(htonl(0x0a000005), req.addr);
	EXPECT_EQ(24, req.prefix_len);
	EXPECT_EQ(0U, req.flags);
	/* everything else goes to the module zeroed */
	memset(&zero, 0, sizeof(zero));
	EXPECT_EQ(0, memcmp(req.mac, zero.mac, sizeof(req.mac)));
	EXPECT_EQ(0, req.__pad);
	EXPECT_EQ(0, memcmp(req.reserved, zero.reserved, sizeof(zero.reserved)));
	EXPECT_STREQ("", why);
	ASSERT_EQ(0, cse_addr_request(&req, "192.168.1.1/32", "", why,
				      sizeof(why)));
	EXPECT_EQ(32, req.prefix_len);
	EXPECT_EQ(0U, req.flags);
	ASSERT_EQ(0, cse_addr_request(&req, "172.16.0.9/1", NULL, why,
				      sizeof(why)));
	EXPECT_EQ(1, req.prefix_len);
}

TEST(with_a_mac)
{
	static const __u8 want[6] = { 0x02, 0x00, 0x5e, 0xab, 0xcd, 0xef };
	struct cse_addr req;
	char why[128];

	ASSERT_EQ(0, cse_addr_request(&req, "10.0.0.5/24", "02:00:5e:AB:cd:eF",
				      why, sizeof(why)));
	EXPECT_EQ(CSE_ADDR_MAC, req.flags);
	EXPECT_EQ(0, memcmp(want, req.mac, 6));
}

TEST(bad_addresses_say_so)
{
	static const char *const bad[] = {
		"10.0.0.5", "10.0.0.5/", "10.0.0.5/0", "10.0.0.5/33",
		"10.0.0.5/24x", "10.0.0.5/-1", "10.0.0/24", "10.0.0.256/24",
		"host/24", "/24", "", "10.0.0.5/ 24", "10.0.0.5/24/1",
		"10.0.0.5/99999999999999999999",
		"111111111111111111111111111111111111111111/24",
	};
	struct cse_addr req;
	char why[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		EXPECT_EQ(-EINVAL, cse_addr_request(&req, bad[i], NULL, why,
						    sizeof(why))) {
			TH_LOG("'%s' taken", bad[i]);
		}
		EXPECT_NE(NULL, strstr(why, "CSE_ADDR="));
	}
	EXPECT_EQ(-EINVAL, cse_addr_request(&req, NULL, NULL, why, sizeof(why)));
}

TEST(bad_macs_say_so)
{
	static const char *const bad[] = {
		"02:00:5e:ab:cd", "02:00:5e:ab:cd:ef:01", "02-00-5e-ab-cd-ef",
		"02:00:5e:ab:cd:eg", "2:0:5e:ab:cd:ef:0", "02:00:5e:ab:cd:e",
		"0200:5e:ab:cd:ef:", "02:00:5e:ab:cd:\xff\xff",
		"02:00:5e:ab:cd:\x10\x11",
	};
	struct cse_addr req;
	char why[128];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = 0;
		EXPECT_EQ(-EINVAL, cse_addr_request(&req, "10.0.0.5/24", bad[i],
						    why, sizeof(why))) {
			TH_LOG("'%s' taken", bad[i]);
		}
		EXPECT_NE(NULL, strstr(why, "CSE_MAC="));
	}
}

TEST_HARNESS_MAIN
