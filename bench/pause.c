/*
 * pause: sleeps until a signal ends it. containerd's sandbox image for the CRI benchmark, built
 * here (the machine reaches no image registry), the same job as Kubernetes' pause image.
 */
#include <unistd.h>

int main(void) {
	for (;;)
		pause();
}
