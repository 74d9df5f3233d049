/*
 * test_quality.c: first-contact resolution and residents' ratings as
 * counts, and the figures a norm holds against its target. Scores on
 * either scale meet at the same point of their range: 5 of 5 is 10 of
 * 10, 3 of 5 is 5 of 10, 4 of 5 is 7.5 of 10.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "near.h"
#include "wachtd.h"

/* One resolved contact, first time or not. */
static void
resolved(struct quality *q, int direct)
{
	struct payload	 p;

	memset(&p, 0, sizeof(p));
	p.value = direct;
	quality_count(q, METRIC_RESOLVED, &p);
}

/* n ratings of score on scale (5 or 10). */
static void
rated(struct quality *q, double score, int scale, int n)
{
	struct payload	 p;

	memset(&p, 0, sizeof(p));
	p.value = score;
	p.scale = scale;
	while (n-- > 0)
		quality_count(q, METRIC_RATING, &p);
}

static struct quality
none(void)
{
	struct quality	 q;

	memset(&q, 0, sizeof(q));
	return q;
}

/* ------------------------------------------------------------------ */
/* Counts */

static void
each_input_counts_under_its_kind_and_score(void **state)
{
	struct quality	 q = none(), want = none();
	struct payload	 p;

	(void)state;
	resolved(&q, 1);
	resolved(&q, 1);
	resolved(&q, 0);
	rated(&q, 1, 5, 1);
	rated(&q, 4, 5, 2);
	rated(&q, 5, 5, 1);
	rated(&q, 0, 10, 1);
	rated(&q, 7, 10, 1);
	rated(&q, 10, 10, 3);
	want.direct = 2;
	want.indirect = 1;
	want.score5[0] = 1;		/* [score - 1] */
	want.score5[3] = 2;
	want.score5[4] = 1;
	want.score10[0] = 1;		/* [score] */
	want.score10[7] = 1;
	want.score10[10] = 3;
	assert_memory_equal(&q, &want, sizeof(q));
	assert_int_equal(quality_resolved(&q), 3);
	assert_int_equal(quality_ratings(&q), 9);

	/* How fast is not how well: other metrics leave the counts be. */
	memset(&p, 0, sizeof(p));
	p.value = 4;
	p.scale = 5;
	quality_count(&q, METRIC_ANSWERED, &p);
	quality_count(&q, METRIC_HANDLE_TIME, &p);
	quality_count(&q, METRIC_ARRIVED, &p);
	assert_memory_equal(&q, &want, sizeof(q));
}

static void
a_resolved_value_other_than_zero_is_direct(void **state)
{
	struct quality	 q = none();
	struct payload	 p;

	(void)state;
	memset(&p, 0, sizeof(p));
	p.value = 0;
	quality_count(&q, METRIC_RESOLVED, &p);
	p.value = 1;
	quality_count(&q, METRIC_RESOLVED, &p);
	p.value = 2;
	quality_count(&q, METRIC_RESOLVED, &p);
	assert_int_equal(q.direct, 2);
	assert_int_equal(q.indirect, 1);
}

/* A window is its slices added up; a slice leaving is taken away. */
static void
adding_then_taking_away_a_part_gives_the_whole_back(void **state)
{
	struct quality	 a = none(), b = none(), sum, both = none();

	(void)state;
	resolved(&a, 1);
	resolved(&a, 0);
	rated(&a, 2, 5, 2);
	rated(&a, 9, 10, 1);
	resolved(&b, 1);
	rated(&b, 2, 5, 1);
	rated(&b, 5, 5, 4);
	rated(&b, 0, 10, 1);

	sum = a;
	quality_add(&sum, &b);
	resolved(&both, 1);
	resolved(&both, 1);
	resolved(&both, 0);
	rated(&both, 2, 5, 3);
	rated(&both, 5, 5, 4);
	rated(&both, 9, 10, 1);
	rated(&both, 0, 10, 1);
	assert_memory_equal(&sum, &both, sizeof(sum));
	assert_int_equal(quality_resolved(&sum), 3);
	assert_int_equal(quality_ratings(&sum), 9);

	quality_sub(&sum, &b);
	assert_memory_equal(&sum, &a, sizeof(sum));
	quality_sub(&sum, &a);
	both = none();
	assert_memory_equal(&sum, &both, sizeof(sum));
}

/* ------------------------------------------------------------------ */
/* Figures */

/* "80% van alle vragen direct beantwoord": 152 of 200 is 76%. */
static void
direct_is_the_share_resolved_at_first_contact(void **state)
{
	struct quality	 q = none();
	int		 i;

	(void)state;
	for (i = 0; i < 200; i++)
		resolved(&q, i < 152);
	assert_near(quality_direct(&q), 76);
	q.direct = 0;
	assert_near(quality_direct(&q), 0);
	q.indirect = 0;
	q.direct = 3;
	assert_near(quality_direct(&q), 100);
	/* Ratings are not resolutions. */
	q.direct = 1;
	q.indirect = 2;
	rated(&q, 5, 5, 10);
	assert_near(quality_direct(&q), 100.0 / 3);
}

static void
average_on_one_scale_is_the_plain_mean(void **state)
{
	struct quality	 q = none(), t = none();

	(void)state;
	rated(&q, 3, 5, 40);
	rated(&q, 4, 5, 40);
	rated(&q, 5, 5, 20);
	assert_near(quality_average(&q, 5), 3.8);
	rated(&t, 7, 10, 1);
	rated(&t, 8, 10, 2);
	rated(&t, 10, 10, 1);
	assert_near(quality_average(&t, 10), 8.25);
	rated(&t, 0, 10, 1);
	assert_near(quality_average(&t, 10), 6.6);
}

/* 1 of 5 and 0 of 10 are the bottom, 5 and 10 the top, 3 and 5 the
 * middle: not 3 of 5 as 6 of 10. */
static void
average_on_the_other_scale_is_taken_at_the_same_point(void **state)
{
	static const struct {
		double	 score;
		int	 scale;
		double	 on5, on10;
	} same[] = {
		{ 1, 5, 1, 0 }, { 2, 5, 2, 2.5 }, { 3, 5, 3, 5 },
		{ 4, 5, 4, 7.5 }, { 5, 5, 5, 10 },
		{ 0, 10, 1, 0 }, { 5, 10, 3, 5 }, { 8, 10, 4.2, 8 },
		{ 10, 10, 5, 10 },
	};
	struct quality	 q;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		q = none();
		rated(&q, same[i].score, same[i].scale, 1);
		assert_near(quality_average(&q, 5), same[i].on5);
		assert_near(quality_average(&q, 10), same[i].on10);
	}
	/* Mixed: 5 of 5 and 0 of 10 average the middle of either. */
	q = none();
	rated(&q, 5, 5, 1);
	rated(&q, 0, 10, 1);
	assert_near(quality_average(&q, 5), 3);
	assert_near(quality_average(&q, 10), 5);
	/* Three 4s of 5 (7.5) and one 9 of 10: 7.875 of 10. */
	q = none();
	rated(&q, 4, 5, 3);
	rated(&q, 9, 10, 1);
	assert_near(quality_average(&q, 10), 7.875);
	assert_near(quality_average(&q, 5), 1 + 4 * 0.7875);
}

static void
positive_is_the_share_at_or_above_the_score(void **state)
{
	struct quality	 q = none();

	(void)state;
	rated(&q, 3, 5, 1);
	rated(&q, 4, 5, 1);
	rated(&q, 5, 5, 1);
	assert_near(quality_positive(&q, 4, 5), 200.0 / 3);
	assert_near(quality_positive(&q, 5, 5), 100.0 / 3);
	assert_near(quality_positive(&q, 1, 5), 100);
	assert_near(quality_positive(&q, 3, 5), 100);
	/* Between scores: 4.5 of 5 takes the 5s only. */
	assert_near(quality_positive(&q, 4.5, 5), 100.0 / 3);
}

/* "4 of 5 or better" is 7.5 of 10: 8, 9 and 10 are in, 7 is out. */
static void
positive_from_four_of_five_takes_eight_of_ten_not_seven(void **state)
{
	struct quality	 q = none();

	(void)state;
	rated(&q, 6, 10, 1);
	rated(&q, 7, 10, 1);
	rated(&q, 8, 10, 1);
	rated(&q, 9, 10, 1);
	rated(&q, 10, 10, 1);
	assert_near(quality_positive(&q, 4, 5), 60);
	assert_near(quality_positive(&q, 7.5, 10), 60);
	/* On its own scale the score itself counts, however it adds up. */
	assert_near(quality_positive(&q, 8, 10), 60);
	assert_near(quality_positive(&q, 7, 10), 80);
	/* And the other way: from 8 of 10 (4.2 of 5) a 4 of 5 is out. */
	q = none();
	rated(&q, 4, 5, 1);
	rated(&q, 5, 5, 1);
	assert_near(quality_positive(&q, 8, 10), 50);
	assert_near(quality_positive(&q, 7.5, 10), 100);
	/* Both scales at once. */
	rated(&q, 7, 10, 1);
	rated(&q, 8, 10, 1);
	assert_near(quality_positive(&q, 4, 5), 75);
}

/* A 10-scale survey beside a few 5-star buttons reads on 10. */
static void
scale_is_the_one_most_ratings_were_given_on(void **state)
{
	struct quality	 q = none();

	(void)state;
	assert_int_equal(quality_scale(&q), 5);
	rated(&q, 8, 10, 1);
	assert_int_equal(quality_scale(&q), 10);
	rated(&q, 4, 5, 1);
	assert_int_equal(quality_scale(&q), 5);		/* a tie: 5 */
	rated(&q, 0, 10, 1);
	assert_int_equal(quality_scale(&q), 10);
	rated(&q, 1, 5, 2);
	assert_int_equal(quality_scale(&q), 5);
}

static void
figures_are_unknown_without_anything_counted(void **state)
{
	struct quality	 q = none();

	(void)state;
	assert_int_equal(quality_resolved(&q), 0);
	assert_int_equal(quality_ratings(&q), 0);
	assert_true(isnan(quality_direct(&q)));
	assert_true(isnan(quality_average(&q, 5)));
	assert_true(isnan(quality_average(&q, 10)));
	assert_true(isnan(quality_positive(&q, 4, 5)));
	/* Ratings alone say nothing of resolution, and the other way. */
	rated(&q, 4, 5, 1);
	assert_true(isnan(quality_direct(&q)));
	q = none();
	resolved(&q, 1);
	assert_true(isnan(quality_average(&q, 5)));
	assert_true(isnan(quality_positive(&q, 4, 5)));
}

/* ------------------------------------------------------------------ */
/* The figure of a norm */

static struct norm_conf
norm(enum norm_kind kind)
{
	struct norm_conf n;

	memset(&n, 0, sizeof(n));
	n.kind = kind;
	n.window = 86400;
	n.positive_from = 4;
	n.positive_scale = 5;
	n.min_count = 20;
	return n;
}

static void
figure_is_what_the_norm_holds_to_its_target(void **state)
{
	struct norm_conf n;
	struct quality	 q = none();
	uint32_t	 count = 12345;

	(void)state;
	resolved(&q, 1);
	resolved(&q, 1);
	resolved(&q, 1);
	resolved(&q, 0);
	rated(&q, 4, 5, 1);
	rated(&q, 5, 5, 1);
	rated(&q, 7, 10, 1);

	/* direct_target = 80%: 3 of the 4 resolved. */
	n = norm(NORM_DIRECT_TARGET);
	n.direct_target = 80;
	assert_near(quality_figure(&q, &n, &count), 75);
	assert_int_equal(count, 4);

	/* rating_target = 4.2: the average of 3 ratings on 1 to 5. */
	n = norm(NORM_RATING_TARGET);
	n.rating_target = 4.2;
	n.rating_scale = 5;
	count = 12345;
	assert_near(quality_figure(&q, &n, &count),
	    1 + 4 * (0.75 + 1 + 0.7) / 3);
	assert_int_equal(count, 3);

	/* rating_target = 7.5/10: the same, on 0 to 10. */
	n.rating_target = 7.5;
	n.rating_scale = 10;
	assert_near(quality_figure(&q, &n, &count), 10 * (0.75 + 1 + 0.7) / 3);

	/* rating_target = 85%: the share from positive_from, 4 of 5 by
	 * default; from 8/10 the 4 of 5 drops out. */
	n.rating_target = 85;
	n.rating_share = 1;
	assert_near(quality_figure(&q, &n, &count), 200.0 / 3);
	assert_int_equal(count, 3);
	n.positive_from = 8;
	n.positive_scale = 10;
	assert_near(quality_figure(&q, &n, &count), 100.0 / 3);

	/* Nothing of its kind: unknown, of none. */
	q = none();
	rated(&q, 5, 5, 1);
	n = norm(NORM_DIRECT_TARGET);
	n.direct_target = 80;
	assert_true(isnan(quality_figure(&q, &n, &count)));
	assert_int_equal(count, 0);
}

/* The queue's JSON and the report read ratings the same way. */
/* How q is read under the norms qn: its scale, positive from which
 * score of which scale. */
static void
reading_is(const struct quality *q, const struct quality_norms *qn,
    int scale, double from, int from_scale)
{
	double	 got_from;
	int	 got_scale, got_from_scale;

	quality_reading(q, qn, &got_scale, &got_from, &got_from_scale);
	assert_int_equal(got_scale, scale);
	assert_near(got_from, from);
	assert_int_equal(got_from_scale, from_scale);
}

static void
reading_follows_the_rating_norm(void **state)
{
	struct quality_norms qn = { NAN, NAN, 0, 0, 0, 0 };
	struct quality	 q = none();

	(void)state;
	rated(&q, 8, 10, 1);
	rated(&q, 9, 10, 1);
	rated(&q, 4, 5, 1);

	/* No norms, or no rating norm: the scale most came on, 4 of 5. */
	reading_is(&q, NULL, 10, 4, 5);
	qn.direct_target = 80;
	reading_is(&q, &qn, 10, 4, 5);

	/* rating_target = 4.2: the average on the norm's 1 to 5. */
	qn.rating_target = 4.2;
	qn.rating_scale = 5;
	reading_is(&q, &qn, 5, 4, 5);

	/* rating_target = 85% from 8/10: the scale most came on, positive
	 * from the norm's score. */
	qn.rating_target = 85;
	qn.rating_share = 1;
	qn.positive_from = 8;
	qn.positive_scale = 10;
	reading_is(&q, &qn, 10, 8, 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(each_input_counts_under_its_kind_and_score),
		cmocka_unit_test(a_resolved_value_other_than_zero_is_direct),
		cmocka_unit_test(adding_then_taking_away_a_part_gives_the_whole_back),
		cmocka_unit_test(direct_is_the_share_resolved_at_first_contact),
		cmocka_unit_test(average_on_one_scale_is_the_plain_mean),
		cmocka_unit_test(average_on_the_other_scale_is_taken_at_the_same_point),
		cmocka_unit_test(positive_is_the_share_at_or_above_the_score),
		cmocka_unit_test(positive_from_four_of_five_takes_eight_of_ten_not_seven),
		cmocka_unit_test(scale_is_the_one_most_ratings_were_given_on),
		cmocka_unit_test(figures_are_unknown_without_anything_counted),
		cmocka_unit_test(figure_is_what_the_norm_holds_to_its_target),
		cmocka_unit_test(reading_follows_the_rating_norm),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
