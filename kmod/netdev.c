// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching instances to network devices, and following those devices.
 *
 * Locking: an instance's attachment (inst->dev, inst->node, the list of
 * attached instances) changes under RTNL only, so the netdevice notifier,
 * which runs under RTNL, sees it consistently and never needs inst->lock
 * (attach takes inst->lock, then RTNL: the notifier must not take them in the
 * other order).
 */
#include <linux/etherdevice.h>
#include <linux/if_arp.h>
#include <linux/inetdevice.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/uaccess.h>

#include "cse.h"
#include "../uapi/linux/cse.h"

/* Every attached instance, whatever its device (RTNL). */
static LIST_HEAD(cse_attached);

/*
 * Everything from @mmap_size on is written by the module, padding or
 * reserved, and must arrive zeroed; but for @sock_entries, an input that
 * cse_area_check() judges.
 */
static bool cse_attach_valid(const struct cse_attach *req)
{
	size_t off = offsetof(struct cse_attach, mmap_size);
	size_t in = offsetof(struct cse_attach, sock_entries);
	size_t after = in + sizeof(req->sock_entries);

	return !memchr_inv((const u8 *)req + off, 0, in - off) &&
	       !memchr_inv((const u8 *)req + after, 0, sizeof(*req) - after);
}

/* A device an instance can use: a real Ethernet device. */
static int cse_dev_usable(const struct net_device *dev)
{
	if (dev->type != ARPHRD_ETHER || dev->addr_len != ETH_ALEN ||
	    (dev->flags & IFF_LOOPBACK))
		return -EOPNOTSUPP;
	return 0;
}

static int cse_attach_locked(struct cse_inst *inst, struct net_device *dev)
{
	int err;

	ASSERT_RTNL();
	err = cse_rx_start(inst, dev);
	if (err)
		return err;
	netdev_hold(dev, &inst->dev_tracker, GFP_KERNEL);
	inst->carrier = netif_carrier_ok(dev);
	WRITE_ONCE(inst->ifindex, dev->ifindex);
	rcu_assign_pointer(inst->dev, dev);
	list_add(&inst->node, &cse_attached);
	cse_genl_attach(inst, dev);
	return 0;
}

/*
 * TX may still use the device it read under RCU: the unregistration waits
 * for a grace period (and for the references TX takes) before freeing it.
 */
static void cse_detach_locked(struct cse_inst *inst)
{
	struct net_device *dev = rtnl_dereference(inst->dev);

	if (!dev)
		return;
	list_del(&inst->node);
	cse_ident_release(inst);
	cse_rx_stop(inst, dev);
	RCU_INIT_POINTER(inst->dev, NULL);
	cse_genl_detach(inst, dev->ifindex);
	netdev_put(dev, &inst->dev_tracker);
}

/* Find, check and attach the device; fills the reply's device fields. */
static int cse_attach_dev(struct cse_inst *inst, struct cse_attach *req)
{
	struct net_device *dev;
	int err = -ENODEV;

	rtnl_lock();
	dev = __dev_get_by_index(inst->net, req->ifindex);
	if (!dev)
		goto out;
	err = cse_dev_usable(dev);
	if (err)
		goto out;
	req->mtu = dev->mtu;
	ether_addr_copy(req->mac, dev->dev_addr);
	err = cse_attach_locked(inst, dev);
out:
	rtnl_unlock();
	return err;
}

long cse_ioctl_attach(struct cse_inst *inst, void __user *uarg)
{
	struct cse_attach req;
	struct cse_area *area;
	long ret;

	if (copy_from_user(&req, uarg, sizeof(req)))
		return -EFAULT;
	if (!cse_attach_valid(&req))
		return -EINVAL;
	ret = cse_area_check(&req, &inst->limits, inst->features);
	if (ret)
		return ret;

	mutex_lock(&inst->lock);
	if (inst->area) {
		ret = READ_ONCE(inst->gone) ? -ENODEV : -EBUSY;
		goto out_unlock;
	}
	area = cse_area_create(&req, &inst->limits);
	if (IS_ERR(area)) {
		ret = PTR_ERR(area);
		goto out_unlock;
	}
	if (inst->features & CSE_FEAT_WAIT_RINGS)
		cse_area_ring_sleepers(area, &req);
	/* Published before the device: the notifier uses it once attached. */
	inst->area = area;
	ret = cse_attach_dev(inst, &req);
	if (ret)
		goto err_area;
	if (copy_to_user(uarg, &req, sizeof(req))) {
		ret = -EFAULT;
		goto err_detach;
	}
	/* Pairs with the acquire in cse_inst_poll(). */
	smp_store_release(&inst->poll_area, area);
	mutex_unlock(&inst->lock);
	return 0;

err_detach:
	rtnl_lock();
	cse_detach_locked(inst);
	rtnl_unlock();
	synchronize_net();	/* the RX hook may have been running */
err_area:
	inst->area = NULL;
	cse_area_destroy(area);
out_unlock:
	mutex_unlock(&inst->lock);
	return ret;
}

/* At release: detach if still attached. The area is freed by the caller. */
void cse_netdev_release(struct cse_inst *inst)
{
	rtnl_lock();
	cse_detach_locked(inst);
	rtnl_unlock();
}

/* Tell an instance about its device: its EV ring and the events group. */
static void cse_netdev_tell(struct cse_inst *inst, struct net_device *dev,
			    u32 type, u32 value, u32 value2)
{
	cse_event_post(inst, type, dev->ifindex, value, value2);
	cse_genl_dev_event(inst, type, dev->ifindex, value, value2);
}

/* Post an event to every instance attached to @dev. */
static void cse_netdev_post(struct net_device *dev, u32 type, u32 value,
			    u32 value2)
{
	struct cse_inst *inst;

	list_for_each_entry(inst, &cse_attached, node) {
		if (rtnl_dereference(inst->dev) == dev)
			cse_netdev_tell(inst, dev, type, value, value2);
	}
}

/*
 * NETDEV_CHANGE covers more than the carrier: report only real carrier
 * transitions, as each instance last saw them.
 */
static void cse_netdev_carrier(struct net_device *dev)
{
	bool on = netif_carrier_ok(dev);
	struct cse_inst *inst;

	list_for_each_entry(inst, &cse_attached, node) {
		if (rtnl_dereference(inst->dev) != dev || inst->carrier == on)
			continue;
		inst->carrier = on;
		cse_netdev_tell(inst, dev, CSE_EV_CARRIER, on, 0);
	}
}

/* The device is going away: tell its instances and let go of it. */
static void cse_netdev_unregister(struct net_device *dev)
{
	struct cse_inst *inst, *tmp;

	list_for_each_entry_safe(inst, tmp, &cse_attached, node) {
		if (rtnl_dereference(inst->dev) != dev)
			continue;
		WRITE_ONCE(inst->gone, true);
		cse_netdev_tell(inst, dev, CSE_EV_UNREGISTER, 0, 0);
		cse_detach_locked(inst);
		cse_inst_wake_all(inst);
	}
}

static int cse_netdev_event(struct notifier_block *nb, unsigned long event,
			    void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	switch (event) {
	case NETDEV_UNREGISTER:
		cse_netdev_unregister(dev);
		break;
	case NETDEV_UP:
		cse_netdev_post(dev, CSE_EV_UP, 0, 0);
		break;
	case NETDEV_DOWN:
		cse_netdev_post(dev, CSE_EV_DOWN, 0, 0);
		break;
	case NETDEV_CHANGE:
		cse_netdev_carrier(dev);
		break;
	case NETDEV_CHANGEMTU:
		cse_netdev_post(dev, CSE_EV_MTU, dev->mtu, 0);
		break;
	}
	return NOTIFY_DONE;
}

/* IPv4 addresses of attached devices; called under RTNL. */
static int cse_inetaddr_event(struct notifier_block *nb, unsigned long event,
			      void *ptr)
{
	const struct in_ifaddr *ifa = ptr;
	u32 addr = (__force u32)ifa->ifa_local;

	ASSERT_RTNL();
	if (event == NETDEV_UP)
		cse_netdev_post(ifa->ifa_dev->dev, CSE_EV_ADDR_ADD, addr,
				ifa->ifa_prefixlen);
	else if (event == NETDEV_DOWN)
		cse_netdev_post(ifa->ifa_dev->dev, CSE_EV_ADDR_DEL, addr,
				ifa->ifa_prefixlen);
	return NOTIFY_DONE;
}

static struct notifier_block cse_netdev_nb = {
	.notifier_call = cse_netdev_event,
};

static struct notifier_block cse_inetaddr_nb = {
	.notifier_call = cse_inetaddr_event,
};

int cse_netdev_init(void)
{
	int err;

	err = register_netdevice_notifier(&cse_netdev_nb);
	if (err)
		return err;
	err = register_inetaddr_notifier(&cse_inetaddr_nb);
	if (err)
		goto err_netdev;
	return 0;

err_netdev:
	unregister_netdevice_notifier(&cse_netdev_nb);
	return err;
}

void cse_netdev_uninit(void)
{
	unregister_inetaddr_notifier(&cse_inetaddr_nb);
	unregister_netdevice_notifier(&cse_netdev_nb);
}
