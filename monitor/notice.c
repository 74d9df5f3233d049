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

enum notice_event
notice_next(struct notice *n, const struct notify_conf *t,
    const struct alert *a, int silenced, double now)
{
	enum alert_state want = alert_active(a->state) ? a->state : ALERT_OK;
	int	 told = n->told != ALERT_OK;

	if (a->state == ALERT_CLOSED && told) {
		/* Closing time: staff have gone, and the queue's trouble
		 * ends with its hours. Tomorrow is judged afresh. */
		n->told = ALERT_OK;
		n->escalated = 0;
		return NOTICE_ENDED;
	}
	/* Silenced: nothing is sent either way; the truth is told when the
	 * silence ends. Outside the section's hours: the same, later. */
	if (silenced || !calendar_is_open(t->hours.to, now))
		return NOTICE_NONE;
	if (want != n->told) {
		if (want == ALERT_OK) {
			n->told = ALERT_OK;
			n->last = now;
			return NOTICE_RESOLVED;
		}
		n->told = want;
		n->last = now;
		if (!told) {
			n->first = now;
			n->escalated = 0;
			return NOTICE_FIRING;
		}
		return NOTICE_CHANGED;
	}
	if (!told || a->ack.at > 0)
		return NOTICE_NONE;
	if (t->escalate_to.to != NULL && t->escalate_after > 0 &&
	    !n->escalated && now - n->first >= t->escalate_after) {
		n->escalated = 1;
		return NOTICE_ESCALATE;
	}
	if (t->repeat > 0 && now - n->last >= t->repeat) {
		n->last = now;
		return NOTICE_REPEAT;
	}
	return NOTICE_NONE;
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
