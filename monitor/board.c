/*
 * board.c: what residents see (DESIGN §6, issue 5): the wait of each
 * public channel as a band in plain Dutch, how busy it is in words, and
 * when a closed one opens again; as JSON for the widget and as the page
 * that works without JavaScript. Built once per step, whatever the
 * number of requests. Pure: the caller says what each channel looks like
 * now; no figure but the wait itself ever leaves (no counts, no agents,
 * no alerts), and no wait at all when it is not known. The one exception
 * is chosen ([http] public_experience): the last quarter's share of
 * questions answered at first contact and average rating, summed over
 * the public channels, and only from BOARD_EXPERIENCE_MIN counts on.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "report_fmt.h"
#include "wachtd.h"

#define PLACEHOLDER	"<!--wachtd:channels-->"
#define EXPERIENCE_TITLE "Hoe goed hielpen we u?"

/* Upper bounds in s, each with the band a wait below it falls in. */
static const struct band {
	double		 below;
	const char	*text;
} bands[] = {
	{ 2 * 60, "minder dan 2 minuten" },
	{ 5 * 60, "2 tot 5 minuten" },
	{ 10 * 60, "5 tot 10 minuten" },
	{ 15 * 60, "10 tot 15 minuten" },
	{ 30 * 60, "15 tot 30 minuten" },
	{ 60 * 60, "30 minuten tot een uur" },
	{ 2 * 3600, "1 tot 2 uur" },
	{ 4 * 3600, "2 tot 4 uur" },
	{ 8 * 3600, "4 tot 8 uur" },
	{ INFINITY, "meer dan 8 uur" },
};

static const char *const weekdays[] = { "zondag", "maandag", "dinsdag",
    "woensdag", "donderdag", "vrijdag", "zaterdag" };
static const char *const months[] = { "januari", "februari", "maart",
    "april", "mei", "juni", "juli", "augustus", "september", "oktober",
    "november", "december" };

const char *
board_band(double wait)
{
	size_t	 i;

	for (i = 0; wait >= bands[i].below; i++)
		;
	return bands[i].text;
}

/* Whether the wait is known: open, and fresh figures. */
static int
known(const struct board_channel *c)
{
	return c->open && isfinite(c->wait);
}

enum board_busy
board_busy(const struct board_channel *c)
{
	if (!known(c) || !isfinite(c->limit) || c->limit <= 0)
		return BOARD_BUSY_UNKNOWN;
	if (c->overloaded || c->wait >= c->limit)
		return BOARD_BUSY_BUSY;
	return c->wait < c->limit / 2 ? BOARD_BUSY_QUIET : BOARD_BUSY_NORMAL;
}

static const char *const busy_words[] = { NULL, "rustig", "normaal",
    "druk" };
static const char *const busy_texts[] = { NULL, "Het is nu rustig.",
    "Het is nu niet rustig en niet druk.", "Het is nu druk." };

static long
local_day(double t, struct tm *tm)
{
	time_t	 s = (time_t)floor(t);

	localtime_r(&s, tm);
	return calendar_days_from_civil(tm->tm_year + 1900, tm->tm_mon + 1,
	    tm->tm_mday);
}

char *
board_next_open(double now, double t, char *buf, size_t len)
{
	struct tm	 tn, tt;
	long		 days;

	if (!isfinite(t)) {
		buf[0] = '\0';
		return buf;
	}
	days = local_day(t, &tt) - local_day(now, &tn);
	if (days <= 0)
		snprintf(buf, len, "vandaag vanaf %02d:%02d", tt.tm_hour,
		    tt.tm_min);
	else if (days == 1)
		snprintf(buf, len, "morgen vanaf %02d:%02d", tt.tm_hour,
		    tt.tm_min);
	else if (days < 7)
		snprintf(buf, len, "%s vanaf %02d:%02d", weekdays[tt.tm_wday],
		    tt.tm_hour, tt.tm_min);
	else
		snprintf(buf, len, "op %d %s vanaf %02d:%02d", tt.tm_mday,
		    months[tt.tm_mon], tt.tm_hour, tt.tm_min);
	return buf;
}

/* What a channel's wait line says, without the "Wachttijd: " of an open
 * one; next is its next opening in words, or "". */
static const char *
wait_text(const struct board_channel *c, const char *next, char *buf,
    size_t len)
{
	if (!c->open) {
		if (next[0] == '\0')
			return "Gesloten";
		snprintf(buf, len, "Gesloten \xe2\x80\x94 %s weer open", next);
		return buf;
	}
	if (!known(c))
		return "De wachttijd is nu niet bekend.";
	return board_band(c->wait);
}

static const char *
state_word(const struct board_channel *c)
{
	return !c->open ? "gesloten" : known(c) ? "open" : "onbekend";
}

/* The icon beside each state; the words say it too. */
static const char *
state_icon(const struct board_channel *c)
{
	return !c->open ? "\xe2\x98\xbe" : known(c) ? "\xe2\x97\xb7" : "?";
}

/* "juli, augustus en september 2026" */
static void
quarter_text(const struct board_experience *e, char *buf, size_t len)
{
	int	 m = 3 * (e->quarter - 1);

	snprintf(buf, len, "%s, %s en %s %d", months[m], months[m + 1],
	    months[m + 2], e->year);
}

/*
 * The last quarter in plain Dutch, a sentence a figure: "In juli,
 * augustus en september 2026 beantwoordden we 78 van de 100 vragen
 * meteen bij het eerste contact." Returns how many (0: nothing to say).
 */
static int
experience_lines(const struct board_experience *e, char lines[2][256])
{
	const struct quality *k;
	char	 period[96], avg[16];
	int	 n = 0, scale;

	if (e == NULL || e->year == 0)
		return 0;
	k = &e->quality;
	quarter_text(e, period, sizeof(period));
	if (quality_resolved(k) >= BOARD_EXPERIENCE_MIN)
		snprintf(lines[n++], 256, "In %s beantwoordden we %ld van de "
		    "100 vragen meteen bij het eerste contact.", period,
		    lround(quality_direct(k)));
	if (quality_ratings(k) >= BOARD_EXPERIENCE_MIN) {
		scale = quality_scale(k);
		report_fmt_decimal(quality_average(k, scale), 1, 0, 0, avg,
		    sizeof(avg));
		snprintf(lines[n], 256, "In %s gaven inwoners het contact met "
		    "ons gemiddeld een %s op een schaal van %d tot %d.",
		    n > 0 ? "die maanden" : period, avg, scale == 10 ? 0 : 1,
		    scale);
		n++;
	}
	return n;
}

/* The list of channels as the page shows it; widget.js draws the same. */
static void
put_channels(FILE *f, const struct board_channel *c, size_t n, double now)
{
	struct tm	 tm;
	char		 next[64], buf[128];
	size_t		 i;
	enum board_busy	 busy;

	if (n == 0) {
		fputs("<p class=\"wachtd-none\">Er zijn nu geen wachttijden "
		    "om te tonen.</p>", f);
		return;
	}
	fputs("<ul class=\"wachtd-channels\">\n", f);
	for (i = 0; i < n; i++, c++) {
		board_next_open(now, c->open ? NAN : c->next_open, next,
		    sizeof(next));
		busy = board_busy(c);
		fputs("<li class=\"wachtd-channel\" data-id=\"", f);
		report_fmt_escape(f, c->id);
		fprintf(f, "\" data-state=\"%s\"", state_word(c));
		if (busy != BOARD_BUSY_UNKNOWN)
			fprintf(f, " data-busy=\"%s\"", busy_words[busy]);
		fputs(">\n<h2 class=\"wachtd-label\">", f);
		report_fmt_escape(f, c->label);
		fprintf(f, "</h2>\n<p class=\"wachtd-wait\"><span class=\""
		    "wachtd-icon\" aria-hidden=\"true\">%s</span> <span "
		    "class=\"wachtd-wait-text\">%s%s</span></p>\n",
		    state_icon(c), known(c) ? "Wachttijd: " : "",
		    wait_text(c, next, buf, sizeof(buf)));
		if (busy != BOARD_BUSY_UNKNOWN)
			fprintf(f, "<p class=\"wachtd-busy\">%s</p>\n",
			    busy_texts[busy]);
		fputs("</li>\n", f);
	}
	local_day(now, &tm);
	fprintf(f, "</ul>\n<p class=\"wachtd-updated\">Bijgewerkt om "
	    "%02d:%02d.</p>", tm.tm_hour, tm.tm_min);
}

/* The last quarter, after the channels; widget.js draws the same. */
static void
put_experience(FILE *f, const struct board_experience *e)
{
	char	 lines[2][256];
	int	 i, n = experience_lines(e, lines);

	if (n == 0)
		return;
	fputs("\n<div class=\"wachtd-experience\">\n<h2 class=\""
	    "wachtd-experience-title\">" EXPERIENCE_TITLE "</h2>\n", f);
	for (i = 0; i < n; i++) {
		fputs("<p>", f);
		report_fmt_escape(f, lines[i]);
		fputs("</p>\n", f);
	}
	fputs("</div>", f);
}

/* {"title": ..., "lines": [...]}, or null with nothing to say. */
static json_t *
experience_json(const struct board_experience *e)
{
	const struct quality *k;
	char	 lines[2][256];
	int	 i, n = experience_lines(e, lines), scale, rated;
	json_t	*a;

	if (n == 0)
		return json_null();
	a = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(lines[i]));
	k = &e->quality;
	scale = quality_scale(k);
	rated = quality_ratings(k) >= BOARD_EXPERIENCE_MIN;
	return json_pack("{s:s, s:i, s:i, s:o, s:o, s:o, s:o}",
	    "title", EXPERIENCE_TITLE, "year", e->year, "quarter", e->quarter,
	    "direct_pct", quality_resolved(k) >= BOARD_EXPERIENCE_MIN ?
	        json_integer(lround(quality_direct(k))) : json_null(),
	    "rating", rated ? json_real(round(10 *
	        quality_average(k, scale)) / 10) : json_null(),
	    "rating_scale", rated ? json_integer(scale) : json_null(),
	    "lines", a);
}

static json_t *
channel_json(const struct board_channel *c, double now)
{
	char		 next[64], buf[128], iso[40];
	enum board_busy	 busy = board_busy(c);
	int		 closed = !c->open;

	board_next_open(now, closed ? c->next_open : NAN, next, sizeof(next));
	return json_pack("{s:s, s:s, s:b, s:s, s:o, s:s, s:o, s:o, s:o, s:o}",
	    "id", c->id,
	    "label", c->label,
	    "open", c->open,
	    "state", state_word(c),
	    "wait_s", known(c) ? json_integer((json_int_t)lround(c->wait)) :
	        json_null(),
	    "wait_text", wait_text(c, next, buf, sizeof(buf)),
	    "busy", busy != BOARD_BUSY_UNKNOWN ?
	        json_string(busy_words[busy]) : json_null(),
	    "busy_text", busy != BOARD_BUSY_UNKNOWN ?
	        json_string(busy_texts[busy]) : json_null(),
	    "next_open", closed && isfinite(c->next_open) ?
	        json_string(util_iso8601(c->next_open, iso, sizeof(iso))) :
	        json_null(),
	    "next_open_text", next[0] != '\0' ? json_string(next) :
	        json_null());
}

/* A strong ETag: FNV-1a over the bytes. */
static void
etag_of(const char *s, size_t len, char *out, size_t outlen)
{
	uint64_t h = 14695981039346656037ULL;

	while (len-- > 0) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	snprintf(out, outlen, "\"%016" PRIx64 "\"", h);
}

struct board *
board_build(const struct board_channel *c, size_t n,
    const struct board_experience *e, double now, double refresh,
    const char *tmpl, size_t tmpl_len)
{
	struct board	*b = xcalloc(1, sizeof(*b));
	const char	*at;
	json_t		*list = json_array(), *o;
	char		 iso[40];
	size_t		 i;
	FILE		*f;

	for (i = 0; i < n; i++)
		json_array_append_new(list, channel_json(&c[i], now));
	o = json_pack("{s:s, s:I, s:o}", "updated",
	    util_iso8601(now, iso, sizeof(iso)), "refresh_s",
	    (json_int_t)fmax(1, lround(refresh)), "channels", list);
	if (e != NULL)
		json_object_set_new(o, "experience", experience_json(e));
	if (o == NULL || (b->json = json_dumps(o, JSON_COMPACT)) == NULL)
		fatalx("board: cannot encode the wait times");
	json_decref(o);
	b->json_len = strlen(b->json);
	etag_of(b->json, b->json_len, b->json_etag, sizeof(b->json_etag));

	if ((f = open_memstream(&b->html, &b->html_len)) == NULL)
		fatal("open_memstream");
	at = memmem(tmpl, tmpl_len, PLACEHOLDER, strlen(PLACEHOLDER));
	if (at == NULL)
		at = tmpl + tmpl_len;
	fwrite(tmpl, 1, (size_t)(at - tmpl), f);
	put_channels(f, c, n, now);
	put_experience(f, e);
	if (at < tmpl + tmpl_len) {
		at += strlen(PLACEHOLDER);
		fwrite(at, 1, (size_t)(tmpl + tmpl_len - at), f);
	}
	if (fclose(f) != 0)
		fatal("board: the page");
	etag_of(b->html, b->html_len, b->html_etag, sizeof(b->html_etag));
	return b;
}

void
board_free(struct board *b)
{
	if (b == NULL)
		return;
	free(b->json);
	free(b->html);
	free(b);
}
