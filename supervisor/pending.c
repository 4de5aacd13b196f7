/* SPDX-License-Identifier: MIT */
#include "pending.h"

#include "supervise.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

uint64_t pending_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void on_timer(uv_timer_t *timer);

/* Re-arms the timer for the earliest deadline, or the next sweep, whichever comes first. */
static void arm(struct pending *p)
{
	uint64_t now = pending_now_ms(), next = UINT64_MAX;

	if (!p->open)
		return;
	if (p->count == 0) {
		uv_timer_stop(&p->timer);
		return;
	}
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (p->slots[i].id != 0 && p->slots[i].deadline_ms < next)
			next = p->slots[i].deadline_ms;
	next = next > now ? next - now : 0;
	if (next > PENDING_SWEEP_MS)
		next = PENDING_SWEEP_MS;
	uv_timer_start(&p->timer, on_timer, next, 0);
}

int pending_init(struct pending *p, struct supervisor *sup, uint64_t timeout_ms, bool default_allow)
{
	memset(p, 0, sizeof(*p));
	p->sup = sup;
	p->timeout_ms = timeout_ms;
	p->default_allow = default_allow;
	p->next_id = 1;
	/* Touched only when used: a slot is big (a record's extra members are kept with it). */
	p->slots = calloc(PENDING_MAX, sizeof(*p->slots));
	if (p->slots == NULL)
		return -ENOMEM;
	uv_timer_init(sup->loop, &p->timer);
	/* The listener keeps the loop alive while anything is held; the timer never should. */
	uv_unref((uv_handle_t *)&p->timer);
	p->open = true;
	return 0;
}

static void free_slot(struct pending *p, struct pending_entry *e)
{
	e->id = 0;
	p->count--;
}

/* Appends a formatted member to the record's extra members; a member that does not fit is
 * dropped whole (the record stays valid JSON). */
static void extra_append(struct notification *n, const char *member)
{
	size_t used = strlen(n->extra), len = strlen(member);

	if (used + len < sizeof(n->extra))
		memcpy(n->extra + used, member, len + 1);
}

static void answer(struct pending *p, struct notification *n, const struct pending_answer *a,
                   uint64_t waited_ms)
{
	struct decision *d = &n->decision;
	char member[128];

	p->answered_by[a->by]++;
	if (a->decided) {
		/* Decided by a rule on the held call (live.c): answered as decided. */
	} else if (a->allow && n->verdict.rule != NULL &&
	           n->verdict.rule->supervise_model != NULL) {
		/*
		 * The clause that asked may have looked at paths or addresses: decided again from
		 * memory as it is now, and allowed the way an allow clause is (emulated on the
		 * checked copy, never CONTINUE on pointer contents).
		 */
		supervise_decide_ask_allowed(p->sup, n);
	} else if (a->allow) {
		/* Held without supervise clauses (no pointer facts were looked at): registers. */
		memset(d, 0, sizeof(*d));
		d->record = true;
		d->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		d->action = RECORD_ALLOW;
	} else {
		/* Held calls come prepared with the ask's deny (the rule's errno). */
		int e = a->errno_value > 0 ? a->errno_value
		        : d->error < 0     ? -d->error
		                           : (int)p->sup->default_errno;

		memset(d, 0, sizeof(*d));
		d->record = true;
		d->error = -e;
		d->action = RECORD_DENY;
		d->errno_value = e;
	}
	if (a->by == PENDING_BY_OPERATOR)
		snprintf(member, sizeof(member), ",\"decided_by\":{\"by\":\"operator\",\"uid\":%u}",
		         (unsigned)a->uid);
	else
		snprintf(member, sizeof(member), ",\"decided_by\":{\"by\":\"%s\"}",
		         a->by == PENDING_BY_TIMEOUT ? "timeout" : "full");
	extra_append(n, member);
	snprintf(member, sizeof(member), ",\"waited_ms\":%llu", (unsigned long long)waited_ms);
	extra_append(n, member);
	if (a->extra != NULL)
		extra_append(n, a->extra);
	supervisor_answer(p->sup, n);
}

void pending_hold(struct pending *p, const struct notification *n)
{
	struct pending_entry *e = NULL;

	for (unsigned i = 0; i < PENDING_MAX && p->open; i++) {
		if (p->slots[i].id == 0) {
			e = &p->slots[i];
			break;
		}
	}
	if (e == NULL) {
		struct notification *copy = &p->sup->current;
		struct pending_answer a = {.allow = p->default_allow, .by = PENDING_BY_FULL};

		/* n is the supervisor's current notification: answered in place. */
		if (copy != n)
			memcpy(copy, n, sizeof(*copy));
		answer(p, copy, &a, 0);
		return;
	}
	e->id = p->next_id++;
	e->held_at_ms = pending_now_ms();
	e->deadline_ms = e->held_at_ms + p->timeout_ms;
	memcpy(&e->n, n, sizeof(e->n));
	e->who = *n->who;
	snprintf(e->exe, sizeof(e->exe), "%s", n->who->exe != NULL ? n->who->exe : "");
	e->who.exe = e->exe;
	e->n.who = &e->who;
	p->count++;
	if (p->on_event != NULL)
		p->on_event(p, PENDING_HELD, e, 0);
	arm(p);
}

struct pending_entry *pending_find(struct pending *p, uint64_t id)
{
	for (unsigned i = 0; i < PENDING_MAX && id != 0; i++)
		if (p->slots[i].id == id)
			return &p->slots[i];
	return NULL;
}

static int by_id(const void *a, const void *b)
{
	const struct pending_entry *x = *(struct pending_entry *const *)a;
	const struct pending_entry *y = *(struct pending_entry *const *)b;

	return x->id < y->id ? -1 : x->id > y->id;
}

unsigned pending_list(struct pending *p, struct pending_entry **out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (p->slots[i].id != 0)
			out[n++] = &p->slots[i];
	qsort(out, n, sizeof(*out), by_id);
	return n;
}

void pending_answer(struct pending *p, struct pending_entry *e, const struct pending_answer *a)
{
	uint64_t waited = pending_now_ms() - e->held_at_ms;
	uint64_t gone_before = p->sup->gone;

	answer(p, &e->n, a, waited);
	/* supervisor_answer counts a target that went away meanwhile (ENOENT) in gone. */
	if (p->on_event != NULL)
		p->on_event(p, p->sup->gone != gone_before ? PENDING_GONE : PENDING_ANSWERED, e,
		            waited);
	free_slot(p, e);
	arm(p);
}

unsigned pending_sweep(struct pending *p)
{
	unsigned dropped = 0;

	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending_entry *e = &p->slots[i];

		if (e->id == 0 || notify_id_valid(e->n.listener, e->n.req.id) == 0)
			continue;
		p->sup->gone++;
		if (p->on_event != NULL)
			p->on_event(p, PENDING_GONE, e, pending_now_ms() - e->held_at_ms);
		free_slot(p, e);
		dropped++;
	}
	return dropped;
}

static void on_timer(uv_timer_t *timer)
{
	struct pending *p = (struct pending *)((char *)timer - offsetof(struct pending, timer));
	uint64_t now = pending_now_ms();

	pending_sweep(p);
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		struct pending_entry *e = &p->slots[i];
		struct pending_answer a = {.allow = p->default_allow, .by = PENDING_BY_TIMEOUT};

		if (e->id != 0 && e->deadline_ms <= now)
			pending_answer(p, e, &a);
	}
	arm(p);
}

void pending_close(struct pending *p)
{
	if (!p->open)
		return;
	p->open = false;
	uv_timer_stop(&p->timer);
	uv_close((uv_handle_t *)&p->timer, NULL);
}

void pending_release(struct pending *p)
{
	free(p->slots);
	p->slots = NULL;
}
