/*
 * predict.c: the expected wait, the predicted service level and the time
 * to clear a backlog (predict.h says which method wins when).
 */
#include <math.h>

#include "predict.h"

double
erlang_c(double erlangs, int agents)
{
	double	 b = 1;		/* Erlang B with k agents, k = 0 */
	int	 k;

	if (agents <= 0 || erlangs >= agents)
		return 1;
	if (erlangs <= 0)
		return 0;
	/* Past the load, b falls faster than geometrically: once it is
	 * negligible so is C, and a probe's "agents 1000000000" costs no
	 * billion steps per message. */
	for (k = 1; k <= agents; k++)
		if ((b = erlangs * b / (k + erlangs * b)) < 1e-20 && k > erlangs)
			return 0;
	return agents * b / (agents - erlangs * (1 - b));
}

/* Erlang C with `ahead` contacts already waiting. */
static void
by_erlang_c(const struct predict_in *in, double ahead, struct prediction *p)
{
	double	 aht = in->handle_time, a = in->arrival_rate * aht, c;
	int	 n = (int)floor(in->agents);

	if (n == 0 && (a > 0 || ahead > 0)) {
		/* Nobody to answer: overloaded, and no wait this method can
		 * tell; the others may. */
		p->overloaded = 1;
		p->sl = in->within > 0 ? 0 : NAN;
		p->sl_by = in->within > 0 ? PREDICT_ERLANG_C : PREDICT_NONE;
		return;
	} else if (a >= n && (a > 0 || ahead > 0)) {
		/* The queue grows: the contacts ahead are all that is
		 * certain. */
		p->overloaded = 1;
		p->ewt = (ahead + 1) * aht / n;
		p->sl = 0;
	} else if (n > 0) {
		c = erlang_c(a, n);
		p->ewt = fmax(c * aht / (n - a), ahead * aht / n);
		p->sl = 100 * (1 - c * exp(-(n - a) * in->within / aht));
	} else
		return;		/* nobody staffed, nobody calling */
	p->ewt_by = PREDICT_ERLANG_C;
	if (in->within > 0)
		p->sl_by = PREDICT_ERLANG_C;
	else
		p->sl = NAN;
}

void
predict(const struct predict_in *in, struct prediction *p)
{
	double	 ahead = isnan(in->waiting) ? 0 : in->waiting;

	*p = (struct prediction){ .ewt = NAN, .sl = NAN, .clear = NAN };
	if (!isnan(in->agents) && in->handle_time > 0 &&
	    !isnan(in->arrival_rate))
		by_erlang_c(in, ahead, p);
	if (p->ewt_by == PREDICT_NONE) {
		if (!isnan(in->waiting) && (in->waiting == 0 ||
		    in->answer_rate > 0)) {
			p->ewt = in->waiting == 0 ? 0 :
			    in->waiting / in->answer_rate;
			p->ewt_by = PREDICT_POSITION;
		} else if (!isnan(in->holdtime)) {
			p->ewt = in->holdtime;
			p->ewt_by = PREDICT_HOLDTIME;
		}
	}
	if (!isnan(in->backlog) && (in->backlog == 0 || in->answer_rate > 0)) {
		p->clear = in->backlog == 0 ? 0 : in->backlog / in->answer_rate;
		p->clear_by = PREDICT_BACKLOG;
	}
}

const char *
predict_method_name(enum predict_method m)
{
	static const char *const names[] = {
		[PREDICT_NONE] = "none",
		[PREDICT_ERLANG_C] = "erlang_c",
		[PREDICT_POSITION] = "position",
		[PREDICT_HOLDTIME] = "holdtime",
		[PREDICT_BACKLOG] = "backlog",
	};

	return names[m];
}
