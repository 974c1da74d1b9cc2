/* daemon.h: what a Unix daemon does once: detach, tell systemd its state,
 * drop root. */
#ifndef SGW_GW_DAEMON_H
#define SGW_GW_DAEMON_H

#include <stddef.h>
#include <sys/types.h>

/* sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET (a path
 * or, with a leading '@', an abstract address).  Returns 1 when sent, 0
 * when not under systemd, or a negative errno. */
int daemon_notify(const char *state);
/* "RELOADING=1" with MONOTONIC_USEC, as systemd >= 253 wants for reload. */
int daemon_notify_reloading(void);

/* Fork into the background.  The parent waits until the child calls
 * daemon_detach_done() and exits with the status it gives, so the shell
 * sees a failed start.  Returns 0 in the child. */
int daemon_detach(void);
void daemon_detach_done(int status);

/* Look up user and group (group NULL: the user's login group). */
int daemon_lookup_ids(const char *user, const char *group, uid_t *uid, gid_t *gid, char *err,
		      size_t errlen);
/* Become uid/gid for good, with only that group; verify root cannot come
 * back.  On error, err says what failed. */
int daemon_drop_privileges(uid_t uid, gid_t gid, char *err, size_t errlen);

#endif
