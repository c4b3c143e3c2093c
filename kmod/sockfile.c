// SPDX-License-Identifier: GPL-2.0
/*
 * Socket files (uapi/linux/cse.h, "Socket files"): for each socket the
 * library serves, an anonymous-inode file "[cse-socket]" bound to one slot
 * of the shared area. Being a real file is the point: descriptor numbers,
 * close(), dup(), fork(), SCM_RIGHTS and the kernel's own poll, select and
 * epoll then behave as for any socket, without the library emulating them.
 *
 * This file is the files' life cycle: the slot table, CSE_IOC_SOCKET, the
 * file operations and the release, and the instance's death. How pollers
 * sleep and are woken is in sockwake.c.
 *
 * Lifetime: a socket file holds a reference on its instance, not on the
 * instance's file, so that closing the instance is not held up by its
 * socket files (it kills them: they poll as hung up). The reference keeps
 * the area, and with it the slot and its wait queue, valid for as long as
 * the file exists; the file's module reference (fops->owner, taken by
 * anon_inode_getfile()) keeps rmmod away.
 */
#include <linux/anon_inodes.h>
#include <linux/compat.h>
#include <linux/fcntl.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/net.h>
#include <linux/nospec.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* At attach: the module's side of the slots at offset @socks of the area. */
int cse_socks_create(struct cse_area *area, u64 socks, u32 entries)
{
	struct cse_sock_slot *slots = area->mem + socks;
	u32 i;

	if (!entries)
		return 0;
	area->socks = kvcalloc(entries, sizeof(*area->socks),
			       GFP_KERNEL_ACCOUNT);
	if (!area->socks)
		return -ENOMEM;
	for (i = 0; i < entries; i++) {
		init_waitqueue_head(&area->socks[i].wq);
		area->socks[i].slot = &slots[i];
		area->socks[i].index = i;
	}
	area->sock_entries = entries;
	return 0;
}

/* With the instance: no socket file, and so no poller, is left. */
void cse_socks_destroy(struct cse_area *area)
{
	kvfree(area->socks);
}

static __poll_t cse_sock_poll(struct file *file, poll_table *pt)
{
	struct cse_sock *s = file->private_data;
	__poll_t mask;

	poll_wait(file, &s->wq, pt);
	mask = cse_sock_readiness(s);
	/* A dead instance's files are hung up, whatever their backing says. */
	if ((s->flags & CSE_SOCKET_POLL_BACKING) && !READ_ONCE(s->inst->dead))
		mask |= vfs_poll(s->backing, pt);
	return mask;
}

static long cse_sock_ioctl(struct file *file, unsigned int cmd,
			   unsigned long arg)
{
	if (cmd == CSE_SOCK_IOC_WAIT)
		return cse_sock_ioctl_wait(file, (void __user *)arg);
	/* A known number with another size or direction: a malformed call. */
	if (_IOC_TYPE(cmd) == CSE_IOC_MAGIC &&
	    _IOC_NR(cmd) == _IOC_NR(CSE_SOCK_IOC_WAIT))
		return -EINVAL;
	return -ENOTTY;
}

/*
 * The last reference to the file went (every descriptor, in every
 * process). Under socks_lock, so that the slot is free again exactly when
 * user space can learn that it was released: from the flag or the event.
 */
static int cse_sock_release(struct inode *inode, struct file *file)
{
	struct cse_sock *s = file->private_data;
	struct cse_inst *inst = s->inst;
	unsigned long flags;

	mutex_lock(&inst->socks_lock);
	spin_lock_irqsave(&s->wq.lock, flags);
	cse_slot_kflags_locked(s, CSE_SLOT_RELEASED, 0);
	spin_unlock_irqrestore(&s->wq.lock, flags);
	if (s->backing)
		fput(s->backing);
	s->backing = NULL;
	WRITE_ONCE(s->file, NULL);
	WRITE_ONCE(inst->nr_socks, inst->nr_socks - 1);
	/* A dead instance has no reader and no eventfd left to signal. */
	if (!inst->dead)
		cse_event_post(inst, CSE_EV_SOCK_RELEASED, 0, s->index, 0);
	mutex_unlock(&inst->socks_lock);
	cse_inst_put(inst);
	return 0;
}

static void cse_sock_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct cse_sock *s = file->private_data;

	seq_printf(m, "cse-instance:\t%u\ncse-slot:\t%u\n", s->inst->id,
		   s->index);
}

static const struct file_operations cse_sock_fops = {
	.owner = THIS_MODULE,
	.release = cse_sock_release,
	.poll = cse_sock_poll,
	.unlocked_ioctl = cse_sock_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = cse_sock_show_fdinfo,
	.llseek = noop_llseek,
};

/* The slot of a socket file of ours, or NULL for any other file. */
struct cse_sock *cse_sock_of(struct file *file)
{
	return file->f_op == &cse_sock_fops ? file->private_data : NULL;
}

static int cse_socket_check(const struct cse_socket *req)
{
	if (req->flags & ~CSE_SOCKET_FLAGS_ALL)
		return -EINVAL;
	if (req->fd || req->reserved[0] || req->reserved[1])
		return -EINVAL;
	if ((req->flags & CSE_SOCKET_POLL_BACKING) && req->backing_fd == -1)
		return -EINVAL;
	return 0;
}

/* The kernel socket a file may hold: a reference to its file, or NULL. */
static struct file *cse_socket_backing(int fd)
{
	struct file *file;

	if (fd == -1)
		return NULL;
	file = fget(fd);
	if (!file)
		return ERR_PTR(-EBADF);
	if (!sock_from_file(file)) {
		fput(file);
		return ERR_PTR(-ENOTSOCK);
	}
	return file;
}

/*
 * Create the file of a free slot; the caller installs its descriptor once
 * nothing can fail any more. Under socks_lock.
 */
static struct file *cse_socket_file(struct cse_inst *inst, struct cse_sock *s,
				    const struct cse_socket *req,
				    struct file *backing)
{
	int oflags = O_RDWR;
	struct file *file;
	unsigned long flags;

	if (s->file)
		return ERR_PTR(-EBUSY);
	if (req->flags & CSE_SOCKET_NONBLOCK)
		oflags |= O_NONBLOCK;
	s->inst = inst;
	s->flags = req->flags;
	s->backing = backing;
	file = anon_inode_getfile("[cse-socket]", &cse_sock_fops, s, oflags);
	if (IS_ERR(file)) {
		s->backing = NULL;
		return file;
	}
	/* No poller yet: the flags of the slot's last file go. */
	spin_lock_irqsave(&s->wq.lock, flags);
	cse_slot_kflags_locked(s, 0, ~0U);
	spin_unlock_irqrestore(&s->wq.lock, flags);
	cse_inst_get(inst);
	WRITE_ONCE(s->file, file);
	WRITE_ONCE(inst->nr_socks, inst->nr_socks + 1);
	return file;
}

/* CSE_IOC_SOCKET */
long cse_ioctl_socket(struct cse_inst *inst, void __user *uarg)
{
	struct file *backing, *file;
	struct cse_socket req;
	struct cse_area *area;
	int fd;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!(inst->features & CSE_FEAT_SOCKETS))
		return -EOPNOTSUPP;
	ret = cse_socket_check(&req);
	if (ret)
		return ret;
	/* Pairs with the release in cse_ioctl_attach(). */
	area = smp_load_acquire(&inst->poll_area);
	if (!area || !area->sock_entries)
		return -EBADFD;
	if (req.slot >= area->sock_entries)
		return -EINVAL;
	req.slot = array_index_nospec(req.slot, area->sock_entries);

	backing = cse_socket_backing(req.backing_fd);
	if (IS_ERR(backing))
		return PTR_ERR(backing);
	fd = get_unused_fd_flags(req.flags & CSE_SOCKET_CLOEXEC ? O_CLOEXEC : 0);
	if (fd < 0) {
		ret = fd;
		goto err_backing;
	}
	/*
	 * The reply before the file: a file, once made, can only be fput(),
	 * and its release would tell user space about a socket it never had.
	 */
	req.fd = fd;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		goto err_fd;
	}
	mutex_lock(&inst->socks_lock);
	file = cse_socket_file(inst, &area->socks[req.slot], &req, backing);
	mutex_unlock(&inst->socks_lock);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_fd;
	}
	fd_install(fd, file);
	return 0;

err_fd:
	put_unused_fd(fd);
err_backing:
	if (backing)
		fput(backing);
	return ret;
}

/*
 * The instance's own file was released. Its socket files live on until
 * their last descriptor goes, but from now on they poll as hung up: wake
 * whoever sleeps on them to see it. Under socks_lock, so that no release
 * posts an event after this.
 */
void cse_socks_kill(struct cse_inst *inst)
{
	struct cse_area *area = inst->area;
	u32 i;

	mutex_lock(&inst->socks_lock);
	WRITE_ONCE(inst->dead, true);
	for (i = 0; area && i < area->sock_entries; i++) {
		if (area->socks[i].file)
			cse_sock_wake_dead(&area->socks[i]);
	}
	mutex_unlock(&inst->socks_lock);
}
