/* The numbered schema migrations (migrations.c), applied by store.c. */
#ifndef PANTAU_MIGRATIONS_H
#define PANTAU_MIGRATIONS_H

/* How many migrations exist: the latest user_version. */
int pt__migration_count(void);
/* The SQL of migration n (1-based), or NULL. */
const char *pt__migration_sql(int n);

#endif
