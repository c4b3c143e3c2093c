// SPDX-License-Identifier: GPL-2.0
/*
 * A module that does nothing but WARN once when loaded. tools/check loads it
 * in the VM to prove that tools/vm/run fails a run in which the kernel
 * warned. Never loaded otherwise.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init cse_vm_warn_init(void)
{
	WARN(1, "cse_vm_warn: deliberate warning for the VM runner's self-test\n");
	return 0;
}

static void __exit cse_vm_warn_exit(void)
{
}

module_init(cse_vm_warn_init);
module_exit(cse_vm_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("cse VM runner self-test: warns on load");
