/*
 * probe.h: what every wachtd probe shares (issue 6). A probe reads one
 * real source (a mailbox, a phone platform, a ticket system) and
 * publishes what it sees on the MQTT contract of DESIGN §4. This part
 * does the rest the same way for each: the command line, the INI file
 * with its [probe] and [mqtt] sections (the latter read by wachtd's own
 * rules), the broker connection with its retained online/offline status,
 * gauges republished after every reconnect, events kept while the broker
 * is away, signals, logging, and backoff for the source.
 *
 * Topics: P/in/CHANNEL/NAME/METRIC for the figures, and the retained
 * status P/probe/INSTANCE/status ("online", "offline" as the will).
 */
#ifndef WACHTD_PROBE_H
#define WACHTD_PROBE_H

#include <stddef.h>

struct event_base;
struct probe;

struct probe_def {
	const char	*name;		/* "imap": wachtd-probe-imap */
	/* A key of one of the probe's own sections ("mailbox info" is
	 * section "mailbox info"); -1 with why. */
	int		(*key)(void *state, const char *section,
			    const char *name, const char *value, char *why,
			    size_t len);
	/* Once the file is read: meaning checks, each error through
	 * probe_config_error; nothing may open a socket or a file. */
	void		(*check)(void *state, struct probe *);
	/* Starts reading the source, on the probe's event base. */
	void		(*start)(void *state, struct probe *);
	/* SIGTERM: close the source (the broker goes after). */
	void		(*stop)(void *state);
};

/* Runs the probe: parses argv (-c FILE -n -f -v -V), reads the file,
 * and serves until SIGTERM. The exit status for main. */
int		 probe_main(int argc, char **argv, const struct probe_def *,
		    void *state);

struct event_base *probe_base(struct probe *);
/* "FILE:LINE: message" for a check that knows the line (0: none). */
void		 probe_config_error(struct probe *, int line, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* The line of a section's header in the file, for probe_config_error. */
int		 probe_section_line(const struct probe *, const char *section);

/* A gauge of a queue ("email/info", "backlog"): sent now if the broker
 * is there, and again after each reconnect. NAN forgets it. */
void		 probe_gauge(struct probe *, const char *queue,
		    const char *metric, double value);
/* An event (answered with its wait, arrived, ...) that happened at `at`
 * (epoch seconds): sent now, or kept (up to PROBE_PENDING_MAX, oldest
 * dropped first) until the broker is back. */
void		 probe_event(struct probe *, const char *queue,
		    const char *metric, double value, double at);
/* The same with a JSON object as payload (join, leave). */
void		 probe_event_json(struct probe *, const char *queue,
		    const char *metric, const char *json);
#define PROBE_PENDING_MAX	10000

/* Reconnecting to a source: waits of min, 2 min, 4 min ... max, with a
 * tenth of jitter so that probes restarted together do not knock at once. */
struct backoff {
	double		 min, max, next;
};
void		 backoff_init(struct backoff *, double min, double max);
double		 backoff_next(struct backoff *);
void		 backoff_reset(struct backoff *);

/* The first line of a file, for a password; NULL (logged) if unreadable. */
char		*probe_read_secret(const char *path);

#endif
