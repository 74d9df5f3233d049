/*
 * notice.c: the notification policy. Per alert and [notify] section it
 * remembers what that section was told, and decides what it is told
 * next, so that one trouble makes one message per level, a resolution
 * when it is over, a repeat while nobody acknowledged it, and one
 * escalation; nothing outside the section's hours (deferred to its next
 * opening, and dropped when the trouble was over by then); nothing while
 * silenced; nothing for a queue that closed.
 */
#include <string.h>

#include "calendar.h"
#include "wachtd.h"

/* What n would be told now, without the section's hours or silences. */
static enum notice_event
due(const struct notice *n, const struct notify_conf *t,
    const struct alert *a, enum alert_state want, double now)
{
	if (want != n->told)
		return want == ALERT_OK ? NOTICE_RESOLVED :
		    n->told == ALERT_OK ? NOTICE_FIRING : NOTICE_CHANGED;
	if (n->told == ALERT_OK || a->ack.at > 0)
		return NOTICE_NONE;
	if (t->escalate_to.to != NULL && t->escalate_after > 0 &&
	    !n->escalated && now - n->first >= t->escalate_after &&
	    calendar_is_open(((const struct notify_conf *)
	    t->escalate_to.to)->hours.to, now))
		return NOTICE_ESCALATE;	/* when they are there too */
	if (t->repeat > 0 && now - n->last >= t->repeat)
		return NOTICE_REPEAT;
	return NOTICE_NONE;
}

enum notice_event
notice_next(struct notice *n, const struct notify_conf *t,
    const struct alert *a, int silenced, double now)
{
	enum alert_state want = alert_active(a->state) ? a->state : ALERT_OK;
	enum notice_event ev;

	if (a->state == ALERT_CLOSED && n->told != ALERT_OK) {
		/* Closing time: staff have gone, and the queue's trouble
		 * ends with its hours. Tomorrow is judged afresh. */
		n->told = ALERT_OK;
		n->escalated = 0;
		return NOTICE_ENDED;
	}
	/* Silenced: nothing is sent either way; the truth is told when the
	 * silence ends. Outside the section's hours: the same, later. The
	 * calendar is asked last: this runs on every input. */
	if ((ev = due(n, t, a, want, now)) == NOTICE_NONE || silenced ||
	    !calendar_is_open(t->hours.to, now))
		return NOTICE_NONE;
	switch (ev) {
	case NOTICE_FIRING:
		n->first = now;
		n->escalated = 0;
		/* FALLTHROUGH */
	case NOTICE_CHANGED:
	case NOTICE_RESOLVED:
		n->told = want;
		/* FALLTHROUGH */
	case NOTICE_REPEAT:
		n->last = now;
		break;
	case NOTICE_ESCALATE:
		n->escalated = 1;
		break;
	default:
		break;
	}
	return ev;
}

const char *
notice_event_name(enum notice_event e)
{
	static const char *const names[] = {
		[NOTICE_NONE] = "none", [NOTICE_FIRING] = "firing",
		[NOTICE_CHANGED] = "changed", [NOTICE_REPEAT] = "repeat",
		[NOTICE_RESOLVED] = "resolved",
		[NOTICE_ESCALATE] = "escalate", [NOTICE_ENDED] = "ended",
	};

	return names[e];
}
