/*
 * fuzz_payload.c: payload_parse (monitor/payload.c) with any bytes under
 * any metric, and the value parsers of wachtd.conf (monitor/parse.c) with
 * the same bytes as a string. The first byte picks the metric, the rest
 * is the payload as a probe published it.
 *
 * Not crashing is not enough: what passes must be what payload.c promises
 * (a finite, bounded, non-negative value, a ts in the window, a clean id),
 * since queue.c takes it without looking again. A broken promise aborts.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "payload.h"

#define NOW	1764412345.0	/* as the unit tests' */
#define OLDEST	(NOW - 20)	/* the step before now's, as ingest.c */

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what, const char *s)
{
	fprintf(stderr, "fuzz_payload: %s: '%s'\n", what, s);
	abort();
}

/* What a payload that passed may hold, by metric (payload.h). */
static void
check_payload(enum metric m, const struct payload *p)
{
	size_t	 i, len;

	if (!isfinite(p->value) || p->value < 0 || p->value > 1e9)
		broken("value out of range", metric_name(m));
	if ((m == METRIC_WAITING || m == METRIC_BACKLOG ||
	    m == METRIC_ARRIVED) && p->value != floor(p->value))
		broken("a count with a fraction", metric_name(m));
	if (m == METRIC_ARRIVED && p->value > 1e4)
		broken("too many arrived", metric_name(m));
	if (!isfinite(p->ts) || p->ts < OLDEST || p->ts > NOW + PAYLOAD_FUTURE)
		broken("ts outside the window", metric_name(m));
	if (m == METRIC_RESOLVED && p->value != 0 && p->value != 1)
		broken("resolved is not a bool", metric_name(m));
	if (m == METRIC_RATING && ((p->scale != 5 && p->scale != 10) ||
	    p->value < (p->scale == 5) || p->value > p->scale))
		broken("rating off its scale", metric_name(m));
	if (m != METRIC_JOIN && m != METRIC_LEAVE)
		return;
	if ((len = strnlen(p->id, sizeof(p->id))) == 0 || len > PAYLOAD_ID_MAX)
		broken("lifecycle id missing or unterminated", metric_name(m));
	for (i = 0; i < len; i++)
		if (strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		    "0123456789._:-", p->id[i]) == NULL)
			broken("lifecycle id with a forbidden byte", p->id);
}

/* Every value parser of parse.h on s, and what each promises on success. */
static void
parse_all(const char *s)
{
	const char	*why;
	char		 host[64], tiny[4];
	double		 d;
	long		 l;
	int		 i;

	if (parse_duration(s, &d, &why) == 0 &&
	    (!isfinite(d) || d < 0 || d > 10.0 * 366 * 86400))
		broken("duration out of range", s);
	if (parse_workdays(s, &i, &why) == 0 && (i < 1 || i > 365))
		broken("workdays out of range", s);
	if (parse_percent(s, &d, &why) == 0 && !(d >= 0 && d <= 100))
		broken("percentage out of range", s);
	if (parse_clock(s, 1, &i, &why) == 0 && (i < 0 || i > 24 * 60))
		broken("clock out of range", s);
	if (parse_clock(s, 0, &i, &why) == 0 && (i < 0 || i >= 24 * 60))
		broken("clock out of range", s);
	if (parse_date(s, &i, &why) == 0 && (i < 19700101 || i > 21991231))
		broken("date out of range", s);
	parse_bool(s, &i, &why);
	if (parse_int(s, -5, 5, &l, &why) == 0 && (l < -5 || l > 5))
		broken("int out of range", s);
	if (parse_listen(s, host, sizeof(host), &i, &why) == 0 &&
	    (strnlen(host, sizeof(host)) == sizeof(host) || i < 1 ||
	    i > 65535))
		broken("listen address", s);
	/* Too small for "*" as 0.0.0.0: refused, never overrun. */
	if (parse_listen(s, tiny, sizeof(tiny), &i, &why) == 0 &&
	    strnlen(tiny, sizeof(tiny)) == sizeof(tiny))
		broken("listen address in a small buffer", s);
	if (parse_queue_id(s, &why) == 0 && strchr(s, '/') == NULL)
		broken("queue id without a channel", s);
	parse_utf8(s, &why);
	if (parse_text(s, 16, &why) == 0 && strlen(s) > 16)
		broken("text too long", s);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct payload	 p;
	enum reject	 why = REJECT_COUNT;
	enum metric	 m;
	char		*s;

	if (size == 0)
		return 0;
	m = data[0] % METRIC_COUNT;
	if (payload_parse(m, (const char *)data + 1, size - 1, NOW, OLDEST,
	    &p, &why) == 0)
		check_payload(m, &p);
	else if (why >= REJECT_COUNT)
		broken("refused without a reason", metric_name(m));

	/* As a line of wachtd.conf would hand it over: up to a NUL. */
	if ((s = malloc(size)) == NULL)
		abort();
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	parse_all(s);
	free(s);
	return 0;
}
