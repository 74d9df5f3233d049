/*
 * test_board.c: what residents read. The wait in bands, how busy in
 * words, when a closed channel opens again, no number when the figures
 * are stale, and nothing internal in the JSON or the page.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "wachtd.h"

/* Friday 2026-11-27 17:00 in Amsterdam (UTC+1). */
#define FRI_17	1795795200.0
#define HOUR	3600.0
#define DAY	86400.0

static const char tmpl[] = "<html lang=\"nl\"><main><div id=\"w\">"
    "<!--wachtd:channels--></div><p>uitleg</p></main></html>";

static int
setup(void **state)
{
	(void)state;
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	return 0;
}

static struct board *
build(const struct board_channel *c, size_t n)
{
	return board_build(c, n, NULL, FRI_17, 10, tmpl, strlen(tmpl));
}

static void
bands(void **state)
{
	(void)state;
	assert_string_equal(board_band(0), "minder dan 2 minuten");
	assert_string_equal(board_band(119.9), "minder dan 2 minuten");
	assert_string_equal(board_band(120), "2 tot 5 minuten");
	assert_string_equal(board_band(9 * 60), "5 tot 10 minuten");
	assert_string_equal(board_band(10 * 60), "10 tot 15 minuten");
	assert_string_equal(board_band(20 * 60), "15 tot 30 minuten");
	assert_string_equal(board_band(45 * 60), "30 minuten tot een uur");
	assert_string_equal(board_band(3 * HOUR), "2 tot 4 uur");
	assert_string_equal(board_band(8 * HOUR), "meer dan 8 uur");
}

static void
busy_in_words(void **state)
{
	struct board_channel c = { .id = "telefoon/algemeen", .label = "T",
	    .open = 1, .wait = 10, .limit = 30 };

	(void)state;
	assert_int_equal(board_busy(&c), BOARD_BUSY_QUIET);
	c.wait = 15;
	assert_int_equal(board_busy(&c), BOARD_BUSY_NORMAL);
	c.wait = 30;
	assert_int_equal(board_busy(&c), BOARD_BUSY_BUSY);
	c.wait = 1;
	c.overloaded = 1;
	assert_int_equal(board_busy(&c), BOARD_BUSY_BUSY);
	c.limit = NAN;			/* no norm: no judgement */
	assert_int_equal(board_busy(&c), BOARD_BUSY_UNKNOWN);
	c.limit = 30;
	c.wait = NAN;			/* stale */
	assert_int_equal(board_busy(&c), BOARD_BUSY_UNKNOWN);
	c.wait = 10;
	c.open = 0;
	assert_int_equal(board_busy(&c), BOARD_BUSY_UNKNOWN);
}

static void
next_opening_in_words(void **state)
{
	char	 buf[64];

	(void)state;
	assert_string_equal(board_next_open(FRI_17, FRI_17 + HOUR / 2,
	    buf, sizeof(buf)), "vandaag vanaf 17:30");
	assert_string_equal(board_next_open(FRI_17, FRI_17 + 16 * HOUR,
	    buf, sizeof(buf)), "morgen vanaf 09:00");
	/* Monday 08:30 */
	assert_string_equal(board_next_open(FRI_17, FRI_17 + 2 * DAY +
	    15.5 * HOUR, buf, sizeof(buf)), "maandag vanaf 08:30");
	/* Closed for the holidays: Monday 2027-01-04 08:30 (UTC+1). */
	assert_string_equal(board_next_open(FRI_17, 1799047800.0, buf,
	    sizeof(buf)), "op 4 januari vanaf 08:30");
	assert_string_equal(board_next_open(FRI_17, NAN, buf, sizeof(buf)),
	    "");
}

static void
json_says_only_the_wait(void **state)
{
	struct board_channel c[] = {
		{ "telefoon/algemeen", "Telefoon", 1, 200, 30, 0, NAN },
		{ "balie/burgerzaken", "Balie", 0, NAN, 600, 0,
		    FRI_17 + 2 * DAY + 15.5 * HOUR },
		{ "email/info", "E-mail", 1, NAN, 57600, 0, NAN },
	};
	struct board	*b = build(c, 3);
	json_t		*o = json_loads(b->json, 0, NULL), *ch;
	const char	*key;
	json_t		*val;
	size_t		 i;

	(void)state;
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "updated")),
	    "2026-11-27T17:00:00+01:00");
	assert_int_equal(json_integer_value(json_object_get(o, "refresh_s")),
	    10);
	ch = json_object_get(o, "channels");
	assert_int_equal(json_array_size(ch), 3);

	val = json_array_get(ch, 0);
	assert_int_equal(json_integer_value(json_object_get(val, "wait_s")),
	    200);
	assert_string_equal(json_string_value(json_object_get(val,
	    "wait_text")), "2 tot 5 minuten");
	assert_string_equal(json_string_value(json_object_get(val, "busy")),
	    "druk");
	assert_string_equal(json_string_value(json_object_get(val, "state")),
	    "open");

	val = json_array_get(ch, 1);
	assert_true(json_is_false(json_object_get(val, "open")));
	assert_true(json_is_null(json_object_get(val, "wait_s")));
	assert_string_equal(json_string_value(json_object_get(val,
	    "wait_text")), "Gesloten \xe2\x80\x94 maandag vanaf 08:30 weer open");
	assert_string_equal(json_string_value(json_object_get(val,
	    "next_open")), "2026-11-30T08:30:00+01:00");
	assert_true(json_is_null(json_object_get(val, "busy")));

	/* Stale: no number anywhere, not even in the text. */
	val = json_array_get(ch, 2);
	assert_true(json_is_null(json_object_get(val, "wait_s")));
	assert_string_equal(json_string_value(json_object_get(val, "state")),
	    "onbekend");
	assert_null(strpbrk(json_string_value(json_object_get(val,
	    "wait_text")), "0123456789"));

	/* The contract's keys and nothing else. */
	for (i = 0; i < 3; i++)
		json_object_foreach(json_array_get(ch, i), key, val)
			assert_non_null(strstr(" id label open state wait_s "
			    "wait_text busy busy_text next_open next_open_text ",
			    key));
	json_decref(o);
	board_free(b);
}

static void
page_is_filled_in(void **state)
{
	struct board_channel c[] = {
		{ "telefoon/<x>", "Bel & \"wacht\"", 1, 30, 30, 0, NAN },
		{ "balie/b", "Balie", 0, NAN, 600, 0, FRI_17 + 16 * HOUR },
	};
	struct board	*b = build(c, 2), *again, *other;

	(void)state;
	assert_non_null(strstr(b->html, "<div id=\"w\"><ul class=\"wachtd-"
	    "channels\">"));
	assert_non_null(strstr(b->html, "</div><p>uitleg</p></main></html>"));
	assert_null(strstr(b->html, "<!--wachtd:channels-->"));
	assert_non_null(strstr(b->html, "data-id=\"telefoon/&lt;x&gt;\""));
	assert_non_null(strstr(b->html, "Bel &amp; &quot;wacht&quot;"));
	assert_non_null(strstr(b->html, ">Wachttijd: minder dan 2 minuten<"));
	assert_non_null(strstr(b->html, "Het is nu druk."));
	assert_non_null(strstr(b->html, "data-state=\"gesloten\""));
	assert_non_null(strstr(b->html, ">Gesloten \xe2\x80\x94 morgen vanaf "
	    "09:00 weer open<"));
	assert_non_null(strstr(b->html, "Bijgewerkt om 17:00."));

	/* The same board, the same tags; another wait, another. */
	again = build(c, 2);
	assert_string_equal(b->json_etag, again->json_etag);
	assert_string_equal(b->html_etag, again->html_etag);
	c[0].wait = 300;
	other = build(c, 2);
	assert_string_not_equal(b->json_etag, other->json_etag);
	assert_string_not_equal(b->html_etag, other->html_etag);
	board_free(b);
	board_free(again);
	board_free(other);

	b = build(NULL, 0);
	assert_non_null(strstr(b->html, "Er zijn nu geen wachttijden"));
	assert_non_null(strstr(b->json, "\"channels\":[]"));
	board_free(b);
}

/*
 * public_experience: the last quarter in plain Dutch, on the page and in
 * the JSON alike; a figure of fewer than BOARD_EXPERIENCE_MIN counts is
 * left out, and with none to show, so is the whole part.
 */
static void
last_quarter_in_plain_dutch(void **state)
{
	struct board_channel c[] = {
		{ "telefoon/a", "Telefoon", 1, 30, 30, 0, NAN },
	};
	/* 78 of 100 direct; 4 x 5, 14 x 4, 2 x 3 of 5: 82 / 20 = 4.1. */
	struct board_experience e = { .year = 2026, .quarter = 3,
	    .quality = { .direct = 78, .indirect = 22,
	    .score5 = { 0, 0, 2, 14, 4 } } };
	const char *direct = "In juli, augustus en september 2026 "
	    "beantwoordden we 78 van de 100 vragen meteen bij het eerste "
	    "contact.";
	const char *rating = "In die maanden gaven inwoners het contact met "
	    "ons gemiddeld een 4,1 op een schaal van 1 tot 5.";
	struct board	*b;
	json_t		*o, *x;
	char		 p[512];

	(void)state;
	b = board_build(c, 1, &e, FRI_17, 10, tmpl, strlen(tmpl));
	snprintf(p, sizeof(p), "<h2 class=\"wachtd-experience-title\">Hoe "
	    "goed hielpen we u?</h2>\n<p>%s</p>\n<p>%s</p>\n</div>", direct,
	    rating);
	assert_non_null(strstr(b->html, p));
	assert_non_null(o = json_loads(b->json, 0, NULL));
	x = json_object_get(o, "experience");
	assert_string_equal(json_string_value(json_array_get(json_object_get(x,
	    "lines"), 0)), direct);
	assert_string_equal(json_string_value(json_array_get(json_object_get(x,
	    "lines"), 1)), rating);
	assert_int_equal(json_integer_value(json_object_get(x, "direct_pct")),
	    78);
	assert_true(json_real_value(json_object_get(x, "rating")) == 4.1);
	assert_int_equal(json_integer_value(json_object_get(x, "quarter")), 3);
	json_decref(o);
	board_free(b);

	/* 19 ratings on the 0-10 scale: too few to say; the first winter
	 * quarter is named by its months. */
	e = (struct board_experience){ .year = 2027, .quarter = 1,
	    .quality = { .direct = 30, .indirect = 10 } };
	e.quality.score10[8] = 19;
	b = board_build(c, 1, &e, FRI_17, 10, tmpl, strlen(tmpl));
	assert_non_null(strstr(b->html, "<p>In januari, februari en maart "
	    "2027 beantwoordden we 75 van de 100 vragen"));
	assert_null(strstr(b->html, "gemiddeld"));
	board_free(b);
	e.quality.score10[8] = 20;
	e.quality.direct = 0;
	e.quality.indirect = 0;
	b = board_build(c, 1, &e, FRI_17, 10, tmpl, strlen(tmpl));
	assert_non_null(strstr(b->html, "<p>In januari, februari en maart "
	    "2027 gaven inwoners het contact met ons gemiddeld een 8,0 op een "
	    "schaal van 0 tot 10.</p>"));
	board_free(b);

	/* Configured, but nothing yet to show: no part, null in JSON. */
	memset(&e, 0, sizeof(e));
	b = board_build(c, 1, &e, FRI_17, 10, tmpl, strlen(tmpl));
	assert_null(strstr(b->html, "wachtd-experience"));
	assert_non_null(strstr(b->json, "\"experience\":null"));
	board_free(b);
	/* Not configured: not in the JSON at all. */
	b = build(c, 1);
	assert_null(strstr(b->json, "experience"));
	board_free(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bands),
		cmocka_unit_test(busy_in_words),
		cmocka_unit_test(next_opening_in_words),
		cmocka_unit_test(json_says_only_the_wait),
		cmocka_unit_test(page_is_filled_in),
		cmocka_unit_test(last_quarter_in_plain_dutch),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
