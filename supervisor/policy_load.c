/* SPDX-License-Identifier: MIT */
#include "policy_load.h"

#include <stdio.h>
#include <string.h>

/* learn: a policy that allows nothing in the kernel, so every call reaches the supervisor. */
static const char learn_policy[] =
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"defaultErrnoRet\": 1,\n"
        " \"archMap\": [{\"architecture\": \"SCMP_ARCH_X86_64\",\n"
        "              \"subArchitectures\": [\"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"]}],\n"
        " \"syscalls\": []}\n";

void policy_print_warning(const char *text)
{
	const size_t keep = 200;
	const char *cut;

	if (strlen(text) <= keep + 40) {
		fprintf(stderr, "bouncer: warning: %s\n", text);
		return;
	}
	cut = text + keep;
	while (cut > text && *cut != ',')
		cut--;
	if (cut == text)
		cut = text + keep;
	fprintf(stderr, "bouncer: warning: %.*s, ... (`bouncer policy check` lists all)\n",
	        (int)(cut - text), text);
}

int policy_load_and_compile(enum policy_source source, const char *path,
                            struct compile_options options, struct policy **policy,
                            struct compiled_policy **compiled, const char **name,
                            bouncer_error_t *err)
{
	struct policy_host host;
	const char *const *warnings;
	size_t n;
	int rc;

	*policy = NULL;
	*compiled = NULL;
	policy_host_detect(&host);
	switch (source) {
	case POLICY_FROM_FILE:
		rc = policy_load_file(path, &host, policy, err);
		*name = path;
		break;
	case POLICY_FROM_LEARN:
		rc = policy_parse("<learn>", learn_policy, strlen(learn_policy), &host, policy,
		                  err);
		*name = "<learn>";
		break;
	default:
		rc = policy_load_default(&host, policy, err);
		*name = "<default>";
		break;
	}
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < (*policy)->n_warnings; i++)
		policy_print_warning((*policy)->warnings[i]);

	/* bouncer's own policies name each arch's calls on purpose (tests check each name). */
	options.quiet_partial_names = source != POLICY_FROM_FILE;
	rc = policy_compile(*policy, &options, compiled, err);
	if (rc < 0) {
		policy_free(*policy);
		*policy = NULL;
		return rc;
	}
	n = compiled_policy_warnings(*compiled, &warnings);
	for (size_t i = 0; i < n; i++)
		policy_print_warning(warnings[i]);
	return 0;
}
