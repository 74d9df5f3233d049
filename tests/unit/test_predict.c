/*
 * test_predict.c: Erlang C against published table values, and which
 * method each prediction falls back to. Expected figures are literals
 * from the sources named beside them or worked out by hand in a comment.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "predict.h"

#define HOUR	3600.0

static void
assert_near(double got, double want, double tolerance)
{
	if (!(fabs(got - want) <= tolerance))
		fail_msg("got %.6f, want %.6f (within %g)", got, want,
		    tolerance);
}

/* Nothing known: every figure NAN, by no method. */
static const struct predict_in unknown = {
	.arrival_rate = NAN, .answer_rate = NAN, .handle_time = NAN,
	.agents = NAN, .waiting = NAN, .holdtime = NAN, .backlog = NAN
};

/*
 * The Erlang C table for a load of 10 erlangs, as printed in traffic
 * tables: the probability of waiting with 11 to 15 agents is 68.21%,
 * 44.94%, 28.53%, 17.41% and 10.20%.
 */
static void
erlang_c_matches_the_table(void **state)
{
	static const double table[] = { 0.6821, 0.4494, 0.2853, 0.1741,
	    0.1020 };
	int	 n;

	(void)state;
	for (n = 11; n <= 15; n++)
		assert_near(erlang_c(10, n), table[n - 11], 0.00005);
	/* Overload and no load at all. */
	assert_near(erlang_c(10, 10), 1, 0);
	assert_near(erlang_c(12, 10), 1, 0);
	assert_near(erlang_c(0, 3), 0, 0);
	assert_near(erlang_c(1, 0), 1, 0);
}

/* Hundreds of agents: n! and A^n overflow a double, Erlang B does not;
 * a billion (a broken probe) is answered at once, not in a billion steps. */
static void
erlang_c_stays_finite_for_large_centres(void **state)
{
	double	 c = erlang_c(400, 420);

	(void)state;
	assert_true(c > 0 && c < 1);
	assert_near(erlang_c(5, 1000000000), 0, 0);
	assert_near(erlang_c(10, 15), 0.1020, 0.00005);	/* unchanged */
}

/*
 * A published staffing example: 250 calls an hour with an average
 * handle time of 330 s (22.9 erlangs) needs 28 advisors to answer 80% of
 * calls within 30 s; 27 are not enough.
 */
static void
predicted_service_level_decides_staffing(void **state)
{
	struct predict_in in = unknown;
	struct prediction p;

	(void)state;
	in.arrival_rate = 250 / HOUR;
	in.handle_time = 330;
	in.within = 30;
	in.waiting = 0;
	in.agents = 27;
	predict(&in, &p);
	assert_int_equal(p.sl_by, PREDICT_ERLANG_C);
	assert_true(p.sl < 80);
	in.agents = 28;
	predict(&in, &p);
	assert_true(p.sl >= 80);
	assert_false(p.overloaded);
}

/*
 * 10 erlangs on 11 agents, handle time 180 s: ASA = C x AHT / (N - A) =
 * 0.682118 x 180 / 1 = 122.78 s. With 20 contacts already waiting, those
 * take 20 x 180 / 11 = 327.27 s, which is longer: that is the wait.
 */
static void
ewt_is_the_load_or_the_contacts_ahead(void **state)
{
	struct predict_in in = unknown;
	struct prediction p;

	(void)state;
	in.arrival_rate = 10.0 / 180;
	in.handle_time = 180;
	in.agents = 11;
	in.waiting = 0;
	predict(&in, &p);
	assert_int_equal(p.ewt_by, PREDICT_ERLANG_C);
	assert_near(p.ewt, 122.78, 0.01);
	assert_true(isnan(p.sl));	/* no T: no service level */
	assert_int_equal(p.sl_by, PREDICT_NONE);
	in.waiting = 20;
	predict(&in, &p);
	assert_near(p.ewt, 327.27, 0.01);
	/* Agents as a fraction (an average from a probe): whole staff. */
	in.agents = 11.6;
	predict(&in, &p);
	assert_near(p.ewt, 327.27, 0.01);
}

/*
 * More work than staff: 3 agents, 2 calls a minute of 120 s (4 erlangs).
 * The queue grows; a caller arriving behind 5 waits at least for those
 * and itself: 6 x 120 / 3 = 240 s. The service level is predicted 0.
 */
static void
overload_is_flagged(void **state)
{
	struct predict_in in = unknown;
	struct prediction p;

	(void)state;
	in.arrival_rate = 2 / 60.0;
	in.handle_time = 120;
	in.agents = 3;
	in.waiting = 5;
	in.within = 30;
	predict(&in, &p);
	assert_true(p.overloaded);
	assert_near(p.ewt, 240, 1e-9);
	assert_near(p.sl, 0, 0);
	assert_int_equal(p.ewt_by, PREDICT_ERLANG_C);
	/* Nobody staffed and callers waiting: overloaded, and the wait
	 * comes from another method: Asterisk's average here. */
	in.agents = 0;
	in.holdtime = 75;
	predict(&in, &p);
	assert_true(p.overloaded);
	assert_int_equal(p.ewt_by, PREDICT_HOLDTIME);
	assert_near(p.ewt, 75, 0);
	assert_near(p.sl, 0, 0);
	in.holdtime = NAN;
	/* Nobody staffed and nobody calling (the lunch break): no news. */
	in.arrival_rate = 0;
	in.waiting = 0;
	predict(&in, &p);
	assert_false(p.overloaded);
	assert_int_equal(p.ewt_by, PREDICT_POSITION);
	assert_near(p.ewt, 0, 0);
}

/* Without agents or handle time: 3 waiting, 2 answered a minute: 90 s. */
static void
position_without_staffing_figures(void **state)
{
	struct predict_in in = unknown;
	struct prediction p;

	(void)state;
	in.waiting = 3;
	in.answer_rate = 2 / 60.0;
	in.holdtime = 500;		/* not used: position comes first */
	predict(&in, &p);
	assert_int_equal(p.ewt_by, PREDICT_POSITION);
	assert_near(p.ewt, 90, 1e-9);
	assert_false(p.overloaded);
	/* Nobody waiting: no wait, whatever the rate. */
	in.waiting = 0;
	in.answer_rate = NAN;
	predict(&in, &p);
	assert_near(p.ewt, 0, 0);
	/* People waiting, nobody answered lately: Asterisk's average. */
	in.waiting = 4;
	in.answer_rate = 0;
	predict(&in, &p);
	assert_int_equal(p.ewt_by, PREDICT_HOLDTIME);
	assert_near(p.ewt, 500, 0);
	/* And without that: nothing. */
	in.holdtime = NAN;
	predict(&in, &p);
	assert_int_equal(p.ewt_by, PREDICT_NONE);
	assert_true(isnan(p.ewt));
	assert_true(isnan(p.sl));
}

/* 40 open mails, 10 answered an hour of opening time: 4 hours. */
static void
backlog_clears_at_the_answer_rate(void **state)
{
	struct predict_in in = unknown;
	struct prediction p;

	(void)state;
	in.backlog = 40;
	in.answer_rate = 10 / HOUR;
	predict(&in, &p);
	assert_int_equal(p.clear_by, PREDICT_BACKLOG);
	assert_near(p.clear, 4 * HOUR, 1e-6);
	in.backlog = 0;
	in.answer_rate = NAN;
	predict(&in, &p);
	assert_near(p.clear, 0, 0);
	in.backlog = 5;
	in.answer_rate = 0;		/* nothing answered lately */
	predict(&in, &p);
	assert_int_equal(p.clear_by, PREDICT_NONE);
	assert_true(isnan(p.clear));
}

static void
method_names(void **state)
{
	(void)state;
	assert_string_equal(predict_method_name(PREDICT_NONE), "none");
	assert_string_equal(predict_method_name(PREDICT_ERLANG_C), "erlang_c");
	assert_string_equal(predict_method_name(PREDICT_POSITION), "position");
	assert_string_equal(predict_method_name(PREDICT_HOLDTIME), "holdtime");
	assert_string_equal(predict_method_name(PREDICT_BACKLOG), "backlog");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(erlang_c_matches_the_table),
		cmocka_unit_test(erlang_c_stays_finite_for_large_centres),
		cmocka_unit_test(predicted_service_level_decides_staffing),
		cmocka_unit_test(ewt_is_the_load_or_the_contacts_ahead),
		cmocka_unit_test(overload_is_flagged),
		cmocka_unit_test(position_without_staffing_figures),
		cmocka_unit_test(backlog_clears_at_the_answer_rate),
		cmocka_unit_test(method_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
