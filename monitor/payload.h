/*
 * payload.h: metrics of the MQTT contract and the pure parser of their
 * payloads (DESIGN §4). No allocation kept, no globals, no clock: `now` is
 * passed in.
 */
#ifndef WACHTD_PAYLOAD_H
#define WACHTD_PAYLOAD_H

#include <stddef.h>

#define PAYLOAD_MAX	4096	/* bytes; larger payloads are rejected */
#define PAYLOAD_FUTURE	300	/* seconds a ts may lie ahead of now */
#define PAYLOAD_ID_MAX	64	/* bytes of a lifecycle id */

/* Last part of P/in/CHANNEL/NAME/METRIC. */
enum metric {
	METRIC_WAITING,		/* gauge: contacts waiting now */
	METRIC_LONGEST_WAIT,	/* gauge: seconds the longest has waited */
	METRIC_AGENTS,		/* gauge: staff available now */
	METRIC_BACKLOG,		/* gauge: open items */
	METRIC_OLDEST_AGE,	/* gauge: seconds since oldest item arrived */
	METRIC_ARRIVED,		/* event: contacts that arrived (default 1) */
	METRIC_ANSWERED,	/* event: one answered, value = its wait */
	METRIC_ABANDONED,	/* event: one gave up, value = its wait */
	METRIC_HANDLE_TIME,	/* event: seconds staff spent on one */
	METRIC_RESOLVED,	/* event: {"direct": bool} */
	METRIC_RATING,		/* event: {"score": n[, "scale": 10]} */
	METRIC_JOIN,		/* lifecycle: {"id": ...} */
	METRIC_LEAVE,		/* lifecycle: {"id": ..., "outcome": ...} */
	METRIC_COUNT
};

/* Why an input was refused; each has a counter and a metric label. */
enum reject {
	REJECT_TOO_LARGE,	/* payload over PAYLOAD_MAX */
	REJECT_EMPTY,		/* no payload where a value is needed */
	REJECT_NOT_A_NUMBER,	/* not a decimal number or JSON object */
	REJECT_NOT_FINITE,	/* NaN, inf, or overflowing */
	REJECT_NEGATIVE,	/* below zero */
	REJECT_NOT_INTEGER,	/* a count with a fraction */
	REJECT_OUT_OF_RANGE,	/* absurdly large, or a score off its scale */
	REJECT_BAD_JSON,	/* JSON that is no object or does not parse */
	REJECT_BAD_FIELD,	/* unknown field, or a field of the wrong type */
	REJECT_BAD_ID,		/* lifecycle id missing or malformed */
	REJECT_FUTURE,		/* ts more than PAYLOAD_FUTURE ahead */
	REJECT_TOO_LATE,	/* ts before the oldest step still open */
	REJECT_UNKNOWN_QUEUE,	/* topic names no configured queue */
	REJECT_UNKNOWN_METRIC,	/* topic names no metric */
	REJECT_DUPLICATE_ID,	/* join for an id already waiting */
	REJECT_UNKNOWN_ID,	/* leave for an id that is not waiting */
	REJECT_LIFECYCLE,	/* waiting/longest_wait gauge on a join/leave queue */
	REJECT_TOO_MANY,	/* waiting set of the queue is full */
	REJECT_COUNT
};

enum outcome {
	OUTCOME_NONE,		/* left without answer or abandon (transfer) */
	OUTCOME_ANSWERED,
	OUTCOME_ABANDONED
};

struct payload {
	double		 value;	/* number; score for ratings; 1/0 direct */
	double		 ts;	/* epoch seconds; `now` when not given */
	int		 scale;	/* ratings: 5 or 10 */
	enum outcome	 outcome;
	char		 id[PAYLOAD_ID_MAX + 1];
};

/* Metric by its topic name, or -1. */
int		 metric_lookup(const char *name);
const char	*metric_name(enum metric);
/* Reason label, e.g. "not_a_number". */
const char	*reject_name(enum reject);

/*
 * Parses one payload for metric m. A ts before `oldest` is too late, one
 * after now + PAYLOAD_FUTURE too early. Returns 0, or -1 with *why set.
 */
int	payload_parse(enum metric m, const char *buf, size_t len, double now,
	    double oldest, struct payload *out, enum reject *why);

#endif
