/*
 * podshim-shim: the parent of one container process, so that the container outlives its daemon.
 *
 * A daemon that is killed takes its children's exit statuses and the read ends of their stdio
 * pipes with it: the containers are reparented to init, which discards how they ended, and their
 * next write to a log pipe with no reader kills them with SIGPIPE. Like conmon and containerd's
 * shim, this program sits between the daemon and the container: it is the container's parent,
 * records how it ended in a file, and keeps the log pipes' read ends open (never reading them), so
 * that a restarted daemon can take them back with pidfd_getfd(2) and go on pumping; likewise the
 * write end of a container's stdin pipe (so it sees no end of file) or its terminal's master (so
 * it is not hung up), which a restarted daemon's attach uses again.
 *
 *   podshim-shim --exit-dir DIR [--pid-ns FD | --new-pid-ns] --report FD [--status FD] [--keep FD]...
 *                -- EXEC-STAGE ARG...
 *
 * It is spawned in the container's namespaces except pid (its own pid is a host pid, so it does not
 * show up inside the pod), then:
 *   pid ns    joins the pod's pid namespace (FD, a pidfd of the pause) or creates one, for its
 *             child only: setns/unshare(CLONE_NEWPID) applies to children (neither: the host's,
 *             for a hostPID pod);
 *   fork      the child execs EXEC-STAGE (which waits at the cgroup gate, pivots, execs the
 *             payload); it keeps every descriptor but --report and --keep;
 *   report    writes the child's pid (host numbering) and a newline to --report, then closes it;
 *   wait      lets go of everything else (stdio to /dev/null, the status pipe, the gate) and waits;
 *   record    writes "<wait status> <finished, ms since the epoch>\n" to DIR/exit (via a rename,
 *             so a reader sees all or nothing) before it exits: whoever sees this process gone
 *             finds the record;
 *   mirror    ends as its child did (the same exit code, or the same signal), so the daemon that
 *             is its parent reads the container's status from waitid(2) as before.
 * It ignores SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGPIPE: a terminal's Ctrl-C or a stray signal
 * must not cut a container from its record; the daemon signals the container itself.
 * If EXEC-STAGE cannot be executed, the child reports "shim-exec <errno>" on --status as the exec
 * stage reports its own steps, and exits 128.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_KEEP 8

static const int IGNORED[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE};

static void die(const char *what) {
	fprintf(stderr, "podshim-shim: %s: %s\n", what, strerror(errno));
	exit(125);
}

static int number(const char *s) {
	char *end;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || v < 0 || v > 1 << 20) {
		fprintf(stderr, "podshim-shim: not a descriptor: %s\n", s);
		exit(125);
	}
	return (int)v;
}

static void write_record(int dir, int wstatus) {
	struct timeval now;
	char line[64];
	gettimeofday(&now, NULL);
	int n = snprintf(line, sizeof line, "%d %lld\n", wstatus, (long long)now.tv_sec * 1000 + now.tv_usec / 1000);
	int fd = openat(dir, "exit.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, line, n) != n || close(fd) != 0 || renameat(dir, "exit.tmp", dir, "exit") != 0)
		fprintf(stderr, "podshim-shim: record the exit status: %s\n", strerror(errno));
}

/* Ends this process the way the child ended. */
static void mirror(int wstatus) {
	if (WIFEXITED(wstatus))
		_exit(WEXITSTATUS(wstatus));
	int sig = WTERMSIG(wstatus);
	struct rlimit none = {0, 0};
	setrlimit(RLIMIT_CORE, &none); /* the shim must not dump a core of its own */
	signal(sig, SIG_DFL);
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	_exit(128 + sig);
}

int main(int argc, char **argv) {
	int pid_ns = -1, new_pid_ns = 0, report = -1, status = -1, keep[MAX_KEEP], kept = 0;
	const char *exit_dir = NULL;
	int i = 1;
	for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (i + 1 >= argc && strcmp(argv[i], "--new-pid-ns") != 0) {
			fprintf(stderr, "podshim-shim: %s needs a value\n", argv[i]);
			return 125;
		}
		if (strcmp(argv[i], "--exit-dir") == 0)
			exit_dir = argv[++i];
		else if (strcmp(argv[i], "--pid-ns") == 0)
			pid_ns = number(argv[++i]);
		else if (strcmp(argv[i], "--new-pid-ns") == 0)
			new_pid_ns = 1;
		else if (strcmp(argv[i], "--report") == 0)
			report = number(argv[++i]);
		else if (strcmp(argv[i], "--status") == 0)
			status = number(argv[++i]);
		else if (strcmp(argv[i], "--keep") == 0 && kept < MAX_KEEP)
			keep[kept++] = number(argv[++i]);
		else {
			fprintf(stderr, "podshim-shim: unknown option %s\n", argv[i]);
			return 125;
		}
	}
	if (i + 1 >= argc || exit_dir == NULL || report < 0 || (pid_ns >= 0 && new_pid_ns)) {
		fprintf(stderr, "usage: podshim-shim --exit-dir DIR [--pid-ns FD | --new-pid-ns] --report FD"
				" [--status FD] [--keep FD]... -- EXEC-STAGE ARG...\n");
		return 125;
	}
	char **payload = argv + i + 1;

	int dir = open(exit_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		die(exit_dir);
	for (size_t s = 0; s < sizeof IGNORED / sizeof IGNORED[0]; s++)
		signal(IGNORED[s], SIG_IGN);
	if (pid_ns >= 0 && setns(pid_ns, CLONE_NEWPID) != 0)
		die("setns(pid)");
	if (new_pid_ns && unshare(CLONE_NEWPID) != 0)
		die("unshare(CLONE_NEWPID)");

	pid_t child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		close(report);
		if (pid_ns >= 0)
			close(pid_ns);
		for (int k = 0; k < kept; k++)
			close(keep[k]);
		for (size_t s = 0; s < sizeof IGNORED / sizeof IGNORED[0]; s++)
			signal(IGNORED[s], SIG_DFL);
		execv(payload[0], payload);
		if (status >= 0)
			dprintf(status, "shim-exec %d\n", errno);
		_exit(128);
	}

	dprintf(report, "%d\n", (int)child);
	close(report);
	/* Hold nothing of the container's but the kept read ends: its stdio, its status pipe and its
	 * gate belong to it, and a write end held here would keep the daemon from seeing end of file. */
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	for (int fd = 0; fd <= 2 && null >= 0; fd++)
		dup2(null, fd);
	for (int fd = 3; fd < 1024; fd++) {
		int held = fd == dir;
		for (int k = 0; k < kept; k++)
			held |= fd == keep[k];
		if (!held)
			close(fd);
	}

	int wstatus;
	for (;;) {
		pid_t got = waitpid(-1, &wstatus, 0);
		if (got == child)
			break;
		if (got < 0 && errno != EINTR)
			die("waitpid");
	}
	write_record(dir, wstatus);
	mirror(wstatus);
	return 0;
}
