/* SPDX-License-Identifier: MIT */
/*
 * learn → generate → run (suite 'live'): a profile generated from `bouncer learn` records runs
 * the same command again under `bouncer run -p` with the same output, exit 0 and no denial; a
 * command that needs more than was learned is denied. Needs seccomp user notification (root or
 * no_new_privs is handled by bouncer itself).
 */
#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "profile_test_util.h"

#define WORKLOAD "echo hi | tr a-z A-Z"

static const char *bouncer(void)
{
	const char *b = getenv("BOUNCER");

	ck_assert_msg(b && *b, "BOUNCER is not set (meson test sets it)");
	return b;
}

/* Runs bouncer with a shell command line; returns the exit status, stdout in *out. */
static int run_bouncer(const char *args, const char *script, char **out)
{
	char cmd[2048], path[300];
	int status;

	snprintf(path, sizeof(path), "%s/stdout.txt", pt_dir());
	snprintf(cmd, sizeof(cmd), "%s %s -- sh -c '%s' >%s 2>%s/stderr.txt </dev/null", bouncer(),
	         args, script, path, pt_dir());
	status = system(cmd);
	*out = pt_read(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Records of a log with "action":"deny", and their syscalls in names (comma separated). */
static int count_denials(const char *log_path, char *names, size_t size)
{
	FILE *f = fopen(log_path, "r");
	char line[8192];
	int n = 0;

	names[0] = 0;
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		json_t *r = json_loads(line, 0, NULL);

		ck_assert_ptr_nonnull(r);
		if (strcmp(json_string_value(json_object_get(r, "action")), "deny") == 0) {
			size_t used = strlen(names);

			snprintf(names + used, size - used, "%s,",
			         json_string_value(json_object_get(r, "syscall")));
			n++;
		}
		json_decref(r);
	}
	fclose(f);
	return n;
}

static bool profile_allows_name(const char *profile, const char *name)
{
	json_t *p = json_load_file(profile, 0, NULL), *rule, *n;
	size_t i, j;
	bool found = false;

	ck_assert_ptr_nonnull(p);
	json_array_foreach(json_object_get(p, "syscalls"), i, rule)
	{
		if (strcmp(json_string_value(json_object_get(rule, "action")), "SCMP_ACT_ALLOW") !=
		    0)
			continue;
		json_array_foreach(json_object_get(rule, "names"), j, n) found |=
		        strcmp(json_string_value(n), name) == 0;
	}
	json_decref(p);
	return found;
}

START_TEST(learn_generate_run)
{
	char learned[300], profile[300], log[300], args[1200], dir[300], denied[4096], *out;
	int rc;
	struct stat st;

	snprintf(learned, sizeof(learned), "%s/learn.jsonl", pt_dir());
	snprintf(profile, sizeof(profile), "%s/generated.json", pt_dir());
	snprintf(log, sizeof(log), "%s/run.jsonl", pt_dir());

	snprintf(args, sizeof(args), "learn -o %s", learned);
	rc = run_bouncer(args, WORKLOAD, &out);
	ck_assert_msg(rc == 0, "bouncer learn: exit %d", rc);
	ck_assert_str_eq(out, "HI\n");
	free(out);
	ck_assert_int_eq(pt_run(NULL, NULL, "generate", "-o", profile, learned, NULL), 0);
	ck_assert(profile_allows_name(profile, "execve"));
	ck_assert(profile_allows_name(profile, "pipe2"));

	/* Same command under the generated profile: same output, exit 0, nothing denied. Three
	 * times, so that a syscall made only sometimes (and so perhaps not learned) shows. */
	for (int i = 0; i < 3; i++) {
		unlink(log);
		snprintf(args, sizeof(args), "run -q -p %s -o %s", profile, log);
		rc = run_bouncer(args, WORKLOAD, &out);
		ck_assert_msg(rc == 0, "run %d under the generated profile: exit %d", i, rc);
		ck_assert_str_eq(out, "HI\n");
		free(out);
		ck_assert_msg(count_denials(log, denied, sizeof(denied)) == 0, "denied: %s",
		              denied);
	}

	/* A command that needs more (mkdir: a fork and syscalls never learned) is denied. */
	snprintf(dir, sizeof(dir), "%s/newdir", pt_dir());
	snprintf(args, sizeof(args), "run -q -p %s -o %s", profile, log);
	char script[600];
	snprintf(script, sizeof(script), WORKLOAD "; mkdir %s", dir);
	unlink(log);
	rc = run_bouncer(args, script, &out);
	ck_assert_msg(rc != 0, "a command outside the profile exited 0");
	ck_assert_int_ne(stat(dir, &st), 0);
	free(out);
	ck_assert_int_gt(count_denials(log, denied, sizeof(denied)), 0);
	for (char *name = strtok(denied, ","); name; name = strtok(NULL, ","))
		ck_assert_msg(!profile_allows_name(profile, name), "%s denied but allowed", name);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_e2e");
	TCase *tc = tcase_create("e2e");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, learn_generate_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
