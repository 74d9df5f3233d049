/*
 * work.c: one thread for blocking library calls (RRD reads for reports),
 * fed and drained through the loop: work_submit queues a job, the thread
 * runs it, and its `done` runs back in the loop. Jobs run one at a time,
 * in order.
 */
#include <pthread.h>
#include <stdlib.h>

#include <event2/event.h>

#include "wachtd.h"

struct work_job {
	work_fn		 run;		/* in the thread */
	work_done_fn	 done;		/* in the loop */
	void		*arg;
	struct work_job	*next;
};

struct worker {
	struct event	*ev_done;
	pthread_t	 thread;
	pthread_mutex_t	 lock;
	pthread_cond_t	 work;
	struct work_job	*todo, **todo_tail;
	struct work_job	*done;		/* finished, newest first */
	int		 quit;
	size_t		 queued;	/* the loop's count: not yet done */
};

static void *
run_jobs(void *arg)
{
	struct worker	*wk = arg;
	struct work_job	*j;

	util_background_thread();
	pthread_mutex_lock(&wk->lock);
	for (;;) {
		while (wk->todo == NULL && !wk->quit)
			pthread_cond_wait(&wk->work, &wk->lock);
		if (wk->quit)
			break;
		j = wk->todo;
		if ((wk->todo = j->next) == NULL)
			wk->todo_tail = &wk->todo;
		pthread_mutex_unlock(&wk->lock);
		j->run(j->arg);
		pthread_mutex_lock(&wk->lock);
		j->next = wk->done;
		wk->done = j;
		event_active(wk->ev_done, EV_READ, 0);
	}
	pthread_mutex_unlock(&wk->lock);
	return NULL;
}

/* Hands the finished jobs back, oldest first, each with `ran` set. */
static void
finish(struct work_job *j, int ran)
{
	struct work_job	*rev = NULL, *next;

	for (; j != NULL; j = next) {
		next = j->next;
		j->next = rev;
		rev = j;
	}
	for (j = rev; j != NULL; j = next) {
		next = j->next;
		j->done(j->arg, ran);
		free(j);
	}
}

size_t
work_queued(const struct worker *wk)
{
	return wk->queued;
}

static void
on_done(evutil_socket_t fd, short what, void *arg)
{
	struct worker	*wk = arg;
	struct work_job	*j, *next;

	(void)fd;
	(void)what;
	pthread_mutex_lock(&wk->lock);
	j = wk->done;
	wk->done = NULL;
	pthread_mutex_unlock(&wk->lock);
	for (next = j; next != NULL; next = next->next)
		wk->queued--;
	finish(j, 1);
}

struct worker *
work_new(struct event_base *base)
{
	struct worker	*wk = xcalloc(1, sizeof(*wk));

	wk->ev_done = event_new(base, -1, 0, on_done, wk);
	wk->todo_tail = &wk->todo;
	pthread_mutex_init(&wk->lock, NULL);
	pthread_cond_init(&wk->work, NULL);
	if (pthread_create(&wk->thread, NULL, run_jobs, wk) != 0)
		fatalx("work: cannot start the worker thread");
	return wk;
}

void
work_submit(struct worker *wk, work_fn run, work_done_fn done, void *arg)
{
	struct work_job	*j = xcalloc(1, sizeof(*j));

	j->run = run;
	j->done = done;
	j->arg = arg;
	wk->queued++;
	pthread_mutex_lock(&wk->lock);
	*wk->todo_tail = j;
	wk->todo_tail = &j->next;
	pthread_cond_signal(&wk->work);
	pthread_mutex_unlock(&wk->lock);
}

void
work_free(struct worker *wk)
{
	struct work_job	*todo, *j;

	if (wk == NULL)
		return;
	pthread_mutex_lock(&wk->lock);
	wk->quit = 1;
	pthread_cond_signal(&wk->work);
	pthread_mutex_unlock(&wk->lock);
	pthread_join(wk->thread, NULL);
	/* Finished ones first, then those that never ran: in order. */
	finish(wk->done, 1);
	todo = wk->todo;
	wk->todo = NULL;
	for (j = todo; j != NULL; j = todo) {
		todo = j->next;
		j->done(j->arg, 0);
		free(j);
	}
	event_free(wk->ev_done);
	pthread_mutex_destroy(&wk->lock);
	pthread_cond_destroy(&wk->work);
	free(wk);
}
