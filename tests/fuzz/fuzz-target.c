/* fuzz-target.c: the libFuzzer entry points, built once a target by
 * tests/fuzz/meson.build with FUZZ_CHECK set to the check of fuzz-checks.c
 * that target runs: companies_fuzz_check_request (fuzz-request-decode),
 * companies_fuzz_check_response (fuzz-response-decode) or
 * companies_fuzz_check_error_body (fuzz-error-body); each decodes the input
 * and checks the round trip through the encoder. build-aux/fuzz.sh builds
 * and runs them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-fuzz"

#include <stddef.h>
#include <stdint.h>

#include "fuzz-checks.h"

#ifndef FUZZ_CHECK
#error "FUZZ_CHECK names the check of fuzz-checks.c this target runs"
#endif

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  companies_fuzz_init ();
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  FUZZ_CHECK ((const char *) data, size);
  return 0;
}
