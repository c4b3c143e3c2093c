// SPDX-License-Identifier: GPL-2.0
/* Changes of the link under a running stack. */
#include <errno.h>
#include <stdlib.h>

#include "eth.h"
#include "priv.h"
#include "sock.h"
#include "tcp.h"

int cse_stack_set_mtu(struct cse_stack *st, unsigned int mtu)
{
	struct cse_list *pos;

	if (mtu < 576 || mtu > 65535)
		return -EINVAL;
	if (mtu + CSE_ETH_HLEN > st->rxcap) {
		void *rx = realloc(st->rxbuf, mtu + CSE_ETH_HLEN), *tx;

		if (!rx)
			return -ENOMEM;
		st->rxbuf = rx;
		tx = realloc(st->txbuf, mtu + CSE_ETH_HLEN);
		if (!tx)
			return -ENOMEM;
		st->txbuf = tx;
		st->rxcap = mtu + CSE_ETH_HLEN;
	}
	st->mtu = mtu;
	for (pos = st->socks.next; pos != &st->socks; pos = pos->next) {
		struct cse_sock *s = cse_container_of(pos, struct cse_sock,
						      node);

		if (s->ops == &cse_tcp_ops)
			cse_tcp_pmtu((struct cse_tcp_sock *)s, mtu);
	}
	return 0;
}
