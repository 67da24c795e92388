/*
 * meso-alloc — a scenario driver for alloccore: reads allocator commands, one
 * per line (a file or stdin), drives one core and prints every offer it makes
 * and every offer it rescinds. The language is documented in alloccore/README.md.
 */
#define _POSIX_C_SOURCE 200809L /* getline */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloccore/alloccore.h"
#include "alloccore/module.h"
#include "alloccore/policy.h"

#define MAX_TOKENS 16
#define MAX_ROLES  64 /* of one multi-role framework, on one line */

static const char usage_text[] =
        "usage: meso-alloc [--policy P] [FILE]\n"
        "Reads allocator commands from FILE (or stdin) and prints the offers the core\n"
        "makes (`offer F A RESOURCES`) and takes back (`rescind F A RESOURCES`).\n"
        "\n"
        "  policy drf|priority|asset|random|module:PATH[:ARGS]   seed N   (before any other command)\n"
        "  interval S     min_allocatable cpus:0.01|mem:32     offer_timeout S\n"
        "  agent add A RESOURCES      agent remove A      agent update A RESOURCES\n"
        "  agent reserve|unreserve A ROLE RESOURCES [from=R|to=R] [held=F]\n"
        "                                             dynamic reservation (free, or F's); from=/to=: refine\n"
        "  framework add F [role=R | roles=R1,R2,...] [weight=W] [priority=P]   framework remove F\n"
        "  framework suppress F [ROLE...] | revive F [ROLE...] | deactivate F | activate F\n"
        "  framework roles F R1,R2,...  a multi-role framework's roles (a dropped one holding\n"
        "                               resources stays, removing, until they are recovered)\n"
        "  demand F [tasks=N] [next=RESOURCES] [pending=RESOURCES] [remaining=S]\n"
        "  role weight R W            role quota R [guarantee=RESOURCES] [limit=RESOURCES]\n"
        "  allocate                   one allocation pass at the current time\n"
        "  advance S                  move the clock S seconds; expire offers\n"
        "  accept F A RESOURCES [refuse=S]   use part of F's offers on A; decline the rest\n"
        "  decline F A|* [refuse=S]          decline F's offers on A (or on every agent)\n"
        "  recover F A RESOURCES             resources F held on A are free again\n"
        "\n"
        "A multi-role framework's role R is named F(R) in accept, decline, recover, demand\n"
        "and in what is printed.\n"
        "--policy P sets the policy as a first `policy P` line would.\n"
        "Resources in Mesos text: cpus:2;mem:1024;cpus(role1):1;ports:[31000-32000].\n"
        "Times in seconds; refuse defaults to 5, 0 means no filter. `#` starts a comment.\n"
        "Exit status: 0 at the end of input, 2 on an invalid line or usage, 1 on I/O errors.\n";

/* An offer or rescind reported by a hook, printed once the call returns:
 * hooks must not call back into the core, and formatting needs it. */
struct event {
	bool rescind, preempt;
	ac_fw_id for_fw; /* preempt: on behalf of (0: none) */
	ac_fw_id fw;
	ac_agent_id agent;
	ac_resources res;
};

struct driver {
	ac_config cfg;
	char *policy, *min_allocatable; /* owned copies behind cfg's pointers */
	ac_module *module;              /* the policy's module, when it is one */
	ac_core *core;                  /* created by the first command that needs it */
	ac_time now;
	uint64_t gone_agent, gone_fw; /* removed by the current line */
	const char *gone_name;
	/* Multi-role frameworks (ac_mfw_*), by name; the printed names of the
	 * role frameworks the current line removes (their rescinds come after). */
	struct mfw {
		char *name;
		ac_mfw_id id;
	} * mfws;
	size_t nmfws, mfws_cap;
	struct gone {
		ac_fw_id fw;
		char *name;
	} * gone;
	size_t ngone, gone_cap;
	struct event *events;
	size_t nevents, events_cap;
	ac_offer_id *ids;
	size_t ids_cap;
	char *text; /* formatted resources */
	size_t text_cap;
	unsigned long line;
};

/* ------------------------------------------------------------ small helpers */

static void die_oom(void)
{
	fflush(stdout);
	fprintf(stderr, "meso-alloc: out of memory\n");
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xrealloc(NULL, n), s, n);
}

/* ------------------------------------------------------------ hooks and output */

static void push_event(struct driver *d, bool rescind, const ac_offer_view *v)
{
	if (d->nevents == d->events_cap) {
		d->events_cap = d->events_cap ? 2 * d->events_cap : 16;
		d->events = xrealloc(d->events, d->events_cap * sizeof *d->events);
	}
	struct event *e = &d->events[d->nevents++];
	e->rescind = rescind;
	e->preempt = false;
	e->for_fw = 0;
	e->fw = v->fw;
	e->agent = v->agent;
	e->res = *v->resources;
}

static void on_offer(void *ud, const ac_offer_view *offer)
{
	push_event(ud, false, offer);
}

static void on_rescind(void *ud, const ac_offer_view *offer, ac_rescind_reason why)
{
	(void)why;
	push_event(ud, true, offer);
}

/* A preemption request of the policy's: printed as
 * `preempt VICTIM A RESOURCES [for F]` (the driver revokes nothing). */
static void on_preempt(void *ud, const ac_preempt_request *r)
{
	struct driver *d = ud;
	ac_offer_view v = {0};
	ac_resources res;
	ac_resources_init(&res);
	res.group[0].amount = r->amount;
	v.fw = r->victim;
	v.agent = r->agent;
	v.resources = &res;
	push_event(d, false, &v);
	d->events[d->nevents - 1].preempt = true;
	d->events[d->nevents - 1].for_fw = r->for_fw;
}

/* Names to print: the core's, or that of the agent or framework the current
 * line removed (its rescinds are reported after the removal). */
static const char *agent_name(struct driver *d, ac_agent_id id)
{
	ac_agent_info info;
	if (id == d->gone_agent)
		return d->gone_name;
	return ac_agent_info_get(d->core, id, &info, NULL) == 0 ? info.name : "?";
}

/* A role framework of a multi-role framework prints as F(ROLE). */
static const char *fw_name(struct driver *d, ac_fw_id id)
{
	static char buf[2200];
	ac_fw_info info;
	ac_mfw_info mi;
	const char *role;
	if (id == d->gone_fw)
		return d->gone_name;
	for (size_t i = 0; i < d->ngone; i++)
		if (d->gone[i].fw == id)
			return d->gone[i].name;
	ac_mfw_id m = ac_mfw_of(d->core, id, &role);
	if (m && ac_mfw_info_get(d->core, m, &mi, NULL) == 0) {
		snprintf(buf, sizeof buf, "%s(%s)", mi.name, role);
		return buf;
	}
	return ac_fw_info_get(d->core, id, &info, NULL) == 0 ? info.name : "?";
}

static ac_mfw_id mfw_find(const struct driver *d, const char *name, size_t len)
{
	for (size_t i = 0; i < d->nmfws; i++)
		if (strlen(d->mfws[i].name) == len && !memcmp(d->mfws[i].name, name, len))
			return d->mfws[i].id;
	return 0;
}

/* Remembers the printed names of multi-role framework m's role frameworks,
 * for the rescinds of a call that may remove them. */
static void gone_note(struct driver *d, ac_mfw_id m)
{
	ac_fw_id fw;
	for (size_t i = 0; ac_mfw_role_at(d->core, m, i, &fw, NULL); i++) {
		if (d->ngone == d->gone_cap) {
			d->gone_cap = d->gone_cap ? 2 * d->gone_cap : 8;
			d->gone = xrealloc(d->gone, d->gone_cap * sizeof *d->gone);
		}
		char *name = xstrdup(fw_name(d, fw)); /* before the entry counts */
		d->gone[d->ngone++] = (struct gone){fw, name};
	}
}

static void gone_clear(struct driver *d)
{
	for (size_t i = 0; i < d->ngone; i++)
		free(d->gone[i].name);
	d->ngone = 0;
}

/* Prints the offers and rescinds the last core call reported, in order. */
static void print_events(struct driver *d)
{
	for (size_t i = 0; i < d->nevents; i++) {
		const struct event *e = &d->events[i];
		size_t need = ac_resources_format(d->core, &e->res, d->text, d->text_cap);
		if (need >= d->text_cap) {
			d->text_cap = need + 1;
			d->text = xrealloc(d->text, d->text_cap);
			ac_resources_format(d->core, &e->res, d->text, d->text_cap);
		}
		printf("%s %s %s %s",
		       e->preempt   ? "preempt"
		       : e->rescind ? "rescind"
		                    : "offer",
		       fw_name(d, e->fw), agent_name(d, e->agent), d->text);
		if (e->for_fw && e->preempt)
			printf(" for %s", fw_name(d, e->for_fw));
		putchar('\n');
	}
	d->nevents = 0;
}

/* Reports an invalid line; always returns -1 so callers can `return fail(...)`.
 * Whatever the core reported before rejecting the call is printed first: a
 * rejected call should report nothing, and a scenario shows it if it did. */
static int fail(struct driver *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct driver *d, const char *fmt, ...)
{
	va_list ap;
	print_events(d);
	fflush(stdout);
	fprintf(stderr, "error: line %lu: ", d->line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* Reports a call the core rejected, with the core's own message (which may
 * already start with "what:"). */
static int core_fail(struct driver *d, const char *what, const ac_err *err)
{
	const char *msg = err->msg[0] ? err->msg : ac_strerror(err->code);
	size_t n = strlen(what);
	bool prefixed = !strncmp(msg, what, n) && msg[n] == ':';
	return fail(d, "%s%s%s", prefixed ? "" : what, prefixed ? "" : ": ", msg);
}

/* ------------------------------------------------------------ number parsing */

/* Seconds as a decimal ("2", "0.5", up to nine decimals) into exact
 * nanoseconds. No sign, exponent or leading dot. */
static int parse_seconds(struct driver *d, const char *what, const char *s, ac_time *out)
{
	const char *p = s;
	int64_t ns = 0;
	if (*p == '-')
		return fail(d, "%s: negative time '%s'", what, s);
	if (*p < '0' || *p > '9')
		goto bad;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (ns > (INT64_MAX / AC_SECOND - 9) / 10)
			return fail(d, "%s: time '%s' is too large", what, s);
		ns = ns * 10 + (*p - '0');
	}
	ns *= AC_SECOND;
	if (*p == '.') {
		int64_t unit = AC_SECOND;
		if (p[1] < '0' || p[1] > '9')
			goto bad;
		for (p++; *p >= '0' && *p <= '9'; p++) {
			unit /= 10;
			if (unit == 0)
				return fail(d, "%s: time '%s' has more than nine decimals", what, s);
			ns += (*p - '0') * unit;
		}
	}
	if (*p)
		goto bad;
	*out = ns;
	return 0;
bad:
	return fail(d, "%s: malformed time '%s' (seconds, e.g. 2 or 0.5)", what, s);
}

/* A positive decimal weight ("2", "0.5"). */
static int parse_weight(struct driver *d, const char *what, const char *s, double *out)
{
	static const char digits[] = "0123456789";
	size_t whole = strspn(s, digits), frac = 0;
	if (s[whole] == '.')
		frac = strspn(s + whole + 1, digits) + 1;
	if (whole == 0 || frac == 1 || s[whole + frac] != 0)
		return fail(d, "%s: malformed weight '%s' (a positive decimal, e.g. 2 or 0.5)", what, s);
	*out = strtod(s, NULL);
	if (!(*out > 0) || *out > 1e9)
		return fail(d, "%s: weight '%s' must be > 0 and at most 1e9", what, s);
	return 0;
}

/* A decimal integer in [min, max]; a sign is allowed only when min < 0. */
static int parse_int(struct driver *d, const char *what, const char *s, int64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	errno = 0;
	const char *digits = s + (min < 0 && (*s == '-' || *s == '+'));
	*out = min < 0 ? (uint64_t)strtoll(s, &end, 10) : strtoull(s, &end, 10);
	if (*digits < '0' || *digits > '9' || *end)
		return fail(d, "%s: malformed integer '%s'", what, s);
	if (errno == ERANGE || (min < 0 ? (int64_t)*out < min || (int64_t)*out > (int64_t)max : *out > max))
		return fail(d, "%s: integer '%s' out of range", what, s);
	return 0;
}

/* key=value options after the positional arguments: each known key at most
 * once; values[i] stays NULL when keys[i] is absent. */
static int parse_options(struct driver *d, const char *what, char **argv, int argc, int first, const char *const *keys,
                         const char **values, int nkeys)
{
	for (int i = 0; i < nkeys; i++)
		values[i] = NULL;
	for (int a = first; a < argc; a++) {
		const char *eq = strchr(argv[a], '=');
		int k = 0;
		while (eq && k < nkeys &&
		       (strlen(keys[k]) != (size_t)(eq - argv[a]) ||
		        strncmp(keys[k], argv[a], (size_t)(eq - argv[a])) != 0))
			k++;
		if (!eq || k == nkeys)
			return fail(d, "%s: unknown option '%s'", what, argv[a]);
		if (values[k])
			return fail(d, "%s: option '%s' given twice", what, keys[k]);
		values[k] = eq + 1;
	}
	return 0;
}

/* ------------------------------------------------------------ the core */

/* Creates the core on first use: policy and seed are fixed from then on. */
static int need_core(struct driver *d)
{
	ac_hooks hooks = {on_offer, on_rescind, d};
	ac_err err = {0};
	ac_policy pol;
	if (d->core)
		return 0;
	ac_config cfg = d->cfg;
	if (d->module) {
		if (ac_module_create(d->module, &pol, &err) < 0)
			return core_fail(d, "cannot create the policy", &err);
		cfg.policy_impl = &pol;
	}
	if (ac_core_create(&cfg, &hooks, &d->core, &err) < 0)
		return core_fail(d, "cannot create the core", &err);
	ac_core_set_preempt_hook(d->core, on_preempt, d);
	return 0;
}

/* Outstanding offers of fw (on agent, or everywhere when 0) into d->ids,
 * oldest first; returns how many. */
static size_t offers_of(struct driver *d, ac_fw_id fw, ac_agent_id agent)
{
	size_t n;
	while ((n = ac_offers_of(d->core, fw, agent, d->ids, d->ids_cap)) > d->ids_cap) {
		d->ids_cap = n;
		d->ids = xrealloc(d->ids, n * sizeof *d->ids);
	}
	return n;
}

static int find_agent(struct driver *d, const char *what, const char *name, ac_agent_id *out)
{
	*out = ac_agent_find(d->core, name);
	return *out ? 0 : fail(d, "%s: unknown agent '%s'", what, name);
}

/* F, or F(ROLE) for a role of a multi-role framework (subscribed or removing). */
static int find_fw(struct driver *d, const char *what, const char *name, ac_fw_id *out)
{
	size_t len = strlen(name);
	const char *open = strrchr(name, '(');
	if (mfw_find(d, name, len))
		return fail(d, "%s: '%s' is a multi-role framework: name one of its roles as %s(ROLE)", what, name,
		            name);
	if (open && len > 0 && name[len - 1] == ')') {
		ac_mfw_id m = mfw_find(d, name, (size_t)(open - name));
		if (m) {
			char role[600];
			snprintf(role, sizeof role, "%.*s", (int)(len - (size_t)(open - name) - 2), open + 1);
			*out = ac_mfw_role_fw(d->core, m, role);
			return *out ? 0
			            : fail(d, "%s: framework '%.*s' has no role '%s'", what, (int)(open - name), name,
			                   role);
		}
	}
	*out = ac_fw_find(d->core, name);
	return *out ? 0 : fail(d, "%s: unknown framework '%s'", what, name);
}

/* A comma-separated role list (its text is split in place) into roles[]:
 * how many, or -1 (reported) when there are none or more than cap. */
static int split_roles(struct driver *d, const char *what, char *text, const char **roles, size_t cap)
{
	size_t n = 0;
	for (char *r = strtok(text, ","); r; r = strtok(NULL, ",")) {
		if (n == cap)
			return fail(d, "%s: more than %zu roles", what, cap);
		roles[n++] = r;
	}
	return n ? (int)n : fail(d, "%s: no role named", what);
}

static int parse_resources(struct driver *d, const char *what, const char *text, ac_resources *out)
{
	ac_err err = {0};
	if (ac_resources_parse(d->core, text, out, &err) < 0)
		return core_fail(d, what, &err);
	return 0;
}

/* refuse=S of accept and decline: default 5 s, 0 no filter, clamped to 365 days. */
static int parse_refuse(struct driver *d, const char *what, const char *text, ac_time *out)
{
	*out = AC_REFUSE_DEFAULT;
	if (text && parse_seconds(d, what, text, out) < 0)
		return -1;
	*out = *out < AC_REFUSE_MAX ? *out : AC_REFUSE_MAX;
	return 0;
}

/* ------------------------------------------------------------ commands */

/* policy, seed, interval, min_allocatable, offer_timeout. Before the core
 * exists they change the config, checked by creating a throwaway core so that
 * a bad value is reported on its own line. */
static int cmd_setting(struct driver *d, char **argv, int argc)
{
	const char *cmd = argv[0];
	bool is_time = !strcmp(cmd, "interval") || !strcmp(cmd, "offer_timeout");
	ac_config cfg = d->cfg;
	ac_core *scratch = NULL;
	ac_err err = {0};
	ac_time t = 0;
	int rc;
	if (argc != 2)
		return fail(d, "%s: expected one argument, got %d", cmd, argc - 1);
	if (is_time && parse_seconds(d, cmd, argv[1], &t) < 0)
		return -1;
	if (!strcmp(cmd, "interval") && t == 0) /* the config would read 0 as "default" */
		return fail(d, "interval: the allocation interval must be positive");
	if (d->core && (!strcmp(cmd, "policy") || !strcmp(cmd, "seed")))
		return fail(d,
		            "%s: must come before the first agent, framework, role, allocate, advance, accept, "
		            "decline or recover command",
		            cmd);
	if (d->core) {
		if (!strcmp(cmd, "interval"))
			rc = ac_core_set_interval(d->core, t, &err);
		else if (!strcmp(cmd, "offer_timeout"))
			rc = ac_core_set_offer_timeout(d->core, t, &err);
		else
			rc = ac_core_set_min_allocatable(d->core, argv[1], &err);
		return rc < 0 ? core_fail(d, cmd, &err) : 0;
	}
	if (!strcmp(cmd, "seed") && parse_int(d, cmd, argv[1], 0, UINT64_MAX, &cfg.seed) < 0)
		return -1;
	if (!strcmp(cmd, "policy") && ac_module_spec(argv[1])) {
		ac_module *m;
		if (ac_module_load(argv[1], &m, &err) < 0)
			return core_fail(d, cmd, &err);
		ac_module_close(d->module);
		d->module = m;
		return 0;
	}
	cfg.policy = !strcmp(cmd, "policy") ? argv[1] : cfg.policy;
	cfg.min_allocatable = !strcmp(cmd, "min_allocatable") ? argv[1] : cfg.min_allocatable;
	cfg.allocation_interval = !strcmp(cmd, "interval") ? t : cfg.allocation_interval;
	cfg.offer_timeout = !strcmp(cmd, "offer_timeout") ? t : cfg.offer_timeout;
	if (ac_core_create(&cfg, NULL, &scratch, &err) < 0)
		return core_fail(d, cmd, &err);
	ac_core_destroy(scratch);
	if (cfg.policy == argv[1]) {
		ac_module_close(d->module);
		d->module = NULL;
		free(d->policy);
		cfg.policy = d->policy = xstrdup(argv[1]);
	}
	if (cfg.min_allocatable == argv[1]) {
		free(d->min_allocatable);
		cfg.min_allocatable = d->min_allocatable = xstrdup(argv[1]);
	}
	d->cfg = cfg;
	return 0;
}

/* agent reserve|unreserve A ROLE RESOURCES [from=R|to=R] [held=F]:
 * unreserved scalars into ROLE's reservation on A or back, from A's free
 * resources or from what F holds there (ac_agent_reserve). With from=R a
 * reserve refines R's reservation for its subrole ROLE; with to=R an
 * unreserve gives ROLE's back to R's, the reservation it refined
 * (ac_agent_move_reservation). */
static int cmd_agent_reserve(struct driver *d, char **argv, int argc)
{
	const char *sub = argv[1];
	bool reserve = !strcmp(sub, "reserve");
	ac_resources res;
	ac_agent_id agent;
	ac_fw_id fw = 0;
	ac_err err = {0};
	const char *other = NULL, *key = reserve ? "from=" : "to=";
	char what[32];
	snprintf(what, sizeof what, "agent %s", sub);
	if (argc < 5 || argc > 7)
		return fail(d, "%s: wrong number of arguments (usage: %s A ROLE RESOURCES [%sROLE] [held=F])", what,
		            what, key);
	if (find_agent(d, what, argv[2], &agent) < 0 || parse_resources(d, what, argv[4], &res) < 0)
		return -1;
	for (int i = 5; i < argc; i++) {
		if (!strncmp(argv[i], "held=", 5) && !fw) {
			if (find_fw(d, what, argv[i] + 5, &fw) < 0)
				return -1;
		} else if (!strncmp(argv[i], key, strlen(key)) && !other) {
			other = argv[i] + strlen(key);
		} else {
			return fail(d, "%s: expected %sROLE or held=F, got '%s'", what, key, argv[i]);
		}
	}
	int rc = reserve ? ac_agent_move_reservation(d->core, agent, fw, other, argv[3], &res, &err)
	                 : ac_agent_move_reservation(d->core, agent, fw, argv[3], other, &res, &err);
	return rc < 0 ? core_fail(d, what, &err) : 0;
}

/* agent add A RESOURCES | agent remove A | agent update A RESOURCES */
static int cmd_agent(struct driver *d, char **argv, int argc)
{
	const char *sub = argc > 1 ? argv[1] : "";
	if (!strcmp(sub, "reserve") || !strcmp(sub, "unreserve"))
		return cmd_agent_reserve(d, argv, argc);
	bool takes_res = !strcmp(sub, "add") || !strcmp(sub, "update");
	ac_resources res;
	ac_agent_id agent;
	ac_err err = {0};
	int rc;
	if (!takes_res && strcmp(sub, "remove"))
		return fail(d, "agent: expected add, remove, update, reserve or unreserve, got '%s'", sub);
	if (argc != (takes_res ? 4 : 3))
		return fail(d, "agent %s: wrong number of arguments (usage: agent %s A%s)", sub, sub,
		            takes_res ? " RESOURCES" : "");
	if (!strcmp(sub, "add")) {
		if (!strcmp(argv[2], "*"))
			return fail(d, "agent add: '*' cannot name an agent (decline F * means every agent)");
		if (parse_resources(d, "agent add", argv[3], &res) < 0)
			return -1;
		if (ac_agent_add(d->core, argv[2], &res, &agent, &err) < 0)
			return core_fail(d, "agent add", &err);
		return 0;
	}
	if (find_agent(d, argv[0], argv[2], &agent) < 0)
		return -1;
	if (!strcmp(sub, "remove")) {
		d->gone_agent = agent;
		d->gone_name = argv[2];
		rc = ac_agent_remove(d->core, agent, &err);
	} else {
		if (parse_resources(d, "agent update", argv[3], &res) < 0)
			return -1;
		rc = ac_agent_update(d->core, agent, &res, &err);
	}
	return rc < 0 ? core_fail(d, strcmp(sub, "remove") ? "agent update" : "agent remove", &err) : 0;
}

/* framework add F [role=R] [weight=W] [priority=P] | framework remove,
 * suppress, revive, deactivate, activate F */
/* demand F [tasks=N] [next=RESOURCES] [pending=RESOURCES]
 * [remaining=S]: what F declares it wants (ac_fw_set_demand), for policies
 * that read demands. Unreserved scalars only. */
static int cmd_demand(struct driver *d, char **argv, int argc)
{
	static const char *const keys[] = {"tasks", "next", "pending", "remaining"};
	const char *opt[4];
	ac_fw_demand dm = {0};
	ac_fw_id fw;
	ac_err err = {0};
	uint64_t n = 0;
	ac_resources r;
	if (argc < 2)
		return fail(d, "demand: missing name (usage: demand F [OPTION=VALUE]...)");
	if (find_fw(d, "demand", argv[1], &fw) < 0 || parse_options(d, "demand", argv, argc, 2, keys, opt, 4) < 0)
		return -1;
	if (opt[0] && parse_int(d, "demand", opt[0], 0, UINT32_MAX, &n) < 0)
		return -1;
	dm.tasks = (uint32_t)n;
	for (int k = 1; k <= 2; k++) {
		if (!opt[k])
			continue;
		if (parse_resources(d, "demand", opt[k], &r) < 0)
			return -1;
		*(k == 1 ? &dm.next : &dm.pending) = r.group[0].amount;
	}
	if (opt[3] && parse_seconds(d, "demand", opt[3], &dm.remaining) < 0)
		return -1;
	dm.submitted = d->now;
	return ac_fw_set_demand(d->core, fw, &dm, &err) < 0 ? core_fail(d, "demand", &err) : 0;
}

/* The framework subcommands on a multi-role framework: remove, suppress
 * and revive (of the roles named, or all), deactivate, activate, roles. */
static int cmd_mfw(struct driver *d, const char *what, const char *sub, ac_mfw_id m, char **argv, int argc)
{
	ac_err err = {0};
	const char *roles[MAX_ROLES];
	size_t n = 0;
	int rc;
	bool lists = !strcmp(sub, "suppress") || !strcmp(sub, "revive");
	if (!strcmp(sub, "roles")) {
		if (argc != 4)
			return fail(d, "%s: wrong number of arguments (usage: framework roles F R1,R2,...)", what);
		int k = split_roles(d, what, argv[3], roles, MAX_ROLES);
		if (k < 0)
			return -1;
		n = (size_t)k;
	} else if (lists) {
		for (int i = 3; i < argc; i++)
			roles[n++] = argv[i];
	} else if (argc != 3) {
		return fail(d, "%s: wrong number of arguments (usage: framework %s F)", what, sub);
	}
	if (!strcmp(sub, "remove") || !strcmp(sub, "roles"))
		gone_note(d, m);
	if (!strcmp(sub, "remove")) {
		if ((rc = ac_mfw_remove(d->core, m, &err)) == 0)
			for (size_t i = 0; i < d->nmfws; i++)
				if (d->mfws[i].id == m) {
					free(d->mfws[i].name);
					d->mfws[i] = d->mfws[--d->nmfws];
					break;
				}
	} else if (!strcmp(sub, "roles")) {
		rc = ac_mfw_update(d->core, m, roles, n, &err);
	} else if (!strcmp(sub, "suppress")) {
		rc = ac_mfw_suppress(d->core, m, roles, n, &err);
	} else if (!strcmp(sub, "revive")) {
		rc = ac_mfw_revive(d->core, m, roles, n, &err);
	} else if (!strcmp(sub, "deactivate")) {
		rc = ac_mfw_deactivate(d->core, m, &err);
	} else {
		rc = ac_mfw_activate(d->core, m, &err);
	}
	return rc < 0 ? core_fail(d, what, &err) : 0;
}

/* framework add F [role=R | roles=R1,R2,...] [weight=W] [priority=P]: a
 * multi-role framework with roles=. */
static int framework_add(struct driver *d, const char *what, char **argv, int argc)
{
	static const char *const keys[] = {"role", "weight", "priority", "roles"};
	const char *opt[4];
	ac_fw_opts opts = {NULL, 0, 0};
	ac_err err = {0};
	if (argc < 3)
		return fail(d, "framework add: missing name (usage: framework add F [OPTION=VALUE]...)");
	if (parse_options(d, what, argv, argc, 3, keys, opt, 4) < 0)
		return -1;
	opts.role = opt[0];
	if (opt[1] && parse_weight(d, what, opt[1], &opts.weight) < 0)
		return -1;
	uint64_t prio = 0;
	if (opt[2] && parse_int(d, what, opt[2], INT32_MIN, INT32_MAX, &prio) < 0)
		return -1;
	opts.priority = (int32_t)(int64_t)prio;
	if (!opt[3]) {
		ac_fw_id fw;
		return ac_fw_add(d->core, argv[2], &opts, &fw, &err) < 0 ? core_fail(d, what, &err) : 0;
	}
	if (opt[0])
		return fail(d, "%s: role= and roles= exclude each other", what);
	if (mfw_find(d, argv[2], strlen(argv[2])))
		return fail(d, "%s: framework %s already exists", what, argv[2]);
	const char *roles[MAX_ROLES];
	int n = split_roles(d, what, (char *)opt[3], roles, MAX_ROLES); /* split in the line's own buffer */
	if (n < 0)
		return -1;
	ac_mfw_id m;
	if (ac_mfw_add(d->core, argv[2], roles, (size_t)n, &opts, &m, &err) < 0)
		return core_fail(d, what, &err);
	if (d->nmfws == d->mfws_cap) {
		d->mfws_cap = d->mfws_cap ? 2 * d->mfws_cap : 8;
		d->mfws = xrealloc(d->mfws, d->mfws_cap * sizeof *d->mfws);
	}
	d->mfws[d->nmfws++] = (struct mfw){xstrdup(argv[2]), m};
	return 0;
}

static int cmd_framework(struct driver *d, char **argv, int argc)
{
	static const char *const subs[] = {"remove", "suppress", "revive", "deactivate", "activate"};
	static int (*const calls[])(ac_core *, ac_fw_id, ac_err *) = {ac_fw_remove, ac_fw_suppress, ac_fw_revive,
	                                                              ac_fw_deactivate, ac_fw_activate};
	const char *sub = argc > 1 ? argv[1] : "";
	char what[32];
	ac_err err = {0};
	ac_fw_id fw;
	snprintf(what, sizeof what, "framework %s", sub);
	if (!strcmp(sub, "add"))
		return framework_add(d, what, argv, argc);
	for (size_t i = 0; i <= sizeof subs / sizeof subs[0]; i++) {
		if (i < sizeof subs / sizeof subs[0] ? strcmp(sub, subs[i]) : strcmp(sub, "roles"))
			continue;
		ac_mfw_id m = argc > 2 ? mfw_find(d, argv[2], strlen(argv[2])) : 0;
		if (m)
			return cmd_mfw(d, what, sub, m, argv, argc);
		if (i == sizeof subs / sizeof subs[0])
			return fail(d, "%s: %s is not a multi-role framework (framework add F roles=...)", what,
			            argc > 2 ? argv[2] : "(none)");
		if (argc != 3)
			return fail(d, "%s: wrong number of arguments (usage: framework %s F)", what, sub);
		if (find_fw(d, what, argv[2], &fw) < 0)
			return -1;
		if (i == 0) {
			d->gone_fw = fw;
			d->gone_name = argv[2];
		}
		return calls[i](d->core, fw, &err) < 0 ? core_fail(d, what, &err) : 0;
	}
	/* The message predates `roles` (a multi-role framework's): kept, as the
	 * scenarios' outputs stay byte-identical. */
	return fail(d, "framework: expected add, remove, suppress, revive, deactivate or activate, got '%s'", sub);
}

/* role weight R W | role quota R [guarantee=RESOURCES] [limit=RESOURCES] */
static int cmd_role(struct driver *d, char **argv, int argc)
{
	static const char *const keys[] = {"guarantee", "limit"};
	const char *sub = argc > 1 ? argv[1] : "";
	ac_err err = {0};
	if (!strcmp(sub, "weight")) {
		double w;
		if (argc != 4)
			return fail(d, "role weight: wrong number of arguments (usage: role weight R W)");
		if (parse_weight(d, "role weight", argv[3], &w) < 0)
			return -1;
		return ac_role_set_weight(d->core, argv[2], w, &err) < 0 ? core_fail(d, "role weight", &err) : 0;
	}
	if (!strcmp(sub, "quota")) {
		const char *opt[2];
		ac_quota q;
		if (argc < 3)
			return fail(d, "role quota: missing role (usage: role quota R [guarantee=RES] [limit=RES])");
		if (parse_options(d, "role quota", argv, argc, 3, keys, opt, 2) < 0)
			return -1;
		if (ac_quota_parse(d->core, opt[0], opt[1], &q, &err) < 0 ||
		    ac_role_set_quota(d->core, argv[2], &q, &err) < 0)
			return core_fail(d, "role quota", &err);
		return 0;
	}
	return fail(d, "role: expected weight or quota, got '%s'", sub);
}

/* allocate: one pass at the current time. */
static int cmd_allocate(struct driver *d, char **argv, int argc)
{
	ac_err err = {0};
	if (argc != 1)
		return fail(d, "allocate: takes no arguments");
	return ac_allocate(d->core, d->now, &err) < 0 ? core_fail(d, "allocate", &err) : 0;
}

/* advance S: moves the clock; the core rescinds timed-out offers. */
static int cmd_advance(struct driver *d, char **argv, int argc)
{
	ac_err err = {0};
	ac_time dt;
	if (argc != 2)
		return fail(d, "advance: expected one argument (usage: advance S)");
	if (parse_seconds(d, "advance", argv[1], &dt) < 0)
		return -1;
	if (dt > INT64_MAX - d->now)
		return fail(d, "advance: the clock would overflow");
	if (ac_advance(d->core, d->now + dt, &err) < 0)
		return core_fail(d, "advance", &err);
	d->now += dt;
	return 0;
}

/* accept F A RESOURCES [refuse=S]: every outstanding offer of F on A at once. */
static int cmd_accept(struct driver *d, char **argv, int argc)
{
	static const char *const keys[] = {"refuse"};
	const char *opt[1];
	ac_fw_id fw;
	ac_agent_id agent;
	ac_resources used;
	ac_time refuse;
	ac_err err = {0};
	if (argc < 4 || argc > 5)
		return fail(d, "accept: wrong number of arguments (usage: accept F A RESOURCES [refuse=S])");
	if (find_fw(d, "accept", argv[1], &fw) < 0 || find_agent(d, "accept", argv[2], &agent) < 0 ||
	    parse_options(d, "accept", argv, argc, 4, keys, opt, 1) < 0 ||
	    parse_refuse(d, "accept", opt[0], &refuse) < 0 || parse_resources(d, "accept", argv[3], &used) < 0)
		return -1;
	size_t n = offers_of(d, fw, agent);
	if (n == 0)
		return fail(d, "accept: framework %s has no outstanding offer on agent %s", argv[1], argv[2]);
	if (ac_offers_accept(d->core, d->ids, n, &used, refuse, d->now, &err) < 0)
		return core_fail(d, "accept", &err);
	return 0;
}

/* decline F A|* [refuse=S]: F's offers on A together, or on every agent, one
 * decline per agent (agents in the order of their oldest offer) so that each
 * agent's filter holds everything refused there. */
static int cmd_decline(struct driver *d, char **argv, int argc)
{
	static const char *const keys[] = {"refuse"};
	const char *opt[1];
	ac_fw_id fw;
	ac_agent_id agent = 0;
	ac_time refuse;
	ac_err err = {0};
	if (argc < 3 || argc > 4)
		return fail(d, "decline: wrong number of arguments (usage: decline F A|* [refuse=S])");
	if (find_fw(d, "decline", argv[1], &fw) < 0 ||
	    (strcmp(argv[2], "*") && find_agent(d, "decline", argv[2], &agent) < 0) ||
	    parse_options(d, "decline", argv, argc, 3, keys, opt, 1) < 0 ||
	    parse_refuse(d, "decline", opt[0], &refuse) < 0)
		return -1;
	if (agent) {
		size_t n = offers_of(d, fw, agent);
		if (n == 0)
			return fail(d, "decline: framework %s has no outstanding offer on agent %s", argv[1], argv[2]);
		return ac_offers_decline(d->core, d->ids, n, refuse, d->now, &err) < 0 ? core_fail(d, "decline", &err)
		                                                                       : 0;
	}
	/* Every agent: the oldest remaining offer names the next agent to decline. */
	while (offers_of(d, fw, 0) > 0) {
		ac_offer_info info;
		if (ac_offer_info_get(d->core, d->ids[0], &info, &err) < 0)
			return core_fail(d, "decline", &err);
		size_t n = offers_of(d, fw, info.agent);
		if (ac_offers_decline(d->core, d->ids, n, refuse, d->now, &err) < 0)
			return core_fail(d, "decline", &err);
	}
	return 0;
}

/* recover F A RESOURCES: a task of F on A ended. */
static int cmd_recover(struct driver *d, char **argv, int argc)
{
	ac_fw_id fw;
	ac_agent_id agent;
	ac_resources res;
	ac_err err = {0};
	if (argc != 4)
		return fail(d, "recover: wrong number of arguments (usage: recover F A RESOURCES)");
	if (find_fw(d, "recover", argv[1], &fw) < 0 || find_agent(d, "recover", argv[2], &agent) < 0 ||
	    parse_resources(d, "recover", argv[3], &res) < 0)
		return -1;
	return ac_mfw_recover(d->core, fw, agent, &res, NULL, &err) < 0 ? core_fail(d, "recover", &err) : 0;
}

/* ------------------------------------------------------------ the reader */

static const struct command {
	const char *name;
	int (*run)(struct driver *d, char **argv, int argc);
	bool needs_core;
} commands[] = {
        {"policy", cmd_setting, false},
        {"seed", cmd_setting, false},
        {"interval", cmd_setting, false},
        {"min_allocatable", cmd_setting, false},
        {"offer_timeout", cmd_setting, false},
        {"agent", cmd_agent, true},
        {"framework", cmd_framework, true},
        {"demand", cmd_demand, true},
        {"role", cmd_role, true},
        {"allocate", cmd_allocate, true},
        {"advance", cmd_advance, true},
        {"accept", cmd_accept, true},
        {"decline", cmd_decline, true},
        {"recover", cmd_recover, true},
};

/* Runs one line (comment already cut). Returns 0, or -1 after reporting. */
static int run_line(struct driver *d, char *line)
{
	char *argv[MAX_TOKENS];
	int argc = 0;
	for (char *tok = strtok(line, " \t\r\n\v\f"); tok; tok = strtok(NULL, " \t\r\n\v\f")) {
		if (argc == MAX_TOKENS)
			return fail(d, "too many arguments");
		argv[argc++] = tok;
	}
	if (argc == 0)
		return 0;
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct command *c = &commands[i];
		if (strcmp(argv[0], c->name))
			continue;
		if (c->needs_core && need_core(d) < 0)
			return -1;
		d->gone_agent = d->gone_fw = 0;
		gone_clear(d);
		if (c->run(d, argv, argc) < 0)
			return -1;
		print_events(d);
		return 0;
	}
	return fail(d, "unknown command '%s'", argv[0]);
}

static int run(struct driver *d, FILE *in, const char *name)
{
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;
	int status = 0;
	errno = 0;
	while (status == 0 && (len = getline(&buf, &cap, in)) >= 0) {
		d->line++;
		if (strlen(buf) != (size_t)len) {
			status = fail(d, "line contains a NUL byte");
			break;
		}
		char *hash = strchr(buf, '#');
		if (hash)
			*hash = 0;
		status = run_line(d, buf);
		errno = 0;
	}
	free(buf);
	/* getline's -1 is the end, or a failure: out of memory for a line
	 * sets errno alone (not the stream's error flag), and must not read
	 * as the end of the script */
	if (status == 0 && (ferror(in) || errno == ENOMEM)) {
		fflush(stdout);
		fprintf(stderr, "meso-alloc: error reading %s after line %lu: %s\n", name, d->line,
		        strerror(errno ? errno : EIO));
		return 1;
	}
	return status < 0 ? 2 : 0;
}

/* --policy P: a built-in name or module:PATH[:ARGS], checked now. */
static int set_policy(struct driver *d, const char *p)
{
	ac_err err = {0};
	ac_core *scratch;
	if (ac_module_spec(p)) {
		if (ac_module_load(p, &d->module, &err) < 0) {
			fprintf(stderr, "meso-alloc: --policy: %s\n", err.msg);
			return -1;
		}
		return 0;
	}
	ac_config cfg = d->cfg;
	cfg.policy = p;
	if (ac_core_create(&cfg, NULL, &scratch, &err) < 0) {
		fprintf(stderr, "meso-alloc: --policy: %s\n", err.msg);
		return -1;
	}
	ac_core_destroy(scratch);
	d->cfg.policy = d->policy = xstrdup(p);
	return 0;
}

int main(int argc, char **argv)
{
	struct driver d;
	FILE *in = stdin;
	const char *name = "stdin";
	int status;
	if (argc > 1 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		fputs(usage_text, stdout);
		return 0;
	}
	memset(&d, 0, sizeof d);
	ac_config_default(&d.cfg);
	if (argc > 1 && !strcmp(argv[1], "--policy")) {
		if (argc < 3) {
			fputs(usage_text, stderr);
			return 2;
		}
		if (set_policy(&d, argv[2]) < 0)
			return 2;
		argv += 2;
		argc -= 2;
	}
	if (argc > 2 || (argc == 2 && argv[1][0] == '-' && argv[1][1] != 0)) {
		fputs(usage_text, stderr);
		return 2;
	}
	if (argc == 2 && strcmp(argv[1], "-")) {
		name = argv[1];
		in = fopen(name, "r");
		if (!in) {
			fprintf(stderr, "meso-alloc: cannot open %s: %s\n", name, strerror(errno));
			return 1;
		}
	}
	status = run(&d, in, name);
	if (in != stdin)
		fclose(in);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "meso-alloc: error writing the output\n");
		status = status ? status : 1;
	}
	if (d.core)
		ac_core_destroy(d.core);
	gone_clear(&d);
	free(d.gone);
	for (size_t i = 0; i < d.nmfws; i++)
		free(d.mfws[i].name);
	free(d.mfws);
	free(d.events);
	free(d.ids);
	free(d.text);
	ac_module_close(d.module);
	free(d.policy);
	free(d.min_allocatable);
	return status;
}
