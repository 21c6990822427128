/* companies-fields.h: the user fields of a Company and their rules
 * (protocol.md section 1), shared by the client, the server and the app.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  COMPANIES_FIELD_NAME,
  COMPANIES_FIELD_ADDRESS,
  COMPANIES_FIELD_CITY,
  COMPANIES_FIELD_POSTAL_CODE,
  COMPANIES_FIELD_COUNTRY,
  COMPANIES_FIELD_PHONE,
  COMPANIES_FIELD_EMAIL,
  COMPANIES_FIELD_WEBSITE,
  COMPANIES_FIELD_NOTES,
  COMPANIES_N_FIELDS
} CompaniesField;

/* A set of fields as a bit mask, e.g. the fields changed locally. */
#define COMPANIES_FIELD_BIT(field) (1u << (field))
#define COMPANIES_ALL_FIELDS ((1u << COMPANIES_N_FIELDS) - 1)

/* Rejection codes of protocol.md section 3, stable on the wire. */
#define COMPANIES_REJECT_INVALID_FIELD "invalid_field"
#define COMPANIES_REJECT_UNKNOWN_FIELD "unknown_field"
#define COMPANIES_REJECT_MISSING_FIELD "missing_field"
#define COMPANIES_REJECT_NOT_FOUND     "not_found"

#define COMPANIES_VALIDATION_ERROR (companies_validation_error_quark ())

typedef enum
{
  COMPANIES_VALIDATION_ERROR_INVALID_FIELD, /* a value breaks its rule */
  COMPANIES_VALIDATION_ERROR_UNKNOWN_FIELD, /* no field has that name */
  COMPANIES_VALIDATION_ERROR_MISSING_FIELD, /* a required field is absent */
} CompaniesValidationError;

GQuark       companies_validation_error_quark   (void);

/* The wire name ("postal_code"); NULL past the last field. */
const char  *companies_field_get_name           (CompaniesField  field);
/* A label fit to show a person ("Postal code"), translated. */
const char  *companies_field_get_label          (CompaniesField  field);
gboolean     companies_field_from_name          (const char     *name,
                                                 CompaniesField *out_field);
/* The most characters (not bytes) the field may hold. */
guint        companies_field_get_max_length     (CompaniesField  field);

/* Checks one value against protocol.md section 1: valid UTF-8, no NUL,
 * length in characters (name after trimming white space, 1..200), e-mail
 * empty or one '@' with text on both sides. On failure the error is
 * COMPANIES_VALIDATION_ERROR_INVALID_FIELD with a translated message that
 * names the field, fit to show a person. */
gboolean     companies_field_validate           (CompaniesField  field,
                                                 const char     *value,
                                                 GError        **error);

/* Checks a whole set of values indexed by CompaniesField; only the fields in
 * @mask are looked at. When @mask holds the name, a NULL or blank name is an
 * error. On failure *out_field (if not NULL) says which field failed. */
gboolean     companies_fields_validate          (const char * const *values,
                                                 guint               mask,
                                                 CompaniesField     *out_field,
                                                 GError            **error);

/* The stored form of a name: white space trimmed at both ends. The other
 * fields are stored as given. Returns a newly allocated string. */
char        *companies_field_normalize          (CompaniesField  field,
                                                 const char     *value);

G_END_DECLS
