/*
 * stamp FILE PROGRAM ARG...: writes CLOCK_REALTIME in nanoseconds to FILE, then execs PROGRAM.
 * The benchmark's app containers start with it, so "the app runs" is read off the app itself, the
 * same way for every runtime, instead of off each runtime's own status report.
 */
#include <fcntl.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (argc < 3)
		return 2;
	char text[32];
	int n = snprintf(text, sizeof text, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || write(fd, text, n) != n || close(fd) != 0)
		return 1;
	execv(argv[2], argv + 2);
	return 127;
}
