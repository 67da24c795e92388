/*
 * master_classic.c — Mesos's classic (v0) operator endpoints, each at /X and
 * /master/X: /roles, /quota (GET, POST, DELETE /quota/ROLE), /weights (GET,
 * PUT), /teardown, /flags, /version, /machine/down, /machine/up,
 * /maintenance/schedule and /maintenance/status, in Mesos's JSON shapes. They
 * share their logic with the operator API (master_quota.c, master_maint.c,
 * master_opview.c); only the encodings differ.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "master.h"
#include "rt_api.h"
#include "rt_opview.h"
#include "rt_pbjson.h"

static bool method_is(const rt_http_request *req, const char *a, const char *b)
{
	return strcmp(req->method, a) == 0 || (b && strcmp(req->method, b) == 0);
}

static void not_allowed(rt_http_session *s, const char *allow)
{
	char hdr[64], body[64];
	snprintf(hdr, sizeof hdr, "Allow: %s\r\n", allow);
	snprintf(body, sizeof body, "Expecting %s\n", allow);
	rt_http_reply(s, 405, "text/plain; charset=utf-8", body, strlen(body), hdr);
}

/* A message as Mesos's JSON (jsonp as the query says). */
static void reply_message(rt_http_session *s, const ProtobufCMessage *msg, const char *query)
{
	master_reply_json(s, rt_pbjson_from_message(msg), query);
}

static void reply_status(rt_http_session *s, int rc, const char *msg)
{
	if (rc == 0)
		rt_http_reply(s, 200, NULL, "", 0, NULL);
	else
		rt_api_refuse(s, rc, "operator request", msg);
}

/* ------------------------------------------------------------------ roles */

/* The v0 quota model of a role: guarantee, limit and consumed as maps. */
static json_t *quota_json(master *m, const char *role, const ac_role_info *info)
{
	json_t *q = json_object();
	json_object_set_new(q, "role", json_string(role));
	json_t *g = json_object(), *l = json_object();
	m_roleconf *c = master_roleconf_find(m, role);
	if (c && c->quota) {
		for (size_t i = 0; i < c->quota->n_guarantees; i++)
			json_object_set_new(g, c->quota->guarantees[i]->key,
			                    json_real(c->quota->guarantees[i]->value->value));
		for (size_t i = 0; i < c->quota->n_limits; i++)
			json_object_set_new(l, c->quota->limits[i]->key, json_real(c->quota->limits[i]->value->value));
	}
	json_object_set_new(q, "guarantee", g);
	json_object_set_new(q, "limit", l);
	ac_resources consumed;
	ac_resources_from_vec(&consumed, &info->consumed);
	json_object_set_new(q, "consumed", master_resources_model(m, &consumed));
	return q;
}

static void serve_roles(master *m, rt_http_session *s, const rt_http_request *req)
{
	rt_arena *a = rt_arena_create();
	char **names;
	size_t n = master_view_role_names(m, a, &names);
	json_t *roles = json_array();
	for (size_t i = 0; i < n; i++) {
		ac_role_info info;
		if (ac_role_info_get(m->core, names[i], &info, NULL) != 0)
			memset(&info, 0, sizeof info);
		m_roleconf *c = master_roleconf_find(m, names[i]);
		json_t *r = json_object();
		json_object_set_new(r, "name", json_string(names[i]));
		json_object_set_new(r, "weight", json_real(c && c->weight > 0 ? c->weight : 1.0));
		json_t *fws = json_array();
		for (m_fw *fw = m->fws; fw; fw = fw->next)
			if (master_fw_has_role(m, fw, names[i], true))
				json_array_append_new(fws, json_string(fw->id));
		json_object_set_new(r, "frameworks", fws);
		ac_resources x;
		ac_resources_from_vec(&x, &info.allocated);
		json_object_set_new(r, "allocated", master_resources_model(m, &x));
		/* Mesos: "resources" is what the role holds, allocated or offered. */
		ac_vec held = info.allocated;
		ac_vec_add(&held, &info.offered);
		ac_resources_from_vec(&x, &held);
		json_object_set_new(r, "resources", master_resources_model(m, &x));
		ac_resources_from_vec(&x, &info.offered);
		json_object_set_new(r, "offered", master_resources_model(m, &x));
		ac_resources_from_vec(&x, &info.reserved);
		json_object_set_new(r, "reserved", master_resources_model(m, &x));
		json_object_set_new(r, "quota", quota_json(m, names[i], &info));
		json_array_append_new(roles, r);
	}
	rt_arena_destroy(a);
	json_t *root = json_object();
	json_object_set_new(root, "roles", roles);
	master_reply_json(s, root, req->query);
}

/* ------------------------------------------------------------------ quota */

typedef Mesos__V1__Quota__QuotaConfig QuotaConfig;

/* POST /quota: Mesos's pre-1.9 request, {"role", "guarantee": [Resource],
 * "force"}: the role must have no quota yet; guarantee and limit are both
 * set to it (Mesos 1.11's meaning of the old call). */
static void quota_set(master *m, rt_http_session *s, const rt_http_request *req)
{
	char err[400], msg[700];
	Mesos__V1__Quota__QuotaRequest *q = (Mesos__V1__Quota__QuotaRequest *)rt_pbjson_parse(
	        &mesos__v1__quota__quota_request__descriptor, (const char *)req->body, req->body_len, 0, err,
	        sizeof err);
	if (!q) {
		snprintf(msg, sizeof msg, "Failed to parse set quota request JSON: %s", err);
		rt_api_refuse(s, 400, "operator request", msg);
		return;
	}
	int rc = 0;
	if (!q->role || !*q->role) {
		snprintf(msg, sizeof msg, "Failed to validate set quota request: QuotaInfo must specify a role");
		rc = 400;
	} else if (!q->n_guarantee) {
		snprintf(msg, sizeof msg, "Failed to validate set quota request: QuotaInfo with empty 'guarantee'");
		rc = 400;
	} else {
		m_roleconf *c = master_roleconf_find(m, q->role);
		if (c && c->quota) {
			snprintf(msg, sizeof msg,
			         "Failed to validate set quota request: Cannot set quota for role '%.100s' which "
			         "already has quota",
			         q->role);
			rc = 400;
		}
	}
	size_t n = q->n_guarantee;
	Mesos__V1__Quota__QuotaConfig__GuaranteesEntry *g = rt_xcalloc(n ? n : 1, sizeof *g);
	Mesos__V1__Quota__QuotaConfig__GuaranteesEntry **gp = rt_xcalloc(n ? n : 1, sizeof *gp);
	for (size_t i = 0; i < n && !rc; i++) {
		const Mesos__V1__Resource *r = q->guarantee[i];
		if (r->type != MESOS__V1__VALUE__TYPE__SCALAR || !r->scalar) {
			snprintf(msg, sizeof msg,
			         "Failed to validate set quota request: QuotaInfo must not include non-scalar "
			         "resources");
			rc = 400;
			break;
		}
		if ((r->role && strcmp(r->role, "*") != 0) || r->n_reservations) {
			snprintf(
			        msg, sizeof msg,
			        "Failed to validate set quota request: QuotaInfo must not contain any ReservationInfo");
			rc = 400;
			break;
		}
		for (size_t j = 0; j < i; j++)
			if (strcmp(gp[j]->key, r->name) == 0) {
				snprintf(msg, sizeof msg,
				         "Failed to validate set quota request: QuotaInfo contains duplicate resource "
				         "name '%.60s'",
				         r->name);
				rc = 400;
			}
		mesos__v1__quota__quota_config__guarantees_entry__init(&g[i]);
		g[i].key = r->name;
		g[i].value = r->scalar;
		gp[i] = &g[i];
	}
	if (!rc) {
		/* The limits' entries have the guarantees' layout (key, value). */
		QuotaConfig c = MESOS__V1__QUOTA__QUOTA_CONFIG__INIT;
		c.role = q->role;
		c.guarantees = gp;
		c.n_guarantees = n;
		c.limits = (Mesos__V1__Quota__QuotaConfig__LimitsEntry **)gp;
		c.n_limits = n;
		QuotaConfig *one = &c;
		char why[600];
		rc = master_quota_update(m, &one, 1, q->has_force && q->force, why, sizeof why);
		if (rc == 400 && strstr(why, "exceed cluster capacity"))
			/* Mesos's old call answers an overcommit with 409. */
			snprintf(msg, sizeof msg,
			         "Quota guarantees overcommit the cluster (use 'force' to bypass this "
			         "check): %.500s",
			         why),
			        rc = 409;
		else if (rc)
			snprintf(msg, sizeof msg, "Failed to validate set quota request: %.500s", why);
	}
	free(g);
	free(gp);
	mesos__v1__quota__quota_request__free_unpacked(q, NULL);
	reply_status(s, rc, msg);
}

static void quota_remove(master *m, rt_http_session *s, const char *path, const char *role)
{
	char msg[700];
	m_roleconf *c = master_roleconf_find(m, role);
	if (!c || !c->quota) {
		snprintf(msg, sizeof msg, "Failed to remove quota for path '%.200s': Role '%.100s' has no quota set",
		         path, role);
		rt_api_refuse(s, 400, "operator request", msg);
		return;
	}
	QuotaConfig q = MESOS__V1__QUOTA__QUOTA_CONFIG__INIT;
	q.role = (char *)role;
	QuotaConfig *one = &q;
	int rc = master_quota_update(m, &one, 1, true, msg, sizeof msg);
	reply_status(s, rc, msg);
}

/* ---------------------------------------------------------------- weights */

static void weights_put(master *m, rt_http_session *s, const rt_http_request *req)
{
	char msg[700];
	json_error_t je;
	json_t *j = json_loadb((const char *)req->body, req->body_len, 0, &je);
	if (!j || !json_is_array(j)) {
		snprintf(msg, sizeof msg, "Failed to parse update weights request JSON: %s",
		         j ? "expected an array" : je.text);
		json_decref(j);
		rt_api_refuse(s, 400, "operator request", msg);
		return;
	}
	size_t n = json_array_size(j);
	Mesos__V1__WeightInfo **w = rt_xcalloc(n ? n : 1, sizeof *w);
	int rc = 0;
	for (size_t i = 0; i < n && !rc; i++) {
		char err[300];
		w[i] = (Mesos__V1__WeightInfo *)rt_pbjson_to_message(&mesos__v1__weight_info__descriptor,
		                                                     json_array_get(j, i), 0, err, sizeof err);
		if (!w[i]) {
			snprintf(msg, sizeof msg, "Failed to convert weights JSON array to protobuf: [%zu]: %s", i,
			         err);
			rc = 400;
		}
	}
	json_decref(j);
	if (!rc)
		rc = master_weights_update(m, w, n, msg, sizeof msg);
	for (size_t i = 0; i < n; i++)
		if (w[i])
			mesos__v1__weight_info__free_unpacked(w[i], NULL);
	free(w);
	reply_status(s, rc, msg);
}

/* --------------------------------------------------------------- teardown */

static void serve_teardown(master *m, rt_http_session *s, const rt_http_request *req)
{
	char id[256];
	if (rt_api_form_get((const char *)req->body, req->body_len, "frameworkId", id, sizeof id) != 1) {
		rt_api_refuse(s, 400, "operator request", "Missing 'frameworkId' query parameter in the request body");
		return;
	}
	m_fw *fw = master_fw_find(m, id);
	if (!fw) {
		rt_api_refuse(s, 400, "operator request", "No framework found with specified ID");
		return;
	}
	char why[300];
	if (!master_may_teardown(m, fw, why, sizeof why)) {
		master_refuse_forbidden(s, why);
		return;
	}
	master_fw_remove(m, fw, "teardown by an operator (/teardown)");
	rt_http_reply(s, 200, NULL, "", 0, NULL);
}

/* ----------------------------------------------------------- flags, version */

static void serve_flags(master *m, rt_http_session *s, const rt_http_request *req)
{
	rt_arena *a = rt_arena_create();
	Mesos__V1__Flag **flags;
	size_t n = master_view_flags(m, a, &flags);
	json_t *root = json_object();
	json_object_set_new(root, "flags", rt_opview_flags_json(flags, n));
	rt_arena_destroy(a);
	master_reply_json(s, root, req->query);
}

/* Mesos's /version: the VersionInfo fields at the top level. */
static void serve_version(rt_http_session *s, const rt_http_request *req)
{
	rt_arena *a = rt_arena_create();
	master_reply_json(s, rt_pbjson_from_message(&rt_opview_version(a)->base), req->query);
	rt_arena_destroy(a);
}

/* ------------------------------------------------------------ maintenance */

/* A JSON array of MachineID ([{"hostname": "h", "ip": "1.2.3.4"}]). */
static Mesos__V1__MachineID **machines_parse(rt_http_session *s, const rt_http_request *req, size_t *n)
{
	json_error_t je;
	json_t *j = json_loadb((const char *)req->body, req->body_len, 0, &je);
	if (!j || !json_is_array(j)) {
		char msg[300];
		snprintf(msg, sizeof msg, "Failed to parse JSON: %s", j ? "expected an array of MachineID" : je.text);
		json_decref(j);
		rt_api_refuse(s, 400, "operator request", msg);
		return NULL;
	}
	*n = json_array_size(j);
	Mesos__V1__MachineID **ids = rt_xcalloc(*n + 1, sizeof *ids);
	for (size_t i = 0; i < *n; i++) {
		char err[300];
		ids[i] = (Mesos__V1__MachineID *)rt_pbjson_to_message(&mesos__v1__machine_id__descriptor,
		                                                      json_array_get(j, i), 0, err, sizeof err);
		if (!ids[i]) {
			char msg[400];
			snprintf(msg, sizeof msg, "Failed to convert JSON into MachineID: [%zu]: %s", i, err);
			rt_api_refuse(s, 400, "operator request", msg);
			for (size_t k = 0; k < i; k++)
				mesos__v1__machine_id__free_unpacked(ids[k], NULL);
			free(ids);
			json_decref(j);
			return NULL;
		}
	}
	json_decref(j);
	return ids;
}

static void serve_machines(master *m, rt_http_session *s, const rt_http_request *req, bool down)
{
	size_t n = 0;
	Mesos__V1__MachineID **ids = machines_parse(s, req, &n);
	if (!ids)
		return;
	char msg[400];
	int rc = down ? master_machines_down(m, ids, n, msg, sizeof msg)
	              : master_machines_up(m, ids, n, msg, sizeof msg);
	for (size_t i = 0; i < n; i++)
		mesos__v1__machine_id__free_unpacked(ids[i], NULL);
	free(ids);
	reply_status(s, rc, msg);
}

static void schedule_post(master *m, rt_http_session *s, const rt_http_request *req)
{
	char err[400], msg[500];
	Mesos__V1__Maintenance__Schedule *sch = (Mesos__V1__Maintenance__Schedule *)rt_pbjson_parse(
	        &mesos__v1__maintenance__schedule__descriptor, (const char *)req->body, req->body_len, 0, err,
	        sizeof err);
	if (!sch) {
		snprintf(msg, sizeof msg, "Failed to convert JSON into a Schedule: %s", err);
		rt_api_refuse(s, 400, "operator request", msg);
		return;
	}
	int rc = master_schedule_update(m, sch, msg, sizeof msg);
	mesos__v1__maintenance__schedule__free_unpacked(sch, NULL);
	reply_status(s, rc, msg);
}

/* ---------------------------------------------------------------- routing */

bool master_classic_serve(master *m, rt_http_session *s, const rt_http_request *req)
{
	const char *p = req->path;
	if (strncmp(p, "/master/", 8) == 0)
		p += 7;
	bool get = method_is(req, "GET", "HEAD");
	if (strcmp(p, "/version") == 0) {
		if (!get)
			not_allowed(s, "GET");
		else
			serve_version(s, req);
		return true;
	}
	if (strcmp(p, "/flags") == 0) {
		if (!get)
			not_allowed(s, "GET");
		else
			serve_flags(m, s, req);
		return true;
	}
	bool known = strcmp(p, "/roles") == 0 || strcmp(p, "/quota") == 0 || strncmp(p, "/quota/", 7) == 0 ||
	             strcmp(p, "/weights") == 0 || strcmp(p, "/teardown") == 0 || strcmp(p, "/machine/down") == 0 ||
	             strcmp(p, "/machine/up") == 0 || strcmp(p, "/maintenance/schedule") == 0 ||
	             strcmp(p, "/maintenance/status") == 0;
	if (!known)
		return false;
	/* As Mesos: only the leader serves them; a standby redirects. */
	if (master_redirect(m, s, req))
		return true;
	if (strcmp(p, "/roles") == 0) {
		if (!get)
			not_allowed(s, "GET");
		else
			serve_roles(m, s, req);
	} else if (strcmp(p, "/quota") == 0) {
		if (get) {
			rt_arena *a = rt_arena_create();
			reply_message(s, &master_view_quota(m, a)->base, req->query);
			rt_arena_destroy(a);
		} else if (method_is(req, "POST", NULL)) {
			quota_set(m, s, req);
		} else {
			not_allowed(s, "GET, POST, DELETE");
		}
	} else if (strncmp(p, "/quota/", 7) == 0) {
		if (!method_is(req, "DELETE", NULL))
			not_allowed(s, "DELETE");
		else
			quota_remove(m, s, req->path, p + 7);
	} else if (strcmp(p, "/weights") == 0) {
		if (get) {
			rt_arena *a = rt_arena_create();
			Mesos__V1__WeightInfo **w;
			size_t n = master_view_weights(m, a, &w);
			json_t *arr = json_array();
			for (size_t i = 0; i < n; i++)
				json_array_append_new(arr, rt_pbjson_from_message(&w[i]->base));
			rt_arena_destroy(a);
			master_reply_json(s, arr, req->query);
		} else if (method_is(req, "PUT", NULL)) {
			weights_put(m, s, req);
		} else {
			not_allowed(s, "GET, PUT");
		}
	} else if (strcmp(p, "/teardown") == 0) {
		if (!method_is(req, "POST", NULL))
			not_allowed(s, "POST");
		else
			serve_teardown(m, s, req);
	} else if (strcmp(p, "/machine/down") == 0 || strcmp(p, "/machine/up") == 0) {
		if (!method_is(req, "POST", NULL))
			not_allowed(s, "POST");
		else
			serve_machines(m, s, req, strcmp(p, "/machine/down") == 0);
	} else if (strcmp(p, "/maintenance/schedule") == 0) {
		if (get) {
			rt_arena *a = rt_arena_create();
			reply_message(s, &master_view_schedule(m, a)->base, req->query);
			rt_arena_destroy(a);
		} else if (method_is(req, "POST", NULL)) {
			schedule_post(m, s, req);
		} else {
			not_allowed(s, "GET, POST");
		}
	} else {
		if (!get) {
			not_allowed(s, "GET");
		} else {
			rt_arena *a = rt_arena_create();
			reply_message(s, &master_view_maintenance_status(m, a)->base, req->query);
			rt_arena_destroy(a);
		}
	}
	return true;
}
