//go:build linux && cgo

package checks

/*
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

// The network-namespace helper (NetnsExec) again, in C, run as the binary
// is loaded, before Go's runtime starts: a git-proof started only to
// bring loopback up and exec a check pays neither the runtime's start nor
// every package's init, ~6 ms of each check's start (8.2 ms for the Go
// helper against 2.1 ms for an empty Go program, perf stat). runc's
// nsenter starts the same way, for the same reason. A process that is not
// the helper only reads its own command line here.

#define GIT_PROOF_NETNS_ARG "__git-proof-netns-exec"

static int git_proof_loopback_up(void) {
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof ifr);
	strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
	int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	if (rc == 0) {
		ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
		rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	int saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

// git_proof_cmdline reads /proc/self/cmdline whole: NUL-terminated
// arguments, one after another.
static char *git_proof_cmdline(size_t *len) {
	int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	while (buf != NULL) {
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			buf = NULL;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n == cap) {
			char *more = realloc(buf, cap * 2);
			if (more == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = more;
			cap *= 2;
		}
	}
	close(fd);
	*len = n;
	return buf;
}

__attribute__((constructor)) static void git_proof_netns_exec(void) {
	size_t n = 0;
	char *buf = git_proof_cmdline(&n);
	if (buf == NULL || n == 0 || buf[n - 1] != '\0') {
		free(buf);
		return; // Go's NetnsExec decides, in main
	}
	char *arg1 = memchr(buf, '\0', n);
	if (arg1 == NULL || ++arg1 >= buf + n || strcmp(arg1, GIT_PROOF_NETNS_ARG) != 0) {
		free(buf);
		return; // not the helper
	}
	char *rest = arg1 + strlen(arg1) + 1;
	size_t argc = 0;
	for (char *p = rest; p < buf + n; p += strlen(p) + 1)
		argc++;
	char **argv = calloc(argc + 1, sizeof *argv);
	if (argv == NULL) {
		fprintf(stderr, "git-proof: network namespace helper: out of memory\n");
		_exit(125);
	}
	size_t i = 0;
	for (char *p = rest; p < buf + n; p += strlen(p) + 1)
		argv[i++] = p;
	if (argc == 0) {
		fprintf(stderr, "git-proof: network namespace helper: nothing to run\n");
		_exit(125);
	}
	if (git_proof_loopback_up() != 0) {
		fprintf(stderr, "git-proof: network namespace helper: bring up loopback: %s\n", strerror(errno));
		_exit(125);
	}
	// The runner passes an absolute path, as Go's helper would look up.
	if (strchr(argv[0], '/') != NULL)
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	fprintf(stderr, "git-proof: network namespace helper: exec %s: %s\n", argv[0], strerror(errno));
	_exit(125);
}
*/
import "C"

// netnsHelperInC says the helper runs as C before Go starts (see above);
// NetnsExec serves binaries built without cgo.
const netnsHelperInC = true
