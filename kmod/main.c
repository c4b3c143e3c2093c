// SPDX-License-Identifier: GPL-2.0
/*
 * cse.ko: the kernel half of cse, user-mode critical system elements. This
 * file is only the init/exit ladder; each concern lives in its own file.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/rcupdate.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

static int __init cse_init(void)
{
	int err;

	err = cse_netdev_init();
	if (err)
		return err;
	err = cse_ident_init();
	if (err)
		goto err_netdev;
	/* Before the device: every instance is announced. */
	err = cse_genl_init();
	if (err)
		goto err_ident;
	err = cse_dev_init();
	if (err)
		goto err_genl;

	pr_info("ABI %u.%u loaded\n", CSE_ABI_MAJOR, CSE_ABI_MINOR);
	return 0;

err_genl:
	cse_genl_uninit();
err_ident:
	cse_ident_uninit();
err_netdev:
	cse_netdev_uninit();
	return err;
}

/*
 * The module cannot be removed while any instance exists: each open file of
 * /dev/cse, and each socket file, holds a reference on it (fops.owner), so
 * rmmod fails with EBUSY until the last one is closed. A netlink dump under
 * way holds one too.
 */
static void __exit cse_exit(void)
{
	/*
	 * First the family: unregistering waits for requests under way, which
	 * may hold an instance (dumps that continue later hold the module).
	 */
	cse_genl_uninit();
	cse_dev_uninit();
	cse_ident_uninit();
	cse_netdev_uninit();
	/* Filters are freed by RCU callbacks of ours (port.c). */
	rcu_barrier();
	cse_inst_uninit();
}

module_init(cse_init);
module_exit(cse_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cse: frame rings and events for user-mode TCP/IP stacks");
MODULE_AUTHOR("The cse developers");
