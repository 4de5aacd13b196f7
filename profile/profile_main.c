/* SPDX-License-Identifier: MIT */
/* bouncer-profile: `bouncer profile` as a program of its own (tests, benchmarks). */
#include "profile.h"

int main(int argc, char **argv)
{
	argv[0] = "profile";
	return cmd_profile(argc, argv);
}
