/*
 * test_pbjson.c — protobuf-c messages <-> JSON (runtime/src/rt_pbjson.h):
 * scheduler Calls and Events survive a round trip with every field kind, input
 * is read as tolerantly as Mesos reads it, and every error names its path.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "rt_pbjson.h"
#include "scheduler/scheduler.pb-c.h"

typedef Mesos__V1__Scheduler__Call Call;
typedef Mesos__V1__Scheduler__Event Event;

static Call *parse_call(const char *text, int options, char *err, size_t len)
{
	return (Call *)rt_pbjson_parse(&mesos__v1__scheduler__call__descriptor, text, strlen(text), options, err, len);
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

/* dump(m) parses back into a message that packs to the same bytes. */
static void assert_roundtrip(const ProtobufCMessage *m)
{
	size_t len;
	char *text = rt_pbjson_dump(m, &len);
	assert_non_null(text);
	assert_int_equal(strlen(text), len);
	char err[300];
	ProtobufCMessage *back = rt_pbjson_parse(m->descriptor, text, len, RT_PBJSON_STRICT, err, sizeof err);
	if (!back)
		fail_msg("%s does not parse back: %s", text, err);
	size_t n1, n2;
	uint8_t *b1 = packed(m, &n1), *b2 = packed(back, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(b1, b2, n1);
	free(b1);
	free(b2);
	protobuf_c_message_free_unpacked(back, NULL);
	free(text);
}

/* The JSON of m equals the JSON text expected (as values, not bytes). */
static void assert_json(const ProtobufCMessage *m, const char *expected)
{
	json_error_t je;
	json_t *want = json_loads(expected, 0, &je);
	if (!want)
		fail_msg("bad expected JSON: %s", je.text);
	json_t *got = rt_pbjson_from_message(m);
	if (!json_equal(want, got)) {
		char *s = json_dumps(got, JSON_COMPACT);
		fail_msg("got %s\nwant %s", s, expected);
	}
	json_decref(want);
	json_decref(got);
}

static const char accept_json[] =
        "{\"framework_id\":{\"value\":\"m-0000\"},\"type\":\"ACCEPT\",\"accept\":{"
        "\"offer_ids\":[{\"value\":\"m-O1\"},{\"value\":\"m-O2\"}],"
        "\"operations\":[{\"type\":\"LAUNCH\",\"launch\":{\"task_infos\":[{"
        "\"name\":\"t\",\"task_id\":{\"value\":\"t1\"},\"agent_id\":{\"value\":\"m-S0\"},"
        "\"resources\":["
        "{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":0.5},\"role\":\"*\"},"
        "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31000,\"end\":31009}]},"
        "\"role\":\"*\"},"
        "{\"name\":\"disks\",\"type\":\"SET\",\"set\":{\"item\":[\"a\",\"b\"]},\"role\":\"*\"}],"
        "\"command\":{\"shell\":false,\"value\":\"/bin/echo\",\"arguments\":[\"echo\",\"h\\u00e9\"]},"
        "\"kill_policy\":{\"grace_period\":{\"nanoseconds\":9000000000000}},"
        "\"data\":\"AAEC/w==\"}]}}],"
        "\"filters\":{\"refuse_seconds\":2.5}}}";

static void test_call_roundtrip(void **state)
{
	(void)state;
	char err[300];
	Call *c = parse_call(accept_json, RT_PBJSON_STRICT, err, sizeof err);
	if (!c)
		fail_msg("parse: %s", err);
	assert_int_equal(c->type, MESOS__V1__SCHEDULER__CALL__TYPE__ACCEPT);
	assert_string_equal(c->framework_id->value, "m-0000");
	assert_int_equal(c->accept->n_offer_ids, 2);
	assert_string_equal(c->accept->offer_ids[1]->value, "m-O2");
	assert_true(c->accept->filters->has_refuse_seconds);
	assert_true(c->accept->filters->refuse_seconds == 2.5);
	const Mesos__V1__TaskInfo *t = c->accept->operations[0]->launch->task_infos[0];
	assert_int_equal(t->n_resources, 3);
	assert_true(t->resources[0]->scalar->value == 0.5);
	assert_int_equal(t->resources[1]->type, MESOS__V1__VALUE__TYPE__RANGES);
	assert_int_equal(t->resources[1]->ranges->range[0]->end, 31009);
	assert_string_equal(t->resources[2]->set->item[1], "b");
	assert_true(t->command->has_shell);
	assert_false(t->command->shell);
	assert_string_equal(t->command->arguments[1], "h\xc3\xa9");
	assert_int_equal(t->kill_policy->grace_period->nanoseconds, 9000000000000LL);
	assert_true(t->has_data);
	assert_int_equal(t->data.len, 4);
	assert_memory_equal(t->data.data, "\x00\x01\x02\xff", 4);
	/* What was read is what is written, and non-ASCII is escaped. */
	assert_json(&c->base, accept_json);
	char *text = rt_pbjson_dump(&c->base, NULL);
	assert_true(strstr(text, "\"h\\u00e9\"") || strstr(text, "\"h\\u00E9\""));
	assert_null(strchr(text, 0xc3));
	free(text);
	assert_roundtrip(&c->base);
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	static const char ack[] = "{\"framework_id\":{\"value\":\"f\"},\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{"
	                          "\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},"
	                          "\"uuid\":\"AAECAwQFBgcICQoLDA0ODw==\"}}";
	c = parse_call(ack, RT_PBJSON_STRICT, err, sizeof err);
	if (!c)
		fail_msg("parse: %s", err);
	assert_int_equal(c->acknowledge->uuid.len, 16);
	assert_int_equal(c->acknowledge->uuid.data[15], 15);
	assert_json(&c->base, ack);
	assert_roundtrip(&c->base);
	mesos__v1__scheduler__call__free_unpacked(c, NULL);
}

static void test_event_roundtrip(void **state)
{
	(void)state;
	/* OFFERS, built in C as the master builds it. */
	Mesos__V1__OfferID oid = MESOS__V1__OFFER_ID__INIT;
	Mesos__V1__FrameworkID fid = MESOS__V1__FRAMEWORK_ID__INIT;
	Mesos__V1__AgentID aid = MESOS__V1__AGENT_ID__INIT;
	Mesos__V1__Value__Scalar sc = MESOS__V1__VALUE__SCALAR__INIT;
	Mesos__V1__Value__Range rg = MESOS__V1__VALUE__RANGE__INIT;
	Mesos__V1__Value__Range *rgs[] = {&rg};
	Mesos__V1__Value__Ranges rr = MESOS__V1__VALUE__RANGES__INIT;
	Mesos__V1__Resource cpus = MESOS__V1__RESOURCE__INIT, prt = MESOS__V1__RESOURCE__INIT;
	Mesos__V1__Resource *res[] = {&cpus, &prt};
	Mesos__V1__Offer offer = MESOS__V1__OFFER__INIT;
	Mesos__V1__Offer *offers[] = {&offer};
	Mesos__V1__Scheduler__Event__Offers os = MESOS__V1__SCHEDULER__EVENT__OFFERS__INIT;
	Event ev = MESOS__V1__SCHEDULER__EVENT__INIT;
	oid.value = "m-O7";
	fid.value = "m-0000";
	aid.value = "m-S1";
	sc.value = 1;
	cpus.name = "cpus";
	cpus.type = MESOS__V1__VALUE__TYPE__SCALAR;
	cpus.scalar = &sc;
	rg.begin = 31000;
	rg.end = UINT64_MAX; /* above INT64_MAX: written as a string */
	rr.n_range = 1;
	rr.range = rgs;
	prt.name = "ports";
	prt.type = MESOS__V1__VALUE__TYPE__RANGES;
	prt.ranges = &rr;
	offer.id = &oid;
	offer.framework_id = &fid;
	offer.agent_id = &aid;
	offer.hostname = "h1";
	offer.n_resources = 2;
	offer.resources = res;
	os.n_offers = 1;
	os.offers = offers;
	ev.has_type = true;
	ev.type = MESOS__V1__SCHEDULER__EVENT__TYPE__OFFERS;
	ev.offers = &os;
	assert_json(&ev.base, "{\"type\":\"OFFERS\",\"offers\":{\"offers\":[{\"id\":{\"value\":\"m-O7\"},"
	                      "\"framework_id\":{\"value\":\"m-0000\"},\"agent_id\":{\"value\":\"m-S1\"},"
	                      "\"hostname\":\"h1\",\"resources\":["
	                      "{\"name\":\"cpus\",\"type\":\"SCALAR\",\"scalar\":{\"value\":1.0}},"
	                      "{\"name\":\"ports\",\"type\":\"RANGES\",\"ranges\":{\"range\":[{\"begin\":31000,"
	                      "\"end\":\"18446744073709551615\"}]}}]}]}}");
	assert_roundtrip(&ev.base);

	/* UPDATE: enums, bytes, double, bool. */
	static uint8_t uuid[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	Mesos__V1__TaskID tid = MESOS__V1__TASK_ID__INIT;
	Mesos__V1__TaskStatus st = MESOS__V1__TASK_STATUS__INIT;
	Mesos__V1__Scheduler__Event__Update up = MESOS__V1__SCHEDULER__EVENT__UPDATE__INIT;
	Event ev2 = MESOS__V1__SCHEDULER__EVENT__INIT;
	tid.value = "t1";
	st.task_id = &tid;
	st.state = MESOS__V1__TASK_STATE__TASK_RUNNING;
	st.has_source = true;
	st.source = MESOS__V1__TASK_STATUS__SOURCE__SOURCE_AGENT;
	st.has_reason = true;
	st.reason = MESOS__V1__TASK_STATUS__REASON__REASON_RECONCILIATION;
	st.has_uuid = true;
	st.uuid.data = uuid;
	st.uuid.len = 16;
	st.has_timestamp = true;
	st.timestamp = 1764064800.25;
	st.has_healthy = true;
	st.healthy = true;
	st.agent_id = &aid;
	up.status = &st;
	ev2.has_type = true;
	ev2.type = MESOS__V1__SCHEDULER__EVENT__TYPE__UPDATE;
	ev2.update = &up;
	assert_json(&ev2.base, "{\"type\":\"UPDATE\",\"update\":{\"status\":{\"task_id\":{\"value\":\"t1\"},"
	                       "\"state\":\"TASK_RUNNING\",\"source\":\"SOURCE_AGENT\","
	                       "\"reason\":\"REASON_RECONCILIATION\",\"agent_id\":{\"value\":\"m-S1\"},"
	                       "\"timestamp\":1764064800.25,\"uuid\":\"AQIDBAUGBwgJCgsMDQ4PEA==\",\"healthy\":true}}}");
	assert_roundtrip(&ev2.base);

	/* HEARTBEAT: only the type; unset optionals stay out. */
	Event hb = MESOS__V1__SCHEDULER__EVENT__INIT;
	hb.has_type = true;
	hb.type = MESOS__V1__SCHEDULER__EVENT__TYPE__HEARTBEAT;
	assert_json(&hb.base, "{\"type\":\"HEARTBEAT\"}");
	assert_roundtrip(&hb.base);
}

/* As tolerant as Mesos: numbers for enums, strings for numbers, null as
 * absent, unknown keys ignored, base64 without padding or URL-safe. */
static void test_tolerant_input(void **state)
{
	(void)state;
	char err[300];
	Call *c = parse_call("{\"type\":6,\"kill\":{\"task_id\":{\"value\":\"t\"},\"agent_id\":null,"
	                     "\"kill_policy\":{\"grace_period\":{\"nanoseconds\":\"-5\"}},\"future\":[1,2]},"
	                     "\"surprise\":{\"x\":1}}",
	                     0, err, sizeof err);
	if (!c)
		fail_msg("parse: %s", err);
	assert_int_equal(c->type, MESOS__V1__SCHEDULER__CALL__TYPE__KILL);
	assert_null(c->kill->agent_id);
	assert_int_equal(c->kill->kill_policy->grace_period->nanoseconds, -5);
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	c = parse_call("{\"type\":\"ACKNOWLEDGE\",\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},"
	               "\"task_id\":{\"value\":\"t\"},\"uuid\":\"_-8\"}}",
	               0, err, sizeof err);
	if (!c)
		fail_msg("parse: %s", err);
	assert_int_equal(c->acknowledge->uuid.len, 2);
	assert_int_equal(c->acknowledge->uuid.data[0], 0xff);
	assert_int_equal(c->acknowledge->uuid.data[1], 0xef);
	mesos__v1__scheduler__call__free_unpacked(c, NULL);

	/* uint64 given as a string, and a double given as an integer. */
	const char *range_json = "{\"begin\":\"18446744073709551615\",\"end\":2.0}";
	Mesos__V1__Value__Range *r = (Mesos__V1__Value__Range *)rt_pbjson_parse(
	        &mesos__v1__value__range__descriptor, range_json, strlen(range_json), 0, err, sizeof err);
	if (!r)
		fail_msg("parse: %s", err);
	assert_true(r->begin == UINT64_MAX);
	assert_int_equal(r->end, 2);
	protobuf_c_message_free_unpacked(&r->base, NULL);
	Mesos__V1__Filters *f = (Mesos__V1__Filters *)rt_pbjson_parse(&mesos__v1__filters__descriptor,
	                                                              "{\"refuse_seconds\":3}", 20, 0, err, sizeof err);
	assert_non_null(f);
	assert_true(f->has_refuse_seconds && f->refuse_seconds == 3.0);
	mesos__v1__filters__free_unpacked(f, NULL);
}

/* Every class of error fails cleanly (no leak under ASan) and names where. */
static void test_errors_name_the_path(void **state)
{
	(void)state;
	static const struct {
		const char *json;
		int options;
		const char *error;
	} cases[] = {
	        {"{\"type\":\"DECLINE\",", 0, "invalid JSON at line 1"},
	        {"[1]", 0, "expected an object (mesos.v1.scheduler.Call)"},
	        {"{\"type\":\"NOPE\"}", 0, "type: \"NOPE\" is not a value of enum mesos.v1.scheduler.Call.Type"},
	        {"{\"type\":1000}", 0, "type: 1000 is not a value of enum mesos.v1.scheduler.Call.Type"},
	        {"{\"type\":true}", 0, "type: expected a name or number of enum mesos.v1.scheduler.Call.Type"},
	        {"{\"framework_id\":{\"value\":7}}", 0, "framework_id.value: expected a string"},
	        {"{\"framework_id\":[]}", 0, "framework_id: expected an object (mesos.v1.FrameworkID)"},
	        {"{\"framework_id\":{}}", 0, "Missing required fields: framework_id.value"},
	        {"{\"kill\":{\"task_id\":{\"value\":\"t\"},\"kill_policy\":{\"grace_period\":{}}}}", 0,
	         "Missing required fields: kill.kill_policy.grace_period.nanoseconds"},
	        {"{\"kill\":{\"task_id\":{\"value\":\"t\"},\"kill_policy\":{\"grace_period\":{\"nanoseconds\":1.5}}}}",
	         0, "kill.kill_policy.grace_period.nanoseconds: expected a 64-bit integer, got 1.5"},
	        {"{\"kill\":{\"task_id\":{\"value\":\"t\"},\"kill_policy\":{\"grace_period\":{\"nanoseconds\":\"9x\"}}}"
	         "}",
	         0, "kill.kill_policy.grace_period.nanoseconds: expected a 64-bit integer, got \"9x\""},
	        {"{\"decline\":{\"offer_ids\":{\"value\":\"o\"}}}", 0, "decline.offer_ids: expected an array"},
	        {"{\"decline\":{\"offer_ids\":[{\"value\":\"o\"},{\"valu\":\"p\"}]}}", 0,
	         "Missing required fields: decline.offer_ids[1].value"},
	        /* npm mesos-framework's shutdown(): its payload under `kill`. */
	        {"{\"type\":\"SHUTDOWN\",\"kill\":{\"executor_id\":{\"value\":\"e\"},\"agent_id\":{\"value\":\"a\"}}}",
	         0, "Missing required fields: kill.task_id"},
	        {"{\"acknowledge\":{}}", 0,
	         "Missing required fields: acknowledge.agent_id, acknowledge.task_id, acknowledge.uuid"},
	        {"{\"decline\":{\"filters\":{\"refuse_seconds\":\"soon\"}}}", 0,
	         "decline.filters.refuse_seconds: expected a number"},
	        {"{\"acknowledge\":{\"agent_id\":{\"value\":\"a\"},\"task_id\":{\"value\":\"t\"},\"uuid\":\"a*b=\"}}",
	         0, "acknowledge.uuid: expected a base64 string, got \"a*b=\""},
	        {"{\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\",\"checkpoint\":\"yes\"}}}", 0,
	         "subscribe.framework_info.checkpoint: expected a boolean"},
	        {"{\"subscribe\":{\"framework_info\":{\"user\":\"u\",\"name\":\"n\",\"roles\":[\"a\",3]}}}", 0,
	         "subscribe.framework_info.roles[1]: expected a string"},
	        {"{\"decline\":{\"offer_ids\":[],\"bogus\":1}}", RT_PBJSON_STRICT,
	         "decline.bogus: unknown field of mesos.v1.scheduler.Call.Decline"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[300];
		Call *c = parse_call(cases[i].json, cases[i].options, err, sizeof err);
		if (c)
			fail_msg("case %zu parsed: %s", i, cases[i].json);
		if (strncmp(err, cases[i].error, strlen(cases[i].error)) != 0)
			fail_msg("case %zu: got \"%s\"\nwant \"%s\"", i, err, cases[i].error);
	}
	/* An out-of-range 32-bit field, on another message type. */
	char err[300];
	const char *addr = "{\"hostname\":\"h\",\"port\":4294967296}";
	assert_null(rt_pbjson_parse(&mesos__v1__address__descriptor, addr, strlen(addr), 0, err, sizeof err));
	assert_string_equal(err, "port: expected a 32-bit integer, got 4294967296 (out of range)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_call_roundtrip),
	        cmocka_unit_test(test_event_roundtrip),
	        cmocka_unit_test(test_tolerant_input),
	        cmocka_unit_test(test_errors_name_the_path),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
