/*
 * The attacker of the sandbox race test: swaps two paths atomically with
 * renameat2(RENAME_EXCHANGE), as fast as it can, for a bounded time, then prints
 * "<swaps> <seconds>" on stdout. Linux only (renameat2 appeared in 3.15).
 *
 *   swap-paths <path-a> <path-b> <seconds>
 *
 * It dies with its parent (PR_SET_PDEATHSIG), so a crashed test never leaves it running,
 * and it stops after an even number of swaps, so the paths end where they started.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int exchange(const char *a, const char *b) {
  return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE);
}

static double since(const struct timespec *start) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s <path-a> <path-b> <seconds>\n", argv[0]);
    return 2;
  }
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) return 3; /* the parent is already gone */
  const double seconds = atof(argv[3]);
  struct timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  unsigned long long swaps = 0;
  double elapsed = 0;
  while (elapsed < seconds) {
    /* An even batch between clock reads: cheap, and the paths end where they started. */
    for (int i = 0; i < 1024; i++) {
      if (exchange(argv[1], argv[2]) != 0) {
        perror("renameat2(RENAME_EXCHANGE)");
        return 1;
      }
    }
    swaps += 1024;
    elapsed = since(&start);
  }
  printf("%llu %.3f\n", swaps, elapsed);
  return 0;
}
