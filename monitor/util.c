/*
 * util.c: small helpers shared by the edges: the clock and time formats.
 */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "wachtd.h"

double
util_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* sched_setattr(2): glibc has no wrapper before 2.41, nor the type. */
struct sched_attr {
	uint32_t	 size;
	uint32_t	 sched_policy;
	uint64_t	 sched_flags;
	int32_t		 sched_nice;
	uint32_t	 sched_priority;
	uint64_t	 sched_runtime;	/* SCHED_OTHER: the slice, in ns */
	uint64_t	 sched_deadline;
	uint64_t	 sched_period;
};

void
util_loop_thread(void)
{
	struct sched_attr	 attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_OTHER,
		.sched_runtime = 100000,	/* 0.1 ms, the least */
	};

	/* Not fatal either: older kernels take it and ignore the slice. */
	(void)syscall(SYS_sched_setattr, 0, &attr, 0);
}

void
util_background_thread(void)
{
	struct sched_param	 none = { 0 };

	/* Not fatal: at worst the loop shares the CPU as before. */
	(void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &none);
}

char *
util_printable(const char *s, char *buf, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

char *
util_iso8601(double t, char *buf, size_t len)
{
	struct tm	 tm;
	time_t		 secs = (time_t)floor(t);
	long		 off;
	char		 sign;

	localtime_r(&secs, &tm);
	off = tm.tm_gmtoff / 60;
	sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d%c%02ld:%02ld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, sign, off / 60, off % 60);
	return buf;
}
