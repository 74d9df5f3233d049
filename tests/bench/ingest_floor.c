/*
 * make bench: the floor for any MQTT consumer here. A libmosquitto
 * subscriber that only counts, reading the way wachtd reads (poll, then
 * packets until the socket is dry), so what wachtd spends beyond it is
 * wachtd's own work. Says "ready" once subscribed, then, after N
 * messages, "N SECONDS" (first message to last) and waits to be killed:
 * the bench reads its CPU time from /proc meanwhile.
 *
 *	ingest_floor -p PORT -n N [-t TOPIC]
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

struct floor {
	unsigned long	 n, seen;
	double		 first, last;
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_subscribe(struct mosquitto *m, void *arg, int mid, int n, const int *qos)
{
	(void)m;
	(void)arg;
	(void)mid;
	(void)n;
	(void)qos;
	printf("ready\n");
	fflush(stdout);
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct floor	*f = arg;

	(void)m;
	(void)msg;
	f->last = now();
	if (f->seen++ == 0)
		f->first = f->last;
}

int
main(int argc, char *argv[])
{
	struct floor	 f = { 0 };
	struct mosquitto *m;
	struct pollfd	 pfd;
	const char	*topic = "wachtd/in/#";
	int		 ch, port = 0, rc;

	while ((ch = getopt(argc, argv, "p:n:t:")) != -1) {
		switch (ch) {
		case 'p':
			port = atoi(optarg);
			break;
		case 'n':
			f.n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			topic = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (port <= 0 || f.n == 0)
		goto usage;

	mosquitto_lib_init();
	if ((m = mosquitto_new(NULL, 1, &f)) == NULL) {
		perror("ingest_floor: mosquitto_new");
		return 1;
	}
	mosquitto_subscribe_callback_set(m, on_subscribe);
	mosquitto_message_callback_set(m, on_message);
	if (mosquitto_connect(m, "127.0.0.1", port, 60) != MOSQ_ERR_SUCCESS ||
	    mosquitto_subscribe(m, NULL, topic, 0) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "ingest_floor: cannot subscribe on port %d\n",
		    port);
		return 1;
	}
	pfd.fd = mosquitto_socket(m);
	while (f.seen < f.n) {
		pfd.events = POLLIN | (mosquitto_want_write(m) ? POLLOUT : 0);
		if (poll(&pfd, 1, 1000) == -1 && errno != EINTR) {
			perror("ingest_floor: poll");
			return 1;
		}
		if (pfd.revents & (POLLIN | POLLHUP | POLLERR)) {
			do {
				errno = 0;
				rc = mosquitto_loop_read(m, 1);
			} while (rc == MOSQ_ERR_SUCCESS && errno != EAGAIN &&
			    f.seen < f.n);
			if (rc != MOSQ_ERR_SUCCESS) {
				fprintf(stderr, "ingest_floor: %s\n",
				    mosquitto_strerror(rc));
				return 1;
			}
		}
		if (mosquitto_want_write(m))
			mosquitto_loop_write(m, 1);
		mosquitto_loop_misc(m);
	}
	printf("%lu %.6f\n", f.seen, f.last - f.first);
	fflush(stdout);
	pause();
	return 0;

usage:
	fprintf(stderr, "usage: ingest_floor -p PORT -n N [-t TOPIC]\n");
	return 2;
}
