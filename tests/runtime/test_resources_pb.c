/*
 * test_resources_pb.c — Mesos Resource messages <-> alloccore sets
 * (runtime/src/rt_resources.h): what the master reads from agents and tasks
 * and what it writes into offers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rt_resources.h"

static Mesos__V1__Resource *scalar(rt_arena *a, const char *name, double v, const char *role)
{
	Mesos__V1__Resource *r = rt_arena_alloc(a, sizeof *r);
	mesos__v1__resource__init(r);
	r->name = (char *)name;
	r->type = MESOS__V1__VALUE__TYPE__SCALAR;
	r->scalar = rt_arena_alloc(a, sizeof *r->scalar);
	mesos__v1__value__scalar__init(r->scalar);
	r->scalar->value = v;
	if (role)
		r->role = (char *)role;
	return r;
}

static Mesos__V1__Resource *ports(rt_arena *a, uint64_t b, uint64_t e)
{
	Mesos__V1__Resource *r = rt_arena_alloc(a, sizeof *r);
	mesos__v1__resource__init(r);
	r->name = "ports";
	r->type = MESOS__V1__VALUE__TYPE__RANGES;
	r->ranges = rt_arena_alloc(a, sizeof *r->ranges);
	mesos__v1__value__ranges__init(r->ranges);
	r->ranges->n_range = 1;
	r->ranges->range = rt_arena_alloc(a, sizeof *r->ranges->range);
	r->ranges->range[0] = rt_arena_alloc(a, sizeof **r->ranges->range);
	mesos__v1__value__range__init(r->ranges->range[0]);
	r->ranges->range[0]->begin = b;
	r->ranges->range[0]->end = e;
	return r;
}

static void test_roundtrip(void **state)
{
	ac_core *core;
	assert_int_equal(ac_core_create(NULL, NULL, &core, NULL), 0);
	rt_arena *a = rt_arena_create();
	Mesos__V1__Resource *in[] = {scalar(a, "cpus", 1.5123, NULL), scalar(a, "mem", 256, "*"),
	                             scalar(a, "cpus", 2, "batch"), ports(a, 31000, 31009)};
	ac_resources r;
	ac_err err;
	assert_int_equal(rt_resources_from_pb(core, in, 4, &r, &err), 0);
	char text[256];
	/* Rounded to three decimals as Mesos does; the role reserves. */
	assert_string_equal(rt_resources_text(core, &r, text, sizeof text),
	                    "cpus:1.512;mem:256;ports:[31000-31009];cpus(batch):2");
	size_t n;
	Mesos__V1__Resource **out = rt_resources_to_pb(core, &r, "web", a, &n);
	assert_int_equal(n, 4);
	assert_string_equal(out[0]->name, "cpus");
	assert_true(fabs(out[0]->scalar->value - 1.512) < 1e-9);
	assert_string_equal(out[0]->role, "*");
	assert_string_equal(out[0]->allocation_info->role, "web");
	assert_string_equal(out[2]->name, "ports");
	assert_int_equal(out[2]->ranges->range[0]->begin, 31000);
	assert_string_equal(out[3]->role, "batch");
	ac_resources back;
	assert_int_equal(rt_resources_from_pb(core, out, n, &back, &err), 0);
	assert_true(ac_resources_equal(&r, &back));
	rt_arena_destroy(a);
	ac_core_destroy(core);
}

static void test_rejects(void **state)
{
	ac_core *core;
	assert_int_equal(ac_core_create(NULL, NULL, &core, NULL), 0);
	rt_arena *a = rt_arena_create();
	ac_resources r;
	ac_err err;
	Mesos__V1__Resource *neg[] = {scalar(a, "cpus", -1, NULL)};
	assert_int_not_equal(rt_resources_from_pb(core, neg, 1, &r, &err), 0);
	Mesos__V1__Resource *nan_[] = {scalar(a, "cpus", NAN, NULL)};
	assert_int_not_equal(rt_resources_from_pb(core, nan_, 1, &r, &err), 0);
	Mesos__V1__Resource *huge[] = {scalar(a, "mem", 1e300, NULL)};
	assert_int_not_equal(rt_resources_from_pb(core, huge, 1, &r, &err), 0);
	Mesos__V1__Resource *badname[] = {scalar(a, "cpus;mem", 1, NULL)};
	assert_int_not_equal(rt_resources_from_pb(core, badname, 1, &r, &err), 0);
	Mesos__V1__Resource *badrole[] = {scalar(a, "cpus", 1, "a)b")};
	assert_int_not_equal(rt_resources_from_pb(core, badrole, 1, &r, &err), 0);
	Mesos__V1__Resource *badports[] = {ports(a, 10, 5)};
	assert_int_not_equal(rt_resources_from_pb(core, badports, 1, &r, &err), 0);
	Mesos__V1__Resource *set = scalar(a, "disks", 1, NULL);
	set->type = MESOS__V1__VALUE__TYPE__SET;
	Mesos__V1__Resource *sets[] = {set};
	assert_int_not_equal(rt_resources_from_pb(core, sets, 1, &r, &err), 0);
	assert_non_null(strstr(err.msg, "unsupported"));
	Mesos__V1__Resource *noscalar = scalar(a, "cpus", 1, NULL);
	noscalar->scalar = NULL;
	Mesos__V1__Resource *ns[] = {noscalar};
	assert_int_not_equal(rt_resources_from_pb(core, ns, 1, &r, &err), 0);
	/* Nothing at all is the empty set, not an error. */
	assert_int_equal(rt_resources_from_pb(core, NULL, 0, &r, &err), 0);
	assert_true(ac_resources_empty(&r));
	rt_arena_destroy(a);
	ac_core_destroy(core);
}

/* The v0 model (/master/state's `resources`): ranges of every group and of
 * every set added are sorted and joined, as Mesos writes them. */
static void test_model_ranges(void **state)
{
	(void)state;
	ac_core *core;
	assert_int_equal(ac_core_create(NULL, NULL, &core, NULL), 0);
	ac_resources r;
	ac_err err;
	assert_int_equal(
	        ac_resources_parse(core, "cpus:1;ports:[31010-31999,31005-31009];ports(web):[31000-31004]", &r, &err),
	        0);
	json_t *map = rt_resources_model(core, &r);
	assert_string_equal(json_string_value(json_object_get(map, "ports")), "[31000-31999]");
	assert_int_equal(ac_resources_parse(core, "cpus:2;ports:[40000-40001,20000-20000]", &r, &err), 0);
	rt_resources_model_add(core, map, &r);
	assert_string_equal(json_string_value(json_object_get(map, "ports")),
	                    "[20000-20000, 31000-31999, 40000-40001]");
	assert_true(json_number_value(json_object_get(map, "cpus")) == 3);
	json_decref(map);
	ac_core_destroy(core);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_roundtrip),
	        cmocka_unit_test(test_rejects),
	        cmocka_unit_test(test_model_ranges),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
