/*
 * fuzz_qmatic.c: answers of Qmatic Orchestra's queue list through
 * qmatic_parse, and the calls qmatic_derive finds between two good polls
 * (probes/qmatic_parse.c), as probes/qmatic.c's branch_publish and
 * publish_events use them. The input is one poll's body after another,
 * each ended by a NUL (no JSON holds one); the polls are 5 to 65 s apart,
 * in a pattern, so that some pairs lie too far apart to count.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qmatic_parse.h"

#define NOW	1764580000.0
#define POLL	15.0		/* qmatic.c: 3 x poll + timeout apart at most */
#define TIMEOUT	10.0

int	LLVMFuzzerTestOneInput(const unsigned char *, size_t);

/* The queue ids a configuration asks for: two, and one of them twice
 * (two [source] sections on the same Qmatic queue). */
static const long ids[] = { 1, 2, 1 };
#define NIDS	(sizeof(ids) / sizeof(ids[0]))

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what)
{
	fprintf(stderr, "fuzz_qmatic: %s\n", what);
	abort();
}

/* publish_events: the calls between prev and cur. */
static void
derive(const struct qmatic_snap *prev, const struct qmatic_snap *cur)
{
	struct qmatic_change ch;
	double		*waits;
	size_t		 i, n;

	n = prev->waiting > 0 ? (size_t)prev->waiting : 1;
	if ((waits = calloc(n, sizeof(*waits))) == NULL)
		abort();
	if (qmatic_derive(prev, cur, 3 * POLL + TIMEOUT, waits, n, &ch) == 0) {
		if (ch.answered > (size_t)prev->waiting || ch.arrived < 0)
			broken("more called than waited, or fewer arrived "
			    "than none");
		for (i = 0; i < ch.answered && i < n; i++)
			if (!(waits[i] >= 0) || !isfinite(waits[i]))
				broken("a wait out of range");
	}
	free(waits);
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct qmatic_queue q[NIDS];
	struct qmatic_snap prev[NIDS], cur;
	const char	*p = (const char *)data, *end = p + size, *nul;
	char		 why[256];
	int		 have[NIDS] = { 0 };
	double		 at = NOW;
	size_t		 len, k, polls = 0;

	for (k = 0; k < NIDS; k++)
		q[k].id = ids[k];
	while (p < end) {
		nul = memchr(p, '\0', (size_t)(end - p));
		len = nul != NULL ? (size_t)(nul - p) : (size_t)(end - p);
		at += 5 + (double)(polls++ * 23 % 61);
		if (qmatic_parse(p, len, q, NIDS, why, sizeof(why)) == 0) {
			for (k = 0; k < NIDS; k++) {
				if (q[k].found != QMATIC_GOOD) {
					if (memchr(q[k].why, '\0',
					    sizeof(q[k].why)) == NULL)
						broken("why unterminated");
					have[k] = 0;
					continue;
				}
				if (q[k].waiting < 0 ||
				    q[k].waiting > QMATIC_WAITING_MAX ||
				    !(q[k].longest >= 0) ||
				    q[k].longest > QMATIC_WAIT_MAX)
					broken("figures out of range");
				cur.at = at;
				cur.fuzz = 0.05 * (double)(polls % 7);
				cur.waiting = q[k].waiting;
				cur.longest = q[k].longest;
				if (have[k])
					derive(&prev[k], &cur);
				prev[k] = cur;
				have[k] = 1;
			}
		} else if (memchr(why, '\0', sizeof(why)) == NULL)
			broken("why unterminated");
		p += len + 1;
	}
	return 0;
}
