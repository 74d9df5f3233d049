/*
 * test_silence.c: silences from the API's JSON, their checks, matching by
 * glob at a given time, expiry, and numbers that are never reused.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "wachtd.h"

/* 2025-12-01 09:00:00 UTC */
#define NOW	1764579600.0

/* Adds the silence in JSON text; its id, or NULL with why. */
static const char *
add(struct silences *ss, const char *text, const char **why)
{
	struct silence_spec sp;
	struct silence	*s;
	json_t		*o = json_loads(text, 0, NULL);
	const char	*id = NULL;

	assert_non_null(o);
	if (silence_from_json(o, NOW, &sp, why) == 0 &&
	    silence_add(ss, &sp, NOW, why, &s) == 0)
		id = s->id;
	json_decref(o);
	return id;
}

static void
bodies_are_checked(void **state)
{
	struct silences	 ss = { 0 };
	const char	*why;

	(void)state;
	assert_null(add(&ss, "{\"by\":\"Bram\",\"duration\":\"1h\"}", &why));
	assert_string_equal(why, "reason is required: up to 200 characters, "
	    "one line");
	assert_null(add(&ss, "{\"reason\":\"x\",\"duration\":\"1h\"}", &why));
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\"}", &why));
	assert_string_equal(why, "ends or duration is required");
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"duration\":"
	    "\"1h\",\"ends\":\"2025-12-01T12:00:00Z\"}", &why));
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"ends\":"
	    "\"2025-12-01T08:00:00Z\"}", &why));
	assert_string_equal(why, "ends lies in the past");
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"starts\":"
	    "\"2025-12-01T12:00:00Z\",\"ends\":\"2025-12-01T11:00:00Z\"}",
	    &why));
	assert_string_equal(why, "ends must lie after starts");
	assert_null(add(&ss, "{\"queue\":\"balie /x\",\"by\":\"B\","
	    "\"reason\":\"x\",\"duration\":\"1h\"}", &why));
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"duration\":"
	    "\"soon\"}", &why));
	assert_null(add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"starts\":"
	    "\"morgen\",\"duration\":\"1h\"}", &why));
	assert_string_equal(why, "starts must be an ISO 8601 time");
	assert_int_equal(ss.n, 0);
	silence_clear(&ss);
}

static void
matching_by_glob_and_time(void **state)
{
	struct silences	 ss = { 0 };
	const char	*why;

	(void)state;
	assert_string_equal(add(&ss, "{\"queue\":\"telefoon/*\",\"by\":\"B\","
	    "\"reason\":\"storing\",\"duration\":\"1h\"}", &why), "s1");
	assert_string_equal(add(&ss, "{\"queue\":\"balie/burgerzaken\","
	    "\"norm\":\"feed\",\"by\":\"B\",\"reason\":\"x\",\"starts\":"
	    "\"2025-12-01T10:00:00Z\",\"ends\":\"2025-12-01T11:00:00Z\"}",
	    &why), "s2");
	assert_non_null(silence_match(&ss, "telefoon/algemeen", "telefoon",
	    NOW));
	assert_null(silence_match(&ss, "email/info", "email", NOW));
	assert_null(silence_match(&ss, "telefoon/algemeen", "telefoon",
	    NOW + 3600));			/* ended */
	/* s2 from 10:00 to 11:00, on the feed only. */
	assert_null(silence_match(&ss, "balie/burgerzaken", "feed", NOW));
	assert_string_equal(silence_match(&ss, "balie/burgerzaken", "feed",
	    NOW + 3600)->id, "s2");
	assert_null(silence_match(&ss, "balie/burgerzaken", "balie",
	    NOW + 3600));
	assert_int_equal(silence_expire(&ss, NOW + 3600), 1);	/* s1 */
	assert_int_equal(ss.n, 1);
	assert_int_equal(silence_expire(&ss, NOW + 7200), 1);
	assert_int_equal(ss.n, 0);
	silence_clear(&ss);
}

/* Deleted or expired numbers stay used; saved ones come back as they
 * were and move the counter on. */
static void
ids_are_never_reused(void **state)
{
	struct silences	 ss = { 0 };
	const char	*why;
	json_t		*saved;
	struct silence_spec sp;

	(void)state;
	add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"duration\":\"1h\"}", &why);
	add(&ss, "{\"by\":\"B\",\"reason\":\"x\",\"duration\":\"1h\"}", &why);
	assert_int_equal(silence_del(&ss, "s1"), 0);
	assert_int_equal(silence_del(&ss, "s1"), -1);
	assert_string_equal(add(&ss, "{\"by\":\"B\",\"reason\":\"x\","
	    "\"duration\":\"1h\"}", &why), "s3");
	/* As the state file keeps it: silence_json, with its id. */
	saved = silence_json(&ss.list[0]);
	silence_clear(&ss);
	ss.next_id = 0;
	assert_int_equal(silence_from_json(saved, NOW, &sp, &why), 0);
	assert_int_equal(silence_add(&ss, &sp, NOW, &why, NULL), 0);
	assert_string_equal(ss.list[0].id, "s2");
	assert_string_equal(ss.list[0].reason, "x");
	assert_true(ss.list[0].ends == NOW + 3600);
	/* The same id twice is refused. */
	assert_int_equal(silence_add(&ss, &sp, NOW, &why, NULL), -1);
	json_decref(saved);
	assert_string_equal(add(&ss, "{\"by\":\"B\",\"reason\":\"x\","
	    "\"duration\":\"1h\"}", &why), "s3");
	silence_clear(&ss);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bodies_are_checked),
		cmocka_unit_test(matching_by_glob_and_time),
		cmocka_unit_test(ids_are_never_reused),
	};

	setenv("TZ", "Europe/Amsterdam", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
