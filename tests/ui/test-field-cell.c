/* test-field-cell.c: a text cell of the companies list follows its
 * company: a refresh updates the company in place, and the cell shows
 * the new value of its own field only; unbound, it follows nothing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "test-field-cell"

#include "config.h"

#include <gtk/gtk.h>

#include "companies-company.h"
#include "companies-field-cell.h"

static CompaniesCompany *
make_company (guint i)
{
  CompaniesCompany *company = companies_company_new ();
  g_autofree char *uuid = g_strdup_printf ("00000000-0000-4000-8000-%012u", i);
  g_autofree char *name = g_strdup_printf ("Company %05u", i);

  companies_company_set_uuid (company, uuid);
  companies_company_set_field (company, COMPANIES_FIELD_NAME, name);

  return company;
}

static void
test_field_cell (void)
{
  g_autoptr(CompaniesCompany) company = make_company (7);
  GtkWidget *cell = g_object_ref_sink (companies_field_cell_new (COMPANIES_FIELD_NAME, 10, 32));

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), company);
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Company 00007");

  /* A refresh updates the company in place: the cell follows its field,
   * and only its field. */
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Renamed");
  companies_company_set_field (company, COMPANIES_FIELD_CITY, "Braga");
  g_assert_cmpstr (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)), ==, "Renamed");

  companies_field_cell_bind (COMPANIES_FIELD_CELL (cell), NULL);
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));
  companies_company_set_field (company, COMPANIES_FIELD_NAME, "Again");
  g_assert_null (companies_field_cell_get_text (COMPANIES_FIELD_CELL (cell)));

  g_object_unref (cell);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gtk_init ();

  g_test_add_func ("/field-cell/follows-its-company", test_field_cell);

  return g_test_run ();
}
