/*
 * quality.c: how well contacts were served, beside how fast. A finished
 * contact was resolved at first contact or not ("80% van alle vragen
 * direct beantwoord"), and a resident may rate it, 1 to 5 or 0 to 10.
 * Kept as counts by score, so a day, a quarter or a year adds up exactly
 * and any figure (average, share positive) is made from them when asked.
 */
#include <math.h>

#include "wachtd.h"

void
quality_count(struct quality *q, enum metric m, const struct payload *in)
{
	if (m == METRIC_RESOLVED) {
		if (in->value != 0)
			q->direct++;
		else
			q->indirect++;
	} else if (m == METRIC_RATING) {
		/* payload.c let only whole scores on their scale through. */
		if (in->scale == 10)
			q->score10[(int)in->value]++;
		else
			q->score5[(int)in->value - 1]++;
	}
}

void
quality_add(struct quality *q, const struct quality *o)
{
	int	 i;

	q->direct += o->direct;
	q->indirect += o->indirect;
	for (i = 0; i < QUALITY_SCORES5; i++)
		q->score5[i] += o->score5[i];
	for (i = 0; i < QUALITY_SCORES10; i++)
		q->score10[i] += o->score10[i];
}

/* o is a part of q. */
void
quality_sub(struct quality *q, const struct quality *o)
{
	int	 i;

	q->direct -= o->direct;
	q->indirect -= o->indirect;
	for (i = 0; i < QUALITY_SCORES5; i++)
		q->score5[i] -= o->score5[i];
	for (i = 0; i < QUALITY_SCORES10; i++)
		q->score10[i] -= o->score10[i];
}

uint32_t
quality_resolved(const struct quality *q)
{
	return q->direct + q->indirect;
}

/* Ratings on each scale. */
static uint32_t
rated(const struct quality *q, int scale)
{
	uint32_t n = 0;
	int	 i;

	if (scale == 5)
		for (i = 0; i < QUALITY_SCORES5; i++)
			n += q->score5[i];
	else
		for (i = 0; i < QUALITY_SCORES10; i++)
			n += q->score10[i];
	return n;
}

uint32_t
quality_ratings(const struct quality *q)
{
	return rated(q, 5) + rated(q, 10);
}

double
quality_direct(const struct quality *q)
{
	uint32_t n = quality_resolved(q);

	return n > 0 ? 100.0 * q->direct / n : NAN;
}

int
quality_scale(const struct quality *q)
{
	return rated(q, 10) > rated(q, 5) ? 10 : 5;
}

void
quality_reading(const struct quality *k, const struct quality_norms *q,
    int *scale, double *from, int *from_scale)
{
	*scale = quality_scale(k);
	*from = 4;
	*from_scale = 5;
	if (q == NULL || isnan(q->rating_target))
		return;
	if (!q->rating_share)
		*scale = q->rating_scale;
	else {
		*from = q->positive_from;
		*from_scale = q->positive_scale;
	}
}

/* Where a score lies in its scale's range, 0 to 1: 1 of 5 and 0 of 10
 * are the bottom, 3 of 5 and 5 of 10 the middle. */
static double
point(double score, int scale)
{
	return scale == 10 ? score / 10 : (score - 1) / 4;
}

/* The score at point x of scale. */
static double
score_at(double x, int scale)
{
	return scale == 10 ? 10 * x : 1 + 4 * x;
}

double
quality_rescale(double score, int from, int to)
{
	return score_at(point(score, from), to);
}

double
quality_average(const struct quality *q, int scale)
{
	double	 sum = 0;
	uint32_t n = quality_ratings(q);
	int	 i;

	if (n == 0)
		return NAN;
	for (i = 0; i < QUALITY_SCORES5; i++)
		sum += q->score5[i] * point(i + 1, 5);
	for (i = 0; i < QUALITY_SCORES10; i++)
		sum += q->score10[i] * point(i, 10);
	return score_at(sum / n, scale);
}

double
quality_positive(const struct quality *q, double from, int scale)
{
	double	 x = point(from, scale) - 1e-9;	/* 4 of 5 is 7.5 of 10 */
	uint32_t n = quality_ratings(q), yes = 0;
	int	 i;

	if (n == 0)
		return NAN;
	for (i = 0; i < QUALITY_SCORES5; i++)
		if (point(i + 1, 5) >= x)
			yes += q->score5[i];
	for (i = 0; i < QUALITY_SCORES10; i++)
		if (point(i, 10) >= x)
			yes += q->score10[i];
	return 100.0 * yes / n;
}

double
quality_figure(const struct quality *q, const struct norm_conf *n,
    uint32_t *count)
{
	if (n->kind == NORM_DIRECT_TARGET) {
		*count = quality_resolved(q);
		return quality_direct(q);
	}
	*count = quality_ratings(q);
	return n->rating_share ? quality_positive(q, n->positive_from,
	    n->positive_scale) : quality_average(q, n->rating_scale);
}

/* Counts by score, an array from the scale's lowest score up. */
static json_t *
scores(const uint32_t *n, int len)
{
	json_t	*a = json_array();
	int	 i;

	for (i = 0; i < len; i++)
		json_array_append_new(a, json_integer(n[i]));
	return a;
}

json_t *
quality_scores_json(const struct quality *q)
{
	json_t	*o = json_object();

	if (rated(q, 5) > 0)
		json_object_set_new(o, "5", scores(q->score5, QUALITY_SCORES5));
	if (rated(q, 10) > 0)
		json_object_set_new(o, "10", scores(q->score10,
		    QUALITY_SCORES10));
	return o;
}
