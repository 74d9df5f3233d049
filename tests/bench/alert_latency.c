/*
 * alert_latency.c: how long from publishing the message that breaches a
 * norm to the alert on P/out/alert/... (issue 4, "Measured"). One client
 * on the broker: it publishes longest_wait over the norm's max_wait,
 * waits for the retained alert to say critical, publishes 0 and waits for
 * ok, N times. With -e it measures the baseline instead: the same client
 * publishing to a topic it subscribes to itself, the broker's own round
 * trip, which any alert also pays. Prints p50, p99 and max in ms.
 *
 *   alert_latency [-e] -p PORT [-P PREFIX] [-q QUEUE] [-m NORM] [-n N]
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <mosquitto.h>

#define TRIAL_TIMEOUT	5.0	/* s before a trial counts as lost */

struct bench {
	struct mosquitto *mosq;
	char		 alert[256];	/* the topic we wait on */
	const char	*want;		/* "\"state\":\"critical\"" or NULL */
	int		 seen;
};

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
on_message(struct mosquitto *m, void *arg, const struct mosquitto_message *msg)
{
	struct bench	*b = arg;

	(void)m;
	if (strcmp(msg->topic, b->alert) != 0 || b->want == NULL)
		return;
	/* A retained copy of the state before is no answer. */
	if (msg->retain)
		return;
	if (msg->payloadlen > 0 && strstr(msg->payload, b->want) != NULL)
		b->seen = 1;
}

/* Publishes payload on topic and waits until `want` arrives; the time it
 * took, or -1. */
static double
trial(struct bench *b, const char *topic, const char *payload,
    const char *want)
{
	double	 t0;

	b->want = want;
	b->seen = 0;
	t0 = now();
	if (mosquitto_publish(b->mosq, NULL, topic, (int)strlen(payload),
	    payload, 0, 0) != MOSQ_ERR_SUCCESS)
		return -1;
	while (!b->seen) {
		if (now() - t0 > TRIAL_TIMEOUT ||
		    mosquitto_loop(b->mosq, 10, 1) != MOSQ_ERR_SUCCESS)
			return -1;
	}
	return now() - t0;
}

static int
cmp(const void *x, const void *y)
{
	double	 a = *(const double *)x, c = *(const double *)y;

	return a < c ? -1 : a > c;
}

int
main(int argc, char **argv)
{
	struct bench	 b;
	const char	*prefix = "wachtd", *queue = "bench/alert", *norm = "wacht";
	char		 in[256];
	double		*ms, t;
	int		 ch, port = 1883, n = 1000, echo = 0, i, lost = 0;

	while ((ch = getopt(argc, argv, "ep:P:q:m:n:")) != -1) {
		switch (ch) {
		case 'e':
			echo = 1;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'P':
			prefix = optarg;
			break;
		case 'q':
			queue = optarg;
			break;
		case 'm':
			norm = optarg;
			break;
		case 'n':
			n = atoi(optarg);
			break;
		default:
			fprintf(stderr, "usage: alert_latency [-e] -p PORT "
			    "[-P PREFIX] [-q QUEUE] [-m NORM] [-n N]\n");
			return 2;
		}
	}
	if (n < 1 || (ms = calloc((size_t)n, sizeof(*ms))) == NULL)
		return 2;
	memset(&b, 0, sizeof(b));
	if (echo)
		snprintf(b.alert, sizeof(b.alert), "bench-echo/%d", (int)getpid());
	else
		snprintf(b.alert, sizeof(b.alert), "%s/out/alert/%s/%s", prefix,
		    queue, norm);
	snprintf(in, sizeof(in), "%s/in/%s/longest_wait", prefix, queue);

	mosquitto_lib_init();
	if ((b.mosq = mosquitto_new(NULL, 1, &b)) == NULL ||
	    mosquitto_int_option(b.mosq, MOSQ_OPT_TCP_NODELAY, 1) !=
	    MOSQ_ERR_SUCCESS ||
	    mosquitto_connect(b.mosq, "127.0.0.1", port, 30) !=
	    MOSQ_ERR_SUCCESS ||
	    mosquitto_subscribe(b.mosq, NULL, b.alert, 0) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "alert_latency: cannot use the broker on %d\n",
		    port);
		return 1;
	}
	mosquitto_message_callback_set(b.mosq, on_message);
	/* Settle: the subscription and the retained state arrive first. */
	for (t = now(); now() - t < 0.3;)
		mosquitto_loop(b.mosq, 10, 1);
	for (i = 0; i < n; i++) {
		if (echo)
			t = trial(&b, b.alert, "ping", "ping");
		else if ((t = trial(&b, in, "700", "\"state\":\"critical\"")) >= 0 &&
		    trial(&b, in, "0", "\"state\":\"ok\"") < 0)
			t = -1;
		if (t < 0) {
			lost++;
			t = TRIAL_TIMEOUT;
		}
		ms[i] = t * 1000;
	}
	qsort(ms, (size_t)n, sizeof(*ms), cmp);
	/* n, p50, p99, max (ms), lost */
	printf("%d %.3f %.3f %.3f %d\n", n, ms[(n - 1) / 2],
	    ms[(size_t)ceil(n * 0.99) - 1], ms[n - 1], lost);
	mosquitto_destroy(b.mosq);
	mosquitto_lib_cleanup();
	free(ms);
	return lost > 0;
}
