/*
 * report_fmt.h: the period report of `wachtctl report`, from the daemon's
 * JSON (GET /api/v1/report) to a Dutch text table, CSV, JSON or HTML.
 *
 * Pure: no network, no clock, no globals. The HTML report embeds graphs,
 * which it asks for through a fetch callback, so tests feed fixture SVGs.
 * Functions return 0, or -1 with *why pointing at a short Dutch reason.
 */
#ifndef WACHTD_REPORT_FMT_H
#define WACHTD_REPORT_FMT_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

enum report_fmt_format {
	REPORT_FMT_TEXT,	/* fixed-width Dutch table */
	REPORT_FMT_CSV,		/* RFC 4180, machine figures */
	REPORT_FMT_JSON,	/* the daemon's JSON, pretty-printed */
	REPORT_FMT_HTML		/* one printable HTML5 document with graphs */
};

/*
 * Fetches path ("/graph/telefoon/algemeen/sl.svg?start=...") from the
 * daemon: 0 with a malloc'd body the formatter frees, or -1.
 */
typedef int	(*report_fmt_fetch)(const char *path, char **body,
		    size_t *len, void *arg);

/* "text", "csv", "json", "html". */
int	report_fmt_format(const char *name, enum report_fmt_format *f);

/* Writes report r as f; fetch (HTML only) may be NULL for no graphs. */
int	report_fmt_write(FILE *out, const json_t *r, enum report_fmt_format f,
	    report_fmt_fetch fetch, void *arg, const char **why);

/* "2026-07-01T00:00:00+02:00" (also Z, fractions): epoch seconds. */
int	report_fmt_time(const char *s, long long *epoch);

/* 21 -> "21 s", 245 -> "4 min 05 s", 7800 -> "2 u 10 min". */
char	*report_fmt_duration(double secs, char *buf, size_t len);

/* report_fmt_duration, or in English ("2 h 10 min"); compact drops a
 * zero last part ("10 min", "2 u"). */
char	*report_fmt_span(double secs, int compact, int english, char *buf,
	    size_t len);

/* 82.26 -> "82,3%": one decimal, Dutch comma. */
char	*report_fmt_percent(double pct, char *buf, size_t len);
/* x to `decimals` places with a Dutch comma (a point in English);
 * `trim` drops trailing zeros and a bare comma: 4.25 -> "4,25",
 * 7.50 -> "7,5", 4.00 -> "4". */
char	*report_fmt_decimal(double x, int decimals, int trim, int english,
	    char *buf, size_t len);
/* Writes s with the five characters HTML gives a meaning escaped, and
 * control characters (not allowed in HTML text) as blanks. */
void	 report_fmt_escape(FILE *out, const char *s);

#endif
