/*
 * util.c: small helpers shared by the edges: the clock and time formats.
 */
#include <math.h>
#include <stdio.h>
#include <time.h>

#include "wachtd.h"

double
util_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
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
