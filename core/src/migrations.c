/*
 * The schema, as numbered migrations. Migration N brings the database from user_version N-1 to
 * N; they are applied in order at open, each in its own transaction. Never edit a migration
 * that has shipped: add a new one at the end.
 */
#include <stddef.h> /* NULL */

#include "migrations.h"

static const char *const migrations[] = {
    /* 1: checklists, scripts, institutions, visits, answers, scores */
    "CREATE TABLE checklist_version ("
    "  id INTEGER PRIMARY KEY,"
    "  checklist_id TEXT NOT NULL,"
    "  version TEXT NOT NULL,"
    "  title TEXT NOT NULL,"
    "  n_items INTEGER NOT NULL,"
    "  xml TEXT NOT NULL,"                        /* the exact bytes loaded */
    "  sha256 TEXT NOT NULL CHECK (length(sha256) = 64),"
    "  loaded_at TEXT NOT NULL,"
    "  UNIQUE (checklist_id, version)"
    ") STRICT;"
    /* a checklist version is evidence: it never changes once stored */
    "CREATE TRIGGER checklist_version_immutable BEFORE UPDATE ON checklist_version "
    "BEGIN SELECT RAISE(ABORT, 'a stored checklist version cannot be changed'); END;"

    "CREATE TABLE script_version ("
    "  sha256 TEXT PRIMARY KEY CHECK (length(sha256) = 64),"
    "  name TEXT NOT NULL,"
    "  source TEXT NOT NULL,"
    "  first_used_at TEXT NOT NULL"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE institution ("
    "  id INTEGER PRIMARY KEY,"
    "  reg_no TEXT UNIQUE,"
    "  name TEXT NOT NULL CHECK (name <> ''),"
    "  kind TEXT NOT NULL CHECK (kind IN ('LKSA','LKS-LU','LKS-PD','LKS-KT','LKS-PMKS')),"
    "  owner TEXT, address TEXT, kelurahan TEXT, kecamatan TEXT, kabupaten_kota TEXT, province TEXT,"
    "  latitude REAL CHECK (latitude BETWEEN -90 AND 90),"
    "  longitude REAL CHECK (longitude BETWEEN -180 AND 180),"
    "  capacity INTEGER CHECK (capacity >= 0),"
    "  children_in_care INTEGER CHECK (children_in_care >= 0),"
    "  reg_status TEXT NOT NULL CHECK (reg_status IN ('registered','unregistered','expired','revoked')),"
    "  reg_date TEXT, reg_expires TEXT,"
    "  contact_name TEXT, contact_phone TEXT, contact_email TEXT,"
    "  created_at TEXT NOT NULL,"
    "  updated_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE visit ("
    "  id INTEGER PRIMARY KEY,"
    "  institution_id INTEGER NOT NULL REFERENCES institution(id),"
    "  checklist_version_id INTEGER NOT NULL REFERENCES checklist_version(id),"
    "  visit_date TEXT NOT NULL,"
    "  visit_type TEXT NOT NULL CHECK (visit_type IN ('routine','accreditation','complaint','joint')),"
    "  notes TEXT,"
    "  source TEXT,"                              /* the file it was imported from */
    "  created_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX visit_by_institution ON visit(institution_id, visit_date);"

    "CREATE TABLE visit_team ("
    "  visit_id INTEGER NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  name TEXT NOT NULL,"
    "  agency TEXT NOT NULL,"
    "  role TEXT,"
    "  PRIMARY KEY (visit_id, position)"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE answer ("
    "  visit_id INTEGER NOT NULL REFERENCES visit(id) ON DELETE CASCADE,"
    "  item_id TEXT NOT NULL,"
    "  position INTEGER NOT NULL,"                /* the item's place in the checklist */
    "  value TEXT,"                               /* canonical text; NULL when na */
    "  na INTEGER NOT NULL DEFAULT 0 CHECK (na IN (0,1)),"
    "  note TEXT,"
    "  PRIMARY KEY (visit_id, item_id),"
    "  CHECK ((na = 1) = (value IS NULL))"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE score ("
    "  visit_id INTEGER PRIMARY KEY REFERENCES visit(id) ON DELETE CASCADE,"
    "  total REAL NOT NULL,"
    "  maximum REAL NOT NULL,"
    "  grade TEXT NOT NULL,"
    "  grade_label TEXT NOT NULL,"
    "  valid_until TEXT NOT NULL,"
    "  checklist_sha256 TEXT NOT NULL,"
    "  script_sha256 TEXT NOT NULL REFERENCES script_version(sha256),"
    "  scored_at TEXT NOT NULL"
    ") STRICT;"

    "CREATE TABLE score_section ("
    "  visit_id INTEGER NOT NULL REFERENCES score(visit_id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  section_id TEXT NOT NULL,"
    "  score REAL NOT NULL,"
    "  maximum REAL NOT NULL,"
    "  justification TEXT NOT NULL,"
    "  PRIMARY KEY (visit_id, position)"
    ") STRICT, WITHOUT ROWID;"

    "CREATE TABLE score_flag ("
    "  visit_id INTEGER NOT NULL REFERENCES score(visit_id) ON DELETE CASCADE,"
    "  position INTEGER NOT NULL,"
    "  code TEXT NOT NULL,"
    "  severity TEXT NOT NULL,"
    "  agency TEXT NOT NULL,"
    "  item_id TEXT NOT NULL,"
    "  message TEXT NOT NULL,"
    "  PRIMARY KEY (visit_id, position)"
    ") STRICT, WITHOUT ROWID;",

    /* 2: events raised by the core, and their deliveries to notification channels */
    "CREATE TABLE event ("
    "  id INTEGER PRIMARY KEY,"
    "  type TEXT NOT NULL CHECK (type <> ''),"    /* open list: visit.imported, flag.raised ... */
    "  occurred_at TEXT NOT NULL,"
    "  institution_id INTEGER,"                   /* no foreign keys: an event is a record of */
    "  visit_id INTEGER,"                         /* what happened and outlives what it names */
    "  kabupaten_kota TEXT NOT NULL DEFAULT '',"
    "  subject TEXT NOT NULL,"
    "  body TEXT NOT NULL,"
    "  json TEXT NOT NULL CHECK (json_valid(json)),"
    "  dedupe TEXT,"                              /* what makes it news; see event.c */
    "  routed INTEGER NOT NULL DEFAULT 0 CHECK (routed IN (0,1))"
    ") STRICT;"
    "CREATE INDEX event_by_visit ON event(visit_id, type, dedupe) WHERE visit_id IS NOT NULL;"
    "CREATE INDEX event_unrouted ON event(id) WHERE routed = 0;"

    "CREATE TABLE delivery ("
    "  event_id INTEGER NOT NULL REFERENCES event(id) ON DELETE CASCADE,"
    "  channel TEXT NOT NULL,"
    "  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed')),"
    "  attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),"
    "  next_attempt_at TEXT NOT NULL,"
    "  claimed_until TEXT,"                       /* a dispatcher is delivering it */
    "  last_error TEXT,"
    "  delivered_at TEXT,"
    "  PRIMARY KEY (event_id, channel)"
    ") STRICT, WITHOUT ROWID;"
    "CREATE INDEX delivery_due ON delivery(status, next_attempt_at);",
};

int pt__migration_count(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

const char *pt__migration_sql(int n)
{
    return n >= 1 && n <= pt__migration_count() ? migrations[n - 1] : NULL;
}
