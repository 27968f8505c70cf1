#ifndef GREENMARK_CLIBPQ_SHIM_H
#define GREENMARK_CLIBPQ_SHIM_H

/* PostgreSQL's C client library (libpq, Debian libpq-dev / libpq5). Only GreenmarkStorage's
 * PostgreSQL backend imports this module. */
#include <libpq-fe.h>

/* The SQLSTATE field code of PQresultErrorField, as an int (the header defines it as a char). */
static const int gm_pg_diag_sqlstate = PG_DIAG_SQLSTATE;

#endif
