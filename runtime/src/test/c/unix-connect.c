/* Test helper: "unix-connect PATH" connects to a unix socket and prints "connected" or the errno name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv) {
	if (argc != 2)
		return 2;
	struct sockaddr_un addr = {.sun_family = AF_UNIX};
	strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0) {
		puts("connected");
		return 0;
	}
	puts(errno == EACCES ? "EACCES" : strerror(errno));
	return 1;
}
