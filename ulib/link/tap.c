// SPDX-License-Identifier: GPL-2.0
/*
 * TAP backend: one read() is one frame in, one write() one frame out, so
 * the link ops are thin wrappers. The MTU is the interface's, read once at
 * open; the kernel-side interface has its own MAC, ours is the caller's.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tap.h"

struct cse_tap {
	int fd;
	unsigned int mtu;
	uint8_t mac[CSE_ETH_ALEN];
	char name[IFNAMSIZ];
	uint8_t *txbuf;		/* the frame tx_get lends: MTU + header */
};

static int cse_tap_xmit(void *priv, const void *frame, size_t len)
{
	struct cse_tap *t = priv;
	ssize_t n = write(t->fd, frame, len);

	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == EAGAIN)
		return -ENOBUFS;
	return -errno;
}

static int cse_tap_tx_get(void *priv, size_t len, void **frame)
{
	struct cse_tap *t = priv;

	if (len > t->mtu + CSE_ETH_HLEN)
		return -EMSGSIZE;
	*frame = t->txbuf;
	return 0;
}

static int cse_tap_tx_commit(void *priv, void *frame, size_t len)
{
	struct cse_tap *t = priv;

	if (frame != t->txbuf || len > t->mtu + CSE_ETH_HLEN)
		return -EINVAL;
	return cse_tap_xmit(priv, frame, len);
}

static int cse_tap_recv(void *priv, void *buf, size_t cap)
{
	struct cse_tap *t = priv;
	ssize_t n = read(t->fd, buf, cap);

	if (n >= 0)
		return (int)n;
	return errno == EAGAIN || errno == EINTR ? 0 : -errno;
}

static unsigned int cse_tap_mtu(void *priv)
{
	return ((struct cse_tap *)priv)->mtu;
}

static void cse_tap_mac(void *priv, uint8_t mac[CSE_ETH_ALEN])
{
	memcpy(mac, ((struct cse_tap *)priv)->mac, CSE_ETH_ALEN);
}

static const struct cse_link_ops cse_tap_ops = {
	.xmit = cse_tap_xmit,
	.tx_get = cse_tap_tx_get,
	.tx_commit = cse_tap_tx_commit,
	.recv = cse_tap_recv,
	.mtu = cse_tap_mtu,
	.mac = cse_tap_mac,
};

/* The interface MTU, through the one ioctl that needs a socket. */
static int cse_tap_read_mtu(struct cse_tap *t)
{
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), err = 0;

	if (s < 0)
		return -errno;
	memcpy(ifr.ifr_name, t->name, IFNAMSIZ);
	if (ioctl(s, SIOCGIFMTU, &ifr))
		err = -errno;
	else
		t->mtu = (unsigned int)ifr.ifr_mtu;
	close(s);
	return err;
}

int cse_tap_open(const char *name, const uint8_t mac[CSE_ETH_ALEN],
		 struct cse_tap **out)
{
	struct ifreq ifr = { .ifr_flags = IFF_TAP | IFF_NO_PI };
	struct cse_tap *t;
	int err;

	if (strlen(name) >= IFNAMSIZ || (mac[0] & 1))
		return -EINVAL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	strcpy(ifr.ifr_name, name);
	t->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (t->fd < 0 || ioctl(t->fd, TUNSETIFF, &ifr)) {
		err = -errno;
		goto fail;
	}
	memcpy(t->name, ifr.ifr_name, IFNAMSIZ);
	memcpy(t->mac, mac, CSE_ETH_ALEN);
	err = cse_tap_read_mtu(t);
	if (err)
		goto fail;
	t->txbuf = malloc(t->mtu + CSE_ETH_HLEN);
	if (!t->txbuf) {
		err = -ENOMEM;
		goto fail;
	}
	*out = t;
	return 0;
fail:
	if (t->fd >= 0)
		close(t->fd);
	free(t);
	return err;
}

void cse_tap_close(struct cse_tap *t)
{
	if (!t)
		return;
	close(t->fd);
	free(t->txbuf);
	free(t);
}

struct cse_link cse_tap_link(struct cse_tap *t)
{
	return (struct cse_link){ .ops = &cse_tap_ops, .priv = t };
}

int cse_tap_fd(const struct cse_tap *t)
{
	return t->fd;
}

const char *cse_tap_name(const struct cse_tap *t)
{
	return t->name;
}
