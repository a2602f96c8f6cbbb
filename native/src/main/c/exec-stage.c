/*
 * podshim-exec: the exec stage, the last step before a container's payload runs, in the child.
 *
 * It exists because a JVM cannot do these steps itself: after fork only async-signal-safe work is
 * allowed, pivot_root would change the root of every JVM thread in the mount namespace, and the
 * cgroup hand-shake must hold the payload back until the daemon has placed it (KERNEL-NOTES #16).
 * The daemon has already joined the pod's namespaces and prepared the container's mount namespace
 * (rootfs, /dev, /sys, volumes); this program is spawned inside them.
 *
 *   podshim-exec [--gate FD] [--status FD] [--cgroupns DIR] [--join-mnt FD] [--proc DIR] [--root DIR]
 *                [--mask PATH]... [--readonly PATH]... [--cwd DIR]
 *                [--caps HEX] [--gid N] [--groups N,N,...] [--uid N] [--no-new-privs] [--ctty]
 *                -- PROGRAM ARG...
 *
 * The steps, in this order:
 *   gate      read one byte from the gate: the daemon has put this process in its cgroups.
 *             End of file means the daemon gave up: exit without running anything.
 *   cgroupns  unshare a cgroup namespace and mount cgroup2 read-only at DIR (inside the new root),
 *             as runc does on cgroup v2. Only after the gate: a cgroup namespace is rooted at the
 *             cgroup its creator is in, so the container sees its own cgroup as "/" (KERNEL-NOTES #27).
 *   setns     join the mount namespace of FD (an exec into a running container): done here, in a
 *             single-threaded process, because a JVM thread that joined it would look for this very
 *             program inside the container's root (KERNEL-NOTES #23).
 *   proc      mount procfs at DIR (inside the new root). It must be mounted by a process inside
 *             the pod's pid namespace to show it (KERNEL-NOTES #5): this one is.
 *   pivot     pivot_root into DIR with the pivot_root(".", ".") idiom, then detach the old root.
 *   mask      hide /proc and /sys paths as runc does by default: /dev/null over a file, an empty
 *             read-only tmpfs over a directory; missing paths are skipped.
 *   readonly  bind a path onto itself and remount it read-only.
 *   cwd       chdir.
 *   ctty      make standard input (a terminal of the container's devpts) the controlling terminal
 *             of this process's session (a new one, unless it leads one already), as a login shell
 *             has one: Ctrl-C typed there then signals the foreground job.
 *   caps      drop every capability not in HEX from the bounding set.
 *   groups, gid, uid   set the ids; from root to another uid the kernel clears the capabilities.
 *   capset    keep only HEX in the effective, permitted and inheritable sets (for root).
 *   nnp       prctl(PR_SET_NO_NEW_PRIVS).
 *   exec      execvp PROGRAM with this process's environment (PATH searched in it).
 *
 * On a failure it writes "<step> <errno>\n" to the status descriptor and exits 128, the code
 * Kubernetes gives a container that failed to start. The status descriptor is close-on-exec, so
 * the daemon reads end of file with nothing before it exactly when the exec succeeded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_PATHS 64
#define MAX_GROUPS 64

static int status_fd = -1;

static void fail(const char *step, int err) {
	if (status_fd >= 0)
		dprintf(status_fd, "%s %d\n", step, err);
	else
		fprintf(stderr, "podshim-exec: %s: %s\n", step, strerror(err));
	_exit(128);
}

static void usage(const char *why) {
	fprintf(stderr, "podshim-exec: %s\n", why);
	if (status_fd >= 0)
		dprintf(status_fd, "usage %d\n", EINVAL);
	_exit(128);
}

static long number(const char *text, int base) {
	char *end;
	errno = 0;
	long value = strtol(text, &end, base);
	if (errno || *end || end == text || value < 0)
		usage("bad number");
	return value;
}

static void mask(const char *path) {
	struct stat st;
	if (stat(path, &st) != 0)
		return; /* nothing to hide */
	int rc = S_ISDIR(st.st_mode)
		? mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=0")
		: mount("/dev/null", path, NULL, MS_BIND, NULL);
	if (rc != 0)
		fail("mask", errno);
}

static void readonly(const char *path) {
	if (access(path, F_OK) != 0)
		return;
	if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) != 0 ||
	    mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, NULL) != 0)
		fail("readonly", errno);
}

static int last_cap(void) {
	int last = 40; /* CAP_CHECKPOINT_RESTORE, the last one Linux 6.x knows */
	FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "r");
	if (f) {
		if (fscanf(f, "%d", &last) != 1)
			last = 40;
		fclose(f);
	}
	return last;
}

int main(int argc, char **argv) {
	int gate_fd = -1, mnt_fd = -1, no_new_privs = 0, ngroups = -1, ctty = 0;
	long uid = -1, gid = -1;
	unsigned long long caps = 0;
	int have_caps = 0;
	const char *proc = NULL, *root = NULL, *cwd = NULL, *cgroupns = NULL;
	const char *masks[MAX_PATHS], *readonlys[MAX_PATHS];
	int nmasks = 0, nreadonly = 0;
	gid_t groups[MAX_GROUPS];
	int i = 1;

	for (; i < argc; i++) {
		const char *opt = argv[i];
		if (strcmp(opt, "--") == 0) {
			i++;
			break;
		}
		if (i + 1 >= argc && strcmp(opt, "--no-new-privs") != 0 && strcmp(opt, "--ctty") != 0)
			usage("option without a value");
		if (strcmp(opt, "--status") == 0) {
			status_fd = (int)number(argv[++i], 10);
			if (fcntl(status_fd, F_SETFD, FD_CLOEXEC) != 0)
				usage("bad status descriptor");
		} else if (strcmp(opt, "--gate") == 0) {
			gate_fd = (int)number(argv[++i], 10);
		} else if (strcmp(opt, "--cgroupns") == 0) {
			cgroupns = argv[++i];
		} else if (strcmp(opt, "--join-mnt") == 0) {
			mnt_fd = (int)number(argv[++i], 10);
		} else if (strcmp(opt, "--proc") == 0) {
			proc = argv[++i];
		} else if (strcmp(opt, "--root") == 0) {
			root = argv[++i];
		} else if (strcmp(opt, "--mask") == 0 && nmasks < MAX_PATHS) {
			masks[nmasks++] = argv[++i];
		} else if (strcmp(opt, "--readonly") == 0 && nreadonly < MAX_PATHS) {
			readonlys[nreadonly++] = argv[++i];
		} else if (strcmp(opt, "--cwd") == 0) {
			cwd = argv[++i];
		} else if (strcmp(opt, "--caps") == 0) {
			caps = strtoull(argv[++i], NULL, 16);
			have_caps = 1;
		} else if (strcmp(opt, "--uid") == 0) {
			uid = number(argv[++i], 10);
		} else if (strcmp(opt, "--gid") == 0) {
			gid = number(argv[++i], 10);
		} else if (strcmp(opt, "--groups") == 0) {
			char *list = argv[++i], *save = NULL;
			ngroups = 0;
			for (char *g = strtok_r(list, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
				if (ngroups == MAX_GROUPS)
					usage("too many groups");
				groups[ngroups++] = (gid_t)number(g, 10);
			}
		} else if (strcmp(opt, "--no-new-privs") == 0) {
			no_new_privs = 1;
		} else if (strcmp(opt, "--ctty") == 0) {
			ctty = 1;
		} else {
			usage("unknown option");
		}
	}
	if (i >= argc)
		usage("no program after --");

	if (gate_fd >= 0) {
		char go;
		ssize_t n;
		do
			n = read(gate_fd, &go, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			fail("gate", n < 0 ? errno : 0);
		close(gate_fd);
	}
	if (cgroupns) {
		if (unshare(CLONE_NEWCGROUP) != 0)
			fail("cgroupns", errno);
		if (mount("cgroup2", cgroupns, "cgroup2", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
			fail("cgroupmount", errno);
	}
	if (mnt_fd >= 0) {
		if (setns(mnt_fd, CLONE_NEWNS) != 0)
			fail("setns", errno);
		close(mnt_fd);
	}
	if (proc && mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		fail("proc", errno);
	if (root) {
		if (chdir(root) != 0)
			fail("pivot", errno);
		if (syscall(SYS_pivot_root, ".", ".") != 0)
			fail("pivot", errno);
		if (umount2(".", MNT_DETACH) != 0)
			fail("pivot", errno);
		if (chdir("/") != 0)
			fail("pivot", errno);
	}
	for (int m = 0; m < nmasks; m++)
		mask(masks[m]);
	for (int r = 0; r < nreadonly; r++)
		readonly(readonlys[r]);
	if (cwd && chdir(cwd) != 0)
		fail("cwd", errno);
	if (ctty) {
		/* A container's payload is the shim's child, not yet a session leader; an exec is one already (EPERM). */
		if (setsid() < 0 && errno != EPERM)
			fail("ctty", errno);
		if (ioctl(0, TIOCSCTTY, 0) != 0)
			fail("ctty", errno);
	}

	if (have_caps) {
		int last = last_cap();
		for (int cap = 0; cap <= last; cap++)
			if (!(caps & (1ULL << cap)) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL)
				fail("caps", errno);
	}
	if (ngroups >= 0 && setgroups((size_t)ngroups, groups) != 0)
		fail("groups", errno);
	if (gid >= 0 && setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) != 0)
		fail("gid", errno);
	if (uid >= 0 && setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) != 0)
		fail("uid", errno);
	if (have_caps && (uid <= 0)) {
		struct __user_cap_header_struct header = {_LINUX_CAPABILITY_VERSION_3, 0};
		struct __user_cap_data_struct data[2];
		memset(data, 0, sizeof data);
		for (int w = 0; w < 2; w++) {
			__u32 word = (__u32)(caps >> (32 * w));
			data[w].effective = data[w].permitted = data[w].inheritable = word;
		}
		if (syscall(SYS_capset, &header, data) != 0)
			fail("capset", errno);
	}
	if (no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		fail("nnp", errno);

	execvp(argv[i], &argv[i]);
	fail("exec", errno);
	return 128;
}
