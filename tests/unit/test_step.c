/*
 * test_step.c: the RRD steps of one queue, as the store will read them.
 * step.c's arithmetic alone first, then a queue fed with inputs and an
 * injected `now`, its finished steps read out with queue_take_step. Every
 * expected number is written out by hand, its sum beside it where it is
 * not plain; nothing is recomputed with the code under test.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wachtd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define STEP		10.0
#define T0		1764412340.0	/* 2025-11-29 10:32:20 UTC: a step */
#define N0		((int64_t)176441234)	/* T0 / STEP */

/* A double as expected; NAN expects NAN. Times compare exactly. */
static void
same_num(double got, double want, const char *what, int line)
{
	if (isnan(want) ? !isnan(got) : !(fabs(got - want) <= 1e-9))
		fail_msg("line %d: %s is %.10g, expected %.10g", line, what,
		    got, want);
}
#define assert_num(got, want) same_num((got), (want), #got, __LINE__)

/* ------------------------------------------------------------------ */
/* step.c alone: one step [70, 80), n 7 of 10 s. */

static void
step_open_starts_clean(void **state)
{
	static const double held[STEP_GAUGES] = { 1, 2, 3, 4, 5, 6 };
	struct step	 s;
	int		 g;

	(void)state;
	memset(&s, 0xa5, sizeof(s));	/* whatever was there before */
	step_open(&s, 7, STEP, NULL);
	assert_int_equal(s.n, 7);
	assert_num(s.start, 70);
	assert_num(s.end, 80);
	assert_num(s.len, 10);
	assert_int_equal(s.arrived, 0);
	assert_int_equal(s.answered, 0);
	assert_int_equal(s.answered_within, 0);
	assert_int_equal(s.abandoned, 0);
	assert_int_equal(s.handled, 0);
	assert_num(s.wait_sum, 0);
	assert_num(s.wait_max, 0);
	assert_num(s.handle_sum, 0);
	for (g = 0; g < STEP_GAUGES; g++) {
		assert_num(s.gauge_sum[g], 0);
		assert_num(s.gauge_secs[g], 0);
		assert_num(s.gauge_max[g], NAN);
		assert_num(step_gauge_avg(&s, g), NAN);
	}

	/* Values carried in are each gauge's maximum, nothing else. */
	step_open(&s, N0, STEP, held);
	assert_num(s.start, T0);
	assert_num(s.end, T0 + 10);
	for (g = 0; g < STEP_GAUGES; g++) {
		assert_num(s.gauge_max[g], g + 1);
		assert_num(s.gauge_secs[g], 0);
		assert_num(step_gauge_avg(&s, g), NAN);
	}
}

struct hold {
	double		 v, from, to;
};

/* Time-weighted gauges: holds, samples and a carried-in value. */
static void
step_gauge_arithmetic(void **state)
{
	static const struct {
		const char	*name;
		int		 carry;		/* open with held[] */
		double		 carried;
		struct hold	 hold[3];
		int		 nhold;
		int		 sample;	/* step_sample(sampled) */
		double		 sampled;
		double		 avg, secs, max;
	} cases[] = {
		{ "one value the whole step", 0, 0,
		    { { 5, 70, 80 } }, 1, 0, 0, 5, 10, 5 },
		/* 2 x 4 + 7 x 6 = 50 over 10 s; the plain mean would be 4.5 */
		{ "2 for 4 s then 7 for 6 s", 0, 0,
		    { { 2, 70, 74 }, { 7, 74, 80 } }, 2, 0, 0, 5, 10, 7 },
		/* only 70..72 of the first hold: 3 x 2 + 9 x 8 = 78 */
		{ "hold from before the start is clipped", 0, 0,
		    { { 3, 60, 72 }, { 9, 72, 80 } }, 2, 0, 0, 7.8, 10, 9 },
		/* only 75..80 of the second: 4 x 5 + 8 x 5 = 60 */
		{ "hold past the end is clipped", 0, 0,
		    { { 4, 70, 75 }, { 8, 75, 95 } }, 2, 0, 0, 6, 10, 8 },
		{ "holds wholly outside: no time, no maximum", 0, 0,
		    { { 100, 50, 70 }, { 100, 80, 90 }, { 6, 72, 77 } }, 3,
		    0, 0, 6, 5, 6 },
		{ "known half the step: average of that half", 0, 0,
		    { { 4, 75, 80 } }, 1, 0, 0, 4, 5, 4 },
		{ "NAN is no value", 0, 0,
		    { { NAN, 70, 75 }, { 8, 75, 80 } }, 2, 0, 0, 8, 5, 8 },
		{ "backwards or empty hold is ignored", 0, 0,
		    { { 5, 76, 74 }, { 5, 75, 75 } }, 2, 0, 0, NAN, 0, NAN },
		{ "nothing held: no average, no maximum", 0, 0,
		    { { 0, 0, 0 } }, 0, 0, 0, NAN, 0, NAN },
		/* 4 x 3 + 1 x 7 = 19; the 4 held in is the maximum */
		{ "carried-in value stays the maximum", 1, 4,
		    { { 4, 70, 73 }, { 1, 73, 80 } }, 2, 0, 0, 1.9, 10, 4 },
		{ "carried-in value alone: maximum, no average", 1, 4,
		    { { 0, 0, 0 } }, 0, 0, 0, NAN, 0, 4 },
		{ "carried-in NAN is no maximum", 1, NAN,
		    { { 2, 70, 80 } }, 1, 0, 0, 2, 10, 2 },
		{ "a sample counts for the maximum only", 0, 0,
		    { { 2, 70, 80 } }, 1, 1, 12, 2, 10, 12 },
		{ "a smaller sample leaves the maximum", 0, 0,
		    { { 6, 70, 80 } }, 1, 1, 1, 6, 10, 6 },
		{ "a NAN sample is ignored", 0, 0,
		    { { 3, 70, 80 } }, 1, 1, NAN, 3, 10, 3 },
		{ "a NAN sample on nothing stays unknown", 0, 0,
		    { { 0, 0, 0 } }, 0, 1, NAN, NAN, 0, NAN },
	};
	const int	 g = GAUGE_BACKLOG;
	double		 held[STEP_GAUGES];
	struct step	 s;
	size_t		 i;
	int		 h, o;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		for (o = 0; o < STEP_GAUGES; o++)
			held[o] = NAN;
		held[g] = cases[i].carried;
		step_open(&s, 7, STEP, cases[i].carry ? held : NULL);
		for (h = 0; h < cases[i].nhold; h++)
			step_hold(&s, g, cases[i].hold[h].v,
			    cases[i].hold[h].from, cases[i].hold[h].to);
		if (cases[i].sample)
			step_sample(&s, g, cases[i].sampled);
		if (isnan(cases[i].avg) ? !isnan(step_gauge_avg(&s, g)) :
		    fabs(step_gauge_avg(&s, g) - cases[i].avg) > 1e-9)
			fail_msg("%s: average %g, expected %g", cases[i].name,
			    step_gauge_avg(&s, g), cases[i].avg);
		if (s.gauge_secs[g] != cases[i].secs)
			fail_msg("%s: %g s held, expected %g", cases[i].name,
			    s.gauge_secs[g], cases[i].secs);
		if (isnan(cases[i].max) ? !isnan(s.gauge_max[g]) :
		    s.gauge_max[g] != cases[i].max)
			fail_msg("%s: maximum %g, expected %g", cases[i].name,
			    s.gauge_max[g], cases[i].max);
		/* One gauge's holds leave the others alone. */
		for (o = 0; o < STEP_GAUGES; o++)
			if (o != g && (s.gauge_secs[o] != 0 ||
			    !isnan(s.gauge_max[o])))
				fail_msg("%s: gauge %d touched", cases[i].name,
				    o);
	}
}

static void
step_answered_sums_waits(void **state)
{
	struct step	 s;

	(void)state;
	step_open(&s, 7, STEP, NULL);
	step_answered(&s, 12, 1, 1);
	step_answered(&s, 40, 0, 1);
	step_answered(&s, 3, 1, 1);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.answered_within, 2);
	assert_num(s.wait_sum, 55);
	assert_num(s.wait_max, 40);
	assert_int_equal(s.arrived, 0);
	assert_int_equal(s.abandoned, 0);
}

/* The report's counts take only contacts that came in while open; the
 * graphs' counts take all. */
static void
step_open_counts_apart(void **state)
{
	struct step	 s;

	(void)state;
	step_open(&s, 7, STEP, NULL);
	step_arrived(&s, 3, 1);
	step_arrived(&s, 2, 0);
	step_answered(&s, 12, 1, 1);
	step_answered(&s, 400, 0, 0);	/* came in before opening */
	step_answered(&s, 45, 0, 1);
	step_abandoned(&s, 3, 1, 1);
	step_abandoned(&s, 90, 0, 1);
	step_abandoned(&s, 600, 0, 0);
	assert_int_equal(s.arrived, 5);
	assert_int_equal(s.open_arrived, 3);
	assert_int_equal(s.answered, 3);
	assert_int_equal(s.open_answered, 2);
	assert_int_equal(s.open_within, 1);
	assert_num(s.open_wait_sum, 57);
	assert_int_equal(s.abandoned, 3);
	assert_int_equal(s.open_abandoned, 2);
	assert_int_equal(s.open_short, 1);
	assert_num(s.wait_max, 400);
	/* The longest of those counted, abandoned ones included. */
	assert_num(s.open_wait_max, 90);
}

/* ------------------------------------------------------------------ */
/* A queue's steps, read out as the store reads them. */

#include "queue_fixture.h"

/* Applies an input that must be refused for reason want. */
static void
refused(struct queue *q, enum metric m, double value, double ts, double now,
    enum reject want)
{
	enum reject	 why;

	if (put(q, m, value, ts, now, &why) != -1)
		fail_msg("%s %g at T0%+g accepted at T0%+g", metric_name(m),
		    value, ts - T0, now - T0);
	if (why != want)
		fail_msg("%s at T0%+g refused: %s, expected %s", metric_name(m),
		    ts - T0, why < REJECT_COUNT ? reject_name(why) : "(unset)",
		    reject_name(want));
}

/* The daemon's step tick: a roll on every step start from..to. */
static void
tick(struct queue *q, double from, double to)
{
	double		 t;

	for (t = from; t <= to; t += STEP)
		queue_roll(q, t);
}

/* The next finished step must be number n. */
static void
take_step(struct queue *q, struct step *s, int64_t n, int line)
{
	if (!queue_take_step(q, s))
		fail_msg("line %d: outbox empty, expected step N0%+lld", line,
		    (long long)(n - N0));
	if (s->n != n)
		fail_msg("line %d: step N0%+lld out, expected N0%+lld", line,
		    (long long)(s->n - N0), (long long)(n - N0));
}
#define take(q, s, n)	take_step((q), (s), (n), __LINE__)

static void
outbox_empty(struct queue *q, int line)
{
	struct step	 s;

	if (queue_take_step(q, &s))
		fail_msg("line %d: unexpected step N0%+lld [T0%+g, T0%+g)",
		    line, (long long)(s.n - N0), s.start - T0, s.end - T0);
}
#define assert_outbox_empty(q)	outbox_empty((q), __LINE__)

/* The counts of one step, all of them. */
struct counts {
	uint32_t	 arrived, answered, within, abandoned, handled;
	double		 wait_sum, wait_max, handle_sum;
};

static void
step_counts(const struct step *s, const struct counts *c, int line)
{
	if (s->arrived != c->arrived || s->answered != c->answered ||
	    s->answered_within != c->within || s->abandoned != c->abandoned ||
	    s->handled != c->handled ||
	    fabs(s->wait_sum - c->wait_sum) > 1e-9 ||
	    fabs(s->wait_max - c->wait_max) > 1e-9 ||
	    fabs(s->handle_sum - c->handle_sum) > 1e-9)
		fail_msg("line %d: step N0%+lld has arrived %u answered %u "
		    "within %u abandoned %u handled %u waits %g (max %g) "
		    "handling %g; expected %u %u %u %u %u %g (%g) %g", line,
		    (long long)(s->n - N0), s->arrived, s->answered,
		    s->answered_within, s->abandoned, s->handled, s->wait_sum,
		    s->wait_max, s->handle_sum, c->arrived, c->answered,
		    c->within, c->abandoned, c->handled, c->wait_sum,
		    c->wait_max, c->handle_sum);
}
#define assert_counts(s, ...) do {					\
	const struct counts want_ = __VA_ARGS__;			\
	step_counts((s), &want_, __LINE__);				\
} while (0)

static const struct counts NONE;

/* Takes step n and checks it is [start, end) with no counts at all. */
static void
empty_step(struct queue *q, int64_t n, double start, double end, int line)
{
	struct step	 s;

	take_step(q, &s, n, line);
	step_counts(&s, &NONE, line);
	same_num(s.start, start, "start", line);
	same_num(s.end, end, "end", line);
}
#define take_empty(q, n, start, end) empty_step((q), (n), (start), (end), \
	__LINE__)

static void
step_gauge(const struct step *s, int g, double avg, double secs, double max,
    int line)
{
	same_num(step_gauge_avg(s, g), avg, "average", line);
	same_num(s->gauge_secs[g], secs, "seconds held", line);
	same_num(s->gauge_max[g], max, "maximum", line);
}
#define assert_gauge(s, g, avg, secs, max) \
	step_gauge((s), (g), (avg), (secs), (max), __LINE__)

/* Counts land in the step their ts falls in; a step starts inclusive. */
static void
counts_land_in_the_step_of_their_ts(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 1, T0 + 1);
	ok(q, METRIC_ABANDONED, 40, T0 + 3, T0 + 3);
	ok(q, METRIC_HANDLE_TIME, 120, T0 + 4, T0 + 4);
	ok(q, METRIC_ARRIVED, 2, T0 + 9, T0 + 9);
	ok(q, METRIC_ANSWERED, 12, T0 + 9.5, T0 + 9.5);
	ok(q, METRIC_ARRIVED, 1, T0 + 10, T0 + 10);	/* the next step */
	ok(q, METRIC_ANSWERED, 50, T0 + 15, T0 + 15);
	ok(q, METRIC_HANDLE_TIME, 30, T0 + 16, T0 + 16);
	ok(q, METRIC_HANDLE_TIME, 90, T0 + 19.5, T0 + 19.5);
	tick(q, T0 + 20, T0 + 30);

	/* The first step is watched from the first input on. */
	take(q, &s, N0);
	assert_num(s.start, T0 + 1);
	assert_num(s.end, T0 + 10);
	assert_counts(&s, { .arrived = 3, .answered = 1, .within = 1,
	    .abandoned = 1, .handled = 1, .wait_sum = 12, .wait_max = 12,
	    .handle_sum = 120 });
	take(q, &s, N0 + 1);
	assert_num(s.start, T0 + 10);
	assert_num(s.end, T0 + 20);
	assert_counts(&s, { .arrived = 1, .answered = 1, .within = 0,
	    .handled = 2, .wait_sum = 50, .wait_max = 50,
	    .handle_sum = 120 });
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * Where one event lands by its ts and the now it arrives at, the daemon
 * rolling on every step start in between. Each case starts a fresh queue
 * with a gauge at T0 + 1, so the open steps are N0 - 1 and N0.
 */
static void
where_an_event_lands(void **state)
{
	static const struct {
		const char	*name;
		double		 ts, now;	/* after T0 */
		int		 step;		/* N0 + step; 99: refused */
	} cases[] = {
		{ "in the current step", 5, 5, 0 },
		{ "on the first second of a step", 10, 10, 1 },
		{ "just before the boundary, a second late", 9.5, 10.5, 0 },
		{ "late into prev", 8, 13, 0 },
		{ "19 s late, still prev's own step", 0, 19, 0 },
		{ "11 s late but prev has moved on", 9, 20, 99 },
		{ "late, in prev as it moves on", 12, 21, 1 },
		{ "late into the step before the first input", -5, 2, -1 },
		{ "13 s late, two steps back", -11, 2, 99 },
		{ "ahead of now by PAYLOAD_FUTURE: counts now", 5 +
		    PAYLOAD_FUTURE, 5, 0 },
		{ "ahead of now into the next step: counts now", 12, 8, 0 },
	};
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	struct step	 s;
	enum reject	 why;
	int64_t		 landed;
	uint32_t	 total;
	size_t		 i;
	int		 rc;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	for (i = 0; i < NELEM(cases); i++) {
		double	 ts = T0 + cases[i].ts, now = T0 + cases[i].now;

		q = queue_new(&f.conf, STEP);
		ok(q, METRIC_AGENTS, 1, T0 + 1, T0 + 1);
		tick(q, T0 + 10, now);
		rc = put(q, METRIC_ARRIVED, 1, ts, now, &why);
		queue_view(q, now, &v);
		/* Two more ticks: the event's step, even prev, is written. */
		tick(q, floor(now / STEP) * STEP + STEP,
		    floor(now / STEP) * STEP + 2 * STEP);
		landed = 99;
		total = 0;
		while (queue_take_step(q, &s))
			if (s.arrived > 0) {
				landed = s.n - N0;
				total += s.arrived;
			}
		if (cases[i].step == 99) {
			if (rc != -1 || why != REJECT_TOO_LATE)
				fail_msg("%s: accepted", cases[i].name);
			if (total != 0 || v.arrived != 0)
				fail_msg("%s: refused but counted",
				    cases[i].name);
		} else {
			if (rc != 0)
				fail_msg("%s: refused: %s", cases[i].name,
				    reject_name(why));
			if (total != 1 || landed != cases[i].step)
				fail_msg("%s: %u in step N0%+lld, expected 1 "
				    "in N0%+d", cases[i].name, total,
				    (long long)landed, cases[i].step);
			if (v.arrived != 1)
				fail_msg("%s: window has %u", cases[i].name,
				    v.arrived);
		}
		queue_free(q);
	}
}

/* Out-of-order events inside the grace each land in their own step. */
static void
out_of_order_events_land_in_their_own_steps(void **state)
{
	static const struct {
		double	 ts, now, wait;		/* after T0; s */
	} in[] = {
		{ 13, 13, 10 },		/* first input: prev N0, cur N0+1 */
		{ 4, 14, 5 },
		{ 11, 15, 31 },
		{ 6, 16, 45 },
		{ 19, 19, 30 },
		{ 9, 19.5, 20 },
	};
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	size_t		 i;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	for (i = 0; i < NELEM(in); i++)
		ok(q, METRIC_ANSWERED, in[i].wait, T0 + in[i].ts,
		    T0 + in[i].now);
	tick(q, T0 + 20, T0 + 30);
	/* N0: waits 5, 45, 20; 5 and 20 within 30. */
	take(q, &s, N0);
	assert_counts(&s, { .answered = 3, .within = 2, .wait_sum = 70,
	    .wait_max = 45 });
	/* N0+1: waits 10, 31, 30; 30 itself is within. */
	take(q, &s, N0 + 1);
	assert_counts(&s, { .answered = 3, .within = 2, .wait_sum = 71,
	    .wait_max = 31 });
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * The payload contract has no event id: an event delivered twice (MQTT
 * QoS 1 redelivers after a lost PUBACK) cannot be told from two events and
 * counts twice. Only lifecycle joins carry an id, and a second join for a
 * waiting id is refused.
 */
static void
duplicate_events_count_twice(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	enum reject	 why;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 3, T0 + 3);
	ok(q, METRIC_ARRIVED, 1, T0 + 3, T0 + 3);
	ok(q, METRIC_ANSWERED, 12, T0 + 4, T0 + 4);
	ok(q, METRIC_ANSWERED, 12, T0 + 4, T0 + 5);	/* redelivered */
	join_ok(q, "A", T0 + 6);
	assert_int_equal(life(q, METRIC_JOIN, "A", OUTCOME_NONE, T0 + 6,
	    T0 + 7, &why), -1);
	assert_int_equal(why, REJECT_DUPLICATE_ID);
	tick(q, T0 + 10, T0 + 20);

	take(q, &s, N0);
	/* 2 arrivals and 1 join; the refused join is not counted. */
	assert_counts(&s, { .arrived = 3, .answered = 2, .within = 2,
	    .wait_sum = 24, .wait_max = 12 });
	assert_outbox_empty(q);
	queue_free(q);
}

/* 3 for the first half of the step, 7 for the second. */
static void
gauge_3_then_7_halfway_averages_5(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_WAITING, 3, T0, T0);
	ok(q, METRIC_WAITING, 7, T0 + 5, T0 + 5);
	tick(q, T0 + 10, T0 + 20);

	take(q, &s, N0);
	assert_gauge(&s, GAUGE_WAITING, 5, 10, 7);	/* (15 + 35) / 10 */
	assert_gauge(&s, GAUGE_AGENTS, NAN, 0, NAN);	/* never published */
	assert_gauge(&s, GAUGE_EWT, NAN, 0, NAN);
	assert_counts(&s, { 0 });
	assert_outbox_empty(q);
	queue_free(q);
}

/* Published once, a value holds for every step until it changes. */
static void
gauge_held_across_steps_fills_each(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_AGENTS, 4, T0 + 2, T0 + 2);
	tick(q, T0 + 10, T0 + 40);

	take(q, &s, N0);
	assert_gauge(&s, GAUGE_AGENTS, 4, 8, 4);	/* from T0 + 2 */
	take(q, &s, N0 + 1);
	assert_gauge(&s, GAUGE_AGENTS, 4, 10, 4);
	take(q, &s, N0 + 2);
	assert_gauge(&s, GAUGE_AGENTS, 4, 10, 4);
	assert_outbox_empty(q);

	ok(q, METRIC_AGENTS, 2, T0 + 45, T0 + 45);
	tick(q, T0 + 50, T0 + 60);
	take(q, &s, N0 + 3);
	assert_gauge(&s, GAUGE_AGENTS, 4, 10, 4);
	take(q, &s, N0 + 4);
	assert_gauge(&s, GAUGE_AGENTS, 3, 10, 4);	/* (20 + 10) / 10 */
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * The history keeps the wait predicted after each input (queue_evaluate),
 * time-weighted like any gauge. A answered after 6 s: nobody waits, the
 * prediction is 0 (position) from T0 + 6. B joins at T0 + 7: one waits,
 * but 7 s of watching give no answer rate yet, so Asterisk's average of
 * the waits so far, 6 s, holds to the step's end. 0 x 1 s + 6 x 3 s =
 * 18 over 4 s: 4.5, at most 6. The step after holds 6 throughout.
 */
static void
history_keeps_the_predicted_wait(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct queue_view v;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "A", T0);
	queue_evaluate(q, T0, &v);
	assert_int_equal(v.pred.ewt_by, PREDICT_NONE);	/* nothing known */
	leave_ok(q, "A", OUTCOME_ANSWERED, T0 + 6);
	queue_evaluate(q, T0 + 6, &v);
	assert_int_equal(v.pred.ewt_by, PREDICT_POSITION);
	join_ok(q, "B", T0 + 7);
	queue_evaluate(q, T0 + 7, &v);
	assert_int_equal(v.pred.ewt_by, PREDICT_HOLDTIME);
	assert_num(v.ewt, 6);
	tick(q, T0 + 10, T0 + 30);

	take(q, &s, N0);
	assert_gauge(&s, GAUGE_EWT, 4.5, 4, 6);
	take(q, &s, N0 + 1);
	assert_gauge(&s, GAUGE_EWT, 6, 10, 6);
	queue_free(q);
}

/*
 * A join/leave queue: waiting is the size of the set, time-weighted;
 * longest_wait's maximum is the longest anyone had waited, also at the
 * end of a step nobody left in.
 */
static void
lifecycle_waiting_average_longest_max(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_ANSWER_WITHIN, 30, 900);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "A", T0);
	join_ok(q, "B", T0 + 4);
	leave_ok(q, "A", OUTCOME_ANSWERED, T0 + 6);	/* waited 6 s */
	tick(q, T0 + 10, T0 + 20);
	leave_ok(q, "B", OUTCOME_ABANDONED, T0 + 25);	/* waited 21 s */
	tick(q, T0 + 30, T0 + 40);

	take(q, &s, N0);
	assert_counts(&s, { .arrived = 2, .answered = 1, .within = 1,
	    .wait_sum = 6, .wait_max = 6 });
	/* 1 x 4 s + 2 x 2 s + 1 x 4 s = 12 over 10 s */
	assert_gauge(&s, GAUGE_WAITING, 1.2, 10, 2);
	/* A's 6 s at the leave; B's 6 s at the step end */
	assert_num(s.gauge_max[GAUGE_LONGEST_WAIT], 6);
	/* It grows between changes: A 0->4 s and 4->6 s, then B 2->6 s:
	 * 4 x 2 + 2 x 5 + 4 x 4 = 34 over 10 s. */
	assert_gauge(&s, GAUGE_LONGEST_WAIT, 3.4, 10, 6);
	/* Nobody asked for a prediction (queue_evaluate): none held. */
	assert_gauge(&s, GAUGE_EWT, NAN, 0, NAN);

	take(q, &s, N0 + 1);
	assert_counts(&s, { 0 });
	assert_gauge(&s, GAUGE_WAITING, 1, 10, 1);
	/* Nobody came or went, yet B had waited 16 s at the end. */
	assert_num(s.gauge_max[GAUGE_LONGEST_WAIT], 16);
	assert_gauge(&s, GAUGE_LONGEST_WAIT, 11, 10, 16);	/* 6 -> 16 */

	take(q, &s, N0 + 2);
	assert_counts(&s, { .abandoned = 1 });
	assert_gauge(&s, GAUGE_WAITING, 0.5, 10, 1);	/* 1 x 5 s, 0 x 5 s */
	assert_num(s.gauge_max[GAUGE_LONGEST_WAIT], 21);
	/* 16 -> 21 s over 5 s, then nobody: 5 x 18.5 + 5 x 0 = 92.5 */
	assert_gauge(&s, GAUGE_LONGEST_WAIT, 9.25, 10, 21);
	assert_outbox_empty(q);
	queue_free(q);
}

/* answered_within is judged by the queue's norm: answer_within, or max_wait. */
static void
answered_within_follows_the_norm(void **state)
{
	static const double waits[] = { 5, 20, 25, 30, 31 };
	static const struct {
		const char	*name;
		enum norm_kind	 kind;
		double		 within, max_wait;
		uint32_t	 answered_within;
	} cases[] = {
		{ "answer_within 30", NORM_ANSWER_WITHIN, 30, 0, 4 },
		{ "answer_within 20", NORM_ANSWER_WITHIN, 20, 0, 2 },
		{ "no norm: nothing is within", NORM_NONE, 30, 0, 0 },
		/* a max_wait norm: within max_wait */
		{ "max_wait 25", NORM_MAX_WAIT, 30, 25, 3 },
		{ "max_wait 600", NORM_MAX_WAIT, 30, 600, 5 },
	};
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	size_t		 i, w;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		qconf_init(&f, cases[i].kind, cases[i].within, 900);
		f.norm.max_wait = cases[i].max_wait;
		q = queue_new(&f.conf, STEP);
		for (w = 0; w < NELEM(waits); w++)
			ok(q, METRIC_ANSWERED, waits[w], T0 + 1 + w,
			    T0 + 1 + w);
		tick(q, T0 + 10, T0 + 20);
		take(q, &s, N0);
		if (s.answered != 5 || s.answered_within !=
		    cases[i].answered_within || s.wait_sum != 111 ||
		    s.wait_max != 31)
			fail_msg("%s: %u answered, %u within, waits %g max %g; "
			    "expected 5, %u, 111, 31", cases[i].name,
			    s.answered, s.answered_within, s.wait_sum,
			    s.wait_max, cases[i].answered_within);
		queue_free(q);
	}
}

/* The outbox hands out the oldest first, steps one after the other. */
static void
outbox_is_oldest_first_and_consecutive(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	int		 k;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 1, T0 + 1);
	ok(q, METRIC_ARRIVED, 2, T0 + 11, T0 + 11);
	ok(q, METRIC_ARRIVED, 3, T0 + 21, T0 + 21);
	tick(q, T0 + 30, T0 + 40);
	assert_int_equal(q->noutbox, 3);

	/* N0 with 1, N0+1 with 2, N0+2 with 3; N0-1, before the first
	 * input, stays unknown. */
	for (k = 0; k <= 2; k++) {
		take(q, &s, N0 + k);
		assert_num(s.start, k == 0 ? T0 + 1 : T0 + 10 * k);
		assert_num(s.end, T0 + 10 * k + 10);
		assert_int_equal(s.arrived, k + 1);
	}
	assert_outbox_empty(q);
	assert_int_equal(q->steps_lost, 0);
	queue_free(q);
}

/* Nobody takes (the loop stalled): the oldest go, and are counted. */
static void
full_outbox_drops_the_oldest(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	int		 k;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	for (k = 0; k <= 5; k++)	/* k + 1 arrivals in step N0 + k */
		ok(q, METRIC_ARRIVED, k + 1, T0 + 10 * k + 1,
		    T0 + 10 * k + 1);
	tick(q, T0 + 60, T0 + 60);
	/* Pushed: N0 .. N0+4, five into four places. */
	assert_int_equal(q->steps_lost, 1);
	for (k = 1; k <= 4; k++) {
		take(q, &s, N0 + k);
		assert_int_equal(s.arrived, k + 1);
	}
	assert_outbox_empty(q);

	/* Taken in time again: nothing more is lost. */
	tick(q, T0 + 70, T0 + 70);
	take(q, &s, N0 + 5);
	assert_int_equal(s.arrived, 6);
	assert_int_equal(q->steps_lost, 1);
	queue_free(q);
}

/* No tick for 100 steps: what was open is written, no empty flood. */
static void
gap_hands_out_prev_and_cur_only(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 1, T0 + 1);
	ok(q, METRIC_ARRIVED, 2, T0 + 12, T0 + 12);
	ok(q, METRIC_AGENTS, 3, T0 + 12, T0 + 12);
	queue_roll(q, T0 + 1000);

	take(q, &s, N0);
	assert_int_equal(s.arrived, 1);
	take(q, &s, N0 + 1);
	assert_int_equal(s.arrived, 2);
	assert_num(s.end, T0 + 20);
	assert_gauge(&s, GAUGE_AGENTS, 3, 8, 3);
	assert_outbox_empty(q);
	assert_int_equal(q->steps_lost, 0);

	ok(q, METRIC_ARRIVED, 5, T0 + 1003, T0 + 1003);
	tick(q, T0 + 1010, T0 + 1020);
	/* The next is the step the clock is in, not N0+2 .. N0+99. */
	take(q, &s, N0 + 100);
	assert_num(s.start, T0 + 1000);
	assert_int_equal(s.arrived, 5);
	assert_gauge(&s, GAUGE_AGENTS, 3, 10, 3);	/* held all along */
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * SIGUSR1 (queue_flush): every completed step is written at once, also
 * prev, which then takes no more late input. The current step goes on
 * whole: nothing of it is written yet, nor cut.
 */
static void
flush_writes_the_completed_steps(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 3, T0 + 3);
	ok(q, METRIC_AGENTS, 2, T0 + 5, T0 + 5);
	ok(q, METRIC_ARRIVED, 2, T0 + 14, T0 + 14);
	queue_flush(q, T0 + 16);

	take(q, &s, N0);
	assert_num(s.start, T0 + 3);
	assert_num(s.end, T0 + 10);
	assert_int_equal(s.arrived, 1);
	assert_gauge(&s, GAUGE_AGENTS, 2, 5, 2);
	assert_outbox_empty(q);
	queue_flush(q, T0 + 16.5);		/* again: nothing twice */
	assert_outbox_empty(q);

	/* N0 is written: a late event for it comes too late. */
	refused(q, METRIC_ARRIVED, 1, T0 + 8, T0 + 17, REJECT_TOO_LATE);
	/* The current step takes input as before. */
	ok(q, METRIC_ARRIVED, 4, T0 + 17, T0 + 17);
	ok(q, METRIC_AGENTS, 6, T0 + 18, T0 + 18);
	tick(q, T0 + 20, T0 + 20);
	assert_outbox_empty(q);			/* N0+1 is prev now */
	ok(q, METRIC_ARRIVED, 1, T0 + 19, T0 + 25);	/* late into it */
	tick(q, T0 + 30, T0 + 30);
	take(q, &s, N0 + 1);
	assert_num(s.start, T0 + 10);
	assert_num(s.end, T0 + 20);
	assert_int_equal(s.arrived, 7);		/* 2 + 4 + 1 */
	/* (2 x 8 s + 6 x 2 s) / 10 s */
	assert_gauge(&s, GAUGE_AGENTS, 2.8, 10, 6);
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * SIGTERM (queue_close): the completed steps and the step in progress up
 * to now, its gauges held up to now; a start within the same step writes
 * the rest of it.
 */
static void
close_writes_the_step_in_progress_up_to_now(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 3, T0 + 3);
	ok(q, METRIC_AGENTS, 2, T0 + 10, T0 + 10);
	join_ok(q, "A", T0 + 12);
	ok(q, METRIC_ARRIVED, 2, T0 + 14, T0 + 14);
	ok(q, METRIC_AGENTS, 6, T0 + 15, T0 + 15);
	queue_close(q, T0 + 18);

	take(q, &s, N0);
	assert_int_equal(s.arrived, 1);
	take(q, &s, N0 + 1);
	assert_num(s.start, T0 + 10);
	assert_num(s.end, T0 + 18);
	assert_int_equal(s.arrived, 3);		/* 2 and the join */
	/* (2 x 5 s + 6 x 3 s) / 8 s */
	assert_gauge(&s, GAUGE_AGENTS, 3.5, 8, 6);
	assert_gauge(&s, GAUGE_WAITING, 1, 6, 1);	/* A, since T0 + 12 */
	/* A had waited 6 s when the daemon stopped. */
	assert_num(s.gauge_max[GAUGE_LONGEST_WAIT], 6);
	assert_outbox_empty(q);
	queue_free(q);
}

/* A queue never heard of gets no steps, so no file; flush and close too. */
static void
nothing_handed_out_before_data(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	enum reject	 why;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	tick(q, T0, T0 + 50);
	/* Refused input is no data either. */
	assert_int_equal(life(q, METRIC_LEAVE, "X", OUTCOME_ANSWERED, T0 + 55,
	    T0 + 55, &why), -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);
	queue_flush(q, T0 + 57);
	assert_outbox_empty(q);
	queue_close(q, T0 + 58);
	assert_outbox_empty(q);
	assert_int_equal(q->steps_lost, 0);
	assert_true(q->updated == 0);
	queue_free(q);

	/* The first input: from then on steps are written, the empty prev
	 * too, since it was open for late input. */
	q = queue_new(&f.conf, STEP);
	tick(q, T0, T0 + 50);
	assert_outbox_empty(q);
	ok(q, METRIC_ARRIVED, 1, T0 + 61, T0 + 61);
	queue_close(q, T0 + 63);
	take_empty(q, N0 + 5, T0 + 50, T0 + 60);
	take(q, &s, N0 + 6);
	assert_num(s.start, T0 + 60);
	assert_num(s.end, T0 + 63);
	assert_int_equal(s.arrived, 1);
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * NTP steps the clock back an hour: the steps that were open are written
 * as they are, and counting starts over in the step the clock is in now,
 * with the step before it open for late input again.
 */
static void
clock_step_back_writes_what_was_starts_over(void **state)
{
	const double	 b = T0 - 3600;		/* step N0 - 360 */
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_ARRIVED, 1, T0 + 3, T0 + 3);
	ok(q, METRIC_ARRIVED, 2, T0 + 14, T0 + 14);
	ok(q, METRIC_AGENTS, 4, T0 + 15, T0 + 15);
	ok(q, METRIC_ARRIVED, 7, b + 5, b + 5);

	take(q, &s, N0);
	assert_int_equal(s.arrived, 1);
	take(q, &s, N0 + 1);
	assert_int_equal(s.arrived, 2);
	assert_num(s.gauge_max[GAUGE_AGENTS], 4);
	assert_outbox_empty(q);

	ok(q, METRIC_ARRIVED, 1, b - 3, b + 6);
	tick(q, b + 10, b + 30);
	take(q, &s, N0 - 361);
	assert_num(s.start, b - 10);
	assert_num(s.end, b);
	assert_int_equal(s.arrived, 1);
	take(q, &s, N0 - 360);
	assert_num(s.start, b + 5);	/* watched from the step back on */
	assert_num(s.end, b + 10);
	assert_int_equal(s.arrived, 7);
	/* 4 agents still: from the step back at b + 5 on. */
	assert_gauge(&s, GAUGE_AGENTS, 4, 5, 4);
	take(q, &s, N0 - 359);
	assert_int_equal(s.arrived, 0);
	assert_gauge(&s, GAUGE_AGENTS, 4, 10, 4);
	assert_outbox_empty(q);
	queue_free(q);
}

/*
 * A small step back, within the step: the span from the earlier time up
 * to what was already credited is not credited again, so no gauge is
 * held longer than its step (fuzz_ingest found 13 s in a 10 s step).
 */
static void
small_clock_step_back_credits_no_span_twice(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	ok(q, METRIC_AGENTS, 2, T0 + 1, T0 + 1);
	ok(q, METRIC_AGENTS, 3, T0 + 8, T0 + 8);
	ok(q, METRIC_AGENTS, 5, T0 + 4, T0 + 4);	/* 4 s back */
	tick(q, T0 + 10, T0 + 30);
	take(q, &s, N0);
	/* 2 for 7 s, 3 for none after the step back, 5 for 2 s. */
	assert_gauge(&s, GAUGE_AGENTS, (2 * 7 + 5 * 2) / 9.0, 9, 5);
	queue_free(q);
}

/*
 * Joins never left are dropped after QUEUE_WAITER_TTL: the history then
 * shows nobody waiting, not the last count and an ever older wait.
 */
static void
waiters_dropped_after_ttl_leave_the_history(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	double		 t = T0 + QUEUE_WAITER_TTL + 10;	/* a step start */

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	join_ok(q, "A", T0 + 1);
	join_ok(q, "B", T0 + 2);
	queue_tick(q, t);		/* both are dropped at t */
	queue_tick(q, t + 10);
	queue_tick(q, t + 20);
	queue_tick(q, t + 30);
	while (queue_take_step(q, &s) && s.n != (int64_t)((t + 10) / STEP))
		;
	assert_true(s.n == (int64_t)((t + 10) / STEP));
	assert_gauge(&s, GAUGE_WAITING, 0, 10, 0);
	assert_gauge(&s, GAUGE_LONGEST_WAIT, 0, 10, 0);
	queue_free(q);
}

/*
 * The step before the start is open for late input, but it began before
 * the daemon watched: refused input does not make it written, and
 * accepted input writes it with no time watched (the report's coverage).
 */
static void
blind_step_is_written_only_for_input_and_unwatched(void **state)
{
	struct qconf	 f;
	struct queue	*q;
	struct step	 s;
	enum reject	 why;

	(void)state;
	qconf_init(&f, NORM_NONE, 0, 0);
	q = queue_new(&f.conf, STEP);
	tick(q, T0 + 5, T0 + 5);
	assert_int_equal(life(q, METRIC_LEAVE, "X", OUTCOME_ANSWERED, T0 - 3,
	    T0 + 5, &why), -1);
	assert_int_equal(why, REJECT_UNKNOWN_ID);
	ok(q, METRIC_ARRIVED, 1, T0 + 6, T0 + 6);
	tick(q, T0 + 10, T0 + 20);
	take(q, &s, N0);
	assert_false(s.unwatched);
	assert_num(s.start, T0 + 5);
	assert_outbox_empty(q);
	queue_free(q);

	q = queue_new(&f.conf, STEP);
	tick(q, T0 + 5, T0 + 5);
	ok(q, METRIC_ARRIVED, 2, T0 - 3, T0 + 5);
	tick(q, T0 + 10, T0 + 10);
	take(q, &s, N0 - 1);
	assert_int_equal(s.arrived, 2);
	assert_true(s.unwatched);
	assert_num(s.open_secs, 0);
	queue_free(q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(step_open_starts_clean),
		cmocka_unit_test(step_gauge_arithmetic),
		cmocka_unit_test(step_answered_sums_waits),
		cmocka_unit_test(step_open_counts_apart),
		cmocka_unit_test(waiters_dropped_after_ttl_leave_the_history),
		cmocka_unit_test(blind_step_is_written_only_for_input_and_unwatched),
		cmocka_unit_test(counts_land_in_the_step_of_their_ts),
		cmocka_unit_test(where_an_event_lands),
		cmocka_unit_test(out_of_order_events_land_in_their_own_steps),
		cmocka_unit_test(duplicate_events_count_twice),
		cmocka_unit_test(gauge_3_then_7_halfway_averages_5),
		cmocka_unit_test(gauge_held_across_steps_fills_each),
		cmocka_unit_test(lifecycle_waiting_average_longest_max),
		cmocka_unit_test(history_keeps_the_predicted_wait),
		cmocka_unit_test(answered_within_follows_the_norm),
		cmocka_unit_test(outbox_is_oldest_first_and_consecutive),
		cmocka_unit_test(full_outbox_drops_the_oldest),
		cmocka_unit_test(gap_hands_out_prev_and_cur_only),
		cmocka_unit_test(flush_writes_the_completed_steps),
		cmocka_unit_test(close_writes_the_step_in_progress_up_to_now),
		cmocka_unit_test(nothing_handed_out_before_data),
		cmocka_unit_test(clock_step_back_writes_what_was_starts_over),
		cmocka_unit_test(small_clock_step_back_credits_no_span_twice),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
