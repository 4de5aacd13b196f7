/* SPDX-License-Identifier: MIT */
/* Imported events → bouncer.decision/1 records. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "prof_import.h"

/* A JSON string; bytes that are not UTF-8 (file names may be anything) become '?'. */
static json_t *safe_string(const char *s)
{
	json_t *j = json_string(s ? s : "");
	char *copy;

	if (j)
		return j;
	copy = strdup(s);
	for (char *p = copy; p && *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy ? copy : "");
	free(copy);
	return j;
}

int import_emit(struct importer *im, const struct import_record *rec)
{
	json_t *o = json_object(), *args = json_array(), *rule = json_object();
	char *name = NULL, *text;
	const char *syscall = rec->syscall;
	int rc = 0;

	if (!syscall) {
		name = seccomp_syscall_resolve_num_arch(rec->arch, (int)rec->nr);
		if (!name && asprintf(&name, "nr:%lld", rec->nr) < 0)
			name = NULL;
		syscall = name ? name : "nr:?";
	}
	for (int i = 0; i < 6; i++)
		json_array_append_new(args, json_string("0x0"));
	json_object_set_new(rule, "index", json_null());
	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "ts", json_string(rec->ts));
	json_object_set_new(o, "run", json_string(im->run));
	json_object_set_new(o, "seq", json_integer((json_int_t)++im->seq));
	json_object_set_new(o, "pid", json_integer(rec->pid));
	json_object_set_new(o, "tid", json_integer(rec->pid));
	json_object_set_new(o, "comm", safe_string(rec->comm));
	json_object_set_new(o, "exe", safe_string(rec->exe));
	json_object_set_new(o, "arch", json_string(prof_arch_name(rec->arch)));
	json_object_set_new(o, "syscall", json_string(syscall));
	json_object_set_new(o, "nr", json_integer(rec->nr));
	json_object_set_new(o, "args", args);
	json_object_set_new(o, "args_known", json_false());
	json_object_set_new(o, "action", json_string(rec->action));
	if (strcmp(rec->action, "deny") == 0) {
		json_t *e = json_object();

		json_object_set_new(e, "name", json_string(prof_errno_name(rec->errno_nr)));
		json_object_set_new(e, "nr", json_integer(rec->errno_nr));
		json_object_set_new(o, "errno", e);
	}
	json_object_set_new(o, "rule", rule);
	json_object_set_new(o, "mode", json_string("enforce"));
	json_object_set_new(o, "policy",
	                    json_string(im->source[0] == 'a' ? "<audit>" : "<strace>"));
	json_object_set_new(o, "source", json_string(im->source));
	/* Invalid UTF-8 in comm/exe makes json_string fail: such fields come out as "". */
	text = json_dumps(o, JSON_COMPACT);
	if (!text || fprintf(im->out, "%s\n", text) < 0)
		rc = -EIO;
	free(text);
	free(name);
	json_decref(o);
	return rc;
}
