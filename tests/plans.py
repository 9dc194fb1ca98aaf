"""Reading PostgreSQL plans in tests: which partitions a statement touches."""

from __future__ import annotations

import re

from django.db import connection


def partitions_in_plan(sql: str, partition: re.Pattern[str], *, subqueries: bool = True) -> set[str]:
    """The relations matching ``partition`` that the plan of ``sql`` reads or writes.

    ``subqueries=False`` leaves out sub- and init-plans (a claim's subqueries read other rows).
    """
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
        (plan,) = cursor.fetchone()[0]
    found: set[str] = set()

    def walk(node: dict) -> None:
        if partition.match(node.get("Relation Name", "")):
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            if subqueries or child.get("Parent Relationship") not in ("SubPlan", "InitPlan"):
                walk(child)

    walk(plan["Plan"])
    return found
