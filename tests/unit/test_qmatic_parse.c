/*
 * test_qmatic_parse.c: what wachtd-probe-qmatic reads from an Orchestra
 * queue list, what it refuses and why, and the calls it derives from two
 * polls. Each table row is its own named test; the polls carry their own
 * times, so nothing here reads a clock or sleeps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qmatic_parse.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define T0		1764412345.0	/* the first poll of every pair */

/* ---- parsing: the configuration asks for queues 1 and 2 ---- */

struct want {
	enum qmatic_found found;
	long		 waiting;
	double		 longest;
	const char	*why;		/* a part of q.why, when BAD */
};

struct parse_case {
	const char	*name;
	const char	*body;
	const char	*error;		/* a part of why when the whole
					   answer is refused, else NULL */
	struct want	 q[2];		/* queues 1 and 2 */
};

#define GOOD(w, l)	{ QMATIC_GOOD, w, l, NULL }
#define BAD(why)	{ QMATIC_BAD, 0, 0, why }
#define ABSENT		{ QMATIC_ABSENT, 0, 0, NULL }

static const struct parse_case parse_cases[] = {
	{ "a valid answer gives both queues' figures",
	  "[{\"id\": 1, \"name\": \"Burgerzaken\", \"customersWaiting\": 4,"
	  " \"waitingTime\": 312, \"estimatedWaitingTime\": 600},"
	  " {\"id\": 2, \"name\": \"Paspoorten\", \"customersWaiting\": 0,"
	  " \"waitingTime\": 0}]",
	  NULL, { GOOD(4, 312), GOOD(0, 0) } },
	{ "queues of other ids are ignored, even broken ones",
	  "[{\"id\": 7, \"customersWaiting\": \"many\"},"
	  " {\"id\": 1, \"customersWaiting\": 2, \"waitingTime\": 30},"
	  " {\"id\": 9}, {\"name\": \"no id\"}, 17, null,"
	  " {\"id\": 2, \"customersWaiting\": 1, \"waitingTime\": 5}]",
	  NULL, { GOOD(2, 30), GOOD(1, 5) } },
	{ "a queue not in the answer is absent",
	  "[{\"id\": 2, \"customersWaiting\": 1, \"waitingTime\": 5}]",
	  NULL, { ABSENT, GOOD(1, 5) } },
	{ "an empty array: both absent", "[]", NULL, { ABSENT, ABSENT } },
	{ "nobody waiting waits no time, whatever waitingTime says",
	  "[{\"id\": 1, \"customersWaiting\": 0, \"waitingTime\": 845},"
	  " {\"id\": 2, \"customersWaiting\": 3, \"waitingTime\": 0}]",
	  NULL, { GOOD(0, 0), GOOD(3, 0) } },
	{ "whole reals count as whole numbers, waits may be fractions",
	  "[{\"id\": 1.0, \"customersWaiting\": 4.0, \"waitingTime\": 12.5}]",
	  NULL, { GOOD(4, 12.5), ABSENT } },
	{ "customersWaiting missing",
	  "[{\"id\": 1, \"waitingTime\": 30},"
	  " {\"id\": 2, \"customersWaiting\": 1, \"waitingTime\": 5}]",
	  NULL, { BAD("queue 1: customersWaiting missing"), GOOD(1, 5) } },
	{ "waitingTime missing",
	  "[{\"id\": 1, \"customersWaiting\": 3}]",
	  NULL, { BAD("queue 1: waitingTime missing"), ABSENT } },
	{ "customersWaiting negative",
	  "[{\"id\": 1, \"customersWaiting\": -1, \"waitingTime\": 30}]",
	  NULL, { BAD("customersWaiting = -1 out of range"), ABSENT } },
	{ "waitingTime negative",
	  "[{\"id\": 2, \"customersWaiting\": 1, \"waitingTime\": -5}]",
	  NULL, { ABSENT, BAD("waitingTime = -5 out of range") } },
	{ "customersWaiting a string",
	  "[{\"id\": 1, \"customersWaiting\": \"4\", \"waitingTime\": 30}]",
	  NULL, { BAD("customersWaiting is not a number"), ABSENT } },
	{ "waitingTime null",
	  "[{\"id\": 1, \"customersWaiting\": 4, \"waitingTime\": null}]",
	  NULL, { BAD("waitingTime is not a number"), ABSENT } },
	{ "waitingTime true",
	  "[{\"id\": 1, \"customersWaiting\": 4, \"waitingTime\": true}]",
	  NULL, { BAD("waitingTime is not a number"), ABSENT } },
	{ "customersWaiting a fraction",
	  "[{\"id\": 1, \"customersWaiting\": 2.5, \"waitingTime\": 30}]",
	  NULL, { BAD("customersWaiting = 2.5 is not a whole number"),
	  ABSENT } },
	{ "waitingTime beyond a week (milliseconds?)",
	  "[{\"id\": 1, \"customersWaiting\": 1, \"waitingTime\": 312000000}]",
	  NULL, { BAD("waitingTime = 3.12e+08 out of range"), ABSENT } },
	{ "customersWaiting implausibly large",
	  "[{\"id\": 1, \"customersWaiting\": 1000000, \"waitingTime\": 3}]",
	  NULL, { BAD("customersWaiting = 1000000 out of range"), ABSENT } },
	{ "a queue listed twice is not trusted",
	  "[{\"id\": 1, \"customersWaiting\": 1, \"waitingTime\": 3},"
	  " {\"id\": 1, \"customersWaiting\": 5, \"waitingTime\": 90}]",
	  NULL, { BAD("queue 1 appears more than once"), ABSENT } },
	{ "malformed JSON: cut off",
	  "[{\"id\": 1, \"customersWaiting\": 4, \"waitingT",
	  "malformed JSON at line 1", { ABSENT, ABSENT } },
	{ "malformed JSON: an HTML error page",
	  "<html><body>Service Unavailable</body></html>",
	  "malformed JSON at line 1 column", { ABSENT, ABSENT } },
	{ "malformed JSON: empty", "", "malformed JSON", { ABSENT, ABSENT } },
	{ "malformed JSON: a key twice in one object",
	  "[{\"id\": 1, \"customersWaiting\": 4, \"customersWaiting\": 0,"
	  " \"waitingTime\": 3}]",
	  "malformed JSON", { ABSENT, ABSENT } },
	{ "an object instead of the array",
	  "{\"id\": 1, \"customersWaiting\": 4, \"waitingTime\": 312}",
	  "expected a JSON array of queues, got an object",
	  { ABSENT, ABSENT } },
	{ "a number instead of the array", "42",
	  "expected a JSON array of queues, got a value", { ABSENT, ABSENT } },
};

static void
parse_one(void **state)
{
	const struct parse_case	*c = *state;
	struct qmatic_queue	 q[2];
	char			 why[256] = "";
	size_t			 i;
	int			 rc;

	memset(q, 0x55, sizeof(q));
	q[0].id = 1;
	q[1].id = 2;
	rc = qmatic_parse(c->body, strlen(c->body), q, 2, why, sizeof(why));
	if (c->error != NULL) {
		assert_int_equal(rc, -1);
		if (strstr(why, c->error) == NULL)
			fail_msg("why '%s' lacks '%s'", why, c->error);
		return;
	}
	assert_int_equal(rc, 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(q[i].id, (long)i + 1);
		assert_int_equal(q[i].found, c->q[i].found);
		if (c->q[i].found == QMATIC_GOOD) {
			assert_int_equal(q[i].waiting, c->q[i].waiting);
			assert_true(q[i].longest == c->q[i].longest);
		}
		if (c->q[i].why != NULL && strstr(q[i].why, c->q[i].why) ==
		    NULL)
			fail_msg("queue %zu: why '%s' lacks '%s'", i + 1,
			    q[i].why, c->q[i].why);
	}
}

/* Bytes after len are not read: the body need not end in a NUL. */
static void
parse_reads_only_len_bytes(void **state)
{
	const char		 body[] = "[{\"id\": 1, \"customersWaiting\": 4,"
	    " \"waitingTime\": 9}]GARBAGE";
	struct qmatic_queue	 q = { .id = 1 };
	char			 why[256];

	(void)state;
	assert_int_equal(qmatic_parse(body, strlen(body) - 7, &q, 1, why,
	    sizeof(why)), 0);
	assert_int_equal(q.found, QMATIC_GOOD);
	assert_int_equal(q.waiting, 4);
}

/* ---- deriving calls: poll at T0, next at T0 + dt ---- */

#define MAXW	8

struct derive_case {
	const char	*name;
	long		 n0;
	double		 w0;
	double		 dt;
	long		 n1;
	double		 w1;
	double		 fuzz;		/* of each poll */
	int		 rc;
	size_t		 answered;
	long		 arrived;
	double		 waits[MAXW];	/* oldest first */
};

static const struct derive_case derive_cases[] = {
	{ "nothing changes: the same customers wait 10 s longer",
	  2, 100, 10, 2, 110, 0, 0, 0, 0, { 0 } },
	{ "one called: the head's wait, called mid-interval",
	  3, 120, 10, 2, 60, 0, 0, 1, 0, { 125 } },
	{ "several called: waits spread to the new head's arrival",
	  /* arrivals t0-312 and t0-201 (evenly to t0-90, the new head) */
	  4, 312, 10, 2, 100, 0, 0, 2, 0, { 317, 206 } },
	{ "a call and new arrivals at the same time: the count rises",
	  2, 200, 10, 3, 50, 0, 0, 1, 2, { 205 } },
	{ "a call and an arrival: the count stays, the wait resets",
	  3, 300, 10, 3, 40, 0, 0, 1, 1, { 305 } },
	{ "queue emptied: every waiting customer called",
	  /* arrivals t0-90, t0-60, t0-30 */
	  3, 90, 10, 0, 0, 0, 0, 3, 0, { 95, 65, 35 } },
	{ "waiting time reset below dt: everyone of t0 called",
	  /* the new oldest came after t0: the two of t0 both left */
	  2, 300, 10, 2, 3, 0, 0, 2, 2, { 305, 155 } },
	{ "one customer, called, another arrives just after",
	  1, 45, 10, 1, 4, 0, 0, 1, 1, { 50 } },
	{ "out of order: the head stays, another is called",
	  /* tickets of t0 at t0-90, t0-60, t0-30: the second left */
	  3, 90, 10, 2, 100, 0, 0, 1, 0, { 65 } },
	{ "arrivals only: nobody called",
	  1, 20, 10, 4, 30, 0, 0, 0, 3, { 0 } },
	{ "from an empty queue: arrivals only",
	  0, 0, 10, 2, 6, 0, 0, 0, 2, { 0 } },
	{ "empty and still empty", 0, 0, 10, 0, 0, 0, 0, 0, 0, { 0 } },
	{ "rounding within QMATIC_SLACK is no call",
	  2, 100, 10, 2, 108.5, 0, 0, 0, 0, { 0 } },
	{ "a slow answer's uncertainty is no call",
	  /* 104 + 2 + 2 x 2 = 110: the head may have stayed */
	  2, 100, 10, 2, 104, 2, 0, 0, 0, { 0 } },
	{ "a drop beyond the uncertainty is a call",
	  2, 100, 10, 2, 103, 2, 0, 1, 1, { 105 } },
	{ "two who had just drawn a ticket called, a newcomer waits",
	  2, 0, 10, 1, 0, 0, 0, 2, 1, { 5, 5 } },
	{ "polls too far apart: nothing derived",
	  3, 120, 61, 1, 10, 0, -1, 0, 0, { 0 } },
	{ "polls out of order: nothing derived",
	  3, 120, -10, 1, 10, 0, -1, 0, 0, { 0 } },
	{ "the same poll twice: nothing derived",
	  3, 120, 0, 1, 10, 0, -1, 0, 0, { 0 } },
};

static void
derive_one(void **state)
{
	const struct derive_case *c = *state;
	struct qmatic_snap	 prev = { T0, c->fuzz, c->n0, c->w0 };
	struct qmatic_snap	 cur = { T0 + c->dt, c->fuzz, c->n1, c->w1 };
	struct qmatic_change	 ch;
	double			 waits[MAXW];
	size_t			 i;

	for (i = 0; i < MAXW; i++)
		waits[i] = -1;
	assert_int_equal(qmatic_derive(&prev, &cur, 60, waits, MAXW, &ch),
	    c->rc);
	assert_int_equal(ch.answered, c->answered);
	assert_int_equal(ch.arrived, c->arrived);
	assert_true(ch.answered <= (size_t)c->n0);
	for (i = 0; i < MAXW; i++) {
		if (i < c->answered) {
			if (waits[i] < c->waits[i] - 1e-9 ||
			    waits[i] > c->waits[i] + 1e-9)
				fail_msg("wait %zu: %g, expected %g", i,
				    waits[i], c->waits[i]);
		} else
			assert_true(waits[i] == -1);
	}
}

/* More calls than room: the count is whole, only max waits written. */
static void
derive_counts_beyond_max(void **state)
{
	struct qmatic_snap	 prev = { T0, 0, 10, 100 };
	struct qmatic_snap	 cur = { T0 + 10, 0, 0, 0 };
	struct qmatic_change	 ch;
	double			 waits[3] = { -1, -1, -1 };

	(void)state;
	assert_int_equal(qmatic_derive(&prev, &cur, 60, waits, 2, &ch), 0);
	assert_int_equal(ch.answered, 10);
	assert_true(waits[0] == 105 && waits[1] == 95 && waits[2] == -1);
}

int
main(void)
{
	struct CMUnitTest tests[NELEM(parse_cases) + NELEM(derive_cases) + 2];
	char		 names[NELEM(tests)][160];
	size_t		 i, n = 0;

	for (i = 0; i < NELEM(parse_cases); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "parse: %s",
		    parse_cases[i].name);
		tests[n] = (struct CMUnitTest){ names[n], parse_one, NULL,
		    NULL, (void *)(uintptr_t)&parse_cases[i] };
	}
	for (i = 0; i < NELEM(derive_cases); i++, n++) {
		snprintf(names[n], sizeof(names[n]), "derive: %s",
		    derive_cases[i].name);
		tests[n] = (struct CMUnitTest){ names[n], derive_one, NULL,
		    NULL, (void *)(uintptr_t)&derive_cases[i] };
	}
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(parse_reads_only_len_bytes);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(derive_counts_beyond_max);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
