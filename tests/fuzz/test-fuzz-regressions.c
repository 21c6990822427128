/* test-fuzz-regressions.c: every input the fuzzers ever crashed on (the
 * folder regressions/), and every seed of the fuzz corpus, through the
 * request, response and error body decoders with the checks of the fuzz
 * targets (fuzz-checks.c). Runs in every build, gcc or clang.
 *
 * Seeds named ok-* must decode with their own decoder, bad-* must be
 * refused by it; regressions only need to be handled sanely.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-fuzz-regressions"

#include <string.h>

#include "fuzz-checks.h"

typedef enum
{
  TARGET_ANY,
  TARGET_REQUEST,
  TARGET_RESPONSE,
  TARGET_ERROR_BODY,
} Target;

typedef struct
{
  Target  target;
  char   *path;
} Input;

static void
input_free (gpointer data)
{
  Input *input = data;

  g_free (input->path);
  g_free (input);
}

static void
test_input (gconstpointer data)
{
  const Input *input = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *basename = g_path_get_basename (input->path);
  gsize length;
  gboolean request_ok, response_ok, error_body_ok;

  g_file_get_contents (input->path, &contents, &length, &error);
  g_assert_no_error (error);

  /* Every input goes through every decoder: none may crash. */
  request_ok = companies_fuzz_check_request (contents, length);
  response_ok = companies_fuzz_check_response (contents, length);
  error_body_ok = companies_fuzz_check_error_body (contents, length);

  /* A body is at most one of the three things. */
  g_assert_cmpint (request_ok + response_ok + error_body_ok, <=, 1);

  if (input->target != TARGET_ANY)
    {
      gboolean decoded = input->target == TARGET_REQUEST ? request_ok :
                         input->target == TARGET_RESPONSE ? response_ok : error_body_ok;

      if (g_str_has_prefix (basename, "ok-"))
        g_assert_true (decoded);
      else if (g_str_has_prefix (basename, "bad-"))
        g_assert_false (decoded);
      else
        g_error ("Seed %s is named neither ok-* nor bad-*", input->path);
    }
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

/* Adds one test case a file of @folder; returns how many. */
static guint
add_folder (GPtrArray  *inputs,
            const char *test_prefix,
            const char *folder,
            Target      target)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  dir = g_dir_open (folder, 0, &error);
  g_assert_no_error (error);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      if (name[0] != '.')
        g_ptr_array_add (names, g_strdup (name));
    }
  g_ptr_array_sort (names, compare_names);

  for (guint i = 0; i < names->len; i++)
    {
      const char *file_name = g_ptr_array_index (names, i);
      g_autofree char *test_path = g_strdup_printf ("%s/%s", test_prefix, file_name);
      Input *input = g_new0 (Input, 1);

      input->target = target;
      input->path = g_build_filename (folder, file_name, NULL);
      g_ptr_array_add (inputs, input);
      g_test_add_data_func (test_path, input, test_input);
    }

  return names->len;
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    Target      target;
  } corpora[] = {
    { "request", TARGET_REQUEST },
    { "response", TARGET_RESPONSE },
    { "error-body", TARGET_ERROR_BODY },
  };
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_with_free_func (input_free);
  g_autofree char *regressions = NULL;
  guint n_inputs;
  int status;

  g_test_init (&argc, &argv, NULL);
  companies_fuzz_init ();

  regressions = g_test_build_filename (G_TEST_DIST, "fuzz", "regressions", NULL);
  n_inputs = add_folder (inputs, "/fuzz/regressions", regressions, TARGET_ANY);
  g_assert_cmpuint (n_inputs, >, 0);

  for (guint i = 0; i < G_N_ELEMENTS (corpora); i++)
    {
      g_autofree char *folder = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus",
                                                       corpora[i].name, NULL);
      g_autofree char *prefix = g_strdup_printf ("/fuzz/corpus/%s", corpora[i].name);

      n_inputs = add_folder (inputs, prefix, folder, corpora[i].target);
      g_assert_cmpuint (n_inputs, >, 0);
    }

  status = g_test_run ();

  return status;
}
