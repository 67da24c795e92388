/*
 * test_multirole.c — multi-role frameworks (ac_mfw_*): one core framework
 * per role, offers per role, suppress/revive per role, roles added and
 * dropped (a dropped role that holds resources stays, removing, until they
 * are recovered, as in Mesos), restoring into a role, and bad input that
 * changes nothing.
 */
#include "harness.h"

static ac_mfw_id h_mfw(harness *h, const char *name, const char *const *roles, size_t n)
{
	ac_mfw_id id;
	ac_err err = {0};
	if (ac_mfw_add(h->core, name, roles, n, NULL, &id, &err))
		fail_msg("mfw add %s: %s", name, err.msg);
	return id;
}

/* "a,b|c": the subscribed roles, then after '|' the removing ones. */
static const char *roles_of(harness *h, ac_mfw_id m)
{
	static char buf[256];
	char sub[128] = "", rem[128] = "";
	bool removing;
	const char *r;
	for (size_t i = 0; (r = ac_mfw_role_at(h->core, m, i, NULL, &removing)); i++) {
		char *to = removing ? rem : sub;
		size_t len = strlen(to);
		snprintf(to + len, sizeof sub - len, "%s%s", len ? "," : "", r);
	}
	snprintf(buf, sizeof buf, "%s%s%s", sub, rem[0] ? "|" : "", rem);
	return buf;
}

/* Each role is a core framework of its own, named F for the first and
 * F#ROLE after; offers name it, and ac_mfw_of leads back. */
static void test_offers_per_role(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	h_agent(h, "s1", "cpus:4;mem:4096");
	h_agent(h, "s2", "cpus:4;mem:4096");
	const char *roles[] = {"a", "b"};
	ac_mfw_id m = h_mfw(h, "F", roles, 2);
	assert_int_equal(ac_mfw_set_tag(h->core, m, 7, NULL), 0);
	assert_int_equal(h_allocate(h), 2);
	assert_string_equal(h_line(h, 0), "offer F s1 cpus:4;mem:4096");
	assert_string_equal(h_line(h, 1), "offer F#b s2 cpus:4;mem:4096");
	const char *role = NULL;
	assert_int_equal(ac_mfw_of(h->core, h->ev[1].fw, &role), m);
	assert_string_equal(role, "b");
	assert_int_equal(h->ev[1].fw_tag, 7);
	assert_int_equal(ac_mfw_role_fw(h->core, m, "a"), h->ev[0].fw);
	ac_fw_info fi;
	assert_int_equal(ac_fw_info_get(h->core, h->ev[0].fw, &fi, NULL), 0);
	assert_string_equal(fi.role, "a");
	ac_mfw_info mi;
	assert_int_equal(ac_mfw_info_get(h->core, m, &mi, NULL), 0);
	assert_string_equal(mi.name, "F");
	assert_int_equal(mi.nroles, 2);
	assert_int_equal(mi.nremoving, 0);
	/* A plain framework is no multi-role framework's. */
	ac_fw_id p = h_fw(h, "P", NULL, 0, 0);
	assert_int_equal(ac_mfw_of(h->core, p, NULL), 0);
	h_free(h);
}

/* SUPPRESS of one role leaves the other offered; a role the framework is
 * not subscribed to drops the whole call. */
static void test_suppress_per_role(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	h_agent(h, "s1", "cpus:4;mem:4096");
	const char *roles[] = {"a", "b"};
	ac_mfw_id m = h_mfw(h, "F", roles, 2);
	const char *bad[] = {"a", "x"};
	ac_err err = {0};
	assert_int_equal(ac_mfw_suppress(h->core, m, bad, 2, &err), AC_ENOENT);
	assert_non_null(strstr(err.msg, "x is not a role"));
	ac_fw_info fi;
	ac_fw_info_get(h->core, ac_mfw_role_fw(h->core, m, "a"), &fi, NULL);
	assert_false(fi.suppressed);
	assert_int_equal(ac_mfw_suppress(h->core, m, roles, 1, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer F#b s1 cpus:4;mem:4096");
	assert_int_equal(h_decline(h, ac_mfw_role_fw(h->core, m, "b"), h->ev[0].agent, 0, NULL), 0);
	assert_int_equal(ac_mfw_suppress(h->core, m, NULL, 0, NULL), 0); /* every role */
	assert_int_equal(h_allocate(h), 0);
	assert_int_equal(ac_mfw_revive(h->core, m, roles, 1, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 1), "offer F s1 cpus:4;mem:4096");
	h_free(h);
}

/* Dropping roles: one holding nothing goes (its offer rescinded); one
 * holding a task is removing — its offer rescinded, no new ones, its
 * allocation still its role's — until the task's resources are recovered. */
static void test_drop_roles(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id s1 = h_agent(h, "s1", "cpus:4;mem:4096");
	ac_agent_id s2 = h_agent(h, "s2", "cpus:4;mem:4096");
	const char *roles[] = {"a", "b"};
	ac_mfw_id m = h_mfw(h, "F", roles, 2);
	ac_fw_id fa = ac_mfw_role_fw(h->core, m, "a"), fb = ac_mfw_role_fw(h->core, m, "b");
	assert_int_equal(h_allocate(h), 2);
	assert_int_equal(h_accept(h, fa, s1, "cpus:1;mem:1024", 0, NULL), 0);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 2), "offer F s1 cpus:3;mem:3072");
	const char *c[] = {"c"};
	ac_err err = {0};
	assert_int_equal(ac_mfw_update(h->core, m, c, 1, &err), 0);
	assert_string_equal(roles_of(h, m), "c|a");
	/* a's outstanding offer and b's went back; b's framework is gone */
	assert_true(h->ev[3].rescind && h->ev[4].rescind);
	assert_int_equal(h->ev[3].fw, fa);
	assert_int_equal(h->ev[4].fw, fb);
	assert_int_equal(ac_mfw_role_fw(h->core, m, "b"), 0);
	assert_int_not_equal(ac_fw_info_get(h->core, fb, NULL, NULL), 0);
	ac_role_info ri;
	assert_int_equal(ac_role_info_get(h->core, "a", &ri, NULL), 0);
	assert_int_equal(ri.allocated.v[AC_CPUS], 1000);
	assert_int_equal(ri.frameworks, 1);
	/* a gets nothing more; c gets the rest */
	assert_int_equal(h_allocate(h), 2);
	assert_string_equal(h_line(h, 5), "offer F#c s1 cpus:3;mem:3072");
	assert_string_equal(h_line(h, 6), "offer F#c s2 cpus:4;mem:4096");
	ac_mfw_info mi;
	ac_mfw_info_get(h->core, m, &mi, NULL);
	assert_int_equal(mi.nroles, 1);
	assert_int_equal(mi.nremoving, 1);
	/* SUPPRESS naming a removing role is refused */
	assert_int_equal(ac_mfw_suppress(h->core, m, roles, 1, NULL), AC_ENOENT);
	/* The task ends: the role goes with what it held. */
	ac_resources r = h_res(h, "cpus:1;mem:1024");
	bool gone = false;
	assert_int_equal(ac_mfw_recover(h->core, fa, s1, &r, &gone, &err), 0);
	assert_true(gone);
	assert_string_equal(roles_of(h, m), "c");
	assert_int_not_equal(ac_fw_info_get(h->core, fa, NULL, NULL), 0);
	assert_int_equal(ac_role_info_get(h->core, "a", &ri, NULL), 0);
	assert_int_equal(ri.frameworks, 0);
	(void)s2;
	h_free(h);
}

/* Naming a removing role again makes it subscribed (offered) again, with
 * what it holds; activation leaves a removing role out. */
static void test_readd_removing(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id s1 = h_agent(h, "s1", "cpus:4;mem:4096");
	const char *ab[] = {"a", "b"};
	ac_mfw_id m = h_mfw(h, "F", ab, 2);
	ac_fw_id fa = ac_mfw_role_fw(h->core, m, "a");
	assert_int_equal(h_allocate(h), 1);
	assert_int_equal(h_accept(h, fa, s1, "cpus:1;mem:1024", 0, NULL), 0);
	assert_int_equal(ac_mfw_update(h->core, m, ab + 1, 1, NULL), 0);
	assert_string_equal(roles_of(h, m), "b|a");
	assert_int_equal(ac_mfw_deactivate(h->core, m, NULL), 0);
	assert_int_equal(ac_mfw_activate(h->core, m, NULL), 0);
	ac_fw_info fi;
	ac_fw_info_get(h->core, fa, &fi, NULL);
	assert_false(fi.active);
	assert_int_equal(ac_mfw_update(h->core, m, ab, 2, NULL), 0);
	assert_string_equal(roles_of(h, m), "a,b");
	assert_int_equal(ac_mfw_role_fw(h->core, m, "a"), fa);
	ac_fw_info_get(h->core, fa, &fi, NULL);
	assert_true(fi.active);
	assert_int_equal(fi.allocated.v[AC_CPUS], 1000);
	/* an inactive framework's re-named role stays inactive */
	assert_int_equal(ac_mfw_update(h->core, m, ab + 1, 1, NULL), 0);
	assert_int_equal(ac_mfw_deactivate(h->core, m, NULL), 0);
	assert_int_equal(ac_mfw_update(h->core, m, ab, 2, NULL), 0);
	ac_fw_info_get(h->core, fa, &fi, NULL);
	assert_false(fi.active);
	h_free(h);
}

/* A framework known only from its tasks (no roles): what an agent reports
 * for a role is charged to it as removing, until the framework names it;
 * an agent's removal takes what a removing role held, and prune ends it. */
static void test_restore_and_prune(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	ac_agent_id s1 = h_agent(h, "s1", "cpus:4;mem:4096");
	ac_agent_id s2 = h_agent(h, "s2", "cpus:4;mem:4096");
	ac_mfw_id m = h_mfw(h, "F", NULL, 0);
	assert_int_equal(ac_mfw_deactivate(h->core, m, NULL), 0);
	ac_resources r = h_res(h, "cpus:1;mem:1024");
	ac_fw_id fa, fb, again;
	assert_int_equal(ac_mfw_restore(h->core, m, "a", s1, &r, &fa, NULL), 0);
	assert_int_equal(ac_mfw_restore(h->core, m, "b", s2, &r, &fb, NULL), 0);
	assert_int_equal(ac_mfw_restore(h->core, m, "a", s2, &r, &again, NULL), 0);
	assert_int_equal(again, fa);
	assert_string_equal(roles_of(h, m), "|a,b");
	ac_fw_info fi;
	ac_fw_info_get(h->core, fa, &fi, NULL);
	assert_string_equal(fi.name, "F");
	assert_int_equal(fi.allocated.v[AC_CPUS], 2000);
	/* restoring more than is free changes nothing */
	ac_resources big = h_res(h, "cpus:9");
	assert_int_equal(ac_mfw_restore(h->core, m, "c", s1, &big, NULL, NULL), AC_EINVAL);
	assert_string_equal(roles_of(h, m), "|a,b");
	/* the framework subscribes with b: a stays removing */
	const char *b[] = {"b"};
	assert_int_equal(ac_mfw_update(h->core, m, b, 1, NULL), 0);
	assert_int_equal(ac_mfw_activate(h->core, m, NULL), 0);
	assert_string_equal(roles_of(h, m), "b|a");
	assert_int_equal(ac_agent_remove(h->core, s1, NULL), 0);
	assert_int_equal(ac_mfw_prune(h->core, m, NULL), 0); /* a still holds on s2 */
	assert_int_equal(ac_agent_remove(h->core, s2, NULL), 0);
	assert_int_equal(ac_mfw_prune(h->core, m, NULL), 1);
	assert_string_equal(roles_of(h, m), "b");
	assert_int_equal(ac_mfw_remove(h->core, m, NULL), 0);
	assert_int_equal(ac_fw_count(h->core), 0);
	h_free(h);
}

/* Bad input is refused with a message and leaves everything as it was. */
static void test_bad_input(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	h_agent(h, "s1", "cpus:4;mem:4096");
	ac_err err = {0};
	ac_mfw_id m;
	const char *dup[] = {"a", "a"}, *badname[] = {"a", "b//c"}, *null[] = {NULL};
	assert_int_equal(ac_mfw_add(h->core, "F", dup, 2, NULL, &m, &err), AC_EINVAL);
	assert_non_null(strstr(err.msg, "named twice"));
	assert_int_equal(ac_mfw_add(h->core, "F", badname, 2, NULL, &m, &err), AC_EINVAL);
	assert_int_equal(ac_mfw_add(h->core, "F", null, 1, NULL, &m, &err), AC_EINVAL);
	assert_int_equal(ac_mfw_add(h->core, "", dup, 1, NULL, &m, &err), AC_EINVAL);
	/* the second role's core name is taken: the first is undone too */
	h_fw(h, "G#b", "b", 0, 0);
	const char *ab[] = {"a", "b"};
	assert_int_equal(ac_mfw_add(h->core, "G", ab, 2, NULL, &m, &err), AC_EEXIST);
	assert_int_equal(ac_fw_count(h->core), 1);
	assert_int_equal(ac_fw_find(h->core, "G"), 0);

	m = h_mfw(h, "F", ab, 2);
	ac_fw_id fa = ac_mfw_role_fw(h->core, m, "a");
	h_fw(h, "F#c", "c", 0, 0);
	const char *abc[] = {"a", "b", "c"}, *none[] = {NULL};
	assert_int_equal(ac_mfw_update(h->core, m, abc, 3, &err), AC_EEXIST);
	assert_int_equal(ac_mfw_update(h->core, m, dup, 2, &err), AC_EINVAL);
	assert_int_equal(ac_mfw_update(h->core, m, none, 0, &err), AC_EINVAL);
	assert_int_equal(ac_mfw_update(h->core, m, badname, 2, &err), AC_EINVAL);
	assert_string_equal(roles_of(h, m), "a,b");
	assert_int_equal(ac_fw_count(h->core), 4);
	assert_int_equal(ac_mfw_restore(h->core, m, "x//y", 0, NULL, NULL, &err), AC_EINVAL);
	ac_resources r = h_res(h, "cpus:1");
	assert_int_equal(ac_mfw_recover(h->core, fa, ac_agent_find(h->core, "s1"), &r, NULL, &err), AC_EINVAL);
	assert_string_equal(roles_of(h, m), "a,b");
	/* a stale handle */
	assert_int_equal(ac_mfw_remove(h->core, m, NULL), 0);
	assert_int_equal(ac_mfw_remove(h->core, m, &err), AC_ENOENT);
	assert_int_equal(ac_mfw_update(h->core, m, ab, 1, &err), AC_ENOENT);
	assert_null(ac_mfw_role_at(h->core, m, 0, NULL, NULL));
	assert_int_equal(ac_fw_count(h->core), 2);
	h_free(h);
}

/* A one-role framework is exactly ac_fw_add's: same name, same offers. */
static void test_one_role_is_plain(void **state)
{
	(void)state;
	harness *h = h_new("drf");
	h_agent(h, "s1", "cpus:4;mem:4096");
	const char *roles[] = {"a"};
	ac_fw_opts o = {.weight = 2, .priority = 3};
	ac_mfw_id m;
	assert_int_equal(ac_mfw_add(h->core, "F", roles, 1, &o, &m, NULL), 0);
	ac_fw_info fi;
	assert_int_equal(ac_fw_info_get(h->core, ac_mfw_role_fw(h->core, m, "a"), &fi, NULL), 0);
	assert_string_equal(fi.name, "F");
	assert_string_equal(fi.role, "a");
	assert_true(fi.weight == 2.0);
	assert_int_equal(fi.priority, 3);
	assert_int_equal(h_allocate(h), 1);
	assert_string_equal(h_line(h, 0), "offer F s1 cpus:4;mem:4096");
	h_free(h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_offers_per_role),   cmocka_unit_test(test_suppress_per_role),
	        cmocka_unit_test(test_drop_roles),        cmocka_unit_test(test_readd_removing),
	        cmocka_unit_test(test_restore_and_prune), cmocka_unit_test(test_bad_input),
	        cmocka_unit_test(test_one_role_is_plain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
