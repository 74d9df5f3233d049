/*
 * report.c: the norm report's arithmetic (report.h). Pure: rows in, sums
 * and shares out, no I/O and no clock.
 */
#include <math.h>
#include <string.h>

#include "report.h"
#include "wachtd.h"

/* The counts a report reads, by data source. */
enum counted {
	C_WATCHED,
	C_OPEN,
	C_ARRIVED,
	C_ANSWERED,
	C_WITHIN,
	C_ABANDONED,
	C_SHORT,
	C_WAIT_SUM,
	NCOUNTED
};

static const char *counted_names[NCOUNTED] = {
	"watched", "open", "open_arrived", "open_answered", "open_within",
	"open_abandoned", "open_short", "open_wait_sum"
};

static const char *quality_names[REPORT_QUALITY] = {
	"direct", "indirect", "rated5_1", "rated5_2", "rated5_3", "rated5_4",
	"rated5_5", "rated10_0", "rated10_1", "rated10_2", "rated10_3",
	"rated10_4", "rated10_5", "rated10_6", "rated10_7", "rated10_8",
	"rated10_9", "rated10_10"
};

void
report_tally_init(struct report_tally *t)
{
	memset(t, 0, sizeof(*t));
	t->wait_max = NAN;
}

/* The column of a data source, or -1. */
static int
column(size_t ds_cnt, char *const *names, const char *name)
{
	size_t	 i;

	for (i = 0; i < ds_cnt; i++)
		if (strcmp(names[i], name) == 0)
			return (int)i;
	return -1;
}

void
report_tally_rows(struct report_tally *t, const struct report_norm *n,
    double from, double to, double first_end, unsigned long step,
    size_t ds_cnt, char *const *names, const double *data, size_t rows,
    int max)
{
	int	 col[NCOUNTED], qcol[REPORT_QUALITY], wmax;
	size_t	 r, k;
	double	 mid, c[NCOUNTED];

	for (k = 0; k < NCOUNTED; k++)
		col[k] = column(ds_cnt, names, counted_names[k]);
	/* Files of before 0.3 have none: nothing counted, no figure. */
	for (k = 0; k < REPORT_QUALITY; k++)
		qcol[k] = column(ds_cnt, names, quality_names[k]);
	wmax = column(ds_cnt, names, "open_wait_max");
	for (r = 0; r < rows; r++) {
		const double *row = data + r * ds_cnt;

		/* A row counts in the period its middle lies in: rows of a
		 * day are UTC days, the period local ones. */
		mid = first_end + (double)r * (double)step - step / 2.0;
		if (mid < from || mid >= to)
			continue;
		if (max) {
			if (wmax >= 0 && !isnan(row[wmax]) &&
			    (isnan(t->wait_max) || row[wmax] > t->wait_max))
				t->wait_max = row[wmax];
			continue;
		}
		/* Unknown counts: before the file, or not yet written. */
		if (col[C_WATCHED] < 0 || isnan(row[col[C_WATCHED]]))
			continue;
		for (k = 0; k < NCOUNTED; k++)
			c[k] = col[k] >= 0 && !isnan(row[col[k]]) ?
			    row[col[k]] * (double)step : 0;
		t->watched += c[C_WATCHED];
		t->open += c[C_OPEN];
		t->contacts += c[C_ARRIVED];
		t->answered += c[C_ANSWERED];
		t->within += c[C_WITHIN];
		t->abandoned += c[C_ABANDONED];
		t->wait_sum += c[C_WAIT_SUM];
		for (k = 0; k < REPORT_QUALITY; k++)
			if (qcol[k] >= 0 && !isnan(row[qcol[k]]))
				t->quality[k] += row[qcol[k]] * (double)step;
		/* Without a norm nothing is "within": no share either. */
		if (n != NULL)
			t->denominator += c[C_ANSWERED] + (n->count_abandoned ?
			    c[C_ABANDONED] - c[C_SHORT] : 0);
	}
	if (!max && (t->resolution == 0 || step > t->resolution))
		t->resolution = step;
}

void
report_tally_add(struct report_tally *sum, const struct report_tally *t)
{
	size_t	 k;

	sum->expected += t->expected;
	sum->watched += t->watched;
	sum->open += t->open;
	sum->contacts += t->contacts;
	sum->answered += t->answered;
	sum->within += t->within;
	sum->abandoned += t->abandoned;
	sum->denominator += t->denominator;
	sum->wait_sum += t->wait_sum;
	for (k = 0; k < REPORT_QUALITY; k++)
		sum->quality[k] += t->quality[k];
	if (!isnan(t->wait_max) && (isnan(sum->wait_max) ||
	    t->wait_max > sum->wait_max))
		sum->wait_max = t->wait_max;
	if (t->resolution > sum->resolution)
		sum->resolution = t->resolution;
}

/* A number to a tenth, or null. */
static json_t *
tenth(double x)
{
	if (isnan(x) || isinf(x))
		return json_null();
	x = round(x * 10) / 10;
	if (x == floor(x))
		return json_integer((json_int_t)x);
	return json_real(x);
}

/* A count: RRD's rates times seconds come back within rounding. */
static json_t *
count(double x)
{
	return json_integer((json_int_t)llround(x));
}

json_t *
report_tally_json(const struct report_tally *t, const struct report_norm *n)
{
	double	 pct = NAN, answered = round(t->answered);
	double	 den = round(t->denominator);
	json_t	*met = json_null();

	if (den > 0)
		pct = 100.0 * round(t->within) / den;
	if (n != NULL && n->kind == NORM_MAX_WAIT && !isnan(t->wait_max))
		met = json_boolean(t->wait_max <= n->limit);
	else if (n != NULL && !isnan(pct))
		met = json_boolean(pct >= n->target - 1e-9);
	return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o,"
	    " s:o}",
	    "covered", t->expected > 0 ? tenth(fmin(100, 100.0 * t->watched /
	        t->expected)) : json_null(),
	    "open_hours", tenth(t->open / 3600),
	    "contacts", count(t->contacts),
	    "answered", count(t->answered),
	    "abandoned", count(t->abandoned),
	    "within", count(t->within),
	    "within_pct", tenth(pct),
	    "met", met,
	    "wait_avg", answered > 0 ? tenth(t->wait_sum / answered) :
	        json_null(),
	    "wait_max", tenth(t->wait_max),
	    "abandon_pct", answered + round(t->abandoned) > 0 ?
	        tenth(100.0 * round(t->abandoned) / (answered +
	        round(t->abandoned))) : json_null());
}

void
report_tally_quality(const struct report_tally *t, struct quality *k)
{
	int	 i;

	/* Rates x seconds come back within rounding: whole counts. */
	k->direct = (uint32_t)llround(t->quality[0]);
	k->indirect = (uint32_t)llround(t->quality[1]);
	for (i = 0; i < QUALITY_SCORES5; i++)
		k->score5[i] = (uint32_t)llround(t->quality[2 + i]);
	for (i = 0; i < QUALITY_SCORES10; i++)
		k->score10[i] = (uint32_t)llround(t->quality[2 + 5 + i]);
}

void
report_quality_json(json_t *o, const struct report_tally *t,
    const struct quality_norms *q)
{
	struct quality	 k;
	json_t		*resolved = json_null(), *ratings = json_null();
	double		 avg, pos, from;
	int		 scale, from_scale;

	report_tally_quality(t, &k);

	if (quality_resolved(&k) > 0) {
		resolved = json_pack("{s:I, s:I, s:o, s:o, s:o}",
		    "direct", (json_int_t)k.direct,
		    "indirect", (json_int_t)k.indirect,
		    "direct_pct", tenth(quality_direct(&k)),
		    "target", q != NULL ? tenth(q->direct_target) : json_null(),
		    "met", q != NULL && !isnan(q->direct_target) ?
		        json_boolean(quality_direct(&k) >=
		        q->direct_target - 1e-9) : json_null());
	}
	if (quality_ratings(&k) > 0) {
		quality_reading(&k, q, &scale, &from, &from_scale);
		avg = quality_average(&k, scale);
		pos = quality_positive(&k, from, from_scale);
		ratings = json_pack("{s:I, s:o, s:o, s:i, s:o, s:o, s:i}",
		    "count", (json_int_t)quality_ratings(&k),
		    "scores", quality_scores_json(&k),
		    "average", json_real(round(avg * 100) / 100),
		    "scale", scale,
		    "positive_pct", tenth(pos),
		    "positive_from", tenth(from),
		    "positive_scale", from_scale);
		if (q != NULL && !isnan(q->rating_target)) {
			json_object_set_new(ratings, "target",
			    tenth(q->rating_target));
			json_object_set_new(ratings, "target_kind",
			    json_string(q->rating_share ? "positive" :
			    "average"));
			json_object_set_new(ratings, "met", json_boolean(
			    (q->rating_share ? pos : avg) >=
			    q->rating_target - 1e-9));
		}
	}
	json_object_set_new(o, "resolved", resolved);
	json_object_set_new(o, "ratings", ratings);
}
