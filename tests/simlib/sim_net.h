/* sim_net.h -- the loopback-only listen address both simulators accept. */
#ifndef SIM_NET_H
#define SIM_NET_H

#include <stddef.h>
#include <sys/socket.h>

/* Fills the socket address of a loopback listen address (127.x.x.x, ::1 or localhost), *ipv6
 * and host as a URL writes it ("127.0.0.1", "[::1]"). Returns 0 or -1 with err. */
int sim_net_address(const char *listen, int port, struct sockaddr_storage *ss, int *ipv6,
		    char *host, size_t hostlen, char *err, size_t errlen);
/* Checks that listen is a loopback address. Returns 0, or -1 with err filled. */
int sim_net_check_listen(const char *listen, char *err, size_t errlen);

#endif
