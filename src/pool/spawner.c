/*
 * lwt-spawner: a small, long-lived process that starts commands for lwt, so that lwt's own
 * large process never forks. Node 20's libuv forks the whole Node process for every child,
 * and the copy of its page tables made fork(2) three quarters of `lwt run`'s time. This
 * process is a few hundred kilobytes, and posix_spawn (vfork-based in glibc) copies nothing.
 * A perl version of it spent 0.7 ms of its own CPU a command, this one a tenth of that.
 *
 * Built by `npm run build` into dist/pool/lwt-spawner when there is a C compiler; without it
 * lwt spawns from Node (src/pool/default-launcher.ts). The client is src/pool/spawner.ts.
 *
 * It reads requests on stdin and writes events on stdout, each a header line, some followed
 * by a payload of the length the header gives:
 *
 *   in:  S <id> <cwd bytes> <env bytes or -> <command bytes>\n<cwd><env><command>
 *          start /bin/sh -c <command> in a session of its own, stdin from /dev/null; env is
 *          NUL-separated NAME=value pairs, or - to pass this process's on; an empty cwd
 *          means this process's
 *        D <id>\n     stop reading the command's pipes (a process that escaped holds them)
 *   out: P <id> <pid>\n            started
 *        O <id> <n>\n<bytes>       output on stdout; E is the same for stderr
 *        X <id> <wait status>\n    reaped, with the raw wait(2) status
 *        C <id>\n                  both pipes closed (or dropped); the command is done once
 *                                  X and C have both come
 *        F <id> <n>\n<message>     could not start; nothing else comes for this id
 *
 * On EOF on stdin (lwt ended, even by SIGKILL) or when lwt can no longer be written to, it
 * TERMs every command not reaped yet, KILLs them two seconds later and exits: what lwt
 * started never outlives it unnoticed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct job {
  char id[24];
  pid_t pid;
  int fd[2]; /* stdout, stderr read ends; -1 once closed */
  int reaped;
};

static struct job *jobs;
static size_t njobs, capjobs;
static int wake[2];
static char *in;
static size_t inlen, incap;

static void shutdown_all(void);

/* Writes all of the buffers to lwt, or gives up on lwt. */
static void emit(const char *head, const char *data, size_t n) {
  struct iovec iov[2] = {{(void *)head, strlen(head)}, {(void *)data, n}};
  int cnt = n > 0 ? 2 : 1;
  struct iovec *v = iov;
  while (cnt > 0) {
    ssize_t w = writev(1, v, cnt);
    if (w < 0) {
      if (errno == EINTR) continue;
      shutdown_all();
    }
    while (cnt > 0 && (size_t)w >= v->iov_len) {
      w -= v->iov_len;
      v++;
      cnt--;
    }
    if (cnt > 0) {
      v->iov_base = (char *)v->iov_base + w;
      v->iov_len -= w;
    }
  }
}

static void emitf(const char *data, size_t n, const char *fmt, ...) {
  char head[96];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(head, sizeof head, fmt, ap);
  va_end(ap);
  emit(head, data, n);
}

static void remove_job(size_t i) {
  jobs[i] = jobs[--njobs];
}

static void close_pipe(size_t i, int which) {
  struct job *j = &jobs[i];
  if (j->fd[which] < 0) return;
  close(j->fd[which]);
  j->fd[which] = -1;
  if (j->fd[0] < 0 && j->fd[1] < 0) {
    emitf(NULL, 0, "C %s\n", j->id);
    if (j->reaped) remove_job(i);
  }
}

static void on_child(int sig) {
  (void)sig;
  int saved = errno;
  ssize_t ignored = write(wake[1], "c", 1);
  (void)ignored;
  errno = saved;
}

static void reap(void) {
  char drain[256];
  while (read(wake[0], drain, sizeof drain) > 0) {
  }
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    for (size_t i = 0; i < njobs; i++) {
      if (jobs[i].pid != pid) continue;
      emitf(NULL, 0, "X %s %d\n", jobs[i].id, status);
      jobs[i].reaped = 1;
      if (jobs[i].fd[0] < 0 && jobs[i].fd[1] < 0) remove_job(i);
      break;
    }
  }
}

static void shutdown_all(void) {
  int live = 0;
  for (size_t i = 0; i < njobs; i++) {
    if (jobs[i].reaped) continue;
    kill(jobs[i].pid, SIGTERM);
    kill(-jobs[i].pid, SIGTERM);
    live = 1;
  }
  if (live) {
    sleep(2);
    for (size_t i = 0; i < njobs; i++) {
      if (jobs[i].reaped) continue;
      kill(jobs[i].pid, SIGKILL);
      kill(-jobs[i].pid, SIGKILL);
    }
  }
  _exit(0);
}

static void fail(const char *id, const char *why) {
  emitf(why, strlen(why), "F %s %zu\n", id, strlen(why));
}

/* The NUL-separated NAME=value list as an envp (pointing into env, which gets terminated). */
static char **env_list(char *env, size_t n) {
  size_t count = 0;
  for (size_t k = 0; k < n; k++)
    if (env[k] == '\0') count++;
  char **list = calloc(count + 2, sizeof *list);
  if (!list) return NULL;
  size_t at = 0, c = 0;
  for (size_t k = 0; k <= n; k++) {
    if (k == n || env[k] == '\0') {
      if (k > at) list[c++] = env + at;
      at = k + 1;
    }
  }
  return list;
}

static void start(const char *id, char *cwd, char *env, int has_env, size_t envlen, char *cmd) {
  int out[2], err[2];
  if (pipe2(out, O_CLOEXEC) < 0) return fail(id, strerror(errno));
  if (pipe2(err, O_CLOEXEC) < 0) {
    int e = errno;
    close(out[0]);
    close(out[1]);
    return fail(id, strerror(e));
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  if (*cwd) posix_spawn_file_actions_addchdir_np(&actions, cwd);
  posix_spawnattr_init(&attr);
  /* A session of its own; signals as Node gives its children: none blocked, none ignored. */
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK |
                                      POSIX_SPAWN_SETSIGDEF);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  char **envp = has_env ? env_list(env, envlen) : environ;
  char *argv[] = {"sh", "-c", cmd, NULL};
  pid_t pid;
  int e = envp ? posix_spawn(&pid, "/bin/sh", &actions, &attr, argv, envp) : ENOMEM;
  if (has_env) free(envp);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  close(out[1]);
  close(err[1]);
  if (e != 0) {
    close(out[0]);
    close(err[0]);
    /* posix_spawn says ENOENT for a missing folder and a missing /bin/sh alike: tell them apart. */
    struct stat st;
    int dir_error = 0;
    if (*cwd) dir_error = stat(cwd, &st) < 0 ? errno : !S_ISDIR(st.st_mode) ? ENOTDIR : 0;
    char why[4200];
    if (dir_error)
      snprintf(why, sizeof why, "cannot enter %s: %s", cwd, strerror(dir_error));
    else
      snprintf(why, sizeof why, "%s", strerror(e));
    return fail(id, why);
  }
  if (njobs == capjobs) {
    capjobs = capjobs ? capjobs * 2 : 64;
    jobs = realloc(jobs, capjobs * sizeof *jobs);
    if (!jobs) abort();
  }
  struct job *j = &jobs[njobs++];
  snprintf(j->id, sizeof j->id, "%s", id);
  j->pid = pid;
  j->fd[0] = out[0];
  j->fd[1] = err[0];
  j->reaped = 0;
  emitf(NULL, 0, "P %s %d\n", id, (int)pid);
}

/* Handles every complete request in the input buffer; keeps a partial one for later. */
static void requests(void) {
  size_t at = 0;
  for (;;) {
    char *nl = memchr(in + at, '\n', inlen - at);
    if (!nl) break;
    *nl = '\0';
    char *line = in + at;
    size_t body = (size_t)(nl - in) + 1;
    char id[24];
    if (line[0] == 'S') {
      size_t cwdn, envn = 0, cmdn;
      char envtext[24];
      if (sscanf(line, "S %23s %zu %23s %zu", id, &cwdn, envtext, &cmdn) != 4) abort();
      int has_env = strcmp(envtext, "-") != 0;
      if (has_env) envn = strtoul(envtext, NULL, 10);
      size_t need = cwdn + envn + cmdn;
      if (inlen - body < need) {
        *nl = '\n';
        break;
      }
      /* Copies with room for the terminating NULs the strings need. */
      char *cwd = strndup(in + body, cwdn);
      char *env = malloc(envn + 1);
      char *cmd = strndup(in + body + cwdn + envn, cmdn);
      if (!cwd || !env || !cmd) abort();
      memcpy(env, in + body + cwdn, envn);
      env[envn] = '\0';
      start(id, cwd, env, has_env, envn, cmd);
      free(cwd);
      free(env);
      free(cmd);
      at = body + need;
    } else if (line[0] == 'D') {
      if (sscanf(line, "D %23s", id) != 1) abort();
      at = body;
      for (size_t i = 0; i < njobs; i++) {
        if (strcmp(jobs[i].id, id) != 0) continue;
        /* close_pipe may remove the job: look it up again for the second pipe. */
        close_pipe(i, 0);
        for (size_t k = 0; k < njobs; k++)
          if (strcmp(jobs[k].id, id) == 0) close_pipe(k, 1);
        break;
      }
    } else {
      abort(); /* Not lwt talking to us. */
    }
  }
  memmove(in, in + at, inlen - at);
  inlen -= at;
}

int main(void) {
  if (pipe2(wake, O_CLOEXEC | O_NONBLOCK) < 0) return 1;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_child;
  sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, NULL);
  /* A write to a dead lwt must fail (EPIPE) and lead to the cleanup, not kill us silently. */
  signal(SIGPIPE, SIG_IGN);

  struct pollfd *fds = NULL;
  size_t *owner = NULL; /* fds[k] belongs to jobs[owner[k] / 2], pipe owner[k] % 2 */
  size_t capfds = 0;
  static char buf[65536];
  for (;;) {
    size_t need = 2 + 2 * njobs;
    if (need > capfds) {
      capfds = need * 2;
      fds = realloc(fds, capfds * sizeof *fds);
      owner = realloc(owner, capfds * sizeof *owner);
      if (!fds || !owner) abort();
    }
    size_t n = 0;
    fds[n++] = (struct pollfd){.fd = 0, .events = POLLIN};
    fds[n++] = (struct pollfd){.fd = wake[0], .events = POLLIN};
    for (size_t i = 0; i < njobs; i++)
      for (int w = 0; w < 2; w++)
        if (jobs[i].fd[w] >= 0) {
          owner[n] = i * 2 + w;
          fds[n++] = (struct pollfd){.fd = jobs[i].fd[w], .events = POLLIN};
        }
    if (poll(fds, n, -1) < 0) continue;
    if (fds[1].revents) reap();
    /* Job pipes before requests: the job list shrinks as they close, so go from the end. */
    for (size_t k = n; k-- > 2;) {
      if (!fds[k].revents) continue;
      size_t i = owner[k] / 2;
      int w = (int)(owner[k] % 2);
      if (i >= njobs || jobs[i].fd[w] != fds[k].fd) continue;
      ssize_t r = read(fds[k].fd, buf, sizeof buf);
      if (r > 0)
        emitf(buf, (size_t)r, "%c %s %zd\n", w == 0 ? 'O' : 'E', jobs[i].id, r);
      else if (r == 0 || (errno != EINTR && errno != EAGAIN))
        close_pipe(i, w);
    }
    if (fds[0].revents) {
      if (incap - inlen < 65536) {
        incap = incap ? incap * 2 : 131072;
        in = realloc(in, incap);
        if (!in) abort();
      }
      ssize_t r = read(0, in + inlen, incap - inlen);
      if (r == 0 || (r < 0 && errno != EINTR)) shutdown_all();
      if (r > 0) {
        inlen += (size_t)r;
        requests();
      }
    }
  }
}
