/*
 * Scoring: a sandboxed Lua 5.4 script per checklist computes section scores, total, grade and
 * red flags for a visit. The script API is documented in checklists/README.md.
 *
 * A scorer compiles its script once and scores many visits; each visit runs in a fresh
 * environment, so one visit never sees another's data. Memory and instructions are capped.
 */
#ifndef PANTAU_SCORE_H
#define PANTAU_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include "pantau/checklist.h"
#include "pantau/institution.h"
#include "pantau/visit.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pt_ctx pt_ctx;

typedef struct pt_section_score {
    const char *section_id;
    double score, max;
    const char *justification;   /* a short sentence, Bahasa Indonesia; may be "" */
} pt_section_score;

typedef struct pt_flag {
    const char *code;            /* e.g. "GATE", "RASIO" */
    const char *severity;        /* "kritis", "tinggi", "sedang", "rendah" */
    const char *agency;          /* who must act; "" if unspecified */
    const char *item_id;         /* "" if not about one item */
    const char *message;         /* Bahasa Indonesia */
} pt_flag;

typedef struct pt_score {
    int64_t visit_id;
    double total, max;
    const char *grade;           /* a band's grade, or "" when below every band / capped to none */
    const char *grade_label;     /* the band's label, or the checklist's fail label */
    const char *valid_until;     /* visit date + the band's validity; "" when no validity */
    size_t n_sections;
    const pt_section_score *sections;
    size_t n_flags;
    const pt_flag *flags;
    char checklist_sha256[65];
    char script_sha256[65];
    const char *scored_at;       /* UTC, ISO 8601; "" until stored */
} pt_score;

void pt_score_free(pt_score *score);

/* Sandbox limits per visit. Zero fields take the defaults below. */
typedef struct pt_sandbox_limits {
    size_t memory_bytes;         /* default PT_SANDBOX_MEMORY */
    uint64_t instructions;       /* default PT_SANDBOX_INSTRUCTIONS */
} pt_sandbox_limits;

#define PT_SANDBOX_MEMORY (32u * 1024u * 1024u)
#define PT_SANDBOX_INSTRUCTIONS 20000000u

typedef struct pt_scorer pt_scorer;

/* Compiles the checklist's script (scripts_dir/checklist->script) in a new sandbox. The
 * checklist must outlive the scorer. limits may be NULL. *out belongs to the caller
 * (pt_scorer_free). Errors: PT_ENOTFOUND (no script), PT_ESCRIPT (does not compile or fails
 * at load: message names script and line), PT_ELIMIT. */
int pt_scorer_new(pt_scorer **out, const pt_checklist *checklist, const char *scripts_dir,
                  const pt_sandbox_limits *limits);
void pt_scorer_free(pt_scorer *scorer);

/* hex sha256 of the script's bytes. */
const char *pt_scorer_script_sha256(const pt_scorer *scorer);
/* The script's source text and file name, as compiled. */
const char *pt_scorer_script_source(const pt_scorer *scorer);
const char *pt_scorer_script_name(const pt_scorer *scorer);

/* Scores one visit. institution may be NULL. *out belongs to the caller (pt_score_free).
 * Errors: PT_ESCRIPT (the script failed or returned a malformed result: message names script
 * and line), PT_ELIMIT (memory or instruction cap). The scorer stays usable after an error. */
int pt_scorer_score(pt_scorer *scorer, const pt_visit *visit, const pt_institution *institution,
                    pt_score **out);

/* Scores a stored visit with its own checklist version and stores the result (replacing a
 * previous score of that visit: re-scoring is idempotent). out may be NULL. The visit must be
 * submitted (it then becomes scored) or scored (lifecycle.h); otherwise PT_ESTATE: a draft or
 * returned visit's answers are not final, and under review or decided its score is evidence. */
int pt_score_visit(pt_ctx *ctx, int64_t visit_id, pt_score **out);

/* Scores every stored visit that is submitted or scored (the others are left as they are),
 * compiling each checklist's script once. progress (may be NULL) is called now and then with
 * done/total. *n_scored (may be NULL) receives the count.
 * Stops at the first failing visit, keeping the scores already written. */
int pt_score_all(pt_ctx *ctx, void (*progress)(int done, int total, void *payload),
                 void *payload, int *n_scored);

/* The stored score of a visit. Errors: PT_ENOTFOUND (not scored). */
int pt_score_get(pt_ctx *ctx, int64_t visit_id, pt_score **out);

#ifdef __cplusplus
}
#endif
#endif
