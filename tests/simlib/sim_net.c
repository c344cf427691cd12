/* sim_net.c -- the simulators listen only on loopback addresses. */
#include "sim_net.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

int sim_net_address(const char *listen, int port, struct sockaddr_storage *ss, int *ipv6,
		    char *host, size_t hostlen, char *err, size_t errlen)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (strcmp(listen, "localhost") == 0)
		listen = "127.0.0.1";
	if (inet_pton(AF_INET, listen, &in4->sin_addr) == 1) {
		if ((ntohl(in4->sin_addr.s_addr) >> 24) != 127)
			goto not_loopback;
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)port);
		*ipv6 = 0;
		snprintf(host, hostlen, "%s", listen);
		return 0;
	}
	if (inet_pton(AF_INET6, listen, &in6->sin6_addr) == 1) {
		if (!IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr))
			goto not_loopback;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*ipv6 = 1;
		snprintf(host, hostlen, "[%s]", listen);
		return 0;
	}
not_loopback:
	set_error(err, errlen, "--listen acepta solo direcciones de loopback (127.0.0.1, ::1): %s",
		  listen);
	return -1;
}

int sim_net_check_listen(const char *listen, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	char host[64];
	int ipv6;

	return sim_net_address(listen, 0, &ss, &ipv6, host, sizeof(host), err, errlen);
}
