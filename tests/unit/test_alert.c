/*
 * test_alert.c: every transition of the alert state machine, with an
 * injected clock, and each norm kind judged on hand-made views, with the
 * sentence staff will read.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "wachtd.h"

#define T0	1764412340.0
#define HOLD	60.0		/* for */
#define CLEAR	300.0		/* clear_for */

/* Feeds `judged` at T0 + at; returns whether the state changed. */
static int
feed(struct alert *a, enum alert_state judged, double at)
{
	return alert_update(a, judged, T0 + at, HOLD, CLEAR);
}

static void
assert_state(const struct alert *a, enum alert_state s,
    enum alert_state previous)
{
	if (a->state != s || a->previous != previous)
		fail_msg("state %s (from %s), expected %s (from %s)",
		    alert_state_name(a->state), alert_state_name(a->previous),
		    alert_state_name(s), alert_state_name(previous));
}

static void
unknown_to_ok_at_once(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	assert_state(&a, ALERT_UNKNOWN, ALERT_UNKNOWN);
	assert_false(feed(&a, ALERT_UNKNOWN, 10));
	assert_true(feed(&a, ALERT_OK, 20));
	assert_state(&a, ALERT_OK, ALERT_UNKNOWN);
	assert_true(a.since == T0 + 20);
	assert_false(feed(&a, ALERT_OK, 30));
}

static void
warning_waits_for_its_hold(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	assert_false(feed(&a, ALERT_WARNING, 100));
	assert_false(feed(&a, ALERT_WARNING, 159));
	assert_state(&a, ALERT_OK, ALERT_UNKNOWN);
	assert_true(feed(&a, ALERT_WARNING, 160));
	assert_state(&a, ALERT_WARNING, ALERT_OK);
	assert_true(a.since == T0 + 160);
}

/* A dip back to ok starts the hold over. */
static void
interrupted_warning_starts_over(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	feed(&a, ALERT_WARNING, 100);
	feed(&a, ALERT_OK, 150);
	assert_false(feed(&a, ALERT_WARNING, 170));
	assert_false(feed(&a, ALERT_WARNING, 229));
	assert_state(&a, ALERT_OK, ALERT_UNKNOWN);
	assert_true(feed(&a, ALERT_WARNING, 230));
	assert_state(&a, ALERT_WARNING, ALERT_OK);
}

/* Critical held from the start goes straight to critical; a warning
 * that turns critical notifies the warning first, on its own clock. */
static void
critical_after_hold_directly_or_via_warning(void **state)
{
	struct alert	 a, b;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	feed(&a, ALERT_CRITICAL, 10);
	assert_true(feed(&a, ALERT_CRITICAL, 70));
	assert_state(&a, ALERT_CRITICAL, ALERT_OK);

	alert_init(&b, T0);
	feed(&b, ALERT_OK, 0);
	feed(&b, ALERT_WARNING, 10);
	assert_false(feed(&b, ALERT_CRITICAL, 40));
	assert_true(feed(&b, ALERT_CRITICAL, 70));
	assert_state(&b, ALERT_WARNING, ALERT_OK);	/* >= warning 60 s */
	assert_false(feed(&b, ALERT_CRITICAL, 99));
	assert_true(feed(&b, ALERT_CRITICAL, 100));	/* critical 60 s */
	assert_state(&b, ALERT_CRITICAL, ALERT_WARNING);
}

static void
critical_clears_after_clear_for(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_CRITICAL, 0);
	feed(&a, ALERT_CRITICAL, 60);
	assert_state(&a, ALERT_CRITICAL, ALERT_OK);
	assert_false(feed(&a, ALERT_OK, 100));
	assert_false(feed(&a, ALERT_OK, 399));
	assert_true(feed(&a, ALERT_OK, 400));
	assert_state(&a, ALERT_OK, ALERT_CRITICAL);
}

/* Better, but not good: critical steps down to warning. */
static void
critical_steps_down_to_warning(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_CRITICAL, 0);
	feed(&a, ALERT_CRITICAL, 60);
	feed(&a, ALERT_WARNING, 100);
	feed(&a, ALERT_OK, 200);
	assert_true(feed(&a, ALERT_OK, 400));	/* <= warning for 300 s */
	assert_state(&a, ALERT_WARNING, ALERT_CRITICAL);
	assert_false(feed(&a, ALERT_OK, 499));
	assert_true(feed(&a, ALERT_OK, 500));	/* ok for 300 s */
	assert_state(&a, ALERT_OK, ALERT_WARNING);
}

/* Missing data never resolves an alert, and restarts the clear clock;
 * nor does it escalate one. */
static void
missing_data_resolves_nothing(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_CRITICAL, 0);
	feed(&a, ALERT_CRITICAL, 60);
	assert_false(feed(&a, ALERT_UNKNOWN, 100));
	assert_false(feed(&a, ALERT_UNKNOWN, 3700));
	assert_state(&a, ALERT_CRITICAL, ALERT_OK);
	feed(&a, ALERT_OK, 3800);
	feed(&a, ALERT_UNKNOWN, 4000);
	assert_false(feed(&a, ALERT_OK, 4100));
	assert_false(feed(&a, ALERT_OK, 4399));	/* 299 s since the gap */
	assert_true(feed(&a, ALERT_OK, 4400));
	assert_state(&a, ALERT_OK, ALERT_CRITICAL);

	feed(&a, ALERT_WARNING, 5000);
	feed(&a, ALERT_UNKNOWN, 5030);
	assert_false(feed(&a, ALERT_WARNING, 5060));
	assert_state(&a, ALERT_OK, ALERT_CRITICAL);
}

/* Closing ends any alert at once and drops what was pending; opening
 * starts from unknown, with every clock new. */
static void
closed_drops_and_reopens_fresh(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	feed(&a, ALERT_WARNING, 10);		/* pending */
	assert_true(feed(&a, ALERT_CLOSED, 50));
	assert_state(&a, ALERT_CLOSED, ALERT_OK);
	assert_false(feed(&a, ALERT_CLOSED, 60));
	assert_true(feed(&a, ALERT_WARNING, 1000));	/* opening */
	assert_state(&a, ALERT_OK, ALERT_UNKNOWN);
	assert_false(feed(&a, ALERT_WARNING, 1059));
	assert_true(feed(&a, ALERT_WARNING, 1060));
	assert_state(&a, ALERT_WARNING, ALERT_OK);
	/* Critical at closing time: closed, no clearing wait. */
	feed(&a, ALERT_CRITICAL, 1100);
	feed(&a, ALERT_CRITICAL, 1160);
	assert_true(feed(&a, ALERT_CLOSED, 1170));
	assert_state(&a, ALERT_CLOSED, ALERT_CRITICAL);
	/* Open with nothing known: unknown, not the old critical. */
	assert_true(feed(&a, ALERT_UNKNOWN, 2000));
	assert_state(&a, ALERT_UNKNOWN, ALERT_CLOSED);
}

/* The feed: stale at once, fed again at once. */
static void
stale_and_back(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	assert_true(feed(&a, ALERT_STALE, 100));
	assert_state(&a, ALERT_STALE, ALERT_OK);
	assert_false(feed(&a, ALERT_STALE, 200));
	/* Still nothing (as after a restart): still stale, no resolution. */
	assert_false(feed(&a, ALERT_UNKNOWN, 250));
	assert_state(&a, ALERT_STALE, ALERT_OK);
	assert_true(feed(&a, ALERT_OK, 300));
	assert_state(&a, ALERT_OK, ALERT_UNKNOWN);
}

/* for = 0 and clear_for = 0: every change at once. */
static void
zero_hold_is_immediate(void **state)
{
	struct alert	 a;

	(void)state;
	alert_init(&a, T0);
	alert_update(&a, ALERT_OK, T0, 0, 0);
	assert_true(alert_update(&a, ALERT_CRITICAL, T0 + 1, 0, 0));
	assert_state(&a, ALERT_CRITICAL, ALERT_OK);
	assert_true(alert_update(&a, ALERT_OK, T0 + 2, 0, 0));
	assert_state(&a, ALERT_OK, ALERT_CRITICAL);
}

/* An ack holds for its state and better ones, until it expires; a worse
 * state or the end of the trouble ends it. */
static void
ack_lifecycle(void **state)
{
	struct alert	 a;
	const char	*why;

	(void)state;
	alert_init(&a, T0);
	feed(&a, ALERT_OK, 0);
	assert_int_equal(alert_ack(&a, "Anja", NULL, 0, T0 + 1, &why), -1);
	feed(&a, ALERT_CRITICAL, 10);
	feed(&a, ALERT_CRITICAL, 70);
	assert_int_equal(alert_ack(&a, "", NULL, 0, T0 + 71, &why), -1);
	assert_int_equal(alert_ack(&a, "Anja", "bezig", T0 + 60, T0 + 71,
	    &why), -1);			/* expires in the past */
	assert_int_equal(alert_ack(&a, "Anja", "bezig", 0, T0 + 71, &why), 0);
	assert_true(a.ack.at == T0 + 71 && a.ack.state == ALERT_CRITICAL);
	assert_string_equal(a.ack.by, "Anja");
	/* Better but still active: the ack stays. */
	feed(&a, ALERT_WARNING, 100);
	assert_true(feed(&a, ALERT_WARNING, 400));
	assert_state(&a, ALERT_WARNING, ALERT_CRITICAL);
	assert_true(a.ack.at > 0);
	/* Worse than acknowledged: gone. */
	alert_ack(&a, "Bram", NULL, 0, T0 + 401, &why);
	feed(&a, ALERT_CRITICAL, 410);
	assert_true(feed(&a, ALERT_CRITICAL, 470));
	assert_true(a.ack.at == 0);
	/* Expiry ends it, and says so (changed) without a state change. */
	alert_ack(&a, "Bram", NULL, T0 + 600, T0 + 480, &why);
	assert_false(feed(&a, ALERT_CRITICAL, 599));
	assert_true(a.ack.at > 0);
	assert_true(feed(&a, ALERT_CRITICAL, 600));
	assert_state(&a, ALERT_CRITICAL, ALERT_WARNING);
	assert_true(a.ack.at == 0);
	/* The trouble ends: so does the ack. */
	alert_ack(&a, "Cor", NULL, 0, T0 + 601, &why);
	assert_false(feed(&a, ALERT_OK, 610));
	assert_true(a.ack.at > 0);		/* not over until it clears */
	assert_true(feed(&a, ALERT_OK, 910));
	assert_state(&a, ALERT_OK, ALERT_CRITICAL);
	assert_true(a.ack.at == 0);
	/* A comment of two lines is refused. */
	feed(&a, ALERT_STALE, 1000);
	assert_int_equal(alert_ack(&a, "Cor", "a\nb", 0, T0 + 1001, &why), -1);
	assert_int_equal(alert_ack(&a, "Cor", NULL, 0, T0 + 1001, &why), 0);
	assert_true(feed(&a, ALERT_CLOSED, 1100));	/* closing ends it */
	assert_true(a.ack.at == 0);
	alert_free(&a);
}

/*
 * An ack's texts are the alert's own, there only while it holds: a copy
 * keeps its own when the source is acknowledged anew or freed, and a
 * worse state frees them. ASan and valgrind see any text shared or lost.
 */
static void
ack_texts_are_the_alerts_own(void **state)
{
	struct alert	 a, b, c;
	const char	*why;

	(void)state;
	alert_init(&a, T0);
	alert_init(&b, T0);
	alert_init(&c, T0);
	assert_null(a.ack.by);
	assert_null(a.ack.comment);
	alert_update(&a, ALERT_WARNING, T0, 0, 0);
	assert_int_equal(alert_ack(&a, "Anja", NULL, 0, T0 + 1, &why), 0);
	assert_string_equal(a.ack.comment, "");	/* "" in JSON, as given */
	/* Again, with its own texts: copied before the old go. */
	assert_int_equal(alert_ack(&a, a.ack.by, "bezig", 0, T0 + 2, &why),
	    0);
	assert_string_equal(a.ack.by, "Anja");

	alert_copy(&b, &a);
	assert_true(b.ack.at == T0 + 2 && b.ack.state == ALERT_WARNING);
	assert_true(b.state == ALERT_WARNING && b.since == a.since);
	assert_non_null(b.ack.by);
	assert_true(b.ack.by != a.ack.by && b.ack.comment != a.ack.comment);
	assert_int_equal(alert_ack(&a, "Bram", "overgenomen", 0, T0 + 3,
	    &why), 0);
	assert_string_equal(b.ack.by, "Anja");
	assert_string_equal(b.ack.comment, "bezig");
	alert_free(&a);
	assert_null(a.ack.by);
	assert_null(a.ack.comment);
	assert_true(a.ack.at == 0);
	assert_string_equal(b.ack.by, "Anja");
	/* A copy over one with an ack: it has none after, and lost none. */
	alert_copy(&c, &b);
	alert_copy(&b, &a);
	assert_null(b.ack.by);
	assert_true(b.ack.at == 0);
	assert_string_equal(c.ack.comment, "bezig");

	/* Worse than acknowledged: the ack ends, and its texts go. */
	alert_update(&c, ALERT_CRITICAL, T0 + 10, 0, 0);
	assert_int_equal(c.state, ALERT_CRITICAL);
	assert_true(c.ack.at == 0);
	assert_null(c.ack.by);
	assert_null(c.ack.comment);
	alert_free(&a);
	alert_free(&b);
	alert_free(&c);
}

static void
state_names(void **state)
{
	(void)state;
	assert_string_equal(alert_state_name(ALERT_UNKNOWN), "unknown");
	assert_string_equal(alert_state_name(ALERT_OK), "ok");
	assert_string_equal(alert_state_name(ALERT_WARNING), "warning");
	assert_string_equal(alert_state_name(ALERT_CRITICAL), "critical");
	assert_string_equal(alert_state_name(ALERT_STALE), "stale");
	assert_string_equal(alert_state_name(ALERT_CLOSED), "closed");
}

/* ------------------------------------------------------------------ */
/* Judgements */

static struct queue_view
blank_view(void)
{
	struct queue_view v;

	memset(&v, 0, sizeof(v));
	v.waiting = v.longest_wait = v.agents = v.backlog = NAN;
	v.oldest_age = v.ewt = v.sl = v.handle_time = NAN;
	v.pred.ewt = v.pred.sl = v.pred.clear = NAN;
	return v;
}

static struct norm_conf
norm(enum norm_kind kind)
{
	struct norm_conf n;

	memset(&n, 0, sizeof(n));
	n.kind = kind;
	n.answer_within = 30;
	n.target = 80;
	n.window = 900;
	n.max_wait = 600;
	n.respond_within = 8 * 3600.0;
	n.warn_at = 75;
	return n;
}

static struct judgement
judge(const struct norm_conf *n, const struct queue_view *v,
    enum alert_state current)
{
	struct judgement j;

	alert_judge(n, NULL, v, T0, current, 0, 1, &j);
	return j;
}

static void
assert_judged(const struct judgement *j, enum alert_state level,
    const char *reason)
{
	if (j->level != level)
		fail_msg("judged %s, expected %s (%s)",
		    alert_state_name(j->level), alert_state_name(level),
		    j->reason);
	assert_string_equal(j->reason, reason);
}

static void
answer_within_breached_below_target(void **state)
{
	struct norm_conf n = norm(NORM_ANSWER_WITHIN);
	struct queue_view v = blank_view();
	struct judgement j;

	(void)state;
	v.sl = 72;
	v.waiting = 3;
	v.agents = 2;
	v.longest_wait = 10;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "72% binnen 30 s beantwoord in "
	    "de laatste 15 min, norm 80%: 3 wachtenden, 2 medewerkers "
	    "beschikbaar");
	assert_true(j.value == 72 && j.threshold == 80);
	alert_judge(&n, NULL, &v, T0, ALERT_OK, 1, 1, &j);
	assert_string_equal(j.reason, "72% answered within 30 s in the "
	    "last 15 min, target 80%: 3 waiting, 2 agents available");
	v.sl = 80;
	v.waiting = 1;
	v.agents = 1;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "80% binnen 30 s beantwoord in de "
	    "laatste 15 min, norm 80%: 1 wachtende, 1 medewerker "
	    "beschikbaar");
}

/* 5% of the 80% target: a critical alert needs 84% to leave. */
static void
answer_within_hysteresis(void **state)
{
	struct norm_conf n = norm(NORM_ANSWER_WITHIN);
	struct queue_view v = blank_view();

	(void)state;
	v.sl = 82;
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_CRITICAL);
	v.sl = 84;
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_OK);
	/* 75% of 30 s is 22.5 s; holding a warning, 21.375 s. */
	v.longest_wait = 22;
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	assert_int_equal(judge(&n, &v, ALERT_WARNING).level, ALERT_WARNING);
	v.longest_wait = 21;
	assert_int_equal(judge(&n, &v, ALERT_WARNING).level, ALERT_OK);
}

static void
answer_within_at_risk(void **state)
{
	struct norm_conf n = norm(NORM_ANSWER_WITHIN);
	struct queue_view v = blank_view();
	struct judgement j;

	(void)state;
	v.sl = 90;
	v.pred.sl = 61.5;
	v.ewt = 45;
	v.waiting = 3;
	v.agents = 2;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Verwachte servicenorm 61,5% binnen "
	    "30 s, norm 80%; verwachte wachttijd 45 s: 3 wachtenden, 2 "
	    "medewerkers beschikbaar");
	v.pred.sl = NAN;
	v.longest_wait = 23;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Langste wachttijd nu 23 s, norm "
	    "30 s: 3 wachtenden, 2 medewerkers beschikbaar");
	assert_true(j.threshold == 22.5);
	v = blank_view();
	j = judge(&n, &v, ALERT_WARNING);
	assert_judged(&j, ALERT_UNKNOWN, "Nog geen gegevens");
}

static void
max_wait_levels(void **state)
{
	struct norm_conf n = norm(NORM_MAX_WAIT);
	struct queue_view v = blank_view();
	struct judgement j;

	(void)state;
	v.longest_wait = 601;
	v.waiting = 4;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "Langste wachttijd nu 10 min 01 s, "
	    "norm 10 min: 4 wachtenden");
	v.longest_wait = 600;			/* not more than 10 min */
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_WARNING);
	v.longest_wait = 571;			/* holding: 570 s to leave */
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_CRITICAL);
	v.longest_wait = 100;
	v.ewt = 700;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Verwachte wachttijd 11 min 40 s, "
	    "norm 10 min: 4 wachtenden");
	v.ewt = NAN;
	v.pred.overloaded = 1;
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_WARNING);
	v.pred.overloaded = 0;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "Langste wachttijd nu 1 min 40 s, norm "
	    "10 min: 4 wachtenden");
	v = blank_view();
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_UNKNOWN);
}

/* Always open (hours NULL): working time is wall time. */
static void
respond_within_levels(void **state)
{
	struct norm_conf n = norm(NORM_RESPOND_WITHIN);
	struct queue_view v = blank_view();
	struct judgement j;

	(void)state;
	v.backlog = 37;
	v.oldest_age = 9 * 3600.0;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "Oudste bericht wacht 9 u werktijd, "
	    "norm 8 u: 37 open");
	v.oldest_age = 6 * 3600.0;		/* 75% of 8 h */
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_WARNING);
	/* 2 h old, 6 h left, but the backlog takes 7 h at the recent rate. */
	v.oldest_age = 2 * 3600.0;
	v.pred.clear = 7 * 3600.0;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Achterstand wegwerken kost 7 u "
	    "werktijd, de oudste moet binnen 6 u: 37 open");
	v.pred.clear = 5 * 3600.0;
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	v.backlog = 0;
	j = judge(&n, &v, ALERT_CRITICAL);
	assert_judged(&j, ALERT_OK, "Geen achterstand");
	n.respond_workdays = 2;			/* always open: 48 h */
	v.backlog = 3;
	v.oldest_age = 49 * 3600.0;
	v.pred.clear = NAN;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "Oudste bericht wacht 49 u werktijd, "
	    "norm 2 werkdagen: 3 open");
	v = blank_view();
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_UNKNOWN);
}

/* ------------------------------------------------------------------ */
/* Quality norms: a day of resolved contacts and ratings */

#define DAY	86400.0

/* A quality norm as config.c leaves it: a day's window, 20 at least,
 * positive from 4 of 5. */
static struct norm_conf
quality_norm(enum norm_kind kind)
{
	struct norm_conf n = norm(kind);

	n.window = DAY;
	n.min_count = 20;
	n.positive_from = 4;
	n.positive_scale = 5;
	if (kind == NORM_DIRECT_TARGET)
		n.direct_target = 80;
	else {
		n.rating_target = 4.2;
		n.rating_scale = 5;
	}
	return n;
}

/* A view over a day's quality window, its quarters six hours. */
static struct queue_view
quality_view(void)
{
	struct queue_view v = blank_view();

	v.quality_window = DAY;
	v.quality_recent_span = 6 * 3600.0;
	return v;
}

/* Adds resolved contacts to k: `direct` at first contact, `later` not. */
static void
resolved(struct quality *k, uint32_t direct, uint32_t later)
{
	k->direct += direct;
	k->indirect += later;
}

/* Adds n ratings of a score of 1 to 5. */
static void
stars(struct quality *k, int score, uint32_t n)
{
	k->score5[score - 1] += n;
}

static struct judgement
judge_in(const struct norm_conf *n, const struct queue_view *v,
    enum alert_state current, int english)
{
	struct judgement j;

	alert_judge(n, NULL, v, T0, current, english, 1, &j);
	return j;
}

/* Fewer than min_count in the window: no verdict, whatever the figure;
 * the figure is kept for the record. */
static void
quality_norms_are_unknown_with_too_few_in_the_window(void **state)
{
	struct norm_conf n = quality_norm(NORM_DIRECT_TARGET);
	struct norm_conf r = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	resolved(&v.quality, 10, 9);
	resolved(&v.quality_recent, 0, 9);	/* a bad trend, too */
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_UNKNOWN, "Te weinig gegevens: 19 afgehandelde "
	    "contacten in de laatste 24 u, minimaal 20");
	assert_near(j.value, 100.0 * 10 / 19);
	assert_true(j.threshold == 80);
	j = judge_in(&n, &v, ALERT_CRITICAL, 1);
	assert_judged(&j, ALERT_UNKNOWN, "Too little data: 19 finished "
	    "contacts in the last 24 h, at least 20");

	/* Ratings are not resolutions: a rating norm counts ratings. */
	stars(&v.quality, 5, 5);
	j = judge(&r, &v, ALERT_OK);
	assert_judged(&j, ALERT_UNKNOWN, "Te weinig gegevens: 5 beoordelingen "
	    "in de laatste 24 u, minimaal 20");
	assert_true(j.value == 5 && j.threshold == 4.2);
	stars(&v.quality, 5, 95);
	assert_int_equal(judge(&r, &v, ALERT_OK).level, ALERT_OK);
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_UNKNOWN);

	/* Nothing at all: no figure either. */
	v = quality_view();
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_UNKNOWN, "Te weinig gegevens: 0 afgehandelde "
	    "contacten in de laatste 24 u, minimaal 20");
	assert_true(isnan(j.value) && j.threshold == 80);
	/* min_count is a number of the norm's own. */
	n.min_count = 19;
	v = quality_view();
	resolved(&v.quality, 19, 0);
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
}

/* "76% direct beantwoord": 152 of 200 against 80%. */
static void
direct_target_is_critical_below_its_target(void **state)
{
	struct norm_conf n = quality_norm(NORM_DIRECT_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	resolved(&v.quality, 152, 48);
	v.waiting = 3;			/* how many wait says nothing of it */
	v.agents = 2;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "76% direct beantwoord in de "
	    "laatste 24 u (152 van 200), norm 80%");
	assert_true(j.value == 76 && j.threshold == 80);
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_CRITICAL, "76% resolved at first contact in "
	    "the last 24 h (152 of 200), target 80%");

	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 153, 47);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "76,5% direct beantwoord in de "
	    "laatste 24 u (153 van 200), norm 80%");
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_CRITICAL, "76.5% resolved at first contact "
	    "in the last 24 h (153 of 200), target 80%");

	/* The target itself is met. */
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 160, 40);
	j = judge(&n, &v, ALERT_CRITICAL);
	assert_judged(&j, ALERT_CRITICAL, "80% direct beantwoord in de "
	    "laatste 24 u (160 van 200), norm 80%");
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "80% direct beantwoord in de laatste "
	    "24 u (160 van 200), norm 80%");
	assert_true(j.value == 80 && j.threshold == 80);

	/* The level alone, as queue_judge asks on every message. */
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 152, 48);
	alert_judge(&n, NULL, &v, T0, ALERT_OK, 0, 0, &j);
	assert_int_equal(j.level, ALERT_CRITICAL);
	assert_true(j.value == 76 && j.threshold == 80);
	assert_string_equal(j.reason, "");
}

/*
 * The window a quarter from now loses its first quarter and, if the last
 * one repeats, gains that: 85% now, but the first quarter's 45 of 50
 * leave while the last quarter made 25 of 50.
 */
static void
direct_target_warns_when_the_last_quarter_takes_it_below(void **state)
{
	struct norm_conf n = quality_norm(NORM_DIRECT_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	resolved(&v.quality, 170, 30);
	resolved(&v.quality_leaving, 45, 5);
	resolved(&v.quality_recent, 25, 25);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Op deze koers 75% direct "
	    "beantwoord in de laatste 24 u, norm 80%; de laatste 6 u: 50% "
	    "direct beantwoord");
	assert_true(j.value == 75 && j.threshold == 80);
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_WARNING, "At this rate 75% resolved at first "
	    "contact in the last 24 h, target 80%; the last 6 h: 50% "
	    "resolved at first contact");

	/* A good last quarter: no warning. */
	v.quality_recent = (struct quality){ 0 };
	resolved(&v.quality_recent, 45, 5);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "85% direct beantwoord in de laatste "
	    "24 u (170 van 200), norm 80%");
	assert_true(j.value == 85 && j.threshold == 80);

	/* A quiet last quarter foretells nothing, though the window will
	 * fall to 115 of 150 when the first quarter leaves. */
	v.quality = v.quality_leaving = v.quality_recent =
	    (struct quality){ 0 };
	resolved(&v.quality, 165, 35);
	resolved(&v.quality_leaving, 50, 0);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "82,5% direct beantwoord in de laatste "
	    "24 u (165 van 200), norm 80%");

	/* Nor does a window that will hold too few: 5 of 8 ahead. */
	v.quality = v.quality_leaving = v.quality_recent =
	    (struct quality){ 0 };
	resolved(&v.quality, 20, 2);
	resolved(&v.quality_leaving, 15, 0);
	resolved(&v.quality_recent, 0, 1);
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	n.min_count = 8;
	j = judge(&n, &v, ALERT_OK);
	assert_int_equal(j.level, ALERT_WARNING);
	assert_true(j.value == 62.5);
}

/* 5% of the 80% target: a critical alert needs 84% to leave, a warning
 * a forecast of 84%; the judgement names the target, not the margin. */
static void
direct_target_hysteresis_holds_critical_at_82_percent(void **state)
{
	struct norm_conf n = quality_norm(NORM_DIRECT_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	resolved(&v.quality, 164, 36);
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	assert_int_equal(judge(&n, &v, ALERT_WARNING).level, ALERT_OK);
	j = judge(&n, &v, ALERT_CRITICAL);
	assert_judged(&j, ALERT_CRITICAL, "82% direct beantwoord in de "
	    "laatste 24 u (164 van 200), norm 80%");
	assert_true(j.value == 82 && j.threshold == 80);
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 168, 32);
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_OK);

	/* The forecast: 170 - 50 + 44 = 164 of 200, 82%. */
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 170, 30);
	resolved(&v.quality_leaving, 50, 0);
	resolved(&v.quality_recent, 44, 6);
	assert_int_equal(judge(&n, &v, ALERT_OK).level, ALERT_OK);
	j = judge(&n, &v, ALERT_WARNING);
	assert_int_equal(j.level, ALERT_WARNING);
	assert_true(j.value == 82 && j.threshold == 80);
	v.quality_recent = (struct quality){ 0 };
	resolved(&v.quality_recent, 48, 2);	/* 168 of 200 */
	assert_int_equal(judge(&n, &v, ALERT_WARNING).level, ALERT_OK);
}

/*
 * A strict target can still clear: the margin to leave is at most half
 * the way to the best there is. 96% clears at 98% (not 100.8%), an
 * average of 4.8 of 5 at 4.9 (not 5.04).
 */
static void
strict_targets_can_clear(void **state)
{
	struct norm_conf n = quality_norm(NORM_DIRECT_TARGET);
	struct norm_conf r = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();

	(void)state;
	n.direct_target = 96;
	resolved(&v.quality, 195, 5);		/* 97.5% */
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_CRITICAL);
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 196, 4);		/* 98% */
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_OK);

	r.rating_target = 4.8;
	v.quality = (struct quality){ 0 };
	stars(&v.quality, 5, 85);
	stars(&v.quality, 4, 15);		/* 4.85 */
	assert_int_equal(judge(&r, &v, ALERT_CRITICAL).level, ALERT_CRITICAL);
	v.quality = (struct quality){ 0 };
	stars(&v.quality, 5, 90);
	stars(&v.quality, 4, 10);		/* 4.9 */
	assert_int_equal(judge(&r, &v, ALERT_CRITICAL).level, ALERT_OK);
	/* The 80% of every day keeps its 5% margin: 84%. */
	n.direct_target = 80;
	v.quality = (struct quality){ 0 };
	resolved(&v.quality, 167, 33);		/* 83.5% */
	assert_int_equal(judge(&n, &v, ALERT_CRITICAL).level, ALERT_CRITICAL);
}

/* rating_target = 4.2: the average score of 1 to 5; the figure begins
 * the sentence, with a capital. */
static void
rating_target_holds_the_average_score(void **state)
{
	struct norm_conf n = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	stars(&v.quality, 3, 40);
	stars(&v.quality, 4, 40);
	stars(&v.quality, 5, 20);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "Gemiddeld 3,8 van 5 in de laatste "
	    "24 u (100 beoordelingen), norm 4,2");
	assert_near(j.value, 3.8);
	assert_true(j.threshold == 4.2);
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_CRITICAL, "Average 3.8 of 5 in the last 24 h "
	    "(100 ratings), target 4.2");

	v.quality = (struct quality){ 0 };
	stars(&v.quality, 4, 20);
	stars(&v.quality, 5, 80);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "Gemiddeld 4,8 van 5 in de laatste 24 u "
	    "(100 beoordelingen), norm 4,2");
	assert_near(j.value, 4.8);

	/* One rating, a whole score. */
	n.min_count = 1;
	v.quality = (struct quality){ 0 };
	stars(&v.quality, 5, 1);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "Gemiddeld 5 van 5 in de laatste 24 u "
	    "(1 beoordeling), norm 4,2");
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_OK, "Average 5 of 5 in the last 24 h "
	    "(1 rating), target 4.2");
}

/* rating_target = 7.5/10: 4 of 5 is 7.5 of 10, so twenty 4s meet it;
 * a 10-scale survey scores 0 to 10 itself. */
static void
rating_target_on_ten_takes_five_scale_scores_at_their_point(void **state)
{
	struct norm_conf n = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	n.rating_target = 7.5;
	n.rating_scale = 10;
	stars(&v.quality, 4, 20);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "Gemiddeld 7,5 van 10 in de laatste 24 u "
	    "(20 beoordelingen), norm 7,5");
	assert_true(j.value == 7.5 && j.threshold == 7.5);
	v.quality.score10[7] = 1;			/* a 7 of 10 */
	j = judge(&n, &v, ALERT_OK);
	assert_int_equal(j.level, ALERT_CRITICAL);
	assert_near(j.value, (20 * 7.5 + 7) / 21);
	j = judge_in(&n, &v, ALERT_OK, 1);
	/* 7.48 is short of 7.5: said as 7.4, never as the target. */
	assert_judged(&j, ALERT_CRITICAL, "Average 7.4 of 10 in the last "
	    "24 h (21 ratings), target 7.5");
}

/* rating_target = 85%: the share of ratings at positive_from or above. */
static void
rating_target_as_a_share_counts_the_positive(void **state)
{
	struct norm_conf n = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	n.rating_share = 1;
	n.rating_target = 85;
	stars(&v.quality, 2, 9);
	stars(&v.quality, 3, 20);
	stars(&v.quality, 4, 31);
	stars(&v.quality, 5, 40);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "71% positief (4 of hoger) in de "
	    "laatste 24 u (100 beoordelingen), norm 85%");
	assert_true(j.value == 71 && j.threshold == 85);
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_CRITICAL, "71% positive (4 or better) in the "
	    "last 24 h (100 ratings), target 85%");

	/* From 7.5/10 the same ratings count; 8 of 10 is in, 7 is not. */
	n.positive_from = 7.5;
	n.positive_scale = 10;
	v.quality.score10[8] = 10;
	v.quality.score10[7] = 10;
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_CRITICAL, "67,5% positief (7,5 van 10 of hoger) in "
	    "de laatste 24 u (120 beoordelingen), norm 85%");
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_CRITICAL, "67.5% positive (7.5 of 10 or better) in "
	    "the last 24 h (120 ratings), target 85%");

	v.quality = (struct quality){ 0 };
	stars(&v.quality, 4, 10);
	stars(&v.quality, 5, 80);
	stars(&v.quality, 1, 10);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "90% positief (7,5 van 10 of hoger) in de "
	    "laatste 24 u (100 beoordelingen), norm 85%");
}

/* The forecast in scores: 4,4 now, 3,9 once the first quarter's 5s
 * leave and the last quarter's 3s come again. */
static void
rating_target_warns_when_the_last_quarter_takes_it_below(void **state)
{
	struct norm_conf n = quality_norm(NORM_RATING_TARGET);
	struct queue_view v = quality_view();
	struct judgement j;

	(void)state;
	stars(&v.quality, 5, 60);
	stars(&v.quality, 4, 20);
	stars(&v.quality, 3, 20);
	stars(&v.quality_leaving, 5, 30);
	stars(&v.quality_recent, 3, 20);
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_WARNING, "Op deze koers gemiddeld 3,9 van 5 "
	    "in de laatste 24 u, norm 4,2; de laatste 6 u: gemiddeld 3 van 5");
	assert_near(j.value, 1 + 4 * (30 + 15 + 20) / 90.0);
	assert_true(j.threshold == 4.2);
	j = judge_in(&n, &v, ALERT_OK, 1);
	assert_judged(&j, ALERT_WARNING, "At this rate average 3.9 of 5 in "
	    "the last 24 h, target 4.2; the last 6 h: average 3 of 5");
	/* Now itself is fine. */
	v.quality_recent = (struct quality){ 0 };
	j = judge(&n, &v, ALERT_OK);
	assert_judged(&j, ALERT_OK, "Gemiddeld 4,4 van 5 in de laatste 24 u "
	    "(100 beoordelingen), norm 4,2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_to_ok_at_once),
		cmocka_unit_test(warning_waits_for_its_hold),
		cmocka_unit_test(interrupted_warning_starts_over),
		cmocka_unit_test(critical_after_hold_directly_or_via_warning),
		cmocka_unit_test(critical_clears_after_clear_for),
		cmocka_unit_test(critical_steps_down_to_warning),
		cmocka_unit_test(missing_data_resolves_nothing),
		cmocka_unit_test(closed_drops_and_reopens_fresh),
		cmocka_unit_test(stale_and_back),
		cmocka_unit_test(zero_hold_is_immediate),
		cmocka_unit_test(ack_lifecycle),
		cmocka_unit_test(ack_texts_are_the_alerts_own),
		cmocka_unit_test(state_names),
		cmocka_unit_test(answer_within_breached_below_target),
		cmocka_unit_test(answer_within_hysteresis),
		cmocka_unit_test(answer_within_at_risk),
		cmocka_unit_test(max_wait_levels),
		cmocka_unit_test(respond_within_levels),
		cmocka_unit_test(quality_norms_are_unknown_with_too_few_in_the_window),
		cmocka_unit_test(direct_target_is_critical_below_its_target),
		cmocka_unit_test(direct_target_warns_when_the_last_quarter_takes_it_below),
		cmocka_unit_test(direct_target_hysteresis_holds_critical_at_82_percent),
		cmocka_unit_test(strict_targets_can_clear),
		cmocka_unit_test(rating_target_holds_the_average_score),
		cmocka_unit_test(rating_target_on_ten_takes_five_scale_scores_at_their_point),
		cmocka_unit_test(rating_target_as_a_share_counts_the_positive),
		cmocka_unit_test(rating_target_warns_when_the_last_quarter_takes_it_below),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
