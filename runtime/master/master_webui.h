/*
 * master_webui.h — the web UI's files as the master holds them: compiled
 * in from runtime/webui by runtime/webui/embed.cmake (a generated
 * master_webui_files.c), served by master_webui.c at / and /webui/NAME.
 */
#ifndef MASTER_WEBUI_H
#define MASTER_WEBUI_H

#include <stdbool.h>
#include <stddef.h>

#include "rt_http.h"

typedef struct master_webui_file {
	const char *name;         /* "app.js": the path under /webui/ */
	const char *content_type; /* "text/javascript; charset=utf-8" */
	const char *etag;         /* quoted, from the content's SHA-1 */
	const unsigned char *data;
	size_t len;
} master_webui_file;

extern const master_webui_file master_webui_files[];
extern const unsigned master_webui_nfiles;

/* Answers GET/HEAD / (index.html) and /webui/NAME (304 when If-None-Match
 * names its ETag, 404 for a name not embedded, 405 for other methods).
 * Returns false for other paths, which it leaves to the caller. */
bool master_webui_serve(rt_http_session *s, const rt_http_request *req);

#endif
