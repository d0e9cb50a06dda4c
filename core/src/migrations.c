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

    /* 3: the audit log (audit.c). Each row records one change: who (pt_actor()), when
     * (pt_now()), what (action, entity, entity_id) and the row before and after, as JSON. Rows
     * are chained: hash = pt_audit_hash(prev_hash, seq, at, actor, action, entity, entity_id,
     * before, after), prev_hash the previous row's hash (64 zeros for the first). Triggers on the
     * record tables write it through the view audit_append, whose INSTEAD OF trigger numbers and
     * chains the row; the pt_* functions exist only on a pantau connection, so any other program
     * must drop triggers to write these tables, and `pantau audit verify` sees that. An imported
     * visit is ONE "visit" entry written by pt__audit_visit (visit and visit_team have no insert
     * trigger: the importer is their only writer): the visit row plus 'team' (its visit_team
     * rows, as an array) and 'n_answers' and 'answers_sha256' (the digest of its answers, not
     * one row per answer). Updates and deletes of visits, team rows and answers are audited row
     * by row (an answer's also as a new "visit.answers" digest). A stored score is
     * one "score" entry written by pt__audit_score (no insert trigger): the score row plus the
     * count and digest of its sections and of its flags, which have no triggers of their own
     * (verify recomputes the digests); the update trigger records the same shape. Those C
     * entries are inserted into audit_log directly, numbered and chained exactly as
     * audit_append_insert does (audit.c, APPEND_INSERT_SQL: keep the two in step). */
    "CREATE TABLE audit_log ("
    "  seq INTEGER PRIMARY KEY,"
    "  at TEXT NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  action TEXT NOT NULL CHECK (action IN ('insert','update','delete')),"
    "  entity TEXT NOT NULL,"
    "  entity_id INTEGER NOT NULL,"
    "  before TEXT,"                              /* JSON of the old row; NULL for insert */
    "  after TEXT,"                               /* JSON of the new row; NULL for delete */
    "  prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),"
    "  hash TEXT NOT NULL CHECK (length(hash) = 64)"
    ") STRICT;"
    "CREATE INDEX audit_by_entity ON audit_log(entity, entity_id, seq);"
    /* append-only, enforced by the database itself */
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be changed'); END;"
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
    "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: its rows cannot be deleted'); END;"
    "CREATE VIEW audit_append (action, entity, entity_id, before, after) AS "
    "  SELECT NULL, NULL, NULL, NULL, NULL WHERE 0;"
    "CREATE TRIGGER audit_append_insert INSTEAD OF INSERT ON audit_append BEGIN "
    "  INSERT INTO audit_log (seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash) "
    "  SELECT n.seq, n.at, n.actor, NEW.action, NEW.entity, NEW.entity_id, NEW.before, NEW.after, "
    "         n.prev, pt_audit_hash(n.prev, n.seq, n.at, n.actor, NEW.action, NEW.entity, "
    "                               NEW.entity_id, NEW.before, NEW.after) "
    "  FROM (SELECT coalesce((SELECT max(seq) FROM audit_log), 0) + 1 AS seq, pt_now() AS at, "
    "               pt_actor() AS actor, coalesce((SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1), "
    "               '0000000000000000000000000000000000000000000000000000000000000000') AS prev) n; "
    "END;"
    "CREATE TRIGGER audit_institution_insert AFTER INSERT ON institution BEGIN "
    "  INSERT INTO audit_append VALUES ('insert','institution',NEW.id,"
    "    NULL,"
    "    json_object('id',NEW.id,'reg_no',NEW.reg_no,'name',NEW.name,'kind',NEW.kind,'owner',NEW.owner,'address',NEW.address,'kelurahan',NEW.kelurahan,'kecamatan',NEW.kecamatan,'kabupaten_kota',NEW.kabupaten_kota,'province',NEW.province,'latitude',NEW.latitude,'longitude',NEW.longitude,'capacity',NEW.capacity,'children_in_care',NEW.children_in_care,'reg_status',NEW.reg_status,'reg_date',NEW.reg_date,'reg_expires',NEW.reg_expires,'contact_name',NEW.contact_name,'contact_phone',NEW.contact_phone,'contact_email',NEW.contact_email,'created_at',NEW.created_at,'updated_at',NEW.updated_at)); "
    "END;"
    "CREATE TRIGGER audit_institution_update AFTER UPDATE ON institution BEGIN "
    "  INSERT INTO audit_append VALUES ('update','institution',NEW.id,"
    "    json_object('id',OLD.id,'reg_no',OLD.reg_no,'name',OLD.name,'kind',OLD.kind,'owner',OLD.owner,'address',OLD.address,'kelurahan',OLD.kelurahan,'kecamatan',OLD.kecamatan,'kabupaten_kota',OLD.kabupaten_kota,'province',OLD.province,'latitude',OLD.latitude,'longitude',OLD.longitude,'capacity',OLD.capacity,'children_in_care',OLD.children_in_care,'reg_status',OLD.reg_status,'reg_date',OLD.reg_date,'reg_expires',OLD.reg_expires,'contact_name',OLD.contact_name,'contact_phone',OLD.contact_phone,'contact_email',OLD.contact_email,'created_at',OLD.created_at,'updated_at',OLD.updated_at),"
    "    json_object('id',NEW.id,'reg_no',NEW.reg_no,'name',NEW.name,'kind',NEW.kind,'owner',NEW.owner,'address',NEW.address,'kelurahan',NEW.kelurahan,'kecamatan',NEW.kecamatan,'kabupaten_kota',NEW.kabupaten_kota,'province',NEW.province,'latitude',NEW.latitude,'longitude',NEW.longitude,'capacity',NEW.capacity,'children_in_care',NEW.children_in_care,'reg_status',NEW.reg_status,'reg_date',NEW.reg_date,'reg_expires',NEW.reg_expires,'contact_name',NEW.contact_name,'contact_phone',NEW.contact_phone,'contact_email',NEW.contact_email,'created_at',NEW.created_at,'updated_at',NEW.updated_at)); "
    "END;"
    "CREATE TRIGGER audit_institution_delete AFTER DELETE ON institution BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','institution',OLD.id,"
    "    json_object('id',OLD.id,'reg_no',OLD.reg_no,'name',OLD.name,'kind',OLD.kind,'owner',OLD.owner,'address',OLD.address,'kelurahan',OLD.kelurahan,'kecamatan',OLD.kecamatan,'kabupaten_kota',OLD.kabupaten_kota,'province',OLD.province,'latitude',OLD.latitude,'longitude',OLD.longitude,'capacity',OLD.capacity,'children_in_care',OLD.children_in_care,'reg_status',OLD.reg_status,'reg_date',OLD.reg_date,'reg_expires',OLD.reg_expires,'contact_name',OLD.contact_name,'contact_phone',OLD.contact_phone,'contact_email',OLD.contact_email,'created_at',OLD.created_at,'updated_at',OLD.updated_at),"
    "    NULL); "
    "END;"
    "CREATE TRIGGER audit_checklist_version_insert AFTER INSERT ON checklist_version BEGIN "
    "  INSERT INTO audit_append VALUES ('insert','checklist_version',NEW.id,"
    "    NULL,"
    "    json_object('id',NEW.id,'checklist_id',NEW.checklist_id,'version',NEW.version,'title',NEW.title,'n_items',NEW.n_items,'sha256',NEW.sha256,'loaded_at',NEW.loaded_at)); "
    "END;"
    "CREATE TRIGGER audit_checklist_version_update AFTER UPDATE ON checklist_version BEGIN "
    "  INSERT INTO audit_append VALUES ('update','checklist_version',NEW.id,"
    "    json_object('id',OLD.id,'checklist_id',OLD.checklist_id,'version',OLD.version,'title',OLD.title,'n_items',OLD.n_items,'sha256',OLD.sha256,'loaded_at',OLD.loaded_at),"
    "    json_object('id',NEW.id,'checklist_id',NEW.checklist_id,'version',NEW.version,'title',NEW.title,'n_items',NEW.n_items,'sha256',NEW.sha256,'loaded_at',NEW.loaded_at)); "
    "END;"
    "CREATE TRIGGER audit_checklist_version_delete AFTER DELETE ON checklist_version BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','checklist_version',OLD.id,"
    "    json_object('id',OLD.id,'checklist_id',OLD.checklist_id,'version',OLD.version,'title',OLD.title,'n_items',OLD.n_items,'sha256',OLD.sha256,'loaded_at',OLD.loaded_at),"
    "    NULL); "
    "END;"
    "CREATE TRIGGER audit_visit_update AFTER UPDATE ON visit BEGIN "
    "  INSERT INTO audit_append VALUES ('update','visit',NEW.id,"
    "    json_object('id',OLD.id,'institution_id',OLD.institution_id,'checklist_version_id',OLD.checklist_version_id,'visit_date',OLD.visit_date,'visit_type',OLD.visit_type,'notes',OLD.notes,'source',OLD.source,'created_at',OLD.created_at),"
    "    json_object('id',NEW.id,'institution_id',NEW.institution_id,'checklist_version_id',NEW.checklist_version_id,'visit_date',NEW.visit_date,'visit_type',NEW.visit_type,'notes',NEW.notes,'source',NEW.source,'created_at',NEW.created_at)); "
    "END;"
    "CREATE TRIGGER audit_visit_delete AFTER DELETE ON visit BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','visit',OLD.id,"
    "    json_object('id',OLD.id,'institution_id',OLD.institution_id,'checklist_version_id',OLD.checklist_version_id,'visit_date',OLD.visit_date,'visit_type',OLD.visit_type,'notes',OLD.notes,'source',OLD.source,'created_at',OLD.created_at),"
    "    NULL); "
    "END;"
    "CREATE TRIGGER audit_visit_team_update AFTER UPDATE ON visit_team BEGIN "
    "  INSERT INTO audit_append VALUES ('update','visit_team',NEW.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'position',OLD.position,'name',OLD.name,'agency',OLD.agency,'role',OLD.role),"
    "    json_object('visit_id',NEW.visit_id,'position',NEW.position,'name',NEW.name,'agency',NEW.agency,'role',NEW.role)); "
    "END;"
    "CREATE TRIGGER audit_visit_team_delete AFTER DELETE ON visit_team BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','visit_team',OLD.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'position',OLD.position,'name',OLD.name,'agency',OLD.agency,'role',OLD.role),"
    "    NULL); "
    "END;"
    "CREATE TRIGGER audit_answer_update AFTER UPDATE ON answer BEGIN "
    "  INSERT INTO audit_append VALUES ('update','answer',NEW.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'item_id',OLD.item_id,'position',OLD.position,'value',OLD.value,'na',OLD.na,'note',OLD.note),"
    "    json_object('visit_id',NEW.visit_id,'item_id',NEW.item_id,'position',NEW.position,'value',NEW.value,'na',NEW.na,'note',NEW.note)); "
    "  INSERT INTO audit_append VALUES ('update','visit.answers',NEW.visit_id,NULL,"
    "    (SELECT json_object('n_answers',count(*),'sha256',pt_answers_digest(position,item_id,value,na,note)) FROM (SELECT position,item_id,value,na,note FROM answer WHERE visit_id = NEW.visit_id ORDER BY item_id))); "
    "END;"
    "CREATE TRIGGER audit_answer_delete AFTER DELETE ON answer BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','answer',OLD.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'item_id',OLD.item_id,'position',OLD.position,'value',OLD.value,'na',OLD.na,'note',OLD.note),"
    "    NULL); "
    "  INSERT INTO audit_append VALUES ('update','visit.answers',OLD.visit_id,NULL,"
    "    (SELECT json_object('n_answers',count(*),'sha256',pt_answers_digest(position,item_id,value,na,note)) FROM (SELECT position,item_id,value,na,note FROM answer WHERE visit_id = OLD.visit_id ORDER BY item_id))); "
    "END;"
    "CREATE TRIGGER audit_score_update AFTER UPDATE ON score BEGIN "
    "  INSERT INTO audit_append VALUES ('update','score',NEW.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'total',OLD.total,'maximum',OLD.maximum,'grade',OLD.grade,'grade_label',OLD.grade_label,'valid_until',OLD.valid_until,'checklist_sha256',OLD.checklist_sha256,'script_sha256',OLD.script_sha256,'scored_at',OLD.scored_at,'n_sections',(SELECT count(*) FROM score_section WHERE visit_id = OLD.visit_id),'sections_sha256',(SELECT pt_sections_digest(position,section_id,score,maximum,justification) FROM (SELECT * FROM score_section WHERE visit_id = OLD.visit_id ORDER BY position)),'n_flags',(SELECT count(*) FROM score_flag WHERE visit_id = OLD.visit_id),'flags_sha256',(SELECT pt_flags_digest(position,code,severity,agency,item_id,message) FROM (SELECT * FROM score_flag WHERE visit_id = OLD.visit_id ORDER BY position))),"
    "    json_object('visit_id',NEW.visit_id,'total',NEW.total,'maximum',NEW.maximum,'grade',NEW.grade,'grade_label',NEW.grade_label,'valid_until',NEW.valid_until,'checklist_sha256',NEW.checklist_sha256,'script_sha256',NEW.script_sha256,'scored_at',NEW.scored_at,'n_sections',(SELECT count(*) FROM score_section WHERE visit_id = NEW.visit_id),'sections_sha256',(SELECT pt_sections_digest(position,section_id,score,maximum,justification) FROM (SELECT * FROM score_section WHERE visit_id = NEW.visit_id ORDER BY position)),'n_flags',(SELECT count(*) FROM score_flag WHERE visit_id = NEW.visit_id),'flags_sha256',(SELECT pt_flags_digest(position,code,severity,agency,item_id,message) FROM (SELECT * FROM score_flag WHERE visit_id = NEW.visit_id ORDER BY position)))); "
    "END;"
    "CREATE TRIGGER audit_score_delete AFTER DELETE ON score BEGIN "
    "  INSERT INTO audit_append VALUES ('delete','score',OLD.visit_id,"
    "    json_object('visit_id',OLD.visit_id,'total',OLD.total,'maximum',OLD.maximum,'grade',OLD.grade,'grade_label',OLD.grade_label,'valid_until',OLD.valid_until,'checklist_sha256',OLD.checklist_sha256,'script_sha256',OLD.script_sha256,'scored_at',OLD.scored_at),"
    "    NULL); "
    "END;"
    /* what was stored before the audit log existed: its starting point */
    "INSERT INTO audit_append SELECT 'insert','institution',id,NULL,"
    "  json_object('id',id,'reg_no',reg_no,'name',name,'kind',kind,'owner',owner,'address',address,'kelurahan',kelurahan,'kecamatan',kecamatan,'kabupaten_kota',kabupaten_kota,'province',province,'latitude',latitude,'longitude',longitude,'capacity',capacity,'children_in_care',children_in_care,'reg_status',reg_status,'reg_date',reg_date,'reg_expires',reg_expires,'contact_name',contact_name,'contact_phone',contact_phone,'contact_email',contact_email,'created_at',created_at,'updated_at',updated_at) FROM institution ORDER BY id;"
    "INSERT INTO audit_append SELECT 'insert','checklist_version',id,NULL,"
    "  json_object('id',id,'checklist_id',checklist_id,'version',version,'title',title,'n_items',n_items,'sha256',sha256,'loaded_at',loaded_at) FROM checklist_version ORDER BY id;"
    "INSERT INTO audit_append SELECT 'insert','score',s.visit_id,NULL,"
    "  json_object('visit_id',s.visit_id,'total',s.total,'maximum',s.maximum,'grade',s.grade,'grade_label',s.grade_label,'valid_until',s.valid_until,'checklist_sha256',s.checklist_sha256,'script_sha256',s.script_sha256,'scored_at',s.scored_at,'n_sections',(SELECT count(*) FROM score_section WHERE visit_id = s.visit_id),'sections_sha256',(SELECT pt_sections_digest(position,section_id,score,maximum,justification) FROM (SELECT * FROM score_section WHERE visit_id = s.visit_id ORDER BY position)),'n_flags',(SELECT count(*) FROM score_flag WHERE visit_id = s.visit_id),'flags_sha256',(SELECT pt_flags_digest(position,code,severity,agency,item_id,message) FROM (SELECT * FROM score_flag WHERE visit_id = s.visit_id ORDER BY position))) FROM score s ORDER BY s.visit_id;"
    "INSERT INTO audit_append SELECT 'insert','visit',v.id,NULL,"
    "  json_object('id',v.id,'institution_id',v.institution_id,'checklist_version_id',v.checklist_version_id,'visit_date',v.visit_date,'visit_type',v.visit_type,'notes',v.notes,'source',v.source,'created_at',v.created_at,"
    "    'team',json((SELECT json_group_array(json_object('visit_id',visit_id,'position',position,'name',name,'agency',agency,'role',role)) FROM (SELECT * FROM visit_team WHERE visit_id = v.id ORDER BY position))),"
    "    'n_answers',(SELECT count(*) FROM answer WHERE visit_id = v.id),"
    "    'answers_sha256',(SELECT pt_answers_digest(position,item_id,value,na,note) FROM (SELECT position,item_id,value,na,note FROM answer WHERE visit_id = v.id ORDER BY item_id))) FROM visit v ORDER BY v.id;",

    /* 4: users, roles and login tokens (user.c; who may do what is authz.c's table) */
    "CREATE TABLE app_user ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL UNIQUE CHECK (name <> ''),"   /* the login name: [a-z0-9._-] */
    "  full_name TEXT,"
    "  role TEXT NOT NULL CHECK (role IN ('admin','inspector','assessor','board','officer')),"
    "  agency TEXT NOT NULL CHECK (agency <> ''),"
    "  password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2id$%'),"
    "  disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0,1)),"
    "  created_at TEXT NOT NULL,"
    "  password_changed_at TEXT NOT NULL"
    ") STRICT;"
    /* The first user is the one who can add the others: a first user of another role would
     * lock the database (no one left who may manage users). Enforced here, not only in C. */
    "CREATE TRIGGER app_user_first_is_admin BEFORE INSERT ON app_user "
    "WHEN NEW.role <> 'admin' AND NOT EXISTS (SELECT 1 FROM app_user) "
    "BEGIN SELECT RAISE(ABORT, 'the first user must be an administrator'); END;"
    /* Users are never deleted (the audit log names them); they are disabled. */
    "CREATE TRIGGER app_user_never_deleted BEFORE DELETE ON app_user "
    "BEGIN SELECT RAISE(ABORT, 'a user cannot be deleted: disable it'); END;"

    /* Who may do what is evidence too: users are audited like any record (recipe in audit.h),
     * without the password hash (password_changed_at shows that it changed). No delete trigger:
     * users are never deleted. */
    "CREATE TRIGGER audit_app_user_insert AFTER INSERT ON app_user BEGIN "
    "  INSERT INTO audit_append VALUES ('insert','app_user',NEW.id,NULL,"
    "    json_object('id',NEW.id,'name',NEW.name,'full_name',NEW.full_name,'role',NEW.role,'agency',NEW.agency,'disabled',NEW.disabled,'created_at',NEW.created_at,'password_changed_at',NEW.password_changed_at)); "
    "END;"
    "CREATE TRIGGER audit_app_user_update AFTER UPDATE ON app_user BEGIN "
    "  INSERT INTO audit_append VALUES ('update','app_user',NEW.id,"
    "    json_object('id',OLD.id,'name',OLD.name,'full_name',OLD.full_name,'role',OLD.role,'agency',OLD.agency,'disabled',OLD.disabled,'created_at',OLD.created_at,'password_changed_at',OLD.password_changed_at),"
    "    json_object('id',NEW.id,'name',NEW.name,'full_name',NEW.full_name,'role',NEW.role,'agency',NEW.agency,'disabled',NEW.disabled,'created_at',NEW.created_at,'password_changed_at',NEW.password_changed_at)); "
    "END;"

    "CREATE TABLE login_token ("
    "  id INTEGER PRIMARY KEY,"
    "  user_id INTEGER NOT NULL REFERENCES app_user(id),"
    "  token_sha256 TEXT NOT NULL CHECK (length(token_sha256) = 64),"  /* never the token */
    "  created_at TEXT NOT NULL,"
    "  expires_at TEXT NOT NULL"
    ") STRICT;"
    "CREATE INDEX login_token_by_user ON login_token(user_id);",
};

int pt__migration_count(void) { return (int)(sizeof migrations / sizeof migrations[0]); }

const char *pt__migration_sql(int n)
{
    return n >= 1 && n <= pt__migration_count() ? migrations[n - 1] : NULL;
}
