/*
 * sim.h: the traffic model of wachtd-sim without broker or clock, so the
 * unit tests can run a simulated day in milliseconds and look at every
 * message it would have published.
 */
#ifndef WACHTD_SIM_H
#define WACHTD_SIM_H

#include <stdint.h>
#include <stdio.h>

struct sim_config;
struct sim;

/* Receives one message; t is simulated seconds since the start. */
typedef void sim_emit_fn(void *arg, double t, const char *topic,
    const char *payload);
/* Receives one configuration error as "FILE:LINE: message". */
typedef void sim_complain_fn(void *arg, const char *message);

struct sim_options {
	uint64_t	 seed;
	double		 rate;		/* multiplies every arrival rate */
	double		 start_tod;	/* seconds after 00:00 at t = 0 */
	const char	*prefix;	/* topic prefix, kept by pointer */
};

/* Reads queue definitions; reports every error, then returns NULL. */
struct sim_config	*sim_config_read(FILE *, const char *name,
			    sim_complain_fn *, void *arg);
void			 sim_config_free(struct sim_config *);

/* Starts a run at t = 0; the config must outlive it. */
struct sim		*sim_new(const struct sim_config *,
			    const struct sim_options *, sim_emit_fn *,
			    void *arg);
/* Simulated time of the next event (INFINITY when there is none). */
double			 sim_next_time(const struct sim *);
/* Handles every event before until, emitting its messages in order. */
void			 sim_run(struct sim *, double until);
void			 sim_free(struct sim *);

#endif /* WACHTD_SIM_H */
