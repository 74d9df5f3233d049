/*
 * ingest.c: from an MQTT topic and payload to a change of one queue.
 * Every refusal is counted by reason; nothing here allocates for a topic
 * it does not know, so a flood of junk cannot grow the daemon.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "wachtd.h"

/* Where a foreign topic (topic.METRIC = ...) leads. */
struct route {
	char		*queue;		/* id, looked up per message */
	enum metric	 metric;
};

static void
route_free(void *p)
{
	struct route	*r = p;

	free(r->queue);
	free(r);
}

struct ingest *
ingest_new(const struct config *c, struct map *queues)
{
	struct ingest	*in = xcalloc(1, sizeof(*in));
	struct route	*r;
	size_t		 i;
	int		 m;

	in->in_len = (size_t)xasprintf(&in->in_prefix, "%s/in/",
	    c->mqtt.prefix);
	in->queues = queues;
	in->foreign = map_new();
	in->step = c->step;
	for (i = 0; i < c->nqueues; i++)
		for (m = 0; m < METRIC_COUNT; m++) {
			if (c->queues[i].topic[m] == NULL)
				continue;
			r = xmalloc(sizeof(*r));
			r->queue = xstrdup(c->queues[i].id);
			r->metric = m;
			map_put(in->foreign, c->queues[i].topic[m], r);
		}
	return in;
}

void
ingest_free(struct ingest *in)
{
	if (in == NULL)
		return;
	map_free(in->foreign, route_free);
	free(in->in_prefix);
	free(in);
}

/*
 * P/in/CHANNEL/NAME/METRIC into its queue and metric. The id is copied
 * into a stack buffer: topics are bounded by what a queue id can be.
 */
static struct queue *
route_native(struct ingest *in, const char *topic, enum metric *m,
    enum reject *why)
{
	const char	*rest = topic + in->in_len, *slash;
	char		 id[140];
	struct queue	*q;
	int		 metric;

	*why = REJECT_UNKNOWN_QUEUE;
	if (strncmp(topic, in->in_prefix, in->in_len) != 0 ||
	    (slash = strrchr(rest, '/')) == NULL ||
	    (size_t)(slash - rest) >= sizeof(id))
		return NULL;
	memcpy(id, rest, (size_t)(slash - rest));
	id[slash - rest] = '\0';
	if ((q = map_get(in->queues, id)) == NULL)
		return NULL;
	if ((metric = metric_lookup(slash + 1)) == -1) {
		*why = REJECT_UNKNOWN_METRIC;
		return NULL;
	}
	*m = metric;
	return q;
}

struct queue *
ingest_message(struct ingest *in, const char *topic, const void *payload,
    size_t len, double now, enum reject *why)
{
	struct route	*r;
	struct queue	*q;
	struct payload	 p;
	enum metric	 m;
	double		 oldest;

	if ((r = map_get(in->foreign, topic)) != NULL) {
		m = r->metric;
		if ((q = map_get(in->queues, r->queue)) == NULL)
			*why = REJECT_UNKNOWN_QUEUE;
	} else
		q = route_native(in, topic, &m, why);
	if (q == NULL)
		goto reject;

	/* Late but within one step's grace still lands in its own step. */
	oldest = floor(now / in->step) * in->step - in->step;
	if (payload_parse(m, payload, len, now, oldest, &p, why) == -1 ||
	    queue_input(q, m, &p, now, why) == -1)
		goto reject;
	in->accepted++;
	return q;

reject:
	in->rejected[*why]++;
	return NULL;
}

char **
ingest_topics(const struct config *c, size_t *n)
{
	char	**topics;
	size_t	  i, k = 0;
	int	  m;

	*n = c->nqueues;
	for (i = 0; i < c->nqueues; i++)
		for (m = 0; m < METRIC_COUNT; m++)
			*n += c->queues[i].topic[m] != NULL;
	topics = xcalloc(*n + 1, sizeof(*topics));
	for (i = 0; i < c->nqueues; i++) {
		xasprintf(&topics[k++], "%s/in/%s/+", c->mqtt.prefix,
		    c->queues[i].id);
		for (m = 0; m < METRIC_COUNT; m++)
			if (c->queues[i].topic[m] != NULL)
				topics[k++] = xstrdup(c->queues[i].topic[m]);
	}
	return topics;
}
