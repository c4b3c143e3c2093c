// SPDX-License-Identifier: GPL-2.0
/*
 * TCP timers. The retransmission timer (RFC 6298) doubles as the persist
 * timer: when it fires with nothing in flight, the peer's window was zero
 * and it probes instead. The state timer ends TIME-WAIT (2 MSL) and an
 * orphaned FIN-WAIT-2 (Linux's tcp_fin_timeout).
 */
#include <errno.h>

#include "priv.h"
#include "tcp.h"

static void cse_tcp_rtx_fire(struct cse_timer *t, uint64_t now);
static void cse_tcp_state_fire(struct cse_timer *t, uint64_t now);
static void cse_tcp_keep_fire(struct cse_timer *t, uint64_t now);
static void cse_tcp_delack_fire(struct cse_timer *t, uint64_t now);

void cse_tcp_timers_init(struct cse_tcp_sock *tp)
{
	cse_timer_init(&tp->rtx_timer, cse_tcp_rtx_fire);
	cse_timer_init(&tp->state_timer, cse_tcp_state_fire);
	cse_timer_init(&tp->keep_timer, cse_tcp_keep_fire);
	cse_timer_init(&tp->delack_timer, cse_tcp_delack_fire);
	cse_tcp_rack_timers_init(tp);
	cse_tcp_tlp_timers_init(tp);
	cse_tcp_rack_init(tp);
}

/*
 * Delayed ACKs (RFC 1122 4.2.3.2, RFC 9293 3.8.6.3): the first segments of
 * a connection are ACKed at once (Linux's quick-ACK mode, so slow start
 * is not held back), then every second full-sized segment, and anything
 * else within tcp_delack_ns.
 */
void cse_tcp_ack_later(struct cse_tcp_sock *tp, uint32_t n)
{
	struct cse_stack *st = tp->sk.st;
	uint32_t full = tp->mss < st->mtu - 40 ? tp->mss : st->mtu - 40;

	tp->rcv_unacked += n;
	if (tp->quickacks) {
		tp->quickacks--;
		cse_tcp_send_ack(tp);
	} else if (tp->rcv_unacked >= 2 * full) {
		cse_tcp_send_ack(tp);
	} else if (!cse_timer_pending(&tp->delack_timer)) {
		cse_timer_mod(&st->timers, &tp->delack_timer,
			      cse_now(st) + st->cfg.tcp_delack_ns);
	}
}

static void cse_tcp_delack_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   delack_timer);

	(void)now;
	cse_tcp_send_ack(tp);
}

void cse_tcp_rearm_rtx(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;

	cse_timer_mod(&st->timers, &tp->rtx_timer, cse_now(st) + tp->rto);
}

static uint64_t cse_tcp_clamp_rto(const struct cse_tcp_sock *tp,
				  uint64_t rto)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;

	if (rto < c->tcp_rto_min_ns)
		return c->tcp_rto_min_ns;
	return rto > c->tcp_rto_max_ns ? c->tcp_rto_max_ns : rto;
}

/* RFC 6298 2.2 and 2.3, with alpha 1/8, beta 1/4, K 4. */
void cse_tcp_rtt_sample(struct cse_tcp_sock *tp, uint64_t rtt)
{
	if (!tp->srtt) {
		tp->srtt = rtt;
		tp->rttvar = rtt / 2;
	} else {
		uint64_t err = rtt > tp->srtt ? rtt - tp->srtt :
			       tp->srtt - rtt;

		tp->rttvar = (3 * tp->rttvar + err) / 4;
		tp->srtt = (7 * tp->srtt + rtt) / 8;
	}
	tp->rto = cse_tcp_clamp_rto(tp, tp->srtt + 4 * tp->rttvar);
}

static unsigned int cse_tcp_max_retries(const struct cse_tcp_sock *tp)
{
	const struct cse_stack_config *c = &tp->sk.st->cfg;

	if (tp->state == CSE_TCP_SYN_SENT)
		return c->tcp_syn_retries;
	if (tp->state == CSE_TCP_SYN_RECEIVED)
		return c->tcp_synack_retries;
	return c->tcp_retries2;
}

static void cse_tcp_rtx_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   rtx_timer);

	(void)now;
	if (tp->retries >= cse_tcp_max_retries(tp)) {
		/* Linux: ETIMEDOUT, unless an ICMP error said more. */
		int err = tp->soft_err ? tp->soft_err : ETIMEDOUT;

		if (tp->state != CSE_TCP_SYN_SENT)
			cse_tcp_send_rst(tp);
		cse_tcp_done(tp, err);
		return;
	}
	tp->retries++;
	cse_timer_del(&tp->tlp_timer);
	/* RFC 6298 5.5: back off, up to the maximum. */
	tp->rto = cse_tcp_clamp_rto(tp, tp->rto * 2);
	if (tp->snd_una == tp->snd_max && tp->state >= CSE_TCP_ESTABLISHED) {
		cse_tcp_probe_window(tp);
	} else {
		if (tp->state >= CSE_TCP_ESTABLISHED) {
			tp->sk.st->stats.tcp_rto++;
			cse_tcp_timeout_cwnd(tp);
			cse_tcp_recovery_timeout(tp);
		}
		cse_tcp_retransmit(tp);
	}
	cse_tcp_rearm_rtx(tp);
}

static void cse_tcp_state_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   state_timer);

	(void)now;
	cse_tcp_done(tp, 0);
}

void cse_tcp_enter_time_wait(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;

	/*
	 * Everything we sent is acknowledged, and an orphan has nothing to
	 * read: like Linux's timewait sockets, keep only the state.
	 */
	cse_ring_free(&st->mem, &tp->sndbuf);
	if (tp->orphan) {
		cse_ring_free(&st->mem, &tp->rcvbuf);
		cse_pbq_purge(&st->mem, &tp->ooo);
	}
	cse_timer_del(&tp->rtx_timer);
	cse_timer_del(&tp->reo_timer);
	cse_timer_del(&tp->tlp_timer);
	cse_tcp_set_state(tp, CSE_TCP_TIME_WAIT);
	cse_timer_mod(&st->timers, &tp->state_timer,
		      cse_now(st) + st->cfg.tcp_time_wait_ns);
}

void cse_tcp_arm_fin_timeout(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;

	cse_timer_mod(&st->timers, &tp->state_timer,
		      cse_now(st) + st->cfg.tcp_fin_timeout_ns);
}

static bool cse_tcp_keep_applies(const struct cse_tcp_sock *tp)
{
	return tp->sk.keepalive && (tp->state == CSE_TCP_ESTABLISHED ||
				    tp->state == CSE_TCP_CLOSE_WAIT);
}

void cse_tcp_keepalive_reset(struct cse_tcp_sock *tp)
{
	struct cse_stack *st = tp->sk.st;

	if (!cse_tcp_keep_applies(tp)) {
		cse_timer_del(&tp->keep_timer);
		return;
	}
	cse_timer_mod(&st->timers, &tp->keep_timer, tp->last_rx +
		      (uint64_t)tp->sk.keep_idle * CSE_NSEC_PER_SEC);
}

/*
 * Keepalive (RFC 1122 4.2.3.6, Linux's timings): after keep_idle seconds
 * without a segment from the peer, probe every keep_intvl seconds; after
 * keep_cnt unanswered probes the peer is gone. The timer is not moved on
 * each segment: it fires, looks at last_rx, and sleeps again if the peer
 * spoke meanwhile.
 */
static void cse_tcp_keep_fire(struct cse_timer *t, uint64_t now)
{
	struct cse_tcp_sock *tp = cse_container_of(t, struct cse_tcp_sock,
						   keep_timer);
	struct cse_stack *st = tp->sk.st;
	uint64_t idle = (uint64_t)tp->sk.keep_idle * CSE_NSEC_PER_SEC;

	if (!cse_tcp_keep_applies(tp))
		return;
	/* Data in flight: the retransmission timer watches the peer. */
	if (now - tp->last_rx < idle || tp->snd_una != tp->snd_max) {
		tp->keep_probes = 0;
		cse_timer_mod(&st->timers, t, (now - tp->last_rx < idle ?
					       tp->last_rx : now) + idle);
		return;
	}
	if (tp->keep_probes >= (unsigned int)tp->sk.keep_cnt) {
		cse_tcp_send_rst(tp);
		cse_tcp_done(tp, ETIMEDOUT);
		return;
	}
	tp->keep_probes++;
	cse_tcp_send_keepalive(tp);
	cse_timer_mod(&st->timers, t, now + (uint64_t)tp->sk.keep_intvl *
		      CSE_NSEC_PER_SEC);
}
