/*
 * test_probe.c: the probes' common part, as `wachtd-probe-X -n` sees a
 * configuration file: every error with its line, the [mqtt] section by
 * wachtd's own rules, the probe's sections handed to it; and the
 * backoff a probe waits with before it knocks on its source again.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "probe.h"

/* The test probe knows one section, [mailbox NAME], with key queue. */
struct seen {
	int	 keys;
	int	 checked;
};

static int
key(void *state, const char *section, const char *name, const char *value,
    char *why, size_t len)
{
	struct seen	*s = state;

	if (strncmp(section, "mailbox ", 8) != 0) {
		snprintf(why, len, "unknown section [%s]", section);
		return -1;
	}
	if (strcmp(name, "queue") != 0) {
		snprintf(why, len, "unknown key '%s' in [%s]", name, section);
		return -1;
	}
	(void)value;
	s->keys++;
	return 0;
}

static void
check(void *state, struct probe *p)
{
	struct seen	*s = state;

	s->checked++;
	if (s->keys == 0)
		probe_config_error(p, probe_section_line(p, "mailbox info"),
		    "[mailbox info] needs a queue");
}

static void
nothing(void *state, struct probe *p)
{
	(void)state;
	(void)p;
}

static void
stop(void *state)
{
	(void)state;
}

static const struct probe_def def = { "test", key, check, nothing, stop };

/* Runs `wachtd-probe-test -n -c FILE` on text; its exit status, and what
 * it wrote to stderr in err. */
static int
run(const char *text, struct seen *s, char *err, size_t len)
{
	char	 path[] = "/tmp/test_probe.XXXXXX", errpath[] =
		    "/tmp/test_probe_err.XXXXXX";
	char	 prog[] = "wachtd-probe-test", opt_n[] = "-n", opt_c[] = "-c";
	char	*argv[] = { prog, opt_n, opt_c, path, NULL };
	int	 fd, efd, saved, rc;
	ssize_t	 n;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	efd = mkstemp(errpath);
	assert_true(efd >= 0);
	fflush(stderr);
	saved = dup(2);
	dup2(efd, 2);
	optind = 1;
	rc = probe_main(4, argv, &def, s);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	lseek(efd, 0, SEEK_SET);
	n = read(efd, err, len - 1);
	err[n > 0 ? n : 0] = '\0';
	close(efd);
	unlink(errpath);
	unlink(path);
	return rc;
}

static void
good_file(void **state)
{
	struct seen	 s = { 0 };
	char		 err[4096];

	(void)state;
	assert_int_equal(run("[probe]\nname = imap-kcc\n[mqtt]\nhost = broker\n"
	    "port = 8883\nqos = 1\n[mailbox info]\nqueue = email/info\n", &s,
	    err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_int_equal(s.keys, 1);
	assert_int_equal(s.checked, 1);
}

static void
every_error_with_its_line(void **state)
{
	struct seen	 s = { 0 };
	char		 err[4096];

	(void)state;
	assert_int_equal(run("orphan = 1\n[mqtt]\nprt = 1\nport = 99999\n"
	    "port = 1\n[probe]\nname = a/b\n[other]\nx = 1\n[mailbox info]\n"
	    "quue = x\n", &s, err, sizeof(err)), 1);
	assert_non_null(strstr(err, ":1: key 'orphan' outside a section"));
	assert_non_null(strstr(err, ":3: unknown key 'prt' in [mqtt]"));
	assert_non_null(strstr(err, ":4: port = 99999:"));
	assert_non_null(strstr(err, ":5: key 'port' repeated in [mqtt]"));
	assert_non_null(strstr(err, ":7: name = a/b: a name without"));
	assert_non_null(strstr(err, ":9: unknown section [other]"));
	assert_non_null(strstr(err, ":11: unknown key 'quue' in "
	    "[mailbox info]"));
	/* The meaning checks wait for a file without syntax errors. */
	assert_int_equal(s.checked, 0);
}

static void
meaning_checked_after_syntax(void **state)
{
	struct seen	 s = { 0 };
	char		 err[4096];

	(void)state;
	assert_int_equal(run("[mqtt]\nhost = x\n\n[mailbox info]\nqueue = "
	    "email/info\n[mailbox other]\n", &s, err, sizeof(err)), 1);
	assert_non_null(strstr(err, ":6: [mailbox other] has no keys"));
	assert_int_equal(s.checked, 0);
	s.keys = 0;
	assert_int_equal(run("[mqtt]\nhost = x\n\n[probe]\n", &s, err,
	    sizeof(err)), 1);
	assert_int_equal(s.checked, 1);
	assert_non_null(strstr(err, "[mailbox info] needs a queue"));
}

static void
missing_file(void **state)
{
	struct seen	 s = { 0 };
	char		 prog[] = "wachtd-probe-test", n[] = "-n", c[] = "-c",
			 path[] = "/nonexistent/probe.conf";
	char		*argv[] = { prog, n, c, path, NULL };

	(void)state;
	optind = 1;
	assert_int_equal(probe_main(4, argv, &def, &s), 1);
}

static void
backoff_doubles_to_its_max(void **state)
{
	struct backoff	 b;
	double		 w;
	int		 i;

	(void)state;
	backoff_init(&b, 1, 30);
	for (i = 0; i < 8; i++) {
		w = backoff_next(&b);
		/* 1, 2, 4, 8, 16, 30, 30, 30: at most a tenth more. */
		double base = fmin(30, pow(2, i));
		assert_true(w >= base && w <= base * 1.1);
	}
	backoff_reset(&b);
	assert_true(backoff_next(&b) <= 1.1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_file),
		cmocka_unit_test(every_error_with_its_line),
		cmocka_unit_test(meaning_checked_after_syntax),
		cmocka_unit_test(missing_file),
		cmocka_unit_test(backoff_doubles_to_its_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
