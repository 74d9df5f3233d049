/*
 * calendar.c: when a queue's staff are there, and how much of their time
 * lies between two instants (DESIGN §5 [hours], §7 respond_within;
 * LIBRARIES.md "Dutch calendar").
 *
 * Dates are counted as days since 1970-01-01 ("day numbers"), so that
 * Easter + 39 and "the next day" are plain additions; only the step from a
 * local date and clock time to an instant asks the time zone (the
 * process's TZ, see calendar.h).
 *
 * A clock time W on a date means the first instant at which the clock
 * shows W or later. In the hour the clocks skip in spring that is the
 * moment of the change; in the hour they repeat in autumn it is the first
 * pass. So a range 01:00-04:00 holds 2 h on the last Sunday of March and
 * 4 h on the last Sunday of October, and the instants of a day's ranges
 * never run backwards. mktime(tm_isdst = -1) is not used for this: glibc
 * reads a skipped 02:30 as 03:30 and a repeated 02:30 as its second pass,
 * which can turn a range such as 02:30-03:15 inside out.
 */
#include <math.h>
#include <time.h>

#include "wachtd.h"
#include "calendar.h"

#define HOLIDAY_BIT(x)	(1u << HOLIDAY_##x)
/* Seconds (about 31,000 years): instants further out are bugs, and
 * localtime_r cannot convert them all. */
#define TIME_LIMIT	1e12

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): exact for any year and free of time zones. */
long
calendar_days_from_civil(long y, long m, long d)
{
	long	 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The inverse of calendar_days_from_civil, as YYYYMMDD. */
static int
civil_from_days(long z)
{
	long	 era, doe, yoe, doy, mp, y, m, d;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	return (int)(y * 10000 + m * 100 + d);
}

/* tm_wday (0 is Sunday) of a day number; 1970-01-01 was a Thursday. */
static int
weekday(long day)
{
	return (int)(((day + 4) % 7 + 7) % 7);
}

/* The day number of YYYYMMDD; -1 when it names no date (20260230). */
static int
ymd_day(int ymd, long *day)
{
	*day = calendar_days_from_civil(ymd / 10000, ymd / 100 % 100,
	    ymd % 100);
	return ymd > 0 && civil_from_days(*day) == ymd ? 0 : -1;
}

/* Day number of Easter Sunday by the anonymous Gregorian algorithm
 * (Meeus/Jones/Butcher). */
static long
easter(int y)
{
	int	 a, b, c, d, e, f, g, h, i, k, l, m, n;

	a = y % 19;
	b = y / 100;
	c = y % 100;
	d = b / 4;
	e = b % 4;
	f = (b + 8) / 25;
	g = (b - f + 1) / 3;
	h = (19 * a + b - d - g + 15) % 30;
	i = c / 4;
	k = c % 4;
	l = (32 + 2 * e + 2 * i - h - k) % 7;
	m = (a + 11 * h + 22 * l) / 451;
	n = h + l - 7 * m + 114;
	return calendar_days_from_civil(y, n / 31, n % 31 + 1);
}

/* Every holiday on a date as bits: two can coincide (Bevrijdingsdag and
 * Hemelvaartsdag in 2016), and switching one off must not open a day the
 * other still closes. */
static unsigned
holidays_on(int ymd)
{
	long	 day, e;
	int	 y = ymd / 10000, md = ymd % 10000, king;
	unsigned mask = 0;

	if (ymd_day(ymd, &day) == -1)
		return 0;
	/* Koningsdag moves to the Saturday when the 27th is a Sunday (the
	 * rule since 2014; older Koninginnedagen are of no use to a monitor). */
	king = weekday(calendar_days_from_civil(y, 4, 27)) == 0 ? 426 : 427;
	if (md == 101)
		mask |= HOLIDAY_BIT(NIEUWJAARSDAG);
	if (md == king)
		mask |= HOLIDAY_BIT(KONINGSDAG);
	if (md == 505)
		mask |= HOLIDAY_BIT(BEVRIJDINGSDAG);
	if (md == 1225)
		mask |= HOLIDAY_BIT(EERSTE_KERSTDAG);
	if (md == 1226)
		mask |= HOLIDAY_BIT(TWEEDE_KERSTDAG);
	e = easter(y);
	if (day == e - 2)
		mask |= HOLIDAY_BIT(GOEDE_VRIJDAG);
	if (day == e)
		mask |= HOLIDAY_BIT(EERSTE_PAASDAG);
	if (day == e + 1)
		mask |= HOLIDAY_BIT(TWEEDE_PAASDAG);
	if (day == e + 39)
		mask |= HOLIDAY_BIT(HEMELVAARTSDAG);
	if (day == e + 49)
		mask |= HOLIDAY_BIT(EERSTE_PINKSTERDAG);
	if (day == e + 50)
		mask |= HOLIDAY_BIT(TWEEDE_PINKSTERDAG);
	return mask;
}

/* NaN, infinities and absurd instants are refused at the entry points,
 * before they reach localtime_r. */
static int
valid_time(double t)
{
	return fabs(t) < TIME_LIMIT;
}

/* The UTC offset in seconds at instant t. */
static long
utc_offset(double t)
{
	time_t	 s = (time_t)floor(t);
	struct tm tm;

	if (localtime_r(&s, &tm) == NULL)
		return 0;
	return tm.tm_gmtoff;
}

/* The local day number of t; *clock gets the seconds the clock shows
 * since midnight there. */
static long
local_day(double t, double *clock)
{
	time_t	 s = (time_t)floor(t);
	struct tm tm;

	if (localtime_r(&s, &tm) == NULL)
		return 0;
	if (clock != NULL)
		*clock = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec +
		    (t - (double)s);
	return calendar_days_from_civil(tm.tm_year + 1900L, tm.tm_mon + 1,
	    tm.tm_mday);
}

/* The first instant at which the clock shows `secs` after midnight of
 * local day `day`, or later (see the top of this file). */
static double
local_instant(long day, double secs)
{
	double	 u, c[2], best = NAN, lo, hi, mid;
	int	 i;

	/* The clock time as if it were UTC. Each offset in force within a
	 * day of it gives a candidate, right when the clock there shows u;
	 * in autumn both are right, and the earlier is the first pass. */
	u = day * 86400.0 + floor(secs);
	c[0] = u - utc_offset(u - 86400);
	c[1] = u - utc_offset(u + 86400);
	for (i = 0; i < 2; i++)
		if (c[i] + utc_offset(c[i]) == u)
			best = fmin(best, c[i]);
	if (!isnan(best))
		return best + (secs - floor(secs));

	/* Neither: the clock skips u. The change lies between the two, and
	 * from it on the clock shows more than u. */
	lo = fmin(c[0], c[1]);
	hi = fmax(c[0], c[1]);
	while (hi - lo > 1) {
		mid = floor((lo + hi) / 2);
		if (mid + utc_offset(mid) >= u)
			hi = mid;
		else
			lo = mid;
	}
	return hi;
}

/* The opening ranges of local day `day` as instants, in order; none when
 * the day is closed. Returns how many. */
static int
day_ranges(const struct hours_conf *h, long day, double r[][2])
{
	int	 wd = weekday(day), i, n = 0;

	if (h->nopen[wd] == 0 || calendar_closed_day(h, civil_from_days(day)))
		return 0;
	for (i = 0; i < h->nopen[wd] && i < HOURS_RANGES_MAX; i++) {
		r[n][0] = local_instant(day, h->open[wd][i][0] * 60.0);
		r[n][1] = local_instant(day, h->open[wd][i][1] * 60.0);
		/* Empty only when it lies inside the skipped hour. */
		if (r[n][1] > r[n][0])
			n++;
	}
	return n;
}

/* Enum order decides when two holidays share the date. */
int
calendar_holiday(int yyyymmdd)
{
	unsigned mask = holidays_on(yyyymmdd);
	int	 i;

	for (i = 0; i < HOLIDAY_COUNT; i++)
		if (mask & (1u << i))
			return i;
	return -1;
}

int
calendar_date(double t)
{
	if (!valid_time(t))
		return -1;
	return civil_from_days(local_day(t, NULL));
}

int
calendar_closed_day(const struct hours_conf *h, int yyyymmdd)
{
	size_t	 i;

	if (h == NULL)
		return 0;
	if (holidays_on(yyyymmdd) & h->holidays)
		return 1;
	for (i = 0; i < h->nclosed; i++)
		if (h->closed[i].from <= yyyymmdd &&
		    yyyymmdd <= h->closed[i].to)
			return 1;
	return 0;
}

/* Compares instants, not clock times, so that in the repeated autumn hour
 * it matters which pass t is in. */
int
calendar_is_open(const struct hours_conf *h, double t)
{
	double	 r[HOURS_RANGES_MAX][2];
	int	 i, n;

	if (h == NULL)
		return 1;
	if (!valid_time(t))
		return 0;
	n = day_ranges(h, local_day(t, NULL), r);
	for (i = 0; i < n; i++)
		if (r[i][0] <= t && t < r[i][1])
			return 1;
	return 0;
}

/* Starts at t's own date: a range of the day before ends by midnight. */
double
calendar_next_open(const struct hours_conf *h, double t)
{
	double	 r[HOURS_RANGES_MAX][2];
	long	 day, d;
	int	 i, n;

	if (h == NULL)
		return t;
	if (!valid_time(t))
		return NAN;
	day = local_day(t, NULL);
	for (d = day; d <= day + CALENDAR_SEARCH_DAYS; d++) {
		n = day_ranges(h, d, r);
		for (i = 0; i < n; i++)
			if (t < r[i][1])
				return fmax(t, r[i][0]);
	}
	return NAN;
}

/*
 * Follows the opening around t through ranges that touch, for at most
 * `days` days after t's date; *cut says the search stopped there, open.
 * Returns the close, or where it stopped (still open up to there).
 */
static double
open_run(const struct hours_conf *h, double t, long days, int *cut)
{
	double	 r[HOURS_RANGES_MAX][2], end = t;
	long	 day, d;
	int	 i, n;

	*cut = 0;
	if (h == NULL) {
		*cut = 1;
		return INFINITY;
	}
	if (!calendar_is_open(h, t))
		return t;
	day = local_day(t, NULL);
	for (d = day; d <= day + days; d++) {
		n = day_ranges(h, d, r);
		for (i = 0; i < n; i++) {
			if (r[i][0] > end)
				return end;
			end = fmax(end, r[i][1]);
		}
		if (end < local_instant(d + 1, 0))
			return end;
	}
	*cut = 1;
	return end;
}

/* Ranges that touch, also across midnight, make one opening: a night
 * shift 20:00-24:00 and 00:00-06:00 closes at 06:00. */
double
calendar_next_close(const struct hours_conf *h, double t)
{
	int	 cut;
	double	 end = open_run(h, t, CALENDAR_SEARCH_DAYS, &cut);

	return cut ? INFINITY : end;
}

double
calendar_open_until(const struct hours_conf *h, double t, long days)
{
	int	 cut;

	return open_run(h, t, days, &cut);
}

/* Only the dates from `from`'s to `to`'s hold ranges that overlap. */
double
calendar_open_seconds(const struct hours_conf *h, double from, double to)
{
	double	 r[HOURS_RANGES_MAX][2], sum = 0, lo, hi;
	long	 d, last;
	int	 i, n;

	if (!(to > from))
		return 0;
	if (h == NULL)
		return to - from;
	if (!valid_time(from) || !valid_time(to))
		return NAN;
	last = local_day(to, NULL);
	for (d = local_day(from, NULL); d <= last; d++) {
		n = day_ranges(h, d, r);
		for (i = 0; i < n; i++) {
			lo = fmax(r[i][0], from);
			hi = fmin(r[i][1], to);
			if (hi > lo)
				sum += hi - lo;
		}
	}
	return sum;
}

/* Walks the ranges from t, spending the amount; gives up only after a
 * horizon of days without any opening, as a long amount may need years. */
double
calendar_add_open(const struct hours_conf *h, double t, double seconds)
{
	double	 r[HOURS_RANGES_MAX][2], left = seconds, start;
	long	 d, idle = 0;
	int	 i, n;

	if (h == NULL)
		return t + seconds;
	if (!valid_time(t) || !valid_time(seconds))
		return NAN;
	if (seconds <= 0)
		return t;
	for (d = local_day(t, NULL); idle <= CALENDAR_SEARCH_DAYS; d++) {
		n = day_ranges(h, d, r);
		idle = n == 0 ? idle + 1 : 0;
		for (i = 0; i < n; i++) {
			if (r[i][1] <= t)
				continue;
			start = fmax(r[i][0], t);
			if (left <= r[i][1] - start)
				return start + left;
			left -= r[i][1] - start;
		}
	}
	return NAN;
}

/* A day with opening time that is not closed; every day when always open. */
static int
open_day(const struct hours_conf *h, long day)
{
	double	 r[HOURS_RANGES_MAX][2];

	return h == NULL || day_ranges(h, day, r) > 0;
}

/*
 * "Within N working days" (LIBRARIES.md: a mail at Friday 16:00 with two
 * working days is due Tuesday 16:00, Wednesday when Monday is a holiday).
 * The rule: start at the next opening at or after t (t itself when open);
 * step N open days forward, an open day being a day with opening time that
 * is not closed; keep the local clock time of the start. So the budget
 * counts days the staff are there, not their hours, and a day of 4 h
 * counts as much as one of 8.5 h. The result may fall outside that day's
 * hours (Thursday 19:00 + 1 is Friday 19:00 even when Friday closes at
 * 12:30); there is no opening time between the closing and then, so the
 * working time left is the same as up to the closing.
 */
double
calendar_add_workdays(const struct hours_conf *h, double t, int days)
{
	double	 start, clock;
	long	 d, idle = 0;

	if (days <= 0)
		return t;
	start = calendar_next_open(h, t);
	if (!valid_time(start))
		return NAN;
	d = local_day(start, &clock);
	while (days > 0) {
		d++;
		if (open_day(h, d)) {
			days--;
			idle = 0;
		} else if (++idle > CALENDAR_SEARCH_DAYS)
			return NAN;
	}
	return local_instant(d, clock);
}
