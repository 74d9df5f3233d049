/*
 * alert.c: each norm kind of DESIGN §7 judged against a queue's view, and
 * the state machine an alert runs on those judgements. The judgement says
 * in a sentence why, in the words a team leader uses: "Verwachte
 * wachttijd 45 s, norm 30 s: 3 wachtenden, 2 medewerkers beschikbaar".
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "parse.h"
#include "report_fmt.h"
#include "wachtd.h"

enum phrase {
	P_SL, P_SL_PREDICTED, P_LONGEST, P_EWT, P_OLDEST, P_BACKLOG,
	P_NO_BACKLOG, P_NO_DATA, P_WORKDAYS, P_WORKDAY, P_WAITING,
	P_WAITING_1, P_AGENTS, P_AGENTS_1, P_OPEN, P_FEED_STALE, P_FEED_NEVER,
	P_FEED_OK, P_QUALITY, P_QUALITY_TREND, P_TOO_FEW_RESOLVED,
	P_TOO_FEW_RATINGS, P_IN_LAST, P_SINCE, P_DIRECT,
	P_AVERAGE, P_POSITIVE, P_OF, P_RATINGS, P_RATINGS_1,
	NPHRASES
};

/* Dutch, then English; each pair takes the same arguments in order. */
static const char *const phrases[2][NPHRASES] = { {
	[P_SL] = "%s binnen %s beantwoord in de laatste %s, norm %s",
	[P_SL_PREDICTED] = "Verwachte servicenorm %s binnen %s, norm %s; "
	    "verwachte wachttijd %s",
	[P_LONGEST] = "Langste wachttijd nu %s, norm %s",
	[P_EWT] = "Verwachte wachttijd %s, norm %s",
	[P_OLDEST] = "Oudste bericht wacht %s werktijd, norm %s",
	[P_BACKLOG] = "Achterstand wegwerken kost %s werktijd, de oudste "
	    "moet binnen %s",
	[P_NO_BACKLOG] = "Geen achterstand",
	[P_NO_DATA] = "Nog geen gegevens",
	[P_WORKDAYS] = "%d werkdagen",
	[P_WORKDAY] = "%d werkdag",
	[P_WAITING] = "%.0f wachtenden",
	[P_WAITING_1] = "%.0f wachtende",
	[P_AGENTS] = "%.0f medewerkers beschikbaar",
	[P_AGENTS_1] = "%.0f medewerker beschikbaar",
	[P_OPEN] = "%.0f open",
	[P_FEED_STALE] = "Geen gegevens meer sinds %s (verwacht elke %s)",
	[P_FEED_NEVER] = "Nog geen gegevens ontvangen (verwacht elke %s)",
	[P_FEED_OK] = "Gegevens komen binnen",
	[P_QUALITY] = "%s %s (%s), norm %s",
	[P_IN_LAST] = "in de laatste %s",
	[P_SINCE] = "sinds %s",
	[P_QUALITY_TREND] = "Op deze koers %s in de laatste %s, norm %s; de "
	    "laatste %s: %s",
	[P_TOO_FEW_RESOLVED] = "Te weinig gegevens: %u afgehandelde "
	    "contacten %s, minimaal %d",
	[P_TOO_FEW_RATINGS] = "Te weinig gegevens: %u beoordelingen %s, "
	    "minimaal %d",
	[P_DIRECT] = "%s direct beantwoord",
	[P_AVERAGE] = "gemiddeld %s van %d",
	[P_POSITIVE] = "%s positief (%s of hoger)",
	[P_OF] = "%u van %u",
	[P_RATINGS] = "%u beoordelingen",
	[P_RATINGS_1] = "%u beoordeling",
}, {
	[P_SL] = "%s answered within %s in the last %s, target %s",
	[P_SL_PREDICTED] = "Predicted service level %s within %s, target %s; "
	    "expected wait %s",
	[P_LONGEST] = "Longest wait now %s, norm %s",
	[P_EWT] = "Expected wait %s, norm %s",
	[P_OLDEST] = "Oldest item has waited %s of working time, norm %s",
	[P_BACKLOG] = "Clearing the backlog takes %s of working time, the "
	    "oldest is due within %s",
	[P_NO_BACKLOG] = "No backlog",
	[P_NO_DATA] = "No data yet",
	[P_WORKDAYS] = "%d working days",
	[P_WORKDAY] = "%d working day",
	[P_WAITING] = "%.0f waiting",
	[P_WAITING_1] = "%.0f waiting",
	[P_AGENTS] = "%.0f agents available",
	[P_AGENTS_1] = "%.0f agent available",
	[P_OPEN] = "%.0f open",
	[P_FEED_STALE] = "No data since %s (expected every %s)",
	[P_FEED_NEVER] = "No data received yet (expected every %s)",
	[P_FEED_OK] = "Data arriving",
	[P_QUALITY] = "%s %s (%s), target %s",
	[P_IN_LAST] = "in the last %s",
	[P_SINCE] = "since %s",
	[P_QUALITY_TREND] = "At this rate %s in the last %s, target %s; the "
	    "last %s: %s",
	[P_TOO_FEW_RESOLVED] = "Too little data: %u finished contacts %s, "
	    "at least %d",
	[P_TOO_FEW_RATINGS] = "Too little data: %u ratings %s, at least %d",
	[P_DIRECT] = "%s resolved at first contact",
	[P_AVERAGE] = "average %s of %d",
	[P_POSITIVE] = "%s positive (%s or better)",
	[P_OF] = "%u of %u",
	[P_RATINGS] = "%u ratings",
	[P_RATINGS_1] = "%u rating",
} };

/* One look at a norm, with the bits of text its sentence needs. */
struct look {
	const struct queue_view *v;
	int		 english;
	int		 words;		/* 0: the level only, no sentence */
	int		 holding[ALERT_LEVELS];	/* the alert is at this or worse */
	double		 top;		/* the best figure short_of can ask */
	double		 now;
	struct judgement *out;
};

/* Phrase p in the look's language, into buf. */
static void
say(const struct look *l, char *buf, size_t len, enum phrase p, ...)
{
	va_list	 ap;

	if (!l->words) {
		buf[0] = '\0';
		return;
	}
	va_start(ap, p);
	vsnprintf(buf, len, phrases[l->english][p], ap);
	va_end(ap);
}

static void
verdict(struct look *l, enum alert_state level, double value,
    double threshold, enum phrase p, ...)
{
	va_list	 ap;

	l->out->level = level;
	l->out->value = value;
	l->out->threshold = threshold;
	l->out->reason[0] = '\0';
	if (!l->words)
		return;
	va_start(ap, p);
	vsnprintf(l->out->reason, sizeof(l->out->reason),
	    phrases[l->english][p], ap);
	va_end(ap);
}

/* Adds ": " or ", " and a count to the reason. */
static void
add_count(struct look *l, enum phrase p, double n)
{
	char	*r = l->out->reason;
	size_t	 len = strlen(r);
	char	 part[64];

	say(l, part, sizeof(part), p, n);
	snprintf(r + len, sizeof(l->out->reason) - len, "%s%s",
	    strchr(r, ':') == NULL ? ": " : ", ", part);
}

/* ": 3 wachtenden, 2 medewerkers beschikbaar", or what of it is known. */
static void
add_context(struct look *l)
{
	const struct queue_view *v = l->v;

	if (l->out->level == ALERT_UNKNOWN || !l->words)
		return;
	if (!isnan(v->waiting))
		add_count(l, v->waiting == 1 ? P_WAITING_1 : P_WAITING,
		    v->waiting);
	if (!isnan(v->agents))
		add_count(l, v->agents == 1 ? P_AGENTS_1 : P_AGENTS,
		    v->agents);
	if (!isnan(v->backlog) && v->backlog > 0 && isnan(v->waiting))
		add_count(l, P_OPEN, v->backlog);
}

/* "72%", "72,5%" or "72.5%". */
static const char *
pct(const struct look *l, double x, char *buf, size_t len)
{
	char	*dot;

	if (!l->words)
		return "";
	if (x == floor(x))
		snprintf(buf, len, "%.0f%%", x);
	else if (!l->english)
		return report_fmt_percent(x, buf, len);
	else {
		snprintf(buf, len, "%.1f%%", x);
		if ((dot = strchr(buf, ',')) != NULL)	/* a locale's */
			*dot = '.';
	}
	return buf;
}

static const char *
span(const struct look *l, double secs, char *buf, size_t len)
{
	if (!l->words)
		return "";
	return report_fmt_span(secs, 1, l->english, buf, len);
}

/*
 * value reaches limit (above it with `strict`). While the alert holds
 * `level` or worse, the limit is eased by the hysteresis, so a figure
 * hovering at the limit does not make the alert flap.
 */
static int
reaches(const struct look *l, enum alert_state level, double value,
    double limit, int strict)
{
	if (l->holding[level])
		limit *= 1 - ALERT_HYSTERESIS;
	return strict ? value > limit : value >= limit;
}

/*
 * value falls short of limit; the hysteresis asks a margin to leave, but
 * never more than half the way to the best figure there is (l->top): a
 * 96% target clears at 98%, not at an unreachable 100.8%.
 */
static int
short_of(const struct look *l, enum alert_state level, double value,
    double limit)
{
	if (l->holding[level])
		limit = fmin(limit * (1 + ALERT_HYSTERESIS),
		    (limit + l->top) / 2);
	return value < limit;
}

/* "72% binnen 30 s beantwoord in de laatste 15 min, norm 80%" */
static void
say_sl(struct look *l, enum alert_state level, const struct norm_conf *n)
{
	char	 a[32], b[32], c[32], d[32];

	verdict(l, level, l->v->sl, n->target, P_SL,
	    pct(l, l->v->sl, a, sizeof(a)), span(l, n->answer_within, b,
	    sizeof(b)), span(l, n->window, c, sizeof(c)),
	    pct(l, n->target, d, sizeof(d)));
}

/* "Langste wachttijd nu 11 min 40 s, norm 10 min", held against
 * threshold. */
static void
say_longest(struct look *l, enum alert_state level, double threshold,
    double limit)
{
	char	 a[32], b[32];

	verdict(l, level, l->v->longest_wait, threshold, P_LONGEST,
	    span(l, l->v->longest_wait, a, sizeof(a)),
	    span(l, limit, b, sizeof(b)));
}

/* "Verwachte wachttijd 12 min, norm 10 min" */
static void
say_ewt(struct look *l, enum alert_state level, double limit)
{
	char	 a[32], b[32];

	verdict(l, level, l->v->ewt, limit, P_EWT,
	    span(l, l->v->ewt, a, sizeof(a)), span(l, limit, b, sizeof(b)));
}

/* answer_within + target: the rolling service level, and what it is
 * heading for. */
static void
judge_answer_within(struct look *l, const struct norm_conf *n)
{
	const struct queue_view *v = l->v;
	double	 warn = n->warn_at / 100 * n->answer_within;
	char	 a[32], b[32], c[32], d[32];

	if (!isnan(v->sl) && short_of(l, ALERT_CRITICAL, v->sl, n->target))
		say_sl(l, ALERT_CRITICAL, n);
	else if (!isnan(v->pred.sl) &&
	    short_of(l, ALERT_WARNING, v->pred.sl, n->target))
		verdict(l, ALERT_WARNING, v->pred.sl, n->target,
		    P_SL_PREDICTED, pct(l, v->pred.sl, a, sizeof(a)),
		    span(l, n->answer_within, b, sizeof(b)),
		    pct(l, n->target, c, sizeof(c)),
		    span(l, v->ewt, d, sizeof(d)));
	else if (!isnan(v->longest_wait) &&
	    reaches(l, ALERT_WARNING, v->longest_wait, warn, 0))
		say_longest(l, ALERT_WARNING, warn, n->answer_within);
	else if (!isnan(v->sl))
		say_sl(l, ALERT_OK, n);
	else if (!isnan(v->longest_wait))
		say_longest(l, ALERT_OK, warn, n->answer_within);
	else
		verdict(l, ALERT_UNKNOWN, NAN, n->target, P_NO_DATA);
}

/* max_wait: the longest current wait, and the wait a newcomer faces. */
static void
judge_max_wait(struct look *l, const struct norm_conf *n)
{
	const struct queue_view *v = l->v;
	double	 limit = n->max_wait, warn = n->warn_at / 100 * limit;

	if (!isnan(v->longest_wait) &&
	    reaches(l, ALERT_CRITICAL, v->longest_wait, limit, 1))
		say_longest(l, ALERT_CRITICAL, limit, limit);
	else if (!isnan(v->longest_wait) &&
	    reaches(l, ALERT_WARNING, v->longest_wait, warn, 0))
		say_longest(l, ALERT_WARNING, warn, limit);
	else if (v->pred.overloaded || (!isnan(v->ewt) &&
	    reaches(l, ALERT_WARNING, v->ewt, limit, 1)))
		say_ewt(l, ALERT_WARNING, limit);
	else if (!isnan(v->longest_wait))
		say_longest(l, ALERT_OK, limit, limit);
	else if (!isnan(v->ewt))
		say_ewt(l, ALERT_OK, limit);
	else
		verdict(l, ALERT_UNKNOWN, NAN, limit, P_NO_DATA);
}

/* "4,25", "4,2" or "4": a score as written, to two decimals. */
static const char *
score(const struct look *l, double x, char *buf, size_t len)
{
	return l->words ? report_fmt_decimal(x, 2, 1, l->english, buf, len) :
	    "";
}

/* A figure as the sentence shows it, one decimal: never rounded up to
 * its target when it falls short ("79,9%" of 79.99, not "80%"). */
static double
shown(double x, double target)
{
	double	 r = round(x * 10) / 10;

	return x < target && r >= target ? floor(x * 10) / 10 : r;
}

/* " van 10" after a score on the scale of 0 to 10. */
static void
of_ten(const struct look *l, char *buf, size_t len)
{
	size_t	 n = strlen(buf);

	snprintf(buf + n, len - n, "%s", l->english ? " of 10" : " van 10");
}

/* What a quality norm holds against its target, in words: "76% direct
 * beantwoord", "gemiddeld 3,8 van 5", "71% positief (4 of hoger)". */
static const char *
say_figure(const struct look *l, const struct norm_conf *n, double x,
    char *buf, size_t len)
{
	char	 a[32], b[32];

	x = shown(x, n->kind == NORM_DIRECT_TARGET ? n->direct_target :
	    n->rating_target);
	if (n->kind == NORM_DIRECT_TARGET)
		say(l, buf, len, P_DIRECT, pct(l, x, a, sizeof(a)));
	else if (!n->rating_share)
		say(l, buf, len, P_AVERAGE, score(l, x, a, sizeof(a)),
		    n->rating_scale);
	else {
		score(l, n->positive_from, b, sizeof(b));
		if (n->positive_scale == 10 && l->words)	/* "8 van 10" */
			of_ten(l, b, sizeof(b));
		say(l, buf, len, P_POSITIVE, pct(l, x, a, sizeof(a)), b);
	}
	return buf;
}

/* Its target: "80%", or a score "4" ("7,5 van 10" says the figure). */
static const char *
say_target(const struct look *l, const struct norm_conf *n, char *buf,
    size_t len)
{
	if (n->kind == NORM_RATING_TARGET && !n->rating_share)
		return score(l, n->rating_target, buf, len);
	return pct(l, n->kind == NORM_DIRECT_TARGET ? n->direct_target :
	    n->rating_target, buf, len);
}

/* The time the quality counts cover: "in de laatste 24 u", or since a
 * start or a reload within it, "sinds 08:30" ("sinds 28-11 08:30"). */
static const char *
covered(const struct look *l, char *buf, size_t len)
{
	const struct queue_view *v = l->v;
	struct tm	 tm, today;
	time_t		 t = (time_t)v->quality_since, n = (time_t)l->now;
	char		 a[32], at[32];

	if (!l->words)
		return "";
	if (v->quality_since <= 0) {
		say(l, buf, len, P_IN_LAST, span(l, v->quality_window, a,
		    sizeof(a)));
		return buf;
	}
	localtime_r(&t, &tm);
	localtime_r(&n, &today);
	strftime(at, sizeof(at), tm.tm_yday == today.tm_yday &&
	    tm.tm_year == today.tm_year ? "%H:%M" : "%d-%m %H:%M", &tm);
	say(l, buf, len, P_SINCE, at);
	return buf;
}

/* "76% direct beantwoord in de laatste 24 u (152 van 200), norm 80%" */
static void
say_quality(struct look *l, enum alert_state level, const struct norm_conf *n,
    double x, double target)
{
	const struct quality *k = &l->v->quality;
	char	 a[64], b[48], c[32], d[32];

	if (n->kind == NORM_DIRECT_TARGET)
		say(l, c, sizeof(c), P_OF, k->direct, quality_resolved(k));
	else
		say(l, c, sizeof(c), quality_ratings(k) == 1 ? P_RATINGS_1 :
		    P_RATINGS, quality_ratings(k));
	verdict(l, level, x, target, P_QUALITY, say_figure(l, n, x, a,
	    sizeof(a)), covered(l, b, sizeof(b)), c,
	    say_target(l, n, d, sizeof(d)));
	/* "Gemiddeld 3,8 van 5 ...": the figure begins the sentence. */
	l->out->reason[0] = (char)toupper((unsigned char)l->out->reason[0]);
}

/*
 * direct_target and rating_target: the figure over the quality window,
 * and where the recent trend takes it. The window a quarter from now
 * has lost its first quarter and, if the last quarter repeats, gained
 * that: at risk when that falls short of the target.
 */
static void
judge_quality(struct look *l, const struct norm_conf *n)
{
	const struct queue_view *v = l->v;
	struct quality	 ahead = v->quality;
	uint32_t	 count, ahead_count, recent_count;
	double		 target, x, trend, recent;
	char		 a[64], b[32], c[32], d[32], e[64];

	target = n->kind == NORM_DIRECT_TARGET ? n->direct_target :
	    n->rating_target;
	l->top = n->kind == NORM_RATING_TARGET && !n->rating_share ?
	    n->rating_scale : 100;
	x = quality_figure(&v->quality, n, &count);
	quality_sub(&ahead, &v->quality_leaving);
	quality_add(&ahead, &v->quality_recent);
	trend = quality_figure(&ahead, n, &ahead_count);
	recent = quality_figure(&v->quality_recent, n, &recent_count);
	if (count < (uint32_t)n->min_count)
		verdict(l, ALERT_UNKNOWN, x, target, n->kind ==
		    NORM_DIRECT_TARGET ? P_TOO_FEW_RESOLVED : P_TOO_FEW_RATINGS,
		    count, covered(l, a, sizeof(a)), n->min_count);
	else if (short_of(l, ALERT_CRITICAL, x, target))
		say_quality(l, ALERT_CRITICAL, n, x, target);
	else if (ahead_count >= (uint32_t)n->min_count && recent_count > 0 &&
	    short_of(l, ALERT_WARNING, trend, target))
		verdict(l, ALERT_WARNING, trend, target, P_QUALITY_TREND,
		    say_figure(l, n, trend, a, sizeof(a)),
		    span(l, v->quality_window, b, sizeof(b)),
		    say_target(l, n, c, sizeof(c)),
		    span(l, v->quality_recent_span, d, sizeof(d)),
		    say_figure(l, n, recent, e, sizeof(e)));
	else
		say_quality(l, ALERT_OK, n, x, target);
}

/*
 * respond_within, in the working time of the queue's hours: the oldest
 * open item against its budget, and the backlog against the time left.
 */
static void
judge_respond_within(struct look *l, const struct norm_conf *n,
    const struct hours_conf *h, double now)
{
	const struct queue_view *v = l->v;
	double	 arrival, used = NAN, budget = n->respond_within, left;
	char	 a[32], b[32];

	if (!isnan(v->oldest_age) && !(v->backlog == 0)) {
		/* A probe's seconds in milliseconds must not cost a search
		 * through thirty years of calendar on every look. */
		arrival = now - fmin(v->oldest_age,
		    CALENDAR_SEARCH_DAYS * 86400.0);
		used = calendar_open_seconds(h, arrival, now);
		if (n->respond_workdays > 0) {
			budget = calendar_open_seconds(h, arrival,
			    calendar_add_workdays(h, arrival,
			    n->respond_workdays));
			say(l, b, sizeof(b), n->respond_workdays == 1 ?
			    P_WORKDAY : P_WORKDAYS, n->respond_workdays);
		} else
			span(l, budget, b, sizeof(b));
	}
	left = fmax(budget - used, 0);
	if (!isnan(used) && reaches(l, ALERT_CRITICAL, used, budget, 1))
		verdict(l, ALERT_CRITICAL, used, budget, P_OLDEST,
		    span(l, used, a, sizeof(a)), b);
	else if (!isnan(used) && reaches(l, ALERT_WARNING, used,
	    n->warn_at / 100 * budget, 0))
		verdict(l, ALERT_WARNING, used, n->warn_at / 100 * budget,
		    P_OLDEST, span(l, used, a, sizeof(a)), b);
	else if (!isnan(used) && !isnan(v->pred.clear) &&
	    reaches(l, ALERT_WARNING, v->pred.clear, left, 1))
		verdict(l, ALERT_WARNING, v->pred.clear, left, P_BACKLOG,
		    span(l, v->pred.clear, a, sizeof(a)),
		    span(l, left, b, sizeof(b)));
	else if (!isnan(used))
		verdict(l, ALERT_OK, used, budget, P_OLDEST,
		    span(l, used, a, sizeof(a)), b);
	else if (v->backlog == 0)
		verdict(l, ALERT_OK, 0, budget, P_NO_BACKLOG);
	else
		verdict(l, ALERT_UNKNOWN, NAN, budget, P_NO_DATA);
}

void
alert_judge(const struct norm_conf *n, const struct hours_conf *hours,
    const struct queue_view *v, double now, enum alert_state current,
    int english, int words, struct judgement *out)
{
	struct look	 l = { .v = v, .english = english != 0, .words = words,
			    .top = 100, .now = now, .out = out };
	int		 level;

	for (level = ALERT_OK; level < ALERT_LEVELS; level++)
		l.holding[level] = (int)current >= level &&
		    current < ALERT_LEVELS;
	switch (n->kind) {
	case NORM_ANSWER_WITHIN:
		judge_answer_within(&l, n);
		break;
	case NORM_MAX_WAIT:
		judge_max_wait(&l, n);
		break;
	case NORM_RESPOND_WITHIN:
		judge_respond_within(&l, n, hours, now);
		break;
	case NORM_DIRECT_TARGET:
	case NORM_RATING_TARGET:
		judge_quality(&l, n);
		return;		/* waiting and staff say nothing of it */
	case NORM_NONE:
		verdict(&l, ALERT_UNKNOWN, NAN, NAN, P_NO_DATA);
		break;
	}
	add_context(&l);
}

void
alert_judge_feed(const struct queue_view *v, double updated,
    double interval, int english, int words, struct judgement *out)
{
	struct look	 l = { .v = v, .english = english != 0, .words = words,
			    .out = out };
	struct tm	 tm;
	time_t		 t = (time_t)updated;
	char		 at[16], every[32];

	span(&l, interval, every, sizeof(every));
	if (v->stale && updated == 0)
		verdict(&l, ALERT_STALE, NAN, interval, P_FEED_NEVER, every);
	else if (v->stale) {
		localtime_r(&t, &tm);
		strftime(at, sizeof(at), "%H:%M", &tm);
		verdict(&l, ALERT_STALE, updated, interval, P_FEED_STALE, at,
		    every);
	} else if (updated == 0)
		verdict(&l, ALERT_UNKNOWN, NAN, interval, P_NO_DATA);
	else
		verdict(&l, ALERT_OK, updated, interval, P_FEED_OK);
}

/* ------------------------------------------------------------------ */

static void
forget_runs(struct alert *a)
{
	int	 i;

	for (i = 0; i < ALERT_LEVELS; i++)
		a->at_least[i] = a->at_most[i] = NAN;
}

void
alert_init(struct alert *a, double now)
{
	memset(a, 0, sizeof(*a));
	a->state = a->previous = ALERT_UNKNOWN;
	a->since = now;
	forget_runs(a);
}

void
alert_free(struct alert *a)
{
	free(a->ack.by);
	free(a->ack.comment);
	memset(&a->ack, 0, sizeof(a->ack));
}

void
alert_copy(struct alert *dst, const struct alert *src)
{
	char	*by, *comment;

	if (dst == src)
		return;
	/* Copied first: by may be an ack dst is about to let go of. A
	 * plain `=` copy must never come here, nor to alert_free: its
	 * texts are the original's. */
	by = src->ack.by != NULL ? xstrdup(src->ack.by) : NULL;
	comment = src->ack.comment != NULL ? xstrdup(src->ack.comment) : NULL;
	alert_free(dst);
	*dst = *src;
	dst->ack.by = by;
	dst->ack.comment = comment;
}

int
alert_active(enum alert_state s)
{
	return s == ALERT_WARNING || s == ALERT_CRITICAL || s == ALERT_STALE;
}

int
alert_ack(struct alert *a, const char *by, const char *comment,
    double expires, double now, const char **why)
{
	const char	*bad;
	char		*nby, *ncomment;

	if (!alert_active(a->state)) {
		*why = "nothing to acknowledge: the alert is not warning, "
		    "critical or stale";
		return -1;
	}
	if (parse_text(by, ALERT_TEXT, &bad) == -1) {
		*why = "by (who) is required: up to 200 characters, one line";
		return -1;
	}
	if (comment != NULL && comment[0] != '\0' &&
	    parse_text(comment, ALERT_TEXT, &bad) == -1) {
		*why = "comment: up to 200 characters, one line";
		return -1;
	}
	if (expires != 0 && !(expires > now)) {
		*why = "expires lies in the past";
		return -1;
	}
	/* Copied before the old ack goes: by may be its own text. */
	nby = xstrdup(by);
	ncomment = xstrdup(comment != NULL ? comment : "");
	alert_free(a);
	a->ack.at = now;
	a->ack.expires = expires;
	a->ack.state = a->state;
	a->ack.by = nby;
	a->ack.comment = ncomment;
	return 0;
}

/* Whether s is a worse trouble than the acknowledged one. */
static int
worse(enum alert_state s, enum alert_state acked)
{
	return s != acked && (s == ALERT_STALE || acked == ALERT_STALE ||
	    s > acked);
}

/* An ack holds for the state it was given for and better ones, until it
 * expires: a worse state, or the end of the trouble, ends it. */
static int
ack_ends(struct alert *a, double now)
{
	if (a->ack.at == 0 || (alert_active(a->state) &&
	    !worse(a->state, a->ack.state) &&
	    (a->ack.expires == 0 || now < a->ack.expires)))
		return 0;
	alert_free(a);
	return 1;
}

static int
enter(struct alert *a, enum alert_state s, double now)
{
	if (s == a->state)
		return 0;
	a->previous = a->state;
	a->state = s;
	a->since = now;
	ack_ends(a, now);
	return 1;
}

/* The run of judgements with `holds` true started at *since, or now. */
static void
run(double *since, int holds, double now)
{
	if (!holds)
		*since = NAN;
	else if (isnan(*since))
		*since = now;
}

int
alert_update(struct alert *a, enum alert_state judged, double now,
    double hold, double clear_for)
{
	int	 changed = ack_ends(a, now), level;

	if (judged == ALERT_CLOSED || judged == ALERT_STALE) {
		forget_runs(a);
		return enter(a, judged, now) | changed;
	}
	/* Stale until input is judged: nothing known still is stale. */
	if (a->state == ALERT_STALE && judged == ALERT_UNKNOWN)
		return changed;
	if (a->state >= ALERT_LEVELS)		/* open again, fed again */
		changed = enter(a, ALERT_UNKNOWN, now);
	if (judged == ALERT_UNKNOWN) {
		forget_runs(a);
		return changed;
	}
	for (level = ALERT_OK; level < ALERT_LEVELS; level++) {
		run(&a->at_least[level], (int)judged >= level, now);
		run(&a->at_most[level], (int)judged <= level, now);
	}
	/* Worse first; ok is no alarm, and needs no waiting for. */
	for (level = ALERT_CRITICAL; level > (int)a->state; level--)
		if (!isnan(a->at_least[level]) && now - a->at_least[level] >=
		    (level == ALERT_OK ? 0 : hold))
			return enter(a, (enum alert_state)level, now) | changed;
	for (level = ALERT_OK; level < (int)a->state; level++)
		if (!isnan(a->at_most[level]) &&
		    now - a->at_most[level] >= clear_for)
			return enter(a, (enum alert_state)level, now) | changed;
	return changed;
}

const char *
alert_state_word(enum alert_state s, int english)
{
	static const char *const words[2][ALERT_CLOSED + 1] = { {
		[ALERT_UNKNOWN] = "onbekend", [ALERT_OK] = "in orde",
		[ALERT_WARNING] = "waarschuwing", [ALERT_CRITICAL] = "kritiek",
		[ALERT_STALE] = "geen gegevens", [ALERT_CLOSED] = "gesloten",
	}, {
		[ALERT_UNKNOWN] = "unknown", [ALERT_OK] = "ok",
		[ALERT_WARNING] = "warning", [ALERT_CRITICAL] = "critical",
		[ALERT_STALE] = "no data", [ALERT_CLOSED] = "closed",
	} };

	return words[english != 0][s];
}

const char *
alert_state_name(enum alert_state s)
{
	static const char *const names[] = {
		[ALERT_UNKNOWN] = "unknown", [ALERT_OK] = "ok",
		[ALERT_WARNING] = "warning", [ALERT_CRITICAL] = "critical",
		[ALERT_STALE] = "stale", [ALERT_CLOSED] = "closed",
	};

	return names[s];
}
