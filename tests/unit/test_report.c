/*
 * test_report.c: the norm report's arithmetic (report.h) on fixture rows
 * laid out as rrd_fetch_r hands them: one column per data source of a
 * queue's file (store.c's sources[], in its order), ABSOLUTE counts as
 * rates per second, row i ending at first_end + i * step. Each fixture row
 * is written in counts and seconds, as the step counted them, and divided
 * by the row's length on its way in, as RRD does: 5 contacts in an hour
 * reach the report as 0.00138888.../s. Every expected figure is worked
 * out by hand beside it and written as a literal; nothing is recomputed
 * with report.c's formulas.
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
#include <jansson.h>

#include "report.h"
#include "wachtd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define HOUR		3600UL
#define DAY		86400UL
/* Monday 2025-12-01 08:00 to 14:00 Europe/Amsterdam (07:00 UTC). */
#define FROM		1764572400.0
#define TO		(FROM + 6 * 3600.0)
#define PERIOD		21600.0		/* s: the whole period, as expected */
#define AT(h)		(FROM + (h) * 3600.0)	/* h hours after 08:00 */
#define MAXROWS		8

/* A queue's data sources in its file's order (store.c, sources[]). */
enum {
	ARRIVED, ANSWERED, ANSWERED_WITHIN, ABANDONED, HANDLED, WAIT_SUM,
	HANDLE_SUM, WAIT_MAX, WAITING, WAITING_MAX, LONGEST_WAIT,
	LONGEST_WAIT_MAX, AGENTS, AGENTS_MAX, BACKLOG, BACKLOG_MAX, OLDEST_AGE,
	OLDEST_AGE_MAX, EWT, EWT_MAX, WATCHED, OPEN, OPEN_ARRIVED,
	OPEN_ANSWERED, OPEN_WITHIN, OPEN_ABANDONED, OPEN_SHORT, OPEN_WAIT_SUM,
	OPEN_WAIT_MAX, NSOURCES
};

static char source[NSOURCES][20] = {
	"arrived", "answered", "answered_within", "abandoned", "handled",
	"wait_sum", "handle_sum", "wait_max", "waiting", "waiting_max",
	"longest_wait", "longest_wait_max", "agents", "agents_max", "backlog",
	"backlog_max", "oldest_age", "oldest_age_max", "ewt", "ewt_max",
	"watched", "open", "open_arrived", "open_answered", "open_within",
	"open_abandoned", "open_short", "open_wait_sum", "open_wait_max"
};

/* One row as the step counted it: seconds and contacts. */
struct row {
	double		 watched, open;		/* s */
	double		 arrived, answered, within, abandoned, quick;
	double		 wait_sum;		/* s */
	double		 wait_max;		/* s, a gauge; NAN: nobody waited */
};

/* One fetch: rows[i] ends at first_end + i * step. */
struct fetch {
	unsigned long	 step;
	double		 first_end;
	const struct row *rows;
	size_t		 n;
};

/* ------------------------------------------------------------------ */
/* Helpers */

/* The names of a whole file's columns, as rrd_fetch_r's ds_namv. */
static char *const *
names(void)
{
	static char	*p[NSOURCES];
	size_t		 i;

	for (i = 0; i < NSOURCES; i++)
		p[i] = source[i];
	return p;
}

/*
 * The rows of f as rrd_fetch_r gives them: ABSOLUTE sources as rates
 * (count / step), gauges as they are. The graphs' own columns count every
 * contact, also those of closed hours, so they hold more than the open_
 * ones, and their wait_max (1800) is longer than any open_wait_max in a
 * period: a report that read them would be off.
 */
static void
lay_out(double *data, const struct fetch *f)
{
	const double	 len = (double)f->step;
	size_t		 i;

	assert_true(f->n <= MAXROWS);
	for (i = 0; i < f->n; i++) {
		const struct row *r = &f->rows[i];
		double		*v = data + i * NSOURCES;

		v[ARRIVED] = (r->arrived + 3) / len;
		v[ANSWERED] = (r->answered + 3) / len;
		v[ANSWERED_WITHIN] = (r->within + 3) / len;
		v[ABANDONED] = (r->abandoned + 1) / len;
		v[HANDLED] = (r->answered + 3) / len;
		v[WAIT_SUM] = (r->wait_sum + 500) / len;
		v[HANDLE_SUM] = 5400 / len;
		v[WAIT_MAX] = 1800;
		v[WAITING] = 1.25;
		v[WAITING_MAX] = 6;
		v[LONGEST_WAIT] = 21.5;
		v[LONGEST_WAIT_MAX] = 1800;
		v[AGENTS] = 3.5;
		v[AGENTS_MAX] = 5;
		v[BACKLOG] = NAN;		/* a phone queue has none */
		v[BACKLOG_MAX] = NAN;
		v[OLDEST_AGE] = NAN;
		v[OLDEST_AGE_MAX] = NAN;
		v[EWT] = 18;
		v[EWT_MAX] = 40;
		v[WATCHED] = r->watched / len;
		v[OPEN] = r->open / len;
		v[OPEN_ARRIVED] = r->arrived / len;
		v[OPEN_ANSWERED] = r->answered / len;
		v[OPEN_WITHIN] = r->within / len;
		v[OPEN_ABANDONED] = r->abandoned / len;
		v[OPEN_SHORT] = r->quick / len;
		v[OPEN_WAIT_SUM] = r->wait_sum / len;
		v[OPEN_WAIT_MAX] = r->wait_max;
	}
}

/* Adds the rows of f that lie in [from, to); max: a MAX fetch's pass. */
static void
add_fetch(struct report_tally *t, const struct report_norm *n, double from,
    double to, const struct fetch *f, int max)
{
	double		 data[MAXROWS * NSOURCES];

	lay_out(data, f);
	report_tally_rows(t, n, from, to, f->first_end, f->step, NSOURCES,
	    names(), data, f->n, max);
}

static struct report_norm
norm(int kind, double limit, double target, int count_abandoned)
{
	struct report_norm n;

	memset(&n, 0, sizeof(n));
	snprintf(n.name, sizeof(n.name), "%s", kind == NORM_ANSWER_WITHIN ?
	    "telefoon" : kind == NORM_MAX_WAIT ? "balie" : "email");
	n.kind = kind;
	n.limit = limit;
	n.target = target;
	n.count_abandoned = count_abandoned;
	return n;
}

static json_t *
figures(const struct report_tally *t, const struct report_norm *n)
{
	json_t	*o = report_tally_json(t, n);

	assert_non_null(o);
	assert_true(json_is_object(o));
	return o;
}

/* A figure of o as text, for a failure message. */
static const char *
shown(const json_t *v, char *buf, size_t len)
{
	if (v == NULL)
		return "missing";
	if (json_is_null(v))
		return "null";
	if (json_is_true(v))
		return "true";
	if (json_is_false(v))
		return "false";
	if (json_is_integer(v))
		snprintf(buf, len, "%" JSON_INTEGER_FORMAT,
		    json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.10g (real)", json_real_value(v));
	else
		snprintf(buf, len, "JSON type %d", (int)json_typeof(v));
	return buf;
}

/* A count: a JSON integer, exactly. */
static void
same_count(const json_t *o, const char *key, json_int_t want, int line)
{
	const json_t	*v = json_object_get(o, key);
	char		 buf[64];

	if (!json_is_integer(v) || json_integer_value(v) != want)
		fail_msg("line %d: %s is %s, expected %" JSON_INTEGER_FORMAT,
		    line, key, shown(v, buf, sizeof(buf)), want);
}
#define want_count(o, key, n)	same_count((o), (key), (n), __LINE__)

/* A figure to a tenth: a number (integer when whole). */
static void
same_tenth(const json_t *o, const char *key, double want, int line)
{
	const json_t	*v = json_object_get(o, key);
	char		 buf[64];

	if (!json_is_number(v) || !(fabs(json_number_value(v) - want) <=
	    1e-9))
		fail_msg("line %d: %s is %s, expected %g", line, key,
		    shown(v, buf, sizeof(buf)), want);
}
#define want_tenth(o, key, x)	same_tenth((o), (key), (x), __LINE__)

/* Not known: null, present. */
static void
same_null(const json_t *o, const char *key, int line)
{
	const json_t	*v = json_object_get(o, key);
	char		 buf[64];

	if (!json_is_null(v))
		fail_msg("line %d: %s is %s, expected null", line, key,
		    shown(v, buf, sizeof(buf)));
}
#define want_null(o, key)	same_null((o), (key), __LINE__)

static void
same_met(const json_t *o, int want, int line)
{
	const json_t	*v = json_object_get(o, "met");
	char		 buf[64];

	if (want ? !json_is_true(v) : !json_is_false(v))
		fail_msg("line %d: met is %s, expected %s", line,
		    shown(v, buf, sizeof(buf)), want ? "true" : "false");
}
#define want_met(o, b)		same_met((o), (b), __LINE__)

/* ------------------------------------------------------------------ */
/* The phone queue's morning, 08:00-14:00 (answer_within 30 s). */

/*
 * AVERAGE rows, one an hour; the queue opens 08:00-12:30 and again at
 * 14:00. open_wait_max here is an hour's average of step maxima: never
 * the longest wait. In the period (08-09, 10-11, 11-12, 12-13, 13-14;
 * 09-10 is a gap):
 *	watched   5 x 3600 = 18000 s of 21600: 83.33 -> 83.3%
 *	open      3600 + 3600 + 3600 + 1800 + 0 = 12600 s = 3.5 h
 *	contacts  4 + 5 + 3 + 4 + 0 = 16
 *	answered  4 + 3 + 3 + 3 = 13
 *	within    3 + 3 + 2 + 2 = 10
 *	abandoned 0 + 2 + 0 + 1 = 3, quick 0 + 1 + 0 + 1 = 2
 *	wait_sum  80 + 30 + 95 + 61 = 266 s
 */
static const struct row phone[] = {
	/* 07-08, before the period: must not count */
	{ 3600, 3600, 40, 40, 40, 0, 0, 400, 30 },
	/* 08-09 */
	{ 3600, 3600, 4, 4, 3, 0, 0, 80, 45 },
	/* 09-10: nobody watched (watched unknown); whatever the other
	 * columns say does not count */
	{ NAN, NAN, 9, 9, 9, 0, 0, 90, NAN },
	/* 10-11: two gave up, one of them within short_abandon */
	{ 3600, 3600, 5, 3, 3, 2, 1, 30, 41 },
	/* 11-12 */
	{ 3600, 3600, 3, 3, 2, 0, 0, 95, 38 },
	/* 12-13: closes at 12:30; one quick abandon */
	{ 3600, 1800, 4, 3, 2, 1, 1, 61, 33 },
	/* 13-14: closed, watched */
	{ 3600, 0, 0, 0, 0, 0, 0, 0, NAN },
	/* 14-15, at the end of the period: must not count */
	{ 3600, 3600, 30, 20, 5, 10, 0, 3000, 600 },
};
static const struct fetch phone_avg = { HOUR, FROM, phone, NELEM(phone) };

/*
 * The MAX archive's rows of the same hours. Its counts are the largest
 * per-step rates (one contact in one 10 s step: 0.1/s, 360 "an hour"),
 * never to be added. open_wait_max is the longest wait of each hour; in
 * the period 45, -, 95, 80, 50, -: the longest is 95 s (10-11). Before
 * and after the period someone waited 900 and 1200 s.
 */
static const struct row phone_max[] = {
	{ 3600, 3600, 360, 360, 360, 0, 0, 4320, 900 },		/* 07-08 */
	{ 3600, 3600, 360, 360, 360, 0, 0, 4320, 45 },		/* 08-09 */
	{ NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN, NAN },	/* 09-10 */
	{ 3600, 3600, 360, 360, 360, 360, 360, 4320, 95 },	/* 10-11 */
	{ 3600, 3600, 360, 360, 360, 0, 0, 4320, 80 },		/* 11-12 */
	{ 3600, 3600, 360, 360, 360, 360, 360, 4320, 50 },	/* 12-13 */
	{ 3600, 0, 0, 0, 0, 0, 0, 0, NAN },			/* 13-14 */
	{ 3600, 3600, 360, 360, 360, 360, 0, 4320, 1200 },	/* 14-15 */
};
static const struct fetch phone_mx = { HOUR, FROM, phone_max,
	NELEM(phone_max) };

/* The phone queue over [from, to), as the report reads it. */
static void
phone_tally(struct report_tally *t, const struct report_norm *n,
    double from, double to, int with_max)
{
	report_tally_init(t);
	t->expected = to - from;
	add_fetch(t, n, from, to, &phone_avg, 0);
	if (with_max)
		add_fetch(t, n, from, to, &phone_mx, 1);
}

/* Case 1: answer_within 30 s, 80%, abandons ignored. */
static void
answer_within_ignoring_abandons(void **state)
{
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_tally t;
	json_t		*o;

	(void)state;
	phone_tally(&t, &n, FROM, TO, 0);
	assert_int_equal(t.resolution, 3600);
	o = figures(&t, &n);
	want_tenth(o, "covered", 83.3);		/* 18000 of 21600 s */
	want_tenth(o, "open_hours", 3.5);
	want_count(o, "contacts", 16);
	want_count(o, "answered", 13);
	want_count(o, "abandoned", 3);
	want_count(o, "within", 10);
	want_tenth(o, "within_pct", 76.9);	/* 10 / 13 = 76.92% */
	want_met(o, 0);				/* 76.9 < 80 */
	want_tenth(o, "wait_avg", 20.5);	/* 266 / 13 = 20.46 s */
	want_null(o, "wait_max");		/* no MAX pass yet */
	want_tenth(o, "abandon_pct", 18.8);	/* 3 / 16 = 18.75% */
	json_decref(o);
}

/* Case 2: the same rows with abandoned = count. */
static void
count_abandoned_takes_all_but_quick_ones(void **state)
{
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 1);
	struct report_tally t;
	json_t		*o;

	(void)state;
	phone_tally(&t, &n, FROM, TO, 0);
	o = figures(&t, &n);
	want_count(o, "contacts", 16);
	want_count(o, "answered", 13);
	want_count(o, "abandoned", 3);
	want_count(o, "within", 10);
	/* 10 / (13 + 3 - 2 quick) = 10 / 14 = 71.43%; not 10 / 16 = 62.5
	 * (quick ones counted) nor 10 / 13 = 76.9 (abandons ignored) */
	want_tenth(o, "within_pct", 71.4);
	want_met(o, 0);
	want_tenth(o, "wait_avg", 20.5);	/* 266 / 13 answered */
	want_tenth(o, "abandon_pct", 18.8);	/* 3 / 16: the norm's no part */
	want_tenth(o, "covered", 83.3);
	want_tenth(o, "open_hours", 3.5);
	json_decref(o);
}

/* met on either side of the target, both ways of counting abandons. */
static void
met_on_either_side_of_the_target(void **state)
{
	static const struct {
		const char	*name;
		int		 count_abandoned;
		double		 target;
		int		 met;
	} cases[] = {
		/* 10 / 13 = 76.92% */
		{ "76.92% against 80%", 0, 80, 0 },
		{ "76.92% against 77%", 0, 77, 0 },
		{ "76.92% against 76.9%", 0, 76.9, 1 },
		{ "76.92% against 75%", 0, 75, 1 },
		/* 10 / 14 = 71.43% */
		{ "counting abandons, 71.43% against 80%", 1, 80, 0 },
		{ "counting abandons, 71.43% against 72%", 1, 72, 0 },
		{ "counting abandons, 71.43% against 71.4%", 1, 71.4, 1 },
		{ "counting abandons, 71.43% against 70%", 1, 70, 1 },
	};
	struct report_norm n;
	struct report_tally t;
	json_t		*o;
	char		 buf[64];
	size_t		 i;
	int		 ok;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		n = norm(NORM_ANSWER_WITHIN, 30, cases[i].target,
		    cases[i].count_abandoned);
		phone_tally(&t, &n, FROM, TO, 1);
		o = figures(&t, &n);
		ok = cases[i].met ? json_is_true(json_object_get(o, "met")) :
		    json_is_false(json_object_get(o, "met"));
		if (!ok) {
			fail_msg("%s: met is %s, expected %s", cases[i].name,
			    shown(json_object_get(o, "met"), buf, sizeof(buf)),
			    cases[i].met ? "true" : "false");
		}
		json_decref(o);
	}
}

/* Case 3: max_wait: the longest wait of the MAX rows in the period. */
static void
max_wait_takes_the_longest_wait_in_the_period(void **state)
{
	static const struct {
		const char	*name;
		double		 limit;
		int		 met;
	} cases[] = {
		{ "95 s against 600 s", 600, 1 },
		{ "95 s against 95 s: on the limit is in time", 95, 1 },
		{ "95 s against 94 s", 94, 0 },
		{ "95 s against 60 s", 60, 0 },
	};
	struct report_norm n;
	struct report_tally t;
	json_t		*o;
	char		 buf[64];
	size_t		 i;
	int		 ok;

	(void)state;
	n = norm(NORM_MAX_WAIT, 600, 100, 0);
	phone_tally(&t, &n, FROM, TO, 1);
	o = figures(&t, &n);
	/* Not 900 or 1200 (outside), not 1800 (the graphs' wait_max), not
	 * 45 (the AVERAGE rows' open_wait_max). */
	want_tenth(o, "wait_max", 95);
	want_met(o, 1);		/* though 76.9% within: the longest wait */
	/* The MAX rows' counts (360 an hour) added nothing. */
	want_count(o, "contacts", 16);
	want_count(o, "answered", 13);
	want_count(o, "within", 10);
	want_count(o, "abandoned", 3);
	want_tenth(o, "within_pct", 76.9);
	want_tenth(o, "open_hours", 3.5);
	want_tenth(o, "covered", 83.3);
	json_decref(o);
	assert_int_equal(t.resolution, 3600);

	for (i = 0; i < NELEM(cases); i++) {
		n = norm(NORM_MAX_WAIT, cases[i].limit, 100, 0);
		phone_tally(&t, &n, FROM, TO, 1);
		o = figures(&t, &n);
		ok = cases[i].met ? json_is_true(json_object_get(o, "met")) :
		    json_is_false(json_object_get(o, "met"));
		if (!ok) {
			fail_msg("%s: met is %s, expected %s", cases[i].name,
			    shown(json_object_get(o, "met"), buf, sizeof(buf)),
			    cases[i].met ? "true" : "false");
		}
		json_decref(o);
	}

	/* 11:00-14:00: 80, 50, - : the 95 of 10-11 lies before it. */
	n = norm(NORM_MAX_WAIT, 90, 100, 0);
	phone_tally(&t, &n, AT(3), TO, 1);
	o = figures(&t, &n);
	want_tenth(o, "wait_max", 80);
	want_met(o, 1);
	want_count(o, "contacts", 7);		/* 3 + 4 + 0 */
	json_decref(o);
}

/* ------------------------------------------------------------------ */
/* Case 4: an e-mail box, respond_within 2 working days, every message. */

/*
 * Daily rows are UTC days; the period is Monday to Wednesday local:
 * [Mon 00:00 CET, Thu 00:00 CET) = [Sun 23:00 UTC, Wed 23:00 UTC). The
 * Sunday row's middle (Sun 12:00 UTC) lies before it, Thursday's after;
 * Monday to Wednesday count. Open 08:30-17:00: 30600 s a weekday.
 *	contacts  22 + 2 + 4 = 28
 *	answered  2 + 11 + 3 = 16
 *	wait_sum  9000 + 99000 + 36000 = 144000 s: 9000 s each
 *	open      3 x 30600 = 91800 s = 25.5 h
 * Rates a day are inexact: 22/86400 x 86400 + 2/86400 x 86400 + ... adds
 * up to 27.999999999999996, the answered to 15.999999999999998; the
 * report must still say 28 and 16.
 */
#define MONDAY		1764543600.0	/* 2025-12-01 00:00 CET */
#define SUNDAY_END	1764547200.0	/* 2025-12-01 00:00 UTC */

static void
respond_within_every_message_in_time(void **state)
{
	static const struct {
		const char	*name;
		double		 wednesday_within;
		double		 pct;
		int		 met;
	} cases[] = {
		{ "16 of 16 in time: 100%", 3, 100, 1 },
		/* 15 / 16 = 93.75% */
		{ "15 of 16 in time: 93.8%", 2, 93.8, 0 },
	};
	struct report_norm n = norm(NORM_RESPOND_WITHIN, 0, 100, 0);
	struct row	 mail[5] = {
		{ 86400, 0, 6, 1, 0, 0, 0, 200000, 200000 },	/* Sun */
		{ 86400, 30600, 22, 2, 2, 0, 0, 9000, 7200 },	/* Mon */
		{ 86400, 30600, 2, 11, 11, 0, 0, 99000, 40000 }, /* Tue */
		{ 86400, 30600, 4, 3, 3, 0, 0, 36000, 20000 },	/* Wed */
		{ 86400, 30600, 5, 4, 0, 0, 0, 400000, 172800 }, /* Thu */
	};
	struct fetch	 f = { DAY, SUNDAY_END, mail, NELEM(mail) };
	struct report_tally t;
	json_t		*o;
	size_t		 i;

	(void)state;
	n.workdays = 2;
	for (i = 0; i < NELEM(cases); i++) {
		mail[3].within = cases[i].wednesday_within;
		report_tally_init(&t);
		t.expected = 3 * 86400.0;
		add_fetch(&t, &n, MONDAY, MONDAY + 3 * 86400.0, &f, 0);
		add_fetch(&t, &n, MONDAY, MONDAY + 3 * 86400.0, &f, 1);
		assert_int_equal(t.resolution, 86400);
		o = figures(&t, &n);
		if (!json_is_number(json_object_get(o, "within_pct")) ||
		    !(fabs(json_number_value(json_object_get(o, "within_pct")) -
		    cases[i].pct) <= 1e-9))
			fail_msg("%s: within_pct is %g", cases[i].name,
			    json_number_value(json_object_get(o,
			    "within_pct")));
		if (cases[i].met ? !json_is_true(json_object_get(o, "met")) :
		    !json_is_false(json_object_get(o, "met")))
			fail_msg("%s: met is not %d", cases[i].name,
			    cases[i].met);
		want_count(o, "contacts", 28);
		want_count(o, "answered", 16);
		want_count(o, "abandoned", 0);
		want_tenth(o, "covered", 100);
		want_tenth(o, "open_hours", 25.5);
		want_tenth(o, "wait_avg", 9000);	/* 144000 / 16 */
		want_tenth(o, "wait_max", 40000);	/* Tue; not Thu's */
		want_tenth(o, "abandon_pct", 0);	/* 0 / 16 */
		json_decref(o);
	}
}

/* ------------------------------------------------------------------ */
/* Case 5: a channel and the total add counts, then take shares. */

/*
 * A second phone queue, rows exactly on the period (AVERAGE and MAX rows
 * alike here): open 08:00-12:30.
 *	watched   6 x 3600 = 21600 s; open 4 x 3600 + 1800 = 16200 s = 4.5 h
 *	contacts  2 + 2 + 1 + 1 = 6, answered 2 + 1 + 1 + 1 = 5
 *	within    2 + 1 + 0 + 1 = 4: 80% exactly, abandoned 1 (not quick)
 *	wait_sum  20 + 5 + 40 + 9 = 74 s, wait_max 140 s (who gave up)
 */
static const struct row second[] = {
	{ 3600, 3600, 2, 2, 2, 0, 0, 20, 12 },		/* 08-09 */
	{ 3600, 3600, 2, 1, 1, 1, 0, 5, 140 },		/* 09-10 */
	{ 3600, 3600, 1, 1, 0, 0, 0, 40, 40 },		/* 10-11 */
	{ 3600, 3600, 1, 1, 1, 0, 0, 9, 9 },		/* 11-12 */
	{ 3600, 1800, 0, 0, 0, 0, 0, 0, NAN },		/* 12-13 */
	{ 3600, 0, 0, 0, 0, 0, 0, 0, NAN },		/* 13-14 */
};
static const struct fetch second_f = { HOUR, FROM + 3600, second,
	NELEM(second) };

static void
channel_and_total_take_shares_of_sums(void **state)
{
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_tally a, b, c, channel, total;
	json_t		*o;

	(void)state;
	phone_tally(&a, &n, FROM, TO, 1);
	report_tally_init(&b);
	b.expected = PERIOD;
	add_fetch(&b, &n, FROM, TO, &second_f, 0);
	add_fetch(&b, &n, FROM, TO, &second_f, 1);
	/* A queue whose file could not be read: nothing but the period. */
	report_tally_init(&c);
	c.expected = PERIOD;

	o = figures(&b, &n);
	want_tenth(o, "covered", 100);
	want_tenth(o, "open_hours", 4.5);
	want_count(o, "contacts", 6);
	want_tenth(o, "within_pct", 80);	/* 4 / 5 */
	want_met(o, 1);				/* on the target is met */
	want_tenth(o, "wait_avg", 14.8);	/* 74 / 5 */
	want_tenth(o, "wait_max", 140);
	want_tenth(o, "abandon_pct", 16.7);	/* 1 / 6 = 16.67% */
	json_decref(o);

	report_tally_init(&channel);
	report_tally_add(&channel, &a);
	report_tally_add(&channel, &b);
	o = figures(&channel, NULL);
	/* (18000 + 21600) / (21600 + 21600) = 91.67% */
	want_tenth(o, "covered", 91.7);
	want_tenth(o, "open_hours", 8);		/* 3.5 + 4.5 */
	want_count(o, "contacts", 22);		/* 16 + 6 */
	want_count(o, "answered", 18);		/* 13 + 5 */
	want_count(o, "abandoned", 4);		/* 3 + 1 */
	want_count(o, "within", 14);		/* 10 + 4 */
	/* 14 / 18 = 77.78%; the mean of 76.92 and 80 would be 78.5 */
	want_tenth(o, "within_pct", 77.8);
	want_null(o, "met");			/* no norm of its own */
	want_tenth(o, "wait_avg", 18.9);	/* (266 + 74) / 18 = 18.89 */
	want_tenth(o, "wait_max", 140);		/* the larger of 95, 140 */
	/* 4 / 22 = 18.18%; the mean of 18.75 and 16.67 would be 17.7 */
	want_tenth(o, "abandon_pct", 18.2);
	json_decref(o);
	assert_int_equal(channel.resolution, 3600);

	/* Another order, and a queue with nothing: its unknown longest wait
	 * takes nothing away, its period counts in what was expected. */
	report_tally_init(&total);
	report_tally_add(&total, &c);
	report_tally_add(&total, &b);
	report_tally_add(&total, &a);
	o = figures(&total, NULL);
	/* 39600 / (3 x 21600 = 64800) = 61.11% */
	want_tenth(o, "covered", 61.1);
	want_count(o, "contacts", 22);
	want_count(o, "within", 14);
	want_tenth(o, "within_pct", 77.8);
	want_null(o, "met");
	want_tenth(o, "wait_max", 140);
	want_tenth(o, "abandon_pct", 18.2);
	json_decref(o);
	assert_int_equal(total.resolution, 3600);
}

/* ------------------------------------------------------------------ */
/* Case 6: no contacts. */

static void
no_contacts_no_shares(void **state)
{
	static const struct row quiet[] = {
		{ 3600, 3600, 0, 0, 0, 0, 0, 0, NAN },
		{ 3600, 3600, 0, 0, 0, 0, 0, 0, NAN },
		{ 3600, 3600, 0, 0, 0, 0, 0, 0, NAN },
		{ 3600, 3600, 0, 0, 0, 0, 0, 0, NAN },
		{ 3600, 0, 0, 0, 0, 0, 0, 0, NAN },
		{ 3600, 0, 0, 0, 0, 0, 0, 0, NAN },
	};
	static const struct fetch f = { HOUR, FROM + 3600, quiet,
		NELEM(quiet) };
	struct report_norm norms[3];
	struct report_tally t;
	json_t		*o;
	size_t		 i;

	(void)state;
	norms[0] = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	norms[1] = norm(NORM_ANSWER_WITHIN, 30, 80, 1);
	norms[2] = norm(NORM_MAX_WAIT, 600, 100, 0);
	for (i = 0; i < NELEM(norms); i++) {
		report_tally_init(&t);
		t.expected = PERIOD;
		add_fetch(&t, &norms[i], FROM, TO, &f, 0);
		add_fetch(&t, &norms[i], FROM, TO, &f, 1);
		o = figures(&t, &norms[i]);
		want_tenth(o, "covered", 100);
		want_tenth(o, "open_hours", 4);
		want_count(o, "contacts", 0);
		want_count(o, "answered", 0);
		want_count(o, "abandoned", 0);
		want_count(o, "within", 0);
		want_null(o, "within_pct");
		want_null(o, "met");
		want_null(o, "wait_avg");
		want_null(o, "wait_max");
		want_null(o, "abandon_pct");
		json_decref(o);
	}
}

/* Only quick abandons, counted: nothing left to measure the norm on. */
static void
only_quick_abandons_leave_no_share(void **state)
{
	static const struct row r[] = {
		{ 3600, 3600, 2, 0, 0, 2, 2, 0, 4 },
	};
	static const struct fetch f = { HOUR, FROM + 3600, r, NELEM(r) };
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 1);
	struct report_tally t;
	json_t		*o;

	(void)state;
	report_tally_init(&t);
	t.expected = 3600;
	add_fetch(&t, &n, FROM, TO, &f, 0);
	add_fetch(&t, &n, FROM, TO, &f, 1);
	o = figures(&t, &n);
	want_count(o, "contacts", 2);
	want_count(o, "abandoned", 2);
	want_null(o, "within_pct");		/* 0 / (0 + 2 - 2) */
	want_null(o, "met");
	want_null(o, "wait_avg");		/* nobody answered */
	want_tenth(o, "wait_max", 4);
	want_tenth(o, "abandon_pct", 100);	/* 2 / (0 + 2) */
	json_decref(o);
}

/* ------------------------------------------------------------------ */
/* Case 7: unknown counts in a watched row count as 0. */

static void
unknown_counts_in_a_watched_row_are_zero(void **state)
{
	/* 08-09: only arrived, answered and abandoned known, one caller
	 * still waiting at 10:00; 09-10 whole.
	 *	contacts 6 + 3 = 9, answered 4 + 3 = 7, within 0 + 3 = 3,
	 *	abandoned 1 + 0 = 1, quick 0, wait_sum 0 + 30 = 30 s,
	 *	open 0 + 3600 s = 1 h */
	static const struct row r[] = {
		{ 3600, NAN, 6, 4, NAN, 1, NAN, NAN, NAN },
		{ 3600, 3600, 3, 3, 3, 0, 0, 30, 14 },
	};
	static const struct fetch f = { HOUR, FROM + 3600, r, NELEM(r) };
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_norm nc = norm(NORM_ANSWER_WITHIN, 30, 80, 1);
	struct report_tally t;
	json_t		*o;

	(void)state;
	report_tally_init(&t);
	t.expected = 7200;
	add_fetch(&t, &n, FROM, TO, &f, 0);
	o = figures(&t, &n);
	want_tenth(o, "covered", 100);
	want_tenth(o, "open_hours", 1);
	want_count(o, "contacts", 9);
	want_count(o, "answered", 7);
	want_count(o, "within", 3);
	want_count(o, "abandoned", 1);
	want_tenth(o, "within_pct", 42.9);	/* 3 / 7 = 42.86% */
	want_met(o, 0);
	want_tenth(o, "wait_avg", 4.3);		/* 30 / 7 = 4.29 s */
	/* 1 / (7 + 1) = 12.5%: of those answered or gone, not of the 9 */
	want_tenth(o, "abandon_pct", 12.5);
	json_decref(o);

	/* Counting abandons: 3 / (7 + 1 - 0) = 37.5% */
	report_tally_init(&t);
	t.expected = 7200;
	add_fetch(&t, &nc, FROM, TO, &f, 0);
	o = figures(&t, &nc);
	want_tenth(o, "within_pct", 37.5);
	json_decref(o);
}

/* ------------------------------------------------------------------ */
/* A row counts in the period its middle lies in. */

static void
the_middle_of_a_row_decides(void **state)
{
	/* Rows off the hour by 30 min, their middles at 08:00, 09:00,
	 * 10:00 and 11:00; 1, 2, 4 and 8 contacts tell which counted. */
	static const struct row r[] = {
		{ 3600, 3600, 1, 1, 1, 0, 0, 0, 0 },
		{ 3600, 3600, 2, 2, 2, 0, 0, 0, 0 },
		{ 3600, 3600, 4, 4, 4, 0, 0, 0, 0 },
		{ 3600, 3600, 8, 8, 8, 0, 0, 0, 0 },
	};
	static const struct fetch f = { HOUR, FROM + 1800, r, NELEM(r) };
	static const struct {
		const char	*name;
		double		 from, to;
		json_int_t	 contacts;
	} cases[] = {
		{ "middle on from counts, middle on to does not",
		    FROM, AT(3), 1 + 2 + 4 },
		{ "from a second later: not the first",
		    FROM + 1, AT(3), 2 + 4 },
		{ "to a second later: the fourth too",
		    FROM, AT(3) + 1, 1 + 2 + 4 + 8 },
		{ "a period ending on the first middle: none",
		    AT(-1), FROM, 0 },
		{ "a period after all rows: none", AT(4), AT(5), 0 },
	};
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_tally t;
	json_t		*o;
	json_int_t	 got;
	size_t		 i;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		report_tally_init(&t);
		add_fetch(&t, &n, cases[i].from, cases[i].to, &f, 0);
		o = figures(&t, &n);
		got = json_integer_value(json_object_get(o, "contacts"));
		json_decref(o);
		if (got != cases[i].contacts)
			fail_msg("%s: %" JSON_INTEGER_FORMAT " contacts, "
			    "expected %" JSON_INTEGER_FORMAT, cases[i].name,
			    got, cases[i].contacts);
	}
}

/* ------------------------------------------------------------------ */
/* Columns are found by name, whatever the file's layout. */

static void
columns_are_found_by_name(void **state)
{
	/* Only the report's sources, backwards, one row: 6 came, 5
	 * answered (4 within, 50 s waited), 1 gave up quickly, 20 s. */
	char		*rev[] = {
		source[OPEN_WAIT_MAX], source[OPEN_WAIT_SUM],
		source[OPEN_SHORT], source[OPEN_ABANDONED],
		source[OPEN_WITHIN], source[OPEN_ANSWERED],
		source[OPEN_ARRIVED], source[OPEN], source[WATCHED],
	};
	const double	 rev_row[] = {
		20, 50 / 3600.0, 1 / 3600.0, 1 / 3600.0, 4 / 3600.0,
		5 / 3600.0, 6 / 3600.0, 1, 1,
	};
	/* The same without open_short (none quick) nor open_wait_max. */
	char		*noq[] = {
		source[WATCHED], source[OPEN], source[OPEN_ARRIVED],
		source[OPEN_ANSWERED], source[OPEN_WITHIN],
		source[OPEN_ABANDONED], source[OPEN_WAIT_SUM],
	};
	const double	 noq_row[] = {
		1, 1, 6 / 3600.0, 5 / 3600.0, 4 / 3600.0, 1 / 3600.0,
		50 / 3600.0,
	};
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 1);
	struct report_tally t;
	json_t		*o;

	(void)state;
	report_tally_init(&t);
	t.expected = 3600;
	report_tally_rows(&t, &n, FROM, TO, FROM + 3600, HOUR, NELEM(rev),
	    rev, rev_row, 1, 0);
	report_tally_rows(&t, &n, FROM, TO, FROM + 3600, HOUR, NELEM(rev),
	    rev, rev_row, 1, 1);
	o = figures(&t, &n);
	want_tenth(o, "covered", 100);
	want_tenth(o, "open_hours", 1);
	want_count(o, "contacts", 6);
	want_count(o, "answered", 5);
	want_count(o, "within", 4);
	want_count(o, "abandoned", 1);
	want_tenth(o, "within_pct", 80);	/* 4 / (5 + 1 - 1) */
	want_met(o, 1);
	want_tenth(o, "wait_avg", 10);		/* 50 / 5 */
	want_tenth(o, "wait_max", 20);
	json_decref(o);

	report_tally_init(&t);
	t.expected = 3600;
	report_tally_rows(&t, &n, FROM, TO, FROM + 3600, HOUR, NELEM(noq),
	    noq, noq_row, 1, 0);
	report_tally_rows(&t, &n, FROM, TO, FROM + 3600, HOUR, NELEM(noq),
	    noq, noq_row, 1, 1);
	o = figures(&t, &n);
	want_count(o, "contacts", 6);
	want_tenth(o, "within_pct", 66.7);	/* 4 / (5 + 1 - 0) = 66.67 */
	want_met(o, 0);
	want_null(o, "wait_max");
	json_decref(o);
}

/* A file of 0.1 (the first 20 sources, no watched): nothing counts. */
static void
a_file_without_watched_counts_nothing(void **state)
{
	static const struct fetch f = { HOUR, FROM, phone, NELEM(phone) };
	double		 data[MAXROWS * NSOURCES], old[MAXROWS * WATCHED];
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_tally t;
	json_t		*o;
	size_t		 i;

	(void)state;
	lay_out(data, &f);
	for (i = 0; i < NELEM(phone); i++)
		memcpy(old + i * WATCHED, data + i * NSOURCES,
		    WATCHED * sizeof(double));
	report_tally_init(&t);
	t.expected = PERIOD;
	report_tally_rows(&t, &n, FROM, TO, FROM, HOUR, WATCHED, names(),
	    old, NELEM(phone), 0);
	report_tally_rows(&t, &n, FROM, TO, FROM, HOUR, WATCHED, names(),
	    old, NELEM(phone), 1);
	o = figures(&t, &n);
	want_tenth(o, "covered", 0);
	want_tenth(o, "open_hours", 0);
	want_count(o, "contacts", 0);
	want_count(o, "answered", 0);
	want_null(o, "within_pct");
	want_null(o, "met");
	want_null(o, "wait_max");	/* its wait_max is not open_wait_max */
	json_decref(o);
}

/* covered: capped at 100%; null before the period began. */
static void
covered_is_capped_and_null_before_the_period(void **state)
{
	static const struct {
		const char	*name;
		double		 expected;
		int		 null;
		double		 covered;
	} cases[] = {
		{ "all six hours of six", PERIOD, 0, 100 },
		/* now is 13:30: 19800 s expected, the 13-14 row is whole */
		{ "now inside the last row: capped", 19800, 0, 100 },
		{ "a period not begun", 0, 1, 0 },
	};
	struct report_tally t;
	json_t		*o, *v;
	double		 got;
	size_t		 i;
	int		 ok;

	(void)state;
	for (i = 0; i < NELEM(cases); i++) {
		report_tally_init(&t);
		t.expected = cases[i].expected;
		add_fetch(&t, NULL, FROM, TO, &second_f, 0);
		o = figures(&t, NULL);
		v = json_object_get(o, "covered");
		ok = cases[i].null ? json_is_null(v) : json_is_number(v) &&
		    json_number_value(v) == cases[i].covered;
		got = json_number_value(v);
		json_decref(o);
		if (!ok)
			fail_msg("%s: covered %g, expected %s%g",
			    cases[i].name, got, cases[i].null ? "null, not " :
			    "", cases[i].covered);
	}
}

/* ------------------------------------------------------------------ */
/*
 * A queue without a norm has no share within, and its contacts do not
 * count in its channel's or the total's share (README "Norm report";
 * tests/integration/t_report.sh: email/info [0,1,0,0,null,null,...] and
 * the total's 57.1 = 4 / 7, not 4 / 8).
 */
static void
a_queue_without_norm_has_no_share(void **state)
{
	/* One e-mail answered after an hour, not "within" anything. */
	static const struct row r[] = {
		{ 3600, 3600, 1, 1, 0, 0, 0, 3600, 3600 },
	};
	static const struct fetch f = { HOUR, FROM + 3600, r, NELEM(r) };
	struct report_norm n = norm(NORM_ANSWER_WITHIN, 30, 80, 0);
	struct report_tally a, mail, total;
	json_t		*o, *v;
	char		 mail_pct[64], total_pct[64];
	int		 mail_null;
	double		 total_got;

	(void)state;
	report_tally_init(&mail);
	mail.expected = PERIOD;
	add_fetch(&mail, NULL, FROM, TO, &f, 0);
	add_fetch(&mail, NULL, FROM, TO, &f, 1);
	o = figures(&mail, NULL);
	want_count(o, "answered", 1);
	want_tenth(o, "wait_avg", 3600);
	want_null(o, "met");
	v = json_object_get(o, "within_pct");
	mail_null = json_is_null(v);
	shown(v, mail_pct, sizeof(mail_pct));
	json_decref(o);

	/* The phone queue's 10 of 13, plus the e-mail: still 10 / 13. */
	phone_tally(&a, &n, FROM, TO, 1);
	report_tally_init(&total);
	report_tally_add(&total, &a);
	report_tally_add(&total, &mail);
	o = figures(&total, NULL);
	want_count(o, "answered", 14);
	want_count(o, "within", 10);
	/* Its wait counts all the same: (266 + 3600) / 14 = 276.14 s, and
	 * 3 / (14 + 3) = 17.65% gave up. */
	want_tenth(o, "wait_avg", 276.1);
	want_tenth(o, "wait_max", 3600);
	want_tenth(o, "abandon_pct", 17.6);
	v = json_object_get(o, "within_pct");
	total_got = json_number_value(v);
	shown(v, total_pct, sizeof(total_pct));
	json_decref(o);

	if (!mail_null)
		fail_msg("a queue without norm: within_pct is %s, expected "
		    "null", mail_pct);
	if (!(fabs(total_got - 76.9) <= 1e-9))
		fail_msg("total with a norm-less queue: within_pct is %s, "
		    "expected 76.9 (10 / 13)", total_pct);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(answer_within_ignoring_abandons),
		cmocka_unit_test(count_abandoned_takes_all_but_quick_ones),
		cmocka_unit_test(met_on_either_side_of_the_target),
		cmocka_unit_test(max_wait_takes_the_longest_wait_in_the_period),
		cmocka_unit_test(respond_within_every_message_in_time),
		cmocka_unit_test(channel_and_total_take_shares_of_sums),
		cmocka_unit_test(no_contacts_no_shares),
		cmocka_unit_test(only_quick_abandons_leave_no_share),
		cmocka_unit_test(unknown_counts_in_a_watched_row_are_zero),
		cmocka_unit_test(the_middle_of_a_row_decides),
		cmocka_unit_test(columns_are_found_by_name),
		cmocka_unit_test(a_file_without_watched_counts_nothing),
		cmocka_unit_test(covered_is_capped_and_null_before_the_period),
		cmocka_unit_test(a_queue_without_norm_has_no_share),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
