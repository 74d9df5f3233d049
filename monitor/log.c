/*
 * log.c: the one logger (after OpenBSD's log.c). Foreground: stderr with a
 * timestamp. Otherwise syslog, which journald also collects.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "wachtd.h"

#define COMPLAIN_FIRST	10.0		/* s before a repeat is logged */
#define COMPLAIN_MAX	3600.0		/* s at most between repeats */

static int	 log_foreground = 1;
static int	 log_level;		/* 0 info, 1 debug */

void
log_init(int foreground, int verbose, const char *ident)
{
	log_foreground = foreground;
	log_level = verbose;
	if (!foreground)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
	tzset();
}

/* Writes one line at priority pri, with strerror(errnum) when nonzero. */
static void
vlog(int pri, int errnum, const char *fmt, va_list ap)
{
	char		 msg[2048];
	int		 n;

	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	if (errnum != 0 && n >= 0 && (size_t)n < sizeof(msg))
		snprintf(msg + n, sizeof(msg) - (size_t)n, ": %s",
		    strerror(errnum));
	if (log_foreground) {
		static const char *names[] = {
			[LOG_ERR] = "error", [LOG_WARNING] = "warning",
			[LOG_INFO] = "info", [LOG_DEBUG] = "debug"
		};
		struct timespec	 ts;
		struct tm	 tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		fprintf(stderr, "%02d:%02d:%02d.%03ld %s: %s\n", tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, names[pri],
		    msg);
	} else
		syslog(pri, "%s", msg);
}

void
log_warn(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, saved, fmt, ap);
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, 0, fmt, ap);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	 ap;

	if (log_level < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, 0, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	int	 saved = errno;

	va_start(ap, fmt);
	vlog(LOG_ERR, saved, fmt, ap);
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vlog(LOG_ERR, 0, fmt, ap);
	va_end(ap);
	exit(1);
}

void
log_complain(struct complaint *c, double now, const char *fmt, ...)
{
	char	 msg[1024];
	va_list	 ap;

	if (now < c->next) {
		c->suppressed++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->suppressed > 0)
		log_warnx("%s (%llu similar suppressed)", msg,
		    (unsigned long long)c->suppressed);
	else
		log_warnx("%s", msg);
	c->interval = c->interval == 0 ? COMPLAIN_FIRST :
	    c->interval * 2 > COMPLAIN_MAX ? COMPLAIN_MAX : c->interval * 2;
	c->next = now + c->interval;
	c->suppressed = 0;
}

void
log_relief(struct complaint *c, const char *fmt, ...)
{
	va_list	 ap;

	if (c->interval == 0)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, 0, fmt, ap);
	va_end(ap);
	c->next = c->interval = 0;
	c->suppressed = 0;
}
