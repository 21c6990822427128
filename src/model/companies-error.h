/* companies-error.h: the error domains of the client side.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define COMPANIES_SYNC_ERROR (companies_sync_error_quark ())

/* What went wrong with a sync, in terms a UI can act on. Every error carries
 * a translated message fit to show a person. A cancelled sync returns
 * G_IO_ERROR_CANCELLED instead. */
typedef enum
{
  COMPANIES_SYNC_ERROR_NETWORK,       /* the server could not be reached */
  COMPANIES_SYNC_ERROR_UNAUTHORIZED,  /* 401: missing or wrong token */
  COMPANIES_SYNC_ERROR_SERVER,        /* 5xx: the server failed */
  COMPANIES_SYNC_ERROR_PROTOCOL,      /* other 4xx, or a malformed response */
  COMPANIES_SYNC_ERROR_STORAGE,       /* the local database failed */
  COMPANIES_SYNC_ERROR_CERTIFICATE,   /* the server's TLS certificate is not trusted */
  COMPANIES_SYNC_ERROR_READ_ONLY,     /* 403 read_only: the token may pull, not push */
  COMPANIES_SYNC_ERROR_NOT_FOUND,     /* 404 not_found: the server has no such company */
} CompaniesSyncError;

#define COMPANIES_STORE_ERROR (companies_store_error_quark ())

/* Errors of the local store (the ForSync actions and queries). Validation
 * failures use COMPANIES_VALIDATION_ERROR instead. */
typedef enum
{
  COMPANIES_STORE_ERROR_NOT_FOUND,    /* no record has that uuid or id */
  COMPANIES_STORE_ERROR_BUSY,         /* another process held the database too long */
  COMPANIES_STORE_ERROR_FULL,         /* the disk (or quota) is full */
  COMPANIES_STORE_ERROR_CORRUPT,      /* not a Companies database, or damaged */
  COMPANIES_STORE_ERROR_TOO_NEW,      /* made by a newer version of Companies */
  COMPANIES_STORE_ERROR_FAILED,       /* any other SQLite failure */
} CompaniesStoreError;

GQuark companies_sync_error_quark  (void);
GQuark companies_store_error_quark (void);

G_END_DECLS
