#!/usr/bin/env python3
"""bench/list_plans.py DB: for every order the Bandeja offers under each single filter it
offers, the query plan SQLite picks for the list's page (EXPLAIN QUERY PLAN) and its time
on DB (a copy of build/bench/segcont.db at the current schema): whether it sorts the whole
filter ("USE TEMP B-TREE FOR ORDER BY") or reads about one page of index entries.

The page's SQL is the list's (connector/store_views.c) reduced to what the plan depends on:
the same FROM, WHERE and ORDER BY; the row's JSON is left out, segcont_sla is a stub (the
stored blocks are fresh on a database serve has just read). Like store_views_plan, a shape
whose own plan sorts every selected row, or walks an index without searching by a filter,
is read instead in its order's index (migration 14: INDEXED BY, when matches² > 2 × filings)
or sorted from its filter's index (the order's terms as +(term)); the table shows
that plan, and SQLite's own when it differs, with its time."""
import sqlite3
import sys
import time

OPEN = "s.estado IN ('repartido', 'en_revision', 'devuelto')"
# order: (its terms, the index of migration 14 that holds them with the filters' columns)
ORDERS = {
    "-fecha": ("s.fecha_radicacion DESC, s.radicado_id DESC", "seguimiento_orden_fecha"),
    "fecha": ("s.fecha_radicacion, s.radicado_id", "seguimiento_orden_fecha"),
    "numero": ("s.numero", "seguimiento_orden_numero"),
    "estado": ("s.estado, s.fecha_radicacion DESC, s.radicado_id DESC", "seguimiento_orden_estado"),
    "-estado": ("s.estado DESC, s.fecha_radicacion DESC, s.radicado_id DESC",
                "seguimiento_orden_estado_desc"),
    "tipo_tramite": ("s.tipo_tramite, s.fecha_radicacion DESC, s.radicado_id DESC",
                     "seguimiento_orden_tipo"),
    "fecha_reparto": ("s.fecha_reparto IS NULL, s.fecha_reparto, s.radicado_id",
                      "seguimiento_orden_reparto"),
    "fecha_limite": ("coalesce(s.sla_fecha_limite, '9999-12-31'), s.fecha_radicacion, s.radicado_id",
                     "seguimiento_orden_limite"),
    "-fecha_limite": ("coalesce(s.sla_fecha_limite, '') DESC, s.fecha_radicacion, s.radicado_id",
                      "seguimiento_orden_limite_desc"),
    "dias_restantes": ("coalesce(s.sla_dias_restantes, 1e18), s.fecha_radicacion, s.radicado_id",
                       "seguimiento_orden_restantes"),
}


def unindexed(order):
    """The order with every term as +(term) (store_views_unindexed)."""
    terms, depth, cur = [], 0, ""
    for ch in order:
        if ch == "," and depth == 0:
            terms.append(cur.strip())
            cur = ""
            continue
        depth += (ch == "(") - (ch == ")")
        cur += ch
    terms.append(cur.strip())
    return ", ".join("+(%s) DESC" % t[:-5] if t.endswith(" DESC") else "+(%s)" % t for t in terms)


def page_sql(where, order, index=None):
    return ("SELECT r.numero, CASE WHEN s.sla_dia = '9999-12-31' OR s.sla_dia = ?1"
            " THEN s.sla ELSE segcont_sla(r.numero, NULL) END FROM seguimiento s%s"
            " JOIN radicado r ON r.id = s.radicado_id"
            " LEFT JOIN usuario u ON u.id = s.abogado_id%s ORDER BY %s LIMIT 50"
            % (" INDEXED BY " + index if index else "", " WHERE " + where if where else "", order))


def timed(con, sql):
    plan = [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, ("2026-12-02",))]
    t0 = time.perf_counter()
    con.execute(sql, ("2026-12-02",)).fetchall()
    return plan, (time.perf_counter() - t0) * 1000


def filters(con):
    lawyer = con.execute("SELECT abogado_id FROM seguimiento WHERE abogado_id IS NOT NULL"
                         " GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
    return {
        "ninguno": "",
        "estado=concluido": "s.estado = 'concluido'",
        "estado=recibido": "s.estado = 'recibido'",
        "abogado_id": "s.abogado_id = %d" % lawyer,
        "abogado_id+abiertos": "s.abogado_id = %d AND %s" % (lawyer, OPEN),
        "tipo_tramite": "s.tipo_tramite = 'novedad_contractual'",
        "abiertos": OPEN,
        "semaforo=vencido": "(%s AND s.sla_estado = 'vencido')" % OPEN,
        "desde/hasta": "s.fecha_radicacion >= '2025-01-01' AND s.fecha_radicacion < '2025-07-01'",
    }


def main():
    con = sqlite3.connect(sys.argv[1])
    con.create_function("segcont_sla", 2, lambda numero, now: None)
    sorted_big = 0
    filings = con.execute("SELECT count(*) FROM seguimiento").fetchone()[0]
    print("%-22s %-15s %9s  %s" % ("filtro", "orden", "ms", "plan"))
    for fname, where in filters(con).items():
        n = con.execute("SELECT count(*) FROM seguimiento s%s" %
                        (" WHERE " + where if where else "")).fetchone()[0]
        for oname, (order, index) in ORDERS.items():
            own, own_ms = timed(con, page_sql(where, order))
            plan, ms, how = own, own_ms, ""
            walks = any(p == "USE TEMP B-TREE FOR ORDER BY" or p.startswith("SCAN s") for p in own)
            if where and index and walks:
                walk = n * n > 2 * filings
                how = "recorre" if walk else "ordena"
                plan, ms = timed(con, page_sql(where, order, index) if walk
                                 else page_sql(where, unindexed(order)))
            temp = any(p == "USE TEMP B-TREE FOR ORDER BY" for p in plan)
            if temp and n > 2000:
                sorted_big += 1
            first = plan[0] if plan else ""
            print("%-22s %-15s %9.2f  %s%s (%d filas)%s" % (
                fname, oname, ms, first, " + ORDENA" if temp else "", n,
                " [%s; SQLite solo: %.2f ms, %s]" % (how, own_ms, own[0] if own else "") if how else ""))
    print("formas que ordenan más de 2000 filas: %d" % sorted_big)


if __name__ == "__main__":
    main()
