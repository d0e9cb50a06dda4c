/*
 * Shared by scorer.c and score_store.c (internal; not a promise to anyone else).
 */
#ifndef PANTAU_SCORE_INTERNAL_H
#define PANTAU_SCORE_INTERNAL_H

#include "internal.h"
#include "sandbox.h"

/* A pt_score and the arena holding everything it points to; pt_score_free frees both. */
typedef struct pt__score_box {
    pt_score score;             /* first: a pt_score * is a pt__score_box * */
    pt__arena *arena;
} pt__score_box;

/* A new empty score (scored_at ""), or NULL on OOM. */
pt__score_box *pt__score_box_new(void);

/* Supplies a visit's answers one by one: returns 1 with *answer filled (its strings valid
 * until the next call), 0 when there are no more, or a negative PT_E code (message set).
 * *position receives the item's place in the checklist (0-based, all sections in order, as
 * stored in answer.position) or -1 when unknown; it is only a hint, checked against the id.
 * pt_score_all streams answers straight from SQLite through this, so a visit's answers are
 * never copied into a pt_visit first. */
typedef int (*pt__answer_next)(void *payload, pt_answer *answer, int *position);

/* pt_scorer_score, with the answers taken from next(payload) instead of visit->answers
 * (visit->n_answers is ignored). */
int pt__scorer_score_stream(pt_scorer *scorer, const pt_visit *visit,
                            const pt_institution *institution, pt__answer_next next,
                            void *payload, pt_score **out);

/* The scorer's sandbox (tests adjust its time limit). */
pt__sandbox *pt__scorer_sandbox(pt_scorer *scorer);

#endif
