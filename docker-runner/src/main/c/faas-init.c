/*
 * faas-init: PID 1 of a function container started by the platform (docs/decisions/0006, 0008).
 *
 *   faas-init [--precall-cpu-ms=N] -- CMD [ARG...]
 *
 * Runs the function's command as its child and tells the platform, on the container's own
 * output, the moment that child has exited: Docker ends a container's attach only after it has
 * torn the container down (~30 ms later), and the platform should not wait for that to know the
 * output is complete.
 *
 *   stdout, before the child exists:  "\0faas-init:" TOKEN "\n"
 *   stderr, when the call's input came: "\0faas-call:" TOKEN ":" CPU_MS ":" F|R "\n"
 *   stdout and stderr, after it ended: "\0faas-exit:" TOKEN ":" CODE "\n"
 *
 * TOKEN is 32 hex digits from getrandom(2), known only to this process (it is not in argv or the
 * environment, and the process makes itself non-dumpable so that /proc/1/mem stays closed to a
 * function without CAP_SYS_PTRACE): a function cannot forge its marks. CODE is three decimal
 * digits: the exit status, or 128 + the signal that killed the child.
 *
 * Before the call (docs/decisions/0008): a pre-started container waits in the warm pool for its
 * input on stdin, outside any timeout. With --precall-cpu-ms, this process watches stdin without
 * consuming it (the child reads it) and the CPU the container has used since this process
 * started; past N ms it stops every other process of the container (kill(-1, SIGSTOP); PID 1 is
 * exempt) and waits for stdin alone. When stdin becomes readable (the input, or its end), it
 * resumes them and writes the call mark: CPU_MS, ten digits, is the CPU spent before the call,
 * F if the container was frozen, R if it ran freely. If the child exits before any call, or a
 * signal is forwarded to it, the watch ends without a mark.
 *
 * Like docker-init, which it replaces as PID 1: forwards the usual termination signals to the
 * child, reaps every orphan, and exits with the child's status. Built static, with no other
 * dependency, so that it runs in any image.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PRECALL_OPTION "--precall-cpu-ms="
/* Never sleep less between two looks at the CPU used: bounds this process's own cost. */
#define MIN_LOOK_MS 10
/* After a freeze, how soon to check that nothing escaped it (a process mid-fork, say). */
#define FREEZE_CHECK_MS 50
/* CPU growth after a freeze below this is this process's own reading of the counter. */
#define FREEZE_SLACK_NS 2000000LL

static volatile pid_t child = -1;
static volatile sig_atomic_t forwarded_signal;

static void forward(int sig) {
  if (child > 0) {
    kill(child, sig);
  }
  forwarded_signal = 1;
}

static void on_child(int sig) {
  (void)sig; /* only interrupts ppoll: the loop reaps */
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

/* ---- The CPU the container has used ---------------------------------------------------- */

enum cpu_source { CPU_PROC, CPU_CGROUP_V1, CPU_CGROUP_V2 };
static enum cpu_source cpu_source = CPU_PROC;
static int cpu_fd = -1;

static ssize_t read_at_start(int fd, char *buf, size_t size) {
  ssize_t n;
  do {
    n = pread(fd, buf, size - 1, 0);
  } while (n < 0 && errno == EINTR);
  buf[n > 0 ? n : 0] = '\0';
  return n;
}

/* True when the cgroup directory dir is this process's own: its cgroup.procs lists PID 1. */
static int own_cgroup(const char *dir) {
  char path[128];
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  char buf[4096];
  ssize_t n = read_at_start(fd, buf, sizeof buf);
  close(fd);
  if (n <= 0) {
    return 0;
  }
  for (char *line = buf; *line != '\0';) {
    if (line[0] == '1' && (line[1] == '\n' || line[1] == '\0')) {
      return 1;
    }
    char *next = strchr(line, '\n');
    if (next == NULL) {
      break;
    }
    line = next + 1;
  }
  return 0;
}

/*
 * Chooses where to read the container's CPU: its cgroup's counter when the container sees its
 * own cgroup (Docker mounts it at /sys/fs/cgroup), else the sum over /proc.
 */
static void open_cpu_source(void) {
  static const char *const v1_dirs[] = {"/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct"};
  for (size_t i = 0; i < sizeof v1_dirs / sizeof v1_dirs[0]; i++) {
    char path[128];
    snprintf(path, sizeof path, "%s/cpuacct.usage", v1_dirs[i]);
    if (own_cgroup(v1_dirs[i]) && (cpu_fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
      cpu_source = CPU_CGROUP_V1;
      return;
    }
  }
  if (own_cgroup("/sys/fs/cgroup")
      && (cpu_fd = open("/sys/fs/cgroup/cpu.stat", O_RDONLY | O_CLOEXEC)) >= 0) {
    cpu_source = CPU_CGROUP_V2;
    return;
  }
  cpu_source = CPU_PROC;
}

/*
 * The sum over live processes of their own and their reaped children's CPU: every process of
 * the container counted once, the ones already reaped through their reaper.
 */
static long long proc_cpu_ns(void) {
  static long ticks_per_second;
  if (ticks_per_second <= 0) {
    ticks_per_second = sysconf(_SC_CLK_TCK);
    if (ticks_per_second <= 0) {
      ticks_per_second = 100;
    }
  }
  DIR *proc = opendir("/proc");
  if (proc == NULL) {
    return -1;
  }
  unsigned long long ticks = 0;
  struct dirent *entry;
  while ((entry = readdir(proc)) != NULL) {
    if (entry->d_name[0] < '1' || entry->d_name[0] > '9') {
      continue;
    }
    char path[sizeof entry->d_name + 16];
    snprintf(path, sizeof path, "/proc/%s/stat", entry->d_name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      continue; /* gone meanwhile */
    }
    char buf[1024];
    ssize_t n = read_at_start(fd, buf, sizeof buf);
    close(fd);
    char *after_name = n > 0 ? strrchr(buf, ')') : NULL;
    if (after_name == NULL) {
      continue;
    }
    /* Fields 14-17 (utime stime cutime cstime) follow the name and fields 3-13. */
    char *field = after_name + 1;
    for (int skip = 0; skip < 11 && field != NULL; skip++) {
      field = strchr(field + 1, ' ');
    }
    for (int i = 0; i < 4 && field != NULL; i++) {
      char *end;
      long long value = strtoll(field + 1, &end, 10);
      if (end == field + 1) {
        break;
      }
      ticks += (unsigned long long)(value > 0 ? value : 0);
      field = *end == ' ' ? end : NULL;
    }
  }
  closedir(proc);
  return (long long)(ticks * (1000000000ULL / (unsigned long long)ticks_per_second));
}

/* The CPU, in nanoseconds, the container has used so far; -1 if it cannot be read. */
static long long container_cpu_ns(void) {
  char buf[512];
  switch (cpu_source) {
    case CPU_CGROUP_V1:
      if (read_at_start(cpu_fd, buf, sizeof buf) > 0) {
        return strtoll(buf, NULL, 10);
      }
      return -1;
    case CPU_CGROUP_V2:
      if (read_at_start(cpu_fd, buf, sizeof buf) > 0) {
        char *usage = strstr(buf, "usage_usec ");
        return usage == NULL ? -1 : strtoll(usage + 11, NULL, 10) * 1000;
      }
      return -1;
    default:
      return proc_cpu_ns();
  }
}

/* The container's CPU quota in whole CPUs (rounded up) from its own cgroup; 0 when none. */
static int quota_cpus(void) {
  char buf[128];
  long long quota = -1;
  long long period = 0;
  int fd;
  if (own_cgroup("/sys/fs/cgroup/cpu")
      && (fd = open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us", O_RDONLY | O_CLOEXEC)) >= 0) {
    if (read_at_start(fd, buf, sizeof buf) > 0) {
      quota = strtoll(buf, NULL, 10);
    }
    close(fd);
    if ((fd = open("/sys/fs/cgroup/cpu/cpu.cfs_period_us", O_RDONLY | O_CLOEXEC)) >= 0) {
      if (read_at_start(fd, buf, sizeof buf) > 0) {
        period = strtoll(buf, NULL, 10);
      }
      close(fd);
    }
  } else if (own_cgroup("/sys/fs/cgroup")
             && (fd = open("/sys/fs/cgroup/cpu.max", O_RDONLY | O_CLOEXEC)) >= 0) {
    if (read_at_start(fd, buf, sizeof buf) > 0 && strncmp(buf, "max", 3) != 0) {
      char *end;
      quota = strtoll(buf, &end, 10);
      period = strtoll(end, NULL, 10);
    }
    close(fd);
  }
  if (quota <= 0 || period <= 0) {
    return 0;
  }
  return (int)((quota + period - 1) / period);
}

/*
 * How many CPUs the container's processes can use at once, at most: how fast they can spend a
 * budget. Its quota when it has one, else the CPUs it may run on.
 */
static int usable_cpus(void) {
  int cpus = 0;
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    cpus = CPU_COUNT(&set);
  }
  if (cpus <= 0) {
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    cpus = online > 0 ? (int)online : 1;
  }
  int quota = quota_cpus();
  return quota > 0 && quota < cpus ? quota : cpus;
}

/* ---- Before the call ------------------------------------------------------------------ */

/* What the watch before the call saw. */
struct precall {
  int called;        /* stdin became readable: the call came */
  int frozen;        /* the container was frozen when it came */
  long long cpu_ns;  /* CPU used from this process's start until the call */
  int child_done;    /* the child was reaped during the watch */
  int child_status;  /* its wait status, if so */
};

static int stdin_ready(int timeout_ms, const sigset_t *mask) {
  struct pollfd fd = {.fd = 0, .events = POLLIN};
  struct timespec timeout;
  struct timespec *wait = NULL;
  if (timeout_ms >= 0) {
    timeout.tv_sec = timeout_ms / 1000;
    timeout.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    wait = &timeout;
  }
  /* POLLHUP, POLLERR or POLLNVAL come whatever the events asked: all mean "go on". */
  return ppoll(&fd, 1, wait, mask);
}

/*
 * Watches stdin and the CPU until the call comes, the child exits or a signal is forwarded,
 * freezing the container once it has spent budget_ns. SIGCHLD is blocked outside ppoll, which
 * unblocks it (mask), so that a child's exit is never missed between a reap and the wait.
 */
static struct precall watch_before_call(pid_t pid, long long baseline, long long budget_ns,
                                        const sigset_t *mask) {
  struct precall seen = {0};
  int cpus = usable_cpus();
  long long frozen_at = -1; /* CPU when last frozen; -1 while running */
  int settled = 0;          /* frozen, and checked that nothing escaped */
  for (;;) {
    int status;
    pid_t done;
    while ((done = waitpid(-1, &status, WNOHANG)) > 0) {
      if (done == pid) {
        seen.child_done = 1;
        seen.child_status = status;
      }
    }
    if (seen.child_done || forwarded_signal) {
      /* The input may have come just before: the child may have read it and answered. */
      seen.called = !forwarded_signal && stdin_ready(0, mask) > 0;
      break;
    }
    int timeout_ms;
    if (settled) {
      timeout_ms = -1;
    } else if (frozen_at >= 0) {
      timeout_ms = FREEZE_CHECK_MS;
    } else {
      long long used = container_cpu_ns();
      used = used < 0 ? 0 : used - baseline;
      long long left_ms = (budget_ns - used) / 1000000LL / cpus;
      timeout_ms = left_ms < MIN_LOOK_MS ? MIN_LOOK_MS : left_ms > 60000 ? 60000 : (int)left_ms;
    }
    int ready = stdin_ready(timeout_ms, mask);
    if (ready > 0) {
      seen.called = 1;
      break;
    }
    if (ready < 0) {
      if (errno == EINTR) {
        continue; /* a child changed state, or a signal was forwarded */
      }
      seen.called = 1; /* stdin unusable: nothing to wait for */
      break;
    }
    long long now = container_cpu_ns();
    if (now < 0) {
      continue; /* the counter cannot be read: nothing to enforce with */
    }
    now -= baseline;
    if (frozen_at < 0 ? now >= budget_ns : now - frozen_at > FREEZE_SLACK_NS) {
      kill(-1, SIGSTOP); /* every process but this one */
      frozen_at = now;
    } else if (frozen_at >= 0) {
      settled = 1;
    }
  }
  long long used = container_cpu_ns();
  seen.cpu_ns = used < 0 ? 0 : used - baseline;
  seen.frozen = frozen_at >= 0;
  if (seen.frozen) {
    kill(-1, SIGCONT);
  }
  return seen;
}

/* ---- Main ------------------------------------------------------------------------------ */

static int usage(void) {
  static const char text[] =
      "faas-init: usage: faas-init [--precall-cpu-ms=N] -- CMD [ARG...]\n"
      "       faas-init --hold\n";
  write_all(2, text, sizeof text - 1);
  return 127;
}

/*
 * --hold: a worker's lease on its engine (docs/decisions/0010). Reads stdin until its end and
 * exits 0 then: the worker keeps the stdin attach open for as long as its process lives, so the
 * container runs exactly as long as its worker does, and another worker on the same engine can
 * tell a dead worker's leftovers from a live one's containers.
 */
static int hold(void) {
  char buf[512];
  for (;;) {
    ssize_t n = read(0, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EINTR)) {
      return 0;
    }
  }
}

int main(int argc, char **argv) {
  long long budget_ms = -1;
  int first = 1;
  if (argc == 2 && strcmp(argv[1], "--hold") == 0) {
    return hold();
  }
  if (first < argc && strncmp(argv[first], PRECALL_OPTION, strlen(PRECALL_OPTION)) == 0) {
    char *end;
    budget_ms = strtoll(argv[first] + strlen(PRECALL_OPTION), &end, 10);
    if (*end != '\0' || budget_ms < 0) {
      return usage();
    }
    first++;
  }
  if (first < argc && strcmp(argv[first], "--") == 0) {
    first++;
  }
  if (first >= argc) {
    return usage();
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

  long long baseline = 0;
  if (budget_ms >= 0) {
    /* What the engine spent starting the container is not the function's. */
    open_cpu_source();
    baseline = container_cpu_ns();
    if (baseline < 0) {
      baseline = 0; /* unreadable now: then every later reading fails too, and nothing is enforced */
    }
  }

  static const int forwarded[] = {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
  struct sigaction action;
  memset(&action, 0, sizeof action);
  action.sa_handler = forward;
  sigemptyset(&action.sa_mask);
  for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++) {
    sigaction(forwarded[i], &action, NULL);
  }
  action.sa_handler = on_child;
  sigaction(SIGCHLD, &action, NULL);
  sigset_t with_sigchld;
  sigset_t original;
  sigemptyset(&with_sigchld);
  sigaddset(&with_sigchld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &with_sigchld, &original);

  pid_t pid = fork();
  if (pid < 0) {
    static const char nofork[] = "faas-init: fork failed\n";
    write_all(2, nofork, sizeof nofork - 1);
    return 127;
  }
  if (pid == 0) {
    /* The token leaves with this address space at exec; handlers reset to the default there,
     * the signal mask does not. */
    memset(token, 0, sizeof token);
    if (cpu_fd >= 0) {
      close(cpu_fd);
    }
    sigprocmask(SIG_SETMASK, &original, NULL);
    execvp(argv[first], argv + first);
    int failure = errno;
    fprintf(stderr, "faas-init: cannot run %s: %s\n", argv[first], strerror(failure));
    _exit(failure == ENOENT ? 127 : 126);
  }
  child = pid;

  int code = 127;
  int child_done = 0;
  int status = 0;
  if (budget_ms >= 0) {
    struct precall seen = watch_before_call(pid, baseline, budget_ms * 1000000LL, &original);
    if (seen.called) {
      long long cpu_ms = seen.cpu_ns / 1000000LL;
      char mark[80];
      int mark_len = snprintf(mark, sizeof mark, "%cfaas-call:%s:%010lld:%c\n", 0, token,
                              cpu_ms > 9999999999LL ? 9999999999LL : cpu_ms,
                              seen.frozen ? 'F' : 'R');
      write_all(2, mark, (size_t)mark_len); /* one write under PIPE_BUF: never interleaved */
    }
    child_done = seen.child_done;
    status = seen.child_status;
  }
  while (!child_done) {
    pid_t done = waitpid(-1, &status, 0);
    if (done < 0) {
      if (errno == EINTR) {
        continue;
      }
      break; /* no children left: cannot happen before the child's own exit */
    }
    if (done == pid) {
      child_done = 1;
    }
    /* Otherwise an orphan reparented to PID 1: reaped, nothing else. */
  }
  if (child_done) {
    code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  char trailer[80];
  int trailer_len = snprintf(trailer, sizeof trailer, "%cfaas-exit:%s:%03d\n", 0, token, code);
  write_all(1, trailer, (size_t)trailer_len);
  write_all(2, trailer, (size_t)trailer_len);
  return code;
}
