/*
 * test_golden.c — golden JSON fixtures (tests/runtime/golden/ (*.json)), written
 * from the Mesos v1 scheduler and executor API documentation, one per Event
 * the master or agent sends and per Call they serve. Each is parsed with rt_pbjson (strictly, so an
 * unknown key fails) into a Call or an Event, re-encoded, and checked:
 * - the re-encoded JSON parses to the same message (byte-identical protobuf);
 * - field by field, recursively, the re-encoding holds exactly the fixture's
 *   keys with equal values. The only differences allowed are the documented
 *   ones: numbers compare by value (15.0 and 15, "5" and 5), an optional
 *   string at its .proto default (a resource's "role":"*") is not written,
 *   and a JSON null is an absent field.
 * The operator API's fixtures (operator_*.json) were taken from a live master
 * and each has a protobuf twin (operator_*.pb) encoded with Apache Mesos's
 * own master.proto: it must read into our messages as the fixture; so do the
 * agent's operator API fixtures (agent_*.json, from a live agent), encoded
 * with Mesos's agent.proto, and the executor API's (executor_*.json),
 * encoded with Mesos's executor.proto.
 * The fixtures' directory is argv[1], else GOLDEN_DIR (set by CMake).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent.pb-c.h"
#include "executor/executor.pb-c.h"
#include "master/master.pb-c.h"
#include "rt_pbjson.h"
#include "scheduler/scheduler.pb-c.h"

#ifndef GOLDEN_DIR
#define GOLDEN_DIR "golden"
#endif

static const char *golden_dir = GOLDEN_DIR;

typedef struct {
	const char *file; /* in golden_dir */
	const ProtobufCMessageDescriptor *desc;
	const char *type; /* the enum name the fixture's "type" must have */
} fixture;

#define SCALL  &mesos__v1__scheduler__call__descriptor
#define SEVENT &mesos__v1__scheduler__event__descriptor
#define ECALL  &mesos__v1__executor__call__descriptor
#define EEVENT &mesos__v1__executor__event__descriptor
#define OCALL  &mesos__v1__master__call__descriptor
#define ORESP  &mesos__v1__master__response__descriptor
#define OEVENT &mesos__v1__master__event__descriptor
#define ACALL  &mesos__v1__agent__call__descriptor
#define ARESP  &mesos__v1__agent__response__descriptor

static const fixture fixtures[] = {
        {"event_subscribed.json", SEVENT, "SUBSCRIBED"},
        {"event_offers.json", SEVENT, "OFFERS"},
        {"event_offers_refined.json", SEVENT, "OFFERS"},
        {"event_rescind.json", SEVENT, "RESCIND"},
        {"event_update.json", SEVENT, "UPDATE"},
        {"event_heartbeat.json", SEVENT, "HEARTBEAT"},
        {"event_error.json", SEVENT, "ERROR"},
        {"event_failure.json", SEVENT, "FAILURE"},
        {"event_message.json", SEVENT, "MESSAGE"},
        {"event_update_operation_status.json", SEVENT, "UPDATE_OPERATION_STATUS"},
        {"event_update_operation_status_finished.json", SEVENT, "UPDATE_OPERATION_STATUS"},
        {"call_subscribe.json", SCALL, "SUBSCRIBE"},
        {"call_teardown.json", SCALL, "TEARDOWN"},
        {"call_accept.json", SCALL, "ACCEPT"},
        {"call_decline.json", SCALL, "DECLINE"},
        {"call_revive.json", SCALL, "REVIVE"},
        {"call_suppress.json", SCALL, "SUPPRESS"},
        {"call_kill.json", SCALL, "KILL"},
        {"call_acknowledge.json", SCALL, "ACKNOWLEDGE"},
        {"call_acknowledge_operation_status.json", SCALL, "ACKNOWLEDGE_OPERATION_STATUS"},
        {"call_reconcile.json", SCALL, "RECONCILE"},
        {"call_message.json", SCALL, "MESSAGE"},
        {"call_shutdown.json", SCALL, "SHUTDOWN"},
        {"call_request.json", SCALL, "REQUEST"},
        {"call_update_framework.json", SCALL, "UPDATE_FRAMEWORK"},
        {"call_accept_operations.json", SCALL, "ACCEPT"},
        {"call_accept_refine.json", SCALL, "ACCEPT"},
        {"executor_call_subscribe.json", ECALL, "SUBSCRIBE"},
        {"executor_call_update.json", ECALL, "UPDATE"},
        {"executor_call_message.json", ECALL, "MESSAGE"},
        {"executor_event_subscribed.json", EEVENT, "SUBSCRIBED"},
        {"executor_event_launch.json", EEVENT, "LAUNCH"},
        {"executor_event_launch_group.json", EEVENT, "LAUNCH_GROUP"},
        {"executor_event_kill.json", EEVENT, "KILL"},
        {"executor_event_acknowledged.json", EEVENT, "ACKNOWLEDGED"},
        {"executor_event_message.json", EEVENT, "MESSAGE"},
        {"executor_event_shutdown.json", EEVENT, "SHUTDOWN"},
        {"executor_event_error.json", EEVENT, "ERROR"},
        {"executor_event_heartbeat.json", EEVENT, "HEARTBEAT"},
        /* The operator API: each also has a .pb twin encoded from Mesos's own
         * master.proto (make_operator_pb.py). */
        {"operator_call_create_volumes.json", OCALL, "CREATE_VOLUMES"},
        {"operator_call_deactivate_agent.json", OCALL, "DEACTIVATE_AGENT"},
        {"operator_call_destroy_volumes.json", OCALL, "DESTROY_VOLUMES"},
        {"operator_call_drain_agent.json", OCALL, "DRAIN_AGENT"},
        {"operator_call_get_agents.json", OCALL, "GET_AGENTS"},
        {"operator_call_get_executors.json", OCALL, "GET_EXECUTORS"},
        {"operator_call_get_flags.json", OCALL, "GET_FLAGS"},
        {"operator_call_get_frameworks.json", OCALL, "GET_FRAMEWORKS"},
        {"operator_call_get_health.json", OCALL, "GET_HEALTH"},
        {"operator_call_get_logging_level.json", OCALL, "GET_LOGGING_LEVEL"},
        {"operator_call_get_maintenance_schedule.json", OCALL, "GET_MAINTENANCE_SCHEDULE"},
        {"operator_call_get_maintenance_status.json", OCALL, "GET_MAINTENANCE_STATUS"},
        {"operator_call_get_master.json", OCALL, "GET_MASTER"},
        {"operator_call_get_metrics.json", OCALL, "GET_METRICS"},
        {"operator_call_get_quota.json", OCALL, "GET_QUOTA"},
        {"operator_call_get_roles.json", OCALL, "GET_ROLES"},
        {"operator_call_get_state.json", OCALL, "GET_STATE"},
        {"operator_call_get_tasks.json", OCALL, "GET_TASKS"},
        {"operator_call_get_version.json", OCALL, "GET_VERSION"},
        {"operator_call_get_weights.json", OCALL, "GET_WEIGHTS"},
        {"operator_call_mark_agent_gone.json", OCALL, "MARK_AGENT_GONE"},
        {"operator_call_reactivate_agent.json", OCALL, "REACTIVATE_AGENT"},
        {"operator_call_reserve_resources.json", OCALL, "RESERVE_RESOURCES"},
        {"operator_call_reserve_resources_refine.json", OCALL, "RESERVE_RESOURCES"},
        {"operator_call_set_logging_level.json", OCALL, "SET_LOGGING_LEVEL"},
        {"operator_call_start_maintenance.json", OCALL, "START_MAINTENANCE"},
        {"operator_call_stop_maintenance.json", OCALL, "STOP_MAINTENANCE"},
        {"operator_call_subscribe.json", OCALL, "SUBSCRIBE"},
        {"operator_call_teardown.json", OCALL, "TEARDOWN"},
        {"operator_call_unreserve_resources.json", OCALL, "UNRESERVE_RESOURCES"},
        {"operator_call_update_maintenance_schedule.json", OCALL, "UPDATE_MAINTENANCE_SCHEDULE"},
        {"operator_call_update_quota.json", OCALL, "UPDATE_QUOTA"},
        {"operator_call_update_weights.json", OCALL, "UPDATE_WEIGHTS"},
        {"operator_event_agent_added.json", OEVENT, "AGENT_ADDED"},
        {"operator_event_agent_removed.json", OEVENT, "AGENT_REMOVED"},
        {"operator_event_framework_added.json", OEVENT, "FRAMEWORK_ADDED"},
        {"operator_event_framework_removed.json", OEVENT, "FRAMEWORK_REMOVED"},
        {"operator_event_framework_updated.json", OEVENT, "FRAMEWORK_UPDATED"},
        {"operator_event_heartbeat.json", OEVENT, "HEARTBEAT"},
        {"operator_event_subscribed.json", OEVENT, "SUBSCRIBED"},
        {"operator_event_task_added.json", OEVENT, "TASK_ADDED"},
        {"operator_event_task_updated.json", OEVENT, "TASK_UPDATED"},
        {"operator_response_get_agents.json", ORESP, "GET_AGENTS"},
        {"operator_response_get_executors.json", ORESP, "GET_EXECUTORS"},
        {"operator_response_get_operations.json", ORESP, "GET_OPERATIONS"},
        {"operator_response_get_flags.json", ORESP, "GET_FLAGS"},
        {"operator_response_get_frameworks.json", ORESP, "GET_FRAMEWORKS"},
        {"operator_response_get_health.json", ORESP, "GET_HEALTH"},
        {"operator_response_get_logging_level.json", ORESP, "GET_LOGGING_LEVEL"},
        {"operator_response_get_maintenance_schedule.json", ORESP, "GET_MAINTENANCE_SCHEDULE"},
        {"operator_response_get_maintenance_status.json", ORESP, "GET_MAINTENANCE_STATUS"},
        {"operator_response_get_master.json", ORESP, "GET_MASTER"},
        {"operator_response_get_metrics.json", ORESP, "GET_METRICS"},
        {"operator_response_get_quota.json", ORESP, "GET_QUOTA"},
        {"operator_response_get_roles.json", ORESP, "GET_ROLES"},
        {"operator_response_get_state.json", ORESP, "GET_STATE"},
        {"operator_response_get_tasks.json", ORESP, "GET_TASKS"},
        {"operator_response_get_version.json", ORESP, "GET_VERSION"},
        {"operator_response_get_weights.json", ORESP, "GET_WEIGHTS"},
        /* The agent's operator API, taken from a live agent (GET_EXECUTORS's
         * executor added by hand); each has a .pb twin encoded from Mesos's
         * own agent.proto. */
        {"agent_call_get_agent.json", ACALL, "GET_AGENT"},
        {"agent_call_get_containers.json", ACALL, "GET_CONTAINERS"},
        {"agent_call_get_executors.json", ACALL, "GET_EXECUTORS"},
        {"agent_call_get_flags.json", ACALL, "GET_FLAGS"},
        {"agent_call_get_frameworks.json", ACALL, "GET_FRAMEWORKS"},
        {"agent_call_get_health.json", ACALL, "GET_HEALTH"},
        {"agent_call_get_logging_level.json", ACALL, "GET_LOGGING_LEVEL"},
        {"agent_call_get_metrics.json", ACALL, "GET_METRICS"},
        {"agent_call_get_state.json", ACALL, "GET_STATE"},
        {"agent_call_get_tasks.json", ACALL, "GET_TASKS"},
        {"agent_call_get_version.json", ACALL, "GET_VERSION"},
        {"agent_call_list_files.json", ACALL, "LIST_FILES"},
        {"agent_call_read_file.json", ACALL, "READ_FILE"},
        {"agent_call_set_logging_level.json", ACALL, "SET_LOGGING_LEVEL"},
        {"agent_response_get_agent.json", ARESP, "GET_AGENT"},
        {"agent_response_get_containers.json", ARESP, "GET_CONTAINERS"},
        {"agent_response_get_executors.json", ARESP, "GET_EXECUTORS"},
        {"agent_response_get_flags.json", ARESP, "GET_FLAGS"},
        {"agent_response_get_frameworks.json", ARESP, "GET_FRAMEWORKS"},
        {"agent_response_get_health.json", ARESP, "GET_HEALTH"},
        {"agent_response_get_logging_level.json", ARESP, "GET_LOGGING_LEVEL"},
        {"agent_response_get_metrics.json", ARESP, "GET_METRICS"},
        {"agent_response_get_state.json", ARESP, "GET_STATE"},
        {"agent_response_get_tasks.json", ARESP, "GET_TASKS"},
        {"agent_response_get_version.json", ARESP, "GET_VERSION"},
        {"agent_response_list_files.json", ARESP, "LIST_FILES"},
        {"agent_response_read_file.json", ARESP, "READ_FILE"},
};
#define N_FIXTURES (sizeof fixtures / sizeof fixtures[0])

/* The whole file; the caller frees. */
static char *read_file(const char *name, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", golden_dir, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	size_t got;
	while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			cap *= 2;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

/* Packs a message; the caller frees. */
static uint8_t *packed(const ProtobufCMessage *m, size_t *n)
{
	*n = protobuf_c_message_get_packed_size(m);
	uint8_t *b = malloc(*n ? *n : 1);
	assert_non_null(b);
	protobuf_c_message_pack(m, b);
	return b;
}

/* A JSON number, or a decimal string (int64 on input), as a double. */
static bool as_number(const json_t *v, double *d)
{
	if (json_is_number(v)) {
		*d = json_number_value(v);
		return true;
	}
	if (json_is_string(v)) {
		char *end;
		*d = strtod(json_string_value(v), &end);
		return *end == '\0' && end != json_string_value(v);
	}
	return false;
}

/* The first difference compare_object found. */
static char diff[700];
#define DIFF(...)                                                                                                      \
	do {                                                                                                           \
		snprintf(diff, sizeof diff, __VA_ARGS__);                                                              \
		return false;                                                                                          \
	} while (0)

static bool compare_object(const json_t *fix, const json_t *out, const ProtobufCMessageDescriptor *desc,
                           const char *path);

static bool compare_single(const json_t *fv, const json_t *ov, const ProtobufCFieldDescriptor *f, const char *path)
{
	if (f->type == PROTOBUF_C_TYPE_MESSAGE) {
		if (!json_is_object(fv) || !json_is_object(ov))
			DIFF("%s: expected objects", path);
		return compare_object(fv, ov, f->descriptor, path);
	}
	double a, b;
	if (json_is_number(fv) || json_is_number(ov)) {
		if (!as_number(fv, &a) || !as_number(ov, &b) || a != b)
			DIFF("%s: number differs after the round trip", path);
		return true;
	}
	if (!json_equal((json_t *)fv, (json_t *)ov)) {
		char *x = json_dumps(fv, JSON_ENCODE_ANY | JSON_COMPACT);
		char *y = json_dumps(ov, JSON_ENCODE_ANY | JSON_COMPACT);
		snprintf(diff, sizeof diff, "%s: %s became %s", path, x ? x : "?", y ? y : "?");
		free(x);
		free(y);
		return false;
	}
	return true;
}

/* Every key of fix is in out with an equal value, and out has no other key;
 * desc is the message both render. */
static bool compare_object(const json_t *fix, const json_t *out, const ProtobufCMessageDescriptor *desc,
                           const char *path)
{
	const char *key;
	json_t *fv;
	char sub[512];
	json_object_foreach((json_t *)fix, key, fv)
	{
		snprintf(sub, sizeof sub, "%s%s%s", path, *path ? "." : "", key);
		const ProtobufCFieldDescriptor *f = protobuf_c_message_descriptor_get_field_by_name(desc, key);
		if (!f)
			DIFF("%s: no such field in %s", sub, desc->name);
		const json_t *ov = json_object_get(out, key);
		if (json_is_null(fv)) {
			if (ov)
				DIFF("%s: null in the fixture but written", sub);
			continue;
		}
		if (!ov) {
			/* Documented: an optional string at its default is not written. */
			bool at_default = f->type == PROTOBUF_C_TYPE_STRING && f->label == PROTOBUF_C_LABEL_OPTIONAL &&
			                  f->default_value && json_is_string(fv) &&
			                  strcmp(json_string_value(fv), (const char *)f->default_value) == 0;
			if (!at_default)
				DIFF("%s: dropped by the round trip", sub);
			continue;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED && json_is_object(fv)) {
			/* A map: an object keyed as the entries' keys. */
			const ProtobufCMessageDescriptor *ed = f->descriptor;
			if (!json_is_object(ov) || json_object_size(fv) != json_object_size(ov))
				DIFF("%s: map differs after the round trip", sub);
			const char *k;
			json_t *kv;
			json_object_foreach(fv, k, kv)
			{
				char el[560];
				snprintf(el, sizeof el, "%s.%s", sub, k);
				const json_t *okv = json_object_get(out, key) ? json_object_get(ov, k) : NULL;
				if (!okv)
					DIFF("%s: dropped by the round trip", el);
				if (!compare_single(kv, okv, &ed->fields[1], el))
					return false;
			}
			continue;
		}
		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			if (!json_is_array(fv) || !json_is_array(ov) || json_array_size(fv) != json_array_size(ov))
				DIFF("%s: array differs after the round trip", sub);
			for (size_t i = 0; i < json_array_size(fv); i++) {
				char el[560];
				snprintf(el, sizeof el, "%s[%zu]", sub, i);
				if (!compare_single(json_array_get(fv, i), json_array_get(ov, i), f, el))
					return false;
			}
		} else if (!compare_single(fv, ov, f, sub)) {
			return false;
		}
	}
	json_object_foreach((json_t *)out, key, fv)
	{
		const json_t *orig = json_object_get(fix, key);
		if (!orig || json_is_null(orig))
			DIFF("%s%s%s: written but not in the fixture", path, *path ? "." : "", key);
	}
	return true;
}

/* Counts the keys of a JSON value, recursively (to show coverage). */
static size_t count_keys(const json_t *v)
{
	size_t n = 0;
	if (json_is_object(v)) {
		const char *k;
		json_t *x;
		json_object_foreach((json_t *)v, k, x) n += 1 + count_keys(x);
	} else if (json_is_array(v)) {
		for (size_t i = 0; i < json_array_size(v); i++)
			n += count_keys(json_array_get(v, i));
	}
	return n;
}

/* The fixture's protobuf twin (Mesos's own encoding of it) reads into
 * our message and renders as the fixture. */
static void check_protobuf_twin(const fixture *fx, const json_t *fix)
{
	char name[256];
	snprintf(name, sizeof name, "%.*s.pb", (int)(strlen(fx->file) - 5), fx->file);
	size_t len;
	char *bytes = read_file(name, &len);
	ProtobufCMessage *m = protobuf_c_message_unpack(fx->desc, NULL, len, (const uint8_t *)bytes);
	if (!m)
		fail_msg("%s does not unpack", name);
	size_t olen;
	char *text = rt_pbjson_dump(m, &olen);
	json_error_t jerr;
	json_t *out = json_loadb(text, olen, 0, &jerr);
	assert_non_null(out);
	if (!compare_object(fix, out, fx->desc, ""))
		fail_msg("%s: %s\nread as: %s", name, diff, text);
	json_decref(out);
	free(text);
	protobuf_c_message_free_unpacked(m, NULL);
	free(bytes);
}

static void test_fixture(void **state)
{
	const fixture *fx = *state;
	const ProtobufCMessageDescriptor *desc = fx->desc;
	size_t len;
	char *text = read_file(fx->file, &len);
	char err[300];

	json_error_t jerr;
	json_t *fix = json_loadb(text, len, 0, &jerr);
	if (!fix)
		fail_msg("%s: not JSON: %s", fx->file, jerr.text);
	const char *type = json_string_value(json_object_get(fix, "type"));
	if (!type || strcmp(type, fx->type) != 0)
		fail_msg("%s: type %s, expected %s", fx->file, type ? type : "(none)", fx->type);

	ProtobufCMessage *m = rt_pbjson_parse(desc, text, len, RT_PBJSON_STRICT, err, sizeof err);
	if (!m)
		fail_msg("%s does not parse: %s", fx->file, err);
	/* The enum the fixture names is the one parsed. */
	const ProtobufCFieldDescriptor *tf = protobuf_c_message_descriptor_get_field_by_name(desc, "type");
	const ProtobufCEnumValue *tv = protobuf_c_enum_descriptor_get_value_by_name(tf->descriptor, fx->type);
	assert_non_null(tv);
	int parsed_type = *(const int *)((const char *)m + tf->offset);
	assert_int_equal(parsed_type, tv->value);

	size_t olen;
	char *again = rt_pbjson_dump(m, &olen);
	assert_non_null(again);
	ProtobufCMessage *back = rt_pbjson_parse(desc, again, olen, RT_PBJSON_STRICT, err, sizeof err);
	if (!back)
		fail_msg("%s: re-encoding does not parse: %s\n%s", fx->file, err, again);
	size_t n1, n2;
	uint8_t *b1 = packed(m, &n1), *b2 = packed(back, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);

	json_t *out = json_loadb(again, olen, 0, &jerr);
	assert_non_null(out);
	if (!compare_object(fix, out, desc, ""))
		fail_msg("%s: %s\nre-encoded: %s", fx->file, diff, again);
	print_message("%s: %zu keys, %zu protobuf bytes\n", fx->file, count_keys(fix), n1);
	if (strncmp(fx->file, "operator_", 9) == 0 || strncmp(fx->file, "agent_", 6) == 0 ||
	    strncmp(fx->file, "executor_", 9) == 0)
		check_protobuf_twin(fx, fix);

	json_decref(out);
	json_decref(fix);
	free(b1);
	free(b2);
	protobuf_c_message_free_unpacked(back, NULL);
	protobuf_c_message_free_unpacked(m, NULL);
	free(again);
	free(text);
}

/* Every *.json in the directory is one of the fixtures above (so a new
 * fixture is not silently skipped). */
static void test_no_stray_fixture(void **state)
{
	(void)state;
	DIR *d = opendir(golden_dir);
	if (!d)
		fail_msg("cannot open %s", golden_dir);
	struct dirent *e;
	size_t seen = 0;
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name);
		if (n < 5 || strcmp(e->d_name + n - 5, ".json") != 0)
			continue;
		bool known = false;
		for (size_t i = 0; i < N_FIXTURES; i++)
			known = known || strcmp(fixtures[i].file, e->d_name) == 0;
		if (!known)
			fail_msg("%s/%s is not listed in test_golden.c", golden_dir, e->d_name);
		seen++;
	}
	closedir(d);
	assert_int_equal(seen, N_FIXTURES);
}

/* The comparison itself: a dropped key fails it, a documented difference
 * does not. */
static void test_comparison_catches_a_drop(void **state)
{
	(void)state;
	json_t *fix = json_pack("{s:s, s:{s:{s:s}}}", "type", "RESCIND", "rescind", "offer_id", "value", "O1");
	json_t *out = json_pack("{s:s, s:{}}", "type", "RESCIND", "rescind");
	assert_false(compare_object(fix, out, &mesos__v1__scheduler__event__descriptor, ""));
	assert_string_equal(diff, "rescind.offer_id: dropped by the round trip");
	assert_true(compare_object(fix, fix, &mesos__v1__scheduler__event__descriptor, ""));
	/* A resource's "role":"*" (its default) may be left out; "role":"r" not. */
	json_t *res = json_pack("{s:s, s:s, s:{s:f}, s:s}", "name", "cpus", "type", "SCALAR", "scalar", "value", 1.0,
	                        "role", "*");
	json_t *res_out = json_pack("{s:s, s:s, s:{s:i}}", "name", "cpus", "type", "SCALAR", "scalar", "value", 1);
	assert_true(compare_object(res, res_out, &mesos__v1__resource__descriptor, ""));
	json_object_set_new(res, "role", json_string("r"));
	assert_false(compare_object(res, res_out, &mesos__v1__resource__descriptor, ""));
	json_decref(res);
	json_decref(res_out);
	json_decref(fix);
	json_decref(out);
}

int main(int argc, char **argv)
{
	if (argc > 1)
		golden_dir = argv[1];
	struct CMUnitTest tests[N_FIXTURES + 2];
	for (size_t i = 0; i < N_FIXTURES; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_fixture, (void *)&fixtures[i]);
		t.name = fixtures[i].file;
		tests[i] = t;
	}
	tests[N_FIXTURES] = (struct CMUnitTest)cmocka_unit_test(test_no_stray_fixture);
	tests[N_FIXTURES + 1] = (struct CMUnitTest)cmocka_unit_test(test_comparison_catches_a_drop);
	return _cmocka_run_group_tests("test_golden", tests, N_FIXTURES + 2, NULL, NULL);
}
