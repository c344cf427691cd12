-- A hand-built office for tests/unit/test_indicators.c and test_export.c, applied after
-- store_open has created the schema. The cut ("now") of the tests is Monday
-- 2024-05-20T10:00:00-05:00, the targets the defaults ([sla] directa 3, selección 5,
-- novedad 3, otro 5), closing time 16:30. May 2024: Wed 1 and Mon 13 are holidays.
-- Business days: Apr 30; May 2 3 6 7 8 9 10 14 15 16 17 20 21 22 23 24 ...
-- The expected figures, with their arithmetic, are in the tests.

INSERT INTO usuario (id, nombre, rol, token_hash, activo, creado) VALUES
 (1, 'Directora Paula Castro', 'director', NULL, 1, '2024-01-02T08:00:00-05:00'),
 (2, 'Ana Ruiz', 'abogado', NULL, 1, '2024-01-02T08:00:00-05:00'),
 (3, 'Bruno Díaz', 'abogado', NULL, 1, '2024-01-02T08:00:00-05:00'),
 (4, 'Carla Gómez', 'abogado', NULL, 1, '2024-01-02T08:00:00-05:00'),
 (5, 'Elena Mora', 'abogado', NULL, 0, '2024-01-02T08:00:00-05:00'),
 (6, 'Fabio Niño', 'abogado', NULL, 1, '2024-01-02T08:00:00-05:00'),
 (7, 'Diego Apoyo', 'apoyo', NULL, 1, '2024-01-02T08:00:00-05:00');

-- id, numero, fecha_radicacion, asunto, dependencia_origen (+ nombre)
INSERT INTO radicado (id, numero, tipo_radicado, fecha_radicacion, asunto, folios, ruta,
 dependencia_origen, dependencia_origen_nombre, dependencia_actual, remitente,
 tipo_documental, estado_ds, con_detalle, hash_ds, hash_lista, visto_primero, visto_ultimo)
VALUES
 (1, '20243420000011', 'interna', '2024-05-02T09:00:00-05:00',
  'Prestación de servicios; apoyo "jurídico"', 3, '', '600', 'Secretaría de Salud', '342',
  'María Pérez', '12', 'vigente', 1, 'h', 'h', '2024-05-02T09:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (2, '20243420000021', 'interna', '2024-05-02T15:00:00-05:00',
  'Contratación directa de apoyo logístico', 2, '', '600', 'Secretaría de Salud', '342',
  'María Pérez', '12', 'vigente', 1, 'h', 'h', '2024-05-02T15:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (3, '20243420000031', 'interna', '2024-05-03T08:00:00-05:00',
  'Selección abreviada de suministros', 9, '', '700', 'Oficina de Planeación', '342',
  'Jorge Ríos', '14', 'vigente', 1, 'h', 'h', '2024-05-03T08:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (4, '20243420000041', 'interna', '2024-05-06T10:00:00-05:00',
  'Licitación pública de obra', 40, '', '700', 'Oficina de Planeación', '342',
  'Jorge Ríos', '14', 'vigente', 1, 'h', 'h', '2024-05-06T10:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (5, '20243420000051', 'interna', '2024-05-16T09:00:00-05:00',
  '=HIPERVINCULO("x") contratación directa', 1, '', '600', 'Secretaría de Salud', '342',
  'María Pérez', '12', 'vigente', 1, 'h', 'h', '2024-05-16T09:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (6, '20243420000061', 'interna', '2024-05-16T10:00:00-05:00',
  'Prórroga del contrato 012 de 2023', 2, '', '800', 'Secretaría de Educación', '342',
  'Luis Gil', '20', 'vigente', 1, 'h', 'h', '2024-05-16T10:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (7, '20243420000071', 'interna', '2024-05-08T09:00:00-05:00',
  'Contratación directa de transporte escolar', 5, '', '800', 'Secretaría de Educación', '342',
  'Luis Gil', '12', 'vigente', 1, 'h', 'h', '2024-05-08T09:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (8, '20243420000081', 'interna', '2024-05-09T11:00:00-05:00',
  'Solicitud sin repartir', 1, '', '600', 'Secretaría de Salud', '342',
  'María Pérez', '12', 'vigente', 1, 'h', 'h', '2024-05-09T11:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (9, '20243420000091', 'interna', '2024-05-10T09:00:00-05:00',
  'Solicitud anulada', 1, '', '700', 'Oficina de Planeación', '342',
  'Jorge Ríos', '12', 'anulado', 1, 'h', 'h', '2024-05-10T09:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (10, '20243420000101', 'interna', '2024-04-30T09:00:00-05:00',
  'Solicitud de abril aún abierta', 1, '', '600', 'Secretaría de Salud', '342',
  'María Pérez', '12', 'vigente', 1, 'h', 'h', '2024-04-30T09:05:00-05:00', '2024-05-20T09:00:00-05:00'),
 (11, '20243420000111', 'interna', '2024-05-07T09:00:00-05:00',
  'Mínima cuantía de papelería', 2, '', '700', 'Oficina de Planeación', '342',
  'Jorge Ríos', '12', 'vigente', 1, 'h', 'h', '2024-05-07T09:05:00-05:00', '2024-05-20T09:00:00-05:00');

INSERT INTO seguimiento (radicado_id, tipo_tramite, modalidad, novedad, tipo_gestion, abogado_id,
 fecha_reparto, estado, concluido_satisfactorio, fecha_conclusion, numero_contrato, contratista,
 valor, fecha_rp, fecha_aprobacion_garantias, fecha_arl, fecha_acta_inicio, publicado_secop,
 observaciones, devoluciones, creado, actualizado)
VALUES
 -- F1: Ana, concluded with every contract and legalization field.
 (1, 'contratacion_directa', 'contratacion_directa', '', 'Elaboración de contrato', 2,
  '2024-05-02T10:00:00-05:00', 'concluido', 1, '2024-05-07T11:00:00-05:00', 'CD-045-2024',
  'Laura Méndez', 45000000, '2024-05-08', '2024-05-09', '2024-05-09', '2024-05-10', 1,
  'Primera línea' || char(10) || 'Segunda; línea', 0, '2024-05-02T09:05:00-05:00', '2024-05-10T09:00:00-05:00'),
 -- F2: Ana, returned once over the holiday weekend.
 (2, 'contratacion_directa', 'contratacion_directa', '', '', 2, '2024-05-02T16:45:00-05:00',
  'concluido', 1, '2024-05-16T12:00:00-05:00', '0452024', '', NULL, NULL, NULL, NULL, NULL, 0,
  '', 1, '2024-05-02T15:05:00-05:00', '2024-05-16T12:00:00-05:00'),
 -- F3: Bruno, legacy record: no gestiones, only fecha_reparto and fecha_conclusion.
 (3, 'proceso_seleccion', 'seleccion_abreviada', '', '', 3, '2024-05-03T09:00:00-05:00',
  'concluido', 1, '2024-05-14T10:00:00-05:00', '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 0,
  '2024-05-03T08:05:00-05:00', '2024-05-14T10:00:00-05:00'),
 -- F4: given to Carla, reassigned to Bruno (fecha_reparto moved with it), still open.
 (4, 'proceso_seleccion', 'licitacion_publica', '', '', 3, '2024-05-08T09:00:00-05:00',
  'en_revision', NULL, NULL, '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 0,
  '2024-05-06T10:05:00-05:00', '2024-05-08T09:00:00-05:00'),
 -- F5: Ana, given one second before the 16:30 cut.
 (5, 'contratacion_directa', 'contratacion_directa', '', '', 2, '2024-05-16T16:29:59-05:00',
  'repartido', NULL, NULL, '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 0,
  '2024-05-16T09:05:00-05:00', '2024-05-16T16:29:59-05:00'),
 -- F6: Carla, given at the 16:30 cut.
 (6, 'novedad_contractual', '', 'prorroga', '', 4, '2024-05-16T16:30:00-05:00', 'repartido',
  NULL, NULL, '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 0,
  '2024-05-16T10:05:00-05:00', '2024-05-16T16:30:00-05:00'),
 -- F7: Carla, returned and not yet back.
 (7, 'contratacion_directa', '', '', '', 4, '2024-05-08T10:00:00-05:00', 'devuelto', NULL, NULL,
  '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 1,
  '2024-05-08T09:05:00-05:00', '2024-05-09T09:00:00-05:00'),
 -- F8: not yet given to anyone.
 (8, 'contratacion_directa', '', '', '', NULL, NULL, 'recibido', NULL, NULL, '', '', NULL, NULL,
  NULL, NULL, NULL, 0, '', 0, '2024-05-09T11:05:00-05:00', '2024-05-09T11:05:00-05:00'),
 -- F9: annulled.
 (9, 'otro', '', '', '', NULL, NULL, 'anulado', NULL, NULL, '', '', NULL, NULL, NULL, NULL, NULL,
  0, '', 0, '2024-05-10T09:05:00-05:00', '2024-05-10T09:05:00-05:00'),
 -- F10: Ana, filed in April (outside May), still open.
 (10, 'contratacion_directa', 'contratacion_directa', '', '', 2, '2024-04-30T10:00:00-05:00',
  'en_revision', NULL, NULL, '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 0,
  '2024-04-30T09:05:00-05:00', '2024-04-30T10:00:00-05:00'),
 -- F11: Bruno, returned twice, concluded late and not satisfactorily.
 (11, 'contratacion_directa', 'minima_cuantia', '', '', 3, '2024-05-07T09:30:00-05:00',
  'concluido', 0, '2024-05-17T16:00:00-05:00', '', '', NULL, NULL, NULL, NULL, NULL, 0, '', 2,
  '2024-05-07T09:05:00-05:00', '2024-05-17T16:00:00-05:00');

INSERT INTO gestion (radicado_id, tipo, usuario_id, fecha, texto, satisfactorio) VALUES
 (1, 'reparto', 1, '2024-05-02T10:00:00-05:00', '', NULL),
 (1, 'observacion', 2, '2024-05-03T09:00:00-05:00', 'Revisar el CDP', NULL),
 (1, 'conclusion', 2, '2024-05-07T11:00:00-05:00', 'Contrato elaborado', 1),
 (2, 'reparto', 1, '2024-05-02T16:45:00-05:00', '', NULL),
 (2, 'devolucion', 2, '2024-05-06T09:00:00-05:00', 'Falta el estudio previo', NULL),
 (2, 'reingreso', NULL, '2024-05-10T17:00:00-05:00', '', NULL),
 (2, 'conclusion', 2, '2024-05-16T12:00:00-05:00', '', 1),
 (4, 'reparto', 1, '2024-05-06T11:00:00-05:00', '', NULL),
 (4, 'reasignacion', 1, '2024-05-08T09:00:00-05:00', 'Pasa a Bruno', NULL),
 (5, 'reparto', 1, '2024-05-16T16:29:59-05:00', '', NULL),
 (6, 'reparto', 1, '2024-05-16T16:30:00-05:00', '', NULL),
 (7, 'reparto', 1, '2024-05-08T10:00:00-05:00', '', NULL),
 (7, 'devolucion', 4, '2024-05-09T09:00:00-05:00', 'Falta la disponibilidad', NULL),
 (10, 'reparto', 1, '2024-04-30T10:00:00-05:00', '', NULL),
 (11, 'reparto', 1, '2024-05-07T09:30:00-05:00', '', NULL),
 (11, 'devolucion', 3, '2024-05-08T10:00:00-05:00', 'Falta el CDP', NULL),
 (11, 'reingreso', NULL, '2024-05-09T08:00:00-05:00', '', NULL),
 (11, 'devolucion', 3, '2024-05-10T11:00:00-05:00', 'CDP sin firma', NULL),
 (11, 'reingreso', NULL, '2024-05-15T09:00:00-05:00', '', NULL),
 (11, 'conclusion', 3, '2024-05-17T16:00:00-05:00', '', 0);
