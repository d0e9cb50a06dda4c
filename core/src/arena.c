/* A bump allocator: models (checklists, visits, scores) are built once, read many times and
 * freed whole, so one free of the arena replaces hundreds of small ones. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ARENA_CHUNK 16384u

typedef struct chunk {
    struct chunk *next;
    size_t used, size;
    _Alignas(16) unsigned char data[];
} chunk;

struct pt__arena {
    chunk *head;
};

pt__arena *pt__arena_new(void) { return calloc(1, sizeof(pt__arena)); }

void pt__arena_free(pt__arena *arena)
{
    if (!arena) return;
    for (chunk *c = arena->head, *next; c; c = next) {
        next = c->next;
        free(c);
    }
    free(arena);
}

void *pt__arena_alloc(pt__arena *arena, size_t size)
{
    size = (size + 15u) & ~(size_t)15u;
    if (size == 0) size = 16;
    chunk *c = arena->head;
    if (!c || c->size - c->used < size) {
        size_t want = size > ARENA_CHUNK ? size : ARENA_CHUNK;
        c = malloc(sizeof(chunk) + want);
        if (!c) return NULL;
        c->used = 0;
        c->size = want;
        c->next = arena->head;
        arena->head = c;
    }
    void *p = c->data + c->used;
    c->used += size;
    memset(p, 0, size);
    return p;
}

char *pt__arena_strndup(pt__arena *arena, const char *s, size_t n)
{
    if (!s) return NULL;
    char *p = pt__arena_alloc(arena, n + 1);
    if (!p) return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *pt__arena_strdup(pt__arena *arena, const char *s)
{
    return s ? pt__arena_strndup(arena, s, strlen(s)) : NULL;
}
