/* SPDX-License-Identifier: MIT */
/*
 * Generated profiles under real OCI runtimes (suite 'live'): learn busybox's syscalls with
 * strace, generate an OCI profile with --runtime, run a busybox-static bundle under runc and
 * crun. What the profile allows runs; what it does not fails with EPERM; without the runtime's
 * own syscalls runc cannot start the container. Skips with a message when not root or when
 * runc/crun, busybox-static or strace are missing.
 */
#include <elf.h>
#include <jansson.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "profile_test_util.h"

static bool skip(const char *why)
{
	fprintf(stderr, "test_profile_oci: skipped: %s\n", why);
	return true;
}

/* busybox-static: an ELF without an interpreter (runs in an empty rootfs). */
static bool is_static_elf(const char *path)
{
	FILE *f = fopen(path, "rb");
	Elf64_Ehdr eh;
	bool ok = false;

	if (!f)
		return false;
	if (fread(&eh, sizeof(eh), 1, f) == 1 && memcmp(eh.e_ident, ELFMAG, SELFMAG) == 0 &&
	    eh.e_ident[EI_CLASS] == ELFCLASS64) {
		ok = true;
		for (int i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;

			if (fseek(f, (long)(eh.e_phoff + (Elf64_Off)i * eh.e_phentsize),
			          SEEK_SET) ||
			    fread(&ph, sizeof(ph), 1, f) != 1 || ph.p_type == PT_INTERP)
				ok = false;
		}
	}
	fclose(f);
	return ok;
}

static bool missing_prereqs(const char *runtime)
{
	char path[64];

	if (geteuid() != 0)
		return skip("needs root");
	snprintf(path, sizeof(path), "/usr/sbin/%s", runtime);
	if (access(path, X_OK) != 0) {
		snprintf(path, sizeof(path), "/usr/bin/%s", runtime);
		if (access(path, X_OK) != 0)
			return skip(runtime[0] == 'r' ? "runc is not installed"
			                              : "crun is not installed");
	}
	if (!is_static_elf("/bin/busybox"))
		return skip("busybox-static is not installed (/bin/busybox)");
	if (access("/usr/bin/strace", X_OK) != 0)
		return skip("strace is not installed");
	return false;
}

static int sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int sh(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	int status;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* A bundle: rootfs with busybox and a few applet links, config.json from `RUNTIME spec`. */
static void make_bundle(const char *runtime, const char *bundle)
{
	static const char *const applets[] = {"sh", "echo", "mkdir", "true"};
	char path[400];

	snprintf(path, sizeof(path), "%s/rootfs/bin", bundle);
	ck_assert_int_eq(sh("mkdir -p %s && cp /bin/busybox %s/", path, path), 0);
	for (size_t i = 0; i < sizeof(applets) / sizeof(applets[0]); i++) {
		char link[500];

		snprintf(link, sizeof(link), "%s/%s", path, applets[i]);
		ck_assert_int_eq(symlink("busybox", link), 0);
	}
	ck_assert_int_eq(sh("cd %s && %s spec >/dev/null 2>&1", bundle, runtime), 0);
}

/* Writes config.json with args and the profile as linux.seccomp. */
static void configure(const char *bundle, const char *profile, const char *arg0, const char *arg1)
{
	char path[400];
	json_t *cfg, *process, *linux_obj, *seccomp, *args;
	json_error_t jerr;

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	cfg = json_load_file(path, 0, &jerr);
	ck_assert_msg(cfg != NULL, "%s: %s", path, jerr.text);
	seccomp = json_load_file(profile, 0, &jerr);
	ck_assert_msg(seccomp != NULL, "%s: %s", profile, jerr.text);
	process = json_object_get(cfg, "process");
	linux_obj = json_object_get(cfg, "linux");
	args = json_array();
	json_array_append_new(args, json_string(arg0));
	if (arg1)
		json_array_append_new(args, json_string(arg1));
	json_object_set_new(process, "args", args);
	json_object_set_new(process, "terminal", json_false());
	json_object_set_new(linux_obj, "seccomp", seccomp);
	ck_assert_int_eq(json_dump_file(cfg, path, JSON_INDENT(1)), 0);
	json_decref(cfg);
}

/* Runs the bundle; returns the exit status, output (stdout + stderr) in *out. */
static int run_bundle(const char *runtime, const char *bundle, char **out)
{
	static int n;
	char log[400];
	int rc;

	snprintf(log, sizeof(log), "%s/out.txt", pt_dir());
	/* crun goes through tests/crun-hybrid.sh: it refuses this host's hybrid cgroups as is. */
	rc = sh("cd %s && %s%s %s run bouncer-prof-%d-%d >%s 2>&1 </dev/null", bundle,
	        strcmp(runtime, "crun") == 0 ? getenv("BOUNCER_SOURCE_ROOT") : "",
	        strcmp(runtime, "crun") == 0 ? "/tests/crun-hybrid.sh" : runtime,
	        strcmp(runtime, "crun") == 0 ? "--cgroup-manager=disabled" : "", (int)getpid(), n++,
	        log);
	*out = pt_read(log);
	return rc;
}

/* Learns `busybox echo hello` with strace, generates an OCI profile (with the runtime's own
 * syscalls when runtime_opt is set). */
static void learn_profile(const char *runtime_opt, const char *profile)
{
	char trace[300], records[300];

	snprintf(trace, sizeof(trace), "%s/trace.txt", pt_dir());
	snprintf(records, sizeof(records), "%s/records.jsonl", pt_dir());
	ck_assert_int_eq(sh("strace -f -qq -o %s /bin/busybox echo hello >/dev/null", trace), 0);
	ck_assert_int_eq(pt_run(NULL, NULL, "import", "strace", "-o", records, trace, NULL), 0);
	if (runtime_opt)
		ck_assert_int_eq(pt_run(NULL, NULL, "generate", "--format", "oci", "--runtime",
		                        runtime_opt, "-o", profile, records, NULL),
		                 0);
	else
		ck_assert_int_eq(pt_run(NULL, NULL, "generate", "--format", "oci", "-o", profile,
		                        records, NULL),
		                 0);
}

static void run_runtime(const char *runtime)
{
	char bundle[300], profile[300], *out;
	int rc;

	if (missing_prereqs(runtime))
		return;
	snprintf(bundle, sizeof(bundle), "%s/bundle", pt_dir());
	snprintf(profile, sizeof(profile), "%s/profile.json", pt_dir());
	make_bundle(runtime, bundle);
	learn_profile(runtime, profile);

	configure(bundle, profile, "/bin/echo", "hello");
	rc = run_bundle(runtime, bundle, &out);
	ck_assert_msg(rc == 0, "%s run under the generated profile: exit %d: %s", runtime, rc, out);
	ck_assert_str_eq(out, "hello\n");
	free(out);

	/* mkdir was never learned: denied by the profile (EPERM), not by the read-only root
	 * (EROFS), which is what the same command gets without the profile. */
	configure(bundle, profile, "/bin/mkdir", "/x");
	rc = run_bundle(runtime, bundle, &out);
	ck_assert_msg(rc != 0, "mkdir outside the profile succeeded: %s", out);
	ck_assert_msg(strstr(out, "mkdir: can't create directory '/x': Operation not permitted"),
	              "%s", out);
	free(out);
}

START_TEST(runc_runs_generated_profile)
{
	char bundle[300], profile[300], *out;
	int rc;

	run_runtime("runc");
	if (missing_prereqs("runc"))
		return;
	/* Without --runtime runc: runc's own syscalls after loading the profile are denied and
	 * the container never starts (this is why the measured list exists). */
	snprintf(bundle, sizeof(bundle), "%s/bundle", pt_dir());
	snprintf(profile, sizeof(profile), "%s/plain.json", pt_dir());
	learn_profile(NULL, profile);
	configure(bundle, profile, "/bin/echo", "hello");
	rc = run_bundle("runc", bundle, &out);
	ck_assert_msg(rc != 0, "runc started under a profile without its syscalls: %s", out);
	ck_assert_ptr_null(strstr(out, "hello"));
	free(out);
}
END_TEST

START_TEST(crun_runs_generated_profile)
{
	run_runtime("crun");
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("profile_oci");
	TCase *tc = tcase_create("oci");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, runc_runs_generated_profile);
	tcase_add_test(tc, crun_runs_generated_profile);
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
