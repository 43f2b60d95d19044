/*
 * bench/loadgen.c: the load client of `npm run bench:static`, compiled with the system's C
 * compiler when the harness starts (bench/loadgen.ts). One thread, epoll, N connections, each
 * sending `GET PATH HTTP/1.1` and reading the whole answer; a connection the answer does not
 * keep open (HTTP/1.0 without keep-alive, Connection: close) is closed and opened again, as
 * wrk does. Why not wrk: it reads in 8 KiB pieces, and a 1 MiB answer costs it about 860 us of
 * its own CPU on this kind of VM, so one wrk thread tops out near 1.2 GB/s whatever the server
 * does. This client reads up to 1 MiB per read(2) into one buffer it never copies out of.
 *
 * Usage: loadgen HOST PORT PATH CONNECTIONS SECONDS [EXPECTED_BODY_BYTES]
 * Prints one line: requests=N bytes=N errors=N seconds=S cpu=S (this process's user+system).
 * An answer counts when its status is 200 and, given EXPECTED_BODY_BYTES, its body has that
 * many bytes; anything else (another status, a short body, a reset) counts as an error.
 * Loopback only, bounded in time; nothing else is read or written.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_SIZE (1 << 20)
#define HEAD_MAX 8192

enum state { CONNECTING, HEAD, BODY, UNTIL_EOF };

struct conn {
  int fd;
  enum state state;
  char head[HEAD_MAX];
  size_t head_len;
  long long remaining; /* body bytes still to come (BODY) */
  long long body_seen; /* body bytes read so far (UNTIL_EOF, BODY) */
  int keep_alive;
  int status;
};

static struct sockaddr_in addr;
static char request[1024];
static size_t request_len;
static long long expected = -1;
static long long requests, bytes, errors;
static int ep;
static unsigned char *buffer;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void fail(const char *what) {
  perror(what);
  exit(2);
}

/* Open the connection and send the request (on loopback the connect completes at once; if
 * not, the write waits for EPOLLOUT). */
static void open_conn(struct conn *c) {
  c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) fail("socket");
  c->head_len = 0;
  c->remaining = 0;
  c->body_seen = 0;
  c->status = 0;
  c->keep_alive = 0;
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
  if (connect(c->fd, (struct sockaddr *)&addr, sizeof addr) < 0 && errno != EINPROGRESS) {
    errors++;
    close(c->fd);
    c->fd = -1;
    return;
  }
  ssize_t n = write(c->fd, request, request_len);
  if (n == (ssize_t)request_len) {
    c->state = HEAD;
  } else {
    c->state = CONNECTING;
    ev.events = EPOLLOUT;
  }
  if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) fail("epoll_ctl");
}

static void close_conn(struct conn *c) {
  close(c->fd); /* also leaves the epoll set */
  c->fd = -1;
}

/* The answer is complete: count it, then ask again on this connection or a new one. */
static void done(struct conn *c) {
  if (c->status == 200 && (expected < 0 || c->body_seen == expected)) requests++;
  else errors++;
  if (c->keep_alive) {
    c->head_len = 0;
    c->body_seen = 0;
    c->status = 0;
    c->state = HEAD;
    if (write(c->fd, request, request_len) == (ssize_t)request_len) return;
    errors++;
  }
  close_conn(c);
  open_conn(c);
}

/* Parse the head in c->head[0..end): status, Content-Length, whether the connection stays. */
static void parse_head(struct conn *c, size_t end) {
  char *p = c->head;
  c->head[end] = 0;
  int http11 = strncmp(p, "HTTP/1.1 ", 9) == 0;
  c->status = atoi(p + 9);
  long long length = -1;
  int close_hdr = 0, keep_hdr = 0;
  for (char *line = strstr(p, "\r\n"); line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
    char *name = line + 2;
    if (strncasecmp(name, "Content-Length:", 15) == 0) length = atoll(name + 15);
    else if (strncasecmp(name, "Connection:", 11) == 0) {
      char *v = name + 11;
      while (*v == ' ') v++;
      if (strncasecmp(v, "close", 5) == 0) close_hdr = 1;
      if (strncasecmp(v, "keep-alive", 10) == 0) keep_hdr = 1;
    }
  }
  c->keep_alive = length >= 0 && (http11 ? !close_hdr : keep_hdr);
  if (length >= 0) {
    c->state = BODY;
    c->remaining = length;
  } else {
    c->state = UNTIL_EOF;
  }
}

/* Body bytes arrived (n of them). */
static void body(struct conn *c, long long n) {
  c->body_seen += n;
  if (c->state == BODY) {
    c->remaining -= n;
    if (c->remaining <= 0) {
      if (c->remaining < 0) c->status = -1; /* more than announced */
      done(c);
    }
  }
}

static void readable(struct conn *c) {
  ssize_t n = read(c->fd, buffer, READ_SIZE);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n <= 0) {
    if (c->state == UNTIL_EOF && n == 0) {
      done(c);
      return;
    }
    errors++;
    close_conn(c);
    open_conn(c);
    return;
  }
  bytes += n;
  if (c->state == HEAD) {
    size_t take = (size_t)n < HEAD_MAX - 1 - c->head_len ? (size_t)n : HEAD_MAX - 1 - c->head_len;
    memcpy(c->head + c->head_len, buffer, take);
    size_t from = c->head_len > 3 ? c->head_len - 3 : 0;
    c->head_len += take;
    char *end = memmem(c->head + from, c->head_len - from, "\r\n\r\n", 4);
    if (end == NULL) {
      if (c->head_len == HEAD_MAX - 1) {
        errors++;
        close_conn(c);
        open_conn(c);
      }
      return;
    }
    size_t head_end = (size_t)(end - c->head) + 4;
    size_t rest = c->head_len - head_end; /* body bytes in this read */
    parse_head(c, head_end);
    if (c->state == BODY && c->remaining == 0) {
      done(c);
      return;
    }
    /* bytes of this read past the part copied into head[] count as body too */
    body(c, (long long)rest + (long long)((size_t)n - take));
    return;
  }
  body(c, n);
}

static void writable(struct conn *c) {
  int err = 0;
  socklen_t len = sizeof err;
  getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0 || write(c->fd, request, request_len) != (ssize_t)request_len) {
    errors++;
    close_conn(c);
    open_conn(c);
    return;
  }
  c->state = HEAD;
  struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
  epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: loadgen HOST PORT PATH CONNECTIONS SECONDS [EXPECTED_BODY_BYTES]\n");
    return 2;
  }
  signal(SIGPIPE, SIG_IGN); /* a peer that resets is an error counted, not the end of the run */
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)atoi(argv[2]));
  if (inet_pton(AF_INET, argv[1], &addr.sin_addr) != 1) fail("inet_pton");
  int n_conns = atoi(argv[4]);
  double seconds = atof(argv[5]);
  if (argc > 6) expected = atoll(argv[6]);
  request_len = (size_t)snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s:%s\r\n\r\n", argv[3], argv[1], argv[2]);
  buffer = malloc(READ_SIZE);
  struct conn *conns = calloc((size_t)n_conns, sizeof *conns);
  if (buffer == NULL || conns == NULL) fail("malloc");
  ep = epoll_create1(EPOLL_CLOEXEC);
  if (ep < 0) fail("epoll_create1");

  double start = now(), stop = start + seconds;
  for (int i = 0; i < n_conns; i++) open_conn(&conns[i]);
  struct epoll_event events[256];
  double t;
  while ((t = now()) < stop) {
    int timeout = (int)((stop - t) * 1000) + 1;
    int k = epoll_wait(ep, events, 256, timeout);
    if (k < 0 && errno != EINTR) fail("epoll_wait");
    for (int i = 0; i < k; i++) {
      struct conn *c = events[i].data.ptr;
      if (c->fd < 0) continue;
      if (c->state == CONNECTING) writable(c);
      else readable(c);
    }
  }
  double elapsed = now() - start;
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  printf("requests=%lld bytes=%lld errors=%lld seconds=%.3f cpu=%.3f\n", requests, bytes, errors, elapsed, cpu);
  return 0;
}
