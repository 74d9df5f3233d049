/*
 * test_parse.c: the value grammar of wachtd.conf (parse.h). One table row
 * per value a sysadmin might write; each row is its own named test, so a
 * failure says which spelling broke. Refusals must come with a reason,
 * because config.c prints it after FILE:LINE.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "parse.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

enum parser {
	DURATION,
	WORKDAYS,
	PERCENT,
	CLOCK,			/* an opening time: 24:00 not allowed */
	CLOCK_END,		/* a closing time: 24:00 allowed */
	DATE,
	BOOL,
	LISTEN,
	QUEUE_ID,
	INT,
	UTF8,
	SCORE
};

static const char *parser_names[] = {
	"duration", "workdays", "percent", "clock", "closing clock", "date",
	"bool", "listen", "queue id", "int", "utf-8", "score"
};

#define OK	1
#define BAD	0

struct pcase {
	enum parser	 parser;
	const char	*in;
	int		 ok;
	double		 want;		/* value; the port for LISTEN */
	const char	*why;		/* a part of the reason, when refused */
	const char	*what;		/* what the row shows */
	const char	*host;		/* LISTEN: expected host */
	long		 lo, hi;	/* INT: the range; SCORE: lo scale */
};

/* 65 characters: one more than a CHANNEL or NAME may have. */
#define C64 "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijkl"
#define C65 C64 "m"

static struct pcase cases[] = {
	/* Durations: units largest first, each once; never negative. */
	{ DURATION, "10s", OK, 10, NULL, "seconds", NULL, 0, 0 },
	{ DURATION, "1m30s", OK, 90, NULL, "minutes and seconds", NULL, 0, 0 },
	{ DURATION, "1.5h", OK, 5400, NULL, "hours with a fraction", NULL,
	    0, 0 },
	{ DURATION, "2d", OK, 172800, NULL, "days", NULL, 0, 0 },
	{ DURATION, "1d2h3m4s", OK, 93784, NULL, "every unit once", NULL,
	    0, 0 },
	{ DURATION, "0", OK, 0, NULL, "bare zero", NULL, 0, 0 },
	{ DURATION, "0s", OK, 0, NULL, "zero seconds", NULL, 0, 0 },
	{ DURATION, "3660d", OK, 3660 * 86400.0, NULL, "exactly ten years",
	    NULL, 0, 0 },
	{ DURATION, "", BAD, 0, "empty", "empty", NULL, 0, 0 },
	{ DURATION, "10", BAD, 0, "missing unit", "a number without unit",
	    NULL, 0, 0 },
	{ DURATION, "10x", BAD, 0, "unknown unit", "an unknown unit", NULL,
	    0, 0 },
	{ DURATION, "10S", BAD, 0, "unknown unit", "an upper-case unit", NULL,
	    0, 0 },
	{ DURATION, "s", BAD, 0, "expected a duration", "a unit without "
	    "number", NULL, 0, 0 },
	{ DURATION, "1m1h", BAD, 0, "out of order", "units smallest first",
	    NULL, 0, 0 },
	{ DURATION, "1h1h", BAD, 0, "repeated", "a unit twice", NULL, 0, 0 },
	{ DURATION, "-5s", BAD, 0, "expected a duration", "a negative "
	    "duration", NULL, 0, 0 },
	{ DURATION, "1e3s", BAD, 0, "unknown unit", "an exponent", NULL,
	    0, 0 },
	{ DURATION, "1.s", BAD, 0, "expected a duration", "a dot without "
	    "fraction", NULL, 0, 0 },
	{ DURATION, "10 s", BAD, 0, "unknown unit", "a blank before the unit",
	    NULL, 0, 0 },
	{ DURATION, "3661d", BAD, 0, "ten years", "over ten years", NULL,
	    0, 0 },
	{ DURATION, "87865h", BAD, 0, "ten years", "over ten years in hours",
	    NULL, 0, 0 },

	/* Working days for respond_within. */
	{ WORKDAYS, "2workdays", OK, 2, NULL, "two", NULL, 0, 0 },
	{ WORKDAYS, "1workday", OK, 1, NULL, "one, singular", NULL, 0, 0 },
	{ WORKDAYS, "365workdays", OK, 365, NULL, "a year at most", NULL,
	    0, 0 },
	{ WORKDAYS, "0workdays", BAD, 0, "between 1 and 365", "zero", NULL,
	    0, 0 },
	{ WORKDAYS, "366workdays", BAD, 0, "between 1 and 365", "too many",
	    NULL, 0, 0 },
	{ WORKDAYS, "workdays", BAD, 0, "like 2workdays", "no number", NULL,
	    0, 0 },
	{ WORKDAYS, "2 workdays", BAD, 0, "like 2workdays", "a blank inside",
	    NULL, 0, 0 },
	{ WORKDAYS, "2days", BAD, 0, "like 2workdays", "calendar days", NULL,
	    0, 0 },
	{ WORKDAYS, "-2workdays", BAD, 0, "like 2workdays", "negative", NULL,
	    0, 0 },

	/* Percentages: the sign is required, 0..100. */
	{ PERCENT, "80%", OK, 80, NULL, "whole", NULL, 0, 0 },
	{ PERCENT, "99.5%", OK, 99.5, NULL, "with a fraction", NULL, 0, 0 },
	{ PERCENT, "0%", OK, 0, NULL, "zero", NULL, 0, 0 },
	{ PERCENT, "100%", OK, 100, NULL, "a hundred", NULL, 0, 0 },
	{ PERCENT, "80", BAD, 0, "like 80%", "without the sign", NULL, 0, 0 },
	{ PERCENT, "101%", BAD, 0, "above 100%", "above a hundred", NULL,
	    0, 0 },
	{ PERCENT, "100.5%", BAD, 0, "above 100%", "just above a hundred",
	    NULL, 0, 0 },
	{ PERCENT, "%", BAD, 0, "like 80%", "the sign alone", NULL, 0, 0 },
	{ PERCENT, "-5%", BAD, 0, "like 80%", "negative", NULL, 0, 0 },
	{ PERCENT, "80 %", BAD, 0, "like 80%", "a blank before the sign",
	    NULL, 0, 0 },
	{ PERCENT, "80,5%", BAD, 0, "like 80%", "a decimal comma", NULL,
	    0, 0 },

	/* Clock times as minutes since midnight. */
	{ CLOCK, "08:30", OK, 510, NULL, "morning", NULL, 0, 0 },
	{ CLOCK, "00:00", OK, 0, NULL, "midnight", NULL, 0, 0 },
	{ CLOCK, "23:59", OK, 1439, NULL, "last minute", NULL, 0, 0 },
	{ CLOCK, "24:00", BAD, 0, "out of range", "24:00 as an opening time",
	    NULL, 0, 0 },
	{ CLOCK_END, "24:00", OK, 1440, NULL, "24:00 as a closing time",
	    NULL, 0, 0 },
	{ CLOCK_END, "24:01", BAD, 0, "out of range", "past 24:00", NULL,
	    0, 0 },
	{ CLOCK, "8:30", BAD, 0, "like 08:30", "one-digit hour", NULL, 0, 0 },
	{ CLOCK, "25:00", BAD, 0, "out of range", "hour 25", NULL, 0, 0 },
	{ CLOCK, "12:60", BAD, 0, "out of range", "minute 60", NULL, 0, 0 },
	{ CLOCK, "0830", BAD, 0, "like 08:30", "no colon", NULL, 0, 0 },
	{ CLOCK, "08:30:00", BAD, 0, "like 08:30", "with seconds", NULL,
	    0, 0 },
	{ CLOCK, "08.30", BAD, 0, "like 08:30", "a dot", NULL, 0, 0 },
	{ CLOCK, "", BAD, 0, "like 08:30", "empty", NULL, 0, 0 },

	/* Calendar dates. */
	{ DATE, "2026-12-24", OK, 20261224, NULL, "christmas eve", NULL,
	    0, 0 },
	{ DATE, "2028-02-29", OK, 20280229, NULL, "leap day of a leap year",
	    NULL, 0, 0 },
	{ DATE, "2000-02-29", OK, 20000229, NULL, "leap day of 2000", NULL,
	    0, 0 },
	{ DATE, "2026-02-29", BAD, 0, "no such day", "leap day of a common "
	    "year", NULL, 0, 0 },
	{ DATE, "2100-02-29", BAD, 0, "no such day", "leap day of 2100",
	    NULL, 0, 0 },
	{ DATE, "2026-04-31", BAD, 0, "no such day", "april 31", NULL, 0, 0 },
	{ DATE, "2026-12-00", BAD, 0, "no such day", "day zero", NULL, 0, 0 },
	{ DATE, "2026-13-01", BAD, 0, "out of range", "month 13", NULL,
	    0, 0 },
	{ DATE, "2026-00-10", BAD, 0, "out of range", "month zero", NULL,
	    0, 0 },
	{ DATE, "2026-1-1", BAD, 0, "like 2026-12-24", "one-digit month and "
	    "day", NULL, 0, 0 },
	{ DATE, "24-12-2026", BAD, 0, "like 2026-12-24", "day first", NULL,
	    0, 0 },
	{ DATE, "2026-12-24x", BAD, 0, "like 2026-12-24", "trailing junk",
	    NULL, 0, 0 },
	{ DATE, "2026-12", BAD, 0, "like 2026-12-24", "no day", NULL, 0, 0 },

	/* Yes and no. */
	{ BOOL, "yes", OK, 1, NULL, "yes", NULL, 0, 0 },
	{ BOOL, "true", OK, 1, NULL, "true", NULL, 0, 0 },
	{ BOOL, "on", OK, 1, NULL, "on", NULL, 0, 0 },
	{ BOOL, "1", OK, 1, NULL, "one", NULL, 0, 0 },
	{ BOOL, "YES", OK, 1, NULL, "any case", NULL, 0, 0 },
	{ BOOL, "no", OK, 0, NULL, "no", NULL, 0, 0 },
	{ BOOL, "false", OK, 0, NULL, "false", NULL, 0, 0 },
	{ BOOL, "off", OK, 0, NULL, "off", NULL, 0, 0 },
	{ BOOL, "0", OK, 0, NULL, "zero", NULL, 0, 0 },
	{ BOOL, "ja", BAD, 0, "yes or no", "Dutch", NULL, 0, 0 },
	{ BOOL, "", BAD, 0, "yes or no", "empty", NULL, 0, 0 },
	{ BOOL, "yes please", BAD, 0, "yes or no", "more words", NULL, 0, 0 },

	/* Listen addresses. */
	{ LISTEN, "127.0.0.1:8080", OK, 8080, NULL, "IPv4 loopback",
	    "127.0.0.1", 0, 0 },
	{ LISTEN, "[::1]:8080", OK, 8080, NULL, "IPv6 in brackets", "::1",
	    0, 0 },
	{ LISTEN, "*:8081", OK, 8081, NULL, "star is every IPv4 address",
	    "0.0.0.0", 0, 0 },
	{ LISTEN, "localhost:1", OK, 1, NULL, "lowest port", "localhost",
	    0, 0 },
	{ LISTEN, "localhost:65535", OK, 65535, NULL, "highest port",
	    "localhost", 0, 0 },
	{ LISTEN, "8080", BAD, 0, "address:port", "a port alone", NULL, 0, 0 },
	{ LISTEN, "::1:80", BAD, 0, "in brackets", "IPv6 without brackets",
	    NULL, 0, 0 },
	{ LISTEN, "host:0", BAD, 0, "from 1 to 65535", "port zero", NULL,
	    0, 0 },
	{ LISTEN, "host:65536", BAD, 0, "from 1 to 65535", "port too high",
	    NULL, 0, 0 },
	{ LISTEN, "host:", BAD, 0, "from 1 to 65535", "no port", NULL, 0, 0 },
	{ LISTEN, "host:http", BAD, 0, "from 1 to 65535", "a service name",
	    NULL, 0, 0 },
	{ LISTEN, ":8080", BAD, 0, "missing", "no address", NULL, 0, 0 },
	{ LISTEN, "[::1]8080", BAD, 0, "[IPv6]:port", "no colon after the "
	    "bracket", NULL, 0, 0 },
	{ LISTEN, "[::1:8080", BAD, 0, "[IPv6]:port", "unclosed bracket",
	    NULL, 0, 0 },
	{ LISTEN, "[]:8080", BAD, 0, "missing", "empty brackets", NULL, 0, 0 },

	/* Queue ids: CHANNEL/NAME, lowercase, each part 1-64. */
	/* Text: labels go into JSON and topics into MQTT, both UTF-8 only. */
	{ UTF8, "Telefoon 14 0548", OK, 0, NULL, "plain ASCII", NULL, 0, 0 },
	{ UTF8, "Balie \xc3\xa9\xe2\x82\xac\xf0\x9f\x93\x9e", OK, 0, NULL,
	    "two, three and four bytes", NULL, 0, 0 },
	{ UTF8, "caf\xe9", BAD, 0, "UTF-8", "Latin-1", NULL, 0, 0 },
	{ UTF8, "\xc0\xaf", BAD, 0, "UTF-8", "overlong slash", NULL, 0, 0 },
	{ UTF8, "\xed\xa0\x80", BAD, 0, "UTF-8", "a surrogate", NULL, 0, 0 },
	{ UTF8, "\xf4\x90\x80\x80", BAD, 0, "UTF-8", "past U+10FFFF", NULL,
	    0, 0 },
	{ UTF8, "\xe2\x82", BAD, 0, "UTF-8", "cut short", NULL, 0, 0 },
	{ QUEUE_ID, "telefoon/algemeen", OK, 0, NULL, "the usual kind", NULL,
	    0, 0 },
	{ QUEUE_ID, "chat/website-2_b", OK, 0, NULL, "digits, '-' and '_'",
	    NULL, 0, 0 },
	{ QUEUE_ID, C64 "/" C64, OK, 0, NULL, "64-character parts", NULL,
	    0, 0 },
	{ QUEUE_ID, "Telefoon/x", BAD, 0, "lowercase", "an upper-case letter",
	    NULL, 0, 0 },
	{ QUEUE_ID, "a/b/c", BAD, 0, "CHANNEL/NAME", "three parts", NULL,
	    0, 0 },
	{ QUEUE_ID, "/x", BAD, 0, "CHANNEL/NAME", "no channel", NULL, 0, 0 },
	{ QUEUE_ID, "x/", BAD, 0, "CHANNEL/NAME", "no name", NULL, 0, 0 },
	{ QUEUE_ID, "telefoon", BAD, 0, "CHANNEL/NAME", "no slash", NULL,
	    0, 0 },
	{ QUEUE_ID, "", BAD, 0, "CHANNEL/NAME", "empty", NULL, 0, 0 },
	{ QUEUE_ID, "tele foon/x", BAD, 0, "CHANNEL/NAME", "a blank", NULL,
	    0, 0 },
	{ QUEUE_ID, "telefoon/+", BAD, 0, "CHANNEL/NAME", "an MQTT wildcard",
	    NULL, 0, 0 },
	{ QUEUE_ID, C65 "/x", BAD, 0, "at most 64", "a 65-character channel",
	    NULL, 0, 0 },
	{ QUEUE_ID, "x/" C65, BAD, 0, "at most 64", "a 65-character name",
	    NULL, 0, 0 },

	/* Whole numbers in a range. */
	{ INT, "42", OK, 42, NULL, "inside the range", NULL, 0, 100 },
	{ INT, "0", OK, 0, NULL, "the lower bound", NULL, 0, 100 },
	{ INT, "100", OK, 100, NULL, "the upper bound", NULL, 0, 100 },
	{ INT, "-5", OK, -5, NULL, "negative when allowed", NULL, -10, 10 },
	{ INT, "101", BAD, 0, "out of range", "above the range", NULL, 0, 100 },
	{ INT, "-1", BAD, 0, "out of range", "below the range", NULL, 0, 100 },
	{ INT, "", BAD, 0, "whole number", "empty", NULL, 0, 100 },
	{ INT, " 5", BAD, 0, "whole number", "a leading blank", NULL, 0, 100 },
	{ INT, "5 ", BAD, 0, "whole number", "a trailing blank", NULL, 0, 100 },
	{ INT, "1.5", BAD, 0, "whole number", "a fraction", NULL, 0, 100 },
	{ INT, "0x10", BAD, 0, "whole number", "hexadecimal", NULL, 0, 100 },
	{ INT, "99999999999999999999", BAD, 0, "whole number", "beyond a "
	    "long", NULL, 0, 100 },

	/* Scores for rating_target and positive_from: 1 to 5 bare or with
	 * "/5", 0 to 10 with "/10"; the scale comes back with the score. */
	{ SCORE, "4", OK, 4, NULL, "a whole score of 5", NULL, 5, 0 },
	{ SCORE, "4.2", OK, 4.2, NULL, "an average of 5", NULL, 5, 0 },
	{ SCORE, "4/5", OK, 4, NULL, "of 5 said", NULL, 5, 0 },
	{ SCORE, "4.5/5", OK, 4.5, NULL, "a fraction of 5 said", NULL, 5, 0 },
	{ SCORE, "1", OK, 1, NULL, "the lowest of 5", NULL, 5, 0 },
	{ SCORE, "5", OK, 5, NULL, "the highest of 5", NULL, 5, 0 },
	{ SCORE, "7.5/10", OK, 7.5, NULL, "an average of 10", NULL, 10, 0 },
	{ SCORE, "8/10", OK, 8, NULL, "a whole score of 10", NULL, 10, 0 },
	{ SCORE, "0/10", OK, 0, NULL, "the lowest of 10", NULL, 10, 0 },
	{ SCORE, "10/10", OK, 10, NULL, "the highest of 10", NULL, 10, 0 },
	{ SCORE, "0", BAD, 0, "a score of 1 to 5", "zero of 5", NULL, 0, 0 },
	{ SCORE, "0.5", BAD, 0, "a score of 1 to 5", "below one of 5", NULL,
	    0, 0 },
	{ SCORE, "5.5", BAD, 0, "a score of 1 to 5", "above five", NULL,
	    0, 0 },
	{ SCORE, "8", BAD, 0, "write 8/10", "a score of 10 without /10",
	    NULL, 0, 0 },
	{ SCORE, "6/5", BAD, 0, "a score of 1 to 5", "above five, said",
	    NULL, 0, 0 },
	{ SCORE, "11/10", BAD, 0, "a score of 0 to 10", "above ten", NULL,
	    0, 0 },
	{ SCORE, "10.5/10", BAD, 0, "a score of 0 to 10", "just above ten",
	    NULL, 0, 0 },
	{ SCORE, "", BAD, 0, "like 4", "empty", NULL, 0, 0 },
	{ SCORE, "-1", BAD, 0, "like 4", "negative", NULL, 0, 0 },
	{ SCORE, "4,2", BAD, 0, "like 4", "a decimal comma", NULL, 0, 0 },
	{ SCORE, "4 /5", BAD, 0, "like 4", "a blank before the scale", NULL,
	    0, 0 },
	{ SCORE, "4/", BAD, 0, "like 4", "a slash without scale", NULL,
	    0, 0 },
	{ SCORE, "/10", BAD, 0, "like 4", "a scale without score", NULL,
	    0, 0 },
	{ SCORE, "7/100", BAD, 0, "like 4", "another scale", NULL, 0, 0 },
	{ SCORE, "3/4", BAD, 0, "like 4", "a fraction, not a scale", NULL,
	    0, 0 },
	{ SCORE, "4/5/5", BAD, 0, "like 4", "two slashes", NULL, 0, 0 },
	{ SCORE, "80%", BAD, 0, "like 4", "a percentage", NULL, 0, 0 },
	{ SCORE, "4.", BAD, 0, "like 4", "a dot without fraction", NULL,
	    0, 0 },
};

/* Runs one row: the parser must accept it with the value, or refuse it. */
static void
run_case(void **state)
{
	const struct pcase *c = *state;
	const char	*why = NULL;
	char		 host[64] = "";
	double		 got = -12345;
	int		 rc = -2, i = -12345;
	long		 l = -12345;

	switch (c->parser) {
	case DURATION:
		rc = parse_duration(c->in, &got, &why);
		break;
	case WORKDAYS:
		rc = parse_workdays(c->in, &i, &why);
		got = i;
		break;
	case PERCENT:
		rc = parse_percent(c->in, &got, &why);
		break;
	case CLOCK:
	case CLOCK_END:
		rc = parse_clock(c->in, c->parser == CLOCK_END, &i, &why);
		got = i;
		break;
	case DATE:
		rc = parse_date(c->in, &i, &why);
		got = i;
		break;
	case BOOL:
		rc = parse_bool(c->in, &i, &why);
		got = i;
		break;
	case LISTEN:
		rc = parse_listen(c->in, host, sizeof(host), &i, &why);
		got = i;
		break;
	case QUEUE_ID:
		rc = parse_queue_id(c->in, &why);
		got = 0;
		break;
	case INT:
		rc = parse_int(c->in, c->lo, c->hi, &l, &why);
		got = (double)l;
		break;
	case UTF8:
		rc = parse_utf8(c->in, &why);
		got = 0;
		break;
	case SCORE:
		rc = parse_score(c->in, &got, &i, &why);
		break;
	}

	if (c->ok) {
		if (rc != 0)
			fail_msg("\"%s\" refused: %s", c->in,
			    why != NULL ? why : "(no reason)");
		assert_true(got == c->want);
		if (c->parser == LISTEN)
			assert_string_equal(host, c->host);
		if (c->parser == SCORE)
			assert_int_equal(i, c->lo);
	} else {
		assert_int_equal(rc, -1);
		assert_non_null(why);
		assert_true(why[0] != '\0');
		if (c->why != NULL && strstr(why, c->why) == NULL)
			fail_msg("\"%s\": reason \"%s\" does not mention \"%s\"",
			    c->in, why, c->why);
	}
}

/*
 * "*" stands for "0.0.0.0": a host buffer too small for that must be
 * refused like any overlong address, never left unterminated.
 */
static void
listen_star_in_small_buffer_is_refused(void **state)
{
	char		 host[8], tiny[4];
	const char	*why = NULL;
	int		 port = 0;

	(void)state;
	assert_int_equal(parse_listen("*:8081", host, sizeof(host), &port,
	    &why), 0);
	assert_string_equal(host, "0.0.0.0");
	memset(tiny, 'x', sizeof(tiny));
	assert_int_equal(parse_listen("*:8081", tiny, sizeof(tiny), &port,
	    &why), -1);
	assert_non_null(why);
	assert_int_equal(parse_listen("abcd:80", tiny, sizeof(tiny), &port,
	    &why), -1);
	assert_int_equal(parse_listen("abc:80", tiny, sizeof(tiny), &port,
	    &why), 0);
	assert_string_equal(tiny, "abc");
}

/* A refused duration says which mistake it was, not one generic line. */
static void
durations_and_their_reasons_differ(void **state)
{
	const char	*a = NULL, *b = NULL, *c = NULL;
	double		 d;

	(void)state;
	assert_int_equal(parse_duration("10", &d, &a), -1);
	assert_int_equal(parse_duration("1h1h", &d, &b), -1);
	assert_int_equal(parse_duration("3661d", &d, &c), -1);
	assert_string_not_equal(a, b);
	assert_string_not_equal(b, c);
	assert_string_not_equal(a, c);
}

int
main(void)
{
	static char	 names[NELEM(cases)][160];
	struct CMUnitTest tests[NELEM(cases) + 2];
	size_t		 i, n = 0;

	for (i = 0; i < NELEM(cases); i++) {
		snprintf(names[i], sizeof(names[i]), "%s \"%.40s%s\" %s: %s",
		    parser_names[cases[i].parser], cases[i].in,
		    strlen(cases[i].in) > 40 ? "..." : "",
		    cases[i].ok ? "accepted" : "refused", cases[i].what);
		tests[n++] = (struct CMUnitTest){ names[i], run_case, NULL,
		    NULL, &cases[i] };
	}
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(listen_star_in_small_buffer_is_refused);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(durations_and_their_reasons_differ);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
