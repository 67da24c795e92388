/*
 * master_webui.c — serves the web UI (runtime/webui: a page and its ES
 * modules, compiled into the binary, so the master needs no files and the
 * UI no network beyond the master) at / and /webui/NAME. The page reads
 * the operator API at /api/v1 from the same origin; nothing here knows
 * the cluster. A standby serves it too: the page says who leads.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "master_webui.h"

/* The page runs only its own scripts and styles and talks only to this
 * origin: what a framework names itself cannot turn into script. */
#define WEBUI_HEADERS                                                                                                  \
	"Cache-Control: no-cache\r\n"                                                                                  \
	"X-Content-Type-Options: nosniff\r\n"                                                                          \
	"Referrer-Policy: no-referrer\r\n"                                                                             \
	"Content-Security-Policy: default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "      \
	"frame-ancestors 'none'; form-action 'none'\r\n"

static const master_webui_file *find(const char *name)
{
	for (unsigned i = 0; i < master_webui_nfiles; i++)
		if (strcmp(master_webui_files[i].name, name) == 0)
			return &master_webui_files[i];
	return NULL;
}

bool master_webui_serve(rt_http_session *s, const rt_http_request *req)
{
	const char *p = req->path, *name;
	if (strcmp(p, "/") == 0 || strcmp(p, "/index.html") == 0)
		name = "index.html";
	else if (strncmp(p, "/webui/", 7) == 0)
		name = p + 7;
	else
		return false;
	if (!rt_http_require_get(s, req))
		return true;
	const master_webui_file *f = find(name);
	if (!f) {
		char msg[300];
		snprintf(msg, sizeof msg, "No such file of the web UI: %.200s", p);
		rt_http_reply_text(s, 404, msg);
		return true;
	}
	char headers[1024];
	snprintf(headers, sizeof headers, "ETag: %s\r\n" WEBUI_HEADERS, f->etag);
	/* Cache-Control no-cache: the browser revalidates each time, and an
	 * unchanged file costs a 304 (a new master binary may bring new files). */
	const char *inm = rt_http_header_get(req, "If-None-Match");
	if (inm && strstr(inm, f->etag))
		rt_http_reply(s, 304, f->content_type, "", 0, headers);
	else
		rt_http_reply(s, 200, f->content_type, f->data, f->len, headers);
	return true;
}
