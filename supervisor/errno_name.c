/* SPDX-License-Identifier: MIT */
/*
 * Linux errno names. The table was generated from this machine's
 * /usr/include/asm-generic/errno-base.h and errno.h (Linux 6.x uapi, x86_64 and every other
 * architecture that uses the generic numbers): the kernel's numbers, not glibc's strerror texts,
 * because policies and decision records speak in the kernel's terms.
 */
#include "errno_name.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Indexed by errno number; NULL where Linux defines no name (41 and 58 are unused). */
static const char *const errno_names[] = {
        [1] = "EPERM",
        [2] = "ENOENT",
        [3] = "ESRCH",
        [4] = "EINTR",
        [5] = "EIO",
        [6] = "ENXIO",
        [7] = "E2BIG",
        [8] = "ENOEXEC",
        [9] = "EBADF",
        [10] = "ECHILD",
        [11] = "EAGAIN",
        [12] = "ENOMEM",
        [13] = "EACCES",
        [14] = "EFAULT",
        [15] = "ENOTBLK",
        [16] = "EBUSY",
        [17] = "EEXIST",
        [18] = "EXDEV",
        [19] = "ENODEV",
        [20] = "ENOTDIR",
        [21] = "EISDIR",
        [22] = "EINVAL",
        [23] = "ENFILE",
        [24] = "EMFILE",
        [25] = "ENOTTY",
        [26] = "ETXTBSY",
        [27] = "EFBIG",
        [28] = "ENOSPC",
        [29] = "ESPIPE",
        [30] = "EROFS",
        [31] = "EMLINK",
        [32] = "EPIPE",
        [33] = "EDOM",
        [34] = "ERANGE",
        [35] = "EDEADLK",
        [36] = "ENAMETOOLONG",
        [37] = "ENOLCK",
        [38] = "ENOSYS",
        [39] = "ENOTEMPTY",
        [40] = "ELOOP",
        [42] = "ENOMSG",
        [43] = "EIDRM",
        [44] = "ECHRNG",
        [45] = "EL2NSYNC",
        [46] = "EL3HLT",
        [47] = "EL3RST",
        [48] = "ELNRNG",
        [49] = "EUNATCH",
        [50] = "ENOCSI",
        [51] = "EL2HLT",
        [52] = "EBADE",
        [53] = "EBADR",
        [54] = "EXFULL",
        [55] = "ENOANO",
        [56] = "EBADRQC",
        [57] = "EBADSLT",
        [59] = "EBFONT",
        [60] = "ENOSTR",
        [61] = "ENODATA",
        [62] = "ETIME",
        [63] = "ENOSR",
        [64] = "ENONET",
        [65] = "ENOPKG",
        [66] = "EREMOTE",
        [67] = "ENOLINK",
        [68] = "EADV",
        [69] = "ESRMNT",
        [70] = "ECOMM",
        [71] = "EPROTO",
        [72] = "EMULTIHOP",
        [73] = "EDOTDOT",
        [74] = "EBADMSG",
        [75] = "EOVERFLOW",
        [76] = "ENOTUNIQ",
        [77] = "EBADFD",
        [78] = "EREMCHG",
        [79] = "ELIBACC",
        [80] = "ELIBBAD",
        [81] = "ELIBSCN",
        [82] = "ELIBMAX",
        [83] = "ELIBEXEC",
        [84] = "EILSEQ",
        [85] = "ERESTART",
        [86] = "ESTRPIPE",
        [87] = "EUSERS",
        [88] = "ENOTSOCK",
        [89] = "EDESTADDRREQ",
        [90] = "EMSGSIZE",
        [91] = "EPROTOTYPE",
        [92] = "ENOPROTOOPT",
        [93] = "EPROTONOSUPPORT",
        [94] = "ESOCKTNOSUPPORT",
        [95] = "EOPNOTSUPP",
        [96] = "EPFNOSUPPORT",
        [97] = "EAFNOSUPPORT",
        [98] = "EADDRINUSE",
        [99] = "EADDRNOTAVAIL",
        [100] = "ENETDOWN",
        [101] = "ENETUNREACH",
        [102] = "ENETRESET",
        [103] = "ECONNABORTED",
        [104] = "ECONNRESET",
        [105] = "ENOBUFS",
        [106] = "EISCONN",
        [107] = "ENOTCONN",
        [108] = "ESHUTDOWN",
        [109] = "ETOOMANYREFS",
        [110] = "ETIMEDOUT",
        [111] = "ECONNREFUSED",
        [112] = "EHOSTDOWN",
        [113] = "EHOSTUNREACH",
        [114] = "EALREADY",
        [115] = "EINPROGRESS",
        [116] = "ESTALE",
        [117] = "EUCLEAN",
        [118] = "ENOTNAM",
        [119] = "ENAVAIL",
        [120] = "EISNAM",
        [121] = "EREMOTEIO",
        [122] = "EDQUOT",
        [123] = "ENOMEDIUM",
        [124] = "EMEDIUMTYPE",
        [125] = "ECANCELED",
        [126] = "ENOKEY",
        [127] = "EKEYEXPIRED",
        [128] = "EKEYREVOKED",
        [129] = "EKEYREJECTED",
        [130] = "EOWNERDEAD",
        [131] = "ENOTRECOVERABLE",
        [132] = "ERFKILL",
        [133] = "EHWPOISON",
};

/*
 * Second names of the same numbers. EWOULDBLOCK and EDEADLOCK come from the kernel headers;
 * ENOTSUP is glibc's name for EOPNOTSUPP (the kernel has one number for both).
 */
static const struct {
	const char *name;
	int number;
} errno_aliases[] = {
        {"EWOULDBLOCK", 11},
        {"EDEADLOCK", 35},
        {"ENOTSUP", 95},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

const char *errno_name(int e)
{
	if (e <= 0 || (size_t)e >= ARRAY_LEN(errno_names))
		return NULL;
	return errno_names[e];
}

int errno_from_name(const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return -1;
	if (name[0] >= '0' && name[0] <= '9') {
		char *end;
		unsigned long value;

		errno = 0;
		value = strtoul(name, &end, 10);
		if (errno != 0 || *end != '\0' || value > ERRNO_NAME_MAX_NUMBER)
			return -1;
		return (int)value;
	}
	for (i = 1; i < ARRAY_LEN(errno_names); i++)
		if (errno_names[i] != NULL && strcmp(errno_names[i], name) == 0)
			return (int)i;
	for (i = 0; i < ARRAY_LEN(errno_aliases); i++)
		if (strcmp(errno_aliases[i].name, name) == 0)
			return errno_aliases[i].number;
	return -1;
}
