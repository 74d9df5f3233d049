/*
 * predict.h: what a contact arriving now can expect, from live figures
 * only (issue 4, DESIGN §7; formulas in LIBRARIES.md "Contact-centre
 * formulas"). Pure: no clock, no state; the queue hands in its recent
 * rates and current gauges, NAN for what it does not know.
 *
 * Each figure says which method made it, because a supervisor trusts
 * "3 bellers voor u, 2 per minuut beantwoord" more than a bare number:
 *
 *   erlang_c  arrival rate, handle time and agents are known: the wait
 *             the load predicts (Erlang C, ASA), but no less than the
 *             contacts already waiting take at agents / handle time;
 *             the service level predicted for the norm's T.
 *   position  contacts waiting now / the recent answer rate.
 *   holdtime  Asterisk's running average of recent answered waits.
 *   backlog   open items / the recent answer rate, in opening time.
 */
#ifndef WACHTD_PREDICT_H
#define WACHTD_PREDICT_H

enum predict_method {
	PREDICT_NONE,		/* too little known: the figure is NAN */
	PREDICT_ERLANG_C,
	PREDICT_POSITION,
	PREDICT_HOLDTIME,
	PREDICT_BACKLOG
};

struct predict_in {
	double		 arrival_rate;	/* contacts per s of opening time */
	double		 answer_rate;	/* answered per s of opening time */
	double		 handle_time;	/* s, recent average */
	double		 agents;	/* staff taking contacts now */
	double		 waiting;	/* contacts waiting now */
	double		 holdtime;	/* s, running average of waits */
	double		 backlog;	/* open items now */
	double		 within;	/* s: the service level's T, 0: none */
};

struct prediction {
	double		 ewt;		/* s: the wait of a contact arriving now */
	enum predict_method ewt_by;
	double		 sl;		/* %: predicted share answered within T */
	enum predict_method sl_by;
	double		 clear;		/* s of opening time to clear the backlog */
	enum predict_method clear_by;
	int		 overloaded;	/* more work comes in than staff can do:
					 * the queue grows (the ewt is then what
					 * the contacts waiting now take) */
};

void		 predict(const struct predict_in *, struct prediction *);
const char	*predict_method_name(enum predict_method);

/* The probability that a contact has to wait, for a load of `erlangs`
 * (arrival rate x handle time) on `agents` staff; 1 when erlangs >=
 * agents. Via Erlang B, which stays finite for hundreds of agents. */
double		 erlang_c(double erlangs, int agents);

#endif
