/*
 * pantau: inspection and accreditation of child welfare institutions (LKS/LKSA).
 *
 * The public C API. Conventions, stated once (libgit2's):
 *   - Functions return 0 (PT_OK) on success or a negative PT_E... code on failure.
 *     The failure's message is kept per thread and read with pt_error_last().
 *   - Out-parameters come first. What a function hands back through a pointer-to-pointer
 *     belongs to the caller and is freed with that module's _free function.
 *   - Strings are UTF-8. Borrowed pointers inside a returned object live as long as the object.
 *   - A pt_ctx is not thread-safe: use one per thread.
 */
#ifndef PANTAU_H
#define PANTAU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PT_VERSION_STRING "0.1.0"

typedef enum pt_error_code {
    PT_OK = 0,
    PT_ERROR = -1,     /* anything not listed below */
    PT_ENOMEM = -2,    /* out of memory */
    PT_EIO = -3,       /* a file or the database could not be read or written */
    PT_EINVALID = -4,  /* bad input: XML, CSV, an answer, a script's result */
    PT_ENOTFOUND = -5, /* no such institution, visit, checklist ... */
    PT_EEXISTS = -6,   /* conflicts with what is stored (duplicate, changed checklist) */
    PT_ELIMIT = -7,    /* a size, memory or instruction limit was reached */
    PT_ESCRIPT = -8,   /* a scoring script failed */
    PT_EBUSY = -9,     /* the database stayed locked past the busy timeout */
    PT_EDENIED = -10,  /* not authenticated, or the user's role may not do this (user.h) */
    PT_ESTATE = -11    /* the record's state does not allow it: a decided visit, a closed
                          review or finding (lifecycle.h) */
} pt_error_code;

/* The message of the last failure on this thread ("" if none). Valid until the next call. */
const char *pt_error_last(void);
/* The code of the last failure on this thread (PT_OK if none). */
int pt_error_last_code(void);

#ifdef __cplusplus
}
#endif

#include "pantau/checklist.h"
#include "pantau/store.h"
#include "pantau/institution.h"
#include "pantau/visit.h"
#include "pantau/score.h"
#include "pantau/user.h"
#include "pantau/lifecycle.h"
#include "pantau/joint.h"
#include "pantau/override.h"
#include "pantau/review.h"
#include "pantau/finding.h"
#include "pantau/sanction.h"
#include "pantau/agenda.h"

#endif
