/*
 * test_calendar.c: opening hours, Dutch holidays and working time
 * (calendar.h) in Europe/Amsterdam. One table row per question a queue's
 * calendar must answer; each row is its own named test. Every expected
 * date and instant is written out by hand; none is recomputed with the
 * code under test. Local times are read with mktime and are chosen
 * outside the hours the clocks skip or repeat; around a change of the
 * clocks the rows say UTC ("Z") instead.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "wachtd.h"
#include "calendar.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))
#define HM(h, m)	((h) * 60 + (m))
#define H		3600.0
#define NL		((1u << HOLIDAY_COUNT) - 1)	/* holidays = nl */
#define NONE		(-1)

/* ------------------------------------------------------------------ */
/* Calendars, as config.c would parse them. */

#define MON_FRI_0830_1700						\
	.open = {							\
		[1] = { { HM(8, 30), HM(17, 0) } },			\
		[2] = { { HM(8, 30), HM(17, 0) } },			\
		[3] = { { HM(8, 30), HM(17, 0) } },			\
		[4] = { { HM(8, 30), HM(17, 0) } },			\
		[5] = { { HM(8, 30), HM(17, 0) } },			\
	},								\
	.nopen = { 0, 1, 1, 1, 1, 1, 0 }

#define EVERY_DAY(from, to)						\
	.open = { { { from, to } }, { { from, to } }, { { from, to } },	\
		{ { from, to } }, { { from, to } }, { { from, to } },	\
		{ { from, to } } },					\
	.nopen = { 1, 1, 1, 1, 1, 1, 1 }

/* The LIBRARIES.md week: Mon-Fri 08:30-17:00, holidays = nl. */
static char office_name[] = "office";
static struct hours_conf office = {
	.name = office_name, MON_FRI_0830_1700, .holidays = NL
};

/* holidays = nl -bevrijdingsdag (most employers, outside lustrum years). */
static char no5mei_name[] = "office-5mei";
static struct hours_conf no5mei = {
	.name = no5mei_name, MON_FRI_0830_1700,
	.holidays = NL & ~(1u << HOLIDAY_BEVRIJDINGSDAG)
};

/* holidays = none */
static char noholidays_name[] = "office-noholidays";
static struct hours_conf noholidays = {
	.name = noholidays_name, MON_FRI_0830_1700, .holidays = 0
};

/* [hours kcc] of DESIGN §5, with a summer closure added. */
static struct date_range kcc_closed[] = {
	{ 20261224, 20261224 },
	{ 20261231, 20261231 },
	{ 20260720, 20260731 },
};
static char kcc_name[] = "kcc";
static struct hours_conf kcc = {
	.name = kcc_name,
	.open = {
		[1] = { { HM(8, 30), HM(17, 0) } },
		[2] = { { HM(8, 30), HM(17, 0) } },
		[3] = { { HM(8, 30), HM(17, 0) } },
		[4] = { { HM(8, 30), HM(12, 30) }, { HM(13, 30), HM(20, 0) } },
		[5] = { { HM(8, 30), HM(12, 30) } },
	},
	.nopen = { 0, 1, 1, 1, 2, 1, 0 },
	.holidays = NL,
	.closed = kcc_closed,
	.nclosed = NELEM(kcc_closed)
};

/* Ranges that touch: Friday 08:00-12:00 12:00-16:00 20:00-24:00 and a
 * night shift on to Saturday 06:00. */
static char shifts_name[] = "shifts";
static struct hours_conf shifts = {
	.name = shifts_name,
	.open = {
		[5] = { { HM(8, 0), HM(12, 0) }, { HM(12, 0), HM(16, 0) },
			{ HM(20, 0), HM(24, 0) } },
		[6] = { { HM(0, 0), HM(6, 0) } },
	},
	.nopen = { [5] = 3, [6] = 1 }
};

static char always_name[] = "always";
static struct hours_conf always = {
	.name = always_name, EVERY_DAY(HM(0, 0), HM(24, 0))
};

/* Every weekday "closed". */
static char never_name[] = "never";
static struct hours_conf never = { .name = never_name };

/* Open day and night, but closed 2026 and 2027 through. */
static struct date_range shut_closed[] = { { 20260101, 20271231 } };
static char shut_name[] = "shut";
static struct hours_conf shut = {
	.name = shut_name, EVERY_DAY(HM(0, 0), HM(24, 0)),
	.closed = shut_closed, .nclosed = 1
};

/* Across the changes of the clocks: every night 01:00-04:00. */
static char nightly_name[] = "nightly";
static struct hours_conf nightly = {
	.name = nightly_name, EVERY_DAY(HM(1, 0), HM(4, 0))
};

/* Sunday 02:30-05:00: an opening time the clocks skip, or show twice. */
static char sun0230_name[] = "sunday-0230";
static struct hours_conf sun0230 = {
	.name = sun0230_name,
	.open = { [0] = { { HM(2, 30), HM(5, 0) } } },
	.nopen = { [0] = 1 }
};

/* Sunday 02:15-02:45: in spring the clocks skip all of it. */
static char sun0215_name[] = "sunday-0215";
static struct hours_conf sun0215 = {
	.name = sun0215_name,
	.open = { [0] = { { HM(2, 15), HM(2, 45) } } },
	.nopen = { [0] = 1 }
};

/* ------------------------------------------------------------------ */
/* Instants written the way people do. */

/* "2026-11-27 16:00[:SS]" local time, or with a trailing Z in UTC;
 * "NAN" and "INF" stand for themselves. */
static double
at(const char *s)
{
	struct tm tm;
	int	 n;

	if (strcmp(s, "NAN") == 0)
		return NAN;
	if (strcmp(s, "INF") == 0)
		return INFINITY;
	memset(&tm, 0, sizeof(tm));
	n = sscanf(s, "%d-%d-%d %d:%d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec);
	if (n < 5)
		fail_msg("bad time in the table: %s", s);
	tm.tm_year -= 1900;
	tm.tm_mon--;
	if (strchr(s, 'Z') != NULL)
		return (double)timegm(&tm);
	tm.tm_isdst = -1;
	return (double)mktime(&tm);
}

/* An instant for a failure message: local time with its zone. */
static const char *
show(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t	 s;

	if (isnan(t) || isinf(t))
		snprintf(buf, len, "%f", t);
	else {
		s = (time_t)floor(t);
		localtime_r(&s, &tm);
		strftime(buf, len, "%a %Y-%m-%d %H:%M:%S %Z", &tm);
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* calendar_holiday */

struct hcase {
	int		 ymd;
	int		 want;		/* enum holiday, or NONE */
	const char	*what;
};

static struct hcase holidays[] = {
	{ 20240101, HOLIDAY_NIEUWJAARSDAG, "a Monday" },
	{ 20240329, HOLIDAY_GOEDE_VRIJDAG, "Easter 2024 is 31 March" },
	{ 20240331, HOLIDAY_EERSTE_PAASDAG, "Easter 2024" },
	{ 20240401, HOLIDAY_TWEEDE_PAASDAG, "into April" },
	{ 20240427, HOLIDAY_KONINGSDAG, "a Saturday: stays on the 27th" },
	{ 20240509, HOLIDAY_HEMELVAARTSDAG, "Easter + 39" },
	{ 20240519, HOLIDAY_EERSTE_PINKSTERDAG, "Easter + 49" },
	{ 20240520, HOLIDAY_TWEEDE_PINKSTERDAG, "Easter + 50" },
	{ 20241225, HOLIDAY_EERSTE_KERSTDAG, "25 December" },
	{ 20241226, HOLIDAY_TWEEDE_KERSTDAG, "26 December" },

	{ 20250418, HOLIDAY_GOEDE_VRIJDAG, "Easter 2025 is 20 April" },
	{ 20250420, HOLIDAY_EERSTE_PAASDAG, "Easter 2025" },
	{ 20250421, HOLIDAY_TWEEDE_PAASDAG, "Easter Monday 2025" },
	{ 20250426, HOLIDAY_KONINGSDAG, "the 27th is a Sunday: Saturday" },
	{ 20250427, NONE, "Sunday 27 April 2025 is no Koningsdag" },
	{ 20250505, HOLIDAY_BEVRIJDINGSDAG, "5 May" },
	{ 20250529, HOLIDAY_HEMELVAARTSDAG, "Easter + 39" },
	{ 20250608, HOLIDAY_EERSTE_PINKSTERDAG, "Easter + 49" },
	{ 20250609, HOLIDAY_TWEEDE_PINKSTERDAG, "Easter + 50" },

	{ 20260101, HOLIDAY_NIEUWJAARSDAG, "a Thursday" },
	{ 20260403, HOLIDAY_GOEDE_VRIJDAG, "Easter 2026 is 5 April" },
	{ 20260404, NONE, "Holy Saturday is no holiday" },
	{ 20260405, HOLIDAY_EERSTE_PAASDAG, "Easter 2026" },
	{ 20260406, HOLIDAY_TWEEDE_PAASDAG, "Easter Monday 2026" },
	{ 20260427, HOLIDAY_KONINGSDAG, "a Monday" },
	{ 20260504, NONE, "Dodenherdenking is no day off" },
	{ 20260505, HOLIDAY_BEVRIJDINGSDAG, "a Tuesday" },
	{ 20260514, HOLIDAY_HEMELVAARTSDAG, "Easter + 39" },
	{ 20260524, HOLIDAY_EERSTE_PINKSTERDAG, "Easter + 49" },
	{ 20260525, HOLIDAY_TWEEDE_PINKSTERDAG, "Pinkstermaandag" },
	{ 20261224, NONE, "Christmas Eve is no holiday" },
	{ 20261225, HOLIDAY_EERSTE_KERSTDAG, "a Friday" },
	{ 20261226, HOLIDAY_TWEEDE_KERSTDAG, "a Saturday" },
	{ 20261231, NONE, "New Year's Eve is no holiday" },

	{ 20270326, HOLIDAY_GOEDE_VRIJDAG, "Easter 2027 is 28 March" },
	{ 20270328, HOLIDAY_EERSTE_PAASDAG, "Easter 2027" },
	{ 20270329, HOLIDAY_TWEEDE_PAASDAG, "Easter Monday 2027" },
	{ 20270506, HOLIDAY_HEMELVAARTSDAG, "Easter + 39" },
	{ 20270516, HOLIDAY_EERSTE_PINKSTERDAG, "Easter + 49" },
	{ 20270517, HOLIDAY_TWEEDE_PINKSTERDAG, "Easter + 50" },

	{ 20380425, HOLIDAY_EERSTE_PAASDAG, "the latest Easter there is" },
	{ 20380426, HOLIDAY_TWEEDE_PAASDAG, "the day before Koningsdag" },
	{ 20380427, HOLIDAY_KONINGSDAG, "a Tuesday" },
	{ 20380603, HOLIDAY_HEMELVAARTSDAG, "in June" },
	{ 20380614, HOLIDAY_TWEEDE_PINKSTERDAG, "Easter + 50" },
	{ 22850322, HOLIDAY_EERSTE_PAASDAG, "the earliest Easter there is" },

	{ 20140426, HOLIDAY_KONINGSDAG, "the first one; the 27th a Sunday" },
	{ 20310426, HOLIDAY_KONINGSDAG, "27 April 2031 is a Sunday" },
	{ 20160327, HOLIDAY_EERSTE_PAASDAG, "Easter 2016" },
	{ 20160505, HOLIDAY_BEVRIJDINGSDAG,
	    "also Hemelvaartsdag: the first in enum order" },

	{ 20260229, NONE, "2026 is no leap year" },
	{ 20260431, NONE, "April has 30 days" },
	{ 0, NONE, "no date at all" },
};

static const char *holiday_names[HOLIDAY_COUNT] = {
	"nieuwjaarsdag", "goede_vrijdag", "eerste_paasdag", "tweede_paasdag",
	"koningsdag", "bevrijdingsdag", "hemelvaartsdag",
	"eerste_pinksterdag", "tweede_pinksterdag", "eerste_kerstdag",
	"tweede_kerstdag"
};

static const char *
holiday_name(int h)
{
	return h >= 0 && h < HOLIDAY_COUNT ? holiday_names[h] : "no holiday";
}

static void
run_holiday(void **state)
{
	const struct hcase *c = *state;
	int	 got = calendar_holiday(c->ymd);

	if (got != c->want)
		fail_msg("got %s, want %s", holiday_name(got),
		    holiday_name(c->want));
}

/* ------------------------------------------------------------------ */
/* calendar_closed_day */

struct dcase {
	const struct hours_conf *h;
	int		 ymd;
	int		 want;
	const char	*what;
};

static struct dcase days[] = {
	{ &office, 20260505, 1, "Bevrijdingsdag with holidays = nl" },
	{ &no5mei, 20260505, 0, "nl -bevrijdingsdag switches it off" },
	{ &no5mei, 20260514, 1, "the other holidays stay on" },
	{ &no5mei, 20160505, 1, "2016: Hemelvaartsdag on the same date" },
	{ &noholidays, 20261225, 0, "holidays = none" },
	{ &office, 20261224, 0, "Christmas Eve is no holiday" },
	{ &kcc, 20261223, 0, "the day before a closed date" },
	{ &kcc, 20261224, 1, "a closed date" },
	{ &kcc, 20261231, 1, "another closed date" },
	{ &kcc, 20260719, 0, "the day before a closed range" },
	{ &kcc, 20260720, 1, "the first day of a closed range" },
	{ &kcc, 20260725, 1, "a Saturday inside a closed range" },
	{ &kcc, 20260731, 1, "the last day of a range is closed too" },
	{ &kcc, 20260801, 0, "the day after a closed range" },
	{ NULL, 20261225, 0, "no [hours]: never closed" },
};

static void
run_day(void **state)
{
	const struct dcase *c = *state;

	assert_int_equal(calendar_closed_day(c->h, c->ymd), c->want);
}

/* ------------------------------------------------------------------ */
/* Instants: is_open, next_open, next_close, open_seconds, add_open,
 * add_workdays. */

enum op {
	IS_OPEN,
	NEXT_OPEN,
	NEXT_CLOSE,
	OPEN_SECONDS,
	ADD_OPEN,
	ADD_WORKDAYS,
	OPEN_UNTIL		/* calendar_open_until, n days */
};

static const char *op_names[] = {
	"is_open", "next_open", "next_close", "open_seconds", "add_open",
	"add_workdays", "open_until"
};

struct tcase {
	enum op		 op;
	const struct hours_conf *h;	/* NULL: no [hours], always open */
	const char	*at;		/* t; from for OPEN_SECONDS */
	const char	*to;		/* OPEN_SECONDS: the end */
	double		 n;		/* ADD_OPEN: seconds; ADD_WORKDAYS: days */
	const char	*want;		/* the instant expected */
	double		 want_n;	/* IS_OPEN: 0 or 1; OPEN_SECONDS: s */
	const char	*what;
};

#define OPEN(h, t, w, what)	  { IS_OPEN, h, t, NULL, 0, NULL, w, what }
#define NEXT(h, t, w, what)	  { NEXT_OPEN, h, t, NULL, 0, w, 0, what }
#define CLOSE(h, t, w, what)	  { NEXT_CLOSE, h, t, NULL, 0, w, 0, what }
#define SECS(h, f, t, w, what)	  { OPEN_SECONDS, h, f, t, 0, NULL, w, what }
#define ADD(h, t, s, w, what)	  { ADD_OPEN, h, t, NULL, s, w, 0, what }
#define WORKDAYS(h, t, d, w, what) { ADD_WORKDAYS, h, t, NULL, d, w, 0, what }
#define UNTIL(h, t, d, w, what)	  { OPEN_UNTIL, h, t, NULL, d, w, 0, what }

static struct tcase cases[] = {
	/* open_until: the close when it comes within the days searched, else
	 * where the search stopped, still open up to there. */
	UNTIL(&office, "2026-11-30 10:00", 1, "2026-11-30 17:00",
	    "office hours: today's close"),
	UNTIL(&office, "2026-11-30 18:00", 1, "2026-11-30 18:00",
	    "closed: t itself"),
	UNTIL(&always, "2026-11-30 10:00", 1, "2026-12-02 00:00",
	    "around the clock: open at least to the end of the days searched"),
	UNTIL(&always, "2026-11-30 10:00", 3, "2026-12-04 00:00",
	    "three days searched"),
	UNTIL(NULL, "2026-11-30 10:00", 1, "INF", "no [hours]: for ever"),
	/* Range edges: open from the first second, closed at the last. */
	OPEN(&office, "2026-11-30 08:29:59", 0, "a second before opening"),
	OPEN(&office, "2026-11-30 08:30", 1, "opens at 08:30"),
	OPEN(&office, "2026-11-30 16:59:59", 1, "the last second"),
	OPEN(&office, "2026-11-30 17:00", 0, "closed at 17:00"),
	OPEN(&kcc, "2026-12-03 12:29:59", 1, "Thursday before lunch"),
	OPEN(&kcc, "2026-12-03 12:30", 0, "the lunch gap begins"),
	OPEN(&kcc, "2026-12-03 13:29:59", 0, "still lunch"),
	OPEN(&kcc, "2026-12-03 13:30", 1, "after lunch"),
	OPEN(&kcc, "2026-12-03 19:59:59", 1, "Thursday evening"),
	OPEN(&kcc, "2026-12-03 20:00", 0, "Thursday closes at 20:00"),
	OPEN(&kcc, "2026-12-04 13:00", 0, "Friday closes at 12:30"),
	OPEN(&kcc, "2026-11-28 11:00", 0, "Saturday has no ranges"),
	OPEN(&kcc, "2026-11-29 11:00", 0, "Sunday has no ranges"),
	OPEN(&kcc, "2026-12-23 10:00", 1, "the day before a closed date"),
	OPEN(&kcc, "2026-12-24 10:00", 0, "closed = 2026-12-24"),
	OPEN(&kcc, "2026-12-25 10:00", 0, "Eerste Kerstdag on a Friday"),
	OPEN(&office, "2026-05-05 10:00", 0, "Bevrijdingsdag, holidays = nl"),
	OPEN(&no5mei, "2026-05-05 10:00", 1, "Bevrijdingsdag switched off"),
	OPEN(&noholidays, "2026-12-25 10:00", 1, "holidays = none"),
	OPEN(&shifts, "2026-11-27 23:59:59", 1, "a range up to 24:00"),
	OPEN(&shifts, "2026-11-28 00:00", 1, "the night shift goes on"),
	OPEN(&never, "2026-11-30 10:00", 0, "every day closed"),
	OPEN(NULL, "2026-12-25 03:00", 1, "no [hours]: always open"),

	/* The next opening. */
	NEXT(&office, "2026-11-30 10:00", "2026-11-30 10:00",
	    "open now: t itself"),
	NEXT(&office, "2026-11-30 07:00", "2026-11-30 08:30",
	    "early: today's opening"),
	NEXT(&office, "2026-11-27 17:00", "2026-11-30 08:30",
	    "over the weekend"),
	NEXT(&office, "2026-04-02 17:00", "2026-04-07 08:30",
	    "Goede Vrijdag, the weekend and 2e Paasdag"),
	NEXT(&kcc, "2026-12-03 12:45", "2026-12-03 13:30",
	    "after the lunch gap"),
	NEXT(&kcc, "2026-12-23 18:00", "2026-12-28 08:30",
	    "closed 24th, Kerstdagen, Sunday"),
	NEXT(&kcc, "2026-12-30 17:00", "2027-01-04 08:30",
	    "closed 31st, Nieuwjaarsdag, weekend"),
	NEXT(&kcc, "2026-07-17 13:00", "2026-08-03 08:30",
	    "over a summer closure"),
	NEXT(&never, "2026-06-01 12:00", "NAN", "never open"),
	NEXT(&shut, "2026-06-01 12:00", "NAN",
	    "closed for longer than 400 days"),
	NEXT(&shut, "2027-06-01 12:00", "2028-01-01 00:00",
	    "open again after the closed range"),
	NEXT(NULL, "2026-12-25 03:00", "2026-12-25 03:00",
	    "no [hours]: t itself"),

	/* The end of the current opening. */
	CLOSE(&office, "2026-11-30 10:00", "2026-11-30 17:00",
	    "the end of today's range"),
	CLOSE(&office, "2026-11-28 10:00", "2026-11-28 10:00",
	    "closed: t itself"),
	CLOSE(&kcc, "2026-12-03 09:00", "2026-12-03 12:30",
	    "the lunch gap ends the opening"),
	CLOSE(&kcc, "2026-12-03 14:00", "2026-12-03 20:00",
	    "Thursday's late range"),
	CLOSE(&shifts, "2026-11-27 09:00", "2026-11-27 16:00",
	    "ranges that touch are one opening"),
	CLOSE(&shifts, "2026-11-27 21:00", "2026-11-28 06:00",
	    "a night shift across midnight"),
	CLOSE(&shut, "2025-12-31 10:00", "2026-01-01 00:00",
	    "then closed for more than 400 days"),
	CLOSE(&always, "2026-11-27 21:00", "INF", "never closes"),
	CLOSE(NULL, "2026-11-27 21:00", "INF", "no [hours]: never closes"),

	/* Opening time between two instants. */
	SECS(&office, "2026-04-06 00:00", "2026-04-13 00:00", 4 * 8.5 * H,
	    "Easter week: 2e Paasdag closed, 4 days of 8.5 h"),
	SECS(&kcc, "2026-11-30 00:00", "2026-12-07 00:00", 40 * H,
	    "a kcc week: 3 x 8.5 + 4 + 6.5 + 4 h"),
	SECS(&kcc, "2026-12-21 00:00", "2026-12-28 00:00", 3 * 8.5 * H,
	    "Christmas week: 24th closed, 25th Kerstdag"),
	SECS(&office, "2026-11-30 16:00", "2026-12-01 09:30", 2 * H,
	    "the last hour of one day, the first of the next"),
	SECS(&kcc, "2026-12-03 12:00", "2026-12-03 14:00", 1 * H,
	    "the lunch gap does not count"),
	SECS(&office, "2026-11-28 00:00", "2026-11-30 00:00", 0,
	    "a weekend"),
	SECS(&office, "2026-11-30 12:00", "2026-11-30 12:00", 0,
	    "an empty interval"),
	SECS(&office, "2026-11-30 13:00", "2026-11-30 12:00", 0,
	    "the end before the start"),
	SECS(NULL, "2026-11-30 12:00", "2026-11-30 13:00", 1 * H,
	    "no [hours]: all of it"),

	/* Adding opening time. */
	ADD(&office, "2026-11-30 16:00", 2 * H, "2026-12-01 09:30",
	    "1 h today, 1 h tomorrow"),
	ADD(&office, "2026-11-30 08:30", 8.5 * H, "2026-11-30 17:00",
	    "a full day ends at the closing, not the next morning"),
	ADD(&office, "2026-11-27 16:00", 2 * H, "2026-11-30 09:30",
	    "over the weekend"),
	ADD(&office, "2026-11-28 12:00", 1 * H, "2026-11-30 09:30",
	    "from a closed time: counted from the opening"),
	ADD(&kcc, "2026-12-03 12:00", 1 * H, "2026-12-03 14:00",
	    "over the lunch gap"),
	ADD(&office, "2026-04-02 16:00", 10 * H, "2026-04-08 09:00",
	    "Thursday 1 h, Tuesday 8.5 h, Wednesday 30 min"),
	ADD(&office, "2026-11-30 10:00", 0, "2026-11-30 10:00",
	    "nothing to add"),
	ADD(&never, "2026-11-30 10:00", 60, "NAN", "never open"),
	ADD(NULL, "2026-11-30 10:00", 1 * H, "2026-11-30 11:00",
	    "no [hours]: plain addition"),

	/* Working days, by the rule above calendar_add_workdays. */
	WORKDAYS(&office, "2026-11-27 16:00", 2, "2026-12-01 16:00",
	    "LIBRARIES.md: Friday 16:00 + 2 is Tuesday 16:00"),
	WORKDAYS(&office, "2026-04-02 16:00", 2, "2026-04-08 16:00",
	    "Goede Vrijdag and Easter Monday closed: Wednesday"),
	WORKDAYS(&office, "2026-05-22 16:00", 2, "2026-05-27 16:00",
	    "LIBRARIES.md: Monday a holiday (Pinksteren): Wednesday"),
	WORKDAYS(&office, "2026-11-30 16:00", 1, "2026-12-01 16:00",
	    "one day"),
	WORKDAYS(&office, "2026-11-27 18:00", 2, "2026-12-02 08:30",
	    "after closing: counted from Monday 08:30"),
	WORKDAYS(&kcc, "2026-12-23 10:00", 1, "2026-12-28 10:00",
	    "closed 24th, Kerstdagen, Sunday"),
	WORKDAYS(&kcc, "2026-12-03 19:00", 1, "2026-12-04 19:00",
	    "Friday closes at 12:30; the clock time is kept all the same"),
	WORKDAYS(&office, "2026-11-30 10:00", 0, "2026-11-30 10:00",
	    "no days: t itself"),
	WORKDAYS(&never, "2026-11-30 10:00", 1, "NAN", "never open"),

	/* The clocks go forward on 29 March 2026 (02:00 CET becomes 03:00
	 * CEST) and back on 25 October (03:00 CEST becomes 02:00 CET). */
	SECS(&nightly, "2026-03-28 00:00", "2026-03-29 00:00", 3 * H,
	    "an ordinary night: 01:00-04:00 is 3 h"),
	SECS(&nightly, "2026-03-29 00:00", "2026-03-30 00:00", 2 * H,
	    "spring: 01:00-04:00 is 2 h"),
	SECS(&nightly, "2026-10-25 00:00", "2026-10-26 00:00", 4 * H,
	    "autumn: 01:00-04:00 is 4 h"),
	OPEN(&nightly, "2026-03-29 01:30Z", 1, "03:30 CEST"),
	OPEN(&nightly, "2026-03-29 02:00Z", 0, "04:00 CEST closes"),
	OPEN(&nightly, "2026-10-25 01:30Z", 1,
	    "02:30 CET, the second pass of the repeated hour"),
	OPEN(&nightly, "2026-10-25 02:59:59Z", 1, "03:59:59 CET"),
	OPEN(&nightly, "2026-10-25 03:00Z", 0, "04:00 CET closes"),
	NEXT(&nightly, "2026-03-28 23:30Z", "2026-03-29 00:00Z",
	    "01:00 CET"),
	CLOSE(&nightly, "2026-03-29 00:30Z", "2026-03-29 02:00Z",
	    "04:00 CEST, 2 h after 01:00 CET"),
	CLOSE(&nightly, "2026-10-24 23:30Z", "2026-10-25 03:00Z",
	    "04:00 CET, 4 h after 01:00 CEST"),
	ADD(&nightly, "2026-03-29 00:00Z", 2.5 * H, "2026-03-29 23:30Z",
	    "2 h that night, 30 min the next: 01:30 CEST"),
	ADD(&nightly, "2026-10-24 23:00Z", 3.5 * H, "2026-10-25 02:30Z",
	    "3.5 h into the long night: 03:30 CET"),
	NEXT(&sun0230, "2026-03-29 00:00Z", "2026-03-29 01:00Z",
	    "02:30 is skipped: opens at the change, 03:00 CEST"),
	SECS(&sun0230, "2026-03-29 00:00", "2026-03-30 00:00", 2 * H,
	    "spring: 03:00-05:00 CEST"),
	NEXT(&sun0230, "2026-10-25 00:00Z", "2026-10-25 00:30Z",
	    "02:30 comes twice: opens at the first, CEST"),
	SECS(&sun0230, "2026-10-25 00:00", "2026-10-26 00:00", 3.5 * H,
	    "autumn: 02:30 CEST to 05:00 CET"),
	NEXT(&sun0215, "2026-03-29 00:00Z", "2026-04-05 00:15Z",
	    "a range inside the skipped hour: the next Sunday"),
	WORKDAYS(&sun0215, "2026-03-22 01:20Z", 1, "2026-04-05 00:20Z",
	    "and that Sunday is no open day"),
	WORKDAYS(&office, "2026-03-27 16:00", 2, "2026-03-31 14:00Z",
	    "16:00 CET + 2 is 16:00 CEST, 1 h less than 4 days"),
	WORKDAYS(NULL, "2026-03-28 09:00Z", 1, "2026-03-29 08:00Z",
	    "no [hours]: every day counts; 10:00 to 10:00 is 23 h"),
};

static int
same(double got, double want)
{
	return (isnan(got) && isnan(want)) || got == want;
}

static void
run_case(void **state)
{
	const struct tcase *c = *state;
	double	 t = at(c->at), got = NAN, want;
	char	 gb[64], wb[64];

	switch (c->op) {
	case IS_OPEN:
		assert_int_equal(calendar_is_open(c->h, t), (int)c->want_n);
		return;
	case OPEN_SECONDS:
		got = calendar_open_seconds(c->h, t, at(c->to));
		if (got != c->want_n)
			fail_msg("got %.0f s, want %.0f s", got, c->want_n);
		return;
	case NEXT_OPEN:
		got = calendar_next_open(c->h, t);
		break;
	case NEXT_CLOSE:
		got = calendar_next_close(c->h, t);
		break;
	case ADD_OPEN:
		got = calendar_add_open(c->h, t, c->n);
		break;
	case ADD_WORKDAYS:
		got = calendar_add_workdays(c->h, t, (int)c->n);
		break;
	case OPEN_UNTIL:
		got = calendar_open_until(c->h, t, (long)c->n);
		break;
	}
	want = at(c->want);
	if (!same(got, want))
		fail_msg("got %s, want %s", show(got, gb, sizeof(gb)),
		    show(want, wb, sizeof(wb)));
}

/* ------------------------------------------------------------------ */
/* Whole-module checks. */

/* Without tzdata glibc falls back to UTC silently; every row above would
 * then fail for a reason the rows do not show. */
static void
zone_is_europe_amsterdam(void **state)
{
	struct tm tm;
	time_t	 winter = 1768478400, summer = 1784116800; /* 15 Jan/Jul 2026 12:00Z */

	(void)state;
	localtime_r(&winter, &tm);
	assert_int_equal(tm.tm_gmtoff, 3600);
	localtime_r(&summer, &tm);
	assert_int_equal(tm.tm_gmtoff, 7200);
}

/* The local date of an instant, on both sides of midnight UTC. */
static void
date_of_instants(void **state)
{
	(void)state;
	assert_int_equal(calendar_date(at("2026-03-29 00:30Z")), 20260329);
	assert_int_equal(calendar_date(at("2026-10-24 22:30Z")), 20261025);
	assert_int_equal(calendar_date(at("2026-12-31 22:59:59Z")),
	    20261231);
	assert_int_equal(calendar_date(at("2026-12-31 23:00Z")), 20270101);
	assert_int_equal(calendar_date(NAN), -1);
}

/* Adding opening time and counting it are each other's inverse. */
static void
add_open_then_count_gives_the_amount(void **state)
{
	static const char *starts[] = {
		"2026-12-03 12:00", "2026-12-03 08:00", "2026-12-04 12:29:59",
		"2026-12-19 15:00", "2026-04-02 16:45", "2026-03-27 16:00"
	};
	static const double amounts[] = {
		1, 30 * 60, 4 * H, 8.5 * H, 17 * H, 40 * H, 1000 * H
	};
	size_t	 i, j;
	double	 t, end;

	(void)state;
	for (i = 0; i < NELEM(starts); i++)
		for (j = 0; j < NELEM(amounts); j++) {
			t = at(starts[i]);
			end = calendar_add_open(&kcc, t, amounts[j]);
			if (calendar_open_seconds(&kcc, t, end) != amounts[j])
				fail_msg("%s + %.0f s", starts[i], amounts[j]);
			/* Ends in an opening or at its closing, never in
			 * closed time after it. */
			assert_true(calendar_is_open(&kcc, end - 1));
		}
}

/* Instants need not be whole seconds. */
static void
fractions_of_a_second_are_kept(void **state)
{
	double	 t = at("2026-11-27 16:00") + 0.25;

	(void)state;
	assert_true(calendar_add_workdays(&office, t, 2) ==
	    at("2026-12-01 16:00") + 0.25);
	assert_true(calendar_add_open(&office, t, 1 * H) ==
	    at("2026-11-30 08:30") + 0.25);
	assert_true(calendar_open_seconds(&office, t, at("2026-11-27 17:00"))
	    == 1 * H - 0.25);
}

/* NaN and infinities get no answer rather than a wrong one. */
static void
instants_out_of_range_are_refused(void **state)
{
	(void)state;
	assert_int_equal(calendar_is_open(&office, NAN), 0);
	assert_true(isnan(calendar_next_open(&office, NAN)));
	assert_true(isnan(calendar_next_open(&office, INFINITY)));
	assert_true(isnan(calendar_add_open(&office, NAN, 60)));
	assert_true(isnan(calendar_add_open(&office, 0, INFINITY)));
	assert_true(isnan(calendar_add_workdays(&office, NAN, 1)));
	assert_true(isnan(calendar_open_seconds(&office, 0, INFINITY)));
}

int
main(void)
{
	/* The table rows and five checks; names[n] belongs to tests[n]. */
#define NTESTS	(NELEM(holidays) + NELEM(days) + NELEM(cases) + 5)
	static char	 names[NTESTS][200];
	struct CMUnitTest tests[NTESTS];
	const struct hours_conf *h;
	size_t		 i, n = 0;
	int		 ymd;

	/* What wachtd does with [daemon] timezone. */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();

	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(zone_is_europe_amsterdam);
	for (i = 0; i < NELEM(holidays); i++, n++) {
		ymd = holidays[i].ymd;
		snprintf(names[n], sizeof(names[n]),
		    "holiday %04d-%02d-%02d is %s: %s", ymd / 10000,
		    ymd / 100 % 100, ymd % 100,
		    holiday_name(holidays[i].want), holidays[i].what);
		tests[n] = (struct CMUnitTest){ names[n], run_holiday, NULL,
		    NULL, &holidays[i] };
	}
	for (i = 0; i < NELEM(days); i++, n++) {
		ymd = days[i].ymd;
		h = days[i].h;
		snprintf(names[n], sizeof(names[n]),
		    "closed_day %s %04d-%02d-%02d %s: %s",
		    h != NULL ? h->name : "(none)", ymd / 10000,
		    ymd / 100 % 100, ymd % 100,
		    days[i].want ? "closed" : "not closed", days[i].what);
		tests[n] = (struct CMUnitTest){ names[n], run_day, NULL,
		    NULL, &days[i] };
	}
	for (i = 0; i < NELEM(cases); i++, n++) {
		h = cases[i].h;
		snprintf(names[n], sizeof(names[n]), "%s %s %s: %s",
		    op_names[cases[i].op], h != NULL ? h->name : "(none)",
		    cases[i].at, cases[i].what);
		tests[n] = (struct CMUnitTest){ names[n], run_case, NULL,
		    NULL, &cases[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(date_of_instants);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(add_open_then_count_gives_the_amount);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(fractions_of_a_second_are_kept);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(instants_out_of_range_are_refused);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
