"""Multi-row INSERTs: many rows per statement, and few distinct statements.

    size = rows_per_statement(width, preferred, parameter_limit)
    for n, values in statements(rows, size):
        cursor.executemany(insert_sql("events", COLUMNS, KEY, n, marker), values)

Why not `executemany` of a one-row insert: sqlite3 runs it as one
`sqlite3_step` per row and releases and retakes the GIL around each step.
In the live ingest the event loop thread is decoding the next batch
meanwhile, so every retake can wait up to the interpreter's switch
interval; with a busy second thread a 1,000-row batch measured 110 µs a
row that way against 41 µs through 500-row statements (17 against 17 µs
when the other thread idles). One `INSERT ... VALUES (...), (...), ...` is
one step and one GIL release. On PostgreSQL, psycopg's `executemany`
pipelines the statements, and pipelining multi-row statements there beats
pipelining one-row ones about twofold. How many rows a statement should
carry differs by database (`ROWS_PER_INSERT` in `sqlite.py` and
`postgres.py`, with the measurements).

Statement sizes are powers of two, the last chunk of a batch padded by
repeating its last row (the insert skips a row whose key is stored, and
both databases skip a repeat inside one statement too). So any batch is
`ceil(rows / size)` statements, and there are at most `log2(size) + 1`
distinct SQL texts, which stay in sqlite3's statement cache (128) and
psycopg's prepared statements (100) instead of being parsed again for
every batch size. The padding costs at most one key lookup per row of the
last chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from itertools import chain, groupby
from operator import itemgetter


def rows_per_statement(width: int, preferred: int, parameter_limit: int) -> int:
    """The rows of `width` values per statement: a power of two, at most `preferred`.

    Args:
        width: values per row.
        preferred: the database's best number of rows per statement.
        parameter_limit: the driver's limit on parameters per statement
            (SQLite's `SQLITE_LIMIT_VARIABLE_NUMBER` is 999 before 3.32).
    """
    fit = min(preferred, parameter_limit // width)
    if fit < 1:
        raise ValueError(f"Expected room for a row of {width} in {parameter_limit} parameters.")
    return 1 << (fit.bit_length() - 1)


def chunks(rows: Sequence[tuple[object, ...]], size: int) -> Iterator[tuple[int, list[object]]]:
    """`(n, the flat values of n rows)` for consecutive chunks of at most `size` rows.

    `n` is a power of two (when `size` is): the last chunk repeats its last
    row up to the next one.
    """
    for start in range(0, len(rows), size):
        chunk = rows[start : start + size]
        n = 1 << (len(chunk) - 1).bit_length()
        values = list(chain.from_iterable(chunk))
        values.extend(chunk[-1] * (n - len(chunk)))
        yield n, values


def statements(
    rows: Sequence[tuple[object, ...]], size: int
) -> Iterator[tuple[int, list[list[object]]]]:
    """`(n, the values of each statement of n rows)`: one `executemany` per SQL text.

    That is the full chunks of `size` rows, then the padded last one if it
    is smaller (see `chunks`).
    """
    for n, group in groupby(chunks(rows, size), key=itemgetter(0)):
        yield n, [values for _, values in group]


@cache
def insert_sql(
    table: str, columns: tuple[str, ...], key: tuple[str, ...], n: int, marker: str
) -> str:
    """An idempotent insert of `n` rows: a row whose `key` is already stored is skipped.

    `marker` is the driver's parameter marker (`?` or `%s`).
    """
    row = f"({', '.join([marker] * len(columns))})"
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row] * n)} "
        f"ON CONFLICT ({', '.join(key)}) DO NOTHING"
    )
