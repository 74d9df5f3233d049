/*
 * world.c: the fixed configuration the ingest and HTTP fuzz targets run
 * against, kept in memory so that a target binary reproduces a crash from
 * any directory. One queue of each norm kind, two with opening hours,
 * foreign topics, and one left to become a join/leave queue.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>

#include "world.h"

static const char world_text[] =
    "[daemon]\n"
    "step = 10s\n"
    "[mqtt]\n"
    "prefix = gemeente/wachtd\n"
    "[hours kcc]\n"
    "mon = 08:30-17:00\n"
    "tue = 08:30-17:00\n"
    "wed = 08:30-17:00\n"
    "thu = 08:30-12:30 13:30-20:00\n"
    "fri = 08:30-12:30\n"
    "holidays = nl\n"
    "closed = 2025-12-24 2025-12-27..2025-12-31\n"
    "[norm telefoon]\n"
    "answer_within = 30s\n"
    "target = 80%\n"
    "window = 5m\n"
    "for = 0\n"
    "clear_for = 30s\n"
    "abandoned = count\n"
    "short_abandon = 5s\n"
    "[norm balie]\n"
    "max_wait = 10m\n"
    "[norm email]\n"
    "respond_within = 2workdays\n"
    "[norm chat]\n"
    "respond_within = 4h\n"
    "[norm eerstelijn]\n"
    "direct_target = 80%\n"
    "window = 1h\n"
    "min_count = 3\n"
    "for = 0\n"
    "[norm tevreden]\n"
    "rating_target = 75%\n"
    "positive_from = 8/10\n"
    "window = 1h\n"
    "min_count = 2\n"
    "[norm cijfer]\n"
    "rating_target = 4.2\n"
    "[queue telefoon/algemeen]\n"
    "hours = kcc\n"
    "norm = telefoon balie eerstelijn tevreden\n"
    "interval = 10s\n"
    "topic.waiting = pbx/queue/600/calls\n"
    "topic.agents = pbx/queue/600/agents\n"
    "topic.answered = pbx/queue/600/answered\n"
    "[queue balie/burgerzaken]\n"
    "norm = balie\n"
    "interval = 30s\n"
    "[queue email/info]\n"
    "hours = kcc\n"
    "norm = email\n"
    "topic.arrived = mail/info/received\n"
    "topic.backlog = mail/info/backlog\n"
    "[queue chat/website]\n"
    "norm = chat cijfer\n";

void
memfile_open(struct memfile *f, const char *name)
{
	if ((f->fd = memfd_create(name, 0)) == -1) {
		perror("memfd_create");
		exit(1);
	}
	snprintf(f->path, sizeof(f->path), "/proc/self/fd/%d", f->fd);
}

void
memfile_put(struct memfile *f, const void *data, size_t len)
{
	const char	*p = data;
	ssize_t		 n;
	size_t		 off = 0;

	if (ftruncate(f->fd, 0) == -1) {
		perror("ftruncate");
		exit(1);
	}
	while (off < len) {
		if ((n = pwrite(f->fd, p + off, len - off, (off_t)off)) <= 0) {
			perror("pwrite");
			exit(1);
		}
		off += (size_t)n;
	}
}

/* A configuration that does not load is the harness's fault: say why. */
static void
print_error(const char *msg, void *arg)
{
	(void)arg;
	fprintf(stderr, "world.conf: %s\n", msg);
}

struct config *
world_conf(void)
{
	static struct config *conf;
	struct memfile	 f;

	if (conf != NULL)
		return conf;
	/* The calendar reads the process's zone, as wachtd sets it. */
	setenv("TZ", "Europe/Amsterdam", 1);
	tzset();
	memfile_open(&f, "world.conf");
	memfile_put(&f, world_text, sizeof(world_text) - 1);
	if ((conf = config_load(f.path, print_error, NULL)) == NULL)
		exit(1);
	close(f.fd);
	return conf;
}

static void
queue_free_void(void *q)
{
	queue_free(q);
}

void
world_init(struct world *w)
{
	/* The counter is out for maintenance this morning. */
	static const struct silence_spec sp = { NULL, "balie/*", "*",
	    "Jan", "onderhoud", WORLD_NOW - 3600, WORLD_NOW + 7200, 0 };
	const char	*why;
	size_t		 i;

	memset(w, 0, sizeof(*w));
	w->conf = world_conf();
	w->queues = map_new();
	for (i = 0; i < w->conf->nqueues; i++)
		map_put(w->queues, w->conf->queues[i].id,
		    queue_new(&w->conf->queues[i], w->conf->step));
	w->in = ingest_new(w->conf, w->queues);
	if (silence_add(&w->silences, &sp, WORLD_NOW, &why, NULL) == -1) {
		fprintf(stderr, "world: silence: %s\n", why);
		exit(1);
	}
}

void
world_free(struct world *w)
{
	ingest_free(w->in);
	map_free(w->queues, queue_free_void);
	silence_clear(&w->silences);
}
