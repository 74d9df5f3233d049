/*
 * report_fmt.c: the period report ("verantwoording") a team manager hands
 * on: a Dutch text table for a terminal or an e-mail, CSV to re-aggregate
 * in a spreadsheet, JSON for scripts, and one HTML document that prints
 * well and carries its own graphs, so it can be mailed or archived as is.
 *
 * Every format walks the same rows in the same order (struct report): per
 * channel its queues and then the channel's subtotal, then the total.
 * When any row has first-contact resolution or ratings ("resolved",
 * "ratings"), text and HTML add a second table of them for every row, and
 * CSV always has their columns at the end.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "calendar.h"
#include "parse.h"
#include "report_fmt.h"
#include "wachtd.h"

#define CELL		256	/* bytes of one table cell */
#define LABEL_MAX	48	/* characters of a label in the text table */
#define NULL_TEXT	"\xe2\x80\x94"	/* an em dash: no value */
#define ELLIPSIS	"\xe2\x80\xa6"
#define GRAPH_SIZE	"width=700&height=200"

enum level {
	LEVEL_QUEUE,		/* one queue */
	LEVEL_CHANNEL,		/* a channel: its queues summed */
	LEVEL_TOTAL		/* everything */
};

static const char *level_names[] = { "queue", "channel", "total" };

/* One row of the report, in the order every format prints them. */
struct entry {
	enum level	 level;
	const json_t	*row;
	size_t		 section;	/* index into report.sections */
	char		 label[CELL];	/* as people read it */
};

/* A heading: one channel, or "Alle kanalen" for the total. */
struct section {
	char		 channel[CELL];	/* channel id; "" for the total */
	char		 title[CELL];
};

struct report {
	const json_t	*r;
	struct section	*sections;
	size_t		 nsections;
	struct entry	*entries;
	size_t		 nentries;
	char		 period[CELL];	/* "1 juli 2026 t/m 30 september 2026" */
	char		 generated[CELL]; /* "29 november 2026 om 15:20" or "" */
};

/* The columns of the text and HTML tables. */
enum col {
	COL_NAME,
	COL_CONTACTS,
	COL_ANSWERED,
	COL_WITHIN,
	COL_NORM,
	COL_MET,
	COL_WAIT_AVG,
	COL_WAIT_MAX,
	COL_ABANDONED,
	NCOLS
};

/* How a column is written. */
enum align {
	ALIGN_TEXT,		/* left-aligned words */
	ALIGN_FIGURE,		/* right-aligned */
	ALIGN_MET		/* "ja"/"nee"; in HTML "(Niet) gehaald" */
};

struct column {
	const char	*head;
	enum align	 align;
};

static const struct column cols[NCOLS] = {
	{ "Wachtrij", ALIGN_TEXT },
	{ "Contacten", ALIGN_FIGURE },
	{ "Beantwoord", ALIGN_FIGURE },
	{ "Binnen norm", ALIGN_FIGURE },
	{ "Norm", ALIGN_TEXT },
	{ "Gehaald", ALIGN_MET },
	{ "Gem. wacht", ALIGN_FIGURE },
	{ "Max. wacht", ALIGN_FIGURE },
	{ "Afgehaakt", ALIGN_FIGURE },
};

typedef char	 cells_t[NCOLS][CELL];

/*
 * The columns of the second table: first-contact resolution and the
 * residents' ratings ("resolved" and "ratings" of a row), in two groups
 * that each have a norm and whether it was met.
 */
enum qcol {
	QCOL_NAME,
	QCOL_RESOLVED,		/* contacts with a resolution recorded */
	QCOL_DIRECT,		/* % of them resolved at first contact */
	QCOL_DIRECT_NORM,
	QCOL_DIRECT_MET,
	QCOL_RATINGS,		/* how many ratings */
	QCOL_AVERAGE,
	QCOL_POSITIVE,
	QCOL_RATING_NORM,
	QCOL_RATING_MET,
	QCOL_SCORES,		/* how often each score was given */
	NQCOLS
};

static const struct column qcols[NQCOLS] = {
	{ "Wachtrij", ALIGN_TEXT },
	{ "Afgehandeld", ALIGN_FIGURE },
	{ "Direct", ALIGN_FIGURE },
	{ "Norm", ALIGN_TEXT },
	{ "Gehaald", ALIGN_MET },
	{ "Beoordelingen", ALIGN_FIGURE },
	{ "Gemiddeld", ALIGN_FIGURE },
	{ "Positief", ALIGN_FIGURE },
	{ "Norm", ALIGN_TEXT },
	{ "Gehaald", ALIGN_MET },
	{ "Verdeling", ALIGN_TEXT },
};

/* The headings over the groups of qcols, from their first column. */
static const struct {
	const char	*head;
	enum qcol	 first, last;
} qgroups[] = {
	{ "Eerste contact", QCOL_RESOLVED, QCOL_DIRECT_MET },
	{ "Waardering", QCOL_RATINGS, QCOL_SCORES },
};

#define QUALITY_TITLE	"Eerste contact en waardering"

/* How many columns group g of qgroups spans. */
static size_t
group_span(size_t g)
{
	return (size_t)(qgroups[g].last - qgroups[g].first) + 1;
}

typedef char	 qcells_t[NQCOLS][CELL];

static const char *months[] = {
	"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"
};

/* A string member, or NULL when absent or of another type. */
static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* 1 and the value of a finite number member; 0 for null or absent. */
static int
num(const json_t *o, const char *key, double *v)
{
	const json_t	*j = json_object_get(o, key);

	if (!json_is_number(j) || !isfinite(json_number_value(j)))
		return 0;
	*v = json_number_value(j);
	return 1;
}

/* 1 when the coverage is known and short of the whole period. */
static int
partly_covered(const json_t *row, double *covered)
{
	return num(row, "covered", covered) && *covered < 100;
}

/* A queue's channel: its "channel", else the part of its id before '/'. */
static void
queue_channel(const json_t *row, char *buf, size_t len)
{
	const char	*ch = str(row, "channel"), *id = str(row, "id");
	size_t		 n;

	if (ch != NULL) {
		snprintf(buf, len, "%s", ch);
		return;
	}
	n = strcspn(id, "/");
	snprintf(buf, len, "%.*s", (int)n, id);
}

/* "2026-07-01" as "1 juli 2026"; -1 when it is no date. */
static int
dutch_date(const char *s, char *buf, size_t len)
{
	const char	*why;
	int		 ymd;

	if (s == NULL || parse_date(s, &ymd, &why) == -1)
		return -1;
	snprintf(buf, len, "%d %s %d", ymd % 100, months[ymd / 100 % 100 - 1],
	    ymd / 10000);
	return 0;
}

static int
add_section(struct report *rp, const char *channel, const char *title)
{
	struct section	*s;

	rp->sections = xreallocarray(rp->sections, rp->nsections + 1,
	    sizeof(*rp->sections));
	s = &rp->sections[rp->nsections];
	snprintf(s->channel, sizeof(s->channel), "%s", channel);
	snprintf(s->title, sizeof(s->title), "%s", title);
	/* Channel names are lowercase ids; a heading starts with a capital. */
	s->title[0] = (char)toupper((unsigned char)s->title[0]);
	return (int)rp->nsections++;
}

static int
find_section(const struct report *rp, const char *channel)
{
	size_t	 i;

	for (i = 0; i < rp->nsections; i++)
		if (strcmp(rp->sections[i].channel, channel) == 0)
			return (int)i;
	return -1;
}

/* The subtotal row of channel id, or NULL when the report has none. */
static const json_t *
channel_row(const json_t *channels, const char *id)
{
	const json_t	*row;
	size_t		 i;

	json_array_foreach(channels, i, row)
		if (strcmp(str(row, "id"), id) == 0)
			return row;
	return NULL;
}

/* Channel id's section, once, headed by its subtotal's label or its id. */
static void
channel_section(struct report *rp, const json_t *channels, const char *id)
{
	const char	*label = str(channel_row(channels, id), "label");

	if (find_section(rp, id) == -1)
		add_section(rp, id, label != NULL ? label : id);
}

static void
add_entry(struct report *rp, enum level level, const json_t *row, size_t s)
{
	struct entry	*e;
	const char	*label = str(row, "label"), *id = str(row, "id");

	rp->entries = xreallocarray(rp->entries, rp->nentries + 1,
	    sizeof(*rp->entries));
	e = &rp->entries[rp->nentries++];
	e->level = level;
	e->row = row;
	e->section = s;
	switch (level) {
	case LEVEL_QUEUE:
		snprintf(e->label, sizeof(e->label), "%s",
		    label != NULL ? label : id);
		break;
	case LEVEL_CHANNEL:
		snprintf(e->label, sizeof(e->label), "Totaal %s",
		    label != NULL ? label : id);
		break;
	case LEVEL_TOTAL:
		snprintf(e->label, sizeof(e->label), "Totaal");
		break;
	}
}

static void
report_free(struct report *rp)
{
	free(rp->sections);
	free(rp->entries);
}

/*
 * Checks that r has the shape of a report and puts its rows in print
 * order. Figures may be missing or null (shown as such); the structure
 * may not, or the report would silently leave queues out.
 */
static int
report_layout(struct report *rp, const json_t *r, const char **why)
{
	const json_t	*queues, *channels, *total, *row, *crow;
	const char	*from, *to, *gen;
	char		 ch[CELL], a[64], b[64];
	size_t		 i, nch;
	int		 s;

	memset(rp, 0, sizeof(*rp));
	rp->r = r;
	queues = json_object_get(r, "queues");
	channels = json_object_get(r, "channels");
	total = json_object_get(r, "total");
	if (!json_is_object(r)) {
		*why = "het antwoord is geen rapport (geen JSON-object)";
		return -1;
	}
	if ((from = str(r, "from")) == NULL || (to = str(r, "to")) == NULL) {
		*why = "het rapport mist \"from\" of \"to\"";
		return -1;
	}
	if (!json_is_array(queues) || !json_is_array(channels)) {
		*why = "het rapport mist de lijst \"queues\" of \"channels\"";
		return -1;
	}
	if (!json_is_object(total)) {
		*why = "het rapport mist de regel \"total\"";
		return -1;
	}
	json_array_foreach(queues, i, row) {
		if (!json_is_object(row) || str(row, "id") == NULL) {
			*why = "een wachtrij in het rapport heeft geen \"id\"";
			return -1;
		}
	}
	json_array_foreach(channels, i, row) {
		if (!json_is_object(row) || str(row, "id") == NULL) {
			*why = "een kanaal in het rapport heeft geen \"id\"";
			return -1;
		}
	}
	/*
	 * Sections in the order of the queues (sorted by id, so by channel),
	 * then channels without queues. A queue whose channel has no
	 * subtotal row still gets its section.
	 */
	json_array_foreach(queues, i, row) {
		queue_channel(row, ch, sizeof(ch));
		channel_section(rp, channels, ch);
	}
	json_array_foreach(channels, i, row)
		channel_section(rp, channels, str(row, "id"));
	nch = rp->nsections;
	for (s = 0; (size_t)s < nch; s++) {
		json_array_foreach(queues, i, row) {
			queue_channel(row, ch, sizeof(ch));
			if (strcmp(ch, rp->sections[s].channel) == 0)
				add_entry(rp, LEVEL_QUEUE, row, (size_t)s);
		}
		crow = channel_row(channels, rp->sections[s].channel);
		if (crow != NULL)
			add_entry(rp, LEVEL_CHANNEL, crow, (size_t)s);
	}
	s = add_section(rp, "", "Alle kanalen");
	add_entry(rp, LEVEL_TOTAL, total, (size_t)s);

	if (dutch_date(from, a, sizeof(a)) == 0 &&
	    dutch_date(to, b, sizeof(b)) == 0) {
		if (strcmp(from, to) == 0)
			snprintf(rp->period, sizeof(rp->period), "%s", a);
		else
			snprintf(rp->period, sizeof(rp->period), "%s t/m %s",
			    a, b);
	} else
		snprintf(rp->period, sizeof(rp->period), "%s t/m %s", from, to);
	/* "2026-11-29T15:20:00+01:00" is already local time: read it off. */
	gen = str(r, "generated");
	if (gen != NULL && strlen(gen) >= 16 && gen[10] == 'T' &&
	    gen[13] == ':') {
		snprintf(ch, sizeof(ch), "%.10s", gen);
		if (dutch_date(ch, a, sizeof(a)) == 0)
			snprintf(rp->generated, sizeof(rp->generated),
			    "%s om %.5s", a, gen + 11);
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Numbers as a Dutch reader writes them */

char *
report_fmt_percent(double pct, char *buf, size_t len)
{
	size_t	 n;

	if (!isfinite(pct)) {
		snprintf(buf, len, NULL_TEXT);
		return buf;
	}
	report_fmt_decimal(pct, 1, 0, 0, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "%%");
	return buf;
}

char *
report_fmt_decimal(double x, int decimals, int trim, int english,
    char *buf, size_t len)
{
	char	*dot, *end;

	snprintf(buf, len, "%.*f", decimals, x);
	if ((dot = strpbrk(buf, ".,")) == NULL)	/* the locale's, or ours */
		return buf;
	*dot = english ? '.' : ',';
	if (!trim)
		return buf;
	for (end = dot + strlen(dot) - 1; *end == '0'; end--)
		*end = '\0';
	if (end == dot)
		*dot = '\0';
	return buf;
}

/*
 * A duration at the precision a manager reads: seconds below a minute,
 * minutes and seconds below an hour, hours and minutes above. Compact
 * drops a zero last part, for round limits ("10 min", "2 u").
 */
char *
report_fmt_span(double secs, int compact, int english, char *buf, size_t len)
{
	const char	*hour = english ? "h" : "u";
	long long	 s, m;

	if (!isfinite(secs) || secs < 0 || secs > 1e12) {
		snprintf(buf, len, NULL_TEXT);
		return buf;
	}
	s = llround(secs);
	if (s < 60)
		snprintf(buf, len, "%lld s", s);
	else if (s < 3600) {
		if (compact && s % 60 == 0)
			snprintf(buf, len, "%lld min", s / 60);
		else
			snprintf(buf, len, "%lld min %02lld s", s / 60, s % 60);
	} else {
		m = llround(secs / 60);
		if (compact && m % 60 == 0)
			snprintf(buf, len, "%lld %s", m / 60, hour);
		else
			snprintf(buf, len, "%lld %s %02lld min", m / 60, hour,
			    m % 60);
	}
	return buf;
}

static char *
duration(double secs, int compact, char *buf, size_t len)
{
	return report_fmt_span(secs, compact, 0, buf, len);
}

char *
report_fmt_duration(double secs, char *buf, size_t len)
{
	return duration(secs, 0, buf, len);
}

/* A count with Dutch thousands dots: 12345 -> "12.345". */
static char *
count(double v, char *buf, size_t len)
{
	char	 digits[32], *dot;
	size_t	 n, i, o = 0;

	if (v != floor(v) || fabs(v) >= 1e15) {
		/* Not a whole count after all: one decimal, Dutch comma. */
		snprintf(buf, len, "%.1f", v);
		if ((dot = strchr(buf, '.')) != NULL)
			*dot = ',';
		return buf;
	}
	snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	n = strlen(digits);
	if (v < 0 && o + 1 < len)
		buf[o++] = '-';
	for (i = 0; i < n && o + 2 < len; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			buf[o++] = '.';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

/* A target: "80%", or "99,5%" when it has a fraction. */
static char *
target_text(double t, char *buf, size_t len)
{
	if (t == floor(t))
		snprintf(buf, len, "%.0f%%", t);
	else
		report_fmt_percent(t, buf, len);
	return buf;
}

/* The norm in words: "80% binnen 30 s", "max. 10 min", "binnen 2 werkdagen". */
static char *
norm_text(const json_t *norm, char *buf, size_t len)
{
	const char	*kind = str(norm, "kind"), *name = str(norm, "name");
	char		 d[64], t[32] = "";
	double		 v, limit = 0;
	int		 has_limit;

	if (!json_is_object(norm)) {
		snprintf(buf, len, NULL_TEXT);
		return buf;
	}
	if (num(norm, "target", &v)) {
		target_text(v, t, sizeof(t) - 1);
		strcat(t, " ");
	}
	has_limit = num(norm, "limit", &limit);
	duration(limit, 1, d, sizeof(d));
	if (kind != NULL && strcmp(kind, "respond_within") == 0 &&
	    num(norm, "workdays", &v) && v >= 1 && v < 1e6)
		snprintf(buf, len, "%sbinnen %.0f werkdag%s", t, v,
		    v == 1 ? "" : "en");
	else if (kind == NULL || !has_limit)
		snprintf(buf, len, "%s", name != NULL ? name : NULL_TEXT);
	else if (strcmp(kind, "answer_within") == 0)
		snprintf(buf, len, "%sbinnen %s", t, d);
	else if (strcmp(kind, "max_wait") == 0)
		snprintf(buf, len, "%smax. %s", t, d);
	else if (strcmp(kind, "respond_within") == 0)
		snprintf(buf, len, "%sbinnen %s werktijd", t, d);
	else
		snprintf(buf, len, "%s", name != NULL ? name : kind);
	return buf;
}

/* 1 met, 0 not met, -1 unknown (no target, no data). */
static int
met(const json_t *row)
{
	const json_t	*j = json_object_get(row, "met");

	return json_is_true(j) ? 1 : json_is_false(j) ? 0 : -1;
}

/* A met column: "ja", "nee", or left as "—" when unknown. */
static void
met_cell(int m, char *cell)
{
	if (m != -1)
		snprintf(cell, CELL, "%s", m ? "ja" : "nee");
}

/* The figures of one row as people read them; "—" where unknown. */
static void
row_cells(const struct entry *e, cells_t c)
{
	const json_t	*row = e->row;
	char		 pct[32];
	double		 v, p;
	size_t		 i;

	for (i = 0; i < NCOLS; i++)
		snprintf(c[i], CELL, NULL_TEXT);
	snprintf(c[COL_NAME], CELL, "%s", e->label);
	if (num(row, "contacts", &v))
		count(v, c[COL_CONTACTS], CELL);
	if (num(row, "answered", &v))
		count(v, c[COL_ANSWERED], CELL);
	if (num(row, "within_pct", &v))
		report_fmt_percent(v, c[COL_WITHIN], CELL);
	norm_text(json_object_get(row, "norm"), c[COL_NORM], CELL);
	met_cell(met(row), c[COL_MET]);
	if (num(row, "wait_avg", &v))
		duration(v, 0, c[COL_WAIT_AVG], CELL);
	if (num(row, "wait_max", &v))
		duration(v, 0, c[COL_WAIT_MAX], CELL);
	if (num(row, "abandoned", &v)) {
		count(v, c[COL_ABANDONED], CELL);
		if (num(row, "abandon_pct", &p)) {
			report_fmt_percent(p, pct, sizeof(pct));
			snprintf(c[COL_ABANDONED] + strlen(c[COL_ABANDONED]),
			    CELL - strlen(c[COL_ABANDONED]), " (%s)", pct);
		}
	}
}

/* A score as few digits as it needs, Dutch comma: 4, 7,5, 3,66. */
static char *
score_text(double v, char *buf, size_t len)
{
	return report_fmt_decimal(v, 2, 1, 0, buf, len);
}

/*
 * 1 when a rating norm's target is a % of ratings that are positive, 0
 * when it is an average score on the row's "scale", as "target_kind"
 * says. A report of before it had none: a score target is never above
 * its scale (5 or 10), so a target above the scale is taken as a %.
 */
static int
rating_share(const json_t *ratings, double target)
{
	const char	*kind = str(ratings, "target_kind");
	double		 scale;

	if (kind != NULL)
		return strcmp(kind, "positive") == 0;
	if (!num(ratings, "scale", &scale))
		scale = 10;
	return target > scale;
}

/* Appends s to a cell, cut short where the cell is full. */
static void
cell_add(char *cell, size_t len, const char *s)
{
	size_t	 n = strlen(cell);

	snprintf(cell + n, len - n, "%s", s);
}

/*
 * Counts by score: "1:3 2:5 3:10 4:20 5:12" on the 1-5 scale, "0-10: 0 1
 * 0 2 ..." (each count from 0 up) on the 0-10 scale, both when a row
 * mixes them. -1 when a list is not the counts of its scale.
 */
static int
scores_text(const json_t *scores, char *buf, size_t len)
{
	static const struct {
		const char	*key;
		size_t		 n;
	} scales[] = { { "5", 5 }, { "10", 11 } };
	const json_t	*a, *v;
	char		 n[32], piece[64];
	size_t		 i, k;

	buf[0] = '\0';
	for (k = 0; k < sizeof(scales) / sizeof(scales[0]); k++) {
		if ((a = json_object_get(scores, scales[k].key)) == NULL)
			continue;
		if (!json_is_array(a) || json_array_size(a) != scales[k].n)
			return -1;
		if (buf[0] != '\0')
			cell_add(buf, len, "; ");
		if (scales[k].n == 11)
			cell_add(buf, len, "0-10:");
		json_array_foreach(a, i, v) {
			if (!json_is_number(v) ||
			    !isfinite(json_number_value(v)))
				return -1;
			count(json_number_value(v), n, sizeof(n));
			if (scales[k].n == 5)
				snprintf(piece, sizeof(piece), "%s%zu:%s",
				    i > 0 ? " " : "", i + 1, n);
			else
				snprintf(piece, sizeof(piece), " %s", n);
			cell_add(buf, len, piece);
		}
	}
	return buf[0] != '\0' ? 0 : -1;
}

/* The second table's figures of one row; "—" where unknown. */
static void
quality_cells(const struct entry *e, qcells_t c)
{
	const json_t	*res = json_object_get(e->row, "resolved");
	const json_t	*rat = json_object_get(e->row, "ratings");
	char		 a[32], b[64];
	double		 v, w, scale;
	size_t		 i;
	int		 has_scale;

	for (i = 0; i < NQCOLS; i++)
		snprintf(c[i], CELL, NULL_TEXT);
	snprintf(c[QCOL_NAME], CELL, "%s", e->label);
	if (json_is_object(res)) {
		if (num(res, "direct", &v) && num(res, "indirect", &w))
			count(v + w, c[QCOL_RESOLVED], CELL);
		if (num(res, "direct_pct", &v))
			report_fmt_percent(v, c[QCOL_DIRECT], CELL);
		if (num(res, "target", &v))
			target_text(v, c[QCOL_DIRECT_NORM], CELL);
		met_cell(met(res), c[QCOL_DIRECT_MET]);
	}
	if (!json_is_object(rat))
		return;
	has_scale = num(rat, "scale", &scale);
	if (num(rat, "count", &v))
		count(v, c[QCOL_RATINGS], CELL);
	/* "3,66 van 5": the scale differs by queue, and a sum takes the
	 * one most ratings were given on. Two decimals, as sent, so an
	 * average just under its norm does not read as reaching it. */
	if (num(rat, "average", &v)) {
		snprintf(c[QCOL_AVERAGE], CELL, "%.2f", v);
		if (strchr(c[QCOL_AVERAGE], '.') != NULL)
			*strchr(c[QCOL_AVERAGE], '.') = ',';
		if (has_scale) {
			snprintf(b, sizeof(b), " van %.0f", scale);
			cell_add(c[QCOL_AVERAGE], CELL, b);
		}
	}
	/* "64,0% (≥ 4)": positive from which score; on which scale only
	 * when it is not the scale of the average. */
	if (num(rat, "positive_pct", &v)) {
		report_fmt_percent(v, c[QCOL_POSITIVE], CELL);
		if (num(rat, "positive_from", &w)) {
			snprintf(b, sizeof(b), " (\xe2\x89\xa5 %s",
			    score_text(w, a, sizeof(a)));
			cell_add(c[QCOL_POSITIVE], CELL, b);
			if (num(rat, "positive_scale", &w) &&
			    (!has_scale || w != scale)) {
				snprintf(b, sizeof(b), " van %.0f", w);
				cell_add(c[QCOL_POSITIVE], CELL, b);
			}
			cell_add(c[QCOL_POSITIVE], CELL, ")");
		}
	}
	if (num(rat, "target", &v)) {
		if (rating_share(rat, v))
			snprintf(c[QCOL_RATING_NORM], CELL, "%s positief",
			    target_text(v, b, sizeof(b)));
		else
			snprintf(c[QCOL_RATING_NORM], CELL, "gemiddeld %s",
			    score_text(v, a, sizeof(a)));
	}
	met_cell(met(rat), c[QCOL_RATING_MET]);
	if (scores_text(json_object_get(rat, "scores"), c[QCOL_SCORES],
	    CELL) == -1)
		snprintf(c[QCOL_SCORES], CELL, NULL_TEXT);
}

/* 1 when some row of the report has first-contact or rating figures. */
static int
has_quality(const struct report *rp)
{
	size_t	 k;

	for (k = 0; k < rp->nentries; k++)
		if (json_is_object(json_object_get(rp->entries[k].row,
		    "resolved")) || json_is_object(json_object_get(
		    rp->entries[k].row, "ratings")))
			return 1;
	return 0;
}

/* "gemeten gedurende 98,7% van de periode": never rounded up to 100. */
static char *
coverage_text(double covered, char *buf, size_t len)
{
	char	 pct[32];

	report_fmt_percent(floor(covered * 10 + 1e-9) / 10, pct, sizeof(pct));
	snprintf(buf, len, "gemeten gedurende %s van de periode", pct);
	return buf;
}

/* ------------------------------------------------------------------ */
/* Text */

/* Characters as a terminal shows them: UTF-8 continuations take no room. */
static size_t
text_width(const char *s)
{
	size_t	 n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Copies a label for the table: control characters (a newline or a
 * terminal escape in a label) become blanks, long labels end in "…".
 */
static void
text_label(char *dst, size_t len, const char *src, int mark)
{
	size_t	 chars = 0, o = 0, total = text_width(src);

	for (; *src != '\0' && o + 8 < len; src++) {
		unsigned char	 c = (unsigned char)*src;

		if ((c & 0xc0) != 0x80) {
			if (total > LABEL_MAX && chars == LABEL_MAX - 1) {
				memcpy(dst + o, ELLIPSIS, strlen(ELLIPSIS));
				o += strlen(ELLIPSIS);
				break;
			}
			chars++;
		}
		dst[o++] = c < 0x20 || c == 0x7f ? ' ' : (char)c;
	}
	dst[o] = '\0';
	if (mark)
		snprintf(dst + o, len - o, " *");
}

static void
text_pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* One line of a table: ncols cells as spec says, w[i] characters wide. */
static void
text_line(FILE *out, const struct column *spec, size_t ncols,
    char (*c)[CELL], const size_t *w)
{
	size_t	 i, n;

	for (i = 0; i < ncols; i++) {
		n = text_width(c[i]);
		if (i > 0)
			fputs("  ", out);
		if (spec[i].align == ALIGN_FIGURE)
			text_pad(out, w[i] - n);
		fputs(c[i], out);
		if (spec[i].align != ALIGN_FIGURE && i + 1 < ncols)
			text_pad(out, w[i] - n);
	}
	fputc('\n', out);
}

static void
text_rule(FILE *out, size_t ncols, const size_t *w)
{
	size_t	 i, j;

	for (i = 0; i < ncols; i++) {
		if (i > 0)
			fputs("  ", out);
		for (j = 0; j < w[i]; j++)
			fputc('-', out);
	}
	fputc('\n', out);
}

/*
 * The second table, every row in one: first-contact resolution and
 * ratings, under a line naming the two groups of columns (each has a
 * "Norm" and "Gehaald"). Rules part the channels, and a subtotal from
 * its queues, as in the wait tables.
 */
static void
text_quality(FILE *out, const struct report *rp)
{
	qcells_t	*c, head;
	size_t		 w[NQCOLS], i, k, g, at, pos;
	double		 cov;

	c = xcalloc(rp->nentries, sizeof(*c));
	for (i = 0; i < NQCOLS; i++) {
		snprintf(head[i], CELL, "%s", qcols[i].head);
		w[i] = text_width(head[i]);
	}
	for (k = 0; k < rp->nentries; k++) {
		quality_cells(&rp->entries[k], c[k]);
		text_label(c[k][QCOL_NAME], CELL, rp->entries[k].label,
		    partly_covered(rp->entries[k].row, &cov));
		for (i = 0; i < NQCOLS; i++)
			if (text_width(c[k][i]) > w[i])
				w[i] = text_width(c[k][i]);
	}

	fprintf(out, "\n%s\n", QUALITY_TITLE);
	for (g = 0, pos = 0; g < sizeof(qgroups) / sizeof(qgroups[0]); g++) {
		for (at = 0, i = 0; i < (size_t)qgroups[g].first; i++)
			at += w[i] + 2;
		text_pad(out, at > pos ? at - pos : 1);
		fputs(qgroups[g].head, out);
		pos = at + text_width(qgroups[g].head);
	}
	fputc('\n', out);
	text_line(out, qcols, NQCOLS, head, w);
	text_rule(out, NQCOLS, w);
	for (k = 0; k < rp->nentries; k++) {
		if (k > 0 && (rp->entries[k].section !=
		    rp->entries[k - 1].section ||
		    rp->entries[k].level == LEVEL_CHANNEL))
			text_rule(out, NQCOLS, w);
		text_line(out, qcols, NQCOLS, c[k], w);
	}
	free(c);
}

/* The table per channel, the footnotes on coverage below. */
static int
report_fmt_text(FILE *out, const json_t *r, const char **why)
{
	struct report	 rp;
	cells_t		*c, head;
	size_t		 w[NCOLS], i, k, s;
	const char	*tz;
	char		 note[CELL];
	double		 cov;
	int		 notes = 0;

	if (report_layout(&rp, r, why) == -1) {
		report_free(&rp);
		return -1;
	}
	c = xcalloc(rp.nentries, sizeof(*c));
	for (i = 0; i < NCOLS; i++) {
		snprintf(head[i], CELL, "%s", cols[i].head);
		w[i] = text_width(head[i]);
	}
	for (k = 0; k < rp.nentries; k++) {
		row_cells(&rp.entries[k], c[k]);
		text_label(c[k][COL_NAME], CELL, rp.entries[k].label,
		    partly_covered(rp.entries[k].row, &cov));
		for (i = 0; i < NCOLS; i++)
			if (text_width(c[k][i]) > w[i])
				w[i] = text_width(c[k][i]);
	}

	fprintf(out, "Verantwoording wachttijden %s\n", rp.period);
	tz = str(r, "timezone");
	if (tz != NULL || rp.generated[0] != '\0') {
		if (tz != NULL)
			fprintf(out, "Tijdzone %s", tz);
		if (rp.generated[0] != '\0')
			fprintf(out, "%sgemaakt op %s", tz != NULL ? ", " : "",
			    rp.generated);
		fputs("\n", out);
	}
	for (s = 0; s < rp.nsections; s++) {
		int	 rows = 0;

		fprintf(out, "\n%s\n", rp.sections[s].title);
		text_line(out, cols, NCOLS, head, w);
		text_rule(out, NCOLS, w);
		for (k = 0; k < rp.nentries; k++) {
			if (rp.entries[k].section != s)
				continue;
			/* A rule between the queues and their subtotal. */
			if (rp.entries[k].level == LEVEL_CHANNEL && rows > 0)
				text_rule(out, NCOLS, w);
			text_line(out, cols, NCOLS, c[k], w);
			rows++;
		}
	}
	if (has_quality(&rp))
		text_quality(out, &rp);
	for (k = 0; k < rp.nentries; k++) {
		if (!partly_covered(rp.entries[k].row, &cov))
			continue;
		if (notes++ == 0)
			fputs("\n", out);
		text_label(note, sizeof(note), rp.entries[k].label, 0);
		fprintf(out, "* %s: ", note);
		fprintf(out, "%s.\n", coverage_text(cov, note, sizeof(note)));
	}
	free(c);
	report_free(&rp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* CSV */

/* RFC 4180: a field with a comma, quote or line break goes in quotes. */
static void
csv_field(FILE *out, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s != '\0'; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* A figure as a machine reads it: dot decimal, empty when unknown. */
static void
csv_num(FILE *out, const json_t *j)
{
	if (json_is_integer(j))
		fprintf(out, "%" JSON_INTEGER_FORMAT, json_integer_value(j));
	else if (json_is_real(j) && isfinite(json_real_value(j)))
		fprintf(out, "%.15g", json_real_value(j));
}

/* "true", "false", or nothing when unknown. */
static void
csv_met(FILE *out, int m)
{
	if (m != -1)
		fputs(m ? "true" : "false", out);
}

/*
 * The first-contact and rating columns of a row, each led by its comma.
 * The counts by score are 0 on a scale no rating was given on, so they
 * add up to "ratings"; all are empty when a row has no ratings at all.
 */
static void
csv_quality(FILE *out, const json_t *row)
{
	static const char *resolved[] = { "direct", "indirect", "direct_pct",
	    "target" };
	static const char *ratings[] = { "count", "average", "scale",
	    "positive_pct" };
	static const struct {
		const char	*key;
		size_t		 n;
	} scales[] = { { "5", 5 }, { "10", 11 } };
	const json_t	*res = json_object_get(row, "resolved");
	const json_t	*rat = json_object_get(row, "ratings");
	const json_t	*by = json_object_get(rat, "scores"), *a;
	size_t		 i, k;

	for (i = 0; i < sizeof(resolved) / sizeof(resolved[0]); i++) {
		fputc(',', out);
		csv_num(out, json_object_get(res, resolved[i]));
	}
	fputc(',', out);
	csv_met(out, met(res));
	for (i = 0; i < sizeof(ratings) / sizeof(ratings[0]); i++) {
		fputc(',', out);
		csv_num(out, json_object_get(rat, ratings[i]));
	}
	for (k = 0; k < sizeof(scales) / sizeof(scales[0]); k++) {
		a = json_object_get(by, scales[k].key);
		for (i = 0; i < scales[k].n; i++) {
			fputc(',', out);
			if (json_is_array(a))
				csv_num(out, json_array_get(a, i));
			else if (json_is_object(rat) && a == NULL)
				fputc('0', out);
		}
	}
	/* The rating norm, and what counted as positive. */
	fputc(',', out);
	csv_num(out, json_object_get(rat, "target"));
	fputc(',', out);
	if (str(rat, "target_kind") != NULL)
		csv_field(out, str(rat, "target_kind"));
	fputc(',', out);
	csv_met(out, met(rat));
	fputc(',', out);
	csv_num(out, json_object_get(rat, "positive_from"));
	fputc(',', out);
	csv_num(out, json_object_get(rat, "positive_scale"));
}

/* One row per entry, every figure as the daemon sent it. */
static int
report_fmt_csv(FILE *out, const json_t *r, const char **why)
{
	static const char *figures[] = {
		"resolution", "covered", "open_hours", "contacts", "answered",
		"abandoned", "within", "within_pct", "met", "wait_avg",
		"wait_max", "abandon_pct"
	};
	struct report	 rp;
	const json_t	*row, *norm;
	char		 ch[CELL];
	size_t		 k, i;

	if (report_layout(&rp, r, why) == -1) {
		report_free(&rp);
		return -1;
	}
	fputs("from,to,level,id,channel,label,norm,norm_kind,norm_limit,"
	    "norm_workdays,norm_target", out);
	for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++)
		fprintf(out, ",%s", figures[i]);
	fputs(",direct,indirect,direct_pct,direct_target,direct_met,ratings,"
	    "rating_average,rating_scale,positive_pct", out);
	for (i = 1; i <= 5; i++)
		fprintf(out, ",rated5_%zu", i);
	for (i = 0; i <= 10; i++)
		fprintf(out, ",rated10_%zu", i);
	fputs(",rating_target,rating_target_kind,rating_met,positive_from,"
	    "positive_scale\r\n", out);
	for (k = 0; k < rp.nentries; k++) {
		row = rp.entries[k].row;
		norm = json_object_get(row, "norm");
		csv_field(out, str(r, "from"));
		fputc(',', out);
		csv_field(out, str(r, "to"));
		fprintf(out, ",%s,", level_names[rp.entries[k].level]);
		csv_field(out, str(row, "id"));
		fputc(',', out);
		if (rp.entries[k].level == LEVEL_QUEUE) {
			queue_channel(row, ch, sizeof(ch));
			csv_field(out, ch);
		} else if (rp.entries[k].level == LEVEL_CHANNEL)
			csv_field(out, str(row, "id"));
		fputc(',', out);
		csv_field(out, str(row, "label"));
		fputc(',', out);
		csv_field(out, str(norm, "name"));
		fputc(',', out);
		csv_field(out, str(norm, "kind"));
		fputc(',', out);
		csv_num(out, json_object_get(norm, "limit"));
		fputc(',', out);
		csv_num(out, json_object_get(norm, "workdays"));
		fputc(',', out);
		csv_num(out, json_object_get(norm, "target"));
		for (i = 0; i < sizeof(figures) / sizeof(figures[0]); i++) {
			fputc(',', out);
			if (strcmp(figures[i], "met") == 0)
				csv_met(out, met(row));
			else
				csv_num(out, json_object_get(row, figures[i]));
		}
		csv_quality(out, row);
		fputs("\r\n", out);
	}
	report_free(&rp);
	return 0;
}

/* ------------------------------------------------------------------ */
/* JSON */

static int
report_fmt_json(FILE *out, const json_t *r, const char **why)
{
	/* 15 digits: 82.3 stays 82.3 instead of 82.299999999999997. */
	if (json_dumpf(r, out, JSON_INDENT(2) | JSON_REAL_PRECISION(15)) ==
	    -1) {
		*why = "het rapport kan niet als JSON worden geschreven";
		return -1;
	}
	fputc('\n', out);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Times */

static int
two_digits(const char *s, int *v)
{
	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]))
		return -1;
	*v = (s[0] - '0') * 10 + (s[1] - '0');
	return 0;
}

/*
 * ISO 8601 as the daemon writes it, read without the C library's time
 * zone: the offset in the string says everything.
 */
int
report_fmt_time(const char *s, long long *epoch)
{
	const char	*why, *p;
	char		 date[11];
	int		 ymd, h, mi, sec, oh, om = 0, sign;
	long long	 off = 0;

	if (s == NULL || strlen(s) < 19)
		return -1;
	memcpy(date, s, 10);
	date[10] = '\0';
	if (parse_date(date, &ymd, &why) == -1)
		return -1;
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return -1;
	p = s + 11;
	if (two_digits(p, &h) == -1 || p[2] != ':' ||
	    two_digits(p + 3, &mi) == -1 || p[5] != ':' ||
	    two_digits(p + 6, &sec) == -1)
		return -1;
	if (h > 24 || mi > 59 || sec > 60 || (h == 24 && (mi | sec) != 0))
		return -1;
	p += 8;
	if (*p == '.' || *p == ',') {
		if (!isdigit((unsigned char)*++p))
			return -1;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p++ == '-' ? -1 : 1;
		if (two_digits(p, &oh) == -1)
			return -1;
		p += 2;
		if (*p == ':')
			p++;
		if (isdigit((unsigned char)*p)) {
			if (two_digits(p, &om) == -1)
				return -1;
			p += 2;
		}
		if (oh > 23 || om > 59)
			return -1;
		off = sign * (oh * 3600LL + om * 60);
	} else
		return -1;
	if (*p != '\0')
		return -1;
	*epoch = (long long)calendar_days_from_civil(ymd / 10000,
	    ymd / 100 % 100, ymd % 100) * 86400 + h * 3600LL + mi * 60 + sec -
	    off;
	return 0;
}

/* ------------------------------------------------------------------ */
/* HTML */

static const char html_style[] =
":root { color-scheme: light; }\n"
"body { font-family: system-ui, -apple-system, \"Segoe UI\", Roboto, "
    "Arial, sans-serif; color: #1a1a1a; background: #fff; margin: 2rem; "
    "line-height: 1.45; }\n"
"h1 { font-size: 1.6rem; margin: 0 0 .3rem; }\n"
"h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; }\n"
"h3 { font-size: 1.05rem; margin: 1.5rem 0 .3rem; }\n"
"table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; "
    "font-variant-numeric: tabular-nums; }\n"
"caption { text-align: left; font-weight: bold; padding: .3rem 0; }\n"
"th, td { padding: .3rem .5rem; border-bottom: 1px solid #bbb; "
    "text-align: right; vertical-align: top; }\n"
"thead th { border-bottom: 2px solid #1a1a1a; }\n"
"tbody th, tfoot th, td.tekst { text-align: left; }\n"
"tbody th, tfoot th { font-weight: normal; }\n"
"tfoot th, tfoot td, .totaal th, .totaal td { font-weight: bold; }\n"
"tfoot th, tfoot td { border-top: 2px solid #1a1a1a; }\n"
"tbody + tbody { border-top: 2px solid #1a1a1a; }\n"
"thead th[scope=\"colgroup\"] { text-align: center; "
    "border-bottom: 1px solid #bbb; }\n"
".ja { color: #14622b; font-weight: bold; }\n"
".nee { color: #a4161a; font-weight: bold; }\n"
".sr { position: absolute; width: 1px; height: 1px; overflow: hidden; "
    "clip: rect(0 0 0 0); white-space: nowrap; }\n"
".noot, .geen-grafiek, figcaption { font-size: .9rem; color: #444; }\n"
"figure { margin: .8rem 0; }\n"
"figure svg { display: block; max-width: 100%; height: auto; }\n"
"dt { font-weight: bold; }\n"
"@page { size: A4 landscape; margin: 12mm; }\n"
"@media print {\n"
"  body { margin: 0; font-size: 10pt; }\n"
"  section.kanaal { break-before: page; }\n"
"  section.kanaal:first-of-type { break-before: auto; }\n"
"  section.kwaliteit { break-before: page; }\n"
"  table, figure, .toelichting { break-inside: avoid; }\n"
"  h2, h3 { break-after: avoid; }\n"
"  thead { display: table-header-group; }\n"
"}\n";

void
report_fmt_escape(FILE *out, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || *s == 0x7f) {
			fputc(' ', out);
			continue;
		}
		switch (*s) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&#39;", out);
			break;
		default:
			fputc(*s, out);
		}
	}
}

/* A cell's text; "—" is read out as "geen gegevens", not "em dash". */
static void
html_cell(FILE *out, const char *s)
{
	if (strcmp(s, NULL_TEXT) == 0)
		fputs("<span aria-hidden=\"true\">" NULL_TEXT "</span>"
		    "<span class=\"sr\">geen gegevens</span>", out);
	else
		report_fmt_escape(out, s);
}

/*
 * A table row: the entry's label as the row's header, then cells c, ncols
 * in all, as spec says; strong for a subtotal amid other rows.
 */
static void
html_line(FILE *out, const struct entry *e, int strong,
    const struct column *spec, size_t ncols, char (*c)[CELL])
{
	double		 cov;
	size_t		 i;

	fprintf(out, "<tr%s><th scope=\"row\">",
	    strong ? " class=\"totaal\"" : "");
	report_fmt_escape(out, e->label);
	if (partly_covered(e->row, &cov))
		fputs(" *", out);
	fputs("</th>", out);
	for (i = 1; i < ncols; i++) {
		if (spec[i].align == ALIGN_MET &&
		    strcmp(c[i], NULL_TEXT) != 0) {
			/* In words, so it survives black-and-white print. */
			fputs(strcmp(c[i], "ja") == 0 ?
			    "<td class=\"tekst ja\">Gehaald" :
			    "<td class=\"tekst nee\">Niet gehaald", out);
			fputs("</td>", out);
			continue;
		}
		fputs(spec[i].align == ALIGN_FIGURE ? "<td>" :
		    "<td class=\"tekst\">", out);
		html_cell(out, c[i]);
		fputs("</td>", out);
	}
	fputs("</tr>\n", out);
}

static void
html_row(FILE *out, const struct entry *e)
{
	cells_t		 c;

	row_cells(e, c);
	html_line(out, e, e->level == LEVEL_TOTAL, cols, NCOLS, c);
}

static void
html_head_row(FILE *out, const struct column *spec, size_t ncols)
{
	size_t	 i;

	fputs("<tr>", out);
	for (i = 0; i < ncols; i++)
		fprintf(out, "<th scope=\"col\">%s</th>", spec[i].head);
	fputs("</tr>", out);
}

/* Case-insensitive search in a counted buffer. */
static const char *
ci_find(const char *s, size_t len, const char *needle)
{
	size_t	 n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return s + i;
	return NULL;
}

/* An event handler attribute (onload=...) anywhere in s. */
static int
has_handler(const char *s, size_t len)
{
	size_t	 i, j;

	for (i = 0; i + 3 < len; i++) {
		if (!isspace((unsigned char)s[i]) ||
		    strncasecmp(s + i + 1, "on", 2) != 0)
			continue;
		for (j = i + 3; j < len && isalpha((unsigned char)s[j]); j++)
			;
		while (j < len && isspace((unsigned char)s[j]))
			j++;
		if (j > i + 3 && j < len && s[j] == '=')
			return 1;
	}
	return 0;
}

/*
 * Finds the <svg>...</svg> element in a fetched graph, past the XML
 * prolog and DOCTYPE that HTML does not want inline. Refuses anything
 * that could run script in the report: it is from our own daemon, but a
 * report is archived and opened long after.
 */
static int
svg_find(const char *s, size_t len, size_t *from, size_t *to)
{
	const char	*a, *b, *p;

	if ((a = memmem(s, len, "<svg", 4)) == NULL ||
	    (size_t)(a - s) + 4 >= len ||
	    (!isspace((unsigned char)a[4]) && a[4] != '>'))
		return -1;
	for (b = NULL, p = a; (p = memmem(p, len - (size_t)(p - s), "</svg>",
	    6)) != NULL; p += 6)
		b = p;
	if (b == NULL)
		return -1;
	*from = (size_t)(a - s);
	*to = (size_t)(b - s) + 6;
	if (ci_find(s + *from, *to - *from, "<script") != NULL ||
	    ci_find(s + *from, *to - *from, "<foreignobject") != NULL ||
	    ci_find(s + *from, *to - *from, "javascript:") != NULL ||
	    has_handler(s + *from, *to - *from))
		return -1;
	return 0;
}

/*
 * Writes an SVG inline as graph n. Its ids get the prefix "gN-": cairo
 * names the glyphs of every graph "glyph0-1" and so on, and inline in one
 * document a <use> would otherwise draw another graph's glyph.
 */
static void
svg_write(FILE *out, const char *s, size_t from, size_t to, int n)
{
	static const char *refs[] = {
		" id=\"", " id='", "\nid=\"", "href=\"#", "href='#", "url(#"
	};
	size_t	 i, k, rl;

	fprintf(out, "<svg role=\"img\" aria-labelledby=\"cap%d\" "
	    "focusable=\"false\"", n);
	for (i = from + 4; i < to; i++) {
		for (k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
			rl = strlen(refs[k]);
			if (i + rl <= to && memcmp(s + i, refs[k], rl) == 0)
				break;
		}
		if (k < sizeof(refs) / sizeof(refs[0])) {
			fwrite(s + i, 1, rl, out);
			fprintf(out, "g%d-", n);
			i += rl - 1;
		} else
			fputc(s[i], out);
	}
}

/* The graphs that show a queue's period against its kind of norm. */
static const struct graph {
	const char	*metric;
	const char	*title;
} graphs_answer[] = {
	{ "sl", "Servicelevel (% binnen de norm beantwoord)" },
	{ "waiting", "Wachtenden" },
	{ NULL, NULL }
}, graphs_max_wait[] = {
	{ "wait", "Gemiddelde wachttijd van beantwoorde contacten" },
	{ "waiting", "Wachtenden" },
	{ NULL, NULL }
}, graphs_respond[] = {
	{ "oldest_age", "Leeftijd oudste openstaande bericht" },
	{ "backlog", "Openstaande berichten" },
	{ NULL, NULL }
}, graphs_none[] = {
	{ "waiting", "Wachtenden" },
	{ NULL, NULL }
};

static const struct graph *
queue_graphs(const json_t *row)
{
	const char	*kind = str(json_object_get(row, "norm"), "kind");

	if (kind == NULL)
		return graphs_none;
	if (strcmp(kind, "answer_within") == 0)
		return graphs_answer;
	if (strcmp(kind, "max_wait") == 0)
		return graphs_max_wait;
	if (strcmp(kind, "respond_within") == 0)
		return graphs_respond;
	return graphs_none;
}

/*
 * The graph period as query parameters, in epochs from "start" and "end":
 * the instants the daemon itself counted from, in its time zone. The
 * daemon always sends them; a report without them (or with an end not
 * after its start) is no error: its tables are complete, and each graph
 * becomes the note that it is not available, without asking the daemon.
 */
static int
graph_range(const json_t *r, char *buf, size_t len)
{
	long long	 start, end;

	if (report_fmt_time(str(r, "start"), &start) == -1 ||
	    report_fmt_time(str(r, "end"), &end) == -1 || start >= end)
		return -1;
	snprintf(buf, len, "start=%lld&end=%lld", start, end);
	return 0;
}

/* A queue's graphs, each fetched and inlined, or a note where it failed. */
static void
html_graphs(FILE *out, const struct report *rp, const struct entry *e,
    report_fmt_fetch fetch, void *arg, int *n)
{
	const struct graph *g;
	const char	*id = str(e->row, "id"), *why;
	char		 range[128], path[512], *body;
	size_t		 len, from, to;
	int		 ok;

	range[0] = '\0';	/* graph_range may fail before writing it */
	ok = parse_queue_id(id, &why) == 0 &&
	    graph_range(rp->r, range, sizeof(range)) == 0;
	fputs("<h3>", out);
	report_fmt_escape(out, e->label);
	fputs("</h3>\n", out);
	for (g = queue_graphs(e->row); g->metric != NULL; g++) {
		body = NULL;
		len = 0;
		++*n;
		snprintf(path, sizeof(path), "/graph/%s/%s.svg?%s&" GRAPH_SIZE,
		    id, g->metric, range);
		if (ok && fetch(path, &body, &len, arg) == 0 && body != NULL &&
		    svg_find(body, len, &from, &to) == 0) {
			fputs("<figure>\n", out);
			svg_write(out, body, from, to, *n);
			fprintf(out, "\n<figcaption id=\"cap%d\">", *n);
			report_fmt_escape(out, g->title);
			fputs(" \xe2\x80\x94 ", out);
			report_fmt_escape(out, e->label);
			fputs(", ", out);
			report_fmt_escape(out, rp->period);
			fputs("</figcaption>\n</figure>\n", out);
		} else {
			fputs("<p class=\"geen-grafiek\">Grafiek \xe2\x80\x9e", out);
			report_fmt_escape(out, g->title);
			fputs("\xe2\x80\x9d is niet beschikbaar.</p>\n", out);
		}
		free(body);
	}
}

static void
html_notes(FILE *out, const struct report *rp, size_t s)
{
	char		 note[CELL];
	double		 cov;
	size_t		 k;

	for (k = 0; k < rp->nentries; k++) {
		if (rp->entries[k].section != s ||
		    !partly_covered(rp->entries[k].row, &cov))
			continue;
		fputs("<p class=\"noot\">* ", out);
		report_fmt_escape(out, rp->entries[k].label);
		fprintf(out, ": %s.</p>\n", coverage_text(cov, note,
		    sizeof(note)));
	}
}

static void
html_section(FILE *out, const struct report *rp, size_t s,
    report_fmt_fetch fetch, void *arg, int *n)
{
	const struct section *sec = &rp->sections[s];
	size_t		 k;
	int		 total = sec->channel[0] == '\0', foot = 0;

	fprintf(out, "<section class=\"kanaal\" aria-labelledby=\"kanaal-%zu\">"
	    "\n<h2 id=\"kanaal-%zu\">", s, s);
	report_fmt_escape(out, sec->title);
	fputs("</h2>\n<table>\n<caption>", out);
	report_fmt_escape(out, total ? "Alle kanalen samen" : sec->title);
	fputs(total ? ", " : ": wachtrijen en totaal, ", out);
	report_fmt_escape(out, rp->period);
	fputs("</caption>\n<thead>", out);
	html_head_row(out, cols, NCOLS);
	fputs("</thead>\n<tbody>\n", out);
	for (k = 0; k < rp->nentries; k++)
		if (rp->entries[k].section == s &&
		    rp->entries[k].level != LEVEL_CHANNEL)
			html_row(out, &rp->entries[k]);
	fputs("</tbody>\n", out);
	for (k = 0; k < rp->nentries; k++)
		if (rp->entries[k].section == s &&
		    rp->entries[k].level == LEVEL_CHANNEL) {
			fputs("<tfoot>\n", out);
			html_row(out, &rp->entries[k]);
			foot = 1;
			break;
		}
	fputs(foot ? "</tfoot>\n</table>\n" : "</table>\n", out);
	html_notes(out, rp, s);
	if (fetch != NULL)
		for (k = 0; k < rp->nentries; k++)
			if (rp->entries[k].section == s &&
			    rp->entries[k].level == LEVEL_QUEUE)
				html_graphs(out, rp, &rp->entries[k], fetch,
				    arg, n);
	fputs("</section>\n", out);
}

/*
 * The second table in a section of its own: the channels' rows each in
 * a <tbody>, the total in <tfoot>, and a header row naming the two
 * groups of columns, since both have a "Norm" and a "Gehaald".
 */
static void
html_quality(FILE *out, const struct report *rp)
{
	const struct entry *e;
	qcells_t	 c;
	size_t		 g, k, s;
	int		 body = 0;

	fputs("<section class=\"kwaliteit\" aria-labelledby=\"kwaliteit\">\n"
	    "<h2 id=\"kwaliteit\">" QUALITY_TITLE "</h2>\n<table>\n"
	    "<caption>" QUALITY_TITLE ": wachtrijen, kanalen en totaal, ", out);
	report_fmt_escape(out, rp->period);
	fputs("</caption>\n<colgroup><col></colgroup>", out);
	for (g = 0; g < sizeof(qgroups) / sizeof(qgroups[0]); g++)
		fprintf(out, "<colgroup span=\"%zu\"></colgroup>",
		    group_span(g));
	fputs("\n<thead>\n<tr><td></td>", out);
	for (g = 0; g < sizeof(qgroups) / sizeof(qgroups[0]); g++)
		fprintf(out, "<th scope=\"colgroup\" colspan=\"%zu\">%s</th>",
		    group_span(g), qgroups[g].head);
	fputs("</tr>\n", out);
	html_head_row(out, qcols, NQCOLS);
	fputs("\n</thead>\n", out);
	for (k = 0, s = (size_t)-1; k < rp->nentries; k++) {
		e = &rp->entries[k];
		quality_cells(e, c);
		if (e->level == LEVEL_TOTAL) {
			if (body)
				fputs("</tbody>\n", out);
			body = 0;
			fputs("<tfoot>\n", out);
			html_line(out, e, 0, qcols, NQCOLS, c);
			fputs("</tfoot>\n", out);
			continue;
		}
		if (e->section != s) {
			fputs(body ? "</tbody>\n<tbody>\n" : "<tbody>\n", out);
			body = 1;
			s = e->section;
		}
		html_line(out, e, e->level == LEVEL_CHANNEL, qcols, NQCOLS, c);
	}
	if (body)
		fputs("</tbody>\n", out);
	fputs("</table>\n", out);
	/* Coverage counts here too; this section prints on a page of its
	 * own, so its notes are repeated. */
	for (s = 0; s < rp->nsections; s++)
		html_notes(out, rp, s);
	fputs("</section>\n", out);
}

/* One document: heading, a section per channel with its graphs, glossary. */
static int
report_fmt_html(FILE *out, const json_t *r, report_fmt_fetch fetch,
    void *arg, const char **why)
{
	struct report	 rp;
	const char	*tz;
	size_t		 s;
	int		 n = 0;

	if (report_layout(&rp, r, why) == -1) {
		report_free(&rp);
		return -1;
	}
	tz = str(r, "timezone");
	fputs("<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>Verantwoording wachttijden ", out);
	report_fmt_escape(out, rp.period);
	fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n",
	    html_style);
	fputs("<header>\n<h1>Verantwoording wachttijden</h1>\n"
	    "<p>Periode: <strong>", out);
	report_fmt_escape(out, rp.period);
	fputs("</strong> (begin- en einddag inbegrepen)", out);
	if (tz != NULL) {
		fputs(", tijdzone ", out);
		report_fmt_escape(out, tz);
	}
	if (rp.generated[0] != '\0') {
		fputs(". Gemaakt op ", out);
		report_fmt_escape(out, rp.generated);
	}
	fputs(".</p>\n</header>\n<main>\n", out);
	for (s = 0; s < rp.nsections; s++)
		html_section(out, &rp, s, fetch, arg, &n);
	if (has_quality(&rp))
		html_quality(out, &rp);
	fputs("<section class=\"toelichting\" aria-labelledby=\"toelichting\">\n"
	    "<h2 id=\"toelichting\">Toelichting</h2>\n<dl>\n"
	    "<dt>Contacten</dt><dd>Binnengekomen terwijl de wachtrij open "
	    "was.</dd>\n"
	    "<dt>Binnen norm</dt><dd>Het deel van de beantwoorde contacten "
	    "(of, waar de norm dat zo telt, van beantwoorde en afgehaakte) dat "
	    "binnen de norm is geholpen.</dd>\n"
	    "<dt>Gehaald</dt><dd>Of dat deel de doelstelling van de norm "
	    "haalt; " NULL_TEXT " als de norm geen doelstelling heeft of er "
	    "geen gegevens zijn.</dd>\n"
	    "<dt>Gem. wacht, Max. wacht</dt><dd>Gemiddelde wachttijd van "
	    "beantwoorde contacten; langste wachttijd van wie dan ook, ook van "
	    "wie afhaakte.</dd>\n"
	    "<dt>Afgehaakt</dt><dd>Contacten die het wachten opgaven, en hun "
	    "deel van beantwoord plus afgehaakt.</dd>\n", out);
	if (has_quality(&rp))
		fputs("<dt>Afgehandeld, Direct</dt><dd>Contacten waarvan is "
		    "vastgelegd of ze bij het eerste contact zijn "
		    "afgehandeld, en het deel dat dat was.</dd>\n"
		    "<dt>Beoordelingen, Gemiddeld</dt><dd>Cijfers die "
		    "inwoners gaven en hun gemiddelde op de genoemde schaal "
		    "(1 tot 5 of 0 tot 10); cijfers op de andere schaal "
		    "tellen mee naar hun plaats op de schaal.</dd>\n"
		    "<dt>Positief</dt><dd>Het deel van de cijfers vanaf het "
		    "genoemde cijfer.</dd>\n"
		    "<dt>Norm, Gehaald</dt><dd>Bij eerste contact en "
		    "waardering: de doelstelling van de wachtrij (een deel "
		    "direct afgehandeld, een gemiddeld cijfer of een deel "
		    "positief) en of die is gehaald.</dd>\n"
		    "<dt>Verdeling</dt><dd>Hoe vaak elk cijfer is gegeven: "
		    "cijfer:aantal op de schaal van 1 tot 5; op de schaal "
		    "van 0 tot 10 de aantallen van 0 tot en met 10 op een "
		    "rij.</dd>\n", out);
	fputs("</dl>\n</section>\n</main>\n</body>\n</html>\n", out);
	report_free(&rp);
	return 0;
}

/* ------------------------------------------------------------------ */

int
report_fmt_format(const char *name, enum report_fmt_format *f)
{
	static const char *names[] = { "text", "csv", "json", "html" };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*f = (enum report_fmt_format)i;
			return 0;
		}
	return -1;
}

int
report_fmt_write(FILE *out, const json_t *r, enum report_fmt_format f,
    report_fmt_fetch fetch, void *arg, const char **why)
{
	switch (f) {
	case REPORT_FMT_TEXT:
		return report_fmt_text(out, r, why);
	case REPORT_FMT_CSV:
		return report_fmt_csv(out, r, why);
	case REPORT_FMT_JSON:
		return report_fmt_json(out, r, why);
	case REPORT_FMT_HTML:
		return report_fmt_html(out, r, fetch, arg, why);
	}
	*why = "onbekend formaat";
	return -1;
}
