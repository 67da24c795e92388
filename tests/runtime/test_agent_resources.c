/*
 * test_agent_resources.c — the agent's resources when --resources leaves
 * kinds out (runtime/agent/agent_resources.c), from given host totals:
 * Mesos's rule per kind (memory less 1 GB, half below 2 GB; disk less 5 GB,
 * half below 10 GB; whole MB, truncated; ports [31000-32000]), kinds the
 * flag names kept as given (with roles too), Mesos's defaults when the host
 * is unknown, and the probe of this host sane.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent.h"

#define MiB (1024ull * 1024)
#define GiB (1024ull * MiB)

static void test_shares(void **state)
{
	(void)state;
	assert_int_equal(agent_default_mem_mb(16 * GiB), 15 * 1024);
	assert_int_equal(agent_default_mem_mb(2 * GiB), 1024);
	assert_int_equal(agent_default_mem_mb(2 * GiB - 1), (2 * GiB - 1) / 2 / MiB); /* half: 1023 */
	assert_int_equal(agent_default_mem_mb(1 * GiB), 512);
	assert_int_equal(agent_default_mem_mb(16 * GiB + 123456), 15 * 1024); /* truncated */
	assert_int_equal(agent_default_disk_mb(100 * GiB), 95 * 1024);
	assert_int_equal(agent_default_disk_mb(10 * GiB), 5 * 1024);
	assert_int_equal(agent_default_disk_mb(8 * GiB), 4 * 1024);
	assert_int_equal(agent_default_disk_mb(0), 0);
}

static void test_filled_in(void **state)
{
	(void)state;
	agent_host h = {.cpus = 8,
	                .mem_bytes = 16 * GiB,
	                .disk_bytes = 100 * GiB,
	                .cpus_known = true,
	                .mem_known = true,
	                .disk_known = true};
	char out[256];
	assert_int_equal(agent_default_resources(NULL, &h, out, sizeof out), 0);
	assert_string_equal(out, "cpus:8;mem:15360;disk:97280;ports:[31000-32000]");
	assert_int_equal(agent_default_resources("", &h, out, sizeof out), 0);
	assert_string_equal(out, "cpus:8;mem:15360;disk:97280;ports:[31000-32000]");
	/* What the flag names stays as given, roles and zeros too. */
	assert_int_equal(agent_default_resources("cpus:2;mem:256", &h, out, sizeof out), 0);
	assert_string_equal(out, "cpus:2;mem:256;disk:97280;ports:[31000-32000]");
	assert_int_equal(agent_default_resources("cpus(web):2;disk:0;ports:[1-2]", &h, out, sizeof out), 0);
	assert_string_equal(out, "cpus(web):2;disk:0;ports:[1-2];mem:15360");
	/* "cpusx" is not cpus. */
	assert_int_equal(agent_default_resources("cpusx:1", &h, out, sizeof out), 0);
	assert_string_equal(out, "cpusx:1;cpus:8;mem:15360;disk:97280;ports:[31000-32000]");
	char tiny[8];
	assert_int_equal(agent_default_resources(NULL, &h, tiny, sizeof tiny), -1);
}

static void test_unknown_host(void **state)
{
	(void)state;
	agent_host h = {0};
	char out[256];
	assert_int_equal(agent_default_resources(NULL, &h, out, sizeof out), 0);
	assert_string_equal(out, "cpus:1;mem:1024;disk:10240;ports:[31000-32000]");
}

static void test_probe(void **state)
{
	(void)state;
	agent_host h;
	agent_host_probe("/", &h);
	assert_true(h.cpus_known && h.cpus >= 1);
	assert_true(h.mem_known && h.mem_bytes > 64 * MiB);
	assert_true(h.disk_known && h.disk_bytes > 0);
	agent_host_probe("/no/such/folder", &h);
	assert_false(h.disk_known);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shares),
	        cmocka_unit_test(test_filled_in),
	        cmocka_unit_test(test_unknown_host),
	        cmocka_unit_test(test_probe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
