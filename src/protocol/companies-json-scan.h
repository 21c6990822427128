/* companies-json-scan.h: a small strict JSON tokenizer for the protocol's
 * decoders: one flat array of tokens for a whole body, no tree of
 * GObjects and no copy of any string until a decoder asks for one. A page
 * of 5000 companies costs two allocations instead of json-glib's ~130,000
 * (measured: json-glib's parse and free were half of an initial sync's
 * client CPU time).
 *
 * Not part of the library's API.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <string.h>

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  COMPANIES_JSON_OBJECT,
  COMPANIES_JSON_ARRAY,
  COMPANIES_JSON_STRING,
  COMPANIES_JSON_INTEGER,  /* a number without fraction or exponent */
  COMPANIES_JSON_NUMBER,   /* any other number */
  COMPANIES_JSON_TRUE,
  COMPANIES_JSON_FALSE,
  COMPANIES_JSON_NULL,
} CompaniesJsonKind;

/* An object is followed by its members, each a key (a string token) and
 * its value's tokens; an array by its elements' tokens. */
typedef struct
{
  guint32 kind : 4;     /* CompaniesJsonKind */
  guint32 escaped : 1;  /* a string holding a backslash escape */
  guint32 start;        /* byte offset (a string: just after its opening quote) */
  guint32 length;       /* bytes (a string: up to its closing quote) */
  guint32 next;         /* the index just past this value and all it holds */
  guint32 count;        /* members of an object, elements of an array */
} CompaniesJsonToken;

typedef struct
{
  const char         *data;
  CompaniesJsonToken *tokens;
  guint               n_tokens;
} CompaniesJsonDoc;

/* The code unit of the escape \uXXXX whose backslash is at @data[@i], or
 * -1 when there is none there. */
gint         companies_json_escape_unit        (const char        *data,
                                                gsize              i,
                                                gsize              length);

/* Tokenizes @data, which must be valid UTF-8; token 0 is the root. On
 * a syntax error returns FALSE and sets *out_offset (if not NULL) to the
 * byte where it was found. Nesting deeper than @max_depth also fails, and
 * so does an escape that is not text (\u0000, a lone surrogate): every
 * string unescapes to valid UTF-8 without NUL. */
gboolean     companies_json_doc_init           (CompaniesJsonDoc  *doc,
                                                const char        *data,
                                                gsize              length,
                                                guint              max_depth,
                                                gsize             *out_offset);
void         companies_json_doc_clear          (CompaniesJsonDoc  *doc);

/* The value of member @name of object @object (the last one when a name
 * repeats, as json-glib does), or 0 when there is none (0 is the root and
 * never a member). */
guint        companies_json_doc_member         (const CompaniesJsonDoc *doc,
                                                guint                   object,
                                                const char             *name);
/* Whether string token @token holds exactly @text. */
gboolean     companies_json_doc_string_equals  (const CompaniesJsonDoc *doc,
                                                guint                   token,
                                                const char             *text);
/* A string token's text, unescaped, newly allocated. */
char        *companies_json_doc_dup_string     (const CompaniesJsonDoc *doc,
                                                guint                   token);
/* The same, copied into @chunk, which owns it. */
char        *companies_json_doc_insert_string  (const CompaniesJsonDoc *doc,
                                                guint                   token,
                                                GStringChunk           *chunk);
/* FALSE unless @token is an integer that fits in a gint64. */
gboolean     companies_json_doc_get_int        (const CompaniesJsonDoc *doc,
                                                guint                   token,
                                                gint64                 *out_value);

/* The first index from @i on of a byte a string cannot hold as it is ('"',
 * '\\' or below 0x20), or one a little before it; eight bytes at a time
 * (the strings of a body are mostly plain). May return @i itself. */
static inline gsize
companies_json_skip_plain (const char *data,
                           gsize       i,
                           gsize       length)
{
  const guint64 ones = G_GUINT64_CONSTANT (0x0101010101010101);
  const guint64 highs = G_GUINT64_CONSTANT (0x8080808080808080);

  for (; i + 8 <= length; i += 8)
    {
      guint64 word, quote, backslash;

      memcpy (&word, data + i, 8);
      quote = word ^ (ones * '"');
      backslash = word ^ (ones * '\\');
      /* Each term is non-zero exactly when some byte is such a byte. */
      if ((((quote - ones) & ~quote) |
           ((backslash - ones) & ~backslash) |
           ((word - ones * 0x20) & ~word)) & highs)
        break;
    }

  return i;
}

static inline CompaniesJsonKind
companies_json_doc_kind (const CompaniesJsonDoc *doc,
                         guint                   token)
{
  return (CompaniesJsonKind) doc->tokens[token].kind;
}

G_END_DECLS
