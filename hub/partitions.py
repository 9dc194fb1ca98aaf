"""Monthly range partitions of the engine's big tables in PostgreSQL (declarative partitioning).

What is partitioned, by which column (UTC calendar months):

    hub_interchange      received_at   PRIMARY KEY (id, received_at)
    hub_delivery         created_at    PRIMARY KEY (id, created_at), UNIQUE (idempotency_key, created_at)
    hub_deliveryattempt  started_at    PRIMARY KEY (id, started_at)

Each has one partition per month (``<table>_p2026_12``), a few months ahead, and a DEFAULT
partition (``<table>_default``), so an insert never fails for want of a partition (a
row with an old ``received_at``, a clock jump): ``partitions_ensure`` later moves such
rows into a partition of their own month. Retention (``hub.retention``) drops a whole
month with ``partition_drop`` instead of deleting its rows.

Why the constraints look the way they do. PostgreSQL requires every PRIMARY KEY and
UNIQUE constraint of a partitioned table to include the partition key, and a FOREIGN
KEY can only reference a partitioned table through such a constraint. So:

- The foreign keys *to* these tables (orders' documents, named plants, control
  references, acknowledgements, AS2 messages, inbox reads, a delivery's interchange,
  ``replay_of``/``waiting_for``, an attempt's delivery) are ``db_constraint=False``.
  ``on_delete`` was never the database's job in Django: PROTECT, CASCADE and SET_NULL
  are carried out by the ORM's collector as before. Only raw SQL could now leave a
  dangling id, and the one raw deleter, retention, removes and unlinks children first.
  Copying the parent's partition key into every child (composite foreign keys) was the
  alternative; Django cannot express composite foreign keys, and retention must delete
  the children before their parent anyway.
- The foreign keys *from* these tables (to plants, suppliers, users) stay real.
- ``Delivery.idempotency_key`` is what a plant deduplicates on: two deliveries sharing a
  key would make the plant drop the second document silently. ``uuid4`` makes that
  improbable, not impossible (a copied row, a replay that reused its original's key,
  a future code path that sets the key). The partitioned table can only hold
  ``UNIQUE (idempotency_key, created_at)``, so the global guarantee lives in a small
  unpartitioned table, ``hub_delivery_key (idempotency_key PRIMARY KEY, created_at)``,
  filled by a row trigger on ``hub_delivery`` in the same statement: an insert with a
  key already used fails with the same IntegrityError as before, in the same
  transaction. Retention deletes the keys of the deliveries it drops.
- Dispatch claims are conditional UPDATEs and ``SELECT … FOR UPDATE`` by id; both work on
  a partitioned table, but a lookup by id alone is planned over every month (opening and
  locking each partition and its indexes: a claim cost 4× the plain table's). So the
  dispatch tasks carry each delivery's ``created_at`` beside its id and the claim and the
  writes after it filter by both (``Delivery.objects.by_id``/``row``/``by_ids``), which
  PostgreSQL prunes to one partition at plan time (docs/performance.md).

SQLite (``make run``) has no partitions: every function here is a no-op there, and
retention deletes row by row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

# table -> partition key; the order is the order children come before parents when dropping
PARTITIONED: dict[str, str] = {"hub_deliveryattempt": "started_at", "hub_delivery": "created_at", "hub_interchange": "received_at"}
KEY_TABLE = "hub_delivery_key"
# DETACH and DROP need an exclusive lock on the parent for a moment; waiting for it behind a
# long transaction would queue every insert behind the wait, so give up and retry next run.
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True)
class Partition:
    """One month's partition of a table: rows with ``start <= key < end``."""

    table: str
    name: str
    start: dt.datetime
    end: dt.datetime


def month_start(moment: dt.datetime) -> dt.datetime:
    """The first instant (UTC) of ``moment``'s month."""
    moment = moment.astimezone(dt.UTC)
    return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def month_add(start: dt.datetime, months: int) -> dt.datetime:
    """The first instant of the month ``months`` after the month starting at ``start``."""
    index = start.year * 12 + start.month - 1 + months
    return start.replace(year=index // 12, month=index % 12 + 1)


def partition_name(table: str, start: dt.datetime) -> str:
    """``hub_interchange_p2026_12`` for the month starting at ``start``."""
    return f"{table}_p{start:%Y_%m}"


def enabled(conn: BaseDatabaseWrapper | None = None) -> bool:
    """Whether the tables are partitioned here (PostgreSQL after the migration)."""
    conn = conn or connection
    if conn.vendor != "postgresql":
        return False
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(%s)", ["hub_interchange"])
        return cursor.fetchone() is not None


def partitions(table: str) -> list[Partition]:
    """The month partitions of ``table``, oldest first (the DEFAULT partition is not one of them)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, pg_get_expr(c.relpartbound, c.oid)
            FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = to_regclass(%s)
            """,
            [table],
        )
        rows = cursor.fetchall()
    found = []
    for name, bound in rows:
        stamps = re.findall(r"'([^']+)'", bound)
        if len(stamps) != 2:  # DEFAULT
            continue
        start, end = (dt.datetime.fromisoformat(s).astimezone(dt.UTC) for s in stamps)
        found.append(Partition(table=table, name=name, start=start, end=end))
    return sorted(found, key=lambda p: p.start)


def default_months(table: str) -> list[dt.datetime]:
    """The months that have rows in ``table``'s DEFAULT partition (rows waiting for a partition of their own)."""
    key = PARTITIONED[table]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', \"{key}\" AT TIME ZONE 'UTC') FROM \"{table}_default\"")
        return sorted(m.replace(tzinfo=dt.UTC) for (m,) in cursor.fetchall())


def partitions_ensure(*, months_ahead: int, now: dt.datetime | None = None) -> list[str]:
    """Create the partitions of this month and ``months_ahead`` months after it, and of every month found in DEFAULT.

    Rows that went to the DEFAULT partition for want of their month's partition are moved
    into it. Idempotent; returns the names of the partitions created.
    """
    if not enabled():
        return []
    first = month_start(now or timezone.now())
    created = []
    for table in PARTITIONED:
        have = {p.start for p in partitions(table)}
        wanted = {month_add(first, n) for n in range(months_ahead + 1)} | set(default_months(table))
        for start in sorted(wanted - have):
            with transaction.atomic():
                _partition_create(table, start)
            created.append(partition_name(table, start))
    return created


def _partition_create(table: str, start: dt.datetime) -> None:
    # CREATE … PARTITION OF refuses a range the DEFAULT partition holds rows of, so those
    # rows leave through the parent (its row triggers see a delete and an insert: the
    # idempotency keys stay claimed) and come back once the partition exists.
    key = PARTITIONED[table]
    end = month_add(start, 1)
    name = partition_name(table, start)
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        cursor.execute(f'SELECT count(*) FROM "{table}_default" WHERE "{key}" >= %s AND "{key}" < %s', [start, end])
        (waiting,) = cursor.fetchone()
        if waiting:
            cursor.execute(
                f'CREATE TEMP TABLE partition_move ON COMMIT DROP AS SELECT * FROM "{table}_default" WHERE "{key}" >= %s AND "{key}" < %s',
                [start, end],
            )
            cursor.execute(f'DELETE FROM "{table}" WHERE "{key}" >= %s AND "{key}" < %s', [start, end])
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES FROM (%s) TO (%s)', [start, end])
        if waiting:
            cursor.execute(f'INSERT INTO "{table}" SELECT * FROM partition_move')
            cursor.execute("DROP TABLE partition_move")


def partition_drop(partition: Partition) -> None:
    """Detach and drop one month's partition (and, for deliveries, release that month's idempotency keys).

    The caller has removed or unlinked the rows that reference it (``hub.retention``).
    """
    key = PARTITIONED[partition.table]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'")
        # deferred foreign-key checks of rows written earlier in an enclosing transaction would
        # forbid the DROP ("pending trigger events"): run them now
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f'ALTER TABLE "{partition.table}" DETACH PARTITION "{partition.name}"')
        cursor.execute(f'DROP TABLE "{partition.name}"')
        if partition.table == "hub_delivery":
            cursor.execute(f'DELETE FROM "{KEY_TABLE}" WHERE "{key}" >= %s AND "{key}" < %s', [partition.start, partition.end])


def partition_rows(partition: Partition) -> int:
    """How many rows the partition holds (exact: retention's dry run reports it)."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*) FROM "{partition.name}"')
        return cursor.fetchone()[0]


# --- the conversion, run by hub/migrations/0016_partition_by_month.py -----------------------------


def tables_partition(schema_editor: object, *, months_ahead: int = 3) -> None:
    """Turn the plain tables into partitioned ones, keeping every row, index, sequence and outgoing foreign key."""
    conn = schema_editor.connection  # type: ignore[attr-defined]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        for table, key in reversed(PARTITIONED.items()):
            _rebuild(cursor, table, key, partitioned=True, months_ahead=months_ahead)
        _key_table_create(cursor)


def tables_unpartition(schema_editor: object) -> None:
    """Turn the partitioned tables back into plain ones (the migration's reverse)."""
    conn = schema_editor.connection  # type: ignore[attr-defined]
    if conn.vendor != "postgresql":
        return
    with conn.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS hub_delivery_key_claim ON hub_delivery; DROP TRIGGER IF EXISTS hub_delivery_key_truncate ON hub_delivery"
        )
        cursor.execute(f"DROP TABLE IF EXISTS {KEY_TABLE}")
        cursor.execute("DROP FUNCTION IF EXISTS hub_delivery_key_claim(); DROP FUNCTION IF EXISTS hub_delivery_key_truncate()")
        for table, key in PARTITIONED.items():
            _rebuild(cursor, table, key, partitioned=False, months_ahead=0)


def _rebuild(cursor: object, table: str, key: str, *, partitioned: bool, months_ahead: int) -> None:
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN ('p', 'u', 'f')",
        [table],
    )
    constraints = cursor.fetchall()  # type: ignore[attr-defined]
    cursor.execute(  # type: ignore[attr-defined]
        "SELECT conname, conrelid::regclass::text FROM pg_constraint WHERE confrelid = %s::regclass AND contype = 'f' AND conrelid <> confrelid",
        [table],
    )
    inbound = cursor.fetchall()  # type: ignore[attr-defined]
    if inbound:
        raise RuntimeError(f"{table} is still referenced by foreign key constraints {inbound}: make those db_constraint=False first")
    backing = {name for name, kind, _ in constraints if kind in "pu"}
    cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s", [table])  # type: ignore[attr-defined]
    # a partitioned parent's indexes read "ON ONLY t"; recreated on the new table they must recurse
    indexes = [definition.replace(" ON ONLY ", " ON ", 1) for name, definition in cursor.fetchall() if name not in backing]  # type: ignore[attr-defined]
    cursor.execute("SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attidentity <> ''", [table])  # type: ignore[attr-defined]
    identities = [name for (name,) in cursor.fetchall()]  # type: ignore[attr-defined]
    months: list[dt.datetime] = []
    old = f"{table}__unpartitioned" if partitioned else f"{table}__partitioned"
    cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')  # type: ignore[attr-defined]
    if partitioned:
        cursor.execute(f"SELECT DISTINCT date_trunc('month', \"{key}\" AT TIME ZONE 'UTC') FROM \"{old}\"")  # type: ignore[attr-defined]
        months = [m.replace(tzinfo=dt.UTC) for (m,) in cursor.fetchall()]  # type: ignore[attr-defined]
        first = month_start(timezone.now())
        months = sorted(set(months) | {month_add(first, n) for n in range(months_ahead + 1)})
        cursor.execute(
            f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE) PARTITION BY RANGE ("{key}")'
        )  # type: ignore[attr-defined]
        for start in months:
            cursor.execute(  # type: ignore[attr-defined]
                f'CREATE TABLE "{partition_name(table, start)}" PARTITION OF "{table}" FOR VALUES FROM (%s) TO (%s)',
                [start, month_add(start, 1)],
            )
        cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')  # type: ignore[attr-defined]
    else:
        cursor.execute(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING STORAGE)')  # type: ignore[attr-defined]
    cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')  # type: ignore[attr-defined]
    cursor.execute(f'DROP TABLE "{old}"')  # type: ignore[attr-defined]
    for column in identities:
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" ADD GENERATED BY DEFAULT AS IDENTITY')  # type: ignore[attr-defined]
        cursor.execute(  # type: ignore[attr-defined]
            f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 1), max("{column}") IS NOT NULL) FROM "{table}"',
            [table, column],
        )
    for name, kind, definition in constraints:
        if kind in "pu":
            definition = _with_key(definition, key) if partitioned else _without_key(definition, key)
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')  # type: ignore[attr-defined]
    for definition in indexes:
        cursor.execute(definition)  # type: ignore[attr-defined]


def _columns(definition: str) -> tuple[str, list[str]]:
    match = re.fullmatch(r"(PRIMARY KEY|UNIQUE) \((.*)\)", definition)
    if not match:
        raise RuntimeError(f"unexpected constraint {definition!r}")
    return match.group(1), [c.strip() for c in match.group(2).split(",")]


def _with_key(definition: str, key: str) -> str:
    kind, columns = _columns(definition)
    return f"{kind} ({', '.join(columns if key in columns else [*columns, key])})"


def _without_key(definition: str, key: str) -> str:
    kind, columns = _columns(definition)
    return f"{kind} ({', '.join(c for c in columns if c != key) or key})"


def _key_table_create(cursor: object) -> None:
    # AFTER row triggers: PostgreSQL 15 clones them onto every partition, present and future.
    for statement in (
        f"CREATE TABLE {KEY_TABLE} (idempotency_key uuid PRIMARY KEY, created_at timestamptz NOT NULL)",
        f"CREATE INDEX {KEY_TABLE}_created_at ON {KEY_TABLE} (created_at)",
        f"INSERT INTO {KEY_TABLE} (idempotency_key, created_at) SELECT idempotency_key, created_at FROM hub_delivery",
        f"""
        CREATE FUNCTION hub_delivery_key_claim() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP IN ('UPDATE', 'DELETE') THEN
                DELETE FROM {KEY_TABLE} WHERE idempotency_key = OLD.idempotency_key;
            END IF;
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO {KEY_TABLE} (idempotency_key, created_at) VALUES (NEW.idempotency_key, NEW.created_at);
            END IF;
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER hub_delivery_key_claim AFTER INSERT OR DELETE OR UPDATE OF idempotency_key, created_at ON hub_delivery "
        "FOR EACH ROW EXECUTE FUNCTION hub_delivery_key_claim()",
        f"""
        CREATE FUNCTION hub_delivery_key_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            TRUNCATE {KEY_TABLE};
            RETURN NULL;
        END $$
        """,
        "CREATE TRIGGER hub_delivery_key_truncate AFTER TRUNCATE ON hub_delivery FOR EACH STATEMENT EXECUTE FUNCTION hub_delivery_key_truncate()",
    ):
        cursor.execute(statement)  # type: ignore[attr-defined]


def partition_of(table: str, pk: object) -> str:
    """The partition a row lives in (``tableoid``): for tests and for the curious."""
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT tableoid::regclass::text FROM "{table}" WHERE id = %s', [pk])
        row = cursor.fetchone()
    return row[0] if row else ""
