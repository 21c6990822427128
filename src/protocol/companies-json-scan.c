/* companies-json-scan.c: a small strict JSON tokenizer (RFC 8259) for the
 * protocol's decoders.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-protocol"

#include "config.h"

#include <string.h>

#include "companies-json-scan.h"

typedef struct
{
  const char         *data;
  gsize               length;
  gsize               pos;
  CompaniesJsonToken *tokens;
  guint               n_tokens;
  guint               allocated;
  guint               max_depth;
} Scanner;

static guint
push_token (Scanner           *scanner,
            CompaniesJsonKind  kind,
            gsize              start)
{
  CompaniesJsonToken *token;

  if (scanner->n_tokens == scanner->allocated)
    {
      scanner->allocated = MAX (64, scanner->allocated * 2);
      scanner->tokens = g_renew (CompaniesJsonToken, scanner->tokens, scanner->allocated);
    }

  token = &scanner->tokens[scanner->n_tokens];
  token->kind = kind;
  token->escaped = 0;
  token->start = (guint32) start;
  token->length = 0;
  token->next = scanner->n_tokens + 1;
  token->count = 0;

  return scanner->n_tokens++;
}

static inline void
skip_white_space (Scanner *scanner)
{
  while (scanner->pos < scanner->length)
    {
      char c = scanner->data[scanner->pos];

      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        break;
      scanner->pos++;
    }
}

static inline gboolean
at (Scanner *scanner,
    char     c)
{
  return scanner->pos < scanner->length && scanner->data[scanner->pos] == c;
}

gint
companies_json_escape_unit (const char *data,
                            gsize       i,
                            gsize       length)
{
  gint unit = 0;

  if (i + 6 > length || data[i] != '\\' || data[i + 1] != 'u')
    return -1;

  for (gsize k = i + 2; k < i + 6; k++)
    {
      gint digit = g_ascii_xdigit_value (data[k]);

      if (digit < 0)
        return -1;
      unit = unit * 16 + digit;
    }

  return unit;
}

/* Just past the escape \uXXXX at @data[@i] (both escapes of a surrogate
 * pair), or 0 when it is malformed or not text: \u0000 (which would cut a
 * C string short) or a lone surrogate. */
static gsize
escape_text_end (const char *data,
                 gsize       i,
                 gsize       length)
{
  gint unit = companies_json_escape_unit (data, i, length);
  gint low;

  if (unit <= 0 || (unit >= 0xdc00 && unit <= 0xdfff))
    return 0;
  if (unit < 0xd800 || unit > 0xdbff)
    return i + 6;

  low = companies_json_escape_unit (data, i + 6, length);
  if (low < 0xdc00 || low > 0xdfff)
    return 0;
  return i + 12;
}

/* At the opening quote. */
static gboolean
scan_string (Scanner *scanner)
{
  const char *data = scanner->data;
  gsize i = scanner->pos + 1;
  guint index = push_token (scanner, COMPANIES_JSON_STRING, i);
  gboolean escaped = FALSE;

  while (i < scanner->length)
    {
      guchar c;

      i = companies_json_skip_plain (data, i, scanner->length);
      if (i >= scanner->length)
        break;
      c = (guchar) data[i];

      if (c == '"')
        {
          scanner->tokens[index].length = (guint32) (i - scanner->tokens[index].start);
          scanner->tokens[index].escaped = escaped;
          scanner->pos = i + 1;
          return TRUE;
        }

      if (c < 0x20)
        break;

      if (c != '\\')
        {
          i++;
          continue;
        }

      escaped = TRUE;
      if (i + 1 >= scanner->length)
        break;
      c = (guchar) data[i + 1];
      if (c == 'u')
        {
          gsize after = escape_text_end (data, i, scanner->length);

          if (after == 0)
            {
              scanner->pos = i;
              return FALSE;
            }
          i = after;
        }
      else if (strchr ("\"\\/bfnrt", c) != NULL && c != '\0')
        {
          i += 2;
        }
      else
        {
          break;
        }
    }

  scanner->pos = i;
  return FALSE;
}

static gboolean
scan_digits (Scanner *scanner)
{
  gsize start = scanner->pos;

  while (scanner->pos < scanner->length && g_ascii_isdigit (scanner->data[scanner->pos]))
    scanner->pos++;

  return scanner->pos > start;
}

static gboolean
scan_number (Scanner *scanner)
{
  gsize start = scanner->pos;
  guint index = push_token (scanner, COMPANIES_JSON_INTEGER, start);

  if (at (scanner, '-'))
    scanner->pos++;

  if (at (scanner, '0'))
    scanner->pos++;
  else if (!scan_digits (scanner))
    return FALSE;

  if (at (scanner, '.'))
    {
      scanner->pos++;
      if (!scan_digits (scanner))
        return FALSE;
      scanner->tokens[index].kind = COMPANIES_JSON_NUMBER;
    }

  if (at (scanner, 'e') || at (scanner, 'E'))
    {
      scanner->pos++;
      if (at (scanner, '+') || at (scanner, '-'))
        scanner->pos++;
      if (!scan_digits (scanner))
        return FALSE;
      scanner->tokens[index].kind = COMPANIES_JSON_NUMBER;
    }

  scanner->tokens[index].length = (guint32) (scanner->pos - start);
  return TRUE;
}

static gboolean
scan_literal (Scanner           *scanner,
              const char        *word,
              CompaniesJsonKind  kind)
{
  gsize length = strlen (word);

  if (scanner->length - scanner->pos < length ||
      memcmp (scanner->data + scanner->pos, word, length) != 0)
    return FALSE;

  push_token (scanner, kind, scanner->pos);
  scanner->tokens[scanner->n_tokens - 1].length = (guint32) length;
  scanner->pos += length;
  return TRUE;
}

static gboolean scan_value (Scanner *scanner,
                            guint    depth);

/* At '{' or '['. */
static gboolean
scan_container (Scanner *scanner,
                guint    depth)
{
  gboolean is_object = scanner->data[scanner->pos] == '{';
  char close = is_object ? '}' : ']';
  guint index = push_token (scanner, is_object ? COMPANIES_JSON_OBJECT : COMPANIES_JSON_ARRAY,
                            scanner->pos);
  guint count = 0;

  if (depth >= scanner->max_depth)
    return FALSE;

  scanner->pos++;
  skip_white_space (scanner);

  if (!at (scanner, close))
    {
      for (;;)
        {
          if (is_object)
            {
              if (!at (scanner, '"') || !scan_string (scanner))
                return FALSE;
              skip_white_space (scanner);
              if (!at (scanner, ':'))
                return FALSE;
              scanner->pos++;
              skip_white_space (scanner);
            }

          if (!scan_value (scanner, depth + 1))
            return FALSE;
          count++;

          skip_white_space (scanner);
          if (at (scanner, close))
            break;
          if (!at (scanner, ','))
            return FALSE;
          scanner->pos++;
          skip_white_space (scanner);
        }
    }

  scanner->pos++;
  scanner->tokens[index].count = count;
  scanner->tokens[index].next = scanner->n_tokens;
  scanner->tokens[index].length = (guint32) (scanner->pos - scanner->tokens[index].start);
  return TRUE;
}

static gboolean
scan_value (Scanner *scanner,
            guint    depth)
{
  if (scanner->pos >= scanner->length)
    return FALSE;

  switch (scanner->data[scanner->pos])
    {
    case '{':
    case '[':
      return scan_container (scanner, depth);
    case '"':
      return scan_string (scanner);
    case 't':
      return scan_literal (scanner, "true", COMPANIES_JSON_TRUE);
    case 'f':
      return scan_literal (scanner, "false", COMPANIES_JSON_FALSE);
    case 'n':
      return scan_literal (scanner, "null", COMPANIES_JSON_NULL);
    default:
      if (scanner->data[scanner->pos] == '-' || g_ascii_isdigit (scanner->data[scanner->pos]))
        return scan_number (scanner);
      return FALSE;
    }
}

gboolean
companies_json_doc_init (CompaniesJsonDoc *doc,
                         const char       *data,
                         gsize             length,
                         guint             max_depth,
                         gsize            *out_offset)
{
  Scanner scanner = { data, length, 0, NULL, 0, 0, max_depth };
  gboolean ok;

  memset (doc, 0, sizeof *doc);

  if (length >= G_MAXUINT32)
    {
      if (out_offset != NULL)
        *out_offset = 0;
      return FALSE;
    }

  /* About one token for every 12 bytes of a page of companies. */
  scanner.allocated = (guint) MAX (64, length / 12);
  scanner.tokens = g_new (CompaniesJsonToken, scanner.allocated);

  skip_white_space (&scanner);
  ok = scan_value (&scanner, 0);
  if (ok)
    {
      skip_white_space (&scanner);
      ok = scanner.pos == length;
    }

  if (!ok)
    {
      if (out_offset != NULL)
        *out_offset = MIN (scanner.pos, length);
      g_free (scanner.tokens);
      return FALSE;
    }

  doc->data = data;
  doc->tokens = scanner.tokens;
  doc->n_tokens = scanner.n_tokens;
  return TRUE;
}

void
companies_json_doc_clear (CompaniesJsonDoc *doc)
{
  g_clear_pointer (&doc->tokens, g_free);
  doc->n_tokens = 0;
}

/* The four hex digits the tokenizer checked. */
static gunichar
hex4 (const char *text)
{
  gunichar unit = 0;

  for (guint k = 0; k < 4; k++)
    unit = unit * 16 + (gunichar) g_ascii_xdigit_value (text[k]);

  return unit;
}

static char *
unescape (const char *text,
          gsize       length)
{
  GString *out = g_string_sized_new (length);

  for (gsize i = 0; i < length; i++)
    {
      gunichar unit;

      if (text[i] != '\\')
        {
          g_string_append_c (out, text[i]);
          continue;
        }

      i++;
      switch (text[i])
        {
        case 'b': g_string_append_c (out, '\b'); continue;
        case 'f': g_string_append_c (out, '\f'); continue;
        case 'n': g_string_append_c (out, '\n'); continue;
        case 'r': g_string_append_c (out, '\r'); continue;
        case 't': g_string_append_c (out, '\t'); continue;
        case 'u': break;
        default: g_string_append_c (out, text[i]); continue;
        }

      unit = hex4 (text + i + 1);
      i += 4;
      if (unit >= 0xd800 && unit <= 0xdbff && i + 6 < length &&
          text[i + 1] == '\\' && text[i + 2] == 'u')
        {
          gunichar low = hex4 (text + i + 3);

          if (low >= 0xdc00 && low <= 0xdfff)
            {
              unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
              i += 6;
            }
        }

      /* Lone surrogates and NUL are not text (the decoders refuse them
       * before they get here; this keeps the result valid anyway). */
      if (unit == 0 || (unit >= 0xd800 && unit <= 0xdfff))
        unit = 0xfffd;
      g_string_append_unichar (out, unit);
    }

  return g_string_free (out, FALSE);
}

char *
companies_json_doc_dup_string (const CompaniesJsonDoc *doc,
                               guint                   token)
{
  const CompaniesJsonToken *t = &doc->tokens[token];

  g_return_val_if_fail (t->kind == COMPANIES_JSON_STRING, NULL);

  if (!t->escaped)
    return g_strndup (doc->data + t->start, t->length);

  return unescape (doc->data + t->start, t->length);
}

char *
companies_json_doc_insert_string (const CompaniesJsonDoc *doc,
                                  guint                   token,
                                  GStringChunk           *chunk)
{
  const CompaniesJsonToken *t = &doc->tokens[token];
  g_autofree char *unescaped = NULL;

  g_return_val_if_fail (t->kind == COMPANIES_JSON_STRING, NULL);

  if (!t->escaped)
    return g_string_chunk_insert_len (chunk, doc->data + t->start, t->length);

  unescaped = unescape (doc->data + t->start, t->length);
  return g_string_chunk_insert (chunk, unescaped);
}

gboolean
companies_json_doc_string_equals (const CompaniesJsonDoc *doc,
                                  guint                   token,
                                  const char             *text)
{
  const CompaniesJsonToken *t = &doc->tokens[token];
  g_autofree char *unescaped = NULL;

  if (t->kind != COMPANIES_JSON_STRING)
    return FALSE;

  if (!t->escaped)
    return strlen (text) == t->length && memcmp (doc->data + t->start, text, t->length) == 0;

  unescaped = unescape (doc->data + t->start, t->length);
  return strcmp (unescaped, text) == 0;
}

guint
companies_json_doc_member (const CompaniesJsonDoc *doc,
                           guint                   object,
                           const char             *name)
{
  const CompaniesJsonToken *t = &doc->tokens[object];
  guint found = 0;
  guint key = object + 1;

  if (t->kind != COMPANIES_JSON_OBJECT)
    return 0;

  for (guint m = 0; m < t->count; m++)
    {
      guint value = key + 1;

      if (companies_json_doc_string_equals (doc, key, name))
        found = value;
      key = doc->tokens[value].next;
    }

  return found;
}

gboolean
companies_json_doc_get_int (const CompaniesJsonDoc *doc,
                            guint                   token,
                            gint64                 *out_value)
{
  const CompaniesJsonToken *t = &doc->tokens[token];
  const char *p = doc->data + t->start;
  const char *end = p + t->length;
  gboolean negative = FALSE;
  guint64 magnitude = 0;

  if (t->kind != COMPANIES_JSON_INTEGER)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  for (; p < end; p++)
    {
      guint digit = (guint) (*p - '0');

      if (magnitude > (G_MAXUINT64 - digit) / 10)
        return FALSE;
      magnitude = magnitude * 10 + digit;
    }

  if (negative)
    {
      if (magnitude > (guint64) G_MAXINT64 + 1)
        return FALSE;
      *out_value = magnitude == (guint64) G_MAXINT64 + 1 ? G_MININT64 : -(gint64) magnitude;
    }
  else
    {
      if (magnitude > (guint64) G_MAXINT64)
        return FALSE;
      *out_value = (gint64) magnitude;
    }

  return TRUE;
}
