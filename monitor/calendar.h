/*
 * calendar.h: opening hours, Dutch public holidays and working time
 * (DESIGN §5 [hours], §7 respond_within; LIBRARIES.md "Dutch calendar").
 *
 * Pure: no globals, no clock. Instants are epoch seconds. Local time is the
 * process's TZ, which the daemon sets to [daemon] timezone with setenv and
 * tzset() at start and on reload; localtime_r does not look at TZ again by
 * itself, so whoever changes TZ must call tzset() before these functions.
 *
 * A NULL struct hours_conf means "always open". Searches for an opening
 * look at most CALENDAR_SEARCH_DAYS days ahead.
 */
#ifndef WACHTD_CALENDAR_H
#define WACHTD_CALENDAR_H

#define CALENDAR_SEARCH_DAYS 400

struct hours_conf;

/* The enum holiday on YYYYMMDD, or -1; when two fall on one date (as
 * Bevrijdingsdag and Hemelvaartsdag did in 2016) the first in enum order. */
int	calendar_holiday(int yyyymmdd);

/* The local date of instant t as YYYYMMDD. */
int	calendar_date(double t);

/* Days since 1970-01-01 of a proleptic Gregorian date; no time zone. */
long	calendar_days_from_civil(long y, long m, long d);

/* Nonzero when YYYYMMDD is an enabled holiday or in a closed range. */
int	calendar_closed_day(const struct hours_conf *, int yyyymmdd);

/* Nonzero when t lies in an opening range of its local date, and that date
 * is not closed. */
int	calendar_is_open(const struct hours_conf *, double t);

/* The first instant >= t at which it is open (t when open); NAN when
 * never open within the search horizon. */
double	calendar_next_open(const struct hours_conf *, double t);

/* The instant the opening around t ends, following ranges that touch
 * (20:00-24:00 then 00:00-06:00); t when closed; INFINITY when it stays
 * open for the whole search horizon. */
double	calendar_next_close(const struct hours_conf *, double t);

/* An instant up to which the opening around t lasts at least: its close,
 * or where a search of `days` days after t's date stopped (cheaper than
 * calendar_next_close for hours open around the clock); t when closed. */
double	calendar_open_until(const struct hours_conf *, double t, long days);

/* Seconds of opening time in [from, to); 0 when to <= from. */
double	calendar_open_seconds(const struct hours_conf *, double from, double to);

/* The instant at which `seconds` of opening time after t have passed; an
 * amount that fills up a range exactly ends at its closing time. NAN when
 * it is never open. */
double	calendar_add_open(const struct hours_conf *, double t, double seconds);

/* "Within N working days": the next opening at or after t, moved N open
 * days ahead at the same local time of day (calendar.c has the rule). */
double	calendar_add_workdays(const struct hours_conf *, double t, int days);

#endif
