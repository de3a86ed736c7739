"""Multi-row INSERTs: many rows per statement, and few distinct statements.

    size = rows_per_statement(width, parameter_limit)
    for n, params in chunks(rows, size):
        cursor.execute(insert_sql("events", COLUMNS, KEY, n, marker), params)

Why not `executemany`: sqlite3 runs it as one `sqlite3_step` per row and
releases and retakes the GIL around each step. In the live ingest the event
loop thread is decoding the next batch meanwhile, so every retake can wait
up to the interpreter's switch interval; with a busy second thread a
1,000-row batch measured 110 µs a row through `executemany` against 41 µs
through 500-row statements (17 against 17 µs when the other thread idles).
One `INSERT ... VALUES (...), (...), ...` is one step and one GIL release,
and on PostgreSQL one statement instead of a pipeline of many. Up to
`MAX_ROWS` rows per statement: in the ingest benchmark 4,096 beat 512 (a
group commit of 8,192 readings is two statements), and beyond that the
statements only get harder to parse.

Statement sizes are powers of two, the last chunk of a batch padded by
repeating its last row (the insert skips a row whose key is stored, and
both databases skip a repeat inside one statement too). So any batch is
`ceil(rows / size)` statements, and there are at most thirteen distinct
SQL texts, which stay in sqlite3's statement cache (128) and psycopg's
prepared statements (100) instead of being parsed again for every batch
size. The padding costs at most one key lookup per row of the last chunk.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import cache
from itertools import chain
from typing import Final

MAX_ROWS: Final = 4096


def rows_per_statement(width: int, parameter_limit: int) -> int:
    """The rows of `width` values per statement: a power of two, at most `MAX_ROWS`.

    Args:
        width: values per row.
        parameter_limit: the driver's limit on parameters per statement
            (SQLite's `SQLITE_LIMIT_VARIABLE_NUMBER` is 999 before 3.32).
    """
    fit = min(MAX_ROWS, parameter_limit // width)
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
