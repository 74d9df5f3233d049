/*
 * queue_fixture.h: a queue section built by hand and the inputs tests feed
 * it, shared by test_queue.c and test_step.c. Time is always the `now`
 * argument.
 */
#ifndef QUEUE_FIXTURE_H
#define QUEUE_FIXTURE_H

/* One queue section with at most one norm, built by hand. */
struct qconf {
	struct norm_conf norm;
	struct ref	 ref;
	struct queue_conf conf;
	char		 id[64];
	char		 norm_name[16];
};

static inline void
qconf_init(struct qconf *f, enum norm_kind kind, double within,
    double window)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "telefoon/algemeen");
	f->conf.id = f->id;
	f->conf.name = f->id + strlen("telefoon/");
	f->conf.label = NULL;
	f->conf.interval = 10;
	f->conf.line = 1;
	snprintf(f->norm_name, sizeof(f->norm_name), "telefoon");
	f->norm.name = f->norm_name;
	f->norm.kind = kind;
	f->norm.answer_within = within;
	f->norm.target = 80;
	f->norm.window = window;
	f->norm.max_wait = kind == NORM_MAX_WAIT ? 600 : 0;
	f->norm.warn_at = 75;
	f->norm.abandoned = ABANDON_IGNORE;
	f->ref.to = &f->norm;
	if (kind != NORM_NONE) {
		f->conf.norms.refs = &f->ref;
		f->conf.norms.n = 1;
	}
}


static inline int
put(struct queue *q, enum metric m, double value, double ts, double now,
    enum reject *why)
{
	struct payload	 p;

	memset(&p, 0, sizeof(p));
	p.value = value;
	p.ts = ts;
	p.scale = 5;
	*why = REJECT_COUNT;
	return queue_input(q, m, &p, now, why);
}

/* Applies an input that must be accepted. */
static inline void
ok(struct queue *q, enum metric m, double value, double ts, double now)
{
	enum reject	 why;

	if (put(q, m, value, ts, now, &why) != 0)
		fail_msg("%s %g at %.1f refused: %s", metric_name(m), value,
		    ts, why < REJECT_COUNT ? reject_name(why) : "(unset)");
}

static inline int
life(struct queue *q, enum metric m, const char *id, enum outcome o,
    double ts, double now, enum reject *why)
{
	struct payload	 p;

	memset(&p, 0, sizeof(p));
	snprintf(p.id, sizeof(p.id), "%s", id);
	p.outcome = o;
	p.ts = ts;
	p.scale = 5;
	*why = REJECT_COUNT;
	return queue_input(q, m, &p, now, why);
}

static inline void
join_ok(struct queue *q, const char *id, double ts)
{
	enum reject	 why;

	if (life(q, METRIC_JOIN, id, OUTCOME_NONE, ts, ts, &why) != 0)
		fail_msg("join %s refused: %s", id, reject_name(why));
}

static inline void
leave_ok(struct queue *q, const char *id, enum outcome o, double ts)
{
	enum reject	 why;

	if (life(q, METRIC_LEAVE, id, o, ts, ts, &why) != 0)
		fail_msg("leave %s refused: %s", id, reject_name(why));
}

#endif
