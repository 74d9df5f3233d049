/*
 * parse.h: pure parsers for the values of wachtd.conf.
 *
 * Each returns 0 and stores the value, or -1 and points *why at a short
 * English reason ("missing unit (s, m, h, d)") that the caller prefixes with
 * FILE:LINE. No allocation, no globals, no clock.
 */
#ifndef WACHTD_PARSE_H
#define WACHTD_PARSE_H

#include <stddef.h>

/* "10s", "1m30s", "2h", "1d", "0": seconds. */
int	parse_duration(const char *s, double *secs, const char **why);

/* "2workdays" (also "1workday"): a count of working days. */
int	parse_workdays(const char *s, int *days, const char **why);

/* "80%", "99.5%": a percentage in [0, 100]. */
int	parse_percent(const char *s, double *pct, const char **why);

/* "4", "4.2", "4/5", "7.5/10": a score, and the scale it is on (5: 1 to
 * 5, 10: 0 to 10). */
int	parse_score(const char *s, double *score, int *scale,
	    const char **why);

/* "08:30": minutes since midnight; 24:00 only when allow_2400. */
int	parse_clock(const char *s, int allow_2400, int *minutes,
	    const char **why);

/* "2026-12-24": a valid calendar date as YYYYMMDD. */
int	parse_date(const char *s, int *yyyymmdd, const char **why);

/* "yes/no/true/false/on/off/1/0". */
int	parse_bool(const char *s, int *b, const char **why);

/* "127.0.0.1:8080", "[::1]:8080", "*:8081": host (no brackets) and port. */
int	parse_listen(const char *s, char *host, size_t hostlen, int *port,
	    const char **why);

/* "telefoon/algemeen": CHANNEL/NAME of lowercase [a-z0-9_-], each 1-64. */
int	parse_queue_id(const char *s, const char **why);

/* Valid UTF-8: labels end up in JSON, topics in MQTT, which need it. */
int	parse_utf8(const char *s, const char **why);

/* One line of text a person typed (who, why): 1 to max bytes of UTF-8
 * without control characters. */
int	parse_text(const char *s, size_t max, const char **why);

/* An integer in [min, max]. */
int	parse_int(const char *s, long min, long max, long *v, const char **why);

#endif
