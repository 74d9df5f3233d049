/*
 * step.c: one RRD step of one queue, aggregated in memory so that each
 * file gets one update per step with every data source at once.
 *
 * Counts are plain sums. Gauges are weighted by the time each value was
 * held, so a waiting line of 5 for the whole step averages 5 whether the
 * probe published once or fifty times; the maximum is the largest value
 * held or sampled. Pure: the caller says what time it is.
 */
#include <math.h>
#include <string.h>

#include "wachtd.h"

/* Also the empty step the journal keeps steps against (store.c): what
 * it sets is part of the journal's format. */
void
step_open(struct step *s, int64_t n, double len, const double *held)
{
	int	 g;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->start = (double)n * len;
	s->end = s->start + len;
	s->len = len;
	for (g = 0; g < STEP_GAUGES; g++)
		s->gauge_max[g] = held != NULL ? held[g] : NAN;
}

void
step_hold(struct step *s, int g, double v, double from, double to)
{
	from = fmax(from, s->start);
	to = fmin(to, s->end);
	if (isnan(v) || to <= from)
		return;
	s->gauge_sum[g] += v * (to - from);
	s->gauge_secs[g] += to - from;
	step_sample(s, g, v);
}

void
step_sample(struct step *s, int g, double v)
{
	if (!isnan(v) && (isnan(s->gauge_max[g]) || v > s->gauge_max[g]))
		s->gauge_max[g] = v;
}

double
step_gauge_avg(const struct step *s, int g)
{
	return s->gauge_secs[g] > 0 ? s->gauge_sum[g] / s->gauge_secs[g] : NAN;
}

void
step_arrived(struct step *s, uint32_t n, int open)
{
	s->arrived += n;
	if (open)
		s->open_arrived += n;
}

void
step_answered(struct step *s, double wait, int within, int open)
{
	s->answered++;
	s->answered_within += within != 0;
	s->wait_sum += wait;
	if (wait > s->wait_max)
		s->wait_max = wait;
	if (!open)
		return;
	s->open_answered++;
	s->open_within += within != 0;
	s->open_wait_sum += wait;
	if (wait > s->open_wait_max)
		s->open_wait_max = wait;
}

void
step_abandoned(struct step *s, double wait, int quick, int open)
{
	s->abandoned++;
	if (!open)
		return;
	s->open_abandoned++;
	s->open_short += quick != 0;
	if (wait > s->open_wait_max)
		s->open_wait_max = wait;
}
