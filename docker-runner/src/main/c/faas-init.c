/*
 * faas-init: PID 1 of a function container started by the platform (docs/decisions/0006).
 *
 * Runs the function's command as its child and tells the platform, on the container's own
 * output, the moment that child has exited: Docker ends a container's attach only after it has
 * torn the container down (~30 ms later), and the platform should not wait for that to know the
 * output is complete.
 *
 *   stdout, before the child exists:  "\0faas-init:" TOKEN "\n"
 *   stdout and stderr, after it ended: "\0faas-exit:" TOKEN ":" CODE "\n"
 *
 * TOKEN is 32 hex digits from getrandom(2), known only to this process (it is not in argv or the
 * environment, and the process makes itself non-dumpable so that /proc/1/mem stays closed to a
 * function without CAP_SYS_PTRACE): a function cannot forge the end of its own output. CODE is
 * three decimal digits: the exit status, or 128 + the signal that killed the child.
 *
 * Like docker-init, which it replaces as PID 1: forwards the usual termination signals to the
 * child, reaps every orphan, and exits with the child's status. Built static, with no other
 * dependency, so that it runs in any image.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child = -1;

static void forward(int sig) {
  if (child > 0) {
    kill(child, sig);
  }
}

static void write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return; /* nobody reads it: nothing better to do */
    }
    buf += n;
    len -= (size_t)n;
  }
}

static int random_token(char out[33]) {
  unsigned char raw[16];
  size_t got = 0;
  while (got < sizeof raw) {
    ssize_t n = getrandom(raw + got, sizeof raw - got, 0);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return -1;
    }
    got += (size_t)n;
  }
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < sizeof raw; i++) {
    out[2 * i] = hex[raw[i] >> 4];
    out[2 * i + 1] = hex[raw[i] & 15];
  }
  out[32] = '\0';
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    static const char usage[] = "faas-init: no command to run\n";
    write_all(2, usage, sizeof usage - 1);
    return 127;
  }
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  char token[33];
  if (random_token(token) != 0) {
    static const char norandom[] = "faas-init: getrandom failed\n";
    write_all(2, norandom, sizeof norandom - 1);
    return 127;
  }
  char header[64];
  int header_len = snprintf(header, sizeof header, "%cfaas-init:%s\n", 0, token);
  write_all(1, header, (size_t)header_len);

  static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
    sigaction(forwarded[i], &action, NULL);
  }

  pid_t pid = fork();
  if (pid < 0) {
    static const char nofork[] = "faas-init: fork failed\n";
    write_all(2, nofork, sizeof nofork - 1);
    return 127;
  }
  if (pid == 0) {
    /* The token leaves with this address space at exec; handlers reset to the default there. */
    memset(token, 0, sizeof token);
    execvp(argv[1], argv + 1);
    int failure = errno;
    fprintf(stderr, "faas-init: cannot run %s: %s\n", argv[1], strerror(failure));
    _exit(failure == ENOENT ? 127 : 126);
  }
  child = pid;

  int code = 127;
  for (;;) {
    int status;
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) {
        continue;
      }
      break; /* no children left: cannot happen before the child's own exit */
    }
    if (done == pid) {
      code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    /* An orphan reparented to PID 1: reaped, nothing else. */
  }
  char trailer[80];
  int trailer_len = snprintf(trailer, sizeof trailer, "%cfaas-exit:%s:%03d\n", 0, token, code);
  write_all(1, trailer, (size_t)trailer_len);
  write_all(2, trailer, (size_t)trailer_len);
  return code;
}
