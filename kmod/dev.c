// SPDX-License-Identifier: GPL-2.0
/*
 * The character device /dev/cse: one instance per open file, and the ioctl
 * dispatcher. Ioctls are looked up by number in a table; the table entry says
 * whether the handshake must have happened first, so that rule is enforced in
 * exactly one place.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sysfs.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/*
 * The device is meant to be opened by unprivileged processes: everything an
 * instance may send or receive is checked against what its opener could do
 * with ordinary sockets (see Documentation/). Sites that want to restrict it
 * further load the module with dev_mode=0660 and give the device a group
 * with a udev rule.
 */
static umode_t dev_mode = 0666;

static int cse_dev_mode_set(const char *val, const struct kernel_param *kp)
{
	u16 mode;
	int err;

	err = kstrtou16(val, 8, &mode);
	if (err)
		return err;
	if (mode & ~0666)
		return -EINVAL;	/* read and write bits only */
	*(umode_t *)kp->arg = mode;
	return 0;
}

static int cse_dev_mode_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "0%03o\n", *(umode_t *)kp->arg);
}

static const struct kernel_param_ops cse_dev_mode_ops = {
	.set = cse_dev_mode_set,
	.get = cse_dev_mode_get,
};

module_param_cb(dev_mode, &cse_dev_mode_ops, &dev_mode, 0444);
MODULE_PARM_DESC(dev_mode, "File mode of /dev/cse, octal (default 0666)");

struct cse_ioctl_desc {
	unsigned int cmd;
	bool needs_hello;
	long (*fn)(struct cse_inst *inst, void __user *uarg);
};

static const struct cse_ioctl_desc cse_ioctls[] = {
	[_IOC_NR(CSE_IOC_HELLO)] = { CSE_IOC_HELLO, false, cse_ioctl_hello },
	[_IOC_NR(CSE_IOC_GET_INFO)] = { CSE_IOC_GET_INFO, true,
					cse_ioctl_get_info },
	[_IOC_NR(CSE_IOC_ATTACH)] = { CSE_IOC_ATTACH, true, cse_ioctl_attach },
	[_IOC_NR(CSE_IOC_GET_STATS)] = { CSE_IOC_GET_STATS, true,
					 cse_ioctl_get_stats },
	[_IOC_NR(CSE_IOC_PORT_RESERVE)] = { CSE_IOC_PORT_RESERVE, true,
					    cse_ioctl_port_reserve },
	[_IOC_NR(CSE_IOC_PORT_RELEASE)] = { CSE_IOC_PORT_RELEASE, true,
					    cse_ioctl_port_release },
	[_IOC_NR(CSE_IOC_TX_KICK)] = { CSE_IOC_TX_KICK, true, cse_ioctl_tx_kick },
	[_IOC_NR(CSE_IOC_SET_EVENTFD)] = { CSE_IOC_SET_EVENTFD, true,
					   cse_ioctl_set_eventfd },
	[_IOC_NR(CSE_IOC_SOCKET)] = { CSE_IOC_SOCKET, true, cse_ioctl_socket },
	[_IOC_NR(CSE_IOC_SOCK_WAKE)] = { CSE_IOC_SOCK_WAKE, true,
					 cse_ioctl_sock_wake },
	[_IOC_NR(CSE_IOC_PORT_ACCEPT)] = { CSE_IOC_PORT_ACCEPT, true,
					   cse_ioctl_port_accept },
	[_IOC_NR(CSE_IOC_ADDR_CLAIM)] = { CSE_IOC_ADDR_CLAIM, true,
					  cse_ioctl_addr_claim },
	[_IOC_NR(CSE_IOC_SOCK_ADOPT)] = { CSE_IOC_SOCK_ADOPT, true,
					  cse_ioctl_sock_adopt },
	[_IOC_NR(CSE_IOC_SOCK_HANDOVER)] = { CSE_IOC_SOCK_HANDOVER, true,
					     cse_ioctl_sock_handover },
};

static int cse_dev_open(struct inode *inode, struct file *file)
{
	struct cse_inst *inst;

	inst = cse_inst_create();
	if (IS_ERR(inst))
		return PTR_ERR(inst);
	inst->file = file;
	file->private_data = inst;
	return 0;
}

static int cse_dev_release(struct inode *inode, struct file *file)
{
	cse_inst_close(file->private_data);
	return 0;
}

static long cse_dev_ioctl(struct file *file, unsigned int cmd,
			  unsigned long arg)
{
	struct cse_inst *inst = file->private_data;
	const struct cse_ioctl_desc *desc;
	unsigned int nr = _IOC_NR(cmd);

	if (_IOC_TYPE(cmd) != CSE_IOC_MAGIC || nr >= ARRAY_SIZE(cse_ioctls) ||
	    !cse_ioctls[nr].fn)
		return -ENOTTY;
	desc = &cse_ioctls[nr];
	/* A known number with another size or direction: a malformed call. */
	if (cmd != desc->cmd)
		return -EINVAL;
	/* Pairs with the release in cse_ioctl_hello(). */
	if (desc->needs_hello && !smp_load_acquire(&inst->ready))
		return -EBADFD;
	return desc->fn(inst, (void __user *)arg);
}

/* The shared area; see cse_area_mmap() for what is accepted. */
static int cse_dev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct cse_inst *inst = file->private_data;
	int ret = -EBADFD;

	mutex_lock(&inst->lock);
	if (inst->area)
		ret = cse_area_mmap(inst->area, vma);
	mutex_unlock(&inst->lock);
	return ret;
}

static __poll_t cse_dev_poll(struct file *file, poll_table *wait)
{
	struct cse_inst *inst = file->private_data;

	poll_wait(file, &inst->wq, wait);
	/*
	 * D: queued before the rings are read; pairs with the barriers of
	 * cse_rx_was_empty() and wq_has_sleeper() in cse_inst_wake().
	 */
	smp_mb();
	return cse_inst_poll(inst);
}

static const struct file_operations cse_dev_fops = {
	.owner = THIS_MODULE,
	.open = cse_dev_open,
	.release = cse_dev_release,
	.unlocked_ioctl = cse_dev_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.mmap = cse_dev_mmap,
	.poll = cse_dev_poll,
	.llseek = noop_llseek,
};

static struct miscdevice cse_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CSE_DEVICE_NAME,
	.fops = &cse_dev_fops,
};

int cse_dev_init(void)
{
	cse_miscdev.mode = dev_mode;
	return misc_register(&cse_miscdev);
}

void cse_dev_uninit(void)
{
	misc_deregister(&cse_miscdev);
}
