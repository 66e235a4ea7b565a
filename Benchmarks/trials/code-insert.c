// SQLite-only trial behind code-bench's design choices (Benchmarks/README.md): how fast can
// campaign_codes take 1M random codes, by table layout, insert method, chunk size and whether
// the codes are sorted first? No Swift, no GRDB, no service: only the SQL the store would run,
// with the store's settings (WAL, synchronous=FULL, foreign keys on, mmap off) and, like the
// group-commit writer, each chunk in its own transaction with a savepoint inside.
//
//   cc -O2 -o /tmp/code-insert Benchmarks/trials/code-insert.c -lsqlite3
//   /tmp/code-insert LAYOUT METHOD COUNT CHUNK WINDOW
//
// LAYOUT  v5    campaign_id TEXT in every row, UNIQUE (code), index (campaign_id)
//         v8    campaign_number INTEGER instead (what migration v8 made)
//         worid WITHOUT ROWID, PRIMARY KEY (code), index (campaign_number)
// METHOD  json    one INSERT … SELECT FROM json_each(?) per chunk
//         values  INSERT … VALUES (…),(…) with 500 rows per statement
//         bind    one prepared INSERT stepped per row
// COUNT codes; CHUNK codes per transaction; WINDOW codes sorted together (0: none sorted).
// Environment: PRE=N stores N codes of another campaign first; CACHE=N sets cache_size.
//
// Prints elapsed and CPU seconds, the mean and longest transaction, and the file sizes.
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define CODE_LENGTH 13
#define ROWS_PER_VALUES 500

static double wall(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double cpu(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6 + r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6;
}

static void run(sqlite3 *db, const char *sql) {
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, error);
        exit(1);
    }
}

static void step(sqlite3 *db, sqlite3_stmt *statement) {
    if (sqlite3_step(statement) != SQLITE_DONE) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        exit(1);
    }
    sqlite3_reset(statement);
}

static int compare(const void *a, const void *b) { return memcmp(a, b, CODE_LENGTH); }

static long file_size(const char *path) {
    struct stat s;
    return stat(path, &s) == 0 ? (long)s.st_size : 0;
}

static int is(const char *a, const char *b) { return strcmp(a, b) == 0; }

// The tables of one layout, with both campaigns: the measured one and the other (PRE).
static void create(sqlite3 *db, const char *layout) {
    run(db, "CREATE TABLE campaigns (id TEXT PRIMARY KEY NOT NULL, codes INTEGER NOT NULL)");
    run(db, "INSERT INTO campaigns VALUES ('cmp_0123456789abcdef0123456789abcdef', 0), ('cmp_other', 0)");
    if (is(layout, "v5")) {
        run(db, "CREATE TABLE campaign_codes (campaign_id TEXT NOT NULL REFERENCES campaigns (id), "
                "code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 9 AND 49)) STRICT");
        run(db, "CREATE INDEX campaign_codes_by_campaign ON campaign_codes (campaign_id)");
        return;
    }
    run(db, "CREATE TABLE code_campaigns (number INTEGER PRIMARY KEY, "
            "campaign_id TEXT NOT NULL UNIQUE REFERENCES campaigns (id)) STRICT");
    run(db, "INSERT INTO code_campaigns VALUES (1, 'cmp_0123456789abcdef0123456789abcdef'), (2, 'cmp_other')");
    if (is(layout, "worid")) {
        run(db, "CREATE TABLE campaign_codes (code TEXT PRIMARY KEY NOT NULL CHECK (length(code) BETWEEN 9 AND 49), "
                "campaign_number INTEGER NOT NULL REFERENCES code_campaigns (number)) STRICT, WITHOUT ROWID");
    } else if (is(layout, "v8")) {
        run(db, "CREATE TABLE campaign_codes (code TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 9 AND 49), "
                "campaign_number INTEGER NOT NULL REFERENCES code_campaigns (number)) STRICT");
    } else {
        fprintf(stderr, "unknown layout %s\n", layout);
        exit(2);
    }
    run(db, "CREATE INDEX campaign_codes_by_campaign ON campaign_codes (campaign_number)");
}

// The insert of `method` for the measured campaign, or a one-row insert for the other one.
static const char *insert_sql(const char *layout, const char *method, int other) {
    int v5 = is(layout, "v5");
    const char *columns = v5 ? "campaign_id, code" : "campaign_number, code";
    const char *campaign = v5 ? (other ? "'cmp_other'" : "'cmp_0123456789abcdef0123456789abcdef'") : (other ? "2" : "1");
    static char sql[ROWS_PER_VALUES * 48 + 256];
    if (!other && is(method, "json")) {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO campaign_codes (%s) SELECT %s, value FROM json_each(?)", columns, campaign);
    } else if (!other && is(method, "values")) {
        int at = snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO campaign_codes (%s) VALUES (%s, ?)", columns, campaign);
        for (int i = 1; i < ROWS_PER_VALUES; i++) at += snprintf(sql + at, sizeof sql - at, ", (%s, ?)", campaign);
    } else if (other || is(method, "bind")) {
        snprintf(sql, sizeof sql, "INSERT OR IGNORE INTO campaign_codes (%s) VALUES (%s, ?)", columns, campaign);
    } else {
        fprintf(stderr, "unknown method %s\n", method);
        exit(2);
    }
    return sql;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s v5|v8|worid json|values|bind COUNT CHUNK WINDOW\n", argv[0]);
        return 2;
    }
    const char *layout = argv[1], *method = argv[2];
    int count = atoi(argv[3]), chunk = atoi(argv[4]), window = atoi(argv[5]);
    int sorted = window > 0;
    if (!sorted) window = chunk;
    int pre = getenv("PRE") ? atoi(getenv("PRE")) : 0;

    char directory[] = "/tmp/code-insert-XXXXXX";
    if (!mkdtemp(directory)) return 1;
    char path[256], wal[260];
    snprintf(path, sizeof path, "%s/store.sqlite", directory);
    snprintf(wal, sizeof wal, "%s-wal", path);
    sqlite3 *db;
    sqlite3_open(path, &db);
    run(db, "PRAGMA journal_mode = WAL");
    run(db, "PRAGMA synchronous = FULL");
    run(db, "PRAGMA foreign_keys = ON");
    run(db, "PRAGMA mmap_size = 0");
    if (getenv("CACHE")) {
        char pragma[64];
        snprintf(pragma, sizeof pragma, "PRAGMA cache_size = %s", getenv("CACHE"));
        run(db, pragma);
    }

    // Random Crockford symbols; the check symbol does not matter to SQLite.
    static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    size_t bytes = (size_t)(count + pre) * CODE_LENGTH;
    char *codes = malloc(bytes);
    FILE *random = fopen("/dev/urandom", "rb");
    if (!codes || !random || fread(codes, 1, bytes, random) != bytes) return 1;
    for (size_t i = 0; i < bytes; i++) codes[i] = alphabet[(unsigned char)codes[i] & 31];

    create(db, layout);
    sqlite3_stmt *insert, *advance;
    if (pre > 0) {
        sqlite3_prepare_v2(db, insert_sql(layout, method, 1), -1, &insert, NULL);
        run(db, "BEGIN");
        for (int i = 0; i < pre; i++) {
            sqlite3_bind_text(insert, 1, codes + (size_t)(count + i) * CODE_LENGTH, CODE_LENGTH, SQLITE_STATIC);
            step(db, insert);
        }
        run(db, "COMMIT");
        run(db, "PRAGMA wal_checkpoint(TRUNCATE)");
        sqlite3_finalize(insert);
    }
    if (sqlite3_prepare_v2(db, insert_sql(layout, method, 0), -1, &insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "%s\n", sqlite3_errmsg(db));
        return 1;
    }
    sqlite3_prepare_v2(db, "UPDATE campaigns SET codes = codes + ? WHERE id = 'cmp_0123456789abcdef0123456789abcdef'", -1, &advance, NULL);

    char *json = malloc((size_t)chunk * (CODE_LENGTH + 3) + 2);
    double started = wall(), cpuStarted = cpu(), longest = 0, held = 0;
    int transactions = 0;
    long stored = 0;
    for (int first = 0; first < count; first += window) {
        int size = count - first < window ? count - first : window;
        if (sorted) qsort(codes + (size_t)first * CODE_LENGTH, size, CODE_LENGTH, compare);
        for (int at = first; at < first + size; at += chunk) {
            int n = first + size - at < chunk ? first + size - at : chunk;
            const char *base = codes + (size_t)at * CODE_LENGTH;
            size_t length = 0;
            if (is(method, "json")) {
                json[length++] = '[';
                for (int i = 0; i < n; i++) {
                    if (i > 0) json[length++] = ',';
                    json[length++] = '"';
                    memcpy(json + length, base + (size_t)i * CODE_LENGTH, CODE_LENGTH);
                    length += CODE_LENGTH;
                    json[length++] = '"';
                }
                json[length++] = ']';
            }
            double began = wall();
            run(db, "BEGIN IMMEDIATE");
            run(db, "SAVEPOINT request");
            if (is(method, "json")) {
                sqlite3_bind_text(insert, 1, json, (int)length, SQLITE_STATIC);
                step(db, insert);
                stored += sqlite3_changes(db);
            } else if (is(method, "values")) {
                // A chunk is a multiple of 500 codes in every run this trial was used for.
                for (int i = 0; i < n; i += ROWS_PER_VALUES) {
                    for (int j = 0; j < ROWS_PER_VALUES; j++)
                        sqlite3_bind_text(insert, j + 1, base + (size_t)(i + j) * CODE_LENGTH, CODE_LENGTH, SQLITE_STATIC);
                    step(db, insert);
                    stored += sqlite3_changes(db);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    sqlite3_bind_text(insert, 1, base + (size_t)i * CODE_LENGTH, CODE_LENGTH, SQLITE_STATIC);
                    step(db, insert);
                    stored += sqlite3_changes(db);
                }
            }
            sqlite3_bind_int(advance, 1, n);
            step(db, advance);
            run(db, "RELEASE request");
            run(db, "COMMIT");
            double took = wall() - began;
            held += took;
            if (took > longest) longest = took;
            transactions++;
        }
    }
    double elapsed = wall() - started, used = cpu() - cpuStarted;
    printf("%s %s count=%d chunk=%d window=%s pre=%d: %.2f s, CPU %.2f s, transaction mean %.0f ms, longest %.0f ms, "
           "stored %ld, database %ld MiB, WAL %ld MiB\n",
           layout, method, count, chunk, sorted ? argv[5] : "unsorted", pre, elapsed, used, held / transactions * 1000,
           longest * 1000, stored, file_size(path) >> 20, file_size(wal) >> 20);
    sqlite3_close(db);
    char command[300];
    snprintf(command, sizeof command, "rm -rf %s", directory);
    return system(command) == 0 ? 0 : 1;
}
