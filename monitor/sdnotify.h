/*
 * sdnotify.h: telling systemd how a Type=notify service is doing, without
 * libsystemd. Linking libsystemd for two calls cost every process about
 * 0.7 MB resident (it loads libgcrypt, liblz4, libzstd, liblzma and
 * libcap); the protocol underneath is one datagram on a unix socket, and
 * systemd documents it as stable and meant to be spoken directly
 * (sd_notify(3), NOTES). Unix sockets only: not vsock.
 *
 * Both read the environment and never change it, so a child started
 * later would inherit the same socket and watchdog.
 */
#ifndef WACHTD_SDNOTIFY_H
#define WACHTD_SDNOTIFY_H

#include <stdint.h>

/* Sends state ("READY=1", lines of KEY=VALUE) as one datagram to
 * $NOTIFY_SOCKET: a path ("/run/systemd/notify") or, with a leading '@',
 * a name in Linux's abstract namespace. 1 when sent, 0 when the variable
 * is unset or empty (not under systemd), -1 with errno otherwise:
 * ENAMETOOLONG for a name sun_path cannot hold, EAFNOSUPPORT for one that
 * starts with neither '/' nor '@', or what socket(2) and sendto(2) said. */
int	sdnotify(const char *state);

/* Whether systemd expects WATCHDOG=1 from this process, as
 * sd_watchdog_enabled(0, usec): 1 with *usec set to $WATCHDOG_USEC, 0
 * when that is unset or $WATCHDOG_PID names another process, -1 with
 * errno EINVAL when either is not a decimal number above 0. */
int	sdnotify_watchdog(uint64_t *usec);

#endif
