/*
 * rt_jsonp.c — JSON answers with Mesos's optional JSONP wrapping
 * (rt_jsonp.h), shared by the master's and the agent's endpoints.
 */
#include "rt_jsonp.h"

#include <stdlib.h>

#include "rt_util.h"

bool rt_jsonp_check(rt_http_session *s, const char *query, char cb[RT_JSONP_MAX + 1])
{
	const char *why = NULL;
	int rc = rt_jsonp_callback(query, cb, RT_JSONP_MAX + 1, &why);
	if (rc < 0) {
		rt_http_reply_text(s, 400, why);
		return false;
	}
	if (rc == 0)
		cb[0] = '\0';
	return true;
}

void rt_jsonp_reply(rt_http_session *s, json_t *root, const char *cb, const char *extra_headers)
{
	char *text = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(root);
	if (cb[0]) {
		rt_buf b;
		rt_buf_init(&b);
		rt_buf_printf(&b, "%s(%s);", cb, text);
		rt_http_reply(s, 200, "text/javascript", b.data, b.len, extra_headers);
		rt_buf_free(&b);
	} else {
		rt_http_reply(s, 200, "application/json", text, strlen(text), extra_headers);
	}
	free(text);
}

void rt_jsonp_reply_query(rt_http_session *s, json_t *root, const char *query, const char *extra_headers)
{
	char cb[RT_JSONP_MAX + 1];
	if (!rt_jsonp_check(s, query, cb)) {
		json_decref(root);
		return;
	}
	rt_jsonp_reply(s, root, cb, extra_headers);
}
