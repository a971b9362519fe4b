/* The engine never prints: what it has to say besides errors (a deprecated
 * field skipped, a syscall libseccomp does not know) goes to a handler the
 * CLI installs, which writes it to --log in runc's format. */
#ifndef KRILL_LOG_H
#define KRILL_LOG_H

typedef void (*kr_log_handler) (const char *level, const char *msg);

void kr_log_set_handler (kr_log_handler fn);
/* LEVEL: "debug", "info", "warning". Dropped when no handler is set. */
void kr_log (const char *level, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

#endif
