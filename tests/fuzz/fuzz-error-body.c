/* fuzz-error-body.c: libFuzzer target for companies_error_body_decode (),
 * with the round trip through companies_error_body_encode (). The properties
 * checked are in fuzz-checks.c; build-aux/fuzz.sh builds and runs it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "fuzz-error-body"

#include <stddef.h>
#include <stdint.h>

#include "fuzz-checks.h"

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
  companies_fuzz_check_error_body ((const char *) data, size);
  return 0;
}
