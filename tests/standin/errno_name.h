/* SPDX-License-Identifier: MIT */
/*
 * TEMPORARY TEST-ONLY STAND-IN for supervisor/errno_name.h, which another engineer is writing.
 * Used only while supervisor/errno_name.c is not in the tree (tests/meson.build then defines
 * BOUNCER_TEST_ERRNO_NAME_STANDIN, and the tests that need errno_name() define a minimal one).
 * Delete this directory when supervisor/errno_name.[ch] land.
 */
#ifndef BOUNCER_ERRNO_NAME_H
#define BOUNCER_ERRNO_NAME_H

/* "EPERM" for EPERM, NULL when unknown. */
const char *errno_name(int e);

#endif
