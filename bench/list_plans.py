#!/usr/bin/env python3
"""bench/list_plans.py DB: for every order the Bandeja offers under each single filter it
offers, the query plan SQLite picks for the list's page (EXPLAIN QUERY PLAN) and its time
on DB (a copy of build/bench/segcont.db at the current schema): whether it sorts the whole
filter ("USE TEMP B-TREE FOR ORDER BY") or reads about one page of index entries.

The page's SQL is the list's (connector/store_views.c) reduced to what the plan depends on:
the same FROM, WHERE and ORDER BY; the row's JSON is left out, segcont_sla is a stub (the
stored blocks are fresh on a database serve has just read)."""
import sqlite3
import sys
import time

OPEN = "s.estado IN ('repartido', 'en_revision', 'devuelto')"
ORDERS = {
    "-fecha": "s.fecha_radicacion DESC, s.radicado_id DESC",
    "fecha": "s.fecha_radicacion, s.radicado_id",
    "numero": "r.numero",
    "estado": "s.estado, s.fecha_radicacion DESC, s.radicado_id DESC",
    "tipo_tramite": "s.tipo_tramite, s.fecha_radicacion DESC, s.radicado_id DESC",
    "fecha_reparto": "s.fecha_reparto IS NULL, s.fecha_reparto, s.radicado_id",
    "fecha_limite": "coalesce(s.sla_fecha_limite, '9999-12-31'), s.fecha_radicacion, s.radicado_id",
    "-fecha_limite": "coalesce(s.sla_fecha_limite, '') DESC, s.fecha_radicacion, s.radicado_id",
    "dias_restantes": "coalesce(s.sla_dias_restantes, 1e18), s.fecha_radicacion, s.radicado_id",
}


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
    print("%-22s %-15s %9s  %s" % ("filtro", "orden", "ms", "plan"))
    for fname, where in filters(con).items():
        for oname, order in ORDERS.items():
            sql = ("SELECT r.numero, CASE WHEN s.sla_dia = '9999-12-31' OR s.sla_dia = ?1"
                   " THEN s.sla ELSE segcont_sla(r.numero, NULL) END FROM radicado r"
                   " JOIN seguimiento s ON s.radicado_id = r.id"
                   " LEFT JOIN usuario u ON u.id = s.abogado_id%s ORDER BY %s LIMIT 50"
                   % (" WHERE " + where if where else "", order))
            plan = [row[3] for row in con.execute("EXPLAIN QUERY PLAN " + sql, ("2026-12-02",))]
            t0 = time.perf_counter()
            con.execute(sql, ("2026-12-02",)).fetchall()
            ms = (time.perf_counter() - t0) * 1000
            temp = any("TEMP B-TREE" in p for p in plan)
            n = con.execute("SELECT count(*) FROM seguimiento s%s" %
                            (" WHERE " + where if where else "")).fetchone()[0]
            if temp and n > 2000:
                sorted_big += 1
            first = plan[0] if plan else ""
            print("%-22s %-15s %9.2f  %s%s (%d filas)" % (fname, oname, ms, first,
                  " + ORDENA" if temp else "", n))
    print("formas que ordenan más de 2000 filas: %d" % sorted_big)


if __name__ == "__main__":
    main()
