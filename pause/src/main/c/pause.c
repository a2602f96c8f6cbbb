/*
 * podshim-pause: PID 1 of a pod's pid namespace, holder of the pod's namespaces.
 *
 * It does three things and nothing else:
 *   - reaps every zombie: orphans of the pod are re-parented to PID 1 of their pid namespace;
 *   - exits 0 on SIGTERM or SIGINT (the runtime's way to end the sandbox);
 *   - never exits on an error once running: when PID 1 of a pid namespace exits, the kernel
 *     SIGKILLs every other process in it, i.e. the whole pod.
 *
 * Signals are blocked and taken with sigwaitinfo(), so there is no handler to race with. A handler
 * is installed all the same: PID 1 of a pid namespace only receives the signals it has a handler
 * for (pid_namespaces(7), "signals to init"); with SIG_DFL the kernel would drop SIGTERM.
 *
 * Readiness: if descriptor 3 is open, it writes "ready\n" there and closes it once the signals
 * are set up. Before that moment a SIGTERM would be dropped (see above), so the runtime waits for
 * this line (or for end of file, which means the pause died) before it calls the sandbox created.
 *
 * Extra arguments (podshim passes "pod=<uid>") are labels for ps and for recovery after a crash.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef PAUSE_VERSION
#define PAUSE_VERSION "dev"
#endif

static void noop(int signo) { (void)signo; }

static void reap_all(void) {
	for (;;) {
		pid_t pid = waitpid(-1, NULL, WNOHANG);
		if (pid > 0)
			continue;
		if (pid < 0 && errno == EINTR)
			continue;
		return; /* 0: children remain, none exited; -1/ECHILD: no children at all */
	}
}

int main(int argc, char **argv) {
	if (argc > 1 && strcmp(argv[1], "-v") == 0) {
		printf("podshim-pause %s\n", PAUSE_VERSION);
		return 0;
	}
	if (getpid() != 1)
		fprintf(stderr, "podshim-pause: not PID 1: orphans of the pod will not be reaped here\n");

	sigset_t waited;
	sigemptyset(&waited);
	sigaddset(&waited, SIGCHLD);
	sigaddset(&waited, SIGTERM);
	sigaddset(&waited, SIGINT);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = noop;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGCHLD, &sa, NULL) || sigaction(SIGTERM, &sa, NULL) || sigaction(SIGINT, &sa, NULL) ||
	    sigprocmask(SIG_BLOCK, &waited, NULL)) {
		perror("podshim-pause: cannot set up signals");
		return 1; /* not running yet: failing now is a start error, not a dead pod */
	}
	if (fcntl(3, F_GETFD) != -1) {
		static const char ready[] = "ready\n";
		if (write(3, ready, sizeof ready - 1) < 0)
			perror("podshim-pause: cannot report readiness");
		close(3);
	}

	for (;;) {
		siginfo_t info;
		int signo = sigwaitinfo(&waited, &info);
		if (signo == SIGTERM || signo == SIGINT)
			return 0;
		if (signo == SIGCHLD)
			reap_all();
		/* -1 (EINTR) or anything else: keep running, whatever happens. */
	}
}
