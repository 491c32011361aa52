// SPDX-License-Identifier: Apache-2.0
// peak_rss OUT CMD [ARG...]: runs CMD and writes its peak resident set size in KiB to OUT;
// exits with CMD's status. Like GNU time's %M: the child is forked from this small program, so
// the pre-exec image that Linux counts in ru_maxrss is ~1 MiB, not the caller's (Python's).
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: peak_rss OUT CMD [ARG...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) return 2;
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) return 2;
    FILE* f = fopen(argv[1], "w");
    if (!f) return 2;
    fprintf(f, "%ld\n", ru.ru_maxrss);
    fclose(f);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
