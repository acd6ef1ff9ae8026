/* A closed-loop echo load client in C: the cheapest client this machine can run, so that on 2 cores the server under
 * test, not the client, decides the figure. Each connection sends SIZE bytes, waits for all of them back, records the
 * round trip, and sends again; one thread drives every connection through one epoll set (level-triggered).
 *
 *   echo_client --target tcp:127.0.0.1:9999 --connections 16 --size 32 --warmup 2 --duration 3 [--server-pid PID]
 *   echo_client --target unix:/tmp/echo.sock ...       echo_client --target udp:127.0.0.1:9999 ...
 *
 * Prints one JSON line with the same fields as bench/LoadGenerator's echo scenario (scenario, connections, size,
 * pipeline, requests, seconds, rps, p50_us, p99_us), plus server_cpu_s and client_cpu_s (CPU seconds used in the
 * window) and, for UDP, resent (datagrams sent again after 200 ms without a reply; a sequence number in each datagram
 * discards a late copy). Exits 1 with a message on stderr if the server stops answering. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_LATENCY_US 1000000 /* a round trip above 1 s is counted as 1 s */
#define UDP_RESEND_NS 200000000LL

enum kind { TCP, UNIX_STREAM, UDP };

struct connection {
    int fd;
    uint64_t sequence;   /* the request in flight, written into its first 8 bytes */
    int64_t sent_ns;     /* when it was (last) sent */
    size_t received;     /* bytes of its reply received so far (streams) */
};

static enum kind kind;
static struct sockaddr_storage address;
static socklen_t address_length;
static size_t size = 32;
static uint64_t latency[MAX_LATENCY_US + 1];

static void fail(const char *what) {
    fprintf(stderr, "echo_client: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* CPU seconds a process used: /proc/PID/stat fields 14 and 15 (user and system clock ticks); 0 without a pid. */
static double process_cpu(int pid) {
    if (pid <= 0) return 0;
    char path[64], line[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    FILE *file = fopen(path, "r");
    if (!file) return 0;
    size_t n = fread(line, 1, sizeof line - 1, file);
    fclose(file);
    line[n] = 0;
    char *after_name = strrchr(line, ')'); /* the command name may hold spaces */
    unsigned long user = 0, system = 0;
    if (!after_name || sscanf(after_name + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user, &system) != 2) return 0;
    return (double)(user + system) / (double)sysconf(_SC_CLK_TCK);
}

static double own_cpu(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static void parse_target(const char *target) {
    memset(&address, 0, sizeof address);
    if (strncmp(target, "unix:", 5) == 0) {
        struct sockaddr_un *un = (struct sockaddr_un *)&address;
        un->sun_family = AF_UNIX;
        if (strlen(target + 5) >= sizeof un->sun_path) { fprintf(stderr, "echo_client: socket path too long\n"); exit(2); }
        strcpy(un->sun_path, target + 5);
        address_length = sizeof *un;
        kind = UNIX_STREAM;
        return;
    }
    const char *colon = strchr(target, ':');
    const char *last = strrchr(target, ':');
    if (!colon || colon == last) { fprintf(stderr, "echo_client: --target tcp:HOST:PORT, udp:HOST:PORT or unix:PATH\n"); exit(2); }
    kind = strncmp(target, "udp:", 4) == 0 ? UDP : TCP;
    char host[256];
    size_t host_length = (size_t)(last - colon - 1);
    if (host_length >= sizeof host) host_length = sizeof host - 1;
    memcpy(host, colon + 1, host_length);
    host[host_length] = 0;
    struct addrinfo hints = {0}, *found;
    hints.ai_socktype = kind == UDP ? SOCK_DGRAM : SOCK_STREAM;
    if (getaddrinfo(host, last + 1, &hints, &found) != 0) { fprintf(stderr, "echo_client: cannot resolve %s\n", host); exit(2); }
    memcpy(&address, found->ai_addr, found->ai_addrlen);
    address_length = found->ai_addrlen;
    freeaddrinfo(found);
}

static int open_connection(void) {
    int fd = socket(address.ss_family, kind == UDP ? SOCK_DGRAM : SOCK_STREAM, 0);
    if (fd < 0) fail("socket");
    if (connect(fd, (struct sockaddr *)&address, address_length) < 0) fail("connect");
    if (kind == TCP) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    return fd;
}

static void send_request(struct connection *c, unsigned char *buffer) {
    memcpy(buffer, &c->sequence, sizeof c->sequence);
    c->sent_ns = now_ns();
    c->received = 0;
    size_t sent = 0;
    while (sent < size) { /* 32 bytes fit any socket buffer: this loop runs once */
        ssize_t n = send(c->fd, buffer + sent, size - sent, MSG_NOSIGNAL);
        if (n < 0) { if (errno == EINTR) continue; fail("send"); }
        sent += (size_t)n;
    }
}

/* Reads what is there; returns 1 when the reply to the request in flight is complete. */
static int receive_reply(struct connection *c, unsigned char *buffer) {
    if (kind == UDP) {
        ssize_t n = recv(c->fd, buffer, size, MSG_DONTWAIT);
        if (n < 0) { if (errno == EAGAIN || errno == EINTR) return 0; fail("recv"); }
        uint64_t sequence;
        memcpy(&sequence, buffer, sizeof sequence);
        return (size_t)n == size && sequence == c->sequence; /* a late copy of an earlier request is dropped */
    }
    ssize_t n = recv(c->fd, buffer, size - c->received, MSG_DONTWAIT);
    if (n < 0) { if (errno == EAGAIN || errno == EINTR) return 0; fail("recv"); }
    if (n == 0) { errno = ECONNRESET; fail("the server closed a connection"); }
    c->received += (size_t)n;
    return c->received == size;
}

static uint64_t percentile(uint64_t total, double p) {
    uint64_t rank = (uint64_t)(total * p / 100.0 + 0.5), seen = 0;
    if (rank == 0) rank = 1;
    for (uint64_t us = 0; us <= MAX_LATENCY_US; us++) {
        seen += latency[us];
        if (seen >= rank) return us;
    }
    return MAX_LATENCY_US;
}

int main(int argc, char **argv) {
    const char *target = NULL;
    int connections = 1, server_pid = 0;
    double warmup = 2, duration = 3;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--target")) target = argv[i + 1];
        else if (!strcmp(argv[i], "--connections")) connections = atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--size")) size = (size_t)atoi(argv[i + 1]);
        else if (!strcmp(argv[i], "--warmup")) warmup = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--duration")) duration = atof(argv[i + 1]);
        else if (!strcmp(argv[i], "--server-pid")) server_pid = atoi(argv[i + 1]);
        else { fprintf(stderr, "echo_client: unknown option %s\n", argv[i]); return 2; }
    }
    if (!target || connections < 1 || connections > 100000 || size < 8 || size > 65536 || duration <= 0 || warmup < 0) {
        fprintf(stderr, "usage: echo_client --target tcp:HOST:PORT|udp:HOST:PORT|unix:PATH --connections N --size BYTES(8-65536) "
                        "--warmup SECONDS --duration SECONDS [--server-pid PID]\n");
        return 2;
    }
    parse_target(target);

    struct connection *all = calloc((size_t)connections, sizeof *all);
    unsigned char *buffer = malloc(size);
    if (!all || !buffer) fail("malloc");
    memset(buffer, 'x', size);
    int epoll = epoll_create1(0);
    if (epoll < 0) fail("epoll_create1");
    for (int i = 0; i < connections; i++) {
        all[i].fd = open_connection();
        struct epoll_event event = {.events = EPOLLIN, .data.u32 = (uint32_t)i};
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, all[i].fd, &event) < 0) fail("epoll_ctl");
    }
    for (int i = 0; i < connections; i++) send_request(&all[i], buffer);

    int64_t started = now_ns(), window_start = started + (int64_t)(warmup * 1e9), window_end = window_start + (int64_t)(duration * 1e9);
    int64_t last_reply = started;
    double server_cpu_start = 0, client_cpu_start = 0, server_cpu_end = 0, client_cpu_end = 0;
    int recording = 0;
    uint64_t requests = 0, resent = 0;
    struct epoll_event events[256];
    for (;;) {
        int64_t now = now_ns();
        if (!recording && now >= window_start) {
            recording = 1;
            server_cpu_start = process_cpu(server_pid);
            client_cpu_start = own_cpu();
        }
        if (now >= window_end) break;
        if (now - last_reply > 10000000000LL) { errno = ETIMEDOUT; fail("no reply for 10 s"); }
        int ready = epoll_wait(epoll, events, 256, 10);
        if (ready < 0) { if (errno == EINTR) continue; fail("epoll_wait"); }
        for (int e = 0; e < ready; e++) {
            struct connection *c = &all[events[e].data.u32];
            if (!receive_reply(c, buffer)) continue;
            int64_t done = now_ns();
            last_reply = done;
            if (recording && done < window_end) {
                int64_t us = (done - c->sent_ns) / 1000;
                latency[us > MAX_LATENCY_US ? MAX_LATENCY_US : us]++;
                requests++;
            }
            c->sequence++;
            send_request(c, buffer);
        }
        if (kind == UDP) { /* a lost datagram would stall its client for good: send it again */
            int64_t late = now_ns() - UDP_RESEND_NS;
            for (int i = 0; i < connections; i++) {
                if (all[i].sent_ns < late) { send_request(&all[i], buffer); resent++; }
            }
        }
    }
    server_cpu_end = process_cpu(server_pid);
    client_cpu_end = own_cpu();
    double seconds = (double)(window_end - window_start) / 1e9;
    for (int i = 0; i < connections; i++) close(all[i].fd);

    printf("{\"scenario\": \"echo\", \"connections\": %d, \"size\": %zu, \"pipeline\": 1, \"requests\": %llu, \"seconds\": %.3f, "
           "\"rps\": %.0f, \"p50_us\": %llu, \"p99_us\": %llu, \"server_cpu_s\": %.3f, \"client_cpu_s\": %.3f",
           connections, size, (unsigned long long)requests, seconds, requests / seconds,
           (unsigned long long)percentile(requests, 50), (unsigned long long)percentile(requests, 99),
           server_cpu_end - server_cpu_start, client_cpu_end - client_cpu_start);
    if (kind == UDP) printf(", \"resent\": %llu", (unsigned long long)resent);
    printf(", \"client\": \"c\"}\n");
    return 0;
}
