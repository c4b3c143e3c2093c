// SPDX-License-Identifier: GPL-2.0
/*
 * Instances: one per open file of /dev/cse. An instance pins the network
 * namespace, credentials and thread group of the process that opened it, so
 * everything it does later is judged against its opener, not against whoever
 * happens to hold the descriptor.
 */
#include <linux/cred.h>
#include <linux/idr.h>
#include <linux/nsproxy.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <net/net_namespace.h>

#include "cse.h"

/* Ids start at 1 so that 0 can mean "no instance" in future structs. */
static DEFINE_IDA(cse_inst_ida);

struct cse_inst *cse_inst_create(void)
{
	struct cse_inst *inst;
	int id;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return ERR_PTR(-ENOMEM);

	id = ida_alloc_min(&cse_inst_ida, 1, GFP_KERNEL);
	if (id < 0) {
		kfree(inst);
		return ERR_PTR(id);
	}

	inst->id = id;
	mutex_init(&inst->lock);
	inst->net = get_net(current->nsproxy->net_ns);
	inst->cred = get_current_cred();
	inst->owner = get_pid(task_tgid(current));
	return inst;
}

void cse_inst_destroy(struct cse_inst *inst)
{
	put_pid(inst->owner);
	put_cred(inst->cred);
	put_net(inst->net);
	mutex_destroy(&inst->lock);
	ida_free(&cse_inst_ida, inst->id);
	kfree(inst);
}

/* Called at module unload, when no instance can exist any more. */
void cse_inst_uninit(void)
{
	WARN_ON(!ida_is_empty(&cse_inst_ida));
	ida_destroy(&cse_inst_ida);
}
