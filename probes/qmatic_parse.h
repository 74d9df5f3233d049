/*
 * qmatic_parse.h: what wachtd-probe-qmatic makes of a Qmatic Orchestra
 * queue list, without I/O or a clock of its own, so the unit test can
 * feed it any answer and any two polls (issue 6 part 3).
 *
 *   GET {base_url}/rest/servicepoint/branches/{branch}/queues
 *   [{"id": 1, "name": "Burgerzaken", "customersWaiting": 4,
 *     "waitingTime": 312, ...}, ...]
 *
 * customersWaiting: tickets waiting now; waitingTime: seconds the
 * longest-waiting of them has waited. Nothing else is read: no ticket
 * numbers, no names.
 */
#ifndef WACHTD_QMATIC_PARSE_H
#define WACHTD_QMATIC_PARSE_H

#include <stddef.h>

/* Bounds beyond which a figure is taken for a fault, not a queue. */
#define QMATIC_WAITING_MAX	100000		/* tickets in one queue */
#define QMATIC_WAIT_MAX		(7 * 86400.0)	/* s: a week */
/* s: how far a waitingTime may fall short of "the same customer, dt
 * later" before we say that customer was called. It absorbs Orchestra
 * rounding to whole seconds and its clock reading at another moment
 * than ours. */
#define QMATIC_SLACK		2.0

enum qmatic_found {
	QMATIC_ABSENT,		/* no queue with this id in the answer */
	QMATIC_BAD,		/* there, but its figures are unusable (why) */
	QMATIC_GOOD		/* waiting and longest hold */
};

/* One queue the configuration asks for. */
struct qmatic_queue {
	long		 id;		/* in: Qmatic queue id */
	enum qmatic_found found;	/* out */
	long		 waiting;	/* out: customersWaiting */
	double		 longest;	/* out: waitingTime, s; 0 when nobody
					   waits */
	char		 why[160];	/* out, QMATIC_BAD: what is wrong */
};

/*
 * Reads one answer of the queues endpoint and fills in each of q[0..n)
 * by its id; queues of other ids are ignored, whatever they hold. -1
 * with why when the answer as a whole is unusable (not JSON, not an
 * array); then q is untouched.
 */
int		 qmatic_parse(const char *body, size_t len,
		    struct qmatic_queue *q, size_t n, char *why, size_t whylen);

/* One queue as one poll saw it. */
struct qmatic_snap {
	double		 at;		/* epoch s, the middle of the request */
	double		 fuzz;		/* s: half the request's duration; the
					   server counted within at +- fuzz */
	long		 waiting;
	double		 longest;
};

/* What changed between two polls of one queue. */
struct qmatic_change {
	size_t		 answered;	/* customers called (a lower bound) */
	long		 arrived;	/* tickets drawn (a lower bound) */
};

/*
 * Derives the customers called between prev and cur (cur->at is now)
 * and the estimated wait of each when called, oldest first, into
 * waits[0..max);
 * answered may exceed max (then only max are written), never
 * prev->waiting. -1 when the polls are too far apart (more than
 * max_gap s) or out of order to say anything; then *out is zero.
 */
int		 qmatic_derive(const struct qmatic_snap *prev,
		    const struct qmatic_snap *cur, double max_gap,
		    double *waits, size_t max, struct qmatic_change *out);

#endif
