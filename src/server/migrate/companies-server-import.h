/* companies-server-import.h: writes records as they are, ids, versions
 * and all, into an empty PostgreSQL database of companies-server (what
 * `companies-server migrate` needs)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The columns of a record, in the order companies_server_import_record ()
 * takes them: the same names in the SQLite and the PostgreSQL schemas.
 * The creation columns come last: set, they are the record's creation
 * entries, not yet in history (schema 5; docs/postgresql.md, "Round 9"). */
#define COMPANIES_SERVER_IMPORT_FIELD_COLUMNS \
  "id, uuid, version, deleted_at, " \
  "name, name_v, address, address_v, city, city_v, postal_code, postal_code_v, " \
  "country, country_v, phone, phone_v, email, email_v, website, website_v, " \
  "notes, notes_v"
#define COMPANIES_SERVER_IMPORT_CREATION_COLUMNS "created_at, created_by, created_client"
#define COMPANIES_SERVER_IMPORT_COLUMNS \
  COMPANIES_SERVER_IMPORT_FIELD_COLUMNS ", " COMPANIES_SERVER_IMPORT_CREATION_COLUMNS
#define COMPANIES_SERVER_IMPORT_N_COLUMNS 25
/* Where the values start (then each field's value and version), and
 * created_at. */
#define COMPANIES_SERVER_IMPORT_FIRST_FIELD 4
#define COMPANIES_SERVER_IMPORT_CREATED_AT  22

/* The columns of a history entry, in the order
 * companies_server_import_history () takes them (seq is made anew, in
 * the order the entries arrive). */
#define COMPANIES_SERVER_IMPORT_HISTORY_COLUMNS \
  "company_id, field, value, version, at, author, client_id"
#define COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS 7

/* The server state a database carries (its identity and counters). */
typedef struct
{
  const char *database_uuid;
  gint64      last_version;
  gint64      purge_horizon;
  gint64      last_id;
  gint64      created_at;
} CompaniesServerImportState;

typedef struct _CompaniesServerImport CompaniesServerImport;

/* Connects to @uri, whose schema companies_server_store_postgres_open ()
 * made already, opens a transaction and checks that the database holds no
 * record, no history and has handed out no version: a target in use is
 * refused. */
CompaniesServerImport *companies_server_import_begin  (const char                       *uri,
                                                       GError                          **error);
/* Adds one record: @values holds COMPANIES_SERVER_IMPORT_N_COLUMNS texts
 * in the order of COMPANIES_SERVER_IMPORT_COLUMNS (NULL: SQL NULL). */
gboolean               companies_server_import_record (CompaniesServerImport            *self,
                                                       const char * const               *values,
                                                       GError                          **error);
/* Adds one history entry, after the last record: @values holds
 * COMPANIES_SERVER_IMPORT_HISTORY_N_COLUMNS texts in the order of
 * COMPANIES_SERVER_IMPORT_HISTORY_COLUMNS (NULL: SQL NULL). Give them
 * oldest first. */
gboolean               companies_server_import_history (CompaniesServerImport           *self,
                                                        const char * const              *values,
                                                        GError                         **error);
/* Writes @state, checks that @n_records records and @n_history history
 * entries arrived, and commits. */
gboolean               companies_server_import_commit (CompaniesServerImport            *self,
                                                       const CompaniesServerImportState *state,
                                                       gint64                            n_records,
                                                       gint64                            n_history,
                                                       GError                          **error);
/* Rolls back what was not committed, and disconnects. */
void                   companies_server_import_free   (CompaniesServerImport            *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesServerImport, companies_server_import_free)

G_END_DECLS
