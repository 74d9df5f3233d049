/*
 * sim.c: wachtd-sim, a traffic simulator that publishes to MQTT exactly as
 * real probes would, so the demo shows queues changing live and load tests
 * have a stream.
 *
 * The model is a discrete-event simulation in simulated seconds since the
 * start. It knows no broker and no clock: every message goes to a callback.
 * main() (left out with -DSIM_NO_MAIN) sends them to stdout or the broker and
 * decides how fast simulated time runs.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ini.h>

#include "parse.h"
#include "sim.h"

#define MAX_RANGES	8	/* opening-hour ranges per queue */
#define MAX_ID		129	/* CHANNEL/NAME, at most 64 each (parse.h) */
#define LINE_MAX_LEN	4096	/* longest config line, as in wachtd.conf */
#define PEAK		1.8	/* the highest factor of the daily profile */
#define LOGNORMAL_SIGMA	0.6	/* spread of lognormal handle times */
#define MAX_MEAN_TEXT	32	/* of a rating_mean, for its second-pass error */
#define RATING_SD(scale) ((scale) / 5.0)	/* 1 point of 5, 2 of 10 */
#ifndef M_PI
#define M_PI		3.14159265358979323846
#endif
#ifndef M_SQRT2
#define M_SQRT2		1.41421356237309504880
#endif

enum mode {
	MODE_LIFECYCLE,		/* phone: join and leave per contact */
	MODE_GAUGE,		/* counter tickets: waiting, longest_wait */
	MODE_BACKLOG,		/* e-mail: backlog, oldest_age */
};

enum key {
	KEY_MODE,
	KEY_ARRIVALS,
	KEY_STAFF,
	KEY_HANDLE_TIME,
	KEY_HANDLE_DIST,
	KEY_PATIENCE,
	KEY_HOURS,
	KEY_INTERVAL,
	KEY_DIRECT_SHARE,
	KEY_RATED_SHARE,
	KEY_RATING_SCALE,
	KEY_RATING_MEAN,
	NKEYS
};
static const char *key_names[NKEYS] = {
	"mode", "arrivals_per_hour", "staff", "handle_time", "handle_dist",
	"patience", "hours", "interval", "direct_share", "rated_share",
	"rating_scale", "rating_mean"
};
#define REQUIRED_KEYS	((1u << KEY_MODE) | (1u << KEY_ARRIVALS) | \
			 (1u << KEY_STAFF) | (1u << KEY_HANDLE_TIME))
#define HAS(conf, key)	(((conf)->seen & (1u << (key))) != 0)

struct range {
	int		 from, to;	/* seconds after 00:00, [from, to) */
};

struct queue_conf {
	char		 id[MAX_ID + 1];
	int		 line;		/* of the section header */
	unsigned	 seen;		/* bit per enum key given */
	enum mode	 mode;
	double		 arrivals_per_hour;
	int		 staff;
	double		 handle_time;	/* mean, seconds */
	int		 lognormal;	/* else exponential */
	double		 patience;	/* mean, seconds; 0 never abandons */
	double		 interval;	/* between gauge publications */
	struct range	 hours[MAX_RANGES];
	int		 nhours;
	int		 key_line[NKEYS];	/* where each key was given */
	/* absent keys publish nothing: a queue without them is unchanged */
	double		 direct_share;	/* 0 to 1, of finished contacts */
	double		 rated_share;	/* 0 to 1, of finished contacts */
	int		 rating_scale;	/* 5 (1 to 5) or 10 (0 to 10); 0 bad */
	double		 rating_mean;	/* on that scale; NAN until known */
	char		 mean_text[MAX_MEAN_TEXT];	/* as written */
};

struct sim_config {
	struct queue_conf	*queues;
	int			 nqueues;
};

/* State while reading one file; inih calls back into it. */
struct conf_parse {
	FILE			*fp;
	const char		*name;
	int			 line;
	char			*buf;
	size_t			 bufsize;
	struct sim_config	*cfg;
	int			 in_section;
	int			 current;	/* queue index, -1 if invalid */
	int			 errors;
	sim_complain_fn		*complain;
	void			*arg;
};

struct contact {
	double		 arrived;
	uint64_t	 id;
	int		 gone;		/* abandoned, slot kept until head */
};

struct agent {
	int		 busy;
	double		 arrived;	/* of the contact being handled */
	double		 handle;	/* its handle time */
};

struct queue {
	const struct queue_conf	*conf;
	int			 index;		/* in sim->queues */
	/* own random streams: changing staff keeps the arrivals */
	uint64_t		 arrivals[4];
	uint64_t		 service[4];
	uint64_t		 resolution[4];	/* direct or not */
	uint64_t		 rating[4];	/* rated or not, and the score */
	double			 rating_centre;	/* of the normal before rounding */
	struct agent		*agents;
	struct contact		*line;		/* ring, slot = serial % cap */
	uint64_t		 cap;		/* a power of two */
	uint64_t		 head, tail;	/* serials in the line */
	uint64_t		 waiting;	/* of those, not gone */
};

enum event_kind {
	EV_ARRIVAL,		/* a candidate arrival, kept or thinned out */
	EV_DEPART,		/* an agent finishes; arg = agent index */
	EV_ABANDON,		/* patience runs out; arg = contact serial */
	EV_TICK,		/* publish gauges; arg = tick number */
};

struct event {
	double		 t;
	uint64_t	 seq;		/* breaks ties in scheduling order */
	int		 queue;
	enum event_kind	 kind;
	uint64_t	 arg;
};

struct sim {
	const struct sim_config	*cfg;
	struct sim_options	 opt;
	sim_emit_fn		*emit;
	void			*arg;
	struct queue		*queues;
	struct event		*heap;
	size_t			 nheap, capheap;
	uint64_t		 seq;
	uint64_t		 next_id;
	unsigned		 tag;		/* run tag in contact ids */
};

/* Out of memory leaves nothing sensible to simulate. */
static void *
xreallocarray(void *p, size_t n, size_t size)
{
	if (n == 0 || size == 0)
		n = size = 1;		/* realloc(p, 0) may free p */
	if (n > SIZE_MAX / size || (p = realloc(p, n * size)) == NULL) {
		fprintf(stderr, "wachtd-sim: out of memory\n");
		exit(1);
	}
	return p;
}

/* ---- random numbers: splitmix64 seeds xoshiro256** ---- */

static uint64_t
splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t
rng_next(uint64_t s[4])
{
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, 1). */
static double
rng_uniform(uint64_t s[4])
{
	return (double)(rng_next(s) >> 11) * 0x1.0p-53;
}

static double
rng_exp(uint64_t s[4], double mean)
{
	return -mean * log(1.0 - rng_uniform(s));
}

/* Standard normal by Box-Muller, from two uniforms. */
static double
rng_normal(uint64_t s[4])
{
	double u = 1.0 - rng_uniform(s), v = rng_uniform(s);

	return sqrt(-2.0 * log(u)) * cos(2.0 * M_PI * v);
}

/* Lognormal with the given mean: most contacts short, a few long. */
static double
rng_lognormal(uint64_t s[4], double mean, double sigma)
{
	double normal = rng_normal(s);

	return exp(log(mean) - sigma * sigma / 2 + sigma * normal);
}

/* ---- configuration ---- */

/* Formats one error as FILE:LINE: message and counts it. */
static void __attribute__((format(printf, 3, 4)))
conf_error(struct conf_parse *p, int line, const char *fmt, ...)
{
	char	 msg[512];
	int	 n;
	va_list	 ap;

	if (line > 0)
		n = snprintf(msg, sizeof msg, "%s:%d: ", p->name, line);
	else
		n = snprintf(msg, sizeof msg, "%s: ", p->name);
	if (n < 0 || (size_t)n >= sizeof msg)
		n = 0;		/* a silly long file name: keep the message */
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof msg - n, fmt, ap);
	va_end(ap);
	p->complain(p->arg, msg);
	p->errors++;
}

/*
 * A plain decimal number in [min, max], for rates: parse.h has durations,
 * percentages and whole numbers, but no fractions without a unit.
 */
static int
decimal(const char *s, double min, double max, double *out)
{
	char	*end;
	double	 v;

	if (!isdigit((unsigned char)*s) && *s != '.')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(v) ||
	    v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* A duration with its unit, as in wachtd.conf; range says what fits. */
static const char *
conf_duration(const char *v, double min, double max, const char *range,
    double *out)
{
	const char	*why;
	double		 d;

	if (parse_duration(v, &d, &why) == -1)
		return why;	/* "240": "missing unit (s, m, h, d)" */
	if (d < min || d > max)
		return range;
	*out = d;
	return NULL;
}

/*
 * "08:30-12:30 13:30-20:00": ranges apart by blanks or commas, as for a
 * day of [hours] in wachtd.conf; returns NULL or why not.
 */
static const char *
conf_hours(struct queue_conf *q, const char *v)
{
	char		 buf[LINE_MAX_LEN + 1], *tok, *save = NULL, *dash;
	const char	*why;
	int		 n = 0, from, to;

	snprintf(buf, sizeof buf, "%s", v);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save)) {
		if ((dash = strchr(tok, '-')) == NULL)
			return "expected ranges like 08:30-12:30 13:30-17:00";
		*dash = '\0';
		if (parse_clock(tok, 0, &from, &why) == -1 ||
		    parse_clock(dash + 1, 1, &to, &why) == -1)
			return why;
		if (to <= from)
			return "a range must end after it starts";
		if (n == MAX_RANGES)
			return "at most 8 ranges";
		q->hours[n].from = from * 60;
		q->hours[n].to = to * 60;
		n++;
	}
	if (n == 0)
		return "expected ranges like 08:30-12:30 13:30-17:00";
	q->nhours = n;
	return NULL;
}

/* Stores one value; returns NULL or why it is refused. */
static const char *
conf_set(struct queue_conf *q, enum key key, const char *v)
{
	const char	*why;
	double		 pct;
	long		 n;

	switch (key) {
	case KEY_MODE:
		if (strcmp(v, "lifecycle") == 0)
			q->mode = MODE_LIFECYCLE;
		else if (strcmp(v, "gauge") == 0)
			q->mode = MODE_GAUGE;
		else if (strcmp(v, "backlog") == 0)
			q->mode = MODE_BACKLOG;
		else
			return "expected lifecycle, gauge or backlog";
		return NULL;
	case KEY_ARRIVALS:
		if (decimal(v, 0, 1e6, &q->arrivals_per_hour) == -1)
			return "expected a number from 0 to 1000000";
		return NULL;
	case KEY_STAFF:
		if (parse_int(v, 0, 1000, &n, &why) == -1)
			return "expected a whole number from 0 to 1000";
		q->staff = (int)n;
		return NULL;
	case KEY_HANDLE_TIME:
		return conf_duration(v, 1, 86400, "expected a duration from "
		    "1s to 24h, like 4m", &q->handle_time);
	case KEY_HANDLE_DIST:
		if (strcmp(v, "lognormal") == 0)
			q->lognormal = 1;
		else if (strcmp(v, "exponential") == 0)
			q->lognormal = 0;
		else
			return "expected lognormal or exponential";
		return NULL;
	case KEY_PATIENCE:
		return conf_duration(v, 0, 86400, "expected a duration up to "
		    "24h, 0 for never", &q->patience);
	case KEY_HOURS:
		return conf_hours(q, v);
	case KEY_INTERVAL:
		return conf_duration(v, 1, 3600, "expected a duration from "
		    "1s to 1h", &q->interval);
	case KEY_DIRECT_SHARE:
	case KEY_RATED_SHARE:
		if (parse_percent(v, &pct, &why) == -1)
			return why;	/* "expected a percentage like 80%" */
		*(key == KEY_DIRECT_SHARE ? &q->direct_share :
		    &q->rated_share) = pct / 100;
		return NULL;
	case KEY_RATING_SCALE:
		if (parse_int(v, 5, 10, &n, &why) == -1 || (n != 5 && n != 10)) {
			q->rating_scale = 0;	/* no mean can be judged */
			return "expected 5 (scores 1 to 5) or 10 (0 to 10)";
		}
		q->rating_scale = (int)n;
		return NULL;
	case KEY_RATING_MEAN:
		/* which scale it is on is known once the section is read */
		if (decimal(v, 0, 10, &q->rating_mean) == -1)
			return "expected a number on the rating_scale, like 4.1";
		snprintf(q->mean_text, sizeof q->mean_text, "%s", v);
		return NULL;
	case NKEYS:
		break;
	}
	return "unknown key";
}

/* Opens a section; text is what stands between the brackets. */
static void
conf_section(struct conf_parse *p, char *text)
{
	struct sim_config	*cfg = p->cfg;
	struct queue_conf	*q;
	const char		*why;
	char			*id, *end;
	int			 i;

	p->in_section = 1;
	p->current = -1;
	while (isspace((unsigned char)*text))
		text++;
	end = text + strlen(text);
	while (end > text && isspace((unsigned char)end[-1]))
		*--end = '\0';
	if (strncmp(text, "queue", 5) != 0 ||
	    !isspace((unsigned char)text[5])) {
		conf_error(p, p->line, "unknown section [%s], expected "
		    "[queue CHANNEL/NAME]", text);
		return;
	}
	for (id = text + 5; isspace((unsigned char)*id); id++)
		;
	if (parse_queue_id(id, &why) == -1) {
		conf_error(p, p->line, "bad name in [queue %s]: %s", id, why);
		return;
	}
	for (i = 0; i < cfg->nqueues; i++) {
		if (strcmp(cfg->queues[i].id, id) == 0) {
			conf_error(p, p->line, "duplicate [queue %s], first at "
			    "line %d", id, cfg->queues[i].line);
			return;
		}
	}
	cfg->queues = xreallocarray(cfg->queues, cfg->nqueues + 1, sizeof *q);
	q = &cfg->queues[cfg->nqueues];
	memset(q, 0, sizeof *q);
	snprintf(q->id, sizeof q->id, "%s", id);
	q->line = p->line;
	q->lognormal = 1;
	q->interval = 10;
	q->hours[0].to = 86400;		/* open around the clock */
	q->nhours = 1;
	q->rating_scale = 5;
	q->rating_mean = NAN;
	p->current = cfg->nqueues++;
}

/*
 * Feeds inih one line at a time. Debian's inih gives its handler no line
 * number, reports only the first bad line, says nothing of empty sections
 * and takes an indented line for a continuation; so lines are counted,
 * checked and unindented here, and sections are opened here too.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse	*p = stream;
	char			*s, *end;
	ssize_t			 len;

	if ((len = getline(&p->buf, &p->bufsize, p->fp)) == -1)
		return NULL;
	p->line++;
	s = p->buf;
	if (p->line == 1 && strncmp(s, "\xef\xbb\xbf", 3) == 0)
		s += 3;		/* UTF-8 byte order mark */
	while (isspace((unsigned char)*s))
		s++;
	end = p->buf + len;
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	str[0] = '\0';
	if ((size_t)(end - s) >= (size_t)num) {
		conf_error(p, p->line, "line longer than %d characters",
		    num - 1);
		return str;
	}
	if (*s == '[') {
		if ((end = strchr(s, ']')) == NULL) {
			conf_error(p, p->line, "missing ']' in section header");
			p->in_section = 1;
			p->current = -1;
			return str;
		}
		*end = '\0';
		conf_section(p, s + 1);
		return str;	/* inih need not know the section */
	}
	if (*s != '\0' && *s != ';' && *s != '#' && strpbrk(s, "=:") == NULL) {
		conf_error(p, p->line, "expected 'key = value' or '[queue "
		    "CHANNEL/NAME]'");
		return str;
	}
	memcpy(str, s, end - s + 1);
	return str;
}

/* Called by inih for each key = value on the line conf_reader just read. */
static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_parse	*p = user;
	struct queue_conf	*q;
	const char		*why;
	int			 key;

	(void)section;
	if (!p->in_section) {
		conf_error(p, p->line, "'%s' outside a [queue] section", name);
		return 1;
	}
	if (p->current == -1)
		return 1;	/* its section is already reported */
	q = &p->cfg->queues[p->current];
	for (key = 0; key < NKEYS; key++)
		if (strcmp(name, key_names[key]) == 0)
			break;
	if (key == NKEYS)
		conf_error(p, p->line, "unknown key '%s' in [queue %s]", name,
		    q->id);
	else if (q->seen & (1u << key))
		conf_error(p, p->line, "duplicate key '%s' in [queue %s]", name,
		    q->id);
	else {
		/* given, if badly: conf_check need not say it is missing */
		q->seen |= 1u << key;
		q->key_line[key] = p->line;
		if ((why = conf_set(q, key, value)) != NULL)
			conf_error(p, p->line, "bad %s '%s' in [queue %s]: %s",
			    name, value, q->id, why);
	}
	return 1;	/* errors are counted here, not by inih */
}

/*
 * The rating keys go together: a scale or mean without rated_share would
 * rate nothing, and a mean is judged on the scale, which may come after it.
 */
static void
conf_check_rating(struct conf_parse *p, struct queue_conf *q)
{
	int	 key, lo;

	if (!HAS(q, KEY_RATED_SHARE)) {
		for (key = KEY_RATING_SCALE; key <= KEY_RATING_MEAN; key++)
			if (HAS(q, key))
				conf_error(p, q->key_line[key], "'%s' in "
				    "[queue %s] needs 'rated_share', or no "
				    "contact is rated", key_names[key], q->id);
		return;
	}
	if (q->rating_scale == 0)
		return;		/* a bad scale is already reported */
	lo = q->rating_scale == 5 ? 1 : 0;
	if (!HAS(q, KEY_RATING_MEAN))
		q->rating_mean = q->rating_scale == 5 ? 4 : 7.5;
	else if (!isnan(q->rating_mean) &&
	    (q->rating_mean < lo || q->rating_mean > q->rating_scale))
		conf_error(p, q->key_line[KEY_RATING_MEAN], "bad rating_mean "
		    "'%s' in [queue %s]: expected a number from %d to %d on "
		    "rating_scale %d", q->mean_text, q->id, lo, q->rating_scale,
		    q->rating_scale);
}

/* Second pass: what each queue still lacks once the file is read. */
static void
conf_check(struct conf_parse *p)
{
	struct queue_conf	*q;
	int			 i, key;

	if (p->cfg->nqueues == 0 && p->errors == 0)
		conf_error(p, 0, "no [queue CHANNEL/NAME] sections");
	for (i = 0; i < p->cfg->nqueues; i++) {
		q = &p->cfg->queues[i];
		for (key = 0; key < NKEYS; key++) {
			if ((REQUIRED_KEYS & ~q->seen) & (1u << key))
				conf_error(p, q->line, "[queue %s] needs '%s'",
				    q->id, key_names[key]);
		}
		if (q->mode == MODE_BACKLOG && (q->seen & (1u << KEY_PATIENCE)))
			conf_error(p, q->line, "[queue %s]: e-mail does not "
			    "abandon, patience is not for mode backlog", q->id);
		conf_check_rating(p, q);
	}
}

struct sim_config *
sim_config_read(FILE *fp, const char *name, sim_complain_fn *complain,
    void *arg)
{
	struct conf_parse	p;

	memset(&p, 0, sizeof p);
	p.fp = fp;
	p.name = name;
	p.current = -1;
	p.complain = complain;
	p.arg = arg;
	p.cfg = xreallocarray(NULL, 1, sizeof *p.cfg);
	memset(p.cfg, 0, sizeof *p.cfg);
	/*
	 * Debian's inih hands conf_reader a heap buffer of ini_initial_alloc
	 * bytes (200 unless told), whatever ini_max_line says. conf_reader
	 * strips the newline, so the line and its NUL must fit.
	 */
	ini_max_line = LINE_MAX_LEN;
	ini_use_stack = 0;
	ini_initial_alloc = LINE_MAX_LEN + 1;
	if (ini_parse_stream(conf_reader, &p, conf_handler, &p) < 0)
		conf_error(&p, 0, "cannot read: out of memory");
	else if (ferror(fp))
		conf_error(&p, p.line, "read error");
	free(p.buf);
	conf_check(&p);
	if (p.errors > 0) {
		sim_config_free(p.cfg);
		return NULL;
	}
	return p.cfg;
}

void
sim_config_free(struct sim_config *cfg)
{
	if (cfg == NULL)
		return;
	free(cfg->queues);
	free(cfg);
}

/* ---- the model ---- */

/*
 * Calls bunch up in the morning, bump after lunch and thin out late in the
 * afternoon (a typical municipal contact centre); 1 is arrivals_per_hour.
 */
static double
profile(double tod)
{
	if (tod >= 9 * 3600 && tod < 11 * 3600)
		return PEAK;
	if (tod >= 13.5 * 3600 && tod < 15 * 3600)
		return 1.2;
	if (tod >= 15 * 3600)
		return 0.6;
	return 1.0;
}

static int
is_open(const struct queue_conf *c, double tod)
{
	int i;

	for (i = 0; i < c->nhours; i++)
		if (tod >= c->hours[i].from && tod < c->hours[i].to)
			return 1;
	return 0;
}

static int
event_before(const struct event *a, const struct event *b)
{
	return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static void
schedule(struct sim *s, double t, int queue, enum event_kind kind,
    uint64_t arg)
{
	struct event	 ev = { t, s->seq++, queue, kind, arg }, tmp;
	size_t		 i, up;

	if (s->nheap == s->capheap) {
		s->capheap = s->capheap ? s->capheap * 2 : 64;
		s->heap = xreallocarray(s->heap, s->capheap, sizeof *s->heap);
	}
	i = s->nheap++;
	s->heap[i] = ev;
	while (i > 0) {
		up = (i - 1) / 2;
		if (!event_before(&s->heap[i], &s->heap[up]))
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[up];
		s->heap[up] = tmp;
		i = up;
	}
}

static struct event
next_event(struct sim *s)
{
	struct event	 top = s->heap[0], tmp;
	size_t		 i = 0, c;

	s->heap[0] = s->heap[--s->nheap];
	while ((c = 2 * i + 1) < s->nheap) {
		if (c + 1 < s->nheap &&
		    event_before(&s->heap[c + 1], &s->heap[c]))
			c++;
		if (!event_before(&s->heap[c], &s->heap[i]))
			break;
		tmp = s->heap[i];
		s->heap[i] = s->heap[c];
		s->heap[c] = tmp;
		i = c;
	}
	return top;
}

static void
publish(struct sim *s, struct queue *q, double t, const char *metric,
    const char *payload)
{
	char topic[256];

	snprintf(topic, sizeof topic, "%s/in/%s/%s", s->opt.prefix,
	    q->conf->id, metric);
	s->emit(s->arg, t, topic, payload);
}

/* The contract wants plain decimals: no exponent, no sign, one decimal. */
static void
publish_number(struct sim *s, struct queue *q, double t, const char *metric,
    double v)
{
	char	buf[64];
	size_t	n;

	if (!(v > 0))
		v = 0;		/* also NaN and -0 */
	if (v > 1e12)
		v = 1e12;
	n = (size_t)snprintf(buf, sizeof buf, "%.1f", v);
	if (n > 2 && strcmp(buf + n - 2, ".0") == 0)
		buf[n - 2] = '\0';
	publish(s, q, t, metric, buf);
}

/* Ids are opaque: a run tag and a counter, never anything personal. */
static void
publish_lifecycle(struct sim *s, struct queue *q, double t, uint64_t id,
    const char *outcome)
{
	char buf[128];

	if (outcome == NULL) {
		snprintf(buf, sizeof buf, "{\"id\":\"T%04x-%" PRIu64 "\"}",
		    s->tag, id);
		publish(s, q, t, "join", buf);
	} else {
		snprintf(buf, sizeof buf, "{\"id\":\"T%04x-%" PRIu64 "\","
		    "\"outcome\":\"%s\"}", s->tag, id, outcome);
		publish(s, q, t, "leave", buf);
	}
}

/*
 * The mean score of a normal with centre c and spread sd, rounded to whole
 * points and kept within lo..hi: lo plus, for each higher point k, the
 * chance of reaching it, P(X >= k - 0.5).
 */
static double
rounded_mean(double c, double sd, int lo, int hi)
{
	double	 m = lo;
	int	 k;

	for (k = lo + 1; k <= hi; k++)
		m += 0.5 * erfc((k - 0.5 - c) / (sd * M_SQRT2));
	return m;
}

/*
 * Where to centre the normal so the published scores average rating_mean:
 * near the top of the scale rounding and clamping would pull them down
 * (a centre of 4.1 averages 4.01 on 1-5). The mean grows with the centre,
 * so bisection finds it.
 */
static double
rating_centre(const struct queue_conf *conf)
{
	int	 hi = conf->rating_scale, lo = hi == 5 ? 1 : 0, i;
	double	 sd = RATING_SD(hi), a = lo - 10 * sd, b = hi + 10 * sd, c;

	/* at an end every score is that end: further than a normal reaches */
	if (conf->rating_mean <= lo)
		return a;
	if (conf->rating_mean >= hi)
		return b;
	for (i = 0; i < 100; i++) {
		c = (a + b) / 2;
		if (rounded_mean(c, sd, lo, hi) < conf->rating_mean)
			a = c;
		else
			b = c;
	}
	return (a + b) / 2;
}

/*
 * How a finished contact went, for the queue keys that ask: resolved at
 * first contact or not, and sometimes the resident's rating. Each has its
 * own random stream, so adding them leaves every other message as it was.
 */
static void
publish_quality(struct sim *s, struct queue *q, double t)
{
	const struct queue_conf	*conf = q->conf;
	char			 buf[64];
	double			 x;
	int			 lo = conf->rating_scale == 5 ? 1 : 0, score;

	if (HAS(conf, KEY_DIRECT_SHARE))
		publish(s, q, t, "resolved",
		    rng_uniform(q->resolution) < conf->direct_share ?
		    "{\"direct\": true}" : "{\"direct\": false}");
	if (!HAS(conf, KEY_RATED_SHARE) ||
	    rng_uniform(q->rating) >= conf->rated_share)
		return;
	x = floor(q->rating_centre + RATING_SD(conf->rating_scale) *
	    rng_normal(q->rating) + 0.5);
	score = (int)fmin(fmax(x, lo), conf->rating_scale);
	if (conf->rating_scale == 5)
		snprintf(buf, sizeof buf, "{\"score\": %d}", score);
	else
		snprintf(buf, sizeof buf, "{\"score\": %d, \"scale\": %d}",
		    score, conf->rating_scale);
	publish(s, q, t, "rating", buf);
}

/* Drops abandoned contacts from the front so the head is a real one. */
static void
line_trim(struct queue *q)
{
	while (q->head < q->tail && q->line[q->head & (q->cap - 1)].gone)
		q->head++;
}

/* Appends a waiting contact; returns its serial. */
static uint64_t
line_push(struct queue *q, double t, uint64_t id)
{
	struct contact	*grown;
	uint64_t	 i;

	if (q->tail - q->head == q->cap) {
		grown = xreallocarray(NULL, q->cap * 2, sizeof *grown);
		for (i = q->head; i < q->tail; i++)
			grown[i & (q->cap * 2 - 1)] = q->line[i & (q->cap - 1)];
		free(q->line);
		q->line = grown;
		q->cap *= 2;
	}
	q->line[q->tail & (q->cap - 1)] = (struct contact){ t, id, 0 };
	q->waiting++;
	return q->tail++;
}

static int
line_pop(struct queue *q, struct contact *c)
{
	line_trim(q);
	if (q->head == q->tail)
		return 0;
	*c = q->line[q->head++ & (q->cap - 1)];
	q->waiting--;
	return 1;
}

/* An agent takes a contact: answered now, free after its handle time. */
static void
serve(struct sim *s, struct queue *q, int a, double t, const struct contact *c)
{
	const struct queue_conf	*conf = q->conf;
	struct agent		*ag = &q->agents[a];

	if (conf->mode == MODE_LIFECYCLE)
		publish_lifecycle(s, q, t, c->id, "answered");
	else if (conf->mode == MODE_GAUGE)
		publish_number(s, q, t, "answered", t - c->arrived);
	ag->busy = 1;
	ag->arrived = c->arrived;
	ag->handle = conf->lognormal ?
	    rng_lognormal(q->service, conf->handle_time, LOGNORMAL_SIGMA) :
	    rng_exp(q->service, conf->handle_time);
	schedule(s, t + ag->handle, q->index, EV_DEPART,
	    (uint64_t)a);
}

/* Schedules the next candidate of a thinned Poisson process at peak rate. */
static void
schedule_arrival(struct sim *s, struct queue *q, double t)
{
	double per_second = q->conf->arrivals_per_hour * s->opt.rate * PEAK /
	    3600;

	if (per_second > 0)
		schedule(s, t + rng_exp(q->arrivals, 1 / per_second),
		    q->index, EV_ARRIVAL, 0);
}

/* Keeps a candidate with probability profile / PEAK while open. */
static void
on_arrival(struct sim *s, struct queue *q, double t)
{
	const struct queue_conf	*conf = q->conf;
	double			 tod = fmod(s->opt.start_tod + t, 86400);
	double			 patience = 0;
	struct contact		 c = { t, 0, 0 };
	int			 a;

	schedule_arrival(s, q, t);
	if (!is_open(conf, tod) ||
	    rng_uniform(q->arrivals) * PEAK >= profile(tod))
		return;
	c.id = ++s->next_id;
	if (conf->mode == MODE_LIFECYCLE)
		publish_lifecycle(s, q, t, c.id, NULL);
	else
		publish(s, q, t, "arrived", "1");
	if (conf->patience > 0 && conf->mode != MODE_BACKLOG)
		patience = rng_exp(q->service, conf->patience);
	/* a free agent means nobody waits: it would have taken them */
	for (a = 0; a < conf->staff; a++) {
		if (!q->agents[a].busy) {
			serve(s, q, a, t, &c);
			return;
		}
	}
	if (patience > 0)
		schedule(s, t + patience, q->index, EV_ABANDON,
		    line_push(q, t, c.id));
	else
		line_push(q, t, c.id);
}

static void
on_depart(struct sim *s, struct queue *q, double t, int a)
{
	struct agent	*ag = &q->agents[a];
	struct contact	 c;

	if (q->conf->mode == MODE_BACKLOG)
		publish_number(s, q, t, "answered", t - ag->arrived);
	else
		publish_number(s, q, t, "handle_time", ag->handle);
	publish_quality(s, q, t);
	ag->busy = 0;
	if (line_pop(q, &c))
		serve(s, q, a, t, &c);
}

static void
on_abandon(struct sim *s, struct queue *q, double t, uint64_t serial)
{
	struct contact *c = &q->line[serial & (q->cap - 1)];

	if (serial < q->head || c->gone)
		return;		/* answered before its patience ran out */
	c->gone = 1;
	q->waiting--;
	if (q->conf->mode == MODE_LIFECYCLE)
		publish_lifecycle(s, q, t, c->id, "abandoned");
	else
		publish_number(s, q, t, "abandoned", t - c->arrived);
	line_trim(q);
}

/* Publishes what a probe would read off the system right now. */
static void
on_tick(struct sim *s, struct queue *q, double t, uint64_t n)
{
	const struct queue_conf	*conf = q->conf;
	double			 oldest = t;
	uint64_t		 open = q->waiting;
	int			 a;

	line_trim(q);
	if (q->waiting > 0)
		oldest = q->line[q->head & (q->cap - 1)].arrived;
	switch (conf->mode) {
	case MODE_LIFECYCLE:
		publish_number(s, q, t, "agents", conf->staff);
		break;
	case MODE_GAUGE:
		publish_number(s, q, t, "waiting", (double)q->waiting);
		publish_number(s, q, t, "longest_wait", t - oldest);
		publish_number(s, q, t, "agents", conf->staff);
		break;
	case MODE_BACKLOG:
		/* mail being answered is still open, and older than the rest */
		for (a = 0; a < conf->staff; a++) {
			if (q->agents[a].busy) {
				open++;
				oldest = fmin(oldest, q->agents[a].arrived);
			}
		}
		publish_number(s, q, t, "backlog", (double)open);
		publish_number(s, q, t, "oldest_age", t - oldest);
		break;
	}
	schedule(s, (double)(n + 1) * conf->interval, q->index,
	    EV_TICK, n + 1);
}

/* FNV-1a, so a queue's random stream follows its id, not its position. */
static uint64_t
hash_id(const char *id)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*id != '\0')
		h = (h ^ (unsigned char)*id++) * 0x100000001b3ULL;
	return h;
}

struct sim *
sim_new(const struct sim_config *cfg, const struct sim_options *opt,
    sim_emit_fn *emit, void *arg)
{
	struct sim	*s;
	struct queue	*q;
	uint64_t	 x;
	int		 i, j;

	s = xreallocarray(NULL, 1, sizeof *s);
	memset(s, 0, sizeof *s);
	s->cfg = cfg;
	s->opt = *opt;
	s->emit = emit;
	s->arg = arg;
	x = opt->seed;
	s->tag = (unsigned)(splitmix64(&x) & 0xffff);
	s->queues = xreallocarray(NULL, cfg->nqueues, sizeof *s->queues);
	for (i = 0; i < cfg->nqueues; i++) {
		q = &s->queues[i];
		memset(q, 0, sizeof *q);
		q->conf = &cfg->queues[i];
		q->index = i;
		x = opt->seed ^ hash_id(q->conf->id);
		for (j = 0; j < 4; j++) {
			q->arrivals[j] = splitmix64(&x);
			q->service[j] = splitmix64(&x);
		}
		/* drawn after the others, so those stay as they were */
		for (j = 0; j < 4; j++) {
			q->resolution[j] = splitmix64(&x);
			q->rating[j] = splitmix64(&x);
		}
		if (HAS(q->conf, KEY_RATED_SHARE))
			q->rating_centre = rating_centre(q->conf);
		q->agents = xreallocarray(NULL, q->conf->staff,
		    sizeof *q->agents);
		memset(q->agents, 0, q->conf->staff * sizeof *q->agents);
		q->cap = 16;
		q->line = xreallocarray(NULL, q->cap, sizeof *q->line);
		schedule(s, 0, i, EV_TICK, 0);
		schedule_arrival(s, q, 0);
	}
	return s;
}

double
sim_next_time(const struct sim *s)
{
	return s->nheap > 0 ? s->heap[0].t : INFINITY;
}

void
sim_run(struct sim *s, double until)
{
	struct event	 ev;
	struct queue	*q;

	while (s->nheap > 0 && s->heap[0].t < until) {
		ev = next_event(s);
		q = &s->queues[ev.queue];
		switch (ev.kind) {
		case EV_ARRIVAL:
			on_arrival(s, q, ev.t);
			break;
		case EV_DEPART:
			on_depart(s, q, ev.t, (int)ev.arg);
			break;
		case EV_ABANDON:
			on_abandon(s, q, ev.t, ev.arg);
			break;
		case EV_TICK:
			on_tick(s, q, ev.t, ev.arg);
			break;
		}
	}
}

void
sim_free(struct sim *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < s->cfg->nqueues; i++) {
		free(s->queues[i].agents);
		free(s->queues[i].line);
	}
	free(s->queues);
	free(s->heap);
	free(s);
}

#ifndef SIM_NO_MAIN
/* ---- the program: stdout for --dry-run, else the broker in real time ---- */

#include <getopt.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

struct args {
	const char	*config, *host, *prefix, *client_id, *user;
	const char	*password_file;
	int		 port, dry_run;
	uint64_t	 seed;
	double		 rate, speed, start_tod, duration;	/* 0: forever */
};

/* The broker connection; we reconnect ourselves, with backoff. */
struct live {
	struct mosquitto	*mosq;
	const char		*host;
	int			 port;
	double			 start_tod;
	int			 up;		/* socket connected */
	double			 backoff;	/* seconds to the next try */
	double			 retry_at;	/* real seconds since start */
	unsigned long		 sent, dropped;
};

static volatile sig_atomic_t	quit;
static int			verbose, quiet;

/* Informational; -q silences it. Errors go through warnmsg. */
static void __attribute__((format(printf, 1, 2)))
info(const char *fmt, ...)
{
	va_list ap;

	if (quiet)
		return;
	fputs("wachtd-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void __attribute__((format(printf, 1, 2)))
warnmsg(const char *fmt, ...)
{
	va_list ap;

	fputs("wachtd-sim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void
complain(void *arg, const char *message)
{
	(void)arg;
	warnmsg("%s", message);
}

static void __attribute__((noreturn))
usage(int status)
{
	FILE *fp = status == 0 ? stdout : stderr;

	fprintf(fp, "usage: wachtd-sim -c FILE [-qv] [-h HOST] [-p PORT] "
	    "[-u USER] [--password-file FILE]\n"
	    "                  [--prefix P] [--client-id ID] [--seed N] "
	    "[--rate X] [--speed X]\n"
	    "                  [--start HH:MM] [--duration SECONDS] "
	    "[--dry-run]\n");
	if (status == 0)
		fprintf(fp, "\n"
		    "  -c, --config FILE     queue definitions (required)\n"
		    "  -h, --host HOST       broker host (localhost)\n"
		    "  -p, --port PORT       broker port (1883)\n"
		    "  -u, --user USER       broker user name\n"
		    "  --password-file FILE  first line is the password\n"
		    "  --prefix P            topic prefix (wachtd)\n"
		    "  --client-id ID        MQTT client id (wachtd-sim)\n"
		    "  --seed N              random seed (default: the time)\n"
		    "  --rate X              multiply all arrival rates\n"
		    "  --speed X             simulated seconds per second\n"
		    "  --start HH:MM         simulated clock at start (now)\n"
		    "  --duration SECONDS    stop after this simulated time\n"
		    "  --dry-run             print SIMTIME TOPIC PAYLOAD\n"
		    "  -v, --verbose         log every message to stderr\n"
		    "  -q, --quiet           only errors\n");
	exit(status);
}

/* A bad option value is a usage error: say which, then exit 2. */
static void __attribute__((noreturn))
bad_value(const char *option, const char *value, const char *expected)
{
	warnmsg("bad %s '%s': expected %s", option, value, expected);
	usage(2);
}

static void
parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_PREFIX = 256, OPT_CLIENT_ID, OPT_PASSWORD_FILE, OPT_SEED,
	    OPT_RATE, OPT_SPEED, OPT_START, OPT_DURATION, OPT_DRY_RUN,
	    OPT_HELP };
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "host", required_argument, NULL, 'h' },
		{ "port", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "client-id", required_argument, NULL, OPT_CLIENT_ID },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "speed", required_argument, NULL, OPT_SPEED },
		{ "start", required_argument, NULL, OPT_START },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, OPT_HELP },
		{ NULL, 0, NULL, 0 }
	};
	struct timespec	 ts;
	struct tm	 tm;
	const char	*why;
	char		*end;
	long		 n;
	int		 ch, have_seed = 0, have_start = 0, minutes;

	memset(a, 0, sizeof *a);
	a->host = "localhost";
	a->port = 1883;
	a->prefix = "wachtd";
	a->client_id = "wachtd-sim";
	a->rate = a->speed = 1;
	while ((ch = getopt_long(argc, argv, "c:h:p:u:qv", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->config = optarg;
			break;
		case 'h':
			a->host = optarg;
			break;
		case 'p':
			if (parse_int(optarg, 1, 65535, &n, &why) == -1)
				bad_value("port", optarg, "1 to 65535");
			a->port = (int)n;
			break;
		case 'u':
			a->user = optarg;
			break;
		case OPT_PASSWORD_FILE:
			a->password_file = optarg;
			break;
		case OPT_PREFIX:
			if (*optarg == '\0' || strpbrk(optarg, "+#") != NULL ||
			    strlen(optarg) > 100)
				bad_value("prefix", optarg, "no + or #");
			a->prefix = optarg;
			break;
		case OPT_CLIENT_ID:
			a->client_id = optarg;
			break;
		case OPT_SEED:
			/* all of uint64_t, which parse_int's long cannot hold */
			errno = 0;
			a->seed = strtoull(optarg, &end, 10);
			if (!isdigit((unsigned char)*optarg) || *end != '\0' ||
			    errno != 0)
				bad_value("seed", optarg, "a whole number");
			have_seed = 1;
			break;
		case OPT_RATE:
			if (decimal(optarg, 0, 1e6, &a->rate) == -1)
				bad_value("rate", optarg, "a number from 0");
			break;
		case OPT_SPEED:
			if (decimal(optarg, 0.001, 1e6, &a->speed) == -1)
				bad_value("speed", optarg, "0.001 or more");
			break;
		case OPT_START:
			if (parse_clock(optarg, 0, &minutes, &why) == -1)
				bad_value("start", optarg, "HH:MM");
			a->start_tod = minutes * 60;
			have_start = 1;
			break;
		case OPT_DURATION:
			/* SECONDS, as the usage says, or with a unit: 8h */
			if (decimal(optarg, 0.1, 1e9, &a->duration) == -1 &&
			    (parse_duration(optarg, &a->duration, &why) == -1 ||
			    a->duration == 0))
				bad_value("duration", optarg, "like 600 or 8h");
			break;
		case OPT_DRY_RUN:
			a->dry_run = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case OPT_HELP:
			usage(0);
		default:
			usage(2);
		}
	}
	if (optind != argc) {
		warnmsg("unexpected argument '%s'", argv[optind]);
		usage(2);
	}
	if (a->config == NULL) {
		warnmsg("-c FILE is required");
		usage(2);
	}
	if (a->dry_run && a->duration == 0) {
		warnmsg("--dry-run needs --duration");
		usage(2);
	}
	if (a->password_file != NULL && a->user == NULL) {
		warnmsg("--password-file needs -u USER");
		usage(2);
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	if (!have_seed)
		a->seed = (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
		    ((uint64_t)getpid() << 40);
	if (!have_start) {
		localtime_r(&ts.tv_sec, &tm);
		a->start_tod = tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	}
}

/* HH:MM:SS on the simulated clock, for people reading logs. */
static const char *
sim_clock(double start_tod, double t, char *buf, size_t len)
{
	int secs = (int)fmod(start_tod + t, 86400) % 86400;

	snprintf(buf, len, "%02d:%02d:%02d", secs / 3600, secs / 60 % 60,
	    secs % 60);
	return buf;
}

static void
emit_stdout(void *arg, double t, const char *topic, const char *payload)
{
	(void)arg;
	printf("%.1f %s %s\n", t, topic, payload);
}

/* QoS 0: while the broker is away, messages are simply dropped. */
static void
emit_live(void *arg, double t, const char *topic, const char *payload)
{
	struct live	*l = arg;
	char		 buf[16];
	int		 rc = MOSQ_ERR_NO_CONN;

	if (l->up)
		rc = mosquitto_publish(l->mosq, NULL, topic,
		    (int)strlen(payload), payload, 0, false);
	if (rc == MOSQ_ERR_SUCCESS)
		l->sent++;
	else
		l->dropped++;
	if (verbose)
		warnmsg("%s %s %s%s", sim_clock(l->start_tod, t, buf,
		    sizeof buf), topic, payload,
		    rc == MOSQ_ERR_SUCCESS ? "" : " (dropped)");
}

static void
on_connect(struct mosquitto *mosq, void *arg, int rc)
{
	struct live *l = arg;

	(void)mosq;
	if (rc == 0) {
		info("connected to %s:%d", l->host, l->port);
		l->backoff = 1;
	} else
		warnmsg("%s:%d refused the connection: %s", l->host, l->port,
		    mosquitto_connack_string(rc));
}

/* Says why the link is down and when the next try is, doubling to 30 s. */
static void
live_retry(struct live *l, double now, const char *what, int rc)
{
	char	 why[128];
	size_t	 n;

	snprintf(why, sizeof why, "%s", rc == MOSQ_ERR_ERRNO ?
	    strerror(errno) : mosquitto_strerror(rc));
	if ((n = strlen(why)) > 0 && why[n - 1] == '.')
		why[n - 1] = '\0';
	warnmsg("%s %s:%d: %s, retrying in %.0f s", what, l->host, l->port, why,
	    l->backoff);
	l->up = 0;
	l->retry_at = now + l->backoff;
	l->backoff = fmin(l->backoff * 2, 30);
}

/* TCP connect; MQTT CONNACK arrives later in on_connect. */
static void
live_connect(struct live *l, double now)
{
	int rc;

	if ((rc = mosquitto_connect(l->mosq, l->host, l->port, 30)) ==
	    MOSQ_ERR_SUCCESS)
		l->up = 1;
	else
		live_retry(l, now, "cannot connect to", rc);
}

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

static double
seconds_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t0->tv_sec) +
	    (double)(now.tv_nsec - t0->tv_nsec) / 1e9;
}

static char *
read_password(const char *path)
{
	FILE	*fp;
	char	*line = NULL;
	size_t	 size = 0;
	ssize_t	 n;

	if ((fp = fopen(path, "r")) == NULL) {
		warnmsg("cannot open %s: %s", path, strerror(errno));
		return NULL;
	}
	n = getline(&line, &size, fp);
	fclose(fp);
	if (n == -1) {
		warnmsg("%s: no password in it", path);
		free(line);
		return NULL;
	}
	line[strcspn(line, "\r\n")] = '\0';
	return line;
}

/*
 * Publishes each event when its simulated time comes; mosquitto_loop()
 * doubles as the sleep, so there is no thread. A lost broker does not stop
 * the simulation: we keep going and try again later.
 */
static int
run_live(const struct args *a, const struct sim_config *cfg,
    const struct sim_options *opt)
{
	struct live		 l;
	struct sim		*sim;
	struct sigaction	 sa;
	struct timespec		 t0, pause;
	double			 real, now, wait;
	char			*password = NULL;
	int			 rc;

	memset(&l, 0, sizeof l);
	l.host = a->host;
	l.port = a->port;
	l.start_tod = opt->start_tod;
	l.backoff = 1;
	if (a->password_file != NULL &&
	    (password = read_password(a->password_file)) == NULL)
		return 1;
	mosquitto_lib_init();
	if ((l.mosq = mosquitto_new(a->client_id, true, &l)) == NULL) {
		warnmsg("cannot create an MQTT client: %s", strerror(errno));
		free(password);
		mosquitto_lib_cleanup();
		return 1;
	}
	if (a->user != NULL)
		mosquitto_username_pw_set(l.mosq, a->user, password);
	free(password);
	mosquitto_connect_callback_set(l.mosq, on_connect);

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;	/* no SA_RESTART: wake up the wait */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	sim = sim_new(cfg, opt, emit_live, &l);
	live_connect(&l, 0);	/* before the clock runs: keep t = 0 */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!quit) {
		real = seconds_since(&t0);
		now = real * a->speed;
		if (a->duration > 0 && now >= a->duration) {
			sim_run(sim, a->duration);
			break;
		}
		sim_run(sim, now);
		if (!l.up && real >= l.retry_at)
			live_connect(&l, real);
		wait = (sim_next_time(sim) - now) / a->speed;
		if (a->duration > 0)
			wait = fmin(wait, (a->duration - now) / a->speed);
		if (!l.up)
			wait = fmin(wait, l.retry_at - real);
		wait = fmax(0, fmin(wait, 1));
		if (l.up) {
			rc = mosquitto_loop(l.mosq, (int)ceil(wait * 1000), 1);
			if (rc != MOSQ_ERR_SUCCESS)
				live_retry(&l, seconds_since(&t0),
				    "lost connection to", rc);
		} else {
			pause.tv_sec = (time_t)wait;
			pause.tv_nsec = (long)((wait - floor(wait)) * 1e9);
			nanosleep(&pause, NULL);
		}
	}
	if (l.up)
		mosquitto_disconnect(l.mosq);
	info("stopped: %lu messages published, %lu dropped while "
	    "disconnected", l.sent, l.dropped);
	sim_free(sim);
	mosquitto_destroy(l.mosq);
	mosquitto_lib_cleanup();
	return 0;
}

int
main(int argc, char **argv)
{
	struct args		 a;
	struct sim_config	*cfg;
	struct sim_options	 opt;
	struct sim		*sim;
	FILE			*fp;
	char			 buf[16];
	int			 status = 0;

	parse_args(argc, argv, &a);
	if ((fp = fopen(a.config, "r")) == NULL) {
		warnmsg("cannot open %s: %s", a.config, strerror(errno));
		return 1;
	}
	cfg = sim_config_read(fp, a.config, complain, NULL);
	fclose(fp);
	if (cfg == NULL)
		return 1;
	opt.seed = a.seed;
	opt.rate = a.rate;
	opt.start_tod = a.start_tod;
	opt.prefix = a.prefix;
	info("%d queues, seed %" PRIu64 ", start %s, speed %gx, rate %gx",
	    cfg->nqueues, a.seed, sim_clock(a.start_tod, 0, buf, sizeof buf),
	    a.speed, a.rate);
	if (a.dry_run) {
		sim = sim_new(cfg, &opt, emit_stdout, NULL);
		sim_run(sim, a.duration);
		sim_free(sim);
		if (fflush(stdout) == EOF || ferror(stdout)) {
			warnmsg("writing to stdout: %s", strerror(errno));
			status = 1;
		}
	} else
		status = run_live(&a, cfg, &opt);
	sim_config_free(cfg);
	return status;
}
#endif /* SIM_NO_MAIN */
