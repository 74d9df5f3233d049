/*
 * test_notice.c: what a [notify] section is told about an alert, and
 * when, with an injected clock: one message per level, a resolution, a
 * repeat and one escalation while nobody acknowledged, deferral to the
 * section's hours (dropped when over by then), nothing while silenced,
 * and an end without a word when the queue closes.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wachtd.h"

#define HM(h, m)	((h) * 60 + (m))
/* Monday 2025-12-01 09:00 Europe/Amsterdam (08:00 UTC). */
#define MON9		1764576000.0
#define MIN		60.0
#define HOUR		3600.0

/* Staff there Monday to Friday 08:30-17:00. */
static char office_name[] = "office";
static struct hours_conf office = {
	.name = office_name,
	.open = {
		[1] = { { HM(8, 30), HM(17, 0) } },
		[2] = { { HM(8, 30), HM(17, 0) } },
		[3] = { { HM(8, 30), HM(17, 0) } },
		[4] = { { HM(8, 30), HM(17, 0) } },
		[5] = { { HM(8, 30), HM(17, 0) } },
	},
	.nopen = { 0, 1, 1, 1, 1, 1, 0 },
};

static char team_name[] = "kcc-team", leads_name[] = "teamleiders";
static struct notify_conf leads = { .name = leads_name };
static struct notify_conf team = {
	.name = team_name,
	.repeat = 30 * MIN,
	.escalate_after = 15 * MIN,
	.escalate_to = { .to = &leads },
};

static struct alert
in_state(enum alert_state s)
{
	struct alert	 a;

	alert_init(&a, MON9);
	a.state = s;
	return a;
}

/* What is told at MON9 + at. */
static enum notice_event
next(struct notice *n, const struct notify_conf *t, const struct alert *a,
    int silenced, double at)
{
	return notice_next(n, t, a, silenced, MON9 + at);
}

static void
assert_event(enum notice_event got, enum notice_event want)
{
	if (got != want)
		fail_msg("told %s, expected %s", notice_event_name(got),
		    notice_event_name(want));
}

static struct notice
fresh(void)
{
	struct notice	 n;

	memset(&n, 0, sizeof(n));
	n.told = ALERT_OK;
	return n;
}

/* Warning, critical, over: three messages, no more. */
static void
one_message_per_level(void **state)
{
	struct notify_conf quiet = { .name = team_name };
	struct notice	 n = fresh();
	struct alert	 a = in_state(ALERT_OK);

	(void)state;
	assert_event(next(&n, &quiet, &a, 0, 0), NOTICE_NONE);
	a.state = ALERT_WARNING;
	assert_event(next(&n, &quiet, &a, 0, 1), NOTICE_FIRING);
	assert_event(next(&n, &quiet, &a, 0, 2), NOTICE_NONE);
	assert_event(next(&n, &quiet, &a, 0, 5 * HOUR), NOTICE_NONE);
	a.state = ALERT_CRITICAL;
	assert_event(next(&n, &quiet, &a, 0, 5 * HOUR + 1), NOTICE_CHANGED);
	assert_true(n.told == ALERT_CRITICAL && n.first == MON9 + 1);
	a.state = ALERT_OK;
	assert_event(next(&n, &quiet, &a, 0, 5 * HOUR + 2), NOTICE_RESOLVED);
	assert_event(next(&n, &quiet, &a, 0, 5 * HOUR + 3), NOTICE_NONE);
	/* Unknown (no data) is not a resolution of anything told. */
	a.state = ALERT_WARNING;
	assert_event(next(&n, &quiet, &a, 0, 6 * HOUR), NOTICE_FIRING);
	a.state = ALERT_UNKNOWN;
	assert_event(next(&n, &quiet, &a, 0, 6 * HOUR + 1), NOTICE_RESOLVED);
}

/* repeat = 30m while nobody acknowledges; an ack stops it. */
static void
repeat_until_acknowledged(void **state)
{
	struct notify_conf t = team;
	struct notice	 n = fresh();
	struct alert	 a = in_state(ALERT_CRITICAL);
	const char	*why;

	(void)state;
	t.escalate_to.to = NULL;
	assert_event(next(&n, &t, &a, 0, 0), NOTICE_FIRING);
	assert_event(next(&n, &t, &a, 0, 30 * MIN - 1), NOTICE_NONE);
	assert_event(next(&n, &t, &a, 0, 30 * MIN), NOTICE_REPEAT);
	assert_event(next(&n, &t, &a, 0, 30 * MIN + 1), NOTICE_NONE);
	assert_event(next(&n, &t, &a, 0, 60 * MIN), NOTICE_REPEAT);
	assert_int_equal(alert_ack(&a, "Anja", NULL, 0, MON9 + 61 * MIN,
	    &why), 0);
	assert_event(next(&n, &t, &a, 0, 90 * MIN), NOTICE_NONE);
	assert_event(next(&n, &t, &a, 0, 4 * HOUR), NOTICE_NONE);
	/* The resolution still goes out. */
	a.state = ALERT_OK;
	alert_free(&a);				/* the ack ends */
	assert_event(next(&n, &t, &a, 0, 4 * HOUR + 1), NOTICE_RESOLVED);
}

/* escalate_after = 15m: once, unless acknowledged first. */
static void
escalate_once_unless_acknowledged(void **state)
{
	struct notice	 n = fresh(), m = fresh();
	struct alert	 a = in_state(ALERT_WARNING), b;
	const char	*why;

	(void)state;
	assert_event(next(&n, &team, &a, 0, 0), NOTICE_FIRING);
	assert_event(next(&n, &team, &a, 0, 15 * MIN - 1), NOTICE_NONE);
	assert_event(next(&n, &team, &a, 0, 15 * MIN), NOTICE_ESCALATE);
	assert_true(n.escalated);
	assert_event(next(&n, &team, &a, 0, 16 * MIN), NOTICE_NONE);
	/* Worse: told again, not escalated again. */
	a.state = ALERT_CRITICAL;
	assert_event(next(&n, &team, &a, 0, 20 * MIN), NOTICE_CHANGED);
	assert_event(next(&n, &team, &a, 0, 29 * MIN), NOTICE_NONE);
	/* The resolution leaves `escalated` for the caller to tell them. */
	a.state = ALERT_OK;
	assert_event(next(&n, &team, &a, 0, 40 * MIN), NOTICE_RESOLVED);
	assert_true(n.escalated);

	b = in_state(ALERT_WARNING);
	assert_event(next(&m, &team, &b, 0, 0), NOTICE_FIRING);
	alert_ack(&b, "Anja", NULL, 0, MON9 + 10 * MIN, &why);
	assert_event(next(&m, &team, &b, 0, 15 * MIN), NOTICE_NONE);
	assert_false(m.escalated);
	alert_free(&b);
}

/* hours = office: a trouble at 18:00 is told at 08:30 the next day, if
 * it is still there; one over by then is never told. */
static void
deferred_to_the_sections_hours(void **state)
{
	struct notify_conf t = { .name = team_name, .hours = { .to = &office } };
	struct notice	 n = fresh(), m = fresh();
	struct alert	 a = in_state(ALERT_CRITICAL);

	(void)state;
	assert_event(next(&n, &t, &a, 0, 9 * HOUR), NOTICE_NONE); /* 18:00 */
	assert_event(next(&n, &t, &a, 0, 23 * HOUR), NOTICE_NONE); /* 08:00 */
	assert_event(next(&n, &t, &a, 0, 23.5 * HOUR), NOTICE_FIRING);
	assert_true(n.first == MON9 + 23.5 * HOUR);

	assert_event(next(&m, &t, &a, 0, 9 * HOUR), NOTICE_NONE);
	a.state = ALERT_OK;
	assert_event(next(&m, &t, &a, 0, 10 * HOUR), NOTICE_NONE);
	assert_event(next(&m, &t, &a, 0, 23.5 * HOUR), NOTICE_NONE);
	/* A resolution after hours waits for the morning too. */
	a.state = ALERT_CRITICAL;
	assert_event(next(&m, &t, &a, 0, 24 * HOUR), NOTICE_FIRING);
	a.state = ALERT_OK;
	assert_event(next(&m, &t, &a, 0, 33 * HOUR), NOTICE_NONE);
	assert_event(next(&m, &t, &a, 0, 47.5 * HOUR), NOTICE_RESOLVED);
}

/* Silenced: nothing; afterwards the truth, once. */
static void
silence_holds_everything(void **state)
{
	struct notify_conf quiet = { .name = team_name };
	struct notice	 n = fresh();
	struct alert	 a = in_state(ALERT_CRITICAL);

	(void)state;
	assert_event(next(&n, &quiet, &a, 1, 0), NOTICE_NONE);
	assert_event(next(&n, &quiet, &a, 1, HOUR), NOTICE_NONE);
	assert_event(next(&n, &quiet, &a, 0, HOUR + 1), NOTICE_FIRING);
	a.state = ALERT_OK;
	assert_event(next(&n, &quiet, &a, 1, HOUR + 2), NOTICE_NONE);
	assert_event(next(&n, &quiet, &a, 0, HOUR + 3), NOTICE_RESOLVED);
}

/* The queue closes mid-trouble: ended without a word; nothing told,
 * nothing ended. */
static void
closing_ends_silently(void **state)
{
	struct notify_conf quiet = { .name = team_name };
	struct notice	 n = fresh(), m = fresh();
	struct alert	 a = in_state(ALERT_CRITICAL);

	(void)state;
	assert_event(next(&n, &quiet, &a, 0, 0), NOTICE_FIRING);
	a.state = ALERT_CLOSED;
	assert_event(next(&n, &quiet, &a, 0, 1), NOTICE_ENDED);
	assert_event(next(&n, &quiet, &a, 0, 2), NOTICE_NONE);
	assert_true(n.told == ALERT_OK);
	assert_event(next(&m, &quiet, &a, 0, 3), NOTICE_NONE);
}

static void
event_names(void **state)
{
	(void)state;
	assert_string_equal(notice_event_name(NOTICE_FIRING), "firing");
	assert_string_equal(notice_event_name(NOTICE_CHANGED), "changed");
	assert_string_equal(notice_event_name(NOTICE_REPEAT), "repeat");
	assert_string_equal(notice_event_name(NOTICE_RESOLVED), "resolved");
	assert_string_equal(notice_event_name(NOTICE_ESCALATE), "escalate");
	assert_string_equal(notice_event_name(NOTICE_ENDED), "ended");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_message_per_level),
		cmocka_unit_test(repeat_until_acknowledged),
		cmocka_unit_test(escalate_once_unless_acknowledged),
		cmocka_unit_test(deferred_to_the_sections_hours),
		cmocka_unit_test(silence_holds_everything),
		cmocka_unit_test(closing_ends_silently),
		cmocka_unit_test(event_names),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
