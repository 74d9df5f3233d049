/*
 * test_queue.c: the live state of one queue as a supervisor reads it.
 * Every input carries its own `now`; the clock is the test's, so a
 * fifteen-minute window passes in microseconds and nothing sleeps.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "wachtd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define STEP		10.0
#define BASE		1764412345.0	/* 2025-11-29 10:32:25 UTC */

#include "queue_fixture.h"

/* A time at the start of a slice, so window edges fall on whole seconds. */
static double
slice_start(const struct queue *q, double t)
{
	return ceil(t / q->width) * q->width;
}

/* ------------------------------------------------------------------ */
/* Service level over the rolling window. */

static void
service_level_is_share_answered_within(void **state)
{
	static const double waits[] = { 2, 5, 10, 15, 20, 25, 29, 30, 31, 120 };
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;
	size_t		 i;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	for (i = 0; i < NELEM(waits); i++)
		ok(q, METRIC_ANSWERED, waits[i], t + i, t + i);
	queue_view(q, t + 60, &v);
	assert_int_equal(v.answered, 10);
	assert_int_equal(v.answered_within, 8);	/* 30 s itself is in time */
	assert_true(v.sl == 80);
	assert_int_equal(v.abandoned, 0);
	queue_free(q);
}

static void
service_level_is_unknown_without_answers_or_norm(void **state)
{
	struct qconf	 f, g;
	struct queue	*q, *r;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 3, BASE, BASE);
	ok(q, METRIC_ABANDONED, 40, BASE, BASE);
	queue_view(q, BASE, &v);
	assert_true(isnan(v.sl));
	assert_int_equal(v.arrived, 3);

	/* max_wait judges waits, not a share: no service level at all. */
	qconf_init(&g, NORM_MAX_WAIT, 0, 900);
	r = queue_new(&g.conf, STEP);
	ok(r, METRIC_ANSWERED, 5, BASE, BASE);
	queue_view(r, BASE, &v);
	assert_int_equal(v.answered, 1);
	assert_true(isnan(v.sl));
	queue_free(q);
	queue_free(r);
}

static void
events_leave_the_window_as_now_advances(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t0;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t0 = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t0, t0);		/* within */
	ok(q, METRIC_ANSWERED, 90, t0 + 300, t0 + 300);	/* late */
	ok(q, METRIC_ARRIVED, 1, t0 + 300, t0 + 300);

	queue_view(q, t0 + 899, &v);
	assert_int_equal(v.answered, 2);
	assert_true(v.sl == 50);
	queue_view(q, t0 + 900, &v);			/* t0 has left */
	assert_int_equal(v.answered, 1);
	assert_int_equal(v.arrived, 1);
	assert_true(v.sl == 0);
	queue_view(q, t0 + 1199, &v);
	assert_int_equal(v.answered, 1);
	queue_view(q, t0 + 1200, &v);			/* all gone */
	assert_int_equal(v.answered, 0);
	assert_int_equal(v.arrived, 0);
	assert_true(isnan(v.sl));

	/* A new event reuses the ring without resurrecting old counts. */
	ok(q, METRIC_ANSWERED, 10, t0 + 64 * q->width, t0 + 64 * q->width);
	queue_view(q, t0 + 64 * q->width, &v);
	assert_int_equal(v.answered, 1);
	assert_true(v.sl == 100);
	queue_free(q);
}

/* How abandoned contacts weigh, per norm setting. */
static void
abandoned_contacts_count_by_the_norm(void **state)
{
	static const struct {
		enum abandon_rule rule;
		double		 short_abandon;
		double		 sl;		/* 8 within of 10 answered */
	} rules[] = {
		{ ABANDON_IGNORE, 0, 80.0 },		/* 8 / 10 */
		{ ABANDON_IGNORE, 5, 80.0 },
		{ ABANDON_COUNT, 0, 100.0 * 8 / 15 },	/* all 5 abandons */
		{ ABANDON_COUNT, 5, 100.0 * 8 / 13 },	/* 3 of 5: 2 short */
		{ ABANDON_COUNT, 3, 100.0 * 8 / 14 },	/* 3 s itself is not short */
	};
	static const double abandons[] = { 1, 3, 60, 90, 200 };
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	size_t		 r, i;

	(void)state;
	for (r = 0; r < NELEM(rules); r++) {
		qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
		f.norm.abandoned = rules[r].rule;
		f.norm.short_abandon = rules[r].short_abandon;
		q = queue_new(&f.conf, STEP);
		for (i = 0; i < 10; i++)
			ok(q, METRIC_ANSWERED, i < 8 ? 10 : 45, BASE, BASE);
		for (i = 0; i < NELEM(abandons); i++)
			ok(q, METRIC_ABANDONED, abandons[i], BASE, BASE);
		queue_view(q, BASE, &v);
		assert_int_equal(v.abandoned, 5);
		assert_int_equal(v.answered, 10);
		if (fabs(v.sl - rules[r].sl) > 1e-9)
			fail_msg("rule %zu: sl %g, expected %g", r, v.sl,
			    rules[r].sl);
		queue_free(q);
	}
}

static void
ewt_follows_asterisk_holdtime(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	queue_view(q, BASE, &v);
	assert_true(isnan(v.ewt));
	ok(q, METRIC_ANSWERED, 20, BASE, BASE);
	queue_view(q, BASE, &v);
	assert_true(v.ewt == 20);
	ok(q, METRIC_ANSWERED, 40, BASE, BASE);		/* (3 * 20 + 40) / 4 */
	queue_view(q, BASE, &v);
	assert_true(v.ewt == 25);
	ok(q, METRIC_ABANDONED, 500, BASE, BASE);	/* abandons: no effect */
	queue_view(q, BASE, &v);
	assert_true(v.ewt == 25);
	queue_free(q);
}

static void
gauges_are_unknown_until_published(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	queue_view(q, BASE, &v);
	assert_true(isnan(v.waiting) && isnan(v.longest_wait) &&
	    isnan(v.agents) && isnan(v.backlog) && isnan(v.oldest_age));
	assert_int_equal(v.stale, 0);
	assert_true(q->updated == 0);
	ok(q, METRIC_WAITING, 4, BASE, BASE);
	ok(q, METRIC_LONGEST_WAIT, 42.5, BASE, BASE);
	ok(q, METRIC_AGENTS, 3, BASE, BASE);
	ok(q, METRIC_BACKLOG, 17, BASE, BASE);
	ok(q, METRIC_OLDEST_AGE, 3600, BASE, BASE);
	ok(q, METRIC_WAITING, 5, BASE + 1, BASE + 1);	/* last one counts */
	queue_view(q, BASE + 1, &v);
	assert_true(v.waiting == 5);
	assert_true(v.longest_wait == 42.5);
	assert_true(v.agents == 3);
	assert_true(v.backlog == 17);
	assert_true(v.oldest_age == 3600);
	assert_int_equal(v.arrived + v.answered + v.abandoned, 0);
	assert_true(q->updated == BASE + 1);
	queue_free(q);
}

/* ------------------------------------------------------------------ */
/* The waiting set of a join/leave queue. */

static void
join_and_leave_track_who_waits(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	join_ok(q, "A1", t);
	join_ok(q, "B2", t + 10);
	queue_view(q, t + 60, &v);
	assert_true(v.waiting == 2);
	assert_true(v.longest_wait == 60);
	assert_int_equal(v.arrived, 2);
	queue_view(q, t + 120, &v);
	assert_true(v.longest_wait == 120);	/* grows with now alone */

	leave_ok(q, "A1", OUTCOME_ANSWERED, t + 25);	/* waited 25 s */
	queue_view(q, t + 125, &v);
	assert_true(v.waiting == 1);
	assert_true(v.longest_wait == 115);	/* B2, since t + 10 */
	assert_int_equal(v.answered, 1);
	assert_int_equal(v.answered_within, 1);
	/* B waits; 1 answered in the 125 s watched: B's turn in 125 s. */
	assert_int_equal(v.pred.ewt_by, PREDICT_POSITION);
	assert_true(v.ewt == 125);
	assert_true(v.sl == 100);

	leave_ok(q, "B2", OUTCOME_ANSWERED, t + 130);	/* waited 120 s */
	queue_view(q, t + 130, &v);
	assert_true(v.waiting == 0);
	assert_true(v.longest_wait == 0);
	assert_int_equal(v.answered, 2);
	assert_int_equal(v.answered_within, 1);
	assert_true(v.sl == 50);
	queue_free(q);
}

static void
leave_outcomes_count_answered_abandoned_or_neither(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "A", BASE);
	join_ok(q, "B", BASE);
	join_ok(q, "C", BASE);
	leave_ok(q, "A", OUTCOME_ABANDONED, BASE + 40);
	leave_ok(q, "B", OUTCOME_NONE, BASE + 50);	/* passed on */
	leave_ok(q, "C", OUTCOME_ANSWERED, BASE + 5);
	queue_view(q, BASE + 60, &v);
	assert_true(v.waiting == 0);
	assert_int_equal(v.arrived, 3);
	assert_int_equal(v.answered, 1);
	assert_int_equal(v.abandoned, 1);
	assert_true(v.ewt == 0);		/* nobody waits */
	assert_true(q->holdtime == 5);		/* C's wait, answered */
	queue_free(q);
}

static void
leave_before_join_ts_waited_zero(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "A", BASE + 10);
	leave_ok(q, "A", OUTCOME_ANSWERED, BASE + 5);	/* clocks disagree */
	queue_view(q, BASE + 10, &v);
	assert_true(v.ewt == 0);
	assert_int_equal(v.answered_within, 1);
	queue_free(q);
}

/* Lifecycle refusals: each with its reason, and nothing changed. */
static void
lifecycle_refusals(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);

	/* Nobody joined yet: any leave is for an unknown id. */
	assert_int_equal(life(q, METRIC_LEAVE, "X", OUTCOME_ANSWERED, BASE,
	    BASE, &why), -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);
	assert_true(q->updated == 0);

	join_ok(q, "A1", BASE);
	assert_int_equal(life(q, METRIC_JOIN, "A1", OUTCOME_NONE, BASE + 5,
	    BASE + 5, &why), -1);
	assert_int_equal(why, REJECT_DUPLICATE_ID);
	assert_int_equal(life(q, METRIC_LEAVE, "B1", OUTCOME_ANSWERED,
	    BASE + 6, BASE + 6, &why), -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);

	/* The set is the truth: a probe's waiting gauge would contradict. */
	assert_int_equal(put(q, METRIC_WAITING, 7, BASE + 7, BASE + 7, &why),
	    -1);
	assert_int_equal(why, REJECT_LIFECYCLE);
	assert_int_equal(put(q, METRIC_LONGEST_WAIT, 70, BASE + 7, BASE + 7,
	    &why), -1);
	assert_int_equal(why, REJECT_LIFECYCLE);
	ok(q, METRIC_AGENTS, 2, BASE + 8, BASE + 8);	/* other gauges: fine */

	queue_view(q, BASE + 10, &v);
	assert_true(v.waiting == 1);
	assert_true(v.longest_wait == 10);
	assert_int_equal(v.arrived, 1);
	assert_int_equal(v.answered, 0);
	assert_true(v.agents == 2);
	assert_true(q->updated == BASE + 8);

	/* Once everyone left it is still a join/leave queue. */
	leave_ok(q, "A1", OUTCOME_ANSWERED, BASE + 11);
	assert_int_equal(put(q, METRIC_WAITING, 0, BASE + 12, BASE + 12, &why),
	    -1);
	assert_int_equal(why, REJECT_LIFECYCLE);
	queue_free(q);
}

static void
waiting_set_is_bounded(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;
	char		 id[32];
	int		 i;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	for (i = 0; i < QUEUE_WAITERS_MAX; i++) {
		snprintf(id, sizeof(id), "T%d", i);
		join_ok(q, id, BASE);
	}
	assert_int_equal(life(q, METRIC_JOIN, "one-more", OUTCOME_NONE, BASE,
	    BASE, &why), -1);
	assert_int_equal(why, REJECT_TOO_MANY);
	queue_view(q, BASE, &v);
	assert_true(v.waiting == QUEUE_WAITERS_MAX);
	assert_int_equal(v.arrived, QUEUE_WAITERS_MAX);

	leave_ok(q, "T123", OUTCOME_ABANDONED, BASE + 1);
	join_ok(q, "one-more", BASE + 1);
	queue_view(q, BASE + 1, &v);
	assert_true(v.waiting == QUEUE_WAITERS_MAX);
	queue_free(q);
}

static void
joins_never_left_expire_after_ttl(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "lost", BASE);
	join_ok(q, "recent", BASE + 3600);

	queue_tick(q, BASE + QUEUE_WAITER_TTL);
	queue_view(q, BASE + QUEUE_WAITER_TTL, &v);
	assert_true(v.waiting == 2);
	assert_true(v.longest_wait == QUEUE_WAITER_TTL);

	queue_tick(q, BASE + QUEUE_WAITER_TTL + 1);
	queue_view(q, BASE + QUEUE_WAITER_TTL + 1, &v);
	assert_true(v.waiting == 1);
	assert_true(v.longest_wait == QUEUE_WAITER_TTL + 1 - 3600);
	assert_int_equal(life(q, METRIC_LEAVE, "lost", OUTCOME_ANSWERED,
	    BASE + QUEUE_WAITER_TTL + 1, BASE + QUEUE_WAITER_TTL + 1, &why),
	    -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);
	leave_ok(q, "recent", OUTCOME_NONE, BASE + QUEUE_WAITER_TTL + 2);
	queue_free(q);
}

static void
many_expired_joins_all_go_in_one_tick(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	char		 id[32];
	int		 i;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	for (i = 0; i < 300; i++) {
		snprintf(id, sizeof(id), "%s%d", i % 2 ? "old" : "new", i);
		join_ok(q, id, i % 2 ? BASE : BASE + 7200);
	}
	queue_tick(q, BASE + QUEUE_WAITER_TTL + 1);
	queue_view(q, BASE + QUEUE_WAITER_TTL + 1, &v);
	assert_true(v.waiting == 150);
	assert_true(v.longest_wait == QUEUE_WAITER_TTL + 1 - 7200);
	queue_free(q);
}

/* ------------------------------------------------------------------ */
/* Staleness, lateness, and what the clock marks for republishing. */

static void
stale_after_three_intervals_without_input(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	f.conf.interval = 10;
	q = queue_new(&f.conf, STEP);
	queue_view(q, BASE + 3600, &v);
	assert_int_equal(v.stale, 0);		/* never heard of: unknown */
	ok(q, METRIC_AGENTS, 2, BASE, BASE);
	queue_view(q, BASE + 30, &v);
	assert_int_equal(v.stale, 0);
	queue_view(q, BASE + 30.5, &v);
	assert_int_equal(v.stale, 1);
	ok(q, METRIC_AGENTS, 2, BASE + 31, BASE + 31);
	queue_view(q, BASE + 31, &v);
	assert_int_equal(v.stale, 0);
	queue_free(q);
}

static void
event_older_than_the_ring_is_too_late(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t, t);
	/* The same ring slot, a whole ring earlier. */
	assert_int_equal(put(q, METRIC_ANSWERED, 10, t - QUEUE_SLICES *
	    q->width, t, &why), -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	assert_int_equal(put(q, METRIC_ARRIVED, 1, t - QUEUE_SLICES * q->width,
	    t, &why), -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	/* Late by more than a step is too late for its RRD step. */
	assert_int_equal(put(q, METRIC_ANSWERED, 10, t - 300, t, &why), -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	/* Late within a step's grace is fine: it lands in its own slice. */
	ok(q, METRIC_ANSWERED, 10, t - STEP, t);
	queue_view(q, t, &v);
	assert_int_equal(v.answered, 2);
	queue_free(q);
}

/*
 * A probe clock a few minutes fast is allowed (PAYLOAD_FUTURE); its events
 * must not wipe counts still inside the window, even with a window that
 * fills most of the ring.
 */
static void
event_ahead_of_now_keeps_the_window(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 600);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t - 400, t - 400);
	ok(q, METRIC_ANSWERED, 10, t - 340, t - 340);
	ok(q, METRIC_ANSWERED, 10, t - 10, t - 10);
	ok(q, METRIC_ANSWERED, 90, t + PAYLOAD_FUTURE, t);
	queue_view(q, t, &v);
	assert_int_equal(v.answered, 4);
	assert_int_equal(v.answered_within, 3);
	queue_view(q, t + PAYLOAD_FUTURE, &v);
	assert_int_equal(v.answered, 2);	/* t - 10, and the fast one */
	assert_int_equal(v.answered_within, 1);
	queue_free(q);
}

static void
tick_marks_what_changes_with_the_clock(void **state)
{
	struct qconf	 f;
	struct queue	*q, *w;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.conf.interval = 3600;			/* no staleness here */
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t, t);
	assert_int_equal(q->dirty, 1);
	queue_tick(q, t);			/* learns it is open */
	q->dirty = 0;				/* published */
	queue_tick(q, t + 600);
	assert_int_equal(q->dirty, 0);		/* nothing moved */
	queue_tick(q, t + 899);
	assert_int_equal(q->dirty, 0);
	queue_tick(q, t + 900);			/* the answer left the window */
	assert_int_equal(q->dirty, 1);

	/* Somebody waiting: longest_wait grows, so every tick republishes. */
	w = queue_new(&f.conf, STEP);
	join_ok(w, "A", t);
	w->dirty = 0;
	queue_tick(w, t + 10);
	assert_int_equal(w->dirty, 1);
	queue_free(q);
	queue_free(w);

	/* Turning stale is published once: no input will say so. */
	f.conf.interval = 10;
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ANSWERED, 10, t, t);
	queue_tick(q, t);
	q->dirty = 0;
	queue_tick(q, t + 30);
	assert_int_equal(q->dirty, 0);		/* exactly 3 x interval */
	queue_tick(q, t + 31);
	assert_int_equal(q->dirty, 1);
	q->dirty = 0;
	queue_tick(q, t + 40);
	assert_int_equal(q->dirty, 0);		/* still stale: no news */
	ok(q, METRIC_ANSWERED, 10, t + 41, t + 41);
	assert_int_equal(q->stale, 0);
	queue_free(q);
}

/*
 * A slice used without counting anything (an `arrived` of 0, a leave of
 * a contact nobody saw join) leaves the window as news at the tick, as a
 * counted one does: a probe that says "nobody came" is published alike.
 */
static void
used_slice_leaving_the_window_is_news_counted_or_not(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	enum reject	 why;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.conf.interval = 3600;			/* no staleness here */
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ARRIVED, 0, t, t);		/* nobody came */
	queue_tick(q, t);
	q->dirty = 0;
	queue_tick(q, t + 899);
	assert_int_equal(q->dirty, 0);
	queue_tick(q, t + 900);			/* its slice left the window */
	assert_int_equal(q->dirty, 1);

	t += 1000;
	assert_int_equal(life(q, METRIC_LEAVE, "A", OUTCOME_ANSWERED, t, t,
	    &why), -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);
	queue_tick(q, t);
	q->dirty = 0;
	queue_tick(q, t + 899);
	assert_int_equal(q->dirty, 0);
	queue_tick(q, t + 900);
	assert_int_equal(q->dirty, 1);
	queue_free(q);
}

static void
clock_stepping_back_restarts_the_window(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t, t);
	/* NTP corrects a clock that was an hour fast. */
	queue_tick(q, t - 3600);
	queue_view(q, t - 3600, &v);
	assert_int_equal(v.answered, 0);
	ok(q, METRIC_ANSWERED, 10, t - 3600, t - 3600);
	queue_view(q, t - 3600, &v);
	assert_int_equal(v.answered, 1);
	queue_free(q);
}

/*
 * Input after a silence longer than the ring: every slice in it is
 * counted afresh, not only the one the event lands in.
 */
static void
silence_longer_than_the_ring_clears_every_slice(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;
	int		 i;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 1260);
	q = queue_new(&f.conf, STEP);
	assert_true(q->width == 20);		/* 63 slices: all but one */
	t = slice_start(q, BASE);
	for (i = 0; i < QUEUE_SLICES; i++, t += q->width)
		ok(q, METRIC_ARRIVED, 1, t, t);
	queue_view(q, t - q->width, &v);
	assert_int_equal(v.arrived, QUEUE_SLICES - 1);
	t += 100 * q->width;
	ok(q, METRIC_ARRIVED, 1, t, t);
	queue_view(q, t, &v);
	assert_int_equal(v.arrived, 1);
	queue_free(q);
}

/*
 * Input late within its step lands behind the newest slice: it adds to
 * its own slice, and the newer one keeps its counts.
 */
static void
late_input_behind_the_newest_slice_adds_to_its_own(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ARRIVED, 1, t - 1, t - 1);
	ok(q, METRIC_ANSWERED, 10, t, t);	/* a slice on */
	ok(q, METRIC_ARRIVED, 1, t - 1, t + 1);	/* late: the slice before */
	ok(q, METRIC_ANSWERED, 10, t + 2, t + 2);
	queue_view(q, t + 2, &v);
	assert_int_equal(v.arrived, 2);
	assert_int_equal(v.answered, 2);
	queue_free(q);
}

/*
 * The clock steps back past the whole ring and input comes before the
 * tick. An event whose slot holds the fast clock's counts is too late;
 * one whose slot is empty is taken, for its step, without showing up in
 * the fast clock's window. The tick starts the window over.
 */
static void
input_after_the_clock_stepped_back_past_the_ring(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;
	double		 t, b, c;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	b = t - 100 * q->width;			/* not t's slot */
	c = t - 2 * QUEUE_SLICES * q->width;	/* t's slot */
	ok(q, METRIC_ANSWERED, 10, t, t);
	ok(q, METRIC_ARRIVED, 1, b, b);
	queue_view(q, t, &v);			/* forward again, no tick */
	assert_int_equal(v.answered, 1);
	assert_int_equal(v.arrived, 0);
	assert_int_equal(put(q, METRIC_ARRIVED, 1, c, c, &why), -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	queue_tick(q, b);
	queue_view(q, b, &v);
	assert_int_equal(v.answered, 0);
	assert_int_equal(v.arrived, 0);
	ok(q, METRIC_ARRIVED, 1, b, b);
	queue_view(q, b, &v);
	assert_int_equal(v.arrived, 1);
	queue_free(q);
}

/* ------------------------------------------------------------------ */
/* Reloading the configuration. */

static void
reconfigure_keeps_counts_only_when_the_norm_holds(void **state)
{
	struct qconf	 a, same, stricter, longer;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	qconf_init(&a, NORM_ANSWER_WITHIN, 30, 900);
	qconf_init(&same, NORM_ANSWER_WITHIN, 30, 900);
	same.norm.target = 90;		/* target alone does not reslice */
	qconf_init(&stricter, NORM_ANSWER_WITHIN, 20, 900);
	qconf_init(&longer, NORM_ANSWER_WITHIN, 20, 1800);
	q = queue_new(&a.conf, STEP);
	ok(q, METRIC_ANSWERED, 25, BASE, BASE);
	ok(q, METRIC_ANSWERED, 5, BASE, BASE);
	join_ok(q, "A1", BASE);

	q->dirty = 0;
	queue_reconfigure(q, &same.conf, STEP);
	assert_ptr_equal(q->conf, &same.conf);
	assert_int_equal(q->dirty, 1);
	queue_view(q, BASE, &v);
	assert_int_equal(v.answered, 2);
	assert_int_equal(v.answered_within, 2);
	assert_true(v.waiting == 1);

	/* 25 s was in time for 30 s, not for 20 s: start afresh. */
	queue_reconfigure(q, &stricter.conf, STEP);
	queue_view(q, BASE, &v);
	assert_int_equal(v.answered, 0);
	assert_int_equal(v.arrived, 0);
	assert_true(v.waiting == 1);		/* who waits, still waits */
	assert_true(q->within == 20);

	ok(q, METRIC_ANSWERED, 5, BASE, BASE);
	queue_reconfigure(q, &longer.conf, STEP);
	queue_view(q, BASE, &v);
	assert_int_equal(v.answered, 0);
	assert_true(q->window == 1800);

	/* Another step slices the window differently. */
	ok(q, METRIC_ANSWERED, 5, BASE, BASE);
	queue_reconfigure(q, &longer.conf, 60);
	queue_view(q, BASE, &v);
	assert_int_equal(v.answered, 0);
	queue_free(q);
}

/* A reload keeps an acknowledged alert's ack: the new alert has texts of
 * its own, the old ones are freed with the old alerts (ASan, valgrind). */
static void
reconfigure_keeps_an_ack(void **state)
{
	struct qconf	 a, same;
	struct queue	*q;
	struct queue_alert *qa;
	const char	*why;

	(void)state;
	qconf_init(&a, NORM_ANSWER_WITHIN, 30, 900);
	qconf_init(&same, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&a.conf, STEP);
	qa = queue_alert(q, "telefoon");
	assert_non_null(qa);
	alert_update(&qa->a, ALERT_CRITICAL, BASE, 0, 0);
	assert_int_equal(alert_ack(&qa->a, "Anja", "bezig", 0, BASE + 1,
	    &why), 0);
	qa = queue_alert(q, ALERT_FEED);
	assert_non_null(qa);
	alert_update(&qa->a, ALERT_STALE, BASE, 0, 0);
	assert_int_equal(alert_ack(&qa->a, "Bram", NULL, 0, BASE + 1, &why),
	    0);

	queue_reconfigure(q, &same.conf, STEP);
	qa = queue_alert(q, "telefoon");
	assert_int_equal(qa->a.state, ALERT_CRITICAL);
	assert_true(qa->a.ack.at == BASE + 1);
	assert_string_equal(qa->a.ack.by, "Anja");
	assert_string_equal(qa->a.ack.comment, "bezig");
	qa = queue_alert(q, ALERT_FEED);
	assert_string_equal(qa->a.ack.by, "Bram");
	assert_string_equal(qa->a.ack.comment, "");
	queue_free(q);
}

static void
window_is_covered_by_whole_steps(void **state)
{
	static const struct {
		double	 step, window;
	} shapes[] = {
		{ 10, 900 }, { 10, 600 }, { 1, 900 }, { 15, 600 }, { 60, 3600 },
		{ 10, 10 }, { 7, 1000 }, { 3600, 86400 },
	};
	struct qconf	 f;
	struct queue	*q;
	size_t		 i;
	double		 k;

	(void)state;
	for (i = 0; i < NELEM(shapes); i++) {
		qconf_init(&f, NORM_ANSWER_WITHIN, 30, shapes[i].window);
		q = queue_new(&f.conf, shapes[i].step);
		k = q->width / shapes[i].step;
		assert_true(k >= 1 && k == floor(k));
		/* The window and the current slice fit in the ring. */
		assert_true(ceil(q->window / q->width) + 1 <= QUEUE_SLICES);
		queue_free(q);
	}
}

/* ------------------------------------------------------------------ */
/* The QUEUE object of the HTTP and MQTT contract (DESIGN §6). */

static void
json_has_the_contract_fields(void **state)
{
	static char	 label[] = "Telefoon 14 0548";
	static const char *fields[] = {
		"id", "channel", "label", "open", "state", "waiting",
		"longest_wait", "agents", "ewt", "sl", "answered", "abandoned",
		"backlog", "oldest_age", "updated"
	};
	struct qconf	 f;
	struct queue	*q;
	json_t		*j, *sl;
	size_t		 i;
	double		 t;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.conf.label = label;
	q = queue_new(&f.conf, STEP);

	j = queue_json(q, BASE);
	for (i = 0; i < NELEM(fields); i++)
		if (json_object_get(j, fields[i]) == NULL)
			fail_msg("no \"%s\"", fields[i]);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "unknown");
	assert_true(json_is_null(json_object_get(j, "updated")));
	assert_true(json_is_null(json_object_get(j, "waiting")));
	assert_true(json_is_null(json_object_get(j, "ewt")));
	sl = json_object_get(j, "sl");
	assert_true(json_is_object(sl));
	assert_true(json_is_null(json_object_get(sl, "value")));
	json_decref(j);

	t = slice_start(q, BASE);
	for (i = 0; i < 10; i++)
		ok(q, METRIC_ANSWERED, i < 8 ? 20 : 60, t + i, t + i);
	ok(q, METRIC_ABANDONED, 100, t + 20, t + 20);
	ok(q, METRIC_WAITING, 4, t + 20, t + 20);
	ok(q, METRIC_LONGEST_WAIT, 42.54, t + 20, t + 20);
	ok(q, METRIC_AGENTS, 3, t + 20, t + 20);
	ok(q, METRIC_OLDEST_AGE, 7, t + 21, t + 21);

	j = queue_json(q, t + 25);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    "telefoon/algemeen");
	assert_string_equal(json_string_value(json_object_get(j, "channel")),
	    "telefoon");
	assert_string_equal(json_string_value(json_object_get(j, "label")),
	    "Telefoon 14 0548");
	assert_true(json_is_true(json_object_get(j, "open")));
	assert_int_equal(json_integer_value(json_object_get(j, "waiting")), 4);
	assert_true(json_real_value(json_object_get(j, "longest_wait")) ==
	    42.5);
	assert_int_equal(json_integer_value(json_object_get(j, "agents")), 3);
	assert_true(json_is_null(json_object_get(j, "backlog")));
	assert_int_equal(json_integer_value(json_object_get(j, "oldest_age")),
	    7);
	assert_int_equal(json_integer_value(json_object_get(j, "answered")),
	    10);
	assert_int_equal(json_integer_value(json_object_get(j, "abandoned")),
	    1);
	assert_true(json_is_number(json_object_get(j, "ewt")));
	sl = json_object_get(j, "sl");
	assert_int_equal(json_integer_value(json_object_get(sl, "value")), 80);
	assert_int_equal(json_integer_value(json_object_get(sl, "target")), 80);
	assert_int_equal(json_integer_value(json_object_get(sl, "within")), 30);
	assert_int_equal(json_integer_value(json_object_get(sl, "window")),
	    900);
	/* t + 21 is 2025-11-29T10:33:01Z (TZ=UTC in main). */
	assert_string_equal(json_string_value(json_object_get(j, "updated")),
	    "2025-11-29T10:33:01+00:00");
	json_decref(j);

	j = queue_json(q, t + 21 + 31);
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "stale");
	json_decref(j);
	queue_free(q);
}

static void
json_sl_is_null_without_a_service_level_norm(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	json_t		*j;

	(void)state;
	qconf_init(&f, NORM_MAX_WAIT, 0, 900);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ANSWERED, 20, BASE, BASE);
	j = queue_json(q, BASE);
	assert_true(json_is_null(json_object_get(j, "sl")));
	/* Without a label the id stands in. */
	assert_string_equal(json_string_value(json_object_get(j, "label")),
	    "telefoon/algemeen");
	assert_int_equal(json_integer_value(json_object_get(j, "answered")),
	    1);
	json_decref(j);
	queue_free(q);
}

/* Local wall-clock time in Europe/Amsterdam, as the daemon runs. */
static double
amsterdam(int y, int mo, int d, int h, int mi, int sec)
{
	struct tm	 tm;
	double		 t;

	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	tm.tm_isdst = -1;
	t = (double)mktime(&tm);
	return t;
}

/* Outside opening hours a queue is closed, and closed time never makes
 * it stale: the probe may well be quiet then. */
static void
closed_hours_and_stale_only_while_open(void **state)
{
	struct qconf	 f;
	struct hours_conf h;
	struct queue	*q;
	struct queue_view v;
	json_t		*j;
	double		 t;

	(void)state;
	memset(&h, 0, sizeof(h));
	h.open[1][0][0] = 8 * 60 + 30;		/* Mondays 08:30-17:00 */
	h.open[1][0][1] = 17 * 60;
	h.nopen[1] = 1;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.conf.hours.to = &h;
	f.conf.interval = 10;
	q = queue_new(&f.conf, STEP);
	t = amsterdam(2026, 11, 30, 16, 59, 55);	/* a Monday */
	ok(q, METRIC_ANSWERED, 10, t, t);
	queue_view(q, t + 3, &v);
	assert_true(v.open);
	assert_false(v.stale);

	/* 17:30: closed, and 5 s of opening time since the input. */
	queue_tick(q, amsterdam(2026, 11, 30, 17, 30, 0));
	assert_false(q->open);
	assert_false(q->stale);
	j = queue_json(q, amsterdam(2026, 11, 30, 17, 30, 0));
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "closed");
	assert_string_equal(json_string_value(json_object_get(j, "next_open")),
	    "2026-12-07T08:30:00+01:00");
	json_decref(j);

	/* Next Monday: 5 + 25 s of opening time is not stale, 5 + 26 is. */
	queue_view(q, amsterdam(2026, 12, 7, 8, 30, 25), &v);
	assert_true(v.open);
	assert_false(v.stale);
	queue_view(q, amsterdam(2026, 12, 7, 8, 30, 26), &v);
	assert_true(v.stale);
	j = queue_json(q, amsterdam(2026, 12, 7, 8, 30, 26));
	assert_string_equal(json_string_value(json_object_get(j, "state")),
	    "stale");
	assert_true(json_is_null(json_object_get(j, "next_open")));
	json_decref(j);
	queue_free(q);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* Mondays 08:30-17:00 only, in Europe/Amsterdam. */
static void
monday_hours(struct hours_conf *h)
{
	memset(h, 0, sizeof(*h));
	h->open[1][0][0] = 8 * 60 + 30;
	h->open[1][0][1] = 17 * 60;
	h->nopen[1] = 1;
}

/* Every step the queue hands over when it stops at `at`, added up. */
static void
all_steps(struct queue *q, double at, struct step *sum)
{
	struct step	 s;

	queue_close(q, at);
	memset(sum, 0, sizeof(*sum));
	while (queue_take_step(q, &s)) {
		sum->arrived += s.arrived;
		sum->answered += s.answered;
		sum->answered_within += s.answered_within;
		sum->abandoned += s.abandoned;
		sum->open_arrived += s.open_arrived;
		sum->open_answered += s.open_answered;
		sum->open_within += s.open_within;
		sum->open_abandoned += s.open_abandoned;
		sum->open_short += s.open_short;
		sum->open_wait_max = fmax(sum->open_wait_max, s.open_wait_max);
		sum->open_secs += s.open_secs;
	}
}

/*
 * The norm report counts the contacts that came in while open: a caller
 * who joined at 16:59:50 and was answered at 17:00:30 counts, one who
 * rang at 17:00:05 does not; the graphs' counts take both.
 */
static void
report_counts_contacts_that_came_in_while_open(void **state)
{
	struct qconf	 f;
	struct hours_conf h;
	struct queue	*q;
	struct step	 s;
	double		 t = amsterdam(2026, 11, 30, 17, 0, 30);

	(void)state;
	monday_hours(&h);
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.norm.short_abandon = 5;
	f.conf.hours.to = &h;
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, t - 40, t - 40);	/* 16:59:50: open */
	ok(q, METRIC_ABANDONED, 3, t - 31, t - 31);	/* came 16:59:56, quick */
	ok(q, METRIC_ARRIVED, 1, t - 25, t - 25);	/* 17:00:05: closed */
	ok(q, METRIC_ANSWERED, 40, t, t);	/* came at 16:59:50 */
	ok(q, METRIC_ABANDONED, 25, t, t);	/* came at 17:00:05 */
	all_steps(q, t + 2, &s);
	assert_int_equal(s.arrived, 2);
	assert_int_equal(s.open_arrived, 1);
	assert_int_equal(s.answered, 1);
	assert_int_equal(s.open_answered, 1);
	assert_int_equal(s.open_within, 0);	/* 40 s > 30 s */
	assert_int_equal(s.abandoned, 2);
	assert_int_equal(s.open_abandoned, 1);
	assert_int_equal(s.open_short, 1);
	assert_true(s.open_wait_max == 40);
	/* Watched from 16:59:50 to 17:00:32: 10 s of it open. */
	assert_true(s.open_secs == 10);
	queue_free(q);
	setenv("TZ", "UTC", 1);
	tzset();
}

/*
 * respond_within counts working time: a mail of Monday 16:30 with a
 * budget of 1 hour is on time at the next Monday 09:00 (30 + 30 minutes
 * of opening time), not at 09:00:01; every mail counts for the report,
 * also one that came in at night.
 */
static void
respond_within_is_judged_in_working_time(void **state)
{
	struct qconf	 f;
	struct hours_conf h;
	struct queue	*q;
	struct step	 s;
	double		 sent = amsterdam(2026, 11, 30, 16, 30, 0);
	double		 t = amsterdam(2026, 12, 7, 9, 0, 0);

	(void)state;
	monday_hours(&h);
	qconf_init(&f, NORM_RESPOND_WITHIN, 0, 900);
	f.norm.respond_within = 3600;
	f.conf.hours.to = &h;
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ANSWERED, t - sent, t, t);
	ok(q, METRIC_ANSWERED, t + 1 - sent, t + 1, t + 1);
	ok(q, METRIC_ANSWERED, 60, t + 2, t + 2);
	ok(q, METRIC_ARRIVED, 1, t + 2, t + 2);
	all_steps(q, t + 3, &s);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.answered_within, 2);	/* 09:00 and the quick one */
	assert_int_equal(s.open_answered, 3);
	assert_int_equal(s.open_within, 2);
	assert_int_equal(s.open_arrived, 1);
	queue_free(q);

	/* A budget that ends at closing time: no working time passes until
	 * the next opening, so an answer in the evening is in time, one a
	 * second after the next opening is not. A wait of 30 years costs
	 * no more than the budget's days. */
	f.norm.respond_within = 1800;
	q = queue_new(&f.conf, STEP);
	t = amsterdam(2026, 11, 30, 20, 0, 0);
	ok(q, METRIC_ANSWERED, t - sent, t, t);
	t = amsterdam(2026, 12, 7, 8, 30, 1);
	ok(q, METRIC_ANSWERED, t - sent, t, t);
	ok(q, METRIC_ANSWERED, 1e9, t + 1, t + 1);
	all_steps(q, t + 2, &s);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.answered_within, 1);
	queue_free(q);

	/* Within 2 working days: Monday 16:30 is due the Monday after next,
	 * at 16:30 (only Mondays are open). */
	f.norm.respond_within = 0;
	f.norm.respond_workdays = 2;
	q = queue_new(&f.conf, STEP);
	t = amsterdam(2026, 12, 14, 16, 30, 0);
	ok(q, METRIC_ANSWERED, t - sent, t, t);
	ok(q, METRIC_ANSWERED, t + 1 - sent, t + 1, t + 1);
	all_steps(q, t + 2, &s);
	assert_int_equal(s.answered_within, 1);
	queue_free(q);
	setenv("TZ", "UTC", 1);
	tzset();
}

/*
 * An alert's reason says what was judged, read however much later: it is
 * put in words only when read, from what the judgement saw.
 */
static void
reason_is_of_the_look_judged(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	struct silences	 ss;
	double		 t;

	(void)state;
	memset(&ss, 0, sizeof(ss));
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t, t);
	queue_evaluate(q, t + 1, &v);
	queue_judge(q, &v, &ss, t + 1, 1);
	ok(q, METRIC_ANSWERED, 120, t + 2, t + 2);	/* judged later */
	assert_string_equal(queue_alert_reason(&q->alerts[0]), "100% "
	    "answered within 30 s in the last 15 min, target 80%");
	queue_evaluate(q, t + 3, &v);
	queue_judge(q, &v, &ss, t + 3, 1);
	assert_string_equal(queue_alert_reason(&q->alerts[0]), "50% "
	    "answered within 30 s in the last 15 min, target 80%");
	queue_free(q);
}

/* Evaluates and judges q at now, as the daemon does after input. */
static void
judge_at(struct queue *q, double now, int english)
{
	struct queue_view v;
	struct silences	 ss;

	memset(&ss, 0, sizeof(ss));
	queue_evaluate(q, now, &v);
	queue_judge(q, &v, &ss, now, english);
}

/*
 * A queue whose first norm ("rustig", max_wait: ok, never active) looks
 * at everything, and whose second ("telefoon", 80% within 30 s)
 * goes critical at t + 1 on one answer after 120 s.
 */
struct two_norms {
	struct qconf	 f;
	struct norm_conf calm;
	struct ref	 refs[2];
	char		 calm_name[16];
};

static struct queue *
two_norms_critical(struct two_norms *tn, double *t, int english)
{
	struct queue	*q;

	qconf_init(&tn->f, NORM_ANSWER_WITHIN, 30, 900);
	tn->calm = tn->f.norm;
	snprintf(tn->calm_name, sizeof(tn->calm_name), "rustig");
	tn->calm.name = tn->calm_name;
	tn->calm.kind = NORM_MAX_WAIT;
	tn->calm.max_wait = 600;
	tn->refs[0].to = &tn->calm;
	tn->refs[1].to = &tn->f.norm;
	tn->f.conf.norms.refs = tn->refs;
	tn->f.conf.norms.n = 2;
	q = queue_new(&tn->f.conf, STEP);
	*t = slice_start(q, BASE);
	ok(q, METRIC_ANSWERED, 120, *t, *t);
	judge_at(q, *t + 1, english);
	assert_int_equal(queue_alert(q, "telefoon")->a.state, ALERT_CRITICAL);
	assert_int_equal(queue_alert(q, "rustig")->a.state, ALERT_OK);
	return q;
}

/*
 * The feed goes stale while a norm is critical: the norm's alert holds,
 * and its reason still says why it went critical, though the others
 * (the feed, and a norm judged before it) look on and the answer has
 * left the window since. Nobody read it before: it is made when the
 * look it holds by goes, not from a later one.
 */
static void
frozen_alert_keeps_why_it_went_critical(void **state)
{
	static const struct {
		int		 english;
		const char	*why, *feed;
	} langs[] = {
		{ 0, "0% binnen 30 s beantwoord in de laatste 15 min, norm 80%",
		    "Geen gegevens meer sinds " },
		{ 1, "0% answered within 30 s in the last 15 min, target 80%",
		    "No data since " },
	};
	struct two_norms tn;
	struct queue	*q;
	struct queue_alert *qa;
	double		 t;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(langs); i++) {
		q = two_norms_critical(&tn, &t, langs[i].english);
		judge_at(q, t + 901, langs[i].english);	/* stale, empty */
		qa = queue_alert(q, "telefoon");
		assert_int_equal(qa->a.state, ALERT_CRITICAL);
		judge_at(q, t + 1000, langs[i].english);
		assert_string_equal(queue_alert_reason(qa), langs[i].why);
		assert_int_equal(strncmp(queue_alert_reason(queue_alert(q,
		    ALERT_FEED)), langs[i].feed, strlen(langs[i].feed)), 0);
		judge_at(q, t + 1100, langs[i].english);
		assert_string_equal(queue_alert_reason(qa), langs[i].why);

		/* Input again: it looks, and says what it sees now. */
		ok(q, METRIC_ANSWERED, 10, t + 1200, t + 1200);
		judge_at(q, t + 1201, langs[i].english);
		assert_string_equal(queue_alert_reason(qa), langs[i].english ?
		    "100% answered within 30 s in the last 15 min, target 80%" :
		    "100% binnen 30 s beantwoord in de laatste 15 min, norm 80%");
		queue_free(q);
	}
}

/*
 * A reload keeps the reasons of the alerts it keeps, never read before:
 * of the look they saw, and of a frozen alert the look it holds by.
 */
static void
reload_keeps_reasons_never_read(void **state)
{
	struct two_norms tn;
	struct qconf	 same;
	struct queue	*q;
	const char	*feed;
	double		 t;

	(void)state;
	q = two_norms_critical(&tn, &t, 1);
	queue_reconfigure(q, &tn.f.conf, STEP);
	assert_string_equal(queue_alert_reason(queue_alert(q, "telefoon")),
	    "0% answered within 30 s in the last 15 min, target 80%");
	assert_string_equal(queue_alert_reason(queue_alert(q, ALERT_FEED)),
	    "Data arriving");
	queue_free(q);

	q = two_norms_critical(&tn, &t, 1);
	judge_at(q, t + 901, 1);		/* stale: telefoon holds */
	qconf_init(&same, NORM_ANSWER_WITHIN, 30, 900);	/* rustig goes */
	queue_reconfigure(q, &same.conf, STEP);
	assert_int_equal(q->nalerts, 2);
	judge_at(q, t + 1000, 1);
	assert_string_equal(queue_alert_reason(queue_alert(q, "telefoon")),
	    "0% answered within 30 s in the last 15 min, target 80%");
	feed = queue_alert_reason(queue_alert(q, ALERT_FEED));
	assert_int_equal(strncmp(feed, "No data since ", 14), 0);
	queue_free(q);
}

/*
 * A look is put in words with the hysteresis of the state the alert had
 * when it looked, not of the state the look moved it to: critical at
 * 80% when the line closes, its reason is the 80% that held it critical,
 * not the longest wait a look from nothing would have named.
 */
static void
reason_is_judged_from_the_state_before_the_look(void **state)
{
	struct qconf	 f;
	struct hours_conf h;
	struct queue	*q;
	struct queue_alert *qa;
	double		 t = amsterdam(2026, 11, 30, 16, 50, 0);	/* Monday */
	int		 i;

	(void)state;
	monday_hours(&h);
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	f.conf.hours.to = &h;
	f.conf.interval = 3600;
	q = queue_new(&f.conf, STEP);
	qa = queue_alert(q, "telefoon");
	ok(q, METRIC_ANSWERED, 120, t, t);
	judge_at(q, t + 1, 0);
	assert_int_equal(qa->a.state, ALERT_CRITICAL);
	for (i = 0; i < 4; i++)
		ok(q, METRIC_ANSWERED, 10, t + 2 + i, t + 2 + i);
	ok(q, METRIC_LONGEST_WAIT, 40, t + 6, t + 6);
	judge_at(q, t + 6, 0);
	assert_int_equal(qa->a.state, ALERT_CRITICAL);	/* 80%: holds */
	judge_at(q, amsterdam(2026, 11, 30, 17, 0, 1), 0);
	assert_int_equal(qa->a.state, ALERT_CLOSED);
	assert_string_equal(queue_alert_reason(qa),
	    "80% binnen 30 s beantwoord in de laatste 15 min, norm 80%");
	queue_free(q);
	setenv("TZ", "UTC", 1);
	tzset();
}

/* ------------------------------------------------------------------ */
/* First-contact resolution and ratings, over the quality window. */

/* 6300 s with a step of 10 s: 63 slices of 100 s, quarters of 1600 s. */
#define QWINDOW		6300.0

/* A queue whose one norm is direct_target = 80% or rating_target = 4.2,
 * judged from min_count contacts or ratings. */
static void
quality_conf(struct qconf *f, enum norm_kind kind, double window,
    int min_count)
{
	qconf_init(f, kind, 0, window);
	f->norm.min_count = min_count;
	f->norm.positive_from = 4;
	f->norm.positive_scale = 5;
	if (kind == NORM_DIRECT_TARGET)
		f->norm.direct_target = 80;
	else if (kind == NORM_RATING_TARGET) {
		f->norm.rating_target = 4.2;
		f->norm.rating_scale = 5;
	}
}

/* A time at the start of a quality slice. */
static double
quality_start(const struct queue *q, double t)
{
	return ceil(t / q->quality_width) * q->quality_width;
}

/* A resident's rating of score on scale (5 or 10) at ts, accepted. */
static void
rate(struct queue *q, double score, int scale, double ts)
{
	struct payload	 p;
	enum reject	 why = REJECT_COUNT;

	memset(&p, 0, sizeof(p));
	p.value = score;
	p.scale = scale;
	p.ts = ts;
	if (queue_input(q, METRIC_RATING, &p, ts, &why) != 0)
		fail_msg("rating %g/%d at %.1f refused: %s", score, scale, ts,
		    why < REJECT_COUNT ? reject_name(why) : "(unset)");
}

static void
assert_quality(const struct quality *got, const struct quality *want)
{
	if (memcmp(got, want, sizeof(*got)) != 0)
		fail_msg("counts %u direct, %u not, %u ratings; expected %u, "
		    "%u, %u", got->direct, got->indirect,
		    quality_ratings(got), want->direct, want->indirect,
		    quality_ratings(want));
}

static void
resolved_and_ratings_count_over_the_quality_window(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	struct quality	 want, nothing;
	double		 t0;

	(void)state;
	memset(&want, 0, sizeof(want));
	memset(&nothing, 0, sizeof(nothing));
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	assert_true(q->quality_width == 100);
	t0 = quality_start(q, BASE);
	ok(q, METRIC_RESOLVED, 1, t0, t0);
	ok(q, METRIC_RESOLVED, 0, t0 + 50, t0 + 50);
	rate(q, 4, 5, t0 + 60);
	rate(q, 8, 10, t0 + 70);
	want.direct = 1;
	want.indirect = 1;
	want.score5[3] = 1;
	want.score10[8] = 1;

	queue_view(q, t0 + 70, &v);
	assert_quality(&v.quality, &want);
	assert_true(v.quality_window == QWINDOW);
	assert_true(v.quality_recent_span == 1600);
	/* Not contacts of the service level. */
	assert_int_equal(v.arrived + v.answered + v.abandoned, 0);

	/* Long after the 15 minutes of the service level, still there. */
	queue_view(q, t0 + QWINDOW - 1, &v);
	assert_quality(&v.quality, &want);
	queue_view(q, t0 + QWINDOW, &v);	/* t0's slice has left */
	assert_quality(&v.quality, &nothing);
	assert_true(isnan(quality_direct(&v.quality)));
	queue_free(q);
}

/* Without a quality norm ratings still count, over a day: the day in
 * whole slices, so one stays at most a slice longer. */
static void
ratings_count_over_a_day_without_a_quality_norm(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t0;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	t0 = quality_start(q, BASE);
	rate(q, 2, 5, t0);
	queue_view(q, t0 + 86399, &v);
	assert_true(v.quality_window == 86400);
	assert_int_equal(v.quality.score5[1], 1);
	queue_view(q, t0 + 86400 + q->quality_width, &v);
	assert_int_equal(quality_ratings(&v.quality), 0);
	queue_free(q);
}

/*
 * The last quarter is the recent trend; the first is what leaves while
 * the next quarter comes. 16 slices each of the 63: in slice 0 and 15
 * of the window the first, 47 and 62 the last, 16 and 46 neither.
 */
static void
recent_and_leaving_quarters_of_the_quality_window(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t0;

	(void)state;
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	t0 = quality_start(q, BASE);
	ok(q, METRIC_RESOLVED, 1, t0, t0);
	ok(q, METRIC_RESOLVED, 1, t0 + 1599, t0 + 1599);
	ok(q, METRIC_RESOLVED, 0, t0 + 1600, t0 + 1600);
	ok(q, METRIC_RESOLVED, 0, t0 + 4699, t0 + 4699);
	ok(q, METRIC_RESOLVED, 1, t0 + 4700, t0 + 4700);
	ok(q, METRIC_RESOLVED, 0, t0 + 6250, t0 + 6250);

	queue_view(q, t0 + QWINDOW - 1, &v);
	assert_int_equal(v.quality.direct, 3);
	assert_int_equal(v.quality.indirect, 3);
	assert_int_equal(v.quality_leaving.direct, 2);
	assert_int_equal(v.quality_leaving.indirect, 0);
	assert_int_equal(v.quality_recent.direct, 1);
	assert_int_equal(v.quality_recent.indirect, 1);

	/* A slice on, everything moves up one. */
	queue_view(q, t0 + QWINDOW + 99, &v);
	assert_int_equal(v.quality.direct, 2);
	assert_int_equal(v.quality.indirect, 3);
	assert_int_equal(v.quality_leaving.direct, 1);
	assert_int_equal(v.quality_leaving.indirect, 1);
	assert_int_equal(v.quality_recent.direct, 0);
	assert_int_equal(v.quality_recent.indirect, 1);
	queue_free(q);
}

/* Counts in slices of another width would lie; the same width keeps
 * them, whatever else the reload changed. */
static void
reload_that_changes_the_quality_window_starts_it_over(void **state)
{
	struct qconf	 a, same, longer, day, none;
	struct queue	*q;
	struct queue_view v;

	(void)state;
	quality_conf(&a, NORM_DIRECT_TARGET, QWINDOW, 5);
	quality_conf(&same, NORM_DIRECT_TARGET, QWINDOW, 20);
	same.norm.direct_target = 90;
	quality_conf(&longer, NORM_DIRECT_TARGET, 8 * 3600.0, 5);
	quality_conf(&day, NORM_RATING_TARGET, 86400, 5);
	qconf_init(&none, NORM_NONE, 0, 0);
	q = queue_new(&a.conf, STEP);
	ok(q, METRIC_RESOLVED, 1, BASE, BASE);
	rate(q, 5, 5, BASE);

	queue_reconfigure(q, &same.conf, STEP);
	queue_view(q, BASE, &v);
	assert_int_equal(v.quality.direct, 1);
	assert_int_equal(quality_ratings(&v.quality), 1);

	queue_reconfigure(q, &longer.conf, STEP);
	queue_view(q, BASE, &v);
	assert_int_equal(quality_resolved(&v.quality), 0);
	assert_int_equal(quality_ratings(&v.quality), 0);
	assert_true(v.quality_window == 8 * 3600.0);
	ok(q, METRIC_RESOLVED, 0, BASE + 1, BASE + 1);	/* counts again */
	queue_view(q, BASE + 1, &v);
	assert_int_equal(v.quality.indirect, 1);

	/* Another step slices the same window differently. */
	queue_reconfigure(q, &longer.conf, 60);
	queue_view(q, BASE + 1, &v);
	assert_int_equal(quality_resolved(&v.quality), 0);

	/* A day's rating norm, then none: a day either way, kept. */
	queue_reconfigure(q, &day.conf, STEP);
	rate(q, 3, 5, BASE + 2);
	queue_reconfigure(q, &none.conf, STEP);
	queue_view(q, BASE + 2, &v);
	assert_int_equal(v.quality.score5[2], 1);
	queue_free(q);
}

/* NTP corrects a clock an hour fast: what came in on the fast clock
 * goes, as from the service level's window. */
static void
clock_stepping_back_starts_the_quality_window_over(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t;

	(void)state;
	quality_conf(&f, NORM_RATING_TARGET, 86400, 5);
	q = queue_new(&f.conf, STEP);
	t = quality_start(q, BASE);
	ok(q, METRIC_ANSWERED, 10, t, t);
	rate(q, 1, 5, t);
	ok(q, METRIC_RESOLVED, 1, t, t);
	queue_tick(q, t - 3600);
	rate(q, 5, 5, t - 3600);
	queue_view(q, t - 3600, &v);
	assert_int_equal(quality_ratings(&v.quality), 1);
	/* An hour later the fast clock's rating does not come back. */
	queue_view(q, t, &v);
	assert_int_equal(quality_ratings(&v.quality), 1);
	assert_int_equal(v.quality.score5[4], 1);
	assert_int_equal(quality_resolved(&v.quality), 0);
	queue_free(q);
}

/*
 * Counts leaving the quality window are news for a queue nobody publishes
 * to any more: the state is published again, once, without them.
 */
static void
quality_counts_leaving_the_window_are_published_once(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t0, gone;

	(void)state;
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	t0 = quality_start(q, BASE);
	ok(q, METRIC_RESOLVED, 1, t0, t0);
	q->dirty = 0;
	queue_tick(q, t0 + QWINDOW - 1);
	queue_view(q, t0 + QWINDOW - 1, &v);
	assert_int_equal(quality_resolved(&v.quality), 1);
	gone = t0 + QWINDOW + q->quality_width;
	queue_tick(q, gone);
	queue_view(q, gone, &v);
	assert_int_equal(quality_resolved(&v.quality), 0);
	assert_true(q->dirty);
	q->dirty = 0;
	queue_tick(q, gone + STEP);
	assert_false(q->dirty);
	queue_free(q);
}

/*
 * NTP steps the clock back a second just past a slice boundary: the
 * service level starts over, but a day of first-contact counts stays;
 * only what was counted on the fast clock's newest slice goes.
 */
static void
small_step_back_keeps_the_quality_window(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	double		 t0, t;
	int		 i;

	(void)state;
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	t0 = quality_start(q, BASE);
	for (i = 0; i < 40; i++)		/* 40 over 4000 s */
		ok(q, METRIC_RESOLVED, 1, t0 + 100 * i, t0 + 100 * i);
	t = t0 + 4000;				/* a slice of its own */
	ok(q, METRIC_ANSWERED, 5, t, t);
	ok(q, METRIC_RESOLVED, 0, t, t);
	queue_tick(q, t - 1);
	queue_view(q, t - 1, &v);
	assert_int_equal(v.quality.direct, 40);
	assert_int_equal(v.quality.indirect, 0);	/* the fast clock's */
	assert_int_equal(v.answered, 0);		/* started over */
	queue_free(q);
}

/* The same for a queue that only ever hears ratings (a survey). Each
 * queue is freed before its check, so that a failure leaks nothing. */
static void
clock_stepping_back_starts_over_a_queue_of_ratings_alone(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	enum reject	 why;
	double		 t, back;
	int		 rc;

	(void)state;
	quality_conf(&f, NORM_RATING_TARGET, 86400, 5);
	q = queue_new(&f.conf, STEP);
	t = quality_start(q, BASE);
	rate(q, 1, 5, t);
	queue_tick(q, t - 3600);
	rate(q, 5, 5, t - 3600);
	queue_view(q, t, &v);
	queue_free(q);
	assert_int_equal(quality_ratings(&v.quality), 1);
	assert_int_equal(v.quality.score5[0], 0);

	/* Back by the whole ring (64 slices of 23 min): a rating stamped
	 * now must not find its slot held by the fast clock's. */
	q = queue_new(&f.conf, STEP);
	back = t - QUEUE_SLICES * q->quality_width;
	rate(q, 1, 5, t);
	queue_tick(q, back);
	rc = put(q, METRIC_RATING, 5, back, back, &why);
	queue_free(q);
	if (rc != 0)
		fail_msg("a rating of now refused: %s", reject_name(why));
}

static double
number(const json_t *o, const char *key)
{
	const json_t	*x = json_object_get(o, key);

	if (!json_is_number(x))
		fail_msg("\"%s\" is not a number", key);
	return json_number_value(x);
}

/* A "scores" array, as counts. */
static void
assert_scores(const json_t *a, const uint32_t *want, size_t n)
{
	size_t	 i;

	assert_true(json_is_array(a));
	assert_int_equal(json_array_size(a), n);
	for (i = 0; i < n; i++)
		if (json_integer_value(json_array_get(a, i)) != want[i])
			fail_msg("scores[%zu] = %lld, expected %u", i,
			    (long long)json_integer_value(json_array_get(a,
			    i)), want[i]);
}

static void
json_direct_is_the_share_against_the_target(void **state)
{
	struct qconf	 f, g;
	struct queue	*q;
	json_t		*j, *d;

	(void)state;
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	j = queue_json(q, BASE);
	assert_true(json_is_null(json_object_get(j, "direct")));
	assert_true(json_is_null(json_object_get(j, "rating")));
	json_decref(j);

	ok(q, METRIC_RESOLVED, 1, BASE, BASE);
	ok(q, METRIC_RESOLVED, 1, BASE, BASE);
	ok(q, METRIC_RESOLVED, 0, BASE, BASE);
	ok(q, METRIC_RESOLVED, 1, BASE + 1, BASE + 1);
	j = queue_json(q, BASE + 1);
	d = json_object_get(j, "direct");
	assert_true(json_is_object(d));
	assert_true(number(d, "value") == 75);
	assert_true(number(d, "direct") == 3);
	assert_true(number(d, "count") == 4);
	assert_true(number(d, "window") == QWINDOW);
	assert_true(number(d, "target") == 80);
	assert_true(json_is_null(json_object_get(j, "rating")));
	json_decref(j);
	queue_free(q);

	/* Without the norm: the share, no target, over a day. */
	qconf_init(&g, NORM_NONE, 0, 0);
	q = queue_new(&g.conf, STEP);
	ok(q, METRIC_RESOLVED, 0, BASE, BASE);
	j = queue_json(q, BASE);
	d = json_object_get(j, "direct");
	assert_true(number(d, "value") == 0);
	assert_true(number(d, "count") == 1);
	assert_true(number(d, "window") == 86400);
	assert_null(json_object_get(d, "target"));
	json_decref(j);
	queue_free(q);
}

static void
json_rating_gives_average_share_and_counts_by_score(void **state)
{
	static const uint32_t on5[] = { 0, 0, 0, 1, 1 };
	static const uint32_t on10[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1 };
	struct qconf	 f;
	struct queue	*q;
	json_t		*j, *r, *by;

	(void)state;
	quality_conf(&f, NORM_RATING_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	rate(q, 5, 5, BASE);
	rate(q, 4, 5, BASE);
	rate(q, 8, 10, BASE);
	rate(q, 9, 10, BASE);
	rate(q, 10, 10, BASE);
	j = queue_json(q, BASE);
	assert_true(json_is_null(json_object_get(j, "direct")));
	r = json_object_get(j, "rating");
	assert_true(json_is_object(r));
	/* On the norm's scale, though most ratings were on 10: points 1,
	 * .75, .8, .9 and 1 average .89, 4.56 of 5. */
	assert_true(number(r, "value") == 4.6);
	assert_true(number(r, "scale") == 5);
	assert_true(number(r, "count") == 5);
	assert_true(number(r, "positive") == 100);
	assert_true(number(r, "positive_from") == 4);
	assert_true(number(r, "positive_scale") == 5);
	assert_true(number(r, "window") == QWINDOW);
	assert_true(number(r, "target") == 4.2);
	assert_null(json_object_get(r, "positive_target"));
	by = json_object_get(r, "scores");
	assert_scores(json_object_get(by, "5"), on5, 5);
	assert_scores(json_object_get(by, "10"), on10, 11);
	json_decref(j);
	queue_free(q);
}

/* rating_target = 85% from 8/10: the share is the figure; the average
 * is on the scale most used. */
static void
json_rating_of_a_share_norm_gives_its_positive_target(void **state)
{
	static const uint32_t on5[] = { 0, 0, 0, 1, 0 };
	static const uint32_t on10[] = { 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0 };
	struct qconf	 f, g;
	struct queue	*q;
	json_t		*j, *r, *by;

	(void)state;
	quality_conf(&f, NORM_RATING_TARGET, QWINDOW, 5);
	f.norm.rating_share = 1;
	f.norm.rating_target = 85;
	f.norm.positive_from = 8;
	f.norm.positive_scale = 10;
	q = queue_new(&f.conf, STEP);
	rate(q, 7, 10, BASE);
	rate(q, 8, 10, BASE);
	rate(q, 9, 10, BASE);
	rate(q, 4, 5, BASE);
	j = queue_json(q, BASE);
	r = json_object_get(j, "rating");
	/* (7 + 8 + 9 + 7.5) / 4 = 7.875, in tenths. */
	assert_true(number(r, "value") == 7.9);
	assert_true(number(r, "scale") == 10);
	assert_true(number(r, "count") == 4);
	assert_true(number(r, "positive") == 50);	/* 8 and 9 */
	assert_true(number(r, "positive_from") == 8);
	assert_true(number(r, "positive_scale") == 10);
	assert_true(number(r, "positive_target") == 85);
	assert_null(json_object_get(r, "target"));
	by = json_object_get(r, "scores");
	assert_scores(json_object_get(by, "5"), on5, 5);
	assert_scores(json_object_get(by, "10"), on10, 11);
	json_decref(j);
	queue_free(q);

	/* No norm: positive from 4 of 5, so 8 of 10 and not 7; only the
	 * scale used has its scores. */
	qconf_init(&g, NORM_NONE, 0, 0);
	q = queue_new(&g.conf, STEP);
	rate(q, 7, 10, BASE);
	rate(q, 8, 10, BASE);
	j = queue_json(q, BASE);
	r = json_object_get(j, "rating");
	assert_true(number(r, "value") == 7.5);
	assert_true(number(r, "scale") == 10);
	assert_true(number(r, "positive") == 50);
	assert_true(number(r, "positive_from") == 4);
	assert_true(number(r, "positive_scale") == 5);
	assert_true(number(r, "window") == 86400);
	assert_null(json_object_get(r, "target"));
	assert_null(json_object_get(r, "positive_target"));
	by = json_object_get(r, "scores");
	assert_null(json_object_get(by, "5"));
	assert_int_equal(json_array_size(json_object_get(by, "10")), 11);
	json_decref(j);
	queue_free(q);
}

/* The history gets each step's counts: a late one in the step before,
 * one later than that refused. */
static void
finished_steps_carry_the_quality_counts(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	struct quality	 first, second;
	enum reject	 why;
	double		 t0;

	(void)state;
	memset(&first, 0, sizeof(first));
	memset(&second, 0, sizeof(second));
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	q = queue_new(&f.conf, STEP);
	t0 = ceil(BASE / STEP) * STEP;
	ok(q, METRIC_RESOLVED, 1, t0, t0);
	rate(q, 5, 5, t0);
	rate(q, 8, 10, t0 + 3);
	ok(q, METRIC_RESOLVED, 0, t0 + 12, t0 + 12);
	ok(q, METRIC_RATING, 2, t0 + 5, t0 + 14);	/* late, in time */
	assert_int_equal(put(q, METRIC_RATING, 3, t0 - 30, t0 + 14, &why),
	    -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	assert_int_equal(put(q, METRIC_RESOLVED, 1, t0 - 30, t0 + 14, &why),
	    -1);
	assert_int_equal(why, REJECT_TOO_LATE);
	first.direct = 1;
	first.score5[4] = 1;
	first.score5[1] = 1;
	first.score10[8] = 1;
	second.indirect = 1;

	queue_close(q, t0 + 15);
	assert_true(queue_take_step(q, &s));
	assert_true(s.start == t0);
	assert_quality(&s.quality, &first);
	assert_int_equal(s.arrived + s.answered + s.abandoned, 0);
	assert_true(queue_take_step(q, &s));
	assert_true(s.start == t0 + STEP);
	assert_quality(&s.quality, &second);
	assert_false(queue_take_step(q, &s));
	queue_free(q);
}

/* Ticks and judges q at now, as the loop does on every message. */
static void
look(struct queue *q, double now)
{
	queue_tick(q, now);
	judge_at(q, now, 0);
}

static const char *
queue_state_of(struct queue *q, double now)
{
	static char	 state[16];
	json_t		*j = queue_json(q, now);

	snprintf(state, sizeof(state), "%s",
	    json_string_value(json_object_get(j, "state")));
	json_decref(j);
	return state;
}

/*
 * direct_target with for = 0: critical at the look that has min_count
 * contacts short of the target. After hours it is closed, however the
 * contacts resolved then went.
 */
static void
direct_target_alert_goes_critical_at_once_and_closes_after_hours(void **state)
{
	struct qconf	 f;
	struct hours_conf h;
	struct queue	*q;
	struct queue_alert *qa;
	struct queue_view v;
	double		 t = amsterdam(2026, 11, 30, 10, 0, 0);	/* Monday */
	double		 evening = amsterdam(2026, 11, 30, 17, 30, 0);
	int		 i;

	(void)state;
	monday_hours(&h);
	quality_conf(&f, NORM_DIRECT_TARGET, QWINDOW, 5);
	f.norm.hold = 0;
	f.norm.clear_for = 0;
	f.conf.hours.to = &h;
	f.conf.interval = 3600;
	q = queue_new(&f.conf, STEP);
	qa = queue_alert(q, "telefoon");
	assert_non_null(qa);
	ok(q, METRIC_RESOLVED, 1, t, t);
	ok(q, METRIC_RESOLVED, 1, t + 1, t + 1);
	ok(q, METRIC_RESOLVED, 0, t + 2, t + 2);
	ok(q, METRIC_RESOLVED, 0, t + 3, t + 3);
	look(q, t + 4);
	assert_int_equal(qa->a.state, ALERT_UNKNOWN);
	assert_string_equal(queue_alert_reason(qa), "Te weinig gegevens: 4 "
	    "afgehandelde contacten sinds 10:00, minimaal 5");

	ok(q, METRIC_RESOLVED, 0, t + 5, t + 5);
	look(q, t + 5);
	assert_int_equal(qa->a.state, ALERT_CRITICAL);
	assert_true(qa->a.since == t + 5);
	assert_int_equal(qa->changed, 1);
	assert_true(qa->j.value == 40 && qa->j.threshold == 80);
	/* The counts began at 10:00, not a whole window ago: it says so. */
	assert_string_equal(queue_alert_reason(qa), "40% direct beantwoord "
	    "sinds 10:00 (2 van 5), norm 80%");
	assert_string_equal(queue_state_of(q, t + 5), "critical");

	/* 17:30: closed, though the contacts of the evening go badly. */
	look(q, evening);
	assert_int_equal(qa->a.state, ALERT_CLOSED);
	for (i = 0; i < 10; i++)
		ok(q, METRIC_RESOLVED, 0, evening + i, evening + i);
	look(q, evening + 10);
	assert_int_equal(qa->a.state, ALERT_CLOSED);
	queue_evaluate(q, evening + 10, &v);
	assert_false(v.open);
	assert_int_equal(v.quality.indirect, 10);
	assert_string_equal(queue_state_of(q, evening + 10), "closed");
	look(q, evening + 3600);
	assert_int_equal(qa->a.state, ALERT_CLOSED);

	/* Open again a week on: the window is empty, nothing is known. */
	look(q, amsterdam(2026, 12, 7, 8, 30, 0));
	assert_int_equal(qa->a.state, ALERT_UNKNOWN);
	queue_free(q);
	setenv("TZ", "UTC", 1);
	tzset();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(service_level_is_share_answered_within),
		cmocka_unit_test(reason_is_of_the_look_judged),
		cmocka_unit_test(frozen_alert_keeps_why_it_went_critical),
		cmocka_unit_test(reload_keeps_reasons_never_read),
		cmocka_unit_test(reason_is_judged_from_the_state_before_the_look),
		cmocka_unit_test(report_counts_contacts_that_came_in_while_open),
		cmocka_unit_test(respond_within_is_judged_in_working_time),
		cmocka_unit_test(service_level_is_unknown_without_answers_or_norm),
		cmocka_unit_test(events_leave_the_window_as_now_advances),
		cmocka_unit_test(abandoned_contacts_count_by_the_norm),
		cmocka_unit_test(ewt_follows_asterisk_holdtime),
		cmocka_unit_test(gauges_are_unknown_until_published),
		cmocka_unit_test(join_and_leave_track_who_waits),
		cmocka_unit_test(leave_outcomes_count_answered_abandoned_or_neither),
		cmocka_unit_test(leave_before_join_ts_waited_zero),
		cmocka_unit_test(lifecycle_refusals),
		cmocka_unit_test(waiting_set_is_bounded),
		cmocka_unit_test(joins_never_left_expire_after_ttl),
		cmocka_unit_test(many_expired_joins_all_go_in_one_tick),
		cmocka_unit_test(stale_after_three_intervals_without_input),
		cmocka_unit_test(event_older_than_the_ring_is_too_late),
		cmocka_unit_test(event_ahead_of_now_keeps_the_window),
		cmocka_unit_test(tick_marks_what_changes_with_the_clock),
		cmocka_unit_test(used_slice_leaving_the_window_is_news_counted_or_not),
		cmocka_unit_test(clock_stepping_back_restarts_the_window),
		cmocka_unit_test(silence_longer_than_the_ring_clears_every_slice),
		cmocka_unit_test(late_input_behind_the_newest_slice_adds_to_its_own),
		cmocka_unit_test(input_after_the_clock_stepped_back_past_the_ring),
		cmocka_unit_test(reconfigure_keeps_counts_only_when_the_norm_holds),
		cmocka_unit_test(reconfigure_keeps_an_ack),
		cmocka_unit_test(window_is_covered_by_whole_steps),
		cmocka_unit_test(json_has_the_contract_fields),
		cmocka_unit_test(json_sl_is_null_without_a_service_level_norm),
		cmocka_unit_test(closed_hours_and_stale_only_while_open),
		cmocka_unit_test(resolved_and_ratings_count_over_the_quality_window),
		cmocka_unit_test(ratings_count_over_a_day_without_a_quality_norm),
		cmocka_unit_test(recent_and_leaving_quarters_of_the_quality_window),
		cmocka_unit_test(reload_that_changes_the_quality_window_starts_it_over),
		cmocka_unit_test(clock_stepping_back_starts_the_quality_window_over),
		cmocka_unit_test(clock_stepping_back_starts_over_a_queue_of_ratings_alone),
		cmocka_unit_test(quality_counts_leaving_the_window_are_published_once),
		cmocka_unit_test(small_step_back_keeps_the_quality_window),
		cmocka_unit_test(json_direct_is_the_share_against_the_target),
		cmocka_unit_test(json_rating_gives_average_share_and_counts_by_score),
		cmocka_unit_test(json_rating_of_a_share_norm_gives_its_positive_target),
		cmocka_unit_test(finished_steps_carry_the_quality_counts),
		cmocka_unit_test(direct_target_alert_goes_critical_at_once_and_closes_after_hours),
	};

	/* ISO 8601 times in the contract are local: make local UTC. */
	setenv("TZ", "UTC", 1);
	tzset();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
