/* Test helper: "sysv-sem create KEY" makes a SysV semaphore set, "sysv-sem exists KEY" looks for it.
 * SysV IPC objects live in an IPC namespace: containers of one pod share them, other pods do not. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sem.h>

int main(int argc, char **argv) {
	if (argc != 3)
		return 2;
	key_t key = (key_t)atoi(argv[2]);
	if (strcmp(argv[1], "create") == 0) {
		if (semget(key, 1, IPC_CREAT | IPC_EXCL | 0600) < 0) {
			perror("semget");
			return 1;
		}
		puts("created");
		return 0;
	}
	puts(semget(key, 0, 0) < 0 ? "absent" : "present");
	return 0;
}
