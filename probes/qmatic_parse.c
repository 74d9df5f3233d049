/*
 * qmatic_parse.c: a Qmatic Orchestra queue list in, per-queue figures
 * out, and the customers called between two polls (qmatic_parse.h).
 * Pure: no I/O, no clock, no globals; jansson only.
 *
 * How "answered" is derived. Orchestra's queue list tells how many
 * tickets wait (n) and how long the oldest has waited (w), nothing about
 * single customers. Between a poll at t0 (n0, w0) and one at t1 (n1, w1),
 * dt = t1 - t0 apart:
 *
 * - If the oldest customer of t0 still waits, w1 = w0 + dt. When w1 is
 *   clearly less (by more than QMATIC_SLACK and the polls' own timing
 *   uncertainty), that customer left: the head was called. When the new
 *   oldest has waited less than dt, even everyone present at t0 left.
 *   When the queue is empty at t1, all n0 left.
 * - At least n0 - n1 left. So d = max(n0 - n1, head called ? 1 : 0), or
 *   n0 when all of them left; d - (n0 - n1) tickets were drawn meanwhile
 *   (arrived).
 * - Each of the d was called somewhere in (t0, t1]; we take the middle,
 *   c = t0 + dt/2, so a wait is off by at most dt/2.
 * - Their arrivals: the old head arrived at A0 = t0 - w0. Served in
 *   order, the others arrived between A0 and the arrival of the new head
 *   (t1 - w1, or t0 when the queue emptied or the new head came after
 *   t0); we spread them evenly over that span, the i-th at
 *   A0 + i * span / d. Each wait is c minus its arrival.
 * - When the head stayed but the count fell, someone was called out of
 *   order (a postponed ticket, a transfer to another queue, a customer
 *   sent home): we take the d next in line after the head, with the n0
 *   tickets of t0 spread evenly over [A0, t0).
 *
 * What cannot be known: customers who both arrived and were called
 * between two polls are invisible (arrivals and calls cancel out in n),
 * so d and arrived are lower bounds; the real order and spread of
 * arrivals; whether a ticket that left was called or gave up (Orchestra
 * counts no-shows after calling them; a ticket removed by staff, or a
 * branch reset at closing, looks like a call). The probe reports what
 * it sees as calls, with these estimates.
 */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "qmatic_parse.h"

/* The whole number in v, or -1 with why. Reals that are whole count:
 * some JSON writers print 4 as 4.0. */
static int
whole(const json_t *v, const char *name, long max, long *out, char *why,
    size_t len)
{
	double	 d;

	if (v == NULL) {
		snprintf(why, len, "%s missing", name);
		return -1;
	}
	if (!json_is_number(v)) {
		snprintf(why, len, "%s is not a number", name);
		return -1;
	}
	d = json_number_value(v);
	if (d != floor(d)) {
		snprintf(why, len, "%s = %g is not a whole number", name, d);
		return -1;
	}
	if (d < 0 || d > max) {
		snprintf(why, len, "%s = %.0f out of range 0..%ld", name, d,
		    max);
		return -1;
	}
	*out = (long)d;
	return 0;
}

/* waitingTime: seconds, a fraction allowed. */
static int
seconds(const json_t *v, const char *name, double *out, char *why,
    size_t len)
{
	double	 d;

	if (v == NULL) {
		snprintf(why, len, "%s missing", name);
		return -1;
	}
	if (!json_is_number(v)) {
		snprintf(why, len, "%s is not a number", name);
		return -1;
	}
	d = json_number_value(v);
	if (!isfinite(d) || d < 0 || d > QMATIC_WAIT_MAX) {
		snprintf(why, len, "%s = %g out of range 0..%.0f s", name, d,
		    QMATIC_WAIT_MAX);
		return -1;
	}
	*out = d;
	return 0;
}

/* Fills q from one element of the array. */
static void
read_queue(const json_t *o, struct qmatic_queue *q)
{
	char	 why[sizeof(q->why) - 32];
	long	 waiting;
	double	 longest;

	if (whole(json_object_get(o, "customersWaiting"), "customersWaiting",
	    QMATIC_WAITING_MAX, &waiting, why, sizeof(why)) == -1 ||
	    seconds(json_object_get(o, "waitingTime"), "waitingTime",
	    &longest, why, sizeof(why)) == -1) {
		q->found = QMATIC_BAD;
		snprintf(q->why, sizeof(q->why), "queue %ld: %s", q->id, why);
		return;
	}
	q->found = QMATIC_GOOD;
	q->waiting = waiting;
	/* Nobody waiting waits no time, whatever the server remembers. */
	q->longest = waiting > 0 ? longest : 0;
}

int
qmatic_parse(const char *body, size_t len, struct qmatic_queue *q, size_t n,
    char *why, size_t whylen)
{
	json_t		*root, *o;
	json_error_t	 err;
	size_t		 i, k, nq;
	long		 id;
	char		 idwhy[64];

	/* Any value, so that a bare number is named as such below. */
	if ((root = json_loadb(body, len, JSON_REJECT_DUPLICATES |
	    JSON_DECODE_ANY, &err)) == NULL) {
		snprintf(why, whylen, "malformed JSON at line %d column %d: "
		    "%s", err.line, err.column, err.text);
		return -1;
	}
	if (!json_is_array(root)) {
		snprintf(why, whylen, "expected a JSON array of queues, got "
		    "%s", json_is_object(root) ? "an object" : "a value");
		json_decref(root);
		return -1;
	}
	for (k = 0; k < n; k++) {
		q[k].found = QMATIC_ABSENT;
		q[k].waiting = 0;
		q[k].longest = 0;
		q[k].why[0] = '\0';
	}
	nq = json_array_size(root);
	for (i = 0; i < nq; i++) {
		o = json_array_get(root, i);
		/* Without a usable id it is nobody's queue; a queue we
		 * want and miss is reported as absent. */
		if (!json_is_object(o) || whole(json_object_get(o, "id"),
		    "id", INT_MAX, &id, idwhy, sizeof(idwhy)) == -1)
			continue;
		for (k = 0; k < n; k++) {
			if (q[k].id != id)
				continue;
			if (q[k].found != QMATIC_ABSENT) {
				q[k].found = QMATIC_BAD;
				snprintf(q[k].why, sizeof(q[k].why),
				    "queue %ld appears more than once", id);
			} else
				read_queue(o, &q[k]);
		}
	}
	json_decref(root);
	return 0;
}

int
qmatic_derive(const struct qmatic_snap *prev, const struct qmatic_snap *cur,
    double max_gap, double *waits, size_t max, struct qmatic_change *out)
{
	double	 dt = cur->at - prev->at, tol, a0, hi = prev->at, c, a;
	long	 n0 = prev->waiting, n1 = cur->waiting, d;
	int	 head_left, all_left;
	size_t	 i;

	memset(out, 0, sizeof(*out));
	if (!(dt > 0) || dt > max_gap)
		return -1;
	c = prev->at + dt / 2;
	if (n0 == 0) {
		out->arrived = n1;
		return 0;
	}
	tol = QMATIC_SLACK + prev->fuzz + cur->fuzz;
	/* The new head came after t0: nobody of t0 is left. */
	all_left = n1 == 0 || cur->longest + tol < dt;
	head_left = all_left || cur->longest + tol < prev->longest + dt;
	d = n0 > n1 ? n0 - n1 : 0;
	if (all_left)
		d = n0;
	else if (head_left && d == 0)
		d = 1;
	out->answered = (size_t)d;
	out->arrived = n1 - n0 + d;

	a0 = prev->at - prev->longest;
	if (head_left && !all_left && cur->at - cur->longest < hi)
		hi = cur->at - cur->longest;
	for (i = 0; i < (size_t)d && i < max; i++) {
		if (head_left)
			a = a0 + (double)i * (hi - a0) / (double)d;
		else
			a = a0 + (double)(i + 1) * prev->longest / (double)n0;
		waits[i] = c - a > 0 ? c - a : 0;
	}
	return 0;
}
