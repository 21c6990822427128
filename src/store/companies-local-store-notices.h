/* companies-local-store-notices.h: the notices a sync leaves for the
 * person (docs/notices.md): a value our push replaced unseen, or a
 * company deleted elsewhere while edited here. Kept in the local store
 * across restarts until restored or dismissed, and bounded.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "companies-local-store.h"

G_BEGIN_DECLS

/* The most notices kept: a new one beyond it drops the oldest. */
#define COMPANIES_NOTICES_MAX      500
/* The most bytes of a value kept in a notice; a longer one is cut (at a
 * character's boundary) and can no longer be restored. Every value of
 * up to 16384 bytes (a full notes field of Latin text) fits. */
#define COMPANIES_NOTICE_VALUE_MAX 16384

typedef enum
{
  COMPANIES_NOTICE_OVERWRITTEN,  /* our push replaced a value written elsewhere, or
                                  * (replaced) a later write replaced ours */
  COMPANIES_NOTICE_DELETED,      /* deleted elsewhere while edited here */
} CompaniesNoticeKind;

typedef struct
{
  gint64               notice_id;    /* local key */
  CompaniesNoticeKind  kind;
  char                *uuid;         /* of the company (NULL if unknown) */
  gint64               id;           /* its server id, 0 if unknown */
  char                *company_name; /* as it was when the notice was made */
  CompaniesField       field;        /* overwritten only */
  /* overwritten: the replaced value, written elsewhere; deleted: NULL */
  char                *lost;
  /* deleted: every field as edited here (what Restore creates); else NULL */
  char               **lost_values;
  guint                edited;       /* deleted: the fields edited here */
  gboolean             lost_cut;     /* a value was cut to COMPANIES_NOTICE_VALUE_MAX */
  gint64               lost_version; /* overwritten: the server version it was written at */
  /* overwritten: the field's value here now; NULL when the company is
   * gone. deleted: always NULL (nothing is current). */
  char                *current;
  gint64               received_time; /* unix seconds */
  /* overwritten: TRUE when the lost value was ours and a later write that
   * had not seen it replaced it (the other side); FALSE when our push
   * replaced it. `current` is then the value that replaced ours. */
  gboolean             replaced;
  char                *other_by;     /* the other writer's label; NULL unknown */
  gint64               other_at;     /* when the other wrote (unix s), 0 unknown */
  gint64               current_version; /* replaced: the version of `current` */
} CompaniesNotice;

void       companies_notice_free          (CompaniesNotice *notice);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesNotice, companies_notice_free)

/* Every notice, newest first. */
GPtrArray *companies_local_store_list_notices        (CompaniesLocalStore  *self,
                                                      GError              **error);
/* What a banner shows, from one snapshot of the file: the newest notice
 * (NULL for none), how many there are, and how many the bound dropped.
 * Reads one notice however many there are. */
gboolean   companies_local_store_get_newest_notice   (CompaniesLocalStore  *self,
                                                      CompaniesNotice     **out_notice,
                                                      gint64               *out_count,
                                                      gint64               *out_dropped,
                                                      GError              **error);
/* How many notices the bound dropped, over the file's life. */
gboolean   companies_local_store_get_notices_dropped (CompaniesLocalStore  *self,
                                                      gint64               *out_dropped,
                                                      GError              **error);
/* Forgets the notice. COMPANIES_STORE_ERROR_NOT_FOUND when there is none. */
gboolean   companies_local_store_dismiss_notice      (CompaniesLocalStore  *self,
                                                      gint64                notice_id,
                                                      GError              **error);
/* Makes the lost value current again, as a ForSync action, and forgets
 * the notice, in one transaction: an overwritten value is written back
 * into its company (COMPANIES_STORE_ERROR_NOT_FOUND when the company is
 * gone); a deleted company is created anew from the values edited here,
 * with a new uuid. The next sync pushes it. A value that was cut cannot
 * be restored (COMPANIES_STORE_ERROR_FAILED). Returns the company. */
CompaniesCompany *companies_local_store_restore_notice (CompaniesLocalStore  *self,
                                                        gint64                notice_id,
                                                        GError              **error);

/* What a notice says, for the app and the CLI (translated):
 * the title ("Café Olé was deleted elsewhere while you edited it"), the
 * values with who wrote each and when, and what Restore does. */
char      *companies_notice_dup_title        (const CompaniesNotice *notice);
char      *companies_notice_dup_details      (const CompaniesNotice *notice);
char      *companies_notice_dup_restore_text (const CompaniesNotice *notice);
/* Who wrote the lost and the current value: "you" for this client, the
 * other writer's label, or NULL when the server knew none (shown as
 * "another device"). Not translated: for the CLI's JSON. */
const char *companies_notice_get_lost_by     (const CompaniesNotice *notice);
const char *companies_notice_get_current_by  (const CompaniesNotice *notice);
/* "3 older notices were dropped", or NULL for none. */
char      *companies_notice_dup_dropped_text (gint64                 dropped);

G_END_DECLS
