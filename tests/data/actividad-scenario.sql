-- Six filings with gestiones on known days of mid-2026, for tests/integration/test_api_actividad.py
-- (applied to the database of a running `segcont serve`; ids and numeros apart from fakeds'
-- dataset, which starts in September 2026). Every filing is proceso_seleccion (meta 5).
-- 2026 holidays that matter: Mon Jun 29 (San Pedro), Mon Jul 20 (Independencia).
-- Business days between two instants: those after the first one's day up to the second's day
-- (a start after 16:30 counts from the next business day). Hand counts:
--   F1 radicado Tue Jun 30; reparto Wed Jul 1; conclusion Wed Jul 8: 5 días (Jul 2 3 6 7 8);
--      hasta el reparto 1 (Jul 1).
--   F2 radicado Jun 30; reparto Jul 1; devolución Fri Jul 3 (2: Jul 2 3); reingreso Thu Jul 9
--      (corrección 4: Jul 6 7 8 9); conclusión Tue Jul 21 (7: Jul 10 13 14 15 16 17 21):
--      9 días; hasta el reparto 1.
--   F3 radicado Jun 30 09:00; reparto Jun 30 10:00 (0); conclusión Thu Jul 2: 2 días.
--   F4 radicado Jun 30; reparto Wed Jul 15 17:00 (11: Jul 1 2 3 6 7 8 9 10 13 14 15); open,
--      vencido, fecha límite Fri Jul 24.
--   F5 radicado Jun 30; reparto Thu Jul 2 (2); reasignación Mon Jul 6; open, vencido, fecha
--      límite Thu Jul 9.
--   F6 radicado Fri Jul 3; reparto Mon Aug 3 (20: Jul 6-10, 13-17, 21-24, 27-31, Aug 3);
--      conclusión Wed Aug 5: 2 días (Aug 4 5).
INSERT INTO usuario (id, nombre, rol, token_hash, activo, creado) VALUES
 (900, 'Abogada Fixture', 'abogado', NULL, 1, '2026-01-02T08:00:00-05:00');

INSERT INTO radicado (id, numero, tipo_radicado, fecha_radicacion, asunto, folios, ruta,
 dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,
 tipo_documental, estado_ds, con_detalle, hash_ds, hash_lista, visto_primero, visto_ultimo)
VALUES
 (900001, '20269990000011', 'interna', '2026-06-30T09:00:00-05:00', 'Selección F1', 1, '',
  '9600', 'Área Fixture Uno', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-06-30T09:05:00-05:00', '2026-06-30T09:05:00-05:00'),
 (900002, '20269990000021', 'interna', '2026-06-30T09:00:00-05:00', 'Selección F2', 1, '',
  '9600', 'Área Fixture Uno', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-06-30T09:05:00-05:00', '2026-06-30T09:05:00-05:00'),
 (900003, '20269990000031', 'interna', '2026-06-30T09:00:00-05:00', 'Selección F3', 1, '',
  '9600', 'Área Fixture Uno', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-06-30T09:05:00-05:00', '2026-06-30T09:05:00-05:00'),
 (900004, '20269990000041', 'interna', '2026-06-30T09:00:00-05:00', 'Selección F4', 1, '',
  '9700', 'Área Fixture Dos', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-06-30T09:05:00-05:00', '2026-06-30T09:05:00-05:00'),
 (900005, '20269990000051', 'interna', '2026-06-30T09:00:00-05:00', 'Selección F5', 1, '',
  '9700', 'Área Fixture Dos', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-06-30T09:05:00-05:00', '2026-06-30T09:05:00-05:00'),
 (900006, '20269990000061', 'interna', '2026-07-03T09:00:00-05:00', 'Selección F6', 1, '',
  '9700', 'Área Fixture Dos', '342', 'Remitente', '12', 'vigente', 1, 'h', 'h',
  '2026-07-03T09:05:00-05:00', '2026-07-03T09:05:00-05:00');

INSERT INTO seguimiento (radicado_id, tipo_tramite, abogado_id, fecha_reparto, estado,
 concluido_satisfactorio, fecha_conclusion, devoluciones, creado, actualizado)
VALUES
 (900001, 'proceso_seleccion', 900, '2026-07-01T09:00:00-05:00', 'concluido', 1,
  '2026-07-08T10:00:00-05:00', 0, '2026-06-30T09:05:00-05:00', '2026-07-08T10:00:00-05:00'),
 (900002, 'proceso_seleccion', 900, '2026-07-01T09:00:00-05:00', 'concluido', 1,
  '2026-07-21T10:00:00-05:00', 1, '2026-06-30T09:05:00-05:00', '2026-07-21T10:00:00-05:00'),
 (900003, 'proceso_seleccion', 900, '2026-06-30T10:00:00-05:00', 'concluido', 1,
  '2026-07-02T10:00:00-05:00', 0, '2026-06-30T09:05:00-05:00', '2026-07-02T10:00:00-05:00'),
 (900004, 'proceso_seleccion', 900, '2026-07-15T17:00:00-05:00', 'repartido', NULL, NULL, 0,
  '2026-06-30T09:05:00-05:00', '2026-07-15T17:00:00-05:00'),
 (900005, 'proceso_seleccion', 900, '2026-07-02T09:00:00-05:00', 'repartido', NULL, NULL, 0,
  '2026-06-30T09:05:00-05:00', '2026-07-06T09:00:00-05:00'),
 (900006, 'proceso_seleccion', 900, '2026-08-03T09:00:00-05:00', 'concluido', 1,
  '2026-08-05T10:00:00-05:00', 0, '2026-07-03T09:05:00-05:00', '2026-08-05T10:00:00-05:00');

INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio) VALUES
 (900001, 'reparto', NULL, '2026-07-01T09:00:00-05:00', '', NULL),
 (900001, 'conclusion', 900, '2026-07-08T10:00:00-05:00', 'Concluido', 1),
 (900002, 'reparto', NULL, '2026-07-01T09:00:00-05:00', '', NULL),
 (900002, 'devolucion', 900, '2026-07-03T10:00:00-05:00', 'Falta el estudio previo', NULL),
 (900002, 'reingreso', NULL, '2026-07-09T11:00:00-05:00', '', NULL),
 (900002, 'conclusion', 900, '2026-07-21T10:00:00-05:00', 'Concluido', 1),
 (900003, 'reparto', NULL, '2026-06-30T10:00:00-05:00', '', NULL),
 (900003, 'conclusion', 900, '2026-07-02T10:00:00-05:00', 'Concluido', 1),
 (900004, 'reparto', NULL, '2026-07-15T17:00:00-05:00', '', NULL),
 (900005, 'reparto', NULL, '2026-07-02T09:00:00-05:00', '', NULL),
 (900005, 'reasignacion', NULL, '2026-07-06T09:00:00-05:00', '', NULL),
 (900006, 'reparto', NULL, '2026-08-03T09:00:00-05:00', '', NULL),
 (900006, 'conclusion', 900, '2026-08-05T10:00:00-05:00', 'Concluido', 1);
