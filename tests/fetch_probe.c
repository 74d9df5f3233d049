/*
 * fetch_probe: drives fetch.c from the command line for
 * tests/integration/t_fetch.sh. Starts N copies of one request at once,
 * runs the loop until every callback ran and prints one line a result:
 * "ok STATUS" or "fail STATUS ERROR". Exit 0 when all were ok.
 *
 *   fetch_probe [-kF] [-c type] [-C ms] [-n N] [-t timeout_s]
 *	URL [BODYFILE] [--from ADDR --to ADDR ...]
 *
 *   -k	 count 10 ms ticks of a timer on the same loop; print
 *	 "ticks N ms M" last (a blocked loop counts few)
 *   -C	 fetch_free after ms: pending requests report "cancelled"
 *   -F	 fetch_free from the first callback
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <event2/event.h>

#include "wachtd.h"
#include "fetch.h"

#define TICK_MS	10

static struct fetcher	*fetcher;
static struct event_base *base;
static int		 started, reported, failed;
static int		 free_in_cb;
static unsigned long	 ticks;

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void
on_result(void *arg, int ok, long status, const char *error)
{
	(void)arg;
	if (ok)
		printf("ok %ld\n", status);
	else {
		printf("fail %ld %s\n", status, error);
		failed++;
	}
	fflush(stdout);
	if (free_in_cb && fetcher != NULL) {
		struct fetcher	*f = fetcher;

		fetcher = NULL;
		fetch_free(f);
	}
	if (++reported == started)
		event_base_loopbreak(base);
}

static void
on_tick(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	ticks++;
}

static void
on_cancel(evutil_socket_t fd, short what, void *arg)
{
	struct fetcher	*f = fetcher;

	(void)fd;
	(void)what;
	(void)arg;
	fetcher = NULL;
	fetch_free(f);
}

/* The whole file, NUL-terminated; its length in *len. */
static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf = NULL;
	size_t	 n = 0, cap = 0, got;

	if ((fp = fopen(path, "rb")) == NULL)
		err(2, "%s", path);
	do {
		if (cap - n < 4096) {
			cap = cap * 2 + 4096;
			if ((buf = realloc(buf, cap)) == NULL)
				err(2, "realloc");
		}
		got = fread(buf + n, 1, cap - n - 1, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp))
		err(2, "%s", path);
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static void __dead
usage(void)
{
	fprintf(stderr, "usage: fetch_probe [-kF] [-c type] [-C ms] [-n N] "
	    "[-t timeout_s] URL [BODYFILE] [--from ADDR --to ADDR ...]\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	struct fetch_request	 req = { .content_type = "application/json" };
	struct event		*tick = NULL, *cancel = NULL;
	struct timeval		 tv;
	const char		**rcpt = NULL;
	char			*body = NULL;
	double			 t0, cancel_ms = -1;
	int			 ch, i, n = 1, count_ticks = 0;

	while ((ch = getopt_long(argc, argv, "c:C:Fkn:t:", longopts,
	    NULL)) != -1) {
		switch (ch) {
		case 'c':
			req.content_type = optarg;
			break;
		case 'C':
			cancel_ms = atof(optarg);
			break;
		case 'F':
			free_in_cb = 1;
			break;
		case 'k':
			count_ticks = 1;
			break;
		case 'n':
			if ((n = atoi(optarg)) < 1)
				usage();
			break;
		case 't':
			req.timeout = atof(optarg);
			break;
		case 'f':
			req.mail_from = optarg;
			break;
		case 'r':
			rcpt = reallocarray(rcpt, req.nrcpt + 1, sizeof(*rcpt));
			if (rcpt == NULL)
				err(2, "reallocarray");
			rcpt[req.nrcpt++] = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1 || argc > 2)
		usage();
	req.url = argv[0];
	req.rcpt = rcpt;
	if (argc == 2) {
		body = slurp(argv[1], &req.body_len);
		req.body = body;
	}

	if (fetch_global_init() == -1)
		errx(2, "libcurl cannot start");
	if ((base = event_base_new()) == NULL)
		errx(2, "event_base_new");
	fetcher = fetch_new(base);
	t0 = now_ms();
	for (i = 0; i < n; i++) {
		if (fetch_start(fetcher, &req, on_result, NULL) == -1) {
			printf("fail 0 cannot start\n");
			failed++;
		} else
			started++;
	}
	if (count_ticks) {
		tick = event_new(base, -1, EV_PERSIST, on_tick, NULL);
		tv.tv_sec = 0;
		tv.tv_usec = TICK_MS * 1000;
		evtimer_add(tick, &tv);
	}
	if (cancel_ms >= 0) {
		cancel = evtimer_new(base, on_cancel, NULL);
		tv.tv_sec = (time_t)(cancel_ms / 1000);
		tv.tv_usec = (suseconds_t)(cancel_ms * 1000) % 1000000;
		evtimer_add(cancel, &tv);
	}
	if (started > 0)
		event_base_dispatch(base);
	if (count_ticks)
		printf("ticks %lu ms %.0f\n", ticks, now_ms() - t0);

	fetch_free(fetcher);
	if (tick != NULL)
		event_free(tick);
	if (cancel != NULL)
		event_free(cancel);
	event_base_free(base);
	libevent_global_shutdown();
	fetch_global_cleanup();
	free(body);
	free(rcpt);
	return failed == 0 && reported == started ? 0 : 1;
}
