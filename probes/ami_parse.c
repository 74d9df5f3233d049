/*
 * ami_parse.c: the Asterisk Manager Interface reader and the queue state
 * machine of wachtd-probe-ami (ami_parse.h). Pure: no I/O, no clock, no
 * globals; what to publish goes to a callback.
 *
 * How a call travels (Asterisk 18/20, app_queue):
 *
 *   QueueCallerJoin           -> join            (gauge mode: arrived)
 *   QueueCallerAbandon        -> leave abandoned (gauge mode: abandoned
 *                                                 with its HoldTime)
 *   AgentConnect              -> leave answered  (gauge mode: answered
 *                                                 with its HoldTime)
 *   QueueCallerLeave          -> the caller is out of the queue; the
 *                                outcome follows in AgentConnect or never
 *                                (a timeout, an exit key): after AMI_GRACE
 *                                the leave goes without an outcome
 *   AgentComplete             -> handle_time with its TalkTime
 *   QueueMember* events       -> agents
 *
 * Asterisk sends the Abandon before the Leave and the Leave before the
 * Connect; either order works here. A QueueStatus snapshot reconciles:
 * callers Asterisk has that we do not get a join, callers we have that it
 * has not leave (after the grace, unless an event settles them first),
 * and the members are taken from it.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ami_parse.h"
#include "wachtd.h"

#define BANNER		"Asterisk Call Manager"

/* ------------------------------------------------------------------ */
/* SipHash-2-4 (Aumasson and Bernstein): a keyed hash, so a call id says
 * nothing about the Uniqueid to whoever reads the broker. */

#define ROTL(x, b)	(uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND do {							\
	v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);	\
	v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;				\
	v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;				\
	v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);	\
} while (0)

static uint64_t
le64(const unsigned char *p)
{
	uint64_t	 v = 0;
	int		 i;

	for (i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

unsigned long long
ami_siphash(const unsigned char key[16], const void *data, size_t len)
{
	const unsigned char *in = data;
	uint64_t	 k0 = le64(key), k1 = le64(key + 8), m, b;
	uint64_t	 v0 = 0x736f6d6570736575ULL ^ k0;
	uint64_t	 v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t	 v2 = 0x6c7967656e657261ULL ^ k0;
	uint64_t	 v3 = 0x7465646279746573ULL ^ k1;
	size_t		 i, left = len & 7;

	for (i = 0; i + 8 <= len; i += 8) {
		m = le64(in + i);
		v3 ^= m;
		SIPROUND;
		SIPROUND;
		v0 ^= m;
	}
	b = (uint64_t)len << 56;
	while (left > 0) {
		left--;
		b |= (uint64_t)in[i + left] << (8 * left);
	}
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return (unsigned long long)(v0 ^ v1 ^ v2 ^ v3);
}

/* ------------------------------------------------------------------ */
/* the reader */

struct ami_reader {
	int		 banner;	/* the banner line was seen */
	int		 handed;	/* msg went out: clear before more */
	char		 line[AMI_LINE_MAX + 1];
	size_t		 linelen;
	struct ami_msg	 msg;
	char		 block[AMI_BLOCK_MAX];
	size_t		 used;
};

struct ami_reader *
ami_reader_new(void)
{
	return xcalloc(1, sizeof(struct ami_reader));
}

void
ami_reader_free(struct ami_reader *r)
{
	free(r);
}

/* Empties the message for the next one (the block's copies with it). */
static void
clear_msg(struct ami_reader *r)
{
	memset(&r->msg, 0, sizeof(r->msg));
	r->used = 0;
	r->handed = 0;
}

void
ami_reader_reset(struct ami_reader *r)
{
	clear_msg(r);
	r->banner = 0;
	r->linelen = 0;
}

/* A copy of s (n bytes) in the block, or NULL when it is full. */
static const char *
keep(struct ami_reader *r, const char *s, size_t n)
{
	char	*p;

	if (n + 1 > sizeof(r->block) - r->used)
		return NULL;
	p = r->block + r->used;
	memcpy(p, s, n);
	p[n] = '\0';
	r->used += n + 1;
	return p;
}

/* One "Key: Value" line into the message being read. */
static void
add_line(struct ami_reader *r, const char *line, size_t n)
{
	const char	*colon, *k, *v;
	size_t		 klen, vlen;

	colon = memchr(line, ':', n);
	if (colon == NULL || colon == line || memchr(line, '\0', n) != NULL) {
		r->msg.malformed++;
		return;
	}
	k = line;
	while (k < colon && isspace((unsigned char)*k))
		k++;
	klen = (size_t)(colon - k);
	while (klen > 0 && isspace((unsigned char)k[klen - 1]))
		klen--;
	if (klen == 0) {
		r->msg.malformed++;
		return;
	}
	v = colon + 1;
	vlen = n - (size_t)(v - line);
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;
	if (r->msg.nfields == AMI_FIELDS_MAX ||
	    (k = keep(r, k, klen)) == NULL ||
	    (v = keep(r, v, vlen)) == NULL) {
		r->msg.dropped++;
		return;
	}
	r->msg.fields[r->msg.nfields].key = k;
	r->msg.fields[r->msg.nfields].value = v;
	r->msg.nfields++;
}

/* A complete line (without its end): 1 when it completes a message. */
static int
take_line(struct ami_reader *r, const char **why)
{
	char	*line = r->line;
	size_t	 n = r->linelen;
	size_t	 len = strlen(BANNER);

	if (n > 0 && line[n - 1] == '\r')
		n--;
	if (!r->banner) {
		if (n == 0)
			return 0;	/* stray blank lines before it */
		if (n <= len || memcmp(line, BANNER, len) != 0 ||
		    memchr(line, '/', n) == NULL) {
			*why = "no \"Asterisk Call Manager/...\" banner: not "
			    "an Asterisk Manager Interface";
			return -1;
		}
		r->banner = 1;
		r->msg.kind = AMI_BANNER;
		r->msg.version = keep(r, (char *)memchr(line, '/', n) + 1,
		    n - (size_t)((char *)memchr(line, '/', n) + 1 - line));
		return 1;
	}
	if (n > 0) {
		add_line(r, line, n);
		return 0;
	}
	if (r->msg.nfields == 0 && r->msg.malformed == 0 &&
	    r->msg.dropped == 0)
		return 0;		/* blank lines between blocks */
	if (ami_msg_get(&r->msg, "Response") != NULL)
		r->msg.kind = AMI_RESPONSE;
	else if (ami_msg_get(&r->msg, "Event") != NULL)
		r->msg.kind = AMI_EVENT;
	else
		r->msg.kind = AMI_OTHER;
	return 1;
}

ssize_t
ami_reader_push(struct ami_reader *r, const char *buf, size_t len,
    const struct ami_msg **msg, const char **why)
{
	const char	*nl;
	size_t		 used = 0, n;
	int		 rc;

	*msg = NULL;
	if (r->handed)
		clear_msg(r);
	while (used < len) {
		nl = memchr(buf + used, '\n', len - used);
		n = nl != NULL ? (size_t)(nl - (buf + used)) : len - used;
		if (r->linelen + n > AMI_LINE_MAX) {
			*why = "a line longer than 8 KiB";
			return -1;
		}
		memcpy(r->line + r->linelen, buf + used, n);
		r->linelen += n;
		used += n;
		if (nl == NULL)
			break;
		used++;			/* the '\n' */
		rc = take_line(r, why);
		r->linelen = 0;
		if (rc == -1)
			return -1;
		if (rc == 1) {
			r->handed = 1;
			*msg = &r->msg;
			break;
		}
	}
	return (ssize_t)used;
}

const char *
ami_msg_get(const struct ami_msg *m, const char *key)
{
	size_t	 i;

	for (i = 0; i < m->nfields; i++)
		if (strcasecmp(m->fields[i].key, key) == 0)
			return m->fields[i].value;
	return NULL;
}

long
ami_msg_num(const struct ami_msg *m, const char *key)
{
	const char	*s = ami_msg_get(m, key);
	char		*end;
	long		 v;

	if (s == NULL || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > LONG_MAX / 2)
		return -1;
	return v;
}

/* ------------------------------------------------------------------ */
/* a small string-keyed table (chained): calls, members, gone calls */

struct node {
	struct node	*next;
	char		*key;
	unsigned long	 seq;		/* order of arrival */
};

struct table {
	struct node	**buckets;
	size_t		 cap;		/* power of two, or 0 */
	size_t		 n;
	unsigned long	 seq;
};

static const unsigned char table_key[16] = "wachtd-ami-table";

static size_t
bucket(const struct table *t, const char *key)
{
	return (size_t)ami_siphash(table_key, key, strlen(key)) & (t->cap - 1);
}

/* The node with key, or NULL. */
static struct node *
tab_get(const struct table *t, const char *key)
{
	struct node	*n;

	if (t->cap == 0)
		return NULL;
	for (n = t->buckets[bucket(t, key)]; n != NULL; n = n->next)
		if (strcmp(n->key, key) == 0)
			return n;
	return NULL;
}

/* Adds node n, whose key is not in t yet. */
static void
tab_add(struct table *t, struct node *n)
{
	struct node	**old = t->buckets, *m, *next;
	size_t		 oldcap = t->cap, i, b;

	if (t->n + 1 > t->cap) {
		t->cap = t->cap == 0 ? 16 : t->cap * 2;
		t->buckets = xcalloc(t->cap, sizeof(*t->buckets));
		for (i = 0; i < oldcap; i++)
			for (m = old[i]; m != NULL; m = next) {
				next = m->next;
				b = bucket(t, m->key);
				m->next = t->buckets[b];
				t->buckets[b] = m;
			}
		free(old);
	}
	b = bucket(t, n->key);
	n->next = t->buckets[b];
	t->buckets[b] = n;
	n->seq = t->seq++;
	t->n++;
}

/* Unlinks n (in t) and frees it. */
static void
tab_del(struct table *t, struct node *n)
{
	struct node	**pp = &t->buckets[bucket(t, n->key)];

	while (*pp != n)
		pp = &(*pp)->next;
	*pp = n->next;
	t->n--;
	free(n->key);
	free(n);
}

static int
by_seq(const void *a, const void *b)
{
	const struct node *x = *(struct node *const *)a;
	const struct node *y = *(struct node *const *)b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* The nodes of t in the order they came (callers by their position),
 * in an array to walk while the table changes. */
static struct node **
tab_list(const struct table *t, size_t *count)
{
	struct node	**list, *n;
	size_t		 i, k = 0;

	*count = t->n;
	if (t->n == 0)
		return NULL;
	list = xreallocarray(NULL, t->n, sizeof(*list));
	for (i = 0; i < t->cap; i++)
		for (n = t->buckets[i]; n != NULL; n = n->next)
			list[k++] = n;
	qsort(list, k, sizeof(*list), by_seq);
	return list;
}

/* Frees every node; the table is empty and usable again. */
static void
tab_clear(struct table *t)
{
	struct node	*n, *next;
	size_t		 i;

	for (i = 0; i < t->cap; i++)
		for (n = t->buckets[i]; n != NULL; n = next) {
			next = n->next;
			free(n->key);
			free(n);
		}
	free(t->buckets);
	memset(t, 0, sizeof(*t));
}

/* A new node of `size` bytes (a struct that begins with a node). */
static void *
node_new(size_t size, const char *key)
{
	struct node	*n = xcalloc(1, size);

	n->key = xstrdup(key);
	return n;
}

/* ------------------------------------------------------------------ */
/* the queue state machine */

/* What we believe of a call in an Asterisk queue. */
enum call_state {
	CALL_WAITING,		/* in the queue */
	CALL_LEAVING,		/* QueueCallerLeave came, no outcome yet */
	CALL_MISSING		/* a snapshot lacked it: leaves after the
				 * grace unless an event settles it first */
};

enum outcome_kind {
	LEFT,			/* a timeout, an exit key, lost sight of */
	ANSWERED,
	ABANDONED
};

struct call {
	struct node	 node;		/* key: Uniqueid */
	enum call_state	 state;
	double		 joined;	/* when it joined Asterisk's queue */
	double		 tracked;	/* since when we know it */
	double		 since;		/* leaving or missing since */
	char		 id[17];	/* hex of its keyed hash */
};

/* A call that left: neither a snapshot nor a late event brings it back. */
struct gone {
	struct node	 node;		/* key: Uniqueid */
	double		 at;
	int		 counted;	/* answered or abandoned was said */
};

struct member {
	struct node	 node;		/* key: Interface (Location) */
	long		 status;	/* AST_DEVICE_*, -1 unknown */
	long		 paused;
};

/* A caller in a snapshot. */
struct entry {
	struct node	 node;		/* key: Uniqueid */
	double		 wait;
};

/* An Asterisk queue. */
struct aq {
	const char	*name;
	size_t		 wq;		/* the wachtd queue it feeds */
	struct table	 calls;
	struct table	 gone;
	struct table	 members;
	int		 known;		/* members known: a snapshot came */
	int		 snap_open;	/* a QueueStatus is under way */
	int		 snap_params;	/* its QueueParams came */
	double		 snap_begin;
	struct table	 snap_calls;	/* of struct entry */
	struct table	 snap_members;
};

/* A wachtd queue and what it was last told. */
struct wq {
	const char	*id;
	enum ami_mode	 mode;
	double		 said;		/* gauges last said in full */
	double		 agents, waiting, longest; /* NAN: not said */
};

struct ami_state {
	struct aq	*aqs;
	size_t		 naqs;
	struct wq	*wqs;
	size_t		 nwqs;
	double		 repeat;
	double		 backdate;
	unsigned char	 key[16];
	ami_out_fn	*out;
	void		*arg;
};

/* Device states (Asterisk's AST_DEVICE_*) of a member who cannot take a
 * call: the phone is not there. */
#define DEVICE_INVALID		4
#define DEVICE_UNAVAILABLE	5

struct ami_state *
ami_state_new(const struct ami_queue_conf *conf, size_t n, double repeat,
    double backdate, ami_out_fn *out, void *arg)
{
	struct ami_state *st = xcalloc(1, sizeof(*st));
	size_t		 i, j;

	st->aqs = xcalloc(n > 0 ? n : 1, sizeof(*st->aqs));
	st->wqs = xcalloc(n > 0 ? n : 1, sizeof(*st->wqs));
	st->naqs = n;
	st->repeat = repeat;
	st->backdate = backdate;
	st->out = out;
	st->arg = arg;
	for (i = 0; i < n; i++) {
		for (j = 0; j < st->nwqs; j++)
			if (strcmp(st->wqs[j].id, conf[i].queue) == 0)
				break;
		if (j == st->nwqs) {
			st->wqs[j].id = conf[i].queue;
			st->wqs[j].mode = conf[i].mode;
			st->wqs[j].agents = st->wqs[j].waiting =
			    st->wqs[j].longest = NAN;
			st->nwqs++;
		}
		st->aqs[i].name = conf[i].name;
		st->aqs[i].wq = j;
	}
	ami_state_key(st, "");
	return st;
}

void
ami_state_free(struct ami_state *st)
{
	size_t	 i;

	if (st == NULL)
		return;
	for (i = 0; i < st->naqs; i++) {
		tab_clear(&st->aqs[i].calls);
		tab_clear(&st->aqs[i].gone);
		tab_clear(&st->aqs[i].members);
		tab_clear(&st->aqs[i].snap_calls);
		tab_clear(&st->aqs[i].snap_members);
	}
	free(st->aqs);
	free(st->wqs);
	free(st);
}

void
ami_state_key(struct ami_state *st, const char *key)
{
	static const unsigned char k0[16] = "wachtd call id 0";
	static const unsigned char k1[16] = "wachtd call id 1";
	unsigned long long a = ami_siphash(k0, key, strlen(key));
	unsigned long long b = ami_siphash(k1, key, strlen(key));
	int		 i;

	for (i = 0; i < 8; i++) {
		st->key[i] = (unsigned char)(a >> (8 * i));
		st->key[8 + i] = (unsigned char)(b >> (8 * i));
	}
}

int
ami_state_queue(const struct ami_state *st, const char *name)
{
	size_t	 i;

	if (name == NULL)
		return -1;
	for (i = 0; i < st->naqs; i++)
		if (strcasecmp(st->aqs[i].name, name) == 0)
			return (int)i;
	return -1;
}

size_t
ami_state_calls(const struct ami_state *st, int i)
{
	return st->aqs[i].calls.n;
}

static void
out_gauge(struct ami_state *st, const struct wq *w, const char *metric,
    double value)
{
	struct ami_out	 o = { .kind = AMI_OUT_GAUGE, .queue = w->id,
	    .metric = metric, .value = value };

	st->out(st->arg, &o);
}

static void
out_event(struct ami_state *st, const struct wq *w, const char *metric,
    double value, double at)
{
	struct ami_out	 o = { .kind = AMI_OUT_EVENT, .queue = w->id,
	    .metric = metric, .value = value, .at = at };

	st->out(st->arg, &o);
}

static void
out_json(struct ami_state *st, const struct wq *w, const char *metric,
    const char *json)
{
	struct ami_out	 o = { .kind = AMI_OUT_JSON, .queue = w->id,
	    .metric = metric, .json = json };

	st->out(st->arg, &o);
}

/* Members of w's Asterisk queues who can take a call now, each
 * interface once; -1 while some queue's members are not known. */
static double
count_agents(const struct ami_state *st, size_t w)
{
	struct table	 seen = { 0 };
	struct node	**list;
	struct member	*m;
	size_t		 i, k, n;
	double		 agents = 0;

	for (i = 0; i < st->naqs; i++)
		if (st->aqs[i].wq == w && !st->aqs[i].known)
			return -1;
	for (i = 0; i < st->naqs; i++) {
		if (st->aqs[i].wq != w)
			continue;
		list = tab_list(&st->aqs[i].members, &n);
		for (k = 0; k < n; k++) {
			m = (struct member *)list[k];
			if (m->paused > 0 || m->status == DEVICE_INVALID ||
			    m->status == DEVICE_UNAVAILABLE ||
			    tab_get(&seen, m->node.key) != NULL)
				continue;
			tab_add(&seen, node_new(sizeof(struct node),
			    m->node.key));
			agents++;
		}
		free(list);
	}
	tab_clear(&seen);
	return agents;
}

/* Waiting callers of w and the longest wait among them (gauge mode). */
static void
count_waiting(const struct ami_state *st, size_t w, double now,
    double *waiting, double *longest)
{
	struct node	**list;
	struct call	*c;
	size_t		 i, k, n;

	*waiting = *longest = 0;
	for (i = 0; i < st->naqs; i++) {
		if (st->aqs[i].wq != w)
			continue;
		list = tab_list(&st->aqs[i].calls, &n);
		for (k = 0; k < n; k++) {
			c = (struct call *)list[k];
			if (c->state != CALL_WAITING)
				continue;
			(*waiting)++;
			*longest = fmax(*longest, floor(now - c->joined));
		}
		free(list);
	}
}

/*
 * Says the gauges of wachtd queue w that changed, or all of them when
 * `all` (every `repeat`, so that wachtd sees the feed alive on a quiet
 * queue). Nothing while its members are not known.
 */
static void
say_gauges(struct ami_state *st, size_t w, double now, int all)
{
	struct wq	*q = &st->wqs[w];
	double		 agents = count_agents(st, w), waiting, longest;

	if (agents < 0)
		return;
	if (all || agents != q->agents)
		out_gauge(st, q, "agents", agents);
	q->agents = agents;
	if (q->mode == AMI_MODE_GAUGE) {
		count_waiting(st, w, now, &waiting, &longest);
		if (all || waiting != q->waiting)
			out_gauge(st, q, "waiting", waiting);
		if (all || waiting != q->waiting || longest != q->longest)
			out_gauge(st, q, "longest_wait", longest);
		q->waiting = waiting;
		q->longest = longest;
	}
	if (all)
		q->said = now;
}

static void
call_id(const struct ami_state *st, const struct aq *a, const char *uid,
    char *id)
{
	char	 buf[512];
	int	 n;

	/* The queue too: a caller moved from queue 600 to 601 is two waits. */
	n = snprintf(buf, sizeof(buf), "%s%c%s", a->name, 0, uid);
	if (n < 0 || (size_t)n >= sizeof(buf))
		n = sizeof(buf) - 1;
	snprintf(id, 17, "%016llx", ami_siphash(st->key, buf, (size_t)n));
}

/* Remembers that call uid of a left, and whether its outcome was said. */
static void
remember_gone(struct aq *a, const char *uid, double now, int counted)
{
	struct gone	*g = (struct gone *)tab_get(&a->gone, uid);

	if (g == NULL) {
		if (a->gone.n >= AMI_CALLS_MAX)
			return;
		g = node_new(sizeof(*g), uid);
		tab_add(&a->gone, &g->node);
	}
	g->at = now;
	g->counted = counted;
}

/* Starts tracking a call: a join for wachtd, dated `at` (0: now). */
static void
track(struct ami_state *st, struct aq *a, const char *uid, double joined,
    double at, double now, int arrived)
{
	struct wq	*w = &st->wqs[a->wq];
	struct call	*c;
	struct node	*g;
	char		 json[128];

	if (a->calls.n >= AMI_CALLS_MAX)
		return;
	if ((g = tab_get(&a->gone, uid)) != NULL)
		tab_del(&a->gone, g);
	c = node_new(sizeof(*c), uid);
	c->state = CALL_WAITING;
	c->joined = joined;
	c->tracked = now;
	call_id(st, a, uid, c->id);
	tab_add(&a->calls, &c->node);
	if (w->mode == AMI_MODE_LIFECYCLE) {
		if (at > 0)
			snprintf(json, sizeof(json), "{\"id\":\"%s\","
			    "\"ts\":%.3f}", c->id, at);
		else
			snprintf(json, sizeof(json), "{\"id\":\"%s\"}", c->id);
		out_json(st, w, "join", json);
	} else if (arrived)
		out_event(st, w, "arrived", 1, now);
}

/*
 * A tracked call leaves: a leave with its outcome (lifecycle), or the
 * answered/abandoned event with its wait (gauge mode); wait < 0 when
 * Asterisk did not say it.
 */
static void
finish(struct ami_state *st, struct aq *a, struct call *c,
    enum outcome_kind how, double wait, double now)
{
	struct wq	*w = &st->wqs[a->wq];
	char		 json[128];
	const char	*outcome = how == ANSWERED ? "answered" :
	    how == ABANDONED ? "abandoned" : NULL;

	if (wait < 0)
		wait = fmax(0, now - c->joined);
	if (w->mode == AMI_MODE_LIFECYCLE) {
		if (outcome != NULL)
			snprintf(json, sizeof(json), "{\"id\":\"%s\","
			    "\"outcome\":\"%s\"}", c->id, outcome);
		else
			snprintf(json, sizeof(json), "{\"id\":\"%s\"}", c->id);
		out_json(st, w, "leave", json);
	} else if (outcome != NULL)
		out_event(st, w, outcome, wait, now);
	remember_gone(a, c->node.key, now, outcome != NULL);
	tab_del(&a->calls, &c->node);
}

/*
 * An outcome for a call we do not track (it waited before we could see
 * it): said as a plain event with Asterisk's HoldTime, once.
 */
static void
untracked_outcome(struct ami_state *st, struct aq *a, const char *uid,
    const char *metric, long hold, double now)
{
	struct gone	*g = (struct gone *)tab_get(&a->gone, uid);

	if ((g != NULL && g->counted) || hold < 0)
		return;
	out_event(st, &st->wqs[a->wq], metric, (double)hold, now);
	remember_gone(a, uid, now, 1);
}

/* QueueCallerJoin: a call to track, unless we know it already. */
static void
on_join(struct ami_state *st, struct aq *a, const struct ami_msg *m,
    double now)
{
	const char	*uid = ami_msg_get(m, "Uniqueid");
	struct call	*c;

	if (uid == NULL || *uid == '\0')
		return;
	if ((c = (struct call *)tab_get(&a->calls, uid)) != NULL) {
		if (c->state == CALL_WAITING)
			return;		/* known from a snapshot */
		/* Back in the queue before its leave was settled. */
		finish(st, a, c, LEFT, -1, now);
	}
	track(st, a, uid, now, 0, now, 1);
	say_gauges(st, a->wq, now, 0);
}

/* QueueCallerLeave: the outcome may still come (AgentConnect after it),
 * or never: the tick settles it after AMI_GRACE. */
static void
on_leave(struct ami_state *st, struct aq *a, const struct ami_msg *m,
    double now)
{
	const char	*uid = ami_msg_get(m, "Uniqueid");
	struct call	*c;

	if (uid == NULL || (c = (struct call *)tab_get(&a->calls, uid)) ==
	    NULL || c->state == CALL_LEAVING)
		return;
	c->state = CALL_LEAVING;
	c->since = now;
	say_gauges(st, a->wq, now, 0);
}

/* QueueCallerAbandon (answered 0) and AgentConnect (answered 1). */
static void
on_outcome(struct ami_state *st, struct aq *a, const struct ami_msg *m,
    double now, int answered)
{
	const char	*uid = ami_msg_get(m, "Uniqueid");
	long		 hold = ami_msg_num(m, "HoldTime");
	struct call	*c;

	if (uid == NULL || *uid == '\0')
		return;
	if ((c = (struct call *)tab_get(&a->calls, uid)) != NULL)
		finish(st, a, c, answered ? ANSWERED : ABANDONED,
		    (double)hold, now);
	else
		untracked_outcome(st, a, uid, answered ? "answered" :
		    "abandoned", hold, now);
	say_gauges(st, a->wq, now, 0);
}

/* AgentComplete: the agent's talk time, for wachtd's prediction. */
static void
on_complete(struct ami_state *st, struct aq *a, const struct ami_msg *m,
    double now)
{
	const char	*uid = ami_msg_get(m, "Uniqueid");
	long		 talk = ami_msg_num(m, "TalkTime");
	struct call	*c;

	/* Its AgentConnect got lost: the call was answered all the same. */
	if (uid != NULL && (c = (struct call *)tab_get(&a->calls, uid)) !=
	    NULL)
		finish(st, a, c, ANSWERED, (double)ami_msg_num(m, "HoldTime"),
		    now);
	if (talk >= 0)
		out_event(st, &st->wqs[a->wq], "handle_time", (double)talk,
		    now);
	say_gauges(st, a->wq, now, 0);
}

/* Sets a member in t from a QueueMember* message; key: its interface. */
static void
set_member(struct table *t, const char *iface, const struct ami_msg *m)
{
	struct member	*mb = (struct member *)tab_get(t, iface);
	long		 v;

	if (mb == NULL) {
		mb = node_new(sizeof(*mb), iface);
		mb->status = -1;
		tab_add(t, &mb->node);
	}
	if ((v = ami_msg_num(m, "Status")) >= 0)
		mb->status = v;
	if ((v = ami_msg_num(m, "Paused")) >= 0)
		mb->paused = v;
}

static void
del_member(struct table *t, const char *iface)
{
	struct node	*n = tab_get(t, iface);

	if (n != NULL)
		tab_del(t, n);
}

/* QueueMemberAdded, Status, Pause, Penalty, Ringinuse, Removed. */
static void
on_member(struct ami_state *st, struct aq *a, const struct ami_msg *m,
    double now, int removed)
{
	const char	*iface = ami_msg_get(m, "Interface");

	if (iface == NULL || *iface == '\0')
		return;
	/* The snapshot under way takes it too: it may be older. */
	if (removed) {
		del_member(&a->members, iface);
		if (a->snap_open)
			del_member(&a->snap_members, iface);
	} else {
		set_member(&a->members, iface, m);
		if (a->snap_open)
			set_member(&a->snap_members, iface, m);
	}
	say_gauges(st, a->wq, now, 0);
}

/* QueueParams, QueueMember and QueueEntry of a snapshot. */
static void
on_snapshot(struct aq *a, const struct ami_msg *m, const char *event)
{
	const char	*key;
	struct entry	*e;
	long		 wait;

	if (!a->snap_open)
		return;
	if (strcasecmp(event, "QueueParams") == 0)
		a->snap_params = 1;
	else if (strcasecmp(event, "QueueMember") == 0) {
		/* "Location" in QueueMember, "Interface" in the events. */
		if ((key = ami_msg_get(m, "Location")) == NULL)
			key = ami_msg_get(m, "Interface");
		if (key != NULL && *key != '\0')
			set_member(&a->snap_members, key, m);
	} else {
		key = ami_msg_get(m, "Uniqueid");
		if (key == NULL || *key == '\0' ||
		    tab_get(&a->snap_calls, key) != NULL ||
		    a->snap_calls.n >= AMI_CALLS_MAX)
			return;
		wait = ami_msg_num(m, "Wait");
		e = node_new(sizeof(*e), key);
		e->wait = wait > 0 ? (double)wait : 0;
		tab_add(&a->snap_calls, &e->node);
	}
}

void
ami_state_feed(struct ami_state *st, const struct ami_msg *m, double now)
{
	const char	*event = ami_msg_get(m, "Event");
	int		 i;
	struct aq	*a;

	if (m->kind != AMI_EVENT || event == NULL ||
	    (i = ami_state_queue(st, ami_msg_get(m, "Queue"))) == -1)
		return;
	a = &st->aqs[i];
	if (strcasecmp(event, "QueueCallerJoin") == 0)
		on_join(st, a, m, now);
	else if (strcasecmp(event, "QueueCallerLeave") == 0)
		on_leave(st, a, m, now);
	else if (strcasecmp(event, "QueueCallerAbandon") == 0)
		on_outcome(st, a, m, now, 0);
	else if (strcasecmp(event, "AgentConnect") == 0)
		on_outcome(st, a, m, now, 1);
	else if (strcasecmp(event, "AgentComplete") == 0)
		on_complete(st, a, m, now);
	else if (strcasecmp(event, "QueueMemberRemoved") == 0)
		on_member(st, a, m, now, 1);
	else if (strncasecmp(event, "QueueMember", 11) == 0 && event[11] != 0)
		on_member(st, a, m, now, 0);
	else if (strcasecmp(event, "QueueParams") == 0 ||
	    strcasecmp(event, "QueueMember") == 0 ||
	    strcasecmp(event, "QueueEntry") == 0)
		on_snapshot(a, m, event);
}

void
ami_state_begin(struct ami_state *st, int i, double now)
{
	struct aq	*a = &st->aqs[i];

	tab_clear(&a->snap_calls);
	tab_clear(&a->snap_members);
	a->snap_open = 1;
	a->snap_params = 0;
	a->snap_begin = now;
}

void
ami_state_abort(struct ami_state *st, int i)
{
	struct aq	*a = &st->aqs[i];

	tab_clear(&a->snap_calls);
	tab_clear(&a->snap_members);
	a->snap_open = 0;
}

int
ami_state_end(struct ami_state *st, int i, double now)
{
	struct aq	*a = &st->aqs[i];
	struct node	**list;
	struct entry	*e;
	struct call	*c;
	size_t		 k, n;
	int		 found = a->snap_params;

	if (!a->snap_open)
		return 0;
	/* Members: the snapshot's, with what changed while it came. */
	tab_clear(&a->members);
	a->members = a->snap_members;
	memset(&a->snap_members, 0, sizeof(a->snap_members));
	a->known = 1;

	/* Callers it has that we do not: a join, dated back by their wait
	 * as far as wachtd takes it. */
	list = tab_list(&a->snap_calls, &n);
	for (k = 0; k < n; k++) {
		e = (struct entry *)list[k];
		c = (struct call *)tab_get(&a->calls, e->node.key);
		if (c != NULL) {
			if (c->state == CALL_MISSING)
				c->state = CALL_WAITING;
		} else if (tab_get(&a->gone, e->node.key) == NULL)
			track(st, a, e->node.key, now - e->wait,
			    e->wait > 0 && st->backdate > 0 ?
			    now - fmin(e->wait, st->backdate) : 0, now, 0);
	}
	free(list);

	/* Callers we have that it has not, unless they came after it was
	 * asked for: missing, and gone after the grace. */
	list = tab_list(&a->calls, &n);
	for (k = 0; k < n; k++) {
		c = (struct call *)list[k];
		if (c->state == CALL_WAITING && c->tracked < a->snap_begin &&
		    tab_get(&a->snap_calls, c->node.key) == NULL) {
			c->state = CALL_MISSING;
			c->since = now;
		}
	}
	free(list);
	tab_clear(&a->snap_calls);
	a->snap_open = 0;
	say_gauges(st, a->wq, now, 1);
	return found ? 0 : -1;
}

void
ami_state_down(struct ami_state *st)
{
	struct wq	*w;
	size_t		 i;

	for (i = 0; i < st->naqs; i++) {
		ami_state_abort(st, (int)i);
		st->aqs[i].known = 0;
		tab_clear(&st->aqs[i].members);
	}
	/* Gauges from a source we cannot see are not repeated, not even to
	 * a broker that comes back: wachtd shows the feed stale. */
	for (i = 0; i < st->nwqs; i++) {
		w = &st->wqs[i];
		out_gauge(st, w, "agents", NAN);
		if (w->mode == AMI_MODE_GAUGE) {
			out_gauge(st, w, "waiting", NAN);
			out_gauge(st, w, "longest_wait", NAN);
		}
		w->agents = w->waiting = w->longest = NAN;
	}
}

void
ami_state_tick(struct ami_state *st, double now)
{
	struct aq	*a;
	struct node	**list;
	struct call	*c;
	struct gone	*g;
	size_t		 i, k, n;
	int		 changed;

	for (i = 0; i < st->naqs; i++) {
		a = &st->aqs[i];
		changed = 0;
		list = tab_list(&a->calls, &n);
		for (k = 0; k < n; k++) {
			c = (struct call *)list[k];
			if (c->state != CALL_WAITING &&
			    now - c->since >= AMI_GRACE) {
				finish(st, a, c, LEFT, -1, now);
				changed = 1;
			}
		}
		free(list);
		list = tab_list(&a->gone, &n);
		for (k = 0; k < n; k++) {
			g = (struct gone *)list[k];
			if (now - g->at > AMI_GONE_TTL)
				tab_del(&a->gone, &g->node);
		}
		free(list);
		if (changed)
			say_gauges(st, a->wq, now, 0);
	}
	for (i = 0; i < st->nwqs; i++)
		if (now - st->wqs[i].said >= st->repeat)
			say_gauges(st, i, now, 1);
}
