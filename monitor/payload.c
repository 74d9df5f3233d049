/*
 * payload.c: turns the bytes a probe published into one checked value.
 * Strict on purpose: whatever passes here is a number wachtd can store and
 * reason about, and nothing that identifies a resident passes at all.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "payload.h"

#define VALUE_MAX	1e9	/* larger is a probe bug, not a queue */
#define ARRIVED_MAX	1e4	/* contacts in one message; sums stay 32-bit */

static const char *metric_names[METRIC_COUNT] = {
	"waiting", "longest_wait", "agents", "backlog", "oldest_age",
	"arrived", "answered", "abandoned", "handle_time", "resolved",
	"rating", "join", "leave"
};

static const char *reject_names[REJECT_COUNT] = {
	"too_large", "empty", "not_a_number", "not_finite", "negative",
	"not_integer", "out_of_range", "bad_json", "bad_field", "bad_id",
	"future", "too_late", "unknown_queue", "unknown_metric",
	"duplicate_id", "unknown_id", "lifecycle_queue", "too_many_waiting"
};

int
metric_lookup(const char *name)
{
	int	 m;

	for (m = 0; m < METRIC_COUNT; m++)
		if (strcmp(name, metric_names[m]) == 0)
			return m;
	return -1;
}

const char *
metric_name(enum metric m)
{
	return metric_names[m];
}

const char *
reject_name(enum reject r)
{
	return reject_names[r];
}

/* Counts must be whole: half a caller is a probe bug. */
static int
is_count(enum metric m)
{
	return m == METRIC_WAITING || m == METRIC_BACKLOG ||
	    m == METRIC_ARRIVED;
}

/* "nan", "inf" or "infinity", signed, any case: a probe's broken sums. */
static int
is_nonfinite_word(const char *s, size_t len)
{
	static const char *words[] = { "nan", "inf", "infinity" };
	size_t	 i;

	if (len > 0 && (*s == '-' || *s == '+'))
		s++, len--;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (len == strlen(words[i]) &&
		    strncasecmp(s, words[i], len) == 0)
			return 1;
	return 0;
}

/*
 * A plain decimal number: optional sign, digits, fraction, exponent, with
 * surrounding white space. strtod alone would also take "0x10", "inf" and
 * "nan", which no probe means.
 */
static int
parse_plain(const char *buf, size_t len, double *v, enum reject *why)
{
	char		 tmp[64], *end;
	size_t		 i = 0, j;
	int		 digits = 0;

	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i == len) {
		*why = REJECT_EMPTY;
		return -1;
	}
	/* NaN and infinities are not_finite (payload.h), not not_a_number. */
	if (is_nonfinite_word(buf + i, len - i)) {
		*why = REJECT_NOT_FINITE;
		return -1;
	}
	if (len - i >= sizeof(tmp)) {
		*why = REJECT_NOT_A_NUMBER;
		return -1;
	}
	j = i;
	if (buf[j] == '-' || buf[j] == '+')
		j++;
	for (; j < len && isdigit((unsigned char)buf[j]); j++)
		digits++;
	if (j < len && buf[j] == '.')
		for (j++; j < len && isdigit((unsigned char)buf[j]); j++)
			digits++;
	if (digits > 0 && j < len && (buf[j] == 'e' || buf[j] == 'E')) {
		j++;
		if (j < len && (buf[j] == '-' || buf[j] == '+'))
			j++;
		if (j == len || !isdigit((unsigned char)buf[j]))
			digits = 0;
		while (j < len && isdigit((unsigned char)buf[j]))
			j++;
	}
	if (digits == 0 || j != len) {
		*why = REJECT_NOT_A_NUMBER;
		return -1;
	}
	memcpy(tmp, buf + i, len - i);
	tmp[len - i] = '\0';
	*v = strtod(tmp, &end);
	if (!isfinite(*v)) {
		*why = REJECT_NOT_FINITE;
		return -1;
	}
	return 0;
}

/* The rules every number obeys, whatever wrapping it came in. */
static int
check_value(enum metric m, double v, enum reject *why)
{
	if (!isfinite(v))
		*why = REJECT_NOT_FINITE;
	else if (v < 0)
		*why = REJECT_NEGATIVE;
	else if (v > VALUE_MAX || (m == METRIC_ARRIVED && v > ARRIVED_MAX))
		*why = REJECT_OUT_OF_RANGE;
	else if (is_count(m) && v != floor(v))
		*why = REJECT_NOT_INTEGER;
	else
		return 0;
	return -1;
}

/* Opaque ticket or call ids: short, printable, no spaces. */
static int
copy_id(json_t *j, char *id)
{
	const char	*s;
	size_t		 len, i;

	if (!json_is_string(j))
		return -1;
	s = json_string_value(j);
	len = json_string_length(j);
	if (len == 0 || len > PAYLOAD_ID_MAX)
		return -1;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("._:-", s[i]) == NULL)
			return -1;
	memcpy(id, s, len + 1);
	return 0;
}

/* Which JSON fields a metric may carry besides "ts". */
static int
field_allowed(enum metric m, const char *key)
{
	switch (m) {
	case METRIC_RESOLVED:
		return strcmp(key, "direct") == 0;
	case METRIC_RATING:
		return strcmp(key, "score") == 0 || strcmp(key, "scale") == 0;
	case METRIC_JOIN:
		return strcmp(key, "id") == 0;
	case METRIC_LEAVE:
		return strcmp(key, "id") == 0 || strcmp(key, "outcome") == 0;
	default:
		return strcmp(key, "value") == 0;
	}
}

/* The fields of a JSON object payload into out. */
static int
parse_object(enum metric m, json_t *o, struct payload *out, enum reject *why)
{
	const char	*key, *s;
	json_t		*v;

	json_object_foreach(o, key, v) {
		if (strcmp(key, "ts") != 0 && !field_allowed(m, key)) {
			*why = REJECT_BAD_FIELD;
			return -1;
		}
	}
	switch (m) {
	case METRIC_RESOLVED:
		if (!json_is_boolean(v = json_object_get(o, "direct"))) {
			*why = REJECT_BAD_FIELD;
			return -1;
		}
		out->value = json_is_true(v);
		return 0;
	case METRIC_RATING:
		v = json_object_get(o, "scale");
		if (v != NULL && (!json_is_integer(v) ||
		    (json_integer_value(v) != 5 && json_integer_value(v) != 10))) {
			*why = REJECT_BAD_FIELD;
			return -1;
		}
		out->scale = v != NULL ? (int)json_integer_value(v) : 5;
		if (!json_is_integer(v = json_object_get(o, "score"))) {
			*why = REJECT_BAD_FIELD;
			return -1;
		}
		out->value = (double)json_integer_value(v);
		/* 1-5 stars, or 0-10 as in NPS questions. */
		if (out->value < (out->scale == 5) || out->value > out->scale) {
			*why = REJECT_OUT_OF_RANGE;
			return -1;
		}
		return 0;
	case METRIC_LEAVE:
		if ((v = json_object_get(o, "outcome")) != NULL) {
			s = json_is_string(v) ? json_string_value(v) : "";
			if (strcmp(s, "answered") == 0)
				out->outcome = OUTCOME_ANSWERED;
			else if (strcmp(s, "abandoned") == 0)
				out->outcome = OUTCOME_ABANDONED;
			else {
				*why = REJECT_BAD_FIELD;
				return -1;
			}
		}
		/* FALLTHROUGH */
	case METRIC_JOIN:
		if (copy_id(json_object_get(o, "id"), out->id) == -1) {
			*why = REJECT_BAD_ID;
			return -1;
		}
		return 0;
	default:
		if ((v = json_object_get(o, "value")) == NULL &&
		    m == METRIC_ARRIVED)
			return 0;	/* out->value is already 1 */
		if (!json_is_number(v)) {
			*why = v == NULL ? REJECT_EMPTY : REJECT_BAD_FIELD;
			return -1;
		}
		out->value = json_number_value(v);
		return check_value(m, out->value, why);
	}
}

int
payload_parse(enum metric m, const char *buf, size_t len, double now,
    double oldest, struct payload *out, enum reject *why)
{
	json_t		*o, *ts;
	json_error_t	 err;
	size_t		 i = 0;
	int		 rc;

	memset(out, 0, sizeof(*out));
	out->ts = now;
	out->value = m == METRIC_ARRIVED ? 1 : 0;
	out->scale = 5;
	if (len > PAYLOAD_MAX) {
		*why = REJECT_TOO_LARGE;
		return -1;
	}
	while (i < len && isspace((unsigned char)buf[i]))
		i++;
	if (i == len && m == METRIC_ARRIVED)
		return 0;
	if (i == len || buf[i] != '{') {
		if (m >= METRIC_RESOLVED) {
			*why = i == len ? REJECT_EMPTY : REJECT_BAD_JSON;
			return -1;
		}
		if (parse_plain(buf, len, &out->value, why) == -1)
			return -1;
		return check_value(m, out->value, why);
	}

	if ((o = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err)) == NULL) {
		*why = REJECT_BAD_JSON;
		return -1;
	}
	rc = parse_object(m, o, out, why);
	if (rc == 0 && (ts = json_object_get(o, "ts")) != NULL) {
		if (!json_is_number(ts) || !isfinite(json_number_value(ts)) ||
		    json_number_value(ts) <= 0) {
			*why = REJECT_BAD_FIELD;
			rc = -1;
		} else if (json_number_value(ts) > now + PAYLOAD_FUTURE) {
			*why = REJECT_FUTURE;
			rc = -1;
		} else if (json_number_value(ts) < oldest) {
			*why = REJECT_TOO_LATE;
			rc = -1;
		} else
			out->ts = json_number_value(ts);
	}
	json_decref(o);
	return rc;
}
