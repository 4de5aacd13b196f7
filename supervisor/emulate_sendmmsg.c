/* SPDX-License-Identifier: MIT */
/*
 * sendmmsg, emulated one message at a time (docs/inspection.md, "sendmmsg"). The decision
 * loop (supervise.c) decides message i on the address read from the supervisor's copy of the
 * caller's struct mmsghdr array (supervise_gather.c copies it chunk by chunk, once); this file
 * sends message i from that same copy, through the code that sends sendmsg's one message
 * (emulate_sendmsg_one()), and writes msg_len back into the caller's array, which is the
 * syscall's own output.
 *
 * What the kernel does per message (net/socket.c __sys_sendmmsg()), and what is done here:
 * the call's flags apply to every message, plus MSG_EOR from the message's own msg_flags
 * (the only msg_flags bit sendmmsg honours); msg_len is written right after the message was
 * sent, and a msg_len that cannot be written ends the call without counting that message
 * (EFAULT if it was the first); a message that a stream socket took only in part ends the call
 * after it. The MSG_BATCH hint the kernel adds to all messages but the last is not passed on:
 * the supervisor sends them one by one anyway.
 */
#include <errno.h>
#include <sys/socket.h>

#include "emulate.h"

int emulate_sendmmsg_one(const struct emulate_ctx *ctx, struct emulate_result *res, bool *last)
{
	bool compat = emulate_msg_compat(ctx->arch);
	size_t size = supervise_mmsg_entry_size(compat ? 4 : 8);
	/* msg_len follows the struct msghdr: 56 bytes natively, 28 in the compat layout. */
	uint64_t len_at = ctx->args[1] + (uint64_t)ctx->msg_index * size + (compat ? 28 : 56);
	const uint8_t *entry;
	struct emulate_msghdr h;
	uint32_t flags, msg_len;
	size_t payload;
	int rc;

	*last = false;
	entry = ctx->buf != NULL ? supervise_mmsg_entry(ctx->buf, ctx->msg_index, size) : NULL;
	/* Only a message whose copy was decided on is sent. */
	if (entry == NULL || ctx->msg_sock == NULL)
		return -EPERM;
	emulate_msghdr_parse(entry, compat, &h);
	flags = (uint32_t)ctx->args[3] | ((uint32_t)h.flags & MSG_EOR);
	rc = emulate_sendmsg_one(ctx, ctx->msg_sock, &h, flags, res, &payload);
	if (rc < 0 || res->error != 0)
		return rc;
	msg_len = (uint32_t)res->val;
	rc = emulate_write_output(ctx, len_at, &msg_len, sizeof(msg_len));
	if (rc == -EFAULT) {
		res->error = -EFAULT;
		res->val = 0;
		return 0;
	}
	if (rc < 0)
		return rc;
	*last = (size_t)res->val < payload;
	return 0;
}
