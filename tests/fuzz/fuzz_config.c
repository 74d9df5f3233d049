/*
 * fuzz_config.c: wachtd.conf through config_load (monitor/config.c), both
 * passes, as `wachtd -n` reads it. config_load takes a path: the input
 * goes into one memfd, made once, that it opens anew each run, so nothing
 * is left behind per input. A file that loads is then handed to what the
 * daemon builds from it: queues, their alerts, the ingest and its topics;
 * its [hours] go through the calendar, its queues through ticks and their
 * norms' judgement at instants the calendar finds hard.
 *
 * After the last NUL, if there is one, comes a second file: that of
 * "[http] auth_file = /proc/self/fd/100", users and their hashes.
 *
 * A file is refused with at least one "FILE:LINE: message" or "FILE:
 * message", or loaded without any: a refusal the user cannot read is a bug.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "calendar.h"
#include "world.h"

#define USERS_FD	100	/* a number the seeds can name */

static struct memfile	 conf_file, users_file;

/* A broken promise: libFuzzer keeps the input that showed it. */
static void
broken(const char *what, const char *msg)
{
	fprintf(stderr, "fuzz_config: %s: %s\n", what, msg);
	abort();
}

/* Every message names the file it is about: this one, or the auth_file
 * it reads (an absolute path too). */
static void
count_error(const char *msg, void *arg)
{
	int	*errors = arg;
	size_t	 len = strlen(conf_file.path);

	if ((strncmp(msg, conf_file.path, len) != 0 || msg[len] != ':') &&
	    (msg[0] != '/' || strchr(msg, ':') == NULL))
		broken("an error without its file", msg);
	(*errors)++;
}

/* Instants the calendar finds hard: a Monday morning, the nights the
 * clocks go forward and back, New Year, the eve of Koningsdag. */
static const double instants[] = {
	WORLD_NOW, 1774744200, 1792888200, 1767222000, 1777242600
};
#define NINSTANTS	(sizeof(instants) / sizeof(instants[0]))

/* NAN, or no earlier than t. */
static int
unknown_or_after(double x, double t)
{
	return isnan(x) || x >= t;
}

/* An [hours] section as queue.c, alert.c and public.c ask it: what the
 * calendar promises (calendar.h) must hold for any ranges and dates. */
static void
ask_calendar(const struct hours_conf *h)
{
	double	 t, x;
	size_t	 i;

	for (i = 0; i < NINSTANTS; i++) {
		t = instants[i];
		calendar_is_open(h, t);
		if (!unknown_or_after(calendar_next_open(h, t), t) ||
		    !(calendar_next_close(h, t) >= t) ||
		    !(calendar_open_until(h, t, 1) >= t))
			broken("an opening or closing before now", h->name);
		x = calendar_open_seconds(h, t, t + 3 * 86400);
		if (!(x >= 0 && x <= 3 * 86400))
			broken("more opening time than time", h->name);
		if (!unknown_or_after(calendar_add_open(h, t, 4 * 3600), t) ||
		    !unknown_or_after(calendar_add_workdays(h, t, 2), t))
			broken("working time that ends before it starts",
			    h->name);
	}
}

static void
queue_free_void(void *q)
{
	queue_free(q);
}

/* A queue at each of those instants, back in time too: ticks, views and
 * its norms judged. */
static void
run_queue(struct queue *q, int english)
{
	struct silences	 none = { 0 };
	struct queue_view v;
	struct step	 s;
	double		 t;
	size_t		 i;

	for (i = 0; i < NINSTANTS; i++) {
		t = instants[i];
		queue_tick(q, t);
		queue_evaluate(q, t, &v);
		queue_judge(q, &v, &none, t, english);
		while (queue_take_step(q, &s))
			;
	}
}

/* What wachtd.c builds from a configuration that loaded. */
static void
use(const struct config *c)
{
	struct map	*queues = map_new();
	struct ingest	*in;
	struct queue	*q;
	char		**topics, url[300];
	size_t		 i, n;
	int		 k;

	config_url(c, url, sizeof(url));
	config_user_hash(c, NULL);
	for (i = 0; i < c->nhours; i++)
		ask_calendar(&c->hours[i]);
	for (i = 0; i < c->nqueues; i++) {
		for (k = NORM_ANSWER_WITHIN; k <= NORM_RESPOND_WITHIN; k++)
			config_queue_norm(&c->queues[i], k);
		q = queue_new(&c->queues[i], c->step);
		if (map_put(queues, c->queues[i].id, q) != NULL)
			broken("a queue twice", c->queues[i].id);
		run_queue(q, strcmp(c->language, "en") == 0);
	}
	in = ingest_new(c, queues);
	topics = ingest_topics(c, &n);
	for (i = 0; i < n; i++) {
		if (topics[i] == NULL)
			broken("a topic missing", "");
		free(topics[i]);
	}
	free(topics);
	ingest_free(in);
	map_free(queues, queue_free_void);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* The calendar reads the process's zone, as wachtd sets it. */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	memfile_open(&conf_file, "wachtd.conf");
	/* Where the seeds' auth_file points; config.c refuses a file
	 * anyone may write, as a memfd is made. */
	memfile_open(&users_file, "users");
	if (fchmod(users_file.fd, 0640) == -1 ||
	    dup2(users_file.fd, USERS_FD) == -1) {
		perror("users file");
		exit(1);
	}
	close(users_file.fd);
	users_file.fd = USERS_FD;
	return 0;
}

int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	const unsigned char *nul = memrchr(data, '\0', size);
	struct config	*c;
	size_t		 len = nul != NULL ? (size_t)(nul - data) : size;
	int		 errors = 0;

	memfile_put(&conf_file, data, len);
	memfile_put(&users_file, data + len + (nul != NULL),
	    size - len - (nul != NULL));
	c = config_load(conf_file.path, count_error, &errors);
	if ((c == NULL) != (errors > 0))
		broken(c == NULL ? "refused without a word" :
		    "loaded despite errors", "");
	if (c != NULL)
		use(c);
	config_free(c);
	return 0;
}
