/* bench-data.c: realistic companies for the benchmark.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "companies-bench"

#include "config.h"

#include "companies-fields.h"

#include "bench-data.h"

static const char * const name_words[] = {
  "Acme", "Nordic", "Blue", "Atlas", "Müller", "Société", "Łódź", "Ørsted", "Çelik",
  "Green", "Pioneer", "Summit", "Apex", "Horizon", "Straße", "Núñez", "Ångström",
  "Vertex", "Harbor", "Falcon", "Crown", "Delta", "Orion", "Silver", "Maple",
  "東京", "Zürcher", "Brightwater", "Kowalski", "Iberia", "Cedar", "Granite",
};
static const char * const name_trades[] = {
  "Logistics", "Bakery", "Consulting", "Software", "Holdings", "Engineering",
  "Textiles", "Imports", "Foods", "Energy", "Partners", "Trading", "Design",
  "Machinery", "Pharma", "Construction", "Media", "Électrique", "Brauerei",
};
static const char * const name_suffixes[] = {
  "GmbH", "Ltd", "S.A.", "SARL", "Inc.", "AB", "Oy", "K.K.", "sp. z o.o.", "S.p.A.",
  "B.V.", "LLC", "AG", "Lda.",
};
static const char * const streets[] = {
  "Hauptstraße", "Rue de l'Église", "Calle Mayor", "ul. Świętokrzyska", "Via Garibaldi",
  "High Street", "Rua Augusta", "Main Street", "Kungsgatan", "Avenida da Liberdade",
  "Industrieweg", "Station Road", "Boulevard Haussmann", "Mannerheimintie",
};
static const char * const cities[] = {
  "München", "Kraków", "São Paulo", "Zürich", "Göteborg", "Reykjavík", "Paris",
  "Porto", "Tokyo", "Berlin", "Madrid", "Milano", "London", "Helsinki", "Lisboa",
  "Oslo", "Wien", "Praha", "Dublin", "Bordeaux",
};
static const char * const countries[] = {
  "Germany", "Poland", "Brazil", "Switzerland", "Sweden", "Iceland", "France",
  "Portugal", "Japan", "Spain", "Italy", "United Kingdom", "Finland", "Norway",
  "Österreich", "Česko", "Ireland",
};
static const char * const note_phrases[] = {
  "Call before noon.", "Invoices by e-mail only.", "Prefers Portuguese.", "VIP",
  "Closed in August.", "New lead.", "Ask for Zoë.", "Pays late.", "Síndico: Sr. Peña",
  "Key account since 2019; renewal in March.", "Ask for Zoë at reception.",
  "Delivery to the rear gate, not the shop front.",
  "Pays within 30 days, sometimes late in August.",
  "Met at the Hannover fair. Interested in the premium plan, wants a demo.",
  "Réunion trimestrielle avec la direction financière.",
  "Lieferungen nur werktags zwischen 8 und 16 Uhr.",
};

/* A small, fast generator (splitmix64) seeded per record: the same record
 * on every run, whatever was generated before. */
typedef struct
{
  guint64 state;
} BenchRandom;

static guint32
bench_random_next (BenchRandom *random)
{
  guint64 z = (random->state += G_GUINT64_CONSTANT (0x9e3779b97f4a7c15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xbf58476d1ce4e5b9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94d049bb133111eb);
  return (guint32) ((z ^ (z >> 31)) >> 16);
}

static guint
bench_random_below (BenchRandom *random,
                    guint        n)
{
  return bench_random_next (random) % n;
}

#define PICK(random, list) ((list)[bench_random_below ((random), G_N_ELEMENTS (list))])

static char *
slug (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p != '\0' && out->len < 24; p++)
    if (g_ascii_isalnum (*p))
      g_string_append_c (out, g_ascii_tolower (*p));

  if (out->len == 0)
    g_string_append (out, "company");

  return g_string_free (out, FALSE);
}

static char *
make_notes (BenchRandom *random)
{
  GString *notes = g_string_new (NULL);
  guint roll = bench_random_below (random, 100);
  guint n_phrases;

  /* Mostly short, some long, a few very long. */
  if (roll < 88)
    n_phrases = 1;
  else if (roll < 97)
    n_phrases = 2;
  else if (roll < 99)
    n_phrases = 4;
  else
    n_phrases = 12;

  for (guint i = 0; i < n_phrases; i++)
    {
      if (i > 0)
        g_string_append_c (notes, i % 4 == 0 ? '\n' : ' ');
      g_string_append (notes, PICK (random, note_phrases));
    }

  return g_string_free (notes, FALSE);
}

char **
bench_company_values (guint index,
                      guint variant)
{
  BenchRandom random = { G_GUINT64_CONSTANT (0x5eed) ^ ((guint64) index << 20) ^ variant };
  char **values = g_new0 (char *, COMPANIES_N_FIELDS + 1);
  g_autofree char *name_slug = NULL;
  const char *word = PICK (&random, name_words);

  values[COMPANIES_FIELD_NAME] = g_strdup_printf ("%s %s %s", word, PICK (&random, name_trades),
                                                  PICK (&random, name_suffixes));
  values[COMPANIES_FIELD_ADDRESS] = g_strdup_printf ("%s %u", PICK (&random, streets),
                                                     1 + bench_random_below (&random, 240));
  values[COMPANIES_FIELD_CITY] = g_strdup (PICK (&random, cities));
  values[COMPANIES_FIELD_POSTAL_CODE] = g_strdup_printf ("%05u", bench_random_below (&random, 100000));
  values[COMPANIES_FIELD_COUNTRY] = g_strdup (PICK (&random, countries));
  values[COMPANIES_FIELD_PHONE] = g_strdup_printf ("+%u %u %07u", 30 + bench_random_below (&random, 60),
                                                   10 + bench_random_below (&random, 90),
                                                   bench_random_below (&random, 10000000));
  name_slug = slug (word);
  values[COMPANIES_FIELD_EMAIL] = g_strdup_printf ("info@%s%u.example", name_slug, index % 100);
  values[COMPANIES_FIELD_WEBSITE] = g_strdup_printf ("www.%s%u.example", name_slug, index % 100);
  values[COMPANIES_FIELD_NOTES] = make_notes (&random);

  return values;
}

GPtrArray *
bench_company_rows (guint n)
{
  GPtrArray *rows = g_ptr_array_new_full (n, (GDestroyNotify) g_strfreev);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (rows, bench_company_values (i, 0));

  return rows;
}

char *
bench_edit_value (guint index,
                  guint variant)
{
  return g_strdup_printf ("+351 22 %03u %04u", variant % 1000, index % 10000);
}
