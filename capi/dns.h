/* Private declarations of name resolution (dns.c, dns.go). */
#ifndef GOUV_CAPI_DNS_H
#define GOUV_CAPI_DNS_H

#include <uv.h>

void gouv_getaddrinfo_work(uv_getaddrinfo_t* req);
void gouv_getnameinfo_work(uv_getnameinfo_t* req);
void gouv_call_getaddrinfo(uv_getaddrinfo_t* req);
void gouv_call_getnameinfo(uv_getnameinfo_t* req);

#endif
