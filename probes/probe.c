/*
 * probe.c: the part every wachtd probe shares (probe.h). The broker
 * connection is wachtd's own (monitor/mqtt.c: libmosquitto on the
 * libevent loop, reconnecting with backoff), and so are the logger and
 * the [mqtt] section's rules; the probe only adds its source.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>
#include <ini.h>
#include <mosquitto.h>

#include "probe.h"
#include "sdnotify.h"
#include "wachtd.h"

#define LINE_MAX_LEN	4096

struct last_gauge {
	char		*topic;
	double		 value;
};

/* An event that waits for the broker. */
struct pending {
	char		*topic;
	char		*payload;
};

struct probe {
	const struct probe_def *def;
	void		*state;
	const char	*path;
	FILE		*fp;
	int		 line;		/* being read */
	int		 errors;
	char		 section[256];
	struct map	*seen;		/* "section\nkey" -> line */
	struct map	*headers;	/* section -> line of its header */
	char		*instance;
	struct mqtt_conf mqtt;
	struct event_base *base;
	struct mq	*mq;
	struct map	*gauges;	/* topic -> struct last_gauge */
	struct pending	*pending;	/* ring of PROBE_PENDING_MAX */
	size_t		 first, npending;
	uint64_t	 dropped;
	struct complaint drop_trouble;
};

static void
usage(const char *name)
{
	fprintf(stderr, "usage: wachtd-probe-%s [-fnvV] [-c file]\n", name);
	exit(2);
}

void
probe_config_error(struct probe *p, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (line > 0)
		fprintf(stderr, "%s:%d: ", p->path, line);
	else
		fprintf(stderr, "%s: ", p->path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	p->errors++;
}

int
probe_section_line(const struct probe *p, const char *section)
{
	int	*line = map_get(p->headers, section);

	return line != NULL ? *line : 0;
}

/* inih's reader: counts lines, and notes where each section begins. */
static char *
read_line(char *buf, int size, void *arg)
{
	struct probe	*p = arg;
	char		*end;
	int		*line;

	if (fgets(buf, size, p->fp) == NULL)
		return NULL;
	p->line++;
	if (buf[0] == '[' && (end = strchr(buf, ']')) != NULL) {
		*end = '\0';
		if (map_get(p->headers, buf + 1) != NULL)
			probe_config_error(p, p->line, "section [%s] repeated",
			    buf + 1);
		else {
			line = xmalloc(sizeof(*line));
			*line = p->line;
			map_put(p->headers, buf + 1, line);
		}
		*end = ']';
	}
	return buf;
}

static int
handle_key(void *arg, const char *section, const char *name,
    const char *value)
{
	struct probe	*p = arg;
	char		 why[512], *key;
	static int	 present;
	int		 rc = 0;

	xasprintf(&key, "%s\n%s", section, name);
	if (map_get(p->seen, key) != NULL) {
		probe_config_error(p, p->line, "key '%s' repeated in [%s]",
		    name, section);
		free(key);
		return 1;
	}
	map_put(p->seen, key, &present);
	map_put(p->seen, section, &present);	/* it has a key */
	free(key);
	if (strcmp(section, "mqtt") == 0)
		rc = config_mqtt_key(&p->mqtt, name, value, why, sizeof(why));
	else if (strcmp(section, "probe") == 0) {
		if (strcmp(name, "name") != 0) {
			snprintf(why, sizeof(why), "unknown key '%s' in "
			    "[probe]", name);
			rc = -1;
		} else if (value[0] == '\0' || strpbrk(value, "/+# ") != NULL) {
			snprintf(why, sizeof(why), "name = %s: a name without "
			    "spaces, '/', '+' or '#'", value);
			rc = -1;
		} else {
			free(p->instance);
			p->instance = xstrdup(value);
		}
	} else if (section[0] == '\0') {
		snprintf(why, sizeof(why), "key '%s' outside a section", name);
		rc = -1;
	} else
		rc = p->def->key(p->state, section, name, value, why,
		    sizeof(why));
	if (rc == -1)
		probe_config_error(p, p->line, "%s", why);
	return 1;
}

static void
free_line(void *line)
{
	free(line);
}

/* A probe's section without a key is a mistake the probe would never
 * see (inih only reports keys): "[queue 1]" left empty. */
static void
empty_sections(struct probe *p)
{
	const char	*name;
	void		*line;
	size_t		 pos = 0;

	while (map_next(p->headers, &pos, &name, &line))
		if (strcmp(name, "probe") != 0 && strcmp(name, "mqtt") != 0 &&
		    map_get(p->seen, name) == NULL)
			probe_config_error(p, *(int *)line, "[%s] has no keys",
			    name);
}

/* Both passes; 0 when the file is good. */
static int
read_config(struct probe *p)
{
	char	 client[128];
	int	 rc;

	if ((p->fp = fopen(p->path, "r")) == NULL) {
		fprintf(stderr, "%s: %s\n", p->path, strerror(errno));
		p->errors++;
		return -1;
	}
	p->seen = map_new();
	p->headers = map_new();
	config_mqtt_defaults(&p->mqtt, "");
	rc = ini_parse_stream(read_line, p, handle_key, p);
	fclose(p->fp);
	if (rc > 0)
		probe_config_error(p, rc, "syntax error");
	empty_sections(p);
	map_free(p->seen, NULL);
	if (p->instance == NULL)
		p->instance = xstrdup(p->def->name);
	if (p->mqtt.client_id[0] == '\0') {
		snprintf(client, sizeof(client), "wachtd-probe-%s",
		    p->instance);
		free(p->mqtt.client_id);
		p->mqtt.client_id = xstrdup(client);
	}
	xasprintf(&p->mqtt.status_topic, "%s/probe/%s/status",
	    p->mqtt.prefix, p->instance);
	if (p->errors == 0)
		p->def->check(p->state, p);
	map_free(p->headers, free_line);
	return p->errors == 0 ? 0 : -1;
}

struct event_base *
probe_base(struct probe *p)
{
	return p->base;
}

static char *
topic_of(const struct probe *p, const char *queue, const char *metric)
{
	char	*t;

	xasprintf(&t, "%s/in/%s/%s", p->mqtt.prefix, queue, metric);
	return t;
}

static void
send_gauge(struct probe *p, const struct last_gauge *g)
{
	char	 buf[64];
	int	 n;

	n = snprintf(buf, sizeof(buf), "%.10g", g->value);
	(void)mq_send(p->mq, g->topic, buf, (size_t)n, 0, 0);
}

void
probe_gauge(struct probe *p, const char *queue, const char *metric,
    double value)
{
	struct last_gauge	*g;
	char		*topic = topic_of(p, queue, metric);

	if ((g = map_get(p->gauges, topic)) == NULL) {
		if (isnan(value)) {
			free(topic);
			return;
		}
		g = xcalloc(1, sizeof(*g));
		g->topic = topic;
		map_put(p->gauges, topic, g);
	} else
		free(topic);
	if (isnan(value)) {
		map_del(p->gauges, g->topic);
		free(g->topic);
		free(g);
		return;
	}
	g->value = value;
	if (mq_connected(p->mq))
		send_gauge(p, g);
}

/* Sends an event, or keeps it for the next connection. */
static void
send_event(struct probe *p, char *topic, char *payload)
{
	struct pending	*slot;

	if (mq_connected(p->mq) && p->npending == 0 &&
	    mq_send(p->mq, topic, payload, strlen(payload),
	    p->mqtt.qos, 0) == 0) {
		free(topic);
		free(payload);
		return;
	}
	if (p->pending == NULL)
		p->pending = xcalloc(PROBE_PENDING_MAX, sizeof(*p->pending));
	if (p->npending == PROBE_PENDING_MAX) {
		slot = &p->pending[p->first];
		free(slot->topic);
		free(slot->payload);
		p->first = (p->first + 1) % PROBE_PENDING_MAX;
		p->npending--;
		p->dropped++;
		log_complain(&p->drop_trouble, util_now(), "the broker is "
		    "away: dropped the oldest of %d kept events (%llu so "
		    "far)", PROBE_PENDING_MAX, (unsigned long long)p->dropped);
	}
	slot = &p->pending[(p->first + p->npending++) % PROBE_PENDING_MAX];
	slot->topic = topic;
	slot->payload = payload;
}

void
probe_event(struct probe *p, const char *queue, const char *metric,
    double value, double at)
{
	char	*payload;

	/* With its time: kept a while, it still counts in its own step. */
	xasprintf(&payload, "{\"value\":%.10g,\"ts\":%.3f}", value, at);
	send_event(p, topic_of(p, queue, metric), payload);
}

void
probe_event_json(struct probe *p, const char *queue, const char *metric,
    const char *json)
{
	send_event(p, topic_of(p, queue, metric), xstrdup(json));
}

/* Connected (again): the kept events in order, then every gauge. */
static void
on_connect(void *arg)
{
	struct probe	*p = arg;
	struct pending	*slot;
	const char	*key;
	void		*val;
	size_t		 pos = 0;

	while (p->npending > 0) {
		slot = &p->pending[p->first];
		if (mq_send(p->mq, slot->topic, slot->payload,
		    strlen(slot->payload), p->mqtt.qos, 0) == -1)
			break;
		free(slot->topic);
		free(slot->payload);
		p->first = (p->first + 1) % PROBE_PENDING_MAX;
		p->npending--;
	}
	while (map_next(p->gauges, &pos, &key, &val))
		send_gauge(p, val);
}

static void
on_message(const char *topic, const void *payload, size_t len, void *arg)
{
	(void)topic;
	(void)payload;
	(void)len;
	(void)arg;
}

static void
on_signal(evutil_socket_t sig, short what, void *arg)
{
	struct probe	*p = arg;

	(void)what;
	if (sig == SIGHUP) {
		log_info("SIGHUP: a changed configuration takes effect at "
		    "the next restart");
		return;
	}
	log_info("received %s, shutting down", strsignal(sig));
	event_base_loopbreak(p->base);
}

static void
free_gauge(void *v)
{
	struct last_gauge	*g = v;

	free(g->topic);
	free(g);
}

void
backoff_init(struct backoff *b, double min, double max)
{
	b->min = min;
	b->max = max;
	b->next = min;
}

double
backoff_next(struct backoff *b)
{
	double	 wait = b->next;

	b->next = fmin(b->max, b->next * 2);
	/* Up to a tenth more, from the clock's low bits: no RNG to seed. */
	return wait * (1 + fmod(util_now() * 1e6, 100) / 1000);
}

void
backoff_reset(struct backoff *b)
{
	b->next = b->min;
}

char *
probe_read_secret(const char *path)
{
	FILE	*f;
	char	 buf[1024];
	size_t	 n;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return NULL;
	}
	if (fgets(buf, sizeof(buf), f) == NULL) {
		log_warnx("%s: empty", path);
		fclose(f);
		return NULL;
	}
	fclose(f);
	n = strcspn(buf, "\r\n");
	buf[n] = '\0';
	return xstrdup(buf);
}

int
probe_main(int argc, char **argv, const struct probe_def *def, void *state)
{
	static const int signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct probe	 p = { .def = def, .state = state };
	struct event	*sigs[3];
	char		 ident[64], path[256];
	int		 ch, check = 0, foreground = 0, verbose = 0, i;

	snprintf(path, sizeof(path), "/etc/wachtd/probe-%s.conf", def->name);
	p.path = path;
	while ((ch = getopt(argc, argv, "c:fnvV")) != -1)
		switch (ch) {
		case 'c':
			p.path = optarg;
			break;
		case 'f':
			foreground = 1;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose++;
			break;
		case 'V':
			printf("wachtd-probe-%s %s\n", def->name,
			    WACHTD_VERSION);
			return 0;
		default:
			usage(def->name);
		}
	if (optind != argc)
		usage(def->name);
	snprintf(ident, sizeof(ident), "wachtd-probe-%s", def->name);
	log_init(1, verbose, ident);
	if (read_config(&p) == -1 || check || mq_check(&p.mqtt) == -1) {
		if (p.errors == 0 && check)
			printf("configuration OK\n");
		config_mqtt_free(&p.mqtt);
		free(p.instance);
		return p.errors == 0 && check ? 0 : 1;
	}
	if (!foreground && getenv("NOTIFY_SOCKET") == NULL &&
	    daemon(0, 0) == -1)
		fatal("daemon");
	log_init(foreground, verbose, ident);
	signal(SIGPIPE, SIG_IGN);
	mosquitto_lib_init();
	if ((p.base = event_base_new()) == NULL)
		fatalx("event_base_new");
	p.gauges = map_new();
	if ((p.mq = mq_new(p.base, &p.mqtt, on_message, on_connect,
	    &p)) == NULL)
		return 1;
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(p.base, signals[i], on_signal, &p);
		evsignal_add(sigs[i], NULL);
	}
	def->start(state, &p);
	if (sdnotify("READY=1") == -1)	/* else killed at start timeout */
		log_warn("NOTIFY_SOCKET %s", getenv("NOTIFY_SOCKET"));
	log_info("%s started as %s", ident, p.instance);
	event_base_dispatch(p.base);

	sdnotify("STOPPING=1");
	def->stop(state);
	mq_free(p.mq);		/* says offline */
	for (i = 0; i < 3; i++)
		event_free(sigs[i]);
	map_free(p.gauges, free_gauge);
	while (p.npending > 0) {
		free(p.pending[p.first].topic);
		free(p.pending[p.first].payload);
		p.first = (p.first + 1) % PROBE_PENDING_MAX;
		p.npending--;
	}
	free(p.pending);
	event_base_free(p.base);
	config_mqtt_free(&p.mqtt);
	free(p.instance);
	mosquitto_lib_cleanup();
	log_info("stopped");
	return 0;
}
