// The machine's limit for an echo server: the same job as samples/Echo, in C, with nothing between the program and
// the kernel. bench/run.py compiles it (cc -O2 -pthread) and runs it as the rows every other server is divided by.
//
//   echo_server --mode threads|epoll --transport tcp|unixstream|udp [--port 0] [--path P]
//
// threads: a thread per connection, blocking recv/send with a 64 KiB buffer (what the Threading mix-in competes with).
// epoll:   one thread per core, each with its own epoll set, edge-triggered, non-blocking sockets (what the Async
//          mix-in competes with).
// udp:     one thread per core blocking in recvfrom on the same socket, each datagram sent straight back.
// Prints "listening on <endpoint>" and echoes until SIGTERM or SIGINT.
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define BUFFER_SIZE 65536

static const char *transport = "tcp";
static const char *path = "/tmp/c-echo.sock";

__attribute__((noreturn)) static void die(const char *what) {
    perror(what);
    exit(1);
}

static void no_delay(int fd) {
    if (strcmp(transport, "tcp") == 0) {
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
}

// Sends all of buffer[0..length) on a blocking socket; 0 when the peer went away.
static int send_all(int fd, const char *buffer, ssize_t length) {
    while (length > 0) {
        ssize_t sent = send(fd, buffer, (size_t)length, MSG_NOSIGNAL);
        if (sent < 0) {
            if (errno == EINTR) continue;
            return 0;
        }
        buffer += sent;
        length -= sent;
    }
    return 1;
}

static void *serve_connection(void *argument) {
    int fd = (int)(intptr_t)argument;
    char *buffer = malloc(BUFFER_SIZE);
    for (;;) {
        ssize_t received = recv(fd, buffer, BUFFER_SIZE, 0);
        if (received < 0 && errno == EINTR) continue;
        if (received <= 0 || !send_all(fd, buffer, received)) break;
    }
    free(buffer);
    close(fd);
    return NULL;
}

static void *accept_threads(void *argument) {
    int listener = (int)(intptr_t)argument;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attributes, 256 * 1024);
    for (;;) {
        int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno == EMFILE || errno == ENFILE) { usleep(10000); continue; }
            return NULL;
        }
        no_delay(fd);
        pthread_t thread;
        if (pthread_create(&thread, &attributes, serve_connection, (void *)(intptr_t)fd) != 0) close(fd);
    }
}

// One epoll loop; each loop accepts on the shared listener (EPOLLEXCLUSIVE) and serves the connections it took.
// A connection's unsent echo (the peer reads slower than it writes) waits in its own buffer until EPOLLOUT.
struct connection {
    int fd;
    char *pending;
    ssize_t pending_length;
};

static int flush_pending(struct connection *c) {
    while (c->pending_length > 0) {
        ssize_t sent = send(c->fd, c->pending, (size_t)c->pending_length, MSG_NOSIGNAL);
        if (sent < 0) return errno == EAGAIN ? 1 : 0;
        memmove(c->pending, c->pending + sent, (size_t)(c->pending_length - sent));
        c->pending_length -= sent;
    }
    return 1;
}

static void close_connection(struct connection *c) {
    close(c->fd);
    free(c->pending);
    free(c);
}

static void *epoll_loop(void *argument) {
    int listener = (int)(intptr_t)argument;
    int epoll = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event event = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL};
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, listener, &event) < 0) die("epoll_ctl");
    char *buffer = malloc(BUFFER_SIZE);
    struct epoll_event events[256];
    for (;;) {
        int ready = epoll_wait(epoll, events, 256, -1);
        if (ready < 0) {
            if (errno == EINTR) continue;
            die("epoll_wait");
        }
        for (int i = 0; i < ready; i++) {
            struct connection *c = events[i].data.ptr;
            if (c == NULL) {
                int fd;
                while ((fd = accept4(listener, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    no_delay(fd);
                    c = calloc(1, sizeof *c);
                    c->fd = fd;
                    struct epoll_event added = {.events = EPOLLIN | EPOLLOUT | EPOLLET | EPOLLRDHUP, .data.ptr = c};
                    epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &added);
                }
                continue;
            }
            if (!flush_pending(c)) { close_connection(c); continue; }
            if (c->pending_length > 0) continue;  // the peer is not reading: read no more until it does
            int open = 1;
            for (;;) {
                ssize_t received = recv(c->fd, buffer, BUFFER_SIZE, 0);
                if (received < 0) {
                    open = errno == EAGAIN || errno == EINTR;
                    break;
                }
                if (received == 0) { open = 0; break; }
                ssize_t sent = send(c->fd, buffer, (size_t)received, MSG_NOSIGNAL);
                if (sent < 0 && errno != EAGAIN) { open = 0; break; }
                if (sent < 0) sent = 0;
                if (sent < received) {
                    c->pending = realloc(c->pending, (size_t)(received - sent));
                    memcpy(c->pending, buffer + sent, (size_t)(received - sent));
                    c->pending_length = received - sent;
                    break;
                }
            }
            if (!open) close_connection(c);
        }
    }
}

static void *udp_loop(void *argument) {
    int fd = (int)(intptr_t)argument;
    char *buffer = malloc(BUFFER_SIZE);
    struct sockaddr_storage peer;
    for (;;) {
        socklen_t length = sizeof peer;
        ssize_t received = recvfrom(fd, buffer, BUFFER_SIZE, 0, (struct sockaddr *)&peer, &length);
        if (received < 0) {
            if (errno == EINTR) continue;
            die("recvfrom");
        }
        sendto(fd, buffer, (size_t)received, 0, (struct sockaddr *)&peer, length);
    }
}

int main(int argc, char **argv) {
    const char *mode = "threads";
    int port = 0;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--mode") == 0) mode = argv[i + 1];
        else if (strcmp(argv[i], "--transport") == 0) transport = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0) port = atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--path") == 0) path = argv[i + 1];
        else { fprintf(stderr, "unexpected argument %s\n", argv[i]); return 2; }
    }
    int unix_stream = strcmp(transport, "unixstream") == 0, udp = strcmp(transport, "udp") == 0;
    if (!unix_stream && !udp && strcmp(transport, "tcp") != 0) { fprintf(stderr, "unknown transport %s\n", transport); return 2; }
    if (strcmp(mode, "threads") != 0 && strcmp(mode, "epoll") != 0) { fprintf(stderr, "unknown mode %s\n", mode); return 2; }

    int fd = socket(unix_stream ? AF_UNIX : AF_INET, (udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0) die("socket");
    char endpoint[160];
    if (unix_stream) {
        struct sockaddr_un address = {.sun_family = AF_UNIX};
        strncpy(address.sun_path, path, sizeof address.sun_path - 1);
        unlink(path);
        if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
        snprintf(endpoint, sizeof endpoint, "%s", path);
    } else {
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (bind(fd, (struct sockaddr *)&address, sizeof address) < 0) die("bind");
        socklen_t length = sizeof address;
        getsockname(fd, (struct sockaddr *)&address, &length);
        snprintf(endpoint, sizeof endpoint, "127.0.0.1:%d", ntohs(address.sin_port));
    }
    if (!udp && listen(fd, 4096) < 0) die("listen");

    // SIGTERM and SIGINT end the process from a waiting main thread; the workers never see them.
    sigset_t stopping;
    sigemptyset(&stopping);
    sigaddset(&stopping, SIGTERM);
    sigaddset(&stopping, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stopping, NULL);
    signal(SIGPIPE, SIG_IGN);

    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (cores < 1) cores = 1;
    pthread_t thread;
    if (udp) {
        for (long i = 0; i < cores; i++) pthread_create(&thread, NULL, udp_loop, (void *)(intptr_t)fd);
    } else if (strcmp(mode, "epoll") == 0) {
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);  // each loop accepts until EAGAIN
        for (long i = 0; i < cores; i++) pthread_create(&thread, NULL, epoll_loop, (void *)(intptr_t)fd);
    } else {
        pthread_create(&thread, NULL, accept_threads, (void *)(intptr_t)fd);
    }
    printf("listening on %s\n", endpoint);
    fflush(stdout);
    int signal_number;
    sigwait(&stopping, &signal_number);
    if (unix_stream) unlink(path);
    return 0;
}
