// SPDX-License-Identifier: GPL-2.0
/*
 * Port ownership. An instance owns a port the way any process does: through
 * a socket bound to it. The module creates that socket in the opener's
 * network namespace with the opener's credentials (as a user socket, not a
 * kernel one, so the LSM and cgroup hooks judge the opener too), so
 * EADDRINUSE, the privileged-port rule and ip_local_port_range hold exactly
 * as for the opener's own sockets, and no other socket can take the port
 * while the instance owns it.
 *
 * With CSE_PORT_SOCKET the caller's own socket holds the port instead: the
 * kernel already judged its bind(), so the module only checks that it is
 * bound, of the right kind and namespace, and keeps its file. Since the
 * caller can still act on that socket (disconnect or close it, connect it
 * to take another local address), a filter matches only while its socket
 * still holds what the filter says (steer.c).
 */
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <net/inet_sock.h>
#include <net/sock.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* CSE_PORT_ACCEPTING: for TCP listening filters, once negotiated. */
static int cse_port_accepting_check(const struct cse_inst *inst, u32 flags,
				    u8 proto)
{
	if (!(flags & CSE_PORT_ACCEPTING))
		return 0;
	if (!(inst->features & CSE_FEAT_SHARED_PORTS))
		return -EINVAL;
	if (proto != IPPROTO_TCP || (flags & CSE_PORT_CONNECTED))
		return -EINVAL;
	return 0;
}

static int cse_port_check(const struct cse_inst *inst,
			  const struct cse_port *p)
{
	if (p->id || (p->flags & ~CSE_PORT_FLAGS_ALL) ||
	    memchr_inv(p->__pad, 0, sizeof(p->__pad)) ||
	    p->__pad2 || p->reserved)
		return -EINVAL;
	if (p->proto != IPPROTO_TCP && p->proto != IPPROTO_UDP)
		return -EINVAL;
	if (p->flags & CSE_PORT_SOCKET) {
		/* The socket says where it is bound; (k) fields from here. */
		if (!(inst->features & CSE_FEAT_PORT_FD) || p->local_addr ||
		    p->local_port)
			return -EINVAL;
	} else if (p->fd) {
		return -EINVAL;
	}
	if (p->flags & CSE_PORT_CONNECTED) {
		if (!p->remote_addr || !p->remote_port)
			return -EINVAL;
	} else if (p->remote_addr || p->remote_port) {
		return -EINVAL;
	}
	return cse_port_accepting_check(inst, p->flags, p->proto);
}

/* socket() and bind() as the opener; fills in the port actually bound. */
static int cse_port_bind(struct cse_inst *inst, struct cse_port *p,
			 struct socket **res)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = p->local_addr,
		.sin_port = p->local_port,
	};
	int type = p->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct socket *sock = NULL;
	const struct cred *old;
	int err;

	old = override_creds(inst->cred);
	err = __sock_create(inst->net, AF_INET, type, p->proto, &sock, 0);
	if (!err)
		err = kernel_bind(sock, (struct sockaddr *)&sin, sizeof(sin));
	revert_creds(old);
	if (err)
		goto err_sock;
	err = kernel_getsockname(sock, (struct sockaddr *)&sin);
	if (err < 0)
		goto err_sock;
	p->local_port = sin.sin_port;
	*res = sock;
	return 0;

err_sock:
	if (sock)
		sock_release(sock);
	return err;
}

/*
 * CSE_PORT_SOCKET: take the caller's socket @p->fd as the holder of the
 * port; fills in the address and port it is bound to.
 */
static int cse_port_adopt(struct cse_inst *inst, struct cse_port *p,
			  struct file **res)
{
	int type = p->proto == IPPROTO_TCP ? SOCK_STREAM : SOCK_DGRAM;
	struct socket *sock;
	struct file *file;
	struct sock *sk;
	int err;

	file = fget(p->fd);
	if (!file)
		return -EBADF;
	err = -ENOTSOCK;
	sock = sock_from_file(file);
	if (!sock)
		goto err_file;
	/* A raw socket of protocol TCP would have a "port" too: the type. */
	err = -EINVAL;
	sk = sock->sk;
	if (!sk || sk->sk_family != AF_INET || sk->sk_type != type ||
	    sk->sk_protocol != p->proto || !net_eq(sock_net(sk), inst->net))
		goto err_file;
	lock_sock(sk);
	p->local_addr = sk->sk_rcv_saddr;
	p->local_port = htons(inet_sk(sk)->inet_num);
	release_sock(sk);
	if (!p->local_port)
		goto err_file;	/* not bound */
	*res = file;
	return 0;

err_file:
	fput(file);
	return err;
}

/* The socket that holds the port, whoever made it. */
static int cse_port_hold(struct cse_inst *inst, struct cse_port *p,
			 struct cse_filter *f)
{
	int err;

	if (p->flags & CSE_PORT_SOCKET) {
		err = cse_port_adopt(inst, p, &f->file);
		if (err)
			return err;
		f->sk = sock_from_file(f->file)->sk;
	} else {
		err = cse_port_bind(inst, p, &f->sock);
		if (err)
			return err;
		f->sk = f->sock->sk;
	}
	/* Steering reads it until a grace period after the filter went. */
	sock_hold(f->sk);
	return 0;
}

/* A new, empty filter of @inst; its id comes with cse_filter_link(). */
struct cse_filter *cse_filter_alloc(struct cse_inst *inst)
{
	struct cse_filter *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (f)
		f->inst = inst;
	return f;
}

static struct cse_filter *cse_filter_create(struct cse_inst *inst,
					    struct cse_port *p)
{
	struct cse_filter *f;
	int err;

	f = cse_filter_alloc(inst);
	if (!f)
		return ERR_PTR(-ENOMEM);
	err = cse_port_hold(inst, p, f);
	if (err) {
		kfree(f);
		return ERR_PTR(err);
	}
	f->laddr = p->local_addr;
	f->raddr = p->remote_addr;
	f->lport = p->local_port;
	f->rport = p->remote_port;
	f->proto = p->proto;
	f->accepting = p->flags & CSE_PORT_ACCEPTING;
	if (cse_steer_shared(f))
		p->flags |= CSE_PORT_SHARED;
	return f;
}

static void cse_filter_free(struct rcu_head *rcu)
{
	struct cse_filter *f = container_of(rcu, struct cse_filter, rcu);

	sock_put(f->sk);
	kfree(f);
}

/*
 * Unlinked from everything; RX readers may still hold it, and look at its
 * socket, until a grace period has passed. The port itself is given back
 * at once (module exit waits for the callbacks: rcu_barrier()).
 */
void cse_filter_destroy(struct cse_filter *f)
{
	if (f->sock)
		sock_release(f->sock);
	if (f->file)
		fput(f->file);
	call_rcu(&f->rcu, cse_filter_free);
}

/*
 * Into the instance's list, where ioctls and dumps find it, with the
 * instance's next id (inst->lock).
 */
void cse_filter_link(struct cse_inst *inst, struct cse_filter *f)
{
	f->id = ++inst->filter_id;
	list_add_tail(&f->node, &inst->filters);
	WRITE_ONCE(inst->nr_filters, inst->nr_filters + 1);
}

/* Out of the instance's list (inst->lock); steering is the caller's. */
void cse_filter_unlink(struct cse_inst *inst, struct cse_filter *f)
{
	list_del(&f->node);
	WRITE_ONCE(inst->nr_filters, inst->nr_filters - 1);
	cse_genl_filter(inst, f, false);
}

static void cse_filter_remove(struct cse_inst *inst, struct cse_filter *f)
{
	cse_steer_del(f);
	cse_filter_unlink(inst, f);
	cse_filter_destroy(f);
}

long cse_ioctl_port_reserve(struct cse_inst *inst, void __user *uarg)
{
	struct cse_filter *f;
	struct cse_port p;
	long ret;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	ret = cse_port_check(inst, &p);
	if (ret)
		return ret;

	mutex_lock(&inst->lock);
	ret = -EBADFD;
	if (!inst->area)
		goto out;
	ret = -ENODEV;
	if (READ_ONCE(inst->gone))
		goto out;
	ret = -ENOSPC;
	if (inst->nr_filters >= CSE_MAX_PORTS)
		goto out;
	f = cse_filter_create(inst, &p);
	if (IS_ERR(f)) {
		ret = PTR_ERR(f);
		goto out;
	}
	p.id = inst->filter_id + 1;
	if (copy_to_user(uarg, &p, sizeof(p))) {
		cse_filter_destroy(f);
		ret = -EFAULT;
		goto out;
	}
	cse_filter_link(inst, f);
	cse_steer_add(f);
	cse_genl_filter(inst, f, true);
	ret = 0;
out:
	mutex_unlock(&inst->lock);
	return ret;
}

/* The instance's filter @id, or NULL (inst->lock held). */
static struct cse_filter *cse_filter_find(struct cse_inst *inst, u32 id)
{
	struct cse_filter *f;

	list_for_each_entry(f, &inst->filters, node)
		if (f->id == id)
			return f;
	return NULL;
}

long cse_ioctl_port_release(struct cse_inst *inst, void __user *uarg)
{
	size_t off = offsetof(struct cse_port, flags);
	struct cse_filter *f;
	struct cse_port p;
	long ret = -ENOENT;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (memchr_inv((u8 *)&p + off, 0, sizeof(p) - off))
		return -EINVAL;

	mutex_lock(&inst->lock);
	f = cse_filter_find(inst, p.id);
	if (f) {
		cse_filter_remove(inst, f);
		ret = 0;
	}
	mutex_unlock(&inst->lock);
	return ret;
}

long cse_ioctl_port_accept(struct cse_inst *inst, void __user *uarg)
{
	size_t off = offsetof(struct cse_port, local_addr);
	struct cse_filter *f;
	struct cse_port p;
	long ret = -ENOENT;

	if (copy_from_user(&p, uarg, sizeof(p)))
		return -EFAULT;
	if (!(inst->features & CSE_FEAT_SHARED_PORTS))
		return -EBADFD;
	if ((p.flags & ~CSE_PORT_ACCEPTING) ||
	    memchr_inv((u8 *)&p + off, 0, sizeof(p) - off))
		return -EINVAL;

	mutex_lock(&inst->lock);
	f = cse_filter_find(inst, p.id);
	if (f) {
		ret = cse_port_accepting_check(inst, CSE_PORT_ACCEPTING,
					       f->proto);
		if (!ret && f->raddr)
			ret = -EINVAL;
		if (!ret)
			WRITE_ONCE(f->accepting, p.flags & CSE_PORT_ACCEPTING);
	}
	mutex_unlock(&inst->lock);
	return ret;
}

/*
 * At release: give back every port. No ioctl runs any more, but netlink
 * dumps (genl.c) may be walking the list.
 */
void cse_port_release_all(struct cse_inst *inst)
{
	struct cse_filter *f, *tmp;

	mutex_lock(&inst->lock);
	list_for_each_entry_safe(f, tmp, &inst->filters, node)
		cse_filter_remove(inst, f);
	mutex_unlock(&inst->lock);
}
