/* SPDX-License-Identifier: MIT */
/*
 * int80_probe: a 64-bit program that makes i386 system calls with `int $0x80`, with the upper
 * halves of the argument registers set (tests/test_supervise_i386.c). The kernel's i386 entry
 * points use only the lower 32 bits, but seccomp_data carries all 64: a supervisor that used
 * the whole register would read (and write) other memory than the kernel does.
 *
 *   int80_probe stat64 PATH     stat64 (i386 number 195) with PATH and the buffer in the low
 *                               4 GiB (MAP_32BIT) and 0xdead/0xbeef in the upper halves:
 *                               "int80 stat64 PATH: 0 size=S ino=I bytes=HEX" or "-1 ENAME"
 *
 * Exits 0, 2 on a usage error, 99 when the probe itself failed.
 */
#include <stdint.h>
#include <sys/mman.h>

#include "probe_util.h"

#if !defined(__x86_64__)
#error "int80_probe makes i386 calls from x86_64"
#endif

#define I386_NR_STAT64 195

static long int80(long nr, uint64_t a, uint64_t b)
{
	long ret;

	__asm__ volatile("int $0x80"
	                 : "=a"(ret)
	                 : "a"(nr), "b"(a), "c"(b)
	                 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

int main(int argc, char **argv)
{
	unsigned char *page, *out;
	char bytes[2 * 96 + 1];
	uint64_t size, ino;
	long r;

	if (argc != 3 || strcmp(argv[1], "stat64") != 0 || strlen(argv[2]) >= 1024) {
		fprintf(stderr, "usage: int80_probe stat64 PATH\n");
		return 2;
	}
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
	            0);
	if (page == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	strcpy((char *)page, argv[2]);
	out = page + 2048;
	memset(out, 0xa5, 96);
	r = int80(I386_NR_STAT64, 0xdeadull << 32 | (uintptr_t)page,
	          0xbeefull << 32 | (uintptr_t)out);
	if (r < 0) {
		say("int80 stat64 %s: -1 %s", argv[2], errno_name((int)-r));
		return 0;
	}
	for (int i = 0; i < 96; i++)
		sprintf(bytes + 2 * i, "%02x", out[i]);
	memcpy(&size, out + 44, 8);
	memcpy(&ino, out + 88, 8);
	say("int80 stat64 %s: %ld size=%llu ino=%llu bytes=%s", argv[2], r,
	    (unsigned long long)size, (unsigned long long)ino, bytes);
	return 0;
}
