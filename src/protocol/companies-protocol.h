/* companies-protocol.h: the wire format of docs/protocol.md, version 1, as plain
 * C structures with JSON encoders and strict decoders. Used by both ends:
 * the client encodes requests and decodes responses, the server decodes
 * requests and encodes responses. No I/O here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "companies-fields.h"

G_BEGIN_DECLS

#define COMPANIES_PROTOCOL_VERSION        1
#define COMPANIES_SYNC_PATH               "/v1/companies/sync"
#define COMPANIES_HEALTH_PATH             "/v1/health"
#define COMPANIES_DEFAULT_LIMIT           5000
#define COMPANIES_MAX_LIMIT               10000
#define COMPANIES_MAX_CHANGES             10000
#define COMPANIES_DEFAULT_MAX_BODY        (32 * 1024 * 1024)
/* The encoded records of a page, echoes included (docs/protocol.md
 * section 7, "Limits") */
#define COMPANIES_MAX_PAGE_BYTES          (4 * 1024 * 1024)
/* The most characters of a rejection's message, and of its code and
 * field (docs/protocol.md section 3). */
#define COMPANIES_MAX_MESSAGE_LENGTH      1000
#define COMPANIES_MAX_CODE_LENGTH         64
#define COMPANIES_MAX_CURSOR_BYTES        200
/* Revision 1.6 (docs/protocol.md section 3, "Who, and both sides"): the
 * request header a client sends to ask for `replaced` and for the writers
 * of `overwritten` values; a server answers at most
 * COMPANIES_MAX_REPLACED entries of `replaced` a response. */
#define COMPANIES_WANT_HEADER             "Companies-Want"
#define COMPANIES_WANT_REPLACED           "replaced"
#define COMPANIES_MAX_REPLACED            100
/* Revision 1.8 (docs/protocol.md section 3, "Created as sent"): the name
 * in that header that asks for `created`, the records this request added
 * answered by id, uuid and version only. */
#define COMPANIES_WANT_CREATED            "created"
/* The most characters of a writer's label in a response */
#define COMPANIES_MAX_LABEL_LENGTH        200
/* The most bytes of an error body a client reads (section 7, "Limits"). */
#define COMPANIES_MAX_ERROR_BODY          (64 * 1024)

#define COMPANIES_PROTOCOL_ERROR (companies_protocol_error_quark ())

/* Why a whole request (or response) was refused: the error codes of
 * docs/protocol.md section 4 that concern the envelope. */
typedef enum
{
  COMPANIES_PROTOCOL_ERROR_INVALID_JSON,         /* 400 invalid_json */
  COMPANIES_PROTOCOL_ERROR_INVALID_REQUEST,      /* 400 invalid_request */
  COMPANIES_PROTOCOL_ERROR_UNSUPPORTED_PROTOCOL, /* 400 unsupported_protocol */
  COMPANIES_PROTOCOL_ERROR_TOO_LARGE,            /* 413 too_large */
} CompaniesProtocolError;

GQuark      companies_protocol_error_quark     (void);
/* The wire code ("invalid_json", …) and HTTP status of a protocol error. */
const char *companies_protocol_error_code_name (CompaniesProtocolError code);
guint       companies_protocol_error_status    (CompaniesProtocolError code);

/* One entry of the request's added, updated or deleted list. */
typedef enum
{
  COMPANIES_CHANGE_ADD,
  COMPANIES_CHANGE_UPDATE,
  COMPANIES_CHANGE_DELETE,
} CompaniesChangeKind;

typedef struct
{
  CompaniesChangeKind kind;
  char   *uuid;                        /* ADD: the idempotency key */
  gint64  id;                          /* UPDATE, DELETE: the server id */
  gint64  base_version;                /* UPDATE */
  guint   field_mask;                  /* ADD, UPDATE: the fields present */
  char   *values[COMPANIES_N_FIELDS];  /* only those in field_mask are set */
  /* Set by the decoder: the fields whose text it trimmed to their stored
   * form (only the name has one), so values[] differ from what was sent. */
  guint   trimmed_mask;

  /* Set by the decoder when the record breaks a rule of docs/protocol.md
   * section 1 (or names an unknown field, or an add lacks a name): the
   * record must not be applied and goes into the response's rejected
   * list. NULL for a valid record. */
  char   *reject_code;                 /* COMPANIES_REJECT_* */
  char   *reject_field;                /* the field's wire name, or NULL */
  char   *reject_message;
} CompaniesChange;

CompaniesChange *companies_change_new  (CompaniesChangeKind kind);
void             companies_change_free (CompaniesChange    *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesChange, companies_change_free)

typedef struct
{
  gint64     protocol;
  char      *client_id;
  char      *cursor;    /* NULL: the client holds no server data */
  guint      limit;     /* 1..COMPANIES_MAX_LIMIT; the decoder fills the default */
  GPtrArray *added;     /* of CompaniesChange, never NULL */
  GPtrArray *updated;
  GPtrArray *deleted;
  /* Not in the body: the request asked for `replaced` (revision 1.6, the
   * COMPANIES_WANT_HEADER header) and for `created` (revision 1.8) */
  gboolean   want_replaced;
  gboolean   want_created;
  /* Set by the decoder: the changes of its lists in one block and all
   * their text in one string chunk, freed with the request (its lists
   * then free no change one by one). */
  CompaniesChange *decoded_changes;
  GStringChunk    *decoded_text;
} CompaniesSyncRequest;

CompaniesSyncRequest *companies_sync_request_new    (void);
void                  companies_sync_request_free   (CompaniesSyncRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncRequest, companies_sync_request_free)

GBytes               *companies_sync_request_encode (const CompaniesSyncRequest *request);
/* The same in two parts: the lists of changes ("added":[…],"updated":
 * […],"deleted":[…]), which a push encodes while the request before it
 * is out; then the request around them, once its cursor is known. The
 * bytes are those of companies_sync_request_encode (). */
GBytes               *companies_sync_request_encode_changes
                                                    (const CompaniesSyncRequest *request);
GBytes               *companies_sync_request_encode_with_changes
                                                    (const CompaniesSyncRequest *request,
                                                     GBytes                     *changes);

/* Strict decoding of a request body. Envelope faults (not JSON, not UTF-8
 * JSON, wrong types anywhere, a malformed uuid, unknown top-level members,
 * limit out of range, more than COMPANIES_MAX_CHANGES changes, nesting
 * deeper than the format has) fail the whole request with a
 * COMPANIES_PROTOCOL_ERROR; *out_path (if not NULL) then names the place,
 * e.g. "added[2].fields". Rule violations inside one record's "fields"
 * (section 1: length, e-mail, unknown field name, a missing or blank name
 * in an add, invalid UTF-8 in a value) do not fail the request: they set
 * that change's reject_* members. */
CompaniesSyncRequest *companies_sync_request_decode (const char  *data,
                                                     gsize        length,
                                                     char       **out_path,
                                                     GError     **error);

/* A company (all fields) or, with values all NULL, a tombstone. */
typedef struct
{
  gint64  id;
  char   *uuid;
  gint64  version;
  char   *values[COMPANIES_N_FIELDS];
  /* When not NULL, the values lie in this one block, which the record
   * owns (companies_sync_response_take_created ()): read them, do not
   * free or replace one. */
  char   *values_block;
} CompaniesRecord;

CompaniesRecord *companies_record_new  (void);
void             companies_record_free (CompaniesRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesRecord, companies_record_free)

typedef struct
{
  char   *uuid;     /* NULL when unknown */
  gint64  id;       /* 0 encodes as null */
  char   *code;     /* COMPANIES_REJECT_* */
  char   *field;    /* a field's wire name, or NULL */
  char   *message;
} CompaniesRejected;

CompaniesRejected *companies_rejected_new  (void);
void               companies_rejected_free (CompaniesRejected *rejected);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesRejected, companies_rejected_free)

typedef struct
{
  gint64          id;
  CompaniesField  field;
  char           *value;    /* the value that this request's update replaced */
  gint64          version;  /* the version that value was written at */
  /* revision 1.6, when asked: who wrote that value (the token's label,
   * NULL when unknown) and when (UNIX seconds, 0 when unknown) */
  char           *by;
  gint64          at;
} CompaniesOverwritten;

CompaniesOverwritten *companies_overwritten_new  (void);
void                  companies_overwritten_free (CompaniesOverwritten *overwritten);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesOverwritten, companies_overwritten_free)

/* Revision 1.6: a value this client wrote that a later write replaced
 * without having seen it (the other side of `overwritten`). */
typedef struct
{
  gint64          id;
  char           *uuid;
  CompaniesField  field;
  char           *lost;             /* the value this client had written */
  gint64          lost_version;     /* the version it was written at */
  char           *current;          /* the value that replaced it */
  gint64          current_version;  /* the version of that write */
  char           *by;               /* its writer's label, NULL when unknown */
  gint64          at;               /* when it was written (UNIX seconds) */
} CompaniesReplaced;

CompaniesReplaced *companies_replaced_new  (void);
void               companies_replaced_free (CompaniesReplaced *replaced);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesReplaced, companies_replaced_free)

typedef struct
{
  gint64     protocol;
  char      *cursor;
  gboolean   has_more;
  gboolean   reset;
  GPtrArray *companies;    /* of CompaniesRecord, all values set */
  GPtrArray *deleted;      /* of CompaniesRecord, values NULL */
  GPtrArray *rejected;     /* of CompaniesRejected */
  GPtrArray *overwritten;  /* of CompaniesOverwritten */
  /* revision 1.6: encoded only when the request asked (who: the writers
   * of `overwritten` and the `replaced` list); decoded when present */
  gboolean   who;
  GPtrArray *replaced;     /* of CompaniesReplaced */
  /* revision 1.8: additions of the request that the server holds with the
   * values sent, as id, uuid and version (values NULL); encoded when not
   * empty, which only a request that asked makes it */
  GPtrArray *created;      /* of CompaniesRecord, values NULL */
} CompaniesSyncResponse;

CompaniesSyncResponse *companies_sync_response_new    (void);
void                   companies_sync_response_free   (CompaniesSyncResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CompaniesSyncResponse, companies_sync_response_free)

/* Appends a rejection (copies of the strings; @uuid and @field may be NULL,
 * @id 0 when unknown). */
void                   companies_sync_response_add_rejected
                                                      (CompaniesSyncResponse *response,
                                                       const char            *uuid,
                                                       gint64                 id,
                                                       const char            *code,
                                                       const char            *field,
                                                       const char            *message);

GBytes                *companies_sync_response_encode (const CompaniesSyncResponse *response);
/* Strict: a response that is not what docs/protocol.md says fails with
 * COMPANIES_PROTOCOL_ERROR_INVALID_JSON or _INVALID_REQUEST; so does one
 * with a value that breaks the rules of section 1 (a blank name, a value
 * too long, an invalid e-mail), which a client must not store. */
CompaniesSyncResponse *companies_sync_response_decode (const char  *data,
                                                       gsize        length,
                                                       GError     **error);

/* Revision 1.8: turns each entry of @response's `created` into a company
 * of its `companies`, with the values @request sent for that uuid (a
 * field it did not send is empty), and keeps `companies` in version
 * order. FALSE, and @response unusable, when an entry names no addition
 * of @request or comes twice: the response is then refused as malformed. */
gboolean               companies_sync_response_take_created (CompaniesSyncResponse      *response,
                                                             const CompaniesSyncRequest *request,
                                                             GError                    **error);

/* The most bytes a valid response to @request may take: section 7,
 * "Limits" (the page's limit and the echoes of its changes, each record
 * with every value at its longest). A longer answer is not one. */
guint64                companies_sync_response_max_bytes (const CompaniesSyncRequest *request);

/* {"error": {"code": …, "message": …, "path": …}}; path may be NULL. */
GBytes   *companies_error_body_encode (const char  *code,
                                       const char  *message,
                                       const char  *path);
/* Reads an error body; FALSE when @data is not one. */
gboolean  companies_error_body_decode (const char  *data,
                                       gsize        length,
                                       char       **out_code,
                                       char       **out_message,
                                       char       **out_path);

/* TRUE for a lower-case RFC 4122 uuid string (8-4-4-4-12 hex digits). */
gboolean  companies_uuid_is_valid     (const char  *uuid);

G_END_DECLS
