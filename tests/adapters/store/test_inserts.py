"""Multi-row inserts: chunk sizes, padding, and statements within the parameter limits."""

from __future__ import annotations

import pytest

from adapters.store.inserts import chunks, insert_sql, rows_per_statement, statements


@pytest.mark.parametrize(
    ("rows", "size", "expected"),
    [
        (1, 4, [1]),
        (3, 4, [4]),  # padded by one repeat of the last row
        (4, 4, [4]),
        (5, 4, [4, 1]),
        (11, 4, [4, 4, 4]),  # the last chunk of 3 padded to 4
    ],
)
def test_chunks_are_powers_of_two_of_at_most_size(
    rows: int, size: int, expected: list[int]
) -> None:
    data = [(i, f"v{i}") for i in range(rows)]
    got = list(chunks(data, size))
    assert [n for n, _ in got] == expected
    assert all(len(values) == 2 * n for n, values in got)
    flat = [v for _, values in got for v in values]
    real = [v for row in data for v in row]
    assert flat[: len(real)] == real
    assert set(zip(flat[len(real) :: 2], flat[len(real) + 1 :: 2], strict=True)) <= {data[-1]}


def test_no_rows_no_statements() -> None:
    assert list(chunks([], 8)) == []
    assert list(statements([], 8)) == []


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (9, [(4, 2), (1, 1)]),  # two full statements, then one of a single row
        (11, [(4, 3)]),  # the padded last chunk has the full size: one SQL text
    ],
)
def test_statements_group_chunks_of_one_size(rows: int, expected: list[tuple[int, int]]) -> None:
    data = [(i,) for i in range(rows)]
    got = list(statements(data, 4))
    assert [(n, len(values)) for n, values in got] == expected
    assert [v for _, values in got for vs in values for v in vs][:rows] == list(range(rows))


@pytest.mark.parametrize(
    ("preferred", "limit", "expected"),
    [
        (4096, 32_766, 4096),  # SQLite since 3.32: room for 4,680 rows of 7
        (4096, 999, 128),  # SQLite before 3.32: 142 rows fit, 128 is the power of two below
        (64, 65_535, 64),  # PostgreSQL
        (100, 65_535, 64),  # a preferred size that is no power of two is rounded down
        (4096, 7, 1),  # one row exactly fits
    ],
)
def test_rows_per_statement_fit_the_parameter_limit(
    preferred: int, limit: int, expected: int
) -> None:
    assert rows_per_statement(7, preferred, limit) == expected


def test_a_row_wider_than_the_limit_is_refused() -> None:
    with pytest.raises(ValueError, match="room for a row of 7"):
        rows_per_statement(7, 4096, 6)


def test_insert_sql_has_one_marker_per_value_and_skips_stored_keys() -> None:
    sql = insert_sql("t", ("a", "b"), ("a",), 3, "%s")
    assert sql == (
        "INSERT INTO t (a, b) VALUES (%s, %s), (%s, %s), (%s, %s) ON CONFLICT (a) DO NOTHING"
    )
