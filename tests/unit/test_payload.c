/*
 * test_payload.c: what a probe may publish (DESIGN §4) and what wachtd
 * refuses, with the exact reason that ends up in the rejected counters.
 * Each table row is its own named test. `now` is a fixed number: no clock.
 */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "payload.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* The clock of every case: now, and the oldest ts still on time. */
#define NOW		1764412345.0
#define OLDEST		(NOW - 20)
#define TS_NOW		"1764412345"
#define TS_5AGO		"1764412340"	/* NOW - 5 */
#define TS_OLDEST	"1764412325"	/* OLDEST: still on time */
#define TS_LATE		"1764412324"	/* OLDEST - 1 */
#define TS_AHEAD	"1764412645"	/* NOW + PAYLOAD_FUTURE: allowed */
#define TS_FUTURE	"1764412646"	/* NOW + PAYLOAD_FUTURE + 1 */

/* Ids: 64 characters is the limit, 65 one too many. */
#define ID64 "A123456789B123456789C123456789D123456789E123456789F123456789G123"
#define ID65 ID64 "4"

#define W	METRIC_WAITING
#define LW	METRIC_LONGEST_WAIT
#define AG	METRIC_AGENTS
#define BL	METRIC_BACKLOG
#define OA	METRIC_OLDEST_AGE
#define AR	METRIC_ARRIVED
#define AN	METRIC_ANSWERED
#define AB	METRIC_ABANDONED
#define HT	METRIC_HANDLE_TIME
#define RS	METRIC_RESOLVED
#define RT	METRIC_RATING
#define JN	METRIC_JOIN
#define LV	METRIC_LEAVE

/*
 * A payload: `buf`, or its first `len` bytes when len is set (for NULs),
 * padded with blanks to `pad` bytes when pad is set (for size limits).
 */
struct bytes {
	const char	*buf;
	size_t		 len;
	size_t		 pad;
};

struct bad {
	enum metric	 m;
	struct bytes	 in;
	enum reject	 want;
	const char	*what;
};

#define B(s)		{ s, 0, 0 }
#define BLEN(s, n)	{ s, n, 0 }
#define BPAD(s, n)	{ s, 0, n }

static struct bad bad[] = {
	/* Plain numbers that are not. */
	{ W, B("abc"), REJECT_NOT_A_NUMBER, "a word" },
	{ W, B("nan"), REJECT_NOT_FINITE, "NaN" },
	{ W, B("NaN"), REJECT_NOT_FINITE, "NaN, any case" },
	{ W, B("inf"), REJECT_NOT_FINITE, "infinity" },
	{ W, B("-inf"), REJECT_NOT_FINITE, "minus infinity" },
	{ AN, B("Infinity"), REJECT_NOT_FINITE, "infinity spelled out" },
	{ W, B("1e999"), REJECT_NOT_FINITE, "overflowing exponent" },
	{ HT, B("-1e999"), REJECT_NOT_FINITE, "overflowing negative" },
	{ W, B("-1"), REJECT_NEGATIVE, "negative" },
	{ LW, B("-0.5"), REJECT_NEGATIVE, "negative wait" },
	{ W, B("1.5"), REJECT_NOT_INTEGER, "half a caller" },
	{ BL, B("3.2"), REJECT_NOT_INTEGER, "a fraction of an e-mail" },
	{ AR, B("2.5"), REJECT_NOT_INTEGER, "a fraction of an arrival" },
	{ W, B("1000000001"), REJECT_OUT_OF_RANGE, "over a billion" },
	{ W, B("0x10"), REJECT_NOT_A_NUMBER, "hexadecimal" },
	{ W, B("1,5"), REJECT_NOT_A_NUMBER, "a decimal comma" },
	{ W, B("7 8"), REJECT_NOT_A_NUMBER, "two numbers" },
	{ W, B("7abc"), REJECT_NOT_A_NUMBER, "a number and a word" },
	{ W, B("1e"), REJECT_NOT_A_NUMBER, "an exponent without digits" },
	{ W, B("."), REJECT_NOT_A_NUMBER, "a dot" },
	{ W, B("-"), REJECT_NOT_A_NUMBER, "a sign" },
	{ W, BLEN("7\0", 2), REJECT_NOT_A_NUMBER, "a NUL after the number" },
	{ W, B("\"7\""), REJECT_NOT_A_NUMBER, "a JSON string" },
	{ W, B("[1]"), REJECT_NOT_A_NUMBER, "a JSON array" },
	{ W, B(" "), REJECT_EMPTY, "a blank" },
	{ W, B(""), REJECT_EMPTY, "nothing" },
	{ AN, B("\n\t"), REJECT_EMPTY, "white space only" },
	{ W, BPAD("7", PAYLOAD_MAX + 1), REJECT_TOO_LARGE, "4097 bytes" },

	/* JSON objects with the wrong inside. */
	{ W, B("{"), REJECT_BAD_JSON, "an unclosed object" },
	{ W, B("{\"value\":7}junk"), REJECT_BAD_JSON, "junk after the "
	    "object" },
	{ W, B("{\"value\":7,\"value\":8}"), REJECT_BAD_JSON, "a duplicate "
	    "key" },
	{ W, B("{\"value\":1e999}"), REJECT_BAD_JSON, "an overflowing JSON "
	    "number" },
	{ W, B("{\"value\":\"7\"}"), REJECT_BAD_FIELD, "value as a string" },
	{ W, B("{\"value\":null}"), REJECT_BAD_FIELD, "value null" },
	{ W, B("{\"value\":true}"), REJECT_BAD_FIELD, "value a boolean" },
	{ W, B("{\"value\":[7]}"), REJECT_BAD_FIELD, "value an array" },
	{ W, B("{\"value\":7,\"unit\":\"calls\"}"), REJECT_BAD_FIELD,
	    "an unknown field" },
	{ W, B("{\"Value\":7}"), REJECT_BAD_FIELD, "a field in the wrong "
	    "case" },
	{ W, B("{}"), REJECT_EMPTY, "an empty object" },
	{ W, B("{\"ts\":" TS_NOW "}"), REJECT_EMPTY, "ts without value" },
	{ W, B("{\"value\":-3}"), REJECT_NEGATIVE, "negative in JSON" },
	{ W, B("{\"value\":2.5}"), REJECT_NOT_INTEGER, "a fraction in JSON" },
	{ AG, B("{\"value\":2e9}"), REJECT_OUT_OF_RANGE, "two billion agents" },
	{ AR, B("10001"), REJECT_OUT_OF_RANGE, "over 10,000 arrivals at once" },
	{ AR, B("{\"value\":\"1\"}"), REJECT_BAD_FIELD, "arrived as a string" },

	/* Time stamps. */
	{ W, B("{\"value\":7,\"ts\":" TS_FUTURE "}"), REJECT_FUTURE,
	    "ts over five minutes ahead" },
	{ W, B("{\"value\":7,\"ts\":" TS_LATE "}"), REJECT_TOO_LATE,
	    "ts before the oldest open step" },
	{ W, B("{\"value\":7,\"ts\":\"" TS_NOW "\"}"), REJECT_BAD_FIELD,
	    "ts as a string" },
	{ W, B("{\"value\":7,\"ts\":0}"), REJECT_BAD_FIELD, "ts zero" },
	{ W, B("{\"value\":7,\"ts\":-5}"), REJECT_BAD_FIELD, "ts negative" },
	{ W, B("{\"value\":7,\"ts\":null}"), REJECT_BAD_FIELD, "ts null" },
	{ AR, B("{\"ts\":" TS_FUTURE "}"), REJECT_FUTURE, "arrived in the "
	    "future" },

	/* resolved: {"direct": bool} only. */
	{ RS, B("1"), REJECT_BAD_JSON, "resolved as a plain number" },
	{ RS, B("true"), REJECT_BAD_JSON, "resolved as a bare true" },
	{ RS, B(""), REJECT_EMPTY, "resolved empty" },
	{ RS, B("{}"), REJECT_BAD_FIELD, "resolved without direct" },
	{ RS, B("{\"direct\":\"true\"}"), REJECT_BAD_FIELD, "direct as a "
	    "string" },
	{ RS, B("{\"direct\":1}"), REJECT_BAD_FIELD, "direct as a number" },
	{ RS, B("{\"direct\":true,\"value\":1}"), REJECT_BAD_FIELD,
	    "resolved with a value" },

	/* rating: 1-5, or 0-10 with scale 10. */
	{ RT, B("{\"score\":6}"), REJECT_OUT_OF_RANGE, "score 6 on scale 5" },
	{ RT, B("{\"score\":0}"), REJECT_OUT_OF_RANGE, "score 0 on scale 5" },
	{ RT, B("{\"score\":0,\"scale\":5}"), REJECT_OUT_OF_RANGE,
	    "score 0 on an explicit scale 5" },
	{ RT, B("{\"score\":11,\"scale\":10}"), REJECT_OUT_OF_RANGE,
	    "score 11 on scale 10" },
	{ RT, B("{\"score\":-1,\"scale\":10}"), REJECT_OUT_OF_RANGE,
	    "negative score" },
	{ RT, B("{\"score\":4,\"scale\":7}"), REJECT_BAD_FIELD, "scale 7" },
	{ RT, B("{\"score\":4,\"scale\":10.0}"), REJECT_BAD_FIELD, "scale as "
	    "a real" },
	{ RT, B("{\"score\":4.5}"), REJECT_BAD_FIELD, "half a star" },
	{ RT, B("{\"score\":\"4\"}"), REJECT_BAD_FIELD, "score as a string" },
	{ RT, B("{\"scale\":10}"), REJECT_BAD_FIELD, "no score" },
	{ RT, B("4"), REJECT_BAD_JSON, "rating as a plain number" },

	/* join and leave: an opaque id, never anything personal. */
	{ JN, B("42"), REJECT_BAD_JSON, "join as a plain number" },
	{ JN, B(""), REJECT_EMPTY, "join empty" },
	{ JN, B("{}"), REJECT_BAD_ID, "join without id" },
	{ JN, B("{\"ts\":" TS_NOW "}"), REJECT_BAD_ID, "join with only ts" },
	{ JN, B("{\"id\":\"A 123\"}"), REJECT_BAD_ID, "an id with a space" },
	{ JN, B("{\"id\":\"" ID65 "\"}"), REJECT_BAD_ID, "an id of 65 "
	    "characters" },
	{ JN, B("{\"id\":\"\"}"), REJECT_BAD_ID, "an empty id" },
	{ JN, B("{\"id\":123}"), REJECT_BAD_ID, "an id as a number" },
	{ JN, B("{\"id\":\"a/b\"}"), REJECT_BAD_ID, "an id with a slash" },
	{ JN, B("{\"id\":\"caf\\u00e9\"}"), REJECT_BAD_ID, "an id with an "
	    "accent" },
	{ JN, B("{\"id\":\"jan@example.nl\"}"), REJECT_BAD_ID, "an e-mail "
	    "address as id" },
	{ JN, B("{\"id\":\"a\\u0000b\"}"), REJECT_BAD_JSON, "an id with a "
	    "NUL" },
	{ JN, B("{\"id\":\"A1\",\"outcome\":\"answered\"}"), REJECT_BAD_FIELD,
	    "join with an outcome" },
	{ JN, B("{\"id\":\"A1\",\"ts\":" TS_FUTURE "}"), REJECT_FUTURE,
	    "join in the future" },
	{ LV, B("{\"id\":\"A1\",\"outcome\":\"maybe\"}"), REJECT_BAD_FIELD,
	    "leave with outcome maybe" },
	{ LV, B("{\"id\":\"A1\",\"outcome\":\"ANSWERED\"}"), REJECT_BAD_FIELD,
	    "an outcome in capitals" },
	{ LV, B("{\"id\":\"A1\",\"outcome\":1}"), REJECT_BAD_FIELD,
	    "an outcome as a number" },
	{ LV, B("{\"outcome\":\"answered\"}"), REJECT_BAD_ID, "leave without "
	    "id" },
	{ LV, B("{\"id\":\"A1\",\"value\":3}"), REJECT_BAD_FIELD, "leave with "
	    "a value" },
	{ LV, B("{\"id\":\"A1\",\"ts\":" TS_LATE "}"), REJECT_TOO_LATE,
	    "leave too late" },
};

struct good {
	enum metric	 m;
	struct bytes	 in;
	double		 value;
	double		 ts;		/* 0: NOW */
	int		 scale;
	enum outcome	 outcome;
	const char	*id;
	const char	*what;
};

static struct good good[] = {
	{ W, B("7"), 7, 0, 5, OUTCOME_NONE, "", "a plain number" },
	{ LW, B(" 23.5\n"), 23.5, 0, 5, OUTCOME_NONE, "", "blanks and a "
	    "newline around a fraction" },
	{ W, B("0"), 0, 0, 5, OUTCOME_NONE, "", "zero" },
	{ W, B("7.0"), 7, 0, 5, OUTCOME_NONE, "", "a whole count written "
	    "with .0" },
	{ W, B("+7"), 7, 0, 5, OUTCOME_NONE, "", "an explicit plus" },
	{ AG, B("1e2"), 100, 0, 5, OUTCOME_NONE, "", "an exponent" },
	{ W, B("1000000000"), 1e9, 0, 5, OUTCOME_NONE, "", "a billion, the "
	    "limit" },
	{ W, BPAD("7", PAYLOAD_MAX), 7, 0, 5, OUTCOME_NONE, "", "exactly 4096 "
	    "bytes" },
	{ W, B("{\"value\":7,\"ts\":" TS_5AGO "}"), 7, NOW - 5, 5,
	    OUTCOME_NONE, "", "value with ts" },
	{ W, B(" {\"value\":7} \n"), 7, 0, 5, OUTCOME_NONE, "", "an object "
	    "between blanks" },
	{ W, B("{\"value\":7,\"ts\":" TS_AHEAD "}"), 7, NOW + PAYLOAD_FUTURE,
	    5, OUTCOME_NONE, "", "ts exactly five minutes ahead" },
	{ W, B("{\"value\":7,\"ts\":" TS_OLDEST "}"), 7, OLDEST, 5,
	    OUTCOME_NONE, "", "ts exactly at the oldest open step" },
	{ W, B("{\"value\":7,\"ts\":1764412344.5}"), 7, NOW - 0.5, 5,
	    OUTCOME_NONE, "", "ts with a fraction" },
	{ AN, B("12.5"), 12.5, 0, 5, OUTCOME_NONE, "", "answered after "
	    "12.5 s" },
	{ HT, B("{\"value\":240.5}"), 240.5, 0, 5, OUTCOME_NONE, "",
	    "handle time in JSON" },
	{ AR, B(""), 1, 0, 5, OUTCOME_NONE, "", "arrived empty is one" },
	{ AR, B(" \n"), 1, 0, 5, OUTCOME_NONE, "", "arrived blank is one" },
	{ AR, B("{}"), 1, 0, 5, OUTCOME_NONE, "", "arrived {} is one" },
	{ AR, B("{\"ts\":" TS_5AGO "}"), 1, NOW - 5, 5, OUTCOME_NONE, "",
	    "arrived with only ts is one" },
	{ AR, B("3"), 3, 0, 5, OUTCOME_NONE, "", "three arrived" },
	{ AR, B("{\"value\":2}"), 2, 0, 5, OUTCOME_NONE, "", "two arrived in "
	    "JSON" },
	{ RS, B("{\"direct\":true}"), 1, 0, 5, OUTCOME_NONE, "", "resolved "
	    "directly" },
	{ RS, B("{\"direct\":false,\"ts\":" TS_5AGO "}"), 0, NOW - 5, 5,
	    OUTCOME_NONE, "", "resolved later, with ts" },
	{ RT, B("{\"score\":4}"), 4, 0, 5, OUTCOME_NONE, "", "four stars" },
	{ RT, B("{\"score\":1}"), 1, 0, 5, OUTCOME_NONE, "", "one star" },
	{ RT, B("{\"score\":5,\"scale\":5}"), 5, 0, 5, OUTCOME_NONE, "",
	    "five stars, scale given" },
	{ RT, B("{\"score\":0,\"scale\":10}"), 0, 0, 10, OUTCOME_NONE, "",
	    "zero on scale 10" },
	{ RT, B("{\"score\":10,\"scale\":10}"), 10, 0, 10, OUTCOME_NONE, "",
	    "ten on scale 10" },
	{ JN, B("{\"id\":\"A123\"}"), 0, 0, 5, OUTCOME_NONE, "A123",
	    "a ticket joins" },
	{ JN, B("{\"id\":\"call-42.b:7_x\",\"ts\":" TS_5AGO "}"), 0, NOW - 5,
	    5, OUTCOME_NONE, "call-42.b:7_x", "an id with . : - _ and ts" },
	{ JN, B("{\"id\":\"" ID64 "\"}"), 0, 0, 5, OUTCOME_NONE, ID64,
	    "an id of 64 characters" },
	{ LV, B("{\"id\":\"A123\",\"outcome\":\"answered\"}"), 0, 0, 5,
	    OUTCOME_ANSWERED, "A123", "leave answered" },
	{ LV, B("{\"id\":\"A123\",\"outcome\":\"abandoned\"}"), 0, 0, 5,
	    OUTCOME_ABANDONED, "A123", "leave abandoned" },
	{ LV, B("{\"id\":\"A123\"}"), 0, 0, 5, OUTCOME_NONE, "A123",
	    "leave without outcome (passed on)" },
};

/* Garbage every metric must refuse; the reason depends on its kind. */
struct garbage {
	struct bytes	 in;
	enum reject	 number;	/* gauges and counted events */
	enum reject	 object;	/* resolved, rating, join, leave */
	const char	*what;
};

static struct garbage garbage[] = {
	{ B("abc"), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "a word" },
	{ B("nan"), REJECT_NOT_FINITE, REJECT_BAD_JSON, "NaN" },
	{ B("inf"), REJECT_NOT_FINITE, REJECT_BAD_JSON, "infinity" },
	{ B("1e999"), REJECT_NOT_FINITE, REJECT_BAD_JSON, "an overflow" },
	{ B("0x10"), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "hexadecimal" },
	{ B("null"), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "JSON null" },
	{ B("[1]"), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "an array" },
	{ B("\xff\xfe"), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "bytes that "
	    "are no UTF-8" },
	{ BLEN("7\0", 2), REJECT_NOT_A_NUMBER, REJECT_BAD_JSON, "a NUL" },
	{ B("{"), REJECT_BAD_JSON, REJECT_BAD_JSON, "an unclosed object" },
	{ B("{\"\xff\":1}"), REJECT_BAD_JSON, REJECT_BAD_JSON, "a key that "
	    "is no UTF-8" },
	{ B("{\"a\":1,\"a\":2}"), REJECT_BAD_JSON, REJECT_BAD_JSON, "a "
	    "duplicate key" },
	{ B("{\"value\":1e999}"), REJECT_BAD_JSON, REJECT_BAD_JSON, "an "
	    "overflowing JSON number" },
	{ B("{\"name\":\"Jan\"}"), REJECT_BAD_FIELD, REJECT_BAD_FIELD,
	    "a name" },
	{ BPAD("{}", PAYLOAD_MAX + 1), REJECT_TOO_LARGE, REJECT_TOO_LARGE,
	    "4097 bytes" },
	{ BPAD("", 1 << 20), REJECT_TOO_LARGE, REJECT_TOO_LARGE, "a "
	    "megabyte of blanks" },
};

/* The bytes of a case, in a buffer the caller frees. */
static char *
payload_bytes(const struct bytes *b, size_t *len)
{
	size_t	 n = b->len != 0 ? b->len : strlen(b->buf);
	size_t	 total = b->pad != 0 ? b->pad : n;
	char	*buf;

	assert_true(total >= n);
	buf = malloc(total + 1);
	assert_non_null(buf);
	memcpy(buf, b->buf, n);
	memset(buf + n, ' ', total - n);
	buf[total] = '\0';
	*len = total;
	return buf;
}

/* A short printable form of a payload for a test name. */
static void
describe(const struct bytes *b, char *out, size_t outlen)
{
	size_t	 n = b->len != 0 ? b->len : strlen(b->buf), i, o = 0;

	for (i = 0; i < n && o + 8 < outlen; i++) {
		unsigned char c = (unsigned char)b->buf[i];

		if (i == 40) {
			o += (size_t)snprintf(out + o, outlen - o, "...");
			break;
		}
		if (c == '\n')
			o += (size_t)snprintf(out + o, outlen - o, "\\n");
		else if (c == '\t')
			o += (size_t)snprintf(out + o, outlen - o, "\\t");
		else if (!isprint(c))
			o += (size_t)snprintf(out + o, outlen - o, "\\x%02x",
			    c);
		else
			out[o++] = (char)c;
	}
	out[o] = '\0';
	if (b->pad != 0)
		snprintf(out + o, outlen - o, " (%zu bytes)", b->pad);
}

static void
refused_with(void **state)
{
	const struct bad *c = *state;
	struct payload	 p;
	enum reject	 why = REJECT_COUNT;
	size_t		 len;
	char		*buf = payload_bytes(&c->in, &len);
	int		 rc;

	rc = payload_parse(c->m, buf, len, NOW, OLDEST, &p, &why);
	free(buf);
	if (rc != -1)
		fail_msg("accepted as %g", p.value);
	if (why != c->want)
		fail_msg("refused as %s, expected %s",
		    why < REJECT_COUNT ? reject_name(why) : "(unset)",
		    reject_name(c->want));
}

static void
accepted_as(void **state)
{
	const struct good *c = *state;
	struct payload	 p;
	enum reject	 why = REJECT_COUNT;
	size_t		 len;
	char		*buf = payload_bytes(&c->in, &len);
	int		 rc;

	rc = payload_parse(c->m, buf, len, NOW, OLDEST, &p, &why);
	free(buf);
	if (rc != 0)
		fail_msg("refused as %s", why < REJECT_COUNT ?
		    reject_name(why) : "(unset)");
	assert_true(p.value == c->value);
	assert_true(p.ts == (c->ts != 0 ? c->ts : NOW));
	assert_int_equal(p.scale, c->scale);
	assert_int_equal(p.outcome, c->outcome);
	assert_string_equal(p.id, c->id);
}

static void
refused_by_every_metric(void **state)
{
	const struct garbage *c = *state;
	struct payload	 p;
	enum reject	 why, want;
	size_t		 len;
	char		*buf = payload_bytes(&c->in, &len);
	int		 m, rc;

	for (m = 0; m < METRIC_COUNT; m++) {
		want = m < METRIC_RESOLVED ? c->number : c->object;
		why = REJECT_COUNT;
		rc = payload_parse(m, buf, len, NOW, OLDEST, &p, &why);
		if (rc != -1 || why != want) {
			free(buf);
			fail_msg("%s: %s, expected %s", metric_name(m),
			    rc == 0 ? "accepted" : why < REJECT_COUNT ?
			    reject_name(why) : "(unset)", reject_name(want));
		}
	}
	free(buf);
}

/* Topic names and metrics map one to one, and nothing else maps. */
static void
metric_names_round_trip(void **state)
{
	static const char *contract[METRIC_COUNT] = {
		"waiting", "longest_wait", "agents", "backlog", "oldest_age",
		"arrived", "answered", "abandoned", "handle_time", "resolved",
		"rating", "join", "leave"
	};
	int	 m;

	(void)state;
	for (m = 0; m < METRIC_COUNT; m++) {
		assert_string_equal(metric_name(m), contract[m]);
		assert_int_equal(metric_lookup(metric_name(m)), m);
	}
	assert_int_equal(metric_lookup("Waiting"), -1);
	assert_int_equal(metric_lookup("waiting/"), -1);
	assert_int_equal(metric_lookup("wait"), -1);
	assert_int_equal(metric_lookup(""), -1);
	assert_int_equal(metric_lookup("+"), -1);
}

/* Reject reasons become metric labels: present, distinct, label-safe. */
static void
reject_names_are_distinct_labels(void **state)
{
	int	 r, s;
	size_t	 i;

	(void)state;
	for (r = 0; r < REJECT_COUNT; r++) {
		const char *n = reject_name(r);

		assert_non_null(n);
		assert_true(n[0] != '\0');
		for (i = 0; n[i] != '\0'; i++)
			assert_true(islower((unsigned char)n[i]) || n[i] == '_');
		for (s = 0; s < r; s++)
			assert_string_not_equal(n, reject_name(s));
	}
	assert_string_equal(reject_name(REJECT_NOT_A_NUMBER), "not_a_number");
	assert_string_equal(reject_name(REJECT_TOO_LARGE), "too_large");
}

/*
 * Fields a payload does not carry are cleared, whatever the caller's
 * struct held; an id that is refused is not copied (DESIGN §8).
 */
static void
unset_fields_are_cleared_and_a_bad_id_is_not_copied(void **state)
{
	struct payload	 p;
	enum reject	 why;

	(void)state;
	memset(&p, 0x55, sizeof(p));
	assert_int_equal(payload_parse(W, "7", 1, NOW, OLDEST, &p, &why), 0);
	assert_string_equal(p.id, "");
	assert_int_equal(p.outcome, OUTCOME_NONE);
	assert_true(p.ts == NOW);
	memset(&p, 0x55, sizeof(p));
	assert_int_equal(payload_parse(JN, "{\"id\":\"A 1\"}", 12, NOW, OLDEST,
	    &p, &why), -1);
	assert_int_equal(why, REJECT_BAD_ID);
	assert_string_equal(p.id, "");
}

int
main(void)
{
	static char	 names[NELEM(bad) + NELEM(good) + NELEM(garbage)][160];
	struct CMUnitTest tests[NELEM(bad) + NELEM(good) + NELEM(garbage) + 3];
	char		 shown[96];
	size_t		 i, n = 0;

	for (i = 0; i < NELEM(bad); i++, n++) {
		describe(&bad[i].in, shown, sizeof(shown));
		snprintf(names[n], sizeof(names[n]), "%s \"%s\" (%s) is "
		    "refused as %s", metric_name(bad[i].m), shown, bad[i].what,
		    reject_name(bad[i].want));
		tests[n] = (struct CMUnitTest){ names[n], refused_with, NULL,
		    NULL, &bad[i] };
	}
	for (i = 0; i < NELEM(good); i++, n++) {
		describe(&good[i].in, shown, sizeof(shown));
		snprintf(names[n], sizeof(names[n]), "%s \"%s\" (%s) is "
		    "accepted", metric_name(good[i].m), shown, good[i].what);
		tests[n] = (struct CMUnitTest){ names[n], accepted_as, NULL,
		    NULL, &good[i] };
	}
	for (i = 0; i < NELEM(garbage); i++, n++) {
		describe(&garbage[i].in, shown, sizeof(shown));
		snprintf(names[n], sizeof(names[n]), "\"%s\" (%s) is refused "
		    "by every metric", shown, garbage[i].what);
		tests[n] = (struct CMUnitTest){ names[n], refused_by_every_metric,
		    NULL, NULL, &garbage[i] };
	}
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(metric_names_round_trip);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(reject_names_are_distinct_labels);
	tests[n++] = (struct CMUnitTest)
	    cmocka_unit_test(unset_fields_are_cleared_and_a_bad_id_is_not_copied);
	if (n != NELEM(tests))
		abort();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
