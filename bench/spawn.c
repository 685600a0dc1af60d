/* bench/spawn.c — run one command, report its wall time and peak RSS.
 *
 *   spawn RESULTFILE COMMAND [ARG...]   → RESULTFILE gets "<nanoseconds> <maxrss KiB>"; exit code is the command's.
 *
 * Why not os.wait4 in Python: Linux charges a child's ru_maxrss with the memory of the process
 * it was forked from (the pre-exec image), so a child of a 20 MB Python never reports less than
 * 20 MB. Forked from this tiny launcher, the command's own peak shows (as with /usr/bin/time). */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 3) { fprintf(stderr, "usage: spawn RESULTFILE COMMAND [ARG...]\n"); return 64; }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 71; }
    if (pid == 0) { execvp(argv[2], argv + 2); perror(argv[2]); _exit(127); }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 71; }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    long long ns = (long long)(t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    FILE *f = fopen(argv[1], "w");
    if (!f) { perror(argv[1]); return 71; }
    fprintf(f, "%lld %ld\n", ns, ru.ru_maxrss);
    fclose(f);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}
